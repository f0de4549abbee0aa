/* monitor_joined.c - vmotion.active joined with VM states and series, checked
 * at the end of the run (see monitor_joined.h). */
#include "models/monitors/monitor_joined.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_eval.h"
#include "analysis/props_lifecycle.h"
#include "models/core/core_build.h"

/* The atoms a host LP pushes for a VM (monitor_module.c), in slot order. */
static const props_atom host_side[] = {PA_VM_RUNNING,     PA_VM_FAILED,     PA_VM_POWER_STATE, PA_VM_POWER_STATE_BEFORE,
                                       PA_VM_CPU_READY,   PA_VM_CPU_DEMAND, PA_VM_CPU_ENTITLEMENT};
enum { N_HOST_SIDE = sizeof host_side / sizeof host_side[0] };

struct monitor_joined {
    const scenario *scn;
    const model_env *env;
    const props_list *props;
    int64_t end_ns;
    int slot_of[PA_COUNT]; /* -1: no joined property names the atom */
    int n_slots;
    props_atom slot_atom[N_HOST_SIDE];
    uint8_t *in_range; /* per VM: some joined property ranges over it */
    ps_signal *sig;    /* per VM, n_slots each (VMs out of range: empty) */
};

int monitor_joined_supports(const props_node *f)
{
    return f->type == PN_FORALL && f->kind == PK_VM && props_uses_atom(f, PA_VM_MIGRATING) &&
           !monitor_vmotion_supports(f);
}

static const char *vm_group(const monitor_joined *j, uint32_t v)
{
    return scn_string(j->scn, "vms.[%u].name", j->env->vm_specs[v].group);
}

/* Whether VM v is in the range of a joined property (`in group` or all). */
static int vm_in_range(const monitor_joined *j, uint32_t v)
{
    for (int i = 0; i < j->props->n; i++) {
        const props_node *f = j->props->items[i].ast;
        if (!monitor_joined_supports(f))
            continue;
        if (!f->group[0])
            return 1;
        const char *g = vm_group(j, v);
        if (g && strcmp(g, f->group) == 0)
            return 1;
    }
    return 0;
}

/* Each slot's value at 0, as verify's signals start (props_h5.c): states
 * false, the power state poweredOff with no state before, series missing. */
static double initial_value(props_atom a)
{
    props_lifecycle l;
    props_vm_power_init(&l);
    if (a == PA_VM_POWER_STATE)
        return l.state;
    if (a == PA_VM_POWER_STATE_BEFORE)
        return l.before;
    return props_atom_get(a)->is_state ? 0.0 : NAN;
}

int monitor_joined_new(monitor_joined **out, const props_list *props, const scenario *scn, const model_env *env,
                       int64_t end_ns)
{
    *out = NULL;
    int any = 0;
    for (int i = 0; i < props->n; i++)
        any |= monitor_joined_supports(props->items[i].ast);
    if (!any)
        return 0;
    monitor_joined *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    j->scn = scn;
    j->env = env;
    j->props = props;
    j->end_ns = end_ns;
    for (int a = 0; a < PA_COUNT; a++)
        j->slot_of[a] = -1;
    for (int k = 0; k < N_HOST_SIDE; k++)
        for (int i = 0; i < props->n; i++)
            if (monitor_joined_supports(props->items[i].ast) && props_uses_atom(props->items[i].ast, host_side[k])) {
                j->slot_of[host_side[k]] = j->n_slots;
                j->slot_atom[j->n_slots++] = host_side[k];
                break;
            }
    size_t n_vms = env->n_vms ? env->n_vms : 1;
    if (j->n_slots > 0 && n_vms > SIZE_MAX / sizeof(ps_signal) / (size_t)j->n_slots) {
        free(j);
        return -1;
    }
    j->in_range = calloc(n_vms, 1);
    j->sig = calloc(n_vms * (size_t)(j->n_slots ? j->n_slots : 1), sizeof *j->sig);
    if (!j->in_range || !j->sig) {
        monitor_joined_free(j);
        return -1;
    }
    for (uint32_t v = 0; v < env->n_vms; v++) {
        j->in_range[v] = (uint8_t)vm_in_range(j, v);
        for (int k = 0; j->in_range[v] && k < j->n_slots; k++) {
            ps_signal *s = &j->sig[(size_t)v * (size_t)j->n_slots + (size_t)k];
            ps_init(s, end_ns);
            if (ps_push(s, 0, initial_value(j->slot_atom[k])) != 0) {
                monitor_joined_free(j);
                return -1;
            }
        }
    }
    *out = j;
    return 0;
}

void monitor_joined_push(monitor_joined *j, uint32_t vm_id, int64_t t, int n, const props_atom *atoms, const double *v)
{
    if (!j || vm_id >= j->env->n_vms || !j->in_range[vm_id] || t >= j->end_ns)
        return;
    for (int k = 0; k < n; k++) {
        int slot = j->slot_of[atoms[k]];
        if (slot < 0)
            continue;
        ps_signal *s = &j->sig[(size_t)vm_id * (size_t)j->n_slots + (size_t)slot];
        if (s->n && t < s->seg[s->n - 1].t)
            continue; /* out of time order: ignored, as the online monitors ignore it */
        if (ps_push(s, t, v[k]) != 0)
            abort(); /* out of memory inside a handler */
    }
}

int monitor_joined_owns(const monitor_joined *j, int prop)
{
    return j && prop >= 0 && prop < j->props->n && monitor_joined_supports(j->props->items[prop].ast);
}

/* The run as a props_source: what verify reads from the file, from memory. */
typedef struct joined_source {
    const monitor_joined *j;
    const monitor_vmotion *mv;
} joined_source;

static long src_count(void *ctx, props_kind kind, char *err, size_t err_len)
{
    const joined_source *js = ctx;
    if (kind != PK_VM) {
        snprintf(err, err_len, "internal: a joined property over another kind than vm");
        return -1;
    }
    return (long)js->j->env->n_vms;
}

static int src_describe(void *ctx, props_kind kind, size_t row, char *name, size_t name_len, char *group,
                        size_t group_len, char *err, size_t err_len)
{
    (void)kind;
    (void)err;
    (void)err_len;
    const joined_source *js = ctx;
    const vm_spec *vs = &js->j->env->vm_specs[row];
    const char *g = vm_group(js->j, (uint32_t)row);
    core_entity_name(name, name_len, g, vs->index_in_group);
    snprintf(group, group_len, "%s", g ? g : "");
    return 0;
}

static int copy_signal(const ps_signal *from, ps_signal *out)
{
    for (size_t i = 0; i < from->n; i++)
        if (ps_push(out, from->seg[i].t, from->seg[i].v) != 0)
            return -1;
    return 0;
}

static int src_signal(void *ctx, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    const joined_source *js = ctx;
    const monitor_joined *j = js->j;
    ps_init(out, j->end_ns);
    const vm_spec *vs = &j->env->vm_specs[row];
    int rc;
    if (a == PA_VM_MIGRATING) {
        const ps_signal *s = monitor_vmotion_signal(js->mv, (uint32_t)row);
        rc = s ? copy_signal(s, out) : ps_push(out, 0, 0);
    } else if (a == PA_VM_CPU_LIMIT) {
        rc = ps_push(out, 0, vm_spec_res(vs)->cpu_limit_mhz);
    } else if (a == PA_VM_CPU_RESERVATION) {
        rc = ps_push(out, 0, vm_spec_res(vs)->cpu_reservation_mhz);
    } else if (j->slot_of[a] >= 0 && j->in_range[row]) {
        rc = copy_signal(&j->sig[row * (size_t)j->n_slots + (size_t)j->slot_of[a]], out);
    } else {
        snprintf(err, err_len, "internal: %s not kept for the joined properties", props_atom_get(a)->name);
        return -1;
    }
    if (rc != 0)
        snprintf(err, err_len, "out of memory");
    return rc;
}

typedef struct joined_rows {
    recorder *rec;
    int table;
    const char *name;
    int failed;
} joined_rows;

static void joined_row(void *arg, const props_violation *v)
{
    joined_rows *u = arg;
    rec_value row[] = {{.i64 = v->time_ns}, {.str = u->name}, {.str = v->entity}, {.str = v->witness},
                       {.i64 = v->obligation_ns}};
    if (rec_table_row(u->rec, u->table, row) != 0)
        u->failed = 1;
}

int monitor_joined_write(const monitor_joined *j, const monitor_vmotion *mv, recorder *rec, int tv, int tp,
                         int prop, char *err, size_t err_len)
{
    const props_entry *pe = &j->props->items[prop];
    joined_source js = {j, mv};
    props_source src = {.ctx = &js, .end_ns = j->end_ns, .count = src_count, .describe = src_describe,
                        .signal = src_signal};
    props_result res;
    joined_rows u = {rec, tv, pe->name, 0};
    if (props_evaluate_each(pe->ast, &src, &res, joined_row, &u, err, err_len) != 0)
        return -1;
    if (u.failed) {
        snprintf(err, err_len, "cannot write /tables/violations");
        return -1;
    }
    rec_value row[] = {{.str = pe->name}, {.str = pe->formula}, {.i64 = res.entities}, {.i64 = res.violations},
                       {.i64 = res.pending}};
    return rec_table_row(rec, tp, row);
}

void monitor_joined_free(monitor_joined *j)
{
    if (!j)
        return;
    for (size_t i = 0; j->sig && j->in_range && i < j->env->n_vms; i++)
        for (int k = 0; k < j->n_slots; k++)
            ps_free(&j->sig[i * (size_t)j->n_slots + (size_t)k]);
    free(j->sig);
    free(j->in_range);
    free(j);
}
