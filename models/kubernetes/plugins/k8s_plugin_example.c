/* k8s_plugin_example.c - "PowerAware", an example research Score plugin
 * (docs/k8s-plugins.md walks through it).
 *
 * It prefers the node where the pod adds the least electrical power under the
 * linear server power model P(u) = P_idle + (P_max - P_idle) u, u = CPU
 * utilisation by requests:
 *     added_W = (P_max - P_idle) x pod_cpu / allocatable_cpu
 *             + (P_idle if the node runs no pod yet: it would have to stay on)
 * P_idle and P_max come from the node labels power.vdcsim.io/idle-watts and
 * power.vdcsim.io/max-watts, or from the plugin's args when a label is absent.
 * Score = round(added_W); NormalizeScore = DefaultNormalizeScore(100, reverse),
 * so the cheapest node gets 100. Nodes without any power figure score as
 * the args say (defaults 100 W idle, 300 W max).
 */
#include "models/kubernetes/plugins/k8s_plugin_example.h"

#include "models/kubernetes/plugins/k8s_plugins.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static const k8s_power_aware_args default_args = {.idle_watts = 100, .max_watts = 300};

static double label_watts(const k8s_node *n, const char *key, double fallback)
{
    const char *v = k8s_labels_get(&n->labels, key);
    if (v == NULL)
        return fallback;
    char *end;
    double w = strtod(v, &end);
    return *end == '\0' && w >= 0 ? w : fallback;
}

double k8s_power_aware_added_watts(const k8s_power_aware_args *a, const k8s_node *n, int64_t pod_milli_cpu)
{
    double idle = label_watts(n, "power.vdcsim.io/idle-watts", a->idle_watts);
    double max = label_watts(n, "power.vdcsim.io/max-watts", a->max_watts);
    double alloc = (double)n->allocatable.v[K8S_CPU];
    double added = alloc > 0 ? (max - idle) * (double)pod_milli_cpu / alloc : 0;
    if (n->n_pods == 0)
        added += idle;
    return added;
}

static int64_t power_score(k8s_cycle *c, uint32_t node)
{
    const k8s_power_aware_args *a = k8s_cycle_args(c);
    if (a == NULL)
        a = &default_args;
    return (int64_t)llround(k8s_power_aware_added_watts(a, &c->snap->nodes[node], c->pod_nonzero.v[K8S_CPU]));
}

static void power_normalize(k8s_cycle *c, const uint32_t *nodes, int64_t *scores, uint32_t n)
{
    k8s_default_normalize_score(K8S_MAX_NODE_SCORE, 1, scores, n);
}

static const vdcsim_arg power_args[] = {
    {.name = "idle_watts", .type = VDCSIM_ARG_FLOAT, .offset = offsetof(k8s_power_aware_args, idle_watts),
     .default_value = 100, .min = 0, .max = 1e6,
     .doc = "Idle power of a node without the power.vdcsim.io/idle-watts label (W)."},
    {.name = "max_watts", .type = VDCSIM_ARG_FLOAT, .offset = offsetof(k8s_power_aware_args, max_watts),
     .default_value = 300, .min = 0, .max = 1e6,
     .doc = "Full-load power of a node without the power.vdcsim.io/max-watts label (W)."},
};

const k8s_plugin k8s_plugin_power_aware = {
    .name = "PowerAware",
    .score = power_score,
    .normalize_score = power_normalize,
    .doc = "Research Score plugin: prefers the node where the pod adds the least power under the linear "
           "power model P(u) = P_idle + (P_max - P_idle) u, counting P_idle for a node without pods; the "
           "cheapest node scores 100 (docs/k8s-plugins.md). [M]",
    .args = power_args,
    .n_args = 2,
    .args_size = sizeof(k8s_power_aware_args),
};
