/* vdcsim/placement.h - VM placement policies: choosing the host on which a
 * VM powers on (and, for HA, on which a failed VM restarts). Part of the
 * public plug-in interface (docs/policies.md).
 *
 * The cluster controller keeps one vdcsim_placement_host per host: its
 * own record of what it has committed there, never a host's live state.
 * A policy reads these views and the request and returns the index of the
 * chosen host, or -1 when none will do. It must choose only a host where
 * call->fits() holds (vSphere's power-on checks: the host is usable and
 * in the VM's host group, the vCPUs fit in its logical CPUs, memory fits
 * in what is not committed, the reservations fit in what is not reserved,
 * a free SR-IOV function for an SR-IOV VM); a host index out of range or
 * a host that does not fit counts as -1 (no host).
 *
 * Contract (determinism): choose() is a pure function of its call: no
 * global or static mutable state, no random numbers, no clock, no I/O. It
 * may run on any thread, for several clusters at once.
 */
#ifndef VDCSIM_PLACEMENT_H
#define VDCSIM_PLACEMENT_H

#include "vdcsim/policy.h"

typedef struct vdcsim_placement_host {
    uint32_t logical_cpus;
    uint64_t memory_mib;           /* what placement may commit: physical memory x placement.memory_overcommit */
    uint64_t committed_memory_mib; /* memory of the VMs placed here */
    double cpu_mhz;                /* CPU capacity */
    double committed_cpu_mhz;      /* expected CPU demand of the VMs placed here */
    uint64_t physical_memory_mib;  /* what memory reservations are checked against */
    double reserved_cpu_mhz;       /* CPU reservations of the VMs placed here */
    double reserved_memory_mib;    /* memory reservations of the VMs placed here */
    uint32_t sriov_vfs;            /* SR-IOV virtual functions of all its NICs */
    uint32_t committed_sriov_vfs;  /* functions given to the VMs placed here */
    int32_t group;                 /* index of its hosts.[] group */
    int usable;                    /* 0 while failed, in maintenance, standby or hidden */
} vdcsim_placement_host;

typedef struct vdcsim_placement_request {
    uint32_t vcpus;
    uint64_t memory_mib;
    int32_t host_group;            /* hosts.[] group it must run in; -1: any */
    double cpu_mhz;                /* expected CPU demand (mean of its demand process) */
    uint32_t sriov_vfs;            /* virtual functions it needs (1 for an SR-IOV VM, else 0) */
    double cpu_reservation_mhz;
    double memory_reservation_mib;
} vdcsim_placement_request;

typedef struct vdcsim_placement_call {
    const void *args;                    /* the policy's arguments struct */
    /* n_hosts views, indexed as /tables/hosts; with `clusters` the
     * controller's own hosts only: index i is its first host + i */
    const vdcsim_placement_host *hosts;
    uint32_t n_hosts;
    const vdcsim_placement_request *req;
    /* 1 if req fits on h as the view stands (the checks above). */
    int (*fits)(const vdcsim_placement_host *h, const vdcsim_placement_request *req);
    /* HA restart policies only (NULL otherwise): per host, 1 for a
     * dedicated failover host (ha.failover_hosts). */
    const uint8_t *failover_host;
    /* NULL, or: the first host index >= from where req may fit (n_hosts if
     * none), from an index the controller keeps; every host it skips is
     * one where fits() is 0, so checking fits() on the hosts it returns, in
     * order, finds the same first fitting host as a scan. */
    uint32_t (*next_host)(const struct vdcsim_placement_call *call, uint32_t from);
    const void *index; /* next_host's state */
} vdcsim_placement_call;

typedef struct vdcsim_placement_policy {
    vdcsim_policy_info info;
    /* The chosen host index, or -1. */
    int32_t (*choose)(const vdcsim_placement_call *call);
} vdcsim_placement_policy;

#endif
