/* test_props_monitor_log.c - the streamed violations logged per LP
 * (pm_push_many_log, analysis/props_monitor.h) give each entity the lists
 * the same pushes give without a log: merged in time order with the
 * violations decided without one (at records, at the end), sorted across
 * logs (a VM that moved between hosts), whatever entity finishes first.
 *
 * Property `forall vm: G (vm.running -> vm.cpu_ready < 0.05)`, the run ends
 * at 1500 ns. Every VM is off at 0 (running 0, ready NaN) and started at 1
 * (a record: no log). A sample of ready at t decides the body on
 * [previous change, t) from the values before t (docs/properties.md):
 *  vm 0, log 0: ready 0.1 at 300, 0 at 600, 0.2 at 900; stopped at 1000
 *       and started at 1100 (records); ready 0.3 at 1200 (log 0).
 *       [1, 300): ready NaN, pending (1). [300, 600): 0.1 >= 0.05, false:
 *       violation at 300 (logged). [600, 900) true. [900, 1000): 0.2, false:
 *       violation at 900, decided at the stop record (no log). [1000,
 *       1100) off: true. [1100, 1200): 0.2, false: violation at 1100
 *       (logged). [1200, 1500): 0.3, false, the same interval. So 300, 900,
 *       1100: the record's violation between two logged ones.
 *  vm 1: ready 0.1 at 300 and 0 at 600 on log 1, 0.2 at 900 and 0 at 1200
 *       on log 0 (it moved): violations at 300 (log 1) and 900 (log 0:
 *       [900, 1200) false), pending 1; log 0 holds 900 before log 1's 300.
 *  vm 2, log 1: ready 0.1 at 300, 0 at 600, 0.2 at 900: violation at 300
 *       (logged), and at 900 decided at the end ([900, 1500) false), after
 *       its logged one: 300, 900, pending 1.
 * Witnesses from the values on the broken interval: running true and the
 * ready of that interval. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/props_file.h"
#include "analysis/props_monitor.h"
#include "check.h"

enum { END = 1500, N_VMS = 3 };

typedef struct step {
    int vm;
    int64_t t;
    int record; /* 1: running := value (a record, no log); 0: ready := value on log `log` */
    int log;
    double value;
} step;

static const step steps[] = {
    {0, 1, 1, 0, 1},      {1, 1, 1, 0, 1},      {2, 1, 1, 0, 1},      {0, 300, 0, 0, 0.1},
    {1, 300, 0, 1, 0.1},  {2, 300, 0, 1, 0.1},  {0, 600, 0, 0, 0.0},  {1, 600, 0, 1, 0.0},
    {2, 600, 0, 1, 0.0},  {0, 900, 0, 0, 0.2},  {1, 900, 0, 0, 0.2},  {2, 900, 0, 1, 0.2},
    {0, 1000, 1, 0, 0},   {0, 1100, 1, 0, 1},   {0, 1200, 0, 0, 0.3}, {1, 1200, 0, 0, 0.0},
};

typedef struct expected {
    long violations, pending;
    int n;
    int64_t time_ns[3];
    const char *witness[3];
} expected;

static const expected want[N_VMS] = {
    {3, 1, 3, {300, 900, 1100}, {"vm.running=true, vm.cpu_ready=0.1", "vm.running=true, vm.cpu_ready=0.2",
                                  "vm.running=true, vm.cpu_ready=0.2"}},
    {2, 1, 2, {300, 900, 0}, {"vm.running=true, vm.cpu_ready=0.1", "vm.running=true, vm.cpu_ready=0.2", NULL}},
    {2, 1, 2, {300, 900, 0}, {"vm.running=true, vm.cpu_ready=0.1", "vm.running=true, vm.cpu_ready=0.2", NULL}},
};

static void check_prop(const pm_prop *pp, const expected *x, const char *how, int vm)
{
    if (pp->violations != x->violations || pp->pending != x->pending || (int)pp->n_v != x->n)
        fprintf(stderr, "  %s vm %d: %ld violations, %ld pending, %zu rows\n", how, vm, pp->violations, pp->pending,
                pp->n_v);
    CHECK_INT_EQ(pp->violations, x->violations);
    CHECK_INT_EQ(pp->pending, x->pending);
    CHECK_INT_EQ(pp->n_v, x->n);
    for (int j = 0; j < x->n && j < (int)pp->n_v; j++) {
        CHECK_INT_EQ(pp->v[j].time_ns, x->time_ns[j]);
        CHECK_INT_EQ(pp->v[j].obligation_ns, -1);
        if (strcmp(pm_witness(pp, j), x->witness[j]) != 0)
            fprintf(stderr, "  %s vm %d row %d: witness '%s', expected '%s'\n", how, vm, j, pm_witness(pp, j),
                    x->witness[j]);
        CHECK(strcmp(pm_witness(pp, j), x->witness[j]) == 0);
    }
}

/* The steps on the VMs of one hot state (logged: through 2 logs), then
 * pm_finish in the order `finish`. */
static void run(const pm_set *s, int logged, const int *finish)
{
    double init[PA_COUNT];
    for (int a = 0; a < PA_COUNT; a++)
        init[a] = props_atom_get((props_atom)a)->is_state ? 0.0 : NAN;
    pm_hot *hot = pm_hot_new(s, N_VMS);
    CHECK(hot != NULL);
    if (!hot)
        return;
    if (logged)
        CHECK_INT_EQ(pm_hot_logs(hot, 2), 0);
    pm_entity vms[N_VMS];
    for (uint32_t i = 0; i < N_VMS; i++)
        CHECK_INT_EQ(pm_entity_init_at(&vms[i], s, hot, i, "vm", init), 0);
    const props_atom ready = PA_VM_CPU_READY;
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        const step *x = &steps[k];
        pm_entity *e = &vms[x->vm];
        if (x->record)
            CHECK_INT_EQ(pm_push(e, s, PA_VM_RUNNING, x->t, x->value), 0);
        else
            CHECK_INT_EQ(pm_push_many_log(e, s, logged ? pm_hot_log(hot, (uint32_t)x->log) : NULL, x->t, 1, &ready,
                                          &x->value),
                         0);
    }
    char err[256];
    for (int i = 0; i < N_VMS; i++)
        CHECK_INT_EQ(pm_finish(&vms[finish[i]], s, err, sizeof err), 0);
    for (int i = 0; i < N_VMS; i++)
        check_prop(pm_entity_prop(&vms[i], 0), &want[i], logged ? "logged" : "unlogged", i);
    for (int i = 0; i < N_VMS; i++)
        pm_entity_free(&vms[i], s);
    pm_hot_free(hot);
}

int main(void)
{
    props_list list = {0};
    props_spec spec = {.name = "vm_ready", .formula = "forall vm: G (vm.running -> vm.cpu_ready < 0.05)", .line = 1};
    const char *bad_key = NULL;
    char why[512];
    CHECK_INT_EQ(props_list_add(&list, &spec, NULL, &bad_key, why, sizeof why), 0);
    pm_set s;
    CHECK_INT_EQ(pm_set_init(&s, &list, PK_VM, END), 0);
    CHECK_INT_EQ(s.n_stream, 1); /* decided at its atoms' changes: the streamed path */
    static const int orders[][N_VMS] = {{0, 1, 2}, {2, 0, 1}, {1, 2, 0}};
    for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
        run(&s, 0, orders[o]);
        run(&s, 1, orders[o]);
    }
    pm_set_free(&s);
    props_list_free(&list);
    return CHECK_DONE();
}
