/* drs_defrag.c - live migrations that free one host for a VM (see drs_defrag.h). */
#include "models/vsphere/drs_defrag.h"

#include <stdlib.h>
#include <string.h>

static uint64_t free_memory_mib(const placement_host_view *h)
{
    return h->memory_mib > h->committed_memory_mib ? h->memory_mib - h->committed_memory_mib : 0;
}

/* Where candidate `vm` goes off `target`: the other host where it fits
 * (and may go) with the most uncommitted memory (ties: lowest index); -1
 * when none. */
static int32_t destination(const placement_host_view *view, uint32_t n_hosts, uint32_t target,
                           const drs_defrag_vm *vm, const drs_defrag_limits *lim)
{
    int32_t best = -1;
    for (uint32_t d = 0; d < n_hosts; d++)
        if (d != target && placement_fits(&view[d], &vm->req) && (!lim->may_go || lim->may_go(lim->arg, vm->vm, d)) &&
            (best < 0 || free_memory_mib(&view[d]) > free_memory_mib(&view[best])))
            best = (int32_t)d;
    return best;
}

/* The next VM of `target` to move, among those not tried (tried[i] == 0):
 * the smallest whose move alone makes `need` fit, else the largest; -1
 * when none is left. */
static int32_t next_to_move(const placement_host_view *view, uint32_t target, const drs_defrag_vm *vms,
                            uint32_t n_vms, const uint8_t *tried, const placement_request *need)
{
    int32_t smallest_enough = -1, largest = -1;
    for (uint32_t i = 0; i < n_vms; i++) {
        if (vms[i].host != target || tried[i])
            continue;
        placement_host_view without = view[target];
        placement_view_remove(&without, &vms[i].req);
        uint64_t mem = vms[i].req.memory_mib;
        if (placement_fits(&without, need) &&
            (smallest_enough < 0 || mem < vms[smallest_enough].req.memory_mib))
            smallest_enough = (int32_t)i;
        if (largest < 0 || mem > vms[largest].req.memory_mib)
            largest = (int32_t)i;
    }
    return smallest_enough >= 0 ? smallest_enough : largest;
}

/* The moves freeing `target` on the scratch copy of the view: their count
 * (0: none needed), or -1 when it cannot be freed within max_moves. */
static int plan_for(placement_host_view *view, const placement_host_view *hosts, uint32_t n_hosts, uint32_t target,
                    const drs_defrag_vm *vms, uint32_t n_vms, const placement_request *need,
                    const drs_defrag_limits *lim, uint8_t *tried, drs_defrag_move *moves, uint64_t *moved_mib)
{
    memcpy(view, hosts, n_hosts * sizeof *view);
    memset(tried, 0, n_vms);
    uint32_t n = 0;
    *moved_mib = 0;
    while (!placement_fits(&view[target], need)) {
        int32_t i = next_to_move(view, target, vms, n_vms, tried, need);
        if (i < 0 || n == lim->max_moves)
            return -1;
        tried[i] = 1;
        int32_t d = destination(view, n_hosts, target, &vms[i], lim);
        if (d < 0)
            continue; /* fits nowhere else: it stays */
        placement_view_remove(&view[target], &vms[i].req);
        placement_view_add(&view[d], &vms[i].req);
        moves[n++] = (drs_defrag_move){.index = (uint32_t)i, .dst = (uint32_t)d};
        *moved_mib += vms[i].req.memory_mib;
    }
    return (int)n;
}

int drs_defrag_plan(const placement_host_view *hosts, uint32_t n_hosts, const drs_defrag_vm *vms, uint32_t n_vms,
                    const placement_request *need, const drs_defrag_limits *lim, drs_defrag_move *moves,
                    uint32_t *target)
{
    for (uint32_t t = 0; t < n_hosts; t++)
        if (placement_fits(&hosts[t], need))
            return 0; /* nothing to make room for */
    placement_host_view *view = malloc((n_hosts ? n_hosts : 1) * sizeof *view);
    uint8_t *tried = malloc(n_vms ? n_vms : 1);
    drs_defrag_move *trial = malloc((lim->max_moves ? lim->max_moves : 1) * sizeof *trial);
    if (!view || !tried || !trial) {
        free(view);
        free(tried);
        free(trial);
        return -1;
    }
    int best = 0;
    uint64_t best_mib = 0;
    for (uint32_t t = 0; t < n_hosts; t++) {
        if (!hosts[t].usable)
            continue;
        uint64_t mib;
        int n = plan_for(view, hosts, n_hosts, t, vms, n_vms, need, lim, tried, trial, &mib);
        if (n <= 0 || (best > 0 && (n > best || (n == best && mib >= best_mib))))
            continue;
        best = n;
        best_mib = mib;
        *target = t;
        memcpy(moves, trial, (size_t)n * sizeof *moves);
    }
    free(view);
    free(tried);
    free(trial);
    return best;
}
