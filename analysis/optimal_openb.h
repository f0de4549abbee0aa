/* optimal_openb.h - a sample of the Alibaba GPU trace v2023 ("openb",
 * traces/alibaba_gpu.h) as an exact placement instance, for the study of
 * docs/optimal.md.
 *
 * Sample (deterministic): n_pods pods taken every floor(P / n_pods)-th row
 * of the pod list (P rows), and n_nodes nodes every floor(N / n_nodes)-th
 * row of the node list. A node becomes a host: logical CPUs = cpu_milli /
 * 1000, CPU capacity = cpu_milli, memory = memory_mib (committed and
 * physical), GPUs = gpu x 1000 thousandths. A pod becomes a VM whose CPU
 * request is a CPU reservation of cpu_milli (requests must fit
 * allocatable, as the scheduler's NodeResourcesFit filter checks),
 * expected CPU = cpu_milli, memory = memory_mib, one vCPU, GPU demand =
 * num_gpu x gpu_milli; a gpu_spec (e.g. "V100M16|V100M32") becomes a hard
 * VM-host rule to the nodes of those models. GPU is one summed resource
 * per node [M]: a shared pod's fraction is not tied to one device, so the
 * optimum is that of this relaxation (a lower bound for device-exact
 * packing), and the heuristics are measured under the same relaxation.
 */
#ifndef VDCSIM_ANALYSIS_OPTIMAL_OPENB_H
#define VDCSIM_ANALYSIS_OPTIMAL_OPENB_H

#include "analysis/optimal_placement.h"

typedef struct optimal_openb {
    optimal_instance in;
    placement_host_view *hosts;
    placement_request *vms;
    uint32_t *vm_gpu_milli, *host_gpu_milli;
    drs_rule *rules;
    uint32_t *members;
} optimal_openb;

/* Reads the sample from the two CSV files. 0, or -1 with a message
 * (FILE:LINE from the reader, or out of memory). */
int optimal_openb_load(const char *nodes_csv, const char *pods_csv, uint32_t n_nodes, uint32_t n_pods,
                       optimal_openb *out, char *err, size_t err_len);
void optimal_openb_free(optimal_openb *o);

#endif
