/* sweep_table.c - cell statistics and the sweep's CSV and HDF5 tables (see
 * sweep_table.h). */
#include "analysis/sweep_table.h"

#include "analysis/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/h5_read.h"
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

/* A table is written as one buffer of packed rows: each integer and float
 * member 8 bytes, each string member a fixed-length, NUL-padded UTF-8
 * field as wide as its longest value plus one (format_version 2: strings
 * inside the checksummed chunks, never variable-length in HDF5's global
 * heap, which no checksum covers; docs/experiments.md). */
typedef enum { COL_I64, COL_F64, COL_STR } col_kind;

#define MAX_TABLE_COLUMNS 4096 /* the reader's bound on /runs members */
#define CHUNK_BYTES ((size_t)1 << 18) /* fits HDF5's default 1 MiB chunk cache */

typedef struct h5_table {
    hid_t mem, file;   /* compound types, same offsets */
    size_t offset[MAX_TABLE_COLUMNS];
    size_t width[MAX_TABLE_COLUMNS];
    int n;
    size_t row_size;
    int failed;
} h5_table;

/* The width of a string field holding every one of the n values (the
 * values are at values[i * stride]): the longest length plus the NUL. */
static size_t str_width(const char *const *values, int64_t n, int64_t stride)
{
    size_t width = 1;
    for (int64_t i = 0; i < n; i++) {
        size_t len = strlen(values[i * stride]) + 1;
        if (len > width)
            width = len;
    }
    return width;
}

static hid_t string_type(size_t width)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type >= 0 && (H5Tset_size(type, width) < 0 || H5Tset_strpad(type, H5T_STR_NULLPAD) < 0 ||
                      H5Tset_cset(type, H5T_CSET_UTF8) < 0)) {
        H5Tclose(type);
        type = H5I_INVALID_HID;
    }
    return type;
}

/* Adds a member; width is the string field's width (ignored otherwise). */
static void add_column(h5_table *t, const char *name, col_kind kind, size_t width)
{
    if (t->failed || t->n >= MAX_TABLE_COLUMNS || (kind == COL_STR && width > H5R_MAX_STRING_BYTES)) {
        t->failed = 1;
        return;
    }
    size_t size = kind == COL_STR ? width : 8;
    hid_t str = kind == COL_STR ? string_type(width) : H5I_INVALID_HID;
    hid_t mem = kind == COL_I64 ? H5T_NATIVE_INT64 : kind == COL_F64 ? H5T_NATIVE_DOUBLE : str;
    hid_t file = kind == COL_I64 ? H5T_STD_I64LE : kind == COL_F64 ? H5T_IEEE_F64LE : str;
    /* Both compounds grow member by member (H5Tset_size before insert). */
    if (mem < 0 || H5Tset_size(t->mem, t->row_size + size) < 0 || H5Tset_size(t->file, t->row_size + size) < 0 ||
        H5Tinsert(t->mem, name, t->row_size, mem) < 0 || H5Tinsert(t->file, name, t->row_size, file) < 0)
        t->failed = 1;
    if (str >= 0)
        H5Tclose(str);
    t->offset[t->n] = t->row_size;
    t->width[t->n] = size;
    t->n++;
    t->row_size += size;
}

static int table_begin(h5_table *t)
{
    memset(t, 0, sizeof *t);
    t->mem = H5Tcreate(H5T_COMPOUND, 8);
    t->file = H5Tcreate(H5T_COMPOUND, 8);
    t->failed = t->mem < 0 || t->file < 0;
    return t->failed ? -1 : 0;
}

static void table_end(h5_table *t)
{
    if (t->mem >= 0)
        H5Tclose(t->mem);
    if (t->file >= 0)
        H5Tclose(t->file);
}

/* The packed rows: n * row_size bytes, checked before multiplying; NULL
 * when that overflows or memory is short. */
static unsigned char *rows_alloc(const h5_table *t, int64_t n)
{
    if (n < 0 || t->row_size == 0 || (uint64_t)n > (SIZE_MAX - 1) / t->row_size)
        return NULL;
    return calloc((size_t)n * t->row_size + 1, 1);
}

static void put_i64(const h5_table *t, unsigned char *row, int k, int64_t v) { memcpy(row + t->offset[k], &v, 8); }
static void put_f64(const h5_table *t, unsigned char *row, int k, double v) { memcpy(row + t->offset[k], &v, 8); }
static void put_str(const h5_table *t, unsigned char *row, int k, const char *v)
{
    size_t len = strlen(v);
    memcpy(row + t->offset[k], v, len < t->width[k] ? len : t->width[k] - 1); /* the rest stays NUL */
}

/* A 1-D dataset of n rows, chunked so that every chunk carries a
 * Fletcher-32 checksum (a damaged chunk makes H5Dread fail). */
static int write_dataset(hid_t file, const char *name, const h5_table *t, const unsigned char *rows, hsize_t n)
{
    hsize_t dims[1] = {n}, max_dims[1] = {H5S_UNLIMITED};
    size_t per_chunk = CHUNK_BYTES / t->row_size;
    hsize_t chunk[1] = {n < 1 ? 1 : per_chunk < 1 ? 1 : n < per_chunk ? n : (hsize_t)per_chunk};
    hid_t space = H5Screate_simple(1, dims, max_dims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t ds = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, chunk) >= 0 && H5Pset_fletcher32(dcpl) >= 0)
        ds = H5Dcreate2(file, name, t->file, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int rc = ds >= 0 && (n == 0 || H5Dwrite(ds, t->mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0) ? 0 : -1;
    if (ds >= 0)
        H5Dclose(ds);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static int write_runs(hid_t file, const sweep_table *t)
{
    h5_table ty;
    int64_t runs = t->n_cells * t->replications;
    int rc = table_begin(&ty);
    add_column(&ty, "run", COL_I64, 0);
    add_column(&ty, "cell", COL_I64, 0);
    add_column(&ty, "replication", COL_I64, 0);
    for (int k = 0; k < t->n_factors; k++)
        add_column(&ty, t->factor_keys[k], COL_STR, str_width(t->cell_values + k, t->n_cells, t->n_factors));
    add_column(&ty, "seed", COL_I64, 0);
    add_column(&ty, "status", COL_I64, 0);
    add_column(&ty, "wall_time_s", COL_F64, 0);
    add_column(&ty, "message", COL_STR, str_width(t->message, runs, 1));
    for (int m = 0; m < t->n_metrics; m++)
        add_column(&ty, t->metric_names[m], COL_F64, 0);
    unsigned char *rows = rc == 0 && !ty.failed ? rows_alloc(&ty, runs) : NULL;
    rc = rows ? 0 : -1;
    for (int64_t run = 0; rc == 0 && run < runs; run++) {
        unsigned char *row = rows + (size_t)run * ty.row_size;
        int64_t c = run / t->replications;
        int k = 0;
        put_i64(&ty, row, k++, run);
        put_i64(&ty, row, k++, c);
        put_i64(&ty, row, k++, run % t->replications);
        for (int f = 0; f < t->n_factors; f++)
            put_str(&ty, row, k++, t->cell_values[c * t->n_factors + f]);
        put_i64(&ty, row, k++, (int64_t)t->seed[run]);
        put_i64(&ty, row, k++, t->status[run]);
        put_f64(&ty, row, k++, t->wall_s[run]);
        put_str(&ty, row, k++, t->message[run]);
        for (int m = 0; m < t->n_metrics; m++)
            put_f64(&ty, row, k++, t->values[run * t->n_metrics + m]);
    }
    if (rc == 0)
        rc = write_dataset(file, "runs", &ty, rows, (hsize_t)runs);
    table_end(&ty);
    free(rows);
    return rc;
}

static int write_cells(hid_t file, const sweep_table *t)
{
    h5_table ty;
    int64_t n = t->n_cells * t->n_metrics;
    int rc = table_begin(&ty);
    add_column(&ty, "cell", COL_I64, 0);
    for (int k = 0; k < t->n_factors; k++)
        add_column(&ty, t->factor_keys[k], COL_STR, str_width(t->cell_values + k, t->n_cells, t->n_factors));
    add_column(&ty, "metric", COL_STR, str_width(t->metric_names, t->n_metrics, 1));
    add_column(&ty, "unit", COL_STR, str_width(t->metric_units, t->n_metrics, 1));
    add_column(&ty, "n", COL_I64, 0);
    const char *numbers[] = {"mean", "sd", "ci_low", "ci_high", "half_width", "level"};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        add_column(&ty, numbers[i], COL_F64, 0);
    unsigned char *rows = rc == 0 && !ty.failed ? rows_alloc(&ty, n) : NULL;
    rc = rows ? 0 : -1;
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        unsigned char *row = rows + (size_t)i * ty.row_size;
        int64_t c = i / t->n_metrics;
        int m = (int)(i % t->n_metrics), k = 0;
        sweep_cell_stat s;
        sweep_table_cell(t, c, m, &s);
        put_i64(&ty, row, k++, c);
        for (int f = 0; f < t->n_factors; f++)
            put_str(&ty, row, k++, t->cell_values[c * t->n_factors + f]);
        put_str(&ty, row, k++, t->metric_names[m]);
        put_str(&ty, row, k++, t->metric_units[m]);
        put_i64(&ty, row, k++, s.n);
        put_f64(&ty, row, k++, s.mean);
        put_f64(&ty, row, k++, s.sd);
        put_f64(&ty, row, k++, s.mean - s.half_width);
        put_f64(&ty, row, k++, s.mean + s.half_width);
        put_f64(&ty, row, k++, s.half_width);
        put_f64(&ty, row, k++, t->level);
    }
    if (rc == 0)
        rc = write_dataset(file, "cells", &ty, rows, (hsize_t)n);
    table_end(&ty);
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
    /* The temporary is made here, never followed if something already
     * has its name (a planted symbolic link: issue 13, defect 14). */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (fd < 0) {
        H5Eset_auto2(H5E_DEFAULT, func, data);
        snprintf(err, err_len, "%s: cannot create: %s", tmp, strerror(errno));
        return -1;
    }
    close(fd);
    /* As run files: the 1.10 format checksums the metadata, and links and
     * attributes stay compact in the (checksummed) object headers. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = H5Pcreate(H5P_FILE_CREATE);
    hid_t file = H5I_INVALID_HID;
    if (fapl >= 0 && fcpl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0 &&
        H5Pset_link_phase_change(fcpl, 65535, 65535) >= 0 && H5Pset_attr_phase_change(fcpl, 65535, 65535) >= 0)
        file = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
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
