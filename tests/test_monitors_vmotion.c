/* test_monitors_vmotion.c - vmotion.active monitored during a run (issue 17,
 * item 2; docs/properties.md, "vmotion.active during a run"): the monitors
 * in the cluster controller LP give the rows `vdcsim verify`'s code
 * (props_h5 + props_evaluate_each) gives on the finished run, also when a
 * migration is aborted (left out offline: the monitors must not count it
 * although it had started); 1 and 2 threads identical; /series and /events
 * the same without properties.
 *
 * The runs, by hand (the DRS timing of tests/test_monitors_cluster.c, "drs3"):
 * three hosts of 4 x 1 GHz, five VMs of 500 MHz and 4 GiB, HA on, DRS every
 * 10m with threshold 3, passes at 10m2s, 20m2s, ... (one period plus two
 * control latencies, then one per period); esx-01 fails at 20m for 30m.
 * Its VMs are restarted on esx-02/esx-03 (3/2); the controller hears of the
 * repair at 50m1s, so the pass at 50m2s sees 3 hosts with loads 0.375,
 * 0.25 and 0: standard deviation 0.153 > target 2 / (10 sqrt 3) = 0.1155,
 * and moves one VM to esx-01 (after it 0.25, 0.25, 0.125: 0.0589, within the
 * target: no more moves). A migration of 4 GiB takes more than 1 ms
 * (at most 4 GiB / 1 ms = 34 Tbit/s) and less than 10m (at least 1 Gbit/s:
 * 34 s). So in "move":
 *  - never, G !vmotion.active: one violation at 50m2s by the VM moved
 *    (the one row of /tables/vmotions), witness vmotion.active=true;
 *  - quick_1ms, G (vmotion.active -> F[<=1ms] !vmotion.active): one, at
 *    50m2s + 1 ms, obligation 50m2s; within_10m holds;
 *  - once_1h, F[<=1h] vmotion.active (decided at 0): the four VMs not moved,
 *    at 1h, obligation 0, witness vmotion.active=false;
 *  - unlimited, G (vmotion.active -> vm.cpu_limit > 1 GHz): holds (no
 *    limit: infinite); "db" ranges over no VM.
 * "abort": as "move", and esx-02 (the source: it holds three VMs) fails at
 * 50m1.9s for 10m. The controller hears of it at 50m2.9s, after the pass at
 * 50m2s started the move: the migration is aborted (its source failed,
 * vmotion_aborted) and /tables/vmotions keeps it without done_ns: not
 * active offline, so neither in the monitors: no violation at 50m2s. The
 * repair at 60m1.9s reaches the controller at 60m2.9s, after the pass at
 * 60m2s; the pass at 70m2s moves one VM: never is violated once, at 70m2s.
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

#define PROPS                                                                                                      \
    "properties = (\n"                                                                                              \
    "  { name = \"never\"; formula = \"forall vm: G !vmotion.active\"; },\n"                                        \
    "  { name = \"quick_1ms\"; formula = \"forall vm: G (vmotion.active -> F[<=1ms] !vmotion.active)\"; },\n"      \
    "  { name = \"within_10m\"; formula = \"forall vm: G (vmotion.active -> F[<=10m] !vmotion.active)\"; },\n"     \
    "  { name = \"once_1h\"; formula = \"forall vm: F[<=1h] vmotion.active\"; },\n"                                 \
    "  { name = \"unlimited\"; formula = \"forall vm in group \\\"web\\\": G (vmotion.active -> vm.cpu_limit > "   \
    "\\\"1GHz\\\")\"; },\n"                                                                                         \
    "  { name = \"db\"; formula = \"forall vm in group \\\"db\\\": G !vmotion.active\"; } );\n"

/* Row `i` of /tables/vmotions: the VM's name (web-0N), started_ns, done_ns. */
static int migration(hid_t f, hsize_t i, char *vm, size_t len, int64_t *started, int64_t *done)
{
    char err[512];
    hsize_t n = 0;
    hid_t t = h5r_open_dataset(f, "/tables/vmotions", 1, &n, err, sizeof err);
    if (t < 0)
        return -1;
    int64_t id = -1;
    int rc = i < n && h5r_table_column_i64(t, "m", "vm", i, 1, &id, err, sizeof err) == 0 &&
                     h5r_table_column_i64(t, "m", "started_ns", i, 1, started, err, sizeof err) == 0 &&
                     h5r_table_column_i64(t, "m", "done_ns", i, 1, done, err, sizeof err) == 0
                 ? 0
                 : -1;
    H5Dclose(t);
    snprintf(vm, len, "web-%02lld", (long long)id + 1);
    return (int)n * (rc == 0);
}

static void expect(const rows *rs, const char *prop, const char *entity, int64_t t, int64_t obligation,
                   const char *witness)
{
    expect_violation(rs, prop, entity, t, obligation, witness, 1);
}

static void same_without_properties(const char *with, const char *without)
{
    static const char *const objs[] = {"/series", "/events", "/tables/vmotions"};
    same_without_properties_in(with, without, objs, sizeof objs / sizeof objs[0]);
}

static void test_move(void)
{
    hid_t f = run_h5("mv_move", VMOTION_RUN("", "") PROPS);
    if (f < 0)
        return;
    char vm[32];
    int64_t started = -1, done = -1;
    CHECK_INT_EQ(migration(f, 0, vm, sizeof vm, &started, &done), 1); /* one migration */
    CHECK_INT_EQ(started, 50 * M + 2 * S);
    CHECK(done > started + MS && done < started + 10 * M);
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    expect_property_counts(f, "never", 1, 0, 5);
    expect(&rs, "never", vm, 50 * M + 2 * S, -1, "vmotion.active=true");
    expect_property_counts(f, "quick_1ms", 1, 0, 5);
    expect(&rs, "quick_1ms", vm, 50 * M + 2 * S + MS, 50 * M + 2 * S, "vmotion.active=true");
    expect_property_counts(f, "within_10m", 0, 0, 5);
    expect_property_counts(f, "once_1h", 4, 0, 5);
    for (int k = 1; k <= 5; k++) {
        char name[32];
        snprintf(name, sizeof name, "web-%02d", k);
        if (strcmp(name, vm) != 0)
            expect(&rs, "once_1h", name, 60 * M, 0, "vmotion.active=false");
    }
    expect_property_counts(f, "unlimited", 0, 0, 5);
    expect_property_counts(f, "db", 0, 0, 0);
    H5Fclose(f);
    monitors_match_verify_named("mv_move", &rs);
    hid_t g = run_h5("mv_move_none", VMOTION_RUN("", ""));
    if (g >= 0)
        H5Fclose(g);
    same_without_properties("mv_move", "mv_move_none");
    run_h5_same_across_threads("mv_move_threads", VMOTION_RUN("", "") PROPS);
}

static void test_abort(void)
{
    hid_t f = run_h5("mv_abort", VMOTION_RUN("", VMOTION_ABORT) PROPS);
    if (f < 0)
        return;
    char vm0[32], vm1[32];
    int64_t started0 = -1, done0 = -1, started1 = -1, done1 = -1;
    CHECK_INT_EQ(migration(f, 0, vm0, sizeof vm0, &started0, &done0), 2);
    CHECK_INT_EQ(started0, 50 * M + 2 * S);
    CHECK_INT_EQ(done0, -1); /* aborted at 50m2.9s */
    CHECK_INT_EQ(migration(f, 1, vm1, sizeof vm1, &started1, &done1), 2);
    CHECK_INT_EQ(started1, 70 * M + 2 * S);
    CHECK(done1 > started1 + MS && done1 < started1 + 10 * M);
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    expect_property_counts(f, "never", 1, 0, 5);
    expect(&rs, "never", vm1, 70 * M + 2 * S, -1, "vmotion.active=true");
    CHECK(find(&rs, "never", vm0, 50 * M + 2 * S) == NULL);
    expect_property_counts(f, "quick_1ms", 1, 0, 5);
    expect(&rs, "quick_1ms", vm1, 70 * M + 2 * S + MS, 70 * M + 2 * S, "vmotion.active=true");
    expect_property_counts(f, "once_1h", 5, 0, 5); /* the only completed move is after 1h */
    H5Fclose(f);
    monitors_match_verify_named("mv_abort", &rs);
    run_h5_same_across_threads("mv_abort_threads", VMOTION_RUN("", VMOTION_ABORT) PROPS);
}

int main(void)
{
    test_move();
    test_abort();
    return CHECK_DONE();
}
