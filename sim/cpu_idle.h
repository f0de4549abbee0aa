/* cpu_idle.h - how many of the machine's CPUs sat idle over a stretch of
 * time: the team chooser's hint (sim/team_chooser.h) that a team epoch is
 * not worth a try because no CPU is free for the other threads.
 *
 * Read from Linux's /proc/stat (its first line, the sum over CPUs, in clock
 * ticks of 10 ms); where that is not readable the answer is "unknown" and
 * the chooser decides on timings alone, as before. Only when the engine
 * runs an epoch with one thread or with all depends on it: never a result.
 * The counts are the whole machine's, so they are read only by a thread
 * that may run on every online CPU: confined to some (taskset, a cpuset as
 * under Slurm, OMP_PROC_BIND), the answer is "unknown" and the chooser
 * probes as it did before this hint. Not seen: a container's CPU quota
 * (cgroup cpu.max), under which busy CPUs elsewhere on the machine make a
 * probe look worthless while the quota would have run it.
 */
#ifndef VDCSIM_SIM_CPU_IDLE_H
#define VDCSIM_SIM_CPU_IDLE_H

#include <stdint.h>

typedef struct sim_cpu_times {
    uint64_t idle_ticks;  /* idle + iowait, summed over CPUs */
    uint64_t total_ticks; /* user .. steal, summed over CPUs */
    int cpus;             /* online CPUs */
    int ok;               /* 0: unknown */
} sim_cpu_times;

/* Fewer ticks per CPU than this between two readings: too coarse to tell. */
#define SIM_CPU_IDLE_MIN_TICKS 10

/* Parses the "cpu ..." line of /proc/stat (user nice system idle iowait
 * irq softirq steal [guest guest_nice]; guest time is already in user).
 * 0, or -1 (t->ok = 0) for anything else. */
int sim_cpu_times_parse(const char *line, sim_cpu_times *t);

/* The machine's times now (t->ok = 0 when unknown, or when the calling
 * thread may not run on every online CPU). */
void sim_cpu_times_read(sim_cpu_times *t);

/* The CPUs idle on average from a to b (0 .. cpus), or -1 when unknown:
 * either reading failed, the count of CPUs changed, or fewer than
 * SIM_CPU_IDLE_MIN_TICKS ticks per CPU passed. */
double sim_cpu_idle_between(const sim_cpu_times *a, const sim_cpu_times *b);

#endif
