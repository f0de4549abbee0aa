/* test_fit.c - maximum-likelihood fits against known distributions and a
 * hand-computed sample. */
#include "analysis/fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tests/check.h"

#define SAMPLE_COUNT 20000
#define SEED 20240607UL

static double *draw_sample(const char *distribution, double p1, double p2)
{
    double *x = malloc(SAMPLE_COUNT * sizeof *x);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (x == NULL || rng == NULL) {
        free(x);
        gsl_rng_free(rng);
        return NULL;
    }
    gsl_rng_set(rng, SEED);
    for (size_t i = 0; i < SAMPLE_COUNT; i++) {
        if (strcmp(distribution, "weibull") == 0)
            x[i] = gsl_ran_weibull(rng, p2, p1); /* gsl takes (scale, shape) */
        else if (strcmp(distribution, "lognormal") == 0)
            x[i] = gsl_ran_lognormal(rng, p1, p2);
        else if (strcmp(distribution, "exponential") == 0)
            x[i] = gsl_ran_exponential(rng, p1); /* mean */
        else
            x[i] = gsl_ran_gamma(rng, p1, p2); /* shape, scale */
    }
    gsl_rng_free(rng);
    return x;
}

static void test_weibull_recovers_known_parameters(void)
{
    /* shape 0.7, scale 100: the decreasing-hazard case of the LANL data. */
    double *x = draw_sample("weibull", 0.7, 100.0);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    weibull_fit fit;
    CHECK_INT_EQ(fit_weibull_mle(x, SAMPLE_COUNT, &fit), 0);
    CHECK_NEAR(fit.shape, 0.7, 0.02);
    CHECK_NEAR(fit.scale, 100.0, 3.0);
    CHECK_INT_EQ(fit.n, SAMPLE_COUNT);
    /* mean = scale * Gamma(1 + 1/0.7) = 100 * 1.2658 */
    CHECK_NEAR(fit.mean, 126.58, 5.0);

    /* The MLE maximises the likelihood: moving either parameter lowers it. */
    double sum_log = 0.0;
    for (size_t i = 0; i < SAMPLE_COUNT; i++)
        sum_log += log(x[i]);
    double best = fit.log_likelihood;
    double steps[4][2] = {{1.01, 1.0}, {0.99, 1.0}, {1.0, 1.02}, {1.0, 0.98}};
    for (int s = 0; s < 4; s++) {
        double k = fit.shape * steps[s][0], lam = fit.scale * steps[s][1];
        double ll = SAMPLE_COUNT * (log(k) - k * log(lam)) + (k - 1.0) * sum_log;
        for (size_t i = 0; i < SAMPLE_COUNT; i++)
            ll -= pow(x[i] / lam, k);
        CHECK(ll < best);
    }

    /* Changing the unit scales the scale and leaves the shape alone. */
    for (size_t i = 0; i < SAMPLE_COUNT; i++)
        x[i] *= 3600.0;
    weibull_fit in_seconds;
    CHECK_INT_EQ(fit_weibull_mle(x, SAMPLE_COUNT, &in_seconds), 0);
    CHECK_NEAR(in_seconds.shape, fit.shape, 1e-9);
    CHECK_NEAR(in_seconds.scale / 3600.0, fit.scale, 1e-6 * fit.scale);
    free(x);

    /* A steep shape far from the starting bracket at k = 1. */
    x = draw_sample("weibull", 8.0, 2.0);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    CHECK_INT_EQ(fit_weibull_mle(x, SAMPLE_COUNT, &fit), 0);
    CHECK_NEAR(fit.shape, 8.0, 0.2);
    CHECK_NEAR(fit.scale, 2.0, 0.02);
    free(x);
}

static void test_weibull_on_exponential_sample(void)
{
    /* An exponential sample is a Weibull with shape 1. */
    double *x = draw_sample("exponential", 5.0, 0.0);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    weibull_fit weibull;
    exponential_fit exponential;
    CHECK_INT_EQ(fit_weibull_mle(x, SAMPLE_COUNT, &weibull), 0);
    CHECK_INT_EQ(fit_exponential_mle(x, SAMPLE_COUNT, &exponential), 0);
    CHECK_NEAR(weibull.shape, 1.0, 0.02);
    CHECK_NEAR(exponential.mean, 5.0, 0.15);
    CHECK_NEAR(exponential.rate, 0.2, 0.006);
    /* Weibull nests the exponential, so its likelihood is at least as high. */
    CHECK(weibull.log_likelihood >= exponential.log_likelihood - 1e-6);
    free(x);
}

static void test_lognormal_recovers_known_parameters(void)
{
    /* Repair-time-like: median e^0 = 1 h, sigma 1.7. */
    double *x = draw_sample("lognormal", 0.0, 1.7);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    lognormal_fit fit;
    CHECK_INT_EQ(fit_lognormal_mle(x, SAMPLE_COUNT, &fit), 0);
    CHECK_NEAR(fit.mu, 0.0, 0.04);
    CHECK_NEAR(fit.sigma, 1.7, 0.02);
    CHECK_NEAR(fit.median, 1.0, 0.04);
    free(x);
}

static void test_gamma_recovers_known_parameters(void)
{
    double *x = draw_sample("gamma", 0.6, 50.0);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    gamma_fit fit;
    CHECK_INT_EQ(fit_gamma_mle(x, SAMPLE_COUNT, &fit), 0);
    CHECK_NEAR(fit.shape, 0.6, 0.015);
    CHECK_NEAR(fit.scale, 50.0, 2.0);
    free(x);
}

static void test_hand_computed_samples(void)
{
    /* x = 1, e, e^2, e^3, so ln x = 0, 1, 2, 3.
     *   mu      = (0 + 1 + 2 + 3) / 4                         = 1.5
     *   sigma^2 = (1.5^2 + 0.5^2 + 0.5^2 + 1.5^2) / 4 = 5 / 4  = 1.25
     *   sigma   = sqrt(1.25)                                  = 1.1180339887
     *   median  = e^1.5                                       = 4.4816890703
     *   mean    = e^(1.5 + 1.25 / 2) = e^2.125                = 8.3728974881
     *   ll      = -4/2 ln(2 pi 1.25) - sum ln x - 4/2
     *           = -2 * 2.0610206 - 6 - 2                      = -12.1220412 */
    const double e = exp(1.0);
    double x[4] = {1.0, e, e * e, e * e * e};
    lognormal_fit fit;
    CHECK_INT_EQ(fit_lognormal_mle(x, 4, &fit), 0);
    CHECK_NEAR(fit.mu, 1.5, 1e-12);
    CHECK_NEAR(fit.sigma, 1.1180339887, 1e-9);
    CHECK_NEAR(fit.median, 4.4816890703, 1e-9);
    CHECK_NEAR(fit.mean, 8.3728974881, 1e-9);
    CHECK_NEAR(fit.log_likelihood, -12.1220412, 1e-6);

    /* Exponential: x = 1, 2, 3, 6; mean 3, rate 1/3, ll = -4 (ln 3 + 1). */
    double y[4] = {1.0, 2.0, 3.0, 6.0};
    exponential_fit exponential;
    CHECK_INT_EQ(fit_exponential_mle(y, 4, &exponential), 0);
    CHECK_NEAR(exponential.mean, 3.0, 1e-12);
    CHECK_NEAR(exponential.rate, 1.0 / 3.0, 1e-12);
    CHECK_NEAR(exponential.log_likelihood, -4.0 * (log(3.0) + 1.0), 1e-12);

    /* Weibull on x = 1, 2, 3, 6: at the MLE the profile equation
     *   sum(x^k ln x)/sum(x^k) - 1/k - mean(ln x) = 0
     * holds and scale^k = mean(x^k). Checked directly. */
    weibull_fit weibull;
    CHECK_INT_EQ(fit_weibull_mle(y, 4, &weibull), 0);
    double k = weibull.shape, sum_w = 0.0, sum_w_log = 0.0, mean_log = 0.0;
    for (int i = 0; i < 4; i++) {
        sum_w += pow(y[i], k);
        sum_w_log += pow(y[i], k) * log(y[i]);
        mean_log += log(y[i]) / 4.0;
    }
    CHECK_NEAR(sum_w_log / sum_w - 1.0 / k - mean_log, 0.0, 1e-9);
    CHECK_NEAR(pow(weibull.scale, k), sum_w / 4.0, 1e-9 * sum_w);
    CHECK(k > 1.0 && k < 3.0);
}

static void test_bad_samples_are_refused(void)
{
    double good[3] = {1.0, 2.0, 3.0};
    double with_zero[3] = {1.0, 0.0, 3.0};
    double with_negative[3] = {1.0, -2.0, 3.0};
    double with_nan[3] = {1.0, NAN, 3.0};
    double with_inf[3] = {1.0, INFINITY, 3.0};
    double all_equal[3] = {2.0, 2.0, 2.0};
    weibull_fit w;
    lognormal_fit l;
    exponential_fit x;
    gamma_fit g;

    CHECK_INT_EQ(fit_weibull_mle(NULL, 3, &w), -1);
    CHECK_INT_EQ(fit_weibull_mle(good, 3, NULL), -1);
    CHECK_INT_EQ(fit_weibull_mle(good, 1, &w), -1);
    CHECK_INT_EQ(fit_weibull_mle(good, 0, &w), -1);
    CHECK_INT_EQ(fit_weibull_mle(with_zero, 3, &w), -1);
    CHECK(w.shape == 0.0 && w.scale == 0.0);
    CHECK_INT_EQ(fit_weibull_mle(with_negative, 3, &w), -1);
    CHECK_INT_EQ(fit_weibull_mle(with_nan, 3, &w), -1);
    CHECK_INT_EQ(fit_weibull_mle(with_inf, 3, &w), -1);
    CHECK_INT_EQ(fit_weibull_mle(all_equal, 3, &w), -1);

    CHECK_INT_EQ(fit_lognormal_mle(good, 1, &l), -1);
    CHECK_INT_EQ(fit_lognormal_mle(with_zero, 3, &l), -1);
    CHECK_INT_EQ(fit_lognormal_mle(all_equal, 3, &l), -1);
    CHECK_INT_EQ(fit_gamma_mle(all_equal, 3, &g), -1);
    CHECK_INT_EQ(fit_gamma_mle(with_nan, 3, &g), -1);
    CHECK_INT_EQ(fit_exponential_mle(good, 0, &x), -1);
    CHECK_INT_EQ(fit_exponential_mle(with_negative, 3, &x), -1);
    /* One value is enough for an exponential. */
    CHECK_INT_EQ(fit_exponential_mle(all_equal, 3, &x), 0);
    CHECK_NEAR(x.mean, 2.0, 1e-12);

    /* Extreme but valid spreads must not overflow. */
    double wide[4] = {1e-300, 1e-10, 1.0, 1e300};
    CHECK_INT_EQ(fit_weibull_mle(wide, 4, &w), 0);
    CHECK(isfinite(w.shape) && w.shape > 0.0);
    CHECK_INT_EQ(fit_lognormal_mle(wide, 4, &l), 0);
    double nearly_equal[3] = {1.0, 1.0 + 1e-12, 1.0 - 1e-12};
    int status = fit_weibull_mle(nearly_equal, 3, &w);
    CHECK(status == -1 || (status == 0 && w.shape > 1e3));
}

int main(void)
{
    test_weibull_recovers_known_parameters();
    test_weibull_on_exponential_sample();
    test_lognormal_recovers_known_parameters();
    test_gamma_recovers_known_parameters();
    test_hand_computed_samples();
    test_bad_samples_are_refused();
    return CHECK_DONE();
}
