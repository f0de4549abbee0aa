/* failure_report.h - per-system failure statistics of a failure trace.
 *
 * For every system in a trace: the number of failures, nodes, system-level
 * events (failures grouped by start time, see failure_trace.h), the
 * failure rate, the system-wide time between events fitted with Weibull and
 * exponential MLEs, the per-node time between failures (pooled over the
 * system's nodes) fitted with a Weibull MLE, and the repair time ("Down
 * Time") fitted with a lognormal MLE. All times are in hours.
 *
 * Repair times of 0 minutes (the trace has one-minute resolution) cannot
 * enter a lognormal; they are left out of the fit and counted in
 * zero_repairs. A fit that cannot be made (too few or identical samples)
 * has its *_ok flag 0 and prints as "-".
 *
 * The total row pools all systems: failures, events and known node counts
 * are summed, and the fits use the union of the per-system samples (gaps
 * are still taken within each system, never across systems).
 */
#ifndef VDCSIM_ANALYSIS_FAILURE_REPORT_H
#define VDCSIM_ANALYSIS_FAILURE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "analysis/fit.h"
#include "traces/failure_trace.h"

typedef struct {
    int64_t group_window_s; /* grouping window; default FAILURE_GROUP_WINDOW_S_DEFAULT */
} failure_report_options;

typedef struct {
    int system_id;              /* -1 for the total row */
    size_t failures;            /* records */
    int system_nodes;           /* largest "nodes" value; -1 if never given */
    size_t failed_nodes;        /* distinct node ids among the records */
    size_t events;              /* system-level events after grouping */
    double span_days;           /* first to last failure start */
    double failures_per_year;   /* failures / span; 0 when span is 0 */
    int tbf_ok;                 /* system-wide time between events, hours */
    weibull_fit tbf_weibull;
    exponential_fit tbf_exponential;
    int node_tbf_ok;            /* per-node time between failures, hours */
    weibull_fit node_tbf_weibull;
    int repair_ok;              /* repair time ("Down Time") > 0, hours */
    lognormal_fit repair_h;
    size_t zero_repairs;        /* Down Time == 0, left out of repair_h */
    double repair_sample_mean_h; /* plain mean of all Down Times, zeros included */
} failure_system_summary;

/* Fills options with the documented defaults. */
void failure_report_options_default(failure_report_options *options);

/* Computes one summary per system, sorted by system id, followed by the
 * total row: *rows_out gets a malloc'ed array of *count_out entries (number
 * of systems + 1). options may be NULL for the defaults. Returns 0, or -1
 * on OOM or an empty trace (then *rows_out is NULL). */
int failure_report_summarize(const failure_trace *trace, const failure_report_options *options,
                             failure_system_summary **rows_out, size_t *count_out);

/* Writes the table: a header, one row per system and the total row.
 * Returns 0, or -1 if the summary cannot be computed or writing fails. */
int failure_report_write(FILE *out, const failure_trace *trace,
                         const failure_report_options *options);

#endif
