/* host_hw.h - the resource descriptions the contention model reads: a
 * host's hardware (sockets, cores, clock, memory, and beyond: NUMA, SMT,
 * NICs, EPT, power, memory reclamation costs) and a VM's resource settings
 * (reservations, limits, shares, vNUMA, network path, large pages).
 * Plain data filled from the scenario at build (models/model.c); the
 * defaults and their sources are in docs/host-model.md.
 */
#ifndef VDCSIM_MODELS_HOST_HW_H
#define VDCSIM_MODELS_HOST_HW_H

#include <stdint.h>

#include "models/host/power.h"

typedef struct host_hw {
    uint32_t numa_nodes;        /* >= 1 */
    uint32_t threads_per_core;  /* SMT: 1 or 2 (or more) */
    double smt_gain;            /* extra throughput of a core's 2nd..nth thread, fraction */
    double numa_local_ns, numa_remote_ns;
    double mem_bw_local_gbs;    /* GB/s one node's memory serves (local + remote) */
    double mem_bw_remote_gbs;   /* GB/s the interconnect carries into one node */
    uint32_t nics;
    double nic_gbps;
    uint32_t sriov_vfs_per_nic;
    double virtio_mhz_per_gbps; /* hypervisor CPU of the paravirtual path */
    int ept_large_pages;        /* host can back guest memory with 2 MiB pages */
    double page_walk_ref_ns;    /* mean cost of one page-walk memory reference */
    double page_sharing;        /* fraction of VM memory TPS collapses */
    double touch_rate_per_s;    /* faults/s of a VM whose active pages were all reclaimed */
    double decompress_s, swapin_s;
    power_model power;
} host_hw;

/* vms.[].network_mode, in order (read with scn_enum). */
typedef enum { VM_NETWORK_VIRTIO, VM_NETWORK_SRIOV } vm_network_mode;

typedef struct vm_resources {
    double cpu_reservation_mhz;
    double cpu_limit_mhz;       /* INFINITY when unlimited */
    double cpu_shares;          /* total, preset per vCPU x vCPUs or custom */
    double memory_reservation_mib;
    double memory_limit_mib;    /* INFINITY when unlimited */
    double memory_shares;       /* total, preset per MiB x MiB or custom */
    double tlb_misses_per_kcycle;
    double mem_bw_per_vcpu_gbs; /* GB/s per busy vCPU; 0 = not bandwidth-bound */
    uint8_t vnuma;              /* numa_vnuma_mode */
    uint8_t sriov;              /* 1: asks for an SR-IOV virtual function */
    uint8_t large_pages;        /* 1: 2 MiB pages in guest and host */
} vm_resources;

typedef struct host_spec {
    uint32_t group;          /* index of its scenario group (hosts.[group]) */
    uint32_t index_in_group; /* 0-based; its name is "<group>-<index_in_group+1>" */
    uint32_t sockets;
    uint32_t cores_per_socket;
    double cpu_mhz;
    uint64_t memory_mib;
    host_hw hw; /* NUMA, SMT, NICs, EPT, power, reclamation costs */
} host_spec;

uint32_t host_cores(const host_spec *h);
double host_cpu_capacity_mhz(const host_spec *h);

#endif
