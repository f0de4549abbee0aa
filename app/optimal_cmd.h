/* optimal_cmd.h - `vdcsim optimal SCENARIO [--objective hosts|balance]
 * [--time-limit DURATION] [--set KEY=VALUE]...`: the exact optimum of the
 * scenario's initial placement next to its placement policy's result
 * (app/optimal_cmd.c, docs/optimal.md). Exit 0 answered, 1 GLPK missing or
 * failing, 2 bad input. */
#ifndef VDCSIM_APP_OPTIMAL_CMD_H
#define VDCSIM_APP_OPTIMAL_CMD_H

int cmd_optimal(int argc, char **argv);

#endif
