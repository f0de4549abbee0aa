/* check_availability.c - the failure/repair generator against the closed
 * forms of models.md 7.7: alternating renewal, k-out-of-n and the
 * machine-repairman model. Each replication's figure is exact for its run
 * (host availability from the end-of-run table; hosts-down time fractions
 * integrated from the event log), and the check compares the mean over
 * replications with the closed form through a 95 % interval. */
#include <stdio.h>
#include <stdlib.h>

#include "analysis/availability.h"
#include "analysis/oracles.h"
#include "analysis/stats.h"
#include "validation/report.h"

#define N_HOSTS 16
#define NS_100_YEARS (36500LL * 86400LL * 1000000000LL)

static void ci_row(report *r, const char *check, double expected, const double *values, int n, const char *fmt)
{
    stats_interval ci = {0};
    char e[64], m[64], h[64];
    snprintf(e, sizeof e, fmt, expected);
    if (stats_mean_ci(values, (size_t)n, 0.95, &ci) != 0) {
        add_row(r, 0, check, e, "no interval", "-");
        return;
    }
    snprintf(m, sizeof m, fmt, ci.mean);
    snprintf(h, sizeof h, "+/- %.2g (n=%d)", ci.half_width, n);
    add_row(r, stats_within_ci(&ci, expected), check, e, m, h);
}

/* Alternating renewal: 40 hosts, Weibull(0.7) up mean 100 h, lognormal
 * (sigma 1.5) repair mean 10 h: A = 100/110. */
static void check_renewal(report *r, const validate_options *o)
{
    char scenario[4100];
    validation_scenario_path(scenario, sizeof scenario, "avail_renewal.cfg");
    int n = o->replications;
    double *a = calloc((size_t)n, sizeof *a);
    int ok = a != NULL;
    for (int i = 0; ok && i < n; i++) {
        run_summary s;
        ok = run_replication(o, scenario, i + 1, NULL, 0, &s) == 0 && s.has_availability;
        if (ok)
            a[i] = s.avail.host_availability_mean;
    }
    if (ok)
        ci_row(r, "availability: alternating renewal, Weibull k=0.7 up, lognormal repair", oracle_availability(100, 10),
               a, n, "%.5f");
    else
        add_row(r, 0, "availability: alternating renewal", "-", "run failed", "-");
    free(a);
}

/* Hosts-down distribution of one scenario over replications: per
 * replication, the mean over its `clusters` independent 16-host clusters
 * (hosts 0-15, 16-31, ...). */
static int hosts_down_runs(const validate_options *o, const char *name, int clusters, int n,
                           double (*frac)[N_HOSTS + 1])
{
    char scenario[4100];
    validation_scenario_path(scenario, sizeof scenario, name);
    for (int i = 0; i < n; i++) {
        char path[4200], err[2048];
        if (run_replication_with(o, scenario, i + 1, NULL, 0, NULL, path, sizeof path) != 0)
            return -1;
        double one[8][N_HOSTS + 1];
        if (clusters > 8 || avail_hosts_down_read(path, NS_100_YEARS, N_HOSTS, clusters, &one[0][0], err, sizeof err) != 0) {
            fprintf(stderr, "check_availability: %s\n", err);
            remove_replication(path);
            return -1;
        }
        remove_replication(path);
        for (int j = 0; j <= N_HOSTS; j++) {
            frac[i][j] = 0.0;
            for (int c = 0; c < clusters; c++)
                frac[i][j] += one[c][j] / clusters;
        }
    }
    return 0;
}

/* 8 clusters of 16 independent hosts, MTTF 1000 h, MTTR 4 h, unlimited crews. */
static void check_k_of_n(report *r, const validate_options *o)
{
    int n = o->replications;
    double (*frac)[N_HOSTS + 1] = calloc((size_t)n, sizeof *frac);
    double *v = calloc((size_t)n, sizeof *v);
    if (!frac || !v || hosts_down_runs(o, "avail_k_of_n.cfg", 8, n, frac) != 0) {
        add_row(r, 0, "availability: k-out-of-n", "-", "run failed", "-");
        free(frac);
        free(v);
        return;
    }
    double A = oracle_availability(1000, 4);
    for (int k = 15; k >= 14; k--) {
        for (int i = 0; i < n; i++) {
            v[i] = 0.0;
            for (int down = 0; down <= N_HOSTS - k; down++)
                v[i] += frac[i][down];
        }
        char what[160];
        snprintf(what, sizeof what, "availability: time with >= %d of 16 hosts up (MTTF 1000 h, MTTR 4 h)", k);
        ci_row(r, what, oracle_k_of_n_up(N_HOSTS, k, A), v, n, "%.7f");
    }
    free(frac);
    free(v);
}

/* Machine-repairman, n = 16, one crew. */
static void check_repairman(report *r, const validate_options *o)
{
    int n = o->replications;
    double (*frac)[N_HOSTS + 1] = calloc((size_t)n, sizeof *frac);
    double *v = calloc((size_t)n, sizeof *v);
    if (!frac || !v || hosts_down_runs(o, "avail_repairman.cfg", 1, n, frac) != 0) {
        add_row(r, 0, "availability: machine-repairman", "-", "run failed", "-");
        free(frac);
        free(v);
        return;
    }
    double pi[N_HOSTS + 1];
    double lambda = 1.0 / 1000.0, mu = 1.0 / 4.0;
    oracle_machine_repair_distribution(N_HOSTS, 1, lambda, mu, pi);
    for (int j = 0; j <= 3; j++) {
        for (int i = 0; i < n; i++)
            v[i] = frac[i][j];
        char what[160];
        snprintf(what, sizeof what, "machine-repairman n=16 r=1: pi_%d (time fraction with %d down)", j, j);
        ci_row(r, what, pi[j], v, n, j == 0 ? "%.5f" : "%.4e");
    }
    for (int i = 0; i < n; i++) {
        v[i] = 0.0;
        for (int j = 0; j <= N_HOSTS; j++)
            v[i] += j * frac[i][j];
    }
    ci_row(r, "machine-repairman n=16 r=1: mean hosts down", oracle_machine_repair_mean_down(N_HOSTS, 1, lambda, mu), v,
           n, "%.6f");
    free(frac);
    free(v);
}

/* Hosts in failing racks: marginal availability is the product of the
 * host's and the rack's; P(>= 2 down) must exceed the independent-host
 * binomial (the interval's lower end above it). */
static void check_correlated(report *r, const validate_options *o)
{
    int n = o->replications;
    double (*frac)[N_HOSTS + 1] = calloc((size_t)n, sizeof *frac);
    double *v = calloc((size_t)n, sizeof *v);
    if (!frac || !v || hosts_down_runs(o, "avail_correlated.cfg", 1, n, frac) != 0) {
        add_row(r, 0, "availability: rack-correlated failures", "-", "run failed", "-");
        free(frac);
        free(v);
        return;
    }
    double A = oracle_availability(1000, 4) * oracle_availability(8760, 3);
    for (int i = 0; i < n; i++) {
        v[i] = 0.0;
        for (int j = 0; j <= N_HOSTS; j++)
            v[i] += (1.0 - j / (double)N_HOSTS) * frac[i][j];
    }
    ci_row(r, "availability: host in a failing rack, A = A_host * A_rack", A, v, n, "%.6f");
    for (int i = 0; i < n; i++)
        v[i] = 1.0 - frac[i][0] - frac[i][1];
    stats_interval ci = {0};
    double independent = 1.0 - oracle_k_of_n_up(N_HOSTS, N_HOSTS - 1, A);
    char e[64], m[64], h[64];
    snprintf(e, sizeof e, "> %.4e (independent)", independent);
    int ok = stats_mean_ci(v, (size_t)n, 0.95, &ci) == 0;
    snprintf(m, sizeof m, "%.4e", ci.mean);
    snprintf(h, sizeof h, "+/- %.2g (n=%d)", ci.half_width, n);
    add_row(r, ok && ci.mean - ci.half_width > independent,
            "availability: rack correlation raises P(>= 2 of 16 down) above the binomial", e, m, h);
    free(frac);
    free(v);
}

void check_availability(report *r, const validate_options *o)
{
    check_renewal(r, o);
    check_k_of_n(r, o);
    check_repairman(r, o);
    check_correlated(r, o);
}
