/* k8s_kubelet.c - the kubelet half of the Kubernetes control plane, inside
 * each host LP (see k8s_scheduler_lp.h): it runs the pods the scheduler
 * binds to the nodes this host holds (the host itself, or VMs running on
 * it), tells the scheduler LP when they run or finish, and when a node
 * appears (host up, VM node running here) or vanishes (host down, VM node
 * failed or gone). It reads only its own host's state. */
#include <stdlib.h>

#include "models/host.h"
#include "models/k8s_scheduler_lp.h"
#include "models/model_env.h"
#include "models/vm.h"

static void to_scheduler(sim_ctx *ctx, const k8s_shared *sh, uint32_t kind, int64_t a, int64_t b, int64_t c,
                         int64_t d)
{
    int64_t p[4] = {a, b, c, d};
    sim_send(ctx, sh->lp, sh->api_latency_ns, kind, p, sizeof p);
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

static int32_t find_pod(const k8s_kubelet *kb, uint32_t pod, uint32_t epoch)
{
    for (uint32_t i = 0; i < kb->n_pods; i++)
        if (kb->pods[i].pod == pod && kb->pods[i].epoch == epoch)
            return (int32_t)i;
    return -1;
}

static void drop_pod(k8s_kubelet *kb, uint32_t i)
{
    kb->pods[i] = kb->pods[--kb->n_pods]; /* order is irrelevant: lookups are by id */
}

static int node_here(const k8s_kubelet *kb, int32_t node)
{
    for (uint32_t i = 0; i < kb->n_nodes; i++)
        if (kb->nodes[i] == node)
            return 1;
    return 0;
}

/* A node left this host: its pods stop (their API objects live on in the
 * scheduler LP until the node controller evicts them). */
static void node_gone(sim_ctx *ctx, const k8s_shared *sh, k8s_kubelet *kb, host *h, int32_t node)
{
    for (uint32_t i = 0; i < kb->n_pods;)
        if (kb->pods[i].node == node)
            drop_pod(kb, i);
        else
            i++;
    to_scheduler(ctx, sh, sh->kind_node_status, node, K8S_NS_LOST, h->index, sim_now(ctx));
}

int k8s_kubelet_handle(sim_ctx *ctx, host *h, const sim_event *ev)
{
    const model_env *env = h->env;
    if (!env->k8s)
        return 0;
    const k8s_shared *sh = &env->k8s->sh;
    k8s_kubelet *kb = h->kubelet;
    const int64_t *p = ev->payload.i64;
    if (ev->kind == sh->kind_bind) {
        uint32_t pod = (uint32_t)p[0], epoch = (uint32_t)p[1], wl = (uint32_t)p[3];
        int32_t node = (int32_t)p[2];
        int here = sh->nodes[node].host >= 0 ? (kb->host_node_up && sh->nodes[node].host == (int32_t)h->index)
                                             : node_here(kb, node);
        if (!here) {
            to_scheduler(ctx, sh, sh->kind_pod_status, pod, epoch, K8S_PS_REJECTED, 0);
            return 1;
        }
        if (grow((void **)&kb->pods, &kb->cap_pods, kb->n_pods + 1, sizeof *kb->pods) != 0)
            abort(); /* out of memory inside a handler */
        kb->pods[kb->n_pods++] = (k8s_kpod){.pod = pod, .epoch = epoch, .node = node, .workload = wl};
        int64_t self[3] = {pod, epoch, K8S_KPOD_RUNNING};
        sim_send(ctx, sim_self(ctx), sh->pod_start_ns, sh->kind_kpod, self, sizeof self);
        return 1;
    }
    if (ev->kind == sh->kind_kill) {
        int32_t i = find_pod(kb, (uint32_t)p[0], (uint32_t)p[1]);
        if (i >= 0)
            drop_pod(kb, (uint32_t)i);
        return 1;
    }
    if (ev->kind == sh->kind_kpod) {
        int32_t i = find_pod(kb, (uint32_t)p[0], (uint32_t)p[1]);
        if (i < 0)
            return 1; /* killed, or its node went away, since */
        k8s_kpod *kp = &kb->pods[i];
        if (p[2] == K8S_KPOD_RUNNING && !kp->running) {
            kp->running = 1;
            to_scheduler(ctx, sh, sh->kind_pod_status, kp->pod, kp->epoch, K8S_PS_RUNNING, 0);
            const k8s_workload_spec *ws = &sh->workloads[kp->workload];
            if (ws->kind == K8S_JOB) {
                int64_t done[3] = {kp->pod, kp->epoch, K8S_KPOD_DONE};
                sim_send(ctx, sim_self(ctx), ws->run_ns, sh->kind_kpod, done, sizeof done);
            }
        } else if (p[2] == K8S_KPOD_DONE) {
            to_scheduler(ctx, sh, sh->kind_pod_status, kp->pod, kp->epoch, K8S_PS_SUCCEEDED, 0);
            drop_pod(kb, (uint32_t)i);
        }
        return 1;
    }
    return 0;
}

static int vm_running_here(const host *h, uint32_t vm_id)
{
    for (uint32_t i = 0; i < h->n_vms; i++)
        if (h->vm_ids[i] == vm_id)
            return h->env->vms[vm_id].state == VM_RUNNING;
    return 0;
}

void k8s_kubelet_after(sim_ctx *ctx, host *h, const sim_event *ev)
{
    const model_env *env = h->env;
    if (!env->k8s)
        return;
    const k8s_shared *sh = &env->k8s->sh;
    if (ev->kind == env->kind_host_sample || ev->kind == sh->kind_bind || ev->kind == sh->kind_kill ||
        ev->kind == sh->kind_kpod)
        return; /* these never change which nodes the host holds */
    k8s_kubelet *kb = h->kubelet;
    int32_t own = sh->node_of_host[h->index];
    if (own >= 0) {
        int up = h->state == HOST_UP;
        if (up != kb->host_node_up) {
            kb->host_node_up = up;
            if (up)
                to_scheduler(ctx, sh, sh->kind_node_status, own, K8S_NS_READY, h->index, sim_now(ctx));
            else
                node_gone(ctx, sh, kb, h, own);
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
        node_gone(ctx, sh, kb, h, node);
    }
    /* VM nodes that started running here, in start order */
    for (uint32_t i = 0; i < h->n_vms; i++) {
        uint32_t v = h->vm_ids[i];
        int32_t node = sh->node_of_vm[v];
        if (node < 0 || env->vms[v].state != VM_RUNNING || node_here(kb, node))
            continue;
        if (grow((void **)&kb->nodes, &kb->cap_nodes, kb->n_nodes + 1, sizeof *kb->nodes) != 0)
            abort();
        kb->nodes[kb->n_nodes++] = node;
        to_scheduler(ctx, sh, sh->kind_node_status, node, K8S_NS_READY, h->index, sim_now(ctx));
    }
}
