/* test_props_stripes.c - `vdcsim verify` reads a large series a stripe of
 * entities at a time (analysis/props_h5.h): the same violations, counts and
 * witnesses as reading it whole.
 *
 * A run of 300 hosts (the recorder's host chunks are 64 x 256: two chunk
 * columns, 256 and 44 hosts) is checked twice by the same two properties
 * over /series/host/cpu_usage_mhz: with the default 64 MiB the series
 * (300 x 145 cells) is read whole, once for both properties (1 read); with
 * 1 byte it is read in stripes of one chunk column, each once per property
 * (2 stripes x 2 properties = 4 reads). Idle hosts, among them every host
 * of the second stripe, break the second property, so both stripes give
 * violations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_eval.h"
#include "analysis/props_file.h"
#include "analysis/props_h5.h"
#include "tests/run_h5.h"

static const char *const SCENARIO =
    "simulation = { seed = 7; until = \"12h\"; control_latency = \"1s\"; sample_period = \"5m\"; };\n"
    "hosts = ( { name = \"esx\"; count = 300; sockets = 1; cores_per_socket = 4; cpu = \"2GHz\"; memory = \"64GiB\"; } );\n"
    "vms = ( { name = \"web\"; count = 200; vcpus = 2; memory = \"8GiB\";\n"
    "          cpu_demand = { kind = \"diurnal\"; mean = \"3GHz\"; amplitude = 0.5; period = \"1d\"; noise = 0.1; }; } );\n";

static const char *const PROPERTIES =
    "properties = (\n"
    "  { name = \"headroom\"; formula = \"forall host: G host.cpu_usage <= 0.4 * host.cpu_capacity\"; },\n"
    "  { name = \"busy\"; formula = \"forall host: G host.cpu_usage >= \\\"1GHz\\\"\"; }\n"
    ");\n";

typedef struct {
    int n;
    char text[64][512];
} seen;

static void on_violation(void *arg, const props_violation *v)
{
    seen *s = arg;
    if (s->n < 64)
        snprintf(s->text[s->n++], sizeof s->text[0], "%lld %lld %s %s", (long long)v->time_ns,
                 (long long)v->obligation_ns, v->entity, v->witness);
}

/* Both properties on h5 with the given whole-series bytes; the results and
 * violations into *out, the reads into *reads. */
static int verify(const char *h5, const char *cfg, size_t whole_bytes, props_result res[2], seen *out, long *reads)
{
    char err[512];
    props_source src;
    props_h5 *r = NULL;
    props_builtin_params params;
    props_list list = {0};
    memset(out, 0, sizeof *out);
    if (props_h5_open(h5, &r, &src, err, sizeof err) != 0 || props_h5_builtin_params(r, &params, err, sizeof err) != 0 ||
        props_file_load(cfg, &params, &list, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        props_h5_close(r);
        return -1;
    }
    props_h5_set_whole_bytes(r, whole_bytes);
    int rc = list.n == 2 ? 0 : -1;
    for (int i = 0; i < list.n && rc == 0; i++)
        rc = props_evaluate_each(list.items[i].ast, &src, &res[i], on_violation, out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    *reads = props_h5_stripe_reads(r);
    props_list_free(&list);
    props_h5_close(r);
    return rc;
}

int main(void)
{
    char h5[512], cfg[512];
    CHECK_INT_EQ(run_h5_file("props_stripes", SCENARIO, 1, h5, sizeof h5), 0);
    snprintf(cfg, sizeof cfg, "%s/props_stripes_props.cfg", VDCSIM_TEST_TMPDIR);
    FILE *f = fopen(cfg, "w");
    CHECK(f != NULL);
    if (!f)
        return CHECK_DONE();
    fputs(PROPERTIES, f);
    fclose(f);

    props_result whole[2] = {{0}}, striped[2] = {{0}};
    static seen a, b;
    long whole_reads = 0, stripe_reads = 0;
    CHECK_INT_EQ(verify(h5, cfg, (size_t)64 << 20, whole, &a, &whole_reads), 0);
    CHECK_INT_EQ(verify(h5, cfg, 1, striped, &b, &stripe_reads), 0);
    CHECK_INT_EQ(whole_reads, 1);
    CHECK_INT_EQ(stripe_reads, 4);
    for (int i = 0; i < 2; i++) {
        CHECK_INT_EQ(striped[i].violations, whole[i].violations);
        CHECK_INT_EQ(striped[i].pending, whole[i].pending);
        CHECK_INT_EQ(striped[i].entities, whole[i].entities);
    }
    CHECK_INT_EQ(whole[0].entities, 300);
    CHECK(whole[0].violations > 0);
    CHECK(whole[1].violations >= 44); /* at least the idle hosts of the second stripe */
    CHECK_INT_EQ(b.n, a.n);
    for (int k = 0; k < a.n && k < b.n; k++)
        if (strcmp(a.text[k], b.text[k]) != 0) {
            fprintf(stderr, "  violation %d: whole '%s', stripes '%s'\n", k, a.text[k], b.text[k]);
            CHECK(0);
        }
    /* a violation from the second stripe is among them */
    int second = 0;
    for (int k = 0; k < b.n; k++)
        second |= strstr(b.text[k], "esx-3") != NULL || strstr(b.text[k], "esx-26") != NULL;
    CHECK(second);
    remove(h5);
    remove(cfg);
    return CHECK_DONE();
}
