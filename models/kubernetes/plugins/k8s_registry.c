/* k8s_registry.c - every scheduler plugin known by name: the kube-scheduler
 * plugin registry (models/policies/registry.h), one line per plugin.
 *
 * To add a research plugin: write models/kubernetes/plugins/k8s_plugin_<name>.c
 * defining a const k8s_plugin, declare it in k8s_plugins.h, add one line to
 * the table below and its name to the enum of
 * kubernetes.scheduler.profiles.[].plugins.[].name (see docs/k8s-plugins.md).
 * Plug-ins add theirs at run time (docs/policies.md). */
#include "models/kubernetes/plugins/k8s_plugins.h"
#include "models/policies/registry.h"

static const void *const builtin[] = {
    &k8s_plugin_node_unschedulable,
    &k8s_plugin_node_name,
    &k8s_plugin_taint_toleration,
    &k8s_plugin_node_affinity,
    &k8s_plugin_node_resources_fit,
    &k8s_plugin_pod_topology_spread,
    &k8s_plugin_inter_pod_affinity,
    &k8s_plugin_balanced_allocation,
    &k8s_plugin_image_locality,
    /* research plugins */
    &k8s_plugin_power_aware,
    &k8s_plugin_gpu_share,
    &k8s_plugin_gpu_random,
    &k8s_plugin_gpu_dot_product,
    &k8s_plugin_gpu_clustering,
    &k8s_plugin_gpu_packing,
    &k8s_plugin_gpu_best_fit,
    &k8s_plugin_gpu_fgd,
};

vdcsim_policy_info k8s_plugin_info(const k8s_plugin *p)
{
    return (vdcsim_policy_info){.name = p->name,
                                .doc = p->doc ? p->doc : "A kube-scheduler default plugin (docs/k8s-plugins.md).",
                                .args = p->args,
                                .n_args = p->n_args,
                                .args_size = p->args_size};
}

static vdcsim_policy_info info_of(const void *table) { return k8s_plugin_info(table); }

policy_registry k8s_plugin_registry = {
    .name = "k8s_plugin",
    .what = "kube-scheduler plugins: the Filter and Score extension points of a scheduling profile.",
    .schema_key = "kubernetes.scheduler.profiles.[].plugins.[].name",
    .args_key = "kubernetes.scheduler.profiles.[].plugins.[].args",
    .kind = VDCSIM_POLICY_K8S_PLUGIN,
    .builtin = builtin,
    .n_builtin = (uint32_t)(sizeof builtin / sizeof builtin[0]),
    .info_of = info_of,
};

uint32_t k8s_plugin_count(void) { return policy_count(&k8s_plugin_registry); }

const k8s_plugin *k8s_plugin_at(uint32_t i) { return policy_at(&k8s_plugin_registry, i); }

const k8s_plugin *k8s_plugin_lookup(const char *name) { return policy_lookup(&k8s_plugin_registry, name); }
