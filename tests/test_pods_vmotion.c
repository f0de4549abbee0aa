/* test_pods_vmotion.c - a VM node is vMotioned with its pods: they keep
 * running on the destination (no failure, no restart, no NotReady, no
 * eviction), their pending timers fire at their original due times there,
 * and runs with 1 and 2 threads are identical. End to end: runs vdcsim and
 * reads the HDF5 output back.
 *
 * Both cases: two hosts of 1 socket x 4 (16) cores at 1000 MHz, 10 Gbps,
 * one worker VM placed first fit on esx-01 (host 0) at t = 0, dirty rate 0;
 * DRS threshold 1 (no balancing moves); esx-01's maintenance window begins
 * at 600 s. As in test_drs_run's maintenance case: the evacuation request
 * reaches the controller one control latency L (= the lookahead: 1 s by
 * default, 10 ms in case 2) later, whose pass starts the one mandatory move
 * at once; a VM of V bytes takes exactly V / 1.25e9 B/s; the handover goes
 * to the source L later and the arrive event to the destination L after.
 *
 * 1. pods.[] on the VM (1 GiB, 2 vCPUs, 100 MHz of its own demand):
 *    vMotion 2^30 / 1.25e9 = 0.8589934592 s: done 601.859 s, handed over
 *    602.859 s, arrives 603.859 s on esx-02 (host 1).
 *    "app": 2 pods, 300 m each, no limit, 1 thread, overhead factor 1:
 *    each wants 0.3 core x 1000 MHz = 300 MHz; the VM is not contended
 *    (demand 100 + 600 = 700 MHz <= 2000), so the pods get their want:
 *      540 s: pods_running (3, 0), pods_cpu_usage_mhz (600, 0)
 *      660 s: pods_running (0, 3), pods_cpu_usage_mhz (0, 600) - the pods'
 *             CPU now comes out of esx-02's contention step; the VM's
 *             demand there is 100 + 600 = 700 MHz.
 *    "late": 1 pod starting at 700 s (pending at the move: its start timer
 *    is re-armed on esx-02 at 700 s): image 125 MB at 1 Gbps = 1 s, start
 *    latency 2 s: pod_started at 703 s on host 1, latency 3 s.
 *    "crashy": 1 pod (pod 3) of no CPU that crashes 605 s after it runs
 *    (deterministic), i.e. after the move: its crash timer is re-armed on
 *    esx-02 at its original due time, so pod_crashed is exactly 605 s after
 *    its pod_started, on host 1; the first exit restarts at once (back-off
 *    0): pod_restarted at the same instant on host 1, pod_started again 2 s
 *    later (image on the VM node).
 *    No pod_failed; pods 0, 1 and 3 started before 600 s.
 * 2. Kubernetes on the VM (4 GiB, 8 vCPUs): vMotion 4 x 2^30 / 1.25e9 =
 *    3.4359738368 s from 600.01 s: done 603.4459738368 s, arrives 603.466 s
 *    (a k8s_node_ready of its own would come 10 ms later). API latency 10 ms,
 *    pod start 2 s, cycle 5 ms. Deployment "web" of 3 pods runs from the
 *    start. Job "batch" (1 pod, 600 s) created at 20 s: cycle at 20.000,
 *    the binding reaches the node at 20.015, running at 22.015, done at
 *    622.015 (its timer moved with it to esx-02), heard at 622.025:
 *    k8s_job_complete at 622.025 s, value 602.025 s. No NotReady, no
 *    eviction, one node_ready (the first start), 4 pods scheduled and 4
 *    running, 3 ready replicas at 660 s, the VM started once.
 *    The Deployment's pods use 500 m each (3 serving at 3 replicas), the
 *    Job's pod 0 m: 3 x 500 m x 1000 MHz / 1000 = 1500 MHz in the VM's
 *    demand besides its own 100 MHz, so host cpu_demand_mhz reads
 *    (1600, 0) at 540 s and (0, 1600) at 660 s: the kubelet pods moved
 *    into esx-02's contention step with their usage.
 * 3. Both scenarios with 1 and 2 threads: /series, /events and /tables
 *    identical (scripts/h5same).
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "tests/check.h"
#include "tests/run_h5.h"

#define S 1000000000LL
#define MS 1000000LL

static const char pods_text[] =
    "simulation = { until = \"15m\"; sample_period = \"1m\"; };\n"
    "output = { per_vm_series = true; };\n"
    "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 4; cpu = \"1000MHz\";\n"
    "            memory = \"16GiB\"; nic_speed = \"10Gbps\"; } );\n"
    "vms = ( { name = \"worker\"; count = 1; vcpus = 2; memory = \"1GiB\"; dirty_rate = 0.0;\n"
    "          cpu_demand = { mean = \"100MHz\"; }; } );\n"
    "pods = (\n"
    "  { name = \"app\"; count = 2; node_group = \"worker\"; requests = { cpu = 300; memory = \"64MiB\"; };\n"
    "    cpu_demand = { mean = 300.0; }; cpu_threads = 1; cpu_overhead_factor = 1.0;\n"
    "    memory_demand = { mean = \"100MiB\"; }; },\n"
    "  { name = \"late\"; count = 1; node_group = \"worker\"; start = \"700s\"; requests = { cpu = 100; memory = \"64MiB\"; };\n"
    "    cpu_demand = { mean = 100.0; }; memory_demand = { mean = \"50MiB\"; };\n"
    "    image = { size = \"125MB\"; };\n"
    "    startup = { distribution = \"deterministic\"; mean = \"2s\"; }; },\n"
    "  { name = \"crashy\"; count = 1; node_group = \"worker\"; requests = { cpu = 100; memory = \"64MiB\"; };\n"
    "    cpu_demand = { mean = 0.0; }; memory_demand = { mean = \"50MiB\"; };\n"
    "    startup = { distribution = \"deterministic\"; mean = \"2s\"; };\n"
    "    crash = { distribution = \"deterministic\"; mean = \"605s\"; }; } );\n"
    "drs = { enabled = true; threshold = 1; };\n"
    "failures = { maintenance = ( { target = \"host esx-01\"; at = \"10m\"; duration = \"10m\"; } ); };\n";

static const char k8s_text[] =
    "simulation = { until = \"15m\"; sample_period = \"1m\"; control_latency = \"10ms\"; };\n"
    "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 16; cpu = \"1000MHz\";\n"
    "            memory = \"64GiB\"; nic_speed = \"10Gbps\"; } );\n"
    "vms = ( { name = \"worker\"; count = 1; vcpus = 8; memory = \"4GiB\"; dirty_rate = 0.0;\n"
    "          cpu_demand = { mean = \"100MHz\"; }; } );\n"
    "drs = { enabled = true; threshold = 1; };\n"
    "failures = { maintenance = ( { target = \"host esx-01\"; at = \"10m\"; duration = \"10m\"; } ); };\n"
    "kubernetes = { api_latency = \"10ms\"; pod_start = \"2s\";\n"
    "  node_groups = ( { group = \"worker\"; } );\n"
    "  scheduler = { cost = { cycle = \"5ms\"; filter_per_node_plugin = \"0s\"; score_per_node_plugin = \"0s\"; }; };\n"
    "  deployments = ( { name = \"web\"; replicas = 3; cpu_request = 1000; memory_request = \"256MiB\";\n"
    "                    cpu_usage = 500; } );\n"
    "  jobs = ( { name = \"batch\"; completions = 1; parallelism = 1; duration = \"600s\"; start = \"20s\"; } );\n"
    "};\n";

/* Writes text to NAME.cfg, runs it with `threads` threads into NAME.h5. */




static void pods_case(void)
{
    hid_t f = run_h5("pods_vmotion", pods_text);
    if (f < 0)
        return;
    h5r_event ev[8];
    CHECK_INT_EQ(run_h5_events(f, "vmotion_done", ev, 8), 1);
    CHECK(ev[0].time_ns >= 601858993459LL && ev[0].time_ns <= 601858993460LL);
    CHECK_INT_EQ(run_h5_events(f, "vm_started", ev, 8), 1); /* never restarted */
    CHECK_INT_EQ(run_h5_events(f, "pod_failed", ev, 8), 0);
    size_t n = run_h5_events(f, "pod_started", ev, 8);
    CHECK_INT_EQ(n, 5);
    int64_t crashy_started = -1;
    int late_seen = 0;
    for (size_t i = 0; i < n && i < 8; i++) {
        if (ev[i].subject == 2) { /* "late": start timer re-armed on esx-02 */
            late_seen++;
            CHECK_INT_EQ(ev[i].time_ns, 703 * S);
            CHECK_INT_EQ(ev[i].a, 1);
            CHECK_NEAR(ev[i].value, 3.0, 1e-9);
        } else if (ev[i].subject == 3 && crashy_started < 0) {
            crashy_started = ev[i].time_ns;
        } else if (ev[i].subject != 3) {
            CHECK(ev[i].time_ns < 600 * S);
        }
    }
    CHECK_INT_EQ(late_seen, 1);
    CHECK(crashy_started > 0 && crashy_started < 600 * S);
    CHECK_INT_EQ(run_h5_events(f, "pod_crashed", ev, 8), 1);
    CHECK_INT_EQ(ev[0].time_ns, crashy_started + 605 * S);
    CHECK_INT_EQ(ev[0].subject, 3);
    CHECK_INT_EQ(ev[0].a, 1);
    CHECK_INT_EQ(run_h5_events(f, "pod_restarted", ev, 8), 1);
    CHECK_INT_EQ(ev[0].time_ns, crashy_started + 605 * S);
    CHECK_INT_EQ(ev[0].a, 1);
    const char *running = "/series/host/pods_running", *cpu = "/series/host/pods_cpu_usage_mhz";
    CHECK_NEAR(run_h5_series_at(f, running, 9, 2, 0), 3.0, 0.0); /* app x 2 + crashy */
    CHECK_NEAR(run_h5_series_at(f, running, 9, 2, 1), 0.0, 0.0);
    CHECK_NEAR(run_h5_series_at(f, cpu, 9, 2, 0), 600.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, cpu, 9, 2, 1), 0.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, running, 11, 2, 0), 0.0, 0.0);
    CHECK_NEAR(run_h5_series_at(f, running, 11, 2, 1), 3.0, 0.0);
    CHECK_NEAR(run_h5_series_at(f, cpu, 11, 2, 0), 0.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, cpu, 11, 2, 1), 600.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, "/series/vm/cpu_demand_mhz", 11, 1, 0), 700.0, 1e-9);
    H5Fclose(f);
}

static void k8s_case(void)
{
    hid_t f = run_h5("k8s_vmotion", k8s_text);
    if (f < 0)
        return;
    h5r_event ev[8];
    CHECK_INT_EQ(run_h5_events(f, "vmotion_done", ev, 8), 1);
    CHECK(ev[0].time_ns >= 603445973836LL && ev[0].time_ns <= 603445973837LL);
    CHECK_INT_EQ(run_h5_events(f, "vm_started", ev, 8), 1);
    CHECK_INT_EQ(run_h5_events(f, "k8s_node_not_ready", ev, 8), 0);
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_evicted", ev, 8), 0);
    CHECK_INT_EQ(run_h5_events(f, "k8s_node_ready", ev, 8), 1);
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_scheduled", ev, 8), 4);
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_running", ev, 8), 4);
    size_t n = run_h5_events(f, "k8s_job_complete", ev, 8);
    CHECK_INT_EQ(n, 1);
    if (n == 1) {
        CHECK_INT_EQ(ev[0].time_ns, 622025 * MS);
        CHECK_NEAR(ev[0].value, 602.025, 1e-9);
    }
    CHECK_NEAR(run_h5_series_at(f, "/series/k8s_deployment/ready_replicas", 11, 1, 0), 3.0, 0.0);
    CHECK_NEAR(run_h5_series_at(f, "/series/host/vms_running", 11, 2, 1), 1.0, 0.0);
    const char *demand = "/series/host/cpu_demand_mhz";
    CHECK_NEAR(run_h5_series_at(f, demand, 9, 2, 0), 1600.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, demand, 9, 2, 1), 0.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, demand, 11, 2, 0), 0.0, 1e-9);
    CHECK_NEAR(run_h5_series_at(f, demand, 11, 2, 1), 1600.0, 1e-9);
    H5Fclose(f);
}

int main(void)
{
    pods_case();
    k8s_case();
    run_h5_same_across_threads("pods_vmotion", pods_text);
    run_h5_same_across_threads("k8s_vmotion", k8s_text);
    return CHECK_DONE();
}
