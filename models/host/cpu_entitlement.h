/* cpu_entitlement.h - dividing a host's CPU among its VMs: water-filling by
 * reservations, limits and shares, and the CPU ready time that follows.
 *
 * Contract (docs/host-model.md, "CPU entitlement"):
 *   lo_v = min(D_v, R_v), hi_v = max(lo_v, min(D_v, L_v))
 *   E_v  = clamp(s * S_v, lo_v, hi_v), with the level s >= 0 chosen so that
 *          sum_v E_v = min(C, sum_v hi_v)
 * i.e. shares divide the capacity "bounded by the reservation and limit"
 * (vSphere Resource Management). When the reservations alone exceed the
 * capacity (admission control should prevent it) every VM gets
 * lo_v * C / sum lo. The solution is exact (no bisection, no tolerance):
 * at most n rounds, each fixing at least one claim at its bound (see
 * waterfill() in cpu_entitlement.c); a few rounds in practice.
 * Pure functions; the caller supplies all memory.
 */
#ifndef VDCSIM_MODELS_CPU_ENTITLEMENT_H
#define VDCSIM_MODELS_CPU_ENTITLEMENT_H

#include <stddef.h>

/* One claimant of a divisible resource. */
typedef struct wf_claim {
    double lo;     /* guaranteed (>= 0) */
    double hi;     /* cap (>= lo) */
    double weight; /* shares (>= 0); 0: lo, plus a share of whatever is left
                      once every weighted claim is at its hi */
} wf_claim;

/* Divides `total` among n claims; out[i] in [lo_i, hi_i] and
 * sum out = min(total, sum hi) when sum lo <= total. scratch holds n
 * doubles. Returns sum out. */
double waterfill(const wf_claim *claims, size_t n, double total, double *scratch, double *out);

/* One VM's CPU claim, MHz. limit_mhz may be INFINITY. */
typedef struct cpu_claim {
    double demand_mhz;
    double reservation_mhz;
    double limit_mhz;
    double shares;
} cpu_claim;

/* Entitlements E_v (MHz) of n VMs on capacity_mhz; scratch holds n doubles
 * and claims_scratch n wf_claims. Returns sum E. */
double cpu_entitlement_mhz(const cpu_claim *vms, size_t n, double capacity_mhz, wf_claim *claims_scratch,
                           double *scratch, double *entitlement_out);

/* vSphere share levels, in the order of vms.[].cpu_shares and
 * vms.[].memory_shares (read with scn_enum); custom takes its own number. */
typedef enum { SHARES_LOW, SHARES_NORMAL, SHARES_HIGH, SHARES_CUSTOM } shares_level;

/* vSphere share presets per vCPU: low 500, normal 1000, high 2000. */
double cpu_shares_per_vcpu(shares_level level);

/* Fraction of its runnable time a VM waits for a CPU: (D - E) / D when
 * D > E, 0 when D <= E or D <= 0. */
double cpu_ready_fraction(double demand_mhz, double entitlement_mhz);

/* vSphere's "CPU ready" summation: milliseconds, summed over the VM's vCPUs,
 * that runnable vCPUs waited during one interval of interval_ms. The unmet
 * demand (D - E) MHz is (D - E) / core_mhz vCPUs kept waiting. */
double cpu_ready_ms(double demand_mhz, double entitlement_mhz, double core_mhz, double interval_ms);

#endif
