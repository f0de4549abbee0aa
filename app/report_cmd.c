/* report_cmd.c - `vdcsim report RUN.h5 -o DIR`: a run's figures as CSV,
 * PNG and SVG with an index.html (analysis/run_report.h). */
#include "app/report_cmd.h"

#include <stdio.h>
#include <string.h>

#include "analysis/out_dir.h"
#include "analysis/run_report.h"
#include "app/cli_error.h"

static const char report_usage[] =
    "usage: vdcsim report RUN.h5 -o DIR\n"
    "Writes the run's figures into DIR (created if needed): cluster CPU demand,\n"
    "usage and capacity; CPU ready over VMs; a host-by-time heat map of CPU usage;\n"
    "memory reclamation; power; hosts up and VMs down; pending pods and scheduling\n"
    "latency; service latency. Each figure is DIR/NAME.csv (its numbers) and, when\n"
    "built with PLplot, DIR/NAME.png and DIR/NAME.svg; DIR/index.html shows them.\n"
    "A sweep draws its own figures (vdcsim sweep, DIR/figures).\n";

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
    int rc = run_report_write(run, dir, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "vdcsim report: %s\n", err);
        return rc == -2 ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUNTIME;
    }
    printf("report: %s/index.html\n", dir);
    return CLI_EXIT_OK;
}
