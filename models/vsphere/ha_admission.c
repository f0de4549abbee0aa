/* ha_admission.c - vSphere HA admission control and restart plan (see
 * ha_admission.h). */
#include "models/vsphere/ha_admission.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/schema.h"

void ha_config_default(ha_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->policy = HA_POLICY_PERCENTAGE; /* vSphere 6.5+ default */
    cfg->failover_level = 1;
    cfg->auto_percentages = 1;
    cfg->cpu_percentage = 25.0;
    cfg->memory_percentage = 25.0;
    cfg->cpu_min_mhz = 32.0;
}

static const char *const policy_names[] = {"slots", "percentage", "failover_hosts", "disabled"};
static const char *const priority_names[] = {"highest", "high", "medium", "low", "lowest", "disabled"};

int ha_policy_parse(const char *name, ha_policy *out)
{
    for (unsigned i = 0; i < sizeof policy_names / sizeof policy_names[0]; i++)
        if (strcmp(name, policy_names[i]) == 0) {
            *out = (ha_policy)i;
            return 0;
        }
    return -1;
}

int ha_priority_parse(const char *name, ha_priority *out)
{
    int k = scn_enum_index("vms.[].restart_priority", name);
    if (k < 0)
        return -1;
    *out = (ha_priority)k;
    return 0;
}

const char *ha_priority_name(ha_priority p)
{
    return (unsigned)p < sizeof priority_names / sizeof priority_names[0] ? priority_names[p] : "?";
}

/* Tolerance for floor() of capacity/slot so that 9000/2250 is 4, not 3. */
static uint32_t whole_slots(double capacity, double slot)
{
    if (!(slot > 0.0))
        return UINT32_MAX;
    double q = capacity / slot;
    return q <= 0.0 ? 0u : (uint32_t)floor(q * (1.0 + 1e-12));
}

static uint32_t ceil_slots(double need, double slot)
{
    if (!(slot > 0.0) || need <= slot)
        return 1;
    return (uint32_t)ceil(need / slot * (1.0 - 1e-12));
}

static double vm_cpu_need(const ha_vm *vm, const ha_config *cfg)
{
    return fmax(vm->cpu_reservation_mhz, cfg->cpu_min_mhz);
}

static double vm_mem_need(const ha_vm *vm)
{
    return vm->mem_reservation_mib + vm->mem_overhead_mib;
}

static int cmp_desc_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x < y) - (x > y);
}

/* Slots left after removing the `failures` hosts with the most slots. */
static uint64_t slots_after_failures(const uint32_t *sorted_desc, uint32_t n_up, uint32_t failures)
{
    uint64_t left = 0;
    for (uint32_t i = failures; i < n_up; i++)
        left += sorted_desc[i];
    return left;
}

static void slot_compute(const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                         const ha_vm *extra_vm, const ha_config *cfg, ha_slots *out, uint32_t *per_host,
                         uint32_t *sorted_desc, uint32_t *n_up_out)
{
    double slot_cpu = 0.0, slot_mem = 0.0;
    uint32_t n_up = 0;

    memset(out, 0, sizeof *out);
    for (uint32_t i = 0; i <= n_vms; i++) {
        const ha_vm *vm = i < n_vms ? &vms[i] : extra_vm;
        if (vm == NULL || (i < n_vms && !vm->powered_on))
            continue;
        slot_cpu = fmax(slot_cpu, vm_cpu_need(vm, cfg));
        slot_mem = fmax(slot_mem, vm_mem_need(vm));
    }
    if (slot_cpu == 0.0)
        slot_cpu = cfg->cpu_min_mhz; /* no VM powered on: the default slot */
    if (cfg->slot_cpu_cap_mhz > 0.0)
        slot_cpu = fmin(slot_cpu, cfg->slot_cpu_cap_mhz);
    if (cfg->slot_mem_cap_mib > 0.0)
        slot_mem = fmin(slot_mem, cfg->slot_mem_cap_mib);
    out->slot_cpu_mhz = slot_cpu;
    out->slot_mem_mib = slot_mem;

    for (uint32_t h = 0; h < n_hosts; h++) {
        uint32_t s = 0;
        if (hosts[h].up) {
            uint32_t by_cpu = whole_slots(hosts[h].cpu_capacity_mhz, slot_cpu);
            uint32_t by_mem = whole_slots(hosts[h].mem_capacity_mib, slot_mem);
            s = by_cpu < by_mem ? by_cpu : by_mem;
            if (s == UINT32_MAX)
                s = 0; /* both slot components zero cannot happen: cpu_min > 0 */
            sorted_desc[n_up++] = s;
            out->total_slots += s;
        }
        if (per_host)
            per_host[h] = s;
    }
    for (uint32_t i = 0; i <= n_vms; i++) {
        const ha_vm *vm = i < n_vms ? &vms[i] : extra_vm;
        if (vm == NULL || (i < n_vms && !vm->powered_on))
            continue;
        uint32_t c = ceil_slots(vm_cpu_need(vm, cfg), slot_cpu), m = ceil_slots(vm_mem_need(vm), slot_mem);
        out->used_slots += c > m ? c : m;
    }
    qsort(sorted_desc, n_up, sizeof *sorted_desc, cmp_desc_u32);
    out->failover_capacity = 0;
    for (uint32_t f = 1; f <= n_up; f++)
        if (slots_after_failures(sorted_desc, n_up, f) >= out->used_slots)
            out->failover_capacity = f;
        else
            break;
    *n_up_out = n_up;
}

void ha_slot_compute(const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                     const ha_vm *extra_vm, const ha_config *cfg, ha_slots *out, uint32_t *slots_per_host)
{
    uint32_t *sorted = malloc((size_t)(n_hosts ? n_hosts : 1) * sizeof *sorted), n_up = 0;
    if (sorted == NULL) {
        memset(out, 0, sizeof *out);
        return;
    }
    slot_compute(hosts, n_hosts, vms, n_vms, extra_vm, cfg, out, slots_per_host, sorted, &n_up);
    free(sorted);
}

void ha_percentage_compute(const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                           const ha_vm *extra_vm, const ha_config *cfg, double *cpu_fc, double *mem_fc)
{
    double cap_cpu = 0.0, cap_mem = 0.0, res_cpu = 0.0, res_mem = 0.0;
    for (uint32_t h = 0; h < n_hosts; h++)
        if (hosts[h].up) {
            cap_cpu += hosts[h].cpu_capacity_mhz;
            cap_mem += hosts[h].mem_capacity_mib;
        }
    for (uint32_t i = 0; i <= n_vms; i++) {
        const ha_vm *vm = i < n_vms ? &vms[i] : extra_vm;
        if (vm == NULL || (i < n_vms && !vm->powered_on))
            continue;
        res_cpu += vm_cpu_need(vm, cfg);
        res_mem += vm_mem_need(vm);
    }
    *cpu_fc = cap_cpu > 0.0 ? (cap_cpu - res_cpu) / cap_cpu : 0.0;
    *mem_fc = cap_mem > 0.0 ? (cap_mem - res_mem) / cap_mem : 0.0;
}

double ha_reserved_percentage(const ha_host *hosts, uint32_t n_hosts, const ha_config *cfg, int memory)
{
    if (!cfg->auto_percentages)
        return memory ? cfg->memory_percentage : cfg->cpu_percentage;
    uint32_t n_up = 0;
    for (uint32_t h = 0; h < n_hosts; h++)
        n_up += hosts[h].up != 0;
    if (n_up == 0)
        return 100.0;
    uint32_t f = cfg->failover_level < n_up ? cfg->failover_level : n_up;
    return 100.0 * (double)f / (double)n_up; /* vSphere: F hosts' share, hosts taken as equal */
}

int ha_admit_power_on(const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms, const ha_vm *vm,
                      int32_t target, const ha_config *cfg)
{
    ha_vm candidate = *vm;
    candidate.powered_on = 1;
    switch (cfg->policy) {
    case HA_POLICY_DISABLED:
        return 1;
    case HA_POLICY_FAILOVER_HOSTS:
        return !(target >= 0 && (uint32_t)target < n_hosts && hosts[target].failover_host);
    case HA_POLICY_PERCENTAGE: {
        double cpu_fc, mem_fc;
        ha_percentage_compute(hosts, n_hosts, vms, n_vms, &candidate, cfg, &cpu_fc, &mem_fc);
        /* Compare in percent with a tiny tolerance so that exactly reaching
         * the reserved percentage is admitted. */
        return cpu_fc * 100.0 >= ha_reserved_percentage(hosts, n_hosts, cfg, 0) - 1e-9 &&
               mem_fc * 100.0 >= ha_reserved_percentage(hosts, n_hosts, cfg, 1) - 1e-9;
    }
    case HA_POLICY_SLOTS: {
        ha_slots s;
        uint32_t *sorted = malloc((size_t)(n_hosts ? n_hosts : 1) * sizeof *sorted), n_up = 0;
        if (sorted == NULL)
            return 0;
        slot_compute(hosts, n_hosts, vms, n_vms, &candidate, cfg, &s, NULL, sorted, &n_up);
        uint32_t level = cfg->failover_level < n_up ? cfg->failover_level : n_up;
        int ok = cfg->failover_level <= n_up && slots_after_failures(sorted, n_up, level) >= s.used_slots;
        free(sorted);
        return ok;
    }
    }
    return 0;
}

/* The hard VM-host rules, and VM anti-affinity when asked (HA enforces it
 * only with das.respectVmVmAntiAffinityRules). VM-VM affinity is not an HA
 * restart constraint. `where` is the plan so far (VM -> host, -1 none). */
static int ha_rules_allow(const drs_rule *rules, uint32_t n_rules, int anti_affinity, const int32_t *where,
                          uint32_t v, int32_t h)
{
    for (uint32_t r = 0; r < n_rules; r++) {
        const drs_rule *rule = &rules[r];
        int member = 0;
        for (uint32_t k = 0; k < rule->n_vms && !member; k++)
            member = rule->vms[k] == v;
        if (!member)
            continue;
        int in_group = 0;
        for (uint32_t k = 0; k < rule->n_hosts && !in_group; k++)
            in_group = (int32_t)rule->hosts[k] == h;
        if (rule->kind == DRS_RULE_VM_HOST_MUST && !in_group)
            return 0;
        if (rule->kind == DRS_RULE_VM_HOST_MUST_NOT && in_group)
            return 0;
        if (rule->kind == DRS_RULE_VM_ANTI_AFFINITY && anti_affinity)
            for (uint32_t k = 0; k < rule->n_vms; k++)
                if (rule->vms[k] != v && where[rule->vms[k]] == h)
                    return 0;
    }
    return 1;
}

typedef struct order_key {
    ha_priority priority;
    uint32_t vm;
} order_key;

static int cmp_order(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    return (x->vm > y->vm) - (x->vm < y->vm);
}

int ha_restart_plan(const ha_host *hosts, uint32_t n_hosts, const ha_vm *vms, uint32_t n_vms,
                    const uint32_t *failed, uint32_t n_failed, const drs_rule *rules, uint32_t n_rules,
                    int anti_affinity, ha_restart *plan, uint32_t *n_plan, uint32_t *unplaced,
                    uint32_t *n_unplaced)
{
    size_t nh = n_hosts ? n_hosts : 1;
    double *free_cpu = calloc(nh, sizeof *free_cpu), *free_mem = calloc(nh, sizeof *free_mem);
    int32_t *where = malloc((size_t)(n_vms ? n_vms : 1) * sizeof *where);
    char *is_failed = calloc(n_vms ? n_vms : 1, 1);
    order_key *order = malloc((size_t)(n_failed ? n_failed : 1) * sizeof *order);
    uint32_t n_order = 0;

    *n_plan = 0;
    *n_unplaced = 0;
    if (!free_cpu || !free_mem || !where || !is_failed || !order) {
        free(free_cpu);
        free(free_mem);
        free(where);
        free(is_failed);
        free(order);
        return -1;
    }
    for (uint32_t i = 0; i < n_failed; i++)
        if (failed[i] < n_vms)
            is_failed[failed[i]] = 1;
    for (uint32_t h = 0; h < n_hosts; h++) {
        free_cpu[h] = hosts[h].cpu_capacity_mhz;
        free_mem[h] = hosts[h].mem_capacity_mib;
    }
    for (uint32_t v = 0; v < n_vms; v++) {
        int32_t h = vms[v].host;
        where[v] = -1;
        if (is_failed[v] || !vms[v].powered_on || h < 0 || (uint32_t)h >= n_hosts || !hosts[h].up)
            continue;
        where[v] = h;
        free_cpu[h] -= vms[v].cpu_reservation_mhz;
        free_mem[h] -= vm_mem_need(&vms[v]);
    }
    for (uint32_t i = 0; i < n_failed; i++) {
        uint32_t v = failed[i];
        if (v >= n_vms || vms[v].priority == HA_PRIORITY_DISABLED || !vms[v].restartable)
            continue;
        order[n_order].priority = vms[v].priority;
        order[n_order].vm = v;
        n_order++;
    }
    qsort(order, n_order, sizeof *order, cmp_order);

    for (uint32_t i = 0; i < n_order; i++) {
        uint32_t v = order[i].vm;
        double need_cpu = vms[v].cpu_reservation_mhz, need_mem = vm_mem_need(&vms[v]);
        int32_t best = -1;
        int best_failover = 0;
        double best_score = -INFINITY;
        for (uint32_t h = 0; h < n_hosts; h++) {
            if (!hosts[h].up || free_cpu[h] + 1e-9 < need_cpu || free_mem[h] + 1e-9 < need_mem ||
                !ha_rules_allow(rules, rules ? n_rules : 0, anti_affinity, where, v, (int32_t)h))
                continue;
            double score = (hosts[h].cpu_capacity_mhz > 0 ? (free_cpu[h] - need_cpu) / hosts[h].cpu_capacity_mhz : 0) +
                           (hosts[h].mem_capacity_mib > 0 ? (free_mem[h] - need_mem) / hosts[h].mem_capacity_mib : 0);
            int fo = hosts[h].failover_host != 0;
            /* Failover hosts first (lowest index), then most unreserved. */
            if (best < 0 || (fo && !best_failover) || (!fo && !best_failover && score > best_score)) {
                best = (int32_t)h;
                best_failover = fo;
                best_score = score;
            }
        }
        if (best < 0) {
            unplaced[(*n_unplaced)++] = v;
            continue;
        }
        free_cpu[best] -= need_cpu;
        free_mem[best] -= need_mem;
        where[v] = best;
        plan[*n_plan].vm = v;
        plan[*n_plan].host = best;
        (*n_plan)++;
    }
    free(free_cpu);
    free(free_mem);
    free(where);
    free(is_failed);
    free(order);
    return 0;
}

/* The slot arithmetic above, for the running totals (ha_totals.c). */
double ha_vm_cpu_need_mhz(const ha_vm *vm, const ha_config *cfg) { return vm_cpu_need(vm, cfg); }
double ha_vm_mem_need_mib(const ha_vm *vm) { return vm_mem_need(vm); }
uint32_t ha_whole_slots(double capacity, double slot) { return whole_slots(capacity, slot); }
uint32_t ha_ceil_slots(double need, double slot) { return ceil_slots(need, slot); }
