/* drs_state.c - loads and what-if imbalance for DRS (see drs_state.h). */
#include "models/vsphere/drs_state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int drs_host_balancing(const drs_host *h)
{
    return h->state == DRS_HOST_UP && !h->failover_host;
}

static double vm_entitlement(const drs_vm *vm, int r)
{
    return r == 0 ? vm->cpu_entitlement_mhz : vm->mem_entitlement_mib;
}

static double host_capacity(const drs_host *h, int r)
{
    return r == 0 ? h->cpu_capacity_mhz : h->mem_capacity_mib;
}

static void refresh_moments(drs_state *s)
{
    const drs_cluster *c = s->c;
    for (int r = 0; r < 2; r++) {
        double sum = 0.0, sq = 0.0;
        for (uint32_t h = 0; h < c->n_hosts; h++)
            if (drs_host_balancing(&c->hosts[h]))
                sum += s->load[r][h];
        s->mean[r] = s->n_balancing ? sum / s->n_balancing : 0.0;
        for (uint32_t h = 0; h < c->n_hosts; h++)
            if (drs_host_balancing(&c->hosts[h])) {
                double d = s->load[r][h] - s->mean[r];
                sq += d * d;
            }
        s->sq_dev[r] = sq;
    }
}

static void refresh_load(drs_state *s, uint32_t h)
{
    for (int r = 0; r < 2; r++) {
        double cap = host_capacity(&s->c->hosts[h], r);
        s->load[r][h] = drs_host_balancing(&s->c->hosts[h]) && cap > 0.0 ? s->entitled[r][h] / cap : 0.0;
    }
}

/* Adds (sign +1) or takes off (-1) one VM's sums on host h; its load is
 * the caller's to refresh. */
static int sum_vm(drs_state *s, uint32_t v, int32_t h, double sign)
{
    const drs_vm *vm = &s->c->vms[v];
    if (h < 0 || (uint32_t)h >= s->c->n_hosts)
        return 0;
    s->entitled[0][h] += sign * vm->cpu_entitlement_mhz;
    s->entitled[1][h] += sign * vm->mem_entitlement_mib;
    s->reserved[0][h] += sign * vm->cpu_reservation_mhz;
    s->reserved[1][h] += sign * vm->mem_reservation_mib;
    if (sign > 0)
        s->vfs_used[h] += vm->sriov_vfs;
    else
        s->vfs_used[h] -= vm->sriov_vfs;
    return 1;
}

static void add_vm(drs_state *s, uint32_t v, int32_t h, double sign)
{
    if (sum_vm(s, v, h, sign))
        refresh_load(s, (uint32_t)h);
}

/* From the per-host sums on: balancing hosts, capacities, loads, weights
 * and moments. `demand`: the entitlements of the VMs on hosts not DOWN. */
static void state_finish(drs_state *s, const double demand[2])
{
    const drs_cluster *c = s->c;
    for (uint32_t h = 0; h < c->n_hosts; h++)
        if (drs_host_balancing(&c->hosts[h])) {
            s->n_balancing++;
            s->cluster_capacity[0] += c->hosts[h].cpu_capacity_mhz;
            s->cluster_capacity[1] += c->hosts[h].mem_capacity_mib;
        }
    for (uint32_t h = 0; h < c->n_hosts; h++)
        refresh_load(s, h);
    /* Weights proportional to cluster utilisation of each resource, fixed
     * for the whole pass (evacuation does not change them). */
    double u[2];
    for (int r = 0; r < 2; r++)
        u[r] = s->cluster_capacity[r] > 0.0 ? demand[r] / s->cluster_capacity[r] : 0.0;
    if (u[0] + u[1] > 0.0) {
        s->weight[0] = u[0] / (u[0] + u[1]);
        s->weight[1] = u[1] / (u[0] + u[1]);
    } else {
        s->weight[0] = s->weight[1] = 0.5;
    }
    refresh_moments(s);
}

int drs_state_init(drs_state *s, const drs_cluster *c, drs_combine combine, const int32_t *assignment,
                   uint32_t skip)
{
    size_t n = c->n_hosts ? c->n_hosts : 1;

    memset(s, 0, sizeof *s);
    s->c = c;
    s->combine = combine;
    for (int r = 0; r < 2; r++) {
        s->load[r] = calloc(n, sizeof(double));
        s->entitled[r] = calloc(n, sizeof(double));
        s->reserved[r] = calloc(n, sizeof(double));
    }
    s->vfs_used = calloc(n, sizeof *s->vfs_used);
    for (int r = 0; r < 2; r++)
        if (!s->load[r] || !s->entitled[r] || !s->reserved[r]) {
            drs_state_free(s);
            return -1;
        }
    if (!s->vfs_used) {
        drs_state_free(s);
        return -1;
    }
    double demand[2] = {0.0, 0.0};
    for (uint32_t v = 0; v < c->n_vms; v++) {
        if (v == skip)
            continue;
        int32_t h = assignment[v];
        sum_vm(s, v, h, +1.0); /* loads once below: a load depends on its final sums only */
        if (h >= 0 && (uint32_t)h < c->n_hosts && c->hosts[h].state != DRS_HOST_DOWN)
            for (int r = 0; r < 2; r++)
                demand[r] += vm_entitlement(&c->vms[v], r);
    }
    state_finish(s, demand);
    return 0;
}

double drs_imbalance_of_sums(const drs_host *hosts, uint32_t n_hosts, double *const entitled[2],
                             double *const load[2], const double demand[2], drs_combine combine)
{
    /* a state over the caller's arrays: the same code as drs_state_init's
     * from its sums on, so the same value bit for bit */
    drs_cluster c = {.hosts = hosts, .n_hosts = n_hosts};
    drs_state s = {.c = &c, .combine = combine};
    for (int r = 0; r < 2; r++) {
        s.entitled[r] = entitled[r];
        s.load[r] = load[r];
    }
    state_finish(&s, demand);
    return drs_state_imbalance(&s, NULL);
}

void drs_state_free(drs_state *s)
{
    for (int r = 0; r < 2; r++) {
        free(s->load[r]);
        free(s->entitled[r]);
        free(s->reserved[r]);
    }
    free(s->vfs_used);
    memset(s, 0, sizeof *s);
}

void drs_state_apply(drs_state *s, uint32_t v, int32_t from, int32_t to)
{
    add_vm(s, v, from, -1.0);
    add_vm(s, v, to, +1.0);
    refresh_moments(s);
}

static double combine_values(const drs_state *s, const double i_r[2])
{
    if (s->combine == DRS_COMBINE_WEIGHTED)
        return s->weight[0] * i_r[0] + s->weight[1] * i_r[1];
    return fmax(i_r[0], i_r[1]);
}

double drs_state_imbalance(const drs_state *s, double *r_out)
{
    double i_r[2];
    for (int r = 0; r < 2; r++)
        i_r[r] = s->n_balancing ? sqrt(fmax(0.0, s->sq_dev[r] / s->n_balancing)) : 0.0;
    if (r_out) {
        r_out[0] = i_r[0];
        r_out[1] = i_r[1];
    }
    return combine_values(s, i_r);
}

/* var' = Q'/H - (m' - m)^2 where Q' is the sum of squared deviations from
 * the old mean m with the two changed hosts replaced: the shift formula,
 * exact algebra and well conditioned because deviations stay small. */
double drs_state_imbalance_if(const drs_state *s, uint32_t v, int32_t from, int32_t to)
{
    const drs_cluster *c = s->c;
    double H = (double)s->n_balancing, i_r[2];
    int from_b = from >= 0 && (uint32_t)from < c->n_hosts && drs_host_balancing(&c->hosts[from]);
    int to_b = to >= 0 && (uint32_t)to < c->n_hosts && drs_host_balancing(&c->hosts[to]);

    if (s->n_balancing == 0)
        return 0.0;
    for (int r = 0; r < 2; r++) {
        double e = vm_entitlement(&c->vms[v], r), m = s->mean[r], q = s->sq_dev[r], shift = 0.0;
        if (from_b && to_b && from == to) {
            i_r[r] = sqrt(fmax(0.0, q / H));
            continue;
        }
        if (from_b) {
            double cap = host_capacity(&c->hosts[from], r);
            double n0 = s->load[r][from], n1 = cap > 0.0 ? (s->entitled[r][from] - e) / cap : 0.0;
            q += (n1 - m) * (n1 - m) - (n0 - m) * (n0 - m);
            shift += n1 - n0;
        }
        if (to_b) {
            double cap = host_capacity(&c->hosts[to], r);
            double n0 = s->load[r][to], n1 = cap > 0.0 ? (s->entitled[r][to] + e) / cap : 0.0;
            q += (n1 - m) * (n1 - m) - (n0 - m) * (n0 - m);
            shift += n1 - n0;
        }
        shift /= H;
        i_r[r] = sqrt(fmax(0.0, q / H - shift * shift));
    }
    return combine_values(s, i_r);
}

int drs_state_fits(const drs_state *s, uint32_t v, uint32_t h)
{
    const drs_vm *vm = &s->c->vms[v];
    const drs_host *host = &s->c->hosts[h];
    /* A relative tolerance keeps sums such as 4 x 25 % of a host exact. */
    double tol_cpu = 1e-9 * host->cpu_capacity_mhz, tol_mem = 1e-9 * host->mem_capacity_mib;
    return s->reserved[0][h] + vm->cpu_reservation_mhz <= host->cpu_capacity_mhz + tol_cpu &&
           s->reserved[1][h] + vm->mem_reservation_mib <= host->mem_capacity_mib + tol_mem &&
           s->vfs_used[h] + vm->sriov_vfs <= host->sriov_vfs;
}
