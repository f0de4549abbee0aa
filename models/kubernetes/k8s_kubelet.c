/* k8s_kubelet.c - the kubelet half of the Kubernetes control plane, inside
 * each host LP (see k8s_scheduler_lp.h): it runs the pods the scheduler
 * binds to the nodes this host holds (the host itself, or VMs running on
 * it), tells the scheduler LP when they run or finish, and when a node
 * appears (host up, VM node running here) or vanishes (host down, VM node
 * failed or gone). It reads only its own host's state. */
#include <stdlib.h>

#include "models/core/host.h"
#include "models/host/host_contention.h"
#include "models/kubernetes/k8s_scheduler_lp.h"
#include "models/core/model_env.h"
#include "models/services/service.h"
#include "models/core/vm.h"

static void pod_status_to_scheduler(sim_ctx *ctx, const k8s_shared *sh, uint32_t pod, uint32_t epoch, int status)
{
    k8s_pod_status_msg m = {.pod = pod, .epoch = epoch, .status = status};
    sim_send(ctx, sh->lp, sh->api_latency_ns, sh->kind_pod_status, &m, sizeof m);
}

static void node_status_to_scheduler(sim_ctx *ctx, const k8s_shared *sh, int32_t node, int status, uint32_t host_index)
{
    k8s_node_status_msg m = {.node = node, .status = status, .host = (int32_t)host_index, .at_ns = sim_now(ctx)};
    sim_send(ctx, sh->lp, sh->api_latency_ns, sh->kind_node_status, &m, sizeof m);
}

static int grow(void **arr, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    uint32_t c = *cap ? 2 * *cap : 8;
    while (c < need)
        c *= 2;
    void *p = realloc(*arr, (size_t)c * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

/* Keeps the newest per-pod usage the scheduler LP decided for workload w. */
static void set_usage(const k8s_shared *sh, k8s_kubelet *kb, uint32_t w, int64_t usage_m, int64_t at_ns)
{
    if (!kb->usage_m) {
        kb->usage_m = malloc(sh->n_workloads * sizeof *kb->usage_m);
        kb->usage_at_ns = malloc(sh->n_workloads * sizeof *kb->usage_at_ns);
        if (!kb->usage_m || !kb->usage_at_ns)
            abort(); /* out of memory inside a handler */
        for (uint32_t k = 0; k < sh->n_workloads; k++) {
            kb->usage_m[k] = sh->workloads[k].cpu_usage_m;
            kb->usage_at_ns[k] = -1;
        }
    }
    if (at_ns >= kb->usage_at_ns[w]) {
        kb->usage_m[w] = usage_m;
        kb->usage_at_ns[w] = at_ns;
    }
}

static int32_t find_pod(const k8s_kubelet *kb, uint32_t pod, uint32_t epoch)
{
    for (uint32_t i = 0; i < kb->n_pods; i++)
        if (kb->pods[i].pod == pod && kb->pods[i].epoch == epoch)
            return (int32_t)i;
    return -1;
}

/* The pod stops here: a service replica it held goes with it. */
static void drop_pod(sim_ctx *ctx, const k8s_world *w, k8s_kubelet *kb, uint32_t i)
{
    if (kb->pods[i].running)
        services_report_pod(ctx, w->services, kb->pods[i].workload, kb->pods[i].pod, kb->pods[i].epoch, 0.0, 0);
    kb->pods[i] = kb->pods[--kb->n_pods]; /* order is irrelevant: lookups are by id */
}

static int node_here(const k8s_kubelet *kb, int32_t node)
{
    for (uint32_t i = 0; i < kb->n_nodes; i++)
        if (kb->nodes[i] == node)
            return 1;
    return 0;
}

/* The node runs on this host now (started or arrived here), and no longer
 * counts as moved away. */
static void node_settle_here(k8s_kubelet *kb, int32_t node)
{
    if (!node_here(kb, node)) {
        if (grow((void **)&kb->nodes, &kb->cap_nodes, kb->n_nodes + 1, sizeof *kb->nodes) != 0)
            abort(); /* out of memory inside a handler */
        kb->nodes[kb->n_nodes++] = node;
    }
    if (kb->moved_to)
        kb->moved_to[node] = -1;
}

/* A node left this host: its pods stop (their API objects live on in the
 * scheduler LP until the node controller evicts them). */
static void node_gone(sim_ctx *ctx, const k8s_world *w, k8s_kubelet *kb, host *h, int32_t node)
{
    const k8s_shared *sh = &w->sh;
    for (uint32_t i = 0; i < kb->n_pods;)
        if (kb->pods[i].node == node)
            drop_pod(ctx, w, kb, i);
        else
            i++;
    node_status_to_scheduler(ctx, sh, node, K8S_NS_LOST, h->index);
}

static void kubelet_adopt(sim_ctx *ctx, const k8s_world *w, k8s_kubelet *kb, const k8s_pod_transfer_msg *m);

static int kubelet_handle(sim_ctx *ctx, host *h, const host_feature *f, const sim_event *ev)
{
    const model_env *env = h->env;
    const k8s_world *w = f->world;
    const k8s_shared *sh = &w->sh;
    k8s_kubelet *kb = host_ext(h, f);
    if (ev->kind == sh->kind_pod_transfer) {
        kubelet_adopt(ctx, w, kb, (const k8s_pod_transfer_msg *)ev->payload.bytes);
        return 1;
    }
    if (ev->kind == sh->kind_bind) {
        const k8s_bind_msg *m = (const k8s_bind_msg *)ev->payload.bytes;
        uint32_t pod = m->pod, epoch = m->epoch, wl = m->workload;
        int32_t node = m->node;
        int here = sh->nodes[node].host >= 0 ? (kb->host_node_up && sh->nodes[node].host == (int32_t)h->index)
                                             : node_here(kb, node);
        if (!here && kb->moved_to && kb->moved_to[node] >= 0) { /* sent before the scheduler heard of a vMotion */
            sim_send(ctx, env->first_host_lp + (uint32_t)kb->moved_to[node], env->control_latency_ns, sh->kind_bind,
                     m, sizeof *m);
            return 1;
        }
        set_usage(sh, kb, wl, m->usage_m, m->usage_at_ns);
        if (!here) {
            pod_status_to_scheduler(ctx, sh, pod, epoch, K8S_PS_REJECTED);
            return 1;
        }
        if (grow((void **)&kb->pods, &kb->cap_pods, kb->n_pods + 1, sizeof *kb->pods) != 0)
            abort(); /* out of memory inside a handler */
        kb->pods[kb->n_pods++] =
            (k8s_kpod){.pod = pod, .epoch = epoch, .node = node, .workload = wl, .due_ns = sim_now(ctx) + sh->pod_start_ns};
        int64_t self[3] = {pod, epoch, K8S_KPOD_RUNNING};
        sim_send(ctx, sim_self(ctx), sh->pod_start_ns, sh->kind_kpod, self, sizeof self);
        return 1;
    }
    if (ev->kind == sh->kind_usage) {
        const k8s_usage_msg *m = (const k8s_usage_msg *)ev->payload.bytes;
        set_usage(sh, kb, m->workload, m->usage_m, m->at_ns);
        return 1;
    }
    if (ev->kind == sh->kind_kill) {
        const k8s_kill_msg *m = (const k8s_kill_msg *)ev->payload.bytes;
        int32_t i = find_pod(kb, m->pod, m->epoch);
        int32_t node = m->node;
        if (i >= 0)
            drop_pod(ctx, w, kb, (uint32_t)i);
        else if (kb->moved_to && node >= 0 && kb->moved_to[node] >= 0) /* its node was vMotioned away */
            sim_send(ctx, env->first_host_lp + (uint32_t)kb->moved_to[node], env->control_latency_ns, sh->kind_kill,
                     m, sizeof *m);
        return 1;
    }
    if (ev->kind == sh->kind_kpod) { /* this host's own timers */
        const int64_t *p = ev->payload.i64;
        int32_t i = find_pod(kb, (uint32_t)p[0], (uint32_t)p[1]);
        if (i < 0)
            return 1; /* killed, or its node went away, since */
        k8s_kpod *kp = &kb->pods[i];
        if (p[2] == K8S_KPOD_RUNNING && !kp->running) {
            kp->running = 1;
            pod_status_to_scheduler(ctx, sh, kp->pod, kp->epoch, K8S_PS_RUNNING);
            const k8s_workload_spec *ws = &sh->workloads[kp->workload];
            if (ws->kind == K8S_JOB) {
                int64_t done[3] = {kp->pod, kp->epoch, K8S_KPOD_DONE};
                kp->due_ns = sim_now(ctx) + ws->run_ns;
                sim_send(ctx, sim_self(ctx), ws->run_ns, sh->kind_kpod, done, sizeof done);
            }
        } else if (p[2] == K8S_KPOD_DONE) {
            pod_status_to_scheduler(ctx, sh, kp->pod, kp->epoch, K8S_PS_SUCCEEDED);
            drop_pod(ctx, w, kb, (uint32_t)i);
        }
        return 1;
    }
    return 0;
}

static int vm_running_here(const host *h, uint32_t vm_id)
{
    for (uint32_t i = 0; i < h->n_vms; i++)
        if (h->vm_ids[i] == vm_id) /* paused for a vMotion's stop-copy: still the node's */
            return model_vm(h->env, vm_id)->state == VM_RUNNING || model_vm(h->env, vm_id)->state == VM_MIGRATING;
    return 0;
}

/* After any event: reports nodes that appeared or vanished on the host. */
static void kubelet_after(sim_ctx *ctx, host *h, const host_feature *f, const sim_event *ev)
{
    const model_env *env = h->env;
    const k8s_world *w = f->world;
    const k8s_shared *sh = &w->sh;
    if (ev->kind == env->kind_host_sample || ev->kind == sh->kind_bind || ev->kind == sh->kind_kill ||
        ev->kind == sh->kind_kpod || ev->kind == sh->kind_usage)
        return; /* these never change which nodes the host holds */
    k8s_kubelet *kb = host_ext(h, f);
    int32_t own = sh->node_of_host[h->index];
    if (own >= 0) {
        int up = h->state == HOST_UP;
        if (up != kb->host_node_up) {
            kb->host_node_up = up;
            if (up)
                node_status_to_scheduler(ctx, sh, own, K8S_NS_READY, h->index);
            else
                node_gone(ctx, w, kb, h, own);
        }
    }
    /* VM nodes that stopped running here */
    for (uint32_t i = 0; i < kb->n_nodes;) {
        int32_t node = kb->nodes[i];
        if (vm_running_here(h, (uint32_t)sh->nodes[node].vm)) {
            i++;
            continue;
        }
        kb->nodes[i] = kb->nodes[--kb->n_nodes];
        node_gone(ctx, w, kb, h, node);
    }
    /* VM nodes that started running here, in start order */
    for (uint32_t i = 0; i < h->n_vms; i++) {
        uint32_t v = h->vm_ids[i];
        int32_t node = sh->node_of_vm[v];
        if (node < 0 || model_vm(env, v)->state != VM_RUNNING || node_here(kb, node))
            continue;
        node_settle_here(kb, node);
        node_status_to_scheduler(ctx, sh, node, K8S_NS_READY, h->index);
    }
}

static int remove_node(k8s_kubelet *kb, int32_t node)
{
    for (uint32_t i = 0; i < kb->n_nodes; i++)
        if (kb->nodes[i] == node) {
            kb->nodes[i] = kb->nodes[--kb->n_nodes];
            return 1;
        }
    return 0;
}

/* vMotion, on the source at the handover: the VM node leaves this kubelet
 * without being reported lost; each of its pods goes to the destination in
 * a k8s.pod_transfer event (sent after the VM's arrive event, so it comes
 * after it); binds and kills for the node that still reach this host are
 * forwarded there. */
static void kubelet_vm_leaving(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id, uint32_t dst)
{
    const model_env *env = h->env;
    const k8s_shared *sh = &((const k8s_world *)f->world)->sh;
    k8s_kubelet *kb = host_ext(h, f);
    int32_t node = sh->node_of_vm[vm_id];
    if (node < 0 || !remove_node(kb, node))
        return;
    if (!kb->moved_to) {
        kb->moved_to = malloc(sh->n_nodes * sizeof *kb->moved_to);
        if (!kb->moved_to)
            abort(); /* out of memory inside a handler */
        for (uint32_t n = 0; n < sh->n_nodes; n++)
            kb->moved_to[n] = -1;
    }
    kb->moved_to[node] = (int32_t)dst;
    for (uint32_t i = 0; i < kb->n_pods;) {
        const k8s_kpod *kp = &kb->pods[i];
        if (kp->node != node) {
            i++;
            continue;
        }
        int64_t usage = kb->usage_m ? kb->usage_m[kp->workload] : sh->workloads[kp->workload].cpu_usage_m;
        int64_t at = kb->usage_m ? kb->usage_at_ns[kp->workload] : -1;
        k8s_pod_transfer_msg m = {.pod = kp->pod,
                                  .epoch = kp->epoch,
                                  .node = node,
                                  .workload = kp->workload,
                                  .running = kp->running != 0,
                                  .due_ns = kp->due_ns,
                                  .usage_m = usage,
                                  .usage_at_ns = at};
        sim_send(ctx, env->first_host_lp + dst, env->control_latency_ns, sh->kind_pod_transfer, &m, sizeof m);
        kb->pods[i] = kb->pods[--kb->n_pods]; /* handed on: its replica reports from the destination */
    }
}

/* vMotion, on the destination when the VM arrives: arrived (running here):
 * the node is this kubelet's and the scheduler LP is told its new host
 * (K8S_NS_MOVED: no NotReady, no rebinding); not arrived (the destination
 * was down): the node is lost. */
static void kubelet_vm_arrival(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id, int arrived)
{
    const k8s_shared *sh = &((const k8s_world *)f->world)->sh;
    k8s_kubelet *kb = host_ext(h, f);
    int32_t node = sh->node_of_vm[vm_id];
    if (node < 0)
        return;
    if (!arrived) { /* it failed on the way in: gone like any failed node */
        node_status_to_scheduler(ctx, sh, node, K8S_NS_LOST, h->index);
        return;
    }
    node_settle_here(kb, node);
    node_status_to_scheduler(ctx, sh, node, K8S_NS_MOVED, h->index);
}

/* On the destination: a pod of an arrived VM node keeps running, or its
 * start / Job completion stays due at due_ns. */
static void kubelet_adopt(sim_ctx *ctx, const k8s_world *w, k8s_kubelet *kb, const k8s_pod_transfer_msg *m)
{
    const k8s_shared *sh = &w->sh;
    int32_t node = m->node;
    if (!node_here(kb, node))
        return; /* its VM did not arrive (the destination went down): lost with the node */
    if (grow((void **)&kb->pods, &kb->cap_pods, kb->n_pods + 1, sizeof *kb->pods) != 0)
        abort();
    k8s_kpod kp = {.pod = m->pod,
                   .epoch = m->epoch,
                   .node = node,
                   .workload = m->workload,
                   .running = m->running,
                   .due_ns = m->due_ns};
    set_usage(sh, kb, kp.workload, m->usage_m, m->usage_at_ns);
    kb->pods[kb->n_pods++] = kp;
    sim_time_ns now = sim_now(ctx);
    sim_time_ns delay = kp.due_ns > now ? kp.due_ns - now : 0;
    if (!kp.running) {
        int64_t self[3] = {kp.pod, kp.epoch, K8S_KPOD_RUNNING};
        sim_send(ctx, sim_self(ctx), delay, sh->kind_kpod, self, sizeof self);
    } else if (sh->workloads[kp.workload].kind == K8S_JOB) {
        int64_t done[3] = {kp.pod, kp.epoch, K8S_KPOD_DONE};
        sim_send(ctx, sim_self(ctx), delay, sh->kind_kpod, done, sizeof done);
    }
}

double k8s_pod_cpu_mhz(int64_t usage_m, int64_t limit_m, double core_mhz)
{
    int64_t m = limit_m > 0 && usage_m > limit_m ? limit_m : usage_m;
    return m > 0 ? (double)m * core_mhz / 1000.0 : 0.0;
}

/* Sum of the containers' CPU limits, or 0 if one has none (no cap). */
static int64_t pod_cpu_limit_m(const k8s_pod_spec *ps)
{
    int64_t sum = 0;
    for (uint32_t i = 0; i < ps->n_containers; i++) {
        if (ps->containers[i].limits.v[K8S_CPU] <= 0)
            return 0;
        sum += ps->containers[i].limits.v[K8S_CPU];
    }
    return sum;
}

static int64_t pod_cpu_request_m(const k8s_pod_spec *ps)
{
    int64_t sum = 0;
    for (uint32_t i = 0; i < ps->n_containers; i++)
        sum += ps->containers[i].requests.v[K8S_CPU];
    return sum;
}

/* The sample's demand of the kubelet pods that run on this host's nodes:
 * each running pod uses the CPU the scheduler LP last sent for its
 * workload, k8s_pod_cpu_mhz(usage, limit, core MHz), and its workload's
 * memory_usage. A VM node's pods add them to its VM's demand (CPU) and
 * active memory fraction; a host node's pods add them to the pods' claim
 * in the host's water-filling (with their CPU requests as shares). */
static void kubelet_add_demand(sim_ctx *ctx, host *h, const host_feature *f, host_sample_ctx *s)
{
    (void)ctx;
    const model_env *env = h->env;
    const k8s_kubelet *kb = host_ext(h, f);
    const k8s_shared *sh = &((const k8s_world *)f->world)->sh;
    host_vm_input *in = s->in;
    host_pod_load *host_node = &s->pods;
    double core_mhz = env->host_specs[h->index].cpu_mhz;
    for (uint32_t i = 0; i < kb->n_pods; i++) {
        const k8s_kpod *kp = &kb->pods[i];
        if (!kp->running)
            continue;
        const k8s_workload_spec *ws = &sh->workloads[kp->workload];
        int64_t usage = kb->usage_m ? kb->usage_m[kp->workload] : ws->cpu_usage_m;
        double cpu_mhz = k8s_pod_cpu_mhz(usage, pod_cpu_limit_m(&ws->pod), core_mhz);
        double mem_mib = (double)ws->memory_usage_bytes / 1048576.0;
        int32_t node_vm = sh->nodes[kp->node].vm;
        if (node_vm < 0) {
            if (!kb->host_node_up)
                continue;
            host_node->cpu_demand_mhz += cpu_mhz;
            host_node->cpu_shares += (double)pod_cpu_request_m(&ws->pod);
            host_node->memory_mib += mem_mib;
            continue;
        }
        for (uint32_t k = 0; k < h->n_vms; k++) {
            if (h->vm_ids[k] != (uint32_t)node_vm)
                continue;
            /* the VM's guest runs the pod: its CPU and memory are the VM's demand */
            double configured = (double)vm_spec_memory_mib(model_vm_spec(env, node_vm));
            double active = in[k].memory_active_fraction + (configured > 0.0 ? mem_mib / configured : 0.0);
            in[k].cpu_demand_mhz += cpu_mhz;
            in[k].memory_active_fraction = active < 1.0 ? active : 1.0;
            break;
        }
    }
}

/* After the contention step: reports each running pod to the service its
 * Deployment serves at the CPU it got over the CPU it wanted: its VM
 * node's cpu_speed_factor, or the host node's entitlement over demand. */
static void kubelet_after_sample(sim_ctx *ctx, host *h, const host_feature *f, const host_sample_ctx *s)
{
    const model_env *env = h->env;
    const k8s_kubelet *kb = host_ext(h, f);
    const k8s_world *w = f->world;
    const k8s_shared *sh = &w->sh;
    const host_pod_load *host_node = &s->pods;
    if (!w->services)
        return;
    double host_speed = host_node->cpu_demand_mhz > 0.0 ? host_node->cpu_entitlement_mhz / host_node->cpu_demand_mhz : 1.0;
    for (uint32_t i = 0; i < kb->n_pods; i++) {
        const k8s_kpod *kp = &kb->pods[i];
        if (!kp->running)
            continue;
        int32_t node_vm = sh->nodes[kp->node].vm;
        double speed = host_speed;
        if (node_vm >= 0)
            speed = model_vm(env, node_vm)->cpu_speed_factor;
        else if (!kb->host_node_up)
            continue;
        services_report_pod(ctx, w->services, kp->workload, kp->pod, kp->epoch, speed, 1);
    }
}

static void kubelet_vm_leaving_hook(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id, uint32_t dst_host)
{
    kubelet_vm_leaving(ctx, h, f, vm_id, dst_host);
}

static void kubelet_vm_arrived(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id, uint32_t src_host)
{
    (void)src_host;
    kubelet_vm_arrival(ctx, h, f, vm_id, 1);
}

static void kubelet_vm_arrival_failed(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id,
                                      uint32_t src_host)
{
    (void)src_host;
    kubelet_vm_arrival(ctx, h, f, vm_id, 0);
}

const host_hooks kubelet_host_hooks = {
    .name = "kubelet",
    .handle = kubelet_handle,
    .after_event = kubelet_after,
    .add_demand = kubelet_add_demand,
    .after_sample = kubelet_after_sample,
    .vm_leaving = kubelet_vm_leaving_hook,
    .vm_arrived = kubelet_vm_arrived,
    .vm_arrival_failed = kubelet_vm_arrival_failed,
};
