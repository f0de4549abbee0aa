/* drs.h - vSphere DRS load balancing and initial placement as pure,
 * deterministic functions over plain structs (no engine, no scenario).
 *
 * The cluster controller LP fills a drs_cluster from its own view of the
 * hosts (their VM_STATS messages, models/vsphere/drs_controller.c) and calls
 * drs_pass() every drs.period; it executes the returned moves as vMotions.
 * docs/vsphere.md
 * gives the equations and their sources; in short:
 *
 *   N_h,r = sum_{v on h} E_v,r / C_h,r          r in {cpu, mem}
 *   I_r   = population std dev of N_h,r over the balancing hosts
 *   I     = max(I_cpu, I_mem)  (or weighted by cluster utilisation)
 *   I_target(T, H) = (5 - T) / (10 sqrt(H)),  T = migration threshold 1..5
 *   while I > I_target and moves < max_moves: apply the single move with the
 *   largest goodness I - I' that passes MinGoodness, cost-benefit, rules,
 *   reservations and the per-host vMotion limit.
 *
 * Balancing hosts: state UP and not a dedicated HA failover host. Hosts in
 * state MAINTENANCE are evacuated (mandatory priority-1 moves) and take no
 * VMs; DOWN hosts (failed, standby) are ignored together with their VMs.
 */
#ifndef VDCSIM_MODELS_DRS_H
#define VDCSIM_MODELS_DRS_H

#include <stdint.h>

#include "models/vsphere/drs_rules.h"
#include "models/vsphere/vmotion.h"

typedef enum { DRS_HOST_UP, DRS_HOST_MAINTENANCE, DRS_HOST_DOWN } drs_host_state;

typedef struct drs_host {
    double cpu_capacity_mhz;   /* root resource pool capacity */
    double mem_capacity_mib;
    drs_host_state state;
    int failover_host;         /* HA dedicated failover host: DRS puts nothing here */
    double vmotion_nic_gbps;   /* vMotion link speed: limit 4 below 10 Gbps, else 8 */
    uint32_t vmotions_in_flight; /* started by an earlier pass and still running */
    uint32_t sriov_vfs;        /* SR-IOV virtual functions on the host's NICs */
} drs_host;

typedef struct drs_vm {
    int32_t host;                 /* current host, -1 when not placed */
    double cpu_entitlement_mhz;   /* dynamic entitlement E_v (DRS's view) */
    double mem_entitlement_mib;
    double cpu_reservation_mhz;
    double mem_reservation_mib;   /* reservation + overhead */
    double memory_mib;            /* configured memory: what vMotion copies */
    double dirty_rate_mib_per_s;  /* page dirtying while it runs */
    uint32_t sriov_vfs;           /* VFs it holds; > 0 pins it (never migrated) */
    int pinned;                   /* passthrough or otherwise not migratable */
} drs_vm;

typedef struct drs_cluster {
    const drs_host *hosts;
    uint32_t n_hosts;
    const drs_vm *vms;
    uint32_t n_vms;
    const drs_rule *rules;        /* may be NULL */
    uint32_t n_rules;
} drs_cluster;

typedef enum { DRS_COMBINE_MAX, DRS_COMBINE_WEIGHTED } drs_combine; /* drs.combine, in order */

/* drs.search, in order: how a load-balancing step finds its move. FULL:
 * scores every movable VM against every balancing host (O(VMs x hosts) per
 * move; vdcsim's only search up to 2026-12). PRUNED: the same move, found
 * by branch and bound: hosts grouped by capacity and sorted by load, the
 * scan of a group cut where no later host can beat the best move so far
 * (docs/vsphere.md, "Cost of a pass"). */
typedef enum { DRS_SEARCH_PRUNED, DRS_SEARCH_FULL } drs_search;
#define VDCSIM_DRS_HAS_SEARCH 1 /* for bench/bench_drs_pass.c built against older sources */

typedef struct drs_params {
    int threshold;               /* migration threshold 1 (conservative) .. 5; default 3 */
    uint32_t max_moves_per_pass; /* default 64 */
    uint32_t max_moves_per_host; /* 0: the host's vMotion concurrency limit */
    double min_goodness;         /* goodness must exceed this; default 0 */
    int cost_benefit;            /* 1: apply the cost-benefit filter (default) */
    double gain_duration_s;      /* T_stable: how long the gain lasts; default 300 */
    double tracing_slowdown;     /* delta: VM CPU lost to page tracing during vMotion; default 0.1 */
    drs_combine combine;         /* default DRS_COMBINE_MAX */
    vmotion_params vmotion;      /* downtime target, round limit (memory and rate come per VM) */
    double core_mhz;             /* for the vMotion CPU reservation; default 2000 */
    double period_s;             /* invocation period, 300 as in vSphere 6.x; informative here */
    drs_search search;           /* default DRS_SEARCH_PRUNED */
    int search_check;            /* 1: with PRUNED, also run the full search at every step and count
                                  * the steps where it would pick another move (tests, benchmarks) */
    /* Devices (vGPUs): 0 when VM v may not go to host h with `assignment`
     * (the pass's moves so far included). NULL (default): no device limits. */
    int (*device_fits)(const void *arg, uint32_t v, uint32_t h, const int32_t *assignment);
    const void *device_arg;
} drs_params;

void drs_params_default(drs_params *p);

typedef struct drs_move {
    uint32_t vm;
    int32_t from, to;
    int priority;            /* 1 mandatory; 2..5 load balancing */
    double goodness;         /* I before - I after */
    double imbalance_after;
    double migration_time_s; /* pre-copy estimate at the vMotion link rate */
} drs_move;

typedef enum {
    DRS_STOP_BALANCED,   /* I <= I_target (or threshold 1) */
    DRS_STOP_NO_MOVE,    /* no single move passes the filters */
    DRS_STOP_MAX_MOVES   /* hit max_moves_per_pass */
} drs_stop_reason;

typedef struct drs_pass_result {
    uint32_t n_moves;
    uint32_t n_mandatory;
    double imbalance_before;
    double imbalance_after;
    double target;
    drs_stop_reason stop;
    uint32_t n_search_checked;    /* search_check: load-balancing steps compared */
    uint32_t n_search_differ;     /* ... where the full search picks another (VM, host) */
} drs_pass_result;

/* Target imbalance for threshold T in 2..5 and H hosts; 1 gives INFINITY
 * (mandatory moves only). */
double drs_target_imbalance(int threshold, uint32_t hosts);

/* Priority of a load-balancing move made at imbalance I with H hosts:
 * 6 - ceil(10 I sqrt(H)) clamped to [2, 5]. */
int drs_move_priority(double imbalance, uint32_t hosts);

/* Per-resource and combined imbalance of `assignment` (VM -> host). Uses the
 * cluster's balancing hosts; *cpu and *mem may be NULL. */
double drs_imbalance(const drs_cluster *c, const int32_t *assignment, drs_combine combine, double *cpu,
                     double *mem);

/* The combined imbalance drs_imbalance() gives, from per-host sums kept by
 * the caller instead of a VM array: entitled[r][h] the sum of E_v,r of the
 * VMs on host h, added in VM index order from 0.0 (the order drs_imbalance
 * adds them in, so the value is the same bit for bit); demand[r] the same
 * sum over the VMs on hosts not DOWN (it sets the weights of
 * DRS_COMBINE_WEIGHTED); load[r]: n_hosts doubles of scratch each. O(hosts),
 * no allocation. */
double drs_imbalance_of_sums(const drs_host *hosts, uint32_t n_hosts, double *const entitled[2],
                             double *const load[2], const double demand[2], drs_combine combine);

/* Normalised load N_h of one host for cpu (resource 0) or memory (1). */
double drs_host_load(const drs_cluster *c, const int32_t *assignment, uint32_t host, int resource);

/* One DRS invocation. `assignment` (n_vms entries) starts as the VMs'
 * current hosts and is updated with every move; moves[0..max_moves) receives
 * the moves in order (mandatory first). Returns the number of moves, or -1
 * on a bad argument or allocation failure. */
int drs_pass(const drs_cluster *c, const drs_params *p, int32_t *assignment, drs_move *moves,
             uint32_t max_moves, drs_pass_result *out);

/* Cost-benefit of moving VM v from its host in `assignment` to host `to`
 * (positive: worth it). Exposed for the tests. */
double drs_cost_benefit(const drs_cluster *c, const drs_params *p, const int32_t *assignment, uint32_t v,
                        int32_t to);

/* Initial placement (drs_placement.c): the host for powering on VM v (its
 * assignment entry is ignored) giving the least combined imbalance among
 * balancing hosts where its reservations fit next to the reservations
 * already there, its SR-IOV VFs are free and the hard rules hold; hosts that
 * also keep the soft rules are preferred. Ties go to the lower index.
 * Returns the host, or -1 if none is feasible; *soft_violation (may be NULL)
 * is set to 1 when the chosen host breaks a soft rule. */
int32_t drs_place(const drs_cluster *c, drs_combine combine, const int32_t *assignment, uint32_t v,
                  int *soft_violation);

/* The same choice for a controller that keeps only per-host sums: each
 * host's capacities, the entitlements it has committed there, whether it is
 * a balancing host and whether the VM is feasible there (the caller's fit
 * and rule checks). Least resulting combined imbalance over the balancing
 * hosts, ties to the lower index; -1 if no balancing host is feasible (or
 * out of memory). O(n_hosts). */
typedef struct drs_load_view {
    double cpu_capacity_mhz, mem_capacity_mib;
    double cpu_entitled_mhz, mem_entitled_mib;
    int balancing;
    int feasible;
} drs_load_view;

int32_t drs_place_by_load(const drs_load_view *hosts, uint32_t n_hosts, double vm_cpu_mhz, double vm_mem_mib,
                          drs_combine combine);

/* The same choice, bit for bit, with feasibility asked of fits(arg, h)
 * (hosts[].feasible unread) only for the hosts that would win: the least
 * imbalance first, then the next if it does not fit (a full cluster falls
 * back to asking every balancing host once). fits must have no side
 * effects. O(n_hosts) when the winner fits. */
int32_t drs_place_by_load_fits(const drs_load_view *hosts, uint32_t n_hosts, double vm_cpu_mhz, double vm_mem_mib,
                               drs_combine combine, int (*fits)(const void *arg, uint32_t h), const void *arg);

/* Whether VM v fits on host h next to the VMs `assignment` puts there:
 * reservations (CPU, memory + overhead) and SR-IOV VFs. */
int drs_fits(const drs_cluster *c, const int32_t *assignment, uint32_t v, uint32_t h);

#endif
