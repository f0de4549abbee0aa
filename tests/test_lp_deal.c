/* test_lp_deal.c - the deal of a rank's LPs to its threads (sim/lp_deal.h),
 * checked by hand on weighted groups. The engine's own deals (by count,
 * in runs, groups whole or refused) are checked in test_engine.c. */
#include <stdint.h>

#include "check.h"
#include "sim/lp_deal.h"

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
    sim_lp_deal d;
    CHECK_INT_EQ(sim_lp_deal_init(&d, 2, 6), 0);
    const double w[6] = {4, 1, 1, 1, 1, 0};
    const uint32_t lps[6] = {0, 1, 2, 3, 4, 5}, affinity[6] = {10, 11, 12, 13, 14, 15};
    sim_lp_groups gr;
    CHECK_INT_EQ(sim_lp_groups_find(&gr, lps, 6, affinity, SIM_DEAL_NO_GROUP), 0);
    CHECK_INT_EQ(gr.n_groups, 6);
    d.n = 6;
    d.n_kinds = 1;
    for (uint32_t i = 0; i < 6; i++) {
        d.kind_of[i] = 0;
        d.weight[i] = w[i];
    }
    d.weighted = 1;
    d.groups = &gr;

    CHECK(sim_lp_deal_spread(&d) == 4.0);
    const uint32_t spread[6] = {0, 1, 1, 1, 1, 0};
    for (uint32_t i = 0; i < 6; i++)
        CHECK_INT_EQ(d.thread_of[i], spread[i]);

    CHECK(sim_lp_deal_with_groups(&d) == 4.0);
    const uint32_t ranges[6] = {0, 1, 1, 1, 1, 1};
    for (uint32_t i = 0; i < 6; i++)
        CHECK_INT_EQ(d.thread_of[i], ranges[i]);

    const uint32_t all_on_0[6] = {0};
    CHECK(sim_lp_deal_span_of(&d, all_on_0) == 8.0);
    sim_lp_groups_free(&gr);
    sim_lp_deal_free(&d);
}

/* Ranges kept at 20 % more span: one kind, four one-LP groups of weight
 * 3, 3, 2, 2 on 2 threads. Spread: 3 -> t0; 3 adds 3 on t0, 0 on t1 ->
 * t1; 2 adds 2 on either (5 > 3), loads 3:3 -> t0; 2 adds 2 on t0 (7 > 5),
 * 0 on t1 -> t1: span 5. Ranges (5 each): middles 1.5 and 4.5 -> t0, 7
 * and 9 -> t1: span 6 = 1.2 x 5, within SIM_DEAL_RANGE_SLACK (25 %). */
static void test_ranges_within_slack(void)
{
    sim_lp_deal d;
    CHECK_INT_EQ(sim_lp_deal_init(&d, 2, 4), 0);
    const double w[4] = {3, 3, 2, 2};
    const uint32_t lps[4] = {0, 1, 2, 3}, affinity[4] = {0, 1, 2, 3};
    sim_lp_groups gr;
    CHECK_INT_EQ(sim_lp_groups_find(&gr, lps, 4, affinity, SIM_DEAL_NO_GROUP), 0);
    d.n = 4;
    d.n_kinds = 1;
    for (uint32_t i = 0; i < 4; i++) {
        d.kind_of[i] = 0;
        d.weight[i] = w[i];
    }
    d.weighted = 1;
    d.groups = &gr;
    CHECK(sim_lp_deal_spread(&d) == 5.0);
    CHECK(sim_lp_deal_with_groups(&d) == 6.0);
    const uint32_t ranges[4] = {0, 0, 1, 1};
    for (uint32_t i = 0; i < 4; i++)
        CHECK_INT_EQ(d.thread_of[i], ranges[i]);
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
    test_groups_find();
    return CHECK_DONE();
}
