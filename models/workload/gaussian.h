/* gaussian.h - N(0, sigma^2) draws identical to gsl_ran_gaussian, faster.
 *
 * Contract: demand_gaussian(r, sigma) returns exactly (bit for bit) what
 * gsl_ran_gaussian(r, sigma) would, and leaves r in exactly the same state:
 * the same polar (Marsaglia) Box-Muller method of GSL 2.x (randist/gauss.c:
 * x, y = 2 u - 1 from gsl_rng_uniform_pos, rejected while r2 = x^2 + y^2 > 1
 * or r2 == 0; sigma * y * sqrt(-2 log(r2) / r2)), with the same operations
 * in the same order and the same libm log. For the taus2 generator (every
 * stream of the engine, sim/rng.c) the generator step is inlined instead of
 * called through the gsl_rng_type function pointers; any other generator
 * goes through gsl_ran_gaussian itself. tests/test_gaussian.c checks the
 * identity on millions of draws.
 */
#ifndef VDCSIM_MODELS_WORKLOAD_GAUSSIAN_H
#define VDCSIM_MODELS_WORKLOAD_GAUSSIAN_H

#include <gsl/gsl_rng.h>

double demand_gaussian(gsl_rng *r, double sigma);

#endif
