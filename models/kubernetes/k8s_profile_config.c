/* k8s_profile_config.c - scheduler profiles from a scenario (see k8s_profile_config.h). */
#include "models/kubernetes/k8s_profile_config.h"

#include <stdio.h>
#include <string.h>

#define PROF "kubernetes.scheduler.profiles.[%d]"

static void read_cost(const scenario *s, k8s_cost_params *c)
{
    c->base_ns = scn_duration_ns(s, "kubernetes.scheduler.cost.cycle");
    c->filter_per_node_plugin_ns = scn_duration_ns(s, "kubernetes.scheduler.cost.filter_per_node_plugin");
    c->score_per_node_plugin_ns = scn_duration_ns(s, "kubernetes.scheduler.cost.score_per_node_plugin");
    c->preempt_per_node_ns = scn_duration_ns(s, "kubernetes.scheduler.cost.preemption_per_node");
}

/* The plugin's arguments from PROF.plugins.[k].args (the rules of
 * include/vdcsim/policy.h); a plugin that declares none keeps its args. */
static int read_plugin_args(const scenario *s, int i, int k, k8s_plugin_config *pc, char *err, size_t err_len)
{
    char key[200];
    snprintf(key, sizeof key, PROF ".plugins.[%d].args", i, k);
    vdcsim_policy_info info = k8s_plugin_info(pc->plugin);
    if (policy_args_read(s, &info, key, &pc->scenario_args, err, err_len) != 0)
        return -1;
    pc->has_scenario_args = info.n_args > 0;
    return 0;
}

static int parse_profile(const scenario *s, int i, int32_t pct, k8s_profile *p, char *err, size_t err_len)
{
    if (scn_bool(s, PROF ".disable_default_plugins", i))
        k8s_profile_empty(p);
    else
        k8s_profile_default(p);
    snprintf(p->scheduler_name, sizeof p->scheduler_name, "%s", scn_string(s, PROF ".scheduler_name", i));
    p->version = strcmp(scn_string(s, PROF ".version", i), "1.35") == 0 ? K8S_VERSION_1_35 : K8S_VERSION_1_36;
    p->percentage_of_nodes_to_score = pct;
    read_cost(s, &p->cost);
    p->preemption = scn_bool(s, PROF ".preemption", i);
    p->hard_pod_affinity_weight = (int32_t)scn_int(s, PROF ".hard_pod_affinity_weight", i);
    p->min_candidate_nodes_percentage = (int32_t)scn_int(s, PROF ".min_candidate_nodes_percentage", i);
    p->min_candidate_nodes_absolute = (int32_t)scn_int(s, PROF ".min_candidate_nodes_absolute", i);

    int n_plugins = scn_list_len(s, PROF ".plugins", i);
    for (int k = 0; k < n_plugins; k++) {
        const char *name = scn_string(s, PROF ".plugins.[%d].name", i, k);
        int32_t weight = (int32_t)scn_int(s, PROF ".plugins.[%d].weight", i, k);
        if (!scn_bool(s, PROF ".plugins.[%d].enabled", i, k)) {
            k8s_profile_disable(p, name);
            continue;
        }
        int32_t at = k8s_profile_find(p, name);
        if (at >= 0) {
            if (weight > 0)
                p->plugins[at].weight = weight;
        } else if (k8s_profile_enable(p, name, weight > 0 ? weight : 1, NULL) != 0) {
            snprintf(err, err_len, "%s: key '" PROF ".plugins.[%d].name': cannot add '%s' (expected at most %d plugins)",
                     scenario_name(s), i, k, name, K8S_MAX_PLUGINS);
            return -1;
        } else {
            at = (int32_t)p->n_plugins - 1;
        }
        if (read_plugin_args(s, i, k, &p->plugins[at], err, err_len) != 0)
            return -1;
    }

    p->fit.type = (k8s_scoring_type)scn_enum(s, PROF ".scoring_strategy.type", i);
    memset(p->fit.weight, 0, sizeof p->fit.weight);
    p->fit.weight[K8S_CPU] = scn_int(s, PROF ".scoring_strategy.cpu_weight", i);
    p->fit.weight[K8S_MEMORY] = scn_int(s, PROF ".scoring_strategy.memory_weight", i);
    p->fit.weight[K8S_EPHEMERAL] = scn_int(s, PROF ".scoring_strategy.ephemeral_storage_weight", i);
    p->fit.weight[K8S_GPU] = scn_int(s, PROF ".scoring_strategy.gpu_weight", i);
    if (p->fit.weight[K8S_CPU] + p->fit.weight[K8S_MEMORY] + p->fit.weight[K8S_EPHEMERAL] + p->fit.weight[K8S_GPU] == 0) {
        snprintf(err, err_len,
                 "%s: key '" PROF ".scoring_strategy': no resource has a weight (expected at least one weight from 1 to 100)",
                 scenario_name(s), i);
        return -1;
    }
    int n_shape = scn_list_len(s, PROF ".scoring_strategy.shape", i);
    p->fit.n_shape = (uint32_t)n_shape;
    for (int k = 0; k < n_shape; k++) {
        p->fit.shape[k].utilization = scn_int(s, PROF ".scoring_strategy.shape.[%d].utilization", i, k);
        p->fit.shape[k].score = scn_int(s, PROF ".scoring_strategy.shape.[%d].score", i, k);
        /* ValidateRequestedToCapacityRatioArgs: strictly increasing utilization */
        if (k > 0 && p->fit.shape[k].utilization <= p->fit.shape[k - 1].utilization) {
            snprintf(err, err_len,
                     "%s: key '" PROF ".scoring_strategy.shape.[%d].utilization': %lld does not exceed the previous point "
                     "(expected utilization values in increasing order)",
                     scenario_name(s), i, k, (long long)p->fit.shape[k].utilization);
            return -1;
        }
    }
    if (p->fit.type == K8S_REQUESTED_TO_CAPACITY_RATIO && n_shape == 0) {
        snprintf(err, err_len,
                 "%s: key '" PROF ".scoring_strategy.shape': missing (expected at least one point for RequestedToCapacityRatio)",
                 scenario_name(s), i);
        return -1;
    }
    return 0;
}

int k8s_scheduler_config_from_scenario(const scenario *s, k8s_scheduler_config *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    out->pod_initial_backoff_ns = scn_duration_ns(s, "kubernetes.scheduler.pod_initial_backoff");
    out->pod_max_backoff_ns = scn_duration_ns(s, "kubernetes.scheduler.pod_max_backoff");
    if (out->pod_max_backoff_ns < out->pod_initial_backoff_ns) {
        snprintf(err, err_len,
                 "%s: key 'kubernetes.scheduler.pod_max_backoff': shorter than pod_initial_backoff (expected at least it)",
                 scenario_name(s));
        return -1;
    }
    int32_t pct = (int32_t)scn_int(s, "kubernetes.scheduler.percentage_of_nodes_to_score");
    int n = scn_list_len(s, "kubernetes.scheduler.profiles");
    if (n == 0) {
        k8s_profile_default(&out->profiles[0]);
        out->profiles[0].percentage_of_nodes_to_score = pct;
        read_cost(s, &out->profiles[0].cost);
        out->n_profiles = 1;
        return 0;
    }
    for (int i = 0; i < n; i++)
        if (parse_profile(s, i, pct, &out->profiles[i], err, err_len) != 0)
            return -1;
    out->n_profiles = (uint32_t)n;
    return 0;
}
