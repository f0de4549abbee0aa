/* series_cells.c - cell statistics of a series (see series_cells.h). */
#include "analysis/series_cells.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"

#define BLOCK_VALUES 65536

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
     * wider; the row count is bounded by h5r_open_dataset, but the product
     * is still checked before it sizes an allocation. */
    hsize_t block_rows = h5r_block_rows_chunked(ds, h5r_block_rows(dims[1], BLOCK_VALUES));
    size_t block_bytes = block_rows <= SIZE_MAX / sizeof(double) / (dims[1] + 1)
                             ? h5r_array_bytes(block_rows * dims[1] + 1, sizeof(double))
                             : 0;
    double *block = block_bytes ? malloc(block_bytes) : NULL;
    int64_t *count = bins >= 1 ? calloc((size_t)bins, sizeof *count) : NULL;
    double *bin_max = bins >= 1 ? malloc((size_t)bins * sizeof *bin_max) : NULL;
    int rc = 1;
    if (!block || !count || !bin_max || bins < 1 || !(hi > lo)) {
        snprintf(err, err_len, "%s: out of memory (or bad histogram) reading cells", path);
        rc = -1;
    }
    double sum = 0.0;
    for (hsize_t start = first_row, n = 0; rc == 1 && start < dims[0]; start += n) {
        n = h5r_block_len(start, dims[0], block_rows);
        if (h5r_read_rows_f64(ds, start, n, dims[1], block) != 0) {
            snprintf(err, err_len, "%s: cannot read rows %llu..%llu (damaged data fails its checksum)", path, (unsigned long long)start,
                     (unsigned long long)(start + n));
            rc = -1;
            break;
        }
        for (size_t k = 0; k < (size_t)n * (size_t)dims[1]; k++) {
            double v = block[k];
            if (!isfinite(v))
                continue;
            int b = (int)((v - lo) / (hi - lo) * bins);
            b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
            if (count[b] == 0 || v > bin_max[b])
                bin_max[b] = v;
            count[b]++;
            sum += v;
            if (out->n == 0 || v > out->max)
                out->max = v;
            out->n++;
        }
    }
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
    free(block);
    free(count);
    free(bin_max);
    H5Dclose(ds);
    return rc;
}
