/* ha_admission.h - vSphere HA admission control and the restart plan, as
 * pure functions over plain structs (docs/vsphere.md; reference models.md
 * 2.2-2.3; vSphere Availability guide "Slot Policy Admission Control",
 * "Percentage of Cluster Resources", "Dedicated Failover Hosts").
 *
 * Hosts counted: state UP (connected, not in maintenance, not failed).
 * VMs counted: powered on. Units: MHz and MiB.
 *
 * Slot policy:
 *   slot_cpu = max over powered-on VMs of max(cpu reservation, cpu_min_mhz = 32)
 *   slot_mem = max over powered-on VMs of (memory reservation + overhead)
 *   (each capped by slot_cpu_cap / slot_mem_cap when > 0; a VM bigger than a
 *   capped slot needs ceil(resv/slot) slots in that resource)
 *   slots_h  = min(floor(C_h,cpu / slot_cpu), floor(C_h,mem / slot_mem))
 *              (memory does not limit when slot_mem = 0)
 *   failover capacity = largest f such that the slots left after removing
 *   the f hosts with the most slots still hold the slots in use.
 *   A power-on is refused when it would make failover capacity < failover_level.
 * Percentage policy (the default since vSphere 6.5):
 *   reserved percentage, computed (autoComputePercentages, the default):
 *     100 x min(failover_level, N_up) / N_up for both CPU and memory
 *     (1/N for one host failure), or cpu_percentage / memory_percentage;
 *   cpu_fc = (sum C_cpu - sum max(R_cpu, 32 MHz)) / sum C_cpu,
 *   mem_fc = (sum C_mem - sum (R_mem + overhead)) / sum C_mem;
 *   refused when either would drop below its reserved percentage.
 * Dedicated failover hosts: no VM powers on there (or is moved there by
 *   DRS); any other power-on is admitted.
 * Disabled: everything is admitted.
 */
#ifndef VDCSIM_MODELS_HA_ADMISSION_H
#define VDCSIM_MODELS_HA_ADMISSION_H

#include <stdint.h>

#include "models/vsphere/drs_rules.h"

typedef enum {
    HA_POLICY_SLOTS,
    HA_POLICY_PERCENTAGE,
    HA_POLICY_FAILOVER_HOSTS,
    HA_POLICY_DISABLED
} ha_policy;

/* Restart priority classes, restarted in this order; DISABLED never is.
 * In the order of vms.[].restart_priority (read with scn_enum). */
typedef enum {
    HA_PRIORITY_HIGHEST,
    HA_PRIORITY_HIGH,
    HA_PRIORITY_MEDIUM, /* vSphere's cluster default */
    HA_PRIORITY_LOW,
    HA_PRIORITY_LOWEST,
    HA_PRIORITY_DISABLED
} ha_priority;

typedef struct ha_host {
    double cpu_capacity_mhz;
    double mem_capacity_mib;
    int up;             /* connected, not in maintenance, not failed */
    int failover_host;  /* dedicated failover host */
} ha_host;

typedef struct ha_vm {
    int32_t host;                /* where it runs (or ran, for a failed VM); -1 none */
    int powered_on;
    double cpu_reservation_mhz;
    double mem_reservation_mib;
    double mem_overhead_mib;
    ha_priority priority;
    int restartable;             /* 0 for SR-IOV / passthrough VMs */
} ha_vm;

typedef struct ha_config {
    ha_policy policy;
    uint32_t failover_level;      /* host failures the cluster tolerates; default 1 */
    int auto_percentages;         /* 1 (default): both percentages are computed,
                                   * ha_reserved_percentage(); 0: the two below */
    double cpu_percentage;        /* reserved failover CPU, percent; default 25 */
    double memory_percentage;     /* reserved failover memory, percent; default 25 */
    double cpu_min_mhz;           /* das.vmcpuminmhz; default 32 */
    double slot_cpu_cap_mhz;      /* das.slotcpuinmhz; 0 = none */
    double slot_mem_cap_mib;      /* das.slotmeminmb; 0 = none */
} ha_config;

void ha_config_default(ha_config *cfg);

int ha_policy_parse(const char *name, ha_policy *out);
int ha_priority_parse(const char *name, ha_priority *out);
const char *ha_priority_name(ha_priority p);

typedef struct ha_slots {
    double slot_cpu_mhz;
    double slot_mem_mib;
    uint32_t total_slots;      /* over UP hosts */
    uint32_t used_slots;       /* by powered-on VMs */
    uint32_t failover_capacity; /* hosts that can fail */
} ha_slots;

/* Slot size and counts. extra_vm (or NULL) is counted as one more powered-on
 * VM, for what-if admission. slots_per_host (n_hosts entries, or NULL) gets
 * each host's slots (0 for hosts not UP). */
void ha_slot_compute(const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                     const ha_vm *extra_vm, const ha_config *cfg, ha_slots *out, uint32_t *slots_per_host);

/* Current failover CPU and memory fractions of the percentage policy
 * (0..1), with extra_vm (or NULL) counted as powered on. */
void ha_percentage_compute(const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                           const ha_vm *extra_vm, const ha_config *cfg, double *cpu_fc, double *mem_fc);

/* The percentage of CPU (or memory) the percentage policy reserves now:
 * computed from failover_level and the up hosts, or the configured one. */
double ha_reserved_percentage(const ha_host *hosts, uint32_t n_hosts, const ha_config *cfg, int memory);

/* 1 if powering on `vm` on host `target` (-1: not chosen yet) is admitted. */
int ha_admit_power_on(const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms, const ha_vm *vm,
                      int32_t target, const ha_config *cfg);

/* The pieces of the slot policy, shared with the running totals
 * (ha_totals.c): a VM's CPU need max(R_cpu, cpu_min) and memory need
 * R_mem + overhead; whole slots of a capacity (floor, 1e-12 tolerance;
 * UINT32_MAX for a zero slot); slots a need takes (ceil, at least 1). */
double ha_vm_cpu_need_mhz(const ha_vm *vm, const ha_config *cfg);
double ha_vm_mem_need_mib(const ha_vm *vm);
uint32_t ha_whole_slots(double capacity, double slot);
uint32_t ha_ceil_slots(double need, double slot);

typedef struct ha_restart {
    uint32_t vm;
    int32_t host;
} ha_restart;

/* Restart plan after failures. `failed` lists VM indices to restart; the
 * other powered-on VMs on UP hosts hold their reservations. VMs go in
 * priority order (highest first), ties by ascending VM index; DISABLED and
 * non-restartable VMs are left out of both lists. Each goes to a dedicated
 * failover host if one fits, else to the UP host with the most unreserved
 * capacity (largest free CPU fraction + free memory fraction; ties to the
 * lower index) where its CPU reservation and memory reservation + overhead
 * fit and the hard VM-host rules (and, with anti_affinity, VM anti-affinity)
 * hold. plan gets the placements in order, unplaced the VMs that fit
 * nowhere; both need n_failed entries. Returns 0, or -1 on allocation
 * failure. rules may be NULL. */
int ha_restart_plan(const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                    const uint32_t *failed, uint32_t n_failed, const drs_rule *rules, uint32_t n_rules,
                    int anti_affinity, ha_restart *plan, uint32_t *n_plan, uint32_t *unplaced,
                    uint32_t *n_unplaced);

#endif
