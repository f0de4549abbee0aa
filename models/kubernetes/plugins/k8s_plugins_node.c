/* k8s_plugins_node.c - the default plugins that look at one node's labels,
 * taints, name and images: NodeUnschedulable, NodeName, TaintToleration,
 * NodeAffinity, ImageLocality (pkg/scheduler/framework/plugins/<name>/). */
#include "models/kubernetes/plugins/k8s_plugins.h"

#include <string.h>

int k8s_pod_matches(const k8s_pod_spec *target, const char *ns, const k8s_selector *sel)
{
    return strcmp(target->namespace_, ns) == 0 && k8s_selector_matches(sel, &target->labels);
}

/* ---- NodeUnschedulable (nodeunschedulable/node_unschedulable.go: Filter) ---- */

static k8s_code unschedulable_filter(k8s_cycle *c, uint32_t node)
{
    const k8s_node *n = &c->snap->nodes[node];
    if (!n->unschedulable)
        return K8S_SUCCESS;
    k8s_taint t = {.key = K8S_TAINT_UNSCHEDULABLE, .effect = K8S_NO_SCHEDULE};
    return k8s_pod_tolerates(c->pod, &t) ? K8S_SUCCESS : K8S_UNSCHEDULABLE_UNRESOLVABLE;
}

const k8s_plugin k8s_plugin_node_unschedulable = {.name = "NodeUnschedulable", .filter = unschedulable_filter};

/* ---- NodeName (nodename/node_name.go: Fits) ---- */

static k8s_code node_name_filter(k8s_cycle *c, uint32_t node)
{
    if (c->pod->node_name[0] == '\0' || strcmp(c->pod->node_name, c->snap->nodes[node].name) == 0)
        return K8S_SUCCESS;
    return K8S_UNSCHEDULABLE_UNRESOLVABLE;
}

const k8s_plugin k8s_plugin_node_name = {.name = "NodeName", .filter = node_name_filter};

/* ---- TaintToleration (tainttoleration/taint_toleration.go) ---- */

/* Filter: the first NoSchedule/NoExecute taint not tolerated rejects the node
 * (v1helper.FindMatchingUntoleratedTaint). */
static k8s_code taint_filter(k8s_cycle *c, uint32_t node)
{
    const k8s_node *n = &c->snap->nodes[node];
    for (uint32_t i = 0; i < n->n_taints; i++) {
        const k8s_taint *t = &n->taints[i];
        if (t->effect != K8S_NO_SCHEDULE && t->effect != K8S_NO_EXECUTE)
            continue;
        if (!k8s_pod_tolerates(c->pod, t))
            return K8S_UNSCHEDULABLE_UNRESOLVABLE;
    }
    return K8S_SUCCESS;
}

/* Score: countIntolerableTaintsPreferNoSchedule with the pod's tolerations
 * whose effect is PreferNoSchedule or empty (getAllTolerationPreferNoSchedule). */
static int64_t taint_score(k8s_cycle *c, uint32_t node)
{
    const k8s_node *n = &c->snap->nodes[node];
    int64_t count = 0;
    for (uint32_t i = 0; i < n->n_taints; i++) {
        const k8s_taint *t = &n->taints[i];
        if (t->effect != K8S_PREFER_NO_SCHEDULE)
            continue;
        int tolerated = 0;
        for (uint32_t k = 0; k < c->pod->n_tolerations && !tolerated; k++) {
            const k8s_toleration *tol = &c->pod->tolerations[k];
            if (tol->effect != K8S_ANY_EFFECT && tol->effect != K8S_PREFER_NO_SCHEDULE)
                continue;
            tolerated = k8s_toleration_tolerates(tol, t);
        }
        count += !tolerated;
    }
    return count;
}

/* NormalizeScore: DefaultNormalizeScore(MaxNodeScore, reverse=true). */
static void taint_normalize(k8s_cycle *c, const uint32_t *nodes, int64_t *scores, uint32_t n)
{
    k8s_default_normalize_score(K8S_MAX_NODE_SCORE, 1, scores, n);
}

const k8s_plugin k8s_plugin_taint_toleration = {.name = "TaintToleration",
                                                .filter = taint_filter,
                                                .score = taint_score,
                                                .normalize_score = taint_normalize};

/* ---- NodeAffinity (nodeaffinity/node_affinity.go) ---- */

static k8s_code affinity_filter(k8s_cycle *c, uint32_t node)
{
    return k8s_node_matches_required_affinity(c->pod, &c->snap->nodes[node]) ? K8S_SUCCESS
                                                                            : K8S_UNSCHEDULABLE_UNRESOLVABLE;
}

static k8s_code affinity_pre_score(k8s_cycle *c, const uint32_t *nodes, uint32_t n)
{
    return c->pod->n_preferred_node_terms == 0 ? K8S_SKIP : K8S_SUCCESS;
}

/* Score: sum of the weights of the preferred terms the node matches
 * (nodeaffinity.PreferredSchedulingTerms.Score); an empty term matches nothing. */
static int64_t affinity_score(k8s_cycle *c, uint32_t node)
{
    const k8s_node *n = &c->snap->nodes[node];
    int64_t sum = 0;
    for (uint32_t i = 0; i < c->pod->n_preferred_node_terms; i++) {
        const k8s_preferred_node_term *t = &c->pod->preferred_node_terms[i];
        if (t->weight != 0 && t->match.n > 0 && k8s_selector_matches(&t->match, &n->labels))
            sum += t->weight;
    }
    return sum;
}

static void affinity_normalize(k8s_cycle *c, const uint32_t *nodes, int64_t *scores, uint32_t n)
{
    k8s_default_normalize_score(K8S_MAX_NODE_SCORE, 0, scores, n);
}

const k8s_plugin k8s_plugin_node_affinity = {.name = "NodeAffinity",
                                             .filter = affinity_filter,
                                             .pre_score = affinity_pre_score,
                                             .score = affinity_score,
                                             .normalize_score = affinity_normalize};

/* ---- ImageLocality (imagelocality/image_locality.go) ---- */

#define MB (1024LL * 1024)
#define MIN_THRESHOLD (23 * MB)
#define MAX_CONTAINER_THRESHOLD (1000 * MB)

static int node_has_image(const k8s_node *n, int32_t id)
{
    for (uint32_t i = 0; i < n->n_images; i++)
        if (n->images[i] == (uint32_t)id)
            return 1;
    return 0;
}

/* scaledImageScore: size x (nodes with the image / all nodes), truncated. */
static int64_t image_sum(const k8s_snapshot *s, const k8s_node *n, const k8s_container *cs, uint32_t nc)
{
    int64_t sum = 0;
    for (uint32_t i = 0; i < nc; i++) {
        if (cs[i].image[0] == '\0')
            continue;
        int32_t id = k8s_snapshot_find_image(s, cs[i].image);
        if (id < 0 || !node_has_image(n, id))
            continue;
        double spread = (double)s->images[id].num_nodes / (double)s->n_live; /* nodes in the cluster */
        sum += (int64_t)((double)s->images[id].size_bytes * spread);
    }
    return sum;
}

/* calculatePriority(sumScores, numContainers): clamp to
 * [23 MiB, 1000 MiB x containers], then 100 (sum - min) / (max - min). */
int64_t k8s_image_locality_score(const k8s_snapshot *s, const k8s_node *n, const k8s_pod_spec *pod)
{
    int64_t sum = image_sum(s, n, pod->init_containers, pod->n_init_containers) +
                  image_sum(s, n, pod->containers, pod->n_containers);
    int64_t num_containers = (int64_t)pod->n_init_containers + pod->n_containers;
    int64_t max_threshold = MAX_CONTAINER_THRESHOLD * num_containers;
    if (sum < MIN_THRESHOLD)
        sum = MIN_THRESHOLD;
    else if (sum > max_threshold)
        sum = max_threshold;
    if (max_threshold <= MIN_THRESHOLD)
        return 0;
    return K8S_MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max_threshold - MIN_THRESHOLD);
}

static int64_t image_score(k8s_cycle *c, uint32_t node)
{
    return k8s_image_locality_score(c->snap, &c->snap->nodes[node], c->pod);
}

const k8s_plugin k8s_plugin_image_locality = {.name = "ImageLocality", .score = image_score};
