/* series_cells.h - statistics over every finite cell of a 2-D series
 * [sample, entity], streamed in blocks of rows (bounded memory).
 *
 * The quantile is the nearest-rank one (the smallest cell value x with at
 * least ceil(q n) cells <= x), found with a histogram of `bins` bins over
 * [lo, hi] (cells outside are clamped into the end bins) and reported as the
 * largest cell value in the bin that holds that rank: exact when the cells
 * of that bin are equal, otherwise at most one bin width above the true
 * quantile. Used for the per-VM CPU ready p95 of the run summary.
 */
#ifndef VDCSIM_ANALYSIS_SERIES_CELLS_H
#define VDCSIM_ANALYSIS_SERIES_CELLS_H

#include <hdf5.h>

#include <stddef.h>
#include <stdint.h>

typedef struct cell_stats {
    int64_t n;       /* finite cells */
    double mean;     /* NaN when n == 0 */
    double max;      /* NaN when n == 0 */
    double quantile; /* NaN when n == 0 */
} cell_stats;

/* Statistics of the finite cells in rows first_row.. of the dataset.
 * 1 read, 0 absent, -1 error (message naming the dataset in err). */
int h5r_cell_stats(hid_t file, const char *path, hsize_t first_row, double q, double lo, double hi, int bins,
                   cell_stats *out, char *err, size_t err_len);

#endif
