/* barrier.h - a thread barrier that spins briefly, then sleeps.
 *
 * The engine meets at a barrier two or three times per window, and windows
 * last microseconds, so a barrier that sleeps at once (a futex round trip per
 * window) is slow on an idle machine. One that only spins (libgomp's default)
 * is worse on a loaded machine: a waiting thread burns the core the late
 * thread needs, and two threads end up slower than one. This barrier polls
 * for at most `spin_ns` of wall time and then blocks on a condition variable
 * until the last thread arrives. It never calls sched_yield: on a busy
 * machine a yield hands the core to another process for a whole time slice,
 * and the yielding thread comes back late even when its partner has long
 * arrived, while a sleeper is woken the moment it arrives.
 *
 * Contract: `parties` threads call sim_barrier_wait; none returns before all
 * have called it, and every write made before the call by any of them is
 * visible to all of them after it. Reusable at once (generation counter).
 * The last thread to arrive touches the mutex only when someone sleeps.
 */
#ifndef VDCSIM_SIM_BARRIER_H
#define VDCSIM_SIM_BARRIER_H

#include <pthread.h>
#include <stdatomic.h>

/* Tells the core this is a spin loop (x86: the pause instruction), so it
 * does not starve a sibling hyperthread or mispredict the loop's exit. */
static inline void sim_spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

typedef struct sim_barrier {
    int parties;
    long spin_ns; /* wall time a waiter polls the generation before sleeping */
    atomic_int arrived;
    atomic_uint generation;
    atomic_int sleepers;       /* waiters on the condition variable now */
    atomic_ulong waits, sleeps; /* waits that did not arrive last, and those that slept */
    pthread_mutex_t mutex;
    pthread_cond_t wake;
} sim_barrier;

/* Returns 0, or -1 when the mutex or condition variable cannot be created. */
int sim_barrier_init(sim_barrier *b, int parties, long spin_ns);
void sim_barrier_destroy(sim_barrier *b);
/* Returns the nanoseconds it spent polling (0 when it arrived last or the
 * barrier opened within the first polls): CPU time that was waiting, not
 * work, which the engine's team/solo chooser must not count as work. */
long sim_barrier_wait(sim_barrier *b);

#endif
