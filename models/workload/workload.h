/* workload.h - what a VM group does over time beyond its demand: when its
 * VMs arrive, how long they boot and live, and the trace they replay.
 *
 * One workload_group per scenario group vms.[g] (read by workload_group_read
 * before the model counts its VMs, because a trace group's count defaults
 * to the trace's VM count). Groups whose arrivals are not at_start get an
 * arrival LP (models/core/arrival_lp.h). Lifetimes are drawn by the
 * controller at placement, boot times by the host at start
 * (docs/workloads.md).
 */
#ifndef VDCSIM_MODELS_WORKLOAD_H
#define VDCSIM_MODELS_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "models/workload/arrivals.h"
#include "models/workload/demand.h"
#include "models/workload/distribution.h"
#include "traces/vm_trace.h"
#include "scenario/scenario.h"
#include "sim/engine.h"

/* vms.[].lifetime.distribution: the dist_kind names, then "infinite". */
enum { LIFETIME_INFINITE = DIST_EMPIRICAL + 1 };

/* The trace a group replays, allocated only for such groups (inline it
 * was a seventh of every group's bytes, issue 13). */
typedef struct workload_trace {
    trace_table table;        /* shared by the group's VMs; VM k replays trace VM k */
    double cpu_scale;         /* MHz per trace CPU unit (percent for planetlab) */
    trace_interp interp;
    trace_at_end at_end;
    /* per trace-kind resource: the process the group's VMs share (the
     * group's, with this trace's scale and rules; its own series empty)
     * and each VM's series (VM k's at vm_series[r][k]); NULL otherwise.
     * 32 bytes a VM, where a whole copy of the process was 152. */
    demand_spec demand[3];
    demand_series *vm_series[3];
} workload_trace;

typedef struct workload_group {
    uint32_t first_vm, count; /* entity ids [first_vm, first_vm + count) */
    arrival_spec arrival;
    int has_lifetime;         /* 0: the VMs live until the end of the run */
    dist_spec lifetime;       /* ns */
    dist_spec boot;           /* ns */
    struct workload_trace *trace; /* NULL: the group replays no trace */
    /* demand processes of its VMs: cpu, memory, network, stored once per
     * model in its workload_demands (vm_group_spec points there too) */
    const demand_spec *demand[3];
} workload_group;

/* The distinct demand processes of a model's VM groups, each stored once
 * and shared by every group whose process reads the same: three 144-byte
 * specs inside every group were a quarter of `check`'s page faults at
 * 100,000 groups (issue 13). A stored spec never moves. Zero-initialise;
 * free with workload_demands_free after the groups. */
typedef struct workload_demands {
    struct demand_block *blocks;  /* the storage, newest block first */
    const demand_spec **slots;    /* hash set of the stored specs: mask + 1 slots, NULL = empty */
    size_t mask, n;
    /* the spec of a group that does not set vms.[g].<resource>_demand (all
     * its keys at their defaults, the same for every group), once read */
    const demand_spec *unset[3];
} workload_demands;

/* Reads vms.[g]'s arrival, lifetime, boot_time and trace keys, loading the
 * trace. *count is the group's VM count: vms.[g].count, or when a trace is
 * given and count is not set, the trace's VM files from trace.first on.
 * Returns 0, or -1 with "FILE:LINE: key '...': what" in err. */
int workload_group_read(const scenario *scn, int g, workload_group *out, uint32_t *count, char *err,
                        size_t err_len);

/* Reads vms.[g]'s cpu_demand, memory_demand and network_demand into
 * wg->demand, stored in pool. Returns 0, -1 with "FILE: key '...': what"
 * in err (models/workload/demand_read.h), or -2 out of memory. */
int workload_group_read_demands(const scenario *scn, int g, workload_group *wg, workload_demands *pool, char *err,
                                size_t err_len);

void workload_demands_free(workload_demands *pool);

/* The group's demand processes for its VMs (vm_group_spec): demand[r] the
 * group's shared wg->demand[r], or for a trace-kind resource r the trace's
 * process (wg->trace->demand[r]) with per_vm_series[r] the VMs' series
 * (VM k's at per_vm_series[r] + k), else NULL. Returns 0, -1 when a
 * resource asks for a trace the group's format does not record (message in
 * err), or -2 out of memory. */
int workload_group_bind(const scenario *scn, int g, workload_group *wg, const demand_spec *demand[3],
                        const demand_series *per_vm_series[3], char *err, size_t err_len);

void workload_group_free(workload_group *wg);

#endif
