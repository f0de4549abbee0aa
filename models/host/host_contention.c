/* host_contention.c - one host's sample step (see host_contention.h). */
#include "models/host/host_contention.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/host/ept.h"
#include "models/host/power.h"

double host_schedulable_mhz(const host_spec *h)
{
    uint32_t threads = h->hw.threads_per_core > 0 ? h->hw.threads_per_core : 1;
    return host_cpu_capacity_mhz(h) * (1.0 + (double)(threads - 1) * h->hw.smt_gain);
}

static int grow(void **p, size_t n, size_t size)
{
    void *q = realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

int host_scratch_reserve(host_scratch *s, size_t n, size_t nodes)
{
    n++; /* one slot more: a host node's pods' claim */
    if (n > s->cap) {
        size_t cap = s->cap ? s->cap : 8;
        while (cap < n)
            cap *= 2;
        if (grow((void **)&s->d, 5 * cap, sizeof *s->d) || grow((void **)&s->claims, cap, sizeof *s->claims) ||
            grow((void **)&s->cpu, cap, sizeof *s->cpu) || grow((void **)&s->nvm, cap, sizeof *s->nvm) ||
            grow((void **)&s->np, cap, sizeof *s->np) || grow((void **)&s->mvm, cap, sizeof *s->mvm) ||
            grow((void **)&s->mres, cap, sizeof *s->mres) || grow((void **)&s->in, cap, sizeof *s->in))
            return -1;
        s->cap = cap;
    }
    if (nodes > s->node_cap) {
        if (grow((void **)&s->node_a, nodes, sizeof *s->node_a) || grow((void **)&s->node_b, nodes, sizeof *s->node_b))
            return -1;
        s->node_cap = nodes;
    }
    return 0;
}

void host_scratch_free(host_scratch *s)
{
    free(s->d);
    free(s->claims);
    free(s->cpu);
    free(s->nvm);
    free(s->np);
    free(s->mvm);
    free(s->mres);
    free(s->node_a);
    free(s->node_b);
    free(s->in);
    *s = (host_scratch){0};
}

void host_numa_cache_free(host_numa_cache *c)
{
    free(c->placed);
    *c = (host_numa_cache){0};
}

/* 1 when c holds the placement of these n VMs on topo. */
static int numa_cache_hit(const host_numa_cache *c, const numa_topology *topo, size_t n)
{
    return c && c->valid && c->placed_version == c->vms_version && c->n == n && c->topo.nodes == topo->nodes &&
           c->topo.cores_per_node == topo->cores_per_node &&
           c->topo.memory_per_node_mib == topo->memory_per_node_mib;
}

/* Keeps the placement just computed; a failed allocation keeps nothing. */
static void numa_cache_store(host_numa_cache *c, const numa_topology *topo, const numa_placement *np, size_t n)
{
    if (!c)
        return;
    c->valid = 0;
    if (n != c->cap && n > 0) { /* exact size: 10,000 hosts keep one each */
        numa_placement *sized = realloc(c->placed, n * sizeof *sized);
        if (!sized)
            return;
        c->placed = sized;
        c->cap = n;
    }
    if (n)
        memcpy(c->placed, np, n * sizeof *np);
    c->n = n;
    c->topo = *topo;
    c->placed_version = c->vms_version;
    c->valid = 1;
}

int host_contention_step(const host_spec *h, const vm_spec *specs, vm *vms, const uint32_t *ids,
                         const host_vm_input *in, size_t n, double interval_ms, host_scratch *s,
                         host_vm_output *vout, host_totals *t)
{
    return host_contention_step_pods(h, specs, vms, ids, in, n, interval_ms, s, NULL, vout, t);
}

int host_contention_step_pods(const host_spec *h, const vm_spec *specs, vm *vms, const uint32_t *ids,
                              const host_vm_input *in, size_t n, double interval_ms, host_scratch *s,
                              host_pod_load *pods, host_vm_output *vout, host_totals *t)
{
    const host_hw *hw = &h->hw;
    uint32_t nodes = hw->numa_nodes > 0 ? hw->numa_nodes : 1;
    if (host_scratch_reserve(s, n, nodes) != 0)
        return -1;
    *t = (host_totals){0};
    /* d: entitlements | EPT efficiencies | 2n water-filling scratch | n amounts */
    double *ent = s->d, *ept_of = s->d + s->cap, *wf = s->d + 2 * s->cap, *amounts = s->d + 4 * s->cap;

    /* 1. network */
    uint32_t vfs_left = hw->nics * hw->sriov_vfs_per_nic;
    double net_demand = 0.0;
    for (size_t i = 0; i < n; i++)
        net_demand += in[i].network_gbps > 0.0 ? in[i].network_gbps : 0.0;
    double nic_cap = (double)hw->nics * hw->nic_gbps;
    double net_scale = net_demand > nic_cap ? (net_demand > 0.0 ? nic_cap / net_demand : 0.0) : 1.0;
    double virtio_gbps = 0.0;
    int bandwidth_users = 0; /* VMs that stream memory bandwidth (step 3b) */
    numa_topology topo = {.nodes = nodes,
                          .cores_per_node = host_cores(h) / nodes > 0 ? host_cores(h) / nodes : 1,
                          .memory_per_node_mib = (double)h->memory_mib / nodes};
    int placed = numa_cache_hit(s->numa_cache, &topo, n);
    /* One pass over the VMs' specs for steps 1-4 (each sum keeps its order).
     * VMs of a group share their EPT inputs: the last efficiency is reused
     * when its inputs repeat (same function, same result). */
    int ept_large = -1;
    double ept_tlb = 0.0, ept = 1.0;
    /* Without network demand (every VM's 0, the default; net_demand, a sum
     * of values >= 0, is 0 only then) every VM's share is +0 and adding it
     * leaves both sums +0: the per-VM network step is needed only for the
     * caller's SR-IOV flags. */
    int network = net_demand > 0.0 || vout;
    for (size_t i = 0; i < n; i++) {
        const vm_spec *vs = &specs[ids[i]];
        if (network) {
            int sriov = 0;
            if (vm_spec_res(vs)->sriov && vfs_left > 0) {
                vfs_left--;
                sriov = 1;
            }
            double net = (in[i].network_gbps > 0.0 ? in[i].network_gbps : 0.0) * net_scale;
            if (!sriov)
                virtio_gbps += net;
            t->network_gbps += net;
            if (vout)
                vout[i].sriov = sriov;
        }
        double d = in[i].cpu_demand_mhz > 0.0 ? in[i].cpu_demand_mhz : 0.0;
        double vcpu_cap = (double)vm_spec_vcpus(vs) * h->cpu_mhz;
        s->cpu[i] = (cpu_claim){.demand_mhz = d < vcpu_cap ? d : vcpu_cap,
                                .reservation_mhz = vm_spec_res(vs)->cpu_reservation_mhz,
                                .limit_mhz = vm_spec_res(vs)->cpu_limit_mhz,
                                .shares = vm_spec_res(vs)->cpu_shares};
        t->cpu_demand_mhz += d;
        bandwidth_users |= vm_spec_res(vs)->mem_bw_per_vcpu_gbs > 0.0;
        if (!placed)
            s->nvm[i] = (numa_vm){.vcpus = vm_spec_vcpus(vs), .memory_mib = (double)vm_spec_memory_mib(vs),
                                  .vnuma = numa_vnuma_exposed((numa_vnuma_mode)vm_spec_res(vs)->vnuma, vm_spec_vcpus(vs),
                                                              topo.cores_per_node)};
        double f = in[i].memory_active_fraction;
        f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
        s->mvm[i] = (mem_vm){.configured_mib = (double)vm_spec_memory_mib(vs),
                             .active_mib = f * (double)vm_spec_memory_mib(vs),
                             .reservation_mib = vm_spec_res(vs)->memory_reservation_mib,
                             .limit_mib = vm_spec_res(vs)->memory_limit_mib,
                             .shares = vm_spec_res(vs)->memory_shares,
                             .large_pages = vm_spec_res(vs)->large_pages && hw->ept_large_pages};
        t->memory_active_mib += s->mvm[i].active_mib;
        if (s->mvm[i].large_pages != ept_large || vm_spec_res(vs)->tlb_misses_per_kcycle != ept_tlb) {
            ept_large = s->mvm[i].large_pages;
            ept_tlb = vm_spec_res(vs)->tlb_misses_per_kcycle;
            ept = ept_efficiency(ept_large, ept_large, ept_tlb, hw->page_walk_ref_ns, h->cpu_mhz);
        }
        ept_of[i] = ept;
    }
    t->cpu_hypervisor_mhz = virtio_gbps * hw->virtio_mhz_per_gbps;

    /* 2. CPU entitlement */
    t->cpu_capacity_mhz = host_schedulable_mhz(h);
    double vm_capacity = t->cpu_capacity_mhz - t->cpu_hypervisor_mhz;
    if (vm_capacity < 0.0) {
        vm_capacity = 0.0;
        t->cpu_hypervisor_mhz = t->cpu_capacity_mhz;
    }
    size_t claimants = n;
    double pod_demand = pods && pods->cpu_demand_mhz > 0.0 ? pods->cpu_demand_mhz : 0.0;
    if (pod_demand > 0.0) {
        s->cpu[claimants++] = (cpu_claim){.demand_mhz = pod_demand, .reservation_mhz = 0.0,
                                          .limit_mhz = INFINITY, .shares = pods->cpu_shares};
        t->cpu_demand_mhz += pod_demand;
    }
    cpu_entitlement_mhz(s->cpu, claimants, vm_capacity, s->claims, wf, ent);
    if (pods)
        pods->cpu_entitlement_mhz = pod_demand > 0.0 ? ent[n] : 0.0;

    /* 3. NUMA and memory: a kept placement is read where it is kept */
    const numa_placement *np = s->np;
    if (placed) {
        np = s->numa_cache->placed;
    } else {
        numa_place(&topo, s->nvm, n, s->node_a, s->node_b, s->np);
        numa_cache_store(s->numa_cache, &topo, s->np, n);
    }
    double pod_mib = pods && pods->memory_mib > 0.0 ? pods->memory_mib : 0.0;
    double vm_host_mib = (double)h->memory_mib > pod_mib ? (double)h->memory_mib - pod_mib : 0.0;
    mem_params mp = {.host_mib = vm_host_mib,
                     .page_sharing = hw->page_sharing,
                     .balloon_max = 0.65,
                     .compression_max = 0.10,
                     .compression_ratio = 2.0,
                     .idle_tax = 0.75,
                     .touch_rate_per_s = hw->touch_rate_per_s,
                     .decompress_s = hw->decompress_s,
                     .swapin_s = hw->swapin_s};
    mem_host_result mh = mem_reclaim(&mp, s->mvm, n, s->claims, wf, amounts, s->mres);
    t->memory_state = mh.state;

    /* 3b. memory bandwidth: busy vCPUs (E / core MHz) stream their GB/s;
     * without a VM that streams, every demand is 0 and every slowdown 1 */
    double *bw_demand = wf, *bw_slowdown = wf + s->cap;
    int bandwidth_bound = 0;
    for (size_t i = 0; bandwidth_users && i < n; i++) {
        double per_vcpu = vm_spec_res(&specs[ids[i]])->mem_bw_per_vcpu_gbs;
        bw_demand[i] = per_vcpu > 0.0 && h->cpu_mhz > 0.0 ? per_vcpu * ent[i] / h->cpu_mhz : 0.0;
        bw_slowdown[i] = 1.0;
        bandwidth_bound |= bw_demand[i] > 0.0;
    }
    if (bandwidth_bound)
        numa_bandwidth(nodes, hw->mem_bw_local_gbs, hw->mem_bw_remote_gbs, np, bw_demand, n, s->node_a, s->node_b,
                       bw_slowdown);

    /* 4. efficiencies, per-VM results. Most VMs share a local fraction: the
     * last slowdown is reused while it repeats. The memory sums are
     * mem_reclaim's (the same additions in the same order). */
    double unmet = 0.0, runnable = 0.0, usage = 0.0;
    double numa_local = -1.0, numa = 1.0;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = ids[i];
        double d = s->cpu[i].demand_mhz, raw = in[i].cpu_demand_mhz > 0.0 ? in[i].cpu_demand_mhz : 0.0;
        double e = ent[i];
        if (np[i].local_fraction != numa_local) {
            numa_local = np[i].local_fraction;
            numa = numa_slowdown(numa_local, hw->numa_local_ns, hw->numa_remote_ns);
        }
        double mem = s->mres[i].slowdown, bw = bandwidth_bound ? bw_slowdown[i] : 1.0;
        double eff = ept_of[i] / (numa * mem * bw);
        double useful = e * eff;
        /* both are 0 when the entitlement meets the demand */
        double ready = e >= d ? 0.0 : cpu_ready_fraction(d, e);
        double ready_ms = e >= d ? 0.0 : cpu_ready_ms(d, e, h->cpu_mhz, interval_ms);
        vm *v = &vms[id];
        v->cpu_entitlement_mhz = e;
        v->cpu_speed_factor = raw > 0.0 ? useful / raw : eff;
        v->cpu_ready_pct = 100.0 * ready;
        if (vout)
            vout[i] = (host_vm_output){.cpu_ready_pct = 100.0 * ready,
                                       .cpu_ready_ms = ready_ms,
                                       .useful_mhz = useful,
                                       .numa_slowdown = numa,
                                       .ept_efficiency = ept_of[i],
                                       .memory_slowdown = mem,
                                       .bandwidth_slowdown = bw,
                                       .numa_home = np[i].home,
                                       .numa_nodes_spanned = np[i].nodes_spanned,
                                       .sriov = vout[i].sriov};
        unmet += d > e ? d - e : 0.0;
        runnable += d;
        usage += e;
        t->cpu_useful_mhz += useful;
        t->cpu_ready_ms += ready_ms;
    }
    t->memory_consumed_mib = mh.sum.consumed_mib;
    t->memory_shared_mib = mh.sum.shared_mib;
    t->memory_ballooned_mib = mh.sum.ballooned_mib;
    t->memory_compressed_mib = mh.sum.compressed_mib;
    t->memory_swapped_mib = mh.sum.swapped_mib;
    if (pod_demand > 0.0) {
        /* the pods' CPU runs natively: no EPT, NUMA or reclamation cost */
        unmet += pod_demand > ent[n] ? pod_demand - ent[n] : 0.0;
        runnable += pod_demand;
        usage += ent[n];
        t->cpu_useful_mhz += ent[n];
    }
    t->memory_active_mib += pod_mib;
    t->memory_consumed_mib += pod_mib;
    t->cpu_ready_pct = runnable > 0.0 ? 100.0 * unmet / runnable : 0.0;
    t->cpu_usage_mhz = usage + t->cpu_hypervisor_mhz;

    /* 5. power */
    t->power_w = power_watts(&hw->power, t->cpu_capacity_mhz > 0.0 ? t->cpu_usage_mhz / t->cpu_capacity_mhz : 0.0);
    return 0;
}
