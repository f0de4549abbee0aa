/* xvmotion_build.c - cross-cluster vMotion as a module: its keys, the
 * vcenter LP and its first events, /tables/xvmotions and its event kinds
 * (see xvmotion.h). */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/core_build.h"
#include "models/core/module.h"
#include "models/vsphere/xvmotion.h"
#include "models/vsphere/xvmotion_internal.h"
#include "recorder/declare.h"

static const char *const status_name[XV_STATUS_COUNT] = {
    "waiting", "queued", "disk", "memory", "done", "evc_incompatible", "not_running", "no_capacity", "admission",
    "aborted",
};

/* --- building -------------------------------------------------------------- */

static model_status xv_build(model_builder *b, void **world)
{
    const model_env *env = b->env;
    const datacenter *dc = env->dc;
    if (dc == NULL || dc->n_moves == 0)
        return MODEL_OK;
    if (sim_ranks(b->eng) > 1)
        return model_runtime_error(b, "cross-cluster vMotion (vcenter.migrations) runs on one MPI rank only");
    sim_time_ns latency = scn_duration_ns(b->scn, "vcenter.inter_cluster_link.latency");
    xv_world *w = calloc(1, sizeof *w);
    if (!w)
        return model_runtime_error(b, "out of memory");
    *world = w;
    w->env = env;
    w->dc = dc;
    w->scn = b->scn;
    w->link_bytes_per_s = scn_float(b->scn, "vcenter.inter_cluster_link.gbps") * 1e9 / 8.0;
    w->latency_ns = latency;
    vmotion_params_default(&w->params);
    w->params.downtime_target_s = (double)scn_duration_ns(b->scn, "vmotion.downtime_target") * 1e-9;
    w->params.max_live_rounds = (int)scn_int(b->scn, "vmotion.max_rounds");
    /* the switch-over waits one round trip of the inter-cluster path [M] */
    w->params.switchover_s = (double)scn_duration_ns(b->scn, "vmotion.switchover") * 1e-9 + 2.0 * (double)latency * 1e-9;
    w->params.sdps = strcmp(scn_string(b->scn, "vmotion.convergence"), "sdps") == 0;
    w->params.sdps_ratio = scn_float(b->scn, "vmotion.sdps_ratio");
    w->migs = calloc(dc->n_moves, sizeof *w->migs);
    w->queue = malloc(dc->n_moves * sizeof *w->queue);
    w->active = malloc(dc->n_moves * sizeof *w->active);
    w->host_active = calloc(env->n_hosts ? env->n_hosts : 1, sizeof *w->host_active);
    if (!w->migs || !w->queue || !w->active || !w->host_active)
        return model_runtime_error(b, "out of memory");
    for (uint32_t i = 0; i < dc->n_moves; i++)
        w->migs[i] = (xv_mig){.status = XV_WAITING, .src_host = -1, .dst_host = -1, .requested_ns = -1,
                              .start_ns = -1, .end_ns = -1};
    w->kind_begin = sim_kind_register(b->eng, "xvmotion.begin", PRIO_XVMOTION);
    w->kind_check = sim_kind_register(b->eng, "xvmotion.check", PRIO_XVMOTION);
    w->kind_reserve = sim_kind_register(b->eng, "xvmotion.reserve", PRIO_XVMOTION);
    w->kind_reserved = sim_kind_register(b->eng, "xvmotion.reserved", PRIO_XVMOTION);
    w->kind_step = sim_kind_register(b->eng, "xvmotion.step", PRIO_XVMOTION);
    w->kind_switch = sim_kind_register(b->eng, "xvmotion.switch", PRIO_XVMOTION);
    w->kind_start_twin = sim_kind_register(b->eng, "xvmotion.start_twin", PRIO_XVMOTION);
    w->log_done = w->log_refused = -1;
    return MODEL_OK;
}

static model_status xv_start(model_builder *b, void **world)
{
    xv_world *w = *world;
    if (w == NULL)
        return MODEL_OK;
    w->lp = sim_lp_new(b->eng, "vcenter", xvmotion_handle, w);
    const datacenter *dc = w->dc;
    for (uint32_t i = 0; i < dc->n_moves; i++) {
        if (i > 0 && dc->moves[i].action == dc->moves[i - 1].action)
            continue; /* one begin per action */
        xv_msg m = {.mig = dc->moves[i].action};
        if (sim_schedule(b->eng, w->lp, dc->moves[i].at_ns, w->kind_begin, &m, sizeof m) != 0)
            return model_runtime_error(b, "cannot schedule vcenter.migrations.[%u]", dc->moves[i].action);
    }
    return MODEL_OK;
}

static int xv_declare(model_builder *b, void *world)
{
    xv_world *w = world;
    if (b->rec == NULL)
        return 0;
    const rec_kind_decl kinds[] = {{"xvmotion_done", &w->log_done}, {"xvmotion_refused", &w->log_refused}};
    return rec_event_kinds(b->rec, kinds, 2);
}

static const rec_column xv_columns[] = {
    {"vm", REC_STR, NULL},          {"twin", REC_I64, NULL},           {"from", REC_STR, NULL},
    {"to", REC_STR, NULL},          {"action", REC_I64, NULL},         {"status", REC_STR, NULL},
    {"done", REC_I64, NULL},        {"src_host", REC_I64, NULL},       {"dst_host", REC_I64, NULL},
    {"requested_ns", REC_I64, "ns"}, {"start_ns", REC_I64, "ns"},      {"end_ns", REC_I64, "ns"},
    {"duration_s", REC_F64, "s"},   {"downtime_s", REC_F64, "s"},      {"memory_bytes", REC_F64, "B"},
    {"disk_bytes", REC_F64, "B"},   {"bytes_sent", REC_F64, "B"},      {"rounds", REC_I64, NULL},
};

static int xv_write(model_builder *b, void *world)
{
    const xv_world *w = world;
    const scenario *scn = b->scn;
    int t = rec_table_new(b->rec, "xvmotions", xv_columns, (int)(sizeof xv_columns / sizeof xv_columns[0]));
    if (t < 0)
        return -1;
    for (uint32_t i = 0; i < w->dc->n_moves; i++) {
        const datacenter_move *mv = &w->dc->moves[i];
        const xv_mig *g = &w->migs[i];
        const vm_spec *vs = &w->env->vm_specs[mv->vm];
        char name[300];
        core_entity_name(name, sizeof name, scn_string(scn, "vms.[%u].name", vs->group), vs->index_in_group);
        int done = g->status == XV_DONE;
        int copied = done || g->status == XV_ABORTED; /* the copy ended */
        int moved_memory = g->status == XV_MEMORY || copied;
        rec_value row[] = {
            {.str = name},
            {.i64 = mv->twin == UINT32_MAX ? -1 : (int64_t)mv->twin},
            {.str = scn_string(scn, "clusters.[%u].name", mv->from)},
            {.str = scn_string(scn, "clusters.[%u].name", mv->to)},
            {.i64 = mv->action},
            {.str = status_name[g->status]},
            {.i64 = done},
            {.i64 = g->src_host},
            {.i64 = g->dst_host},
            {.i64 = g->requested_ns},
            {.i64 = g->start_ns},
            {.i64 = copied ? g->end_ns : -1},
            {.f64 = copied ? xvmotion_seconds_since(g->end_ns, g->start_ns) : NAN},
            {.f64 = copied ? vmotion_downtime_s(&g->m) : NAN},
            {.f64 = (double)vs->memory_mib * 1048576.0},
            {.f64 = g->disk_bytes},
            {.f64 = (moved_memory ? g->m.bytes_sent : 0.0) + (g->disk_bytes - g->disk_left)},
            {.i64 = moved_memory ? g->m.round : 0},
        };
        if (rec_table_row(b->rec, t, row) != 0)
            return -1;
    }
    return 0;
}

static void xv_describe(const void *world, FILE *out)
{
    const xv_world *w = world;
    uint32_t refused = 0;
    for (uint32_t i = 0; i < w->dc->n_moves; i++)
        refused += !w->dc->moves[i].evc_ok;
    fprintf(out,
            "cross-cluster vMotion: %" PRIu32 " VMs to move, %" PRIu32
            " refused by EVC; inter-cluster link %.3g Gbps, %.3g ms one way\n",
            w->dc->n_moves, refused, w->link_bytes_per_s * 8.0 / 1e9, (double)w->latency_ns * 1e-6);
}

static void xv_free(model_builder *b, void *world)
{
    (void)b;
    xv_world *w = world;
    if (!w)
        return;
    free(w->migs);
    free(w->queue);
    free(w->active);
    free(w->host_active);
    free(w);
}

static const cluster_hooks xv_cluster_hooks = {
    .name = "xvmotion",
    .handle = xvmotion_cluster_handle,
};

const model_module xvmotion_module = {
    .name = "xvmotion",
    .build = xv_build,
    .start = xv_start,
    .declare_recording = xv_declare,
    .write_tables = xv_write,
    .describe = xv_describe,
    .free = xv_free,
    .cluster_hooks = &xv_cluster_hooks,
};
