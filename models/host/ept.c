/* ept.c - 2-D page walk overhead (see ept.h). */
#include "models/host/ept.h"

int ept_walk_refs(int guest_levels, int host_levels) { return (guest_levels + 1) * (host_levels + 1) - 1; }

int ept_levels(int large_pages) { return large_pages ? 3 : 4; }

double ept_efficiency(int guest_large, int host_large, double tlb_misses_per_kcycle, double ref_ns,
                      double clock_mhz)
{
    int g = ept_levels(guest_large), h = ept_levels(host_large);
    double extra_refs = (double)(ept_walk_refs(g, h) - g);
    double overhead = tlb_misses_per_kcycle / 1000.0 * extra_refs * ref_ns * clock_mhz / 1000.0;
    if (!(overhead > 0.0))
        return 1.0;
    return 1.0 / (1.0 + overhead);
}
