/* test_grow.c - sim_grow (sim/grow.h): capacities worked out by hand, the
 * items kept across a move, and the refusals that leave the array as it
 * was. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "sim/grow.h"

int main(void)
{
    uint32_t *items = NULL, cap = 0;
    /* from nothing: the first capacity, then doubling past what is needed */
    CHECK_INT_EQ(sim_grow((void **)&items, &cap, 1, sizeof *items, 4), 0);
    CHECK_INT_EQ(cap, 4);
    for (uint32_t i = 0; i < 4; i++)
        items[i] = 100 + i;
    CHECK_INT_EQ(sim_grow((void **)&items, &cap, 4, sizeof *items, 4), 0); /* enough already */
    CHECK_INT_EQ(cap, 4);
    CHECK_INT_EQ(sim_grow((void **)&items, &cap, 5, sizeof *items, 4), 0);
    CHECK_INT_EQ(cap, 8);
    CHECK_INT_EQ(sim_grow((void **)&items, &cap, 33, sizeof *items, 4), 0); /* 8 -> 16 -> 32 -> 64 */
    CHECK_INT_EQ(cap, 64);
    for (uint32_t i = 0; i < 4; i++)
        CHECK_INT_EQ(items[i], 100 + i);
    /* first = 0 starts from 1 */
    uint32_t *one = NULL, cap1 = 0;
    CHECK_INT_EQ(sim_grow((void **)&one, &cap1, 3, sizeof *one, 0), 0);
    CHECK_INT_EQ(cap1, 4);
    free(one);
    /* a capacity past 32 bits, or bytes past SIZE_MAX: refused, unchanged */
    uint32_t *keep = items, keep_cap = cap;
    CHECK_INT_EQ(sim_grow((void **)&items, &cap, UINT32_MAX, sizeof *items, 4), -1); /* 64 doubles to 2^32 */
    CHECK(items == keep);
    CHECK_INT_EQ(cap, keep_cap);
    CHECK_INT_EQ(sim_grow((void **)&items, &cap, 65, SIZE_MAX / 64, 4), -1);
    CHECK(items == keep);
    CHECK_INT_EQ(cap, keep_cap);
    free(items);
    return CHECK_DONE();
}
