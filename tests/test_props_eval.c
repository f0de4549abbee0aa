/* test_props_eval.c - evaluation of properties (analysis/props_eval.h) on
 * small hand-built traces, without HDF5. Times are in ns, the run ends at
 * 100. Every expected value is worked out in the comments.
 *
 * Hosts: h1 (row 0): cpu_usage 500 on [0,10), 950 on [10,20), 800 on
 *        [20,100); failed on [30,40), up otherwise.
 *        h2 (row 1): cpu_usage 100 throughout; failed on [95,100).
 *        both cpu_capacity 1000.
 * VMs:   web-01 (row 0, group web): running from 10; cpu_ready none on
 *        [0,10), 0.02 on [10,50), 0.08 on [50,100).
 *        db-01 (row 1, group db): running throughout, cpu_ready 0.5. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/props_eval.h"
#include "check.h"

#define END 100

static long count(void *ctx, props_kind k, char *err, size_t len)
{
    (void)ctx;
    (void)err;
    (void)len;
    return k == PK_HOST || k == PK_VM ? 2 : 0;
}

static int describe(void *ctx, props_kind k, size_t row, char *name, size_t nl, char *group, size_t gl,
                    char *err, size_t el)
{
    (void)ctx;
    (void)err;
    (void)el;
    if (k == PK_HOST) {
        snprintf(name, nl, "h%zu", row + 1);
        snprintf(group, gl, "esx");
    } else {
        snprintf(name, nl, row == 0 ? "web-01" : "db-01");
        snprintf(group, gl, row == 0 ? "web" : "db");
    }
    return 0;
}

static void steps(ps_signal *s, const int64_t *t, const double *v, int n)
{
    ps_init(s, END);
    for (int i = 0; i < n; i++)
        ps_push(s, t[i], v[i]);
}

static int signal(void *ctx, props_atom a, size_t row, ps_signal *out, char *err, size_t len)
{
    (void)ctx;
    switch (a) {
    case PA_HOST_CPU_USAGE:
        if (row == 0)
            steps(out, (int64_t[]){0, 10, 20}, (double[]){500, 950, 800}, 3);
        else
            steps(out, (int64_t[]){0}, (double[]){100}, 1);
        return 0;
    case PA_HOST_CPU_CAPACITY: steps(out, (int64_t[]){0}, (double[]){1000}, 1); return 0;
    case PA_HOST_FAILED:
    case PA_HOST_UP: {
        double f = a == PA_HOST_FAILED, u = 1 - f;
        if (row == 0)
            steps(out, (int64_t[]){0, 30, 40}, (double[]){u, f, u}, 3);
        else
            steps(out, (int64_t[]){0, 95}, (double[]){u, f}, 2);
        return 0;
    }
    case PA_VM_RUNNING:
        if (row == 0)
            steps(out, (int64_t[]){0, 10}, (double[]){0, 1}, 2);
        else
            steps(out, (int64_t[]){0}, (double[]){1}, 1);
        return 0;
    case PA_VM_CPU_READY:
        if (row == 0)
            steps(out, (int64_t[]){0, 10, 50}, (double[]){NAN, 0.02, 0.08}, 3);
        else
            steps(out, (int64_t[]){0}, (double[]){0.5}, 1);
        return 0;
    default: snprintf(err, len, "no such signal in this trace"); return -1;
    }
}

static const props_source source = {NULL, END, count, describe, signal, NULL};

static props_result run(const char *text)
{
    char err[256];
    props_result r;
    memset(&r, 0, sizeof r);
    props_node *n = props_parse(text, err, sizeof err);
    CHECK(n != NULL);
    if (!n) {
        fprintf(stderr, "  %s: %s\n", text, err);
        r.violations = -1;
        return r;
    }
    int rc = props_evaluate(n, &source, &r, err, sizeof err);
    CHECK(rc == 0);
    if (rc != 0)
        fprintf(stderr, "  %s: %s\n", text, err);
    props_free(n);
    return r;
}

int main(void)
{
    /* h1 is above 0.9 * 1000 = 900 only on [10,20) (950): one violation at
     * 10, witness 950 and 1000; h2 never. */
    props_result r = run("forall host: G host.cpu_usage <= 0.9 * host.cpu_capacity");
    CHECK_INT_EQ(r.entities, 2);
    CHECK_INT_EQ(r.violations, 1);
    CHECK_INT_EQ(r.pending, 0);
    CHECK_INT_EQ(r.shown[0].time_ns, 10);
    CHECK_INT_EQ(r.shown[0].obligation_ns, -1);
    CHECK(strcmp(r.shown[0].entity, "h1") == 0);
    CHECK(strcmp(r.shown[0].witness, "host.cpu_usage=950 MHz, host.cpu_capacity=1000 MHz") == 0);

    /* A threshold of 0.8 * 1000 = 800: h1 breaks it on [10,20) (950) only:
     * 800 <= 800 holds. */
    r = run("forall host: G host.cpu_usage <= 0.8 * host.cpu_capacity");
    CHECK_INT_EQ(r.violations, 1);

    /* h1 failed on [30,40): F[<=5] host.up at t needs up in [t, t+5], i.e.
     * t >= 35, so the body is false on [30,35): obligation 30, deadline 35.
     * h2 failed on [95,100): the window passes the end for every t there and
     * no up is seen: pending, not a violation. */
    r = run("forall host: G (host.failed -> F[<=5ns] host.up)");
    CHECK_INT_EQ(r.violations, 1);
    CHECK_INT_EQ(r.pending, 1);
    CHECK_INT_EQ(r.shown[0].time_ns, 35);
    CHECK_INT_EQ(r.shown[0].obligation_ns, 30);
    CHECK(strcmp(r.shown[0].witness, "host.failed=true, host.up=false") == 0);
    /* With 10 ns, h1 is up again at 40 = 30 + 10: kept (the window is closed). */
    r = run("forall host: G (host.failed -> F[<=10ns] host.up)");
    CHECK_INT_EQ(r.violations, 0);
    CHECK_INT_EQ(r.pending, 1);

    /* Without G the formula is decided at 0. h1: up on [0,30) until failed
     * at 30 <= 50: holds. h2: failed only at 95 > 50: broken, deadline 50. */
    r = run("forall host: host.up U[<=50ns] host.failed");
    CHECK_INT_EQ(r.violations, 1);
    CHECK(strcmp(r.shown[0].entity, "h2") == 0);
    CHECK_INT_EQ(r.shown[0].time_ns, 50);
    CHECK_INT_EQ(r.shown[0].obligation_ns, 0);
    /* h2 with bound 95: failed at 95 = 0 + 95, up on [0,95): holds. */
    r = run("forall host: host.up U[<=95ns] host.failed");
    CHECK_INT_EQ(r.violations, 0);
    /* U needs phi until psi: h1 is up on [0,30) only, so "up U failed"
     * evaluated at every time with G fails where up and failed are both
     * false... never (up = !failed); "failed U up" at t in [30,40): failed
     * holds until up at 40 <= t + 20, fine; at t < 30 up holds at once. */
    r = run("forall host: G (host.failed U[<=20ns] host.up)");
    CHECK_INT_EQ(r.violations, 0);
    CHECK_INT_EQ(r.pending, 1); /* h2 on [95,100): still failed at the end */

    /* U refuted by its left side: "!failed U[<=100] cpu_usage > 900".
     * h1: usage > 900 only on [10,20). t in [0,20): not failed up to the
     * witness (10 or t itself): true. t in [20,40): failed at 30 (or now)
     * comes before any witness: false. t in [40,100): never failed again,
     * no witness, the window passes the end: pending. h2: usage 100, failed
     * from 95: false on all of [0,100). So 2 violations, 1 pending. */
    r = run("forall host: G (!host.failed U[<=100ns] host.cpu_usage > \"900MHz\")");
    CHECK_INT_EQ(r.violations, 2);
    CHECK_INT_EQ(r.pending, 1);
    CHECK_INT_EQ(r.shown[0].obligation_ns, 20);
    CHECK_INT_EQ(r.shown[1].obligation_ns, 0);
    /* "up U[<=100] failed": h1 true on [0,40) (failed at 30 or now), pending
     * on [40,100); h2 true throughout (failed at 95). */
    r = run("forall host: G (host.up U[<=100ns] host.failed)");
    CHECK_INT_EQ(r.violations, 0);
    CHECK_INT_EQ(r.pending, 1);

    /* web-01: cpu_ready none on [0,10) (pending: no value), 0.02 < 0.05 on
     * [10,50), 0.08 from 50: a violation at 50. db-01 is not in group web. */
    r = run("forall vm in group \"web\": G vm.cpu_ready < 0.05");
    CHECK_INT_EQ(r.entities, 1);
    CHECK_INT_EQ(r.violations, 1);
    CHECK_INT_EQ(r.pending, 1);
    CHECK_INT_EQ(r.shown[0].time_ns, 50);
    CHECK(strcmp(r.shown[0].witness, "vm.cpu_ready=0.08") == 0);
    /* Guarded by vm.running: [0,10) is vacuously true. */
    r = run("forall vm in group \"web\": G (vm.running -> vm.cpu_ready < 0.05)");
    CHECK_INT_EQ(r.violations, 1);
    CHECK_INT_EQ(r.pending, 0);
    /* Every VM: db-01 is at 0.5 from 0: violations at 50 (web-01) and 0 (db-01). */
    r = run("forall vm: G (vm.running -> vm.cpu_ready < 0.05)");
    CHECK_INT_EQ(r.entities, 2);
    CHECK_INT_EQ(r.violations, 2);
    CHECK(strcmp(r.shown[1].entity, "db-01") == 0);
    CHECK_INT_EQ(r.shown[1].time_ns, 0);

    /* F[<=d] at top level: web-01 runs at 10 <= 10 holds; at 9 it does not. */
    r = run("forall vm in group \"web\": F[<=10ns] vm.running");
    CHECK_INT_EQ(r.violations, 0);
    r = run("forall vm in group \"web\": F[<=9ns] vm.running");
    CHECK_INT_EQ(r.violations, 1);
    CHECK_INT_EQ(r.shown[0].time_ns, 9);
    /* A bound past the end: web-01 is not running at 0, so the witness is
     * at hand; db-01 runs throughout, so no witness is seen before the end
     * at 100 < 0 + 200: pending. */
    r = run("forall vm in group \"web\": F[<=200ns] !vm.running");
    CHECK_INT_EQ(r.violations, 0);
    CHECK_INT_EQ(r.pending, 0);
    r = run("forall vm in group \"db\": F[<=200ns] !vm.running");
    CHECK_INT_EQ(r.violations, 0);
    CHECK_INT_EQ(r.pending, 1);

    /* Nested G: "G F[<=5] up" on h1 is false on [30,35) -> one violation;
     * h2 is pending on [95,100) (and only there). */
    r = run("forall host: G F[<=5ns] host.up");
    CHECK_INT_EQ(r.violations, 1);
    CHECK_INT_EQ(r.pending, 1);
    return CHECK_DONE();
}
