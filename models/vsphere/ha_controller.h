/* ha_controller.h - vSphere HA in the cluster controller LP (docs/ha.md).
 *
 * Built from the ha.* keys when ha.enabled is true; without it the cluster
 * behaves as before (restart.c alone: no admission control, retries only
 * when a host rejoins). The controller owns this state; it mirrors, in the
 * terms of models/vsphere/ha_admission.h, what the controller itself decided:
 *   hosts[h].up      = the host is up (cluster notices HOST_DOWN/UP)
 *   vms[v].powered_on = placed or restarted and not yet stopped or failed
 * It never reads host LP state.
 *
 * What it adds to the controller:
 *  - admission control on every power-on (initial placement, arrivals and
 *    queued VMs): ha_admit_power_on() with the VM counted; a refused power-on
 *    is logged ha_admission_refused (subject vm, a = policy) and is not
 *    placed. With failover_hosts the failover hosts are hidden from
 *    placement.
 *  - restart order by priority class, then failure time, then VM id;
 *    restarts try the dedicated failover hosts first (first fit among them),
 *    then every usable host with the cluster's placement policy.
 *  - timed retries: attempt k+1 comes restart_retry_interval * 2^(k-1) after
 *    attempt k; after restart_retries retries the restart is logged
 *    ha_restart_failed and the VM waits for a host to rejoin.
 *  - /series/cluster/failover_capacity_hosts at every cluster sample.
 *
 * Cost: an admission check walks every VM (O(VMs) per power-on); HA
 * clusters have at most a few thousand VMs.
 */
#ifndef VDCSIM_MODELS_HA_CONTROLLER_H
#define VDCSIM_MODELS_HA_CONTROLLER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/core/placement.h"
#include "models/vsphere/ha_admission.h"
#include "vdcsim/ha.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

struct cluster;
struct model_env;

typedef struct ha_controller {
    ha_config cfg;                /* cfg.policy: the built-in admission policy (DISABLED for another) */
    /* ha.admission_control from the registry; its callbacks run only when
     * it is not built in (`ext`), with admission_args. */
    const vdcsim_ha_admission_policy *admission;
    policy_args admission_args;
    int admission_ext;
    placement_choice restart;     /* ha.restart_policy; NULL callback: failover_first */
    uint8_t *failover_flags;      /* per host of the run, for a restart policy that chooses (else NULL) */
    vdcsim_ha_host *ext_hosts;    /* scratch views for a non-built-in admission policy */
    vdcsim_ha_vm *ext_vms;
    ha_host *hosts; /* n_own_hosts: host own_first + i at [i] (ha_own_host) */
    ha_vm *vms;     /* n_vms: the cluster's own VMs, VM v at ha_vm_slot(ha, v) */
    const uint32_t *vm_local; /* model_env.vm_local: NULL means the VM id */
    uint32_t n_vms_run;       /* every VM of the run, for check's text */
    struct ha_totals *totals; /* running sums behind admission (ha_totals.h), kept with vms and hosts */
    uint32_t n_hosts, n_vms;
    /* its cluster's hosts are own_first .. own_first + n_own_hosts - 1; the
     * others are never up in hosts[], so the run-time sums and admission
     * look at that slice only (the same result, without the walk) */
    uint32_t own_first, n_own_hosts;
    uint32_t n_failover_hosts;
    int *saved_usable; /* n_own_hosts: scratch for hiding hosts from placement */
    sim_time_ns retry_interval_ns;
    uint32_t retries;
    int defragment;               /* ha.defragment: a restart without room asks DRS to make some */
    double vm_memory_mib;         /* all VMs' configured memory, for check */
    double vm_cpu_demand_mhz;     /* all VMs' long-run mean CPU demand, for check */
    uint32_t vms_reserving;       /* VMs with a CPU or memory reservation */
    uint64_t refused;       /* power-ons refused by admission control */
    uint64_t restarts_given_up; /* ha_restart_failed records */
    int series_failover_capacity;
    /* with `clusters`, in the first cluster's instance (the module's world):
     * every cluster's HA, [0] itself, the others owned (docs/clusters.md) */
    struct ha_controller **cluster_ha;
    uint32_t n_cluster_ha;
    int log_admission_refused, log_restart_failed;
} ha_controller;

/* Host h (an index of the run) is one of this HA's cluster's. */
static inline int ha_in_cluster(const ha_controller *ha, uint32_t h) { return h - ha->own_first < ha->n_own_hosts; }
/* This HA's entry of host h, one of its cluster's. */
static inline ha_host *ha_own_host(const ha_controller *ha, uint32_t h) { return &ha->hosts[h - ha->own_first]; }

static inline uint32_t ha_vm_slot(const ha_controller *ha, uint32_t vm_id) { return ha->vm_local ? ha->vm_local[vm_id] : vm_id; }

/* Reads the ha.* keys and vms.[].restart_priority. *out is NULL when
 * ha.enabled is false. per_vm_state 0 builds controllers without their
 * VMs' entries (n_vms 0), for an MPI rank that never runs them: only the
 * recording declarations and the sums over VMs are made. Returns 0, -1 out
 * of memory, -2 bad input with "FILE:LINE: key '...': ..." in err. */
int ha_controller_build(const scenario *scn, const struct model_env *env, int per_vm_state, ha_controller **out,
                        char *err, size_t err_len);
void ha_controller_free(ha_controller *ha);

/* Declares the series and event kinds. 0 or -1 (recorder_error()). */
int ha_controller_declare_recording(ha_controller *ha, recorder *rec, const struct model_env *env);

/* The HA of cluster cluster_index (ha itself without `clusters`; NULL for NULL). */
ha_controller *ha_controller_of_cluster(ha_controller *ha, uint32_t cluster_index);

/* Restart placement of vm_id: failover hosts first, then any usable host.
 * Returns the host or -1. Admission control does not apply to restarts. */
int32_t ha_controller_restart_place(ha_controller *ha, struct cluster *c, uint32_t vm_id);

/* The controller's view changed: a VM powered off or failed, a host left
 * or rejoined. */
void ha_controller_vm_off(ha_controller *ha, uint32_t vm_id);
void ha_controller_host_up(ha_controller *ha, uint32_t host_index, int up);

/* The restart priority of a VM (HA_PRIORITY_MEDIUM without HA). */
ha_priority ha_controller_priority(const ha_controller *ha, uint32_t vm_id);

/* Delay before retry number `retry` (1-based) of a restart. */
sim_time_ns ha_controller_retry_delay(const ha_controller *ha, uint32_t retry);

/* Hosts that can fail with every powered-on VM still restartable:
 * slots and disabled: the slot policy's failover capacity; percentage: the
 * largest f such that the up hosts without the f largest (by CPU, and by
 * memory) still hold the reserved CPU and memory; failover_hosts: the
 * failover hosts that are up. */
uint32_t ha_controller_failover_capacity(const ha_controller *ha);

/* The slot size and counts as the controller sees them now. */
void ha_controller_slots(const ha_controller *ha, ha_slots *out);

/* One line for `vdcsim check`. */
void ha_controller_describe(const ha_controller *ha, FILE *out);

struct model_module;
/* The HA module (models/core/module.h): cluster hooks for admission
 * control, the failover hosts, the controller's view of what is on, and
 * the failover-capacity series. The restart of failed VMs (models/failures/
 * restart.c) asks it for order, placement and retries. */
extern const struct model_module ha_module;

#endif
