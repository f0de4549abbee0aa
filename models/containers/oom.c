/* oom.c - QoS classes, oom_score_adj and the OOM killer (see oom.h). */
#include "models/containers/oom.h"

#include <string.h>

const char *qos_class_name(qos_class q)
{
    switch (q) {
    case QOS_GUARANTEED: return "Guaranteed";
    case QOS_BURSTABLE: return "Burstable";
    case QOS_BEST_EFFORT: return "BestEffort";
    }
    return "?";
}

qos_class qos_class_of(int64_t cpu_request_m, int64_t cpu_limit_m, uint64_t mem_request, uint64_t mem_limit)
{
    if (cpu_request_m == 0 && cpu_limit_m == 0 && mem_request == 0 && mem_limit == 0)
        return QOS_BEST_EFFORT;
    /* Kubernetes defaults a missing request to the limit; scenario loading
     * does the same, so equality of both pairs means Guaranteed. */
    if (cpu_limit_m > 0 && mem_limit > 0 && cpu_request_m == cpu_limit_m && mem_request == mem_limit)
        return QOS_GUARANTEED;
    return QOS_BURSTABLE;
}

int oom_score_adj(qos_class q, uint64_t mem_request, uint64_t node_mem_capacity)
{
    if (q == QOS_GUARANTEED)
        return -997;
    if (q == QOS_BEST_EFFORT || node_mem_capacity == 0)
        return 1000;
    /* 1000 - 1000*req/cap in integer arithmetic, as kubelet computes it. */
    int64_t adj = 1000 - (int64_t)((1000 * mem_request) / node_mem_capacity) /* < 2^63: 64 TiB * 1000 */;
    if (adj < 3)
        return 3;
    return adj > 999 ? 999 : (int)adj;
}

int oom_over_limit(double usage_mib, double limit_mib) { return limit_mib > 0.0 && usage_mib > limit_mib; }

double oom_badness(double usage_mib, int adj, double capacity_mib)
{
    return usage_mib + (double)adj * capacity_mib / 1000.0;
}

size_t oom_node_victims(size_t n, const double *usage_mib, const int *adj, double capacity_mib, size_t *victims,
                        unsigned char *dead)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        total += usage_mib[i];
    memset(dead, 0, n);
    size_t killed = 0;
    while (total > capacity_mib && killed < n) {
        size_t best = n;
        double best_badness = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (dead[i])
                continue;
            double b = oom_badness(usage_mib[i], adj[i], capacity_mib);
            if (best == n || b > best_badness || (b == best_badness && usage_mib[i] > usage_mib[best])) {
                best = i;
                best_badness = b;
            }
        }
        dead[best] = 1;
        victims[killed++] = best;
        total -= usage_mib[best];
    }
    return killed;
}
