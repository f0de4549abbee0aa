/* placement.h - choosing a host for a VM being powered on.
 *
 * Placement works on the controller's own view of each host (what it has
 * committed there), never on the host LPs' private state. first_fit picks
 * the lowest-numbered host where the VM's memory fits in what is not yet
 * committed, its vCPUs fit in the host's logical CPUs, its CPU and memory
 * reservations fit in what the host's capacity and physical memory have not
 * yet reserved (vSphere's power-on admission on a host) and, for an SR-IOV
 * VM, one of the host's virtual functions is still free. drs picks, among
 * the same feasible hosts, the one giving the least DRS imbalance of
 * committed expected CPU and memory (models/vsphere/drs.h, drs_place_by_load).
 */
#ifndef VDCSIM_MODELS_PLACEMENT_H
#define VDCSIM_MODELS_PLACEMENT_H

#include <stdint.h>

typedef enum { PLACEMENT_FIRST_FIT, PLACEMENT_DRS } placement_policy;

typedef struct placement_host_view {
    uint32_t logical_cpus;
    uint64_t memory_mib;
    uint64_t committed_memory_mib;
    double cpu_mhz;            /* capacity, for DRS placement */
    double committed_cpu_mhz;  /* expected CPU demand of the VMs placed here */
    uint64_t physical_memory_mib; /* what reservations are checked against */
    double reserved_cpu_mhz;      /* CPU reservations of the VMs placed here */
    double reserved_memory_mib;   /* memory reservations of the VMs placed here */
    uint32_t sriov_vfs;           /* virtual functions of all its NICs */
    uint32_t committed_sriov_vfs; /* VFs given to the VMs placed here */
    int32_t group;  /* hosts.[group] */
    int usable;     /* 0 while failed, in maintenance or standby */
} placement_host_view;

typedef struct placement_request {
    uint32_t vcpus;
    uint64_t memory_mib;
    int32_t host_group; /* -1: any */
    double cpu_mhz;     /* expected CPU demand, for DRS placement */
    uint32_t sriov_vfs; /* VFs it needs (1 for an SR-IOV VM, else 0) */
    double cpu_reservation_mhz;
    double memory_reservation_mib;
} placement_request;

int placement_policy_parse(const char *name, placement_policy *out);

/* 1 if the request fits on the host as the view stands. */
int placement_fits(const placement_host_view *h, const placement_request *req);

/* The chosen host index, or -1 if none fits. */
int32_t placement_choose(placement_policy policy, const placement_host_view *hosts, uint32_t n_hosts,
                         const placement_request *req);

#endif
