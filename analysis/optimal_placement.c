/* optimal_placement.c - the placement as a binary program for GLPK (see
 * optimal_placement.h; the formulation is written out in docs/optimal.md).
 *
 * VMs with equal requests form a type t of n_t VMs. Columns: y_h (host h
 * is used), x_th (how many VMs of type t on host h, only for pairs where
 * the type fits the empty host, at most u_th of them) and, for the balance
 * objective, z (the maximum load). Rows: sum_h x_th = n_t; per host and
 * per summed resource, sum_t a_t x_th <= cap_h y_h; x_th <= u_th y_h
 * (tightens the LP relaxation); y_h >= y_h+1 for consecutive identical
 * hosts (removes symmetric solutions); for balance, the load rows <= z.
 */
#include "analysis/optimal_placement.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef VDCSIM_HAVE_GLPK
#include <glpk.h>
#endif

double optimal_max_load(const placement_host_view *hosts, uint32_t n_hosts, const placement_request *vms,
                        uint32_t n_vms, const int32_t *host_of_vm)
{
    double *cpu = calloc(n_hosts ? n_hosts : 1, sizeof *cpu);
    double *mem = calloc(n_hosts ? n_hosts : 1, sizeof *mem);
    double worst = 0.0;
    if (!cpu || !mem) {
        free(cpu);
        free(mem);
        return NAN;
    }
    for (uint32_t v = 0; v < n_vms; v++) {
        int32_t h = host_of_vm[v];
        if (h < 0 || (uint32_t)h >= n_hosts)
            continue;
        cpu[h] += vms[v].cpu_mhz;
        mem[h] += (double)vms[v].memory_mib;
    }
    for (uint32_t h = 0; h < n_hosts; h++) {
        if (hosts[h].cpu_mhz > 0.0 && cpu[h] / hosts[h].cpu_mhz > worst)
            worst = cpu[h] / hosts[h].cpu_mhz;
        if (hosts[h].memory_mib > 0 && mem[h] / (double)hosts[h].memory_mib > worst)
            worst = mem[h] / (double)hosts[h].memory_mib;
    }
    free(cpu);
    free(mem);
    return worst;
}

#ifndef VDCSIM_HAVE_GLPK

int optimal_placement_available(void) { return 0; }
const char *optimal_solver_name(void) { return "none"; }

optimal_status optimal_placement_solve(const placement_host_view *hosts, uint32_t n_hosts,
                                       const placement_request *vms, uint32_t n_vms, optimal_objective objective,
                                       double time_limit_s, optimal_result *result, int32_t *host_of_vm, char *err,
                                       size_t err_len)
{
    (void)hosts, (void)n_hosts, (void)vms, (void)n_vms, (void)objective, (void)time_limit_s, (void)host_of_vm;
    snprintf(err, err_len,
             "this vdcsim was built without GLPK: install the Debian package libglpk-dev "
             "(scripts/install-deps) and build again");
    *result = (optimal_result){.status = OPTIMAL_ERROR, .bound = -INFINITY, .unplaceable_vm = -1};
    return OPTIMAL_ERROR;
}

#else

/* Pairs and nonzeros are limited so every GLPK index fits an int and the
 * matrix stays within a few hundred MB. */
#define OPTIMAL_MAX_PAIRS 1000000u

int optimal_placement_available(void) { return 1; }

const char *optimal_solver_name(void)
{
    static char name[64];
    snprintf(name, sizeof name, "GLPK %s", glp_version());
    return name;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What the branch-and-cut callback keeps: the best proven bound seen (the
 * bound of its best active node, which only rises) and a first-fit
 * decreasing placement offered once as the first incumbent, so that a
 * time limit always leaves a placement to report. */
typedef struct bound_watch {
    double bound;
    const double *heuristic; /* column values, 1-based; NULL if FFD failed */
    int offered;
} bound_watch;

static void watch_bound(glp_tree *tree, void *info)
{
    bound_watch *w = info;
    if (glp_ios_reason(tree) == GLP_IHEUR && w->heuristic && !w->offered) {
        w->offered = 1;
        glp_ios_heur_sol(tree, w->heuristic);
    }
    int best = glp_ios_best_node(tree);
    if (best == 0)
        return;
    double b = glp_ios_node_bound(tree, best);
    if (isfinite(b) && fabs(b) < 1e300 && b > w->bound)
        w->bound = b;
}

/* Hosts with the same capacities and group are interchangeable. */
static int same_host(const placement_host_view *a, const placement_host_view *b)
{
    return a->logical_cpus == b->logical_cpus && a->memory_mib == b->memory_mib && a->cpu_mhz == b->cpu_mhz &&
           a->physical_memory_mib == b->physical_memory_mib && a->sriov_vfs == b->sriov_vfs &&
           a->group == b->group && a->usable == b->usable;
}

/* The growing constraint matrix in GLPK's 1-based triplet form. */
typedef struct triplets {
    int *ia, *ja;
    double *ar;
    size_t n, cap;
} triplets;

static int put(triplets *t, int row, int col, double value)
{
    if (t->n + 1 >= t->cap)
        return -1; /* sized in advance; never reached */
    t->n++;
    t->ia[t->n] = row;
    t->ja[t->n] = col;
    t->ar[t->n] = value;
    return 0;
}

/* VMs with equal requests are one type: the program counts how many of
 * each type go on each host, so its size grows with types x hosts, not
 * VMs x hosts (a scenario's VM group is usually one type). */
typedef struct problem {
    uint32_t n_hosts, n_vms, n_types;
    uint32_t *type_of_vm;   /* per VM */
    uint32_t *type_rep;     /* per type: one of its VMs */
    uint32_t *type_count;   /* per type: how many VMs */
    size_t n_pairs;
    size_t *first_pair;     /* per type, index of its first pair; n_types + 1 entries */
    uint32_t *pair_host;
    double *pair_max;       /* per pair: most VMs of the type the empty host holds */
} problem;

static void problem_free(problem *p)
{
    free(p->type_of_vm);
    free(p->type_rep);
    free(p->type_count);
    free(p->first_pair);
    free(p->pair_host);
    free(p->pair_max);
}

static const placement_request *sort_vms; /* qsort has no context argument */

static int cmp_request(const placement_request *a, const placement_request *b)
{
#define CMP_FIELD(f)                                                                                                   \
    if (a->f != b->f)                                                                                                  \
        return a->f < b->f ? -1 : 1;
    CMP_FIELD(vcpus)
    CMP_FIELD(memory_mib)
    CMP_FIELD(host_group)
    CMP_FIELD(cpu_mhz)
    CMP_FIELD(sriov_vfs)
    CMP_FIELD(cpu_reservation_mhz)
    CMP_FIELD(memory_reservation_mib)
#undef CMP_FIELD
    return 0;
}

static int by_request(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    int c = cmp_request(&sort_vms[a], &sort_vms[b]);
    return c ? c : (a < b ? -1 : a > b);
}

static int make_types(const placement_request *vms, problem *p)
{
    uint32_t n = p->n_vms;
    uint32_t *order = malloc((size_t)n * sizeof *order);
    p->type_of_vm = malloc((size_t)n * sizeof *p->type_of_vm);
    p->type_rep = malloc((size_t)n * sizeof *p->type_rep);
    p->type_count = calloc(n, sizeof *p->type_count);
    if (!order || !p->type_of_vm || !p->type_rep || !p->type_count) {
        free(order);
        return -1;
    }
    for (uint32_t v = 0; v < n; v++)
        order[v] = v;
    sort_vms = vms;
    qsort(order, n, sizeof *order, by_request);
    p->n_types = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i == 0 || cmp_request(&vms[order[i - 1]], &vms[order[i]]) != 0)
            p->type_rep[p->n_types++] = order[i];
        p->type_of_vm[order[i]] = p->n_types - 1;
        p->type_count[p->n_types - 1]++;
    }
    free(order);
    return 0;
}

/* The amount of summed resource r a VM takes and a host offers. */
enum { RES_MEMORY, RES_CPU_RESERVATION, RES_MEMORY_RESERVATION, RES_SRIOV_VFS, RES_COUNT };

static double vm_amount(const placement_request *r, int res)
{
    switch (res) {
    case RES_MEMORY: return (double)r->memory_mib;
    case RES_CPU_RESERVATION: return r->cpu_reservation_mhz;
    case RES_MEMORY_RESERVATION: return r->memory_reservation_mib;
    default: return (double)r->sriov_vfs;
    }
}

static double host_amount(const placement_host_view *h, int res)
{
    switch (res) {
    case RES_MEMORY: return (double)h->memory_mib;
    case RES_CPU_RESERVATION: return h->cpu_mhz;
    case RES_MEMORY_RESERVATION: return (double)h->physical_memory_mib;
    default: return (double)h->sriov_vfs;
    }
}

/* Lists the hosts each type fits alone; 0, -1 out of memory, -3 too
 * large, or -2 with *unplaceable set when a VM fits nowhere. */
static int list_pairs(const placement_host_view *hosts, const placement_request *vms, problem *p,
                      int64_t *unplaceable)
{
    p->first_pair = malloc(((size_t)p->n_types + 1) * sizeof *p->first_pair);
    size_t cap = 1024;
    p->pair_host = malloc(cap * sizeof *p->pair_host);
    p->pair_max = malloc(cap * sizeof *p->pair_max);
    if (!p->first_pair || !p->pair_host || !p->pair_max)
        return -1;
    p->n_pairs = 0;
    for (uint32_t t = 0; t < p->n_types; t++) {
        const placement_request *q = &vms[p->type_rep[t]];
        p->first_pair[t] = p->n_pairs;
        for (uint32_t h = 0; h < p->n_hosts; h++) {
            placement_host_view empty = hosts[h];
            empty.committed_memory_mib = 0;
            empty.committed_cpu_mhz = 0.0;
            empty.reserved_cpu_mhz = 0.0;
            empty.reserved_memory_mib = 0.0;
            empty.committed_sriov_vfs = 0;
            if (!placement_fits(&empty, q))
                continue;
            if (p->n_pairs >= OPTIMAL_MAX_PAIRS)
                return -3;
            if (p->n_pairs == cap) {
                uint32_t *grown_host = realloc(p->pair_host, 2 * cap * sizeof *grown_host);
                if (grown_host)
                    p->pair_host = grown_host;
                double *grown_max = realloc(p->pair_max, 2 * cap * sizeof *grown_max);
                if (grown_max)
                    p->pair_max = grown_max;
                if (!grown_host || !grown_max)
                    return -1;
                cap *= 2;
            }
            double most = (double)p->type_count[t];
            for (int r = 0; r < RES_COUNT; r++) {
                double a = vm_amount(q, r);
                if (a > 0.0 && floor(host_amount(&hosts[h], r) / a + 1e-9) < most)
                    most = floor(host_amount(&hosts[h], r) / a + 1e-9);
            }
            p->pair_host[p->n_pairs] = h;
            p->pair_max[p->n_pairs++] = most;
        }
        if (p->first_pair[t] == p->n_pairs) {
            *unplaceable = p->type_rep[t];
            return -2;
        }
    }
    p->first_pair[p->n_types] = p->n_pairs;
    return 0;
}

/* Builds the program into lp. Column of y_h: 1 + h; of pair k: 1 + n_hosts
 * + k; of z: after the pairs. Returns 0 or -1 (out of memory). */
static int build(glp_prob *lp, const placement_host_view *hosts, const placement_request *vms, const problem *p,
                 optimal_objective objective)
{
    const int balance = objective == OPTIMAL_BALANCE;
    const int n_cols = (int)(p->n_hosts + p->n_pairs) + (balance ? 1 : 0);
    const int z_col = n_cols;
    /* nonzeros: assignment 1, resources 4, linking 2 and load 2 per pair;
     * 4 resources + 1 symmetry + 2 load per host */
    size_t cap = 9 * p->n_pairs + 7 * (size_t)p->n_hosts + 2;
    triplets t = {malloc(cap * sizeof(int)), malloc(cap * sizeof(int)), malloc(cap * sizeof(double)), 0, cap};
    int rc = -1;
    size_t *count = NULL, *by_host = NULL, *fill = NULL;
    uint32_t *pair_type = NULL;
    if (!t.ia || !t.ja || !t.ar)
        goto done;

    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_cols(lp, n_cols);
    for (uint32_t h = 0; h < p->n_hosts; h++) {
        glp_set_col_kind(lp, 1 + (int)h, GLP_BV);
        if (balance)
            glp_set_col_bnds(lp, 1 + (int)h, GLP_FX, 1.0, 1.0); /* balance: every host is available */
        else
            glp_set_obj_coef(lp, 1 + (int)h, 1.0);
    }
    for (size_t k = 0; k < p->n_pairs; k++) {
        int col = 1 + (int)(p->n_hosts + k);
        glp_set_col_kind(lp, col, GLP_IV);
        if (p->pair_max[k] > 0.0)
            glp_set_col_bnds(lp, col, GLP_DB, 0.0, p->pair_max[k]);
        else
            glp_set_col_bnds(lp, col, GLP_FX, 0.0, 0.0);
    }
    if (balance) {
        glp_set_col_bnds(lp, z_col, GLP_LO, 0.0, 0.0);
        glp_set_obj_coef(lp, z_col, 1.0);
    }

    int row = 0;
    /* every VM of each type on some host */
    for (uint32_t ty = 0; ty < p->n_types; ty++) {
        row = glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, row, GLP_FX, (double)p->type_count[ty], (double)p->type_count[ty]);
        for (size_t k = p->first_pair[ty]; k < p->first_pair[ty + 1]; k++)
            put(&t, row, 1 + (int)(p->n_hosts + k), 1.0);
    }
    /* The pairs of each host, to write its rows. */
    count = calloc((size_t)p->n_hosts + 1, sizeof *count);
    fill = calloc((size_t)p->n_hosts + 1, sizeof *fill);
    by_host = malloc((p->n_pairs ? p->n_pairs : 1) * sizeof *by_host);
    pair_type = malloc((p->n_pairs ? p->n_pairs : 1) * sizeof *pair_type);
    if (!count || !fill || !by_host || !pair_type)
        goto done;
    for (uint32_t ty = 0; ty < p->n_types; ty++)
        for (size_t k = p->first_pair[ty]; k < p->first_pair[ty + 1]; k++) {
            pair_type[k] = ty;
            count[p->pair_host[k] + 1]++;
        }
    for (uint32_t h = 0; h < p->n_hosts; h++)
        count[h + 1] += count[h];
    for (size_t k = 0; k < p->n_pairs; k++) {
        uint32_t h = p->pair_host[k];
        by_host[count[h] + fill[h]++] = k;
    }

    for (uint32_t h = 0; h < p->n_hosts; h++) {
        const int y_col = 1 + (int)h;
        for (int r = 0; r < RES_COUNT; r++) {
            int any = 0;
            for (size_t i = count[h]; i < count[h + 1]; i++)
                any |= vm_amount(&vms[p->type_rep[pair_type[by_host[i]]]], r) > 0.0;
            if (!any)
                continue; /* no VM that may go here uses this resource */
            row = glp_add_rows(lp, 1);
            glp_set_row_bnds(lp, row, GLP_UP, 0.0, 0.0);
            for (size_t i = count[h]; i < count[h + 1]; i++) {
                double a = vm_amount(&vms[p->type_rep[pair_type[by_host[i]]]], r);
                if (a > 0.0)
                    put(&t, row, 1 + (int)(p->n_hosts + by_host[i]), a);
            }
            put(&t, row, y_col, -host_amount(&hosts[h], r));
        }
        if (balance) {
            for (int r = 0; r < 2; r++) {
                double cap_h = r == 0 ? hosts[h].cpu_mhz : (double)hosts[h].memory_mib;
                if (!(cap_h > 0.0) || count[h] == count[h + 1])
                    continue;
                row = glp_add_rows(lp, 1);
                glp_set_row_bnds(lp, row, GLP_UP, 0.0, 0.0);
                for (size_t i = count[h]; i < count[h + 1]; i++) {
                    const placement_request *q = &vms[p->type_rep[pair_type[by_host[i]]]];
                    double a = (r == 0 ? q->cpu_mhz : (double)q->memory_mib) / cap_h;
                    if (a > 0.0)
                        put(&t, row, 1 + (int)(p->n_hosts + by_host[i]), a);
                }
                put(&t, row, z_col, -1.0);
            }
        } else if (h + 1 < p->n_hosts && same_host(&hosts[h], &hosts[h + 1])) {
            row = glp_add_rows(lp, 1); /* y_h >= y_h+1 */
            glp_set_row_bnds(lp, row, GLP_LO, 0.0, 0.0);
            put(&t, row, y_col, 1.0);
            put(&t, row, y_col + 1, -1.0);
        }
    }
    if (!balance) {
        /* x_th <= max_th y_h: no VM on an unused host */
        for (size_t k = 0; k < p->n_pairs; k++) {
            row = glp_add_rows(lp, 1);
            glp_set_row_bnds(lp, row, GLP_UP, 0.0, 0.0);
            put(&t, row, 1 + (int)(p->n_hosts + k), 1.0);
            put(&t, row, 1 + (int)p->pair_host[k], -p->pair_max[k]);
        }
    }
    glp_load_matrix(lp, (int)t.n, t.ia, t.ja, t.ar);
    rc = 0;
done:
    free(count), free(fill), free(by_host), free(pair_type);
    free(t.ia), free(t.ja), free(t.ar);
    return rc;
}

static const placement_request *ffd_vms; /* qsort has no context argument */
static const problem *ffd_problem;

/* Larger memory first, then larger CPU reservation (first fit decreasing). */
static int by_size_decreasing(const void *x, const void *y)
{
    const placement_request *a = &ffd_vms[ffd_problem->type_rep[*(const uint32_t *)x]];
    const placement_request *b = &ffd_vms[ffd_problem->type_rep[*(const uint32_t *)y]];
    if (a->memory_mib != b->memory_mib)
        return a->memory_mib > b->memory_mib ? -1 : 1;
    if (a->cpu_reservation_mhz != b->cpu_reservation_mhz)
        return a->cpu_reservation_mhz > b->cpu_reservation_mhz ? -1 : 1;
    return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}

/* First fit decreasing over types on the empty hosts, as column values
 * (1-based, n_cols + 1 entries). 1 when every VM was placed, 0 when not,
 * -1 when out of memory. */
static int ffd_columns(const placement_host_view *hosts, const placement_request *vms, const problem *p,
                       optimal_objective objective, double *col)
{
    placement_host_view *view = malloc((size_t)(p->n_hosts ? p->n_hosts : 1) * sizeof *view);
    uint32_t *order = malloc((size_t)(p->n_types ? p->n_types : 1) * sizeof *order);
    double *cpu = calloc(p->n_hosts ? p->n_hosts : 1, sizeof *cpu);
    int placed_all = 1;
    if (!view || !order || !cpu) {
        free(view), free(order), free(cpu);
        return -1;
    }
    for (uint32_t h = 0; h < p->n_hosts; h++) {
        view[h] = hosts[h];
        view[h].committed_memory_mib = view[h].committed_sriov_vfs = 0;
        view[h].committed_cpu_mhz = view[h].reserved_cpu_mhz = view[h].reserved_memory_mib = 0.0;
        col[1 + h] = objective == OPTIMAL_BALANCE ? 1.0 : 0.0;
    }
    for (size_t k = 0; k < p->n_pairs; k++)
        col[1 + p->n_hosts + k] = 0.0;
    for (uint32_t t = 0; t < p->n_types; t++)
        order[t] = t;
    ffd_vms = vms;
    ffd_problem = p;
    qsort(order, p->n_types, sizeof *order, by_size_decreasing);
    for (uint32_t i = 0; i < p->n_types && placed_all; i++) {
        uint32_t t = order[i];
        const placement_request *q = &vms[p->type_rep[t]];
        for (uint32_t n = 0; n < p->type_count[t] && placed_all; n++) {
            size_t k = p->first_pair[t];
            while (k < p->first_pair[t + 1] && !placement_fits(&view[p->pair_host[k]], q))
                k++;
            if (k == p->first_pair[t + 1]) {
                placed_all = 0;
                break;
            }
            placement_host_view *hv = &view[p->pair_host[k]];
            hv->committed_memory_mib += q->memory_mib;
            hv->committed_sriov_vfs += q->sriov_vfs;
            hv->reserved_cpu_mhz += q->cpu_reservation_mhz;
            hv->reserved_memory_mib += q->memory_reservation_mib;
            cpu[p->pair_host[k]] += q->cpu_mhz;
            col[1 + p->n_hosts + k] += 1.0;
            col[1 + p->pair_host[k]] = 1.0;
        }
    }
    if (placed_all && objective == OPTIMAL_BALANCE) {
        double z = 0.0;
        for (uint32_t h = 0; h < p->n_hosts; h++) {
            if (hosts[h].cpu_mhz > 0.0 && cpu[h] / hosts[h].cpu_mhz > z)
                z = cpu[h] / hosts[h].cpu_mhz;
            if (hosts[h].memory_mib > 0 && (double)view[h].committed_memory_mib / (double)hosts[h].memory_mib > z)
                z = (double)view[h].committed_memory_mib / (double)hosts[h].memory_mib;
        }
        col[1 + p->n_hosts + p->n_pairs] = z;
    }
    free(view), free(order), free(cpu);
    return placed_all;
}

/* Gives each VM a host from counts per (type, host) pair (col: column
 * values, 1-based), the VMs of a type in their order. */
static void hosts_from_counts(const problem *p, const double *col, int32_t *where)
{
    for (uint32_t v = 0; v < p->n_vms; v++)
        where[v] = -1;
    for (uint32_t t = 0; t < p->n_types; t++) {
        size_t k = p->first_pair[t];
        double left = k < p->first_pair[t + 1] ? floor(col[1 + p->n_hosts + k] + 0.5) : 0.0;
        for (uint32_t v = 0; v < p->n_vms; v++) {
            if (p->type_of_vm[v] != t)
                continue;
            while (left < 1.0 && ++k < p->first_pair[t + 1])
                left = floor(col[1 + p->n_hosts + k] + 0.5);
            if (k >= p->first_pair[t + 1])
                break;
            where[v] = (int32_t)p->pair_host[k];
            left -= 1.0;
        }
    }
}

/* The MIP solution as a host per VM. 0, or -1 when out of memory. */
static int read_solution(glp_prob *lp, const problem *p, int32_t *where)
{
    size_t n_cols = (size_t)glp_get_num_cols(lp);
    double *col = malloc((n_cols + 1) * sizeof *col);
    if (!col)
        return -1;
    for (size_t j = 1; j <= n_cols; j++)
        col[j] = glp_mip_col_val(lp, (int)j);
    hosts_from_counts(p, col, where);
    free(col);
    return 0;
}

optimal_status optimal_placement_solve(const placement_host_view *hosts, uint32_t n_hosts,
                                       const placement_request *vms, uint32_t n_vms, optimal_objective objective,
                                       double time_limit_s, optimal_result *result, int32_t *host_of_vm, char *err,
                                       size_t err_len)
{
    *result = (optimal_result){.status = OPTIMAL_ERROR, .bound = -INFINITY, .unplaceable_vm = -1};
    if (host_of_vm)
        for (uint32_t v = 0; v < n_vms; v++)
            host_of_vm[v] = -1;
    if (n_vms == 0) {
        *result = (optimal_result){.status = OPTIMAL_PROVEN, .unplaceable_vm = -1};
        return OPTIMAL_PROVEN;
    }
    problem p = {.n_hosts = n_hosts, .n_vms = n_vms};
    int listed = make_types(vms, &p) != 0 ? -1 : list_pairs(hosts, vms, &p, &result->unplaceable_vm);
    if (listed == -2) {
        problem_free(&p);
        result->status = OPTIMAL_INFEASIBLE;
        return OPTIMAL_INFEASIBLE;
    }
    if (listed != 0) {
        problem_free(&p);
        snprintf(err, err_len,
                 listed == -3 ? "the exact program would have more than %u (VM type, host) pairs: too large for GLPK"
                              : "out of memory building the program (%u pairs at most)",
                 OPTIMAL_MAX_PAIRS);
        return OPTIMAL_ERROR;
    }
    glp_term_out(GLP_OFF);
    glp_prob *lp = glp_create_prob();
    if (build(lp, hosts, vms, &p, objective) != 0) {
        glp_delete_prob(lp);
        problem_free(&p);
        snprintf(err, err_len, "out of memory building the program");
        return OPTIMAL_ERROR;
    }
    const size_t n_cols = (size_t)n_hosts + p.n_pairs + (objective == OPTIMAL_BALANCE ? 1 : 0);
    double *heuristic = malloc((n_cols + 1) * sizeof *heuristic);
    int ffd = heuristic ? ffd_columns(hosts, vms, &p, objective, heuristic) : -1;
    if (ffd < 0) {
        free(heuristic);
        glp_delete_prob(lp);
        problem_free(&p);
        snprintf(err, err_len, "out of memory building the program");
        return OPTIMAL_ERROR;
    }
    bound_watch watch = {.bound = -INFINITY, .heuristic = ffd ? heuristic : NULL};
    /* Without the presolver the search works on our own columns, so the
     * FFD incumbent can be handed to it; the root LP is solved first. */
    const int limit_ms = time_limit_s >= (double)INT_MAX / 1000.0 ? INT_MAX : (int)(time_limit_s * 1000.0);
    glp_smcp lp_parm;
    glp_init_smcp(&lp_parm);
    lp_parm.msg_lev = GLP_MSG_OFF;
    lp_parm.tm_lim = limit_ms;
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    parm.cb_func = watch_bound;
    parm.cb_info = &watch;
    double t0 = now_s();
    int ret = glp_simplex(lp, &lp_parm);
    int mip = GLP_UNDEF;
    if (ret == 0 && glp_get_status(lp) == GLP_NOFEAS) {
        ret = GLP_ENOPFS;
    } else if (ret == 0) {
        double spent_ms = (now_s() - t0) * 1000.0;
        parm.tm_lim = spent_ms >= (double)limit_ms - 1.0 ? 1 : limit_ms - (int)spent_ms;
        ret = glp_intopt(lp, &parm);
        mip = glp_mip_status(lp);
    }
    result->solve_s = now_s() - t0;

    if (ret == GLP_ENOPFS || (ret == 0 && mip == GLP_NOFEAS)) {
        result->status = OPTIMAL_INFEASIBLE;
    } else if ((ret == 0 || ret == GLP_ETMLIM) && (mip == GLP_OPT || mip == GLP_FEAS)) {
        result->status = ret == 0 && mip == GLP_OPT ? OPTIMAL_PROVEN : OPTIMAL_TIME_LIMIT;
        uint32_t used = 0;
        char *host_used = calloc(n_hosts ? n_hosts : 1, 1);
        int32_t *where = host_of_vm ? host_of_vm : malloc((size_t)n_vms * sizeof *where);
        if (!host_used || !where || read_solution(lp, &p, where) != 0) {
            free(host_used);
            if (where != host_of_vm)
                free(where);
            free(heuristic);
            glp_delete_prob(lp);
            problem_free(&p);
            snprintf(err, err_len, "out of memory reading the solution");
            result->status = OPTIMAL_ERROR;
            return OPTIMAL_ERROR;
        }
        for (uint32_t v = 0; v < n_vms; v++)
            if (where[v] >= 0 && !host_used[where[v]]++)
                used++;
        result->value = objective == OPTIMAL_HOSTS ? (double)used
                                                   : optimal_max_load(hosts, n_hosts, vms, n_vms, where);
        free(host_used);
        if (where != host_of_vm)
            free(where);
        if (result->status == OPTIMAL_PROVEN) {
            result->bound = result->value;
        } else {
            double b = watch.bound;
            if (objective == OPTIMAL_HOSTS && isfinite(b))
                b = ceil(b - 1e-6); /* the count of hosts is an integer */
            result->bound = b;
            if (isfinite(b) && result->value > 0.0)
                result->gap = (result->value - b) / result->value;
            else
                result->gap = INFINITY;
        }
    } else if (ret == GLP_ETMLIM && glp_get_status(lp) != GLP_OPT && watch.heuristic) {
        /* the limit came before the root LP was solved: FFD is the best found */
        result->status = OPTIMAL_TIME_LIMIT;
        int32_t *where = host_of_vm ? host_of_vm : malloc((size_t)n_vms * sizeof *where);
        char *host_used = calloc(n_hosts ? n_hosts : 1, 1);
        uint32_t used = 0;
        if (where && host_used) {
            hosts_from_counts(&p, watch.heuristic, where);
            for (uint32_t v = 0; v < n_vms; v++)
                if (where[v] >= 0 && !host_used[where[v]]++)
                    used++;
            result->value = objective == OPTIMAL_HOSTS ? (double)used
                                                       : optimal_max_load(hosts, n_hosts, vms, n_vms, where);
        }
        if (where != host_of_vm)
            free(where);
        free(host_used);
        result->gap = INFINITY;
    } else if (ret == GLP_ETMLIM) {
        result->status = OPTIMAL_NO_SOLUTION;
        double b = watch.bound;
        result->bound = objective == OPTIMAL_HOSTS && isfinite(b) ? ceil(b - 1e-6) : b;
        result->gap = INFINITY;
    } else {
        snprintf(err, err_len, "GLPK glp_intopt failed (return code %d, MIP status %d)", ret, mip);
        result->status = OPTIMAL_ERROR;
    }
    free(heuristic);
    glp_delete_prob(lp);
    problem_free(&p);
    return result->status;
}

#endif
