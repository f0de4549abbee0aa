/* sweep_table.c - cell statistics and the sweep's CSV and HDF5 tables (see
 * sweep_table.h). */
#include "analysis/sweep_table.h"

#include "analysis/csv.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/stats.h"

void sweep_cell_stat_of(const double *values, size_t count, double level, sweep_cell_stat *out)
{
    stats_running acc;
    stats_running_init(&acc);
    for (size_t i = 0; i < count; i++)
        stats_running_add(&acc, values[i]); /* NaN ignored */
    out->n = (int64_t)acc.count;
    out->mean = acc.count > 0 ? acc.mean : NAN;
    out->sd = stats_running_stddev(&acc);
    out->half_width = NAN;
    stats_interval ci;
    if (acc.count >= 2 && stats_running_ci(&acc, level, &ci) == 0)
        out->half_width = ci.half_width;
}

void sweep_table_cell(const sweep_table *t, int64_t cell, int metric, sweep_cell_stat *out)
{
    size_t n = (size_t)t->replications;
    double *v = malloc((n + 1) * sizeof *v);
    if (!v) {
        *out = (sweep_cell_stat){0, NAN, NAN, NAN};
        return;
    }
    for (size_t r = 0; r < n; r++) {
        int64_t run = cell * t->replications + (int64_t)r;
        v[r] = t->status[run] == 0 ? t->values[run * t->n_metrics + metric] : NAN;
    }
    sweep_cell_stat_of(v, n, t->level, out);
    free(v);
}

/* ---- CSV ----------------------------------------------------------------- */

/* Opens path's temporary twin; finish renames it or removes it. */
static FILE *begin_file(const char *path, char *tmp, size_t tmp_len, char *err, size_t err_len)
{
    snprintf(tmp, tmp_len, "%s.partial-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        snprintf(err, err_len, "%s: cannot write", tmp);
    return f;
}

static int finish_file(FILE *f, const char *tmp, const char *path, char *err, size_t err_len)
{
    int failed = ferror(f) != 0;
    failed |= fclose(f) != 0;
    if (failed || rename(tmp, path) != 0) {
        remove(tmp);
        snprintf(err, err_len, "%s: cannot write", path);
        return -1;
    }
    return 0;
}

int sweep_write_runs_csv(const sweep_table *t, const char *path, char *err, size_t err_len)
{
    char tmp[4200];
    FILE *f = begin_file(path, tmp, sizeof tmp, err, err_len);
    if (!f)
        return -1;
    fputs("run,cell,replication", f);
    for (int k = 0; k < t->n_factors; k++) {
        fputc(',', f);
        csv_write_text(f, t->factor_keys[k]);
    }
    fputs(",seed,status,wall_time_s,message", f);
    for (int m = 0; m < t->n_metrics; m++) {
        fputc(',', f);
        csv_write_text(f, t->metric_names[m]);
    }
    fputc('\n', f);
    for (int64_t c = 0; c < t->n_cells; c++)
        for (int64_t r = 0; r < t->replications; r++) {
            int64_t run = c * t->replications + r;
            fprintf(f, "%lld,%lld,%lld", (long long)run, (long long)c, (long long)r);
            for (int k = 0; k < t->n_factors; k++) {
                fputc(',', f);
                csv_write_text(f, t->cell_values[c * t->n_factors + k]);
            }
            fprintf(f, ",%llu,%d,", (unsigned long long)t->seed[run], t->status[run]);
            csv_write_number(f, t->wall_s[run], 1);
            fputc(',', f);
            csv_write_text(f, t->message[run]);
            for (int m = 0; m < t->n_metrics; m++) {
                fputc(',', f);
                csv_write_number(f, t->values[run * t->n_metrics + m], 1);
            }
            fputc('\n', f);
        }
    return finish_file(f, tmp, path, err, err_len);
}

int sweep_write_cells_csv(const sweep_table *t, const char *path, char *err, size_t err_len)
{
    char tmp[4200];
    FILE *f = begin_file(path, tmp, sizeof tmp, err, err_len);
    if (!f)
        return -1;
    fputs("cell", f);
    for (int k = 0; k < t->n_factors; k++) {
        fputc(',', f);
        csv_write_text(f, t->factor_keys[k]);
    }
    fputs(",metric,unit,n,mean,sd,ci_low,ci_high,half_width,level\n", f);
    for (int64_t c = 0; c < t->n_cells; c++)
        for (int m = 0; m < t->n_metrics; m++) {
            sweep_cell_stat s;
            sweep_table_cell(t, c, m, &s);
            fprintf(f, "%lld", (long long)c);
            for (int k = 0; k < t->n_factors; k++) {
                fputc(',', f);
                csv_write_text(f, t->cell_values[c * t->n_factors + k]);
            }
            fputc(',', f);
            csv_write_text(f, t->metric_names[m]);
            fputc(',', f);
            csv_write_text(f, t->metric_units[m]);
            fprintf(f, ",%lld,", (long long)s.n);
            double lo = s.mean - s.half_width, hi = s.mean + s.half_width;
            double cols[] = {s.mean, s.sd, lo, hi, s.half_width};
            for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
                csv_write_number(f, cols[i], 1);
                fputc(',', f);
            }
            fprintf(f, "%g\n", t->level);
        }
    return finish_file(f, tmp, path, err, err_len);
}

int sweep_write_paired_csv(const sweep_table *t, int64_t first_factor_values, const char *path, char *err,
                           size_t err_len)
{
    if (t->n_factors == 0 || first_factor_values < 1 || t->n_cells % first_factor_values != 0) {
        snprintf(err, err_len, "%s: paired differences need a cartesian design with factors", path);
        return -1;
    }
    int64_t rest = t->n_cells / first_factor_values; /* cells per value of the first factor */
    size_t reps = (size_t)t->replications;
    double *d = malloc((reps + 1) * sizeof *d);
    char tmp[4200];
    FILE *f = d ? begin_file(path, tmp, sizeof tmp, err, err_len) : NULL;
    if (!f) {
        free(d);
        if (!d)
            snprintf(err, err_len, "%s: out of memory", path);
        return -1;
    }
    fputs("cell", f);
    for (int k = 0; k < t->n_factors; k++) {
        fputc(',', f);
        csv_write_text(f, t->factor_keys[k]);
    }
    fputs(",baseline_cell,metric,unit,n,mean_diff,sd,ci_low,ci_high,half_width,level\n", f);
    for (int64_t c = rest; c < t->n_cells; c++)
        for (int m = 0; m < t->n_metrics; m++) {
            int64_t base = c % rest;
            for (size_t r = 0; r < reps; r++) {
                int64_t a = c * t->replications + (int64_t)r, b = base * t->replications + (int64_t)r;
                int both = t->status[a] == 0 && t->status[b] == 0;
                d[r] = both ? t->values[a * t->n_metrics + m] - t->values[b * t->n_metrics + m] : NAN;
            }
            sweep_cell_stat s;
            sweep_cell_stat_of(d, reps, t->level, &s);
            fprintf(f, "%lld", (long long)c);
            for (int k = 0; k < t->n_factors; k++) {
                fputc(',', f);
                csv_write_text(f, t->cell_values[c * t->n_factors + k]);
            }
            fprintf(f, ",%lld,", (long long)base);
            csv_write_text(f, t->metric_names[m]);
            fputc(',', f);
            csv_write_text(f, t->metric_units[m]);
            fprintf(f, ",%lld,", (long long)s.n);
            double cols[] = {s.mean, s.sd, s.mean - s.half_width, s.mean + s.half_width, s.half_width};
            for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
                csv_write_number(f, cols[i], 1);
                fputc(',', f);
            }
            fprintf(f, "%g\n", t->level);
        }
    free(d);
    return finish_file(f, tmp, path, err, err_len);
}

/* ---- HDF5 ---------------------------------------------------------------- */

/* Every member of a record takes one slot, so offsets are k * sizeof(slot). */
typedef union slot {
    int64_t i;
    double d;
    const char *s;
} slot;

typedef enum { COL_I64, COL_F64, COL_STR } col_kind;

typedef struct h5_types {
    hid_t mem, file, mem_str, file_str;
    int n;
    int failed;
} h5_types;

static void add_column(h5_types *t, const char *name, col_kind kind)
{
    size_t offset = (size_t)t->n++ * sizeof(slot);
    hid_t mem = kind == COL_I64 ? H5T_NATIVE_INT64 : kind == COL_F64 ? H5T_NATIVE_DOUBLE : t->mem_str;
    hid_t file = kind == COL_I64 ? H5T_STD_I64LE : kind == COL_F64 ? H5T_IEEE_F64LE : t->file_str;
    if (H5Tinsert(t->mem, name, offset, mem) < 0 || H5Tinsert(t->file, name, offset, file) < 0)
        t->failed = 1;
}

static int types_begin(h5_types *t, int columns)
{
    memset(t, 0, sizeof *t);
    size_t size = (size_t)columns * sizeof(slot);
    t->mem = H5Tcreate(H5T_COMPOUND, size);
    t->file = H5Tcreate(H5T_COMPOUND, size);
    t->mem_str = H5Tcopy(H5T_C_S1);
    t->file_str = H5Tcopy(H5T_C_S1);
    if (t->mem < 0 || t->file < 0 || t->mem_str < 0 || t->file_str < 0 || H5Tset_size(t->mem_str, H5T_VARIABLE) < 0 ||
        H5Tset_size(t->file_str, H5T_VARIABLE) < 0 || H5Tset_cset(t->file_str, H5T_CSET_UTF8) < 0 ||
        H5Tset_cset(t->mem_str, H5T_CSET_UTF8) < 0)
        t->failed = 1;
    return t->failed ? -1 : 0;
}

static void types_end(h5_types *t)
{
    hid_t ids[] = {t->mem, t->file, t->mem_str, t->file_str};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (ids[i] >= 0)
            H5Tclose(ids[i]);
}

static int write_dataset(hid_t file, const char *name, h5_types *t, const slot *rows, hsize_t n)
{
    hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t ds = space >= 0 ? H5Dcreate2(file, name, t->file, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int rc = ds >= 0 && (n == 0 || H5Dwrite(ds, t->mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0) ? 0 : -1;
    if (ds >= 0)
        H5Dclose(ds);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static int write_runs(hid_t file, const sweep_table *t)
{
    int cols = 3 + t->n_factors + 4 + t->n_metrics;
    h5_types ty;
    int64_t runs = t->n_cells * t->replications;
    slot *rows = malloc(((size_t)runs * (size_t)cols + 1) * sizeof *rows);
    int rc = rows && types_begin(&ty, cols) == 0 ? 0 : -1;
    if (rc == 0) {
        add_column(&ty, "run", COL_I64);
        add_column(&ty, "cell", COL_I64);
        add_column(&ty, "replication", COL_I64);
        for (int k = 0; k < t->n_factors; k++)
            add_column(&ty, t->factor_keys[k], COL_STR);
        add_column(&ty, "seed", COL_I64);
        add_column(&ty, "status", COL_I64);
        add_column(&ty, "wall_time_s", COL_F64);
        add_column(&ty, "message", COL_STR);
        for (int m = 0; m < t->n_metrics; m++)
            add_column(&ty, t->metric_names[m], COL_F64);
        rc = ty.failed ? -1 : 0;
    }
    for (int64_t run = 0; rc == 0 && run < runs; run++) {
        slot *row = rows + run * cols;
        int64_t c = run / t->replications;
        int k = 0;
        row[k++].i = run;
        row[k++].i = c;
        row[k++].i = run % t->replications;
        for (int f = 0; f < t->n_factors; f++)
            row[k++].s = t->cell_values[c * t->n_factors + f];
        row[k++].i = (int64_t)t->seed[run];
        row[k++].i = t->status[run];
        row[k++].d = t->wall_s[run];
        row[k++].s = t->message[run];
        for (int m = 0; m < t->n_metrics; m++)
            row[k++].d = t->values[run * t->n_metrics + m];
    }
    if (rc == 0)
        rc = write_dataset(file, "runs", &ty, rows, (hsize_t)runs);
    if (rows)
        types_end(&ty);
    free(rows);
    return rc;
}

static int write_cells(hid_t file, const sweep_table *t)
{
    int cols = 1 + t->n_factors + 9;
    h5_types ty;
    int64_t n = t->n_cells * t->n_metrics;
    slot *rows = malloc(((size_t)n * (size_t)cols + 1) * sizeof *rows);
    int rc = rows && types_begin(&ty, cols) == 0 ? 0 : -1;
    if (rc == 0) {
        add_column(&ty, "cell", COL_I64);
        for (int k = 0; k < t->n_factors; k++)
            add_column(&ty, t->factor_keys[k], COL_STR);
        add_column(&ty, "metric", COL_STR);
        add_column(&ty, "unit", COL_STR);
        add_column(&ty, "n", COL_I64);
        const char *numbers[] = {"mean", "sd", "ci_low", "ci_high", "half_width", "level"};
        for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
            add_column(&ty, numbers[i], COL_F64);
        rc = ty.failed ? -1 : 0;
    }
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        slot *row = rows + i * cols;
        int64_t c = i / t->n_metrics;
        int m = (int)(i % t->n_metrics), k = 0;
        sweep_cell_stat s;
        sweep_table_cell(t, c, m, &s);
        row[k++].i = c;
        for (int f = 0; f < t->n_factors; f++)
            row[k++].s = t->cell_values[c * t->n_factors + f];
        row[k++].s = t->metric_names[m];
        row[k++].s = t->metric_units[m];
        row[k++].i = s.n;
        row[k++].d = s.mean;
        row[k++].d = s.sd;
        row[k++].d = s.mean - s.half_width;
        row[k++].d = s.mean + s.half_width;
        row[k++].d = s.half_width;
        row[k++].d = t->level;
    }
    if (rc == 0)
        rc = write_dataset(file, "cells", &ty, rows, (hsize_t)n);
    if (rows)
        types_end(&ty);
    free(rows);
    return rc;
}

/* A scalar numeric attribute: file_type on disk, read from *value as mem_type. */
static int attr_number(hid_t obj, const char *name, hid_t file_type, hid_t mem_type, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = space >= 0 ? H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT) : -1;
    int rc = a >= 0 && H5Awrite(a, mem_type, value) >= 0 ? 0 : -1;
    if (a >= 0)
        H5Aclose(a);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static int attr_i64(hid_t obj, const char *name, int64_t value)
{
    return attr_number(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

static int attr_f64(hid_t obj, const char *name, double value)
{
    return attr_number(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

/* A fixed-length UTF-8 string attribute, null-terminated (as the recorder's). */
static int attr_str(hid_t obj, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate(H5S_SCALAR);
    int rc = type >= 0 && space >= 0 && H5Tset_size(type, strlen(value) + 1) >= 0 &&
                     H5Tset_strpad(type, H5T_STR_NULLTERM) >= 0 && H5Tset_cset(type, H5T_CSET_UTF8) >= 0
                 ? 0
                 : -1;
    hid_t a = rc == 0 ? H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT) : -1;
    rc = a >= 0 && H5Awrite(a, type, value) >= 0 ? 0 : -1;
    if (a >= 0)
        H5Aclose(a);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

/* What `vdcsim report SWEEP.h5` needs to draw the figures again. */
static int write_design(hid_t file, const sweep_table *t, int64_t first_factor_values, int zip)
{
    return attr_str(file, "format", SWEEP_FORMAT_NAME) == 0 &&
                   attr_i64(file, "format_version", SWEEP_FORMAT_VERSION) == 0 &&
                   attr_str(file, "design", zip ? "zip" : "cartesian") == 0 &&
                   attr_i64(file, "first_factor_values", first_factor_values) == 0 &&
                   attr_i64(file, "cells", t->n_cells) == 0 && attr_i64(file, "replications", t->replications) == 0 &&
                   attr_f64(file, "level", t->level) == 0
               ? 0
               : -1;
}

int sweep_write_h5(const sweep_table *t, int64_t first_factor_values, int zip, const char *path, char *err,
                   size_t err_len)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.partial-%ld", path, (long)getpid());
    H5E_auto2_t func;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    int rc = file >= 0 && write_design(file, t, first_factor_values, zip) == 0 && write_runs(file, t) == 0 &&
                     write_cells(file, t) == 0
                 ? 0
                 : -1;
    if (file >= 0 && H5Fclose(file) < 0)
        rc = -1;
    H5Eset_auto2(H5E_DEFAULT, func, data);
    if (rc != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        snprintf(err, err_len, "%s: cannot write the HDF5 tables", path);
        return -1;
    }
    return 0;
}
