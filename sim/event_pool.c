/* event_pool.c - slab-backed free lists of events (see event_pool.h). */
#include "sim/event_pool.h"

#include <stdlib.h>

#define SIM_EVENTS_PER_SLAB 1024

struct sim_event_slab {
    sim_event_slab *next;
    sim_event events[SIM_EVENTS_PER_SLAB];
};

sim_event *sim_pool_get(sim_event_pool *pool)
{
    if (!pool->free_list) {
        sim_event_slab *slab = malloc(sizeof *slab);
        if (!slab)
            return NULL;
        slab->next = pool->slabs;
        pool->slabs = slab;
        for (int i = SIM_EVENTS_PER_SLAB - 1; i >= 0; i--)
            sim_pool_put(pool, &slab->events[i]);
    }
    sim_event *ev = pool->free_list;
    pool->free_list = ev->next_free;
    pool->n_free--;
    /* the next get reads the new head's link: fetch it now */
    __builtin_prefetch(pool->free_list, 1);
    return ev;
}

void sim_pool_move(sim_event_pool *from, sim_event_pool *to, size_t n)
{
    if (n > from->n_free)
        n = from->n_free;
    if (n == 0)
        return;
    sim_event *head = from->free_list, *tail = head;
    for (size_t i = 1; i < n; i++)
        tail = tail->next_free;
    from->free_list = tail->next_free;
    from->n_free -= n;
    tail->next_free = to->free_list;
    to->free_list = head;
    to->n_free += n;
}

void sim_pool_release(sim_event_pool *pool)
{
    while (pool->slabs) {
        sim_event_slab *next = pool->slabs->next;
        free(pool->slabs);
        pool->slabs = next;
    }
    pool->free_list = NULL;
    pool->n_free = 0;
}
