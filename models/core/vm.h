/* vm.h - virtual machines: their static description and lifecycle.
 *
 * A VM's mutable state belongs to the LP of the host it runs on (or to the
 * cluster controller while it is not placed); it is handed over by events.
 * The lifecycle is the state machine
 *     stopped -> starting -> running <-> migrating ; running -> stopping -> stopped
 * plus failed from any powered-on state and failed -> starting (restart).
 */
#ifndef VDCSIM_MODELS_CORE_VM_H
#define VDCSIM_MODELS_CORE_VM_H

#include <stdint.h>

#include "models/workload/demand.h"
#include "models/host/host_hw.h"

typedef enum {
    VM_STOPPED,
    VM_STARTING,
    VM_RUNNING,
    VM_MIGRATING,
    VM_STOPPING,
    VM_FAILED
} vm_state;

/* Field order avoids padding: 100,000 of each are held for a whole run. */
typedef struct vm_spec {
    uint32_t group;          /* index of its scenario group (vms.[group]) */
    uint32_t index_in_group; /* 0-based; its name is "<group>-<index_in_group+1>" */
    uint32_t vcpus;
    int32_t host_group;    /* hosts.[host_group] it must run in, or -1 for any */
    uint64_t memory_mib;
    sim_time_ns start_ns;  /* power-on request time */
    /* Demand processes: the group's (workload_group.demand), shared by its
     * VMs; a trace-driven resource points at the VM's own copy, which
     * holds its series (workload_group.vm_demand). */
    const demand_spec *cpu_demand;     /* MHz */
    const demand_spec *memory_demand;  /* active memory, fraction of memory_mib */
    const demand_spec *network_demand; /* Gbps */
    vm_resources res;           /* reservations, limits, shares, vNUMA, network path */
    uint8_t starts_off;         /* powered on later by a feature (a Cluster Autoscaler spare node), not at start_ns */
} vm_spec;

typedef struct vm {
    vm_state state;
    int32_t host;          /* host index, -1 when not placed */
    uint32_t boot_epoch;   /* counts starts; a boot-end event of an older start is stale */
    float cpu_ready_pct;   /* % of runnable time spent waiting (host sample step, below) */
    sim_time_ns arrived_ns; /* its power-on request, -1 if it never arrived */
    sim_time_ns stopped_ns; /* -1 until it powers off */
    /* Written by the host's sample step (models/host/host_contention.c) for
     * running VMs; other models read them. */
    double cpu_entitlement_mhz;   /* what the host gives it */
    double cpu_speed_factor;      /* useful MHz / demanded MHz, 0..1; 1 before the first sample */
    /* State of its demand processes (cpu, memory, network; moves with the
     * VM between hosts): allocated by the host when the VM first runs if one
     * of its specs has state (onoff, random_walk, trace), else NULL: the
     * stateless kinds (constant, diurnal) of most VMs need none, and 100,000
     * VMs are held for a whole run. Freed with the VMs (vm_release_demand). */
    demand_state *demand;
} vm;

enum { VM_DEMAND_CPU, VM_DEMAND_MEMORY, VM_DEMAND_NETWORK, VM_DEMANDS };

/* Frees v's demand state (NULL after). */
void vm_release_demand(vm *v);

const char *vm_state_name(vm_state s);

/* Payload of the core protocol's per-VM events (vm.power_on, vm.start,
 * vm.stop, vm.stopped, vm.lifetime_end) and of vm.booted. */
typedef struct vm_msg {
    uint32_t vm;
} vm_msg;

typedef struct host_boot_msg {
    uint32_t vm;
    uint32_t epoch; /* the start it ends (vm.boot_epoch) */
} host_boot_msg;

/* 1 if the lifecycle allows from -> to, else 0. */
int vm_transition_allowed(vm_state from, vm_state to);

/* Moves v to state `to`; returns 0, or -1 (state unchanged) if illegal. */
int vm_transition(vm *v, vm_state to);

#endif
