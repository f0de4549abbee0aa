/* drs_defrag.h - a plan of live migrations that makes room on one host for
 * a VM vSphere HA could not restart (docs/ha.md, "Defragmentation").
 *
 * vSphere HA, finding that a failed VM's reservation fits in the cluster's
 * spare capacity but on no single host ("resources fragmented across
 * multiple hosts"), asks DRS to defragment: DRS migrates other VMs so that
 * one host can take it; no guarantee is given (Epping and Denneman, vSphere
 * HA Deepdive, "HA and DRS": "HA and Resource Fragmentation"). VMware
 * publishes no algorithm; this one is vdcsim's [M]:
 *
 *  - every host t of the view that is usable is a candidate target; on a
 *    copy of the view, VMs of t are moved away one at a time until the VM
 *    fits on t: first the smallest (configured memory; ties: lowest id)
 *    whose move alone would make it fit, else the largest; each goes to the
 *    host other than t where it fits (placement_fits) with the most
 *    uncommitted memory (ties: lowest index); a VM that fits nowhere stays;
 *  - a target needing more than max_moves moves, or still too full when its
 *    movable VMs run out, has no plan;
 *  - the plan kept is the one with the fewest moves, then the least memory
 *    moved, then the lowest target.
 * Pure: it reads the view and the candidates and writes the plan; the
 * caller (drs_controller.c) starts the migrations.
 */
#ifndef VDCSIM_MODELS_VSPHERE_DRS_DEFRAG_H
#define VDCSIM_MODELS_VSPHERE_DRS_DEFRAG_H

#include <stdint.h>

#include "models/core/placement.h"

/* A VM that may be moved: its id, the index of its host in the view and
 * what it takes there. */
typedef struct drs_defrag_vm {
    uint32_t vm;
    uint32_t host;
    placement_request req;
} drs_defrag_vm;

/* One move of a plan: candidate `index` (into the candidates) to host `dst`. */
typedef struct drs_defrag_move {
    uint32_t index;
    uint32_t dst;
} drs_defrag_move;

/* How far a plan may go: at most max_moves moves, and (when may_go is not
 * NULL) VM vm only to hosts where may_go(arg, vm, host) is 1 (devices,
 * such as vGPUs, that must fit at the destination). */
typedef struct drs_defrag_limits {
    uint32_t max_moves;
    int (*may_go)(const void *arg, uint32_t vm_id, uint32_t host_index);
    const void *arg;
} drs_defrag_limits;

/* Plans the moves that make `need` fit on one of hosts[0 .. n_hosts) (not
 * changed). moves has room for lim->max_moves. Returns the number of moves
 * (at least 1) with the host in *target; 0 when `need` already fits
 * somewhere or no host can be freed within the limits; -1 out of memory. */
int drs_defrag_plan(const placement_host_view *hosts, uint32_t n_hosts, const drs_defrag_vm *vms, uint32_t n_vms,
                    const placement_request *need, const drs_defrag_limits *lim, drs_defrag_move *moves,
                    uint32_t *target);

#endif
