/* check_ha.c - an HA cluster's host failures against k-out-of-n
 * (models.md 7.7, 7.9): with independent host failures, the fraction of
 * time more than f hosts are down (more than HA's failover level can
 * absorb) is the binomial tail 1 - P(>= n - f up). HA's restarts run on
 * top; they must not change the hosts' own process. Each replication's
 * fraction is exact for its run (integrated from the event log); the check
 * compares the mean over replications with the closed form through a 95 %
 * interval. Each replication is 100 years; --short runs fewer of them. */
#include <stdio.h>
#include <stdlib.h>

#include "analysis/availability.h"
#include "analysis/oracles.h"
#include "analysis/stats.h"
#include "validation/report.h"

#define HA_HOSTS 16
#define NS_100_YEARS (36500LL * 86400LL * 1000000000LL)
/* One 16-host cluster per run (the k-out-of-n check has eight): four times
 * the campaign's replications give it a comparable interval. */
#define REPLICATION_FACTOR 4

void check_ha(report *r, const validate_options *o);

void check_ha(report *r, const validate_options *o)
{
    char scenario[4100];
    validation_scenario_path(scenario, sizeof scenario, "ha_k_of_n.cfg");
    int n = o->replications * REPLICATION_FACTOR;
    double (*frac)[HA_HOSTS + 1] = calloc((size_t)n, sizeof *frac);
    double *v = calloc((size_t)n, sizeof *v);
    int ok = frac && v;
    for (int i = 0; ok && i < n; i++) {
        char path[4200] = "", err[2048];
        ok = run_replication_with(o, scenario, i + 1, NULL, 0, NULL, path, sizeof path) == 0;
        if (ok && avail_hosts_down_read(path, NS_100_YEARS, HA_HOSTS, 1, frac[i], err, sizeof err) != 0) {
            fprintf(stderr, "check_ha: %s\n", err);
            ok = 0;
        }
        if (path[0])
            remove_replication(path);
    }
    if (!ok) {
        add_row(r, 0, "HA: time with more than f of 16 hosts down", "-", "run failed", "-");
        free(frac);
        free(v);
        return;
    }
    double A = oracle_availability(1000, 4);
    for (int f = 1; f <= 2; f++) {
        for (int i = 0; i < n; i++) {
            v[i] = 0.0;
            for (int down = f + 1; down <= HA_HOSTS; down++)
                v[i] += frac[i][down];
        }
        double expected = 1.0 - oracle_k_of_n_up(HA_HOSTS, HA_HOSTS - f, A);
        stats_interval ci = {0};
        char what[160], e[64], m[64], h[64];
        snprintf(what, sizeof what, "HA cluster (slots, level 1): time with more than %d of 16 hosts down", f);
        snprintf(e, sizeof e, "%.4e", expected);
        if (stats_mean_ci(v, (size_t)n, 0.95, &ci) != 0) {
            add_row(r, 0, what, e, "no interval", "-");
            continue;
        }
        snprintf(m, sizeof m, "%.4e", ci.mean);
        snprintf(h, sizeof h, "+/- %.2g (n=%d)", ci.half_width, n);
        add_row(r, stats_within_ci(&ci, expected), what, e, m, h);
    }
    free(frac);
    free(v);
}
