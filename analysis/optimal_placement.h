/* optimal_placement.h - the exact optimum of an initial placement, as a
 * baseline for the placement heuristics and as the "optimal" placement
 * policy (issue 17, item 4; docs/optimal.md).
 *
 * Input (optimal_instance): the controller's fresh view of the hosts
 * (models/core/placement.h, as core_build sets it up), one
 * placement_request per VM, the hard VM-VM and VM-host rules among them
 * (models/vsphere/drs_rules.h; soft kinds are ignored) and, optionally, GPU
 * demand and capacity in thousandths of a GPU. A VM may go on host h
 * exactly when placement_fits() would accept it there on an otherwise
 * empty host (usable, host group, vCPUs <= logical CPUs) and its VM-host
 * rules allow h; the VMs on one host must together respect its committed
 * memory (memory_mib, already scaled by placement.memory_overcommit), its
 * CPU reservations (cpu_mhz), its memory reservations
 * (physical_memory_mib), its SR-IOV virtual functions and its GPUs; the
 * members of an affinity rule share one host, those of an anti-affinity
 * rule never do. optimal_placement_check() states the same conditions on
 * a finished placement.
 *
 * Objectives:
 *   OPTIMAL_HOSTS    fewest hosts holding at least one VM;
 *   OPTIMAL_BALANCE  least maximum, over hosts and over {expected CPU /
 *                    cpu_mhz, committed memory / memory_mib}, of the load
 *                    (the quantity DRS placement balances).
 * The integer program (optimal_mip.h) is solved by the chosen exact solver
 * within a time limit; when the limit is hit the best placement found, the
 * proven lower bound and the gap are returned. Deterministic: the same
 * instance gives the same placement whenever the solver proves it.
 */
#ifndef VDCSIM_ANALYSIS_OPTIMAL_PLACEMENT_H
#define VDCSIM_ANALYSIS_OPTIMAL_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/optimal_mip.h"
#include "models/core/placement.h"
#include "models/vsphere/drs_rules.h"

typedef enum { OPTIMAL_HOSTS = 0, OPTIMAL_BALANCE } optimal_objective;

typedef enum {
    OPTIMAL_PROVEN = 0,    /* value is the optimum */
    OPTIMAL_TIME_LIMIT,    /* value is the best found; bound and gap hold */
    OPTIMAL_NO_SOLUTION,   /* time limit hit before any placement was found */
    OPTIMAL_INFEASIBLE,    /* no placement of all the VMs exists */
    OPTIMAL_ERROR          /* solver failed, missing, or out of memory: see err */
} optimal_status;

typedef struct optimal_instance {
    const placement_host_view *hosts;
    uint32_t n_hosts;
    const placement_request *vms;
    uint32_t n_vms;
    const drs_rule *rules; /* members index vms, host lists index hosts; soft kinds ignored */
    uint32_t n_rules;
    const uint32_t *vm_gpu_milli;   /* per VM, thousandths of a GPU; NULL: none */
    const uint32_t *host_gpu_milli; /* per host; NULL: none */
} optimal_instance;

typedef struct optimal_options {
    optimal_objective objective;
    optimal_solver solver;
    double time_limit_s;
} optimal_options;

typedef struct optimal_result {
    optimal_status status;
    double value;   /* hosts used, or the maximum load (a fraction) */
    double bound;   /* proven lower bound of the optimum (-INFINITY if none) */
    double gap;     /* (value - bound) / value; 0 when proven */
    double solve_s; /* wall time spent in the solver */
    double cpu_s;   /* CPU time spent meanwhile */
    int64_t unplaceable_vm; /* OPTIMAL_INFEASIBLE: a VM that fits on no host alone, else -1 */
} optimal_result;

/* Solves the instance. host_of_vm, when not NULL, receives the host of
 * each VM in the best placement found (-1 when none). Returns
 * result->status; err holds a message for OPTIMAL_ERROR. */
optimal_status optimal_solve(const optimal_instance *in, const optimal_options *opt, optimal_result *result,
                             int32_t *host_of_vm, char *err, size_t err_len);

/* The same without rules or GPUs, with the default solver. */
optimal_status optimal_placement_solve(const placement_host_view *hosts, uint32_t n_hosts,
                                       const placement_request *vms, uint32_t n_vms, optimal_objective objective,
                                       double time_limit_s, optimal_result *result, int32_t *host_of_vm, char *err,
                                       size_t err_len);

/* 1 when host_of_vm places every VM and respects every condition above
 * (VM after VM with placement_fits, GPUs, hard rules); else 0 with why. */
int optimal_placement_check(const optimal_instance *in, const int32_t *host_of_vm, char *why, size_t why_len);

/* The maximum load of a placement as OPTIMAL_BALANCE measures it. */
double optimal_max_load(const placement_host_view *hosts, uint32_t n_hosts, const placement_request *vms,
                        uint32_t n_vms, const int32_t *host_of_vm);

/* The hosts holding at least one VM. */
uint32_t optimal_hosts_used(uint32_t n_hosts, uint32_t n_vms, const int32_t *host_of_vm);

/* 1 when this build has the default solver. */
int optimal_placement_available(void);

/* The default solver's label, "CBC 2.10.8". */
const char *optimal_solver_name(void);

#endif
