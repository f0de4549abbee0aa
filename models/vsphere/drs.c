/* drs.c - DRS load balancing: imbalance, target, greedy cost-benefit moves
 * (see drs.h and docs/vsphere.md). */
#include "models/vsphere/drs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/vsphere/drs_prune.h"
#include "models/vsphere/drs_state.h"

#define MIB_BYTES 1048576.0
#define GBPS_BYTES_PER_S 1.25e8 /* 1 Gbit/s = 125,000,000 bytes/s */
/* A move must improve the imbalance by more than rounding can: what-if
 * imbalances are computed incrementally, so two ways of reaching the same
 * state may differ in the last bits. */
#define DRS_GOODNESS_EPS 1e-12

void drs_params_default(drs_params *p)
{
    memset(p, 0, sizeof *p);
    p->threshold = 3;
    p->max_moves_per_pass = 64;
    p->max_moves_per_host = 0;
    p->min_goodness = 0.0;
    p->cost_benefit = 1;
    p->gain_duration_s = 300.0;
    p->tracing_slowdown = 0.1;
    p->combine = DRS_COMBINE_MAX;
    vmotion_params_default(&p->vmotion);
    p->core_mhz = 2000.0;
    p->period_s = 300.0;
}

double drs_target_imbalance(int threshold, uint32_t hosts)
{
    if (threshold <= 1 || hosts == 0)
        return INFINITY;
    if (threshold > 5)
        threshold = 5;
    return (double)(5 - threshold) / (10.0 * sqrt((double)hosts));
}

int drs_move_priority(double imbalance, uint32_t hosts)
{
    double scaled = 10.0 * imbalance * sqrt((double)hosts);
    if (!(scaled < 1e6))
        scaled = 1e6;
    int p = 6 - (int)ceil(scaled);
    if (p < 2)
        p = 2; /* priority 1 stays for mandatory moves */
    if (p > 5)
        p = 5;
    return p;
}

double drs_imbalance(const drs_cluster *c, const int32_t *assignment, drs_combine combine, double *cpu,
                     double *mem)
{
    drs_state s;
    double r[2] = {NAN, NAN}, i = NAN;
    if (drs_state_init(&s, c, combine, assignment, UINT32_MAX) == 0) {
        i = drs_state_imbalance(&s, r);
        drs_state_free(&s);
    }
    if (cpu)
        *cpu = r[0];
    if (mem)
        *mem = r[1];
    return i;
}

double drs_host_load(const drs_cluster *c, const int32_t *assignment, uint32_t host, int resource)
{
    double e = 0.0, cap = resource == 0 ? c->hosts[host].cpu_capacity_mhz : c->hosts[host].mem_capacity_mib;
    for (uint32_t v = 0; v < c->n_vms; v++)
        if (assignment[v] == (int32_t)host)
            e += resource == 0 ? c->vms[v].cpu_entitlement_mhz : c->vms[v].mem_entitlement_mib;
    return cap > 0.0 ? e / cap : 0.0;
}

static double link_bytes_per_s(const drs_cluster *c, int32_t from, int32_t to)
{
    double gbps = fmin(c->hosts[from].vmotion_nic_gbps, c->hosts[to].vmotion_nic_gbps);
    return gbps * GBPS_BYTES_PER_S;
}

static double migration_time_s(const drs_cluster *c, const drs_params *p, uint32_t v, int32_t from, int32_t to)
{
    vmotion_params vp = p->vmotion;
    vmotion m;
    vp.memory_bytes = c->vms[v].memory_mib * MIB_BYTES;
    vp.dirty_rate_bytes_per_s = c->vms[v].dirty_rate_mib_per_s * MIB_BYTES;
    if (vmotion_run_constant(&vp, link_bytes_per_s(c, from, to), &m) != 0)
        return INFINITY;
    return m.done_s;
}

/* The sums of entitlements on the two hosts come from the state so that the
 * filter sees the moves already made in this pass. */
static double cost_benefit_in(const drs_state *s, const drs_params *p, uint32_t v, int32_t from, int32_t to)
{
    const drs_cluster *c = s->c;
    const drs_vm *vm = &c->vms[v];
    double t_mig = migration_time_s(c, p, v, from, to);
    double e[2] = {vm->cpu_entitlement_mhz, vm->mem_entitlement_mib};
    double cap_src[2] = {c->hosts[from].cpu_capacity_mhz, c->hosts[from].mem_capacity_mib};
    double cap_dst[2] = {c->hosts[to].cpu_capacity_mhz, c->hosts[to].mem_capacity_mib};
    double net = 0.0;

    if (!isfinite(t_mig))
        return -INFINITY;
    for (int r = 0; r < 2; r++) {
        /* Gain rate: headroom the VM finds on the destination after the move
         * minus the headroom of its source before it, at most its own
         * entitlement (it cannot gain more than it asks for). */
        double headroom_src = cap_src[r] - s->entitled[r][from];
        double headroom_dst = cap_dst[r] - s->entitled[r][to] - e[r];
        double gain = fmin(fmax(headroom_dst - headroom_src, 0.0), e[r]);
        double benefit = gain * p->gain_duration_s;
        double cost;
        if (r == 0) {
            cost = t_mig * (vmotion_host_cpu_reservation_mhz(c->hosts[from].vmotion_nic_gbps, p->core_mhz) +
                            vmotion_host_cpu_reservation_mhz(c->hosts[to].vmotion_nic_gbps, p->core_mhz) +
                            p->tracing_slowdown * e[0]);
        } else {
            cost = t_mig * vm->memory_mib; /* memory held twice while it copies */
        }
        if (s->cluster_capacity[r] > 0.0)
            net += (benefit - cost) / s->cluster_capacity[r];
    }
    return net;
}

double drs_cost_benefit(const drs_cluster *c, const drs_params *p, const int32_t *assignment, uint32_t v,
                        int32_t to)
{
    drs_state s;
    double net;
    int32_t from = assignment[v];
    if (from < 0 || to < 0 || drs_state_init(&s, c, p->combine, assignment, UINT32_MAX) != 0)
        return NAN;
    net = cost_benefit_in(&s, p, v, from, to);
    drs_state_free(&s);
    return net;
}

static int devices_fit(const drs_params *p, uint32_t v, uint32_t h, const int32_t *assignment)
{
    return p->device_fits == NULL || p->device_fits(p->device_arg, v, h, assignment);
}

static int vm_movable(const drs_vm *vm)
{
    return !vm->pinned && vm->sriov_vfs == 0;
}

typedef struct pass_ctx {
    const drs_cluster *c;
    const drs_params *p;
    drs_state s;
    drs_rule_index idx;
    uint32_t *host_moves; /* vMotions per host in this pass, in flight included */
    int32_t *assignment;
    double *scratch;      /* 5 x n_hosts: deviations and 1/capacity per resource, dest flags */
    /* DRS_SEARCH_PRUNED only */
    drs_host_lists lists; /* VMs per host, moves included */
    drs_host_key *dest;   /* n_hosts: hosts that may take part, by (1/C, d) ascending */
    drs_host_key *src;    /* n_hosts: the same hosts by d descending */
    uint32_t *class_start; /* n_hosts + 1: runs of equal 1/C in dest */
} pass_ctx;

static uint32_t host_move_cap(const pass_ctx *x, uint32_t h)
{
    uint32_t limit = vmotion_concurrency_limit(x->c->hosts[h].vmotion_nic_gbps);
    if (x->p->max_moves_per_host > 0 && x->p->max_moves_per_host < limit)
        limit = x->p->max_moves_per_host;
    return limit;
}

static int host_has_vmotion_slot(const pass_ctx *x, uint32_t h)
{
    return x->c->hosts[h].vmotion_nic_gbps > 0.0 && x->host_moves[h] < host_move_cap(x, h);
}

static void record_move(pass_ctx *x, drs_move *mv, uint32_t v, int32_t from, int32_t to, int priority,
                        double before)
{
    drs_state_apply(&x->s, v, from, to);
    if (x->lists.head)
        drs_host_lists_move(&x->lists, v, from, to);
    x->assignment[v] = to;
    x->host_moves[from]++;
    x->host_moves[to]++;
    mv->vm = v;
    mv->from = from;
    mv->to = to;
    mv->priority = priority;
    mv->imbalance_after = drs_state_imbalance(&x->s, NULL);
    mv->goodness = before - mv->imbalance_after;
    mv->migration_time_s = migration_time_s(x->c, x->p, v, from, to);
}

/* Whether v must leave its host: the host is entering maintenance, or v
 * breaks a rule (hard or soft) where it is. */
static int needs_mandatory_move(const pass_ctx *x, uint32_t v)
{
    int32_t h = x->assignment[v];
    if (h < 0 || (uint32_t)h >= x->c->n_hosts || !vm_movable(&x->c->vms[v]))
        return 0;
    if (x->c->hosts[h].state == DRS_HOST_MAINTENANCE)
        return 1;
    if (x->c->hosts[h].state != DRS_HOST_UP)
        return 0;
    return !drs_rules_allow(x->c->rules, &x->idx, x->assignment, v, h, 1);
}

/* Destination of a mandatory move: balancing host with a vMotion slot where
 * v fits and the hard rules hold; an evacuation accepts soft violations when
 * nothing else fits, a rule correction does not. Least imbalance wins. */
static int32_t mandatory_destination(const pass_ctx *x, uint32_t v, int evacuation)
{
    int32_t from = x->assignment[v], best = -1;
    double best_i = INFINITY;
    int best_soft = 0;

    for (uint32_t h = 0; h < x->c->n_hosts; h++) {
        if ((int32_t)h == from || !drs_host_balancing(&x->c->hosts[h]) || !host_has_vmotion_slot(x, h) ||
            !drs_state_fits(&x->s, v, h) || !drs_rules_allow(x->c->rules, &x->idx, x->assignment, v, (int32_t)h, 0) ||
            !devices_fit(x->p, v, h, x->assignment))
            continue;
        int soft_ok = drs_rules_allow(x->c->rules, &x->idx, x->assignment, v, (int32_t)h, 1);
        if (!soft_ok && !evacuation)
            continue;
        double i = drs_state_imbalance_if(&x->s, v, from, (int32_t)h);
        if (best < 0 || (soft_ok && !best_soft) || (soft_ok == best_soft && i < best_i)) {
            best = (int32_t)h;
            best_i = i;
            best_soft = soft_ok;
        }
    }
    return best;
}

/* fmax is a libm call here (no -ffast-math); this is the hot loop's max.
 * Both arguments are finite or the comparison falls to b, as fmax's use
 * below needs (a variance clamped at 0). */
static inline double max2(double a, double b)
{
    return a > b ? a : b;
}

/* The per-step tables both searches read: per-host deviations from the
 * mean and inverse capacities, and whether a host may take part in a move
 * (balancing, a vMotion slot left). */
static void step_tables(pass_ctx *x)
{
    const drs_cluster *c = x->c;
    const drs_state *s = &x->s;
    uint32_t nh = c->n_hosts;
    double *dev[2] = {x->scratch, x->scratch + nh};
    double *inv[2] = {x->scratch + 2 * (size_t)nh, x->scratch + 3 * (size_t)nh};
    double *dest_ok = x->scratch + 4 * (size_t)nh;
    for (uint32_t h = 0; h < nh; h++) {
        const drs_host *host = &c->hosts[h];
        dev[0][h] = s->load[0][h] - s->mean[0];
        dev[1][h] = s->load[1][h] - s->mean[1];
        inv[0][h] = host->cpu_capacity_mhz > 0.0 ? 1.0 / host->cpu_capacity_mhz : 0.0;
        inv[1][h] = host->mem_capacity_mib > 0.0 ? 1.0 / host->mem_capacity_mib : 0.0;
        dest_ok[h] = drs_host_balancing(host) && host_has_vmotion_slot(x, h);
    }
}

/* The best move found so far; `score` starts at the bound a move must beat. */
typedef struct best_move {
    uint32_t v;
    int32_t to;
    double score;
} best_move;

/* What VM v leaving host `from` does to the sums, whatever its destination. */
typedef struct vm_leave {
    uint32_t v;
    int32_t from;
    double xs[2], q_src[2];
} vm_leave;

static void vm_leave_prep(const pass_ctx *x, uint32_t v, int32_t from, vm_leave *out)
{
    const drs_vm *vm = &x->c->vms[v];
    uint32_t nh = x->c->n_hosts;
    const double *dev[2] = {x->scratch, x->scratch + nh};
    const double *inv[2] = {x->scratch + 2 * (size_t)nh, x->scratch + 3 * (size_t)nh};
    const double e[2] = {vm->cpu_entitlement_mhz, vm->mem_entitlement_mib};
    out->v = v;
    out->from = from;
    for (int r = 0; r < 2; r++) {
        out->xs[r] = e[r] * inv[r][from];
        out->q_src[r] = x->s.sq_dev[r] - 2.0 * dev[r][from] * out->xs[r] + out->xs[r] * out->xs[r];
    }
}

/* The ranking score of moving l->v to h (see best_balancing_move). */
static inline double move_score(const pass_ctx *x, const vm_leave *l, uint32_t h)
{
    const drs_vm *vm = &x->c->vms[l->v];
    uint32_t nh = x->c->n_hosts;
    const double e[2] = {vm->cpu_entitlement_mhz, vm->mem_entitlement_mib};
    double H = (double)x->s.n_balancing, var[2];
    for (int r = 0; r < 2; r++) {
        double xd = e[r] * x->scratch[(size_t)(2 + r) * nh + h];
        double q = l->q_src[r] + 2.0 * x->scratch[(size_t)r * nh + h] * xd + xd * xd;
        double shift = (xd - l->xs[r]) / H;
        var[r] = max2(q / H - shift * shift, 0.0);
    }
    if (x->p->combine != DRS_COMBINE_WEIGHTED)
        return max2(var[0], var[1]);
    return x->s.weight[0] * sqrt(var[0]) + x->s.weight[1] * sqrt(var[1]);
}

/* Takes (l->v, h) at `score` if it beats the best so far - strictly lower
 * score, or the same score and a lower (VM, host) pair, so the result does
 * not depend on the order pairs are visited in - and passes the fit, rules
 * and cost-benefit filters (run only for a would-be best). */
static void consider(const pass_ctx *x, const vm_leave *l, uint32_t h, double score, best_move *b)
{
    if (!(score < b->score)) {
        int lower_pair = b->to >= 0 && score == b->score && (l->v < b->v || (l->v == b->v && (int32_t)h < b->to));
        if (!lower_pair)
            return;
    }
    if (!drs_state_fits(&x->s, l->v, h) ||
        !drs_rules_allow(x->c->rules, &x->idx, x->assignment, l->v, (int32_t)h, 1) ||
        !devices_fit(x->p, l->v, h, x->assignment))
        return;
    if (x->p->cost_benefit && !(cost_benefit_in(&x->s, x->p, l->v, l->from, (int32_t)h) > 0.0))
        return;
    b->v = l->v;
    b->to = (int32_t)h;
    b->score = score;
}

static int movable_from(const pass_ctx *x, uint32_t v, int32_t *from)
{
    const double *dest_ok = x->scratch + 4 * (size_t)x->c->n_hosts;
    *from = x->assignment[v];
    return vm_movable(&x->c->vms[v]) && *from >= 0 && (uint32_t)*from < x->c->n_hosts && dest_ok[*from];
}

/* Every movable VM against every host: O(VMs x hosts). */
static void search_full(const pass_ctx *x, best_move *b)
{
    uint32_t nh = x->c->n_hosts;
    const double *dest_ok = x->scratch + 4 * (size_t)nh;
    for (uint32_t v = 0; v < x->c->n_vms; v++) {
        int32_t from;
        vm_leave l;
        if (!movable_from(x, v, &from))
            continue;
        vm_leave_prep(x, v, from, &l);
        for (uint32_t h = 0; h < nh; h++) {
            if ((int32_t)h == from || !dest_ok[h])
                continue;
            consider(x, &l, h, move_score(x, &l, h), b);
        }
    }
}

/* The part of a pair's score that resource r alone forces: the score is at
 * least this (max: var_r; weighted: w_r sqrt(var_r), the other term being
 * >= 0), computed with move_score's own operations so that the bound holds
 * in floating point too. */
static inline double score_bound(const pass_ctx *x, const vm_leave *l, int r, double e_r, double inv_r,
                                 double dev_r)
{
    double H = (double)x->s.n_balancing;
    double xd = e_r * inv_r;
    double q = l->q_src[r] + 2.0 * dev_r * xd + xd * xd;
    double shift = (xd - l->xs[r]) / H;
    double var = max2(q / H - shift * shift, 0.0);
    return x->p->combine != DRS_COMBINE_WEIGHTED ? var : x->s.weight[r] * sqrt(var);
}

/* The same move as search_full, found without scoring most pairs (branch
 * and bound on the dominant resource r, the one with the larger term in
 * the current imbalance):
 *  - destinations are grouped by capacity C_r (a class: hosts of one model)
 *    and sorted by deviation d_r inside a class. For a VM, x_d = E_r / C_r is
 *    the same across a class and its bound 2 d x_d + x_d^2 grows with d, so
 *    once a host's bound exceeds the best score so far no later host of the
 *    class can win: the scan of the class stops there.
 *  - VMs are visited by source host, most loaded (largest d_r) first, so
 *    that good moves are found early and the bound cuts the other scans
 *    after a host or two.
 * Ties are broken by (VM, host) in consider(), so the visiting order does
 * not change the result. Cost per step: O(H log H) to sort the hosts, then
 * per movable VM O(classes + hosts scanned before the cut).
 * docs/vsphere.md, "Cost of a pass". */
static void search_pruned(pass_ctx *x, best_move *b)
{
    uint32_t nh = x->c->n_hosts, n = 0, n_class = 0;
    const double *dest_ok = x->scratch + 4 * (size_t)nh;
    double term[2];
    for (int k = 0; k < 2; k++)
        term[k] = x->p->combine != DRS_COMBINE_WEIGHTED ? x->s.sq_dev[k] : x->s.weight[k] * sqrt(x->s.sq_dev[k]);
    int r = term[1] > term[0] ? 1 : 0;
    const double *dev = x->scratch + (size_t)r * nh, *inv = x->scratch + (size_t)(2 + r) * nh;

    for (uint32_t h = 0; h < nh; h++)
        if (dest_ok[h])
            x->dest[n++] = (drs_host_key){.inv = inv[h], .dev = dev[h], .host = h};
    memcpy(x->src, x->dest, n * sizeof *x->src);
    drs_host_keys_sort_dest(x->dest, n);
    drs_host_keys_sort_src(x->src, n);
    for (uint32_t i = 0; i < n; i++)
        if (i == 0 || x->dest[i].inv != x->dest[i - 1].inv)
            x->class_start[n_class++] = i;
    x->class_start[n_class] = n;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t src = x->src[i].host;
        for (int32_t v = x->lists.head[src]; v >= 0; v = x->lists.next[v]) {
            int32_t from;
            vm_leave l;
            if (!movable_from(x, (uint32_t)v, &from))
                continue;
            vm_leave_prep(x, (uint32_t)v, from, &l);
            const drs_vm *vm = &x->c->vms[v];
            double e_r = r == 0 ? vm->cpu_entitlement_mhz : vm->mem_entitlement_mib;
            for (uint32_t k = 0; k < n_class; k++)
                for (uint32_t j = x->class_start[k]; j < x->class_start[k + 1]; j++) {
                    const drs_host_key *d = &x->dest[j];
                    if ((int32_t)d->host == from)
                        continue;
                    if (score_bound(x, &l, r, e_r, d->inv, d->dev) > b->score)
                        break; /* nor any later host of this class */
                    consider(x, &l, d->host, move_score(x, &l, d->host), b);
                }
        }
    }
}

/* The load-balancing move with the largest goodness that passes every
 * filter, or -1. The what-if imbalance is the shift formula of
 * drs_state_imbalance_if, unrolled with per-host deviations and inverse
 * capacities computed once per step: for x_s = E/C_s leaving s and x_d =
 * E/C_d joining d,
 *   Q' = Q - 2 d_s x_s + x_s^2 + 2 d_d x_d + x_d^2,
 *   var' = Q'/H - ((x_d - x_s)/H)^2.
 * With DRS_COMBINE_MAX candidates are ranked by max(var'_cpu, var'_mem),
 * which orders them as the imbalance does without a square root each.
 * Ties keep the lower (VM, host) pair, so the result depends only on the
 * input. */
static int32_t best_balancing_move(pass_ctx *x, double before, uint32_t *best_v_out, drs_pass_result *out)
{
    double limit = before - x->p->min_goodness - DRS_GOODNESS_EPS; /* I' must be below this */
    int use_max = x->p->combine != DRS_COMBINE_WEIGHTED;

    if (!(limit > 0.0) || x->s.n_balancing == 0)
        return -1;
    step_tables(x);
    best_move bound = {.v = 0, .to = -1, .score = use_max ? limit * limit : limit}, b = bound;
    if (x->p->search == DRS_SEARCH_PRUNED) {
        search_pruned(x, &b);
        if (x->p->search_check) {
            best_move full = bound;
            search_full(x, &full);
            out->n_search_checked++;
            out->n_search_differ += full.to != b.to || (full.to >= 0 && full.v != b.v);
        }
    } else {
        search_full(x, &b);
    }
    *best_v_out = b.v;
    return b.to;
}

static void pass_ctx_free(pass_ctx *x)
{
    drs_state_free(&x->s);
    drs_rules_index_free(&x->idx);
    drs_host_lists_free(&x->lists);
    free(x->host_moves);
    free(x->scratch);
    free(x->dest);
    free(x->src);
    free(x->class_start);
}

static int pass_ctx_init(pass_ctx *x, const drs_cluster *c, const drs_params *p, int32_t *assignment)
{
    size_t nh = c->n_hosts ? c->n_hosts : 1;
    memset(x, 0, sizeof *x);
    x->c = c;
    x->p = p;
    x->assignment = assignment;
    x->host_moves = calloc(nh, sizeof *x->host_moves);
    x->scratch = malloc(5 * nh * sizeof *x->scratch);
    if (x->host_moves == NULL || x->scratch == NULL)
        return -1;
    if (p->search == DRS_SEARCH_PRUNED) {
        x->dest = malloc(nh * sizeof *x->dest);
        x->src = malloc(nh * sizeof *x->src);
        x->class_start = malloc((nh + 1) * sizeof *x->class_start);
        if (!x->dest || !x->src || !x->class_start ||
            drs_host_lists_init(&x->lists, c->n_hosts, c->n_vms, assignment) != 0)
            return -1;
    }
    if (drs_rules_index_build(&x->idx, c->rules, c->rules ? c->n_rules : 0, c->n_vms) != 0)
        return -1;
    return drs_state_init(&x->s, c, p->combine, assignment, UINT32_MAX);
}

int drs_pass(const drs_cluster *c, const drs_params *p, int32_t *assignment, drs_move *moves,
             uint32_t max_moves, drs_pass_result *out)
{
    pass_ctx x;
    uint32_t n = 0, cap = max_moves;

    if (c == NULL || p == NULL || assignment == NULL || out == NULL || (moves == NULL && max_moves > 0) ||
        p->threshold < 1 || p->threshold > 5)
        return -1;
    if (p->max_moves_per_pass < cap)
        cap = p->max_moves_per_pass;
    memset(out, 0, sizeof *out);
    if (pass_ctx_init(&x, c, p, assignment) != 0) {
        pass_ctx_free(&x);
        return -1;
    }
    for (uint32_t h = 0; h < c->n_hosts; h++)
        x.host_moves[h] = c->hosts[h].vmotions_in_flight;

    out->imbalance_before = drs_state_imbalance(&x.s, NULL);
    out->target = drs_target_imbalance(p->threshold, x.s.n_balancing);

    /* Mandatory moves first, VMs in index order. */
    for (uint32_t v = 0; v < c->n_vms && n < cap; v++) {
        if (!needs_mandatory_move(&x, v))
            continue;
        int32_t from = assignment[v];
        if (!host_has_vmotion_slot(&x, (uint32_t)from))
            continue;
        int32_t to = mandatory_destination(&x, v, c->hosts[from].state == DRS_HOST_MAINTENANCE);
        if (to < 0)
            continue;
        record_move(&x, &moves[n++], v, from, to, 1, drs_state_imbalance(&x.s, NULL));
        out->n_mandatory++;
    }

    /* Load balancing: greedy hill climbing, one best move at a time. */
    out->stop = DRS_STOP_BALANCED;
    for (;;) {
        double before = drs_state_imbalance(&x.s, NULL);
        if (!(before > out->target)) {
            out->stop = DRS_STOP_BALANCED;
            break;
        }
        if (n >= cap) {
            out->stop = DRS_STOP_MAX_MOVES;
            break;
        }
        uint32_t best_v = 0;
        int32_t best_to = best_balancing_move(&x, before, &best_v, out);
        if (best_to < 0) {
            out->stop = DRS_STOP_NO_MOVE;
            break;
        }
        int priority = drs_move_priority(before, x.s.n_balancing);
        record_move(&x, &moves[n++], best_v, assignment[best_v], best_to, priority, before);
    }
    out->n_moves = n;
    out->imbalance_after = drs_state_imbalance(&x.s, NULL);
    pass_ctx_free(&x);
    return (int)n;
}
