/* optimal_heuristics.h - the placement heuristics the study compares with
 * the exact optimum (docs/optimal.md, "The study"), on the same instance
 * (optimal_placement.h) and under the same conditions: each VM in
 * instance order on the hosts where it fits as the view stands
 * (placement_fits), its GPU demand fits what is left, and its hard rules
 * allow (drs_rules_allow), committed there as the controller commits.
 *
 *   HEUR_FIRST_FIT        the first_fit policy (lowest-numbered host)
 *   HEUR_DRS              the drs policy (DRS initial placement)
 *   HEUR_LEAST_ALLOCATED  kube-scheduler NodeResourcesFit LeastAllocated:
 *   HEUR_MOST_ALLOCATED   ... MostAllocated: the highest score, ties to the
 *                         lowest index (the scheduler breaks ties at random [M])
 *   HEUR_FFD              first fit decreasing (memory, then CPU reservation)
 * The two kube-scheduler scores use the source's integer scorers
 * (k8s_least_requested_score, k8s_most_requested_score) on CPU and memory
 * with weight 1 each: requested = committed + this VM, CPU as the expected
 * demand (cpu_mhz) or, for trace pods, the CPU request, against capacity.
 */
#ifndef VDCSIM_ANALYSIS_OPTIMAL_HEURISTICS_H
#define VDCSIM_ANALYSIS_OPTIMAL_HEURISTICS_H

#include "analysis/optimal_placement.h"

typedef enum {
    HEUR_FIRST_FIT = 0,
    HEUR_DRS,
    HEUR_LEAST_ALLOCATED,
    HEUR_MOST_ALLOCATED,
    HEUR_FFD,
    HEUR_COUNT
} optimal_heuristic;

/* "first_fit", "drs", "k8s_least_allocated", "k8s_most_allocated", "ffd". */
const char *optimal_heuristic_name(optimal_heuristic h);

/* Places the instance's VMs; where[v] = host or -1 (fits nowhere).
 * Returns the number not placed, or -1 when out of memory. */
int64_t optimal_heuristic_place(optimal_heuristic h, const optimal_instance *in, int32_t *where);

#endif
