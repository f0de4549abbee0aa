/* experiment_keys.c - the key table of experiment files (experiment.h,
 * docs/experiments.md). Same row format and rules as keys.c. */
#include <math.h>

#include "scenario/experiment.h"

static const scn_key experiment_keys[] = {
{.path = "scenario", .type = SCN_STRING, .default_text = NULL, .min = 1, .max = 4096,
 .doc = "The base scenario file, relative to the experiment file unless absolute."},
{.path = "replications", .type = SCN_INT, .default_text = "1", .min = 1, .max = 100000,
 .doc = "Runs per cell, each with its own seed; the same seeds in every cell (runs)."},
{.path = "seed", .type = SCN_INT, .default_text = "1", .min = 0, .max = INFINITY,
 .doc = "Base seed: replication r runs with the r-th SplitMix64 output from it."},
{.path = "design", .type = SCN_ENUM, .default_text = "\"cartesian\"", .enum_values = "cartesian|zip",
 .doc = "cartesian: every combination of factor values; zip: the i-th value of every factor."},
{.path = "confidence", .type = SCN_FLOAT, .default_text = "0.95", .min = 0.5, .max = 0.999,
 .doc = "Level of the Student-t confidence intervals of the cell means."},
{.path = "set", .type = SCN_ARRAY, .default_text = "[]", .min = 0, .max = 256,
 .doc = "Overrides \"KEY=VALUE\" applied to every run, as with vdcsim run --set (strings)."},
{.path = "factors", .type = SCN_LIST, .default_text = "()", .min = 1, .max = 32,
 .doc = "Scenario keys to vary; no factors means replications of the scenario alone (elements)."},
{.path = "factors.[].key", .type = SCN_STRING, .default_text = NULL, .min = 1, .max = 511,
 .flags = SCN_UNIQUE, .doc = "A scenario key, such as hosts.[0].count (not simulation.seed or output.path)."},
{.path = "factors.[].values", .type = SCN_ARRAY, .default_text = NULL, .min = 1, .max = 10000,
 .doc = "The values the key takes, each as it would be written in the scenario (values)."},
{.path = "metrics", .type = SCN_ARRAY, .default_text = NULL, .min = 1, .max = 256,
 .doc = "Names of run metrics to collect (docs/metrics.md), such as energy_kwh (strings)."},
{.path = "output", .type = SCN_STRING, .default_text = "\"\"", .min = 0, .max = 4096,
 .doc = "Directory of the results, relative to the experiment file; \"\": the file's name with .sweep."},
};

const scn_schema scn_experiment_schema = {experiment_keys, sizeof experiment_keys / sizeof experiment_keys[0],
                                          "docs/experiments.md"};
