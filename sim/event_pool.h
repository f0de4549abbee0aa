/* event_pool.h - per-thread free lists of events.
 *
 * Events are carved from slabs and recycled through a free list owned by one
 * thread, so the hot path never calls malloc. An event may be freed into a
 * different thread's pool than the one it came from; slabs are released only
 * when every pool is destroyed together at the end of a run.
 */
#ifndef VDCSIM_SIM_EVENT_POOL_H
#define VDCSIM_SIM_EVENT_POOL_H

#include <stddef.h>

#include "sim/event.h"

typedef struct sim_event_slab sim_event_slab;

typedef struct sim_event_pool {
    sim_event *free_list;
    sim_event_slab *slabs;
    size_t n_free; /* events on free_list */
} sim_event_pool;

/* Returns an uninitialised event, or NULL if memory ran out. */
sim_event *sim_pool_get(sim_event_pool *pool);

static inline void sim_pool_put(sim_event_pool *pool, sim_event *ev)
{
    ev->next_free = pool->free_list;
    pool->free_list = ev;
    pool->n_free++;
}

/* Moves n (at most from->n_free) free events from one pool to another.
 * When one thread sends what another frees, the sender's pool would take
 * new slabs forever while the receiver's free list grows: the engine
 * evens them out between windows (serially) with this. */
void sim_pool_move(sim_event_pool *from, sim_event_pool *to, size_t n);

/* Frees the pool's slabs. Call for every pool only once no event is in use. */
void sim_pool_release(sim_event_pool *pool);

#endif
