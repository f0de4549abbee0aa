/* cli.h - the vdcsim command line.
 *
 *   vdcsim run SCENARIO [-o OUT.h5] [--threads N] [--seed S] [--until DUR] [--set K=V]... [--plugin FILE]...
 *   vdcsim check SCENARIO [--set K=V]...
 *   vdcsim keys            (the scenario reference, Markdown)
 *   vdcsim metrics RUN.h5 [--csv | --json]      (app/metrics_cmd.c)
 *   vdcsim export RUN.h5 --csv DIR              (app/export_cmd.c)
 *   vdcsim report RUN.h5 -o DIR                 (app/report_cmd.c)
 *   vdcsim verify RUN.h5 PROPS.cfg [--json]     (app/verify_cmd.c)
 *   vdcsim optimal SCENARIO [--objective hosts|balance] ...  (app/optimal_cmd.c)
 *   vdcsim sweep EXPERIMENT.cfg [--jobs N] ...  (app/sweep.c)
 *   vdcsim COMMAND --help
 *   vdcsim policies [--plugin FILE]...   (the policy reference, Markdown)
 *   run and check also take --plugin FILE (docs/policies.md)
 *   vdcsim --help | --version
 *
 * Exit status: 0 success, 1 runtime failure, 2 bad input (scenario, flags).
 */
#ifndef VDCSIM_APP_CLI_H
#define VDCSIM_APP_CLI_H

#include "app/cli_error.h"

int cli_main(int argc, char **argv);

#endif
