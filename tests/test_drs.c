/* test_drs.c - DRS load balancing, rules and initial placement
 * (models/vsphere/drs.c, drs_rules.c, drs_placement.c) against hand calculations and
 * a randomized property test. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/oracles.h"
#include "models/vsphere/drs.h"
#include "tests/check.h"

/* ------------------------------------------------------------------------ */
/* The hand-computed 4-host case.                                           */
/*                                                                          */
/* Hosts: 10000 MHz, 65536 MiB, 10 GbE vMotion (limit 8), all UP.           */
/* VMs (CPU entitlement MHz; every VM 2048 MiB memory entitlement, 4096 MiB */
/* configured, no dirtying):                                                */
/*   H0: v0 = 3500, v1 = 2000, v2 = 1500   N0 = 0.70                         */
/*   H1: v3 = 3000, v4 = 2000              N1 = 0.50                         */
/*   H2: v5 = 2000, v6 = 1000              N2 = 0.30                         */
/*   H3: v7 = 1000                         N3 = 0.10                         */
/* CPU: mean 0.4, deviations 0.3, 0.1, -0.1, -0.3, Q = sum dev^2 = 0.2,      */
/*   I_cpu = sqrt(0.2/4) = sqrt(0.05) = 0.2236068.                           */
/* Memory: loads 3, 2, 2, 1 x 2048/65536 = 0.09375, 0.0625, 0.0625, 0.03125; */
/*   mean 0.0625, Q = 2 x 0.03125^2, I_mem = sqrt(0.001953125/4) = 0.0220971. */
/*   I = max(I_cpu, I_mem) = 0.2236068.                                      */
/* Target for threshold 3, H = 4: (5-3)/(10*2) = 0.1.                        */
/* Moving x = E/C from host a to b keeps the mean (equal capacities), so     */
/*   Q' = Q + 2x(x + d_b - d_a).                                             */
/*   H0->H3 (d_b - d_a = -0.6): v0 x=.35: -0.175; v1 x=.2: -0.16; v2 x=.15: -0.135 */
/*   H0->H2 (-0.4): v0: -0.035; v1: -0.08; v2: -0.075                        */
/*   H1->H3 (-0.4): v3 x=.3: -0.06; v4 x=.2: -0.08                           */
/*   H0->H1, H1->H2, H2->H3 (-0.2): at best -0.02 (v6 x=.1 to H3)            */
/*   every move towards a more loaded host increases Q.                      */
/* Memory moves change I_mem by at most to 0.0442 (< every candidate I_cpu),  */
/* so CPU decides. Best: v0 H0->H3, Q' = 0.025, I' = sqrt(0.00625) = 0.0790569 */
/* <= 0.1: one move, then balanced. Goodness = 0.2236068 - 0.0790569.        */
/* Priority: 6 - ceil(10 x 0.2236068 x 2) = 6 - 5 = 1 -> 2 (load balancing).  */
/* ------------------------------------------------------------------------ */

#define N_HOSTS 4
#define N_VMS 8

static drs_host hosts4[N_HOSTS];
static drs_vm vms4[N_VMS];

static void setup_four_hosts(void)
{
    const double cpu[N_VMS] = {3500, 2000, 1500, 3000, 2000, 2000, 1000, 1000};
    const int32_t on[N_VMS] = {0, 0, 0, 1, 1, 2, 2, 3};
    memset(hosts4, 0, sizeof hosts4);
    memset(vms4, 0, sizeof vms4);
    for (int h = 0; h < N_HOSTS; h++) {
        hosts4[h].cpu_capacity_mhz = 10000;
        hosts4[h].mem_capacity_mib = 65536;
        hosts4[h].state = DRS_HOST_UP;
        hosts4[h].vmotion_nic_gbps = 10;
        hosts4[h].sriov_vfs = 4;
    }
    for (int v = 0; v < N_VMS; v++) {
        vms4[v].host = on[v];
        vms4[v].cpu_entitlement_mhz = cpu[v];
        vms4[v].mem_entitlement_mib = 2048;
        vms4[v].memory_mib = 4096;
    }
}

static drs_cluster four_host_cluster(const drs_rule *rules, uint32_t n_rules)
{
    drs_cluster c = {hosts4, N_HOSTS, vms4, N_VMS, rules, n_rules};
    return c;
}

static void current_assignment(int32_t *a)
{
    for (int v = 0; v < N_VMS; v++)
        a[v] = vms4[v].host;
}

static void test_four_host_best_move(void)
{
    setup_four_hosts();
    drs_cluster c = four_host_cluster(NULL, 0);
    drs_params p;
    drs_params_default(&p);
    int32_t a[N_VMS];
    double icpu, imem;
    current_assignment(a);

    CHECK_NEAR(drs_host_load(&c, a, 0, 0), 0.70, 1e-12);
    CHECK_NEAR(drs_host_load(&c, a, 3, 1), 0.03125, 1e-12);
    CHECK_NEAR(drs_imbalance(&c, a, DRS_COMBINE_MAX, &icpu, &imem), 0.22360679775, 1e-10);
    CHECK_NEAR(icpu, 0.22360679775, 1e-10);
    CHECK_NEAR(imem, 0.02209708691, 1e-10);
    CHECK_NEAR(drs_target_imbalance(3, 4), 0.1, 1e-15);
    CHECK_NEAR(drs_target_imbalance(3, 4), oracle_drs_target_imbalance(3, 4), 1e-15);
    CHECK(isinf(drs_target_imbalance(1, 4)));
    CHECK_INT_EQ(oracle_drs_priority_raw(0.22360679775, 4), 1);
    CHECK_INT_EQ(drs_move_priority(0.22360679775, 4), 2);
    CHECK_INT_EQ(drs_move_priority(0.04, 4), 5); /* 10 x .04 x 2 = 0.8 -> 6 - 1 */
    CHECK_INT_EQ(drs_move_priority(0.12, 4), 3); /* 2.4 -> 6 - 3 */

    drs_move moves[16];
    drs_pass_result r;
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 16, &r), 1);
    CHECK_INT_EQ(r.n_moves, 1);
    CHECK_INT_EQ(r.n_mandatory, 0);
    CHECK_INT_EQ(moves[0].vm, 0);
    CHECK_INT_EQ(moves[0].from, 0);
    CHECK_INT_EQ(moves[0].to, 3);
    CHECK_INT_EQ(moves[0].priority, 2);
    CHECK_NEAR(moves[0].imbalance_after, 0.07905694150, 1e-10);
    CHECK_NEAR(moves[0].goodness, 0.22360679775 - 0.07905694150, 1e-10);
    /* No dirtying: vMotion time = 4096 MiB / 1.25e9 B/s = 3.4359738368 s. */
    CHECK_NEAR(moves[0].migration_time_s, 3.4359738368, 1e-12);
    CHECK(r.stop == DRS_STOP_BALANCED);
    CHECK_NEAR(r.imbalance_before, 0.22360679775, 1e-10);
    CHECK_NEAR(r.imbalance_after, 0.07905694150, 1e-10);
    CHECK_INT_EQ(a[0], 3);
}

/* Cost-benefit of v0 H0 -> H3 (docs/vsphere.md):
 *   T_mig = 3.4359738368 s (above).
 *   CPU: headroom src before = 10000 - 7000 = 3000; dst after = 10000 - 1000
 *        - 3500 = 5500; gain = min(5500 - 3000, 3500) = 2500 MHz;
 *        benefit = 2500 x 300 s = 750000; cost = T_mig x (2000 + 2000 + 0.1 x
 *        3500) = T_mig x 4350 (10 GbE: one 2000 MHz core per host).
 *   Mem: headroom src = 65536 - 6144 = 59392; dst after = 65536 - 2048 - 2048
 *        = 61440; gain = min(2048, 2048) = 2048; benefit = 614400;
 *        cost = T_mig x 4096 MiB.
 *   net = (750000 - 4350 T)/40000 + (614400 - 4096 T)/262144 = 20.6664007540.
 * With a gain duration of 1 s every candidate's benefit (at most its
 * entitlement x 1 s) is below its cost (> 3.43 s x 4000 MHz): no move. */
static void test_cost_benefit(void)
{
    setup_four_hosts();
    drs_cluster c = four_host_cluster(NULL, 0);
    drs_params p;
    drs_params_default(&p);
    int32_t a[N_VMS];
    current_assignment(a);
    CHECK_NEAR(drs_cost_benefit(&c, &p, a, 0, 3), 20.6664007540, 1e-9);

    p.gain_duration_s = 1.0;
    drs_move moves[16];
    drs_pass_result r;
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 16, &r), 0);
    CHECK(r.stop == DRS_STOP_NO_MOVE);
    p.cost_benefit = 0; /* CostBenefit = 0: the same move as without the filter */
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 16, &r), 1);
    CHECK_INT_EQ(moves[0].vm, 0);

    /* MinGoodness above the best goodness (0.1446) stops DRS. */
    current_assignment(a);
    drs_params_default(&p);
    p.min_goodness = 0.15;
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 16, &r), 0);
    CHECK(r.stop == DRS_STOP_NO_MOVE);
}

/* Thresholds: 1 -> mandatory only (no move); 2 -> target 0.15, one move
 * (0.079 < 0.15); 5 -> target 0: moves continue while any helps, imbalance
 * strictly falling. */
static void test_thresholds(void)
{
    setup_four_hosts();
    drs_cluster c = four_host_cluster(NULL, 0);
    drs_params p;
    drs_params_default(&p);
    drs_move moves[16];
    drs_pass_result r;
    int32_t a[N_VMS];

    current_assignment(a);
    p.threshold = 1;
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 16, &r), 0);
    CHECK(r.stop == DRS_STOP_BALANCED);

    current_assignment(a);
    p.threshold = 2;
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 16, &r), 1);
    CHECK_NEAR(r.target, 0.15, 1e-15);

    current_assignment(a);
    p.threshold = 5;
    p.cost_benefit = 0;
    int n = drs_pass(&c, &p, a, moves, 16, &r);
    CHECK(n >= 2);
    for (int i = 1; i < n; i++)
        CHECK(moves[i].imbalance_after < moves[i - 1].imbalance_after);
    CHECK(r.stop == DRS_STOP_NO_MOVE);

    /* Cap on moves per pass. */
    current_assignment(a);
    p.max_moves_per_pass = 1;
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 16, &r), 1);
    CHECK(r.stop == DRS_STOP_MAX_MOVES);
    CHECK_INT_EQ(a[0], 3); /* the same first move as with threshold 3 */
}

/* Rules and pinning change the best move (candidates from the table above):
 *   v0 pinned (SR-IOV VF)        -> v1 H0->H3, Q' = 0.04, I' = 0.1
 *   anti-affinity {v0, v7}       -> v1 H0->H3
 *   v0 must run on {H0, H1, H2}  -> v1 H0->H3
 *   v0 must not run on {H3}      -> v1 H0->H3
 *   v0 should run on {H0,H1,H2}  -> v1 H0->H3 (load balancing keeps soft rules)
 *   affinity {v0, v1}: neither can move alone -> v2 H0->H3, Q' = 0.065,
 *                       I' = sqrt(0.01625) = 0.1274755 */
static void check_first_move(const drs_rule *rules, uint32_t n_rules, uint32_t want_vm, double want_after)
{
    drs_cluster c = four_host_cluster(rules, n_rules);
    drs_params p;
    drs_params_default(&p);
    p.max_moves_per_pass = 1;
    drs_move moves[4];
    drs_pass_result r;
    int32_t a[N_VMS];
    current_assignment(a);
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 4, &r), 1);
    CHECK_INT_EQ(moves[0].vm, want_vm);
    CHECK_INT_EQ(moves[0].to, 3);
    CHECK_NEAR(moves[0].imbalance_after, want_after, 1e-10);
}

static void test_rules_change_best_move(void)
{
    setup_four_hosts();
    vms4[0].sriov_vfs = 1;
    check_first_move(NULL, 0, 1, 0.1);
    vms4[0].sriov_vfs = 0;
    vms4[0].pinned = 1;
    check_first_move(NULL, 0, 1, 0.1);
    vms4[0].pinned = 0;

    const uint32_t pair_07[] = {0, 7}, pair_01[] = {0, 1}, only_0[] = {0};
    const uint32_t h012[] = {0, 1, 2}, h3[] = {3};
    drs_rule rule;
    rule = (drs_rule){DRS_RULE_VM_ANTI_AFFINITY, pair_07, 2, NULL, 0};
    check_first_move(&rule, 1, 1, 0.1);
    rule = (drs_rule){DRS_RULE_VM_HOST_MUST, only_0, 1, h012, 3};
    check_first_move(&rule, 1, 1, 0.1);
    rule = (drs_rule){DRS_RULE_VM_HOST_MUST_NOT, only_0, 1, h3, 1};
    check_first_move(&rule, 1, 1, 0.1);
    rule = (drs_rule){DRS_RULE_VM_HOST_SHOULD, only_0, 1, h012, 3};
    check_first_move(&rule, 1, 1, 0.1);
    rule = (drs_rule){DRS_RULE_VM_AFFINITY, pair_01, 2, NULL, 0};
    check_first_move(&rule, 1, 2, 0.12747548784);
}

/* Mandatory moves. H0 enters maintenance: H = 3 balancing hosts (N = 0.5,
 * 0.3, 0.1), v0, v1, v2 leave in index order, each to the least-imbalance host:
 *   v0 (.35): H3 -> (.5, .3, .45)   [H1: (.85,.3,.1), H2: (.5,.65,.1) worse]
 *   v1 (.20): H2 -> (.5, .5, .45)
 *   v2 (.15): H3 -> (.5, .5, .6): I_cpu = sqrt(0.0066667/3) = 0.0471405
 *             [H1 or H2: (.65,.5,.45) -> 0.0849837]
 * Memory after: 2, 3, 3 VMs -> I_mem = 0.0147314 < I_cpu. Target for T = 3,
 * H = 3: 2/(10 sqrt 3) = 0.1154701 > 0.0471: no load-balancing move.
 * With 2 vMotions already in flight on H0 and a 1 GbE link (limit 4), only
 * v0 and v1 can leave in this pass. */
static void test_mandatory_moves(void)
{
    setup_four_hosts();
    hosts4[0].state = DRS_HOST_MAINTENANCE;
    drs_cluster c = four_host_cluster(NULL, 0);
    drs_params p;
    drs_params_default(&p);
    drs_move moves[16];
    drs_pass_result r;
    int32_t a[N_VMS];
    current_assignment(a);
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 16, &r), 3);
    CHECK_INT_EQ(r.n_mandatory, 3);
    CHECK_INT_EQ(moves[0].vm, 0);
    CHECK_INT_EQ(moves[0].to, 3);
    CHECK_INT_EQ(moves[1].vm, 1);
    CHECK_INT_EQ(moves[1].to, 2);
    CHECK_INT_EQ(moves[2].vm, 2);
    CHECK_INT_EQ(moves[2].to, 3);
    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(moves[i].priority, 1);
    CHECK_NEAR(r.imbalance_after, 0.04714045208, 1e-10);
    CHECK(r.stop == DRS_STOP_BALANCED);

    for (int h = 0; h < N_HOSTS; h++)
        hosts4[h].vmotion_nic_gbps = 1;
    hosts4[0].vmotions_in_flight = 2;
    current_assignment(a);
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 16, &r), 2);
    CHECK_INT_EQ(a[2], 0); /* v2 waits for the next pass */

    /* A VM breaking a soft rule gets a corrective priority-1 move to a host
     * that keeps it: v7 should run on {H1}. From (.7,.5,.3,.1) to
     * (.7,.6,.3,0); then load balancing continues. */
    setup_four_hosts();
    const uint32_t only_7[] = {7}, h1[] = {1};
    drs_rule rule = {DRS_RULE_VM_HOST_SHOULD, only_7, 1, h1, 1};
    c = four_host_cluster(&rule, 1);
    current_assignment(a);
    CHECK(drs_pass(&c, &p, a, moves, 16, &r) >= 1);
    CHECK_INT_EQ(moves[0].vm, 7);
    CHECK_INT_EQ(moves[0].to, 1);
    CHECK_INT_EQ(moves[0].priority, 1);
    uint32_t hard, soft;
    drs_rules_count_violations(&rule, 1, a, N_VMS, &hard, &soft);
    CHECK_INT_EQ(soft, 0);
}

/* Initial placement: a new VM of 2000 MHz / 2048 MiB into the 4-host case.
 * Adding x = 0.2 to host b changes the mean to 0.45, so compute each:
 *   H3: (.7,.5,.3,.3): mean .45, devs .25,.05,-.15,-.15 -> Q = .0625+.0025+.0225+.0225 = .11
 *   H2: (.7,.5,.5,.1): devs .25,.05,.05,-.35 -> Q = .0625+.0025+.0025+.1225 = .19
 * H3 wins: I_cpu = sqrt(.11/4) = 0.1658312. With a reservation of 9500 MHz
 * nothing fits but an empty-enough host: H3 has 0 reserved -> fits (9500 <= 10000);
 * with 10500 none does. */
static void test_placement(void)
{
    setup_four_hosts();
    drs_vm vms9[N_VMS + 1];
    memcpy(vms9, vms4, sizeof vms4);
    memset(&vms9[N_VMS], 0, sizeof vms9[N_VMS]);
    vms9[N_VMS].host = -1;
    vms9[N_VMS].cpu_entitlement_mhz = 2000;
    vms9[N_VMS].mem_entitlement_mib = 2048;
    vms9[N_VMS].memory_mib = 4096;
    drs_cluster c = {hosts4, N_HOSTS, vms9, N_VMS + 1, NULL, 0};
    int32_t a[N_VMS + 1];
    current_assignment(a);
    a[N_VMS] = -1;
    int soft = -1;
    CHECK_INT_EQ(drs_place(&c, DRS_COMBINE_MAX, a, N_VMS, &soft), 3);
    CHECK_INT_EQ(soft, 0);
    drs_load_view view[N_HOSTS];
    for (int h = 0; h < N_HOSTS; h++)
        view[h] = (drs_load_view){10000, 65536, 0, 0, 1, 1};
    for (int v = 0; v < N_VMS; v++) {
        view[a[v]].cpu_entitled_mhz += vms9[v].cpu_entitlement_mhz;
        view[a[v]].mem_entitled_mib += vms9[v].mem_entitlement_mib;
    }
    CHECK_INT_EQ(drs_place_by_load(view, N_HOSTS, 2000, 2048, DRS_COMBINE_MAX), 3);
    view[3].feasible = 0; /* next best: H2 (Q = .19) */
    CHECK_INT_EQ(drs_place_by_load(view, N_HOSTS, 2000, 2048, DRS_COMBINE_MAX), 2);
    a[N_VMS] = 3;
    CHECK_NEAR(drs_imbalance(&c, a, DRS_COMBINE_MAX, NULL, NULL), 0.16583123952, 1e-10);
    a[N_VMS] = -1;

    /* Anti-affinity with v7 sends it to the next best, H2 (Q = .19 < H1, H0). */
    const uint32_t pair[] = {7, N_VMS};
    drs_rule rule = {DRS_RULE_VM_ANTI_AFFINITY, pair, 2, NULL, 0};
    c.rules = &rule;
    c.n_rules = 1;
    CHECK_INT_EQ(drs_place(&c, DRS_COMBINE_MAX, a, N_VMS, &soft), 2);

    /* Should-rule to H0 only: kept when H0 fits. */
    const uint32_t only_new[] = {N_VMS}, h0[] = {0};
    rule = (drs_rule){DRS_RULE_VM_HOST_SHOULD, only_new, 1, h0, 1};
    CHECK_INT_EQ(drs_place(&c, DRS_COMBINE_MAX, a, N_VMS, &soft), 0);
    CHECK_INT_EQ(soft, 0);
    /* ... and broken (soft flag set) when H0 cannot take it: it is full of
     * reservations. */
    vms9[0].cpu_reservation_mhz = 9000;
    vms9[N_VMS].cpu_reservation_mhz = 1500;
    CHECK_INT_EQ(drs_place(&c, DRS_COMBINE_MAX, a, N_VMS, &soft), 3);
    CHECK_INT_EQ(soft, 1);
    vms9[0].cpu_reservation_mhz = 0;
    c.rules = NULL;
    c.n_rules = 0;

    vms9[N_VMS].cpu_reservation_mhz = 9500;
    CHECK_INT_EQ(drs_place(&c, DRS_COMBINE_MAX, a, N_VMS, NULL), 3);
    vms9[N_VMS].cpu_reservation_mhz = 10500;
    CHECK_INT_EQ(drs_place(&c, DRS_COMBINE_MAX, a, N_VMS, NULL), -1);
    vms9[N_VMS].cpu_reservation_mhz = 0;

    /* SR-IOV: it needs 2 VFs; H3 has none left (v7 holds 4), so H2. */
    vms9[7].sriov_vfs = 4;
    vms9[N_VMS].sriov_vfs = 2;
    CHECK_INT_EQ(drs_place(&c, DRS_COMBINE_MAX, a, N_VMS, NULL), 2);
    /* Failover and maintenance hosts take nothing. */
    vms9[7].sriov_vfs = 0;
    vms9[N_VMS].sriov_vfs = 0;
    hosts4[3].failover_host = 1;
    hosts4[2].state = DRS_HOST_MAINTENANCE;
    /* Balancing hosts H0 (.7) and H1 (.5): H1 -> (.7, .7), I_cpu = 0. */
    CHECK_INT_EQ(drs_place(&c, DRS_COMBINE_MAX, a, N_VMS, NULL), 1);
}

/* Weighted combination: weights are the cluster utilisations of CPU
 * (16000/40000 = 0.4) and memory (16384/262144 = 0.0625), normalised:
 * w_cpu = 0.4/0.4625, w_mem = 0.0625/0.4625.
 * I = w_cpu x 0.2236068 + w_mem x 0.0220971 = 0.1963767. */
static void test_weighted(void)
{
    setup_four_hosts();
    drs_cluster c = four_host_cluster(NULL, 0);
    int32_t a[N_VMS];
    current_assignment(a);
    double want = (0.4 * 0.22360679775 + 0.0625 * 0.02209708691) / 0.4625;
    CHECK_NEAR(drs_imbalance(&c, a, DRS_COMBINE_WEIGHTED, NULL, NULL), want, 1e-10);
}

/* ------------------------------------------------------------------------ */
/* Randomized property test.                                                 */
/* ------------------------------------------------------------------------ */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n) /* uniform in [0, n) by xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)(((rng_state * 2685821657736338717ULL) >> 33) % n);
}

#define MAX_H 8
#define MAX_V 40
#define MAX_R 8

typedef struct random_case {
    drs_host hosts[MAX_H];
    drs_vm vms[MAX_V];
    drs_rule rules[MAX_R];
    uint32_t members[MAX_R][4];
    uint32_t groups[MAX_R][MAX_H];
    uint32_t n_hosts, n_vms, n_rules;
} random_case;

static void make_case(random_case *k)
{
    memset(k, 0, sizeof *k);
    k->n_hosts = 2 + rnd(MAX_H - 1);
    k->n_vms = 4 + rnd(MAX_V - 3);
    for (uint32_t h = 0; h < k->n_hosts; h++) {
        k->hosts[h].cpu_capacity_mhz = 8000 + 2000 * rnd(5);
        k->hosts[h].mem_capacity_mib = 32768 * (1 + rnd(4));
        k->hosts[h].state = rnd(10) == 0 ? DRS_HOST_MAINTENANCE : DRS_HOST_UP;
        k->hosts[h].vmotion_nic_gbps = rnd(2) ? 10 : 1;
        k->hosts[h].sriov_vfs = rnd(3);
        k->hosts[h].vmotions_in_flight = rnd(4) == 0 ? rnd(3) : 0;
    }
    k->hosts[0].state = DRS_HOST_UP;
    for (uint32_t v = 0; v < k->n_vms; v++) {
        drs_vm *vm = &k->vms[v];
        vm->host = -1;
        vm->cpu_entitlement_mhz = 100 + rnd(4000);
        vm->mem_entitlement_mib = 256 + rnd(8192);
        vm->cpu_reservation_mhz = rnd(3) == 0 ? rnd(2000) : 0;
        vm->mem_reservation_mib = rnd(3) == 0 ? rnd(4096) : 0;
        vm->memory_mib = 1024 + rnd(16384);
        vm->dirty_rate_mib_per_s = rnd(200);
        vm->sriov_vfs = rnd(8) == 0 ? 1 : 0;
        vm->pinned = rnd(16) == 0;
    }
    k->n_rules = rnd(MAX_R + 1);
    for (uint32_t r = 0; r < k->n_rules; r++) {
        drs_rule *rule = &k->rules[r];
        rule->kind = (drs_rule_kind)rnd(6);
        rule->n_vms = 1 + rnd(3);
        for (uint32_t m = 0; m < rule->n_vms; m++)
            k->members[r][m] = rnd(k->n_vms);
        rule->vms = k->members[r];
        rule->n_hosts = 1 + rnd(k->n_hosts);
        for (uint32_t m = 0; m < rule->n_hosts; m++)
            k->groups[r][m] = rnd(k->n_hosts);
        rule->hosts = k->groups[r];
    }
}

/* Brute force, independent of the incremental what-if: does any single move
 * pass every filter? Imbalance recomputed from scratch. */
static int some_move_passes(const drs_cluster *c, const drs_params *p, int32_t *a, const uint32_t *host_moves)
{
    double before = drs_imbalance(c, a, p->combine, NULL, NULL);
    drs_rule_index idx;
    int found = 0;
    if (drs_rules_index_build(&idx, c->rules, c->n_rules, c->n_vms) != 0)
        return 1;
    for (uint32_t v = 0; v < c->n_vms && !found; v++) {
        int32_t from = a[v];
        if (from < 0 || c->vms[v].pinned || c->vms[v].sriov_vfs || c->hosts[from].state != DRS_HOST_UP ||
            c->hosts[from].failover_host || host_moves[from] >= vmotion_concurrency_limit(c->hosts[from].vmotion_nic_gbps))
            continue;
        for (uint32_t h = 0; h < c->n_hosts && !found; h++) {
            if ((int32_t)h == from || c->hosts[h].state != DRS_HOST_UP || c->hosts[h].failover_host ||
                host_moves[h] >= vmotion_concurrency_limit(c->hosts[h].vmotion_nic_gbps))
                continue;
            a[v] = (int32_t)h;
            double after = drs_imbalance(c, a, p->combine, NULL, NULL);
            a[v] = from;
            if (!(before - after > p->min_goodness + 2e-12)) /* DRS requires > 1e-12 */
                continue;
            if (!drs_fits(c, a, v, h) || !drs_rules_allow(c->rules, &idx, a, v, (int32_t)h, 1))
                continue;
            if (p->cost_benefit && !(drs_cost_benefit(c, p, a, v, (int32_t)h) > 0.0))
                continue;
            found = 1;
        }
    }
    drs_rules_index_free(&idx);
    return found;
}

/* drs_imbalance_of_sums (the controller's idle-pass check and imbalance
 * sample, docs/vsphere.md "Idle passes") from per-host sums added in VM
 * order: the hand-computed values of the four-host cluster, then the very
 * same value as drs_imbalance (==, not near) on random clusters with hosts
 * in maintenance and down, VMs nowhere, both combinations. */
static double sums_imbalance(const drs_cluster *c, const int32_t *a, drs_combine combine)
{
    double cpu[MAX_H] = {0}, mem[MAX_H] = {0}, lcpu[MAX_H], lmem[MAX_H], demand[2] = {0.0, 0.0};
    for (uint32_t v = 0; v < c->n_vms; v++) {
        if (a[v] < 0)
            continue;
        cpu[a[v]] += c->vms[v].cpu_entitlement_mhz;
        mem[a[v]] += c->vms[v].mem_entitlement_mib;
        if (c->hosts[a[v]].state != DRS_HOST_DOWN) {
            demand[0] += c->vms[v].cpu_entitlement_mhz;
            demand[1] += c->vms[v].mem_entitlement_mib;
        }
    }
    double *sums[2] = {cpu, mem}, *loads[2] = {lcpu, lmem};
    return drs_imbalance_of_sums(c->hosts, c->n_hosts, sums, loads, demand, combine);
}

static void test_imbalance_of_sums(void)
{
    setup_four_hosts();
    drs_cluster c4 = four_host_cluster(NULL, 0);
    int32_t a4[N_VMS];
    current_assignment(a4);
    CHECK_NEAR(sums_imbalance(&c4, a4, DRS_COMBINE_MAX), 0.22360679775, 1e-10);
    CHECK_NEAR(sums_imbalance(&c4, a4, DRS_COMBINE_WEIGHTED), (0.4 * 0.22360679775 + 0.0625 * 0.02209708691) / 0.4625,
               1e-10);

    int failures_before = check_failed_count;
    rng_state = 0x2545F4914F6CDD1DULL;
    for (int iter = 0; iter < 500 && check_failed_count == failures_before; iter++) {
        random_case k;
        make_case(&k);
        for (uint32_t h = 0; h < k.n_hosts; h++)
            if (rnd(6) == 0)
                k.hosts[h].state = DRS_HOST_DOWN;
        for (uint32_t v = 0; v < k.n_vms; v++) { /* fractions: sums that depend on their order */
            k.vms[v].cpu_entitlement_mhz += rnd(1000) / 7.0;
            k.vms[v].mem_entitlement_mib += rnd(1000) / 3.0;
        }
        drs_cluster c = {k.hosts, k.n_hosts, k.vms, k.n_vms, NULL, 0};
        int32_t a[MAX_V];
        for (uint32_t v = 0; v < k.n_vms; v++)
            a[v] = rnd(5) == 0 ? -1 : (int32_t)rnd(k.n_hosts);
        for (int combine = 0; combine < 2; combine++) {
            double want = drs_imbalance(&c, a, (drs_combine)combine, NULL, NULL);
            double got = sums_imbalance(&c, a, (drs_combine)combine);
            CHECK(got == want || (isnan(got) && isnan(want)));
        }
    }
}

static void test_random_property(void)
{
    int failures_before = check_failed_count;
    int balanced = 0, no_move = 0, total_moves = 0;
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (int iter = 0; iter < 2000 && check_failed_count == failures_before; iter++) {
        random_case k;
        make_case(&k);
        drs_cluster c = {k.hosts, k.n_hosts, k.vms, k.n_vms, k.rules, k.n_rules};
        int32_t a[MAX_V];
        for (uint32_t v = 0; v < k.n_vms; v++)
            a[v] = -1;
        /* Place every VM: placement never breaks a hard rule or a
         * reservation. Unplaceable VMs stay off. */
        for (uint32_t v = 0; v < k.n_vms; v++) {
            int32_t h = drs_place(&c, DRS_COMBINE_MAX, a, v, NULL);
            if (h >= 0) {
                CHECK(drs_fits(&c, a, v, (uint32_t)h));
                a[v] = h;
                uint32_t hard;
                drs_rules_count_violations(k.rules, k.n_rules, a, k.n_vms, &hard, NULL);
                CHECK_INT_EQ(hard, 0);
            }
        }
        /* The per-host-sums form chooses a host as good as drs_place's
         * (imbalance equal to rounding; no rules so feasibility = fit). */
        if (k.n_rules == 0) {
            drs_load_view view[MAX_H];
            uint32_t probe = rnd(k.n_vms);
            int32_t saved = a[probe];
            a[probe] = -1;
            for (uint32_t h = 0; h < k.n_hosts; h++) {
                view[h].cpu_capacity_mhz = k.hosts[h].cpu_capacity_mhz;
                view[h].mem_capacity_mib = k.hosts[h].mem_capacity_mib;
                view[h].cpu_entitled_mhz = view[h].mem_entitled_mib = 0.0;
                for (uint32_t v = 0; v < k.n_vms; v++)
                    if (a[v] == (int32_t)h) {
                        view[h].cpu_entitled_mhz += k.vms[v].cpu_entitlement_mhz;
                        view[h].mem_entitled_mib += k.vms[v].mem_entitlement_mib;
                    }
                view[h].balancing = k.hosts[h].state == DRS_HOST_UP;
                view[h].feasible = drs_fits(&c, a, probe, h);
            }
            int32_t by_state = drs_place(&c, DRS_COMBINE_MAX, a, probe, NULL);
            int32_t by_load = drs_place_by_load(view, k.n_hosts, k.vms[probe].cpu_entitlement_mhz,
                                                k.vms[probe].mem_entitlement_mib, DRS_COMBINE_MAX);
            CHECK((by_state < 0) == (by_load < 0));
            if (by_state >= 0 && by_load >= 0) {
                a[probe] = by_state;
                double i_state = drs_imbalance(&c, a, DRS_COMBINE_MAX, NULL, NULL);
                a[probe] = by_load;
                double i_load = drs_imbalance(&c, a, DRS_COMBINE_MAX, NULL, NULL);
                CHECK_NEAR(i_state, i_load, 1e-12);
            }
            a[probe] = saved;
        }
        /* Now some hosts go into maintenance after placement. */
        for (uint32_t h = 1; h < k.n_hosts; h++)
            if (rnd(8) == 0)
                k.hosts[h].state = DRS_HOST_MAINTENANCE;
        for (uint32_t v = 0; v < k.n_vms; v++)
            k.vms[v].host = a[v];

        drs_params p;
        drs_params_default(&p);
        p.threshold = 2 + (int)rnd(4);
        p.cost_benefit = (int)rnd(2);
        p.combine = rnd(2) ? DRS_COMBINE_MAX : DRS_COMBINE_WEIGHTED;
        p.max_moves_per_pass = 64;
        drs_move moves[64];
        drs_pass_result r;
        int32_t work[MAX_V], replay[MAX_V];
        memcpy(work, a, sizeof work);
        memcpy(replay, a, sizeof replay);
        int n = drs_pass(&c, &p, work, moves, 64, &r);
        CHECK(n >= 0);
        uint32_t host_moves[MAX_H];
        for (uint32_t h = 0; h < k.n_hosts; h++)
            host_moves[h] = k.hosts[h].vmotions_in_flight;
        for (int i = 0; i < n; i++) {
            const drs_move *m = &moves[i];
            CHECK(!k.vms[m->vm].pinned && k.vms[m->vm].sriov_vfs == 0);
            CHECK(m->from == replay[m->vm] && m->to != m->from);
            CHECK(k.hosts[m->to].state == DRS_HOST_UP && !k.hosts[m->to].failover_host);
            CHECK(drs_fits(&c, replay, m->vm, (uint32_t)m->to));
            replay[m->vm] = m->to;
            host_moves[m->from]++;
            host_moves[m->to]++;
            uint32_t hard;
            drs_rules_count_violations(k.rules, k.n_rules, replay, k.n_vms, &hard, NULL);
            CHECK_INT_EQ(hard, 0);
            CHECK_NEAR(m->imbalance_after, drs_imbalance(&c, replay, p.combine, NULL, NULL), 1e-9);
            if (m->priority > 1) {
                CHECK(m->goodness > 0.0);
                CHECK(m->priority <= p.threshold);
            }
        }
        for (uint32_t h = 0; h < k.n_hosts; h++)
            CHECK(host_moves[h] <= k.hosts[h].vmotions_in_flight ||
                  host_moves[h] <= vmotion_concurrency_limit(k.hosts[h].vmotion_nic_gbps));
        CHECK(memcmp(work, replay, sizeof(int32_t) * k.n_vms) == 0);
        total_moves += n;
        /* The property of reference 7.8: the pass ends balanced, or no
         * single move passes the filters. */
        if (r.stop == DRS_STOP_BALANCED) {
            balanced++;
            CHECK(drs_imbalance(&c, work, p.combine, NULL, NULL) <= r.target);
        } else if (r.stop == DRS_STOP_NO_MOVE) {
            no_move++;
            CHECK(drs_imbalance(&c, work, p.combine, NULL, NULL) > r.target);
            CHECK(!some_move_passes(&c, &p, work, host_moves));
        }
    }
    printf("random clusters: %d balanced, %d no move passes, %d moves\n", balanced, no_move, total_moves);
    /* The generator must exercise both endings and actually move VMs. */
    CHECK(balanced > 20);
    CHECK(no_move > 20);
    CHECK(total_moves > 100);
}

static void test_rules_basics(void)
{
    drs_rule_kind k;
    CHECK(drs_rule_kind_parse("vm_anti_affinity", &k) == 0 && k == DRS_RULE_VM_ANTI_AFFINITY);
    CHECK(drs_rule_kind_parse("nope", &k) == -1);
    CHECK(drs_rule_is_hard(DRS_RULE_VM_HOST_MUST) && !drs_rule_is_hard(DRS_RULE_VM_HOST_SHOULD));
    /* Violation counts: affinity {0,1,2} on hosts 0,0,1 -> 1; anti {0,1,3}
     * on 0,0,0 -> 2; must {2} on {0} (it is on 1) -> 1; should_not {3} on
     * {0} -> 1 soft; unplaced member 4 never counts. */
    const uint32_t aff[] = {0, 1, 2, 4}, anti[] = {0, 1, 3}, two[] = {2}, three[] = {3}, h0[] = {0};
    drs_rule rules[] = {
        {DRS_RULE_VM_AFFINITY, aff, 4, NULL, 0},
        {DRS_RULE_VM_ANTI_AFFINITY, anti, 3, NULL, 0},
        {DRS_RULE_VM_HOST_MUST, two, 1, h0, 1},
        {DRS_RULE_VM_HOST_SHOULD_NOT, three, 1, h0, 1},
    };
    const int32_t a[] = {0, 0, 1, 0, -1};
    uint32_t hard, soft;
    drs_rules_count_violations(rules, 4, a, 5, &hard, &soft);
    CHECK_INT_EQ(hard, 4);
    CHECK_INT_EQ(soft, 1);
}

/* drs_place_by_load against its formula (drs.h) written out one resource
 * and one host at a time: Q' = Q - d^2 + (d + x)^2, var' = Q'/n - (x/n)^2
 * floored at 0, the host's score the root of the larger variance (max) or
 * the weighted sum of the roots, the feasible balancing host of least score
 * winning, ties to the lower index. The choice must be the same host (half
 * the clusters have equal hosts, so ties are decided), also
 * with hosts of zero capacity, hosts not balancing and clusters above the
 * 128 hosts placed on the stack. */
static double variance_if(double cap, double add, double load, double mean, double q, uint32_t n)
{
    double x = cap > 0 ? add / cap : 0.0;
    double d = load - mean;
    double v = (q - d * d + (d + x) * (d + x)) / n - (x / n) * (x / n);
    return v > 0.0 ? v : 0.0;
}

static int32_t place_by_formula(const drs_load_view *hv, uint32_t nh, double cpu, double mem, drs_combine combine)
{
    double load[2][300], sum[2] = {0, 0}, q[2] = {0, 0}, cap[2] = {0, 0}, ent[2] = {0, 0};
    uint32_t n = 0;
    for (uint32_t h = 0; h < nh; h++) {
        if (!hv[h].balancing)
            continue;
        n++;
        load[0][h] = hv[h].cpu_capacity_mhz > 0 ? hv[h].cpu_entitled_mhz / hv[h].cpu_capacity_mhz : 0.0;
        load[1][h] = hv[h].mem_capacity_mib > 0 ? hv[h].mem_entitled_mib / hv[h].mem_capacity_mib : 0.0;
        sum[0] += load[0][h];
        sum[1] += load[1][h];
        cap[0] += hv[h].cpu_capacity_mhz;
        cap[1] += hv[h].mem_capacity_mib;
        ent[0] += hv[h].cpu_entitled_mhz;
        ent[1] += hv[h].mem_entitled_mib;
    }
    if (n == 0)
        return -1;
    double mean[2] = {sum[0] / n, sum[1] / n};
    for (uint32_t h = 0; h < nh; h++)
        if (hv[h].balancing)
            for (int r = 0; r < 2; r++)
                q[r] += (load[r][h] - mean[r]) * (load[r][h] - mean[r]);
    double u0 = cap[0] > 0 ? ent[0] / cap[0] : 0.0, u1 = cap[1] > 0 ? ent[1] / cap[1] : 0.0;
    double w0 = u0 + u1 > 0 ? u0 / (u0 + u1) : 0.5, w1 = u0 + u1 > 0 ? u1 / (u0 + u1) : 0.5;
    int32_t best = -1;
    double best_score = INFINITY;
    for (uint32_t h = 0; h < nh; h++) {
        if (!hv[h].balancing || !hv[h].feasible)
            continue;
        double v0 = variance_if(hv[h].cpu_capacity_mhz, cpu, load[0][h], mean[0], q[0], n);
        double v1 = variance_if(hv[h].mem_capacity_mib, mem, load[1][h], mean[1], q[1], n);
        double score = combine == DRS_COMBINE_WEIGHTED ? w0 * sqrt(v0) + w1 * sqrt(v1) : sqrt(v0 > v1 ? v0 : v1);
        if (best < 0 || score < best_score) {
            best = (int32_t)h;
            best_score = score;
        }
    }
    return best;
}

static void test_place_by_load_formula(void)
{
    static const uint32_t sizes[] = {1, 3, 64, 128, 129, 300};
    rng_state = 0x2545F4914F6CDD1DULL;
    for (uint32_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint32_t nh = sizes[s];
        for (int iter = 0; iter < 200; iter++) {
            drs_load_view hv[300];
            for (uint32_t h = 0; h < nh; h++) {
                /* one host in 16 with no CPU or no memory capacity, one
                 * in 8 not balancing, one in 4 where the VM does not fit */
                hv[h].cpu_capacity_mhz = rnd(16) == 0 ? 0.0 : 20000.0 + rnd(4) * 10000.0;
                hv[h].mem_capacity_mib = rnd(16) == 0 ? 0.0 : 131072.0 * (1 + rnd(3));
                /* half the clusters from few values: equal hosts tie */
                hv[h].cpu_entitled_mhz = iter % 2 ? rnd(6) * 5000.0 : rnd(30000) + rnd(1000) / 1000.0;
                hv[h].mem_entitled_mib = iter % 2 ? rnd(6) * 65536.0 : rnd(400000);
                hv[h].balancing = rnd(8) != 0;
                hv[h].feasible = rnd(4) != 0;
            }
            double cpu = rnd(8000), mem = rnd(65536);
            for (int combine = 0; combine < 2; combine++) {
                drs_combine cb = combine ? DRS_COMBINE_WEIGHTED : DRS_COMBINE_MAX;
                CHECK_INT_EQ(drs_place_by_load(hv, nh, cpu, mem, cb), place_by_formula(hv, nh, cpu, mem, cb));
            }
        }
    }
}

int main(void)
{
    test_rules_basics();
    test_four_host_best_move();
    test_cost_benefit();
    test_thresholds();
    test_rules_change_best_move();
    test_mandatory_moves();
    test_placement();
    test_weighted();
    test_random_property();
    test_place_by_load_formula();
    test_imbalance_of_sums();
    return CHECK_DONE();
}
