/* series_scan.c - one pass over a per-host series (see series_scan.h). */
#include "analysis/series_scan.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "analysis/row_stream.h"

/* Values read at once: bounds the memory of a scan, whatever the file
 * says (two blocks are held: analysis/row_stream.h). */
#define SCAN_BLOCK_VALUES 262144
/* Rows of a total series read at once (one column, on the stack). */
#define TOTAL_BLOCK_ROWS 4096

/* Folds one row's total into the scan. any 0: the row has no cell that is
 * not NaN. A total that is NaN anyway (cells of +inf and -inf) counts as
 * none too, as a NaN cell of a total series must (the recorder leaves a
 * row of NaN cells NaN): the two paths agree on every file. */
static void scan_add_total(series_scan *out, hsize_t row, hsize_t samples, double total, int any,
                           double *sum_totals)
{
    any = any && !isnan(total);
    if (row == samples - 1)
        out->last_total = any ? total : NAN;
    if (!any)
        return;
    *sum_totals += total;
    out->valid_rows++;
    if (out->peak_row < 0 || total > out->peak) {
        out->peak = total;
        out->peak_row = (int64_t)row;
    }
}

/* The state of series_scan_rows, folded block by block. */
typedef struct scan_fold {
    hsize_t samples, hosts;
    const double *capacity;
    double sum_totals;
    series_scan *out;
} scan_fold;

static int fold_rows(void *arg, hsize_t start, hsize_t n, const double *block)
{
    scan_fold *f = arg;
    series_scan *out = f->out;
    const hsize_t hosts = f->hosts;
    const double *capacity = f->capacity;
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
        scan_add_total(out, start + k, f->samples, total, any, &f->sum_totals);
    }
    return 0;
}

int series_scan_rows(hid_t ds, const char *name, hsize_t samples, hsize_t first_row, hsize_t hosts,
                     const double *capacity, series_scan *out, char *err, size_t err_len)
{
    *out = (series_scan){.mean = NAN, .peak = NAN, .peak_row = -1, .best_host = -1, .best_ratio = NAN,
                         .best_row = -1, .last_total = NAN};
    hsize_t block_rows = h5r_block_rows_chunked(ds, h5r_block_rows(hosts, SCAN_BLOCK_VALUES));
    scan_fold f = {.samples = samples, .hosts = hosts, .capacity = capacity, .out = out};
    hsize_t bad[2];
    int rc = 0;
    if (h5r_rows_stream(ds, first_row, samples, hosts, block_rows, fold_rows, &f, bad) != 0) {
        snprintf(err, err_len, "%s: cannot read rows %llu..%llu", name, (unsigned long long)bad[0],
                 (unsigned long long)(bad[0] + bad[1]));
        rc = -1;
    }
    if (out->valid_rows > 0)
        out->mean = f.sum_totals / (double)out->valid_rows;
    return rc;
}

/* The group path of the dataset at `path` ("/series/host" of
 * "/series/host/cpu_usage_mhz") into buf; 0, or -1 when it has none. */
static int parent_path(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path || (size_t)(slash - path) >= len)
        return -1;
    memcpy(buf, path, (size_t)(slash - path));
    buf[slash - path] = '\0';
    return 0;
}

/* 1 when the groups of the series at paths a and b have the same start_ns
 * and period_ns attributes (the same time axis), 0 otherwise. */
static int same_time_axis(hid_t file, const char *a, const char *b)
{
    char ga[512], gb[512];
    if (parent_path(a, ga, sizeof ga) != 0 || parent_path(b, gb, sizeof gb) != 0 || !h5r_exists(file, ga) ||
        !h5r_exists(file, gb))
        return 0;
    int64_t v[2][2];
    const char *groups[2] = {ga, gb};
    for (int i = 0; i < 2; i++) {
        hid_t g = H5Gopen2(file, groups[i], H5P_DEFAULT);
        if (g < 0)
            return 0;
        int ok = h5r_attr_i64(g, "start_ns", &v[i][0]) == 1 && h5r_attr_i64(g, "period_ns", &v[i][1]) == 1;
        H5Gclose(g);
        if (!ok)
            return 0;
    }
    return v[0][0] == v[1][0] && v[0][1] == v[1][1];
}

int series_scan_total(hid_t file, hid_t source, const char *source_path, hsize_t samples, hsize_t first_row,
                      series_scan *out, char *err, size_t err_len)
{
    *out = (series_scan){.mean = NAN, .peak = NAN, .peak_row = -1, .best_host = -1, .best_ratio = NAN,
                         .best_row = -1, .last_total = NAN};
    char path[512], back[512];
    int rc = h5r_attr_str(source, "total", path, sizeof path);
    if (rc < 0) {
        snprintf(err, err_len, "%s: attribute total is not a fixed-length string", source_path);
        return -1;
    }
    if (rc == 0 || strncmp(path, "/series/", 8) != 0 || strcmp(path, source_path) == 0 || !h5r_exists(file, path))
        return 0; /* no total named: files of older versions, and series without one */
    hsize_t dims[2] = {0, 0};
    hid_t ds = h5r_open_dataset(file, path, 2, dims, err, err_len);
    if (ds < 0)
        return -1;
    rc = h5r_attr_str(ds, "total_of", back, sizeof back);
    if (rc < 0) {
        snprintf(err, err_len, "%.200s: attribute total_of is not a fixed-length string", path);
        H5Dclose(ds);
        return -1;
    }
    /* a total of another series, of another shape or time axis: not this
     * series' per-sample sums, so the caller scans the series itself */
    if (rc == 0 || strcmp(back, source_path) != 0 || dims[0] != samples || dims[1] != 1 ||
        !same_time_axis(file, source_path, path)) {
        H5Dclose(ds);
        return 0;
    }
    double sum_totals = 0.0;
    double column[TOTAL_BLOCK_ROWS];
    rc = 1;
    for (hsize_t start = first_row; start < samples; start += TOTAL_BLOCK_ROWS) {
        hsize_t n = samples - start < TOTAL_BLOCK_ROWS ? samples - start : TOTAL_BLOCK_ROWS;
        if (h5r_read_rows_f64(ds, start, n, 1, column) != 0) {
            snprintf(err, err_len, "%.200s: cannot read rows %llu..%llu", path, (unsigned long long)start,
                     (unsigned long long)(start + n));
            rc = -1;
            break;
        }
        for (hsize_t k = 0; k < n; k++)
            scan_add_total(out, start + k, samples, column[k], !isnan(column[k]), &sum_totals);
    }
    if (rc == 1 && out->valid_rows > 0)
        out->mean = sum_totals / (double)out->valid_rows;
    H5Dclose(ds);
    return rc;
}

/* series_first_active_row's fold: stops at the first row with a cell > 0. */
typedef struct active_find {
    hsize_t cols, row;
} active_find;

static int find_active(void *arg, hsize_t start, hsize_t n, const double *block)
{
    active_find *a = arg;
    for (size_t k = 0; k < (size_t)n * (size_t)a->cols; k++)
        if (block[k] > 0.0) {
            a->row = start + (hsize_t)(k / (size_t)a->cols);
            return 1;
        }
    return 0;
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
    hsize_t block_rows = h5r_block_rows_chunked(ds, h5r_block_rows(dims[1], SCAN_BLOCK_VALUES));
    active_find a = {.cols = dims[1]};
    hsize_t bad[2];
    int rc = h5r_rows_stream(ds, 0, dims[0], dims[1], block_rows, find_active, &a, bad);
    if (rc < 0)
        snprintf(err, err_len, "%s: cannot read rows %llu..%llu (damaged data fails its checksum)", path,
                 (unsigned long long)bad[0], (unsigned long long)(bad[0] + bad[1]));
    else if (rc == 1)
        *first_row = a.row;
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
