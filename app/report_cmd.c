/* report_cmd.c - `vdcsim report RUN.h5|SWEEP.h5 -o DIR`: a run's figures
 * (analysis/run_report.h) or a sweep's (analysis/sweep_read.h,
 * sweep_figures.h) as CSV, PNG and SVG with an index.html. */
#include "app/report_cmd.h"

#include <stdio.h>
#include <string.h>

#include "analysis/out_dir.h"
#include "analysis/run_report.h"
#include "analysis/sweep_figures.h"
#include "analysis/sweep_read.h"
#include "app/cli_error.h"

static const char report_usage[] =
    "usage: vdcsim report RUN.h5|SWEEP.h5 -o DIR\n"
    "Writes the run's figures into DIR (created if needed): cluster CPU demand,\n"
    "usage and capacity; CPU ready over VMs; a host-by-time heat map of CPU usage;\n"
    "memory reclamation; power; hosts up and VMs down; pending pods and scheduling\n"
    "latency; service latency. Each figure is DIR/NAME.csv (its numbers) and, when\n"
    "built with PLplot, DIR/NAME.png and DIR/NAME.svg; DIR/index.html shows them.\n"
    "Given a sweep's SWEEP.h5 instead, draws the sweep's figures again (each metric\n"
    "against the first factor with its confidence intervals), as vdcsim sweep does.\n";

int cmd_report(int argc, char **argv)
{
    const char *run = NULL, *dir = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(report_usage, stdout);
            return CLI_EXIT_OK;
        } else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc) {
            dir = argv[++i];
        } else if (argv[i][0] == '-' || run) {
            fprintf(stderr, "vdcsim report: unexpected argument '%s'\n%s", argv[i], report_usage);
            return CLI_EXIT_BAD_INPUT;
        } else {
            run = argv[i];
        }
    }
    if (!run || !dir) {
        fputs(report_usage, stderr);
        return CLI_EXIT_BAD_INPUT;
    }
    char err[4096];
    if (out_dir_make(dir, err, sizeof err) != 0) {
        fprintf(stderr, "vdcsim report: %s\n", err);
        return CLI_EXIT_RUNTIME;
    }
    int rc;
    if (sweep_read_is_sweep(run)) {
        sweep_read r;
        rc = sweep_read_h5(run, &r, err, sizeof err);
        if (rc == 0) {
            rc = sweep_write_figures(&r.table, (int)r.first_factor_values, r.zip, dir, err, sizeof err) == 0 ? 0 : -1;
            sweep_read_free(&r);
        }
    } else {
        rc = run_report_write(run, dir, err, sizeof err);
    }
    if (rc != 0) {
        fprintf(stderr, "vdcsim report: %s\n", err);
        return rc == -2 ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUNTIME;
    }
    printf("report: %s/index.html\n", dir);
    return CLI_EXIT_OK;
}
