/* k8s_template_build.h - the Kubernetes object keys of a scenario turned into
 * the library's structs (k8s_objects.h): the pod template of Deployments and
 * Jobs (scenario/keys_k8s_pod_template.inc), node group labels, taints, GPUs
 * and images, and PodDisruptionBudgets.
 *
 * Contract:
 *  - Every reader returns 0, -2 with "FILE:LINE: key 'K': ..." in err for a
 *    bad value, or -1 when out of memory.
 *  - Selectors are kubectl -l selectors: requirements ANDed with commas, each
 *    "k=v" / "k==v" (In), "k!=v" (NotIn), "k in (a,b)", "k notin (a,b)",
 *    "k" (Exists), "!k" (DoesNotExist).
 *  - k8s_pdbs_refresh recomputes status.disruptionsAllowed as the disruption
 *    controller does (pkg/controller/disruption/disruption.go): currentHealthy
 *    minus desiredHealthy, never below 0.
 */
#ifndef VDCSIM_MODELS_K8S_TEMPLATE_BUILD_H
#define VDCSIM_MODELS_K8S_TEMPLATE_BUILD_H

#include <stddef.h>

#include "models/kubernetes/k8s_objects.h"
#include "scenario/scenario.h"

struct k8s_control;

/* Parses a selector; 0, or -1 with the reason in why. */
int k8s_selector_parse(const char *text, k8s_selector *out, char *why, size_t why_len);

/* Reads the template keys of element `elem` ("kubernetes.jobs.[2]") into ps,
 * which already holds name, namespace, owner, the app label and requests. */
int k8s_template_read(const scenario *scn, const char *elem, k8s_pod_spec *ps, char *err, size_t err_len);

/* Node group g's labels, taints and GPUs onto a node being built. */
int k8s_node_group_read(const scenario *scn, int g, k8s_node *kn, char *err, size_t err_len);

/* Node group images onto the snapshot's nodes (node_group[n] = group of node
 * n); each size is the image_size of a deployment or job naming the image. */
int k8s_node_images_read(const scenario *scn, k8s_snapshot *s, const int32_t *node_group, char *err, size_t err_len);

/* kubernetes.pod_disruption_budgets into the snapshot. */
int k8s_pdbs_read(const scenario *scn, k8s_snapshot *s, char *err, size_t err_len);

/* Recomputes every PDB's disruptions_allowed from the control plane's pods:
 * healthy = running pods matching; desired = min_available, or the matching
 * workloads' replicas (Job: parallelism) minus max_unavailable. */
void k8s_pdbs_refresh(struct k8s_control *c);

/* Node group g's GPUs as devices on snapshot node `node` when its gpu_model
 * is set (k8s_gpu.h); nothing otherwise. 0, or -2 with a key error. */
struct k8s_snapshot;
int k8s_node_group_gpus(const scenario *scn, int g, struct k8s_snapshot *snap, uint32_t node, char *err,
                        size_t err_len);

#endif
