/* vdcsim/k8s.h - kube-scheduler plugins: Filter and Score extension points
 * over stable views of the node and the pod. Part of the public plug-in
 * interface (docs/policies.md; the framework is docs/kubernetes.md and
 * docs/k8s-plugins.md).
 *
 * A plug-in's plugin runs inside the scheduling framework like a default
 * plugin: enabled by name in a profile (kubernetes.scheduler.profiles.[].
 * plugins), Filter for every node examined, Score for every feasible node,
 * then the normalization it asks for, then weight x score is summed over
 * the profile's plugins. Scores after normalization must lie in 0..100
 * (MaxNodeScore) or the cycle fails as kube-scheduler's would.
 *
 * Units: CPU in millicores, memory and ephemeral storage in bytes, GPU in
 * milli-GPU. Contract (determinism): pure functions of their call: no
 * global or static mutable state, no random numbers, no clock, no I/O.
 */
#ifndef VDCSIM_K8S_H
#define VDCSIM_K8S_H

#include "vdcsim/policy.h"

enum { VDCSIM_K8S_CPU = 0, VDCSIM_K8S_MEMORY = 1, VDCSIM_K8S_EPHEMERAL = 2, VDCSIM_K8S_GPU = 3, VDCSIM_K8S_NRES = 4 };

typedef enum {
    VDCSIM_K8S_FITS = 0,                   /* the node passes */
    VDCSIM_K8S_UNSCHEDULABLE = 1,          /* refused; preemption might help */
    VDCSIM_K8S_UNSCHEDULABLE_UNRESOLVABLE = 2 /* refused; preemption cannot help */
} vdcsim_k8s_filter_result;

typedef enum {
    VDCSIM_K8S_NORMALIZE_NONE = 0,    /* scores are already 0..100 */
    VDCSIM_K8S_NORMALIZE_MAX = 1,     /* DefaultNormalizeScore: score x 100 / max score */
    VDCSIM_K8S_NORMALIZE_REVERSE = 2  /* DefaultNormalizeScore reversed: 100 - that (lowest raw score wins) */
} vdcsim_k8s_normalize;

typedef struct vdcsim_k8s_node {
    uint32_t index;              /* node index in the snapshot */
    const char *name;
    int64_t allocatable[VDCSIM_K8S_NRES];
    int64_t requested[VDCSIM_K8S_NRES];   /* sum of the requests of its pods */
    int64_t nonzero_milli_cpu;   /* the same with 100m / 200MiB for containers that request nothing */
    int64_t nonzero_memory;
    int32_t n_pods;
    int32_t max_pods;
    int unschedulable;           /* cordoned */
} vdcsim_k8s_node;

typedef struct vdcsim_k8s_pod {
    const char *name;            /* its workload's name */
    const char *namespace_;
    const char *owner;           /* owning ReplicaSet or Job; "" none */
    int32_t priority;
    int64_t requests[VDCSIM_K8S_NRES];    /* effective requests (containers, init containers, overhead) */
    int64_t nonzero[VDCSIM_K8S_NRES];     /* the same with the 100m / 200MiB defaults */
} vdcsim_k8s_pod;

typedef struct vdcsim_k8s_call {
    const void *args;            /* the plugin's arguments struct */
    const vdcsim_k8s_pod *pod;
    const vdcsim_k8s_node *node;
    /* A label of the node or of the pod, NULL when absent; the hostname
     * label kubernetes.io/hostname defaults to the node name. */
    const char *(*node_label)(const struct vdcsim_k8s_call *call, const char *key);
    const char *(*pod_label)(const struct vdcsim_k8s_call *call, const char *key);
    const void *opaque;          /* vdcsim's own: do not touch */
    const void *opaque_pod;
} vdcsim_k8s_call;

typedef struct vdcsim_k8s_plugin {
    vdcsim_policy_info info;     /* info.name is the plugin name in profiles */
    int (*filter)(const vdcsim_k8s_call *call);      /* optional: vdcsim_k8s_filter_result */
    int64_t (*score)(const vdcsim_k8s_call *call);   /* optional: a raw score of a feasible node */
    vdcsim_k8s_normalize normalize;                  /* what to do with the raw scores */
} vdcsim_k8s_plugin;

#endif
