/* test_k8s_scheduler.c - kube-scheduler plugins and framework against values
 * worked by hand from the source formulas (see docs/kubernetes.md). */
#include "models/kubernetes/k8s_framework.h"
#include "models/kubernetes/plugins/k8s_plugin_example.h"
#include "models/kubernetes/plugins/k8s_plugins.h"
#include "tests/check.h"
#include "tests/k8s_fixtures.h"

#include <gsl/gsl_rng.h>

static k8s_pod_spec existing, incoming, other;

/* Reference vector: node 4000m / 8 GiB with 1000m / 2 GiB requested, pod
 * 500m / 1 GiB. Requested with the pod: cpu 1500 of 4000, memory 3 of 8 GiB. */
static void test_resource_scores(void)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    k8s_node n = fx_node("n0", 4000, 8 * GIB);
    k8s_snapshot_add_node(&s, &n);
    fx_spec(&existing, "old", 1000, 2 * GIB);
    k8s_snapshot_add_pod(&s, &existing, 0, 0);
    fx_spec(&incoming, "new", 500, 1 * GIB);
    k8s_resources req = k8s_pod_requests(&incoming), nz = k8s_pod_nonzero_requests(&incoming);
    k8s_fit_args a = {.type = K8S_LEAST_ALLOCATED, .weight = {1, 1, 0, 0}};

    /* least: cpu (4000-1500)*100/4000 = 62 (62.5 truncated); memory (8-3)*100/8 = 62;
     * (62 + 62) / 2 = 62 */
    CHECK_INT_EQ(k8s_fit_score(&a, &s.nodes[0], &nz, &req), 62);
    /* most: cpu 1500*100/4000 = 37; memory 3*100/8 = 37; mean 37 */
    a.type = K8S_MOST_ALLOCATED;
    CHECK_INT_EQ(k8s_fit_score(&a, &s.nodes[0], &nz, &req), 37);
    /* weights cpu 3, memory 1 with least: cpu 62, memory 62 -> (186 + 62) / 4 = 62 */
    a.type = K8S_LEAST_ALLOCATED;
    a.weight[K8S_CPU] = 3;
    CHECK_INT_EQ(k8s_fit_score(&a, &s.nodes[0], &nz, &req), 62);

    /* RequestedToCapacityRatio, shape {(0,0),(100,10)}: utilization 37 for both,
     * f(37) = 0 + (100-0)*(37-0)/(100-0) = 37; round(37) = 37 */
    a = (k8s_fit_args){.type = K8S_REQUESTED_TO_CAPACITY_RATIO, .weight = {1, 1, 0, 0}, .n_shape = 2};
    a.shape[0] = (k8s_shape_point){0, 0};
    a.shape[1] = (k8s_shape_point){100, 10};
    CHECK_INT_EQ(k8s_fit_score(&a, &s.nodes[0], &nz, &req), 37);
    /* shape {(0,0),(50,10),(100,0)}: f(37) = 0 + (100-0)*(37-0)/(50-0) = 74 */
    a.n_shape = 3;
    a.shape[1] = (k8s_shape_point){50, 10};
    a.shape[2] = (k8s_shape_point){100, 0};
    CHECK_INT_EQ(k8s_fit_score(&a, &s.nodes[0], &nz, &req), 74);
    /* a zero score drops its weight: shape {(0,0),(100,0)} everywhere 0 -> 0 */
    CHECK_INT_EQ(k8s_broken_linear(a.shape, 3, 100), 0);

    /* Balanced: fractions 1500/4000 = 0.375 and 3/8 = 0.375, std 0 -> 100 */
    int64_t bw[K8S_NRES] = {1, 1, 0, 0};
    CHECK_INT_EQ(k8s_balanced_score(K8S_VERSION_1_35, bw, &s.nodes[0], &req), 100);
    /* v1.36 (PR 135573) scores the change: without the pod 1000/4000 = 0.25 and
     * 2/8 = 0.25 -> 100 too; 50 + (50 + 100 - 100) / 2 = 75 */
    CHECK_INT_EQ(k8s_balanced_score(K8S_VERSION_1_36, bw, &s.nodes[0], &req), 75);
    /* fractions (0.625, 0.125): std = |0.625-0.125|/2 = 0.25 -> int(75) = 75.
     * cpu 2500/4000 with the pod 1500m; memory 1 GiB of 8 GiB with an existing 0 */
    k8s_snapshot s2;
    k8s_snapshot_init(&s2);
    k8s_snapshot_add_node(&s2, &n);
    fx_spec(&other, "b", 1500, 1 * GIB);
    k8s_pod_spec p25;
    fx_spec(&p25, "c", 1000, 0);
    k8s_snapshot_add_pod(&s2, &p25, 0, 0);
    k8s_resources r2 = k8s_pod_requests(&other);
    CHECK_INT_EQ(k8s_balanced_score(K8S_VERSION_1_35, bw, &s2.nodes[0], &r2), 75);
    /* v1.36: without the pod (0.25, 0) -> std 0.125 -> int(87.5) = 87;
     * 50 + (50 + 75 - 87) / 2 = 50 + 19 = 69 */
    CHECK_INT_EQ(k8s_balanced_score(K8S_VERSION_1_36, bw, &s2.nodes[0], &r2), 69);
    /* three resources (cpu, memory, gpu) with fractions 0.5, 0.25, 0.75:
     * mean 0.5, variance (0 + 0.0625 + 0.0625)/3 = 0.0416667, std 0.2041241 ->
     * int(79.587) = 79 */
    k8s_node g = fx_node("g", 4000, 8 * GIB);
    g.allocatable.v[K8S_GPU] = 4000;
    k8s_snapshot s3;
    k8s_snapshot_init(&s3);
    k8s_snapshot_add_node(&s3, &g);
    k8s_pod_spec gp;
    fx_spec(&gp, "gpu", 2000, 2 * GIB);
    gp.containers[0].requests.v[K8S_GPU] = 3000;
    k8s_resources rg = k8s_pod_requests(&gp);
    int64_t bw3[K8S_NRES] = {1, 1, 0, 1};
    CHECK_INT_EQ(k8s_balanced_score(K8S_VERSION_1_35, bw3, &s3.nodes[0], &rg), 79);
    /* v1.36: the empty node (0, 0, 0) -> 100; 50 + (50 + 79 - 100) / 2 = 50 + 14 = 64 */
    CHECK_INT_EQ(k8s_balanced_score(K8S_VERSION_1_36, bw3, &s3.nodes[0], &rg), 64);

    /* non-zero requests: a pod with no requests counts 100m / 200 MiB in the
     * Fit score; on the empty 4000m / 8 GiB node: cpu (4000-100)*100/4000 = 97,
     * memory (8192-200)*100/8192 = 97 (97.56) -> 97 */
    k8s_pod_spec be;
    fx_spec(&be, "besteffort", 0, 0);
    k8s_resources be_req = k8s_pod_requests(&be), be_nz = k8s_pod_nonzero_requests(&be);
    CHECK_INT_EQ(be_nz.v[K8S_CPU], 100);
    CHECK_INT_EQ(be_nz.v[K8S_MEMORY], 200 * MIB);
    a = (k8s_fit_args){.type = K8S_LEAST_ALLOCATED, .weight = {1, 1, 0, 0}};
    CHECK_INT_EQ(k8s_fit_score(&a, &s3.nodes[0], &be_nz, &be_req), 97);
    CHECK(k8s_pod_is_best_effort(&be));

    /* issue 14 item 5: a request written as 0 is not an absent one
     * (GetNonzeroRequestForResource overrides only an unset request). CPU 0
     * explicit, memory 1 GiB: nonzero cpu 0; LeastAllocated on the empty
     * 4000m / 8 GiB node: cpu 100, memory (8-1)*100/8 = 87 -> (100 + 87) / 2
     * = 93 (an unset cpu would count 100 m: (97 + 87) / 2 = 92). */
    k8s_pod_spec ez;
    fx_spec(&ez, "explicit-zero", 0, 1 * GIB);
    CHECK_INT_EQ(k8s_pod_nonzero_requests(&ez).v[K8S_CPU], 100);
    ez.containers[0].explicit_zero = 1u << K8S_CPU;
    k8s_resources ez_req = k8s_pod_requests(&ez), ez_nz = k8s_pod_nonzero_requests(&ez);
    CHECK_INT_EQ(ez_nz.v[K8S_CPU], 0);
    CHECK_INT_EQ(ez_nz.v[K8S_MEMORY], 1 * GIB);
    CHECK_INT_EQ(k8s_fit_score(&a, &s3.nodes[0], &ez_nz, &ez_req), 93);

    /* init containers: max(sum of containers, max init) + overhead */
    k8s_pod_spec ic;
    fx_spec(&ic, "init", 300, 0);
    ic.n_init_containers = 1;
    ic.init_containers[0].requests.v[K8S_CPU] = 800;
    ic.overhead.v[K8S_CPU] = 50;
    CHECK_INT_EQ(k8s_pod_requests(&ic).v[K8S_CPU], 850);

    k8s_snapshot_free(&s);
    k8s_snapshot_free(&s2);
    k8s_snapshot_free(&s3);
}

static void test_default_normalize(void)
{
    /* max 40: 100*10/40 = 25, 100*20/40 = 50, 100 */
    int64_t a[3] = {10, 20, 40};
    k8s_default_normalize_score(100, 0, a, 3);
    CHECK_INT_EQ(a[0], 25);
    CHECK_INT_EQ(a[1], 50);
    CHECK_INT_EQ(a[2], 100);
    int64_t b[3] = {10, 20, 40};
    k8s_default_normalize_score(100, 1, b, 3);
    CHECK_INT_EQ(b[0], 75);
    CHECK_INT_EQ(b[1], 50);
    CHECK_INT_EQ(b[2], 0);
    /* 100*1/3 = 33 (truncated) */
    int64_t c[2] = {1, 3};
    k8s_default_normalize_score(100, 0, c, 2);
    CHECK_INT_EQ(c[0], 33);
    int64_t z[2] = {0, 0};
    k8s_default_normalize_score(100, 1, z, 2);
    CHECK_INT_EQ(z[0], 100);
    int64_t z2[2] = {0, 0};
    k8s_default_normalize_score(100, 0, z2, 2);
    CHECK_INT_EQ(z2[1], 0);
}

static void test_image_locality(void)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    k8s_node n0 = fx_node("n0", 4000, 8 * GIB), n1 = fx_node("n1", 4000, 8 * GIB);
    k8s_snapshot_add_node(&s, &n0);
    k8s_snapshot_add_node(&s, &n1);
    k8s_snapshot_node_add_image(&s, 0, "registry/app:1", 500 * MIB);
    fx_spec(&incoming, "img", 100, MIB);
    strcpy(incoming.containers[0].image, "registry/app:1");
    /* image on 1 of 2 nodes: sum = int(500 MiB x 0.5) = 250 MiB;
     * 100 (250 - 23) MiB / (1000 - 23) MiB = 22700/977 = 23 */
    CHECK_INT_EQ(k8s_image_locality_score(&s, &s.nodes[0], &incoming), 23);
    CHECK_INT_EQ(k8s_image_locality_score(&s, &s.nodes[1], &incoming), 0);
    /* on both nodes: 500 MiB -> 100 x 477 / 977 = 48 */
    k8s_snapshot_node_add_image(&s, 1, "registry/app:1", 500 * MIB);
    CHECK_INT_EQ(k8s_image_locality_score(&s, &s.nodes[1], &incoming), 48);
    /* two containers: max threshold 2000 MiB; the second image (2 GiB, on both
     * nodes) adds 2048 MiB: sum 2548 clamps to 2000 -> 100 */
    k8s_snapshot_node_add_image(&s, 0, "registry/big:1", 2048 * MIB);
    k8s_snapshot_node_add_image(&s, 1, "registry/big:1", 2048 * MIB);
    incoming.n_containers = 2;
    strcpy(incoming.containers[1].image, "registry/big:1");
    CHECK_INT_EQ(k8s_image_locality_score(&s, &s.nodes[0], &incoming), 100);
    /* normalizedImageName: "nginx" is "nginx:latest"; "host:5000/app" too */
    k8s_snapshot_node_add_image(&s, 0, "nginx:latest", 100 * MIB);
    k8s_snapshot_node_add_image(&s, 0, "host:5000/app", 100 * MIB);
    CHECK(k8s_snapshot_find_image(&s, "nginx") >= 0);
    CHECK(k8s_snapshot_find_image(&s, "host:5000/app:latest") >= 0);
    CHECK(k8s_snapshot_find_image(&s, "nginx:1.25") < 0);
    k8s_snapshot_free(&s);
}

static void test_taints_and_node_affinity(void)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    k8s_profile prof;
    fx_profile_only(&prof, "TaintToleration");
    k8s_profile_enable(&prof, "NodeAffinity", 1, NULL);
    k8s_node n[4];
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof name, "n%d", i);
        n[i] = fx_node(name, 4000, 8 * GIB);
    }
    /* PreferNoSchedule taints not tolerated: n0 0, n1 1, n2 2; n3 has a
     * NoSchedule taint that the pod tolerates */
    n[1].n_taints = 1;
    n[1].taints[0] = (k8s_taint){"dedicated", "a", K8S_PREFER_NO_SCHEDULE};
    n[2].n_taints = 2;
    n[2].taints[0] = (k8s_taint){"dedicated", "a", K8S_PREFER_NO_SCHEDULE};
    n[2].taints[1] = (k8s_taint){"slow", "", K8S_PREFER_NO_SCHEDULE};
    n[3].n_taints = 1;
    n[3].taints[0] = (k8s_taint){"gpu", "yes", K8S_NO_SCHEDULE};
    fx_label(&n[0].labels, "zone", "a");
    fx_label(&n[1].labels, "disk", "ssd");
    fx_label(&n[2].labels, "zone", "a");
    fx_label(&n[2].labels, "disk", "ssd");
    for (int i = 0; i < 4; i++)
        k8s_snapshot_add_node(&s, &n[i]);
    fx_spec(&incoming, "p", 100, MIB);
    incoming.n_tolerations = 1;
    incoming.tolerations[0] = (k8s_toleration){"gpu", "yes", K8S_TOL_EQUAL, K8S_NO_SCHEDULE};
    int64_t sc[4];
    /* raw 0, 1, 2, 0; max 2: 100 - 100*raw/2 = 100, 50, 0, 100 */
    fx_plugin_scores(&prof, &s, &incoming, "TaintToleration", sc);
    CHECK_INT_EQ(sc[0], 100);
    CHECK_INT_EQ(sc[1], 50);
    CHECK_INT_EQ(sc[2], 0);
    CHECK_INT_EQ(sc[3], 100);
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 3), K8S_SUCCESS);
    incoming.n_tolerations = 0;
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 3), K8S_UNSCHEDULABLE_UNRESOLVABLE);
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 2), K8S_SUCCESS); /* PreferNoSchedule never filters */

    /* preferred node affinity: zone=a weight 30, disk=ssd weight 70.
     * raw n0 30, n1 70, n2 100, n3 0; max 100 -> same */
    incoming.n_preferred_node_terms = 2;
    incoming.preferred_node_terms[0].weight = 30;
    k8s_selector_add(&incoming.preferred_node_terms[0].match, "zone", K8S_OP_IN, "a");
    incoming.preferred_node_terms[1].weight = 70;
    k8s_selector_add(&incoming.preferred_node_terms[1].match, "disk", K8S_OP_IN, "ssd");
    fx_plugin_scores(&prof, &s, &incoming, "NodeAffinity", sc);
    CHECK_INT_EQ(sc[0], 30);
    CHECK_INT_EQ(sc[1], 70);
    CHECK_INT_EQ(sc[2], 100);
    CHECK_INT_EQ(sc[3], 0);
    /* drop n2's contribution: raw 30, 70, 0(ssd removed) ... max 70 ->
     * 100*30/70 = 42, 100 */
    incoming.preferred_node_terms[1].weight = 70;
    incoming.preferred_node_terms[0].weight = 30;
    k8s_labels_set(&s.nodes[2].labels, "disk", "hdd");
    fx_plugin_scores(&prof, &s, &incoming, "NodeAffinity", sc);
    CHECK_INT_EQ(sc[0], 42);
    CHECK_INT_EQ(sc[1], 100);
    CHECK_INT_EQ(sc[2], 42);

    /* required: nodeSelector and OR of terms */
    k8s_labels_set(&incoming.node_selector, "zone", "a");
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_SUCCESS);
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 1), K8S_UNSCHEDULABLE_UNRESOLVABLE);
    incoming.node_selector.n = 0;
    incoming.n_required_node_terms = 2;
    k8s_selector_add(&incoming.required_node_terms[0], "disk", K8S_OP_IN, "ssd");
    k8s_selector_add(&incoming.required_node_terms[1], "zone", K8S_OP_NOT_IN, "a");
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 1), K8S_SUCCESS);  /* ssd */
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 2), K8S_UNSCHEDULABLE_UNRESOLVABLE); /* hdd, zone a */
    incoming.n_required_node_terms = 0;

    /* NodeUnschedulable and NodeName */
    s.nodes[0].unschedulable = 1;
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_UNSCHEDULABLE_UNRESOLVABLE);
    incoming.n_tolerations = 1;
    incoming.tolerations[0] = (k8s_toleration){K8S_TAINT_UNSCHEDULABLE, "", K8S_TOL_EXISTS, K8S_NO_SCHEDULE};
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_SUCCESS);
    strcpy(incoming.node_name, "n1");
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_UNSCHEDULABLE_UNRESOLVABLE);
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 1), K8S_SUCCESS);
    k8s_snapshot_free(&s);
}

static void test_fit_filter(void)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    k8s_profile prof;
    fx_profile_only(&prof, NULL);
    k8s_node n = fx_node("n0", 1000, 2 * GIB);
    n.max_pods = 2;
    k8s_snapshot_add_node(&s, &n);
    fx_spec(&existing, "e", 600, GIB);
    k8s_snapshot_add_pod(&s, &existing, 0, 0);
    fx_spec(&incoming, "p", 400, GIB);
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_SUCCESS); /* 600 + 400 = 1000 <= 1000 */
    incoming.containers[0].requests.v[K8S_CPU] = 401;
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_UNSCHEDULABLE);
    incoming.containers[0].requests.v[K8S_CPU] = 0; /* zero requests fit anywhere... */
    incoming.containers[0].requests.v[K8S_MEMORY] = 0;
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_SUCCESS);
    k8s_snapshot_add_pod(&s, &existing, 0, 0); /* ...until the pod count is full (2 of 2) */
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_UNSCHEDULABLE);
    /* fractional GPU: 500 milli-GPU on a node with 1 GPU and 600 used */
    k8s_node g = fx_node("g", 8000, 16 * GIB);
    g.allocatable.v[K8S_GPU] = 1000;
    k8s_snapshot_add_node(&s, &g);
    k8s_pod_spec gp;
    fx_spec(&gp, "g1", 100, MIB);
    gp.containers[0].requests.v[K8S_GPU] = 600;
    k8s_snapshot_add_pod(&s, &gp, 1, 0);
    fx_spec(&incoming, "g2", 100, MIB);
    incoming.containers[0].requests.v[K8S_GPU] = 500;
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 1), K8S_UNSCHEDULABLE);
    incoming.containers[0].requests.v[K8S_GPU] = 400;
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 1), K8S_SUCCESS);
    k8s_snapshot_free(&s);
}

/* Three nodes, n0 and n1 in zone a, n2 in zone b; web pods: n0 2, n1 1, n2 0. */
static void spread_cluster(k8s_snapshot *s)
{
    k8s_snapshot_init(s);
    const char *zones[3] = {"a", "a", "b"};
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "n%d", i);
        k8s_node n = fx_node(name, 8000, 16 * GIB);
        fx_label(&n.labels, K8S_LABEL_ZONE, zones[i]);
        k8s_snapshot_add_node(s, &n);
    }
    fx_spec(&existing, "web", 100, MIB);
    fx_label(&existing.labels, "app", "web");
    k8s_snapshot_add_pod(s, &existing, 0, 0);
    k8s_snapshot_add_pod(s, &existing, 0, 0);
    k8s_snapshot_add_pod(s, &existing, 1, 0);
}

static void test_topology_spread(void)
{
    k8s_snapshot s;
    spread_cluster(&s);
    k8s_profile prof;
    fx_profile_only(&prof, NULL);
    prof.plugins[k8s_profile_find(&prof, "PodTopologySpread")].weight = 1;
    fx_spec(&incoming, "web", 100, MIB);
    fx_label(&incoming.labels, "app", "web");
    incoming.n_spread = 1;
    k8s_spread_constraint *c = &incoming.spread[0];
    c->max_skew = 1;
    strcpy(c->topology_key, K8S_LABEL_HOSTNAME);
    c->when_unsatisfiable = K8S_SCHEDULE_ANYWAY;
    k8s_selector_add(&c->match, "app", K8S_OP_IN, "web");
    int64_t sc[3];
    /* hostname: size = 3 filtered nodes, weight ln(5) = 1.6094;
     * raw n0 = round(2 x 1.6094 + 0) = 3, n1 = round(1.6094) = 2, n2 = 0;
     * min 0, max 3: 100 (3 + 0 - raw) / 3 = 0, 33, 100 */
    fx_plugin_scores(&prof, &s, &incoming, "PodTopologySpread", sc);
    CHECK_INT_EQ(sc[0], 0);
    CHECK_INT_EQ(sc[1], 33);
    CHECK_INT_EQ(sc[2], 100);
    /* zone, maxSkew 2: zone a holds 3, zone b 0; 2 domains, weight ln(4) = 1.3863;
     * raw n0 = n1 = round(3 x 1.3863 + 1) = round(5.159) = 5, n2 = round(0 + 1) = 1;
     * min 1, max 5: 100 (6 - 5) / 5 = 20 and 100 (6 - 1) / 5 = 100 */
    strcpy(c->topology_key, K8S_LABEL_ZONE);
    c->max_skew = 2;
    fx_plugin_scores(&prof, &s, &incoming, "PodTopologySpread", sc);
    CHECK_INT_EQ(sc[0], 20);
    CHECK_INT_EQ(sc[1], 20);
    CHECK_INT_EQ(sc[2], 100);

    /* filter, zone, maxSkew 1, DoNotSchedule: zone a 3 + self 1 - min 0 = 4 > 1;
     * zone b 0 + 1 - 0 = 1 <= 1 */
    c->max_skew = 1;
    c->when_unsatisfiable = K8S_DO_NOT_SCHEDULE;
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_UNSCHEDULABLE);
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 2), K8S_SUCCESS);
    /* maxSkew 4: zone a 3 + 1 - 0 = 4 <= 4 */
    c->max_skew = 4;
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_SUCCESS);
    /* a node without the zone label cannot host it */
    k8s_node nz = fx_node("nozone", 8000, 16 * GIB);
    k8s_snapshot_add_node(&s, &nz);
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 3), K8S_UNSCHEDULABLE_UNRESOLVABLE);

    /* system defaults for a pod with an owner and no constraints:
     * hostname maxSkew 3 and zone maxSkew 5 over same-owner pods.
     * Owner pods: n0 2, n1 1, n2 0, nozone 0 (4 filtered nodes).
     * hostname weight ln(6) = 1.7918; zone: a, b and the "" of nozone -> 3
     * domains, weight ln(5) = 1.6094 (zone a holds 3).
     * n0 = round(2*1.7918 + 2 + 3*1.6094 + 4) = round(14.412) = 14
     * n1 = round(1.7918 + 2 + 4.8283 + 4) = round(12.620) = 13
     * n2 = round(0 + 2 + 0 + 4) = 6; nozone: no zone label, hostname only: 2.
     * min 2, max 14: 100 (16 - raw) / 14 = 14, 21, 71, 100 */
    strcpy(existing.owner, "rs-web");
    strcpy(incoming.owner, "rs-web");
    incoming.n_spread = 0;
    int64_t sc4[4];
    fx_plugin_scores(&prof, &s, &incoming, "PodTopologySpread", sc4);
    CHECK_INT_EQ(sc4[0], 14);
    CHECK_INT_EQ(sc4[1], 21);
    CHECK_INT_EQ(sc4[2], 71);
    CHECK_INT_EQ(sc4[3], 100);

    /* issue 14 item 2: only pods of a ReplicaSet, StatefulSet or
     * ReplicationController get the system defaults; a Job's do not */
    CHECK(k8s_pod_has_default_spread_selector(&incoming)); /* owner_kind 0: ReplicaSet */
    incoming.owner_kind = K8S_OWNER_STATEFULSET;
    CHECK(k8s_pod_has_default_spread_selector(&incoming));
    incoming.owner_kind = K8S_OWNER_JOB;
    CHECK(!k8s_pod_has_default_spread_selector(&incoming));
    incoming.owner_kind = K8S_OWNER_REPLICASET;
    incoming.owner[0] = '\0';
    CHECK(!k8s_pod_has_default_spread_selector(&incoming)); /* a bare pod */

    /* issue 14 items 1 and 3: every node added carries kubernetes.io/hostname
     * (its name), which nodeSelector reads like any label; a node taken out
     * of the cluster leaves the scheduler's node list */
    CHECK_STR_CONTAINS(k8s_labels_get(&s.nodes[1].labels, K8S_LABEL_HOSTNAME), "n1");
    k8s_pod_spec pinned;
    fx_spec(&pinned, "pinned", 100, MIB);
    fx_label(&pinned.node_selector, K8S_LABEL_HOSTNAME, "n1");
    CHECK(!k8s_node_matches_required_affinity(&pinned, &s.nodes[0]));
    CHECK(k8s_node_matches_required_affinity(&pinned, &s.nodes[1]));
    CHECK_INT_EQ(s.n_live, 4);
    k8s_snapshot_set_node_present(&s, 1, 0);
    CHECK_INT_EQ(s.n_live, 3);
    CHECK_INT_EQ(s.live[1], 2);
    k8s_snapshot_set_node_present(&s, 1, 1);
    CHECK_INT_EQ(s.n_live, 4);
    CHECK_INT_EQ(s.live[1], 1);
    k8s_snapshot_free(&s);
}

static void test_inter_pod_affinity(void)
{
    k8s_snapshot s;
    spread_cluster(&s); /* web pods on n0 (2) and n1 (1) */
    k8s_profile prof;
    fx_profile_only(&prof, NULL);
    prof.plugins[k8s_profile_find(&prof, "InterPodAffinity")].weight = 1;
    /* a db pod on n0 with required anti-affinity to app=web per hostname */
    k8s_pod_spec db;
    fx_spec(&db, "db", 100, MIB);
    fx_label(&db.labels, "app", "db");
    db.n_anti_required = 1;
    strcpy(db.anti_required[0].topology_key, K8S_LABEL_HOSTNAME);
    k8s_selector_add(&db.anti_required[0].match, "app", K8S_OP_IN, "web");
    k8s_snapshot_add_pod(&s, &db, 0, 0);

    /* incoming web pod: existing anti-affinity forbids n0 */
    fx_spec(&incoming, "web", 100, MIB);
    fx_label(&incoming.labels, "app", "web");
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_UNSCHEDULABLE);
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 1), K8S_SUCCESS);
    /* other namespace: the db pod's term does not select it */
    strcpy(incoming.namespace_, "other");
    CHECK_INT_EQ(fx_filter(&prof, &s, &incoming, 0), K8S_SUCCESS);
    strcpy(incoming.namespace_, "default");

    /* required affinity to app=db per zone: zone a (n0, n1) only */
    fx_spec(&other, "cache", 100, MIB);
    fx_label(&other.labels, "app", "cache");
    other.n_affinity_required = 1;
    strcpy(other.affinity_required[0].topology_key, K8S_LABEL_ZONE);
    k8s_selector_add(&other.affinity_required[0].match, "app", K8S_OP_IN, "db");
    CHECK_INT_EQ(fx_filter(&prof, &s, &other, 1), K8S_SUCCESS);
    CHECK_INT_EQ(fx_filter(&prof, &s, &other, 2), K8S_UNSCHEDULABLE_UNRESOLVABLE);
    /* first pod of a self-affine group: nothing matches app=cache anywhere,
     * and the pod matches its own term -> allowed */
    other.affinity_required[0].match.n = 0;
    k8s_selector_add(&other.affinity_required[0].match, "app", K8S_OP_IN, "cache");
    CHECK_INT_EQ(fx_filter(&prof, &s, &other, 2), K8S_SUCCESS);
    other.n_affinity_required = 0;
    /* required anti-affinity to app=web per zone: n0, n1 (zone a) refused */
    other.n_anti_required = 1;
    strcpy(other.anti_required[0].topology_key, K8S_LABEL_ZONE);
    k8s_selector_add(&other.anti_required[0].match, "app", K8S_OP_IN, "web");
    CHECK_INT_EQ(fx_filter(&prof, &s, &other, 1), K8S_UNSCHEDULABLE);
    CHECK_INT_EQ(fx_filter(&prof, &s, &other, 2), K8S_SUCCESS);
    other.n_anti_required = 0;

    /* score: preferred affinity to app=db per zone, weight 10 -> zone a +10;
     * preferred anti-affinity to app=web per hostname, weight 5 -> n0 -10
     * (2 web pods), n1 -5. The db pod's required anti-affinity does not score.
     * raw n0 = 10 - 10 = 0, n1 = 10 - 5 = 5, n2 = 0;
     * min 0, max 5: int(100 x raw / 5) = 0, 100, 0 */
    other.n_affinity_preferred = 1;
    other.affinity_preferred[0].weight = 10;
    strcpy(other.affinity_preferred[0].topology_key, K8S_LABEL_ZONE);
    k8s_selector_add(&other.affinity_preferred[0].match, "app", K8S_OP_IN, "db");
    other.n_anti_preferred = 1;
    other.anti_preferred[0].weight = 5;
    strcpy(other.anti_preferred[0].topology_key, K8S_LABEL_HOSTNAME);
    k8s_selector_add(&other.anti_preferred[0].match, "app", K8S_OP_IN, "web");
    int64_t sc[3];
    fx_plugin_scores(&prof, &s, &other, "InterPodAffinity", sc);
    CHECK_INT_EQ(sc[0], 0);
    CHECK_INT_EQ(sc[1], 100);
    CHECK_INT_EQ(sc[2], 0);
    /* anti weight 3: raw n0 = 10 - 6 = 4, n1 = 7, n2 = 0 -> int(100 x 4/7) = 57, 100, 0 */
    other.anti_preferred[0].weight = 3;
    fx_plugin_scores(&prof, &s, &other, "InterPodAffinity", sc);
    CHECK_INT_EQ(sc[0], 57);
    CHECK_INT_EQ(sc[1], 100);
    CHECK_INT_EQ(sc[2], 0);
    /* an existing pod's required affinity matching the incoming pod adds
     * hardPodAffinityWeight 1 on its zone: a sidecar on n2 (zone b) requiring
     * app=cache per zone. raw n0 4, n1 7, n2 1 -> (4-0)... min 1: 100x3/6 = 50, 100, 0 */
    k8s_pod_spec side;
    fx_spec(&side, "side", 100, MIB);
    side.n_affinity_required = 1;
    strcpy(side.affinity_required[0].topology_key, K8S_LABEL_ZONE);
    k8s_selector_add(&side.affinity_required[0].match, "app", K8S_OP_IN, "cache");
    k8s_snapshot_add_pod(&s, &side, 2, 0);
    fx_plugin_scores(&prof, &s, &other, "InterPodAffinity", sc);
    CHECK_INT_EQ(sc[0], 50);
    CHECK_INT_EQ(sc[1], 100);
    CHECK_INT_EQ(sc[2], 0);
    k8s_snapshot_free(&s);
}

static void test_num_feasible(void)
{
    /* n < 100: all; otherwise pct = max(50 - n/125, 5), n*pct/100, at least 100 */
    CHECK_INT_EQ(k8s_num_feasible_nodes_to_find(0, 50), 50);
    CHECK_INT_EQ(k8s_num_feasible_nodes_to_find(0, 100), 100);  /* 50 % of 100 = 50 -> 100 */
    CHECK_INT_EQ(k8s_num_feasible_nodes_to_find(0, 500), 230);  /* 46 % */
    CHECK_INT_EQ(k8s_num_feasible_nodes_to_find(0, 1000), 420); /* 42 % */
    CHECK_INT_EQ(k8s_num_feasible_nodes_to_find(0, 5000), 500); /* 10 % */
    CHECK_INT_EQ(k8s_num_feasible_nodes_to_find(0, 10000), 500); /* 5 % floor */
    CHECK_INT_EQ(k8s_num_feasible_nodes_to_find(30, 1000), 300);
    CHECK_INT_EQ(k8s_num_feasible_nodes_to_find(1, 1000), 100);
    CHECK_INT_EQ(k8s_num_feasible_nodes_to_find(100, 1000), 1000);
}

static void add_identical_nodes(k8s_snapshot *s, uint32_t n, int64_t cpu, int64_t mem)
{
    for (uint32_t i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "node-%04u", i);
        k8s_node node = fx_node(name, cpu, mem);
        k8s_snapshot_add_node(s, &node);
    }
}

static void test_rotation_and_cost(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    add_identical_nodes(&s, 1000, 4000, 8 * GIB);
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_scheduler sched = {0};
    fx_spec(&incoming, "p", 100, MIB);
    k8s_schedule_result r;
    /* 420 feasible nodes found from start 0, then 420, then (840+420) % 1000 */
    k8s_schedule_pod(&sched, &prof, &s, &incoming, rng, &r);
    CHECK_INT_EQ(r.evaluated_nodes, 420);
    CHECK_INT_EQ(r.feasible_nodes, 420);
    CHECK_INT_EQ(sched.next_start_node_index, 420);
    CHECK(r.node >= 0 && r.node < 420);
    /* cost: 200 us + 1 us x 420 nodes x 7 filters + 2 us x 420 x 7 scorers = 9.02 ms */
    CHECK_INT_EQ(r.cost_ns, 200000 + 1000LL * 420 * 7 + 2000LL * 420 * 7);
    k8s_schedule_pod(&sched, &prof, &s, &incoming, rng, &r);
    CHECK_INT_EQ(sched.next_start_node_index, 840);
    CHECK(r.node >= 420 && r.node < 840);
    k8s_schedule_pod(&sched, &prof, &s, &incoming, rng, &r);
    CHECK_INT_EQ(sched.next_start_node_index, 260);
    k8s_snapshot_free(&s);
}

static void test_least_allocated_spreads(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    add_identical_nodes(&s, 10, 4000, 8 * GIB);
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_scheduler sched = {0};
    fx_spec(&incoming, "p", 500, GIB); /* 8 fit per node */
    int ok = 1;
    for (int k = 0; k < 80; k++) {
        k8s_schedule_result r;
        k8s_schedule_pod(&sched, &prof, &s, &incoming, rng, &r);
        if (r.node < 0) {
            ok = 0;
            break;
        }
        k8s_bind(&prof, &s, &incoming, (uint32_t)r.node, k);
        int32_t lo = 1 << 30, hi = 0;
        for (uint32_t i = 0; i < s.n_nodes; i++) {
            lo = s.nodes[i].n_pods < lo ? s.nodes[i].n_pods : lo;
            hi = s.nodes[i].n_pods > hi ? s.nodes[i].n_pods : hi;
        }
        if (hi - lo > 1)
            ok = 0;
    }
    CHECK(ok);
    CHECK_INT_EQ(s.n_pods, 80);
    /* all full now: the 81st is unschedulable, and no lower priority pod can go */
    k8s_schedule_result r;
    k8s_schedule_pod(&sched, &prof, &s, &incoming, rng, &r);
    CHECK_INT_EQ(r.node, -1);
    CHECK_INT_EQ(r.nominated_node, -1);
    CHECK_STR_CONTAINS(r.failed_plugin, "NodeResourcesFit");
    k8s_schedule_result_free(&r);
    k8s_snapshot_free(&s);
}

static void test_most_allocated_packs(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    add_identical_nodes(&s, 5, 4000, 8 * GIB);
    k8s_profile prof;
    fx_profile_only(&prof, "NodeResourcesFit");
    prof.fit.type = K8S_MOST_ALLOCATED;
    k8s_scheduler sched = {0};
    fx_spec(&incoming, "p", 1000, 2 * GIB); /* 4 per node */
    int ok = 1;
    for (int k = 0; k < 20; k++) {
        k8s_schedule_result r;
        k8s_schedule_pod(&sched, &prof, &s, &incoming, rng, &r);
        if (r.node < 0) {
            ok = 0;
            break;
        }
        k8s_bind(&prof, &s, &incoming, (uint32_t)r.node, k);
        /* at most one node partly filled at any time */
        int partial = 0;
        for (uint32_t i = 0; i < s.n_nodes; i++)
            partial += s.nodes[i].n_pods > 0 && s.nodes[i].n_pods < 4;
        if (partial > 1)
            ok = 0;
    }
    CHECK(ok);
    k8s_snapshot_free(&s);
}

/* selectHost: with 4 tied nodes each wins about 1/4 of the time.
 * 8000 draws: expected 2000 each, sd sqrt(8000 x 0.25 x 0.75) = 38.7;
 * the band 2000 +- 200 is over 5 sd. */
static void test_tie_break_uniform(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    add_identical_nodes(&s, 4, 4000, 8 * GIB);
    k8s_profile prof;
    k8s_profile_default(&prof);
    k8s_scheduler sched = {0};
    fx_spec(&incoming, "p", 500, GIB);
    int count[4] = {0};
    for (int k = 0; k < 8000; k++) {
        k8s_schedule_result r;
        k8s_schedule_pod(&sched, &prof, &s, &incoming, rng, &r);
        count[r.node]++;
    }
    for (int i = 0; i < 4; i++)
        CHECK(count[i] > 1800 && count[i] < 2200);
    k8s_snapshot_free(&s);
}

static void test_profiles_and_example_plugin(gsl_rng *rng)
{
    k8s_profile prof;
    k8s_profile_default(&prof);
    CHECK_INT_EQ(prof.n_plugins, 9);
    CHECK_INT_EQ(prof.plugins[k8s_profile_find(&prof, "TaintToleration")].weight, 3);
    CHECK_INT_EQ(prof.plugins[k8s_profile_find(&prof, "NodeAffinity")].weight, 2);
    CHECK_INT_EQ(prof.plugins[k8s_profile_find(&prof, "PodTopologySpread")].weight, 2);
    CHECK_INT_EQ(prof.plugins[k8s_profile_find(&prof, "InterPodAffinity")].weight, 2);
    CHECK_INT_EQ(prof.plugins[k8s_profile_find(&prof, "NodeResourcesFit")].weight, 1);
    CHECK_INT_EQ(prof.plugins[k8s_profile_find(&prof, "NodeResourcesBalancedAllocation")].weight, 1);
    CHECK_INT_EQ(prof.plugins[k8s_profile_find(&prof, "ImageLocality")].weight, 1);
    CHECK_INT_EQ(k8s_profile_enable(&prof, "NoSuchPlugin", 1, NULL), -1);
    CHECK_INT_EQ(k8s_profile_disable(&prof, "ImageLocality"), 0);
    CHECK_INT_EQ(k8s_profile_find(&prof, "ImageLocality"), -1);

    /* PowerAware alone (weight 1) with the filters. Nodes (idle W, max W):
     * n0 (100, 300) empty; n1 (100, 300) running a pod; n2 (50, 250) empty.
     * Pod 1000m on 4000m nodes: added = (max-idle) x 0.25 + idle if empty:
     * n0 50 + 100 = 150, n1 50, n2 50 + 50 = 100. Reverse-normalized with max
     * 150: 100 - 100x150/150 = 0, 100 - 33 = 67, 100 - 66 = 34 -> n1. */
    k8s_profile pa;
    fx_profile_only(&pa, "PowerAware");
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    add_identical_nodes(&s, 3, 4000, 8 * GIB);
    k8s_labels_set(&s.nodes[2].labels, "power.vdcsim.io/idle-watts", "50");
    k8s_labels_set(&s.nodes[2].labels, "power.vdcsim.io/max-watts", "250");
    fx_spec(&existing, "e", 100, MIB);
    k8s_snapshot_add_pod(&s, &existing, 1, 0);
    fx_spec(&incoming, "p", 1000, GIB);
    k8s_power_aware_args args = {100, 300};
    CHECK_NEAR(k8s_power_aware_added_watts(&args, &s.nodes[0], 1000), 150, 1e-9);
    CHECK_NEAR(k8s_power_aware_added_watts(&args, &s.nodes[2], 1000), 100, 1e-9);
    int64_t sc[3];
    fx_plugin_scores(&pa, &s, &incoming, "PowerAware", sc);
    CHECK_INT_EQ(sc[0], 0);
    CHECK_INT_EQ(sc[1], 67);
    CHECK_INT_EQ(sc[2], 34);
    k8s_scheduler sched = {0};
    k8s_schedule_result r;
    k8s_schedule_pod(&sched, &pa, &s, &incoming, rng, &r);
    CHECK_INT_EQ(r.node, 1);
    CHECK_INT_EQ(r.total_score, 67);
    /* without its NormalizeScore the raw watts (150 > 100) are refused */
    static k8s_plugin raw;
    raw = k8s_plugin_power_aware;
    raw.normalize_score = NULL;
    pa.plugins[k8s_profile_find(&pa, "PowerAware")].plugin = &raw;
    k8s_schedule_pod(&sched, &pa, &s, &incoming, rng, &r);
    CHECK_INT_EQ(r.code, K8S_ERROR);
    CHECK_INT_EQ(r.node, -1);
    CHECK_STR_CONTAINS(r.failed_plugin, "PowerAware");
    k8s_snapshot_free(&s);
}

/* Same seed, same decisions: 200 pods on 50 nodes twice. */
static void test_deterministic(void)
{
    int32_t first[200];
    for (int run = 0; run < 2; run++) {
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, 2024);
        k8s_snapshot s;
        k8s_snapshot_init(&s);
        add_identical_nodes(&s, 50, 4000, 8 * GIB);
        k8s_profile prof;
        k8s_profile_default(&prof);
        k8s_scheduler sched = {0};
        fx_spec(&incoming, "p", 250, GIB / 2);
        strcpy(incoming.owner, "rs");
        int same = 1;
        for (int k = 0; k < 200; k++) {
            k8s_schedule_result r;
            k8s_schedule_pod(&sched, &prof, &s, &incoming, rng, &r);
            if (run == 0)
                first[k] = r.node;
            else if (first[k] != r.node)
                same = 0;
            k8s_bind(&prof, &s, &incoming, (uint32_t)r.node, k);
        }
        if (run == 1)
            CHECK(same);
        k8s_snapshot_free(&s);
        gsl_rng_free(rng);
    }
}

int main(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 12345);
    test_resource_scores();
    test_default_normalize();
    test_image_locality();
    test_taints_and_node_affinity();
    test_fit_filter();
    test_topology_spread();
    test_inter_pod_affinity();
    test_num_feasible();
    test_rotation_and_cost(rng);
    test_least_allocated_spreads(rng);
    test_most_allocated_packs(rng);
    test_tie_break_uniform(rng);
    test_profiles_and_example_plugin(rng);
    test_deterministic();
    gsl_rng_free(rng);
    return CHECK_DONE();
}
