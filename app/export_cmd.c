/* export_cmd.c - `vdcsim export RUN.h5 --csv DIR` (analysis/h5_export.h):
 * every table, series group and the event log of a run as CSV files. */
#include <stdio.h>
#include <string.h>

#include "analysis/h5_export.h"
#include "app/cli_error.h"
#include "app/sweep.h"

static const char export_usage[] =
    "usage: vdcsim export RUN.h5 --csv DIR\n"
    "Writes DIR/tables/<name>.csv (one row per entity), DIR/series/<group>.csv\n"
    "(one row per sample and entity, one column per series) and DIR/events.csv\n"
    "(time_ns, kind, subject, a, b, value) for pandas, R and spreadsheets.\n";

int cmd_export(int argc, char **argv)
{
    const char *run = NULL, *dir = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(export_usage, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (argv[i][0] == '-' || run) {
            fprintf(stderr, "vdcsim export: unexpected argument '%s'\n%s", argv[i], export_usage);
            return CLI_EXIT_BAD_INPUT;
        } else {
            run = argv[i];
        }
    }
    if (!run || !dir) {
        fputs(export_usage, stderr);
        return CLI_EXIT_BAD_INPUT;
    }
    char err[4096];
    int rc = h5_export_csv(run, dir, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "vdcsim: %s\n", err);
        return rc == -2 ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}
