/* optimal_placement.c - the placement as an integer program (see
 * optimal_placement.h; the formulation is written out in docs/optimal.md).
 *
 * VMs with equal requests, equal GPU demand and the same hard rules form a
 * type t of n_t VMs. Columns: y_h (host h is used), x_th (how many VMs of
 * type t on host h, only for pairs where the type fits the empty host and
 * its VM-host rules allow h, at most u_th of them), w_Rh (affinity rule R
 * on host h) and, for the balance objective, z (the maximum load). Rows:
 * sum_h x_th = n_t; per host and per summed resource, sum_t a_t x_th <=
 * cap_h y_h; x_th <= u_th y_h (tightens the LP relaxation); y_h >= y_h+1
 * for consecutive interchangeable hosts (removes symmetric solutions);
 * anti-affinity: per host, sum over the rule's types of x_th <= 1;
 * affinity: sum_h w_Rh = 1 and x_th <= u_th w_Rh; for balance, the load
 * rows <= z.
 */
#include "analysis/optimal_placement.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pairs are limited so the program stays within a few hundred MB. */
#define OPTIMAL_MAX_PAIRS 1000000u

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

uint32_t optimal_hosts_used(uint32_t n_hosts, uint32_t n_vms, const int32_t *host_of_vm)
{
    char *used = calloc(n_hosts ? n_hosts : 1, 1);
    uint32_t n = 0;
    if (!used)
        return 0;
    for (uint32_t v = 0; v < n_vms; v++)
        if (host_of_vm[v] >= 0 && (uint32_t)host_of_vm[v] < n_hosts && !used[host_of_vm[v]]++)
            n++;
    free(used);
    return n;
}

int optimal_placement_available(void) { return optimal_solver_available(OPTIMAL_SOLVER_DEFAULT); }

const char *optimal_solver_name(void) { return optimal_solver_label(OPTIMAL_SOLVER_DEFAULT); }

static uint32_t gpu_of_vm(const optimal_instance *in, uint32_t v) { return in->vm_gpu_milli ? in->vm_gpu_milli[v] : 0; }

static uint32_t gpu_of_host(const optimal_instance *in, uint32_t h)
{
    return in->host_gpu_milli ? in->host_gpu_milli[h] : 0;
}

/* 1 when VM v's VM-host rules allow host h. */
static int host_rules_allow(const optimal_instance *in, const drs_rule_index *idx, uint32_t v, uint32_t h)
{
    if (!idx->offsets)
        return 1;
    for (uint32_t i = idx->offsets[v]; i < idx->offsets[v + 1]; i++) {
        const drs_rule *r = &in->rules[idx->rule_ids[i]];
        if (r->kind != DRS_RULE_VM_HOST_MUST && r->kind != DRS_RULE_VM_HOST_MUST_NOT)
            continue;
        int listed = 0;
        for (uint32_t k = 0; k < r->n_hosts && !listed; k++)
            listed = r->hosts[k] == h;
        if (listed != (r->kind == DRS_RULE_VM_HOST_MUST))
            return 0;
    }
    return 1;
}

int optimal_placement_check(const optimal_instance *in, const int32_t *host_of_vm, char *why, size_t why_len)
{
    placement_host_view *view = malloc((size_t)(in->n_hosts ? in->n_hosts : 1) * sizeof *view);
    uint64_t *gpu = calloc(in->n_hosts ? in->n_hosts : 1, sizeof *gpu);
    drs_rule_index idx = {0};
    int ok = view && gpu && (in->n_rules == 0 || drs_rules_index_build(&idx, in->rules, in->n_rules, in->n_vms) == 0);
    if (!ok)
        snprintf(why, why_len, "out of memory");
    if (ok)
        memcpy(view, in->hosts, (size_t)in->n_hosts * sizeof *view);
    for (uint32_t v = 0; ok && v < in->n_vms; v++) {
        int32_t h = host_of_vm[v];
        const placement_request *q = &in->vms[v];
        if (h < 0 || (uint32_t)h >= in->n_hosts) {
            snprintf(why, why_len, "VM %u is not placed", v);
            ok = 0;
        } else if (!placement_fits(&view[h], q)) {
            snprintf(why, why_len, "VM %u does not fit on host %d", v, h);
            ok = 0;
        } else if (gpu[h] + gpu_of_vm(in, v) > gpu_of_host(in, (uint32_t)h)) {
            snprintf(why, why_len, "VM %u: host %d has not enough GPU left", v, h);
            ok = 0;
        } else if (!host_rules_allow(in, &idx, v, (uint32_t)h) ||
                   (in->n_rules && !drs_rules_allow(in->rules, &idx, host_of_vm, v, h, 0))) {
            snprintf(why, why_len, "VM %u on host %d breaks a rule", v, h);
            ok = 0;
        } else {
            view[h].committed_memory_mib += q->memory_mib;
            view[h].committed_cpu_mhz += q->cpu_mhz;
            view[h].committed_sriov_vfs += q->sriov_vfs;
            view[h].reserved_cpu_mhz += q->cpu_reservation_mhz;
            view[h].reserved_memory_mib += q->memory_reservation_mib;
            gpu[h] += gpu_of_vm(in, v);
        }
    }
    drs_rules_index_free(&idx);
    free(view);
    free(gpu);
    return ok;
}

/* The summed resources: what a VM takes and a host offers. */
enum { RES_MEMORY, RES_CPU_RESERVATION, RES_MEMORY_RESERVATION, RES_SRIOV_VFS, RES_GPU, RES_COUNT };

static double vm_amount(const optimal_instance *in, uint32_t v, int res)
{
    const placement_request *r = &in->vms[v];
    switch (res) {
    case RES_MEMORY: return (double)r->memory_mib;
    case RES_CPU_RESERVATION: return r->cpu_reservation_mhz;
    case RES_MEMORY_RESERVATION: return r->memory_reservation_mib;
    case RES_SRIOV_VFS: return (double)r->sriov_vfs;
    default: return (double)gpu_of_vm(in, v);
    }
}

static double host_amount(const optimal_instance *in, uint32_t h, int res)
{
    const placement_host_view *p = &in->hosts[h];
    switch (res) {
    case RES_MEMORY: return (double)p->memory_mib;
    case RES_CPU_RESERVATION: return p->cpu_mhz;
    case RES_MEMORY_RESERVATION: return (double)p->physical_memory_mib;
    case RES_SRIOV_VFS: return (double)p->sriov_vfs;
    default: return (double)gpu_of_host(in, h);
    }
}

/* The instance grouped into types and (type, host) pairs. */
typedef struct problem {
    const optimal_instance *in;
    drs_rule_index idx;      /* hard rules per VM (empty without rules) */
    uint32_t n_types;
    uint32_t *type_of_vm;    /* per VM */
    uint32_t *type_rep;      /* per type: its first VM */
    uint32_t *type_count;    /* per type: how many VMs */
    size_t n_pairs;
    size_t *first_pair;      /* per type, index of its first pair; n_types + 1 entries */
    uint32_t *pair_host;
    double *pair_max;        /* per pair: most VMs of the type the empty host holds */
    /* column indices */
    int first_x, z_col;      /* y_h is column h */
    int *affinity_first_w;   /* per rule: its first w column (hosts in order), or -1 */
} problem;

static void problem_free(problem *p)
{
    drs_rules_index_free(&p->idx);
    free(p->type_of_vm);
    free(p->type_rep);
    free(p->type_count);
    free(p->first_pair);
    free(p->pair_host);
    free(p->pair_max);
    free(p->affinity_first_w);
}

static const problem *sort_problem; /* qsort has no context argument */

static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }
static int cmp_dbl(double a, double b) { return a < b ? -1 : a > b; }

/* Orders VMs by request, GPU demand and hard-rule list: equal means one type. */
static int cmp_vm(const problem *p, uint32_t a, uint32_t b)
{
    const placement_request *x = &p->in->vms[a], *y = &p->in->vms[b];
    int c = cmp_u64(x->vcpus, y->vcpus);
    c = c ? c : cmp_u64(x->memory_mib, y->memory_mib);
    c = c ? c : cmp_dbl(x->host_group, y->host_group);
    c = c ? c : cmp_dbl(x->cpu_mhz, y->cpu_mhz);
    c = c ? c : cmp_u64(x->sriov_vfs, y->sriov_vfs);
    c = c ? c : cmp_dbl(x->cpu_reservation_mhz, y->cpu_reservation_mhz);
    c = c ? c : cmp_dbl(x->memory_reservation_mib, y->memory_reservation_mib);
    c = c ? c : cmp_u64(gpu_of_vm(p->in, a), gpu_of_vm(p->in, b));
    if (c || !p->idx.offsets)
        return c;
    uint32_t na = p->idx.offsets[a + 1] - p->idx.offsets[a], nb = p->idx.offsets[b + 1] - p->idx.offsets[b];
    if (na != nb)
        return na < nb ? -1 : 1;
    for (uint32_t i = 0; i < na; i++)
        if ((c = cmp_u64(p->idx.rule_ids[p->idx.offsets[a] + i], p->idx.rule_ids[p->idx.offsets[b] + i])) != 0)
            return c;
    return 0;
}

static int by_type(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    int c = cmp_vm(sort_problem, a, b);
    return c ? c : (a < b ? -1 : a > b);
}

static int make_types(problem *p)
{
    uint32_t n = p->in->n_vms;
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
    sort_problem = p;
    qsort(order, n, sizeof *order, by_type);
    p->n_types = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i == 0 || cmp_vm(p, order[i - 1], order[i]) != 0)
            p->type_rep[p->n_types++] = order[i];
        p->type_of_vm[order[i]] = p->n_types - 1;
        p->type_count[p->n_types - 1]++;
    }
    free(order);
    return 0;
}

/* 1 when VM v is in a hard rule of this kind. */
static int in_rule_kind(const problem *p, uint32_t v, drs_rule_kind kind)
{
    if (!p->idx.offsets)
        return 0;
    for (uint32_t i = p->idx.offsets[v]; i < p->idx.offsets[v + 1]; i++)
        if (p->in->rules[p->idx.rule_ids[i]].kind == kind)
            return 1;
    return 0;
}

/* Lists the hosts each type fits alone; 0, -1 out of memory, -3 too
 * large, or -2 with *unplaceable set when a VM fits nowhere. */
static int list_pairs(problem *p, int64_t *unplaceable)
{
    const optimal_instance *in = p->in;
    p->first_pair = malloc(((size_t)p->n_types + 1) * sizeof *p->first_pair);
    size_t cap = 1024;
    p->pair_host = malloc(cap * sizeof *p->pair_host);
    p->pair_max = malloc(cap * sizeof *p->pair_max);
    if (!p->first_pair || !p->pair_host || !p->pair_max)
        return -1;
    p->n_pairs = 0;
    for (uint32_t t = 0; t < p->n_types; t++) {
        uint32_t rep = p->type_rep[t];
        const placement_request *q = &in->vms[rep];
        int anti = in_rule_kind(p, rep, DRS_RULE_VM_ANTI_AFFINITY);
        p->first_pair[t] = p->n_pairs;
        for (uint32_t h = 0; h < in->n_hosts; h++) {
            placement_host_view empty = in->hosts[h];
            empty.committed_memory_mib = 0;
            empty.committed_cpu_mhz = 0.0;
            empty.reserved_cpu_mhz = 0.0;
            empty.reserved_memory_mib = 0.0;
            empty.committed_sriov_vfs = 0;
            if (!placement_fits(&empty, q) || gpu_of_vm(in, rep) > gpu_of_host(in, h) ||
                !host_rules_allow(in, &p->idx, rep, h))
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
            double most = anti ? 1.0 : (double)p->type_count[t];
            for (int r = 0; r < RES_COUNT; r++) {
                double a = vm_amount(in, rep, r);
                if (a > 0.0 && floor(host_amount(in, h, r) / a + 1e-9) < most)
                    most = floor(host_amount(in, h, r) / a + 1e-9);
            }
            p->pair_host[p->n_pairs] = h;
            p->pair_max[p->n_pairs++] = most;
        }
        if (p->first_pair[t] == p->n_pairs) {
            *unplaceable = rep;
            return -2;
        }
    }
    p->first_pair[p->n_types] = p->n_pairs;
    return 0;
}

/* Hosts interchangeable for the program: same capacities, group, GPUs,
 * and named by the same VM-host rules. */
static int same_host(const problem *p, uint32_t a, uint32_t b)
{
    const placement_host_view *x = &p->in->hosts[a], *y = &p->in->hosts[b];
    if (!(x->logical_cpus == y->logical_cpus && x->memory_mib == y->memory_mib && x->cpu_mhz == y->cpu_mhz &&
          x->physical_memory_mib == y->physical_memory_mib && x->sriov_vfs == y->sriov_vfs && x->group == y->group &&
          x->usable == y->usable && gpu_of_host(p->in, a) == gpu_of_host(p->in, b)))
        return 0;
    for (uint32_t r = 0; r < p->in->n_rules; r++) {
        const drs_rule *rule = &p->in->rules[r];
        if (rule->kind != DRS_RULE_VM_HOST_MUST && rule->kind != DRS_RULE_VM_HOST_MUST_NOT)
            continue;
        int has_a = 0, has_b = 0;
        for (uint32_t k = 0; k < rule->n_hosts; k++) {
            has_a |= rule->hosts[k] == a;
            has_b |= rule->hosts[k] == b;
        }
        if (has_a != has_b)
            return 0;
    }
    return 1;
}

#define TRY(expr)                                                                                                      \
    do {                                                                                                               \
        if ((expr) < 0)                                                                                                \
            goto fail;                                                                                                 \
    } while (0)

/* Rows of the hard VM-VM rules. 0 or -1 (no memory). */
static int build_rules(optimal_mip *m, problem *p)
{
    const optimal_instance *in = p->in;
    uint32_t n_hosts = in->n_hosts;
    int *row_of_host = malloc((size_t)(n_hosts ? n_hosts : 1) * sizeof *row_of_host);
    uint32_t *type_seen = calloc(p->n_types ? p->n_types : 1, sizeof *type_seen);
    p->affinity_first_w = malloc((size_t)(in->n_rules ? in->n_rules : 1) * sizeof *p->affinity_first_w);
    if (!row_of_host || !type_seen || !p->affinity_first_w)
        goto fail;
    for (uint32_t h = 0; h < n_hosts; h++)
        row_of_host[h] = -1;
    for (uint32_t r = 0; r < in->n_rules; r++) {
        const drs_rule *rule = &in->rules[r];
        p->affinity_first_w[r] = -1;
        if ((rule->kind != DRS_RULE_VM_AFFINITY && rule->kind != DRS_RULE_VM_ANTI_AFFINITY) || rule->n_vms < 2)
            continue;
        if (rule->kind == DRS_RULE_VM_AFFINITY) {
            int sum = optimal_mip_row(m, 1.0, 1.0); /* the rule's VMs on exactly one host */
            TRY(sum);
            for (uint32_t h = 0; h < n_hosts; h++) {
                int w = optimal_mip_col(m, 0.0, 1.0, 0.0, 1);
                TRY(w);
                if (h == 0)
                    p->affinity_first_w[r] = w;
                TRY(optimal_mip_put(m, sum, w, 1.0));
            }
        }
        for (uint32_t i = 0; i < rule->n_vms; i++) {
            uint32_t v = rule->vms[i];
            if (v >= in->n_vms)
                continue;
            uint32_t t = p->type_of_vm[v];
            if (type_seen[t] == r + 1)
                continue; /* each member type once */
            type_seen[t] = r + 1;
            for (size_t k = p->first_pair[t]; k < p->first_pair[t + 1]; k++) {
                uint32_t h = p->pair_host[k];
                int x = p->first_x + (int)k;
                if (rule->kind == DRS_RULE_VM_AFFINITY) {
                    int row = optimal_mip_row(m, -HUGE_VAL, 0.0); /* x_th <= u_th w_Rh */
                    TRY(row);
                    TRY(optimal_mip_put(m, row, x, 1.0));
                    TRY(optimal_mip_put(m, row, p->affinity_first_w[r] + (int)h, -p->pair_max[k]));
                } else {
                    if (row_of_host[h] < 0) /* at most one of the rule's VMs on h */
                        TRY(row_of_host[h] = optimal_mip_row(m, -HUGE_VAL, 1.0));
                    TRY(optimal_mip_put(m, row_of_host[h], x, 1.0));
                }
            }
        }
        for (uint32_t h = 0; h < n_hosts; h++)
            row_of_host[h] = -1;
    }
    free(row_of_host);
    free(type_seen);
    return 0;
fail:
    free(row_of_host);
    free(type_seen);
    return -1;
}

/* Builds the program. 0 or -1 (out of memory). */
static int build(optimal_mip *m, problem *p, optimal_objective objective)
{
    const optimal_instance *in = p->in;
    const int balance = objective == OPTIMAL_BALANCE;
    size_t *count = NULL, *fill = NULL, *by_host = NULL;
    uint32_t *pair_type = NULL;
    for (uint32_t h = 0; h < in->n_hosts; h++) /* y_h: every host is available for balance */
        TRY(optimal_mip_col(m, balance ? 1.0 : 0.0, 1.0, balance ? 0.0 : 1.0, 1));
    p->first_x = m->n_cols;
    for (size_t k = 0; k < p->n_pairs; k++)
        TRY(optimal_mip_col(m, 0.0, p->pair_max[k], 0.0, 1));
    p->z_col = balance ? optimal_mip_col(m, 0.0, HUGE_VAL, 1.0, 0) : -1;
    if (balance)
        TRY(p->z_col);
    /* every VM of each type on some host */
    for (uint32_t ty = 0; ty < p->n_types; ty++) {
        int row = optimal_mip_row(m, (double)p->type_count[ty], (double)p->type_count[ty]);
        TRY(row);
        for (size_t k = p->first_pair[ty]; k < p->first_pair[ty + 1]; k++)
            TRY(optimal_mip_put(m, row, p->first_x + (int)k, 1.0));
    }
    /* the pairs of each host, to write its rows */
    count = calloc((size_t)in->n_hosts + 1, sizeof *count);
    fill = calloc((size_t)in->n_hosts + 1, sizeof *fill);
    by_host = malloc((p->n_pairs ? p->n_pairs : 1) * sizeof *by_host);
    pair_type = malloc((p->n_pairs ? p->n_pairs : 1) * sizeof *pair_type);
    if (!count || !fill || !by_host || !pair_type)
        goto fail;
    for (uint32_t ty = 0; ty < p->n_types; ty++)
        for (size_t k = p->first_pair[ty]; k < p->first_pair[ty + 1]; k++) {
            pair_type[k] = ty;
            count[p->pair_host[k] + 1]++;
        }
    for (uint32_t h = 0; h < in->n_hosts; h++)
        count[h + 1] += count[h];
    for (size_t k = 0; k < p->n_pairs; k++) {
        uint32_t h = p->pair_host[k];
        by_host[count[h] + fill[h]++] = k;
    }
    for (uint32_t h = 0; h < in->n_hosts; h++) {
        const int y_col = (int)h;
        for (int r = 0; r < RES_COUNT; r++) {
            int any = 0;
            for (size_t i = count[h]; i < count[h + 1]; i++)
                any |= vm_amount(in, p->type_rep[pair_type[by_host[i]]], r) > 0.0;
            if (!any)
                continue; /* no VM that may go here uses this resource */
            int row = optimal_mip_row(m, -HUGE_VAL, 0.0);
            TRY(row);
            for (size_t i = count[h]; i < count[h + 1]; i++) {
                double a = vm_amount(in, p->type_rep[pair_type[by_host[i]]], r);
                if (a > 0.0)
                    TRY(optimal_mip_put(m, row, p->first_x + (int)by_host[i], a));
            }
            TRY(optimal_mip_put(m, row, y_col, -host_amount(in, h, r)));
        }
        if (balance) {
            for (int r = 0; r < 2; r++) {
                double cap_h = r == 0 ? in->hosts[h].cpu_mhz : (double)in->hosts[h].memory_mib;
                if (!(cap_h > 0.0) || count[h] == count[h + 1])
                    continue;
                int row = optimal_mip_row(m, -HUGE_VAL, 0.0);
                TRY(row);
                for (size_t i = count[h]; i < count[h + 1]; i++) {
                    const placement_request *q = &in->vms[p->type_rep[pair_type[by_host[i]]]];
                    double a = (r == 0 ? q->cpu_mhz : (double)q->memory_mib) / cap_h;
                    if (a > 0.0)
                        TRY(optimal_mip_put(m, row, p->first_x + (int)by_host[i], a));
                }
                TRY(optimal_mip_put(m, row, p->z_col, -1.0));
            }
        } else if (h + 1 < in->n_hosts && same_host(p, h, h + 1)) {
            int row = optimal_mip_row(m, 0.0, HUGE_VAL); /* y_h >= y_h+1 */
            TRY(row);
            TRY(optimal_mip_put(m, row, y_col, 1.0));
            TRY(optimal_mip_put(m, row, y_col + 1, -1.0));
        }
    }
    if (!balance) {
        /* x_th <= u_th y_h: no VM on an unused host */
        for (size_t k = 0; k < p->n_pairs; k++) {
            int row = optimal_mip_row(m, -HUGE_VAL, 0.0);
            TRY(row);
            TRY(optimal_mip_put(m, row, p->first_x + (int)k, 1.0));
            TRY(optimal_mip_put(m, row, (int)p->pair_host[k], -p->pair_max[k]));
        }
    }
    TRY(build_rules(m, p));
    free(count), free(fill), free(by_host), free(pair_type);
    return 0;
fail:
    free(count), free(fill), free(by_host), free(pair_type);
    return -1;
}

static const problem *ffd_problem; /* qsort has no context argument */

/* Larger memory first, then larger CPU reservation, then larger GPU
 * demand (first fit decreasing); ties by VM index. */
static int by_size_decreasing(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    const optimal_instance *in = ffd_problem->in;
    if (in->vms[a].memory_mib != in->vms[b].memory_mib)
        return in->vms[a].memory_mib > in->vms[b].memory_mib ? -1 : 1;
    if (in->vms[a].cpu_reservation_mhz != in->vms[b].cpu_reservation_mhz)
        return in->vms[a].cpu_reservation_mhz > in->vms[b].cpu_reservation_mhz ? -1 : 1;
    if (gpu_of_vm(in, a) != gpu_of_vm(in, b))
        return gpu_of_vm(in, a) > gpu_of_vm(in, b) ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* First fit decreasing on the empty hosts, keeping the hard rules, as
 * column values (m->n_cols entries). 1 when every VM was placed, 0 when
 * not, -1 when out of memory. */
static int ffd_start(const problem *p, const optimal_mip *m, double *col)
{
    const optimal_instance *in = p->in;
    placement_host_view *view = malloc((size_t)(in->n_hosts ? in->n_hosts : 1) * sizeof *view);
    uint64_t *gpu = calloc(in->n_hosts ? in->n_hosts : 1, sizeof *gpu);
    uint32_t *order = malloc((size_t)(in->n_vms ? in->n_vms : 1) * sizeof *order);
    int32_t *where = malloc((size_t)(in->n_vms ? in->n_vms : 1) * sizeof *where);
    int placed_all = 1;
    if (!view || !gpu || !order || !where) {
        free(view), free(gpu), free(order), free(where);
        return -1;
    }
    memcpy(view, in->hosts, (size_t)in->n_hosts * sizeof *view);
    for (uint32_t h = 0; h < in->n_hosts; h++) {
        view[h].committed_memory_mib = view[h].committed_sriov_vfs = 0;
        view[h].committed_cpu_mhz = view[h].reserved_cpu_mhz = view[h].reserved_memory_mib = 0.0;
    }
    for (int j = 0; j < m->n_cols; j++)
        col[j] = 0.0;
    for (uint32_t v = 0; v < in->n_vms; v++) {
        order[v] = v;
        where[v] = -1;
    }
    ffd_problem = p;
    qsort(order, in->n_vms, sizeof *order, by_size_decreasing);
    for (uint32_t i = 0; i < in->n_vms && placed_all; i++) {
        uint32_t v = order[i], t = p->type_of_vm[v];
        const placement_request *q = &in->vms[v];
        size_t k = p->first_pair[t];
        for (; k < p->first_pair[t + 1]; k++) {
            uint32_t h = p->pair_host[k];
            if (placement_fits(&view[h], q) && gpu[h] + gpu_of_vm(in, v) <= gpu_of_host(in, h) &&
                (!in->n_rules || drs_rules_allow(in->rules, &p->idx, where, v, (int32_t)h, 0)))
                break;
        }
        if (k == p->first_pair[t + 1]) {
            placed_all = 0;
            break;
        }
        uint32_t h = p->pair_host[k];
        placement_host_view *hv = &view[h];
        hv->committed_memory_mib += q->memory_mib;
        hv->committed_cpu_mhz += q->cpu_mhz;
        hv->committed_sriov_vfs += q->sriov_vfs;
        hv->reserved_cpu_mhz += q->cpu_reservation_mhz;
        hv->reserved_memory_mib += q->memory_reservation_mib;
        gpu[h] += gpu_of_vm(in, v);
        where[v] = (int32_t)h;
        col[p->first_x + (int)k] += 1.0;
        col[h] = 1.0;
    }
    if (placed_all) {
        for (uint32_t h = 0; p->z_col >= 0 && h < in->n_hosts; h++)
            col[h] = 1.0;
        for (uint32_t r = 0; r < in->n_rules; r++) {
            const drs_rule *rule = &in->rules[r];
            if (p->affinity_first_w[r] >= 0 && rule->n_vms > 0 && rule->vms[0] < in->n_vms)
                col[p->affinity_first_w[r] + where[rule->vms[0]]] = 1.0;
        }
        if (p->z_col >= 0)
            col[p->z_col] = optimal_max_load(in->hosts, in->n_hosts, in->vms, in->n_vms, where);
    }
    free(view), free(gpu), free(order), free(where);
    return placed_all;
}

/* Gives each VM a host from counts per (type, host) pair, the VMs of a
 * type in their order. */
static void hosts_from_counts(const problem *p, const double *col, int32_t *where)
{
    size_t *next = malloc((p->n_types ? p->n_types : 1) * sizeof *next);
    double *left = malloc((p->n_types ? p->n_types : 1) * sizeof *left);
    for (uint32_t v = 0; v < p->in->n_vms; v++)
        where[v] = -1;
    if (!next || !left) {
        free(next), free(left);
        return;
    }
    for (uint32_t t = 0; t < p->n_types; t++) {
        next[t] = p->first_pair[t];
        left[t] = next[t] < p->first_pair[t + 1] ? floor(col[p->first_x + (int)next[t]] + 0.5) : 0.0;
    }
    for (uint32_t v = 0; v < p->in->n_vms; v++) {
        uint32_t t = p->type_of_vm[v];
        while (left[t] < 1.0 && ++next[t] < p->first_pair[t + 1])
            left[t] = floor(col[p->first_x + (int)next[t]] + 0.5);
        if (next[t] >= p->first_pair[t + 1])
            continue;
        where[v] = (int32_t)p->pair_host[next[t]];
        left[t] -= 1.0;
    }
    free(next), free(left);
}

static optimal_status fail_with(optimal_result *res, char *err, size_t err_len, const char *msg)
{
    snprintf(err, err_len, "%s", msg);
    res->status = OPTIMAL_ERROR;
    return OPTIMAL_ERROR;
}

optimal_status optimal_solve(const optimal_instance *in, const optimal_options *opt, optimal_result *result,
                             int32_t *host_of_vm, char *err, size_t err_len)
{
    *result = (optimal_result){.status = OPTIMAL_ERROR, .bound = -INFINITY, .unplaceable_vm = -1};
    if (host_of_vm)
        for (uint32_t v = 0; v < in->n_vms; v++)
            host_of_vm[v] = -1;
    char missing[600];
    if (optimal_solver_unavailable(opt->solver, missing, sizeof missing)) {
        snprintf(err, err_len, "this vdcsim was built without %s or cannot load it (%.400s); when it is missing, "
                 "install the Debian package %s (scripts/install-deps) and build again, or choose another solver",
                 optimal_solver_key(opt->solver), missing, optimal_solver_package(opt->solver));
        return OPTIMAL_ERROR;
    }
    if (in->n_vms == 0) {
        *result = (optimal_result){.status = OPTIMAL_PROVEN, .unplaceable_vm = -1};
        return OPTIMAL_PROVEN;
    }
    problem p = {.in = in, .z_col = -1};
    optimal_mip m = {0};
    double *start = NULL, *x = NULL;
    int32_t *where = NULL;
    if (in->n_rules && drs_rules_index_build(&p.idx, in->rules, in->n_rules, in->n_vms) != 0) {
        problem_free(&p);
        return fail_with(result, err, err_len, "out of memory building the program");
    }
    int listed = make_types(&p) != 0 ? -1 : list_pairs(&p, &result->unplaceable_vm);
    if (listed == -2) {
        problem_free(&p);
        result->status = OPTIMAL_INFEASIBLE;
        return OPTIMAL_INFEASIBLE;
    }
    if (listed != 0) {
        problem_free(&p);
        snprintf(err, err_len,
                 listed == -3 ? "the exact program would have more than %u (VM type, host) pairs: too large"
                              : "out of memory building the program (%u pairs at most)",
                 OPTIMAL_MAX_PAIRS);
        return OPTIMAL_ERROR;
    }
    if (build(&m, &p, opt->objective) != 0)
        goto no_memory;
    start = malloc((size_t)m.n_cols * sizeof *start);
    x = malloc((size_t)m.n_cols * sizeof *x);
    where = malloc((size_t)in->n_vms * sizeof *where);
    if (!start || !x || !where)
        goto no_memory;
    int ffd = ffd_start(&p, &m, start);
    if (ffd < 0)
        goto no_memory;
    m.start = ffd ? start : NULL;
    mip_answer ans = {.x = x};
    mip_status ms = optimal_mip_solve(opt->solver, &m, opt->time_limit_s, &ans, err, err_len);
    result->solve_s = ans.solve_s;
    result->cpu_s = ans.cpu_s;
    /* A limit hit before the solver reached its own first placement (a short
     * limit on a busy machine) still has the FFD start it was given: report
     * that, never "no solution" (nor a limit-cut "infeasible") when FFD
     * placed every VM. The placement is checked below like any answer. */
    if ((ms == MIP_NO_SOLUTION || ms == MIP_INFEASIBLE) && ffd) {
        memcpy(x, start, (size_t)m.n_cols * sizeof *x);
        ms = MIP_LIMIT;
    }
    switch (ms) {
    case MIP_INFEASIBLE: result->status = OPTIMAL_INFEASIBLE; break;
    case MIP_NO_SOLUTION:
        result->status = OPTIMAL_NO_SOLUTION;
        result->bound = ans.bound;
        result->gap = INFINITY;
        break;
    case MIP_ERROR: result->status = OPTIMAL_ERROR; break;
    case MIP_PROVEN:
    case MIP_LIMIT: {
        hosts_from_counts(&p, x, where);
        char why[160];
        if (!optimal_placement_check(in, where, why, sizeof why)) {
            if (ms == MIP_LIMIT) {
                /* Z3's model at a timeout need not satisfy every constraint */
                result->status = OPTIMAL_NO_SOLUTION;
                result->bound = isfinite(ans.bound) ? ans.bound : -INFINITY;
                result->gap = INFINITY;
                break;
            }
            snprintf(err, err_len, "%s returned a placement that is not valid: %s", optimal_solver_label(opt->solver),
                     why);
            result->status = OPTIMAL_ERROR;
            break;
        }
        result->status = ms == MIP_PROVEN ? OPTIMAL_PROVEN : OPTIMAL_TIME_LIMIT;
        result->value = opt->objective == OPTIMAL_HOSTS ? (double)optimal_hosts_used(in->n_hosts, in->n_vms, where)
                                                        : optimal_max_load(in->hosts, in->n_hosts, in->vms, in->n_vms, where);
        if (host_of_vm)
            memcpy(host_of_vm, where, (size_t)in->n_vms * sizeof *where);
        if (ms == MIP_PROVEN) {
            result->bound = result->value;
            break;
        }
        double b = ans.bound;
        if (opt->objective == OPTIMAL_HOSTS && isfinite(b))
            b = ceil(b - 1e-6); /* the count of hosts is an integer */
        if (isfinite(b) && b > result->value)
            b = result->value;
        result->bound = isfinite(b) ? b : -INFINITY;
        result->gap = isfinite(b) && result->value > 0.0 ? (result->value - b) / result->value : INFINITY;
        break;
    }
    }
    free(start), free(x), free(where);
    optimal_mip_free(&m);
    problem_free(&p);
    return result->status;
no_memory:
    free(start), free(x), free(where);
    optimal_mip_free(&m);
    problem_free(&p);
    return fail_with(result, err, err_len, "out of memory building the program");
}

optimal_status optimal_placement_solve(const placement_host_view *hosts, uint32_t n_hosts,
                                       const placement_request *vms, uint32_t n_vms, optimal_objective objective,
                                       double time_limit_s, optimal_result *result, int32_t *host_of_vm, char *err,
                                       size_t err_len)
{
    optimal_instance in = {.hosts = hosts, .n_hosts = n_hosts, .vms = vms, .n_vms = n_vms};
    optimal_options opt = {.objective = objective, .solver = OPTIMAL_SOLVER_DEFAULT, .time_limit_s = time_limit_s};
    return optimal_solve(&in, &opt, result, host_of_vm, err, err_len);
}
