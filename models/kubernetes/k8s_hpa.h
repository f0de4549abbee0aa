/* k8s_hpa.h - the HorizontalPodAutoscaler's decisions for one resource metric
 * (CPU utilisation of requests), as pure functions and a small state struct.
 *
 * Sources (kubernetes/kubernetes):
 *   pkg/controller/podautoscaler/replica_calculator.go  GetResourceReplicas, groupPods
 *   pkg/controller/podautoscaler/metrics/utilization.go GetResourceUtilizationRatio
 *   pkg/controller/podautoscaler/horizontal.go  reconcileAutoscaler,
 *       normalizeDesiredReplicas(+WithBehaviors), stabilizeRecommendation(+WithBehaviors),
 *       convertDesiredReplicasWithBehaviorRate, calculateScaleUpLimitWithScalingRules,
 *       calculateScaleDownLimitWithBehaviors, convertDesiredReplicasWithRules
 *   pkg/controller/podautoscaler/config/v1alpha1/defaults.go  controller defaults
 *   pkg/apis/autoscaling/v2/defaults.go  GenerateHPAScaleUpRules / ScaleDownRules
 *
 * Contract: the caller runs k8s_hpa_sync every sync period (15 s) with the
 * current replica count and the pods' metrics; it returns the replica count to
 * set. Time is simulated ns; no clock or randomness is read.
 */
#ifndef VDCSIM_MODELS_K8S_HPA_H
#define VDCSIM_MODELS_K8S_HPA_H

#include <stdint.h>

#define K8S_HPA_MAX_POLICIES 4

typedef enum { K8S_HPA_PODS, K8S_HPA_PERCENT } k8s_hpa_policy_type;
typedef enum { K8S_HPA_SELECT_MAX, K8S_HPA_SELECT_MIN, K8S_HPA_SELECT_DISABLED } k8s_hpa_select;

typedef struct k8s_hpa_policy {
    k8s_hpa_policy_type type;
    int32_t value;
    int32_t period_s;
} k8s_hpa_policy;

typedef struct k8s_hpa_rules {
    int32_t stabilization_window_s;
    k8s_hpa_select select;
    uint32_t n_policies;
    k8s_hpa_policy policies[K8S_HPA_MAX_POLICIES];
} k8s_hpa_rules;

typedef struct k8s_hpa_config {
    int32_t min_replicas;              /* default 1 */
    int32_t max_replicas;
    int32_t target_utilization;        /* percent of requests */
    double tolerance;                  /* 0.1 */
    int64_t sync_period_ns;            /* 15 s */
    int64_t downscale_stabilization_ns; /* 300 s */
    int64_t cpu_initialization_ns;     /* 300 s */
    int64_t initial_readiness_delay_ns; /* 30 s */
    int use_behavior;                  /* 1: spec.behavior (defaulted rules); 0: legacy path */
    k8s_hpa_rules scale_up, scale_down;
} k8s_hpa_config;

/* One pod as the replica calculator sees it. Deleted and failed pods are
 * left out by the caller (groupPods ignores them). */
typedef struct k8s_hpa_pod {
    int64_t request_milli; /* CPU request (sum of containers) */
    int64_t usage_milli;   /* from the metrics API */
    int has_metric;        /* 0: missing pod */
    int unready;           /* k8s_hpa_cpu_unready() or the caller's readiness */
} k8s_hpa_pod;

typedef struct k8s_hpa_sample {
    int64_t t_ns;
    int32_t value; /* recommendation, or replica change for events */
} k8s_hpa_sample;

typedef struct k8s_hpa {
    k8s_hpa_config cfg;
    k8s_hpa_sample *recs, *up_events, *down_events;
    uint32_t n_recs, n_up, n_down, cap_recs, cap_up, cap_down;
} k8s_hpa;

/* Controller defaults with spec.behavior defaulted:
 * scaleUp {window 0, Max, Pods 4/15 s, Percent 100/15 s},
 * scaleDown {window = 300 s, Max, Percent 100/15 s}. */
void k8s_hpa_config_default(k8s_hpa_config *c, int32_t min_replicas, int32_t max_replicas, int32_t target_pct);
void k8s_hpa_init(k8s_hpa *h, const k8s_hpa_config *c);
void k8s_hpa_free(k8s_hpa *h);

/* groupPods' CPU readiness rule: within cpuInitializationPeriod after start a
 * pod is unready if not Ready or if its metric window began before it turned
 * Ready; afterwards only if not Ready and it never was Ready past the initial
 * readiness delay. */
int k8s_hpa_cpu_unready(const k8s_hpa_config *c, int64_t now_ns, int64_t start_ns, int ready,
                        int64_t ready_transition_ns, int64_t metric_ts_ns, int64_t metric_window_ns);

/* GetResourceReplicas: replicas the metric asks for, or -1 if there is no
 * usable metric. *utilization gets the current utilisation percent. */
int32_t k8s_hpa_replicas_for_cpu(const k8s_hpa_config *c, int32_t current, const k8s_hpa_pod *pods, uint32_t n,
                                 int32_t *utilization);

/* reconcileAutoscaler's normalisation: stabilisation window(s) and rate
 * limits applied to metric_desired; records the recommendation and, when the
 * count changes, the scale event. Returns the replica count to set. A
 * metric_desired of -1 (no metric) keeps the current count. */
int32_t k8s_hpa_normalize(k8s_hpa *h, int64_t now_ns, int32_t current, int32_t metric_desired);

/* Both steps: one sync. */
int32_t k8s_hpa_sync(k8s_hpa *h, int64_t now_ns, int32_t current, const k8s_hpa_pod *pods, uint32_t n);

#endif
