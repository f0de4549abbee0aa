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

/* fmax(0, v) and fmax(a, b) without a libm call each (the hot loop of a
 * placement): the same values up to the sign of a zero, which no
 * comparison below sees, and NaN falls to 0 as with fmax. */
static inline double clamp_at_0(double v)
{
    return v > 0.0 ? v : 0.0;
}

static inline double larger(double a, double b)
{
    return a > b ? a : b;
}

/* Shift formula as in drs_state.c: with old mean m and Q the sum of squared
 * deviations from m, adding x to one host gives Q' = Q - d^2 + (d + x)^2 and
 * var' = Q'/H - (x/H)^2. */
int32_t drs_place_by_load(const drs_load_view *hosts, uint32_t n_hosts, double vm_cpu_mhz, double vm_mem_mib,
                          drs_combine combine)
{
    double sum[2] = {0.0, 0.0}, mean[2], q[2] = {0.0, 0.0}, cap[2] = {0.0, 0.0}, ent[2] = {0.0, 0.0}, w[2];
    uint32_t n = 0;
    int32_t best = -1;
    double best_i = INFINITY;
    /* each balancing host's normalised loads, divided once (the loops
     * below read them again) */
    double *load = malloc(2 * (size_t)(n_hosts ? n_hosts : 1) * sizeof *load);
    if (load == NULL)
        return -1;

    for (uint32_t h = 0; h < n_hosts; h++) {
        if (!hosts[h].balancing)
            continue;
        n++;
        load[2 * h] = hosts[h].cpu_capacity_mhz > 0 ? hosts[h].cpu_entitled_mhz / hosts[h].cpu_capacity_mhz : 0.0;
        load[2 * h + 1] = hosts[h].mem_capacity_mib > 0 ? hosts[h].mem_entitled_mib / hosts[h].mem_capacity_mib : 0.0;
        sum[0] += load[2 * h];
        sum[1] += load[2 * h + 1];
        cap[0] += hosts[h].cpu_capacity_mhz;
        cap[1] += hosts[h].mem_capacity_mib;
        ent[0] += hosts[h].cpu_entitled_mhz;
        ent[1] += hosts[h].mem_entitled_mib;
    }
    if (n == 0) {
        free(load);
        return -1;
    }
    for (int r = 0; r < 2; r++)
        mean[r] = sum[r] / n;
    for (uint32_t h = 0; h < n_hosts; h++) {
        if (!hosts[h].balancing)
            continue;
        double d0 = load[2 * h] - mean[0];
        double d1 = load[2 * h + 1] - mean[1];
        q[0] += d0 * d0;
        q[1] += d1 * d1;
    }
    double u0 = cap[0] > 0 ? ent[0] / cap[0] : 0.0, u1 = cap[1] > 0 ? ent[1] / cap[1] : 0.0;
    w[0] = u0 + u1 > 0 ? u0 / (u0 + u1) : 0.5;
    w[1] = u0 + u1 > 0 ? u1 / (u0 + u1) : 0.5;
    for (uint32_t h = 0; h < n_hosts; h++) {
        if (!hosts[h].balancing || !hosts[h].feasible)
            continue;
        double i_r[2];
        const double c[2] = {hosts[h].cpu_capacity_mhz, hosts[h].mem_capacity_mib};
        const double add[2] = {vm_cpu_mhz, vm_mem_mib};
        for (int r = 0; r < 2; r++) {
            double x = c[r] > 0 ? add[r] / c[r] : 0.0;
            double d = load[2 * h + (uint32_t)r] - mean[r];
            double qq = q[r] - d * d + (d + x) * (d + x);
            i_r[r] = sqrt(clamp_at_0(qq / n - (x / n) * (x / n)));
        }
        double i = combine == DRS_COMBINE_WEIGHTED ? w[0] * i_r[0] + w[1] * i_r[1] : larger(i_r[0], i_r[1]);
        if (best < 0 || i < best_i) {
            best = (int32_t)h;
            best_i = i;
        }
    }
    free(load);
    return best;
}
