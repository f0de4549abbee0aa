/* sweep_read.c - sweep.h5 back into a sweep_table (see sweep_read.h). */
#include "analysis/sweep_read.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/h5_read.h"

#define STR_LEN 4096
#define MAX_COLUMNS 4096 /* members of /runs: bounds the arrays of names */

int sweep_read_is_sweep(const char *path)
{
    /* The format only, not its version: a sweep file of another version is
     * then refused by sweep_read_h5 with a message saying so, instead of
     * being read as a run file. */
    h5r_quiet q;
    h5r_quiet_begin(&q);
    char format[64] = "";
    int is_sweep = 0;
    if (access(path, R_OK) == 0 && H5Fis_hdf5(path) > 0) {
        hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f >= 0) {
            is_sweep = h5r_attr_str(f, "format", format, sizeof format) == 1 && strcmp(format, SWEEP_FORMAT_NAME) == 0;
            H5Fclose(f);
        }
    }
    h5r_quiet_end(&q);
    return is_sweep;
}

/* A copy of s kept in r (freed by sweep_read_free); NULL when out of memory. */
static char *keep(sweep_read *r, const char *s)
{
    char *copy = strdup(s);
    if (!copy)
        return NULL;
    r->strings[r->n_strings++] = copy;
    return copy;
}

/* The index of member `name` among the n names, or -1. */
static int find(char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

static int positive_attr(hid_t file, const char *name, int64_t max, int64_t *out)
{
    return h5r_attr_i64(file, name, out) == 1 && *out >= 0 && *out <= max ? 0 : -1;
}

int sweep_read_h5(const char *path, sweep_read *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    h5r_quiet q;
    h5r_quiet_begin(&q);
    hid_t file = h5r_open_file(path, err, err_len);
    int rc = file >= 0 ? sweep_read_file(file, path, out, err, err_len) : -2;
    if (file >= 0)
        H5Fclose(file);
    h5r_quiet_end(&q);
    return rc;
}

int sweep_read_file(hid_t file, const char *path, sweep_read *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    h5r_quiet q;
    h5r_quiet_begin(&q);
    if (h5r_check_format(file, path, SWEEP_FORMAT_NAME, SWEEP_FORMAT_VERSION, "vdcsim sweep file", err, err_len) !=
        0) {
        h5r_quiet_end(&q);
        return -2;
    }
    int rc = -2;
    hid_t runs = -1, cells = -1, type = -1;
    char **names = NULL;
    int n_members = 0;
    sweep_table *t = &out->table;
    int64_t n_cells = 0, reps = 0, ffv = 0;
    double level = 0.0;
    char design[32] = "";
    if (positive_attr(file, "cells", INT64_C(1) << 31, &n_cells) != 0 ||
        positive_attr(file, "replications", INT64_C(1) << 31, &reps) != 0 || reps < 1 ||
        positive_attr(file, "first_factor_values", INT64_C(1) << 31, &ffv) != 0 ||
        h5r_attr_f64(file, "level", &level) != 1 || !(level > 0.0 && level < 1.0) ||
        h5r_attr_str(file, "design", design, sizeof design) != 1 ||
        (strcmp(design, "zip") != 0 && strcmp(design, "cartesian") != 0)) {
        snprintf(err, err_len, "%s: root attributes cells, replications, first_factor_values, level or design "
                               "missing or out of range", path);
        goto done;
    }
    hsize_t n_runs = 0, n_cell_rows = 0;
    runs = h5r_open_dataset(file, "/runs", 1, &n_runs, err, err_len);
    if (runs < 0)
        goto done;
    if ((int64_t)n_runs != n_cells * reps) {
        snprintf(err, err_len, "%s: /runs has %llu rows, not cells x replications = %lld", path,
                 (unsigned long long)n_runs, (long long)(n_cells * reps));
        goto done;
    }
    type = H5Dget_type(runs);
    n_members = type >= 0 && H5Tget_class(type) == H5T_COMPOUND ? H5Tget_nmembers(type) : -1;
    if (n_members < 8 || n_members > MAX_COLUMNS) {
        snprintf(err, err_len, "%s: /runs is not a table of runs", path);
        n_members = 0;
        goto done;
    }
    names = calloc((size_t)n_members, sizeof *names);
    if (!names) {
        rc = -1;
        goto done;
    }
    for (int i = 0; i < n_members; i++) {
        names[i] = H5Tget_member_name(type, (unsigned)i);
        if (!names[i]) {
            snprintf(err, err_len, "%s: /runs: cannot read the name of column %d (damaged file)", path, i);
            goto done;
        }
    }
    int first_factor = find(names, n_members, "replication") + 1, seed = find(names, n_members, "seed");
    int message = find(names, n_members, "message");
    if (first_factor != 3 || seed < first_factor || message != seed + 3) {
        snprintf(err, err_len, "%s: /runs lacks the columns run, cell, replication, seed, status, wall_time_s, message",
                 path);
        goto done;
    }
    int n_factors = seed - first_factor, n_metrics = n_members - message - 1;
    cells = h5r_open_dataset(file, "/cells", 1, &n_cell_rows, err, err_len);
    if (cells < 0)
        goto done;
    if ((int64_t)n_cell_rows != n_cells * n_metrics) {
        snprintf(err, err_len, "%s: /cells has %llu rows, not cells x metrics = %lld", path,
                 (unsigned long long)n_cell_rows, (long long)(n_cells * n_metrics));
        goto done;
    }
    /* Every string: factor keys, metric names and units, cell values,
     * messages. The counts are bounded (cells and replications < 2^31,
     * columns <= MAX_COLUMNS, rows backed by the file: h5r_open_dataset),
     * and each product is checked before it sizes an allocation. */
    size_t cell_value_count = h5r_array_bytes((hsize_t)n_cells, (size_t)n_factors);
    size_t value_count = h5r_array_bytes(n_runs, (size_t)n_metrics);
    if ((n_cells > 0 && n_factors > 0 && cell_value_count == 0) || (n_runs > 0 && n_metrics > 0 && value_count == 0) ||
        cell_value_count > SIZE_MAX / 2 - n_runs - 3 * (size_t)MAX_COLUMNS) {
        snprintf(err, err_len, "%s: /runs and /cells are too large to read", path);
        goto done;
    }
    size_t n_strings = (size_t)n_factors + 2 * (size_t)n_metrics + cell_value_count + n_runs;
    out->strings = calloc(n_strings + 1, sizeof *out->strings);
    const char **factor_keys = calloc((size_t)n_factors + 1, sizeof *factor_keys);
    const char **metric_names = calloc((size_t)n_metrics + 1, sizeof *metric_names);
    const char **metric_units = calloc((size_t)n_metrics + 1, sizeof *metric_units);
    const char **cell_values = calloc(cell_value_count + 1, sizeof *cell_values);
    const char **messages = calloc(n_runs + 1, sizeof *messages);
    uint64_t *seeds = calloc(n_runs + 1, sizeof *seeds);
    int *status = calloc(n_runs + 1, sizeof *status);
    double *wall = calloc(n_runs + 1, sizeof *wall);
    double *values = calloc(value_count + 1, sizeof *values);
    void *arrays[] = {factor_keys, metric_names, metric_units, cell_values, messages, seeds, status, wall};
    memcpy(out->arrays, arrays, sizeof arrays);
    int64_t *i64 = calloc(n_runs + 1, sizeof *i64);
    double *f64 = calloc(n_runs + 1, sizeof *f64);
    if (!out->strings || !factor_keys || !metric_names || !metric_units || !cell_values || !messages || !seeds ||
        !status || !wall || !values || !i64 || !f64) {
        free(i64), free(f64), free(values);
        rc = -1;
        goto done;
    }
    *t = (sweep_table){.n_factors = n_factors, .n_metrics = n_metrics, .factor_keys = factor_keys,
                       .metric_names = metric_names, .metric_units = metric_units, .n_cells = n_cells,
                       .replications = reps, .cell_values = cell_values, .level = level, .seed = seeds,
                       .status = status, .wall_s = wall, .message = messages, .values = values};
    int ok = 1;
    char buf[STR_LEN];
    for (int k = 0; ok && k < n_factors; k++)
        ok = (factor_keys[k] = keep(out, names[first_factor + k])) != NULL;
    for (int m = 0; ok && m < n_metrics; m++) {
        ok = (metric_names[m] = keep(out, names[message + 1 + m])) != NULL;
        ok = ok && h5r_table_column_str(cells, "/cells", "unit", (hsize_t)m, buf, sizeof buf, err, err_len) == 0 &&
             (metric_units[m] = keep(out, buf)) != NULL;
    }
    for (int64_t c = 0; ok && c < n_cells; c++)
        for (int k = 0; ok && k < n_factors; k++)
            ok = h5r_table_column_str(runs, "/runs", factor_keys[k], (hsize_t)(c * reps), buf, sizeof buf, err,
                                      err_len) == 0 &&
                 (cell_values[c * n_factors + k] = keep(out, buf)) != NULL;
    /* Messages in blocks of rows (one read per block, not per row). */
    enum { MESSAGE_BLOCK = 256 };
    char *block = ok ? malloc((size_t)MESSAGE_BLOCK * STR_LEN) : NULL;
    ok = ok && block != NULL;
    for (hsize_t r = 0; ok && r < n_runs; r += MESSAGE_BLOCK) {
        hsize_t count = n_runs - r < MESSAGE_BLOCK ? n_runs - r : MESSAGE_BLOCK;
        ok = h5r_table_column_strs(runs, "/runs", "message", r, count, block, STR_LEN, err, err_len) == 0;
        for (hsize_t k = 0; ok && k < count; k++)
            ok = (messages[r + k] = keep(out, block + (size_t)k * STR_LEN)) != NULL;
    }
    free(block);
    ok = ok && h5r_table_column_i64(runs, "/runs", "seed", 0, n_runs, i64, err, err_len) == 0;
    for (hsize_t r = 0; ok && r < n_runs; r++)
        seeds[r] = (uint64_t)i64[r];
    ok = ok && h5r_table_column_i64(runs, "/runs", "status", 0, n_runs, i64, err, err_len) == 0;
    for (hsize_t r = 0; ok && r < n_runs; r++)
        status[r] = (int)i64[r];
    ok = ok && h5r_table_column_f64(runs, "/runs", "wall_time_s", 0, n_runs, wall, err, err_len) == 0;
    for (int m = 0; ok && m < n_metrics; m++) {
        ok = h5r_table_column_f64(runs, "/runs", metric_names[m], 0, n_runs, f64, err, err_len) == 0;
        for (hsize_t r = 0; ok && r < n_runs; r++)
            values[r * (size_t)n_metrics + (size_t)m] = f64[r];
    }
    free(i64);
    free(f64);
    out->first_factor_values = ffv;
    out->zip = strcmp(design, "zip") == 0;
    rc = ok ? 0 : -2;
    if (!ok && !err[0]) {
        snprintf(err, err_len, "%s: out of memory reading it", path);
    }
done:
    if (rc != 0 && strncmp(err, path, strlen(path)) != 0) {
        /* The dataset and column readers name the dataset; name the file too. */
        char what[1024];
        snprintf(what, sizeof what, "%s", err[0] ? err : "cannot read it");
        snprintf(err, err_len, "%s: %s", path, what);
    }
    for (int i = 0; names && i < n_members; i++)
        H5free_memory(names[i]);
    free(names);
    if (type >= 0)
        H5Tclose(type);
    if (runs >= 0)
        H5Dclose(runs);
    if (cells >= 0)
        H5Dclose(cells);
    h5r_quiet_end(&q);
    if (rc != 0)
        sweep_read_free(out);
    return rc;
}

void sweep_read_free(sweep_read *r)
{
    for (size_t i = 0; i < r->n_strings; i++)
        free(r->strings[i]);
    free(r->strings);
    for (size_t i = 0; i < sizeof r->arrays / sizeof r->arrays[0]; i++)
        free(r->arrays[i]);
    free((void *)r->table.values);
    memset(r, 0, sizeof *r);
}
