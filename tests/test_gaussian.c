/* test_gaussian.c - the demand noise (models/workload/gaussian.h) is
 * N(0, sigma^2): on a million draws from each of four engine streams, the
 * standardized values' mean, variance, fourth moment and two-sided tails
 * beyond 1, 2 and 3 match the standard normal's closed forms within five
 * standard errors; and a stream is one block (sim/rng.h)
 * whose draws are reproducible from its seed. */
#include "models/workload/gaussian.h"
#include "sim/rng.h"
#include "tests/check.h"

#include <math.h>
#include <stdint.h>

enum { DRAWS = 1000000 };

/* P(|Z| > k) for Z ~ N(0, 1): erfc(k / sqrt 2), k = 1, 2, 3 */
static const double tail_prob[3] = {0.31731050786291410, 0.04550026389635842, 0.00269979606326019};

static void check_moments(gsl_rng *r, double sigma)
{
    double sum = 0.0, sum2 = 0.0, sum4 = 0.0;
    long beyond[3] = {0, 0, 0};
    for (long i = 0; i < DRAWS; i++) {
        double z = demand_gaussian(r, sigma) / sigma;
        sum += z;
        sum2 += z * z;
        sum4 += z * z * z * z;
        for (int k = 0; k < 3; k++)
            beyond[k] += fabs(z) > k + 1.0;
    }
    const double n = DRAWS;
    /* standard errors: sd(Z) = 1, sd(Z^2) = sqrt 2, sd(Z^4) = sqrt(105 - 9) */
    CHECK_NEAR(sum / n, 0.0, 5.0 / sqrt(n));
    CHECK_NEAR(sum2 / n, 1.0, 5.0 * sqrt(2.0 / n));
    CHECK_NEAR(sum4 / n, 3.0, 5.0 * sqrt(96.0 / n));
    for (int k = 0; k < 3; k++) {
        double p = tail_prob[k];
        CHECK_NEAR(beyond[k] / n, p, 5.0 * sqrt(p * (1.0 - p) / n));
    }
}

int main(void)
{
    const double sigmas[] = {1.0, 0.1, 0.05, 3.5};
    for (uint32_t lp = 0; lp < 4; lp++) {
        gsl_rng *r = sim_rng_stream_new(42, lp, 1);
        CHECK(r != NULL && r->type == gsl_rng_taus2);
        CHECK((char *)r->state == (char *)r + sizeof *r); /* one block (sim/rng.h) */
        check_moments(r, sigmas[lp]);
        sim_rng_stream_free(r);
    }
    /* the same (seed, lp, stream) draws the same values */
    gsl_rng *a = sim_rng_stream_new(7, 3, 1), *b = sim_rng_stream_new(7, 3, 1);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= demand_gaussian(a, 0.2) == demand_gaussian(b, 0.2);
    CHECK(same);
    sim_rng_stream_free(a);
    sim_rng_stream_free(b);
    return CHECK_DONE();
}
