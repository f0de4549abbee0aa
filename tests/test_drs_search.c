/* test_drs_search.c - DRS's pruned search (drs.search = "pruned",
 * models/vsphere/drs_prune.c and drs.c): host orders and lists, two
 * hand-worked clusters (the best destination is a bigger, not the least
 * loaded host; the moves that pass the filters lie away from the extremes),
 * and the same moves as the full search on randomized unbalanced clusters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/vsphere/drs.h"
#include "models/vsphere/drs_prune.h"
#include "tests/check.h"

/* Host orders: destinations by (1/C, d, host) ascending, sources by d
 * descending then host. */
static void test_orders(void)
{
    drs_host_key k[4] = {{.inv = 0.001, .dev = 0.2, .host = 0},
                         {.inv = 0.00025, .dev = -0.1, .host = 1},
                         {.inv = 0.001, .dev = -0.3, .host = 2},
                         {.inv = 0.001, .dev = 0.2, .host = 3}};
    drs_host_key d[4], src[4];
    memcpy(d, k, sizeof k);
    memcpy(src, k, sizeof k);
    drs_host_keys_sort_dest(d, 4);
    CHECK_INT_EQ(d[0].host, 1); /* the smaller 1/C: a class of its own, first */
    CHECK_INT_EQ(d[1].host, 2);
    CHECK_INT_EQ(d[2].host, 0);
    CHECK_INT_EQ(d[3].host, 3);
    drs_host_keys_sort_src(src, 4);
    CHECK_INT_EQ(src[0].host, 0);
    CHECK_INT_EQ(src[1].host, 3);
    CHECK_INT_EQ(src[2].host, 1);
    CHECK_INT_EQ(src[3].host, 2);
}

/* ------------------------------------------------------------------------ */
/* The best destination is not the least loaded host. CPU only (memory      */
/* entitlements 0), threshold 3, one move, cost-benefit off.                */
/*   host 0: 1000 MHz, VM 0 = 600, VM 1 = 200     N = 0.8                   */
/*   host 1: 1000 MHz, VM 2 = 100                 N = 0.1                   */
/*   host 2: 4000 MHz, VM 3 = 500                 N = 0.125                 */
/* I = population std dev of N: 0.3242513 before. Every move, by hand:      */
/*   VM 0 -> 1: 0.2, 0.7, 0.125 -> 0.2552232                               */
/*   VM 0 -> 2: 0.2, 0.1, 0.275 -> 0.0716860   (best: x_d = 600/4000)       */
/*   VM 1 -> 1: 0.6, 0.3, 0.125 -> 0.1961434                               */
/*   VM 1 -> 2: 0.6, 0.1, 0.175 -> 0.2201641                               */
/*   VM 2, VM 3 anywhere: above 0.3242513                                   */
/* Host 1 is the least loaded; a search that tried only the least loaded    */
/* host would move VM 1 there. Both searches must give VM 0 -> host 2.      */
/* ------------------------------------------------------------------------ */
static void test_bigger_host(void)
{
    drs_host hosts[3] = {{.cpu_capacity_mhz = 1000, .mem_capacity_mib = 1000, .state = DRS_HOST_UP, .vmotion_nic_gbps = 10},
                         {.cpu_capacity_mhz = 1000, .mem_capacity_mib = 1000, .state = DRS_HOST_UP, .vmotion_nic_gbps = 10},
                         {.cpu_capacity_mhz = 4000, .mem_capacity_mib = 1000, .state = DRS_HOST_UP, .vmotion_nic_gbps = 10}};
    drs_vm vms[4] = {{.host = 0, .cpu_entitlement_mhz = 600, .memory_mib = 1024},
                     {.host = 0, .cpu_entitlement_mhz = 200, .memory_mib = 1024},
                     {.host = 1, .cpu_entitlement_mhz = 100, .memory_mib = 1024},
                     {.host = 2, .cpu_entitlement_mhz = 500, .memory_mib = 1024}};
    drs_cluster c = {hosts, 3, vms, 4, NULL, 0};
    for (int search = 0; search < 2; search++) {
        drs_params p;
        drs_params_default(&p);
        p.cost_benefit = 0;
        p.max_moves_per_pass = 1;
        p.search = search == 0 ? DRS_SEARCH_PRUNED : DRS_SEARCH_FULL;
        int32_t a[4] = {0, 0, 1, 2};
        drs_move moves[2];
        drs_pass_result r;
        CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 2, &r), 1);
        CHECK_INT_EQ(moves[0].vm, 0);
        CHECK_INT_EQ(moves[0].to, 2);
        CHECK_NEAR(r.imbalance_before, 0.3242513, 1e-6);
        CHECK_NEAR(moves[0].imbalance_after, 0.0716860, 1e-6);
    }
}

/* Host lists: moves keep every VM in exactly its host's list. */
static void test_lists(void)
{
    int32_t a[5] = {0, 1, 0, -1, 2};
    drs_host_lists l;
    CHECK_INT_EQ(drs_host_lists_init(&l, 3, 5, a), 0);
    CHECK_INT_EQ(l.head[0], 0);
    CHECK_INT_EQ(l.next[0], 2);
    CHECK_INT_EQ(l.next[2], -1);
    drs_host_lists_move(&l, 0, 0, 2); /* host 0 keeps VM 2; host 2 gets VM 0 in front of VM 4 */
    drs_host_lists_move(&l, 3, -1, 1);
    CHECK_INT_EQ(l.head[0], 2);
    CHECK_INT_EQ(l.next[2], -1);
    CHECK_INT_EQ(l.head[2], 0);
    CHECK_INT_EQ(l.next[0], 4);
    CHECK_INT_EQ(l.head[1], 3);
    CHECK_INT_EQ(l.next[3], 1);
    drs_host_lists_free(&l);
}

/* ------------------------------------------------------------------------ */
/* Filters away from the extremes: 32 hosts of 1000 MHz and 1000 MiB, UP.   */
/* Every VM's memory entitlement (MiB) equals its CPU entitlement (MHz), so  */
/* both resources have the same loads.                                      */
/*   host 0: VM 0 and VM 21, 300 each, CPU reservation 1 MHz: N = 0.6        */
/*   hosts 1..20: VM h, 100: N = 0.1                                        */
/*   hosts 21..30: VM h+1 (22..31), pinned, entitlement 0, reservation 1000 */
/*     MHz: N = 0, but nothing with a reservation fits any more             */
/*   host 31: empty, N = 0                                                  */
/* VM 0 / 21 -> 21..30 do not fit (1000 + 1 > 1000); VMs 1..20 -> 21..31   */
/* leave Q unchanged (0.1 and 0 swap); the least loaded hosts take nothing.  */
/* The move is VM 0 -> host 31 (loads 0.3 and                               */
/* 0.3; Q drops by 0.6^2 - 2 x 0.3^2 = 0.18, against 0.12 for a 0.1 host;   */
/* VM 21 ties with VM 0 and loses on the index).                            */
/* I before: mean 2.6/32, var = 0.56/32 - mean^2, I = 0.1043956;            */
/* after: var = (0.09 + 0.09 + 0.2)/32 - mean^2, I = 0.0726184 > target     */
/* (5-3)/(10 sqrt 32) = 0.0354; the next step finds nothing better (VM 0   */
/* or 21 onto a 0.1 host: Q + 0.06): one move, stop NO_MOVE. Cost-benefit   */
/* off.                                                                     */
/* ------------------------------------------------------------------------ */
#define FB_HOSTS 32
#define FB_VMS 32

static void test_filters_away_from_extremes(void)
{
    drs_host hosts[FB_HOSTS];
    drs_vm vms[FB_VMS];
    int32_t a[FB_VMS];
    memset(hosts, 0, sizeof hosts);
    memset(vms, 0, sizeof vms);
    for (int h = 0; h < FB_HOSTS; h++)
        hosts[h] = (drs_host){.cpu_capacity_mhz = 1000, .mem_capacity_mib = 1000, .state = DRS_HOST_UP,
                              .vmotion_nic_gbps = 10};
    for (int v = 0; v < FB_VMS; v++) {
        double e = v == 0 || v == 21 ? 300 : v <= 20 ? 100 : 0;
        vms[v] = (drs_vm){.host = v == 21 ? 0 : v <= 20 ? v : v - 1,
                          .cpu_entitlement_mhz = e,
                          .mem_entitlement_mib = e,
                          .cpu_reservation_mhz = v == 0 || v == 21 ? 1 : v >= 22 ? 1000 : 0,
                          .memory_mib = 1024,
                          .pinned = v >= 22};
    }
    drs_cluster c = {hosts, FB_HOSTS, vms, FB_VMS, NULL, 0};
    for (int search = 0; search < 2; search++) {
        drs_params p;
        drs_params_default(&p);
        p.cost_benefit = 0;
        p.search = search == 0 ? DRS_SEARCH_PRUNED : DRS_SEARCH_FULL;
        drs_move moves[8];
        drs_pass_result r;
        for (int v = 0; v < FB_VMS; v++)
            a[v] = vms[v].host;
        CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 8, &r), 1);
        CHECK_INT_EQ(moves[0].vm, 0);
        CHECK_INT_EQ(moves[0].from, 0);
        CHECK_INT_EQ(moves[0].to, 31);
        CHECK_NEAR(r.imbalance_before, 0.1043956, 1e-6);
        CHECK_NEAR(r.imbalance_after, 0.0726184, 1e-6);
        CHECK_INT_EQ(r.stop, DRS_STOP_NO_MOVE);
    }
}

/* ------------------------------------------------------------------------ */
/* Randomized unbalanced clusters (hosts of two sizes, VMs piled on low     */
/* host numbers, cost-benefit on, max and weighted combination): the pruned */
/* search must give the same                                                */
/* move list as the full search, and search_check must count no step where  */
/* they differ (the bound must never cut the winning pair).                */
/* ------------------------------------------------------------------------ */
static uint64_t rng = 88172645463325252ull;
static double uniform01(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) * (1.0 / 9007199254740992.0);
}

static void random_case(uint32_t nh, uint32_t nv, drs_combine combine)
{
    drs_host *hosts = calloc(nh, sizeof *hosts);
    drs_vm *vms = calloc(nv, sizeof *vms);
    int32_t *a = calloc(nv, sizeof *a), *b = calloc(nv, sizeof *b);
    drs_move *m_full = calloc(64, sizeof *m_full), *m_pruned = calloc(64, sizeof *m_pruned);
    CHECK(hosts && vms && a && b && m_full && m_pruned);
    if (!hosts || !vms || !a || !b || !m_full || !m_pruned)
        return;
    for (uint32_t h = 0; h < nh; h++)
        hosts[h] = (drs_host){.cpu_capacity_mhz = h % 3 ? 48 * 2600.0 : 32 * 2400.0,
                              .mem_capacity_mib = h % 3 ? 524288.0 : 393216.0,
                              .state = h == 7 ? DRS_HOST_MAINTENANCE : DRS_HOST_UP,
                              .vmotion_nic_gbps = h % 2 ? 25.0 : 10.0};
    for (uint32_t v = 0; v < nv; v++) {
        double u = uniform01(), mem = 1024.0 * (1.0 + 31.0 * uniform01());
        uint32_t h = (uint32_t)((double)nh * u * u);
        vms[v] = (drs_vm){.host = (int32_t)(h < nh ? h : nh - 1),
                          .cpu_entitlement_mhz = 100.0 + 3900.0 * uniform01(),
                          .mem_entitlement_mib = mem,
                          .memory_mib = 1.5 * mem,
                          .dirty_rate_mib_per_s = 100.0 * uniform01(),
                          .pinned = v % 17 == 0};
        a[v] = b[v] = vms[v].host;
    }
    drs_cluster c = {hosts, nh, vms, nv, NULL, 0};
    drs_params p;
    drs_params_default(&p);
    p.combine = combine;
    drs_pass_result rf, rp;
    p.search = DRS_SEARCH_FULL;
    int nf = drs_pass(&c, &p, a, m_full, 64, &rf);
    p.search = DRS_SEARCH_PRUNED;
    p.search_check = 1;
    int np = drs_pass(&c, &p, b, m_pruned, 64, &rp);
    CHECK(nf > 8); /* mandatory evacuation of host 7 and load balancing */
    CHECK_INT_EQ(np, nf);
    int same = np == nf;
    for (int i = 0; same && i < nf; i++)
        same = m_full[i].vm == m_pruned[i].vm && m_full[i].to == m_pruned[i].to;
    CHECK(same);
    CHECK(rp.n_search_checked > 0);
    CHECK_INT_EQ(rp.n_search_differ, 0);
    CHECK(rp.imbalance_after == rf.imbalance_after);
    free(hosts);
    free(vms);
    free(a);
    free(b);
    free(m_full);
    free(m_pruned);
}

int main(void)
{
    test_orders();
    test_lists();
    test_bigger_host();
    test_filters_away_from_extremes();
    for (int i = 0; i < 4; i++) {
        random_case(40, 600, DRS_COMBINE_MAX);
        random_case(150, 3000, DRS_COMBINE_MAX);
        random_case(60, 900, DRS_COMBINE_WEIGHTED);
    }
    return CHECK_DONE();
}
