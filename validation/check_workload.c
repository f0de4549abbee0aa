/* check_workload.c - the workload generator and host bookkeeping against an
 * exact mean, and first-fit placement of VMs that fit. */
#include <stdlib.h>

#include "analysis/run_summary.h"
#include "analysis/stats.h"
#include "validation/report.h"

/* Workload generator and host bookkeeping: mean cluster CPU demand over a
 * whole diurnal period, sampled at k * 5 min for k = 0..287.
 *
 * The VMs power on at t = 0 and start one control-plane latency (1 s) later,
 * so the sample at k = 0 sees no VM. Over k = 1..287 the constant VMs give
 * 287 * 10 * 5000 MHz; the diurnal ones give 40 * 2000 * (287 + 0.5 * S)
 * with S = sum_{k=1}^{287} sin(2 pi (k/288 + 3h/24h)) = -sin(pi/4), because
 * the sum over all 288 evenly spaced points is 0. Noise (1 + 0.2 Z) has
 * mean 1 (clamping at 0 matters only below Z = -5). The summary's
 * statistics start at the first sample with a workload (k = 1), so the
 * mean is over 287 samples:
 *   E = (80000 * (287 - 0.5 * sin(pi/4)) + 50000 * 287) / 287 MHz. */
void check_workload_mean(report *r, const validate_options *o)
{
    char scenario[4100];
    validation_scenario_path(scenario, sizeof scenario, "workload_mean.cfg");
    int replications = o->replications;
    const double sin_quarter_pi = 0.70710678118654752440;
    const double expected_mhz = (80000.0 * (287.0 - 0.5 * sin_quarter_pi) + 50000.0 * 287.0) / 287.0;
    double *means = calloc((size_t)replications, sizeof *means);
    int ok = means != NULL;
    int all_placed = 1;
    for (int i = 0; ok && i < replications; i++) {
        run_summary s;
        if (run_replication(o, scenario, i + 1, NULL, 0, &s) != 0) {
            ok = 0;
            break;
        }
        means[i] = s.cpu_demand_mean_mhz;
        all_placed &= s.vms_placed == 50 && s.vm_placement_failures == 0;
    }
    stats_interval ci = {0};
    char e[64], m[64], h[64];
    snprintf(e, sizeof e, "%.1f MHz", expected_mhz);
    if (ok && stats_mean_ci(means, (size_t)replications, 0.95, &ci) == 0) {
        snprintf(m, sizeof m, "%.1f MHz", ci.mean);
        snprintf(h, sizeof h, "+/- %.1f (n=%d)", ci.half_width, replications);
        add_row(r, stats_within_ci(&ci, expected_mhz), "workload: mean cluster CPU demand, diurnal + noise", e, m, h);
    } else {
        add_row(r, 0, "workload: mean cluster CPU demand, diurnal + noise", e, "run failed", "-");
    }
    add_row(r, ok && all_placed, "placement: 50 VMs that fit are all placed", "50 placed, 0 failed",
            all_placed ? "50 placed, 0 failed" : "mismatch", "exact");
    free(means);
}

