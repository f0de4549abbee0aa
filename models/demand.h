/* demand.h - resource demand processes of a workload.
 *
 * A demand process gives the level of one resource a VM asks for at a
 * simulated time, in the caller's unit: CPU in MHz, active memory as a
 * fraction of the VM's configured memory, network in Gbps.
 *   constant: D(t) = mean
 *   diurnal:  D(t) = mean * (1 + amplitude * sin(2*pi*(t + phase)/period))
 * Both are multiplied by (1 + noise * Z), Z ~ N(0,1) drawn from the caller's
 * stream at each sample, and clamped at 0. Later work adds on/off (MMPP),
 * random-walk and trace-driven kinds behind the same call.
 */
#ifndef VDCSIM_MODELS_DEMAND_H
#define VDCSIM_MODELS_DEMAND_H

#include <gsl/gsl_rng.h>

#include "sim/time.h"

typedef enum { DEMAND_CONSTANT, DEMAND_DIURNAL } demand_kind;

typedef struct demand_spec {
    demand_kind kind;
    double mean;           /* caller's unit (MHz, fraction, Gbps) */
    double amplitude;      /* relative, 0..1 */
    sim_time_ns period_ns; /* > 0 for diurnal */
    sim_time_ns phase_ns;
    double noise;          /* relative standard deviation, 0..1 */
} demand_spec;

/* Parses "constant" or "diurnal"; returns 0, or -1 if unknown. */
int demand_kind_parse(const char *name, demand_kind *out);
const char *demand_kind_name(demand_kind kind);

/* The demand without noise at time t (>= 0). */
double demand_expected(const demand_spec *d, sim_time_ns t_ns);

/* The demand with noise drawn from rng (which may be NULL when noise is 0). */
double demand_sample(const demand_spec *d, sim_time_ns t_ns, gsl_rng *rng);

#endif
