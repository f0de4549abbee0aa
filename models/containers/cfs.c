/* cfs.c - CFS bandwidth control and shares (see cfs.h). */
#include "models/containers/cfs.h"

#include <math.h>
#include <string.h>

#include "scenario/schema.h"

int cfs_work_kind_parse(const char *name, cfs_work_kind *out)
{
    int k = scn_enum_index("pods.[].cpu_work_per_period", name);
    if (k < 0)
        return -1;
    *out = (cfs_work_kind)k;
    return 0;
}

const char *cfs_work_kind_name(cfs_work_kind k) { return k == CFS_WORK_EXPONENTIAL ? "exponential" : "uniform"; }

double cfs_quota_s(double limit_millicores, double period_s)
{
    if (limit_millicores <= 0.0)
        return 0.0;
    double q = limit_millicores * period_s / 1000.0;
    return q < 0.001 ? 0.001 : q; /* kubelet's MinQuotaPeriod: 1000 us */
}

double cfs_shares(double request_millicores)
{
    double s = floor(request_millicores * 1024.0 / 1000.0);
    if (s < 2.0)
        return 2.0;
    return s > 262144.0 ? 262144.0 : s;
}

cfs_result cfs_bandwidth(double demand_cores, double threads, double avail_cores, double limit_millicores,
                         double period_s, cfs_work_kind kind)
{
    cfs_result r = {0.0, 0.0, 0.0};
    if (demand_cores <= 0.0 || avail_cores <= 0.0)
        return r;
    double rate = threads < avail_cores ? threads : avail_cores; /* cores the burst runs on */
    double mean_work = demand_cores * period_s;                   /* W's mean, CPU-seconds */
    double quota = cfs_quota_s(limit_millicores, period_s);
    double capacity = rate * period_s;                            /* what one period can run */
    int quota_binds = quota > 0.0 && quota < capacity;
    double cap = quota_binds ? quota : capacity;                  /* most a period can use */
    /* CPU-seconds throttled in a throttled period: r * (P - quota/r). */
    double throttled_cpu_s = quota_binds ? capacity - quota : 0.0;
    if (kind == CFS_WORK_UNIFORM) {
        double used = mean_work < cap ? mean_work : cap;
        r.usage_cores = used / period_s;
        r.throttled_fraction = quota_binds && mean_work > quota ? 1.0 : 0.0;
    } else {
        /* W ~ Exp(m): E[min(W, c)] = m (1 - e^{-c/m}), P(W > q) = e^{-q/m}. */
        r.usage_cores = mean_work * (1.0 - exp(-cap / mean_work)) / period_s;
        r.throttled_fraction = quota_binds ? exp(-quota / mean_work) : 0.0;
    }
    r.throttled_s_per_s = r.throttled_fraction * throttled_cpu_s / period_s;
    return r;
}

void cfs_waterfill(size_t n, const double *want, const double *weight, double capacity, double *out,
                   size_t *scratch)
{
    double total_want = 0.0, total_weight = 0.0;
    for (size_t i = 0; i < n; i++) {
        total_want += want[i];
        total_weight += weight[i];
        scratch[i] = i;
    }
    if (total_want <= capacity) {
        memcpy(out, want, n * sizeof *out);
        return;
    }
    /* Indices by want/weight, the level at which each claimant saturates.
     * Insertion sort: C11's qsort has no context argument, and this runs
     * concurrently in several host LPs; a node holds at most a few hundred. */
    for (size_t k = 1; k < n; k++) {
        size_t x = scratch[k], m = k;
        double rx = want[x] / weight[x];
        while (m > 0) {
            size_t y = scratch[m - 1];
            double ry = want[y] / weight[y];
            if (ry < rx || (ry == rx && y < x))
                break;
            scratch[m] = y;
            m--;
        }
        scratch[m] = x;
    }
    double left = capacity;
    size_t k = 0;
    /* Claimants whose want is below the level are satisfied first. */
    for (; k < n; k++) {
        size_t i = scratch[k];
        double level = left / total_weight;
        if (want[i] > level * weight[i])
            break;
        out[i] = want[i];
        left -= want[i];
        total_weight -= weight[i];
    }
    double level = total_weight > 0.0 ? left / total_weight : 0.0;
    for (; k < n; k++) {
        size_t i = scratch[k];
        out[i] = level * weight[i];
    }
}
