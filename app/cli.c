/* cli.c - argument parsing and subcommand dispatch (see cli.h). */
#include "app/cli.h"

#include <stdio.h>
#include <string.h>

int cli_main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("vdcsim %s\n", VDCSIM_VERSION);
        return CLI_EXIT_OK;
    }
    fprintf(stderr, "vdcsim: not yet wired\n");
    return CLI_EXIT_BAD_INPUT;
}
