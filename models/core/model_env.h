/* model_env.h - what every model LP of one run shares, read-only while the
 * engine runs: event kind ids, recorder handles, the entity arrays.
 *
 * Mutable entries of `vms` belong to the LP that currently holds the VM
 * (its host's LP once started); nobody else writes them.
 */
#ifndef VDCSIM_MODELS_MODEL_ENV_H
#define VDCSIM_MODELS_MODEL_ENV_H

#include <stdint.h>

#include "models/core/host.h"
#include "models/core/vm.h"
#include "models/workload/workload.h"
#include "recorder/recorder.h"
#include "sim/time.h"

/* The host series of the contention model, in /series/host/ and (totals
 * over hosts) in /series/cluster/. */
typedef enum {
    HOST_SERIES_CPU_READY_PCT,
    HOST_SERIES_CPU_READY_MS,
    HOST_SERIES_CPU_USEFUL_MHZ,
    HOST_SERIES_CPU_HYPERVISOR_MHZ,
    HOST_SERIES_MEMORY_CONSUMED_MIB,
    HOST_SERIES_MEMORY_ACTIVE_MIB,
    HOST_SERIES_MEMORY_SHARED_MIB,
    HOST_SERIES_MEMORY_BALLOONED_MIB,
    HOST_SERIES_MEMORY_COMPRESSED_MIB,
    HOST_SERIES_MEMORY_SWAPPED_MIB,
    HOST_SERIES_NETWORK_GBPS,
    HOST_SERIES_POWER_W,
    HOST_SERIES_COUNT
} host_series_id;

typedef struct model_env {
    recorder *rec; /* NULL when nothing is recorded (vdcsim check) */
    sim_time_ns sample_period_ns;
    sim_time_ns control_latency_ns; /* controller -> host messages */

    uint32_t cluster_lp;
    uint32_t first_host_lp; /* host i is LP first_host_lp + i */
    uint32_t n_hosts;
    uint32_t n_vms;
    const host_spec *host_specs;
    const vm_spec *vm_specs;
    vm *vms;
    struct pod_world *pods; /* models/containers/pod.h; NULL when the scenario has no pods */
    struct k8s_world *k8s;  /* models/kubernetes/k8s_scheduler_lp.h; NULL without kubernetes.node_groups */
    const struct service_set *services; /* NULL when the scenario has none */
    struct failure_env *fail; /* NULL when the scenario has no failures (models/failures/failure.h) */
    struct drs_env *drs; /* NULL without DRS and rules (models/vsphere/drs_controller.h) */
    const struct workload_group *groups; /* one per vms.[g] (models/workload/workload.h) */
    uint32_t n_groups;
    int queue_on_no_capacity; /* placement.on_no_capacity = "queue" */

    /* engine event kinds */
    uint32_t kind_vm_power_on; /* cluster: a VM asks to start */
    uint32_t kind_vm_start;    /* host: run this VM */
    uint32_t kind_host_sample; /* host: take a sample */
    uint32_t kind_vm_stop;          /* host: power this VM off */
    uint32_t kind_vm_stopped;       /* cluster: a VM is off, release it */
    uint32_t kind_vm_booted;        /* host (self): a boot ends */
    uint32_t kind_vm_lifetime_end;  /* cluster (self): a VM's lifetime is over */
    uint32_t kind_cluster_sample;   /* cluster (self): take a sample */
    uint32_t kind_workload_arrival; /* workload generator (self) */

    /* recorder ids; -1 when absent */
    int series_host_cpu_demand;
    int series_host_cpu_usage;
    int series_host_memory_committed;
    int series_host_vms_running;
    int series_vm_cpu_demand;
    /* contention model (models/host/host_contention.c): see contention_series */
    int series_host[16];    /* indexed by host_series_id, -1 when absent */
    int series_vm_ready;    /* per-VM cpu_ready_pct */
    int series_vm_entitlement;
    int series_vm_speed;
    int log_vm_placed;
    int log_vm_placement_failed;
    int log_vm_started;
    int series_cluster_vms_running;  /* placed and not yet released */
    int series_cluster_vms_arrived;  /* cumulative power-on requests */
    int series_cluster_vms_rejected; /* cumulative */
    int series_cluster_vms_queued;   /* waiting for capacity */
    int log_vm_arrived;
    int log_vm_queued;
    int log_vm_stopped;
} model_env;

#endif
