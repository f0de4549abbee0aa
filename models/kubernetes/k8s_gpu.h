/* k8s_gpu.h - GPUs as devices on Kubernetes nodes (issue 16, docs/kubernetes-gpu.md).
 *
 * Contract:
 *  - A node has up to K8S_GPU_MAX GPUs of one model, each with
 *    K8S_GPU_MILLI (1000) milli-GPU. The state lives beside the snapshot
 *    (k8s_snapshot.gpu, NULL = no devices: GPUs stay one pooled resource as
 *    before) and is indexed like the snapshot's nodes and pod slots.
 *  - A pod asks for num_gpu GPUs of milli milli-GPU each (k8s_gpu_request_of):
 *    a sharing pod (1 GPU, milli < 1000) goes on one GPU with that much
 *    left; a multi-GPU pod takes whole free GPUs; gpu_spec ("A10|T4", ""
 *    = any) limits the models.
 *  - Which GPUs of the chosen node a pod takes is the policy's choice: a
 *    policy plugin's Reserve calls k8s_gpu_reserve(); binding the pod
 *    (k8s_snapshot_add_pod) takes that choice. Without one (a profile with
 *    no GPU policy) the default choice is k8s_gpu_choose_best_fit.
 *  - Removing or detaching a pod frees its GPUs; re-attaching it to the
 *    same node takes the same GPUs back (preemption dry runs).
 *  - Fragmentation (Weng et al., ATC'23, section 3; the artifact's
 *    GetNodePodFrag / NodeGpuShareFragAmount): for a task type, a node's
 *    unallocated GPU milli is all fragmented if the task cannot run there
 *    (CPU short, too few GPUs with enough left, model excluded), otherwise
 *    the unallocated milli of GPUs with less left than the task's milli is.
 *    A node's fragmentation is the popularity-weighted sum over the target
 *    workload's task types.
 *  - Nothing here draws random numbers or reads the clock.
 */
#ifndef VDCSIM_MODELS_K8S_GPU_H
#define VDCSIM_MODELS_K8S_GPU_H

#include <stddef.h>
#include <stdint.h>

#include "models/kubernetes/k8s_objects.h"

#define K8S_GPU_MAX 8        /* GPUs per node (openb nodes have 0, 1, 2, 4 or 8) */
#define K8S_GPU_MILLI 1000   /* one whole GPU */
#define K8S_GPU_MODEL_LEN 24

typedef struct k8s_gpu_node {
    uint32_t n_gpu;
    char model[K8S_GPU_MODEL_LEN];
    int32_t free_milli[K8S_GPU_MAX];
} k8s_gpu_node;

/* What a pod asks of the devices. */
typedef struct k8s_gpu_request {
    int32_t num_gpu; /* 0 = no GPU */
    int32_t milli;   /* per GPU, 1..1000 */
    const char *spec; /* allowed models separated by '|'; "" = any */
} k8s_gpu_request;

/* One task type of the target workload (FGD) with its popularity. */
typedef struct k8s_gpu_task_type {
    int64_t cpu_milli;
    int32_t num_gpu, milli;
    char spec[K8S_STR];
    double weight; /* popularity, the weights sum to 1 */
} k8s_gpu_task_type;

typedef struct k8s_gpu_state {
    k8s_gpu_node *nodes; /* by snapshot node index; a node past n_nodes has no GPU */
    uint32_t n_nodes, nodes_cap;
    uint16_t *pod_mask;  /* by pod slot: GPUs it holds (bit i = GPU i) */
    int32_t *pod_node;   /* by pod slot: node of pod_mask (kept while detached), -1 */
    uint32_t n_slots, slots_cap;
    int32_t pending_node; /* a Reserve's choice for the next bind, -1 */
    uint16_t pending_mask;
    uint64_t seed;        /* for the Random policy's GPU choice (from the caller's stream) */
    k8s_gpu_task_type *types; /* FGD's target workload; n_types = 0: none */
    uint32_t n_types;
    double *frag;             /* by node: k8s_gpu_node_frag against types, valid when frag_ok */
    uint8_t *frag_ok;         /* cleared when a pod joins or leaves the node */
} k8s_gpu_state;

/* The GPU request of a pod: its gpu_num/gpu_milli when set, else derived
 * from its K8S_GPU request t: t < 1000 is one shared GPU, otherwise
 * ceil(t / 1000) whole GPUs [M]. */
k8s_gpu_request k8s_gpu_request_of(const k8s_pod_spec *p);

/* Attaches an empty state to the snapshot (idempotent); -1 out of memory. */
int k8s_gpu_enable(k8s_snapshot *s);
void k8s_gpu_state_free(k8s_gpu_state *g);
/* Gives node n_gpu GPUs of model (all free); -1 if n_gpu > K8S_GPU_MAX or out of memory. */
int k8s_gpu_set_node(k8s_snapshot *s, uint32_t node, uint32_t n_gpu, const char *model);
/* The node's devices, or NULL when it has none. */
const k8s_gpu_node *k8s_gpu_node_of(const k8s_snapshot *s, uint32_t node);

/* 1 if spec ("A|B", "" = any) allows model. */
int k8s_gpu_spec_allows(const char *spec, const char *model);
/* Number of GPUs of g with at least milli left. */
uint32_t k8s_gpu_count_fitting(const k8s_gpu_node *g, int32_t milli);
/* 1 if the request fits the node's devices (model allowed, enough GPUs with milli left). */
int k8s_gpu_fits(const k8s_gpu_node *g, const k8s_gpu_request *r);

/* GPU choices (masks of r->num_gpu GPUs, 0 if it does not fit): among the
 * GPUs with at least r->milli left, best fit takes those with the least
 * left, worst fit those with the most; ties go to the lowest index. */
uint16_t k8s_gpu_choose_best_fit(const k8s_gpu_node *g, const k8s_gpu_request *r);
uint16_t k8s_gpu_choose_worst_fit(const k8s_gpu_node *g, const k8s_gpu_request *r);
/* The devices after taking mask for milli each (copy of g). */
k8s_gpu_node k8s_gpu_after(const k8s_gpu_node *g, uint16_t mask, int32_t milli);

/* A policy's Reserve: the next k8s_snapshot_add_pod on node takes mask. */
void k8s_gpu_reserve(k8s_snapshot *s, uint32_t node, uint16_t mask);
void k8s_gpu_unreserve(k8s_snapshot *s);
/* GPUs held by the pod in slot (0 if none). */
uint16_t k8s_gpu_pod_mask(const k8s_snapshot *s, uint32_t slot);

/* Called by the snapshot when a pod is linked to / unlinked from a node. */
void k8s_gpu_on_link(k8s_snapshot *s, uint32_t slot, int32_t node);
void k8s_gpu_on_unlink(k8s_snapshot *s, uint32_t slot);

/* Fragmented milli-GPU of a node (devices g, cpu_free_milli CPU left) for
 * one task type, and its expectation over the target workload. */
int64_t k8s_gpu_frag_for_task(const k8s_gpu_node *g, int64_t cpu_free_milli, const k8s_gpu_task_type *t);
double k8s_gpu_node_frag(const k8s_gpu_node *g, int64_t cpu_free_milli, const k8s_gpu_task_type *types,
                         uint32_t n_types);
/* Why unallocated GPU milli cannot serve the target workload, after the
 * artifact's categories (utils.FragRatioDataMap): for each task type, the
 * node's unallocated milli goes to one cause, weighted by popularity. */
typedef enum {
    K8S_GPU_USABLE,      /* Q3: the task fits and the GPU has enough left */
    K8S_GPU_LACK_GPU,    /* Q2 and the too-small GPUs of Q3: fragmented */
    K8S_GPU_LACK_CPU,    /* Q4: GPUs would do, CPU is short */
    K8S_GPU_LACK_BOTH,   /* Q1 */
    K8S_GPU_NO_ACCESS,   /* the task excludes the node's model */
    K8S_GPU_CPU_TASK,    /* XL/XR: a CPU-only task (uses no GPU) */
    K8S_GPU_N_CAUSES
} k8s_gpu_cause;
void k8s_gpu_unallocated_by_cause(const k8s_gpu_node *g, int64_t cpu_free_milli, const k8s_gpu_task_type *types,
                                  uint32_t n_types, double out[K8S_GPU_N_CAUSES]);
/* Sets the target workload (the state takes types, malloc'd) and forgets
 * the cached fragmentation. */
void k8s_gpu_set_types(k8s_snapshot *s, k8s_gpu_task_type *types, uint32_t n_types);
/* The node's fragmentation against the target workload with its CPU left
 * in the snapshot, cached until a pod joins or leaves the node. */
double k8s_gpu_node_frag_cached(const k8s_snapshot *s, uint32_t node);
/* Unallocated milli-GPU of a node. */
int64_t k8s_gpu_free_total(const k8s_gpu_node *g);

/* Grows *p (an array of *cap elements of `elem` bytes) to hold at least
 * `need`, doubling; 0, or -1 when out of memory or past 2^32 elements. */
int k8s_gpu_grow(void **p, uint32_t *cap, uint32_t need, size_t elem);

#endif
