/* drs_policy_pass.c - a DRS pass made by a policy that is not built in (an
 * in-tree research policy or a plug-in's, include/vdcsim/drs.h): the
 * policy proposes moves on the public view, and each is checked here
 * before it becomes a vMotion, so that a policy cannot break what DRS
 * itself never breaks.
 *
 * Each proposed move, in order, on the assignment the moves before it
 * left: a move naming no VM or host, a VM that may not move (pinned,
 * SR-IOV, not placed), a destination that is not a balancing host or is
 * its current host is ignored (the policy's error); a move whose
 * reservations do not fit on the destination (drs_fits), that breaks a
 * hard rule (drs_rules_allow) or finds no free vMotion slot on either host
 * (vmotion_concurrency_limit, or drs.max_moves_per_host when lower,
 * vMotions in flight counted) is skipped. A move off a host in maintenance
 * has priority 1; any other the priority drs_move_priority() gives at the
 * imbalance before the pass. [M]
 */
#include <stdlib.h>

#include "models/vsphere/drs_controller.h"

static uint32_t move_cap(const drs_cluster *cl, const drs_params *p, uint32_t h)
{
    uint32_t limit = vmotion_concurrency_limit(cl->hosts[h].vmotion_nic_gbps);
    if (p->max_moves_per_host > 0 && p->max_moves_per_host < limit)
        limit = p->max_moves_per_host;
    return limit;
}

static int balancing(const drs_host *h) { return h->state == DRS_HOST_UP && !h->failover_host; }

int drs_policy_pass(const drs_env *d, const drs_cluster *cl, const drs_params *p, int32_t *assignment,
                    drs_move *moves, uint32_t max_moves, drs_pass_result *out)
{
    uint32_t n_balancing = 0;
    for (uint32_t h = 0; h < cl->n_hosts; h++) {
        const drs_host *s = &cl->hosts[h];
        d->ext_hosts[h] = (vdcsim_drs_host){.cpu_capacity_mhz = s->cpu_capacity_mhz,
                                            .mem_capacity_mib = s->mem_capacity_mib,
                                            .state = (int)s->state,
                                            .failover_host = s->failover_host,
                                            .vmotion_nic_gbps = s->vmotion_nic_gbps,
                                            .vmotions_in_flight = s->vmotions_in_flight,
                                            .sriov_vfs = s->sriov_vfs};
        n_balancing += (uint32_t)balancing(s);
    }
    for (uint32_t v = 0; v < cl->n_vms; v++) {
        const drs_vm *s = &cl->vms[v];
        d->ext_vms[v] = (vdcsim_drs_vm){.host = assignment[v],
                                        .cpu_entitlement_mhz = s->cpu_entitlement_mhz,
                                        .mem_entitlement_mib = s->mem_entitlement_mib,
                                        .cpu_reservation_mhz = s->cpu_reservation_mhz,
                                        .mem_reservation_mib = s->mem_reservation_mib,
                                        .memory_mib = s->memory_mib,
                                        .dirty_rate_mib_per_s = s->dirty_rate_mib_per_s,
                                        .sriov_vfs = s->sriov_vfs,
                                        .pinned = s->pinned};
    }
    uint32_t room = p->max_moves_per_pass < max_moves ? p->max_moves_per_pass : max_moves;
    vdcsim_drs_call call = {.args = d->policy_args.bytes,
                            .hosts = d->ext_hosts,
                            .n_hosts = cl->n_hosts,
                            .vms = d->ext_vms,
                            .n_vms = cl->n_vms,
                            .threshold = p->threshold,
                            .target_imbalance = drs_target_imbalance(p->threshold, n_balancing),
                            .moves = d->ext_moves,
                            .max_moves = room};
    double before = drs_imbalance(cl, assignment, p->combine, NULL, NULL);
    *out = (drs_pass_result){.imbalance_before = before, .imbalance_after = before, .target = call.target_imbalance};
    int proposed = d->policy->pass(&call);
    if (proposed < 0)
        return -1;
    uint32_t *host_moves = calloc(cl->n_hosts ? cl->n_hosts : 1, sizeof *host_moves);
    if (host_moves == NULL)
        return -1;
    for (uint32_t h = 0; h < cl->n_hosts; h++)
        host_moves[h] = cl->hosts[h].vmotions_in_flight;
    uint32_t n = 0;
    for (uint32_t i = 0; i < (uint32_t)proposed && i < room; i++) {
        uint32_t v = d->ext_moves[i].vm;
        int32_t to = d->ext_moves[i].to;
        if (v >= cl->n_vms || to < 0 || (uint32_t)to >= cl->n_hosts)
            continue;
        int32_t from = assignment[v];
        const drs_vm *vm = &cl->vms[v];
        if (from < 0 || from == to || vm->pinned || vm->sriov_vfs > 0 || !balancing(&cl->hosts[to]) ||
            cl->hosts[from].state == DRS_HOST_DOWN)
            continue;
        if (!drs_fits(cl, assignment, v, (uint32_t)to) ||
            (p->device_fits && !p->device_fits(p->device_arg, v, (uint32_t)to, assignment)) ||
            !drs_rules_allow(d->rules, &d->rule_index, assignment, v, to, 0) ||
            host_moves[from] >= move_cap(cl, p, (uint32_t)from) || host_moves[to] >= move_cap(cl, p, (uint32_t)to))
            continue;
        int priority = cl->hosts[from].state == DRS_HOST_MAINTENANCE ? 1 : drs_move_priority(before, n_balancing);
        assignment[v] = to;
        host_moves[from]++;
        host_moves[to]++;
        out->imbalance_after = drs_imbalance(cl, assignment, p->combine, NULL, NULL);
        moves[n++] = (drs_move){.vm = v,
                                .from = from,
                                .to = to,
                                .priority = priority,
                                .goodness = before - out->imbalance_after,
                                .imbalance_after = out->imbalance_after};
        out->n_mandatory += priority == 1;
    }
    free(host_moves);
    out->n_moves = n;
    out->stop = n == room ? DRS_STOP_MAX_MOVES
                : out->imbalance_after <= out->target ? DRS_STOP_BALANCED
                                                       : DRS_STOP_NO_MOVE;
    return (int)n;
}
