/* k8s_plugin_example.h - arguments of the PowerAware example plugin. */
#ifndef VDCSIM_MODELS_K8S_PLUGIN_EXAMPLE_H
#define VDCSIM_MODELS_K8S_PLUGIN_EXAMPLE_H

#include "models/kubernetes/k8s_objects.h"

typedef struct k8s_power_aware_args {
    double idle_watts; /* used when a node has no power.vdcsim.io/idle-watts label */
    double max_watts;  /* used when a node has no power.vdcsim.io/max-watts label */
} k8s_power_aware_args;

/* Watts the pod would add on node n (exposed for tests). */
double k8s_power_aware_added_watts(const k8s_power_aware_args *a, const k8s_node *n, int64_t pod_milli_cpu);

#endif
