/* progress.c - progress display (see progress.h). */
#include "app/progress.h"

#include <stdio.h>
#include <time.h>

double progress_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_start(progress *p, sim_time_ns until_ns, int enabled)
{
    p->enabled = enabled;
    p->until_ns = until_ns;
    p->start_wall_s = progress_wall_seconds();
    p->last_draw_s = p->start_wall_s;
    p->drawn = 0;
}

void progress_update(progress *p, sim_time_ns now_ns, uint64_t events)
{
    if (!p->enabled)
        return;
    double now = progress_wall_seconds();
    if (now - p->last_draw_s < 0.25)
        return;
    p->last_draw_s = now;
    double elapsed = now - p->start_wall_s;
    double done = p->until_ns > 0 ? (double)now_ns / (double)p->until_ns : 1.0;
    double eta = done > 0 ? elapsed * (1.0 - done) / done : 0.0;
    char t[64];
    fprintf(stderr, "\r  t=%s  %5.1f%%  %.2f M events/s  ETA %.0fs   ", sim_time_format(now_ns, t, sizeof t),
            100.0 * done, elapsed > 0 ? (double)events / elapsed / 1e6 : 0.0, eta);
    fflush(stderr);
    p->drawn = 1;
}

void progress_finish(progress *p)
{
    if (p->drawn) {
        fprintf(stderr, "\r%78s\r", "");
        fflush(stderr);
    }
}
