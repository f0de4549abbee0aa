/* report.h - what every validation check shares: the report it adds rows
 * to, the options of the campaign, and running one replication of a
 * scenario.
 *
 * A check is one function `void check_x(report *, const validate_options *)`
 * in its own file check_x.c, listed once in validate.c's table. It adds one
 * row per comparison: what is checked, the expected value (closed form or
 * published figure), the simulated value, its 95 % interval, and the verdict.
 */
#ifndef VDCSIM_VALIDATION_REPORT_H
#define VDCSIM_VALIDATION_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "analysis/run_summary.h"

#define REPORT_MAX_ROWS 128

typedef struct report_row {
    char check[160];
    char expected[64];
    char simulated[64];
    char interval[64];
    int pass;
} report_row;

typedef struct report {
    report_row rows[REPORT_MAX_ROWS];
    int n;
} report;

typedef struct validate_options {
    int replications; /* independent runs per simulated check (seeds 1..n) */
    int is_short;     /* --short: the test suite's settings; checks may shorten runs */
    const char *work; /* directory for the replications' HDF5 files */
} validate_options;

/* `pass`: 1 pass, 0 fail, ROW_SKIPPED when the check cannot run here (a
 * trace that is not on this machine); skipped rows are not failures. */
enum { ROW_SKIPPED = 2 };
void add_row(report *r, int pass, const char *check, const char *expected, const char *simulated,
             const char *interval);

/* Writes the report as a Markdown table; returns the number of failed rows. */
int write_report(const report *r, FILE *out);

/* "<source>/validation/scenarios/<name>" into buf. */
void validation_scenario_path(char *buf, size_t len, const char *name);

/* Runs `scenario` with simulation.seed = seed, the output in the work
 * directory, and the extra `key=value` overrides; when `out` is not NULL reads
 * the run summary back. When `keep_path` is not NULL the HDF5 file is kept
 * and its path copied there (keep_len bytes) for the check to read further;
 * the check then removes it with remove_replication(). Returns 0 or -1. */
int run_replication_with(const validate_options *o, const char *scenario, int seed, const char *const *extra,
                         int n_extra, run_summary *out, char *keep_path, size_t keep_len);

/* run_replication_with() with no file kept. */
int run_replication(const validate_options *o, const char *scenario, int seed, const char *const *extra,
                    int n_extra, run_summary *out);

/* Removes a kept replication file and its summary text. */
void remove_replication(const char *path);

#endif
