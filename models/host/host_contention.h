/* host_contention.h - one host's sample step: how it divides CPU, memory and
 * network among its running VMs, and what that costs them.
 *
 * Order (docs/host-model.md, "The sample step"):
 *  1. network: SR-IOV VMs take virtual functions while the host has any
 *     (the rest fall back to virtio); demand is scaled down to the NICs'
 *     capacity; virtio Gbps cost the hypervisor virtio_mhz_per_gbps.
 *  2. CPU: schedulable capacity C = cores * MHz * (1 + (threads-1) * smt_gain)
 *     minus the hypervisor's network CPU; each VM's demand is capped at
 *     vcpus * MHz; entitlements by water-filling (cpu_entitlement.h);
 *     usage = entitlement; ready from the unmet demand.
 *  3. memory: active = memory_demand * configured; reclamation
 *     (memory_reclaim.h).
 *  3b. memory bandwidth: a VM streams memory_bandwidth_per_vcpu GB/s per
 *     busy vCPU (E / core MHz); nodes that cannot serve it slow it down
 *     (numa_bandwidth in numa.h).
 *  4. efficiency of the CPU a VM gets:
 *        eff = ept_efficiency / (numa_slowdown * memory_slowdown * bandwidth_slowdown)
 *        useful_mhz = usage * eff
 *        cpu_speed_factor = useful_mhz / demand (eff when demand is 0)
 *  5. power from utilisation (usage + hypervisor) / C_total.
 * Pods of a host node (Kubernetes on the bare host, models/containers/pod.h) are one
 * more claimant in step 2 (demand = their wants, shares = 1 per requested
 * millicore, i.e. 1000 per core like a normal-shares vCPU, no reservation,
 * no limit) and their memory is taken off the host's before step 3 and
 * counted as consumed and active.
 * The cost is O(n log n) in the host's own VMs; nothing else is walked.
 */
#ifndef VDCSIM_MODELS_HOST_CONTENTION_H
#define VDCSIM_MODELS_HOST_CONTENTION_H

#include <stddef.h>

#include "models/host/cpu_entitlement.h"
#include "models/host/host_hw.h"
#include "models/host/memory_reclaim.h"
#include "models/host/numa.h"
#include "models/core/vm.h"

/* Per-VM inputs of one sample (the demand processes' values). */
typedef struct host_vm_input {
    double cpu_demand_mhz;
    double memory_active_fraction;
    double network_gbps;
} host_vm_input;

/* Per-VM outputs besides what is stored in the vm struct. */
typedef struct host_vm_output {
    double cpu_ready_pct;
    double cpu_ready_ms;
    double useful_mhz;
    double numa_slowdown;
    double ept_efficiency;
    double memory_slowdown;
    double bandwidth_slowdown; /* demanded / delivered memory bandwidth, >= 1 */
    uint32_t numa_home;
    uint32_t numa_nodes_spanned;
    int sriov; /* got a virtual function */
} host_vm_output;

typedef struct host_totals {
    double cpu_demand_mhz;       /* sum of raw demands */
    double cpu_usage_mhz;        /* sum of entitlements + hypervisor network CPU */
    double cpu_useful_mhz;       /* sum of useful MHz */
    double cpu_hypervisor_mhz;
    double cpu_capacity_mhz;     /* schedulable, with SMT */
    double cpu_ready_pct;        /* 100 * sum(D' - E) / sum D' */
    double cpu_ready_ms;         /* vSphere summation over all VMs' vCPUs */
    double memory_consumed_mib, memory_active_mib, memory_shared_mib;
    double memory_ballooned_mib, memory_compressed_mib, memory_swapped_mib;
    mem_state memory_state;
    double network_gbps;
    double power_w;
} host_totals;

/* The CPU and memory of a host node's running pods for one sample. */
typedef struct host_pod_load {
    double cpu_demand_mhz;      /* sum of the pods' wants (CFS-capped) */
    double cpu_shares;          /* sum of requests in millicores */
    double memory_mib;
    double cpu_entitlement_mhz; /* out: what the water-filling gives them */
} host_pod_load;

enum { HOST_DEMAND_MEMO = 32 };

/* How the caller's memo answers for one demand of a VM group at the memo's
 * time: per VM (a stateful spec, or each VM's own trace), or from the
 * group's expected level (with the VM's noise) or final value. */
typedef enum { HOST_MEMO_STATEFUL, HOST_MEMO_FIXED, HOST_MEMO_NOISY } host_memo_kind;

/* One slot of the caller's memo of VM groups (host.c vm_demands): for each
 * of the group's VM_DEMANDS demands, its kind and, for a stateless spec
 * (shared by the group), the spec, its expected level at t_ns and, without noise, the
 * final value. */
typedef struct host_demand_memo {
    const void *group; /* vm_spec_group_key */
    int64_t t_ns;
    const demand_spec *spec[VM_DEMANDS]; /* the group's (stateless kinds) */
    double level[VM_DEMANDS];
    double value[VM_DEMANDS];
    int kind[VM_DEMANDS]; /* host_memo_kind */
    int stateful;         /* some kind is HOST_MEMO_STATEFUL */
} host_demand_memo;

/* One host's NUMA placement kept between samples: the placement is a
 * function of the topology and the host's VMs in order (numa.h), which
 * change only when a VM comes or goes. The caller bumps vms_version on
 * every change of its VM list; the step places again only when the
 * version, the VM count or the topology differ from the kept ones. */
typedef struct host_numa_cache {
    uint64_t vms_version;    /* the caller's: its VM list's current version */
    uint64_t placed_version; /* the version `placed` was computed for */
    numa_topology topo;
    size_t n, cap;
    numa_placement *placed;
    int valid;
} host_numa_cache;

void host_numa_cache_free(host_numa_cache *c);

/* Scratch memory kept by the host LP between samples. Aligned to a cache
 * line: the per-thread scratches sit side by side in one array, and a
 * thread writing its memo must not evict the next thread's fields. */
typedef struct host_scratch {
    _Alignas(64) size_t cap;
    double *d;            /* 5 * cap doubles */
    wf_claim *claims;
    cpu_claim *cpu;
    numa_vm *nvm;
    numa_placement *np;
    mem_vm *mvm;
    mem_vm_result *mres;
    double *node_a, *node_b;
    size_t node_cap;
    host_vm_input *in;   /* the caller's per-VM inputs, cap entries */
    /* The caller's memo of VM groups' demands, direct-mapped by the group
     * spec's address (the VMs of a group share their specs: one sin() and
     * one look-up per group and sample time); a slot is a cache of pure
     * values, so which group holds it changes no result. */
    host_demand_memo memo[HOST_DEMAND_MEMO];
    /* The host's own NUMA cache for the next step, set by the caller before
     * each step (the scratch may serve many hosts); NULL: place every time. */
    host_numa_cache *numa_cache;
} host_scratch;

/* Schedulable CPU capacity with SMT, MHz. */
double host_schedulable_mhz(const host_spec *h);

/* Grows s to hold n VMs (and a pods' claim) and the host's nodes; returns
 * 0 or -1. Callers that fill s->in reserve before, so the step never moves it. */
int host_scratch_reserve(host_scratch *s, size_t n, size_t nodes);
void host_scratch_free(host_scratch *s);

/* The step for the n VMs ids[0..n) (start order), each its index into
 * specs and vms (the datacenter model passes the VMs' slots in its stores,
 * model_vm_slot). Writes each VM's
 * cpu_entitlement_mhz, cpu_speed_factor and cpu_ready_pct into vms[id];
 * per-VM details into vout (may be NULL). Returns 0, or -1 when scratch
 * cannot grow. */
int host_contention_step(const host_spec *h, const vm_spec *specs, vm *vms, const uint32_t *ids,
                         const host_vm_input *in, size_t n, double interval_ms, host_scratch *s,
                         host_vm_output *vout, host_totals *t);

/* The same step with a host node's pods competing (pods may be NULL). */
int host_contention_step_pods(const host_spec *h, const vm_spec *specs, vm *vms, const uint32_t *ids,
                              const host_vm_input *in, size_t n, double interval_ms, host_scratch *s,
                              host_pod_load *pods, host_vm_output *vout, host_totals *t);

#endif
