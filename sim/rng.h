/* rng.h - seeded random streams.
 *
 * Every random number in a run comes from a stream identified by
 * (scenario seed, LP id, stream id). A stream's seed is a hash of that triple,
 * so streams are reproducible, independent of thread count and of the order
 * in which they are first used, and statistically independent of each other.
 * The generator is GSL's taus2 (24 bytes of state; period ~2^88).
 */
#ifndef VDCSIM_SIM_RNG_H
#define VDCSIM_SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The 64-bit seed for (seed, lp, stream): splitmix64 applied to each part. */
uint64_t sim_rng_stream_seed(uint64_t seed, uint32_t lp_id, uint32_t stream_id);

/* A new generator seeded for (seed, lp, stream), or NULL when out of
 * memory. The generator and its state are one block of
 * SIM_RNG_STREAM_BYTES (to prefetch it whole): free it with
 * sim_rng_stream_free, never gsl_rng_free. */
#define SIM_RNG_STREAM_BYTES (sizeof(gsl_rng) + 3 * sizeof(unsigned long))
gsl_rng *sim_rng_stream_new(uint64_t seed, uint32_t lp_id, uint32_t stream_id);
void sim_rng_stream_free(gsl_rng *r);

/* splitmix64 finaliser: a good 64-bit mixing function. */
uint64_t sim_rng_mix64(uint64_t x);

#endif
