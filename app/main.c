/* main.c - the vdcsim command line: dispatches to the subcommands. */
#include "app/cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv); }
