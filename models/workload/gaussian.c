/* gaussian.c - gsl_ran_gaussian with taus2 inlined (see gaussian.h). */
#include "models/workload/gaussian.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>

/* GSL's taus_state_t (rng/taus.c): three words kept in unsigned long,
 * always below 2^32 (taus_set and taus_get mask them to 32 bits). */
typedef struct {
    unsigned long s1, s2, s3;
} taus_words;

/* The generator's words while one draw runs: in registers, stored back once. */
typedef struct {
    uint32_t s1, s2, s3;
} taus_regs;

/* One step of L'Ecuyer's three-component Tausworthe generator as GSL's
 * taus_get computes it (taus2 differs from taus only in its seeding), in
 * 32-bit words: GSL's "& 0xffffffff" after each left shift is the
 * truncation of uint32_t arithmetic. */
static inline uint32_t taus_next(taus_regs *s)
{
    s->s1 = ((s->s1 & 4294967294U) << 12) ^ (((s->s1 << 13) ^ s->s1) >> 19);
    s->s2 = ((s->s2 & 4294967288U) << 4) ^ (((s->s2 << 2) ^ s->s2) >> 25);
    s->s3 = ((s->s3 & 4294967280U) << 17) ^ (((s->s3 << 3) ^ s->s3) >> 11);
    return s->s1 ^ s->s2 ^ s->s3;
}

/* -1 + 2 u for gsl_rng_uniform_pos's u: taus_get_double (k / 2^32),
 * redrawn while it is 0, i.e. while k is 0 (tested on the integer). u and
 * 2 u are exact, so -1 + 2 u is k * 2^-31 - 1 with the same one rounding. */
static inline double taus_minus1_to_1(taus_regs *s)
{
    uint32_t k;
    do
        k = taus_next(s);
    while (k == 0);
    return (double)k * (1.0 / 2147483648.0) - 1.0;
}

double demand_gaussian(gsl_rng *r, double sigma)
{
    if (r->type != gsl_rng_taus2)
        return gsl_ran_gaussian(r, sigma);
    taus_words *words = r->state;
    taus_regs s = {(uint32_t)words->s1, (uint32_t)words->s2, (uint32_t)words->s3};
    double x, y, r2;
    do {
        x = taus_minus1_to_1(&s);
        y = taus_minus1_to_1(&s);
        r2 = x * x + y * y;
    } while (r2 > 1.0 || r2 == 0);
    words->s1 = s.s1;
    words->s2 = s.s2;
    words->s3 = s.s3;
    return sigma * y * sqrt(-2.0 * log(r2) / r2);
}
