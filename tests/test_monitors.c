/* test_monitors.c - properties monitored during a run (issue 17, items 2-4;
 * docs/properties.md, "Monitors during a run"), end to end:
 *  1. hand-worked violations of a crafted run (below), read from
 *     /tables/violations and /tables/properties;
 *  2. `vdcsim verify` on the finished run (props_h5 + props_evaluate_each,
 *     the checker's code) gives the same violations, row for row;
 *  3. 1 and 2 threads give identical files, and a run with properties has
 *     the same /series, /events and tables as one without;
 *  4. the built-ins hold on a good HA cluster and ha_restart breaks on a
 *     too-small one; --fail-on-violation exits 1; bad properties exit 2.
 *
 * The crafted run "mon": hosts esx-01, esx-02 (4 cores x 1 GHz, 64 GiB);
 * web-01, web-02 (500 MHz constant) placed first-fit on esx-01 at 0 and
 * running one control latency later, at 1 s. esx-01 fails at 22m30s for
 * 30 m (repaired at 52m30s); HA restarts both on esx-02 after the detection
 * time, 15 s, plus 1 s to start: running at 22m46s. Samples every 5 m, run
 * of 1 h, VM series on. By hand:
 *  - restart_15s, G (vm.failed -> F[<=15s] vm.running): at t in [22m30s,
 *    22m31s) the VM is failed and 22m46s > t + 15 s: violated, deadline
 *    22m45s, obligation 22m30s, per VM. restart_16s and ha_restart (15 s +
 *    1 s) hold.
 *  - repair_29m, G (host.failed -> F[<=29m] host.up): up again at 52m30s >
 *    22m30s + 29m: esx-01 at 51m30s, obligation 22m30s.
 *  - usage_900, G host.cpu_usage <= 900 MHz: esx-01 runs 1000 MHz from the
 *    5m sample to the 20m one (the 25m sample sees it failed, 0 MHz); esx-02
 *    1000 MHz from the 25m sample on: violations at 5m (esx-01) and 25m
 *    (esx-02).
 *  - demand_400, G (vm.running -> vm.cpu_demand <= 400 MHz), per VM:
 *    [1s, 5m) running with no sample yet: pending; [5m, 22m30s) 500 MHz:
 *    violation at 5m; [22m30s, 22m46s) not running: holds; from 22m46s the
 *    20m sample's 500 MHz holds until the 25m one (which esx-02 writes):
 *    violation at 22m46s. So 4 violations, 2 pending.
 *  - start_1s, F[<=1s] vm.running (no G: decided at 0) holds (running at
 *    1 s, the closed window); start_999ms is violated per VM at 999 ms with
 *    the obligation from 0.
 *  - repaired_for_good, G (host.failed -> F[<=40m] G host.up): a G inside
 *    (decided at the end): up from 52m30s to the end, inside [t, t + 40m]
 *    for every failed t: holds.
 *  - no_false_in_30m, F[<=30m] false (no forall): violated at 30m,
 *    obligation 0; always_true, G true, holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_file.h"
#include "analysis/props_h5.h"
#include "tests/run_h5.h"
#include "tests/violations_h5.h"

#define BASE \
    "simulation = { seed = 1; until = \"1h\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; };\n" \
    "output = { path = \"x.h5\"; per_vm_series = true; };\n" \
    "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = \"1GHz\"; memory = \"64GiB\"; } );\n" \
    "vms = ( { name = \"web\"; count = 2; vcpus = 1; memory = \"4GiB\"; cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; } );\n" \
    "ha = { enabled = true; };\n" \
    "failures = { inject = ( { target = \"host esx-01\"; at = \"1350s\"; duration = \"30m\"; } ); };\n"

#define PROPS \
    "properties = (\n" \
    "  { name = \"restart_16s\"; formula = \"forall vm: G (vm.failed -> F[<=16s] vm.running)\"; },\n" \
    "  { name = \"restart_15s\"; formula = \"forall vm: G (vm.failed -> F[<=15s] vm.running)\"; },\n" \
    "  { name = \"repair_29m\"; formula = \"forall host: G (host.failed -> F[<=29m] host.up)\"; },\n" \
    "  { name = \"usage_900\"; formula = \"forall host: G host.cpu_usage <= \\\"900MHz\\\"\"; },\n" \
    "  { name = \"demand_400\"; formula = \"forall vm: G (vm.running -> vm.cpu_demand <= \\\"400MHz\\\")\"; },\n" \
    "  { name = \"start_1s\"; formula = \"forall vm in group \\\"web\\\": F[<=1s] vm.running\"; },\n" \
    "  { name = \"start_999ms\"; formula = \"forall vm in group \\\"web\\\": F[<=999ms] vm.running\"; },\n" \
    "  { name = \"repaired_for_good\"; formula = \"forall host: G (host.failed -> F[<=40m] G host.up)\"; },\n" \
    "  { builtin = \"ha_restart\"; },\n" \
    "  { builtin = \"host_memory_isolation\"; },\n" \
    "  { builtin = \"no_vm_on_down_host\"; },\n" \
    "  { builtin = \"vm_lifecycle\"; },\n" \
    "  { name = \"no_false_in_30m\"; formula = \"F[<=30m] false\"; },\n" \
    "  { name = \"always_true\"; formula = \"G true\"; }\n" \
    ");\n"

static void expect(const rows *rs, const char *prop, const char *entity, int64_t t, int64_t obligation,
                   const char *witness)
{
    expect_violation(rs, prop, entity, t, obligation, witness, 1);
}

/* `vdcsim verify` with the scenario as the properties file vs the monitors. */
static void compare_with_verify(const char *h5, const char *cfg, const rows *monitors)
{
    props_builtin_params params = {0};
    monitors_match_verify(h5, cfg, monitors, &params);
    CHECK_INT_EQ(params.ha_deadline_ns, 16000000000LL); /* 15 s detection + 1 s control latency */
}

static int run_status(const char *name, const char *text, const char *flags)
{
    char cfg[512], out[512], cmd[2048];
    snprintf(cfg, sizeof cfg, "%s/%s.cfg", VDCSIM_TEST_TMPDIR, name);
    snprintf(out, sizeof out, "%s/%s.h5", VDCSIM_TEST_TMPDIR, name);
    FILE *fp = fopen(cfg, "w");
    if (!fp)
        return -1;
    fputs(text, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "%s run %s -o %s --quiet %s 2>%s/%s.err", VDCSIM_BINARY, cfg, out, flags,
             VDCSIM_TEST_TMPDIR, name);
    int rc = system(cmd);
    return rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_crafted_run(void)
{
    hid_t f = run_h5("mon", BASE PROPS);
    if (f < 0)
        return;
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    const int64_t s = 1000000000LL, m = 60 * s;
    CHECK_INT_EQ(count_of(&rs, "restart_16s"), 0);
    CHECK_INT_EQ(count_of(&rs, "restart_15s"), 2);
    expect(&rs, "restart_15s", "web-01", 22 * m + 45 * s, 22 * m + 30 * s, "vm.failed=true, vm.running=false");
    expect(&rs, "restart_15s", "web-02", 22 * m + 45 * s, 22 * m + 30 * s, "vm.failed=true, vm.running=false");
    CHECK_INT_EQ(count_of(&rs, "repair_29m"), 1);
    expect(&rs, "repair_29m", "esx-01", 51 * m + 30 * s, 22 * m + 30 * s, "host.failed=true, host.up=false");
    CHECK_INT_EQ(count_of(&rs, "usage_900"), 2);
    expect(&rs, "usage_900", "esx-01", 5 * m, -1, "host.cpu_usage=1000 MHz");
    expect(&rs, "usage_900", "esx-02", 25 * m, -1, "host.cpu_usage=1000 MHz");
    CHECK_INT_EQ(count_of(&rs, "demand_400"), 4);
    expect(&rs, "demand_400", "web-01", 5 * m, -1, "vm.running=true, vm.cpu_demand=500 MHz");
    expect(&rs, "demand_400", "web-01", 22 * m + 46 * s, -1, "vm.running=true, vm.cpu_demand=500 MHz");
    expect(&rs, "demand_400", "web-02", 22 * m + 46 * s, -1, "vm.running=true, vm.cpu_demand=500 MHz");
    int64_t v, p, e;
    property_counts(f, "demand_400", &v, &p, &e);
    CHECK_INT_EQ(v, 4);
    CHECK_INT_EQ(p, 2);
    CHECK_INT_EQ(e, 2);
    CHECK_INT_EQ(count_of(&rs, "start_1s"), 0);
    CHECK_INT_EQ(count_of(&rs, "start_999ms"), 2);
    expect(&rs, "start_999ms", "web-01", 999000000LL, 0, "vm.running=false");
    CHECK_INT_EQ(count_of(&rs, "repaired_for_good"), 0);
    property_counts(f, "repaired_for_good", &v, &p, &e);
    CHECK_INT_EQ(p, 0);
    CHECK_INT_EQ(count_of(&rs, "ha_restart"), 0);
    CHECK_INT_EQ(count_of(&rs, "host_memory_isolation"), 0);
    CHECK_INT_EQ(count_of(&rs, "no_vm_on_down_host"), 0);
    /* off -> on at 1 s, on -> off at 22m30s (failed), off -> on at 22m46s */
    CHECK_INT_EQ(count_of(&rs, "vm_lifecycle"), 0);
    property_counts(f, "vm_lifecycle", &v, &p, &e);
    CHECK_INT_EQ(e, 2);
    /* Without forall (no entity, "-"): F[<=30m] false finds no witness in
     * [0, 30m], inside the 1 h run: one violation at 30m, obligation 0, no
     * atom in the witness; G true holds. */
    CHECK_INT_EQ(count_of(&rs, "no_false_in_30m"), 1);
    expect(&rs, "no_false_in_30m", "-", 30 * m, 0, "");
    CHECK_INT_EQ(count_of(&rs, "always_true"), 0);
    property_counts(f, "always_true", &v, &p, &e);
    CHECK_INT_EQ(e, 1);
    CHECK_INT_EQ(rs.n, 12);
    H5Fclose(f);
    compare_with_verify(VDCSIM_TEST_TMPDIR "/mon.h5", VDCSIM_TEST_TMPDIR "/mon.cfg", &rs);
}

/* Monitors observe only: every dataset of a run without them is unchanged. */
static void test_results_unchanged(void)
{
    hid_t f = run_h5("mon_none", BASE);
    if (f >= 0)
        H5Fclose(f);
    static const char *const objs[] = {"/series", "/events", "/tables/hosts", "/tables/vms", "/tables/cluster",
                                       "/tables/host_availability", "/tables/vm_availability",
                                       "/tables/arrival_groups"};
    for (size_t k = 0; k < sizeof objs / sizeof objs[0]; k++) {
        char cmd[1400];
        snprintf(cmd, sizeof cmd, VDCSIM_H5SAME " %s/mon.h5 %s/mon_none.h5 %s >/dev/null 2>&1", VDCSIM_TEST_TMPDIR,
                 VDCSIM_TEST_TMPDIR, objs[k]);
        int rc = system(cmd);
        if (rc != 0)
            fprintf(stderr, "  %s differs with properties\n", objs[k]);
        CHECK_INT_EQ(rc, 0);
    }
    run_h5_same_across_threads("mon_threads", BASE PROPS);
}

/* A cluster too small for HA: esx-01 and esx-02 of 8 GiB hold two 4 GiB
 * VMs each (first fit: web-01, web-02 on esx-01; admission control off so
 * all four power on). esx-01 fails at 20m: esx-02 has no room, so web-01
 * and web-02 stay failed past 20m + 16 s: ha_restart is violated at 20m16s
 * for each, obligation from 20m. With a third, empty host they restart at
 * 20m16s and it holds. */
#define SMALL(hosts) \
    "simulation = { seed = 1; until = \"2h\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; };\n" \
    "output = { path = \"x.h5\"; };\n" \
    "hosts = ( { name = \"esx\"; count = " hosts "; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = \"1GHz\"; memory = \"8GiB\"; } );\n" \
    "vms = ( { name = \"web\"; count = 4; vcpus = 1; memory = \"4GiB\"; cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; } );\n" \
    "ha = { enabled = true; admission_control = \"disabled\"; };\n" \
    "failures = { inject = ( { target = \"host esx-01\"; at = \"20m\"; duration = \"30m\"; } ); };\n" \
    "properties = ( { builtin = \"ha_restart\"; }, { builtin = \"host_memory_isolation\"; }, { builtin = \"no_vm_on_down_host\"; } );\n"

static void test_builtins(void)
{
    hid_t f = run_h5("mon_small", SMALL("2"));
    if (f < 0)
        return;
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    H5Fclose(f);
    const int64_t s = 1000000000LL, m = 60 * s;
    CHECK_INT_EQ(rs.n, 2);
    expect(&rs, "ha_restart", "web-01", 20 * m + 16 * s, 20 * m, "vm.failed=true, vm.running=false");
    expect(&rs, "ha_restart", "web-02", 20 * m + 16 * s, 20 * m, "vm.failed=true, vm.running=false");
    compare_with_verify(VDCSIM_TEST_TMPDIR "/mon_small.h5", VDCSIM_TEST_TMPDIR "/mon_small.cfg", &rs);
    f = run_h5("mon_enough", SMALL("3"));
    if (f < 0)
        return;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    H5Fclose(f);
    CHECK_INT_EQ(rs.n, 0);
    /* --fail-on-violation: 1 when a property was violated, 0 otherwise */
    CHECK_INT_EQ(run_status("mon_fail", SMALL("2"), "--fail-on-violation"), 1);
    CHECK_INT_EQ(run_status("mon_pass", SMALL("3"), "--fail-on-violation"), 0);
}

/* Isolation on one host of 4 x 1 GHz (4000 MHz), four VMs of 2 vCPUs
 * demanding 2 GHz each (8000 MHz): res-01 reserves 1800 MHz, capped-01 is
 * limited to 1000 MHz, hog-01 and hog-02 have neither; equal shares. The
 * entitlement water-fills: res-01 its reservation, 1800; the other three
 * the equal level x with 1800 + 3x = 4000, x = 733.33 MHz (below
 * capped-01's limit; res-01's claim stays at its reservation, above x).
 * So cpu_limit and cpu_reservation hold (one pending each: [1s, 5m) before
 * the first sample with the VMs); a threshold chosen to fail, entitlement
 * <= 0.5 x limit = 500 MHz, breaks at the 5m sample with 733.333 MHz, and
 * entitlement >= reservation + 1 MHz breaks at 5m with exactly 1800. */
#define ISOLATION \
    "simulation = { seed = 1; until = \"1h\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; };\n" \
    "output = { path = \"x.h5\"; per_vm_series = true; };\n" \
    "hosts = ( { name = \"esx\"; count = 1; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = \"1GHz\"; memory = \"64GiB\"; } );\n" \
    "vms = (\n" \
    "  { name = \"res\"; count = 1; vcpus = 2; memory = \"4GiB\"; cpu_reservation = \"1800MHz\"; cpu_demand = { kind = \"constant\"; mean = \"2GHz\"; }; },\n" \
    "  { name = \"hog\"; count = 2; vcpus = 2; memory = \"4GiB\"; cpu_demand = { kind = \"constant\"; mean = \"2GHz\"; }; },\n" \
    "  { name = \"capped\"; count = 1; vcpus = 2; memory = \"4GiB\"; cpu_limit = \"1GHz\"; cpu_demand = { kind = \"constant\"; mean = \"2GHz\"; }; }\n" \
    ");\n" \
    "properties = (\n" \
    "  { builtin = \"cpu_limit\"; }, { builtin = \"cpu_reservation\"; },\n" \
    "  { name = \"half_limit\"; formula = \"forall vm in group \\\"capped\\\": G (vm.running -> vm.cpu_entitlement <= 0.5 * vm.cpu_limit)\"; },\n" \
    "  { name = \"res_plus\"; formula = \"forall vm in group \\\"res\\\": G (vm.running -> vm.cpu_entitlement >= vm.cpu_reservation + \\\"1MHz\\\")\"; }\n" \
    ");\n"

static void test_isolation(void)
{
    hid_t f = run_h5("mon_iso", ISOLATION);
    if (f < 0)
        return;
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    int64_t v, p, e;
    property_counts(f, "cpu_limit", &v, &p, &e);
    CHECK_INT_EQ(v, 0);
    CHECK_INT_EQ(p, 4);
    property_counts(f, "cpu_reservation", &v, &p, &e);
    CHECK_INT_EQ(v, 0);
    H5Fclose(f);
    const int64_t m = 60000000000LL;
    CHECK_INT_EQ(rs.n, 2);
    expect(&rs, "half_limit", "capped-01", 5 * m, -1,
           "vm.running=true, vm.cpu_entitlement=733.333 MHz, vm.cpu_limit=1000 MHz");
    expect(&rs, "res_plus", "res-01", 5 * m, -1,
           "vm.running=true, vm.cpu_entitlement=1800 MHz, vm.cpu_reservation=1800 MHz");
    compare_with_verify(VDCSIM_TEST_TMPDIR "/mon_iso.h5", VDCSIM_TEST_TMPDIR "/mon_iso.cfg", &rs);
}

/* Pods (tests/test_props_pods.sh derives the same run by hand): api-01 and
 * api-02 run from 3.6777216 s (a 200 MiB pull at 1 Gbps + 2 s start-up),
 * crash after 10 m and run again 2 s later, twice. */
#define PODS_BASE \
    "simulation = { seed = 1; until = \"30m\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; };\n" \
    "output = { path = \"x.h5\"; };\n" \
    "hosts = ( { name = \"metal\"; count = 1; sockets = 1; cores_per_socket = 4; memory = \"16GiB\"; } );\n" \
    "pods = ( { name = \"api\"; count = 2; node_group = \"metal\"; requests = { cpu = 250; memory = \"256MiB\"; };\n" \
    "    startup = { distribution = \"deterministic\"; mean = \"2s\"; };\n" \
    "    crash = { distribution = \"deterministic\"; mean = \"10m\"; }; } );\n"
#define PODS_PROPS \
    "properties = (\n" \
    "  { name = \"up_in_3s\"; formula = \"forall pod in deployment \\\"api\\\": F[<=3s] pod.running\"; },\n" \
    "  { name = \"restart_1999ms\"; formula = \"forall pod: G ((!pod.running && !pod.pending) -> F[<=1999ms] pod.running)\"; },\n" \
    "  { name = \"pending_then_running\"; formula = \"forall pod: G (pod.pending -> (!pod.running && F[<=4s] pod.running))\"; },\n" \
    "  { builtin = \"pod_lifecycle\"; }\n" \
    ");\n"

static void test_pods(void)
{
    hid_t f = run_h5("mon_pods", PODS_BASE PODS_PROPS);
    if (f < 0)
        return;
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    H5Fclose(f);
    const int64_t s = 1000000000LL;
    CHECK_INT_EQ(count_of(&rs, "up_in_3s"), 2);
    expect(&rs, "up_in_3s", "api-02", 3 * s, 0, "pod.running=false");
    CHECK_INT_EQ(count_of(&rs, "restart_1999ms"), 4);
    expect(&rs, "restart_1999ms", "api-01", 605676721600LL, 603677721600LL, "pod.running=false, pod.pending=false");
    expect(&rs, "restart_1999ms", "api-02", 1207676721600LL, 1205677721600LL, "pod.running=false, pod.pending=false");
    CHECK_INT_EQ(count_of(&rs, "pending_then_running"), 0);
    /* Pending -> Running at the start; crashes and restarts keep Running */
    CHECK_INT_EQ(count_of(&rs, "pod_lifecycle"), 0);
    compare_with_verify(VDCSIM_TEST_TMPDIR "/mon_pods.h5", VDCSIM_TEST_TMPDIR "/mon_pods.cfg", &rs);
    f = run_h5("mon_pods_none", PODS_BASE);
    if (f >= 0)
        H5Fclose(f);
    static const char *const objs[] = {"/series", "/events", "/tables/pods", "/tables/hosts"};
    for (size_t k = 0; k < sizeof objs / sizeof objs[0]; k++) {
        char cmd[1400];
        snprintf(cmd, sizeof cmd, VDCSIM_H5SAME " %s/mon_pods.h5 %s/mon_pods_none.h5 %s >/dev/null 2>&1",
                 VDCSIM_TEST_TMPDIR, VDCSIM_TEST_TMPDIR, objs[k]);
        CHECK_INT_EQ(system(cmd), 0);
    }
    run_h5_same_across_threads("mon_pods_threads", PODS_BASE PODS_PROPS);
}

static void test_bad_properties(void)
{
    CHECK_INT_EQ(run_status("mon_bad1", BASE "properties = ( { name = \"x\"; formula = \"forall vm: G vm.speed > 1\"; } );\n", ""), 2);
    CHECK_INT_EQ(run_status("mon_bad2", BASE "properties = ( { builtin = \"nope\"; } );\n", ""), 2);
    CHECK_INT_EQ(run_status("mon_bad3",
                            BASE "properties = ( { name = \"s\"; formula = \"forall service: G service.latency_p99 < \\\"1s\\\"\"; } );\n",
                            ""),
                 2);
    char path[512], text[2048] = "";
    snprintf(path, sizeof path, "%s/mon_bad2.err", VDCSIM_TEST_TMPDIR);
    FILE *fp = fopen(path, "r");
    if (fp) {
        size_t n = fread(text, 1, sizeof text - 1, fp);
        text[n] = '\0';
        fclose(fp);
    }
    CHECK_STR_CONTAINS(text, "mon_bad2.cfg:7: key 'properties.[0].builtin': unknown built-in property 'nope'");
}

int main(void)
{
    test_crafted_run();
    test_results_unchanged();
    test_builtins();
    test_isolation();
    test_pods();
    test_bad_properties();
    return CHECK_DONE();
}
