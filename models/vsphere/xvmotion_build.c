/* xvmotion_build.c - cross-cluster vMotion as a module: its keys, the
 * vcenter LP and its first events, /tables/xvmotions and its event kinds
 * (see xvmotion.h). */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/core_build.h"
#include "models/core/module.h"
#include "models/vsphere/drs_rules.h"
#include "models/vsphere/xvmotion.h"
#include "models/vsphere/xvmotion_internal.h"
#include "recorder/declare.h"

static const char *const status_name[XV_STATUS_COUNT] = {
    "waiting", "queued", "disk", "memory", "done", "evc_incompatible", "not_running", "no_capacity", "admission",
    "aborted",
};

/* --- building -------------------------------------------------------------- */

/* The rebalancer's settings and state (xbalance.h). A VM named by a DRS
 * rule is never offered: vSphere rules are kept inside a cluster, and Aria
 * Operations' optimization creates no placement violation. */
static model_status xbal_build(model_builder *b, xv_world *w)
{
    const datacenter *dc = w->dc;
    xb_state *x = &w->bal;
    uint32_t n = dc->n_clusters;
    x->enabled = 1;
    x->period_ns = scn_duration_ns(b->scn, "vcenter.cross_cluster_balance.period");
    x->tolerance = xbal_tolerance(scn_string(b->scn, "vcenter.cross_cluster_balance.balance"));
    x->limit = 1.0 - scn_float(b->scn, "vcenter.cross_cluster_balance.headroom") / 100.0;
    x->max_moves = (uint32_t)scn_int(b->scn, "vcenter.cross_cluster_balance.max_moves");
    x->n_clusters = n;
    x->pair = calloc((size_t)n * n, 1);
    x->takes_part = calloc(n, 1);
    x->loads = calloc(n, sizeof *x->loads);
    x->offered = calloc(dc->n_vms_base ? dc->n_vms_base : 1, 1);
    if (!x->pair || !x->takes_part || !x->loads || !x->offered)
        return model_runtime_error(b, "out of memory");
    for (uint32_t s = 0; s < n; s++)
        for (uint32_t t = 0; t < n; t++)
            x->pair[(size_t)s * n + t] = (uint8_t)datacenter_balance_pair(dc, b->scn, s, t);
    drs_rule *rules = NULL;
    uint32_t *members = NULL, n_rules = 0;
    int rc = drs_rules_read(b->scn, w->env, &rules, &members, &n_rules, b->err, b->err_len);
    if (rc == -2)
        return model_runtime_error(b, "out of memory");
    if (rc != 0)
        return MODEL_BAD_INPUT;
    for (uint32_t r = 0; r < n_rules; r++)
        for (uint32_t i = 0; i < rules[r].n_vms; i++)
            if (rules[r].vms[i] < dc->n_vms_base)
                x->offered[rules[r].vms[i]] = 1;
    free(rules);
    free(members);
    x->kind_tick = sim_kind_register(b->eng, "xbalance.tick", PRIO_XVMOTION);
    x->kind_poll = sim_kind_register(b->eng, "xbalance.poll", PRIO_XVMOTION);
    x->kind_load = sim_kind_register(b->eng, "xbalance.load", PRIO_XVMOTION);
    x->kind_pick = sim_kind_register(b->eng, "xbalance.pick", PRIO_XVMOTION);
    x->kind_picked = sim_kind_register(b->eng, "xbalance.picked", PRIO_XVMOTION);
    return MODEL_OK;
}

static model_status xv_build(model_builder *b, void **world)
{
    const model_env *env = b->env;
    const datacenter *dc = env->dc;
    if (dc == NULL || dc->n_moves == 0)
        return MODEL_OK;
    /* Over MPI ranks the vcenter LP and the controllers run on rank 0
     * (only hosts are spread) and every rank builds the same twins, so a
     * move's messages carry indices only; the VM records the hosts write
     * are shared (sim_share in core_build.c). Checked 1 vs 2 vs 3 ranks in
     * tests/test_xbalance_mpi.sh. */
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
    return dc->balance_first ? xbal_build(b, w) : MODEL_OK;
}

static model_status xv_start(model_builder *b, void **world)
{
    xv_world *w = *world;
    if (w == NULL)
        return MODEL_OK;
    w->lp = sim_lp_new(b->eng, "vcenter", xvmotion_handle, w);
    const datacenter *dc = w->dc;
    int any_pair = 0; /* without a pair of clusters the balancer never ticks */
    for (size_t k = 0; w->bal.enabled && k < (size_t)w->bal.n_clusters * w->bal.n_clusters; k++)
        any_pair |= w->bal.pair[k];
    if (any_pair && sim_schedule(b->eng, w->lp, w->bal.period_ns, w->bal.kind_tick, NULL, 0) != 0)
        return model_runtime_error(b, "cannot schedule vcenter.cross_cluster_balance");
    for (uint32_t i = 0; i < dc->n_scheduled; i++) {
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
    {"reason", REC_STR, NULL}, /* only with the rebalancer: "scheduled" or "balance" */
};
enum { XV_COLUMNS = (int)(sizeof xv_columns / sizeof xv_columns[0]) };

static const rec_column xb_columns[] = {
    {"time_ns", REC_I64, "ns"},        {"source", REC_STR, NULL},         {"target", REC_STR, NULL},
    {"u_source", REC_F64, NULL},       {"u_target", REC_F64, NULL},       {"u_source_after", REC_F64, NULL},
    {"u_target_after", REC_F64, NULL}, {"moves", REC_I64, NULL},
};

/* /tables/xbalance: one row per rebalancing pass that was due. */
static int xbal_write(model_builder *b, const xv_world *w)
{
    const xb_state *x = &w->bal;
    int t = rec_table_new(b->rec, "xbalance", xb_columns, (int)(sizeof xb_columns / sizeof xb_columns[0]));
    if (t < 0)
        return -1;
    for (uint32_t i = 0; i < x->n_passes; i++) {
        const xb_pass *p = &x->passes[i];
        rec_value row[] = {
            {.i64 = p->at_ns},
            {.str = scn_string(b->scn, "clusters.[%u].name", p->source)},
            {.str = scn_string(b->scn, "clusters.[%u].name", p->target)},
            {.f64 = p->u_source},
            {.f64 = p->u_target},
            {.f64 = p->u_source_after},
            {.f64 = p->u_target_after},
            {.i64 = p->moves},
        };
        if (rec_table_row(b->rec, t, row) != 0)
            return -1;
    }
    return 0;
}

static int xv_write(model_builder *b, void *world)
{
    const xv_world *w = world;
    const scenario *scn = b->scn;
    int t = rec_table_new(b->rec, "xvmotions", xv_columns, w->bal.enabled ? XV_COLUMNS : XV_COLUMNS - 1);
    if (t < 0)
        return -1;
    for (uint32_t i = 0; i < w->dc->n_moves; i++) {
        const datacenter_move *mv = &w->dc->moves[i];
        const xv_mig *g = &w->migs[i];
        if (mv->balance && g->requested_ns < 0)
            continue; /* a candidate the rebalancer never started */
        const vm_spec *vs = model_vm_spec(w->env, mv->vm);
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
            {.i64 = mv->balance ? -1 : (int64_t)mv->action},
            {.str = status_name[g->status]},
            {.i64 = done},
            {.i64 = g->src_host},
            {.i64 = g->dst_host},
            {.i64 = g->requested_ns},
            {.i64 = g->start_ns},
            {.i64 = copied ? g->end_ns : -1},
            {.f64 = copied ? xvmotion_seconds_since(g->end_ns, g->start_ns) : NAN},
            {.f64 = copied ? vmotion_downtime_s(&g->m) : NAN},
            {.f64 = (double)vm_spec_memory_mib(vs) * 1048576.0},
            {.f64 = g->disk_bytes},
            {.f64 = (moved_memory ? g->m.bytes_sent : 0.0) + (g->disk_bytes - g->disk_left)},
            {.i64 = moved_memory ? g->m.round : 0},
            {.str = mv->balance ? "balance" : "scheduled"},
        };
        if (rec_table_row(b->rec, t, row) != 0)
            return -1;
    }
    return w->bal.enabled ? xbal_write(b, w) : 0;
}

static void xv_describe(const void *world, FILE *out)
{
    const xv_world *w = world;
    uint32_t refused = 0;
    for (uint32_t i = 0; i < w->dc->n_scheduled; i++)
        refused += !w->dc->moves[i].evc_ok;
    fprintf(out,
            "cross-cluster vMotion: %" PRIu32 " VMs to move, %" PRIu32
            " refused by EVC; inter-cluster link %.3g Gbps, %.3g ms one way\n",
            w->dc->n_scheduled, refused, w->link_bytes_per_s * 8.0 / 1e9, (double)w->latency_ns * 1e-6);
    if (w->bal.enabled)
        fprintf(out,
                "cross-cluster rebalancing: every %.6g s, spread above %.2f or a cluster above %.0f%%, at most %" PRIu32
                " moves a pass, %" PRIu32 " candidate moves\n",
                (double)w->bal.period_ns * 1e-9, w->bal.tolerance, w->bal.limit * 100.0, w->bal.max_moves,
                w->dc->n_moves - w->dc->n_scheduled);
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
    free(w->bal.pair);
    free(w->bal.takes_part);
    free(w->bal.loads);
    free(w->bal.offered);
    free(w->bal.passes);
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
