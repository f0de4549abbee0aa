/* event_queue.c - binary min-heap of events (see event_queue.h). */
#include "sim/event_queue.h"

#include <stdlib.h>

int sim_queue_push(sim_event_queue *q, sim_event *ev)
{
    if (q->len == q->cap) {
        uint32_t cap = q->cap ? q->cap * 2 : 8;
        sim_queue_entry *grown = realloc(q->entries, (size_t)cap * sizeof *grown);
        if (!grown)
            return -1;
        q->entries = grown;
        q->cap = cap;
    }
    sim_queue_entry e = {ev->time_ns, ev->priority, ev->src_lp, ev->src_seq, ev};
    uint32_t i = q->len++;
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!sim_event_key_before(&e, &q->entries[parent]))
            break;
        q->entries[i] = q->entries[parent];
        i = parent;
    }
    q->entries[i] = e;
    return 0;
}

sim_event *sim_queue_pop(sim_event_queue *q)
{
    sim_event *top = q->entries[0].ev;
    sim_queue_entry last = q->entries[--q->len];
    uint32_t n = q->len, i = 0;
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && sim_event_key_before(&q->entries[child + 1], &q->entries[child]))
            child++;
        if (!sim_event_key_before(&q->entries[child], &last))
            break;
        q->entries[i] = q->entries[child];
        i = child;
    }
    if (n > 0)
        q->entries[i] = last;
    return top;
}

void sim_queue_release(sim_event_queue *q)
{
    free(q->entries);
    q->entries = NULL;
    q->len = q->cap = 0;
}
