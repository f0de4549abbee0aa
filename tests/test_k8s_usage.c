/* test_k8s_usage.c - Kubernetes Deployment pods use CPU and memory in their
 * host's contention step. End to end: runs vdcsim, reads the HDF5 back.
 *
 * Common: samples every 10 s, lookahead (= control latency) 10 ms, API
 * latency 10 ms, pod start 2 s, cycle 5 ms. Deployment "web": 2 replicas,
 * cpu_usage 500 m and memory_usage 512 MiB per pod at 2 replicas. Cores
 * of 2000 MHz. Both pods run well before 10 s (bindings within 50 ms,
 * running 2 s later), and their usage came with their bindings.
 *
 * 1. VM node: one host of 16 cores, one VM of 8 vCPUs and 4 GiB with 100 MHz
 *    of its own demand and active memory 0.25. Each pod: 500 m x 2000 MHz /
 *    1000 = 1000 MHz, so at 10 s (row 1) the VM's demand is
 *    100 + 2 x 1000 = 2100 MHz and its active fraction 0.25 + 2 x 512/4096
 *    = 0.5: 2048 MiB of the host's active memory.
 *    A load step at 30 s to 1000 m per pod at 2 replicas: the scheduler's
 *    30 s sample takes it (1000 x 2 / 2 serving = 1000 m) and sends it; it
 *    reaches the host at 30.01 s, after the host's own 30 s sample: row 3
 *    still 2100 MHz, row 4 (40 s) 100 + 2 x 2000 = 4100 MHz.
 * 2. Host node: one host of 8 cores, no VMs: the pods' claim is the host's
 *    whole CPU demand, 2 x 1000 = 2000 MHz at 10 s.
 * 3. k8s_pod_cpu_mhz by hand: min(usage, limit) x MHz / 1000:
 *    (500 m, no limit, 2000 MHz) = 1000; (500, 300, 2000) = 600;
 *    (200, 300, 2000) = 400; (0, 0, 2000) = 0.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "models/kubernetes/k8s_scheduler_lp.h"
#include "tests/check.h"
#include "tests/run_h5.h"

static const char vm_text[] =
    "simulation = { until = \"60s\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
    "output = { per_vm_series = true; };\n"
    "hosts = ( { name = \"esx\"; count = 1; sockets = 1; cores_per_socket = 16; cpu = \"2000MHz\"; memory = \"64GiB\"; } );\n"
    "vms = ( { name = \"worker\"; count = 1; vcpus = 8; memory = \"4GiB\";\n"
    "          cpu_demand = { mean = \"100MHz\"; }; memory_demand = { mean = 0.25; }; } );\n"
    "kubernetes = { api_latency = \"10ms\"; pod_start = \"2s\";\n"
    "  node_groups = ( { group = \"worker\"; } );\n"
    "  scheduler = { cost = { cycle = \"5ms\"; filter_per_node_plugin = \"0s\"; score_per_node_plugin = \"0s\"; }; };\n"
    "  deployments = ( { name = \"web\"; replicas = 2; cpu_request = 1000; memory_request = \"256MiB\";\n"
    "                    cpu_usage = 500; memory_usage = \"512MiB\";\n"
    "                    load_steps = ( { at = \"30s\"; cpu_usage = 1000; } ); } );\n"
    "};\n";

static const char host_text[] =
    "simulation = { until = \"20s\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
    "hosts = ( { name = \"node\"; count = 1; sockets = 1; cores_per_socket = 8; cpu = \"2000MHz\"; memory = \"32GiB\"; } );\n"
    "kubernetes = { api_latency = \"10ms\"; pod_start = \"2s\";\n"
    "  node_groups = ( { group = \"node\"; } );\n"
    "  scheduler = { cost = { cycle = \"5ms\"; filter_per_node_plugin = \"0s\"; score_per_node_plugin = \"0s\"; }; };\n"
    "  deployments = ( { name = \"web\"; replicas = 2; cpu_request = 1000; memory_request = \"256MiB\";\n"
    "                    cpu_usage = 500; memory_usage = \"512MiB\"; } );\n"
    "};\n";



static void vm_node_case(void)
{
    hid_t f = run_h5("k8s_usage_vm", vm_text);
    if (f < 0)
        return;
    const char *demand = "/series/vm/cpu_demand_mhz";
    CHECK_NEAR(run_h5_series_at(f, demand, 1, 1, 0), 2100.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, demand, 3, 1, 0), 2100.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, demand, 4, 1, 0), 4100.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, "/series/host/memory_active_mib", 1, 1, 0), 2048.0, 1e-6);
    H5Fclose(f);
}

static void host_node_case(void)
{
    hid_t f = run_h5("k8s_usage_host", host_text);
    if (f < 0)
        return;
    CHECK_NEAR(run_h5_series_at(f, "/series/host/cpu_demand_mhz", 1, 1, 0), 2000.0, 1e-9);
    H5Fclose(f);
}

int main(void)
{
    vm_node_case();
    host_node_case();
    CHECK_NEAR(k8s_pod_cpu_mhz(500, 0, 2000.0), 1000.0, 0.0);
    CHECK_NEAR(k8s_pod_cpu_mhz(500, 300, 2000.0), 600.0, 0.0);
    CHECK_NEAR(k8s_pod_cpu_mhz(200, 300, 2000.0), 400.0, 0.0);
    CHECK_NEAR(k8s_pod_cpu_mhz(0, 0, 2000.0), 0.0, 0.0);
    return CHECK_DONE();
}
