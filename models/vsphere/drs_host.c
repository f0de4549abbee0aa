/* drs_host.c - the host LP's side of DRS and vMotion (see drs_controller.h),
 * as host hooks: its VMs' stats to the controller, pausing and handing over a
 * migrating VM, taking it in on the destination, the vMotion CPU
 * reservation, DPM standby, and holding a maintenance window back until the
 * host is evacuated (the maintenance protocol of models/core/host.h). */
#include <math.h>
#include <stdlib.h>

#include "models/core/host.h"
#include "models/core/model_env.h"
#include "models/host/host_contention.h"
#include "models/vsphere/drs_controller.h"
#include "models/vsphere/vm_overhead.h"

static void send_cluster(sim_ctx *ctx, const model_env *env, const drs_env *d, drs_msg m)
{
    /* from a host LP: to its cluster's controller */
    uint32_t h = sim_self(ctx) - env->first_host_lp;
    sim_send(ctx, model_cluster_lp_of_host(env, h), env->control_latency_ns, d->kind_cluster, &m, sizeof m);
}

/* SDPS: the speed factor the source runs `vm_id` at (1 lifts it). At most
 * the 8 vMotions a host runs are throttled at once; the table keeps them. */
static void drs_set_throttle(drs_host_side *hs, uint32_t vm_id, double speed)
{
    for (uint32_t i = 0; i < hs->n_throttled; i++)
        if (hs->throttled_vm[i] == vm_id) {
            if (speed < 1.0) {
                hs->throttled_speed[i] = speed;
            } else { /* keep the order: deterministic */
                for (uint32_t j = i + 1; j < hs->n_throttled; j++) {
                    hs->throttled_vm[j - 1] = hs->throttled_vm[j];
                    hs->throttled_speed[j - 1] = hs->throttled_speed[j];
                }
                hs->n_throttled--;
            }
            return;
        }
    if (speed < 1.0 && hs->n_throttled < sizeof hs->throttled_vm / sizeof hs->throttled_vm[0]) {
        hs->throttled_vm[hs->n_throttled] = vm_id;
        hs->throttled_speed[hs->n_throttled++] = speed;
    }
}

/* STOP_COPY: the VM stops running on the source (its downtime). */
static void drs_pause(host *h, uint32_t vm_id)
{
    vm *v = model_vm(h->env, vm_id);
    if (v->host == (int32_t)h->index && v->state == VM_RUNNING)
        vm_transition(v, VM_MIGRATING);
}

static void drs_resume(host *h, uint32_t vm_id)
{
    vm *v = model_vm(h->env, vm_id);
    if (v->host == (int32_t)h->index && v->state == VM_MIGRATING)
        vm_transition(v, VM_RUNNING);
}

/* DONE: the source lets the VM go to the destination, or reports that it
 * no longer holds it (stopped, failed, restarted since the pause). The
 * ARRIVE goes first, so that whatever features send after it on the way
 * (host_vm_leave: the kubelet's pods) arrives after the VM. */
static void drs_handover(sim_ctx *ctx, const drs_env *d, host *h, const drs_msg *m)
{
    const model_env *env = h->env;
    vm *v = model_vm(env, m->vm);
    if (v->host != (int32_t)h->index || (v->state != VM_MIGRATING && v->state != VM_RUNNING) ||
        h->state == HOST_FAILED) {
        send_cluster(ctx, env, d, (drs_msg){.op = DRS_OP_HANDOVER_FAILED, .vm = m->vm, .record = m->record});
        return;
    }
    if (v->state == VM_RUNNING)
        vm_transition(v, VM_MIGRATING);
    drs_msg arrive = {.op = DRS_OP_ARRIVE, .vm = m->vm, .host = (int32_t)h->index, .record = m->record};
    sim_send(ctx, env->first_host_lp + (uint32_t)m->host, env->control_latency_ns, d->kind_host, &arrive,
             sizeof arrive);
    host_vm_leave(ctx, h, m->vm, (uint32_t)m->host);
}

/* The VM arrives on the destination and runs there; a destination that went
 * down meanwhile takes it down (the controller still counts it on the
 * source, which the failure notice names). */
static void drs_arrive(sim_ctx *ctx, const drs_env *d, host *h, const drs_msg *m)
{
    const model_env *env = h->env;
    if (h->state != HOST_UP) {
        host_vm_arrival_failed(ctx, h, m->vm, (uint32_t)m->host);
        send_cluster(ctx, env, d, (drs_msg){.op = DRS_OP_HANDOVER_FAILED, .vm = m->vm, .record = m->record});
        return;
    }
    host_vm_arrive(ctx, h, m->vm, (uint32_t)m->host);
    send_cluster(ctx, env, d, (drs_msg){.op = DRS_OP_ARRIVED, .vm = m->vm, .record = m->record});
}

static int drs_host_handle(sim_ctx *ctx, host *h, const host_feature *f, const sim_event *ev)
{
    const model_env *env = h->env;
    drs_env *d = f->world;
    if (ev->kind != d->kind_host)
        return 0;
    const drs_msg *m = (const drs_msg *)ev->payload.bytes;
    drs_host_side *hs = &d->hosts[h->index];
    switch ((drs_op)m->op) {
    case DRS_OP_PAUSE:
        drs_set_throttle(hs, m->vm, 1.0);
        drs_pause(h, m->vm);
        break;
    case DRS_OP_RESUME:
        drs_set_throttle(hs, m->vm, 1.0);
        drs_resume(h, m->vm);
        break;
    case DRS_OP_HANDOVER:
        drs_set_throttle(hs, m->vm, 1.0);
        drs_handover(ctx, d, h, m);
        break;
    case DRS_OP_THROTTLE:
        drs_set_throttle(hs, m->vm, m->guest_speed);
        break;
    case DRS_OP_ARRIVE:
        drs_arrive(ctx, d, h, m);
        break;
    case DRS_OP_VMOTION_CPU:
        hs->vmotion_cpu_mhz = m->cpu_mhz;
        break;
    case DRS_OP_ENTER_MAINTENANCE:
        if (hs->evacuating) {
            hs->evacuating = 0;
            host_grant_maintenance(ctx, h, hs->maintenance_ns);
        }
        break;
    case DRS_OP_STANDBY:
        hs->standby = 1;
        break;
    case DRS_OP_POWER_ON: {
        drs_msg booted = {.op = DRS_OP_BOOTED};
        sim_send(ctx, sim_self(ctx), d->dpm_boot_ns, d->kind_host, &booted, sizeof booted);
        break;
    }
    case DRS_OP_BOOTED:
        hs->standby = 0;
        send_cluster(ctx, env, d, (drs_msg){.op = DRS_OP_HOST_READY, .host = (int32_t)h->index});
        break;
    default:
        abort(); /* another LP's operation sent here: a model bug */
    }
    return 1;
}

/* A maintenance window asks to begin: with DRS on, an up host with VMs is
 * evacuated first (vCenter's enter-maintenance task). */
static int drs_maintenance_requested(sim_ctx *ctx, host *h, const host_feature *f, sim_time_ns duration_ns)
{
    drs_env *d = f->world;
    drs_host_side *hs = &d->hosts[h->index];
    if (!hs->drs_on || h->state != HOST_UP || hs->evacuating || h->n_vms == 0)
        return 0;
    hs->evacuating = 1;
    hs->maintenance_ns = duration_ns;
    send_cluster(ctx, h->env, d, (drs_msg){.op = DRS_OP_EVACUATE, .host = (int32_t)h->index});
    return 1;
}

/* An outage is about to take this host's VMs down: a VM paused for a
 * migration goes down as a running one (the controller aborts it). */
static void drs_outage_begins(sim_ctx *ctx, host *h, const host_feature *f)
{
    (void)ctx;
    (void)f;
    const model_env *env = h->env;
    for (uint32_t i = 0; i < h->n_vms; i++)
        if (model_vm(env, h->vm_ids[i])->state == VM_MIGRATING)
            vm_transition(model_vm(env, h->vm_ids[i]), VM_RUNNING);
}

/* The host's spec with the vMotion CPU reservation taken off its capacity
 * (into *tmp), or spec itself when none is in force. */
static const host_spec *drs_capacity(const host *h, const host_feature *f, const host_spec *spec, host_spec *tmp)
{
    const drs_env *d = f->world;
    /* hosts sample one after the other in index order: fetch the next
     * one's fields now, not a cache miss at its sample (a hint only) */
    if (h->index + 1 < h->env->n_hosts)
        __builtin_prefetch(&d->hosts[h->index + 1]);
    double reserve = d->hosts[h->index].vmotion_cpu_mhz;
    if (!(reserve > 0.0)) /* no vMotion in flight: most samples */
        return spec;
    double cap = host_schedulable_mhz(spec);
    if (!(cap > 0.0))
        return spec;
    *tmp = *spec;
    tmp->cpu_mhz = spec->cpu_mhz * fmax(0.0, 1.0 - reserve / cap); /* schedulable - reserve */
    return tmp;
}

static double overhead_of(const drs_env *d, const vm_spec *vs)
{
    const drs_group_overhead *o = vs->group < d->n_groups ? &d->group_overhead[vs->group] : NULL;
    /* the group's own shape (one pointer compared: most VMs), or the same numbers */
    if (o && (o->gs == vs->gs || (o->vcpus == vm_spec_vcpus(vs) && o->memory_mib == vm_spec_memory_mib(vs))))
        return o->overhead_mib;
    return vsphere_vm_overhead_mib(vm_spec_vcpus(vs), (double)vm_spec_memory_mib(vs));
}

/* fmin(1, x) without the libm call: the same value for every x, NaN too */
static inline double at_most_1(double x)
{
    return x < 1.0 ? x : 1.0;
}

/* What vm_stats_to reads for each VM of one host's staging, loaded once per
 * host: the stores into the records may alias any pointer the compiler
 * would otherwise reload per VM from env, d and the sample's scratch. */
typedef struct vm_stats_src {
    const vm_spec *specs; /* the stores, by slot (model_vm_slot) */
    const vm *vms;
    const uint32_t *slots; /* the host's VMs' slots, in vm_ids order */
    const mem_vm *mvm;
    const mem_vm_result *mres;
    const drs_env *d;
    const double *dirty_mb_per_s;
    double host_cpu_mhz;
    uint32_t host, round;
} vm_stats_src;

static vm_stats_src vm_stats_src_of(const drs_env *d, const model_env *env, const host_sample_ctx *s,
                                    const host *h, uint32_t round)
{
    const uint32_t host_index = h->index;
    return (vm_stats_src){.specs = env->vm_spec_store,
                          .vms = env->vm_store,
                          .slots = h->vm_slots,
                          .mvm = s->scratch->mvm,
                          .mres = s->scratch->mres,
                          .d = d,
                          .dirty_mb_per_s = d->dirty_mb_per_s,
                          .host_cpu_mhz = env->host_specs[host_index].cpu_mhz,
                          .host = host_index,
                          .round = round};
}

/* Writes into *out the stats of the host's i-th VM for its controller
 * (docs/vsphere.md, "DRS stats collection"), stamped with the host and the
 * round. */
static inline void vm_stats_to(drs_stats_stage *out, const vm_stats_src *src, uint32_t i)
{
    const vm_spec *vs = &src->specs[src->slots[i]];
    const vm *v = &src->vms[src->slots[i]];
    int running = v->state == VM_RUNNING;
    double e_cpu = running ? v->cpu_entitlement_mhz : 0.0;
    /* active + 25 % of the idle consumed memory (what reclamation left
     * resident) + the VM's overhead: Denneman 2018, vSphere 6.5+ */
    double active = running ? src->mvm[i].active_mib : 0.0;
    double e_mem = drs_memory_demand_mib(active, src->mres[i].consumed_mib, overhead_of(src->d, vs));
    double vcpu_mhz = (double)vm_spec_vcpus(vs) * src->host_cpu_mhz;
    double use = vcpu_mhz > 0.0 ? at_most_1(e_cpu / vcpu_mhz) : 0.0;
    out->cpu_mhz = e_cpu;
    out->mem_mib = e_mem;
    out->dirty_bytes_per_s = src->dirty_mb_per_s[vs->group] * 1e6 * use;
    out->host = src->host;
    out->stamp = drs_stage_stamp(src->round, running);
}

/* A VM of another cluster's controller (cross-cluster vMotion): its own
 * VM_STATS message. */
static void send_vm_stats(sim_ctx *ctx, const model_env *env, const drs_env *d, uint32_t vm_id,
                          const drs_stats_stage *g)
{
    drs_stats_msg st = {.op = DRS_OP_VM_STATS,
                        .vm = vm_id,
                        .running = drs_stage_stamp_running(g->stamp),
                        .cpu_mhz = g->cpu_mhz,
                        .mem_mib = g->mem_mib,
                        .dirty_bytes_per_s = g->dirty_bytes_per_s};
    sim_send(ctx, model_cluster_lp_of_vm(env, vm_id), env->control_latency_ns, d->kind_cluster, &st, sizeof st);
}

/* 1 when the VM whose stage record is `record` (its slot when by_slot,
 * else its id `vm_id`) reports to the controller of this host's cluster
 * (own_lp), so its stats go into the stage; 0: a VM of another cluster's
 * controller (cross-cluster vMotion), which gets a message. */
static inline int stage_local(const model_env *env, const drs_stage_map *map, int by_slot, uint32_t record,
                              uint32_t vm_id, uint32_t own_lp)
{
    if (by_slot)
        return record - map->first < map->count; /* unsigned: below the block wraps too */
    return !env->vm_cluster || model_cluster_lp_of_vm(env, vm_id) == own_lp;
}

/* After the contention step: standby power, the vMotion CPU reservation in
 * the hypervisor's CPU, and the VMs' stats staged for the controller at the
 * first sample of each DRS period. */
static void drs_adjust_totals(sim_ctx *ctx, host *h, const host_feature *f, host_sample_ctx *s)
{
    const model_env *env = h->env;
    drs_env *d = f->world;
    host_totals *t = &s->totals;
    const drs_host_side *hs = &d->hosts[h->index];
    double reserve = hs->vmotion_cpu_mhz;
    if (hs->standby)
        t->power_w = d->standby_w; /* DPM standby: no VMs, only standby power */
    t->cpu_hypervisor_mhz += reserve;
    t->cpu_usage_mhz += reserve;
    /* SDPS: a throttled guest's vCPUs sleep part of the time; its speed
     * factor (/series/vm/speed) shows the slow-down */
    for (uint32_t k = 0; k < hs->n_throttled; k++) {
        vm *v = model_vm(env, hs->throttled_vm[k]);
        if (v->host == (int32_t)h->index && v->state == VM_RUNNING)
            v->cpu_speed_factor *= hs->throttled_speed[k];
    }
    sim_time_ns now = sim_now(ctx);
    if (!hs->drs_on || !drs_stage_at(now, env->sample_period_ns, d->period_ns))
        return; /* stats go once per DRS period, at its first sample */
    /* The VMs of the host's own cluster are staged for its controller to
     * pull (drs_stage.h): their values in d->stage at their records'
     * positions (drs_stage_record), stamped with this host and the round. */
    const uint32_t n_vms = h->n_vms, *ids = h->vm_ids, round = drs_stage_round(now, env->sample_period_ns);
    drs_stats_stage *stage = d->stage;
    if (n_vms > 0) { /* a host with no VM writes no record: its range needs no scan */
        d->host_staged[h->index] = drs_stage_stamp(round, 0);
        sim_share_touch(&d->host_staged[h->index]);
    }
    const vm_stats_src src = vm_stats_src_of(d, env, s, h, round);
    const uint32_t own = env->host_cluster ? env->host_cluster[h->index] : 0;
    const drs_stage_map map = drs_stage_map_of(env, own);
    /* With `clusters` the record of a VM is its slot in the VM stores,
     * which hold the VMs cluster after cluster in the stage's order
     * (model_env.h, drs_stage.h), and a slot in the own cluster's block is
     * a VM of this cluster; otherwise records go by VM id
     * (drs_stage_record), scattered: their cache misses are overlapped. */
    const int by_slot = env->vm_cluster && map.vm_local;
    const uint32_t *record = by_slot ? h->vm_slots : ids;
    if (!by_slot)
        for (uint32_t i = 0; i < n_vms; i++)
            __builtin_prefetch(&stage[ids[i]], 1);
    const uint32_t own_lp = env->vm_cluster ? model_cluster_lp_of_host(env, h->index) : 0;
    int all_local = 1;
    for (uint32_t i = 0; i < n_vms; i++) { /* one call site: vm_stats_to is inlined */
        int local = stage_local(env, &map, by_slot, record[i], ids[i], own_lp);
        drs_stats_stage g;
        vm_stats_to(local ? &stage[record[i]] : &g, &src, i);
        if (!local) { /* a VM of another cluster's controller */
            send_vm_stats(ctx, env, d, ids[i], &g);
            all_local = 0;
        }
    }
    /* The stage's records are shared over MPI ranks (drs_build.c): the
     * ones written are marked, in one call when they are all of them */
    if (all_local) {
        sim_share_touch_list(stage, sizeof *stage, record, n_vms);
        return;
    }
    for (uint32_t i = 0; i < n_vms; i++)
        if (stage_local(env, &map, by_slot, record[i], ids[i], own_lp))
            sim_share_touch(&stage[record[i]]);
}

const host_hooks drs_host_hooks = {
    .name = "drs",
    .handle = drs_host_handle,
    .capacity = drs_capacity,
    .adjust_totals = drs_adjust_totals,
    .outage_begins = drs_outage_begins,
    .maintenance_requested = drs_maintenance_requested,
};
