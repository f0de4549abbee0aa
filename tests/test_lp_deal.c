/* test_lp_deal.c - the deal of a rank's LPs to its threads (sim/lp_deal.h),
 * checked by hand on weighted groups. The engine's own deals (by count,
 * in runs, groups whole or refused) are checked in test_engine.c. */
#include <stdint.h>

#include "check.h"
#include "sim/lp_deal.h"

/* A deal of n LPs of one kind, LP i alone in group i with weight w[i], on
 * `threads` threads (n <= 8). Free with one_kind_free. */
typedef struct {
    sim_lp_deal d;
    sim_lp_groups gr;
} one_kind;

static void one_kind_init(one_kind *k, uint32_t threads, uint32_t n, const double *w)
{
    uint32_t lps[8], affinity[8];
    CHECK_INT_EQ(sim_lp_deal_init(&k->d, threads, n), 0);
    for (uint32_t i = 0; i < n; i++) {
        lps[i] = i;
        affinity[i] = 10 + i;
        k->d.kind_of[i] = 0;
        k->d.weight[i] = w[i];
    }
    CHECK_INT_EQ(sim_lp_groups_find(&k->gr, lps, n, affinity, SIM_DEAL_NO_GROUP), 0);
    CHECK_INT_EQ(k->gr.n_groups, n);
    k->d.n = n;
    k->d.n_kinds = 1;
    k->d.weighted = 1;
    k->d.groups = &k->gr;
}

static void one_kind_free(one_kind *k)
{
    sim_lp_groups_free(&k->gr);
    sim_lp_deal_free(&k->d);
}

static void check_threads(const sim_lp_deal *d, const uint32_t *want)
{
    for (uint32_t i = 0; i < d->n; i++)
        CHECK_INT_EQ(d->thread_of[i], want[i]);
}

/* Six LPs of one kind, each its own group, weights 4, 1, 1, 1, 1, 0, on 2
 * threads. By hand:
 *  - spread (each group where it adds least): group 0 -> t0 (tie, loads
 *    equal); group 1 adds 1 on t0 (5 > 4) and 0 on t1 -> t1; groups 2-4
 *    add 1 on t0 and 0 on t1 (t1 reaches 4, the busiest) -> t1; group 5
 *    (weight 0) adds 0 on both, loads 4:4 tie -> t0. Span 4.
 *  - ranges (half of the weight 8 each): a group goes to the thread whose
 *    share holds its middle: group 0's middle 2 -> t0, group 1's 4.5 and
 *    every later one -> t1. Span 4, as the spread deal's, so kept.
 *  - every LP on thread 0: span 8. */
static void test_weighted_ranges(void)
{
    const double w[6] = {4, 1, 1, 1, 1, 0};
    const uint32_t spread[6] = {0, 1, 1, 1, 1, 0}, ranges[6] = {0, 1, 1, 1, 1, 1}, all_on_0[6] = {0};
    one_kind k;
    one_kind_init(&k, 2, 6, w);
    CHECK(sim_lp_deal_spread(&k.d) == 4.0);
    check_threads(&k.d, spread);
    CHECK(sim_lp_deal_with_groups(&k.d) == 4.0);
    check_threads(&k.d, ranges);
    CHECK(sim_lp_deal_span_of(&k.d, all_on_0) == 8.0);
    one_kind_free(&k);
}

/* Ranges kept at 20 % more span: one kind, four one-LP groups of weight
 * 3, 3, 2, 2 on 2 threads. Spread: 3 -> t0; 3 adds 3 on t0, 0 on t1 ->
 * t1; 2 adds 2 on either (5 > 3), loads 3:3 -> t0; 2 adds 2 on t0 (7 > 5),
 * 0 on t1 -> t1: span 5. Ranges (5 each): middles 1.5 and 4.5 -> t0, 7
 * and 9 -> t1: span 6 = 1.2 x 5, within SIM_DEAL_RANGE_SLACK (25 %). */
static void test_ranges_within_slack(void)
{
    const double w[4] = {3, 3, 2, 2};
    const uint32_t spread[4] = {0, 1, 0, 1}, ranges[4] = {0, 0, 1, 1};
    one_kind k;
    one_kind_init(&k, 2, 4, w);
    CHECK(sim_lp_deal_spread(&k.d) == 5.0);
    check_threads(&k.d, spread);
    CHECK(sim_lp_deal_with_groups(&k.d) == 6.0);
    check_threads(&k.d, ranges);
    one_kind_free(&k);
}

/* One kind, n one-LP groups of weights w on `threads` threads: deals with
 * the groups (sim_lp_deal_with_groups), checks the span and each LP's
 * thread against `want`. */
static void check_one_lp_groups(uint32_t threads, uint32_t n, const double *w, double want_span,
                                const uint32_t *want)
{
    one_kind k;
    one_kind_init(&k, threads, n, w);
    CHECK(sim_lp_deal_with_groups(&k.d) == want_span);
    check_threads(&k.d, want);
    one_kind_free(&k);
}

/* Ranges on 3 threads never skip one. Weights 1, 5, 5, 1 (shares of 4):
 * the middles 0.5 and 3.5 fall in thread 0's share, 8.5 and 11.5 in
 * thread 2's, which would leave thread 1 nothing; no thread skipped, group
 * 2 goes to thread 1, and group 3, the last for thread 2, to thread 2:
 * 0, 0, 1, 2, span 6 (thread 0 holds 1 + 5). Spread: 1 -> t0; 5 adds 4 on
 * any thread (5 - 1), ties to t1; 5 adds 0 on t2 -> t2; 1 adds 0 on t0 ->
 * t0: span 5, and 6 is within 25 % of it, so the ranges stay. Weights 1,
 * 1, 10: middles 0.5, 1.5 in thread 0's share, but the last two groups are
 * kept for the last two threads: 0, 1, 2, span 10 (spread: the same). */
static void test_ranges_three_threads(void)
{
    const double w1[4] = {1, 5, 5, 1}, w2[3] = {1, 1, 10};
    const uint32_t want1[4] = {0, 0, 1, 2}, want2[3] = {0, 1, 2};
    check_one_lp_groups(3, 4, w1, 6.0, want1);
    check_one_lp_groups(3, 3, w2, 10.0, want2);
}

/* Ranges refused at a third more span: weights 1, 1, 1, 1, 4, 4 on 2
 * threads (shares of 6). Ranges: middles 0.5-3.5 -> t0, 6 and 10 -> t1
 * (6 * 2 >= 12): loads 4 and 8, span 8. Spread: 1 -> t0, 1 -> t1, 1 (ties,
 * loads 1:1) -> t0, 1 -> t1, 4 (adds 4 on either, loads 2:2) -> t0, 4
 * (adds 4 on t0, 0 on t1) -> t1: span 6; 8 > 1.25 x 6, so spread. */
static void test_ranges_refused(void)
{
    const double w[6] = {1, 1, 1, 1, 4, 4};
    const uint32_t want[6] = {0, 1, 0, 1, 0, 1};
    check_one_lp_groups(2, 6, w, 6.0, want);
}

/* By count, groups of 3, 3, 2 and 2 LPs (LPs 0-2, 3-5, 6-7, 8-9), one
 * kind, 2 threads. Without groups: runs of 1 (10 / 32 < 1), 5:5, span 5.
 * Ranges (5 each): middles 1.5 and 4.5 -> t0, 7 and 9 -> t1: span 6, more
 * than 5 % over 5, so not kept; spread with groups: 3 -> t0, 3 -> t1, 2
 * (ties, loads 3:3) -> t0, 2 -> t1: span 5: the groups are kept, spread. */
static void test_rank_keeps_groups_spread(void)
{
    sim_lp_deal d;
    CHECK_INT_EQ(sim_lp_deal_init(&d, 2, 10), 0);
    const uint32_t lps[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, affinity[10] = {0, 0, 0, 1, 1, 1, 2, 2, 3, 3};
    sim_lp_groups gr;
    CHECK_INT_EQ(sim_lp_groups_find(&gr, lps, 10, affinity, SIM_DEAL_NO_GROUP), 0);
    d.n = 10;
    d.n_kinds = 1;
    for (uint32_t i = 0; i < 10; i++)
        d.kind_of[i] = 0;
    CHECK_INT_EQ(sim_lp_deal_rank(&d, &gr), 1);
    CHECK(d.groups == &gr);
    const uint32_t want[10] = {0, 0, 0, 1, 1, 1, 0, 0, 1, 1};
    for (uint32_t i = 0; i < 10; i++)
        CHECK_INT_EQ(d.thread_of[i], want[i]);
    sim_lp_groups_free(&gr);
    sim_lp_deal_free(&d);
}

/* Groups found from the model's numbers: LPs 0-5 with affinity 7, none,
 * 3, 7, none, 3 (by LP id, read through lps = 5, 4, ..., 0 reversed, so
 * LP index i is LP 5 - i): groups are numbered in increasing model number,
 * group 0 = number 3 = LPs 5 and 2 = indices 0 and 3, group 1 = number 7 =
 * LPs 3 and 0 = indices 2 and 5. */
static void test_groups_find(void)
{
    const uint32_t none = 99;
    const uint32_t affinity[6] = {7, none, 3, 7, none, 3}, lps[6] = {5, 4, 3, 2, 1, 0};
    sim_lp_groups gr;
    CHECK_INT_EQ(sim_lp_groups_find(&gr, lps, 6, affinity, none), 0);
    CHECK_INT_EQ(gr.n_groups, 2);
    const uint32_t group_of[6] = {0, SIM_DEAL_NO_GROUP, 1, 0, SIM_DEAL_NO_GROUP, 1};
    for (uint32_t i = 0; i < 6; i++)
        CHECK_INT_EQ(gr.group_of[i], group_of[i]);
    CHECK_INT_EQ(gr.group_first[0], 0);
    CHECK_INT_EQ(gr.group_first[1], 2);
    CHECK_INT_EQ(gr.group_first[2], 4);
    const uint32_t members[4] = {0, 3, 2, 5};
    for (uint32_t j = 0; j < 4; j++)
        CHECK_INT_EQ(gr.members[j], members[j]);
    sim_lp_groups_free(&gr);
}

int main(void)
{
    test_weighted_ranges();
    test_ranges_within_slack();
    test_ranges_three_threads();
    test_ranges_refused();
    test_rank_keeps_groups_spread();
    test_groups_find();
    return CHECK_DONE();
}
