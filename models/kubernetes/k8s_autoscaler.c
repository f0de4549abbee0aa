/* k8s_autoscaler.c - Cluster Autoscaler decisions (see k8s_autoscaler.h). */
#include "models/kubernetes/k8s_autoscaler.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S 1000000000LL

void k8s_ca_config_default(k8s_ca_config *c)
{
    memset(c, 0, sizeof *c);
    c->scan_interval_ns = 10 * NS_PER_S;
    c->scale_down_utilization_threshold = 0.5;
    c->scale_down_unneeded_ns = 600 * NS_PER_S;
    c->scale_down_delay_after_add_ns = 600 * NS_PER_S;
    c->scale_down_delay_after_delete_ns = c->scan_interval_ns;
    c->scale_down_delay_after_failure_ns = 180 * NS_PER_S;
    c->max_node_provision_ns = 900 * NS_PER_S;
    c->node_provisioning_ns = 120 * NS_PER_S;
    c->max_empty_bulk_delete = 10;
    c->expander = K8S_EXPANDER_RANDOM;
}

/* The first node in the cluster (in index order, skipping skip[i] != 0 when
 * skip is given) where pod passes the profile's filters; -1 if none. One
 * PreFilter per call, then Filter per node: O(nodes x filters). */
static int32_t first_fit(const k8s_profile *prof, k8s_snapshot *s, const k8s_pod_spec *pod, const uint8_t *skip,
                         int32_t also_skip)
{
    k8s_cycle c;
    k8s_cycle_init(&c, s, prof, pod);
    int32_t found = -1;
    if (k8s_run_pre_filter(&c, NULL) == K8S_SUCCESS) {
        for (uint32_t k = 0; k < s->n_live && found < 0; k++) {
            uint32_t node = s->live[k];
            if ((skip != NULL && skip[node]) || (int32_t)node == also_skip || s->nodes[node].unschedulable)
                continue;
            if (k8s_run_filters(&c, node, NULL) == K8S_SUCCESS)
                found = (int32_t)node;
        }
    }
    k8s_cycle_free(&c);
    return found;
}

/* ---- scale-up ---- */

typedef struct scored_pod {
    uint32_t index;
    double score;
} scored_pod;

static int by_score_desc(const void *a, const void *b)
{
    const scored_pod *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index; /* stable */
}

int32_t k8s_ca_estimate(const k8s_profile *prof, const k8s_node_group *g, const k8s_pod_spec *const *pods, uint32_t n,
                        int32_t max_new, uint8_t *helped)
{
    const k8s_node *t = &g->template_node;
    scored_pod *order = malloc((n + 1) * sizeof *order);
    for (uint32_t i = 0; i < n; i++) {
        k8s_resources r = k8s_pod_requests(pods[i]);
        double s = 0;
        if (t->allocatable.v[K8S_CPU] > 0)
            s += (double)r.v[K8S_CPU] / (double)t->allocatable.v[K8S_CPU];
        if (t->allocatable.v[K8S_MEMORY] > 0)
            s += (double)r.v[K8S_MEMORY] / (double)t->allocatable.v[K8S_MEMORY];
        order[i] = (scored_pod){i, s};
        helped[i] = 0;
    }
    qsort(order, n, sizeof *order, by_score_desc);

    k8s_snapshot scratch;
    k8s_snapshot_init(&scratch);
    int32_t last_node = -1;
    uint8_t *has_pods = calloc((size_t)(max_new > 0 ? max_new : 0) + 1, 1);
    for (uint32_t k = 0; k < n; k++) {
        const k8s_pod_spec *p = pods[order[k].index];
        int32_t node = first_fit(prof, &scratch, p, NULL, -1);
        if (node >= 0) {
            k8s_snapshot_add_pod(&scratch, p, node, 0);
            has_pods[node] = 1;
            helped[order[k].index] = 1;
            continue;
        }
        if ((int32_t)scratch.n_nodes >= max_new)
            break; /* limiter: no permission to add a node */
        if (last_node >= 0 && !has_pods[last_node])
            continue; /* it did not fit an empty template node: a new one will not help */
        k8s_node fresh = *t;
        snprintf(fresh.name, sizeof fresh.name, "%.40s-template-%u", g->name, scratch.n_nodes);
        /* sanitizeTemplateNode: the copy gets its own hostname */
        k8s_labels_set(&fresh.labels, K8S_LABEL_HOSTNAME, fresh.name);
        last_node = k8s_snapshot_add_node(&scratch, &fresh);
        if (k8s_pod_fits(prof, &scratch, p, (uint32_t)last_node)) {
            k8s_snapshot_add_pod(&scratch, p, last_node, 0);
            has_pods[last_node] = 1;
            helped[order[k].index] = 1;
        }
    }
    int32_t used = 0;
    for (uint32_t i = 0; i < scratch.n_nodes; i++)
        used += has_pods[i];
    free(has_pods);
    free(order);
    k8s_snapshot_free(&scratch);
    return used;
}

typedef struct option {
    int32_t group, nodes;
    uint32_t pods;
    int64_t cpu_requested, mem_requested;
} option;

/* waste.go: wasted = (avail - requested) / avail for cpu and memory, summed;
 * the lowest wins. */
static double waste(const option *o, const k8s_node_group *groups)
{
    const k8s_node *t = &groups[o->group].template_node;
    double avail_cpu = (double)t->allocatable.v[K8S_CPU] * o->nodes;
    double avail_mem = (double)t->allocatable.v[K8S_MEMORY] * o->nodes;
    return (avail_cpu - (double)o->cpu_requested) / avail_cpu + (avail_mem - (double)o->mem_requested) / avail_mem;
}

void k8s_ca_scale_up_decide(const k8s_ca_config *cfg, const k8s_profile *prof, const k8s_node_group *groups,
                            uint32_t n_groups, const k8s_pod_spec *const *pods, uint32_t n_pods, gsl_rng *rng,
                            k8s_ca_scale_up *out)
{
    out->group = -1;
    out->new_nodes = 0;
    out->pods_helped = 0;
    if (n_pods == 0 || n_groups == 0)
        return;
    option *opts = calloc(n_groups, sizeof *opts);
    uint8_t *helped = malloc(n_pods);
    uint32_t n_opts = 0;
    for (uint32_t g = 0; g < n_groups; g++) {
        int32_t room = groups[g].max_size - groups[g].target_size;
        if (room <= 0)
            continue;
        int32_t nodes = k8s_ca_estimate(prof, &groups[g], pods, n_pods, room, helped);
        if (nodes <= 0)
            continue;
        option o = {(int32_t)g, nodes, 0, 0, 0};
        for (uint32_t i = 0; i < n_pods; i++)
            if (helped[i]) {
                k8s_resources r = k8s_pod_requests(pods[i]);
                o.pods++;
                o.cpu_requested += r.v[K8S_CPU];
                o.mem_requested += r.v[K8S_MEMORY];
            }
        opts[n_opts++] = o;
    }
    if (n_opts > 0) {
        /* keep the best options by the expander, then pick uniformly */
        uint32_t *best = malloc(n_opts * sizeof *best), n_best = 0;
        for (uint32_t i = 0; i < n_opts; i++) {
            int better = 0, equal = 0;
            if (n_best == 0) {
                better = 1;
            } else if (cfg->expander == K8S_EXPANDER_LEAST_WASTE) {
                double w = waste(&opts[i], groups), b = waste(&opts[best[0]], groups);
                better = w < b;
                equal = w == b;
            } else if (cfg->expander == K8S_EXPANDER_MOST_PODS) {
                better = opts[i].pods > opts[best[0]].pods;
                equal = opts[i].pods == opts[best[0]].pods;
            } else {
                equal = 1;
            }
            if (better)
                n_best = 0;
            if (better || equal)
                best[n_best++] = i;
        }
        const option *o = &opts[best[n_best == 1 ? 0 : gsl_rng_uniform_int(rng, n_best)]];
        out->group = o->group;
        out->new_nodes = o->nodes;
        out->pods_helped = o->pods;
        free(best);
    }
    free(opts);
    free(helped);
}

/* ---- scale-down ---- */

double k8s_ca_node_utilization(const k8s_node *n)
{
    if (n->allocatable.v[K8S_GPU] > 0)
        return (double)n->requested.v[K8S_GPU] / (double)n->allocatable.v[K8S_GPU];
    double cpu = n->allocatable.v[K8S_CPU] > 0 ? (double)n->requested.v[K8S_CPU] / (double)n->allocatable.v[K8S_CPU] : 0;
    double mem =
        n->allocatable.v[K8S_MEMORY] > 0 ? (double)n->requested.v[K8S_MEMORY] / (double)n->allocatable.v[K8S_MEMORY] : 0;
    return cpu > mem ? cpu : mem;
}

void k8s_ca_state_init(k8s_ca_state *s)
{
    memset(s, 0, sizeof *s);
    s->last_scale_up_ns = s->last_delete_ns = s->last_failure_ns = INT64_MIN / 2;
}

void k8s_ca_state_free(k8s_ca_state *s)
{
    free(s->unneeded_since);
    s->unneeded_since = NULL;
    s->n_nodes = 0;
}

static void state_resize(k8s_ca_state *s, uint32_t n)
{
    if (n <= s->n_nodes)
        return;
    s->unneeded_since = realloc(s->unneeded_since, n * sizeof *s->unneeded_since);
    if (s->unneeded_since == NULL)
        abort();
    for (uint32_t i = s->n_nodes; i < n; i++)
        s->unneeded_since[i] = -1;
    s->n_nodes = n;
}

/* A pod covered by a PDB that allows no disruption blocks draining. */
static int blocked_by_pdb(const k8s_snapshot *s, const k8s_pod_spec *p)
{
    for (uint32_t i = 0; i < s->n_pdbs; i++) {
        const k8s_pdb *pdb = &s->pdbs[i];
        if (pdb->disruptions_allowed <= 0 && pdb->match.n > 0 && strcmp(pdb->namespace_, p->namespace_) == 0 &&
            k8s_selector_matches(&pdb->match, &p->labels))
            return 1;
    }
    return 0;
}

typedef struct move {
    uint32_t slot;
    int32_t from;
} move;

/* Can every pod of node move to another node (not node, not removed[])?
 * Successful moves stay applied (recorded in moves) so later candidates see
 * the capacity they use; a failed attempt is undone here. */
static int drain_fits(const k8s_profile *prof, k8s_snapshot *s, uint32_t node, const uint8_t *removed, move *moves,
                      uint32_t *n_moves)
{
    k8s_node *n = &s->nodes[node];
    uint32_t start = *n_moves;
    uint32_t count = (uint32_t)n->n_pods;
    uint32_t *slots = malloc((count + 1) * sizeof *slots);
    if (count > 0)
        memcpy(slots, n->pod_slots, count * sizeof *slots);
    int ok = 1;
    for (uint32_t k = 0; k < count && ok; k++)
        if (blocked_by_pdb(s, s->pods[slots[k]].spec))
            ok = 0;
    for (uint32_t k = 0; k < count && ok; k++) {
        uint32_t slot = slots[k];
        k8s_snapshot_detach_pod(s, slot);
        int32_t dest = first_fit(prof, s, s->pods[slot].spec, removed, (int32_t)node);
        if (dest >= 0) {
            k8s_snapshot_attach_pod(s, slot, dest);
            moves[(*n_moves)++] = (move){slot, (int32_t)node};
        } else {
            k8s_snapshot_attach_pod(s, slot, (int32_t)node);
            ok = 0;
        }
    }
    if (!ok) {
        while (*n_moves > start) {
            move m = moves[--(*n_moves)];
            k8s_snapshot_detach_pod(s, m.slot);
            k8s_snapshot_attach_pod(s, m.slot, m.from);
        }
    }
    free(slots);
    return ok;
}

uint32_t k8s_ca_scale_down(k8s_ca_state *st, const k8s_ca_config *cfg, const k8s_profile *prof, k8s_snapshot *snap,
                           const int32_t *node_group, const k8s_node_group *groups, int64_t now_ns,
                           uint32_t *to_delete)
{
    state_resize(st, snap->n_nodes);
    uint32_t n = snap->n_nodes;
    uint8_t *removed = calloc(n + 1, 1);
    move *moves = malloc((snap->n_pods + 1) * sizeof *moves);
    uint32_t n_moves = 0;
    /* UpdateUnneededNodes: candidates by utilization before any simulation;
     * empty ones first (nothing to move, and no pod is simulated onto a node
     * about to go), then the others in node order. */
    uint8_t *candidate = calloc(n + 1, 1);
    for (uint32_t i = 0; i < n; i++) {
        const k8s_node *node = &snap->nodes[i];
        candidate[i] = node_group[i] >= 0 && node->in_cluster && !node->unschedulable &&
                       k8s_ca_node_utilization(node) < cfg->scale_down_utilization_threshold;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < n; i++) {
            if ((pass == 0) != (snap->nodes[i].n_pods == 0))
                continue;
            if (candidate[i] && drain_fits(prof, snap, i, removed, moves, &n_moves)) {
                removed[i] = 1;
                if (st->unneeded_since[i] < 0)
                    st->unneeded_since[i] = now_ns;
            } else {
                st->unneeded_since[i] = -1;
            }
        }
    }
    free(candidate);
    /* undo the simulated moves, newest first */
    while (n_moves > 0) {
        move m = moves[--n_moves];
        k8s_snapshot_detach_pod(snap, m.slot);
        k8s_snapshot_attach_pod(snap, m.slot, m.from);
    }
    free(moves);
    free(removed);

    int in_cooldown = now_ns < st->last_scale_up_ns + cfg->scale_down_delay_after_add_ns ||
                      now_ns < st->last_delete_ns + cfg->scale_down_delay_after_delete_ns ||
                      now_ns < st->last_failure_ns + cfg->scale_down_delay_after_failure_ns;
    if (in_cooldown)
        return 0;
    uint32_t n_del = 0;
    int32_t *deleted_in_group = NULL;
    int32_t max_group = -1;
    for (uint32_t i = 0; i < n; i++)
        if (node_group[i] > max_group)
            max_group = node_group[i];
    deleted_in_group = calloc((size_t)max_group + 2, sizeof *deleted_in_group);
    /* empty nodes first, in bulk; otherwise one non-empty node */
    for (int pass = 0; pass < 2 && n_del == 0; pass++) {
        for (uint32_t i = 0; i < n; i++) {
            if (st->unneeded_since[i] < 0 || now_ns - st->unneeded_since[i] < cfg->scale_down_unneeded_ns)
                continue;
            int empty = snap->nodes[i].n_pods == 0;
            if ((pass == 0) != empty)
                continue;
            const k8s_node_group *g = &groups[node_group[i]];
            if (g->target_size - deleted_in_group[node_group[i]] <= g->min_size)
                continue;
            to_delete[n_del++] = i;
            deleted_in_group[node_group[i]]++;
            if (pass == 0 ? n_del >= (uint32_t)cfg->max_empty_bulk_delete : n_del >= 1)
                break;
        }
    }
    free(deleted_in_group);
    if (n_del > 0)
        st->last_delete_ns = now_ns;
    return n_del;
}
