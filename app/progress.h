/* progress.h - the one-line progress display of `vdcsim run` on a terminal.
 *
 * Shows simulated time, the share of the run done, events/s and an ETA,
 * redrawn at most four times a second; silent when stderr is not a terminal.
 */
#ifndef VDCSIM_APP_PROGRESS_H
#define VDCSIM_APP_PROGRESS_H

#include <stdint.h>

#include "sim/time.h"

typedef struct progress {
    int enabled;
    sim_time_ns until_ns;
    double start_wall_s;
    double last_draw_s;
    int drawn;
} progress;

void progress_start(progress *p, sim_time_ns until_ns, int enabled);
void progress_update(progress *p, sim_time_ns now_ns, uint64_t events);
/* Clears the line if anything was drawn. */
void progress_finish(progress *p);

double progress_wall_seconds(void);

#endif
