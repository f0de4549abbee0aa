/* test_run_summary.c - the run summary reads back the numbers a run wrote.
 *
 * Files are written with the recorder API (as a run would), with values
 * chosen so every mean and peak is computed by hand below; the summary is
 * then checked number by number, not by its text.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/run_summary.h"
#include "recorder/recorder.h"
#include "tests/check.h"

#define PERIOD_NS (10 * SIM_NS_PER_S)
#define END_NS (30 * SIM_NS_PER_S) /* 3 samples: 0 s, 10 s, 20 s */
#define N_HOSTS 2
#define N_SAMPLES 3

static void path_in_tmp(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", VDCSIM_TEST_TMPDIR, name);
}

static const rec_column host_columns[] = {
    {"name", REC_STR, NULL},          {"group", REC_STR, NULL},       {"sockets", REC_I64, NULL},
    {"cores", REC_I64, NULL},         {"cpu_mhz", REC_F64, "MHz"},    {"memory_mib", REC_I64, "MiB"},
    {"cpu_capacity_mhz", REC_F64, "MHz"},
};
static const rec_column vm_columns[] = {
    {"name", REC_STR, NULL},       {"group", REC_STR, NULL},
    {"vcpus", REC_I64, NULL},      {"memory_mib", REC_I64, "MiB"},
    {"cpu_demand_kind", REC_STR, NULL}, {"cpu_demand_mean_mhz", REC_F64, "MHz"},
    {"start_ns", REC_I64, "ns"},   {"host", REC_I64, NULL},
    {"state", REC_STR, NULL},
};

/* Per sample (rows) and host (columns). NAN = cell never written. */
static const double demand[N_SAMPLES][N_HOSTS] = {{100, 200}, {300, 600}, {500, NAN}};
static const double usage[N_SAMPLES][N_HOSTS] = {{100, 200}, {300, 600}, {700, 400}};
static const double memory[N_SAMPLES][N_HOSTS] = {{0, 0}, {256, 512}, {512, 1024}};
static const double running[N_SAMPLES][N_HOSTS] = {{0, 0}, {1, 1}, {1, 2}};

static int add_host(recorder *r, int table, const char *name, int64_t cores, double mhz, int64_t mem)
{
    rec_value row[] = {{.str = name}, {.str = "esx"},  {.i64 = 1},          {.i64 = cores},
                       {.f64 = mhz},  {.i64 = mem},    {.f64 = (double)cores * mhz}};
    return rec_table_row(r, table, row);
}

static int add_vm(recorder *r, int table, const char *name, int64_t host, const char *state)
{
    rec_value row[] = {{.str = name}, {.str = "web"}, {.i64 = 2},        {.i64 = 512},    {.str = "constant"},
                       {.f64 = 100},  {.i64 = 0},     {.i64 = host},     {.str = state}};
    return rec_table_row(r, table, row);
}

/* The small run: 2 hosts of 4 cores x 250 MHz = 1000 MHz and 1024 MiB,
 * 3 VMs, 3 samples, events of four kinds registered in an order unlike the
 * model's (so kinds must be matched by name). with_attrs 0 leaves out the
 * driver's run attributes. */
static int write_small(const char *path, int with_attrs)
{
    char err[512];
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "  %s\n", err);
        return -1;
    }
    if (with_attrs) {
        CHECK_INT_EQ(rec_attr_str(r, "vdcsim_version", "9.8.7"), 0);
        CHECK_INT_EQ(rec_attr_str(r, "scenario_path", "scenarios/tiny.cfg"), 0);
        CHECK_INT_EQ(rec_attr_str(r, "scenario_text", "simulation: { seed = 7; };\n"), 0);
        CHECK_INT_EQ(rec_attr_i64(r, "seed", 7), 0);
        CHECK_INT_EQ(rec_attr_i64(r, "threads", 2), 0);
        CHECK_INT_EQ(rec_attr_i64(r, "until_ns", END_NS), 0);
        CHECK_INT_EQ(rec_attr_i64(r, "end_ns", END_NS), 0);
        CHECK_INT_EQ(rec_attr_f64(r, "wall_time_s", 0.5), 0);
        CHECK_INT_EQ(rec_attr_i64(r, "events", 1234), 0);
        CHECK_INT_EQ(rec_attr_i64(r, "windows", 3), 0);
        CHECK_INT_EQ(rec_attr_f64(r, "events_per_s", 2468.0), 0);
        CHECK_INT_EQ(rec_attr_i64(r, "lp_count", 3), 0);
    }
    int s_demand = rec_series_new(r, "host", "cpu_demand_mhz", "MHz", "hosts", N_HOSTS, 0, PERIOD_NS);
    int s_usage = rec_series_new(r, "host", "cpu_usage_mhz", "MHz", "hosts", N_HOSTS, 0, PERIOD_NS);
    int s_mem = rec_series_new(r, "host", "memory_committed_mib", "MiB", "hosts", N_HOSTS, 0, PERIOD_NS);
    int s_run = rec_series_new(r, "host", "vms_running", "1", "hosts", N_HOSTS, 0, PERIOD_NS);
    CHECK(s_demand >= 0 && s_usage >= 0 && s_mem >= 0 && s_run >= 0);
    int k_started = rec_event_kind(r, "vm_started");
    int k_other = rec_event_kind(r, "host_sampled");
    int k_failed = rec_event_kind(r, "vm_placement_failed");
    int k_placed = rec_event_kind(r, "vm_placed");
    CHECK(k_started >= 0 && k_other >= 0 && k_failed >= 0 && k_placed >= 0);
    int hosts = rec_table_new(r, "hosts", host_columns, 7);
    CHECK(hosts >= 0);
    CHECK_INT_EQ(add_host(r, hosts, "esx-01", 4, 250.0, 1024), 0);
    CHECK_INT_EQ(add_host(r, hosts, "esx-02", 4, 250.0, 1024), 0);

    uint64_t seq = 0;
    for (int k = 0; k < N_SAMPLES; k++) {
        sim_time_ns t = (sim_time_ns)k * PERIOD_NS;
        CHECK_INT_EQ(recorder_window_begin(r, t + PERIOD_NS), 0);
        for (int h = 0; h < N_HOSTS; h++) {
            if (!isnan(demand[k][h]))
                rec_series_put(r, s_demand, t, h, demand[k][h]);
            rec_series_put(r, s_usage, t, h, usage[k][h]);
            rec_series_put(r, s_mem, t, h, memory[k][h]);
            rec_series_put(r, s_run, t, h, running[k][h]);
        }
        /* sample 0: two placements and one failure; sample 1: two starts;
         * sample 2: one placement dated after the run's end (dropped). */
        if (k == 0) {
            rec_event(r, 0, t + 1, 0, seq++, k_placed, 0, 0, 0, 0.0);
            rec_event(r, 0, t + 2, 0, seq++, k_placed, 1, 1, 0, 0.0);
            rec_event(r, 0, t + 3, 0, seq++, k_failed, 2, -1, 0, 0.0);
        } else if (k == 1) {
            rec_event(r, 0, t + 1, 1, seq++, k_started, 0, 0, 0, 0.0);
            rec_event(r, 0, t + 1, 2, seq++, k_started, 1, 1, 0, 0.0);
            rec_event(r, 0, t + 5, 2, seq++, k_other, 1, 0, 0, 0.0);
        } else {
            rec_event(r, 0, END_NS + 5, 0, seq++, k_placed, 2, 0, 0, 0.0);
        }
        CHECK_INT_EQ(recorder_window_end(r, t + PERIOD_NS), 0);
    }
    int vms = rec_table_new(r, "vms", vm_columns, 9);
    CHECK(vms >= 0);
    CHECK_INT_EQ(add_vm(r, vms, "web-01", 0, "running"), 0);
    CHECK_INT_EQ(add_vm(r, vms, "web-02", 1, "running"), 0);
    CHECK_INT_EQ(add_vm(r, vms, "web-03", -1, "stopped"), 0);
    int rc = recorder_close(r, END_NS, err, sizeof err);
    CHECK_INT_EQ(rc, 0);
    if (rc != 0)
        fprintf(stderr, "  %s\n", err);
    return rc;
}

static void test_small_run(void)
{
    char path[1024], err[1024];
    path_in_tmp(path, sizeof path, "summary_small.h5");
    if (write_small(path, 1) != 0)
        return;
    run_summary s;
    int rc = run_summary_read(path, &s, err, sizeof err);
    CHECK_INT_EQ(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    CHECK_INT_EQ(s.format_version, REC_FORMAT_VERSION);
    CHECK(strcmp(s.vdcsim_version, "9.8.7") == 0);
    CHECK(strcmp(s.scenario_path, "scenarios/tiny.cfg") == 0);
    CHECK(s.has_seed && s.has_threads && s.has_until && s.has_end && s.has_wall_time && s.has_events &&
          s.has_events_per_s && s.has_windows && s.has_lp_count);
    CHECK_INT_EQ(s.seed, 7);
    CHECK_INT_EQ(s.threads, 2);
    CHECK_INT_EQ(s.until_ns, END_NS);
    CHECK_INT_EQ(s.end_ns, END_NS);
    CHECK_NEAR(s.wall_time_s, 0.5, 0);
    CHECK_INT_EQ(s.events, 1234);
    CHECK_NEAR(s.events_per_s, 2468.0, 0);
    CHECK_INT_EQ(s.windows, 3);
    CHECK_INT_EQ(s.lp_count, 3);

    /* hosts: 2 x (4 cores, 1000 MHz, 1024 MiB) */
    CHECK_INT_EQ(s.hosts, 2);
    CHECK_INT_EQ(s.cores, 8);
    CHECK_NEAR(s.cpu_capacity_mhz, 2000.0, 1e-9);
    CHECK_INT_EQ(s.memory_mib, 2048);

    /* VMs: 3 rows; events counted by name; the placement after the end is dropped */
    CHECK_INT_EQ(s.vms, 3);
    CHECK(s.has_events_log);
    CHECK_INT_EQ(s.vms_placed, 2);
    CHECK_INT_EQ(s.vm_placement_failures, 1);
    CHECK_INT_EQ(s.vms_started, 2);

    CHECK(s.has_host_series);
    CHECK_INT_EQ(s.samples, 3);
    CHECK_INT_EQ(s.sample_start_ns, 0);
    CHECK_INT_EQ(s.sample_period_ns, PERIOD_NS);
    CHECK_INT_EQ(s.last_sample_time_ns, 2 * PERIOD_NS);

    /* demand totals 300, 900, 500 (host 2's NaN at sample 2 left out):
     * mean 1700/3 MHz = 28.33 % of 2000, peak 900 = 45 % at 10 s */
    CHECK_NEAR(s.cpu_demand_mean_mhz, 1700.0 / 3.0, 1e-9);
    CHECK_NEAR(s.cpu_demand_mean_pct, 100.0 * 1700.0 / 3.0 / 2000.0, 1e-9);
    CHECK_NEAR(s.cpu_demand_peak_mhz, 900.0, 1e-9);
    CHECK_NEAR(s.cpu_demand_peak_pct, 45.0, 1e-9);
    CHECK_INT_EQ(s.cpu_demand_peak_time_ns, PERIOD_NS);

    /* usage totals 300, 900, 1100: mean 766.67 MHz = 38.33 %, peak 1100 = 55 % at 20 s */
    CHECK_NEAR(s.cpu_usage_mean_mhz, 2300.0 / 3.0, 1e-9);
    CHECK_NEAR(s.cpu_usage_mean_pct, 100.0 * 2300.0 / 3.0 / 2000.0, 1e-9);
    CHECK_NEAR(s.cpu_usage_peak_mhz, 1100.0, 1e-9);
    CHECK_NEAR(s.cpu_usage_peak_pct, 55.0, 1e-9);
    CHECK_INT_EQ(s.cpu_usage_peak_time_ns, 2 * PERIOD_NS);

    /* busiest host: esx-01 at 700 / 1000 at 20 s (esx-02 peaks at 60 %) */
    CHECK_INT_EQ(s.busiest_host, 0);
    CHECK(strcmp(s.busiest_host_name, "esx-01") == 0);
    CHECK_NEAR(s.busiest_host_peak_pct, 70.0, 1e-9);
    CHECK_INT_EQ(s.busiest_host_peak_time_ns, 2 * PERIOD_NS);

    /* last sample: 512 + 1024 MiB of 2048 = 75 %, 1 + 2 VMs running */
    CHECK_NEAR(s.memory_committed_last_mib, 1536.0, 1e-9);
    CHECK_NEAR(s.memory_committed_last_pct, 75.0, 1e-9);
    CHECK_NEAR(s.vms_running_last, 3.0, 1e-9);

    /* The printout: one screen, the numbers with their units, the path last. */
    char *text = NULL;
    size_t text_len = 0;
    FILE *mem = open_memstream(&text, &text_len);
    CHECK(mem != NULL);
    if (mem) {
        run_summary_print(&s, path, mem);
        fclose(mem);
        int lines = 0;
        for (const char *c = text; *c; c++)
            lines += *c == '\n';
        CHECK(lines > 5 && lines <= 24);
        CHECK_STR_CONTAINS(text, "9.8.7");
        CHECK_STR_CONTAINS(text, "scenarios/tiny.cfg");
        CHECK_STR_CONTAINS(text, "seed 7");
        CHECK_STR_CONTAINS(text, "2 threads");
        CHECK_STR_CONTAINS(text, "1234 executed");
        CHECK_STR_CONTAINS(text, "2468 events/s");
        CHECK_STR_CONTAINS(text, "3 windows");
        CHECK_STR_CONTAINS(text, "2 hosts: 8 cores, 2.0 GHz CPU, 2.0 GiB memory");
        CHECK_STR_CONTAINS(text, "3 VMs: 2 placed, 1 placement failures, 2 started");
        CHECK_STR_CONTAINS(text, "28.3 %");
        CHECK_STR_CONTAINS(text, "55.0 %");
        CHECK_STR_CONTAINS(text, "esx-01: peak usage 70.0 %");
        CHECK_STR_CONTAINS(text, "75.0 % committed");
        CHECK_STR_CONTAINS(text, path);
        fputs(text, stdout);
        free(text);
    }
}

/* Without the driver's attributes the summary still reads, flags them absent. */
static void test_without_run_attributes(void)
{
    char path[1024], err[1024];
    path_in_tmp(path, sizeof path, "summary_noattrs.h5");
    if (write_small(path, 0) != 0)
        return;
    run_summary s;
    CHECK_INT_EQ(run_summary_read(path, &s, err, sizeof err), 0);
    CHECK(!s.has_seed && !s.has_threads && !s.has_until && !s.has_wall_time && !s.has_events &&
          !s.has_events_per_s && !s.has_windows && !s.has_lp_count);
    CHECK(s.vdcsim_version[0] != '\0'); /* the recorder writes its own */
    CHECK(s.scenario_path[0] == '\0');
    CHECK_INT_EQ(s.hosts, 2);
    CHECK_NEAR(s.cpu_usage_peak_pct, 55.0, 1e-9);
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        run_summary_print(&s, path, null); /* must not crash on absent values */
        fclose(null);
    }
}

/* More rows than one read block: 300 hosts x 500 samples, usage[k][h] =
 * k + h, capacity 1000 MHz each. Sample totals 300 k + 44850; mean over
 * k = 0..499 is 300 * 249.5 + 44850 = 119700 MHz = 39.9 % of 300 GHz; the
 * peak is k = 499: 194550 MHz = 64.85 %; the busiest host is 299 at
 * 798 / 1000. No cpu_demand_mhz series: its numbers are NaN. */
static void test_many_blocks(void)
{
    enum { HOSTS = 300, SAMPLES = 500 };
    char path[1024], err[1024];
    path_in_tmp(path, sizeof path, "summary_blocks.h5");
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return;
    int u = rec_series_new(r, "host", "cpu_usage_mhz", "MHz", "hosts", HOSTS, 0, SIM_NS_PER_S);
    int table = rec_table_new(r, "hosts", host_columns, 7);
    CHECK(u >= 0 && table >= 0);
    for (int h = 0; h < HOSTS; h++) {
        char name[32];
        snprintf(name, sizeof name, "h%03d", h);
        CHECK_INT_EQ(add_host(r, table, name, 4, 250.0, 1024), 0);
    }
    sim_time_ns end = SAMPLES * SIM_NS_PER_S;
    CHECK_INT_EQ(recorder_window_begin(r, end), 0);
    for (int k = 0; k < SAMPLES; k++)
        for (int h = 0; h < HOSTS; h++)
            rec_series_put(r, u, (sim_time_ns)k * SIM_NS_PER_S, h, (double)(k + h));
    CHECK_INT_EQ(recorder_window_end(r, end), 0);
    CHECK_INT_EQ(recorder_close(r, end, err, sizeof err), 0);

    run_summary s;
    int rc = run_summary_read(path, &s, err, sizeof err);
    CHECK_INT_EQ(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    CHECK_INT_EQ(s.samples, SAMPLES);
    CHECK_INT_EQ(s.hosts, HOSTS);
    CHECK_NEAR(s.cpu_capacity_mhz, 300000.0, 1e-6);
    CHECK_NEAR(s.cpu_usage_mean_mhz, 119700.0, 1e-6);
    CHECK_NEAR(s.cpu_usage_mean_pct, 39.9, 1e-9);
    CHECK_NEAR(s.cpu_usage_peak_mhz, 194550.0, 1e-6);
    CHECK_NEAR(s.cpu_usage_peak_pct, 64.85, 1e-9);
    CHECK_INT_EQ(s.cpu_usage_peak_time_ns, 499 * SIM_NS_PER_S);
    CHECK_INT_EQ(s.busiest_host, 299);
    CHECK(strcmp(s.busiest_host_name, "h299") == 0);
    CHECK_NEAR(s.busiest_host_peak_pct, 79.8, 1e-9);
    CHECK(isnan(s.cpu_demand_mean_pct) && isnan(s.cpu_demand_peak_pct));
    CHECK_INT_EQ(s.cpu_demand_peak_time_ns, -1);
    CHECK(isnan(s.memory_committed_last_pct));
    CHECK_INT_EQ(s.vms, 0);
    CHECK(!s.has_events_log || s.vms_placed == 0);
}

/* Totals read from the recorder's total series (series_scan_total): the
 * per-sample sums of cpu_demand_mhz, cpu_useful_mhz, power_w and
 * memory_swapped_mib come from /series/cluster/<name> instead of every
 * host's cells, bit for bit the same numbers. 3 hosts x 6 samples, 10 s
 * apart; rows chosen so that the order of the additions shows:
 *   row 0: 0, 0, 0 -> 0 (no demand above 0: the workload starts later)
 *   row 1: all NaN -> no total: left out of mean and peak
 *   row 2: 1e16, 1, -1e16 -> (1e16 + 1) rounds to 1e16 (ulp 2 above 2^53),
 *          so the entity-order sum is 0 (any other order gives 1 or 2);
 *          the first row with a demand above 0, where the workload
 *          statistics start
 *   row 3: 100, NaN, 300 -> 400
 *   row 4: 0.1, 0.2, 0.3 -> (0.1 + 0.2) + 0.3 = 0.6000000000000001
 *   row 5: +inf, -inf, 5 -> NaN: no total either
 * By hand: the workload series' mean (0 + 400 + 0.6000000000000001) / 3
 * over rows 2-4, peak 400 at 30 s; power counts from row 0: mean
 * (0 + 0 + 400 + 0.6000000000000001) / 4. */
#define TOT_HOSTS 3
#define TOT_SAMPLES 6
static const char *const total_names[] = {"cpu_demand_mhz", "cpu_useful_mhz", "power_w", "memory_swapped_mib"};
#define N_TOTALS (sizeof total_names / sizeof total_names[0])

static double total_cell(int row, int h)
{
    static const double cells[TOT_SAMPLES][TOT_HOSTS] = {{0.0, 0.0, 0.0},     {NAN, NAN, NAN},
                                                         {1e16, 1.0, -1e16},  {100.0, NAN, 300.0},
                                                         {0.1, 0.2, 0.3},     {INFINITY, -INFINITY, 5.0}};
    return cells[row][h];
}

static int write_totals(const char *path)
{
    char err[512];
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return -1;
    int ids[N_TOTALS];
    for (size_t i = 0; i < N_TOTALS; i++) {
        ids[i] = rec_series_new(r, "host", total_names[i], "1", "hosts", TOT_HOSTS, 0, PERIOD_NS);
        CHECK(ids[i] >= 0 && rec_series_new_total(r, "cluster", total_names[i], "1", ids[i]) >= 0);
    }
    int hosts = rec_table_new(r, "hosts", host_columns, 7);
    CHECK(hosts >= 0);
    for (int h = 0; h < TOT_HOSTS; h++) {
        char name[16];
        snprintf(name, sizeof name, "esx-%d", h);
        CHECK_INT_EQ(add_host(r, hosts, name, 4, 250.0, 1024), 0);
    }
    for (int k = 0; k < TOT_SAMPLES; k++) {
        sim_time_ns t = (sim_time_ns)k * PERIOD_NS;
        CHECK_INT_EQ(recorder_window_begin(r, t + PERIOD_NS), 0);
        for (size_t i = 0; i < N_TOTALS; i++)
            for (int h = 0; h < TOT_HOSTS; h++)
                if (!isnan(total_cell(k, h)))
                    rec_series_put(r, ids[i], t, h, total_cell(k, h));
        CHECK_INT_EQ(recorder_window_end(r, t + PERIOD_NS), 0);
    }
    int rc = recorder_close(r, TOT_SAMPLES * PERIOD_NS, err, sizeof err);
    CHECK_INT_EQ(rc, 0);
    return rc;
}

/* Opens `path` for writing, runs edit on the dataset `dataset`. */
static int edit_dataset(const char *path, const char *dataset, int (*edit)(hid_t ds))
{
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0)
        return -1;
    hid_t ds = H5Dopen2(file, dataset, H5P_DEFAULT);
    int rc = ds >= 0 ? edit(ds) : -1;
    if (ds >= 0)
        H5Dclose(ds);
    H5Fclose(file);
    return rc;
}

static int forget_total(hid_t ds) { return H5Adelete(ds, "total") >= 0 ? 0 : -1; }

static int total_as_number(hid_t ds)
{
    if (H5Adelete(ds, "total") < 0)
        return -1;
    int64_t v = 7;
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(ds, "total", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a >= 0 && H5Awrite(a, H5T_NATIVE_INT64, &v) >= 0 ? 0 : -1;
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(space);
    return rc;
}

/* Row 2 of the demand total becomes 1e9: the summary shows what the total holds. */
static int plant_peak(hid_t ds)
{
    hsize_t start[2] = {2, 0}, count[2] = {1, 1};
    double v = 1e9;
    hid_t fs = H5Dget_space(ds), ms = H5Screate_simple(2, count, NULL);
    int rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
                     H5Dwrite(ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &v) >= 0
                 ? 0
                 : -1;
    H5Sclose(ms);
    H5Sclose(fs);
    return rc;
}

#define SAME_BITS(a, b) CHECK(memcmp(&(a), &(b), sizeof(a)) == 0)

/* A total declared after the first window leaves the rows already final
 * NaN: it is not named (no attribute `total` on its source), so the
 * summary sums the hosts' cells. One host, demand 100 then 300: mean 200. */
static void test_late_total_not_named(void)
{
    char path[1024], err[512];
    path_in_tmp(path, sizeof path, "summary_late_total.h5");
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return;
    int d = rec_series_new(r, "host", "cpu_demand_mhz", "MHz", "hosts", 1, 0, PERIOD_NS);
    int hosts = rec_table_new(r, "hosts", host_columns, 7);
    CHECK(d >= 0 && hosts >= 0 && add_host(r, hosts, "esx-0", 4, 250.0, 1024) == 0);
    CHECK_INT_EQ(recorder_window_begin(r, PERIOD_NS), 0);
    rec_series_put(r, d, 0, 0, 100.0);
    CHECK_INT_EQ(recorder_window_end(r, PERIOD_NS), 0);
    CHECK(rec_series_new_total(r, "cluster", "cpu_demand_mhz", "MHz", d) >= 0);
    CHECK_INT_EQ(recorder_window_begin(r, 2 * PERIOD_NS), 0);
    rec_series_put(r, d, PERIOD_NS, 0, 300.0);
    CHECK_INT_EQ(recorder_window_end(r, 2 * PERIOD_NS), 0);
    CHECK_INT_EQ(recorder_close(r, 2 * PERIOD_NS, err, sizeof err), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file >= 0) {
        hid_t ds = H5Dopen2(file, "/series/host/cpu_demand_mhz", H5P_DEFAULT);
        CHECK(ds >= 0 && H5Aexists(ds, "total") == 0);
        H5Dclose(ds);
        H5Fclose(file);
    }
    run_summary s;
    CHECK_INT_EQ(run_summary_read(path, &s, err, sizeof err), 0);
    CHECK(s.cpu_demand_mean_mhz == 200.0 && s.cpu_demand_peak_mhz == 300.0);
    remove(path);
}

static void test_totals_from_total_series(void)
{
    char path[1024], err[1024];
    path_in_tmp(path, sizeof path, "summary_totals.h5");
    if (write_totals(path) != 0)
        return;
    run_summary fast, slow;
    CHECK_INT_EQ(run_summary_read(path, &fast, err, sizeof err), 0);
    double mean = (0.0 + 400.0 + ((0.1 + 0.2) + 0.3)) / 3.0, power = (0.0 + 0.0 + 400.0 + ((0.1 + 0.2) + 0.3)) / 4.0;
    CHECK_INT_EQ(fast.stats_first_row, 2);
    CHECK(fast.cpu_demand_mean_mhz == mean);
    CHECK(fast.cpu_demand_peak_mhz == 400.0);
    CHECK_INT_EQ(fast.cpu_demand_peak_time_ns, 3 * PERIOD_NS);
    CHECK(fast.cpu_useful_mean_mhz == mean && fast.memory_swapped_mean_mib == mean);
    CHECK(fast.memory_swapped_peak_mib == 400.0 && fast.power_peak_w == 400.0);
    CHECK(fast.power_mean_w == power); /* idle hosts draw power: from row 0 */
    CHECK_NEAR(fast.energy_kwh, power * 4 * 10.0 / 3.6e6, 1e-18);

    /* Without the attributes that name the totals, every host's cells are
     * summed again: the same bits. */
    for (size_t i = 0; i < N_TOTALS; i++) {
        char ds[128];
        snprintf(ds, sizeof ds, "/series/host/%s", total_names[i]);
        CHECK_INT_EQ(edit_dataset(path, ds, forget_total), 0);
    }
    CHECK_INT_EQ(run_summary_read(path, &slow, err, sizeof err), 0);
    SAME_BITS(fast.cpu_demand_mean_mhz, slow.cpu_demand_mean_mhz);
    SAME_BITS(fast.cpu_demand_peak_mhz, slow.cpu_demand_peak_mhz);
    SAME_BITS(fast.cpu_demand_peak_time_ns, slow.cpu_demand_peak_time_ns);
    SAME_BITS(fast.cpu_useful_mean_mhz, slow.cpu_useful_mean_mhz);
    SAME_BITS(fast.power_mean_w, slow.power_mean_w);
    SAME_BITS(fast.power_peak_w, slow.power_peak_w);
    SAME_BITS(fast.energy_kwh, slow.energy_kwh);
    SAME_BITS(fast.memory_swapped_mean_mib, slow.memory_swapped_mean_mib);
    SAME_BITS(fast.memory_swapped_peak_mib, slow.memory_swapped_peak_mib);

    /* The total is what is read: a value planted in it shows (and the
     * host cells, which were not changed, would not). */
    CHECK_INT_EQ(write_totals(path), 0);
    CHECK_INT_EQ(edit_dataset(path, "/series/cluster/cpu_demand_mhz", plant_peak), 0);
    CHECK_INT_EQ(run_summary_read(path, &fast, err, sizeof err), 0);
    CHECK(fast.cpu_demand_peak_mhz == 1e9);

    /* A total that names another series back is not this series' total:
     * the hosts' cells are summed (the planted 1e9 is not seen). */
    CHECK_INT_EQ(write_totals(path), 0);
    CHECK_INT_EQ(edit_dataset(path, "/series/cluster/cpu_demand_mhz", plant_peak), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file >= 0) {
        hid_t ds = H5Dopen2(file, "/series/host/cpu_demand_mhz", H5P_DEFAULT);
        CHECK(ds >= 0 && H5Adelete(ds, "total") >= 0);
        hid_t type = H5Tcopy(H5T_C_S1);
        const char *other = "/series/cluster/power_w";
        H5Tset_size(type, strlen(other) + 1);
        hid_t space = H5Screate(H5S_SCALAR);
        hid_t a = H5Acreate2(ds, "total", type, space, H5P_DEFAULT, H5P_DEFAULT);
        CHECK(a >= 0 && H5Awrite(a, type, other) >= 0);
        H5Aclose(a);
        H5Sclose(space);
        H5Tclose(type);
        H5Dclose(ds);
        H5Fclose(file);
    }
    CHECK_INT_EQ(run_summary_read(path, &fast, err, sizeof err), 0);
    CHECK(fast.cpu_demand_peak_mhz == 400.0);

    /* A damaged attribute is refused with its name, not guessed around. */
    CHECK_INT_EQ(write_totals(path), 0);
    CHECK_INT_EQ(edit_dataset(path, "/series/host/power_w", total_as_number), 0);
    CHECK_INT_EQ(run_summary_read(path, &fast, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, "/series/host/power_w: attribute total is not a fixed-length string");
    remove(path);
}

/* Rewrites format_version behind the recorder's back. */
static int set_format_version(const char *path, int64_t version)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0)
        return -1;
    int rc = -1;
    if (H5Adelete(file, "format_version") >= 0) {
        hid_t space = H5Screate(H5S_SCALAR);
        hid_t attr = H5Acreate2(file, "format_version", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0 && H5Awrite(attr, H5T_NATIVE_INT64, &version) >= 0)
            rc = 0;
        if (attr >= 0)
            H5Aclose(attr);
        H5Sclose(space);
    }
    H5Fclose(file);
    return rc;
}

static void test_refusals(void)
{
    char path[1024], err[1024];
    run_summary s;

    path_in_tmp(path, sizeof path, "summary_v99.h5");
    if (write_small(path, 1) == 0) {
        CHECK_INT_EQ(set_format_version(path, 99), 0);
        CHECK_INT_EQ(run_summary_read(path, &s, err, sizeof err), -1);
        CHECK_STR_CONTAINS(err, path);
        CHECK_STR_CONTAINS(err, "format_version 99");
        CHECK_STR_CONTAINS(err, "format_version 2");
    }

    /* Version 1 kept names as variable-length strings: refused with the reason. */
    path_in_tmp(path, sizeof path, "summary_v1.h5");
    if (write_small(path, 1) == 0) {
        CHECK_INT_EQ(set_format_version(path, 1), 0);
        CHECK_INT_EQ(run_summary_read(path, &s, err, sizeof err), -1);
        CHECK_STR_CONTAINS(err, "format_version 1 is not supported");
        CHECK_STR_CONTAINS(err, "variable-length strings");
    }

    path_in_tmp(path, sizeof path, "summary_does_not_exist.h5");
    remove(path);
    err[0] = '\0';
    CHECK_INT_EQ(run_summary_read(path, &s, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, path);
    CHECK_STR_CONTAINS(err, "No such file");

    path_in_tmp(path, sizeof path, "summary_not_hdf5.h5");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("this is not an HDF5 file\n", f);
        fclose(f);
        CHECK_INT_EQ(run_summary_read(path, &s, err, sizeof err), -1);
        CHECK_STR_CONTAINS(err, path);
        CHECK_STR_CONTAINS(err, "not an HDF5 file");
    }

    /* an HDF5 file that is not a vdcsim run */
    path_in_tmp(path, sizeof path, "summary_foreign.h5");
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(file >= 0);
    if (file >= 0) {
        H5Fclose(file);
        CHECK_INT_EQ(run_summary_read(path, &s, err, sizeof err), -1);
        CHECK_STR_CONTAINS(err, path);
        CHECK_STR_CONTAINS(err, "not a vdcsim run file");
    }
}

/* The sample at t = 0 of a real run sees no VM (they start one control
 * latency later): the workload statistics start at the first sample with a
 * workload. One host of 4 x 250 MHz; samples at 0, 10, 20, 30 s with
 * demand 0, 400, 600, 200 and 0, 1, 1, 1 VMs running; power 100 W at every
 * sample (idle hosts draw power). By hand: demand mean over samples 1..3 =
 * 1200 / 3 = 400 MHz = 40 % of 1000 (not 1200 / 4 = 300); peak 600 at 20 s;
 * power mean 100 W over all four samples; "statistics from 00:00:10.000". */
static void test_statistics_start_with_the_workload(void)
{
    char path[1024], err[1024];
    path_in_tmp(path, sizeof path, "summary_first_row.h5");
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return;
    int s_demand = rec_series_new(r, "host", "cpu_demand_mhz", "MHz", "hosts", 1, 0, PERIOD_NS);
    int s_run = rec_series_new(r, "host", "vms_running", "1", "hosts", 1, 0, PERIOD_NS);
    int s_power = rec_series_new(r, "host", "power_w", "W", "hosts", 1, 0, PERIOD_NS);
    int hosts = rec_table_new(r, "hosts", host_columns, 7);
    CHECK(s_demand >= 0 && s_run >= 0 && s_power >= 0 && hosts >= 0);
    CHECK_INT_EQ(add_host(r, hosts, "esx-01", 4, 250.0, 1024), 0);
    static const double demand_mhz[4] = {0, 400, 600, 200}, running_vms[4] = {0, 1, 1, 1};
    for (int k = 0; k < 4; k++) {
        sim_time_ns t = (sim_time_ns)k * PERIOD_NS;
        CHECK_INT_EQ(recorder_window_begin(r, t + PERIOD_NS), 0);
        rec_series_put(r, s_demand, t, 0, demand_mhz[k]);
        rec_series_put(r, s_run, t, 0, running_vms[k]);
        rec_series_put(r, s_power, t, 0, 100.0);
        CHECK_INT_EQ(recorder_window_end(r, t + PERIOD_NS), 0);
    }
    CHECK_INT_EQ(recorder_close(r, 4 * PERIOD_NS, err, sizeof err), 0);
    run_summary s;
    CHECK_INT_EQ(run_summary_read(path, &s, err, sizeof err), 0);
    CHECK_INT_EQ(s.samples, 4);
    CHECK_INT_EQ(s.stats_first_row, 1);
    CHECK_NEAR(s.cpu_demand_mean_mhz, 400.0, 1e-9);
    CHECK_NEAR(s.cpu_demand_mean_pct, 40.0, 1e-9);
    CHECK_NEAR(s.cpu_demand_peak_mhz, 600.0, 1e-9);
    CHECK_INT_EQ(s.cpu_demand_peak_time_ns, 2 * PERIOD_NS);
    CHECK_NEAR(s.power_mean_w, 100.0, 1e-9);
    char *text = NULL;
    size_t text_len = 0;
    FILE *mem = open_memstream(&text, &text_len);
    CHECK(mem != NULL);
    if (mem) {
        run_summary_print(&s, path, mem);
        fclose(mem);
        CHECK_STR_CONTAINS(text, "statistics from 00:00:10.000 (first sample with a workload)");
        free(text);
    }
    remove(path);
}

int main(void)
{
    test_small_run();
    test_statistics_start_with_the_workload();
    test_without_run_attributes();
    test_many_blocks();
    test_totals_from_total_series();
    test_late_total_not_named();
    test_refusals();
    return CHECK_DONE();
}
