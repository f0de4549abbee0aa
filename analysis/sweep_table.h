/* sweep_table.h - the results of a sweep: one row per run, and per cell
 * (combination of factor values) and metric the mean over its replications
 * with a Student-t confidence interval; written as CSV and HDF5.
 *
 * Cell statistics use the finite values of the runs that succeeded: n of
 * them, mean, sample standard deviation s (n - 1 in the denominator), and
 * the half-width t_{(1+level)/2, n-1} s / sqrt(n) (gsl_cdf_tdist_Pinv via
 * stats_mean_ci). With n < 2 the standard deviation and the half-width are
 * NaN (no interval), with n = 0 the mean too.
 *
 * Numbers are written with %.17g (they read back exactly); NaN as an empty
 * CSV cell. Files are written under a temporary name and renamed.
 */
#ifndef VDCSIM_ANALYSIS_SWEEP_TABLE_H
#define VDCSIM_ANALYSIS_SWEEP_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sweep_table {
    int n_factors, n_metrics;
    const char *const *factor_keys;   /* n_factors */
    const char *const *metric_names;  /* n_metrics */
    const char *const *metric_units;  /* n_metrics */
    int64_t n_cells, replications;
    const char *const *cell_values;   /* [cell * n_factors + factor] */
    double level;                     /* 0.95 */
    /* Per run, index cell * replications + replication: */
    const uint64_t *seed;
    const int *status;                /* 0 succeeded; else its exit status (128 + signal when
                                         killed), -1 when its metrics could not be read */
    const double *wall_s;
    const char *const *message;       /* why it failed, "" */
    const double *values;             /* [run * n_metrics + metric], NaN absent */
} sweep_table;

typedef struct sweep_cell_stat {
    int64_t n;
    double mean, sd, half_width;
} sweep_cell_stat;

/* The statistics of `count` values (NaN ones left out) at `level`. */
void sweep_cell_stat_of(const double *values, size_t count, double level, sweep_cell_stat *out);

/* The statistics of one cell and metric of t. */
void sweep_table_cell(const sweep_table *t, int64_t cell, int metric, sweep_cell_stat *out);

/* runs.csv: run,cell,replication,<factor keys>,seed,status,wall_time_s,message,<metrics>
 * cells.csv: cell,<factor keys>,metric,unit,n,mean,sd,ci_low,ci_high,half_width,level
 * (long form: one row per cell and metric). 0, or -1 with a message. */
int sweep_write_runs_csv(const sweep_table *t, const char *path, char *err, size_t err_len);
int sweep_write_cells_csv(const sweep_table *t, const char *path, char *err, size_t err_len);

/* paired.csv, for cartesian designs with factors (first_factor_values
 * values of the first factor): for every cell whose first factor is not at
 * its first value, and every metric, the statistics of the per-replication
 * differences x(cell, r) - x(baseline, r), where the baseline is the cell
 * with the same other factors and the first factor at its first value;
 * replications where either run failed or either value is absent are left
 * out. With common random numbers this is the sharp comparison.
 * Columns: cell,<factor keys>,baseline_cell,metric,unit,n,mean_diff,sd,
 * ci_low,ci_high,half_width,level. */
int sweep_write_paired_csv(const sweep_table *t, int64_t first_factor_values, const char *path, char *err,
                           size_t err_len);

/* sweep.h5: the same two tables as compound datasets /runs and /cells
 * (strings fixed-length, NUL-padded UTF-8, each column as wide as its
 * longest value; factor values as strings; metric values float64 columns
 * named after the metric in /runs), chunked with a Fletcher-32 checksum on
 * every chunk, in the HDF5 1.10 format (checksummed metadata), and root
 * attributes format = "vdcsim-sweep", format_version = 2, design
 * ("cartesian" or "zip"), first_factor_values, cells, replications, level:
 * what `vdcsim report SWEEP.h5` needs to draw the figures again
 * (analysis/sweep_read.h). Version 1 (until issue 13) stored the strings
 * variable-length and no checksums; it is refused by the reader. A string
 * longer than H5R_MAX_STRING_BYTES (analysis/h5_read.h) makes the write fail. */
#define SWEEP_FORMAT_NAME "vdcsim-sweep"
#define SWEEP_FORMAT_VERSION 2
int sweep_write_h5(const sweep_table *t, int64_t first_factor_values, int zip, const char *path, char *err,
                   size_t err_len);

#endif
