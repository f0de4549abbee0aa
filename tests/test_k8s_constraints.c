/* test_k8s_constraints.c - the pod template and node group keys in a run
 * (models/kubernetes/k8s_template_build.c): node selector, required node affinity,
 * taints and tolerations, required pod anti-affinity, topology spread,
 * ImageLocality and a PodDisruptionBudget in preemption. Each expectation
 * is worked by hand from the plugin rules (docs/kubernetes.md).
 *
 * Common settings: lookahead = API latency = 10 ms; scheduling cost 5 ms
 * per cycle; kubelet start 2 s; hosts of 8 cores and 32 GiB (8000 m);
 * pods request 1000 m and 1 GiB. Node n is the n-th host in file order.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "models/kubernetes/k8s_template_build.h"
#include "tests/check.h"
#include "tests/run_h5.h"

#define S 1000000000LL

static const char head[] =
    "simulation = { until = \"30s\"; sample_period = \"10s\"; control_latency = \"10ms\"; };\n"
    "kubernetes = {\n  api_latency = \"10ms\"; pod_start = \"2s\";\n"
    "  scheduler = { cost = { cycle = \"5ms\"; filter_per_node_plugin = \"0s\"; score_per_node_plugin = \"0s\"; };\n";

/* Runs the hosts list and the kubernetes section (without its closing
 * brace) after the common head. */
static hid_t run(const char *name, const char *hosts, const char *k8s)
{
    char text[16384];
    snprintf(text, sizeof text, "hosts = (\n%s);\n%s%s};\n", hosts, head, k8s);
    return run_h5(name, text);
}



#define HOSTS(name, count) \
    "  { name = \"" name "\"; count = " #count "; sockets = 1; cores_per_socket = 8; memory = \"32GiB\"; }\n"
#define POD "cpu_request = 1000; memory_request = \"1GiB\";"

/* Nodes 0-1 (group ssd) carry disk=ssd, nodes 2-3 (group hdd) nothing.
 * "sel" (nodeSelector disk=ssd) may only use nodes 0-1, "aff" (required
 * term disk notin (ssd)) only nodes 2-3; LeastAllocated spreads each pair:
 * 2 pods on every node, 4 bindings of each workload in its pair. */
static void test_node_selector_and_affinity(void)
{
    hid_t f = run("k8s_c_selector", HOSTS("ssd", 2) "," HOSTS("hdd", 2),
                  "  };\n  node_groups = ( { group = \"ssd\"; labels = \"disk=ssd\"; }, { group = \"hdd\"; } );\n"
                  "  deployments = ( { name = \"sel\"; replicas = 4; " POD " node_selector = \"disk=ssd\"; },\n"
                  "    { name = \"aff\"; replicas = 4; " POD
                  " node_affinity = { required = ( { match = \"disk notin (ssd)\"; } ); }; } );\n");
    if (f < 0)
        return;
    h5r_event ev[16];
    size_t got = run_h5_events(f, "k8s_pod_scheduled", ev, 16);
    CHECK_INT_EQ(got, 8);
    for (size_t k = 0; k < got; k++)
        CHECK(ev[k].b == 0 ? ev[k].a <= 1 : ev[k].a >= 2);
    double v[4];
    run_h5_series_row(f, "/series/k8s_node/pods", 2, 4, v);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(v[i], 2.0, 0.0);
    H5Fclose(f);
}

/* Nodes 0-1 (group infra) carry role=infra and the taint
 * dedicated=infra:NoSchedule. "plain" (4, no toleration) goes to nodes 2-3
 * only; "ops" (2, nodeSelector role=infra, tolerates the taint) runs on
 * nodes 0-1; "ops-bare" (2, same selector, no toleration) fits nowhere and
 * stays pending: 2 pending pods, 6 bindings. */
static void test_taints_and_tolerations(void)
{
    hid_t f = run("k8s_c_taint", HOSTS("infra", 2) "," HOSTS("work", 2),
                  "  };\n  node_groups = ( { group = \"infra\"; labels = \"role=infra\";\n"
                  "      taints = \"dedicated=infra:NoSchedule\"; }, { group = \"work\"; } );\n"
                  "  deployments = ( { name = \"plain\"; replicas = 4; " POD " },\n"
                  "    { name = \"ops\"; replicas = 2; " POD " node_selector = \"role=infra\";\n"
                  "      tolerations = ( { key = \"dedicated\"; value = \"infra\"; effect = \"NoSchedule\"; } ); },\n"
                  "    { name = \"ops-bare\"; replicas = 2; " POD " node_selector = \"role=infra\"; } );\n");
    if (f < 0)
        return;
    h5r_event ev[16];
    size_t got = run_h5_events(f, "k8s_pod_scheduled", ev, 16);
    CHECK_INT_EQ(got, 6);
    for (size_t k = 0; k < got; k++) {
        CHECK(ev[k].b != 2);
        CHECK(ev[k].b == 0 ? ev[k].a >= 2 : ev[k].a <= 1);
    }
    double v[4];
    run_h5_series_row(f, "/series/k8s/pending_pods", 2, 1, v);
    CHECK_NEAR(v[0], 2.0, 0.0);
    H5Fclose(f);
}

/* 5 replicas that must not share a hostname with a pod labelled app=web
 * (their own label) on 3 nodes: one per node, 2 stay pending. */
static void test_anti_affinity(void)
{
    hid_t f = run("k8s_c_anti", HOSTS("node", 3),
                  "  };\n  node_groups = ( { group = \"node\"; } );\n"
                  "  deployments = ( { name = \"web\"; replicas = 5; " POD "\n"
                  "    pod_anti_affinity = { required = ( { selector = \"app=web\"; topology_key = \"kubernetes.io/hostname\"; } ); }; } );\n");
    if (f < 0)
        return;
    h5r_event ev[16];
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_scheduled", ev, 16), 3);
    double v[3];
    run_h5_series_row(f, "/series/k8s_node/pods", 2, 3, v);
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(v[i], 1.0, 0.0);
    run_h5_series_row(f, "/series/k8s/pending_pods", 2, 1, v);
    CHECK_NEAR(v[0], 2.0, 0.0);
    H5Fclose(f);
}

/* Zone z1 has 3 nodes, z2 one. Without a constraint LeastAllocated puts 2
 * of 8 pods on every node (6 in z1, 2 in z2); maxSkew 1 over the zone key
 * (DoNotSchedule) allows only |z1 - z2| <= 1 after each binding, so 8 pods
 * end 4 and 4: the z2 node holds 4. */
static void test_topology_spread(void)
{
    hid_t f = run("k8s_c_spread", HOSTS("a", 3) "," HOSTS("b", 1),
                  "  };\n  node_groups = ( { group = \"a\"; zone = \"z1\"; }, { group = \"b\"; zone = \"z2\"; } );\n"
                  "  deployments = ( { name = \"web\"; replicas = 8; " POD "\n"
                  "    topology_spread_constraints = ( { max_skew = 1; topology_key = \"topology.kubernetes.io/zone\"; } ); } );\n");
    if (f < 0)
        return;
    double v[4];
    run_h5_series_row(f, "/series/k8s_node/pods", 2, 4, v);
    CHECK_NEAR(v[0] + v[1] + v[2], 4.0, 0.0);
    CHECK_NEAR(v[3], 4.0, 0.0);
    H5Fclose(f);
}

/* A profile with ImageLocality as its only plugin (no filter: 4 pods of
 * 1000 m fit one 8000 m node anyway). Node 1 (group b) holds the
 * 500 MiB image: sumScores = 500 MiB x 1/2 nodes = 262144000 B, score
 * 100 x (262144000 - 23 MiB) / (1000 MiB - 23 MiB) = 23; node 0 scores 0.
 * All 4 replicas (4000 m of 8000 m, so they fit) go to node 1. */
static void test_image_locality(void)
{
    hid_t f = run("k8s_c_image", HOSTS("a", 1) "," HOSTS("b", 1),
                  "    profiles = ( { scheduler_name = \"images\"; disable_default_plugins = true;\n"
                  "      plugins = ( { name = \"ImageLocality\"; } ); } );\n  };\n"
                  "  node_groups = ( { group = \"a\"; }, { group = \"b\"; images = \"big:1\"; } );\n"
                  "  deployments = ( { name = \"web\"; replicas = 4; scheduler_name = \"images\"; " POD "\n"
                  "    image = \"big:1\"; image_size = \"500MiB\"; } );\n");
    if (f < 0)
        return;
    double v[2];
    run_h5_series_row(f, "/series/k8s_node/pods", 2, 2, v);
    CHECK_NEAR(v[0], 0.0, 0.0);
    CHECK_NEAR(v[1], 4.0, 0.0);
    H5Fclose(f);
}

/* Node 0 has 1 GPU (1000 milli-GPU), node 1 none. Pods asking 0.5 GPU:
 * NodeResourcesFit admits two on node 0 (500 + 500 <= 1000) and none on
 * node 1 (500 > 0); the third of 3 stays pending. */
static void test_fractional_gpus(void)
{
    hid_t f = run("k8s_c_gpu", HOSTS("gpu", 1) "," HOSTS("cpu", 1),
                  "  };\n  node_groups = ( { group = \"gpu\"; gpus = 1; }, { group = \"cpu\"; } );\n"
                  "  deployments = ( { name = \"train\"; replicas = 3; " POD " gpu_request = 0.5; } );\n");
    if (f < 0)
        return;
    double v[2];
    run_h5_series_row(f, "/series/k8s_node/pods", 2, 2, v);
    CHECK_NEAR(v[0], 2.0, 0.0);
    CHECK_NEAR(v[1], 0.0, 0.0);
    run_h5_series_row(f, "/series/k8s/pending_pods", 2, 1, v);
    CHECK_NEAR(v[0], 1.0, 0.0);
    H5Fclose(f);
}

/* One node full with low-a pods 0-3 and low-b pods 4-7 (1000 m each), all
 * running; a PDB on app=low-b. The priority-1000 pod 8 at 10 s needs one
 * pod's room: all 8 are removed; walking them most important first (equal
 * priority: earlier start first) each low-b pod spends one allowed
 * disruption, and those that overdraw are "violating"; violating pods are
 * reprieved first, then the others in the same order, and the first that
 * no longer fits is the victim.
 *  - minAvailable 4: 4 healthy, 0 allowed: 4-7 violate; reprieve 4-7, then
 *    0, 1, 2; pod 3 is the victim.
 *  - maxUnavailable 1 of 4 replicas: desired 3, 1 allowed: pod 4 spends it,
 *    5-7 violate; reprieve 5-7, then 0-3; pod 4 is the victim.
 *  - no PDB: the newest, pod 7 (as in test_k8s_run.c, test_preemption). */
static void pdb_case(const char *name, const char *pdb, int64_t victim)
{
    char k8s[2048];
    snprintf(k8s, sizeof k8s,
             "  };\n  node_groups = ( { group = \"node\"; } );\n"
             "  deployments = ( { name = \"low-a\"; replicas = 4; " POD " },\n"
             "    { name = \"low-b\"; replicas = 4; " POD " },\n"
             "    { name = \"high\"; replicas = 1; priority = 1000; start = \"10s\"; " POD " } );\n%s",
             pdb);
    hid_t f = run(name, HOSTS("node", 1), k8s);
    if (f < 0)
        return;
    h5r_event ev[16];
    CHECK_INT_EQ(run_h5_events(f, "k8s_pod_preempted", ev, 16), 1);
    CHECK_INT_EQ(ev[0].time_ns, 10 * S);
    CHECK_INT_EQ(ev[0].subject, victim);
    CHECK_INT_EQ(ev[0].b, 8);
    H5Fclose(f);
}

static void test_pdb_preemption(void)
{
    pdb_case("k8s_c_pdb_min",
             "  pod_disruption_budgets = ( { name = \"keep-b\"; selector = \"app=low-b\"; min_available = 4; } );\n", 3);
    pdb_case("k8s_c_pdb_max",
             "  pod_disruption_budgets = ( { name = \"keep-b\"; selector = \"app in (low-b)\"; max_unavailable = 1; } );\n",
             4);
    pdb_case("k8s_c_pdb_none", "", 7);
}

/* The selector syntax, one requirement of each form. */
static void test_selector_parse(void)
{
    k8s_selector sel;
    char why[256];
    CHECK_INT_EQ(k8s_selector_parse("zone in (a, b), gpu,!spot, tier!=web, app=db, x notin (y)", &sel, why, sizeof why),
                 -1); /* 6 requirements: more than K8S_MAX_REQS = 4 */
    CHECK_INT_EQ(k8s_selector_parse("zone in (a, b), gpu,!spot, tier!=web", &sel, why, sizeof why), 0);
    CHECK_INT_EQ(sel.n, 4);
    CHECK_INT_EQ(sel.r[0].op, K8S_OP_IN);
    CHECK(strcmp(sel.r[0].key, "zone") == 0);
    CHECK_INT_EQ(sel.r[0].n_values, 2);
    CHECK(strcmp(sel.r[0].values[0], "a") == 0 && strcmp(sel.r[0].values[1], "b") == 0);
    CHECK_INT_EQ(sel.r[1].op, K8S_OP_EXISTS);
    CHECK(strcmp(sel.r[1].key, "gpu") == 0);
    CHECK_INT_EQ(sel.r[2].op, K8S_OP_DOES_NOT_EXIST);
    CHECK(strcmp(sel.r[2].key, "spot") == 0);
    CHECK_INT_EQ(sel.r[3].op, K8S_OP_NOT_IN);
    CHECK(strcmp(sel.r[3].key, "tier") == 0 && strcmp(sel.r[3].values[0], "web") == 0);
    CHECK_INT_EQ(k8s_selector_parse("app==db,x notin (y,z)", &sel, why, sizeof why), 0);
    CHECK_INT_EQ(sel.n, 2);
    CHECK(sel.r[0].op == K8S_OP_IN && strcmp(sel.r[0].values[0], "db") == 0);
    CHECK(sel.r[1].op == K8S_OP_NOT_IN && sel.r[1].n_values == 2 && strcmp(sel.r[1].values[1], "z") == 0);
    /* "in" inside a key or value is not the operator */
    CHECK_INT_EQ(k8s_selector_parse("inner=instance", &sel, why, sizeof why), 0);
    CHECK(sel.n == 1 && sel.r[0].op == K8S_OP_IN && strcmp(sel.r[0].key, "inner") == 0);
    k8s_labels l = {0};
    k8s_labels_set(&l, "zone", "b");
    k8s_labels_set(&l, "gpu", "");
    CHECK_INT_EQ(k8s_selector_parse("zone in (a, b), gpu,!spot, tier!=web", &sel, why, sizeof why), 0);
    CHECK(k8s_selector_matches(&sel, &l));
    k8s_labels_set(&l, "spot", "true");
    CHECK(!k8s_selector_matches(&sel, &l));
}

int main(void)
{
    h5r_quiet q;
    h5r_quiet_begin(&q);
    test_node_selector_and_affinity();
    test_taints_and_tolerations();
    test_anti_affinity();
    test_topology_spread();
    test_image_locality();
    test_fractional_gpus();
    test_pdb_preemption();
    test_selector_parse();
    h5r_quiet_end(&q);
    return CHECK_DONE();
}
