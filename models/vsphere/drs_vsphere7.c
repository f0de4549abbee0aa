/* drs_vsphere7.c - the vSphere 7+ DRS balancer as a DRS policy
 * (drs.policy = "vsphere7-score"; docs/vsphere.md, "DRS generations").
 *
 * vSphere 7 replaced the cluster-balance DRS (standard deviation of host
 * load against a threshold target, drs.c) by a per-VM "VM DRS score" (VM
 * happiness, the VM's execution efficiency on a host), computed every
 * minute for every VM on every host; a VM moves when another host gives it
 * a better score by more than the cost of moving it, and the migration
 * threshold sets how much better (VMware, "A Closer Look at the VM DRS
 * Score", 2020; vSphere 7 Resource Management guide, "DRS Score"). VMware
 * publishes the ingredients (CPU ready, memory swapped and ballooned, cache
 * behaviour, network, headroom for bursts, migration cost) but no formula;
 * everything below marked [M] is this model's choice:
 *
 *   On host h with CPU capacity C_h, memory M_h, CPU demand D_h (sum of the
 *   VMs' CPU entitlements) and memory demand A_h (sum of memory
 *   entitlements):
 *     eff_cpu(h) = min(1, (1 - headroom) C_h / D_h)   share of CPU demand
 *                  served without ready time, headroom kept for bursts [M]
 *     eff_mem(h) = min(1, M_h / A_h)                   share of active memory
 *                  not ballooned or swapped [M]
 *     network efficiency 1: the DRS view carries no per-VM network demand [M]
 *     score(h)   = eff_cpu(h) x eff_mem(h), the same for every VM on h [M]
 *   Cluster DRS score: the average of the VM scores weighted by CPU demand
 *   [M] (VMware: "a weighted average"), so a move's cluster gain is
 *     G = D_s' score(s') + D_d' score(d') - D_s score(s) - D_d score(d)  (MHz)
 *   with ' after the move. Its cost, in the same unit:
 *     K = E_v (tracing_slowdown t_mig + cache_warmup_s) / gain_horizon_s
 *   (t_mig = memory / (link rate - dirty rate): page tracing slows the VM
 *   while it copies; a cold CPU cache after the move) [M].
 *   A load-balancing move needs the VM's own score to rise by at least
 *   gain_step x (5 - threshold) (threshold 5: any rise; threshold 1: no
 *   load balancing) [M], G - K > 0, its reservations to fit and a vMotion
 *   slot on both hosts (4 below 10 Gbps, 8 from 10 Gbps, in flight counted);
 *   the move with the largest G - K is made, ties to the lowest (VM, host),
 *   and the pass repeats on the new state up to max_moves.
 *   VMs on hosts in maintenance move first (largest G, no threshold).
 * Cost: O(VMs x hosts) per move; meant for clusters of up to a few hundred
 * hosts, like the cluster maximum it models.
 * Rules are checked by the caller (drs_policy_pass.c), which skips a move
 * that breaks a hard rule.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "models/vsphere/drs_vsphere7.h"

static const vdcsim_arg vsphere7_args[] = {
    {.name = "headroom", .type = VDCSIM_ARG_FLOAT, .offset = offsetof(drs_vsphere7_args, headroom),
     .default_value = 0.1, .min = 0.0, .max = 0.9,
     .doc = "Share of a host's CPU kept for bursts: demand above (1 - headroom) of capacity counts as CPU ready [M]."},
    {.name = "gain_step", .type = VDCSIM_ARG_FLOAT, .offset = offsetof(drs_vsphere7_args, gain_step),
     .default_value = 0.05, .min = 0.0, .max = 1.0,
     .doc = "A VM's score must rise by gain_step x (5 - threshold) for a load-balancing move (score, 0..1) [M]."},
    {.name = "gain_horizon_s", .type = VDCSIM_ARG_FLOAT, .offset = offsetof(drs_vsphere7_args, gain_horizon_s),
     .default_value = 300.0, .min = 1.0, .max = 1e9,
     .doc = "How long a move's gain is counted against its cost (s) [M]."},
    {.name = "tracing_slowdown", .type = VDCSIM_ARG_FLOAT, .offset = offsetof(drs_vsphere7_args, tracing_slowdown),
     .default_value = 0.1, .min = 0.0, .max = 1.0,
     .doc = "CPU share a VM loses to page tracing while its vMotion copies (fraction) [M]."},
    {.name = "cache_warmup_s", .type = VDCSIM_ARG_FLOAT, .offset = offsetof(drs_vsphere7_args, cache_warmup_s),
     .default_value = 1.0, .min = 0.0, .max = 3600.0,
     .doc = "CPU time lost to a cold cache after a move, as seconds of the VM's CPU demand (s) [M]."},
};

static const drs_vsphere7_args default_args = {
    .headroom = 0.1, .gain_step = 0.05, .gain_horizon_s = 300.0, .tracing_slowdown = 0.1, .cache_warmup_s = 1.0};

#define GBPS_BYTES_PER_S 1.25e8
#define MIB_BYTES 1048576.0

double drs_vsphere7_host_score(const drs_vsphere7_args *a, double cpu_capacity_mhz, double mem_capacity_mib,
                               double cpu_demand_mhz, double mem_demand_mib)
{
    double usable = (1.0 - a->headroom) * cpu_capacity_mhz;
    double eff_cpu = cpu_demand_mhz <= usable ? 1.0 : usable / cpu_demand_mhz;
    double eff_mem = mem_demand_mib <= mem_capacity_mib ? 1.0 : mem_capacity_mib / mem_demand_mib;
    return eff_cpu * eff_mem;
}

static int balancing(const vdcsim_drs_host *h)
{
    return h->state == VDCSIM_DRS_HOST_UP && !h->failover_host;
}

static uint32_t slot_limit(const vdcsim_drs_host *h)
{
    return h->vmotion_nic_gbps >= 10.0 ? 8u : 4u;
}

typedef struct v7_state {
    const vdcsim_drs_call *call;
    const drs_vsphere7_args *a;
    double *cpu, *mem, *res_cpu, *res_mem; /* per host: demand and reservations */
    uint32_t *vfs, *slots;                 /* per host: VFs used, vMotions in this pass + in flight */
    int32_t *where;                        /* per VM: host after the moves so far */
} v7_state;

static double score_of(const v7_state *s, uint32_t h, double dcpu, double dmem)
{
    const vdcsim_drs_host *host = &s->call->hosts[h];
    return drs_vsphere7_host_score(s->a, host->cpu_capacity_mhz, host->mem_capacity_mib, s->cpu[h] + dcpu,
                                   s->mem[h] + dmem);
}

static int fits(const v7_state *s, const vdcsim_drs_vm *vm, uint32_t h)
{
    const vdcsim_drs_host *host = &s->call->hosts[h];
    return s->res_cpu[h] + vm->cpu_reservation_mhz <= host->cpu_capacity_mhz * (1.0 + 1e-9) &&
           s->res_mem[h] + vm->mem_reservation_mib <= host->mem_capacity_mib * (1.0 + 1e-9) &&
           s->vfs[h] + vm->sriov_vfs <= host->sriov_vfs && s->slots[h] < slot_limit(host);
}

/* Pre-copy time of vm between the two hosts: memory / (rate - dirty rate). */
static double migration_s(const v7_state *s, const vdcsim_drs_vm *vm, uint32_t from, uint32_t to)
{
    double gbps = fmin(s->call->hosts[from].vmotion_nic_gbps, s->call->hosts[to].vmotion_nic_gbps);
    double rate = gbps * GBPS_BYTES_PER_S, dirty = vm->dirty_rate_mib_per_s * MIB_BYTES;
    return rate > dirty ? vm->memory_mib * MIB_BYTES / (rate - dirty) : INFINITY;
}

/* The cluster gain G of moving v from `from` to `to` (docs above), and the
 * VM's own score change through *own. */
static double cluster_gain(const v7_state *s, const vdcsim_drs_vm *vm, uint32_t from, uint32_t to, double *own)
{
    double e = vm->cpu_entitlement_mhz, m = vm->mem_entitlement_mib;
    double s_from = score_of(s, from, 0, 0), s_to = score_of(s, to, 0, 0);
    double s_from2 = score_of(s, from, -e, -m), s_to2 = score_of(s, to, e, m);
    *own = s_to2 - s_from;
    return (s->cpu[from] - e) * s_from2 + (s->cpu[to] + e) * s_to2 - s->cpu[from] * s_from - s->cpu[to] * s_to;
}

static void apply(v7_state *s, uint32_t v, uint32_t from, uint32_t to)
{
    const vdcsim_drs_vm *vm = &s->call->vms[v];
    s->cpu[from] -= vm->cpu_entitlement_mhz;
    s->mem[from] -= vm->mem_entitlement_mib;
    s->res_cpu[from] -= vm->cpu_reservation_mhz;
    s->res_mem[from] -= vm->mem_reservation_mib;
    s->cpu[to] += vm->cpu_entitlement_mhz;
    s->mem[to] += vm->mem_entitlement_mib;
    s->res_cpu[to] += vm->cpu_reservation_mhz;
    s->res_mem[to] += vm->mem_reservation_mib;
    s->slots[from]++;
    s->slots[to]++;
    s->where[v] = (int32_t)to;
}

static int movable(const v7_state *s, uint32_t v)
{
    const vdcsim_drs_vm *vm = &s->call->vms[v];
    int32_t h = s->where[v];
    return !vm->pinned && vm->sriov_vfs == 0 && h >= 0 && (uint32_t)h < s->call->n_hosts &&
           s->call->hosts[h].state != VDCSIM_DRS_HOST_DOWN && s->slots[h] < slot_limit(&s->call->hosts[h]);
}

/* The best move: mandatory (VMs on hosts in maintenance, largest G) when
 * `mandatory`, else load balancing. Returns the destination or -1. */
static int32_t best_move(const v7_state *s, int mandatory, double min_own, uint32_t *best_v)
{
    const vdcsim_drs_call *c = s->call;
    int32_t best_to = -1;
    double best = mandatory ? -INFINITY : 0.0;
    for (uint32_t v = 0; v < c->n_vms; v++) {
        if (!movable(s, v))
            continue;
        uint32_t from = (uint32_t)s->where[v];
        int in_maintenance = c->hosts[from].state == VDCSIM_DRS_HOST_MAINTENANCE;
        if (in_maintenance != mandatory)
            continue;
        const vdcsim_drs_vm *vm = &c->vms[v];
        for (uint32_t to = 0; to < c->n_hosts; to++) {
            if (to == from || !balancing(&c->hosts[to]) || !fits(s, vm, to))
                continue;
            double own, g = cluster_gain(s, vm, from, to, &own), net = g;
            if (!mandatory) {
                if (!(own >= min_own) || !(own > 0.0))
                    continue;
                double cost = vm->cpu_entitlement_mhz *
                       (s->a->tracing_slowdown * migration_s(s, vm, from, to) + s->a->cache_warmup_s) /
                       s->a->gain_horizon_s;
                net = g - cost;
            }
            if (net > best) { /* strictly: ties keep the lower (VM, host) */
                best = net;
                best_to = (int32_t)to;
                *best_v = v;
            }
        }
    }
    return best_to;
}

static int vsphere7_pass(const vdcsim_drs_call *call)
{
    const drs_vsphere7_args *a = call->args ? call->args : &default_args;
    size_t nh = call->n_hosts ? call->n_hosts : 1, nv = call->n_vms ? call->n_vms : 1;
    v7_state s = {.call = call, .a = a};
    s.cpu = calloc(nh, sizeof *s.cpu);
    s.mem = calloc(nh, sizeof *s.mem);
    s.res_cpu = calloc(nh, sizeof *s.res_cpu);
    s.res_mem = calloc(nh, sizeof *s.res_mem);
    s.vfs = calloc(nh, sizeof *s.vfs);
    s.slots = calloc(nh, sizeof *s.slots);
    s.where = calloc(nv, sizeof *s.where);
    int n = -1;
    if (!s.cpu || !s.mem || !s.res_cpu || !s.res_mem || !s.vfs || !s.slots || !s.where)
        goto out;
    for (uint32_t h = 0; h < call->n_hosts; h++)
        s.slots[h] = call->hosts[h].vmotions_in_flight;
    for (uint32_t v = 0; v < call->n_vms; v++) {
        const vdcsim_drs_vm *vm = &call->vms[v];
        s.where[v] = vm->host;
        if (vm->host < 0 || (uint32_t)vm->host >= call->n_hosts)
            continue;
        s.cpu[vm->host] += vm->cpu_entitlement_mhz;
        s.mem[vm->host] += vm->mem_entitlement_mib;
        s.res_cpu[vm->host] += vm->cpu_reservation_mhz;
        s.res_mem[vm->host] += vm->mem_reservation_mib;
        s.vfs[vm->host] += vm->sriov_vfs;
    }
    double min_own = call->threshold >= 1 && call->threshold <= 5 ? a->gain_step * (5 - call->threshold) : INFINITY;
    n = 0;
    for (int mandatory = 1; mandatory >= 0; mandatory--)
        while ((uint32_t)n < call->max_moves) {
            if (!mandatory && call->threshold <= 1)
                break; /* threshold 1: mandatory moves only */
            uint32_t v = 0;
            int32_t to = best_move(&s, mandatory, min_own, &v);
            if (to < 0)
                break;
            apply(&s, v, (uint32_t)s.where[v], (uint32_t)to);
            call->moves[n++] = (vdcsim_drs_move){.vm = v, .to = to};
        }
out:
    free(s.cpu);
    free(s.mem);
    free(s.res_cpu);
    free(s.res_mem);
    free(s.vfs);
    free(s.slots);
    free(s.where);
    return n;
}

const vdcsim_drs_policy drs_policy_vsphere7_score = {
    .info = {.name = "vsphere7-score",
             .doc = "vSphere 7+ DRS: every VM's DRS score (efficiency from CPU ready with a burst headroom and from "
                    "ballooned or swapped memory) on every host; a VM moves when another host raises its score by "
                    "gain_step x (5 - threshold) and the demand-weighted cluster score gains more than the cost of "
                    "the move (page tracing, cold cache). Every minute unless drs.period is written. "
                    "docs/vsphere.md, DRS generations; formula [M].",
             .args = vsphere7_args,
             .n_args = sizeof vsphere7_args / sizeof vsphere7_args[0],
             .args_size = sizeof(drs_vsphere7_args)},
    .pass = vsphere7_pass,
};
