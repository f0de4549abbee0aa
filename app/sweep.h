/* sweep.h - `vdcsim sweep EXPERIMENT.cfg [--jobs N] [-o DIR] [--quiet]`.
 *
 * Runs the design of an experiment file (scenario/experiment.h): every
 * (cell, replication) is one `vdcsim run` child process of this binary
 * (one simulation thread each), at most N at once. Each run writes
 * DIR/runs/run-<cell>-<replication>.h5 (renamed into place only when
 * complete) and its messages to run-<cell>-<replication>.log. Then the
 * metrics are read from every run in run order and DIR/runs.csv,
 * DIR/cells.csv and DIR/sweep.h5 are written (analysis/sweep_table.h).
 *
 * Results do not depend on N: each run is fixed by its overrides and seed,
 * and the tables are built in run order after the runs.
 *
 * Resuming: a run whose .h5 exists is not run again, so an interrupted
 * sweep started again continues where it stopped. DIR/plan.txt records the
 * design (every run's overrides); a different design in the same DIR is
 * refused (exit 2). Failed runs are recorded with their exit status and the
 * last line of their log, and run again on the next start.
 *
 * Under `mpirun -n N` (built with MPI) rank 0 hands the runs to the other
 * ranks and writes the tables (app/sweep_mpi.h); results are the same.
 *
 * Exit status: 0 all runs succeeded, 1 some failed or a runtime error
 * (tables still written when possible), 2 bad input (experiment, flags)
 * before any run starts.
 */
#ifndef VDCSIM_APP_SWEEP_H
#define VDCSIM_APP_SWEEP_H

int cmd_sweep(int argc, char **argv);

/* `vdcsim metrics RUN.h5 [--csv | --json] | --reference`. */
int cmd_metrics(int argc, char **argv);

/* `vdcsim export RUN.h5 --csv DIR` (app/export_cmd.c). */
int cmd_export(int argc, char **argv);
/* vdcsim verify RUN.h5 PROPS.cfg (app/verify_cmd.c) */
int cmd_verify(int argc, char **argv);

#endif
