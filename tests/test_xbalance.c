/* test_xbalance.c - cross-cluster rebalancing (vcenter.cross_cluster_balance,
 * models/vsphere/xbalance.c, docs/clusters.md "Cross-cluster rebalancing")
 * with expectations worked out by hand.
 *
 * Clusters of 4 hosts of 2 sockets x 16 cores x 2.5 GHz (80 GHz each, 320
 * GHz a cluster) and 512 GiB (2 TiB a cluster). Every VM expects 4 GHz
 * (constant demand) and has 16 GiB: one VM is 4/320 = 0.0125 of a
 * cluster's CPU and 16/2048 = 0.0078125 of its memory, so CPU sets the
 * utilization. Control latency 1 s: a pass ticks at k x period, polls
 * reach the clusters at +1 s, the answers vcenter at +2 s (the decision,
 * requested_ns), the pick request the source at +3 s, the reserve the
 * target at +4 s and the answer vcenter at +5 s (the copy starts). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/vsphere/xbalance.h"
#include "tests/run_h5.h"

#define XV "/tables/xvmotions"
#define XB "/tables/xbalance"
#define HOST_SPEC "sockets = 2; cores_per_socket = 16; cpu = \"2.5GHz\"; memory = \"512GiB\"; nic_speed = \"25Gbps\";"
#define VM_SPEC "vcpus = 2; memory = \"16GiB\"; dirty_rate = 10; cpu_demand = { kind = \"constant\"; mean = \"4GHz\"; };"

static hsize_t rows(hid_t f, const char *path)
{
    hid_t t = H5Dopen2(f, path, H5P_DEFAULT);
    if (t < 0)
        return 0;
    hid_t sp = H5Dget_space(t);
    hsize_t n = 0;
    H5Sget_simple_extent_dims(sp, &n, NULL);
    H5Sclose(sp);
    H5Dclose(t);
    return n;
}

/* A scenario of two clusters "a" and "b" with na and nb VMs of 4 GHz (and
 * `extra` more text: a third group, rules). */
static void two_clusters(char *text, size_t len, int na, int nb, const char *balance, int max_moves,
                         const char *until, const char *extra)
{
    snprintf(text, len,
             "simulation = { seed = 7; until = \"%s\"; control_latency = \"1s\"; sample_period = \"10m\"; };\n"
             "hosts = ( { name = \"ha\"; count = 4; " HOST_SPEC " },\n"
             "          { name = \"hb\"; count = 4; " HOST_SPEC " } );\n"
             "drs = { enabled = true; };\n"
             "clusters = ( { name = \"a\"; hosts = ( { group = \"ha\"; } ); },\n"
             "             { name = \"b\"; hosts = ( { group = \"hb\"; } ); } );\n"
             "vms = ( { name = \"va\"; count = %d; cluster = \"a\"; " VM_SPEC " },\n"
             "        { name = \"vb\"; count = %d; cluster = \"b\"; " VM_SPEC " }%s );\n"
             "vcenter = { cross_cluster_balance = { enabled = true; period = \"1h\"; balance = \"%s\"; max_moves = %d; }; };\n",
             until, na, nb, extra, balance, max_moves);
}

/* The rules as pure functions. */
static void rules(void)
{
    xb_load l = {.cpu_used_mhz = 224000, .cpu_cap_mhz = 320000, .mem_used_mib = 1000, .mem_cap_mib = 2000};
    CHECK_NEAR(xbal_utilization(&l), 0.7, 1e-12);
    l.mem_used_mib = 1600; /* memory 0.8 dominates */
    CHECK_NEAR(xbal_utilization(&l), 0.8, 1e-12);
    xb_load empty = {0};
    CHECK_NEAR(xbal_utilization(&empty), 0.0, 0.0);
    CHECK_NEAR(xbal_tolerance("aggressive"), 0.10, 0.0);
    CHECK_NEAR(xbal_tolerance("moderate"), 0.20, 0.0);
    CHECK_NEAR(xbal_tolerance("conservative"), 0.30, 0.0);
    CHECK(xbal_tolerance("other") < 0.0);

    /* three clusters at 0.5, 0.9, 0.1; 1 -> 2 not allowed: 1 -> 0 */
    xb_load ls[3] = {{50, 100, 0, 1}, {90, 100, 0, 1}, {10, 100, 0, 1}};
    uint8_t part[3] = {1, 1, 1};
    uint8_t pair[9] = {0, 1, 1, 1, 0, 0, 1, 1, 0};
    uint32_t s = 99, t = 99;
    CHECK_INT_EQ(xbal_choose_pair(ls, part, pair, 3, 0.2, 0.8, &s, &t), 1);
    CHECK_INT_EQ(s, 1);
    CHECK_INT_EQ(t, 0);
    /* spread 0.4 not above 0.45, and 0.9 > limit 0.8 with 0.5 below it: due */
    CHECK_INT_EQ(xbal_choose_pair(ls, part, pair, 3, 0.45, 0.8, &s, &t), 1);
    /* with the limit at 0.95 nothing is due */
    CHECK_INT_EQ(xbal_choose_pair(ls, part, pair, 3, 0.45, 0.95, &s, &t), 0);
    part[1] = 0; /* left out: the source is 0 (0.5), the target 2 (0.1) */
    CHECK_INT_EQ(xbal_choose_pair(ls, part, pair, 3, 0.2, 0.8, &s, &t), 1);
    CHECK_INT_EQ(s, 0);
    CHECK_INT_EQ(t, 2);

    /* pick: src 0.7, dst 0.1 of 100 MHz each; VMs of 30, 20 and 35 MHz.
     * After 30: 0.4/0.4 (spread 0); after 20: 0.5/0.3 (0.2); after 35:
     * 0.35/0.45 (0.1). Picks the 30. With the limit at 0.35 only 20 fits
     * (0.3); with 30 taken, next is 35 (0.35/0.45 -> 0.1)... */
    xb_load src = {70, 100, 0, 1}, dst = {10, 100, 0, 1};
    xb_vm vms[3] = {{30, 0}, {20, 0}, {35, 0}};
    uint8_t taken[3] = {0, 0, 0};
    CHECK_INT_EQ(xbal_pick_next(&src, &dst, vms, taken, 3, 1.0), 0);
    CHECK_INT_EQ(xbal_pick_next(&src, &dst, vms, taken, 3, 0.35), 1);
    taken[0] = 1;
    CHECK_INT_EQ(xbal_pick_next(&src, &dst, vms, taken, 3, 1.0), 2);
    /* from 0.4/0.4 nothing narrows the spread */
    xb_load s2 = {40, 100, 0, 1}, d2 = {40, 100, 0, 1};
    CHECK_INT_EQ(xbal_pick_next(&s2, &d2, vms, NULL, 3, 1.0), -1);
}

/* a: 56 VMs (224 GHz, 0.7), b: 8 (32 GHz, 0.1); moderate (0.2), 10 moves a
 * pass. Pass 1 (1h): spread 0.6; each move narrows it by 0.025, so all 10
 * go (0.575 / 0.225, spread 0.35), va-01..va-10 (all VMs alike: the lowest
 * ids). Pass 2 (2h): 0.35 > 0.2: 10 more, va-11..va-20 (0.45 / 0.35).
 * Pass 3 is past `until`. */
static void spread_two_passes(void)
{
    char text[4096];
    two_clusters(text, sizeof text, 56, 8, "moderate", 10, "150m", "");
    hid_t f = run_h5("xb_spread", text);
    CHECK_INT_EQ(rows(f, XB), 2);
    double us[2], ut[2], usa[2], uta[2];
    int64_t at[2], moves[2];
    run_h5_col_i64(f, XB, "time_ns", 2, at);
    run_h5_col_i64(f, XB, "moves", 2, moves);
    run_h5_col_f64(f, XB, "u_source", 2, us);
    run_h5_col_f64(f, XB, "u_target", 2, ut);
    run_h5_col_f64(f, XB, "u_source_after", 2, usa);
    run_h5_col_f64(f, XB, "u_target_after", 2, uta);
    CHECK_INT_EQ(at[0], 3602000000000LL);
    CHECK_INT_EQ(at[1], 7202000000000LL);
    CHECK_INT_EQ(moves[0], 10);
    CHECK_INT_EQ(moves[1], 10);
    CHECK_NEAR(us[0], 0.7, 1e-9);
    CHECK_NEAR(ut[0], 0.1, 1e-9);
    CHECK_NEAR(usa[0], 0.575, 1e-9);
    CHECK_NEAR(uta[0], 0.225, 1e-9);
    CHECK_NEAR(us[1], 0.575, 1e-9);
    CHECK_NEAR(ut[1], 0.225, 1e-9);
    CHECK_NEAR(usa[1], 0.45, 1e-9);
    CHECK_NEAR(uta[1], 0.35, 1e-9);
    char src[16], dst[16];
    run_h5_col_str(f, XB, "source", 0, src, sizeof src);
    run_h5_col_str(f, XB, "target", 0, dst, sizeof dst);
    CHECK(strcmp(src, "a") == 0 && strcmp(dst, "b") == 0);

    CHECK_INT_EQ(rows(f, XV), 20);
    int64_t done[20], req[20], start[20];
    run_h5_col_i64(f, XV, "done", 20, done);
    run_h5_col_i64(f, XV, "requested_ns", 20, req);
    run_h5_col_i64(f, XV, "start_ns", 20, start);
    for (int i = 0; i < 20; i++) {
        char name[32], want[32], reason[16];
        run_h5_col_str(f, XV, "vm", (hsize_t)i, name, sizeof name);
        run_h5_col_str(f, XV, "reason", (hsize_t)i, reason, sizeof reason);
        snprintf(want, sizeof want, "va-%02d", i + 1);
        CHECK(strcmp(name, want) == 0);
        CHECK(strcmp(reason, "balance") == 0);
        CHECK_INT_EQ(done[i], 1);
        CHECK_INT_EQ(req[i], i < 10 ? 3602000000000LL : 7202000000000LL);
        CHECK(start[i] >= req[i] + 3000000000LL);
    }
    H5Fclose(f);
}

/* Headroom on the source: conservative (0.3); a: 68 VMs (0.85), b: 48
 * (0.6). The spread 0.25 is not above 0.3, but a is above 80 % and b below:
 * due. 8 moves (the pass's most): 0.75 / 0.7. At 2h the spread is 0.05 and
 * a below 80 %: no pass. */
static void headroom_source(void)
{
    char text[4096];
    two_clusters(text, sizeof text, 68, 48, "conservative", 8, "150m", "");
    hid_t f = run_h5("xb_headroom", text);
    CHECK_INT_EQ(rows(f, XB), 1);
    int64_t moves;
    double usa, uta;
    run_h5_col_i64(f, XB, "moves", 1, &moves);
    run_h5_col_f64(f, XB, "u_source_after", 1, &usa);
    run_h5_col_f64(f, XB, "u_target_after", 1, &uta);
    CHECK_INT_EQ(moves, 8);
    CHECK_NEAR(usa, 0.75, 1e-9);
    CHECK_NEAR(uta, 0.7, 1e-9);
    CHECK_INT_EQ(rows(f, XV), 8);
    H5Fclose(f);
}

/* Headroom on the target: aggressive (0.1); a: 76 VMs (304 GHz, 0.95), b:
 * 62 VMs of 4 GHz and one of 2 GHz (250 GHz, 0.78125). Spread 0.16875: due.
 * One move puts b at 0.79375 (<= 0.8); a second would make it 0.80625: one
 * move. At 2h: 0.9375 / 0.79375, spread 0.14375: due, but nothing fits:
 * a pass with 0 moves. */
static void headroom_target(void)
{
    char text[4096];
    two_clusters(text, sizeof text, 76, 62, "aggressive", 8, "150m",
                 ",\n        { name = \"small\"; count = 1; cluster = \"b\"; vcpus = 1; memory = \"16GiB\";"
                 " cpu_demand = { kind = \"constant\"; mean = \"2GHz\"; }; }");
    hid_t f = run_h5("xb_target", text);
    CHECK_INT_EQ(rows(f, XB), 2);
    int64_t moves[2];
    double ut[2], uta[2];
    run_h5_col_i64(f, XB, "moves", 2, moves);
    run_h5_col_f64(f, XB, "u_target", 2, ut);
    run_h5_col_f64(f, XB, "u_target_after", 2, uta);
    CHECK_INT_EQ(moves[0], 1);
    CHECK_INT_EQ(moves[1], 0);
    CHECK_NEAR(ut[0], 0.78125, 1e-9);
    CHECK_NEAR(uta[0], 0.79375, 1e-9);
    CHECK_NEAR(ut[1], 0.79375, 1e-9);
    CHECK_INT_EQ(rows(f, XV), 1);
    H5Fclose(f);
}

/* Who may take part: a (Ice Lake, 56 VMs, 0.7); b (Cascade Lake, an older
 * baseline: no move from a, 8 VMs, 0.1); c (Ice Lake, DRS off: left out,
 * empty); d (Ice Lake, 32 VMs, 0.4). va-01 and va-02 are in a DRS rule:
 * never offered. Pass 1: a -> d, spread 0.3 > 0.2; 10 moves (0.575 /
 * 0.525), va-03..va-12. At 2h the spread 0.05: nothing. */
static void who_takes_part(void)
{
    char text[4096];
    snprintf(text, sizeof text,
             "simulation = { seed = 7; until = \"150m\"; control_latency = \"1s\"; sample_period = \"10m\"; };\n"
             "hosts = ( { name = \"ha\"; count = 4; " HOST_SPEC " }, { name = \"hb\"; count = 4; " HOST_SPEC " },\n"
             "          { name = \"hc\"; count = 4; " HOST_SPEC " }, { name = \"hd\"; count = 4; " HOST_SPEC " } );\n"
             "drs = { enabled = true; };\n"
             "clusters = ( { name = \"a\"; hosts = ( { group = \"ha\"; } ); evc = \"intel-icelake\"; },\n"
             "  { name = \"b\"; hosts = ( { group = \"hb\"; } ); evc = \"intel-cascadelake\"; },\n"
             "  { name = \"c\"; hosts = ( { group = \"hc\"; } ); evc = \"intel-icelake\"; drs = { enabled = false; }; },\n"
             "  { name = \"d\"; hosts = ( { group = \"hd\"; } ); evc = \"intel-icelake\"; } );\n"
             "vms = ( { name = \"va\"; count = 56; cluster = \"a\"; " VM_SPEC " },\n"
             "        { name = \"vb\"; count = 8; cluster = \"b\"; " VM_SPEC " },\n"
             "        { name = \"vd\"; count = 32; cluster = \"d\"; " VM_SPEC " } );\n"
             "rules = ( { kind = \"vm_anti_affinity\"; vms = \"va-01,va-02\"; } );\n"
             "vcenter = { cross_cluster_balance = { enabled = true; max_moves = 10; }; };\n");
    hid_t f = run_h5("xb_who", text);
    CHECK_INT_EQ(rows(f, XB), 1);
    char src[16], dst[16];
    run_h5_col_str(f, XB, "source", 0, src, sizeof src);
    run_h5_col_str(f, XB, "target", 0, dst, sizeof dst);
    CHECK(strcmp(src, "a") == 0);
    CHECK(strcmp(dst, "d") == 0);
    double usa, uta;
    run_h5_col_f64(f, XB, "u_source_after", 1, &usa);
    run_h5_col_f64(f, XB, "u_target_after", 1, &uta);
    CHECK_NEAR(usa, 0.575, 1e-9);
    CHECK_NEAR(uta, 0.525, 1e-9);
    CHECK_INT_EQ(rows(f, XV), 10);
    for (int i = 0; i < 10; i++) {
        char name[32], want[32], to[16];
        run_h5_col_str(f, XV, "vm", (hsize_t)i, name, sizeof name);
        run_h5_col_str(f, XV, "to", (hsize_t)i, to, sizeof to);
        snprintf(want, sizeof want, "va-%02d", i + 3);
        CHECK(strcmp(name, want) == 0);
        CHECK(strcmp(to, "d") == 0);
    }
    H5Fclose(f);
}

/* The target's HA admission control: b (HA, percentage, 1 of 4 hosts:
 * 25 % of 320 GHz kept free, so reservations may reach 240 GHz) holds 46
 * VMs of 1 GHz reserving 5 GHz each (230 GHz; u = 46/320 = 0.14375; 4 GiB
 * each, memory 0.09). a: big-01, big-02 (4 GHz, reserving 12 GHz) and 54
 * va (4 GHz, no reservation: 32 MHz counted): u = 0.7. One pass (until
 * 90m), 3 moves: all alike in demand, so the lowest ids big-01, big-02,
 * va-01 (0.6625 / 0.18125). At b: 230 + 12 = 242 > 240: big-01 refused
 * (admission), big-02 likewise (big-01 took nothing), va-01 admitted
 * (230.032) and moved. */
static void target_admission(void)
{
    char text[4096];
    snprintf(text, sizeof text,
             "simulation = { seed = 7; until = \"90m\"; control_latency = \"1s\"; sample_period = \"10m\"; };\n"
             "hosts = ( { name = \"ha\"; count = 4; " HOST_SPEC " }, { name = \"hb\"; count = 4; " HOST_SPEC " } );\n"
             "drs = { enabled = true; };\n"
             "clusters = ( { name = \"a\"; hosts = ( { group = \"ha\"; } ); },\n"
             "  { name = \"b\"; hosts = ( { group = \"hb\"; } );\n"
             "    ha = { enabled = true; admission_control = \"percentage\"; failover_level = 1; }; } );\n"
             "vms = ( { name = \"big\"; count = 2; cluster = \"a\"; cpu_reservation = \"12GHz\"; " VM_SPEC " },\n"
             "        { name = \"va\"; count = 54; cluster = \"a\"; " VM_SPEC " },\n"
             "        { name = \"vb\"; count = 46; cluster = \"b\"; vcpus = 2; memory = \"4GiB\"; cpu_reservation = \"5GHz\";\n"
             "          cpu_demand = { kind = \"constant\"; mean = \"1GHz\"; }; } );\n"
             "vcenter = { cross_cluster_balance = { enabled = true; max_moves = 3; }; };\n");
    hid_t f = run_h5("xb_admission", text);
    CHECK_INT_EQ(rows(f, XB), 1);
    int64_t moves;
    double ut, usa, uta;
    run_h5_col_i64(f, XB, "moves", 1, &moves);
    run_h5_col_f64(f, XB, "u_target", 1, &ut);
    run_h5_col_f64(f, XB, "u_source_after", 1, &usa);
    run_h5_col_f64(f, XB, "u_target_after", 1, &uta);
    CHECK_INT_EQ(moves, 3);
    CHECK_NEAR(ut, 0.14375, 1e-9);
    CHECK_NEAR(usa, 0.6625, 1e-9);
    CHECK_NEAR(uta, 0.18125, 1e-9);
    CHECK_INT_EQ(rows(f, XV), 3);
    static const char *const vm[3] = {"big-01", "big-02", "va-01"};
    static const char *const status[3] = {"admission", "admission", "done"};
    for (int i = 0; i < 3; i++) {
        char name[32], st[32];
        run_h5_col_str(f, XV, "vm", (hsize_t)i, name, sizeof name);
        run_h5_col_str(f, XV, "status", (hsize_t)i, st, sizeof st);
        CHECK(strcmp(name, vm[i]) == 0);
        CHECK(strcmp(st, status[i]) == 0);
    }
    H5Fclose(f);
}

static void same_across_threads(void)
{
    char text[4096];
    two_clusters(text, sizeof text, 56, 8, "moderate", 10, "150m", "");
    run_h5_same_across_threads("xb_threads", text);
}

int main(void)
{
    rules();
    spread_two_passes();
    headroom_source();
    headroom_target();
    who_takes_part();
    target_admission();
    same_across_threads();
    return CHECK_DONE();
}
