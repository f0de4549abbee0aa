/* grow.c - see grow.h. */
#include "sim/grow.h"

#include <stdlib.h>

int sim_grow(void **items, uint32_t *cap, uint32_t need, size_t item_size, uint32_t first)
{
    if (need <= *cap)
        return 0;
    uint64_t c = *cap ? *cap : (first ? first : 1);
    while (c < need)
        c *= 2;
    if (c > UINT32_MAX || item_size == 0 || c > SIZE_MAX / item_size)
        return -1;
    void *grown = realloc(*items, (size_t)c * item_size);
    if (!grown)
        return -1;
    *items = grown;
    *cap = (uint32_t)c;
    return 0;
}
