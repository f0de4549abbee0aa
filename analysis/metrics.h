/* metrics.h - the catalogue of named scalar metrics of a run.
 *
 * Every number that `vdcsim metrics`, `vdcsim sweep` and the run summary
 * report about a run comes from one row of this catalogue: a name with its
 * unit in it ("cpu_ready_vm_p95_pct"), the unit, a definition, the datasets
 * it reads, and the function that computes it from the run's HDF5 file.
 * docs/metrics.md is generated from the same rows (`vdcsim metrics
 * --reference`).
 *
 * Absent is not zero. A metric whose datasets the run does not have (no
 * per-VM series, no failure model, no Kubernetes, no GPUs), or whose
 * definition has nothing to average (no samples, no pods scheduled), is
 * absent: metric_value returns 0 and the tools print "absent", null or an
 * empty cell. A count is 0 only when the run modelled the thing counted:
 * its event kind is registered in /events.
 *
 * Per-entity metrics: rows with per_service set expand to one metric per
 * row of /tables/services, named "<name>[<service>]", e.g.
 * "service_latency_p99_ms[web]".
 *
 * A metric_run caches what several metrics share (the hosts table, one pass
 * over each series), so asking for every metric reads each dataset a few
 * times at most. Not thread-safe (HDF5 is serial here).
 */
#ifndef VDCSIM_ANALYSIS_METRICS_H
#define VDCSIM_ANALYSIS_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct metric_run metric_run;
typedef struct metric_def metric_def;

/* 1 present (*out set), 0 absent (*out NaN), -1 error (metric_run_error). */
typedef int (*metric_fn)(metric_run *r, const metric_def *m, const char *entity, double *out);

struct metric_def {
    const char *name;       /* snake_case, unit last: "energy_kwh" */
    const char *unit;       /* "%", "MHz", "kWh", "1" for counts and ratios */
    const char *group;      /* section of docs/metrics.md */
    const char *definition; /* one or two sentences: what exactly is computed */
    const char *datasets;   /* what it reads */
    metric_fn compute;
    const char *arg;        /* the dataset, series or event kind the function reads */
    double param;           /* the quantile, or a unit factor */
    int per_service;        /* expands to name[service] */
};

extern const metric_def metric_defs[];
extern const size_t metric_def_count;

/* The row for a metric name, either a plain name or "name[entity]" for a
 * per_service row (the entity is copied to entity_buf; "" otherwise).
 * NULL when the name is not in the catalogue or the brackets do not fit
 * the row. */
const metric_def *metric_find(const char *name, char *entity_buf, size_t entity_len);

/* Opens a run file (format checked as h5r_open_run does). NULL with a
 * message naming the file in err. */
metric_run *metric_run_open(const char *path, char *err, size_t err_len);
void metric_run_close(metric_run *r);
const char *metric_run_error(const metric_run *r);
const char *metric_run_path(const metric_run *r);

/* The value of the metric `name` (plain or "name[entity]"): 1 present,
 * 0 absent, -1 error (unknown name or unreadable dataset; the message is in
 * metric_run_error). */
int metric_value(metric_run *r, const char *name, double *out);

/* Every metric name of this run in catalogue order, per-service rows
 * expanded over /tables/services: calls fn(name, def, arg) for each.
 * Returns 0, or -1 with a message. */
int metric_run_each_name(metric_run *r, void (*fn)(const char *name, const metric_def *def, void *arg), void *arg);

/* Writes docs/metrics.md: every row with its unit, definition and datasets. */
void metrics_write_reference(FILE *out);

#endif
