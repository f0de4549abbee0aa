/* vdcsim/drs.h - DRS load-balancing policies: which VMs to move where,
 * every drs.period. Part of the public plug-in interface
 * (docs/policies.md; the built-in policy is docs/vsphere.md's DRS).
 *
 * A pass sees the cluster controller's view of every host and VM (the
 * entitlements the hosts last reported) and returns a list of moves in
 * the order they are to be made; each move is made on the assignment the
 * moves before it left. vdcsim executes them as vMotions.
 *
 * vdcsim checks every move: a move naming no VM or host, a VM that may
 * not move (pinned, SR-IOV, not placed) or a destination that is not a
 * balancing host (VDCSIM_DRS_HOST_UP and not a failover host) or its
 * current host is ignored (the policy's error). A move
 * whose reservations do not fit on the destination, that breaks a hard
 * VM-VM or VM-host rule, or that finds no free vMotion slot on either
 * host (4 below 10 Gbps, 8 from 10 Gbps, vMotions in flight counted) is
 * skipped, as DRS itself would not make it.
 *
 * Contract (determinism): pass() is a pure function of its call: no global
 * or static mutable state, no random numbers, no clock, no I/O.
 */
#ifndef VDCSIM_DRS_H
#define VDCSIM_DRS_H

#include "vdcsim/policy.h"

typedef enum {
    VDCSIM_DRS_HOST_UP = 0,          /* takes VMs */
    VDCSIM_DRS_HOST_MAINTENANCE = 1, /* being evacuated: its movable VMs must leave */
    VDCSIM_DRS_HOST_DOWN = 2         /* failed or standby: ignore it and its VMs */
} vdcsim_drs_host_state;

typedef struct vdcsim_drs_host {
    double cpu_capacity_mhz;
    double mem_capacity_mib;
    int state;                   /* vdcsim_drs_host_state */
    int failover_host;           /* HA dedicated failover host: no VM may move there */
    double vmotion_nic_gbps;
    uint32_t vmotions_in_flight; /* started by earlier passes, still running */
    uint32_t sriov_vfs;
} vdcsim_drs_host;

typedef struct vdcsim_drs_vm {
    int32_t host;                /* current host, -1 when not placed */
    double cpu_entitlement_mhz;  /* what DRS balances: its CPU entitlement */
    double mem_entitlement_mib;
    double cpu_reservation_mhz;
    double mem_reservation_mib;
    double memory_mib;           /* configured memory: what a vMotion copies */
    double dirty_rate_mib_per_s;
    uint32_t sriov_vfs;          /* > 0: never moves */
    int pinned;                  /* 1: never moves (passthrough, running a vMotion, not running) */
} vdcsim_drs_vm;

typedef struct vdcsim_drs_move {
    uint32_t vm;
    int32_t to;
} vdcsim_drs_move;

typedef struct vdcsim_drs_call {
    const void *args;            /* the policy's arguments struct */
    const vdcsim_drs_host *hosts;
    uint32_t n_hosts;
    const vdcsim_drs_vm *vms;
    uint32_t n_vms;
    int threshold;               /* drs.threshold, 1 (conservative) .. 5 */
    double target_imbalance;     /* (5 - threshold) / (10 sqrt(balancing hosts)); INFINITY at 1 */
    vdcsim_drs_move *moves;      /* room for max_moves */
    uint32_t max_moves;          /* drs.max_moves_per_pass, or less */
} vdcsim_drs_call;

typedef struct vdcsim_drs_policy {
    vdcsim_policy_info info;
    /* Writes up to call->max_moves moves; returns their number, or -1 on
     * an error of its own (the pass is then skipped). */
    int (*pass)(const vdcsim_drs_call *call);
} vdcsim_drs_policy;

#endif
