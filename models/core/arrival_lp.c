/* arrival_lp.c - the arrival LP of a VM group (see arrival_lp.h). */
#include "models/core/arrival_lp.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cluster.h"
#include "models/core/model_env.h"
#include "models/core/module.h"
#include "models/workload/workload.h"

enum { GEN_STREAM_ARRIVALS = 1 };

static void gen_log(sim_ctx *ctx, workload_gen *w, int kind, int64_t subject, int64_t a)
{
    const model_env *env = w->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++w->log_seq, kind, subject, a, 0, 0.0);
}

enum { GEN_DRAW_FIRST = 0, GEN_ARRIVAL = 1, GEN_EXHAUSTED = 2 };

static void schedule_next(sim_ctx *ctx, workload_gen *w)
{
    const workload_group *wg = &w->env->groups[w->group];
    workload_arrival_msg m = {.is_arrival = GEN_ARRIVAL};
    sim_time_ns t = arrival_time(&wg->arrival, w->arrived, w->last_ns, sim_rng(ctx, GEN_STREAM_ARRIVALS));
    if (t < 0 && w->arrived >= wg->arrival.count) {
        /* count is used up: when would the process have brought the next
         * one? (the stream is not used again, so the draw changes nothing) */
        arrival_spec unbounded = wg->arrival;
        unbounded.count = UINT64_MAX;
        t = arrival_time(&unbounded, w->arrived, w->last_ns, sim_rng(ctx, GEN_STREAM_ARRIVALS));
        m.is_arrival = GEN_EXHAUSTED;
    }
    if (t < 0)
        return;
    sim_time_ns now = sim_now(ctx);
    sim_send(ctx, sim_self(ctx), t > now ? t - now : 0, w->env->kind_workload_arrival, &m, sizeof m);
    w->last_ns = t;
}

void workload_gen_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    workload_gen *w = state;
    const model_env *env = w->env;
    if (ev->kind != env->kind_workload_arrival)
        return;
    int64_t what = ((const workload_arrival_msg *)ev->payload.bytes)->is_arrival;
    if (what == GEN_EXHAUSTED) {
        const workload_group *wg = &env->groups[w->group];
        w->exhausted_ns = sim_now(ctx);
        gen_log(ctx, w, env->log_vm_arrivals_exhausted, w->group, (int64_t)wg->arrival.count);
        return; /* the group's arrivals end here */
    }
    if (what == GEN_ARRIVAL) {
        const workload_group *wg = &env->groups[w->group];
        uint32_t id = wg->first_vm + (uint32_t)w->arrived++;
        env->vm_times[id].arrived_ns = sim_now(ctx); /* unplaced: the generator holds the VM */
        sim_share_touch(&env->vm_times[id]);
        gen_log(ctx, w, env->log_vm_arrived, id, w->group);
        vm_msg m = {.vm = id};
        sim_send(ctx, model_cluster_lp_of_vm(env, id), env->control_latency_ns, env->kind_vm_power_on, &m, sizeof m);
    }
    schedule_next(ctx, w);
}

/* --- the power-ons of at_start VMs, one pending per cluster --------------- */

/* The module's world: the arrival LPs' states and the power-on cursors. */
typedef struct arrivals_world {
    workload_gen *gens;  /* per group; used by groups with an arrival LP */
    uint32_t *order;     /* at_start VMs, cluster by cluster, each cluster's in the order it powers them on */
    uint32_t *first;     /* n_clusters + 1: cluster k's are order[first[k] .. first[k+1]) */
    uint32_t *next;      /* n_clusters: the position of cluster k's next power-on to send */
} arrivals_world;

/* Payload of a cursor's vm.power_on: a vm_msg (the cluster reads `vm`)
 * followed by a mark no other sender sets (the arrival LP's vm_msg is
 * zero-filled there; the Kubernetes scheduler sends a 64-bit id whose high
 * half is 0). */
typedef struct power_on_cursor_msg {
    uint32_t vm;
    uint32_t from_cursor; /* POWER_ON_FROM_CURSOR */
} power_on_cursor_msg;
_Static_assert(sizeof(power_on_cursor_msg) <= SIM_EVENT_PAYLOAD_BYTES, "fits an event payload");
_Static_assert(offsetof(power_on_cursor_msg, vm) == offsetof(vm_msg, vm), "read as a vm_msg");
enum { POWER_ON_FROM_CURSOR = 0x43555253u };

typedef struct start_key {
    sim_time_ns start_ns;
    uint32_t rank; /* position in group and VM id order (the scheduling order before) */
    uint32_t vm;
} start_key;

static int start_key_cmp(const void *a, const void *b)
{
    const start_key *x = a, *y = b;
    if (x->start_ns != y->start_ns)
        return x->start_ns < y->start_ns ? -1 : 1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Lists the at_start VMs per cluster in the order the cluster handles their
 * power-ons: by start time, ties in group and VM id order. That is the
 * engine's order (sim/event_queue.h) of the events scheduled for all of
 * them at build time before: same time, same priority, the cluster as
 * source, sequence numbers in group and VM id order. Schedules the first
 * of each cluster; each power-on sends the cluster the next (power_on_next),
 * so 157 events exist at build instead of 100,000 (docs/clusters.md "Memory"). */
static int power_on_cursors(model_builder *b, arrivals_world *w)
{
    const model_env *env = b->env;
    uint32_t nc = env->n_clusters ? env->n_clusters : 1, n = 0;
    w->first = calloc((size_t)nc + 1, sizeof *w->first);
    w->next = calloc(nc, sizeof *w->next);
    if (!w->first || !w->next)
        return -1;
    for (uint32_t g = 0; g < env->n_groups; g++) {
        const workload_group *wg = &env->groups[g];
        if (wg->arrival.process != ARRIVAL_AT_START)
            continue;
        for (uint32_t v = wg->first_vm; v < wg->first_vm + wg->count; v++)
            /* sim_schedule refused < 0 */
            if (!model_vm_spec(env, v)->starts_off && vm_spec_start_ns(model_vm_spec(env, v)) >= 0) {
                w->first[model_cluster_lp_of_vm(env, v) - env->cluster_lp + 1]++;
                n++;
            }
    }
    for (uint32_t k = 0; k < nc; k++)
        w->first[k + 1] += w->first[k];
    start_key *keys = malloc((n ? n : 1) * sizeof *keys);
    w->order = malloc((n ? n : 1) * sizeof *w->order);
    if (!keys || !w->order) {
        free(keys);
        return -1;
    }
    memcpy(w->next, w->first, nc * sizeof *w->next); /* fill positions, then send positions */
    uint32_t rank = 0;
    for (uint32_t g = 0; g < env->n_groups; g++) {
        const workload_group *wg = &env->groups[g];
        if (wg->arrival.process != ARRIVAL_AT_START)
            continue;
        for (uint32_t v = wg->first_vm; v < wg->first_vm + wg->count; v++)
            if (!model_vm_spec(env, v)->starts_off && vm_spec_start_ns(model_vm_spec(env, v)) >= 0)
                keys[w->next[model_cluster_lp_of_vm(env, v) - env->cluster_lp]++] =
                    (start_key){.start_ns = vm_spec_start_ns(model_vm_spec(env, v)), .rank = rank++, .vm = v};
    }
    for (uint32_t k = 0; k < nc; k++) {
        uint32_t len = w->first[k + 1] - w->first[k];
        qsort(keys + w->first[k], len, sizeof *keys, start_key_cmp);
        for (uint32_t i = w->first[k]; i < w->first[k + 1]; i++)
            w->order[i] = keys[i].vm;
        w->next[k] = w->first[k];
        if (len > 0) {
            uint32_t v = w->order[w->next[k]++];
            power_on_cursor_msg m = {.vm = v, .from_cursor = POWER_ON_FROM_CURSOR};
            sim_schedule(b->eng, env->cluster_lp + k, vm_spec_start_ns(model_vm_spec(env, v)), env->kind_vm_power_on, &m,
                         sizeof m);
        }
    }
    free(keys);
    return 0;
}

/* A cluster handles a power-on of its cursor (it sent it itself): it
 * sends the next of its cursor, before the power-on is carried out.
 * Power-on is the only kind of its priority and the cursor's are the only
 * power-ons a cluster sends itself, so this event meets no other of the
 * same time, priority and source whose order the later sequence number
 * could change. */
static int power_on_next(sim_ctx *ctx, cluster *c, const cluster_feature *f, const sim_event *ev)
{
    const model_env *env = c->env;
    arrivals_world *w = f->world;
    if (ev->kind != env->kind_vm_power_on || ev->src_lp != sim_self(ctx) ||
        ((const power_on_cursor_msg *)ev->payload.bytes)->from_cursor != POWER_ON_FROM_CURSOR)
        return 0;
    uint32_t k = c->index;
    if (w->next[k] < w->first[k + 1]) {
        uint32_t v = w->order[w->next[k]++];
        power_on_cursor_msg m = {.vm = v, .from_cursor = POWER_ON_FROM_CURSOR};
        sim_send(ctx, sim_self(ctx), vm_spec_start_ns(model_vm_spec(env, v)) - sim_now(ctx), env->kind_vm_power_on, &m,
                 sizeof m);
    }
    return 0; /* the cluster carries out this power-on */
}

static const cluster_hooks power_on_hooks = {
    .name = "power-on cursor",
    .handle = power_on_next,
};

/* --- the module (models/core/module.h) ------------------------------------ */

/* The power-ons of the VMs: at_start groups' VMs at their start time (but
 * those a feature powers on later), and one arrival LP per other group. */
static model_status arrivals_start(model_builder *b, void **world)
{
    const model_env *env = b->env;
    arrivals_world *w = calloc(1, sizeof *w);
    if (!w)
        return model_runtime_error(b, "out of memory");
    *world = w;
    workload_gen *gens = w->gens = calloc(env->n_groups ? env->n_groups : 1, sizeof *gens);
    if (!gens || power_on_cursors(b, w) != 0)
        return model_runtime_error(b, "out of memory");
    char lp_name[64];
    for (uint32_t g = 0; g < env->n_groups; g++) {
        const workload_group *wg = &env->groups[g];
        if (wg->arrival.process == ARRIVAL_AT_START)
            continue;
        /* one generator LP per group with arrivals: its own stream */
        gens[g] = (workload_gen){.env = env, .group = g, .exhausted_ns = -1};
        snprintf(lp_name, sizeof lp_name, "workload %" PRIu32, g);
        uint32_t lp = sim_lp_new(b->eng, lp_name, workload_gen_handle, &gens[g]);
        workload_arrival_msg first = {.is_arrival = 0};
        sim_schedule(b->eng, lp, wg->arrival.start_ns, env->kind_workload_arrival, &first, sizeof first);
    }
    return MODEL_OK;
}

/* /tables/arrival_groups: row g = vms.[g], at the end of the run. */
static const rec_column arrival_group_columns[] = {
    {"group", REC_STR, NULL},   {"process", REC_STR, NULL},        {"count", REC_I64, NULL},
    {"arrived", REC_I64, NULL}, {"exhausted_ns", REC_I64, "ns"},
};

static int arrivals_write_tables(model_builder *b, void *world)
{
    const workload_gen *gens = ((const arrivals_world *)world)->gens;
    const model_env *env = b->env;
    int table = rec_table_new(b->rec, "arrival_groups", arrival_group_columns,
                              (int)(sizeof arrival_group_columns / sizeof arrival_group_columns[0]));
    if (table < 0)
        return -1;
    for (uint32_t g = 0; g < env->n_groups; g++) {
        const workload_group *wg = &env->groups[g];
        int64_t arrived = 0;
        for (uint32_t v = wg->first_vm; v < wg->first_vm + wg->count; v++)
            arrived += env->vm_times[v].arrived_ns >= 0;
        int has_gen = wg->arrival.process != ARRIVAL_AT_START;
        rec_value row[] = {{.str = scn_string(b->scn, "vms.[%u].name", g)},
                           {.str = scn_string(b->scn, "vms.[%u].arrival.process", g)},
                           {.i64 = wg->count},
                           {.i64 = arrived},
                           {.i64 = has_gen ? gens[g].exhausted_ns : -1}};
        if (rec_table_row(b->rec, table, row) != 0)
            return -1;
    }
    return 0;
}

static void arrivals_free(model_builder *b, void *world)
{
    (void)b;
    arrivals_world *w = world;
    if (!w)
        return;
    free(w->gens);
    free(w->order);
    free(w->first);
    free(w->next);
    free(w);
}

const model_module arrivals_module = {
    .name = "arrivals",
    .start = arrivals_start,
    .write_tables = arrivals_write_tables,
    .free = arrivals_free,
    .cluster_hooks = &power_on_hooks,
};
