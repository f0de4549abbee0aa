/* request_queue.h - a FIFO of waiting requests (a growable ring buffer).
 *
 * A request is known by the time it arrived at its service, which is all a
 * FIFO queue needs to measure waits and sojourns. Capacity grows by
 * doubling; the queue itself never drops anything (bounded queues are the
 * caller's check against rq_len()).
 */
#ifndef VDCSIM_MODELS_REQUEST_QUEUE_H
#define VDCSIM_MODELS_REQUEST_QUEUE_H

#include <stdint.h>

#include "sim/time.h"

typedef struct request_queue {
    sim_time_ns *arrival_ns;
    uint64_t head;  /* index of the oldest request */
    uint64_t count;
    uint64_t cap;   /* 0 or a power of two */
} request_queue;

/* Appends a request; returns 0, or -1 when out of memory (queue unchanged). */
int rq_push(request_queue *q, sim_time_ns arrival_ns);
/* Removes and returns the oldest request's arrival time; the queue must not be empty. */
sim_time_ns rq_pop(request_queue *q);
uint64_t rq_len(const request_queue *q);
void rq_clear(request_queue *q);
void rq_free(request_queue *q);

#endif
