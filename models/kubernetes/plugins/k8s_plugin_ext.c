/* k8s_plugin_ext.c - a plug-in's kube-scheduler plugin (include/vdcsim/k8s.h)
 * run by the framework like a built-in one: an adapter table whose Filter,
 * Score and NormalizeScore build the plug-in's stable views of the node and
 * the pod and call it (see k8s_plugins.h). */
#include <stdlib.h>
#include <string.h>

#include "models/kubernetes/plugins/k8s_plugins.h"
#include "vdcsim/k8s.h"

_Static_assert((int)K8S_NRES == (int)VDCSIM_K8S_NRES && (int)K8S_GPU == (int)VDCSIM_K8S_GPU,
               "the public resource order is the framework's");

/* The framework's table first, so a k8s_plugin * is the adapter. */
typedef struct ext_adapter {
    k8s_plugin base;
    const vdcsim_k8s_plugin *ext;
} ext_adapter;

typedef struct ext_views {
    vdcsim_k8s_call call;
    vdcsim_k8s_node node;
    vdcsim_k8s_pod pod;
} ext_views;

static const char *node_label(const vdcsim_k8s_call *call, const char *key)
{
    const k8s_node *n = call->opaque;
    const char *v = k8s_labels_get(&n->labels, key);
    if (v == NULL && strcmp(key, "kubernetes.io/hostname") == 0)
        v = n->name;
    return v;
}

static const char *pod_label(const vdcsim_k8s_call *call, const char *key)
{
    const k8s_pod_spec *p = call->opaque_pod;
    return k8s_labels_get(&p->labels, key);
}

static const vdcsim_k8s_plugin *ext_of(const k8s_cycle *c)
{
    return ((const ext_adapter *)c->profile->plugins[c->self].plugin)->ext;
}

static void fill_views(k8s_cycle *c, uint32_t node, ext_views *v)
{
    const k8s_node *n = &c->snap->nodes[node];
    memset(v, 0, sizeof *v);
    v->node.index = node;
    v->node.name = n->name;
    memcpy(v->node.allocatable, n->allocatable.v, sizeof v->node.allocatable);
    memcpy(v->node.requested, n->requested.v, sizeof v->node.requested);
    v->node.nonzero_milli_cpu = n->nonzero_milli_cpu;
    v->node.nonzero_memory = n->nonzero_memory;
    v->node.n_pods = n->n_pods;
    v->node.max_pods = n->max_pods;
    v->node.unschedulable = n->unschedulable;
    v->pod.name = c->pod->name;
    v->pod.namespace_ = c->pod->namespace_;
    v->pod.owner = c->pod->owner;
    v->pod.priority = c->pod->priority;
    memcpy(v->pod.requests, c->pod_requests.v, sizeof v->pod.requests);
    memcpy(v->pod.nonzero, c->pod_nonzero.v, sizeof v->pod.nonzero);
    v->call = (vdcsim_k8s_call){.args = k8s_cycle_args(c),
                                .pod = &v->pod,
                                .node = &v->node,
                                .node_label = node_label,
                                .pod_label = pod_label,
                                .opaque = n,
                                .opaque_pod = c->pod};
}

static k8s_code ext_filter(k8s_cycle *c, uint32_t node)
{
    ext_views v;
    fill_views(c, node, &v);
    switch (ext_of(c)->filter(&v.call)) {
    case VDCSIM_K8S_FITS: return K8S_SUCCESS;
    case VDCSIM_K8S_UNSCHEDULABLE: return K8S_UNSCHEDULABLE;
    default: return K8S_UNSCHEDULABLE_UNRESOLVABLE;
    }
}

static int64_t ext_score(k8s_cycle *c, uint32_t node)
{
    ext_views v;
    fill_views(c, node, &v);
    return ext_of(c)->score(&v.call);
}

static void ext_normalize(k8s_cycle *c, const uint32_t *nodes, int64_t *scores, uint32_t n)
{
    (void)nodes;
    vdcsim_k8s_normalize how = ext_of(c)->normalize;
    if (how == VDCSIM_K8S_NORMALIZE_MAX || how == VDCSIM_K8S_NORMALIZE_REVERSE)
        k8s_default_normalize_score(K8S_MAX_NODE_SCORE, how == VDCSIM_K8S_NORMALIZE_REVERSE, scores, n);
}

const k8s_plugin *k8s_plugin_wrap(const vdcsim_k8s_plugin *ext)
{
    ext_adapter *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->ext = ext;
    a->base = (k8s_plugin){.name = ext->info.name,
                           .filter = ext->filter ? ext_filter : NULL,
                           .score = ext->score ? ext_score : NULL,
                           .normalize_score = ext->score ? ext_normalize : NULL,
                           .doc = ext->info.doc,
                           .args = ext->info.args,
                           .n_args = ext->info.n_args,
                           .args_size = ext->info.args_size};
    return &a->base;
}
