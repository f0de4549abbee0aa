/* test_monitors_k8s.c - the pods of the Kubernetes control plane in the
 * property language (issue 17, item 1; docs/properties.md, "Pods of the
 * control plane"): `forall pod in deployment "api"`, pod.pending,
 * pod.running, pod.phase, checked during the run by the monitors in the
 * kube-scheduler LP and afterwards by `vdcsim verify`'s code (props_h5 +
 * props_evaluate_each), which must give the same rows and counts; 1 and 2
 * threads identical; /series and /events the same without properties.
 *
 * The run, worked by hand from the control plane's rules (docs/kubernetes.md,
 * "The control plane in a run"; the timing as in tests/test_k8s_run.c): one
 * node of 8 cores (8000 m), API latency 10 ms, one scheduling cycle costs
 * 5 ms (no per-node or preemption cost), a pod runs 2 s after its binding
 * reaches the kubelet. At 0 the deployment "api" creates 10 pods (ids 0..9)
 * and the Job "batch" 1 pod (id 10, priority 10), each requesting 1000 m.
 * The first cycle (at 0) takes the Job's pod (highest priority), cycle j
 * (at 5j ms) the api pod j - 1: a pod bound in cycle j reaches its kubelet
 * at 5j + 5 + 10 ms, runs 2 s later and its report arrives 10 ms after:
 * pod.running from 5j + 2025 ms. So batch-10 runs from 2025 ms and api-k
 * (k = 0..6) from 5k + 2030 ms (2030 ... 2060 ms); the node is then full
 * (8 x 1000 m), api-7, 8, 9 are unschedulable at 40, 45, 50 ms (their
 * backoff of 1 s has expired by 12 s). The Job's pod succeeds 10 s after it
 * ran: the kubelet's report at 12.015 s arrives at 12.025 s (pod.phase = 2,
 * Succeeded), which frees 1000 m and moves the unschedulable pods to activeQ:
 * the cycle at 12.025 s binds api-7 (it queued first), the cycles at 12.030
 * and 12.035 s find no room for api-8 and api-9. api-7 runs from
 * 12.025 + 0.015 + 2 + 0.010 = 14.050 s; api-8 and api-9 stay pending to
 * the end (60 s). Hence:
 *  - running_in_2030ms, G (pod.pending -> F[<=2030ms] pod.running) over
 *    "api": api-0 holds (2030 ms, the deadline counts); api-1..6 and api-7
 *    violated at 2030 ms, obligation 0, witness pod.pending=true,
 *    pod.running=false; api-8, api-9 too, and pending on [58 s, 60 s) (the
 *    window reaches past the end): 9 violations, 2 pending, 10 entities
 *    (the Job's pod is not in "api");
 *  - running_in_14050ms: api-8 and api-9 only (14.050 s is inside api-7's
 *    window); running_in_14049ms adds api-7 at 14049 ms;
 *  - phase_running_10s, F[<=10s] pod.phase == 1 (no G: decided at 0) over
 *    every pod: api-7, 8, 9 violated at 10 s, witness pod.phase=0; 11
 *    entities;
 *  - job_done_9999ms over "batch": G (pod.running -> F[<=9999ms] pod.phase
 *    == 2): running from 2025 ms, Succeeded at 12025 ms: false on [2025,
 *    2026) ms: one violation at 12024 ms, obligation 2025 ms, witness
 *    pod.running=true, pod.phase=1; with 10 s it holds;
 *  - pod_lifecycle holds (Pending -> Running, Running -> Succeeded);
 *  - a deployment with no pods ("db"): 0 entities.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_file.h"
#include "analysis/props_h5.h"
#include "tests/run_h5.h"
#include "tests/violations_h5.h"

#define MS 1000000LL
#define S 1000000000LL

#define K8S_BASE                                                                                                   \
    "simulation = { seed = 1; until = \"60s\"; sample_period = \"10s\"; control_latency = \"10ms\"; lookahead = "  \
    "\"10ms\"; threads = 1; };\n"                                                                                   \
    "output = { path = \"x.h5\"; };\n"                                                                              \
    "hosts = ( { name = \"node\"; count = 1; sockets = 1; cores_per_socket = 8; memory = \"32GiB\"; } );\n"          \
    "kubernetes = { api_latency = \"10ms\"; pod_start = \"2s\"; node_groups = ( { group = \"node\"; } );\n"        \
    "  scheduler = { cost = { cycle = \"5ms\"; filter_per_node_plugin = \"0s\"; score_per_node_plugin = \"0s\";"   \
    " preemption_per_node = \"0s\"; }; };\n"                                                                        \
    "  deployments = ( { name = \"api\"; replicas = 10; cpu_request = 1000; memory_request = \"1GiB\"; } );\n"     \
    "  jobs = ( { name = \"batch\"; completions = 1; parallelism = 1; duration = \"10s\"; priority = 10;"           \
    " cpu_request = 1000; memory_request = \"1GiB\"; } );\n"                                                        \
    "};\n"

#define API "forall pod in deployment \\\"api\\\": "
#define BATCH "forall pod in deployment \\\"batch\\\": "
#define K8S_PROPS                                                                                                  \
    "properties = (\n"                                                                                              \
    "  { name = \"running_in_2030ms\"; formula = \"" API "G (pod.pending -> F[<=2030ms] pod.running)\"; },\n"      \
    "  { name = \"running_in_14050ms\"; formula = \"" API "G (pod.pending -> F[<=14050ms] pod.running)\"; },\n"    \
    "  { name = \"running_in_14049ms\"; formula = \"" API "G (pod.pending -> F[<=14049ms] pod.running)\"; },\n"    \
    "  { name = \"phase_running_10s\"; formula = \"forall pod: F[<=10s] pod.phase == 1\"; },\n"                     \
    "  { name = \"job_done_10s\"; formula = \"" BATCH "G (pod.running -> F[<=10s] pod.phase == 2)\"; },\n"         \
    "  { name = \"job_done_9999ms\"; formula = \"" BATCH "G (pod.running -> F[<=9999ms] pod.phase == 2)\"; },\n"   \
    "  { builtin = \"pod_lifecycle\"; },\n"                                                                         \
    "  { name = \"db\"; formula = \"forall pod in deployment \\\"db\\\": G pod.running\"; } );\n"

static void expect(const rows *rs, const char *prop, const char *entity, int64_t t, int64_t obligation,
                   const char *witness)
{
    expect_violation(rs, prop, entity, t, obligation, witness, 1);
}

static void same_without_properties(const char *with, const char *without)
{
    static const char *const objs[] = {"/series", "/events", "/tables/k8s_workloads"};
    same_without_properties_in(with, without, objs, sizeof objs / sizeof objs[0]);
}

static void test_pending_pods(void)
{
    hid_t f = run_h5("mk_pods", K8S_BASE K8S_PROPS);
    if (f < 0)
        return;
    rows rs;
    CHECK_INT_EQ(read_violations(f, &rs), 0);
    static const char pend[] = "pod.pending=true, pod.running=false";
    expect_property_counts(f, "running_in_2030ms", 9, 2, 10);
    for (int k = 1; k <= 9; k++) {
        char name[32];
        snprintf(name, sizeof name, "k8s/api-%d", k);
        expect(&rs, "running_in_2030ms", name, 2030 * MS, 0, pend);
    }
    CHECK(find(&rs, "running_in_2030ms", "k8s/api-0", 2030 * MS) == NULL);
    expect_property_counts(f, "running_in_14050ms", 2, 2, 10);
    expect(&rs, "running_in_14050ms", "k8s/api-8", 14050 * MS, 0, pend);
    expect(&rs, "running_in_14050ms", "k8s/api-9", 14050 * MS, 0, pend);
    expect_property_counts(f, "running_in_14049ms", 3, 2, 10);
    expect(&rs, "running_in_14049ms", "k8s/api-7", 14049 * MS, 0, pend);
    expect_property_counts(f, "phase_running_10s", 3, 0, 11);
    for (int k = 7; k <= 9; k++) {
        char name[32];
        snprintf(name, sizeof name, "k8s/api-%d", k);
        expect(&rs, "phase_running_10s", name, 10 * S, 0, "pod.phase=0");
    }
    expect_property_counts(f, "job_done_10s", 0, 0, 1);
    expect_property_counts(f, "job_done_9999ms", 1, 0, 1);
    expect(&rs, "job_done_9999ms", "k8s/batch-10", 12024 * MS, 2025 * MS, "pod.running=true, pod.phase=1");
    expect_property_counts(f, "pod_lifecycle", 0, 0, 11);
    expect_property_counts(f, "db", 0, 0, 0);
    H5Fclose(f);
    monitors_match_verify_named("mk_pods", &rs);
    hid_t g = run_h5("mk_pods_none", K8S_BASE);
    if (g >= 0)
        H5Fclose(g);
    same_without_properties("mk_pods", "mk_pods_none");
    run_h5_same_across_threads("mk_pods_threads", K8S_BASE K8S_PROPS);
}

int main(void)
{
    test_pending_pods();
    return CHECK_DONE();
}
