/* k8s_queue.c - the scheduling queue (see k8s_queue.h). */
#include "models/kubernetes/k8s_queue.h"

#include <stdlib.h>
#include <string.h>

#define NS_PER_S 1000000000LL

void k8s_queue_init(k8s_queue *q)
{
    memset(q, 0, sizeof *q);
    q->initial_backoff_ns = 1 * NS_PER_S;   /* DefaultPodInitialBackoffDuration */
    q->max_backoff_ns = 10 * NS_PER_S;      /* DefaultPodMaxBackoffDuration */
    q->max_in_unschedulable_ns = 300 * NS_PER_S; /* DefaultPodMaxInUnschedulablePodsDuration */
    q->leftover_flush_ns = 30 * NS_PER_S;
    q->move_request_cycle = -1;
}

void k8s_queue_free(k8s_queue *q)
{
    free(q->e);
    free(q->free_list);
    free(q->active);
    free(q->backoff);
    memset(q, 0, sizeof *q);
}

int64_t k8s_queue_backoff_ns(const k8s_queue *q, int32_t attempts)
{
    int64_t d = q->initial_backoff_ns;
    for (int32_t i = 1; i < attempts; i++) {
        if (d > q->max_backoff_ns - d)
            return q->max_backoff_ns;
        d += d;
    }
    return d;
}

static int64_t expiry(const k8s_queue *q, const k8s_q_entry *e)
{
    return e->timestamp_ns + k8s_queue_backoff_ns(q, e->attempts);
}

/* heap order: activeQ by PrioritySort Less, backoffQ by expiry */
static int before(const k8s_queue *q, int backoff, uint32_t a, uint32_t b)
{
    const k8s_q_entry *x = &q->e[a], *y = &q->e[b];
    if (backoff) {
        int64_t ex = expiry(q, x), ey = expiry(q, y);
        if (ex != ey)
            return ex < ey;
    } else if (x->priority != y->priority) {
        return x->priority > y->priority;
    }
    if (x->timestamp_ns != y->timestamp_ns)
        return x->timestamp_ns < y->timestamp_ns;
    return a < b; /* deterministic ties */
}

static void heap_swap(k8s_queue *q, uint32_t *h, uint32_t i, uint32_t j)
{
    uint32_t t = h[i];
    h[i] = h[j];
    h[j] = t;
    q->e[h[i]].heap_pos = (int32_t)i;
    q->e[h[j]].heap_pos = (int32_t)j;
}

static void sift_up(k8s_queue *q, uint32_t *h, int backoff, uint32_t i)
{
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!before(q, backoff, h[i], h[p]))
            break;
        heap_swap(q, h, i, p);
        i = p;
    }
}

static void sift_down(k8s_queue *q, uint32_t *h, uint32_t n, int backoff, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && before(q, backoff, h[l], h[m]))
            m = l;
        if (r < n && before(q, backoff, h[r], h[m]))
            m = r;
        if (m == i)
            return;
        heap_swap(q, h, i, m);
        i = m;
    }
}

static void heap_push(k8s_queue *q, int backoff, uint32_t idx)
{
    uint32_t **h = backoff ? &q->backoff : &q->active;
    uint32_t *n = backoff ? &q->n_backoff : &q->n_active;
    /* both heaps are sized to the entry capacity */
    (*h)[*n] = idx;
    q->e[idx].heap_pos = (int32_t)*n;
    (*n)++;
    sift_up(q, *h, backoff, *n - 1);
}

static void heap_remove(k8s_queue *q, int backoff, uint32_t pos)
{
    uint32_t *h = backoff ? q->backoff : q->active;
    uint32_t *n = backoff ? &q->n_backoff : &q->n_active;
    q->e[h[pos]].heap_pos = -1;
    (*n)--;
    if (pos == *n)
        return;
    h[pos] = h[*n];
    q->e[h[pos]].heap_pos = (int32_t)pos;
    sift_down(q, h, *n, backoff, pos);
    sift_up(q, h, backoff, pos);
}

static void take_out(k8s_queue *q, uint32_t idx)
{
    k8s_q_entry *e = &q->e[idx];
    if (e->where == K8S_Q_ACTIVE)
        heap_remove(q, 0, (uint32_t)e->heap_pos);
    else if (e->where == K8S_Q_BACKOFF)
        heap_remove(q, 1, (uint32_t)e->heap_pos);
    e->where = K8S_Q_NONE;
}

static void put(k8s_queue *q, uint32_t idx, k8s_q_where where)
{
    q->e[idx].where = where;
    if (where == K8S_Q_ACTIVE)
        heap_push(q, 0, idx);
    else if (where == K8S_Q_BACKOFF)
        heap_push(q, 1, idx);
}

uint32_t k8s_queue_add(k8s_queue *q, uint64_t pod, int32_t priority, int64_t now_ns)
{
    uint32_t idx;
    if (q->n_free > 0) {
        idx = q->free_list[--q->n_free];
    } else {
        if (q->n == q->cap) {
            q->cap = q->cap ? 2 * q->cap : 64;
            q->e = realloc(q->e, q->cap * sizeof *q->e);
            q->active = realloc(q->active, q->cap * sizeof *q->active);
            q->backoff = realloc(q->backoff, q->cap * sizeof *q->backoff);
            if (!q->e || !q->active || !q->backoff)
                abort();
        }
        idx = q->n++;
    }
    q->e[idx] = (k8s_q_entry){pod, priority, 0, now_ns, -1, K8S_Q_NONE, -1};
    put(q, idx, K8S_Q_ACTIVE);
    return idx;
}

int64_t k8s_queue_pop(k8s_queue *q, uint32_t *handle)
{
    if (q->n_active == 0)
        return -1;
    uint32_t idx = q->active[0];
    take_out(q, idx);
    k8s_q_entry *e = &q->e[idx];
    e->where = K8S_Q_IN_FLIGHT;
    e->attempts++;
    e->scheduling_cycle = ++q->scheduling_cycle;
    *handle = idx;
    return (int64_t)e->pod;
}

void k8s_queue_unschedulable(k8s_queue *q, uint32_t handle, int64_t now_ns)
{
    k8s_q_entry *e = &q->e[handle];
    take_out(q, handle);
    e->timestamp_ns = now_ns;
    put(q, handle, q->move_request_cycle >= e->scheduling_cycle ? K8S_Q_BACKOFF : K8S_Q_UNSCHEDULABLE);
}

void k8s_queue_requeue_backoff(k8s_queue *q, uint32_t handle, int64_t now_ns)
{
    take_out(q, handle);
    q->e[handle].timestamp_ns = now_ns;
    put(q, handle, K8S_Q_BACKOFF);
}

void k8s_queue_done(k8s_queue *q, uint32_t handle)
{
    take_out(q, handle);
    if (q->n_free == q->free_cap) {
        q->free_cap = q->free_cap ? 2 * q->free_cap : 64;
        q->free_list = realloc(q->free_list, q->free_cap * sizeof *q->free_list);
        if (!q->free_list)
            abort();
    }
    q->free_list[q->n_free++] = handle;
}

/* moveToActiveQ / backoffQ choice of movePodsToActiveOrBackoffQueue */
static void release(k8s_queue *q, uint32_t idx, int64_t now_ns)
{
    take_out(q, idx);
    put(q, idx, expiry(q, &q->e[idx]) > now_ns ? K8S_Q_BACKOFF : K8S_Q_ACTIVE);
}

void k8s_queue_move_all(k8s_queue *q, int64_t now_ns)
{
    for (uint32_t i = 0; i < q->n; i++)
        if (q->e[i].where == K8S_Q_UNSCHEDULABLE)
            release(q, i, now_ns);
    q->move_request_cycle = q->scheduling_cycle;
}

void k8s_queue_flush(k8s_queue *q, int64_t now_ns)
{
    while (q->n_backoff > 0 && expiry(q, &q->e[q->backoff[0]]) <= now_ns) {
        uint32_t idx = q->backoff[0];
        take_out(q, idx);
        put(q, idx, K8S_Q_ACTIVE);
    }
    if (now_ns - q->last_leftover_flush_ns >= q->leftover_flush_ns) {
        q->last_leftover_flush_ns = now_ns;
        for (uint32_t i = 0; i < q->n; i++)
            if (q->e[i].where == K8S_Q_UNSCHEDULABLE &&
                now_ns - q->e[i].timestamp_ns > q->max_in_unschedulable_ns)
                release(q, i, now_ns);
    }
}

int64_t k8s_queue_next_expiry(const k8s_queue *q)
{
    return q->n_backoff > 0 ? expiry(q, &q->e[q->backoff[0]]) : INT64_MAX;
}

k8s_q_where k8s_queue_where(const k8s_queue *q, uint32_t handle) { return q->e[handle].where; }

uint32_t k8s_queue_count(const k8s_queue *q, k8s_q_where where)
{
    if (where == K8S_Q_ACTIVE)
        return q->n_active;
    if (where == K8S_Q_BACKOFF)
        return q->n_backoff;
    uint32_t c = 0;
    for (uint32_t i = 0; i < q->n; i++)
        c += q->e[i].where == where;
    return c;
}
