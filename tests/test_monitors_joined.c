/* test_monitors_joined.c - vmotion.active together with a VM state or series
 * during a run (issue 17; docs/properties.md, "vmotion.active during a
 * run"): checked at the end of the run from the signals the host and
 * controller LPs kept, with verify's evaluator. The rows must be those
 * `vdcsim verify`'s code (props_h5 + props_evaluate_each) gives on the
 * finished run, in its order (property, VM, time); 1 and 2 threads
 * identical; /series, /events and /tables/vmotions the same without
 * properties; the same rows without output.per_vm_series (which verify
 * needs, the monitors do not).
 *
 * "busy", by hand (the maintenance evacuation of tests/test_drs_run.c):
 * two hosts of 2 cores x 1 GHz, no SMT: 2000 MHz each, 10 Gbps NICs; two
 * VMs of 2 vCPUs and 1 GiB demanding a constant 1500 MHz, dirty rate 0,
 * placed first fit: both on esx-01. D' = min(1500, 2 x 1000) = 1500 each;
 * equal shares split 2000 MHz in two, E = 1000: ready = (1500 - 1000) /
 * 1500 = 1/3 at every sample (also on esx-02 later, which is as small).
 * DRS threshold 1: no balancing. esx-01's maintenance begins at 10m: it
 * asks the controller to evacuate it, which hears it one control latency
 * later, 601 s, and starts both moves at once: two migrations of 1 GiB
 * share the 10 Gbps NIC, 2 x 2^30 B / 1.25e9 B/s = 1.717986918 s each:
 * vmotion.active on [601 s, 602.717986919 s) (the end rounded up to the
 * ns). The VMs keep running through a vMotion. The 10m sample's ready
 * (1/3) holds over [10m, 11m), so:
 *  - ready_5pct, G (vmotion.active -> vm.cpu_ready < 0.05): broken at 601 s
 *    by both VMs, witness vmotion.active=true, vm.cpu_ready=0.333333;
 *  - ready_half (< 0.5): holds;
 *  - runs, G (vmotion.active -> vm.running): holds;
 *  - stopped, G (vmotion.active -> !vm.running): broken at 601 s by both,
 *    witness vmotion.active=true, vm.running=true;
 *  - ready_soon, G (vmotion.active -> F[<=1ms] vm.cpu_ready < 0.05): false
 *    on [601 s, 602.718 s): broken at 601 s + 1 ms, obligation 601 s;
 *  - moved_1s, G ((vmotion.active && vm.running) -> F[<=1s]
 *    !vmotion.active): !active from 602.717986919 s, within [t, t + 1 s]
 *    iff t >= 601.717986919 s: false on [601 s, 601.717986919 s): broken at
 *    602 s, obligation 601 s; moved_2s (F[<=2s]) holds;
 *  - none (in group "none"): no VM in range.
 * No VM series has a value before the first sample, but vmotion.active is
 * false then: no pending anywhere.
 *
 * "abort", the run of tests/test_monitors_vmotion.c with a second failure:
 * the move that starts at 50m2s is aborted (its source esx-02 failed at
 * 50m1.9s: the VM is down from then, restarted by HA), the one at 70m2s
 * completes. runs holds: the aborted migration is not active (were it,
 * its VM, down, would break it at 50m2s); stopped is broken once, at 70m2s,
 * by the VM moved then (row 1 of /tables/vmotions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_file.h"
#include "analysis/props_h5.h"
#include "tests/run_h5.h"
#include "tests/violations_h5.h"
#include "tests/vmotion_runs.h"

#define S 1000000000LL
#define M (60 * S)
#define MS 1000000LL

#define BUSY(per_vm)                                                                                               \
    "simulation = { until = \"30m\"; sample_period = \"1m\"; };\n"                                                 \
    "output = { path = \"x.h5\"; per_vm_series = " per_vm "; };\n"                                                 \
    "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 2; threads_per_core = 1; cpu = "       \
    "\"1000MHz\";\n"                                                                                                \
    "            memory = \"16GiB\"; nic_speed = \"10Gbps\"; } );\n"                                               \
    "vms = ( { name = \"busy\"; count = 2; vcpus = 2; memory = \"1GiB\"; dirty_rate = 0.0;\n"                      \
    "          cpu_demand = { kind = \"constant\"; mean = \"1500MHz\"; }; } );\n"                                   \
    "placement = { policy = \"first_fit\"; };\n"                                                                    \
    "drs = { enabled = true; threshold = 1; };\n"                                                                   \
    "failures = { maintenance = ( { target = \"host esx-01\"; at = \"10m\"; duration = \"10m\"; } ); };\n"

#define BUSY_PROPS                                                                                                  \
    "properties = (\n"                                                                                              \
    "  { name = \"ready_5pct\"; formula = \"forall vm: G (vmotion.active -> vm.cpu_ready < 0.05)\"; },\n"          \
    "  { name = \"ready_half\"; formula = \"forall vm: G (vmotion.active -> vm.cpu_ready < 0.5)\"; },\n"           \
    "  { name = \"runs\"; formula = \"forall vm: G (vmotion.active -> vm.running)\"; },\n"                          \
    "  { name = \"stopped\"; formula = \"forall vm: G (vmotion.active -> !vm.running)\"; },\n"                     \
    "  { name = \"ready_soon\"; formula = \"forall vm: G (vmotion.active -> F[<=1ms] vm.cpu_ready < 0.05)\"; },\n" \
    "  { name = \"moved_1s\"; formula = \"forall vm: G ((vmotion.active && vm.running) -> F[<=1s] "               \
    "!vmotion.active)\"; },\n"                                                                                      \
    "  { name = \"moved_2s\"; formula = \"forall vm: G ((vmotion.active && vm.running) -> F[<=2s] "               \
    "!vmotion.active)\"; },\n"                                                                                      \
    "  { name = \"none\"; formula = \"forall vm in group \\\"none\\\": G (vmotion.active -> vm.running)\"; } );\n"

/* tests/test_monitors_vmotion.c's "abort" run, with the per-VM series */
#define ABORT_RUN                                                                                                  \
    VMOTION_RUN("per_vm_series = true; ", VMOTION_ABORT)                                                          \
    "properties = (\n"                                                                                              \
    "  { name = \"runs\"; formula = \"forall vm: G (vmotion.active -> vm.running)\"; },\n"                          \
    "  { name = \"stopped\"; formula = \"forall vm: G (vmotion.active -> !vm.running)\"; } );\n"

/* verify's code on the finished run NAME.h5 with the properties of NAME.cfg:
 * every violation, in verify's order, is the monitors' row at the same
 * place, and the counts are the same (tests/violations_h5.h). */
static void same_rows_in_order(const char *name, const rows *monitors)
{
    monitors_match_verify_named_as(name, monitors, 1);
}

static void same_objects(const char *a, const char *b, const char *const *objs, size_t n)
{
    same_without_properties_in(a, b, objs, n);
}

static void test_busy(void)
{
    hid_t f = run_h5("mj_busy", BUSY("true") BUSY_PROPS);
    if (f < 0)
        return;
    int64_t started[2] = {-1, -1}, done[2] = {-1, -1};
    run_h5_col_i64(f, "/tables/vmotions", "started_ns", 2, started);
    run_h5_col_i64(f, "/tables/vmotions", "done_ns", 2, done);
    const int64_t end_ns = 601 * S + 1717986919LL; /* 601 s + 2 x 2^30 / 1.25e9 s, rounded up */
    for (int k = 0; k < 2; k++) {
        CHECK_INT_EQ(started[k], 601 * S);
        CHECK_INT_EQ(done[k], end_ns);
    }
    /* the VM keeps its ready in single precision (models/core/vm.h) */
    CHECK_NEAR(run_h5_series_at(f, "/series/vm/cpu_ready_pct", 10, 2, 0), 100.0 / 3.0, 1e-5);
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    const char *witness_ready = "vmotion.active=true, vm.cpu_ready=0.333333";
    const char *witness_running = "vmotion.active=true, vm.running=true";
    const char *vm[2] = {"busy-01", "busy-02"};
    expect_property_counts(f, "ready_5pct", 2, 0, 2);
    expect_property_counts(f, "ready_half", 0, 0, 2);
    expect_property_counts(f, "runs", 0, 0, 2);
    expect_property_counts(f, "stopped", 2, 0, 2);
    expect_property_counts(f, "ready_soon", 2, 0, 2);
    expect_property_counts(f, "moved_1s", 2, 0, 2);
    expect_property_counts(f, "moved_2s", 0, 0, 2);
    expect_property_counts(f, "none", 0, 0, 0);
    for (int k = 0; k < 2; k++) {
        expect_violation(&rs, "ready_5pct", vm[k], 601 * S, -1, witness_ready, 1);
        expect_violation(&rs, "stopped", vm[k], 601 * S, -1, witness_running, 1);
        expect_violation(&rs, "ready_soon", vm[k], 601 * S + MS, 601 * S, witness_ready, 1);
        expect_violation(&rs, "moved_1s", vm[k], 602 * S, 601 * S, witness_running, 1);
    }
    CHECK_INT_EQ(rs.n, 8);
    H5Fclose(f);
    same_rows_in_order("mj_busy", &rs);
    /* the monitors observe only; they need no VM series in the file */
    hid_t g = run_h5("mj_busy_none", BUSY("true"));
    if (g >= 0)
        H5Fclose(g);
    static const char *const run_objs[] = {"/series", "/events", "/tables/vmotions"};
    same_objects("mj_busy", "mj_busy_none", run_objs, 3);
    hid_t h = run_h5("mj_busy_lean", BUSY("false") BUSY_PROPS);
    if (h >= 0)
        H5Fclose(h);
    static const char *const prop_objs[] = {"/tables/violations", "/tables/properties"};
    same_objects("mj_busy", "mj_busy_lean", prop_objs, 2);
    run_h5_same_across_threads("mj_busy_threads", BUSY("true") BUSY_PROPS);
}

static void test_abort(void)
{
    hid_t f = run_h5("mj_abort", ABORT_RUN);
    if (f < 0)
        return;
    int64_t vm_id[2] = {-1, -1}, started[2] = {-1, -1}, done[2] = {-1, -1};
    run_h5_col_i64(f, "/tables/vmotions", "vm", 2, vm_id);
    run_h5_col_i64(f, "/tables/vmotions", "started_ns", 2, started);
    run_h5_col_i64(f, "/tables/vmotions", "done_ns", 2, done);
    CHECK_INT_EQ(started[0], 50 * M + 2 * S);
    CHECK_INT_EQ(done[0], -1); /* aborted */
    CHECK_INT_EQ(started[1], 70 * M + 2 * S);
    CHECK(done[1] > started[1] + MS && done[1] < started[1] + 10 * M);
    char moved[32];
    snprintf(moved, sizeof moved, "web-%02lld", (long long)vm_id[1] + 1);
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    expect_property_counts(f, "runs", 0, 0, 5);
    expect_property_counts(f, "stopped", 1, 0, 5);
    expect_violation(&rs, "stopped", moved, 70 * M + 2 * S, -1, "vmotion.active=true, vm.running=true", 1);
    H5Fclose(f);
    same_rows_in_order("mj_abort", &rs);
}

int main(void)
{
    test_busy();
    test_abort();
    return CHECK_DONE();
}
