/* ha_controller.c - vSphere HA in the cluster controller (see
 * ha_controller.h). */
#include "models/vsphere/ha_controller.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cluster.h"
#include "models/core/datacenter.h"
#include "models/core/model_env.h"
#include "models/core/module.h"
#include "models/policies/registry.h"
#include "models/workload/demand.h"
#include "models/vsphere/ha_totals.h"
#include "models/vsphere/vm_overhead.h"

/* The host named "<group>-NN" (as in /tables/hosts), or -1. */
static int64_t host_by_name(const scenario *scn, const struct model_env *env, const char *name)
{
    char buf[320];
    for (uint32_t i = 0; i < env->n_hosts; i++) {
        const host_spec *hs = &env->host_specs[i];
        snprintf(buf, sizeof buf, "%s-%02" PRIu32, scn_string(scn, "hosts.[%u].name", hs->group),
                 hs->index_in_group + 1);
        if (strcmp(buf, name) == 0)
            return i;
    }
    return -1;
}

/* ha.admission_control and ha.restart_policy through their registries: a
 * built-in admission policy (listed in ha_policy order) sets cfg.policy;
 * any other is called through its table. 0, -2 bad input (err), -1 out
 * of memory. */
static int read_policies(const scenario *scn, ha_controller *ha, const char *admission_key, char *err,
                         size_t err_len)
{
    const policy_registry *r = policy_registry_of(VDCSIM_POLICY_HA_ADMISSION);
    const char *name = scn_string(scn, "%s", admission_key);
    ha->admission = policy_lookup(r, name);
    if (ha->admission == NULL)
        return scn_key_error(scn, err, err_len, admission_key, "'%s' is not a registered HA admission policy", name);
    int32_t index = policy_index(r, ha->admission);
    ha->admission_ext = ha->admission->admit != NULL;
    ha->cfg.policy = ha->admission_ext ? HA_POLICY_DISABLED : (ha_policy)index;
    if (policy_args_read(scn, &ha->admission->info, "ha.admission_args", &ha->admission_args, err, err_len) != 0)
        return -2;
    if (ha->admission_ext) {
        ha->ext_hosts = calloc(ha->n_hosts ? ha->n_hosts : 1, sizeof *ha->ext_hosts);
        ha->ext_vms = calloc(ha->n_vms ? ha->n_vms : 1, sizeof *ha->ext_vms);
    }
    if (ha->admission_ext && (!ha->ext_hosts || !ha->ext_vms))
        return -1;
    int rc = placement_choice_read(scn, VDCSIM_POLICY_HA_RESTART, "ha.restart_policy", "ha.restart_args", &ha->restart,
                                   err, err_len);
    if (rc != 0)
        return rc;
    /* a restart policy that chooses gets the flags of every host of the
     * run (cluster_choose_and_commit_with indexes them by host); the
     * built-in failover_first needs none */
    if (ha->restart.policy->choose != NULL &&
        !(ha->failover_flags = calloc(ha->n_hosts ? ha->n_hosts : 1, sizeof *ha->failover_flags)))
        return -1;
    return 0;
}

/* Host h and VM v are in cluster k (every one without `clusters`). */
static int host_in(const struct model_env *env, uint32_t h, uint32_t k)
{
    return !env->host_cluster || env->host_cluster[h] == k;
}
static int vm_in(const struct model_env *env, uint32_t v, uint32_t k)
{
    return !env->vm_cluster || env->vm_cluster[v] == k;
}

/* HA is on in cluster k: clusters.[k].ha.enabled, else ha.enabled. */
static int cluster_enabled(const scenario *scn, const struct model_env *env, uint32_t k)
{
    char key[64];
    return scn_bool(scn, "%s", datacenter_key(scn, env->host_cluster != NULL, k, "ha.enabled", key, sizeof key));
}

/* HA of cluster k: hosts of other clusters are never up in it and their
 * VMs never powered on, so admission, slots and failover capacity count
 * the cluster's own hosts and VMs only (docs/clusters.md). */
static int build_cluster(const scenario *scn, const struct model_env *env, uint32_t k, int per_vm_state,
                         ha_controller **out, char *err, size_t err_len);

int ha_controller_build(const scenario *scn, const struct model_env *env, int per_vm_state, ha_controller **out,
                        char *err, size_t err_len)
{
    *out = NULL;
    int any = scn_bool(scn, "ha.enabled");
    for (uint32_t k = 0; env->host_cluster && k < env->n_clusters; k++)
        any |= cluster_enabled(scn, env, k);
    if (!any)
        return 0;
    int rc = build_cluster(scn, env, 0, per_vm_state, out, err, err_len);
    if (rc != 0 || !env->host_cluster || (env->n_clusters < 2 && cluster_enabled(scn, env, 0)))
        return rc;
    ha_controller *first = *out;
    first->cluster_ha = calloc(env->n_clusters, sizeof *first->cluster_ha);
    if (!first->cluster_ha) {
        ha_controller_free(first);
        *out = NULL;
        return -1;
    }
    first->n_cluster_ha = env->n_clusters;
    /* a cluster without HA has none (the world stays, holding the others) */
    first->cluster_ha[0] = cluster_enabled(scn, env, 0) ? first : NULL;
    for (uint32_t k = 1; k < env->n_clusters; k++)
        if (cluster_enabled(scn, env, k) && (rc = build_cluster(scn, env, k, per_vm_state, &first->cluster_ha[k], err, err_len)) != 0) {
            ha_controller_free(first);
            *out = NULL;
            return rc;
        }
    return 0;
}

ha_controller *ha_controller_of_cluster(ha_controller *ha, uint32_t cluster_index)
{
    return ha && ha->cluster_ha ? ha->cluster_ha[cluster_index] : ha;
}

static int build_cluster(const scenario *scn, const struct model_env *env, uint32_t k, int per_vm_state,
                         ha_controller **out, char *err, size_t err_len)
{
    ha_controller *ha = calloc(1, sizeof *ha);
    if (!ha)
        return -1;
    ha->n_hosts = env->n_hosts;
    ha->n_vms_run = env->n_vms;
    ha->vm_local = env->vm_local;
    /* with `clusters` its own VMs only (in id order, as vm_local numbers
     * them): the datacenter's list of the cluster's VMs, so that building
     * 157 clusters does not walk every VM of the run for each */
    const uint32_t *own_vms = ha->vm_local && env->dc ? env->dc->vm_ids + env->dc->vm_first[k] : NULL;
    ha->n_vms = own_vms ? env->dc->vms_in[k] : env->n_vms;
    if (!own_vms && ha->vm_local) {
        ha->n_vms = 0;
        for (uint32_t v = 0; v < env->n_vms; v++)
            ha->n_vms += vm_in(env, v, k);
    }
    /* its cluster's hosts are contiguous (cluster.h): own_first .. own_first + n_own_hosts - 1 */
    if (env->host_cluster && env->dc) {
        ha->own_first = env->dc->n_hosts[k] ? env->dc->first_host[k] : 0;
        ha->n_own_hosts = env->dc->n_hosts[k];
    } else {
        ha->own_first = env->n_hosts;
        for (uint32_t h = 0; h < env->n_hosts; h++)
            if (host_in(env, h, k)) {
                ha->own_first = h < ha->own_first ? h : ha->own_first;
                ha->n_own_hosts = h + 1 - ha->own_first;
            }
        if (ha->n_own_hosts == 0)
            ha->own_first = 0;
    }
    /* per own host only: 157 clusters of 64 hosts each sized by all
     * 10,000 hosts took 44 MiB (docs/clusters.md "Memory") */
    ha->hosts = calloc(ha->n_own_hosts ? ha->n_own_hosts : 1, sizeof *ha->hosts);
    /* without per-VM state (a rank that never runs the controller): the
     * sums over the VMs below are still made, the VMs' entries are not */
    uint32_t n_vms = ha->n_vms;
    if (!per_vm_state)
        ha->n_vms = 0;
    ha->vms = calloc(ha->n_vms ? ha->n_vms : 1, sizeof *ha->vms);
    ha->saved_usable = calloc(ha->n_own_hosts ? ha->n_own_hosts : 1, sizeof *ha->saved_usable);
    if (!ha->hosts || !ha->vms || !ha->saved_usable) {
        ha_controller_free(ha);
        return -1;
    }
    ha_config_default(&ha->cfg);
    char admission_key[64], level_key[64];
    int explicit_clusters = env->host_cluster != NULL;
    datacenter_key(scn, explicit_clusters, k, "ha.admission_control", admission_key, sizeof admission_key);
    datacenter_key(scn, explicit_clusters, k, "ha.failover_level", level_key, sizeof level_key);
    int rc = read_policies(scn, ha, admission_key, err, err_len);
    if (rc != 0) {
        ha_controller_free(ha);
        return rc;
    }
    ha->cfg.failover_level = (uint32_t)scn_int(scn, "%s", level_key);
    ha->cfg.cpu_percentage = scn_float(scn, "ha.cpu_percentage");
    ha->cfg.memory_percentage = scn_float(scn, "ha.memory_percentage");
    /* Setting a percentage overrides the computed ones (vSphere's "Override
     * calculated failover capacity"); asking for both is a contradiction. */
    int manual = scn_is_set(scn, "ha.cpu_percentage") || scn_is_set(scn, "ha.memory_percentage");
    if (scn_is_set(scn, "ha.auto_compute_percentages")) {
        ha->cfg.auto_percentages = scn_bool(scn, "ha.auto_compute_percentages");
        if (ha->cfg.auto_percentages && manual) {
            ha_controller_free(ha);
            return scn_key_error(scn, err, err_len, "ha.auto_compute_percentages",
                                 "true computes the percentages, but ha.cpu_percentage or ha.memory_percentage "
                                 "is set too: remove one");
        }
    } else {
        ha->cfg.auto_percentages = !manual;
    }
    ha->cfg.cpu_min_mhz = scn_mhz(scn, "ha.cpu_min");
    ha->retry_interval_ns = scn_duration_ns(scn, "ha.restart_retry_interval");
    ha->retries = (uint32_t)scn_int(scn, "ha.restart_retries");
    ha->defragment = scn_bool(scn, "ha.defragment");
    ha->series_failover_capacity = ha->log_admission_refused = ha->log_restart_failed = -1;
    /* "table": each VM's own overhead, as vCenter counts it; a size: the same for all */
    int overhead_from_table = scn_bytes_name(scn, "ha.memory_overhead") == 0;
    double overhead_mib = (double)(scn_bytes(scn, "ha.memory_overhead") >> 20);
    for (uint32_t h = ha->own_first; h < ha->own_first + ha->n_own_hosts; h++)
        if (host_in(env, h, k))
            *ha_own_host(ha, h) = (ha_host){.cpu_capacity_mhz = host_cpu_capacity_mhz(&env->host_specs[h]),
                                     .mem_capacity_mib = (double)env->host_specs[h].memory_mib,
                                     .up = 1};
    int n = scn_list_len(scn, "ha.failover_hosts");
    for (int i = 0; i < n; i++) {
        const char *name = scn_string(scn, "ha.failover_hosts.[%d].host", i);
        int64_t h = host_by_name(scn, env, name);
        char key[64];
        snprintf(key, sizeof key, "ha.failover_hosts.[%d].host", i);
        if (h < 0) {
            ha_controller_free(ha);
            return scn_key_error(scn, err, err_len, key, "no host is named '%.100s' (expected NAME-NN as in /tables/hosts)",
                             name);
        }
        if (ha_in_cluster(ha, (uint32_t)h) && ha_own_host(ha, (uint32_t)h)->failover_host) {
            ha_controller_free(ha);
            return scn_key_error(scn, err, err_len, key, "host '%.100s' is listed twice", name);
        }
        if (ha->cfg.policy != HA_POLICY_FAILOVER_HOSTS || !host_in(env, (uint32_t)h, k))
            continue; /* failover hosts exist only under their policy, each in its own cluster */
        ha_own_host(ha, (uint32_t)h)->failover_host = 1;
        ha->n_failover_hosts++;
    }
    if (ha->cfg.policy == HA_POLICY_FAILOVER_HOSTS && ha->n_failover_hosts == 0) {
        ha_controller_free(ha);
        if (n > 0 && env->host_cluster)
            return scn_key_error(scn, err, err_len, "ha.failover_hosts",
                                 "cluster '%s' has none of the failover hosts (with admission_control = "
                                 "failover_hosts every cluster needs at least one)",
                                 scn_string(scn, "clusters.[%u].name", k));
        return scn_key_error(scn, err, err_len, "ha.admission_control",
                         "failover_hosts needs at least one host in ha.failover_hosts");
    }
    uint32_t prio_group = UINT32_MAX; /* restart priority read once per group */
    ha_priority prio = HA_PRIORITY_MEDIUM;
    uint32_t n_walk = own_vms ? n_vms : env->n_vms;
    for (uint32_t i = 0; i < n_walk; i++) {
        uint32_t v = own_vms ? own_vms[i] : i;
        const vm_spec *vs = model_vm_spec(env, v);
        if (!vm_in(env, v, k)) {
            if (!ha->vm_local && per_vm_state)
                ha->vms[v] = (ha_vm){.host = -1};
            continue;
        }
        ha->vm_memory_mib += (double)vm_spec_memory_mib(vs);
        ha->vm_cpu_demand_mhz += vm_spec_demand_mean(vs, VM_DEMAND_CPU);
        if (vm_spec_res(vs)->cpu_reservation_mhz > 0.0 || vm_spec_res(vs)->memory_reservation_mib > 0.0)
            ha->vms_reserving++;
        if (vs->group != prio_group) {
            prio_group = vs->group;
            prio = (ha_priority)scn_enum(scn, "vms.[%u].restart_priority", vs->group);
        }
        if (!per_vm_state)
            continue;
        ha->vms[ha_vm_slot(ha, v)] = (ha_vm){.host = -1,
                             .cpu_reservation_mhz = vm_spec_res(vs)->cpu_reservation_mhz,
                             .mem_reservation_mib = vm_spec_res(vs)->memory_reservation_mib,
                             .mem_overhead_mib = overhead_from_table
                                                     ? vsphere_vm_overhead_mib(vm_spec_vcpus(vs), (double)vm_spec_memory_mib(vs))
                                                     : overhead_mib,
                             .priority = prio,
                             .restartable = 1};
    }
    ha->totals = malloc(sizeof *ha->totals);
    if (!ha->totals || ha_totals_init(ha->totals, ha->vms, ha->n_vms, ha->n_own_hosts, &ha->cfg) != 0) {
        free(ha->totals);
        ha->totals = NULL;
        ha_controller_free(ha);
        return -1;
    }
    *out = ha;
    return 0;
}

void ha_controller_free(ha_controller *ha)
{
    if (!ha)
        return;
    for (uint32_t k = 1; k < ha->n_cluster_ha; k++)
        ha_controller_free(ha->cluster_ha[k]);
    free(ha->cluster_ha);
    free(ha->hosts);
    free(ha->vms);
    free(ha->saved_usable);
    free(ha->failover_flags);
    free(ha->ext_hosts);
    free(ha->ext_vms);
    if (ha->totals)
        ha_totals_free(ha->totals);
    free(ha->totals);
    free(ha);
}

int ha_controller_declare_recording(ha_controller *ha, recorder *rec, const struct model_env *env)
{
    /* per cluster, no total: failover capacities do not add up */
    ha->series_failover_capacity =
        cluster_series_new(rec, env, "failover_capacity_hosts", "hosts", env->sample_period_ns, 0);
    ha->log_admission_refused = rec_event_kind(rec, "ha_admission_refused");
    ha->log_restart_failed = rec_event_kind(rec, "ha_restart_failed");
    for (uint32_t k = 1; k < ha->n_cluster_ha; k++) {
        if (!ha->cluster_ha[k])
            continue;
        ha->cluster_ha[k]->series_failover_capacity = ha->series_failover_capacity;
        ha->cluster_ha[k]->log_admission_refused = ha->log_admission_refused;
        ha->cluster_ha[k]->log_restart_failed = ha->log_restart_failed;
    }
    return ha->series_failover_capacity < 0 || ha->log_admission_refused < 0 || ha->log_restart_failed < 0 ? -1 : 0;
}

/* Hides from placement the hosts whose failover flag equals `hide_failover`
 * (remembering the usable flags), or restores them. */
static void mask_hosts(ha_controller *ha, cluster *c, int hide_failover)
{
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) { /* its own view entries */
        ha->saved_usable[h - ha->own_first] = c->view[h].usable;
        if ((ha_own_host(ha, h)->failover_host != 0) == (hide_failover != 0))
            c->view[h].usable = 0;
    }
}

static void unmask_hosts(ha_controller *ha, cluster *c)
{
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++)
        c->view[h].usable = ha->saved_usable[h - ha->own_first];
}

static void mark_on(ha_controller *ha, uint32_t vm_id, int32_t host_index)
{
    uint32_t v = ha_vm_slot(ha, vm_id);
    ha->vms[v].host = host_index;
    if (ha->vms[v].powered_on)
        return;
    ha->vms[v].powered_on = 1;
    ha_totals_on(ha->totals, ha->vms, ha->n_vms, v, &ha->cfg);
}

int32_t ha_controller_restart_place(ha_controller *ha, cluster *c, uint32_t vm_id)
{
    int32_t chosen = -1;
    if (ha->restart.policy->choose != NULL) { /* not failover_first: the policy chooses */
        for (uint32_t h = 0; h < ha->n_hosts; h++)
            ha->failover_flags[h] = (uint8_t)(ha_in_cluster(ha, h) && ha_own_host(ha, h)->failover_host != 0);
        chosen = cluster_choose_and_commit_with(c, vm_id, CLUSTER_PLACE_RESTART, &ha->restart, ha->failover_flags);
        if (chosen >= 0)
            mark_on(ha, vm_id, chosen);
        return chosen;
    }
    if (ha->n_failover_hosts > 0) {
        mask_hosts(ha, c, 0); /* only the failover hosts are left */
        chosen = cluster_choose_and_commit(c, vm_id, CLUSTER_PLACE_RESTART);
        unmask_hosts(ha, c);
    }
    if (chosen < 0)
        chosen = cluster_choose_and_commit(c, vm_id, CLUSTER_PLACE_RESTART);
    if (chosen >= 0)
        mark_on(ha, vm_id, chosen);
    return chosen;
}

/* --- the cluster hooks ----------------------------------------------------- */

/* Admission control on every power-on (initial placement, arrivals, queued VMs). */
/* The public call of a policy that is not built in, over the HA view;
 * vm_id is the VM asking to power on, or -1. */
static vdcsim_ha_admission_call ext_call(const ha_controller *ha, int64_t vm_id)
{
    for (uint32_t h = 0; h < ha->n_hosts; h++) {
        /* another cluster's host: never up here (as when the table held every host) */
        ha_host none = {0};
        const ha_host *hh = ha_in_cluster(ha, h) ? ha_own_host(ha, h) : &none;
        ha->ext_hosts[h] = (vdcsim_ha_host){.cpu_capacity_mhz = hh->cpu_capacity_mhz,
                                            .mem_capacity_mib = hh->mem_capacity_mib,
                                            .up = hh->up,
                                            .failover_host = hh->failover_host};
    }
    for (uint32_t v = 0; v < ha->n_vms; v++)
        ha->ext_vms[v] = (vdcsim_ha_vm){.host = ha->vms[v].host,
                                        .powered_on = ha->vms[v].powered_on,
                                        .cpu_reservation_mhz = ha->vms[v].cpu_reservation_mhz,
                                        .mem_reservation_mib = ha->vms[v].mem_reservation_mib,
                                        .mem_overhead_mib = ha->vms[v].mem_overhead_mib,
                                        .priority = (int)ha->vms[v].priority,
                                        .restartable = ha->vms[v].restartable};
    return (vdcsim_ha_admission_call){.args = ha->admission_args.bytes,
                                      .hosts = ha->ext_hosts,
                                      .n_hosts = ha->n_hosts,
                                      .vms = ha->ext_vms,
                                      .n_vms = ha->n_vms,
                                      .vm = vm_id >= 0 ? &ha->ext_vms[ha_vm_slot(ha, (uint32_t)vm_id)] : NULL,
                                      .cpu_min_mhz = ha->cfg.cpu_min_mhz};
}

/* The event's a: the policy's index in the HA admission registry (the
 * built-in ones: ha_policy). */
static int64_t policy_code(const ha_controller *ha)
{
    return policy_index(policy_registry_of(VDCSIM_POLICY_HA_ADMISSION), ha->admission);
}

/* The HA of the controller's cluster. */
static ha_controller *ha_of(const cluster *c, const cluster_feature *f)
{
    return ha_controller_of_cluster(f->world, c->index);
}

static int ha_admit(sim_ctx *ctx, cluster *c, const cluster_feature *f, uint32_t vm_id)
{
    ha_controller *ha = ha_of(c, f);
    if (!ha)
        return 1; /* no HA in this cluster */
    if (ha->admission_ext) {
        vdcsim_ha_admission_call call = ext_call(ha, vm_id);
        if (ha->admission->admit(&call))
            return 1;
    } else if (ha_totals_admit(ha->totals, ha->hosts, ha->n_own_hosts, ha->vms, ha->n_vms, &ha->vms[ha_vm_slot(ha, vm_id)], -1,
                                &ha->cfg)) {
        return 1;
    }
    ha->refused++;
    cluster_log(ctx, c, ha->log_admission_refused, vm_id, policy_code(ha), 0, 0.0);
    return 0;
}

/* With the failover_hosts policy, power-ons never use the failover hosts. */
static void ha_mask(cluster *c, const cluster_feature *f, uint32_t vm_id, cluster_place_purpose purpose)
{
    (void)vm_id;
    const ha_controller *ha = ha_of(c, f);
    if (!ha || purpose != CLUSTER_PLACE_POWER_ON || ha->cfg.policy != HA_POLICY_FAILOVER_HOSTS)
        return;
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) /* its own view entries */
        if (ha_own_host(ha, h)->failover_host)
            cluster_mask_host(c, h);
}

static void ha_vm_placed(cluster *c, const cluster_feature *f, uint32_t vm_id, int32_t host_index)
{
    if (ha_of(c, f))
        mark_on(ha_of(c, f), vm_id, host_index);
}

static void ha_vm_gone(cluster *c, const cluster_feature *f, uint32_t vm_id)
{
    if (ha_of(c, f))
        ha_controller_vm_off(ha_of(c, f), vm_id);
}

/* The controller's view of hosts and VMs, from the cluster notices. */
static void ha_observe(sim_ctx *ctx, cluster *c, const cluster_feature *f, const cluster_notice *n)
{
    (void)ctx;
    ha_controller *ha = ha_of(c, f);
    if (!ha)
        return;
    if (n->kind == CLUSTER_NOTICE_HOST_DOWN)
        ha_controller_host_up(ha, (uint32_t)n->host, 0);
    else if (n->kind == CLUSTER_NOTICE_HOST_UP)
        ha_controller_host_up(ha, (uint32_t)n->host, 1);
    else if (n->kind == CLUSTER_NOTICE_VM_FAILED)
        ha_controller_vm_off(ha, n->vm);
}

/* /series/cluster/failover_capacity_hosts. */
static void ha_sample(sim_ctx *ctx, cluster *c, const cluster_feature *f)
{
    const ha_controller *ha = ha_of(c, f);
    const model_env *env = c->env;
    if (ha && env->rec && ha->series_failover_capacity >= 0)
        rec_series_put(env->rec, ha->series_failover_capacity, sim_now(ctx), (int)c->index,
                       (double)ha_controller_failover_capacity(ha));
}

/* DPM would put host_id in standby (cluster_hooks may_power_down). vSphere
 * HA "places a constraint to prevent DPM from powering down too many ESXi
 * hosts if it would violate the Admission Control Policy", and with
 * admission control disabled keeps two hosts on (Epping and Denneman,
 * vSphere HA Deepdive, "DPM and HA"): the VMs powered on now must pass the
 * policy on the hosts left on. A dedicated failover host stays on [M]; an
 * admission policy that is not built in keeps one host on [M]. */
static int ha_may_power_down(cluster *c, const cluster_feature *f, uint32_t host_id, const uint8_t *powered_on)
{
    ha_controller *ha = ha_of(c, f);
    if (!ha)
        return 1;
    uint32_t on = 0;
    for (uint32_t i = 0; i < c->n_hosts; i++)
        on += powered_on[i] != 0;
    if (ha->admission_ext)
        return on >= 1;
    if (ha->cfg.policy == HA_POLICY_DISABLED)
        return on >= 2;
    if (ha->cfg.policy == HA_POLICY_FAILOVER_HOSTS)
        return !ha_own_host(ha, host_id)->failover_host;
    int *was_up = malloc((ha->n_own_hosts ? ha->n_own_hosts : 1) * sizeof *was_up);
    if (!was_up)
        abort(); /* out of memory inside a handler */
    for (uint32_t i = 0; i < ha->n_own_hosts; i++) {
        uint32_t h = ha->own_first + i;
        was_up[i] = ha->hosts[i].up;
        int on_after = h >= c->first_host && h - c->first_host < c->n_hosts && powered_on[h - c->first_host];
        ha->hosts[i].up = was_up[i] && on_after;
    }
    ha_totals_hosts_changed(ha->totals);
    int ok = ha_totals_admit(ha->totals, ha->hosts, ha->n_own_hosts, ha->vms, ha->n_vms, NULL, -1, &ha->cfg);
    for (uint32_t i = 0; i < ha->n_own_hosts; i++)
        ha->hosts[i].up = was_up[i];
    ha_totals_hosts_changed(ha->totals);
    free(was_up);
    return ok;
}

static const cluster_hooks ha_cluster_hooks = {
    .name = "ha",
    .observe = ha_observe,
    .admit = ha_admit,
    .mask = ha_mask,
    .vm_placed = ha_vm_placed,
    .vm_gone = ha_vm_gone,
    .sample = ha_sample,
    .may_power_down = ha_may_power_down,
};

void ha_controller_vm_off(ha_controller *ha, uint32_t vm_id)
{
    uint32_t v = ha_vm_slot(ha, vm_id);
    if (!ha->vms[v].powered_on)
        return;
    ha->vms[v].powered_on = 0;
    ha_totals_off(ha->totals, ha->vms, ha->n_vms, v, &ha->cfg);
}

void ha_controller_host_up(ha_controller *ha, uint32_t host_index, int up)
{
    if (!ha_in_cluster(ha, host_index))
        return; /* another cluster's host is never up in this HA */
    ha_host *hh = ha_own_host(ha, host_index);
    if (hh->up != up)
        ha_totals_hosts_changed(ha->totals);
    hh->up = up;
}

ha_priority ha_controller_priority(const ha_controller *ha, uint32_t vm_id)
{
    return ha ? ha->vms[ha_vm_slot(ha, vm_id)].priority : HA_PRIORITY_MEDIUM;
}

sim_time_ns ha_controller_retry_delay(const ha_controller *ha, uint32_t retry)
{
    sim_time_ns d = ha->retry_interval_ns;
    for (uint32_t k = 1; k < retry && d < INT64_MAX / 4; k++)
        d *= 2;
    return d;
}

static int desc_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Largest f such that the up capacities without the f largest still hold
 * `need`; caps is sorted in place. */
static uint32_t hosts_spare(double *caps, uint32_t n, double need)
{
    qsort(caps, n, sizeof *caps, desc_double);
    double left = 0.0;
    for (uint32_t i = 0; i < n; i++)
        left += caps[i];
    uint32_t f = 0;
    while (f < n && left - caps[f] >= need - 1e-9)
        left -= caps[f++];
    return f;
}

uint32_t ha_controller_failover_capacity(const ha_controller *ha)
{
    if (ha->admission_ext && ha->admission->failover_capacity != NULL) {
        vdcsim_ha_admission_call call = ext_call(ha, -1);
        return ha->admission->failover_capacity(&call);
    }
    if (ha->cfg.policy == HA_POLICY_FAILOVER_HOSTS) {
        uint32_t up = 0;
        for (uint32_t i = 0; i < ha->n_own_hosts; i++)
            up += ha->hosts[i].up && ha->hosts[i].failover_host;
        return up;
    }
    if (ha->cfg.policy == HA_POLICY_PERCENTAGE) {
        ha_totals *t = ha->totals;
        double need_cpu = t->sum_cpu_need_mhz, need_mem = t->sum_mem_need_mib;
        if (t->spare_valid && t->spare_need_cpu_mhz == need_cpu && t->spare_need_mem_mib == need_mem)
            return t->spare_hosts; /* the same hosts up and the same needs: the same answer */
        double *cpu = malloc((ha->n_own_hosts ? ha->n_own_hosts : 1) * sizeof *cpu);
        double *mem = malloc((ha->n_own_hosts ? ha->n_own_hosts : 1) * sizeof *mem);
        if (!cpu || !mem) {
            free(cpu);
            free(mem);
            return 0;
        }
        uint32_t n = 0;
        for (uint32_t i = 0; i < ha->n_own_hosts; i++)
            if (ha->hosts[i].up) {
                cpu[n] = ha->hosts[i].cpu_capacity_mhz;
                mem[n++] = ha->hosts[i].mem_capacity_mib;
            }
        uint32_t fc = hosts_spare(cpu, n, need_cpu), fm = hosts_spare(mem, n, need_mem);
        free(cpu);
        free(mem);
        t->spare_hosts = fc < fm ? fc : fm;
        t->spare_need_cpu_mhz = need_cpu;
        t->spare_need_mem_mib = need_mem;
        t->spare_valid = 1;
        return t->spare_hosts;
    }
    ha_slots s;
    ha_totals_slots(ha->totals, ha->hosts, ha->n_own_hosts, ha->vms, ha->n_vms, &ha->cfg, &s);
    return s.failover_capacity;
}

void ha_controller_slots(const ha_controller *ha, ha_slots *out)
{
    ha_totals_slots(ha->totals, ha->hosts, ha->n_own_hosts, ha->vms, ha->n_vms, &ha->cfg, out);
}

/* Sum of the capacities left after the `failures` largest of the up hosts
 * fail (each resource on its own), by repeated selection: check time only. */
static double capacity_after_failures(const ha_controller *ha, uint32_t failures, int memory)
{
    double total = 0.0, removed = 0.0, ceiling = INFINITY;
    uint32_t n_up = 0;
    for (uint32_t h = 0; h < ha->n_own_hosts; h++)
        if (ha->hosts[h].up) {
            total += memory ? ha->hosts[h].mem_capacity_mib : ha->hosts[h].cpu_capacity_mhz;
            n_up++;
        }
    for (uint32_t k = 0; k < failures && k < n_up; k++) {
        /* the k-th largest: the largest below the previous one, counting ties */
        double best = -1.0;
        uint32_t ties = 0;
        for (uint32_t h = 0; h < ha->n_own_hosts; h++) {
            if (!ha->hosts[h].up)
                continue;
            double c = memory ? ha->hosts[h].mem_capacity_mib : ha->hosts[h].cpu_capacity_mhz;
            if (c > ceiling)
                continue;
            if (c > best) {
                best = c;
                ties = 1;
            } else if (c == best) {
                ties++;
            }
        }
        if (best < 0.0)
            break;
        uint32_t take = failures - k < ties ? failures - k : ties;
        removed += best * take;
        k += take - 1;
        ceiling = nextafter(best, -INFINITY);
    }
    return total - removed;
}

/* vSphere's admission control counts reservations only: without any, a VM
 * counts das.vmcpuminmhz (32 MHz) and its memory overhead, so "admitted"
 * says nothing about whether the VMs' memory and CPU demand would fit
 * after a failure. Say so, and show that capacity check when it fails. */
static void describe_reservations_only(const ha_controller *ha, FILE *out)
{
    if (ha->vms_reserving > 0 || ha->n_vms_run == 0)
        return;
    double overhead_max = 0.0;
    for (uint32_t v = 0; v < ha->n_vms; v++)
        overhead_max = fmax(overhead_max, ha->vms[v].mem_overhead_mib);
    fprintf(out,
            "        admission counts only reservations and no VM has one: each counts %.0f MHz and its memory "
            "overhead (largest %.0f MiB), vSphere's default slot; admitted VMs may not restart\n",
            ha->cfg.cpu_min_mhz, overhead_max);
    uint32_t f = ha->cfg.failover_level;
    char after[64];
    if (f == 0)
        snprintf(after, sizeof after, "no host fails");
    else if (f == 1)
        snprintf(after, sizeof after, "the largest host fails");
    else
        snprintf(after, sizeof after, "the %" PRIu32 " largest hosts fail", f);
    double mem_left = capacity_after_failures(ha, f, 1), cpu_left = capacity_after_failures(ha, f, 0);
    int mem_short = ha->vm_memory_mib > mem_left, cpu_short = ha->vm_cpu_demand_mhz > cpu_left;
    if (mem_short)
        fprintf(out,
                "        does not hold: the %" PRIu32 " VMs' memory %.1f GiB > %.1f GiB left after %s\n",
                ha->n_vms_run, ha->vm_memory_mib / 1024.0, mem_left / 1024.0, after);
    if (cpu_short)
        fprintf(out,
                "        does not hold: the %" PRIu32 " VMs' mean CPU demand %.1f GHz > %.1f GHz left after %s\n",
                ha->n_vms_run, ha->vm_cpu_demand_mhz / 1000.0, cpu_left / 1000.0, after);
    if (!mem_short && !cpu_short)
        fprintf(out,
                "        by size it holds: the %" PRIu32 " VMs' memory %.1f GiB and mean CPU demand %.1f GHz fit in the "
                "%.1f GiB and %.1f GHz left after %s\n",
                ha->n_vms_run, ha->vm_memory_mib / 1024.0, ha->vm_cpu_demand_mhz / 1000.0, mem_left / 1024.0,
                cpu_left / 1000.0, after);
}

/* Hosts up in this HA's view: its cluster's hosts at build. */
static uint32_t hosts_up(const ha_controller *ha)
{
    uint32_t n = 0;
    for (uint32_t h = 0; h < ha->n_own_hosts; h++)
        n += ha->hosts[h].up != 0;
    return n;
}

void ha_controller_describe(const ha_controller *ha, FILE *out)
{
    fprintf(out, "ha:     admission control %s", ha->admission->info.name);
    if (ha->admission_ext)
        fprintf(out, " (plug-in or research policy)");
    else if (ha->cfg.policy == HA_POLICY_SLOTS)
        fprintf(out, " (slots for %" PRIu32 " host failure%s)", ha->cfg.failover_level,
                ha->cfg.failover_level == 1 ? "" : "s");
    else if (ha->cfg.policy == HA_POLICY_PERCENTAGE && ha->cfg.auto_percentages)
        fprintf(out, " (%.1f %% CPU and memory reserved: %" PRIu32 " of %" PRIu32 " hosts, computed)",
                ha_reserved_percentage(ha->hosts, ha->n_own_hosts, &ha->cfg, 0), ha->cfg.failover_level, hosts_up(ha));
    else if (ha->cfg.policy == HA_POLICY_PERCENTAGE)
        fprintf(out, " (%.0f %% CPU, %.0f %% memory reserved)", ha->cfg.cpu_percentage, ha->cfg.memory_percentage);
    else if (ha->cfg.policy == HA_POLICY_FAILOVER_HOSTS)
        fprintf(out, " (%" PRIu32 " failover hosts)", ha->n_failover_hosts);
    if (ha->restart.policy->choose != NULL)
        fprintf(out, "; restart placement %s", ha->restart.policy->info.name);
    fprintf(out, "; restart retries %" PRIu32 " from %.0f s, doubling\n", ha->retries,
            (double)ha->retry_interval_ns / 1e9);
    if (!ha->admission_ext && (ha->cfg.policy == HA_POLICY_SLOTS || ha->cfg.policy == HA_POLICY_PERCENTAGE))
        describe_reservations_only(ha, out);
}

/* --- the module (models/core/module.h) ------------------------------------ */

static model_status ha_module_build(model_builder *b, void **world)
{
    ha_controller *ha = NULL;
    /* over MPI ranks the controllers (cluster LPs, never spread) run on
     * rank 0 (docs/engine.md): the other ranks keep no per-VM state */
    int per_vm_state = sim_ranks(b->eng) == 1 || sim_rank(b->eng) == 0;
    int rc = ha_controller_build(b->scn, b->env, per_vm_state, &ha, b->err, b->err_len);
    if (rc == -2)
        return MODEL_BAD_INPUT;
    if (rc != 0)
        return model_runtime_error(b, "out of memory building HA");
    *world = ha;
    return MODEL_OK;
}

static int ha_module_declare(model_builder *b, void *world)
{
    return ha_controller_declare_recording(world, b->rec, b->env);
}

static void ha_module_describe(const void *world, FILE *out) { ha_controller_describe(world, out); }

static void ha_module_free(model_builder *b, void *world)
{
    (void)b;
    ha_controller_free(world);
}

const model_module ha_module = {
    .name = "ha",
    .build = ha_module_build,
    .declare_recording = ha_module_declare,
    .describe = ha_module_describe,
    .free = ha_module_free,
    .cluster_hooks = &ha_cluster_hooks,
};
