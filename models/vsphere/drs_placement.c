/* drs_placement.c - DRS initial placement of a VM being powered on (see
 * drs.h): the feasible host with the least resulting imbalance. */
#include "models/vsphere/drs.h"

#include <math.h>
#include <stdlib.h>

#include "models/vsphere/drs_state.h"

int drs_fits(const drs_cluster *c, const int32_t *assignment, uint32_t v, uint32_t h)
{
    drs_state s;
    int fits = 0;
    if (h < c->n_hosts && drs_state_init(&s, c, DRS_COMBINE_MAX, assignment, v) == 0) {
        fits = drs_state_fits(&s, v, h);
        drs_state_free(&s);
    }
    return fits;
}

int32_t drs_place(const drs_cluster *c, drs_combine combine, const int32_t *assignment, uint32_t v,
                  int *soft_violation)
{
    drs_state s;
    drs_rule_index idx;
    int32_t best = -1;
    int best_soft_ok = 0;
    double best_i = INFINITY;

    if (soft_violation)
        *soft_violation = 0;
    if (v >= c->n_vms || drs_state_init(&s, c, combine, assignment, v) != 0)
        return -1;
    if (drs_rules_index_build(&idx, c->rules, c->rules ? c->n_rules : 0, c->n_vms) != 0) {
        drs_state_free(&s);
        return -1;
    }
    for (uint32_t h = 0; h < c->n_hosts; h++) {
        if (!drs_host_balancing(&c->hosts[h]) || !drs_state_fits(&s, v, h) ||
            !drs_rules_allow(c->rules, &idx, assignment, v, (int32_t)h, 0))
            continue;
        int soft_ok = drs_rules_allow(c->rules, &idx, assignment, v, (int32_t)h, 1);
        double i = drs_state_imbalance_if(&s, v, -1, (int32_t)h);
        /* Soft-rule keepers first; then least imbalance; ties to lower h. */
        if (best < 0 || (soft_ok && !best_soft_ok) || (soft_ok == best_soft_ok && i < best_i)) {
            best = (int32_t)h;
            best_i = i;
            best_soft_ok = soft_ok;
        }
    }
    if (best >= 0 && soft_violation)
        *soft_violation = !best_soft_ok;
    drs_rules_index_free(&idx);
    drs_state_free(&s);
    return best;
}

/* fmax(a, b) without a libm call (the hot loop of a placement): the same
 * value up to the sign of a zero, which no comparison below sees. */
static inline double larger(double a, double b)
{
    return a > b ? a : b;
}

/* A host's two resources side by side, {CPU, memory}: the placement does
 * the same arithmetic on both, one SSE2 instruction for the pair (a vector
 * extension of GCC and Clang). Each lane is rounded as the scalar
 * operation is, so the doubles are those of the scalar code, bit for bit
 * (no fused multiply-add: the build targets plain x86-64). */
typedef double res_pair __attribute__((vector_size(2 * sizeof(double))));
typedef int64_t res_mask __attribute__((vector_size(2 * sizeof(int64_t))));

/* a in the lanes where `positive` is > 0, else +0.0: (p > 0 ? a : 0.0) per
 * lane; where_positive(v, v) is fmax(0, v) up to the sign of a zero, which
 * no comparison below sees, NaN falling to 0 as with fmax */
static inline res_pair where_positive(res_pair positive, res_pair a)
{
    const res_pair zero = {0.0, 0.0};
    return (res_pair)((res_mask)(positive > zero) & (res_mask)a);
}

/* hosts[h].feasible, for drs_place_by_load */
static int view_feasible(const void *arg, uint32_t h)
{
    const drs_load_view *hosts = arg;
    return hosts[h].feasible;
}

int32_t drs_place_by_load(const drs_load_view *hosts, uint32_t n_hosts, double vm_cpu_mhz, double vm_mem_mib,
                          drs_combine combine)
{
    return drs_place_by_load_fits(hosts, n_hosts, vm_cpu_mhz, vm_mem_mib, combine, view_feasible, hosts);
}

/* After how many winners that do not fit every host's fit is asked at once
 * (a full cluster would otherwise cost O(n_hosts) per refused winner). */
enum { LAZY_REFUSALS = 4 };

/* Shift formula as in drs_state.c: with old mean m and Q the sum of squared
 * deviations from m, adding x to one host gives Q' = Q - d^2 + (d + x)^2 and
 * var' = Q'/H - (x/H)^2. Each balancing host's imbalance if the VM went
 * there (score[h]) is computed first; the winner is the feasible host of
 * least score, ties to the lower index, as a scan in index order keeping
 * the first strictly smaller score finds it. Scores are never NaN
 * (where_positive turns a NaN variance into 0; a weighted NaN falls back to the
 * scan over every host's fit), so the least score of all hosts, if it fits,
 * is that scan's answer over the feasible hosts. With the max combination
 * one square root serves both resources: sqrt is correctly rounded, hence
 * monotone, and max(sqrt a, sqrt b) = sqrt(max(a, b)) bit for bit. */
int32_t drs_place_by_load_fits(const drs_load_view *hosts, uint32_t n_hosts, double vm_cpu_mhz, double vm_mem_mib,
                               drs_combine combine, int (*fits)(const void *arg, uint32_t h), const void *arg)
{
    const res_pair zero = {0.0, 0.0};
    res_pair sum = zero, q = zero, cap = zero, ent = zero;
    double w[2];
    uint32_t n = 0;
    /* each balancing host's normalised loads (divided once: the loops
     * below read them again), and its score; a cluster's worth on the
     * stack (vSphere's maximum is 96 hosts per cluster) */
    res_pair load_on_stack[128];
    double score_on_stack[128];
    res_pair *load = load_on_stack;
    double *score = score_on_stack;
    if (n_hosts > 128) { /* malloc's alignment suits a res_pair */
        load = malloc((size_t)n_hosts * (sizeof *load + sizeof *score));
        if (load == NULL)
            return -1;
        score = (double *)(load + n_hosts);
    }

    for (uint32_t h = 0; h < n_hosts; h++) {
        if (!hosts[h].balancing)
            continue;
        n++;
        const res_pair c = {hosts[h].cpu_capacity_mhz, hosts[h].mem_capacity_mib};
        const res_pair e = {hosts[h].cpu_entitled_mhz, hosts[h].mem_entitled_mib};
        load[h] = where_positive(c, e / c); /* capacity > 0 ? entitled / capacity : 0 */
        sum += load[h];
        cap += c;
        ent += e;
    }
    if (n == 0) {
        if (load != load_on_stack)
            free(load);
        return -1;
    }
    const res_pair nn = {(double)n, (double)n};
    const res_pair mean = sum / nn;
    for (uint32_t h = 0; h < n_hosts; h++) {
        if (!hosts[h].balancing)
            continue;
        res_pair d = load[h] - mean;
        q += d * d;
    }
    double u0 = cap[0] > 0 ? ent[0] / cap[0] : 0.0, u1 = cap[1] > 0 ? ent[1] / cap[1] : 0.0;
    w[0] = u0 + u1 > 0 ? u0 / (u0 + u1) : 0.5;
    w[1] = u0 + u1 > 0 ? u1 / (u0 + u1) : 0.5;
    const res_pair add = {vm_cpu_mhz, vm_mem_mib};
    int nan_seen = 0;
    int32_t pick = -1; /* the least score, ties to the lower index */
    double pick_i = INFINITY;
    for (uint32_t h = 0; h < n_hosts; h++) {
        if (!hosts[h].balancing)
            continue;
        const res_pair c = {hosts[h].cpu_capacity_mhz, hosts[h].mem_capacity_mib};
        res_pair x = where_positive(c, add / c);
        res_pair d = load[h] - mean;
        res_pair qq = q - d * d + (d + x) * (d + x);
        res_pair v = qq / nn - (x / nn) * (x / nn);
        v = where_positive(v, v); /* at least 0 */
        if (combine == DRS_COMBINE_WEIGHTED) {
            score[h] = w[0] * sqrt(v[0]) + w[1] * sqrt(v[1]);
            nan_seen |= isnan(score[h]); /* 0 x an infinite root */
        } else { /* the root of a number >= 0 or +inf: never NaN */
            score[h] = sqrt(larger(v[0], v[1]));
        }
        if (pick < 0 || score[h] < pick_i) {
            pick = (int32_t)h;
            pick_i = score[h];
        }
    }
    int32_t best = -1;
    /* the least score not yet refused, ties to the lower index; refused
     * hosts leave the race (their balancing flag is the caller's: a score
     * of NaN marks them here, skipped by the strict comparison) */
    for (int refusals = 0; !nan_seen && refusals < LAZY_REFUSALS; refusals++) {
        if (refusals > 0) { /* the least score among the hosts left */
            pick = -1;
            pick_i = INFINITY;
            for (uint32_t h = 0; h < n_hosts; h++)
                if (hosts[h].balancing && !isnan(score[h]) && (pick < 0 || score[h] < pick_i)) {
                    pick = (int32_t)h;
                    pick_i = score[h];
                }
        }
        if (pick < 0 || fits(arg, (uint32_t)pick)) {
            best = pick;
            goto done;
        }
        score[pick] = NAN;
    }
    /* the scan over every feasible host, as before (refused hosts do not
     * fit: asking again gives 0) */
    {
        double best_i = INFINITY;
        for (uint32_t h = 0; h < n_hosts; h++) {
            if (!hosts[h].balancing || !fits(arg, h))
                continue;
            if (best < 0 || score[h] < best_i) {
                best = (int32_t)h;
                best_i = score[h];
            }
        }
    }
done:
    if (load != load_on_stack)
        free(load);
    return best;
}
