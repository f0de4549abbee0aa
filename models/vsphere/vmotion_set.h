/* vmotion_set.h - the vMotions in flight in one cluster: per-host
 * concurrency limits with a FIFO queue, and fair sharing of each host's
 * vMotion NIC among the migrations that use it.
 *
 * This is what the cluster controller LP keeps to run DRS's moves as events
 * (docs/vsphere.md, "The controller"; models/vsphere/drs_controller.c). It needs one self-event:
 * schedule it at ceil(vmotion_set_next_s() in ns); when it fires at T, call
 * vmotion_set_run_until(T) and act on the returned events (pause the VM at
 * STOP_COPY, hand it over at DONE); then reschedule at the new next time
 * (ignore a timer made stale by a request in between, with a generation
 * number). Times are seconds (double) on the caller's clock; all internal
 * times are exact, so rounding the timer up to nanoseconds changes nothing
 * but when the caller hears of an event.
 *
 * Rules:
 *   - a migration starts when both its hosts are below their limit
 *     (vmotion_concurrency_limit: 4 below 10 Gbps, 8 from 10 Gbps); otherwise
 *     it waits in a FIFO queue, as vCenter queues operations over the max
 *     cost (reference models.md 1.7). When one ends, the queue is scanned in
 *     order and every waiting migration that now fits starts.
 *   - the rate of each active migration is min(nic_src / n_src, nic_dst /
 *     n_dst), n = active migrations using that host; it is recomputed for all
 *     of them whenever one starts or ends.
 *   - events at the same time are processed in ascending id order.
 */
#ifndef VDCSIM_MODELS_VMOTION_SET_H
#define VDCSIM_MODELS_VMOTION_SET_H

#include <stdint.h>

#include "models/vsphere/vmotion.h"

typedef enum {
    VMOTION_EV_START,     /* left the queue (or started at once) */
    VMOTION_EV_STOP_COPY, /* VM paused: downtime begins */
    VMOTION_EV_DONE,      /* switched over: the VM runs on the destination */
    VMOTION_EV_THROTTLE   /* SDPS changed the guest's speed (entry's m.guest_speed) */
} vmotion_event_kind;

typedef struct vmotion_event {
    uint32_t id;
    uint32_t vm;
    vmotion_event_kind kind;
    double time_s;
} vmotion_event;

typedef struct vmotion_entry {
    uint32_t vm;
    int32_t src, dst;
    int state;          /* 0 free, 1 queued, 2 active */
    double requested_s;
    double started_s;   /* its vmotion's clock starts here */
    vmotion m;
    vmotion_params p;
    uint64_t queue_seq; /* FIFO order among queued */
} vmotion_entry;

typedef struct vmotion_set {
    uint32_t n_hosts;
    double *nic_bytes_per_s;
    uint32_t *limit;
    uint32_t *active;       /* active migrations per host (as source or destination) */
    vmotion_entry *entries;
    uint32_t n_entries, cap_entries;
    uint64_t next_queue_seq;
    double now_s;
} vmotion_set;

/* nic_gbps[h]: each host's vMotion link. Returns 0 or -1. */
int vmotion_set_init(vmotion_set *s, uint32_t n_hosts, const double *nic_gbps);
void vmotion_set_free(vmotion_set *s);

/* Requests a migration at now_s (>= the last time the set was run to).
 * Returns its id, or -1 on a bad argument or allocation failure. If it can
 * start at once, events (when not NULL, room for 2) gets its START (and its
 * STOP_COPY when it is small enough to be copied paused at once). */
int32_t vmotion_set_request(vmotion_set *s, uint32_t vm, int32_t src, int32_t dst, const vmotion_params *p,
                            double now_s, vmotion_event *events, uint32_t *n_events);

/* Time of the next round or phase end among active migrations (INFINITY
 * when none is active). */
double vmotion_set_next_s(const vmotion_set *s);

/* Processes every round and phase end up to t_s in time order, starting
 * queued migrations as slots free up. Writes at most max_events events and
 * returns how many it wrote; events beyond max_events are processed but not
 * reported, so give room for 3 per migration that can finish. */
uint32_t vmotion_set_run_until(vmotion_set *s, double t_s, vmotion_event *events, uint32_t max_events);

/* Cancels migration `id` (queued or active) at now_s (>= the time the set
 * was last run to; run it to now_s first): the bandwidth it held goes to the
 * others and queued migrations that now fit start (reported in events, up to
 * max_events). Returns 0, or -1 if id is not queued or active. */
int vmotion_set_cancel(vmotion_set *s, uint32_t id, double now_s, vmotion_event *events, uint32_t max_events,
                       uint32_t *n_events);

/* The entry of a migration (for its downtime, bytes, rounds). */
const vmotion_entry *vmotion_set_entry(const vmotion_set *s, uint32_t id);

/* Active and queued counts. */
uint32_t vmotion_set_active(const vmotion_set *s);
uint32_t vmotion_set_queued(const vmotion_set *s);

#endif
