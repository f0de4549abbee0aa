/* monitor_sampled.c - the monitors of clusters and services (see
 * monitor_sampled.h). */
#include "models/monitors/monitor_sampled.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_cluster.h"

/* The cluster series the monitors watch, in the order of cluster_atom. */
enum { CS_CAPACITY = 0, CS_HOSTS_UP, CS_IMBALANCE, N_CS };
static const char *const cluster_series_name[N_CS] = {"failover_capacity_hosts", "hosts_up", "imbalance"};
static const props_atom cluster_atom[N_CS] = {PA_CLUSTER_FAILOVER_CAPACITY, PA_CLUSTER_HOSTS_UP,
                                              PA_CLUSTER_IMBALANCE};

enum { SS_THROUGHPUT = 0, SS_P50, SS_P95, SS_P99, N_SS };
static const char *const service_series_name[N_SS] = {"throughput_rps", "latency_p50_ns", "latency_p95_ns",
                                                      "latency_p99_ns"};
static const props_atom service_atom[N_SS] = {PA_SERVICE_THROUGHPUT, PA_SERVICE_LATENCY_P50,
                                              PA_SERVICE_LATENCY_P95, PA_SERVICE_LATENCY_P99};

/* What the controller put at its current sample, per cluster. */
typedef struct cluster_stage {
    double v[N_CS];
    int64_t t[N_CS]; /* the time of that put, -1 none */
    double hosts_up; /* the last hosts_up value pushed (changes are disturbances) */
    int drs_enabled, threshold;
} cluster_stage;

typedef struct watch_arg {
    monitor_sampled *m;
    int which;
} watch_arg;

struct monitor_sampled {
    const scenario *scn;
    int explicit_clusters;
    pm_set cluster_set, service_set;
    pm_entity *clusters, *services;
    cluster_stage *stage;
    uint32_t n_clusters, n_services;
    int series_of_cluster[N_CS]; /* watched series ids, -1 when the run has none */
    watch_arg cluster_watch[N_CS], service_watch[N_SS];
};

static void push(pm_entity *e, const pm_set *s, props_atom a, int64_t t, double v)
{
    if (pm_push(e, s, a, t, v) != 0)
        abort(); /* out of memory inside a handler: nothing sane to do */
}

static void check(pm_entity *e, const pm_set *s, int64_t t)
{
    char err[256];
    if (pm_check(e, s, t, err, sizeof err) != 0)
        abort(); /* out of memory inside a handler */
}

/* The key of a setting of cluster k: its own, else the top-level one it
 * inherits (docs/clusters.md), as analysis/props_h5.c reads it. */
static const char *cluster_key(const monitor_sampled *m, uint32_t k, const char *field, char *key, size_t len)
{
    snprintf(key, len, "clusters.[%u].%s", k, field);
    if (m->explicit_clusters && scn_is_set(m->scn, "%s", key))
        return key;
    snprintf(key, len, "%s", field);
    return key;
}

static int init_clusters(monitor_sampled *m, const model_env *env, int64_t end_ns, const props_list *props)
{
    if (pm_set_init(&m->cluster_set, props, PK_CLUSTER, end_ns) != 0)
        return -1;
    m->n_clusters = m->cluster_set.n_props ? (env->n_clusters ? env->n_clusters : 1) : 0;
    m->clusters = calloc(m->n_clusters ? m->n_clusters : 1, sizeof *m->clusters);
    m->stage = calloc(m->n_clusters ? m->n_clusters : 1, sizeof *m->stage);
    if (!m->clusters || !m->stage)
        return -1;
    for (uint32_t k = 0; k < m->n_clusters; k++) {
        uint32_t hosts = 0;
        for (uint32_t h = 0; h < env->n_hosts; h++)
            hosts += (env->host_cluster ? env->host_cluster[h] : 0u) == k;
        char key[80];
        int ha = scn_bool(m->scn, "%s", cluster_key(m, k, "ha.enabled", key, sizeof key));
        int admission =
            strcmp(scn_string(m->scn, "%s", cluster_key(m, k, "ha.admission_control", key, sizeof key)), "disabled") != 0;
        double level = ha && admission ? (double)scn_int(m->scn, "%s", cluster_key(m, k, "ha.failover_level", key, sizeof key))
                                       : 0;
        cluster_stage *st = &m->stage[k];
        st->drs_enabled = scn_bool(m->scn, "%s", cluster_key(m, k, "drs.enabled", key, sizeof key));
        st->threshold = (int)scn_int(m->scn, "%s", cluster_key(m, k, "drs.threshold", key, sizeof key));
        for (int i = 0; i < N_CS; i++) {
            st->v[i] = NAN;
            st->t[i] = -1;
        }
        double init[PA_COUNT];
        for (int a = 0; a < PA_COUNT; a++)
            init[a] = NAN;
        init[PA_CLUSTER_HOSTS] = (double)hosts;
        init[PA_CLUSTER_FAILOVER_LEVEL] = level;
        /* without a hosts_up series (a run without failure keys) every host
         * is up throughout (set again in declare, once the series are known) */
        init[PA_CLUSTER_HOSTS_UP] = (double)hosts;
        init[PA_CLUSTER_IMBALANCE_TARGET] = props_cluster_target_of(hosts, st->threshold);
        init[PA_CLUSTER_HOSTS_CHANGED] = 0;
        st->hosts_up = (double)hosts;
        if (pm_entity_init(&m->clusters[k], &m->cluster_set, "", init) != 0)
            return -1;
    }
    return 0;
}

static int init_services(monitor_sampled *m, int64_t end_ns, const props_list *props)
{
    if (pm_set_init(&m->service_set, props, PK_SERVICE, end_ns) != 0)
        return -1;
    m->n_services = m->service_set.n_props ? (uint32_t)scn_list_len(m->scn, "services") : 0;
    m->services = calloc(m->n_services ? m->n_services : 1, sizeof *m->services);
    if (!m->services)
        return -1;
    double init[PA_COUNT];
    for (int a = 0; a < PA_COUNT; a++)
        init[a] = NAN; /* every service atom is a series: no value before the first sample */
    for (uint32_t k = 0; k < m->n_services; k++)
        if (pm_entity_init(&m->services[k], &m->service_set, "", init) != 0)
            return -1;
    return 0;
}

int monitor_sampled_new(monitor_sampled **out, const props_list *props, const scenario *scn, const model_env *env,
                        int64_t end_ns, int64_t check_span_ns)
{
    *out = NULL;
    int any = 0;
    for (int i = 0; i < props->n; i++) {
        const props_node *f = props->items[i].ast;
        any |= f->type == PN_FORALL && (f->kind == PK_CLUSTER || f->kind == PK_SERVICE);
    }
    if (!any)
        return 0;
    monitor_sampled *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    m->scn = scn;
    m->explicit_clusters = scn_list_len(scn, "clusters") > 0;
    for (int i = 0; i < N_CS; i++)
        m->series_of_cluster[i] = -1;
    if (init_clusters(m, env, end_ns, props) != 0 || init_services(m, end_ns, props) != 0) {
        monitor_sampled_free(m);
        return -1;
    }
    m->cluster_set.check_span_ns = m->service_set.check_span_ns = check_span_ns;
    *out = m;
    return 0;
}

/* A cluster series put by the controller of cluster `entity`: staged until
 * the monitors' sample hook of the same sample. */
static void on_cluster_put(void *arg, sim_time_ns t, int entity, double v)
{
    const watch_arg *w = arg;
    monitor_sampled *m = w->m;
    uint32_t k = m->explicit_clusters && m->n_clusters > 1 ? (uint32_t)entity : 0u;
    if (k >= m->n_clusters)
        return;
    m->stage[k].v[w->which] = v;
    m->stage[k].t[w->which] = t;
}

static void on_service_put(void *arg, sim_time_ns t, int entity, double v)
{
    const watch_arg *w = arg;
    monitor_sampled *m = w->m;
    if (entity < 0 || (uint32_t)entity >= m->n_services)
        return;
    pm_entity *e = &m->services[entity];
    if (w->which == SS_THROUGHPUT) {
        /* a new sample: the latencies are NaN unless put at it too */
        for (int i = SS_P50; i < N_SS; i++)
            push(e, &m->service_set, service_atom[i], t, NAN);
        push(e, &m->service_set, PA_SERVICE_THROUGHPUT, t, v);
        check(e, &m->service_set, t);
    } else {
        push(e, &m->service_set, service_atom[w->which], t, v);
    }
}

int monitor_sampled_declare(monitor_sampled *m, recorder *rec)
{
    /* the controller's series: /series/clusters/... with more than one
     * cluster, /series/cluster/... with one (models/core/cluster.c); the
     * checker looks under /series/clusters whenever /tables/clusters exists */
    const char *group = m->explicit_clusters ? "clusters" : "cluster";
    for (int i = 0; m->n_clusters > 0 && i < N_CS; i++) {
        int id = rec_series_find(rec, group, cluster_series_name[i]);
        m->series_of_cluster[i] = id;
        m->cluster_watch[i] = (watch_arg){m, i};
        if (id >= 0 && rec_series_watch(rec, id, on_cluster_put, &m->cluster_watch[i]) != 0)
            return -1;
    }
    if (m->n_clusters > 0 && m->series_of_cluster[CS_HOSTS_UP] >= 0)
        for (uint32_t k = 0; k < m->n_clusters; k++) { /* a series: no value before its first sample */
            m->stage[k].hosts_up = NAN;
            push(&m->clusters[k], &m->cluster_set, PA_CLUSTER_HOSTS_UP, 0, NAN);
            push(&m->clusters[k], &m->cluster_set, PA_CLUSTER_IMBALANCE_TARGET, 0, NAN);
        }
    for (int i = 0; m->n_services > 0 && i < N_SS; i++) {
        int id = rec_series_find(rec, "service", service_series_name[i]);
        m->service_watch[i] = (watch_arg){m, i};
        if (id >= 0 && rec_series_watch(rec, id, on_service_put, &m->service_watch[i]) != 0)
            return -1;
    }
    return 0;
}

void monitor_sampled_cluster_sample(monitor_sampled *m, sim_time_ns now, const cluster *c)
{
    uint32_t k = m->n_clusters > 1 ? c->index : 0u;
    if (k >= m->n_clusters)
        return;
    pm_entity *e = &m->clusters[k];
    const pm_set *s = &m->cluster_set;
    cluster_stage *st = &m->stage[k];
    for (int i = 0; i < N_CS; i++) {
        if (m->series_of_cluster[i] < 0)
            continue; /* no such series: the constant set at the start */
        double v = st->t[i] == now ? st->v[i] : NAN; /* a cell not put is NaN */
        push(e, s, cluster_atom[i], now, v);
        if (i != CS_HOSTS_UP)
            continue;
        push(e, s, PA_CLUSTER_IMBALANCE_TARGET, now, props_cluster_target_of(v, st->threshold));
        int same = v == st->hosts_up || (isnan(v) && isnan(st->hosts_up));
        if (!same && st->drs_enabled && props_cluster_is_change(st->hosts_up, v)) {
            /* a disturbance lasts 1 ns (analysis/props_cluster.h) */
            push(e, s, PA_CLUSTER_HOSTS_CHANGED, now, 1);
            push(e, s, PA_CLUSTER_HOSTS_CHANGED, now + 1, 0);
        }
        st->hosts_up = v;
    }
    check(e, s, now);
}

int monitor_sampled_finish(monitor_sampled *m, char *err, size_t err_len)
{
    for (uint32_t k = 0; k < m->n_clusters; k++)
        if (pm_finish(&m->clusters[k], &m->cluster_set, err, err_len) != 0)
            return -1;
    for (uint32_t k = 0; k < m->n_services; k++)
        if (pm_finish(&m->services[k], &m->service_set, err, err_len) != 0)
            return -1;
    return 0;
}

const pm_set *monitor_sampled_set(const monitor_sampled *m, props_kind kind)
{
    return !m ? NULL : kind == PK_CLUSTER ? &m->cluster_set : kind == PK_SERVICE ? &m->service_set : NULL;
}

pm_entity *monitor_sampled_entities(const monitor_sampled *m, props_kind kind, uint32_t *n)
{
    *n = !m ? 0 : kind == PK_CLUSTER ? m->n_clusters : kind == PK_SERVICE ? m->n_services : 0;
    return !m ? NULL : kind == PK_CLUSTER ? m->clusters : kind == PK_SERVICE ? m->services : NULL;
}

void monitor_sampled_name(const monitor_sampled *m, props_kind kind, uint32_t i, char *buf, size_t len)
{
    if (kind == PK_SERVICE)
        snprintf(buf, len, "%s", scn_string(m->scn, "services.[%u].name", i));
    else if (m->explicit_clusters)
        snprintf(buf, len, "%s", scn_string(m->scn, "clusters.[%u].name", i));
    else
        snprintf(buf, len, "cluster");
}

void monitor_sampled_free(monitor_sampled *m)
{
    if (!m)
        return;
    for (uint32_t k = 0; m->clusters && k < m->n_clusters; k++)
        pm_entity_free(&m->clusters[k], &m->cluster_set);
    for (uint32_t k = 0; m->services && k < m->n_services; k++)
        pm_entity_free(&m->services[k], &m->service_set);
    free(m->clusters);
    free(m->services);
    free(m->stage);
    pm_set_free(&m->cluster_set);
    pm_set_free(&m->service_set);
    free(m);
}
