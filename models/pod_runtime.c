/* pod_runtime.c - pods inside their host's LP: lifecycle events, the
 * per-sample CPU (CFS) and memory (OOM) model, restarts with back-off
 * (see pod.h, docs/containers.md). */
#include "models/pod.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/host.h"
#include "models/model_env.h"

#define MIB_BYTES 1048576.0

static void pod_log(sim_ctx *ctx, host *h, int kind, int64_t pod_id, int64_t a, int64_t b, double value)
{
    const model_env *env = h->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++h->log_seq, kind, pod_id, a, b, value);
}

static void send_self(sim_ctx *ctx, uint32_t kind, sim_time_ns delay, uint32_t pod_id, uint32_t gen)
{
    int64_t payload[2] = {pod_id, gen};
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
static void pod_begin_start(sim_ctx *ctx, host *h, uint32_t id)
{
    pod_world *w = h->env->pods;
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
    send_self(ctx, w->kind_running, image_ready - now + (sim_time_ns)llround(start), id, pd->gen);
}

static void pod_became_running(sim_ctx *ctx, host *h, uint32_t id)
{
    pod_world *w = h->env->pods;
    pod *pd = &w->pods[id];
    const pod_group *pg = &w->groups[pd->group];
    sim_time_ns now = sim_now(ctx);
    sim_time_ns latency = now - pd->starting_since_ns;
    pd->state = POD_RUNNING;
    if (pd->first_startup_ns < 0)
        pd->first_startup_ns = latency;
    pod_log(ctx, h, w->log_started, id, h->index, pd->node_vm, (double)latency / 1e9);
    if (pg->has_crash) {
        double x = dist_sample(&pg->crash, sim_rng(ctx, POD_STREAM));
        send_self(ctx, w->kind_crash, (sim_time_ns)llround(x), id, pd->gen);
    }
}

/* The app exited (exit code 1 crash, or 137 OOM kill): back-off, restart. */
static void pod_exit(sim_ctx *ctx, host *h, uint32_t id, int oom, double memory_mib)
{
    pod_world *w = h->env->pods;
    pod_host *ph = h->pods;
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
    send_self(ctx, w->kind_restart, delay, id, pd->gen);
}

int pods_handle(sim_ctx *ctx, host *h, const sim_event *ev)
{
    pod_world *w = h->env->pods;
    if (!w || (ev->kind != w->kind_start && ev->kind != w->kind_running && ev->kind != w->kind_crash &&
               ev->kind != w->kind_restart))
        return 0;
    uint32_t id = (uint32_t)ev->payload.i64[0];
    uint32_t gen = (uint32_t)ev->payload.i64[1];
    pod *pd = &w->pods[id];
    if (ev->kind == w->kind_start) {
        if (pd->state == POD_PENDING)
            pod_begin_start(ctx, h, id);
    } else if (gen != pd->gen) {
        return 1; /* the pod changed state since this was sent */
    } else if (ev->kind == w->kind_running && pd->state == POD_STARTING) {
        pod_became_running(ctx, h, id);
    } else if (ev->kind == w->kind_crash && pd->state == POD_RUNNING) {
        pod_exit(ctx, h, id, 0, 0.0);
    } else if (ev->kind == w->kind_restart && pd->state == POD_BACKOFF) {
        pd->restarts++;
        h->pods->interval_restarts++;
        pod_log(ctx, h, w->log_restarted, id, h->index, pd->restarts, (double)pd->last_backoff_ns / 1e9);
        pod_begin_start(ctx, h, id);
    }
    return 1;
}

void pods_vm_started(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    pod_world *w = h->env->pods;
    if (!w)
        return;
    sim_time_ns now = sim_now(ctx);
    for (uint32_t k = w->vm_pod_first[vm_id]; k < w->vm_pod_first[vm_id + 1]; k++) {
        uint32_t id = w->vm_pods[k];
        pod *pd = &w->pods[id];
        if (pod_host_add(h->pods, id) != 0)
            abort();
        pd->host = (int32_t)h->index;
        pd->state = POD_PENDING;
        pd->gen++;
        sim_time_ns start = w->groups[pd->group].start_ns;
        send_self(ctx, w->kind_start, start > now ? start - now : 0, id, pd->gen);
    }
}

void pods_vm_stopped(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    pod_world *w = h->env->pods;
    if (!w)
        return;
    pod_host *ph = h->pods;
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

double pods_vm_node_cpu_mhz(const model_env *env, uint32_t host_index, uint32_t vm_id)
{
    /* MERGE POINT: switch to the contention model's entitlement of the VM. */
    return (double)env->vm_specs[vm_id].vcpus * env->host_specs[host_index].cpu_mhz;
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
#undef GROW
    ph->scratch_cap = cap;
    return 0;
}

typedef struct host_totals {
    double cpu_mhz;
    double periods, throttled_periods; /* of pods with a CPU limit */
    uint32_t running;
} host_totals;

/* One node's running pods ph->ids[0..n): memory (limit OOM, then node OOM),
 * then CPU by shares and CFS. */
static void sample_node(sim_ctx *ctx, host *h, uint32_t n, double node_cores, double node_mem_mib,
                        host_totals *t)
{
    const model_env *env = h->env;
    pod_world *w = env->pods;
    pod_host *ph = h->pods;
    double mhz_per_core = env->host_specs[h->index].cpu_mhz;
    sim_time_ns now = sim_now(ctx);
    gsl_rng *rng = sim_rng(ctx, POD_STREAM);

    /* Demands, in pod order: CPU then memory of each (one stream, fixed order). */
    for (uint32_t i = 0; i < n; i++) {
        const pod_group *pg = &w->groups[w->pods[ph->ids[i]].group];
        ph->cpu_demand[i] = demand_sample(&pg->cpu_demand, now, rng) / 1000.0 * pg->cpu_overhead_factor;
        ph->mem_mib[i] = demand_sample(&pg->memory_demand, now, rng);
    }
    /* A container above its memory limit is killed by its cgroup. */
    uint32_t live = 0;
    for (uint32_t i = 0; i < n; i++) {
        const pod_group *pg = &w->groups[w->pods[ph->ids[i]].group];
        if (oom_over_limit(ph->mem_mib[i], (double)pg->mem_limit / MIB_BYTES)) {
            pod_exit(ctx, h, ph->ids[i], 1, ph->mem_mib[i]);
            continue;
        }
        ph->ids[live] = ph->ids[i];
        ph->cpu_demand[live] = ph->cpu_demand[i];
        ph->mem_mib[live] = ph->mem_mib[i] + (double)pg->mem_overhead / MIB_BYTES;
        ph->adj[live] = w->pods[ph->ids[i]].oom_adj;
        live++;
    }
    n = live;
    /* The node is out of memory: the kernel kills by badness. */
    size_t killed = oom_node_victims(n, ph->mem_mib, ph->adj, node_mem_mib, ph->victims, ph->dead);
    for (size_t k = 0; k < killed; k++)
        pod_exit(ctx, h, ph->ids[ph->victims[k]], 1, ph->mem_mib[ph->victims[k]]);
    live = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (killed && ph->dead[i])
            continue;
        ph->ids[live] = ph->ids[i];
        ph->cpu_demand[live] = ph->cpu_demand[i];
        live++;
    }
    n = live;
    /* CPU: what each would use alone, then the node's cores by cpu.shares. */
    for (uint32_t i = 0; i < n; i++) {
        const pod_group *pg = &w->groups[w->pods[ph->ids[i]].group];
        ph->want[i] = cfs_bandwidth(ph->cpu_demand[i], pg->threads, pg->threads, (double)pg->cpu_limit_m,
                                    w->cfs_period_s, pg->work)
                          .usage_cores;
        ph->weight[i] = cfs_shares((double)pg->cpu_request_m);
    }
    cfs_waterfill(n, ph->want, ph->weight, node_cores > 0.0 ? node_cores : 0.0, ph->share, ph->order);
    double periods = (double)env->sample_period_ns / 1e9 / w->cfs_period_s;
    for (uint32_t i = 0; i < n; i++) {
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

void pods_sample(sim_ctx *ctx, host *h, double vm_cpu_mhz, double vm_memory_mib)
{
    const model_env *env = h->env;
    pod_world *w = env->pods;
    pod_host *ph = h->pods;
    if (!w || !ph)
        return;
    const host_spec *hs = &env->host_specs[h->index];
    if (grow_scratch(ph, ph->n_active) != 0)
        abort();
    host_totals t = {0.0, 0.0, 0.0, 0};
    /* The active list holds each node's pods together: runs of one node. */
    uint32_t k = 0;
    while (k < ph->n_active) {
        int32_t node_vm = w->pods[ph->active[k]].node_vm;
        uint32_t end = k;
        while (end < ph->n_active && w->pods[ph->active[end]].node_vm == node_vm)
            end++;
        uint32_t n = 0;
        for (uint32_t i = k; i < end; i++)
            if (w->pods[ph->active[i]].state == POD_RUNNING)
                ph->ids[n++] = ph->active[i];
        double cores, mem_mib;
        if (node_vm >= 0) {
            cores = pods_vm_node_cpu_mhz(env, h->index, (uint32_t)node_vm) / hs->cpu_mhz;
            mem_mib = (double)env->vm_specs[node_vm].memory_mib;
        } else {
            /* A host node's pods get what its VMs leave. */
            cores = ((double)host_cores(hs) * hs->cpu_mhz - vm_cpu_mhz) / hs->cpu_mhz;
            mem_mib = (double)hs->memory_mib - vm_memory_mib;
        }
        if (n > 0)
            sample_node(ctx, h, n, cores, mem_mib, &t);
        k = end;
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
