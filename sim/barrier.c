/* barrier.c - spin, yield, then sleep (see barrier.h). */
#include "sim/barrier.h"

#include <sched.h>

enum { YIELDS_BEFORE_SLEEP = 4 };

int sim_barrier_init(sim_barrier *b, int parties, int spin_polls)
{
    b->parties = parties;
    b->spin_polls = spin_polls;
    atomic_init(&b->arrived, 0);
    atomic_init(&b->generation, 0u);
    if (pthread_mutex_init(&b->mutex, NULL) != 0)
        return -1;
    if (pthread_cond_init(&b->wake, NULL) != 0) {
        pthread_mutex_destroy(&b->mutex);
        return -1;
    }
    return 0;
}

void sim_barrier_destroy(sim_barrier *b)
{
    pthread_cond_destroy(&b->wake);
    pthread_mutex_destroy(&b->mutex);
}

void sim_barrier_wait(sim_barrier *b)
{
    unsigned gen = atomic_load(&b->generation);
    if (atomic_fetch_add(&b->arrived, 1) + 1 == b->parties) {
        /* Last to arrive: reset the count before opening the next generation,
         * so a thread that leaves and re-enters at once counts afresh. The
         * generation changes under the mutex so a sleeper cannot miss it. */
        atomic_store(&b->arrived, 0);
        pthread_mutex_lock(&b->mutex);
        atomic_store(&b->generation, gen + 1u);
        pthread_cond_broadcast(&b->wake);
        pthread_mutex_unlock(&b->mutex);
        return;
    }
    for (int i = 0; i < b->spin_polls; i++)
        if (atomic_load_explicit(&b->generation, memory_order_acquire) != gen)
            return;
    for (int i = 0; i < YIELDS_BEFORE_SLEEP; i++) {
        sched_yield();
        if (atomic_load_explicit(&b->generation, memory_order_acquire) != gen)
            return;
    }
    pthread_mutex_lock(&b->mutex);
    while (atomic_load(&b->generation) == gen)
        pthread_cond_wait(&b->wake, &b->mutex);
    pthread_mutex_unlock(&b->mutex);
}
