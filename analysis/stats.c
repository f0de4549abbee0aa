/* stats.c - running moments, t confidence intervals, batch means and the
 * log-bucketed quantile histogram. Contracts are in stats.h.
 */
#include "analysis/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

/* ------------------------------------------------------------------------ */
/* Welford running moments                                                   */
/* ------------------------------------------------------------------------ */

void stats_running_init(stats_running *acc)
{
    acc->count = 0;
    acc->mean = 0.0;
    acc->sum_squared_deviations = 0.0;
    acc->min = INFINITY;
    acc->max = -INFINITY;
}

void stats_running_add(stats_running *acc, double value)
{
    double delta;

    if (isnan(value))
        return;
    acc->count++;
    delta = value - acc->mean;
    acc->mean += delta / (double)acc->count;
    acc->sum_squared_deviations += delta * (value - acc->mean);
    if (value < acc->min)
        acc->min = value;
    if (value > acc->max)
        acc->max = value;
}

void stats_running_merge(stats_running *acc, const stats_running *other)
{
    double n_a, n_b, n, delta;

    if (other->count == 0)
        return;
    if (acc->count == 0) {
        *acc = *other;
        return;
    }
    n_a = (double)acc->count;
    n_b = (double)other->count;
    n = n_a + n_b;
    delta = other->mean - acc->mean;
    acc->mean += delta * n_b / n;
    acc->sum_squared_deviations += other->sum_squared_deviations + delta * delta * n_a * n_b / n;
    acc->count += other->count;
    if (other->min < acc->min)
        acc->min = other->min;
    if (other->max > acc->max)
        acc->max = other->max;
}

double stats_running_variance(const stats_running *acc)
{
    if (acc->count < 2)
        return NAN;
    return acc->sum_squared_deviations / (double)(acc->count - 1);
}

double stats_running_population_variance(const stats_running *acc)
{
    if (acc->count < 1)
        return NAN;
    return acc->sum_squared_deviations / (double)acc->count;
}

double stats_running_stddev(const stats_running *acc)
{
    return sqrt(stats_running_variance(acc));
}

/* ------------------------------------------------------------------------ */
/* Confidence intervals                                                      */
/* ------------------------------------------------------------------------ */

static int level_valid(double level)
{
    return level > 0.0 && level < 1.0;
}

double stats_t_critical(double level, double degrees_of_freedom)
{
    if (!level_valid(level) || !(degrees_of_freedom > 0.0))
        return NAN;
    return gsl_cdf_tdist_Pinv(0.5 + level / 2.0, degrees_of_freedom);
}

int stats_running_ci(const stats_running *acc, double level, stats_interval *out)
{
    double n = (double)acc->count;

    out->mean = acc->count > 0 ? acc->mean : NAN;
    out->half_width = INFINITY;
    out->samples = acc->count;
    out->level = level;
    if (acc->count < 2 || !level_valid(level))
        return -1;
    out->half_width = stats_t_critical(level, n - 1.0) * stats_running_stddev(acc) / sqrt(n);
    return 0;
}

int stats_mean_ci(const double *values, size_t count, double level,
                  stats_interval *out)
{
    stats_running acc;

    stats_running_init(&acc);
    for (size_t i = 0; i < count; i++)
        stats_running_add(&acc, values[i]);
    return stats_running_ci(&acc, level, out);
}

int stats_batch_means_ci(const double *series, size_t count, size_t batch_count,
                         double level, stats_interval *out)
{
    stats_running batch_means;
    size_t batch_size, first;

    out->mean = NAN;
    out->half_width = INFINITY;
    out->samples = 0;
    out->level = level;
    if (batch_count < 2 || count < batch_count || series == NULL)
        return -1;
    batch_size = count / batch_count;
    first = count - batch_size * batch_count; /* drop the oldest remainder */
    stats_running_init(&batch_means);
    for (size_t b = 0; b < batch_count; b++) {
        const double *batch = series + first + b * batch_size;
        stats_running within;

        stats_running_init(&within);
        for (size_t i = 0; i < batch_size; i++)
            stats_running_add(&within, batch[i]);
        stats_running_add(&batch_means, within.mean);
    }
    return stats_running_ci(&batch_means, level, out);
}

int stats_within_ci(const stats_interval *interval, double expected)
{
    return expected >= interval->mean - interval->half_width &&
           expected <= interval->mean + interval->half_width;
}
