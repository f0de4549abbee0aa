/* k8s_gpu.c - GPUs as devices on Kubernetes nodes (see k8s_gpu.h). */
#include "models/kubernetes/k8s_gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/grow.h"

k8s_gpu_request k8s_gpu_request_of(const k8s_pod_spec *p)
{
    k8s_gpu_request r = {.num_gpu = 0, .milli = 0, .spec = p->gpu_spec};
    if (p->gpu_num > 0) {
        r.num_gpu = p->gpu_num;
        r.milli = p->gpu_milli > 0 ? p->gpu_milli : K8S_GPU_MILLI;
        return r;
    }
    int64_t t = k8s_pod_requests(p).v[K8S_GPU];
    if (t <= 0)
        return r;
    if (t < K8S_GPU_MILLI) {
        r.num_gpu = 1;
        r.milli = (int32_t)t;
    } else {
        r.num_gpu = (int32_t)((t + K8S_GPU_MILLI - 1) / K8S_GPU_MILLI);
        r.milli = K8S_GPU_MILLI;
    }
    return r;
}

int k8s_gpu_grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    return sim_grow(p, cap, need, elem, 16);
}

int k8s_gpu_enable(k8s_snapshot *s)
{
    if (s->gpu)
        return 0;
    s->gpu = calloc(1, sizeof *s->gpu);
    if (s->gpu == NULL)
        return -1;
    s->gpu->pending_node = -1;
    return 0;
}

void k8s_gpu_state_free(k8s_gpu_state *g)
{
    if (g == NULL)
        return;
    free(g->nodes);
    free(g->pod_mask);
    free(g->pod_node);
    free(g->types);
    free(g->frag);
    free(g->frag_ok);
    free(g);
}

int k8s_gpu_set_node(k8s_snapshot *s, uint32_t node, uint32_t n_gpu, const char *model)
{
    if (n_gpu > K8S_GPU_MAX || k8s_gpu_enable(s) != 0)
        return -1;
    k8s_gpu_state *g = s->gpu;
    if (node >= g->n_nodes) {
        uint32_t cap = g->nodes_cap;
        if (k8s_gpu_grow((void **)&g->nodes, &cap, node + 1, sizeof *g->nodes) != 0)
            return -1;
        cap = g->nodes_cap;
        if (k8s_gpu_grow((void **)&g->frag, &cap, node + 1, sizeof *g->frag) != 0)
            return -1;
        cap = g->nodes_cap;
        if (k8s_gpu_grow((void **)&g->frag_ok, &cap, node + 1, sizeof *g->frag_ok) != 0)
            return -1;
        g->nodes_cap = cap;
        memset(&g->nodes[g->n_nodes], 0, (node + 1 - g->n_nodes) * sizeof *g->nodes);
        g->n_nodes = node + 1;
    }
    g->frag_ok[node] = 0;
    k8s_gpu_node *d = &g->nodes[node];
    memset(d, 0, sizeof *d);
    d->n_gpu = n_gpu;
    snprintf(d->model, sizeof d->model, "%s", model ? model : "");
    for (uint32_t i = 0; i < n_gpu; i++)
        d->free_milli[i] = K8S_GPU_MILLI;
    return 0;
}

const k8s_gpu_node *k8s_gpu_node_of(const k8s_snapshot *s, uint32_t node)
{
    if (s->gpu == NULL || node >= s->gpu->n_nodes || s->gpu->nodes[node].n_gpu == 0)
        return NULL;
    return &s->gpu->nodes[node];
}

int k8s_gpu_spec_allows(const char *spec, const char *model)
{
    if (spec == NULL || spec[0] == '\0')
        return 1;
    size_t len = strlen(model);
    for (const char *p = spec;;) {
        const char *bar = strchr(p, '|');
        size_t tok = bar ? (size_t)(bar - p) : strlen(p);
        if (tok == len && strncmp(p, model, len) == 0)
            return 1;
        if (bar == NULL)
            return 0;
        p = bar + 1;
    }
}

uint32_t k8s_gpu_count_fitting(const k8s_gpu_node *g, int32_t milli)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->n_gpu; i++)
        n += g->free_milli[i] >= milli;
    return n;
}

int k8s_gpu_fits(const k8s_gpu_node *g, const k8s_gpu_request *r)
{
    if (r->num_gpu == 0)
        return 1;
    if (g == NULL || !k8s_gpu_spec_allows(r->spec, g->model))
        return 0;
    return k8s_gpu_count_fitting(g, r->milli) >= (uint32_t)r->num_gpu;
}

/* num_gpu fitting GPUs, least left first (sign +1) or most left first (-1). */
static uint16_t choose_by_left(const k8s_gpu_node *g, const k8s_gpu_request *r, int sign)
{
    if (g == NULL || !k8s_gpu_fits(g, r))
        return 0;
    uint16_t mask = 0;
    for (int32_t k = 0; k < r->num_gpu; k++) {
        int best = -1;
        for (uint32_t i = 0; i < g->n_gpu; i++) {
            if ((mask >> i) & 1u || g->free_milli[i] < r->milli)
                continue;
            if (best < 0 || sign * (g->free_milli[i] - g->free_milli[best]) < 0)
                best = (int)i;
        }
        mask |= (uint16_t)(1u << best);
    }
    return mask;
}

uint16_t k8s_gpu_choose_best_fit(const k8s_gpu_node *g, const k8s_gpu_request *r) { return choose_by_left(g, r, +1); }

uint16_t k8s_gpu_choose_worst_fit(const k8s_gpu_node *g, const k8s_gpu_request *r)
{
    return choose_by_left(g, r, -1);
}

k8s_gpu_node k8s_gpu_after(const k8s_gpu_node *g, uint16_t mask, int32_t milli)
{
    k8s_gpu_node out = *g;
    for (uint32_t i = 0; i < g->n_gpu; i++)
        if ((mask >> i) & 1u)
            out.free_milli[i] -= milli;
    return out;
}

void k8s_gpu_reserve(k8s_snapshot *s, uint32_t node, uint16_t mask)
{
    if (s->gpu == NULL)
        return;
    s->gpu->pending_node = (int32_t)node;
    s->gpu->pending_mask = mask;
}

void k8s_gpu_unreserve(k8s_snapshot *s)
{
    if (s->gpu)
        s->gpu->pending_node = -1;
}

uint16_t k8s_gpu_pod_mask(const k8s_snapshot *s, uint32_t slot)
{
    if (s->gpu == NULL || slot >= s->gpu->n_slots || s->gpu->pod_node[slot] < 0)
        return 0;
    return s->gpu->pod_mask[slot];
}

static void take(k8s_gpu_node *d, uint16_t mask, int32_t milli, int sign)
{
    for (uint32_t i = 0; i < d->n_gpu; i++)
        if ((mask >> i) & 1u)
            d->free_milli[i] -= sign * milli;
}

void k8s_gpu_on_link(k8s_snapshot *s, uint32_t slot, int32_t node)
{
    k8s_gpu_state *g = s->gpu;
    if (slot >= g->n_slots) {
        uint32_t cap = g->slots_cap;
        if (k8s_gpu_grow((void **)&g->pod_mask, &cap, slot + 1, sizeof *g->pod_mask) != 0)
            abort(); /* the snapshot aborts on out of memory too */
        cap = g->slots_cap;
        if (k8s_gpu_grow((void **)&g->pod_node, &cap, slot + 1, sizeof *g->pod_node) != 0)
            abort();
        g->slots_cap = cap;
        for (uint32_t i = g->n_slots; i <= slot; i++) {
            g->pod_mask[i] = 0;
            g->pod_node[i] = -1;
        }
        g->n_slots = slot + 1;
    }
    const k8s_pod *p = &s->pods[slot];
    k8s_gpu_request r = k8s_gpu_request_of(p->spec);
    uint16_t mask = 0;
    k8s_gpu_node *d = (uint32_t)node < g->n_nodes ? &g->nodes[node] : NULL;
    if (r.num_gpu > 0 && d != NULL && d->n_gpu > 0) {
        if (g->pending_node == node)
            mask = g->pending_mask; /* the policy's choice */
        else if (g->pod_node[slot] == node && g->pod_mask[slot] != 0)
            mask = g->pod_mask[slot]; /* re-attached where it was */
        else
            mask = k8s_gpu_choose_best_fit(d, &r);
        take(d, mask, r.milli, +1);
    }
    if ((uint32_t)node < g->n_nodes)
        g->frag_ok[node] = 0; /* its CPU or GPUs changed */
    g->pending_node = -1;
    g->pod_mask[slot] = mask;
    g->pod_node[slot] = node;
}

void k8s_gpu_on_unlink(k8s_snapshot *s, uint32_t slot)
{
    k8s_gpu_state *g = s->gpu;
    if (slot >= g->n_slots || g->pod_node[slot] < 0)
        return;
    int32_t node = g->pod_node[slot];
    if ((uint32_t)node < g->n_nodes)
        g->frag_ok[node] = 0;
    if ((uint32_t)node < g->n_nodes && g->pod_mask[slot] != 0)
        take(&g->nodes[node], g->pod_mask[slot], k8s_gpu_request_of(s->pods[slot].spec).milli, -1);
    /* keep mask and node: a re-attach to the same node takes them back */
}

int64_t k8s_gpu_free_total(const k8s_gpu_node *g)
{
    int64_t t = 0;
    for (uint32_t i = 0; g && i < g->n_gpu; i++)
        t += g->free_milli[i];
    return t;
}

int64_t k8s_gpu_frag_for_task(const k8s_gpu_node *g, int64_t cpu_free_milli, const k8s_gpu_task_type *t)
{
    int64_t free_total = k8s_gpu_free_total(g);
    if (t->num_gpu == 0 || g == NULL || g->n_gpu == 0)
        return free_total; /* a CPU task uses no GPU: all of it is idle to it (artifact: XL/XR) */
    k8s_gpu_request r = {.num_gpu = t->num_gpu, .milli = t->milli, .spec = t->spec};
    if (cpu_free_milli < t->cpu_milli || !k8s_gpu_fits(g, &r))
        return free_total; /* cannot run here: all unallocated GPU is fragmented for it */
    int64_t frag = 0;
    for (uint32_t i = 0; i < g->n_gpu; i++)
        if (g->free_milli[i] < t->milli)
            frag += g->free_milli[i];
    return frag;
}

/* The hot loop of FGD: k8s_gpu_frag_for_task for every type, with the
 * node's free total taken once and one pass over the GPUs per type
 * (counting those that fit and summing those that do not); the same
 * integers summed in the same order, so the same double. */
double k8s_gpu_node_frag(const k8s_gpu_node *g, int64_t cpu_free_milli, const k8s_gpu_task_type *types,
                         uint32_t n_types)
{
    int64_t free_total = k8s_gpu_free_total(g);
    uint32_t n_gpu = g ? g->n_gpu : 0;
    double f = 0;
    for (uint32_t k = 0; k < n_types; k++) {
        const k8s_gpu_task_type *t = &types[k];
        int64_t frag = free_total; /* CPU task, CPU short, model excluded, too few GPUs: all of it */
        if (t->num_gpu > 0 && n_gpu > 0 && cpu_free_milli >= t->cpu_milli && k8s_gpu_spec_allows(t->spec, g->model)) {
            uint32_t fitting = 0;
            int64_t too_small = 0;
            for (uint32_t i = 0; i < n_gpu; i++) {
                if (g->free_milli[i] >= t->milli)
                    fitting++;
                else
                    too_small += g->free_milli[i];
            }
            if (fitting >= (uint32_t)t->num_gpu)
                frag = too_small;
        }
        f += t->weight * (double)frag;
    }
    return f;
}

void k8s_gpu_unallocated_by_cause(const k8s_gpu_node *g, int64_t cpu_free_milli, const k8s_gpu_task_type *types,
                                  uint32_t n_types, double out[K8S_GPU_N_CAUSES])
{
    double left = (double)k8s_gpu_free_total(g);
    for (uint32_t k = 0; k < n_types; k++) {
        const k8s_gpu_task_type *t = &types[k];
        double w = t->weight;
        if (t->num_gpu == 0) {
            out[K8S_GPU_CPU_TASK] += w * left;
            continue;
        }
        if (g == NULL || !k8s_gpu_spec_allows(t->spec, g->model)) {
            out[K8S_GPU_NO_ACCESS] += w * left;
            continue;
        }
        int cpu_ok = cpu_free_milli >= t->cpu_milli;
        int gpu_ok = k8s_gpu_count_fitting(g, t->milli) >= (uint32_t)t->num_gpu;
        if (cpu_ok && gpu_ok) {
            double frag = (double)k8s_gpu_frag_for_task(g, cpu_free_milli, t);
            out[K8S_GPU_LACK_GPU] += w * frag;
            out[K8S_GPU_USABLE] += w * (left - frag);
        } else {
            out[!cpu_ok && !gpu_ok ? K8S_GPU_LACK_BOTH : cpu_ok ? K8S_GPU_LACK_GPU : K8S_GPU_LACK_CPU] += w * left;
        }
    }
}

void k8s_gpu_set_types(k8s_snapshot *s, k8s_gpu_task_type *types, uint32_t n_types)
{
    k8s_gpu_state *g = s->gpu;
    free(g->types);
    g->types = types;
    g->n_types = n_types;
    if (g->n_nodes)
        memset(g->frag_ok, 0, g->n_nodes * sizeof *g->frag_ok);
}

double k8s_gpu_node_frag_cached(const k8s_snapshot *s, uint32_t node)
{
    k8s_gpu_state *g = s->gpu;
    if (node >= g->n_nodes)
        return 0;
    if (!g->frag_ok[node]) {
        const k8s_node *n = &s->nodes[node];
        g->frag[node] = k8s_gpu_node_frag(&g->nodes[node], n->allocatable.v[K8S_CPU] - n->requested.v[K8S_CPU],
                                          g->types, g->n_types);
        g->frag_ok[node] = 1;
    }
    return g->frag[node];
}
