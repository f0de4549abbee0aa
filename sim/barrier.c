/* barrier.c - spin for a bounded time, then sleep (see barrier.h). */
#include "sim/barrier.h"

#include <time.h>

/* The clock is read once per this many polls (a poll is a load and a pause:
 * some nanoseconds; a clock read some tens). */
enum { POLLS_PER_CLOCK_READ = 64 };

static long monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int sim_barrier_init(sim_barrier *b, int parties, long spin_ns)
{
    b->parties = parties;
    b->spin_ns = spin_ns;
    atomic_init(&b->arrived, 0);
    atomic_init(&b->generation, 0u);
    atomic_init(&b->sleepers, 0);
    atomic_init(&b->waits, 0ul);
    atomic_init(&b->sleeps, 0ul);
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

/* Polls until the generation moves on or spin_ns have passed; 1 if it
 * moved. *spun_ns: the polling time as of the last clock read. */
static int spin_until_open(sim_barrier *b, unsigned gen, long *spun_ns)
{
    const long start_ns = b->spin_ns > 0 ? monotonic_ns() : 0;
    for (;;) {
        for (int i = 0; i < POLLS_PER_CLOCK_READ; i++) {
            if (atomic_load_explicit(&b->generation, memory_order_acquire) != gen)
                return 1;
            sim_spin_pause();
        }
        if (b->spin_ns <= 0)
            return 0;
        *spun_ns = monotonic_ns() - start_ns;
        if (*spun_ns >= b->spin_ns)
            return 0;
    }
}

long sim_barrier_wait(sim_barrier *b)
{
    unsigned gen = atomic_load(&b->generation);
    if (atomic_fetch_add(&b->arrived, 1) + 1 == b->parties) {
        /* Last to arrive: reset the count before opening the next generation,
         * so a thread that leaves and re-enters at once counts afresh. A
         * sleeper registers under the mutex and then reads the generation;
         * this thread writes the generation and then reads the sleepers (both
         * sequentially consistent), so one of the two sees the other's write:
         * either the sleeper does not sleep, or it is woken here, under the
         * mutex it holds until it waits. */
        atomic_store(&b->arrived, 0);
        atomic_store(&b->generation, gen + 1u);
        if (atomic_load(&b->sleepers) > 0) {
            pthread_mutex_lock(&b->mutex);
            pthread_cond_broadcast(&b->wake);
            pthread_mutex_unlock(&b->mutex);
        }
        return 0;
    }
    atomic_fetch_add_explicit(&b->waits, 1ul, memory_order_relaxed);
    long spun_ns = 0;
    if (spin_until_open(b, gen, &spun_ns))
        return spun_ns;
    pthread_mutex_lock(&b->mutex);
    atomic_fetch_add(&b->sleepers, 1);
    if (atomic_load(&b->generation) == gen) {
        atomic_fetch_add_explicit(&b->sleeps, 1ul, memory_order_relaxed);
        while (atomic_load(&b->generation) == gen)
            pthread_cond_wait(&b->wake, &b->mutex);
    }
    atomic_fetch_sub(&b->sleepers, 1);
    pthread_mutex_unlock(&b->mutex);
    return spun_ns;
}
