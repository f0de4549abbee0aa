/* k8s_plugin_gpu_policies.c - the six GPU-sharing score plugins of Weng et
 * al. (ATC'23) with their GPU-selection step: Random, DotProduct,
 * GpuClustering, GpuPacking, BestFit and FGD. Formulas and sources in
 * docs/kubernetes-gpu.md (after the artifact hkust-adsl/kubernetes-scheduler-
 * simulator, pkg/simulator/plugin/ NAME_score.go; our own code).
 *
 * Each plugin scores a node (Score) and, once the framework has chosen the
 * node, picks the node's GPUs in Reserve (k8s_gpu_reserve): the GPU choice
 * is part of the policy. All need a snapshot with devices (k8s_gpu.h); on a
 * node without devices they score 0 and leave the default choice. */
#include "models/kubernetes/k8s_gpu.h"
#include "models/kubernetes/plugins/k8s_plugins.h"

#include <math.h>

#define MAX_SPEC_CPU 128000.0 /* artifact gpushareutils.MaxSpecCpu: normalisation, milli-CPU */
#define MAX_SPEC_GPU 8000     /* MaxSpecGpu: milli-GPU */

static int64_t cpu_free(const k8s_node *n) { return n->allocatable.v[K8S_CPU] - n->requested.v[K8S_CPU]; }

static const k8s_gpu_node *devices(k8s_cycle *c, uint32_t node, k8s_gpu_request *r)
{
    *r = k8s_gpu_request_of(c->pod);
    return k8s_gpu_node_of(c->snap, node);
}

/* ---- Random: every node ties (the framework picks uniformly among the
 * feasible nodes with the scheduler's stream, as RandomScore's PreScore
 * picks one with rand.Intn); the GPU is a uniform pick among the fitting
 * ones, hashed from the run's seed and the pod's uid [M]. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint16_t k8s_gpu_choose_random(const k8s_gpu_node *g, const k8s_gpu_request *r, uint64_t draw)
{
    if (g == NULL || !k8s_gpu_fits(g, r))
        return 0;
    uint16_t mask = 0;
    for (int32_t k = 0; k < r->num_gpu; k++) {
        uint32_t fit[K8S_GPU_MAX], n = 0;
        for (uint32_t i = 0; i < g->n_gpu; i++)
            if (!((mask >> i) & 1u) && g->free_milli[i] >= r->milli)
                fit[n++] = i;
        draw = splitmix64(draw);
        mask |= (uint16_t)(1u << fit[draw % n]);
    }
    return mask;
}

static int64_t random_score(k8s_cycle *c, uint32_t node)
{
    (void)c;
    (void)node;
    return 0;
}

static k8s_code random_reserve(k8s_cycle *c, uint32_t node)
{
    k8s_gpu_request r;
    const k8s_gpu_node *g = devices(c, node, &r);
    if (g && r.num_gpu > 0)
        k8s_gpu_reserve(c->snap, node, k8s_gpu_choose_random(g, &r, c->snap->gpu->seed ^ c->snap->next_uid));
    return K8S_SUCCESS;
}

/* ---- DotProduct (Tetris; dot_product_score.go with the artifact's
 * experiment settings: dimExtMethod "merge", normMethod "max", gpuSelMethod
 * "best"): free = (CPU left, all GPU milli left), request = (CPU, GPU milli
 * requested), both divided by (MaxSpecCpu, MaxSpecGpu); score =
 * int(100 x (1 - free . request / 2)); the GPUs by best fit. */
int64_t k8s_gpu_dot_product_score(int64_t cpu_free_milli, int64_t cpu_req, int64_t gpu_free_milli, int64_t gpu_req)
{
    double dot = ((double)cpu_free_milli / MAX_SPEC_CPU) * ((double)cpu_req / MAX_SPEC_CPU) +
                 ((double)gpu_free_milli / MAX_SPEC_GPU) * ((double)gpu_req / MAX_SPEC_GPU);
    return (int64_t)(K8S_MAX_NODE_SCORE * (1.0 - dot / 2));
}

static k8s_code best_fit_reserve(k8s_cycle *c, uint32_t node);

static int64_t dot_product_score(k8s_cycle *c, uint32_t node)
{
    k8s_gpu_request r;
    const k8s_gpu_node *g = devices(c, node, &r);
    return k8s_gpu_dot_product_score(cpu_free(&c->snap->nodes[node]), c->pod_requests.v[K8S_CPU],
                                     k8s_gpu_free_total(g), (int64_t)r.num_gpu * r.milli);
}

/* ---- GpuClustering: a node's affinities are the distinct GPU request
 * kinds of its GPU pods, "share" for every sharing pod and "N-gpu" for N
 * whole GPUs (GetGpuAffinityFromPodAnnotation); gpu_clustering_score.go:
 * 25 x (8000 - left) / 8000 plus 75 (only the pod's kind on the node), 50
 * (the pod's kind among others), 25 (no GPU pod), 0 (other kinds only). */
static int32_t affinity_kind(const k8s_gpu_request *r) { return r->milli < K8S_GPU_MILLI ? 0 : r->num_gpu; }

int64_t k8s_gpu_clustering_score(const k8s_snapshot *s, uint32_t node, const k8s_gpu_request *r)
{
    const k8s_gpu_node *g = k8s_gpu_node_of(s, node);
    if (r->num_gpu == 0 || g == NULL)
        return 0;
    const k8s_node *n = &s->nodes[node];
    int32_t kinds[K8S_GPU_MAX + 1]; /* share, 1-gpu .. 8-gpu */
    uint32_t n_kinds = 0;
    int same = 0;
    for (int32_t i = 0; i < n->n_pods; i++) {
        k8s_gpu_request q = k8s_gpu_request_of(s->pods[n->pod_slots[i]].spec);
        if (q.num_gpu == 0)
            continue;
        int32_t kind = affinity_kind(&q);
        same |= kind == affinity_kind(r);
        uint32_t k = 0;
        while (k < n_kinds && kinds[k] != kind)
            k++;
        if (k == n_kinds && n_kinds < K8S_GPU_MAX + 1)
            kinds[n_kinds++] = kind;
    }
    int64_t base = K8S_MAX_NODE_SCORE / 4 * (MAX_SPEC_GPU - k8s_gpu_free_total(g)) / MAX_SPEC_GPU;
    if (same)
        return base + (n_kinds == 1 ? K8S_MAX_NODE_SCORE * 3 / 4 : K8S_MAX_NODE_SCORE * 2 / 4);
    return base + (n_kinds == 0 ? K8S_MAX_NODE_SCORE / 4 : 0);
}

static int64_t clustering_score(k8s_cycle *c, uint32_t node)
{
    k8s_gpu_request r = k8s_gpu_request_of(c->pod);
    return k8s_gpu_clustering_score(c->snap, node, &r);
}

/* Best fit: the GPU choice of GpuClustering, GpuPacking and BestFit. */
static k8s_code best_fit_reserve(k8s_cycle *c, uint32_t node)
{
    k8s_gpu_request r;
    const k8s_gpu_node *g = devices(c, node, &r);
    if (g && r.num_gpu > 0)
        k8s_gpu_reserve(c->snap, node, k8s_gpu_choose_best_fit(g, &r));
    return K8S_SUCCESS;
}

/* ---- GpuPacking (gpu_packing_score.go): from high to low, use shared
 * GPUs (100 - sum of their free percent / 10, at least 50), use free GPUs
 * of a used node (50 - free GPUs used, at least 33), use an idle node
 * (33 - its GPUs, at least that number). GPUs: least left first. */
int64_t k8s_gpu_packing_score(const k8s_gpu_node *g, const k8s_gpu_request *r)
{
    if (r->num_gpu == 0 || g == NULL)
        return 0;
    uint32_t fully_free = 0;
    for (uint32_t i = 0; i < g->n_gpu; i++)
        fully_free += g->free_milli[i] == K8S_GPU_MILLI;
    if (fully_free == g->n_gpu) {
        int64_t s = K8S_MAX_NODE_SCORE / 3 - (int64_t)fully_free;
        return s > (int64_t)fully_free ? s : (int64_t)fully_free;
    }
    uint16_t mask = k8s_gpu_choose_best_fit(g, r);
    if (mask == 0)
        return 0;
    int64_t free_used = 0, pct = 0;
    for (uint32_t i = 0; i < g->n_gpu; i++)
        if ((mask >> i) & 1u) {
            free_used += g->free_milli[i] == K8S_GPU_MILLI;
            pct += (int64_t)g->free_milli[i] * 100 / K8S_GPU_MILLI;
        }
    if (free_used > 0) {
        int64_t s = K8S_MAX_NODE_SCORE / 2 - free_used;
        return s > K8S_MAX_NODE_SCORE / 3 ? s : K8S_MAX_NODE_SCORE / 3;
    }
    int64_t s = K8S_MAX_NODE_SCORE - pct / 10;
    return s > K8S_MAX_NODE_SCORE / 2 ? s : K8S_MAX_NODE_SCORE / 2;
}

static int64_t packing_score(k8s_cycle *c, uint32_t node)
{
    k8s_gpu_request r;
    const k8s_gpu_node *g = devices(c, node, &r);
    return k8s_gpu_packing_score(g, &r);
}

/* ---- BestFit (best_fit_score.go): 100 x (1 - (0.5 (cpu_free - cpu_req) /
 * 128000 + 0.5 (gpu_free - gpu_req) / 8000)), truncated, then min-max
 * normalised to [0, 100] over the feasible nodes (plugin_utils NormalizeScore). */
int64_t k8s_gpu_best_fit_raw(int64_t cpu_free_milli, int64_t cpu_req, int64_t gpu_free_milli, int64_t gpu_req)
{
    double s = 0.5 * (double)(cpu_free_milli - cpu_req) / MAX_SPEC_CPU +
               0.5 * (double)(gpu_free_milli - gpu_req) / MAX_SPEC_GPU;
    return (int64_t)((1.0 - s) * K8S_MAX_NODE_SCORE);
}

static int64_t best_fit_score(k8s_cycle *c, uint32_t node)
{
    k8s_gpu_request r;
    const k8s_gpu_node *g = devices(c, node, &r);
    return k8s_gpu_best_fit_raw(cpu_free(&c->snap->nodes[node]), c->pod_requests.v[K8S_CPU], k8s_gpu_free_total(g),
                                (int64_t)r.num_gpu * r.milli);
}

void k8s_gpu_min_max_normalize(int64_t *scores, uint32_t n)
{
    int64_t hi = INT64_MIN, lo = INT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
        hi = scores[i] > hi ? scores[i] : hi;
        lo = scores[i] < lo ? scores[i] : lo;
    }
    for (uint32_t i = 0; i < n; i++)
        scores[i] = hi == lo ? 0 : (scores[i] - lo) * K8S_MAX_NODE_SCORE / (hi - lo);
}

static void best_fit_normalize(k8s_cycle *c, const uint32_t *nodes, int64_t *scores, uint32_t n)
{
    (void)c;
    (void)nodes;
    k8s_gpu_min_max_normalize(scores, n);
}

/* ---- FGD (fgd_score.go): score = int(100 sigmoid((F(before) - F(after)) /
 * 1000)), F the node's fragmentation over the target workload (k8s_gpu.h);
 * a sharing pod tries each GPU with enough left and keeps the best (first
 * on ties); a multi-GPU pod takes the lowest-index free GPUs. */
static double node_frag(const k8s_snapshot *s, const k8s_gpu_node *g, int64_t cpu_free_milli)
{
    return k8s_gpu_node_frag(g, cpu_free_milli, s->gpu->types, s->gpu->n_types);
}

static int64_t fgd_of(double before, double after)
{
    return (int64_t)(K8S_MAX_NODE_SCORE / (1.0 + exp(-(before - after) / 1000.0)));
}

/* FGD score of the pod on node; its GPU choice in *mask. */
int64_t k8s_gpu_fgd_score(const k8s_snapshot *s, uint32_t node, const k8s_gpu_request *r, int64_t cpu_req,
                          uint16_t *mask)
{
    const k8s_gpu_node *g = k8s_gpu_node_of(s, node);
    *mask = 0;
    if (g == NULL)
        return 0;
    int64_t cpu = cpu_free(&s->nodes[node]);
    double before = k8s_gpu_node_frag_cached(s, node);
    if (r->num_gpu == 1 && r->milli < K8S_GPU_MILLI) {
        int64_t best = 0;
        for (uint32_t i = 0; i < g->n_gpu; i++) {
            if (g->free_milli[i] < r->milli)
                continue;
            int seen = 0; /* GPUs with the same free milli give the same result: the first one counts */
            for (uint32_t j = 0; j < i && !seen; j++)
                seen = g->free_milli[j] == g->free_milli[i];
            if (seen)
                continue;
            k8s_gpu_node after = k8s_gpu_after(g, (uint16_t)(1u << i), r->milli);
            int64_t sc = fgd_of(before, node_frag(s, &after, cpu - cpu_req));
            if (*mask == 0 || sc > best) {
                best = sc;
                *mask = (uint16_t)(1u << i);
            }
        }
        return best;
    }
    *mask = k8s_gpu_choose_best_fit(g, r); /* whole GPUs: lowest-index free ones; 0 for a CPU pod */
    k8s_gpu_node after = k8s_gpu_after(g, *mask, r->milli);
    return fgd_of(before, node_frag(s, &after, cpu - cpu_req));
}

static int64_t fgd_score(k8s_cycle *c, uint32_t node)
{
    k8s_gpu_request r = k8s_gpu_request_of(c->pod);
    uint16_t mask;
    return k8s_gpu_fgd_score(c->snap, node, &r, c->pod_requests.v[K8S_CPU], &mask);
}

static k8s_code fgd_reserve(k8s_cycle *c, uint32_t node)
{
    k8s_gpu_request r = k8s_gpu_request_of(c->pod);
    uint16_t mask;
    if (r.num_gpu > 0 && k8s_gpu_node_of(c->snap, node) != NULL) {
        k8s_gpu_fgd_score(c->snap, node, &r, c->pod_requests.v[K8S_CPU], &mask);
        k8s_gpu_reserve(c->snap, node, mask);
    }
    return K8S_SUCCESS;
}

static void gpu_unreserve(k8s_cycle *c, uint32_t node)
{
    (void)node;
    k8s_gpu_unreserve(c->snap);
}

#define GPU_DOC " (GPU-sharing policy of Weng et al., ATC'23; docs/kubernetes-gpu.md)."

const k8s_plugin k8s_plugin_gpu_random = {.name = "RandomScore", .score = random_score, .reserve = random_reserve,
                                          .unreserve = gpu_unreserve,
                                          .doc = "Random node and random fitting GPU" GPU_DOC};
const k8s_plugin k8s_plugin_gpu_dot_product = {.name = "DotProductScore", .score = dot_product_score,
                                               .reserve = best_fit_reserve, .unreserve = gpu_unreserve,
                                               .doc = "Tetris dot product of free and requested resources" GPU_DOC};
const k8s_plugin k8s_plugin_gpu_clustering = {.name = "GpuClusteringScore", .score = clustering_score,
                                              .reserve = best_fit_reserve, .unreserve = gpu_unreserve,
                                              .doc = "Group pods of the same GPU request on a node" GPU_DOC};
const k8s_plugin k8s_plugin_gpu_packing = {.name = "GpuPackingScore", .score = packing_score,
                                           .reserve = best_fit_reserve, .unreserve = gpu_unreserve,
                                           .doc = "Shared GPUs first, then used nodes, then idle nodes" GPU_DOC};
const k8s_plugin k8s_plugin_gpu_best_fit = {.name = "BestFitScore", .score = best_fit_score,
                                            .normalize_score = best_fit_normalize, .reserve = best_fit_reserve,
                                            .unreserve = gpu_unreserve,
                                            .doc = "Least CPU and GPU left after placing" GPU_DOC};
const k8s_plugin k8s_plugin_gpu_fgd = {.name = "FGDScore", .score = fgd_score, .reserve = fgd_reserve,
                                       .unreserve = gpu_unreserve,
                                       .doc = "Fragmentation gradient descent: least increase of expected GPU "
                                              "fragmentation" GPU_DOC};
