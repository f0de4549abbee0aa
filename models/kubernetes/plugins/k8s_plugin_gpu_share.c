/* k8s_plugin_gpu_share.c - GpuShare: the Filter that sees GPUs as devices
 * (the artifact's Open-Gpu-Share filter; docs/kubernetes-gpu.md).
 *
 * A pod asking for GPUs passes a node only if the node's GPUs are of a
 * model its gpu_spec allows and enough of them have its milli-GPU left
 * (k8s_gpu_fits). Nodes of a snapshot without devices pass (GPUs pooled). */
#include "models/kubernetes/k8s_gpu.h"
#include "models/kubernetes/plugins/k8s_plugins.h"

static k8s_code gpu_share_filter(k8s_cycle *c, uint32_t node)
{
    if (c->snap->gpu == NULL)
        return K8S_SUCCESS;
    k8s_gpu_request r = k8s_gpu_request_of(c->pod);
    if (r.num_gpu == 0)
        return K8S_SUCCESS;
    const k8s_gpu_node *g = k8s_gpu_node_of(c->snap, node);
    if (g == NULL || !k8s_gpu_spec_allows(r.spec, g->model) || g->n_gpu < (uint32_t)r.num_gpu)
        return K8S_UNSCHEDULABLE_UNRESOLVABLE; /* no GPU, wrong model, too few GPUs */
    return k8s_gpu_fits(g, &r) ? K8S_SUCCESS : K8S_UNSCHEDULABLE;
}

const k8s_plugin k8s_plugin_gpu_share = {
    .name = "GpuShare",
    .filter = gpu_share_filter,
    .doc = "Filter: a GPU pod fits a node only if enough of its GPUs (of an allowed model) have the pod's "
           "milli-GPU left (GPUs as devices, docs/kubernetes-gpu.md).",
};
