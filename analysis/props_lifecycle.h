/* props_lifecycle.h - the lifecycle states of the property language
 * (issue 17, item 3; docs/properties.md, "Built-in properties"): the vSphere
 * power state of a VM and the Kubernetes phase of a pod, computed from the
 * event-log records. One function per family, called by the offline reader
 * (props_h5.c) and by the monitors (models/monitors), so both see the same
 * states.
 *
 * Contract. A lifecycle holds the current state and the state before its
 * last transition (-1 before the first). VM records (0 vm_started,
 * 1 vm_stopped, 2 vm_failed) are each one transition of
 * VirtualMachinePowerState: started -> poweredOn (1), stopped or failed ->
 * poweredOff (0); a record that leaves the state where it was is recorded
 * as a self-transition (before == state), which the power-state machine
 * does not have. Pod records (0 pod_started, 1 pod_oom_killed,
 * 2 pod_crashed, 3 pod_restarted, 4 pod_failed) set the phase: Running (1)
 * for the first four (a container restart keeps the pod Running), Failed
 * (3) for pod_failed (its node stopped); only a change of phase is a
 * transition. A pod_started after Failed starts its replacement [M]: the
 * pod model restarts the same replica, which Kubernetes does with a new pod
 * that is Pending until it runs, so the transition is Pending -> Running.
 */
#ifndef VDCSIM_ANALYSIS_PROPS_LIFECYCLE_H
#define VDCSIM_ANALYSIS_PROPS_LIFECYCLE_H

#include "analysis/props_parse.h"

enum { PL_POWERED_OFF = 0, PL_POWERED_ON = 1, PL_SUSPENDED = 2 };
enum { PL_PENDING = 0, PL_RUNNING = 1, PL_SUCCEEDED = 2, PL_FAILED = 3 };

typedef struct props_lifecycle {
    int state;  /* power state or phase */
    int before; /* before the last transition; -1: none yet */
} props_lifecycle;

/* A VM before any record: poweredOff, no transition. */
void props_vm_power_init(props_lifecycle *l);
void props_vm_power_record(props_lifecycle *l, int record);
/* A pod before any record: Pending, no transition. */
void props_pod_phase_init(props_lifecycle *l);
void props_pod_phase_record(props_lifecycle *l, int record);

/* The pods of the Kubernetes control plane (kubernetes.workloads) from the
 * `k8s_pod_phase` records of the kube-scheduler LP (models/kubernetes): its
 * phase of the pod's API object after each change, PK8S_* below (the first
 * record, Pending, is the pod's creation). Their atoms [M]:
 *   pod.pending  while Pending or Bound (accepted, not yet reported running
 *                by its kubelet) and the pod has not run yet;
 *   pod.running  while Running (from its kubelet's report, k8s_pod_running);
 *   pod.phase    NaN before its creation; Pending (0) until it first runs,
 *                Running (1) from then on, also while Bound again on a node
 *                that came back (Kubernetes keeps the phase Running while the
 *                containers restart: neither pending nor running then, as a
 *                pod in back-off), Succeeded (2) once a Job's pod completed;
 *                a deleted pod (scale-down, eviction, preemption, rejection)
 *                is neither pending nor running and keeps its last phase;
 *   pod.phase_before  the phase before its last change, -1 before the first
 *                (the creation is no transition). */
enum { PK8S_PENDING = 0, PK8S_BOUND = 1, PK8S_RUNNING = 2, PK8S_SUCCEEDED = 3, PK8S_DELETED = 4 };

typedef struct props_k8s_pod {
    int cp;      /* the control plane's phase, -1 before the creation */
    int has_run; /* reported running at least once */
    props_lifecycle l;
} props_k8s_pod;

void props_k8s_pod_init(props_k8s_pod *p);
/* A record with the control plane's phase cp (PK8S_*); a value out of range is ignored. */
void props_k8s_pod_record(props_k8s_pod *p, int cp);
/* The value of a pod atom (pod.pending, pod.running, pod.phase, pod.phase_before). */
double props_k8s_pod_value(const props_k8s_pod *p, props_atom a);

#endif
