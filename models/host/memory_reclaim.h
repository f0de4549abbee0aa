/* memory_reclaim.h - ESX-style memory overcommit: page sharing, ballooning,
 * compression and host swapping (Waldspurger, OSDI 2002; vSphere 6 memory
 * states), as a steady state computed afresh at every sample.
 *
 * Per VM v: configured M, active A (from its memory demand process),
 * reservation Rv, limit Lv, shares Sv.
 *  1. Sharing (TPS): sh_v = page_sharing * M. VMs backed by 2 MiB pages share
 *     nothing until free memory falls below the "high" threshold
 *     (400 % of minFree), where ESXi breaks large pages.
 *  2. A VM above its limit (M - sh > Lv) loses the excess regardless of the
 *     host: ballooned from its idle memory first, the rest swapped.
 *  3. Host free memory F = H - sum consumed. minFree = 899 MiB for the first
 *     28 GiB + 1 % of the rest. States: high >= 400 %, clear >= 100 %,
 *     soft >= 64 %, hard >= 32 %, low < 16 % of minFree.
 *     - soft or worse: balloon toward F = 100 % minFree. The balloon takes
 *       idle memory only (guest frees idle pages first: no slowdown), at most
 *       balloon_max (65 %, Mem.CtlMaxPercent) of M.
 *     - still hard or worse after ballooning: compress, then swap, toward
 *       F = 64 % minFree. A compressed page keeps 1/compression_ratio of its
 *       size; the compression cache holds at most compression_max (10 %) of M.
 *     Each technique's amount is split among VMs by water-filling with weight
 *     1/rho_v, rho = S / (M (f + k (1 - f))), k = 1/(1 - tau) (the idle memory
 *     tax, tau = 0.75): a continuous form of min-funding revocation.
 *     Reserved memory is never reclaimed.
 *  4. The host cannot tell active pages from idle ones when it compresses or
 *     swaps, so those pages are a random sample of the VM's resident pages; a
 *     fraction z (compressed) and w (swapped) of its active pages fault:
 *        slowdown = 1 + touch_rate * (z * t_decompress + w * t_swapin).
 *  consumed = M - sh - balloon - swapped - compressed * (1 - 1/ratio).
 * Pure functions; the caller supplies all memory.
 */
#ifndef VDCSIM_MODELS_MEMORY_RECLAIM_H
#define VDCSIM_MODELS_MEMORY_RECLAIM_H

#include <stddef.h>

#include "models/host/cpu_entitlement.h"

typedef enum { MEM_STATE_HIGH, MEM_STATE_CLEAR, MEM_STATE_SOFT, MEM_STATE_HARD, MEM_STATE_LOW } mem_state;

typedef struct mem_params {
    double host_mib;               /* physical memory for VMs */
    double page_sharing;           /* fraction of a VM's memory TPS collapses */
    double balloon_max;            /* fraction of M, 0.65 */
    double compression_max;        /* compression cache, fraction of M, 0.10 */
    double compression_ratio;      /* >= 1, 2 */
    double idle_tax;               /* tau, 0.75 */
    double touch_rate_per_s;       /* faults/s if all active pages were reclaimed */
    double decompress_s, swapin_s; /* cost of one fault */
} mem_params;

typedef struct mem_vm {
    double configured_mib;
    double active_mib;
    double reservation_mib;
    double limit_mib; /* INFINITY when unlimited */
    double shares;
    int large_pages;
} mem_vm;

typedef struct mem_vm_result {
    double shared_mib, ballooned_mib, compressed_mib, swapped_mib, consumed_mib;
    double slowdown; /* >= 1 */
} mem_vm_result;

/* The VMs' results summed in VM order (the order a caller summing out[]
 * would use: the same doubles). */
typedef struct mem_vm_sums {
    double shared_mib, ballooned_mib, compressed_mib, swapped_mib, consumed_mib;
} mem_vm_sums;

typedef struct mem_host_result {
    mem_state state;       /* after reclamation */
    double free_mib;       /* after reclamation */
    double min_free_mib;
    mem_vm_sums sum;       /* of out[0..n) */
} mem_host_result;

/* vSphere 6 minFree: 899 MiB for the first 28 GiB, + 1 % of the rest. */
double mem_min_free_mib(double host_mib);
mem_state mem_state_of(double free_mib, double min_free_mib);
const char *mem_state_name(mem_state s);

/* vSphere memory share presets per MiB of configured memory: 5, 10, 20. */
double mem_shares_per_mib(shares_level level);

/* The whole computation for one host. Scratch: claims n, scratch 2n,
 * amounts n doubles. */
mem_host_result mem_reclaim(const mem_params *p, const mem_vm *vms, size_t n, wf_claim *claims, double *scratch,
                            double *amounts, mem_vm_result *out);

#endif
