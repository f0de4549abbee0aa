/* test_workload.c - demand kinds, arrival processes and trace readers.
 * Expected values are hand-computed (comments say how) or counted in the
 * trace files with shell tools. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "models/workload/arrivals.h"
#include "models/workload/demand.h"
#include "traces/vm_trace.h"
#include "models/core/vm.h"

static gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

/* On/off: on 1000 MHz for Exp(10 min), off 100 MHz for Exp(30 min). The
 * long-run mean is (10*1000 + 30*100)/(10 + 30) = 325 MHz. Samples 10 h
 * apart are independent (the phase correlation decays as
 * exp(-(1/10 + 1/30) t/min), e^-80 after 10 h), so the standard error of
 * the mean of n samples is sd/sqrt(n) with sd = 900*sqrt(p(1-p)), p = 1/4. */
static void test_onoff(void)
{
    demand_spec d = {.kind = DEMAND_ONOFF, .on_level = 1000.0, .off_level = 100.0,
                     .on_time_ns = 10 * SIM_NS_PER_MIN, .off_time_ns = 30 * SIM_NS_PER_MIN};
    CHECK_NEAR(demand_long_run_mean(&d), 325.0, 1e-9);
    CHECK_NEAR(demand_expected(&d, 5 * SIM_NS_PER_HOUR), 325.0, 1e-9);
    gsl_rng *r = new_rng(7);
    demand_state s = {0};
    const int n = 20000;
    double sum = 0.0;
    int levels_ok = 1;
    for (int k = 0; k < n; k++) {
        double v = demand_next(&d, &s, (sim_time_ns)k * 10 * SIM_NS_PER_HOUR, r);
        levels_ok &= v == 1000.0 || v == 100.0;
        sum += v;
    }
    double se = 900.0 * sqrt(0.25 * 0.75) / sqrt((double)n);
    CHECK(levels_ok);
    CHECK_NEAR(sum / n, 325.0, 5.0 * se);
    /* Fine sampling sees phases last: consecutive samples 1 s apart agree
     * unless a switch falls between them (rate about 1/(7.5 min)). */
    demand_state f = {0};
    int changes = 0;
    double prev = demand_next(&d, &f, 0, r);
    for (int k = 1; k <= 3600; k++) {
        double v = demand_next(&d, &f, (sim_time_ns)k * SIM_NS_PER_S, r);
        changes += v != prev;
        prev = v;
    }
    CHECK(changes < 60); /* expected about 8 in an hour */
    gsl_rng_free(r);
}

/* Random walk (Ornstein-Uhlenbeck): stationary N(mean, (spread*mean)^2).
 * Samples 10 reversion times apart are nearly independent (correlation
 * e^-10), so the mean of n samples has SE = spread*mean/sqrt(n). With a
 * ceiling every sample lies in [0, ceiling]. */
static void test_random_walk(void)
{
    demand_spec d = {.kind = DEMAND_RANDOM_WALK, .mean = 1000.0, .spread = 0.1, .reversion_ns = SIM_NS_PER_HOUR};
    gsl_rng *r = new_rng(3);
    demand_state s = {0};
    const int n = 20000;
    double sum = 0.0, sum2 = 0.0;
    for (int k = 0; k < n; k++) {
        double v = demand_next(&d, &s, (sim_time_ns)k * 10 * SIM_NS_PER_HOUR, r);
        sum += v;
        sum2 += v * v;
    }
    double mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
    CHECK_NEAR(mean, 1000.0, 5.0 * 100.0 / sqrt((double)n));
    CHECK_NEAR(sd, 100.0, 5.0); /* SE of an sd estimate ~ sd/sqrt(2n) = 0.5 */

    demand_spec b = {.kind = DEMAND_RANDOM_WALK, .mean = 1000.0, .spread = 1.0, .reversion_ns = SIM_NS_PER_HOUR,
                     .ceiling = 1500.0};
    demand_state t = {0};
    int in_bounds = 1, at_floor = 0, at_ceiling = 0;
    for (int k = 0; k < 5000; k++) {
        double v = demand_next(&b, &t, (sim_time_ns)k * 5 * SIM_NS_PER_MIN, r);
        in_bounds &= v >= 0.0 && v <= 1500.0;
        at_floor += v == 0.0;
        at_ceiling += v == 1500.0;
    }
    CHECK(in_bounds);
    CHECK(at_floor > 0 && at_ceiling > 0); /* N(1000, 1000^2) crosses both often */
    /* The same time twice does not move the walk. */
    double a1 = demand_next(&b, &t, 5000 * 5 * SIM_NS_PER_MIN, r), a2 = demand_next(&b, &t, 5000 * 5 * SIM_NS_PER_MIN, r);
    CHECK_NEAR(a1, a2, 0.0);
    gsl_rng_free(r);
}

/* Trace interpolation at known points: samples 10, 20, 40 at 0, 300, 600 s,
 * scale 2. One pass lasts 900 s (the last sample holds one step). The
 * series is given either way a trace table keeps one (traces/vm_trace.h):
 * times and float values (bitbrains) or whole numbers every 300 s
 * (planetlab); both must give the same values. */
static void check_trace_interpolation(demand_series series)
{
    demand_spec d = {.kind = DEMAND_TRACE, .series = series, .scale = 2.0, .interp = TRACE_STEP,
                     .at_end = TRACE_REPEAT};
    const sim_time_ns S = SIM_NS_PER_S;
    CHECK_NEAR(demand_expected(&d, 0), 20.0, 0);
    CHECK_NEAR(demand_expected(&d, 299 * S), 20.0, 0);
    CHECK_NEAR(demand_expected(&d, 300 * S), 40.0, 0);
    CHECK_NEAR(demand_expected(&d, 899 * S), 80.0, 0);
    CHECK_NEAR(demand_expected(&d, 900 * S), 20.0, 0);          /* second pass */
    CHECK_NEAR(demand_expected(&d, 10 * 900 * S + 600 * S), 80.0, 0);
    d.interp = TRACE_LINEAR;
    CHECK_NEAR(demand_expected(&d, 150 * S), 30.0, 1e-9);       /* 2 * (10 + 20)/2 */
    CHECK_NEAR(demand_expected(&d, 450 * S), 60.0, 1e-9);       /* 2 * (20 + 40)/2 */
    CHECK_NEAR(demand_expected(&d, 600 * S), 80.0, 1e-9);
    CHECK_NEAR(demand_expected(&d, 750 * S), 50.0, 1e-9);       /* towards the next pass: 2 * (40 + 10)/2 */
    CHECK_NEAR(demand_expected(&d, 1050 * S), 30.0, 1e-9);
    d.at_end = TRACE_HOLD;
    CHECK_NEAR(demand_expected(&d, 750 * S), 80.0, 1e-9);
    CHECK_NEAR(demand_expected(&d, 100 * SIM_NS_PER_DAY), 80.0, 1e-9);
    /* demand_next keeps a read position and gives the same values */
    demand_state s = {0};
    d.at_end = TRACE_REPEAT;
    double want[] = {30.0, 60.0, 50.0, 30.0, 60.0};
    sim_time_ns at[] = {150 * S, 450 * S, 750 * S, 1050 * S, 1350 * S};
    for (int k = 0; k < 5; k++)
        CHECK_NEAR(demand_next(&d, &s, at[k], NULL), want[k], 1e-9);
    /* long-run mean: average of the samples times scale = 2 * 70/3 */
    CHECK_NEAR(demand_long_run_mean(&d), 140.0 / 3.0, 1e-6);
}

static void test_trace_interpolation(void)
{
    static const int32_t times[] = {0, 300, 600};
    static const float values[] = {10.0f, 20.0f, 40.0f};
    static const uint8_t whole[] = {10, 20, 40};
    check_trace_interpolation((demand_series){.time_s = times, .value = values, .n = 3});
    check_trace_interpolation((demand_series){.whole = whole, .step_s = 300, .n = 3});
}

static void test_kinds(void)
{
    demand_kind k;
    CHECK_INT_EQ(demand_kind_parse("onoff", &k), 0);
    CHECK_INT_EQ(k, DEMAND_ONOFF);
    CHECK_INT_EQ(demand_kind_parse("random_walk", &k), 0);
    CHECK_INT_EQ(demand_kind_parse("trace", &k), 0);
    CHECK(strcmp(demand_kind_name(DEMAND_RANDOM_WALK), "random_walk") == 0);
    CHECK_INT_EQ(demand_kind_parse("walk", &k), -1);
}

/* Deterministic: start 1 h, gap 10 min, until 2 h -> 1h, 1h10, ..., 1h50
 * (2 h itself excluded). List: offsets after start, capped by count. */
static void test_arrivals(void)
{
    arrival_spec a = {.process = ARRIVAL_DETERMINISTIC, .start_ns = SIM_NS_PER_HOUR, .until_ns = 2 * SIM_NS_PER_HOUR,
                      .gap_ns = 10.0 * SIM_NS_PER_MIN, .count = 100};
    sim_time_ns t = 0;
    int k = 0;
    for (; (t = arrival_time(&a, (uint64_t)k, t, NULL)) >= 0; k++)
        CHECK_INT_EQ(t, SIM_NS_PER_HOUR + k * 10 * SIM_NS_PER_MIN);
    CHECK_INT_EQ(k, 6);
    a.count = 4; /* a group's count caps its arrivals */
    CHECK_INT_EQ(arrival_time(&a, 3, 0, NULL), SIM_NS_PER_HOUR + 30 * SIM_NS_PER_MIN);
    CHECK_INT_EQ(arrival_time(&a, 4, 0, NULL), -1);

    arrival_spec l = {.process = ARRIVAL_LIST, .start_ns = 10 * SIM_NS_PER_S, .until_ns = SIM_NS_PER_DAY, .count = 10};
    char why[256];
    CHECK_INT_EQ(arrival_parse_times("0s, 90s,2h", &l.offsets_ns, &l.n_offsets, why, sizeof why), 0);
    CHECK_INT_EQ(l.n_offsets, 3);
    CHECK_INT_EQ(arrival_time(&l, 0, 0, NULL), 10 * SIM_NS_PER_S);
    CHECK_INT_EQ(arrival_time(&l, 1, 0, NULL), 100 * SIM_NS_PER_S);
    CHECK_INT_EQ(arrival_time(&l, 2, 0, NULL), 2 * SIM_NS_PER_HOUR + 10 * SIM_NS_PER_S);
    CHECK_INT_EQ(arrival_time(&l, 3, 0, NULL), -1);
    arrival_free(&l);
    CHECK_INT_EQ(arrival_parse_times("5s, 3s", &l.offsets_ns, &l.n_offsets, why, sizeof why), -1);
    CHECK_STR_CONTAINS(why, "time #2");
    CHECK_INT_EQ(arrival_parse_times("5s, 3xs", &l.offsets_ns, &l.n_offsets, why, sizeof why), -1);
    CHECK_STR_CONTAINS(why, "unknown unit");

    /* Poisson: gaps Exp(mean 6 min); the mean of n gaps has SE = 6/sqrt(n). */
    arrival_spec p = {.process = ARRIVAL_POISSON, .start_ns = 0, .until_ns = INT64_MAX, .gap_ns = 6.0 * SIM_NS_PER_MIN,
                      .count = 1000000};
    gsl_rng *r = new_rng(5);
    const int n = 40000;
    t = 0;
    for (int i = 0; i < n; i++)
        t = arrival_time(&p, (uint64_t)i, t, r);
    CHECK_NEAR((double)t / n / SIM_NS_PER_MIN, 6.0, 5.0 * 6.0 / sqrt((double)n));
    gsl_rng_free(r);
}

/* The lifecycle: stopped -> starting -> running -> stopping -> stopped, a
 * boot cut short (starting -> stopped); never running -> stopped directly. */
static void test_lifecycle(void)
{
    vm v = {.state = VM_STOPPED, .host = -1};
    CHECK_INT_EQ(vm_transition(&v, VM_RUNNING), -1);
    CHECK_INT_EQ(vm_transition(&v, VM_STARTING), 0);
    CHECK_INT_EQ(vm_transition(&v, VM_RUNNING), 0);
    CHECK_INT_EQ(vm_transition(&v, VM_STOPPED), -1);
    CHECK_INT_EQ(vm_transition(&v, VM_STOPPING), 0);
    CHECK_INT_EQ(vm_transition(&v, VM_STOPPED), 0);
    CHECK_INT_EQ(vm_transition(&v, VM_STARTING), 0);
    CHECK_INT_EQ(vm_transition(&v, VM_STOPPED), 0);
}

#define DATA VDCSIM_SOURCE_DIR "/tests/data/traces"

static void expect_trace_error(const char *file, trace_format f, const char *want)
{
    trace_table t;
    char err[1024] = "";
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA, file);
    CHECK_INT_EQ(trace_load_file(path, f, &t, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, want);
    CHECK(t.n_vms == 0 && t.cpu == NULL);
}

static void test_trace_files(void)
{
    /* malformed fixtures: FILE:LINE:COLUMN */
    expect_trace_error("planetlab_bad/not_a_number", TRACE_PLANETLAB, "planetlab_bad/not_a_number:3:1: 'abc'");
    expect_trace_error("planetlab_bad/out_of_range", TRACE_PLANETLAB, "planetlab_bad/out_of_range:2:1: 150 is out of range");
    expect_trace_error("planetlab_bad/empty", TRACE_PLANETLAB, "planetlab_bad/empty:1:1: no samples");
    expect_trace_error("bitbrains_bad/header_only.csv", TRACE_BITBRAINS, "header_only.csv:2:1: no samples");
    /* "Timestamp [ms];" "\t" are 16 bytes: 'CPU kernels' starts at byte 17 */
    expect_trace_error("bitbrains_bad/bad_header.csv", TRACE_BITBRAINS, "bad_header.csv:1:17: header field 'CPU kernels'");
    /* "1300;\t2;\t5000;\t100;\t2;\t1000" has 6 fields; the column is its end + 1 = 28 */
    expect_trace_error("bitbrains_bad/short_row.csv", TRACE_BITBRAINS, "short_row.csv:3:28: 6 fields (expected 11");
    /* "1300;" "\t2;" "\t5000;" "\t" are 15 bytes: 'lots' starts at byte 16 */
    expect_trace_error("bitbrains_bad/not_a_number.csv", TRACE_BITBRAINS,
                       "not_a_number.csv:3:16: column 'CPU usage [MHZ]': 'lots'");
    expect_trace_error("bitbrains_bad/time_backwards.csv", TRACE_BITBRAINS, "time_backwards.csv:3:1: column 'Timestamp [ms]'");
    expect_trace_error("planetlab_bad/nosuch", TRACE_PLANETLAB, "cannot read");

    /* a directory in natural order: 1_vm, 2_vm, 10_vm */
    trace_table t;
    char err[1024] = "";
    CHECK_INT_EQ(trace_count_vms(DATA "/planetlab_good", TRACE_PLANETLAB, err, sizeof err), 3);
    CHECK_INT_EQ(trace_load(DATA "/planetlab_good", TRACE_PLANETLAB, 1, 2, &t, err, sizeof err), 0);
    CHECK_INT_EQ(t.n_vms, 2);
    CHECK(t.n_vms == 2 && strcmp(t.names[0], "2_vm") == 0 && strcmp(t.names[1], "10_vm") == 0);
    demand_series s = trace_series(&t, 0, TRACE_CPU);
    CHECK(s.n == 3 && demand_series_time_s(&s, 2) == 600 && demand_series_value(&s, 2) == 40.0);
    CHECK_INT_EQ(trace_series(&t, 1, TRACE_CPU).n, 2);
    CHECK_INT_EQ(trace_series(&t, 1, TRACE_MEMORY).n, 0); /* planetlab: CPU only */
    trace_free(&t);
    CHECK(trace_load(DATA "/planetlab_good", TRACE_PLANETLAB, 2, 2, &t, err, sizeof err) == -1);
    CHECK_STR_CONTAINS(err, "holds 3 VM files");

    /* bitbrains: memory 500/1000, network (100 + 28) KB/s * 1024 * 8 bit */
    CHECK_INT_EQ(trace_load(DATA "/bitbrains_good", TRACE_BITBRAINS, 0, 1, &t, err, sizeof err), 0);
    demand_series c = trace_series(&t, 0, TRACE_CPU), m = trace_series(&t, 0, TRACE_MEMORY),
                  w = trace_series(&t, 0, TRACE_NETWORK);
    CHECK(c.n == 2 && c.time_s[0] == 0 && c.time_s[1] == 300);
    CHECK(c.n == 2 && c.value[0] == 100.0f && c.value[1] == 300.0f);
    CHECK(m.n == 2 && m.value[0] == 0.5f && m.value[1] == 0.25f);
    CHECK(w.n == 2);
    if (w.n == 2)
        CHECK_NEAR(w.value[0], 128.0 * 1024 * 8 / 1e9, 1e-9);
    trace_free(&t);
}

/* The real PlanetLab day 2011-03-03. Counted independently:
 *   ls 20110303 | wc -l                                   -> 1052 files
 *   cat 20110303/[*] | wc -l                              -> 302976 lines
 *   cat 20110303/[*] | awk '{s+=$1; n++} END {print s/n}' -> 12.3144
 * ([*] stands for the shell glob star, which cannot appear in a C comment)
 * (the MANIFEST's table gives 1052 VMs, mean 12.31 %, sd 17.09), and
 *   ls 20110303 | sort -V | head -1; head -3 that file   -> 7, 5, 6 */
static void test_planetlab_day(void)
{
    const char *dir = VDCSIM_SOURCE_DIR "/../shared/traces/planetlab-comon-2011/20110303";
    char err[1024] = "";
    long n = trace_count_vms(dir, TRACE_PLANETLAB, err, sizeof err);
    if (n < 0) {
        printf("skipped: %s\n", err);
        return;
    }
    CHECK_INT_EQ(n, 1052);
    trace_table t;
    CHECK_INT_EQ(trace_load(dir, TRACE_PLANETLAB, 0, (uint32_t)n, &t, err, sizeof err), 0);
    CHECK_INT_EQ(t.n_samples, 302976);
    double sum = 0.0, sum2 = 0.0;
    for (uint64_t k = 0; k < t.n_samples; k++) {
        sum += t.cpu_percent[k];
        sum2 += (double)t.cpu_percent[k] * t.cpu_percent[k];
    }
    double mean = sum / (double)t.n_samples;
    CHECK_NEAR(mean, 12.3144, 0.0001);
    CHECK_NEAR(sqrt(sum2 / (double)t.n_samples - mean * mean), 17.09, 0.005);
    CHECK(strcmp(t.names[0], "75-130-96-12_static_oxfr_ma_charter_com_irisaple_wup") == 0);
    demand_series s = trace_series(&t, 0, TRACE_CPU);
    CHECK(s.n == 288 && demand_series_value(&s, 0) == 7.0 && demand_series_value(&s, 1) == 5.0 &&
          demand_series_value(&s, 2) == 6.0);
    CHECK(s.n == 288 && demand_series_time_s(&s, 287) == 287 * 300);
    trace_free(&t);
}

/* Bitbrains Rnd 2013-07, VM 1, extracted from the tarball into the build
 * tree. Counted independently with
 *   awk -F';\t' 'NR>1 {n++; c+=$4} NR==2 {print $4, $7/$6} END {print n, c/n}' 1.csv
 * -> first CPU 87.779984 MHz, first memory 1034592.8/8218624 = 0.125884,
 *    8260 rows, mean CPU 677.257888 MHz; the 2nd timestamp is 300 s later. */
static void test_bitbrains_vm1(void)
{
    const char *tarball = VDCSIM_SOURCE_DIR "/../shared/traces/bitbrains-rnd-2013-07/rnd-2013-7.tar.xz";
    FILE *probe = fopen(tarball, "r");
    if (!probe) {
        printf("skipped: no %s\n", tarball);
        return;
    }
    fclose(probe);
    const char *dir = VDCSIM_TEST_TMPDIR "/bitbrains-fixture";
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && mkdir -p %s && xz -dc '%s' | tar -x -C %s --occurrence rnd/2013-7/1.csv", dir, dir,
             tarball, dir);
    if (system(cmd) != 0) {
        printf("skipped: cannot extract rnd/2013-7/1.csv (xz and tar needed)\n");
        return;
    }
    trace_table t;
    char err[1024] = "";
    CHECK_INT_EQ(trace_load(VDCSIM_TEST_TMPDIR "/bitbrains-fixture/rnd/2013-7", TRACE_BITBRAINS, 0, 1, &t, err, sizeof err), 0);
    if (t.n_vms != 1) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    demand_series c = trace_series(&t, 0, TRACE_CPU), m = trace_series(&t, 0, TRACE_MEMORY);
    CHECK_INT_EQ(c.n, 8260);
    CHECK_NEAR(c.value[0], 87.779984, 1e-4);
    CHECK_NEAR(m.value[0], 0.125884, 1e-6);
    CHECK_INT_EQ(c.time_s[0], 0);
    CHECK_INT_EQ(c.time_s[1], 300);
    double sum = 0.0;
    for (uint32_t k = 0; k < c.n; k++)
        sum += c.value[k];
    CHECK_NEAR(sum / c.n, 677.257888, 1e-3);
    trace_free(&t);
}

/* demand_stateless and demand_noisy: for constant and diurnal demand,
 * demand_next is the expected level times the noise drawn (the host's
 * sample shares one expected level among a group's VMs). Same seed, same
 * draws: the two ways must give equal doubles; onoff, random walk and
 * trace keep state and are not stateless. A ceiling of 2000 MHz clamps the
 * diurnal peak 1500 * (1 + 0.6) = 2400. */
static void test_noisy_split(void)
{
    demand_spec c = {.kind = DEMAND_CONSTANT, .mean = 800.0, .noise = 0.2};
    demand_spec d = {.kind = DEMAND_DIURNAL, .mean = 1500.0, .amplitude = 0.6, .period_ns = 86400 * SIM_NS_PER_S,
                     .phase_ns = 18 * SIM_NS_PER_HOUR, .noise = 0.1, .ceiling = 2000.0};
    demand_spec o = {.kind = DEMAND_ONOFF}, w = {.kind = DEMAND_RANDOM_WALK}, t = {.kind = DEMAND_TRACE};
    CHECK(demand_stateless(&c) && demand_stateless(&d));
    CHECK(!demand_stateless(&o) && !demand_stateless(&w) && !demand_stateless(&t));
    gsl_rng *r1 = new_rng(7), *r2 = new_rng(7);
    demand_state s = {0};
    int equal = 0, clamped = 0;
    for (int k = 0; k < 288; k++) {
        sim_time_ns at = (sim_time_ns)k * 5 * SIM_NS_PER_MIN;
        const demand_spec *sp = k % 2 ? &c : &d;
        double a = demand_next(sp, &s, at, r1);
        double b = demand_noisy(sp, demand_expected(sp, at), r2);
        equal += a == b;
        clamped += a == 2000.0;
    }
    CHECK_INT_EQ(equal, 288);
    CHECK(clamped > 0); /* the peak hours of the diurnal half reach the ceiling */
    CHECK(demand_noisy(&d, 2400.0, NULL) == 2000.0); /* no rng: no noise, still clamped */
    gsl_rng_free(r1);
    gsl_rng_free(r2);
}

int main(void)
{
    test_noisy_split();
    test_kinds();
    test_onoff();
    test_random_walk();
    test_trace_interpolation();
    test_arrivals();
    test_lifecycle();
    test_trace_files();
    test_planetlab_day();
    test_bitbrains_vm1();
    return CHECK_DONE();
}
