/* numa.h - placing a host's VMs on its NUMA nodes and the remote-access
 * slowdown that follows.
 *
 * Policy (deterministic, VMs taken in the order given - the host's start
 * order - ties broken by the lowest node index; docs/host-model.md "NUMA"):
 *  - A VM whose vCPUs fit in one node (vcpus <= cores per node) is a narrow
 *    NUMA client: its home is the node with the fewest vCPUs placed so far
 *    among the nodes whose free memory holds all of the VM's memory; when no
 *    node does, the node with the most free memory. Memory that does not fit
 *    on the home node spills to other nodes and is remote:
 *        local_fraction = min(1, free memory of home / VM memory).
 *  - A wide VM (vcpus > cores per node) spans k = ceil(vcpus / cores per
 *    node) nodes (at most all of them), the k least-loaded ones; its vCPUs
 *    and memory are spread evenly. With vNUMA exposed the guest keeps its
 *    accesses on its own virtual node (local_fraction = 1); without it
 *    accesses are uniform over the spanned nodes (local_fraction = 1/k,
 *    reference models.md 5.3).
 * Slowdown of a memory-bound VM (reference 5.3):
 *    slowdown = 1 + (1 - local_fraction) * (remote_ns / local_ns - 1)
 * Pure functions; the caller supplies all memory.
 */
#ifndef VDCSIM_MODELS_NUMA_H
#define VDCSIM_MODELS_NUMA_H

#include <stddef.h>
#include <stdint.h>

typedef struct numa_topology {
    uint32_t nodes;
    uint32_t cores_per_node;
    double memory_per_node_mib;
} numa_topology;

typedef struct numa_vm {
    uint32_t vcpus;
    double memory_mib;
    int vnuma; /* 1: virtual NUMA topology exposed to the guest */
} numa_vm;

typedef struct numa_placement {
    uint32_t home;          /* first (or only) node */
    uint32_t nodes_spanned;
    double local_fraction;  /* of memory accesses, 0..1 */
    uint64_t node_mask;     /* nodes holding its vCPUs (bit k = node k, k < 64) */
} numa_placement;

/* vNUMA modes of vms.[].vnuma, in order (read with scn_enum) */
typedef enum { NUMA_VNUMA_AUTO, NUMA_VNUMA_ON, NUMA_VNUMA_OFF } numa_vnuma_mode;

/* Whether a VM of `vcpus` gets a virtual NUMA topology: on, off, or (auto)
 * when its vCPUs exceed one node's cores. */
int numa_vnuma_exposed(numa_vnuma_mode mode, uint32_t vcpus, uint32_t cores_per_node);

/* Places n VMs in order. node_vcpus and node_memory_mib are scratch of
 * topo->nodes entries each (zeroed here). */
void numa_place(const numa_topology *topo, const numa_vm *vms, size_t n, double *node_vcpus,
                double *node_memory_mib, numa_placement *out);

/* 1 + (1 - local_fraction) * (remote_ns / local_ns - 1), >= 1. */
double numa_slowdown(double local_fraction, double local_ns, double remote_ns);

/* Memory bandwidth (docs/host-model.md "NUMA memory bandwidth"). VM i
 * streams demand_gbs[i] GB/s. Traffic is charged to the node that holds
 * the memory (the target):
 *   narrow VM: f*B served by its home node (local), (1-f)*B by the other
 *              nodes evenly (remote);
 *   wide VM on k nodes: B/k served by each, of which (1-f) is remote.
 * Node j serves S_j (all its traffic) and R_j (the remote part); it gives
 *   g_j = min(1, local_gbs / S_j, remote_gbs / R_j)
 * of what is asked, and VM i gets G_i = sum_j (its traffic on j) * g_j:
 *   slowdown_i = B_i / G_i   (>= 1; 1 when B_i = 0)
 * A capacity <= 0 is no limit. served and remote are scratch of `nodes`
 * entries each. */
void numa_bandwidth(uint32_t nodes, double local_gbs, double remote_gbs, const numa_placement *p,
                    const double *demand_gbs, size_t n, double *served, double *remote, double *slowdown);

#endif
