/* test_claim.c - sim/claim.h: the groups of a block are each claimed
 * exactly once, the owner's from the front in increasing order and the
 * thieves' from the back in decreasing order; by hand on one thread, then
 * with an owner and two thieves racing on pthreads over many resets. */
#include <pthread.h>
#include <stdlib.h>

#include "sim/claim.h"
#include "tests/check.h"

/* One thread, alternating: the sequence is fixed by hand. */
static void test_by_hand(void)
{
    sim_claim c;
    sim_claim_reset(&c, 5);
    CHECK_INT_EQ(sim_claim_front(&c), 0);
    CHECK_INT_EQ(sim_claim_back(&c), 4);
    CHECK_INT_EQ(sim_claim_front(&c), 1);
    CHECK_INT_EQ(sim_claim_back(&c), 3);
    CHECK_INT_EQ(sim_claim_front(&c), 2);
    CHECK_INT_EQ(sim_claim_back(&c), -1); /* all 5 taken */
    CHECK_INT_EQ(sim_claim_front(&c), -1);

    sim_claim_reset(&c, 0); /* an empty block */
    CHECK_INT_EQ(sim_claim_front(&c), -1);
    CHECK_INT_EQ(sim_claim_back(&c), -1);

    sim_claim_reset(&c, 3); /* a thief alone takes all, last first */
    CHECK_INT_EQ(sim_claim_back(&c), 2);
    CHECK_INT_EQ(sim_claim_back(&c), 1);
    CHECK_INT_EQ(sim_claim_back(&c), 0);
    CHECK_INT_EQ(sim_claim_front(&c), -1);

    sim_claim_reset(&c, 2); /* a reset makes every group claimable again */
    CHECK_INT_EQ(sim_claim_front(&c), 0);
    sim_claim_reset(&c, 2);
    CHECK_INT_EQ(sim_claim_front(&c), 0);
    CHECK_INT_EQ(sim_claim_front(&c), 1);
}

enum { THREADS = 3, GROUPS = 20000, ROUNDS = 30 };

typedef struct race {
    sim_claim claim;
    unsigned char taken_by[GROUPS]; /* 0: nobody; t + 1: thread t */
    int twice;                      /* a group claimed again */
    int out_of_order[THREADS];
    long claims[THREADS];
} race;

typedef struct worker_arg {
    race *r;
    int tid;
} worker_arg;

static void *worker(void *p)
{
    worker_arg *a = p;
    race *r = a->r;
    int64_t last = a->tid == 0 ? -1 : GROUPS;
    for (;;) {
        int64_t k = a->tid == 0 ? sim_claim_front(&r->claim) : sim_claim_back(&r->claim);
        if (k < 0)
            break;
        if (k >= GROUPS || r->taken_by[k] != 0)
            __atomic_store_n(&r->twice, 1, __ATOMIC_RELAXED);
        else
            r->taken_by[k] = (unsigned char)(a->tid + 1);
        if (a->tid == 0 ? k <= last : k >= last)
            r->out_of_order[a->tid]++;
        last = k;
        r->claims[a->tid]++;
    }
    return NULL;
}

/* Thread 0 owns the block; threads 1 and 2 steal. Every group is taken
 * exactly once in every round, whatever the interleaving. */
static void test_race(void)
{
    race *r = calloc(1, sizeof *r);
    CHECK(r != NULL);
    if (!r)
        return;
    long total_owner = 0, total_thieves = 0;
    for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < GROUPS; k++)
            r->taken_by[k] = 0;
        for (int t = 0; t < THREADS; t++)
            r->claims[t] = 0;
        sim_claim_reset(&r->claim, GROUPS);
        pthread_t th[THREADS];
        worker_arg args[THREADS];
        for (int t = 0; t < THREADS; t++) {
            args[t] = (worker_arg){r, t};
            CHECK(pthread_create(&th[t], NULL, worker, &args[t]) == 0);
        }
        for (int t = 0; t < THREADS; t++)
            pthread_join(th[t], NULL);
        int untaken = 0;
        for (int k = 0; k < GROUPS; k++)
            untaken += r->taken_by[k] == 0;
        CHECK_INT_EQ(untaken, 0);
        CHECK_INT_EQ(r->claims[0] + r->claims[1] + r->claims[2], GROUPS);
        total_owner += r->claims[0];
        total_thieves += r->claims[1] + r->claims[2];
    }
    CHECK_INT_EQ(r->twice, 0);
    for (int t = 0; t < THREADS; t++)
        CHECK_INT_EQ(r->out_of_order[t], 0);
    CHECK_INT_EQ(total_owner + total_thieves, (long)GROUPS * ROUNDS);
    printf("test_claim: owner took %ld groups, thieves %ld, over %d rounds\n", total_owner, total_thieves,
           ROUNDS);
    free(r);
}

int main(void)
{
    test_by_hand();
    test_race();
    return CHECK_DONE();
}
