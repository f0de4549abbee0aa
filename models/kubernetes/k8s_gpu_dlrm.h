/* k8s_gpu_dlrm.h - a timed replay of the Alibaba DLRM instance trace
 * (cluster-trace-gpu-v2025; Yang et al., NSDI 2025): kubernetes.pod_trace
 * with format "alibaba-dlrm-2025" + kubernetes.dlrm_replay
 * (docs/kubernetes-gpu.md, "The DLRM trace").
 *
 * Contract:
 *  - The trace has no node list: the nodes are the scenario's two pools,
 *    cn_nodes CPU nodes and hn_nodes GPU nodes (GPUs as devices, k8s_gpu.h),
 *    each with RNIC bandwidth rnics x 100 %.
 *  - The file is read as a stream; an instance is kept as 40 bytes (its
 *    shape index, app index, spread limit and times), the shapes (role,
 *    CPU, GPUs, RDMA, memory, disk) once each: memory grows with the
 *    instances' count, not their text.
 *  - One LP ("dlrm-replay") replays the instances in (creation_time, file
 *    order); instances without a creation_time existed before the trace
 *    and arrive at 0. Each gets one scheduling cycle (profile:
 *    NodeResourcesFit + GpuShare + DlrmInstanceFit filters, the policy's
 *    score with weight 1, every node scored, no preemption); one that does
 *    not fit is counted failed and dropped (no retries). A placed instance
 *    leaves at its deletion_time (none: it stays); at equal times
 *    departures run first.
 *  - DlrmInstanceFit (a Filter of this module): a CN instance goes only on
 *    a CN node and an HN instance on an HN node; the node's RDMA shares sum
 *    to at most its capacity; at most max_instance_per_node instances of
 *    the same app on a node.
 *  - Every sample_interval it records the series of group "dlrm"; the end
 *    writes /tables/dlrm_nodes and the dlrm_* attributes.
 */
#ifndef VDCSIM_MODELS_K8S_GPU_DLRM_H
#define VDCSIM_MODELS_K8S_GPU_DLRM_H

struct model_module;
extern const struct model_module dlrm_replay_module;

#endif
