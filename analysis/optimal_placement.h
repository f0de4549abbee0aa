/* optimal_placement.h - the exact optimum of an initial placement, as a
 * baseline for the placement heuristics (issue 17, item 4; docs/optimal.md).
 *
 * Input: the controller's fresh view of the hosts (models/core/placement.h,
 * as core_build sets it up) and one placement_request per VM. A VM may go
 * on host h exactly when placement_fits() would accept it there on an
 * otherwise empty host (usable, host group, vCPUs <= logical CPUs), and
 * the VMs on one host must together respect its committed memory
 * (memory_mib, already scaled by placement.memory_overcommit), its CPU
 * reservations (cpu_mhz), its memory reservations (physical_memory_mib) and
 * its SR-IOV virtual functions: the same checks placement_fits() makes VM
 * after VM, so a feasible answer is one the controller could have built.
 * Affinity rules, GPUs and features' masks are not modelled yet.
 *
 * Objectives:
 *   OPTIMAL_HOSTS    fewest hosts holding at least one VM;
 *   OPTIMAL_BALANCE  least maximum, over hosts and over {expected CPU /
 *                    cpu_mhz, committed memory / memory_mib}, of the load
 *                    (the quantity DRS placement balances).
 * The integer program is solved by GLPK's branch and cut (glp_intopt)
 * within a time limit; when the limit is hit the best placement found, the
 * proven lower bound and the gap are returned.
 *
 * Compiled without GLPK (VDCSIM_HAVE_GLPK unset), optimal_placement_solve
 * returns OPTIMAL_ERROR with a message saying how to get it.
 */
#ifndef VDCSIM_ANALYSIS_OPTIMAL_PLACEMENT_H
#define VDCSIM_ANALYSIS_OPTIMAL_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "models/core/placement.h"

typedef enum { OPTIMAL_HOSTS = 0, OPTIMAL_BALANCE } optimal_objective;

typedef enum {
    OPTIMAL_PROVEN = 0,    /* value is the optimum */
    OPTIMAL_TIME_LIMIT,    /* value is the best found; bound and gap hold */
    OPTIMAL_NO_SOLUTION,   /* time limit hit before any placement was found */
    OPTIMAL_INFEASIBLE,    /* no placement of all the VMs exists */
    OPTIMAL_ERROR          /* GLPK failed, missing, or out of memory: see err */
} optimal_status;

typedef struct optimal_result {
    optimal_status status;
    double value;   /* hosts used, or the maximum load (a fraction) */
    double bound;   /* proven lower bound of the optimum (-INFINITY if none) */
    double gap;     /* (value - bound) / value; 0 when proven */
    double solve_s; /* wall time spent in GLPK */
    int64_t unplaceable_vm; /* OPTIMAL_INFEASIBLE: a VM that fits on no host alone, else -1 */
} optimal_result;

/* Solves the placement of vms[0..n_vms) on hosts[0..n_hosts). host_of_vm,
 * when not NULL, receives the host of each VM in the best placement found
 * (-1 when none). Returns result->status; err holds a message for
 * OPTIMAL_ERROR. */
optimal_status optimal_placement_solve(const placement_host_view *hosts, uint32_t n_hosts,
                                       const placement_request *vms, uint32_t n_vms, optimal_objective objective,
                                       double time_limit_s, optimal_result *result, int32_t *host_of_vm, char *err,
                                       size_t err_len);

/* The maximum load of a placement as OPTIMAL_BALANCE measures it. */
double optimal_max_load(const placement_host_view *hosts, uint32_t n_hosts, const placement_request *vms,
                        uint32_t n_vms, const int32_t *host_of_vm);

/* 1 when this build has GLPK. */
int optimal_placement_available(void);

/* "GLPK 5.0", or "none". */
const char *optimal_solver_name(void);

#endif
