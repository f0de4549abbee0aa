/* test_gaussian.c - demand_gaussian (models/workload/gaussian.h) is
 * gsl_ran_gaussian bit for bit: on twin streams (same seed) every draw and
 * the generator's state afterwards are identical, for the engine's taus2
 * streams (the inlined path) and for another generator (the fallback). */
#include <gsl/gsl_randist.h>
#include <string.h>

#include "models/workload/gaussian.h"
#include "sim/rng.h"
#include "tests/check.h"

/* n draws from each twin; returns the number of draws that differ. */
static long twin_draws(gsl_rng *a, gsl_rng *b, long n, double sigma)
{
    long differ = 0;
    for (long i = 0; i < n; i++) {
        double x = gsl_ran_gaussian(a, sigma), y = demand_gaussian(b, sigma);
        if (memcmp(&x, &y, sizeof x) != 0)
            differ++;
    }
    return differ;
}

int main(void)
{
    const double sigmas[] = {1.0, 0.1, 0.05, 3.5};
    for (uint32_t lp = 0; lp < 4; lp++) {
        gsl_rng *a = sim_rng_stream_new(42, lp, 1), *b = sim_rng_stream_new(42, lp, 1);
        CHECK(a && b && a->type == gsl_rng_taus2);
        CHECK_INT_EQ(twin_draws(a, b, 500000, sigmas[lp]), 0);
        CHECK(memcmp(gsl_rng_state(a), gsl_rng_state(b), gsl_rng_size(a)) == 0);
        /* the next uniform of both is the same: the states agree */
        CHECK(gsl_rng_get(a) == gsl_rng_get(b));
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
    gsl_rng *a = gsl_rng_alloc(gsl_rng_mt19937), *b = gsl_rng_alloc(gsl_rng_mt19937);
    CHECK(a && b);
    gsl_rng_set(a, 7);
    gsl_rng_set(b, 7);
    CHECK_INT_EQ(twin_draws(a, b, 100000, 2.0), 0);
    CHECK(gsl_rng_get(a) == gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
    return CHECK_DONE();
}
