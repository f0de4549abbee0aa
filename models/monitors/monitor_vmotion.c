/* monitor_vmotion.c - vmotion.active in the controller LPs (see monitor_vmotion.h). */
#include "models/monitors/monitor_vmotion.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/core/core_build.h"
#include "models/monitors/monitor_rows.h"

enum { W_STARTED = 0, W_DONE, W_ABORTED, N_WATCH };
static const char *const watch_kind[N_WATCH] = {"vmotion_started", "vmotion_done", "vmotion_aborted"};

typedef struct watch_arg {
    struct monitor_vmotion *m;
    int which;
} watch_arg;

struct monitor_vmotion {
    const scenario *scn;
    const model_env *env;
    props_list sub;  /* the properties monitored here (entries shared with the caller's list) */
    int *index_of;   /* per entry of sub: its index in the caller's list */
    pm_set set;
    pm_entity *vms;          /* NULL when no property is monitored here (only the signals kept) */
    int64_t *open_start_ns; /* per VM: the start of its migration in flight, -1 none */
    ps_signal *active;      /* per VM: vmotion.active as verify sees it (NULL: not kept) */
    int64_t end_ns;
    uint32_t n_clusters;
    uint32_t *first_of_cluster; /* n_clusters + 1: the VMs of cluster k are vm_of_cluster[first[k] .. first[k+1]) */
    uint32_t *vm_of_cluster;
    watch_arg watch[N_WATCH];
};

int monitor_vmotion_supports(const props_node *f)
{
    if (f->type != PN_FORALL || f->kind != PK_VM || !props_uses_atom(f, PA_VM_MIGRATING))
        return 0;
    for (int a = 0; a < PA_COUNT; a++) {
        if (a == PA_VM_MIGRATING || a == PA_VM_CPU_LIMIT || a == PA_VM_CPU_RESERVATION)
            continue;
        if (props_atom_get((props_atom)a)->kind == PK_VM && props_uses_atom(f, (props_atom)a))
            return 0;
    }
    return 1;
}

static uint32_t cluster_of(const model_env *env, uint32_t v) { return env->vm_cluster ? env->vm_cluster[v] : 0u; }

/* Each controller's VMs, so that a sample touches only its own. */
static int index_clusters(monitor_vmotion *m)
{
    const model_env *env = m->env;
    m->n_clusters = env->n_clusters ? env->n_clusters : 1;
    for (uint32_t v = 0; v < env->n_vms; v++)
        if (cluster_of(env, v) >= m->n_clusters)
            m->n_clusters = cluster_of(env, v) + 1;
    m->first_of_cluster = calloc((size_t)m->n_clusters + 1, sizeof *m->first_of_cluster);
    m->vm_of_cluster = malloc((env->n_vms ? env->n_vms : 1) * sizeof *m->vm_of_cluster);
    uint32_t *fill = calloc((size_t)m->n_clusters + 1, sizeof *fill);
    if (!m->first_of_cluster || !m->vm_of_cluster || !fill) {
        free(fill);
        return -1;
    }
    for (uint32_t v = 0; v < env->n_vms; v++)
        m->first_of_cluster[cluster_of(env, v) + 1]++;
    for (uint32_t k = 0; k < m->n_clusters; k++)
        m->first_of_cluster[k + 1] += m->first_of_cluster[k];
    for (uint32_t v = 0; v < env->n_vms; v++) {
        uint32_t k = cluster_of(env, v);
        m->vm_of_cluster[m->first_of_cluster[k] + fill[k]++] = v;
    }
    free(fill);
    return 0;
}

/* Each VM's vmotion.active from 0: false until its first migration. */
static int keep_signals(monitor_vmotion *m)
{
    size_t n = m->env->n_vms ? m->env->n_vms : 1;
    m->active = calloc(n, sizeof *m->active);
    if (!m->active)
        return -1;
    for (uint32_t v = 0; v < m->env->n_vms; v++) {
        ps_init(&m->active[v], m->end_ns);
        if (ps_push(&m->active[v], 0, 0) != 0)
            return -1;
    }
    return 0;
}

int monitor_vmotion_new(monitor_vmotion **out, const props_list *props, const scenario *scn, const model_env *env,
                        int64_t end_ns, int keep)
{
    *out = NULL;
    int n = 0;
    for (int i = 0; i < props->n; i++)
        n += monitor_vmotion_supports(props->items[i].ast);
    if (n == 0 && !keep)
        return 0;
    monitor_vmotion *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    m->scn = scn;
    m->env = env;
    m->end_ns = end_ns;
    m->sub.items = calloc((size_t)(n ? n : 1), sizeof *m->sub.items);
    m->index_of = calloc((size_t)(n ? n : 1), sizeof *m->index_of);
    m->vms = n ? calloc(env->n_vms ? env->n_vms : 1, sizeof *m->vms) : NULL;
    m->open_start_ns = malloc((env->n_vms ? env->n_vms : 1) * sizeof *m->open_start_ns);
    if (!m->sub.items || !m->index_of || (n && !m->vms) || !m->open_start_ns || (keep && keep_signals(m) != 0)) {
        monitor_vmotion_free(m);
        return -1;
    }
    for (int i = 0; i < props->n; i++)
        if (monitor_vmotion_supports(props->items[i].ast)) {
            m->index_of[m->sub.n] = i;
            m->sub.items[m->sub.n++] = props->items[i];
        }
    if (index_clusters(m) != 0 || pm_set_init(&m->set, &m->sub, PK_VM, end_ns) != 0) {
        monitor_vmotion_free(m);
        return -1;
    }
    double init[PA_COUNT];
    for (int a = 0; a < PA_COUNT; a++)
        init[a] = NAN;
    init[PA_VM_MIGRATING] = 0; /* not migrating before a migration, as offline */
    for (uint32_t v = 0; v < env->n_vms; v++) {
        const vm_spec *vs = model_vm_spec(env, v);
        init[PA_VM_CPU_LIMIT] = vm_spec_res(vs)->cpu_limit_mhz;
        init[PA_VM_CPU_RESERVATION] = vm_spec_res(vs)->cpu_reservation_mhz;
        m->open_start_ns[v] = -1;
        if (m->vms && pm_entity_init(&m->vms[v], &m->set, scn_string(scn, "vms.[%u].name", vs->group), init) != 0) {
            monitor_vmotion_free(m);
            return -1;
        }
    }
    *out = m;
    return 0;
}

/* [start, done) appended as props_h5.c's vmotion_signal appends a row of
 * /tables/vmotions (a start before what is kept is left out, as there). */
static int keep_interval(ps_signal *s, int64_t start, int64_t done, int64_t end_ns)
{
    if (start >= end_ns || (s->n && start < s->seg[s->n - 1].t))
        return 0;
    if (ps_push(s, start, 1) != 0)
        return -1;
    return done < end_ns ? ps_push(s, done, 0) : 0;
}

static void on_vmotion(void *arg, sim_time_ns t, int64_t subject, int64_t a, int64_t b, double value)
{
    (void)a;
    (void)b;
    (void)value;
    const watch_arg *w = arg;
    monitor_vmotion *m = w->m;
    if (subject < 0 || (uint64_t)subject >= m->env->n_vms)
        return;
    int64_t *open = &m->open_start_ns[subject];
    if (w->which == W_STARTED) {
        *open = t;
        return;
    }
    if (*open < 0)
        return; /* an abort after the switch-over (the VM was gone): its interval counts, as offline */
    if (w->which == W_DONE) {
        if (m->vms) {
            pm_entity *e = &m->vms[subject];
            if (pm_push(e, &m->set, PA_VM_MIGRATING, *open, 1) != 0 || pm_push(e, &m->set, PA_VM_MIGRATING, t, 0) != 0)
                abort(); /* out of memory inside a handler */
        }
        if (m->active && keep_interval(&m->active[subject], *open, t, m->end_ns) != 0)
            abort(); /* out of memory inside a handler */
    }
    *open = -1;
}

int monitor_vmotion_declare(monitor_vmotion *m, recorder *rec)
{
    for (int i = 0; i < N_WATCH; i++) {
        int kind = rec_event_kind_find(rec, watch_kind[i]);
        m->watch[i] = (watch_arg){m, i};
        if (kind >= 0 && rec_event_watch(rec, kind, on_vmotion, &m->watch[i]) != 0)
            return -1;
    }
    return 0;
}

void monitor_vmotion_sample(monitor_vmotion *m, int64_t now, uint32_t cluster_index)
{
    char err[256];
    if (!m || !m->vms || cluster_index >= m->n_clusters)
        return;
    for (uint32_t i = m->first_of_cluster[cluster_index]; i < m->first_of_cluster[cluster_index + 1]; i++) {
        uint32_t v = m->vm_of_cluster[i];
        int64_t upto = m->open_start_ns[v] >= 0 && m->open_start_ns[v] < now ? m->open_start_ns[v] : now;
        if (pm_check(&m->vms[v], &m->set, upto, err, sizeof err) != 0)
            abort(); /* out of memory inside a handler */
    }
}

int monitor_vmotion_finish(monitor_vmotion *m, char *err, size_t err_len)
{
    for (uint32_t v = 0; m && m->vms && v < m->env->n_vms; v++)
        if (pm_finish(&m->vms[v], &m->set, err, err_len) != 0)
            return -1;
    return 0;
}

int monitor_vmotion_owns(const monitor_vmotion *m, int prop)
{
    for (int k = 0; m && k < m->sub.n; k++)
        if (m->index_of[k] == prop)
            return 1;
    return 0;
}

const ps_signal *monitor_vmotion_signal(const monitor_vmotion *m, uint32_t vm_id)
{
    return m && m->active && vm_id < m->env->n_vms ? &m->active[vm_id] : NULL;
}

int monitor_vmotion_write(const monitor_vmotion *m, recorder *rec, int tv, int prop, const char *prop_name,
                          long *entities, long *violations, long *pending)
{
    int k = 0; /* its index in the set (pm_set_init keeps the list's order) */
    while (k < m->set.n_props && m->index_of[m->set.prop[k]] != prop)
        k++;
    if (k == m->set.n_props)
        return 0;
    for (uint32_t v = 0; v < m->env->n_vms; v++) {
        const pm_prop *pp = &m->vms[v].prop[k];
        if (pp->done == 2)
            continue; /* another group than the property's */
        ++*entities;
        *violations += pp->violations;
        *pending += pp->pending;
        if (pp->n_v == 0)
            continue;
        const vm_spec *vs = model_vm_spec(m->env, v);
        char name[300];
        core_entity_name(name, sizeof name, scn_string(m->scn, "vms.[%u].name", vs->group), vs->index_in_group);
        if (monitor_write_violation_rows(rec, tv, pp, prop_name, name, NULL, NULL) != 0)
            return -1;
    }
    return 0;
}

void monitor_vmotion_free(monitor_vmotion *m)
{
    if (!m)
        return;
    for (uint32_t v = 0; m->vms && m->set.list && v < m->env->n_vms; v++)
        pm_entity_free(&m->vms[v], &m->set);
    pm_set_free(&m->set);
    free(m->vms);
    for (uint32_t v = 0; m->active && v < m->env->n_vms; v++)
        ps_free(&m->active[v]);
    free(m->active);
    free(m->open_start_ns);
    free(m->first_of_cluster);
    free(m->vm_of_cluster);
    free(m->sub.items);
    free(m->index_of);
    free(m);
}
