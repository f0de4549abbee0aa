/* k8s_framework.c - scheduling cycle, profiles, cycle state (see k8s_framework.h).
 *
 * Sources (kubernetes/kubernetes):
 *   pkg/scheduler/schedule_one.go      schedulePod, findNodesThatFitPod,
 *                                      findNodesThatPassFilters, numFeasibleNodesToFind,
 *                                      prioritizeNodes, selectHost
 *   pkg/scheduler/framework/runtime/framework.go  RunScorePlugins (weight x score)
 *   pkg/scheduler/apis/config/v1/default_plugins.go, defaults.go
 */
#include "models/kubernetes/k8s_framework.h"

#include "models/kubernetes/k8s_preemption.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* schedule_one.go constants */
#define MIN_FEASIBLE_NODES_TO_FIND 100
#define MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND 5

/* ---- arena ---- */

struct k8s_arena_block {
    struct k8s_arena_block *next;
    max_align_t align_;
};

void *k8s_cycle_alloc(k8s_cycle *c, size_t bytes)
{
    struct k8s_arena_block *b = calloc(1, sizeof *b + bytes);
    if (b == NULL)
        abort();
    b->next = c->arena;
    c->arena = b;
    return (void *)(b + 1);
}

void **k8s_cycle_state(k8s_cycle *c) { return &c->state[c->self]; }

const void *k8s_cycle_args(const k8s_cycle *c)
{
    const k8s_plugin_config *pc = &c->profile->plugins[c->self];
    return pc->has_scenario_args ? (const void *)pc->scenario_args.bytes : pc->args;
}

void k8s_cycle_init(k8s_cycle *c, k8s_snapshot *snap, const k8s_profile *prof, const k8s_pod_spec *pod)
{
    memset(c, 0, sizeof *c);
    c->snap = snap;
    c->profile = prof;
    c->pod = pod;
    c->pod_requests = k8s_pod_requests(pod);
    c->pod_nonzero = k8s_pod_nonzero_requests(pod);
}

void k8s_cycle_free(k8s_cycle *c)
{
    struct k8s_arena_block *b = c->arena;
    while (b != NULL) {
        struct k8s_arena_block *next = b->next;
        free(b);
        b = next;
    }
    c->arena = NULL;
}

/* ---- topology maps: node -> domain id, by hashing label values ---- */

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

const k8s_topo_map *k8s_cycle_topology(k8s_cycle *c, const char *key)
{
    for (uint32_t i = 0; i < c->n_topo; i++)
        if (strcmp(c->topo[i].key, key) == 0)
            return &c->topo[i];
    if (c->n_topo == K8S_MAX_TOPO_KEYS)
        abort(); /* more distinct topology keys in one pod's rules than any real config uses */
    const k8s_snapshot *s = c->snap;
    k8s_topo_map *m = &c->topo[c->n_topo++];
    strncpy(m->key, key, K8S_STR - 1);
    m->domain = k8s_cycle_alloc(c, (s->n_nodes + 1) * sizeof *m->domain);
    uint32_t size = 16;
    while (size < 2 * s->n_nodes)
        size *= 2;
    const char **slot_value = k8s_cycle_alloc(c, size * sizeof *slot_value);
    int32_t *slot_domain = k8s_cycle_alloc(c, size * sizeof *slot_domain);
    for (uint32_t n = 0; n < s->n_nodes; n++)
        m->domain[n] = -1; /* nodes out of the cluster belong to no domain */
    for (uint32_t k = 0; k < s->n_live; k++) {
        uint32_t n = s->live[k];
        const char *v = k8s_labels_get(&s->nodes[n].labels, key);
        if (v == NULL)
            continue;
        uint32_t h = (uint32_t)fnv1a(v) & (size - 1);
        while (slot_value[h] != NULL && strcmp(slot_value[h], v) != 0)
            h = (h + 1) & (size - 1);
        if (slot_value[h] == NULL) {
            slot_value[h] = v;
            slot_domain[h] = (int32_t)m->n_domains++;
        }
        m->domain[n] = slot_domain[h];
    }
    return m;
}

/* ---- profiles ---- */

int32_t k8s_profile_find(const k8s_profile *p, const char *name)
{
    for (uint32_t i = 0; i < p->n_plugins; i++)
        if (strcmp(p->plugins[i].plugin->name, name) == 0)
            return (int32_t)i;
    return -1;
}

int k8s_profile_enable(k8s_profile *p, const char *name, int32_t weight, const void *args)
{
    const k8s_plugin *pl = k8s_plugin_lookup(name);
    if (pl == NULL)
        return -1;
    int32_t i = k8s_profile_find(p, name);
    if (i >= 0) {
        p->plugins[i].weight = weight;
        p->plugins[i].args = args;
        p->plugins[i].has_scenario_args = 0;
        return 0;
    }
    if (p->n_plugins == K8S_MAX_PLUGINS)
        return -2;
    p->plugins[p->n_plugins++] = (k8s_plugin_config){.plugin = pl, .weight = weight, .args = args};
    return 0;
}

int k8s_profile_disable(k8s_profile *p, const char *name)
{
    int32_t i = k8s_profile_find(p, name);
    if (i < 0)
        return -1;
    memmove(&p->plugins[i], &p->plugins[i + 1], (p->n_plugins - (uint32_t)i - 1) * sizeof p->plugins[0]);
    p->n_plugins--;
    return 0;
}

void k8s_profile_empty(k8s_profile *p)
{
    memset(p, 0, sizeof *p);
    strcpy(p->scheduler_name, "default-scheduler");
    p->version = K8S_VERSION_NEWEST;
    /* NodeResourcesFitArgs default: LeastAllocated, cpu 1, memory 1 (defaults.go) */
    p->fit.type = K8S_LEAST_ALLOCATED;
    p->fit.weight[K8S_CPU] = 1;
    p->fit.weight[K8S_MEMORY] = 1;
    p->balanced_weight[K8S_CPU] = 1;
    p->balanced_weight[K8S_MEMORY] = 1;
    p->hard_pod_affinity_weight = 1;
    p->min_candidate_nodes_percentage = 10;
    p->min_candidate_nodes_absolute = 100;
    /* Modelled latencies, not measured: see docs/kubernetes.md "Scheduling cost". */
    p->cost.base_ns = 200000;
    p->cost.filter_per_node_plugin_ns = 1000;
    p->cost.score_per_node_plugin_ns = 2000;
    p->cost.preempt_per_node_ns = 20000;
}

void k8s_profile_default(k8s_profile *p)
{
    k8s_profile_empty(p);
    /* MultiPoint order and weights of getDefaultPlugins (default_plugins.go).
     * PrioritySort lives in the queue, NodePorts and the volume plugins are not
     * modelled (pods here have no host ports or volumes). */
    k8s_profile_enable(p, "NodeUnschedulable", 0, NULL);
    k8s_profile_enable(p, "NodeName", 0, NULL);
    k8s_profile_enable(p, "TaintToleration", 3, NULL);
    k8s_profile_enable(p, "NodeAffinity", 2, NULL);
    k8s_profile_enable(p, "NodeResourcesFit", 1, NULL);
    k8s_profile_enable(p, "PodTopologySpread", 2, NULL);
    k8s_profile_enable(p, "InterPodAffinity", 2, NULL);
    k8s_profile_enable(p, "NodeResourcesBalancedAllocation", 1, NULL);
    k8s_profile_enable(p, "ImageLocality", 1, NULL);
    p->preemption = 1; /* DefaultPreemption */
}

/* ---- helpers ---- */

void k8s_default_normalize_score(int64_t max_priority, int reverse, int64_t *scores, uint32_t n)
{
    int64_t max_count = 0;
    for (uint32_t i = 0; i < n; i++)
        if (scores[i] > max_count)
            max_count = scores[i];
    if (max_count == 0) {
        if (reverse)
            for (uint32_t i = 0; i < n; i++)
                scores[i] = max_priority;
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        int64_t s = max_priority * scores[i] / max_count;
        scores[i] = reverse ? max_priority - s : s;
    }
}

uint32_t k8s_num_feasible_nodes_to_find(int32_t percentage, uint32_t n_nodes)
{
    if (n_nodes < MIN_FEASIBLE_NODES_TO_FIND)
        return n_nodes;
    int32_t pct = percentage;
    if (pct == 0) {
        pct = 50 - (int32_t)(n_nodes / 125);
        if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
            pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
    }
    /* numAllNodes * percentage / 100 in int32: fine up to 21 million nodes */
    uint32_t num = (uint32_t)((int64_t)n_nodes * pct / 100);
    if (num < MIN_FEASIBLE_NODES_TO_FIND)
        return MIN_FEASIBLE_NODES_TO_FIND;
    return num; /* pct >= 100 gives n_nodes or more; the search stops at n_nodes anyway */
}

/* ---- running extension points ---- */

k8s_code k8s_run_pre_filter(k8s_cycle *c, const char **failed_plugin)
{
    for (uint32_t i = 0; i < c->profile->n_plugins; i++) {
        const k8s_plugin *pl = c->profile->plugins[i].plugin;
        if (pl->pre_filter == NULL)
            continue;
        c->self = i;
        k8s_code code = pl->pre_filter(c);
        if (code != K8S_SUCCESS && code != K8S_SKIP) {
            if (failed_plugin)
                *failed_plugin = pl->name;
            return code;
        }
    }
    return K8S_SUCCESS;
}

k8s_code k8s_run_filters(k8s_cycle *c, uint32_t node, const char **failed_plugin)
{
    for (uint32_t i = 0; i < c->profile->n_plugins; i++) {
        const k8s_plugin *pl = c->profile->plugins[i].plugin;
        if (pl->filter == NULL)
            continue;
        c->self = i;
        k8s_code code = pl->filter(c, node);
        if (code != K8S_SUCCESS) {
            if (failed_plugin)
                *failed_plugin = pl->name;
            return code;
        }
    }
    return K8S_SUCCESS;
}

void k8s_cycle_remove_pod(k8s_cycle *c, uint32_t slot)
{
    /* Extensions see the pod while it is still placed, then it leaves. */
    for (uint32_t i = 0; i < c->profile->n_plugins; i++) {
        const k8s_plugin *pl = c->profile->plugins[i].plugin;
        if (pl->pre_filter_remove_pod != NULL && c->state[i] != NULL) {
            c->self = i;
            pl->pre_filter_remove_pod(c, slot);
        }
    }
    k8s_snapshot_detach_pod(c->snap, slot);
}

void k8s_cycle_add_pod(k8s_cycle *c, uint32_t slot, int32_t node)
{
    k8s_snapshot_attach_pod(c->snap, slot, node);
    for (uint32_t i = 0; i < c->profile->n_plugins; i++) {
        const k8s_plugin *pl = c->profile->plugins[i].plugin;
        if (pl->pre_filter_add_pod != NULL && c->state[i] != NULL) {
            c->self = i;
            pl->pre_filter_add_pod(c, slot);
        }
    }
}

int k8s_pod_fits(const k8s_profile *prof, k8s_snapshot *snap, const k8s_pod_spec *pod, uint32_t node)
{
    k8s_cycle c;
    k8s_cycle_init(&c, snap, prof, pod);
    int ok = k8s_run_pre_filter(&c, NULL) == K8S_SUCCESS && k8s_run_filters(&c, node, NULL) == K8S_SUCCESS;
    k8s_cycle_free(&c);
    return ok;
}

static int has_score_plugins(const k8s_profile *p)
{
    for (uint32_t i = 0; i < p->n_plugins; i++)
        if (p->plugins[i].plugin->score != NULL)
            return 1;
    return 0;
}

static uint32_t count_plugins(const k8s_profile *p, int filters)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->n_plugins; i++)
        n += filters ? p->plugins[i].plugin->filter != NULL : p->plugins[i].plugin->score != NULL;
    return n;
}

/* prioritizeNodes: total[i] = sum over score plugins of weight x normalized
 * score. A score outside [0, 100] after NormalizeScore is an error, as in
 * RunScorePlugins; the offending plugin is returned, else NULL. */
static const char *prioritize(k8s_cycle *c, const uint32_t *nodes, uint32_t n, int64_t *total)
{
    int64_t *scores = k8s_cycle_alloc(c, n * sizeof *scores);
    memset(total, 0, n * sizeof *total);
    c->feasible = nodes;
    c->n_feasible = n;
    const k8s_profile *p = c->profile;
    int skipped[K8S_MAX_PLUGINS] = {0};
    for (uint32_t i = 0; i < p->n_plugins; i++) {
        const k8s_plugin *pl = p->plugins[i].plugin;
        if (pl->pre_score == NULL)
            continue;
        c->self = i;
        if (pl->pre_score(c, nodes, n) == K8S_SKIP)
            skipped[i] = 1;
    }
    for (uint32_t i = 0; i < p->n_plugins; i++) {
        const k8s_plugin *pl = p->plugins[i].plugin;
        if (pl->score == NULL || skipped[i])
            continue;
        c->self = i;
        for (uint32_t k = 0; k < n; k++)
            scores[k] = pl->score(c, nodes[k]);
        if (pl->normalize_score != NULL)
            pl->normalize_score(c, nodes, scores, n);
        for (uint32_t k = 0; k < n; k++) {
            if (scores[k] < 0 || scores[k] > K8S_MAX_NODE_SCORE)
                return pl->name;
            total[k] += scores[k] * p->plugins[i].weight;
        }
    }
    return NULL;
}

/* selectHost: the highest total; ties replaced with probability 1/cnt as the
 * list is walked (reservoir sampling), so each tied node wins with 1/ties.
 * With a tie_rank (k8s_profile) the tied node of lowest rank wins instead. */
static uint32_t select_host_ranked(const int64_t *total, const uint32_t *nodes, uint32_t n, const uint32_t *rank)
{
    uint32_t selected = 0;
    for (uint32_t i = 1; i < n; i++)
        if (total[i] > total[selected] || (total[i] == total[selected] && rank[nodes[i]] < rank[nodes[selected]]))
            selected = i;
    return selected;
}

static uint32_t select_host(const int64_t *total, uint32_t n, gsl_rng *rng)
{
    uint32_t selected = 0;
    int64_t max = total[0];
    unsigned long cnt = 1;
    for (uint32_t i = 1; i < n; i++) {
        if (total[i] > max) {
            max = total[i];
            selected = i;
            cnt = 1;
        } else if (total[i] == max) {
            cnt++;
            if (gsl_rng_uniform_int(rng, cnt) == 0)
                selected = i;
        }
    }
    return selected;
}

void k8s_schedule_result_free(k8s_schedule_result *r)
{
    free(r->victims);
    r->victims = NULL;
    r->n_victims = 0;
}

void k8s_schedule_pod(k8s_scheduler *sched, const k8s_profile *prof, k8s_snapshot *snap,
                      const k8s_pod_spec *pod, gsl_rng *rng, k8s_schedule_result *out)
{
    memset(out, 0, sizeof *out);
    out->node = -1;
    out->nominated_node = -1;
    out->code = K8S_UNSCHEDULABLE;
    const k8s_cost_params *cost = &prof->cost;
    out->cost_ns = cost->base_ns;
    uint32_t n_all = snap->n_live; /* the nodes in the cluster */
    if (n_all == 0) {
        out->code = K8S_UNSCHEDULABLE_UNRESOLVABLE; /* ErrNoNodesAvailable */
        return;
    }

    k8s_cycle c;
    k8s_cycle_init(&c, snap, prof, pod);
    k8s_code *status = k8s_cycle_alloc(&c, snap->n_nodes * sizeof *status); /* per node; SUCCESS = not evaluated/feasible */
    uint32_t *feasible = k8s_cycle_alloc(&c, n_all * sizeof *feasible);
    uint32_t n_feasible = 0, n_failed = 0;

    k8s_code pre = k8s_run_pre_filter(&c, &out->failed_plugin);
    if (pre != K8S_SUCCESS) {
        /* PreFilter rejection marks every node with the same status. */
        for (uint32_t i = 0; i < n_all; i++)
            status[snap->live[i]] = pre;
        n_failed = n_all;
        out->code = pre;
    } else {
        uint32_t to_find = k8s_num_feasible_nodes_to_find(prof->percentage_of_nodes_to_score, n_all);
        if (!has_score_plugins(prof))
            to_find = 1;
        for (uint32_t i = 0; i < n_all && n_feasible < to_find; i++) {
            uint32_t node = snap->live[(sched->next_start_node_index + i) % n_all];
            const char *failed = NULL;
            k8s_code code = k8s_run_filters(&c, node, &failed);
            if (code == K8S_SUCCESS) {
                feasible[n_feasible++] = node;
            } else {
                status[node] = code;
                n_failed++;
                if (out->failed_plugin == NULL)
                    out->failed_plugin = failed;
            }
        }
        sched->next_start_node_index = (sched->next_start_node_index + n_feasible + n_failed) % n_all;
        out->cost_ns += cost->filter_per_node_plugin_ns * (int64_t)(n_feasible + n_failed) *
                        (int64_t)count_plugins(prof, 1);
    }
    out->evaluated_nodes = n_feasible + n_failed;
    out->feasible_nodes = n_feasible;

    if (n_feasible == 0) {
        if (pre == K8S_SUCCESS)
            out->code = K8S_UNSCHEDULABLE;
        if (prof->preemption) {
            uint32_t tried = 0;
            k8s_preempt(&c, status, rng, out, &tried);
            out->cost_ns += cost->preempt_per_node_ns * (int64_t)tried;
        }
        k8s_cycle_free(&c);
        return;
    }
    if (n_feasible == 1) {
        out->node = (int32_t)feasible[0];
        out->code = K8S_SUCCESS;
        k8s_cycle_free(&c);
        return;
    }
    int64_t *total = k8s_cycle_alloc(&c, n_feasible * sizeof *total);
    const char *bad = prioritize(&c, feasible, n_feasible, total);
    out->cost_ns += cost->score_per_node_plugin_ns * (int64_t)n_feasible * (int64_t)count_plugins(prof, 0);
    if (bad != NULL) {
        out->code = K8S_ERROR; /* "plugin X returns an invalid score" */
        out->failed_plugin = bad;
        k8s_cycle_free(&c);
        return;
    }
    uint32_t best = prof->tie_rank ? select_host_ranked(total, feasible, n_feasible, prof->tie_rank)
                                   : select_host(total, n_feasible, rng);
    out->node = (int32_t)feasible[best];
    out->total_score = total[best];
    out->scored_nodes = n_feasible;
    out->code = K8S_SUCCESS;
    k8s_cycle_free(&c);
}

int32_t k8s_bind(const k8s_profile *prof, k8s_snapshot *snap, const k8s_pod_spec *pod, uint32_t node,
                 int64_t now_ns)
{
    k8s_cycle c;
    k8s_cycle_init(&c, snap, prof, pod);
    for (uint32_t i = 0; i < prof->n_plugins; i++) {
        const k8s_plugin *pl = prof->plugins[i].plugin;
        if (pl->reserve == NULL)
            continue;
        c.self = i;
        if (pl->reserve(&c, node) != K8S_SUCCESS) {
            /* RunReservePluginsUnreserve: every reserve plugin, in reverse order */
            for (uint32_t j = prof->n_plugins; j-- > 0;)
                if (prof->plugins[j].plugin->unreserve != NULL) {
                    c.self = j;
                    prof->plugins[j].plugin->unreserve(&c, node);
                }
            k8s_cycle_free(&c);
            return -1;
        }
    }
    k8s_cycle_free(&c);
    /* DefaultBinder: the pod is bound to the node. */
    return k8s_snapshot_add_pod(snap, pod, (int32_t)node, now_ns);
}
