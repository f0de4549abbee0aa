/* monitor_k8s.h - the monitors of the Kubernetes control plane's pods
 * (issue 17, items 1-2; docs/properties.md, "Monitors during a run").
 *
 * Contract. The pods kubernetes.deployments and kubernetes.jobs create are
 * API objects of the kube-scheduler LP, which logs every change of their
 * phase as a `k8s_pod_phase` record (models/kubernetes); their monitors
 * live there: the recorder's event watch (rec_event_watch) calls them on
 * that LP's thread with exactly the record the run writes, and the pod's
 * atoms follow props_k8s_pod_record (analysis/props_lifecycle.h), as
 * `vdcsim verify` replays them (analysis/props_k8s_h5.h). A pod's monitor
 * is created at its first record (its creation), with the values every
 * pod has before it from time 0 on, then decides at each record (pods have
 * no samples) and at the end. Entities: pod i (ids in creation order) is
 * named "k8s/W-i", group W (its workload: kubernetes.deployments, then
 * kubernetes.jobs, as /tables/k8s_workloads), after the pod model's pods.
 * monitor_k8s_new returns 0 with *out NULL when no property ranges over
 * pods or the scenario has no workloads; -1 when memory runs out.
 * declare registers the watch (a run whose recorder lacks the kind has no
 * such pods).
 */
#ifndef VDCSIM_MODELS_MONITORS_MONITOR_K8S_H
#define VDCSIM_MODELS_MONITORS_MONITOR_K8S_H

#include "analysis/props_monitor.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"

typedef struct monitor_k8s monitor_k8s;

int monitor_k8s_new(monitor_k8s **out, const props_list *props, const scenario *scn, int64_t end_ns);
int monitor_k8s_declare(monitor_k8s *m, recorder *rec);
int monitor_k8s_finish(monitor_k8s *m, char *err, size_t err_len);
/* Property `prop` (index into the list) of the pods: adds their counts
 * (the pods in its range, violations, pendings) and writes their violations
 * as rows of the violations table `tv` (time, property, entity, witness,
 * obligation start), pod by pod. Nothing when m is NULL. 0, or -1. */
int monitor_k8s_write(const monitor_k8s *m, recorder *rec, int tv, int prop, const char *prop_name, long *entities,
                      long *violations, long *pending);
void monitor_k8s_free(monitor_k8s *m);

#endif
