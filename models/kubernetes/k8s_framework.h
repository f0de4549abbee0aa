/* k8s_framework.h - the kube-scheduler framework over a k8s_snapshot.
 *
 * Contract:
 *  - A plugin is a named table of optional callbacks at the framework's
 *    extension points: PreFilter (+ AddPod/RemovePod extensions), Filter,
 *    PreScore, Score, NormalizeScore, Reserve, Bind. PostFilter is the
 *    profile's DefaultPreemption (models/kubernetes/k8s_preemption.c).
 *  - A profile (KubeSchedulerConfiguration profile) lists enabled plugins in
 *    order with score weights, NodeResourcesFit's scoring strategy and
 *    percentageOfNodesToScore. k8s_profile_default() is the default profile of
 *    pkg/scheduler/apis/config/v1/default_plugins.go.
 *  - k8s_schedule_pod() is one scheduling cycle (schedule_one.go:
 *    schedulePod): PreFilter, Filter over a rotating window until
 *    numFeasibleNodesToFind feasible nodes are found, PreScore, Score,
 *    NormalizeScore, sum of weight x score, selectHost with ties broken
 *    uniformly by reservoir sampling on the caller's gsl_rng. When no node is
 *    feasible and preemption is enabled it runs PostFilter and returns the
 *    nominated node and victims. It does not bind: k8s_bind() runs Reserve
 *    and Bind (DefaultBinder = add the pod to the snapshot).
 *  - Deterministic: the only randomness is the rng argument; the only state
 *    carried between cycles is the scheduler's next start index.
 *  - The nodes are the snapshot's nodes in the cluster (k8s_snapshot.live):
 *    every extension point sees those only.
 *  - Scores are int64 with MaxNodeScore = 100 and the source's integer
 *    arithmetic (truncating division) reproduced exactly.
 */
#ifndef VDCSIM_MODELS_K8S_FRAMEWORK_H
#define VDCSIM_MODELS_K8S_FRAMEWORK_H

#include "models/kubernetes/k8s_objects.h"
#include "models/policies/policy_args.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

#define K8S_MAX_NODE_SCORE 100
#define K8S_MAX_PLUGINS 24
#define K8S_MAX_SHAPE 10
#define K8S_MAX_TOPO_KEYS 8

typedef enum {
    K8S_SUCCESS,
    K8S_UNSCHEDULABLE,              /* preemption might help */
    K8S_UNSCHEDULABLE_UNRESOLVABLE, /* preemption cannot help */
    K8S_SKIP,                       /* PreFilter/PreScore: plugin has nothing to do */
    K8S_ERROR
} k8s_code;

typedef struct k8s_cycle k8s_cycle;

typedef struct k8s_plugin {
    const char *name;
    k8s_code (*pre_filter)(k8s_cycle *c);
    /* PreFilterExtensions: a pod was added to / removed from the snapshot
     * after PreFilter (preemption dry runs); keep the PreFilter state right. */
    void (*pre_filter_add_pod)(k8s_cycle *c, uint32_t slot);
    void (*pre_filter_remove_pod)(k8s_cycle *c, uint32_t slot);
    k8s_code (*filter)(k8s_cycle *c, uint32_t node);
    k8s_code (*pre_score)(k8s_cycle *c, const uint32_t *nodes, uint32_t n);
    int64_t (*score)(k8s_cycle *c, uint32_t node);
    void (*normalize_score)(k8s_cycle *c, const uint32_t *nodes, int64_t *scores, uint32_t n);
    k8s_code (*reserve)(k8s_cycle *c, uint32_t node);
    void (*unreserve)(k8s_cycle *c, uint32_t node);
    /* Its documentation and the arguments it takes from the scenario
     * (kubernetes.scheduler.profiles.[].plugins.[].args; the rules of
     * include/vdcsim/policy.h); the struct reaches it as k8s_cycle_args(). */
    const char *doc;
    const vdcsim_arg *args;
    uint32_t n_args;
    size_t args_size;
} k8s_plugin;

/* kubernetes.scheduler.profiles.[].scoring_strategy.type, in order */
typedef enum { K8S_LEAST_ALLOCATED, K8S_MOST_ALLOCATED, K8S_REQUESTED_TO_CAPACITY_RATIO } k8s_scoring_type;

typedef struct k8s_shape_point {
    int64_t utilization; /* 0..100 */
    int64_t score;       /* 0..10 (MaxCustomPriorityScore), scaled x10 internally */
} k8s_shape_point;

/* NodeResourcesFitArgs.scoringStrategy */
typedef struct k8s_fit_args {
    k8s_scoring_type type;
    int64_t weight[K8S_NRES]; /* resources listed with their weights; 0 = not listed */
    uint32_t n_shape;
    k8s_shape_point shape[K8S_MAX_SHAPE];
} k8s_fit_args;

/* Per-pod scheduling cost, so an LP can model scheduler throughput:
 * cost = base + filter_per_node_plugin x (nodes filtered x filter plugins)
 *             + score_per_node_plugin x (nodes scored x score plugins)
 *             + preempt_per_node x nodes dry-run for preemption. */
typedef struct k8s_cost_params {
    int64_t base_ns;
    int64_t filter_per_node_plugin_ns;
    int64_t score_per_node_plugin_ns;
    int64_t preempt_per_node_ns;
} k8s_cost_params;

typedef struct k8s_plugin_config {
    const k8s_plugin *plugin;
    int32_t weight;   /* score weight; ignored for plugins without Score */
    const void *args; /* plugin-specific arguments, owned by the caller; NULL: scenario_args */
    int has_scenario_args;    /* scenario_args holds the arguments read from the scenario */
    policy_args scenario_args;
} k8s_plugin_config;

/* Kubernetes minor versions whose scheduler formulas the library can
 * follow where they differ; the newest is the default (docs/kubernetes.md,
 * "Versions"). */
#define K8S_VERSION_1_35 35 /* and earlier back to the formulas documented */
#define K8S_VERSION_1_36 36 /* BalancedAllocation scores the change of balance (PR 135573) */
#define K8S_VERSION_NEWEST K8S_VERSION_1_36

typedef struct k8s_profile {
    char scheduler_name[K8S_STR];
    int32_t version;                      /* Kubernetes minor version modelled (K8S_VERSION_*) */
    uint32_t n_plugins;
    k8s_plugin_config plugins[K8S_MAX_PLUGINS];
    int32_t percentage_of_nodes_to_score; /* 0 = adaptive */
    k8s_fit_args fit;
    int64_t balanced_weight[K8S_NRES];    /* NodeResourcesBalancedAllocationArgs.resources */
    int32_t hard_pod_affinity_weight;     /* InterPodAffinityArgs, default 1 */
    int preemption;                       /* DefaultPreemption enabled */
    int32_t min_candidate_nodes_percentage; /* DefaultPreemptionArgs, 10 */
    int32_t min_candidate_nodes_absolute;   /* 100 */
    k8s_cost_params cost;
    /* NULL: score ties broken uniformly (upstream selectHost). Else a rank
     * per node and the tied node of lowest rank wins: the FGD artifact's
     * selectHost, which takes the smallest node name, the names prefixed
     * with a random permutation (docs/kubernetes-gpu.md). */
    const uint32_t *tie_rank;
} k8s_profile;

typedef struct k8s_topo_map {
    char key[K8S_STR];
    int32_t *domain; /* per node; -1 if the node lacks the label */
    uint32_t n_domains;
} k8s_topo_map;

/* CycleState: what one scheduling cycle knows. Plugins read it and keep
 * their own state in state[index] (allocated with k8s_cycle_alloc). */
struct k8s_cycle {
    k8s_snapshot *snap;
    const k8s_pod_spec *pod;
    const k8s_profile *profile;
    uint32_t self;                    /* index of the running plugin in profile->plugins */
    void *state[K8S_MAX_PLUGINS];
    k8s_resources pod_requests;       /* k8s_pod_requests(pod) */
    k8s_resources pod_nonzero;        /* k8s_pod_nonzero_requests(pod) */
    const uint32_t *feasible;         /* set before PreScore */
    uint32_t n_feasible;
    uint32_t n_topo;
    k8s_topo_map topo[K8S_MAX_TOPO_KEYS];
    struct k8s_arena_block *arena;
};

/* ---- cycle helpers for plugins ---- */
void *k8s_cycle_alloc(k8s_cycle *c, size_t bytes); /* zeroed; freed with the cycle */
/* The running plugin's state slot and args. */
void **k8s_cycle_state(k8s_cycle *c);
const void *k8s_cycle_args(const k8s_cycle *c);
/* Node -> domain id for a topology key, built once per cycle. */
const k8s_topo_map *k8s_cycle_topology(k8s_cycle *c, const char *key);
void k8s_cycle_init(k8s_cycle *c, k8s_snapshot *snap, const k8s_profile *prof, const k8s_pod_spec *pod);
void k8s_cycle_free(k8s_cycle *c);

/* ---- registry ---- */
/* Every plugin known by name: the defaults and the research plugins listed in
 * models/kubernetes/plugins/k8s_registry.c (one line per plugin). NULL if unknown. */
const k8s_plugin *k8s_plugin_lookup(const char *name);
uint32_t k8s_plugin_count(void);
const k8s_plugin *k8s_plugin_at(uint32_t i);
/* Its name, doc and arguments as a policy registry describes them. */
vdcsim_policy_info k8s_plugin_info(const k8s_plugin *p);

/* ---- profiles ---- */
void k8s_profile_empty(k8s_profile *p);   /* no plugins; other defaults as the default profile */
void k8s_profile_default(k8s_profile *p); /* default_plugins.go + defaults.go */
/* Appends (or re-weights) plugin name; -1 unknown name, -2 profile full. */
int k8s_profile_enable(k8s_profile *p, const char *name, int32_t weight, const void *args);
/* Removes a plugin; -1 if not enabled. */
int k8s_profile_disable(k8s_profile *p, const char *name);
int32_t k8s_profile_find(const k8s_profile *p, const char *name);

/* ---- scheduling ---- */
/* The state one kube-scheduler keeps between cycles. One per scheduler,
 * shared by all its profiles, as Scheduler.nextStartNodeIndex is
 * (pkg/scheduler/scheduler.go). */
typedef struct k8s_scheduler {
    uint32_t next_start_node_index; /* rotates across cycles, over the nodes in the cluster */
} k8s_scheduler;

typedef struct k8s_schedule_result {
    k8s_code code;                 /* SUCCESS: node chosen */
    int32_t node;                  /* chosen node, -1 if none */
    int64_t total_score;           /* of the chosen node */
    uint32_t evaluated_nodes;      /* filtered (feasible + failed) */
    uint32_t feasible_nodes;
    uint32_t scored_nodes;
    const char *failed_plugin;     /* first plugin rejecting the pod, for logs */
    int64_t cost_ns;               /* modelled scheduling latency */
    /* PostFilter (preemption) outcome when code != SUCCESS: */
    int32_t nominated_node;        /* -1 if preemption found nothing */
    uint32_t n_victims;
    uint32_t *victims;             /* pod slots to evict, most important first */
    uint32_t pdb_violations;
} k8s_schedule_result;

/* numFeasibleNodesToFind (schedule_one.go). */
uint32_t k8s_num_feasible_nodes_to_find(int32_t percentage_of_nodes_to_score, uint32_t n_nodes);

/* One scheduling cycle for pod on snap. rng breaks score ties and picks the
 * preemption offset. Free the result with k8s_schedule_result_free. */
void k8s_schedule_pod(k8s_scheduler *sched, const k8s_profile *prof, k8s_snapshot *snap,
                      const k8s_pod_spec *pod, gsl_rng *rng, k8s_schedule_result *out);
void k8s_schedule_result_free(k8s_schedule_result *r);

/* Reserve + Bind: adds the pod to the snapshot on node; returns its slot, or
 * -1 if a Reserve plugin refused (Unreserve has then run). */
int32_t k8s_bind(const k8s_profile *prof, k8s_snapshot *snap, const k8s_pod_spec *pod, uint32_t node,
                 int64_t now_ns);

/* Runs PreFilter of every plugin (filling c->state); returns the first
 * non-success, non-skip code, or SUCCESS. */
k8s_code k8s_run_pre_filter(k8s_cycle *c, const char **failed_plugin);
/* Runs every Filter on one node, stopping at the first failure. */
k8s_code k8s_run_filters(k8s_cycle *c, uint32_t node, const char **failed_plugin);
/* Detach/attach a pod and tell PreFilter extensions (preemption). */
void k8s_cycle_remove_pod(k8s_cycle *c, uint32_t slot);
void k8s_cycle_add_pod(k8s_cycle *c, uint32_t slot, int32_t node);
/* 1 if pod passes all filters on node of snap (autoscaler simulations). */
int k8s_pod_fits(const k8s_profile *prof, k8s_snapshot *snap, const k8s_pod_spec *pod, uint32_t node);

/* helper.DefaultNormalizeScore (helper/normalize_score.go). */
void k8s_default_normalize_score(int64_t max_priority, int reverse, int64_t *scores, uint32_t n);

#endif
