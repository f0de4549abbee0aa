/* availability.c - availability figures from a run file (see availability.h). */
#include "analysis/availability.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"

#define BLOCK_ROWS 65536

/* Sums column `name` of rows [0, rows): f64 or i64 (as double). */
static int column_values(hid_t t, const char *path, const char *name, hsize_t rows, int is_int, double *out,
                         char *err, size_t err_len)
{
    if (is_int) {
        int64_t *v = malloc((rows ? rows : 1) * sizeof *v);
        if (!v || h5r_table_column_i64(t, path, name, 0, rows, v, err, err_len) != 0) {
            free(v);
            return -1;
        }
        for (hsize_t i = 0; i < rows; i++)
            out[i] = (double)v[i];
        free(v);
        return 0;
    }
    return h5r_table_column_f64(t, path, name, 0, rows, out, err, err_len);
}

static double sum_of(const double *v, hsize_t n)
{
    double s = 0.0;
    for (hsize_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

static int read_host_table(hid_t file, avail_summary *s, char *err, size_t err_len)
{
    const char *path = "/tables/host_availability";
    hid_t t = H5Dopen2(file, path, H5P_DEFAULT);
    hsize_t rows = 0;
    double *a = NULL, *b = NULL, *c = NULL;
    int rc = -1;
    if (t < 0 || h5r_dims(t, 1, &rows) != 0) {
        snprintf(err, err_len, "%s: not a 1-D table", path);
        goto done;
    }
    a = malloc((rows ? rows : 1) * sizeof *a);
    b = malloc((rows ? rows : 1) * sizeof *b);
    c = malloc((rows ? rows : 1) * sizeof *c);
    if (!a || !b || !c) {
        snprintf(err, err_len, "%s: out of memory", path);
        goto done;
    }
    s->has_hosts = 1;
    s->hosts = (int64_t)rows;
    if (column_values(t, path, "availability", rows, 0, a, err, err_len) != 0)
        goto done;
    s->host_availability_mean = rows ? sum_of(a, rows) / (double)rows : NAN;
    s->host_availability_min = rows ? a[0] : NAN;
    for (hsize_t i = 1; i < rows; i++)
        if (a[i] < s->host_availability_min)
            s->host_availability_min = a[i];
    if (column_values(t, path, "failures", rows, 1, a, err, err_len) != 0)
        goto done;
    s->host_failures = (int64_t)sum_of(a, rows);
    if (column_values(t, path, "maintenances", rows, 1, a, err, err_len) != 0)
        goto done;
    s->maintenances = (int64_t)sum_of(a, rows);
    if (column_values(t, path, "isolations", rows, 1, a, err, err_len) != 0)
        goto done;
    s->isolations = (int64_t)sum_of(a, rows);
    if (column_values(t, path, "up_h", rows, 0, a, err, err_len) != 0 ||
        column_values(t, path, "isolated_h", rows, 0, b, err, err_len) != 0 ||
        column_values(t, path, "failed_h", rows, 0, c, err, err_len) != 0)
        goto done;
    if (s->host_failures > 0) {
        s->mttf_h = (sum_of(a, rows) + sum_of(b, rows)) / (double)s->host_failures;
        s->mttr_h = sum_of(c, rows) / (double)s->host_failures;
    }
    rc = 0;
done:
    free(a);
    free(b);
    free(c);
    if (t >= 0)
        H5Dclose(t);
    return rc;
}

static int read_vm_table(hid_t file, avail_summary *s, char *err, size_t err_len)
{
    const char *path = "/tables/vm_availability";
    hid_t t = H5Dopen2(file, path, H5P_DEFAULT);
    hsize_t rows = 0;
    double *a = NULL;
    int rc = -1;
    if (t < 0 || h5r_dims(t, 1, &rows) != 0) {
        snprintf(err, err_len, "%s: not a 1-D table", path);
        goto done;
    }
    a = malloc((rows ? rows : 1) * sizeof *a);
    if (!a) {
        snprintf(err, err_len, "%s: out of memory", path);
        goto done;
    }
    s->has_vms = 1;
    s->vms = (int64_t)rows;
    if (column_values(t, path, "availability", rows, 0, a, err, err_len) != 0)
        goto done;
    s->vm_availability_mean = rows ? sum_of(a, rows) / (double)rows : NAN;
    if (column_values(t, path, "downtime_h", rows, 0, a, err, err_len) != 0)
        goto done;
    s->lost_vm_hours = sum_of(a, rows);
    s->vm_downtime_max_h = 0.0;
    for (hsize_t i = 0; i < rows; i++)
        if (a[i] > s->vm_downtime_max_h)
            s->vm_downtime_max_h = a[i];
    static const char *const counts[] = {"failures", "crashes", "restarts", "restart_failures", "down_at_end"};
    int64_t *dst[] = {&s->vm_failures, &s->vm_crashes, &s->vm_restarts, &s->vm_restart_failures,
                      &s->vms_down_at_end};
    for (int k = 0; k < 5; k++) {
        if (column_values(t, path, counts[k], rows, 1, a, err, err_len) != 0)
            goto done;
        *dst[k] = (int64_t)sum_of(a, rows);
    }
    rc = 0;
done:
    free(a);
    if (t >= 0)
        H5Dclose(t);
    return rc;
}

int avail_summary_read(hid_t file, avail_summary *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    out->host_availability_mean = out->host_availability_min = out->vm_availability_mean = NAN;
    out->mttf_h = out->mttr_h = out->lost_vm_hours = out->vm_downtime_max_h = NAN;
    int found = 0;
    if (h5r_exists(file, "/tables/host_availability")) {
        if (read_host_table(file, out, err, err_len) != 0)
            return -1;
        found = 1;
    }
    if (h5r_exists(file, "/tables/vm_availability")) {
        if (read_vm_table(file, out, err, err_len) != 0)
            return -1;
        found = 1;
    }
    if (found) {
        const char *names[] = {"domain_failed"};
        int64_t n = 0;
        if (h5r_event_kind_counts(file, names, 1, &n, err, err_len) < 0)
            return -1;
        out->domain_failures = n;
    }
    return found;
}

typedef struct {
    int64_t time_ns;
    int kind;
    int64_t subject;
    int64_t b;
} event_row;

int avail_hosts_down_read(const char *path, int64_t until_ns, int group_size, int n_groups, double *fraction,
                          char *err, size_t err_len)
{
    static const char *const state_kinds[] = {"host_failed",      "host_repaired",     "host_isolated",
                                              "host_reachable",   "maintenance_begin", "maintenance_end"};
    enum { N_STATE_KINDS = 6, STATE_FAILED = 1, STATE_MAINTENANCE = 3 }; /* models/host.h host_state */
    int n_hosts = group_size * n_groups, stride = group_size + 1;
    for (int j = 0; j < stride * n_groups; j++)
        fraction[j] = 0.0;
    h5r_quiet quiet;
    h5r_quiet_begin(&quiet);
    int64_t version;
    hid_t file = h5r_open_run(path, &version, err, err_len);
    hid_t ds = H5I_INVALID_HID, ftype = H5I_INVALID_HID, kind_ftype = H5I_INVALID_HID, kind_mtype = H5I_INVALID_HID,
          mtype = H5I_INVALID_HID;
    event_row *block = NULL;
    unsigned char *down = calloc((size_t)n_hosts + 1, 1);
    int *n_down = calloc((size_t)n_groups + 1, sizeof *n_down);
    int64_t *last = calloc((size_t)n_groups + 1, sizeof *last);
    int rc = -1;
    if (file < 0)
        goto done;
    if (!down || !n_down || !last) {
        snprintf(err, err_len, "%s: out of memory", path);
        goto done;
    }
    ds = H5Dopen2(file, "/events", H5P_DEFAULT);
    ftype = ds >= 0 ? H5Dget_type(ds) : H5I_INVALID_HID;
    int index = ftype >= 0 ? H5Tget_member_index(ftype, "kind") : -1;
    hsize_t rows = 0;
    if (ds < 0 || index < 0 || h5r_dims(ds, 1, &rows) != 0) {
        snprintf(err, err_len, "%s: /events: missing or not a 1-D compound dataset", path);
        goto done;
    }
    kind_ftype = H5Tget_member_type(ftype, (unsigned)index);
    kind_mtype = kind_ftype >= 0 ? H5Tget_native_type(kind_ftype, H5T_DIR_ASCEND) : H5I_INVALID_HID;
    mtype = H5Tcreate(H5T_COMPOUND, sizeof(event_row));
    if (kind_mtype < 0 || mtype < 0 || H5Tget_size(kind_mtype) != sizeof(int) ||
        H5Tinsert(mtype, "time_ns", HOFFSET(event_row, time_ns), H5T_NATIVE_INT64) < 0 ||
        H5Tinsert(mtype, "kind", HOFFSET(event_row, kind), kind_mtype) < 0 ||
        H5Tinsert(mtype, "subject", HOFFSET(event_row, subject), H5T_NATIVE_INT64) < 0 ||
        H5Tinsert(mtype, "b", HOFFSET(event_row, b), H5T_NATIVE_INT64) < 0) {
        snprintf(err, err_len, "%s: /events: unexpected member types", path);
        goto done;
    }
    int values[N_STATE_KINDS], known[N_STATE_KINDS];
    for (int i = 0; i < N_STATE_KINDS; i++)
        known[i] = H5Tenum_valueof(kind_mtype, state_kinds[i], &values[i]) >= 0;
    block = malloc(BLOCK_ROWS * sizeof *block);
    if (!block) {
        snprintf(err, err_len, "%s: out of memory", path);
        goto done;
    }
    for (hsize_t start = 0; start < rows; start += BLOCK_ROWS) {
        hsize_t count = rows - start < BLOCK_ROWS ? rows - start : BLOCK_ROWS;
        hid_t fspace = H5Dget_space(ds), mspace = H5Screate_simple(1, &count, NULL);
        herr_t ok = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL);
        if (ok >= 0)
            ok = H5Dread(ds, mtype, mspace, fspace, H5P_DEFAULT, block);
        H5Sclose(mspace);
        H5Sclose(fspace);
        if (ok < 0) {
            snprintf(err, err_len, "%s: /events: cannot read rows", path);
            goto done;
        }
        for (hsize_t k = 0; k < count; k++) {
            const event_row *e = &block[k];
            int is_state = 0;
            for (int i = 0; i < N_STATE_KINDS; i++)
                is_state |= known[i] && e->kind == values[i];
            int64_t h = e->subject;
            if (!is_state || h < 0 || h >= n_hosts)
                continue;
            int g = (int)(h / group_size);
            int64_t t = e->time_ns < until_ns ? e->time_ns : until_ns;
            fraction[g * stride + n_down[g]] += (double)(t - last[g]);
            last[g] = t;
            int now_down = e->b == STATE_FAILED || e->b == STATE_MAINTENANCE;
            n_down[g] += now_down - down[h];
            down[h] = (unsigned char)now_down;
        }
    }
    for (int g = 0; g < n_groups; g++)
        fraction[g * stride + n_down[g]] += (double)(until_ns - last[g]);
    for (int j = 0; j < stride * n_groups; j++)
        fraction[j] /= (double)until_ns;
    rc = 0;
done:
    free(block);
    free(down);
    free(n_down);
    free(last);
    if (mtype >= 0)
        H5Tclose(mtype);
    if (kind_mtype >= 0)
        H5Tclose(kind_mtype);
    if (kind_ftype >= 0)
        H5Tclose(kind_ftype);
    if (ftype >= 0)
        H5Tclose(ftype);
    if (ds >= 0)
        H5Dclose(ds);
    if (file >= 0)
        H5Fclose(file);
    h5r_quiet_end(&quiet);
    return rc;
}
