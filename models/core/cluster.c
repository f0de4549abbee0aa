/* cluster.c - the cluster controller LP (see cluster.h). */
#include "models/core/cluster.h"

#include <stdlib.h>

#include "models/vsphere/drs_controller.h"
#include "models/failures/failure.h"
#include "models/vsphere/ha_controller.h"
#include "models/core/model_env.h"
#include "models/vsphere/restart.h"

enum { CLUSTER_STREAM_LIFETIME = 5 };

static void cluster_log(sim_ctx *ctx, cluster *c, int kind, int64_t subject, int64_t a)
{
    const model_env *env = c->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++c->log_seq, kind, subject,
                  a, 0, 0.0);
}

int32_t cluster_choose_and_commit(cluster *c, uint32_t vm_id)
{
    const model_env *env = c->env;
    const vm_spec *vs = &env->vm_specs[vm_id];
    placement_request req = {vs->vcpus,
                             vs->memory_mib,
                             vs->host_group,
                             vs->cpu_demand->mean,
                             vs->res.sriov ? 1u : 0u,
                             vs->res.cpu_reservation_mhz,
                             vs->res.memory_reservation_mib};
    if (env->drs) /* hard rules, hosts being evacuated */
        drs_placement_mask(c, vm_id);
    int32_t chosen = placement_choose(c->policy, c->view, env->n_hosts, &req);
    if (env->drs)
        drs_placement_unmask(c);
    if (chosen < 0)
        return -1;
    cluster_commit(c, vm_id, chosen);
    if (c->vm_host) /* so a later power-off reaches the host it runs on now */
        c->vm_host[vm_id] = chosen;
    return chosen;
}

void cluster_commit(cluster *c, uint32_t vm_id, int32_t host_index)
{
    const vm_spec *vs = &c->env->vm_specs[vm_id];
    placement_host_view *hv = &c->view[host_index];
    hv->committed_memory_mib += vs->memory_mib;
    hv->committed_cpu_mhz += vs->cpu_demand->mean;
    hv->committed_sriov_vfs += vs->res.sriov ? 1u : 0u;
    hv->reserved_cpu_mhz += vs->res.cpu_reservation_mhz;
    hv->reserved_memory_mib += vs->res.memory_reservation_mib;
}

void cluster_uncommit(cluster *c, uint32_t vm_id, int32_t host_index)
{
    const vm_spec *vs = &c->env->vm_specs[vm_id];
    placement_host_view *hv = &c->view[host_index];
    hv->committed_memory_mib = hv->committed_memory_mib > vs->memory_mib ? hv->committed_memory_mib - vs->memory_mib : 0;
    hv->committed_cpu_mhz = hv->committed_cpu_mhz > vs->cpu_demand->mean ? hv->committed_cpu_mhz - vs->cpu_demand->mean : 0.0;
    if (vs->res.sriov && hv->committed_sriov_vfs > 0)
        hv->committed_sriov_vfs--;
    hv->reserved_cpu_mhz = hv->reserved_cpu_mhz > vs->res.cpu_reservation_mhz ? hv->reserved_cpu_mhz - vs->res.cpu_reservation_mhz : 0.0;
    hv->reserved_memory_mib = hv->reserved_memory_mib > vs->res.memory_reservation_mib
                                  ? hv->reserved_memory_mib - vs->res.memory_reservation_mib
                                  : 0.0;
}

/* Places the VM if it fits somewhere: 1 placed, 0 not, -1 refused by HA
 * admission control. */
static int cluster_try_place(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    const model_env *env = c->env;
    const vm_spec *vs = &env->vm_specs[vm_id];
    int32_t chosen = c->ha ? ha_controller_power_on(ctx, c, vm_id) : cluster_choose_and_commit(c, vm_id);
    if (chosen < 0)
        return chosen == -2 ? -1 : 0;
    c->placed++;
    c->live++;
    cluster_log(ctx, c, env->log_vm_placed, vm_id, chosen);
    int64_t payload = vm_id;
    sim_send(ctx, env->first_host_lp + (uint32_t)chosen, env->control_latency_ns, env->kind_vm_start,
             &payload, sizeof payload);
    const workload_group *wg = env->groups ? &env->groups[vs->group] : NULL;
    if (wg && wg->has_lifetime) {
        double life = dist_sample(&wg->lifetime, sim_rng(ctx, CLUSTER_STREAM_LIFETIME));
        sim_time_ns delay = life > 0 ? (life < 9e18 ? (sim_time_ns)(life + 0.5) : INT64_MAX / 4) : 0;
        sim_send(ctx, sim_self(ctx), delay, env->kind_vm_lifetime_end, &payload, sizeof payload);
    }
    return 1;
}

static void cluster_power_on(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    const model_env *env = c->env;
    c->arrived++;
    int placed = cluster_try_place(ctx, c, vm_id);
    if (placed > 0)
        return;
    if (placed < 0) { /* refused by HA admission control (logged there) */
        c->placement_failures++;
        return;
    }
    if (env->queue_on_no_capacity) {
        if (c->n_queued == c->cap_queued) {
            uint32_t cap = c->cap_queued ? c->cap_queued * 2 : 64;
            uint32_t *grown = realloc(c->queue, cap * sizeof *grown);
            if (!grown)
                abort(); /* out of memory inside a handler */
            c->queue = grown;
            c->cap_queued = cap;
        }
        c->queue[c->n_queued++] = vm_id;
        cluster_log(ctx, c, env->log_vm_queued, vm_id, c->n_queued);
        return;
    }
    c->placement_failures++;
    cluster_log(ctx, c, env->log_vm_placement_failed, vm_id, -1);
}

/* The lifetime is over: ask the VM's host to power it off. */
static void cluster_lifetime_end(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    const model_env *env = c->env;
    if (env->fail && restart_lifetime_over(ctx, c, vm_id))
        return; /* it was down waiting for a restart: now off for good */
    int32_t h = c->vm_host ? c->vm_host[vm_id] : -1;
    if (h < 0)
        return; /* released meanwhile (e.g. by a failure) */
    if (env->drs && drs_cluster_hold_stop(c, vm_id))
        return; /* in flight: powered off where the migration leaves it */
    int64_t payload = vm_id;
    sim_send(ctx, env->first_host_lp + (uint32_t)h, env->control_latency_ns, env->kind_vm_stop, &payload,
             sizeof payload);
}

/* The host has powered the VM off: release its capacity, then let queued
 * VMs in, in arrival order. */
static void cluster_vm_stopped(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    int32_t h = c->vm_host ? c->vm_host[vm_id] : -1;
    if (h < 0)
        abort(); /* a release for a VM the controller did not place is a model bug */
    cluster_uncommit(c, vm_id, h);
    cluster_vm_gone(ctx, c, vm_id);
}

void cluster_vm_gone(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    if (c->ha)
        ha_controller_vm_off(c->ha, vm_id);
    c->vm_host[vm_id] = -1;
    c->live--;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < c->n_queued; i++)
        if (cluster_try_place(ctx, c, c->queue[i]) <= 0)
            c->queue[kept++] = c->queue[i];
    c->n_queued = kept;
}

static void cluster_sample(sim_ctx *ctx, cluster *c)
{
    const model_env *env = c->env;
    sim_time_ns now = sim_now(ctx);
    if (env->rec) {
        rec_series_put(env->rec, env->series_cluster_vms_running, now, 0, (double)c->live);
        rec_series_put(env->rec, env->series_cluster_vms_arrived, now, 0, (double)c->arrived);
        rec_series_put(env->rec, env->series_cluster_vms_rejected, now, 0, (double)c->placement_failures);
        rec_series_put(env->rec, env->series_cluster_vms_queued, now, 0, (double)c->n_queued);
    }
    if (c->ha)
        ha_controller_sample(ctx, c);
    if (env->drs)
        drs_cluster_sample(ctx, c);
    sim_send(ctx, sim_self(ctx), env->sample_period_ns, env->kind_cluster_sample, NULL, 0);
}

int cluster_init_lifecycle(cluster *c, uint32_t n_vms)
{
    c->vm_host = malloc((n_vms ? n_vms : 1) * sizeof *c->vm_host);
    if (!c->vm_host)
        return -1;
    for (uint32_t i = 0; i < n_vms; i++)
        c->vm_host[i] = -1;
    return 0;
}

void cluster_release(cluster *c)
{
    free(c->vm_host);
    free(c->queue);
    ha_controller_free(c->ha);
    c->ha = NULL;
    c->vm_host = NULL;
    c->queue = NULL;
    c->n_queued = c->cap_queued = 0;
}

void cluster_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    cluster *c = state;
    const model_env *env = c->env;
    if (env->drs && drs_cluster_handle(ctx, c, ev))
        return;
    if (env->fail && restart_cluster_handle(ctx, c, ev))
        return;
    if (ev->kind == env->kind_vm_power_on)
        cluster_power_on(ctx, c, (uint32_t)ev->payload.i64[0]);
    else if (ev->kind == env->kind_vm_lifetime_end)
        cluster_lifetime_end(ctx, c, (uint32_t)ev->payload.i64[0]);
    else if (ev->kind == env->kind_vm_stopped)
        cluster_vm_stopped(ctx, c, (uint32_t)ev->payload.i64[0]);
    else if (ev->kind == env->kind_cluster_sample)
        cluster_sample(ctx, c);
}
