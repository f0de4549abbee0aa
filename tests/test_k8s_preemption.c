/* test_k8s_preemption.c - DefaultPreemption on hand-worked clusters. */
#include "models/kubernetes/k8s_framework.h"
#include "models/kubernetes/k8s_preemption.h"
#include "tests/check.h"
#include "tests/k8s_fixtures.h"

#include <gsl/gsl_rng.h>

static k8s_pod_spec spec_a, spec_b, spec_c, spec_d, spec_e, preemptor;

static void prio_spec(k8s_pod_spec *p, const char *name, int32_t prio, int64_t cpu, const char *app)
{
    fx_spec(p, name, cpu, MIB);
    p->priority = prio;
    fx_label(&p->labels, "app", app);
}

/* Two 4000m nodes.
 *  n0: A (prio 10, 2000m, t=1), B (prio 5, 2000m, t=2)
 *  n1: C (prio 1, 1000m, t=3), D (prio 1, 1000m, t=4), E (prio 20, 2000m, t=5)
 * Preemptor P: prio 100, 2000m; both nodes are full for it. */
static void build(k8s_snapshot *s, int32_t slot[5])
{
    k8s_snapshot_init(s);
    k8s_node n0 = fx_node("n0", 4000, 8 * GIB), n1 = fx_node("n1", 4000, 8 * GIB);
    k8s_snapshot_add_node(s, &n0);
    k8s_snapshot_add_node(s, &n1);
    prio_spec(&spec_a, "A", 10, 2000, "svc");
    prio_spec(&spec_b, "B", 5, 2000, "svc");
    prio_spec(&spec_c, "C", 1, 1000, "batch");
    prio_spec(&spec_d, "D", 1, 1000, "batch");
    prio_spec(&spec_e, "E", 20, 2000, "critical");
    slot[0] = k8s_snapshot_add_pod(s, &spec_a, 0, 1);
    slot[1] = k8s_snapshot_add_pod(s, &spec_b, 0, 2);
    slot[2] = k8s_snapshot_add_pod(s, &spec_c, 1, 3);
    slot[3] = k8s_snapshot_add_pod(s, &spec_d, 1, 4);
    slot[4] = k8s_snapshot_add_pod(s, &spec_e, 1, 5);
    prio_spec(&preemptor, "P", 100, 2000, "urgent");
}

static void test_victims_and_choice(gsl_rng *rng)
{
    k8s_snapshot s;
    int32_t slot[5];
    build(&s, slot);
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_scheduler sched = {0};

    /* SelectVictimsOnNode.
     * n0: remove A, B -> P fits. Reprieve in importance order: A back
     *   (2000 + 2000 <= 4000) stays; B back (6000 > 4000) is a victim -> [B].
     * n1: remove C, D, E. Order E(20), C(1, t3), D(1, t4). E back (4000) stays;
     *   C back (5000) victim; D back victim -> [C, D]. */
    k8s_cycle c;
    k8s_cycle_init(&c, &s, &prof, &preemptor);
    CHECK_INT_EQ(k8s_run_pre_filter(&c, NULL), K8S_SUCCESS);
    uint32_t v[8], nv, npdb;
    CHECK(k8s_select_victims_on_node(&c, 0, v, &nv, &npdb));
    CHECK_INT_EQ(nv, 1);
    CHECK_INT_EQ(v[0], slot[1]);
    CHECK(k8s_select_victims_on_node(&c, 1, v, &nv, &npdb));
    CHECK_INT_EQ(nv, 2);
    CHECK_INT_EQ(v[0], slot[2]); /* C started first: more important, listed first */
    CHECK_INT_EQ(v[1], slot[3]);
    CHECK_INT_EQ(npdb, 0);
    k8s_cycle_free(&c);
    /* the snapshot is unchanged by the dry runs */
    CHECK_INT_EQ(s.nodes[0].n_pods, 2);
    CHECK_INT_EQ(s.nodes[1].n_pods, 3);
    CHECK_INT_EQ(s.nodes[1].requested.v[K8S_CPU], 4000);

    /* pickOneNodeForPreemption: no PDB violations either way; highest victim
     * priority n0 5 vs n1 1 -> n1 with victims C, D */
    k8s_schedule_result r;
    k8s_schedule_pod(&sched, &prof, &s, &preemptor, rng, &r);
    CHECK_INT_EQ(r.node, -1);
    CHECK_INT_EQ(r.code, K8S_UNSCHEDULABLE);
    CHECK_INT_EQ(r.nominated_node, 1);
    CHECK_INT_EQ(r.n_victims, 2);
    CHECK_INT_EQ(r.victims[0], slot[2]);
    CHECK_INT_EQ(r.victims[1], slot[3]);
    k8s_schedule_result_free(&r);

    /* PDB on app=batch allowing 1 disruption. Potential victims on n1 in order
     * E, C, D: C takes the one allowed disruption (1 -> 0), D drives it to -1
     * and is PDB-violating. Reprieve violating first: D back (1000 + 2000)
     * stays; then E back (5000) victim; C back (4000) stays -> victims [E], no
     * violation. n0 still [B]. Highest victim priority 5 (n0) < 20 (n1) -> n0. */
    k8s_pdb pdb = {.namespace_ = "default", .disruptions_allowed = 1};
    k8s_selector_add(&pdb.match, "app", K8S_OP_IN, "batch");
    k8s_snapshot_add_pdb(&s, &pdb);
    k8s_schedule_pod(&sched, &prof, &s, &preemptor, rng, &r);
    CHECK_INT_EQ(r.nominated_node, 0);
    CHECK_INT_EQ(r.n_victims, 1);
    CHECK_INT_EQ(r.victims[0], slot[1]);
    k8s_schedule_result_free(&r);
    k8s_cycle_init(&c, &s, &prof, &preemptor);
    k8s_run_pre_filter(&c, NULL);
    CHECK(k8s_select_victims_on_node(&c, 1, v, &nv, &npdb));
    CHECK_INT_EQ(nv, 1);
    CHECK_INT_EQ(v[0], slot[4]);
    CHECK_INT_EQ(npdb, 0);
    k8s_cycle_free(&c);
    k8s_snapshot_free(&s);
}

/* Fewest PDB violations beats a lower victim priority.
 *  n0: X (prio 1, 4000m, app=guarded) under a PDB allowing 0 disruptions
 *  n1: Y (prio 50, 4000m, app=other)
 * Victims: n0 [X] with 1 violation, n1 [Y] with none -> n1 despite 50 > 1.
 * Without the PDB, n0 wins (1 < 50). */
static void test_pdb_violation_order(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    k8s_node n0 = fx_node("n0", 4000, 8 * GIB), n1 = fx_node("n1", 4000, 8 * GIB);
    k8s_snapshot_add_node(&s, &n0);
    k8s_snapshot_add_node(&s, &n1);
    prio_spec(&spec_a, "X", 1, 4000, "guarded");
    prio_spec(&spec_b, "Y", 50, 4000, "other");
    int32_t x = k8s_snapshot_add_pod(&s, &spec_a, 0, 1);
    int32_t y = k8s_snapshot_add_pod(&s, &spec_b, 1, 2);
    prio_spec(&preemptor, "P", 100, 2000, "urgent");
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_scheduler sched = {0};
    k8s_schedule_result r;
    k8s_schedule_pod(&sched, &prof, &s, &preemptor, rng, &r);
    CHECK_INT_EQ(r.nominated_node, 0);
    CHECK_INT_EQ(r.victims[0], x);
    k8s_schedule_result_free(&r);

    k8s_pdb pdb = {.namespace_ = "default", .disruptions_allowed = 0};
    k8s_selector_add(&pdb.match, "app", K8S_OP_IN, "guarded");
    k8s_snapshot_add_pdb(&s, &pdb);
    k8s_schedule_pod(&sched, &prof, &s, &preemptor, rng, &r);
    CHECK_INT_EQ(r.nominated_node, 1);
    CHECK_INT_EQ(r.n_victims, 1);
    CHECK_INT_EQ(r.victims[0], y);
    CHECK_INT_EQ(r.pdb_violations, 0);
    k8s_schedule_result_free(&r);

    /* only the guarded node is possible (Y raised above the preemptor):
     * n0 is chosen with its PDB violation counted */
    spec_b.priority = 200;
    k8s_schedule_pod(&sched, &prof, &s, &preemptor, rng, &r);
    CHECK_INT_EQ(r.nominated_node, 0);
    CHECK_INT_EQ(r.pdb_violations, 1);
    k8s_schedule_result_free(&r);
    k8s_snapshot_free(&s);
}

/* Equal priority, count and sum: the latest start time of the highest-priority
 * victims wins. n0 victim started at t=10, n1 at t=20 -> n1. */
static void test_latest_start_tiebreak(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    k8s_node n0 = fx_node("n0", 4000, 8 * GIB), n1 = fx_node("n1", 4000, 8 * GIB);
    k8s_snapshot_add_node(&s, &n0);
    k8s_snapshot_add_node(&s, &n1);
    prio_spec(&spec_a, "old", 1, 4000, "x");
    k8s_snapshot_add_pod(&s, &spec_a, 0, 10);
    int32_t young = k8s_snapshot_add_pod(&s, &spec_a, 1, 20);
    prio_spec(&preemptor, "P", 100, 2000, "urgent");
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_scheduler sched = {0};
    for (int k = 0; k < 10; k++) { /* any random offset gives the same choice */
        k8s_schedule_result r;
        k8s_schedule_pod(&sched, &prof, &s, &preemptor, rng, &r);
        CHECK_INT_EQ(r.nominated_node, 1);
        CHECK_INT_EQ(r.victims[0], young);
        k8s_schedule_result_free(&r);
    }
    /* nodes rejected as UnschedulableAndUnresolvable are never candidates:
     * a node selector nobody matches leaves no nomination */
    k8s_labels_set(&preemptor.node_selector, "pool", "none");
    k8s_schedule_result r;
    k8s_schedule_pod(&sched, &prof, &s, &preemptor, rng, &r);
    CHECK_INT_EQ(r.nominated_node, -1);
    CHECK_INT_EQ(r.code, K8S_UNSCHEDULABLE);
    k8s_schedule_result_free(&r);
    k8s_snapshot_free(&s);
}

/* Victim selection must keep PreFilter state right (AddPod/RemovePod
 * extensions). P (web, 2000m) has a hard hostname spread, maxSkew 1, over
 * app=web. n0 (4000m) holds web pods at t=1 and t=2 (1000m each), n1 (2000m)
 * one web pod at t=3 (2000m); all priority 0. Counts n0 2, n1 1, min 1.
 *  n0: skew 2 + 1 - 1 = 2 > 1 -> Unschedulable. Remove both: counts 0, 1, min 0,
 *      skew 1, fits. Reprieve t=1 (more important): counts 1, 1, skew 1, CPU
 *      3000 -> stays. Reprieve t=2: counts 2, 1, skew 2 -> victim [t=2].
 *  n1: out of CPU. Remove its pod: counts 2, 0, skew 0 + 1 - 0 = 1, fits;
 *      reprieve fails on CPU -> victim [t=3].
 * One priority-0 victim each; the latest start of the highest-priority victims
 * (3 > 2) picks n1. */
static void test_prefilter_extensions(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    k8s_node n0 = fx_node("n0", 4000, 8 * GIB), n1 = fx_node("n1", 2000, 8 * GIB);
    k8s_snapshot_add_node(&s, &n0);
    k8s_snapshot_add_node(&s, &n1);
    prio_spec(&spec_a, "web", 0, 1000, "web");
    prio_spec(&spec_b, "webbig", 0, 2000, "web");
    k8s_snapshot_add_pod(&s, &spec_a, 0, 1);
    int32_t n0_young = k8s_snapshot_add_pod(&s, &spec_a, 0, 2);
    int32_t n1_pod = k8s_snapshot_add_pod(&s, &spec_b, 1, 3);
    prio_spec(&preemptor, "P", 100, 2000, "web");
    preemptor.n_spread = 1;
    preemptor.spread[0].max_skew = 1;
    strcpy(preemptor.spread[0].topology_key, K8S_LABEL_HOSTNAME);
    preemptor.spread[0].when_unsatisfiable = K8S_DO_NOT_SCHEDULE;
    k8s_selector_add(&preemptor.spread[0].match, "app", K8S_OP_IN, "web");
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_cycle c;
    k8s_cycle_init(&c, &s, &prof, &preemptor);
    CHECK_INT_EQ(k8s_run_pre_filter(&c, NULL), K8S_SUCCESS);
    CHECK_INT_EQ(k8s_run_filters(&c, 0, NULL), K8S_UNSCHEDULABLE); /* skew 2 + 1 - 1 = 2 */
    uint32_t v[4], nv, npdb;
    CHECK(k8s_select_victims_on_node(&c, 0, v, &nv, &npdb));
    CHECK_INT_EQ(nv, 1);
    CHECK_INT_EQ(v[0], n0_young);
    CHECK_INT_EQ(k8s_run_filters(&c, 0, NULL), K8S_UNSCHEDULABLE); /* state restored */
    k8s_cycle_free(&c);
    k8s_scheduler sched = {0};
    k8s_schedule_result r;
    k8s_schedule_pod(&sched, &prof, &s, &preemptor, rng, &r);
    CHECK_INT_EQ(r.nominated_node, 1);
    CHECK_INT_EQ(r.n_victims, 1);
    CHECK_INT_EQ(r.victims[0], n1_pod);
    k8s_schedule_result_free(&r);
    k8s_snapshot_free(&s);
}

int main(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    test_victims_and_choice(rng);
    test_pdb_violation_order(rng);
    test_latest_start_tiebreak(rng);
    test_prefilter_extensions(rng);
    gsl_rng_free(rng);
    return CHECK_DONE();
}
