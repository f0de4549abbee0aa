/* request_queue.c - FIFO ring buffer of requests (see request_queue.h). */
#include "models/services/request_queue.h"

#include <stdlib.h>

int rq_push(request_queue *q, sim_time_ns arrival_ns)
{
    if (q->count == q->cap) {
        uint64_t cap = q->cap ? q->cap * 2 : 16;
        sim_time_ns *grown = malloc(cap * sizeof *grown);
        if (!grown)
            return -1;
        /* unroll the ring so the oldest request is at index 0 */
        for (uint64_t i = 0; i < q->count; i++)
            grown[i] = q->arrival_ns[(q->head + i) & (q->cap - 1)];
        free(q->arrival_ns);
        q->arrival_ns = grown;
        q->head = 0;
        q->cap = cap;
    }
    q->arrival_ns[(q->head + q->count) & (q->cap - 1)] = arrival_ns;
    q->count++;
    return 0;
}

sim_time_ns rq_pop(request_queue *q)
{
    sim_time_ns t = q->arrival_ns[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->count--;
    return t;
}

uint64_t rq_len(const request_queue *q) { return q->count; }

void rq_clear(request_queue *q)
{
    q->head = 0;
    q->count = 0;
}

void rq_free(request_queue *q)
{
    free(q->arrival_ns);
    *q = (request_queue){0};
}
