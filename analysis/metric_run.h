/* metric_run.h - what the metric functions read from a run file, read once
 * and cached: the hosts table, the host series' time axis, one pass per
 * host series (cluster totals per sample), cell statistics of a series,
 * the availability tables, event kinds and values.
 *
 * The catalogue (metrics.c) and the run summary (run_summary.c) compute
 * their numbers through these functions, so the two always agree. Lookups
 * return 1 (found), 0 (absent) or -1 (error: the message, naming the file
 * and the dataset, is in metric_run_error).
 */
#ifndef VDCSIM_ANALYSIS_METRIC_RUN_H
#define VDCSIM_ANALYSIS_METRIC_RUN_H

#include "analysis/series_scan.h"
#include <hdf5.h>

#include <stddef.h>
#include <stdint.h>

#include "analysis/avail_summary.h"
#include "analysis/metrics.h"

/* Wraps a file the caller has opened (and closes): metric_run_close then
 * leaves the file open. NULL when out of memory. */
metric_run *metric_run_attach(hid_t file, const char *path);
hid_t metric_run_file(const metric_run *r);

/* Sets the error message, prefixed with the file's path; returns -1. */
int metric_run_fail(metric_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* /tables/hosts: rows and column sums; capacity_mhz[h] per host. */
typedef struct metric_hosts {
    int64_t hosts, cores, memory_mib;
    double cpu_capacity_mhz;     /* sum of the finite cpu_capacity_mhz */
    const double *capacity_mhz;  /* hosts values */
} metric_hosts;
int metric_run_hosts(metric_run *r, const metric_hosts **out);

/* /series/host: rows of time_ns, and the group's start_ns and period_ns. */
typedef struct metric_axis {
    int64_t samples, start_ns, period_ns;
} metric_axis;
int metric_run_host_axis(metric_run *r, const metric_axis **out);

/* One pass over /series/host/<name> [samples, hosts]: the cluster total of
 * sample k is the sum of its non-NaN cells; samples whose cells are all
 * NaN have no total and are left out of the mean and the peak. Read from
 * the series' total series when the file names one (series_scan_total: the
 * same bits); best_host is never computed (-1). */
typedef series_scan metric_scan; /* analysis/series_scan.h */
int metric_run_host_scan(metric_run *r, const char *name, const metric_scan **out);

/* Cell statistics of a 2-D series at `path`; per_host_pct scales column h
 * by 100 / capacity_mhz[h] (the series must have one column per host).
 * q < 0 asks for no quantile. */
typedef struct metric_cells {
    int64_t n;
    double mean, min, max, quantile; /* NaN when n == 0 */
} metric_cells;
/* along[0 .. n_along): quantiles that will be asked for later, computed
 * with q in the same passes over the cells (cell_quantile.h) and kept;
 * any value, the same results. */
int metric_run_cells(metric_run *r, const char *path, int per_host_pct, double q, const double *along, int n_along,
                     metric_cells *out);

/* A [sample, 1] series at `path`: mean and max over its finite values and
 * the last finite value. */
typedef struct metric_series1 {
    int64_t samples, finite;
    double mean, max, last;
} metric_series1;
int metric_run_series1(metric_run *r, const char *path, metric_series1 *out);

/* The availability tables (analysis/availability.h). */
int metric_run_avail(metric_run *r, const avail_summary **out);

/* The root attribute end_ns (where the run stopped). */
int metric_run_end_ns(metric_run *r, int64_t *end_ns);

/* 1 when /events exists and its kind enum holds `kind`, else 0 (-1 error). */
int metric_run_kind_known(metric_run *r, const char *kind);

/* The `value` member of every /events record of `kind`: *values gets a
 * malloc'ed array (caller frees) of *n values. 0 with *n = 0 when the kind
 * is unknown. */
int metric_run_event_values(metric_run *r, const char *kind, double **values, size_t *n);

#endif
