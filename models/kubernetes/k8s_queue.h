/* k8s_queue.h - kube-scheduler's scheduling queue as a pure data structure
 * (pkg/scheduler/backend/queue/scheduling_queue.go; internal/queue in older
 * trees).
 *
 * Three places a pending pod can be:
 *  - activeQ: a heap in PrioritySort order (higher priority first, then the
 *    earlier timestamp), popped by the scheduling cycle;
 *  - backoffQ: pods waiting out their backoff, ordered by expiry;
 *  - unschedulablePods: pods that failed, until a cluster event or the
 *    5-minute leftover flush moves them.
 * Backoff (calculateBackoffDuration): initial 1 s doubled per earlier attempt,
 * capped at 10 s; expiry = the pod's timestamp + backoff. A failed pod goes to
 * backoffQ instead of unschedulablePods if a move request arrived during its
 * cycle (moveRequestCycle >= its scheduling cycle). Cluster events move every
 * unschedulable pod (MoveAllToActiveOrBackoffQueue); per-plugin queueing hints
 * are not modelled. The caller runs k8s_queue_flush every second (it does
 * flushBackoffQCompleted, and flushUnschedulablePodsLeftover, which the source
 * runs every 30 s; running it more often only moves pods sooner by < 30 s) or
 * at k8s_queue_next_expiry().
 */
#ifndef VDCSIM_MODELS_K8S_QUEUE_H
#define VDCSIM_MODELS_K8S_QUEUE_H

#include <stdint.h>

typedef enum { K8S_Q_NONE, K8S_Q_ACTIVE, K8S_Q_BACKOFF, K8S_Q_UNSCHEDULABLE, K8S_Q_IN_FLIGHT } k8s_q_where;

typedef struct k8s_q_entry {
    uint64_t pod;            /* caller's id */
    int32_t priority;
    int32_t attempts;
    int64_t timestamp_ns;    /* last time added/re-added */
    int64_t scheduling_cycle; /* cycle in which it was last popped */
    k8s_q_where where;
    int32_t heap_pos;        /* position in activeQ or backoffQ heap */
} k8s_q_entry;

typedef struct k8s_queue {
    int64_t initial_backoff_ns, max_backoff_ns, max_in_unschedulable_ns, leftover_flush_ns;
    k8s_q_entry *e;
    uint32_t n, cap;         /* entries (removed ones are recycled) */
    uint32_t *free_list;
    uint32_t n_free, free_cap;
    uint32_t *active, *backoff; /* heaps of entry indices */
    uint32_t n_active, n_backoff;
    int64_t scheduling_cycle, move_request_cycle;
    int64_t last_leftover_flush_ns;
} k8s_queue;

/* Defaults: 1 s, 10 s, 5 min, leftover flush every 30 s. */
void k8s_queue_init(k8s_queue *q);
void k8s_queue_free(k8s_queue *q);

int64_t k8s_queue_backoff_ns(const k8s_queue *q, int32_t attempts);

/* A new pending pod; returns its handle. */
uint32_t k8s_queue_add(k8s_queue *q, uint64_t pod, int32_t priority, int64_t now_ns);
/* Pops the next pod from activeQ (its attempts count grows); -1 if empty. */
int64_t k8s_queue_pop(k8s_queue *q, uint32_t *handle);
/* The popped pod did not fit: unschedulablePods, or backoffQ if a move
 * request came during its cycle. */
void k8s_queue_unschedulable(k8s_queue *q, uint32_t handle, int64_t now_ns);
/* The popped pod hit an error (or its binding failed): backoffQ. */
void k8s_queue_requeue_backoff(k8s_queue *q, uint32_t handle, int64_t now_ns);
/* The popped pod was bound, or a pending pod was deleted: forget it. */
void k8s_queue_done(k8s_queue *q, uint32_t handle);
/* A cluster event (pod deleted, node added/changed): every unschedulable pod
 * moves to backoffQ if still backing off, else activeQ. */
void k8s_queue_move_all(k8s_queue *q, int64_t now_ns);
/* flushBackoffQCompleted and, when due, flushUnschedulablePodsLeftover. */
void k8s_queue_flush(k8s_queue *q, int64_t now_ns);
/* Earliest backoff expiry, or INT64_MAX. */
int64_t k8s_queue_next_expiry(const k8s_queue *q);
k8s_q_where k8s_queue_where(const k8s_queue *q, uint32_t handle);
uint32_t k8s_queue_count(const k8s_queue *q, k8s_q_where where);

#endif
