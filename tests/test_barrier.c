/* test_barrier.c - sim/barrier.h: nobody leaves before everyone arrived, and
 * writes made before the barrier are seen after it, on the spinning path and
 * on the sleeping path (no spin), over many reuses of one barrier; with no
 * spin every wait that did not arrive last either sleeps or finds the
 * barrier already open, and the counters add up. */
#include <pthread.h>

#include "sim/barrier.h"
#include "tests/check.h"

enum { THREADS = 3, ROUNDS = 2000 };

typedef struct shared {
    sim_barrier barrier;
    int slot[THREADS];   /* each thread writes its own, reads all */
    int mismatches[THREADS];
} shared;

typedef struct arg {
    shared *s;
    int tid;
} arg;

static void *worker(void *p)
{
    arg *a = p;
    shared *s = a->s;
    for (int round = 1; round <= ROUNDS; round++) {
        s->slot[a->tid] = round;
        sim_barrier_wait(&s->barrier);
        for (int t = 0; t < THREADS; t++)
            if (s->slot[t] != round)
                s->mismatches[a->tid]++;
        /* Nobody may write the next round's value before all have read. */
        sim_barrier_wait(&s->barrier);
    }
    return NULL;
}

static void run(long spin_ns)
{
    shared s = {0};
    CHECK(sim_barrier_init(&s.barrier, THREADS, spin_ns) == 0);
    pthread_t th[THREADS];
    arg args[THREADS];
    for (int t = 0; t < THREADS; t++) {
        args[t] = (arg){&s, t};
        CHECK(pthread_create(&th[t], NULL, worker, &args[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < THREADS; t++) {
        CHECK_INT_EQ(s.mismatches[t], 0);
        CHECK_INT_EQ(s.slot[t], ROUNDS);
    }
    /* 2 barriers per round; at each, all but the last of 3 threads wait */
    CHECK_INT_EQ((long long)atomic_load(&s.barrier.waits), 2LL * ROUNDS * (THREADS - 1));
    CHECK(atomic_load(&s.barrier.sleeps) <= atomic_load(&s.barrier.waits));
    CHECK_INT_EQ(atomic_load(&s.barrier.sleepers), 0);
    sim_barrier_destroy(&s.barrier);
}

int main(void)
{
    run(0);          /* no spin: the condition-variable path (after 64 polls) */
    run(200000);     /* spins up to 200 us: mostly spins on an idle machine */
    run(2000);       /* 2 us: a mix, threads arrive during the spin and after it */
    return CHECK_DONE();
}
