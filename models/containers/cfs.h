/* cfs.h - Linux CFS bandwidth control and cpu.shares for containers.
 *
 * Pure functions, no simulation state. Units: CPU in cores (1 core = 1000
 * millicores), times in seconds.
 *
 * Kubernetes maps a container's CPU limit L (millicores) to a CFS quota per
 * period P (kubelet helpers_linux.go):
 *     quota = L * P / 1000  (at least 1 ms)
 * and its request R to cpu.shares = R * 1024 / 1000 clamped to [2, 262144].
 *
 * Within each period the group may run for at most `quota` of CPU time; once
 * it has used it, its threads are throttled until the next period (kernel
 * Documentation/scheduler/sched-bwc). The model of one period: the period's
 * work W arrives at the period start and runs on min(threads, avail) cores
 * (r); the group is throttled when W > quota and r*P > quota, at
 * t_x = quota / r into the period, for P - t_x. The kernel's throttled_time
 * sums over per-CPU run queues, so a throttled period adds r * (P - t_x).
 *   uniform:      W = d*P in every period (d = demand in cores)
 *   exponential:  W ~ Exp(mean d*P) independently per period (bursty
 *                 request-driven load); closed forms below.
 * Work beyond what a period can run is not carried over: it is unmet demand.
 */
#ifndef VDCSIM_MODELS_CFS_H
#define VDCSIM_MODELS_CFS_H

#include <stddef.h>

/* In the order of pods.[].cpu_work_per_period (read with scn_enum). */
typedef enum { CFS_WORK_UNIFORM, CFS_WORK_EXPONENTIAL } cfs_work_kind;

/* A name of that key's list; returns 0, or -1 if unknown. */
int cfs_work_kind_parse(const char *name, cfs_work_kind *out);
const char *cfs_work_kind_name(cfs_work_kind k);

/* Quota in seconds per period for a limit in millicores (kubelet: minimum
 * 1 ms); a limit <= 0 means no quota and returns 0. */
double cfs_quota_s(double limit_millicores, double period_s);

/* cpu.shares for a request in millicores: R*1024/1000, clamped to [2, 262144]. */
double cfs_shares(double request_millicores);

typedef struct cfs_result {
    double usage_cores;        /* mean CPU used over the interval */
    double throttled_fraction; /* nr_throttled / nr_periods */
    double throttled_s_per_s;  /* throttled_time accrued per second (per-CPU sum) */
} cfs_result;

/* One container over an interval made of identical periods:
 * demand_cores d >= 0, threads >= 1 runnable threads, avail_cores > 0 the CPU
 * the node gives it, limit_millicores <= 0 for no limit, period_s > 0. */
cfs_result cfs_bandwidth(double demand_cores, double threads, double avail_cores, double limit_millicores,
                         double period_s, cfs_work_kind kind);

/* Divides `capacity` among n claimants by weight (water-filling): each gets
 * min(want[i], level * weight[i]) with one level chosen so the total is
 * min(capacity, sum of wants). weight[i] > 0. scratch holds n size_t.
 * Writes out[i]. */
void cfs_waterfill(size_t n, const double *want, const double *weight, double capacity, double *out,
                   size_t *scratch);

#endif
