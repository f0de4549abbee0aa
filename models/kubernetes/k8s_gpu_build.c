/* k8s_gpu_build.c - GPU devices of Kubernetes node groups from the scenario
 * (kubernetes.node_groups.[].gpu_model; docs/kubernetes-gpu.md). */
#include <math.h>

#include "models/kubernetes/k8s_gpu.h"
#include "models/kubernetes/k8s_template_build.h"

int k8s_node_group_gpus(const scenario *scn, int g, k8s_snapshot *snap, uint32_t node, char *err, size_t err_len)
{
    const char *model = scn_string(scn, "kubernetes.node_groups.[%d].gpu_model", g);
    if (model[0] == '\0')
        return 0; /* GPUs stay one pooled number, as before */
    double gpus = scn_float(scn, "kubernetes.node_groups.[%d].gpus", g);
    if (gpus != floor(gpus) || gpus > K8S_GPU_MAX) {
        char key[96];
        snprintf(key, sizeof key, "kubernetes.node_groups.[%d].gpus", g);
        return scn_key_error(scn, err, err_len, key,
                             "%g GPUs with gpu_model '%s' (expected a whole number from 0 to %d: GPUs as devices)",
                             gpus, model, K8S_GPU_MAX);
    }
    return k8s_gpu_set_node(snap, node, (uint32_t)gpus, model) == 0 ? 0 : -1;
}
