/* k8s_fixtures.h - small builders for the Kubernetes scheduler tests. */
#ifndef VDCSIM_TESTS_K8S_FIXTURES_H
#define VDCSIM_TESTS_K8S_FIXTURES_H

#include "models/kubernetes/k8s_framework.h"

#include <stdio.h>
#include <string.h>

#define MIB (1024LL * 1024)
#define GIB (1024LL * MIB)

static inline k8s_node fx_node(const char *name, int64_t milli_cpu, int64_t memory)
{
    k8s_node n;
    memset(&n, 0, sizeof n);
    snprintf(n.name, sizeof n.name, "%s", name);
    n.allocatable.v[K8S_CPU] = milli_cpu;
    n.allocatable.v[K8S_MEMORY] = memory;
    n.allocatable.v[K8S_EPHEMERAL] = 100 * GIB;
    n.max_pods = 110;
    return n;
}

/* A pod spec with one container requesting cpu/memory (0 = unset). */
static inline void fx_spec(k8s_pod_spec *p, const char *name, int64_t milli_cpu, int64_t memory)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    strcpy(p->namespace_, "default");
    p->n_containers = 1;
    p->containers[0].requests.v[K8S_CPU] = milli_cpu;
    p->containers[0].requests.v[K8S_MEMORY] = memory;
}

static inline void fx_label(k8s_labels *l, const char *k, const char *v) { k8s_labels_set(l, k, v); }

/* The profile with exactly one score plugin (weight 1) and the filters. */
static inline void fx_profile_only(k8s_profile *p, const char *score_plugin)
{
    k8s_profile_empty(p);
    k8s_profile_enable(p, "NodeUnschedulable", 0, NULL);
    k8s_profile_enable(p, "NodeName", 0, NULL);
    k8s_profile_enable(p, "TaintToleration", 0, NULL);
    k8s_profile_enable(p, "NodeAffinity", 0, NULL);
    k8s_profile_enable(p, "NodeResourcesFit", 0, NULL);
    k8s_profile_enable(p, "PodTopologySpread", 0, NULL);
    k8s_profile_enable(p, "InterPodAffinity", 0, NULL);
    if (score_plugin)
        k8s_profile_enable(p, score_plugin, 1, NULL);
}

/* Runs PreScore, Score and NormalizeScore of one plugin over every node of
 * snap (all treated as feasible) and writes the normalized scores. */
static inline void fx_plugin_scores(const k8s_profile *prof, k8s_snapshot *snap, const k8s_pod_spec *pod,
                                    const char *plugin, int64_t *scores)
{
    k8s_cycle c;
    k8s_cycle_init(&c, snap, prof, pod);
    int32_t idx = k8s_profile_find(prof, plugin);
    const k8s_plugin *pl = prof->plugins[idx].plugin;
    uint32_t nodes[256];
    for (uint32_t i = 0; i < snap->n_nodes; i++)
        nodes[i] = i;
    c.feasible = nodes;
    c.n_feasible = snap->n_nodes;
    c.self = (uint32_t)idx;
    int skip = pl->pre_score && pl->pre_score(&c, nodes, snap->n_nodes) == K8S_SKIP;
    for (uint32_t i = 0; i < snap->n_nodes; i++)
        scores[i] = skip ? 0 : pl->score(&c, i);
    if (!skip && pl->normalize_score)
        pl->normalize_score(&c, nodes, scores, snap->n_nodes);
    k8s_cycle_free(&c);
}

/* Filter result of every filter on node (after PreFilter). */
static inline k8s_code fx_filter(const k8s_profile *prof, k8s_snapshot *snap, const k8s_pod_spec *pod, uint32_t node)
{
    k8s_cycle c;
    k8s_cycle_init(&c, snap, prof, pod);
    k8s_code code = k8s_run_pre_filter(&c, NULL);
    if (code == K8S_SUCCESS)
        code = k8s_run_filters(&c, node, NULL);
    k8s_cycle_free(&c);
    return code;
}

#endif
