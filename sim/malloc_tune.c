/* malloc_tune.c - glibc malloc settings for one long run (see malloc_tune.h).
 *
 * Why, measured on the headline scenario (docs/clusters.md "Memory, fourth
 * pass"): with 2 engine threads glibc gives the second thread its own arena;
 * blocks it allocates and the first thread frees (series blocks, chunk
 * buffers) go back to that arena, which fragments and grows with run length
 * (3.2 to 5.7 MiB resident over 3 simulated days). And glibc raises its mmap
 * threshold to the size of each large block freed (up to 32 MiB), so after
 * the first window's large buffers (100,000 power-ons logged at once) every
 * later large buffer is carved from the heap, whose top then stays resident.
 * The fixed threshold is 1 MiB, not lower: at 128 KiB the recorder's
 * window buffers between the two were mapped and unmapped every window
 * (system calls and page faults), and 2 threads on 1,984 hosts (the
 * scaling table's 31 clusters) took 1.16 s a day instead of 0.85 s; 1 MiB
 * keeps that speed and the headline's peak (96.8 MiB on 2 threads, as with
 * 128 KiB; glibc's moving threshold gave 97.0-99.0).
 */
#include "sim/malloc_tune.h"

#include <stdlib.h> /* defines __GLIBC__ (features.h) for the test below */

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#define SIM_MMAP_THRESHOLD_BYTES (1024 * 1024)

void sim_malloc_tune(void)
{
#if defined(__GLIBC__)
    /* failures are harmless: the defaults stay */
    (void)mallopt(M_ARENA_MAX, 1);
    (void)mallopt(M_MMAP_THRESHOLD, SIM_MMAP_THRESHOLD_BYTES);
#endif
}
