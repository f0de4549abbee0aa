/* k8s_plugin_interpod.c - InterPodAffinity (pkg/scheduler/framework/plugins/
 * interpodaffinity/: filtering.go, scoring.go).
 *
 * Counts are kept per topology pair (key, value) as in the source's
 * topologyToMatchedTermCount, stored here as one array per key indexed by
 * the cycle's domain ids.
 *
 * Filter, in the source's order:
 *  1. required affinity: every term's key must be on the node
 *     (else UnschedulableAndUnresolvable); every term's pair must hold a pod
 *     matching all terms, unless no such pod exists anywhere and the pod
 *     matches its own terms (first pod of a group);
 *  2. required anti-affinity: no pair of the node may hold a pod matching a term;
 *  3. existing pods' required anti-affinity terms that match the incoming pod
 *     forbid their pairs.
 * Score: raw = sum over pairs of the node of topologyScore, built from the
 * incoming pod's preferred terms (+w / -w), existing pods' required affinity
 * matching it (+hardPodAffinityWeight), existing preferred affinity (+w) and
 * anti-affinity (-w). NormalizeScore: 100 (raw - min) / (max - min), 0 if max = min.
 * Namespaces: a term selects pods in its owner's namespace (namespaceSelector
 * is not modelled).
 */
#include "models/kubernetes/plugins/k8s_plugins.h"

#include <stdint.h>
#include <string.h>

typedef struct pair_counts {
    uint32_t n;
    const k8s_topo_map *topo[K8S_MAX_TOPO_KEYS];
    int64_t *cnt[K8S_MAX_TOPO_KEYS];
    int64_t total; /* sum of all counts (the counts here are never negative) */
} pair_counts;

static int32_t pc_key(k8s_cycle *c, pair_counts *pc, const char *key)
{
    for (uint32_t i = 0; i < pc->n; i++)
        if (strcmp(pc->topo[i]->key, key) == 0)
            return (int32_t)i;
    const k8s_topo_map *m = k8s_cycle_topology(c, key);
    pc->topo[pc->n] = m;
    pc->cnt[pc->n] = k8s_cycle_alloc(c, (m->n_domains + 1) * sizeof(int64_t));
    return (int32_t)pc->n++;
}

static void pc_update(k8s_cycle *c, pair_counts *pc, const char *key, int32_t node, int64_t delta)
{
    int32_t k = pc_key(c, pc, key);
    int32_t d = pc->topo[k]->domain[node];
    if (d < 0)
        return;
    pc->cnt[k][d] += delta;
    pc->total += delta;
}

/* count of pair (key, value of node); -1 if the node lacks the key */
static int64_t pc_get(k8s_cycle *c, pair_counts *pc, const char *key, uint32_t node)
{
    int32_t k = pc_key(c, pc, key);
    int32_t d = pc->topo[k]->domain[node];
    return d < 0 ? -1 : pc->cnt[k][d];
}

static int matches_all(const k8s_pod_term *terms, uint32_t n, const k8s_pod_spec *owner, const k8s_pod_spec *target)
{
    if (n == 0)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (!k8s_pod_matches(target, owner->namespace_, &terms[i].match))
            return 0;
    return 1;
}

/* ---- Filter ---- */

typedef struct filter_state {
    pair_counts existing_anti; /* pairs forbidden by existing pods' anti-affinity */
    pair_counts affinity;      /* pairs holding pods that match all required affinity terms */
    pair_counts anti;          /* pairs holding pods that match a required anti-affinity term */
} filter_state;

/* updateWithPod: what one placed pod contributes (sign +1 on add, -1 on remove). */
static void account_pod(k8s_cycle *c, filter_state *st, const k8s_pod_spec *other, int32_t node, int64_t sign)
{
    const k8s_pod_spec *in = c->pod;
    for (uint32_t t = 0; t < other->n_anti_required; t++)
        if (k8s_pod_matches(in, other->namespace_, &other->anti_required[t].match))
            pc_update(c, &st->existing_anti, other->anti_required[t].topology_key, node, sign);
    if (matches_all(in->affinity_required, in->n_affinity_required, in, other))
        for (uint32_t t = 0; t < in->n_affinity_required; t++)
            pc_update(c, &st->affinity, in->affinity_required[t].topology_key, node, sign);
    for (uint32_t t = 0; t < in->n_anti_required; t++)
        if (k8s_pod_matches(other, in->namespace_, &in->anti_required[t].match))
            pc_update(c, &st->anti, in->anti_required[t].topology_key, node, sign);
}

static k8s_code interpod_pre_filter(k8s_cycle *c)
{
    const k8s_snapshot *s = c->snap;
    const k8s_pod_spec *in = c->pod;
    int incoming = in->n_affinity_required + in->n_anti_required > 0;
    filter_state *st = k8s_cycle_alloc(c, sizeof *st);
    int any = 0;
    for (uint32_t k = 0; k < s->n_live; k++) {
        uint32_t node = s->live[k];
        const k8s_node *n = &s->nodes[node];
        if (!incoming && n->n_pods_with_affinity == 0)
            continue;
        for (int32_t i = 0; i < n->n_pods; i++) {
            const k8s_pod_spec *other = s->pods[n->pod_slots[i]].spec;
            if (!incoming && other->n_anti_required == 0)
                continue;
            account_pod(c, st, other, (int32_t)node, +1);
            any = 1;
        }
    }
    if (!incoming && !any)
        return K8S_SKIP;
    *k8s_cycle_state(c) = st;
    return K8S_SUCCESS;
}

static void interpod_add_pod(k8s_cycle *c, uint32_t slot)
{
    const k8s_pod *p = &c->snap->pods[slot];
    account_pod(c, *k8s_cycle_state(c), p->spec, p->node, +1);
}

static void interpod_remove_pod(k8s_cycle *c, uint32_t slot)
{
    const k8s_pod *p = &c->snap->pods[slot];
    account_pod(c, *k8s_cycle_state(c), p->spec, p->node, -1);
}

static k8s_code interpod_filter(k8s_cycle *c, uint32_t node)
{
    filter_state *st = *k8s_cycle_state(c);
    if (st == NULL)
        return K8S_SUCCESS;
    const k8s_pod_spec *in = c->pod;
    /* satisfyPodAffinity */
    if (in->n_affinity_required > 0) {
        int pods_exist = 1;
        for (uint32_t t = 0; t < in->n_affinity_required; t++) {
            int64_t cnt = pc_get(c, &st->affinity, in->affinity_required[t].topology_key, node);
            if (cnt < 0)
                return K8S_UNSCHEDULABLE_UNRESOLVABLE;
            if (cnt <= 0)
                pods_exist = 0;
        }
        if (!pods_exist &&
            !(st->affinity.total == 0 && matches_all(in->affinity_required, in->n_affinity_required, in, in)))
            return K8S_UNSCHEDULABLE_UNRESOLVABLE;
    }
    /* satisfyPodAntiAffinity */
    for (uint32_t t = 0; t < in->n_anti_required; t++)
        if (pc_get(c, &st->anti, in->anti_required[t].topology_key, node) > 0)
            return K8S_UNSCHEDULABLE;
    /* satisfyExistingPodsAntiAffinity */
    for (uint32_t k = 0; k < st->existing_anti.n; k++) {
        int32_t d = st->existing_anti.topo[k]->domain[node];
        if (d >= 0 && st->existing_anti.cnt[k][d] > 0)
            return K8S_UNSCHEDULABLE;
    }
    return K8S_SUCCESS;
}

/* ---- Score ---- */

static void add_term_score(k8s_cycle *c, pair_counts *pc, const k8s_pod_term *t, const k8s_pod_spec *term_owner,
                           const k8s_pod_spec *target, int32_t node, int64_t weight)
{
    if (weight != 0 && k8s_pod_matches(target, term_owner->namespace_, &t->match))
        pc_update(c, pc, t->topology_key, node, weight);
}

static k8s_code interpod_pre_score(k8s_cycle *c, const uint32_t *nodes, uint32_t n_nodes)
{
    const k8s_snapshot *s = c->snap;
    const k8s_pod_spec *in = c->pod;
    int has_pref = in->n_affinity_preferred + in->n_anti_preferred > 0;
    int64_t hard = c->profile->hard_pod_affinity_weight;
    pair_counts *pc = k8s_cycle_alloc(c, sizeof *pc);
    for (uint32_t k = 0; k < s->n_live; k++) {
        uint32_t node = s->live[k];
        const k8s_node *n = &s->nodes[node];
        if (!has_pref && n->n_pods_with_affinity == 0)
            continue;
        for (int32_t i = 0; i < n->n_pods; i++) {
            const k8s_pod_spec *ex = s->pods[n->pod_slots[i]].spec;
            for (uint32_t t = 0; t < in->n_affinity_preferred; t++)
                add_term_score(c, pc, &in->affinity_preferred[t], in, ex, (int32_t)node, in->affinity_preferred[t].weight);
            for (uint32_t t = 0; t < in->n_anti_preferred; t++)
                add_term_score(c, pc, &in->anti_preferred[t], in, ex, (int32_t)node, -in->anti_preferred[t].weight);
            if (hard > 0)
                for (uint32_t t = 0; t < ex->n_affinity_required; t++)
                    add_term_score(c, pc, &ex->affinity_required[t], ex, in, (int32_t)node, hard);
            for (uint32_t t = 0; t < ex->n_affinity_preferred; t++)
                add_term_score(c, pc, &ex->affinity_preferred[t], ex, in, (int32_t)node, ex->affinity_preferred[t].weight);
            for (uint32_t t = 0; t < ex->n_anti_preferred; t++)
                add_term_score(c, pc, &ex->anti_preferred[t], ex, in, (int32_t)node, -ex->anti_preferred[t].weight);
        }
    }
    if (pc->n == 0)
        return K8S_SKIP; /* empty topologyScore */
    *k8s_cycle_state(c) = pc;
    return K8S_SUCCESS;
}

static int64_t interpod_score(k8s_cycle *c, uint32_t node)
{
    pair_counts *pc = *k8s_cycle_state(c);
    int64_t score = 0;
    for (uint32_t k = 0; k < pc->n; k++) {
        int32_t d = pc->topo[k]->domain[node];
        if (d >= 0)
            score += pc->cnt[k][d];
    }
    return score;
}

static void interpod_normalize(k8s_cycle *c, const uint32_t *nodes, int64_t *scores, uint32_t n)
{
    int64_t min = INT64_MAX, max = INT64_MIN;
    for (uint32_t i = 0; i < n; i++) {
        if (scores[i] > max)
            max = scores[i];
        if (scores[i] < min)
            min = scores[i];
    }
    int64_t diff = max - min;
    for (uint32_t i = 0; i < n; i++) {
        double f = 0;
        if (diff > 0)
            f = (double)K8S_MAX_NODE_SCORE * ((double)(scores[i] - min) / (double)diff);
        scores[i] = (int64_t)f;
    }
}

const k8s_plugin k8s_plugin_inter_pod_affinity = {.name = "InterPodAffinity",
                                                  .pre_filter = interpod_pre_filter,
                                                  .pre_filter_add_pod = interpod_add_pod,
                                                  .pre_filter_remove_pod = interpod_remove_pod,
                                                  .filter = interpod_filter,
                                                  .pre_score = interpod_pre_score,
                                                  .score = interpod_score,
                                                  .normalize_score = interpod_normalize};
