/* test_experiment.c - experiment designs and sweep statistics:
 *   - cell statistics against hand calculation (Student-t critical values
 *     from the printed table: t_{0.975,3} = 3.182446, t_{0.975,2} = 4.302653);
 *   - replication seeds: the published first SplitMix64 output, distinct,
 *     reproducible, the same list in every cell;
 *   - paired differences against the baseline cell, by hand;
 *   - cell order of cartesian and zip designs;
 *   - the experiment key table is well formed, and a file loads.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/metrics.h"
#include "analysis/sweep_table.h"
#include "check.h"
#include "scenario/experiment.h"

static void test_cell_stat(void)
{
    /* 1, 2, 3, 4: mean 2.5, s^2 = (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3,
     * half-width 3.182446 * sqrt(5/3) / 2 = 2.054260. A NaN is left out. */
    double v[] = {1, 2, NAN, 3, 4};
    sweep_cell_stat s;
    sweep_cell_stat_of(v, 5, 0.95, &s);
    CHECK_INT_EQ(s.n, 4);
    CHECK_NEAR(s.mean, 2.5, 1e-12);
    CHECK_NEAR(s.sd, sqrt(5.0 / 3.0), 1e-12);
    CHECK_NEAR(s.half_width, 2.054260, 1e-5);

    double one[] = {7};
    sweep_cell_stat_of(one, 1, 0.95, &s);
    CHECK_INT_EQ(s.n, 1);
    CHECK_NEAR(s.mean, 7, 0);
    CHECK(isnan(s.sd) && isnan(s.half_width));
    sweep_cell_stat_of(one, 0, 0.95, &s);
    CHECK(s.n == 0 && isnan(s.mean));
}

/* A tiny design: 2 cells x 4 replications, one metric; in cell 1 the run of
 * replication 3 failed, so its value (999) must not count. */
static void test_table_cells(void)
{
    const char *keys[] = {"hosts.[0].count"};
    const char *names[] = {"energy_kwh"};
    const char *units[] = {"kWh"};
    const char *cell_values[] = {"4", "8"};
    uint64_t seed[8] = {0};
    int status[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    double wall[8] = {0};
    const char *message[8] = {"", "", "", "", "", "", "", "exit 1"};
    double values[8] = {1, 2, 3, 4, 10, 12, 17, 999};
    sweep_table t = {.n_factors = 1, .n_metrics = 1, .factor_keys = keys, .metric_names = names,
                     .metric_units = units, .n_cells = 2, .replications = 4, .cell_values = cell_values,
                     .level = 0.95, .seed = seed, .status = status, .wall_s = wall, .message = message,
                     .values = values};
    sweep_cell_stat s;
    sweep_table_cell(&t, 0, 0, &s);
    CHECK_NEAR(s.half_width, 2.054260, 1e-5);
    /* 10, 12, 17: mean 13, s^2 = (9 + 1 + 16) / 2 = 13,
     * half-width 4.302653 * sqrt(13) / sqrt(3) = 8.956686. */
    sweep_table_cell(&t, 1, 0, &s);
    CHECK_INT_EQ(s.n, 3);
    CHECK_NEAR(s.mean, 13, 1e-12);
    CHECK_NEAR(s.sd, sqrt(13.0), 1e-12);
    CHECK_NEAR(s.half_width, 8.956686, 1e-5);
}

/* Paired differences: cell 1 minus cell 0, replication by replication.
 * Replication 3 of the baseline failed, so it drops out of both.
 * d = 11-10, 15-12, 18-17 = 1, 3, 1: mean 5/3, s^2 = (4/9 + 16/9 + 4/9) / 2
 * = 4/3, half-width 4.302653 * sqrt(4/3) / sqrt(3) = 2.868435. */
static void test_paired(void)
{
    const char *keys[] = {"placement.policy"};
    const char *names[] = {"energy_kwh"};
    const char *units[] = {"kWh"};
    const char *cell_values[] = {"first_fit", "drs"};
    uint64_t seed[8] = {0};
    int status[8] = {0, 0, 0, 1, 0, 0, 0, 0};
    double wall[8] = {0};
    const char *message[8] = {"", "", "", "", "", "", "", ""};
    double values[8] = {10, 12, 17, 5, 11, 15, 18, 100};
    sweep_table t = {.n_factors = 1, .n_metrics = 1, .factor_keys = keys, .metric_names = names,
                     .metric_units = units, .n_cells = 2, .replications = 4, .cell_values = cell_values,
                     .level = 0.95, .seed = seed, .status = status, .wall_s = wall, .message = message,
                     .values = values};
    char path[1024], err[1200], line[1024] = "";
    snprintf(path, sizeof path, "%s/test_experiment_paired.csv", VDCSIM_TEST_TMPDIR);
    CHECK(sweep_write_paired_csv(&t, 2, path, err, sizeof err) == 0);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    int lines = 0;
    char header[1024] = "";
    if (fgets(header, sizeof header, f))
        lines++;
    if (fgets(line, sizeof line, f))
        lines++;
    while (fgets(err, sizeof err, f))
        lines++;
    fclose(f);
    remove(path);
    CHECK_INT_EQ(lines, 2);
    CHECK(strncmp(header, "cell,placement.policy,baseline_cell,metric,unit,n,mean_diff,", 60) == 0);
    char cell_value[64], metric[64];
    long long cell, base, n;
    double mean, sd, lo, hi, hw;
    int got = sscanf(line, "%lld,%63[^,],%lld,%63[^,],kWh,%lld,%lf,%lf,%lf,%lf,%lf", &cell, cell_value, &base,
                     metric, &n, &mean, &sd, &lo, &hi, &hw);
    CHECK_INT_EQ(got, 10);
    CHECK(cell == 1 && base == 0 && strcmp(cell_value, "drs") == 0 && strcmp(metric, "energy_kwh") == 0);
    CHECK_INT_EQ(n, 3);
    CHECK_NEAR(mean, 5.0 / 3.0, 1e-12);
    CHECK_NEAR(sd, sqrt(4.0 / 3.0), 1e-12);
    CHECK_NEAR(hw, 2.868435, 1e-5);
    CHECK_NEAR(lo, 5.0 / 3.0 - hw, 1e-12);
}

static void test_seeds(void)
{
    /* SplitMix64 from state 0: first output 0xE220A8397B1DCDAF (Vigna's
     * reference splitmix64.c); shifted right one bit. */
    CHECK(experiment_seed(0, 0) == 0xE220A8397B1DCDAFULL >> 1);
    CHECK(experiment_seed(12345, 3) == experiment_seed(12345, 3));
    CHECK(experiment_seed(1, 0) != experiment_seed(2, 0));
    enum { N = 2000 };
    static uint64_t s[N];
    int distinct = 1, fits = 1;
    for (int i = 0; i < N; i++) {
        s[i] = experiment_seed(42, i);
        fits &= s[i] <= (uint64_t)INT64_MAX;
        for (int j = 0; j < i; j++)
            distinct &= s[j] != s[i];
    }
    CHECK(distinct);
    CHECK(fits);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_load_and_cells(void)
{
    char path[1024], text[4096], err[4096];
    snprintf(path, sizeof path, "%s/test_experiment.cfg", VDCSIM_TEST_TMPDIR);
    snprintf(text, sizeof text,
             "scenario = \"%s/tests/scenarios/good/minimal.cfg\";\n"
             "replications = 2;\n"
             "seed = 5;\n"
             "set = [ \"simulation.until=1h\" ];\n"
             "factors = ( { key = \"hosts.[0].count\"; values = [ 1, 2 ]; },\n"
             "            { key = \"simulation.sample_period\"; values = ( \"1m\", \"5m\", \"10m\" ); } );\n"
             "metrics = [ \"energy_kwh\" ];\n",
             VDCSIM_SOURCE_DIR);
    write_file(path, text);
    experiment *e = experiment_load(path, err, sizeof err);
    CHECK(e != NULL);
    if (!e) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    CHECK_INT_EQ(e->n_cells, 6);
    CHECK_INT_EQ(experiment_runs(e), 12);
    int idx[2];
    experiment_cell_values(e, 4, idx); /* last factor fastest: cell 4 = (1, 1) */
    CHECK(idx[0] == 1 && idx[1] == 1);
    CHECK(strcmp(e->factors[1].values[idx[1]], "5m") == 0);
    int n;
    char **ovs = experiment_run_overrides(e, 4, 1, &n);
    CHECK_INT_EQ(n, 4);
    if (ovs) {
        CHECK(strcmp(ovs[0], "simulation.until=1h") == 0);
        CHECK(strcmp(ovs[1], "hosts.[0].count=2") == 0);
        CHECK(strcmp(ovs[2], "simulation.sample_period=5m") == 0);
        char want[64];
        snprintf(want, sizeof want, "simulation.seed=%llu", (unsigned long long)experiment_seed(5, 1));
        CHECK(strcmp(ovs[3], want) == 0);
        experiment_free_overrides(ovs, n);
    }
    /* Output defaults to the file's name with .sweep. */
    char want_out[1100];
    snprintf(want_out, sizeof want_out, "%s/test_experiment.sweep", VDCSIM_TEST_TMPDIR);
    CHECK(strcmp(e->output_dir, want_out) == 0);
    experiment_free(e);

    /* zip: the i-th values together; lists of different lengths refused. */
    snprintf(text, sizeof text,
             "scenario = \"%s/tests/scenarios/good/minimal.cfg\";\n"
             "design = \"zip\";\n"
             "factors = ( { key = \"hosts.[0].count\"; values = [ 1, 2, 3 ]; },\n"
             "            { key = \"simulation.sample_period\"; values = [ \"1m\", \"5m\", \"10m\" ]; } );\n"
             "metrics = [ \"energy_kwh\" ];\n",
             VDCSIM_SOURCE_DIR);
    write_file(path, text);
    e = experiment_load(path, err, sizeof err);
    CHECK(e != NULL);
    if (e) {
        CHECK_INT_EQ(e->n_cells, 3);
        experiment_cell_values(e, 2, idx);
        CHECK(idx[0] == 2 && idx[1] == 2);
        experiment_free(e);
    }
    snprintf(text, sizeof text,
             "scenario = \"%s/tests/scenarios/good/minimal.cfg\";\n"
             "design = \"zip\";\n"
             "factors = ( { key = \"hosts.[0].count\"; values = [ 1, 2, 3 ]; },\n"
             "            { key = \"simulation.sample_period\"; values = [ \"1m\", \"5m\" ]; } );\n"
             "metrics = [ \"energy_kwh\" ];\n",
             VDCSIM_SOURCE_DIR);
    write_file(path, text);
    e = experiment_load(path, err, sizeof err);
    CHECK(e == NULL);
    char want_err[1200];
    snprintf(want_err, sizeof want_err, "%s:4: key 'factors.[1].values': 2 values", path);
    CHECK(strstr(err, want_err) != NULL);
    if (!strstr(err, want_err))
        fprintf(stderr, "  got: %s\n", err);
    experiment_free(e);

    /* Float values keep their short text (they name cells in the tables). */
    snprintf(text, sizeof text,
             "scenario = \"%s/tests/scenarios/good/minimal.cfg\";\n"
             "factors = ( { key = \"drs.min_goodness\"; values = [ 0.1, 0.25, 1.0 ]; } );\n"
             "metrics = [ \"energy_kwh\" ];\n",
             VDCSIM_SOURCE_DIR);
    write_file(path, text);
    e = experiment_load(path, err, sizeof err);
    CHECK(e != NULL);
    if (e) {
        CHECK(strcmp(e->factors[0].values[0], "0.1") == 0);
        CHECK(strcmp(e->factors[0].values[1], "0.25") == 0);
        CHECK(strcmp(e->factors[0].values[2], "1") == 0);
        experiment_free(e);
    }

    /* A string value longer than an override's value (1023 bytes) is
     * refused, not cut. */
    char long_name[1101];
    memset(long_name, 'h', 1100);
    long_name[1100] = '\0';
    snprintf(text, sizeof text,
             "scenario = \"%s/tests/scenarios/good/minimal.cfg\";\n"
             "factors = ( { key = \"hosts.[0].name\"; values = [ \"a\", \"%s\" ]; } );\n"
             "metrics = [ \"energy_kwh\" ];\n",
             VDCSIM_SOURCE_DIR, long_name);
    write_file(path, text);
    e = experiment_load(path, err, sizeof err);
    CHECK(e == NULL);
    snprintf(want_err, sizeof want_err, "%s:2: key 'factors.[0].values.[1]': a value of 1100 bytes (expected at most "
             "1023)", path);
    CHECK(strstr(err, want_err) != NULL);
    if (!strstr(err, want_err))
        fprintf(stderr, "  got: %s\n", err);
    experiment_free(e);

    /* The scenario's pre-pass reads the experiment file too: a string after
     * ',' at the top level is refused (libconfig 1.5 leaked its buffer),
     * and a seed wider than 32 bits is kept whole (libconfig alone kept the
     * low 32 bits: 4294967301 = 2^32 + 5 became 5). */
    snprintf(text, sizeof text,
             "scenario = \"%s/tests/scenarios/good/minimal.cfg\";\n"
             "seed = 1, \"x\";\n"
             "metrics = [ \"energy_kwh\" ];\n",
             VDCSIM_SOURCE_DIR);
    write_file(path, text);
    e = experiment_load(path, err, sizeof err);
    CHECK(e == NULL);
    snprintf(want_err, sizeof want_err, "%s:2: syntax error: unexpected string", path);
    CHECK(strstr(err, want_err) == err);
    if (strstr(err, want_err) != err)
        fprintf(stderr, "  got: %s\n", err);
    experiment_free(e);
    snprintf(text, sizeof text,
             "scenario = \"%s/tests/scenarios/good/minimal.cfg\";\n"
             "seed = 4294967301;\n"
             "metrics = [ \"energy_kwh\" ];\n",
             VDCSIM_SOURCE_DIR);
    write_file(path, text);
    e = experiment_load(path, err, sizeof err);
    CHECK(e != NULL);
    if (e)
        CHECK(e->seed == 4294967301ULL);
    else
        fprintf(stderr, "  %s\n", err);
    experiment_free(e);
    remove(path);
}

static void test_schema(void)
{
    char why[512];
    CHECK(scn_schema_check_in(&scn_experiment_schema, why, sizeof why) == 0);
    char entity[64];
    CHECK(metric_find("energy_kwh", entity, sizeof entity) != NULL);
    CHECK(metric_find("energy_kwh[x]", entity, sizeof entity) == NULL);
    const metric_def *m = metric_find("service_latency_p99_ms[web]", entity, sizeof entity);
    CHECK(m != NULL && strcmp(entity, "web") == 0);
    CHECK(metric_find("service_latency_p99_ms", entity, sizeof entity) == NULL);
}

int main(void)
{
    test_cell_stat();
    test_table_cells();
    test_paired();
    test_seeds();
    test_load_and_cells();
    test_schema();
    return CHECK_DONE();
}
