/* test_recorder.c - the recorder writes what it was given, where the layout
 * says, in the same order for any thread count, and never leaves a file that
 * looks complete when it is not.
 *
 * The file is read back with the HDF5 C API directly, as an analysis tool
 * would, not through the recorder.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recorder/rec_internal.h" /* events_moved_shrinking */
#include "recorder/recorder.h"
#include "tests/check.h"

#define N_HOSTS 300
#define HOST_PERIOD_NS (100 * SIM_NS_PER_MS)
#define CLUSTER_START_NS (500 * SIM_NS_PER_MS)
#define CLUSTER_PERIOD_NS (10 * SIM_NS_PER_MS)
#define POWER_PERIOD_NS (2 * SIM_NS_PER_S)
#define WINDOW_NS (700 * SIM_NS_PER_MS)
#define END_NS (20 * SIM_NS_PER_S)
#define N_LPS 16
#define EVENTS_PER_LP_PER_WINDOW 5
#define HOLE_ROW 5 /* cpu_util (HOLE_ROW, HOLE_ENTITY) is never written */
#define HOLE_ENTITY 7

typedef struct {
    int64_t time_ns;
    uint32_t lp;
    uint64_t seq;
    int kind;
    int64_t subject;
    int64_t a;
    int64_t b;
    double value;
} test_event;

static double cpu_value(int64_t row, int entity) { return (double)row * 1000.0 + entity; }
static double mem_value(int64_t row, int entity) { return entity * 0.5 + (double)row; }
static double imbalance_value(int64_t row, int cluster) { return 0.01 * (double)row - cluster; }

static void path_in_tmp(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", VDCSIM_TEST_TMPDIR, name);
}

/* A recorder (1 thread) writing tmp/<name>, its path into path; NULL
 * (checked) if it cannot open. */
static recorder *recorder_in_tmp(char *path, size_t len, const char *name)
{
    char err[512];
    path_in_tmp(path, len, name);
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (r == NULL)
        fprintf(stderr, "%s\n", err);
    return r;
}

static int file_exists(const char *path) { return access(path, F_OK) == 0; }

static void partial_path_of(char *buf, size_t len, const char *final_path)
{
    snprintf(buf, len, "%s.partial-%ld", final_path, (long)getpid());
}

static int test_event_cmp(const void *pa, const void *pb)
{
    const test_event *x = pa, *y = pb;
    if (x->time_ns != y->time_ns)
        return x->time_ns < y->time_ns ? -1 : 1;
    if (x->lp != y->lp)
        return x->lp < y->lp ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The event LP `lp` emits as its j-th record of window w: times scattered
 * inside the window so that threads hand them over out of order. */
static test_event make_event(int w, uint32_t lp, int j, uint64_t seq)
{
    test_event e;
    int64_t offset = ((int64_t)(lp * 37 + (uint32_t)j * 113) % 70) * 10 * SIM_NS_PER_MS;
    e.time_ns = (int64_t)w * WINDOW_NS + offset;
    e.lp = lp;
    e.seq = seq;
    e.kind = (int)((lp + (uint32_t)j) % 3);
    e.subject = (int64_t)lp * 100 + j;
    e.a = -(int64_t)w;
    e.b = (int64_t)seq * 7;
    e.value = (double)e.time_ns / 1e9 + lp;
    return e;
}

/* Writes a whole run with `threads` OpenMP threads. Fills `expected` (sorted
 * events that must be in the file) and returns their count, or -1. */
static int write_run(const char *path, int threads, test_event *expected, int expected_cap)
{
    char err[512];
    recorder *r = recorder_open(path, threads, err, sizeof err);
    CHECK(r != NULL);
    if (r == NULL) {
        fprintf(stderr, "  %s\n", err);
        return -1;
    }
    CHECK_INT_EQ(rec_attr_str(r, "scenario", "hosts = 300;\nseed = 42;\n"), 0);
    CHECK_INT_EQ(rec_attr_i64(r, "seed", 42), 0);
    CHECK_INT_EQ(rec_attr_f64(r, "wall_s", 1.25), 0);
    CHECK_INT_EQ(rec_attr_i64(r, "seed", 43), 0); /* replaces */
    CHECK_INT_EQ(rec_attr_i64(r, "format_version", 7), -1);

    const rec_column host_cols[] = {
        {"id", REC_I64, NULL}, {"name", REC_STR, NULL}, {"cpu_mhz", REC_F64, "MHz"}};
    const rec_column cluster_cols[] = {{"id", REC_I64, NULL}, {"hosts", REC_I64, "count"}};
    int hosts = rec_table_new(r, "hosts", host_cols, 3);
    int clusters = rec_table_new(r, "clusters", cluster_cols, 2);
    CHECK(hosts >= 0 && clusters >= 0 && hosts != clusters);
    CHECK_INT_EQ(rec_table_new(r, "hosts", host_cols, 3), -1);

    int kinds[3];
    kinds[0] = rec_event_kind(r, "placement");
    kinds[1] = rec_event_kind(r, "migration");
    kinds[2] = rec_event_kind(r, "failure");
    CHECK(kinds[0] == 0 && kinds[1] == 1 && kinds[2] == 2);

    int cpu = rec_series_new(r, "host", "cpu_util", "1", "hosts", N_HOSTS, 0, HOST_PERIOD_NS);
    int mem = rec_series_new(r, "host", "mem_gib", "GiB", "/tables/hosts", N_HOSTS, 0,
                             HOST_PERIOD_NS);
    int imb = rec_series_new(r, "cluster", "imbalance", NULL, "clusters", 2, CLUSTER_START_NS,
                             CLUSTER_PERIOD_NS);
    CHECK(cpu >= 0 && mem >= 0 && imb >= 0);
    /* Another period in the same group is refused, and the recorder goes on. */
    CHECK_INT_EQ(rec_series_new(r, "host", "power_w", "W", "hosts", N_HOSTS, 0, POWER_PERIOD_NS),
                 -1);
    CHECK_STR_CONTAINS(recorder_error(r), "period");
    CHECK_INT_EQ(rec_series_new(r, "host", "disk", "B", "hosts", N_HOSTS + 1, 0, HOST_PERIOD_NS),
                 -1);

    for (int h = 0; h < N_HOSTS; h++) {
        char name[32];
        snprintf(name, sizeof name, "esx-%03d", h);
        rec_value row[3] = {{.i64 = h}, {.str = name}, {.f64 = 2000.0 + h}};
        CHECK_INT_EQ(rec_table_row(r, hosts, row), 0);
    }
    for (int c = 0; c < 2; c++) {
        rec_value row[2] = {{.i64 = c}, {.i64 = 150}};
        CHECK_INT_EQ(rec_table_row(r, clusters, row), 0);
    }

    int n_expected = 0;
    uint64_t next_seq[N_LPS] = {0};
    int n_windows = (int)((END_NS + WINDOW_NS - 1) / WINDOW_NS);
    omp_set_num_threads(threads);
    for (int w = 0; w < n_windows; w++) {
        sim_time_ns begin_ns = (sim_time_ns)w * WINDOW_NS;
        sim_time_ns end_ns = begin_ns + WINDOW_NS;
        CHECK_INT_EQ(recorder_window_begin(r, end_ns), 0);
        int64_t first_row = (begin_ns + HOST_PERIOD_NS - 1) / HOST_PERIOD_NS;
        int64_t end_row = (end_ns + HOST_PERIOD_NS - 1) / HOST_PERIOD_NS;
        /* Cells from a parallel loop over entities, as host LPs would. */
#pragma omp parallel for schedule(dynamic, 7)
        for (int h = 0; h < N_HOSTS; h++) {
            for (int64_t k = first_row; k < end_row; k++) {
                if (!(k == HOLE_ROW && h == HOLE_ENTITY))
                    rec_series_put(r, cpu, k * HOST_PERIOD_NS, h, cpu_value(k, h));
                rec_series_put(r, mem, k * HOST_PERIOD_NS, h, mem_value(k, h));
            }
        }
        int64_t c_first = begin_ns <= CLUSTER_START_NS
                              ? 0
                              : (begin_ns - CLUSTER_START_NS + CLUSTER_PERIOD_NS - 1) /
                                    CLUSTER_PERIOD_NS;
        int64_t c_end = end_ns <= CLUSTER_START_NS
                            ? 0
                            : (end_ns - CLUSTER_START_NS + CLUSTER_PERIOD_NS - 1) /
                                  CLUSTER_PERIOD_NS;
#pragma omp parallel for
        for (int c = 0; c < 2; c++)
            for (int64_t k = c_first; k < c_end; k++)
                rec_series_put(r, imb, CLUSTER_START_NS + k * CLUSTER_PERIOD_NS, c,
                               imbalance_value(k, c));
        /* Events: each LP's records go to whichever thread runs it. The
         * sequence numbers are assigned before the loop, as the engine's
         * per-LP counters would be, so they do not depend on threads. */
        uint64_t base_seq[N_LPS];
        for (int lp = 0; lp < N_LPS; lp++) {
            base_seq[lp] = next_seq[lp];
            next_seq[lp] += EVENTS_PER_LP_PER_WINDOW + 1;
        }
#pragma omp parallel for schedule(dynamic, 1)
        for (int lp = N_LPS - 1; lp >= 0; lp--) {
            int thread = omp_get_thread_num();
            for (int j = EVENTS_PER_LP_PER_WINDOW - 1; j >= 0; j--) {
                test_event e = make_event(w, (uint32_t)lp, j, base_seq[lp] + (uint64_t)j);
                rec_event(r, thread, e.time_ns, e.lp, e.seq, kinds[e.kind], e.subject, e.a, e.b,
                          e.value);
            }
            /* one record dated past the window end (allowed); the last
             * window's lands after the run's end and must be dropped */
            test_event late = make_event(w, (uint32_t)lp, 0,
                                         base_seq[lp] + EVENTS_PER_LP_PER_WINDOW);
            late.time_ns = end_ns + (int64_t)lp;
            rec_event(r, thread, late.time_ns, late.lp, late.seq, kinds[late.kind], late.subject,
                      late.a, late.b, late.value);
        }
        for (int lp = 0; lp < N_LPS; lp++) {
            for (int j = 0; j <= EVENTS_PER_LP_PER_WINDOW; j++) {
                test_event e = make_event(w, (uint32_t)lp, j == EVENTS_PER_LP_PER_WINDOW ? 0 : j,
                                          base_seq[lp] + (uint64_t)j);
                if (j == EVENTS_PER_LP_PER_WINDOW)
                    e.time_ns = end_ns + lp;
                if (e.time_ns < END_NS && n_expected < expected_cap)
                    expected[n_expected++] = e;
            }
        }
        CHECK_INT_EQ(recorder_window_end(r, end_ns), 0);
    }
    qsort(expected, (size_t)n_expected, sizeof *expected, test_event_cmp);
    CHECK_INT_EQ(recorder_close(r, END_NS, err, sizeof err), 0);
    if (err[0] != '\0')
        fprintf(stderr, "  close: %s\n", err);
    return n_expected;
}

static char *read_str_attr(hid_t obj, const char *name)
{
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0)
        return NULL;
    /* String attributes are fixed-length (inside the checksummed header). */
    hid_t type = H5Aget_type(attr);
    char *copy = NULL;
    if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) == 0) {
        size_t size = H5Tget_size(type);
        copy = calloc(size + 1, 1);
        if (H5Aread(attr, type, copy) < 0) {
            free(copy);
            copy = NULL;
        }
    }
    H5Tclose(type);
    H5Aclose(attr);
    return copy;
}

static int64_t read_i64_attr(hid_t obj, const char *name)
{
    int64_t value = -999;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr >= 0) {
        H5Aread(attr, H5T_NATIVE_INT64, &value);
        H5Aclose(attr);
    }
    return value;
}

static void check_attr_str(hid_t obj, const char *name, const char *want)
{
    char *got = read_str_attr(obj, name);
    CHECK(got != NULL && strcmp(got, want) == 0);
    if (got == NULL || strcmp(got, want) != 0)
        fprintf(stderr, "  attribute %s: got '%s', want '%s'\n", name, got ? got : "(none)", want);
    free(got);
}

/* Reads a 2-D float64 dataset; returns malloc'ed rows*cols values. */
static double *read_series(hid_t file, const char *path, hsize_t *rows, hsize_t *cols)
{
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    CHECK(ds >= 0);
    if (ds < 0)
        return NULL;
    hid_t space = H5Dget_space(ds);
    hsize_t dims[2] = {0, 0};
    CHECK_INT_EQ(H5Sget_simple_extent_ndims(space), 2);
    H5Sget_simple_extent_dims(space, dims, NULL);
    *rows = dims[0];
    *cols = dims[1];
    double *values = malloc((dims[0] * dims[1] + 1) * sizeof *values);
    CHECK(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
    H5Sclose(space);
    H5Dclose(ds);
    return values;
}

static int64_t *read_time_axis(hid_t file, const char *path, hsize_t *rows)
{
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    CHECK(ds >= 0);
    if (ds < 0)
        return NULL;
    hid_t space = H5Dget_space(ds);
    hsize_t dims[1] = {0}, max_dims[1] = {0};
    H5Sget_simple_extent_dims(space, dims, max_dims);
    CHECK(max_dims[0] == H5S_UNLIMITED);
    *rows = dims[0];
    int64_t *values = malloc((dims[0] + 1) * sizeof *values);
    CHECK(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
    H5Sclose(space);
    H5Dclose(ds);
    return values;
}

typedef struct {
    int64_t id;
    char name[16];
    double cpu_mhz;
} host_row;

/* The member `name` of a compound type: fixed-length (format_version 2,
 * issue 13), NUL-padded UTF-8, `size` bytes. */
static void check_fixed_string(hid_t type, const char *name, size_t size)
{
    int index = H5Tget_member_index(type, name);
    CHECK(index >= 0);
    if (index < 0)
        return;
    hid_t member = H5Tget_member_type(type, (unsigned)index);
    CHECK_INT_EQ(H5Tget_class(member), H5T_STRING);
    CHECK_INT_EQ(H5Tis_variable_str(member), 0);
    CHECK_INT_EQ(H5Tget_size(member), size);
    CHECK_INT_EQ(H5Tget_strpad(member), H5T_STR_NULLPAD);
    CHECK_INT_EQ(H5Tget_cset(member), H5T_CSET_UTF8);
    H5Tclose(member);
}

static void check_tables(hid_t file)
{
    hid_t ds = H5Dopen2(file, "/tables/hosts", H5P_DEFAULT);
    CHECK(ds >= 0);
    if (ds < 0)
        return;
    /* The longest name is "esx-000".."esx-299": 7 bytes, no terminator. */
    hid_t ftype = H5Dget_type(ds);
    check_fixed_string(ftype, "name", 7);
    H5Tclose(ftype);
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, sizeof ((host_row *)0)->name);
    H5Tset_strpad(str, H5T_STR_NULLTERM);
    H5Tset_cset(str, H5T_CSET_UTF8);
    hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(host_row));
    H5Tinsert(type, "id", HOFFSET(host_row, id), H5T_NATIVE_INT64);
    H5Tinsert(type, "name", HOFFSET(host_row, name), str);
    H5Tinsert(type, "cpu_mhz", HOFFSET(host_row, cpu_mhz), H5T_NATIVE_DOUBLE);
    hid_t space = H5Dget_space(ds);
    hsize_t rows = 0;
    H5Sget_simple_extent_dims(space, &rows, NULL);
    CHECK_INT_EQ(rows, N_HOSTS);
    host_row *data = calloc(rows + 1, sizeof *data);
    CHECK(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    int bad = 0;
    for (hsize_t i = 0; i < rows; i++) {
        char want[32];
        snprintf(want, sizeof want, "esx-%03d", (int)i);
        if (data[i].id != (int64_t)i || strcmp(data[i].name, want) != 0 || data[i].cpu_mhz != 2000.0 + (double)i)
            bad++;
    }
    CHECK_INT_EQ(bad, 0);
    free(data);

    /* units: one fixed-length string per column, "" where none; the longest
     * unit, "MHz", sets the size: 3 bytes, NUL-padded. */
    hid_t attr = H5Aopen(ds, "units", H5P_DEFAULT);
    CHECK(attr >= 0);
    if (attr >= 0) {
        hid_t atype = H5Aget_type(attr);
        CHECK_INT_EQ(H5Tis_variable_str(atype), 0);
        CHECK_INT_EQ(H5Tget_size(atype), 3);
        H5Tclose(atype);
        hid_t ustr = H5Tcopy(H5T_C_S1);
        H5Tset_size(ustr, 8);
        H5Tset_strpad(ustr, H5T_STR_NULLTERM);
        H5Tset_cset(ustr, H5T_CSET_UTF8);
        char units[3][8];
        memset(units, 'x', sizeof units);
        CHECK(H5Aread(attr, ustr, units) >= 0);
        CHECK(strcmp(units[0], "") == 0);
        CHECK(strcmp(units[1], "") == 0);
        CHECK(strcmp(units[2], "MHz") == 0);
        H5Tclose(ustr);
        H5Aclose(attr);
    }
    H5Sclose(space);
    H5Tclose(type);
    H5Tclose(str);
    H5Dclose(ds);

    ds = H5Dopen2(file, "/tables/clusters", H5P_DEFAULT);
    CHECK(ds >= 0);
    if (ds >= 0) {
        int64_t ids[4] = {-1, -1, -1, -1};
        hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(int64_t));
        H5Tinsert(mt, "hosts", 0, H5T_NATIVE_INT64);
        space = H5Dget_space(ds);
        H5Sget_simple_extent_dims(space, &rows, NULL);
        CHECK_INT_EQ(rows, 2);
        CHECK(H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids) >= 0);
        CHECK_INT_EQ(ids[0], 150);
        CHECK_INT_EQ(ids[1], 150);
        H5Sclose(space);
        H5Tclose(mt);
        H5Dclose(ds);
    }
}

static void check_series(hid_t file)
{
    hsize_t rows = 0, cols = 0, time_rows = 0;
    int64_t host_rows = (END_NS + HOST_PERIOD_NS - 1) / HOST_PERIOD_NS;
    int64_t *t = read_time_axis(file, "/series/host/time_ns", &time_rows);
    CHECK_INT_EQ(time_rows, host_rows);
    int bad = 0;
    for (hsize_t k = 0; t != NULL && k < time_rows; k++)
        bad += t[k] != (int64_t)k * HOST_PERIOD_NS;
    CHECK_INT_EQ(bad, 0);
    free(t);

    double *v = read_series(file, "/series/host/cpu_util", &rows, &cols);
    CHECK_INT_EQ(rows, host_rows);
    CHECK_INT_EQ(cols, N_HOSTS);
    bad = 0;
    for (hsize_t k = 0; v != NULL && k < rows; k++) {
        for (hsize_t h = 0; h < cols; h++) {
            double got = v[k * cols + h];
            if (k == HOLE_ROW && h == HOLE_ENTITY)
                CHECK(isnan(got));
            else
                bad += got != cpu_value((int64_t)k, (int)h);
        }
    }
    CHECK_INT_EQ(bad, 0);
    free(v);

    v = read_series(file, "/series/host/mem_gib", &rows, &cols);
    CHECK_INT_EQ(rows, host_rows);
    bad = 0;
    for (hsize_t k = 0; v != NULL && k < rows; k++)
        for (hsize_t h = 0; h < cols; h++)
            bad += v[k * cols + h] != mem_value((int64_t)k, (int)h);
    CHECK_INT_EQ(bad, 0);
    free(v);

    int64_t cluster_rows = (END_NS - CLUSTER_START_NS + CLUSTER_PERIOD_NS - 1) / CLUSTER_PERIOD_NS;
    t = read_time_axis(file, "/series/cluster/time_ns", &time_rows);
    CHECK_INT_EQ(time_rows, cluster_rows);
    bad = 0;
    for (hsize_t k = 0; t != NULL && k < time_rows; k++)
        bad += t[k] != CLUSTER_START_NS + (int64_t)k * CLUSTER_PERIOD_NS;
    CHECK_INT_EQ(bad, 0);
    free(t);
    v = read_series(file, "/series/cluster/imbalance", &rows, &cols);
    CHECK_INT_EQ(rows, cluster_rows);
    CHECK_INT_EQ(cols, 2);
    bad = 0;
    for (hsize_t k = 0; v != NULL && k < rows; k++)
        for (hsize_t c = 0; c < cols; c++)
            bad += v[k * cols + c] != imbalance_value((int64_t)k, (int)c);
    CHECK_INT_EQ(bad, 0);
    free(v);

    hid_t ds = H5Dopen2(file, "/series/host/cpu_util", H5P_DEFAULT);
    check_attr_str(ds, "unit", "1");
    check_attr_str(ds, "entity_table", "/tables/hosts");
    hid_t dcpl = H5Dget_create_plist(ds);
    CHECK_INT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
    CHECK(H5Pget_nfilters(dcpl) == 3); /* shuffle + deflate + Fletcher-32 checksum */
    unsigned flags = 0;
    size_t n_values = 0;
    CHECK_INT_EQ(H5Pget_filter2(dcpl, 2, &flags, &n_values, NULL, 0, NULL, NULL), H5Z_FILTER_FLETCHER32);
    H5Pclose(dcpl);
    H5Dclose(ds);
    ds = H5Dopen2(file, "/series/host/mem_gib", H5P_DEFAULT);
    check_attr_str(ds, "entity_table", "/tables/hosts");
    check_attr_str(ds, "unit", "GiB");
    H5Dclose(ds);
    ds = H5Dopen2(file, "/series/cluster/imbalance", H5P_DEFAULT);
    check_attr_str(ds, "unit", "");
    H5Dclose(ds);
    CHECK(H5Lexists(file, "/series/host/power_w", H5P_DEFAULT) == 0);
}

typedef struct {
    int64_t time_ns;
    uint32_t lp;
    uint64_t seq;
    int kind;
    int64_t subject;
    int64_t a;
    int64_t b;
    double value;
} read_event;

/* Reads /events; returns malloc'ed rows, *n their count. */
static read_event *read_events(hid_t file, hsize_t *n, hid_t *kind_type_out)
{
    hid_t ds = H5Dopen2(file, "/events", H5P_DEFAULT);
    CHECK(ds >= 0);
    if (ds < 0)
        return NULL;
    hid_t ftype = H5Dget_type(ds);
    int kind_index = H5Tget_member_index(ftype, "kind");
    hid_t kind_file = H5Tget_member_type(ftype, (unsigned)kind_index);
    CHECK_INT_EQ(H5Tget_class(kind_file), H5T_ENUM);
    hid_t kind_type = H5Tget_native_type(kind_file, H5T_DIR_ASCEND);
    CHECK_INT_EQ(H5Tget_size(kind_type), sizeof(int));
    hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(read_event));
    H5Tinsert(mt, "time_ns", HOFFSET(read_event, time_ns), H5T_NATIVE_INT64);
    H5Tinsert(mt, "lp", HOFFSET(read_event, lp), H5T_NATIVE_UINT32);
    H5Tinsert(mt, "seq", HOFFSET(read_event, seq), H5T_NATIVE_UINT64);
    H5Tinsert(mt, "kind", HOFFSET(read_event, kind), kind_type);
    H5Tinsert(mt, "subject", HOFFSET(read_event, subject), H5T_NATIVE_INT64);
    H5Tinsert(mt, "a", HOFFSET(read_event, a), H5T_NATIVE_INT64);
    H5Tinsert(mt, "b", HOFFSET(read_event, b), H5T_NATIVE_INT64);
    H5Tinsert(mt, "value", HOFFSET(read_event, value), H5T_NATIVE_DOUBLE);
    hid_t space = H5Dget_space(ds);
    hsize_t dims[1] = {0}, max_dims[1] = {0};
    H5Sget_simple_extent_dims(space, dims, max_dims);
    CHECK(max_dims[0] == H5S_UNLIMITED);
    *n = dims[0];
    read_event *rows = calloc(dims[0] + 1, sizeof *rows);
    CHECK(H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    H5Sclose(space);
    H5Tclose(mt);
    H5Tclose(kind_file);
    H5Tclose(ftype);
    H5Dclose(ds);
    *kind_type_out = kind_type;
    return rows;
}

static void check_events(hid_t file, const test_event *expected, int n_expected)
{
    hsize_t n = 0;
    hid_t kind_type = H5I_INVALID_HID;
    read_event *rows = read_events(file, &n, &kind_type);
    if (rows == NULL)
        return;
    CHECK_INT_EQ(n, n_expected);
    CHECK(n > 2 * 1024); /* more than two chunks: some were written during the run */
    int bad = 0, unsorted = 0;
    for (hsize_t i = 0; i < n && i < (hsize_t)n_expected; i++) {
        const read_event *g = &rows[i];
        const test_event *w = &expected[i];
        if (g->time_ns != w->time_ns || g->lp != w->lp || g->seq != w->seq || g->kind != w->kind ||
            g->subject != w->subject || g->a != w->a || g->b != w->b || g->value != w->value) {
            if (bad == 0)
                fprintf(stderr, "  event %llu: got (%lld, %u, %llu), want (%lld, %u, %llu)\n",
                        (unsigned long long)i, (long long)g->time_ns, g->lp,
                        (unsigned long long)g->seq, (long long)w->time_ns, w->lp,
                        (unsigned long long)w->seq);
            bad++;
        }
        if (i > 0 && !(rows[i - 1].time_ns < g->time_ns ||
                       (rows[i - 1].time_ns == g->time_ns && rows[i - 1].lp < g->lp) ||
                       (rows[i - 1].time_ns == g->time_ns && rows[i - 1].lp == g->lp &&
                        rows[i - 1].seq < g->seq)))
            unsorted++;
        if (g->time_ns >= END_NS)
            bad++;
    }
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(unsorted, 0);
    /* the enum carries the kind names */
    char name[64] = "";
    int value = 1;
    CHECK(H5Tenum_nameof(kind_type, &value, name, sizeof name) >= 0);
    CHECK(strcmp(name, "migration") == 0);
    value = 2;
    CHECK(H5Tenum_nameof(kind_type, &value, name, sizeof name) >= 0);
    CHECK(strcmp(name, "failure") == 0);
    H5Tclose(kind_type);
    free(rows);
}

static void test_round_trip(void)
{
    char path[1024], partial[1100];
    path_in_tmp(path, sizeof path, "rec_round_trip.h5");
    partial_path_of(partial, sizeof partial, path);
    remove(path);
    int cap = 100000;
    test_event *expected = malloc((size_t)cap * sizeof *expected);
    int n_expected = write_run(path, 3, expected, cap);
    CHECK(n_expected > 0);
    CHECK(file_exists(path));
    CHECK(!file_exists(partial));

    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file >= 0) {
        check_attr_str(file, "format", "vdcsim");
        CHECK_INT_EQ(read_i64_attr(file, "format_version"), 2);
        check_attr_str(file, "scenario", "hosts = 300;\nseed = 42;\n");
        CHECK_INT_EQ(read_i64_attr(file, "seed"), 43);
        double wall = 0;
        hid_t attr = H5Aopen(file, "wall_s", H5P_DEFAULT);
        CHECK(attr >= 0 && H5Aread(attr, H5T_NATIVE_DOUBLE, &wall) >= 0);
        CHECK_NEAR(wall, 1.25, 0);
        if (attr >= 0)
            H5Aclose(attr);
        check_tables(file);
        check_series(file);
        check_events(file, expected, n_expected);
        H5Fclose(file);
    }
    free(expected);
}

/* Reads a whole dataset's raw bytes in its file type's native form. */
static unsigned char *read_raw(const char *path, const char *dataset, size_t *bytes)
{
    *bytes = 0;
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return NULL;
    hid_t ds = H5Dopen2(file, dataset, H5P_DEFAULT);
    hid_t ftype = H5Dget_type(ds);
    hid_t mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
    hid_t space = H5Dget_space(ds);
    size_t n = (size_t)H5Sget_simple_extent_npoints(space);
    *bytes = n * H5Tget_size(mtype);
    unsigned char *data = calloc(*bytes + 1, 1);
    if (H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        *bytes = 0;
    H5Sclose(space);
    H5Tclose(mtype);
    H5Tclose(ftype);
    H5Dclose(ds);
    H5Fclose(file);
    return data;
}

static void test_same_contents_for_any_thread_count(void)
{
    char one[1024], four[1024];
    path_in_tmp(one, sizeof one, "rec_threads_1.h5");
    path_in_tmp(four, sizeof four, "rec_threads_4.h5");
    int cap = 100000;
    test_event *expected = malloc((size_t)cap * sizeof *expected);
    CHECK(write_run(one, 1, expected, cap) > 0);
    CHECK(write_run(four, 4, expected, cap) > 0);
    free(expected);
    const char *datasets[] = {"/events", "/series/host/cpu_util", "/series/host/mem_gib",
                              "/series/host/time_ns", "/series/cluster/imbalance"};
    for (size_t i = 0; i < sizeof datasets / sizeof *datasets; i++) {
        size_t bytes_one = 0, bytes_four = 0;
        unsigned char *a = read_raw(one, datasets[i], &bytes_one);
        unsigned char *b = read_raw(four, datasets[i], &bytes_four);
        CHECK(bytes_one > 0 && bytes_one == bytes_four);
        int same = a != NULL && b != NULL && bytes_one == bytes_four &&
                   memcmp(a, b, bytes_one) == 0;
        if (!same)
            fprintf(stderr, "  %s differs between 1 and 4 threads\n", datasets[i]);
        CHECK(same);
        free(a);
        free(b);
    }
    remove(one);
    remove(four);
}

static void test_abort_leaves_no_file(void)
{
    char path[1024], partial[1100], err[512];
    path_in_tmp(path, sizeof path, "rec_abort.h5");
    partial_path_of(partial, sizeof partial, path);
    remove(path);
    recorder *r = recorder_open(path, 2, err, sizeof err);
    CHECK(r != NULL);
    if (r == NULL)
        return;
    CHECK(file_exists(partial));
    CHECK(!file_exists(path));
    int s = rec_series_new(r, "host", "cpu", "1", NULL, 4, 0, SIM_NS_PER_S);
    CHECK(s >= 0);
    CHECK_INT_EQ(recorder_window_begin(r, 10 * SIM_NS_PER_S), 0);
    rec_series_put(r, s, 3 * SIM_NS_PER_S, 1, 0.5);
    CHECK_INT_EQ(recorder_window_end(r, 10 * SIM_NS_PER_S), 0);
    recorder_abort(r);
    CHECK(!file_exists(partial));
    CHECK(!file_exists(path));
}

static void test_bad_put_fails_the_window_and_the_close(void)
{
    char path[1024], partial[1100], err[512];
    path_in_tmp(path, sizeof path, "rec_bad_put.h5");
    partial_path_of(partial, sizeof partial, path);
    remove(path);
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (r == NULL)
        return;
    int s = rec_series_new(r, "host", "cpu", "1", NULL, 4, 0, SIM_NS_PER_S);
    CHECK_INT_EQ(recorder_window_begin(r, 5 * SIM_NS_PER_S), 0);
    rec_series_put(r, s, 7 * SIM_NS_PER_S, 0, 1.0); /* beyond the window */
    CHECK_INT_EQ(recorder_window_end(r, 5 * SIM_NS_PER_S), -1);
    CHECK_STR_CONTAINS(recorder_error(r), "/series/host/cpu");
    CHECK_STR_CONTAINS(recorder_error(r), "outside the writable rows");
    CHECK_INT_EQ(recorder_close(r, 5 * SIM_NS_PER_S, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, "/series/host/cpu");
    CHECK(!file_exists(partial));
    CHECK(!file_exists(path));

    r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (r == NULL)
        return;
    s = rec_series_new(r, "host", "cpu", "1", NULL, 4, 0, SIM_NS_PER_S);
    CHECK_INT_EQ(recorder_window_begin(r, 5 * SIM_NS_PER_S), 0);
    rec_series_put(r, s, 1500 * SIM_NS_PER_MS, 0, 1.0); /* off the sample grid */
    CHECK_INT_EQ(recorder_window_end(r, 5 * SIM_NS_PER_S), -1);
    CHECK_STR_CONTAINS(recorder_error(r), "not start");
    recorder_abort(r);
    CHECK(!file_exists(path));
}

static void test_open_in_missing_directory(void)
{
    char err[512] = "";
    const char *path = "/nonexistent-vdcsim-dir/sub/run.h5";
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r == NULL);
    CHECK_STR_CONTAINS(err, path);
    if (r != NULL)
        recorder_abort(r);
}

/* A run with no windows, no kinds and no puts still gives a complete file:
 * empty event log, time axes of the right length, all NaN. */
static void test_empty_run(void)
{
    char path[1024], err[512];
    recorder *r = recorder_in_tmp(path, sizeof path, "rec_empty.h5");
    if (r == NULL)
        return;
    CHECK(rec_series_new(r, "vm", "cpu", "MHz", NULL, 3, 0, SIM_NS_PER_S) >= 0);
    CHECK_INT_EQ(recorder_close(r, 4 * SIM_NS_PER_S, err, sizeof err), 0);
    if (err[0] != '\0')
        fprintf(stderr, "  %s\n", err);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    hsize_t rows = 0, cols = 0;
    double *v = read_series(file, "/series/vm/cpu", &rows, &cols);
    CHECK_INT_EQ(rows, 4);
    CHECK_INT_EQ(cols, 3);
    int nans = 0;
    for (hsize_t i = 0; v != NULL && i < rows * cols; i++)
        nans += isnan(v[i]) ? 1 : 0;
    CHECK_INT_EQ(nans, 12);
    free(v);
    CHECK(H5Lexists(file, "/events", H5P_DEFAULT) > 0);
    H5Fclose(file);
    remove(path);
}

/* The last window may end after the run's end: whatever was already written
 * past end_ns (events in whole chunks, series rows) is cut off at close. */
static void test_close_before_last_window_end(void)
{
    char path[1024], err[512];
    recorder *r = recorder_in_tmp(path, sizeof path, "rec_cut.h5");
    if (r == NULL)
        return;
    int kind = rec_event_kind(r, "tick");
    int s = rec_series_new(r, "host", "cpu", "1", NULL, 1, 0, 10 * SIM_NS_PER_MS);
    CHECK(kind == 0 && s >= 0);
    CHECK_INT_EQ(recorder_window_begin(r, 10 * SIM_NS_PER_S), 0);
    for (int i = 0; i < 3000; i++)
        rec_event(r, 0, (int64_t)i * 3 * SIM_NS_PER_MS, 1, (uint64_t)i, kind, i, 0, 0, 0.0);
    for (int k = 0; k < 1000; k++)
        rec_series_put(r, s, (int64_t)k * 10 * SIM_NS_PER_MS, 0, k);
    CHECK_INT_EQ(recorder_window_end(r, 10 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_close(r, 5 * SIM_NS_PER_S, err, sizeof err), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    hsize_t n = 0;
    hid_t kind_type = H5I_INVALID_HID;
    read_event *rows = read_events(file, &n, &kind_type);
    CHECK_INT_EQ(n, 1667); /* i * 3 ms < 5 s */
    if (rows != NULL && n > 0)
        CHECK_INT_EQ(rows[n - 1].seq, 1666);
    free(rows);
    if (kind_type >= 0)
        H5Tclose(kind_type);
    hsize_t time_rows = 0, cols = 0;
    int64_t *t = read_time_axis(file, "/series/host/time_ns", &time_rows);
    CHECK_INT_EQ(time_rows, 500);
    free(t);
    double *v = read_series(file, "/series/host/cpu", &time_rows, &cols);
    CHECK_INT_EQ(time_rows, 500);
    if (v != NULL && time_rows == 500)
        CHECK_NEAR(v[499], 499.0, 0);
    free(v);
    H5Fclose(file);
    remove(path);
}

/* The burst tests' file: `total` event rows, row i with seq i, subject i,
 * a = -i, b = 2i, value i / 2, at i x gap_ns for the first `burst` and 10 s
 * + (i - burst) x gap_ns after. Removes the file. */
static void check_burst_rows(const char *path, int burst, int total, int64_t gap_ns)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    hsize_t n = 0;
    hid_t kind_type = H5I_INVALID_HID;
    read_event *rows = read_events(file, &n, &kind_type);
    CHECK_INT_EQ(n, total);
    int in_order = rows != NULL;
    for (hsize_t i = 0; rows != NULL && i < n; i++) {
        int64_t t_ns = i < (hsize_t)burst ? (int64_t)i * gap_ns
                                          : 10 * SIM_NS_PER_S + (int64_t)(i - (hsize_t)burst) * gap_ns;
        if (rows[i].seq != i || rows[i].time_ns != t_ns || rows[i].subject != (int64_t)i ||
            rows[i].a != -(int64_t)i || rows[i].b != 2 * (int64_t)i || rows[i].value != 0.5 * (double)i)
            in_order = 0;
    }
    CHECK(in_order);
    free(rows);
    if (kind_type >= 0)
        H5Tclose(kind_type);
    H5Fclose(file);
    remove(path);
}

/* A burst of several whole chunks and a remainder in one window (as the
 * first window's 100,000 power-ons), then a window that completes the
 * remainder's chunk: every row in the file once, in order (the whole chunks
 * are queued from the last one back while the list shrinks). */
static void test_event_burst(void)
{
    char path[1024], err[512];
    recorder *r = recorder_in_tmp(path, sizeof path, "rec_burst.h5");
    if (r == NULL)
        return;
    int kind = rec_event_kind(r, "power_on");
    CHECK(kind == 0);
    const int burst = 5 * 1024 + 37, later = 2000; /* 1024 rows a chunk (rec_internal.h) */
    CHECK_INT_EQ(recorder_window_begin(r, 10 * SIM_NS_PER_S), 0);
    for (int i = 0; i < burst; i++) /* 1 ms apart: row order = seq */
        rec_event(r, 0, (int64_t)i * SIM_NS_PER_MS, 7, (uint64_t)i, kind, i, -i, 2 * i, 0.5 * i);
    CHECK_INT_EQ(recorder_window_end(r, 10 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(r->events_packed_at_queue, 0); /* 5 whole chunks: no more than REC_EVENT_BURST_CHUNKS (64) */
    CHECK_INT_EQ(recorder_window_begin(r, 20 * SIM_NS_PER_S), 0);
    for (int i = burst; i < burst + later; i++) /* 10 s on */
        rec_event(r, 0, 10 * SIM_NS_PER_S + (int64_t)(i - burst) * SIM_NS_PER_MS, 7, (uint64_t)i, kind, i, -i, 2 * i, 0.5 * i);
    CHECK_INT_EQ(recorder_window_end(r, 20 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_close(r, 20 * SIM_NS_PER_S, err, sizeof err), 0);
    check_burst_rows(path, burst, burst + later, SIM_NS_PER_MS);
}

/* A burst logged by three threads at once (rec_events_collect): thread 0's
 * buffer becomes the final list whole, thread 1's is moved into it from its
 * last rows back while it shrinks, thread 2's holds rows of the next window
 * too and is sorted out row by row. Row j: time j x 100 us, seq j, on
 * thread j % 3; thread 2 also logs 300 rows after the first window's end,
 * thread 1 2,000 in the second window. The file holds every row once, in
 * order. */
static void test_event_burst_threads(void)
{
    char path[1024], err[512];
    path_in_tmp(path, sizeof path, "rec_burst3.h5");
    recorder *r = recorder_open(path, 3, err, sizeof err);
    CHECK(r != NULL);
    if (r == NULL)
        return;
    int kind = rec_event_kind(r, "power_on");
    CHECK(kind == 0);
    const int burst = 3 * 23000, ahead = 300, later = 2000; /* 23,000 rows a thread: over one 16,384-row step */
    const int64_t gap_ns = 100 * SIM_NS_PER_US;
    CHECK_INT_EQ(recorder_window_begin(r, 10 * SIM_NS_PER_S), 0);
    for (int j = 0; j < burst; j++)
        rec_event(r, j % 3, (int64_t)j * gap_ns, 7, (uint64_t)j, kind, j, -j, 2 * j, 0.5 * j);
    for (int j = burst; j < burst + ahead; j++) /* after the window's end: stays in thread 2's buffer */
        rec_event(r, 2, 10 * SIM_NS_PER_S + (int64_t)(j - burst) * gap_ns, 7, (uint64_t)j, kind, j, -j, 2 * j,
                  0.5 * j);
    CHECK_INT_EQ(recorder_window_end(r, 10 * SIM_NS_PER_S), 0);
    /* thread 0's buffer is swapped in whole; at least thread 1's cannot hold
     * the 23,000 rows already final in front of its own in a buffer grown
     * by doubling to 32,768, so it takes the shrinking move */
    CHECK(r->events_moved_shrinking >= 1);
    /* 69,000 final rows are 67 whole chunks (1,024 rows each), more than
     * REC_EVENT_BURST_CHUNKS (64): packed as they are queued (when chunks are
     * written directly) */
    if (rec_chunk_native())
        CHECK_INT_EQ(r->events_packed_at_queue, 67);
    CHECK_INT_EQ(recorder_window_begin(r, 20 * SIM_NS_PER_S), 0);
    for (int j = burst + ahead; j < burst + ahead + later; j++)
        rec_event(r, 1, 10 * SIM_NS_PER_S + (int64_t)(j - burst) * gap_ns, 7, (uint64_t)j, kind, j, -j, 2 * j,
                  0.5 * j);
    CHECK_INT_EQ(recorder_window_end(r, 20 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_close(r, 20 * SIM_NS_PER_S, err, sizeof err), 0);
    check_burst_rows(path, burst, burst + ahead + later, gap_ns);
}

/* A window that ends at SIM_TIME_NEVER neither hangs nor fills memory, and
 * close cuts everything back to the run's real end. */
static void test_window_to_the_end_of_time(void)
{
    char path[1024], err[512];
    recorder *r = recorder_in_tmp(path, sizeof path, "rec_never.h5");
    if (r == NULL)
        return;
    int s = rec_series_new(r, "vm", "cpu", "MHz", NULL, 3, 0, SIM_NS_PER_S);
    CHECK_INT_EQ(recorder_window_begin(r, SIM_TIME_NEVER), 0);
    rec_series_put(r, s, 2 * SIM_NS_PER_S, 1, 42.0);
    CHECK_INT_EQ(recorder_window_end(r, SIM_TIME_NEVER), 0);
    CHECK_INT_EQ(recorder_close(r, 4 * SIM_NS_PER_S, err, sizeof err), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    hsize_t rows = 0, cols = 0;
    double *v = read_series(file, "/series/vm/cpu", &rows, &cols);
    CHECK_INT_EQ(rows, 4);
    if (v != NULL && rows == 4 && cols == 3) {
        CHECK_NEAR(v[2 * 3 + 1], 42.0, 0);
        CHECK(isnan(v[2 * 3 + 2]) && isnan(v[3 * 3 + 1]));
    }
    free(v);
    int64_t *t = read_time_axis(file, "/series/vm/time_ns", &rows);
    CHECK_INT_EQ(rows, 4);
    if (t != NULL && rows == 4)
        CHECK_INT_EQ(t[3], 3 * SIM_NS_PER_S);
    free(t);
    H5Fclose(file);
    remove(path);
}

/* recorder_end_series (issue 18, memory): the series are written up to the
 * end given, exactly as recorder_close would; puts afterwards fail the
 * recorder. A 10,000-entity group, wider than the 2,048 entities of
 * REC_SERIES_WIDE_ENTITIES, gets chunks of 4 rows x 1024 columns. */
static void test_end_series_before_close(void)
{
    char path[1024], err[512];
    recorder *r = recorder_in_tmp(path, sizeof path, "rec_end_series.h5");
    if (r == NULL)
        return;
    int s = rec_series_new(r, "host", "cpu", "1", NULL, 10000, 0, SIM_NS_PER_S);
    int total = rec_series_new_total(r, "cluster", "cpu", "1", s);
    CHECK(s >= 0 && total >= 0);
    CHECK_INT_EQ(recorder_window_begin(r, 40 * SIM_NS_PER_S), 0);
    /* rows 0..39 of entity 9999 and row 39 of entity 0 */
    for (int k = 0; k < 40; k++)
        rec_series_put(r, s, (int64_t)k * SIM_NS_PER_S, 9999, k);
    rec_series_put(r, s, 39 * SIM_NS_PER_S, 0, 1000.0);
    CHECK_INT_EQ(recorder_window_end(r, 40 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_end_series(r, 35 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_end_series(r, 35 * SIM_NS_PER_S), 0); /* the same end again: no-op */
    CHECK_INT_EQ(recorder_close(r, 35 * SIM_NS_PER_S, err, sizeof err), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    hsize_t rows = 0, cols = 0;
    double *v = read_series(file, "/series/host/cpu", &rows, &cols);
    CHECK_INT_EQ(rows, 35);
    CHECK_INT_EQ(cols, 10000);
    if (v != NULL && rows == 35 && cols == 10000) {
        CHECK_NEAR(v[34 * 10000 + 9999], 34.0, 0);
        CHECK(isnan(v[34 * 10000])); /* row 39 of entity 0 was cut */
    }
    free(v);
    v = read_series(file, "/series/cluster/cpu", &rows, &cols);
    CHECK_INT_EQ(rows, 35);
    if (v != NULL && rows == 35)
        CHECK_NEAR(v[20], 20.0, 0);
    free(v);
    hid_t ds = H5Dopen2(file, "/series/host/cpu", H5P_DEFAULT);
    hid_t dcpl = ds >= 0 ? H5Dget_create_plist(ds) : H5I_INVALID_HID;
    hsize_t chunk[2] = {0, 0};
    CHECK(dcpl >= 0 && H5Pget_chunk(dcpl, 2, chunk) == 2);
    CHECK_INT_EQ(chunk[0], 4);
    CHECK_INT_EQ(chunk[1], 1024);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (ds >= 0)
        H5Dclose(ds);
    H5Fclose(file);
    remove(path);

    /* a put after the end fails the recorder, and so the close */
    r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (r == NULL)
        return;
    s = rec_series_new(r, "host", "cpu", "1", NULL, 2, 0, SIM_NS_PER_S);
    CHECK_INT_EQ(recorder_window_begin(r, 2 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_window_end(r, 2 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_end_series(r, 2 * SIM_NS_PER_S), 0);
    CHECK(recorder_end_series(r, 3 * SIM_NS_PER_S) != 0); /* another end */
    CHECK(rec_series_new(r, "host", "mem", "1", NULL, 2, 0, SIM_NS_PER_S) < 0);
    rec_series_put(r, s, SIM_NS_PER_S, 0, 1.0);
    CHECK(recorder_close(r, 2 * SIM_NS_PER_S, err, sizeof err) != 0);
    CHECK(strstr(err, "after recorder_end_series") != NULL);
    CHECK(access(path, F_OK) != 0);
}

/* Checks series `path` of `file`: `want_rows` rows of `want_cols` columns
 * (0: any), the cells at row-major indexes cell[0..n) hold want[0..n), every
 * other cell is NaN. */
static void check_series_cells(hid_t file, const char *path, hsize_t want_rows, hsize_t want_cols,
                               const hsize_t *cell, const double *want, int n)
{
    hsize_t rows = 0, cols = 0;
    double *v = read_series(file, path, &rows, &cols);
    CHECK_INT_EQ(rows, want_rows);
    if (want_cols)
        CHECK_INT_EQ(cols, want_cols);
    CHECK(v != NULL);
    for (hsize_t i = 0; v != NULL && i < rows * cols; i++) {
        int k = 0;
        while (k < n && cell[k] != i)
            k++;
        if (k < n)
            CHECK(v[i] == want[k]);
        else
            CHECK(isnan(v[i]));
    }
    free(v);
}

/* A recorder at `path` with one series (`group`/`name`, 4 entities, 1 s
 * samples) in its window to 3 s; NULL (checked) if it cannot open. */
static recorder *open_one_series(const char *path, const char *group, const char *name, int *id)
{
    char err[512];
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (r == NULL)
        return NULL;
    *id = rec_series_new(r, group, name, "1", NULL, 4, 0, SIM_NS_PER_S);
    CHECK_INT_EQ(recorder_window_begin(r, 3 * SIM_NS_PER_S), 0);
    return r;
}

/* The window of r, in which a bad put was made, ends in an error naming
 * `why`; aborting leaves no file at `path`. */
static void check_window_refused(recorder *r, const char *path, const char *why)
{
    CHECK_INT_EQ(recorder_window_end(r, 3 * SIM_NS_PER_S), -1);
    CHECK_STR_CONTAINS(recorder_error(r), why);
    recorder_abort(r);
    CHECK(!file_exists(path));
}

/* rec_series_put_each: several series of one entity at one time, across
 * two groups, ids < 0 skipped; each cell holds its own value, every other
 * cell stays NaN; an off-grid time is refused as rec_series_put refuses it. */
static void test_put_each(void)
{
    char path[1024], err[512];
    recorder *r = recorder_in_tmp(path, sizeof path, "rec_put_each.h5");
    if (r == NULL)
        return;
    int a = rec_series_new(r, "host", "a", "1", NULL, 4, 0, SIM_NS_PER_S);
    int b = rec_series_new(r, "host", "b", "1", NULL, 4, 0, SIM_NS_PER_S);
    int c = rec_series_new(r, "vm", "c", "1", NULL, 3, 0, SIM_NS_PER_S);
    CHECK(a >= 0 && b >= 0 && c >= 0);
    CHECK_INT_EQ(recorder_window_begin(r, 3 * SIM_NS_PER_S), 0);
    const int ids[4] = {a, -1, c, b};
    const double vals[4] = {1.5, 99.0, 2.5, 3.5};
    rec_series_put_each(r, ids, vals, 4, 2 * SIM_NS_PER_S, 1);
    CHECK_INT_EQ(recorder_window_end(r, 3 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_close(r, 3 * SIM_NS_PER_S, err, sizeof err), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    /* row 2 (t = 2 s), entity 1: cell 2 * cols + 1 (4 columns, 3 for vm) */
    const hsize_t host_cell[1] = {2 * 4 + 1}, vm_cell[1] = {2 * 3 + 1};
    check_series_cells(file, "/series/host/a", 3, 4, host_cell, (const double[]){1.5}, 1);
    check_series_cells(file, "/series/host/b", 3, 4, host_cell, (const double[]){3.5}, 1);
    check_series_cells(file, "/series/vm/c", 3, 3, vm_cell, (const double[]){2.5}, 1);
    H5Fclose(file);
    remove(path);

    if ((r = open_one_series(path, "host", "a", &a)) == NULL)
        return;
    rec_series_put_each(r, &a, vals, 1, 1500 * SIM_NS_PER_MS, 0); /* off the sample grid */
    check_window_refused(r, path, "not start");
}

static void count_watch(void *arg, sim_time_ns t_ns, int entity, double value)
{
    (void)t_ns;
    (void)entity;
    (void)value;
    (*(int *)arg)++;
}

/* rec_series_put_each called again and again as a host's samples call it
 * (the same series, the next entity of the chunk): the thread's cache of
 * the call's blocks (rec_series.c) must store every value where the first
 * call would, across a window end (its blocks may go), a different series
 * list, and a watch added between two calls (which must see the later
 * puts). Cell (row, entity) of a is 10 row + entity, of b 100 + 10 row +
 * entity; c holds one value, 7, at row 1, entity 2. */
static void test_put_each_repeated(void)
{
    char path[1024], err[512];
    recorder *r = recorder_in_tmp(path, sizeof path, "rec_put_each_rep.h5");
    if (r == NULL)
        return;
    int a = rec_series_new(r, "host", "a", "1", NULL, 4, 0, SIM_NS_PER_S);
    int b = rec_series_new(r, "host", "b", "1", NULL, 4, 0, SIM_NS_PER_S);
    int c = rec_series_new(r, "host", "c", "1", NULL, 4, 0, SIM_NS_PER_S);
    CHECK(a >= 0 && b >= 0 && c >= 0);
    const int ids[3] = {a, -1, b};
    int watched = 0;
    for (int row = 0; row < 2; row++) {
        CHECK_INT_EQ(recorder_window_begin(r, (row + 1) * SIM_NS_PER_S), 0);
        for (int e = 0; e < 4; e++) {
            const double vals[3] = {10.0 * row + e, -1.0, 100.0 + 10.0 * row + e};
            rec_series_put_each(r, ids, vals, 3, row * SIM_NS_PER_S, e);
            if (row == 1 && e == 0)
                CHECK_INT_EQ(rec_series_watch(r, b, count_watch, &watched), 0);
            if (row == 1 && e == 1) {
                const double seven = 7.0;
                rec_series_put_each(r, &c, &seven, 1, SIM_NS_PER_S, 2);
            }
        }
        CHECK_INT_EQ(recorder_window_end(r, (row + 1) * SIM_NS_PER_S), 0);
    }
    CHECK_INT_EQ(watched, 3); /* b's puts of row 1 after the watch: entities 1, 2, 3 */
    CHECK_INT_EQ(recorder_close(r, 2 * SIM_NS_PER_S, err, sizeof err), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    const hsize_t all[8] = {0, 1, 2, 3, 4, 5, 6, 7}, c_cell[1] = {1 * 4 + 2};
    check_series_cells(file, "/series/host/a", 2, 4, all, (const double[]){0, 1, 2, 3, 10, 11, 12, 13}, 8);
    check_series_cells(file, "/series/host/b", 2, 4, all,
                       (const double[]){100, 101, 102, 103, 110, 111, 112, 113}, 8);
    check_series_cells(file, "/series/host/c", 2, 4, c_cell, (const double[]){7.0}, 1);
    H5Fclose(file);
    remove(path);
}

/* Three callers alternate on one thread, as a host's sample (18 series)
 * and the failure feature's one (host/up) do: lists {a, b} and {c} (by
 * rec_series_put) for every entity, and {d} for entities 1 and 3 only,
 * which takes a cache way from one of the others. Over two windows every
 * cell holds its own value (hand-computed); a put stored through another
 * list's cached blocks would land in the wrong series. */
static void test_put_alternating(void)
{
    char path[1024], err[512];
    recorder *r = recorder_in_tmp(path, sizeof path, "rec_put_alternating.h5");
    if (r == NULL)
        return;
    int a = rec_series_new(r, "host", "a", "1", NULL, 4, 0, SIM_NS_PER_S);
    int b = rec_series_new(r, "host", "b", "1", NULL, 4, 0, SIM_NS_PER_S);
    int c = rec_series_new(r, "host", "c", "1", NULL, 4, 0, SIM_NS_PER_S);
    int d = rec_series_new(r, "host", "d", "1", NULL, 4, 0, SIM_NS_PER_S);
    CHECK(a >= 0 && b >= 0 && c >= 0 && d >= 0);
    const int ab[2] = {a, b};
    for (int row = 0; row < 2; row++) {
        CHECK_INT_EQ(recorder_window_begin(r, (row + 1) * SIM_NS_PER_S), 0);
        for (int e = 0; e < 4; e++) {
            const double vals[2] = {10.0 * row + e, 100.0 + 10.0 * row + e};
            rec_series_put_each(r, ab, vals, 2, row * SIM_NS_PER_S, e);
            rec_series_put(r, c, row * SIM_NS_PER_S, e, 200.0 + 10.0 * row + e);
            if (e % 2 == 1) {
                const double v = 300.0 + 10.0 * row + e;
                rec_series_put_each(r, &d, &v, 1, row * SIM_NS_PER_S, e);
            }
        }
        CHECK_INT_EQ(recorder_window_end(r, (row + 1) * SIM_NS_PER_S), 0);
    }
    CHECK_INT_EQ(recorder_close(r, 2 * SIM_NS_PER_S, err, sizeof err), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    const hsize_t all[8] = {0, 1, 2, 3, 4, 5, 6, 7}, odd[4] = {1, 3, 5, 7};
    check_series_cells(file, "/series/host/a", 2, 4, all, (const double[]){0, 1, 2, 3, 10, 11, 12, 13}, 8);
    check_series_cells(file, "/series/host/b", 2, 4, all,
                       (const double[]){100, 101, 102, 103, 110, 111, 112, 113}, 8);
    check_series_cells(file, "/series/host/c", 2, 4, all,
                       (const double[]){200, 201, 202, 203, 210, 211, 212, 213}, 8);
    check_series_cells(file, "/series/host/d", 2, 4, odd, (const double[]){301, 303, 311, 313}, 4); /* even: NaN */
    H5Fclose(file);
    remove(path);
}

/* rec_series_put_entities: two entities (3 then 0) of series c (group vm)
 * and d (group vm), -1 skipped, values entity-major; each cell holds its
 * own value, every other cell stays NaN; an entity out of range is refused
 * as rec_series_put refuses it. */
static void test_put_entities(void)
{
    char path[1024], err[512];
    recorder *r = recorder_in_tmp(path, sizeof path, "rec_put_entities.h5");
    if (r == NULL)
        return;
    int c = rec_series_new(r, "vm", "c", "1", NULL, 4, 0, SIM_NS_PER_S);
    int d = rec_series_new(r, "vm", "d", "1", NULL, 4, 0, SIM_NS_PER_S);
    CHECK(c >= 0 && d >= 0);
    CHECK_INT_EQ(recorder_window_begin(r, 3 * SIM_NS_PER_S), 0);
    const int ids[3] = {c, -1, d};
    const uint32_t entities[2] = {3, 0};
    const double vals[6] = {1.5, 99.0, 2.5, /* entity 3 */ 3.5, 98.0, 4.5 /* entity 0 */};
    rec_series_put_entities(r, ids, 3, entities, 2, vals, SIM_NS_PER_S);
    CHECK_INT_EQ(recorder_window_end(r, 3 * SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_close(r, 3 * SIM_NS_PER_S, err, sizeof err), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file < 0)
        return;
    /* row 1 (t = 1 s): entity 3 at cell 1 * 4 + 3, entity 0 at 1 * 4 + 0 */
    const hsize_t cells[2] = {1 * 4 + 3, 1 * 4 + 0};
    check_series_cells(file, "/series/vm/c", 3, 4, cells, (const double[]){1.5, 3.5}, 2);
    check_series_cells(file, "/series/vm/d", 3, 4, cells, (const double[]){2.5, 4.5}, 2);
    H5Fclose(file);
    remove(path);

    if ((r = open_one_series(path, "vm", "c", &c)) == NULL)
        return;
    const uint32_t outside[1] = {4};
    rec_series_put_entities(r, &c, 1, outside, 1, vals, SIM_NS_PER_S);
    check_window_refused(r, path, "out of range");
}

int main(void)
{
    test_round_trip();
    test_same_contents_for_any_thread_count();
    test_abort_leaves_no_file();
    test_bad_put_fails_the_window_and_the_close();
    test_open_in_missing_directory();
    test_empty_run();
    test_close_before_last_window_end();
    test_event_burst();
    test_event_burst_threads();
    test_window_to_the_end_of_time();
    test_end_series_before_close();
    test_put_each();
    test_put_each_repeated();
    test_put_alternating();
    test_put_entities();
    return CHECK_DONE();
}
