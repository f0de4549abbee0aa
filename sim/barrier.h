/* barrier.h - a thread barrier that spins briefly, then sleeps.
 *
 * The engine meets at a barrier two or three times per window, and windows
 * last microseconds, so a barrier that sleeps at once (a futex round trip per
 * window) is slow on an idle machine. One that only spins (libgomp's default)
 * is worse on a loaded machine: a waiting thread burns the core the late
 * thread needs, and two threads end up slower than one. This barrier spins
 * for a bounded number of polls, yields a few times, and then blocks on a
 * condition variable until the last thread arrives.
 *
 * Contract: `parties` threads call sim_barrier_wait; none returns before all
 * have called it, and every write made before the call by any of them is
 * visible to all of them after it. Reusable at once (generation counter).
 */
#ifndef VDCSIM_SIM_BARRIER_H
#define VDCSIM_SIM_BARRIER_H

#include <pthread.h>
#include <stdatomic.h>

typedef struct sim_barrier {
    int parties;
    int spin_polls; /* polls of the generation before yielding, then sleeping */
    atomic_int arrived;
    atomic_uint generation;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
} sim_barrier;

/* Returns 0, or -1 when the mutex or condition variable cannot be created. */
int sim_barrier_init(sim_barrier *b, int parties, int spin_polls);
void sim_barrier_destroy(sim_barrier *b);
void sim_barrier_wait(sim_barrier *b);

#endif
