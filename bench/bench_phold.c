/* bench_phold.c - the engine's event-rate benchmark: PHOLD as ROSS defines it
 * (ROSS models/phold), run on vdcsim's conservative windowed engine.
 *
 * N LPs each start with E events at lookahead + Exp(mean). Every event's
 * handler sends exactly one new event: with probability `remote` to a
 * uniformly random other LP, otherwise to itself, at now + lookahead +
 * Exp(mean). One PHOLD time unit is 1 s = 1e9 ns of engine time. All
 * randomness comes from the LP's stream 0 (sim_rng(ctx, 0)).
 *
 * --remote-dest any draws the remote destination as ROSS's phold.c does,
 * uniformly over all N LPs (the sender included, probability 1/N); the
 * default, other, never picks the sender. bench/ross-compare uses `any`.
 *
 * Each run prints one line of key=value fields; `checksum` folds every LP's
 * final state and must not depend on the thread count.
 *
 * `mpirun -n R bench_phold --mpi ...` spreads the LPs over R ranks (each
 * with --threads K); rank 0 prints the line, whose checksum must equal the
 * one-process run's.
 */
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "sim/engine.h"
#include "sim/mpi_link.h"
#include "sim/rng.h"

#define NS_PER_UNIT 1e9

typedef struct {
    const char *name;
    uint32_t lps;
    uint32_t events_per_lp;
    double remote;
    double end; /* PHOLD time units */
} phold_preset;

/* End times give a few seconds per run on one thread of a 2-core machine. */
static const phold_preset presets[] = {
    {"small", 8, 1, 0.25, 100000.0},
    {"medium", 1024, 16, 0.10, 3000.0},
    {"large", 65536, 16, 0.10, 12.0},
};
#define N_PRESETS (sizeof presets / sizeof presets[0])

typedef struct {
    const char *preset;
    uint32_t lps;
    uint32_t events_per_lp;
    double remote;
    double lookahead;
    double mean;
    double end;
    int threads;
    uint64_t seed;
    int mpi; /* --mpi: LPs over the ranks of mpirun */
    int remote_any; /* --remote-dest any: the remote draw may pick the sender (ROSS) */
} phold_opts;

typedef struct {
    uint64_t hash;     /* order-sensitive hash of every event received */
    uint64_t received; /* events handled */
    uint64_t sent_remote;
    uint32_t n_lps;
    uint32_t kind;
    uint32_t remote_any; /* 1: remote destination uniform over all LPs, as ROSS */
    double remote;
    double mean_ns;
    sim_time_ns lookahead_ns;
} phold_lp;

static sim_time_ns phold_delay(gsl_rng *r, const phold_lp *p)
{
    /* tw_rand_exponential(mean) + lookahead, in ns; never below lookahead. */
    double x = p->mean_ns > 0 ? gsl_ran_exponential(r, p->mean_ns) : 0.0;
    if (x > 1e17)
        x = 1e17;
    return p->lookahead_ns + (sim_time_ns)x;
}

static void phold_handler(sim_ctx *ctx, void *state, const sim_event *ev)
{
    phold_lp *p = state;
    p->received++;
    p->hash = sim_rng_mix64(p->hash ^ (uint64_t)ev->time_ns ^ ((uint64_t)ev->src_lp << 40) ^
                            (ev->src_seq << 8));
    gsl_rng *r = sim_rng(ctx, 0);
    uint32_t self = sim_self(ctx);
    uint32_t dst = self;
    if (p->remote_any) {
        /* ROSS phold.c: tw_rand_integer(0, ttl_lps - 1), the sender included. */
        if (gsl_rng_uniform(r) < p->remote) {
            dst = (uint32_t)gsl_rng_uniform_int(r, p->n_lps);
            p->sent_remote++;
        }
    } else if (p->n_lps > 1 && gsl_rng_uniform(r) < p->remote) {
        dst = (uint32_t)gsl_rng_uniform_int(r, p->n_lps - 1);
        if (dst >= self)
            dst++;
        p->sent_remote++;
    }
    sim_send(ctx, dst, phold_delay(r, p), p->kind, NULL, 0);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_phold [--preset small|medium|large] [--lps N] [--events-per-lp E]\n"
            "                   [--remote P] [--lookahead L] [--mean M] [--end T]\n"
            "                   [--threads K] [--seed S] [--mpi] [--remote-dest other|any]\n"
            "PHOLD (as in ROSS models/phold) on the vdcsim engine. Times are in PHOLD\n"
            "units; one unit is 1 s of engine time. Explicit flags override the preset.\n"
            "--remote-dest any: a remote event goes to a uniform LP of all N, the sender\n"
            "included, as in ROSS (default other: never the sender).\n"
            "Presets (lookahead 0.1, mean 1):\n");
    for (size_t i = 0; i < N_PRESETS; i++)
        fprintf(f, "  %-6s  %6u LPs x %2u events, %2.0f%% remote, end %g\n", presets[i].name,
                presets[i].lps, presets[i].events_per_lp, presets[i].remote * 100.0,
                presets[i].end);
}

static int bad(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "bench_phold: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n(run with --help for usage)\n");
    return 2;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Returns 0, 1 for --help, or 2 for a bad command line (message printed). */
static int parse_args(int argc, char **argv, phold_opts *o)
{
    *o = (phold_opts){.preset = "custom", .lps = 1024, .events_per_lp = 16, .remote = 0.10,
                      .lookahead = 0.1, .mean = 1.0, .end = 100.0, .threads = 1, .seed = 1};
    /* The preset first, so explicit flags override it wherever they appear. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
        if (strcmp(argv[i], "--preset") != 0)
            continue;
        if (i + 1 >= argc)
            return bad("%s needs a value%s", argv[i], "");
        const phold_preset *p = NULL;
        for (size_t k = 0; k < N_PRESETS; k++)
            if (strcmp(argv[i + 1], presets[k].name) == 0)
                p = &presets[k];
        if (!p)
            return bad("unknown preset '%s'%s (small, medium or large)", argv[i + 1], "");
        o->preset = p->name;
        o->lps = p->lps;
        o->events_per_lp = p->events_per_lp;
        o->remote = p->remote;
        o->lookahead = 0.1;
        o->mean = 1.0;
        o->end = p->end;
    }
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (strcmp(flag, "--mpi") == 0) {
            o->mpi = 1;
            continue;
        }
        if (strncmp(flag, "--", 2) != 0)
            return bad("unexpected argument '%s'%s", flag, "");
        static const char *known[] = {"--preset", "--lps",     "--events-per-lp", "--remote",
                                      "--lookahead", "--mean", "--end",           "--threads",
                                      "--seed",   "--remote-dest"};
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            ok |= strcmp(flag, known[k]) == 0;
        if (!ok)
            return bad("unknown flag '%s'%s", flag, "");
        if (i + 1 >= argc)
            return bad("%s needs a value%s", flag, "");
        const char *val = argv[++i];
        uint64_t u;
        double d;
        if (strcmp(flag, "--preset") == 0) {
            /* applied above */
        } else if (strcmp(flag, "--lps") == 0) {
            if (parse_u64(val, 1u << 26, &u) || u < 1)
                return bad("--lps wants an integer in 1..67108864, not '%s'%s", val, "");
            o->lps = (uint32_t)u;
        } else if (strcmp(flag, "--events-per-lp") == 0) {
            if (parse_u64(val, 1u << 20, &u) || u < 1)
                return bad("--events-per-lp wants an integer in 1..1048576, not '%s'%s", val, "");
            o->events_per_lp = (uint32_t)u;
        } else if (strcmp(flag, "--remote") == 0) {
            if (parse_double(val, &d) || d < 0 || d > 1)
                return bad("--remote wants a probability in [0, 1], not '%s'%s", val, "");
            o->remote = d;
        } else if (strcmp(flag, "--lookahead") == 0) {
            if (parse_double(val, &d) || d < 1e-9 || d > 1e6)
                return bad("--lookahead wants a time in [1e-9, 1e6] units, not '%s'%s", val, "");
            o->lookahead = d;
        } else if (strcmp(flag, "--mean") == 0) {
            if (parse_double(val, &d) || d < 0 || d > 1e6)
                return bad("--mean wants a time in [0, 1e6] units, not '%s'%s", val, "");
            o->mean = d;
        } else if (strcmp(flag, "--end") == 0) {
            if (parse_double(val, &d) || d <= 0 || d > 9e9)
                return bad("--end wants a time in (0, 9e9] units, not '%s'%s", val, "");
            o->end = d;
        } else if (strcmp(flag, "--threads") == 0) {
            if (parse_u64(val, 1024, &u) || u < 1)
                return bad("--threads wants an integer in 1..1024, not '%s'%s", val, "");
            o->threads = (int)u;
        } else if (strcmp(flag, "--remote-dest") == 0) {
            if (strcmp(val, "any") == 0)
                o->remote_any = 1;
            else if (strcmp(val, "other") == 0)
                o->remote_any = 0;
            else
                return bad("--remote-dest wants 'other' or 'any', not '%s'%s", val, "");
        } else if (strcmp(flag, "--seed") == 0) {
            if (parse_u64(val, UINT64_MAX, &u))
                return bad("--seed wants a non-negative integer, not '%s'%s", val, "");
            o->seed = u;
        }
    }
    if ((double)o->lps * o->events_per_lp > 4e8)
        return bad("--lps x --events-per-lp is too large%s%s", "", "");
    return 0;
}

/* CPU time of the whole process (every thread), user + system: robust
 * where wall time is not, on a machine shared with other work. */
static double process_cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e-6;
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

int main(int argc, char **argv)
{
    phold_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc == 1) {
        usage(stdout);
        return 0;
    }
    if (rc)
        return rc;

    const sim_time_ns lookahead_ns = (sim_time_ns)llround(o.lookahead * NS_PER_UNIT);
    const sim_time_ns end_ns = (sim_time_ns)llround(o.end * NS_PER_UNIT);
    int rank = 0, ranks = 1;
    if (o.mpi && (ranks = sim_mpi_join(&rank)) < 1) {
        char why[600];
        fprintf(stderr, "bench_phold: --mpi: %s\n", sim_mpi_built(why, sizeof why) ? "cannot start MPI" : why);
        return 1;
    }
    sim_config cfg = {.seed = o.seed, .lookahead_ns = lookahead_ns, .threads = o.threads, .distributed = ranks > 1};
    sim_engine *eng = sim_engine_new(&cfg);
    phold_lp *lps = calloc(o.lps, sizeof *lps);
    if (!eng || !lps) {
        fprintf(stderr, "bench_phold: out of memory building the model\n");
        return 1;
    }
    uint32_t kind = sim_kind_register(eng, "phold", 0);
    for (uint32_t i = 0; i < o.lps; i++) {
        lps[i] = (phold_lp){.hash = i, .n_lps = o.lps, .kind = kind,
                            .remote_any = (uint32_t)o.remote_any, .remote = o.remote,
                            .mean_ns = o.mean * NS_PER_UNIT, .lookahead_ns = lookahead_ns};
        if (sim_lp_new(eng, "phold", phold_handler, &lps[i]) != i) {
            fprintf(stderr, "bench_phold: cannot create LP %u: %s\n", i, sim_error(eng));
            return 1;
        }
        gsl_rng *r = sim_engine_rng(eng, i, 0); /* the same stream the handler uses */
        for (uint32_t e = 0; e < o.events_per_lp; e++)
            if (sim_schedule(eng, i, phold_delay(r, &lps[i]), kind, NULL, 0) != 0) {
                fprintf(stderr, "bench_phold: cannot schedule the initial events\n");
                return 1;
            }
    }

    const double cpu_start_s = process_cpu_s();
    if (sim_run(eng, end_ns) != 0) {
        fprintf(stderr, "bench_phold: run failed: %s\n", sim_error(eng));
        return 1;
    }
    const double cpu_s = process_cpu_s() - cpu_start_s;
    sim_stats st;
    sim_get_stats(eng, &st);

    if (ranks > 1) {
        /* Each LP's final state is current on its own rank only: a sum over
         * ranks of (state on the owner, zero elsewhere) gives every rank all. */
        uint64_t *all = calloc((size_t)o.lps * 3, sizeof *all);
        if (!all) {
            fprintf(stderr, "bench_phold: out of memory\n");
            return 1;
        }
        for (uint32_t i = 0; i < o.lps; i++)
            if (sim_lp_is_local(eng, i)) {
                all[3 * (size_t)i] = lps[i].hash;
                all[3 * (size_t)i + 1] = lps[i].received;
                all[3 * (size_t)i + 2] = lps[i].sent_remote;
            }
        if ((size_t)o.lps * 3 > (size_t)INT32_MAX || sim_mpi_sum_u64(all, (int)o.lps * 3) != 0) {
            fprintf(stderr, "bench_phold: MPI: cannot gather the LPs' states\n");
            return 1;
        }
        for (uint32_t i = 0; i < o.lps; i++) {
            lps[i].hash = all[3 * (size_t)i];
            lps[i].received = all[3 * (size_t)i + 1];
            lps[i].sent_remote = all[3 * (size_t)i + 2];
        }
        free(all);
    }
    uint64_t checksum = 0, received = 0;
    for (uint32_t i = 0; i < o.lps; i++) {
        checksum = sim_rng_mix64(checksum ^ lps[i].hash ^ (lps[i].received << 20) ^
                                 (lps[i].sent_remote << 44));
        received += lps[i].received;
    }
    if (received != st.events) {
        fprintf(stderr, "bench_phold: LPs saw %llu events, the engine reports %llu\n",
                (unsigned long long)received, (unsigned long long)st.events);
        return 1;
    }

    if (rank == 0) {
        printf("phold preset=%s lps=%u events_per_lp=%u remote=%g remote_dest=%s lookahead=%g "
               "mean=%g end=%g seed=%llu ranks=%d threads=%d rank_events=%llu events=%llu remote_events=%llu windows=%llu solo_windows=%llu rebalances=%llu barrier_waits=%llu barrier_sleeps=%llu wall_s=%.3f "
               "cpu_s=%.3f events_per_s=%.0f peak_rss_mib=%.1f events_per_window=%.1f checksum=%016llx\n",
               o.preset, o.lps, o.events_per_lp, o.remote, o.remote_any ? "any" : "other",
               o.lookahead, o.mean, o.end,
               (unsigned long long)o.seed, ranks, o.threads, (unsigned long long)st.rank_events,
               (unsigned long long)st.events,
               (unsigned long long)st.remote_events, (unsigned long long)st.windows,
               (unsigned long long)st.solo_windows, (unsigned long long)st.rebalances,
               (unsigned long long)st.barrier_waits, (unsigned long long)st.barrier_sleeps, st.wall_s,
               cpu_s, st.events_per_s, peak_rss_mib(),
               st.windows ? (double)st.events / (double)st.windows : 0.0,
               (unsigned long long)checksum);
    }
    sim_engine_free(eng);
    free(lps);
    if (o.mpi)
        sim_mpi_leave();
    return 0;
}
