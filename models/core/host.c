/* host.c - the host LP (see host.h). */
#include "models/core/host.h"

#include <stdlib.h>

#include "models/workload/demand.h"
#include "models/vsphere/drs_controller.h"
#include "models/failures/failure.h"
#include "models/host/host_contention.h"
#include "models/kubernetes/k8s_scheduler_lp.h"
#include "models/core/model_env.h"
#include "models/containers/pod.h"
#include "models/services/service.h"

enum { HOST_STREAM_DEMAND_NOISE = 1, HOST_STREAM_BOOT = 5 };

uint32_t host_cores(const host_spec *h) { return h->sockets * h->cores_per_socket; }

double host_cpu_capacity_mhz(const host_spec *h) { return (double)host_cores(h) * h->cpu_mhz; }

const char *host_state_name(host_state s)
{
    switch (s) {
    case HOST_UP: return "up";
    case HOST_FAILED: return "failed";
    case HOST_ISOLATED: return "isolated";
    case HOST_MAINTENANCE: return "maintenance";
    case HOST_STATES: break;
    }
    return "?";
}

static void host_log(sim_ctx *ctx, host *h, int kind, int64_t subject, int64_t a, int64_t b, double value)
{
    const model_env *env = h->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++h->log_seq, kind, subject,
                  a, b, value);
}

static void host_start_vm(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    const model_env *env = h->env;
    vm *v = &env->vms[vm_id];
    if (h->n_vms == h->cap_vms) {
        uint32_t cap = h->cap_vms ? h->cap_vms * 2 : 8;
        uint32_t *grown = realloc(h->vm_ids, cap * sizeof *grown);
        if (!grown)
            abort(); /* out of memory inside a handler: nothing sane to do */
        h->vm_ids = grown;
        h->cap_vms = cap;
    }
    h->vm_ids[h->n_vms++] = vm_id;
    v->host = (int32_t)h->index;
    if (vm_transition(v, VM_STARTING) != 0)
        abort(); /* a start message for a VM that is not stopped is a model bug */
    v->boot_epoch++;
    /* stopped -> starting -> running after the group's boot time; a zero
     * boot time runs the VM at once, without an event */
    const workload_group *wg = env->groups ? &env->groups[env->vm_specs[vm_id].group] : NULL;
    double boot = wg && !(wg->boot.kind == DIST_DETERMINISTIC && wg->boot.mean == 0.0)
                      ? dist_sample(&wg->boot, sim_rng(ctx, HOST_STREAM_BOOT))
                      : 0.0;
    sim_time_ns boot_ns = boot > 0.5 ? (sim_time_ns)(boot + 0.5) : 0;
    if (boot_ns == 0) {
        if (vm_transition(v, VM_RUNNING) != 0)
            abort();
        host_log(ctx, h, env->log_vm_started, vm_id, h->index, 0, 0.0);
        if (h->pods)
            pods_vm_started(ctx, h, vm_id); /* as at the end of a boot */
        services_report_replicas(ctx, env, &vm_id, 1);
        return;
    }
    int64_t payload[2] = {vm_id, v->boot_epoch};
    sim_send(ctx, sim_self(ctx), boot_ns, env->kind_vm_booted, payload, sizeof payload);
}

static void host_vm_booted(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t epoch)
{
    const model_env *env = h->env;
    vm *v = &env->vms[vm_id];
    /* stale: the VM was stopped (or moved) while it booted */
    if (v->host != (int32_t)h->index || v->boot_epoch != epoch || v->state != VM_STARTING)
        return;
    if (vm_transition(v, VM_RUNNING) != 0)
        abort();
    host_log(ctx, h, env->log_vm_started, vm_id, h->index, 0, 0.0);
    if (h->pods)
        pods_vm_started(ctx, h, vm_id); /* pods whose node is this VM */
    services_report_replicas(ctx, env, &vm_id, 1); /* a replica is usable from its start */
}

/* Powers a VM off (running -> stopping -> stopped, or a boot cut short:
 * starting -> stopped) and tells the controller to release it. */
static void host_stop_vm(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    const model_env *env = h->env;
    vm *v = &env->vms[vm_id];
    if (v->host != (int32_t)h->index)
        return; /* no longer here (failed or moved): whoever moved it answers for it */
    if (v->state == VM_RUNNING) {
        if (vm_transition(v, VM_STOPPING) != 0 || vm_transition(v, VM_STOPPED) != 0)
            abort();
    } else if (vm_transition(v, VM_STOPPED) != 0) {
        abort(); /* a stop for a VM in a state that cannot stop is a model bug */
    }
    if (host_remove_vm(h, vm_id) != 0)
        abort();
    services_report_vm_down(ctx, env, vm_id); /* its service and pods learn at once */
    if (h->pods)
        pods_vm_stopped(ctx, h, vm_id);
    v->stopped_ns = sim_now(ctx);
    host_log(ctx, h, env->log_vm_stopped, vm_id, h->index, 0, 0.0);
    int64_t payload = vm_id;
    sim_send(ctx, env->cluster_lp, env->control_latency_ns, env->kind_vm_stopped, &payload, sizeof payload);
}

int host_remove_vm(host *h, uint32_t vm_id)
{
    for (uint32_t i = 0; i < h->n_vms; i++) {
        if (h->vm_ids[i] != vm_id)
            continue;
        /* keep start order: samples and logs iterate VMs in this order */
        for (uint32_t j = i + 1; j < h->n_vms; j++)
            h->vm_ids[j - 1] = h->vm_ids[j];
        h->n_vms--;
        h->env->vms[vm_id].host = -1;
        return 0;
    }
    return -1;
}

/* Writes the contention step's results for one sample. */
static void host_record(const model_env *env, sim_time_ns now, const host *h, const host_totals *t,
                        const host_scratch *sc)
{
    int e = (int)h->index;
    const double values[HOST_SERIES_COUNT] = {
        [HOST_SERIES_CPU_READY_PCT] = t->cpu_ready_pct,
        [HOST_SERIES_CPU_READY_MS] = t->cpu_ready_ms,
        [HOST_SERIES_CPU_USEFUL_MHZ] = t->cpu_useful_mhz,
        [HOST_SERIES_CPU_HYPERVISOR_MHZ] = t->cpu_hypervisor_mhz,
        [HOST_SERIES_MEMORY_CONSUMED_MIB] = t->memory_consumed_mib,
        [HOST_SERIES_MEMORY_ACTIVE_MIB] = t->memory_active_mib,
        [HOST_SERIES_MEMORY_SHARED_MIB] = t->memory_shared_mib,
        [HOST_SERIES_MEMORY_BALLOONED_MIB] = t->memory_ballooned_mib,
        [HOST_SERIES_MEMORY_COMPRESSED_MIB] = t->memory_compressed_mib,
        [HOST_SERIES_MEMORY_SWAPPED_MIB] = t->memory_swapped_mib,
        [HOST_SERIES_NETWORK_GBPS] = t->network_gbps,
        [HOST_SERIES_POWER_W] = t->power_w,
    };
    rec_series_put(env->rec, env->series_host_cpu_demand, now, e, t->cpu_demand_mhz);
    rec_series_put(env->rec, env->series_host_cpu_usage, now, e, t->cpu_usage_mhz);
    for (int k = 0; k < HOST_SERIES_COUNT; k++)
        if (env->series_host[k] >= 0)
            rec_series_put(env->rec, env->series_host[k], now, e, values[k]);
    for (uint32_t i = 0; i < h->n_vms; i++) {
        int id = (int)h->vm_ids[i];
        const vm *v = &env->vms[id];
        if (env->series_vm_cpu_demand >= 0)
            rec_series_put(env->rec, env->series_vm_cpu_demand, now, id, sc->in[i].cpu_demand_mhz);
        if (env->series_vm_ready >= 0)
            rec_series_put(env->rec, env->series_vm_ready, now, id, v->cpu_ready_pct);
        if (env->series_vm_entitlement >= 0)
            rec_series_put(env->rec, env->series_vm_entitlement, now, id, v->cpu_entitlement_mhz);
        if (env->series_vm_speed >= 0)
            rec_series_put(env->rec, env->series_vm_speed, now, id, v->cpu_speed_factor);
    }
}

/* Every sample period: each running VM's demands, then the host's division
 * of CPU, memory and network among them (models/host/host_contention.h). */
static void host_sample(sim_ctx *ctx, host *h)
{
    const model_env *env = h->env;
    const host_spec *spec = &env->host_specs[h->index];
    host_spec with_vmotion;
    if (env->drs) /* the vMotion CPU reservation leaves less for the VMs */
        spec = drs_host_spec(h, spec, &with_vmotion);
    sim_time_ns now = sim_now(ctx);
    gsl_rng *noise = sim_rng(ctx, HOST_STREAM_DEMAND_NOISE);
    if (!h->contention && !(h->contention = calloc(1, sizeof *h->contention)))
        abort(); /* out of memory inside a handler */
    host_scratch *sc = h->contention;
    if (host_scratch_reserve(sc, h->n_vms, spec->hw.numa_nodes ? spec->hw.numa_nodes : 1) != 0)
        abort();
    uint64_t memory_mib = 0;
    for (uint32_t i = 0; i < h->n_vms; i++) {
        uint32_t id = h->vm_ids[i];
        const vm_spec *vs = &env->vm_specs[id];
        vm *v = &env->vms[id];
        /* draw order per VM: CPU, memory, network; a booting VM demands nothing */
        int running = v->state == VM_RUNNING;
        sc->in[i] = (host_vm_input){
            .cpu_demand_mhz = running ? demand_next(vs->cpu_demand, &v->cpu_demand, now, noise) : 0.0,
            .memory_active_fraction = running ? demand_next(vs->memory_demand, &v->memory_demand, now, noise) : 0.0,
            .network_gbps = running ? demand_next(vs->network_demand, &v->network_demand, now, noise) : 0.0,
        };
        memory_mib += vs->memory_mib;
    }
    host_pod_load host_pods = {0};
    if (h->pods) /* pods add to their VM's demand, or claim the host's CPU */
        pods_sample_demand(ctx, h, (double)memory_mib, sc->in, &host_pods);
    double pods_claim_mhz = host_pods.cpu_demand_mhz;
    if (h->kubelet) /* so do the Kubernetes pods running here */
        k8s_kubelet_sample_demand(h, sc->in, &host_pods);
    host_totals t;
    double interval_ms = (double)env->sample_period_ns / 1e6;
    if (host_contention_step_pods(spec, env->vm_specs, env->vms, h->vm_ids, sc->in, h->n_vms, interval_ms, sc,
                                  &host_pods, sc->out, &t) != 0)
        abort();
    if (env->drs)
        drs_host_after_sample(ctx, h, sc, &t);
    if (env->rec) {
        int e = (int)h->index;
        host_record(env, now, h, &t, sc);
        rec_series_put(env->rec, env->series_host_memory_committed, now, e, (double)memory_mib);
        rec_series_put(env->rec, env->series_host_vms_running, now, e, (double)h->n_vms);
    }
    if (h->pods) { /* the host node's pods.[] pods get their part of the pods' claim */
        host_pod_load mine = host_pods;
        if (host_pods.cpu_demand_mhz > pods_claim_mhz)
            mine.cpu_entitlement_mhz *= pods_claim_mhz / host_pods.cpu_demand_mhz;
        pods_sample_cpu(ctx, h, sc->in, &mine);
    }
    services_report_replicas(ctx, env, h->vm_ids, h->n_vms);
    if (h->kubelet) /* and the Deployment pods that are service replicas */
        k8s_kubelet_report_services(ctx, h, &host_pods);
    sim_send(ctx, sim_self(ctx), env->sample_period_ns, env->kind_host_sample, NULL, 0);
}

void host_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    host *h = state;
    const model_env *env = h->env;
    if (env->drs && drs_host_before(ctx, h, ev))
        return;
    if (env->fail && failure_host_before(ctx, h, ev)) {
        if (h->kubelet)
            k8s_kubelet_after(ctx, h, ev); /* a failure may have taken nodes down */
        return;
    }
    if (ev->kind == env->kind_host_sample)
        host_sample(ctx, h);
    else if (ev->kind == env->kind_vm_start)
        host_start_vm(ctx, h, (uint32_t)ev->payload.i64[0]);
    else if (ev->kind == env->kind_vm_booted)
        host_vm_booted(ctx, h, (uint32_t)ev->payload.i64[0], (uint32_t)ev->payload.i64[1]);
    else if (ev->kind == env->kind_vm_stop)
        host_stop_vm(ctx, h, (uint32_t)ev->payload.i64[0]);
    else if (h->kubelet && k8s_kubelet_handle(ctx, h, ev))
        ;
    else if (h->pods)
        pods_handle(ctx, h, ev);
    if (env->fail)
        failure_host_after(ctx, h, ev);
    if (h->kubelet)
        k8s_kubelet_after(ctx, h, ev);
}

void host_release(host *h)
{
    if (h->contention) {
        host_scratch_free(h->contention);
        free(h->contention);
        h->contention = NULL;
    }
    free(h->vm_ids);
    h->vm_ids = NULL;
    h->n_vms = h->cap_vms = 0;
}
