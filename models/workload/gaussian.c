/* gaussian.c - gsl_ran_gaussian with taus2 inlined (see gaussian.h). */
#include "models/workload/gaussian.h"

#include <gsl/gsl_randist.h>
#include <math.h>

/* GSL's taus_state_t (rng/taus.c): three words kept in unsigned long. */
typedef struct {
    unsigned long s1, s2, s3;
} taus_words;

/* One step of L'Ecuyer's three-component Tausworthe generator as GSL's
 * taus_get computes it (taus2 differs from taus only in its seeding). */
static inline unsigned long taus_next(taus_words *s)
{
    const unsigned long mask = 0xffffffffUL;
    s->s1 = (((s->s1 & 4294967294UL) << 12) & mask) ^ ((((s->s1 << 13) & mask) ^ s->s1) >> 19);
    s->s2 = (((s->s2 & 4294967288UL) << 4) & mask) ^ ((((s->s2 << 2) & mask) ^ s->s2) >> 25);
    s->s3 = (((s->s3 & 4294967280UL) << 17) & mask) ^ ((((s->s3 << 3) & mask) ^ s->s3) >> 11);
    return s->s1 ^ s->s2 ^ s->s3;
}

/* gsl_rng_uniform_pos: taus_get_double, redrawn while it is 0. */
static inline double taus_uniform_pos(taus_words *s)
{
    double u;
    do
        u = (double)taus_next(s) / 4294967296.0;
    while (u == 0);
    return u;
}

double demand_gaussian(gsl_rng *r, double sigma)
{
    if (r->type != gsl_rng_taus2)
        return gsl_ran_gaussian(r, sigma);
    taus_words *s = r->state;
    double x, y, r2;
    do {
        x = -1 + 2 * taus_uniform_pos(s);
        y = -1 + 2 * taus_uniform_pos(s);
        r2 = x * x + y * y;
    } while (r2 > 1.0 || r2 == 0);
    return sigma * y * sqrt(-2.0 * log(r2) / r2);
}
