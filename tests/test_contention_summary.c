/* test_contention_summary.c - the run summary's CPU ready, memory
 * reclamation and power lines, read back from a small hand-made file. */
#include <math.h>
#include <stdio.h>

#include "analysis/run_summary.h"
#include "recorder/recorder.h"
#include "tests/check.h"

#define PERIOD_NS (10 * SIM_NS_PER_S)
#define END_NS (30 * SIM_NS_PER_S) /* 3 samples */

static const rec_column host_columns[] = {
    {"name", REC_STR, NULL}, {"group", REC_STR, NULL},       {"sockets", REC_I64, NULL},
    {"cores", REC_I64, NULL}, {"cpu_mhz", REC_F64, "MHz"},   {"memory_mib", REC_I64, "MiB"},
    {"cpu_capacity_mhz", REC_F64, "MHz"},
};

/* [sample][host]; NAN = never written */
static const double ready[3][2] = {{0, 10}, {20, 30}, {40, NAN}};
static const double power[3][2] = {{100, 200}, {300, 400}, {500, 600}};
static const double swapped[3][2] = {{0, 0}, {1024, 0}, {2048, 1024}};
/* [sample][vm]: 20 finite cells 1..20 (vm 4 of sample 3 never written) */

int main(void)
{
    char path[4200], err[1024];
    snprintf(path, sizeof path, "%s/contention_summary.h5", VDCSIM_TEST_TMPDIR);
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return CHECK_DONE();
    int s_usage = rec_series_new(r, "host", "cpu_usage_mhz", "MHz", "hosts", 2, 0, PERIOD_NS);
    int s_ready = rec_series_new(r, "host", "cpu_ready_pct", "%", "hosts", 2, 0, PERIOD_NS);
    int s_power = rec_series_new(r, "host", "power_w", "W", "hosts", 2, 0, PERIOD_NS);
    int s_swap = rec_series_new(r, "host", "memory_swapped_mib", "MiB", "hosts", 2, 0, PERIOD_NS);
    int s_vm = rec_series_new(r, "vm", "cpu_ready_pct", "%", NULL, 7, 0, PERIOD_NS);
    CHECK(s_usage >= 0 && s_ready >= 0 && s_power >= 0 && s_swap >= 0 && s_vm >= 0);
    int hosts = rec_table_new(r, "hosts", host_columns, 7);
    rec_value h0[] = {{.str = "a"}, {.str = "g"}, {.i64 = 1}, {.i64 = 4}, {.f64 = 1000}, {.i64 = 4096}, {.f64 = 4000}};
    rec_value h1[] = {{.str = "b"}, {.str = "g"}, {.i64 = 1}, {.i64 = 4}, {.f64 = 1000}, {.i64 = 4096}, {.f64 = 4000}};
    CHECK_INT_EQ(rec_table_row(r, hosts, h0), 0);
    CHECK_INT_EQ(rec_table_row(r, hosts, h1), 0);
    int value = 1;
    for (int k = 0; k < 3; k++) {
        sim_time_ns t = (sim_time_ns)k * PERIOD_NS;
        CHECK_INT_EQ(recorder_window_begin(r, t + PERIOD_NS), 0);
        for (int h = 0; h < 2; h++) {
            rec_series_put(r, s_usage, t, h, 1000);
            if (!isnan(ready[k][h]))
                rec_series_put(r, s_ready, t, h, ready[k][h]);
            rec_series_put(r, s_power, t, h, power[k][h]);
            rec_series_put(r, s_swap, t, h, swapped[k][h]);
        }
        for (int v = 0; v < 7 && value <= 20; v++)
            rec_series_put(r, s_vm, t, v, value++);
        CHECK_INT_EQ(recorder_window_end(r, t + PERIOD_NS), 0);
    }
    CHECK_INT_EQ(recorder_close(r, END_NS, err, sizeof err), 0);

    run_summary s;
    CHECK_INT_EQ(run_summary_read(path, &s, err, sizeof err), 0);
    /* host ready cells 0, 10, 20, 30, 40: mean 20, peak 40 */
    CHECK_NEAR(s.cpu_ready_host_mean_pct, 20, 1e-9);
    CHECK_NEAR(s.cpu_ready_host_peak_pct, 40, 1e-9);
    /* VM cells 1..20: nearest rank ceil(0.95 * 20) = 19 -> 19 */
    CHECK_NEAR(s.cpu_ready_vm_p95_pct, 19, 1e-9);
    /* power totals 300, 700, 1100: mean 700, peak 1100;
     * energy (300 + 700 + 1100) W * 10 s = 21000 J = 21000 / 3.6e6 kWh */
    CHECK_NEAR(s.power_mean_w, 700, 1e-9);
    CHECK_NEAR(s.power_peak_w, 1100, 1e-9);
    CHECK_NEAR(s.energy_kwh, 21000.0 / 3.6e6, 1e-12);
    /* swapped totals 0, 1024, 3072: mean 4096/3, peak 3072 */
    CHECK_NEAR(s.memory_swapped_mean_mib, 4096.0 / 3.0, 1e-9);
    CHECK_NEAR(s.memory_swapped_peak_mib, 3072, 1e-9);
    /* series the file lacks stay NaN */
    CHECK(isnan(s.memory_ballooned_mean_mib));
    CHECK(isnan(s.cpu_useful_mean_mhz));

    char text[4096];
    FILE *f = fmemopen(text, sizeof text, "w");
    run_summary_print(&s, path, f);
    fclose(f);
    CHECK_STR_CONTAINS(text, "cpu ready     hosts mean 20.0 %, peak 40.0 %; per-VM p95 19.0 %");
    CHECK_STR_CONTAINS(text, "power         mean 0.70 kW, peak 1.10 kW; energy 0.0 kWh");
    remove(path);
    char txt[4300];
    snprintf(txt, sizeof txt, "%s.summary.txt", path);
    remove(txt);
    return CHECK_DONE();
}
