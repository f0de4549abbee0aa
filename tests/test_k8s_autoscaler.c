/* test_k8s_autoscaler.c - Cluster Autoscaler decisions on hand-worked cases. */
#include "models/kubernetes/k8s_autoscaler.h"
#include "tests/check.h"
#include "tests/k8s_fixtures.h"

#include <gsl/gsl_rng.h>

#define S 1000000000LL

static k8s_pod_spec small, big, p800, p1200, p3000;

static void test_estimate(void)
{
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_node_group g = {.name = "pool", .min_size = 0, .max_size = 100, .target_size = 0};
    g.template_node = fx_node("tmpl", 4000, 8 * GIB);
    fx_spec(&small, "s", 1500, GIB);
    const k8s_pod_spec *pods[10];
    uint8_t helped[10];
    for (int i = 0; i < 10; i++)
        pods[i] = &small;
    /* 1500m pods: two per 4000m node (a third needs 4500m) -> 10 pods, 5 nodes */
    CHECK_INT_EQ(k8s_ca_estimate(&prof, &g, pods, 10, 100, helped), 5);
    CHECK_INT_EQ(helped[9], 1);
    /* limiter: 3 nodes of room -> 3 nodes, 6 pods helped */
    CHECK_INT_EQ(k8s_ca_estimate(&prof, &g, pods, 10, 3, helped), 3);
    int n_helped = 0;
    for (int i = 0; i < 10; i++)
        n_helped += helped[i];
    CHECK_INT_EQ(n_helped, 6);
    /* a pod too big for the template opens one empty node, which the next pod
     * then uses: [5000m, 1500m] -> 1 node, only the small pod helped */
    fx_spec(&big, "b", 5000, GIB);
    const k8s_pod_spec *mixed[2] = {&small, &big};
    CHECK_INT_EQ(k8s_ca_estimate(&prof, &g, mixed, 2, 100, helped), 1);
    CHECK_INT_EQ(helped[0], 1);
    CHECK_INT_EQ(helped[1], 0);
}

static void test_expanders(gsl_rng *rng)
{
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_ca_config cfg;
    k8s_ca_config_default(&cfg);
    k8s_node_group groups[2] = {{.name = "A", .max_size = 10}, {.name = "B", .max_size = 10}};
    groups[0].template_node = fx_node("a", 4000, 16 * GIB);
    groups[1].template_node = fx_node("b", 2000, 4 * GIB);
    fx_spec(&small, "s", 1500, GIB);
    const k8s_pod_spec *pods[2] = {&small, &small};
    k8s_ca_scale_up up;
    /* least-waste:
     * A: 1 node; cpu (4000-3000)/4000 = 0.25, memory (16-2)/16 = 0.875 -> 1.125
     * B: 2 nodes; cpu (4000-3000)/4000 = 0.25, memory (8-2)/8 = 0.75 -> 1.0 -> B */
    cfg.expander = K8S_EXPANDER_LEAST_WASTE;
    k8s_ca_scale_up_decide(&cfg, &prof, groups, 2, pods, 2, rng, &up);
    CHECK_INT_EQ(up.group, 1);
    CHECK_INT_EQ(up.new_nodes, 2);
    CHECK_INT_EQ(up.pods_helped, 2);
    /* a full group is no option */
    groups[1].target_size = 10;
    k8s_ca_scale_up_decide(&cfg, &prof, groups, 2, pods, 2, rng, &up);
    CHECK_INT_EQ(up.group, 0);
    CHECK_INT_EQ(up.new_nodes, 1);
    groups[1].target_size = 0;
    /* most-pods and random tie between A and B: both picked over many draws */
    int seen[2] = {0};
    cfg.expander = K8S_EXPANDER_RANDOM;
    for (int k = 0; k < 200; k++) {
        k8s_ca_scale_up_decide(&cfg, &prof, groups, 2, pods, 2, rng, &up);
        seen[up.group]++;
    }
    CHECK(seen[0] > 50 && seen[1] > 50); /* binomial(200, 0.5): 50 is 7 sd away */
    /* nothing pending, nothing to do */
    k8s_ca_scale_up_decide(&cfg, &prof, groups, 2, pods, 0, rng, &up);
    CHECK_INT_EQ(up.group, -1);
}

/* Three 4000m nodes in one group (min 1, target 3):
 *  n0 one 800m pod (utilization 0.2), n1 one 1200m pod (0.3), n2 3000m (0.75).
 * n0's pod fits on n1 -> n0 unneeded. n1's pod would need n2 (4200m > 4000m;
 * n0 is being removed) -> needed. n2 is above 0.5. n0 is deleted once it has
 * been unneeded for 10 minutes. */
static void build(k8s_snapshot *s, int32_t *node_group)
{
    k8s_snapshot_init(s);
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "n%d", i);
        k8s_node n = fx_node(name, 4000, 8 * GIB);
        k8s_snapshot_add_node(s, &n);
        node_group[i] = 0;
    }
    fx_spec(&p800, "a", 800, GIB);
    fx_spec(&p1200, "b", 1200, GIB);
    fx_spec(&p3000, "c", 3000, GIB);
    k8s_snapshot_add_pod(s, &p800, 0, 0);
    k8s_snapshot_add_pod(s, &p1200, 1, 0);
    k8s_snapshot_add_pod(s, &p3000, 2, 0);
}

static void test_scale_down(void)
{
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_ca_config cfg;
    k8s_ca_config_default(&cfg);
    k8s_node_group groups[1] = {{.name = "pool", .min_size = 1, .max_size = 10, .target_size = 3}};
    k8s_snapshot s;
    int32_t node_group[8];
    build(&s, node_group);
    CHECK_NEAR(k8s_ca_node_utilization(&s.nodes[0]), 0.2, 1e-12);
    CHECK_NEAR(k8s_ca_node_utilization(&s.nodes[2]), 0.75, 1e-12);
    k8s_ca_state st;
    k8s_ca_state_init(&st);
    uint32_t del[8];
    CHECK_INT_EQ(k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, 0, del), 0);
    CHECK_INT_EQ(st.unneeded_since[0], 0);
    CHECK_INT_EQ(st.unneeded_since[1], -1);
    CHECK_INT_EQ(st.unneeded_since[2], -1);
    /* the simulation left the snapshot as it was */
    CHECK_INT_EQ(s.nodes[0].n_pods, 1);
    CHECK_INT_EQ(s.nodes[1].requested.v[K8S_CPU], 1200);
    /* scans every 10 s: nothing before 600 s, n0 at 600 s */
    uint32_t n_del = 0;
    int64_t t;
    for (t = 10 * S; t < 600 * S && n_del == 0; t += 10 * S)
        n_del = k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, t, del);
    CHECK_INT_EQ(n_del, 0);
    n_del = k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, 600 * S, del);
    CHECK_INT_EQ(n_del, 1);
    CHECK_INT_EQ(del[0], 0);

    /* scale-down-delay-after-add: a scale-up at 500 s blocks deletions until 1100 s */
    k8s_ca_state_free(&st);
    k8s_ca_state_init(&st);
    k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, 0, del);
    st.last_scale_up_ns = 500 * S;
    CHECK_INT_EQ(k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, 600 * S, del), 0);
    CHECK_INT_EQ(k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, 1100 * S, del), 1);

    /* min size: target 1 = min -> nothing can go */
    groups[0].target_size = 1;
    CHECK_INT_EQ(k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, 1200 * S, del), 0);
    groups[0].target_size = 3;

    /* a PDB allowing no disruption of n0's pod keeps n0 */
    k8s_pdb pdb = {.namespace_ = "default", .disruptions_allowed = 0};
    fx_label(&p800.labels, "app", "guarded");
    k8s_selector_add(&pdb.match, "app", K8S_OP_IN, "guarded");
    k8s_snapshot_add_pdb(&s, &pdb);
    k8s_ca_state_free(&st);
    k8s_ca_state_init(&st);
    k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, 0, del);
    CHECK_INT_EQ(st.unneeded_since[0], -1);
    k8s_ca_state_free(&st);

    /* empty nodes go first, in bulk: two empty nodes join the group */
    k8s_node e = fx_node("e0", 4000, 8 * GIB);
    k8s_snapshot_add_node(&s, &e);
    k8s_snapshot_add_node(&s, &e);
    node_group[3] = node_group[4] = 0;
    groups[0].target_size = 5;
    k8s_ca_state_init(&st);
    k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, 0, del);
    n_del = k8s_ca_scale_down(&st, &cfg, &prof, &s, node_group, groups, 600 * S, del);
    CHECK_INT_EQ(n_del, 2);
    CHECK_INT_EQ(del[0], 3);
    CHECK_INT_EQ(del[1], 4);
    k8s_ca_state_free(&st);
    k8s_snapshot_free(&s);
}

int main(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 99);
    test_estimate();
    test_expanders(rng);
    test_scale_down();
    gsl_rng_free(rng);
    return CHECK_DONE();
}
