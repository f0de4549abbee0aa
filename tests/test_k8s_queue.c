/* test_k8s_queue.c - the scheduling queue: order, backoff, requeueing. */
#include "models/kubernetes/k8s_queue.h"
#include "tests/check.h"

#define S 1000000000LL

int main(void)
{
    k8s_queue q;
    k8s_queue_init(&q);
    /* calculateBackoffDuration: 1 s doubled per earlier attempt, capped at 10 s */
    CHECK_INT_EQ(k8s_queue_backoff_ns(&q, 1), 1 * S);
    CHECK_INT_EQ(k8s_queue_backoff_ns(&q, 2), 2 * S);
    CHECK_INT_EQ(k8s_queue_backoff_ns(&q, 3), 4 * S);
    CHECK_INT_EQ(k8s_queue_backoff_ns(&q, 4), 8 * S);
    CHECK_INT_EQ(k8s_queue_backoff_ns(&q, 5), 10 * S);
    CHECK_INT_EQ(k8s_queue_backoff_ns(&q, 9), 10 * S);

    /* PrioritySort: priority, then the earlier timestamp */
    uint32_t ha = k8s_queue_add(&q, 100, 0, 0);
    uint32_t hb = k8s_queue_add(&q, 200, 10, 1 * S);
    uint32_t hc = k8s_queue_add(&q, 300, 10, S / 2);
    uint32_t h;
    CHECK_INT_EQ(k8s_queue_pop(&q, &h), 300);
    CHECK_INT_EQ(h, hc);
    k8s_queue_done(&q, h); /* bound */
    CHECK_INT_EQ(k8s_queue_pop(&q, &h), 200);
    CHECK_INT_EQ(k8s_queue_pop(&q, &h), 100);
    CHECK_INT_EQ(k8s_queue_pop(&q, &h), -1);

    /* A fails at t=2 s (attempt 1): unschedulable until an event; a move at
     * 2.5 s finds it backing off until 2 + 1 = 3 s */
    k8s_queue_unschedulable(&q, ha, 2 * S);
    CHECK_INT_EQ(k8s_queue_where(&q, ha), K8S_Q_UNSCHEDULABLE);
    /* B failed in a cycle during which a move request arrived -> backoffQ */
    k8s_queue_move_all(&q, 2 * S + S / 2);
    CHECK_INT_EQ(k8s_queue_where(&q, ha), K8S_Q_BACKOFF);
    k8s_queue_unschedulable(&q, hb, 2 * S + S / 2);
    CHECK_INT_EQ(k8s_queue_where(&q, hb), K8S_Q_BACKOFF);
    CHECK_INT_EQ(k8s_queue_next_expiry(&q), 3 * S);
    k8s_queue_flush(&q, 2 * S + 9 * S / 10);
    CHECK_INT_EQ(k8s_queue_where(&q, ha), K8S_Q_BACKOFF);
    k8s_queue_flush(&q, 3 * S);
    CHECK_INT_EQ(k8s_queue_where(&q, ha), K8S_Q_ACTIVE);
    CHECK_INT_EQ(k8s_queue_where(&q, hb), K8S_Q_BACKOFF); /* 2.5 + 1 = 3.5 s */
    k8s_queue_flush(&q, 3 * S + S / 2);
    CHECK_INT_EQ(k8s_queue_where(&q, hb), K8S_Q_ACTIVE);
    CHECK_INT_EQ(k8s_queue_count(&q, K8S_Q_ACTIVE), 2);

    /* second attempt of A fails at t=10 s: unschedulable; no event comes.
     * The leftover flush (every 30 s) moves pods unschedulable for more than
     * 5 min: not at 310 s (exactly 300 s), at 340 s yes; its backoff (2 s)
     * has long expired -> activeQ. */
    CHECK_INT_EQ(k8s_queue_pop(&q, &h), 200); /* B: priority 10 */
    k8s_queue_done(&q, h);
    CHECK_INT_EQ(k8s_queue_pop(&q, &h), 100);
    k8s_queue_unschedulable(&q, h, 10 * S);
    k8s_queue_flush(&q, 310 * S);
    CHECK_INT_EQ(k8s_queue_where(&q, ha), K8S_Q_UNSCHEDULABLE);
    k8s_queue_flush(&q, 320 * S); /* not due: last leftover flush at 310 s */
    CHECK_INT_EQ(k8s_queue_where(&q, ha), K8S_Q_UNSCHEDULABLE);
    k8s_queue_flush(&q, 340 * S);
    CHECK_INT_EQ(k8s_queue_where(&q, ha), K8S_Q_ACTIVE);

    /* errors go to backoffQ: third attempt, backoff 4 s */
    CHECK_INT_EQ(k8s_queue_pop(&q, &h), 100);
    k8s_queue_requeue_backoff(&q, h, 400 * S);
    CHECK_INT_EQ(k8s_queue_next_expiry(&q), 404 * S);
    /* many pods keep heap order */
    k8s_queue q2;
    k8s_queue_init(&q2);
    for (int i = 0; i < 200; i++)
        k8s_queue_add(&q2, (uint64_t)i, (i * 37) % 11, i);
    int ordered = 1;
    int32_t last_prio = 1 << 30;
    int64_t last_id = -1;
    for (int i = 0; i < 200; i++) {
        int64_t id = k8s_queue_pop(&q2, &h);
        int32_t prio = (int32_t)((id * 37) % 11);
        if (prio > last_prio || (prio == last_prio && id < last_id))
            ordered = 0;
        last_prio = prio;
        last_id = id;
        k8s_queue_done(&q2, h);
    }
    CHECK(ordered);
    k8s_queue_free(&q2);
    k8s_queue_free(&q);
    return CHECK_DONE();
}
