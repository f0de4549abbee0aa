/* rng.c - seeded random streams (see rng.h). */
#include "sim/rng.h"

#include <string.h>

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

gsl_rng *sim_rng_stream_new(uint64_t seed, uint32_t lp_id, uint32_t stream_id)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!r)
        return NULL;
    if (gsl_rng_size(r) != sizeof(taus2_state)) {
        gsl_rng_set(r, (unsigned long)sim_rng_stream_seed(seed, lp_id, stream_id));
        return r;
    }
    uint64_t a = sim_rng_stream_seed(seed, lp_id, stream_id);
    uint64_t b = sim_rng_mix64(a);
    taus2_state st;
    st.s1 = (unsigned long)(a & 0xffffffffu);
    st.s2 = (unsigned long)(a >> 32);
    st.s3 = (unsigned long)(b & 0xffffffffu);
    if (st.s1 < 2) st.s1 += 2;
    if (st.s2 < 8) st.s2 += 8;
    if (st.s3 < 16) st.s3 += 16;
    memcpy(gsl_rng_state(r), &st, sizeof st);
    for (int i = 0; i < 6; i++)
        (void)gsl_rng_get(r);
    return r;
}
