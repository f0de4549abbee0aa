/* cli.h - the vdcsim command line.
 *
 *   vdcsim run SCENARIO [-o OUT.h5] [--threads N] [--seed S] [--until DUR] [--set K=V]...
 *   vdcsim check SCENARIO [--set K=V]...
 *   vdcsim keys            (the scenario reference, Markdown)
 *   vdcsim metrics RUN.h5 [--csv | --json]      (app/metrics_cmd.c)
 *   vdcsim export RUN.h5 --csv DIR              (app/export_cmd.c)
 *   vdcsim optimal SCENARIO [--objective hosts|balance] ...  (app/optimal_cmd.c)
 *   vdcsim sweep EXPERIMENT.cfg [--jobs N] ...  (app/sweep.c)
 *   vdcsim COMMAND --help
 *   vdcsim --help | --version
 *
 * Exit status: 0 success, 1 runtime failure, 2 bad input (scenario, flags).
 */
#ifndef VDCSIM_APP_CLI_H
#define VDCSIM_APP_CLI_H

enum { CLI_EXIT_OK = 0, CLI_EXIT_RUNTIME = 1, CLI_EXIT_BAD_INPUT = 2 };

/* Prints prefix and msg and a newline on stderr with control bytes (and
 * DEL) of msg written as \xHH: a message may quote a scenario value, a file
 * name or a trace field, and none may drive the terminal. */
void cli_print_error(const char *prefix, const char *msg);

int cli_main(int argc, char **argv);

#endif
