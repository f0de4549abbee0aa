/* test_stats.c - Welford moments, t intervals, batch means and the
 * log-bucketed histogram. Expected values are worked by hand or taken from
 * t tables; random checks use fixed gsl_rng seeds, so they are repeatable.
 */
#include "analysis/stats.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static void test_welford(void)
{
    /* {2,4,4,4,5,5,7,9}: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32,
     * sample variance 32/7, population variance 4. */
    const double sample[] = {2, 4, 4, 4, 5, 5, 7, 9};
    stats_running all, left, right;

    stats_running_init(&all);
    stats_running_init(&left);
    stats_running_init(&right);
    for (int i = 0; i < 8; i++) {
        stats_running_add(&all, sample[i]);
        stats_running_add(i < 3 ? &left : &right, sample[i]);
    }
    stats_running_add(&all, NAN); /* ignored */
    CHECK_INT_EQ(all.count, 8);
    CHECK_NEAR(all.mean, 5.0, 1e-15);
    CHECK_NEAR(stats_running_variance(&all), 32.0 / 7.0, 1e-14);
    CHECK_NEAR(stats_running_population_variance(&all), 4.0, 1e-14);
    CHECK_NEAR(stats_running_stddev(&all), sqrt(32.0 / 7.0), 1e-14);
    CHECK_NEAR(all.min, 2.0, 0.0);
    CHECK_NEAR(all.max, 9.0, 0.0);

    stats_running_merge(&left, &right);
    CHECK_INT_EQ(left.count, 8);
    CHECK_NEAR(left.mean, 5.0, 1e-14);
    CHECK_NEAR(stats_running_variance(&left), 32.0 / 7.0, 1e-13);
    CHECK_NEAR(left.min, 2.0, 0.0);
    CHECK_NEAR(left.max, 9.0, 0.0);

    /* Merging into an empty accumulator copies. */
    stats_running_init(&left);
    stats_running_merge(&left, &all);
    CHECK_NEAR(left.mean, 5.0, 1e-15);

    /* A large offset does not destroy the variance (the naive sum-of-squares
     * formula loses every digit here). */
    stats_running_init(&all);
    for (int i = 0; i < 8; i++)
        stats_running_add(&all, 1e9 + sample[i]);
    CHECK_NEAR(stats_running_variance(&all), 32.0 / 7.0, 1e-6);

    stats_running_init(&all);
    stats_running_add(&all, 1.0);
    CHECK(isnan(stats_running_variance(&all)));
}

static void test_intervals(void)
{
    const double five[] = {1, 2, 3, 4, 5};
    const double six[] = {1, 2, 3, 4, 5, 6};
    const double seven[] = {100, 1, 2, 3, 4, 5, 6};
    stats_interval ci;

    /* t tables: t_{0.975, 9} = 2.262, t_{0.975, 4} = 2.776, t_{0.975, 2} = 4.303,
     * t_{0.95, 9} = 1.833. */
    CHECK_NEAR(stats_t_critical(0.95, 9.0), 2.262, 5e-4);
    CHECK_NEAR(stats_t_critical(0.95, 4.0), 2.776, 5e-4);
    CHECK_NEAR(stats_t_critical(0.95, 2.0), 4.303, 5e-4);
    CHECK_NEAR(stats_t_critical(0.90, 9.0), 1.833, 5e-4);
    CHECK(isnan(stats_t_critical(1.0, 9.0)));

    /* {1..5}: mean 3, s^2 = 10/4, half = 2.776 * sqrt(2.5) / sqrt(5) = 1.963. */
    CHECK_INT_EQ(stats_mean_ci(five, 5, 0.95, &ci), 0);
    CHECK_NEAR(ci.mean, 3.0, 1e-15);
    CHECK_NEAR(ci.half_width, 2.776 * sqrt(0.5), 1e-3);
    CHECK_INT_EQ(ci.samples, 5);
    CHECK(stats_within_ci(&ci, 3.0));
    CHECK(stats_within_ci(&ci, 4.9));
    CHECK(!stats_within_ci(&ci, 5.0));
    CHECK(!stats_within_ci(&ci, 1.0));
    CHECK_INT_EQ(stats_mean_ci(five, 1, 0.95, &ci), -1);
    CHECK(isinf(ci.half_width));

    /* Batch means of {1..6} in 3 batches: 1.5, 3.5, 5.5; mean 3.5, s = 2,
     * half = 4.303 * 2 / sqrt(3) = 4.969. */
    CHECK_INT_EQ(stats_batch_means_ci(six, 6, 3, 0.95, &ci), 0);
    CHECK_NEAR(ci.mean, 3.5, 1e-15);
    CHECK_NEAR(ci.half_width, 4.303 * 2.0 / sqrt(3.0), 2e-3);
    CHECK_INT_EQ(ci.samples, 3);
    /* The oldest remainder (here the 100) is dropped. */
    CHECK_INT_EQ(stats_batch_means_ci(seven, 7, 3, 0.95, &ci), 0);
    CHECK_NEAR(ci.mean, 3.5, 1e-15);
    CHECK_INT_EQ(stats_batch_means_ci(six, 6, 1, 0.95, &ci), -1);
    CHECK_INT_EQ(stats_batch_means_ci(six, 2, 3, 0.95, &ci), -1);
}

/* 1000 intervals from 10 normal samples each should cover the true mean
 * about 950 times; 930..970 is within 3 binomial standard deviations
 * (sqrt(1000 * .95 * .05) = 6.9). */
static void test_coverage(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    const double true_mean = 3.0, sigma = 2.0;
    int covered = 0;

    gsl_rng_set(rng, 20240611);
    for (int rep = 0; rep < 1000; rep++) {
        double sample[10];
        stats_interval ci;
        for (int i = 0; i < 10; i++)
            sample[i] = true_mean + gsl_ran_gaussian(rng, sigma);
        stats_mean_ci(sample, 10, 0.95, &ci);
        covered += stats_within_ci(&ci, true_mean);
    }
    printf("t-interval coverage: %d / 1000\n", covered);
    CHECK(covered >= 930 && covered <= 970);

    /* Batch means on a correlated series, AR(1) with phi = 0.5 and mean 0:
     * 30 batches of 1000 make the batch means nearly independent, so about
     * 95 of 100 intervals cover 0 (>= 88 is 3 standard deviations). */
    covered = 0;
    {
        static double series[30000];
        for (int rep = 0; rep < 100; rep++) {
            stats_interval ci;
            double x = gsl_ran_gaussian(rng, 1.0) / sqrt(1.0 - 0.25);
            for (int t = 0; t < 30000; t++) {
                x = 0.5 * x + gsl_ran_gaussian(rng, 1.0);
                series[t] = x;
            }
            stats_batch_means_ci(series, 30000, 30, 0.95, &ci);
            covered += stats_within_ci(&ci, 0.0);
        }
    }
    printf("batch-means coverage: %d / 100\n", covered);
    CHECK(covered >= 88);
    gsl_rng_free(rng);
}

static int compare_doubles(const void *left, const void *right)
{
    double a = *(const double *)left, b = *(const double *)right;
    return (a > b) - (a < b);
}

/* Exact lower empirical quantile of a sorted array, the same rank rule as
 * stats_histogram_quantile: rank ceil(q*n), at least 1. */
static double sorted_quantile(const double *sorted, size_t count, double q)
{
    double rank = ceil(q * (double)count);
    size_t index = rank < 1.0 ? 0 : (size_t)rank - 1;
    return sorted[index];
}

static int within_relative(double got, double want, double relative_error)
{
    return fabs(got - want) <= relative_error * fabs(want) * (1.0 + 1e-9);
}

static void test_histogram(void)
{
    static const double quantiles[] = {0.0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
    const size_t quantile_count = sizeof quantiles / sizeof quantiles[0];
    const size_t n = 100000;
    double *values = malloc(n * sizeof *values);
    stats_histogram hist, left, right, other;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

    CHECK(values != NULL);
    if (values == NULL)
        return;

    /* ln(1e12) / ln(1.01/0.99) = 27.631 / 0.0200007 = 1381.5 -> 1382 buckets. */
    CHECK_INT_EQ(stats_histogram_init(&hist, 1e-6, 1e6, 0.01), 0);
    CHECK_INT_EQ(hist.bucket_count, 1382);

    /* A known distribution, deterministically: the exponential(1) quantile
     * grid v_k = -ln(1 - (k - 1/2)/n), k = 1..n, already sorted. */
    for (size_t k = 1; k <= n; k++)
        values[k - 1] = -log1p(-((double)k - 0.5) / (double)n);
    for (size_t k = 0; k < n; k++)
        stats_histogram_add(&hist, values[k]);
    for (size_t i = 0; i < quantile_count; i++) {
        double got = stats_histogram_quantile(&hist, quantiles[i]);
        double want = sorted_quantile(values, n, quantiles[i]);
        if (!within_relative(got, want, 0.01))
            fprintf(stderr, "  exponential q=%g: got %.9g want %.9g\n", quantiles[i], got, want);
        CHECK(within_relative(got, want, 0.01));
    }
    /* The median of exp(1) is ln 2. */
    CHECK_NEAR(stats_histogram_quantile(&hist, 0.5) / log(2.0), 1.0, 0.0101);
    CHECK_NEAR(stats_histogram_mean(&hist), 1.0, 1e-3);
    CHECK(isnan(stats_histogram_quantile(&hist, 1.5)));

    /* A random lognormal sample, compared with the sorted array; also split
     * in two histograms and merged. */
    stats_histogram_reset(&hist);
    CHECK_INT_EQ(stats_histogram_init(&left, 1e-6, 1e6, 0.01), 0);
    CHECK_INT_EQ(stats_histogram_init(&right, 1e-6, 1e6, 0.01), 0);
    gsl_rng_set(rng, 7);
    for (size_t k = 0; k < n; k++) {
        values[k] = gsl_ran_lognormal(rng, -3.0, 1.5);
        stats_histogram_add(&hist, values[k]);
        stats_histogram_add(k % 3 == 0 ? &left : &right, values[k]);
    }
    qsort(values, n, sizeof *values, compare_doubles);
    CHECK_INT_EQ(stats_histogram_merge(&left, &right), 0);
    CHECK_INT_EQ(left.total_count, n);
    for (size_t i = 0; i < quantile_count; i++) {
        double got = stats_histogram_quantile(&hist, quantiles[i]);
        double want = sorted_quantile(values, n, quantiles[i]);
        if (!within_relative(got, want, 0.01))
            fprintf(stderr, "  lognormal q=%g: got %.9g want %.9g\n", quantiles[i], got, want);
        CHECK(within_relative(got, want, 0.01));
        CHECK(stats_histogram_quantile(&left, quantiles[i]) == got);
    }
    CHECK_NEAR(stats_histogram_mean(&left) / stats_histogram_mean(&hist), 1.0, 1e-12);
    /* q = 0 and q = 1 are the exact extremes. */
    CHECK(stats_histogram_quantile(&hist, 0.0) == values[0]);
    CHECK(stats_histogram_quantile(&hist, 1.0) == values[n - 1]);

    /* Values on bucket edges, where log() rounding decides the bucket. */
    stats_histogram_free(&right);
    CHECK_INT_EQ(stats_histogram_init(&right, 1e-6, 1e6, 0.01), 0);
    {
        double growth = 1.01 / 0.99;
        int all_within = 1;
        for (int i = 0; i < 1300; i += 7) {
            double edge = 1e-6 * pow(growth, (double)i);
            stats_histogram_reset(&right);
            stats_histogram_add(&right, edge);
            stats_histogram_add(&right, edge * 1.5); /* so min/max clamping does not help */
            stats_histogram_add(&right, edge / 1.5);
            if (!within_relative(stats_histogram_quantile(&right, 0.5), edge, 0.01))
                all_within = 0;
        }
        CHECK(all_within);
    }

    /* Underflow (zeros) and overflow. */
    stats_histogram_reset(&right);
    stats_histogram_add_count(&right, 0.0, 10);
    stats_histogram_add(&right, 5e6);
    CHECK_INT_EQ(right.underflow_count, 10);
    CHECK_INT_EQ(right.overflow_count, 1);
    CHECK(stats_histogram_quantile(&right, 0.5) < 1e-6 + 1e-18);
    CHECK(stats_histogram_quantile(&right, 1.0) == 5e6);

    /* Different parameters do not merge. */
    CHECK_INT_EQ(stats_histogram_init(&other, 1e-6, 1e6, 0.02), 0);
    CHECK_INT_EQ(stats_histogram_merge(&other, &hist), -1);
    stats_histogram_free(&other);
    CHECK_INT_EQ(stats_histogram_init(&other, 0.0, 1e6, 0.02), -1);

    stats_histogram_reset(&right);
    CHECK(isnan(stats_histogram_quantile(&right, 0.5)));

    stats_histogram_free(&hist);
    stats_histogram_free(&left);
    stats_histogram_free(&right);
    stats_histogram_free(&other);
    gsl_rng_free(rng);
    free(values);
}

int main(void)
{
    test_welford();
    test_intervals();
    test_coverage();
    test_histogram();
    return CHECK_DONE();
}
