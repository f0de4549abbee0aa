/* k8s_metrics.h - the resource metrics pipeline the HPA reads (the kubelet's
 * cumulative CPU counters, scraped by metrics-server), reduced to what the
 * replica calculator sees: per pod, a CPU usage averaged over a window and
 * the window's end (timestamp) and length.
 *
 * Sources (kubernetes-sigs/metrics-server):
 *   pkg/storage/pod.go  podStorage.Store / GetMetrics: the usage is the
 *       cumulative CPU's increase between the last two scrapes over their
 *       interval; a container started less than metric-resolution and at
 *       least freshContainerMinMetricsResolution (10 s) before a scrape is
 *       given the window from its start; one started later has no metric yet.
 *   manifests/base/deployment.yaml  --metric-resolution=15s (the binary's
 *       own default is 60 s).
 *   The HPA reads the value as a milli-quantity (resource.Quantity
 *   MilliValue rounds up).
 *
 * Model ([M] where marked): scrapes at every multiple of the resolution from
 * time 0 [M: the phase of metrics-server's scrape loop]; the kubelet's
 * counters are read at the scrape instant [M: cAdvisor's housekeeping delay
 * is left out]. All serving pods of a workload use the same CPU at a time
 * (the offered load shared equally), so one history of that per-pod usage
 * per workload gives every pod's window average.
 *
 * Pure functions over plain data: no clock, no randomness.
 */
#ifndef VDCSIM_MODELS_K8S_METRICS_H
#define VDCSIM_MODELS_K8S_METRICS_H

#include <stdint.h>

#define K8S_METRIC_RESOLUTION_NS (15LL * 1000000000)     /* --metric-resolution of the official manifest */
#define K8S_FRESH_CONTAINER_MIN_NS (10LL * 1000000000)   /* freshContainerMinMetricsResolution */

/* A step function of time: from t_ns[i] on, the per-pod usage is usage_m[i]
 * (millicores). Times never decrease. */
typedef struct k8s_usage_history {
    int64_t *t_ns, *usage_m;
    uint32_t n, cap;
} k8s_usage_history;

void k8s_usage_history_free(k8s_usage_history *h);
/* From t_ns on the usage is usage_m (t_ns not before the last change; a
 * change at the same instant replaces it). Steps that ended before
 * forget_before_ns are dropped (keep the one in force then). */
void k8s_usage_history_note(k8s_usage_history *h, int64_t t_ns, int64_t usage_m, int64_t forget_before_ns);
/* Mean usage over [from_ns, to_ns) in millicores, rounded up (MilliValue);
 * 0 for an empty interval or before the first change. */
int64_t k8s_usage_history_mean_m(const k8s_usage_history *h, int64_t from_ns, int64_t to_ns);

/* What the metrics API holds for one pod. */
typedef struct k8s_pod_metric {
    int has;           /* 0: no metric yet (the HPA counts the pod as missing) */
    int64_t ts_ns;     /* the window's end: the last scrape */
    int64_t window_ns; /* its length */
    int64_t usage_m;   /* mean CPU over the window (millicores) */
} k8s_pod_metric;

/* The latest scrape at or before now_ns is ts = floor(now / resolution) x
 * resolution. A pod whose container started at start_ns has a metric if
 * ts - start >= 10 s; its window is [ts - resolution, ts], or [start, ts]
 * when ts - start < resolution (a fresh container). */
k8s_pod_metric k8s_pod_metric_at(const k8s_usage_history *h, int64_t resolution_ns, int64_t now_ns,
                                 int64_t start_ns);

#endif
