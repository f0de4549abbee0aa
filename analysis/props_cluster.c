/* props_cluster.c - derived cluster quantities (see props_cluster.h). */
#include "analysis/props_cluster.h"

#include <math.h>

int props_cluster_changes(const ps_signal *hosts_up, int drs_enabled, ps_signal *out)
{
    ps_init(out, hosts_up->end_ns);
    if (ps_push(out, 0, 0) != 0)
        return -1;
    for (size_t i = 1; drs_enabled && i < hosts_up->n; i++) {
        if (!props_cluster_is_change(hosts_up->seg[i - 1].v, hosts_up->seg[i].v))
            continue;
        int64_t t = hosts_up->seg[i].t;
        if (ps_push(out, t, 1) != 0 || (t + 1 < out->end_ns && ps_push(out, t + 1, 0) != 0)) {
            ps_free(out);
            return -1;
        }
    }
    return 0;
}

double props_cluster_target_of(double hosts_up, int threshold)
{
    return isnan(hosts_up)                     ? NAN
           : threshold <= 1 || hosts_up <= 0   ? INFINITY
                                               : (5.0 - (threshold > 5 ? 5 : threshold)) / (10.0 * sqrt(hosts_up));
}

int props_cluster_is_change(double before, double now)
{
    return !isnan(before) && !isnan(now) && before != now;
}

int props_cluster_target(const ps_signal *hosts_up, int threshold, ps_signal *out)
{
    ps_init(out, hosts_up->end_ns);
    for (size_t i = 0; i < hosts_up->n; i++) {
        double target = props_cluster_target_of(hosts_up->seg[i].v, threshold);
        if (ps_push(out, hosts_up->seg[i].t, target) != 0) {
            ps_free(out);
            return -1;
        }
    }
    return 0;
}
