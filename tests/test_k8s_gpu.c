/* test_k8s_gpu.c - GPUs as devices (k8s_gpu.h) and the six GPU-sharing
 * score plugins, against values worked by hand from the formulas in
 * docs/kubernetes-gpu.md (Weng et al., ATC'23, and its artifact). */
#include "models/kubernetes/k8s_framework.h"
#include "models/kubernetes/k8s_gpu.h"
#include "models/kubernetes/plugins/k8s_plugins.h"
#include "tests/check.h"
#include "tests/k8s_fixtures.h"

#include <gsl/gsl_rng.h>
#include <math.h>

/* A node with n_gpu GPUs of model, 64 cores, 256 GiB. */
static void gpu_node(k8s_snapshot *s, const char *name, uint32_t n_gpu, const char *model, int64_t milli_cpu)
{
    k8s_node n = fx_node(name, milli_cpu, 256 * GIB);
    n.allocatable.v[K8S_GPU] = (int64_t)n_gpu * K8S_GPU_MILLI;
    int32_t idx = k8s_snapshot_add_node(s, &n);
    CHECK(k8s_gpu_set_node(s, (uint32_t)idx, n_gpu, model) == 0);
}

static void gpu_pod(k8s_pod_spec *p, const char *name, int64_t milli_cpu, int32_t num, int32_t milli, const char *spec)
{
    fx_spec(p, name, milli_cpu, 1 * GIB);
    p->gpu_num = num;
    p->gpu_milli = milli;
    p->containers[0].requests.v[K8S_GPU] = (int64_t)num * milli;
    snprintf(p->gpu_spec, sizeof p->gpu_spec, "%s", spec);
}

static void device_profile(k8s_profile *p, const char *policy)
{
    k8s_profile_empty(p);
    p->preemption = 0;
    p->percentage_of_nodes_to_score = 100;
    k8s_profile_enable(p, "NodeResourcesFit", 0, NULL);
    k8s_profile_enable(p, "GpuShare", 0, NULL);
    if (policy)
        k8s_profile_enable(p, policy, 1, NULL);
}

/* Schedules and binds; returns the slot, or -1 if unschedulable. */
static int32_t place(const k8s_profile *prof, k8s_snapshot *s, const k8s_pod_spec *pod, gsl_rng *rng)
{
    k8s_scheduler sched = {0};
    k8s_schedule_result r;
    k8s_schedule_pod(&sched, prof, s, pod, rng, &r);
    int32_t slot = r.code == K8S_SUCCESS ? k8s_bind(prof, s, pod, (uint32_t)r.node, 0) : -1;
    k8s_schedule_result_free(&r);
    return slot;
}

/* Three 0.6-GPU pods on a 2-GPU node: each GPU holds one (0.4 left is too
 * little for a third), so two are placed and one stays pending. Pooled,
 * 3 x 600 = 1800 <= 2000 would have let all three in. */
static void test_three_shares_on_two_gpus(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    gpu_node(&s, "n0", 2, "T4", 64000);
    k8s_profile prof;
    device_profile(&prof, NULL);
    k8s_pod_spec a, b, c;
    gpu_pod(&a, "a", 1000, 1, 600, "");
    gpu_pod(&b, "b", 1000, 1, 600, "");
    gpu_pod(&c, "c", 1000, 1, 600, "");
    int32_t sa = place(&prof, &s, &a, rng), sb = place(&prof, &s, &b, rng), sc = place(&prof, &s, &c, rng);
    CHECK(sa >= 0);
    CHECK(sb >= 0);
    CHECK_INT_EQ(sc, -1);
    /* default choice (best fit, lowest index on ties): a on GPU 0, b on GPU 1 */
    CHECK_INT_EQ(k8s_gpu_pod_mask(&s, (uint32_t)sa), 1);
    CHECK_INT_EQ(k8s_gpu_pod_mask(&s, (uint32_t)sb), 2);
    const k8s_gpu_node *g = k8s_gpu_node_of(&s, 0);
    CHECK_INT_EQ(g->free_milli[0], 400);
    CHECK_INT_EQ(g->free_milli[1], 400);
    /* b leaves: GPU 1 is free again and c fits there */
    k8s_snapshot_remove_pod(&s, (uint32_t)sb);
    CHECK_INT_EQ(g->free_milli[1], 1000);
    sc = place(&prof, &s, &c, rng);
    CHECK(sc >= 0);
    CHECK_INT_EQ(k8s_gpu_pod_mask(&s, (uint32_t)sc), 2);
    /* detach + attach to the same node takes the same GPU back */
    k8s_snapshot_detach_pod(&s, (uint32_t)sa);
    CHECK_INT_EQ(g->free_milli[0], 1000);
    k8s_snapshot_attach_pod(&s, (uint32_t)sa, 0);
    CHECK_INT_EQ(g->free_milli[0], 400);
    k8s_snapshot_free(&s);
}

/* A 2-GPU pod on a node whose two GPUs are each half used: 1000 milli
 * free in total but no whole GPU, so it is refused. */
static void test_whole_gpus_refused_when_halved(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    gpu_node(&s, "n0", 2, "V100M16", 64000);
    k8s_profile prof;
    device_profile(&prof, NULL);
    k8s_pod_spec h0, h1, big;
    gpu_pod(&h0, "h0", 1000, 1, 500, "");
    gpu_pod(&h1, "h1", 1000, 1, 500, "");
    k8s_gpu_reserve(&s, 0, 1u); /* a policy's choice: GPU 0 */
    k8s_snapshot_add_pod(&s, &h0, 0, 0);
    k8s_gpu_reserve(&s, 0, 2u); /* GPU 1 */
    k8s_snapshot_add_pod(&s, &h1, 0, 0);
    gpu_pod(&big, "big", 1000, 2, 1000, "");
    CHECK_INT_EQ(fx_filter(&prof, &s, &big, 0), K8S_UNSCHEDULABLE);
    CHECK_INT_EQ(place(&prof, &s, &big, rng), -1);
    /* a 1-GPU whole pod is refused too; a 0.5 pod fits */
    k8s_pod_spec one, half;
    gpu_pod(&one, "one", 1000, 1, 1000, "");
    gpu_pod(&half, "half", 1000, 1, 500, "");
    CHECK_INT_EQ(fx_filter(&prof, &s, &one, 0), K8S_UNSCHEDULABLE);
    CHECK_INT_EQ(fx_filter(&prof, &s, &half, 0), K8S_SUCCESS);
    k8s_snapshot_free(&s);
}

/* gpu_spec limits models: "A10|T4" passes a T4 node, "A10|P100" does not
 * (unresolvable: no amount of freeing helps); a CPU pod passes any node. */
static void test_gpu_spec(void)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    gpu_node(&s, "t4", 1, "T4", 64000);
    k8s_profile prof;
    device_profile(&prof, NULL);
    k8s_pod_spec ok, no, cpu;
    gpu_pod(&ok, "ok", 1000, 1, 1000, "A10|T4");
    gpu_pod(&no, "no", 1000, 1, 1000, "A10|P100");
    gpu_pod(&cpu, "cpu", 1000, 0, 0, "");
    CHECK_INT_EQ(fx_filter(&prof, &s, &ok, 0), K8S_SUCCESS);
    CHECK_INT_EQ(fx_filter(&prof, &s, &no, 0), K8S_UNSCHEDULABLE_UNRESOLVABLE);
    CHECK_INT_EQ(fx_filter(&prof, &s, &cpu, 0), K8S_SUCCESS);
    CHECK(k8s_gpu_spec_allows("", "T4"));
    CHECK(!k8s_gpu_spec_allows("T", "T4"));
    CHECK(k8s_gpu_spec_allows("V100M16|V100M32", "V100M32"));
    /* derived requests: 0.3 GPU pooled = one shared GPU of 300; 2.0 = two whole */
    k8s_pod_spec d;
    fx_spec(&d, "d", 100, 0);
    d.containers[0].requests.v[K8S_GPU] = 300;
    k8s_gpu_request r = k8s_gpu_request_of(&d);
    CHECK_INT_EQ(r.num_gpu, 1);
    CHECK_INT_EQ(r.milli, 300);
    d.containers[0].requests.v[K8S_GPU] = 2000;
    r = k8s_gpu_request_of(&d);
    CHECK_INT_EQ(r.num_gpu, 2);
    CHECK_INT_EQ(r.milli, 1000);
    k8s_snapshot_free(&s);
}

/* Fragmentation of one node (artifact GetNodePodFrag): GPUs [1000, 300],
 * CPU 8000 left. Task 1 GPU x 500: fits (GPU 0); GPU 1's 300 < 500 is
 * fragmented -> 300. Task 1 GPU x 200: nothing fragmented -> 0. Task 2
 * GPUs x 1000: only one whole GPU -> all 1300. Task needing 9000 CPU:
 * cannot run -> 1300. Expectation with weights 0.5/0.25/0.25 over the first
 * three: 150 + 0 + 325 = 475. */
static void test_fragmentation(void)
{
    k8s_gpu_node g = {.n_gpu = 2, .model = "T4", .free_milli = {1000, 300}};
    k8s_gpu_task_type t[4] = {{.cpu_milli = 1000, .num_gpu = 1, .milli = 500, .weight = 0.5},
                              {.cpu_milli = 1000, .num_gpu = 1, .milli = 200, .weight = 0.25},
                              {.cpu_milli = 1000, .num_gpu = 2, .milli = 1000, .weight = 0.25},
                              {.cpu_milli = 9000, .num_gpu = 1, .milli = 100, .weight = 0}};
    CHECK_INT_EQ(k8s_gpu_frag_for_task(&g, 8000, &t[0]), 300);
    CHECK_INT_EQ(k8s_gpu_frag_for_task(&g, 8000, &t[1]), 0);
    CHECK_INT_EQ(k8s_gpu_frag_for_task(&g, 8000, &t[2]), 1300);
    CHECK_INT_EQ(k8s_gpu_frag_for_task(&g, 8000, &t[3]), 1300);
    CHECK_NEAR(k8s_gpu_node_frag(&g, 8000, t, 3), 475.0, 1e-9);
    /* a model the task excludes: all fragmented */
    snprintf(t[1].spec, sizeof t[1].spec, "A10");
    CHECK_INT_EQ(k8s_gpu_frag_for_task(&g, 8000, &t[1]), 1300);
}

/* FGD (fgd_score.go): workload A = 1 GPU x 500 (0.5), B = 1 GPU x 1000
 * (0.5); the pod is 1 GPU x 500, 1000m CPU.
 * Node 0, GPUs [1000, 1000]: F before = 0 (both tasks fit, no GPU below
 * their milli). After on GPU 0: [500, 1000]: A 0, B 500 -> F = 250;
 * score = int(100 sigmoid(-250/1000)) = int(43.78) = 43 (GPU 1 the same:
 * GPU 0 kept).
 * Node 1, GPUs [500, 1000] (a 500 pod on GPU 0): F before = 0.5 x 500 = 250.
 * On GPU 0 -> [0, 1000]: F = 0 -> int(100 sigmoid(0.25)) = int(56.22) = 56.
 * On GPU 1 -> [500, 500]: A 0, B 1000 -> F = 500 -> 43. Best: GPU 0, 56. */
static void test_fgd(gsl_rng *rng)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    gpu_node(&s, "n0", 2, "T4", 64000);
    gpu_node(&s, "n1", 2, "T4", 64000);
    static k8s_gpu_task_type types[2] = {{.cpu_milli = 1000, .num_gpu = 1, .milli = 500, .weight = 0.5},
                                         {.cpu_milli = 1000, .num_gpu = 1, .milli = 1000, .weight = 0.5}};
    k8s_gpu_task_type *owned = malloc(sizeof types);
    memcpy(owned, types, sizeof types);
    k8s_gpu_set_types(&s, owned, 2);
    k8s_pod_spec old, pod;
    gpu_pod(&old, "old", 1000, 1, 500, "");
    k8s_snapshot_add_pod(&s, &old, 1, 0); /* best fit: GPU 0 of n1 */
    gpu_pod(&pod, "pod", 1000, 1, 500, "");
    k8s_gpu_request r = k8s_gpu_request_of(&pod);
    uint16_t mask;
    CHECK_INT_EQ(k8s_gpu_fgd_score(&s, 0, &r, 1000, &mask), 43);
    CHECK_INT_EQ(mask, 1);
    CHECK_INT_EQ(k8s_gpu_fgd_score(&s, 1, &r, 1000, &mask), 56);
    CHECK_INT_EQ(mask, 1);
    /* through the framework: n1 wins and the pod shares GPU 0 with old */
    k8s_profile prof;
    device_profile(&prof, "FGDScore");
    int32_t slot = place(&prof, &s, &pod, rng);
    CHECK(slot >= 0);
    CHECK_INT_EQ(s.pods[slot].node, 1);
    CHECK_INT_EQ(k8s_gpu_pod_mask(&s, (uint32_t)slot), 1);
    CHECK_INT_EQ(k8s_gpu_node_of(&s, 1)->free_milli[0], 0);
    k8s_snapshot_free(&s);
}

/* Ties as the FGD artifact breaks them (profile tie_rank: the tied node of
 * lowest rank wins). Three empty 2-GPU nodes, target workload {1 x 500 (1/2),
 * 1 x 1000 (1/2)}, four 1 x 500 pods, ranks {2, 0, 1}. By hand (F = sum of
 * p x fragmented milli; score = int(100 sigmoid((F before - F after) / 1000))):
 * pod 1: every node [1000, 1000] -> [500, 1000], F 0 -> 250 (the 1000-type
 * counts the 500 left), 43 everywhere: the tie goes to n1 (rank 0);
 * pod 2: n1 [500, 1000] -> [0, 1000], F 250 -> 0, 56 > 43: n1;
 * pod 3: n1 [0, 1000] -> [0, 500], F 0 -> 250, 43 = the empty nodes' 43: n1;
 * pod 4: n1 [0, 500] -> [0, 0], F 250 -> 0, 56: n1. All four on n1.
 * With ranks {0, 1, 2} the first pod goes to n0. */
static void test_tie_rank(gsl_rng *rng)
{
    for (int variant = 0; variant < 2; variant++) {
        k8s_snapshot s;
        k8s_snapshot_init(&s);
        gpu_node(&s, "n0", 2, "T4", 64000);
        gpu_node(&s, "n1", 2, "T4", 64000);
        gpu_node(&s, "n2", 2, "T4", 64000);
        static const k8s_gpu_task_type types[2] = {{.cpu_milli = 1000, .num_gpu = 1, .milli = 500, .weight = 0.5},
                                                   {.cpu_milli = 1000, .num_gpu = 1, .milli = 1000, .weight = 0.5}};
        k8s_gpu_task_type *owned = malloc(sizeof types);
        memcpy(owned, types, sizeof types);
        k8s_gpu_set_types(&s, owned, 2);
        static const uint32_t rank_a[3] = {2, 0, 1}, rank_b[3] = {0, 1, 2};
        k8s_profile prof;
        device_profile(&prof, "FGDScore");
        prof.tie_rank = variant == 0 ? rank_a : rank_b;
        k8s_pod_spec pod[4];
        for (int k = 0; k < (variant == 0 ? 4 : 1); k++) {
            char name[16];
            snprintf(name, sizeof name, "p%d", k);
            gpu_pod(&pod[k], name, 1000, 1, 500, "");
            int32_t slot = place(&prof, &s, &pod[k], rng);
            CHECK(slot >= 0);
            CHECK_INT_EQ(s.pods[slot].node, variant == 0 ? 1 : 0);
        }
        if (variant == 0) {
            CHECK_INT_EQ(k8s_gpu_free_total(k8s_gpu_node_of(&s, 1)), 0);
            CHECK_INT_EQ(k8s_gpu_free_total(k8s_gpu_node_of(&s, 0)), 2000);
        }
        k8s_snapshot_free(&s);
    }
}

/* GpuPacking (gpu_packing_score.go). Idle 4-GPU node: 33 - 4 = 29.
 * GPUs [400, 1000, 1000, 1000], share pod 300: GPU 0 (least left), a shared
 * GPU: 100 - (400 x 100 / 1000) / 10 = 100 - 4 = 96. A 1-GPU whole pod
 * needs a free GPU of a used node: 50 - 1 = 49. */
static void test_packing(void)
{
    k8s_gpu_node idle = {.n_gpu = 4, .free_milli = {1000, 1000, 1000, 1000}};
    k8s_gpu_node used = {.n_gpu = 4, .free_milli = {400, 1000, 1000, 1000}};
    k8s_gpu_request share = {.num_gpu = 1, .milli = 300, .spec = ""};
    k8s_gpu_request whole = {.num_gpu = 1, .milli = 1000, .spec = ""};
    CHECK_INT_EQ(k8s_gpu_packing_score(&idle, &share), 29);
    CHECK_INT_EQ(k8s_gpu_packing_score(&used, &share), 96);
    CHECK_INT_EQ(k8s_gpu_packing_score(&used, &whole), 49);
    CHECK_INT_EQ(k8s_gpu_choose_best_fit(&used, &share), 1);
    CHECK_INT_EQ(k8s_gpu_choose_best_fit(&used, &whole), 2);
    CHECK_INT_EQ(k8s_gpu_choose_worst_fit(&used, &share), 2);
}

/* BestFit (best_fit_score.go): CPU 64000 free, pod 8000; GPU 2000 free, pod
 * 500: 0.5 x 56000/128000 + 0.5 x 1500/8000 = 0.21875 + 0.09375 = 0.3125;
 * (1 - 0.3125) x 100 = 68.75 -> 68. Min-max over [68, 50, 90]: (68-50) x
 * 100 / 40 = 45, 0, 100. */
static void test_best_fit(void)
{
    CHECK_INT_EQ(k8s_gpu_best_fit_raw(64000, 8000, 2000, 500), 68);
    int64_t sc[3] = {68, 50, 90};
    k8s_gpu_min_max_normalize(sc, 3);
    CHECK_INT_EQ(sc[0], 45);
    CHECK_INT_EQ(sc[1], 0);
    CHECK_INT_EQ(sc[2], 100);
}

/* GpuClustering (gpu_clustering_score.go): a 2-GPU node holding one
 * (1 x 500) pod has 1500 left: 25 x (8000 - 1500) / 8000 = 20 (20.3).
 * A (1 x 300) pod is of the same kind, "share": only its kind there -> 20
 * + 75 = 95; a whole-GPU pod ("1-gpu"): other kinds only -> 20. An empty
 * 2-GPU node: 25 x 6000 / 8000 = 18 (18.75) + 25 = 43. With a "1-gpu" pod
 * added to node 0 (500 left in all: 25 x 7500 / 8000 = 23), a share pod
 * finds its kind among others: 23 + 50 = 73. */
static void test_clustering(void)
{
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    gpu_node(&s, "n0", 2, "T4", 64000);
    gpu_node(&s, "n1", 2, "T4", 64000);
    k8s_pod_spec old;
    gpu_pod(&old, "old", 1000, 1, 500, "");
    k8s_snapshot_add_pod(&s, &old, 0, 0);
    k8s_gpu_request same = {.num_gpu = 1, .milli = 300, .spec = ""};
    k8s_gpu_request other = {.num_gpu = 1, .milli = 1000, .spec = ""};
    CHECK_INT_EQ(k8s_gpu_clustering_score(&s, 0, &same), 95);
    CHECK_INT_EQ(k8s_gpu_clustering_score(&s, 0, &other), 20);
    CHECK_INT_EQ(k8s_gpu_clustering_score(&s, 1, &same), 43);
    k8s_pod_spec whole;
    gpu_pod(&whole, "whole", 1000, 1, 1000, "");
    k8s_snapshot_add_pod(&s, &whole, 0, 0);
    CHECK_INT_EQ(k8s_gpu_clustering_score(&s, 0, &same), 73);
    k8s_snapshot_free(&s);
}

/* DotProduct (merge, norm by max): CPU 64000 free, pod 8000; GPU 2000
 * free, pod 500: 0.5 x 0.0625 + 0.25 x 0.0625 = 0.03125 + 0.015625 =
 * 0.046875; 100 x (1 - 0.046875 / 2) = 97.66 -> 97. A fuller node (CPU
 * 16000, GPU 500 free): 0.125 x 0.0625 + 0.0625 x 0.0625 = 0.01171875 ->
 * 99.41 -> 99: the fuller node wins. Through the framework on a node with
 * GPUs [1000, 600 (a 400 pod)], a 1 x 500 pod takes GPU 1 (best fit). */
static void test_dot_product(gsl_rng *rng)
{
    CHECK_INT_EQ(k8s_gpu_dot_product_score(64000, 8000, 2000, 500), 97);
    CHECK_INT_EQ(k8s_gpu_dot_product_score(16000, 8000, 500, 500), 99);
    k8s_snapshot s;
    k8s_snapshot_init(&s);
    gpu_node(&s, "n0", 2, "T4", 10000);
    k8s_pod_spec used, pod;
    gpu_pod(&used, "used", 0, 1, 400, "");
    k8s_gpu_reserve(&s, 0, 2u);
    k8s_snapshot_add_pod(&s, &used, 0, 0);
    gpu_pod(&pod, "pod", 1000, 1, 500, "");
    k8s_profile prof;
    device_profile(&prof, "DotProductScore");
    int32_t slot = place(&prof, &s, &pod, rng);
    CHECK_INT_EQ(k8s_gpu_pod_mask(&s, (uint32_t)slot), 2);
    k8s_snapshot_free(&s);
}

/* Random: GPUs [1000, 300, 1000], 1 x 500: only GPUs 0 and 2 fit; over 64
 * draws both are picked and GPU 1 never. */
static void test_random_choice(void)
{
    k8s_gpu_node g = {.n_gpu = 3, .free_milli = {1000, 300, 1000}};
    k8s_gpu_request r = {.num_gpu = 1, .milli = 500, .spec = ""};
    int seen[3] = {0, 0, 0};
    for (uint64_t d = 0; d < 64; d++) {
        uint16_t m = k8s_gpu_choose_random(&g, &r, d);
        seen[m == 1 ? 0 : m == 2 ? 1 : m == 4 ? 2 : 1]++;
    }
    CHECK(seen[0] > 0);
    CHECK(seen[2] > 0);
    CHECK_INT_EQ(seen[1], 0);
}

int main(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    test_three_shares_on_two_gpus(rng);
    test_whole_gpus_refused_when_halved(rng);
    test_gpu_spec();
    test_fragmentation();
    test_fgd(rng);
    test_tie_rank(rng);
    test_packing();
    test_best_fit();
    test_clustering();
    test_dot_product(rng);
    test_random_choice();
    gsl_rng_free(rng);
    return CHECK_DONE();
}
