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
 *  - Groups never cross a block boundary. While threads run a window, a
 *    group's slots' entries and minimum are written only by the thread that
 *    claimed the group (its block's owner, or a thief: sim/claim.h); after
 *    the window's barrier only by the block's owner (sim_due_lower).
 *  - Within a group slots visit in increasing order, as without the index
 *    (a thief takes a block's groups last first): the index only skips
 *    LPs that have nothing to run, and LPs of one window never depend on
 *    each other, so it cannot change a result.
 */
#ifndef VDCSIM_SIM_DUE_INDEX_H
#define VDCSIM_SIM_DUE_INDEX_H

#include <stdint.h>

#include "sim/time.h"

/* Slots per group: a group of idle LPs costs one read per window. 64 keeps
 * the group scan of 10,000 LPs at 160 reads and a group with one due LP at
 * 64 dense reads (8 cache lines). A group is also what a thread that has
 * finished its block steals from another (sim/claim.h), so a short run of
 * LPs of one kind (the 79 cluster controllers of a thread's block among
 * its 5,000 hosts) is cut into SIM_DUE_RUN_GROUPS groups of at least
 * SIM_DUE_GROUP_MIN slots, not one or two of 64, when kinds are given
 * (sim_due_regroup). */
enum { SIM_DUE_GROUP = 64, SIM_DUE_GROUP_MIN = 8, SIM_DUE_RUN_GROUPS = 8 };

typedef struct sim_due_index {
    sim_time_ns *next_at;   /* [slot] earliest pending time of the slot's LP */
    uint32_t *slot_of;      /* [lp] its slot */
    uint32_t *group_of;     /* [slot] its group, UINT32_MAX when no block holds it */
    sim_time_ns *group_min; /* [group] */
    uint32_t *group_first;  /* [group] its first slot; [n_groups] one past the last group's last */
    uint32_t n_slots, groups_cap, n_groups;
} sim_due_index;

/* Sizes the index for n slots split into at most max_blocks blocks; every
 * next_at is SIM_TIME_NEVER. slot_order[i] is the LP of slot i. Returns 0
 * or -1 (out of memory; the index is then empty and may be freed). */
int sim_due_init(sim_due_index *d, const uint32_t *slot_order, uint32_t n, uint32_t max_blocks);
void sim_due_free(sim_due_index *d);

/* Cuts groups inside blocks [block_first[b], block_first[b + 1]) for b <
 * blocks (increasing, within the slots, no gap between blocks), and sets
 * each group's minimum from next_at. Slots outside every block belong to
 * no group. slot_kind NULL: each block is cut into groups of SIM_DUE_GROUP
 * slots from its start (the last one shorter). Else a group also ends where
 * slot_kind changes, and a run of r consecutive slots of one kind in a
 * block is cut into groups of ceil(r / SIM_DUE_RUN_GROUPS) slots, at least
 * SIM_DUE_GROUP_MIN and at most SIM_DUE_GROUP (the run's last shorter).
 * Groups of a block are numbered consecutively, blocks in order. Serial. */
void sim_due_regroup(sim_due_index *d, const uint32_t *block_first, uint32_t blocks, const uint32_t *slot_kind);

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
