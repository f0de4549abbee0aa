/* memory_reclaim.c - memory overcommit (see memory_reclaim.h). */
#include "models/host/memory_reclaim.h"

#include <math.h>
#include <string.h>

double mem_min_free_mib(double host_mib)
{
    const double first = 28.0 * 1024.0;
    if (host_mib <= first)
        return 899.0 * host_mib / first; /* scaled down for hosts under 28 GiB */
    return 899.0 + 0.01 * (host_mib - first);
}

mem_state mem_state_of(double free_mib, double min_free_mib)
{
    if (free_mib >= 4.0 * min_free_mib)
        return MEM_STATE_HIGH;
    if (free_mib >= min_free_mib)
        return MEM_STATE_CLEAR;
    if (free_mib >= 0.64 * min_free_mib)
        return MEM_STATE_SOFT;
    if (free_mib >= 0.32 * min_free_mib)
        return MEM_STATE_HARD;
    return MEM_STATE_LOW;
}

const char *mem_state_name(mem_state s)
{
    switch (s) {
    case MEM_STATE_HIGH: return "high";
    case MEM_STATE_CLEAR: return "clear";
    case MEM_STATE_SOFT: return "soft";
    case MEM_STATE_HARD: return "hard";
    case MEM_STATE_LOW: return "low";
    }
    return "?";
}

double mem_shares_per_mib(shares_level level)
{
    return level == SHARES_LOW ? 5.0 : level == SHARES_HIGH ? 20.0 : 10.0;
}

static double consumed(const mem_vm *v, const mem_vm_result *r, double ratio)
{
    return v->configured_mib - r->shared_mib - r->ballooned_mib - r->swapped_mib -
           r->compressed_mib * (1.0 - 1.0 / ratio);
}

/* Memory the host may still take from v: not shared, not reserved, not
 * already reclaimed. */
static double reclaimable(const mem_vm *v, const mem_vm_result *r)
{
    double x = v->configured_mib - r->shared_mib - v->reservation_mib - r->ballooned_mib - r->swapped_mib -
               r->compressed_mib;
    return x > 0.0 ? x : 0.0;
}

/* Idle memory the balloon can take: at most balloon_max of M, idle pages only. */
static double balloon_room(const mem_params *p, const mem_vm *v, const mem_vm_result *r)
{
    double idle = v->configured_mib - v->active_mib - r->shared_mib - r->ballooned_mib;
    double cap = p->balloon_max * v->configured_mib - r->ballooned_mib;
    double room = idle < cap ? idle : cap;
    double rec = reclaimable(v, r);
    room = room < rec ? room : rec;
    return room > 0.0 ? room : 0.0;
}

/* 1/rho: reclaim goes preferentially to VMs with few shares per page and
 * much idle memory (idle memory tax). */
static double revocation_weight(const mem_params *p, const mem_vm *v)
{
    if (!(v->configured_mib > 0.0))
        return 0.0;
    double f = v->active_mib / v->configured_mib;
    double k = 1.0 / (1.0 - (p->idle_tax < 0.99 ? p->idle_tax : 0.99));
    double shares = v->shares > 0.0 ? v->shares : 1.0;
    return v->configured_mib * (f + k * (1.0 - f)) / shares;
}

enum { TECH_BALLOON, TECH_COMPRESS, TECH_SWAP };

/* Takes `want` MiB of free memory with one technique from all VMs by
 * water-filling; returns the MiB freed. */
static double reclaim_with(const mem_params *p, int tech, const mem_vm *vms, size_t n, double want,
                           wf_claim *claims, double *scratch, double *amounts, mem_vm_result *out)
{
    if (!(want > 0.0))
        return 0.0;
    double saving = tech == TECH_COMPRESS ? 1.0 - 1.0 / p->compression_ratio : 1.0;
    if (!(saving > 0.0))
        return 0.0;
    for (size_t i = 0; i < n; i++) {
        double room = 0.0;
        if (tech == TECH_BALLOON) {
            room = balloon_room(p, &vms[i], &out[i]);
        } else if (tech == TECH_COMPRESS) {
            double cache_left = p->compression_max * vms[i].configured_mib -
                                out[i].compressed_mib / p->compression_ratio;
            double pages = cache_left * p->compression_ratio; /* guest MiB that fit */
            double rec = reclaimable(&vms[i], &out[i]);
            room = (pages < rec ? pages : rec) * saving;
        } else {
            room = reclaimable(&vms[i], &out[i]);
        }
        claims[i] = (wf_claim){.lo = 0.0, .hi = room > 0.0 ? room : 0.0,
                               .weight = revocation_weight(p, &vms[i])};
    }
    double got = waterfill(claims, n, want, scratch, amounts);
    for (size_t i = 0; i < n; i++) {
        if (tech == TECH_BALLOON)
            out[i].ballooned_mib += amounts[i];
        else if (tech == TECH_COMPRESS)
            out[i].compressed_mib += amounts[i] / saving;
        else
            out[i].swapped_mib += amounts[i];
    }
    return got;
}

mem_host_result mem_reclaim(const mem_params *p, const mem_vm *vms, size_t n, wf_claim *claims, double *scratch,
                            double *amounts, mem_vm_result *out)
{
    mem_host_result h = {.min_free_mib = mem_min_free_mib(p->host_mib)};
    double ratio = p->compression_ratio >= 1.0 ? p->compression_ratio : 1.0;

    /* 1. sharing: small pages always; large pages only below "high". The
     * same pass computes what steps 2-4 give when they change nothing (no
     * large page shared, no VM over its limit, free memory at least
     * minFree): each VM's consumed memory, and its sum in step 3's order. */
    double used_small = 0.0, used_large = 0.0, used_unreclaimed = 0.0;
    int over_limit = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (mem_vm_result){.slowdown = 1.0};
        double shared = p->page_sharing * vms[i].configured_mib;
        if (vms[i].large_pages) {
            used_large += vms[i].configured_mib;
        } else {
            out[i].shared_mib = shared;
            used_small += vms[i].configured_mib - shared;
        }
        over_limit |= vms[i].configured_mib - out[i].shared_mib - vms[i].limit_mib > 0.0;
        out[i].consumed_mib = consumed(&vms[i], &out[i], ratio);
        used_unreclaimed += out[i].consumed_mib;
        h.sum.shared_mib += out[i].shared_mib;
    }
    int share_large = p->host_mib - used_small - used_large < 4.0 * h.min_free_mib;
    if (!share_large && !over_limit) {
        double free_mib = p->host_mib - used_unreclaimed;
        h.state = mem_state_of(free_mib, h.min_free_mib);
        if (h.state < MEM_STATE_SOFT) { /* nothing to reclaim: the results are final */
            h.free_mib = free_mib;
            h.sum.consumed_mib = used_unreclaimed; /* the other sums: 0 */
            return h;
        }
    }
    if (share_large)
        for (size_t i = 0; i < n; i++)
            if (vms[i].large_pages)
                out[i].shared_mib = p->page_sharing * vms[i].configured_mib;

    /* 2. limits: balloon the excess from idle memory, swap the rest */
    for (size_t i = 0; i < n; i++) {
        double excess = vms[i].configured_mib - out[i].shared_mib - vms[i].limit_mib;
        if (!(excess > 0.0))
            continue;
        double b = balloon_room(p, &vms[i], &out[i]);
        b = b < excess ? b : excess;
        out[i].ballooned_mib += b;
        double w = excess - b, rec = reclaimable(&vms[i], &out[i]);
        out[i].swapped_mib += w < rec ? w : rec;
    }

    /* 3. host states */
    double used = 0.0;
    for (size_t i = 0; i < n; i++)
        used += consumed(&vms[i], &out[i], ratio);
    double free_mib = p->host_mib - used;
    if (mem_state_of(free_mib, h.min_free_mib) >= MEM_STATE_SOFT)
        free_mib += reclaim_with(p, TECH_BALLOON, vms, n, h.min_free_mib - free_mib, claims, scratch, amounts, out);
    if (mem_state_of(free_mib, h.min_free_mib) >= MEM_STATE_HARD) {
        double target = 0.64 * h.min_free_mib;
        free_mib += reclaim_with(p, TECH_COMPRESS, vms, n, target - free_mib, claims, scratch, amounts, out);
        free_mib += reclaim_with(p, TECH_SWAP, vms, n, target - free_mib, claims, scratch, amounts, out);
    }

    /* 4. consumed and slowdown */
    h.sum = (mem_vm_sums){0};
    for (size_t i = 0; i < n; i++) {
        mem_vm_result *r = &out[i];
        r->consumed_mib = consumed(&vms[i], r, ratio);
        h.sum.shared_mib += r->shared_mib;
        h.sum.ballooned_mib += r->ballooned_mib;
        h.sum.compressed_mib += r->compressed_mib;
        h.sum.swapped_mib += r->swapped_mib;
        h.sum.consumed_mib += r->consumed_mib;
        double resident = vms[i].configured_mib - r->shared_mib - r->ballooned_mib;
        if (resident > 0.0 && (r->compressed_mib > 0.0 || r->swapped_mib > 0.0)) {
            double z = r->compressed_mib / resident, w = r->swapped_mib / resident;
            r->slowdown = 1.0 + p->touch_rate_per_s * (z * p->decompress_s + w * p->swapin_s);
        }
    }
    h.free_mib = free_mib;
    h.state = mem_state_of(free_mib, h.min_free_mib);
    return h;
}
