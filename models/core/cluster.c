/* cluster.c - the cluster controller LP (see cluster.h). */
#include "models/core/cluster.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/model_env.h"
#include "models/core/placement_index.h"
#include "models/workload/workload.h"
#include "sim/grow.h"

enum { CLUSTER_STREAM_LIFETIME = 5 };

/* The features attached to the controller, in the module table's order
 * (models/model.c): every hook loop runs from first_feature to end_feature. */
static const cluster_feature *first_feature(const cluster *c) { return c->env->cluster_features; }
static const cluster_feature *end_feature(const cluster *c)
{
    return c->env->cluster_features + c->env->n_cluster_features;
}

void cluster_log(sim_ctx *ctx, cluster *c, int kind, int64_t subject, int64_t a, int64_t b, double value)
{
    const model_env *env = c->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++c->log_seq, kind, subject, a, b, value);
}

void cluster_send_notice(sim_ctx *ctx, const model_env *env, const cluster_notice *n)
{
    sim_send(ctx, model_cluster_lp_of_host(env, (uint32_t)n->host), env->control_latency_ns, env->kind_cluster_notice, n, sizeof *n);
}

void cluster_send_start(sim_ctx *ctx, cluster *c, uint32_t vm_id, int32_t host_index)
{
    const model_env *env = c->env;
    vm_msg m = {.vm = vm_id};
    sim_send(ctx, env->first_host_lp + (uint32_t)host_index, env->control_latency_ns, env->kind_vm_start, &m,
             sizeof m);
}

void cluster_send_stop(sim_ctx *ctx, cluster *c, uint32_t vm_id, int32_t host_index)
{
    const model_env *env = c->env;
    vm_msg m = {.vm = vm_id};
    sim_send(ctx, env->first_host_lp + (uint32_t)host_index, env->control_latency_ns, env->kind_vm_stop, &m,
             sizeof m);
}

int32_t cluster_choose_and_commit(cluster *c, uint32_t vm_id, cluster_place_purpose purpose)
{
    return cluster_choose_and_commit_with(c, vm_id, purpose, &c->placement, NULL);
}

placement_request cluster_vm_request(const cluster *c, uint32_t vm_id)
{
    return cluster_spec_request(model_vm_spec(c->env, vm_id));
}

placement_request cluster_spec_request(const vm_spec *vs)
{
    return (placement_request){vm_spec_vcpus(vs),
                               vm_spec_memory_mib(vs),
                               vs->host_group,
                               vm_spec_cpu_demand(vs)->mean,
                               vm_spec_res(vs)->sriov ? 1u : 0u,
                               vm_spec_res(vs)->cpu_reservation_mhz,
                               vm_spec_res(vs)->memory_reservation_mib};
}

/* The features hide from vm_id's placement the hosts it may not use
 * (cluster_hooks mask); unmask_hosts shows them again. */
static void mask_hosts(cluster *c, uint32_t vm_id, cluster_place_purpose purpose)
{
    c->n_masked = 0;
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->mask)
            f->hooks->mask(c, f, vm_id, purpose);
}

static void unmask_hosts(cluster *c)
{
    for (uint32_t i = 0; i < c->n_masked; i++)
        c->view[c->masked[i]].usable = 1;
    c->n_masked = 0;
}

void cluster_view_for(cluster *c, uint32_t vm_id, placement_host_view *out)
{
    mask_hosts(c, vm_id, CLUSTER_PLACE_POWER_ON);
    memcpy(out, c->view + c->first_host, c->n_hosts * sizeof *out);
    unmask_hosts(c);
}

int32_t cluster_choose_and_commit_with(cluster *c, uint32_t vm_id, cluster_place_purpose purpose,
                                       const placement_choice *pc, const uint8_t *failover_host)
{
    placement_request req = cluster_vm_request(c, vm_id);
    mask_hosts(c, vm_id, purpose);
    /* only the cluster's own hosts: those of other clusters were never
     * usable for it, and with `clusters` their entries are not its own */
    int32_t chosen = placement_choose_indexed(pc, c->view + c->first_host, c->n_hosts, &req,
                                              failover_host ? failover_host + c->first_host : NULL, c->free_index);
    unmask_hosts(c);
    if (chosen < 0)
        return -1;
    chosen += (int32_t)c->first_host;
    cluster_commit(c, vm_id, chosen);
    c->vm_host[cluster_vm_slot(c, vm_id)] = chosen; /* so a later power-off reaches the host it runs on now */
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->vm_committed)
            f->hooks->vm_committed(c, f, vm_id, chosen);
    return chosen;
}

int cluster_move_fits(const cluster *c, uint32_t vm_id, int32_t host_index, const cluster_plan *plan)
{
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->move_fits && !f->hooks->move_fits(c, f, vm_id, host_index, plan))
            return 0;
    return 1;
}

void cluster_room_forget(cluster *c, uint32_t vm_id)
{
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->room_forget)
            f->hooks->room_forget(c, f, vm_id);
}

int cluster_may_power_down(cluster *c, uint32_t host_id, const uint8_t *powered_on)
{
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->may_power_down && !f->hooks->may_power_down(c, f, host_id, powered_on))
            return 0;
    return 1;
}

double cluster_move_begin(cluster *c, uint32_t vm_id, int32_t src, int32_t dst)
{
    double bytes = 0.0;
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++) {
        if (!f->hooks->move_begin)
            continue;
        double b = f->hooks->move_begin(c, f, vm_id, src, dst);
        if (b < 0.0) { /* refused: those that took devices give them back */
            for (const cluster_feature *g = first_feature(c); g < f; g++)
                if (g->hooks->move_begin && g->hooks->move_end)
                    g->hooks->move_end(c, g, vm_id, src, dst, 0);
            return -1.0;
        }
        bytes += b;
    }
    return bytes;
}

void cluster_move_end(cluster *c, uint32_t vm_id, int32_t src, int32_t dst, int arrived)
{
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->move_end)
            f->hooks->move_end(c, f, vm_id, src, dst, arrived);
}

int cluster_make_room(sim_ctx *ctx, cluster *c, uint32_t vm_id, cluster_place_purpose purpose)
{
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->make_room && f->hooks->make_room(ctx, c, f, vm_id, purpose))
            return 1;
    return 0;
}

void cluster_mask_host(cluster *c, uint32_t host_index)
{
    /* A host already unusable (down, in maintenance) stays so after the
     * placement: only hosts this placement hid are listed, each once. */
    if (!c->view[host_index].usable)
        return;
    /* its own hosts only: the placement looks at no other, and `masked`
     * holds one entry per own host (not per host of the datacenter: 157
     * clusters x 10,000 hosts took 6.3 MB on every MPI rank) */
    if (host_index < c->first_host || host_index - c->first_host >= c->n_hosts)
        return;
    c->view[host_index].usable = 0;
    c->masked[c->n_masked++] = host_index;
}

void cluster_commit(cluster *c, uint32_t vm_id, int32_t host_index)
{
    placement_request req = cluster_vm_request(c, vm_id);
    placement_view_add(&c->view[host_index], &req);
    if (c->free_index)
        placement_index_update(c->free_index, (uint32_t)host_index - c->first_host, &c->view[host_index]);
}

void cluster_uncommit(cluster *c, uint32_t vm_id, int32_t host_index)
{
    placement_request req = cluster_vm_request(c, vm_id);
    placement_view_remove(&c->view[host_index], &req);
    if (c->free_index)
        placement_index_update(c->free_index, (uint32_t)host_index - c->first_host, &c->view[host_index]);
}

/* Places the VM if it fits somewhere: 1 placed, 0 not, -1 refused by a
 * feature's admission control. */
static int cluster_try_place(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    const model_env *env = c->env;
    const vm_spec *vs = model_vm_spec(env, vm_id);
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->admit && !f->hooks->admit(ctx, c, f, vm_id))
            return -1;
    int32_t chosen = cluster_choose_and_commit(c, vm_id, CLUSTER_PLACE_POWER_ON);
    if (chosen < 0)
        return 0;
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->vm_placed)
            f->hooks->vm_placed(c, f, vm_id, chosen);
    c->placed++;
    c->live++;
    cluster_log(ctx, c, env->log_vm_placed, vm_id, chosen, 0, 0.0);
    cluster_send_start(ctx, c, vm_id, chosen);
    const workload_group *wg = env->groups ? &env->groups[vs->group] : NULL;
    if (wg && wg->has_lifetime) {
        double life = dist_sample(&wg->lifetime, sim_rng(ctx, CLUSTER_STREAM_LIFETIME));
        sim_time_ns delay = life > 0 ? (life < 9e18 ? (sim_time_ns)(life + 0.5) : INT64_MAX / 4) : 0;
        vm_msg m = {.vm = vm_id};
        sim_send(ctx, sim_self(ctx), delay, env->kind_vm_lifetime_end, &m, sizeof m);
    }
    return 1;
}

/* A power-on found no host: it waits in the queue
 * (placement.on_no_capacity = "queue") or is refused. */
static void power_on_without_room(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    const model_env *env = c->env;
    cluster_room_forget(c, vm_id);
    if (env->queue_on_no_capacity) {
        if (sim_grow((void **)&c->queue, &c->cap_queued, c->n_queued + 1, sizeof *c->queue, 64))
            abort(); /* out of memory inside a handler */
        c->queue[c->n_queued++] = vm_id;
        cluster_log(ctx, c, env->log_vm_queued, vm_id, c->n_queued, 0, 0.0);
        return;
    }
    c->placement_failures++;
    cluster_log(ctx, c, env->log_vm_placement_failed, vm_id, -1, 0, 0.0);
}

static void cluster_power_on(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    c->arrived++;
    int placed = cluster_try_place(ctx, c, vm_id);
    if (placed > 0)
        return;
    if (placed < 0) { /* refused by admission control (logged there) */
        c->placement_failures++;
        return;
    }
    /* Room is made for one power-on at a time, on a view where the moves
     * made for the one before have landed: while some wait, this one
     * waits behind them. */
    int waits = c->n_held > 0;
    if (waits || cluster_make_room(ctx, c, vm_id, CLUSTER_PLACE_POWER_ON)) {
        if (sim_grow((void **)&c->held, &c->cap_held, c->n_held + 1, sizeof *c->held, 16))
            abort(); /* out of memory inside a handler */
        c->held[c->n_held++] = (cluster_held){.vm = vm_id, .rounds = waits ? 0u : 1u};
        return;
    }
    power_on_without_room(ctx, c, vm_id);
}

void cluster_room_made(sim_ctx *ctx, cluster *c, int more_coming)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < c->n_held; i++) {
        cluster_held w = c->held[i];
        int placed = cluster_try_place(ctx, c, w.vm);
        if (placed < 0) {
            c->placement_failures++; /* admission control refused it meanwhile (logged there) */
            cluster_room_forget(c, w.vm);
        } else if (placed == 0 && more_coming) {
            c->held[kept++] = w;
        } else if (placed == 0) {
            /* the moves are over and it fits nowhere: room for it (again),
             * the others waiting behind it */
            if (w.rounds < CLUSTER_ROOM_ROUNDS && cluster_make_room(ctx, c, w.vm, CLUSTER_PLACE_POWER_ON)) {
                more_coming = 1;
                w.rounds++;
                c->held[kept++] = w;
            } else {
                power_on_without_room(ctx, c, w.vm);
            }
        }
    }
    c->n_held = kept;
}

/* The lifetime is over: ask the VM's host to power it off. */
static void cluster_lifetime_end(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->lifetime_over && f->hooks->lifetime_over(ctx, c, f, vm_id))
            return; /* it was down waiting for a restart: now off for good */
    int32_t h = c->vm_host[cluster_vm_slot(c, vm_id)];
    if (h < 0)
        return; /* released meanwhile (e.g. by a failure) */
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->hold_stop && f->hooks->hold_stop(c, f, vm_id))
            return; /* in flight: powered off where the migration leaves it */
    cluster_send_stop(ctx, c, vm_id, h);
}

/* The host has powered the VM off: release its capacity, then let queued
 * VMs in, in arrival order. */
static void cluster_vm_stopped(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    int32_t h = c->vm_host[cluster_vm_slot(c, vm_id)];
    if (h < 0)
        abort(); /* a release for a VM the controller did not place is a model bug */
    cluster_uncommit(c, vm_id, h);
    cluster_vm_gone(ctx, c, vm_id);
}

void cluster_vm_gone(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->vm_gone)
            f->hooks->vm_gone(c, f, vm_id);
    c->vm_host[cluster_vm_slot(c, vm_id)] = -1;
    c->live--;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < c->n_queued; i++)
        if (cluster_try_place(ctx, c, c->queue[i]) <= 0)
            c->queue[kept++] = c->queue[i];
    c->n_queued = kept;
}

int cluster_series_new(recorder *rec, const model_env *env, const char *name, const char *unit,
                       sim_time_ns period_ns, int total)
{
    if (env->n_clusters <= 1 || !env->host_cluster)
        return rec_series_new(rec, "cluster", name, unit, NULL, 1, 0, period_ns);
    int id = rec_series_new(rec, "clusters", name, unit, "clusters", (int)env->n_clusters, 0, period_ns);
    if (id < 0 || (total && rec_series_new_total(rec, "cluster", name, unit, id) < 0))
        return -1;
    return id;
}

static void cluster_sample(sim_ctx *ctx, cluster *c)
{
    const model_env *env = c->env;
    sim_time_ns now = sim_now(ctx);
    if (env->rec) {
        rec_series_put(env->rec, env->series_cluster_vms_running, now, (int)c->index, (double)c->live);
        rec_series_put(env->rec, env->series_cluster_vms_arrived, now, (int)c->index, (double)c->arrived);
        rec_series_put(env->rec, env->series_cluster_vms_rejected, now, (int)c->index, (double)c->placement_failures);
        rec_series_put(env->rec, env->series_cluster_vms_queued, now, (int)c->index, (double)c->n_queued);
    }
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->sample)
            f->hooks->sample(ctx, c, f);
    sim_send(ctx, sim_self(ctx), env->sample_period_ns, env->kind_cluster_sample, NULL, 0);
}

int cluster_init_lifecycle(cluster *c, uint32_t n_vms)
{
    c->vm_host = malloc((n_vms ? n_vms : 1) * sizeof *c->vm_host);
    c->masked = malloc((c->n_hosts ? c->n_hosts : 1) * sizeof *c->masked);
    if (!c->vm_host || !c->masked)
        return -1;
    for (uint32_t i = 0; i < n_vms; i++)
        c->vm_host[i] = -1;
    c->free_index = malloc(sizeof *c->free_index);
    if (!c->free_index || placement_index_init(c->free_index, c->view + c->first_host, c->n_hosts) != 0)
        return -1;
    return 0;
}

void cluster_release(cluster *c)
{
    free(c->vm_host);
    free(c->queue);
    free(c->held);
    free(c->masked);
    free(c->ext);
    if (c->free_index)
        placement_index_free(c->free_index);
    free(c->free_index);
    c->free_index = NULL;
    c->vm_host = NULL;
    c->queue = NULL;
    c->held = NULL;
    c->masked = NULL;
    c->ext = NULL;
    c->n_queued = c->cap_queued = 0;
    c->n_held = c->cap_held = 0;
}

void cluster_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    cluster *c = state;
    const model_env *env = c->env;
    for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
        if (f->hooks->handle && f->hooks->handle(ctx, c, f, ev))
            return;
    const vm_msg *m = (const vm_msg *)ev->payload.bytes;
    if (ev->kind == env->kind_cluster_notice) {
        const cluster_notice *n = (const cluster_notice *)ev->payload.bytes;
        for (const cluster_feature *f = first_feature(c); f < end_feature(c); f++)
            if (f->hooks->observe)
                f->hooks->observe(ctx, c, f, n);
    } else if (ev->kind == env->kind_vm_power_on) {
        cluster_power_on(ctx, c, m->vm);
    } else if (ev->kind == env->kind_vm_lifetime_end) {
        cluster_lifetime_end(ctx, c, m->vm);
    } else if (ev->kind == env->kind_vm_stopped) {
        cluster_vm_stopped(ctx, c, m->vm);
    } else if (ev->kind == env->kind_cluster_sample) {
        cluster_sample(ctx, c);
    }
}
