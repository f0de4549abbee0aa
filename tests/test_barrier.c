/* test_barrier.c - sim/barrier.h: nobody leaves before everyone arrived, and
 * writes made before the barrier are seen after it, on the spinning path and
 * on the sleeping path (0 polls), over many reuses of one barrier. */
#include <pthread.h>

#include "sim/barrier.h"
#include "tests/check.h"

enum { THREADS = 3, ROUNDS = 5000 };

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

static void run(int spin_polls)
{
    shared s = {0};
    CHECK(sim_barrier_init(&s.barrier, THREADS, spin_polls) == 0);
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
    sim_barrier_destroy(&s.barrier);
}

int main(void)
{
    run(0);       /* always sleeps: the condition-variable path */
    run(100000);  /* mostly spins */
    run(50);      /* a mix: threads arrive during the spin and after it */
    return CHECK_DONE();
}
