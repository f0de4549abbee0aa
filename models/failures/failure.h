/* failure.h - host failures, repairs, failure domains, maintenance,
 * isolation and VM crashes, wired into the host and cluster LPs.
 *
 * What lives where (docs/failures.md):
 *   failure_process.c  the host side: why a host is down (a count per
 *                      reason), its state, taking its VMs down, its own
 *                      up/repair renewal process, VM crash clocks, and the
 *                      repair-crew LP (FIFO queue of repairs).
 *   topology.c         racks, PDUs and zones: which hosts each holds, and
 *                      the failure-domain LPs that take them down together.
 *   restart.c          the cluster controller side: restarting failed VMs
 *                      elsewhere after the detection time (vSphere HA's role).
 *   availability.c     per-host and per-VM accounting, series and tables.
 *   failure_build.c    reading the scenario into all of the above.
 *
 * Contract
 *  - With no failure keys in the scenario, failure_build() returns NULL
 *    and nothing of this module runs: outputs are unchanged.
 *  - Randomness: host LPs use their stream HOST_STREAM_FAILURE for up and
 *    repair times, HOST_STREAM_CRASH for VM crash times and
 *    HOST_STREAM_ISOLATION for isolation times; domain LPs
 *    their stream DOMAIN_STREAM_FAILURE. Results do not depend on threads.
 *  - A host is down for as many reasons as are active (its own failure,
 *    each failed domain holding it, each injected or trace failure, each
 *    maintenance window, each isolation); it comes back when the count of
 *    each kind drops to zero. Its state is derived: failed if any failure
 *    reason is active, else maintenance, else isolated, else up.
 *  - Ownership: failure_env.hosts[i] belongs to host LP i; vm_avail[v] to
 *    whoever holds VM v (like its record, model_vm); domain state to its LP; the
 *    crew queue to the crew LP; the restart queue to the cluster LP.
 */
#ifndef VDCSIM_MODELS_FAILURE_H
#define VDCSIM_MODELS_FAILURE_H

#include <stdint.h>
#include <stdio.h>

#include "models/workload/distribution.h"
#include "models/core/host.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

enum { HOST_STREAM_FAILURE = 2, HOST_STREAM_CRASH = 3, HOST_STREAM_ISOLATION = 4, DOMAIN_STREAM_FAILURE = 1 };

/* Why a host is down; also the `a` field of host event-log records. */
typedef enum {
    OUTAGE_OWN = 0,     /* the host's own failure process */
    OUTAGE_DOMAIN,      /* a rack, PDU or zone holding it failed */
    OUTAGE_INJECTED,    /* failures.inject */
    OUTAGE_TRACE,       /* failures.trace */
    OUTAGE_MAINTENANCE, /* failures.maintenance */
    OUTAGE_ISOLATION,   /* management network lost (failures.inject kind isolation) */
    OUTAGE_OWN_ISOLATION, /* the host's own isolation process (hosts.[].isolation) */
    OUTAGE_REASONS
} outage_reason;

/* Why a VM went down: the `b` field of vm_failed records. */
typedef enum {
    VM_DOWN_HOST_FAILED = 0,
    VM_DOWN_MAINTENANCE,
    VM_DOWN_ISOLATION_RESPONSE,
    VM_DOWN_CRASH,
    VM_DOWN_START_REFUSED /* sent to a host that was down when the start arrived */
} vm_down_cause;

/* Operations of the module's own event kinds (failure_msg.op). Notices to
 * the controller (host down/up, VM failed) are core cluster notices
 * (models/core/cluster.h), not failure operations. */
typedef enum {
    FOP_BEGIN = 1,         /* host/domain: an outage of `reason` begins, for duration_ns
                              (-1: until an explicit FOP_END) */
    FOP_END,               /* host/domain: an outage of `reason` ends */
    FOP_ISOLATION_TIMEOUT, /* host: `epoch` = isolation epoch */
    FOP_VM_CRASH,          /* host: `subject` = vm, `epoch` its epoch; the restart in place is
                              a vm.start the host sends itself */
    FOP_CREW_REQUEST,      /* crew: `subject` = host, duration_ns = repair time */
    FOP_CREW_DONE,         /* crew: a crew is free again */
    FOP_RESTART_TICK       /* cluster: restart what is due */
} failure_op;

/* The payload of every failure kind (host, domain, crew, cluster). */
typedef struct failure_msg {
    int32_t op;     /* failure_op */
    int32_t reason; /* outage_reason: FOP_BEGIN, FOP_END */
    uint32_t subject;
    uint32_t epoch;
    sim_time_ns duration_ns;
} failure_msg;
_Static_assert(sizeof(failure_msg) <= SIM_EVENT_PAYLOAD_BYTES, "a failure message fits an event payload");

/* Per-group failure and crash processes. */
typedef struct failure_process_spec {
    int enabled;
    dist_spec up_time;
    dist_spec repair;
} failure_process_spec;

typedef struct vm_crash_spec {
    int enabled;
    dist_spec up_time;
    sim_time_ns restart_delay_ns;
} vm_crash_spec;

/* Host i's failure state (owned by host LP i). */
typedef struct host_outage {
    uint32_t active[OUTAGE_REASONS]; /* active outages per reason */
    uint32_t isolation_epoch;        /* invalidates stale isolation timeouts */
    int isolation_response_applied;
    sim_time_ns state_since_ns;
    sim_time_ns time_in_state_ns[HOST_STATES];
    uint64_t failures;    /* entries into HOST_FAILED */
    uint64_t maintenances; /* entries into HOST_MAINTENANCE */
    uint64_t isolations;  /* entries into HOST_ISOLATED */
    uint64_t vm_failures; /* VMs taken down with the host */
    host_state state;     /* mirror of the host LP's state, for the end-of-run accounts */
} host_outage;

/* VM v's availability accounting (owned by whoever holds the VM). */
/* Field order and byte flags keep it at 40 bytes: one per VM of the run. */
typedef struct vm_avail {
    sim_time_ns down_since_ns;
    sim_time_ns downtime_ns;
    uint32_t epoch;           /* incremented at every start; stale crash events carry an old one */
    uint32_t failures;        /* times taken down (host failure, maintenance, isolation, crash) */
    uint32_t crashes;
    uint32_t restarts;        /* restarts after a failure (elsewhere or in place) */
    uint32_t restart_failures; /* restart attempts that found no capacity */
    uint8_t down;             /* failed or waiting for restart */
    uint8_t self_started;     /* its current boot is a restart in place (a start the host sent itself) */
    uint8_t crash_restart_pending; /* crashed: the host's restart in place is on its way */
} vm_avail;

struct domain;
struct crew;
struct restart_queue;

/* What the failure module shares with the LPs (read-only while running,
 * except the per-owner entries described above). */
typedef struct failure_env {
    const struct model_env *env;
    struct ha_controller *ha; /* vSphere HA when ha.enabled (restart order, retries), else NULL */
    sim_time_ns detection_ns;
    sim_time_ns isolation_timeout_ns;
    int isolation_power_off; /* the isolation response takes the VMs down (power_off or shutdown) */
    int isolation_shutdown;  /* ... by a guest shutdown: they end stopped, not failed */
    uint32_t repair_crews; /* 0: unlimited (hosts repair themselves) */
    uint32_t crew_lp;      /* when repair_crews > 0 */
    sim_time_ns until_ns;

    const failure_process_spec *host_group_process; /* per hosts.[g] */
    const failure_process_spec *host_group_isolation; /* per hosts.[g]: up_time, repair = duration */
    const vm_crash_spec *vm_group_crash;            /* per vms.[g] */

    host_outage *hosts;
    vm_avail *vms;
    struct restart_queue *restart; /* the (first) cluster LP's */
    struct restart_queue *restart_others; /* with `clusters`: cluster k >= 1 owns restart_others[k - 1] */

    uint32_t n_domains;
    struct domain *domains;
    uint32_t first_domain_lp;

    /* engine kinds */
    uint32_t kind_host;    /* host LPs: FOP_BEGIN/END/ISOLATION_TIMEOUT/VM_CRASH... */
    uint32_t kind_domain;  /* domain LPs */
    uint32_t kind_crew;    /* the crew LP */
    uint32_t kind_cluster; /* the cluster LP: FOP_RESTART_TICK */

    /* recorder ids; -1 when absent */
    int series_host_up;
    int series_cluster_hosts_up;
    int series_cluster_vms_waiting;
    int series_cluster_vms_down;
    int log_host_failed, log_host_repaired, log_host_isolated, log_host_reachable;
    int log_maintenance_begin, log_maintenance_end;
    int log_domain_failed, log_domain_repaired;
    int log_vm_failed, log_vm_restarted, log_vm_restart_failed;
} failure_env;

typedef struct failure_model failure_model;
struct model_env;
struct recorder;
struct cluster;

/* Recorder declarations (series, event kinds, the domains table). */
int failure_declare_recording(failure_model *fm, struct recorder *rec);

/* End-of-run tables /tables/host_availability and /tables/vm_availability. */
int failure_write_tables(failure_model *fm, struct recorder *rec);

/* One line for `vdcsim check`: what fails, domains, crews, detection. */
void failure_describe(const failure_model *fm, FILE *out);

/* Accessors for tests: state-time of host i up to the end of the run. */
double failure_host_availability(const failure_model *fm, uint32_t host_index);
uint64_t failure_host_failures(const failure_model *fm, uint32_t host_index);
const vm_avail *failure_vm(const failure_model *fm, uint32_t vm_index);
uint64_t failure_restart_failures(const failure_model *fm);

void failure_free(failure_model *fm);

/* --- the module and its hooks ------------------------------------------ */

struct model_module;
struct host_hooks;
struct cluster_hooks;

/* The failure module (models/core/module.h): host hooks (outages, refused
 * starts, crash clocks, the maintenance protocol) and cluster hooks (the
 * restart of failed VMs, restart.c). */
extern const struct model_module failure_module;
extern const struct host_hooks failure_host_hooks;
extern const struct cluster_hooks failure_cluster_hooks;

/* Domain and crew LP handlers. */
void domain_handle(sim_ctx *ctx, void *state, const sim_event *ev);
void crew_handle(sim_ctx *ctx, void *state, const sim_event *ev);

#endif
