/* claim.h - the groups of a thread's block, claimed one at a time by its
 * owner from the front and by a thread that has finished its own block from
 * the back, so a window's work evens out between the threads (issue 18
 * item 3).
 *
 * Contract
 *  - A block of n groups is numbered 0 .. n - 1. After sim_claim_reset(c, n)
 *    every group is claimed exactly once, by one sim_claim_front or one
 *    sim_claim_back, whichever threads call them and in whatever
 *    interleaving; both return -1 once every group is claimed.
 *  - The owner's claims come in increasing order, a thief's in decreasing
 *    order, so each side walks its part of the block in one direction.
 *  - Reset only while no thread claims (between the window's barriers).
 *  - Who runs a group never changes what its LPs do: the engine's results
 *    do not depend on it.
 * The word packs the next group from the front (low 32 bits) and one past
 * the last unclaimed group from the back (high 32 bits); a claim is one
 * compare-and-swap, uncontended until a thief arrives. */
#ifndef VDCSIM_SIM_CLAIM_H
#define VDCSIM_SIM_CLAIM_H

#include <stdatomic.h>
#include <stdint.h>

/* One cache line per block: its owner claims in every window, and a thief
 * only at the window's end. */
typedef struct sim_claim {
    _Alignas(64) _Atomic uint64_t word;
} sim_claim;

static inline uint64_t sim_claim_pack(uint32_t front, uint32_t back)
{
    return (uint64_t)back << 32 | front;
}

static inline void sim_claim_reset(sim_claim *c, uint32_t n_groups)
{
    atomic_store_explicit(&c->word, sim_claim_pack(0, n_groups), memory_order_relaxed);
}

/* The next group from the front (from_back 0: the owner's, in increasing
 * order) or from the back (a thief's, in decreasing order), or -1 when
 * none is left. Only the atomicity of the compare-and-swap matters: what a
 * group's LPs read was published by the window's barriers. acq_rel costs
 * nothing more on x86 and keeps the claims safe should anything come to
 * depend on them. */
static inline int64_t sim_claim_take(sim_claim *c, int from_back)
{
    uint64_t w = atomic_load_explicit(&c->word, memory_order_relaxed);
    for (;;) {
        uint32_t front = (uint32_t)w, back = (uint32_t)(w >> 32);
        if (front >= back)
            return -1;
        uint64_t taken = from_back ? sim_claim_pack(front, back - 1) : sim_claim_pack(front + 1, back);
        if (atomic_compare_exchange_weak_explicit(&c->word, &w, taken, memory_order_acq_rel, memory_order_relaxed))
            return from_back ? back - 1 : front;
    }
}

static inline int64_t sim_claim_front(sim_claim *c) { return sim_claim_take(c, 0); }
static inline int64_t sim_claim_back(sim_claim *c) { return sim_claim_take(c, 1); }

#endif
