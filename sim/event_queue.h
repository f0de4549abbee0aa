/* event_queue.h - one LP's pending events, a binary min-heap.
 *
 * Entries carry a copy of the ordering key next to the event pointer so that
 * sifting compares keys without touching the events themselves. The order is
 * the engine's total order (time, priority, source LP, source sequence).
 */
#ifndef VDCSIM_SIM_EVENT_QUEUE_H
#define VDCSIM_SIM_EVENT_QUEUE_H

#include <stdint.h>

#include "sim/event.h"

typedef struct sim_queue_entry {
    sim_time_ns time_ns;
    uint32_t priority;
    uint32_t src_lp;
    uint64_t src_seq;
    sim_event *ev;
} sim_queue_entry;

typedef struct sim_event_queue {
    sim_queue_entry *entries;
    uint32_t len;
    uint32_t cap;
} sim_event_queue;

/* Strict "a runs before b" in the engine's total order. */
static inline int sim_event_key_before(const sim_queue_entry *a, const sim_queue_entry *b)
{
    if (a->time_ns != b->time_ns) return a->time_ns < b->time_ns;
    if (a->priority != b->priority) return a->priority < b->priority;
    if (a->src_lp != b->src_lp) return a->src_lp < b->src_lp;
    return a->src_seq < b->src_seq;
}

static inline sim_time_ns sim_queue_next_time(const sim_event_queue *q)
{
    return q->len ? q->entries[0].time_ns : SIM_TIME_NEVER;
}

/* Returns 0, or -1 if memory ran out. */
int sim_queue_push(sim_event_queue *q, sim_event *ev);
/* Removes and returns the first event; the queue must not be empty. */
sim_event *sim_queue_pop(sim_event_queue *q);
void sim_queue_release(sim_event_queue *q);

#endif
