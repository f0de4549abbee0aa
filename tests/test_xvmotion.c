/* test_xvmotion.c - cross-cluster vMotion (vcenter.migrations,
 * models/vsphere/xvmotion.c, docs/clusters.md) with expected values worked
 * out by hand from the pre-copy series of reference models.md 3.1:
 * round i sends V*lambda^i at R, lambda = D/R; it stops once the dirtied
 * remainder is <= V_thd = 0.3 s * R, then stop-and-copies it.
 *
 * Clusters: ca = a-01, a-02 (hosts 0, 1), cb = b-01, b-02 (hosts 2, 3);
 * hosts of 1 socket x 8 cores x 2 GHz, 64 GiB, 25 Gbps NICs (8 vMotion
 * slots each, a NIC share far above the link's). First fit puts the VMs on
 * a-01 and their twins on b-01. Control latency 1 s: the migration starts
 * 3 s after the action (vcenter -> ca -> cb -> vcenter). Link 10 Gbps:
 * R = 1.25e9 B/s. V = 16 GiB = 17179869184 B, so V/R = 13.7438953472 s. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/core/datacenter.h"
#include "models/vsphere/xvmotion.h"
#include "tests/run_h5.h"

#define T "/tables/xvmotions"
#define HOSTS                                                                                                     \
    "hosts = ( { name = \"a\"; count = 2; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; },\n" \
    "          { name = \"b\"; count = 2; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"%s\"; } );\n"
#define CLUSTERS(evc_a, evc_b, ds_b)                                                                               \
    "clusters = ( { name = \"ca\"; hosts = ( { group = \"a\"; } ); evc = \"" evc_a "\"; },\n"                     \
    "             { name = \"cb\"; hosts = ( { group = \"b\"; } ); evc = \"" evc_b "\"; datastore = \"" ds_b "\"; } );\n"

/* A run of `count` VMs of 16 GiB and 2 vCPUs at full use (4 GHz on 2 x
 * 2 GHz, so D = dirty_rate MB/s) moved from ca to cb at 1h. */
static hid_t run_move(const char *name, const char *clusters, const char *b_memory, int count, double dirty_mb,
                      const char *disk, const char *latency)
{
    char text[4096], hosts[1024];
    snprintf(hosts, sizeof hosts, HOSTS, b_memory);
    snprintf(text, sizeof text,
             "simulation = { seed = 3; until = \"2h\"; control_latency = \"1s\"; sample_period = \"5m\"; };\n"
             "%s%s"
             "placement = { policy = \"first_fit\"; };\n"
             "vms = ( { name = \"v\"; count = %d; vcpus = 2; memory = \"16GiB\"; cluster = \"ca\"; dirty_rate = %g;\n"
             "          disk = \"%s\"; cpu_demand = { kind = \"constant\"; mean = \"4GHz\"; }; } );\n"
             "vmotion = { convergence = \"precopy\"; };\n"
             "vcenter = { inter_cluster_link = { gbps = 10.0; latency = \"%s\"; };\n"
             "            migrations = ( { at = \"1h\"; from = \"ca\"; to = \"cb\"; } ); };\n",
             hosts, clusters, count, dirty_mb, disk, latency);
    return run_h5(name, text);
}

/* D = 250 MB/s: lambda = 0.2. Rounds send V, 0.2V, 0.04V (dirtied after
 * each: 0.2V = 3.44e9, 0.04V = 6.87e8 > V_thd = 3.75e8; 0.008V = 1.37e8 <=
 * V_thd), then stop-and-copy 0.008V: T = (V/R)(1 + 0.2 + 0.04 + 0.008) =
 * 13.7438953472 * 1.248 = 17.1523813933 s; downtime 0.008 V/R =
 * 0.1099511628 s; 3 live rounds. With a 5 ms one-way latency the
 * switch-over adds one round trip: downtime 0.1199511628 s and the same
 * +0.01 s on the duration. The original ends stopped, its twin runs on
 * b-01 (host 2). */
static void one_vm_precopy(void)
{
    hid_t f = run_move("xv_one", CLUSTERS("intel-skylake", "intel-icelake", "shared"), "64GiB", 1, 250.0, "0B", "0s");
    int64_t done, src, dst, req, start, end, rounds, twin;
    double dur, down, sent;
    run_h5_col_i64(f, T, "done", 1, &done);
    run_h5_col_i64(f, T, "src_host", 1, &src);
    run_h5_col_i64(f, T, "dst_host", 1, &dst);
    run_h5_col_i64(f, T, "requested_ns", 1, &req);
    run_h5_col_i64(f, T, "start_ns", 1, &start);
    run_h5_col_i64(f, T, "end_ns", 1, &end);
    run_h5_col_i64(f, T, "rounds", 1, &rounds);
    run_h5_col_i64(f, T, "twin", 1, &twin);
    run_h5_col_f64(f, T, "duration_s", 1, &dur);
    run_h5_col_f64(f, T, "downtime_s", 1, &down);
    run_h5_col_f64(f, T, "bytes_sent", 1, &sent);
    CHECK_INT_EQ(done, 1);
    CHECK_INT_EQ(src, 0);
    CHECK_INT_EQ(dst, 2);
    CHECK_INT_EQ(twin, 1); /* the twin is VM 1, after the scenario's one VM */
    CHECK_INT_EQ(req, 3600000000000LL);
    CHECK_INT_EQ(start, 3603000000000LL);
    CHECK_NEAR(dur, 17.1523813933, 1e-6);
    CHECK_NEAR((double)(end - start) * 1e-9, 17.1523813933, 2e-9);
    CHECK_NEAR(down, 0.1099511628, 1e-6);
    CHECK_INT_EQ(rounds, 3);
    CHECK_NEAR(sent, 17179869184.0 * 1.248, 1.0);
    int64_t host[2];
    run_h5_col_i64(f, "/tables/vms", "host", 2, host);
    char state0[32], state1[32], name1[64];
    run_h5_col_str(f, "/tables/vms", "state", 0, state0, sizeof state0);
    run_h5_col_str(f, "/tables/vms", "state", 1, state1, sizeof state1);
    run_h5_col_str(f, "/tables/vms", "name", 1, name1, sizeof name1);
    CHECK(strcmp(state0, "stopped") == 0);
    CHECK(strcmp(state1, "running") == 0);
    CHECK(strcmp(name1, "v-01@cb") == 0);
    CHECK_INT_EQ(host[1], 2);
    int64_t arrived[2];
    run_h5_col_i64(f, "/tables/vms", "arrived_ns", 2, arrived);
    CHECK_INT_EQ(arrived[1], 3602000000000LL); /* placed by cb two control latencies after the action */
    H5Fclose(f);

    f = run_move("xv_latency", CLUSTERS("intel-skylake", "intel-icelake", "shared"), "64GiB", 1, 250.0, "0B", "5ms");
    run_h5_col_f64(f, T, "duration_s", 1, &dur);
    run_h5_col_f64(f, T, "downtime_s", 1, &down);
    CHECK_NEAR(dur, 17.1623813933, 1e-6);
    CHECK_NEAR(down, 0.1199511628, 1e-6);
    H5Fclose(f);
}

/* Two VMs evacuated at once with D = 0: both share the link (R/2 =
 * 6.25e8 B/s each; each end's NIC share 25 Gbps / 2 = 1.5625e9 B/s is
 * larger) and each takes V / (R/2) = 27.4877906944 s. On different
 * datastores with a 100 GiB disk, one VM: (100 GiB + 16 GiB) / R =
 * 124554051584 / 1.25e9 = 99.6432412672 s. */
static void shared_link_and_disk(void)
{
    hid_t f = run_move("xv_two", CLUSTERS("", "", "shared"), "64GiB", 2, 0.0, "0B", "0s");
    double dur[2];
    int64_t done[2];
    run_h5_col_f64(f, T, "duration_s", 2, dur);
    run_h5_col_i64(f, T, "done", 2, done);
    CHECK_INT_EQ(done[0], 1);
    CHECK_INT_EQ(done[1], 1);
    CHECK_NEAR(dur[0], 27.4877906944, 1e-6);
    CHECK_NEAR(dur[1], 27.4877906944, 1e-6);
    H5Fclose(f);

    f = run_move("xv_disk", CLUSTERS("", "", "other"), "64GiB", 1, 0.0, "100GiB", "0s");
    double d, disk;
    run_h5_col_f64(f, T, "duration_s", 1, &d);
    run_h5_col_f64(f, T, "disk_bytes", 1, &disk);
    CHECK_NEAR(d, 99.6432412672, 1e-6);
    CHECK_NEAR(disk, 107374182400.0, 0.5);
    H5Fclose(f);
}

/* EVC: a VM under Ice Lake cannot move to a Skylake cluster (fewer CPU
 * features); it is refused at once and keeps running in ca on a-01. A
 * target whose hosts hold 8 GiB cannot take a 16 GiB twin: no_capacity. */
static void refusals(void)
{
    hid_t f = run_move("xv_evc", CLUSTERS("intel-icelake", "intel-skylake", "shared"), "64GiB", 1, 0.0, "0B", "0s");
    char status[32];
    int64_t done, twin, host;
    run_h5_col_str(f, T, "status", 0, status, sizeof status);
    run_h5_col_i64(f, T, "done", 1, &done);
    run_h5_col_i64(f, T, "twin", 1, &twin);
    run_h5_col_i64(f, "/tables/vms", "host", 1, &host);
    CHECK(strcmp(status, "evc_incompatible") == 0);
    CHECK_INT_EQ(done, 0);
    CHECK_INT_EQ(twin, -1);
    CHECK_INT_EQ(host, 0);
    H5Fclose(f);

    f = run_move("xv_full", CLUSTERS("", "", "shared"), "8GiB", 1, 0.0, "0B", "0s");
    run_h5_col_str(f, T, "status", 0, status, sizeof status);
    CHECK(strcmp(status, "no_capacity") == 0);
    H5Fclose(f);

    /* the rule itself: same vendor, same or later generation */
    CHECK(datacenter_evc_compatible("intel-skylake", "intel-icelake"));
    CHECK(datacenter_evc_compatible("intel-icelake", "intel-icelake"));
    CHECK(!datacenter_evc_compatible("intel-icelake", "intel-skylake"));
    CHECK(!datacenter_evc_compatible("amd-zen2", "intel-icelake"));
    CHECK(datacenter_evc_compatible("amd-zen2", "amd-zen4"));
    CHECK(datacenter_evc_compatible("", ""));
    CHECK(!datacenter_evc_compatible("", "intel-icelake"));
    CHECK(!datacenter_evc_known("intel-pentium"));
}

/* A VM whose lifetime (deterministic 3610 s from its placement at 0) ends
 * during its move (3603 s .. 3620.15 s): the source controller finds it
 * gone at the switch-over (3621.15 s), the move is aborted, the twin's
 * reservation on b-01 is given back and it never runs. */
static void aborted_when_gone(void)
{
    char hosts[1024], text[4096];
    snprintf(hosts, sizeof hosts, HOSTS, "64GiB");
    snprintf(text, sizeof text,
             "simulation = { seed = 3; until = \"2h\"; control_latency = \"1s\"; sample_period = \"5m\"; };\n%s%s"
             "placement = { policy = \"first_fit\"; };\n"
             "vms = ( { name = \"v\"; count = 1; vcpus = 2; memory = \"16GiB\"; cluster = \"ca\"; dirty_rate = 250;\n"
             "          lifetime = { distribution = \"deterministic\"; mean = \"3610s\"; };\n"
             "          cpu_demand = { kind = \"constant\"; mean = \"4GHz\"; }; } );\n"
             "vmotion = { convergence = \"precopy\"; };\n"
             "vcenter = { inter_cluster_link = { latency = \"0s\"; }; migrations = ( { at = \"1h\"; vms = \"v\"; to = \"cb\"; } ); };\n",
             hosts, CLUSTERS("", "", "shared"));
    hid_t f = run_h5("xv_abort", text);
    char status[32], state1[32];
    int64_t done, host1, running[2];
    double dur;
    run_h5_col_str(f, T, "status", 0, status, sizeof status);
    run_h5_col_i64(f, T, "done", 1, &done);
    run_h5_col_f64(f, T, "duration_s", 1, &dur);
    run_h5_col_str(f, "/tables/vms", "state", 1, state1, sizeof state1);
    run_h5_col_i64(f, "/tables/vms", "host", 2, running);
    host1 = running[1];
    CHECK(strcmp(status, "aborted") == 0);
    CHECK_INT_EQ(done, 0);
    CHECK_NEAR(dur, 17.1523813933, 1e-6); /* the copy itself ran to its end */
    CHECK(strcmp(state1, "stopped") == 0);
    CHECK_INT_EQ(host1, -1);
    run_h5_col_i64(f, "/tables/clusters", "vms_running", 2, running);
    CHECK_INT_EQ(running[0], 0);
    CHECK_INT_EQ(running[1], 0);
    H5Fclose(f);
}

/* The path's rate and the dirty rate, by hand. */
static void path_formulas(void)
{
    /* 10 Gbps link, 3 in flight: 1.25e9/3; NICs 25 Gbps with 1 and 2 there */
    CHECK_NEAR(xvmotion_rate(1.25e9, 3, 3.125e9, 1, 3.125e9, 2), 1.25e9 / 3.0, 1e-3);
    /* a 1 Gbps NIC shared by 2: 6.25e7 */
    CHECK_NEAR(xvmotion_rate(1.25e9, 1, 1.25e8, 2, 3.125e9, 1), 6.25e7, 1e-6);
    /* 100 MB/s at full use, 2 vCPUs x 2 GHz using 1 GHz: a quarter */
    CHECK_NEAR(xvmotion_dirty_rate(100.0, 1000.0, 2, 2000.0), 2.5e7, 1e-6);
    CHECK_NEAR(xvmotion_dirty_rate(100.0, 9000.0, 2, 2000.0), 1e8, 1e-6);
}

/* An evacuation of 6 VMs with dirty pages gives the same datasets on 1 and 2 threads. */
static void same_across_threads(void)
{
    char hosts[1024], text[4096];
    snprintf(hosts, sizeof hosts, HOSTS, "64GiB");
    snprintf(text, sizeof text,
             "simulation = { seed = 5; until = \"2h\"; control_latency = \"1s\"; sample_period = \"5m\"; };\n%s%s"
             "vms = ( { name = \"v\"; count = 6; vcpus = 2; memory = \"8GiB\"; cluster = \"ca\"; dirty_rate = 300;\n"
             "          cpu_demand = { kind = \"diurnal\"; mean = \"2GHz\"; amplitude = 0.5; period = \"1d\"; noise = 0.1; }; } );\n"
             "vcenter = { migrations = ( { at = \"30m\"; vms = \"v\"; to = \"cb\"; } ); };\n",
             hosts, CLUSTERS("", "", "shared"));
    run_h5_same_across_threads("xv_threads", text);
}

int main(void)
{
    one_vm_precopy();
    shared_link_and_disk();
    refusals();
    aborted_when_gone();
    path_formulas();
    same_across_threads();
    return CHECK_DONE();
}
