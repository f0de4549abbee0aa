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

/* Reads dataset ds (opened and checked to be [samples, hosts] by the
 * caller, e.g. with h5r_open_dataset) in blocks of rows; capacity (may be
 * NULL) turns on the per-host peak ratio. `name` names the series in
 * messages. 0, or -1 with a message in err. */
int series_scan_rows(hid_t ds, const char *name, hsize_t samples, hsize_t hosts, const double *capacity,
                     series_scan *out, char *err, size_t err_len);

#endif
