/* cpu_idle.c - idle CPUs from /proc/stat (see cpu_idle.h). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "sim/cpu_idle.h"

#include <sched.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sim_cpu_times_parse(const char *line, sim_cpu_times *t)
{
    t->ok = 0;
    t->idle_ticks = t->total_ticks = 0;
    if (strncmp(line, "cpu ", 4) != 0)
        return -1;
    const char *p = line + 4;
    uint64_t field[8];
    for (int i = 0; i < 8; i++) {
        while (*p == ' ')
            p++;
        if (*p < '0' || *p > '9')
            return -1;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || errno == ERANGE)
            return -1;
        field[i] = v;
        p = end;
    }
    uint64_t total = 0;
    for (int i = 0; i < 8; i++) {
        if (total > UINT64_MAX - field[i])
            return -1;
        total += field[i];
    }
    t->idle_ticks = field[3] + field[4]; /* idle + iowait: both <= total */
    t->total_ticks = total;
    t->ok = 1;
    return 0;
}

/* 1 when the calling thread may run on every online CPU, so that the
 * machine's counts are its own. */
static int unconfined(long cpus)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    return sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == cpus;
}

void sim_cpu_times_read(sim_cpu_times *t)
{
    char line[512];
    t->ok = 0;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus <= 0 || cpus >= 1 << 20 || !unconfined(cpus))
        return; /* confined to some CPUs (taskset, a cpuset, OMP_PROC_BIND): the machine's counts are not ours */
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return;
    if (fgets(line, sizeof line, f))
        sim_cpu_times_parse(line, t);
    fclose(f);
    t->cpus = (int)cpus;
}

double sim_cpu_idle_between(const sim_cpu_times *a, const sim_cpu_times *b)
{
    if (!a->ok || !b->ok || a->cpus != b->cpus || a->cpus <= 0 || b->total_ticks < a->total_ticks ||
        b->idle_ticks < a->idle_ticks)
        return -1.0;
    double per_cpu = (double)(b->total_ticks - a->total_ticks) / a->cpus;
    if (per_cpu < SIM_CPU_IDLE_MIN_TICKS)
        return -1.0;
    double idle = (double)(b->idle_ticks - a->idle_ticks) / per_cpu;
    return idle > a->cpus ? a->cpus : idle;
}
