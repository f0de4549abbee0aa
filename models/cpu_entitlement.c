/* cpu_entitlement.c - water-filling and CPU ready (see cpu_entitlement.h). */
#include "models/cpu_entitlement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* f(s) = sum clamp(s * w_i, lo_i, hi_i) */
static double fill_level(const wf_claim *c, size_t n, double s)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += c[i].weight > 0.0 ? clamp(s * c[i].weight, c[i].lo, c[i].hi) : c[i].lo;
    return sum;
}

double waterfill(const wf_claim *c, size_t n, double total, double *scratch, double *out)
{
    double sum_lo = 0.0, sum_hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum_lo += c[i].lo;
        sum_hi += c[i].hi;
    }
    if (n == 0)
        return 0.0;
    if (sum_hi <= total) {
        for (size_t i = 0; i < n; i++)
            out[i] = c[i].hi;
        return sum_hi;
    }
    if (sum_lo >= total) {
        /* guarantees exceed the total: shrink them in proportion */
        double f = sum_lo > 0.0 ? total / sum_lo : 0.0;
        for (size_t i = 0; i < n; i++)
            out[i] = c[i].lo * f;
        return sum_lo * f;
    }
    /* f(s) rises from sum_lo (s = 0) to sum_hi; it is linear between the
     * breakpoints lo_i/w_i and hi_i/w_i. Find the last breakpoint b with
     * f(b) <= total, then solve the linear piece after it exactly. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].weight > 0.0) {
            scratch[m++] = c[i].lo / c[i].weight;
            scratch[m++] = c[i].hi / c[i].weight;
        }
    qsort(scratch, m, sizeof *scratch, cmp_double);
    size_t lo_idx = 0, hi_idx = m; /* invariant: f(scratch[lo_idx]) <= total (or lo_idx = 0 -> s = 0) */
    double base = 0.0;
    while (hi_idx - lo_idx > 1) {
        size_t mid = lo_idx + (hi_idx - lo_idx) / 2;
        if (fill_level(c, n, scratch[mid]) <= total)
            lo_idx = mid;
        else
            hi_idx = mid;
    }
    base = m > 0 && fill_level(c, n, scratch[lo_idx]) <= total ? scratch[lo_idx] : 0.0;
    double at_base = 0.0, slope = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].weight <= 0.0) {
            at_base += c[i].lo;
            continue;
        }
        double v = base * c[i].weight;
        if (v < c[i].lo)
            at_base += c[i].lo;
        else if (v >= c[i].hi)
            at_base += c[i].hi;
        else {
            at_base += v;
            slope += c[i].weight; /* free (also when v == lo < hi): grows with s */
        }
    }
    double s = slope > 0.0 ? base + (total - at_base) / slope : base;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        out[i] = c[i].weight > 0.0 ? clamp(s * c[i].weight, c[i].lo, c[i].hi) : c[i].lo;
        sum += out[i];
    }
    return sum;
}

double cpu_entitlement_mhz(const cpu_claim *vms, size_t n, double capacity_mhz, wf_claim *claims,
                           double *scratch, double *entitlement_out)
{
    for (size_t i = 0; i < n; i++) {
        double d = vms[i].demand_mhz > 0.0 ? vms[i].demand_mhz : 0.0;
        double lo = d < vms[i].reservation_mhz ? d : vms[i].reservation_mhz;
        double hi = d < vms[i].limit_mhz ? d : vms[i].limit_mhz;
        if (lo < 0.0)
            lo = 0.0;
        claims[i] = (wf_claim){.lo = lo, .hi = hi > lo ? hi : lo, .weight = vms[i].shares};
    }
    return waterfill(claims, n, capacity_mhz > 0.0 ? capacity_mhz : 0.0, scratch, entitlement_out);
}

double cpu_shares_per_vcpu(const char *level)
{
    if (strcmp(level, "low") == 0)
        return 500.0;
    if (strcmp(level, "high") == 0)
        return 2000.0;
    return 1000.0;
}

double cpu_ready_fraction(double demand_mhz, double entitlement_mhz)
{
    if (!(demand_mhz > 0.0) || entitlement_mhz >= demand_mhz)
        return 0.0;
    double e = entitlement_mhz > 0.0 ? entitlement_mhz : 0.0;
    return (demand_mhz - e) / demand_mhz;
}

double cpu_ready_ms(double demand_mhz, double entitlement_mhz, double core_mhz, double interval_ms)
{
    if (!(demand_mhz > entitlement_mhz) || !(core_mhz > 0.0))
        return 0.0;
    double e = entitlement_mhz > 0.0 ? entitlement_mhz : 0.0;
    return (demand_mhz - e) / core_mhz * interval_ms;
}
