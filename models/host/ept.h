/* ept.h - the cost of two-dimensional (EPT/NPT) page walks.
 *
 * A TLB miss in a guest with g page-table levels on a host (nested) table of
 * h levels takes (g+1)(h+1) - 1 memory references instead of g natively:
 * 24 with 4 KiB pages in both dimensions (4/4 levels), 15 with 2 MiB pages
 * in both (3/3) (Bhargava et al., ASPLOS 2008; reference models.md 5.1).
 * The extra references cost time on every miss; as a fraction of CPU time
 *   overhead = misses_per_kcycle / 1000 * extra_refs * ref_ns * clock_GHz
 *   efficiency = 1 / (1 + overhead)
 * where extra_refs = walk_refs(g, h) - g (the native walk of the same guest).
 * Pure functions.
 */
#ifndef VDCSIM_MODELS_EPT_H
#define VDCSIM_MODELS_EPT_H

/* (g+1)(h+1) - 1 */
int ept_walk_refs(int guest_levels, int host_levels);

/* Page-table levels for a page size: 4 for 4 KiB, 3 for 2 MiB (x86-64,
 * 4-level paging). */
int ept_levels(int large_pages);

/* CPU efficiency in (0, 1] of a VM whose guest uses 2 MiB pages when
 * guest_large and whose memory the host backs with 2 MiB pages when
 * host_large. */
double ept_efficiency(int guest_large, int host_large, double tlb_misses_per_kcycle, double ref_ns,
                      double clock_mhz);

#endif
