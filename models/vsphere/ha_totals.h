/* ha_totals.h - running totals for HA admission control, so that a
 * power-on is checked in O(1) amortised instead of a walk over every VM
 * (issue 18 item 4: start-up grew with the square of the VM count).
 *
 * The controller calls ha_totals_on / ha_totals_off whenever a VM's
 * powered_on flag changes and ha_totals_hosts_changed whenever a host's up
 * flag does; the check then gives the answers of ha_admission.h's
 * ha_admit_power_on and ha_slot_compute / ha_percentage_compute:
 *
 *   n_on, sum_cpu_need, sum_mem_need  powered-on VMs, sum of max(R_cpu,
 *                                    cpu_min) and of R_mem + overhead
 *   max_cpu_need, max_mem_need       with the number of VMs at the max: a
 *                                    VM at the max powering off leaves it
 *                                    in place while others share it, and
 *                                    the max is recomputed by a walk only
 *                                    when the last one goes
 *   used slots                       kept for one (slot_cpu, slot_mem) pair:
 *                                    updated per VM while the slot size
 *                                    stays, recomputed by a walk when
 *                                    asked about another slot size (only
 *                                    with das.slotcpuinmhz / slotmeminmb;
 *                                    without caps every VM is one slot)
 *   hosts                            per-host slots (sorted, with the
 *                                    total) for one slot size and one set
 *                                    of up hosts; cluster capacities
 *
 * Identical results: the sums are of the same values as the walk's, in
 * event order instead of VM order; with integer MHz and MiB reservations
 * and overheads (or any values on a 1/2^k grid) below 2^53 every partial
 * sum is exact, so both give the same bits. Otherwise they may differ in
 * the last bit, against tolerances of 1e-9. Max, counts and slot counts are
 * exact.
 */
#ifndef VDCSIM_MODELS_HA_TOTALS_H
#define VDCSIM_MODELS_HA_TOTALS_H

#include <stdint.h>

#include "models/vsphere/ha_admission.h"

typedef struct ha_totals {
    uint32_t n_on;
    double sum_cpu_need_mhz, sum_mem_need_mib;
    double max_cpu_need_mhz, max_mem_need_mib;
    uint32_t n_at_max_cpu, n_at_max_mem;
    /* used slots for (used_slot_cpu, used_slot_mem), valid when used_valid */
    int used_valid;
    double used_slot_cpu, used_slot_mem;
    uint64_t used_slots;
    /* hosts for (hosts_slot_cpu, hosts_slot_mem), valid when hosts_valid */
    int hosts_valid, caps_valid;
    double hosts_slot_cpu, hosts_slot_mem;
    uint32_t *sorted_desc; /* n_hosts: slots of the up hosts, largest first */
    uint32_t n_up;
    uint64_t total_slots;
    double cap_cpu_mhz, cap_mem_mib; /* up hosts */
    double reserved_cpu_pct, reserved_mem_pct; /* ha_reserved_percentage for the up hosts */
    /* the percentage policy's failover capacity (ha_controller.c) for these
     * needs and the same up hosts, valid when spare_valid: a cluster's
     * sample asks for it every period, and it changes only with them */
    int spare_valid;
    double spare_need_cpu_mhz, spare_need_mem_mib;
    uint32_t spare_hosts;
} ha_totals;

/* Allocates and fills from vms (the powered_on flags). 0 or -1. */
int ha_totals_init(ha_totals *t, const ha_vm *vms, uint32_t n_vms, uint32_t n_hosts, const ha_config *cfg);
void ha_totals_free(ha_totals *t);

/* vms[v] has just been powered on / off (its flag already changed). */
void ha_totals_on(ha_totals *t, const ha_vm *vms, uint32_t n_vms, uint32_t v, const ha_config *cfg);
void ha_totals_off(ha_totals *t, const ha_vm *vms, uint32_t n_vms, uint32_t v, const ha_config *cfg);

/* A host's up flag changed. */
void ha_totals_hosts_changed(ha_totals *t);

/* ha_admit_power_on(hosts, n_hosts, vms, n_vms, vm, target, cfg), from the
 * totals. vm NULL: whether the VMs powered on now are within the policy
 * (nothing more powered on), e.g. with fewer hosts up. */
int ha_totals_admit(ha_totals *t, const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                    const ha_vm *vm, int32_t target, const ha_config *cfg);

/* ha_slot_compute(..., NULL extra, ..., NULL), from the totals. */
void ha_totals_slots(ha_totals *t, const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                     const ha_config *cfg, ha_slots *out);

#endif
