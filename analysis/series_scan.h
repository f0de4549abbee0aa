/* series_scan.h - one streaming pass over a per-host series [samples, hosts]
 * (e.g. /series/host/cpu_usage_mhz): the per-sample totals' mean and peak,
 * the host with the highest cell over its capacity, and the last row's
 * total. `vdcsim summary` and the named metrics share it. */
#ifndef VDCSIM_ANALYSIS_SERIES_SCAN_H
#define VDCSIM_ANALYSIS_SERIES_SCAN_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

typedef struct series_scan {
    double mean, peak;  /* of the per-sample totals over samples with a finite cell */
    int64_t peak_row;   /* -1 when no sample has a finite cell */
    int64_t best_host;  /* highest cell / capacity[host], -1 when none */
    double best_ratio;
    int64_t best_row;
    double last_total;  /* total of the last row, NaN when all its cells are NaN */
    int64_t valid_rows; /* samples with a finite cell */
} series_scan;

/* Reads rows first_row..samples-1 of dataset ds (opened and checked to be
 * [samples, hosts] by the caller, e.g. with h5r_open_dataset) in blocks of
 * rows; capacity (may be NULL) turns on the per-host peak ratio. `name`
 * names the series in messages. Row numbers in `out` count from row 0 of
 * the dataset. 0, or -1 with a message in err. */
int series_scan_rows(hid_t ds, const char *name, hsize_t samples, hsize_t first_row, hsize_t hosts,
                     const double *capacity, series_scan *out, char *err, size_t err_len);

/* The same scan without capacity (best_host stays -1), from the one-column
 * total series the recorder wrote beside the series `source` (opened at
 * `source_path`, [samples, hosts]): its attribute `total` names the total,
 * whose attribute `total_of` must name source_path back, whose shape must
 * be [samples, 1] and whose group's start_ns and period_ns must be the
 * source group's (docs/hdf5-layout.md, "Total series"). The recorder sums
 * each row in entity order leaving NaN cells out, as series_scan_rows does,
 * so every number comes out bit for bit the same, from one column instead
 * of `hosts` (a total that is NaN counts as no total in both). 1
 * scanned, 0 no such total (scan the source), -1 error with a message in
 * err: an attribute that is not a fixed-length string, or a `total` that
 * names something other than a readable 2-D dataset (a damaged or crafted
 * file, refused rather than guessed around). */
int series_scan_total(hid_t file, hid_t source, const char *source_path, hsize_t samples, hsize_t first_row,
                      series_scan *out, char *err, size_t err_len);

/* The first row of the [samples, hosts] series at `path` with a cell above
 * zero (for /series/host/vms_running: the first sample at which a VM
 * runs). 1 found, 0 absent or all zero (first_row = 0), -1 error. */
int series_first_active_row(hid_t file, const char *path, hsize_t *first_row, char *err, size_t err_len);

/* The first sample at which the cluster has a workload: a VM runs or some
 * host has CPU demand. Rows before it (e.g. the sample at t = 0 when VM
 * starts arrive one control latency later) describe an empty cluster, and
 * the workload statistics of `summary` and `metrics` leave them out.
 * 1 found, 0 none (first_row = 0), -1 error. */
int series_first_workload_row(hid_t file, hsize_t *first_row, char *err, size_t err_len);

#endif
