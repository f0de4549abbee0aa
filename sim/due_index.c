/* due_index.c - per-slot earliest times and per-group minima (see due_index.h). */
#include "sim/due_index.h"

#include <stdlib.h>

int sim_due_init(sim_due_index *d, const uint32_t *slot_order, uint32_t n, uint32_t max_blocks)
{
    sim_due_free(d);
    /* a block of c slots has at most c / GROUP + 1 groups */
    uint64_t groups = (uint64_t)n / SIM_DUE_GROUP + (uint64_t)max_blocks + 1;
    if (groups > UINT32_MAX)
        return -1;
    size_t slots = n ? n : 1;
    d->next_at = malloc(slots * sizeof *d->next_at);
    d->slot_of = malloc(slots * sizeof *d->slot_of);
    d->group_of = malloc(slots * sizeof *d->group_of);
    d->group_min = malloc((size_t)groups * sizeof *d->group_min);
    if (!d->next_at || !d->slot_of || !d->group_of || !d->group_min) {
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
    *d = (sim_due_index){0};
}

void sim_due_regroup(sim_due_index *d, const uint32_t *block_first, uint32_t blocks)
{
    for (uint32_t i = 0; i < d->n_slots; i++)
        d->group_of[i] = UINT32_MAX;
    uint32_t g = 0;
    for (uint32_t b = 0; b < blocks; b++) {
        for (uint32_t lo = block_first[b]; lo < block_first[b + 1]; lo += SIM_DUE_GROUP, g++) {
            uint32_t hi = block_first[b + 1] - lo > SIM_DUE_GROUP ? lo + SIM_DUE_GROUP : block_first[b + 1];
            sim_time_ns m = SIM_TIME_NEVER;
            for (uint32_t i = lo; i < hi; i++) {
                d->group_of[i] = g;
                if (d->next_at[i] < m)
                    m = d->next_at[i];
            }
            d->group_min[g] = m;
        }
    }
    d->n_groups = g;
}
