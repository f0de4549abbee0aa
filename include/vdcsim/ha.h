/* vdcsim/ha.h - vSphere HA policies: admission control (may this VM power
 * on?) and restart placement (where does a failed VM restart?). Part of
 * the public plug-in interface (docs/policies.md; the built-in policies
 * are docs/ha.md's).
 *
 * Admission control runs on every power-on (not on restarts, which vSphere
 * HA exempts). It sees the HA view of the cluster: the hosts that are up
 * and every VM, with the ones powered on marked, and answers 1 (admit) or
 * 0 (refuse: the VM is not placed and ha_admission_refused is logged). Its
 * optional failover_capacity() gives /series/cluster/failover_capacity_hosts
 * (the number of host failures the cluster can take now); without it the
 * slot policy's figure is recorded.
 *
 * A restart placement policy is a vdcsim_placement_policy (vdcsim/placement.h)
 * registered as a restart policy: it is called for each failed VM in
 * restart order with call->failover_host set, and its choice is committed
 * like an initial placement.
 *
 * Contract (determinism): pure functions of their call: no global or
 * static mutable state, no random numbers, no clock, no I/O.
 */
#ifndef VDCSIM_HA_H
#define VDCSIM_HA_H

#include "vdcsim/policy.h"

/* Restart priority classes, restarted in this order; DISABLED never is. */
typedef enum {
    VDCSIM_HA_PRIORITY_HIGHEST = 0,
    VDCSIM_HA_PRIORITY_HIGH = 1,
    VDCSIM_HA_PRIORITY_MEDIUM = 2,
    VDCSIM_HA_PRIORITY_LOW = 3,
    VDCSIM_HA_PRIORITY_LOWEST = 4,
    VDCSIM_HA_PRIORITY_DISABLED = 5
} vdcsim_ha_priority;

typedef struct vdcsim_ha_host {
    double cpu_capacity_mhz;
    double mem_capacity_mib;
    int up;                      /* connected, not in maintenance, not failed */
    int failover_host;           /* dedicated failover host (failover_hosts policy only) */
} vdcsim_ha_host;

typedef struct vdcsim_ha_vm {
    int32_t host;                /* where it runs (or ran); -1 none */
    int powered_on;
    double cpu_reservation_mhz;
    double mem_reservation_mib;
    double mem_overhead_mib;     /* ha.memory_overhead */
    int priority;                /* vdcsim_ha_priority */
    int restartable;             /* 0 for SR-IOV / passthrough VMs */
} vdcsim_ha_vm;

typedef struct vdcsim_ha_admission_call {
    const void *args;            /* the policy's arguments struct */
    const vdcsim_ha_host *hosts;
    uint32_t n_hosts;
    const vdcsim_ha_vm *vms;     /* every VM; powered_on marks those that count */
    uint32_t n_vms;
    const vdcsim_ha_vm *vm;      /* admission: the VM asking to power on (not yet counted); else NULL */
    double cpu_min_mhz;          /* ha.cpu_min: the least CPU a powered-on VM counts for */
} vdcsim_ha_admission_call;

typedef struct vdcsim_ha_admission_policy {
    vdcsim_policy_info info;
    /* 1 to admit call->vm, 0 to refuse it. */
    int (*admit)(const vdcsim_ha_admission_call *call);
    /* Optional (NULL: the slot policy's figure): host failures the cluster
     * tolerates now (call->vm is NULL). */
    uint32_t (*failover_capacity)(const vdcsim_ha_admission_call *call);
} vdcsim_ha_admission_policy;

#endif
