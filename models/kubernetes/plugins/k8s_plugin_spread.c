/* k8s_plugin_spread.c - PodTopologySpread (pkg/scheduler/framework/plugins/
 * podtopologyspread/: filtering.go, scoring.go, plugin.go).
 *
 * Filter (DoNotSchedule constraints): for each constraint, on a node whose
 * domain holds matchNum matching pods,
 *     skew = matchNum + selfMatch - min over eligible domains of matchNum
 * must be <= maxSkew. Eligible nodes pass the pod's required node affinity
 * (nodeAffinityPolicy Honor) and carry every constraint's key; taints are
 * ignored (nodeTaintsPolicy Ignore). minDomains and matchLabelKeys are not
 * modelled.
 *
 * Score (ScheduleAnyway constraints, or the system defaults {hostname, maxSkew
 * 3} and {zone, maxSkew 5} for a pod with no constraints owned by a
 * ReplicaSet, StatefulSet or ReplicationController):
 *     raw(node) = round( sum_c cnt_c(domain) x ln(size_c + 2) + (maxSkew_c - 1) )
 * with size_c the number of domains among the filtered nodes (filtered nodes
 * for hostname), then NormalizeScore
 *     s = 100 (max + min - raw) / max   (ignored nodes 0; all 100 if max = 0).
 * The default constraints select the pods of the same owner, as the
 * ReplicaSet selector built by buildDefaultConstraints does; a pod no such
 * controller selects (a Job's, a bare pod) gets none: common.go
 * buildDefaultConstraints returns nothing for an empty helper.DefaultSelector.
 * Only the nodes in the cluster (k8s_snapshot.live) count as domains.
 */
#include "models/kubernetes/plugins/k8s_plugins.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct constraint {
    int32_t max_skew;
    const char *key;
    const k8s_selector *match; /* NULL: pods with the incoming pod's owner */
    const k8s_topo_map *topo;
    int hostname;
} constraint;

static int counts_pod(const constraint *k, const k8s_pod_spec *in, const k8s_pod_spec *other)
{
    if (strcmp(other->namespace_, in->namespace_) != 0)
        return 0;
    if (k->match == NULL)
        return strcmp(other->owner, in->owner) == 0;
    return k8s_selector_matches(k->match, &other->labels);
}

static int64_t count_on_node(const k8s_snapshot *s, uint32_t node, const constraint *k, const k8s_pod_spec *in)
{
    const k8s_node *n = &s->nodes[node];
    int64_t cnt = 0;
    for (int32_t i = 0; i < n->n_pods; i++)
        cnt += counts_pod(k, in, s->pods[n->pod_slots[i]].spec);
    return cnt;
}

static int node_has_all_keys(const constraint *ks, uint32_t nk, uint32_t node)
{
    for (uint32_t i = 0; i < nk; i++)
        if (ks[i].topo->domain[node] < 0)
            return 0;
    return 1;
}

/* ---- Filter ---- */

typedef struct filter_state {
    uint32_t n;
    constraint c[K8S_MAX_SPREAD];
    int64_t *count[K8S_MAX_SPREAD];   /* per domain */
    uint8_t *present[K8S_MAX_SPREAD]; /* domain of some eligible node */
    int64_t min[K8S_MAX_SPREAD];
    int dirty;
    uint8_t *eligible;                /* per node */
} filter_state;

static k8s_code spread_pre_filter(k8s_cycle *c)
{
    const k8s_pod_spec *p = c->pod;
    constraint ks[K8S_MAX_SPREAD];
    uint32_t nk = 0;
    for (uint32_t i = 0; i < p->n_spread; i++) {
        if (p->spread[i].when_unsatisfiable != K8S_DO_NOT_SCHEDULE)
            continue;
        ks[nk].max_skew = p->spread[i].max_skew;
        ks[nk].key = p->spread[i].topology_key;
        ks[nk].match = &p->spread[i].match;
        ks[nk].topo = k8s_cycle_topology(c, ks[nk].key);
        ks[nk].hostname = 0; /* filtering treats every key alike */
        nk++;
    }
    if (nk == 0)
        return K8S_SKIP;
    const k8s_snapshot *s = c->snap;
    filter_state *st = k8s_cycle_alloc(c, sizeof *st);
    st->n = nk;
    st->eligible = k8s_cycle_alloc(c, s->n_nodes + 1);
    for (uint32_t i = 0; i < nk; i++) {
        st->c[i] = ks[i];
        st->count[i] = k8s_cycle_alloc(c, (ks[i].topo->n_domains + 1) * sizeof(int64_t));
        st->present[i] = k8s_cycle_alloc(c, ks[i].topo->n_domains + 1);
    }
    for (uint32_t k = 0; k < s->n_live; k++) {
        uint32_t node = s->live[k];
        if (!k8s_node_matches_required_affinity(p, &s->nodes[node]) || !node_has_all_keys(ks, nk, node))
            continue;
        st->eligible[node] = 1;
        for (uint32_t i = 0; i < nk; i++) {
            int32_t d = ks[i].topo->domain[node];
            st->present[i][d] = 1;
            st->count[i][d] += count_on_node(s, node, &ks[i], p);
        }
    }
    st->dirty = 1;
    *k8s_cycle_state(c) = st;
    return K8S_SUCCESS;
}

static void refresh_min(filter_state *st)
{
    for (uint32_t i = 0; i < st->n; i++) {
        int64_t m = INT32_MAX; /* no eligible domain: every skew is negative */
        for (uint32_t d = 0; d < st->c[i].topo->n_domains; d++)
            if (st->present[i][d] && st->count[i][d] < m)
                m = st->count[i][d];
        st->min[i] = m;
    }
    st->dirty = 0;
}

static void spread_update(k8s_cycle *c, uint32_t slot, int64_t delta)
{
    filter_state *st = *k8s_cycle_state(c);
    const k8s_pod *pod = &c->snap->pods[slot];
    if (st == NULL || pod->node < 0 || !st->eligible[pod->node])
        return;
    for (uint32_t i = 0; i < st->n; i++)
        if (counts_pod(&st->c[i], c->pod, pod->spec)) {
            st->count[i][st->c[i].topo->domain[pod->node]] += delta;
            st->dirty = 1;
        }
}

static void spread_add_pod(k8s_cycle *c, uint32_t slot) { spread_update(c, slot, +1); }
static void spread_remove_pod(k8s_cycle *c, uint32_t slot) { spread_update(c, slot, -1); }

static k8s_code spread_filter(k8s_cycle *c, uint32_t node)
{
    filter_state *st = *k8s_cycle_state(c);
    if (st == NULL)
        return K8S_SUCCESS;
    if (st->dirty)
        refresh_min(st);
    for (uint32_t i = 0; i < st->n; i++) {
        int32_t d = st->c[i].topo->domain[node];
        if (d < 0)
            return K8S_UNSCHEDULABLE_UNRESOLVABLE; /* node(s) didn't match pod topology spread constraints (missing required label) */
        int64_t self = k8s_selector_matches(st->c[i].match, &c->pod->labels) ? 1 : 0;
        int64_t match = st->present[i][d] ? st->count[i][d] : 0;
        if (match + self - st->min[i] > st->c[i].max_skew)
            return K8S_UNSCHEDULABLE;
    }
    return K8S_SUCCESS;
}

/* ---- Score ---- */

typedef struct score_state {
    uint32_t n;
    constraint c[K8S_MAX_SPREAD];
    int64_t *count[K8S_MAX_SPREAD]; /* per domain (not used for hostname) */
    double weight[K8S_MAX_SPREAD];  /* topologyNormalizingWeight = ln(size + 2) */
    uint8_t *ignored;               /* per node */
} score_state;

static k8s_code spread_pre_score(k8s_cycle *c, const uint32_t *nodes, uint32_t n_nodes)
{
    const k8s_pod_spec *p = c->pod;
    const k8s_snapshot *s = c->snap;
    constraint ks[K8S_MAX_SPREAD];
    uint32_t nk = 0;
    int require_all = p->n_spread > 0;
    if (p->n_spread > 0) {
        for (uint32_t i = 0; i < p->n_spread; i++) {
            if (p->spread[i].when_unsatisfiable != K8S_SCHEDULE_ANYWAY)
                continue;
            ks[nk++] = (constraint){p->spread[i].max_skew, p->spread[i].topology_key, &p->spread[i].match, NULL, 0};
        }
    } else if (k8s_pod_has_default_spread_selector(p)) {
        /* system default constraints (podtopologyspread/plugin.go) */
        ks[nk++] = (constraint){3, K8S_LABEL_HOSTNAME, NULL, NULL, 0};
        ks[nk++] = (constraint){5, K8S_LABEL_ZONE, NULL, NULL, 0};
    }
    if (nk == 0)
        return K8S_SKIP;
    score_state *st = k8s_cycle_alloc(c, sizeof *st);
    st->n = nk;
    st->ignored = k8s_cycle_alloc(c, s->n_nodes + 1);
    for (uint32_t i = 0; i < nk; i++) {
        ks[i].topo = k8s_cycle_topology(c, ks[i].key);
        ks[i].hostname = strcmp(ks[i].key, K8S_LABEL_HOSTNAME) == 0;
        st->c[i] = ks[i];
        st->count[i] = k8s_cycle_alloc(c, (ks[i].topo->n_domains + 1) * sizeof(int64_t));
    }
    /* initPreScoreState over the filtered nodes: ignored nodes, domain sizes.
     * A filtered node without the key adds the "" domain to the size, as the
     * source's map lookup of a missing label does. */
    uint8_t *present[K8S_MAX_SPREAD];
    uint32_t size[K8S_MAX_SPREAD] = {0}, n_ignored = 0;
    int empty_seen[K8S_MAX_SPREAD] = {0};
    for (uint32_t i = 0; i < nk; i++)
        present[i] = k8s_cycle_alloc(c, ks[i].topo->n_domains + 1);
    for (uint32_t k = 0; k < n_nodes; k++) {
        uint32_t node = nodes[k];
        if (require_all && !node_has_all_keys(ks, nk, node)) {
            st->ignored[node] = 1;
            n_ignored++;
            continue;
        }
        for (uint32_t i = 0; i < nk; i++) {
            if (ks[i].hostname)
                continue;
            int32_t d = ks[i].topo->domain[node];
            if (d < 0) {
                size[i] += !empty_seen[i];
                empty_seen[i] = 1;
            } else if (!present[i][d]) {
                present[i][d] = 1;
                size[i]++;
            }
        }
    }
    for (uint32_t i = 0; i < nk; i++) {
        uint32_t sz = ks[i].hostname ? n_nodes - n_ignored : size[i];
        st->weight[i] = log((double)sz + 2);
    }
    /* Pod counts per domain over all nodes passing the required node affinity. */
    for (uint32_t k = 0; k < s->n_live; k++) {
        uint32_t node = s->live[k];
        if (!k8s_node_matches_required_affinity(p, &s->nodes[node]))
            continue;
        if (require_all && !node_has_all_keys(ks, nk, node))
            continue;
        for (uint32_t i = 0; i < nk; i++) {
            if (ks[i].hostname)
                continue;
            int32_t d = ks[i].topo->domain[node];
            if (d < 0 || !present[i][d])
                continue;
            st->count[i][d] += count_on_node(s, node, &ks[i], p);
        }
    }
    *k8s_cycle_state(c) = st;
    return K8S_SUCCESS;
}

static int64_t spread_score(k8s_cycle *c, uint32_t node)
{
    score_state *st = *k8s_cycle_state(c);
    if (st->ignored[node])
        return 0;
    double score = 0;
    for (uint32_t i = 0; i < st->n; i++) {
        int32_t d = st->c[i].topo->domain[node];
        if (d < 0)
            continue;
        int64_t cnt = st->c[i].hostname ? count_on_node(c->snap, node, &st->c[i], c->pod) : st->count[i][d];
        score += (double)cnt * st->weight[i] + (double)(st->c[i].max_skew - 1); /* scoreForCount */
    }
    return (int64_t)round(score);
}

static void spread_normalize(k8s_cycle *c, const uint32_t *nodes, int64_t *scores, uint32_t n)
{
    score_state *st = *k8s_cycle_state(c);
    int64_t min = INT64_MAX, max = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (st->ignored[nodes[i]])
            continue;
        if (scores[i] < min)
            min = scores[i];
        if (scores[i] > max)
            max = scores[i];
    }
    for (uint32_t i = 0; i < n; i++) {
        if (st->ignored[nodes[i]]) {
            scores[i] = 0;
            continue;
        }
        if (max == 0) {
            scores[i] = K8S_MAX_NODE_SCORE;
            continue;
        }
        scores[i] = K8S_MAX_NODE_SCORE * (max + min - scores[i]) / max;
    }
}

const k8s_plugin k8s_plugin_pod_topology_spread = {.name = "PodTopologySpread",
                                                   .pre_filter = spread_pre_filter,
                                                   .pre_filter_add_pod = spread_add_pod,
                                                   .pre_filter_remove_pod = spread_remove_pod,
                                                   .filter = spread_filter,
                                                   .pre_score = spread_pre_score,
                                                   .score = spread_score,
                                                   .normalize_score = spread_normalize};
