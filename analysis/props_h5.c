/* props_h5.c - signals of the property checker read from a run file (see
 * props_h5.h; the datasets are those of docs/hdf5-layout.md). */
#include "analysis/props_h5.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_chunk_rows.h"
#include "analysis/h5_read.h"
#include "analysis/props_cluster.h"
#include "analysis/props_fairness_h5.h"
#include "analysis/props_k8s_h5.h"
#include "analysis/props_lifecycle.h"
#include "scenario/scenario.h"

#define NAME_LEN 128
#define N_KINDS 6 /* PK_NONE .. PK_CLUSTER */

typedef struct entity_names {
    int loaded;
    long n;
    char (*name)[NAME_LEN];
    char (*group)[NAME_LEN];
} entity_names;

/* A series is held whole when it has at most this many bytes, else a
 * stripe of its columns (entities) at a time: the headline's 30 days make
 * 691 MB of each host series, and entities are checked in order
 * (props_evaluate_each), so a stripe of whole chunk columns is read once. */
#define SERIES_WHOLE_BYTES ((size_t)64 << 20)

typedef struct series_cache {
    int loaded;
    hid_t dataset;           /* open while loaded: stripes are read when asked for */
    hsize_t rows, cols;      /* rows with a sample time; every column */
    hsize_t dims_rows;       /* the dataset's rows, all read (whole chunk rows) */
    hsize_t stripe_width;    /* columns read at once */
    hsize_t stripe_first, stripe_cols; /* the columns held */
    int64_t *time_ns;
    double *value; /* dims_rows x stripe_cols */
} series_cache;

/* Records of one event family grouped by subject (CSR). */
typedef struct event_index {
    int loaded;
    long n_subjects;
    size_t *first;  /* n_subjects + 1 */
    int64_t *time_ns;
    int64_t *state; /* per record */
} event_index;

struct props_h5 {
    hid_t file;
    h5r_quiet quiet;
    int64_t end_ns;
    entity_names names[N_KINDS];
    series_cache series[PA_COUNT];
    event_index host_states, vm_running, pod_states;
    int vmotions_loaded;
    hsize_t n_vmotions;
    int64_t *vmotion_vm, *vmotion_start, *vmotion_done;
    char single_path[128];
    pf_h5 *fair; /* host.cpu_share_error (props_fairness_h5.h), read when first asked */
    long n_table_pods; /* pods: the rows of /tables/pods, then the control plane's (k8s) */
    pk8s_h5 *k8s;
    scenario *run_scenario; /* the run's, read when first asked (load_run_scenario) */
    size_t whole_bytes;     /* SERIES_WHOLE_BYTES, or a test's (props_h5_set_whole_bytes) */
    long stripe_reads;
};

static const char *const table_of[N_KINDS] = {NULL, "/tables/vms", "/tables/hosts", "/tables/services",
                                               "/tables/pods", "/tables/clusters"};

/* A string column of a table, read in blocks of rows (h5r_table_column_strs):
 * one H5Dread per row costs a type-conversion buffer each (40,000 VM names
 * took 40 s). */
static int read_strings(hid_t t, const char *path, const char *column, hsize_t rows, char (*out)[NAME_LEN],
                        char *err, size_t err_len)
{
    return h5r_table_column_strs(t, path, column, 0, rows, out[0], NAME_LEN, err, err_len);
}

/* A run without `clusters` has one cluster, named "cluster" (its series
 * are /series/cluster/...), when it recorded any controller series. */
static int load_single_cluster(props_h5 *r, entity_names *e, char *err, size_t err_len)
{
    if (h5r_exists(r->file, "/series/cluster") == 0)
        return 0;
    e->name = calloc(1, NAME_LEN);
    e->group = calloc(1, NAME_LEN);
    if (!e->name || !e->group) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    snprintf(e->name[0], NAME_LEN, "cluster");
    e->n = 1;
    return 0;
}

static int load_table_names(props_h5 *r, props_kind k, char *err, size_t err_len)
{
    entity_names *e = &r->names[k];
    const char *path = table_of[k];
    if (k == PK_CLUSTER && h5r_exists(r->file, path) == 0)
        return load_single_cluster(r, e, err, err_len);
    if (!path || h5r_exists(r->file, path) == 0) /* no such entities in this run */
        return 0;
    hsize_t rows = 0;
    hid_t t = h5r_open_dataset(r->file, path, 1, &rows, err, err_len);
    if (t < 0)
        return -1;
    size_t bytes = h5r_array_bytes(rows ? rows : 1, NAME_LEN);
    e->name = bytes ? malloc(bytes) : NULL;
    e->group = bytes ? calloc(rows ? rows : 1, NAME_LEN) : NULL;
    if (!e->name || !e->group) {
        snprintf(err, err_len, "%s: %llu rows: out of memory", path, (unsigned long long)rows);
        H5Dclose(t);
        return -1;
    }
    int rc = read_strings(t, path, "name", rows, e->name, err, err_len);
    if (rc == 0 && k != PK_SERVICE && k != PK_CLUSTER)
        rc = read_strings(t, path, "group", rows, e->group, err, err_len);
    H5Dclose(t);
    if (rc != 0)
        return -1;
    e->n = (long)rows;
    return 0;
}

/* Pods: after the rows of /tables/pods (the pod model), the pods of the
 * Kubernetes control plane (props_k8s_h5.h). */
static int read_names(props_h5 *r, props_kind k, char *err, size_t err_len)
{
    entity_names *e = &r->names[k];
    if (load_table_names(r, k, err, err_len) != 0)
        return -1;
    if (k != PK_POD)
        return 0;
    r->n_table_pods = e->n;
    if (pk8s_h5_load(r->file, &r->k8s, err, err_len) != 0)
        return -1;
    long n8 = pk8s_h5_count(r->k8s);
    if (n8 == 0)
        return 0;
    size_t bytes = h5r_array_bytes((hsize_t)(e->n + n8), NAME_LEN);
    char(*name)[NAME_LEN] = bytes ? realloc(e->name, bytes) : NULL;
    if (name)
        e->name = name;
    char(*group)[NAME_LEN] = bytes ? realloc(e->group, bytes) : NULL;
    if (group)
        e->group = group;
    if (!name || !group) {
        snprintf(err, err_len, "/events: %ld k8s pods: out of memory", n8);
        return -1;
    }
    for (long i = 0; i < n8; i++)
        pk8s_h5_describe(r->k8s, (size_t)i, e->name[e->n + i], NAME_LEN, e->group[e->n + i], NAME_LEN);
    e->n += n8;
    return 0;
}

/* Each lazy load below either completes (loaded) or leaves nothing behind:
 * a signal asked for after a failed one tries again, and what the failed
 * attempt allocated must not leak under the new one (found by fuzz_verify,
 * which asks for every signal of a damaged run). */
static int load_names(props_h5 *r, props_kind k, char *err, size_t err_len)
{
    entity_names *e = &r->names[k];
    if (e->loaded)
        return 0;
    if (read_names(r, k, err, err_len) != 0) {
        free(e->name);
        free(e->group);
        if (k == PK_POD) {
            pk8s_h5_free(r->k8s);
            r->k8s = NULL;
        }
        *e = (entity_names){0};
        return -1;
    }
    e->loaded = 1;
    return 0;
}

static long src_count(void *ctx, props_kind k, char *err, size_t err_len)
{
    props_h5 *r = ctx;
    if (k <= PK_NONE || k >= N_KINDS || load_names(r, k, err, err_len) != 0)
        return -1;
    return r->names[k].n;
}

static int src_describe(void *ctx, props_kind k, size_t row, char *name, size_t nl, char *group, size_t gl,
                        char *err, size_t err_len)
{
    props_h5 *r = ctx;
    if (k <= PK_NONE || k >= N_KINDS || load_names(r, k, err, err_len) != 0)
        return -1;
    if ((long)row >= r->names[k].n) {
        snprintf(err, err_len, "%s: no row %zu", table_of[k], row);
        return -1;
    }
    snprintf(name, nl, "%s", r->names[k].name[row]);
    snprintf(group, gl, "%s", r->names[k].group[row]);
    return 0;
}

/* Where each quantity is recorded, and the factor to its unit. */
static const struct {
    const char *path; /* a series, or a table column "table#column" */
    double scale;
    const char *hint;
} quantity_of[PA_COUNT] = {
    [PA_VM_CPU_READY] = {"/series/vm/cpu_ready_pct", 0.01, " (the VM series need output.per_vm_series = true)"},
    [PA_VM_CPU_DEMAND] = {"/series/vm/cpu_demand_mhz", 1, " (the VM series need output.per_vm_series = true)"},
    [PA_VM_CPU_ENTITLEMENT] = {"/series/vm/cpu_entitlement_mhz", 1,
                               " (the VM series need output.per_vm_series = true)"},
    [PA_VM_CPU_LIMIT] = {"/tables/vm_resources#cpu_limit_mhz", 1,
                         " (written by runs whose scenario has a properties list)"},
    [PA_VM_CPU_RESERVATION] = {"/tables/vm_resources#cpu_reservation_mhz", 1,
                               " (written by runs whose scenario has a properties list)"},
    [PA_HOST_CPU_USAGE] = {"/series/host/cpu_usage_mhz", 1, ""},
    [PA_HOST_CPU_DEMAND] = {"/series/host/cpu_demand_mhz", 1, ""},
    [PA_HOST_CPU_READY] = {"/series/host/cpu_ready_pct", 0.01, ""},
    [PA_HOST_CPU_CAPACITY] = {"/tables/hosts#cpu_capacity_mhz", 1, ""},
    [PA_HOST_MEMORY_CONSUMED] = {"/series/host/memory_consumed_mib", 1, ""},
    [PA_HOST_MEMORY_CAPACITY] = {"/tables/hosts#memory_mib", 1, ""},
    [PA_HOST_POWER] = {"/series/host/power_w", 1, ""},
    [PA_HOST_VMS_RUNNING] = {"/series/host/vms_running", 1, ""},
    [PA_SERVICE_LATENCY_P50] = {"/series/service/latency_p50_ns", 1, " (the run has no services)"},
    [PA_SERVICE_LATENCY_P95] = {"/series/service/latency_p95_ns", 1, " (the run has no services)"},
    [PA_SERVICE_LATENCY_P99] = {"/series/service/latency_p99_ns", 1, " (the run has no services)"},
    [PA_SERVICE_THROUGHPUT] = {"/series/service/throughput_rps", 1, " (the run has no services)"},
    /* runs without `clusters`: /series/cluster/... (cluster_path) */
    [PA_CLUSTER_FAILOVER_CAPACITY] = {"/series/clusters/failover_capacity_hosts", 1, " (the run has no HA)"},
    [PA_CLUSTER_HOSTS_UP] = {"/series/clusters/hosts_up", 1, ""},
    [PA_CLUSTER_IMBALANCE] = {"/series/clusters/imbalance", 1, " (the run has no DRS)"},
};

static int read_i64_1d(hid_t file, const char *path, hsize_t *n, int64_t **out, char *err, size_t err_len)
{
    hid_t d = h5r_open_dataset(file, path, 1, n, err, err_len);
    if (d < 0)
        return -1;
    size_t bytes = h5r_array_bytes(*n ? *n : 1, sizeof(int64_t));
    *out = bytes ? malloc(bytes) : NULL;
    int ok = *out && (*n == 0 || H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) >= 0);
    H5Dclose(d);
    if (!ok) {
        snprintf(err, err_len, "%s: cannot read", path);
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* The series of quantity a: a cluster quantity of a run without `clusters`
 * is its one-column total series, /series/cluster/NAME. */
static const char *cluster_path(props_h5 *r, props_atom a)
{
    const char *path = quantity_of[a].path;
    if (props_atom_get(a)->kind != PK_CLUSTER || h5r_exists(r->file, table_of[PK_CLUSTER]) != 0)
        return path;
    snprintf(r->single_path, sizeof r->single_path, "/series/cluster/%s", strrchr(path, '/') + 1);
    return r->single_path;
}

static int read_series(props_h5 *r, props_atom a, series_cache *c, char *err, size_t err_len)
{
    const char *path = cluster_path(r, a);
    if (h5r_exists(r->file, path) == 0) {
        snprintf(err, err_len, "%s is not in the run%s", path, quantity_of[a].hint);
        return -1;
    }
    char time_path[256];
    const char *slash = strrchr(path, '/');
    snprintf(time_path, sizeof time_path, "%.*s/time_ns", (int)(slash - path), path);
    hsize_t dims[2], nt = 0;
    if (read_i64_1d(r->file, time_path, &nt, &c->time_ns, err, err_len) != 0)
        return -1;
    for (hsize_t k = 0; k < nt; k++)
        if (c->time_ns[k] < 0 || (k > 0 && c->time_ns[k] <= c->time_ns[k - 1])) {
            snprintf(err, err_len, "%s: sample times are not increasing from 0 (row %llu)", time_path,
                     (unsigned long long)k);
            return -1;
        }
    hid_t d = h5r_open_dataset(r->file, path, 2, dims, err, err_len);
    if (d < 0)
        return -1;
    c->dataset = d;
    c->dims_rows = dims[0];
    c->rows = dims[0] < nt ? dims[0] : nt;
    c->cols = dims[1];
    /* whole when small; else stripes of whole chunk columns near the budget */
    size_t row_bytes = h5r_array_bytes(dims[0] ? dims[0] : 1, sizeof(double));
    hsize_t width = row_bytes ? (hsize_t)(r->whole_bytes / row_bytes) : 1;
    hsize_t chunk[2] = {0, 0};
    if (width < 1)
        width = 1;
    if (h5r_chunk_shape(d, chunk) && chunk[1] > 0)
        width = width < chunk[1] ? chunk[1] : width - width % chunk[1];
    c->stripe_width = width < dims[1] ? width : dims[1];
    return 0;
}

/* Makes the stripe holding column `col` of the loaded series c current. */
static int load_stripe(props_h5 *r, props_atom a, series_cache *c, hsize_t col, char *err, size_t err_len)
{
    if (col >= c->stripe_first && col - c->stripe_first < c->stripe_cols)
        return 0;
    hsize_t first = col - col % c->stripe_width;
    hsize_t n = c->cols - first < c->stripe_width ? c->cols - first : c->stripe_width;
    size_t cells = h5r_array_bytes(c->dims_rows, (size_t)n);
    size_t bytes = cells ? h5r_array_bytes(cells, sizeof(double)) : 0;
    free(c->value);
    c->value = bytes ? malloc(bytes) : NULL;
    c->stripe_first = c->stripe_cols = 0;
    if (c->dims_rows > 0 && !(c->value && h5r_read_block_f64(c->dataset, 0, c->dims_rows, first, n, c->value) == 0)) {
        snprintf(err, err_len, "%s: cannot read %llu x %llu values (columns %llu..)", cluster_path(r, a),
                 (unsigned long long)c->dims_rows, (unsigned long long)n, (unsigned long long)first);
        return -1;
    }
    c->stripe_first = first;
    c->stripe_cols = n;
    r->stripe_reads++;
    return 0;
}

void props_h5_set_whole_bytes(props_h5 *r, size_t bytes)
{
    r->whole_bytes = bytes;
}

long props_h5_stripe_reads(const props_h5 *r)
{
    return r->stripe_reads;
}

static void series_free(series_cache *c)
{
    if (c->dataset > 0)
        H5Dclose(c->dataset);
    free(c->time_ns);
    free(c->value);
    *c = (series_cache){0};
}

static int load_series(props_h5 *r, props_atom a, char *err, size_t err_len)
{
    series_cache *c = &r->series[a];
    if (c->loaded)
        return 0;
    if (read_series(r, a, c, err, err_len) != 0) {
        series_free(c);
        return -1;
    }
    c->loaded = 1;
    return 0;
}

static int series_signal(props_h5 *r, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    if (load_series(r, a, err, err_len) != 0)
        return -1;
    series_cache *c = &r->series[a];
    if (row >= c->cols) {
        snprintf(err, err_len, "%s has %llu columns, entity %zu asked", cluster_path(r, a),
                 (unsigned long long)c->cols, row);
        return -1;
    }
    if (load_stripe(r, a, c, row, err, err_len) != 0)
        return -1;
    ps_init(out, r->end_ns);
    if (ps_push(out, 0, NAN) != 0)
        return -1;
    const hsize_t at = row - c->stripe_first;
    for (hsize_t k = 0; k < c->rows && c->time_ns[k] < r->end_ns; k++)
        if (ps_push(out, c->time_ns[k], c->value[k * c->stripe_cols + at] * quantity_of[a].scale) != 0)
            return -1;
    return 0;
}

static int table_signal(props_h5 *r, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    char table[128];
    const char *hash = strchr(quantity_of[a].path, '#');
    snprintf(table, sizeof table, "%.*s", (int)(hash - quantity_of[a].path), quantity_of[a].path);
    hsize_t rows = 0;
    if (h5r_exists(r->file, table) == 0) {
        snprintf(err, err_len, "%s is not in the run%s", table, quantity_of[a].hint);
        return -1;
    }
    hid_t t = h5r_open_dataset(r->file, table, 1, &rows, err, err_len);
    if (t < 0)
        return -1;
    double v = NAN;
    int rc = row < rows ? h5r_table_column_f64(t, table, hash + 1, row, 1, &v, err, err_len) : -1;
    if (rc != 0) {
        int64_t i = 0; /* memory_mib is an integer column */
        rc = row < rows ? h5r_table_column_i64(t, table, hash + 1, row, 1, &i, err, err_len) : -1;
        v = (double)i;
    }
    H5Dclose(t);
    if (rc != 0) {
        if (row >= rows)
            snprintf(err, err_len, "%s: no row %zu", table, row);
        return -1;
    }
    ps_init(out, r->end_ns);
    return ps_push(out, 0, v * quantity_of[a].scale);
}

typedef struct event_collect {
    size_t n, cap;
    int64_t *time_ns, *subject, *state;
    props_kind family; /* VMs and pods: the state from the kind; hosts: the state in b */
    int failed;
} event_collect;

/* Pods: the state after each record of pod_kinds, in its order. */
enum { POD_S_RUNNING = 1, POD_S_FAILED = 2, POD_S_BACKOFF = 3, POD_S_STARTING = 4 };
static const char *const pod_kinds[] = {"pod_started", "pod_oom_killed", "pod_crashed", "pod_restarted",
                                        "pod_failed"};
static const int pod_state_after[] = {POD_S_RUNNING, POD_S_BACKOFF, POD_S_BACKOFF, POD_S_STARTING, POD_S_FAILED};

static void collect(const h5r_event *e, void *arg)
{
    event_collect *c = arg;
    if (c->failed)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        int64_t *t = realloc(c->time_ns, cap * sizeof *t);
        if (t)
            c->time_ns = t;
        int64_t *s = realloc(c->subject, cap * sizeof *s);
        if (s)
            c->subject = s;
        int64_t *st = realloc(c->state, cap * sizeof *st);
        if (st)
            c->state = st;
        if (!t || !s || !st) {
            c->failed = 1;
            return;
        }
        c->cap = cap;
    }
    c->time_ns[c->n] = e->time_ns;
    c->subject[c->n] = e->subject;
    /* VMs: 1 running (vm_started), 0 stopped (vm_stopped), 2 failed (vm_failed) */
    c->state[c->n] = c->family == PK_VM    ? (e->kind == 0 ? 1 : e->kind == 1 ? 0 : 2)
                     : c->family == PK_POD ? pod_state_after[e->kind >= 0 && e->kind < 5 ? e->kind : 4]
                                           : e->b;
    c->n++;
}

static int load_events(props_h5 *r, event_index *ix, props_kind k, char *err, size_t err_len)
{
    if (ix->loaded)
        return 0;
    static const char *const vm_kinds[] = {"vm_started", "vm_stopped", "vm_failed"};
    static const char *const host_kinds[] = {"host_failed",  "host_repaired",     "host_isolated",
                                             "host_reachable", "maintenance_begin", "maintenance_end"};
    if (load_names(r, k, err, err_len) != 0)
        return -1;
    long n = k == PK_POD ? r->n_table_pods : r->names[k].n;
    event_collect c = {.family = k};
    int rc = k == PK_VM    ? h5r_events_each(r->file, vm_kinds, 3, collect, &c, err, err_len)
             : k == PK_POD ? h5r_events_each(r->file, pod_kinds, 5, collect, &c, err, err_len)
                           : h5r_events_each(r->file, host_kinds, 6, collect, &c, err, err_len);
    ix->first = calloc((size_t)n + 1, sizeof *ix->first);
    ix->time_ns = malloc((c.n ? c.n : 1) * sizeof *ix->time_ns);
    ix->state = malloc((c.n ? c.n : 1) * sizeof *ix->state);
    if (rc >= 0 && (c.failed || !ix->first || !ix->time_ns || !ix->state)) {
        snprintf(err, err_len, "/events: out of memory");
        rc = -1;
    }
    for (size_t i = 0; rc >= 0 && i < c.n; i++) {
        int bad_state = k == PK_HOST && (c.state[i] < 0 || c.state[i] > 3);
        if (c.subject[i] < 0 || c.subject[i] >= n || c.time_ns[i] < 0 || bad_state ||
            (i > 0 && c.time_ns[i] < c.time_ns[i - 1])) {
            snprintf(err, err_len, "/events: record %zu (subject %lld, time %lld ns, state %lld) is not valid for %ld %s",
                     i, (long long)c.subject[i], (long long)c.time_ns[i], (long long)c.state[i], n,
                     k == PK_VM ? "VMs" : k == PK_POD ? "pods" : "hosts");
            rc = -1;
        } else {
            ix->first[c.subject[i] + 1]++;
        }
    }
    if (rc >= 0) { /* counting sort by subject, stable: each subject's records stay in time order */
        for (long s = 0; s < n; s++)
            ix->first[s + 1] += ix->first[s];
        size_t *fill = calloc((size_t)n + 1, sizeof *fill);
        if (!fill) {
            snprintf(err, err_len, "/events: out of memory");
            rc = -1;
        }
        for (size_t i = 0; rc >= 0 && i < c.n; i++) {
            size_t at = ix->first[c.subject[i]] + fill[c.subject[i]]++;
            ix->time_ns[at] = c.time_ns[i];
            ix->state[at] = c.state[i];
        }
        free(fill);
    }
    free(c.time_ns);
    free(c.subject);
    free(c.state);
    if (rc < 0) { /* not loaded: nothing left behind */
        free(ix->first);
        free(ix->time_ns);
        free(ix->state);
        ix->first = NULL;
        ix->time_ns = NULL;
        ix->state = NULL;
        return -1;
    }
    ix->n_subjects = n;
    ix->loaded = 1;
    return 0;
}

static int state_signal(props_h5 *r, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    int is_vm = a == PA_VM_RUNNING || a == PA_VM_FAILED, is_pod = a == PA_POD_PENDING || a == PA_POD_RUNNING;
    event_index *ix = is_vm ? &r->vm_running : is_pod ? &r->pod_states : &r->host_states;
    if (load_events(r, ix, is_vm ? PK_VM : is_pod ? PK_POD : PK_HOST, err, err_len) != 0)
        return -1;
    if ((long)row >= ix->n_subjects) {
        snprintf(err, err_len, "/events: entity %zu out of range", row);
        return -1;
    }
    /* host states: 0 up, 1 failed, 2 isolated (VMs still run), 3 maintenance;
     * a pod is pending from the start of the run */
    ps_init(out, r->end_ns);
    double v0 = is_vm ? 0 : a == PA_HOST_UP || a == PA_POD_PENDING ? 1 : 0;
    if (ps_push(out, 0, v0) != 0)
        return -1;
    for (size_t i = ix->first[row]; i < ix->first[row + 1]; i++) {
        if (ix->time_ns[i] >= r->end_ns)
            break;
        int64_t s = ix->state[i];
        double v = a == PA_VM_RUNNING ? s == 1 : a == PA_VM_FAILED ? s == 2 : a == PA_HOST_UP ? (s == 0 || s == 2)
                 : a == PA_HOST_FAILED ? s == 1 : a == PA_POD_RUNNING ? s == POD_S_RUNNING
                 : a == PA_POD_PENDING ? s == POD_S_FAILED : s == 3;
        if (ps_push(out, ix->time_ns[i], v) != 0)
            return -1;
    }
    return 0;
}

/* vm.power_state(_before), pod.phase(_before): the records replayed through
 * props_lifecycle.h, as the monitors replay them. */
static int lifecycle_signal(props_h5 *r, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    int is_vm = a == PA_VM_POWER_STATE || a == PA_VM_POWER_STATE_BEFORE;
    int want_before = a == PA_VM_POWER_STATE_BEFORE || a == PA_POD_PHASE_BEFORE;
    event_index *ix = is_vm ? &r->vm_running : &r->pod_states;
    if (load_events(r, ix, is_vm ? PK_VM : PK_POD, err, err_len) != 0)
        return -1;
    if ((long)row >= ix->n_subjects) {
        snprintf(err, err_len, "/events: entity %zu out of range", row);
        return -1;
    }
    props_lifecycle l;
    if (is_vm)
        props_vm_power_init(&l);
    else
        props_pod_phase_init(&l);
    ps_init(out, r->end_ns);
    if (ps_push(out, 0, want_before ? l.before : l.state) != 0)
        return -1;
    for (size_t i = ix->first[row]; i < ix->first[row + 1]; i++) {
        if (ix->time_ns[i] >= r->end_ns)
            break;
        int64_t s = ix->state[i];
        if (is_vm) /* 1 started, 0 stopped, 2 failed (collect) */
            props_vm_power_record(&l, s == 1 ? 0 : s == 0 ? 1 : 2);
        else /* pod_state_after: the record kind back */
            props_pod_phase_record(&l, s == POD_S_RUNNING ? 0 : s == POD_S_BACKOFF ? 1 : s == POD_S_STARTING ? 3 : 4);
        if (ps_push(out, ix->time_ns[i], want_before ? l.before : l.state) != 0)
            return -1;
    }
    return 0;
}

static int load_vmotions(props_h5 *r, char *err, size_t err_len)
{
    if (r->vmotions_loaded)
        return 0;
    static const char path[] = "/tables/vmotions";
    if (h5r_exists(r->file, path) != 0) {
        hid_t t = h5r_open_dataset(r->file, path, 1, &r->n_vmotions, err, err_len);
        if (t < 0)
            return -1;
        size_t bytes = h5r_array_bytes(r->n_vmotions ? r->n_vmotions : 1, sizeof(int64_t));
        r->vmotion_vm = bytes ? malloc(bytes) : NULL;
        r->vmotion_start = bytes ? malloc(bytes) : NULL;
        r->vmotion_done = bytes ? malloc(bytes) : NULL;
        int rc = (!r->vmotion_vm || !r->vmotion_start || !r->vmotion_done) ? -1 : 0;
        if (rc == 0 && r->n_vmotions > 0)
            rc = h5r_table_column_i64(t, path, "vm", 0, r->n_vmotions, r->vmotion_vm, err, err_len) ||
                 h5r_table_column_i64(t, path, "started_ns", 0, r->n_vmotions, r->vmotion_start, err, err_len) ||
                 h5r_table_column_i64(t, path, "done_ns", 0, r->n_vmotions, r->vmotion_done, err, err_len);
        H5Dclose(t);
        if (rc != 0) { /* not loaded: nothing left behind */
            free(r->vmotion_vm);
            free(r->vmotion_start);
            free(r->vmotion_done);
            r->vmotion_vm = r->vmotion_start = r->vmotion_done = NULL;
            return -1;
        }
    }
    r->vmotions_loaded = 1;
    return 0;
}

/* vmotion.active: from started_ns to done_ns of each completed migration
 * (aborted ones carry no end time in the table and are left out). */
static int vmotion_signal(props_h5 *r, size_t row, ps_signal *out, char *err, size_t err_len)
{
    if (load_vmotions(r, err, err_len) != 0)
        return -1;
    ps_init(out, r->end_ns);
    if (ps_push(out, 0, 0) != 0)
        return -1;
    int64_t busy_until = -1; /* merge overlapping intervals; rows are in request order */
    for (hsize_t i = 0; i < r->n_vmotions; i++) {
        if (r->vmotion_vm[i] != (int64_t)row || r->vmotion_start[i] < 0 || r->vmotion_done[i] < r->vmotion_start[i])
            continue;
        int64_t s = r->vmotion_start[i], d = r->vmotion_done[i];
        if (s >= r->end_ns || s < busy_until || (out->n && s < out->seg[out->n - 1].t))
            continue;
        if (ps_push(out, s, 1) != 0 || (d < r->end_ns && ps_push(out, d, 0) != 0))
            return -1;
        busy_until = d;
    }
    return 0;
}

static const scenario *load_run_scenario(props_h5 *r, const char *purpose, char *err, size_t err_len);

/* The key of an HA setting of cluster i: its own, else the top-level one it
 * inherits (docs/clusters.md). */
static const char *ha_key(const scenario *s, int many, int i, const char *field, char *key, size_t len)
{
    snprintf(key, len, "clusters.[%d].ha.%s", i, field);
    if (many && scn_is_set(s, "%s", key))
        return key;
    snprintf(key, len, "ha.%s", field);
    return key;
}

/* The constants of a cluster: its hosts (/tables/clusters, or every host of
 * a run without `clusters`) and its configured host failures to tolerate
 * (clusters.[].ha.failover_level, else ha.failover_level; 0 when its HA or
 * admission control is off: the policy then promises nothing). */
static int cluster_constant(props_h5 *r, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    int many = h5r_exists(r->file, table_of[PK_CLUSTER]) != 0;
    double v = NAN;
    if (a == PA_CLUSTER_HOSTS || a == PA_CLUSTER_HOSTS_UP) {
        hsize_t rows = 0;
        const char *table = many ? table_of[PK_CLUSTER] : "/tables/hosts";
        hid_t t = h5r_open_dataset(r->file, table, 1, &rows, err, err_len);
        if (t < 0)
            return -1;
        int64_t hosts = (int64_t)rows;
        int rc = many ? h5r_table_column_i64(t, table, "hosts", row, 1, &hosts, err, err_len) : 0;
        H5Dclose(t);
        if (rc != 0)
            return -1;
        v = (double)hosts;
    } else {
        const scenario *s = load_run_scenario(r, "cluster.failover_level is read from the run's scenario", err,
                                              err_len);
        if (!s)
            return -1;
        char key[64];
        int i = (int)row;
        int enabled = scn_bool(s, "%s", ha_key(s, many, i, "enabled", key, sizeof key));
        int admission = strcmp(scn_string(s, "%s", ha_key(s, many, i, "admission_control", key, sizeof key)),
                               "disabled") != 0;
        v = enabled && admission ? (double)scn_int(s, "%s", ha_key(s, many, i, "failover_level", key, sizeof key))
                                 : 0;
    }
    ps_init(out, r->end_ns);
    return ps_push(out, 0, v);
}

/* cluster.hosts_up: a run without failures records no hosts_up series: all
 * its hosts are up. */
static int hosts_up_signal(props_h5 *r, size_t row, ps_signal *out, char *err, size_t err_len)
{
    if (h5r_exists(r->file, cluster_path(r, PA_CLUSTER_HOSTS_UP)) == 0)
        return cluster_constant(r, PA_CLUSTER_HOSTS_UP, row, out, err, err_len);
    return series_signal(r, PA_CLUSTER_HOSTS_UP, row, out, err, err_len);
}

/* cluster.imbalance_target and cluster.hosts_changed from hosts_up and the
 * cluster's DRS settings (clusters.[].drs.*, else drs.*). */
static int drs_derived(props_h5 *r, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    const scenario *s = load_run_scenario(r, "cluster.imbalance_target and cluster.hosts_changed are read from "
                                             "the run's DRS settings", err, err_len);
    if (!s)
        return -1;
    int many = h5r_exists(r->file, table_of[PK_CLUSTER]) != 0;
    char key[64];
    snprintf(key, sizeof key, "clusters.[%d].drs.enabled", (int)row);
    int enabled = scn_bool(s, "%s", many && scn_is_set(s, "%s", key) ? key : "drs.enabled");
    snprintf(key, sizeof key, "clusters.[%d].drs.threshold", (int)row);
    int threshold = (int)scn_int(s, "%s", many && scn_is_set(s, "%s", key) ? key : "drs.threshold");
    ps_signal up;
    if (hosts_up_signal(r, row, &up, err, err_len) != 0)
        return -1;
    int rc = a == PA_CLUSTER_HOSTS_CHANGED ? props_cluster_changes(&up, enabled, out)
                                           : props_cluster_target(&up, threshold, out);
    ps_free(&up);
    if (rc != 0)
        snprintf(err, err_len, "out of memory");
    return rc;
}

static int load_fairness(props_h5 *r, char *err, size_t err_len)
{
    /* the three VM series' blocks within whole_bytes together */
    size_t block_cells = r->whole_bytes / (3 * sizeof(double));
    return r->fair ? 0 : pf_h5_load(r->file, r->end_ns, block_cells, &r->fair, err, err_len);
}

/* The pair of VMs behind host.cpu_share_error at t (props_fairness.h). */
static void src_note(void *ctx, const props_node *phi, size_t row, int64_t t, char *buf, size_t len)
{
    props_h5 *r = ctx;
    char err[256];
    if (!props_uses_atom(phi, PA_HOST_CPU_SHARE_ERROR) || load_fairness(r, err, sizeof err) != 0 ||
        load_names(r, PK_VM, err, sizeof err) != 0)
        return;
    pf_pair p;
    pf_h5_pair(r->fair, row, t, &p);
    const entity_names *vms = &r->names[PK_VM];
    if (p.contending >= 2 && p.more.id < vms->n && p.less.id < vms->n)
        pf_note(&p, vms->name[p.more.id], vms->name[p.less.id], buf, len);
}

static int src_signal(void *ctx, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    props_h5 *r = ctx;
    ps_init(out, r->end_ns);
    switch (a) {
    case PA_HOST_CPU_SHARE_ERROR:
        if (load_fairness(r, err, err_len) != 0)
            return -1;
        return pf_h5_signal(r->fair, row, out, err, err_len);
    case PA_VM_RUNNING:
    case PA_VM_FAILED:
    case PA_HOST_UP:
    case PA_HOST_FAILED:
    case PA_HOST_MAINTENANCE: return state_signal(r, a, row, out, err, err_len);
    case PA_POD_PENDING:
    case PA_POD_RUNNING:
    case PA_POD_PHASE:
    case PA_POD_PHASE_BEFORE:
        if (load_names(r, PK_POD, err, err_len) != 0)
            return -1;
        if ((long)row >= r->n_table_pods) /* a pod of the control plane */
            return pk8s_h5_signal(r->k8s, a, row - (size_t)r->n_table_pods, r->end_ns, out, err, err_len);
        return a == PA_POD_PHASE || a == PA_POD_PHASE_BEFORE ? lifecycle_signal(r, a, row, out, err, err_len)
                                                             : state_signal(r, a, row, out, err, err_len);
    case PA_VM_POWER_STATE:
    case PA_VM_POWER_STATE_BEFORE: return lifecycle_signal(r, a, row, out, err, err_len);
    case PA_VM_MIGRATING: return vmotion_signal(r, row, out, err, err_len);
    case PA_HOST_CPU_CAPACITY:
    case PA_HOST_MEMORY_CAPACITY:
    case PA_VM_CPU_LIMIT:
    case PA_VM_CPU_RESERVATION: return table_signal(r, a, row, out, err, err_len);
    case PA_CLUSTER_FAILOVER_LEVEL:
    case PA_CLUSTER_HOSTS: return cluster_constant(r, a, row, out, err, err_len);
    case PA_CLUSTER_HOSTS_UP: return hosts_up_signal(r, row, out, err, err_len);
    case PA_CLUSTER_FAILOVER_CAPACITY:
    case PA_CLUSTER_IMBALANCE: /* a run without HA / DRS: no value (the built-ins promise nothing then) */
        if (h5r_exists(r->file, cluster_path(r, a)) == 0)
            return ps_push(out, 0, NAN);
        return series_signal(r, a, row, out, err, err_len);
    case PA_CLUSTER_IMBALANCE_TARGET:
    case PA_CLUSTER_HOSTS_CHANGED: return drs_derived(r, a, row, out, err, err_len);
    default: return series_signal(r, a, row, out, err, err_len);
    }
}

int props_h5_open(const char *path, props_h5 **out, props_source *src, char *err, size_t err_len)
{
    *out = NULL;
    props_h5 *r = calloc(1, sizeof *r);
    if (r)
        r->whole_bytes = SERIES_WHOLE_BYTES;
    if (!r) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    h5r_quiet_begin(&r->quiet);
    int64_t version = 0;
    r->file = h5r_open_run(path, &version, err, err_len);
    if (r->file < 0) {
        h5r_quiet_end(&r->quiet);
        free(r);
        return -1;
    }
    if (h5r_attr_i64(r->file, "until_ns", &r->end_ns) != 1 || r->end_ns <= 0) {
        snprintf(err, err_len, "%s: root attribute until_ns missing or not a positive integer", path);
        props_h5_close(r);
        return -1;
    }
    src->ctx = r;
    src->end_ns = r->end_ns;
    src->count = src_count;
    src->describe = src_describe;
    src->signal = src_signal;
    src->note = src_note;
    *out = r;
    return 0;
}

void props_h5_close(props_h5 *r)
{
    if (!r)
        return;
    for (int k = 0; k < N_KINDS; k++) {
        free(r->names[k].name);
        free(r->names[k].group);
    }
    for (int a = 0; a < PA_COUNT; a++)
        series_free(&r->series[a]);
    pk8s_h5_free(r->k8s);
    event_index *ix[] = {&r->host_states, &r->vm_running, &r->pod_states};
    for (int i = 0; i < 3; i++) {
        free(ix[i]->first);
        free(ix[i]->time_ns);
        free(ix[i]->state);
    }
    free(r->vmotion_vm);
    free(r->vmotion_start);
    free(r->vmotion_done);
    pf_h5_free(r->fair);
    if (r->run_scenario)
        scenario_free(r->run_scenario);
    H5Fclose(r->file);
    h5r_quiet_end(&r->quiet);
    free(r);
}

/* The run's scenario (root attribute scenario_text), read for `purpose`
 * when first asked and kept until props_h5_close (a cluster property asks
 * once per cluster: 157 parses of 134 KB for the headline); NULL with a
 * message. The text is that of a scenario file, so at most 1 MiB (a longer
 * one is refused, not truncated). */
static const scenario *load_run_scenario(props_h5 *r, const char *purpose, char *err, size_t err_len)
{
    if (r->run_scenario)
        return r->run_scenario;
    enum { MAX_TEXT = 1 << 20 };
    char *text = malloc(MAX_TEXT);
    if (!text) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    scenario *s = NULL;
    int got = h5r_attr_str(r->file, "scenario_text", text, MAX_TEXT);
    if (got == 0) {
        snprintf(err, err_len, "root attribute scenario_text missing: %s", purpose);
    } else if (got < 0) {
        snprintf(err, err_len, "root attribute scenario_text is not a fixed-length string of at most %d bytes: %s",
                 MAX_TEXT - 1, purpose);
    } else {
        char why[1024];
        s = scenario_load_string(text, "scenario_text", NULL, 0, why, sizeof why);
        if (!s)
            snprintf(err, err_len, "the run's scenario (%s): %s", purpose, why);
    }
    free(text);
    r->run_scenario = s;
    return s;
}

int props_h5_builtin_params(props_h5 *r, props_builtin_params *out, char *err, size_t err_len)
{
    const scenario *s = load_run_scenario(r, "the built-in properties take their parameters from the run's scenario",
                                          err, err_len);
    if (!s)
        return -1;
    props_builtin_params_from_scenario(s, out);
    return 0;
}
