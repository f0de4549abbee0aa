/* k8s_gpu_replay.c - the GPU-sharing experiment protocol as a module (see
 * k8s_gpu_replay.h and docs/kubernetes-gpu.md). */
#include "models/kubernetes/k8s_gpu_replay.h"

#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/model_env.h"
#include "models/core/module.h"
#include "models/kubernetes/k8s_framework.h"
#include "models/kubernetes/k8s_gpu.h"
#include "recorder/declare.h"
#include "traces/alibaba_gpu.h"

enum { PRIO_GPU_POD = 45, REPLAY_SHUFFLE_STREAM = 0, REPLAY_TIE_STREAM = 1, REPLAY_RANK_STREAM = 2 };
/* The openb node YAML of alibaba/clusterdata (cluster-trace-gpu-v2023/
 * node_yaml) that the artifact loads gives every node pods: '1001'. */
#define OPENB_MAX_PODS 1001
#define MIB_BYTES (1024LL * 1024)

typedef struct gpu_replay {
    const model_env *env;
    k8s_snapshot snap;
    k8s_profile prof;
    k8s_scheduler sched;
    char policy[K8S_STR];
    double target;            /* inflation: arrived GPU request / cluster GPU capacity */
    sim_time_ns interval_ns;
    k8s_pod_spec *specs;      /* distinct pod shapes */
    uint32_t n_specs, specs_cap;
    uint32_t *hash;           /* open addressing: spec index + 1, 0 = empty */
    uint32_t hash_cap;
    uint32_t *order;          /* the pods: spec index each, in arrival order */
    uint32_t n_pods, pods_cap, n_listed;
    int64_t cluster_gpu_milli;
    int64_t arrived_milli, allocated_milli;
    uint64_t placed, failed;
    double *node_frag;        /* per node, against the target workload */
    uint32_t *tie_rank;       /* per node: a random permutation; score ties go to the lowest */
    double frag_total;
    int64_t free_total;
    uint32_t lp, kind_pod;
    int s_arrived, s_ratio, s_frag, s_failed, s_placed, log_failed;
    uint64_t log_seq;
} gpu_replay;

static int64_t gpu_milli_of(const k8s_pod_spec *p) { return (int64_t)p->gpu_num * p->gpu_milli; }

/* --- pod shapes ---------------------------------------------------------- */

static uint64_t shape_hash(const agpu_pod *p)
{
    uint64_t h = 1469598103934665603ULL;
    int64_t v[4] = {p->cpu_milli, p->memory_mib, p->num_gpu, p->gpu_milli};
    for (int i = 0; i < 4; i++)
        h = (h ^ (uint64_t)v[i]) * 1099511628211ULL;
    for (const char *s = p->gpu_spec; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int shape_equal(const k8s_pod_spec *s, const agpu_pod *p)
{
    return s->containers[0].requests.v[K8S_CPU] == p->cpu_milli &&
           s->containers[0].requests.v[K8S_MEMORY] == p->memory_mib * MIB_BYTES && s->gpu_num == p->num_gpu &&
           s->gpu_milli == p->gpu_milli && strcmp(s->gpu_spec, p->gpu_spec) == 0;
}

static void spec_from_row(k8s_pod_spec *s, const agpu_pod *p, uint32_t id)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "shape-%" PRIu32, id);
    snprintf(s->namespace_, sizeof s->namespace_, "default");
    s->owner_kind = K8S_OWNER_JOB;
    s->n_containers = 1;
    k8s_container *c = &s->containers[0];
    c->requests.v[K8S_CPU] = p->cpu_milli;
    c->requests.v[K8S_MEMORY] = p->memory_mib * MIB_BYTES;
    c->requests.v[K8S_GPU] = (int64_t)p->num_gpu * p->gpu_milli;
    /* a request written as 0 is 0, not the scorers' 100m / 200 MiB default */
    c->explicit_zero = (p->cpu_milli == 0 ? 1u << K8S_CPU : 0) | (p->memory_mib == 0 ? 1u << K8S_MEMORY : 0);
    s->gpu_num = p->num_gpu;
    s->gpu_milli = p->gpu_milli;
    snprintf(s->gpu_spec, sizeof s->gpu_spec, "%s", p->gpu_spec);
}

/* Index of the pod's shape, added when new; -1 out of memory. */
static int64_t intern(gpu_replay *w, const agpu_pod *p)
{
    if (w->n_specs * 2 >= w->hash_cap) {
        uint32_t cap = w->hash_cap ? w->hash_cap * 2 : 1024;
        uint32_t *h = calloc(cap, sizeof *h);
        if (h == NULL)
            return -1;
        for (uint32_t i = 0; i < w->hash_cap; i++)
            if (w->hash[i]) {
                agpu_pod key = {0};
                const k8s_pod_spec *s = &w->specs[w->hash[i] - 1];
                key.cpu_milli = s->containers[0].requests.v[K8S_CPU];
                key.memory_mib = s->containers[0].requests.v[K8S_MEMORY] / MIB_BYTES;
                key.num_gpu = s->gpu_num;
                key.gpu_milli = s->gpu_milli;
                snprintf(key.gpu_spec, sizeof key.gpu_spec, "%s", s->gpu_spec);
                uint32_t j = (uint32_t)(shape_hash(&key) & (cap - 1));
                while (h[j])
                    j = (j + 1) & (cap - 1);
                h[j] = w->hash[i];
            }
        free(w->hash);
        w->hash = h;
        w->hash_cap = cap;
    }
    uint32_t j = (uint32_t)(shape_hash(p) & (w->hash_cap - 1));
    for (; w->hash[j]; j = (j + 1) & (w->hash_cap - 1))
        if (shape_equal(&w->specs[w->hash[j] - 1], p))
            return w->hash[j] - 1;
    if (k8s_gpu_grow((void **)&w->specs, &w->specs_cap, w->n_specs + 1, sizeof *w->specs) != 0)
        return -1;
    spec_from_row(&w->specs[w->n_specs], p, w->n_specs);
    w->hash[j] = ++w->n_specs;
    return w->n_specs - 1;
}

static int push_pod(gpu_replay *w, uint32_t spec)
{
    if (k8s_gpu_grow((void **)&w->order, &w->pods_cap, w->n_pods + 1, sizeof *w->order) != 0)
        return -1;
    w->order[w->n_pods++] = spec;
    return 0;
}

/* --- reading ------------------------------------------------------------- */

static model_status trace_path(model_builder *b, const char *key, char *path, size_t len)
{
    char k[96];
    snprintf(k, sizeof k, "%s.format", key);
    if (strcmp(scn_string(b->scn, "%s", k), "alibaba-gpu-2023") != 0)
        return model_key_error(b, k, "'%s' (expected \"alibaba-gpu-2023\" with kubernetes.gpu_experiment)",
                               scn_string(b->scn, "%s", k));
    snprintf(k, sizeof k, "%s.path", key);
    const char *file = scn_string(b->scn, "%s", k);
    if (file[0] == '\0')
        return model_key_error(b, k, "empty (expected the trace's CSV file)");
    scn_resolve_path(b->scn, file, path, len);
    return MODEL_OK;
}

static model_status read_nodes(model_builder *b, gpu_replay *w)
{
    char path[2048];
    model_status st = trace_path(b, "kubernetes.node_trace", path, sizeof path);
    if (st != MODEL_OK)
        return st;
    agpu_reader r;
    if (agpu_open(&r, path, AGPU_NODES, b->err, b->err_len) != 0)
        return MODEL_BAD_INPUT;
    agpu_node row;
    int rc;
    while ((rc = agpu_next_node(&r, &row, b->err, b->err_len)) == 1) {
        if (row.gpu > K8S_GPU_MAX) {
            snprintf(b->err, b->err_len, "%s:%d: column 'gpu': %d GPUs (expected at most %d per node)", path, r.line,
                     row.gpu, K8S_GPU_MAX);
            rc = -1;
            break;
        }
        k8s_node n;
        memset(&n, 0, sizeof n);
        snprintf(n.name, sizeof n.name, "%s", row.name);
        n.allocatable.v[K8S_CPU] = row.cpu_milli;
        n.allocatable.v[K8S_MEMORY] = row.memory_mib * MIB_BYTES;
        n.allocatable.v[K8S_GPU] = (int64_t)row.gpu * K8S_GPU_MILLI;
        n.max_pods = OPENB_MAX_PODS;
        int32_t idx = k8s_snapshot_add_node(&w->snap, &n);
        if (idx < 0 || k8s_gpu_set_node(&w->snap, (uint32_t)idx, (uint32_t)row.gpu, row.model) != 0) {
            agpu_close(&r);
            return model_runtime_error(b, "out of memory reading %s", path);
        }
        w->cluster_gpu_milli += n.allocatable.v[K8S_GPU];
    }
    agpu_close(&r);
    if (rc < 0)
        return MODEL_BAD_INPUT;
    if (w->snap.n_nodes == 0 || w->cluster_gpu_milli == 0)
        return model_key_error(b, "kubernetes.node_trace.path", "%s has no GPU node (expected an openb node list)",
                               path);
    return MODEL_OK;
}

static model_status read_pods(model_builder *b, gpu_replay *w)
{
    char path[2048];
    model_status st = trace_path(b, "kubernetes.pod_trace", path, sizeof path);
    if (st != MODEL_OK)
        return st;
    agpu_reader r;
    if (agpu_open(&r, path, AGPU_PODS, b->err, b->err_len) != 0)
        return MODEL_BAD_INPUT;
    agpu_pod row;
    int rc;
    while ((rc = agpu_next_pod(&r, &row, b->err, b->err_len)) == 1) {
        if (row.num_gpu > K8S_GPU_MAX) {
            snprintf(b->err, b->err_len, "%s:%d: column 'num_gpu': %d GPUs (expected at most %d)", path, r.line,
                     row.num_gpu, K8S_GPU_MAX);
            rc = -1;
            break;
        }
        int64_t id = intern(w, &row);
        if (id < 0 || push_pod(w, (uint32_t)id) != 0) {
            agpu_close(&r);
            return model_runtime_error(b, "out of memory reading %s", path);
        }
    }
    agpu_close(&r);
    if (rc < 0)
        return MODEL_BAD_INPUT;
    if (w->n_pods == 0)
        return model_key_error(b, "kubernetes.pod_trace.path", "%s has no pod (expected an openb pod list)", path);
    w->n_listed = w->n_pods;
    return MODEL_OK;
}

/* FGD's target workload, the artifact's "typical pods" (utils.GetTypicalPods):
 * the list's task types (CPU, GPUs, milli, gpu_spec; memory is not part of
 * a type), CPU-only tasks included when cpu_pods, in decreasing count
 * (first appearance breaks ties), the most popular ones until they cover
 * popularity_pct % of the tasks; weights renormalised to sum to 1. */
typedef struct type_count {
    k8s_gpu_task_type t;
    uint32_t count, first;
} type_count;

static int by_count_desc(const void *a, const void *b)
{
    const type_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int set_workload(gpu_replay *w, int cpu_pods, int64_t popularity_pct)
{
    uint32_t *count = calloc(w->n_specs, sizeof *count);
    type_count *tc = calloc(w->n_specs ? w->n_specs : 1, sizeof *tc);
    if (count == NULL || tc == NULL) {
        free(count);
        free(tc);
        return -1;
    }
    uint32_t total = 0;
    for (uint32_t i = 0; i < w->n_listed; i++)
        if (cpu_pods || w->specs[w->order[i]].gpu_num > 0) {
            count[w->order[i]]++;
            total++;
        }
    uint32_t m = 0;
    for (uint32_t s = 0; s < w->n_specs; s++) { /* shapes in order of first appearance: deterministic */
        if (count[s] == 0)
            continue;
        const k8s_pod_spec *p = &w->specs[s];
        k8s_gpu_task_type t = {.cpu_milli = p->containers[0].requests.v[K8S_CPU], .num_gpu = p->gpu_num,
                               .milli = p->gpu_milli};
        snprintf(t.spec, sizeof t.spec, "%s", p->gpu_spec);
        uint32_t j = 0;
        while (j < m && !(tc[j].t.cpu_milli == t.cpu_milli && tc[j].t.num_gpu == t.num_gpu &&
                          tc[j].t.milli == t.milli && strcmp(tc[j].t.spec, t.spec) == 0))
            j++;
        if (j == m)
            tc[m++] = (type_count){.t = t, .count = 0, .first = s};
        tc[j].count += count[s];
    }
    free(count);
    qsort(tc, m, sizeof *tc, by_count_desc);
    uint64_t covered = 0;
    uint32_t n = 0;
    while (n < m && covered * 100 < (uint64_t)popularity_pct * total)
        covered += tc[n++].count;
    k8s_gpu_task_type *t = calloc(n ? n : 1, sizeof *t);
    if (t == NULL) {
        free(tc);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        t[i] = tc[i].t;
        t[i].weight = (double)tc[i].count / (double)covered;
    }
    free(tc);
    k8s_gpu_set_types(&w->snap, t, n);
    return 0;
}

/* --- the run ------------------------------------------------------------- */

static void refresh_node(gpu_replay *w, uint32_t node)
{
    double f = k8s_gpu_node_frag_cached(&w->snap, node);
    w->frag_total += f - w->node_frag[node];
    w->node_frag[node] = f;
}

static void replay_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    gpu_replay *w = state;
    uint32_t k = (uint32_t)ev->payload.i64[0];
    const k8s_pod_spec *pod = &w->specs[w->order[k]];
    int64_t milli = gpu_milli_of(pod);
    w->arrived_milli += milli;
    k8s_schedule_result res;
    k8s_schedule_pod(&w->sched, &w->prof, &w->snap, pod, sim_rng(ctx, REPLAY_TIE_STREAM), &res);
    int32_t slot = res.code == K8S_SUCCESS ? k8s_bind(&w->prof, &w->snap, pod, (uint32_t)res.node, sim_now(ctx)) : -1;
    if (slot >= 0) {
        w->placed++;
        w->allocated_milli += milli;
        w->free_total -= milli;
        refresh_node(w, (uint32_t)res.node);
    } else {
        w->failed++;
        if (w->env->rec && w->log_failed >= 0)
            rec_event(w->env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++w->log_seq, w->log_failed, k,
                      pod->gpu_num, pod->gpu_milli, (double)pod->containers[0].requests.v[K8S_CPU]);
    }
    k8s_schedule_result_free(&res);
    recorder *rec = w->env->rec;
    if (rec) {
        sim_time_ns now = sim_now(ctx);
        double cap = (double)w->cluster_gpu_milli;
        rec_series_put(rec, w->s_arrived, now, 0, (double)w->arrived_milli / cap);
        rec_series_put(rec, w->s_ratio, now, 0, (double)w->allocated_milli / cap);
        rec_series_put(rec, w->s_frag, now, 0, w->free_total > 0 ? w->frag_total / (double)w->free_total : 0.0);
        rec_series_put(rec, w->s_failed, now, 0, (double)w->failed);
        rec_series_put(rec, w->s_placed, now, 0, (double)w->placed);
    }
    if (k + 1 < w->n_pods) {
        int64_t next = k + 1;
        sim_send(ctx, sim_self(ctx), w->interval_ns, w->kind_pod, &next, sizeof next);
    }
}

static void profile_for(gpu_replay *w)
{
    k8s_profile_empty(&w->prof);
    w->prof.preemption = 0;
    w->prof.percentage_of_nodes_to_score = 100; /* the artifact's percentageOfNodesToScore: 100 */
    k8s_profile_enable(&w->prof, "NodeResourcesFit", 0, NULL); /* filter only: weight 0 */
    k8s_profile_enable(&w->prof, "GpuShare", 0, NULL);
    k8s_profile_enable(&w->prof, w->policy, 1, NULL);
}

/* Score ties as the artifact breaks them: its simulator prefixes the node
 * names with a random permutation (simulator.go syncClusterResourceList,
 * rand.Perm) and its selectHost takes the smallest name among the tied
 * nodes (vendor/.../scheduler/core/generic_scheduler.go, "for
 * reproducibility"), i.e. a per-run random node order, the same for every
 * pod. RandomScore keeps the uniform choice per pod: its PreScore draws
 * one feasible node (random_score.go), so its scores never tie. */
static int set_tie_rank(gpu_replay *w, gsl_rng *rng)
{
    if (strcmp(w->policy, "RandomScore") == 0)
        return 0;
    w->tie_rank = malloc((w->snap.n_nodes ? w->snap.n_nodes : 1) * sizeof *w->tie_rank);
    if (w->tie_rank == NULL)
        return -1;
    for (uint32_t n = 0; n < w->snap.n_nodes; n++)
        w->tie_rank[n] = n;
    gsl_ran_shuffle(rng, w->tie_rank, w->snap.n_nodes, sizeof *w->tie_rank);
    w->prof.tie_rank = w->tie_rank;
    return 0;
}

static void replay_free(gpu_replay *w)
{
    if (w == NULL)
        return;
    k8s_snapshot_free(&w->snap);
    free(w->specs);
    free(w->hash);
    free(w->order);
    free(w->node_frag);
    free(w->tie_rank);
    free(w);
}

static model_status replay_start(model_builder *b, void **world)
{
    const scenario *scn = b->scn;
    if (strcmp(scn_string(scn, "kubernetes.pod_trace.format"), "alibaba-dlrm-2025") == 0)
        return MODEL_OK; /* a timed replay: k8s_gpu_dlrm.c */
    if (!scn_is_set(scn, "kubernetes.pod_trace.path") && !scn_is_set(scn, "kubernetes.node_trace.path") &&
        !scn_is_set(scn, "kubernetes.gpu_experiment.policy"))
        return MODEL_OK;
    if (!scn_is_set(scn, "kubernetes.gpu_experiment.policy"))
        return model_key_error(b, "kubernetes.gpu_experiment.policy",
                               "not set (expected the policy of the GPU-sharing experiment: the trace keys run it)");
    gpu_replay *w = calloc(1, sizeof *w);
    if (w == NULL)
        return model_runtime_error(b, "out of memory");
    *world = w;
    w->env = b->env;
    k8s_snapshot_init(&w->snap);
    if (k8s_gpu_enable(&w->snap) != 0)
        return model_runtime_error(b, "out of memory");
    snprintf(w->policy, sizeof w->policy, "%s", scn_string(scn, "kubernetes.gpu_experiment.policy"));
    w->target = scn_float(scn, "kubernetes.gpu_experiment.target");
    w->interval_ns = scn_duration_ns(scn, "kubernetes.gpu_experiment.pod_interval");
    if (w->interval_ns < sim_lookahead_ns(b->eng))
        return model_key_error(b, "kubernetes.gpu_experiment.pod_interval",
                               "%" PRId64 " ns is below the lookahead (expected at least simulation.lookahead)",
                               w->interval_ns);
    model_status st = read_nodes(b, w);
    if (st == MODEL_OK)
        st = read_pods(b, w);
    if (st != MODEL_OK)
        return st;
    w->node_frag = calloc(w->snap.n_nodes, sizeof *w->node_frag);
    if (w->node_frag == NULL ||
        set_workload(w, scn_bool(scn, "kubernetes.gpu_experiment.fgd_cpu_pods"),
                     scn_int(scn, "kubernetes.gpu_experiment.fgd_popularity_pct")) != 0)
        return model_runtime_error(b, "out of memory");
    for (uint32_t n = 0; n < w->snap.n_nodes; n++) {
        w->free_total += w->snap.nodes[n].allocatable.v[K8S_GPU];
        refresh_node(w, n);
    }
    profile_for(w);

    w->kind_pod = sim_kind_register(b->eng, "gpu.pod", PRIO_GPU_POD);
    w->lp = sim_lp_new(b->eng, "gpu-replay", replay_handle, w);
    /* the protocol: shuffle, then inflate by sampling with replacement */
    gsl_rng *rng = sim_engine_rng(b->eng, w->lp, REPLAY_SHUFFLE_STREAM);
    gsl_ran_shuffle(rng, w->order, w->n_pods, sizeof *w->order);
    int64_t listed_milli = 0;
    for (uint32_t i = 0; i < w->n_listed; i++)
        listed_milli += gpu_milli_of(&w->specs[w->order[i]]);
    int64_t want = llround(w->target * (double)w->cluster_gpu_milli); /* milli-GPU */
    /* a target below the list's own request stops the list at the pod that
     * reaches it (the run's end is then the curve's point at the target) */
    int64_t cumulative = 0;
    for (uint32_t i = 0; i < w->n_listed && listed_milli > want; i++) {
        cumulative += gpu_milli_of(&w->specs[w->order[i]]);
        if (cumulative >= want) {
            w->n_pods = i + 1;
            break;
        }
    }
    for (int64_t total = listed_milli; total < want && listed_milli > 0;) {
        uint32_t pick = w->order[gsl_rng_uniform_int(rng, w->n_listed)];
        if (push_pod(w, pick) != 0)
            return model_runtime_error(b, "out of memory");
        total += gpu_milli_of(&w->specs[pick]);
    }
    w->snap.gpu->seed = gsl_rng_get(rng);
    if (set_tie_rank(w, sim_engine_rng(b->eng, w->lp, REPLAY_RANK_STREAM)) != 0)
        return model_runtime_error(b, "out of memory");
    int64_t first = 0;
    if (sim_schedule(b->eng, w->lp, 0, w->kind_pod, &first, sizeof first) != 0)
        return model_runtime_error(b, "cannot schedule the first pod");
    if (b->rec) {
        const rec_series_decl series[] = {
            {"arrived_gpu_fraction", "1", &w->s_arrived}, {"gpu_allocation_ratio", "1", &w->s_ratio},
            {"fragmentation_rate", "1", &w->s_frag},      {"failed_pods", "1", &w->s_failed},
            {"placed_pods", "1", &w->s_placed},
        };
        const rec_kind_decl kinds[] = {{"gpu_pod_failed", &w->log_failed}};
        if (rec_series_group(b->rec, "gpu", NULL, 1, w->interval_ns, series, 5) != 0 ||
            rec_event_kinds(b->rec, kinds, 1) != 0)
            return model_runtime_error(b, "%s", recorder_error(b->rec));
    } else {
        w->log_failed = -1;
    }
    return MODEL_OK;
}

static const rec_column node_columns[] = {
    {"name", REC_STR, NULL},          {"model", REC_STR, NULL},         {"gpus", REC_I64, NULL},
    {"cpu_milli", REC_I64, "millicores"}, {"memory_mib", REC_I64, "MiB"},
    {"cpu_requested_milli", REC_I64, "millicores"},
    {"gpu0_used_milli", REC_I64, "milli-GPU"}, {"gpu1_used_milli", REC_I64, "milli-GPU"},
    {"gpu2_used_milli", REC_I64, "milli-GPU"}, {"gpu3_used_milli", REC_I64, "milli-GPU"},
    {"gpu4_used_milli", REC_I64, "milli-GPU"}, {"gpu5_used_milli", REC_I64, "milli-GPU"},
    {"gpu6_used_milli", REC_I64, "milli-GPU"}, {"gpu7_used_milli", REC_I64, "milli-GPU"},
};
_Static_assert(sizeof node_columns / sizeof node_columns[0] == 6 + K8S_GPU_MAX, "one column per GPU");

static const rec_column cause_columns[] = {{"cause", REC_STR, NULL}, {"gpu_milli", REC_F64, "milli-GPU"}};
static const char *const cause_names[K8S_GPU_N_CAUSES] = {"usable", "lack_gpu", "lack_cpu",
                                                           "lack_both", "no_access", "cpu_task"};

static int replay_write(model_builder *b, void *world)
{
    gpu_replay *w = world;
    recorder *rec = b->rec;
    int t = rec_table_new(rec, "gpu_nodes", node_columns, (int)(sizeof node_columns / sizeof node_columns[0]));
    if (t < 0)
        return -1;
    double cause[K8S_GPU_N_CAUSES] = {0};
    for (uint32_t n = 0; n < w->snap.n_nodes; n++) {
        const k8s_node *kn = &w->snap.nodes[n];
        const k8s_gpu_node *g = k8s_gpu_node_of(&w->snap, n);
        rec_value row[6 + K8S_GPU_MAX] = {{.str = kn->name}, {.str = g ? g->model : ""},
                                          {.i64 = g ? (int64_t)g->n_gpu : 0}, {.i64 = kn->allocatable.v[K8S_CPU]},
                                          {.i64 = kn->allocatable.v[K8S_MEMORY] / MIB_BYTES},
                                          {.i64 = kn->requested.v[K8S_CPU]}};
        for (uint32_t i = 0; i < K8S_GPU_MAX; i++) /* -1: the node has no such GPU */
            row[6 + i].i64 = g && i < g->n_gpu ? K8S_GPU_MILLI - g->free_milli[i] : -1;
        if (rec_table_row(rec, t, row) != 0)
            return -1;
        k8s_gpu_unallocated_by_cause(g, kn->allocatable.v[K8S_CPU] - kn->requested.v[K8S_CPU], w->snap.gpu->types,
                                     w->snap.gpu->n_types, cause);
    }
    t = rec_table_new(rec, "gpu_unallocated", cause_columns, 2);
    if (t < 0)
        return -1;
    for (int c = 0; c < K8S_GPU_N_CAUSES; c++) {
        rec_value row[2] = {{.str = cause_names[c]}, {.f64 = cause[c]}};
        if (rec_table_row(rec, t, row) != 0)
            return -1;
    }
    return rec_attr_i64(rec, "gpu_failed_pods", (int64_t)w->failed) != 0 ||
                   rec_attr_i64(rec, "gpu_placed_pods", (int64_t)w->placed) != 0 ||
                   rec_attr_f64(rec, "gpu_allocation_ratio", (double)w->allocated_milli / (double)w->cluster_gpu_milli)
               ? -1
               : 0;
}

static void replay_describe(const void *world, FILE *out)
{
    const gpu_replay *w = world;
    fprintf(out,
            "gpu:    %" PRIu32 " nodes, %.0f GPUs; %" PRIu32 " pods listed (%" PRIu32 " shapes, %" PRIu32
            " FGD task types), %" PRIu32 " to schedule (target %.0f%% of GPU capacity); policy %s; one pod every %"
            PRId64 " ns (simulation.until >= %.3f s runs them all)\n",
            w->snap.n_nodes, (double)w->cluster_gpu_milli / K8S_GPU_MILLI, w->n_listed, w->n_specs,
            w->snap.gpu->n_types, w->n_pods, 100.0 * w->target, w->policy, w->interval_ns,
            (double)w->n_pods * (double)w->interval_ns / 1e9);
}

static void replay_module_free(model_builder *b, void *world)
{
    (void)b;
    replay_free(world);
}

const model_module gpu_replay_module = {
    .name = "gpu_replay",
    .start = replay_start,
    .write_tables = replay_write,
    .describe = replay_describe,
    .free = replay_module_free,
};
