/* drs_placement.c - DRS initial placement of a VM being powered on (see
 * drs.h): the feasible host with the least resulting imbalance. */
#include "models/drs.h"

#include <math.h>

#include "models/drs_state.h"

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
