/* test_trace_duplicates.c - vms.[].trace.duplicates (issue 13, item 9):
 * Bitbrains rows that repeat the previous timestamp are refused (error, the
 * default), replaced by the last row (keep_last) or averaged (average).
 * Expected values by hand from the rows written below. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/check.h"
#include "traces/vm_trace.h"

static const char header[] =
    "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\t"
    "Memory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\t"
    "Disk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]\n";

/* One row: timestamp, CPU usage (MHz), memory usage (KB of 1000 provisioned). */
static void row(FILE *f, long t, double cpu_mhz, double memory_kb)
{
    fprintf(f, "%ld;\t2;\t5000;\t%g;\t2;\t1000;\t%g;\t0;\t0;\t0;\t0\n", t, cpu_mhz, memory_kb);
}

int main(void)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/trace_duplicates", VDCSIM_TEST_TMPDIR);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/1.csv", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return CHECK_DONE();
    fputs(header, f);
    row(f, 300, 100, 200); /* three rows at 300: CPU 100, 200, 600; memory 0.2, 0.4, 0.9 */
    row(f, 300, 200, 400);
    row(f, 300, 600, 900);
    row(f, 600, 50, 100);
    fclose(f);

    trace_table t;
    char err[1024] = "";
    CHECK_INT_EQ(trace_load_dup(dir, TRACE_BITBRAINS, TRACE_DUPLICATES_ERROR, 0, 1, &t, err, sizeof err), -1);
    CHECK(strstr(err, "1.csv:3:1: column 'Timestamp [ms]': 300 is equal to the previous row's 300") != NULL);

    /* keep_last: 600 MHz and 0.9 at 300, then the row at 600 */
    CHECK_INT_EQ(trace_load_dup(dir, TRACE_BITBRAINS, TRACE_DUPLICATES_KEEP_LAST, 0, 1, &t, err, sizeof err), 0);
    CHECK_INT_EQ(t.n_samples, 2);
    if (t.n_samples == 2) {
        CHECK_NEAR(t.cpu[0], 600.0, 0.0);
        CHECK_NEAR(t.memory[0], 0.9, 1e-6);
        CHECK_NEAR(t.cpu[1], 50.0, 0.0);
    }
    trace_free(&t);

    /* average: (100 + 200 + 600) / 3 = 300 MHz; memory (0.2 + 0.4 + 0.9) / 3 = 0.5 */
    CHECK_INT_EQ(trace_load_dup(dir, TRACE_BITBRAINS, TRACE_DUPLICATES_AVERAGE, 0, 1, &t, err, sizeof err), 0);
    CHECK_INT_EQ(t.n_samples, 2);
    if (t.n_samples == 2) {
        CHECK_NEAR(t.cpu[0], 300.0, 1e-4);
        CHECK_NEAR(t.memory[0], 0.5, 1e-6);
        CHECK_NEAR(t.cpu[1], 50.0, 0.0);
        CHECK_NEAR(t.memory[1], 0.1, 1e-6);
    }
    trace_free(&t);

    /* a timestamp going back stays an error whatever the choice */
    f = fopen(path, "a");
    row(f, 300, 1, 1);
    fclose(f);
    CHECK_INT_EQ(trace_load_dup(dir, TRACE_BITBRAINS, TRACE_DUPLICATES_AVERAGE, 0, 1, &t, err, sizeof err), -1);
    CHECK(strstr(err, "300 is before the previous row's 600") != NULL);
    return CHECK_DONE();
}
