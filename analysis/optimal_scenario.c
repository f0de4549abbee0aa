/* optimal_scenario.c - a scenario's initial placement as an instance (see
 * optimal_scenario.h). */
#include "analysis/optimal_scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/kubernetes/k8s_scheduler_lp.h"
#include "models/workload/workload.h"

placement_request optimal_request_of(const vm_spec *vs)
{
    return (placement_request){.vcpus = vm_spec_vcpus(vs),
                               .memory_mib = vm_spec_memory_mib(vs),
                               .host_group = vs->host_group,
                               .cpu_mhz = vm_spec_cpu_demand(vs)->mean,
                               .sriov_vfs = vm_spec_res(vs)->sriov ? 1u : 0u,
                               .cpu_reservation_mhz = vm_spec_res(vs)->cpu_reservation_mhz,
                               .memory_reservation_mib = vm_spec_res(vs)->memory_reservation_mib};
}

static const model_env *sort_env; /* qsort has no context argument */

static int by_power_on(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    sim_time_ns tx = vm_spec_start_ns(model_vm_spec(sort_env, x)), ty = vm_spec_start_ns(model_vm_spec(sort_env, y));
    if (tx != ty)
        return tx < ty ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* The scenario's rules with members renumbered to instance VMs. */
static int collect_rules(const scenario *scn, const model_env *env, optimal_scenario *s, char *err, size_t err_len)
{
    drs_rule *all = NULL;
    uint32_t *all_members = NULL, n_all = 0;
    int rc = drs_rules_read(scn, env, &all, &all_members, &n_all, err, err_len);
    uint32_t *inst = malloc((size_t)(env->n_vms ? env->n_vms : 1) * sizeof *inst);
    size_t room = 0;
    for (uint32_t r = 0; rc == 0 && r < n_all; r++)
        room += all[r].n_vms + all[r].n_hosts;
    s->rules = calloc(n_all ? n_all : 1, sizeof *s->rules);
    s->members = malloc((room ? room : 1) * sizeof *s->members);
    if (rc == 0 && (!inst || !s->rules || !s->members))
        rc = -2;
    if (rc != 0)
        goto done;
    for (uint32_t v = 0; v < env->n_vms; v++)
        inst[v] = UINT32_MAX;
    for (uint32_t i = 0; i < s->in.n_vms; i++)
        inst[s->vm_id[i]] = i;
    size_t used = 0;
    uint32_t n = 0;
    for (uint32_t r = 0; r < n_all; r++) {
        const drs_rule *a = &all[r];
        if (!drs_rule_is_hard(a->kind))
            continue;
        drs_rule *out = &s->rules[n];
        *out = (drs_rule){.kind = a->kind, .vms = s->members + used};
        for (uint32_t k = 0; k < a->n_vms; k++)
            if (a->vms[k] < env->n_vms && inst[a->vms[k]] != UINT32_MAX)
                s->members[used + out->n_vms++] = inst[a->vms[k]];
        used += out->n_vms;
        out->hosts = s->members + used;
        for (uint32_t k = 0; k < a->n_hosts; k++)
            s->members[used + out->n_hosts++] = a->hosts[k];
        used += out->n_hosts;
        int vm_vm = a->kind == DRS_RULE_VM_AFFINITY || a->kind == DRS_RULE_VM_ANTI_AFFINITY;
        if (out->n_vms >= (vm_vm ? 2u : 1u))
            n++;
    }
    s->n_scenario_rules = n_all;
    s->in.rules = s->rules;
    s->in.n_rules = n;
done:
    free(all);
    free(all_members);
    free(inst);
    return rc;
}

int optimal_scenario_collect(const scenario *scn, const model_env *env, const placement_host_view *view,
                             optimal_scenario *s, char *err, size_t err_len)
{
    memset(s, 0, sizeof *s);
    s->hosts = malloc((size_t)(env->n_hosts ? env->n_hosts : 1) * sizeof *s->hosts);
    s->vm_id = malloc((size_t)(env->n_vms ? env->n_vms : 1) * sizeof *s->vm_id);
    s->vms = malloc((size_t)(env->n_vms ? env->n_vms : 1) * sizeof *s->vms);
    if (!s->hosts || !s->vm_id || !s->vms) {
        snprintf(err, err_len, "out of memory");
        return -2;
    }
    memcpy(s->hosts, view, (size_t)env->n_hosts * sizeof *s->hosts);
    uint32_t n = 0;
    for (uint32_t g = 0; g < env->n_groups; g++) {
        const workload_group *wg = &env->groups[g];
        if (wg->arrival.process != ARRIVAL_AT_START)
            continue;
        for (uint32_t v = wg->first_vm; v < wg->first_vm + wg->count; v++)
            if (!model_vm_spec(env, v)->starts_off &&
                !k8s_vm_starts_off(scn, model_vm_spec(env, v)->group, model_vm_spec(env, v)->index_in_group))
                s->vm_id[n++] = v;
    }
    sort_env = env;
    qsort(s->vm_id, n, sizeof *s->vm_id, by_power_on);
    for (uint32_t i = 0; i < n; i++)
        s->vms[i] = optimal_request_of(model_vm_spec(env, s->vm_id[i]));
    s->in = (optimal_instance){.hosts = s->hosts, .n_hosts = env->n_hosts, .vms = s->vms, .n_vms = n};
    int rc = collect_rules(scn, env, s, err, err_len);
    if (rc == -2)
        snprintf(err, err_len, "out of memory");
    return rc;
}

void optimal_scenario_free(optimal_scenario *s)
{
    free(s->hosts);
    free(s->vms);
    free(s->vm_id);
    free(s->rules);
    free(s->members);
    memset(s, 0, sizeof *s);
}
