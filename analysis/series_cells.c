/* series_cells.c - cell statistics of a series (see series_cells.h). */
#include "analysis/series_cells.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"
#include "analysis/row_stream.h"

/* Cells of a block: two blocks are held at once (analysis/row_stream.h) */
#define BLOCK_VALUES 262144

/* The histogram and sums of h5r_cell_stats, folded block by block. */
typedef struct cell_fold {
    double lo, hi, sum;
    int bins;
    int64_t *count;
    double *bin_max;
    hsize_t cols;
    cell_stats *out;
} cell_fold;

static int fold_cells(void *arg, hsize_t start, hsize_t nrows, const double *block)
{
    cell_fold *f = arg;
    cell_stats *out = f->out;
    const double lo = f->lo, hi = f->hi;
    const int bins = f->bins;
    for (size_t k = 0; k < (size_t)nrows * (size_t)f->cols; k++) {
        double v = block[k];
        if (!isfinite(v))
            continue;
        /* clamped as a double: a cell far out of [lo, hi) must not
         * overflow the int (NaN, from infinite widths, goes to bin 0) */
        double x = (v - lo) / (hi - lo) * bins;
        int b = x >= (double)bins ? bins - 1 : x >= 0.0 ? (int)x : 0;
        if (f->count[b] == 0 || v > f->bin_max[b])
            f->bin_max[b] = v;
        f->count[b]++;
        f->sum += v;
        if (out->n == 0 || v > out->max)
            out->max = v;
        out->n++;
    }
    return 0;
}

int h5r_cell_stats(hid_t file, const char *path, hsize_t first_row, double q, double lo, double hi, int bins,
                   cell_stats *out, char *err, size_t err_len)
{
    *out = (cell_stats){.mean = NAN, .max = NAN, .quantile = NAN};
    if (!h5r_exists(file, path))
        return 0;
    hsize_t dims[2] = {0, 0};
    hid_t ds = h5r_open_dataset(file, path, 2, dims, err, err_len);
    if (ds < 0)
        return -1;
    /* h5r_block_rows keeps a block at BLOCK_VALUES cells unless one row is
     * wider (h5r_rows_stream checks the product before it allocates) */
    hsize_t block_rows = h5r_block_rows_chunked(ds, h5r_block_rows(dims[1], BLOCK_VALUES));
    cell_fold f = {.lo = lo, .hi = hi, .bins = bins, .cols = dims[1], .out = out,
                   .count = bins >= 1 ? calloc((size_t)bins, sizeof *f.count) : NULL,
                   .bin_max = bins >= 1 ? malloc((size_t)bins * sizeof *f.bin_max) : NULL};
    int rc = 1;
    hsize_t bad[2];
    if (!f.count || !f.bin_max || bins < 1 || !(hi > lo)) {
        snprintf(err, err_len, "%s: out of memory (or bad histogram) reading cells", path);
        rc = -1;
    } else if (h5r_rows_stream(ds, first_row, dims[0], dims[1], block_rows, fold_cells, &f, bad) != 0) {
        snprintf(err, err_len, "%s: cannot read rows %llu..%llu (damaged data fails its checksum)", path,
                 (unsigned long long)bad[0], (unsigned long long)(bad[0] + bad[1]));
        rc = -1;
    }
    double sum = f.sum;
    int64_t *count = f.count;
    double *bin_max = f.bin_max;
    if (rc == 1 && out->n > 0) {
        out->mean = sum / (double)out->n;
        int64_t rank = (int64_t)ceil(q * (double)out->n);
        if (rank < 1)
            rank = 1;
        int64_t seen = 0;
        for (int b = 0; b < bins; b++) {
            seen += count[b];
            if (seen >= rank) {
                out->quantile = bin_max[b];
                break;
            }
        }
    }
    free(count);
    free(bin_max);
    H5Dclose(ds);
    return rc;
}
