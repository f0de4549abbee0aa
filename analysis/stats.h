/* stats.h - statistics over replications and over one long run.
 *
 * What validation needs to compare a simulated estimate with an oracle
 * (models.md 7: "compare the sample mean with the closed form using a 95 %
 * confidence interval, for example batch means with >= 30 batches"):
 *
 *   stats_running     Welford's running mean and variance, mergeable (Chan,
 *                     Golub, LeVeque 1979) so per-thread accumulators can be
 *                     combined after an OpenMP loop.
 *   stats_interval    a Student-t confidence interval for a mean:
 *                     mean +- t_{(1+level)/2, n-1} * s / sqrt(n).
 *   batch means       the same interval over the means of k equal batches of
 *                     one long (warm-up removed) series.
 *   stats_histogram   (sim/histogram.h, included here) a fixed-memory,
 *                     log-bucketed, mergeable histogram for quantiles.
 *
 * Functions that take a confidence level accept 0 < level < 1 (0.95 for a
 * 95 % interval). Nothing here allocates except stats_histogram_init.
 */
#ifndef VDCSIM_ANALYSIS_STATS_H
#define VDCSIM_ANALYSIS_STATS_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Running mean and variance (Welford 1962).                                 */
/* ------------------------------------------------------------------------ */

typedef struct stats_running {
    uint64_t count;
    double mean;
    double sum_squared_deviations; /* M2 = sum (x - mean)^2 */
    double min;
    double max;
} stats_running;

void stats_running_init(stats_running *acc);
/* Adds one observation. NaN is ignored. */
void stats_running_add(stats_running *acc, double value);
/* acc := acc combined with other, as if every value had been added to acc. */
void stats_running_merge(stats_running *acc, const stats_running *other);
/* Sample variance M2/(n-1); NAN when count < 2. */
double stats_running_variance(const stats_running *acc);
/* Population variance M2/n; NAN when count < 1. */
double stats_running_population_variance(const stats_running *acc);
double stats_running_stddev(const stats_running *acc);

/* ------------------------------------------------------------------------ */
/* Confidence intervals.                                                     */
/* ------------------------------------------------------------------------ */

typedef struct stats_interval {
    double mean;
    double half_width; /* the interval is [mean - half_width, mean + half_width] */
    uint64_t samples;  /* replications, or batches for batch means */
    double level;      /* confidence level, e.g. 0.95 */
} stats_interval;

/* Two-sided Student-t critical value t_{(1+level)/2, dof}
 * (gsl_cdf_tdist_Pinv). level 0.95, dof 9 gives 2.262. NAN on bad input. */
double stats_t_critical(double level, double degrees_of_freedom);

/* Interval for the mean of the observations in acc (n replications, t with
 * n-1 degrees of freedom). Returns 0, or -1 when count < 2 or level is out of
 * range (then *out has mean set and half_width = INFINITY). */
int stats_running_ci(const stats_running *acc, double level, stats_interval *out);

/* The same for an array of n replication results. */
int stats_mean_ci(const double *values, size_t count, double level,
                  stats_interval *out);

/* Batch means for one long run: the series is cut into batch_count batches
 * of floor(count/batch_count) consecutive observations; the count mod
 * batch_count oldest observations are dropped (they are the closest to the
 * warm-up). The interval is stats_mean_ci over the batch means, so it has
 * batch_count - 1 degrees of freedom. Use batch_count >= 30 per models.md 7.
 * Returns 0, or -1 if batch_count < 2 or count < batch_count. */
int stats_batch_means_ci(const double *series, size_t count, size_t batch_count,
                         double level, stats_interval *out);

/* 1 if mean - half_width <= expected <= mean + half_width, else 0. */
int stats_within_ci(const stats_interval *interval, double expected);

/* The log-bucketed quantile histogram (stats_histogram_*) lives in
 * sim/histogram.h, because models use it to record latency percentiles
 * while running and analysis depends on models, not the reverse. */
#include "sim/histogram.h"

#endif
