/* numa.c - NUMA placement and slowdown (see numa.h). */
#include "models/host/numa.h"

int numa_vnuma_exposed(numa_vnuma_mode mode, uint32_t vcpus, uint32_t cores_per_node)
{
    if (mode == NUMA_VNUMA_ON)
        return 1;
    if (mode == NUMA_VNUMA_OFF)
        return 0;
    return vcpus > cores_per_node;
}

/* The node with the fewest vCPUs among those whose free memory holds
 * `need_mib` (need_mib < 0: any node); UINT32_MAX when none. */
static uint32_t least_loaded(const numa_topology *t, const double *vcpus, const double *mem, double need_mib,
                             const unsigned char *taken)
{
    uint32_t best = UINT32_MAX;
    for (uint32_t k = 0; k < t->nodes; k++) {
        if (taken && taken[k])
            continue;
        if (need_mib >= 0.0 && t->memory_per_node_mib - mem[k] < need_mib)
            continue;
        if (best == UINT32_MAX || vcpus[k] < vcpus[best])
            best = k;
    }
    return best;
}

void numa_place(const numa_topology *t, const numa_vm *vms, size_t n, double *node_vcpus, double *node_mem,
                numa_placement *out)
{
    uint32_t nodes = t->nodes > 0 ? t->nodes : 1;
    uint32_t cpn = t->cores_per_node > 0 ? t->cores_per_node : 1;
    for (uint32_t k = 0; k < nodes; k++)
        node_vcpus[k] = node_mem[k] = 0.0;
    numa_topology topo = *t;
    topo.nodes = nodes;
    for (size_t i = 0; i < n; i++) {
        const numa_vm *v = &vms[i];
        if (v->vcpus <= cpn) {
            uint32_t home = least_loaded(&topo, node_vcpus, node_mem, v->memory_mib, NULL);
            if (home == UINT32_MAX) { /* no node holds it: most free memory */
                home = 0;
                for (uint32_t k = 1; k < nodes; k++)
                    if (node_mem[k] < node_mem[home])
                        home = k;
            }
            double free_mib = topo.memory_per_node_mib - node_mem[home];
            if (free_mib < 0.0)
                free_mib = 0.0;
            double local = v->memory_mib > 0.0 ? free_mib / v->memory_mib : 1.0;
            if (local > 1.0)
                local = 1.0;
            node_vcpus[home] += v->vcpus;
            node_mem[home] += v->memory_mib * local;
            /* the spill lands on other nodes; it is counted as used there by
             * spreading it evenly, which keeps the policy order-stable */
            if (nodes > 1 && local < 1.0)
                for (uint32_t k = 0; k < nodes; k++)
                    if (k != home)
                        node_mem[k] += v->memory_mib * (1.0 - local) / (double)(nodes - 1);
            out[i] = (numa_placement){.home = home, .nodes_spanned = local < 1.0 && nodes > 1 ? 2 : 1,
                                      .local_fraction = nodes > 1 ? local : 1.0,
                                      .node_mask = home < 64 ? UINT64_C(1) << home : 0};
            continue;
        }
        uint32_t k_span = (v->vcpus + cpn - 1) / cpn;
        if (k_span > nodes)
            k_span = nodes;
        unsigned char taken[256] = {0};
        uint32_t home = UINT32_MAX;
        uint64_t mask = 0;
        for (uint32_t j = 0; j < k_span && j < 256; j++) {
            uint32_t k = least_loaded(&topo, node_vcpus, node_mem, -1.0, taken);
            taken[k] = 1;
            if (k < 64)
                mask |= UINT64_C(1) << k;
            if (home == UINT32_MAX || k < home)
                home = k;
            node_vcpus[k] += (double)v->vcpus / k_span;
            node_mem[k] += v->memory_mib / k_span;
        }
        out[i] = (numa_placement){.home = home, .nodes_spanned = k_span,
                                  .local_fraction = v->vnuma ? 1.0 : 1.0 / (double)k_span, .node_mask = mask};
    }
}

double numa_slowdown(double local_fraction, double local_ns, double remote_ns)
{
    if (!(local_ns > 0.0) || remote_ns <= local_ns)
        return 1.0;
    double remote = 1.0 - local_fraction;
    if (remote < 0.0)
        remote = 0.0;
    return 1.0 + remote * (remote_ns / local_ns - 1.0);
}

/* The part (GB/s) of a VM's traffic b that node j serves; *remote: how much
 * of it comes from other nodes. */
static double vm_on_node(uint32_t nodes, const numa_placement *p, double b, uint32_t j, double *remote)
{
    double f = p->local_fraction < 0.0 ? 0.0 : p->local_fraction > 1.0 ? 1.0 : p->local_fraction;
    *remote = 0.0;
    if (p->node_mask & (p->node_mask - 1)) { /* wide (vCPUs on 2+ nodes): even over its nodes */
        if (j >= 64 || !(p->node_mask >> j & 1))
            return 0.0;
        double share = b / (double)p->nodes_spanned;
        *remote = (1.0 - f) * share;
        return share;
    }
    if (j == p->home) /* narrow: local part at home, the spill elsewhere */
        return nodes > 1 ? f * b : b;
    if (nodes < 2)
        return 0.0;
    *remote = (1.0 - f) * b / (double)(nodes - 1);
    return *remote;
}

void numa_bandwidth(uint32_t nodes, double local_gbs, double remote_gbs, const numa_placement *p,
                    const double *demand_gbs, size_t n, double *served, double *remote, double *slowdown)
{
    if (nodes == 0)
        nodes = 1;
    for (uint32_t j = 0; j < nodes; j++)
        served[j] = remote[j] = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!(demand_gbs[i] > 0.0))
            continue;
        for (uint32_t j = 0; j < nodes; j++) {
            double r;
            served[j] += vm_on_node(nodes, &p[i], demand_gbs[i], j, &r);
            remote[j] += r;
        }
    }
    /* what each node gives of what it is asked: served[j] becomes g_j */
    for (uint32_t j = 0; j < nodes; j++) {
        double g = 1.0;
        if (local_gbs > 0.0 && served[j] > local_gbs)
            g = local_gbs / served[j];
        if (remote_gbs > 0.0 && remote[j] > remote_gbs && remote_gbs / remote[j] < g)
            g = remote_gbs / remote[j];
        served[j] = g;
    }
    for (size_t i = 0; i < n; i++) {
        slowdown[i] = 1.0;
        if (!(demand_gbs[i] > 0.0))
            continue;
        double got = 0.0;
        for (uint32_t j = 0; j < nodes; j++) {
            double r;
            got += vm_on_node(nodes, &p[i], demand_gbs[i], j, &r) * served[j];
        }
        slowdown[i] = got > 0.0 ? demand_gbs[i] / got : 1.0;
    }
}
