/* test_k8s_run.c - the Kubernetes control plane end to end (the
 * kube-scheduler LP, kubelets in host LPs, controllers): every expected
 * value below is worked by hand from the model's rules
 * (docs/kubernetes.md, "The control plane in a run").
 *
 * Common settings: lookahead = API latency = 10 ms; scheduling cost 5 ms
 * per cycle (per-node costs 0); kubelet start 2 s; nodes are hosts of
 * 8 cores and 32 GiB (8000 m); pods request 1000 m and 1 GiB.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "tests/check.h"
#include "tests/run_h5.h"

#define MS 1000000LL
#define S 1000000000LL

static const char common[] =
    "simulation = { until = \"%s\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
    "hosts = ( { name = \"node\"; count = %d; sockets = 1; cores_per_socket = 8; memory = \"32GiB\"; } );\n";
static const char sched[] =
    "  api_latency = \"10ms\"; pod_start = \"2s\";\n"
    "  node_groups = ( { group = \"node\"; } );\n"
    "  scheduler = { cost = { cycle = \"5ms\"; filter_per_node_plugin = \"0s\"; score_per_node_plugin = \"0s\"; };\n";

/* Writes cfg text to NAME.cfg, runs it into NAME.h5 and opens that. */

/* Row `row` of a series with `cols` entities. */


/* 20 identical pods at t=0, one scheduler: cycle k (k = 0..19) starts at
 * k x 5 ms; the binding reaches the node at (k+1) x 5 ms + 10 ms, and the
 * pod's latency from creation is that. Samples: row 0 (t=0) holds pod 0
 * only (15 ms; 19 pods still pending), row 1 the other 19: p50 is the 10th
 * of them (pod 10: 11 x 5 + 10 = 65 ms), p99 the 19th (pod 19: 110 ms).
 * LeastAllocated + system default spreading: 5 pods on each of 4 nodes. */
static void test_throughput_and_spread(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, common, "30s", 4);
    snprintf(text + n, sizeof text - (size_t)n,
             "kubernetes = {\n%s  };\n"
             "  deployments = ( { name = \"web\"; replicas = 20; cpu_request = 1000; memory_request = \"1GiB\"; } );\n"
             "};\n",
             sched);
    hid_t f = run_h5("k8s_throughput", text);
    if (f < 0)
        return;
    h5r_event ev[32];
    size_t got = run_h5_events(f, "k8s_pod_scheduled", ev, 32);
    CHECK_INT_EQ(got, 20);
    for (size_t k = 0; k < got && k < 20; k++) {
        CHECK_INT_EQ(ev[k].time_ns, (int64_t)k * 5 * MS);
        CHECK_NEAR(ev[k].value, ((double)(k + 1) * 5.0 + 10.0) / 1000.0, 1e-12);
    }
    double v[4];
    run_h5_series_row(f, "/series/k8s/schedule_latency_p99_ns", 0, 1, v);
    CHECK_NEAR(v[0], 15.0 * MS, 0.0);
    run_h5_series_row(f, "/series/k8s/schedule_latency_p50_ns", 1, 1, v);
    CHECK_NEAR(v[0], 65.0 * MS, 0.0);
    run_h5_series_row(f, "/series/k8s/schedule_latency_p99_ns", 1, 1, v);
    CHECK_NEAR(v[0], 110.0 * MS, 0.0);
    run_h5_series_row(f, "/series/k8s/pending_pods", 0, 1, v);
    CHECK_NEAR(v[0], 19.0, 0.0);
    run_h5_series_row(f, "/series/k8s/pending_pods", 1, 1, v);
    CHECK_NEAR(v[0], 0.0, 0.0);
    run_h5_series_row(f, "/series/k8s_node/pods", 2, 4, v);
    double lo = v[0], hi = v[0];
    for (int i = 1; i < 4; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    CHECK(hi - lo <= 1.0);
    CHECK_NEAR(v[0] + v[1] + v[2] + v[3], 20.0, 0.0);
    /* 5 pods x 1000 m requested on each node; all 20 running by 10 s */
    run_h5_series_row(f, "/series/k8s_node/cpu_requested_m", 2, 4, v);
    CHECK_NEAR(v[0] + v[1] + v[2] + v[3], 20000.0, 0.0);
    run_h5_series_row(f, "/series/k8s_deployment/ready_replicas", 1, 1, v);
    CHECK_NEAR(v[0], 20.0, 0.0);
    /* memory used defaults to the request: 20 x 1024 MiB */
    run_h5_series_row(f, "/series/k8s_node/memory_used_mib", 2, 4, v);
    CHECK_NEAR(v[0] + v[1] + v[2] + v[3], 20480.0, 0.0);
    run_h5_series_row(f, "/series/k8s_node/memory_requested_mib", 2, 4, v);
    CHECK_NEAR(v[0] + v[1] + v[2] + v[3], 20480.0, 0.0);
    H5Fclose(f);
}

/* MostAllocated without spreading: the first pod picks one of 4 empty
 * nodes, every later pod the fullest node that still fits; a node holds
 * 8000 m / 1000 m = 8 pods. The bind sequence is 8, 8, 4 pods per node,
 * each node filled before the next is touched. */
static void test_most_allocated_fills(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, common, "30s", 4);
    snprintf(text + n, sizeof text - (size_t)n,
             "kubernetes = {\n%s"
             "    profiles = ( { scheduler_name = \"default-scheduler\";\n"
             "      plugins = ( { name = \"PodTopologySpread\"; enabled = false; },\n"
             "                  { name = \"NodeResourcesBalancedAllocation\"; enabled = false; } );\n"
             "      scoring_strategy = { type = \"MostAllocated\"; }; } );\n  };\n"
             "  deployments = ( { name = \"web\"; replicas = 20; cpu_request = 1000; memory_request = \"1GiB\"; } );\n"
             "};\n",
             sched);
    hid_t f = run_h5("k8s_most_allocated", text);
    if (f < 0)
        return;
    h5r_event ev[32];
    size_t got = run_h5_events(f, "k8s_pod_scheduled", ev, 32);
    CHECK_INT_EQ(got, 20);
    int runs[20] = {0}, n_runs = 0, seen[4] = {0};
    for (size_t k = 0; k < got && k < 20; k++) {
        if (k == 0 || ev[k].a != ev[k - 1].a) {
            CHECK(ev[k].a >= 0 && ev[k].a < 4 && !seen[ev[k].a]); /* a node is never returned to */
            if (ev[k].a >= 0 && ev[k].a < 4)
                seen[ev[k].a] = 1;
            n_runs++;
        }
        runs[n_runs - 1]++;
    }
    CHECK_INT_EQ(n_runs, 3);
    CHECK_INT_EQ(runs[0], 8);
    CHECK_INT_EQ(runs[1], 8);
    CHECK_INT_EQ(runs[2], 4);
    H5Fclose(f);
}

/* Job: completions 4, parallelism 2, run 10 s, created at 20 s.
 *   20.000, 20.005  cycles; bindings reach the node at 20.015, 20.020
 *   22.015, 22.020  running; done at 32.015, 32.020; the scheduler hears at
 *                   32.025, 32.030 and creates one pod each time
 *   32.025 cycle -> bind 32.040 -> running 34.040 -> done 44.040 -> heard 44.050
 *   32.030 cycle -> bind 32.045 -> running 34.045 -> done 44.045 -> heard 44.055
 * Complete at 44.055 s, 24.055 s after creation. */
static void test_job_completion(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, common, "60s", 2);
    snprintf(text + n, sizeof text - (size_t)n,
             "kubernetes = {\n%s  };\n"
             "  jobs = ( { name = \"batch\"; completions = 4; parallelism = 2; duration = \"10s\"; start = \"20s\"; } );\n"
             "};\n",
             sched);
    hid_t f = run_h5("k8s_job", text);
    if (f < 0)
        return;
    h5r_event ev[4];
    CHECK_INT_EQ(run_h5_events(f, "k8s_job_complete", ev, 4), 1);
    CHECK_INT_EQ(ev[0].time_ns, 44055 * MS);
    CHECK_NEAR(ev[0].value, 24.055, 1e-9);
    CHECK_INT_EQ(ev[0].a, 4);
    H5Fclose(f);
}

/* Host node-01 fails at 100 s. Its kubelet's report reaches the scheduler
 * at 100.01 s; the node is NotReady at 100 + 40 = 140 s and its pods are
 * evicted at 140 + 300 = 440 s, then replaced on the other nodes. 6 pods
 * spread 2-2-2 over 3 nodes, so 2 evictions. */
static void test_node_failure_timeline(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, common, "500s", 3);
    snprintf(text + n, sizeof text - (size_t)n,
             "failures = { inject = ( { target = \"host node-01\"; at = \"100s\"; duration = \"1h\"; } ); };\n"
             "kubernetes = {\n%s  };\n"
             "  deployments = ( { name = \"web\"; replicas = 6; cpu_request = 1000; memory_request = \"1GiB\"; } );\n"
             "};\n",
             sched);
    hid_t f = run_h5("k8s_node_failure", text);
    if (f < 0)
        return;
    h5r_event ev[16];
    CHECK_INT_EQ(run_h5_events(f, "k8s_node_not_ready", ev, 16), 1);
    CHECK_INT_EQ(ev[0].time_ns, 140 * S);
    CHECK_INT_EQ(ev[0].subject, 0);
    size_t got = run_h5_events(f, "k8s_pod_evicted", ev, 16);
    CHECK_INT_EQ(got, 2);
    for (size_t k = 0; k < got && k < 16; k++) {
        CHECK_INT_EQ(ev[k].time_ns, 440 * S);
        CHECK_INT_EQ(ev[k].a, 0);
    }
    got = run_h5_events(f, "k8s_pod_scheduled", ev, 16);
    CHECK_INT_EQ(got, 8);
    for (size_t k = 6; k < got && k < 16; k++) {
        CHECK_INT_EQ(ev[k].time_ns / S, 440);
        CHECK(ev[k].a != 0);
    }
    double v[3];
    run_h5_series_row(f, "/series/k8s/evictions", 44, 1, v);
    CHECK_NEAR(v[0], 2.0, 0.0);
    run_h5_series_row(f, "/series/k8s_node/ready", 13, 3, v); /* 130 s: still Ready */
    CHECK_NEAR(v[0], 1.0, 0.0);
    run_h5_series_row(f, "/series/k8s_node/ready", 14, 3, v); /* 140 s */
    CHECK_NEAR(v[0], 0.0, 0.0);
    run_h5_series_row(f, "/series/k8s_deployment/ready_replicas", 20, 1, v); /* the 2 on node-01 are gone */
    CHECK_NEAR(v[0], 4.0, 0.0);
    run_h5_series_row(f, "/series/k8s_deployment/ready_replicas", 45, 1, v); /* 450 s: replaced and running */
    CHECK_NEAR(v[0], 6.0, 0.0);
    H5Fclose(f);
}

/* HPA: 4 replicas requesting 1000 m at 400 m each (40 %), target 50 %, no
 * behavior (the legacy path, issue 14 item 4). Syncs every 15 s from
 * creation; the HPA reads each pod's CPU averaged over the metrics-server
 * window (15 s, scrapes at multiples of 15 s). At 15 s the pods (running at
 * ~2 s) have a fresh window that began before they turned Ready: unready,
 * no usable metric, no change. 30..60 s: ratio 0.8 -> ceil(3.2) = 4.
 * The load steps to 900 m per pod at 61 s (offered 3600 m). Sync at 75 s:
 * window [60, 75] = (400 x 1 + 900 x 14) / 15 = 866.7 -> 867 m (MilliValue
 * rounds up); utilisation int(4 x 867 x 100 / 4000) = 86 %, ratio 1.72 ->
 * ceil(6.88) = 7, under the legacy limit max(2 x 4, 4) = 8: 4 -> 7 (the
 * instantaneous 900 m gave 8 before). The 3 new pods run by
 * 75 + 3 x 5 ms + 10 ms + 2 s < 80 s; each of the 7 then uses 3600 / 7 =
 * 514 m (integer millicores). At 90 s the new pods' fresh windows began
 * before Ready: unready, counted at 0 for a scale-up, which flips the
 * ratio below 1: no change. From 105 s: 7 x 514 m = 51 %, within the 0.1
 * tolerance: 7. The load drops back to 400 m at 301 s (1600 m over 7 =
 * 228 m): at 315 s the window gives (514 + 14 x 228) / 15 = 247.07 -> 248 m,
 * 24 %, ratio 0.48 -> ceil(3.36) = 4, and every later sync 22 % -> 4. The
 * legacy stabilisation keeps the highest recommendation not before
 * now - 300 s (inclusive edge): the 7 of 300 s is still in at 600 s and
 * drops out at 615 s: 7 -> 4 at 615 s.
 * The kubelets add that usage to their host nodes' CPU demand (2600 MHz
 * cores): 1600 m -> 4160 MHz at 40 s and still at 70 s (the scheduler's
 * 70 s sample takes the 61 s step; its k8s.usage reaches the hosts at
 * 70.01 s); at 80 s the 7 pods use 514 m each: 3598 m -> 9354.8 MHz. */
static void test_hpa_step(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, common, "700s", 4);
    snprintf(text + n, sizeof text - (size_t)n,
             "kubernetes = {\n%s  };\n"
             "  deployments = ( { name = \"web\"; replicas = 4; cpu_request = 1000; memory_request = \"1GiB\";\n"
             "    cpu_usage = 400; load_steps = ( { at = \"61s\"; cpu_usage = 900; }, { at = \"301s\"; cpu_usage = 400; } );\n"
             "    hpa = { enabled = true; min_replicas = 1; max_replicas = 20; target_cpu_utilization = 50; }; } );\n"
             "};\n",
             sched);
    hid_t f = run_h5("k8s_hpa", text);
    if (f < 0)
        return;
    h5r_event ev[8];
    size_t got = run_h5_events(f, "k8s_hpa_scaled", ev, 8);
    CHECK_INT_EQ(got, 2);
    if (got >= 2) {
        CHECK_INT_EQ(ev[0].time_ns, 75 * S);
        CHECK_INT_EQ(ev[0].a, 4);
        CHECK_INT_EQ(ev[0].b, 7);
        CHECK_INT_EQ(ev[1].time_ns, 615 * S);
        CHECK_INT_EQ(ev[1].a, 7);
        CHECK_INT_EQ(ev[1].b, 4);
    }
    double v[1];
    run_h5_series_row(f, "/series/k8s_deployment/ready_replicas", 8, 1, v); /* 80 s */
    CHECK_NEAR(v[0], 7.0, 0.0);
    /* CPU used on the nodes is the offered load: 4 x 400 m at 40 s, 7 x 514 m at 80 s */
    double u[4];
    run_h5_series_row(f, "/series/k8s_node/cpu_used_m", 4, 4, u);
    CHECK_NEAR(u[0] + u[1] + u[2] + u[3], 1600.0, 0.0);
    run_h5_series_row(f, "/series/k8s_node/cpu_used_m", 8, 4, u);
    CHECK_NEAR(u[0] + u[1] + u[2] + u[3], 3598.0, 0.0);
    const char *demand = "/series/host/cpu_demand_mhz";
    run_h5_series_row(f, demand, 4, 4, u);
    CHECK_NEAR(u[0] + u[1] + u[2] + u[3], 4160.0, 1e-9);
    run_h5_series_row(f, demand, 7, 4, u);
    CHECK_NEAR(u[0] + u[1] + u[2] + u[3], 4160.0, 1e-9);
    run_h5_series_row(f, demand, 8, 4, u);
    CHECK_NEAR(u[0] + u[1] + u[2] + u[3], 9354.8, 1e-9);
    run_h5_series_row(f, "/series/k8s_deployment/replicas", 61, 1, v); /* 610 s */
    CHECK_NEAR(v[0], 7.0, 0.0);
    run_h5_series_row(f, "/series/k8s_deployment/replicas", 62, 1, v); /* 620 s */
    CHECK_NEAR(v[0], 4.0, 0.0);
    H5Fclose(f);
}

/* Pods on a VM node follow the VM. One worker VM (boot time 0) runs on
 * esx-01 (first fit) with 3 pods. esx-01 fails at 100 s; vSphere HA
 * restarts the VM on esx-02 after its 15 s detection time, at T (read from
 * the vm_started log). The kubelet there reports the node at T + 10 ms,
 * before the 140 s NotReady deadline, so: no NotReady, no eviction, no new
 * scheduling; the 3 pods are bound again to the same node and run at
 * T + 10 ms (report) + 10 ms (binding) + 2 s (start). */
static void test_vm_node_follows_vm(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, "%s",
                     "simulation = { until = \"200s\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
                     "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 16; memory = \"64GiB\"; } );\n"
                     "vms = ( { name = \"worker\"; count = 1; vcpus = 8; memory = \"32GiB\"; } );\n"
                     "failures = { detection_time = \"15s\";\n"
                     "  inject = ( { target = \"host esx-01\"; at = \"100s\"; duration = \"1h\"; } ); };\n");
    snprintf(text + n, sizeof text - (size_t)n,
             "kubernetes = {\n%s  };\n"
             "  deployments = ( { name = \"web\"; replicas = 3; cpu_request = 1000; memory_request = \"1GiB\"; } );\n"
             "};\n",
             "  api_latency = \"10ms\"; pod_start = \"2s\";\n"
             "  node_groups = ( { group = \"worker\"; } );\n"
             "  scheduler = { cost = { cycle = \"5ms\"; filter_per_node_plugin = \"0s\"; score_per_node_plugin = \"0s\"; };\n");
    hid_t f = run_h5("k8s_vm_follow", text);
    if (f < 0)
        return;
    h5r_event ev[8];
    size_t got = run_h5_events(f, "vm_started", ev, 8);
    CHECK_INT_EQ(got, 2);
    int64_t t_vm = got >= 2 ? ev[1].time_ns : 0;
    CHECK(t_vm > 115 * S && t_vm < 116 * S);
    CHECK_INT_EQ(ev[1].a, 1); /* on esx-02 */
    got = run_h5_events(f, "k8s_node_ready", ev, 8);
    CHECK_INT_EQ(got, 2); /* at the first start and after the restart */
    if (got >= 2) {
        CHECK_INT_EQ(ev[1].time_ns, t_vm + 10 * MS);
        CHECK_INT_EQ(ev[1].a, 1);
    }
    CHECK_INT_EQ(run_h5_events(f, "k8s_node_not_ready", ev, 8), 0);
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_evicted", ev, 8), 0);
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_scheduled", ev, 8), 3);
    double v[1];
    run_h5_series_row(f, "/series/k8s_deployment/ready_replicas", 13, 1, v); /* 130 s */
    CHECK_NEAR(v[0], 3.0, 0.0);
    run_h5_series_row(f, "/series/k8s_node/cpu_requested_m", 13, 1, v);
    CHECK_NEAR(v[0], 3000.0, 0.0);
    H5Fclose(f);
}

/* Preemption through the LP. One node (8000 m) full with 8 low-priority
 * pods (bound at 0, 5, ..., 35 ms). A priority-1000 pod arrives at 10 s:
 * no node fits, DefaultPreemption removes the 8 lower-priority pods and
 * reprieves them most important first (equal priority: earlier start
 * first) while the preemptor still fits: 7 return, the newest (pod 7)
 * is the victim, evicted by an event at 10 s. The preemptor goes back to
 * activeQ and, at the next cycle 5 ms + 20 us (one node dry-run) later,
 * takes the room: latency 5.02 + 5 + 10 ms. The victim's replacement
 * (pod 9) finds the node full and nothing it may preempt. */
static void test_preemption(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, common, "30s", 1);
    snprintf(text + n, sizeof text - (size_t)n,
             "kubernetes = {\n%s  };\n"
             "  deployments = ( { name = \"low\"; replicas = 8; cpu_request = 1000; memory_request = \"1GiB\"; },\n"
             "    { name = \"high\"; replicas = 1; priority = 1000; start = \"10s\"; cpu_request = 1000; memory_request = \"1GiB\"; } );\n"
             "};\n",
             sched);
    hid_t f = run_h5("k8s_preemption", text);
    if (f < 0)
        return;
    h5r_event ev[16];
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_preempted", ev, 16), 1);
    CHECK_INT_EQ(ev[0].time_ns, 10 * S);
    CHECK_INT_EQ(ev[0].subject, 7);
    CHECK_INT_EQ(ev[0].a, 0);
    CHECK_INT_EQ(ev[0].b, 8);
    size_t got = run_h5_events(f, "k8s_pod_scheduled", ev, 16);
    CHECK_INT_EQ(got, 9);
    if (got == 9) {
        CHECK_INT_EQ(ev[8].subject, 8);
        CHECK_INT_EQ(ev[8].time_ns, 10 * S + 5 * MS + 20000);
        CHECK_NEAR(ev[8].value, 0.02002, 1e-12);
    }
    double v[2];
    run_h5_series_row(f, "/series/k8s/preemptions", 1, 1, v); /* the 10 s sample */
    CHECK_NEAR(v[0], 1.0, 0.0);
    run_h5_series_row(f, "/series/k8s_deployment/ready_replicas", 2, 2, v); /* 20 s */
    CHECK_NEAR(v[0], 7.0, 0.0);
    CHECK_NEAR(v[1], 1.0, 0.0);
    run_h5_series_row(f, "/series/k8s/pending_pods", 2, 1, v);
    CHECK_NEAR(v[0], 1.0, 0.0);
    H5Fclose(f);
}

/* Cluster Autoscaler over a node group of 4 worker VMs (8 vCPU, boot 0),
 * 1 powered on and in the cluster at the start, min 1. A Job runs 12 pods
 * of 1000 m at once for 200 s: 8 fit on node 0, 4 stay unschedulable. The
 * scan at 10 s asks for ceil(4 x 1000 / 8000) = 1 node (binpacking): after
 * the 120 s provisioning, VM 1's power-on reaches the cluster controller
 * at 130.01 s, its start the host at 130.02 s, its kubelet's report the
 * scheduler at 130.03 s: node 1 joins and takes the 4 pods. Node 0
 * empties at ~202 s: unneeded from the scan at 210 s (0 % < 50 %), past the
 * 10 min delay-after-add (10 + 600 s); deleted 10 min later, at 810 s, and
 * its VM powered off at 810.01 s. Node 1 (empty from ~332 s) stays: the
 * group is at its minimum of 1. VMs 2 and 3 never power on. */
static void test_cluster_autoscaler(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, "%s",
                     "simulation = { until = \"1000s\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
                     "hosts = ( { name = \"esx\"; count = 2; sockets = 2; cores_per_socket = 16; memory = \"256GiB\"; } );\n"
                     "vms = ( { name = \"worker\"; count = 4; vcpus = 8; memory = \"32GiB\"; } );\n");
    snprintf(text + n, sizeof text - (size_t)n,
             "kubernetes = {\n  api_latency = \"10ms\"; pod_start = \"2s\";\n"
             "  node_groups = ( { group = \"worker\"; autoscaled = true; min_nodes = 1; initial_nodes = 1; } );\n"
             "  scheduler = { cost = { cycle = \"5ms\"; filter_per_node_plugin = \"0s\"; score_per_node_plugin = \"0s\"; }; };\n"
             "  jobs = ( { name = \"batch\"; completions = 12; parallelism = 12; duration = \"200s\";\n"
             "             cpu_request = 1000; memory_request = \"1GiB\"; } );\n"
             "};\n");
    hid_t f = run_h5("k8s_ca", text);
    if (f < 0)
        return;
    h5r_event ev[8];
    CHECK_INT_EQ(run_h5_events(f, "k8s_ca_scale_up", ev, 8), 1);
    CHECK_INT_EQ(ev[0].time_ns, 10 * S);
    CHECK_INT_EQ(ev[0].a, 1);
    CHECK_INT_EQ(ev[0].b, 4);
    size_t got = run_h5_events(f, "k8s_node_ready", ev, 8);
    CHECK_INT_EQ(got, 2); /* node 0 at its VM's start, node 1 when it joins */
    if (got == 2) {
        CHECK_INT_EQ(ev[1].subject, 1);
        CHECK_INT_EQ(ev[1].time_ns, 130 * S + 30 * MS);
        CHECK_INT_EQ(ev[1].b, 1);
    }
    got = run_h5_events(f, "vm_started", ev, 8);
    CHECK_INT_EQ(got, 2);
    if (got == 2) {
        CHECK_INT_EQ(ev[0].subject, 0);
        CHECK_INT_EQ(ev[0].time_ns, 10 * MS);
        CHECK_INT_EQ(ev[1].subject, 1);
        CHECK_INT_EQ(ev[1].time_ns, 130 * S + 20 * MS);
    }
    CHECK_INT_EQ(run_h5_events(f, "vm_stopped", ev, 8), 1);
    CHECK_INT_EQ(ev[0].subject, 0);
    CHECK_INT_EQ(ev[0].time_ns, 810 * S + 10 * MS);
    CHECK_INT_EQ(run_h5_events(f, "k8s_node_not_ready", ev, 8), 0); /* a deleted node is not NotReady */
    CHECK_INT_EQ(run_h5_events(f, "k8s_ca_scale_down", ev, 8), 1);
    CHECK_INT_EQ(ev[0].time_ns, 810 * S);
    CHECK_INT_EQ(ev[0].subject, 0);
    CHECK_INT_EQ(run_h5_events(f, "k8s_job_complete", ev, 8), 1);
    CHECK(ev[0].time_ns > 332 * S && ev[0].time_ns < 333 * S); /* 130 s + start 2 s + 200 s + latencies */
    double v[4];
    run_h5_series_row(f, "/series/k8s_node/pods", 14, 4, v); /* 140 s */
    CHECK_NEAR(v[0], 8.0, 0.0);
    CHECK_NEAR(v[1], 4.0, 0.0);
    run_h5_series_row(f, "/series/k8s_node/ready", 81, 4, v); /* 810 s: node 0 gone, node 1 kept */
    CHECK_NEAR(v[0], 0.0, 0.0);
    CHECK_NEAR(v[1], 1.0, 0.0);
    H5Fclose(f);
}

/* The default cost model on 4 empty nodes with the default profile: every
 * cycle filters 4 nodes with 7 Filter plugins (NodeUnschedulable, NodeName,
 * TaintToleration, NodeAffinity, NodeResourcesFit, PodTopologySpread,
 * InterPodAffinity) and scores 4 with 7 Score plugins (TaintToleration,
 * NodeAffinity, NodeResourcesFit, PodTopologySpread, InterPodAffinity,
 * NodeResourcesBalancedAllocation, ImageLocality):
 * 200 us + 4 x 7 x 1 us + 4 x 7 x 2 us = 284 us. Pod i of 3 created at 0
 * reaches its kubelet at i x 284 us + 10 ms. */
static void test_default_cost(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, common, "10s", 4);
    snprintf(text + n, sizeof text - (size_t)n,
             "kubernetes = { api_latency = \"10ms\"; node_groups = ( { group = \"node\"; } );\n"
             "  deployments = ( { name = \"web\"; replicas = 3; cpu_request = 1000; memory_request = \"1GiB\"; } ); };\n");
    hid_t f = run_h5("k8s_default_cost", text);
    if (f < 0)
        return;
    h5r_event ev[4];
    size_t got = run_h5_events(f, "k8s_pod_scheduled", ev, 4);
    CHECK_INT_EQ(got, 3);
    for (size_t i = 0; i < got && i < 3; i++) {
        CHECK_INT_EQ(ev[i].time_ns, (int64_t)i * 284000);
        CHECK_NEAR(ev[i].value, ((double)(i + 1) * 284e-6) + 0.010, 1e-12);
    }
    H5Fclose(f);
}

/* The only host node is down for 20 s (less than the 40 s grace period):
 * its kubelet reports it lost at 100 s and back at 120 s (heard at
 * 120.01 s). No NotReady, no eviction, no new scheduling: the 3 pods still
 * bound to it are sent to it again and run 2 s later. The API view never saw them stop: the
 * Deployment has 3 ready replicas at the 110 s sample too. */
static void test_host_node_short_outage(void)
{
    char text[4096];
    int n = snprintf(text, sizeof text, common, "200s", 1);
    snprintf(text + n, sizeof text - (size_t)n,
             "failures = { inject = ( { target = \"host node-01\"; at = \"100s\"; duration = \"20s\"; } ); };\n"
             "kubernetes = {\n%s  };\n"
             "  deployments = ( { name = \"web\"; replicas = 3; cpu_request = 1000; memory_request = \"1GiB\"; } );\n"
             "};\n",
             sched);
    hid_t f = run_h5("k8s_short_outage", text);
    if (f < 0)
        return;
    h5r_event ev[8];
    CHECK_INT_EQ(run_h5_events(f, "k8s_node_not_ready", ev, 8), 0);
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_evicted", ev, 8), 0);
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_scheduled", ev, 8), 3);
    size_t got = run_h5_events(f, "k8s_node_ready", ev, 8);
    CHECK_INT_EQ(got, 1);
    if (got == 1) {
        CHECK_INT_EQ(ev[0].subject, 0);
        CHECK_INT_EQ(ev[0].a, 0);
        CHECK_INT_EQ(ev[0].time_ns, 120 * S + 10 * MS);
    }
    /* running reports: first at 5k + 10 + 2000 + 10 ms (k = 1..3), then all
     * 3 after the restart: binding 120.02 s, running 122.02 s, heard 122.03 s */
    got = run_h5_events(f, "k8s_pod_running", ev, 8);
    CHECK_INT_EQ(got, 6);
    for (size_t k = 0; k < got && k < 6; k++)
        CHECK_INT_EQ(ev[k].time_ns, k < 3 ? (int64_t)(k + 1) * 5 * MS + 2020 * MS : 122 * S + 30 * MS);
    double v[1];
    run_h5_series_row(f, "/series/k8s_deployment/ready_replicas", 11, 1, v);
    CHECK_NEAR(v[0], 3.0, 0.0);
    run_h5_series_row(f, "/series/k8s_deployment/ready_replicas", 13, 1, v);
    CHECK_NEAR(v[0], 3.0, 0.0);
    H5Fclose(f);
}

int main(void)
{
    h5r_quiet q;
    h5r_quiet_begin(&q);
    test_throughput_and_spread();
    test_default_cost();
    test_most_allocated_fills();
    test_job_completion();
    test_node_failure_timeline();
    test_hpa_step();
    test_vm_node_follows_vm();
    test_preemption();
    test_cluster_autoscaler();
    test_host_node_short_outage();
    h5r_quiet_end(&q);
    return CHECK_DONE();
}
