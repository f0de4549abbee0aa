/* k8s_plugins_resources.c - NodeResourcesFit (filter + LeastAllocated /
 * MostAllocated / RequestedToCapacityRatio score) and
 * NodeResourcesBalancedAllocation.
 *
 * Sources (pkg/scheduler/framework/plugins/noderesources/):
 *   fit.go                          fitsRequest (Filter)
 *   resource_allocation.go          calculateResourceAllocatableRequest: CPU and
 *                                   memory use the node's non-zero requests
 *                                   (100m / 200MiB defaults) for Fit scoring and
 *                                   the plain requests for BalancedAllocation
 *                                   (useRequested); an extended resource the pod
 *                                   does not request is skipped
 *   least_allocated.go              leastResourceScorer, leastRequestedScore
 *   most_allocated.go               mostResourceScorer, mostRequestedScore
 *   requested_to_capacity_ratio.go  buildRequestedToCapacityRatioScorerFunction
 *   helper/shape_score.go           BuildBrokenLinearFunction
 *   balanced_allocation.go          balancedResourceScorer
 */
#include "models/kubernetes/plugins/k8s_plugins.h"

#include <math.h>

/* ---- Filter ---- */

static k8s_code fit_filter(k8s_cycle *c, uint32_t node)
{
    const k8s_node *n = &c->snap->nodes[node];
    if (n->n_pods + 1 > n->max_pods)
        return K8S_UNSCHEDULABLE; /* Too many pods */
    const k8s_resources *req = &c->pod_requests;
    for (int r = 0; r < K8S_NRES; r++) {
        if (req->v[r] > 0 && req->v[r] > n->allocatable.v[r] - n->requested.v[r])
            return K8S_UNSCHEDULABLE; /* Insufficient <resource> */
    }
    return K8S_SUCCESS;
}

/* ---- per-resource scorers ---- */

int64_t k8s_least_requested_score(int64_t requested, int64_t capacity)
{
    if (capacity == 0 || requested > capacity)
        return 0;
    return (capacity - requested) * K8S_MAX_NODE_SCORE / capacity;
}

int64_t k8s_most_requested_score(int64_t requested, int64_t capacity)
{
    if (capacity == 0)
        return 0;
    if (requested > capacity)
        requested = capacity;
    return requested * K8S_MAX_NODE_SCORE / capacity;
}

int64_t k8s_broken_linear(const k8s_shape_point *shape, uint32_t n, int64_t p)
{
    for (uint32_t i = 0; i < n; i++) {
        if (p <= shape[i].utilization) {
            if (i == 0)
                return shape[0].score;
            return shape[i - 1].score + (shape[i].score - shape[i - 1].score) * (p - shape[i - 1].utilization) /
                                            (shape[i].utilization - shape[i - 1].utilization);
        }
    }
    return shape[n - 1].score;
}

/* (allocatable, requested-with-pod) of one resource as the Fit scorers see it. */
static void fit_pair(const k8s_node *n, int r, const k8s_resources *pod_nonzero, int64_t *alloc, int64_t *req)
{
    *alloc = n->allocatable.v[r];
    switch (r) {
    case K8S_CPU:
        *req = n->nonzero_milli_cpu + pod_nonzero->v[K8S_CPU];
        break;
    case K8S_MEMORY:
        *req = n->nonzero_memory + pod_nonzero->v[K8S_MEMORY];
        break;
    case K8S_GPU: /* scalar resource: skipped when the pod does not request it */
        if (pod_nonzero->v[r] == 0) {
            *alloc = *req = 0;
            return;
        }
        *req = n->requested.v[r] + pod_nonzero->v[r];
        break;
    default:
        *req = n->requested.v[r] + pod_nonzero->v[r];
        break;
    }
}

int64_t k8s_fit_score(const k8s_fit_args *args, const k8s_node *n, const k8s_resources *pod_nonzero,
                      const k8s_resources *pod_requests)
{
    int64_t node_score = 0, weight_sum = 0;
    k8s_shape_point shape[K8S_MAX_SHAPE];
    /* requestedToCapacityRatioScorer: shape scores are 0..10, scaled to 0..100 */
    for (uint32_t i = 0; i < args->n_shape; i++) {
        shape[i].utilization = args->shape[i].utilization;
        shape[i].score = args->shape[i].score * (K8S_MAX_NODE_SCORE / 10);
    }
    for (int r = 0; r < K8S_NRES; r++) {
        int64_t w = args->weight[r];
        if (w == 0)
            continue;
        int64_t alloc, req;
        fit_pair(n, r, pod_nonzero, &alloc, &req);
        if (alloc == 0)
            continue;
        int64_t s;
        switch (args->type) {
        case K8S_LEAST_ALLOCATED:
            s = k8s_least_requested_score(req, alloc);
            break;
        case K8S_MOST_ALLOCATED:
            s = k8s_most_requested_score(req, alloc);
            break;
        default: {
            /* resourceScoringFunction: over-capacity counts as 100 % used;
             * scaledUtilization = requested x 100 / capacity, clamped. */
            int64_t u = req >= alloc ? 100 : (req <= 0 ? 0 : req * 100 / alloc);
            s = args->n_shape > 0 ? k8s_broken_linear(shape, args->n_shape, u) : 0;
            if (s <= 0)
                continue; /* the weight counts only for a positive score */
            break;
        }
        }
        node_score += s * w;
        weight_sum += w;
    }
    (void)pod_requests;
    if (weight_sum == 0)
        return 0;
    if (args->type == K8S_REQUESTED_TO_CAPACITY_RATIO)
        return (int64_t)round((double)node_score / (double)weight_sum);
    return node_score / weight_sum;
}

static int64_t fit_score(k8s_cycle *c, uint32_t node)
{
    return k8s_fit_score(&c->profile->fit, &c->snap->nodes[node], &c->pod_nonzero, &c->pod_requests);
}

const k8s_plugin k8s_plugin_node_resources_fit = {.name = "NodeResourcesFit", .filter = fit_filter, .score = fit_score};

/* ---- NodeResourcesBalancedAllocation ---- */

/* int((1 - std) x 100) of the fractions (requested + add) / allocatable,
 * each clamped to 1: the balance of the node with `add` on it. */
static int64_t balance_score(const int64_t *weight, const k8s_node *n, const k8s_resources *pod_requests,
                             int with_pod)
{
    double fractions[K8S_NRES], total = 0;
    int k = 0;
    for (int r = 0; r < K8S_NRES; r++) {
        if (weight[r] == 0)
            continue;
        int64_t alloc = n->allocatable.v[r];
        if (r == K8S_GPU && pod_requests->v[r] == 0)
            continue; /* scalar resource the pod does not request: (0, 0) */
        if (alloc == 0)
            continue;
        double f = (double)(n->requested.v[r] + (with_pod ? pod_requests->v[r] : 0)) / (double)alloc;
        if (f > 1)
            f = 1;
        total += f;
        fractions[k++] = f;
    }
    double std = 0;
    if (k == 2) {
        std = fabs((fractions[0] - fractions[1]) / 2);
    } else if (k > 2) {
        double mean = total / k, sum = 0;
        for (int i = 0; i < k; i++)
            sum += (fractions[i] - mean) * (fractions[i] - mean);
        std = sqrt(sum / k);
    }
    return (int64_t)((1 - std) * (double)K8S_MAX_NODE_SCORE);
}

/* Up to v1.35 the score is the balance with the pod. v1.36 (PR 135573,
 * balanced_allocation.go balancedResourceScorer) scores the change:
 * MaxNodeScore/2 + (MaxNodeScore/2 + with - without) / 2 in int64, so no
 * change gives 75, balanced -> fully unbalanced 50, the reverse 100. */
int64_t k8s_balanced_score(int32_t version, const int64_t *weight, const k8s_node *n,
                           const k8s_resources *pod_requests)
{
    int64_t with = balance_score(weight, n, pod_requests, 1);
    if (version < K8S_VERSION_1_36)
        return with;
    int64_t without = balance_score(weight, n, pod_requests, 0);
    return K8S_MAX_NODE_SCORE / 2 + (K8S_MAX_NODE_SCORE / 2 + with - without) / 2;
}

/* PreScore: best-effort pods (no request for any listed resource) are not
 * scored, so they do not all pile onto one node (issue 129138). */
static k8s_code balanced_pre_score(k8s_cycle *c, const uint32_t *nodes, uint32_t n)
{
    for (int r = 0; r < K8S_NRES; r++)
        if (c->profile->balanced_weight[r] != 0 && c->pod_requests.v[r] != 0)
            return K8S_SUCCESS;
    return K8S_SKIP;
}

static int64_t balanced_score(k8s_cycle *c, uint32_t node)
{
    return k8s_balanced_score(c->profile->version, c->profile->balanced_weight, &c->snap->nodes[node],
                              &c->pod_requests);
}

const k8s_plugin k8s_plugin_balanced_allocation = {.name = "NodeResourcesBalancedAllocation",
                                                   .pre_score = balanced_pre_score,
                                                   .score = balanced_score};
