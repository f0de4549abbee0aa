/* oom.h - memory limits, QoS classes and the OOM killer for containers.
 *
 * Pure functions. Memory in MiB.
 *  - A container whose memory usage exceeds its limit is killed by the cgroup
 *    OOM killer (exit code 137 = 128 + SIGKILL).
 *  - QoS class (Kubernetes): Guaranteed when CPU and memory both have a
 *    limit equal to the request; BestEffort when nothing is requested or
 *    limited; Burstable otherwise.
 *  - oom_score_adj (kubelet pkg/kubelet/qos/policy.go): Guaranteed -997,
 *    BestEffort 1000, Burstable 1000 - 1000*memRequest/memCapacity (integer
 *    division) clamped to [3, 999].
 *  - When the node runs out of memory the kernel kills the process with the
 *    highest badness = usage + adj * capacity / 1000 (oom_badness(): rss +
 *    swap + page tables, plus adj * totalpages / 1000), one at a time, until
 *    the rest fits. Kubelet eviction (memory.available < 100Mi) is not
 *    modelled: the kernel acts first in this model.
 */
#ifndef VDCSIM_MODELS_OOM_H
#define VDCSIM_MODELS_OOM_H

#include <stddef.h>
#include <stdint.h>

#define OOM_EXIT_CODE 137

typedef enum { QOS_GUARANTEED, QOS_BURSTABLE, QOS_BEST_EFFORT } qos_class;

const char *qos_class_name(qos_class q);

/* Requests and limits as Kubernetes sees them: 0 means not set. */
qos_class qos_class_of(int64_t cpu_request_m, int64_t cpu_limit_m, uint64_t mem_request, uint64_t mem_limit);

/* oom_score_adj for a container of class q; memory in any one unit. */
int oom_score_adj(qos_class q, uint64_t mem_request, uint64_t node_mem_capacity);

/* 1 when usage exceeds a set limit (limit 0 = none). */
int oom_over_limit(double usage_mib, double limit_mib);

/* The kernel's badness of a process using usage_mib on a node of capacity_mib. */
double oom_badness(double usage_mib, int adj, double capacity_mib);

/* Node OOM: while the total usage exceeds capacity, the live candidate with
 * the highest badness is killed (ties: larger usage, then lower index).
 * Writes the victims' indices to victims in kill order; returns how many. */
size_t oom_node_victims(size_t n, const double *usage_mib, const int *adj, double capacity_mib, size_t *victims,
                        unsigned char *dead);

#endif
