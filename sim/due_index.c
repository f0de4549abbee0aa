/* due_index.c - per-slot earliest times and per-group minima (see due_index.h). */
#include "sim/due_index.h"

#include <stdlib.h>

int sim_due_init(sim_due_index *d, const uint32_t *slot_order, uint32_t n, uint32_t max_blocks)
{
    sim_due_free(d);
    /* cut by kind, every slot may start a group (sim_due_regroup) */
    uint64_t groups = (uint64_t)n + (uint64_t)max_blocks + 1;
    if (groups > UINT32_MAX)
        return -1;
    size_t slots = n ? n : 1;
    d->next_at = malloc(slots * sizeof *d->next_at);
    d->slot_of = malloc(slots * sizeof *d->slot_of);
    d->group_of = malloc(slots * sizeof *d->group_of);
    d->group_min = malloc((size_t)groups * sizeof *d->group_min);
    d->group_first = malloc(((size_t)groups + 1) * sizeof *d->group_first);
    if (!d->next_at || !d->slot_of || !d->group_of || !d->group_min || !d->group_first) {
        sim_due_free(d);
        return -1;
    }
    d->n_slots = n;
    d->groups_cap = (uint32_t)groups;
    d->n_groups = 0;
    for (uint32_t i = 0; i < n; i++) {
        d->next_at[i] = SIM_TIME_NEVER;
        d->slot_of[slot_order[i]] = i;
        d->group_of[i] = UINT32_MAX;
    }
    return 0;
}

void sim_due_free(sim_due_index *d)
{
    free(d->next_at);
    free(d->slot_of);
    free(d->group_of);
    free(d->group_min);
    free(d->group_first);
    *d = (sim_due_index){0};
}

/* Slots per group in a run of r slots of one kind (sim_due_regroup). */
static uint32_t run_group_size(uint32_t r)
{
    uint32_t size = (r + SIM_DUE_RUN_GROUPS - 1) / SIM_DUE_RUN_GROUPS;
    return size < SIM_DUE_GROUP_MIN ? SIM_DUE_GROUP_MIN : size > SIM_DUE_GROUP ? SIM_DUE_GROUP : size;
}

/* Group g: slots [lo, hi), its minimum from next_at. */
static void set_group(sim_due_index *d, uint32_t g, uint32_t lo, uint32_t hi)
{
    sim_time_ns m = SIM_TIME_NEVER;
    for (uint32_t i = lo; i < hi; i++) {
        d->group_of[i] = g;
        if (d->next_at[i] < m)
            m = d->next_at[i];
    }
    d->group_min[g] = m;
    d->group_first[g] = lo;
}

void sim_due_regroup(sim_due_index *d, const uint32_t *block_first, uint32_t blocks, const uint32_t *slot_kind)
{
    for (uint32_t i = 0; i < d->n_slots; i++)
        d->group_of[i] = UINT32_MAX;
    uint32_t g = 0;
    for (uint32_t b = 0; b < blocks; b++) {
        const uint32_t end = block_first[b + 1];
        for (uint32_t run = block_first[b]; run < end;) {
            /* the run of one kind from `run` (the whole block without kinds) */
            uint32_t run_end = run + 1, size = SIM_DUE_GROUP;
            if (slot_kind) {
                while (run_end < end && slot_kind[run_end] == slot_kind[run])
                    run_end++;
                size = run_group_size(run_end - run);
            } else {
                run_end = end;
            }
            for (uint32_t lo = run; lo < run_end; lo += size, g++)
                set_group(d, g, lo, run_end - lo > size ? lo + size : run_end);
            run = run_end;
        }
    }
    d->n_groups = g;
    d->group_first[g] = blocks > 0 ? block_first[blocks] : 0;
}
