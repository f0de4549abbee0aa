/* output_guard.h - what `vdcsim run` checks and holds around its output
 * (docs/analysis.md "Input checking and output integrity"; issue 13).
 *
 *  - output_preflight, before anything is simulated: the output (and its
 *    OUT.summary.txt) is not the scenario file, not a directory, sits in a
 *    writable directory, and an existing file there is a vdcsim run file
 *    (a previous summary for the .txt) unless `force`: a run never
 *    overwrites a file it was not asked to write.
 *  - output_lock: an exclusive lock on OUT.lock for the whole run, so two
 *    runs writing the same OUT cannot interleave their .h5 and summary.
 *  - output_remove_stale: removes OUT.partial-PID and
 *    OUT.summary.txt.partial-PID left by processes that no longer exist
 *    (killed with SIGKILL, power loss), saying so.
 *  - output_signals_*: SIGINT, SIGTERM and SIGHUP only set a flag; the
 *    run polls it between windows, stops, removes its temporaries and exits
 *    128 + the signal number.
 * Messages go to stderr, prefixed "vdcsim: ".
 */
#ifndef VDCSIM_APP_OUTPUT_GUARD_H
#define VDCSIM_APP_OUTPUT_GUARD_H

/* 0 when the run may write out_path, else a CLI exit status (2). */
int output_preflight(const char *out_path, const char *scenario_path, int force);

/* The lock's file descriptor (>= 0), or -1 after a message (another run
 * holds it, or the lock file cannot be created). output_unlock releases
 * and removes it. */
int output_lock(const char *out_path);
void output_unlock(const char *out_path, int fd);

void output_remove_stale(const char *out_path);

void output_signals_install(void);
/* The signal that asked the run to stop, 0 when none. */
int output_signal_caught(void);
const char *output_signal_name(int sig);

#endif
