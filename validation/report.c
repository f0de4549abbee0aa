/* report.c - the validation report and replications (see report.h). */
#include "validation/report.h"

#include <stdio.h>
#include <string.h>

#include "app/run.h"

void add_row(report *r, int pass, const char *check, const char *expected, const char *simulated,
             const char *interval)
{
    if (r->n >= REPORT_MAX_ROWS) {
        fprintf(stderr, "vdcsim_validate: more than %d rows; raise REPORT_MAX_ROWS\n", REPORT_MAX_ROWS);
        return;
    }
    report_row *row = &r->rows[r->n++];
    snprintf(row->check, sizeof row->check, "%s", check);
    snprintf(row->expected, sizeof row->expected, "%s", expected);
    snprintf(row->simulated, sizeof row->simulated, "%s", simulated);
    snprintf(row->interval, sizeof row->interval, "%s", interval);
    row->pass = pass;
}

int write_report(const report *r, FILE *out)
{
    int failed = 0, skipped = 0;
    fprintf(out, "# vdcsim validation report\n\n");
    fprintf(out, "| check | expected | simulated | interval | verdict |\n|---|---|---|---|---|\n");
    for (int i = 0; i < r->n; i++) {
        const report_row *row = &r->rows[i];
        fprintf(out, "| %s | %s | %s | %s | %s |\n", row->check, row->expected, row->simulated, row->interval,
                row->pass == ROW_SKIPPED ? "skipped" : row->pass ? "pass" : "FAIL");
        failed += !row->pass;
        skipped += row->pass == ROW_SKIPPED;
    }
    fprintf(out, "\n%d passed, %d failed", r->n - failed - skipped, failed);
    if (skipped)
        fprintf(out, ", %d skipped", skipped);
    fputc('\n', out);
    return failed;
}

void validation_scenario_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/validation/scenarios/%s", VDCSIM_SOURCE_DIR, name);
}

void remove_replication(const char *path)
{
    char txt[4200];
    remove(path);
    snprintf(txt, sizeof txt, "%s.summary.txt", path);
    remove(txt);
}

int run_replication_with(const validate_options *o, const char *scenario, int seed, const char *const *extra,
                         int n_extra, run_summary *out, char *keep_path, size_t keep_len)
{
    enum { MAX_OVERRIDES = 32 };
    char seed_kv[64], out_kv[4200], path[4100], err[2048];
    const char *base = strrchr(scenario, '/');
    base = base ? base + 1 : scenario;
    snprintf(seed_kv, sizeof seed_kv, "simulation.seed=%d", seed);
    snprintf(path, sizeof path, "%s/%s-rep-%d.h5", o->work, base, seed);
    snprintf(out_kv, sizeof out_kv, "output.path=%s", path);
    const char *overrides[MAX_OVERRIDES];
    int n = 0;
    overrides[n++] = seed_kv;
    overrides[n++] = out_kv;
    for (int i = 0; i < n_extra && n < MAX_OVERRIDES; i++)
        overrides[n++] = extra[i];
    run_options opt = {.scenario_path = scenario, .overrides = overrides, .n_overrides = n, .quiet = 1};
    if (run_scenario(&opt) != 0)
        return -1;
    int rc = 0;
    if (out) {
        rc = run_summary_read(path, out, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "vdcsim_validate: %s\n", err);
    }
    if (keep_path) {
        snprintf(keep_path, keep_len, "%s", path);
        char txt[4200];
        snprintf(txt, sizeof txt, "%s.summary.txt", path);
        remove(txt);
    } else {
        remove_replication(path);
    }
    return rc;
}

int run_replication(const validate_options *o, const char *scenario, int seed, const char *const *extra,
                    int n_extra, run_summary *out)
{
    return run_replication_with(o, scenario, seed, extra, n_extra, out, NULL, 0);
}
