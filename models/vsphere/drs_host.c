/* drs_host.c - the host LP's side of DRS and vMotion (see drs_controller.h):
 * per-VM stats to the controller, pausing and handing over a migrating VM,
 * taking it in on the destination, the vMotion CPU reservation, and holding
 * a maintenance window back until the host is evacuated. */
#include <math.h>
#include <stdlib.h>

#include "models/vsphere/drs_controller.h"
#include "models/failures/failure.h"
#include "models/host/host_contention.h"
#include "models/kubernetes/k8s_scheduler_lp.h"
#include "models/core/model_env.h"
#include "models/containers/pod.h"

/* payload.i64[3] of a maintenance begin the host re-sends itself once it is
 * evacuated: lets it through to the failure module. */
#define DRS_EVACUATED_MARK 0x45564143 /* "EVAC" */

static void send_cluster(sim_ctx *ctx, const model_env *env, int64_t op, int64_t a, int64_t b)
{
    int64_t p[3] = {op, a, b};
    sim_send(ctx, env->cluster_lp, env->control_latency_ns, env->drs->kind_cluster, p, sizeof p);
}

static void host_add_vm(host *h, uint32_t vm_id)
{
    if (h->n_vms == h->cap_vms) {
        uint32_t cap = h->cap_vms ? h->cap_vms * 2 : 8;
        uint32_t *grown = realloc(h->vm_ids, cap * sizeof *grown);
        if (!grown)
            abort(); /* out of memory inside a handler */
        h->vm_ids = grown;
        h->cap_vms = cap;
    }
    h->vm_ids[h->n_vms++] = vm_id;
    h->env->vms[vm_id].host = (int32_t)h->index;
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
 * no longer holds it (stopped, failed, restarted since the pause). */
static void drs_handover(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t dst, int64_t rec)
{
    const model_env *env = h->env;
    vm *v = &env->vms[vm_id];
    if (v->host != (int32_t)h->index || (v->state != VM_MIGRATING && v->state != VM_RUNNING) ||
        h->state == HOST_FAILED) {
        send_cluster(ctx, env, DRS_OP_HANDOVER_FAILED, vm_id, rec);
        return;
    }
    if (v->state == VM_RUNNING)
        vm_transition(v, VM_MIGRATING);
    if (host_remove_vm(h, vm_id) != 0)
        abort();
    if (h->pods) /* a VM node's pods go with it, in their state (the arrive event carries them) */
        pods_vm_leaving(h, vm_id);
    int64_t p[4] = {DRS_OP_ARRIVE, vm_id, h->index, rec};
    sim_send(ctx, env->first_host_lp + dst, env->control_latency_ns, env->drs->kind_host, p, sizeof p);
    /* kubelet pods follow in events of their own, after the arrive (same kind and sender) */
    k8s_kubelet_vm_leaving(ctx, h, vm_id, dst, env->drs->kind_host, DRS_OP_KPOD);
}

/* The VM arrives on the destination and runs there; a destination that went
 * down meanwhile takes it down (the controller still counts it on the
 * source, which the failure message names). */
static void drs_arrive(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t src, int64_t rec)
{
    const model_env *env = h->env;
    vm *v = &env->vms[vm_id];
    if (h->state != HOST_UP) {
        if (vm_transition(v, VM_FAILED) != 0)
            abort();
        if (env->fail) {
            vm_avail *va = &env->fail->vms[vm_id];
            va->epoch++;
            va->down = 1;
            va->down_since_ns = sim_now(ctx);
            va->failures++;
            int64_t p[5] = {FOP_VM_FAILED, vm_id, src, sim_now(ctx), VM_DOWN_HOST_FAILED};
            sim_send(ctx, env->cluster_lp, env->control_latency_ns, env->fail->kind_cluster, p, sizeof p);
        }
        if (h->pods) { /* its pods in transit fail with it */
            pods_vm_arrived(ctx, h, vm_id);
            pods_vm_stopped(ctx, h, vm_id);
        }
        k8s_kubelet_vm_arrived(ctx, h, vm_id, 0);
        send_cluster(ctx, env, DRS_OP_HANDOVER_FAILED, vm_id, rec);
        return;
    }
    host_add_vm(h, vm_id);
    if (vm_transition(v, VM_RUNNING) != 0)
        abort();
    if (h->pods)
        pods_vm_arrived(ctx, h, vm_id);
    k8s_kubelet_vm_arrived(ctx, h, vm_id, 1);
    if (env->fail) { /* its crash clock restarts here (the source's is void) */
        sim_event start = {.kind = env->kind_vm_start, .src_lp = env->first_host_lp + src};
        start.payload.i64[0] = vm_id;
        failure_host_after(ctx, h, &start);
    }
    send_cluster(ctx, env, DRS_OP_ARRIVED, vm_id, rec);
}

int drs_host_before(sim_ctx *ctx, host *h, const sim_event *ev)
{
    const model_env *env = h->env;
    drs_env *d = env->drs;
    const int64_t *p = ev->payload.i64;
    drs_host_side *hs = &d->hosts[h->index];
    if (env->fail && d->enabled && ev->kind == env->fail->kind_host && p[0] == FOP_BEGIN &&
        p[1] == OUTAGE_MAINTENANCE && p[3] != DRS_EVACUATED_MARK && h->state == HOST_UP && !hs->evacuating &&
        h->n_vms > 0) {
        hs->evacuating = 1;
        hs->maintenance_ns = p[2];
        send_cluster(ctx, env, DRS_OP_EVACUATE, h->index, 0);
        return 1;
    }
    if (env->fail && ev->kind == env->fail->kind_host && p[0] == FOP_BEGIN) {
        /* an outage is about to take this host's VMs down: a VM paused for a
         * migration goes down as a running one (the controller aborts it) */
        for (uint32_t i = 0; i < h->n_vms; i++)
            if (env->vms[h->vm_ids[i]].state == VM_MIGRATING)
                vm_transition(&env->vms[h->vm_ids[i]], VM_RUNNING);
        return 0;
    }
    if (ev->kind != d->kind_host)
        return 0;
    switch ((drs_op)p[0]) {
    case DRS_OP_PAUSE:
        drs_pause(h, (uint32_t)p[1]);
        break;
    case DRS_OP_RESUME:
        drs_resume(h, (uint32_t)p[1]);
        break;
    case DRS_OP_HANDOVER:
        drs_handover(ctx, h, (uint32_t)p[1], (uint32_t)p[2], p[3]);
        break;
    case DRS_OP_ARRIVE:
        drs_arrive(ctx, h, (uint32_t)p[1], (uint32_t)p[2], p[3]);
        break;
    case DRS_OP_KPOD:
        k8s_kubelet_adopt(ctx, h, p);
        break;
    case DRS_OP_VMOTION_CPU:
        hs->vmotion_cpu_mhz = ev->payload.f64[1];
        break;
    case DRS_OP_ENTER_MAINTENANCE:
        if (hs->evacuating && env->fail) {
            hs->evacuating = 0;
            int64_t begin[4] = {FOP_BEGIN, OUTAGE_MAINTENANCE, hs->maintenance_ns, DRS_EVACUATED_MARK};
            sim_send(ctx, sim_self(ctx), 0, env->fail->kind_host, begin, sizeof begin);
        }
        break;
    case DRS_OP_STANDBY:
        hs->standby = 1;
        break;
    case DRS_OP_POWER_ON: {
        int64_t booted = DRS_OP_BOOTED;
        sim_send(ctx, sim_self(ctx), d->dpm_boot_ns, d->kind_host, &booted, sizeof booted);
        break;
    }
    case DRS_OP_BOOTED:
        hs->standby = 0;
        send_cluster(ctx, env, DRS_OP_HOST_READY, h->index, 0);
        break;
    default:
        abort(); /* another LP's operation sent here: a model bug */
    }
    return 1;
}

const host_spec *drs_host_spec(const host *h, const host_spec *spec, host_spec *tmp)
{
    double reserve = h->env->drs->hosts[h->index].vmotion_cpu_mhz;
    double cap = host_schedulable_mhz(spec);
    if (!(reserve > 0.0) || !(cap > 0.0))
        return spec;
    *tmp = *spec;
    tmp->cpu_mhz = spec->cpu_mhz * fmax(0.0, 1.0 - reserve / cap); /* schedulable - reserve */
    return tmp;
}

void drs_host_after_sample(sim_ctx *ctx, host *h, const host_scratch *sc, host_totals *t)
{
    const model_env *env = h->env;
    const drs_env *d = env->drs;
    double reserve = d->hosts[h->index].vmotion_cpu_mhz;
    if (d->hosts[h->index].standby)
        t->power_w = d->standby_w; /* DPM standby: no VMs, only standby power */
    t->cpu_hypervisor_mhz += reserve;
    t->cpu_usage_mhz += reserve;
    sim_time_ns now = sim_now(ctx);
    if (!d->enabled || now % d->period_ns >= env->sample_period_ns)
        return; /* stats go once per DRS period, at its first sample */
    const host_spec *spec = &env->host_specs[h->index];
    for (uint32_t i = 0; i < h->n_vms; i++) {
        uint32_t id = h->vm_ids[i];
        const vm_spec *vs = &env->vm_specs[id];
        const vm *v = &env->vms[id];
        int running = v->state == VM_RUNNING;
        double e_cpu = running ? v->cpu_entitlement_mhz : 0.0;
        /* active memory + 25 % of the idle consumed memory (reference 1.1) */
        double active = running ? sc->in[i].memory_active_fraction * (double)vs->memory_mib : 0.0;
        double e_mem = active + 0.25 * ((double)vs->memory_mib - active);
        double vcpu_mhz = (double)vs->vcpus * spec->cpu_mhz;
        double use = vcpu_mhz > 0.0 ? fmin(1.0, e_cpu / vcpu_mhz) : 0.0;
        double dirty = d->dirty_mb_per_s[vs->group] * 1e6 * use;
        union {
            int64_t i[6];
            double f[6];
        } p = {.i = {DRS_OP_VM_STATS, id, running}};
        p.f[3] = e_cpu;
        p.f[4] = e_mem;
        p.f[5] = dirty;
        sim_send(ctx, env->cluster_lp, env->control_latency_ns, d->kind_cluster, &p, sizeof p);
    }
}
