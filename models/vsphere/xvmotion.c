/* xvmotion.c - cross-cluster vMotion: the vcenter LP and the controllers'
 * side (see xvmotion.h); keys, LP and recording are in xvmotion_build.c. */
#include "models/vsphere/xvmotion.h"

#include <math.h>
#include <string.h>

#include "models/core/vm.h"
#include "models/vsphere/xvmotion_internal.h"

double xvmotion_rate(double link_bytes_per_s, uint32_t link_active, double src_nic_bytes_per_s, uint32_t src_active,
                     double dst_nic_bytes_per_s, uint32_t dst_active)
{
    return fmin(vmotion_fair_share(link_bytes_per_s, link_active),
                vmotion_pair_bandwidth(src_nic_bytes_per_s, src_active, dst_nic_bytes_per_s, dst_active));
}

double xvmotion_dirty_rate(double dirty_mb_per_s, double mean_demand_mhz, uint32_t vcpus, double core_mhz)
{
    double capacity = (double)vcpus * core_mhz;
    double use = capacity > 0.0 ? fmin(1.0, fmax(0.0, mean_demand_mhz / capacity)) : 1.0;
    return dirty_mb_per_s * 1e6 * use;
}

static double nic_bytes_per_s(const xv_world *w, int32_t h)
{
    double gbps = w->env->host_specs[h].hw.nic_gbps;
    return (gbps > 0.0 ? gbps : 10.0) * 1e9 / 8.0; /* as DRS: 10 Gbps when not given */
}

static uint32_t slot_limit(const xv_world *w, int32_t h)
{
    double gbps = w->env->host_specs[h].hw.nic_gbps;
    return vmotion_concurrency_limit(gbps > 0.0 ? gbps : 10.0);
}

static void log_move(sim_ctx *ctx, xv_world *w, int kind, uint32_t i, double value)
{
    if (w->env->rec && kind >= 0)
        rec_event(w->env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++w->log_seq, kind,
                  w->dc->moves[i].vm, w->migs[i].src_host, w->migs[i].dst_host, value);
}

static void refuse(sim_ctx *ctx, xv_world *w, uint32_t i, xv_status why)
{
    w->migs[i].status = why;
    w->migs[i].end_ns = sim_now(ctx);
    log_move(ctx, w, w->log_refused, i, (double)why);
    if (w->dc->moves[i].balance)
        xbal_move_ended(w);
}

/* --- the controllers' side ------------------------------------------------ */

static void reply(sim_ctx *ctx, const xv_world *w, xv_msg m, xv_status status)
{
    m.status = status;
    sim_send(ctx, w->lp, w->env->control_latency_ns, w->kind_reserved, &m, sizeof m);
}

/* The target controller places the twin as a power-on would. */
static void reserve_twin(sim_ctx *ctx, cluster *c, const xv_world *w, xv_msg m)
{
    const model_env *env = c->env;
    uint32_t twin = w->dc->moves[m.mig].twin;
    const cluster_feature *first = env->cluster_features, *end = first + env->n_cluster_features;
    for (const cluster_feature *f = first; f < end; f++)
        if (f->hooks->admit && !f->hooks->admit(ctx, c, f, twin)) {
            reply(ctx, w, m, XV_ADMISSION);
            return;
        }
    int32_t chosen = cluster_choose_and_commit(c, twin, CLUSTER_PLACE_POWER_ON);
    if (chosen < 0) {
        reply(ctx, w, m, XV_NO_CAPACITY);
        return;
    }
    for (const cluster_feature *f = first; f < end; f++)
        if (f->hooks->vm_placed)
            f->hooks->vm_placed(c, f, twin, chosen);
    env->vm_times[twin].arrived_ns = sim_now(ctx); /* not on a host yet: the controller holds it */
    sim_share_touch(&env->vm_times[twin]);
    c->arrived++;
    c->placed++;
    c->live++;
    cluster_log(ctx, c, env->log_vm_placed, twin, chosen, 0, 0.0);
    m.dst_host = chosen;
    reply(ctx, w, m, XV_QUEUED);
}

/* The source controller at the switch-over: the VM still placed is
 * powered off as at the end of its lifetime and its twin started; a VM
 * gone meanwhile (failed, powered off) aborts the move. */
static void switch_over(sim_ctx *ctx, cluster *c, const xv_world *w, xv_msg m)
{
    const model_env *env = c->env;
    const datacenter_move *mv = &w->dc->moves[m.mig];
    m.status = c->vm_host[cluster_vm_slot(c, mv->vm)] >= 0 ? XV_DONE : XV_ABORTED;
    if (m.status == XV_DONE) {
        vm_msg off = {.vm = mv->vm};
        sim_send(ctx, sim_self(ctx), 0, env->kind_vm_lifetime_end, &off, sizeof off);
    }
    sim_send(ctx, env->cluster_lp + mv->to, env->control_latency_ns, w->kind_start_twin, &m, sizeof m);
}

/* The target controller: start the twin where it was placed, or give its
 * capacity back when the move was aborted. */
static void start_twin(sim_ctx *ctx, cluster *c, const xv_world *w, xv_msg m)
{
    uint32_t twin = w->dc->moves[m.mig].twin;
    int32_t h = c->vm_host[cluster_vm_slot(c, twin)];
    if (h < 0)
        return; /* released meanwhile (its host failed) */
    if (m.status == XV_DONE) {
        cluster_send_start(ctx, c, twin, h);
        return;
    }
    cluster_uncommit(c, twin, h);
    cluster_vm_gone(ctx, c, twin);
    reply(ctx, w, m, XV_ABORTED);
}

int xvmotion_cluster_handle(sim_ctx *ctx, cluster *c, const cluster_feature *f, const sim_event *ev)
{
    const xv_world *w = f->world;
    if (xbal_cluster_handle(ctx, c, w, ev))
        return 1;
    if (ev->kind != w->kind_check && ev->kind != w->kind_reserve && ev->kind != w->kind_switch &&
        ev->kind != w->kind_start_twin)
        return 0;
    xv_msg m;
    memcpy(&m, ev->payload.bytes, sizeof m);
    const datacenter_move *mv = &w->dc->moves[m.mig];
    if (ev->kind == w->kind_reserve) {
        reserve_twin(ctx, c, w, m);
        return 1;
    }
    if (ev->kind == w->kind_switch) {
        switch_over(ctx, c, w, m);
        return 1;
    }
    if (ev->kind == w->kind_start_twin) {
        start_twin(ctx, c, w, m);
        return 1;
    }
    /* the source controller: where does the VM run? */
    int32_t h = c->vm_host[cluster_vm_slot(c, mv->vm)];
    if (h < 0) {
        reply(ctx, w, m, XV_NOT_RUNNING);
        return 1;
    }
    m.src_host = h;
    sim_send(ctx, c->env->cluster_lp + mv->to, c->env->control_latency_ns, w->kind_reserve, &m, sizeof m);
    return 1;
}

/* --- the vcenter LP -------------------------------------------------------- */


/* Progress of migration i up to now at its current rate. */
static void accrue(xv_world *w, uint32_t i, sim_time_ns now)
{
    xv_mig *g = &w->migs[i];
    if (g->status == XV_DISK) {
        g->disk_left = fmax(0.0, g->disk_left - g->rate * xvmotion_seconds_since(now, g->last_ns));
        g->last_ns = now;
    } else if (g->status == XV_MEMORY) {
        double t = fmax(xvmotion_seconds_since(now, g->mem_origin_ns), g->m.now_s);
        vmotion_set_bandwidth(&g->m, t, g->rate);
    }
}

/* Sends migration i its next step event (a new token makes older ones stale). */
static void schedule_step(sim_ctx *ctx, xv_world *w, uint32_t i)
{
    xv_mig *g = &w->migs[i];
    sim_time_ns now = sim_now(ctx);
    double at_s; /* since now */
    if (g->status == XV_DISK)
        at_s = g->rate > 0.0 ? g->disk_left / g->rate : INFINITY;
    else
        at_s = vmotion_next_event_s(&g->m) - xvmotion_seconds_since(now, g->mem_origin_ns);
    g->token++;
    if (!isfinite(at_s))
        return;
    sim_time_ns delay = at_s > 0.0 ? (sim_time_ns)llround(at_s * 1e9) : 0;
    xv_msg m = {.mig = i, .token = g->token};
    sim_send(ctx, sim_self(ctx), delay, w->kind_step, &m, sizeof m);
}

/* Every migration in flight gets its share of the link and NICs now. */
static void reshare(sim_ctx *ctx, xv_world *w)
{
    sim_time_ns now = sim_now(ctx);
    for (uint32_t k = 0; k < w->n_active; k++) {
        uint32_t i = w->active[k];
        xv_mig *g = &w->migs[i];
        accrue(w, i, now);
        double rate = xvmotion_rate(w->link_bytes_per_s, w->n_active, nic_bytes_per_s(w, g->src_host),
                                    w->host_active[g->src_host], nic_bytes_per_s(w, g->dst_host),
                                    w->host_active[g->dst_host]);
        if (rate == g->rate && g->token > 0)
            continue; /* unchanged: its step event stands */
        g->rate = rate;
        if (g->status == XV_MEMORY)
            vmotion_set_bandwidth(&g->m, fmax(xvmotion_seconds_since(now, g->mem_origin_ns), g->m.now_s), rate);
        schedule_step(ctx, w, i);
    }
}

static void begin_memory(xv_world *w, uint32_t i, sim_time_ns now)
{
    xv_mig *g = &w->migs[i];
    const model_env *env = w->env;
    const vm_spec *vs = model_vm_spec(env, w->dc->moves[i].vm);
    const host_spec *src = &env->host_specs[g->src_host];
    vmotion_params p = w->params;
    p.memory_bytes = (double)vm_spec_memory_mib(vs) * 1048576.0;
    p.dirty_rate_bytes_per_s =
        xvmotion_dirty_rate(scn_float(w->scn, "vms.[%u].dirty_rate", vs->group), vm_spec_demand_mean(vs, VM_DEMAND_CPU),
                            vm_spec_vcpus(vs), src->cpu_mhz);
    g->status = XV_MEMORY;
    g->mem_origin_ns = now;
    vmotion_start(&g->m, &p, g->rate > 0.0 ? g->rate : 1.0);
}

/* Starts the queued migrations whose two hosts have a free slot, in order. */
static int start_queued(sim_ctx *ctx, xv_world *w)
{
    uint32_t kept = 0;
    int started = 0;
    for (uint32_t q = 0; q < w->n_queue; q++) {
        uint32_t i = w->queue[q];
        xv_mig *g = &w->migs[i];
        if (w->host_active[g->src_host] >= slot_limit(w, g->src_host) ||
            w->host_active[g->dst_host] >= slot_limit(w, g->dst_host)) {
            w->queue[kept++] = i;
            continue;
        }
        w->host_active[g->src_host]++;
        w->host_active[g->dst_host]++;
        w->active[w->n_active++] = i;
        g->start_ns = g->last_ns = sim_now(ctx);
        g->rate = 0.0;
        g->token = 0;
        const datacenter_move *mv = &w->dc->moves[i];
        g->disk_bytes = mv->shared_storage ? 0.0 : (double)scn_bytes(w->scn, "vms.[%u].disk",
                                                                      model_vm_spec(w->env, mv->vm)->group);
        g->disk_left = g->disk_bytes;
        g->status = XV_DISK;
        started = 1;
    }
    w->n_queue = kept;
    return started;
}

static void finish(sim_ctx *ctx, xv_world *w, uint32_t i)
{
    xv_mig *g = &w->migs[i];
    const datacenter_move *mv = &w->dc->moves[i];
    const model_env *env = w->env;
    g->status = XV_DONE;
    g->end_ns = sim_now(ctx);
    w->host_active[g->src_host]--;
    w->host_active[g->dst_host]--;
    for (uint32_t k = 0; k < w->n_active; k++)
        if (w->active[k] == i) {
            w->active[k] = w->active[--w->n_active];
            break;
        }
    /* the switch-over goes through the source controller (switch_over) */
    xv_msg m = {.mig = i, .src_host = g->src_host, .dst_host = g->dst_host};
    sim_send(ctx, env->cluster_lp + mv->from, env->control_latency_ns, w->kind_switch, &m, sizeof m);
    log_move(ctx, w, w->log_done, i, xvmotion_seconds_since(g->end_ns, g->start_ns));
    if (mv->balance)
        xbal_move_ended(w);
}

static void step(sim_ctx *ctx, xv_world *w, const xv_msg *m)
{
    xv_mig *g = &w->migs[m->mig];
    if (m->token != g->token || (g->status != XV_DISK && g->status != XV_MEMORY))
        return; /* made stale by a change of rate */
    sim_time_ns now = sim_now(ctx);
    if (g->status == XV_DISK) {
        g->disk_left = 0.0;
        begin_memory(w, m->mig, now);
        schedule_step(ctx, w, m->mig);
        return;
    }
    if (vmotion_advance(&g->m) != VMOTION_DONE) {
        schedule_step(ctx, w, m->mig);
        return;
    }
    finish(ctx, w, m->mig);
    start_queued(ctx, w);
    reshare(ctx, w);
}

void xvmotion_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    xv_world *w = state;
    if (xbal_handle(ctx, w, ev))
        return;
    xv_msg m;
    memcpy(&m, ev->payload.bytes, sizeof m);
    if (ev->kind == w->kind_step) {
        step(ctx, w, &m);
    } else if (ev->kind == w->kind_begin) {
        const datacenter *dc = w->dc;
        for (uint32_t i = 0; i < dc->n_scheduled; i++) {
            if (dc->moves[i].action != m.mig)
                continue;
            w->migs[i].requested_ns = sim_now(ctx);
            if (!dc->moves[i].evc_ok) {
                refuse(ctx, w, i, XV_EVC_INCOMPATIBLE);
                continue;
            }
            xv_msg ask = {.mig = i, .src_host = -1, .dst_host = -1};
            sim_send(ctx, w->env->cluster_lp + dc->moves[i].from, w->env->control_latency_ns, w->kind_check, &ask,
                     sizeof ask);
        }
    } else if (ev->kind == w->kind_reserved && m.status == XV_ABORTED) {
        w->migs[m.mig].status = XV_ABORTED; /* its row keeps the copy's times */
        log_move(ctx, w, w->log_refused, m.mig, (double)XV_ABORTED);
    } else if (ev->kind == w->kind_reserved) {
        xv_mig *g = &w->migs[m.mig];
        if (g->requested_ns < 0)
            g->requested_ns = m.requested_ns; /* a rebalancing move: its pass's decision */
        g->src_host = m.src_host;
        g->dst_host = m.dst_host;
        if (m.status != XV_QUEUED) {
            refuse(ctx, w, m.mig, (xv_status)m.status);
            return;
        }
        g->status = XV_QUEUED;
        w->queue[w->n_queue++] = m.mig;
        if (start_queued(ctx, w))
            reshare(ctx, w);
    }
}

