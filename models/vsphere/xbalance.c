/* xbalance.c - cross-cluster rebalancing (see xbalance.h): the rules as
 * pure functions, then the vcenter LP's and the controllers' sides. */
#include "models/vsphere/xbalance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cluster.h"
#include "models/core/model_env.h"
#include "models/core/vm.h"
#include "models/vsphere/xvmotion_internal.h"

static double fraction(double used, double cap)
{
    if (cap > 0.0)
        return used / cap;
    return used > 0.0 ? INFINITY : 0.0;
}

double xbal_utilization(const xb_load *l)
{
    return fmax(fraction(l->cpu_used_mhz, l->cpu_cap_mhz), fraction(l->mem_used_mib, l->mem_cap_mib));
}

double xbal_tolerance(const char *balance)
{
    if (strcmp(balance, "aggressive") == 0)
        return 0.10;
    if (strcmp(balance, "moderate") == 0)
        return 0.20;
    if (strcmp(balance, "conservative") == 0)
        return 0.30;
    return -1.0;
}

int xbal_choose_pair(const xb_load *loads, const uint8_t *takes_part, const uint8_t *pair, uint32_t n,
                     double tolerance, double limit, uint32_t *src, uint32_t *dst)
{
    uint32_t s = UINT32_MAX, t = UINT32_MAX;
    double us = -1.0, ut = INFINITY;
    for (uint32_t k = 0; k < n; k++) {
        double u = xbal_utilization(&loads[k]);
        if (takes_part[k] && u > us)
            s = k, us = u;
    }
    if (s == UINT32_MAX)
        return 0;
    for (uint32_t k = 0; k < n; k++) {
        double u = xbal_utilization(&loads[k]);
        if (takes_part[k] && pair[(size_t)s * n + k] && u < ut)
            t = k, ut = u;
    }
    if (t == UINT32_MAX)
        return 0;
    int due = us - ut > tolerance || (us > limit && ut < limit);
    if (due)
        *src = s, *dst = t;
    return due;
}

void xbal_apply(xb_load *src, xb_load *dst, const xb_vm *v)
{
    src->cpu_used_mhz -= v->cpu_mhz;
    src->mem_used_mib -= v->mem_mib;
    dst->cpu_used_mhz += v->cpu_mhz;
    dst->mem_used_mib += v->mem_mib;
}

int32_t xbal_pick_next(const xb_load *src, const xb_load *dst, const xb_vm *vms, const uint8_t *taken, uint32_t n,
                       double limit)
{
    double spread = fabs(xbal_utilization(src) - xbal_utilization(dst));
    double best = spread;
    int32_t chosen = -1;
    for (uint32_t i = 0; i < n; i++) {
        if (taken && taken[i])
            continue;
        xb_load s = *src, d = *dst;
        xbal_apply(&s, &d, &vms[i]);
        double ud = xbal_utilization(&d);
        if (ud > limit)
            continue; /* the target's headroom */
        double after = fabs(xbal_utilization(&s) - ud);
        if (after < best) {
            best = after;
            chosen = (int32_t)i;
        }
    }
    return chosen;
}

/* --- the controllers' side ------------------------------------------------ */

/* The cluster's load from its own slice of the view. */
static xb_load cluster_load(const cluster *c)
{
    xb_load l = {0};
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) {
        const placement_host_view *v = &c->view[h];
        l.cpu_used_mhz += v->committed_cpu_mhz;
        l.mem_used_mib += (double)v->committed_memory_mib;
        if (v->usable) {
            l.cpu_cap_mhz += v->cpu_mhz;
            l.mem_cap_mib += (double)v->memory_mib;
        }
    }
    return l;
}

/* The source's candidates for target t: running VMs of its own not yet
 * offered, with a candidate move to t. Fills moves[] and vms[]. */
static uint32_t candidates(const cluster *c, const xv_world *w, uint32_t t, uint32_t *moves, xb_vm *vms)
{
    const model_env *env = c->env;
    const datacenter *dc = w->dc;
    uint32_t n = 0;
    for (uint32_t i = 0; i < cluster_vm_count(c, env->n_vms); i++) {
        uint32_t v = cluster_vm_at(c, i);
        if (v >= dc->n_vms_base || w->bal.offered[v] || c->vm_host[cluster_vm_slot(c, v)] < 0)
            continue;
        uint32_t mv = dc->balance_first[v];
        while (mv != UINT32_MAX && mv < dc->n_moves && dc->moves[mv].vm == v && dc->moves[mv].to != t)
            mv++;
        if (mv == UINT32_MAX || mv >= dc->n_moves || dc->moves[mv].vm != v)
            continue;
        const vm_spec *vs = model_vm_spec(env, v);
        moves[n] = mv;
        vms[n] = (xb_vm){.cpu_mhz = vm_spec_cpu_demand(vs)->mean, .mem_mib = (double)vm_spec_memory_mib(vs)};
        n++;
    }
    return n;
}

/* The source picks up to max_moves VMs for the target and asks the target
 * to reserve their twins; tells vcenter how many. */
static void pick(sim_ctx *ctx, cluster *c, const xv_world *w, const xb_pick_msg *p)
{
    const model_env *env = c->env;
    uint32_t cap = cluster_vm_count(c, env->n_vms);
    uint32_t *moves = malloc((cap ? cap : 1) * sizeof *moves);
    xb_vm *vms = malloc((cap ? cap : 1) * sizeof *vms);
    uint8_t *taken = calloc(cap ? cap : 1, 1);
    if (!moves || !vms || !taken)
        abort(); /* out of memory inside a handler */
    xb_load src = cluster_load(c), dst = p->target_load;
    xb_picked_msg answer = {0};
    {
        uint32_t n = candidates(c, w, p->target, moves, vms);
        while (answer.moves < w->bal.max_moves) {
            int32_t i = xbal_pick_next(&src, &dst, vms, taken, n, w->bal.limit);
            if (i < 0)
                break;
            taken[i] = 1;
            xbal_apply(&src, &dst, &vms[i]);
            const datacenter_move *mv = &w->dc->moves[moves[i]];
            w->bal.offered[mv->vm] = 1; /* written by its own cluster only */
            xv_msg m = {.mig = moves[i], .src_host = c->vm_host[cluster_vm_slot(c, mv->vm)], .dst_host = -1,
                        .requested_ns = p->decided_ns};
            sim_send(ctx, env->cluster_lp + p->target, env->control_latency_ns, w->kind_reserve, &m, sizeof m);
            answer.moves++;
        }
    }
    free(moves);
    free(vms);
    free(taken);
    answer.u_source_after = xbal_utilization(&src);
    answer.u_target_after = xbal_utilization(&dst);
    sim_send(ctx, w->lp, env->control_latency_ns, w->bal.kind_picked, &answer, sizeof answer);
}

int xbal_cluster_handle(sim_ctx *ctx, cluster *c, const xv_world *w, const sim_event *ev)
{
    const xb_state *b = &w->bal;
    if (!b->enabled || (ev->kind != b->kind_poll && ev->kind != b->kind_pick))
        return 0;
    if (ev->kind == b->kind_poll) {
        xb_load_msg m = {.cluster = c->index, .load = cluster_load(c)};
        sim_send(ctx, w->lp, c->env->control_latency_ns, b->kind_load, &m, sizeof m);
        return 1;
    }
    xb_pick_msg p;
    memcpy(&p, ev->payload.bytes, sizeof p);
    pick(ctx, c, w, &p);
    return 1;
}

/* --- the vcenter LP -------------------------------------------------------- */

static int clusters_polled(const xb_state *b, uint32_t k)
{
    for (uint32_t t = 0; t < b->n_clusters; t++)
        if (b->pair[(size_t)k * b->n_clusters + t] || b->pair[(size_t)t * b->n_clusters + k])
            return 1;
    return 0;
}

static void tick(sim_ctx *ctx, xv_world *w)
{
    xb_state *b = &w->bal;
    sim_send(ctx, w->lp, b->period_ns, b->kind_tick, NULL, 0);
    if (b->busy || b->pending != 0)
        return; /* the last pass's moves are still in flight */
    b->busy = 1;
    b->n_answers = 0;
    for (uint32_t k = 0; k < b->n_clusters; k++) {
        b->takes_part[k] = 0;
        if (clusters_polled(b, k)) {
            b->n_answers++; /* answers still to come */
            sim_send(ctx, w->env->cluster_lp + k, w->env->control_latency_ns, b->kind_poll, NULL, 0);
        }
    }
}

static int record_pass(xb_state *b, const xb_pass *p)
{
    if (b->n_passes == b->cap_passes) {
        uint32_t grown = b->cap_passes ? b->cap_passes * 2 : 16;
        xb_pass *np = realloc(b->passes, (size_t)grown * sizeof *np);
        if (!np)
            return -1;
        b->passes = np;
        b->cap_passes = grown;
    }
    b->passes[b->n_passes++] = *p;
    return 0;
}

static void on_load(sim_ctx *ctx, xv_world *w, const xb_load_msg *m)
{
    xb_state *b = &w->bal;
    b->loads[m->cluster] = m->load;
    b->takes_part[m->cluster] = m->load.cpu_cap_mhz > 0.0 && m->load.mem_cap_mib > 0.0;
    if (--b->n_answers > 0)
        return;
    uint32_t s, t;
    if (!xbal_choose_pair(b->loads, b->takes_part, b->pair, b->n_clusters, b->tolerance, b->limit, &s, &t)) {
        b->busy = 0;
        return;
    }
    b->decided_ns = sim_now(ctx);
    xb_pass p = {.at_ns = b->decided_ns, .source = s, .target = t, .u_source = xbal_utilization(&b->loads[s]),
                 .u_target = xbal_utilization(&b->loads[t])};
    if (record_pass(b, &p) != 0)
        abort(); /* out of memory inside a handler */
    xb_pick_msg pm = {.target = t, .target_load = b->loads[t], .decided_ns = b->decided_ns};
    sim_send(ctx, w->env->cluster_lp + s, w->env->control_latency_ns, b->kind_pick, &pm, sizeof pm);
}

static void on_picked(xv_world *w, const xb_picked_msg *m)
{
    xb_state *b = &w->bal;
    xb_pass *p = &b->passes[b->n_passes - 1];
    p->moves = m->moves;
    p->u_source_after = m->u_source_after;
    p->u_target_after = m->u_target_after;
    b->pending += m->moves;
    b->busy = 0;
}

void xbal_move_ended(xv_world *w)
{
    w->bal.pending--;
}

int xbal_handle(sim_ctx *ctx, xv_world *w, const sim_event *ev)
{
    xb_state *b = &w->bal;
    if (!b->enabled)
        return 0;
    if (ev->kind == b->kind_tick) {
        tick(ctx, w);
    } else if (ev->kind == b->kind_load) {
        xb_load_msg m;
        memcpy(&m, ev->payload.bytes, sizeof m);
        on_load(ctx, w, &m);
    } else if (ev->kind == b->kind_picked) {
        xb_picked_msg m;
        memcpy(&m, ev->payload.bytes, sizeof m);
        on_picked(w, &m);
    } else {
        return 0;
    }
    return 1;
}
