/* event.h - the event record the engine delivers to a handler: when, in
 * which total order, to which LP, of which kind, with a fixed-size payload.
 * Split from engine.h so the event pool and queue need only this. */
#ifndef VDCSIM_SIM_EVENT_H
#define VDCSIM_SIM_EVENT_H

#include <stdint.h>

#include "sim/time.h"

#define SIM_EVENT_PAYLOAD_BYTES 48

typedef struct sim_event {
    /* First, in the line the sender writes anyway: taking an event off a
     * free list then touches no other line. */
    struct sim_event *next_free; /* owned by the engine's free lists */
    sim_time_ns time_ns;
    uint32_t priority; /* from the kind; lower runs first at equal time */
    uint32_t src_lp;
    uint64_t src_seq;
    uint32_t dst_lp;
    uint32_t kind;
    union {
        unsigned char bytes[SIM_EVENT_PAYLOAD_BYTES];
        int64_t i64[SIM_EVENT_PAYLOAD_BYTES / 8];
        double f64[SIM_EVENT_PAYLOAD_BYTES / 8];
    } payload;
} sim_event;

#endif
