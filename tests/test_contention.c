/* test_contention.c - the host contention model's pure functions against
 * hand-computed values (each expected value is worked out in a comment). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "models/host/cpu_entitlement.h"
#include "models/host/ept.h"
#include "models/host/host_contention.h"
#include "models/host/memory_reclaim.h"
#include "models/host/numa.h"
#include "models/host/power.h"

static void entitle(const cpu_claim *vms, size_t n, double capacity, double *out)
{
    wf_claim claims[16];
    double scratch[32];
    cpu_entitlement_mhz(vms, n, capacity, claims, scratch, out);
}

static void test_waterfill(void)
{
    double e[8];
    /* Shares only: C = 3000, demands 2000, shares 1000:1000:2000.
     * s*(1000+1000+2000) = 3000 -> s = 0.75 -> 750, 750, 1500. */
    cpu_claim a[] = {{2000, 0, INFINITY, 1000}, {2000, 0, INFINITY, 1000}, {2000, 0, INFINITY, 2000}};
    entitle(a, 3, 3000, e);
    CHECK_NEAR(e[0], 750, 1e-9);
    CHECK_NEAR(e[1], 750, 1e-9);
    CHECK_NEAR(e[2], 1500, 1e-9);

    /* Demands below capacity: everyone gets its demand. */
    entitle(a, 3, 6000, e);
    CHECK_NEAR(e[0] + e[1] + e[2], 6000, 1e-9);
    CHECK_NEAR(e[2], 2000, 1e-9);

    /* Reservations beyond capacity: lo = 2000, 2000 scaled by 3000/4000. */
    cpu_claim r[] = {{3000, 2000, INFINITY, 1000}, {3000, 2000, INFINITY, 1000}};
    entitle(r, 2, 3000, e);
    CHECK_NEAR(e[0], 1500, 1e-9);
    CHECK_NEAR(e[1], 1500, 1e-9);

    /* A zero-weight claim gets its lo only; the other takes the rest. */
    wf_claim w[] = {{.lo = 100, .hi = 900, .weight = 0}, {.lo = 0, .hi = 900, .weight = 1}};
    double scratch[4], out[2];
    CHECK_NEAR(waterfill(w, 2, 500, scratch, out), 500, 1e-9);
    CHECK_NEAR(out[0], 100, 1e-9);
    CHECK_NEAR(out[1], 400, 1e-9);

    /* Presets (vSphere Resource Management, "Share Values"). */
    CHECK_NEAR(cpu_shares_per_vcpu(SHARES_LOW), 500, 0);
    CHECK_NEAR(cpu_shares_per_vcpu(SHARES_NORMAL), 1000, 0);
    CHECK_NEAR(cpu_shares_per_vcpu(SHARES_HIGH), 2000, 0);
}

/* Random instances: the result must be a water level. Bounds hold, the sum
 * is min(total, sum hi), and no claim below another's level could still grow
 * while the other could shrink (E_i/w_i < E_j/w_j implies E_i = hi_i or
 * E_j = lo_j). */
static void test_waterfill_random(void)
{
    uint64_t x = 12345;
    int bad = 0;
    for (int round = 0; round < 2000; round++) {
        wf_claim c[40];
        double out[40], scratch[40], sum_lo = 0, sum_hi = 0;
        int n = 1 + (int)(round % 40);
        for (int i = 0; i < n; i++) {
            double u[3];
            for (int k = 0; k < 3; k++) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                u[k] = (double)(x >> 11) / 9007199254740992.0;
            }
            double lo = u[0] < 0.5 ? 0.0 : 1000.0 * u[0];
            c[i] = (wf_claim){.lo = lo, .hi = lo + 3000.0 * u[1], .weight = u[2] < 0.1 ? 0.0 : 500.0 + 1500.0 * u[2]};
            sum_lo += c[i].lo;
            sum_hi += c[i].hi;
        }
        double total = sum_lo + (sum_hi - sum_lo) * ((double)(round % 7) / 6.0);
        double got = waterfill(c, (size_t)n, total, scratch, out);
        bad += fabs(got - total) > 1e-6 * (1.0 + total);
        for (int i = 0; i < n; i++) {
            bad += out[i] < c[i].lo - 1e-9 || out[i] > c[i].hi + 1e-9;
            for (int j = 0; j < n; j++) {
                if (c[i].weight <= 0 || c[j].weight <= 0)
                    continue;
                if (out[i] / c[i].weight < out[j] / c[j].weight - 1e-9)
                    bad += out[i] < c[i].hi - 1e-6 && out[j] > c[j].lo + 1e-6;
            }
        }
    }
    CHECK_INT_EQ(bad, 0);
}

/* cpu_entitlement_mhz's pass for a host where everything fits (sum hi <=
 * capacity) against waterfill on the claims built by hand: the same
 * doubles, bit for bit, and each VM its hi. */
static void test_entitlement_fits(void)
{
    /* D 1000; D 2500 limited to 1500; D 0; D -5 (none); D 800 reserving
     * 1200 (lo = hi = 800); D 333.3 with shares 0. hi: 1000, 1500, 0, 0,
     * 800, 333.3; sum 3633.3. */
    cpu_claim vms[] = {{1000, 0, INFINITY, 1000}, {2500, 0, 1500, 1000}, {0, 0, INFINITY, 1000},
                       {-5, 0, INFINITY, 1000},   {800, 1200, INFINITY, 500}, {333.3, 0, INFINITY, 0}};
    wf_claim by_hand[] = {{0, 1000, 1000}, {0, 1500, 1000}, {0, 0, 1000}, {0, 0, 1000}, {800, 800, 500},
                          {0, 333.3, 0}};
    const double hi[] = {1000, 1500, 0, 0, 800, 333.3};
    double want_sum = 0.0;
    for (int i = 0; i < 6; i++)
        want_sum += hi[i];
    const double capacities[] = {10000, want_sum}; /* room to spare; exactly full */
    for (int c = 0; c < 2; c++) {
        wf_claim claims[6];
        double scratch[12], fast[6], general[6];
        double got = cpu_entitlement_mhz(vms, 6, capacities[c], claims, scratch, fast);
        double ref = waterfill(by_hand, 6, capacities[c], scratch, general);
        CHECK(got == ref);
        CHECK(got == want_sum);
        for (int i = 0; i < 6; i++) {
            CHECK(fast[i] == general[i]);
            CHECK(fast[i] == hi[i]);
        }
    }
    /* 1 MHz short: water-filling proper. The 333.3 of the shares-0 claim
     * comes last: the weighted claims get their hi (3300) and it the rest,
     * 332.3. */
    double e[6];
    entitle(vms, 6, want_sum - 1.0, e);
    CHECK_NEAR(e[0], 1000, 1e-9);
    CHECK_NEAR(e[1], 1500, 1e-9);
    CHECK_NEAR(e[4], 800, 1e-9);
    CHECK_NEAR(e[5], 332.3, 1e-9);
    /* no VMs: nothing to give */
    CHECK(cpu_entitlement_mhz(vms, 0, 1000, NULL, NULL, e) == 0.0);
}

static void test_ready(void)
{
    /* D 2000, E 750: waits 1250/2000 = 62.5 % of its runnable time; the
     * unmet 1250 MHz is 1250/2000 = 0.625 vCPUs waiting through a 20 s
     * interval: 12500 ms summed over vCPUs. */
    CHECK_NEAR(cpu_ready_fraction(2000, 750), 0.625, 1e-12);
    CHECK_NEAR(cpu_ready_ms(2000, 750, 2000, 20000), 12500, 1e-9);
    CHECK_NEAR(cpu_ready_fraction(2000, 2000), 0.0, 0);
    CHECK_NEAR(cpu_ready_fraction(0, 0), 0.0, 0);
    CHECK_NEAR(cpu_ready_ms(1000, 1500, 2000, 20000), 0.0, 0);
}

static void test_numa(void)
{
    /* 2 nodes x 16 cores, 1000 MiB each, VMs in order:
     * v0 {8 vCPU, 400}: tie -> node 0, all local.
     * v1 {8, 400}: node 1 has fewer vCPUs (0 < 8) -> node 1.
     * v2 {4, 700}: no node has 700 free (600, 600) -> most free memory, tie
     *    -> node 0; local = 600/700 = 6/7.
     * v3 {20, 200}, no vNUMA: wide, k = ceil(20/16) = 2, local 1/2.
     * v4 {20, 200}, vNUMA: local 1. */
    numa_topology t = {.nodes = 2, .cores_per_node = 16, .memory_per_node_mib = 1000};
    numa_vm v[] = {{8, 400, 0}, {8, 400, 0}, {4, 700, 0}, {20, 200, 0}, {20, 200, 1}};
    double a[2], b[2];
    numa_placement p[5];
    numa_place(&t, v, 5, a, b, p);
    CHECK_INT_EQ(p[0].home, 0);
    CHECK_NEAR(p[0].local_fraction, 1.0, 0);
    CHECK_INT_EQ(p[1].home, 1);
    CHECK_INT_EQ(p[2].home, 0);
    CHECK_NEAR(p[2].local_fraction, 6.0 / 7.0, 1e-12);
    CHECK_INT_EQ(p[3].nodes_spanned, 2);
    CHECK_NEAR(p[3].local_fraction, 0.5, 0);
    CHECK_NEAR(p[4].local_fraction, 1.0, 0);
    /* 90 ns local, 140 ns remote: slowdown = 1 + remote * (140/90 - 1) = 1 + remote * 5/9 */
    CHECK_NEAR(numa_slowdown(6.0 / 7.0, 90, 140), 1.0 + 5.0 / 63.0, 1e-12);
    CHECK_NEAR(numa_slowdown(0.5, 90, 140), 1.0 + 5.0 / 18.0, 1e-12);
    CHECK_NEAR(numa_slowdown(1.0, 90, 140), 1.0, 0);
    /* vNUMA: auto exposes it only for VMs wider than a node */
    CHECK_INT_EQ(numa_vnuma_exposed(NUMA_VNUMA_AUTO, 20, 16), 1);
    CHECK_INT_EQ(numa_vnuma_exposed(NUMA_VNUMA_AUTO, 16, 16), 0);
    CHECK_INT_EQ(numa_vnuma_exposed(NUMA_VNUMA_ON, 2, 16), 1);
    CHECK_INT_EQ(numa_vnuma_exposed(NUMA_VNUMA_OFF, 40, 16), 0);
    /* one node: everything local whatever the size */
    numa_topology one = {.nodes = 1, .cores_per_node = 16, .memory_per_node_mib = 100};
    numa_place(&one, v, 1, a, b, p);
    CHECK_NEAR(p[0].local_fraction, 1.0, 0);
}

static void test_ept(void)
{
    /* (g+1)(h+1) - 1 */
    CHECK_INT_EQ(ept_walk_refs(4, 4), 24);
    CHECK_INT_EQ(ept_walk_refs(3, 3), 15);
    CHECK_INT_EQ(ept_walk_refs(5, 5), 35);
    CHECK_INT_EQ(ept_walk_refs(4, 3), 19);
    /* 0.5 misses/kcycle, 4 ns per reference, 2.6 GHz:
     * 4 KiB: 0.0005 * (24 - 4) * 4 * 2.6 = 0.104;  2 MiB: 0.0005 * (15 - 3) * 4 * 2.6 = 0.0624 */
    CHECK_NEAR(ept_efficiency(0, 0, 0.5, 4, 2600), 1.0 / 1.104, 1e-12);
    CHECK_NEAR(ept_efficiency(1, 1, 0.5, 4, 2600), 1.0 / 1.0624, 1e-12);
    CHECK_NEAR(ept_efficiency(1, 1, 0.0, 4, 2600), 1.0, 0);
}

static void test_power(void)
{
    power_model lin = {.idle_w = 100, .peak_w = 300};
    CHECK_NEAR(power_watts(&lin, 0.25), 150, 1e-12);
    CHECK_NEAR(power_watts(&lin, -1), 100, 0);
    CHECK_NEAR(power_watts(&lin, 2), 300, 0);
    /* curve 50, 100, 120, ..., 280 (step 20 after the first): u = 0.05 is
     * half way from 50 to 100 -> 75; u = 0.25 half way from 120 to 140 -> 130 */
    power_model c = {.has_curve = 1};
    char why[200];
    CHECK_INT_EQ(power_curve_parse("50, 100,120,140 160 180,200,220,240,260,280", c.curve_w, why, sizeof why), 0);
    CHECK_NEAR(power_watts(&c, 0.05), 75, 1e-9);
    CHECK_NEAR(power_watts(&c, 0.25), 130, 1e-9);
    CHECK_NEAR(power_watts(&c, 1.0), 280, 0);
    CHECK_INT_EQ(power_curve_parse("1,2,3", c.curve_w, why, sizeof why), -1);
    CHECK_STR_CONTAINS(why, "3 values");
    CHECK_INT_EQ(power_curve_parse("1,2,x,4,5,6,7,8,9,10,11", c.curve_w, why, sizeof why), -1);
    CHECK_INT_EQ(power_curve_parse("1,2,3,4,5,6,7,8,9,10,11,12", c.curve_w, why, sizeof why), -1);
}

static mem_params params_28g(void)
{
    /* 28 GiB host: minFree = 899 MiB exactly; no sharing unless set */
    return (mem_params){.host_mib = 28672, .page_sharing = 0, .balloon_max = 0.65, .compression_max = 0.10,
                        .compression_ratio = 2, .idle_tax = 0.75, .touch_rate_per_s = 10000,
                        .decompress_s = 30e-6, .swapin_s = 100e-6};
}

static void test_memory(void)
{
    /* minFree: 899 MiB for 28 GiB + 1 % of the rest; 128 GiB -> 899 + 1024 = 1923 */
    CHECK_NEAR(mem_min_free_mib(131072), 1923, 1e-9);
    CHECK_NEAR(mem_min_free_mib(28672), 899, 1e-9);
    CHECK_INT_EQ(mem_state_of(3596, 899), MEM_STATE_HIGH); /* 400 % */
    CHECK_INT_EQ(mem_state_of(899, 899), MEM_STATE_CLEAR);
    CHECK_INT_EQ(mem_state_of(600, 899), MEM_STATE_SOFT);
    CHECK_INT_EQ(mem_state_of(300, 899), MEM_STATE_HARD);
    CHECK_INT_EQ(mem_state_of(100, 899), MEM_STATE_LOW);
    CHECK_NEAR(mem_shares_per_mib(SHARES_HIGH), 20, 0);

    wf_claim claims[4];
    double scratch[8], amounts[4];
    mem_vm_result r[4];
    mem_params p = params_28g();

    /* No pressure, 5 % sharing: 2 x 8192 -> shared 409.6 each, consumed 7782.4. */
    p.page_sharing = 0.05;
    mem_vm small[] = {{8192, 2048, 0, INFINITY, 81920, 0}, {8192, 2048, 0, INFINITY, 81920, 0}};
    mem_host_result h = mem_reclaim(&p, small, 2, claims, scratch, amounts, r);
    CHECK_NEAR(r[0].shared_mib, 409.6, 1e-9);
    CHECK_NEAR(r[1].consumed_mib, 7782.4, 1e-9);
    CHECK_NEAR(r[0].ballooned_mib, 0, 0);
    CHECK_INT_EQ(h.state, MEM_STATE_HIGH);
    /* Large pages are not shared while free memory is above 400 % of minFree. */
    small[1].large_pages = 1;
    mem_reclaim(&p, small, 2, claims, scratch, amounts, r);
    CHECK_NEAR(r[1].shared_mib, 0, 0);
    p.page_sharing = 0;

    /* Soft: 2 x 14000 -> free 672 (74.7 % of minFree). Balloon toward 899:
     * 227 MiB, split by 1/rho. Equal VMs: 113.5 each. With VM 0 at high
     * shares (20/MiB) and VM 1 normal (10/MiB), 1/rho halves for VM 0:
     * 227 * 1/3 and 227 * 2/3. */
    mem_vm soft[] = {{14000, 3500, 0, INFINITY, 140000, 0}, {14000, 3500, 0, INFINITY, 140000, 0}};
    h = mem_reclaim(&p, soft, 2, claims, scratch, amounts, r);
    CHECK_NEAR(r[0].ballooned_mib, 113.5, 1e-9);
    CHECK_NEAR(r[1].ballooned_mib, 113.5, 1e-9);
    CHECK_NEAR(r[0].consumed_mib, 13886.5, 1e-9);
    CHECK_NEAR(r[0].slowdown, 1.0, 0);
    CHECK_NEAR(h.free_mib, 899, 1e-9);
    CHECK_INT_EQ(h.state, MEM_STATE_CLEAR);
    soft[0].shares = 280000;
    mem_reclaim(&p, soft, 2, claims, scratch, amounts, r);
    CHECK_NEAR(r[0].ballooned_mib, 227.0 / 3.0, 1e-9);
    CHECK_NEAR(r[1].ballooned_mib, 227.0 * 2.0 / 3.0, 1e-9);

    /* Low: 2 x 14200, 99 % active -> free 272. The balloon can take only the
     * idle 142 MiB of each (free -> 556 = 61.8 % of minFree: hard), so
     * compression brings free to 64 % of minFree = 575.36: 19.36 MiB saved,
     * 9.68 each = 19.36 MiB compressed each (ratio 2). Resident pages
     * 14200 - 142 = 14058, so 19.36/14058 of the active pages fault at
     * 30 us, 10000 faults/s: slowdown 1 + 0.3 * 19.36/14058. */
    mem_vm tight[] = {{14200, 14058, 0, INFINITY, 142000, 0}, {14200, 14058, 0, INFINITY, 142000, 0}};
    h = mem_reclaim(&p, tight, 2, claims, scratch, amounts, r);
    CHECK_NEAR(r[0].ballooned_mib, 142, 1e-9);
    CHECK_NEAR(r[0].compressed_mib, 19.36, 1e-9);
    CHECK_NEAR(r[1].compressed_mib, 19.36, 1e-9);
    CHECK_NEAR(r[0].swapped_mib, 0, 0);
    CHECK_NEAR(h.free_mib, 575.36, 1e-9);
    CHECK_NEAR(r[0].slowdown, 1.0 + 0.3 * 19.36 / 14058.0, 1e-12);
    CHECK_NEAR(r[0].consumed_mib, 14200 - 142 - 19.36 / 2, 1e-9);

    /* Swap: all active (no balloon), compression off (ratio 1): 2 x 15000
     * -> free -1328; swap 575.36 + 1328 = 1903.36, 951.68 each; slowdown
     * 1 + 10000 * (951.68/15000) * 100 us. */
    p.compression_ratio = 1;
    mem_vm over[] = {{15000, 15000, 0, INFINITY, 150000, 0}, {15000, 15000, 0, INFINITY, 150000, 0}};
    h = mem_reclaim(&p, over, 2, claims, scratch, amounts, r);
    CHECK_NEAR(r[0].swapped_mib, 951.68, 1e-9);
    CHECK_NEAR(r[1].swapped_mib, 951.68, 1e-9);
    CHECK_NEAR(r[0].slowdown, 1.0 + 1.0 * 951.68 / 15000.0, 1e-12);
    /* A reservation protects VM 0: VM 1 gives all 1903.36. */
    over[0].reservation_mib = 15000;
    mem_reclaim(&p, over, 2, claims, scratch, amounts, r);
    CHECK_NEAR(r[0].swapped_mib, 0, 0);
    CHECK_NEAR(r[1].swapped_mib, 1903.36, 1e-9);
    p.compression_ratio = 2;

    /* Limit: 8192 MiB, limit 6144, half active: the 2048 excess is
     * ballooned from idle memory (4096 idle) on an otherwise idle host. */
    mem_vm lim[] = {{8192, 4096, 0, 6144, 81920, 0}};
    mem_reclaim(&p, lim, 1, claims, scratch, amounts, r);
    CHECK_NEAR(r[0].ballooned_mib, 2048, 1e-9);
    CHECK_NEAR(r[0].consumed_mib, 6144, 1e-9);
    /* fully active: the excess is swapped */
    lim[0].active_mib = 8192;
    mem_reclaim(&p, lim, 1, claims, scratch, amounts, r);
    CHECK_NEAR(r[0].swapped_mib, 2048, 1e-9);
}

/* mem_reclaim's single pass for a host with nothing to reclaim against its
 * general path: a third VM over its limit sends the same host through all
 * the steps, which must give the first two VMs the same doubles. */
static void test_memory_unreclaimed(void)
{
    wf_claim claims[4];
    double scratch[8], amounts[4];
    mem_vm_result fast[3], general[3];
    mem_params p = params_28g();
    p.page_sharing = 0.05;
    /* small pages: shared 0.05 * 8191 = 409.55, consumed 7781.45; large
     * pages: nothing shared above 400 % of minFree, consumed 5000 */
    mem_vm vms[] = {{8191, 2000, 0, INFINITY, 81910, 0}, {5000, 1000, 0, INFINITY, 50000, 1},
                    {2000, 2000, 0, 1000, 20000, 0}};
    mem_host_result hf = mem_reclaim(&p, vms, 2, claims, scratch, amounts, fast);
    mem_host_result hg = mem_reclaim(&p, vms, 3, claims, scratch, amounts, general);
    for (int i = 0; i < 2; i++) {
        CHECK(memcmp(&fast[i], &general[i], sizeof fast[i]) == 0);
        CHECK(fast[i].ballooned_mib == 0.0 && fast[i].swapped_mib == 0.0 && fast[i].compressed_mib == 0.0);
        CHECK(fast[i].slowdown == 1.0);
    }
    CHECK_NEAR(fast[0].consumed_mib, 7781.45, 1e-9);
    CHECK(fast[1].consumed_mib == 5000.0);
    /* the third VM's 2000 - 100 (shared) - 1000 = 900 over its limit, all
     * active: swapped */
    CHECK_NEAR(general[2].swapped_mib, 900, 1e-9);
    CHECK_INT_EQ(hf.state, MEM_STATE_HIGH);
    CHECK_NEAR(hf.free_mib, 28672 - 7781.45 - 5000, 1e-9);
    CHECK_NEAR(hg.free_mib, 28672 - 7781.45 - 5000 - 1000, 1e-9);
    /* the sums: 7781.45 + 5000 consumed, 409.55 shared, nothing reclaimed;
     * with the third VM 1000 more consumed, 100 shared, 900 swapped */
    CHECK(hf.sum.consumed_mib == fast[0].consumed_mib + fast[1].consumed_mib);
    CHECK_NEAR(hf.sum.consumed_mib, 12781.45, 1e-9);
    CHECK(hf.sum.shared_mib == fast[0].shared_mib);
    CHECK(hf.sum.ballooned_mib == 0.0 && hf.sum.compressed_mib == 0.0 && hf.sum.swapped_mib == 0.0);
    CHECK_NEAR(hg.sum.consumed_mib, 13781.45, 1e-9);
    CHECK_NEAR(hg.sum.shared_mib, 509.55, 1e-9);
    CHECK_NEAR(hg.sum.swapped_mib, 900, 1e-9);

    /* The edge: free memory exactly minFree (899) is "clear", nothing is
     * reclaimed; 2 MiB less is "soft": the balloon takes 1 MiB from each of
     * two equal VMs to bring it back to 899. */
    p.page_sharing = 0;
    mem_vm edge[] = {{13886.5, 3500, 0, INFINITY, 138865, 0}, {13886.5, 3500, 0, INFINITY, 138865, 0}};
    mem_host_result h = mem_reclaim(&p, edge, 2, claims, scratch, amounts, fast);
    CHECK_INT_EQ(h.state, MEM_STATE_CLEAR);
    CHECK(h.free_mib == 899.0);
    CHECK(fast[0].ballooned_mib == 0.0 && fast[0].consumed_mib == 13886.5);
    edge[0].configured_mib = edge[1].configured_mib = 13887.5;
    h = mem_reclaim(&p, edge, 2, claims, scratch, amounts, fast);
    CHECK_NEAR(fast[0].ballooned_mib, 1, 1e-9);
    CHECK_NEAR(fast[1].ballooned_mib, 1, 1e-9);
    CHECK_NEAR(h.free_mib, 899, 1e-9);

    /* Large pages are shared once free memory falls below 400 % of minFree
     * (3596): 3 x 8500 leave 3172, so each shares 0.05 * 8500 = 425 and
     * consumes 8075; free 28672 - 24225 = 4447, "high". */
    p.page_sharing = 0.05;
    mem_vm large[] = {{8500, 1000, 0, INFINITY, 85000, 1}, {8500, 1000, 0, INFINITY, 85000, 1},
                      {8500, 1000, 0, INFINITY, 85000, 1}};
    h = mem_reclaim(&p, large, 3, claims, scratch, amounts, general);
    CHECK_NEAR(general[2].shared_mib, 425, 1e-9);
    CHECK_NEAR(general[0].consumed_mib, 8075, 1e-9);
    CHECK_NEAR(h.free_mib, 4447, 1e-9);
    CHECK_INT_EQ(h.state, MEM_STATE_HIGH);
}

static host_spec small_host(void)
{
    /* 1 socket x 4 cores x 2000 MHz, 1 NUMA node, no SMT, 64 GiB,
     * 1 NIC of 10 Gbps with 2 VFs, 100 MHz per virtio Gbps, 100..200 W */
    return (host_spec){.sockets = 1, .cores_per_socket = 4, .cpu_mhz = 2000, .memory_mib = 65536,
                       .hw = {.numa_nodes = 1, .threads_per_core = 1, .smt_gain = 0.25, .numa_local_ns = 90,
                              .numa_remote_ns = 140, .nics = 1, .nic_gbps = 10, .sriov_vfs_per_nic = 2,
                              .virtio_mhz_per_gbps = 100, .ept_large_pages = 1, .page_walk_ref_ns = 4,
                              .power = {.idle_w = 100, .peak_w = 200}}};
}

/* A 2-vCPU 4 GiB VM; its group fields in *gs, one per VM so that a test
 * can change one VM's. */
static vm_spec small_vm(vm_group_spec *gs)
{
    *gs = (vm_group_spec){.vcpus = 2, .memory_mib = 4096,
                          .res = {.cpu_limit_mhz = INFINITY, .cpu_shares = 2000, .memory_limit_mib = INFINITY,
                                  .memory_shares = 40960, .tlb_misses_per_kcycle = 0}};
    return (vm_spec){.gs = gs};
}

static void test_host_step(void)
{
    host_spec h = small_host();
    vm_group_spec gs[3];
    vm_spec specs[3] = {small_vm(&gs[0]), small_vm(&gs[1]), small_vm(&gs[2])};
    vm vms[3] = {{0}};
    uint32_t ids[3] = {0, 1, 2};
    host_scratch sc = {0};
    host_vm_output out[3];
    host_totals t;

    /* Three VMs asking 4000 MHz (all of their 2 vCPUs) on 8000 MHz, equal
     * shares: 8000/3 each, ready 1/3, speed factor 2/3; in a 20 s interval
     * each leaves (4000 - 8000/3)/2000 = 2/3 vCPU waiting: 13333.3 ms.
     * Utilisation 1 -> 200 W. */
    host_vm_input in[3] = {{4000, 0.25, 0}, {4000, 0.25, 0}, {5000, 0.25, 0}};
    CHECK_INT_EQ(host_contention_step(&h, specs, vms, ids, in, 3, 20000, &sc, out, &t), 0);
    /* VM 2 asks 5000 but its 2 vCPUs give at most 4000: same claim */
    CHECK_NEAR(vms[0].cpu_entitlement_mhz, 8000.0 / 3.0, 1e-9);
    CHECK_NEAR(vms[2].cpu_entitlement_mhz, 8000.0 / 3.0, 1e-9);
    CHECK_NEAR(vms[0].cpu_ready_pct, 100.0 / 3.0, 1e-4);
    CHECK_NEAR(vms[0].cpu_speed_factor, 2.0 / 3.0, 1e-12);
    CHECK_NEAR(vms[2].cpu_speed_factor, 8000.0 / 3.0 / 5000.0, 1e-12);
    CHECK_NEAR(out[0].cpu_ready_ms, 20000.0 * 2.0 / 3.0, 1e-6);
    CHECK_NEAR(t.cpu_demand_mhz, 13000, 1e-9);
    CHECK_NEAR(t.cpu_usage_mhz, 8000, 1e-9);
    CHECK_NEAR(t.cpu_ready_pct, 100.0 / 3.0, 1e-9);
    CHECK_NEAR(t.power_w, 200, 1e-9);
    CHECK_NEAR(t.memory_active_mib, 3 * 1024, 1e-9);

    /* SMT on (2 threads, gain 0.25): 10000 MHz schedulable, 10000/3 each. */
    h.hw.threads_per_core = 2;
    host_contention_step(&h, specs, vms, ids, in, 3, 20000, &sc, out, &t);
    CHECK_NEAR(vms[1].cpu_entitlement_mhz, 10000.0 / 3.0, 1e-9);
    h.hw.threads_per_core = 1;

    /* Network: 3 x 4 Gbps on one 10 Gbps NIC -> scaled to 10/12 each.
     * VM 0 and 1 ask for SR-IOV (2 VFs: both get one), VM 2 is virtio:
     * 10/3 Gbps * 100 MHz = 333.3 MHz of hypervisor CPU, leaving
     * 7666.7 MHz: 7666.7/3 each. */
    gs[0].res.sriov = gs[1].res.sriov = 1;
    for (int i = 0; i < 3; i++)
        in[i].network_gbps = 4;
    host_contention_step(&h, specs, vms, ids, in, 3, 20000, &sc, out, &t);
    CHECK_NEAR(t.network_gbps, 10, 1e-9);
    CHECK_NEAR(t.cpu_hypervisor_mhz, 1000.0 / 3.0, 1e-9);
    CHECK_NEAR(vms[0].cpu_entitlement_mhz, (8000.0 - 1000.0 / 3.0) / 3.0, 1e-9);
    CHECK_INT_EQ(out[0].sriov, 1);
    CHECK_INT_EQ(out[2].sriov, 0);
    CHECK_NEAR(t.cpu_usage_mhz, 8000, 1e-9);

    /* EPT cost lowers the speed factor: 4 KiB pages, 0.5 misses/kcycle,
     * 4 ns, 2 GHz: overhead 0.0005 * 20 * 4 * 2 = 0.08. Light load (1000 MHz
     * each, no network) so only the efficiency is left. */
    gs[0].res.large_pages = 0;
    gs[0].res.tlb_misses_per_kcycle = 0.5;
    for (int i = 0; i < 3; i++)
        in[i] = (host_vm_input){1000, 0.25, 0};
    host_contention_step(&h, specs, vms, ids, in, 3, 20000, &sc, out, &t);
    CHECK_NEAR(vms[0].cpu_speed_factor, 1.0 / 1.08, 1e-12);
    CHECK_NEAR(vms[0].cpu_ready_pct, 0, 0);
    CHECK_NEAR(t.power_w, 100 + 100 * 3000.0 / 8000.0, 1e-9);

    /* No VMs: nothing demanded, idle power. */
    host_contention_step(&h, specs, vms, ids, in, 0, 20000, &sc, out, &t);
    CHECK_NEAR(t.power_w, 100, 0);
    CHECK_NEAR(t.cpu_ready_pct, 0, 0);
    host_scratch_free(&sc);
}

/* The step without a caller's per-VM details skips the per-VM network
 * step when no VM has network demand: the same doubles as with them (the
 * network sums +0, nothing for the hypervisor), and with demand it runs. */
static int same_double(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static void test_host_step_no_network(void)
{
    host_spec h = small_host();
    vm_group_spec gs[3];
    vm_spec specs[3] = {small_vm(&gs[0]), small_vm(&gs[1]), small_vm(&gs[2])};
    gs[0].res.sriov = gs[1].res.sriov = 1;
    vm with[3] = {{0}}, without[3] = {{0}};
    uint32_t ids[3] = {0, 1, 2};
    host_scratch sc = {0};
    host_vm_output out[3];
    host_totals t1, t2;
    for (int net = 0; net <= 1; net++) {
        /* 4000 MHz each on 8000 MHz; no network, then 4 Gbps each (SR-IOV for
         * VMs 0 and 1, virtio for VM 2: 10/3 Gbps * 100 MHz/Gbps) */
        host_vm_input in[3] = {{4000, 0.25, net * 4.0}, {4000, 0.25, net * 4.0}, {5000, 0.25, net * 4.0}};
        CHECK_INT_EQ(host_contention_step(&h, specs, with, ids, in, 3, 20000, &sc, out, &t1), 0);
        CHECK_INT_EQ(host_contention_step(&h, specs, without, ids, in, 3, 20000, &sc, NULL, &t2), 0);
        double hypervisor = net ? 1000.0 / 3.0 : 0.0;
        CHECK(same_double(t2.network_gbps, net ? t1.network_gbps : 0.0)); /* +0 without demand */
        CHECK_NEAR(t2.network_gbps, net ? 10.0 : 0.0, 1e-9);
        CHECK(same_double(t2.cpu_hypervisor_mhz, t1.cpu_hypervisor_mhz));
        CHECK_NEAR(t2.cpu_hypervisor_mhz, hypervisor, 1e-9);
        CHECK(same_double(t2.cpu_usage_mhz, t1.cpu_usage_mhz));
        CHECK(same_double(t2.cpu_ready_pct, t1.cpu_ready_pct));
        CHECK(same_double(t2.power_w, t1.power_w));
        for (int i = 0; i < 3; i++) {
            CHECK_NEAR(without[i].cpu_entitlement_mhz, (8000.0 - hypervisor) / 3.0, 1e-9);
            CHECK(same_double(without[i].cpu_entitlement_mhz, with[i].cpu_entitlement_mhz));
            CHECK(same_double(without[i].cpu_speed_factor, with[i].cpu_speed_factor));
            CHECK(same_double((double)without[i].cpu_ready_pct, (double)with[i].cpu_ready_pct));
        }
        CHECK_INT_EQ(out[0].sriov, 1);
        CHECK_INT_EQ(out[2].sriov, 0);
    }
    host_scratch_free(&sc);
}

/* A host node's pods are one more claimant in the water-filling (shares =
 * requested millicores) and their memory is the host's. */
static void test_host_step_pods(void)
{
    host_spec h = small_host();
    vm_group_spec gs[2];
    vm_spec specs[2] = {small_vm(&gs[0]), small_vm(&gs[1])};
    vm vms[2] = {{0}};
    uint32_t ids[2] = {0, 1};
    host_scratch sc = {0};
    host_vm_output out[2];
    host_totals t0, t;

    /* Two VMs asking 4000 (shares 2000 each), pods asking 4000 with 2000m
     * requested (shares 2000), on 8000 MHz: 8000/3 each; ready
     * (12000 - 8000) / 12000 = 1/3. */
    host_vm_input in[2] = {{4000, 0.25, 0}, {4000, 0.25, 0}};
    host_contention_step(&h, specs, vms, ids, in, 2, 20000, &sc, out, &t0);
    host_pod_load pods = {.cpu_demand_mhz = 4000, .cpu_shares = 2000, .memory_mib = 8192};
    CHECK_INT_EQ(host_contention_step_pods(&h, specs, vms, ids, in, 2, 20000, &sc, &pods, out, &t), 0);
    CHECK_NEAR(pods.cpu_entitlement_mhz, 8000.0 / 3.0, 1e-9);
    CHECK_NEAR(vms[0].cpu_entitlement_mhz, 8000.0 / 3.0, 1e-9);
    CHECK_NEAR(t.cpu_demand_mhz, 12000, 1e-9);
    CHECK_NEAR(t.cpu_usage_mhz, 8000, 1e-9);
    CHECK_NEAR(t.cpu_ready_pct, 100.0 / 3.0, 1e-9);
    /* memory: active 2 x 1024 + 8192; no pressure (2 x 4096 + 8192 of
     * 65536), so consumed grows by exactly the pods' 8192 */
    CHECK_NEAR(t.memory_active_mib, 2048 + 8192, 1e-9);
    CHECK_NEAR(t.memory_consumed_mib - t0.memory_consumed_mib, 8192, 1e-9);

    /* Pods asking 3000 with 6000m requested: level s * (2000+2000+6000) =
     * 8000 -> s = 0.8 would give the pods 4800 > 3000: they are capped at
     * 3000 and the VMs split the other 5000: 2500 each. */
    pods = (host_pod_load){.cpu_demand_mhz = 3000, .cpu_shares = 6000};
    host_contention_step_pods(&h, specs, vms, ids, in, 2, 20000, &sc, &pods, out, &t);
    CHECK_NEAR(pods.cpu_entitlement_mhz, 3000, 1e-9);
    CHECK_NEAR(vms[0].cpu_entitlement_mhz, 2500, 1e-9);
    CHECK_NEAR(vms[1].cpu_entitlement_mhz, 2500, 1e-9);

    /* Pods taking 60 GiB of the 64: the VMs' 2 x 4096 no longer fit in the
     * 4 GiB left, so the host reclaims (consumed of the VMs < 8192). */
    pods = (host_pod_load){.cpu_demand_mhz = 0, .cpu_shares = 0, .memory_mib = 61440};
    host_contention_step_pods(&h, specs, vms, ids, in, 2, 20000, &sc, &pods, out, &t);
    CHECK_NEAR(pods.cpu_entitlement_mhz, 0, 0);
    CHECK(t.memory_consumed_mib - 61440 < 4096 + 1e-9);
    host_scratch_free(&sc);
}

/* Memory bandwidth per NUMA node: 2 nodes of 112 GB/s local, 34 GB/s
 * over the interconnect (docs/host-model.md, the 2-socket Xeon figures). */
static void test_numa_bandwidth(void)
{
    double served[2], remote[2], slow[4];
    /* Four narrow VMs, two per node, all local. 16 GB/s each: 32 per node,
     * within 112: no slowdown. 80 GB/s each: 160 per node -> each node
     * gives 112/160 = 0.7 -> slowdown 1/0.7. */
    numa_placement narrow[4] = {{0, 1, 1.0, 1}, {1, 1, 1.0, 2}, {0, 1, 1.0, 1}, {1, 1, 1.0, 2}};
    double light[4] = {16, 16, 16, 16}, heavy[4] = {80, 80, 80, 80};
    numa_bandwidth(2, 112, 34, narrow, light, 4, served, remote, slow);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(slow[i], 1.0, 0);
    numa_bandwidth(2, 112, 34, narrow, heavy, 4, served, remote, slow);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(slow[i], 1.0 / 0.7, 1e-12);

    /* A wide VM on both nodes streaming 160 GB/s: 80 from each node. With
     * uniform accesses (f = 1/2) half of each is remote: 40 > 34 -> the
     * nodes give 34/40 = 0.85 (80 < 112 locally): slowdown 1/0.85. With
     * vNUMA (f = 1) nothing crosses: no slowdown. */
    numa_placement wide = {0, 2, 0.5, 3};
    double d = 160;
    numa_bandwidth(2, 112, 34, &wide, &d, 1, served, remote, slow);
    CHECK_NEAR(remote[0], 40, 1e-12);
    CHECK_NEAR(slow[0], 1.0 / 0.85, 1e-12);
    wide.local_fraction = 1.0;
    numa_bandwidth(2, 112, 34, &wide, &d, 1, served, remote, slow);
    CHECK_NEAR(slow[0], 1.0, 0);

    /* Remote traffic is charged to its target: VM A (home 0, a quarter of
     * its memory spilled, f = 0.75) and VM B (home 1, local), 100 GB/s
     * each. Node 0 serves 75; node 1 serves B's 100 + A's 25 remote = 125
     * -> gives 112/125 = 0.896. A gets 75 + 25 * 0.896 = 97.4 (slowdown
     * 100/97.4), B gets 89.6 (slowdown 100/89.6). */
    numa_placement ab[2] = {{0, 2, 0.75, 1}, {1, 1, 1.0, 2}};
    double dab[2] = {100, 100};
    numa_bandwidth(2, 112, 34, ab, dab, 2, served, remote, slow);
    CHECK_NEAR(slow[0], 100.0 / 97.4, 1e-12);
    CHECK_NEAR(slow[1], 100.0 / 89.6, 1e-12);

    /* Through the host step: one node of 10 GB/s, three 2-vCPU VMs at
     * 4 GB/s per busy vCPU. Demands 1000 MHz each: 0.5 busy vCPU -> 2 GB/s
     * each, 6 in all: speed 1. Demands 4000: entitled 8000/3 = 4/3 busy
     * vCPUs -> 16/3 GB/s each, 16 in all -> the node gives 10/16: slowdown
     * 1.6, speed factor (2/3) / 1.6. */
    host_spec h = small_host();
    h.hw.mem_bw_local_gbs = 10;
    h.hw.mem_bw_remote_gbs = 10;
    vm_group_spec gs[3];
    vm_spec specs[3] = {small_vm(&gs[0]), small_vm(&gs[1]), small_vm(&gs[2])};
    for (int i = 0; i < 3; i++)
        gs[i].res.mem_bw_per_vcpu_gbs = 4;
    vm vms[3] = {{0}};
    uint32_t ids[3] = {0, 1, 2};
    host_scratch sc = {0};
    host_vm_output out[3];
    host_totals t;
    host_vm_input in[3] = {{1000, 0.25, 0}, {1000, 0.25, 0}, {1000, 0.25, 0}};
    host_contention_step(&h, specs, vms, ids, in, 3, 20000, &sc, out, &t);
    CHECK_NEAR(vms[0].cpu_speed_factor, 1.0, 1e-12);
    for (int i = 0; i < 3; i++)
        in[i].cpu_demand_mhz = 4000;
    host_contention_step(&h, specs, vms, ids, in, 3, 20000, &sc, out, &t);
    CHECK_NEAR(out[1].bandwidth_slowdown, 1.6, 1e-12);
    CHECK_NEAR(vms[1].cpu_speed_factor, 2.0 / 3.0 / 1.6, 1e-12);
    CHECK_NEAR(t.cpu_useful_mhz, 8000 / 1.6, 1e-9);
    host_scratch_free(&sc);
}

/* The host's NUMA cache (host_numa_cache): the step places the VMs once
 * and reuses the placement until the caller's VM-list version, the VM
 * count or the topology changes. The host and VMs are test_numa's: 2 nodes
 * of 16 cores and 1000 MiB; v0 {8 vCPU, 400 MiB}, v1 {8, 400}, v2 {4, 700}
 * in that order: homes 0, 1, 0 and v2 local 6/7 -> slowdown 1 + 5/63. */
static void test_numa_cache(void)
{
    host_spec h = small_host();
    h.sockets = 2;
    h.cores_per_socket = 16;
    h.memory_mib = 2000;
    h.hw.numa_nodes = 2;
    vm_group_spec gs[3];
    vm_spec specs[3] = {small_vm(&gs[0]), small_vm(&gs[1]), small_vm(&gs[2])};
    gs[0].vcpus = gs[1].vcpus = 8;
    gs[0].memory_mib = gs[1].memory_mib = 400;
    gs[2].vcpus = 4;
    gs[2].memory_mib = 700;
    vm vms[3] = {{0}};
    uint32_t ids[3] = {0, 1, 2};
    host_numa_cache c = {0};
    host_scratch sc = {.numa_cache = &c};
    host_vm_output out[3];
    host_totals t;
    host_vm_input in[3] = {{1000, 0, 0}, {1000, 0, 0}, {1000, 0, 0}};
    host_contention_step(&h, specs, vms, ids, in, 3, 20000, &sc, out, &t);
    CHECK_INT_EQ(out[0].numa_home, 0);
    CHECK_INT_EQ(out[1].numa_home, 1);
    CHECK_INT_EQ(out[2].numa_home, 0);
    CHECK_NEAR(out[2].numa_slowdown, 1.0 + 5.0 / 63.0, 1e-12);
    CHECK(c.valid && c.n == 3);
    /* same version: the kept placement is used as it is (here altered) */
    c.placed[2].local_fraction = 1.0;
    host_contention_step(&h, specs, vms, ids, in, 3, 20000, &sc, out, &t);
    CHECK_NEAR(out[2].numa_slowdown, 1.0, 0);
    /* a new version: placed again */
    c.vms_version++;
    host_contention_step(&h, specs, vms, ids, in, 3, 20000, &sc, out, &t);
    CHECK_NEAR(out[2].numa_slowdown, 1.0 + 5.0 / 63.0, 1e-12);
    /* another order (v2, v1, v0), new version: v2 -> node 0 (tie), local;
     * v1 -> node 1 (0 < 4 vCPUs); v0: node 0 has 300 MiB free < 400, so
     * node 1; all local */
    uint32_t rev[3] = {2, 1, 0};
    c.vms_version++;
    host_contention_step(&h, specs, vms, rev, in, 3, 20000, &sc, out, &t);
    CHECK_INT_EQ(out[0].numa_home, 0);
    CHECK_INT_EQ(out[1].numa_home, 1);
    CHECK_INT_EQ(out[2].numa_home, 1);
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(out[i].numa_slowdown, 1.0, 0);
    /* a smaller capacity (a capacity hook) with the same version: placed
     * again. 700 MiB per node: v2 (700) fits node 0 exactly; v1 -> node 1;
     * v0 -> node 1 (node 0 full), 300 free < 400: local 3/4 ->
     * slowdown 1 + (1/4) * 5/9 = 1 + 5/36 */
    c.placed[2].local_fraction = 0.0;
    h.memory_mib = 1400;
    host_contention_step(&h, specs, vms, rev, in, 3, 20000, &sc, out, &t);
    CHECK_INT_EQ(out[2].numa_home, 1);
    CHECK_NEAR(out[2].numa_slowdown, 1.0 + 5.0 / 36.0, 1e-12);
    host_scratch_free(&sc);
    host_numa_cache_free(&c);
}

int main(void)
{
    test_numa_cache();
    test_numa_bandwidth();
    test_host_step_pods();
    test_waterfill();
    test_waterfill_random();
    test_entitlement_fits();
    test_ready();
    test_numa();
    test_ept();
    test_power();
    test_memory();
    test_memory_unreclaimed();
    test_host_step();
    test_host_step_no_network();
    return CHECK_DONE();
}
