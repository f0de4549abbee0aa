/* test_distribution.c - variates by mean and shape: closed-form moments, and
 * sample means within 5 standard errors (fixed seed, so deterministic). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/workload/distribution.h"
#include "sim/rng.h"
#include "tests/check.h"

static double sample_mean(const dist_spec *d, gsl_rng *rng, int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += dist_sample(d, rng);
    return sum / n;
}

/* mean within 5 standard errors, sd from the closed-form second moment */
static void check_sample_mean(dist_kind kind, double mean, double shape)
{
    dist_spec d = {.kind = kind, .mean = mean, .shape = shape};
    gsl_rng *rng = sim_rng_stream_new(42, 7, (uint32_t)kind);
    const int n = 200000;
    double sd = sqrt(dist_second_moment(&d) - mean * mean);
    double got = sample_mean(&d, rng, n);
    CHECK_NEAR(got, mean, 5.0 * sd / sqrt((double)n) + 1e-12);
    sim_rng_stream_free(rng);
}

int main(void)
{
    dist_kind k;
    CHECK(dist_kind_parse("weibull", &k) == 0 && k == DIST_WEIBULL);
    CHECK(dist_kind_parse("normal", &k) == -1);

    /* Second moments by hand:
     *   exponential mean 3: 2*9 = 18
     *   lognormal mean 2, sigma 0.5: 4*e^0.25 = 5.136101...
     *   weibull k = 1 is exponential: mean 3 -> 18
     *   weibull k = 2, mean 1: scale = 1/Gamma(1.5) = 2/sqrt(pi); E[X^2] = scale^2 * Gamma(2) = 4/pi
     *   gamma a = 4, mean 2: 4*(1 + 1/4) = 5 */
    CHECK_NEAR(dist_second_moment(&(dist_spec){.kind = DIST_EXPONENTIAL, .mean = 3}), 18.0, 1e-12);
    CHECK_NEAR(dist_second_moment(&(dist_spec){.kind = DIST_LOGNORMAL, .mean = 2, .shape = 0.5}),
               4.0 * exp(0.25), 1e-12);
    CHECK_NEAR(dist_second_moment(&(dist_spec){.kind = DIST_WEIBULL, .mean = 3, .shape = 1}), 18.0, 1e-9);
    CHECK_NEAR(dist_second_moment(&(dist_spec){.kind = DIST_WEIBULL, .mean = 1, .shape = 2}), 4.0 / 3.14159265358979323846,
               1e-9);
    CHECK_NEAR(dist_second_moment(&(dist_spec){.kind = DIST_GAMMA, .mean = 2, .shape = 4}), 5.0, 1e-12);
    CHECK_NEAR(dist_second_moment(&(dist_spec){.kind = DIST_DETERMINISTIC, .mean = 2}), 4.0, 0);

    check_sample_mean(DIST_EXPONENTIAL, 3.0, 0);
    check_sample_mean(DIST_LOGNORMAL, 2.0, 0.5);
    check_sample_mean(DIST_WEIBULL, 1000.0, 0.7);
    check_sample_mean(DIST_GAMMA, 2.0, 4.0);
    dist_spec det = {.kind = DIST_DETERMINISTIC, .mean = 2.5};
    CHECK(dist_sample(&det, NULL) == 2.5);

    char why[256];
    CHECK(dist_check(&(dist_spec){.kind = DIST_WEIBULL, .mean = 1, .shape = 0}, why, sizeof why) == -1);
    CHECK(dist_check(&(dist_spec){.kind = DIST_EXPONENTIAL, .mean = 0}, why, sizeof why) == -1);
    CHECK(dist_check(&(dist_spec){.kind = DIST_DETERMINISTIC, .mean = 0}, why, sizeof why) == 0);

    /* empirical: values 1, 2, 6 (seconds) -> mean 3 s = 3e9 ns; E[X^2] = 41/3 s^2 */
    char path[4200], err[4400];
    snprintf(path, sizeof path, "%s/empirical-ok.txt", VDCSIM_TEST_TMPDIR);
    FILE *f = fopen(path, "w");
    fputs("# seconds\n1\n2  \n\n6 # last\n", f);
    fclose(f);
    dist_spec e;
    CHECK(dist_load_empirical(path, 1e9, &e, err, sizeof err) == 0);
    CHECK_INT_EQ(e.n_values, 3);
    CHECK_NEAR(dist_mean(&e), 3e9, 1e-3);
    CHECK_NEAR(dist_second_moment(&e), 41.0 / 3.0 * 1e18, 1e6);
    gsl_rng *rng = sim_rng_stream_new(1, 1, 1);
    for (int i = 0; i < 100; i++) {
        double v = dist_sample(&e, rng);
        CHECK(v == 1e9 || v == 2e9 || v == 6e9);
    }
    sim_rng_stream_free(rng);
    dist_free(&e);

    snprintf(path, sizeof path, "%s/empirical-bad.txt", VDCSIM_TEST_TMPDIR);
    f = fopen(path, "w");
    fputs("1\n2\n-4\n", f);
    fclose(f);
    CHECK(dist_load_empirical(path, 1.0, &e, err, sizeof err) == -1);
    CHECK_STR_CONTAINS(err, "empirical-bad.txt:3:");
    CHECK(e.values == NULL && e.n_values == 0);

    /* one number after 252 spaces is one value, not two (issue 13, item 13:
     * a 256-byte read buffer split it into "1234" and "5") */
    snprintf(path, sizeof path, "%s/empirical-long.txt", VDCSIM_TEST_TMPDIR);
    f = fopen(path, "w");
    fprintf(f, "%252s12345\n", "");
    fclose(f);
    CHECK(dist_load_empirical(path, 1.0, &e, err, sizeof err) == 0);
    CHECK_INT_EQ(e.n_values, 1);
    CHECK(e.n_values == 1 && e.values[0] == 12345.0);
    dist_free(&e);
    /* a device is refused at once (reading /dev/zero never ended) */
    CHECK(dist_load_empirical("/dev/zero", 1.0, &e, err, sizeof err) == -1);
    CHECK_STR_CONTAINS(err, "not a regular file");
    /* a line of binary data and an endless line are refused with their line */
    snprintf(path, sizeof path, "%s/empirical-nul.txt", VDCSIM_TEST_TMPDIR);
    f = fopen(path, "w");
    fputs("1\n2", f);
    fputc('\0', f);
    fputs("3\n", f);
    fclose(f);
    CHECK(dist_load_empirical(path, 1.0, &e, err, sizeof err) == -1);
    CHECK_STR_CONTAINS(err, "empirical-nul.txt:2: binary data");
    snprintf(path, sizeof path, "%s/empirical-huge-line.txt", VDCSIM_TEST_TMPDIR);
    f = fopen(path, "w");
    for (int i = 0; i < 5000; i++)
        fputc(' ', f);
    fputs("7\n", f);
    fclose(f);
    CHECK(dist_load_empirical(path, 1.0, &e, err, sizeof err) == -1);
    CHECK_STR_CONTAINS(err, "empirical-huge-line.txt:1: line too long");
    return CHECK_DONE();
}
