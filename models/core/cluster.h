/* cluster.h - the cluster controller LP (vCenter's role).
 *
 * It receives VM power-on requests, chooses a host with its placement
 * policy on its own view of what it has committed to each host, and tells
 * the host to start the VM after the control-plane latency. It never reads
 * a host LP's state.
 *
 * Lifecycle (docs/workloads.md): at placement it draws the VM's lifetime
 * (when its group has one) from its own stream and, when it ends, sends
 * vm.stop to the VM's host; the host powers the VM off and answers
 * vm.stopped, and only then is the VM's capacity released in the view.
 * A VM that fits nowhere is rejected (vm_placement_failed), or with
 * placement.on_no_capacity = "queue" waits in FIFO order: after every
 * release the queue is scanned in order and every VM that now fits is
 * placed (a VM that still does not fit does not block those behind it).
 *
 * The controller names no feature. DRS, HA and the restart of failed VMs
 * attach through a table of hooks (cluster_hooks below), registered in an
 * order fixed by models/model.c; every hook runs in that order:
 *  - handle: an event for the controller; the first feature that consumes
 *    it wins, the controller's own kinds come after the features;
 *  - observe: a cluster notice (host down, host up, VM failed), sent by
 *    whoever saw it happen (cluster_send_notice); every feature sees it;
 *  - admit: a power-on may be refused (HA admission control);
 *  - mask: hosts a VM may not be placed on right now (rules, evacuation,
 *    failover hosts), each hidden with cluster_mask_host; the controller
 *    restores exactly those after choosing, so a placement costs nothing
 *    per host that no feature masks;
 *  - vm_placed: a power-on was placed;
 *  - lifetime_over / hold_stop: a VM's lifetime ended: a feature that holds
 *    it (waiting for a restart) ends it itself; one that is migrating it
 *    holds the power-off until the migration ends;
 *  - vm_gone: the VM is off for good, its capacity released;
 *  - sample: at every cluster sample;
 *  - make_room: a power-on or a restart found no host: a feature may
 *    migrate other VMs to free one (DRS's prerequisite moves; HA asks DRS
 *    to defragment) or wake a standby host. A power-on then waits (held)
 *    until those moves end (cluster_room_made);
 *  - may_power_down: DPM asks before a host goes to standby (HA objects
 *    when its failover capacity needs the host on);
 *  - room_forget: a VM room was made for no longer waits for it.
 */
#ifndef VDCSIM_MODELS_CORE_CLUSTER_H
#define VDCSIM_MODELS_CORE_CLUSTER_H

#include <stdint.h>

#include "models/core/placement.h"
#include "recorder/recorder.h"
#include "sim/engine.h"

struct model_env;

typedef struct cluster {
    const struct model_env *env;
    /* Its hosts are first_host .. first_host + n_hosts - 1 (all hosts
     * without the `clusters` key); view holds every host, indexed by host,
     * but with `clusters` it is shared by all controllers: a controller
     * (and its features) reads and writes only its own hosts' entries and
     * places only on that slice. */
    uint32_t index;
    uint32_t first_host, n_hosts;
    /* its VMs in id order (NULL without `clusters`: every VM of the run) */
    const uint32_t *vm_ids;
    uint32_t n_vm_ids;
    /* per VM of the run: its index in vm_ids (NULL without `clusters`:
     * the VM id); per-VM state of the controller is sized by its own VMs */
    const uint32_t *vm_local;
    placement_choice placement; /* placement.policy with its arguments */
    placement_host_view *view; /* one per host of the run */
    uint64_t placed;
    uint64_t placement_failures;
    uint64_t log_seq;
    int32_t *vm_host;   /* per own VM (cluster_vm_slot): where the controller placed it, -1 */
    uint64_t arrived;   /* power-on requests received */
    uint64_t live;      /* placed and not yet released */
    uint32_t *queue;    /* VMs waiting for capacity, FIFO */
    uint32_t n_queued, cap_queued;
    struct cluster_held *held; /* power-ons waiting for the migrations that make room for them (make_room), FIFO */
    uint32_t n_held, cap_held;
    uint32_t *masked;   /* hosts masked for the placement being chosen (cluster_mask_host) */
    uint32_t n_masked;
    void **ext;         /* per feature (cluster_feature.slot): its state, or NULL */
    /* free memory over its own hosts (slot i: host first_host + i), kept by
     * cluster_commit / cluster_uncommit for the policy's next_host; NULL
     * until cluster_init_lifecycle */
    struct placement_index *free_index;
} cluster;

/* A power-on waiting for room (cluster.held): the VM and how many times
 * a feature has started moves for it. */
typedef struct cluster_held {
    uint32_t vm;
    uint32_t rounds;
} cluster_held;

/* At most this many rounds of moves make room for one power-on [M]: one
 * whose room was taken meanwhile may try again, but not for ever. */
#define CLUSTER_ROOM_ROUNDS 3u

/* Why a placement is made: a power-on (initial placement, arrival, queued
 * VM) or a restart after a failure. */
typedef enum { CLUSTER_PLACE_POWER_ON = 0, CLUSTER_PLACE_RESTART } cluster_place_purpose;

/* A cluster notice: what a host LP (or a migration's destination) saw
 * happen, for every feature of the controller. Sent with the control
 * latency as a cluster.notice event. */
typedef enum {
    CLUSTER_NOTICE_HOST_DOWN = 1, /* host left service at at_ns (state: its host_state) */
    CLUSTER_NOTICE_HOST_UP,       /* host usable again */
    CLUSTER_NOTICE_VM_FAILED      /* vm went down on host at at_ns (cause: why, models/failures) */
} cluster_notice_kind;

typedef struct cluster_notice {
    int32_t kind;     /* cluster_notice_kind */
    int32_t host;
    uint32_t vm;      /* VM_FAILED only */
    int32_t detail;   /* HOST_DOWN: the host's new state; VM_FAILED: the cause */
    sim_time_ns at_ns;
} cluster_notice;
_Static_assert(sizeof(cluster_notice) <= 48, "a cluster notice fits an event payload");

struct cluster_feature;

/* A plan of migrations being made (a DRS pass): the host it puts each VM
 * of the cluster on (the VM's current host when it does not move it). */
typedef struct cluster_plan {
    int32_t (*host_of)(const void *arg, uint32_t vm_id);
    const void *arg;
} cluster_plan;

typedef struct cluster_hooks {
    const char *name;
    int (*handle)(sim_ctx *ctx, cluster *c, const struct cluster_feature *f, const sim_event *ev);
    void (*observe)(sim_ctx *ctx, cluster *c, const struct cluster_feature *f, const cluster_notice *n);
    /* 1: the power-on may go ahead; 0: refused (the feature logs why). */
    int (*admit)(sim_ctx *ctx, cluster *c, const struct cluster_feature *f, uint32_t vm_id);
    /* Marks hosts unusable in c->view for this placement (never usable ones). */
    void (*mask)(cluster *c, const struct cluster_feature *f, uint32_t vm_id, cluster_place_purpose purpose);
    void (*vm_placed)(cluster *c, const struct cluster_feature *f, uint32_t vm_id, int32_t host_index);
    /* 1: the feature held the VM and has ended it itself. */
    int (*lifetime_over)(sim_ctx *ctx, cluster *c, const struct cluster_feature *f, uint32_t vm_id);
    /* 1: the power-off waits (the feature sends it later). */
    int (*hold_stop)(cluster *c, const struct cluster_feature *f, uint32_t vm_id);
    void (*vm_gone)(cluster *c, const struct cluster_feature *f, uint32_t vm_id);
    void (*sample)(sim_ctx *ctx, cluster *c, const struct cluster_feature *f);
    /* The VM was just given host_index by cluster_choose_and_commit (a
     * power-on or a restart): a feature holding per-host devices for it
     * (vGPUs) takes them there. */
    void (*vm_committed)(cluster *c, const struct cluster_feature *f, uint32_t vm_id, int32_t host_index);
    /* Live migration, for a feature holding per-host devices for a VM
     * (vGPUs), asked by the feature that migrates (DRS) through
     * cluster_move_fits / _begin / _end: move_fits says whether vm_id may
     * go to host now, the plan's other moves counted; move_begin takes the
     * devices at dst and returns the bytes they add to the copy made while
     * the VM is stunned (-1: refused); move_end gives back the source's
     * (arrived) or the destination's (aborted). */
    int (*move_fits)(const cluster *c, const struct cluster_feature *f, uint32_t vm_id, int32_t host_index,
                     const cluster_plan *plan);
    double (*move_begin)(cluster *c, const struct cluster_feature *f, uint32_t vm_id, int32_t src, int32_t dst);
    void (*move_end)(cluster *c, const struct cluster_feature *f, uint32_t vm_id, int32_t src, int32_t dst,
                     int arrived);
    /* A power-on or a restart (purpose) found no host for vm_id: a feature
     * may start live migrations that free one host for it (DRS's
     * prerequisite moves; vSphere HA asks DRS to defragment). 1 when it
     * started some. A restart's next attempt then looks again; a power-on
     * is held until the feature calls cluster_room_made. */
    int (*make_room)(sim_ctx *ctx, cluster *c, const struct cluster_feature *f, uint32_t vm_id,
                     cluster_place_purpose purpose);
    /* A power manager (DPM) would put `host_id` in standby, leaving on the
     * cluster's hosts whose powered_on[i] is 1 (i: index among the
     * cluster's hosts; `host_id`'s is already 0): 0 if the feature needs it on
     * (vSphere HA keeps its failover capacity powered on). */
    int (*may_power_down)(cluster *c, const struct cluster_feature *f, uint32_t host_id, const uint8_t *powered_on);
    /* vm_id, for which make_room may have been asked, no longer waits for
     * room: refused, queued, or its restarts given up (cluster_room_forget). */
    void (*room_forget)(cluster *c, const struct cluster_feature *f, uint32_t vm_id);
} cluster_hooks;

typedef struct cluster_feature {
    const cluster_hooks *hooks;
    void *world;   /* the feature's run-wide state */
    uint32_t slot; /* index into cluster.ext */
} cluster_feature;

/* The i-th of the cluster's VMs (i < cluster_vm_count), in id order. */
static inline uint32_t cluster_vm_count(const cluster *c, uint32_t n_vms) { return c->vm_ids ? c->n_vm_ids : n_vms; }
static inline uint32_t cluster_vm_at(const cluster *c, uint32_t i) { return c->vm_ids ? c->vm_ids[i] : i; }

/* The slot of VM vm_id (one of the cluster's) in per-VM arrays sized by
 * the cluster's own VMs (cluster_vm_count). */
static inline uint32_t cluster_vm_slot(const cluster *c, uint32_t vm_id) { return c->vm_local ? c->vm_local[vm_id] : vm_id; }

static inline void *cluster_ext(const cluster *c, const cluster_feature *f) { return c->ext ? c->ext[f->slot] : NULL; }

/* Sets up the lifecycle bookkeeping for n_vms VMs and the cluster's own
 * hosts (first_host, n_hosts set before); 0 or -1 (no memory). */
int cluster_init_lifecycle(cluster *c, uint32_t n_vms);
void cluster_release(cluster *c);

/* Chooses a host for the VM with the placement policy, on the hosts the
 * features leave usable for this purpose, and commits it in the view
 * (memory, expected CPU, the VM's host): the host index, or -1 if none
 * fits. Placement and restarts both go through it. */
int32_t cluster_choose_and_commit(cluster *c, uint32_t vm_id, cluster_place_purpose purpose);

/* The same with another policy (an HA restart policy) and, for it, the
 * failover-host flags (NULL or one per host). */
int32_t cluster_choose_and_commit_with(cluster *c, uint32_t vm_id, cluster_place_purpose purpose,
                                       const placement_choice *pc, const uint8_t *failover_host);

/* Live migration of vm_id and the features' devices (cluster_hooks
 * move_*): 1 if every feature lets it go to host; the stun bytes of its
 * devices (sum over the features; -1 if one refuses: nothing is held);
 * the end, arrived or not. */
int cluster_move_fits(const cluster *c, uint32_t vm_id, int32_t host_index, const cluster_plan *plan);
double cluster_move_begin(cluster *c, uint32_t vm_id, int32_t src, int32_t dst);
void cluster_move_end(cluster *c, uint32_t vm_id, int32_t src, int32_t dst, int arrived);

/* Asks the features to make room for vm_id (cluster_hooks make_room), in
 * feature order until one starts moves: 1 if one did, else 0. */
int cluster_make_room(sim_ctx *ctx, cluster *c, uint32_t vm_id, cluster_place_purpose purpose);

/* vm_id no longer waits for the room make_room made (cluster_hooks
 * room_forget). */
void cluster_room_forget(cluster *c, uint32_t vm_id);

/* The cluster's own hosts' placement view (c->n_hosts entries into out) as
 * a power-on of vm_id would see it: the features' masks applied (standby,
 * evacuating, dedicated failover hosts, rules), then lifted again. */
void cluster_view_for(cluster *c, uint32_t vm_id, placement_host_view *out);

/* Asks the features whether `host_id` may go to standby (cluster_hooks
 * may_power_down): 1 if none objects. */
int cluster_may_power_down(cluster *c, uint32_t host_id, const uint8_t *powered_on);

/* For the feature that made room for held power-ons: one of its
 * migrations ended. The held VMs try again, in order; when none of its
 * room-making migrations is still open (more_coming 0), the first that
 * still fits nowhere asks for room again (at most CLUSTER_ROOM_ROUNDS
 * times) and the rest wait behind it; one out of rounds gets what a
 * power-on without room gets (refused, or queued). */
void cluster_room_made(sim_ctx *ctx, cluster *c, int more_coming);

/* What vm_id asks of a host: the request placement_fits checks. */
placement_request cluster_vm_request(const cluster *c, uint32_t vm_id);

/* The same for a VM's spec (no cluster needed: the placement preview). */
struct vm_spec;
placement_request cluster_spec_request(const struct vm_spec *vs);

/* For a mask hook: hides a host from the placement being chosen (another
 * cluster's host is ignored: the placement never looks at it). */
void cluster_mask_host(cluster *c, uint32_t host_index);

/* Adds the VM's memory, expected CPU and SR-IOV virtual function (if it has
 * one) to `host` in the view (a VM placed, restarted or migrated there). */
void cluster_commit(cluster *c, uint32_t vm_id, int32_t host_index);

/* Takes them off again (a VM that stopped, failed or left). */
void cluster_uncommit(cluster *c, uint32_t vm_id, int32_t host_index);

/* The VM is off for good and its capacity already released: the
 * controller forgets it and lets queued VMs in. */
void cluster_vm_gone(sim_ctx *ctx, cluster *c, uint32_t vm_id);

/* Appends an event-log record from the controller. */
void cluster_log(sim_ctx *ctx, cluster *c, int kind, int64_t subject, int64_t a, int64_t b, double value);

/* Sends a notice to the controller (from any LP), after the control latency. */
void cluster_send_notice(sim_ctx *ctx, const struct model_env *env, const cluster_notice *n);

/* Sends vm.start / vm.stop for vm_id to host `host_index` after the control latency. */
void cluster_send_start(sim_ctx *ctx, cluster *c, uint32_t vm_id, int32_t host_index);
void cluster_send_stop(sim_ctx *ctx, cluster *c, uint32_t vm_id, int32_t host_index);

/* A series of one value per cluster: /series/cluster/<name> without
 * `clusters`; with it /series/clusters/<name> (one column per cluster,
 * entities /tables/clusters) and, when `total`, /series/cluster/<name>,
 * the sum over the clusters. Returns the id to put into with column
 * c->free_index, or -1 (recorder_error()). */
int cluster_series_new(recorder *rec, const struct model_env *env, const char *name, const char *unit,
                       sim_time_ns period_ns, int total);

void cluster_handle(sim_ctx *ctx, void *state, const sim_event *ev);

#endif
