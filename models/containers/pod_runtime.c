/* pod_runtime.c - pods inside their host's LP: lifecycle events, the
 * per-sample CPU (CFS) and memory (OOM) model, restarts with back-off
 * (see pod.h, docs/containers.md). */
#include "models/containers/pod.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/host/host_contention.h"
#include "models/core/model_env.h"

#define MIB_BYTES 1048576.0

/* Through the host's log, so that observers (the property monitors) see it. */
static void pod_log(sim_ctx *ctx, host *h, int kind, int64_t pod_id, int64_t a, int64_t b, double value)
{
    host_log(ctx, h, kind, pod_id, a, b, value);
}

/* The pod's next event; remembered so that a vMotion can re-arm it. */
static void pod_timer(sim_ctx *ctx, pod *pd, uint32_t kind, sim_time_ns delay, uint32_t pod_id)
{
    pd->timer_kind = kind;
    pd->timer_due_ns = sim_now(ctx) + delay;
    int64_t payload[2] = {pod_id, pd->gen};
    sim_send(ctx, sim_self(ctx), delay, kind, payload, sizeof payload);
}

int pod_host_add(pod_host *ph, uint32_t pod_id)
{
    if (ph->n_active == ph->cap_active) {
        uint32_t cap = ph->cap_active ? 2 * ph->cap_active : 8;
        uint32_t *grown = realloc(ph->active, cap * sizeof *grown);
        if (!grown)
            return -1;
        ph->active = grown;
        ph->cap_active = cap;
    }
    ph->active[ph->n_active++] = pod_id;
    return 0;
}

static image_cache *node_cache(const pod_world *w, const pod *pd)
{
    return pd->node_vm >= 0 ? &w->vm_caches[pd->node_vm] : &w->host_caches[pd->node_host];
}

/* Image (if not held), then the start latency; running at the end. */
static void pod_begin_start(sim_ctx *ctx, host *h, const host_feature *f, uint32_t id)
{
    pod_world *w = f->world;
    pod *pd = &w->pods[id];
    const pod_group *pg = &w->groups[pd->group];
    sim_time_ns now = sim_now(ctx);
    sim_time_ns image_ready = now;
    if (!pd->holds_image) {
        int pulled;
        image_ready = image_cache_acquire(node_cache(w, pd), &w->pull, pg->image, pg->image_bytes, now, &pulled);
        if (image_ready < 0)
            abort(); /* out of memory inside a handler */
        pd->holds_image = 1;
    }
    double start = dist_sample(&pg->startup, sim_rng(ctx, POD_STREAM));
    pd->state = POD_STARTING;
    pd->gen++;
    pd->starting_since_ns = now;
    pod_timer(ctx, pd, w->kind_running, image_ready - now + (sim_time_ns)llround(start), id);
}

static void pod_became_running(sim_ctx *ctx, host *h, const host_feature *f, uint32_t id)
{
    pod_world *w = f->world;
    pod *pd = &w->pods[id];
    const pod_group *pg = &w->groups[pd->group];
    sim_time_ns now = sim_now(ctx);
    sim_time_ns latency = now - pd->starting_since_ns;
    pd->state = POD_RUNNING;
    pd->timer_kind = 0;
    if (pd->first_startup_ns < 0)
        pd->first_startup_ns = latency;
    pod_log(ctx, h, w->log_started, id, h->index, pd->node_vm, (double)latency / 1e9);
    if (pg->has_crash) {
        double x = dist_sample(&pg->crash, sim_rng(ctx, POD_STREAM));
        pod_timer(ctx, pd, w->kind_crash, (sim_time_ns)llround(x), id);
    }
}

/* The app exited (exit code 1 crash, or 137 OOM kill): back-off, restart. */
static void pod_exit(sim_ctx *ctx, host *h, const host_feature *f, uint32_t id, int oom, double memory_mib)
{
    pod_world *w = f->world;
    pod_host *ph = host_ext(h, f);
    pod *pd = &w->pods[id];
    sim_time_ns now = sim_now(ctx);
    if (oom) {
        pd->oom_kills++;
        ph->interval_oom_kills++;
        pod_log(ctx, h, w->log_oom_killed, id, h->index, OOM_EXIT_CODE, memory_mib);
    } else {
        pd->crashes++;
        pod_log(ctx, h, w->log_crashed, id, h->index, 1, 0.0);
    }
    sim_time_ns delay = crashloop_on_exit(&pd->backoff, &w->backoff, now);
    pd->state = POD_BACKOFF;
    pd->gen++;
    pd->last_backoff_ns = delay;
    pod_timer(ctx, pd, w->kind_restart, delay, id);
}

static int pods_handle(sim_ctx *ctx, host *h, const host_feature *f, const sim_event *ev)
{
    pod_world *w = f->world;
    if (!host_ext(h, f) || (ev->kind != w->kind_start && ev->kind != w->kind_running && ev->kind != w->kind_crash &&
               ev->kind != w->kind_restart))
        return 0;
    uint32_t id = (uint32_t)ev->payload.i64[0];
    uint32_t gen = (uint32_t)ev->payload.i64[1];
    pod *pd = &w->pods[id];
    if (pd->host != (int32_t)h->index)
        return 1; /* sent before its VM node moved away (vMotion) or failed */
    if (ev->kind == w->kind_start) {
        if (pd->state == POD_PENDING)
            pod_begin_start(ctx, h, f, id);
    } else if (gen != pd->gen) {
        return 1; /* the pod changed state since this was sent */
    } else if (ev->kind == w->kind_running && pd->state == POD_STARTING) {
        pod_became_running(ctx, h, f, id);
    } else if (ev->kind == w->kind_crash && pd->state == POD_RUNNING) {
        pod_exit(ctx, h, f, id, 0, 0.0);
    } else if (ev->kind == w->kind_restart && pd->state == POD_BACKOFF) {
        pd->restarts++;
        ((pod_host *)host_ext(h, f))->interval_restarts++;
        pod_log(ctx, h, w->log_restarted, id, h->index, pd->restarts, (double)pd->last_backoff_ns / 1e9);
        pod_begin_start(ctx, h, f, id);
    }
    return 1;
}

static void pods_vm_started(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id)
{
    pod_world *w = f->world;
    if (!host_ext(h, f))
        return; /* no pod's node is on this host */
    sim_time_ns now = sim_now(ctx);
    for (uint32_t k = w->vm_pod_first[vm_id]; k < w->vm_pod_first[vm_id + 1]; k++) {
        uint32_t id = w->vm_pods[k];
        pod *pd = &w->pods[id];
        if (pod_host_add(host_ext(h, f), id) != 0)
            abort();
        pd->host = (int32_t)h->index;
        pd->state = POD_PENDING;
        pd->gen++;
        sim_time_ns start = w->groups[pd->group].start_ns;
        pod_timer(ctx, pd, w->kind_start, start > now ? start - now : 0, id);
    }
}

static void pods_vm_stopped(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id)
{
    pod_world *w = f->world;
    if (!host_ext(h, f))
        return; /* no pod's node is on this host */
    pod_host *ph = host_ext(h, f);
    uint32_t kept = 0;
    for (uint32_t k = 0; k < ph->n_active; k++) {
        uint32_t id = ph->active[k];
        pod *pd = &w->pods[id];
        if (pd->node_vm != (int32_t)vm_id) {
            ph->active[kept++] = id;
            continue;
        }
        if (pd->holds_image)
            image_cache_release(&w->vm_caches[vm_id], w->groups[pd->group].image, sim_now(ctx));
        pd->holds_image = 0;
        pd->state = POD_FAILED;
        pd->gen++;
        pd->host = -1;
        pod_log(ctx, h, w->log_failed, id, h->index, vm_id, 0.0);
    }
    ph->n_active = kept;
}

static void pods_host_down(sim_ctx *ctx, host *h, const host_feature *f)
{
    pod_world *w = f->world;
    if (!host_ext(h, f))
        return; /* no pod's node is on this host */
    pod_host *ph = host_ext(h, f);
    uint32_t kept = 0;
    for (uint32_t k = 0; k < ph->n_active; k++) {
        uint32_t id = ph->active[k];
        pod *pd = &w->pods[id];
        if (pd->node_vm >= 0) {
            ph->active[kept++] = id;
            continue;
        }
        if (pd->holds_image)
            image_cache_release(&w->host_caches[h->index], w->groups[pd->group].image, sim_now(ctx));
        pd->holds_image = 0;
        pd->state = POD_FAILED;
        pd->gen++;
        pd->timer_kind = 0;
        pd->host = -1;
        pod_log(ctx, h, w->log_failed, id, h->index, -1, 0.0);
    }
    ph->n_active = kept;
}

static void pods_host_up(sim_ctx *ctx, host *h, const host_feature *f)
{
    pod_world *w = f->world;
    if (!host_ext(h, f))
        return; /* no pod's node is on this host */
    sim_time_ns now = sim_now(ctx);
    for (uint32_t id = 0; id < w->n_pods; id++) {
        pod *pd = &w->pods[id];
        if (pd->node_vm >= 0 || pd->node_host != (int32_t)h->index || pd->host >= 0)
            continue;
        if (pod_host_add(host_ext(h, f), id) != 0)
            abort(); /* out of memory inside a handler */
        pd->host = (int32_t)h->index;
        pd->state = POD_PENDING;
        pd->gen++;
        sim_time_ns start = w->groups[pd->group].start_ns;
        pod_timer(ctx, pd, w->kind_start, start > now ? start - now : 0, id);
    }
}

static void pods_vm_leaving(host *h, const host_feature *f, uint32_t vm_id)
{
    pod_world *w = f->world;
    if (!host_ext(h, f))
        return; /* no pod's node is on this host */
    pod_host *ph = host_ext(h, f);
    uint32_t kept = 0;
    for (uint32_t k = 0; k < ph->n_active; k++) {
        uint32_t id = ph->active[k];
        if (w->pods[id].node_vm == (int32_t)vm_id)
            w->pods[id].host = -1; /* in transit with its VM */
        else
            ph->active[kept++] = id;
    }
    ph->n_active = kept;
}

static void pods_vm_arrived(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id)
{
    pod_world *w = f->world;
    if (!host_ext(h, f))
        return; /* no pod's node is on this host */
    sim_time_ns now = sim_now(ctx);
    for (uint32_t k = w->vm_pod_first[vm_id]; k < w->vm_pod_first[vm_id + 1]; k++) {
        uint32_t id = w->vm_pods[k];
        pod *pd = &w->pods[id];
        if (pd->host != -1 || pd->state == POD_FAILED)
            continue;
        if (pod_host_add(host_ext(h, f), id) != 0)
            abort(); /* out of memory inside a handler */
        pd->host = (int32_t)h->index;
        pd->gen++; /* voids the copies still queued at the source */
        if (pd->timer_kind != 0)
            pod_timer(ctx, pd, pd->timer_kind, pd->timer_due_ns > now ? pd->timer_due_ns - now : 0, id);
    }
}

double pods_vm_node_cpu_mhz(double pods_want_mhz, double vm_demand_mhz, double vm_entitlement_mhz)
{
    if (pods_want_mhz <= 0.0)
        return 0.0;
    if (vm_demand_mhz <= vm_entitlement_mhz)
        return pods_want_mhz;
    return pods_want_mhz * (vm_entitlement_mhz > 0.0 ? vm_entitlement_mhz : 0.0) / vm_demand_mhz;
}

static int grow_scratch(pod_host *ph, uint32_t n)
{
    if (n <= ph->scratch_cap)
        return 0;
    uint32_t cap = ph->scratch_cap ? ph->scratch_cap : 16;
    while (cap < n)
        cap *= 2;
#define GROW(field)                                                                 \
    do {                                                                            \
        void *p_ = realloc(ph->field, cap * sizeof *ph->field);                     \
        if (!p_)                                                                    \
            return -1;                                                              \
        ph->field = p_;                                                             \
    } while (0)
    GROW(ids);
    GROW(cpu_demand);
    GROW(mem_mib);
    GROW(want);
    GROW(weight);
    GROW(share);
    GROW(adj);
    GROW(order);
    GROW(victims);
    GROW(dead);
    GROW(runs);
#undef GROW
    ph->scratch_cap = cap;
    return 0;
}

typedef struct pod_totals {
    double cpu_mhz;
    double periods, throttled_periods; /* of pods with a CPU limit */
    uint32_t running;
} pod_totals;

/* One node's running pods ph->ids[first .. first+n): demands, memory
 * (limit OOM, then node OOM), then what each wants of the CPU; the
 * survivors are kept at the front of that range (run->n of them). */
static void node_demand(sim_ctx *ctx, host *h, const host_feature *f, uint32_t first, uint32_t n, double node_mem_mib, pod_node_run *run)
{
    const model_env *env = h->env;
    pod_world *w = f->world;
    pod_host *ph = host_ext(h, f);
    double mhz_per_core = env->host_specs[h->index].cpu_mhz;
    sim_time_ns now = sim_now(ctx);
    gsl_rng *rng = sim_rng(ctx, POD_STREAM);
    uint32_t *ids = ph->ids + first;
    double *cpu = ph->cpu_demand + first, *mem = ph->mem_mib + first;
    int *adj = ph->adj + first;

    /* Demands, in pod order: CPU then memory of each (one stream, fixed order). */
    for (uint32_t i = 0; i < n; i++) {
        pod *p = &w->pods[ids[i]];
        const pod_group *pg = &w->groups[p->group];
        cpu[i] = demand_next(&pg->cpu_demand, &p->cpu_state, now, rng) / 1000.0 * pg->cpu_overhead_factor;
        mem[i] = demand_next(&pg->memory_demand, &p->memory_state, now, rng);
    }
    /* A container above its memory limit is killed by its cgroup. */
    uint32_t live = 0;
    for (uint32_t i = 0; i < n; i++) {
        const pod_group *pg = &w->groups[w->pods[ids[i]].group];
        if (oom_over_limit(mem[i], (double)pg->mem_limit / MIB_BYTES)) {
            pod_exit(ctx, h, f, ids[i], 1, mem[i]);
            continue;
        }
        ids[live] = ids[i];
        cpu[live] = cpu[i];
        mem[live] = mem[i] + (double)pg->mem_overhead / MIB_BYTES;
        adj[live] = w->pods[ids[i]].oom_adj;
        live++;
    }
    n = live;
    /* The node is out of memory: the kernel kills by badness. */
    size_t killed = oom_node_victims(n, mem, adj, node_mem_mib, ph->victims, ph->dead);
    for (size_t k = 0; k < killed; k++)
        pod_exit(ctx, h, f, ids[ph->victims[k]], 1, mem[ph->victims[k]]);
    live = 0;
    run->want_mhz = run->memory_mib = run->shares = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        if (killed && ph->dead[i])
            continue;
        const pod_group *pg = &w->groups[w->pods[ids[i]].group];
        ids[live] = ids[i];
        cpu[live] = cpu[i];
        /* what it would use alone: its demand held to its CFS quota */
        ph->want[first + live] =
            cfs_bandwidth(cpu[i], pg->threads, pg->threads, (double)pg->cpu_limit_m, w->cfs_period_s, pg->work)
                .usage_cores;
        ph->weight[first + live] = cfs_shares((double)pg->cpu_request_m);
        run->want_mhz += ph->want[first + live] * mhz_per_core;
        run->memory_mib += mem[i];
        run->shares += (double)pg->cpu_request_m;
        live++;
    }
    run->first = first;
    run->n = live;
}

/* One node's survivors: the node's cores divided by cpu.shares, then CFS. */
static void node_cpu(host *h, const host_feature *f, const pod_node_run *run, double node_cores, pod_totals *t)
{
    const model_env *env = h->env;
    pod_world *w = f->world;
    pod_host *ph = host_ext(h, f);
    double mhz_per_core = env->host_specs[h->index].cpu_mhz;
    uint32_t n = run->n, first = run->first;
    cfs_waterfill(n, ph->want + first, ph->weight + first, node_cores > 0.0 ? node_cores : 0.0,
                  ph->share + first, ph->order);
    double periods = (double)env->sample_period_ns / 1e9 / w->cfs_period_s;
    for (uint32_t i = first; i < first + n; i++) {
        pod *pd = &w->pods[ph->ids[i]];
        const pod_group *pg = &w->groups[pd->group];
        /* A pod held below its want runs its bursts on its share only. */
        double avail = ph->share[i] < ph->want[i] ? ph->share[i] : pg->threads;
        cfs_result r = cfs_bandwidth(ph->cpu_demand[i], pg->threads, avail, (double)pg->cpu_limit_m,
                                     w->cfs_period_s, pg->work);
        t->cpu_mhz += r.usage_cores * mhz_per_core;
        if (pg->cpu_limit_m > 0) {
            pd->periods += periods;
            pd->throttled_periods += periods * r.throttled_fraction;
            t->periods += periods;
            t->throttled_periods += periods * r.throttled_fraction;
        }
        t->running++;
    }
}

static int32_t vm_position(const host *h, int32_t vm_id)
{
    for (uint32_t i = 0; i < h->n_vms; i++)
        if (h->vm_ids[i] == (uint32_t)vm_id)
            return (int32_t)i;
    return -1;
}

static void pods_sample_demand(sim_ctx *ctx, host *h, const host_feature *f, double vm_memory_mib, host_vm_input *in, host_pod_load *host_node)
{
    const model_env *env = h->env;
    pod_world *w = f->world;
    pod_host *ph = host_ext(h, f);
    if (!ph)
        return;
    const host_spec *hs = &env->host_specs[h->index];
    if (grow_scratch(ph, ph->n_active) != 0)
        abort();
    ph->n_runs = 0;
    /* The active list holds each node's pods together: runs of one node. */
    uint32_t k = 0, first = 0;
    while (k < ph->n_active) {
        int32_t node_vm = w->pods[ph->active[k]].node_vm;
        uint32_t end = k;
        while (end < ph->n_active && w->pods[ph->active[end]].node_vm == node_vm)
            end++;
        uint32_t n = 0;
        for (uint32_t i = k; i < end; i++)
            if (w->pods[ph->active[i]].state == POD_RUNNING)
                ph->ids[first + n++] = ph->active[i];
        k = end;
        if (n == 0)
            continue;
        pod_node_run *run = &ph->runs[ph->n_runs++];
        run->node_vm = node_vm;
        run->vm_pos = node_vm >= 0 ? vm_position(h, node_vm) : -1;
        double node_mem_mib = node_vm >= 0 ? (double)vm_spec_memory_mib(model_vm_spec(env, node_vm))
                                           : (double)hs->memory_mib - vm_memory_mib;
        node_demand(ctx, h, f, first, n, node_mem_mib, run);
        first += run->n;
        if (run->vm_pos >= 0) {
            /* the VM's guest runs its pods: their CPU and memory are its demand */
            host_vm_input *v = &in[run->vm_pos];
            double configured = node_mem_mib > 0.0 ? node_mem_mib : 1.0;
            double active = v->memory_active_fraction + run->memory_mib / configured;
            v->cpu_demand_mhz += run->want_mhz;
            v->memory_active_fraction = active < 1.0 ? active : 1.0;
        } else if (node_vm < 0) {
            host_node->cpu_demand_mhz += run->want_mhz;
            host_node->cpu_shares += run->shares;
            host_node->memory_mib += run->memory_mib;
        }
    }
}

static void pods_sample_cpu(sim_ctx *ctx, host *h, const host_feature *f, const host_vm_input *in, const host_pod_load *host_node)
{
    const model_env *env = h->env;
    pod_world *w = f->world;
    pod_host *ph = host_ext(h, f);
    if (!ph)
        return;
    double mhz = env->host_specs[h->index].cpu_mhz;
    pod_totals t = {0.0, 0.0, 0.0, 0};
    for (uint32_t r = 0; r < ph->n_runs; r++) {
        const pod_node_run *run = &ph->runs[r];
        double node_mhz = 0.0;
        if (run->node_vm < 0)
            node_mhz = host_node->cpu_entitlement_mhz;
        else if (run->vm_pos >= 0)
            node_mhz = pods_vm_node_cpu_mhz(run->want_mhz, in[run->vm_pos].cpu_demand_mhz,
                                            model_vm(env, run->node_vm)->cpu_entitlement_mhz);
        node_cpu(h, f, run, node_mhz / mhz, &t);
    }
    if (env->rec) {
        sim_time_ns now = sim_now(ctx);
        int e = (int)h->index;
        rec_series_put(env->rec, w->series_running, now, e, (double)t.running);
        rec_series_put(env->rec, w->series_cpu_usage, now, e, t.cpu_mhz);
        if (t.periods > 0.0)
            rec_series_put(env->rec, w->series_throttled_pct, now, e, 100.0 * t.throttled_periods / t.periods);
        rec_series_put(env->rec, w->series_oom_kills, now, e, (double)ph->interval_oom_kills);
        rec_series_put(env->rec, w->series_restarts, now, e, (double)ph->interval_restarts);
    }
    ph->interval_oom_kills = ph->interval_restarts = 0;
}

/* --- the host hooks (models/core/host.h) ---------------------------------- */

static int pods_hook_handle(sim_ctx *ctx, host *h, const host_feature *f, const sim_event *ev)
{
    return pods_handle(ctx, h, f, ev);
}

/* Pods add to their VM's demand, or claim the host's CPU (a host node);
 * the claim is remembered for the host node's share after the step. */
static void pods_add_demand(sim_ctx *ctx, host *h, const host_feature *f, host_sample_ctx *s)
{
    pod_host *ph = host_ext(h, f);
    if (!ph)
        return;
    pods_sample_demand(ctx, h, f, s->vm_memory_mib, s->in, &s->pods);
    ph->claim_mhz = s->pods.cpu_demand_mhz;
}

/* The host node's pods.[] pods get their part of the host node's claim
 * (Kubernetes pods on the host node, models/kubernetes, claim the rest). */
static void pods_after_sample(sim_ctx *ctx, host *h, const host_feature *f, const host_sample_ctx *s)
{
    const pod_host *ph = host_ext(h, f);
    if (!ph)
        return;
    host_pod_load mine = s->pods;
    if (s->pods.cpu_demand_mhz > ph->claim_mhz)
        mine.cpu_entitlement_mhz *= ph->claim_mhz / s->pods.cpu_demand_mhz;
    pods_sample_cpu(ctx, h, f, s->in, &mine);
}

static void pods_hook_vm_started(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id)
{
    pods_vm_started(ctx, h, f, vm_id);
}

static void pods_hook_vm_stopped(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id)
{
    pods_vm_stopped(ctx, h, f, vm_id);
}

static void pods_hook_vm_leaving(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id, uint32_t dst_host)
{
    (void)ctx;
    (void)dst_host;
    pods_vm_leaving(h, f, vm_id);
}

static void pods_hook_vm_arrived(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id, uint32_t src_host)
{
    (void)src_host;
    pods_vm_arrived(ctx, h, f, vm_id);
}

/* A VM node that fails on its way in: its pods in transit fail with it. */
static void pods_vm_arrival_failed(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id, uint32_t src_host)
{
    (void)src_host;
    pods_vm_arrived(ctx, h, f, vm_id);
    pods_vm_stopped(ctx, h, f, vm_id);
}

const host_hooks pods_host_hooks = {
    .name = "pods",
    .handle = pods_hook_handle,
    .add_demand = pods_add_demand,
    .after_sample = pods_after_sample,
    .vm_started = pods_hook_vm_started,
    .vm_stopped = pods_hook_vm_stopped,
    .vm_leaving = pods_hook_vm_leaving,
    .vm_arrived = pods_hook_vm_arrived,
    .vm_arrival_failed = pods_vm_arrival_failed,
    .host_down = pods_host_down,
    .host_up = pods_host_up,
};
