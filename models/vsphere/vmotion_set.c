/* vmotion_set.c - vMotions in flight in one cluster (see vmotion_set.h). */
#include "models/vsphere/vmotion_set.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GBPS_BYTES_PER_S 1.25e8

int vmotion_set_init(vmotion_set *s, uint32_t n_hosts, const double *nic_gbps)
{
    size_t n = n_hosts ? n_hosts : 1;
    memset(s, 0, sizeof *s);
    s->n_hosts = n_hosts;
    s->nic_bytes_per_s = calloc(n, sizeof *s->nic_bytes_per_s);
    s->limit = calloc(n, sizeof *s->limit);
    s->active = calloc(n, sizeof *s->active);
    if (!s->nic_bytes_per_s || !s->limit || !s->active) {
        vmotion_set_free(s);
        return -1;
    }
    for (uint32_t h = 0; h < n_hosts; h++) {
        s->nic_bytes_per_s[h] = nic_gbps[h] * GBPS_BYTES_PER_S;
        s->limit[h] = vmotion_concurrency_limit(nic_gbps[h]);
    }
    return 0;
}

void vmotion_set_free(vmotion_set *s)
{
    free(s->nic_bytes_per_s);
    free(s->limit);
    free(s->active);
    free(s->entries);
    memset(s, 0, sizeof *s);
}

static double entry_bandwidth(const vmotion_set *s, const vmotion_entry *e)
{
    return vmotion_pair_bandwidth(s->nic_bytes_per_s[e->src], s->active[e->src], s->nic_bytes_per_s[e->dst],
                                  s->active[e->dst]);
}

/* Every active migration continues from now at its new fair share. */
static void rebalance(vmotion_set *s, double now_s)
{
    for (uint32_t i = 0; i < s->n_entries; i++) {
        vmotion_entry *e = &s->entries[i];
        if (e->state == 2 && e->m.phase != VMOTION_DONE)
            vmotion_set_bandwidth(&e->m, now_s - e->started_s, entry_bandwidth(s, e));
    }
}

static void emit(vmotion_event *events, uint32_t max_events, uint32_t *n, uint32_t id, const vmotion_entry *e,
                 vmotion_event_kind kind, double t)
{
    if (events && *n < max_events) {
        events[*n].id = id;
        events[*n].vm = e->vm;
        events[*n].kind = kind;
        events[*n].time_s = t;
        (*n)++;
    }
}

/* Starts every queued migration that fits, in FIFO order; returns how many
 * started. Bandwidths are set by the caller's rebalance(). */
static uint32_t start_queued(vmotion_set *s, double now_s, vmotion_event *events, uint32_t max_events, uint32_t *n)
{
    uint32_t started = 0;
    for (;;) {
        int32_t pick = -1;
        for (uint32_t i = 0; i < s->n_entries; i++) {
            const vmotion_entry *e = &s->entries[i];
            if (e->state == 1 && s->active[e->src] < s->limit[e->src] && s->active[e->dst] < s->limit[e->dst] &&
                (pick < 0 || e->queue_seq < s->entries[pick].queue_seq))
                pick = (int32_t)i;
        }
        if (pick < 0)
            return started;
        vmotion_entry *e = &s->entries[pick];
        s->active[e->src]++;
        s->active[e->dst]++;
        e->state = 2;
        e->started_s = now_s;
        vmotion_start(&e->m, &e->p, entry_bandwidth(s, e));
        emit(events, max_events, n, (uint32_t)pick, e, VMOTION_EV_START, now_s);
        if (e->m.phase == VMOTION_STOP_COPY) /* small enough to copy paused at once */
            emit(events, max_events, n, (uint32_t)pick, e, VMOTION_EV_STOP_COPY, now_s);
        started++;
    }
}

int32_t vmotion_set_request(vmotion_set *s, uint32_t vm, int32_t src, int32_t dst, const vmotion_params *p,
                            double now_s, vmotion_event *events, uint32_t *n_events)
{
    vmotion m;
    uint32_t id, n = 0;

    if (n_events)
        *n_events = 0;
    if (src < 0 || dst < 0 || (uint32_t)src >= s->n_hosts || (uint32_t)dst >= s->n_hosts || src == dst ||
        !(s->nic_bytes_per_s[src] > 0.0) || !(s->nic_bytes_per_s[dst] > 0.0) || now_s < s->now_s ||
        vmotion_start(&m, p, 1.0) != 0)
        return -1;
    for (id = 0; id < s->n_entries && s->entries[id].state != 0; id++)
        ;
    if (id == s->n_entries) {
        if (s->n_entries == s->cap_entries) {
            uint32_t cap = s->cap_entries ? 2 * s->cap_entries : 16;
            vmotion_entry *grown = realloc(s->entries, cap * sizeof *grown);
            if (grown == NULL)
                return -1;
            s->entries = grown;
            s->cap_entries = cap;
        }
        s->n_entries++;
    }
    vmotion_entry *e = &s->entries[id];
    memset(e, 0, sizeof *e);
    e->vm = vm;
    e->src = src;
    e->dst = dst;
    e->state = 1;
    e->requested_s = now_s;
    e->p = *p;
    e->queue_seq = s->next_queue_seq++;
    s->now_s = now_s;
    if (start_queued(s, now_s, events, events ? 2 : 0, &n) > 0)
        rebalance(s, now_s);
    if (n_events)
        *n_events = n;
    return (int32_t)id;
}

static double entry_next_s(const vmotion_entry *e)
{
    return e->started_s + vmotion_next_event_s(&e->m);
}

static int32_t next_entry(const vmotion_set *s, double *t_out)
{
    int32_t best = -1;
    double t_best = INFINITY;
    for (uint32_t i = 0; i < s->n_entries; i++) {
        const vmotion_entry *e = &s->entries[i];
        if (e->state != 2)
            continue;
        double t = entry_next_s(e);
        if (t < t_best) { /* ties keep the lower id */
            t_best = t;
            best = (int32_t)i;
        }
    }
    *t_out = t_best;
    return best;
}

double vmotion_set_next_s(const vmotion_set *s)
{
    double t;
    next_entry(s, &t);
    return t;
}

uint32_t vmotion_set_run_until(vmotion_set *s, double t_s, vmotion_event *events, uint32_t max_events)
{
    uint32_t n = 0;
    for (;;) {
        double t;
        int32_t id = next_entry(s, &t);
        if (id < 0 || !(t <= t_s))
            break;
        vmotion_entry *e = &s->entries[id];
        vmotion_phase before = e->m.phase;
        double speed_before = e->m.guest_speed;
        vmotion_phase after = vmotion_advance(&e->m);
        s->now_s = t;
        if (after == VMOTION_PRECOPY && e->m.guest_speed != speed_before)
            emit(events, max_events, &n, (uint32_t)id, e, VMOTION_EV_THROTTLE, t);
        if (after == VMOTION_STOP_COPY && before != VMOTION_STOP_COPY)
            emit(events, max_events, &n, (uint32_t)id, e, VMOTION_EV_STOP_COPY, t);
        if (after == VMOTION_DONE) {
            emit(events, max_events, &n, (uint32_t)id, e, VMOTION_EV_DONE, t);
            e->state = 0;
            s->active[e->src]--;
            s->active[e->dst]--;
            start_queued(s, t, events, max_events, &n);
            rebalance(s, t);
        }
    }
    if (t_s > s->now_s && isfinite(t_s))
        s->now_s = t_s;
    return n;
}

int vmotion_set_cancel(vmotion_set *s, uint32_t id, double now_s, vmotion_event *events, uint32_t max_events,
                       uint32_t *n_events)
{
    uint32_t n = 0;
    if (n_events)
        *n_events = 0;
    if (id >= s->n_entries || s->entries[id].state == 0)
        return -1;
    vmotion_entry *e = &s->entries[id];
    if (now_s > s->now_s)
        s->now_s = now_s;
    if (e->state == 2) {
        s->active[e->src]--;
        s->active[e->dst]--;
    }
    e->state = 0;
    start_queued(s, s->now_s, events, max_events, &n);
    rebalance(s, s->now_s);
    if (n_events)
        *n_events = n;
    return 0;
}

const vmotion_entry *vmotion_set_entry(const vmotion_set *s, uint32_t id)
{
    return id < s->n_entries ? &s->entries[id] : NULL;
}

uint32_t vmotion_set_active(const vmotion_set *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->n_entries; i++)
        n += s->entries[i].state == 2;
    return n;
}

uint32_t vmotion_set_queued(const vmotion_set *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->n_entries; i++)
        n += s->entries[i].state == 1;
    return n;
}
