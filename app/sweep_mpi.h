/* sweep_mpi.h - `mpirun -n N vdcsim sweep ...`: the runs of a sweep spread
 * over MPI ranks with a dynamic work queue (docs/experiments.md, "Sweeps over
 * MPI"). Its messages go through sim/mpi_link.h; without the MPI module
 * (a build without MPI) every sweep runs locally.
 *
 * Rank 0 (the lead) hands out run numbers one at a time to whichever worker
 * asks and runs nothing itself; a worker runs each run into a private
 * temporary directory on its own machine and sends the run's files (its
 * .h5.summary.txt, .log and, last, .h5) back to the lead as messages; the
 * lead writes each into DIR/runs under a temporary name and renames it into
 * place, so a run counts as done (its .h5 exists) only when all its files
 * are there. Only the lead's file system holds the outputs; the experiment,
 * the scenario and its traces must be readable at the same path on every
 * machine.
 *
 * Order of calls on every rank: sweep_mpi_begin, then (when it returned more
 * than one rank) sweep_mpi_agree once, then sweep_mpi_lead on rank 0 or
 * sweep_mpi_work on the others, then sweep_mpi_end.
 */
#ifndef VDCSIM_APP_SWEEP_MPI_H
#define VDCSIM_APP_SWEEP_MPI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Joins the MPI job when the process was started by mpirun (Open MPI's
 * OMPI_COMM_WORLD_SIZE or a PMI/PMIx environment); returns the number of
 * ranks and sets *rank. Returns 1 (rank 0) when not under mpirun or built
 * without MPI: the caller then runs the sweep locally as usual. Returns -1
 * (message printed) when started by mpirun in a build with MPI whose MPI
 * cannot start (its module missing or refused, MPI_Init failing): N local
 * sweeps would race on the same outputs. */
int sweep_mpi_begin(int *rank);

/* Rank 0's status after its setup, given to every rank (collective). */
int sweep_mpi_agree(int rank0_status);

/* A worker's way of running one run: writes the run's result to h5_path and
 * its messages to log_path, and returns its exit status (128 + signal when
 * killed), or -1 when it could not be started. */
typedef int (*sweep_mpi_execute_fn)(void *ctx, int64_t run, const char *h5_path, const char *log_path);

/* The lead's bookkeeping for a finished run whose files are already in place
 * (wall_s measured by the worker around the run). */
typedef void (*sweep_mpi_result_fn)(void *ctx, int64_t run, int status, double wall_s);

/* The lead's paths of a run's files (DIR/runs/run-C-R.h5 and .log). */
typedef void (*sweep_mpi_path_fn)(void *ctx, int64_t run, const char *ext, char *buf, size_t len);

/* Rank 0: hands out todo[0..n_todo) until done, or until *stop becomes
 * nonzero (then no more runs are handed out; the running ones finish).
 * Returns 0, or -1 on a communication or file error (message printed). */
int sweep_mpi_lead(const int64_t *todo, int64_t n_todo, volatile sig_atomic_t *stop, void *ctx, sweep_mpi_path_fn path,
                   sweep_mpi_result_fn result);

/* Other ranks: asks for runs and runs them until the lead says stop.
 * Returns 0, or -1 on a communication or file error (message printed). */
int sweep_mpi_work(void *ctx, sweep_mpi_execute_fn execute);

/* Leaves the MPI job (no-op when sweep_mpi_begin returned 1 without MPI). */
void sweep_mpi_end(void);

#endif
