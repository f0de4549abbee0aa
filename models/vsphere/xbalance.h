/* xbalance.h - cross-cluster rebalancing under one vCenter
 * (vcenter.cross_cluster_balance; docs/clusters.md, "Cross-cluster
 * rebalancing"), after Aria Operations' workload optimization: vSphere
 * DRS never moves a VM out of its cluster, Aria Operations (vRealize
 * Operations 8.10) rebalances the clusters of a datacenter with
 * cross-cluster vMotion.
 *
 * It runs on the vcenter LP of cross-cluster vMotion (xvmotion.h); every
 * move it starts is one of the candidates planned at build time
 * (datacenter.h: one per VM and cluster it may go to, with a twin) and
 * runs as a scheduled move does (target's admission control and
 * placement, vMotion slots, the shared inter-cluster link). A pass, every
 * `period`:
 *   1. vcenter asks each cluster with DRS for its load (the controller's
 *      view: expected CPU demand and memory of its placed VMs against the
 *      CPU and placeable memory of its usable hosts);
 *   2. with every answer in: the most loaded cluster (utilization = the
 *      larger of the CPU and memory fractions) and the least loaded one it
 *      may send VMs to (xbal_choose_pair); nothing when the spread is at
 *      most the balance setting's tolerance and the source is within the
 *      headroom limit;
 *   3. the source controller picks up to max_moves VMs, one at a time, each
 *      the VM whose move leaves the smallest spread (xbal_pick_next), and
 *      asks the target to reserve each twin;
 * A pass is skipped while moves of the previous one are in flight. Each
 * pass that moves VMs is a row of /tables/xbalance; each move a row of
 * /tables/xvmotions with reason "balance".
 */
#ifndef VDCSIM_MODELS_VSPHERE_XBALANCE_H
#define VDCSIM_MODELS_VSPHERE_XBALANCE_H

#include <stdint.h>

#include "sim/engine.h"

/* A cluster's load as its controller sees it. */
typedef struct xb_load {
    double cpu_used_mhz, cpu_cap_mhz;
    double mem_used_mib, mem_cap_mib;
} xb_load;

/* The larger of cpu_used/cpu_cap and mem_used/mem_cap (a capacity of 0
 * counts as fully used when something uses it, else as empty). */
double xbal_utilization(const xb_load *l);

/* The spread above which a pass moves VMs for a balance setting
 * ("aggressive" 0.10, "moderate" 0.20, "conservative" 0.30 [M]); -1 for an
 * unknown name. */
double xbal_tolerance(const char *balance);

/* Chooses the pass's pair among n clusters: the source is the cluster of
 * highest utilization among those taking part (ties: lower index), the
 * target the cluster of lowest utilization it may send to (pair[s * n + t],
 * ties: lower index). 1 (with *src, *dst) when a move is due: the spread
 * exceeds `tolerance`, or the source is above `limit` (1 - headroom) and
 * the target below it; else 0. takes_part[k] 0: left out (no answer, no
 * usable host). */
int xbal_choose_pair(const xb_load *loads, const uint8_t *takes_part, const uint8_t *pair, uint32_t n,
                     double tolerance, double limit, uint32_t *src, uint32_t *dst);

/* One VM the source may move: its expected CPU demand and memory. */
typedef struct xb_vm {
    double cpu_mhz, mem_mib;
} xb_vm;

/* The next VM to move from src to dst: the one (of vms[0..n), skipping
 * taken[i] != 0) whose move leaves the smallest |u(src) - u(dst)|, among
 * those that make it strictly smaller and keep u(dst) <= limit; ties: the
 * lower index. -1 when none. */
int32_t xbal_pick_next(const xb_load *src, const xb_load *dst, const xb_vm *vms, const uint8_t *taken, uint32_t n,
                       double limit);

/* Moves the VM's demand from src to dst. */
void xbal_apply(xb_load *src, xb_load *dst, const xb_vm *v);

/* One pass that moved VMs (a row of /tables/xbalance). */
typedef struct xb_pass {
    sim_time_ns at_ns;          /* when it decided */
    uint32_t source, target;    /* clusters */
    double u_source, u_target;  /* utilizations it saw */
    double u_source_after, u_target_after; /* expected after its moves (the source's figures) */
    uint32_t moves;             /* VMs the source picked */
} xb_pass;

/* The rebalancer's part of the vcenter world. */
typedef struct xb_state {
    int enabled;
    sim_time_ns period_ns;
    double tolerance, limit;
    uint32_t max_moves;
    uint32_t n_clusters;
    uint8_t *pair;         /* n x n: 1 if VMs may go from s to t */
    uint8_t *takes_part;   /* per cluster, this pass: answered with usable hosts */
    xb_load *loads;        /* per cluster, this pass */
    uint32_t n_answers;    /* loads received this pass */
    int busy;              /* polls out or the source's pick not back */
    int64_t pending;       /* moves of the last pass not yet ended (an end may come before the count) */
    sim_time_ns decided_ns;
    /* per scenario VM: 1 once it may no longer be picked (named by a DRS
     * rule, or picked once); written only by its own cluster's LP */
    uint8_t *offered;
    xb_pass *passes;
    uint32_t n_passes, cap_passes;
    uint32_t kind_tick, kind_poll, kind_load, kind_pick, kind_picked;
} xb_state;

/* Payloads. */
typedef struct xb_load_msg {
    uint32_t cluster;
    xb_load load;
} xb_load_msg;
_Static_assert(sizeof(xb_load_msg) <= 48, "a load answer fits an event payload");

typedef struct xb_pick_msg {
    uint32_t target;
    xb_load target_load;
    sim_time_ns decided_ns;
} xb_pick_msg;
_Static_assert(sizeof(xb_pick_msg) <= 48, "a pick request fits an event payload");

typedef struct xb_picked_msg {
    uint32_t moves;
    double u_source_after, u_target_after;
} xb_picked_msg;
_Static_assert(sizeof(xb_picked_msg) <= 48, "a pick answer fits an event payload");

struct xv_world;
struct cluster;

/* The vcenter LP's side: 1 if ev was one of the rebalancer's kinds. */
int xbal_handle(sim_ctx *ctx, struct xv_world *w, const sim_event *ev);
/* A rebalancing move ended (copied, refused): one fewer in flight. */
void xbal_move_ended(struct xv_world *w);
/* A controller's side: 1 if ev was one of the rebalancer's kinds. */
int xbal_cluster_handle(sim_ctx *ctx, struct cluster *c, const struct xv_world *w, const sim_event *ev);

#endif
