/* alibaba_dlrm.h - streaming reader of the Alibaba GPU-disaggregated DLRM
 * inference instance trace (alibaba/clusterdata cluster-trace-gpu-v2025,
 * disaggregated_DLRM_trace.csv; Yang et al., "GPU-Disaggregated Serving for
 * Deep Learning Recommendation Models at Scale", NSDI 2025).
 *
 * Contract:
 *  - A file is read as a stream: one row in memory at a time.
 *  - Columns are found by the header's names. Required: instance_sn, role,
 *    app_name, cpu_request, gpu_request, rdma_request, memory_request,
 *    disk_request, max_instance_per_node, creation_time, deletion_time;
 *    optional: scheduled_time. The *_limit columns are ignored (the trace
 *    sets them equal to the requests).
 *  - Rows are checked: the header's number of fields; role CN or HN; app
 *    and name not empty; cpu_request an integer 0..100000 vCPU; gpu_request
 *    0..64; rdma_request 0..100 (% of one RNIC); memory and disk decimal
 *    GiB 0..10^7; max_instance_per_node -1 (no limit) or 1..100000; times
 *    decimal seconds 0..10^9, empty or NaN = absent (creation: existed
 *    before the trace; deletion: still running at its end); a deletion
 *    before the creation is refused. Errors read
 *    "FILE:LINE: column 'x': 'text' is ... (expected ...)".
 */
#ifndef VDCSIM_TRACES_ALIBABA_DLRM_H
#define VDCSIM_TRACES_ALIBABA_DLRM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ADLRM_NAME_LEN 64
#define ADLRM_MAX_COLUMNS 24

typedef enum { ADLRM_CN, ADLRM_HN } adlrm_role; /* CPU-node / heterogeneous-GPU-node instance */

typedef struct adlrm_instance {
    char name[ADLRM_NAME_LEN];
    adlrm_role role;
    char app[ADLRM_NAME_LEN];
    int32_t cpu;             /* vCPU */
    int32_t gpu;             /* whole GPUs */
    int32_t rdma_pct;        /* % of one RNIC's bandwidth */
    int64_t memory_mib, disk_mib; /* from GiB, rounded to the MiB */
    int32_t max_per_node;    /* most instances of the app on one node; -1 = no limit */
    int64_t creation_ns, scheduled_ns, deletion_ns; /* from the trace start; -1 = absent */
} adlrm_instance;

typedef struct adlrm_reader {
    FILE *f;
    char path[1024];
    int line;                       /* of the row last read */
    int n_columns;                  /* in the header */
    int col[ADLRM_MAX_COLUMNS];     /* field index of each known column, -1 absent */
} adlrm_reader;

/* Opens path and reads its header. 0, or -1 with a message. */
int adlrm_open(adlrm_reader *r, const char *path, char *err, size_t err_len);
/* The next row: 1, 0 at the end, -1 with a message. */
int adlrm_next(adlrm_reader *r, adlrm_instance *out, char *err, size_t err_len);
void adlrm_close(adlrm_reader *r);

#endif
