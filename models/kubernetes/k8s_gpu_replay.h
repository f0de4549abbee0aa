/* k8s_gpu_replay.h - the GPU-sharing experiment of Weng et al. (ATC'23) as
 * a run: kubernetes.node_trace + kubernetes.pod_trace +
 * kubernetes.gpu_experiment (docs/kubernetes-gpu.md, "The paper's protocol").
 *
 * Contract:
 *  - Nodes come from the node list (one k8s node each, with its GPUs as
 *    devices); pods from the pod list, read as a stream and kept as one
 *    index per pod into a table of distinct pod shapes (cpu, memory, GPUs,
 *    milli, gpu_spec), so memory grows with the shapes, not the pods' text.
 *  - At start the pod list is shuffled with the replay LP's stream 0, then
 *    inflated to `target` x the cluster's GPU capacity by appending pods
 *    drawn with replacement from the list (same stream).
 *  - One LP ("gpu-replay") schedules pod k at k x pod_interval with the
 *    kube-scheduler framework (profile: NodeResourcesFit + GpuShare filters,
 *    the policy's score with weight 1, every node scored, no preemption):
 *    one at a time, no departures, no retries. After each pod it records the
 *    series of group "gpu" (docs/hdf5-layout.md).
 *  - The target workload of FGD is the pod list's GPU task types with their
 *    popularity (before inflation).
 */
#ifndef VDCSIM_MODELS_K8S_GPU_REPLAY_H
#define VDCSIM_MODELS_K8S_GPU_REPLAY_H

struct model_module;
extern const struct model_module gpu_replay_module;

#endif
