/* run.h - the `vdcsim run` and `vdcsim check` drivers.
 *
 * run: scenario -> model -> engine -> recorder -> HDF5, then the summary is
 * read back from the file and printed (and saved next to it as
 * OUT.summary.txt). The HDF5 file and the summary are written under
 * temporary names and renamed only when complete.
 */
#ifndef VDCSIM_APP_RUN_H
#define VDCSIM_APP_RUN_H

typedef struct run_options {
    const char *scenario_path;
    const char **overrides; /* "a.b.c=VALUE", flags already mapped to keys */
    int n_overrides;
    int quiet;              /* no progress line, no summary on stdout */
    const char **plugins;   /* --plugin FILE: loaded before the scenario (docs/policies.md) */
    int n_plugins;
    int force;              /* may overwrite an existing file that is not a vdcsim output */
    int mpi;                /* --mpi: one run spread over the ranks of mpirun (docs/engine.md) */
    int fail_on_violation;  /* exit 1 when a monitored property was violated (docs/properties.md) */
} run_options;

/* Each returns a CLI exit status (cli.h). */
int run_scenario(const run_options *opt);
int check_scenario(const run_options *opt);

#endif
