/* ha_totals.c - running totals for HA admission control (see ha_totals.h). */
#include "models/vsphere/ha_totals.h"

#include <stdlib.h>
#include <string.h>

int ha_totals_init(ha_totals *t, const ha_vm *vms, uint32_t n_vms, uint32_t n_hosts, const ha_config *cfg)
{
    memset(t, 0, sizeof *t);
    t->sorted_desc = malloc((size_t)(n_hosts ? n_hosts : 1) * sizeof *t->sorted_desc);
    if (t->sorted_desc == NULL)
        return -1;
    for (uint32_t v = 0; v < n_vms; v++)
        if (vms[v].powered_on)
            ha_totals_on(t, vms, n_vms, v, cfg);
    return 0;
}

void ha_totals_free(ha_totals *t)
{
    free(t->sorted_desc);
    memset(t, 0, sizeof *t);
}

/* Slots v takes at the given slot size (ha_admission.c's used-slot rule). */
static uint32_t vm_slots(const ha_vm *vm, double slot_cpu, double slot_mem, const ha_config *cfg)
{
    uint32_t c = ha_ceil_slots(ha_vm_cpu_need_mhz(vm, cfg), slot_cpu), m = ha_ceil_slots(ha_vm_mem_need_mib(vm), slot_mem);
    return c > m ? c : m;
}

/* Folds one value into a maximum and the count of values equal to it. */
static void count_max(double value, double *max, uint32_t *n_at_max)
{
    if (value > *max || *n_at_max == 0) {
        *max = value;
        *n_at_max = 1;
    } else if (value == *max) {
        (*n_at_max)++;
    }
}

void ha_totals_on(ha_totals *t, const ha_vm *vms, uint32_t n_vms, uint32_t v, const ha_config *cfg)
{
    (void)n_vms;
    double cpu = ha_vm_cpu_need_mhz(&vms[v], cfg), mem = ha_vm_mem_need_mib(&vms[v]);
    t->n_on++;
    t->sum_cpu_need_mhz += cpu;
    t->sum_mem_need_mib += mem;
    count_max(cpu, &t->max_cpu_need_mhz, &t->n_at_max_cpu);
    count_max(mem, &t->max_mem_need_mib, &t->n_at_max_mem);
    if (t->used_valid)
        t->used_slots += vm_slots(&vms[v], t->used_slot_cpu, t->used_slot_mem, cfg);
}

/* The maxima by a walk over the powered-on VMs (the last VM at a max left). */
static void recompute_max(ha_totals *t, const ha_vm *vms, uint32_t n_vms, const ha_config *cfg)
{
    t->max_cpu_need_mhz = t->max_mem_need_mib = 0.0;
    t->n_at_max_cpu = t->n_at_max_mem = 0;
    for (uint32_t v = 0; v < n_vms; v++) {
        if (!vms[v].powered_on)
            continue;
        double cpu = ha_vm_cpu_need_mhz(&vms[v], cfg), mem = ha_vm_mem_need_mib(&vms[v]);
        count_max(cpu, &t->max_cpu_need_mhz, &t->n_at_max_cpu);
        count_max(mem, &t->max_mem_need_mib, &t->n_at_max_mem);
    }
}

void ha_totals_off(ha_totals *t, const ha_vm *vms, uint32_t n_vms, uint32_t v, const ha_config *cfg)
{
    double cpu = ha_vm_cpu_need_mhz(&vms[v], cfg), mem = ha_vm_mem_need_mib(&vms[v]);
    t->n_on--;
    t->sum_cpu_need_mhz -= cpu;
    t->sum_mem_need_mib -= mem;
    if (t->used_valid)
        t->used_slots -= vm_slots(&vms[v], t->used_slot_cpu, t->used_slot_mem, cfg);
    int lost_max = 0;
    if (cpu == t->max_cpu_need_mhz)
        lost_max |= --t->n_at_max_cpu == 0;
    if (mem == t->max_mem_need_mib)
        lost_max |= --t->n_at_max_mem == 0;
    if (t->n_on == 0) {
        t->max_cpu_need_mhz = t->max_mem_need_mib = 0.0;
        t->n_at_max_cpu = t->n_at_max_mem = 0;
        t->sum_cpu_need_mhz = t->sum_mem_need_mib = 0.0; /* no drift carried over */
    } else if (lost_max) {
        recompute_max(t, vms, n_vms, cfg);
    }
}

void ha_totals_hosts_changed(ha_totals *t)
{
    t->hosts_valid = 0;
    t->caps_valid = 0;
    t->spare_valid = 0;
}

/* The slot size with `extra` (or NULL) counted as powered on. */
static void slot_size(const ha_totals *t, const ha_vm *extra, const ha_config *cfg, double *slot_cpu,
                      double *slot_mem)
{
    double c = t->n_on ? t->max_cpu_need_mhz : 0.0, m = t->n_on ? t->max_mem_need_mib : 0.0;
    if (extra) {
        double ec = ha_vm_cpu_need_mhz(extra, cfg), em = ha_vm_mem_need_mib(extra);
        c = ec > c ? ec : c;
        m = em > m ? em : m;
    }
    if (c == 0.0)
        c = cfg->cpu_min_mhz; /* no VM powered on: the default slot */
    if (cfg->slot_cpu_cap_mhz > 0.0 && cfg->slot_cpu_cap_mhz < c)
        c = cfg->slot_cpu_cap_mhz;
    if (cfg->slot_mem_cap_mib > 0.0 && cfg->slot_mem_cap_mib < m)
        m = cfg->slot_mem_cap_mib;
    *slot_cpu = c;
    *slot_mem = m;
}

static int cmp_desc_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x < y) - (x > y);
}

static void ensure_hosts(ha_totals *t, const ha_host *hosts, uint32_t n_hosts, double slot_cpu, double slot_mem)
{
    if (t->hosts_valid && slot_cpu == t->hosts_slot_cpu && slot_mem == t->hosts_slot_mem)
        return;
    t->n_up = 0;
    t->total_slots = 0;
    for (uint32_t h = 0; h < n_hosts; h++) {
        if (!hosts[h].up)
            continue;
        uint32_t by_cpu = ha_whole_slots(hosts[h].cpu_capacity_mhz, slot_cpu);
        uint32_t by_mem = ha_whole_slots(hosts[h].mem_capacity_mib, slot_mem);
        uint32_t s = by_cpu < by_mem ? by_cpu : by_mem;
        if (s == UINT32_MAX)
            s = 0;
        t->sorted_desc[t->n_up++] = s;
        t->total_slots += s;
    }
    qsort(t->sorted_desc, t->n_up, sizeof *t->sorted_desc, cmp_desc_u32);
    t->hosts_valid = 1;
    t->hosts_slot_cpu = slot_cpu;
    t->hosts_slot_mem = slot_mem;
}

static uint64_t used_slots(ha_totals *t, const ha_vm *vms, uint32_t n_vms, double slot_cpu, double slot_mem,
                           const ha_config *cfg)
{
    if (!(cfg->slot_cpu_cap_mhz > 0.0) && !(cfg->slot_mem_cap_mib > 0.0))
        return t->n_on; /* the slot is the largest need: every VM takes one */
    if (!t->used_valid || slot_cpu != t->used_slot_cpu || slot_mem != t->used_slot_mem) {
        t->used_slots = 0;
        for (uint32_t v = 0; v < n_vms; v++)
            if (vms[v].powered_on)
                t->used_slots += vm_slots(&vms[v], slot_cpu, slot_mem, cfg);
        t->used_valid = 1;
        t->used_slot_cpu = slot_cpu;
        t->used_slot_mem = slot_mem;
    }
    return t->used_slots;
}

/* Slots left after the `failures` hosts with the most slots fail. */
static uint64_t slots_after(const ha_totals *t, uint32_t failures)
{
    uint64_t left = t->total_slots;
    for (uint32_t i = 0; i < failures && i < t->n_up; i++)
        left -= t->sorted_desc[i];
    return left;
}

int ha_totals_admit(ha_totals *t, const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                    const ha_vm *vm, int32_t target, const ha_config *cfg)
{
    switch (cfg->policy) {
    case HA_POLICY_DISABLED:
        return 1;
    case HA_POLICY_FAILOVER_HOSTS:
        return !(target >= 0 && (uint32_t)target < n_hosts && hosts[target].failover_host);
    case HA_POLICY_PERCENTAGE: {
        if (!t->caps_valid) {
            t->cap_cpu_mhz = t->cap_mem_mib = 0.0;
            for (uint32_t h = 0; h < n_hosts; h++)
                if (hosts[h].up) {
                    t->cap_cpu_mhz += hosts[h].cpu_capacity_mhz;
                    t->cap_mem_mib += hosts[h].mem_capacity_mib;
                }
            t->reserved_cpu_pct = ha_reserved_percentage(hosts, n_hosts, cfg, 0);
            t->reserved_mem_pct = ha_reserved_percentage(hosts, n_hosts, cfg, 1);
            t->caps_valid = 1;
        }
        double res_cpu = t->sum_cpu_need_mhz + (vm ? ha_vm_cpu_need_mhz(vm, cfg) : 0.0);
        double res_mem = t->sum_mem_need_mib + (vm ? ha_vm_mem_need_mib(vm) : 0.0);
        double cpu_fc = t->cap_cpu_mhz > 0.0 ? (t->cap_cpu_mhz - res_cpu) / t->cap_cpu_mhz : 0.0;
        double mem_fc = t->cap_mem_mib > 0.0 ? (t->cap_mem_mib - res_mem) / t->cap_mem_mib : 0.0;
        /* as ha_admit_power_on: in percent, exactly reaching the reserve is admitted */
        return cpu_fc * 100.0 >= t->reserved_cpu_pct - 1e-9 && mem_fc * 100.0 >= t->reserved_mem_pct - 1e-9;
    }
    case HA_POLICY_SLOTS: {
        double slot_cpu, slot_mem;
        slot_size(t, vm, cfg, &slot_cpu, &slot_mem);
        ensure_hosts(t, hosts, n_hosts, slot_cpu, slot_mem);
        uint64_t used = used_slots(t, vms, n_vms, slot_cpu, slot_mem, cfg) + (vm ? vm_slots(vm, slot_cpu, slot_mem, cfg) : 0);
        return cfg->failover_level <= t->n_up && slots_after(t, cfg->failover_level) >= used;
    }
    }
    return 0;
}

void ha_totals_slots(ha_totals *t, const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                     const ha_config *cfg, ha_slots *out)
{
    double slot_cpu, slot_mem;
    slot_size(t, NULL, cfg, &slot_cpu, &slot_mem);
    ensure_hosts(t, hosts, n_hosts, slot_cpu, slot_mem);
    uint64_t used = used_slots(t, vms, n_vms, slot_cpu, slot_mem, cfg);
    memset(out, 0, sizeof *out);
    out->slot_cpu_mhz = slot_cpu;
    out->slot_mem_mib = slot_mem;
    out->total_slots = (uint32_t)t->total_slots;
    out->used_slots = (uint32_t)used;
    uint64_t left = t->total_slots;
    for (uint32_t f = 1; f <= t->n_up; f++) {
        left -= t->sorted_desc[f - 1];
        if (left < used)
            break;
        out->failover_capacity = f;
    }
}
