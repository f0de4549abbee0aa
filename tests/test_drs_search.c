/* test_drs_search.c - DRS's pruned search (drs.search = "pruned",
 * models/vsphere/drs_prune.c and drs.c): the host selection, the fallback to
 * the full search when no pruned pair passes the filters (hand-worked), and
 * the same moves as the full search on randomized unbalanced clusters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/vsphere/drs.h"
#include "models/vsphere/drs_prune.h"
#include "tests/check.h"

/* Width: max(4, 2 ceil(log2 H)). */
static void test_width(void)
{
    CHECK_INT_EQ(drs_prune_width(1), 4);
    CHECK_INT_EQ(drs_prune_width(4), 4);
    CHECK_INT_EQ(drs_prune_width(5), 6);   /* ceil(log2 5) = 3 */
    CHECK_INT_EQ(drs_prune_width(64), 12);
    CHECK_INT_EQ(drs_prune_width(65), 14);
    CHECK_INT_EQ(drs_prune_width(1000), 20); /* 2^10 = 1024 */
}

/* Keys 5 1 5 0 9 3, host 4 not eligible: the 3 largest among the eligible
 * are 5 (host 0), 5 (host 2, tie after the lower index), 3 (host 5); the 2
 * smallest are 0 (host 3), 1 (host 1). A marked host is not appended twice. */
static void test_select(void)
{
    const double key[6] = {5, 1, 5, 0, 9, 3}, eligible[6] = {1, 1, 1, 1, 0, 1};
    uint32_t sorted[3], out[8], n = 0;
    uint8_t mark[6] = {0};
    drs_prune_select(key, eligible, 6, 3, 1, sorted, mark, out, &n);
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(out[0], 0);
    CHECK_INT_EQ(out[1], 2);
    CHECK_INT_EQ(out[2], 5);
    drs_prune_select(key, eligible, 6, 2, 0, sorted, mark, out, &n);
    CHECK_INT_EQ(n, 5);
    CHECK_INT_EQ(out[3], 3);
    CHECK_INT_EQ(out[4], 1);
    drs_prune_select(key, eligible, 6, 1, 1, sorted, mark, out, &n); /* host 0 again: already marked */
    CHECK_INT_EQ(n, 5);
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
/* The fallback case, 32 hosts of 1000 MHz and 1000 MiB, 10 GbE, all UP.     */
/* Every VM's memory entitlement (MiB) equals its CPU entitlement (MHz), so  */
/* both resources have the same loads.                                      */
/*   host 0: VM 0 and VM 21, 300 each, CPU reservation 1 MHz: N = 0.6        */
/*   hosts 1..20: VM h, 100: N = 0.1                                        */
/*   hosts 21..30: VM h+1 (22..31), pinned, entitlement 0, reservation 1000 */
/*     MHz: N = 0, but nothing with a reservation fits any more             */
/*   host 31: empty, N = 0                                                  */
/* Width k = 2 ceil(log2 32) = 10. Pull d/C: host 0 largest, then hosts     */
/* 1..20 tied (the lower 9 taken); smallest: hosts 21..31 tied, so 21..30.  */
/* Pruned pairs: VM 0 / 21 -> 21..30 do not fit (1000 + 1 > 1000); VMs 1..9 */
/* -> 21..30 leave Q unchanged (0.1 and 0 swap); nothing is strictly better: */
/* fallback to the full search, which finds VM 0 -> host 31 (loads 0.3 and  */
/* 0.3; Q drops by 0.6^2 - 2 x 0.3^2 = 0.18, against 0.12 for a 0.1 host;   */
/* VM 21 ties with VM 0 and loses on the index).                            */
/* I before: mean 2.6/32, var = 0.56/32 - mean^2, I = 0.1043956;            */
/* after: var = (0.09 + 0.09 + 0.2)/32 - mean^2, I = 0.0726184 > target     */
/* (5-3)/(10 sqrt 32) = 0.0354; the next step falls back again and the full */
/* search finds nothing better (VM 0 or 21 onto a 0.1 host: Q + 0.06):      */
/* one move, stop NO_MOVE, 2 fallbacks. Cost-benefit off.                   */
/* ------------------------------------------------------------------------ */
#define FB_HOSTS 32
#define FB_VMS 32

static void test_fallback(void)
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
        CHECK_INT_EQ(r.n_search_fallbacks, search == 0 ? 2 : 0);
    }
}

/* ------------------------------------------------------------------------ */
/* Randomized unbalanced clusters (hosts of two sizes, VMs piled on low     */
/* host numbers, cost-benefit on): the pruned search must give the same    */
/* move list as the full search, and search_check must count no step where  */
/* they differ. Pruning is a heuristic (a VM much larger than a host's      */
/* deviation can be better placed outside the extremes); this checks that   */
/* it holds on clusters shaped like the ones DRS meets, and fails if the    */
/* selection of hosts regresses.                                            */
/* ------------------------------------------------------------------------ */
static uint64_t rng = 88172645463325252ull;
static double uniform01(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) * (1.0 / 9007199254740992.0);
}

static void random_case(uint32_t nh, uint32_t nv)
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
    test_width();
    test_select();
    test_lists();
    test_fallback();
    for (int i = 0; i < 4; i++) {
        random_case(40, 600);
        random_case(150, 3000);
    }
    return CHECK_DONE();
}
