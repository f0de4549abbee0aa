/* test_failure_trace.c - reading the LANL failure CSV, grouping, the
 * per-system report, and rejection of malformed files. */
#include "traces/failure_trace.h"
#include "traces/trace_locate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/failure_report.h"
#include "tests/check.h"

#define LANL_TRACE "lanl-failures-1996-2005/LA-UR-05-7318-failure-data-1996-2005.csv"
#define FIXTURE_DIR VDCSIM_SOURCE_DIR "/tests/data/failures/"

static size_t count_system(const failure_trace *trace, int system_id)
{
    size_t n = 0;
    for (size_t i = 0; i < trace->count; i++)
        n += trace->records[i].system_id == system_id;
    return n;
}

static void test_tiny_fixture(const char *name)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s%s", FIXTURE_DIR, name);
    failure_trace trace;
    int status = failure_trace_load_lanl(path, &trace, err, sizeof err);
    if (status != 0)
        fprintf(stderr, "  %s\n", err);
    CHECK_INT_EQ(status, 0);
    CHECK_INT_EQ(trace.count, 6);
    if (trace.count != 6)
        return;

    const failure_record *r = trace.records;
    CHECK_INT_EQ(r[0].system_id, 5);
    CHECK_INT_EQ(r[0].system_nodes, 4);
    CHECK_INT_EQ(r[0].node_id, 0);
    CHECK_INT_EQ(r[0].source_line, 2);
    /* 2004-01-01 is day 12418 after 1970-01-01. */
    CHECK_INT_EQ(r[0].start_ns, (INT64_C(12418) * 1440 + 600) * SIM_NS_PER_MIN);
    CHECK_INT_EQ(r[0].end_ns - r[0].start_ns, 60 * SIM_NS_PER_MIN);
    CHECK_INT_EQ(r[0].down_time_min, 60);
    CHECK_INT_EQ(r[0].cause, FAILURE_CAUSE_HARDWARE);
    CHECK_STR_CONTAINS(r[0].cause_detail, "Memory Dimm");
    CHECK_INT_EQ(r[1].cause, FAILURE_CAUSE_SOFTWARE);
    CHECK(strcmp(r[1].cause_detail, "MPI, PVM, Array services") == 0);
    CHECK_INT_EQ(r[2].cause, FAILURE_CAUSE_UNDETERMINED);
    CHECK_INT_EQ(r[2].down_time_min, 0);
    CHECK_INT_EQ(r[3].cause, FAILURE_CAUSE_FACILITIES);
    CHECK_INT_EQ(r[4].cause, FAILURE_CAUSE_NETWORK);
    /* The system-17 style row: blank node columns, a leap day, no cause. */
    CHECK_INT_EQ(r[5].system_id, 17);
    CHECK_INT_EQ(r[5].system_nodes, -1);
    CHECK_INT_EQ(r[5].node_id, -1);
    CHECK_INT_EQ(r[5].cause, FAILURE_CAUSE_NONE);
    CHECK_INT_EQ(r[5].end_ns - r[5].start_ns, 10 * SIM_NS_PER_MIN);
    CHECK_INT_EQ(trace.down_time_mismatch_rows, 0);

    /* Grouping: three nodes at 10:00 are one event, the 10:01 failure of
     * node 1 is another with the default window, the same with a 60 s
     * window; two days later is a third. */
    sim_time_ns *starts = NULL;
    size_t events = 0;
    CHECK_INT_EQ(failure_trace_system_event_starts(&trace, 5, FAILURE_GROUP_WINDOW_S_DEFAULT,
                                                   &starts, &events),
                 0);
    CHECK_INT_EQ(events, 3);
    if (events == 3) {
        CHECK_INT_EQ(starts[1] - starts[0], SIM_NS_PER_MIN);
        CHECK_INT_EQ(starts[2] - starts[1], 2 * SIM_NS_PER_DAY);
    }
    free(starts);
    CHECK_INT_EQ(failure_trace_system_event_starts(&trace, 5, 60, &starts, &events), 0);
    CHECK_INT_EQ(events, 2);
    free(starts);
    CHECK_INT_EQ(failure_trace_system_event_starts(&trace, 5, -5, &starts, &events), 0);
    CHECK_INT_EQ(events, 3);
    free(starts);
    CHECK_INT_EQ(failure_trace_system_event_starts(&trace, 99, 0, &starts, &events), 0);
    CHECK_INT_EQ(events, 0);
    CHECK(starts == NULL);

    /* Per-node records are kept: node 1 failed three times -> two gaps. */
    double *gaps_h = NULL;
    size_t gap_count = 0;
    CHECK_INT_EQ(failure_trace_node_gaps_h(&trace, 5, &gaps_h, &gap_count), 0);
    CHECK_INT_EQ(gap_count, 2);
    if (gap_count == 2) {
        CHECK_NEAR(gaps_h[0], 1.0 / 60.0, 1e-12);
        CHECK_NEAR(gaps_h[1], 48.0, 1e-12);
    }
    free(gaps_h);

    int *ids = NULL;
    size_t id_count = 0;
    CHECK_INT_EQ(failure_trace_system_ids(&trace, &ids, &id_count), 0);
    CHECK_INT_EQ(id_count, 2);
    if (id_count == 2)
        CHECK(ids[0] == 5 && ids[1] == 17);
    free(ids);

    /* The summary of system 5: 5 failures, 3 failed nodes, 3 events, one
     * zero repair left out; repairs 1, 0.5, 2, 1/15 h in the lognormal. */
    failure_system_summary *rows = NULL;
    size_t row_count = 0;
    CHECK_INT_EQ(failure_report_summarize(&trace, NULL, &rows, &row_count), 0);
    CHECK_INT_EQ(row_count, 3);
    if (row_count == 3) {
        CHECK_INT_EQ(rows[0].system_id, 5);
        CHECK_INT_EQ(rows[0].failures, 5);
        CHECK_INT_EQ(rows[0].system_nodes, 4);
        CHECK_INT_EQ(rows[0].failed_nodes, 3);
        CHECK_INT_EQ(rows[0].events, 3);
        CHECK_INT_EQ(rows[0].zero_repairs, 1);
        CHECK(rows[0].repair_ok);
        CHECK_INT_EQ(rows[0].repair_h.n, 4);
        double mu = (log(1.0) + log(0.5) + log(2.0) + log(1.0 / 15.0)) / 4.0;
        CHECK_NEAR(rows[0].repair_h.mu, mu, 1e-12);
        CHECK(rows[0].tbf_ok);
        CHECK_INT_EQ(rows[1].system_id, 17);
        CHECK(!rows[1].tbf_ok);
        CHECK_INT_EQ(rows[2].system_id, -1);
        CHECK_INT_EQ(rows[2].failures, 6);
        CHECK_INT_EQ(rows[2].events, 4);
    }
    free(rows);

    /* The report prints every system and the total, and "-" for no fit. */
    FILE *out = tmpfile();
    CHECK(out != NULL);
    if (out != NULL) {
        CHECK_INT_EQ(failure_report_write(out, &trace, NULL), 0);
        char text[4096] = {0};
        rewind(out);
        size_t got = fread(text, 1, sizeof text - 1, out);
        text[got] = '\0';
        CHECK_STR_CONTAINS(text, "system failures");
        CHECK_STR_CONTAINS(text, "\n     5        5     4");
        CHECK_STR_CONTAINS(text, "\n    17        1     -");
        CHECK_STR_CONTAINS(text, "\n total        6");
        fclose(out);
    }
    failure_trace_free(&trace);
    failure_trace_free(&trace); /* freeing twice is harmless */
}

static void test_header_only_file(void)
{
    char err[512];
    failure_trace trace;
    CHECK_INT_EQ(failure_trace_load_lanl(FIXTURE_DIR "header_only.csv", &trace, err, sizeof err),
                 0);
    CHECK_INT_EQ(trace.count, 0);
    failure_system_summary *rows = NULL;
    size_t row_count = 0;
    CHECK_INT_EQ(failure_report_summarize(&trace, NULL, &rows, &row_count), -1);
    CHECK(rows == NULL);
    CHECK_INT_EQ(failure_report_write(stderr, &trace, NULL), -1);
    failure_trace_free(&trace);
}

/* Each malformed fixture is refused with "FILE:LINE: column 'NAME':". */
static void expect_rejected(const char *name, int line, const char *column, const char *what)
{
    char path[512], err[512], want[640];
    snprintf(path, sizeof path, "%s%s", FIXTURE_DIR, name);
    failure_trace trace;
    memset(&trace, 0xA5, sizeof trace);
    int status = failure_trace_load_lanl(path, &trace, err, sizeof err);
    CHECK(status != 0);
    CHECK(trace.records == NULL && trace.count == 0);
    snprintf(want, sizeof want, "%s:%d: column '%s': ", path, line, column);
    CHECK_STR_CONTAINS(err, want);
    CHECK_STR_CONTAINS(err, what);
    failure_trace_free(&trace);
}

static void test_malformed_files(void)
{
    expect_rejected("bad_month.csv", 3, "Prob Started", "month 13");
    expect_rejected("bad_day.csv", 2, "Prob Fixed", "day 30");
    expect_rejected("bad_date_format.csv", 2, "Prob Started", "expected m/d/YYYY H:MM");
    expect_rejected("end_before_start.csv", 3, "Prob Fixed", "before Prob Started");
    expect_rejected("negative_down_time.csv", 2, "Down Time", "negative");
    expect_rejected("missing_column.csv", 2, "Same Event", "row has 25 columns, expected 26");
    expect_rejected("extra_column.csv", 2, "#27", "row has 27 columns");
    expect_rejected("non_numeric_node.csv", 3, "nodenumz", "'n7'");
    expect_rejected("non_numeric_system.csv", 2, "System", "'S5'");
    expect_rejected("truncated.csv", 3, "Down Time", "row has 18 columns");
    expect_rejected("bad_header.csv", 1, "Prob Started", "'Problem Started'");
    expect_rejected("empty.csv", 1, "(header)", "empty");
    expect_rejected("unterminated_quote.csv", 2, "Software", "unterminated quote");
    expect_rejected("two_causes.csv", 2, "Software", "second root cause");
    expect_rejected("no_such_file.csv", 0, "(file)", "cannot open");

    /* A NULL or zero-length error buffer is allowed. */
    failure_trace trace;
    CHECK(failure_trace_load_lanl(FIXTURE_DIR "bad_day.csv", &trace, NULL, 0) != 0);
    char tiny_err[8];
    CHECK(failure_trace_load_lanl(FIXTURE_DIR "bad_day.csv", &trace, tiny_err, sizeof tiny_err) !=
          0);
    CHECK(strlen(tiny_err) < sizeof tiny_err);
    CHECK(failure_trace_load_lanl(NULL, &trace, NULL, 0) != 0);
}

/* Every prefix of a valid file either loads or is refused; none crashes. */
static void test_every_truncation_of_tiny(void)
{
    FILE *in = fopen(FIXTURE_DIR "tiny.csv", "rb");
    CHECK(in != NULL);
    if (in == NULL)
        return;
    char text[8192];
    size_t len = fread(text, 1, sizeof text, in);
    fclose(in);
    char path[512];
    snprintf(path, sizeof path, "%s/failure_trace_prefix.csv", VDCSIM_TEST_TMPDIR);
    int loaded = 0, refused = 0;
    for (size_t cut = 0; cut <= len; cut++) {
        FILE *out = fopen(path, "wb");
        if (out == NULL)
            break;
        fwrite(text, 1, cut, out);
        fclose(out);
        failure_trace trace;
        char err[512];
        if (failure_trace_load_lanl(path, &trace, err, sizeof err) == 0) {
            loaded++;
            failure_trace_free(&trace);
        } else {
            refused++;
            CHECK(strncmp(err, path, strlen(path)) == 0);
        }
    }
    remove(path);
    /* Loads only when cut at a line end (7 lines) or mid-"No" of a last field. */
    CHECK(loaded >= 7);
    CHECK(refused > (int)len / 2);
}

static void test_real_trace(void)
{
    char err[1024], path[4096];
    if (trace_locate(VDCSIM_SOURCE_DIR, LANL_TRACE, path, sizeof path) != 0) {
        printf("skipped: no LANL trace here (set VDCSIM_TRACES)\n");
        return;
    }
    failure_trace trace;
    int status = failure_trace_load_lanl(path, &trace, err, sizeof err);
    if (status != 0)
        fprintf(stderr, "  %s\n", err);
    CHECK_INT_EQ(status, 0);
    if (status != 0)
        return;

    /* 23,740 lines = 1 header + 23,739 failures (MANIFEST, the issue). */
    CHECK_INT_EQ(trace.count, 23739);
    CHECK_INT_EQ(trace.records[trace.count - 1].source_line, 23740);
    int *ids = NULL;
    size_t id_count = 0;
    CHECK_INT_EQ(failure_trace_system_ids(&trace, &ids, &id_count), 0);
    CHECK_INT_EQ(id_count, 23);
    if (id_count == 23)
        CHECK(ids[0] == 2 && ids[22] == 24);
    free(ids);
    CHECK_INT_EQ(count_system(&trace, 2), 7104);
    CHECK_INT_EQ(count_system(&trace, 18), 3997);
    CHECK_INT_EQ(count_system(&trace, 6), 64);

    size_t by_cause[FAILURE_CAUSE_COUNT] = {0};
    size_t no_node = 0, zero_repairs = 0;
    for (size_t i = 0; i < trace.count; i++) {
        by_cause[trace.records[i].cause]++;
        no_node += trace.records[i].node_id < 0;
        zero_repairs += trace.records[i].down_time_min == 0;
    }
    CHECK_INT_EQ(by_cause[FAILURE_CAUSE_HARDWARE], 14341);
    CHECK_INT_EQ(by_cause[FAILURE_CAUSE_SOFTWARE], 5361);
    CHECK_INT_EQ(by_cause[FAILURE_CAUSE_UNDETERMINED], 2652);
    CHECK_INT_EQ(by_cause[FAILURE_CAUSE_NONE], 453);
    CHECK_INT_EQ(by_cause[FAILURE_CAUSE_NETWORK], 421);
    CHECK_INT_EQ(by_cause[FAILURE_CAUSE_FACILITIES], 362);
    CHECK_INT_EQ(by_cause[FAILURE_CAUSE_HUMAN_ERROR], 149);
    CHECK_INT_EQ(no_node, 126); /* all of system 17 */
    CHECK_INT_EQ(count_system(&trace, 17), 126);
    CHECK_INT_EQ(zero_repairs, 187);
    /* MANIFEST: Down Time equals Fixed - Started for 23,715 rows (within a
     * minute); the other 24 straddle a DST change and differ by 60 min. */
    CHECK_INT_EQ(trace.down_time_mismatch_rows, 24);

    failure_report_options options;
    failure_report_options_default(&options);
    CHECK_INT_EQ(options.group_window_s, 0);
    failure_system_summary *rows = NULL;
    size_t row_count = 0;
    CHECK_INT_EQ(failure_report_summarize(&trace, &options, &rows, &row_count), 0);
    CHECK_INT_EQ(row_count, 24);
    if (row_count == 24) {
        /* The issue and MANIFEST: Weibull shape of system-wide time between
         * failures in 0.40-0.89 for 22 of 23 systems, system 6 near 1. */
        int in_band = 0;
        for (size_t i = 0; i < 23; i++) {
            CHECK(rows[i].tbf_ok);
            if (rows[i].tbf_weibull.shape >= 0.40 && rows[i].tbf_weibull.shape <= 0.89)
                in_band++;
            else
                fprintf(stderr, "  system %d: tbf shape %.4f outside 0.40-0.89\n",
                        rows[i].system_id, rows[i].tbf_weibull.shape);
            CHECK(rows[i].repair_ok);
        }
        CHECK(in_band >= 22);
        CHECK_INT_EQ(rows[4].system_id, 6);
        CHECK_NEAR(rows[4].tbf_weibull.shape, 1.00, 0.02);
        /* Same-minute grouping: system 2 has 7104 failures in 5397 minutes. */
        CHECK_INT_EQ(rows[0].system_id, 2);
        CHECK_INT_EQ(rows[0].events, 5397);
        CHECK_INT_EQ(rows[23].failures, 23739);
        CHECK_INT_EQ(rows[23].zero_repairs, 187);
        /* Pooled repair median about an hour (MANIFEST: 59 min median). */
        CHECK(rows[23].repair_h.median > 0.5 && rows[23].repair_h.median < 2.0);
    }
    free(rows);
    failure_trace_free(&trace);
}

int main(void)
{
    test_tiny_fixture("tiny.csv");
    test_tiny_fixture("tiny_crlf.csv");
    test_header_only_file();
    test_malformed_files();
    test_every_truncation_of_tiny();
    test_real_trace();
    return CHECK_DONE();
}
