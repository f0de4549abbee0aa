/* check_lanl.c - the LANL failure trace: record count and the Weibull shape
 * of each system's times between failures. */
#include <stdio.h>
#include <stdlib.h>

#include "analysis/failure_report.h"
#include "traces/failure_trace.h"
#include "traces/trace_locate.h"
#include "validation/report.h"

/* LANL failure data: Schroeder & Gibson (DSN 2006) report times between
 * failures fit by a Weibull with decreasing hazard; the trace's MANIFEST
 * gives shapes 0.40-0.89 for 22 of its 23 systems. */
void check_lanl(report *r, const validate_options *o)
{
    char path[4200], err[2048];
    (void)o;
    if (trace_locate(VDCSIM_SOURCE_DIR, "lanl-failures-1996-2005/LA-UR-05-7318-failure-data-1996-2005.csv", path,
                     sizeof path) != 0) {
        add_row(r, ROW_SKIPPED, "LANL: trace loads", "23739 failures", "no trace here (VDCSIM_TRACES)", "-");
        return;
    }
    failure_trace trace;
    if (failure_trace_load_lanl(path, &trace, err, sizeof err) != 0) {
        add_row(r, 0, "LANL: trace loads", "23739 failures", err, "-");
        return;
    }
    char got[64];
    snprintf(got, sizeof got, "%zu failures", trace.count);
    add_row(r, trace.count == 23739, "LANL: failure records in the trace", "23739 failures", got, "exact");

    failure_report_options opts;
    failure_report_options_default(&opts);
    failure_system_summary *rows = NULL;
    size_t n = 0;
    int in_band = 0, systems = 0;
    if (failure_report_summarize(&trace, &opts, &rows, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (rows[i].system_id < 0)
                continue;
            systems++;
            double k = rows[i].tbf_weibull.shape;
            in_band += rows[i].tbf_ok && k >= 0.40 && k <= 0.89;
        }
    }
    snprintf(got, sizeof got, "%d of %d", in_band, systems);
    add_row(r, systems == 23 && in_band >= 22, "LANL: Weibull shape of system TBF in [0.40, 0.89]", ">= 22 of 23",
            got, "MLE");
    free(rows);
    failure_trace_free(&trace);
}

