/* host.h - a physical host and the VMs running on it, as one LP.
 *
 * The host LP owns the state of the VMs it runs. It starts, boots and stops
 * VMs, and every sample period samples its running VMs' demand processes
 * and divides its CPU, memory and network among them (the pure contention
 * maths of models/host/host_contention.h), writes each VM's results into its
 * vm struct and hands the totals to the recorder.
 *
 * The host names no feature. Features (failures, DRS and vMotion, services,
 * pods, the kubelet, ...) attach to it through a table of hooks
 * (host_hooks below), registered once at build in an order fixed by
 * models/model.c; every hook of every feature runs in that order. A feature
 * keeps its per-host state in the host's extension slot (host_ext) and its
 * run-wide state in its own world; it changes a host only through the
 * functions of this header.
 *
 * Event dispatch: each feature's `handle` sees the event in order until one
 * consumes it (returns 1); the host's own kinds (vm.start, vm.booted,
 * vm.stop, host.sample) are handled after the features, so a feature may
 * refuse or take over one of them. Then every feature's `after_event` runs
 * (also for consumed events).
 */
#ifndef VDCSIM_MODELS_CORE_HOST_H
#define VDCSIM_MODELS_CORE_HOST_H

#include <stdint.h>

#include "models/host/host_contention.h"
#include "models/host/host_hw.h"
#include "sim/engine.h"

/* What a host can do right now (docs/failures.md). Failed and maintenance
 * hosts run nothing; an isolated host keeps its VMs running but the
 * controller cannot reach it. DPM standby is not a state here: an up host
 * with no VMs and standby power (models/vsphere/drs_controller.h). */
typedef enum { HOST_UP = 0, HOST_FAILED, HOST_ISOLATED, HOST_MAINTENANCE, HOST_STATES } host_state;

const char *host_state_name(host_state s);

struct model_env;

typedef struct host {
    const struct model_env *env;
    uint32_t index;
    uint32_t *vm_ids; /* running VMs, in the order they started */
    uint32_t *vm_slots; /* and each one's slot in the VM stores (model_vm_slot): what a sample reads */
    uint32_t n_vms, cap_vms;
    uint64_t log_seq; /* orders this LP's event-log records */
    host_state state;
    void **ext;       /* per feature (host_feature.slot): its state on this host, or NULL */
    host_scratch *contention; /* the sample step's working memory */
    gsl_rng *noise;           /* the LP's demand-noise stream once a sample drew it (for host_prefetch) */
    host_numa_cache numa;     /* its VMs' NUMA placement between samples; numa.vms_version
                                 counts the changes of vm_ids (host_add_vm, host_remove_vm) */
} host;

/* One sample of a host, as the hooks see it (host_sample in host.c):
 * `in` is per running VM in vm_ids order; `pods` is the claim of pods
 * running on the host itself (a host node), filled by add_demand hooks;
 * `totals` is the contention step's result, which adjust_totals hooks may
 * amend before it is recorded. */
typedef struct host_sample_ctx {
    const host_spec *spec;  /* the capacity in force this sample */
    host_vm_input *in;
    double vm_memory_mib;   /* memory the host's VMs are configured with */
    host_pod_load pods;
    host_totals totals;
    const host_scratch *scratch;
} host_sample_ctx;

struct host_feature;

/* A feature's hooks on the host LP. Any may be NULL. `f` is the feature's
 * registration (f->world: its run-wide state; host_ext(h, f): its state on
 * this host, NULL if it attached none). */
typedef struct host_hooks {
    const char *name;
    /* An event for this host: 1 if the feature consumed it. */
    int (*handle)(sim_ctx *ctx, host *h, const struct host_feature *f, const sim_event *ev);
    /* After every event, consumed or not. */
    void (*after_event)(sim_ctx *ctx, host *h, const struct host_feature *f, const sim_event *ev);
    /* The sample: the capacity in force (return spec, or a copy in *tmp with
     * less), demand added to the VMs' inputs or the host node's pods,
     * totals amended after the contention step, and what follows the record. */
    const host_spec *(*capacity)(const host *h, const struct host_feature *f, const host_spec *spec, host_spec *tmp);
    void (*add_demand)(sim_ctx *ctx, host *h, const struct host_feature *f, host_sample_ctx *s);
    void (*adjust_totals)(sim_ctx *ctx, host *h, const struct host_feature *f, host_sample_ctx *s);
    void (*after_sample)(sim_ctx *ctx, host *h, const struct host_feature *f, const host_sample_ctx *s);
    /* Lifecycle notices (models/core/host.c and the functions below). */
    void (*vm_started)(sim_ctx *ctx, host *h, const struct host_feature *f, uint32_t vm_id);  /* now running */
    void (*vm_stopped)(sim_ctx *ctx, host *h, const struct host_feature *f, uint32_t vm_id);  /* off or down */
    void (*vm_leaving)(sim_ctx *ctx, host *h, const struct host_feature *f, uint32_t vm_id, uint32_t dst_host);
    void (*vm_arrived)(sim_ctx *ctx, host *h, const struct host_feature *f, uint32_t vm_id, uint32_t src_host);
    void (*vm_arrival_failed)(sim_ctx *ctx, host *h, const struct host_feature *f, uint32_t vm_id,
                              uint32_t src_host);
    void (*outage_begins)(sim_ctx *ctx, host *h, const struct host_feature *f);
    void (*host_down)(sim_ctx *ctx, host *h, const struct host_feature *f); /* stopped running workloads */
    void (*host_up)(sim_ctx *ctx, host *h, const struct host_feature *f);   /* runs workloads again */
    /* A maintenance window asks to begin: 1 if the feature holds it back
     * (it will call host_grant_maintenance() when the host may enter). */
    int (*maintenance_requested)(sim_ctx *ctx, host *h, const struct host_feature *f, sim_time_ns duration_ns);
    /* An event-log record this host appended (host_log): observers only
     * (the property monitors read the same records a finished run holds). */
    void (*logged)(sim_ctx *ctx, host *h, const struct host_feature *f, int kind, int64_t subject, int64_t a,
                   int64_t b);
} host_hooks;

typedef struct host_feature {
    const host_hooks *hooks;
    void *world;   /* the feature's run-wide state */
    uint32_t slot; /* index into host.ext */
} host_feature;

static inline void *host_ext(const host *h, const host_feature *f) { return h->ext ? h->ext[f->slot] : NULL; }

/* The LP handler for hosts. */
void host_handle(sim_ctx *ctx, void *state, const sim_event *ev);

/* The hosts' prefetch hint (sim_lp_set_prefetch): asks for the memory the
 * host's next sample reads (AHEAD: the host, its spec and VM list; NEXT:
 * its NUMA placement and its VMs' records and specs). Reads only the host;
 * changes nothing. */
void host_prefetch(const void *state, sim_prefetch_stage stage);

/* Takes a VM off the host's list of running VMs (keeping the start order of
 * the others) and sets its host to -1; its state is the caller's to change.
 * Returns 0, or -1 if the VM is not on this host. */
int host_remove_vm(host *h, uint32_t vm_id);

/* Appends a VM to the host's list of running VMs and sets its host. */
void host_add_vm(host *h, uint32_t vm_id);

/* Appends an event-log record from this host (subject, a, b, value). */
void host_log(sim_ctx *ctx, host *h, int kind, int64_t subject, int64_t a, int64_t b, double value);

/* --- notices: a feature that changed the host's VMs tells the others ---- */

/* VM vm_id stopped running here (powered off, failed, crashed, taken down). */
void host_notify_vm_stopped(sim_ctx *ctx, host *h, uint32_t vm_id);
/* The host stopped running workloads (failed, maintenance) / runs them again. */
void host_notify_down(sim_ctx *ctx, host *h);
void host_notify_up(sim_ctx *ctx, host *h);
/* An outage (failure, maintenance, isolation) is about to begin. */
void host_notify_outage_begins(sim_ctx *ctx, host *h);

/* Migration of a running VM (vMotion), on the source: takes it off the
 * list and tells the features it leaves for dst_host. */
void host_vm_leave(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t dst_host);
/* On the destination: the VM runs here now (running; features told). */
void host_vm_arrive(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t src_host);
/* On the destination, which cannot run it (down): the VM fails here. */
void host_vm_arrival_failed(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t src_host);

/* Maintenance protocol (docs/failures.md "Maintenance"): whoever owns a
 * maintenance window asks; a feature that must first evacuate the host
 * (DRS) holds it and later grants it. host_request_maintenance returns 1
 * when held, 0 when the window may begin now. host_grant_maintenance sends
 * the host a host.maintenance event (delay 0) carrying the duration, which
 * the window's owner handles. */
int host_request_maintenance(sim_ctx *ctx, host *h, sim_time_ns duration_ns);
void host_grant_maintenance(sim_ctx *ctx, host *h, sim_time_ns duration_ns);

/* Payload of host.maintenance. */
typedef struct host_maintenance_msg {
    sim_time_ns duration_ns; /* -1: ended by an explicit end */
} host_maintenance_msg;

void host_release(host *h);

#endif
