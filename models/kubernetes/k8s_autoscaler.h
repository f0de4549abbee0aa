/* k8s_autoscaler.h - Cluster Autoscaler decisions: scale-up for unschedulable
 * pods and scale-down of under-used nodes, as pure functions over a
 * k8s_snapshot.
 *
 * Sources (kubernetes/autoscaler, cluster-autoscaler/):
 *   FAQ.md "What are the parameters to CA?" (flag defaults)
 *   estimator/binpacking_estimator.go   Estimate: first fit over new template nodes
 *   expander/waste/waste.go             least-waste: (cpu + memory) idle fraction
 *   expander/mostpods, expander/random
 *   simulator/utilization/info.go       Calculate: max(cpu, memory) requests / allocatable
 *   core/scaledown (planner, unneeded)  unneeded for scale-down-unneeded-time, pods must fit elsewhere
 *
 * Fit checks reuse the scheduler profile's filters (the CA runs the scheduler's
 * predicates). The caller models node provisioning: a scale-up of k nodes
 * becomes k Ready nodes after cfg.node_provisioning_ns.
 */
#ifndef VDCSIM_MODELS_K8S_AUTOSCALER_H
#define VDCSIM_MODELS_K8S_AUTOSCALER_H

#include "models/kubernetes/k8s_framework.h"

typedef enum { K8S_EXPANDER_RANDOM, K8S_EXPANDER_LEAST_WASTE, K8S_EXPANDER_MOST_PODS } k8s_expander;

typedef struct k8s_ca_config {
    int64_t scan_interval_ns;                  /* 10 s */
    double scale_down_utilization_threshold;   /* 0.5 */
    int64_t scale_down_unneeded_ns;            /* 10 min */
    int64_t scale_down_delay_after_add_ns;     /* 10 min */
    int64_t scale_down_delay_after_delete_ns;  /* = scan interval */
    int64_t scale_down_delay_after_failure_ns; /* 3 min */
    int64_t max_node_provision_ns;             /* 15 min */
    int64_t node_provisioning_ns;              /* modelled cloud boot-to-Ready time, not a CA flag */
    int32_t max_empty_bulk_delete;             /* 10 */
    k8s_expander expander;                     /* random */
} k8s_ca_config;

typedef struct k8s_node_group {
    char name[K8S_STR];
    k8s_node template_node;
    int32_t min_size, max_size;
    int32_t target_size;
} k8s_node_group;

typedef struct k8s_ca_scale_up {
    int32_t group;       /* -1: nothing to do */
    int32_t new_nodes;
    uint32_t pods_helped;
} k8s_ca_scale_up;

typedef struct k8s_ca_state {
    int64_t *unneeded_since; /* per node; -1 = needed */
    uint32_t n_nodes;
    int64_t last_scale_up_ns, last_delete_ns, last_failure_ns;
} k8s_ca_state;

void k8s_ca_config_default(k8s_ca_config *c);

/* Binpacking estimate: how many template nodes of group g the pods need
 * (first fit, pods in decreasing cpu/alloc + mem/alloc order), capped at
 * max_new. helped[i] is set for pods that fit. */
int32_t k8s_ca_estimate(const k8s_profile *prof, const k8s_node_group *g, const k8s_pod_spec *const *pods, uint32_t n,
                        int32_t max_new, uint8_t *helped);

/* One scale-up decision for the pending pods: every group below max_size is
 * an option, the expander picks one (ties uniformly on rng). */
void k8s_ca_scale_up_decide(const k8s_ca_config *cfg, const k8s_profile *prof, const k8s_node_group *groups,
                            uint32_t n_groups, const k8s_pod_spec *const *pods, uint32_t n_pods, gsl_rng *rng,
                            k8s_ca_scale_up *out);

/* simulator/utilization: max(cpu, memory) requested / allocatable (GPU only on GPU nodes). */
double k8s_ca_node_utilization(const k8s_node *n);

void k8s_ca_state_init(k8s_ca_state *s);
void k8s_ca_state_free(k8s_ca_state *s);
/* A scan's scale-down step at now: refreshes the unneeded set and returns how
 * many nodes to delete (written to to_delete, at most snap->n_nodes).
 * node_group[i] is node i's group index (-1: not autoscaled); groups' target
 * sizes bound deletions by min_size. The snapshot is left unchanged. */
uint32_t k8s_ca_scale_down(k8s_ca_state *st, const k8s_ca_config *cfg, const k8s_profile *prof, k8s_snapshot *snap,
                           const int32_t *node_group, const k8s_node_group *groups, int64_t now_ns,
                           uint32_t *to_delete);

#endif
