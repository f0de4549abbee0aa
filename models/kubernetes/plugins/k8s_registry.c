/* k8s_registry.c - every scheduler plugin known by name.
 *
 * To add a research plugin: write models/k8s_plugin_<name>.c defining a
 * const k8s_plugin, declare it in models/kubernetes/plugins/k8s_plugins.h, and add one line to
 * the table below (see docs/k8s-plugins.md). */
#include "models/kubernetes/plugins/k8s_plugins.h"

#include <string.h>

static const k8s_plugin *const registry[] = {
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
};

uint32_t k8s_plugin_count(void) { return (uint32_t)(sizeof registry / sizeof registry[0]); }

const k8s_plugin *k8s_plugin_at(uint32_t i) { return i < k8s_plugin_count() ? registry[i] : NULL; }

const k8s_plugin *k8s_plugin_lookup(const char *name)
{
    for (uint32_t i = 0; i < k8s_plugin_count(); i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}
