/* mpi_model.c - a small model for tests/test_engine_mpi.sh: PHOLD traffic
 * plus recording, run in one process or over MPI ranks (--mpi).
 *
 * N LPs; each starts with 4 events. Every event sends one new event to a
 * random LP (40 %) or itself at now + lookahead + Exp(2 ms), and records an
 * /events row (subject = the sender, value = the LP's received count). Each
 * LP also samples itself every 10 ms into /series/lps/received (entity = LP)
 * and /series/lps/total (the recorder's sum over LPs); LPs 3, 8, 13, ...
 * also put twice the count into /series/lps/received_x2 in the same call
 * (rec_series_put_each), so a rank's threads log different lists of series
 * and a thread's log may start with either (recorder/rec_gather.c numbers
 * them per log). At each sample an
 * LP also rewrites its block of a shared array (sim_share: 37 x 16 records
 * of 64 bytes, exchanged in rounds of 4 KiB, so a window with a sample
 * takes several rounds per rank); rank 0 prints a checksum of the array
 * at the end, which must equal one process's. The events between ranks
 * go in rounds of 160 bytes (2 events per rank with 2 ranks, 1 with 3),
 * so a window's exchange of events takes several rounds too. With --mpi rank 0
 * writes OUT.h5; the other ranks record into scratch files they delete.
 * Every written shared record is marked (sim_share_touch) and the engine
 * runs in check mode (cfg.share_check); with --miss-mark LP 5 leaves its
 * record 3 (record 5 x 16 + 3 = 83 of the array) unmarked at its first
 * sample at t >= 1 s, which check mode must stop naming that record.
 *
 * A second shared array, `staged`, has one reader: at each sample LP i
 * writes its record staged[2 i + parity] (the sample's count, marked) and
 * LP 0 adds up every LP's record of the previous sample into
 * /series/lps/staged_sum (entity 0), so a record that did not reach LP 0's
 * rank changes the file. The records are declared read by LP 0 alone
 * (sim_share_reader: a rank running LP 0 sends none; --no-reader leaves
 * that out, to compare the bytes sent). Each record's scratch word is
 * written at every PHOLD event and read back in the same handler, never
 * marked: local bytes (sim_share_local_bytes), which check mode must
 * ignore. Rank 0 prints share_bytes, the bytes of shared records sent.
 * --bad-reader declares LP N_LPS, which does not exist, as the reader: the
 * run must stop naming the region.
 * Usage: mpi_model OUT.h5 THREADS [--mpi [--miss-mark] [--no-reader] [--bad-reader]]
 */
#include <gsl/gsl_randist.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder/recorder.h"
#include "sim/engine.h"
#include "sim/mpi_link.h"

enum { N_LPS = 37, START_EVENTS = 4, SHARED_PER_LP = 16, SHARE_ROUND_BYTES = 4096,
       EXCHANGE_ROUND_BYTES = 160 };
#define LOOKAHEAD_NS 1000000LL /* 1 ms */
#define SAMPLE_NS 10000000LL   /* 10 ms */
#define UNTIL_NS 2000000000LL  /* 2 s */

/* a record of one LP's shared block */
typedef struct {
    uint64_t word[8];
} shared_rec;
static shared_rec shared[N_LPS * SHARED_PER_LP];
static int miss_mark; /* --miss-mark: one write left unmarked (check mode's test) */

/* LP i's records of the samples of even and odd index: staged[2 i + parity] */
typedef struct {
    uint64_t count;   /* the LP's received count at that sample */
    uint64_t sample;  /* the sample's index */
    uint64_t scratch; /* local: written and read in one handler */
    uint64_t unused;
} staged_rec;
static staged_rec staged[2 * N_LPS];

typedef struct {
    recorder *rec;
    int series, twice_series, staged_series, kind;
    uint32_t phold_kind, sample_kind;
    uint64_t received, log_seq;
} lp_state;

static void handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    lp_state *s = state;
    if (ev->kind == s->sample_kind) {
        if (sim_self(ctx) % 5 == 3) { /* two series in one call: a second list of series in a rank's log */
            const int ids[2] = {s->series, s->twice_series};
            const double vals[2] = {(double)s->received, 2.0 * (double)s->received};
            rec_series_put_each(s->rec, ids, vals, 2, sim_now(ctx), (int)sim_self(ctx));
        } else {
            rec_series_put(s->rec, s->series, sim_now(ctx), (int)sim_self(ctx), (double)s->received);
        }
        shared_rec *mine = &shared[(size_t)sim_self(ctx) * SHARED_PER_LP];
        for (int i = 0; i < SHARED_PER_LP; i++) {
            for (int w = 0; w < 8; w++)
                mine[i].word[w] = (uint64_t)sim_now(ctx) * 31 + s->received * 7 + (uint64_t)(i * 8 + w);
            if (!(miss_mark && sim_self(ctx) == 5 && i == 3 && sim_now(ctx) >= 1000000000LL))
                sim_share_touch(&mine[i]);
        }
        const uint64_t k = (uint64_t)(sim_now(ctx) / SAMPLE_NS);
        staged_rec *st = &staged[2 * sim_self(ctx) + k % 2];
        st->count = s->received;
        st->sample = k;
        sim_share_touch(st);
        if (sim_self(ctx) == 0 && k > 0) { /* the reader: every LP's record of sample k - 1 */
            uint64_t sum = 0;
            for (uint32_t i = 0; i < N_LPS; i++) {
                const staged_rec *prev = &staged[2 * i + (k - 1) % 2];
                if (prev->sample != k - 1)
                    abort(); /* a record that did not arrive */
                sum += prev->count;
            }
            rec_series_put(s->rec, s->staged_series, sim_now(ctx), 0, (double)sum);
        }
        sim_send(ctx, sim_self(ctx), SAMPLE_NS, s->sample_kind, NULL, 0);
        return;
    }
    s->received++;
    /* local bytes: written and read back here, no mark */
    staged_rec *mine = &staged[2 * sim_self(ctx)];
    mine->scratch = s->received * 3 + 1;
    if (mine->scratch != s->received * 3 + 1)
        abort();
    rec_event(s->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++s->log_seq, s->kind, ev->src_lp,
              (int64_t)ev->src_seq, 0, (double)s->received);
    gsl_rng *r = sim_rng(ctx, 0);
    uint32_t dst = gsl_rng_uniform(r) < 0.4 ? (uint32_t)gsl_rng_uniform_int(r, N_LPS) : sim_self(ctx);
    sim_time_ns delay = LOOKAHEAD_NS + (sim_time_ns)gsl_ran_exponential(r, 2e6);
    sim_send(ctx, dst, delay, s->phold_kind, NULL, 0);
}

static int window_hook(void *ctx, sim_engine *eng, sim_window_phase phase, sim_time_ns end_ns)
{
    (void)eng;
    recorder *rec = ctx;
    return phase == SIM_WINDOW_BEGIN ? recorder_window_begin(rec, end_ns) != 0 : recorder_window_end(rec, end_ns) != 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mpi_model OUT.h5 THREADS [--mpi [--miss-mark]]\n");
        return 2;
    }
    int mpi = argc > 3 && strcmp(argv[3], "--mpi") == 0, rank = 0, ranks = 1;
    int no_reader = 0, bad_reader = 0;
    for (int a = 4; a < argc; a++) {
        miss_mark |= mpi && strcmp(argv[a], "--miss-mark") == 0;
        no_reader |= strcmp(argv[a], "--no-reader") == 0;
        bad_reader |= strcmp(argv[a], "--bad-reader") == 0;
    }
    if (mpi && (ranks = sim_mpi_join(&rank)) < 1) {
        fprintf(stderr, "mpi_model: cannot start MPI\n");
        return 1;
    }
    sim_config cfg = {.seed = 7, .lookahead_ns = LOOKAHEAD_NS, .threads = atoi(argv[2]), .distributed = ranks > 1,
                      .share_round_bytes = SHARE_ROUND_BYTES, .exchange_round_bytes = EXCHANGE_ROUND_BYTES,
                      .share_check = 1,
                      .team_choice = SIM_CHOOSE_TEAM}; /* every thread runs its LPs: one put log each */
    sim_engine *eng = sim_engine_new(&cfg);
    char path[4096], err[1024];
    snprintf(path, sizeof path, rank == 0 ? "%s" : "%s.rank%d", argv[1], rank);
    recorder *rec = eng ? recorder_open(path, cfg.threads, err, sizeof err) : NULL;
    if (!rec || recorder_distribute(rec, rank, ranks) != 0) {
        fprintf(stderr, "mpi_model: %s\n", rec ? recorder_error(rec) : err);
        return 1;
    }
    static lp_state lps[N_LPS];
    uint32_t phold = sim_kind_register(eng, "phold", 1), sample = sim_kind_register(eng, "sample", 0);
    int kind = rec_event_kind(rec, "received");
    int series = rec_series_new(rec, "lps", "received", "events", NULL, N_LPS, 0, SAMPLE_NS);
    int staged_series = rec_series_new(rec, "lps", "staged_sum", "events", NULL, N_LPS, 0, SAMPLE_NS);
    int twice_series = rec_series_new(rec, "lps", "received_x2", "events", NULL, N_LPS, 0, SAMPLE_NS);
    if (kind < 0 || series < 0 || staged_series < 0 || twice_series < 0 ||
        rec_series_new_total(rec, "lps_total", "received", "events", series) < 0) {
        fprintf(stderr, "mpi_model: %s\n", recorder_error(rec));
        return 1;
    }
    for (uint32_t i = 0; i < N_LPS; i++) {
        lps[i] = (lp_state){.rec = rec, .series = series, .twice_series = twice_series,
                            .staged_series = staged_series, .kind = kind,
                            .phold_kind = phold, .sample_kind = sample};
        sim_lp_new(eng, "lp", handle, &lps[i]);
        sim_schedule(eng, i, 0, sample, NULL, 0);
        gsl_rng *r = sim_engine_rng(eng, i, 0);
        for (int e = 0; e < START_EVENTS; e++)
            sim_schedule(eng, i, LOOKAHEAD_NS + (sim_time_ns)gsl_ran_exponential(r, 2e6), phold, NULL, 0);
    }
    if (sim_share(eng, "mpi_model shared", shared, sizeof *shared, N_LPS * SHARED_PER_LP) != 0 ||
        sim_share(eng, "mpi_model staged", staged, sizeof *staged, 2 * N_LPS) != 0 ||
        sim_share_local_bytes(eng, staged, offsetof(staged_rec, scratch), sizeof(uint64_t)) != 0 ||
        (!no_reader && sim_share_reader(eng, staged, 0, 2 * N_LPS, bad_reader ? N_LPS : 0) != 0)) {
        fprintf(stderr, "mpi_model: sim_share failed\n");
        return 1;
    }
    /* one range of local bytes per region: a second is refused */
    if (sim_share_local_bytes(eng, staged, 0, sizeof(uint64_t)) != -1) {
        fprintf(stderr, "mpi_model: a second range of local bytes was accepted\n");
        return 1;
    }
    sim_set_window_hook(eng, window_hook, rec);
    int rc = sim_run(eng, UNTIL_NS);
    sim_stats st;
    sim_get_stats(eng, &st);
    if (rc != 0 || recorder_error(rec)[0]) {
        fprintf(stderr, "mpi_model: rank %d: %s\n", rank, rc ? sim_error(eng) : recorder_error(rec));
        return 1;
    }
    if (rank == 0) {
        if (recorder_close(rec, st.end_ns, err, sizeof err) != 0) {
            fprintf(stderr, "mpi_model: %s\n", err);
            return 1;
        }
        uint64_t sum = 0; /* FNV-1a over the shared array's words */
        for (size_t i = 0; i < (size_t)N_LPS * SHARED_PER_LP; i++)
            for (int w = 0; w < 8; w++)
                sum = (sum ^ shared[i].word[w]) * 1099511628211ull;
        printf("ranks=%d threads=%d events=%llu rank_events=%llu windows=%llu shared=%016llx share_bytes=%llu\n",
               ranks, cfg.threads, (unsigned long long)st.events, (unsigned long long)st.rank_events,
               (unsigned long long)st.windows, (unsigned long long)sum, (unsigned long long)st.share_bytes);
    } else {
        recorder_abort(rec);
    }
    sim_engine_free(eng);
    if (mpi)
        sim_mpi_leave();
    return 0;
}
