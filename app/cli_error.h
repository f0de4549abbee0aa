/* cli_error.h - how every subcommand reports an error on stderr, and its
 * exit statuses (one unit, so that cli.c can dispatch to the subcommands
 * without the subcommands including cli.h back). */
#ifndef VDCSIM_APP_CLI_ERROR_H
#define VDCSIM_APP_CLI_ERROR_H

enum { CLI_EXIT_OK = 0, CLI_EXIT_RUNTIME = 1, CLI_EXIT_BAD_INPUT = 2 };

/* Prints prefix and msg and a newline on stderr with control bytes (and
 * DEL) of msg written as \xHH: a message may quote a scenario value, a file
 * name or a trace field, and none may drive the terminal. */
void cli_print_error(const char *prefix, const char *msg);

#endif
