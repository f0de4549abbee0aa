/* cpu_entitlement.c - water-filling and CPU ready (see cpu_entitlement.h). */
#include "models/host/cpu_entitlement.h"

#include <string.h>

static double clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

double waterfill(const wf_claim *c, size_t n, double total, double *fixed, double *out)
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
    /* Now sum lo < total < sum hi, so the level s* exists. Each round takes
     * the level s that would share what the unfixed claims have left in
     * proportion to their weights, and compares what clamping would add
     * (deficit: claims below lo) with what it would remove (excess: above
     * hi). f(s) = left - excess + deficit. If excess > deficit then
     * f(s) < left, so s* > s and every claim above hi at s is above hi at s*:
     * fix them at hi. If deficit > excess, s* < s: fix the claims below lo
     * at lo. Equal: s = s*. Every round fixes at least one claim, so this
     * ends within n rounds, exactly (no tolerance). */
    double left = total;
    double weight = 0.0;
    size_t free_claims = 0;
    for (size_t i = 0; i < n; i++) {
        fixed[i] = c[i].weight > 0.0 ? 0.0 : 1.0;
        if (fixed[i] != 0.0) {
            out[i] = c[i].lo;
            left -= c[i].lo;
        } else {
            weight += c[i].weight;
            free_claims++;
        }
    }
    double level = 0.0;
    while (free_claims > 0 && weight > 0.0) {
        level = left / weight;
        double excess = 0.0, deficit = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (fixed[i] != 0.0)
                continue;
            double v = level * c[i].weight;
            if (v > c[i].hi)
                excess += v - c[i].hi;
            else if (v < c[i].lo)
                deficit += c[i].lo - v;
        }
        if (excess == deficit)
            break;
        int fix_high = excess > deficit;
        for (size_t i = 0; i < n; i++) {
            if (fixed[i] != 0.0)
                continue;
            double v = level * c[i].weight;
            if (fix_high ? v > c[i].hi : v < c[i].lo) {
                fixed[i] = 1.0;
                out[i] = fix_high ? c[i].hi : c[i].lo;
                left -= out[i];
                weight -= c[i].weight;
                free_claims--;
            }
        }
    }
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (fixed[i] == 0.0)
            out[i] = clamp(level * c[i].weight, c[i].lo, c[i].hi);
        sum += out[i];
    }
    /* Every weighted claim at its hi and some left: weight-0 claims take the
     * rest in proportion to their room (they come last, not never). */
    double room = 0.0;
    for (size_t i = 0; i < n; i++)
        if (!(c[i].weight > 0.0))
            room += c[i].hi - c[i].lo;
    if (total - sum > 0.0 && room > 0.0) {
        double f = (total - sum) / room;
        f = f > 1.0 ? 1.0 : f;
        sum = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (!(c[i].weight > 0.0))
                out[i] = c[i].lo + (c[i].hi - c[i].lo) * f;
            sum += out[i];
        }
    }
    return sum;
}

/* The claim of one VM: lo = min(D, R) (>= 0), hi = max(lo, min(D, L)). */
static wf_claim cpu_claim_bounds(const cpu_claim *v)
{
    double d = v->demand_mhz > 0.0 ? v->demand_mhz : 0.0;
    double lo = d < v->reservation_mhz ? d : v->reservation_mhz;
    double hi = d < v->limit_mhz ? d : v->limit_mhz;
    if (lo < 0.0)
        lo = 0.0;
    return (wf_claim){.lo = lo, .hi = hi > lo ? hi : lo, .weight = v->shares};
}

double cpu_entitlement_mhz(const cpu_claim *vms, size_t n, double capacity_mhz, wf_claim *claims,
                           double *scratch, double *entitlement_out)
{
    double total = capacity_mhz > 0.0 ? capacity_mhz : 0.0;
    /* Everything fits (sum hi <= total): waterfill gives every claim its hi.
     * Its test and its sum (the same additions in the same order) are made
     * here in the one pass that computes the bounds, without the claims. */
    double sum_hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        entitlement_out[i] = cpu_claim_bounds(&vms[i]).hi;
        sum_hi += entitlement_out[i];
    }
    if (sum_hi <= total)
        return sum_hi;
    for (size_t i = 0; i < n; i++)
        claims[i] = cpu_claim_bounds(&vms[i]);
    return waterfill(claims, n, total, scratch, entitlement_out);
}

double cpu_shares_per_vcpu(shares_level level)
{
    return level == SHARES_LOW ? 500.0 : level == SHARES_HIGH ? 2000.0 : 1000.0;
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
