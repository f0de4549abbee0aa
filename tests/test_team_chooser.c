/* test_team_chooser.c - sim/team_chooser.h on recorded timings: which mode
 * each epoch gets, worked out by hand from the rule in the header (team
 * stays while its wall time <= 0.95 x stretch x the team's CPU time, plus
 * the wall time of its window ends; the
 * stretch is the decayed solo wall over solo CPU time; after a loss, solo
 * for the epoch count and 32 x the wall time lost; a team epoch gives up
 * 2 ms behind the solo estimate). A team epoch's wall time is the whole
 * epoch's; the solo estimate adds the wall time of its serial window ends
 * (0 in the tests that do not say otherwise). */
#include "sim/team_chooser.h"
#include "tests/check.h"

/* Runs solo epochs of the given times until the chooser asks for the team;
 * returns how many ran (stops at 1000). */
static int solo_until_team(sim_team_chooser *c, double wall_s, double cpu_s)
{
    int n = 0;
    while (c->mode == SIM_MODE_SOLO && n < 1000) {
        sim_team_chooser_solo_done(c, wall_s, cpu_s);
        n++;
    }
    return n;
}

/* A first solo epoch, then the team wins, then loses, on a machine whose
 * load fades. */
static void test_first_epochs(void)
{
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    CHECK(c.mode == SIM_MODE_SOLO);                       /* the first epoch measures the stretch */
    CHECK_NEAR(sim_team_chooser_stretch(&c), 1.0, 0.0);   /* nothing measured yet */
    sim_team_chooser_solo_done(&c, 0.030, 0.010);         /* a third of a core */
    CHECK_NEAR(sim_team_chooser_stretch(&c), 3.0, 1e-12); /* 0.030 / 0.010 */
    CHECK(c.mode == SIM_MODE_TEAM);
    /* solo would take 3 x 0.012 = 0.036 s; 0.020 <= 0.95 x 0.036 = 0.0342 */
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.020, 0.012, 0.0), 1);
    CHECK(c.mode == SIM_MODE_TEAM);
    /* 0.034 <= 0.0342 still wins; 0.035 does not */
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.034, 0.012, 0.0), 1);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.035, 0.012, 0.0), 0);
    CHECK(c.mode == SIM_MODE_SOLO);
    /* the load goes: 8 solo epochs at stretch 1 before the next try */
    for (int i = 0; i < 7; i++)
        sim_team_chooser_solo_done(&c, 0.010, 0.010);
    CHECK(c.mode == SIM_MODE_SOLO);
    sim_team_chooser_solo_done(&c, 0.010, 0.010);
    CHECK(c.mode == SIM_MODE_TEAM);
    /* after 8 halvings: wall 0.030/256 + 0.010 x (2 - 2/256), cpu 0.010/256 +
     * the same: 0.0200390625 / 0.0199609375 */
    CHECK_NEAR(sim_team_chooser_stretch(&c), 0.0200390625 / 0.0199609375, 1e-12);
}

/* Autogroups: a process's two threads share one CPU weight. Solo, thread 0
 * runs at half speed (stretch 2); in the team each thread gets a quarter
 * core, so 0.010 s of CPU split evenly takes 0.005 x 4 = 0.020 s, plus
 * 0.002 s waiting for a descheduled partner. Solo: 2 x 0.010 = 0.020 s,
 * and 0.022 > 0.95 x 0.020 = 0.019: the team loses. (Thread 0's own
 * stretch in the team, 4, would have predicted solo at 0.040 s.) */
static void test_autogroup_team_loses(void)
{
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    sim_team_chooser_solo_done(&c, 0.020, 0.010);
    CHECK(c.mode == SIM_MODE_TEAM);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.022, 0.010, 0.0), 0);
    CHECK(c.mode == SIM_MODE_SOLO);
    CHECK_INT_EQ(c.solo_left, SIM_TEAM_SOLO_MIN);
}

/* Losses in a row: 8, 16, 32, 64, 128, 256, 256 solo epochs; a win halves
 * the next one. Times are powers of two, so the sums are exact: solo epochs
 * of 1/64 s wall and CPU (stretch 1); a lost team epoch of 1/64 s CPU takes
 * 1/64 + 1/256 s (> 0.95/64), so solo must also pay back 32/256 = 8 solo
 * epochs of wall time, never more than the epoch count asks here. */
static void test_backoff(void)
{
    static const int expect[] = {8, 16, 32, 64, 128, 256, 256};
    const double e = 1.0 / 64.0;
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 1);
    for (int i = 0; i < 7; i++) {
        CHECK_INT_EQ(sim_team_chooser_team_done(&c, e + e / 4.0, e, 0.0), 0);
        CHECK_INT_EQ(solo_until_team(&c, e, e), expect[i]);
    }
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.006, e, 0.0), 1); /* 0.006 <= 0.95/64 */
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, e + e / 4.0, e, 0.0), 0);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 128); /* 256 halved by the win */
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.006, e, 0.0), 1);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.006, e, 0.0), 1);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, e + e / 4.0, e, 0.0), 0);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 64); /* 256 halved twice */
}

/* A team epoch that loses much (tiny windows, each barrier waiting for a
 * descheduled partner): 1/64 s of CPU took 1/64 + 1/16 s, 1/16 s lost,
 * so solo runs until 32/16 = 2 s of its wall time have passed: 128 epochs
 * of 1/64 s, although the count alone asked for 8. */
static void test_payback(void)
{
    const double e = 1.0 / 64.0;
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 1);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, e + 1.0 / 16.0, e, 0.0), 0);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 128);
}

/* Inside a team epoch: give up once the wall time exceeds stretch x CPU by
 * 2 ms. Stretch 2 (solo 0.020 s wall for 0.010 s CPU); 0.005 s of team CPU
 * would take 0.010 s solo: 0.0119 s of team wall goes on, 0.0121 s ends. */
static void test_give_up(void)
{
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    sim_team_chooser_solo_done(&c, 0.020, 0.010);
    CHECK_INT_EQ(sim_team_chooser_team_losing(&c, 0.0119, 0.005, 0.0), 0);
    CHECK_INT_EQ(sim_team_chooser_team_losing(&c, 0.0121, 0.005, 0.0), 1);
}

/* While the team wins, every 32nd win is followed by one solo epoch that
 * measures the stretch again; if the load rose meanwhile the team, judged
 * by the new stretch, may win where the old one said lose, and vice versa. */
static void test_refresh(void)
{
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    CHECK_INT_EQ(solo_until_team(&c, 0.010, 0.010), 1);
    for (int i = 1; i < SIM_TEAM_REFRESH; i++) {
        CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.006, 0.010, 0.0), 1);
        CHECK(c.mode == SIM_MODE_TEAM);
    }
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.006, 0.010, 0.0), 1); /* the 32nd */
    CHECK(c.mode == SIM_MODE_SOLO);
    /* the refresh finds stretch (0.010 x 0.5 + 0.040) / (0.010 x 0.5 + 0.010) = 3 */
    CHECK_INT_EQ(solo_until_team(&c, 0.040, 0.010), 1);
    CHECK_NEAR(sim_team_chooser_stretch(&c), 3.0, 1e-12);
    /* a team epoch of 0.020 s for 0.010 s of CPU: 0.020 <= 0.95 x 0.030 */
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.020, 0.010, 0.0), 1);
    CHECK_INT_EQ(c.team_wins, 1); /* counted afresh after the refresh */
}

/* Clock granularity: a solo wall time below its CPU time means stretch 1;
 * a team epoch with no CPU time measured cannot win. */
static void test_edges(void)
{
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    sim_team_chooser_solo_done(&c, 0.009, 0.010);
    CHECK_NEAR(sim_team_chooser_stretch(&c), 1.0, 0.0);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 1e-6, 0.0, 0.0), 0);
    CHECK(c.mode == SIM_MODE_SOLO);
}

/* The whole team epoch counts. Stretch 2 (solo 0.020 s wall for 0.010 s
 * CPU). A team epoch whose threads spent 0.010 s of CPU in run and merge
 * and whose serial window ends took 0.004 s of wall time would take
 * 2 x 0.010 + 0.004 = 0.024 s solo. The gain is asked of the run and merge
 * only: the team wins up to 0.95 x 0.020 + 0.004 = 0.023 s. Whole in
 * 0.0229 s it wins (0.95 x 0.024 = 0.0228 would have said lose). Whole in
 * 0.026 s it loses, although its run and
 * merge alone (0.026 - 0.004 - 0.006 s of waking the partner, evening out
 * the pools and re-dealing = 0.016 s) beat the 0.020 s LP-only estimate of
 * the old rule; solo must pay back 32 x (0.026 - 0.024) = 0.064 s. Giving
 * up: 0.005 s of CPU and 0.003 s of window ends, estimate 0.013 s, so
 * 0.0149 s goes on and 0.0151 s (2 ms behind) ends. */
static void test_whole_epoch(void)
{
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    sim_team_chooser_solo_done(&c, 0.020, 0.010);
    CHECK_NEAR(sim_team_chooser_solo_estimate(&c, 0.010, 0.004), 0.024, 1e-12);
    CHECK_INT_EQ(sim_team_chooser_team_losing(&c, 0.0149, 0.005, 0.003), 0);
    CHECK_INT_EQ(sim_team_chooser_team_losing(&c, 0.0151, 0.005, 0.003), 1);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.0229, 0.010, 0.004), 1);
    CHECK(c.mode == SIM_MODE_TEAM);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.026, 0.010, 0.004), 0);
    CHECK(c.mode == SIM_MODE_SOLO);
    CHECK_NEAR(c.solo_debt_s, 0.064, 1e-12);
    /* the count asks for 8 solo epochs; of 1/256 s each, paying back
     * 0.064 s takes 17 (0.064 x 256 = 16.4) */
    CHECK_INT_EQ(solo_until_team(&c, 1.0 / 256.0, 1.0 / 512.0), 17);
}

/* A probe that cannot win is skipped: 2 threads ask 0.5 idle CPUs, 3
 * threads 1.0; unknown (< 0) always runs it. A skip is a loss that owes no
 * wall time: the solo epochs double as after a loss (8 after the first
 * skip, since the first loss of the run had not happened yet), and the
 * next probe is asked again after them. */
static void test_probe_skipped(void)
{
    const double e = 1.0 / 64.0;
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 1);
    CHECK_INT_EQ(sim_team_chooser_probe_worthwhile(&c, -1.0, 2), 1); /* unknown: the probe runs */
    CHECK(c.mode == SIM_MODE_TEAM);
    CHECK_INT_EQ(sim_team_chooser_probe_worthwhile(&c, 0.5, 2), 1); /* exactly enough */
    CHECK(c.mode == SIM_MODE_TEAM);
    CHECK_INT_EQ(sim_team_chooser_probe_worthwhile(&c, 0.49, 2), 0); /* a busy machine */
    CHECK(c.mode == SIM_MODE_SOLO);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 8);
    CHECK_INT_EQ(sim_team_chooser_probe_worthwhile(&c, 0.0, 2), 0);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 16);
    /* 3 threads: 0.9 idle CPUs are too few, 1.2 enough; the team then wins */
    CHECK_INT_EQ(sim_team_chooser_probe_worthwhile(&c, 0.9, 3), 0);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 32);
    CHECK_INT_EQ(sim_team_chooser_probe_worthwhile(&c, 1.2, 3), 1);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 0.006, e, 0.0), 1);
    CHECK(c.mode == SIM_MODE_TEAM);
    /* a skip owes no wall time: after a costly loss (2 s owed, test_payback)
     * a skip replaces the debt by the epoch count alone */
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, e + 1.0 / 16.0, e, 0.0), 0);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 128);
    CHECK_INT_EQ(sim_team_chooser_probe_worthwhile(&c, 0.1, 2), 0);
    CHECK_INT_EQ(solo_until_team(&c, e, e), 64);
}

/* Wins until the next refresh asks for a solo epoch; returns how many
 * (stops at 10000). */
static int wins_until_refresh(sim_team_chooser *c)
{
    int n = 0;
    while (c->mode == SIM_MODE_TEAM && n < 10000) {
        CHECK_INT_EQ(sim_team_chooser_team_done(c, 0.006, 0.010, 0.0), 1);
        n++;
    }
    return n;
}

/* While the refreshes find the stretch they had (1 on a quiet machine:
 * solo wall = CPU), the interval doubles from 32 to 512 and stays; a
 * refresh that finds the stretch 10 % or more away sets it back to 32, and
 * so does a lost team epoch or a skipped probe. */
static void test_refresh_doubling(void)
{
    static const int expect[] = {32, 64, 128, 256, 512, 512};
    sim_team_chooser c;
    sim_team_chooser_init(&c);
    CHECK_INT_EQ(solo_until_team(&c, 0.010, 0.010), 1);
    for (int i = 0; i < 6; i++) {
        CHECK_INT_EQ(wins_until_refresh(&c), expect[i]);
        CHECK_INT_EQ(solo_until_team(&c, 0.010, 0.010), 1); /* stretch 1 again */
    }
    /* After 7 solo epochs of 0.010 s wall and CPU, each halving the older:
     * both sums 0.010 x (2 - 2/128) = 0.01984375. One of 0.0105 s wall:
     * (0.00992187500 + 0.0105) / (0.00992187500 + 0.010) = 0.020421875 /
     * 0.019921875 = 1.0251: within 10 % of 1, so 512 stays */
    CHECK_INT_EQ(wins_until_refresh(&c), 512);
    CHECK_INT_EQ(solo_until_team(&c, 0.0105, 0.010), 1);
    CHECK_NEAR(sim_team_chooser_stretch(&c), 0.020421875 / 0.019921875, 1e-12);
    CHECK_INT_EQ(wins_until_refresh(&c), 512);
    /* then 0.020 s wall: (0.0102109375 + 0.020) / (0.0099609375 + 0.010) =
     * 0.0302109375 / 0.0199609375 = 1.5135, 48 % above 1.0251: back to 32 */
    CHECK_INT_EQ(solo_until_team(&c, 0.020, 0.010), 1);
    CHECK_NEAR(sim_team_chooser_stretch(&c), 0.0302109375 / 0.0199609375, 1e-12);
    CHECK_INT_EQ(wins_until_refresh(&c), 32);
    /* an epoch at the same stretch leaves it unchanged: 64 next */
    CHECK_INT_EQ(solo_until_team(&c, 0.0302109375 / 0.0199609375 * 0.010, 0.010), 1);
    CHECK_NEAR(sim_team_chooser_stretch(&c), 0.0302109375 / 0.0199609375, 1e-12);
    CHECK_INT_EQ(c.refresh_after, 64);
    /* a refresh that finds the stretch lower by more than 10 % sets it back
     * too: 1.5135 -> (0.5 x W + 0.010) / (0.5 x C + 0.010) with W / C =
     * 1.5135 and C = 0.5 x 0.0199609375 + 0.010 = 0.01998046875 (the epoch
     * above), so W = 1.5135 x C: (0.5 W + 0.010) / (0.5 C + 0.010) */
    CHECK_INT_EQ(wins_until_refresh(&c), 64);
    {
        const double w = 0.0302109375 / 0.0199609375 * 0.01998046875, cpu = 0.01998046875;
        CHECK_INT_EQ(solo_until_team(&c, 0.010, 0.010), 1);
        CHECK_NEAR(sim_team_chooser_stretch(&c), (0.5 * w + 0.010) / (0.5 * cpu + 0.010), 1e-12);
        CHECK(sim_team_chooser_stretch(&c) < 0.9 * (0.0302109375 / 0.0199609375));
        CHECK_INT_EQ(c.refresh_after, SIM_TEAM_REFRESH);
    }
    /* doubled again, then a skipped probe sets it back */
    CHECK_INT_EQ(wins_until_refresh(&c), 32);
    CHECK_INT_EQ(solo_until_team(&c, 0.010 * sim_team_chooser_stretch(&c), 0.010), 1);
    CHECK_INT_EQ(c.refresh_after, 64);
    CHECK_INT_EQ(sim_team_chooser_probe_worthwhile(&c, 0.0, 2), 0);
    CHECK_INT_EQ(c.refresh_after, SIM_TEAM_REFRESH);
    CHECK_INT_EQ(solo_until_team(&c, 0.010, 0.010), SIM_TEAM_SOLO_MIN);
    /* a loss sets it back */
    CHECK_INT_EQ(wins_until_refresh(&c), 32);
    CHECK_INT_EQ(solo_until_team(&c, 0.010 * sim_team_chooser_stretch(&c), 0.010), 1);
    CHECK_INT_EQ(c.refresh_after, 64);
    CHECK_INT_EQ(sim_team_chooser_team_done(&c, 1.0, 0.010, 0.0), 0);
    CHECK_INT_EQ(c.refresh_after, SIM_TEAM_REFRESH);
}

int main(void)
{
    test_first_epochs();
    test_probe_skipped();
    test_autogroup_team_loses();
    test_backoff();
    test_payback();
    test_give_up();
    test_refresh();
    test_refresh_doubling();
    test_edges();
    test_whole_epoch();
    return CHECK_DONE();
}
