/* model_env.h - what every model LP of one run shares, read-only while the
 * engine runs: event kind ids, recorder handles, the entity arrays, and the
 * features registered with the two core LPs.
 *
 * Mutable VM records belong to the LP that currently holds the VM (its
 * host's LP once started); nobody else writes them.
 *
 * VM records and specs are stored cluster after cluster (vm_slot), not in
 * VM id order: a host samples its VMs' records at every sample, and the
 * VMs of a cluster, stored together, are read by its 64 hosts one after
 * the other (issue 18: the datacenter-level placement deals consecutive
 * VM ids to different clusters, so in id order every record of a sample
 * was a scattered cache line). Reach a VM by id through model_vm and
 * model_vm_spec; the storage order is invisible outside: ids, events,
 * tables and series are unchanged.
 */
#ifndef VDCSIM_MODELS_CORE_MODEL_ENV_H
#define VDCSIM_MODELS_CORE_MODEL_ENV_H

#include <stdint.h>

#include "models/core/host.h"
#include "models/core/vm.h"
#include "recorder/recorder.h"
#include "sim/time.h"

struct cluster_feature;
struct workload_group;
struct datacenter;

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
    sim_time_ns control_latency_ns; /* controller <-> host messages */

    uint32_t cluster_lp;    /* cluster k's controller is LP cluster_lp + k */
    uint32_t first_host_lp; /* host i is LP first_host_lp + i */
    /* Clusters (models/core/datacenter.h): 1 without the `clusters` key;
     * then host_cluster and vm_cluster are NULL (everything in cluster 0). */
    uint32_t n_clusters;
    const uint32_t *host_cluster; /* per host: its cluster */
    const uint32_t *vm_cluster;   /* per VM: its cluster */
    const uint32_t *vm_local;     /* per VM: its index among its cluster's VMs (cluster.vm_ids); NULL without */
    const struct datacenter *dc;  /* the clusters and the cross-cluster moves (models/core/datacenter.h) */
    /* the hosts' sample step's working memory, one per engine thread
     * (sim_thread): nothing in it outlives a sample. NULL: one per host. */
    struct host_scratch *host_scratch_per_thread;
    uint32_t n_hosts;
    uint32_t n_vms;
    const host_spec *host_specs;
    /* VM v's spec and record at slot model_vm_slot(env, v) (above) */
    const vm_spec *vm_spec_store;
    vm *vm_store;
    const uint32_t *vm_slot; /* per VM id: its slot in the stores; NULL: the id itself */
    vm_times *vm_times; /* [VM]: its arrival and stop (vm.h) */
    /* The demand processes' state of the VMs with a stateful spec
     * (vm_spec_demand_stateful): VM v's VM_DEMANDS records start at
     * vm_demand_states[vm_demand_slot[v] * VM_DEMANDS]; slot UINT32_MAX (or
     * no slot array) for a VM without. Pointer-free and shared over MPI
     * ranks like the VMs' records, so the state moves with its VM. */
    demand_state *vm_demand_states;
    const uint32_t *vm_demand_slot;
    const struct workload_group *groups; /* one per vms.[g] (models/workload/workload.h) */
    uint32_t n_groups;
    int queue_on_no_capacity; /* placement.on_no_capacity = "queue" */

    /* The features attached to the two core LPs, in hook order (models/model.c). */
    const host_feature *host_features;
    uint32_t n_host_features;
    const struct cluster_feature *cluster_features;
    uint32_t n_cluster_features;

    /* engine event kinds of the core protocol (payloads: models/core/vm.h) */
    uint32_t kind_vm_power_on; /* cluster: a VM asks to start (vm_msg) */
    uint32_t kind_vm_start;    /* host: run this VM (vm_msg) */
    uint32_t kind_host_sample; /* host: take a sample */
    uint32_t kind_vm_stop;          /* host: power this VM off (vm_msg) */
    uint32_t kind_vm_stopped;       /* cluster: a VM is off, release it (vm_msg) */
    uint32_t kind_vm_booted;        /* host (self): a boot ends (host_boot_msg) */
    uint32_t kind_vm_lifetime_end;  /* cluster (self): a VM's lifetime is over (vm_msg) */
    uint32_t kind_cluster_sample;   /* cluster (self): take a sample */
    uint32_t kind_workload_arrival; /* workload generator (self) */
    uint32_t kind_cluster_notice;   /* cluster: host down/up, VM failed (cluster_notice) */
    uint32_t kind_host_maintenance; /* host (self): a held maintenance window may begin */

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
    int log_vm_arrivals_exhausted; /* a group's arrivals stopped: vms.[].count used up */
    int log_vm_queued;
    int log_vm_stopped;
} model_env;

/* The controller LP of host h's cluster, and of VM v's. */
static inline uint32_t model_cluster_lp_of_host(const model_env *env, uint32_t h)
{
    return env->cluster_lp + (env->host_cluster ? env->host_cluster[h] : 0u);
}
static inline uint32_t model_cluster_lp_of_vm(const model_env *env, uint32_t v)
{
    return env->cluster_lp + (env->vm_cluster ? env->vm_cluster[v] : 0u);
}

/* The slot of VM `id` in vm_store and vm_spec_store. */
static inline uint32_t model_vm_slot(const model_env *env, uint32_t id)
{
    return env->vm_slot ? env->vm_slot[id] : id;
}

static inline vm *model_vm(const model_env *env, uint32_t id) { return &env->vm_store[model_vm_slot(env, id)]; }

static inline const vm_spec *model_vm_spec(const model_env *env, uint32_t id)
{
    return &env->vm_spec_store[model_vm_slot(env, id)];
}

#endif
