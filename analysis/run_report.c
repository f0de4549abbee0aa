/* run_report.c - the figures of one run (see run_report.h).
 *
 * Each figure is read from the file, reduced to what is plotted, handed to
 * plot.h (CSV always, PNG and SVG with PLplot) and listed in index.html.
 * Figures whose series the run does not have are left out and the page says
 * so. Every read goes through h5r_open_dataset (sizes checked against the
 * file) and in blocks of rows, so memory stays bounded by the plotted data.
 */
#include "analysis/run_report.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "analysis/row_stream.h"
#include "analysis/plot.h"

#define PATH_LEN 4200
#define BLOCK_VALUES 262144 /* cells of a block; row_stream holds two */
#define HEAT_CELLS_MAX 400 /* per axis of the heat map */
#define SERVICES_MAX 8     /* services drawn in the latency figure */
#define LINES_MAX 24

typedef struct report {
    hid_t file;
    const char *dir;
    FILE *html;
    char *err;
    size_t err_len;
    int drawn, skipped;
} report;

/* A 1-D dataset of the file as doubles (malloc'ed, *n values); NULL when
 * absent (err empty) or unreadable (err set). */
static double *read_vector(report *r, const char *path, hsize_t *n)
{
    *n = 0;
    if (!h5r_exists(r->file, path))
        return NULL;
    hid_t ds = h5r_open_dataset(r->file, path, 1, n, r->err, r->err_len);
    if (ds < 0)
        return NULL;
    size_t bytes = h5r_array_bytes(*n, sizeof(double));
    double *v = bytes ? malloc(bytes) : NULL;
    if (!v || (*n > 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)) {
        snprintf(r->err, r->err_len, "%s: cannot read it", path);
        free(v);
        v = NULL;
    }
    H5Dclose(ds);
    return v;
}

/* The sample times of series group `group` in hours. */
static double *read_hours(report *r, const char *group, hsize_t *n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/time_ns", group);
    double *t = read_vector(r, path, n);
    for (hsize_t i = 0; t && i < *n; i++)
        t[i] /= 3600e9;
    return t;
}

/* Column `col` of a [sample, cols] series, times scale; NULL when absent. */
static double *read_column(report *r, const char *path, hsize_t samples, hsize_t col, double scale)
{
    if (!h5r_exists(r->file, path))
        return NULL;
    hsize_t dims[2];
    hid_t ds = h5r_open_dataset(r->file, path, 2, dims, r->err, r->err_len);
    if (ds < 0)
        return NULL;
    double *out = NULL, *block = NULL;
    if (dims[0] != samples || col >= dims[1]) {
        snprintf(r->err, r->err_len, "%s: shape [%llu, %llu] does not match its group's %llu samples", path,
                 (unsigned long long)dims[0], (unsigned long long)dims[1], (unsigned long long)samples);
        goto done;
    }
    hsize_t rows = h5r_block_rows_chunked(ds, h5r_block_rows(dims[1], BLOCK_VALUES));
    size_t out_bytes = h5r_array_bytes(samples, sizeof(double));
    size_t block_bytes = rows <= SIZE_MAX / sizeof(double) / dims[1] ? h5r_array_bytes(rows * dims[1], sizeof(double)) : 0;
    out = out_bytes ? malloc(out_bytes) : NULL;
    block = block_bytes ? malloc(block_bytes) : NULL;
    if (!out || !block) {
        snprintf(r->err, r->err_len, "%s: out of memory reading it", path);
        free(out);
        out = NULL;
        goto done;
    }
    for (hsize_t start = 0; start < samples; start += rows) {
        hsize_t n = samples - start < rows ? samples - start : rows;
        if (h5r_read_rows_f64(ds, start, n, dims[1], block) != 0) {
            snprintf(r->err, r->err_len, "%s: cannot read rows %llu..%llu", path, (unsigned long long)start,
                     (unsigned long long)(start + n));
            free(out);
            out = NULL;
            goto done;
        }
        for (hsize_t k = 0; k < n; k++)
            out[start + k] = block[k * dims[1] + col] * scale;
    }
done:
    free(block);
    H5Dclose(ds);
    return out;
}

static void html_figure(report *r, const char *stem, const char *caption)
{
    fprintf(r->html, "<h2>%s</h2>\n", stem);
    if (plot_can_draw())
        fprintf(r->html, "<img src=\"%s.png\" width=\"900\" alt=\"%s\">\n", stem, stem);
    fputs("<p>", r->html);
    plot_html_text(r->html, caption);
    fprintf(r->html, " Numbers: <a href=\"%s.csv\">%s.csv</a>", stem, stem);
    if (plot_can_draw())
        fprintf(r->html, ", vector: <a href=\"%s.svg\">%s.svg</a>", stem, stem);
    fputs(".</p>\n", r->html);
    r->drawn++;
}

static void html_skipped(report *r, const char *stem, const char *why)
{
    fprintf(r->html, "<p><i>%s</i>: not drawn, ", stem);
    plot_html_text(r->html, why);
    fputs(".</p>\n", r->html);
    r->skipped++;
}

/* ---- figures made of whole-cluster series -------------------------------- */

typedef struct series_line {
    const char *path; /* [sample, 1] dataset, or NULL to end the list */
    const char *label;
    double scale;
} series_line;

typedef struct line_figure {
    const char *stem, *title, *ylabel, *group, *caption;
    series_line lines[4];
} line_figure;

static const line_figure line_figures[] = {
    {"memory", "Memory reclamation", "memory (GiB)", "/series/cluster",
     "Ballooned, compressed and swapped memory summed over hosts, at each sample.",
     {{"/series/cluster/memory_ballooned_mib", "ballooned", 1.0 / 1024},
      {"/series/cluster/memory_compressed_mib", "compressed", 1.0 / 1024},
      {"/series/cluster/memory_swapped_mib", "swapped", 1.0 / 1024}}},
    {"power", "Power", "power (kW)", "/series/cluster", "Electrical power summed over hosts.",
     {{"/series/cluster/power_w", "power", 1e-3}}},
    {"availability", "Hosts up and VMs down", "count", "/series/cluster",
     "Hosts the cluster controller considers usable, VMs it knows are down and not yet sent a restart, and "
     "VMs waiting for a restart (failures and HA restarts).",
     {{"/series/cluster/hosts_up", "hosts up", 1.0},
      {"/series/cluster/vms_down", "VMs down", 1.0},
      {"/series/cluster/vms_waiting_restart", "VMs waiting restart", 1.0}}},
    {"k8s-pending", "Pending pods", "pods", "/series/k8s",
     "Pods in the kube-scheduler's activeQ, backoffQ or unschedulable set at each sample.",
     {{"/series/k8s/pending_pods", "pending", 1.0}}},
    {"k8s-latency", "Pod scheduling latency", "latency (ms)", "/series/k8s",
     "Nearest-rank percentiles of creation-to-binding latency of the pods bound in each sample period.",
     {{"/series/k8s/schedule_latency_p50_ns", "p50", 1e-6}, {"/series/k8s/schedule_latency_p99_ns", "p99", 1e-6}}},
};

static int draw_line_figure(report *r, const line_figure *fig)
{
    int present = 0;
    for (int i = 0; i < 4 && fig->lines[i].path; i++)
        present |= h5r_exists(r->file, fig->lines[i].path) > 0;
    if (!present) {
        html_skipped(r, fig->stem, "the run has none of its series");
        return 0;
    }
    hsize_t samples = 0;
    double *hours = read_hours(r, fig->group, &samples);
    if (!hours)
        return r->err[0] ? -2 : 0;
    plot_line lines[4];
    double *ys[4] = {NULL};
    int n = 0, rc = 0;
    for (int i = 0; i < 4 && fig->lines[i].path; i++) {
        ys[n] = read_column(r, fig->lines[i].path, samples, 0, fig->lines[i].scale);
        if (!ys[n]) {
            if (r->err[0]) {
                rc = -2;
                break;
            }
            continue;
        }
        lines[n] = (plot_line){.label = fig->lines[i].label, .x = hours, .y = ys[n], .n = (size_t)samples};
        n++;
    }
    if (rc == 0) {
        plot_labels lb = {fig->stem, fig->title, "time (h)", fig->ylabel};
        rc = plot_lines(r->dir, &lb, lines, n, r->err, r->err_len);
        if (rc == 0)
            html_figure(r, fig->stem, fig->caption);
    }
    for (int i = 0; i < n; i++)
        free(ys[i]);
    free(hours);
    return rc;
}

/* ---- cpu: demand, usage, capacity ----------------------------------------- */

/* Column `column` of /tables/hosts (MHz): cpu_capacity_mhz (cores x MHz,
 * vSphere's capacity) or cpu_schedulable_mhz (with SMT, what usage can
 * reach); NULL with err on failure. */
static double *host_capacity(report *r, const char *column, hsize_t *hosts)
{
    *hosts = 0;
    if (!h5r_exists(r->file, "/tables/hosts")) {
        snprintf(r->err, r->err_len, "/tables/hosts: missing");
        return NULL;
    }
    hid_t t = h5r_open_dataset(r->file, "/tables/hosts", 1, hosts, r->err, r->err_len);
    if (t < 0)
        return NULL;
    size_t bytes = h5r_array_bytes(*hosts, sizeof(double));
    double *cap = bytes ? malloc(bytes) : NULL;
    if (!cap || h5r_table_column_f64(t, "/tables/hosts", column, 0, *hosts, cap, r->err, r->err_len) != 0) {
        if (!cap)
            snprintf(r->err, r->err_len, "/tables/hosts: out of memory");
        free(cap);
        cap = NULL;
    }
    H5Dclose(t);
    return cap;
}

/* capacity_over_time's fold of a block of /series/host/up. */
typedef struct capacity_fold {
    const double *cap;
    hsize_t hosts;
    double *out;
} capacity_fold;

static int fold_capacity(void *arg, hsize_t start, hsize_t n, const double *block)
{
    const capacity_fold *f = arg;
    for (hsize_t k = 0; k < n; k++) {
        const double *row = block + k * f->hosts;
        double sum = 0.0;
        for (hsize_t h = 0; h < f->hosts; h++)
            sum += (isfinite(row[h]) && row[h] > 0.5) ? f->cap[h] : 0.0;
        f->out[start + k] = sum * 1e-3;
    }
    return 0;
}

/* Sum over hosts of capacity x up (or of capacity when /series/host/up is
 * absent), per sample of /series/host, in GHz. */
static double *capacity_over_time(report *r, const double *cap, hsize_t hosts, hsize_t samples)
{
    size_t bytes = h5r_array_bytes(samples, sizeof(double));
    double *out = bytes ? malloc(bytes) : NULL;
    if (!out) {
        snprintf(r->err, r->err_len, "out of memory for the capacity line");
        return NULL;
    }
    double total = 0.0;
    for (hsize_t h = 0; h < hosts; h++)
        total += cap[h];
    for (hsize_t i = 0; i < samples; i++)
        out[i] = total * 1e-3;
    if (hosts == 0 || !h5r_exists(r->file, "/series/host/up"))
        return out;
    hsize_t dims[2];
    hid_t ds = h5r_open_dataset(r->file, "/series/host/up", 2, dims, r->err, r->err_len);
    if (ds < 0 || dims[0] != samples || dims[1] != hosts) {
        if (ds >= 0) {
            snprintf(r->err, r->err_len, "/series/host/up: shape does not match /series/host");
            H5Dclose(ds);
        }
        free(out);
        return NULL;
    }
    /* whole rows of chunks at a time (h5r_block_rows_chunked) */
    hsize_t rows = h5r_block_rows_chunked(ds, h5r_block_rows(hosts, BLOCK_VALUES));
    capacity_fold f = {.cap = cap, .hosts = hosts, .out = out};
    hsize_t bad[2];
    if (h5r_rows_stream(ds, 0, samples, hosts, rows, fold_capacity, &f, bad) != 0) {
        snprintf(r->err, r->err_len, "/series/host/up: cannot read rows %llu..%llu", (unsigned long long)bad[0],
                 (unsigned long long)(bad[0] + bad[1]));
        free(out);
        out = NULL;
    }
    H5Dclose(ds);
    return out;
}

static int draw_cpu(report *r, const double *cap, hsize_t hosts)
{
    hsize_t samples = 0, n_sched = 0;
    double *hours = read_hours(r, "/series/cluster", &samples);
    if (!hours)
        return r->err[0] ? -2 : 0;
    double *sched_cap = host_capacity(r, "cpu_schedulable_mhz", &n_sched);
    double *demand = sched_cap ? read_column(r, "/series/cluster/cpu_demand_mhz", samples, 0, 1e-3) : NULL;
    double *usage = demand ? read_column(r, "/series/cluster/cpu_usage_mhz", samples, 0, 1e-3) : NULL;
    double *capacity = usage ? capacity_over_time(r, cap, hosts, samples) : NULL;
    double *schedulable = capacity ? capacity_over_time(r, sched_cap, n_sched, samples) : NULL;
    int rc = 0;
    if (!schedulable) {
        rc = r->err[0] ? -2 : 0;
        if (rc == 0)
            html_skipped(r, "cpu", "the run has no cluster CPU series");
    } else {
        plot_line lines[] = {{.label = "demand", .x = hours, .y = demand, .n = (size_t)samples},
                             {.label = "usage", .x = hours, .y = usage, .n = (size_t)samples},
                             {.label = "capacity", .x = hours, .y = capacity, .n = (size_t)samples},
                             {.label = "schedulable (SMT)", .x = hours, .y = schedulable, .n = (size_t)samples}};
        plot_labels lb = {"cpu", "Cluster CPU", "time (h)", "CPU (GHz)"};
        rc = plot_lines(r->dir, &lb, lines, 4, r->err, r->err_len);
        if (rc == 0)
            html_figure(r, "cpu",
                        "CPU demand and usage summed over hosts at each sample; the capacity of the hosts up "
                        "(cpu_capacity_mhz of /tables/hosts, cores x MHz, where /series/host/up is 1) and what "
                        "they can schedule with SMT (cpu_schedulable_mhz): usage may exceed the capacity up to it.");
    }
    free(hours), free(demand), free(usage), free(capacity), free(schedulable), free(sched_cap);
    return rc;
}

/* ---- per-entity reductions: means per column, bucketed heat map ---------- */

/* scan_columns' fold of a block: sums and counts per column and bucket. */
typedef struct columns_fold {
    hsize_t samples, cols;
    double *mean, *count;
    const double *cap;
    double *heat, *heat_n;
    size_t nx, ny;
} columns_fold;

static int fold_columns(void *arg, hsize_t start, hsize_t n, const double *block)
{
    columns_fold *f = arg;
    const hsize_t cols = f->cols;
    for (hsize_t k = 0; k < n; k++) {
        size_t bx = f->heat ? (size_t)((start + k) * f->nx / f->samples) : 0;
        for (hsize_t c = 0; c < cols; c++) {
            double v = block[k * cols + c];
            if (!isfinite(v))
                continue;
            f->mean[c] += v;
            f->count[c] += 1.0;
            if (f->heat && f->cap[c] > 0.0) {
                size_t cell = (size_t)(c * f->ny / cols) * f->nx + bx;
                f->heat[cell] += 100.0 * v / f->cap[c];
                f->heat_n[cell] += 1.0;
            }
        }
    }
    return 0;
}

/* Streams a [samples, cols] series; per column the mean of its finite
 * cells (NaN when none) into mean (cols values). With heat (ny x nx cells,
 * nx time buckets, ny column buckets) and cap, also the mean of
 * 100 x cell / cap[col] per bucket. */
static int scan_columns(report *r, const char *path, hsize_t samples, hsize_t cols, double *mean, const double *cap,
                        double *heat, size_t nx, size_t ny)
{
    hsize_t dims[2];
    hid_t ds = h5r_open_dataset(r->file, path, 2, dims, r->err, r->err_len);
    if (ds < 0)
        return -2;
    if (dims[0] != samples || dims[1] != cols) {
        snprintf(r->err, r->err_len, "%s: shape [%llu, %llu] does not match [%llu, %llu]", path,
                 (unsigned long long)dims[0], (unsigned long long)dims[1], (unsigned long long)samples,
                 (unsigned long long)cols);
        H5Dclose(ds);
        return -2;
    }
    hsize_t rows = h5r_block_rows_chunked(ds, h5r_block_rows(cols, BLOCK_VALUES));
    columns_fold f = {.samples = samples, .cols = cols, .mean = mean, .cap = cap, .heat = heat, .nx = nx, .ny = ny,
                      .count = calloc((size_t)cols + 1, sizeof *f.count),
                      .heat_n = heat ? calloc(nx * ny + 1, sizeof *f.heat_n) : NULL};
    int rc = 0;
    if (!f.count || (heat && !f.heat_n)) {
        snprintf(r->err, r->err_len, "%s: out of memory reading it", path);
        rc = -1;
    }
    for (hsize_t c = 0; rc == 0 && c < cols; c++)
        mean[c] = 0.0;
    for (size_t i = 0; heat && rc == 0 && i < nx * ny; i++)
        heat[i] = 0.0;
    hsize_t bad[2];
    if (rc == 0 && h5r_rows_stream(ds, 0, samples, cols, rows, fold_columns, &f, bad) != 0) {
        snprintf(r->err, r->err_len, "%s: cannot read rows %llu..%llu", path, (unsigned long long)bad[0],
                 (unsigned long long)(bad[0] + bad[1]));
        rc = -2;
    }
    for (hsize_t c = 0; rc == 0 && c < cols; c++)
        mean[c] = f.count[c] > 0 ? mean[c] / f.count[c] : NAN;
    for (size_t i = 0; heat && rc == 0 && i < nx * ny; i++)
        heat[i] = f.heat_n[i] > 0 ? heat[i] / f.heat_n[i] : NAN;
    free(f.count), free(f.heat_n);
    H5Dclose(ds);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The CPU-ready CDF over VMs (or over hosts when per-VM series are off). */
static int draw_cpu_ready(report *r, hsize_t hosts)
{
    int per_vm = h5r_exists(r->file, "/series/vm/cpu_ready_pct") > 0;
    const char *group = per_vm ? "/series/vm" : "/series/host";
    char path[256];
    snprintf(path, sizeof path, "%s/cpu_ready_pct", group);
    if (!h5r_exists(r->file, path)) {
        html_skipped(r, "cpu-ready", "the run has no CPU ready series");
        return 0;
    }
    hsize_t samples = 0, cols = hosts;
    double *hours = read_hours(r, group, &samples);
    if (!hours)
        return r->err[0] ? -2 : 0;
    free(hours);
    if (per_vm) {
        hsize_t dims[2];
        hid_t ds = h5r_open_dataset(r->file, path, 2, dims, r->err, r->err_len);
        if (ds < 0)
            return -2;
        H5Dclose(ds);
        cols = dims[1];
    }
    double *mean = malloc(h5r_array_bytes(cols + 1, sizeof(double)));
    double *frac = malloc(h5r_array_bytes(cols + 1, sizeof(double)));
    int rc = mean && frac ? scan_columns(r, path, samples, cols, mean, NULL, NULL, 0, 0) : -1;
    if (!mean || !frac)
        snprintf(r->err, r->err_len, "out of memory for the CPU ready distribution");
    size_t n = 0;
    for (hsize_t c = 0; rc == 0 && c < cols; c++)
        if (isfinite(mean[c]))
            mean[n++] = mean[c];
    if (rc == 0) {
        qsort(mean, n, sizeof *mean, cmp_double);
        for (size_t i = 0; i < n; i++)
            frac[i] = (double)(i + 1) / (double)n;
        plot_line line = {.label = per_vm ? "VMs" : "hosts", .x = mean, .y = frac, .n = n};
        plot_labels lb = {"cpu-ready", per_vm ? "CPU ready over VMs" : "CPU ready over hosts",
                          "mean CPU ready over the run (%)", "fraction at or below"};
        rc = plot_lines(r->dir, &lb, &line, 1, r->err, r->err_len);
        if (rc == 0)
            html_figure(r, "cpu-ready",
                        per_vm ? "Empirical distribution over VMs of each VM's mean CPU ready (% of the samples "
                                 "while it ran)."
                               : "Empirical distribution over hosts of each host's mean CPU ready (%); the run has "
                                 "no per-VM series (output.per_vm_series = false).");
    }
    free(mean), free(frac);
    return rc;
}

static int draw_heat(report *r, const double *cap, hsize_t hosts)
{
    const char *path = "/series/host/cpu_usage_mhz";
    if (!h5r_exists(r->file, path) || hosts == 0) {
        html_skipped(r, "host-cpu-heat", "the run has no per-host CPU usage");
        return 0;
    }
    hsize_t samples = 0;
    double *hours = read_hours(r, "/series/host", &samples);
    if (!hours || samples == 0) {
        free(hours);
        return r->err[0] ? -2 : 0;
    }
    size_t nx = samples < HEAT_CELLS_MAX ? (size_t)samples : HEAT_CELLS_MAX;
    size_t ny = hosts < HEAT_CELLS_MAX ? (size_t)hosts : HEAT_CELLS_MAX;
    double *heat = malloc((nx * ny + 1) * sizeof *heat), *x = malloc((nx + 1) * sizeof *x);
    double *y = malloc((ny + 1) * sizeof *y), *mean = malloc(h5r_array_bytes(hosts + 1, sizeof(double)));
    int rc = heat && x && y && mean ? scan_columns(r, path, samples, hosts, mean, cap, heat, nx, ny) : -1;
    if (!heat || !x || !y || !mean)
        snprintf(r->err, r->err_len, "out of memory for the heat map");
    if (rc == 0) {
        /* cell centres: the mean time of the samples in a time bucket, the
         * middle host index of a host bucket */
        for (size_t i = 0; i < nx; i++) {
            hsize_t a = (i * samples + nx - 1) / nx, b = ((i + 1) * samples + nx - 1) / nx;
            x[i] = b > a ? (hours[a] + hours[b - 1]) / 2 : hours[a];
        }
        for (size_t j = 0; j < ny; j++) {
            hsize_t a = (j * hosts + ny - 1) / ny, b = ((j + 1) * hosts + ny - 1) / ny;
            y[j] = b > a ? (double)(a + b - 1) / 2.0 : (double)a;
        }
        plot_labels lb = {"host-cpu-heat", "CPU usage per host", "time (h)", "host (row of /tables/hosts)"};
        rc = plot_heat_map(r->dir, &lb, "% of capacity", x, nx, y, ny, heat, r->err, r->err_len);
        if (rc == 0)
            html_figure(r, "host-cpu-heat",
                        "CPU usage of each host in % of its capacity over time; with more than 400 samples or "
                        "hosts, each cell is the mean over a block of consecutive samples and hosts.");
    }
    free(heat), free(x), free(y), free(mean), free(hours);
    return rc;
}

/* ---- services -------------------------------------------------------------- */

static int draw_service_latency(report *r)
{
    const char *p99 = "/series/service/latency_p99_ns";
    if (!h5r_exists(r->file, p99)) {
        html_skipped(r, "service-latency", "the run has no services");
        return 0;
    }
    hsize_t samples = 0, dims[2];
    double *hours = read_hours(r, "/series/service", &samples);
    if (!hours)
        return r->err[0] ? -2 : 0;
    hid_t ds = h5r_open_dataset(r->file, p99, 2, dims, r->err, r->err_len);
    if (ds < 0) {
        free(hours);
        return -2;
    }
    H5Dclose(ds);
    hsize_t services = dims[1] < SERVICES_MAX ? dims[1] : SERVICES_MAX;
    hid_t table = h5r_exists(r->file, "/tables/services") ? h5r_open_dataset(r->file, "/tables/services", 1, dims, r->err, r->err_len) : -1;
    static const char *const pct_path[] = {"/series/service/latency_p50_ns", "/series/service/latency_p95_ns",
                                           "/series/service/latency_p99_ns"};
    static const char *const pct_name[] = {"p50", "p95", "p99"};
    int first_pct = services == 1 ? 0 : 2; /* one service: three percentiles; several: p99 each */
    plot_line lines[LINES_MAX];
    char labels[LINES_MAX][160];
    double *ys[LINES_MAX] = {NULL};
    int n = 0, rc = 0;
    for (hsize_t s = 0; rc == 0 && s < services; s++) {
        char name[128] = "";
        if (table >= 0 && h5r_table_column_str(table, "/tables/services", "name", s, name, sizeof name, r->err,
                                               r->err_len) != 0)
            rc = -2;
        for (int p = first_pct; rc == 0 && p < 3 && n < LINES_MAX; p++) {
            ys[n] = read_column(r, pct_path[p], samples, s, 1e-6);
            if (!ys[n]) {
                rc = r->err[0] ? -2 : 0;
                continue;
            }
            snprintf(labels[n], sizeof labels[n], "%s %s", name[0] ? name : "service", pct_name[p]);
            lines[n] = (plot_line){.label = labels[n], .x = hours, .y = ys[n], .n = (size_t)samples};
            n++;
        }
    }
    if (table >= 0)
        H5Dclose(table);
    if (rc == 0) {
        plot_labels lb = {"service-latency", "Service request latency", "time (h)", "latency (ms)"};
        rc = plot_lines(r->dir, &lb, lines, n, r->err, r->err_len);
        if (rc == 0)
            html_figure(r, "service-latency",
                        "Sojourn-time percentiles of the requests each service completed in each sample period "
                        "(p50, p95, p99 for one service; p99 of each of the first 8 services otherwise).");
    }
    for (int i = 0; i < n; i++)
        free(ys[i]);
    free(hours);
    return rc;
}

int run_report_write(const char *run_path, const char *dir, char *err, size_t err_len)
{
    err[0] = '\0';
    int64_t version = 0;
    h5r_quiet quiet; /* the message names what failed; no HDF5 error stack on stderr */
    h5r_quiet_begin(&quiet);
    hid_t file = h5r_open_run(run_path, &version, err, err_len);
    if (file < 0) {
        h5r_quiet_end(&quiet);
        return -2;
    }
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/index.html", dir);
    FILE *html = fopen(path, "w");
    if (!html) {
        snprintf(err, err_len, "%.1500s: cannot write", path);
        H5Fclose(file);
        h5r_quiet_end(&quiet);
        return -1;
    }
    report r = {file, dir, html, err, err_len, 0, 0};
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>vdcsim run report</title></head><body>\n"
          "<h1>vdcsim run report</h1>\n<p>Run: ",
          html);
    plot_html_text(html, run_path);
    fputs("</p>\n", html);
    plot_html_no_drawing(html);
    hsize_t hosts = 0;
    double *cap = host_capacity(&r, "cpu_capacity_mhz", &hosts);
    int rc = cap ? 0 : -2;
    if (rc == 0)
        rc = draw_cpu(&r, cap, hosts);
    if (rc == 0)
        rc = draw_cpu_ready(&r, hosts);
    if (rc == 0)
        rc = draw_heat(&r, cap, hosts);
    for (size_t i = 0; rc == 0 && i < sizeof line_figures / sizeof line_figures[0]; i++)
        rc = draw_line_figure(&r, &line_figures[i]);
    if (rc == 0)
        rc = draw_service_latency(&r);
    free(cap);
    fputs("</body></html>\n", html);
    int failed = ferror(html) != 0;
    failed |= fclose(html) != 0;
    if (failed && rc == 0) {
        snprintf(err, err_len, "%.1500s: cannot write", path);
        rc = -1;
    }
    H5Fclose(file);
    h5r_quiet_end(&quiet);
    return rc;
}
