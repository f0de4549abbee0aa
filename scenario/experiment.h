/* experiment.h - experiment files: a design of runs over one scenario.
 *
 * An experiment is a libconfig file checked by the scenario loader against
 * its own key table (experiment_keys.c, docs/experiments.md), so its
 * problems read like the scenario's: "FILE:LINE: key 'factors.[0].key': ...".
 *
 *   scenario = "../scenarios/capacity.cfg";   # resolved against this file
 *   replications = 5;  seed = 1;  design = "cartesian";  confidence = 0.95;
 *   set = [ "simulation.until=1d" ];         # overrides of every run
 *   factors = ( { key = "hosts.[0].count"; values = [ 4, 6, 8 ]; } );
 *   metrics = [ "cpu_ready_vm_p95_pct", "energy_kwh" ];
 *   output = "results/capacity";             # resolved against this file
 *
 * A cell is one combination of factor values: the cartesian product in
 * factor order, the last factor varying fastest, or with design = "zip"
 * the i-th value of every factor (all lists the same length). Every cell
 * runs the same replications with the same seeds (common random numbers):
 * replication r gets experiment_seed(seed, r).
 *
 * Loading checks, before any run: the keys and their values; that every
 * factor key is a scenario key other than simulation.seed and output.path,
 * named once; that the scenario loads with the `set` overrides and with
 * each factor value (a value the scenario refuses is reported at the value's
 * line, with the scenario's own message), and with the overrides of every
 * cell. Metric names are the caller's to check (scenario/ does not know the
 * catalogue): experiment_metric_where gives their line.
 */
#ifndef VDCSIM_SCENARIO_EXPERIMENT_H
#define VDCSIM_SCENARIO_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "scenario/schema.h"

extern const scn_schema scn_experiment_schema;

typedef struct exp_factor {
    char *key;       /* a scenario key, "hosts.[0].count" */
    int n_values;
    char **values;   /* the values as override text, "8", "1d", "true" */
} exp_factor;

typedef struct experiment {
    char *path;           /* the experiment file */
    char *scenario_path;  /* resolved */
    char *output_dir;     /* resolved */
    int64_t replications;
    uint64_t seed;
    int zip;
    double confidence;
    int n_fixed;
    char **fixed;         /* the `set` overrides */
    int n_factors;
    exp_factor *factors;
    int n_metrics;
    char **metrics;
    int *metric_lines;    /* file line of each metric name */
    int64_t n_cells;
} experiment;

/* NULL and one message (FILE:LINE: key 'K': ...) in err on any problem. */
experiment *experiment_load(const char *path, char *err, size_t err_len);
/* The same with overrides "KEY=VALUE" after the file's `set` (the command
 * line's --set); a problem with one is reported at the key 'set'. */
experiment *experiment_load_with(const char *path, const char *const *extra_set, int n_extra, char *err,
                                 size_t err_len);
void experiment_free(experiment *e);

/* Runs in the design: n_cells * replications (checked not to overflow at
 * load: at most 10^7). Run i is cell i / replications, replication
 * i % replications. */
int64_t experiment_runs(const experiment *e);

/* For each factor, the index of its value in cell c. */
void experiment_cell_values(const experiment *e, int64_t cell, int *value_index);

/* The seed of replication r: output r of SplitMix64 (Steele, Lea, Flood
 * 2014) started at `base`, shifted right by one bit so it fits the
 * scenario's non-negative int64 simulation.seed. Distinct replications get
 * distinct seeds (SplitMix64's output is a bijection of its state). */
uint64_t experiment_seed(uint64_t base, int64_t replication);

/* The overrides of run (cell, r): the `set` overrides, one per factor, then
 * simulation.seed. *n gets their count; the caller frees with
 * experiment_free_overrides. NULL when out of memory. */
char **experiment_run_overrides(const experiment *e, int64_t cell, int64_t replication, int *n);
void experiment_free_overrides(char **overrides, int n);

/* "FILE:LINE" of metric i, for messages. */
void experiment_metric_where(const experiment *e, int i, char *buf, size_t len);

#endif
