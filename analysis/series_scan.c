/* series_scan.c - one pass over a per-host series (see series_scan.h). */
#include "analysis/series_scan.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"

/* Values read at once: bounds the memory of a scan, whatever the file says. */
#define SCAN_BLOCK_VALUES 65536

int series_scan_rows(hid_t ds, const char *name, hsize_t samples, hsize_t first_row, hsize_t hosts,
                     const double *capacity, series_scan *out, char *err, size_t err_len)
{
    *out = (series_scan){.mean = NAN, .peak = NAN, .peak_row = -1, .best_host = -1, .best_ratio = NAN,
                         .best_row = -1, .last_total = NAN};
    hsize_t block_rows = h5r_block_rows(hosts, SCAN_BLOCK_VALUES);
    if (block_rows > samples)
        block_rows = samples;
    size_t block_bytes = block_rows <= SIZE_MAX / sizeof(double) / (hosts + 1)
                             ? h5r_array_bytes(block_rows * hosts + 1, sizeof(double))
                             : 0;
    double *block = block_bytes ? malloc(block_bytes) : NULL;
    if (!block) {
        snprintf(err, err_len, "%s: out of memory reading it", name);
        return -1;
    }
    double sum_totals = 0.0;
    int64_t valid_rows = 0;
    int rc = 0;
    for (hsize_t start = first_row; start < samples; start += block_rows) {
        hsize_t n = samples - start < block_rows ? samples - start : block_rows;
        if (h5r_read_rows_f64(ds, start, n, hosts, block) != 0) {
            snprintf(err, err_len, "%s: cannot read rows %llu..%llu", name, (unsigned long long)start,
                     (unsigned long long)(start + n));
            rc = -1;
            break;
        }
        for (hsize_t k = 0; k < n; k++) {
            const double *row = block + (size_t)k * (size_t)hosts;
            double total = 0.0;
            int any = 0;
            for (hsize_t h = 0; h < hosts; h++) {
                double v = row[h];
                if (isnan(v))
                    continue;
                total += v;
                any = 1;
                if (capacity && capacity[h] > 0.0) {
                    double ratio = v / capacity[h];
                    if (out->best_host < 0 || ratio > out->best_ratio) {
                        out->best_host = (int64_t)h;
                        out->best_ratio = ratio;
                        out->best_row = (int64_t)(start + k);
                    }
                }
            }
            if (start + k == samples - 1)
                out->last_total = any ? total : NAN;
            if (!any)
                continue;
            sum_totals += total;
            valid_rows++;
            if (out->peak_row < 0 || total > out->peak) {
                out->peak = total;
                out->peak_row = (int64_t)(start + k);
            }
        }
    }
    if (valid_rows > 0)
        out->mean = sum_totals / (double)valid_rows;
    out->valid_rows = valid_rows;
    free(block);
    return rc;
}

int series_first_active_row(hid_t file, const char *path, hsize_t *first_row, char *err, size_t err_len)
{
    *first_row = 0;
    if (!h5r_exists(file, path))
        return 0;
    hsize_t dims[2] = {0, 0};
    hid_t ds = h5r_open_dataset(file, path, 2, dims, err, err_len);
    if (ds < 0)
        return -1;
    hsize_t block_rows = h5r_block_rows(dims[1], SCAN_BLOCK_VALUES);
    if (block_rows > dims[0])
        block_rows = dims[0];
    size_t block_bytes = block_rows <= SIZE_MAX / sizeof(double) / (dims[1] + 1)
                             ? h5r_array_bytes(block_rows * dims[1] + 1, sizeof(double))
                             : 0;
    double *block = block_bytes ? malloc(block_bytes) : NULL;
    if (!block && dims[0] > 0) {
        H5Dclose(ds);
        snprintf(err, err_len, "%s: out of memory reading it", path);
        return -1;
    }
    int rc = 0;
    for (hsize_t start = 0; start < dims[0]; start += block_rows) {
        hsize_t n = dims[0] - start < block_rows ? dims[0] - start : block_rows;
        if (h5r_read_rows_f64(ds, start, n, dims[1], block) != 0) {
            snprintf(err, err_len, "%s: cannot read rows %llu..%llu (damaged data fails its checksum)", path,
                     (unsigned long long)start, (unsigned long long)(start + n));
            rc = -1;
            break;
        }
        for (size_t k = 0; k < (size_t)n * (size_t)dims[1]; k++)
            if (block[k] > 0.0) {
                *first_row = start + (hsize_t)(k / (size_t)dims[1]);
                rc = 1;
                break;
            }
        if (rc != 0)
            break;
    }
    free(block);
    H5Dclose(ds);
    return rc;
}

int series_first_workload_row(hid_t file, hsize_t *first_row, char *err, size_t err_len)
{
    static const char *const paths[] = {"/series/host/vms_running", "/series/host/cpu_demand_mhz"};
    int found = 0;
    *first_row = 0;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        hsize_t row = 0;
        int rc = series_first_active_row(file, paths[i], &row, err, err_len);
        if (rc < 0)
            return -1;
        if (rc == 1 && (!found || row < *first_row)) {
            *first_row = row;
            found = 1;
        }
    }
    return found;
}
