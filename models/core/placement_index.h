/* placement_index.h - a segment tree over a cluster's hosts keeping, per
 * subtree, the largest memory not yet committed (placement view's
 * memory_mib - committed_memory_mib), so that "the first host at or after
 * i where a VM of m MiB may fit" costs O(log hosts) instead of a scan.
 *
 * It is a necessary condition only: placement_fits() holds on a host only
 * if its free memory is at least the request's, so a policy that checks
 * placement_fits() on each host the index returns, in order, chooses
 * exactly the host its linear scan would (first_fit). The controller keeps
 * it in step with the view: every change of committed memory goes through
 * cluster_commit / cluster_uncommit, which update it. [M]
 */
#ifndef VDCSIM_MODELS_CORE_PLACEMENT_INDEX_H
#define VDCSIM_MODELS_CORE_PLACEMENT_INDEX_H

#include <stdint.h>

#include "models/core/placement.h"

typedef struct placement_index {
    uint32_t n;      /* hosts covered */
    uint32_t leaves; /* a power of two >= n */
    uint64_t *free_mib; /* 2 * leaves: [leaves + i] host i, [k] max of its children */
} placement_index;

/* Builds the index over hosts[0..n). 0, or -1 (no memory). */
int placement_index_init(placement_index *ix, const placement_host_view *hosts, uint32_t n);
void placement_index_free(placement_index *ix);

/* Host i's view changed (committed memory): refresh its leaf and ancestors. */
void placement_index_update(placement_index *ix, uint32_t i, const placement_host_view *host);

/* The first host >= from whose free memory is at least need_mib, or ix->n. */
uint32_t placement_index_next(const placement_index *ix, uint32_t from, uint64_t need_mib);

#endif
