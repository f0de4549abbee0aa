/* check_waterfill.c - CPU entitlement by reservations, shares and limits
 * against hand-computed water-filling, and CPU ready of a simulated
 * overcommitted host against its closed form. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"
#include "models/host/cpu_entitlement.h"
#include "validation/report.h"

typedef struct {
    const char *name;
    double capacity;
    int n;
    cpu_claim vms[4];
    double expected[4];
} waterfill_case;

/* Each case: E_v = clamp(s * S_v, min(D,R), min(D,L)), sum E = min(C, sum hi). */
static const waterfill_case cases[] = {
    /* 1. Shares only. C 3000, D 2000 x 3, S 1000:1000:2000.
     *    s * 4000 = 3000 -> s = 0.75 -> 750, 750, 1500 (all below 2000). */
    {"shares 1:1:2", 3000, 3, {{2000, 0, INFINITY, 1000}, {2000, 0, INFINITY, 1000}, {2000, 0, INFINITY, 2000}},
     {750, 750, 1500}},
    /* 2. A reservation above the fair share. C 3000, D 2000 x 3, equal S,
     *    R_A 1500. Shares alone give 1000 each; A is held at 1500, the
     *    other two split 1500: s = 0.75 -> 750 each (A: 750 < 1500). */
    {"reservation", 3000, 3, {{2000, 1500, INFINITY, 1000}, {2000, 0, INFINITY, 1000}, {2000, 0, INFINITY, 1000}},
     {1500, 750, 750}},
    /* 3. A limit. C 3000, D 2000 x 3, S 2000:1000:1000, L_A 500. A capped at
     *    500: 500 + 2000 s = 3000 -> s = 1.25 -> 1250 each (A: 2500 > 500). */
    {"limit", 3000, 3, {{2000, 0, 500, 2000}, {2000, 0, INFINITY, 1000}, {2000, 0, INFINITY, 1000}},
     {500, 1250, 1250}},
    /* 4. A small demand frees capacity for the others. C 3000, D 300, 2000,
     *    2000, equal S: A gets its 300; 300 + 2000 s = 3000 -> s = 1.35. */
    {"demand below share", 3000, 3, {{300, 0, INFINITY, 1000}, {2000, 0, INFINITY, 1000}, {2000, 0, INFINITY, 1000}},
     {300, 1350, 1350}},
    /* 5. Everything at once. C 10000.
     *    A: D 6000, R 4000, S 1000   -> lo 4000, hi 6000
     *    B: D 5000, L 2000, S 4000   -> lo 0, hi 2000 (capped once s >= 0.5)
     *    C: D 8000, S 2000           -> lo 0, hi 8000
     *    D: D 1000, R 2000, S 500    -> lo = hi = 1000 (reservation above demand)
     *    With A at lo and B at hi: 4000 + 2000 + 2000 s + 1000 = 10000 ->
     *    s = 1.5: C = 3000; A: 1500 < 4000 (stays at lo), B: 6000 > 2000. */
    {"reservation + limit + shares + small demand", 10000, 4,
     {{6000, 4000, INFINITY, 1000}, {5000, 0, 2000, 4000}, {8000, 0, INFINITY, 2000}, {1000, 2000, INFINITY, 500}},
     {4000, 2000, 3000, 1000}},
    /* 6. Reservations beyond capacity (admission control should refuse
     *    it): C 3000, R 2000 x 2, D 3000: lo scaled by 3000/4000. */
    {"reservations beyond capacity", 3000, 2, {{3000, 2000, INFINITY, 1000}, {3000, 2000, INFINITY, 1000}},
     {1500, 1500}},
};

static void check_cases(report *r)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const waterfill_case *c = &cases[k];
        wf_claim claims[4];
        double scratch[8], got[4];
        cpu_entitlement_mhz(c->vms, (size_t)c->n, c->capacity, claims, scratch, got);
        int ok = 1;
        char exp[64] = "", sim[64] = "";
        size_t le = 0, ls = 0;
        for (int i = 0; i < c->n; i++) {
            ok &= fabs(got[i] - c->expected[i]) <= 1e-9;
            le += (size_t)snprintf(exp + le, sizeof exp - le, "%s%.0f", i ? "/" : "", c->expected[i]);
            ls += (size_t)snprintf(sim + ls, sizeof sim - ls, "%s%.0f", i ? "/" : "", got[i]);
        }
        char what[160];
        snprintf(what, sizeof what, "water-filling: %s (MHz)", c->name);
        add_row(r, ok, what, exp, sim, "exact (1e-9)");
    }
}

/* Mean of cells [rows 1.., columns cols) of a series; NaN on error. */
static double series_mean(hid_t file, const char *path, int col_from, int col_to)
{
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    hsize_t dims[2];
    if (ds < 0 || h5r_dims(ds, 2, dims) != 0) {
        if (ds >= 0)
            H5Dclose(ds);
        return NAN;
    }
    double *v = malloc((size_t)(dims[0] * dims[1] + 1) * sizeof *v);
    double sum = 0.0;
    long n = 0;
    if (v && h5r_read_rows_f64(ds, 0, dims[0], dims[1], v) == 0)
        for (hsize_t row = 1; row < dims[0]; row++) /* row 0: before the VMs start */
            for (int c = col_from; c < col_to && c < (int)dims[1]; c++) {
                sum += v[row * dims[1] + (hsize_t)c];
                n++;
            }
    free(v);
    H5Dclose(ds);
    return n > 0 ? sum / (double)n : NAN;
}

static void check_simulated(report *r, const validate_options *o)
{
    char scenario[4100], path[4200], err[1024];
    validation_scenario_path(scenario, sizeof scenario, "contention_ready.cfg");
    run_summary s;
    if (run_replication_with(o, scenario, 1, NULL, 0, &s, path, sizeof path) != 0) {
        add_row(r, 0, "CPU ready: simulated overcommitted host", "33.333 %", "run failed", "-");
        return;
    }
    h5r_quiet q;
    h5r_quiet_begin(&q);
    int64_t version;
    hid_t f = h5r_open_run(path, &version, err, sizeof err);
    double host = NAN, ms = NAN, normal = NAN, capped = NAN, ent_normal = NAN, ent_capped = NAN;
    if (f >= 0) {
        host = series_mean(f, "/series/host/cpu_ready_pct", 0, 1);
        ms = series_mean(f, "/series/host/cpu_ready_ms", 0, 1);
        normal = series_mean(f, "/series/vm/cpu_ready_pct", 0, 4);
        capped = series_mean(f, "/series/vm/cpu_ready_pct", 4, 6);
        ent_normal = series_mean(f, "/series/vm/cpu_entitlement_mhz", 0, 4);
        ent_capped = series_mean(f, "/series/vm/cpu_entitlement_mhz", 4, 6);
        H5Fclose(f);
    }
    h5r_quiet_end(&q);
    remove_replication(path);
    char got[64];
    snprintf(got, sizeof got, "%.6f %%", host);
    add_row(r, fabs(host - 100.0 / 3.0) < 1e-6, "CPU ready: host, 24 GHz demand on 16 GHz (series)", "33.333333 %",
            got, "exact");
    snprintf(got, sizeof got, "%.3f ms", ms);
    add_row(r, fabs(ms - 80000.0) < 1e-6, "CPU ready: host summation per 20 s sample (series)", "80000.000 ms", got,
            "exact");
    snprintf(got, sizeof got, "%.4f / %.4f %%", normal, capped);
    add_row(r, fabs(normal - 50.0) < 1e-6 && fabs(capped - 100.0 / 6.0) < 1e-6,
            "CPU ready: per VM, normal shares / limited (series)", "50.0000 / 16.6667 %", got, "exact");
    snprintf(got, sizeof got, "%.1f / %.1f MHz", ent_normal, ent_capped);
    add_row(r, fabs(ent_normal - 1500.0) < 1e-6 && fabs(ent_capped - 5000.0) < 1e-6,
            "CPU entitlement: per VM (series)", "1500.0 / 5000.0 MHz", got, "exact");
    snprintf(got, sizeof got, "%.4f %%", s.cpu_ready_vm_p95_pct);
    add_row(r, fabs(s.cpu_ready_vm_p95_pct - 50.0) < 1e-9, "CPU ready: per-VM p95 in the run summary", "50.0000 %",
            got, "exact");
}

void check_waterfill(report *r, const validate_options *o)
{
    check_cases(r);
    check_simulated(r, o);
}
