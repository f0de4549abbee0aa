/* test_drs_stage.c - when hosts stage their DRS stats and which hosts'
 * stats precede a controller event (models/vsphere/drs_stage.h), by hand.
 *
 * Staging samples (t % P < S, samples at multiples of S), in minutes:
 *   S = 5, P = 5: every sample, 0, 5, 10.
 *   S = 5, P = 10: 0, 10, 20 (5 and 15 are second samples of a period).
 *   S = 5, P = 7: periods [0,7) [7,14) [14,21) [21,28) [28,35) [35,42):
 *     their first samples 0, 10, 15, 25, 30, 35 (5 % 7 = 5, 20 % 7 = 6 and
 *     40 % 7 = 5 are not < 5).
 *   S = 5, P = 3 (a period shorter than a sample): every sample.
 * Hosts before an event, a cluster of 4 hosts on LPs 100..103, stats due
 * at 60 with priority 40 (their messages' keys (60, 40, 100..103)):
 *   (59, 90, any): before the due time, 0.
 *   (60, 5, any): a notice at the due time runs before them, 0.
 *   (60, 40, LP 7, a controller's self event): 7 < 100, 0.
 *   (60, 40, LP 100, host 0's own message): host 0's stats come after it, 0.
 *   (60, 40, LP 102): hosts 0 and 1, 2.
 *   (60, 40, LP 500, a host of a later cluster): all 4.
 *   (60, 41, LP 7) and (60, 91, LP 7): a higher priority, all 4.
 *   (61, 5, LP 7): after the due time, all 4.
 * Rounds (the sample's number modulo 2^31), S = 5 min: 0 -> 0, 5 min -> 1,
 * 1 day -> 288; S = 1 s: 2^31 samples -> 0 again, 2^31 + 3 samples -> 3,
 * and the last before the wrap 2^31 - 1. A stamp keeps the round and the
 * running bit apart (round 2^31 - 1 running, 288 not; round 0 running is
 * 1). A record holds 3 doubles, the host and the stamp: 32 bytes, two per
 * cache line.
 */
#include "models/vsphere/drs_stage.h"
#include "tests/check.h"

#define SEC INT64_C(1000000000)
#define MIN (60 * SEC)

int main(void)
{
    CHECK(drs_stage_at(0, 5 * MIN, 10 * MIN));
    CHECK(!drs_stage_at(5 * MIN, 5 * MIN, 10 * MIN));
    CHECK(drs_stage_at(10 * MIN, 5 * MIN, 10 * MIN));

    CHECK_INT_EQ(drs_stage_next_ns(0, 5 * MIN, 5 * MIN), 5 * MIN);
    CHECK_INT_EQ(drs_stage_next_ns(5 * MIN, 5 * MIN, 5 * MIN), 10 * MIN);

    CHECK_INT_EQ(drs_stage_next_ns(0, 5 * MIN, 10 * MIN), 10 * MIN);
    CHECK_INT_EQ(drs_stage_next_ns(10 * MIN, 5 * MIN, 10 * MIN), 20 * MIN);

    const int64_t p7[] = {0, 10, 15, 25, 30, 35};
    for (int i = 0; i + 1 < 6; i++) {
        CHECK(drs_stage_at(p7[i] * MIN, 5 * MIN, 7 * MIN));
        CHECK_INT_EQ(drs_stage_next_ns(p7[i] * MIN, 5 * MIN, 7 * MIN), p7[i + 1] * MIN);
    }
    CHECK(!drs_stage_at(5 * MIN, 5 * MIN, 7 * MIN));
    CHECK(!drs_stage_at(20 * MIN, 5 * MIN, 7 * MIN));

    CHECK_INT_EQ(drs_stage_next_ns(0, 5 * MIN, 3 * MIN), 5 * MIN);
    CHECK_INT_EQ(drs_stage_next_ns(5 * MIN, 5 * MIN, 3 * MIN), 10 * MIN);

    CHECK_INT_EQ(drs_stage_hosts_before(59, 90, 7, 60, 40, 100, 4), 0);
    CHECK_INT_EQ(drs_stage_hosts_before(60, 5, 101, 60, 40, 100, 4), 0);
    CHECK_INT_EQ(drs_stage_hosts_before(60, 40, 7, 60, 40, 100, 4), 0);
    CHECK_INT_EQ(drs_stage_hosts_before(60, 40, 100, 60, 40, 100, 4), 0);
    CHECK_INT_EQ(drs_stage_hosts_before(60, 40, 102, 60, 40, 100, 4), 2);
    CHECK_INT_EQ(drs_stage_hosts_before(60, 40, 500, 60, 40, 100, 4), 4);
    CHECK_INT_EQ(drs_stage_hosts_before(60, 41, 7, 60, 40, 100, 4), 4);
    CHECK_INT_EQ(drs_stage_hosts_before(60, 91, 7, 60, 40, 100, 4), 4);
    CHECK_INT_EQ(drs_stage_hosts_before(61, 5, 7, 60, 40, 100, 4), 4);

    CHECK_INT_EQ(drs_stage_round(0, 5 * MIN), 0);
    CHECK_INT_EQ(drs_stage_round(5 * MIN, 5 * MIN), 1);
    CHECK_INT_EQ(drs_stage_round(24 * 60 * MIN, 5 * MIN), 288);
    /* rounds wrap at 2^30 = 1,073,741,824 samples */
    CHECK_INT_EQ(drs_stage_round(INT64_C(1073741824) * SEC, SEC), 0);
    CHECK_INT_EQ(drs_stage_round(INT64_C(1073741827) * SEC, SEC), 3);
    CHECK_INT_EQ(drs_stage_round(INT64_C(1073741823) * SEC, SEC), 1073741823);
    CHECK_INT_EQ(drs_stage_round(INT64_C(2147483651) * SEC, SEC), 3);
    CHECK_INT_EQ(drs_stage_stamp_round(drs_stage_stamp(1073741823u, 1)), 1073741823);
    CHECK_INT_EQ(drs_stage_stamp_running(drs_stage_stamp(1073741823u, 1)), 1);
    CHECK_INT_EQ(drs_stage_stamp_round(drs_stage_stamp(288, 0)), 288);
    CHECK_INT_EQ(drs_stage_stamp_running(drs_stage_stamp(288, 0)), 0);
    /* round 0: bit 1 (staged) and bit 0 (running) */
    CHECK_INT_EQ(drs_stage_stamp(0, 1), 3);
    CHECK_INT_EQ(drs_stage_stamp(0, 0), 2);
    CHECK_INT_EQ(drs_stage_stamp(5, 0), 22);
    /* a zeroed record (calloc) was never staged, at any round, 0 included */
    CHECK_INT_EQ(drs_stage_stamp_is(0, 0), 0);
    CHECK_INT_EQ(drs_stage_stamp_is(0, 288), 0);
    CHECK_INT_EQ(drs_stage_stamp_is(drs_stage_stamp(0, 0), 0), 1);
    CHECK_INT_EQ(drs_stage_stamp_is(drs_stage_stamp(0, 1), 0), 1);
    CHECK_INT_EQ(drs_stage_stamp_is(drs_stage_stamp(288, 1), 288), 1);
    CHECK_INT_EQ(drs_stage_stamp_is(drs_stage_stamp(287, 1), 288), 0);
    CHECK_INT_EQ(sizeof(drs_stats_stage), 32);
    return CHECK_DONE();
}
