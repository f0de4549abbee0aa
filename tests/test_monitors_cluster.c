/* test_monitors_cluster.c - the cluster built-ins ha_admission and
 * drs_convergence and the service predicates monitored during a run
 * (issue 17, items 2-3; docs/properties.md, "Monitors during a run"), end
 * to end: hand-worked violations read from /tables/violations, `vdcsim
 * verify`'s code (props_h5 + props_evaluate_each) on the finished run giving
 * the same rows and counts, 1 and 2 threads identical, and the run's other
 * datasets unchanged by the monitors.
 *
 * "hadm", a cluster too small for its HA promise (percentage admission
 * control, failover level 1, auto-computed percentages: 1/3 of the CPU
 * reserved with 3 hosts up): big-01 of 8 x 1 GHz (8000 MHz) and small-01,
 * small-02 of 4 x 1 GHz (4000 MHz): 16000 MHz. Every VM reserves 2000 MHz
 * (memory overhead 0, no memory reservation: memory never binds). early-01..04
 * power on at 0: 8000 MHz reserved; admission: (16000 - 8000) / 16000 = 50 %
 * >= 33.3 %, admitted. late-01 and late-02 power on at 12m: late-01 leaves
 * (16000 - 10000) / 16000 = 37.5 % >= 33.3 %, admitted; late-02 would leave
 * 25 %, refused. The failover capacity (ha_controller.c: the largest hosts
 * that can fail with the rest still holding the 2000 MHz per VM): 8000 MHz
 * needed, 16000 - 8000 (big-01 fails) = 8000 >= 8000: 1; then 4000 < 8000:
 * stop. So 1 until 12m; with 10000 MHz, 8000 < 10000: 0 from 12m. The
 * percentage policy counts hosts as equal; the capacity does not: the
 * unequal hosts break the promise. The controller samples every 5m: the
 * 15m sample is the first with capacity 0, all three hosts up:
 *  - ha_admission: one violation at 15m, witness (the atoms in the
 *    formula's order) cluster.failover_level=1, cluster.hosts_up=3,
 *    cluster.hosts=3, cluster.failover_capacity=0;
 *  - recovers_10m, G (cluster.failover_capacity < 1 -> F[<=10m]
 *    cluster.failover_capacity >= 1): false on [15m, 50m] (never back),
 *    one violation at its deadline 25m, obligation 15m; pending on (50m,
 *    1h) (the window reaches past the end).
 *
 * "drs5" and "drs3": three hosts of 4 x 1 GHz, 64 GiB, five 500 MHz VMs,
 * HA on, DRS every 10m (drs.period), so drs_convergence is
 * G (cluster.hosts_changed -> F[<=30m] cluster.imbalance <=
 * cluster.imbalance_target): 3 passes of 10m. esx-01 fails at 20m for 30m;
 * the controller hears of it one control latency (1 s) later, so the
 * hosts_up series shows 2 from the 25m sample and 3 again from the 55m one:
 * disturbances at 25m and 55m. DRS's first pass is one period plus two
 * control latencies after the start (drs_build.c), then one every period:
 * 10m2s, 20m2s, ..., so the windows [25m, 55m] and [55m, 85m] hold the
 * passes at 30m2s, 40m2s, 50m2s and 60m2s, 70m2s, 80m2s.
 *  - drs5 (threshold 5): target (5 - 5) / (10 sqrt H) = 0. Five equal VMs
 *    cannot load 2 or 3 equal hosts equally: the best splits are 3/2, CPU
 *    loads 0.375 and 0.25 (500 of 4000 MHz per VM), standard deviation
 *    0.0625, and 2/2/1, loads 0.25, 0.25, 0.125, mean 0.2083, deviation
 *    sqrt((2 x 0.04167^2 + 0.08333^2) / 3) = 0.0589256 (memory half of
 *    that: 4 of 64 GiB per VM; DRS combines by max). The samples of the
 *    disturbances already see the best splits: at 25m the HA restarts
 *    (20m16s) placed esx-01's VMs by least imbalance (DRS's placement),
 *    at 55m the pass at 50m2s, which sees esx-01 back (its notice at
 *    50m1s), moved one VM there. Two violations, at 55m
 *    (obligation 25m, witness cluster.imbalance=0.0625) and 85m
 *    (obligation 55m, cluster.imbalance=0.0589256), with
 *    cluster.hosts_changed=true, cluster.imbalance_target=0.
 *  - drs3 (threshold 3): target 2 / (10 sqrt 2) = 0.1414 with 2 hosts,
 *    2 / (10 sqrt 3) = 0.1155 with 3. The best splits give CPU loads
 *    (0.375, 0.25): standard deviation 0.0625, and (0.25, 0.25, 0.125):
 *    0.0589, memory less: within the target, which DRS reaches (it moves
 *    while above it): drs_convergence holds.
 *  - no_change, G !cluster.hosts_changed: violations at 25m and 55m.
 *
 * "svc": a service of 4 replicas without hosts, deterministic work of
 * 100 ms, 1 request/s: every latency is at least 100 ms, the waits are rare
 * (load 0.1 per replica). Row 0 of the service series is empty (NaN):
 * pending on [0, 5m). fast_100ms, G service.latency_p99 < 100ms: violated
 * at 5m (the first sample), 1 pending. under_10s, G service.latency_p99 <
 * 10s: holds, 1 pending.
 *
 * A service property in a run without services is refused (exit 2,
 * FILE:LINE: key). (vmotion.active with a VM state is checked in the run:
 * tests/test_monitors_joined.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_file.h"
#include "analysis/props_h5.h"
#include "tests/run_h5.h"
#include "tests/violations_h5.h"

#define HADM_BASE \
    "simulation = { seed = 1; until = \"1h\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; control_latency = \"1s\"; };\n" \
    "output = { path = \"x.h5\"; };\n" \
    "hosts = ( { name = \"big\"; count = 1; sockets = 1; cores_per_socket = 8; threads_per_core = 1; cpu = \"1GHz\"; memory = \"64GiB\"; },\n" \
    "          { name = \"small\"; count = 2; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = \"1GHz\"; memory = \"64GiB\"; } );\n" \
    "vms = ( { name = \"early\"; count = 4; vcpus = 2; memory = \"4GiB\"; cpu_reservation = \"2GHz\"; cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; },\n" \
    "        { name = \"late\"; count = 2; vcpus = 2; memory = \"4GiB\"; cpu_reservation = \"2GHz\"; start = \"12m\"; cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; } );\n" \
    "ha = { enabled = true; memory_overhead = \"0B\"; };\n"

#define HADM_PROPS \
    "properties = ( { builtin = \"ha_admission\"; },\n" \
    "  { name = \"recovers_10m\"; formula = \"forall cluster: G (cluster.failover_capacity < 1 -> F[<=10m] cluster.failover_capacity >= 1)\"; } );\n"

#define DRS_BASE(threshold) \
    "simulation = { seed = 1; until = \"2h\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; control_latency = \"1s\"; };\n" \
    "output = { path = \"x.h5\"; };\n" \
    "hosts = ( { name = \"esx\"; count = 3; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = \"1GHz\"; memory = \"64GiB\"; } );\n" \
    "vms = ( { name = \"web\"; count = 5; vcpus = 1; memory = \"4GiB\"; cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; } );\n" \
    "ha = { enabled = true; };\n" \
    "drs = { enabled = true; period = \"10m\"; threshold = " threshold "; };\n" \
    "failures = { inject = ( { target = \"host esx-01\"; at = \"20m\"; duration = \"30m\"; } ); };\n"

#define DRS_PROPS \
    "properties = ( { builtin = \"drs_convergence\"; }, { builtin = \"ha_admission\"; },\n" \
    "  { name = \"no_change\"; formula = \"forall cluster: G !cluster.hosts_changed\"; } );\n"

#define SVC_BASE \
    "simulation = { seed = 1; until = \"30m\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; };\n" \
    "output = { path = \"x.h5\"; };\n" \
    "services = ( { name = \"api\"; replicas = 4; load_balancer = \"shared_queue\"; max_queue = \"unbounded\";\n" \
    "               arrival = { rate = \"1/s\"; }; service = { distribution = \"deterministic\"; mean = \"100ms\"; }; } );\n"

#define SVC_PROPS \
    "properties = ( { name = \"fast_100ms\"; formula = \"forall service: G service.latency_p99 < \\\"100ms\\\"\"; },\n" \
    "  { name = \"under_10s\"; formula = \"forall service: G service.latency_p99 < \\\"10s\\\"\"; } );\n"

static const int64_t M = 60 * 1000000000LL; /* a minute in ns */

/* The monitors observe only: /series, /events and the model's tables are
 * those of the same run without properties. */

static void same_without_properties(const char *with, const char *without)
{
    static const char *const objs[] = {"/series", "/events", "/tables/hosts", "/tables/vms"};
    same_without_properties_in(with, without, objs, sizeof objs / sizeof objs[0]);
}

static void test_ha_admission(void)
{
    hid_t f = run_h5("mc_hadm", HADM_BASE HADM_PROPS);
    if (f < 0)
        return;
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    CHECK_INT_EQ(count_of(&rs, "ha_admission"), 1);
    expect_violation(&rs, "ha_admission", "cluster", 15 * M, -1,
           "cluster.failover_level=1, cluster.hosts_up=3, cluster.hosts=3, cluster.failover_capacity=0", 1);
    CHECK_INT_EQ(count_of(&rs, "recovers_10m"), 1);
    expect_violation(&rs, "recovers_10m", "cluster", 25 * M, 15 * M, "cluster.failover_capacity=0", 0);
    int64_t v, p, e;
    property_counts(f, "recovers_10m", &v, &p, &e);
    CHECK_INT_EQ(v, 1);
    CHECK_INT_EQ(p, 1);
    CHECK_INT_EQ(e, 1);
    property_counts(f, "ha_admission", &v, &p, &e);
    CHECK_INT_EQ(p, 0);
    H5Fclose(f);
    monitors_match_verify_named("mc_hadm", &rs);
    hid_t g = run_h5("mc_hadm_none", HADM_BASE);
    if (g >= 0)
        H5Fclose(g);
    same_without_properties("mc_hadm", "mc_hadm_none");
    run_h5_same_across_threads("mc_hadm_threads", HADM_BASE HADM_PROPS);
}

static void test_drs_convergence(void)
{
    hid_t f = run_h5("mc_drs5", DRS_BASE("5") DRS_PROPS);
    if (f < 0)
        return;
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    CHECK_INT_EQ(count_of(&rs, "drs_convergence"), 2);
    expect_violation(&rs, "drs_convergence", "cluster", 55 * M, 25 * M,
           "cluster.hosts_changed=true, cluster.imbalance=0.0625, cluster.imbalance_target=0", 1);
    expect_violation(&rs, "drs_convergence", "cluster", 85 * M, 55 * M,
           "cluster.hosts_changed=true, cluster.imbalance=0.0589256, cluster.imbalance_target=0", 1);
    CHECK_INT_EQ(count_of(&rs, "no_change"), 2);
    expect_violation(&rs, "no_change", "cluster", 25 * M, -1, "cluster.hosts_changed=true", 1);
    expect_violation(&rs, "no_change", "cluster", 55 * M, -1, "cluster.hosts_changed=true", 1);
    H5Fclose(f);
    monitors_match_verify_named("mc_drs5", &rs);
    run_h5_same_across_threads("mc_drs5_threads", DRS_BASE("5") DRS_PROPS);

    f = run_h5("mc_drs3", DRS_BASE("3") DRS_PROPS);
    if (f < 0)
        return;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    CHECK_INT_EQ(count_of(&rs, "drs_convergence"), 0);
    CHECK_INT_EQ(count_of(&rs, "no_change"), 2);
    int64_t v, p, e;
    property_counts(f, "drs_convergence", &v, &p, &e);
    CHECK_INT_EQ(p, 0);
    CHECK_INT_EQ(e, 1);
    H5Fclose(f);
    monitors_match_verify_named("mc_drs3", &rs);
    hid_t g = run_h5("mc_drs3_none", DRS_BASE("3"));
    if (g >= 0)
        H5Fclose(g);
    same_without_properties("mc_drs3", "mc_drs3_none");
}

static void test_service(void)
{
    hid_t f = run_h5("mc_svc", SVC_BASE SVC_PROPS);
    if (f < 0)
        return;
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    CHECK_INT_EQ(count_of(&rs, "fast_100ms"), 1);
    expect_violation(&rs, "fast_100ms", "api", 5 * M, -1, "service.latency_p99=", 0);
    CHECK_INT_EQ(count_of(&rs, "under_10s"), 0);
    int64_t v, p, e;
    property_counts(f, "fast_100ms", &v, &p, &e);
    CHECK_INT_EQ(p, 1);
    property_counts(f, "under_10s", &v, &p, &e);
    CHECK_INT_EQ(p, 1);
    CHECK_INT_EQ(e, 1);
    H5Fclose(f);
    monitors_match_verify_named("mc_svc", &rs);
    run_h5_same_across_threads("mc_svc_threads", SVC_BASE SVC_PROPS);
}

/* Two clusters (/series/clusters/..., one column per controller): "gold"
 * is hadm's cluster (DRS off), "silver" drs5's (threshold 5, no HA
 * admission problem): the same violations, each on its own cluster. */
#define TWO \
    "simulation = { seed = 1; until = \"2h\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; control_latency = \"1s\"; };\n" \
    "output = { path = \"x.h5\"; };\n" \
    "hosts = ( { name = \"big\"; count = 1; sockets = 1; cores_per_socket = 8; threads_per_core = 1; cpu = \"1GHz\"; memory = \"64GiB\"; },\n" \
    "          { name = \"small\"; count = 2; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = \"1GHz\"; memory = \"64GiB\"; },\n" \
    "          { name = \"esx\"; count = 3; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = \"1GHz\"; memory = \"64GiB\"; } );\n" \
    "clusters = ( { name = \"gold\"; hosts = ( { group = \"big\"; }, { group = \"small\"; } ); drs = { enabled = false; }; },\n" \
    "             { name = \"silver\"; hosts = ( { group = \"esx\"; } ); drs = { threshold = 5; }; } );\n" \
    "vms = ( { name = \"early\"; count = 4; vcpus = 2; memory = \"4GiB\"; cpu_reservation = \"2GHz\"; cluster = \"gold\"; cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; },\n" \
    "        { name = \"late\"; count = 2; vcpus = 2; memory = \"4GiB\"; cpu_reservation = \"2GHz\"; start = \"12m\"; cluster = \"gold\"; cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; },\n" \
    "        { name = \"web\"; count = 5; vcpus = 1; memory = \"4GiB\"; cluster = \"silver\"; cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; } );\n" \
    "ha = { enabled = true; memory_overhead = \"0B\"; };\n" \
    "drs = { enabled = true; period = \"10m\"; };\n" \
    "failures = { inject = ( { target = \"host esx-01\"; at = \"20m\"; duration = \"30m\"; } ); };\n" \
    "properties = ( { builtin = \"ha_admission\"; }, { builtin = \"drs_convergence\"; },\n" \
    "  { name = \"no_change\"; formula = \"forall cluster: G !cluster.hosts_changed\"; } );\n"

static void test_two_clusters(void)
{
    hid_t f = run_h5("mc_two", TWO);
    if (f < 0)
        return;
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    CHECK_INT_EQ(count_of(&rs, "ha_admission"), 1);
    expect_violation(&rs, "ha_admission", "gold", 15 * M, -1,
           "cluster.failover_level=1, cluster.hosts_up=3, cluster.hosts=3, cluster.failover_capacity=0", 1);
    CHECK_INT_EQ(count_of(&rs, "drs_convergence"), 2);
    expect_violation(&rs, "drs_convergence", "silver", 55 * M, 25 * M,
           "cluster.hosts_changed=true, cluster.imbalance=0.0625, cluster.imbalance_target=0", 1);
    expect_violation(&rs, "drs_convergence", "silver", 85 * M, 55 * M,
           "cluster.hosts_changed=true, cluster.imbalance=0.0589256, cluster.imbalance_target=0", 1);
    CHECK_INT_EQ(count_of(&rs, "no_change"), 2);
    int64_t v, p, e;
    property_counts(f, "no_change", &v, &p, &e);
    CHECK_INT_EQ(e, 2);
    H5Fclose(f);
    monitors_match_verify_named("mc_two", &rs);
    run_h5_same_across_threads("mc_two_threads", TWO);
}

static int run_status(const char *name, const char *text, char *err_text, size_t err_len)
{
    char cfg[512], out[512], cmd[2048], errf[512];
    snprintf(cfg, sizeof cfg, "%s/%s.cfg", VDCSIM_TEST_TMPDIR, name);
    snprintf(out, sizeof out, "%s/%s.h5", VDCSIM_TEST_TMPDIR, name);
    snprintf(errf, sizeof errf, "%s/%s.err", VDCSIM_TEST_TMPDIR, name);
    FILE *fp = fopen(cfg, "w");
    if (!fp)
        return -1;
    fputs(text, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "%s run %s -o %s --quiet 2>%s", VDCSIM_BINARY, cfg, out, errf);
    int rc = system(cmd);
    err_text[0] = '\0';
    if ((fp = fopen(errf, "r")) != NULL) {
        size_t n = fread(err_text, 1, err_len - 1, fp);
        err_text[n] = '\0';
        fclose(fp);
    }
    return rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A service property in a run without services: nothing to monitor. */
static void test_refused(void)
{
    char text[2048];
    CHECK_INT_EQ(run_status("mc_noservice",
                            HADM_BASE "properties = ( { name = \"s\"; formula = \"forall service: G service.latency_p99 < \\\"1s\\\"\"; } );\n",
                            text, sizeof text),
                 2);
    CHECK_STR_CONTAINS(text, "mc_noservice.cfg:8: key 'properties.[0].formula'");
    CHECK_STR_CONTAINS(text, "no services");
}

int main(void)
{
    test_ha_admission();
    test_drs_convergence();
    test_service();
    test_two_clusters();
    test_refused();
    return CHECK_DONE();
}
