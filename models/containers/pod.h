/* pod.h - pods (containers, WebAssembly-style sandboxes, VM-isolated
 * instances) running on Kubernetes nodes that are hosts or VMs.
 *
 * A pod lives in the LP of the host that runs its node: a host node's pods
 * from the start (they fail with their host and start again at its repair:
 * pods_host_down/up), a VM node's pods once that VM has started on a host
 * (they fail with it: pods_vm_stopped; they move with it through a
 * vMotion: pods_vm_leaving/arrived). The host LP calls in here at its
 * sample (CPU by CFS, memory and OOM, series), VM start/stop/vMotion, host
 * failure/repair, and the pod event kinds (start, running, crash,
 * restart), all self-events.
 * Randomness comes only from the host LP's stream POD_STREAM.
 *
 * Lifecycle of one pod:
 *   pending -> starting (image pull + start latency) -> running
 *   running -> backoff (crash or OOM kill; CrashLoopBackOff wait) -> starting
 *   any -> failed (its VM node stopped or failed, its host node failed)
 * Models: models/containers/cfs.h, models/containers/oom.h, models/containers/crashloop.h,
 * models/containers/image_cache.h; docs/containers.md.
 */
#ifndef VDCSIM_MODELS_POD_H
#define VDCSIM_MODELS_POD_H

#include <stdint.h>

#include "models/containers/cfs.h"
#include "models/containers/crashloop.h"
#include "models/workload/demand.h"
#include "models/workload/distribution.h"
#include "models/containers/image_cache.h"
#include "models/containers/oom.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

enum { POD_STREAM = 6 }; /* host LP stream: pod demand noise, start latencies, crashes */

typedef enum { POD_CONTAINER, POD_SANDBOX, POD_VM } pod_kind; /* pods.[].kind, in order */
typedef enum { POD_PENDING, POD_STARTING, POD_RUNNING, POD_BACKOFF, POD_FAILED } pod_state;

const char *pod_kind_name(pod_kind k);
const char *pod_state_name(pod_state s);

/* What every pod of one scenario group shares. */
typedef struct pod_group {
    pod_kind kind;
    qos_class qos;
    int64_t cpu_request_m, cpu_limit_m; /* millicores; limit 0 = none */
    uint64_t mem_request, mem_limit;    /* bytes; limit 0 = none */
    uint64_t mem_overhead;              /* bytes the runtime adds per pod */
    double cpu_overhead_factor;         /* CPU per unit of app work */
    double threads;
    cfs_work_kind work;
    demand_spec cpu_demand;    /* millicores of app work */
    demand_spec memory_demand; /* MiB of app memory */
    uint32_t image;            /* id into pod_world.image_names */
    uint64_t image_bytes;
    dist_spec startup;         /* ns */
    int has_crash;
    dist_spec crash;           /* ns of running between crashes */
    sim_time_ns start_ns;
    int node_is_vm;            /* node_group names a vms group */
} pod_group;

typedef struct pod {
    uint32_t group, index_in_group;
    int32_t node_host;   /* host index of its node, or -1 */
    int32_t node_vm;     /* VM index of its node, or -1; -1 both: unschedulable */
    int32_t host;        /* host LP holding it now, -1 */
    pod_state state;
    uint32_t gen;        /* bumped at every state change; events carry it */
    uint32_t timer_kind;      /* the pod event kind pending for it (0: none) ... */
    sim_time_ns timer_due_ns; /* ... and when it is due: a vMotion re-arms it there */
    int holds_image;
    int oom_adj;
    crashloop backoff;
    sim_time_ns starting_since_ns;
    sim_time_ns last_backoff_ns;
    sim_time_ns first_startup_ns; /* -1 until first running */
    uint32_t restarts, crashes, oom_kills;
    double periods, throttled_periods; /* CFS periods while running with a CPU limit */
    demand_state cpu_state, memory_state; /* onoff and random_walk demands: the pod's own phase */
} pod;

/* The pods of a run: built from the scenario, shared by the host LPs
 * (each writes only the pods it holds and the caches of its nodes). */
typedef struct pod_world {
    struct pod_host *hosts; /* per host: its pods (the pods' extension slot of host LP i) */
    uint32_t n_hosts;
    uint32_t n_groups, n_pods, n_images;
    pod_group *groups;
    pod *pods;
    char **image_names;
    image_cache *host_caches; /* per host node */
    image_cache *vm_caches;   /* per VM node */
    uint32_t n_vm_caches;
    uint32_t *vm_pod_first;   /* pods on VM v: vm_pods[vm_pod_first[v] .. vm_pod_first[v+1]) */
    uint32_t *vm_pods;

    double cfs_period_s;
    image_pull_params pull;
    crashloop_params backoff;
    int64_t max_pods;

    uint32_t kind_start, kind_running, kind_crash, kind_restart;

    int series_running, series_cpu_usage, series_throttled_pct, series_oom_kills, series_restarts;
    int log_started, log_oom_killed, log_crashed, log_restarted, log_failed;
} pod_world;

/* One node's running pods in this sample (after the OOM kills): the
 * survivors are pod_host.ids[first .. first + n). */
typedef struct pod_node_run {
    int32_t node_vm;   /* -1: the host itself is the node */
    int32_t vm_pos;    /* the VM's position in the host's VM list, or -1 */
    uint32_t first, n;
    double want_mhz;   /* sum of what the pods would use alone (CFS-capped) */
    double memory_mib; /* their memory plus runtime overhead */
    double shares;     /* sum of CPU requests, millicores */
} pod_node_run;

/* Per host LP. */
typedef struct pod_host {
    uint32_t *active; /* pods whose node is on this host, grouped by node */
    uint32_t n_active, cap_active;
    uint32_t interval_oom_kills, interval_restarts;
    double claim_mhz; /* this sample: the host node's pods' CPU claim */
    /* scratch for one node's sample, grown to the largest node */
    uint32_t scratch_cap;
    uint32_t *ids;
    double *cpu_demand, *mem_mib, *want, *weight, *share;
    int *adj;
    size_t *order, *victims;
    unsigned char *dead;
    pod_node_run *runs; /* this sample's nodes, scratch_cap entries */
    uint32_t n_runs;
} pod_host;

struct host;
struct model_env;
struct host_vm_input;
struct host_pod_load;

/* Builds the pods of the scenario (after hosts and VMs and their LPs exist),
 * places them with pods_place_builtin(), registers the event kinds and
 * schedules the host-node pods' starts. *out is NULL when the scenario has
 * no pods. Returns 0, -1 (out of memory) or -2 (bad input, message in err
 * as "FILE:LINE: key '...': ..."); on failure the caller still releases
 * *out and the hosts' pod state with pods_free(). */
int pods_build(const scenario *scn, sim_engine *eng, struct model_env *env, pod_world **out, char *err,
               size_t err_len);

/* The built-in placement, until the kube-scheduler library decides: each
 * pod in order goes to the first node of its node group where the requests
 * of the pods already there plus its own fit the node's allocatable CPU
 * (cores * 1000 m) and memory, and fewer than kubelet.max_pods run. */
void pods_place_builtin(pod_world *w, const struct model_env *env, const scenario *scn);

int pods_declare_recording(pod_world *w, const struct model_env *env, recorder *rec);
int pods_write_table(const pod_world *w, const struct model_env *env, const scenario *scn, recorder *rec);
void pods_free(pod_world *w);

/* --- called by the host LP -------------------------------------------- */

/* Puts a pod on this host LP's list of pods (grouped by node). 0 or -1. */
int pod_host_add(pod_host *ph, uint32_t pod_id);

struct model_module;
struct host_hooks;
/* The pods module (models/core/module.h): pods.[] built at start, and as a
 * feature of the host LP (pod_runtime.c): pod events; their demand in the
 * host's sample, OOM kills, CFS shares and quotas after it; pods following
 * their VM node's start, stop, failure and vMotion; a host node's own pods
 * going down and up with the host. */
extern const struct model_module pods_module;
extern const struct host_hooks pods_host_hooks;

/* CPU (MHz) a VM node gives its pods: their want, or when the VM is
 * oversubscribed (its demand D_vm, pods included, above its entitlement
 * E_vm from the host's water-filling) their proportional part of it:
 *     pods_want * min(1, E_vm / D_vm)      (docs/containers.md) */
double pods_vm_node_cpu_mhz(double pods_want_mhz, double vm_demand_mhz, double vm_entitlement_mhz);

#endif
