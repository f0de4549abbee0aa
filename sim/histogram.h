/* histogram.h - a fixed-memory, log-bucketed, mergeable histogram for
 * quantiles with bounded relative error (the DDSketch / HdrHistogram idea).
 *
 * One implementation for the whole program: models record latency
 * percentiles with it while a run goes on (models/services/service.c), and the
 * analysis tools use it through analysis/stats.h. It lives in models/
 * because analysis depends on models and not the other way round.
 */
#ifndef VDCSIM_MODELS_HISTOGRAM_H
#define VDCSIM_MODELS_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Log-bucketed histogram for quantiles (the DDSketch / HdrHistogram idea).  */
/* ------------------------------------------------------------------------ */

/* Values in [lowest_value, highest_value] fall in geometric buckets
 * [lowest*g^i, lowest*g^(i+1)) with g = (1 + e)/(1 - e), e = relative_error;
 * a bucket reports 2*lowest*g^(i+1)/(1 + g), which is within relative error e
 * of every value in the bucket. So any quantile query returns a value within
 * relative error e of the exact empirical quantile of the same rank.
 *
 * Values below lowest_value (including 0 and negatives) are counted in an
 * underflow bucket that reports lowest_value (absolute error < lowest_value);
 * values above highest_value go to an overflow bucket that reports the
 * largest value seen. Reported quantiles are clamped to the [min, max] seen,
 * and ranks 1 and N (q = 0, q = 1) return the exact min and max.
 * NaN values are ignored.
 *
 * Memory is fixed at init: about ln(highest/lowest)/(2e) counters (1e-6 s to
 * 1e6 s at 1 % is 1382 buckets, 11 KiB). Two histograms with the same
 * parameters can be merged exactly. */
typedef struct stats_histogram {
    double lowest_value;
    double highest_value;
    double relative_error;
    double log_growth; /* ln g */
    size_t bucket_count;
    uint64_t *bucket_counts;
    uint64_t underflow_count;
    uint64_t overflow_count;
    uint64_t total_count;
    double sum;
    double min_seen;
    double max_seen;
} stats_histogram;

/* 0 < lowest_value < highest_value, 0 < relative_error < 1. Returns 0, or
 * -1 on a bad argument or allocation failure (then nothing to free). */
int stats_histogram_init(stats_histogram *hist, double lowest_value,
                         double highest_value, double relative_error);
void stats_histogram_free(stats_histogram *hist);
/* Forgets all observations, keeps the parameters. */
void stats_histogram_reset(stats_histogram *hist);
void stats_histogram_add(stats_histogram *hist, double value);
void stats_histogram_add_count(stats_histogram *hist, double value, uint64_t count);
/* dst += src. Returns 0, or -1 if the parameters differ. */
int stats_histogram_merge(stats_histogram *dst, const stats_histogram *src);
/* The value of rank ceil(q * N) (1-based; rank 1 for q = 0), i.e. the lower
 * empirical q-quantile, within the stated error. NAN if empty or q outside
 * [0,1]. */
double stats_histogram_quantile(const stats_histogram *hist, double q);
/* Exact mean of the values added (kept as a running sum); NAN if empty. */
double stats_histogram_mean(const stats_histogram *hist);

#endif
