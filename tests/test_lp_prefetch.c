/* test_lp_prefetch.c - the engine's per-LP prefetch hint (sim_lp_set_prefetch
 * in sim/engine.h).
 *
 * 100 LPs of one handler on 1 thread, every even one with an event at
 * t = 0: one window runs the due LPs in id order, in the due index's
 * groups (sim/due_index.h: a run of 100 slots of one handler is cut into
 * groups of ceil(100 / 8) = 13: [0, 13), [13, 26), ..., [91, 100)). By the contract, among a group's due LPs
 * d0, d1, ... the hint runs with AHEAD for d(k+2) and NEXT for d(k+1)
 * before d(k) is handled (d1's AHEAD comes before the group's first LP),
 * so the whole sequence is known by hand; idle (odd) LPs get no hint. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "sim/engine.h"

enum { LPS = 100, GROUP = 13, MAX_STEPS = 3 * LPS };
enum { STEP_AHEAD = 1, STEP_NEXT = 2, STEP_HANDLED = 3 };

typedef struct step {
    int lp;
    int what;
} step;

static step steps[MAX_STEPS];
static int n_steps;
static int ids[LPS];

static void log_step(int lp, int what)
{
    if (n_steps < MAX_STEPS)
        steps[n_steps] = (step){lp, what};
    n_steps++;
}

static void hint(const void *state, sim_prefetch_stage stage)
{
    log_step(*(const int *)state, stage == SIM_PREFETCH_AHEAD ? STEP_AHEAD : STEP_NEXT);
}

static void handler(sim_ctx *ctx, void *state, const sim_event *ev)
{
    (void)ctx;
    (void)ev;
    log_step(*(int *)state, STEP_HANDLED);
}

/* The expected steps of the group [first, end), whose due LPs are its even
 * ones. */
static int expect_group(step *out, int first, int end)
{
    int due[LPS], n = 0, k = 0;
    for (int lp = first; lp < end; lp++)
        if (lp % 2 == 0)
            due[n++] = lp;
    if (n > 1)
        out[k++] = (step){due[1], STEP_AHEAD};
    for (int j = 0; j < n; j++) {
        if (j + 2 < n)
            out[k++] = (step){due[j + 2], STEP_AHEAD};
        if (j + 1 < n)
            out[k++] = (step){due[j + 1], STEP_NEXT};
        out[k++] = (step){due[j], STEP_HANDLED};
    }
    return k;
}

static void test_order(int with_hint)
{
    sim_config cfg = {.seed = 1, .lookahead_ns = 10, .threads = 1};
    sim_engine *eng = sim_engine_new(&cfg);
    CHECK(eng != NULL);
    uint32_t kind = sim_kind_register(eng, "tick", 0);
    for (int i = 0; i < LPS; i++) {
        ids[i] = i;
        uint32_t lp = sim_lp_new(eng, "lp", handler, &ids[i]);
        if (with_hint)
            sim_lp_set_prefetch(eng, lp, hint);
        if (i % 2 == 0)
            CHECK_INT_EQ(sim_schedule(eng, lp, 0, kind, NULL, 0), 0);
    }
    n_steps = 0;
    CHECK_INT_EQ(sim_run(eng, 100), 0);
    step want[MAX_STEPS];
    int n = 0;
    if (with_hint) {
        for (int first = 0; first < LPS; first += GROUP)
            n += expect_group(want + n, first, first + GROUP < LPS ? first + GROUP : LPS);
    } else {
        for (int lp = 0; lp < LPS; lp += 2)
            want[n++] = (step){lp, STEP_HANDLED};
    }
    /* 50 handled; with hints, in each of the 8 groups one AHEAD and one
     * NEXT fewer than its due LPs (7, 6, 7, 6, 7, 6, 7 and 4): 2 x (50 - 8) */
    CHECK_INT_EQ(n, with_hint ? 50 + 2 * (50 - 8) : 50);
    CHECK_INT_EQ(n_steps, n);
    for (int k = 0; k < n && k < n_steps; k++) {
        CHECK_INT_EQ(steps[k].lp, want[k].lp);
        CHECK_INT_EQ(steps[k].what, want[k].what);
    }
    sim_engine_free(eng);
}

int main(void)
{
    test_order(1);
    test_order(0);
    return CHECK_DONE();
}
