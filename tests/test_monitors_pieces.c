/* test_monitors_pieces.c - the VM pieces of the end-of-run check
 * (models/monitors/monitor_joined.h; docs/properties.md, "Monitors and MPI
 * ranks"): what two ranks keep of one VM, carried as flat bytes and joined
 * on rank 0, gives the signals one process gives, by hand.
 *
 * One VM, web-01; sample period 5m, run end 1h. The VM starts at 1s on a
 * host of rank A, fails there at 20m, is restarted at 20m16s on a host of
 * rank B, moves back to A at 32m (a vMotion: no record) and is stopped on A
 * at 50m. Ready at the samples: A 5m 0.1, 10m 0.1, 15m 0.2, 20m 0.2 (the
 * sample before the failure); B 25m 0.3, 30m 0.3; A 35m 0.2, 40m 0.2.
 * By hand (a series value holds one period, then is missing unless the
 * next sample comes: docs/properties.md):
 *  - vm.cpu_ready: NaN on [0, 5m), 0.1 from 5m, 0.2 from 15m, 0.3 from 25m
 *    (B's 25m sample is one period after A's 20m: no gap), 0.2 from 35m (B's
 *    30m sample and A's 35m one are consecutive too), NaN from 45m (no
 *    sample after 40m). A's piece holds 0.2 at 15m and again at 35m: they
 *    must not merge across B's values (A's 35m sample does not follow A's
 *    previous one, 20m, by one period);
 *  - vm.running: 0, 1 from 1s, 0 from 20m, 1 from 20m16s, 0 from 50m;
 *    vm.failed: 1 on [20m, 20m16s);
 *  - vm.power_state (0 off, 1 on): as vm.running; vm.power_state_before:
 *    -1, 0 from 1s, 1 from 20m (on before the failure), 0 from 20m16s (off
 *    before the restart on B, which B alone cannot know), 1 from 50m.
 * The same records and samples fed to one object (one process) give the
 * same signals; damaged bytes and pieces holding one time are refused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_file.h"
#include "check.h"
#include "models/core/model_env.h"
#include "models/monitors/monitor_joined.h"
#include "scenario/scenario.h"

#define S 1000000000LL
#define M (60 * S)

static const char *const pieces_cfg =
    "simulation = { until = \"1h\"; sample_period = \"5m\"; };\n"
    "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 2; cpu = \"1GHz\";\n"
    "            memory = \"16GiB\"; } );\n"
    "vms = ( { name = \"web\"; count = 1; vcpus = 1; memory = \"1GiB\";\n"
    "          cpu_demand = { kind = \"constant\"; mean = \"500MHz\"; }; } );\n";

typedef struct fixture {
    scenario *scn;
    model_env env;
    vm_group_spec gs;
    vm_spec spec;
    props_list props;
} fixture;

static int fixture_init(fixture *f)
{
    char err[512];
    memset(f, 0, sizeof *f);
    f->scn = scenario_load_string(pieces_cfg, "pieces.cfg", NULL, 0, err, sizeof err);
    if (!f->scn) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    f->spec.gs = &f->gs;
    f->env.n_vms = 1;
    f->env.vm_spec_store = &f->spec;
    /* one property naming every atom kept from the hosts */
    props_spec spec = {.name = "all",
                       .formula = "forall vm: G ((vm.running || vm.failed) -> (vm.cpu_ready < 0.5 && "
                                  "vm.power_state_before < 2 && vm.power_state < 2))",
                       .line = 1};
    const char *bad_key = NULL;
    return props_list_add(&f->props, &spec, NULL, &bad_key, err, sizeof err);
}

/* The rank-A and rank-B halves of the story (a: 1, b: 2, both: 3). */
static void feed(monitor_joined *j, int which)
{
    if (which & 1) {
        monitor_joined_record(j, 0, 1 * S, MJ_VM_STARTED);
        monitor_joined_sample(j, 0, 5 * M, 0.1, 500, 500);
        monitor_joined_sample(j, 0, 10 * M, 0.1, 500, 500);
        monitor_joined_sample(j, 0, 15 * M, 0.2, 500, 500);
        monitor_joined_sample(j, 0, 20 * M, 0.2, 500, 500);
        monitor_joined_record(j, 0, 20 * M, MJ_VM_FAILED);
    }
    if (which & 2) {
        monitor_joined_record(j, 0, 20 * M + 16 * S, MJ_VM_STARTED);
        monitor_joined_sample(j, 0, 25 * M, 0.3, 500, 500);
        monitor_joined_sample(j, 0, 30 * M, 0.3, 500, 500);
    }
    if (which & 1) {
        monitor_joined_sample(j, 0, 35 * M, 0.2, 500, 500);
        monitor_joined_sample(j, 0, 40 * M, 0.2, 500, 500);
        monitor_joined_record(j, 0, 50 * M, MJ_VM_STOPPED);
    }
}

static int same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Whether j's signal of atom a is exactly the n segments (t, v). */
static int signal_is(const monitor_joined *j, props_atom a, const int64_t *t, const double *v, size_t n)
{
    ps_signal s;
    char err[256];
    if (monitor_joined_signal(j, NULL, a, 0, &s, err, sizeof err) != 0) {
        fprintf(stderr, "  %s\n", err);
        return 0;
    }
    int ok = s.n == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = s.seg[i].t == t[i] && same(s.seg[i].v, v[i]);
    if (!ok)
        for (size_t i = 0; i < s.n; i++)
            fprintf(stderr, "  segment %zu: %lld %g\n", i, (long long)s.seg[i].t, s.seg[i].v);
    ps_free(&s);
    return ok;
}

static void check_story(const monitor_joined *j)
{
    const int64_t ready_t[] = {0, 5 * M, 15 * M, 25 * M, 35 * M, 45 * M};
    const double ready_v[] = {NAN, 0.1, 0.2, 0.3, 0.2, NAN};
    CHECK(signal_is(j, PA_VM_CPU_READY, ready_t, ready_v, 6));
    const int64_t run_t[] = {0, 1 * S, 20 * M, 20 * M + 16 * S, 50 * M};
    const double run_v[] = {0, 1, 0, 1, 0};
    CHECK(signal_is(j, PA_VM_RUNNING, run_t, run_v, 5));
    CHECK(signal_is(j, PA_VM_POWER_STATE, run_t, run_v, 5));
    const double before_v[] = {-1, 0, 1, 0, 1};
    CHECK(signal_is(j, PA_VM_POWER_STATE_BEFORE, run_t, before_v, 5));
    const int64_t failed_t[] = {0, 20 * M, 20 * M + 16 * S};
    const double failed_v[] = {0, 1, 0};
    CHECK(signal_is(j, PA_VM_FAILED, failed_t, failed_v, 3));
}

int main(void)
{
    fixture f;
    if (fixture_init(&f) != 0) {
        fprintf(stderr, "cannot set up the fixture\n");
        return 1;
    }
    int64_t end = 60 * M, period = 5 * M;
    char err[256];

    /* one process: everything in one object */
    monitor_joined *one = NULL;
    CHECK_INT_EQ(monitor_joined_new(&one, &f.props, f.scn, &f.env, end, period, 0), 0);
    CHECK(one == NULL); /* no vmotion.active: nothing joined in one process */
    CHECK_INT_EQ(monitor_joined_new(&one, &f.props, f.scn, &f.env, end, period, 1), 0);
    CHECK(one != NULL && monitor_joined_owns(one, 0));
    feed(one, 3);
    check_story(one);

    /* two ranks: A is rank 0, B sends its piece */
    monitor_joined *a = NULL, *b = NULL;
    CHECK_INT_EQ(monitor_joined_new(&a, &f.props, f.scn, &f.env, end, period, 1), 0);
    CHECK_INT_EQ(monitor_joined_new(&b, &f.props, f.scn, &f.env, end, period, 1), 0);
    feed(a, 1);
    feed(b, 2);
    unsigned char *bytes = NULL;
    size_t len = 0;
    CHECK_INT_EQ(monitor_joined_pack(b, &bytes, &len), 0);
    /* u32 vm, records, runs, one series slot; 1 record, 1 run, 1 segment (0.3 merged at 30m) */
    CHECK_INT_EQ(len, 4 * 4 + 3 * 16);
    unsigned char *copy = malloc(len);
    if (copy)
        memcpy(copy, bytes, len);
    CHECK_INT_EQ(monitor_joined_adopt(a, bytes, len, err, sizeof err), 0);
    check_story(a);

    /* the same piece from B twice: two pieces at one time, refused */
    monitor_joined *twice = NULL;
    CHECK_INT_EQ(monitor_joined_new(&twice, &f.props, f.scn, &f.env, end, period, 1), 0);
    unsigned char *both = malloc(2 * len);
    if (both && copy) {
        memcpy(both, copy, len);
        memcpy(both + len, copy, len);
    }
    CHECK_INT_EQ(monitor_joined_adopt(twice, both, 2 * len, err, sizeof err), 0);
    ps_signal s;
    CHECK_INT_EQ(monitor_joined_signal(twice, NULL, PA_VM_RUNNING, 0, &s, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, "two ranks logged records of VM 0 at one time");

    /* damaged: cut short, or a count larger than the bytes */
    monitor_joined *cut = NULL, *big = NULL;
    CHECK_INT_EQ(monitor_joined_new(&cut, &f.props, f.scn, &f.env, end, period, 1), 0);
    CHECK_INT_EQ(monitor_joined_new(&big, &f.props, f.scn, &f.env, end, period, 1), 0);
    unsigned char *short_copy = malloc(len);
    unsigned char *big_copy = malloc(len);
    if (short_copy && big_copy && copy) {
        memcpy(short_copy, copy, len);
        memcpy(big_copy, copy, len);
        uint32_t huge = UINT32_MAX;
        memcpy(big_copy + 4, &huge, sizeof huge); /* records */
    }
    err[0] = '\0';
    CHECK_INT_EQ(monitor_joined_adopt(cut, short_copy, len - 1, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, "damaged");
    err[0] = '\0';
    CHECK_INT_EQ(monitor_joined_adopt(big, big_copy, len, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, "damaged");

    free(copy);
    monitor_joined_free(one);
    monitor_joined_free(a);
    monitor_joined_free(b);
    monitor_joined_free(twice);
    monitor_joined_free(cut);
    monitor_joined_free(big);
    props_list_free(&f.props);
    scenario_free(f.scn);
    return CHECK_DONE();
}
