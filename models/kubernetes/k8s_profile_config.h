/* k8s_profile_config.h - scheduler profiles from the scenario's
 * 'kubernetes.scheduler' keys (scenario/keys_kubernetes.inc).
 *
 * Each profile starts from the default plugin list (or none with
 * disable_default_plugins); its 'plugins' entries are applied in order like
 * KubeSchedulerConfiguration's mergePluginSet: an enabled entry naming a
 * plugin already in the list re-weights it in place (weight 0 keeps the
 * weight), a new one is appended (weight 0 -> 1), enabled = false removes it.
 * Unknown plugin names are refused by the loader (FILE:LINE, the name key is
 * an enum of the registry). */
#ifndef VDCSIM_MODELS_K8S_PROFILE_CONFIG_H
#define VDCSIM_MODELS_K8S_PROFILE_CONFIG_H

#include "models/kubernetes/k8s_framework.h"
#include "scenario/scenario.h"

#define K8S_MAX_PROFILES 16

typedef struct k8s_scheduler_config {
    int64_t pod_initial_backoff_ns, pod_max_backoff_ns;
    uint32_t n_profiles;
    k8s_profile profiles[K8S_MAX_PROFILES];
} k8s_scheduler_config;

/* Returns 0, or -1 with "NAME: key 'PATH': what (expected ...)" in err. */
int k8s_scheduler_config_from_scenario(const scenario *s, k8s_scheduler_config *out, char *err, size_t err_len);

#endif
