/* pod_build.c - pods from the scenario, the built-in placement, and what
 * they record (see pod.h). */
#include "models/containers/pod.h"
#include "models/core/module.h"
#include "recorder/declare.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/workload/demand_read.h"
#include "models/core/host.h"
#include "models/core/model_env.h"

#define MIB_BYTES 1048576.0

/* Event priorities at equal time: after VM starts (20), before samples (90). */
enum { PRIO_POD_START = 30, PRIO_POD_RESTART = 31, PRIO_POD_RUNNING = 32, PRIO_POD_CRASH = 33 };

const char *pod_kind_name(pod_kind k)
{
    switch (k) {
    case POD_CONTAINER: return "container";
    case POD_SANDBOX: return "sandbox";
    case POD_VM: return "vm";
    }
    return "?";
}

const char *pod_state_name(pod_state s)
{
    switch (s) {
    case POD_PENDING: return "pending";
    case POD_STARTING: return "starting";
    case POD_RUNNING: return "running";
    case POD_BACKOFF: return "backoff";
    case POD_FAILED: return "failed";
    }
    return "?";
}

/* Defaults of the keys whose default depends on the kind (docs/containers.md). */
typedef struct kind_defaults {
    uint64_t image_bytes;
    double startup_mean_ns, startup_sigma; /* lognormal */
    uint64_t mem_overhead;
    double cpu_overhead_factor;
} kind_defaults;

static kind_defaults defaults_of(pod_kind k)
{
    switch (k) {
    case POD_SANDBOX: /* module of a few MiB, start in ms, Wasm 1.45x (Jangda et al. 2019) */
        return (kind_defaults){2 * 1048576ull, 2e6, 0.5, 0, 1.45};
    case POD_VM: /* template clone, power-on + guest boot, guest OS memory */
        return (kind_defaults){0, 30e9, 0.3, 256 * 1048576ull, 1.0};
    case POD_CONTAINER:
        break;
    }
    return (kind_defaults){200 * 1048576ull, 500e6, 0.5, 0, 1.0};
}

static int bad(const scenario *scn, char *err, size_t err_len, int line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int bad(const scenario *scn, char *err, size_t err_len, int line, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    scn_vkey_error(scn, err, err_len, line, key, fmt, ap);
    va_end(ap);
    return -2;
}

static int intern_image(pod_world *w, const char *name, uint32_t *id)
{
    for (uint32_t i = 0; i < w->n_images; i++)
        if (strcmp(w->image_names[i], name) == 0) {
            *id = i;
            return 0;
        }
    char **grown = realloc(w->image_names, (w->n_images + 1) * sizeof *grown);
    if (!grown)
        return -1;
    w->image_names = grown;
    size_t len = strlen(name) + 1;
    if (!(w->image_names[w->n_images] = malloc(len)))
        return -1;
    memcpy(w->image_names[w->n_images], name, len);
    *id = w->n_images++;
    return 0;
}

/* Requests default to the limit when only the limit is set (Kubernetes). */
static int read_resources(const scenario *scn, int g, pod_group *pg, char *err, size_t err_len)
{
    char key[128];
    pg->cpu_limit_m = scn_int(scn, "pods.[%d].limits.cpu", g);
    pg->mem_limit = scn_bytes(scn, "pods.[%d].limits.memory", g);
    pg->cpu_request_m = scn_is_set(scn, "pods.[%d].requests.cpu", g) ? scn_int(scn, "pods.[%d].requests.cpu", g)
                                                                     : pg->cpu_limit_m;
    pg->mem_request = scn_is_set(scn, "pods.[%d].requests.memory", g)
                          ? scn_bytes(scn, "pods.[%d].requests.memory", g)
                          : pg->mem_limit;
    if (pg->cpu_limit_m > 0 && pg->cpu_request_m > pg->cpu_limit_m) {
        snprintf(key, sizeof key, "pods.[%d].limits.cpu", g);
        return bad(scn, err, err_len, scn_line(scn, "%s", key), key,
                   "%" PRId64 " millicores is below the request of %" PRId64
                   " (expected a limit >= requests.cpu, or 0 for none)",
                   pg->cpu_limit_m, pg->cpu_request_m);
    }
    if (pg->mem_limit > 0 && pg->mem_request > pg->mem_limit) {
        snprintf(key, sizeof key, "pods.[%d].limits.memory", g);
        return bad(scn, err, err_len, scn_line(scn, "%s", key), key,
                   "%" PRIu64 " bytes is below the request of %" PRIu64
                   " bytes (expected a limit >= requests.memory, or 0 for none)",
                   pg->mem_limit, pg->mem_request);
    }
    pg->qos = qos_class_of(pg->cpu_request_m, pg->cpu_limit_m, pg->mem_request, pg->mem_limit);
    return 0;
}

static int read_group(const scenario *scn, int g, pod_world *w, pod_group *pg, char *err, size_t err_len)
{
    char prefix[64];
    pg->kind = (pod_kind)scn_enum(scn, "pods.[%d].kind", g);
    kind_defaults kd = defaults_of(pg->kind);
    int rc = read_resources(scn, g, pg, err, err_len);
    if (rc != 0)
        return rc;
    pg->mem_overhead = scn_is_set(scn, "pods.[%d].memory_overhead", g) ? scn_bytes(scn, "pods.[%d].memory_overhead", g)
                                                                        : kd.mem_overhead;
    pg->cpu_overhead_factor = scn_is_set(scn, "pods.[%d].cpu_overhead_factor", g)
                                  ? scn_float(scn, "pods.[%d].cpu_overhead_factor", g)
                                  : kd.cpu_overhead_factor;
    pg->threads = (double)scn_int(scn, "pods.[%d].cpu_threads", g);
    pg->work = (cfs_work_kind)scn_enum(scn, "pods.[%d].cpu_work_per_period", g);
    pg->start_ns = scn_duration_ns(scn, "pods.[%d].start", g);
    snprintf(prefix, sizeof prefix, "pods.[%d].cpu_demand", g);
    if (demand_read_scenario(scn, prefix, &pg->cpu_demand, err, err_len) != 0)
        return -2;
    snprintf(prefix, sizeof prefix, "pods.[%d].memory_demand", g);
    if (demand_read_scenario(scn, prefix, &pg->memory_demand, err, err_len) != 0)
        return -2;
    const char *image = scn_string(scn, "pods.[%d].image.name", g);
    if (intern_image(w, image[0] ? image : scn_string(scn, "pods.[%d].name", g), &pg->image) != 0)
        return -1;
    pg->image_bytes = scn_is_set(scn, "pods.[%d].image.size", g) ? scn_bytes(scn, "pods.[%d].image.size", g)
                                                                  : kd.image_bytes;
    snprintf(prefix, sizeof prefix, "pods.[%d].startup", g);
    if (scn_is_set(scn, "%s", prefix)) {
        if (dist_from_scenario(scn, prefix, &pg->startup, err, err_len) != 0)
            return -2;
    } else {
        pg->startup = (dist_spec){.kind = DIST_LOGNORMAL, .mean = kd.startup_mean_ns, .shape = kd.startup_sigma};
    }
    snprintf(prefix, sizeof prefix, "pods.[%d].crash", g);
    pg->has_crash = scn_is_set(scn, "%s", prefix);
    if (pg->has_crash && dist_from_scenario(scn, prefix, &pg->crash, err, err_len) != 0)
        return -2;
    return 0;
}

/* node_group: a hosts group, a vms group, or "" (any host). */
static int resolve_node_group(const scenario *scn, int g, int *is_vm, int *group, char *err, size_t err_len)
{
    const char *name = scn_string(scn, "pods.[%d].node_group", g);
    *is_vm = 0;
    *group = -1;
    if (!name[0])
        return 0;
    int hg = scn_list_find(scn, "hosts", name), vg = scn_list_find(scn, "vms", name);
    char key[64];
    snprintf(key, sizeof key, "pods.[%d].node_group", g);
    if (hg >= 0 && vg >= 0)
        return bad(scn, err, err_len, scn_line(scn, "%s", key), key,
                   "'%.60s' names both hosts.[%d] and vms.[%d] (expected a name only one of them has)", name, hg,
                   vg);
    if (hg < 0 && vg < 0)
        return bad(scn, err, err_len, scn_line(scn, "%s", key), key,
                   "'%.60s' names no element of hosts or vms (expected the name of a hosts or vms group, "
                   "or \"\" for any host)",
                   name);
    *is_vm = vg >= 0;
    *group = vg >= 0 ? vg : hg;
    return 0;
}

/* --- built-in placement ---------------------------------------------- */

typedef struct node_load {
    int64_t cpu_m, pods;
    uint64_t mem;
} node_load;

static int try_node(node_load *load, int64_t cpu_cap_m, uint64_t mem_cap, int64_t max_pods, const pod_group *pg)
{
    uint64_t mem = pg->mem_request + pg->mem_overhead;
    if (load->pods + 1 > max_pods || load->cpu_m + pg->cpu_request_m > cpu_cap_m || load->mem + mem > mem_cap)
        return 0;
    load->cpu_m += pg->cpu_request_m;
    load->mem += mem;
    load->pods++;
    return 1;
}

void pods_place_builtin(pod_world *w, const model_env *env, const scenario *scn)
{
    node_load *hl = calloc(env->n_hosts ? env->n_hosts : 1, sizeof *hl);
    node_load *vl = calloc(env->n_vms ? env->n_vms : 1, sizeof *vl);
    if (!hl || !vl) {
        free(hl);
        free(vl);
        for (uint32_t p = 0; p < w->n_pods; p++)
            w->pods[p].node_host = w->pods[p].node_vm = -1;
        return;
    }
    for (uint32_t p = 0; p < w->n_pods; p++) {
        pod *pd = &w->pods[p];
        const pod_group *pg = &w->groups[pd->group];
        int is_vm = 0, group = -1;
        char ignored[8];
        resolve_node_group(scn, (int)pd->group, &is_vm, &group, ignored, sizeof ignored);
        pd->node_host = pd->node_vm = -1;
        if (is_vm) {
            for (uint32_t v = 0; v < env->n_vms && pd->node_vm < 0; v++) {
                const vm_spec *vs = model_vm_spec(env, v);
                if ((int)vs->group == group &&
                    try_node(&vl[v], (int64_t)vm_spec_vcpus(vs) * 1000,
                             vm_spec_memory_mib(vs) * (uint64_t)MIB_BYTES, w->max_pods,
                             pg))
                    pd->node_vm = (int32_t)v;
            }
        } else {
            for (uint32_t hi = 0; hi < env->n_hosts && pd->node_host < 0; hi++) {
                const host_spec *hs = &env->host_specs[hi];
                if ((group < 0 || (int)hs->group == group) &&
                    try_node(&hl[hi], (int64_t)host_cores(hs) * 1000, hs->memory_mib * (uint64_t)MIB_BYTES,
                             w->max_pods, pg))
                    pd->node_host = (int32_t)hi;
            }
        }
    }
    free(hl);
    free(vl);
}

/* --- build ------------------------------------------------------------ */

static int64_t total_pods(const scenario *scn)
{
    int64_t n = 0;
    int groups = scn_list_len(scn, "pods");
    for (int g = 0; g < groups; g++)
        n += scn_int(scn, "pods.[%d].count", g);
    return n;
}

static int index_vm_pods(pod_world *w, uint32_t n_vms)
{
    w->vm_pod_first = calloc((size_t)n_vms + 1, sizeof *w->vm_pod_first);
    w->vm_pods = calloc(w->n_pods ? w->n_pods : 1, sizeof *w->vm_pods);
    if (!w->vm_pod_first || !w->vm_pods)
        return -1;
    for (uint32_t p = 0; p < w->n_pods; p++)
        if (w->pods[p].node_vm >= 0)
            w->vm_pod_first[w->pods[p].node_vm + 1]++;
    for (uint32_t v = 0; v < n_vms; v++)
        w->vm_pod_first[v + 1] += w->vm_pod_first[v];
    uint32_t *fill = calloc((size_t)n_vms + 1, sizeof *fill);
    if (!fill)
        return -1;
    for (uint32_t p = 0; p < w->n_pods; p++) {
        int32_t v = w->pods[p].node_vm;
        if (v >= 0)
            w->vm_pods[w->vm_pod_first[v] + fill[v]++] = p;
    }
    free(fill);
    return 0;
}

int pods_build(const scenario *scn, sim_engine *eng, model_env *env, pod_world **out, char *err, size_t err_len)
{
    *out = NULL;
    int groups = scn_list_len(scn, "pods");
    int64_t n = total_pods(scn);
    if (n > 20000000) {
        snprintf(err, err_len, "%s: key 'pods': %" PRId64 " pods, more than the 20000000 one run can hold",
                 scenario_name(scn), n);
        return -2;
    }
    for (int g = 0; g < groups; g++) {
        int is_vm, group, rc = resolve_node_group(scn, g, &is_vm, &group, err, err_len);
        if (rc != 0)
            return rc;
    }
    if (groups == 0 || n == 0)
        return 0;
    pod_world *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    *out = w;
    w->n_groups = (uint32_t)groups;
    w->n_pods = (uint32_t)n;
    w->groups = calloc((size_t)groups, sizeof *w->groups);
    w->pods = calloc((size_t)n, sizeof *w->pods);
    w->host_caches = calloc(env->n_hosts ? env->n_hosts : 1, sizeof *w->host_caches);
    w->vm_caches = calloc(env->n_vms ? env->n_vms : 1, sizeof *w->vm_caches);
    if (!w->groups || !w->pods || !w->host_caches || !w->vm_caches)
        return -1;
    w->n_vm_caches = env->n_vms;
    w->cfs_period_s = (double)scn_duration_ns(scn, "kubelet.cfs_period") / 1e9;
    w->pull = (image_pull_params){.capacity_bytes = scn_bytes(scn, "kubelet.image_cache"),
                                  .bandwidth_bytes_per_s = scn_gbps(scn, "kubelet.image_pull_bandwidth") * 1e9 / 8.0,
                                  .serialize = scn_bool(scn, "kubelet.serialize_image_pulls")};
    w->backoff = (crashloop_params){.initial_ns = scn_duration_ns(scn, "kubelet.restart_backoff_initial"),
                                    .max_ns = scn_duration_ns(scn, "kubelet.restart_backoff_max"),
                                    .reset_ns = scn_duration_ns(scn, "kubelet.restart_backoff_reset")};
    w->max_pods = scn_int(scn, "kubelet.max_pods");

    uint32_t p = 0;
    for (int g = 0; g < groups; g++) {
        int rc = read_group(scn, g, w, &w->groups[g], err, err_len);
        if (rc != 0)
            return rc;
        int is_vm, group;
        resolve_node_group(scn, g, &is_vm, &group, err, err_len);
        w->groups[g].node_is_vm = is_vm;
        int64_t count = scn_int(scn, "pods.[%d].count", g);
        for (int64_t k = 0; k < count; k++, p++)
            w->pods[p] = (pod){.group = (uint32_t)g,
                               .index_in_group = (uint32_t)k,
                               .host = -1,
                               .state = POD_PENDING,
                               .first_startup_ns = -1};
    }
    pods_place_builtin(w, env, scn);
    if (index_vm_pods(w, env->n_vms) != 0)
        return -1;

    w->kind_start = sim_kind_register(eng, "pod.start", PRIO_POD_START);
    w->kind_restart = sim_kind_register(eng, "pod.restart", PRIO_POD_RESTART);
    w->kind_running = sim_kind_register(eng, "pod.running", PRIO_POD_RUNNING);
    w->kind_crash = sim_kind_register(eng, "pod.crash", PRIO_POD_CRASH);
    w->series_running = w->series_cpu_usage = w->series_throttled_pct = -1;
    w->series_oom_kills = w->series_restarts = -1;
    w->log_started = w->log_oom_killed = w->log_crashed = w->log_restarted = w->log_failed = -1;

    /* Every host LP gets its runtime state; host-node pods are on it from
     * the start and start at their start time. */
    w->n_hosts = env->n_hosts;
    if (!(w->hosts = calloc(env->n_hosts ? env->n_hosts : 1, sizeof *w->hosts)))
        return -1;
    for (uint32_t q = 0; q < w->n_pods; q++) {
        pod *pd = &w->pods[q];
        if (pd->node_host < 0)
            continue;
        pd->host = pd->node_host;
        if (pod_host_add(&w->hosts[pd->node_host], q) != 0)
            return -1;
        int64_t payload[2] = {q, 0};
        if (sim_schedule(eng, env->first_host_lp + (uint32_t)pd->node_host, w->groups[pd->group].start_ns,
                         w->kind_start, payload, sizeof payload) != 0)
            return -1;
    }
    /* oom_score_adj against the memory of the pod's node. */
    for (uint32_t q = 0; q < w->n_pods; q++) {
        pod *pd = &w->pods[q];
        pd->oom_adj = oom_score_adj(w->groups[pd->group].qos, w->groups[pd->group].mem_request,
                                    pd->node_vm >= 0 ? vm_spec_memory_mib(model_vm_spec(env, pd->node_vm)) * (uint64_t)MIB_BYTES
                                    : pd->node_host >= 0
                                        ? env->host_specs[pd->node_host].memory_mib * (uint64_t)MIB_BYTES
                                        : 1);
    }
    return 0;
}

static const rec_column pod_columns[] = {
    {"name", REC_STR, NULL},
    {"group", REC_STR, NULL},
    {"kind", REC_STR, NULL},
    {"qos", REC_STR, NULL},
    {"node", REC_STR, NULL},
    {"placed", REC_I64, NULL},
    {"host", REC_I64, NULL},
    {"state", REC_STR, NULL},
    {"restarts", REC_I64, NULL},
    {"crashes", REC_I64, NULL},
    {"oom_kills", REC_I64, NULL},
    {"throttled_fraction", REC_F64, "1"},
    {"startup_latency_s", REC_F64, "s"},
    {"cpu_request_m", REC_I64, "millicores"},
    {"cpu_limit_m", REC_I64, "millicores"},
    {"memory_request_mib", REC_F64, "MiB"},
    {"memory_limit_mib", REC_F64, "MiB"},
};

int pods_declare_recording(pod_world *w, const model_env *env, recorder *rec)
{
    const rec_series_decl series[] = {
        {"pods_running", "1", &w->series_running},
        {"pods_cpu_usage_mhz", "MHz", &w->series_cpu_usage},
        {"pods_cpu_throttled_pct", "%", &w->series_throttled_pct},
        {"pod_oom_kills", "1", &w->series_oom_kills},
        {"pod_restarts", "1", &w->series_restarts},
    };
    const rec_kind_decl kinds[] = {
        {"pod_started", &w->log_started}, {"pod_oom_killed", &w->log_oom_killed}, {"pod_crashed", &w->log_crashed},
        {"pod_restarted", &w->log_restarted}, {"pod_failed", &w->log_failed},
    };
    if (rec_series_group(rec, "host", "hosts", (int)env->n_hosts, env->sample_period_ns, series, 5) != 0)
        return -1;
    return rec_event_kinds(rec, kinds, 5);
}

static void node_name(const model_env *env, const scenario *scn, const pod *pd, char *buf, size_t len)
{
    if (pd->node_vm >= 0) {
        const vm_spec *vs = model_vm_spec(env, pd->node_vm);
        snprintf(buf, len, "%s-%02" PRIu32, scn_string(scn, "vms.[%u].name", vs->group), vs->index_in_group + 1);
    } else if (pd->node_host >= 0) {
        const host_spec *hs = &env->host_specs[pd->node_host];
        snprintf(buf, len, "%s-%02" PRIu32, scn_string(scn, "hosts.[%u].name", hs->group), hs->index_in_group + 1);
    } else {
        snprintf(buf, len, "%s", "");
    }
}

int pods_write_table(const pod_world *w, const model_env *env, const scenario *scn, recorder *rec)
{
    int table = rec_table_new(rec, "pods", pod_columns, (int)(sizeof pod_columns / sizeof pod_columns[0]));
    if (table < 0)
        return -1;
    for (uint32_t p = 0; p < w->n_pods; p++) {
        const pod *pd = &w->pods[p];
        const pod_group *pg = &w->groups[pd->group];
        const char *group = scn_string(scn, "pods.[%u].name", pd->group);
        char name[300], node[300];
        snprintf(name, sizeof name, "%s-%02" PRIu32, group, pd->index_in_group + 1);
        node_name(env, scn, pd, node, sizeof node);
        rec_value row[] = {
            {.str = name},
            {.str = group},
            {.str = pod_kind_name(pg->kind)},
            {.str = qos_class_name(pg->qos)},
            {.str = node},
            {.i64 = pd->node_host >= 0 || pd->node_vm >= 0},
            {.i64 = pd->host},
            {.str = pod_state_name(pd->state)},
            {.i64 = pd->restarts},
            {.i64 = pd->crashes},
            {.i64 = pd->oom_kills},
            {.f64 = pd->periods > 0.0 ? pd->throttled_periods / pd->periods : NAN},
            {.f64 = pd->first_startup_ns >= 0 ? (double)pd->first_startup_ns / 1e9 : NAN},
            {.i64 = pg->cpu_request_m},
            {.i64 = pg->cpu_limit_m},
            {.f64 = (double)pg->mem_request / MIB_BYTES},
            {.f64 = (double)pg->mem_limit / MIB_BYTES},
        };
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    return 0;
}

void pods_free(pod_world *w)
{
    if (!w)
        return;
    uint32_t n_hosts = w->n_hosts;
    if (w->hosts)
        for (uint32_t i = 0; i < n_hosts; i++) {
            pod_host *ph = &w->hosts[i];
            free(ph->active);
            free(ph->ids);
            free(ph->cpu_demand);
            free(ph->mem_mib);
            free(ph->want);
            free(ph->weight);
            free(ph->share);
            free(ph->adj);
            free(ph->order);
            free(ph->victims);
            free(ph->dead);
            free(ph->runs);
        }
    free(w->hosts);
    for (uint32_t g = 0; g < w->n_groups && w->groups; g++) {
        dist_free(&w->groups[g].startup);
        dist_free(&w->groups[g].crash);
    }
    for (uint32_t i = 0; i < w->n_images; i++)
        free(w->image_names[i]);
    free(w->image_names);
    if (w->host_caches)
        for (uint32_t i = 0; i < n_hosts; i++)
            image_cache_free(&w->host_caches[i]);
    free(w->host_caches);
    if (w->vm_caches)
        for (uint32_t i = 0; i < w->n_vm_caches; i++)
            image_cache_free(&w->vm_caches[i]);
    free(w->vm_caches);
    free(w->groups);
    free(w->pods);
    free(w->vm_pod_first);
    free(w->vm_pods);
    free(w);
}

/* --- the module (models/core/module.h) ------------------------------------ */

static model_status pods_module_start(model_builder *b, void **world)
{
    pod_world *w = NULL;
    int rc = pods_build(b->scn, b->eng, b->env, &w, b->err, b->err_len);
    *world = w;
    if (rc == -2)
        return MODEL_BAD_INPUT;
    if (rc != 0)
        return model_runtime_error(b, "out of memory building the pods");
    for (uint32_t h = 0; w && h < b->env->n_hosts; h++)
        b->hosts[h].ext[b->host_slot] = &w->hosts[h];
    return MODEL_OK;
}

static int pods_module_declare(model_builder *b, void *world) { return pods_declare_recording(world, b->env, b->rec); }

static int pods_module_write(model_builder *b, void *world) { return pods_write_table(world, b->env, b->scn, b->rec); }

static void pods_module_free(model_builder *b, void *world)
{
    (void)b;
    pods_free(world);
}

const model_module pods_module = {
    .name = "pods",
    .start = pods_module_start,
    .declare_recording = pods_module_declare,
    .write_tables = pods_module_write,
    .free = pods_module_free,
    .host_hooks = &pods_host_hooks,
};
