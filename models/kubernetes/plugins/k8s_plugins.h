/* k8s_plugins.h - the plugin tables: kube-scheduler's default plugins and the
 * research plugins. Each is defined in its own models/k8s_plugin*.c file and
 * listed once in models/kubernetes/plugins/k8s_registry.c. */
#ifndef VDCSIM_MODELS_K8S_PLUGINS_H
#define VDCSIM_MODELS_K8S_PLUGINS_H

#include "models/kubernetes/k8s_framework.h"

/* defaults (pkg/scheduler/framework/plugins/...) */
extern const k8s_plugin k8s_plugin_node_unschedulable;  /* nodeunschedulable */
extern const k8s_plugin k8s_plugin_node_name;           /* nodename */
extern const k8s_plugin k8s_plugin_taint_toleration;    /* tainttoleration */
extern const k8s_plugin k8s_plugin_node_affinity;       /* nodeaffinity */
extern const k8s_plugin k8s_plugin_image_locality;      /* imagelocality */
extern const k8s_plugin k8s_plugin_node_resources_fit;  /* noderesources/fit.go */
extern const k8s_plugin k8s_plugin_balanced_allocation; /* noderesources/balanced_allocation.go */
extern const k8s_plugin k8s_plugin_pod_topology_spread; /* podtopologyspread */
extern const k8s_plugin k8s_plugin_inter_pod_affinity;  /* interpodaffinity */

/* research plugins */
extern const k8s_plugin k8s_plugin_power_aware;         /* k8s_plugin_example.c */
/* GPUs as devices (k8s_gpu.h, docs/kubernetes-gpu.md) */
extern const k8s_plugin k8s_plugin_gpu_share;           /* k8s_plugin_gpu_share.c: the device Filter */
extern const k8s_plugin k8s_plugin_gpu_random;          /* k8s_plugin_gpu_policies.c: the six policies */
extern const k8s_plugin k8s_plugin_gpu_dot_product;
extern const k8s_plugin k8s_plugin_gpu_clustering;
extern const k8s_plugin k8s_plugin_gpu_packing;
extern const k8s_plugin k8s_plugin_gpu_best_fit;
extern const k8s_plugin k8s_plugin_gpu_fgd;
/* Their scores, for tests (k8s_plugin_gpu_policies.c). */
struct k8s_gpu_node;
struct k8s_gpu_request;
int64_t k8s_gpu_clustering_score(const k8s_snapshot *s, uint32_t node, const struct k8s_gpu_request *r);
int64_t k8s_gpu_packing_score(const struct k8s_gpu_node *g, const struct k8s_gpu_request *r);
int64_t k8s_gpu_dot_product_score(int64_t cpu_free_milli, int64_t cpu_req, int64_t gpu_free_milli, int64_t gpu_req);
int64_t k8s_gpu_best_fit_raw(int64_t cpu_free_milli, int64_t cpu_req, int64_t gpu_free_milli, int64_t gpu_req);
void k8s_gpu_min_max_normalize(int64_t *scores, uint32_t n);
int64_t k8s_gpu_fgd_score(const k8s_snapshot *s, uint32_t node, const struct k8s_gpu_request *r, int64_t cpu_req,
                          uint16_t *mask);
uint16_t k8s_gpu_choose_random(const struct k8s_gpu_node *g, const struct k8s_gpu_request *r, uint64_t draw);

/* A plug-in's plugin (include/vdcsim/k8s.h) as a framework table, kept
 * until the process exits (k8s_plugin_ext.c); NULL when out of memory. */
struct vdcsim_k8s_plugin;
const k8s_plugin *k8s_plugin_wrap(const struct vdcsim_k8s_plugin *ext);

/* Shared by the resource plugins and tests: per-resource scorers with the
 * source's integer arithmetic. */
int64_t k8s_least_requested_score(int64_t requested, int64_t capacity);
int64_t k8s_most_requested_score(int64_t requested, int64_t capacity);
int64_t k8s_broken_linear(const k8s_shape_point *shape, uint32_t n, int64_t p); /* scores already x10 */
/* NodeResourcesFit score of pod on node under args (LeastAllocated,
 * MostAllocated or RequestedToCapacityRatio). */
int64_t k8s_fit_score(const k8s_fit_args *args, const k8s_node *n, const k8s_resources *pod_nonzero,
                      const k8s_resources *pod_requests);
/* balancedResourceScorer over the listed resources, as Kubernetes `version`
 * (K8S_VERSION_*) computes it: up to 1.35 the balance with the pod,
 * int((1 - std) x 100); from 1.36 the change of balance the pod causes,
 * 50 + (50 + with - without) / 2 (PR 135573). */
int64_t k8s_balanced_score(int32_t version, const int64_t *weight, const k8s_node *n,
                           const k8s_resources *pod_requests);
/* ImageLocality: calculatePriority(sumImageScores). */
int64_t k8s_image_locality_score(const k8s_snapshot *s, const k8s_node *n, const k8s_pod_spec *pod);
/* 1 if target (a pod of namespace_) matches the selector in namespace ns. */
int k8s_pod_matches(const k8s_pod_spec *target, const char *ns, const k8s_selector *sel);

#endif
