/* metric_run.c - a run file and what has been read from it (see
 * metric_run.h). */
#include "analysis/metric_run.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/availability.h"
#include "analysis/cell_quantile.h"
#include "analysis/h5_read.h"

#define HOSTS_PATH "/tables/hosts"
#define HOST_GROUP "/series/host"
#define SERIES_BLOCK_VALUES 65536
#define MAX_QUANTILES 4

typedef struct scan_entry {
    char name[64];
    int rc;
    metric_scan scan;
} scan_entry;

typedef struct cells_entry {
    char path[160];
    int per_host_pct;
    int rc;                /* 1 opened, 0 absent */
    hid_t dataset;
    cellq q;
    int n_quantiles;
    double q_at[MAX_QUANTILES], q_value[MAX_QUANTILES];
} cells_entry;

typedef struct values_entry {
    char kind[64];
    double *values;
    size_t n;
} values_entry;

struct metric_run {
    hid_t file;
    int owns_file;
    h5r_quiet quiet;
    char *path;
    char err[2048];

    int hosts_state; /* 0 not read, else the lookup's result */
    metric_hosts hosts;
    double *capacity;
    double *pct_scale; /* 100 / capacity per host */

    int axis_state;
    metric_axis axis;

    int first_row_state; /* 0 not read, 1 read */
    hsize_t first_row;   /* first sample with a running VM (series_scan.h) */

    scan_entry *scans;
    int n_scans;
    cells_entry **cells;
    int n_cells;
    values_entry *values;
    int n_values;

    int avail_state;
    avail_summary avail;
};

int metric_run_fail(metric_run *r, const char *fmt, ...)
{
    char what[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(r->err, sizeof r->err, "%s: %s", r->path, what);
    return -1;
}

const char *metric_run_error(const metric_run *r) { return r->err; }
const char *metric_run_path(const metric_run *r) { return r->path; }
hid_t metric_run_file(const metric_run *r) { return r->file; }

metric_run *metric_run_attach(hid_t file, const char *path)
{
    metric_run *r = calloc(1, sizeof *r);
    size_t len = strlen(path) + 1;
    if (r)
        r->path = malloc(len);
    if (!r || !r->path) {
        free(r);
        return NULL;
    }
    memcpy(r->path, path, len);
    r->file = file;
    return r;
}

metric_run *metric_run_open(const char *path, char *err, size_t err_len)
{
    h5r_quiet quiet;
    h5r_quiet_begin(&quiet);
    int64_t version;
    hid_t file = h5r_open_run(path, &version, err, err_len);
    metric_run *r = file >= 0 ? metric_run_attach(file, path) : NULL;
    if (!r) {
        if (file >= 0) {
            H5Fclose(file);
            snprintf(err, err_len, "%s: out of memory", path);
        }
        h5r_quiet_end(&quiet);
        return NULL;
    }
    r->owns_file = 1;
    r->quiet = quiet;
    return r;
}

void metric_run_close(metric_run *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n_cells; i++) {
        if (r->cells[i]->rc == 1)
            H5Dclose(r->cells[i]->dataset);
        free(r->cells[i]);
    }
    for (int i = 0; i < r->n_values; i++)
        free(r->values[i].values);
    free(r->cells);
    free(r->scans);
    free(r->values);
    free(r->capacity);
    free(r->pct_scale);
    if (r->owns_file) {
        H5Fclose(r->file);
        h5r_quiet_end(&r->quiet);
    }
    free(r->path);
    free(r);
}

/* ---- hosts table -------------------------------------------------------- */

static int read_hosts(metric_run *r)
{
    if (!h5r_exists(r->file, HOSTS_PATH))
        return 0;
    char msg[512];
    hsize_t rows = 0;
    hid_t ds = h5r_open_dataset(r->file, HOSTS_PATH, 1, &rows, msg, sizeof msg);
    if (ds < 0)
        return metric_run_fail(r, "%s", msg);
    enum { BLOCK = 4096 };
    size_t bytes = h5r_array_bytes(rows + 1, sizeof *r->capacity); /* 0 on overflow */
    r->capacity = bytes ? malloc(bytes) : NULL;
    r->pct_scale = bytes ? malloc(bytes) : NULL;
    int64_t *block = malloc(BLOCK * sizeof *block);
    int rc = 1;
    if (!r->capacity || !r->pct_scale || !block) {
        rc = metric_run_fail(r, HOSTS_PATH ": out of memory");
        goto done;
    }
    metric_hosts *h = &r->hosts;
    h->hosts = (int64_t)rows;
    if (h5r_table_column_f64(ds, HOSTS_PATH, "cpu_capacity_mhz", 0, rows, r->capacity, msg, sizeof msg) != 0) {
        rc = metric_run_fail(r, "%s", msg);
        goto done;
    }
    for (hsize_t i = 0; i < rows; i++) {
        if (isfinite(r->capacity[i]))
            h->cpu_capacity_mhz += r->capacity[i];
        r->pct_scale[i] = r->capacity[i] > 0.0 ? 100.0 / r->capacity[i] : NAN;
    }
    for (hsize_t start = 0; start < rows; start += BLOCK) {
        hsize_t n = rows - start < BLOCK ? rows - start : BLOCK;
        if (h5r_table_column_i64(ds, HOSTS_PATH, "cores", start, n, block, msg, sizeof msg) != 0) {
            rc = metric_run_fail(r, "%s", msg);
            goto done;
        }
        for (hsize_t k = 0; k < n; k++)
            h->cores += block[k];
        if (h5r_table_column_i64(ds, HOSTS_PATH, "memory_mib", start, n, block, msg, sizeof msg) != 0) {
            rc = metric_run_fail(r, "%s", msg);
            goto done;
        }
        for (hsize_t k = 0; k < n; k++)
            h->memory_mib += block[k];
    }
    h->capacity_mhz = r->capacity;
done:
    free(block);
    H5Dclose(ds);
    return rc;
}

int metric_run_hosts(metric_run *r, const metric_hosts **out)
{
    if (r->hosts_state == 0) {
        r->hosts_state = read_hosts(r);
        if (r->hosts_state == 0)
            r->hosts_state = 2; /* absent, remembered */
    }
    *out = &r->hosts;
    return r->hosts_state == 2 ? 0 : r->hosts_state;
}

/* ---- host series -------------------------------------------------------- */

static int read_axis(metric_run *r)
{
    if (!h5r_exists(r->file, HOST_GROUP "/time_ns"))
        return 0;
    hid_t group = H5Gopen2(r->file, HOST_GROUP, H5P_DEFAULT);
    if (group < 0)
        return metric_run_fail(r, HOST_GROUP ": cannot open the group");
    int ok = h5r_attr_i64(group, "start_ns", &r->axis.start_ns) == 1 &&
             h5r_attr_i64(group, "period_ns", &r->axis.period_ns) == 1;
    H5Gclose(group);
    if (!ok)
        return metric_run_fail(r, HOST_GROUP ": attributes start_ns and period_ns missing or not integers");
    char msg[512];
    hsize_t samples = 0;
    hid_t t = h5r_open_dataset(r->file, HOST_GROUP "/time_ns", 1, &samples, msg, sizeof msg);
    if (t < 0)
        return metric_run_fail(r, "%s", msg);
    H5Dclose(t);
    r->axis.samples = (int64_t)samples;
    return 1;
}

int metric_run_host_axis(metric_run *r, const metric_axis **out)
{
    if (r->axis_state == 0) {
        r->axis_state = read_axis(r);
        if (r->axis_state == 0)
            r->axis_state = 2;
    }
    *out = &r->axis;
    return r->axis_state == 2 ? 0 : r->axis_state;
}

/* Opens HOST_GROUP/<name> checked (h5r_open_dataset) and against the time
 * axis and the hosts table: 1 opened, 0 absent (no series or no time axis),
 * -1 error. */
static int open_host_series(metric_run *r, const char *name, hid_t *ds, hsize_t *samples, hsize_t *hosts)
{
    const metric_axis *axis;
    const metric_hosts *h;
    int rc = metric_run_host_axis(r, &axis);
    if (rc <= 0)
        return rc;
    if (metric_run_hosts(r, &h) < 0)
        return -1;
    char path[256], msg[512];
    snprintf(path, sizeof path, HOST_GROUP "/%s", name);
    if (!h5r_exists(r->file, path))
        return 0;
    *samples = (hsize_t)axis->samples;
    *hosts = (hsize_t)h->hosts;
    hsize_t dims[2] = {0, 0};
    *ds = h5r_open_dataset(r->file, path, 2, dims, msg, sizeof msg);
    if (*ds < 0)
        return metric_run_fail(r, "%s", msg);
    if (dims[0] != *samples || dims[1] != *hosts) {
        H5Dclose(*ds);
        return metric_run_fail(r,
                               "%s: shape [%llu, %llu] does not match %llu samples of " HOST_GROUP
                               "/time_ns and %llu rows of " HOSTS_PATH,
                               path, (unsigned long long)dims[0], (unsigned long long)dims[1],
                               (unsigned long long)*samples, (unsigned long long)*hosts);
    }
    return 1;
}

/* The first sample with a running VM: workload statistics over the host
 * and VM series start there, as in the run summary. */
static int first_workload_row(metric_run *r, hsize_t *row)
{
    if (!r->first_row_state) {
        char msg[512];
        if (series_first_workload_row(r->file, &r->first_row, msg, sizeof msg) < 0)
            return metric_run_fail(r, "%s", msg);
        r->first_row_state = 1;
    }
    *row = r->first_row;
    return 0;
}

static int scan_host_series(metric_run *r, const char *name, metric_scan *out)
{
    *out = (metric_scan){.mean = NAN, .peak = NAN, .peak_row = -1, .best_host = -1, .best_ratio = NAN,
                         .best_row = -1, .last_total = NAN};
    hid_t ds;
    hsize_t samples, hosts;
    int rc = open_host_series(r, name, &ds, &samples, &hosts);
    if (rc <= 0)
        return rc;
    char path[256], msg[512];
    snprintf(path, sizeof path, HOST_GROUP "/%s", name);
    /* power is drawn by idle hosts too: it counts every sample */
    hsize_t first = 0;
    if (strcmp(name, "power_w") != 0 && first_workload_row(r, &first) != 0) {
        H5Dclose(ds);
        return -1;
    }
    /* the metrics read only the totals' mean, peak and rows (no busiest
     * host): the recorder's total series holds them, one column */
    rc = series_scan_total(r->file, ds, path, samples, first, out, msg, sizeof msg);
    if (rc == 0)
        rc = series_scan_rows(ds, path, samples, first, hosts, NULL, out, msg, sizeof msg) == 0 ? 1 : -1;
    if (rc < 0)
        rc = metric_run_fail(r, "%s", msg);
    H5Dclose(ds);
    return rc;
}

int metric_run_host_scan(metric_run *r, const char *name, const metric_scan **out)
{
    for (int i = 0; i < r->n_scans; i++)
        if (strcmp(r->scans[i].name, name) == 0) {
            *out = &r->scans[i].scan;
            return r->scans[i].rc;
        }
    scan_entry *grown = realloc(r->scans, (size_t)(r->n_scans + 1) * sizeof *grown);
    if (!grown)
        return metric_run_fail(r, "out of memory");
    r->scans = grown;
    scan_entry *e = &r->scans[r->n_scans];
    snprintf(e->name, sizeof e->name, "%s", name);
    e->rc = scan_host_series(r, name, &e->scan);
    if (e->rc < 0)
        return -1; /* not cached: the error stays */
    r->n_scans++;
    *out = &e->scan;
    return e->rc;
}

/* ---- cells -------------------------------------------------------------- */

static cells_entry *find_cells(metric_run *r, const char *path, int per_host_pct)
{
    for (int i = 0; i < r->n_cells; i++)
        if (r->cells[i]->per_host_pct == per_host_pct && strcmp(r->cells[i]->path, path) == 0)
            return r->cells[i];
    cells_entry **grown = realloc(r->cells, (size_t)(r->n_cells + 1) * sizeof *grown);
    cells_entry *e = calloc(1, sizeof *e);
    if (grown)
        r->cells = grown;
    if (!grown || !e) {
        free(e);
        metric_run_fail(r, "out of memory");
        return NULL;
    }
    r->cells[r->n_cells] = e; /* counted once it is complete */
    snprintf(e->path, sizeof e->path, "%s", path);
    e->per_host_pct = per_host_pct;
    if (!h5r_exists(r->file, path)) {
        r->n_cells++;
        return e; /* rc 0: absent */
    }
    const double *scale = NULL;
    if (per_host_pct) {
        const metric_hosts *h;
        int rc = metric_run_hosts(r, &h);
        if (rc < 0) {
            free(e);
            return NULL;
        }
        if (rc == 0) {
            r->n_cells++;
            return e; /* no capacities: absent */
        }
        scale = r->pct_scale;
    }
    char msg[512];
    hsize_t dims[2] = {0, 0};
    e->dataset = h5r_open_dataset(r->file, path, 2, dims, msg, sizeof msg);
    if (e->dataset < 0) {
        free(e);
        metric_run_fail(r, "%s", msg);
        return NULL;
    }
    if (per_host_pct) {
        if (dims[1] != (hsize_t)r->hosts.hosts) {
            H5Dclose(e->dataset);
            free(e);
            metric_run_fail(r, "%s: not a [sample, host] series (%lld rows in " HOSTS_PATH ")", path,
                            (long long)r->hosts.hosts);
            return NULL;
        }
    }
    hsize_t first = 0;
    int sampled = strncmp(path, HOST_GROUP "/", strlen(HOST_GROUP "/")) == 0 || strncmp(path, "/series/vm/", 11) == 0;
    if (sampled && first_workload_row(r, &first) != 0) {
        H5Dclose(e->dataset);
        free(e);
        return NULL;
    }
    if (cellq_begin(&e->q, e->dataset, e->path, scale, first, msg, sizeof msg) != 0) {
        H5Dclose(e->dataset);
        free(e);
        metric_run_fail(r, "%s", msg);
        return NULL;
    }
    e->rc = 1;
    r->n_cells++;
    return e;
}

/* The cached value of quantile q of e, or -1 when not computed yet. */
static int cached_quantile(const cells_entry *e, double q)
{
    for (int i = 0; i < e->n_quantiles; i++)
        if (e->q_at[i] == q)
            return i;
    return -1;
}

int metric_run_cells(metric_run *r, const char *path, int per_host_pct, double q, const double *along, int n_along,
                     metric_cells *out)
{
    *out = (metric_cells){.mean = NAN, .min = NAN, .max = NAN, .quantile = NAN};
    cells_entry *e = find_cells(r, path, per_host_pct);
    if (!e)
        return -1;
    if (e->rc == 0)
        return 0;
    out->n = e->q.n;
    out->mean = e->q.mean;
    out->min = e->q.min;
    out->max = e->q.max;
    if (q < 0)
        return 1;
    int at = cached_quantile(e, q);
    if (at < 0) {
        /* q and the quantiles asked for along with it not yet computed, in
         * shared passes (cellq_quantiles), as far as the cache holds them */
        double want[CELLQ_MAX_AT_ONCE], got[CELLQ_MAX_AT_ONCE];
        int n = 0;
        want[n++] = q;
        for (int i = 0; i < n_along && n < CELLQ_MAX_AT_ONCE && e->n_quantiles + n < MAX_QUANTILES; i++)
            if (along[i] >= 0 && along[i] != q && cached_quantile(e, along[i]) < 0)
                want[n++] = along[i];
        char msg[1024];
        if (cellq_quantiles(&e->q, want, n, got, msg, sizeof msg) != 0)
            return metric_run_fail(r, "%s", msg);
        out->quantile = got[0];
        for (int i = 0; i < n && e->n_quantiles < MAX_QUANTILES; i++) {
            e->q_at[e->n_quantiles] = want[i];
            e->q_value[e->n_quantiles++] = got[i];
        }
        return 1;
    }
    out->quantile = e->q_value[at];
    return 1;
}

/* ---- one-column series -------------------------------------------------- */

int metric_run_series1(metric_run *r, const char *path, metric_series1 *out)
{
    *out = (metric_series1){.mean = NAN, .max = NAN, .last = NAN};
    if (!h5r_exists(r->file, path))
        return 0;
    char msg[512];
    hsize_t dims[2] = {0, 0};
    hid_t ds = h5r_open_dataset(r->file, path, 2, dims, msg, sizeof msg);
    if (ds < 0)
        return metric_run_fail(r, "%s", msg);
    if (dims[1] != 1) {
        H5Dclose(ds);
        return metric_run_fail(r, "%s: not a [sample, 1] series", path);
    }
    out->samples = (int64_t)dims[0];
    double sum = 0.0;
    const hsize_t block_rows = 65536;
    double *block = malloc(block_rows * sizeof *block);
    int rc = block ? 1 : -1;
    for (hsize_t start = 0; rc == 1 && start < dims[0]; start += block_rows) {
        hsize_t k = dims[0] - start < block_rows ? dims[0] - start : block_rows;
        if (h5r_read_rows_f64(ds, start, k, 1, block) != 0) {
            rc = -1;
            break;
        }
        for (hsize_t i = 0; i < k; i++)
            if (isfinite(block[i])) {
                sum += block[i];
                if (out->finite == 0 || block[i] > out->max)
                    out->max = block[i];
                out->finite++;
                out->last = block[i];
            }
    }
    free(block);
    H5Dclose(ds);
    if (rc != 1)
        return metric_run_fail(r, "%s: cannot read", path);
    out->mean = out->finite > 0 ? sum / (double)out->finite : NAN;
    return 1;
}

/* ---- availability, attributes, events ----------------------------------- */

int metric_run_avail(metric_run *r, const avail_summary **out)
{
    if (r->avail_state == 0) {
        char msg[1024];
        int found = avail_summary_read(r->file, &r->avail, msg, sizeof msg);
        if (found < 0)
            return metric_run_fail(r, "%s", msg);
        r->avail_state = found ? 1 : 2;
    }
    *out = &r->avail;
    return r->avail_state == 1 ? 1 : 0;
}

int metric_run_end_ns(metric_run *r, int64_t *end_ns)
{
    int rc = h5r_attr_i64(r->file, "end_ns", end_ns);
    return rc < 0 ? metric_run_fail(r, "root attribute end_ns is not an integer") : rc;
}

int metric_run_kind_known(metric_run *r, const char *kind)
{
    if (!h5r_exists(r->file, "/events"))
        return 0;
    char msg[512];
    hsize_t rows = 0;
    hid_t ds = h5r_open_dataset(r->file, "/events", 1, &rows, msg, sizeof msg);
    hid_t ftype = ds >= 0 ? H5Dget_type(ds) : H5I_INVALID_HID;
    int index = ftype >= 0 && H5Tget_class(ftype) == H5T_COMPOUND ? H5Tget_member_index(ftype, "kind") : -1;
    hid_t kind_type = index >= 0 ? H5Tget_member_type(ftype, (unsigned)index) : H5I_INVALID_HID;
    int rc = -1;
    if (kind_type >= 0 && H5Tget_class(kind_type) == H5T_ENUM && H5Tget_size(kind_type) <= sizeof(long long)) {
        long long value = 0; /* large enough for the enum's base type */
        rc = H5Tenum_valueof(kind_type, kind, &value) >= 0 ? 1 : 0;
    }
    if (kind_type >= 0)
        H5Tclose(kind_type);
    if (ftype >= 0)
        H5Tclose(ftype);
    if (ds >= 0)
        H5Dclose(ds);
    return rc < 0 ? metric_run_fail(r, "/events: not a 1-D compound dataset with an enum member 'kind'") : rc;
}

typedef struct {
    double *values;
    size_t n, cap;
    int failed;
} value_list;

static void push_value(const h5r_event *e, void *arg)
{
    value_list *l = arg;
    if (l->failed)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        double *grown = realloc(l->values, cap * sizeof *grown);
        if (!grown) {
            l->failed = 1;
            return;
        }
        l->values = grown;
        l->cap = cap;
    }
    l->values[l->n++] = e->value;
}

int metric_run_event_values(metric_run *r, const char *kind, double **values, size_t *n)
{
    *values = NULL;
    *n = 0;
    for (int i = 0; i < r->n_values; i++)
        if (strcmp(r->values[i].kind, kind) == 0) {
            *n = r->values[i].n;
            if (*n > 0) {
                *values = malloc(*n * sizeof **values);
                if (!*values)
                    return metric_run_fail(r, "out of memory");
                memcpy(*values, r->values[i].values, *n * sizeof **values);
            }
            return 1;
        }
    value_list l = {0};
    char msg[512];
    int rc = h5r_events_each(r->file, &kind, 1, push_value, &l, msg, sizeof msg);
    if (rc < 0 || l.failed) {
        free(l.values);
        return rc < 0 ? metric_run_fail(r, "%s", msg) : metric_run_fail(r, "/events: out of memory");
    }
    values_entry *grown = realloc(r->values, (size_t)(r->n_values + 1) * sizeof *grown);
    if (!grown) {
        free(l.values);
        return metric_run_fail(r, "out of memory");
    }
    r->values = grown;
    values_entry *e = &r->values[r->n_values++];
    snprintf(e->kind, sizeof e->kind, "%s", kind);
    e->values = l.values;
    e->n = l.n;
    return metric_run_event_values(r, kind, values, n);
}
