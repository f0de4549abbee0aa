/* k8s_gpu_dlrm.c - the DLRM instance trace replayed through the
 * kube-scheduler framework (see k8s_gpu_dlrm.h, docs/kubernetes-gpu.md). */
#include "models/kubernetes/k8s_gpu_dlrm.h"

#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/model_env.h"
#include "models/core/module.h"
#include "models/kubernetes/k8s_framework.h"
#include "models/kubernetes/k8s_gpu.h"
#include "recorder/declare.h"
#include "traces/alibaba_dlrm.h"

/* at one time: departures, then the retry of waiting instances, then arrivals */
enum { PRIO_DEPART = 44, PRIO_RETRY = 45, PRIO_ARRIVE = 46, PRIO_SAMPLE = 47, TIE_STREAM = 0 };
#define MIB_BYTES (1024LL * 1024)
#define MAX_APP_CELLS (1u << 28) /* nodes x apps counters: 512 MiB of uint16 at most */

typedef struct dlrm_instance {
    int64_t arrive_ns, depart_ns; /* depart -1: stays */
    uint32_t seq;                 /* file order, breaks ties */
    uint32_t shape, app;
    int32_t max_per_node;         /* -1: no limit */
    int32_t slot;                 /* pod slot while placed, -1 */
    uint32_t waiting;             /* 1 while in the queue of unschedulable instances */
} dlrm_instance;
_Static_assert(sizeof(dlrm_instance) == 40, "an instance costs 40 bytes");

typedef struct dlrm_shape_side {
    uint8_t role;     /* ADLRM_CN / ADLRM_HN */
    int32_t rdma_pct;
} dlrm_shape_side;

typedef struct dlrm_replay {
    const model_env *env;
    k8s_snapshot snap;
    k8s_profile prof;
    k8s_scheduler sched;
    char policy[K8S_STR];
    k8s_pod_spec *specs;          /* distinct shapes */
    dlrm_shape_side *side;        /* by shape */
    uint32_t n_specs, specs_cap, side_cap;
    char (*apps)[ADLRM_NAME_LEN]; /* app names, by index */
    uint32_t n_apps, apps_cap;
    uint32_t *app_hash, app_hash_cap; /* app index + 1, 0 = empty */
    dlrm_instance *inst;          /* sorted by (arrive_ns, seq) at start */
    uint32_t n_inst, inst_cap;
    uint8_t *node_role;           /* by node */
    int32_t *rdma_cap_pct, *rdma_used_pct; /* by node */
    uint16_t *app_count;          /* node x app: instances of the app on the node */
    const dlrm_instance *current; /* the instance being scheduled (read by the filter) */
    int64_t cpu_total_milli, gpu_total_milli, rdma_total_pct;
    int64_t cpu_used_milli, gpu_used_milli, rdma_used_total_pct;
    uint64_t placed, departed, running;
    uint64_t placed_after_wait, gave_up; /* placed on a retry; deleted while waiting */
    uint32_t *waiting;            /* unschedulable instances, in arrival order */
    uint32_t n_waiting, waiting_cap;
    uint32_t *dirty;              /* nodes a departure freed since the last retry */
    uint32_t n_dirty, dirty_cap;
    uint8_t *is_dirty;            /* by node */
    int retry_due;
    sim_time_ns sample_ns;
    uint32_t lp, kind_arrive, kind_depart, kind_retry, kind_sample;
    int s_running, s_failed, s_cpu, s_gpu, s_rdma, log_failed;
    uint64_t log_seq;
} dlrm_replay;

/* --- the filter ---------------------------------------------------------- */

static k8s_code dlrm_filter(k8s_cycle *c, uint32_t node)
{
    const dlrm_replay *w = k8s_cycle_args(c);
    const dlrm_instance *x = w->current;
    const dlrm_shape_side *s = &w->side[x->shape];
    if (w->node_role[node] != s->role)
        return K8S_UNSCHEDULABLE_UNRESOLVABLE; /* a CN instance on a GPU node or the reverse */
    if (w->rdma_used_pct[node] + s->rdma_pct > w->rdma_cap_pct[node])
        return K8S_UNSCHEDULABLE;
    if (x->max_per_node > 0 && w->app_count[(size_t)node * w->n_apps + x->app] >= x->max_per_node)
        return K8S_UNSCHEDULABLE;
    return K8S_SUCCESS;
}

static const k8s_plugin dlrm_instance_fit = {
    .name = "DlrmInstanceFit",
    .filter = dlrm_filter,
    .doc = "Filter of the DLRM replay: role pool, RDMA share of the node's RNICs, max_instance_per_node per app.",
};

/* --- reading ------------------------------------------------------------- */

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Index of app name, added when new; -1 out of memory. */
static int64_t intern_app(dlrm_replay *w, const char *name)
{
    if (w->n_apps * 2 >= w->app_hash_cap) {
        uint32_t cap = w->app_hash_cap ? w->app_hash_cap * 2 : 256;
        uint32_t *h = calloc(cap, sizeof *h);
        if (h == NULL)
            return -1;
        for (uint32_t a = 0; a < w->n_apps; a++) {
            uint32_t j = (uint32_t)(str_hash(w->apps[a]) & (cap - 1));
            while (h[j])
                j = (j + 1) & (cap - 1);
            h[j] = a + 1;
        }
        free(w->app_hash);
        w->app_hash = h;
        w->app_hash_cap = cap;
    }
    uint32_t j = (uint32_t)(str_hash(name) & (w->app_hash_cap - 1));
    for (; w->app_hash[j]; j = (j + 1) & (w->app_hash_cap - 1))
        if (strcmp(w->apps[w->app_hash[j] - 1], name) == 0)
            return w->app_hash[j] - 1;
    if (k8s_gpu_grow((void **)&w->apps, &w->apps_cap, w->n_apps + 1, sizeof *w->apps) != 0)
        return -1;
    snprintf(w->apps[w->n_apps], ADLRM_NAME_LEN, "%s", name);
    w->app_hash[j] = ++w->n_apps;
    return w->n_apps - 1;
}

static int same_shape(const k8s_pod_spec *p, const dlrm_shape_side *s, const adlrm_instance *x)
{
    const k8s_resources *r = &p->containers[0].requests;
    return s->role == x->role && s->rdma_pct == x->rdma_pct && r->v[K8S_CPU] == (int64_t)x->cpu * 1000 &&
           p->gpu_num == x->gpu && r->v[K8S_MEMORY] == x->memory_mib * MIB_BYTES &&
           r->v[K8S_EPHEMERAL] == x->disk_mib * MIB_BYTES;
}

/* Index of the instance's shape, added when new (few: a linear search is
 * enough, 60 in the published trace); -1 out of memory. */
static int64_t intern_shape(dlrm_replay *w, const adlrm_instance *x)
{
    for (uint32_t i = 0; i < w->n_specs; i++)
        if (same_shape(&w->specs[i], &w->side[i], x))
            return i;
    uint32_t cap = w->side_cap;
    if (k8s_gpu_grow((void **)&w->specs, &w->specs_cap, w->n_specs + 1, sizeof *w->specs) != 0 ||
        k8s_gpu_grow((void **)&w->side, &cap, w->n_specs + 1, sizeof *w->side) != 0)
        return -1;
    w->side_cap = cap;
    k8s_pod_spec *s = &w->specs[w->n_specs];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "dlrm-%s-%" PRIu32, x->role == ADLRM_HN ? "hn" : "cn", w->n_specs);
    snprintf(s->namespace_, sizeof s->namespace_, "default");
    s->n_containers = 1;
    k8s_container *c = &s->containers[0];
    c->requests.v[K8S_CPU] = (int64_t)x->cpu * 1000;
    c->requests.v[K8S_MEMORY] = x->memory_mib * MIB_BYTES;
    c->requests.v[K8S_EPHEMERAL] = x->disk_mib * MIB_BYTES;
    c->requests.v[K8S_GPU] = (int64_t)x->gpu * K8S_GPU_MILLI;
    c->explicit_zero = (x->cpu == 0 ? 1u << K8S_CPU : 0) | (x->memory_mib == 0 ? 1u << K8S_MEMORY : 0);
    s->gpu_num = x->gpu;
    s->gpu_milli = x->gpu > 0 ? K8S_GPU_MILLI : 0;
    w->side[w->n_specs] = (dlrm_shape_side){.role = (uint8_t)x->role, .rdma_pct = x->rdma_pct};
    return w->n_specs++;
}

static model_status read_instances(model_builder *b, dlrm_replay *w)
{
    const char *file = scn_string(b->scn, "kubernetes.pod_trace.path");
    if (file[0] == '\0')
        return model_key_error(b, "kubernetes.pod_trace.path", "empty (expected the DLRM trace's CSV file)");
    char path[2048];
    scn_resolve_path(b->scn, file, path, sizeof path);
    adlrm_reader r;
    if (adlrm_open(&r, path, b->err, b->err_len) != 0)
        return MODEL_BAD_INPUT;
    adlrm_instance x;
    int rc;
    while ((rc = adlrm_next(&r, &x, b->err, b->err_len)) == 1) {
        if (x.gpu > K8S_GPU_MAX) {
            snprintf(b->err, b->err_len, "%s:%d: column 'gpu_request': %d GPUs (expected at most %d)", path, r.line,
                     x.gpu, K8S_GPU_MAX);
            rc = -1;
            break;
        }
        int64_t shape = intern_shape(w, &x), app = intern_app(w, x.app);
        if (shape < 0 || app < 0 ||
            k8s_gpu_grow((void **)&w->inst, &w->inst_cap, w->n_inst + 1, sizeof *w->inst) != 0) {
            adlrm_close(&r);
            return model_runtime_error(b, "out of memory reading %s", path);
        }
        w->inst[w->n_inst] = (dlrm_instance){.arrive_ns = x.creation_ns < 0 ? 0 : x.creation_ns,
                                             .depart_ns = x.deletion_ns,
                                             .seq = w->n_inst,
                                             .shape = (uint32_t)shape,
                                             .app = (uint32_t)app,
                                             .max_per_node = x.max_per_node,
                                             .slot = -1};
        w->n_inst++;
    }
    adlrm_close(&r);
    if (rc < 0)
        return MODEL_BAD_INPUT;
    if (w->n_inst == 0)
        return model_key_error(b, "kubernetes.pod_trace.path", "%s has no instance (expected the DLRM trace)", path);
    return MODEL_OK;
}

static int by_arrival(const void *a, const void *b)
{
    const dlrm_instance *x = a, *y = b;
    if (x->arrive_ns != y->arrive_ns)
        return x->arrive_ns < y->arrive_ns ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* --- nodes --------------------------------------------------------------- */

static model_status add_pool(model_builder *b, dlrm_replay *w, const char *pool, adlrm_role role)
{
    const scenario *scn = b->scn;
    int64_t n = scn_int(scn, "kubernetes.dlrm_replay.%s_nodes", pool);
    int64_t gpus = role == ADLRM_HN ? scn_int(scn, "kubernetes.dlrm_replay.hn_gpus") : 0;
    for (int64_t i = 0; i < n; i++) {
        k8s_node node;
        memset(&node, 0, sizeof node);
        snprintf(node.name, sizeof node.name, "%s-%" PRId64, pool, i);
        node.allocatable.v[K8S_CPU] = scn_int(scn, "kubernetes.dlrm_replay.%s_cpus", pool) * 1000;
        node.allocatable.v[K8S_MEMORY] = scn_int(scn, "kubernetes.dlrm_replay.%s_memory_gib", pool) * 1024 * MIB_BYTES;
        node.allocatable.v[K8S_EPHEMERAL] = scn_int(scn, "kubernetes.dlrm_replay.%s_disk_gib", pool) * 1024 * MIB_BYTES;
        node.allocatable.v[K8S_GPU] = gpus * K8S_GPU_MILLI;
        node.max_pods = K8S_DEFAULT_MAX_PODS;
        int32_t idx = k8s_snapshot_add_node(&w->snap, &node);
        if (idx < 0 ||
            k8s_gpu_set_node(&w->snap, (uint32_t)idx, (uint32_t)gpus, scn_string(scn, "kubernetes.dlrm_replay.hn_gpu_model")) != 0)
            return model_runtime_error(b, "out of memory");
        w->cpu_total_milli += node.allocatable.v[K8S_CPU];
        w->gpu_total_milli += node.allocatable.v[K8S_GPU];
        w->rdma_total_pct += scn_int(scn, "kubernetes.dlrm_replay.%s_rnics", pool) * 100;
    }
    return MODEL_OK;
}

static model_status build_nodes(model_builder *b, dlrm_replay *w)
{
    model_status st = add_pool(b, w, "cn", ADLRM_CN);
    if (st == MODEL_OK)
        st = add_pool(b, w, "hn", ADLRM_HN);
    if (st != MODEL_OK)
        return st;
    uint32_t n = w->snap.n_nodes;
    if (n == 0)
        return model_key_error(b, "kubernetes.dlrm_replay.cn_nodes", "0 CN and 0 HN nodes (expected a cluster)");
    if (w->n_apps > 0 && (uint64_t)n * w->n_apps > MAX_APP_CELLS)
        return model_key_error(b, "kubernetes.dlrm_replay.cn_nodes",
                               "%" PRIu32 " nodes x %" PRIu32 " apps is more than %u per-app counters",
                               n, w->n_apps, MAX_APP_CELLS);
    w->node_role = calloc(n, sizeof *w->node_role);
    w->rdma_cap_pct = calloc(n, sizeof *w->rdma_cap_pct);
    w->rdma_used_pct = calloc(n, sizeof *w->rdma_used_pct);
    w->app_count = calloc((size_t)n * (w->n_apps ? w->n_apps : 1), sizeof *w->app_count);
    if (!w->node_role || !w->rdma_cap_pct || !w->rdma_used_pct || !w->app_count)
        return model_runtime_error(b, "out of memory");
    uint32_t n_cn = (uint32_t)scn_int(b->scn, "kubernetes.dlrm_replay.cn_nodes");
    for (uint32_t i = 0; i < n; i++) {
        int hn = i >= n_cn;
        w->node_role[i] = hn ? ADLRM_HN : ADLRM_CN;
        w->rdma_cap_pct[i] = (int32_t)scn_int(b->scn, "kubernetes.dlrm_replay.%s_rnics", hn ? "hn" : "cn") * 100;
    }
    return MODEL_OK;
}

/* --- the run ------------------------------------------------------------- */

static void account(dlrm_replay *w, const dlrm_instance *x, uint32_t node, int sign)
{
    const k8s_pod_spec *p = &w->specs[x->shape];
    w->rdma_used_pct[node] += sign * w->side[x->shape].rdma_pct;
    w->rdma_used_total_pct += sign * w->side[x->shape].rdma_pct;
    w->app_count[(size_t)node * w->n_apps + x->app] = (uint16_t)(w->app_count[(size_t)node * w->n_apps + x->app] + sign);
    w->cpu_used_milli += sign * p->containers[0].requests.v[K8S_CPU];
    w->gpu_used_milli += sign * (int64_t)p->gpu_num * K8S_GPU_MILLI;
    w->running = (uint64_t)((int64_t)w->running + sign);
}

static void arrive(sim_ctx *ctx, dlrm_replay *w, uint32_t k)
{
    dlrm_instance *x = &w->inst[k];
    const k8s_pod_spec *pod = &w->specs[x->shape];
    w->current = x;
    k8s_schedule_result res;
    k8s_schedule_pod(&w->sched, &w->prof, &w->snap, pod, sim_rng(ctx, TIE_STREAM), &res);
    int32_t slot = res.code == K8S_SUCCESS ? k8s_bind(&w->prof, &w->snap, pod, (uint32_t)res.node, sim_now(ctx)) : -1;
    if (slot >= 0) {
        x->slot = slot;
        w->placed++;
        account(w, x, (uint32_t)res.node, +1);
        if (x->depart_ns >= 0) {
            int64_t kk = k;
            sim_send(ctx, sim_self(ctx), x->depart_ns - sim_now(ctx), w->kind_depart, &kk, sizeof kk);
        }
    } else {
        /* unschedulable: it waits for a departure (kube-scheduler's
         * unschedulable queue) until placed or deleted */
        if (k8s_gpu_grow((void **)&w->waiting, &w->waiting_cap, w->n_waiting + 1, sizeof *w->waiting) != 0)
            abort(); /* out of memory, as the snapshot does */
        w->waiting[w->n_waiting++] = k;
        x->waiting = 1;
        if (x->depart_ns >= 0) {
            int64_t kk = k;
            sim_send(ctx, sim_self(ctx), x->depart_ns - sim_now(ctx), w->kind_depart, &kk, sizeof kk);
        }
        if (w->env->rec && w->log_failed >= 0)
            rec_event(w->env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++w->log_seq, w->log_failed,
                      x->seq, x->app, w->side[x->shape].role, (double)pod->containers[0].requests.v[K8S_CPU]);
    }
    k8s_schedule_result_free(&res);
    w->current = NULL;
    if (k + 1 < w->n_inst) {
        int64_t next = k + 1;
        sim_send(ctx, sim_self(ctx), w->inst[k + 1].arrive_ns - sim_now(ctx), w->kind_arrive, &next, sizeof next);
    }
}

static void depart(sim_ctx *ctx, dlrm_replay *w, uint32_t k)
{
    dlrm_instance *x = &w->inst[k];
    if (x->slot < 0) { /* deleted while still waiting: never placed */
        if (x->waiting) {
            x->waiting = 0;
            w->gave_up++;
        }
        return;
    }
    uint32_t node = (uint32_t)w->snap.pods[x->slot].node;
    account(w, x, node, -1);
    k8s_snapshot_remove_pod(&w->snap, (uint32_t)x->slot);
    x->slot = -1;
    w->departed++;
    if (w->n_waiting == 0)
        return;
    if (!w->is_dirty[node]) {
        if (k8s_gpu_grow((void **)&w->dirty, &w->dirty_cap, w->n_dirty + 1, sizeof *w->dirty) != 0)
            abort();
        w->dirty[w->n_dirty++] = node;
        w->is_dirty[node] = 1;
    }
    if (!w->retry_due) {
        w->retry_due = 1;
        sim_send(ctx, sim_self(ctx), 0, w->kind_retry, NULL, 0);
    }
}

/* The departures of this time freed room: the waiting instances get a
 * scheduling cycle again, oldest first, before this time's arrivals (a pod
 * deletion moves the unschedulable pods to the active queue, whose older
 * pods go first). Only the freed nodes changed since an instance was found
 * unschedulable (arrivals only take room), so an instance that fits none of
 * them still fits nowhere and is not rescheduled: the same outcome, cheaply. */
static void retry(sim_ctx *ctx, dlrm_replay *w)
{
    w->retry_due = 0;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < w->n_waiting; i++) {
        uint32_t k = w->waiting[i];
        dlrm_instance *x = &w->inst[k];
        if (!x->waiting)
            continue; /* deleted meanwhile */
        const k8s_pod_spec *pod = &w->specs[x->shape];
        w->current = x;
        int may_fit = 0;
        for (uint32_t d = 0; d < w->n_dirty && !may_fit; d++)
            may_fit = k8s_pod_fits(&w->prof, &w->snap, pod, w->dirty[d]);
        int32_t slot = -1;
        k8s_schedule_result res = {0};
        if (may_fit) {
            k8s_schedule_pod(&w->sched, &w->prof, &w->snap, pod, sim_rng(ctx, TIE_STREAM), &res);
            if (res.code == K8S_SUCCESS)
                slot = k8s_bind(&w->prof, &w->snap, pod, (uint32_t)res.node, sim_now(ctx));
            k8s_schedule_result_free(&res);
        }
        w->current = NULL;
        if (slot >= 0) { /* its departure is already scheduled */
            x->slot = slot;
            x->waiting = 0;
            w->placed++;
            w->placed_after_wait++;
            account(w, x, (uint32_t)res.node, +1);
        } else {
            w->waiting[kept++] = k;
        }
    }
    w->n_waiting = kept;
    for (uint32_t d = 0; d < w->n_dirty; d++)
        w->is_dirty[w->dirty[d]] = 0;
    w->n_dirty = 0;
}

/* Never placed: deleted while waiting, or still waiting. */
static uint64_t failed_count(const dlrm_replay *w)
{
    uint64_t still = 0;
    for (uint32_t i = 0; i < w->n_waiting; i++)
        still += w->inst[w->waiting[i]].waiting;
    return w->gave_up + still;
}

static void sample(sim_ctx *ctx, dlrm_replay *w)
{
    recorder *rec = w->env->rec;
    sim_time_ns now = sim_now(ctx);
    rec_series_put(rec, w->s_running, now, 0, (double)w->running);
    rec_series_put(rec, w->s_failed, now, 0, (double)failed_count(w));
    rec_series_put(rec, w->s_cpu, now, 0, w->cpu_total_milli ? (double)w->cpu_used_milli / (double)w->cpu_total_milli : 0);
    rec_series_put(rec, w->s_gpu, now, 0, w->gpu_total_milli ? (double)w->gpu_used_milli / (double)w->gpu_total_milli : 0);
    rec_series_put(rec, w->s_rdma, now, 0,
                   w->rdma_total_pct ? (double)w->rdma_used_total_pct / (double)w->rdma_total_pct : 0);
    sim_send(ctx, sim_self(ctx), w->sample_ns, w->kind_sample, NULL, 0);
}

static void dlrm_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    dlrm_replay *w = state;
    if (ev->kind == w->kind_sample)
        sample(ctx, w);
    else if (ev->kind == w->kind_depart)
        depart(ctx, w, (uint32_t)ev->payload.i64[0]);
    else if (ev->kind == w->kind_retry)
        retry(ctx, w);
    else
        arrive(ctx, w, (uint32_t)ev->payload.i64[0]);
}

static model_status profile_for(model_builder *b, dlrm_replay *w)
{
    k8s_profile_empty(&w->prof);
    w->prof.preemption = 0;
    w->prof.percentage_of_nodes_to_score = 100;
    int is_fit = strcmp(w->policy, "NodeResourcesFit") == 0;
    if (k8s_profile_enable(&w->prof, "NodeResourcesFit", is_fit ? 1 : 0, NULL) != 0 ||
        k8s_profile_enable(&w->prof, "GpuShare", 0, NULL) != 0 ||
        (!is_fit && k8s_profile_enable(&w->prof, w->policy, 1, NULL) != 0) || w->prof.n_plugins == K8S_MAX_PLUGINS)
        return model_key_error(b, "kubernetes.dlrm_replay.policy", "'%s' cannot be enabled", w->policy);
    /* this module's own filter, with the replay as its arguments */
    w->prof.plugins[w->prof.n_plugins++] = (k8s_plugin_config){.plugin = &dlrm_instance_fit, .weight = 0, .args = w};
    return MODEL_OK;
}

static void dlrm_free(dlrm_replay *w)
{
    if (w == NULL)
        return;
    k8s_snapshot_free(&w->snap);
    free(w->specs);
    free(w->side);
    free(w->apps);
    free(w->app_hash);
    free(w->inst);
    free(w->node_role);
    free(w->rdma_cap_pct);
    free(w->rdma_used_pct);
    free(w->app_count);
    free(w->waiting);
    free(w->dirty);
    free(w->is_dirty);
    free(w);
}

static model_status dlrm_start(model_builder *b, void **world)
{
    const scenario *scn = b->scn;
    if (strcmp(scn_string(scn, "kubernetes.pod_trace.format"), "alibaba-dlrm-2025") != 0)
        return MODEL_OK;
    dlrm_replay *w = calloc(1, sizeof *w);
    if (w == NULL)
        return model_runtime_error(b, "out of memory");
    *world = w;
    w->env = b->env;
    k8s_snapshot_init(&w->snap);
    if (k8s_gpu_enable(&w->snap) != 0)
        return model_runtime_error(b, "out of memory");
    snprintf(w->policy, sizeof w->policy, "%s", scn_string(scn, "kubernetes.dlrm_replay.policy"));
    w->sample_ns = scn_duration_ns(scn, "kubernetes.dlrm_replay.sample_interval");
    model_status st = read_instances(b, w);
    if (st == MODEL_OK)
        st = build_nodes(b, w);
    if (st == MODEL_OK)
        st = profile_for(b, w);
    if (st != MODEL_OK)
        return st;
    qsort(w->inst, w->n_inst, sizeof *w->inst, by_arrival);

    w->kind_depart = sim_kind_register(b->eng, "dlrm.depart", PRIO_DEPART);
    w->kind_retry = sim_kind_register(b->eng, "dlrm.retry", PRIO_RETRY);
    w->kind_arrive = sim_kind_register(b->eng, "dlrm.arrive", PRIO_ARRIVE);
    w->is_dirty = calloc(w->snap.n_nodes ? w->snap.n_nodes : 1, sizeof *w->is_dirty);
    if (w->is_dirty == NULL)
        return model_runtime_error(b, "out of memory");
    w->kind_sample = sim_kind_register(b->eng, "dlrm.sample", PRIO_SAMPLE);
    w->lp = sim_lp_new(b->eng, "dlrm-replay", dlrm_handle, w);
    w->snap.gpu->seed = gsl_rng_get(sim_engine_rng(b->eng, w->lp, 1));
    int64_t first = 0;
    if (sim_schedule(b->eng, w->lp, w->inst[0].arrive_ns, w->kind_arrive, &first, sizeof first) != 0)
        return model_runtime_error(b, "cannot schedule the first instance");
    if (b->rec) {
        const rec_series_decl series[] = {
            {"running_instances", "1", &w->s_running},     {"failed_instances", "1", &w->s_failed},
            {"cpu_allocation_ratio", "1", &w->s_cpu},      {"gpu_allocation_ratio", "1", &w->s_gpu},
            {"rdma_allocation_ratio", "1", &w->s_rdma},
        };
        const rec_kind_decl kinds[] = {{"dlrm_instance_failed", &w->log_failed}};
        if (rec_series_group(b->rec, "dlrm", NULL, 1, w->sample_ns, series, 5) != 0 ||
            rec_event_kinds(b->rec, kinds, 1) != 0)
            return model_runtime_error(b, "%s", recorder_error(b->rec));
        if (sim_schedule(b->eng, w->lp, 0, w->kind_sample, NULL, 0) != 0)
            return model_runtime_error(b, "cannot schedule the first sample");
    } else {
        w->log_failed = -1;
    }
    return MODEL_OK;
}

static const rec_column node_columns[] = {
    {"name", REC_STR, NULL},
    {"role", REC_STR, NULL},
    {"pods", REC_I64, NULL},
    {"cpu_milli", REC_I64, "millicores"},
    {"cpu_requested_milli", REC_I64, "millicores"},
    {"gpus", REC_I64, NULL},
    {"gpus_used", REC_I64, NULL},
    {"rdma_capacity_pct", REC_I64, "% of one RNIC"},
    {"rdma_used_pct", REC_I64, "% of one RNIC"},
};
enum { N_NODE_COLUMNS = (int)(sizeof node_columns / sizeof node_columns[0]) };

static int dlrm_write(model_builder *b, void *world)
{
    dlrm_replay *w = world;
    recorder *rec = b->rec;
    int t = rec_table_new(rec, "dlrm_nodes", node_columns, N_NODE_COLUMNS);
    if (t < 0)
        return -1;
    for (uint32_t n = 0; n < w->snap.n_nodes; n++) {
        const k8s_node *kn = &w->snap.nodes[n];
        const k8s_gpu_node *g = k8s_gpu_node_of(&w->snap, n);
        int64_t used = 0;
        for (uint32_t i = 0; g && i < g->n_gpu; i++)
            used += g->free_milli[i] < K8S_GPU_MILLI;
        rec_value row[N_NODE_COLUMNS] = {
            {.str = kn->name}, {.str = w->node_role[n] == ADLRM_HN ? "HN" : "CN"}, {.i64 = kn->n_pods},
            {.i64 = kn->allocatable.v[K8S_CPU]}, {.i64 = kn->requested.v[K8S_CPU]}, {.i64 = g ? (int64_t)g->n_gpu : 0},
            {.i64 = used}, {.i64 = w->rdma_cap_pct[n]}, {.i64 = w->rdma_used_pct[n]}};
        if (rec_table_row(rec, t, row) != 0)
            return -1;
    }
    return rec_attr_i64(rec, "dlrm_instances", (int64_t)w->n_inst) != 0 ||
                   rec_attr_i64(rec, "dlrm_placed_instances", (int64_t)w->placed) != 0 ||
                   rec_attr_i64(rec, "dlrm_failed_instances", (int64_t)failed_count(w)) != 0 ||
                   rec_attr_i64(rec, "dlrm_placed_after_wait", (int64_t)w->placed_after_wait) != 0 ||
                   rec_attr_f64(rec, "dlrm_gpu_allocation_ratio",
                                w->gpu_total_milli ? (double)w->gpu_used_milli / (double)w->gpu_total_milli : 0) != 0 ||
                   rec_attr_i64(rec, "dlrm_departed_instances", (int64_t)w->departed) != 0
               ? -1
               : 0;
}

static void dlrm_describe(const void *world, FILE *out)
{
    const dlrm_replay *w = world;
    fprintf(out,
            "dlrm:   %" PRIu32 " nodes (%.0f GPUs); %" PRIu32 " instances (%" PRIu32 " shapes, %" PRIu32
            " apps), the last arriving at %.0f s; policy %s\n",
            w->snap.n_nodes, (double)w->gpu_total_milli / K8S_GPU_MILLI, w->n_inst, w->n_specs, w->n_apps,
            (double)w->inst[w->n_inst - 1].arrive_ns / 1e9, w->policy);
}

static void dlrm_module_free(model_builder *b, void *world)
{
    (void)b;
    dlrm_free(world);
}

const model_module dlrm_replay_module = {
    .name = "dlrm_replay",
    .start = dlrm_start,
    .write_tables = dlrm_write,
    .describe = dlrm_describe,
    .free = dlrm_module_free,
};
