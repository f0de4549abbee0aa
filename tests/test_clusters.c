/* test_clusters.c - many clusters under one vCenter (models/core/datacenter.c,
 * docs/clusters.md) in whole runs whose outcome is worked out by hand:
 *  - DRS in cluster A balances A's VMs over A's hosts only;
 *  - HA restarts a failed host's VMs in the host's own cluster only, even
 *    when another cluster has empty hosts;
 *  - a PDU feeding a rack of each cluster takes a host of each down, and
 *    each cluster restarts its own VMs on its own hosts;
 *  - the datacenter-level initial placement puts VMs without a cluster
 *    where docs/clusters.md says, and each VM's record (stored cluster
 *    after cluster) reads back at its own id;
 *  - a 4-cluster run with DRS, HA and failures is byte-identical on 1 and 2
 *    threads.
 * Hosts: 1 socket x 8 cores x 2 GHz = 16000 MHz, 64 GiB unless said. The
 * control latency is 1 s; HA detection 15 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/run_h5.h"

#define SIM(until) "simulation = { seed = 3; until = \"" until "\"; control_latency = \"1s\"; sample_period = \"5m\"; };\n"
#define HOSTS(name, n)                                                                                            \
    "{ name = \"" name "\"; count = " #n "; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; }"

static void table_i64(hid_t f, const char *path, const char *col, hsize_t n, int64_t *out)
{
    char err[512];
    hid_t t = H5Dopen2(f, path, H5P_DEFAULT);
    CHECK(t >= 0);
    int rc = h5r_table_column_i64(t, path, col, 0, n, out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    CHECK_INT_EQ(rc, 0);
    H5Dclose(t);
}

static void table_str(hid_t f, const char *path, const char *col, hsize_t row, char *buf, size_t len)
{
    char err[512];
    hid_t t = H5Dopen2(f, path, H5P_DEFAULT);
    CHECK(t >= 0);
    int rc = h5r_table_column_str(t, path, col, row, buf, len, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    CHECK_INT_EQ(rc, 0);
    H5Dclose(t);
}

static hsize_t table_rows(hid_t f, const char *path)
{
    hid_t t = H5Dopen2(f, path, H5P_DEFAULT);
    if (t < 0)
        return 0;
    hsize_t dims[1] = {0};
    h5r_dims(t, 1, dims);
    H5Dclose(t);
    return dims[0];
}

/* Cluster ca = hosts a-01, a-02 (hosts 0, 1); cb = b-01, b-02 (2, 3).
 * First fit puts the 8 VMs of pa (2 vCPUs, 8 GiB, 4 GHz constant) on a-01
 * (32 GHz on 16 GHz) and the 4 of pb on b-01. DRS (threshold 5) moves VMs
 * until A is balanced: 8 identical VMs on 2 identical hosts, zero
 * imbalance at 4 and 4. A global DRS would also use b-02 (empty) and fill
 * b-01's neighbours: no move may leave cluster A or B. */
static void drs_stays_in_cluster(void)
{
    const char *text = SIM("4h") "hosts = ( " HOSTS("a", 2) ", " HOSTS("b", 2) " );\n"
        "clusters = ( { name = \"ca\"; hosts = ( { group = \"a\"; } ); },\n"
        "             { name = \"cb\"; hosts = ( { group = \"b\"; } ); } );\n"
        "placement = { policy = \"first_fit\"; };\n"
        "vms = ( { name = \"pa\"; count = 8; vcpus = 2; memory = \"8GiB\"; cluster = \"ca\";\n"
        "          cpu_demand = { kind = \"constant\"; mean = \"4GHz\"; }; },\n"
        "        { name = \"pb\"; count = 4; vcpus = 2; memory = \"8GiB\"; cluster = \"cb\";\n"
        "          cpu_demand = { kind = \"constant\"; mean = \"1GHz\"; }; } );\n"
        "drs = { enabled = true; threshold = 5; };\n";
    hid_t f = run_h5("clusters_drs", text);
    if (f < 0)
        return;
    hsize_t n = table_rows(f, "/tables/vmotions");
    CHECK(n >= 4); /* at least the 4 moves that balance A */
    int64_t *src = calloc(n + 1, sizeof *src), *dst = calloc(n + 1, sizeof *dst), *vm = calloc(n + 1, sizeof *vm);
    table_i64(f, "/tables/vmotions", "source", n, src);
    table_i64(f, "/tables/vmotions", "destination", n, dst);
    table_i64(f, "/tables/vmotions", "vm", n, vm);
    for (hsize_t i = 0; i < n; i++) {
        int in_a = vm[i] < 8; /* pa-01..08 are VMs 0..7 */
        CHECK_INT_EQ(src[i] <= 1, in_a);
        CHECK_INT_EQ(dst[i] <= 1, in_a);
    }
    int64_t host[12];
    table_i64(f, "/tables/vms", "host", 12, host);
    int on[4] = {0, 0, 0, 0};
    for (int v = 0; v < 12; v++) {
        CHECK(host[v] >= 0 && host[v] < 4);
        if (host[v] >= 0 && host[v] < 4)
            on[host[v]]++;
        CHECK_INT_EQ(host[v] <= 1, v < 8);
    }
    CHECK_INT_EQ(on[0], 4);
    CHECK_INT_EQ(on[1], 4);
    CHECK_INT_EQ(on[2] + on[3], 4);
    free(src);
    free(dst);
    free(vm);
    H5Fclose(f);
}

/* Per-cluster settings: DRS is on at the top level but off in ca, so ca's
 * 8 VMs stay where first fit put them (all on a-01) and no migration moves
 * one; HA is off at the top level but on in cb (/tables/clusters). */
static void cluster_settings(void)
{
    const char *text = SIM("4h") "hosts = ( " HOSTS("a", 2) ", " HOSTS("b", 2) " );\n"
        "clusters = ( { name = \"ca\"; hosts = ( { group = \"a\"; } ); drs = { enabled = false; }; },\n"
        "             { name = \"cb\"; hosts = ( { group = \"b\"; } ); ha = { enabled = true; admission_control = \"slots\"; }; } );\n"
        "placement = { policy = \"first_fit\"; };\n"
        "vms = ( { name = \"pa\"; count = 8; vcpus = 2; memory = \"8GiB\"; cluster = \"ca\";\n"
        "          cpu_demand = { kind = \"constant\"; mean = \"4GHz\"; }; },\n"
        "        { name = \"pb\"; count = 4; vcpus = 2; memory = \"8GiB\"; cluster = \"cb\";\n"
        "          cpu_demand = { kind = \"constant\"; mean = \"4GHz\"; }; } );\n"
        "drs = { enabled = true; threshold = 5; };\n";
    hid_t f = run_h5("clusters_settings", text);
    if (f < 0)
        return;
    int64_t host[12];
    table_i64(f, "/tables/vms", "host", 12, host);
    for (int v = 0; v < 8; v++)
        CHECK_INT_EQ(host[v], 0);
    hsize_t n = table_rows(f, "/tables/vmotions");
    CHECK(n >= 1); /* cb balances its 16 GHz on b-01 with b-02 */
    int64_t vm[64];
    if (n > 64)
        n = 64;
    table_i64(f, "/tables/vmotions", "vm", n, vm);
    for (hsize_t i = 0; i < n; i++)
        CHECK(vm[i] >= 8);
    int64_t drs[2], ha[2];
    table_i64(f, "/tables/clusters", "drs_enabled", 2, drs);
    table_i64(f, "/tables/clusters", "ha_enabled", 2, ha);
    CHECK_INT_EQ(drs[0], 0);
    CHECK_INT_EQ(drs[1], 1);
    CHECK_INT_EQ(ha[0], 0);
    CHECK_INT_EQ(ha[1], 1);
    char admission[32] = "";
    table_str(f, "/tables/clusters", "ha_admission_control", 1, admission, sizeof admission);
    CHECK(strcmp(admission, "slots") == 0);
    H5Fclose(f);
}

/* HA: ca's 12 VMs of 8 GiB fill a-01 (8 x 8 = 64 GiB) and put 4 on a-02
 * (first fit); cb's hosts are empty. a-01 fails at 1 h for 2 h: its 8 VMs
 * fail, 4 restart on a-02 (room for 4 x 8 GiB) at 1 h + 15 s detection,
 * the 4 others find no memory in ca and wait (timed retries, then a host);
 * they restart on a-01 when it is back at 3 h. None goes to cluster cb. */
static void ha_stays_in_cluster(void)
{
    const char *text = SIM("5h") "hosts = ( " HOSTS("a", 2) ", " HOSTS("b", 2) " );\n"
        "clusters = ( { name = \"ca\"; hosts = ( { group = \"a\"; } ); },\n"
        "             { name = \"cb\"; hosts = ( { group = \"b\"; } ); } );\n"
        "placement = { policy = \"first_fit\"; };\n"
        "vms = ( { name = \"pa\"; count = 12; vcpus = 1; memory = \"8GiB\"; cluster = \"ca\";\n"
        "          cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; } );\n"
        "ha = { enabled = true; admission_control = \"disabled\"; detection_time = \"15s\"; };\n"
        "failures = { inject = ( { target = \"host a-01\"; at = \"1h\"; duration = \"2h\"; } ); };\n";
    hid_t f = run_h5("clusters_ha", text);
    if (f < 0)
        return;
    h5r_event ev[32];
    size_t n = run_h5_events(f, "vm_failed", ev, 32);
    CHECK_INT_EQ(n, 8);
    n = run_h5_events(f, "vm_restarted", ev, 32);
    CHECK_INT_EQ(n, 8);
    int early_on_a02 = 0, late_on_a01 = 0;
    for (size_t i = 0; i < n && i < 32; i++) {
        CHECK(ev[i].a == 0 || ev[i].a == 1); /* never on b-01 (2) or b-02 (3) */
        if (ev[i].time_ns < 3 * 3600 * 1000000000LL)
            early_on_a02 += ev[i].a == 1;
        else
            late_on_a01 += ev[i].a == 0;
    }
    CHECK_INT_EQ(early_on_a02, 4);
    CHECK_INT_EQ(late_on_a01, 4);
    H5Fclose(f);
}

/* A PDU feeds rack ra (a-01, a-02) and rack rb (b-01, b-02) of another
 * cluster; a-03 and b-03 are on no rack. First fit puts ca's 4 VMs on a-01
 * and cb's 4 on b-01. The PDU fails at 1 h: a-01, a-02, b-01, b-02 go down
 * and the 8 VMs fail; each cluster restarts its own on the one host it has
 * left: VMs 0..3 on a-03 (host 2), VMs 4..7 on b-03 (host 5). */
static void pdu_spans_clusters(void)
{
    const char *text = SIM("3h") "hosts = ( " HOSTS("a", 3) ", " HOSTS("b", 3) " );\n"
        "clusters = ( { name = \"ca\"; hosts = ( { group = \"a\"; } ); },\n"
        "             { name = \"cb\"; hosts = ( { group = \"b\"; } ); } );\n"
        "placement = { policy = \"first_fit\"; };\n"
        "vms = ( { name = \"pa\"; count = 4; vcpus = 1; memory = \"8GiB\"; cluster = \"ca\"; },\n"
        "        { name = \"pb\"; count = 4; vcpus = 1; memory = \"8GiB\"; cluster = \"cb\"; } );\n"
        "pdus = ( { name = \"p1\"; } );\n"
        "racks = ( { name = \"ra\"; host_group = \"a\"; count = 2; pdu = \"p1\"; },\n"
        "          { name = \"rb\"; host_group = \"b\"; count = 2; pdu = \"p1\"; } );\n"
        "failures = { detection_time = \"15s\"; inject = ( { target = \"pdu p1\"; at = \"1h\"; duration = \"1h\"; } ); };\n";
    hid_t f = run_h5("clusters_pdu", text);
    if (f < 0)
        return;
    h5r_event ev[16];
    size_t n = run_h5_events(f, "vm_failed", ev, 16);
    CHECK_INT_EQ(n, 8);
    n = run_h5_events(f, "vm_restarted", ev, 16);
    CHECK_INT_EQ(n, 8);
    for (size_t i = 0; i < n && i < 16; i++)
        CHECK_INT_EQ(ev[i].a, ev[i].subject < 4 ? 2 : 5);
    H5Fclose(f);
}

/* Datacenter-level placement (docs/clusters.md): c1 = one 64 GiB host,
 * c2 = one 128 GiB host, c3 = one 32 GiB host of 4 cores. x (4 x 16 GiB)
 * names c2: free memory then c1 64, c2 128 - 64 = 64, c3 32 GiB.
 *   big (8 vCPUs, 16 GiB): c3 cannot hold 8 vCPUs; c1 and c2 tie at 64:
 *     the lower index, c1 (left 48);
 *   small-01 (8 GiB): c2 64 is most: c2 (56); small-02: c2 56 > 48: c2 (48);
 *   small-03: c1 48 = c2 48: c1. */
static void datacenter_placement(void)
{
    const char *text = SIM("10m")
        "hosts = ( { name = \"h1\"; count = 1; sockets = 1; cores_per_socket = 8; memory = \"64GiB\"; },\n"
        "          { name = \"h2\"; count = 1; sockets = 1; cores_per_socket = 8; memory = \"128GiB\"; },\n"
        "          { name = \"h3\"; count = 1; sockets = 1; cores_per_socket = 4; threads_per_core = 1; memory = \"32GiB\"; } );\n"
        "clusters = ( { name = \"c1\"; hosts = ( { group = \"h1\"; } ); },\n"
        "             { name = \"c2\"; hosts = ( { group = \"h2\"; } ); },\n"
        "             { name = \"c3\"; hosts = ( { group = \"h3\"; } ); } );\n"
        "vms = ( { name = \"x\"; count = 4; vcpus = 1; memory = \"16GiB\"; cluster = \"c2\"; },\n"
        "        { name = \"big\"; count = 1; vcpus = 8; memory = \"16GiB\"; },\n"
        "        { name = \"small\"; count = 3; vcpus = 2; memory = \"8GiB\"; } );\n";
    hid_t f = run_h5("clusters_dc_placement", text);
    if (f < 0)
        return;
    static const char *const want[] = {"c2", "c2", "c2", "c2", "c1", "c2", "c2", "c1"};
    for (hsize_t v = 0; v < 8; v++) {
        char got[64] = "";
        table_str(f, "/tables/vms", "cluster", v, got, sizeof got);
        if (strcmp(got, want[v]) != 0)
            fprintf(stderr, "VM %d: cluster '%s', want '%s'\n", (int)v, got, want[v]);
        CHECK(strcmp(got, want[v]) == 0);
    }
    /* Each VM runs on its cluster's one host (c1: h1 = host 0, c2: h2 = host
     * 1). The VMs' records are stored cluster after cluster, not in id
     * order (models/core/model_env.h): c1's VMs 4 and 7 first, then c2's. */
    int64_t host[8], vcpus[8];
    table_i64(f, "/tables/vms", "host", 8, host);
    table_i64(f, "/tables/vms", "vcpus", 8, vcpus);
    static const int64_t want_host[] = {1, 1, 1, 1, 0, 1, 1, 0}, want_vcpus[] = {1, 1, 1, 1, 8, 2, 2, 2};
    for (int v = 0; v < 8; v++) {
        CHECK_INT_EQ(host[v], want_host[v]);
        CHECK_INT_EQ(vcpus[v], want_vcpus[v]);
        char state[32] = "";
        table_str(f, "/tables/vms", "state", (hsize_t)v, state, sizeof state);
        CHECK(strcmp(state, "running") == 0);
    }
    int64_t vms[3];
    table_i64(f, "/tables/clusters", "vms", 3, vms);
    CHECK_INT_EQ(vms[0], 2);
    CHECK_INT_EQ(vms[1], 6);
    CHECK_INT_EQ(vms[2], 0);
    H5Fclose(f);
}

/* Four clusters with DRS, HA, random host failures with repair, a rack
 * failure and VMs placed by the datacenter rule: identical on 1 and 2 threads. */
static void four_clusters_threads(void)
{
    const char *text = SIM("6h")
        "hosts = ( { name = \"a\"; count = 3; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\";\n"
        "            failure = { up_time = { mean = \"3h\"; }; repair = { mean = \"30m\"; }; }; },\n"
        "          " HOSTS("b", 3) ", " HOSTS("c", 3) ", " HOSTS("d", 3) " );\n"
        "clusters = ( { name = \"ca\"; hosts = ( { group = \"a\"; } ); }, { name = \"cb\"; hosts = ( { group = \"b\"; } ); },\n"
        "             { name = \"cc\"; hosts = ( { group = \"c\"; } ); }, { name = \"cd\"; hosts = ( { group = \"d\"; } ); } );\n"
        "vms = ( { name = \"w\"; count = 40; vcpus = 2; memory = \"8GiB\";\n"
        "          cpu_demand = { kind = \"diurnal\"; mean = \"2GHz\"; amplitude = 0.5; period = \"6h\"; noise = 0.3; }; } );\n"
        "drs = { enabled = true; threshold = 5; };\n"
        "ha = { enabled = true; };\n"
        "racks = ( { name = \"r\"; host_group = \"b\"; count = 2; } );\n"
        "failures = { inject = ( { target = \"rack r\"; at = \"2h\"; duration = \"1h\"; } ); };\n";
    run_h5_same_across_threads("clusters_four", text);
}

int main(void)
{
    drs_stays_in_cluster();
    cluster_settings();
    ha_stays_in_cluster();
    pdu_spans_clusters();
    datacenter_placement();
    four_clusters_threads();
    return CHECK_DONE();
}
