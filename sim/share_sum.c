/* share_sum.c - see share_sum.h. */
#include "sim/share_sum.h"

#include <string.h>

#define SHARE_SUM_P ((UINT64_C(1) << 61) - 1)
/* any fixed key in (0, P): the bound of share_sum.h holds for contents
 * that do not depend on it */
#define SHARE_SUM_KEY UINT64_C(0x0F3A5C6B9D1E2477)

/* (h * K + c) mod P, for h < P and c < 2^32 */
static inline uint64_t step(uint64_t h, uint64_t c)
{
    unsigned __int128 x = (unsigned __int128)h * SHARE_SUM_KEY + c;
    uint64_t r = (uint64_t)(x & SHARE_SUM_P) + (uint64_t)(x >> 61); /* < 2^62 + 2^32 */
    r = (r & SHARE_SUM_P) + (r >> 61);
    return r >= SHARE_SUM_P ? r - SHARE_SUM_P : r;
}

uint64_t share_sum(const void *bytes, size_t n)
{
    const unsigned char *b = bytes;
    uint64_t h = 0;
    for (; n >= 4; b += 4, n -= 4) {
        uint32_t c;
        memcpy(&c, b, sizeof c);
        h = step(h, c);
    }
    if (n > 0) {
        uint32_t c = 0;
        memcpy(&c, b, n);
        h = step(h, c);
    }
    return h;
}
