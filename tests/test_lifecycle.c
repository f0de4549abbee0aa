/* test_lifecycle.c - VM arrivals, boot, lifetime, power-off and admission
 * end to end: exact event times of a small run, computed by hand below. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "app/run.h"
#include "check.h"

#define S INT64_C(1000000000)

/* One host that holds one VM (16 GiB); VMs arrive at 0, 60 s and 120 s
 * (list), boot 120 s, live 1800 s; control latency L = 1 s.
 *  VM0: arrives 0, placed 1 (L later), start reaches the host at 2, runs at
 *       2 + 120 = 122; lifetime ends 1 + 1800 = 1801, the stop reaches the
 *       host at 1802 (vm_stopped), the release reaches the controller 1803.
 *  queue mode: VM1 (at the controller 61) and VM2 (121) wait; at 1803 VM1
 *       is placed: runs 1804 + 120 = 1924, stops 1803 + 1800 + 1 = 3604,
 *       released 3605, when VM2 is placed: runs 3726, stops 5406.
 *  reject mode: VM1 and VM2 are rejected at 61 and 121. */
static const char *scenario_text =
    "simulation = { until = \"4h\"; sample_period = \"30m\"; lookahead = \"1s\"; threads = 1; };\n"
    "hosts = ( { name = \"h\"; count = 1; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"16GiB\"; } );\n"
    "vms = ( { name = \"v\"; count = 3; vcpus = 1; memory = \"16GiB\";\n"
    "  arrival = { process = \"list\"; times = \"0s, 1m, 2m\"; };\n"
    "  lifetime = { distribution = \"deterministic\"; mean = \"30m\"; };\n"
    "  boot_time = { distribution = \"deterministic\"; mean = \"2m\"; }; } );\n";

enum { N_KINDS = 6, MAX_SEEN = 16 };
static const char *const kinds[N_KINDS] = {"vm_arrived", "vm_placed", "vm_queued", "vm_placement_failed",
                                           "vm_started", "vm_stopped"};

typedef struct seen {
    int n[N_KINDS];
    int64_t t[N_KINDS][MAX_SEEN], vm[N_KINDS][MAX_SEEN];
} seen;

static void collect(const h5r_event *e, void *arg)
{
    seen *s = arg;
    int k = e->kind;
    if (s->n[k] < MAX_SEEN) {
        s->t[k][s->n[k]] = e->time_ns;
        s->vm[k][s->n[k]] = e->subject;
    }
    s->n[k]++;
}

static int run_mode(const char *mode, const char *out, seen *s)
{
    char cfg[512], out_kv[600], mode_kv[128];
    snprintf(cfg, sizeof cfg, "%s/lifecycle.cfg", VDCSIM_TEST_TMPDIR);
    FILE *f = fopen(cfg, "w");
    if (!f)
        return -1;
    fputs(scenario_text, f);
    fclose(f);
    snprintf(out_kv, sizeof out_kv, "output.path=%s", out);
    snprintf(mode_kv, sizeof mode_kv, "placement.on_no_capacity=%s", mode);
    const char *overrides[] = {out_kv, mode_kv};
    run_options o = {.scenario_path = cfg, .overrides = overrides, .n_overrides = 2, .quiet = 1};
    if (run_scenario(&o) != 0)
        return -1;
    memset(s, 0, sizeof *s);
    char err[512];
    int64_t version;
    h5r_quiet q;
    h5r_quiet_begin(&q);
    hid_t file = h5r_open_run(out, &version, err, sizeof err);
    int rc = file >= 0 && h5r_events_each(file, kinds, N_KINDS, collect, s, err, sizeof err) == 1 ? 0 : -1;
    if (file >= 0)
        H5Fclose(file);
    h5r_quiet_end(&q);
    return rc;
}

static void expect(const seen *s, int kind, int n, const int64_t *t_s, const int64_t *vms)
{
    CHECK_INT_EQ(s->n[kind], n);
    for (int i = 0; i < n && i < s->n[kind]; i++) {
        CHECK_INT_EQ(s->t[kind][i], t_s[i] * S);
        CHECK_INT_EQ(s->vm[kind][i], vms[i]);
    }
}

static void read_column(const char *path, const char *table, const char *column, int n, int64_t *out)
{
    char err[512];
    int64_t version;
    h5r_quiet q;
    h5r_quiet_begin(&q);
    hid_t file = h5r_open_run(path, &version, err, sizeof err);
    hid_t ds = file >= 0 ? H5Dopen2(file, table, H5P_DEFAULT) : -1;
    CHECK(ds >= 0 && h5r_table_column_i64(ds, table, column, 0, (hsize_t)n, out, err, sizeof err) == 0);
    if (ds >= 0)
        H5Dclose(ds);
    if (file >= 0)
        H5Fclose(file);
    h5r_quiet_end(&q);
}

static void read_series(const char *path, const char *name, int n, double *out)
{
    int64_t version;
    char err[512];
    h5r_quiet q;
    h5r_quiet_begin(&q);
    hid_t file = h5r_open_run(path, &version, err, sizeof err);
    hid_t ds = file >= 0 ? H5Dopen2(file, name, H5P_DEFAULT) : -1;
    CHECK(ds >= 0 && h5r_read_rows_f64(ds, 0, (hsize_t)n, 1, out) == 0);
    if (ds >= 0)
        H5Dclose(ds);
    if (file >= 0)
        H5Fclose(file);
    h5r_quiet_end(&q);
}

int main(void)
{
    seen s;
    char out[512];
    snprintf(out, sizeof out, "%s/lifecycle_queue.h5", VDCSIM_TEST_TMPDIR);
    CHECK_INT_EQ(run_mode("queue", out, &s), 0);
    expect(&s, 0, 3, (int64_t[]){0, 60, 120}, (int64_t[]){0, 1, 2});
    expect(&s, 1, 3, (int64_t[]){1, 1803, 3605}, (int64_t[]){0, 1, 2});
    expect(&s, 2, 2, (int64_t[]){61, 121}, (int64_t[]){1, 2});
    expect(&s, 3, 0, NULL, NULL);
    expect(&s, 4, 3, (int64_t[]){122, 1924, 3726}, (int64_t[]){0, 1, 2});
    expect(&s, 5, 3, (int64_t[]){1802, 3604, 5406}, (int64_t[]){0, 1, 2});
    int64_t col[3] = {0};
    read_column(out, "/tables/vms", "stopped_ns", 3, col);
    CHECK(col[0] == 1802 * S && col[1] == 3604 * S && col[2] == 5406 * S);
    read_column(out, "/tables/vms", "arrived_ns", 3, col);
    CHECK(col[0] == 0 && col[1] == 60 * S && col[2] == 120 * S);
    /* samples every 30 min: live (placed, not released) and queued */
    double running[8], queued[8];
    read_series(out, "/series/cluster/vms_running", 8, running);
    read_series(out, "/series/cluster/vms_queued", 8, queued);
    double want_running[8] = {0, 1, 1, 1, 0, 0, 0, 0}, want_queued[8] = {0, 2, 1, 0, 0, 0, 0, 0};
    for (int k = 0; k < 8; k++) {
        CHECK_NEAR(running[k], want_running[k], 0);
        CHECK_NEAR(queued[k], want_queued[k], 0);
    }

    snprintf(out, sizeof out, "%s/lifecycle_reject.h5", VDCSIM_TEST_TMPDIR);
    CHECK_INT_EQ(run_mode("reject", out, &s), 0);
    expect(&s, 1, 1, (int64_t[]){1}, (int64_t[]){0});
    expect(&s, 2, 0, NULL, NULL);
    expect(&s, 3, 2, (int64_t[]){61, 121}, (int64_t[]){1, 2});
    expect(&s, 5, 1, (int64_t[]){1802}, (int64_t[]){0});
    double rejected[8];
    read_series(out, "/series/cluster/vms_rejected", 8, rejected);
    CHECK_NEAR(rejected[0], 0, 0);
    CHECK_NEAR(rejected[1], 2, 0);
    return CHECK_DONE();
}
