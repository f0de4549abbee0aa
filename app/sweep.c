/* sweep.c - the `vdcsim sweep` driver (see sweep.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "app/sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/h5_read.h"
#include "analysis/metric_run.h"
#include "analysis/metrics.h"
#include "analysis/out_dir.h"
#include "analysis/sweep_figures.h"
#include "analysis/sweep_table.h"
#include "app/cli_error.h"
#include "app/sweep_mpi.h"
#include "scenario/experiment.h"

#define PATH_LEN 4096
#define MESSAGE_LEN 512
#define MAX_JOBS 1024
#define MAX_SETS 256

static const char sweep_usage[] =
    "usage: vdcsim sweep EXPERIMENT.cfg [--jobs N] [-o DIR] [--set KEY=VALUE]... [--replications R]\n"
    "                    [--dry-run] [--quiet]\n"
    "Runs every cell x replication of the experiment (docs/experiments.md), N runs\n"
    "at a time (default 1), and writes DIR/runs.csv, DIR/cells.csv (mean, sd and\n"
    "Student-t interval per cell and metric) and DIR/sweep.h5. Started again, it\n"
    "skips the runs already done. DIR defaults to the experiment's `output`.\n"
    "--set adds an override to every run (after the file's `set`); --replications\n"
    "replaces the file's count (for a quick look at a long study). --dry-run checks\n"
    "the experiment and prints every run's command without running anything.\n"
    "Under `mpirun -n N vdcsim sweep ...` rank 0 hands the runs to the N-1 other\n"
    "ranks, one at a time each, and writes the tables (docs/experiments.md).\n"
    "exit status: 0 all runs succeeded, 1 some failed, 2 bad input\n";

typedef struct sweep {
    experiment *e;
    const char *out_dir;
    int jobs, quiet, dry_run;
    const char *sets[MAX_SETS];
    int n_sets;
    long replications; /* from --replications, 0: the file's */
    int64_t runs;
    char self[PATH_LEN];
    /* per run */
    uint64_t *seed;
    int *status;
    double *wall_s;
    char **message;
    double *values;
    /* progress of this start */
    int64_t n_todo, done, failed;
    double start_s;
    /* per cell */
    char **cell_values;
    const char **units;
} sweep;

/* Set by SIGINT/SIGTERM: start no more runs, stop the running ones. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

static struct sigaction saved_int, saved_term;

static void catch_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt; /* no SA_RESTART: waitpid returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &saved_int);
    sigaction(SIGTERM, &sa, &saved_term);
}

static void restore_interrupts(void)
{
    sigaction(SIGINT, &saved_int, NULL);
    sigaction(SIGTERM, &saved_term, NULL);
}

/* Stops the running children and waits for them; their partial files are
 * removed by the next start (remove_partials), and their .h5 was never
 * renamed into place, so a half-written run is never counted. */
static void stop_children(const pid_t *pids, int n)
{
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGTERM);
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
                ;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void run_path(const sweep *s, int64_t run, const char *ext, char *buf, size_t len)
{
    int64_t reps = s->e->replications;
    snprintf(buf, len, "%s/runs/run-%lld-%lld.%s", s->out_dir, (long long)(run / reps), (long long)(run % reps),
             ext);
}

static int make_dir(const char *path)
{
    char err[1700];
    if (out_dir_make(path, err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "vdcsim: %s\n", err);
    return -1;
}

/* ---- the plan: refuses to mix two designs in one directory --------------- */

static char *plan_text(const sweep *s)
{
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    if (!text)
        return NULL;
    char *real = realpath(s->e->scenario_path, NULL); /* the same file however it is reached */
    len += (size_t)snprintf(text, cap, "scenario %.3000s\n", real ? real : s->e->scenario_path);
    free(real);
    for (int64_t run = 0; run < s->runs; run++) {
        int n;
        char **ovs = experiment_run_overrides(s->e, run / s->e->replications, run % s->e->replications, &n);
        if (!ovs) {
            free(text);
            return NULL;
        }
        for (int i = 0; i <= n; i++) {
            const char *piece = i < n ? ovs[i] : "\n";
            size_t need = strlen(piece) + 2;
            if (len + need >= cap) {
                char *bigger = realloc(text, 2 * cap + need);
                if (!bigger) {
                    free(text);
                    experiment_free_overrides(ovs, n);
                    return NULL;
                }
                text = bigger;
                cap = 2 * cap + need;
            }
            len += (size_t)snprintf(text + len, cap - len, "%s%s", i > 0 && i < n ? " " : "", piece);
        }
        experiment_free_overrides(ovs, n);
    }
    return text;
}

/* 0 when DIR/plan.txt is absent (written now) or equal; 2 when it differs. */
static int check_plan(const sweep *s)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/plan.txt", s->out_dir);
    char *plan = plan_text(s);
    if (!plan)
        return CLI_EXIT_RUNTIME;
    FILE *f = fopen(path, "rb");
    int rc = CLI_EXIT_OK;
    if (f) {
        size_t len = strlen(plan);
        char *old = malloc(len + 2);
        size_t got = old ? fread(old, 1, len + 1, f) : 0;
        if (!old || got != len || memcmp(old, plan, len) != 0) {
            fprintf(stderr, "vdcsim: %s: %s holds the runs of another design; remove it or choose another output\n",
                    s->e->path, s->out_dir);
            rc = CLI_EXIT_BAD_INPUT;
        }
        free(old);
        fclose(f);
    } else {
        f = fopen(path, "w");
        if (!f || fputs(plan, f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "vdcsim: cannot write %s\n", path);
            rc = CLI_EXIT_RUNTIME;
        }
    }
    free(plan);
    return rc;
}

/* --dry-run: the design and every run as the command that would run it. */
static int print_plan(const sweep *s)
{
    printf("experiment %s: %lld cells x %lld replications = %lld runs, results in %s\n", s->e->path,
           (long long)s->e->n_cells, (long long)s->e->replications, (long long)s->runs, s->out_dir);
    for (int64_t run = 0; run < s->runs; run++) {
        int n;
        char **ovs = experiment_run_overrides(s->e, run / s->e->replications, run % s->e->replications, &n);
        if (!ovs)
            return CLI_EXIT_RUNTIME;
        char h5[PATH_LEN];
        run_path(s, run, "h5", h5, sizeof h5);
        printf("vdcsim run %s --quiet -o %s --threads 1", s->e->scenario_path, h5);
        for (int i = 0; i < n; i++)
            printf(" --set '%s'", ovs[i]);
        putchar('\n');
        experiment_free_overrides(ovs, n);
    }
    return CLI_EXIT_OK;
}

/* Removes partial files an interrupted run left in DIR/runs. */
static void remove_partials(const sweep *s)
{
    char dir[PATH_LEN], path[PATH_LEN + 300];
    snprintf(dir, sizeof dir, "%s/runs", s->out_dir);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL)
        if (strncmp(ent->d_name, "run-", 4) == 0 && strstr(ent->d_name, ".partial-")) {
            snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
            remove(path);
        }
    closedir(d);
}

/* ---- running ------------------------------------------------------------- */

/* Starts `vdcsim run` for run `run` writing h5 and log; returns its pid. */
static pid_t start_run_to(const sweep *s, int64_t run, const char *h5, const char *log)
{
    int n;
    char **ovs = experiment_run_overrides(s->e, run / s->e->replications, run % s->e->replications, &n);
    const char **argv = ovs ? calloc((size_t)(2 * n + 10), sizeof *argv) : NULL;
    if (!argv) {
        experiment_free_overrides(ovs, n);
        return -1;
    }
    int k = 0;
    argv[k++] = s->self;
    argv[k++] = "run";
    argv[k++] = s->e->scenario_path;
    argv[k++] = "--quiet";
    argv[k++] = "-o";
    argv[k++] = h5;
    argv[k++] = "--threads";
    argv[k++] = "1";
    for (int i = 0; i < n; i++) {
        argv[k++] = "--set";
        argv[k++] = ovs[i];
    }
    argv[k] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int null_fd = open("/dev/null", O_WRONLY);
        int log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (null_fd >= 0)
            dup2(null_fd, STDOUT_FILENO);
        if (log_fd >= 0)
            dup2(log_fd, STDERR_FILENO);
        execv(s->self, (char *const *)argv);
        fprintf(stderr, "vdcsim sweep: cannot execute %s: %s\n", s->self, strerror(errno));
        _exit(127);
    }
    free(argv);
    experiment_free_overrides(ovs, n);
    return pid;
}

static pid_t start_run(const sweep *s, int64_t run)
{
    char h5[PATH_LEN], log[PATH_LEN];
    run_path(s, run, "h5", h5, sizeof h5);
    run_path(s, run, "log", log, sizeof log);
    return start_run_to(s, run, h5, log);
}

static int exit_status(int wstatus)
{
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

/* The last non-empty line of the run's log. */
static void last_log_line(const sweep *s, int64_t run, char *buf, size_t len)
{
    char log[PATH_LEN], line[MESSAGE_LEN];
    run_path(s, run, "log", log, sizeof log);
    snprintf(buf, len, "no message");
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    /* the cause, not the clean-up notice `vdcsim run` prints after it */
    static const char cleanup[] = "vdcsim: removed the unfinished output";
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && strncmp(line, cleanup, sizeof cleanup - 1) != 0)
            snprintf(buf, len, "%.500s", line);
    }
    fclose(f);
}

static void report_progress(const sweep *s, int64_t done, int64_t todo, int64_t failed, double start)
{
    if (s->quiet)
        return;
    double elapsed = now_s() - start;
    double eta = done > 0 ? elapsed / (double)done * (double)(todo - done) : NAN;
    fprintf(stderr, "sweep: %lld/%lld runs done, %lld failed, %.1f s elapsed", (long long)done, (long long)todo,
            (long long)failed, elapsed);
    if (isfinite(eta))
        fprintf(stderr, ", ETA %.0f s", eta);
    fputc('\n', stderr);
}

/* Books a finished run: status, wall time, the failure's message, progress. */
static void record_result(sweep *s, int64_t run, int status, double wall_s)
{
    s->done++;
    s->status[run] = status;
    s->wall_s[run] = wall_s;
    if (status != 0) {
        s->failed++;
        last_log_line(s, run, s->message[run], MESSAGE_LEN);
        if (!s->quiet)
            fprintf(stderr, "sweep: run %lld failed (exit %d): %s\n", (long long)run, status, s->message[run]);
    }
    report_progress(s, s->done, s->n_todo, s->failed, s->start_s);
}

/* The runs whose .h5 is missing, in run order; NULL when out of memory. */
static int64_t *runs_to_do(const sweep *s, int64_t *n_todo)
{
    int64_t *todo = malloc(((size_t)s->runs + 1) * sizeof *todo);
    *n_todo = 0;
    if (!todo)
        return NULL;
    for (int64_t run = 0; run < s->runs; run++) {
        char h5[PATH_LEN];
        run_path(s, run, "h5", h5, sizeof h5);
        if (access(h5, F_OK) != 0)
            todo[(*n_todo)++] = run;
    }
    return todo;
}

/* ---- the MPI mode's callbacks (app/sweep_mpi.h) --------------------------- */

static int mpi_execute(void *ctx, int64_t run, const char *h5, const char *log)
{
    pid_t pid = start_run_to(ctx, run, h5, log);
    if (pid < 0)
        return -1;
    int wstatus;
    while (waitpid(pid, &wstatus, 0) < 0)
        if (errno != EINTR)
            return -1;
    return exit_status(wstatus);
}

static void mpi_path(void *ctx, int64_t run, const char *ext, char *buf, size_t len)
{
    run_path(ctx, run, ext, buf, len);
}

static void mpi_result(void *ctx, int64_t run, int status, double wall_s)
{
    record_result(ctx, run, status, wall_s);
}

/* Rank 0 of an MPI sweep: hands the missing runs to the other ranks. */
static int lead_all(sweep *s, int ranks)
{
    int64_t *todo = runs_to_do(s, &s->n_todo);
    if (!todo)
        return -1;
    if (!s->quiet)
        fprintf(stderr, "sweep: %lld runs (%lld cells x %lld replications), %lld to do, over %d MPI workers\n",
                (long long)s->runs, (long long)s->e->n_cells, (long long)s->e->replications, (long long)s->n_todo,
                ranks - 1);
    s->start_s = now_s();
    int rc = sweep_mpi_lead(todo, s->n_todo, &interrupted, s, mpi_path, mpi_result);
    if (interrupted)
        fprintf(stderr, "sweep: interrupted after %lld of %lld runs; the same command continues it\n",
                (long long)(s->runs - s->n_todo + s->done - s->failed), (long long)s->runs);
    free(todo);
    return rc;
}

/* Runs every run whose .h5 is missing, `jobs` at a time. */
static int run_all(sweep *s)
{
    int64_t n_todo;
    int64_t *todo = runs_to_do(s, &n_todo);
    pid_t *pids = calloc((size_t)s->jobs, sizeof *pids);
    int64_t *slot_run = calloc((size_t)s->jobs, sizeof *slot_run);
    double *slot_start = calloc((size_t)s->jobs, sizeof *slot_start);
    if (!todo || !pids || !slot_run || !slot_start) {
        free(todo), free(pids), free(slot_run), free(slot_start);
        return -1;
    }
    s->n_todo = n_todo;
    if (!s->quiet)
        fprintf(stderr, "sweep: %lld runs (%lld cells x %lld replications), %lld to do, %d at a time\n",
                (long long)s->runs, (long long)s->e->n_cells, (long long)s->e->replications, (long long)n_todo,
                s->jobs);
    s->start_s = now_s();
    int64_t next = 0;
    int running = 0, rc = 0;
    while (s->done < n_todo && !interrupted) {
        while (running < s->jobs && next < n_todo && rc == 0 && !interrupted) {
            int slot = 0;
            while (pids[slot] != 0)
                slot++;
            pids[slot] = start_run(s, todo[next]);
            if (pids[slot] < 0) {
                pids[slot] = 0;
                rc = -1;
                break;
            }
            slot_run[slot] = todo[next++];
            slot_start[slot] = now_s();
            running++;
        }
        if (running == 0)
            break;
        int wstatus;
        pid_t pid = waitpid(-1, &wstatus, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue; /* the loop checks `interrupted` */
            rc = -1;
            break;
        }
        int slot = 0;
        while (slot < s->jobs && pids[slot] != pid)
            slot++;
        if (slot == s->jobs)
            continue; /* not one of ours */
        pids[slot] = 0;
        running--;
        record_result(s, slot_run[slot], exit_status(wstatus), now_s() - slot_start[slot]);
    }
    if (interrupted) {
        stop_children(pids, s->jobs);
        fprintf(stderr, "sweep: interrupted after %lld of %lld runs; the same command continues it\n",
                (long long)(s->runs - n_todo + s->done - s->failed), (long long)s->runs);
    }
    free(todo), free(pids), free(slot_run), free(slot_start);
    return rc;
}

/* ---- metrics ------------------------------------------------------------- */

/* Reads the metrics of every run that succeeded (now or before). */
static void collect(sweep *s)
{
    int nm = s->e->n_metrics;
    for (int64_t run = 0; run < s->runs; run++) {
        double *v = s->values + run * nm;
        for (int m = 0; m < nm; m++)
            v[m] = NAN;
        char h5[PATH_LEN], err[2048];
        run_path(s, run, "h5", h5, sizeof h5);
        if (s->status[run] != 0)
            continue;
        if (access(h5, F_OK) != 0) {
            s->status[run] = -1;
            snprintf(s->message[run], MESSAGE_LEN, "no result file");
            continue;
        }
        metric_run *r = metric_run_open(h5, err, sizeof err);
        if (!r) {
            s->status[run] = -1;
            snprintf(s->message[run], MESSAGE_LEN, "%.500s", err);
            continue;
        }
        if (isnan(s->wall_s[run])) { /* done by an earlier start: its own wall time */
            double w;
            if (h5r_attr_f64(metric_run_file(r), "wall_time_s", &w) == 1)
                s->wall_s[run] = w;
        }
        for (int m = 0; m < nm; m++)
            if (metric_value(r, s->e->metrics[m], &v[m]) < 0) {
                s->status[run] = -1;
                snprintf(s->message[run], MESSAGE_LEN, "%.500s", metric_run_error(r));
                break;
            }
        metric_run_close(r);
    }
}

static int write_tables(const sweep *s)
{
    const experiment *e = s->e;
    const char **keys = calloc((size_t)e->n_factors + 1, sizeof *keys);
    if (!keys)
        return -1;
    for (int f = 0; f < e->n_factors; f++)
        keys[f] = e->factors[f].key;
    sweep_table t = {.n_factors = e->n_factors, .n_metrics = e->n_metrics, .factor_keys = keys,
                     .metric_names = (const char *const *)e->metrics, .metric_units = s->units,
                     .n_cells = e->n_cells, .replications = e->replications,
                     .cell_values = (const char *const *)s->cell_values, .level = e->confidence, .seed = s->seed,
                     .status = s->status, .wall_s = s->wall_s, .message = (const char *const *)s->message,
                     .values = s->values};
    char runs[PATH_LEN], cells[PATH_LEN], h5[PATH_LEN], err[PATH_LEN + 100];
    snprintf(runs, sizeof runs, "%s/runs.csv", s->out_dir);
    snprintf(cells, sizeof cells, "%s/cells.csv", s->out_dir);
    snprintf(h5, sizeof h5, "%s/sweep.h5", s->out_dir);
    int first_values = e->n_factors > 0 ? e->factors[0].n_values : 0;
    int rc = sweep_write_runs_csv(&t, runs, err, sizeof err) == 0 &&
                     sweep_write_cells_csv(&t, cells, err, sizeof err) == 0 &&
                     sweep_write_h5(&t, first_values, e->zip, h5, err, sizeof err) == 0
                 ? 0
                 : -1;
    if (rc == 0 && !e->zip && e->n_factors > 0 && e->factors[0].n_values > 1) {
        char paired[PATH_LEN];
        snprintf(paired, sizeof paired, "%s/paired.csv", s->out_dir);
        rc = sweep_write_paired_csv(&t, e->factors[0].n_values, paired, err, sizeof err);
    }
    char figures[PATH_LEN];
    snprintf(figures, sizeof figures, "%s/figures", s->out_dir);
    if (rc == 0 && (make_dir(figures) != 0 ||
                    sweep_write_figures(&t, first_values, e->zip, figures, err, sizeof err) != 0))
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "vdcsim: %s\n", err);
    else if (!s->quiet)
        printf("sweep: wrote %s, %s, %s and %s/index.html%s\n", runs, cells, h5, figures,
               sweep_figures_can_draw() ? "" : " (figure data only: index.html says why)");
    free(keys);
    return rc;
}

/* ---- setup --------------------------------------------------------------- */

/* Every metric name must be in the catalogue: FILE:LINE: key 'metrics.[i]'. */
static int check_metrics(sweep *s)
{
    for (int m = 0; m < s->e->n_metrics; m++) {
        char entity[256], where[PATH_LEN + 32];
        const metric_def *d = metric_find(s->e->metrics[m], entity, sizeof entity);
        if (!d) {
            experiment_metric_where(s->e, m, where, sizeof where);
            fprintf(stderr, "%s: key 'metrics.[%d]': unknown metric '%s' (see docs/metrics.md or 'vdcsim metrics --reference')\n",
                    where, m, s->e->metrics[m]);
            return -1;
        }
        s->units[m] = d->unit;
        for (int k = 0; k < m; k++)
            if (strcmp(s->e->metrics[k], s->e->metrics[m]) == 0) {
                experiment_metric_where(s->e, m, where, sizeof where);
                fprintf(stderr, "%s: key 'metrics.[%d]': '%s' is listed twice\n", where, m, s->e->metrics[m]);
                return -1;
            }
    }
    return 0;
}

static int allocate(sweep *s)
{
    const experiment *e = s->e;
    size_t runs = (size_t)s->runs, nm = (size_t)e->n_metrics;
    if (nm > 0 && runs > (size_t)-1 / nm / sizeof(double))
        return -1;
    s->seed = calloc(runs + 1, sizeof *s->seed);
    s->status = calloc(runs + 1, sizeof *s->status);
    s->wall_s = calloc(runs + 1, sizeof *s->wall_s);
    s->message = calloc(runs + 1, sizeof *s->message);
    s->values = calloc(runs * nm + 1, sizeof *s->values);
    s->cell_values = calloc((size_t)e->n_cells * (size_t)e->n_factors + 1, sizeof *s->cell_values);
    s->units = calloc(nm + 1, sizeof *s->units);
    int *index = calloc((size_t)e->n_factors + 1, sizeof *index);
    if (!s->seed || !s->status || !s->wall_s || !s->message || !s->values || !s->cell_values || !s->units ||
        !index) {
        free(index);
        return -1;
    }
    for (size_t r = 0; r < runs; r++) {
        s->seed[r] = experiment_seed(e->seed, (int64_t)r % e->replications);
        s->wall_s[r] = NAN;
        if (!(s->message[r] = calloc(MESSAGE_LEN, 1))) {
            free(index);
            return -1;
        }
    }
    for (int64_t c = 0; c < e->n_cells; c++) {
        experiment_cell_values(e, c, index);
        for (int f = 0; f < e->n_factors; f++)
            s->cell_values[c * e->n_factors + f] = e->factors[f].values[index[f]];
    }
    free(index);
    return 0;
}

static void release(sweep *s)
{
    if (s->message)
        for (int64_t r = 0; r < s->runs; r++)
            free(s->message[r]);
    free(s->message);
    free(s->seed);
    free(s->status);
    free(s->wall_s);
    free(s->values);
    free(s->cell_values);
    free(s->units);
    experiment_free(s->e);
}

static int parse_args(int argc, char **argv, sweep *s, const char **path)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(sweep_usage, stdout);
            return -1;
        } else if (strcmp(a, "--quiet") == 0) {
            s->quiet = 1;
        } else if (strcmp(a, "--dry-run") == 0) {
            s->dry_run = 1;
        } else if ((strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || v < 1 || v > MAX_JOBS) {
                fprintf(stderr, "vdcsim sweep: --jobs %s: expected a count from 1 to %d\n", argv[i], MAX_JOBS);
                return CLI_EXIT_BAD_INPUT;
            }
            s->jobs = (int)v;
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc) {
            s->out_dir = argv[++i];
        } else if (strcmp(a, "--set") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strchr(v, '=') || s->n_sets == MAX_SETS || strncmp(v, "simulation.seed=", 16) == 0 ||
                strncmp(v, "output.path=", 12) == 0) {
                fprintf(stderr, "vdcsim sweep: --set %s: expected KEY=VALUE (at most %d; not simulation.seed "
                                "or output.path, which the sweep sets)\n", v, MAX_SETS);
                return CLI_EXIT_BAD_INPUT;
            }
            s->sets[s->n_sets++] = v;
        } else if (strcmp(a, "--replications") == 0 && i + 1 < argc) {
            char *end;
            s->replications = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || s->replications < 1 || s->replications > 100000) {
                fprintf(stderr, "vdcsim sweep: --replications %s: expected a count from 1 to 100000\n", argv[i]);
                return CLI_EXIT_BAD_INPUT;
            }
        } else if (a[0] == '-' || *path) {
            fprintf(stderr, "vdcsim sweep: unexpected argument '%s'\n%s", a, sweep_usage);
            return CLI_EXIT_BAD_INPUT;
        } else {
            *path = a;
        }
    }
    if (!*path) {
        fputs(sweep_usage, stderr);
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    sweep s = {.jobs = 1};
    const char *path = NULL;
    int rc = parse_args(argc, argv, &s, &path);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    char err[4096];
    s.e = experiment_load_with(path, s.sets, s.n_sets, err, sizeof err);
    if (!s.e) {
        fprintf(stderr, "%s\n", err);
        return CLI_EXIT_BAD_INPUT;
    }
    if (s.replications > 0) {
        if (s.e->n_cells > 10000000 / s.replications) {
            fprintf(stderr, "vdcsim sweep: --replications %ld: more than 10000000 runs\n", s.replications);
            experiment_free(s.e);
            return CLI_EXIT_BAD_INPUT;
        }
        s.e->replications = s.replications;
    }
    if (!s.out_dir)
        s.out_dir = s.e->output_dir;
    s.runs = experiment_runs(s.e);
    ssize_t n = readlink("/proc/self/exe", s.self, sizeof s.self - 1);
    rc = CLI_EXIT_RUNTIME;
    if (n <= 0) {
        fprintf(stderr, "vdcsim: cannot find its own executable (/proc/self/exe)\n");
        goto done;
    }
    s.self[n] = '\0';
    if (allocate(&s) != 0) {
        fprintf(stderr, "vdcsim: out of memory for %lld runs\n", (long long)s.runs);
        goto done;
    }
    if (check_metrics(&s) != 0) {
        rc = CLI_EXIT_BAD_INPUT;
        goto done;
    }
    if (s.dry_run) {
        rc = print_plan(&s);
        goto done;
    }
    /* Under mpirun with several ranks rank 0 leads and the others work;
     * otherwise (one rank, no mpirun, built without MPI) the local mode. */
    int rank, ranks = sweep_mpi_begin(&rank);
    if (ranks < 0) {
        rc = CLI_EXIT_RUNTIME;
        goto done;
    }
    if (rank != 0) {
        rc = sweep_mpi_agree(CLI_EXIT_OK); /* rank 0's setup status */
        if (rc == CLI_EXIT_OK)
            rc = sweep_mpi_work(&s, mpi_execute) == 0 ? CLI_EXIT_OK : CLI_EXIT_RUNTIME;
        sweep_mpi_end();
        if (rc < 0)
            rc = CLI_EXIT_RUNTIME;
        goto done;
    }
    char runs_dir[PATH_LEN];
    snprintf(runs_dir, sizeof runs_dir, "%s/runs", s.out_dir);
    if (make_dir(s.out_dir) != 0 || make_dir(runs_dir) != 0)
        rc = CLI_EXIT_RUNTIME;
    else
        rc = check_plan(&s);
    if (ranks > 1 && sweep_mpi_agree(rc) < 0)
        rc = CLI_EXIT_RUNTIME;
    if (rc != CLI_EXIT_OK) {
        sweep_mpi_end();
        goto done;
    }
    rc = CLI_EXIT_RUNTIME;
    remove_partials(&s);
    catch_interrupts();
    int ran = ranks > 1 ? lead_all(&s, ranks) : run_all(&s);
    restore_interrupts();
    sweep_mpi_end();
    if (ran != 0) {
        fprintf(stderr, "vdcsim: cannot start the runs: %s\n", strerror(errno));
        goto done;
    }
    if (interrupted) {
        remove_partials(&s);
        rc = 130; /* 128 + SIGINT, as a shell reports it */
        goto done;
    }
    collect(&s);
    if (write_tables(&s) != 0)
        goto done;
    rc = CLI_EXIT_OK;
    for (int64_t r = 0; r < s.runs; r++)
        if (s.status[r] != 0)
            rc = CLI_EXIT_RUNTIME;
done:
    release(&s);
    return rc;
}
