/* test_due_index.c - the index of LPs with work before a window's end
 * (sim/due_index.h) and the engine running a sparse model through it.
 *
 * The engine test relays tokens over 1,000 LPs, most of them idle in most
 * windows, with 1 to 4 threads. Tokens never interact, so each token's path
 * is computed here by a plain loop (the oracle); the engine must deliver
 * exactly those visits, and none in a window that already ended. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sim/due_index.h"
#include "sim/engine.h"

static void test_groups(void)
{
    enum { N = 200 };
    uint32_t order[N];
    for (uint32_t i = 0; i < N; i++)
        order[i] = N - 1 - i; /* slot i holds LP 199 - i */
    sim_due_index d = {0};
    CHECK_INT_EQ(sim_due_init(&d, order, N, 2), 0);
    CHECK_INT_EQ(d.slot_of[199], 0);
    CHECK_INT_EQ(d.slot_of[0], 199);
    CHECK(d.next_at[5] == SIM_TIME_NEVER);
    for (uint32_t i = 0; i < N; i++)
        d.next_at[i] = 1000 + (sim_time_ns)i;
    d.next_at[100] = 7; /* in block 1's first group, [70, 134) */
    /* blocks [0, 70) and [70, 200): groups of 64 from each block's start */
    const uint32_t cut[3] = {0, 70, 200};
    sim_due_regroup(&d, cut, 2, NULL);
    CHECK_INT_EQ(d.n_groups, 5);
    CHECK_INT_EQ(d.group_of[0], 0);
    CHECK_INT_EQ(d.group_of[63], 0);
    CHECK_INT_EQ(d.group_of[64], 1);
    CHECK_INT_EQ(d.group_of[69], 1);
    CHECK_INT_EQ(d.group_of[70], 2);
    CHECK_INT_EQ(d.group_of[133], 2);
    CHECK_INT_EQ(d.group_of[134], 3);
    CHECK_INT_EQ(d.group_of[197], 3);
    CHECK_INT_EQ(d.group_of[198], 4);
    CHECK_INT_EQ(d.group_of[199], 4);
    CHECK_INT_EQ(d.group_min[0], 1000);
    CHECK_INT_EQ(d.group_min[1], 1064);
    CHECK_INT_EQ(d.group_min[2], 7);
    CHECK_INT_EQ(d.group_min[3], 1134);
    CHECK_INT_EQ(d.group_min[4], 1198);

    /* LP 49 sits in slot 150, group 3: an earlier event lowers both. */
    sim_due_lower(&d, 49, 500);
    CHECK_INT_EQ(d.next_at[150], 500);
    CHECK_INT_EQ(d.group_min[3], 500);
    /* a later one changes nothing */
    sim_due_lower(&d, 49, 600);
    CHECK_INT_EQ(d.next_at[150], 500);
    CHECK_INT_EQ(d.group_min[3], 500);
    /* a later time than the group's minimum lowers only the slot */
    sim_due_lower(&d, 50, 900); /* slot 149, was 1149 */
    CHECK_INT_EQ(d.next_at[149], 900);
    CHECK_INT_EQ(d.group_min[3], 500);

    /* One block [10, 20): the other slots belong to no group. */
    const uint32_t one[2] = {10, 20};
    sim_due_regroup(&d, one, 1, NULL);
    CHECK_INT_EQ(d.n_groups, 1);
    CHECK_INT_EQ(d.group_of[9], UINT32_MAX);
    CHECK_INT_EQ(d.group_of[10], 0);
    CHECK_INT_EQ(d.group_of[19], 0);
    CHECK_INT_EQ(d.group_of[20], UINT32_MAX);
    CHECK_INT_EQ(d.group_min[0], 1010);
    sim_due_lower(&d, 199, 3); /* slot 0, no group */
    CHECK_INT_EQ(d.next_at[0], 3);
    CHECK_INT_EQ(d.group_min[0], 1010);
    sim_due_free(&d);
    CHECK(d.next_at == NULL);
}

/* Groups cut by kind (sim_due_regroup with slot_kind), by hand. Block 0 =
 * slots [0, 100): kind A in 0-89 (a run of 90: ceil(90 / 8) = 12 slots per
 * group, 8 groups, the last 84-89), kind B in 90-99 (ceil(10 / 8) = 2,
 * raised to the minimum 8: 90-97, 98-99). Block 1 = [100, 1130): kind B in
 * 100-129 (a new block starts a new run: ceil(30 / 8) = 4 -> 8: 100-107,
 * 108-115, 116-123, 124-129), kind C in 130-1129 (ceil(1000 / 8) = 125,
 * capped at 64: 15 groups of 64 and one of 40). */
static void test_kind_groups(void)
{
    enum { N = 1130 };
    static uint32_t order[N], kind[N];
    for (uint32_t i = 0; i < N; i++) {
        order[i] = i;
        kind[i] = i < 90 ? 0 : i < 130 ? 1 : 2;
    }
    sim_due_index d = {0};
    CHECK_INT_EQ(sim_due_init(&d, order, N, 2), 0);
    for (uint32_t i = 0; i < N; i++)
        d.next_at[i] = 5000 + (sim_time_ns)i;
    const uint32_t cut[3] = {0, 100, N};
    sim_due_regroup(&d, cut, 2, kind);
    CHECK_INT_EQ(d.n_groups, 8 + 2 + 4 + 16);
    static const uint32_t first[] = {0, 12, 24, 36, 48, 60, 72, 84, 90, 98, 100, 108, 116, 124, 130, 194};
    for (uint32_t g = 0; g < sizeof first / sizeof first[0]; g++) {
        CHECK_INT_EQ(d.group_first[g], first[g]);
        CHECK_INT_EQ(d.group_of[first[g]], g);
        CHECK_INT_EQ(d.group_min[g], 5000 + first[g]);
    }
    CHECK_INT_EQ(d.group_of[89], 7);
    CHECK_INT_EQ(d.group_of[99], 9);
    CHECK_INT_EQ(d.group_of[129], 13);
    CHECK_INT_EQ(d.group_first[29], 130 + 15 * 64);
    CHECK_INT_EQ(d.group_of[N - 1], 29);
    CHECK_INT_EQ(d.group_first[30], N); /* one past the last group */
    /* without kinds: groups of 64 from each block's start */
    sim_due_regroup(&d, cut, 2, NULL);
    CHECK_INT_EQ(d.n_groups, 2 + 17);
    CHECK_INT_EQ(d.group_first[1], 64);
    CHECK_INT_EQ(d.group_first[2], 100);
    CHECK_INT_EQ(d.group_first[3], 164);
    CHECK_INT_EQ(d.group_first[19], N);
    sim_due_free(&d);
}

/* ---- the relay: tokens hop over LPs ---- */

enum { RELAY_LPS = 1000, TOKENS = 40, HOPS = 300 };
static const sim_time_ns LOOKAHEAD = 100;

typedef struct {
    int64_t visits;
    int64_t time_sum;
    sim_time_ns last;
} relay_lp;

typedef struct {
    int64_t token, hops_left, pausing;
} relay_msg;

static uint32_t relay_next(uint32_t lp) { return (lp * 31u + 7u) % RELAY_LPS; }
static sim_time_ns relay_delay(uint32_t lp) { return LOOKAHEAD + (sim_time_ns)(lp % 7u) * 13; }

static sim_time_ns window_start, window_end_now; /* written by the hook between windows */
static uint32_t kind_hop;

static int relay_hook(void *ctx, sim_engine *eng, sim_window_phase phase, sim_time_ns end)
{
    (void)ctx;
    (void)eng;
    if (phase == SIM_WINDOW_BEGIN)
        window_end_now = end;
    else
        window_start = end;
    return 0;
}

/* Every LP whose id is a multiple of 5 pauses 1 ns (a send to itself,
 * inside the window) before passing the token on. */
static void relay_handler(sim_ctx *ctx, void *state, const sim_event *ev)
{
    relay_lp *r = state;
    sim_time_ns now = sim_now(ctx);
    /* a late or early run spoils the LP's count (a global counter would race) */
    if (now < window_start)
        r->visits += 1000000; /* ran in a window after its own */
    if (now >= window_end_now)
        r->visits += 1000000000;
    r->visits++;
    r->time_sum += now;
    if (now > r->last)
        r->last = now;
    relay_msg m;
    memcpy(&m, ev->payload.bytes, sizeof m);
    uint32_t self = sim_self(ctx);
    if (self % 5u == 0 && !m.pausing) {
        m.pausing = 1;
        sim_send(ctx, self, 1, kind_hop, &m, sizeof m);
        return;
    }
    if (m.hops_left == 0)
        return;
    m.hops_left--;
    m.pausing = 0;
    sim_send(ctx, relay_next(self), relay_delay(self), kind_hop, &m, sizeof m);
}

static uint32_t token_start(int k) { return (uint32_t)(k * 97 + 3) % RELAY_LPS; }
static sim_time_ns token_time(int k) { return (sim_time_ns)(k % 4) * 1000 + k * 3; }

static void relay_oracle(relay_lp *want)
{
    memset(want, 0, RELAY_LPS * sizeof *want);
    for (int k = 0; k < TOKENS; k++) {
        uint32_t lp = token_start(k);
        sim_time_ns t = token_time(k);
        for (int hops_left = HOPS;; hops_left--) {
            want[lp].visits++;
            want[lp].time_sum += t;
            if (t > want[lp].last)
                want[lp].last = t;
            if (lp % 5u == 0) { /* the pause: a second visit 1 ns later */
                t += 1;
                want[lp].visits++;
                want[lp].time_sum += t;
                if (t > want[lp].last)
                    want[lp].last = t;
            }
            if (hops_left == 0)
                break;
            t += relay_delay(lp);
            lp = relay_next(lp);
        }
    }
}

static void test_relay(void)
{
    static relay_lp want[RELAY_LPS], got[RELAY_LPS];
    relay_oracle(want);
    int64_t want_events = 0;
    for (int i = 0; i < RELAY_LPS; i++)
        want_events += want[i].visits;
    for (int threads = 1; threads <= 4; threads++) {
        sim_config cfg = {.seed = 5, .lookahead_ns = LOOKAHEAD, .threads = threads};
        sim_engine *eng = sim_engine_new(&cfg);
        kind_hop = sim_kind_register(eng, "hop", 0);
        memset(got, 0, sizeof got);
        for (int i = 0; i < RELAY_LPS; i++)
            sim_lp_new(eng, "relay", relay_handler, &got[i]);
        for (int k = 0; k < TOKENS; k++) {
            relay_msg m = {.token = k, .hops_left = HOPS, .pausing = 0};
            CHECK_INT_EQ(sim_schedule(eng, token_start(k), token_time(k), kind_hop, &m, sizeof m), 0);
        }
        window_start = 0;
        window_end_now = 0;
        sim_set_window_hook(eng, relay_hook, NULL);
        CHECK_INT_EQ(sim_run(eng, SIM_TIME_NEVER - 1), 0);
        sim_stats st;
        sim_get_stats(eng, &st);
        CHECK_INT_EQ(st.events, want_events);
        int differ = 0;
        for (int i = 0; i < RELAY_LPS; i++)
            differ += got[i].visits != want[i].visits || got[i].time_sum != want[i].time_sum ||
                      got[i].last != want[i].last;
        CHECK_INT_EQ(differ, 0);
        sim_engine_free(eng);
    }
}

int main(void)
{
    test_groups();
    test_kind_groups();
    test_relay();
    return CHECK_DONE();
}
