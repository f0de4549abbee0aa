/* test_pods_host_failure.c - pods on a host node fail with their host and
 * start again when it is repaired. End to end: runs vdcsim, reads the HDF5
 * event log and series back.
 *
 * One host node-01 (4 cores), samples every 10 s, two pods "app" on it
 * (host node group), image 125 MB pulled at the default 1 Gbps = 125 MB/s:
 * 1 s, start latency exactly 2 s; the host fails at 100 s for 50 s.
 *   t=0    both created; one pull (the second pod waits for the same pull)
 *          ends at 1 s; both running at 3 s (pod_started, latency 3 s)
 *   t=100  the host fails: both pods fail (pod_failed, a = host 0), no pod
 *          runs: pods_running at 110 s (row 11) = 0 (it was 2 at 90 s)
 *   t=150  repaired: both pending again; the image is still on the node
 *          (released, not evicted), so both run at 152 s (latency 2 s);
 *          pods_running at 160 s (row 16) = 2.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"
#include "tests/check.h"
#include "tests/run_h5.h"

#define S 1000000000LL

static const char text[] =
    "simulation = { until = \"200s\"; sample_period = \"10s\"; };\n"
    "hosts = ( { name = \"node\"; count = 1; sockets = 1; cores_per_socket = 4; memory = \"16GiB\"; } );\n"
    "pods = ( { name = \"app\"; count = 2; node_group = \"node\";\n"
    "    cpu_demand = { mean = 300.0; }; memory_demand = { mean = \"100MiB\"; };\n"
    "    image = { size = \"125MB\"; };\n"
    "    startup = { distribution = \"deterministic\"; mean = \"2s\"; }; } );\n"
    "failures = { inject = ( { target = \"host node-01\"; at = \"100s\"; duration = \"50s\"; } ); };\n";

int main(void)
{
    hid_t f = run_h5("pods_host_failure", text);
    if (f < 0)
        return CHECK_DONE();
    h5r_event ev[8];
    size_t n = run_h5_events(f, "pod_failed", ev, 8);
    CHECK_INT_EQ(n, 2);
    for (size_t i = 0; i < n && i < 2; i++) {
        CHECK_INT_EQ(ev[i].time_ns, 100 * S);
        CHECK_INT_EQ(ev[i].a, 0);
    }
    n = run_h5_events(f, "pod_started", ev, 8);
    CHECK_INT_EQ(n, 4);
    static const long long at_s[4] = {3, 3, 152, 152};
    static const double latency_s[4] = {3.0, 3.0, 2.0, 2.0};
    for (size_t i = 0; i < n && i < 4; i++) {
        CHECK_INT_EQ(ev[i].time_ns, at_s[i] * S);
        CHECK_NEAR(ev[i].value, latency_s[i], 1e-9);
    }
    CHECK_NEAR(run_h5_series_at(f, "/series/host/pods_running", 9, 1, 0), 2.0, 0.0);
    CHECK_NEAR(run_h5_series_at(f, "/series/host/pods_running", 11, 1, 0), 0.0, 0.0);
    CHECK_NEAR(run_h5_series_at(f, "/series/host/pods_running", 16, 1, 0), 2.0, 0.0);
    H5Fclose(f);
    return CHECK_DONE();
}
