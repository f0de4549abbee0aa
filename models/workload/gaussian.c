/* gaussian.c - gsl_ran_gaussian with taus2 inlined (see gaussian.h). */
#include "models/workload/gaussian.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define GAUSSIAN_AVX2 1
#endif

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

/* 2 u - 1 for gsl_rng_uniform_pos's u = k / 2^32 (k > 0): k / 2^32 and
 * 2 u are exact, so -1 + 2 u is k * 2^-31 - 1 with its one rounding. */
static inline double taus_minus1_to_1(uint32_t k)
{
    return (double)k * (1.0 / 2147483648.0) - 1.0;
}

/* GSL 2.x's polar Box-Muller (randist/gauss.c) on r2 and y: the result. */
static inline double polar_result(double sigma, double y, double r2)
{
    return sigma * y * sqrt(-2.0 * log(r2) / r2);
}

double demand_gaussian_scalar(gsl_rng *r, double sigma)
{
    if (r->type != gsl_rng_taus2)
        return gsl_ran_gaussian(r, sigma);
    taus_words *words = r->state;
    taus_regs s = {(uint32_t)words->s1, (uint32_t)words->s2, (uint32_t)words->s3};
    double x, y, r2;
    uint32_t k;
    do {
        /* gsl_rng_uniform_pos redraws while k is 0 (tested on the integer) */
        do
            k = taus_next(&s);
        while (k == 0);
        x = taus_minus1_to_1(k);
        do
            k = taus_next(&s);
        while (k == 0);
        y = taus_minus1_to_1(k);
        r2 = x * x + y * y;
    } while (r2 > 1.0 || r2 == 0);
    words->s1 = s.s1;
    words->s2 = s.s2;
    words->s3 = s.s3;
    return polar_result(sigma, y, r2);
}

#ifdef GAUSSIAN_AVX2
/* The same step on the three words at once, lanes 0-2 of one vector (lane
 * 3 stays 0): AVX2 shifts each lane by its own count. Integer operations:
 * the words, and so the draws, are the scalar step's exactly. */
__attribute__((target("avx2"))) static inline uint32_t taus_next_avx2(__m128i *s, __m128i mask, __m128i shl_a,
                                                                       __m128i shl_b, __m128i shr_c)
{
    __m128i a = _mm_sllv_epi32(_mm_and_si128(*s, mask), shl_a);
    __m128i b = _mm_srlv_epi32(_mm_xor_si128(_mm_sllv_epi32(*s, shl_b), *s), shr_c);
    *s = _mm_xor_si128(a, b);
    __m128i x = _mm_xor_si128(*s, _mm_shuffle_epi32(*s, 0x55)); /* lane 0: s1 ^ s2 */
    x = _mm_xor_si128(x, _mm_shuffle_epi32(*s, 0xaa));          /* ^ s3 */
    return (uint32_t)_mm_cvtsi128_si32(x);
}

__attribute__((target("avx2"))) static double demand_gaussian_avx2(gsl_rng *r, double sigma)
{
    taus_words *words = r->state;
    __m128i s = _mm_setr_epi32((int)(uint32_t)words->s1, (int)(uint32_t)words->s2, (int)(uint32_t)words->s3, 0);
    const __m128i mask = _mm_setr_epi32((int)4294967294U, (int)4294967288U, (int)4294967280U, 0);
    const __m128i shl_a = _mm_setr_epi32(12, 4, 17, 0), shl_b = _mm_setr_epi32(13, 2, 3, 0),
                  shr_c = _mm_setr_epi32(19, 25, 11, 0);
    double x, y, r2;
    uint32_t k;
    do {
        do
            k = taus_next_avx2(&s, mask, shl_a, shl_b, shr_c);
        while (k == 0);
        x = taus_minus1_to_1(k);
        do
            k = taus_next_avx2(&s, mask, shl_a, shl_b, shr_c);
        while (k == 0);
        y = taus_minus1_to_1(k);
        r2 = x * x + y * y;
    } while (r2 > 1.0 || r2 == 0);
    words->s1 = (uint32_t)_mm_extract_epi32(s, 0);
    words->s2 = (uint32_t)_mm_extract_epi32(s, 1);
    words->s3 = (uint32_t)_mm_extract_epi32(s, 2);
    return polar_result(sigma, y, r2);
}
#endif

double demand_gaussian(gsl_rng *r, double sigma)
{
#ifdef GAUSSIAN_AVX2
    if (r->type == gsl_rng_taus2 && __builtin_cpu_supports("avx2"))
        return demand_gaussian_avx2(r, sigma);
#endif
    return demand_gaussian_scalar(r, sigma);
}
