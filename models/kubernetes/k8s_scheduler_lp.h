/* k8s_scheduler_lp.h - the Kubernetes control plane as LPs: the
 * kube-scheduler LP (with the Deployment, Job, node-lifecycle, HPA and
 * Cluster Autoscaler controllers it hosts) and the kubelet half that runs in
 * each host LP.
 *
 * The kube-scheduler LP owns the k8s_snapshot (its cache), the k8s_queue,
 * the pods' API objects and the controllers' state. Its random stream
 * K8S_STREAM breaks score ties, draws preemption offsets and the CA's random
 * expander. It never reads host or VM state: it learns what happens on nodes
 * from kubelet events, sent with the API latency (>= lookahead).
 *
 * Events (payload int64 words):
 *   to the scheduler LP
 *     k8s.workload  (self)  {workload}: a Deployment/Job is created
 *     k8s.cycle     (self)  one scheduling cycle; the next one follows after
 *                           the cycle's modelled cost (k8s_schedule_result.cost_ns)
 *     k8s.tick      (self)  every second: queue flush (backoff, leftovers)
 *     k8s.sample    (self)  every sample period: series
 *     k8s.hpa       (self)  {workload}: an HPA sync (every sync period)
 *     k8s.ca        (self)  a Cluster Autoscaler scan (every scan interval)
 *     k8s.node_timer(self)  {node, epoch, phase}: NotReady after the grace
 *                           period, eviction after the toleration, a
 *                           provisioned node joins
 *     k8s.pod_status (kubelet) {pod, epoch, status}
 *     k8s.node_status(kubelet) {node, status, host, since_ns}
 *   to a host LP (kubelet)
 *     k8s.bind      {pod, epoch, node, workload, usage_m, usage_at_ns}: run
 *                   the pod (after the API latency; the scheduler "assumed"
 *                   it at decision time); usage_m is the CPU one running pod
 *                   of the workload uses now (millicores), decided at usage_at_ns
 *     k8s.usage     {workload, usage_m, usage_at_ns}: that usage changed (the
 *                   scheduler's sample sends it to every host with a pod of
 *                   the workload; the kubelets keep the newest)
 *     k8s.kill      {pod, epoch, node}: stop it (eviction, preemption, scale-down)
 *     k8s.kpod      (self) {pod, epoch, what}: running / job pod finished
 *
 * Ownership: k8s_control is the scheduler LP's; k8s_kubelet[i] is host LP
 * i's; k8s_shared (node maps, workload specs) is read-only during the run.
 */
#ifndef VDCSIM_MODELS_K8S_SCHEDULER_LP_H
#define VDCSIM_MODELS_K8S_SCHEDULER_LP_H

#include <stdint.h>
#include <stdio.h>

#include "models/kubernetes/k8s_autoscaler.h"
#include "models/kubernetes/k8s_framework.h"
#include "models/kubernetes/k8s_hpa.h"
#include "models/kubernetes/k8s_metrics.h"
#include "models/kubernetes/k8s_profile_config.h"
#include "models/kubernetes/k8s_queue.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

enum { K8S_STREAM = 1 }; /* the scheduler LP's stream */

typedef enum { K8S_DEPLOYMENT, K8S_JOB } k8s_workload_kind;

/* Read-only description of one node: which host or VM it is. */
typedef struct k8s_node_map {
    int32_t host; /* host index of a host node, -1 for a VM node */
    int32_t vm;   /* VM index of a VM node, -1 for a host node */
    int32_t group; /* index into kubernetes.node_groups */
} k8s_node_map;

/* Read-only part of a workload (the template and the controller's spec). */
typedef struct k8s_workload_spec {
    k8s_workload_kind kind;
    char name[K8S_STR];
    k8s_pod_spec pod;     /* the template */
    uint32_t profile;     /* index of the scheduler profile (schedulerName) */
    int32_t replicas;     /* Deployment: initial spec.replicas */
    int32_t completions, parallelism; /* Job */
    int64_t start_ns;
    int64_t run_ns;       /* Job: running -> succeeded */
    int64_t cpu_usage_m;  /* per pod at the initial replica count (Deployment) or per pod (Job) */
    int64_t memory_usage_bytes; /* per running pod */
    uint32_t n_steps;
    int64_t *step_at_ns, *step_usage_m;
    int hpa;              /* HPA enabled */
    k8s_hpa_config hpa_cfg;
} k8s_workload_spec;

typedef struct k8s_shared {
    uint32_t n_nodes, n_workloads, n_hosts;
    k8s_node_map *nodes;
    int32_t *node_of_host; /* host index -> node, -1 */
    int32_t *node_of_vm;   /* VM index -> node, -1 */
    k8s_workload_spec *workloads;
    int64_t api_latency_ns, pod_start_ns, grace_ns, toleration_ns;
    uint32_t lp; /* the scheduler LP */
    uint32_t kind_workload, kind_cycle, kind_tick, kind_sample, kind_hpa, kind_ca, kind_node_timer;
    uint32_t kind_pod_status, kind_node_status, kind_bind, kind_kill, kind_kpod, kind_usage;
    uint32_t kind_pod_transfer; /* host -> host: a pod going with its VM node (k8s_pod_transfer_msg) */
} k8s_shared;

typedef enum { K8S_POD_PENDING, K8S_POD_BOUND, K8S_POD_RUNNING, K8S_POD_SUCCEEDED, K8S_POD_DELETED } k8s_pod_phase;

/* The scheduler LP's record of one pod (its API object). */
typedef struct k8s_rpod {
    uint32_t workload;
    k8s_pod_phase phase;
    uint32_t epoch;     /* bumped at every binding and deletion; kubelet events carry it */
    int32_t node;       /* bound node, -1 */
    int32_t slot;       /* snapshot slot, -1 */
    uint32_t qhandle;   /* queue handle while pending */
    int64_t created_ns;
    int64_t running_ns; /* when its container last started on the kubelet */
} k8s_rpod;

typedef struct k8s_node_state {
    int ready;          /* Ready condition as the node controller sees it */
    int joined;         /* in the cluster (CA: provisioned and not deleted) */
    int lost;           /* the kubelet reported its node gone, not back yet */
    int registered;     /* its kubelet has registered it (a VM node: its VM has run) */
    uint32_t epoch;     /* invalidates timers */
    int32_t host;       /* host LP running it (VM nodes move), -1 unknown */
    int64_t cpu_used_m; /* for the series */
    int64_t memory_used_bytes;
} k8s_node_state;

typedef struct k8s_workload_state {
    int32_t replicas;   /* Deployment spec.replicas (HPA sets it) */
    int32_t active;     /* pods not succeeded nor deleted */
    int32_t running;    /* running on a Ready node: the pods serving its load */
    int32_t succeeded;  /* Job */
    int created;        /* the object exists */
    int complete;       /* Job finished */
    uint32_t next_step;
    int64_t usage_m;    /* current per-pod usage at the initial replica count */
    int64_t pushed_usage_m; /* per-pod CPU usage last sent to the kubelets (bind, k8s.usage) */
    k8s_hpa hpa;
    k8s_usage_history usage_hist; /* per-pod CPU over time, for the HPA's metrics (HPA workloads) */
} k8s_workload_state;

typedef struct k8s_control {
    const k8s_shared *sh;
    const struct model_env *env;
    k8s_scheduler_config cfg;
    k8s_scheduler sched;   /* the kube-scheduler's state, shared by its profiles */
    int64_t metric_resolution_ns; /* metrics-server --metric-resolution */
    k8s_snapshot snap;
    k8s_queue q;
    k8s_node_state *node;
    k8s_workload_state *wl;
    k8s_rpod *pods;
    uint32_t n_pods, cap_pods;
    uint32_t *pod_of_slot; /* snapshot slot -> pod id */
    uint32_t *host_mark;   /* per host: k8s.usage round it was last sent in */
    uint32_t usage_round;
    uint32_t cap_slots;
    int cycle_pending;     /* a k8s.cycle event is scheduled */
    int64_t busy_until_ns; /* end of the current cycle's modelled cost */
    uint64_t log_seq;
    /* per sample period */
    int64_t *lat_ns;
    uint32_t n_lat, cap_lat;
    uint32_t evictions, preemptions;
    uint64_t total_evictions, total_preemptions, total_scheduled;
    /* Cluster Autoscaler */
    int ca_enabled;
    k8s_ca_config ca_cfg;
    k8s_ca_state ca_state;
    k8s_node_group *ca_groups; /* one per kubernetes.node_groups entry */
    int32_t n_ca_groups;
    int32_t *node_ca_group;    /* per node: its CA group, -1 */
    int32_t *node_provisioning;/* per node: 1 while a scale-up is provisioning it */
    /* recorder ids */
    int s_pending, s_p50, s_p99, s_evictions, s_preemptions, s_replicas, s_ready_replicas;
    int s_node_cpu_req, s_node_cpu_used, s_node_mem_req, s_node_mem_used, s_node_pods, s_node_ready;
    int log_scheduled, log_running, log_unschedulable, log_not_ready, log_ready, log_evicted, log_preempted, log_hpa,
        log_job_complete, log_ca_up, log_ca_down, log_pod_phase;
} k8s_control;

/* Host LP side: the pods this host's kubelets run and the nodes it hosts. */
typedef struct k8s_kpod {
    uint32_t pod, epoch;
    int32_t node;
    uint32_t workload;
    int running;
    int64_t due_ns; /* when its pending k8s.kpod event is due (start over, Job done) */
} k8s_kpod;

typedef struct k8s_kubelet {
    k8s_kpod *pods;
    uint32_t n_pods, cap_pods;
    int32_t *nodes; /* nodes (host itself or VMs) Ready here */
    uint32_t n_nodes, cap_nodes;
    int host_node_up;
    int32_t *moved_to; /* per node: host its VM was vMotioned to from here, -1 (NULL until one moves) */
    int64_t *usage_m, *usage_at_ns; /* per workload: CPU of one running pod, when decided (NULL until a bind) */
} k8s_kubelet;

/* All of it, built by k8s_control_build (k8s_control_build.c). */
typedef struct k8s_world {
    k8s_shared sh;
    k8s_control ctrl;
    k8s_kubelet *kubelets; /* per host (the kubelet's extension slot of host LP i) */
    uint32_t n_hosts;
    const struct service_set *services; /* for the pods of Deployments that serve a service, or NULL */
} k8s_world;

/* Messages between the scheduler LP (the API server's side) and the
 * kubelets in the host LPs. */
typedef struct k8s_bind_msg { /* k8s.bind: run the pod on the node */
    uint32_t pod, epoch;
    int32_t node;
    uint32_t workload;
    int64_t usage_m;         /* the CPU one pod of its workload uses now */
    sim_time_ns usage_at_ns; /* when that was decided */
} k8s_bind_msg;
typedef struct k8s_kill_msg { /* k8s.kill: stop the pod */
    uint32_t pod, epoch;
    int32_t node;
    int32_t unused;
} k8s_kill_msg;
typedef struct k8s_usage_msg { /* k8s.usage: a workload's per-pod CPU changed */
    uint32_t workload;
    int32_t unused;
    int64_t usage_m;
    sim_time_ns at_ns;
} k8s_usage_msg;
typedef struct k8s_pod_status_msg { /* k8s.pod_status: kubelet -> scheduler */
    uint32_t pod, epoch;
    int32_t status; /* K8S_PS_* */
    int32_t unused;
} k8s_pod_status_msg;
typedef struct k8s_node_status_msg { /* k8s.node_status: kubelet -> scheduler */
    int32_t node;
    int32_t status; /* K8S_NS_* */
    int32_t host;
    int32_t unused;
    sim_time_ns at_ns;
} k8s_node_status_msg;
_Static_assert(sizeof(k8s_bind_msg) <= SIM_EVENT_PAYLOAD_BYTES, "a bind fits an event payload");
_Static_assert(sizeof(k8s_kill_msg) <= SIM_EVENT_PAYLOAD_BYTES, "a kill fits an event payload");
_Static_assert(sizeof(k8s_usage_msg) <= SIM_EVENT_PAYLOAD_BYTES, "a usage update fits an event payload");
_Static_assert(sizeof(k8s_pod_status_msg) <= SIM_EVENT_PAYLOAD_BYTES, "a pod status fits an event payload");
_Static_assert(sizeof(k8s_node_status_msg) <= SIM_EVENT_PAYLOAD_BYTES, "a node status fits an event payload");

/* A kubelet pod going with its VM node to the vMotion's destination. */
typedef struct k8s_pod_transfer_msg {
    uint32_t pod, epoch;
    int32_t node;
    uint32_t workload;
    int32_t running;
    int32_t unused;
    sim_time_ns due_ns;      /* its start, or a Job's completion, is due then */
    int64_t usage_m;         /* the CPU one pod of its workload uses, as last decided */
    sim_time_ns usage_at_ns; /* when it was decided (-1: never) */
} k8s_pod_transfer_msg;
_Static_assert(sizeof(k8s_pod_transfer_msg) <= SIM_EVENT_PAYLOAD_BYTES, "a pod transfer fits an event payload");

struct host;
struct model_env;

/* Reads kubernetes.node_groups/deployments/jobs/cluster_autoscaler, creates
 * the scheduler LP and schedules its first events. *out is NULL when the
 * scenario declares no node groups. Returns 0, -1 (out of memory) or -2
 * (bad input, "FILE:LINE: key '...': ..." in err). Call after the hosts' LPs
 * exist. */
int k8s_control_build(const scenario *scn, sim_engine *eng, struct model_env *env, k8s_world **out, char *err,
                      size_t err_len);
int k8s_control_declare_recording(k8s_world *w, recorder *rec);
/* End-of-run table /tables/k8s_nodes (the entities of /series/k8s_node). */
int k8s_control_write_tables(const k8s_world *w, const scenario *scn, recorder *rec);
void k8s_control_free(k8s_world *w);
/* 1 if VM index_in_group of vms.[vm_group] is a spare node of an
 * autoscaled node group (beyond initial_nodes): it stays powered off until
 * the Cluster Autoscaler asks for it. */
int k8s_vm_starts_off(const scenario *scn, uint32_t vm_group, uint32_t index_in_group);
/* One line for `vdcsim check`: nodes, workloads, profiles. */
void k8s_control_describe(const k8s_world *w, FILE *out);

/* The scheduler LP handler (state: k8s_control). */
void k8s_control_handle(sim_ctx *ctx, void *state, const sim_event *ev);

struct model_module;
struct host_hooks;
/* The Kubernetes module (models/core/module.h): the scheduler LP (its
 * start builds the control plane) and, as a feature of every host LP, the
 * kubelet (k8s_kubelet.c): binds, kills, pod lifecycles, nodes appearing
 * and vanishing, pods following a vMotioned VM node, the pods' demand in
 * the host's sample and their reports to services. */
extern const struct model_module kubernetes_module;
extern const struct host_hooks kubelet_host_hooks;

/* MHz a pod using usage_m millicores takes of cores of core_mhz: capped
 * by its CPU limit (millicores, 0: none): min(usage, limit) x MHz / 1000. */
double k8s_pod_cpu_mhz(int64_t usage_m, int64_t limit_m, double core_mhz);


/* Payload codes. */
enum { K8S_PS_RUNNING = 1, K8S_PS_SUCCEEDED, K8S_PS_REJECTED };
enum { K8S_NS_LOST = 1, K8S_NS_READY, K8S_NS_MOVED };
enum { K8S_TIMER_NOT_READY = 1, K8S_TIMER_EVICT, K8S_TIMER_JOIN };
enum { K8S_KPOD_RUNNING = 1, K8S_KPOD_DONE };

#endif
