/* test_vmotion.c - pre-copy live migration (models/vsphere/vmotion.c) against hand
 * calculations and against the independent closed-form oracle. */
#include <math.h>

#include "analysis/oracles.h"
#include "models/vsphere/vmotion.h"
#include "models/vsphere/vmotion_set.h"
#include "tests/check.h"

#define GIB 1073741824.0

static vmotion_params params(double memory, double dirty, double downtime_target, int max_rounds)
{
    vmotion_params p;
    vmotion_params_default(&p);
    p.memory_bytes = memory;
    p.dirty_rate_bytes_per_s = dirty;
    p.downtime_target_s = downtime_target;
    p.max_live_rounds = max_rounds;
    return p;
}

/* V = 4 GiB = 4294967296 B, B = 1.25e9 B/s, D = 6e8 B/s, V_thd = 0.3 s * B
 * = 3.75e8 B.
 *   round 0: 4294967296 B      -> 3.4359738368 s, dirtied 6e8*3.4359738368 = 2.0615843021e9
 *   round 1: 2.0615843021e9 B  -> 1.6492674417 s, dirtied 9.895604650e8
 *   round 2: 9.895604650e8 B   -> 0.7916483720 s, dirtied 4.749890232e8 (> 3.75e8)
 *   round 3: 4.749890232e8 B   -> 0.3799912186 s, dirtied 2.279947311e8 (<= 3.75e8: stop)
 *   stop-and-copy 2.279947311e8 B -> 0.1823957849 s
 * 4 live rounds, total 6.4392766539 s, downtime 0.1823957849 s. */
static void test_reference_vector(void)
{
    vmotion m;
    vmotion_params p = params(4.0 * GIB, 6e8, 0.3, 30);
    CHECK(vmotion_run_constant(&p, 1.25e9, &m) == 0);
    CHECK_INT_EQ(m.round, 4);
    CHECK_NEAR(m.transfer_end_s, 6.4392766539, 1e-9);
    CHECK_NEAR(vmotion_downtime_s(&m), 0.1823957849, 1e-9);
    CHECK_NEAR(m.stop_copy_bytes, 2.279947311e8, 1.0);
    CHECK_NEAR(m.done_s, m.transfer_end_s, 0.0);

    /* D = 0: one round of V bytes, nothing dirtied, stop-and-copy of 0:
     * total exactly V/B = 4294967296 / 1.25e9 = 3.4359738368 s. */
    p = params(4.0 * GIB, 0.0, 0.3, 30);
    CHECK(vmotion_run_constant(&p, 1.25e9, &m) == 0);
    CHECK_INT_EQ(m.round, 1);
    CHECK(m.transfer_end_s == 4.0 * GIB / 1.25e9);
    CHECK(vmotion_downtime_s(&m) == 0.0);

    /* Switch-over time adds to downtime and completion, not to transfer. */
    p = params(4.0 * GIB, 6e8, 0.3, 30);
    p.switchover_s = 0.05;
    CHECK(vmotion_run_constant(&p, 1.25e9, &m) == 0);
    CHECK_NEAR(vmotion_downtime_s(&m), 0.1823957849 + 0.05, 1e-9);
    CHECK_NEAR(m.done_s, 6.4392766539 + 0.05, 1e-9);
}

/* Round limit: V = 1e9, B = 1e9, D = 1e9 (lambda = 1, never converges),
 * V_thd = 3e8, at most 5 live rounds. Every round takes 1 s and dirties
 * min(V, 1e9 * 1 s) = 1e9 > V_thd; after 5 rounds the stop-and-copy sends
 * 1e9 in 1 s: total 6 s, downtime 1 s, 6e9 bytes. */
static void test_round_limit(void)
{
    vmotion m;
    vmotion_params p = params(1e9, 1e9, 0.3, 5);
    CHECK(vmotion_run_constant(&p, 1e9, &m) == 0);
    CHECK_INT_EQ(m.round, 5);
    CHECK_NEAR(m.transfer_end_s, 6.0, 1e-12);
    CHECK_NEAR(vmotion_downtime_s(&m), 1.0, 1e-12);
    CHECK_NEAR(m.bytes_sent, 6e9, 1e-3);

    /* Dirtying faster than the link: each round still sends at most V. */
    p = params(1e9, 3e9, 0.3, 3);
    CHECK(vmotion_run_constant(&p, 1e9, &m) == 0);
    CHECK_INT_EQ(m.round, 3);
    CHECK_NEAR(m.transfer_end_s, 4.0, 1e-12);

    /* Small VM: V = 2e8 <= V_thd = 3e8: stop-and-copy at once, 0.2 s. */
    p = params(2e8, 1e8, 0.3, 30);
    CHECK(vmotion_run_constant(&p, 1e9, &m) == 0);
    CHECK_INT_EQ(m.round, 0);
    CHECK_NEAR(m.transfer_end_s, 0.2, 1e-12);
    CHECK_NEAR(vmotion_downtime_s(&m), 0.2, 1e-12);

    /* Bad arguments. */
    p = params(1e9, 1e8, 0.3, 0);
    CHECK(vmotion_run_constant(&p, 1e9, &m) == -1);
    p = params(1e9, 1e8, 0.3, 5);
    CHECK(vmotion_run_constant(&p, 0.0, &m) == -1);
}

/* The model (elapsed time x rate) against the oracle (powers of lambda) over
 * a grid: same round count, total time and downtime. */
static void test_against_oracle(void)
{
    const double dirty[] = {0.0, 5e7, 2e8, 6e8, 1.0e9, 1.25e9, 2e9};
    const int limits[] = {1, 3, 30};
    for (unsigned i = 0; i < sizeof dirty / sizeof dirty[0]; i++)
        for (unsigned j = 0; j < sizeof limits / sizeof limits[0]; j++) {
            vmotion m;
            oracle_precopy_result o;
            vmotion_params p = params(4.0 * GIB, dirty[i], 0.3, limits[j]);
            CHECK(vmotion_run_constant(&p, 1.25e9, &m) == 0);
            /* The oracle's series is V*lambda^i without the cap at V, so
             * compare only where lambda <= 1. */
            if (dirty[i] > 1.25e9)
                continue;
            CHECK(oracle_precopy_migration(4.0 * GIB, 1.25e9, dirty[i], 0.3 * 1.25e9, limits[j], 0.0, &o) == 0);
            CHECK_INT_EQ(m.round, o.live_rounds);
            CHECK_NEAR(m.transfer_end_s, o.total_time_s, 1e-9 * o.total_time_s);
            CHECK_NEAR(vmotion_downtime_s(&m), o.downtime_s, 1e-9 * (o.downtime_s + 1e-3));
        }
    /* Reference table 3.4 rows: D = 5e7 -> 3.573 s / 0.137 s, D = 2e8 ->
     * 4.074 s / 0.088 s. */
    vmotion m;
    vmotion_params p = params(4.0 * GIB, 5e7, 0.3, 30);
    vmotion_run_constant(&p, 1.25e9, &m);
    CHECK_NEAR(m.transfer_end_s, 3.573, 5e-4);
    CHECK_NEAR(vmotion_downtime_s(&m), 0.137, 5e-4);
    p = params(4.0 * GIB, 2e8, 0.3, 30);
    vmotion_run_constant(&p, 1.25e9, &m);
    CHECK_NEAR(m.transfer_end_s, 4.074, 5e-4);
    CHECK_NEAR(vmotion_downtime_s(&m), 0.088, 5e-4);
}

/* Bandwidth halves mid-round. V = 1e9, D = 1e8, B = 1e9 then 5e8 from
 * t = 0.5 s, downtime target 0.05 s.
 *   round 0: 5e8 by 0.5 s, 5e8 more at 5e8/s -> ends 1.5 s; dirtied 1.5e8
 *   V_thd = 5e8 * 0.05 = 2.5e7
 *   round 1: 1.5e8 / 5e8 = 0.3 s -> 1.8 s; dirtied 3e7 > 2.5e7
 *   round 2: 3e7 / 5e8 = 0.06 s -> 1.86 s; dirtied 6e6 <= 2.5e7
 *   stop-and-copy 6e6 / 5e8 = 0.012 s -> 1.872 s
 * 3 live rounds, downtime 0.012 s, 1.186e9 bytes. */
static void test_bandwidth_change(void)
{
    vmotion m;
    vmotion_params p = params(1e9, 1e8, 0.05, 30);
    CHECK(vmotion_start(&m, &p, 1e9) == 0);
    CHECK_NEAR(vmotion_next_event_s(&m), 1.0, 1e-12);
    CHECK(vmotion_set_bandwidth(&m, 0.5, 5e8) == 0);
    CHECK_NEAR(vmotion_next_event_s(&m), 1.5, 1e-12);
    CHECK(vmotion_set_bandwidth(&m, 0.4, 5e8) == -1); /* time going back */
    while (m.phase != VMOTION_DONE)
        vmotion_advance(&m);
    CHECK_INT_EQ(m.round, 3);
    CHECK_NEAR(m.transfer_end_s, 1.872, 1e-12);
    CHECK_NEAR(vmotion_downtime_s(&m), 0.012, 1e-12);
    CHECK_NEAR(m.bytes_sent, 1.186e9, 1e-3);
}

/* Two migrations from host A to host B share both 10 GbE NICs (1.25e9 B/s)
 * fairly. m1: V = 1.25e9, D = 1e8, starts at 0. m2: V = 3.125e8, D = 0,
 * starts at 0.5 s. Downtime target 0.3 s.
 *   0-0.5 s:   m1 alone at 1.25e9: 6.25e8 sent.
 *   0.5 s:     m2 starts, both at 6.25e8 B/s (m2's V_thd = 1.875e8 < V: pre-copy).
 *   1.0 s:     m2 round 0 done (3.125e8 / 6.25e8 = 0.5 s), nothing dirtied:
 *              stop-and-copy of 0 bytes, done at 1.0 s, downtime 0.
 *              m1 has sent 6.25e8 + 3.125e8 = 9.375e8, 3.125e8 left.
 *   1.0-1.25:  m1 alone again: 3.125e8 / 1.25e9 = 0.25 s, round 0 ends 1.25 s;
 *              dirtied 1e8 * 1.25 = 1.25e8 <= V_thd = 3.75e8: stop-and-copy
 *              1.25e8 / 1.25e9 = 0.1 s -> done 1.35 s, downtime 0.1 s. */
static void test_shared_nic(void)
{
    const double nic = 1.25e9;
    vmotion m[2];
    vmotion_params p1 = params(1.25e9, 1e8, 0.3, 30), p2 = params(3.125e8, 0.0, 0.3, 30);
    const double start[2] = {0.0, 0.5};
    int started[2] = {0, 0};
    double offset[2] = {0.0, 0.0}; /* each migration's clock starts at its own start */
    double done_at[2] = {0.0, 0.0};

    /* A tiny event loop: the next event is the earliest of the pending start
     * and the active migrations' next round ends. */
    for (int steps = 0; steps < 100; steps++) {
        double t_next = INFINITY;
        int who = -1, is_start = 0;
        for (int i = 0; i < 2; i++) {
            if (!started[i] && start[i] < t_next) {
                t_next = start[i];
                who = i;
                is_start = 1;
            } else if (started[i] && m[i].phase != VMOTION_DONE) {
                double t = offset[i] + vmotion_next_event_s(&m[i]);
                if (t < t_next) {
                    t_next = t;
                    who = i;
                    is_start = 0;
                }
            }
        }
        if (who < 0)
            break;
        if (is_start) {
            uint32_t active = 1;
            for (int i = 0; i < 2; i++)
                active += started[i] && m[i].phase != VMOTION_DONE;
            double bw = vmotion_pair_bandwidth(nic, active, nic, active);
            for (int i = 0; i < 2; i++)
                if (started[i] && m[i].phase != VMOTION_DONE)
                    vmotion_set_bandwidth(&m[i], t_next - offset[i], bw);
            CHECK(vmotion_start(&m[who], who == 0 ? &p1 : &p2, bw) == 0);
            started[who] = 1;
            offset[who] = t_next;
        } else if (vmotion_advance(&m[who]) == VMOTION_DONE) {
            done_at[who] = offset[who] + m[who].done_s;
            uint32_t active = 0;
            for (int i = 0; i < 2; i++)
                active += started[i] && m[i].phase != VMOTION_DONE;
            double bw = vmotion_pair_bandwidth(nic, active, nic, active);
            for (int i = 0; i < 2; i++)
                if (started[i] && m[i].phase != VMOTION_DONE)
                    vmotion_set_bandwidth(&m[i], t_next - offset[i], bw);
        }
    }
    CHECK(m[0].phase == VMOTION_DONE && m[1].phase == VMOTION_DONE);
    CHECK_NEAR(done_at[1], 1.0, 1e-12);
    CHECK_NEAR(vmotion_downtime_s(&m[1]), 0.0, 1e-12);
    CHECK_NEAR(done_at[0], 1.35, 1e-12);
    CHECK_NEAR(vmotion_downtime_s(&m[0]), 0.1, 1e-12);
    CHECK_INT_EQ(m[0].round, 1);
}

/* Limits and CPU cost (docs/vsphere.md): 4 concurrent below 10 Gbps, 8 at
 * 10 and above; CPU reservation per host 10 % of a core per Gbps, at least
 * 30 %, one core at 10 Gbps: with 2000 MHz cores 1 Gbps -> 600 MHz,
 * 4 Gbps -> 800, 10 -> 2000, 25 -> 5000. */
static void test_limits_and_cpu(void)
{
    CHECK_INT_EQ(vmotion_concurrency_limit(1.0), 4);
    CHECK_INT_EQ(vmotion_concurrency_limit(9.9), 4);
    CHECK_INT_EQ(vmotion_concurrency_limit(10.0), 8);
    CHECK_INT_EQ(vmotion_concurrency_limit(25.0), 8);
    CHECK_NEAR(vmotion_host_cpu_reservation_mhz(1.0, 2000.0), 600.0, 1e-9);
    CHECK_NEAR(vmotion_host_cpu_reservation_mhz(4.0, 2000.0), 800.0, 1e-9);
    CHECK_NEAR(vmotion_host_cpu_reservation_mhz(10.0, 2000.0), 2000.0, 1e-9);
    CHECK_NEAR(vmotion_host_cpu_reservation_mhz(25.0, 2000.0), 5000.0, 1e-9);
    CHECK_NEAR(vmotion_fair_share(1.25e9, 4), 3.125e8, 1e-3);
    CHECK_NEAR(vmotion_pair_bandwidth(1.25e9, 2, 1.25e8, 1), 1.25e8, 1e-3);
}

/* The cluster's set of migrations: five 1.25e8-byte VMs (D = 0) from H0 to
 * H1 over 1 GbE (1.25e8 B/s, limit 4), all requested at t = 0.
 *   ids 0-3 start, each at 1.25e8/4 = 3.125e7 B/s: round 0 takes 4 s; nothing
 *   dirtied: stop-and-copy of 0 bytes, done at 4 s. id 4 waits in the queue.
 *   At 4 s id 0 finishes first (ties by id); id 4 starts; once ids 1-3 finish
 *   at the same instant it has the link alone: 1.25e8 / 1.25e8 = 1 s, done
 *   at 5 s.
 * Meanwhile an H2 -> H3 migration of 2.5e8 bytes on its own 1 GbE pair is
 * unaffected: 2 s. */
static void test_set_queue_and_sharing(void)
{
    const double gbps[4] = {1, 1, 1, 1};
    vmotion_set s;
    vmotion_event ev[64];
    uint32_t n_ev;
    vmotion_params p = params(1.25e8, 0.0, 0.3, 30), q = params(2.5e8, 0.0, 0.3, 30);
    CHECK(vmotion_set_init(&s, 4, gbps) == 0);
    for (uint32_t i = 0; i < 5; i++) {
        CHECK_INT_EQ(vmotion_set_request(&s, 100 + i, 0, 1, &p, 0.0, ev, &n_ev), i);
        CHECK_INT_EQ(n_ev, i < 4 ? 1 : 0);
    }
    CHECK_INT_EQ(vmotion_set_request(&s, 200, 2, 3, &q, 0.0, NULL, NULL), 5);
    CHECK_INT_EQ(vmotion_set_active(&s), 5);
    CHECK_INT_EQ(vmotion_set_queued(&s), 1);
    CHECK_INT_EQ(vmotion_set_request(&s, 9, 1, 1, &p, 0.0, NULL, NULL), -1); /* same host */
    CHECK_NEAR(vmotion_set_next_s(&s), 2.0, 1e-12);

    n_ev = vmotion_set_run_until(&s, 2.0, ev, 64);
    CHECK_INT_EQ(n_ev, 2); /* id 5: STOP_COPY and DONE at 2 s */
    CHECK(ev[0].kind == VMOTION_EV_STOP_COPY && ev[0].vm == 200 && ev[1].kind == VMOTION_EV_DONE);
    CHECK_NEAR(ev[1].time_s, 2.0, 1e-12);

    n_ev = vmotion_set_run_until(&s, 4.5, ev, 64);
    /* id 0 STOP_COPY, DONE, id 4 START, then ids 1-3 STOP_COPY and DONE. */
    CHECK_INT_EQ(n_ev, 9);
    CHECK(ev[0].id == 0 && ev[0].kind == VMOTION_EV_STOP_COPY);
    CHECK(ev[1].id == 0 && ev[1].kind == VMOTION_EV_DONE);
    CHECK(ev[2].id == 4 && ev[2].kind == VMOTION_EV_START);
    for (int i = 0; i < 9; i++)
        CHECK_NEAR(ev[i].time_s, 4.0, 1e-12);
    CHECK_INT_EQ(vmotion_set_active(&s), 1);
    CHECK_NEAR(vmotion_set_next_s(&s), 5.0, 1e-12);
    n_ev = vmotion_set_run_until(&s, 100.0, ev, 64);
    CHECK_INT_EQ(n_ev, 2);
    CHECK(ev[1].id == 4 && ev[1].vm == 104 && ev[1].kind == VMOTION_EV_DONE);
    CHECK_NEAR(ev[1].time_s, 5.0, 1e-12);
    CHECK_INT_EQ(vmotion_set_active(&s), 0);
    CHECK(isinf(vmotion_set_next_s(&s)));

    /* The two-migration case of test_shared_nic through the set: done at
     * 1.0 s (m2) and 1.35 s (m1, downtime 0.1 s). */
    const double ten[2] = {10, 10};
    vmotion_set t;
    vmotion_params p1 = params(1.25e9, 1e8, 0.3, 30), p2 = params(3.125e8, 0.0, 0.3, 30);
    CHECK(vmotion_set_init(&t, 2, ten) == 0);
    int32_t id1 = vmotion_set_request(&t, 1, 0, 1, &p1, 0.0, NULL, NULL);
    CHECK_INT_EQ(vmotion_set_run_until(&t, 0.5, ev, 64), 0);
    int32_t id2 = vmotion_set_request(&t, 2, 0, 1, &p2, 0.5, NULL, NULL);
    n_ev = vmotion_set_run_until(&t, 10.0, ev, 64);
    CHECK_INT_EQ(n_ev, 4);
    CHECK(ev[1].id == (uint32_t)id2 && ev[1].kind == VMOTION_EV_DONE);
    CHECK_NEAR(ev[1].time_s, 1.0, 1e-12);
    CHECK(ev[2].id == (uint32_t)id1 && ev[2].kind == VMOTION_EV_STOP_COPY);
    CHECK_NEAR(ev[2].time_s, 1.25, 1e-12);
    CHECK_NEAR(ev[3].time_s, 1.35, 1e-12);
    CHECK_NEAR(vmotion_downtime_s(&vmotion_set_entry(&t, (uint32_t)id1)->m), 0.1, 1e-12);
    vmotion_set_free(&t);
    vmotion_set_free(&s);
}

/* vmotion_set_cancel (used when a host or VM fails mid-migration).
 * 1 Gbps = 1.25e8 B/s; five 2.5e8-byte migrations 0 -> 1, dirty rate 0:
 * four run at 1.25e8 / 4 = 3.125e7 B/s, the fifth waits (limit 4).
 *   t = 1: cancelling the queued one starts nothing; cancelling active id 0
 *   leaves ids 1..3 with 2.5e8 - 3.125e7 = 2.1875e8 bytes each at
 *   1.25e8 / 3 B/s: 5.25 s more, all three done at 6.25 s.
 * A second set: cancelling an active migration at 0.5 s starts the queued
 * one at 0.5 s. */
static void test_set_cancel(void)
{
    const double gbps[2] = {1, 1};
    vmotion_set s;
    vmotion_event ev[16];
    uint32_t n_ev;
    vmotion_params p = params(2.5e8, 0.0, 0.3, 30);
    CHECK(vmotion_set_init(&s, 2, gbps) == 0);
    for (uint32_t i = 0; i < 5; i++)
        CHECK_INT_EQ(vmotion_set_request(&s, i, 0, 1, &p, 0.0, NULL, NULL), i);
    CHECK_INT_EQ(vmotion_set_run_until(&s, 1.0, ev, 16), 0);
    CHECK_INT_EQ(vmotion_set_cancel(&s, 4, 1.0, ev, 16, &n_ev), 0);
    CHECK_INT_EQ(n_ev, 0);
    CHECK_INT_EQ(vmotion_set_queued(&s), 0);
    CHECK_INT_EQ(vmotion_set_cancel(&s, 0, 1.0, ev, 16, &n_ev), 0);
    CHECK_INT_EQ(n_ev, 0);
    CHECK_INT_EQ(vmotion_set_active(&s), 3);
    CHECK_INT_EQ(s.active[0], 3);
    CHECK_INT_EQ(vmotion_set_cancel(&s, 0, 1.0, ev, 16, &n_ev), -1); /* already gone */
    CHECK_NEAR(vmotion_set_next_s(&s), 6.25, 1e-9);
    n_ev = vmotion_set_run_until(&s, 10.0, ev, 16);
    CHECK_INT_EQ(n_ev, 6); /* STOP_COPY (0 bytes left) and DONE for ids 1..3 */
    CHECK(ev[5].kind == VMOTION_EV_DONE && ev[5].id == 3);
    CHECK_NEAR(ev[5].time_s, 6.25, 1e-9);
    vmotion_set_free(&s);

    CHECK(vmotion_set_init(&s, 2, gbps) == 0);
    for (uint32_t i = 0; i < 5; i++)
        vmotion_set_request(&s, i, 0, 1, &p, 0.0, NULL, NULL);
    CHECK_INT_EQ(vmotion_set_run_until(&s, 0.5, ev, 16), 0);
    CHECK_INT_EQ(vmotion_set_cancel(&s, 1, 0.5, ev, 16, &n_ev), 0);
    CHECK_INT_EQ(n_ev, 1);
    CHECK(ev[0].kind == VMOTION_EV_START && ev[0].id == 4);
    CHECK_NEAR(ev[0].time_s, 0.5, 1e-12);
    CHECK_INT_EQ(vmotion_set_active(&s), 4);
    vmotion_set_free(&s);
}

int main(void)
{
    test_reference_vector();
    test_round_limit();
    test_against_oracle();
    test_bandwidth_change();
    test_shared_nic();
    test_limits_and_cpu();
    test_set_queue_and_sharing();
    test_set_cancel();
    return CHECK_DONE();
}
