/* test_vmotion_sdps.c - vMotion convergence with SDPS (issue 14 item 6) and
 * without it (plain pre-copy), by hand.
 *
 * 1. A 16 GiB VM (V = 2^34 B) on 10 GbE (B = 1.25e9 B/s) dirtying
 *    D = 2e9 B/s, above the link; downtime target 0.3 s (V_thd = 0.375e9 B),
 *    30 rounds.
 *    Plain pre-copy: every round takes V/B = 13.7438953472 s and the guest
 *    dirties min(V, D x 13.74 s) = V in it: never converges; after 30 live
 *    rounds the VM stops and V is sent paused: downtime 13.7438953472 s
 *    (the 13.7 s of the issue).
 *    SDPS, ratio 0.5: round 0 (V/B) ends with V dirtied; D > 0.5 B, so the
 *    guest is slowed to D_eff = 0.625e9 B/s, speed 0.625e9/2e9 = 0.3125.
 *    Round k >= 1 sends what round k-1 dirtied: V, V/2, V/4, ...; round k
 *    dirties V/2^k. V/2^k <= 0.375e9 first at k = 6 (V/64 = 268435456 B;
 *    V/32 = 536870912 B is above): 7 live rounds, stop-and-copy of V/64:
 *    downtime 268435456 / 1.25e9 = 0.2147483648 s, under the 1 s goal.
 *    Slowed rounds 1..6 last V/B x (1 + 1/2 + ... + 1/32) = V/B x 63/32
 *    = 27.0582939648 s; total V/B x (1 + 63/32 + 1/64) = V/B x 191/64;
 *    bytes sent V x 191/64.
 * 2. A 4 GiB VM on a 1 GbE link shared by four vMotions (B = 1.25e8/4 =
 *    3.125e7 B/s) dirtying the default 100 MB/s: pre-copy downtime V/B =
 *    2^32 / 3.125e7 = 137.438953472 s. SDPS: speed 1.5625e7/1e8 = 0.15625;
 *    V/2^k <= 0.3 x 3.125e7 = 9.375e6 first at k = 9 (V/512 = 8388608 B):
 *    10 live rounds, downtime 8388608 / 3.125e7 = 0.268435456 s.
 * 3. A VM dirtying 100 MB/s on 10 GbE (below 0.5 B) is never slowed: SDPS
 *    and pre-copy give the same migration.
 * 4. The set reports the slow-down once, at the end of round 0 (13.74 s),
 *    between START and STOP_COPY; plain pre-copy reports none.
 */
#include "models/vsphere/vmotion.h"
#include "models/vsphere/vmotion_set.h"
#include "tests/check.h"

static vmotion_params params(double v, double d, int sdps)
{
    vmotion_params p;
    vmotion_params_default(&p);
    p.memory_bytes = v;
    p.dirty_rate_bytes_per_s = d;
    p.sdps = sdps;
    return p;
}

int main(void)
{
    const double V = 17179869184.0, B = 1.25e9;
    vmotion m;
    vmotion_params p = params(V, 2e9, 0);
    CHECK(vmotion_run_constant(&p, B, &m) == 0);
    CHECK_INT_EQ(m.round, 30);
    CHECK_NEAR(vmotion_downtime_s(&m), 13.7438953472, 1e-9);
    CHECK_NEAR(m.min_guest_speed, 1.0, 0.0);
    CHECK_NEAR(m.throttled_s, 0.0, 0.0);

    p = params(V, 2e9, 1);
    CHECK(vmotion_run_constant(&p, B, &m) == 0);
    CHECK_INT_EQ(m.round, 7);
    CHECK_NEAR(m.stop_copy_bytes, 268435456.0, 1e-3);
    CHECK_NEAR(vmotion_downtime_s(&m), 0.2147483648, 1e-12);
    CHECK_NEAR(m.min_guest_speed, 0.3125, 1e-15);
    CHECK_NEAR(m.throttled_s, V / B * 63.0 / 32.0, 1e-9);
    CHECK_NEAR(m.transfer_end_s, V / B * 191.0 / 64.0, 1e-9);
    CHECK_NEAR(m.bytes_sent, V * 191.0 / 64.0, 1e-3);

    const double V4 = 4294967296.0, B4 = 1.25e8 / 4.0;
    p = params(V4, 1e8, 0);
    CHECK(vmotion_run_constant(&p, B4, &m) == 0);
    CHECK_NEAR(vmotion_downtime_s(&m), 137.438953472, 1e-9);
    p = params(V4, 1e8, 1);
    CHECK(vmotion_run_constant(&p, B4, &m) == 0);
    CHECK_INT_EQ(m.round, 10);
    CHECK_NEAR(vmotion_downtime_s(&m), 0.268435456, 1e-12);
    CHECK_NEAR(m.min_guest_speed, 0.15625, 1e-15);

    vmotion a, b;
    p = params(V, 1e8, 1);
    CHECK(vmotion_run_constant(&p, B, &a) == 0);
    p.sdps = 0;
    CHECK(vmotion_run_constant(&p, B, &b) == 0);
    CHECK_INT_EQ(a.round, b.round);
    CHECK_NEAR(a.transfer_end_s, b.transfer_end_s, 0.0);
    CHECK_NEAR(a.min_guest_speed, 1.0, 0.0);

    p = params(V, 2e9, 1);
    p.sdps_ratio = 1.0; /* must be below 1 */
    CHECK(vmotion_start(&m, &p, B) == -1);

    for (int sdps = 0; sdps <= 1; sdps++) {
        vmotion_set s;
        const double gbps[2] = {10.0, 10.0};
        CHECK(vmotion_set_init(&s, 2, gbps) == 0);
        vmotion_event ev[8];
        uint32_t n = 0, throttles = 0, stops = 0, dones = 0;
        p = params(V, 2e9, sdps);
        CHECK_INT_EQ(vmotion_set_request(&s, 7, 0, 1, &p, 0.0, ev, &n), 0);
        CHECK(n == 1 && ev[0].kind == VMOTION_EV_START);
        while (dones == 0) {
            double t = vmotion_set_next_s(&s);
            n = vmotion_set_run_until(&s, t, ev, 8);
            for (uint32_t i = 0; i < n; i++) {
                if (ev[i].kind == VMOTION_EV_THROTTLE) {
                    throttles++;
                    CHECK(stops == 0);
                    CHECK_NEAR(ev[i].time_s, V / B, 1e-9);
                    CHECK_NEAR(vmotion_set_entry(&s, ev[i].id)->m.guest_speed, 0.3125, 1e-15);
                }
                stops += ev[i].kind == VMOTION_EV_STOP_COPY;
                dones += ev[i].kind == VMOTION_EV_DONE;
            }
        }
        CHECK_INT_EQ(throttles, sdps ? 1 : 0);
        CHECK_INT_EQ(stops, 1);
        vmotion_set_free(&s);
    }
    return CHECK_DONE();
}
