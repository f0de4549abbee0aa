/* optimal_heuristics.c - the compared placement heuristics (see
 * optimal_heuristics.h). */
#include "analysis/optimal_heuristics.h"

#include <stdlib.h>
#include <string.h>

#include "models/kubernetes/plugins/k8s_plugins.h"

extern const vdcsim_placement_policy drs_placement_policy;

static const char *const names[HEUR_COUNT] = {"first_fit", "drs", "k8s_least_allocated", "k8s_most_allocated",
                                              "ffd"};

const char *optimal_heuristic_name(optimal_heuristic h) { return h < HEUR_COUNT ? names[h] : "?"; }

/* NodeResourcesFit's score with CPU and memory weighted 1 each. */
static int64_t k8s_score(optimal_heuristic h, const placement_host_view *hv, const placement_request *q,
                         int by_request)
{
    double cpu_used = by_request ? hv->reserved_cpu_mhz + q->cpu_reservation_mhz : hv->committed_cpu_mhz + q->cpu_mhz;
    int64_t cpu_req = (int64_t)(cpu_used + 0.5), cpu_cap = (int64_t)(hv->cpu_mhz + 0.5);
    int64_t mem_req = (int64_t)(hv->committed_memory_mib + q->memory_mib), mem_cap = (int64_t)hv->memory_mib;
    int64_t (*score)(int64_t, int64_t) =
        h == HEUR_LEAST_ALLOCATED ? k8s_least_requested_score : k8s_most_requested_score;
    return (score(cpu_req, cpu_cap) + score(mem_req, mem_cap)) / 2;
}

static const optimal_instance *sort_in; /* qsort has no context argument */

static int by_size_decreasing(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    const placement_request *p = &sort_in->vms[a], *q = &sort_in->vms[b];
    if (p->memory_mib != q->memory_mib)
        return p->memory_mib > q->memory_mib ? -1 : 1;
    if (p->cpu_reservation_mhz != q->cpu_reservation_mhz)
        return p->cpu_reservation_mhz > q->cpu_reservation_mhz ? -1 : 1;
    return a < b ? -1 : a > b;
}

int64_t optimal_heuristic_place(optimal_heuristic h, const optimal_instance *in, int32_t *where)
{
    uint32_t nh = in->n_hosts ? in->n_hosts : 1, nv = in->n_vms ? in->n_vms : 1;
    placement_host_view *view = malloc((size_t)nh * sizeof *view);
    uint64_t *gpu = calloc(nh, sizeof *gpu);
    uint8_t *hidden = calloc(nh, 1);
    uint32_t *order = malloc((size_t)nv * sizeof *order);
    drs_rule_index idx = {0};
    if (!view || !gpu || !hidden || !order ||
        (in->n_rules && drs_rules_index_build(&idx, in->rules, in->n_rules, in->n_vms) != 0)) {
        free(view), free(gpu), free(hidden), free(order);
        return -1;
    }
    memcpy(view, in->hosts, (size_t)in->n_hosts * sizeof *view);
    for (uint32_t v = 0; v < in->n_vms; v++) {
        order[v] = v;
        where[v] = -1;
    }
    if (h == HEUR_FFD) {
        sort_in = in;
        qsort(order, in->n_vms, sizeof *order, by_size_decreasing);
    }
    /* trace pods carry their CPU request as a reservation (optimal_openb.c) */
    int by_request = 0;
    for (uint32_t v = 0; v < in->n_vms && !by_request; v++)
        by_request = in->vms[v].cpu_reservation_mhz > 0.0;
    const placement_choice first_fit = {.policy = &placement_first_fit};
    const placement_choice drs = {.policy = &drs_placement_policy};
    int64_t unplaced = 0;
    for (uint32_t i = 0; i < in->n_vms; i++) {
        uint32_t v = order[i];
        const placement_request *q = &in->vms[v];
        uint32_t gpu_v = in->vm_gpu_milli ? in->vm_gpu_milli[v] : 0;
        /* hide the hosts the GPUs or the rules exclude, as features mask */
        for (uint32_t k = 0; k < in->n_hosts; k++) {
            uint32_t cap = in->host_gpu_milli ? in->host_gpu_milli[k] : 0;
            int ok = view[k].usable && gpu[k] + gpu_v <= cap;
            if (ok && in->n_rules)
                ok = drs_rules_allow(in->rules, &idx, where, v, (int32_t)k, 0);
            for (uint32_t r = 0; ok && idx.offsets && r < idx.offsets[v + 1] - idx.offsets[v]; r++) {
                const drs_rule *rule = &in->rules[idx.rule_ids[idx.offsets[v] + r]];
                if (rule->kind != DRS_RULE_VM_HOST_MUST && rule->kind != DRS_RULE_VM_HOST_MUST_NOT)
                    continue;
                int listed = 0;
                for (uint32_t j = 0; j < rule->n_hosts && !listed; j++)
                    listed = rule->hosts[j] == k;
                ok = listed == (rule->kind == DRS_RULE_VM_HOST_MUST);
            }
            hidden[k] = view[k].usable && !ok;
            if (hidden[k])
                view[k].usable = 0;
        }
        int32_t chosen = -1;
        if (h == HEUR_FIRST_FIT || h == HEUR_FFD) {
            chosen = placement_choose(&first_fit, view, in->n_hosts, q, NULL);
        } else if (h == HEUR_DRS) {
            chosen = placement_choose(&drs, view, in->n_hosts, q, NULL);
        } else {
            int64_t best = -1;
            for (uint32_t k = 0; k < in->n_hosts; k++) {
                if (!placement_fits(&view[k], q))
                    continue;
                int64_t s = k8s_score(h, &view[k], q, by_request);
                if (s > best) {
                    best = s;
                    chosen = (int32_t)k;
                }
            }
        }
        for (uint32_t k = 0; k < in->n_hosts; k++)
            if (hidden[k])
                view[k].usable = 1;
        if (chosen < 0) {
            unplaced++;
            continue;
        }
        placement_host_view *hv = &view[chosen];
        hv->committed_memory_mib += q->memory_mib;
        hv->committed_cpu_mhz += q->cpu_mhz;
        hv->committed_sriov_vfs += q->sriov_vfs;
        hv->reserved_cpu_mhz += q->cpu_reservation_mhz;
        hv->reserved_memory_mib += q->memory_reservation_mib;
        gpu[chosen] += gpu_v;
        where[v] = chosen;
    }
    drs_rules_index_free(&idx);
    free(view), free(gpu), free(hidden), free(order);
    return unplaced;
}
