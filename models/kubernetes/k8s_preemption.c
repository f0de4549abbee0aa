/* k8s_preemption.c - DefaultPreemption (see k8s_preemption.h). */
#include "models/kubernetes/k8s_preemption.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int k8s_more_important_pod(const k8s_pod *a, const k8s_pod *b)
{
    if (a->spec->priority != b->spec->priority)
        return a->spec->priority > b->spec->priority;
    return a->start_time_ns < b->start_time_ns;
}

/* Insertion sort, most important first; stable so equal pods keep node order. */
static void sort_by_importance(const k8s_snapshot *s, uint32_t *slots, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = slots[i];
        uint32_t j = i;
        while (j > 0 && k8s_more_important_pod(&s->pods[v], &s->pods[slots[j - 1]])) {
            slots[j] = slots[j - 1];
            j--;
        }
        slots[j] = v;
    }
}

/* filterPodsWithPDBViolation: walking the pods in order, each PDB matching a
 * pod (same namespace, non-empty selector) loses one allowed disruption; a pod
 * that drives some PDB below zero is violating. */
static void split_by_pdb(const k8s_snapshot *s, const uint32_t *slots, uint32_t n, uint32_t *violating,
                         uint32_t *n_violating, uint32_t *ok, uint32_t *n_ok)
{
    int32_t allowed_stack[64];
    int32_t *allowed = s->n_pdbs <= 64 ? allowed_stack : malloc(s->n_pdbs * sizeof *allowed);
    for (uint32_t i = 0; i < s->n_pdbs; i++)
        allowed[i] = s->pdbs[i].disruptions_allowed;
    *n_violating = *n_ok = 0;
    for (uint32_t k = 0; k < n; k++) {
        const k8s_pod_spec *p = s->pods[slots[k]].spec;
        int violated = 0;
        if (p->labels.n != 0) {
            for (uint32_t i = 0; i < s->n_pdbs; i++) {
                const k8s_pdb *pdb = &s->pdbs[i];
                if (strcmp(pdb->namespace_, p->namespace_) != 0 || pdb->match.n == 0 ||
                    !k8s_selector_matches(&pdb->match, &p->labels))
                    continue;
                if (--allowed[i] < 0)
                    violated = 1;
            }
        }
        if (violated)
            violating[(*n_violating)++] = slots[k];
        else
            ok[(*n_ok)++] = slots[k];
    }
    if (allowed != allowed_stack)
        free(allowed);
}

int k8s_select_victims_on_node(k8s_cycle *c, uint32_t node, uint32_t *victims, uint32_t *n_victims,
                               uint32_t *n_pdb_violations)
{
    k8s_snapshot *s = c->snap;
    const k8s_node *n = &s->nodes[node];
    uint32_t cap = (uint32_t)n->n_pods;
    *n_victims = *n_pdb_violations = 0;
    if (cap == 0)
        return 0;
    uint32_t *potential = malloc(3 * cap * sizeof *potential);
    uint32_t *violating = potential + cap, *nonviolating = potential + 2 * cap;
    uint32_t n_potential = 0, n_violating, n_ok;
    for (int32_t i = 0; i < n->n_pods; i++) {
        uint32_t slot = n->pod_slots[i];
        if (s->pods[slot].spec->priority < c->pod->priority)
            potential[n_potential++] = slot;
    }
    int result = 0;
    if (n_potential == 0)
        goto done;
    for (uint32_t i = 0; i < n_potential; i++)
        k8s_cycle_remove_pod(c, potential[i]);
    if (k8s_run_filters(c, node, NULL) != K8S_SUCCESS) {
        for (uint32_t i = 0; i < n_potential; i++)
            k8s_cycle_add_pod(c, potential[i], (int32_t)node);
        goto done;
    }
    sort_by_importance(s, potential, n_potential);
    split_by_pdb(s, potential, n_potential, violating, &n_violating, nonviolating, &n_ok);
    /* reprievePod: put it back; if the pod no longer fits, it is a victim. */
    for (int pass = 0; pass < 2; pass++) {
        const uint32_t *list = pass == 0 ? violating : nonviolating;
        uint32_t len = pass == 0 ? n_violating : n_ok;
        for (uint32_t i = 0; i < len; i++) {
            k8s_cycle_add_pod(c, list[i], (int32_t)node);
            if (k8s_run_filters(c, node, NULL) != K8S_SUCCESS) {
                k8s_cycle_remove_pod(c, list[i]);
                victims[(*n_victims)++] = list[i];
                if (pass == 0)
                    (*n_pdb_violations)++;
            }
        }
    }
    for (uint32_t i = 0; i < *n_victims; i++)
        k8s_cycle_add_pod(c, victims[i], (int32_t)node);
    sort_by_importance(s, victims, *n_victims);
    result = 1;
done:
    free(potential);
    return result;
}

typedef struct candidate {
    uint32_t node;
    uint32_t n_victims;
    uint32_t *victims;
    uint32_t pdb_violations;
} candidate;

/* GetEarliestPodStartTime: the earliest start among the highest-priority victims. */
static int64_t earliest_start_of_highest(const k8s_snapshot *s, const candidate *cd)
{
    int32_t top = s->pods[cd->victims[0]].spec->priority;
    int64_t earliest = INT64_MAX;
    for (uint32_t i = 0; i < cd->n_victims; i++) {
        const k8s_pod *p = &s->pods[cd->victims[i]];
        if (p->spec->priority == top && p->start_time_ns < earliest)
            earliest = p->start_time_ns;
    }
    return earliest;
}

static int64_t criterion(const k8s_snapshot *s, const candidate *cd, int which)
{
    int64_t sum = 0;
    switch (which) {
    case 0: /* fewest PDB violations */
        return -(int64_t)cd->pdb_violations;
    case 1: /* lowest highest-priority victim */
        return -(int64_t)s->pods[cd->victims[0]].spec->priority;
    case 2: /* smallest sum of priorities, each shifted by MaxInt32 + 1 */
        for (uint32_t i = 0; i < cd->n_victims; i++)
            sum += (int64_t)s->pods[cd->victims[i]].spec->priority + ((int64_t)INT32_MAX + 1);
        return -sum;
    case 3: /* fewest victims */
        return -(int64_t)cd->n_victims;
    default: /* latest start of the highest-priority victims */
        return earliest_start_of_highest(s, cd);
    }
}

/* pickOneNodeForPreemption: each criterion keeps the best-scoring candidates;
 * a unique best wins, remaining ties go to the first. */
static uint32_t pick_one(const k8s_snapshot *s, const candidate *cands, uint32_t n)
{
    uint32_t *keep = malloc(n * sizeof *keep), *next = malloc(n * sizeof *next);
    uint32_t n_keep = n;
    for (uint32_t i = 0; i < n; i++) {
        if (cands[i].n_victims == 0) { /* a node needing no preemption */
            free(keep);
            free(next);
            return i;
        }
        keep[i] = i;
    }
    for (int which = 0; which < 5 && n_keep > 1; which++) {
        int64_t best = INT64_MIN;
        uint32_t n_next = 0;
        for (uint32_t k = 0; k < n_keep; k++) {
            int64_t v = criterion(s, &cands[keep[k]], which);
            if (v > best) {
                best = v;
                n_next = 0;
            }
            if (v == best)
                next[n_next++] = keep[k];
        }
        memcpy(keep, next, n_next * sizeof *keep);
        n_keep = n_next;
    }
    uint32_t chosen = keep[0];
    free(keep);
    free(next);
    return chosen;
}

void k8s_preempt(k8s_cycle *c, const k8s_code *status, gsl_rng *rng, k8s_schedule_result *out,
                 uint32_t *nodes_tried)
{
    k8s_snapshot *s = c->snap;
    const k8s_profile *prof = c->profile;
    *nodes_tried = 0;
    uint32_t *potential = malloc((s->n_live + 1) * sizeof *potential);
    uint32_t n_potential = 0;
    for (uint32_t k = 0; k < s->n_live; k++)
        if (status[s->live[k]] == K8S_UNSCHEDULABLE) /* nodesWherePreemptionMightHelp */
            potential[n_potential++] = s->live[k];
    if (n_potential == 0) {
        free(potential);
        return;
    }
    /* GetOffsetAndNumCandidates */
    uint32_t offset = (uint32_t)gsl_rng_uniform_int(rng, n_potential);
    int64_t want = (int64_t)n_potential * prof->min_candidate_nodes_percentage / 100;
    if (want < prof->min_candidate_nodes_absolute)
        want = prof->min_candidate_nodes_absolute;
    if (want > n_potential)
        want = n_potential;

    candidate *ok = calloc(n_potential, sizeof *ok), *bad = calloc(n_potential, sizeof *bad);
    uint32_t n_ok = 0, n_bad = 0;
    for (uint32_t i = 0; i < n_potential; i++) {
        uint32_t node = potential[(offset + i) % n_potential];
        uint32_t cap = (uint32_t)s->nodes[node].n_pods + 1;
        uint32_t *victims = malloc(cap * sizeof *victims);
        uint32_t nv, npdb;
        (*nodes_tried)++;
        if (k8s_select_victims_on_node(c, node, victims, &nv, &npdb) && nv > 0) {
            candidate cd = {node, nv, victims, npdb};
            if (npdb == 0)
                ok[n_ok++] = cd;
            else
                bad[n_bad++] = cd;
        } else {
            free(victims);
        }
        if (n_ok > 0 && n_ok + n_bad >= want)
            break;
    }
    /* non-violating candidates first, then violating */
    for (uint32_t i = 0; i < n_bad; i++)
        ok[n_ok + i] = bad[i];
    uint32_t n_cand = n_ok + n_bad;
    if (n_cand > 0) {
        uint32_t pick = n_cand == 1 ? 0 : pick_one(s, ok, n_cand);
        out->nominated_node = (int32_t)ok[pick].node;
        out->n_victims = ok[pick].n_victims;
        out->pdb_violations = ok[pick].pdb_violations;
        out->victims = ok[pick].victims;
        ok[pick].victims = NULL;
    }
    for (uint32_t i = 0; i < n_cand; i++)
        free(ok[i].victims);
    free(ok);
    free(bad);
    free(potential);
}
