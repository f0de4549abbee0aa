/* histogram.c - the log-bucketed quantile histogram (see histogram.h). */
#include "sim/histogram.h"

#include <math.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------ */
/* Log-bucketed histogram                                                    */
/* ------------------------------------------------------------------------ */

int stats_histogram_init(stats_histogram *hist, double lowest_value,
                         double highest_value, double relative_error)
{
    double growth, buckets;

    hist->bucket_counts = NULL;
    if (!(lowest_value > 0.0) || !(highest_value > lowest_value) ||
        !(relative_error > 0.0 && relative_error < 1.0) || isinf(highest_value))
        return -1;
    growth = (1.0 + relative_error) / (1.0 - relative_error);
    hist->log_growth = log(growth);
    buckets = floor(log(highest_value / lowest_value) / hist->log_growth) + 1.0;
    if (!(buckets >= 1.0 && buckets <= 1e8))
        return -1;
    hist->lowest_value = lowest_value;
    hist->highest_value = highest_value;
    hist->relative_error = relative_error;
    hist->bucket_count = (size_t)buckets;
    hist->bucket_counts = calloc(hist->bucket_count, sizeof *hist->bucket_counts);
    if (hist->bucket_counts == NULL)
        return -1;
    stats_histogram_reset(hist);
    return 0;
}

void stats_histogram_free(stats_histogram *hist)
{
    free(hist->bucket_counts);
    hist->bucket_counts = NULL;
    hist->bucket_count = 0;
}

void stats_histogram_reset(stats_histogram *hist)
{
    for (size_t i = 0; i < hist->bucket_count; i++)
        hist->bucket_counts[i] = 0;
    hist->underflow_count = 0;
    hist->overflow_count = 0;
    hist->total_count = 0;
    hist->sum = 0.0;
    hist->min_seen = INFINITY;
    hist->max_seen = -INFINITY;
}

/* Index of the bucket holding value, lowest_value <= value <= highest_value.
 * Rounding in log() can move a value sitting on a bucket edge to the
 * neighbouring bucket; the reported value is then still within the error. */
static size_t histogram_bucket_index(const stats_histogram *hist, double value)
{
    double index = floor(log(value / hist->lowest_value) / hist->log_growth);

    if (index < 0.0)
        return 0;
    if (index >= (double)hist->bucket_count)
        return hist->bucket_count - 1;
    return (size_t)index;
}

/* The value reported for bucket i: 2*a*g/(1+g) for a bucket [a, a*g). */
static double histogram_bucket_value(const stats_histogram *hist, size_t index)
{
    double growth = exp(hist->log_growth);
    double start = hist->lowest_value * exp((double)index * hist->log_growth);
    return 2.0 * start * growth / (1.0 + growth);
}

void stats_histogram_add_count(stats_histogram *hist, double value, uint64_t count)
{
    if (isnan(value) || count == 0)
        return;
    if (value < hist->lowest_value)
        hist->underflow_count += count;
    else if (value > hist->highest_value)
        hist->overflow_count += count;
    else
        hist->bucket_counts[histogram_bucket_index(hist, value)] += count;
    hist->total_count += count;
    hist->sum += value * (double)count;
    if (value < hist->min_seen)
        hist->min_seen = value;
    if (value > hist->max_seen)
        hist->max_seen = value;
}

void stats_histogram_add(stats_histogram *hist, double value)
{
    stats_histogram_add_count(hist, value, 1);
}

int stats_histogram_merge(stats_histogram *dst, const stats_histogram *src)
{
    if (dst->lowest_value != src->lowest_value ||
        dst->highest_value != src->highest_value ||
        dst->relative_error != src->relative_error ||
        dst->bucket_count != src->bucket_count)
        return -1;
    for (size_t i = 0; i < dst->bucket_count; i++)
        dst->bucket_counts[i] += src->bucket_counts[i];
    dst->underflow_count += src->underflow_count;
    dst->overflow_count += src->overflow_count;
    dst->total_count += src->total_count;
    dst->sum += src->sum;
    if (src->min_seen < dst->min_seen)
        dst->min_seen = src->min_seen;
    if (src->max_seen > dst->max_seen)
        dst->max_seen = src->max_seen;
    return 0;
}

static double clamp_to_seen(const stats_histogram *hist, double value)
{
    return fmin(fmax(value, hist->min_seen), hist->max_seen);
}

double stats_histogram_quantile(const stats_histogram *hist, double q)
{
    double rank_real;
    uint64_t rank, seen;

    if (hist->total_count == 0 || !(q >= 0.0 && q <= 1.0))
        return NAN;
    rank_real = ceil(q * (double)hist->total_count);
    rank = rank_real < 1.0 ? 1 : (uint64_t)rank_real;
    if (rank > hist->total_count)
        rank = hist->total_count;
    /* The extremes are tracked exactly. */
    if (rank == 1)
        return hist->min_seen;
    if (rank == hist->total_count)
        return hist->max_seen;

    seen = hist->underflow_count;
    if (rank <= seen)
        return clamp_to_seen(hist, hist->lowest_value);
    for (size_t i = 0; i < hist->bucket_count; i++) {
        seen += hist->bucket_counts[i];
        if (rank <= seen)
            return clamp_to_seen(hist, histogram_bucket_value(hist, i));
    }
    return hist->max_seen; /* in the overflow bucket */
}

double stats_histogram_mean(const stats_histogram *hist)
{
    if (hist->total_count == 0)
        return NAN;
    return hist->sum / (double)hist->total_count;
}
