/* k8s_scheduler_lp.c - the kube-scheduler LP and the controllers it hosts
 * (see k8s_scheduler_lp.h, docs/kubernetes.md "The control plane in a run").
 *
 * Scheduling: one pod per cycle, popped from the queue in PrioritySort
 * order; the scheduler is busy for the cycle's modelled cost, then the next
 * cycle runs. The pod is assumed (k8s_bind on the snapshot) at the cycle's
 * start, so the next cycle sees it; the binding reaches the kubelet after
 * cost + API latency. Node lifecycle: a node reported lost at t is NotReady
 * at t + grace and its pods are evicted at t + grace + toleration. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/kubernetes/k8s_scheduler_lp.h"
#include "models/kubernetes/k8s_template_build.h"
#include "models/core/model_env.h"

static void klog(sim_ctx *ctx, k8s_control *c, int kind, int64_t subject, int64_t a, int64_t b, double value)
{
    const model_env *env = c->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++c->log_seq, kind, subject, a, b, value);
}

static void self_event(sim_ctx *ctx, uint32_t kind, sim_time_ns delay, int64_t a, int64_t b, int64_t c)
{
    int64_t p[3] = {a, b, c};
    sim_send(ctx, sim_self(ctx), delay < 0 ? 0 : delay, kind, p, sizeof p);
}

/* --- pods ------------------------------------------------------------- */

static void kick(sim_ctx *ctx, k8s_control *c)
{
    if (c->cycle_pending || k8s_queue_count(&c->q, K8S_Q_ACTIVE) == 0)
        return;
    c->cycle_pending = 1;
    sim_time_ns now = sim_now(ctx);
    self_event(ctx, c->sh->kind_cycle, c->busy_until_ns > now ? c->busy_until_ns - now : 0, 0, 0, 0);
}

static void new_pod(sim_ctx *ctx, k8s_control *c, uint32_t w)
{
    if (c->n_pods == c->cap_pods) {
        uint32_t cap = c->cap_pods ? 2 * c->cap_pods : 64;
        k8s_rpod *p = realloc(c->pods, cap * sizeof *p);
        if (!p)
            abort(); /* out of memory inside a handler */
        c->pods = p;
        c->cap_pods = cap;
    }
    uint32_t id = c->n_pods++;
    sim_time_ns now = sim_now(ctx);
    c->pods[id] = (k8s_rpod){.workload = w, .phase = K8S_POD_PENDING, .node = -1, .slot = -1, .created_ns = now};
    c->pods[id].qhandle = k8s_queue_add(&c->q, id, c->sh->workloads[w].pod.priority, now);
    c->wl[w].active++;
    klog(ctx, c, c->log_pod_phase, id, K8S_POD_PENDING, w, 0.0); /* created: the property monitors' pods */
    kick(ctx, c);
}

static void remember_slot(k8s_control *c, int32_t slot, uint32_t id)
{
    if ((uint32_t)slot >= c->cap_slots) {
        uint32_t cap = c->cap_slots ? c->cap_slots : 64;
        while (cap <= (uint32_t)slot)
            cap *= 2;
        uint32_t *p = realloc(c->pod_of_slot, cap * sizeof *p);
        if (!p)
            abort();
        c->pod_of_slot = p;
        c->cap_slots = cap;
    }
    c->pod_of_slot[slot] = id;
}

static void send_bind(sim_ctx *ctx, k8s_control *c, uint32_t id, sim_time_ns extra_delay)
{
    k8s_rpod *p = &c->pods[id];
    int32_t on_host = c->node[p->node].host;
    if (on_host < 0)
        return; /* the node has no kubelet right now: the binding waits for it to come back */
    k8s_bind_msg m = {.pod = id,
                      .epoch = p->epoch,
                      .node = p->node,
                      .workload = p->workload,
                      .usage_m = c->wl[p->workload].pushed_usage_m,
                      .usage_at_ns = sim_now(ctx)};
    sim_send(ctx, c->env->first_host_lp + (uint32_t)on_host, c->sh->api_latency_ns + extra_delay, c->sh->kind_bind,
             &m, sizeof m);
}

static void reconcile(sim_ctx *ctx, k8s_control *c, uint32_t w);
static int pod_serving(const k8s_control *c, const k8s_rpod *p);
static void apply_load_steps(sim_ctx *ctx, k8s_control *c, uint32_t w);
static int64_t pod_usage_m(const k8s_control *c, uint32_t w, int32_t serving);

/* The per-pod CPU of workload w from t_ns on, for the metrics the HPA reads
 * (k8s_metrics.h); only HPA workloads keep the history. */
static void usage_note(k8s_control *c, uint32_t w, int64_t t_ns)
{
    if (!c->sh->workloads[w].hpa)
        return;
    k8s_usage_history_note(&c->wl[w].usage_hist, t_ns, pod_usage_m(c, w, c->wl[w].running),
                           t_ns - 2 * c->metric_resolution_ns);
}

/* Every phase change goes through here: it keeps the workload's count of
 * serving pods (running on a Ready node) and the usage history right. */
static void set_pod_phase(sim_ctx *ctx, k8s_control *c, k8s_rpod *p, k8s_pod_phase phase)
{
    int was = pod_serving(c, p);
    apply_load_steps(ctx, c, p->workload); /* steps before now keep their own times */
    if (phase != p->phase) /* the pod's lifecycle, for the properties (docs/properties.md) */
        klog(ctx, c, c->log_pod_phase, (int64_t)(p - c->pods), phase, p->workload, 0.0);
    p->phase = phase;
    int is = pod_serving(c, p);
    if (is != was) {
        c->wl[p->workload].running += is - was;
        usage_note(c, p->workload, sim_now(ctx));
    }
}

/* Deletes a pod (scale-down, eviction, preemption, rejection): its API
 * object goes, the snapshot forgets it, the kubelet stops it. */
static void delete_pod(sim_ctx *ctx, k8s_control *c, uint32_t id)
{
    k8s_rpod *p = &c->pods[id];
    if (p->phase == K8S_POD_PENDING) {
        k8s_queue_done(&c->q, p->qhandle);
    } else if (p->phase == K8S_POD_BOUND || p->phase == K8S_POD_RUNNING) {
        k8s_snapshot_remove_pod(&c->snap, (uint32_t)p->slot);
        int32_t on_host = c->node[p->node].host;
        if (on_host >= 0) {
            k8s_kill_msg m = {.pod = id, .epoch = p->epoch, .node = p->node};
            sim_send(ctx, c->env->first_host_lp + (uint32_t)on_host, c->sh->api_latency_ns, c->sh->kind_kill, &m,
                     sizeof m);
        }
    } else {
        return;
    }
    set_pod_phase(ctx, c, p, K8S_POD_DELETED);
    p->epoch++;
    p->slot = -1;
    c->wl[p->workload].active--;
    k8s_queue_move_all(&c->q, sim_now(ctx)); /* a pod left: unschedulable pods may fit now */
}

/* --- scheduling cycle ------------------------------------------------- */

static void push_latency(k8s_control *c, int64_t ns)
{
    if (c->n_lat == c->cap_lat) {
        uint32_t cap = c->cap_lat ? 2 * c->cap_lat : 64;
        int64_t *p = realloc(c->lat_ns, cap * sizeof *p);
        if (!p)
            abort();
        c->lat_ns = p;
        c->cap_lat = cap;
    }
    c->lat_ns[c->n_lat++] = ns;
}

static void cycle(sim_ctx *ctx, k8s_control *c)
{
    c->cycle_pending = 0;
    uint32_t handle;
    int64_t id = k8s_queue_pop(&c->q, &handle);
    if (id < 0)
        return;
    sim_time_ns now = sim_now(ctx);
    k8s_rpod *p = &c->pods[id];
    const k8s_workload_spec *ws = &c->sh->workloads[p->workload];
    const k8s_profile *prof = &c->cfg.profiles[ws->profile];
    k8s_schedule_result r;
    k8s_pdbs_refresh(c); /* status.disruptionsAllowed as of now, for preemption */
    k8s_schedule_pod(&c->sched, prof, &c->snap, &ws->pod, sim_rng(ctx, K8S_STREAM), &r);
    int64_t cost = r.cost_ns > 0 ? r.cost_ns : 0;
    c->busy_until_ns = now + cost; /* set first: the controllers below may kick */
    int32_t slot = r.code == K8S_SUCCESS ? k8s_bind(prof, &c->snap, &ws->pod, (uint32_t)r.node, now) : -1;
    if (slot >= 0) {
        k8s_queue_done(&c->q, handle);
        remember_slot(c, slot, (uint32_t)id);
        set_pod_phase(ctx, c, p, K8S_POD_BOUND);
        p->node = r.node;
        p->slot = slot;
        p->epoch++;
        send_bind(ctx, c, (uint32_t)id, cost);
        int64_t latency = now + cost + c->sh->api_latency_ns - p->created_ns;
        push_latency(c, latency);
        c->total_scheduled++;
        klog(ctx, c, c->log_scheduled, id, r.node, p->workload, (double)latency / 1e9);
    } else {
        if (r.code == K8S_SUCCESS)
            k8s_queue_requeue_backoff(&c->q, handle, now);
        else
            k8s_queue_unschedulable(&c->q, handle, now);
        klog(ctx, c, c->log_unschedulable, id, r.nominated_node, p->workload, 0.0);
        if (r.code != K8S_SUCCESS && r.nominated_node >= 0) {
            /* The nominated node's room is the preemptor's (nominatedNodeName):
             * it goes straight back to activeQ, ahead of the lower-priority
             * replacements of its victims. */
            k8s_queue_done(&c->q, handle);
            p->qhandle = k8s_queue_add(&c->q, (uint64_t)id, ws->pod.priority, now);
            for (uint32_t k = 0; k < r.n_victims; k++) {
                uint32_t victim = c->pod_of_slot[r.victims[k]];
                klog(ctx, c, c->log_preempted, victim, r.nominated_node, id, 0.0);
                delete_pod(ctx, c, victim);
                c->preemptions++;
                c->total_preemptions++;
                reconcile(ctx, c, c->pods[victim].workload);
            }
        }
    }
    k8s_schedule_result_free(&r);
    kick(ctx, c);
}

/* --- controllers -------------------------------------------------------- */

/* ReplicaSet getPodsToDelete order, reduced: pending before bound before
 * running, newest first. */
static void scale_down_one(sim_ctx *ctx, k8s_control *c, uint32_t w)
{
    static const k8s_pod_phase order[3] = {K8S_POD_PENDING, K8S_POD_BOUND, K8S_POD_RUNNING};
    for (int k = 0; k < 3; k++)
        for (uint32_t id = c->n_pods; id-- > 0;)
            if (c->pods[id].workload == w && c->pods[id].phase == order[k]) {
                delete_pod(ctx, c, id);
                return;
            }
}

static void reconcile(sim_ctx *ctx, k8s_control *c, uint32_t w)
{
    const k8s_workload_spec *ws = &c->sh->workloads[w];
    k8s_workload_state *st = &c->wl[w];
    if (!st->created)
        return;
    if (ws->kind == K8S_DEPLOYMENT) {
        while (st->active < st->replicas)
            new_pod(ctx, c, w);
        while (st->active > st->replicas)
            scale_down_one(ctx, c, w);
        return;
    }
    if (st->complete)
        return;
    if (st->succeeded >= ws->completions) {
        st->complete = 1;
        klog(ctx, c, c->log_job_complete, w, st->succeeded, 0, (double)(sim_now(ctx) - ws->start_ns) / 1e9);
        return;
    }
    int32_t left = ws->completions - st->succeeded;
    int32_t want = left < ws->parallelism ? left : ws->parallelism;
    while (st->active < want)
        new_pod(ctx, c, w);
}

static int pod_serving(const k8s_control *c, const k8s_rpod *p);
static void push_workload_usage(sim_ctx *ctx, k8s_control *c, uint32_t w, int32_t serving);

static void pod_status(sim_ctx *ctx, k8s_control *c, uint32_t id, uint32_t epoch, int status)
{
    k8s_rpod *p = &c->pods[id];
    if (p->epoch != epoch || (p->phase != K8S_POD_BOUND && p->phase != K8S_POD_RUNNING))
        return; /* about an earlier binding of the pod */
    if (status == K8S_PS_RUNNING) {
        p->running_ns = sim_now(ctx) - c->sh->api_latency_ns; /* the report took the API latency */
        set_pod_phase(ctx, c, p, K8S_POD_RUNNING);
        klog(ctx, c, c->log_running, id, p->node, p->workload, (double)(sim_now(ctx) - p->created_ns) / 1e9);
        /* one more serving pod shares the offered load: the others use less now */
        push_workload_usage(ctx, c, p->workload, c->wl[p->workload].running);
        return;
    }
    if (status == K8S_PS_SUCCEEDED) {
        k8s_snapshot_remove_pod(&c->snap, (uint32_t)p->slot);
        set_pod_phase(ctx, c, p, K8S_POD_SUCCEEDED);
        p->slot = -1;
        c->wl[p->workload].active--;
        c->wl[p->workload].succeeded++;
        k8s_queue_move_all(&c->q, sim_now(ctx));
    } else { /* rejected: the node was not there; the controller replaces it */
        delete_pod(ctx, c, id);
    }
    reconcile(ctx, c, p->workload);
    kick(ctx, c);
}

/* --- nodes -------------------------------------------------------------- */

/* What the scheduler sees of node n: in the cluster once its kubelet has
 * registered it and while the Cluster Autoscaler has not deleted it (a node
 * not yet added is in no plugin's view); schedulable while Ready. */
static void set_schedulable(k8s_control *c, uint32_t n)
{
    k8s_snapshot_set_node_present(&c->snap, n, c->node[n].joined && c->node[n].registered);
    c->snap.nodes[n].unschedulable = !c->node[n].ready;
}

/* The node controller's Ready condition of node n: pods running there stop
 * or start serving. */
static void set_node_ready(sim_ctx *ctx, k8s_control *c, int32_t n, int ready)
{
    if (c->node[n].ready == ready)
        return;
    for (uint32_t id = 0; id < c->n_pods; id++)
        if (c->pods[id].node == n && c->pods[id].phase == K8S_POD_RUNNING)
            apply_load_steps(ctx, c, c->pods[id].workload);
    c->node[n].ready = ready;
    for (uint32_t id = 0; id < c->n_pods; id++) {
        const k8s_rpod *p = &c->pods[id];
        if (p->node == n && p->phase == K8S_POD_RUNNING) {
            c->wl[p->workload].running += ready ? 1 : -1;
            usage_note(c, p->workload, sim_now(ctx));
        }
    }
}

/* The current usage of every workload with a pod on node n, to its host. */
static void resend_usage(sim_ctx *ctx, k8s_control *c, int32_t n)
{
    const k8s_shared *sh = c->sh;
    uint32_t *sent = calloc(sh->n_workloads ? sh->n_workloads : 1, sizeof *sent);
    if (!sent)
        abort(); /* out of memory inside a handler */
    for (uint32_t id = 0; id < c->n_pods; id++) {
        const k8s_rpod *p = &c->pods[id];
        if (p->node != n || (p->phase != K8S_POD_BOUND && p->phase != K8S_POD_RUNNING) || sent[p->workload])
            continue;
        sent[p->workload] = 1;
        k8s_usage_msg m = {.workload = p->workload, .usage_m = c->wl[p->workload].pushed_usage_m, .at_ns = sim_now(ctx)};
        sim_send(ctx, c->env->first_host_lp + (uint32_t)c->node[n].host, sh->api_latency_ns, sh->kind_usage, &m,
                 sizeof m);
    }
    free(sent);
}

static void node_status(sim_ctx *ctx, k8s_control *c, int32_t n, int status, int32_t on_host, int64_t since_ns)
{
    k8s_node_state *ns = &c->node[n];
    sim_time_ns now = sim_now(ctx);
    if (status == K8S_NS_MOVED) {
        if (ns->ready && !ns->lost && ns->host >= 0) {
            ns->host = on_host; /* vMotion: its pods moved with it, nothing else changes */
            resend_usage(ctx, c, n); /* a change sent to the old host meanwhile */
            return;
        }
        status = K8S_NS_READY; /* not Ready here yet: it comes up on its new host */
    }
    ns->epoch++; /* cancels pending NotReady / eviction timers */
    if (status == K8S_NS_LOST) {
        ns->lost = 1;
        ns->host = -1;
        self_event(ctx, c->sh->kind_node_timer, since_ns + c->sh->grace_ns - now, n, ns->epoch, K8S_TIMER_NOT_READY);
        return;
    }
    int was_lost = ns->lost;
    ns->lost = 0;
    ns->host = on_host;
    if (c->node_provisioning[n] && !ns->joined) { /* a CA node's VM runs: it registers */
        c->node_provisioning[n] = 0;
        ns->joined = 1;
        ns->registered = 1;
        set_node_ready(ctx, c, n, 1);
        klog(ctx, c, c->log_ready, n, on_host, 1, 0.0);
        set_schedulable(c, (uint32_t)n);
        k8s_queue_move_all(&c->q, now);
        kick(ctx, c);
        return;
    }
    if (!ns->ready || was_lost) { /* logged also when it comes back before NotReady */
        if (ns->joined)
            klog(ctx, c, c->log_ready, n, on_host, 0, 0.0);
        ns->registered = 1;
        set_node_ready(ctx, c, n, 1);
        set_schedulable(c, (uint32_t)n);
        k8s_queue_move_all(&c->q, now);
    }
    /* Pods still bound to it (not yet evicted) start again on its kubelet. */
    for (uint32_t id = 0; id < c->n_pods; id++) {
        k8s_rpod *p = &c->pods[id];
        if (p->node == n && (p->phase == K8S_POD_BOUND || p->phase == K8S_POD_RUNNING)) {
            set_pod_phase(ctx, c, p, K8S_POD_BOUND);
            p->epoch++;
            send_bind(ctx, c, id, 0);
        }
    }
    kick(ctx, c);
}

static void node_timer(sim_ctx *ctx, k8s_control *c, int32_t n, uint32_t epoch, int phase)
{
    k8s_node_state *ns = &c->node[n];
    if (phase == K8S_TIMER_JOIN && c->sh->nodes[n].vm >= 0) {
        /* the node group's VM is created: power it on; it joins when its kubelet reports */
        int64_t vm_id = c->sh->nodes[n].vm;
        sim_send(ctx, model_cluster_lp_of_vm(c->env, (uint32_t)vm_id), c->sh->api_latency_ns, c->env->kind_vm_power_on, &vm_id, sizeof vm_id);
        return;
    }
    if (phase == K8S_TIMER_JOIN) {
        c->node_provisioning[n] = 0;
        ns->joined = 1;
        set_schedulable(c, (uint32_t)n);
        if (ns->ready)
            klog(ctx, c, c->log_ready, n, ns->host, 1, 0.0);
        k8s_queue_move_all(&c->q, sim_now(ctx));
        kick(ctx, c);
        return;
    }
    if (epoch != ns->epoch)
        return;
    if (phase == K8S_TIMER_NOT_READY) {
        if (ns->ready) {
            set_node_ready(ctx, c, n, 0);
            set_schedulable(c, (uint32_t)n);
            if (ns->joined)
                klog(ctx, c, c->log_not_ready, n, 0, 0, 0.0);
        }
        self_event(ctx, c->sh->kind_node_timer, c->sh->toleration_ns, n, ns->epoch, K8S_TIMER_EVICT);
        return;
    }
    /* K8S_TIMER_EVICT: the taint manager evicts pods past tolerationSeconds */
    for (uint32_t id = 0; id < c->n_pods; id++) {
        k8s_rpod *p = &c->pods[id];
        if (p->node != n || (p->phase != K8S_POD_BOUND && p->phase != K8S_POD_RUNNING))
            continue;
        klog(ctx, c, c->log_evicted, id, n, p->workload, 0.0);
        delete_pod(ctx, c, id);
        c->evictions++;
        c->total_evictions++;
    }
    for (uint32_t w = 0; w < c->sh->n_workloads; w++)
        reconcile(ctx, c, w);
    kick(ctx, c);
}

/* --- load, HPA ---------------------------------------------------------- */

static int pod_serving(const k8s_control *c, const k8s_rpod *p)
{
    return p->phase == K8S_POD_RUNNING && c->node[p->node].ready;
}

/* CPU one serving pod of w uses now: the offered load (initial replicas x
 * per-pod usage) shared by the serving pods; a Job pod uses its own. */
static int64_t pod_usage_m(const k8s_control *c, uint32_t w, int32_t serving)
{
    const k8s_workload_spec *ws = &c->sh->workloads[w];
    if (ws->kind == K8S_JOB || serving <= 0)
        return ws->cpu_usage_m;
    return c->wl[w].usage_m * ws->replicas / serving;
}

/* Applies the load steps due by now, each at its own time in the usage
 * history. Called before anything changes the serving pods, so the history
 * stays in time order. */
static void apply_load_steps(sim_ctx *ctx, k8s_control *c, uint32_t w)
{
    const k8s_workload_spec *ws = &c->sh->workloads[w];
    k8s_workload_state *st = &c->wl[w];
    while (st->next_step < ws->n_steps && ws->step_at_ns[st->next_step] <= sim_now(ctx)) {
        st->usage_m = ws->step_usage_m[st->next_step];
        usage_note(c, w, ws->step_at_ns[st->next_step++]);
    }
}

/* The kubelet marks a probe-less pod Ready when its pod worker sees the
 * container running, at the next PLEG relist: plegRelistPeriod = 1 s
 * (pkg/kubelet/kubelet.go) [M: the whole period]. So a fresh container's
 * first metric window, which begins at its start, began before Ready. */
#define POD_READY_AFTER_START_NS 1000000000LL

/* One pod as the replica calculator sees it (replica_calculator.go
 * groupPods): Pending (bound, not started) is unready without a metric; a
 * running pod without a metric (too young, or its node not Ready so
 * metrics-server cannot scrape it) is missing; a pod with a metric inside
 * its CPU initialisation period is unready if its window began before it
 * turned Ready (k8s_hpa_cpu_unready). */
static k8s_hpa_pod hpa_pod(sim_ctx *ctx, const k8s_control *c, const k8s_rpod *p, int64_t *window_usage_m)
{
    const k8s_workload_spec *ws = &c->sh->workloads[p->workload];
    k8s_hpa_pod hp = {.request_milli = ws->pod.containers[0].requests.v[K8S_CPU]};
    if (p->phase != K8S_POD_RUNNING) {
        hp.unready = 1;
        return hp;
    }
    if (!c->node[p->node].ready)
        return hp;
    k8s_pod_metric m = k8s_pod_metric_at(&c->wl[p->workload].usage_hist, c->metric_resolution_ns, sim_now(ctx),
                                         p->running_ns);
    if (!m.has)
        return hp;
    hp.has_metric = 1;
    hp.usage_milli = m.usage_m;
    int64_t start_ns = p->running_ns - c->sh->pod_start_ns; /* status.startTime: the kubelet took the pod */
    hp.unready = k8s_hpa_cpu_unready(&ws->hpa_cfg, sim_now(ctx), start_ns, 1,
                                     p->running_ns + POD_READY_AFTER_START_NS, m.ts_ns, m.window_ns);
    *window_usage_m = m.usage_m;
    return hp;
}

static void hpa_sync(sim_ctx *ctx, k8s_control *c, uint32_t w)
{
    const k8s_workload_spec *ws = &c->sh->workloads[w];
    k8s_workload_state *st = &c->wl[w];
    apply_load_steps(ctx, c, w);
    push_workload_usage(ctx, c, w, st->running); /* a load step or serving change since the last sample */
    uint32_t n = 0;
    int64_t usage = 0; /* per-pod CPU in the last metrics window, for the log */
    k8s_hpa_pod *pods = malloc((size_t)(st->active > 0 ? st->active : 1) * sizeof *pods);
    if (!pods)
        abort();
    for (uint32_t id = 0; id < c->n_pods && n < (uint32_t)st->active; id++) {
        const k8s_rpod *p = &c->pods[id];
        if (p->workload != w || p->phase == K8S_POD_DELETED || p->phase == K8S_POD_SUCCEEDED)
            continue;
        pods[n++] = hpa_pod(ctx, c, p, &usage);
    }
    int32_t current = st->replicas;
    int32_t desired = k8s_hpa_sync(&st->hpa, sim_now(ctx), current, pods, n);
    free(pods);
    if (desired != current) {
        st->replicas = desired;
        klog(ctx, c, c->log_hpa, w, current, desired, (double)usage);
        reconcile(ctx, c, w);
    }
    self_event(ctx, c->sh->kind_hpa, ws->hpa_cfg.sync_period_ns, w, 0, 0);
}

/* --- Cluster Autoscaler ------------------------------------------------- */

static void ca_scan(sim_ctx *ctx, k8s_control *c)
{
    sim_time_ns now = sim_now(ctx);
    const k8s_profile *prof = &c->cfg.profiles[0];
    uint32_t n_groups = (uint32_t)c->n_ca_groups;
    /* group sizes: joined or provisioning nodes */
    int provisioning = 0;
    for (uint32_t g = 0; g < n_groups; g++)
        c->ca_groups[g].target_size = 0;
    for (uint32_t n = 0; n < c->sh->n_nodes; n++) {
        int32_t g = c->node_ca_group[n];
        if (g >= 0 && (c->node[n].joined || c->node_provisioning[n]))
            c->ca_groups[g].target_size++;
        provisioning |= c->node_provisioning[n];
    }
    /* scale-up for pods that failed a cycle, unless nodes are on the way */
    const k8s_pod_spec **pending = NULL;
    uint32_t n_pending = 0;
    if (!provisioning) {
        pending = malloc((size_t)(c->n_pods ? c->n_pods : 1) * sizeof *pending);
        if (!pending)
            abort();
        for (uint32_t id = 0; id < c->n_pods; id++) {
            const k8s_rpod *p = &c->pods[id];
            if (p->phase == K8S_POD_PENDING && k8s_queue_where(&c->q, p->qhandle) == K8S_Q_UNSCHEDULABLE)
                pending[n_pending++] = &c->sh->workloads[p->workload].pod;
        }
    }
    if (n_pending > 0) {
        k8s_ca_scale_up up;
        k8s_ca_scale_up_decide(&c->ca_cfg, prof, c->ca_groups, n_groups, pending, n_pending,
                               sim_rng(ctx, K8S_STREAM), &up);
        int32_t added = 0;
        for (uint32_t n = 0; up.group >= 0 && n < c->sh->n_nodes && added < up.new_nodes; n++) {
            if (c->node_ca_group[n] != up.group || c->node[n].joined || c->node_provisioning[n])
                continue;
            c->node_provisioning[n] = 1;
            added++;
            self_event(ctx, c->sh->kind_node_timer, c->ca_cfg.node_provisioning_ns, n, 0, K8S_TIMER_JOIN);
        }
        if (added > 0) {
            c->ca_state.last_scale_up_ns = now;
            klog(ctx, c, c->log_ca_up, up.group, added, (int64_t)up.pods_helped, 0.0);
        }
    }
    free(pending);
    uint32_t *del = malloc((size_t)(c->snap.n_nodes ? c->snap.n_nodes : 1) * sizeof *del);
    if (!del)
        abort();
    k8s_pdbs_refresh(c); /* scale-down keeps pods whose PDB allows no disruption */
    uint32_t n_del = k8s_ca_scale_down(&c->ca_state, &c->ca_cfg, prof, &c->snap, c->node_ca_group, c->ca_groups,
                                       now, del);
    for (uint32_t k = 0; k < n_del; k++) {
        uint32_t n = del[k];
        c->node[n].joined = 0;
        set_schedulable(c, n);
        klog(ctx, c, c->log_ca_down, n, c->node_ca_group[n], 0, 0.0);
        if (c->sh->nodes[n].vm >= 0 && c->node[n].host >= 0) { /* the group's VM is powered off */
            int64_t vm_id = c->sh->nodes[n].vm;
            sim_send(ctx, c->env->first_host_lp + (uint32_t)c->node[n].host, c->sh->api_latency_ns,
                     c->env->kind_vm_stop, &vm_id, sizeof vm_id);
        }
        for (uint32_t id = 0; id < c->n_pods; id++) {
            k8s_rpod *p = &c->pods[id];
            if (p->node == (int32_t)n && (p->phase == K8S_POD_BOUND || p->phase == K8S_POD_RUNNING)) {
                uint32_t w = p->workload;
                delete_pod(ctx, c, id);
                reconcile(ctx, c, w);
            }
        }
    }
    free(del);
    kick(ctx, c);
    self_event(ctx, c->sh->kind_ca, c->ca_cfg.scan_interval_ns, 0, 0, 0);
}

/* --- series ------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank quantile of the sorted latencies. */
static double quantile(const int64_t *v, uint32_t n, double q)
{
    uint32_t rank = (uint32_t)ceil(q * (double)n);
    return (double)v[rank > 0 ? rank - 1 : 0];
}

/* The per-pod CPU usage of each workload with serving pods, sent to the
 * hosts holding its pods when it changed (load step, more or fewer
 * serving pods): the kubelets add it to their nodes' demand. */
static void push_workload_usage(sim_ctx *ctx, k8s_control *c, uint32_t w, int32_t serving)
{
    const k8s_shared *sh = c->sh;
    if (serving <= 0)
        return; /* no pod uses anything: the last value stands for the next ones */
    int64_t usage = pod_usage_m(c, w, serving);
    if (usage == c->wl[w].pushed_usage_m)
        return;
    c->wl[w].pushed_usage_m = usage;
    if (!c->host_mark && !(c->host_mark = calloc(sh->n_hosts ? sh->n_hosts : 1, sizeof *c->host_mark)))
        abort(); /* out of memory inside a handler */
    uint32_t round = ++c->usage_round;
    k8s_usage_msg m = {.workload = w, .usage_m = usage, .at_ns = sim_now(ctx)};
    for (uint32_t id = 0; id < c->n_pods; id++) {
        const k8s_rpod *p = &c->pods[id];
        if (p->workload != w || (p->phase != K8S_POD_BOUND && p->phase != K8S_POD_RUNNING))
            continue;
        int32_t on_host = c->node[p->node].host;
        if (on_host < 0 || c->host_mark[on_host] == round)
            continue;
        c->host_mark[on_host] = round;
        sim_send(ctx, c->env->first_host_lp + (uint32_t)on_host, sh->api_latency_ns, sh->kind_usage, &m, sizeof m);
    }
}

static void push_usage(sim_ctx *ctx, k8s_control *c, const int32_t *serving)
{
    for (uint32_t w = 0; w < c->sh->n_workloads; w++)
        push_workload_usage(ctx, c, w, serving[w]);
}

static void sample(sim_ctx *ctx, k8s_control *c)
{
    const model_env *env = c->env;
    recorder *rec = env->rec;
    sim_time_ns now = sim_now(ctx);
    const k8s_shared *sh = c->sh;
    for (uint32_t w = 0; w < sh->n_workloads; w++)
        apply_load_steps(ctx, c, w);
    /* serving pods per workload */
    int32_t *serving = calloc(sh->n_workloads ? sh->n_workloads : 1, sizeof *serving);
    if (!serving)
        abort();
    for (uint32_t w = 0; w < sh->n_workloads; w++)
        serving[w] = c->wl[w].running;
    push_usage(ctx, c, serving);
    if (rec) {
        uint32_t pending = k8s_queue_count(&c->q, K8S_Q_ACTIVE) + k8s_queue_count(&c->q, K8S_Q_BACKOFF) +
                           k8s_queue_count(&c->q, K8S_Q_UNSCHEDULABLE);
        rec_series_put(rec, c->s_pending, now, 0, (double)pending);
        if (c->n_lat > 0) {
            qsort(c->lat_ns, c->n_lat, sizeof *c->lat_ns, cmp_i64);
            rec_series_put(rec, c->s_p50, now, 0, quantile(c->lat_ns, c->n_lat, 0.5));
            rec_series_put(rec, c->s_p99, now, 0, quantile(c->lat_ns, c->n_lat, 0.99));
        }
        rec_series_put(rec, c->s_evictions, now, 0, (double)c->evictions);
        rec_series_put(rec, c->s_preemptions, now, 0, (double)c->preemptions);
        /* CPU used per node */
        for (uint32_t n = 0; n < sh->n_nodes; n++)
            c->node[n].cpu_used_m = c->node[n].memory_used_bytes = 0;
        for (uint32_t id = 0; id < c->n_pods; id++) {
            const k8s_rpod *p = &c->pods[id];
            if (!pod_serving(c, p))
                continue;
            c->node[p->node].cpu_used_m += pod_usage_m(c, p->workload, serving[p->workload]);
            c->node[p->node].memory_used_bytes += sh->workloads[p->workload].memory_usage_bytes;
        }
        for (uint32_t w = 0; w < sh->n_workloads; w++) {
            int32_t replicas = sh->workloads[w].kind == K8S_DEPLOYMENT ? c->wl[w].replicas : c->wl[w].active;
            rec_series_put(rec, c->s_replicas, now, (int)w, (double)replicas);
            rec_series_put(rec, c->s_ready_replicas, now, (int)w, (double)serving[w]);
        }
        for (uint32_t n = 0; n < sh->n_nodes; n++) {
            const k8s_node *kn = &c->snap.nodes[n];
            rec_series_put(rec, c->s_node_cpu_req, now, (int)n, (double)kn->requested.v[K8S_CPU]);
            rec_series_put(rec, c->s_node_cpu_used, now, (int)n, (double)c->node[n].cpu_used_m);
            rec_series_put(rec, c->s_node_mem_req, now, (int)n, (double)kn->requested.v[K8S_MEMORY] / 1048576.0);
            rec_series_put(rec, c->s_node_mem_used, now, (int)n, (double)c->node[n].memory_used_bytes / 1048576.0);
            rec_series_put(rec, c->s_node_pods, now, (int)n, (double)kn->n_pods);
            rec_series_put(rec, c->s_node_ready, now, (int)n, c->node[n].ready && c->node[n].joined ? 1.0 : 0.0);
        }
    }
    free(serving);
    c->n_lat = 0;
    c->evictions = c->preemptions = 0;
    self_event(ctx, sh->kind_sample, env->sample_period_ns, 0, 0, 0);
}

/* --- handler ------------------------------------------------------------ */

void k8s_control_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    k8s_control *c = state;
    const k8s_shared *sh = c->sh;
    const int64_t *p = ev->payload.i64;
    if (ev->kind == sh->kind_cycle) {
        cycle(ctx, c);
    } else if (ev->kind == sh->kind_pod_status) {
        const k8s_pod_status_msg *m = (const k8s_pod_status_msg *)ev->payload.bytes;
        pod_status(ctx, c, m->pod, m->epoch, m->status);
    } else if (ev->kind == sh->kind_node_status) {
        const k8s_node_status_msg *m = (const k8s_node_status_msg *)ev->payload.bytes;
        node_status(ctx, c, m->node, m->status, m->host, m->at_ns);
    } else if (ev->kind == sh->kind_node_timer) {
        node_timer(ctx, c, (int32_t)p[0], (uint32_t)p[1], (int)p[2]);
    } else if (ev->kind == sh->kind_tick) {
        k8s_queue_flush(&c->q, sim_now(ctx));
        kick(ctx, c);
        self_event(ctx, sh->kind_tick, 1000000000, 0, 0, 0);
    } else if (ev->kind == sh->kind_sample) {
        sample(ctx, c);
    } else if (ev->kind == sh->kind_hpa) {
        hpa_sync(ctx, c, (uint32_t)p[0]);
    } else if (ev->kind == sh->kind_ca) {
        ca_scan(ctx, c);
    } else if (ev->kind == sh->kind_workload) {
        uint32_t w = (uint32_t)p[0];
        c->wl[w].created = 1;
        apply_load_steps(ctx, c, w);
        reconcile(ctx, c, w);
        if (sh->workloads[w].hpa)
            self_event(ctx, sh->kind_hpa, sh->workloads[w].hpa_cfg.sync_period_ns, w, 0, 0);
    }
}
