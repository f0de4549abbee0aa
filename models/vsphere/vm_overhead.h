/* vm_overhead.h - the memory overhead of a running VM (ESXi's frame buffer,
 * page tables and other per-VM structures) and DRS's memory demand.
 *
 * Overhead: the "Sample Overhead Memory on Virtual Machines" table of the
 * vSphere 6.5 / 6.7 Resource Management guide (VMX swap and hardware MMU on),
 * read as MiB:
 *
 *   memory MiB   1 vCPU   2 vCPUs  4 vCPUs  8 vCPUs
 *        256     20.29    24.28    32.23    48.16
 *       1024     25.90    29.91    37.86    53.82
 *       4096     48.64    52.72    60.67    76.78
 *      16384    139.62   143.98   151.93   168.60
 *
 * Between the rows and columns the value is interpolated linearly (in memory,
 * then in vCPUs); outside the table it is extrapolated linearly from the two
 * nearest rows or columns, and never below the 256 MiB / 1 vCPU value [M].
 *
 * DRS memory demand (Denneman, "vSphere 6.5 DRS and memory balancing in
 * non-overcommitted clusters", 2018; vSphere 6.5 and later):
 *   demand = active + 25 % x max(0, consumed - active) + overhead
 * (25 % is the advanced option PercentIdleMBInMemDemand). Pure functions.
 */
#ifndef VDCSIM_MODELS_VM_OVERHEAD_H
#define VDCSIM_MODELS_VM_OVERHEAD_H

#include <stdint.h>

/* The table's overhead for a VM of `vcpus` vCPUs (0 read as 1) and
 * memory_mib of configured memory, MiB. */
double vsphere_vm_overhead_mib(uint32_t vcpus, double memory_mib);

/* DRS's memory demand of a VM, MiB (formula above). Inline: every host
 * computes it for each of its VMs once per DRS period. */
static inline double drs_memory_demand_mib(double active_mib, double consumed_mib, double overhead_mib)
{
    double idle = consumed_mib - active_mib;
    return active_mib + 0.25 * (idle > 0.0 ? idle : 0.0) + overhead_mib;
}

#endif
