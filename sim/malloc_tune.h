/* malloc_tune.h - glibc malloc settings for one long simulation run.
 *
 * Call once at the start of a run program (`vdcsim run`, bench_datacenter),
 * before the engine's threads start. It changes no result: only where the
 * C library takes memory from and when it gives it back (issue 18, item 4;
 * docs/clusters.md "Memory, fourth pass"). A no-op without glibc.
 */
#ifndef VDCSIM_SIM_MALLOC_TUNE_H
#define VDCSIM_SIM_MALLOC_TUNE_H

/* One malloc arena for every thread, and blocks of 1 MiB and more mapped
 * from the system (returned to it when freed) at a fixed threshold. */
void sim_malloc_tune(void);

#endif
