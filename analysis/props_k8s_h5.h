/* props_k8s_h5.h - the pods of the Kubernetes control plane as entities of
 * the property language, read from a run file (docs/properties.md, "pods").
 *
 * Contract: pk8s_h5_load() reads the `k8s_pod_phase` records of /events
 * (subject = pod id, counted from 0 in creation order; a = the control
 * plane's phase after the record, PK8S_* of props_lifecycle.h; b = the
 * workload, a row of /tables/k8s_workloads) and the workloads' names. A run
 * without them has no such pods (count 0). Pod i is named "k8s/W-i" and its
 * group is W, its workload's name (so `forall pod in deployment "W"` ranges
 * over them). Its signals replay its records through props_k8s_pod_record,
 * as the monitors do (models/monitors/monitor_k8s.c). A record naming a pod
 * or a workload out of range, an unknown phase, a time going back or a pod
 * whose first record is not its creation is an error naming /events. Not
 * thread-safe (HDF5).
 */
#ifndef VDCSIM_ANALYSIS_PROPS_K8S_H5_H
#define VDCSIM_ANALYSIS_PROPS_K8S_H5_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/props_parse.h"
#include "analysis/props_signal.h"

typedef struct pk8s_h5 pk8s_h5;

/* Returns 0 (with *out set, possibly holding no pod), or -1 with a message. */
int pk8s_h5_load(hid_t file, pk8s_h5 **out, char *err, size_t err_len);
long pk8s_h5_count(const pk8s_h5 *k);
void pk8s_h5_describe(const pk8s_h5 *k, size_t pod, char *name, size_t name_len, char *group, size_t group_len);
/* The signal of a pod atom for pod `pod` over [0, end_ns); out initialised here. */
int pk8s_h5_signal(const pk8s_h5 *k, props_atom a, size_t pod, int64_t end_ns, ps_signal *out, char *err,
                   size_t err_len);
void pk8s_h5_free(pk8s_h5 *k);

#endif
