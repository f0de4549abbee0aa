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

enum { VM_DEMAND_CPU, VM_DEMAND_MEMORY, VM_DEMAND_NETWORK, VM_DEMANDS };

/* What every VM of a group shares, read once per group (vms.[g]): 100,000
 * VMs in a few groups held these 112 bytes per VM before (issue 18 item 4).
 * Read them through the vm_spec_* accessors below, never through the
 * pointer: they may move back into vm_spec for a VM that needs its own. */
typedef struct vm_group_spec {
    uint32_t vcpus;
    uint64_t memory_mib;
    sim_time_ns start_ns;  /* power-on request time */
    /* Demand processes (cpu, memory, network): the group's
     * (workload_group.demand, or a trace's: workload_trace.demand); for a
     * trace-kind resource r, per_vm_series[r] is the first of the group's
     * VMs' series (VM k's is per_vm_series[r] + k), else NULL. */
    const demand_spec *demand[VM_DEMANDS];
    const demand_series *per_vm_series[VM_DEMANDS];
    vm_resources res;      /* reservations, limits, shares, vNUMA, network path */
} vm_group_spec;

/* A VM's own description: 24 bytes, since 100,000 are held for a whole run. */
typedef struct vm_spec {
    const vm_group_spec *gs; /* its group's shared fields (accessors below) */
    uint32_t group;          /* index of its scenario group (vms.[group]) */
    uint32_t index_in_group; /* 0-based; its name is "<group>-<index_in_group+1>" */
    int32_t host_group;      /* hosts.[host_group] it must run in, or -1 for any (a cross-cluster twin: -1) */
    uint8_t starts_off;      /* powered on later by a feature (a Cluster Autoscaler spare node), not at start_ns */
} vm_spec;

static inline uint32_t vm_spec_vcpus(const vm_spec *s) { return s->gs->vcpus; }
static inline uint64_t vm_spec_memory_mib(const vm_spec *s) { return s->gs->memory_mib; }
static inline sim_time_ns vm_spec_start_ns(const vm_spec *s) { return s->gs->start_ns; }
static inline const vm_resources *vm_spec_res(const vm_spec *s) { return &s->gs->res; }

/* A key only, never read through: VMs with the same key share their demand
 * specs (a trace-driven resource's too, whose series is each VM's own, and
 * which is stateful). */
static inline const void *vm_spec_group_key(const vm_spec *s) { return s->gs; }

/* Demand process r (VM_DEMAND_CPU, _MEMORY, _NETWORK) of the VM: its
 * group's (for a trace kind, replaying vm_spec_series). */
static inline const demand_spec *vm_spec_demand(const vm_spec *s, int r) { return s->gs->demand[r]; }

/* The series demand process r of the VM replays: its own for a trace kind,
 * else the (empty) series of the spec. */
static inline const demand_series *vm_spec_series(const vm_spec *s, int r)
{
    const vm_group_spec *g = s->gs;
    return g->per_vm_series[r] ? g->per_vm_series[r] + s->index_in_group : &g->demand[r]->series;
}

/* The long-run mean of demand process r of the VM (demand_long_run_mean). */
static inline double vm_spec_demand_mean(const vm_spec *s, int r)
{
    return demand_series_long_run_mean(vm_spec_demand(s, r), vm_spec_series(s, r));
}
/* MHz */
static inline const demand_spec *vm_spec_cpu_demand(const vm_spec *s) { return vm_spec_demand(s, VM_DEMAND_CPU); }
/* active memory, fraction of memory_mib */
static inline const demand_spec *vm_spec_memory_demand(const vm_spec *s)
{
    return vm_spec_demand(s, VM_DEMAND_MEMORY);
}
/* Gbps */
static inline const demand_spec *vm_spec_network_demand(const vm_spec *s)
{
    return vm_spec_demand(s, VM_DEMAND_NETWORK);
}

typedef struct vm {
    vm_state state;
    int32_t host;          /* host index, -1 when not placed */
    uint32_t boot_epoch;   /* counts starts; a boot-end event of an older start is stale */
    float cpu_ready_pct;   /* % of runnable time spent waiting (host sample step, below) */
    /* Written by the host's sample step (models/host/host_contention.c) for
     * running VMs; other models read them. Over MPI ranks these bytes are
     * local (sim_share_local_bytes): a model that reads them in an LP other
     * than the VM's host must mark them or stay out of model_distributable. */
    double cpu_entitlement_mhz;   /* what the host gives it */
    double cpu_speed_factor;      /* useful MHz / demanded MHz, 0..1; 1 before the first sample */
    /* The state of its demand processes (onoff, random_walk, trace) is not
     * here but in model_env.vm_demand_states: the record stays free of
     * pointers, as sim_share requires to move it between MPI ranks. */
} vm;
/* 32 bytes, two to a cache line: every host sample reads the record of each
 * of its VMs, scattered over an array of 100,000 in the headline scenario,
 * so its size is the sample's memory traffic (padding it from 48 to 64
 * bytes made a headline day 5 % slower). What is read only at arrival, stop
 * and the run's end lives in vm_times. */
_Static_assert(sizeof(vm) == 32, "vm stays 32 bytes (two records a cache line)");

/* When a VM arrived and stopped (model_env.vm_times[id]; /tables/vms),
 * apart from its record (above). Pointer-free and shared over MPI ranks like
 * the records. */
typedef struct vm_times {
    sim_time_ns arrived_ns; /* its power-on request, -1 if it never arrived */
    sim_time_ns stopped_ns; /* -1 until it powers off */
} vm_times;

/* 1 when one of the VM's demand specs (cpu, memory, network) has state
 * (onoff, random_walk, trace), 0 when all are stateless. */
int vm_spec_demand_stateful(const vm_spec *s);

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
