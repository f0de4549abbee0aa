/* host.c - the host LP (see host.h). */
#include "models/host.h"

#include <stdlib.h>

#include "models/demand.h"
#include "models/failure.h"
#include "models/model_env.h"
#include "models/pod.h"
#include "models/service.h"

enum { HOST_STREAM_DEMAND_NOISE = 1 };

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
    /* Boot time is zero in this model; the VM model issue adds it. */
    if (vm_transition(v, VM_STARTING) != 0 || vm_transition(v, VM_RUNNING) != 0)
        abort(); /* a start message for a VM that is not stopped is a model bug */
    host_log(ctx, h, env->log_vm_started, vm_id, h->index, 0, 0.0);
    if (h->pods)
        pods_vm_started(ctx, h, vm_id); /* pods whose node is this VM */
    services_report_replicas(ctx, env, &vm_id, 1); /* a replica is usable from its start */
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

static void host_sample(sim_ctx *ctx, host *h)
{
    const model_env *env = h->env;
    const host_spec *spec = &env->host_specs[h->index];
    sim_time_ns now = sim_now(ctx);
    gsl_rng *noise = sim_rng(ctx, HOST_STREAM_DEMAND_NOISE);
    double demand_mhz = 0.0;
    uint64_t memory_mib = 0;
    for (uint32_t i = 0; i < h->n_vms; i++) {
        uint32_t id = h->vm_ids[i];
        const vm_spec *vs = &env->vm_specs[id];
        double d = demand_sample(&vs->cpu_demand, now, noise);
        demand_mhz += d;
        memory_mib += vs->memory_mib;
        if (env->rec && env->series_vm_cpu_demand >= 0)
            rec_series_put(env->rec, env->series_vm_cpu_demand, now, (int)id, d);
    }
    double capacity = host_cpu_capacity_mhz(spec);
    double usage_mhz = demand_mhz < capacity ? demand_mhz : capacity;
    if (env->rec) {
        int e = (int)h->index;
        rec_series_put(env->rec, env->series_host_cpu_demand, now, e, demand_mhz);
        rec_series_put(env->rec, env->series_host_cpu_usage, now, e, usage_mhz);
        rec_series_put(env->rec, env->series_host_memory_committed, now, e, (double)memory_mib);
        rec_series_put(env->rec, env->series_host_vms_running, now, e, (double)h->n_vms);
    }
    if (h->pods)
        pods_sample(ctx, h, usage_mhz, (double)memory_mib);
    services_report_replicas(ctx, env, h->vm_ids, h->n_vms);
    sim_send(ctx, sim_self(ctx), env->sample_period_ns, env->kind_host_sample, NULL, 0);
}

void host_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    host *h = state;
    const model_env *env = h->env;
    if (env->fail && failure_host_before(ctx, h, ev))
        return;
    if (ev->kind == env->kind_host_sample)
        host_sample(ctx, h);
    else if (ev->kind == env->kind_vm_start)
        host_start_vm(ctx, h, (uint32_t)ev->payload.i64[0]);
    else if (h->pods)
        pods_handle(ctx, h, ev);
    if (env->fail)
        failure_host_after(ctx, h, ev);
}

void host_release(host *h)
{
    free(h->vm_ids);
    h->vm_ids = NULL;
    h->n_vms = h->cap_vms = 0;
}
