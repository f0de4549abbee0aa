/* alibaba_gpu.h - streaming reader of the Alibaba GPU cluster trace v2023
 * ("openb", alibaba/clusterdata cluster-trace-gpu-v2023/csv; Weng et al.,
 * ATC'23): the node lists and the pod (task) lists, row by row.
 *
 * Contract:
 *  - A file is read as a stream: one row in memory at a time, so a pod list
 *    of any length costs constant memory here.
 *  - The header names the columns; they are found by name, so the pod
 *    files with 11 columns and the multigpu files with 5 both read. Required:
 *    nodes sn, cpu_milli, memory_mib, gpu, model; pods name, cpu_milli,
 *    memory_mib, num_gpu, gpu_milli. Optional pod columns: gpu_spec, qos,
 *    pod_phase, creation_time, deletion_time, scheduled_time (absent or
 *    empty times read as -1). Other columns are ignored.
 *  - Rows are checked: every row has the header's number of fields;
 *    numbers are non-negative integers; a node has 0..64 GPUs and a model
 *    when it has any; a pod asks 0..64 GPUs, gpu_milli 0 without GPUs and
 *    1..1000 with, below 1000 only for one GPU (sharing). Errors read
 *    "FILE:LINE: column 'x': 'text' is ... (expected ...)".
 */
#ifndef VDCSIM_TRACES_ALIBABA_GPU_H
#define VDCSIM_TRACES_ALIBABA_GPU_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define AGPU_NAME_LEN 64
#define AGPU_MAX_GPUS 64

typedef enum { AGPU_NODES, AGPU_PODS } agpu_kind;

typedef struct agpu_node {
    char name[AGPU_NAME_LEN];
    int64_t cpu_milli, memory_mib;
    int32_t gpu;
    char model[AGPU_NAME_LEN];
} agpu_node;

typedef struct agpu_pod {
    char name[AGPU_NAME_LEN];
    int64_t cpu_milli, memory_mib;
    int32_t num_gpu, gpu_milli; /* gpu_milli per GPU */
    char gpu_spec[AGPU_NAME_LEN]; /* "" = any model */
    int64_t creation_s, deletion_s, scheduled_s; /* -1 = absent */
} agpu_pod;

enum { AGPU_MAX_COLUMNS = 16 };

typedef struct agpu_reader {
    FILE *f;
    char path[1024];
    agpu_kind kind;
    int line;                       /* of the row last read */
    int n_columns;                  /* in the header */
    int col[AGPU_MAX_COLUMNS];      /* field index of each known column, -1 absent */
} agpu_reader;

/* Opens path and reads its header. 0, or -1 with a message. */
int agpu_open(agpu_reader *r, const char *path, agpu_kind kind, char *err, size_t err_len);
/* The next row: 1, 0 at the end, -1 with a message. */
int agpu_next_node(agpu_reader *r, agpu_node *out, char *err, size_t err_len);
int agpu_next_pod(agpu_reader *r, agpu_pod *out, char *err, size_t err_len);
void agpu_close(agpu_reader *r);

#endif
