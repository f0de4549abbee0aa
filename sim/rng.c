/* rng.c - seeded random streams (see rng.h). */
#include "sim/rng.h"

#include <stdlib.h>

uint64_t sim_rng_mix64(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

uint64_t sim_rng_stream_seed(uint64_t seed, uint32_t lp_id, uint32_t stream_id)
{
    uint64_t h = sim_rng_mix64(seed);
    h = sim_rng_mix64(h ^ (uint64_t)lp_id);
    return sim_rng_mix64(h ^ ((uint64_t)stream_id << 32));
}

/* taus2 keeps three 32-bit words; gsl_rng_set() would fill them from a
 * 32-bit seed only, so hundreds of thousands of streams would risk
 * birthday collisions. We fill all three words from the 64-bit hash
 * instead (respecting the generator's minimums s1>1, s2>7, s3>15) and warm
 * it up as gsl_rng_set does. */
typedef struct { unsigned long s1, s2, s3; } taus2_state;

/* A stream is one allocation of 40 bytes: the gsl_rng and taus2's state
 * side by side, so a handler's first draw does not wait for two dependent
 * misses (the gsl_rng, then its separately allocated state), and a model
 * can prefetch the whole stream (host_prefetch). Not aligned to a line:
 * aligned_alloc cost 80 bytes more per stream, 2.4 MiB on the headline
 * scenario's 30,000 streams. */
typedef struct {
    gsl_rng rng;
    taus2_state state;
} rng_block;
_Static_assert(sizeof(rng_block) == SIM_RNG_STREAM_BYTES, "SIM_RNG_STREAM_BYTES is the block (rng.h)");

gsl_rng *sim_rng_stream_new(uint64_t seed, uint32_t lp_id, uint32_t stream_id)
{
    if (gsl_rng_taus2->size != sizeof(taus2_state))
        return NULL; /* not the GSL this was written for */
    rng_block *b = malloc(sizeof *b);
    if (!b)
        return NULL;
    b->rng.type = gsl_rng_taus2;
    b->rng.state = &b->state;
    uint64_t x = sim_rng_stream_seed(seed, lp_id, stream_id);
    uint64_t y = sim_rng_mix64(x);
    b->state.s1 = (unsigned long)(x & 0xffffffffu);
    b->state.s2 = (unsigned long)(x >> 32);
    b->state.s3 = (unsigned long)(y & 0xffffffffu);
    if (b->state.s1 < 2) b->state.s1 += 2;
    if (b->state.s2 < 8) b->state.s2 += 8;
    if (b->state.s3 < 16) b->state.s3 += 16;
    for (int i = 0; i < 6; i++)
        (void)gsl_rng_get(&b->rng);
    return &b->rng;
}

void sim_rng_stream_free(gsl_rng *r)
{
    free(r); /* the block's first member */
}
