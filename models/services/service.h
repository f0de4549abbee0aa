/* service.h - request-serving services: a load balancer and its replica
 * queues as one LP (docs/services.md).
 *
 * Contract
 *  - One LP per service holds the balancer and every replica queue, so the
 *    balancer knows the queue lengths it caused itself (as a real balancer
 *    counts its own connections). Arrivals, service times and balancer
 *    choices come from the service LP's own streams.
 *  - Replicas run at speed s in (0, 1]: the cpu_speed_factor of their VM, or
 *    1 on dedicated capacity (no vm_group). A request's service time is its
 *    work (drawn at full speed) divided by the speed; when the speed changes
 *    mid-service the remaining work is kept and its remaining time becomes
 *    remaining_work / new_speed. Completion times are rounded up to the next
 *    nanosecond; a completion made stale by a speed change is ignored
 *    (generation counter), so everything stays exact and deterministic.
 *  - The service never reads host or VM state. Each sample, every host LP
 *    sends a service.replica_speed message (delay = control latency) for
 *    each replica VM it runs: services_report_replicas(), called from
 *    host_sample. A replica is available while its VM reports running; it is
 *    taken out when a report says its VM is not running, or when no report
 *    arrived for two sample periods plus the control latency (the VM stopped,
 *    failed or left without a word). Taking a replica out drops the request
 *    it was serving and, for own-queue policies, every request in its queue:
 *    the process holding them is gone and clients see errors (counted as
 *    dropped). Replicas on VMs start unavailable until their first report.
 *  - Replicas on a Kubernetes Deployment (services.[].deployment): each
 *    running pod holds one replica slot (as many slots as the Deployment
 *    may have pods). The kubelet in the host LP reports every running pod
 *    each sample (service.pod_replica: the VM node's cpu_speed_factor, or
 *    the host node's pod entitlement over demand) and each pod it stops; the
 *    service gives a newly reported pod the lowest free slot and frees the
 *    slot when the pod goes, exactly as a VM replica goes.
 *  - Metrics per sample period and whole-run totals go to the recorder (see
 *    docs/hdf5-layout.md); services_finish writes the tables.
 */
#ifndef VDCSIM_MODELS_SERVICE_H
#define VDCSIM_MODELS_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "models/workload/distribution.h"
#include "sim/histogram.h"
#include "models/services/load_balancer.h"
#include "models/services/request_queue.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

struct model_env;

/* In the order of services.[].arrival.process (read with scn_enum). */
typedef enum { REQUEST_ARRIVAL_POISSON, REQUEST_ARRIVAL_DIURNAL, REQUEST_ARRIVAL_MMPP } request_arrival_process;

typedef struct mmpp_phase {
    double rate_per_s;
    sim_time_ns mean_sojourn_ns;
} mmpp_phase;

typedef struct service_spec {
    uint32_t group;           /* services.[group] */
    uint32_t replicas;
    int32_t vm_group;         /* vms.[vm_group], or -1 for dedicated capacity */
    int32_t deployment;       /* kubernetes.deployments.[deployment] whose running pods are the
                                 replicas (replicas = its slots), or -1 */
    uint32_t first_vm;        /* global id of the VM running replica 0 */
    lb_policy policy;
    lb_tie_break ties;
    uint32_t d;
    uint64_t keys;
    uint32_t virtual_nodes;
    uint64_t max_queue;       /* waiting places per queue: 0 none (loss system), UINT64_MAX unbounded */
    sim_time_ns warmup_ns;
    request_arrival_process process;
    double rate_per_s;
    double amplitude;
    sim_time_ns period_ns, phase_ns;
    sim_time_ns stop_ns;      /* no arrivals from here; 0 = never */
    mmpp_phase *phases;
    uint32_t n_phases;
    dist_spec work;           /* ns of work at full speed */
} service_spec;

/* One replica: its queue (own-queue policies), the request in service and
 * its whole-run counters (for Little's law per queue). */
typedef struct replica {
    request_queue queue;         /* own-queue policies */
    double speed;                /* (0, 1]; 0 stalls the request in service */
    sim_time_ns last_report_ns;
    uint8_t busy;
    uint64_t generation;         /* completions carrying an older one are stale */
    int64_t pod_key;             /* deployment replicas: pod << 32 | epoch of the pod in this slot, -1 free */
    sim_time_ns current_arrival_ns;  /* at the service */
    sim_time_ns current_assigned_ns; /* at this replica (= arrival, or start for shared_queue) */
    double remaining_work_ns;    /* as of work_since_ns */
    sim_time_ns work_since_ns;
    /* whole run, requests assigned at or after the warm-up */
    uint64_t arrivals, completed, dropped;
    double sum_wait_ns, sum_sojourn_ns;
    double area;                 /* integral of outstanding dt over [warmup, now], request-ns;
                                    for shared_queue the replica is its server alone (0 or 1) */
    sim_time_ns area_since_ns;
} replica;

struct service_set;

typedef struct service {
    const struct model_env *env;
    const struct service_set *set;
    const service_spec *spec;
    uint32_t index;
    replica *replicas;
    uint64_t *outstanding;       /* per replica: queued + in service, the balancer's count */
    uint8_t *available;          /* per replica: 1 if it may take new requests */
    uint32_t *scratch;           /* power_of_d samples */
    request_queue shared;        /* shared_queue only */
    hash_ring ring;              /* consistent_hash only */
    uint32_t rr_cursor;
    uint32_t n_available;
    /* arrivals */
    uint32_t phase;
    uint64_t arrival_generation;
    /* state integrated over time */
    uint64_t n_waiting, n_busy;
    sim_time_ns last_change_ns;
    sim_time_ns last_sample_ns;
    /* this sample period */
    uint64_t iv_arrivals, iv_completed, iv_dropped;
    double iv_waiting_area, iv_busy_area; /* request-ns, replica-ns */
    stats_histogram iv_latency;           /* sojourn, ns */
    /* whole run, requests arriving at or after the warm-up */
    uint64_t arrivals, completed, dropped;
    double sum_wait_ns, sum_sojourn_ns;
    double area_in_system;       /* integral of (waiting + busy) dt over [warmup, now] */
    stats_histogram latency;     /* sojourn, ns: the table's whole-run percentiles */
    /* distributions over [warmup, now] (/tables/service_busy, the wait columns) */
    double *busy_time_ns;        /* [replicas + 1]: time with k servers busy */
    uint64_t started, waited;    /* requests that started service; of them, those that waited > 0 */
    stats_histogram wait;        /* the positive waits, ns */
} service;

typedef struct service_set {
    const scenario *scn;
    const struct model_env *env;
    uint32_t n;
    service_spec *specs;
    service *services;
    uint32_t first_lp;           /* service i is LP first_lp + i */
    int32_t *service_of_vm_group; /* per vms group: the service it runs, or -1 */
    uint32_t n_vm_groups;
    int32_t *service_of_deployment; /* per kubernetes.deployments entry: its service, or -1 */
    uint32_t n_deployments;
    /* engine event kinds */
    uint32_t kind_arrival, kind_complete, kind_phase, kind_sample, kind_replica_speed, kind_pod_replica;
    /* recorder ids; -1 when absent */
    int series_throughput, series_arrivals, series_dropped, series_p50, series_p95, series_p99,
        series_queue_length, series_busy;
} service_set;

/* Reads services.[] from the scenario, creates one LP per service (after
 * the hosts), registers the event kinds, declares the series and schedules
 * the first events; rec may be NULL. Sets *out (NULL when the scenario has
 * no services). Returns 0, -2 for bad input (scn_key_error's status) or 1
 * for a runtime failure, with a message "FILE:LINE: key '...': ..." in err. */
int services_build(const scenario *scn, sim_engine *eng, recorder *rec, struct model_env *env,
                   service_set **out, char *err, size_t err_len);

/* Writes /tables/services and /tables/service_replicas (whole-run totals,
 * integrals closed at simulation.until). Returns 0, or -1 with recorder_error(). */
int services_finish(service_set *set, recorder *rec);

/* One line per service for `vdcsim check`. */
void services_describe(const service_set *set, FILE *out);

void services_free(service_set *set);

/* Host side, called by a host LP at each sample: one service.replica_speed
 * message per VM in vm_ids that runs a replica, carrying the VM's
 * cpu_speed_factor and whether it is running. */
void services_report_replicas(sim_ctx *ctx, const service_set *set, const uint32_t *vm_ids, uint32_t n);

/* For a host LP that stops, fails or hands off a VM: tells its service at
 * once (after the control latency) that the replica is gone, instead of
 * waiting for the missing reports to be noticed. */
void services_report_vm_down(sim_ctx *ctx, const service_set *set, uint32_t vm_id);

/* Host side, for a kubelet: the pod (pod, epoch) of workload `workload`
 * (an index of kubernetes.deployments when below their count) runs at
 * `speed` (the CPU it gets over the CPU it wants), or is gone (running 0).
 * Sends service.pod_replica to the deployment's service, if it has one. */
void services_report_pod(sim_ctx *ctx, const service_set *set, uint32_t workload, uint32_t pod, uint32_t epoch,
                         double speed, int running);

struct model_module;
struct host_hooks;
/* The services module (models/core/module.h): its start builds the
 * services (services_build), and as a feature of the host LP it reports
 * replica VMs as they start, stop and at every sample. */
extern const struct model_module services_module;
extern const struct host_hooks services_host_hooks;

/* The LP handler of services. */
void service_handle(sim_ctx *ctx, void *state, const sim_event *ev);

/* Payload of service.replica_speed and service.pod_replica (host LP ->
 * service LP). */
typedef struct service_speed_report {
    uint32_t replica; /* service.replica_speed: the replica's index */
    uint32_t pod;     /* service.pod_replica: the pod and its epoch */
    uint32_t epoch;
    int32_t running;
    double speed;
} service_speed_report;
_Static_assert(sizeof(service_speed_report) <= SIM_EVENT_PAYLOAD_BYTES, "a speed report fits an event payload");

/* Closes the service's (replica i's) time integrals at `now` (the LP's
 * own events, and the end-of-run tables at simulation.until). */
void service_advance(service *s, sim_time_ns now);
void service_replica_advance(service *s, uint32_t i, sim_time_ns now);

/* Pure helpers, exposed for tests. */

/* The remaining work of a request after running `elapsed_ns` at `speed`,
 * never below 0. */
double service_work_left(double remaining_work_ns, sim_time_ns elapsed_ns, double speed);
/* Nanoseconds from now until `remaining_work_ns` is done at `speed` > 0,
 * rounded up. */
sim_time_ns service_time_to_finish(double remaining_work_ns, double speed);

#endif
