/* drs_controller.h - DRS, vMotion and rules driven as events between the
 * cluster controller LP and the host LPs (docs/vsphere.md, "The controller:
 * DRS every period and vMotion as events").
 *
 * The algorithms are the pure functions of drs.h and vmotion_set.h; this
 * module feeds them from messages and turns their output into messages:
 *
 *   host  stages its VMs' stats ----> controller   every drs.period, no message
 *         (for each of its VMs: cpu entitlement from the contention step,
 *         memory entitlement, dirty rate, in d->stage, stamped with the
 *         host and the round; the controller pulls them a control latency later,
 *         where each host's message would have arrived: drs_stage.h;
 *         VM_STATS, one message per VM, only for a VM of another cluster's
 *         controller)
 *   controller (self) drs.stats at each staging sample + 1 control latency:
 *         takes the stats no earlier event of the controller took
 *   controller (self) DRS_TICK every drs.period, 2 control latencies after the stats
 *         drs_pass on its own view; each move becomes a vmotion_set request
 *   controller (self) TIMER at ceil(vmotion_set_next_s), with a generation number
 *   controller --drs.host PAUSE--------> source       at STOP_COPY (VM running -> migrating)
 *   controller --drs.host HANDOVER-----> source       at DONE
 *   source     --drs.host ARRIVE-------> destination  the VM leaves the source
 *                                                     (host_vm_leave: features such as the
 *                                                     kubelet send what goes with it after)
 *   destination --drs.cluster ARRIVED--> controller   its view moves the VM
 *   controller --drs.host VMOTION_CPU--> host         vMotion CPU reservation on/off
 *
 * Races: the controller aborts a migration whose VM fails or whose source or
 * destination goes down (the core's cluster notices); a paused
 * VM is resumed on its source. A power-off (lifetime end) of a VM in flight
 * is held until the migration ends. A handover that finds the VM no longer
 * paused on its source is reported back and the migration is void.
 *
 * Maintenance (with drs.enabled), the protocol of models/core/host.h: a
 * host whose maintenance window is requested holds it and asks the
 * controller to evacuate it; the controller marks it MAINTENANCE in its DRS
 * view (mandatory moves), and when nothing movable is left on it and
 * nothing is in flight to or from it, tells the host, which grants the
 * window (host_grant_maintenance; the failure module then shuts down what
 * is left, e.g. pinned VMs).
 *
 * DPM (dpm.enabled), after each pass: with U = max over CPU and memory of
 * (entitlements of the VMs) / (capacity of the hosts on), when U >
 * dpm.high_utilization one standby host (lowest index) is told to boot and
 * takes VMs after dpm.boot_delay; when U < dpm.low_utilization and, without
 * the least loaded host (ties: highest index; only hosts whose VMs can all
 * move), U would stay below the middle of the band, that host is evacuated
 * like for maintenance and then goes to standby (standby_power). One host
 * per pass; at least one host stays on.
 *
 * Ownership: `ctl` belongs to the cluster LP; hosts[i] to host LP i. The
 * controller reads of the hosts' state only what they staged (stage,
 * declared shared: drs_stage.h), hosts never read `ctl`.
 */
#ifndef VDCSIM_MODELS_DRS_CONTROLLER_H
#define VDCSIM_MODELS_DRS_CONTROLLER_H

#include <stdint.h>
#include <stdio.h>

#include "models/policies/policy_args.h"
#include "models/vsphere/drs.h"
#include "models/vsphere/drs_stage.h"
#include "vdcsim/drs.h"
#include "vdcsim/placement.h"
#include "models/vsphere/vmotion_set.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

struct model_env;
struct cluster;
struct host;
struct host_spec;
struct host_scratch;
struct host_totals;
struct recorder;

/* Operations of the module's two event kinds (drs_msg.op). */
typedef enum {
    DRS_OP_VM_STATS = 1, /* cluster: a VM's stats (drs_stats_msg) */
    DRS_OP_TICK,         /* cluster (self): run a DRS pass */
    DRS_OP_TIMER,        /* cluster (self): `generation` */
    DRS_OP_ARRIVED,      /* cluster: `vm` arrived, migration `record` */
    DRS_OP_HANDOVER_FAILED, /* cluster: `vm`, `record` */
    DRS_OP_EVACUATE,     /* cluster: `host` wants to enter maintenance */
    DRS_OP_PAUSE,        /* host: `vm` */
    DRS_OP_RESUME,       /* host: `vm` (migration aborted while paused) */
    DRS_OP_HANDOVER,     /* host (source): `vm` goes to `host`, migration `record` */
    DRS_OP_ARRIVE,       /* host (destination): `vm` from `host`, migration `record` */
    DRS_OP_VMOTION_CPU,  /* host: `cpu_mhz` reserved for vMotion (0: none) */
    DRS_OP_ENTER_MAINTENANCE, /* host: evacuation over, the maintenance window may begin */
    DRS_OP_STANDBY,      /* host: DPM, evacuated: power down to standby */
    DRS_OP_POWER_ON,     /* host: DPM, boot (dpm.boot_delay) */
    DRS_OP_BOOTED,       /* host (self): the boot is over */
    DRS_OP_HOST_READY,   /* cluster: `host` is back from standby */
    DRS_OP_THROTTLE      /* host (source): SDPS runs `vm` at `guest_speed` (1: no longer) */
} drs_op;

/* The payload of both DRS kinds (except VM_STATS). */
typedef struct drs_msg {
    int32_t op; /* drs_op */
    uint32_t vm;
    int32_t host;   /* EVACUATE, HOST_READY: the host; HANDOVER: destination; ARRIVE: source */
    int32_t record; /* the migration record (ARRIVED, HANDOVER_FAILED, HANDOVER, ARRIVE) */
    uint64_t generation; /* TIMER */
    double cpu_mhz;      /* VMOTION_CPU */
    double guest_speed;  /* THROTTLE: the VM's CPU speed factor under SDPS (1: none) */
} drs_msg;
_Static_assert(sizeof(drs_msg) <= SIM_EVENT_PAYLOAD_BYTES, "a DRS message fits an event payload");

/* DRS_OP_VM_STATS: what a host reports of one VM every DRS period. */
typedef struct drs_stats_msg {
    int32_t op; /* DRS_OP_VM_STATS */
    uint32_t vm;
    int32_t running;
    int32_t unused;
    double cpu_mhz;           /* CPU entitlement from the contention step */
    double mem_mib;           /* memory entitlement (docs/vsphere.md) */
    double dirty_bytes_per_s; /* page dirty rate */
} drs_stats_msg;
_Static_assert(sizeof(drs_stats_msg) <= SIM_EVENT_PAYLOAD_BYTES, "DRS stats fit an event payload");

/* A VM's memory overhead is a function of (vCPUs, memory) only: computed
 * once per VM group, for the shape of the group's first VM (a VM of another
 * shape computes its own). */
typedef struct drs_group_overhead {
    const struct vm_group_spec *gs; /* the shape it was computed for (NULL: the group has no VM) */
    uint32_t vcpus;
    uint64_t memory_mib;
    double overhead_mib; /* vsphere_vm_overhead_mib(vcpus, memory_mib) */
} drs_group_overhead;

/* Why a migration was made: the `reason` column of /tables/vmotions. */
typedef enum {
    DRS_REASON_BALANCE = 0,
    DRS_REASON_MAINTENANCE,
    DRS_REASON_RULE,
    DRS_REASON_HA_DEFRAG,   /* room for a VM HA could not restart */
    DRS_REASON_PREREQUISITE /* room for a power-on that found no host */
} drs_reason;

/* At most this many migrations make room for one VM (drs_defrag.h) [M]. */
#define DRS_DEFRAG_MAX_MOVES 8u

/* Room a make_room plan frees on one host for one VM (drs_make_room):
 * later plans count it as taken, so that VMs failed in the same tick get
 * a host each, until the VM is placed or gone, asks again, or
 * DRS_PROMISE_NS passes [M]. */
typedef struct drs_promise {
    uint32_t vm;
    uint32_t host;               /* index among the cluster's hosts */
    sim_time_ns expires_ns;
    vdcsim_placement_request req;
} drs_promise;

/* A move of a pass that waits for another (vSphere's recommendations
 * name their prerequisites): VM `vm` goes from `src` to `dst` once
 * `after_vm`, anti-affine to it, has left `dst` (drs_controller.c). */
typedef struct drs_deferred {
    uint32_t vm, after_vm;
    int32_t src, dst;
    uint8_t reason; /* a drs_reason */
    uint8_t state;  /* 0 waiting, 1 its prerequisite arrived, 2 it failed */
} drs_deferred;

/* How long a promise holds: HA's default retries span 30 minutes
 * (+2, +6, +14, +30 min) [M]. */
#define DRS_PROMISE_NS (30LL * 60 * 1000000000LL)

/* One migration, kept for /tables/vmotions. */
typedef struct drs_migration {
    uint32_t vm;
    int32_t src, dst;
    int32_t set_id;          /* id in the vmotion_set while it runs, -1 after */
    int32_t saved_host;      /* placement mask scratch */
    int32_t rounds;
    sim_time_ns requested_ns, started_ns, done_ns;
    double bytes, duration_s, downtime_s;
    double sdps_min_speed;   /* lowest guest speed under SDPS (1: never slowed) */
    double sdps_throttled_s; /* live-round time the guest ran slowed */
    uint8_t reason;          /* a drs_reason */
    uint8_t outcome;         /* 0 in flight, 1 done, 2 aborted */
    uint8_t paused;          /* STOP_COPY reached: the source was told to pause it */
    uint8_t stop_pending;    /* a power-off waits for the migration to end */
    uint8_t throttled;       /* SDPS slowed the guest down: the source was told */
    uint8_t room_watch;      /* a held power-on waits for it to leave its source (drs_make_room) */
} drs_migration;
/* One record per move of the run, kept for /tables/vmotions at the end:
 * the small fields as bytes (120 -> 112 bytes; issue 18, memory). */
_Static_assert(sizeof(drs_migration) <= 112, "drs_migration stays packed");

/* Migration records live in chunks of DRS_MIG_CHUNK that never move: a
 * run's records grow with its length (about 1,500 moves a day in the
 * headline scenario), and a doubling array held up to twice their bytes
 * and copied them at every doubling (docs/clusters.md "Memory, fourth
 * pass"). A chunk whose records are all closed is never read again before
 * the table is written: it is parked in the run's spill store (sim/spill.h)
 * and its memory freed, so a cluster holds only its open chunk or two
 * ("Memory, fifth pass"; 16 records: 1.8 KB per cluster). */
#define DRS_MIG_CHUNK 16u

/* One chunk of records: in memory, or parked at `parked_at` in the spill
 * store (records NULL). */
typedef struct drs_mig_chunk {
    drs_migration *records;
    int64_t parked_at;
} drs_mig_chunk;

/* Host-side state of one host (owned by its LP). */
typedef struct drs_host_side {
    double vmotion_cpu_mhz;        /* reserved while vMotions run here */
    int evacuating;                /* a maintenance window waits for the evacuation */
    int standby;                   /* DPM: in standby or booting; draws standby power */
    sim_time_ns maintenance_ns;    /* its duration (-1: ended by an explicit end) */
    /* VMs SDPS slows down here (as source), at most the 8 vMotions a host runs */
    uint32_t n_throttled;
    int drs_on;                    /* DRS runs in the host's cluster (fixed at build) */
    uint32_t throttled_vm[8];
    double throttled_speed[8];
} drs_host_side;

/* What one host's staged stats showed about the view's per-host sums
 * (drs_controller.c, take_stats_range): how many VMs it reported, whether
 * the view has some of them elsewhere (non-zero), and their entitlements
 * added in slot order. */
typedef struct drs_stats_sums {
    double cpu_mhz, mem_mib;
    uint32_t n, away;
} drs_stats_sums;

/* The controller's own state (owned by the cluster LP). */
typedef struct drs_ctl {
    /* its view, from VM_STATS and the failure module's messages; the
     * per-VM arrays hold the cluster's own VMs, VM v at drs_vm_slot(k, v) */
    const uint32_t *vm_local; /* model_env.vm_local: NULL means the VM id */
    double *vm_cpu_mhz, *vm_mem_mib, *vm_dirty_bytes_per_s;
    uint8_t *vm_running;      /* last report: running */
    int32_t *vm_migration;    /* record index while in flight, else -1 */
    /* the per-host arrays (host_state .. hosts, the vMotion set) hold
     * hosts host0 .. host0 + n_host_slots - 1, host h at drs_host_slot(k, h):
     * in the local view only the cluster's own hosts, else every host */
    uint32_t host0, n_host_slots;
    drs_host_state *host_state;
    uint8_t *host_evacuating;
    sim_time_ns *evacuation_start_ns;
    uint8_t *evacuation_for_standby; /* DPM evacuation, not maintenance */
    uint8_t *host_standby;    /* DPM: 0 on, 1 standby, 2 booting */
    double *nic_gbps;
    uint8_t *cpu_charged;     /* the host was told a vMotion CPU reservation is in force */
    vmotion_event *evbuf;     /* what the set reports */
    uint32_t evcap;
    vmotion_set set;
    uint64_t timer_gen;
    drs_mig_chunk *mig_chunks; /* record i: mig_chunks[i / DRS_MIG_CHUNK].records[i % DRS_MIG_CHUNK] */
    uint32_t n_migs, n_mig_chunks;
    uint32_t first_open;      /* records before it are all closed */
    uint32_t n_mig_parked;    /* chunks before it are parked (or kept: the store refused) */
    struct spill *mig_spill;  /* the world's store, shared by the clusters (NULL: keep all) */
    uint32_t *host_in_flight; /* open records touching each host */
    double *host_load;        /* DPM scratch: entitled CPU per host */
    double *view_sums;        /* 4 x the cluster's hosts: entitlement sums and loads (view_imbalance) */
    /* the sums in view_sums are kept between calls: while sums_ok they
     * are those a walk over the view's VMs would give, bit for bit, and
     * view_count holds the VMs behind each host's (drs_controller.c) */
    uint32_t *view_count;
    int sums_ok;
    /* prerequisite moves (DRS_REASON_PREREQUISITE) still open, and whether
     * one ended since the held power-ons last tried (cluster_room_made) */
    uint32_t prerequisites_open;
    int room_made;
    drs_promise *promises;    /* make_room's plans not yet used (drs_promise) */
    uint32_t n_promises, cap_promises;
    drs_deferred *deferred;   /* the last pass's moves waiting for another (drs_deferred) */
    uint32_t n_deferred, cap_deferred;
    int deferred_ready;       /* one's prerequisite ended during the event */
    /* the stats pull (drs_stage.h): the staging sample whose stats are
     * not all taken yet, and how many of the cluster's hosts' are */
    sim_time_ns stats_sample_ns;
    uint32_t stats_hosts_taken;
    drs_stats_sums *stats_sums; /* scratch of a pull: per cluster host (c->n_hosts) */
    uint8_t *host_stuck;      /* DPM scratch: holds a VM that cannot move */
    /* per host slot: what its spec fixes (capacities, SR-IOV functions), read
     * at every pass and sample instead of the 200-byte host_spec */
    drs_host *host_fixed;
    /* scratch for a pass */
    drs_host *hosts;
    drs_vm *vms;              /* full view only (NULL in a local view: allocated by each pass that needs it) */
    int32_t *assignment;      /* likewise */
    drs_move *moves;          /* drs.max_moves_per_pass + 1 */
    /* with `clusters`, no rules and a built-in policy: a pass sees the
     * cluster's own VMs only, renumbered (drs_controller.c) */
    int local;
    /* vms[] of a full view hold the VMs' static fields (reservations,
     * memory, VFs: from vm_spec, fixed for the run), written by the first
     * pass; later passes write the dynamic fields only */
    int vms_static_set;
    uint64_t passes, moves_total;
    double last_imbalance;
} drs_ctl;

static inline uint32_t drs_host_slot(const drs_ctl *k, uint32_t h) { return h - k->host0; }
/* Migration record i (first_open <= i < k->n_migs: the records before
 * first_open may be parked; drs_build.c reads those back at the end). */
static inline drs_migration *drs_mig(const drs_ctl *k, uint32_t i)
{
    return &k->mig_chunks[i / DRS_MIG_CHUNK].records[i % DRS_MIG_CHUNK];
}

static inline uint32_t drs_vm_slot(const drs_ctl *k, uint32_t vm_id) { return k->vm_local ? k->vm_local[vm_id] : vm_id; }

typedef struct drs_env {
    int enabled;               /* drs.enabled: passes, vMotions, evacuation (in this cluster) */
    int any_enabled, any_dpm;  /* in the world: DRS / DPM in some cluster (docs/clusters.md) */
    /* drs.policy from the DRS registry with drs.args; a NULL pass is the
     * built-in vsphere policy, run here with drs_pass(). */
    const vdcsim_drs_policy *policy;
    policy_args policy_args;
    vdcsim_drs_host *ext_hosts; /* scratch views for a policy that is not built in */
    vdcsim_drs_vm *ext_vms;
    vdcsim_drs_move *ext_moves;
    sim_time_ns period_ns;
    drs_params params;
    vmotion_params vmotion;    /* downtime target, rounds, switchover */
    double *dirty_mb_per_s;    /* per VM group: at full vCPU use */
    drs_group_overhead *group_overhead; /* per VM group (n_groups): its VMs' memory overhead */
    uint32_t n_groups;
    uint8_t *vm_pinned;        /* per VM: passthrough or SR-IOV */
    drs_rule *rules;
    uint32_t n_rules;
    uint32_t *rule_members;    /* storage for the rules' vms and hosts */
    drs_rule_index rule_index;
    int dpm;                   /* dpm.enabled */
    int prerequisite_moves;    /* drs.prerequisite_moves: a power-on without room migrates others first */
    double dpm_low, dpm_high;  /* utilisation band */
    sim_time_ns dpm_boot_ns;
    double standby_w;
    drs_host_side *hosts;
    drs_stats_stage *stage;    /* per VM (shared by every cluster's copy) */
    /* per host: drs_stage_stamp(round, 0) of the last round it staged at
     * (0: never). Lets a controller skip its block when no host of a range
     * staged: reading records no host ever wrote would bring the whole
     * block's pages in during the first windows, 3.2 MiB onto the headline
     * run's peak (a read fault maps a page in this VM's kernel). */
    uint32_t *host_staged;
    drs_ctl ctl;
    /* with `clusters`, in the module's world: every cluster's DRS, [0] the
     * world itself; the others are copies of it with their own ctl and
     * policy scratch, sharing the rest (docs/clusters.md) */
    struct drs_env **cluster_envs;
    uint32_t n_cluster_envs;
    uint32_t kind_cluster, kind_host;
    uint32_t kind_stats;       /* the controller's pull (self) */
    uint32_t cluster_priority; /* drs.cluster's: a host's stats come at it (drs_stage_hosts_before) */
    /* recorder ids, -1 when absent */
    int series_imbalance, series_in_flight, series_standby;
    int log_pass, log_move, log_vmotion_started, log_vmotion_done, log_vmotion_aborted, log_evacuated, log_standby, log_power_on;
} drs_env;

/* A pass of d->policy when it is not the built-in one (drs_policy_pass.c),
 * with drs_pass()'s arguments and results: its moves checked as
 * include/vdcsim/drs.h says. */
int drs_policy_pass(const drs_env *d, const drs_cluster *cl, const drs_params *p, int32_t *assignment,
                    drs_move *moves, uint32_t max_moves, drs_pass_result *out);

struct model_module;
struct host_hooks;
struct cluster_hooks;

/* The DRS module (models/core/module.h): built from drs.*, vmotion.*,
 * dpm.*, rules and the per-VM keys (nothing runs when DRS is off and there
 * are no rules); host hooks (drs_host.c) and cluster hooks (drs_controller.c). */
extern const struct model_module drs_module;
extern const struct host_hooks drs_host_hooks;
extern const struct cluster_hooks drs_cluster_hooks;

#endif
