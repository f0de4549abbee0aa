/* test_props_builtins.c - the lifecycle built-ins (issue 17, item 3;
 * docs/properties.md, "Built-in properties") on hand-built record traces,
 * checked by the offline evaluator and by the online monitors
 * (analysis/props_monitor.h) with the same expected values, worked out
 * below. Times in ns; the run ends at 100.
 *
 * VM records (props_lifecycle.h: 0 started, 1 stopped, 2 failed):
 *  good-01: started 10, failed 30, started 50: off -> on -> off -> on.
 *  bad-01:  started 10, started 20 (a power-on of a powered-on VM: the
 *           self-transition on -> on), stopped 60.
 *  susp-01: no records; its power state is set by hand to suspended at 40
 *           (before: poweredOff): the transition off -> suspended, which
 *           the machine does not have (vSphere suspends only a powered-on
 *           VM).
 * vm_lifecycle: good-01 holds; bad-01 breaks at 20 (before 1, state 1) and
 * holds again from 60 (on -> off); susp-01 breaks at 40 (before 0, state 2).
 *
 * Pod records (0 started, 1 oom_killed, 2 crashed, 3 restarted, 4 failed):
 *  api-01: started 10, crashed 20, restarted 22, failed 40, started 60:
 *          Pending, Running from 10 (the crash and restart keep it
 *          Running), Failed from 40, then its replacement Pending -> Running
 *          at 60.
 *  api-02: started 10, failed 40, crashed 50: a container exit of a Failed
 *          pod reads as Running again: Failed -> Running at 50.
 * pod_lifecycle: api-01 holds; api-02 breaks at 50 (before 3, phase 1).
 *
 * A deadline over the power state, G (vm.power_state == 0 -> F[<=15ns]
 * vm.power_state == 1): good-01 is off on [0,10) (on at 10 <= t + 15) and on
 * [30,50): on at 50 > t + 15 for t < 35: violation at 45, obligation 30.
 * bad-01 is off from 60 to the end: false for t + 15 < 100, i.e. [60,85):
 * violation at 75, obligation 60; pending on [85,100). susp-01 is off on
 * [0,40) and never on: violation at 15, obligation 0. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/props_builtin.h"
#include "analysis/props_eval.h"
#include "analysis/props_file.h"
#include "analysis/props_lifecycle.h"
#include "analysis/props_monitor.h"
#include "check.h"

#define END 100
#define N_VMS 3
#define N_PODS 2

typedef struct rec {
    int64_t t;
    int kind;
} rec;

static const rec vm_recs[N_VMS][4] = {
    {{10, 0}, {30, 2}, {50, 0}, {-1, 0}},
    {{10, 0}, {20, 0}, {60, 1}, {-1, 0}},
    {{-1, 0}},
};
static const rec pod_recs[N_PODS][6] = {
    {{10, 0}, {20, 2}, {22, 3}, {40, 4}, {60, 0}, {-1, 0}},
    {{10, 0}, {40, 4}, {50, 2}, {-1, 0}},
};
static const char *const vm_names[N_VMS] = {"good-01", "bad-01", "susp-01"};
static const char *const pod_names[N_PODS] = {"api-01", "api-02"};

static long count(void *ctx, props_kind k, char *err, size_t len)
{
    (void)ctx;
    (void)err;
    (void)len;
    return k == PK_VM ? N_VMS : k == PK_POD ? N_PODS : 0;
}

static int describe(void *ctx, props_kind k, size_t row, char *name, size_t nl, char *group, size_t gl,
                    char *err, size_t el)
{
    (void)ctx;
    (void)err;
    (void)el;
    snprintf(name, nl, "%s", k == PK_VM ? vm_names[row] : pod_names[row]);
    snprintf(group, gl, "%s", k == PK_VM ? "vm" : "api");
    return 0;
}

/* The records replayed through props_lifecycle, as props_h5.c does. */
static int signal(void *ctx, props_atom a, size_t row, ps_signal *out, char *err, size_t len)
{
    (void)ctx;
    int is_vm = a == PA_VM_POWER_STATE || a == PA_VM_POWER_STATE_BEFORE;
    int before = a == PA_VM_POWER_STATE_BEFORE || a == PA_POD_PHASE_BEFORE;
    if (!is_vm && a != PA_POD_PHASE && a != PA_POD_PHASE_BEFORE) {
        snprintf(err, len, "no atom %d", (int)a);
        return -1;
    }
    props_lifecycle l;
    if (is_vm)
        props_vm_power_init(&l);
    else
        props_pod_phase_init(&l);
    ps_init(out, END);
    ps_push(out, 0, before ? l.before : l.state);
    if (is_vm && row == 2) { /* susp-01, by hand: off -> suspended at 40 */
        ps_push(out, 40, before ? PL_POWERED_OFF : PL_SUSPENDED);
        return 0;
    }
    const rec *r = is_vm ? vm_recs[row] : pod_recs[row];
    for (int i = 0; r[i].t >= 0; i++) {
        if (is_vm)
            props_vm_power_record(&l, r[i].kind);
        else
            props_pod_phase_record(&l, r[i].kind);
        ps_push(out, r[i].t, before ? l.before : l.state);
    }
    return 0;
}

static const props_source source = {
    .ctx = NULL, .end_ns = END, .count = count, .describe = describe, .signal = signal};

/* The online monitors over the same signals: every change pushed at its
 * time, a check at every change and every 7 ns (no minimum span), then the
 * end. Violations in entity, then time order, as the offline ones. */
static void monitor_result(const props_list *list, props_kind kind, props_result *res)
{
    memset(res, 0, sizeof *res);
    pm_set s;
    CHECK_INT_EQ(pm_set_init(&s, list, kind, END), 0);
    long n = count(NULL, kind, NULL, 0);
    for (long row = 0; row < n; row++) {
        double init[PA_COUNT];
        ps_signal sig[PA_COUNT];
        for (int a = 0; a < PA_COUNT; a++) {
            init[a] = NAN;
            sig[a].n = 0;
            sig[a].seg = NULL;
            if (pm_uses(&s, (props_atom)a) && signal(NULL, (props_atom)a, (size_t)row, &sig[a], NULL, 0) == 0)
                init[a] = sig[a].seg[0].v;
        }
        pm_entity e;
        CHECK_INT_EQ(pm_entity_init(&e, &s, kind == PK_VM ? "vm" : "api", init), 0);
        char err[256];
        for (int64_t t = 1; t < END; t++) {
            int changed = 0;
            for (int a = 0; a < PA_COUNT; a++)
                for (size_t i = 1; i < sig[a].n; i++)
                    if (sig[a].seg[i].t == t) {
                        CHECK_INT_EQ(pm_push(&e, &s, (props_atom)a, t, sig[a].seg[i].v), 0);
                        changed = 1;
                    }
            if (changed || t % 7 == 0)
                CHECK_INT_EQ(pm_check(&e, &s, t, err, sizeof err), 0);
        }
        CHECK_INT_EQ(pm_finish(&e, &s, err, sizeof err), 0);
        res->entities++;
        const pm_prop *pp = pm_entity_prop(&e, 0);
        res->violations += pp->violations;
        res->pending += pp->pending;
        for (size_t j = 0; j < pp->n_v && res->n_shown < PROPS_MAX_SHOWN; j++) {
            props_violation *v = &res->shown[res->n_shown++];
            v->time_ns = pp->v[j].time_ns;
            v->obligation_ns = pp->v[j].obligation_ns;
            snprintf(v->entity, sizeof v->entity, "%s", kind == PK_VM ? vm_names[row] : pod_names[row]);
            snprintf(v->witness, sizeof v->witness, "%s", pm_witness(pp, j));
        }
        pm_entity_free(&e, &s);
        for (int a = 0; a < PA_COUNT; a++)
            ps_free(&sig[a]);
    }
    pm_set_free(&s);
}

/* Checks one property both ways against the expected result. */
static void check_both(const props_spec *spec, props_kind kind, long violations, long pending, int n_exp,
                       const props_violation *exp)
{
    props_builtin_params params = {.ha_deadline_ns = 16, .sample_period_ns = 5};
    props_list list = {0};
    const char *bad_key = NULL;
    char why[512];
    int rc = props_list_add(&list, spec, &params, &bad_key, why, sizeof why);
    CHECK_INT_EQ(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "  %s\n", why);
        return;
    }
    props_result got[2];
    char err[256];
    CHECK_INT_EQ(props_evaluate(list.items[0].ast, &source, &got[0], err, sizeof err), 0);
    monitor_result(&list, kind, &got[1]);
    for (int w = 0; w < 2; w++) {
        const char *who = w == 0 ? "offline" : "monitor";
        if (got[w].violations != violations || got[w].pending != pending)
            fprintf(stderr, "  %s %s: %ld violations, %ld pending\n", list.items[0].name, who, got[w].violations,
                    got[w].pending);
        CHECK_INT_EQ(got[w].violations, violations);
        CHECK_INT_EQ(got[w].pending, pending);
        for (int i = 0; i < n_exp && i < got[w].n_shown; i++) {
            CHECK_INT_EQ(got[w].shown[i].time_ns, exp[i].time_ns);
            CHECK_INT_EQ(got[w].shown[i].obligation_ns, exp[i].obligation_ns);
            CHECK(strcmp(got[w].shown[i].entity, exp[i].entity) == 0);
            if (strcmp(got[w].shown[i].witness, exp[i].witness) != 0)
                fprintf(stderr, "  %s %s: witness '%s', expected '%s'\n", list.items[0].name, who,
                        got[w].shown[i].witness, exp[i].witness);
            CHECK(strcmp(got[w].shown[i].witness, exp[i].witness) == 0);
        }
    }
    props_list_free(&list);
}

int main(void)
{
    /* The record -> state rules themselves. */
    props_lifecycle l;
    props_vm_power_init(&l);
    CHECK_INT_EQ(l.state, PL_POWERED_OFF);
    CHECK_INT_EQ(l.before, -1);
    props_vm_power_record(&l, 0);
    CHECK_INT_EQ(l.state, PL_POWERED_ON);
    CHECK_INT_EQ(l.before, PL_POWERED_OFF);
    props_vm_power_record(&l, 2); /* failed: poweredOff */
    CHECK_INT_EQ(l.state, PL_POWERED_OFF);
    CHECK_INT_EQ(l.before, PL_POWERED_ON);
    props_pod_phase_init(&l);
    props_pod_phase_record(&l, 0);
    props_pod_phase_record(&l, 1); /* an OOM kill keeps the pod Running: no transition */
    CHECK_INT_EQ(l.state, PL_RUNNING);
    CHECK_INT_EQ(l.before, PL_PENDING);
    props_pod_phase_record(&l, 4);
    CHECK_INT_EQ(l.state, PL_FAILED);
    CHECK_INT_EQ(l.before, PL_RUNNING);
    props_pod_phase_record(&l, 0); /* the replacement */
    CHECK_INT_EQ(l.state, PL_RUNNING);
    CHECK_INT_EQ(l.before, PL_PENDING);

    props_spec vm_lc = {.builtin = "vm_lifecycle", .line = 1};
    props_violation vm_exp[] = {
        {20, -1, "bad-01", "vm.power_state_before=1, vm.power_state=1"},
        {40, -1, "susp-01", "vm.power_state_before=0, vm.power_state=2"},
    };
    check_both(&vm_lc, PK_VM, 2, 0, 2, vm_exp);

    props_spec pod_lc = {.builtin = "pod_lifecycle", .line = 1};
    props_violation pod_exp[] = {{50, -1, "api-02", "pod.phase_before=3, pod.phase=1"}};
    check_both(&pod_lc, PK_POD, 1, 0, 1, pod_exp);

    props_spec back_on = {.name = "back_on_15",
                          .formula = "forall vm: G (vm.power_state == 0 -> F[<=15ns] vm.power_state == 1)",
                          .line = 1};
    props_violation on_exp[] = {
        {45, 30, "good-01", "vm.power_state=0"},
        {75, 60, "bad-01", "vm.power_state=0"},
        {15, 0, "susp-01", "vm.power_state=0"},
    };
    check_both(&back_on, PK_VM, 3, 1, 3, on_exp);
    return CHECK_DONE();
}
