/* run.c - the run and check drivers (see run.h). */
#include "app/run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/run_summary.h"
#include "app/cli_error.h"
#include "app/output_guard.h"
#include "app/progress.h"
#include "models/model.h"
#include "models/policies/plugin_loader.h"
#include "recorder/recorder.h"
#include "scenario/scenario.h"
#include "sim/engine.h"
#include "sim/malloc_tune.h"
#include "sim/mpi_link.h"

#define ERR_LEN 2048

typedef struct run_hook {
    recorder *rec;
    progress prog;
} run_hook;

static int window_hook(void *ctx, sim_engine *eng, sim_window_phase phase, sim_time_ns window_end_ns)
{
    run_hook *h = ctx;
    if (phase == SIM_WINDOW_BEGIN)
        return output_signal_caught() || recorder_window_begin(h->rec, window_end_ns) != 0;
    /* first the window end: with --mpi every rank takes part in it */
    if (recorder_window_end(h->rec, window_end_ns) != 0 || output_signal_caught())
        return 1; /* stop at this window; run_scenario cleans up */
    progress_update(&h->prog, window_end_ns, sim_events_executed(eng));
    return 0;
}

/* The series chunks' filtering, on every engine thread during the next window. */
static void window_work(void *ctx, int thread, int threads)
{
    run_hook *h = ctx;
    recorder_window_work(h->rec, thread, threads);
}

static int resolve_threads(const scenario *scn)
{
    int64_t threads = scn_int(scn, "simulation.threads");
    if (threads == 0)
        threads = omp_get_num_procs();
    return threads < 1 ? 1 : (int)threads;
}

/* NULL with *status set: bad input (a lookahead longer than the modelled
 * latencies, message printed) or no memory. */
static sim_engine *new_engine(const scenario *scn, int distributed, int *status)
{
    char err[ERR_LEN];
    sim_time_ns lookahead_ns = 0;
    if (model_lookahead_ns(scn, &lookahead_ns, err, sizeof err) != 0) {
        cli_print_error("", err);
        *status = CLI_EXIT_BAD_INPUT;
        return NULL;
    }
    sim_config cfg = {.seed = (uint64_t)scn_int(scn, "simulation.seed"),
                      .lookahead_ns = lookahead_ns,
                      .threads = resolve_threads(scn),
                      .distributed = distributed};
    sim_engine *eng = sim_engine_new(&cfg);
    if (!eng) {
        fprintf(stderr, "vdcsim: cannot create the engine\n");
        *status = CLI_EXIT_RUNTIME;
    }
    return eng;
}

static scenario *load(const run_options *opt)
{
    char err[ERR_LEN];
    for (int i = 0; i < opt->n_plugins; i++)
        if (plugin_load(opt->plugins[i], err, sizeof err) != 0) {
            char msg[ERR_LEN + 1100];
            snprintf(msg, sizeof msg, "--plugin %.1000s: %s", opt->plugins[i], err);
            cli_print_error("vdcsim: ", msg);
            return NULL;
        }
    scenario *scn = scenario_load_file_plugins(opt->scenario_path, opt->overrides, opt->n_overrides, plugin_load_cb,
                                               NULL, err, sizeof err);
    if (!scn)
        cli_print_error("", err);
    return scn;
}

/* Writes the summary text to path through a temporary file, created new
 * (O_EXCL) and never through a symbolic link planted at its name. */
static int save_summary(const run_summary *s, const char *h5_path, const char *path)
{
    char tmp[4200];
    int n = snprintf(tmp, sizeof tmp, "%s.partial-%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp)
        return -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    run_summary_print(s, h5_path, f);
    int failed = ferror(f) != 0;
    failed |= fclose(f) != 0;
    if (failed || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

static void set_run_attributes(recorder *rec, const scenario *scn, const sim_engine *eng)
{
    rec_attr_str(rec, "scenario_path", scenario_name(scn));
    rec_attr_str(rec, "scenario_text", scenario_text(scn));
    rec_attr_i64(rec, "seed", (int64_t)sim_seed(eng));
    rec_attr_i64(rec, "threads", sim_threads(eng));
    rec_attr_i64(rec, "until_ns", scn_duration_ns(scn, "simulation.until"));
    rec_attr_i64(rec, "lookahead_ns", sim_lookahead_ns(eng));
    rec_attr_i64(rec, "sample_period_ns", scn_duration_ns(scn, "simulation.sample_period"));
}

static void set_result_attributes(recorder *rec, const sim_stats *st)
{
    rec_attr_f64(rec, "wall_time_s", st->wall_s);
    rec_attr_i64(rec, "events", (int64_t)st->events);
    rec_attr_i64(rec, "windows", (int64_t)st->windows);
    rec_attr_i64(rec, "remote_events", (int64_t)st->remote_events);
    rec_attr_i64(rec, "shared_record_bytes", (int64_t)st->share_bytes);
    rec_attr_i64(rec, "forwarded_record_bytes", (int64_t)recorder_forwarded_bytes(rec));
    rec_attr_f64(rec, "events_per_s", st->events_per_s);
    rec_attr_i64(rec, "lp_count", (int64_t)st->lp_count);
    rec_attr_i64(rec, "end_ns", st->end_ns);
}

/* Refuses a run whose recorded series would hold more than output.max_cells
 * cells (issue 13, item 8): until / sample_period samples times the
 * entities recorded per series (hosts, plus VMs with per_vm_series). It is
 * a lower bound of what the recorder keeps (each entity has several series),
 * so a refused run would certainly have been too large. */
static int check_size(const scenario *scn, const model *m)
{
    sim_time_ns until = scn_duration_ns(scn, "simulation.until");
    sim_time_ns period = scn_duration_ns(scn, "simulation.sample_period");
    double samples = ceil((double)until / (double)period);
    double entities = (double)model_host_count(m);
    if (scn_bool(scn, "output.per_vm_series"))
        entities += (double)model_vm_count(m);
    double cells = samples * (entities > 0 ? entities : 1);
    double limit = (double)scn_int(scn, "output.max_cells");
    if (cells <= limit)
        return 0;
    fprintf(stderr,
            "%s: the run would record %.3g samples (simulation.until / simulation.sample_period) x %.0f entities "
            "(hosts%s) = %.3g cells per series, above output.max_cells = %.3g: raise simulation.sample_period, "
            "shorten simulation.until, or raise output.max_cells\n",
            scenario_name(scn), samples, entities, scn_bool(scn, "output.per_vm_series") ? " and VMs: output.per_vm_series" : "",
            cells, limit);
    return -1;
}

/* Builds the model; on failure prints why and sets *status to the exit
 * status it calls for (bad input or runtime failure). */
static model *build_model(const scenario *scn, sim_engine *eng, recorder *rec, int *status)
{
    char err[ERR_LEN];
    model_status ms;
    model *m = model_build(scn, eng, rec, &ms, err, sizeof err);
    if (!m) {
        cli_print_error("", err);
        *status = ms == MODEL_BAD_INPUT ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUNTIME;
    }
    return m;
}

/* --mpi: joins the MPI job; returns the number of ranks (1 without --mpi)
 * and sets *rank, or 0 with a message when MPI is missing. */
static int join_ranks(const run_options *opt, int *rank)
{
    *rank = 0;
    if (!opt->mpi)
        return 1;
    int ranks = sim_mpi_join(rank);
    char why[600];
    if (ranks < 1 && sim_mpi_built(why, sizeof why))
        fprintf(stderr, "vdcsim: --mpi: cannot start MPI (run under mpirun)\n");
    else if (ranks < 1)
        fprintf(stderr, "vdcsim: --mpi: this vdcsim was built without MPI or cannot load it (%s); when it is "
                        "missing, install libopenmpi-dev and build again\n",
                why);
    return ranks < 1 ? 0 : ranks;
}

/* Rank 0's decision, given to every rank (--mpi); a lone process keeps its own. */
static int agree_status(int ranks, int status)
{
    int64_t v = status;
    if (ranks > 1 && sim_mpi_bcast_i64(&v, 1) != 0)
        return CLI_EXIT_RUNTIME;
    return (int)v;
}

/* Ranks other than 0 of a distributed run record into a scratch file next
 * to the output (removed at the end) and forward their records to rank 0. */
static recorder *open_recorder(const char *out_path, const sim_engine *eng, char *err, size_t err_len)
{
    if (sim_ranks(eng) == 1)
        return recorder_open(out_path, sim_threads(eng), err, err_len);
    char scratch[4200];
    int n = snprintf(scratch, sizeof scratch, "%s.rank%d", out_path, sim_rank(eng));
    recorder *rec = recorder_open(sim_rank(eng) == 0 ? out_path : scratch, sim_threads(eng), err, err_len);
    if (n < 0 || (size_t)n >= sizeof scratch) {
        recorder_abort(rec);
        snprintf(err, err_len, "%s: path too long", out_path);
        return NULL;
    }
    if (rec && recorder_distribute(rec, sim_rank(eng), sim_ranks(eng)) != 0) {
        snprintf(err, err_len, "%s", recorder_error(rec));
        recorder_abort(rec);
        return NULL;
    }
    return rec;
}

/* One run; with several ranks (--mpi) every rank builds the model and runs
 * its share of the LPs, and rank 0 alone owns the output. */
static int run_ranked(const run_options *opt, int rank, int ranks)
{
    scenario *scn = load(opt);
    if (!scn)
        return CLI_EXIT_BAD_INPUT;
    int status = CLI_EXIT_RUNTIME;
    char err[ERR_LEN];
    const char *out_path = scn_string(scn, "output.path");
    sim_engine *eng = NULL;
    recorder *rec = NULL;
    model *m = NULL;
    int lock = -1;
    /* Everything about the output is checked before anything is simulated
     * (by rank 0 alone: the output is its own). */
    if (rank == 0) {
        status = output_preflight(out_path, opt->scenario_path, opt->force);
        if (status == 0) {
            status = CLI_EXIT_RUNTIME;
            lock = output_lock(out_path);
            if (lock >= 0) {
                output_remove_stale(out_path);
                status = 0;
            }
        }
    }
    status = agree_status(ranks, status);
    if (status != 0)
        goto done;
    status = CLI_EXIT_RUNTIME;
    output_signals_install();
    sim_malloc_tune(); /* before the engine's threads start: no result changes */
    eng = new_engine(scn, ranks > 1, &status);
    if (!eng)
        goto done;
    rec = open_recorder(out_path, eng, err, sizeof err);
    if (!rec) {
        cli_print_error("vdcsim: ", err);
        goto done;
    }
    m = build_model(scn, eng, rec, &status);
    if (!m)
        goto done;
    if (check_size(scn, m) != 0) {
        status = CLI_EXIT_BAD_INPUT;
        goto done;
    }
    char feature[256];
    if (ranks > 1 && !model_distributable(m, feature, sizeof feature)) {
        /* Spread over ranks, a feature whose LPs share undeclared memory
         * would compute wrong results: refused on every rank alike. */
        if (rank == 0)
            fprintf(stderr,
                    "%s: --mpi over %d ranks: feature '%s' cannot be spread over MPI ranks yet (docs/engine.md, "
                    "\"One run over MPI ranks\"); run it with one rank and --threads\n",
                    scenario_name(scn), ranks, feature);
        status = CLI_EXIT_BAD_INPUT;
        goto done;
    }
    set_run_attributes(rec, scn, eng);

    run_hook hook = {.rec = rec};
    sim_time_ns until = scn_duration_ns(scn, "simulation.until");
    progress_start(&hook.prog, until, !opt->quiet && rank == 0 && isatty(STDERR_FILENO));
    sim_set_window_hook(eng, window_hook, &hook);
    sim_set_window_work(eng, window_work, &hook);
    int rc = sim_run(eng, until);
    progress_finish(&hook.prog);
    if (ranks > 1) { /* what rank 0's tables need from the others, when every rank ran to the end */
        int local_ok = rc == 0 && !output_signal_caught() && !recorder_error(rec)[0];
        int64_t go = local_ok;
        const char *why = NULL; /* !local_ok: this rank's own reason follows */
        if (sim_mpi_min_i64(&go, 1) != 0)
            why = "MPI failed after the run";
        else if (go && model_gather(m, err, sizeof err) != 0)
            why = err;
        else if (!go && local_ok)
            why = "another rank stopped";
        if (why) {
            cli_print_error("vdcsim: run failed: ", why);
            goto done;
        }
    }
    if (output_signal_caught()) {
        int sig = output_signal_caught();
        fprintf(stderr, "vdcsim: stopped by %s\n", output_signal_name(sig));
        status = 128 + sig;
        goto done;
    }
    if (rc != 0 || recorder_error(rec)[0]) {
        cli_print_error("vdcsim: run failed: ", rc != 0 ? sim_error(eng) : recorder_error(rec));
        goto done;
    }
    if (rank > 0) { /* rank 0 has everything: this rank's scratch file goes */
        recorder_abort(rec);
        rec = NULL;
        status = CLI_EXIT_OK;
        goto done;
    }
    sim_stats st;
    sim_get_stats(eng, &st);
    set_result_attributes(rec, &st);
    /* Memory (issue 18): the events beyond the end and the series blocks go
     * before the tables are built, so the two never add up in the peak. */
    sim_release_events(eng);
    if (recorder_end_series(rec, st.end_ns) != 0 || model_finish(m, rec) != 0) {
        cli_print_error("vdcsim: ", recorder_error(rec));
        goto done;
    }
    recorder *closing = rec;
    rec = NULL; /* recorder_close frees it whatever happens */
    if (recorder_close(closing, st.end_ns, err, sizeof err) != 0) {
        cli_print_error("vdcsim: ", err);
        fprintf(stderr, "vdcsim: removed the unfinished output; %s was not written\n", out_path);
        goto done;
    }
    /* The file is complete: the model and the engine (half the run's memory
     * at 100,000 VMs) go before the summary reads it back (issue 18). */
    model_free(m);
    m = NULL;
    /* the summary undoes the chunks' filters on as many threads as the run
     * had (analysis/h5_chunk_rows.h), no more */
    omp_set_num_threads(sim_threads(eng));
    sim_engine_free(eng);
    eng = NULL;

    run_summary summary;
    if (run_summary_read(out_path, &summary, err, sizeof err) != 0) {
        cli_print_error("vdcsim: reading back: ", err);
        goto done;
    }
    char summary_path[4096];
    snprintf(summary_path, sizeof summary_path, "%s.summary.txt", out_path);
    if (save_summary(&summary, out_path, summary_path) != 0) {
        fprintf(stderr, "vdcsim: cannot write %s: %s\n", summary_path, strerror(errno));
        goto done;
    }
    run_summary_warn_exhausted(&summary, "vdcsim: ", stderr); /* even with --quiet */
    if (!opt->quiet) {
        run_summary_print(&summary, out_path, stdout);
        printf("summary: %s\n", summary_path);
    }
    status = CLI_EXIT_OK;
    if (opt->fail_on_violation && summary.properties_violated > 0) {
        fprintf(stderr, "vdcsim: %lld of %lld properties violated (--fail-on-violation; /tables/violations)\n",
                (long long)summary.properties_violated, (long long)summary.properties);
        status = CLI_EXIT_RUNTIME;
    }
done:
    if (rec) {
        recorder_abort(rec);
        if (rank == 0) /* the output is rank 0's */
            fprintf(stderr, "vdcsim: removed the unfinished output; %s was not written\n", out_path);
    }
    output_unlock(out_path, lock);
    model_free(m);
    sim_engine_free(eng);
    scenario_free(scn);
    return status;
}

int run_scenario(const run_options *opt)
{
    int rank = 0;
    int ranks = join_ranks(opt, &rank);
    if (ranks == 0)
        return CLI_EXIT_BAD_INPUT;
    int status = run_ranked(opt, rank, ranks);
    if (opt->mpi)
        sim_mpi_leave();
    return status;
}

int check_scenario(const run_options *opt)
{
    scenario *scn = load(opt);
    if (!scn)
        return CLI_EXIT_BAD_INPUT;
    int status = CLI_EXIT_RUNTIME;
    sim_engine *eng = new_engine(scn, 0, &status);
    model *m = NULL;
    if (!eng)
        goto done;
    m = build_model(scn, eng, NULL, &status);
    if (!m)
        goto done;
    if (check_size(scn, m) != 0) {
        status = CLI_EXIT_BAD_INPUT;
        goto done;
    }
    char why[ERR_LEN];
    if (model_check(m, why, sizeof why) != 0) {
        cli_print_error("", why);
        status = CLI_EXIT_BAD_INPUT;
        goto done;
    }
    char until[64], lookahead[64], period[64];
    sim_time_ns until_ns = scn_duration_ns(scn, "simulation.until");
    sim_time_ns period_ns = scn_duration_ns(scn, "simulation.sample_period");
    printf("scenario %s is valid\n", scenario_name(scn));
    printf("time:   until %s, lookahead %s, sample every %s (%" PRId64 " samples)\n",
           sim_time_format(until_ns, until, sizeof until),
           sim_time_format(sim_lookahead_ns(eng), lookahead, sizeof lookahead),
           sim_time_format(period_ns, period, sizeof period), (until_ns + period_ns - 1) / period_ns);
    printf("run:    seed %" PRId64 ", %d threads, %" PRIu32 " LPs\n", scn_int(scn, "simulation.seed"),
           sim_threads(eng), sim_lp_count(eng));
    model_describe(m, stdout);
    printf("output: %s\n", scn_string(scn, "output.path"));
    status = CLI_EXIT_OK;
done:
    model_free(m);
    sim_engine_free(eng);
    scenario_free(scn);
    return status;
}
