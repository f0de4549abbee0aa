/* crashloop.h - restart back-off of a crashing container (CrashLoopBackOff).
 *
 * The kubelet keeps one back-off entry per container (client-go
 * util/flowcontrol Backoff, initial 10 s, max 300 s, used by
 * kubeGenericRuntimeManager.doBackOff):
 *  - a container that exits is restarted at once when it has no entry or its
 *    entry has expired (more than `reset` since the last restart: kubelet
 *    uses 2 * max = 10 min), and the entry starts at `initial`;
 *  - otherwise it waits the entry's back-off after its exit, and the entry
 *    doubles at the restart, capped at `max`.
 * So consecutive exits wait 0, 10, 20, 40, 80, 160, 300, 300, ... s, and a
 * container that ran more than 10 min starts over at 0.
 */
#ifndef VDCSIM_MODELS_CRASHLOOP_H
#define VDCSIM_MODELS_CRASHLOOP_H

#include "sim/time.h"

typedef struct crashloop_params {
    sim_time_ns initial_ns; /* 10 s */
    sim_time_ns max_ns;     /* 300 s */
    sim_time_ns reset_ns;   /* 600 s */
} crashloop_params;

typedef struct crashloop {
    int has_entry;
    sim_time_ns backoff_ns;     /* the wait the next exit gets */
    sim_time_ns last_restart_ns; /* when the entry was last updated */
} crashloop;

/* A container exited at exit_ns: returns how long to wait before
 * restarting it and updates c as if the restart happens then. */
sim_time_ns crashloop_on_exit(crashloop *c, const crashloop_params *p, sim_time_ns exit_ns);

#endif
