/* arrivals.h - when the VMs of a group ask to power on.
 *
 *   at_start       every VM of the group at start (no generator LP)
 *   poisson        gaps ~ Exp(mean_gap): t_0 = start + X_0, t_k = t_{k-1} + X_k
 *   deterministic  t_k = start + k * gap (computed from k, so no drift)
 *   list           t_k = start + times[k] (non-decreasing)
 * No arrival at or after `until`; at most `count` arrivals (a group's count
 * is the most VM entities it can create, one per arrival, never reused).
 */
#ifndef VDCSIM_MODELS_ARRIVALS_H
#define VDCSIM_MODELS_ARRIVALS_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "sim/time.h"

/* In the order of vms.[].arrival.process (read with scn_enum). */
typedef enum { ARRIVAL_AT_START, ARRIVAL_POISSON, ARRIVAL_DETERMINISTIC, ARRIVAL_LIST } arrival_process;

typedef struct arrival_spec {
    arrival_process process;
    sim_time_ns start_ns, until_ns;
    double gap_ns;             /* poisson: mean gap; deterministic: the gap */
    sim_time_ns *offsets_ns;   /* list: owned, relative to start */
    size_t n_offsets;
    uint64_t count;            /* most arrivals */
} arrival_spec;

/* Parses "0s, 90s, 2h" into non-decreasing offsets. Returns 0, or -1 with
 * the problem (naming the item's position) in why. */
int arrival_parse_times(const char *text, sim_time_ns **out, size_t *n_out, char *why, size_t why_len);

/* The time of arrival k (0-based), given the time of arrival k-1 (ignored
 * for k = 0); -1 when there is none. Poisson draws one exponential from rng. */
sim_time_ns arrival_time(const arrival_spec *a, uint64_t k, sim_time_ns previous_ns, gsl_rng *rng);

void arrival_free(arrival_spec *a);

#endif
