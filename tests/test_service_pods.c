/* test_service_pods.c - a service whose replicas are the pods of a
 * Kubernetes Deployment (services.[].deployment). End to end: runs vdcsim,
 * reads the HDF5 tables back.
 *
 * Common: samples every 10 s, lookahead (= control latency) 10 ms, API
 * latency 10 ms, pod start 2 s; hosts of 2000 MHz cores; requests of a
 * deterministic 10 ms of work at full speed, round robin.
 *
 * 1. Uncontended: two host nodes of 8 cores, Deployment "web" of 2 pods of
 *    500 m (1000 MHz each, far below 16000 MHz): each pod gets all it wants,
 *    speed 1, so every request takes exactly 10 ms (Poisson 0.2/s on two
 *    replicas: no request finds its replica busy in this run). The vm_group
 *    equivalent (two VMs of 1 vCPU on the same two hosts) sees the
 *    same arrival stream: the same requests arrive and complete.
 * 2. Oversubscribed: one host node of 2 cores, 1 thread per core (4000 MHz
 *    schedulable), 2 pods of 2000 m each (4000 MHz each, 8000 MHz claimed):
 *    the water-filling gives each 2000 MHz, speed 2000/4000 = 0.5, so a
 *    request takes 10 ms / 0.5 = 20 ms exactly.
 * 3. Eviction: two nodes of 4 cores; "web" has 2 pods of 3000 m request (one
 *    per node). At 10 min Deployment "batch" (priority 1000, 3000 m)
 *    preempts one web pod; its replacement stays Pending (no room). Round
 *    robin alternates while both replicas serve, so up to 10 min the evicted
 *    slot takes exactly what it took in a run stopped at 10 min, and after
 *    that nothing: every later request goes to the other slot. Requests in
 *    the evicted replica's queue are dropped (as when a VM goes down);
 *    arrivals = completed + dropped. 1 and 2 threads give identical tables
 *    and series.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "tests/check.h"
#include "tests/run_h5.h"

#define COMMON_K8S                                                                                 \
    "kubernetes = { api_latency = \"10ms\"; pod_start = \"2s\"; node_groups = ( { group = \"node\"; } );\n"
#define SERVICE(target, extra)                                                                     \
    "services = ( { name = \"shop\"; " target "; " extra                                            \
    " service = { distribution = \"deterministic\"; mean = \"10ms\"; }; } );\n"

static const char pods_text[] =
    "simulation = { seed = 3; until = \"30m\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
    "hosts = ( { name = \"node\"; count = 2; sockets = 1; cores_per_socket = 8; cpu = \"2000MHz\"; memory = \"32GiB\"; } );\n"
    COMMON_K8S
    "  deployments = ( { name = \"web\"; replicas = 2; cpu_request = 1000; memory_request = \"256MiB\"; cpu_usage = 500; } );\n"
    "};\n" SERVICE("deployment = \"web\"", "warmup = \"1m\"; arrival = { rate = \"0.2/s\"; };");

static const char vms_text[] =
    "simulation = { seed = 3; until = \"30m\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
    "hosts = ( { name = \"node\"; count = 2; sockets = 1; cores_per_socket = 8; cpu = \"2000MHz\"; memory = \"32GiB\"; } );\n"
    "vms = ( { name = \"frontend\"; count = 2; vcpus = 1; memory = \"1GiB\"; cpu_demand = { mean = \"100MHz\"; }; } );\n"
    SERVICE("vm_group = \"frontend\"; replicas = 2", "warmup = \"1m\"; arrival = { rate = \"0.2/s\"; };");

static const char packed_text[] =
    "simulation = { seed = 3; until = \"30m\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
    "hosts = ( { name = \"node\"; count = 1; sockets = 1; cores_per_socket = 2; threads_per_core = 1;\n"
    "            cpu = \"2000MHz\"; memory = \"32GiB\"; } );\n"
    COMMON_K8S
    "  deployments = ( { name = \"web\"; replicas = 2; cpu_request = 500; memory_request = \"256MiB\"; cpu_usage = 2000; } );\n"
    "};\n" SERVICE("deployment = \"web\"", "warmup = \"1m\"; arrival = { rate = \"0.2/s\"; };");

static const char evict_text[] =
    "simulation = { seed = 3; until = \"20m\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
    "hosts = ( { name = \"node\"; count = 2; sockets = 1; cores_per_socket = 4; threads_per_core = 1;\n"
    "            cpu = \"2000MHz\"; memory = \"32GiB\"; } );\n"
    COMMON_K8S
    "  deployments = ( { name = \"web\"; replicas = 2; cpu_request = 3000; memory_request = \"256MiB\"; cpu_usage = 500; },\n"
    "                  { name = \"batch\"; replicas = 1; priority = 1000; start = \"10m\"; cpu_request = 3000;\n"
    "                    memory_request = \"256MiB\"; cpu_usage = 500; } );\n"
    "};\n" SERVICE("deployment = \"web\"", "arrival = { rate = \"1/s\"; };");

static int64_t table_i64(hid_t f, const char *table, const char *col, hsize_t row)
{
    char err[256];
    int64_t v = -1;
    hid_t ds = H5Dopen2(f, table, H5P_DEFAULT);
    CHECK(ds >= 0);
    if (ds < 0)
        return -1;
    if (h5r_table_column_i64(ds, table, col, row, 1, &v, err, sizeof err) != 0)
        fprintf(stderr, "%s\n", err);
    H5Dclose(ds);
    return v;
}

static double table_f64(hid_t f, const char *table, const char *col, hsize_t row)
{
    char err[256];
    double v = NAN;
    hid_t ds = H5Dopen2(f, table, H5P_DEFAULT);
    CHECK(ds >= 0);
    if (ds < 0)
        return NAN;
    if (h5r_table_column_f64(ds, table, col, row, 1, &v, err, sizeof err) != 0)
        fprintf(stderr, "%s\n", err);
    H5Dclose(ds);
    return v;
}

static void test_uncontended_like_vms(void)
{
    hid_t p = run_h5("service_pods_uncontended", pods_text);
    hid_t v = run_h5("service_pods_vm_equivalent", vms_text);
    if (p < 0 || v < 0)
        return;
    int64_t arrivals = table_i64(p, "/tables/services", "arrivals", 0);
    CHECK(arrivals > 100); /* 0.2/s over 29 min: about 350 */
    CHECK_INT_EQ(table_i64(p, "/tables/services", "replicas", 0), 2);
    CHECK_INT_EQ(table_i64(p, "/tables/services", "completed", 0), arrivals);
    CHECK_INT_EQ(table_i64(p, "/tables/services", "dropped", 0), 0);
    CHECK_NEAR(table_f64(p, "/tables/services", "mean_wait_ns", 0), 0.0, 0.0);
    CHECK_NEAR(table_f64(p, "/tables/services", "mean_sojourn_ns", 0), 10e6, 1e-3);
    CHECK_NEAR(table_f64(p, "/tables/services", "latency_p99_ns", 0), 10e6, 10e6 * 0.01);
    /* both replicas serve, round robin: half each */
    int64_t a0 = table_i64(p, "/tables/service_replicas", "arrivals", 0);
    int64_t a1 = table_i64(p, "/tables/service_replicas", "arrivals", 1);
    CHECK_INT_EQ(a0 + a1, arrivals);
    CHECK(a0 - a1 >= 0 && a0 - a1 <= 1);
    /* the vm_group equivalent: the same requests */
    CHECK_INT_EQ(table_i64(v, "/tables/services", "arrivals", 0), arrivals);
    CHECK_INT_EQ(table_i64(v, "/tables/services", "completed", 0), arrivals);
    CHECK_INT_EQ(table_i64(v, "/tables/service_replicas", "arrivals", 0), a0);
    H5Fclose(p);
    H5Fclose(v);
}

static void test_oversubscribed_half_speed(void)
{
    hid_t f = run_h5("service_pods_packed", packed_text);
    if (f < 0)
        return;
    int64_t arrivals = table_i64(f, "/tables/services", "arrivals", 0);
    CHECK(arrivals > 100);
    CHECK_INT_EQ(table_i64(f, "/tables/services", "completed", 0), arrivals);
    CHECK_NEAR(table_f64(f, "/tables/services", "mean_wait_ns", 0), 0.0, 0.0);
    CHECK_NEAR(table_f64(f, "/tables/services", "mean_sojourn_ns", 0), 20e6, 1e-3);
    CHECK_NEAR(table_f64(f, "/tables/services", "latency_p99_ns", 0), 20e6, 20e6 * 0.01);
    H5Fclose(f);
}

static void test_evicted_pod_leaves(void)
{
    hid_t full = run_h5("service_pods_evict", evict_text);
    char until[sizeof evict_text + 16];
    snprintf(until, sizeof until, "%s", evict_text);
    char *u = strstr(until, "\"20m\"");
    CHECK(u != NULL);
    if (u)
        memcpy(u, "\"10m\"", 5);
    hid_t before = run_h5("service_pods_evict_10m", until);
    if (full < 0 || before < 0)
        return;
    const char *rt = "/tables/service_replicas";
    int64_t b0 = table_i64(before, rt, "arrivals", 0), b1 = table_i64(before, rt, "arrivals", 1);
    int64_t f0 = table_i64(full, rt, "arrivals", 0), f1 = table_i64(full, rt, "arrivals", 1);
    CHECK(b0 > 200 && b1 > 200); /* both served up to 10 min */
    /* exactly one slot stopped taking requests at the eviction */
    int evicted0 = f0 == b0, evicted1 = f1 == b1;
    CHECK_INT_EQ(evicted0 + evicted1, 1);
    int64_t total = table_i64(full, "/tables/services", "arrivals", 0);
    int64_t dropped = table_i64(full, "/tables/services", "dropped", 0);
    CHECK_INT_EQ(f0 + f1 + dropped, total); /* dropped here: only arrivals before any pod ran */
    CHECK(evicted0 ? f1 > b1 + 500 : f0 > b0 + 500); /* the other slot took the last 10 min (~600) */
    CHECK_INT_EQ(table_i64(full, "/tables/services", "completed", 0) + dropped, total);
    H5Fclose(full);
    H5Fclose(before);

    run_h5_same_across_threads("service_pods_evict", evict_text);
}

int main(void)
{
    test_uncontended_like_vms();
    test_oversubscribed_half_speed();
    test_evicted_pod_leaves();
    return CHECK_DONE();
}
