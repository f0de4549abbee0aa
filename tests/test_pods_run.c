/* test_pods_run.c - end to end: a pod whose memory limit is too small is
 * OOM-killed at every sample it runs through and restarted with the
 * kubelet's back-off; the event log read back from the HDF5 file holds
 * exactly the hand-computed times.
 *
 * Scenario: samples every 10 s for 600 s; one pod, memory 300 MiB against
 * a 256 MiB limit; image 125 MB pulled at 1 Gbps = 125 MB/s -> 1 s; start
 * latency exactly 2 s.
 *   t=0    created: pull 1 s + start 2 s -> running at 3 (latency 3 s)
 *   t=10   sample: 300 > 256 -> OOM kill #1; first exit: restart at once
 *          (back-off 0), running at 12 (the image is on the node: 2 s)
 *   t=20   kill #2, wait 10 -> restart 30, running 32
 *   t=40   kill #3, wait 20 -> restart 60, running 62
 *   t=70   kill #4, wait 40 -> restart 110, running 112
 *   t=120  kill #5, wait 80 -> restart 200, running 202
 *   t=210  kill #6, wait 160 -> restart 370, running 372
 *   t=380  kill #7, wait 300 (320 capped) -> 680, after the end
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "tests/check.h"
#include "tests/run_h5.h"

static const char scenario_text[] =
    "simulation = { until = \"600s\"; sample_period = \"10s\"; };\n"
    "hosts = ( { name = \"k8s\"; count = 1; sockets = 1; cores_per_socket = 4; memory = \"16GiB\"; } );\n"
    "pods = ( { name = \"leaky\";\n"
    "    limits = { memory = \"256MiB\"; };\n"
    "    memory_demand = { mean = \"300MiB\"; };\n"
    "    image = { size = \"125MB\"; };\n"
    "    startup = { distribution = \"deterministic\"; mean = \"2s\"; }; } );\n";

#define S 1000000000LL

static void check_times(hid_t f, const char *kind, const long long *want_s, size_t n_want, const double *values)
{
    h5r_event ev[16];
    size_t n = 0;
    char err[256];
    CHECK_INT_EQ(h5r_events_of_kind(f, kind, ev, 16, &n, err, sizeof err), 1);
    CHECK_INT_EQ(n, n_want);
    for (size_t i = 0; i < n && i < n_want; i++) {
        CHECK_INT_EQ(ev[i].time_ns, want_s[i] * S);
        CHECK_INT_EQ(ev[i].subject, 0);
        if (values)
            CHECK_NEAR(ev[i].value, values[i], 1e-9);
    }
}

int main(void)
{
    char out[512];
    CHECK_INT_EQ(run_h5_file("pods_oom", scenario_text, 1, out, sizeof out), 0);

    char err[512];
    int64_t version;
    h5r_quiet q;
    h5r_quiet_begin(&q);
    hid_t f = h5r_open_run(out, &version, err, sizeof err);
    CHECK(f >= 0);
    if (f < 0) {
        fprintf(stderr, "%s\n", err);
        h5r_quiet_end(&q);
        return CHECK_DONE();
    }
    static const long long kills[] = {10, 20, 40, 70, 120, 210, 380};
    static const double kill_mib[] = {300, 300, 300, 300, 300, 300, 300};
    check_times(f, "pod_oom_killed", kills, 7, kill_mib);
    static const long long restarts[] = {10, 30, 60, 110, 200, 370};
    static const double waits[] = {0, 10, 20, 40, 80, 160};
    check_times(f, "pod_restarted", restarts, 6, waits);
    static const long long starts[] = {3, 12, 32, 62, 112, 202, 372};
    static const double latencies[] = {3, 2, 2, 2, 2, 2, 2};
    check_times(f, "pod_started", starts, 7, latencies);
    check_times(f, "pod_crashed", NULL, 0, NULL);

    /* The pods table: the pod ends waiting in back-off. */
    hid_t t = H5Dopen2(f, "/tables/pods", H5P_DEFAULT);
    CHECK(t >= 0);
    int64_t v;
    double d;
    char s[64];
    CHECK_INT_EQ(h5r_table_column_i64(t, "/tables/pods", "restarts", 0, 1, &v, err, sizeof err), 0);
    CHECK_INT_EQ(v, 6);
    CHECK_INT_EQ(h5r_table_column_i64(t, "/tables/pods", "oom_kills", 0, 1, &v, err, sizeof err), 0);
    CHECK_INT_EQ(v, 7);
    CHECK_INT_EQ(h5r_table_column_f64(t, "/tables/pods", "startup_latency_s", 0, 1, &d, err, sizeof err), 0);
    CHECK_NEAR(d, 3.0, 1e-12);
    CHECK_INT_EQ(h5r_table_column_str(t, "/tables/pods", "state", 0, s, sizeof s, err, sizeof err), 0);
    CHECK(strcmp(s, "backoff") == 0);
    CHECK_INT_EQ(h5r_table_column_str(t, "/tables/pods", "qos", 0, s, sizeof s, err, sizeof err), 0);
    CHECK(strcmp(s, "Burstable") == 0);
    H5Dclose(t);

    /* The host series: 7 kills in all, one of them in the 10 s sample. The
     * pod runs only between samples ([3,10), [12,20), [32,40), ...): every
     * sample that finds it running kills it, so no row counts it running. */
    hid_t ds = H5Dopen2(f, "/series/host/pod_oom_kills", H5P_DEFAULT);
    double col[60];
    CHECK_INT_EQ(h5r_read_rows_f64(ds, 0, 60, 1, col), 0);
    double total = 0;
    for (int i = 0; i < 60; i++)
        total += col[i];
    CHECK_NEAR(total, 7.0, 0.0);
    CHECK_NEAR(col[1], 1.0, 0.0); /* the kill at 10 s */
    H5Dclose(ds);
    ds = H5Dopen2(f, "/series/host/pods_running", H5P_DEFAULT);
    CHECK_INT_EQ(h5r_read_rows_f64(ds, 0, 60, 1, col), 0);
    total = 0;
    for (int i = 0; i < 60; i++)
        total += col[i];
    CHECK_NEAR(total, 0.0, 0.0);
    H5Dclose(ds);
    H5Fclose(f);
    h5r_quiet_end(&q);
    return CHECK_DONE();
}
