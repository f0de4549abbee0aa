/* gaussian.h - the N(0, sigma^2) draw of demand noise.
 *
 * Contract: demand_gaussian(r, sigma) is GSL's ziggurat method
 * (gsl_ran_gaussian_ziggurat: Marsaglia and Tsang 2000, one generator draw
 * per value in about 99 % of calls), the one place that says which Gaussian
 * method the demand models use. It replaced the polar Box-Muller method of
 * gsl_ran_gaussian (about 2.5 draws, a log and a sqrt per value) on
 * 2026-12-07: the headline scenario draws 28.8 million values a simulated
 * day and the polar method was 13-17 % of its run time (docs/host-model.md,
 * "Demand noise"). Both are exact N(0, sigma^2) methods; the change moved
 * every noisy dataset once. tests/test_gaussian.c checks the moments and
 * tails of the noise.
 */
#ifndef VDCSIM_MODELS_WORKLOAD_GAUSSIAN_H
#define VDCSIM_MODELS_WORKLOAD_GAUSSIAN_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static inline double demand_gaussian(gsl_rng *r, double sigma)
{
    return gsl_ran_gaussian_ziggurat(r, sigma);
}

#endif
