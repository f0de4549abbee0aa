/* h5_export.c - a run file as CSV files (see h5_export.h). */
#include "analysis/h5_export.h"

#include "analysis/csv.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/h5_read.h"
#include "analysis/out_dir.h"

#define PATH_LEN 4200
#define NAME_LEN 256
#define BLOCK_VALUES 65536
#define STR_LEN 4096

/* The names of the links in group `path` (sorted by name); *n of them,
 * each malloc'ed. 0, or -1 with a message. */
static int list_group(hid_t file, const char *path, char ***names, hsize_t *n, char *err, size_t err_len)
{
    *names = NULL;
    *n = 0;
    hid_t g = H5Gopen2(file, path, H5P_DEFAULT);
    H5G_info_t info;
    if (g < 0 || H5Gget_info(g, &info) < 0) {
        if (g >= 0)
            H5Gclose(g);
        snprintf(err, err_len, "%s: not a group", path);
        return -1;
    }
    *names = calloc((size_t)info.nlinks + 1, sizeof **names);
    int rc = *names ? 0 : -1;
    for (hsize_t i = 0; rc == 0 && i < info.nlinks; i++) {
        char name[NAME_LEN];
        ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
        if (len < 0 || (size_t)len >= sizeof name || !((*names)[i] = malloc((size_t)len + 1))) {
            rc = -1;
            break;
        }
        memcpy((*names)[i], name, (size_t)len + 1);
        (*n)++;
    }
    H5Gclose(g);
    if (rc != 0)
        snprintf(err, err_len, "%s: cannot list its members", path);
    return rc;
}

static void free_names(char **names, hsize_t n)
{
    for (hsize_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

/* Set when a CSV file or folder could not be written: the export then
 * failed on our side (-1, exit 1); any other failure is the run file's
 * (-2, exit 2: damaged or crafted). One export at a time (HDF5 is serial). */
static int export_write_failed;

static FILE *open_out(const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, err_len, "%.1500s: cannot write: %s", path, strerror(errno));
        export_write_failed = 1;
    }
    return f;
}

static int close_out(FILE *f, const char *path, char *err, size_t err_len)
{
    int failed = ferror(f) != 0;
    failed |= fclose(f) != 0;
    if (failed) {
        snprintf(err, err_len, "%.1500s: cannot write", path);
        export_write_failed = 1;
    }
    return failed ? -1 : 0;
}

/* ---- tables -------------------------------------------------------------- */

static int export_table(hid_t file, const char *name, const char *dir, char *err, size_t err_len)
{
    char path[PATH_LEN], ds_path[NAME_LEN + 16];
    snprintf(ds_path, sizeof ds_path, "/tables/%s", name);
    snprintf(path, sizeof path, "%s/tables/%s.csv", dir, name);
    /* Through h5r_open_dataset, as every reader: no links out of the file,
     * no claimed rows without data, sizes bounded (issue 13). */
    hsize_t rows = 0;
    char open_err[512] = "";
    hid_t ds = h5r_open_dataset(file, ds_path, 1, &rows, open_err, sizeof open_err);
    hid_t type = ds >= 0 ? H5Dget_type(ds) : H5I_INVALID_HID;
    if (type < 0 || H5Tget_class(type) != H5T_COMPOUND) {
        if (ds < 0)
            snprintf(err, err_len, "%s", open_err);
        else
            snprintf(err, err_len, "%s: not a 1-D compound table", ds_path);
        if (type >= 0)
            H5Tclose(type);
        if (ds >= 0)
            H5Dclose(ds);
        return -1;
    }
    int ncols = H5Tget_nmembers(type);
    char **cols = calloc((size_t)(ncols > 0 ? ncols : 0) + 1, sizeof *cols);
    H5T_class_t *classes = calloc((size_t)(ncols > 0 ? ncols : 0) + 1, sizeof *classes);
    enum { BLOCK = 1024 };
    int64_t *iv = malloc((size_t)(ncols > 0 ? ncols : 1) * BLOCK * sizeof *iv);
    double *fv = malloc((size_t)(ncols > 0 ? ncols : 1) * BLOCK * sizeof *fv);
    char *str = malloc(STR_LEN);
    FILE *f = cols && classes && iv && fv && str ? open_out(path, err, err_len) : NULL;
    int rc = f ? 0 : -1;
    if (!cols || !classes || !iv || !fv || !str)
        snprintf(err, err_len, "%s: out of memory", ds_path);
    for (int c = 0; rc == 0 && c < ncols; c++) {
        cols[c] = H5Tget_member_name(type, (unsigned)c);
        classes[c] = H5Tget_member_class(type, (unsigned)c);
        if (!cols[c]) {
            snprintf(err, err_len, "%s: cannot read its column names", ds_path);
            rc = -1;
            break;
        }
        if (c > 0)
            fputc(',', f);
        csv_write_text(f, cols[c]);
    }
    if (rc == 0)
        fputc('\n', f);
    for (hsize_t start = 0; rc == 0 && start < rows; start += BLOCK) {
        hsize_t n = rows - start < BLOCK ? rows - start : BLOCK;
        for (int c = 0; rc == 0 && c < ncols; c++) {
            if (classes[c] == H5T_INTEGER)
                rc = h5r_table_column_i64(ds, ds_path, cols[c], start, n, iv + (size_t)c * BLOCK, err, err_len);
            else if (classes[c] == H5T_FLOAT)
                rc = h5r_table_column_f64(ds, ds_path, cols[c], start, n, fv + (size_t)c * BLOCK, err, err_len);
        }
        for (hsize_t r = 0; rc == 0 && r < n; r++) {
            for (int c = 0; rc == 0 && c < ncols; c++) {
                if (c > 0)
                    fputc(',', f);
                if (classes[c] == H5T_INTEGER) {
                    fprintf(f, "%lld", (long long)iv[(size_t)c * BLOCK + r]);
                } else if (classes[c] == H5T_FLOAT) {
                    csv_write_number(f, fv[(size_t)c * BLOCK + r], 0);
                } else if (classes[c] == H5T_STRING) {
                    rc = h5r_table_column_str(ds, ds_path, cols[c], start + r, str, STR_LEN, err, err_len);
                    if (rc == 0)
                        csv_write_text(f, str);
                }
            }
            fputc('\n', f);
        }
    }
    if (f && close_out(f, path, err, err_len) != 0)
        rc = -1;
    for (int c = 0; cols && c < ncols; c++)
        if (cols[c])
            H5free_memory(cols[c]);
    free(cols), free(classes), free(iv), free(fv), free(str);
    H5Tclose(type);
    H5Dclose(ds);
    return rc;
}

/* ---- series -------------------------------------------------------------- */

/* Rows [start, start + n) of the 1-D int64 dataset ds. */
static int read_i64_rows(hid_t ds, hsize_t start, hsize_t n, int64_t *out)
{
    hid_t fspace = H5Dget_space(ds);
    hid_t mspace = H5Screate_simple(1, &n, NULL);
    int rc = fspace >= 0 && mspace >= 0 &&
                     H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &n, NULL) >= 0 &&
                     H5Dread(ds, H5T_NATIVE_INT64, mspace, fspace, H5P_DEFAULT, out) >= 0
                 ? 0
                 : -1;
    if (mspace >= 0)
        H5Sclose(mspace);
    if (fspace >= 0)
        H5Sclose(fspace);
    return rc;
}

typedef struct series_set {
    int n;
    hid_t *ds;
    char **names;
} series_set;

static int export_series(hid_t file, const char *group, const char *dir, char *err, size_t err_len)
{
    char gpath[NAME_LEN + 16], path[PATH_LEN], tpath[NAME_LEN + 32];
    snprintf(gpath, sizeof gpath, "/series/%s", group);
    snprintf(tpath, sizeof tpath, "%s/time_ns", gpath);
    snprintf(path, sizeof path, "%s/series/%s.csv", dir, group);
    char **names;
    hsize_t n_names;
    if (list_group(file, gpath, &names, &n_names, err, err_len) != 0)
        return -1;
    hsize_t samples = 0, entities = 0;
    char open_err[512] = "";
    hid_t t = h5r_exists(file, tpath) ? h5r_open_dataset(file, tpath, 1, &samples, open_err, sizeof open_err)
                                      : H5I_INVALID_HID;
    series_set s = {0};
    s.ds = calloc((size_t)n_names + 1, sizeof *s.ds);
    s.names = calloc((size_t)n_names + 1, sizeof *s.names);
    int rc = t >= 0 && s.ds && s.names ? 0 : -1;
    if (rc != 0)
        snprintf(err, err_len, "%s: no 1-D time_ns%s%s", gpath, open_err[0] ? ": " : "", open_err);
    for (hsize_t i = 0; rc == 0 && i < n_names; i++) {
        if (strcmp(names[i], "time_ns") == 0)
            continue;
        char dpath[2 * NAME_LEN + 32];
        snprintf(dpath, sizeof dpath, "%s/%s", gpath, names[i]);
        hsize_t dims[2] = {0, 0};
        hid_t ds = h5r_open_dataset(file, dpath, 2, dims, open_err, sizeof open_err);
        if (ds < 0 || dims[0] != samples || (s.n > 0 && dims[1] != entities)) {
            if (ds >= 0)
                H5Dclose(ds);
            if (ds < 0)
                snprintf(err, err_len, "%s", open_err);
            else
                snprintf(err, err_len, "%s: not a [sample, entity] series like the others of its group", dpath);
            rc = -1;
            break;
        }
        entities = dims[1];
        s.ds[s.n] = ds;
        s.names[s.n++] = names[i];
    }
    /* entities is bounded by h5r_open_dataset (its entity_table's rows);
     * every product is still checked before it sizes an allocation. */
    size_t row_values = h5r_array_bytes(entities, (size_t)(s.n > 0 ? s.n : 1));
    hsize_t block = h5r_block_rows(row_values, BLOCK_VALUES);
    size_t block_values = row_values > 0 ? h5r_array_bytes(block, row_values) : 0;
    size_t value_bytes = block_values > 0 && block_values < SIZE_MAX ? h5r_array_bytes(block_values + 1, sizeof(double)) : 0;
    double *values = rc == 0 && value_bytes > 0 ? malloc(value_bytes) : NULL;
    int64_t *time = rc == 0 ? malloc(((size_t)block + 1) * sizeof *time) : NULL;
    FILE *f = values && time ? open_out(path, err, err_len) : NULL;
    if (rc == 0 && (!values || !time))
        snprintf(err, err_len, "%s: out of memory", gpath);
    rc = f ? rc : -1;
    if (rc == 0) {
        fputs("time_ns,entity", f);
        for (int k = 0; k < s.n; k++) {
            fputc(',', f);
            csv_write_text(f, s.names[k]);
        }
        fputc('\n', f);
    }
    for (hsize_t start = 0; rc == 0 && start < samples; start += block) {
        hsize_t n = samples - start < block ? samples - start : block;
        if (read_i64_rows(t, start, n, time) != 0) {
            snprintf(err, err_len, "%s: cannot read", tpath);
            rc = -1;
            break;
        }
        for (int k = 0; rc == 0 && k < s.n; k++)
            if (h5r_read_rows_f64(s.ds[k], start, n, entities, values + (size_t)k * n * entities) != 0) {
                snprintf(err, err_len, "%s/%s: cannot read", gpath, s.names[k]);
                rc = -1;
            }
        for (hsize_t r = 0; rc == 0 && r < n; r++)
            for (hsize_t e = 0; e < entities; e++) {
                fprintf(f, "%lld,%llu", (long long)time[r], (unsigned long long)e);
                for (int k = 0; k < s.n; k++) {
                    fputc(',', f);
                    csv_write_number(f, values[(size_t)k * n * entities + r * entities + e], 0);
                }
                fputc('\n', f);
            }
    }
    if (f && close_out(f, path, err, err_len) != 0)
        rc = -1;
    free(values), free(time);
    for (int k = 0; k < s.n; k++)
        H5Dclose(s.ds[k]);
    free(s.ds), free(s.names);
    if (t >= 0)
        H5Dclose(t);
    free_names(names, n_names);
    return rc;
}

/* ---- events -------------------------------------------------------------- */

typedef struct event_out {
    FILE *f;
    char **kinds;
} event_out;

static void write_event(const h5r_event *e, void *arg)
{
    event_out *o = arg;
    fprintf(o->f, "%lld,", (long long)e->time_ns);
    csv_write_text(o->f, o->kinds[e->kind]);
    fprintf(o->f, ",%lld,%lld,%lld,", (long long)e->subject, (long long)e->a, (long long)e->b);
    csv_write_number(o->f, e->value, 0);
    fputc('\n', o->f);
}

static int export_events(hid_t file, const char *dir, char *err, size_t err_len)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/events.csv", dir);
    hsize_t rows = 0;
    char open_err[512] = "";
    hid_t ds = h5r_open_dataset(file, "/events", 1, &rows, open_err, sizeof open_err);
    hid_t type = ds >= 0 ? H5Dget_type(ds) : H5I_INVALID_HID;
    int index = type >= 0 && H5Tget_class(type) == H5T_COMPOUND ? H5Tget_member_index(type, "kind") : -1;
    hid_t kind = index >= 0 ? H5Tget_member_type(type, (unsigned)index) : H5I_INVALID_HID;
    int nk = kind >= 0 && H5Tget_class(kind) == H5T_ENUM ? H5Tget_nmembers(kind) : -1;
    event_out o = {0};
    o.kinds = nk >= 0 ? calloc((size_t)nk + 1, sizeof *o.kinds) : NULL;
    int rc = o.kinds ? 0 : -1;
    if (rc != 0 && ds < 0)
        snprintf(err, err_len, "%s", open_err);
    else if (rc != 0)
        snprintf(err, err_len, "/events: not a compound dataset with an enum member 'kind'");
    for (int i = 0; rc == 0 && i < nk; i++)
        if (!(o.kinds[i] = H5Tget_member_name(kind, (unsigned)i))) {
            snprintf(err, err_len, "/events: cannot read the kind names");
            rc = -1;
        }
    if (rc == 0 && !(o.f = open_out(path, err, err_len)))
        rc = -1;
    if (rc == 0) {
        fputs("time_ns,kind,subject,a,b,value\n", o.f);
        if (h5r_events_each(file, (const char *const *)o.kinds, nk, write_event, &o, err, err_len) < 0)
            rc = -1;
    }
    if (o.f && close_out(o.f, path, err, err_len) != 0)
        rc = -1;
    for (int i = 0; o.kinds && i < nk; i++)
        if (o.kinds[i])
            H5free_memory(o.kinds[i]);
    free(o.kinds);
    if (kind >= 0)
        H5Tclose(kind);
    if (type >= 0)
        H5Tclose(type);
    if (ds >= 0)
        H5Dclose(ds);
    return rc;
}

int h5_export_csv(const char *run_path, const char *dir, char *err, size_t err_len)
{
    h5r_quiet quiet;
    h5r_quiet_begin(&quiet);
    int64_t version;
    char msg[2048] = "";
    hid_t file = h5r_open_run(run_path, &version, err, err_len);
    if (file < 0) {
        h5r_quiet_end(&quiet);
        return -2;
    }
    char sub[PATH_LEN];
    export_write_failed = 0;
    int rc = out_dir_make(dir, msg, sizeof msg);
    export_write_failed = rc != 0;
    for (int part = 0; rc == 0 && part < 2; part++) {
        const char *group = part == 0 ? "/tables" : "/series";
        if (!h5r_exists(file, group))
            continue;
        snprintf(sub, sizeof sub, "%s%s", dir, group);
        char **names = NULL;
        hsize_t n = 0;
        rc = out_dir_make(sub, msg, sizeof msg);
        export_write_failed |= rc != 0;
        if (rc == 0)
            rc = list_group(file, group, &names, &n, msg, sizeof msg);
        for (hsize_t i = 0; rc == 0 && i < n; i++)
            rc = part == 0 ? export_table(file, names[i], dir, msg, sizeof msg)
                           : export_series(file, names[i], dir, msg, sizeof msg);
        free_names(names, n);
    }
    if (rc == 0 && h5r_exists(file, "/events"))
        rc = export_events(file, dir, msg, sizeof msg);
    H5Fclose(file);
    h5r_quiet_end(&quiet);
    if (rc != 0)
        snprintf(err, err_len, "%s: %s", run_path, msg);
    return rc == 0 ? 0 : export_write_failed ? -1 : -2;
}
