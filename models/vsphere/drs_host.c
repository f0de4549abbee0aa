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

/* DRS runs in host h's cluster (a copy beside the host's other DRS
 * fields: the cluster's drs_env is a cache miss away). */
static int drs_on_host(const drs_env *d, const host *h)
{
    return d->hosts[h->index].drs_on;
}

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
    vm *v = &h->env->vms[vm_id];
    if (v->host == (int32_t)h->index && v->state == VM_RUNNING)
        vm_transition(v, VM_MIGRATING);
}

static void drs_resume(host *h, uint32_t vm_id)
{
    vm *v = &h->env->vms[vm_id];
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
    vm *v = &env->vms[m->vm];
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
    if (!drs_on_host(d, h) || h->state != HOST_UP || hs->evacuating || h->n_vms == 0)
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
        if (env->vms[h->vm_ids[i]].state == VM_MIGRATING)
            vm_transition(&env->vms[h->vm_ids[i]], VM_RUNNING);
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
    if (o && o->vcpus == vm_spec_vcpus(vs) && o->memory_mib == vm_spec_memory_mib(vs))
        return o->overhead_mib;
    return vsphere_vm_overhead_mib(vm_spec_vcpus(vs), (double)vm_spec_memory_mib(vs));
}

/* fmin(1, x) without the libm call: the same value for every x, NaN too */
static inline double at_most_1(double x)
{
    return x < 1.0 ? x : 1.0;
}

/* After the contention step: standby power, the vMotion CPU reservation in
 * the hypervisor's CPU, and the VMs' stats staged for the controller at the
 * first sample of each DRS period. */
static void drs_adjust_totals(sim_ctx *ctx, host *h, const host_feature *f, host_sample_ctx *s)
{
    const model_env *env = h->env;
    const drs_env *d = f->world;
    host_totals *t = &s->totals;
    double reserve = d->hosts[h->index].vmotion_cpu_mhz;
    if (d->hosts[h->index].standby)
        t->power_w = d->standby_w; /* DPM standby: no VMs, only standby power */
    t->cpu_hypervisor_mhz += reserve;
    t->cpu_usage_mhz += reserve;
    /* SDPS: a throttled guest's vCPUs sleep part of the time; its speed
     * factor (/series/vm/speed) shows the slow-down */
    const drs_host_side *hs = &d->hosts[h->index];
    for (uint32_t k = 0; k < hs->n_throttled; k++) {
        vm *v = &env->vms[hs->throttled_vm[k]];
        if (v->host == (int32_t)h->index && v->state == VM_RUNNING)
            v->cpu_speed_factor *= hs->throttled_speed[k];
    }
    sim_time_ns now = sim_now(ctx);
    if (!drs_on_host(d, h) || !drs_stage_at(now, env->sample_period_ns, d->period_ns))
        return; /* stats go once per DRS period, at its first sample */
    const host_spec *spec = &env->host_specs[h->index];
    /* The VMs of the host's own cluster are staged for its controller to
     * pull (drs_stage.h): their values in d->stage, chained in list order,
     * at their records' positions (drs_stage_record), the batch in
     * d->host_stage. A VM of another cluster's controller (cross-cluster
     * vMotion) gets its own VM_STATS message. */
    uint32_t own_lp = model_cluster_lp_of_host(env, h->index);
    uint32_t first = UINT32_MAX, last = UINT32_MAX, n = 0;
    drs_stage_map map = drs_stage_map_of(env, env->host_cluster ? env->host_cluster[h->index] : 0);
    for (uint32_t i = 0; i < h->n_vms; i++) { /* scattered records: overlap their cache misses */
        if (env->vm_cluster)
            __builtin_prefetch(&env->vm_cluster[h->vm_ids[i]]);
        if (map.vm_local)
            __builtin_prefetch(&map.vm_local[h->vm_ids[i]]);
        else
            __builtin_prefetch(&d->stage[h->vm_ids[i]], 1);
    }
    for (uint32_t i = 0; i < h->n_vms; i++) {
        uint32_t id = h->vm_ids[i];
        const vm_spec *vs = &env->vm_specs[id];
        const vm *v = &env->vms[id];
        int running = v->state == VM_RUNNING;
        double e_cpu = running ? v->cpu_entitlement_mhz : 0.0;
        /* active + 25 % of the idle consumed memory (what reclamation left
         * resident) + the VM's overhead: Denneman 2018, vSphere 6.5+ */
        double active = running ? s->scratch->mvm[i].active_mib : 0.0;
        double consumed = s->scratch->mres[i].consumed_mib;
        double e_mem = drs_memory_demand_mib(active, consumed, overhead_of(d, vs));
        double vcpu_mhz = (double)vm_spec_vcpus(vs) * spec->cpu_mhz;
        double use = vcpu_mhz > 0.0 ? at_most_1(e_cpu / vcpu_mhz) : 0.0;
        double dirty = d->dirty_mb_per_s[vs->group] * 1e6 * use;
        uint32_t dst_lp = model_cluster_lp_of_vm(env, id);
        if (dst_lp != own_lp) {
            drs_stats_msg st = {.op = DRS_OP_VM_STATS,
                                .vm = id,
                                .running = running,
                                .cpu_mhz = e_cpu,
                                .mem_mib = e_mem,
                                .dirty_bytes_per_s = dirty};
            sim_send(ctx, dst_lp, env->control_latency_ns, d->kind_cluster, &st, sizeof st);
            continue;
        }
        uint32_t at = drs_stage_record(&map, id);
        d->stage[at] = (drs_stats_stage){
            .cpu_mhz = e_cpu, .mem_mib = e_mem, .dirty_bytes_per_s = dirty, .next = UINT32_MAX, .running = running};
        if (n == 0)
            first = at;
        else
            d->stage[last].next = at;
        last = at;
        n++;
    }
    /* stamped even when empty: the controller then knows it has nothing */
    d->host_stage[h->index] = (drs_host_stage){.sample_ns = now, .first = first, .n_vms = n};
}

const host_hooks drs_host_hooks = {
    .name = "drs",
    .handle = drs_host_handle,
    .capacity = drs_capacity,
    .adjust_totals = drs_adjust_totals,
    .outage_begins = drs_outage_begins,
    .maintenance_requested = drs_maintenance_requested,
};
