/* validate.c - the validation report: simulated results against closed
 * forms and published trace figures.
 *
 *   vdcsim_validate [--short] [--replications N] [--out REPORT.md] [--work DIR]
 *
 * Each check prints one row: check, expected, simulated, 95 % interval,
 * verdict. Exit status 0 if every check passes, 1 otherwise, 2 on bad flags.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/failure_report.h"
#include "analysis/run_summary.h"
#include "analysis/stats.h"
#include "app/run.h"
#include "models/failure_trace.h"

#define MAX_ROWS 32

typedef struct report_row {
    char check[160];
    char expected[64];
    char simulated[64];
    char interval[64];
    int pass;
} report_row;

typedef struct report {
    report_row rows[MAX_ROWS];
    int n;
} report;

static void add_row(report *r, int pass, const char *check, const char *expected, const char *simulated,
                    const char *interval)
{
    if (r->n >= MAX_ROWS)
        return;
    report_row *row = &r->rows[r->n++];
    snprintf(row->check, sizeof row->check, "%s", check);
    snprintf(row->expected, sizeof row->expected, "%s", expected);
    snprintf(row->simulated, sizeof row->simulated, "%s", simulated);
    snprintf(row->interval, sizeof row->interval, "%s", interval);
    row->pass = pass;
}

/* Runs `scenario` with seed and output overrides; reads the summary back. */
static int run_replication(const char *scenario, const char *work, int seed, run_summary *out)
{
    char seed_kv[64], out_kv[4200], path[4100], err[2048];
    snprintf(seed_kv, sizeof seed_kv, "simulation.seed=%d", seed);
    snprintf(path, sizeof path, "%s/rep-%d.h5", work, seed);
    snprintf(out_kv, sizeof out_kv, "output.path=%s", path);
    const char *overrides[] = {seed_kv, out_kv};
    run_options opt = {.scenario_path = scenario, .overrides = overrides, .n_overrides = 2, .quiet = 1};
    if (run_scenario(&opt) != 0)
        return -1;
    int rc = run_summary_read(path, out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "validate: %s\n", err);
    remove(path);
    char txt[4200];
    snprintf(txt, sizeof txt, "%s.summary.txt", path);
    remove(txt);
    return rc;
}

/* Workload generator and host bookkeeping: mean cluster CPU demand over a
 * whole diurnal period, sampled at k * 5 min for k = 0..287.
 *
 * The VMs power on at t = 0 and start one control-plane latency (1 s) later,
 * so the sample at k = 0 sees no VM. Over k = 1..287 the constant VMs give
 * 287 * 10 * 5000 MHz; the diurnal ones give 40 * 2000 * (287 + 0.5 * S)
 * with S = sum_{k=1}^{287} sin(2 pi (k/288 + 3h/24h)) = -sin(pi/4), because
 * the sum over all 288 evenly spaced points is 0. Noise (1 + 0.2 Z) has
 * mean 1 (clamping at 0 matters only below Z = -5). Hence
 *   E = (80000 * (287 - 0.5 * sin(pi/4)) + 50000 * 287) / 288 MHz. */
static void check_workload_mean(report *r, const char *src, const char *work, int replications)
{
    char scenario[4100];
    snprintf(scenario, sizeof scenario, "%s/validation/scenarios/workload_mean.cfg", src);
    const double sin_quarter_pi = 0.70710678118654752440;
    const double expected_mhz = (80000.0 * (287.0 - 0.5 * sin_quarter_pi) + 50000.0 * 287.0) / 288.0;
    double *means = calloc((size_t)replications, sizeof *means);
    int ok = means != NULL;
    int all_placed = 1;
    for (int i = 0; ok && i < replications; i++) {
        run_summary s;
        if (run_replication(scenario, work, i + 1, &s) != 0) {
            ok = 0;
            break;
        }
        means[i] = s.cpu_demand_mean_mhz;
        all_placed &= s.vms_placed == 50 && s.vm_placement_failures == 0;
    }
    stats_interval ci = {0};
    char e[64], m[64], h[64];
    snprintf(e, sizeof e, "%.1f MHz", expected_mhz);
    if (ok && stats_mean_ci(means, (size_t)replications, 0.95, &ci) == 0) {
        snprintf(m, sizeof m, "%.1f MHz", ci.mean);
        snprintf(h, sizeof h, "+/- %.1f (n=%d)", ci.half_width, replications);
        add_row(r, stats_within_ci(&ci, expected_mhz), "workload: mean cluster CPU demand, diurnal + noise", e, m, h);
    } else {
        add_row(r, 0, "workload: mean cluster CPU demand, diurnal + noise", e, "run failed", "-");
    }
    add_row(r, ok && all_placed, "placement: 50 VMs that fit are all placed", "50 placed, 0 failed",
            all_placed ? "50 placed, 0 failed" : "mismatch", "exact");
    free(means);
}

/* LANL failure data: Schroeder & Gibson (DSN 2006) report times between
 * failures fit by a Weibull with decreasing hazard; the trace's MANIFEST
 * gives shapes 0.40-0.89 for 22 of its 23 systems. */
static void check_lanl(report *r, const char *src)
{
    char path[4200], err[2048];
    snprintf(path, sizeof path, "%s/../shared/traces/lanl-failures-1996-2005/LA-UR-05-7318-failure-data-1996-2005.csv",
             src);
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

static int write_report(const report *r, FILE *out)
{
    int failed = 0;
    fprintf(out, "# vdcsim validation report\n\n");
    fprintf(out, "| check | expected | simulated | interval | verdict |\n|---|---|---|---|---|\n");
    for (int i = 0; i < r->n; i++) {
        const report_row *row = &r->rows[i];
        fprintf(out, "| %s | %s | %s | %s | %s |\n", row->check, row->expected, row->simulated, row->interval,
                row->pass ? "pass" : "FAIL");
        failed += !row->pass;
    }
    fprintf(out, "\n%d passed, %d failed\n", r->n - failed, failed);
    return failed;
}

int main(int argc, char **argv)
{
    int replications = 30;
    const char *out_path = NULL, *work = "validation-work";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--short") == 0) {
            replications = 5;
        } else if (strcmp(argv[i], "--replications") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 2 || v > 10000) {
                fprintf(stderr, "vdcsim_validate: --replications: expected 2..10000\n");
                return 2;
            }
            replications = (int)v;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_path = argv[++i];
        } else if (strcmp(argv[i], "--work") == 0 && i + 1 < argc) {
            work = argv[++i];
        } else {
            fprintf(stderr, "usage: vdcsim_validate [--short] [--replications N] [--out REPORT.md] [--work DIR]\n");
            return 2;
        }
    }
    if (mkdir(work, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "vdcsim_validate: cannot create %s: %s\n", work, strerror(errno));
        return 1;
    }
    report r = {0};
    check_workload_mean(&r, VDCSIM_SOURCE_DIR, work, replications);
    check_lanl(&r, VDCSIM_SOURCE_DIR);
    int failed = write_report(&r, stdout);
    if (out_path) {
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.partial-%ld", out_path, (long)getpid());
        FILE *f = fopen(tmp, "w");
        if (!f || (write_report(&r, f), fclose(f) != 0) || rename(tmp, out_path) != 0) {
            fprintf(stderr, "vdcsim_validate: cannot write %s\n", out_path);
            remove(tmp);
            return 1;
        }
    }
    return failed ? 1 : 0;
}
