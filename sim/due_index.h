/* due_index.h - which LPs have an event before a window's end, found
 * without visiting the others.
 *
 * The executor runs LPs in slots: slot i holds LP lp_order[i], and each
 * thread owns a contiguous block of slots. A window must run every LP whose
 * earliest pending event is before the window's end, and in the datacenter
 * model most LPs have none in most windows (10,000 hosts sample every 5
 * minutes, windows are 1 s). Reading every LP's queue head costs two cache
 * misses per LP per window; this index keeps, per slot, the earliest
 * pending time in one dense array, and per group of up to SIM_DUE_GROUP
 * consecutive slots of one block, the minimum of the group, so a window
 * reads one word per idle group and one per LP of a group that has work.
 *
 * Contract
 *  - next_at[slot] is never later than the LP's earliest pending event; the
 *    executor sets it exactly after running the LP, and sim_due_lower()
 *    lowers it when an event is queued for the LP from outside its own run.
 *  - group_min[g] is never later than the minimum of next_at over group g.
 *  - Groups never cross a block boundary, so the thread that owns a block
 *    is the only writer of its slots' entries and of its groups.
 *  - Slots visit in increasing order, as without the index: the index only
 *    skips LPs that have nothing to run, so it cannot change a result.
 */
#ifndef VDCSIM_SIM_DUE_INDEX_H
#define VDCSIM_SIM_DUE_INDEX_H

#include <stdint.h>

#include "sim/time.h"

/* Slots per group: a group of idle LPs costs one read per window. 64 keeps
 * the group scan of 10,000 LPs at 160 reads and a group with one due LP at
 * 64 dense reads (8 cache lines). */
enum { SIM_DUE_GROUP = 64 };

typedef struct sim_due_index {
    sim_time_ns *next_at;   /* [slot] earliest pending time of the slot's LP */
    uint32_t *slot_of;      /* [lp] its slot */
    uint32_t *group_of;     /* [slot] its group, UINT32_MAX when no block holds it */
    sim_time_ns *group_min; /* [group] */
    uint32_t n_slots, groups_cap, n_groups;
} sim_due_index;

/* Sizes the index for n slots split into at most max_blocks blocks; every
 * next_at is SIM_TIME_NEVER. slot_order[i] is the LP of slot i. Returns 0
 * or -1 (out of memory; the index is then empty and may be freed). */
int sim_due_init(sim_due_index *d, const uint32_t *slot_order, uint32_t n, uint32_t max_blocks);
void sim_due_free(sim_due_index *d);

/* Cuts groups inside blocks [block_first[b], block_first[b + 1]) for b <
 * blocks (increasing, within the slots), and sets each group's minimum from
 * next_at. Slots outside every block belong to no group. Serial. */
void sim_due_regroup(sim_due_index *d, const uint32_t *block_first, uint32_t blocks);

/* An event at time t was queued for `lp` outside its own run (a merge, an
 * exchange between ranks). Only the owner of the LP's block may call it
 * while threads run. */
static inline void sim_due_lower(sim_due_index *d, uint32_t lp, sim_time_ns t)
{
    uint32_t slot = d->slot_of[lp];
    if (t < d->next_at[slot]) {
        d->next_at[slot] = t;
        uint32_t g = d->group_of[slot];
        if (g != UINT32_MAX && t < d->group_min[g])
            d->group_min[g] = t;
    }
}

#endif
