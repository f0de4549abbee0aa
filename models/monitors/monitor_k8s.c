/* monitor_k8s.c - the monitors of the control plane's pods (see monitor_k8s.h). */
#include "models/monitors/monitor_k8s.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/props_lifecycle.h"
#include "models/monitors/monitor_rows.h"

static const props_atom pod_atoms[] = {PA_POD_PENDING, PA_POD_RUNNING, PA_POD_PHASE, PA_POD_PHASE_BEFORE};
enum { N_POD_ATOMS = (int)(sizeof pod_atoms / sizeof pod_atoms[0]) };

struct monitor_k8s {
    const scenario *scn;
    pm_set set;
    pm_entity *pods;
    props_k8s_pod *state;
    uint32_t *workload;
    uint32_t n, cap;
    uint32_t n_deployments, n_workloads;
};

static const char *workload_name(const monitor_k8s *m, uint32_t w)
{
    return w < m->n_deployments ? scn_string(m->scn, "kubernetes.deployments.[%u].name", w)
                                : scn_string(m->scn, "kubernetes.jobs.[%u].name", w - m->n_deployments);
}

int monitor_k8s_new(monitor_k8s **out, const props_list *props, const scenario *scn, int64_t end_ns)
{
    *out = NULL;
    int n_dep = scn_list_len(scn, "kubernetes.deployments"), n_job = scn_list_len(scn, "kubernetes.jobs");
    if (n_dep + n_job == 0 || scn_list_len(scn, "kubernetes.node_groups") == 0)
        return 0;
    monitor_k8s *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    m->scn = scn;
    m->n_deployments = (uint32_t)n_dep;
    m->n_workloads = (uint32_t)(n_dep + n_job);
    if (pm_set_init(&m->set, props, PK_POD, end_ns) != 0) {
        free(m);
        return -1;
    }
    if (m->set.n_props == 0) {
        monitor_k8s_free(m);
        return 0;
    }
    *out = m;
    return 0;
}

/* Pod `id` is created: its monitor, with every pod's values before its creation. */
static void add_pod(monitor_k8s *m, uint32_t workload)
{
    if (m->n == m->cap) {
        uint32_t cap = m->cap ? 2 * m->cap : 64;
        pm_entity *p = realloc(m->pods, cap * sizeof *p);
        if (p)
            m->pods = p;
        props_k8s_pod *s = realloc(m->state, cap * sizeof *s);
        if (s)
            m->state = s;
        uint32_t *w = realloc(m->workload, cap * sizeof *w);
        if (w)
            m->workload = w;
        if (!p || !s || !w)
            abort(); /* out of memory inside a handler */
        m->cap = cap;
    }
    props_k8s_pod *st = &m->state[m->n];
    props_k8s_pod_init(st);
    double init[PA_COUNT];
    for (int a = 0; a < PA_COUNT; a++)
        init[a] = NAN;
    for (int i = 0; i < N_POD_ATOMS; i++)
        init[pod_atoms[i]] = props_k8s_pod_value(st, pod_atoms[i]);
    m->workload[m->n] = workload;
    if (pm_entity_init(&m->pods[m->n], &m->set, workload_name(m, workload), init) != 0)
        abort();
    m->n++;
}

static void on_phase(void *arg, sim_time_ns t, int64_t subject, int64_t a, int64_t b, double value)
{
    (void)value;
    monitor_k8s *m = arg;
    if (subject == (int64_t)m->n && b >= 0 && b < (int64_t)m->n_workloads)
        add_pod(m, (uint32_t)b);
    if (subject < 0 || subject >= (int64_t)m->n)
        return; /* not a pod the records created: cannot happen */
    props_k8s_pod *st = &m->state[subject];
    pm_entity *e = &m->pods[subject];
    props_k8s_pod_record(st, (int)a);
    for (int i = 0; i < N_POD_ATOMS; i++)
        if (pm_push(e, &m->set, pod_atoms[i], t, props_k8s_pod_value(st, pod_atoms[i])) != 0)
            abort();
    char err[256];
    if (pm_check(e, &m->set, t, err, sizeof err) != 0) /* no samples: decide at its records */
        abort();
}

int monitor_k8s_declare(monitor_k8s *m, recorder *rec)
{
    int kind = rec_event_kind_find(rec, "k8s_pod_phase");
    return kind < 0 ? 0 : rec_event_watch(rec, kind, on_phase, m);
}

int monitor_k8s_finish(monitor_k8s *m, char *err, size_t err_len)
{
    for (uint32_t i = 0; m && i < m->n; i++)
        if (pm_finish(&m->pods[i], &m->set, err, err_len) != 0)
            return -1;
    return 0;
}

int monitor_k8s_write(const monitor_k8s *m, recorder *rec, int tv, int prop, const char *prop_name, long *entities,
                      long *violations, long *pending)
{
    if (!m)
        return 0;
    int k = 0;
    while (k < m->set.n_props && m->set.prop[k] != prop)
        k++;
    if (k == m->set.n_props)
        return 0;
    for (uint32_t i = 0; i < m->n; i++) {
        const pm_prop *pp = &m->pods[i].prop[k];
        if (pp->done == 2)
            continue; /* another workload than the property's */
        ++*entities;
        *violations += pp->violations;
        *pending += pp->pending;
        char name[300];
        snprintf(name, sizeof name, "k8s/%s-%u", workload_name(m, m->workload[i]), i);
        if (monitor_write_violation_rows(rec, tv, pp, prop_name, name, NULL, NULL) != 0)
            return -1;
    }
    return 0;
}

void monitor_k8s_free(monitor_k8s *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; i < m->n; i++)
        pm_entity_free(&m->pods[i], &m->set);
    free(m->pods);
    free(m->state);
    free(m->workload);
    pm_set_free(&m->set);
    free(m);
}
