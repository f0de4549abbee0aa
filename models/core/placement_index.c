/* placement_index.c - first host with enough free memory (see placement_index.h). */
#include "models/core/placement_index.h"

#include <stdlib.h>

static uint64_t free_of(const placement_host_view *h)
{
    return h->memory_mib > h->committed_memory_mib ? h->memory_mib - h->committed_memory_mib : 0;
}

static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

int placement_index_init(placement_index *ix, const placement_host_view *hosts, uint32_t n)
{
    uint32_t leaves = 1;
    while (leaves < n)
        leaves *= 2; /* n <= MODEL_MAX_HOSTS, far below 2^31 */
    ix->n = n;
    ix->leaves = leaves;
    ix->free_mib = calloc(2 * (size_t)leaves, sizeof *ix->free_mib);
    if (!ix->free_mib)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        ix->free_mib[leaves + i] = free_of(&hosts[i]);
    for (uint32_t k = leaves - 1; k >= 1; k--)
        ix->free_mib[k] = max_u64(ix->free_mib[2 * k], ix->free_mib[2 * k + 1]);
    return 0;
}

void placement_index_free(placement_index *ix)
{
    free(ix->free_mib);
    *ix = (placement_index){0};
}

void placement_index_update(placement_index *ix, uint32_t i, const placement_host_view *host)
{
    uint32_t k = ix->leaves + i;
    ix->free_mib[k] = free_of(host);
    for (k /= 2; k >= 1; k /= 2)
        ix->free_mib[k] = max_u64(ix->free_mib[2 * k], ix->free_mib[2 * k + 1]);
}

uint32_t placement_index_next(const placement_index *ix, uint32_t from, uint64_t need_mib)
{
    if (from >= ix->n)
        return ix->n;
    /* climb from the leaf of `from` until a subtree to the right (or the
     * leaf itself) holds a host with enough memory, then descend to the
     * leftmost such host */
    uint32_t k = ix->leaves + from;
    if (ix->free_mib[k] < need_mib) {
        for (;;) {
            while (k & 1u) { /* a right child: go up until we are a left child */
                k /= 2;
                if (k == 0)
                    return ix->n;
            }
            k++; /* the right sibling: every host in it is after `from` */
            if (ix->free_mib[k] >= need_mib)
                break;
        }
        while (k < ix->leaves)
            k = ix->free_mib[2 * k] >= need_mib ? 2 * k : 2 * k + 1;
    }
    uint32_t i = k - ix->leaves;
    return i < ix->n ? i : ix->n;
}
