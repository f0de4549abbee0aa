/* crashloop.c - CrashLoopBackOff (see crashloop.h). */
#include "models/containers/crashloop.h"

sim_time_ns crashloop_on_exit(crashloop *c, const crashloop_params *p, sim_time_ns exit_ns)
{
    if (!c->has_entry || exit_ns - c->last_restart_ns > p->reset_ns) {
        /* IsInBackOffSince is false: restart now; Next() starts the entry. */
        c->has_entry = 1;
        c->backoff_ns = p->initial_ns;
        c->last_restart_ns = exit_ns;
        return 0;
    }
    sim_time_ns delay = c->backoff_ns;
    sim_time_ns doubled = 2 * c->backoff_ns;
    c->backoff_ns = doubled < p->max_ns ? doubled : p->max_ns;
    c->last_restart_ns = exit_ns + delay;
    return delay;
}
