/* failure_trace.h - node failure records read from the LANL failure trace.
 *
 * The LANL release LA-UR-05-7318 is a CSV with one row per node failure
 * (26 columns, see docs/failure-traces.md). failure_trace_load_lanl() reads
 * it into failure_record values; nothing is dropped, every data row becomes
 * exactly one record.
 *
 * Contract:
 *   - Times: "Prob Started"/"Prob Fixed" are wall-clock local times
 *     (m/d/YYYY H:MM, one-minute resolution). They are stored as nanoseconds
 *     since 1970-01-01 00:00 of that wall clock, with no time-zone or
 *     daylight-saving correction. Differences of two stamps are therefore off
 *     by one hour when they straddle a DST change.
 *   - Repair duration: the "Down Time" column (minutes) is the authority. It
 *     already accounts for DST; it disagrees with Prob Fixed - Prob Started by
 *     more than one minute only on such rows (counted in
 *     down_time_mismatch_rows, not rejected).
 *   - Blank node columns (system 17 leaves machine type, nodes and node
 *     numbers blank) are accepted: system_nodes and node_id become -1.
 *   - Rejected with a non-zero return and an error
 *     "FILE:LINE: column 'NAME': what is wrong": wrong header, wrong column
 *     count (including a file truncated mid-line), non-numeric or negative
 *     ids and counts, bad dates, end before start, negative Down Time,
 *     unterminated quotes, more than one root-cause column filled.
 *   - On error the trace is left empty (records == NULL, count == 0).
 *
 * Grouping: failures of one system whose start stamps fall within
 * group_window_s of the first failure of a group form one system-level
 * event. The default window, FAILURE_GROUP_WINDOW_S_DEFAULT = 0, groups
 * exactly the failures stamped with the same minute. Per-node records are
 * never merged; grouping only affects system-wide event times.
 */
#ifndef VDCSIM_MODELS_FAILURE_TRACE_H
#define VDCSIM_MODELS_FAILURE_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

#define FAILURE_GROUP_WINDOW_S_DEFAULT 0
#define FAILURE_CAUSE_DETAIL_MAX 48

/* Root-cause columns in file order; NONE when all six are blank. */
typedef enum {
    FAILURE_CAUSE_NONE = 0,
    FAILURE_CAUSE_FACILITIES,
    FAILURE_CAUSE_HARDWARE,
    FAILURE_CAUSE_HUMAN_ERROR,
    FAILURE_CAUSE_NETWORK,
    FAILURE_CAUSE_UNDETERMINED,
    FAILURE_CAUSE_SOFTWARE,
    FAILURE_CAUSE_COUNT
} failure_cause;

typedef struct {
    int system_id;              /* "System" */
    int system_nodes;           /* "nodes": nodes in the system, -1 if blank */
    int node_id;                /* "nodenumz": node number from 0, -1 if blank */
    sim_time_ns start_ns;       /* "Prob Started", wall clock since 1970 */
    sim_time_ns end_ns;         /* "Prob Fixed", wall clock since 1970 */
    int64_t down_time_min;      /* "Down Time": the repair duration */
    failure_cause cause;
    char cause_detail[FAILURE_CAUSE_DETAIL_MAX]; /* sub-category, truncated */
    int source_line;            /* 1-based line in the file */
} failure_record;

typedef struct {
    failure_record *records;    /* in file order */
    size_t count;
    size_t down_time_mismatch_rows; /* |Down Time - (Fixed - Started)| > 1 min */
} failure_trace;

/* Reads a LANL failure CSV. Returns 0 on success; on failure returns -1,
 * writes a message into err (if err_len > 0) and leaves trace empty. */
int failure_trace_load_lanl(const char *path, failure_trace *trace, char *err, size_t err_len);

/* Frees the records; the trace may be reused or freed again. */
void failure_trace_free(failure_trace *trace);

/* Name of a cause as in the file's header ("Hardware", ...; "none"). */
const char *failure_cause_name(failure_cause cause);

/* Sorted distinct system ids into a malloc'ed array. Returns 0, -1 on OOM. */
int failure_trace_system_ids(const failure_trace *trace, int **ids_out, size_t *count_out);

/* Start times of the system-level events of one system, sorted, after
 * grouping with group_window_s (negative is treated as 0). The array is
 * malloc'ed (NULL when count is 0). Returns 0, -1 on OOM. */
int failure_trace_system_event_starts(const failure_trace *trace, int system_id,
                                      int64_t group_window_s, sim_time_ns **starts_out,
                                      size_t *count_out);

/* Gaps in hours between consecutive failures of the same node, pooled over
 * the nodes of one system. Zero gaps (the same node stamped twice in one
 * minute) and records without a node are left out. Returns 0, -1 on OOM. */
int failure_trace_node_gaps_h(const failure_trace *trace, int system_id, double **gaps_h_out,
                              size_t *count_out);

#endif
