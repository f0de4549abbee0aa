/* arrival_lp.c - the arrival LP of a VM group (see arrival_lp.h). */
#include "models/core/arrival_lp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

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
        env->vms[id].arrived_ns = sim_now(ctx); /* unplaced: the generator holds the VM */
        gen_log(ctx, w, env->log_vm_arrived, id, w->group);
        vm_msg m = {.vm = id};
        sim_send(ctx, model_cluster_lp_of_vm(env, id), env->control_latency_ns, env->kind_vm_power_on, &m, sizeof m);
    }
    schedule_next(ctx, w);
}

/* --- the module (models/core/module.h) ------------------------------------ */

/* The power-ons of the VMs: at_start groups' VMs at their start time (but
 * those a feature powers on later), and one arrival LP per other group. */
static model_status arrivals_start(model_builder *b, void **world)
{
    const model_env *env = b->env;
    workload_gen *gens = calloc(env->n_groups ? env->n_groups : 1, sizeof *gens);
    if (!gens)
        return model_runtime_error(b, "out of memory");
    *world = gens;
    char lp_name[64];
    for (uint32_t g = 0; g < env->n_groups; g++) {
        const workload_group *wg = &env->groups[g];
        if (wg->arrival.process == ARRIVAL_AT_START) {
            for (uint32_t v = wg->first_vm; v < wg->first_vm + wg->count; v++) {
                if (env->vm_specs[v].starts_off)
                    continue;
                vm_msg m = {.vm = v};
                sim_schedule(b->eng, model_cluster_lp_of_vm(env, v), env->vm_specs[v].start_ns, env->kind_vm_power_on, &m, sizeof m);
            }
            continue;
        }
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
    const workload_gen *gens = world;
    const model_env *env = b->env;
    int table = rec_table_new(b->rec, "arrival_groups", arrival_group_columns,
                              (int)(sizeof arrival_group_columns / sizeof arrival_group_columns[0]));
    if (table < 0)
        return -1;
    for (uint32_t g = 0; g < env->n_groups; g++) {
        const workload_group *wg = &env->groups[g];
        int64_t arrived = 0;
        for (uint32_t v = wg->first_vm; v < wg->first_vm + wg->count; v++)
            arrived += env->vms[v].arrived_ns >= 0;
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
    free(world);
}

const model_module arrivals_module = {
    .name = "arrivals",
    .start = arrivals_start,
    .write_tables = arrivals_write_tables,
    .free = arrivals_free,
};
