/* run_summary.c - the one-screen summary of a run file (see run_summary.h,
 * docs/analysis.md). */
#include "analysis/run_summary.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/availability.h"
#include "analysis/h5_read.h"
#include "analysis/series_scan.h"
#include "analysis/series_cells.h"
#include "sim/time.h"

/* Values held by one block of a series read: about 512 KiB of doubles. */
#define SERIES_BLOCK_VALUES 65536
#define TABLE_BLOCK_ROWS 4096

#define HOSTS_PATH "/tables/hosts"
#define VMS_PATH "/tables/vms"
#define HOST_GROUP "/series/host"
#define PODS_PATH "/tables/pods"
#define SERVICES_PATH "/tables/services"
#define SERVICE_P99_PATH "/series/service/latency_p99_ns"

typedef struct {
    const char *path; /* the file, for messages */
    char *err;
    size_t err_len;
} ctx;

static int fail(const ctx *c, const char *what)
{
    /* `what` names the dataset; prefix the file. */
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", what);
    snprintf(c->err, c->err_len, "%s: %s", c->path, tmp);
    return -1;
}

/* Rewrites control bytes (and DEL) of a string read from the file as
 * \xHH, in place, truncating to fit: a crafted name must not drive the
 * terminal the summary is printed on. */
static void escape_controls(char *text, size_t cap)
{
    char out[1024];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && o + 5 < sizeof out; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02x", *p);
        else
            out[o++] = (char)*p;
    }
    out[o] = '\0';
    snprintf(text, cap, "%s", out);
}

static void read_run_attributes(hid_t file, run_summary *s)
{
    h5r_attr_str(file, "vdcsim_version", s->vdcsim_version, sizeof s->vdcsim_version);
    h5r_attr_str(file, "scenario_path", s->scenario_path, sizeof s->scenario_path);
    escape_controls(s->vdcsim_version, sizeof s->vdcsim_version);
    escape_controls(s->scenario_path, sizeof s->scenario_path);
    s->has_seed = h5r_attr_i64(file, "seed", &s->seed) == 1;
    s->has_threads = h5r_attr_i64(file, "threads", &s->threads) == 1;
    s->has_until = h5r_attr_i64(file, "until_ns", &s->until_ns) == 1;
    s->has_end = h5r_attr_i64(file, "end_ns", &s->end_ns) == 1;
    s->has_wall_time = h5r_attr_f64(file, "wall_time_s", &s->wall_time_s) == 1;
    s->has_events = h5r_attr_i64(file, "events", &s->events) == 1;
    s->has_events_per_s = h5r_attr_f64(file, "events_per_s", &s->events_per_s) == 1;
    s->has_windows = h5r_attr_i64(file, "windows", &s->windows) == 1;
    s->has_lp_count = h5r_attr_i64(file, "lp_count", &s->lp_count) == 1;
    s->has_gpu = h5r_attr_f64(file, "gpu_allocation_ratio", &s->gpu_allocation_ratio) == 1 &&
                 h5r_attr_i64(file, "gpu_placed_pods", &s->gpu_placed_pods) == 1 &&
                 h5r_attr_i64(file, "gpu_failed_pods", &s->gpu_failed_pods) == 1;
    s->has_dlrm = h5r_attr_i64(file, "dlrm_placed_instances", &s->dlrm_placed) == 1 &&
                  h5r_attr_i64(file, "dlrm_placed_after_wait", &s->dlrm_placed_after_wait) == 1 &&
                  h5r_attr_i64(file, "dlrm_failed_instances", &s->dlrm_failed) == 1 &&
                  h5r_attr_f64(file, "dlrm_gpu_allocation_ratio", &s->dlrm_gpu_allocation_ratio) == 1;
}

/* Sums the hosts table; *capacity gets a malloc'ed per-host capacity (MHz). */
static int read_hosts(hid_t file, run_summary *s, double **capacity, const ctx *c)
{
    *capacity = NULL;
    if (!h5r_exists(file, HOSTS_PATH))
        return 0;
    char msg[512];
    hsize_t rows = 0;
    hid_t ds = h5r_open_dataset(file, HOSTS_PATH, 1, &rows, msg, sizeof msg);
    if (ds < 0)
        return fail(c, msg);
    size_t cap_bytes = h5r_array_bytes(rows + 1, sizeof(double));
    double *cap = cap_bytes ? malloc(cap_bytes) : NULL;
    int64_t *block = malloc(TABLE_BLOCK_ROWS * sizeof *block);
    int rc = 0;
    if (!cap || !block) {
        rc = fail(c, HOSTS_PATH ": out of memory");
        goto done;
    }
    s->hosts = (int64_t)rows;
    if (h5r_table_column_f64(ds, HOSTS_PATH, "cpu_capacity_mhz", 0, rows, cap, msg, sizeof msg) != 0) {
        rc = fail(c, msg);
        goto done;
    }
    for (hsize_t i = 0; i < rows; i++)
        if (isfinite(cap[i]))
            s->cpu_capacity_mhz += cap[i];
    for (hsize_t start = 0; start < rows; start += TABLE_BLOCK_ROWS) {
        hsize_t n = rows - start < TABLE_BLOCK_ROWS ? rows - start : TABLE_BLOCK_ROWS;
        if (h5r_table_column_i64(ds, HOSTS_PATH, "cores", start, n, block, msg, sizeof msg) != 0) {
            rc = fail(c, msg);
            goto done;
        }
        for (hsize_t k = 0; k < n; k++)
            s->cores += block[k];
        if (h5r_table_column_i64(ds, HOSTS_PATH, "memory_mib", start, n, block, msg, sizeof msg) != 0) {
            rc = fail(c, msg);
            goto done;
        }
        for (hsize_t k = 0; k < n; k++)
            s->memory_mib += block[k];
    }
done:
    free(block);
    if (rc == 0)
        *capacity = cap;
    else
        free(cap);
    H5Dclose(ds);
    return rc;
}

static int read_vms(hid_t file, run_summary *s, const ctx *c)
{
    char msg[512];
    if (h5r_exists(file, VMS_PATH)) {
        hsize_t rows = 0;
        hid_t ds = h5r_open_dataset(file, VMS_PATH, 1, &rows, msg, sizeof msg);
        if (ds < 0)
            return fail(c, msg);
        H5Dclose(ds);
        s->vms = (int64_t)rows;
    }
    static const char *const kinds[] = {"vm_placed", "vm_placement_failed", "vm_started"};
    int64_t counts[3];
    int rc = h5r_event_kind_counts(file, kinds, 3, counts, msg, sizeof msg);
    if (rc < 0)
        return fail(c, msg);
    s->has_events_log = rc == 1;
    s->vms_placed = counts[0];
    s->vm_placement_failures = counts[1];
    s->vms_started = counts[2];
    return 0;
}

/* Opens HOST_GROUP/<name>; 1 opened, 0 absent, -1 error (shape mismatch). */
static int open_series(hid_t file, const char *name, hsize_t samples, hsize_t hosts, hid_t *ds,
                       const ctx *c)
{
    char path[256], msg[512];
    snprintf(path, sizeof path, HOST_GROUP "/%s", name);
    if (!h5r_exists(file, path))
        return 0;
    hsize_t dims[2] = {0, 0};
    *ds = h5r_open_dataset(file, path, 2, dims, msg, sizeof msg);
    if (*ds < 0)
        return fail(c, msg);
    if (dims[0] != samples || dims[1] != hosts) {
        H5Dclose(*ds);
        snprintf(msg, sizeof msg,
                 "%s: shape [%llu, %llu] does not match %llu samples of " HOST_GROUP
                 "/time_ns and %llu rows of " HOSTS_PATH,
                 path, (unsigned long long)dims[0], (unsigned long long)dims[1], (unsigned long long)samples,
                 (unsigned long long)hosts);
        return fail(c, msg);
    }
    return 1;
}

/* Streams HOST_GROUP/<name> (analysis/series_scan.h). capacity (may be
 * NULL) turns on the per-host peak ratio. Returns 1 scanned, 0 absent, -1
 * error. */
static int scan_series(hid_t file, const char *name, hsize_t samples, hsize_t first_row, hsize_t hosts,
                       const double *capacity, series_scan *out, const ctx *c)
{
    *out = (series_scan){.mean = NAN, .peak = NAN, .peak_row = -1, .best_host = -1, .best_ratio = NAN,
                         .best_row = -1, .last_total = NAN};
    hid_t ds;
    int rc = open_series(file, name, samples, hosts, &ds, c);
    if (rc <= 0)
        return rc;
    char path[256], msg[512];
    snprintf(path, sizeof path, HOST_GROUP "/%s", name);
    /* Without capacity only the per-sample totals count: the recorder's
     * total series holds them, one column instead of every host's */
    rc = capacity ? 0 : series_scan_total(file, ds, path, samples, first_row, out, msg, sizeof msg);
    if (rc == 0)
        rc = series_scan_rows(ds, path, samples, first_row, hosts, capacity, out, msg, sizeof msg) == 0 ? 1 : -1;
    if (rc < 0)
        rc = fail(c, msg);
    H5Dclose(ds);
    return rc;
}

/* Reads only the last row of HOST_GROUP/<name>: its total over hosts. */
static int last_row_total(hid_t file, const char *name, hsize_t samples, hsize_t hosts, double *total,
                          const ctx *c)
{
    *total = NAN;
    hid_t ds;
    int rc = open_series(file, name, samples, hosts, &ds, c);
    if (rc <= 0 || samples == 0) {
        if (rc > 0)
            H5Dclose(ds);
        return rc;
    }
    size_t row_bytes = h5r_array_bytes(hosts + 1, sizeof(double));
    double *row = row_bytes ? malloc(row_bytes) : NULL;
    if (!row) {
        H5Dclose(ds);
        return fail(c, "out of memory reading " HOST_GROUP);
    }
    if (h5r_read_rows_f64(ds, samples - 1, 1, hosts, row) != 0) {
        char msg[512];
        snprintf(msg, sizeof msg, HOST_GROUP "/%s: cannot read the last row", name);
        rc = fail(c, msg);
    } else {
        double sum = 0.0;
        int any = 0;
        for (hsize_t h = 0; h < hosts; h++)
            if (!isnan(row[h])) {
                sum += row[h];
                any = 1;
            }
        *total = any ? sum : NAN;
    }
    free(row);
    H5Dclose(ds);
    return rc;
}

static double pct(double value, double capacity)
{
    return capacity > 0.0 && isfinite(value) ? 100.0 * value / capacity : NAN;
}

/* The time of sample `row`; read_host_series has checked that the last
 * row's time fits an int64, so no row overflows. */
static int64_t row_time(const run_summary *s, int64_t row)
{
    return row < 0 ? -1 : s->sample_start_ns + row * s->sample_period_ns;
}

/* The contention model's series: CPU ready, memory reclamation, power. */
static int read_contention_series(hid_t file, run_summary *s, hsize_t samples, hsize_t hosts, const ctx *c)
{
    static const struct {
        const char *name;
        size_t offset;
    } means[] = {
        {"cpu_useful_mhz", offsetof(run_summary, cpu_useful_mean_mhz)},
        {"memory_consumed_mib", offsetof(run_summary, memory_consumed_mean_mib)},
        {"memory_active_mib", offsetof(run_summary, memory_active_mean_mib)},
        {"memory_shared_mib", offsetof(run_summary, memory_shared_mean_mib)},
        {"memory_ballooned_mib", offsetof(run_summary, memory_ballooned_mean_mib)},
        {"memory_compressed_mib", offsetof(run_summary, memory_compressed_mean_mib)},
    };
    hsize_t first = (hsize_t)s->stats_first_row;
    series_scan scan;
    for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
        if (scan_series(file, means[i].name, samples, first, hosts, NULL, &scan, c) < 0)
            return -1;
        *(double *)((char *)s + means[i].offset) = scan.mean;
    }
    if (scan_series(file, "memory_swapped_mib", samples, first, hosts, NULL, &scan, c) < 0)
        return -1;
    s->memory_swapped_mean_mib = scan.mean;
    s->memory_swapped_peak_mib = scan.peak;
    int rc = scan_series(file, "power_w", samples, 0, hosts, NULL, &scan, c); /* idle hosts draw power too */
    if (rc < 0)
        return -1;
    s->power_mean_w = scan.mean;
    s->power_peak_w = scan.peak;
    if (rc == 1 && scan.valid_rows > 0)
        s->energy_kwh = scan.mean * (double)scan.valid_rows * ((double)s->sample_period_ns * 1e-9) / 3.6e6;

    cell_stats cells;
    char msg[512];
    if (h5r_cell_stats(file, HOST_GROUP "/cpu_ready_pct", first, 0.95, 0.0, 100.0, 100000, &cells, msg, sizeof msg) < 0)
        return fail(c, msg);
    s->cpu_ready_host_mean_pct = cells.mean;
    s->cpu_ready_host_peak_pct = cells.max;
    if (h5r_cell_stats(file, "/series/vm/cpu_ready_pct", first, 0.95, 0.0, 100.0, 100000, &cells, msg, sizeof msg) < 0)
        return fail(c, msg);
    s->cpu_ready_vm_p95_pct = cells.quantile;
    return 0;
}

static int read_host_series(hid_t file, run_summary *s, const double *capacity, const ctx *c)
{
    if (!h5r_exists(file, HOST_GROUP "/time_ns"))
        return 0;
    hid_t group = H5Gopen2(file, HOST_GROUP, H5P_DEFAULT);
    if (group < 0)
        return fail(c, HOST_GROUP ": cannot open the group");
    int ok = h5r_attr_i64(group, "start_ns", &s->sample_start_ns) == 1 &&
             h5r_attr_i64(group, "period_ns", &s->sample_period_ns) == 1;
    H5Gclose(group);
    if (!ok)
        return fail(c, HOST_GROUP ": attributes start_ns and period_ns missing or not integers");
    char msg[512];
    hsize_t samples = 0;
    hid_t t = h5r_open_dataset(file, HOST_GROUP "/time_ns", 1, &samples, msg, sizeof msg);
    if (t < 0)
        return fail(c, msg);
    H5Dclose(t);
    /* Sample times are start + row * period: refuse values whose last
     * sample time would not fit an int64 instead of overflowing. */
    int64_t last_offset = 0, last_time = 0;
    if (s->sample_start_ns < 0 || s->sample_period_ns <= 0 ||
        (samples > 0 && (__builtin_mul_overflow((int64_t)(samples - 1), s->sample_period_ns, &last_offset) ||
                         __builtin_add_overflow(s->sample_start_ns, last_offset, &last_time)))) {
        snprintf(msg, sizeof msg,
                 HOST_GROUP ": start_ns %" PRId64 " and period_ns %" PRId64 " for %llu samples: need start_ns >= 0, "
                            "period_ns > 0 and every sample time below 2^63 ns",
                 s->sample_start_ns, s->sample_period_ns, (unsigned long long)samples);
        return fail(c, msg);
    }
    s->has_host_series = 1;
    s->samples = (int64_t)samples;
    s->last_sample_time_ns = samples > 0 ? row_time(s, (int64_t)samples - 1) : -1;
    hsize_t hosts = (hsize_t)s->hosts;
    /* rows before the workload starts describe an empty cluster (series_scan.h) */
    hsize_t first = 0;
    if (series_first_workload_row(file, &first, msg, sizeof msg) < 0)
        return fail(c, msg);
    s->stats_first_row = (int64_t)first;

    series_scan scan;
    if (scan_series(file, "cpu_demand_mhz", samples, first, hosts, NULL, &scan, c) < 0)
        return -1;
    s->cpu_demand_mean_mhz = scan.mean;
    s->cpu_demand_peak_mhz = scan.peak;
    s->cpu_demand_peak_time_ns = row_time(s, scan.peak_row);

    if (scan_series(file, "cpu_usage_mhz", samples, first, hosts, capacity, &scan, c) < 0)
        return -1;
    s->cpu_usage_mean_mhz = scan.mean;
    s->cpu_usage_peak_mhz = scan.peak;
    s->cpu_usage_peak_time_ns = row_time(s, scan.peak_row);
    s->busiest_host = scan.best_host;
    s->busiest_host_peak_pct = scan.best_host >= 0 ? 100.0 * scan.best_ratio : NAN;
    s->busiest_host_peak_time_ns = row_time(s, scan.best_row);
    if (scan.best_host >= 0) {
        hid_t ds = H5Dopen2(file, HOSTS_PATH, H5P_DEFAULT);
        int rc = ds >= 0 ? h5r_table_column_str(ds, HOSTS_PATH, "name", (hsize_t)scan.best_host,
                                                s->busiest_host_name, sizeof s->busiest_host_name, msg,
                                                sizeof msg)
                         : -1;
        if (ds >= 0)
            H5Dclose(ds);
        if (rc != 0) /* a damaged name would be printed wrong: refuse */
            return fail(c, msg);
        /* host names are never empty (hosts.[].name): an empty one is a
         * damaged string, whose global-heap storage carries no checksum */
        if (s->busiest_host_name[0] == '\0')
            return fail(c, HOSTS_PATH ": an empty host name (the file is damaged)");
        escape_controls(s->busiest_host_name, sizeof s->busiest_host_name);
    }

    if (last_row_total(file, "memory_committed_mib", samples, hosts, &s->memory_committed_last_mib, c) < 0 ||
        last_row_total(file, "vms_running", samples, hosts, &s->vms_running_last, c) < 0)
        return -1;

    if (read_contention_series(file, s, samples, hosts, c) != 0)
        return -1;

    s->cpu_demand_mean_pct = pct(s->cpu_demand_mean_mhz, s->cpu_capacity_mhz);
    s->cpu_demand_peak_pct = pct(s->cpu_demand_peak_mhz, s->cpu_capacity_mhz);
    s->cpu_usage_mean_pct = pct(s->cpu_usage_mean_mhz, s->cpu_capacity_mhz);
    s->cpu_usage_peak_pct = pct(s->cpu_usage_peak_mhz, s->cpu_capacity_mhz);
    s->memory_committed_last_pct = pct(s->memory_committed_last_mib, (double)s->memory_mib);
    return 0;
}

/* The pods section: the table's columns, three event kinds, and the last
 * row of pods_running (hosts with pods, pods per such host). */
static int read_pods(hid_t file, run_summary *s, const ctx *c)
{
    if (!h5r_exists(file, PODS_PATH))
        return 0;
    char msg[512];
    hsize_t rows = 0;
    hid_t ds = h5r_open_dataset(file, PODS_PATH, 1, &rows, msg, sizeof msg);
    if (ds < 0)
        return fail(c, msg);
    s->has_pods = 1;
    s->pods = (int64_t)rows;
    double *block = malloc(TABLE_BLOCK_ROWS * sizeof *block);
    int64_t *placed = malloc(TABLE_BLOCK_ROWS * sizeof *placed);
    int rc = 0;
    double startup_sum = 0.0, throttled_sum = 0.0;
    int64_t started = 0, limited = 0;
    if (!block || !placed) {
        free(block);
        free(placed);
        H5Dclose(ds);
        return fail(c, PODS_PATH ": out of memory");
    }
    for (hsize_t start = 0; start < rows && rc == 0; start += TABLE_BLOCK_ROWS) {
        hsize_t n = rows - start < TABLE_BLOCK_ROWS ? rows - start : TABLE_BLOCK_ROWS;
        if (h5r_table_column_f64(ds, PODS_PATH, "startup_latency_s", start, n, block, msg, sizeof msg) != 0) {
            rc = fail(c, msg);
            break;
        }
        for (hsize_t k = 0; k < n; k++)
            if (isfinite(block[k])) {
                startup_sum += block[k];
                started++;
            }
        if (h5r_table_column_f64(ds, PODS_PATH, "throttled_fraction", start, n, block, msg, sizeof msg) != 0) {
            rc = fail(c, msg);
            break;
        }
        for (hsize_t k = 0; k < n; k++)
            if (isfinite(block[k])) {
                throttled_sum += block[k];
                limited++;
            }
        if (h5r_table_column_i64(ds, PODS_PATH, "placed", start, n, placed, msg, sizeof msg) != 0) {
            rc = fail(c, msg);
            break;
        }
        for (hsize_t k = 0; k < n; k++)
            if (!placed[k])
                s->pods_unplaced++;
    }
    free(block);
    free(placed);
    H5Dclose(ds);
    if (rc != 0)
        return rc;
    s->pod_startup_mean_s = started > 0 ? startup_sum / (double)started : NAN;
    s->pod_throttled_pct = limited > 0 ? 100.0 * throttled_sum / (double)limited : NAN;
    static const char *const kinds[] = {"pod_restarted", "pod_oom_killed", "pod_crashed"};
    int64_t counts[3];
    if (h5r_event_kind_counts(file, kinds, 3, counts, msg, sizeof msg) < 0)
        return fail(c, msg);
    s->pod_restarts = counts[0];
    s->pod_oom_kills = counts[1];
    s->pod_crashes = counts[2];
    if (!s->has_host_series || s->samples == 0 || !h5r_exists(file, HOST_GROUP "/pods_running"))
        return 0;
    hid_t rds;
    hsize_t hosts = (hsize_t)s->hosts;
    rc = open_series(file, "pods_running", (hsize_t)s->samples, hosts, &rds, c);
    if (rc <= 0)
        return rc;
    size_t row_bytes = h5r_array_bytes(hosts + 1, sizeof(double));
    double *row = row_bytes ? malloc(row_bytes) : NULL;
    if (!row || h5r_read_rows_f64(rds, (hsize_t)s->samples - 1, 1, hosts, row) != 0) {
        free(row);
        H5Dclose(rds);
        return fail(c, HOST_GROUP "/pods_running: cannot read the last row");
    }
    s->pods_running_last = 0.0;
    for (hsize_t h = 0; h < hosts; h++)
        if (isfinite(row[h]) && row[h] > 0) {
            s->pods_running_last += row[h];
            s->pod_nodes_last++;
        }
    s->pods_per_host_last = s->pod_nodes_last > 0 ? s->pods_running_last / (double)s->pod_nodes_last : NAN;
    free(row);
    H5Dclose(rds);
    return 0;
}

/* The first RUN_SUMMARY_MAX_SERVICES rows of /tables/services and the peak
 * of each one's p99 latency series. */
static int read_services(hid_t file, run_summary *s, const ctx *c)
{
    if (!h5r_exists(file, SERVICES_PATH))
        return 0;
    hsize_t rows = 0;
    char msg[512];
    hid_t ds = h5r_open_dataset(file, SERVICES_PATH, 1, &rows, msg, sizeof msg);
    if (ds < 0)
        return fail(c, msg);
    s->services = (int64_t)rows;
    hsize_t n = rows < RUN_SUMMARY_MAX_SERVICES ? rows : RUN_SUMMARY_MAX_SERVICES;
    double f[5][RUN_SUMMARY_MAX_SERVICES];
    int64_t dropped[RUN_SUMMARY_MAX_SERVICES];
    static const char *const cols[5] = {"arrival_rate_rps", "throughput_rps", "mean_wait_ns", "mean_sojourn_ns",
                                        "mean_in_system"};
    int ok = 1;
    for (int k = 0; ok && k < 5; k++)
        ok = n == 0 || h5r_table_column_f64(ds, SERVICES_PATH, cols[k], 0, n, f[k], msg, sizeof msg) == 0;
    ok = ok && (n == 0 || h5r_table_column_i64(ds, SERVICES_PATH, "dropped", 0, n, dropped, msg, sizeof msg) == 0);
    for (hsize_t i = 0; ok && i < n; i++) {
        run_summary_service *v = &s->service[i];
        ok = h5r_table_column_str(ds, SERVICES_PATH, "name", i, v->name, sizeof v->name, msg, sizeof msg) == 0;
        escape_controls(v->name, sizeof v->name);
        v->arrival_rps = f[0][i];
        v->throughput_rps = f[1][i];
        v->mean_wait_ns = f[2][i];
        v->mean_sojourn_ns = f[3][i];
        v->mean_in_system = f[4][i];
        v->dropped = dropped[i];
        v->p99_peak_ns = NAN;
        v->p99_ns = NAN;
        double p99 = NAN;
        char ignored[64];
        if (h5r_table_column_f64(ds, SERVICES_PATH, "latency_p99_ns", i, 1, &p99, ignored, sizeof ignored) == 0)
            v->p99_ns = p99;
    }
    H5Dclose(ds);
    if (!ok)
        return fail(c, msg);
    if (n == 0 || !h5r_exists(file, SERVICE_P99_PATH))
        return 0;
    hsize_t dims[2];
    hid_t p99 = h5r_open_dataset(file, SERVICE_P99_PATH, 2, dims, msg, sizeof msg);
    if (p99 < 0)
        return fail(c, msg);
    if (dims[1] != rows) {
        H5Dclose(p99);
        return fail(c, SERVICE_P99_PATH ": not a [sample, service] series");
    }
    hsize_t block = h5r_block_rows(dims[1], SERIES_BLOCK_VALUES);
    size_t buf_bytes = block <= SIZE_MAX / sizeof(double) / (dims[1] + 1)
                           ? h5r_array_bytes(block * dims[1], sizeof(double))
                           : 0;
    double *buf = buf_bytes ? malloc(buf_bytes) : NULL;
    ok = buf != NULL;
    for (hsize_t row = 0; ok && row < dims[0]; row += block) {
        hsize_t count = dims[0] - row < block ? dims[0] - row : block;
        ok = h5r_read_rows_f64(p99, row, count, dims[1], buf) == 0;
        for (hsize_t r = 0; ok && r < count; r++)
            for (hsize_t i = 0; i < n; i++) {
                double v = buf[r * dims[1] + i];
                if (isfinite(v) && !(v <= s->service[i].p99_peak_ns))
                    s->service[i].p99_peak_ns = v;
            }
    }
    free(buf);
    H5Dclose(p99);
    return ok ? 0 : fail(c, SERVICE_P99_PATH ": read failed");
}

static void init_summary(run_summary *s)
{
    memset(s, 0, sizeof *s);
    s->cpu_demand_mean_mhz = s->cpu_demand_peak_mhz = NAN;
    s->cpu_demand_mean_pct = s->cpu_demand_peak_pct = NAN;
    s->cpu_usage_mean_mhz = s->cpu_usage_peak_mhz = NAN;
    s->cpu_usage_mean_pct = s->cpu_usage_peak_pct = NAN;
    s->cpu_demand_peak_time_ns = s->cpu_usage_peak_time_ns = -1;
    s->busiest_host = -1;
    s->busiest_host_peak_pct = NAN;
    s->busiest_host_peak_time_ns = -1;
    s->last_sample_time_ns = -1;
    s->memory_committed_last_mib = s->memory_committed_last_pct = NAN;
    s->vms_running_last = NAN;
    s->pods_running_last = s->pods_per_host_last = NAN;
    s->pod_startup_mean_s = s->pod_throttled_pct = NAN;
    s->vms_arrived = s->vms_rejected = s->rejection_probability = s->vms_running_mean = NAN;
    s->cpu_ready_host_mean_pct = s->cpu_ready_host_peak_pct = s->cpu_ready_vm_p95_pct = NAN;
    s->cpu_useful_mean_mhz = NAN;
    s->memory_consumed_mean_mib = s->memory_active_mean_mib = s->memory_shared_mean_mib = NAN;
    s->memory_ballooned_mean_mib = s->memory_compressed_mean_mib = s->memory_swapped_mean_mib = NAN;
    s->memory_swapped_peak_mib = NAN;
    s->power_mean_w = s->power_peak_w = s->energy_kwh = NAN;
}

/* One cluster series (1 column): its last value and its mean over samples. */
static int cluster_series(hid_t file, const char *name, int64_t *samples, double *last, double *mean, const ctx *c)
{
    char path[128];
    snprintf(path, sizeof path, "/series/cluster/%s", name);
    hsize_t dims[2];
    char what[512];
    hid_t ds = h5r_open_dataset(file, path, 2, dims, what, sizeof what);
    if (ds < 0)
        return fail(c, what);
    if (dims[1] != 1) {
        H5Dclose(ds);
        snprintf(what, sizeof what, "%s: not a [sample, 1] series", path);
        return fail(c, what);
    }
    *samples = (int64_t)dims[0];
    double sum = 0.0, v = NAN;
    int64_t n = 0;
    hsize_t block_rows = 65536;
    double *block = malloc(block_rows * sizeof *block);
    int rc = block ? 0 : -1;
    for (hsize_t start = 0; rc == 0 && start < dims[0]; start += block_rows) {
        hsize_t k = dims[0] - start < block_rows ? dims[0] - start : block_rows;
        if (h5r_read_rows_f64(ds, start, k, 1, block) != 0) {
            rc = -1;
            break;
        }
        for (hsize_t i = 0; i < k; i++)
            if (isfinite(block[i])) {
                sum += block[i];
                n++;
                v = block[i];
            }
    }
    free(block);
    H5Dclose(ds);
    if (rc != 0) {
        snprintf(what, sizeof what, "%s: cannot read (damaged data fails its checksum)", path);
        return fail(c, what);
    }
    *last = v;
    *mean = n > 0 ? sum / (double)n : NAN;
    return 0;
}

/* Opens a table that older files lack: 1 (in *ds, *rows rows), 0 absent,
 * -1 damaged (message via fail). */
static int open_optional_table(hid_t file, const char *path, hsize_t *rows, hid_t *ds, const ctx *c)
{
    if (!h5r_exists(file, path))
        return 0;
    char msg[512];
    *ds = h5r_open_dataset(file, path, 1, rows, msg, sizeof msg);
    return *ds < 0 ? fail(c, msg) : 1;
}

/* End-of-run totals from /tables/cluster (absent in files before issue 14). */
static int read_cluster_totals(hid_t file, run_summary *s, const ctx *c)
{
    static const char path[] = "/tables/cluster";
    hsize_t rows = 0;
    char msg[512];
    hid_t ds;
    int found = open_optional_table(file, path, &rows, &ds, c);
    if (found <= 0)
        return found;
    int64_t arrived = 0, rejected = 0;
    int ok = rows == 1 && h5r_table_column_i64(ds, path, "vms_arrived", 0, 1, &arrived, msg, sizeof msg) == 0 &&
             h5r_table_column_i64(ds, path, "vms_rejected", 0, 1, &rejected, msg, sizeof msg) == 0;
    H5Dclose(ds);
    if (!ok)
        return fail(c, rows == 1 ? msg : "/tables/cluster: not one row");
    s->vms_arrived = (double)arrived;
    s->vms_rejected = (double)rejected;
    return 0;
}

/* Counts a cluster of `hosts` hosts in the size histogram (largest first). */
static void count_cluster_size(run_summary *s, int64_t hosts)
{
    int64_t i = 0;
    while (i < s->n_cluster_sizes && s->cluster_size[i].hosts > hosts)
        i++;
    if (i < s->n_cluster_sizes && s->cluster_size[i].hosts == hosts) {
        s->cluster_size[i].clusters++;
        return;
    }
    if (s->n_cluster_sizes == RUN_SUMMARY_MAX_CLUSTER_SIZES)
        return; /* the smallest sizes beyond the limit are left out */
    for (int64_t j = s->n_cluster_sizes; j > i; j--)
        s->cluster_size[j] = s->cluster_size[j - 1];
    s->cluster_size[i].hosts = hosts;
    s->cluster_size[i].clusters = 1;
    s->n_cluster_sizes++;
}

/* /tables/clusters: written by runs with `clusters` only. */
static int read_clusters(hid_t file, run_summary *s, const ctx *c)
{
    static const char path[] = "/tables/clusters";
    hsize_t rows = 0;
    char msg[512];
    hid_t ds;
    int found = open_optional_table(file, path, &rows, &ds, c);
    if (found <= 0)
        return found;
    int ok = 1;
    for (hsize_t k = 0; ok && k < rows; k++) {
        int64_t hosts = 0;
        ok = h5r_table_column_i64(ds, path, "hosts", k, 1, &hosts, msg, sizeof msg) == 0;
        if (!ok)
            break;
        count_cluster_size(s, hosts);
        if (k >= RUN_SUMMARY_MAX_CLUSTERS)
            continue;
        s->cluster[k].hosts = hosts;
        ok = h5r_table_column_str(ds, path, "name", k, s->cluster[k].name, sizeof s->cluster[k].name, msg,
                                  sizeof msg) == 0 &&
             h5r_table_column_i64(ds, path, "vms", k, 1, &s->cluster[k].vms, msg, sizeof msg) == 0 &&
             h5r_table_column_i64(ds, path, "vms_arrived", k, 1, &s->cluster[k].arrived, msg, sizeof msg) == 0 &&
             h5r_table_column_i64(ds, path, "vms_rejected", k, 1, &s->cluster[k].rejected, msg, sizeof msg) == 0 &&
             h5r_table_column_i64(ds, path, "vms_running", k, 1, &s->cluster[k].running, msg, sizeof msg) == 0;
        escape_controls(s->cluster[k].name, sizeof s->cluster[k].name);
    }
    H5Dclose(ds);
    if (!ok)
        return fail(c, msg);
    s->clusters = (int64_t)rows;
    return 0;
}

/* /tables/xvmotions: written by runs with vcenter.migrations only. */
static int read_xvmotions(hid_t file, run_summary *s, const ctx *c)
{
    static const char path[] = "/tables/xvmotions";
    hsize_t rows = 0;
    char msg[512];
    hid_t ds;
    int found = open_optional_table(file, path, &rows, &ds, c);
    if (found <= 0)
        return found;
    int ok = 1;
    double sum = 0.0;
    for (hsize_t k = 0; ok && k < rows; k++) {
        int64_t done = 0;
        double duration = 0.0;
        ok = h5r_table_column_i64(ds, path, "done", k, 1, &done, msg, sizeof msg) == 0 &&
             h5r_table_column_f64(ds, path, "duration_s", k, 1, &duration, msg, sizeof msg) == 0;
        if (ok && done) {
            s->xvmotions_done++;
            sum += duration;
        }
    }
    H5Dclose(ds);
    if (!ok)
        return fail(c, msg);
    s->xvmotions = (int64_t)rows;
    s->xvmotion_mean_s = s->xvmotions_done > 0 ? sum / (double)s->xvmotions_done : NAN;
    return 0;
}

/* Groups whose count ran out (exhausted_ns >= 0) in /tables/arrival_groups. */
static int read_arrival_groups(hid_t file, run_summary *s, const ctx *c)
{
    static const char path[] = "/tables/arrival_groups";
    hsize_t rows = 0;
    char msg[512];
    hid_t ds;
    int found = open_optional_table(file, path, &rows, &ds, c);
    if (found <= 0)
        return found;
    int ok = 1;
    for (hsize_t g = 0; ok && g < rows; g++) {
        int64_t at = -1, count = 0;
        ok = h5r_table_column_i64(ds, path, "exhausted_ns", g, 1, &at, msg, sizeof msg) == 0 &&
             h5r_table_column_i64(ds, path, "count", g, 1, &count, msg, sizeof msg) == 0;
        if (!ok || at < 0)
            continue;
        if (s->arrivals_exhausted < RUN_SUMMARY_MAX_EXHAUSTED) {
            int64_t k = s->arrivals_exhausted;
            ok = h5r_table_column_str(ds, path, "group", g, s->exhausted[k].name, sizeof s->exhausted[k].name, msg,
                                      sizeof msg) == 0;
            escape_controls(s->exhausted[k].name, sizeof s->exhausted[k].name);
            s->exhausted[k].group = (int64_t)g;
            s->exhausted[k].count = count;
            s->exhausted[k].at_ns = at;
        }
        s->arrivals_exhausted++;
    }
    H5Dclose(ds);
    return ok ? 0 : fail(c, msg);
}

static int read_cluster_series(hid_t file, run_summary *s, const ctx *c)
{
    if (!h5r_exists(file, "/series/cluster/vms_running"))
        return 0;
    double unused, last_running;
    if (cluster_series(file, "vms_running", &s->cluster_samples, &last_running, &s->vms_running_mean, c) != 0 ||
        cluster_series(file, "vms_arrived", &s->cluster_samples, &s->vms_arrived, &unused, c) != 0 ||
        cluster_series(file, "vms_rejected", &s->cluster_samples, &s->vms_rejected, &unused, c) != 0)
        return -1;
    s->has_cluster_series = 1;
    if (read_cluster_totals(file, s, c) != 0 || read_clusters(file, s, c) != 0 || read_xvmotions(file, s, c) != 0)
        return -1;
    s->rejection_probability = s->vms_arrived > 0 ? s->vms_rejected / s->vms_arrived : NAN;
    return 0;
}

/* Per property: violations and pending obligations found by the monitors. */
static int read_properties(hid_t file, run_summary *s, const ctx *c)
{
    static const char path[] = "/tables/properties";
    hsize_t rows = 0;
    char msg[512];
    hid_t ds;
    int found = open_optional_table(file, path, &rows, &ds, c);
    if (found <= 0)
        return found;
    int ok = 1;
    for (hsize_t i = 0; ok && i < rows; i++) {
        int64_t e = 0, v = 0, p = 0;
        ok = h5r_table_column_i64(ds, path, "entities", i, 1, &e, msg, sizeof msg) == 0 &&
             h5r_table_column_i64(ds, path, "violations", i, 1, &v, msg, sizeof msg) == 0 &&
             h5r_table_column_i64(ds, path, "pending", i, 1, &p, msg, sizeof msg) == 0;
        if (ok && s->properties < RUN_SUMMARY_MAX_PROPERTIES) {
            int64_t k = s->properties;
            ok = h5r_table_column_str(ds, path, "name", i, s->property[k].name, sizeof s->property[k].name, msg,
                                      sizeof msg) == 0;
            escape_controls(s->property[k].name, sizeof s->property[k].name);
            s->property[k].entities = e;
            s->property[k].violations = v;
            s->property[k].pending = p;
        }
        s->properties++;
        s->properties_violated += v > 0;
    }
    H5Dclose(ds);
    return ok ? 0 : fail(c, msg);
}

int run_summary_read(const char *path, run_summary *out, char *err, size_t err_len)
{
    init_summary(out);
    if (err_len > 0)
        err[0] = '\0';
    h5r_quiet quiet;
    h5r_quiet_begin(&quiet);
    hid_t file = h5r_open_file(path, err, err_len);
    int rc = file >= 0 ? run_summary_read_file(file, path, out, err, err_len) : -1;
    if (file >= 0)
        H5Fclose(file);
    h5r_quiet_end(&quiet);
    return rc;
}

int run_summary_read_file(hid_t file, const char *path, run_summary *out, char *err, size_t err_len)
{
    init_summary(out);
    if (err_len > 0)
        err[0] = '\0';
    ctx c = {.path = path, .err = err, .err_len = err_len};
    h5r_quiet quiet;
    h5r_quiet_begin(&quiet);
    double *capacity = NULL;
    int rc = -1;
    if (h5r_check_run(file, path, &out->format_version, err, err_len) != 0)
        goto done;
    read_run_attributes(file, out);
    if (read_hosts(file, out, &capacity, &c) != 0 || read_vms(file, out, &c) != 0 ||
        read_host_series(file, out, capacity, &c) != 0 || read_pods(file, out, &c) != 0 ||
        read_services(file, out, &c) != 0 || read_cluster_series(file, out, &c) != 0 ||
        read_arrival_groups(file, out, &c) != 0 || read_properties(file, out, &c) != 0)
        goto done;
    int found = avail_summary_read(file, &out->avail, err, err_len);
    if (found < 0) {
        char what[512];
        snprintf(what, sizeof what, "%s", err);
        snprintf(err, err_len, "%s: %s", path, what);
        goto done;
    }
    out->has_availability = found;
    rc = 0;
done:
    free(capacity);
    h5r_quiet_end(&quiet);
    return rc;
}

/* ---- printing ---------------------------------------------------------- */

#define LABEL "  %-14s"

static const char *fmt_time(int64_t t_ns, char *buf, int len);

void run_summary_warn_exhausted(const run_summary *s, const char *prefix, FILE *out)
{
    for (int64_t k = 0; k < s->arrivals_exhausted && k < RUN_SUMMARY_MAX_EXHAUSTED; k++) {
        char t[64];
        fprintf(out,
                "%swarning: vms.[%" PRId64 "] '%s': arrivals stopped at %s: all %" PRId64
                " VMs of vms.[%" PRId64 "].count were used (raise it to keep the arrival process going)\n",
                prefix, s->exhausted[k].group, s->exhausted[k].name, fmt_time(s->exhausted[k].at_ns, t, sizeof t),
                s->exhausted[k].count, s->exhausted[k].group);
    }
    if (s->arrivals_exhausted > RUN_SUMMARY_MAX_EXHAUSTED)
        fprintf(out, "%swarning: and %" PRId64 " more groups in /tables/arrival_groups\n", prefix,
                s->arrivals_exhausted - RUN_SUMMARY_MAX_EXHAUSTED);
}

static const char *fmt_time(int64_t t_ns, char *buf, int len)
{
    if (t_ns < 0)
        return "-";
    return sim_time_format(t_ns, buf, len);
}

static const char *fmt_pct(double v, char *buf, size_t len)
{
    if (!isfinite(v))
        return "-";
    snprintf(buf, len, "%.1f %%", v);
    return buf;
}

static const char *fmt_ghz(double mhz, char *buf, size_t len)
{
    if (!isfinite(mhz))
        return "-";
    snprintf(buf, len, "%.2f GHz", mhz / 1000.0);
    return buf;
}

static void print_cpu_line(FILE *out, const char *label, double mean_pct, double mean_mhz, double peak_pct,
                           double peak_mhz, int64_t peak_t)
{
    char a[32], b[32], c[32], d[32], t[64];
    fprintf(out, LABEL "mean %8s (%s), peak %8s (%s) at %s\n", label, fmt_pct(mean_pct, a, sizeof a),
            fmt_ghz(mean_mhz, b, sizeof b), fmt_pct(peak_pct, c, sizeof c), fmt_ghz(peak_mhz, d, sizeof d),
            fmt_time(peak_t, t, sizeof t));
}

static void print_availability(const avail_summary *a, FILE *out)
{
    if (a->has_hosts) {
        fprintf(out, LABEL "mean %.6f, lowest %.6f; %" PRId64 " failures, %" PRId64 " maintenance windows, %" PRId64
                           " isolations, %" PRId64 " domain failures\n",
                "host avail", a->host_availability_mean, a->host_availability_min, a->host_failures, a->maintenances,
                a->isolations, a->domain_failures);
        if (a->host_failures > 0 && a->has_crews)
            /* with crews the failed time per failure is not the repair time:
             * it includes the wait for a free crew (issue 14) */
            fprintf(out,
                    LABEL "observed MTTF %.2f h, mean outage %.2f h including the wait for one of %" PRId64
                          " repair crews (pooled over hosts)\n" LABEL "mean repair %.2f h, mean wait for a crew %.2f h\n",
                    "host mttf", a->mttf_h, a->mttr_h, a->crews, "repair", a->crew_repair_h, a->crew_wait_h);
        else if (a->host_failures > 0)
            fprintf(out, LABEL "observed MTTF %.2f h, MTTR %.2f h (pooled over hosts)\n", "host mttf", a->mttf_h,
                    a->mttr_h);
    }
    if (a->has_vms && a->vms > 0) {
        fprintf(out, LABEL "mean %.6f; %" PRId64 " VM failures (%" PRId64 " crashes), %" PRId64 " restarts, %" PRId64
                           " failed restarts\n",
                "vm avail", a->vm_availability_mean, a->vm_failures, a->vm_crashes, a->vm_restarts,
                a->vm_restart_failures);
        fprintf(out, LABEL "%.3f VM-hours lost, longest %.3f h for one VM, %" PRId64 " VMs down at the end\n",
                "vm downtime", a->lost_vm_hours, a->vm_downtime_max_h, a->vms_down_at_end);
    }
}

static const char *fmt_gib(double mib, char *buf, size_t len)
{
    if (!isfinite(mib))
        return "-";
    snprintf(buf, len, "%.1f GiB", mib / 1024.0);
    return buf;
}

/* CPU ready, memory reclamation and power lines, when the file has them. */
static void print_contention(const run_summary *s, FILE *out)
{
    char a[32], b[32], c[32], d[32];
    if (isfinite(s->cpu_ready_host_mean_pct))
        fprintf(out, LABEL "hosts mean %s, peak %s; per-VM p95 %s\n", "cpu ready",
                fmt_pct(s->cpu_ready_host_mean_pct, a, sizeof a), fmt_pct(s->cpu_ready_host_peak_pct, b, sizeof b),
                fmt_pct(s->cpu_ready_vm_p95_pct, c, sizeof c));
    if (isfinite(s->cpu_useful_mean_mhz))
        fprintf(out, LABEL "mean %s after NUMA, EPT and memory-reclamation slowdowns\n", "cpu useful",
                fmt_ghz(s->cpu_useful_mean_mhz, a, sizeof a));
    if (isfinite(s->memory_consumed_mean_mib))
        fprintf(out, LABEL "mean consumed %s, active %s, shared %s\n", "memory use",
                fmt_gib(s->memory_consumed_mean_mib, a, sizeof a), fmt_gib(s->memory_active_mean_mib, b, sizeof b),
                fmt_gib(s->memory_shared_mean_mib, c, sizeof c));
    if (isfinite(s->memory_ballooned_mean_mib))
        fprintf(out, LABEL "mean ballooned %s, compressed %s, swapped %s (peak %s)\n", "reclaimed",
                fmt_gib(s->memory_ballooned_mean_mib, a, sizeof a), fmt_gib(s->memory_compressed_mean_mib, b, sizeof b),
                fmt_gib(s->memory_swapped_mean_mib, c, sizeof c), fmt_gib(s->memory_swapped_peak_mib, d, sizeof d));
    if (isfinite(s->power_mean_w))
        fprintf(out, LABEL "mean %.2f kW, peak %.2f kW; energy %.1f kWh\n", "power", s->power_mean_w / 1000.0,
                s->power_peak_w / 1000.0, s->energy_kwh);
}

/* With several clusters: their sizes ("how many clusters of what size"),
 * then one line per cluster (the first RUN_SUMMARY_MAX_CLUSTERS). */
static void print_clusters(const run_summary *s, FILE *out)
{
    if (s->clusters <= 0)
        return;
    fprintf(out, LABEL "%" PRId64 " under one vCenter:", "clusters", s->clusters);
    for (int64_t i = 0; i < s->n_cluster_sizes; i++)
        fprintf(out, "%s %" PRId64 " of %" PRId64 " hosts", i ? "," : "", s->cluster_size[i].clusters,
                s->cluster_size[i].hosts);
    fprintf(out, "\n");
    for (int64_t k = 0; k < s->clusters && k < RUN_SUMMARY_MAX_CLUSTERS; k++)
        fprintf(out,
                LABEL "%s: %" PRId64 " hosts, %" PRId64 " VMs: %" PRId64 " arrived, %" PRId64 " rejected, %" PRId64
                      " running at the end\n",
                "", s->cluster[k].name, s->cluster[k].hosts, s->cluster[k].vms, s->cluster[k].arrived,
                s->cluster[k].rejected, s->cluster[k].running);
    if (s->clusters > RUN_SUMMARY_MAX_CLUSTERS)
        fprintf(out, LABEL "and %" PRId64 " more in /tables/clusters\n", "", s->clusters - RUN_SUMMARY_MAX_CLUSTERS);
    if (s->xvmotions > 0)
        fprintf(out, LABEL "%" PRId64 " cross-cluster vMotions asked for: %" PRId64 " done (mean %.1f s), %" PRId64
                           " refused or unfinished (/tables/xvmotions)\n",
                "xvmotion", s->xvmotions, s->xvmotions_done, s->xvmotion_mean_s, s->xvmotions - s->xvmotions_done);
}

void run_summary_print(const run_summary *s, const char *path, FILE *out)
{
    char t1[64], t2[64], p[32];
    fprintf(out, "vdcsim run summary (vdcsim %s, format_version %" PRId64 ")\n",
            s->vdcsim_version[0] ? s->vdcsim_version : "?", s->format_version);
    fprintf(out, LABEL "%s\n", "scenario", s->scenario_path[0] ? s->scenario_path : "-");
    fprintf(out, LABEL, "run");
    if (s->has_seed)
        fprintf(out, "seed %" PRId64, s->seed);
    else
        fprintf(out, "seed -");
    if (s->has_threads)
        fprintf(out, ", %" PRId64 " threads", s->threads);
    if (s->has_lp_count)
        fprintf(out, ", %" PRId64 " LPs", s->lp_count);
    fputc('\n', out);

    fprintf(out, LABEL "%s simulated", "time", s->has_until ? fmt_time(s->until_ns, t1, sizeof t1) : "-");
    if (s->has_until)
        fprintf(out, " (%.3f s)", (double)s->until_ns / 1e9);
    if (s->has_wall_time)
        fprintf(out, " in %.3f s wall", s->wall_time_s);
    fputc('\n', out);
    fprintf(out, LABEL, "events");
    if (s->has_events)
        fprintf(out, "%" PRId64 " executed", s->events);
    else
        fprintf(out, "-");
    if (s->has_events_per_s)
        fprintf(out, ", %.0f events/s", s->events_per_s);
    if (s->has_windows)
        fprintf(out, ", %" PRId64 " windows", s->windows);
    fputc('\n', out);

    fprintf(out, LABEL "%" PRId64 " hosts: %" PRId64 " cores, %.1f GHz CPU, %.1f GiB memory\n", "hosts",
            s->hosts, s->cores, s->cpu_capacity_mhz / 1000.0, (double)s->memory_mib / 1024.0);
    fprintf(out, LABEL "%" PRId64 " VMs: %" PRId64 " placed, %" PRId64 " placement failures, %" PRId64
                       " started\n",
            "vms", s->vms, s->vms_placed, s->vm_placement_failures, s->vms_started);

    if (s->has_host_series) {
        fprintf(out, LABEL "%" PRId64 " every %s from %s", "samples", s->samples,
                fmt_time(s->sample_period_ns, t1, sizeof t1), fmt_time(s->sample_start_ns, t2, sizeof t2));
        if (s->stats_first_row > 0)
            fprintf(out, "; statistics from %s (first sample with a workload)",
                    fmt_time(row_time(s, s->stats_first_row), t1, sizeof t1));
        fputc('\n', out);
        print_cpu_line(out, "cpu demand", s->cpu_demand_mean_pct, s->cpu_demand_mean_mhz, s->cpu_demand_peak_pct,
                       s->cpu_demand_peak_mhz, s->cpu_demand_peak_time_ns);
        print_cpu_line(out, "cpu usage", s->cpu_usage_mean_pct, s->cpu_usage_mean_mhz, s->cpu_usage_peak_pct,
                       s->cpu_usage_peak_mhz, s->cpu_usage_peak_time_ns);
        if (s->busiest_host >= 0)
            fprintf(out, LABEL "%s: peak usage %s of its capacity at %s\n", "busiest host", s->busiest_host_name,
                    fmt_pct(s->busiest_host_peak_pct, p, sizeof p),
                    fmt_time(s->busiest_host_peak_time_ns, t1, sizeof t1));
        else
            fprintf(out, LABEL "-\n", "busiest host");
        fprintf(out, LABEL "%s committed", "memory", fmt_pct(s->memory_committed_last_pct, p, sizeof p));
        if (isfinite(s->memory_committed_last_mib))
            fprintf(out, " (%.1f GiB)", s->memory_committed_last_mib / 1024.0);
        if (isfinite(s->vms_running_last))
            fprintf(out, ", %.0f VMs running", s->vms_running_last);
        fprintf(out, " at %s (last sample)\n", fmt_time(s->last_sample_time_ns, t1, sizeof t1));
        print_contention(s, out);
    } else {
        fprintf(out, LABEL "no " HOST_GROUP " series in the file\n", "samples");
    }
    if (s->has_pods) {
        fprintf(out, LABEL "%" PRId64 " pods (%" PRId64 " unplaced): %" PRId64 " restarts, %" PRId64
                           " OOM kills, %" PRId64 " crashes\n",
                "pods", s->pods, s->pods_unplaced, s->pod_restarts, s->pod_oom_kills, s->pod_crashes);
        char a[32], b[32];
        fprintf(out, LABEL, "pods running");
        if (isfinite(s->pods_running_last))
            fprintf(out, "%.0f on %" PRId64 " hosts (%s per host)", s->pods_running_last, s->pod_nodes_last,
                    isfinite(s->pods_per_host_last) ? (snprintf(a, sizeof a, "%.1f", s->pods_per_host_last), a)
                                                    : "-");
        else
            fprintf(out, "-");
        fprintf(out, " at the last sample\n");
        fprintf(out, LABEL "mean start-up %s, CPU throttled %s of CFS periods\n", "pod runtime",
                isfinite(s->pod_startup_mean_s) ? (snprintf(b, sizeof b, "%.3f s", s->pod_startup_mean_s), b) : "-",
                fmt_pct(s->pod_throttled_pct, p, sizeof p));
    }
    if (s->has_gpu)
        fprintf(out, LABEL "%" PRId64 " pods placed, %" PRId64 " failed; GPU allocation ratio %.4f at the end\n",
                "gpu pods", s->gpu_placed_pods, s->gpu_failed_pods, s->gpu_allocation_ratio);
    if (s->has_dlrm)
        fprintf(out,
                LABEL "%" PRId64 " instances placed (%" PRId64 " after waiting), %" PRId64
                      " never placed; GPU allocation ratio %.4f at the end\n",
                "dlrm pods", s->dlrm_placed, s->dlrm_placed_after_wait, s->dlrm_failed, s->dlrm_gpu_allocation_ratio);
    for (int64_t i = 0; i < s->services && i < RUN_SUMMARY_MAX_SERVICES; i++) {
        const run_summary_service *v = &s->service[i];
        fprintf(out, LABEL "%s: %.4g req/s in, %.4g req/s done, %" PRId64 " dropped; wait %.4g ms, sojourn %.4g ms, "
                           "L %.4g; p99 %.4g ms, p99 peak %.4g ms\n",
                i == 0 ? "services" : "", v->name, v->arrival_rps, v->throughput_rps, v->dropped,
                v->mean_wait_ns / 1e6, v->mean_sojourn_ns / 1e6, v->mean_in_system, v->p99_ns / 1e6,
                v->p99_peak_ns / 1e6);
    }
    if (s->services > RUN_SUMMARY_MAX_SERVICES)
        fprintf(out, LABEL "and %" PRId64 " more in " SERVICES_PATH "\n", "", s->services - RUN_SUMMARY_MAX_SERVICES);
    if (s->has_availability)
        print_availability(&s->avail, out);
    if (s->has_cluster_series) {
        fprintf(out, LABEL "%.0f arrived, %.0f rejected (probability %s), mean %.2f VMs live\n", "admission",
                s->vms_arrived, s->vms_rejected,
                isfinite(s->rejection_probability) ? (snprintf(p, sizeof p, "%.4f", s->rejection_probability), p)
                                                    : "-",
                s->vms_running_mean);
    }
    print_clusters(s, out);
    for (int64_t k = 0; k < s->properties && k < RUN_SUMMARY_MAX_PROPERTIES; k++)
        fprintf(out, LABEL "%s: %s, %" PRId64 " violation%s, %" PRId64 " pending, %" PRId64 " entities\n",
                k == 0 ? "properties" : "", s->property[k].name, s->property[k].violations ? "FAIL" : "PASS",
                s->property[k].violations, s->property[k].violations == 1 ? "" : "s", s->property[k].pending,
                s->property[k].entities);
    if (s->properties > RUN_SUMMARY_MAX_PROPERTIES)
        fprintf(out, LABEL "and %" PRId64 " more in /tables/properties\n", "", s->properties - RUN_SUMMARY_MAX_PROPERTIES);
    run_summary_warn_exhausted(s, "  ", out);
    fprintf(out, LABEL "%s\n", "file", path ? path : "-");
}
