/* k8s_preemption.h - DefaultPreemption, the PostFilter plugin
 * (pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go and
 * pkg/scheduler/framework/preemption/preemption.go).
 *
 * When no node passes the filters, every node that failed with Unschedulable
 * (not UnschedulableAndUnresolvable) is a potential node. Starting at a random
 * offset, nodes are dry-run until max(10 % of them, 100) candidates are found
 * (and at least one without PDB violations): on each, all lower-priority pods
 * are removed, the pod must then pass the filters, and victims are reprieved
 * one by one (PDB-violating ones first, most important first) while it still
 * passes. The node is then chosen by pickOneNodeForPreemption. The snapshot
 * is left as it was: the caller evicts the victims.
 */
#ifndef VDCSIM_MODELS_K8S_PREEMPTION_H
#define VDCSIM_MODELS_K8S_PREEMPTION_H

#include "models/kubernetes/k8s_framework.h"

/* PostFilter: fills out->nominated_node, victims, pdb_violations; *nodes_tried
 * is the number of nodes dry-run (for the cost model). status[node] is the
 * filter result of each node in the failed cycle. */
void k8s_preempt(k8s_cycle *c, const k8s_code *status, gsl_rng *rng, k8s_schedule_result *out,
                 uint32_t *nodes_tried);

/* SelectVictimsOnNode. Returns 1 and the victims (most important first) if
 * evicting them lets the pod fit, 0 if preemption on this node cannot help.
 * victims must hold the node's pod count. The snapshot is restored. */
int k8s_select_victims_on_node(k8s_cycle *c, uint32_t node, uint32_t *victims, uint32_t *n_victims,
                               uint32_t *n_pdb_violations);

/* util.MoreImportantPod: higher priority, then earlier start. */
int k8s_more_important_pod(const k8s_pod *a, const k8s_pod *b);

#endif
