/* test_power_on_order.c - the power-ons of at_start VMs come from one cursor
 * per cluster (models/core/arrival_lp.c): each cluster powers its VMs on by
 * start time, VMs of equal start time in group and VM id order (the order
 * of the engine's tie-break, sim/event_queue.h, for events scheduled all
 * at build time), whatever the order of the groups in the scenario.
 *
 * Hosts: 1 socket x 8 cores, 64 GiB. Every VM has 30 GiB, so a host holds
 * two and not three; first fit takes the lowest-numbered host that fits.
 * Cluster ca (hosts a-01..a-03 = hosts 0..2), groups in list order:
 *   late  (VMs 0, 1) start 10m
 *   early (VMs 2, 3) start 0
 *   tie   (VMs 4, 5) start 10m, listed after late
 * Cluster cb (hosts b-01..b-03 = hosts 3..5):
 *   b_late  (VMs 6, 7) start 20m
 *   b_early (VMs 8, 9) start 5m
 * By hand: at 0 ca powers on early -> a-01 (host 0); at 10m late then tie
 * -> a-02, a-03 (hosts 1, 2); at 5m cb powers on b_early -> b-01 (host 3),
 * at 20m b_late -> b-02 (host 4). Group order alone would put late on
 * host 0; tie before late would swap hosts 1 and 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/run_h5.h"

static const char *const text =
    "simulation = { seed = 5; until = \"30m\"; control_latency = \"1s\"; sample_period = \"5m\"; };\n"
    "hosts = ( { name = \"a\"; count = 3; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; },\n"
    "          { name = \"b\"; count = 3; sockets = 1; cores_per_socket = 8; cpu = \"2GHz\"; memory = \"64GiB\"; } );\n"
    "clusters = ( { name = \"ca\"; hosts = ( { group = \"a\"; } ); },\n"
    "             { name = \"cb\"; hosts = ( { group = \"b\"; } ); } );\n"
    "placement = { policy = \"first_fit\"; };\n"
    "vms = ( { name = \"late\"; count = 2; vcpus = 1; memory = \"30GiB\"; cluster = \"ca\"; start = \"10m\"; },\n"
    "        { name = \"early\"; count = 2; vcpus = 1; memory = \"30GiB\"; cluster = \"ca\"; },\n"
    "        { name = \"tie\"; count = 2; vcpus = 1; memory = \"30GiB\"; cluster = \"ca\"; start = \"10m\"; },\n"
    "        { name = \"b_late\"; count = 2; vcpus = 1; memory = \"30GiB\"; cluster = \"cb\"; start = \"20m\"; },\n"
    "        { name = \"b_early\"; count = 2; vcpus = 1; memory = \"30GiB\"; cluster = \"cb\"; start = \"5m\"; } );\n";

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

static void power_on_order(void)
{
    hid_t f = run_h5("power_on_order", text);
    if (f < 0)
        return;
    static const int64_t want_host[10] = {1, 1, 0, 0, 2, 2, 4, 4, 3, 3};
    static const int64_t min_ns = 60000000000; /* one minute */
    static const int64_t want_arrived_ns[10] = {10 * min_ns, 10 * min_ns, 0, 0, 10 * min_ns,
                                                10 * min_ns, 20 * min_ns, 20 * min_ns, 5 * min_ns, 5 * min_ns};
    int64_t host[10], arrived[10];
    table_i64(f, "/tables/vms", "host", 10, host);
    table_i64(f, "/tables/vms", "arrived_ns", 10, arrived);
    for (int v = 0; v < 10; v++) {
        if (host[v] != want_host[v])
            fprintf(stderr, "VM %d: host %lld, want %lld\n", v, (long long)host[v], (long long)want_host[v]);
        CHECK_INT_EQ(host[v], want_host[v]);
        CHECK_INT_EQ(arrived[v], want_arrived_ns[v]);
    }
    H5Fclose(f);
}

int main(void)
{
    power_on_order();
    run_h5_same_across_threads("power_on_order_threads", text);
    return CHECK_DONE();
}
