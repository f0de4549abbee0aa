/* fuzz_lanl.c - the LANL failure-trace reader on an arbitrary file, then
 * what `vdcsim failures fit` does with a trace it read: per-system
 * statistics and fits (analysis/failure_report.c, analysis/fit.c), with the
 * default grouping window and with none. */
#include "analysis/failure_report.h"
#include "fuzz/fuzz_input.h"
#include "traces/failure_trace.h"

static void summarize(const failure_trace *t, int64_t window_s)
{
    failure_report_options opts = {.group_window_s = window_s};
    failure_system_summary *rows = NULL;
    size_t n = 0;
    if (failure_report_summarize(t, &opts, &rows, &n) == 0)
        free(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256], err[2048];
    if (!fuzz_write_file(data, size, ".csv", path, sizeof path))
        return 0;
    failure_trace t;
    if (failure_trace_load_lanl(path, &t, err, sizeof err) == 0) {
        failure_report_options defaults;
        failure_report_options_default(&defaults);
        summarize(&t, defaults.group_window_s);
        summarize(&t, 0);
        failure_trace_free(&t);
    }
    unlink(path);
    return 0;
}
