/* check_queueing_vms.c - VM arrivals, lifetimes and admission against the
 * M/G/inf and Erlang B closed forms (reference/models.md 7.2, 7.3). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"
#include "analysis/oracles.h"
#include "analysis/stats.h"
#include "validation/report.h"

static const double NS_PER_H = 3600e9;

/* The group's VM count for a run of until_h hours at rate lambda: every
 * arrival takes an entity, so leave 6 standard deviations of headroom. */
static void count_override(char *buf, size_t len, double lambda_per_h, double until_h)
{
    double m = lambda_per_h * until_h;
    snprintf(buf, len, "vms.[0].count=%.0f", ceil(m + 6.0 * sqrt(m) + 100.0));
}

/* --- M/G/inf: exact time integration of N(t) from the event log -------- */

typedef struct live_count {
    int64_t warmup_ns, end_ns;
    int64_t last_ns; /* time of the last change (or warm-up end) */
    int64_t n;       /* VMs running on hosts */
    double area, area2; /* integral of N and N^2 over [warm-up, last_ns] */
} live_count;

/* N(t) is piecewise constant between events, so its integrals are exact. */
static void advance(live_count *c, int64_t t_ns)
{
    if (t_ns > c->end_ns)
        t_ns = c->end_ns;
    if (t_ns > c->warmup_ns) {
        int64_t from = c->last_ns > c->warmup_ns ? c->last_ns : c->warmup_ns;
        if (t_ns > from) {
            double dt = (double)(t_ns - from);
            c->area += dt * (double)c->n;
            c->area2 += dt * (double)c->n * (double)c->n;
        }
    }
    if (t_ns > c->last_ns)
        c->last_ns = t_ns;
}

static void on_event(const h5r_event *e, void *arg)
{
    live_count *c = arg;
    advance(c, e->time_ns);
    c->n += e->kind == 0 ? 1 : -1; /* names[0] = vm_started, names[1] = vm_stopped */
}

/* The time-average mean and variance of N over [warm-up, end]; 0 or -1. */
static int mg_inf_moments(const char *path, int64_t warmup_ns, int64_t end_ns, double *mean, double *var)
{
    static const char *const names[] = {"vm_started", "vm_stopped"};
    char err[512];
    int64_t version;
    h5r_quiet q;
    h5r_quiet_begin(&q);
    hid_t file = h5r_open_run(path, &version, err, sizeof err);
    live_count c = {.warmup_ns = warmup_ns, .end_ns = end_ns};
    int rc = file >= 0 && h5r_events_each(file, names, 2, on_event, &c, err, sizeof err) == 1 ? 0 : -1;
    if (file >= 0)
        H5Fclose(file);
    h5r_quiet_end(&q);
    if (rc != 0) {
        fprintf(stderr, "vdcsim_validate: %s: %s\n", path, err);
        return -1;
    }
    advance(&c, end_ns);
    double span = (double)(end_ns - warmup_ns);
    *mean = c.area / span;
    *var = c.area2 / span - *mean * *mean;
    return 0;
}

static void add_ci_row(report *r, int ok, const char *what, double expected, const double *x, int n,
                       const char *fmt)
{
    stats_interval ci = {0};
    char e[64], m[64], h[64];
    snprintf(e, sizeof e, fmt, expected);
    if (ok && stats_mean_ci(x, (size_t)n, 0.95, &ci) == 0) {
        snprintf(m, sizeof m, fmt, ci.mean);
        snprintf(h, sizeof h, "+/- %.4g (n=%d)", ci.half_width, n);
        add_row(r, stats_within_ci(&ci, expected), what, e, m, h);
    } else {
        add_row(r, 0, what, e, "run failed", "-");
    }
}

/* M/G/inf: Poisson(20/h) arrivals, lognormal(mean 1 h, sigma 1) lifetimes,
 * no capacity limit: the time-average number of running VMs has mean and
 * variance lambda * E[L] = 20. Each replication gives one time average over
 * [24 h, until]; the 95 % interval is across replications. (Subtracting the
 * run's own mean biases the variance down by Var(mean) ~ lambda E[L^2]/T,
 * about 0.03 for T = 976 h, well inside the interval.) */
void check_mg_inf(report *r, const validate_options *o)
{
    char scenario[4100];
    validation_scenario_path(scenario, sizeof scenario, "vm_mg_inf.cfg");
    const double lambda_per_h = 20.0, mean_life_h = 1.0, expected = lambda_per_h * mean_life_h;
    const double until_h = o->is_short ? 1000.0 : 4000.0, warmup_h = 24.0;
    char until_kv[64], count_kv[64];
    snprintf(until_kv, sizeof until_kv, "simulation.until=%.0fh", until_h);
    count_override(count_kv, sizeof count_kv, lambda_per_h, until_h);
    const char *extra[] = {until_kv, count_kv};
    int n = o->replications, ok = 1;
    double *means = calloc((size_t)n, sizeof *means), *vars = calloc((size_t)n, sizeof *vars);
    ok = means && vars;
    for (int i = 0; ok && i < n; i++) {
        char path[4200];
        if (run_replication_with(o, scenario, i + 1, extra, 2, NULL, path, sizeof path) != 0) {
            ok = 0;
            break;
        }
        ok = mg_inf_moments(path, (int64_t)(warmup_h * NS_PER_H), (int64_t)(until_h * NS_PER_H), &means[i],
                            &vars[i]) == 0;
        remove_replication(path);
    }
    add_ci_row(r, ok, "M/G/inf: mean running VMs, Poisson arrivals, lognormal lifetimes", expected, means, n, "%.3f");
    add_ci_row(r, ok, "M/G/inf: variance of running VMs (Poisson: = mean)", expected, vars, n, "%.3f");
    free(means);
    free(vars);
}

/* --- Erlang B ------------------------------------------------------------ */

/* Rejections / arrivals between the samples at the warm-up and the last one,
 * from the cumulative /series/cluster counters. */
static int loss_fraction(const char *path, int64_t warmup_rows, double *out)
{
    char err[512];
    int64_t version;
    h5r_quiet q;
    h5r_quiet_begin(&q);
    hid_t file = h5r_open_run(path, &version, err, sizeof err);
    int rc = -1;
    double arrived[2], rejected[2];
    if (file >= 0) {
        hid_t a = H5Dopen2(file, "/series/cluster/vms_arrived", H5P_DEFAULT);
        hid_t j = H5Dopen2(file, "/series/cluster/vms_rejected", H5P_DEFAULT);
        hsize_t dims[2];
        if (a >= 0 && j >= 0 && h5r_dims(a, 2, dims) == 0 && (int64_t)dims[0] > warmup_rows + 1 &&
            h5r_read_rows_f64(a, (hsize_t)warmup_rows, 1, 1, &arrived[0]) == 0 &&
            h5r_read_rows_f64(a, dims[0] - 1, 1, 1, &arrived[1]) == 0 &&
            h5r_read_rows_f64(j, (hsize_t)warmup_rows, 1, 1, &rejected[0]) == 0 &&
            h5r_read_rows_f64(j, dims[0] - 1, 1, 1, &rejected[1]) == 0 && arrived[1] > arrived[0]) {
            *out = (rejected[1] - rejected[0]) / (arrived[1] - arrived[0]);
            rc = 0;
        }
        if (a >= 0)
            H5Dclose(a);
        if (j >= 0)
            H5Dclose(j);
        H5Fclose(file);
    }
    h5r_quiet_end(&q);
    if (rc != 0)
        fprintf(stderr, "vdcsim_validate: %s: cannot read the cluster arrival counters\n", path);
    return rc;
}

static void erlang_case(report *r, const validate_options *o, const char *scenario, const char *lifetime_kv,
                        const char *shape_kv, const char *what)
{
    const double lambda_per_h = 7.0, mean_life_h = 1.0, latency_h = 1.0 / 3600.0;
    /* a slot is held for the lifetime plus two control latencies (see the scenario) */
    const double expected = oracle_erlang_b(10, lambda_per_h * (mean_life_h + 2.0 * latency_h));
    const double until_h = o->is_short ? 8000.0 : 40000.0;
    char until_kv[64], count_kv[64];
    snprintf(until_kv, sizeof until_kv, "simulation.until=%.0fh", until_h);
    count_override(count_kv, sizeof count_kv, lambda_per_h, until_h);
    const char *extra[] = {until_kv, count_kv, lifetime_kv, shape_kv};
    int n = o->replications, ok = 1;
    double *loss = calloc((size_t)n, sizeof *loss);
    ok = loss != NULL;
    for (int i = 0; ok && i < n; i++) {
        char path[4200];
        if (run_replication_with(o, scenario, i + 1, extra, 4, NULL, path, sizeof path) != 0) {
            ok = 0;
            break;
        }
        ok = loss_fraction(path, 10, &loss[i]) == 0; /* samples every 1 h: row 10 is t = 10 h */
        remove_replication(path);
    }
    add_ci_row(r, ok, what, expected, loss, n, "%.5f");
    free(loss);
}

/* Erlang B: c = 10 slots, Poisson(7/h), mean lifetime 1 h, rejection when
 * full. B(10, 7) = 0.07874; with the 2 s of control latency per VM the
 * offered load is 7.0039 and B = 0.0789. */
void check_erlang_b(report *r, const validate_options *o)
{
    char scenario[4100];
    validation_scenario_path(scenario, sizeof scenario, "vm_erlang_b.cfg");
    erlang_case(r, o, scenario, "vms.[0].lifetime.distribution=\"exponential\"", "vms.[0].lifetime.shape=1",
                "Erlang B: rejection probability, c=10, a=7, exponential lifetimes");
    erlang_case(r, o, scenario, "vms.[0].lifetime.distribution=\"lognormal\"", "vms.[0].lifetime.shape=1",
                "Erlang B: rejection probability, c=10, a=7, lognormal lifetimes (insensitivity)");
}
