/* availability.c - availability figures from a run file (see availability.h). */
#include "analysis/availability.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"


/* Sums column `name` of rows [0, rows): f64 or i64 (as double). */
static int column_values(hid_t t, const char *path, const char *name, hsize_t rows, int is_int, double *out,
                         char *err, size_t err_len)
{
    if (is_int) {
        size_t bytes = h5r_array_bytes(rows, sizeof(int64_t));
        int64_t *v = bytes ? malloc(bytes) : NULL;
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
    hsize_t rows = 0;
    double *a = NULL, *b = NULL, *c = NULL;
    int rc = -1;
    hid_t t = h5r_open_dataset(file, path, 1, &rows, err, err_len);
    if (t < 0)
        goto done;
    size_t bytes = h5r_array_bytes(rows, sizeof(double));
    a = bytes ? malloc(bytes) : NULL;
    b = bytes ? malloc(bytes) : NULL;
    c = bytes ? malloc(bytes) : NULL;
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
    hsize_t rows = 0;
    double *a = NULL;
    int rc = -1;
    hid_t t = h5r_open_dataset(file, path, 1, &rows, err, err_len);
    if (t < 0)
        goto done;
    size_t bytes = h5r_array_bytes(rows, sizeof(double));
    a = bytes ? malloc(bytes) : NULL;
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

static int read_crew_table(hid_t file, avail_summary *s, char *err, size_t err_len)
{
    const char *path = "/tables/repair_crews";
    hsize_t rows = 0;
    hid_t t = h5r_open_dataset(file, path, 1, &rows, err, err_len);
    if (t < 0)
        return -1;
    int ok = rows == 1 && h5r_table_column_i64(t, path, "crews", 0, 1, &s->crews, err, err_len) == 0 &&
             h5r_table_column_f64(t, path, "mean_repair_h", 0, 1, &s->crew_repair_h, err, err_len) == 0 &&
             h5r_table_column_f64(t, path, "mean_wait_h", 0, 1, &s->crew_wait_h, err, err_len) == 0;
    H5Dclose(t);
    if (!ok && rows != 1)
        snprintf(err, err_len, "%s: not one row", path);
    s->has_crews = ok;
    return ok ? 0 : -1;
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
    if (found && h5r_exists(file, "/tables/repair_crews") && read_crew_table(file, out, err, err_len) != 0)
        return -1;
    if (found) {
        const char *names[] = {"domain_failed"};
        int64_t n = 0;
        if (h5r_event_kind_counts(file, names, 1, &n, err, err_len) < 0)
            return -1;
        out->domain_failures = n;
    }
    return found;
}

/* The running sum of avail_hosts_down_read: per group of hosts, how long
 * each count of down hosts has lasted so far. */
typedef struct {
    int64_t until_ns, n_hosts;
    int group_size, stride;
    double *fraction;
    unsigned char *down;
    int *n_down;
    int64_t *last;
} hosts_down_sum;

static void hosts_down_on_event(const h5r_event *e, void *arg)
{
    enum { STATE_FAILED = 1, STATE_MAINTENANCE = 3 }; /* models/core/host.h host_state */
    hosts_down_sum *s = arg;
    int64_t h = e->subject;
    if (h < 0 || h >= s->n_hosts)
        return;
    int g = (int)(h / s->group_size);
    int64_t t = e->time_ns < s->until_ns ? e->time_ns : s->until_ns;
    s->fraction[g * s->stride + s->n_down[g]] += (double)(t - s->last[g]);
    s->last[g] = t;
    int now_down = e->b == STATE_FAILED || e->b == STATE_MAINTENANCE;
    s->n_down[g] += now_down - s->down[h];
    s->down[h] = (unsigned char)now_down;
}

int avail_hosts_down_read(const char *path, int64_t until_ns, int group_size, int n_groups, double *fraction,
                          char *err, size_t err_len)
{
    static const char *const state_kinds[] = {"host_failed",      "host_repaired",     "host_isolated",
                                              "host_reachable",   "maintenance_begin", "maintenance_end"};
    int n_hosts = group_size * n_groups;
    hosts_down_sum s = {.until_ns = until_ns, .n_hosts = n_hosts, .group_size = group_size,
                        .stride = group_size + 1, .fraction = fraction};
    for (int j = 0; j < s.stride * n_groups; j++)
        fraction[j] = 0.0;
    h5r_quiet quiet;
    h5r_quiet_begin(&quiet);
    int64_t version;
    hid_t file = h5r_open_run(path, &version, err, err_len);
    s.down = calloc((size_t)n_hosts + 1, 1);
    s.n_down = calloc((size_t)n_groups + 1, sizeof *s.n_down);
    s.last = calloc((size_t)n_groups + 1, sizeof *s.last);
    int rc = -1;
    if (file < 0)
        goto done;
    if (!s.down || !s.n_down || !s.last) {
        snprintf(err, err_len, "%s: out of memory", path);
        goto done;
    }
    char msg[256];
    int found = h5r_events_each(file, state_kinds, 6, hosts_down_on_event, &s, msg, sizeof msg);
    if (found != 1) {
        snprintf(err, err_len, "%s: %s", path, found == 0 ? "/events: missing" : msg);
        goto done;
    }
    for (int g = 0; g < n_groups; g++)
        fraction[g * s.stride + s.n_down[g]] += (double)(until_ns - s.last[g]);
    for (int j = 0; j < s.stride * n_groups; j++)
        fraction[j] /= (double)until_ns;
    rc = 0;
done:
    free(s.down);
    free(s.n_down);
    free(s.last);
    if (file >= 0)
        H5Fclose(file);
    h5r_quiet_end(&quiet);
    return rc;
}
