/* drs_build.c - reading drs.*, vmotion.*, rules and the per-VM DRS keys
 * into a drs_env, its recording and its end-of-run table (see
 * drs_controller.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/vsphere/drs_controller.h"
#include "models/core/cluster.h"
#include "models/core/datacenter.h"
#include "models/vsphere/drs_vsphere7.h"
#include "models/vsphere/vm_overhead.h"
#include "models/core/module.h"
#include "recorder/declare.h"
#include "models/core/model_env.h"
#include "models/policies/registry.h"
#include "recorder/recorder.h"
#include "sim/spill.h"

/* drs.stats after drs.cluster: the pull comes after every host's stats it
 * stands for (drs_stage.h) */
enum { PRIO_DRS_HOST = 24, PRIO_DRS_CLUSTER = 40, PRIO_DRS_STATS = 42 };


/* Appends the VMs (hosts) a name stands for: a group name gives all its
 * members, "GROUP-NN" one of them. Returns how many, or -1. */
static int resolve_name(const scenario *scn, const char *list, const char *name, size_t len,
                        const uint32_t *first, const uint32_t *count, uint32_t *out)
{
    int groups = scn_list_len(scn, "%s", list);
    for (int g = 0; g < groups; g++) {
        const char *gname = scn_string(scn, "%s.[%d].name", list, g);
        size_t gl = strlen(gname);
        if (gl == len && strncmp(gname, name, len) == 0) {
            for (uint32_t k = 0; k < count[g]; k++)
                out[k] = first[g] + k;
            return (int)count[g];
        }
        if (len > gl + 1 && strncmp(gname, name, gl) == 0 && name[gl] == '-') {
            char digits[16];
            size_t nd = len - gl - 1;
            if (nd >= sizeof digits)
                continue;
            memcpy(digits, name + gl + 1, nd);
            digits[nd] = 0;
            char *end;
            long idx = strtol(digits, &end, 10);
            if (*end == 0 && idx >= 1 && (uint32_t)idx <= count[g]) {
                out[0] = first[g] + (uint32_t)idx - 1;
                return 1;
            }
        }
    }
    return -1;
}

/* Parses a comma-separated member list into out (room for `room`). */
static int parse_members(const scenario *scn, const char *key, const char *text, const char *list,
                         const uint32_t *first, const uint32_t *count, uint32_t *out, uint32_t room, uint32_t *n,
                         char *err, size_t err_len)
{
    *n = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && end[-1] == ' ')
            end--;
        if (end == start)
            continue;
        uint32_t tmp_room = room - *n;
        (void)tmp_room;
        int got = resolve_name(scn, list, start, (size_t)(end - start), first, count, out + *n);
        if (got < 0) {
            scn_key_error(scn, err, err_len, key, "'%.*s' names no %s group or 'GROUP-NN' member of this scenario",
                      (int)(end - start), start, strcmp(list, "vms") == 0 ? "VM" : "host");
            return -1;
        }
        *n += (uint32_t)got;
    }
    return 0;
}

static int read_rules(drs_env *d, const scenario *scn, const model_env *env, char *err, size_t err_len);

int drs_rules_read(const scenario *scn, const model_env *env, drs_rule **rules, uint32_t **members, uint32_t *n_rules,
                   char *err, size_t err_len)
{
    drs_env *d = calloc(1, sizeof *d);
    if (!d)
        return -2;
    int rc = read_rules(d, scn, env, err, err_len);
    drs_rules_index_free(&d->rule_index);
    *rules = d->rules;
    *members = d->rule_members;
    *n_rules = rc == 0 ? d->n_rules : 0;
    free(d);
    return rc;
}

static int read_rules(drs_env *d, const scenario *scn, const model_env *env, char *err, size_t err_len)
{
    int n_rules = scn_list_len(scn, "rules");
    if (n_rules == 0)
        return 0;
    int vgroups = scn_list_len(scn, "vms"), hgroups = scn_list_len(scn, "hosts");
    uint32_t *vfirst = calloc((size_t)vgroups + 1, sizeof *vfirst), *vcount = calloc((size_t)vgroups + 1, sizeof *vcount);
    uint32_t *hfirst = calloc((size_t)hgroups + 1, sizeof *hfirst), *hcount = calloc((size_t)hgroups + 1, sizeof *hcount);
    d->rules = calloc((size_t)n_rules, sizeof *d->rules);
    /* each rule names at most every VM and every host once per token; a
     * generous bound: each rule's members fit in n_vms + n_hosts x tokens */
    size_t room = 0;
    for (int r = 0; r < n_rules; r++) {
        size_t commas_v = 1, commas_h = 1;
        for (const char *s = scn_string(scn, "rules.[%d].vms", r); *s; s++)
            commas_v += *s == ',';
        for (const char *s = scn_string(scn, "rules.[%d].hosts", r); *s; s++)
            commas_h += *s == ',';
        room += commas_v * (env->n_vms + 1) + commas_h * (env->n_hosts + 1);
    }
    d->rule_members = calloc(room ? room : 1, sizeof *d->rule_members);
    int rc = -2;
    if (!vfirst || !vcount || !hfirst || !hcount || !d->rules || !d->rule_members)
        goto done;
    /* rules name the scenario's VMs, never a cross-cluster twin (a copy of
     * a VM's spec appended after them, models/core/datacenter.h) */
    uint32_t n_named = env->dc && env->dc->n_vms_base ? env->dc->n_vms_base : env->n_vms;
    for (uint32_t v = 0; v < n_named; v++)
        if (model_vm_spec(env, v)->index_in_group == 0)
            vfirst[model_vm_spec(env, v)->group] = v;
    for (uint32_t v = 0; v < n_named; v++)
        vcount[model_vm_spec(env, v)->group]++;
    for (uint32_t h = 0; h < env->n_hosts; h++) {
        if (env->host_specs[h].index_in_group == 0)
            hfirst[env->host_specs[h].group] = h;
        hcount[env->host_specs[h].group]++;
    }
    uint32_t used = 0;
    rc = -1;
    for (int r = 0; r < n_rules; r++) {
        char key[64];
        drs_rule *rule = &d->rules[r];
        snprintf(key, sizeof key, "rules.[%d].kind", r);
        rule->kind = (drs_rule_kind)scn_enum(scn, "%s", key);
        uint32_t n;
        snprintf(key, sizeof key, "rules.[%d].vms", r);
        if (parse_members(scn, key, scn_string(scn, "%s", key), "vms", vfirst, vcount, d->rule_members + used,
                          (uint32_t)(room - used), &n, err, err_len) != 0)
            goto done;
        rule->vms = d->rule_members + used;
        rule->n_vms = n;
        used += n;
        snprintf(key, sizeof key, "rules.[%d].hosts", r);
        if (parse_members(scn, key, scn_string(scn, "%s", key), "hosts", hfirst, hcount, d->rule_members + used,
                          (uint32_t)(room - used), &n, err, err_len) != 0)
            goto done;
        rule->hosts = d->rule_members + used;
        rule->n_hosts = n;
        used += n;
        int vm_host = rule->kind != DRS_RULE_VM_AFFINITY && rule->kind != DRS_RULE_VM_ANTI_AFFINITY;
        if (vm_host && n == 0) {
            scn_key_error(scn, err, err_len, key, "a %s rule needs hosts", drs_rule_kind_name(rule->kind));
            goto done;
        }
        if (!vm_host && n > 0) {
            scn_key_error(scn, err, err_len, key, "a %s rule takes no hosts", drs_rule_kind_name(rule->kind));
            goto done;
        }
    }
    d->n_rules = (uint32_t)n_rules;
    rc = drs_rules_index_build(&d->rule_index, d->rules, d->n_rules, env->n_vms) == 0 ? 0 : -2;
done:
    free(vfirst);
    free(vcount);
    free(hfirst);
    free(hcount);
    return rc;
}

/* The VMs of group g are pinned: passthrough, or a vGPU that may not move. */
static uint8_t group_pins(const scenario *scn, uint32_t g)
{
    return (uint8_t)(scn_bool(scn, "vms.[%u].passthrough", g) ||
                     (scn_string(scn, "vms.[%u].vgpu_profile", g)[0] != '\0' && !scn_bool(scn, "vgpu.vmotion")));
}

/* The pass's view of the hosts and VMs of other clusters, once: they never
 * change in this cluster's view (hosts DOWN, VMs nowhere and not movable),
 * so the controller's loops visit only its own (docs/clusters.md). */
static void fill_foreign(drs_ctl *k, const model_env *env, uint32_t cluster_index)
{
    if (!env->host_cluster)
        return;
    for (uint32_t h = 0; h < env->n_hosts; h++) {
        if (env->host_cluster[h] == cluster_index)
            continue;
        const host_spec *s = &env->host_specs[h];
        k->hosts[h] = (drs_host){.cpu_capacity_mhz = host_schedulable_mhz(s),
                                 .mem_capacity_mib = (double)s->memory_mib,
                                 .state = DRS_HOST_DOWN,
                                 .vmotion_nic_gbps = k->nic_gbps[h],
                                 .sriov_vfs = s->hw.nics * s->hw.sriov_vfs_per_nic};
    }
    for (uint32_t v = 0; v < env->n_vms; v++) {
        if (env->vm_cluster[v] == cluster_index)
            continue;
        const vm_spec *vs = model_vm_spec(env, v);
        k->vms[v] = (drs_vm){.host = -1,
                             .cpu_reservation_mhz = vm_spec_res(vs)->cpu_reservation_mhz,
                             .mem_reservation_mib = vm_spec_res(vs)->memory_reservation_mib,
                             .memory_mib = (double)vm_spec_memory_mib(vs),
                             .sriov_vfs = vm_spec_res(vs)->sriov ? 1u : 0u,
                             .pinned = 1};
        k->assignment[v] = -1;
    }
}

/* What a cluster owns: its VMs and hosts, and the span from its first host
 * to its last (contiguous in a local view). */
typedef struct cluster_extent {
    uint32_t own_vms, own_hosts, first_host, host_span;
} cluster_extent;

/* Every cluster's extent (one for a world without `clusters`) in one pass
 * over the VMs and hosts, not one per cluster. NULL when out of memory. */
static cluster_extent *cluster_extents(const model_env *env)
{
    uint32_t n = env->host_cluster && env->n_clusters ? env->n_clusters : 1;
    cluster_extent *x = calloc(n, sizeof *x);
    if (!x)
        return NULL;
    for (uint32_t k = 0; k < n; k++)
        x[k].first_host = env->n_hosts;
    for (uint32_t v = 0; v < env->n_vms; v++) {
        uint32_t k = env->vm_cluster ? env->vm_cluster[v] : 0;
        if (k < n)
            x[k].own_vms++;
    }
    for (uint32_t h = 0; h < env->n_hosts; h++) {
        uint32_t k = env->host_cluster ? env->host_cluster[h] : 0;
        if (k >= n)
            continue;
        x[k].own_hosts++;
        x[k].first_host = h < x[k].first_host ? h : x[k].first_host;
        x[k].host_span = h + 1 - x[k].first_host;
    }
    return x;
}

/* Declares that records [0, n) of the shared region at `base`, record i
 * read only by the controller of cluster cluster_of[i] (all cluster 0's
 * when cluster_of is NULL), are read by that controller alone
 * (sim_share_reader), one range per run of records of one cluster. 0 or -1. */
static int declare_readers(sim_engine *eng, const void *base, uint32_t n, const uint32_t *cluster_of,
                           const model_env *env)
{
    for (uint32_t i = 0; i < n;) {
        const uint32_t k = cluster_of ? cluster_of[i] : 0;
        uint32_t end = i + 1;
        while (end < n && (cluster_of ? cluster_of[end] : 0) == k)
            end++;
        if (sim_share_reader(eng, base, i, end - i, env->cluster_lp + k) != 0)
            return -1;
        i = end;
    }
    return 0;
}

/* The stage and the hosts' stamps are read only by the controllers (on
 * rank 0 over MPI, with the other LPs that are not spread), each its own
 * cluster's: a rank keeps what a controller it runs reads. Records go by
 * slot, cluster after cluster (drs_stage_map_of), or by VM id. At the
 * start: the controllers' LP ids (env->cluster_lp) exist from core_start on. */
static int declare_stage_readers(sim_engine *eng, const drs_env *d, const model_env *env)
{
    if (declare_readers(eng, d->host_staged, env->n_hosts, env->host_cluster, env) != 0)
        return -1;
    if (!env->vm_cluster || !drs_stage_map_of(env, 0).vm_local)
        return declare_readers(eng, d->stage, env->n_vms, env->vm_cluster, env);
    for (uint32_t k = 0; k < env->n_clusters; k++) {
        const drs_stage_map map = drs_stage_map_of(env, k);
        if (map.count > 0 && sim_share_reader(eng, d->stage, map.first, map.count, env->cluster_lp + k) != 0)
            return -1;
    }
    return 0;
}

/* The controller state of cluster `cluster_index` (extent x) into d->ctl:
 * hosts of other clusters are DOWN in it for good (no notice ever reaches
 * it about them), so no pass moves a VM there. 0 or -1. */
static int alloc_ctl(drs_env *d, const scenario *scn, const model_env *env, uint32_t cluster_index,
                     const cluster_extent *x)
{
    drs_ctl *k = &d->ctl;
    size_t nv = env->n_vms ? env->n_vms : 1, nh = env->n_hosts ? env->n_hosts : 1;
    /* with `clusters`, no rules and a built-in policy, passes see only the
     * cluster's own VMs (drs_controller.c, local_view): no pass arrays over
     * every VM of the run */
    const vdcsim_drs_policy *policy = policy_lookup(policy_registry_of(VDCSIM_POLICY_DRS), scn_string(scn, "drs.policy"));
    k->local = env->host_cluster != NULL && scn_list_len(scn, "rules") == 0 && policy && policy->pass == NULL;
    uint32_t own = x->own_vms;
    size_t nv_all = nv; /* a full view's pass arrays hold every VM of the run */
    k->vm_local = env->vm_local;
    if (env->vm_local) /* the view's per-VM arrays hold the cluster's own VMs */
        nv = own ? own : 1;
    /* the local view keeps the cluster's own (contiguous) hosts only */
    k->host0 = 0;
    k->n_host_slots = env->n_hosts;
    k->stats_sample_ns = 0; /* the hosts first stage at their first sample (drs_stage.h) */
    k->stats_hosts_taken = 0;
    if (k->local) {
        k->host0 = x->host_span ? x->first_host : 0;
        k->n_host_slots = x->host_span;
        nh = x->host_span ? x->host_span : 1;
    }
    k->vm_cpu_mhz = calloc(nv, sizeof *k->vm_cpu_mhz);
    k->vm_mem_mib = calloc(nv, sizeof *k->vm_mem_mib);
    k->vm_dirty_bytes_per_s = calloc(nv, sizeof *k->vm_dirty_bytes_per_s);
    k->vm_running = calloc(nv, sizeof *k->vm_running);
    k->vm_migration = malloc(nv * sizeof *k->vm_migration);
    k->host_state = calloc(nh, sizeof *k->host_state);
    k->host_evacuating = calloc(nh, sizeof *k->host_evacuating);
    k->evacuation_start_ns = calloc(nh, sizeof *k->evacuation_start_ns);
    k->evacuation_for_standby = calloc(nh, sizeof *k->evacuation_for_standby);
    k->host_standby = calloc(nh, sizeof *k->host_standby);
    k->host_in_flight = calloc(nh, sizeof *k->host_in_flight);
    k->host_load = calloc(nh, sizeof *k->host_load);
    size_t view_hosts = x->host_span > x->own_hosts ? x->host_span : x->own_hosts; /* c->n_hosts */
    k->view_sums = calloc(4 * (view_hosts ? view_hosts : 1), sizeof *k->view_sums);
    k->view_count = calloc(view_hosts ? view_hosts : 1, sizeof *k->view_count);
    k->stats_sums = calloc(view_hosts ? view_hosts : 1, sizeof *k->stats_sums);
    k->host_stuck = calloc(nh, sizeof *k->host_stuck);
    k->nic_gbps = calloc(nh, sizeof *k->nic_gbps);
    k->cpu_charged = calloc(nh, sizeof *k->cpu_charged);
    k->hosts = calloc(nh, sizeof *k->hosts);
    k->host_fixed = calloc(nh, sizeof *k->host_fixed);
    if (!k->local) { /* a local view allocates them for each pass that needs them */
        k->vms = calloc(nv_all, sizeof *k->vms);
        k->assignment = calloc(nv_all, sizeof *k->assignment);
    }
    k->moves = calloc((size_t)d->params.max_moves_per_pass + 1, sizeof *k->moves); /* no pass makes more */
    if (!k->vm_cpu_mhz || !k->vm_mem_mib || !k->vm_dirty_bytes_per_s || !k->vm_running || !k->vm_migration ||
        !k->host_state || !k->host_evacuating || !k->evacuation_start_ns || !k->evacuation_for_standby || !k->host_standby || !k->host_in_flight || !k->host_load || !k->view_sums || !k->view_count || !k->stats_sums || !k->host_stuck || !k->nic_gbps || !k->cpu_charged || !k->hosts || !k->host_fixed ||
        (!k->local && (!k->vms || !k->assignment)) || !k->moves)
        return -1;
    for (size_t v = 0; v < nv; v++)
        k->vm_migration[v] = -1;
    for (uint32_t h = k->host0; h < k->host0 + k->n_host_slots; h++) {
        const host_spec *s = &env->host_specs[h];
        double nic = s->hw.nic_gbps;
        k->nic_gbps[drs_host_slot(k, h)] = nic > 0.0 ? nic : 10.0;
        k->host_fixed[drs_host_slot(k, h)] = (drs_host){.cpu_capacity_mhz = host_schedulable_mhz(s),
                                                        .mem_capacity_mib = (double)s->memory_mib,
                                                        .sriov_vfs = s->hw.nics * s->hw.sriov_vfs_per_nic};
        k->host_state[drs_host_slot(k, h)] =
            !env->host_cluster || env->host_cluster[h] == cluster_index ? DRS_HOST_UP : DRS_HOST_DOWN;
    }
    if (!k->local)
        fill_foreign(k, env, cluster_index);
    return vmotion_set_init(&k->set, k->n_host_slots, k->nic_gbps);
}

/* drs.policy and drs.args through the DRS registry: 0, -1 bad input (err),
 * -2 out of memory. */
static int read_policy(drs_env *d, const scenario *scn, const model_env *env, char *err, size_t err_len)
{
    const char *name = scn_string(scn, "drs.policy");
    d->policy = policy_lookup(policy_registry_of(VDCSIM_POLICY_DRS), name);
    if (d->policy == NULL) {
        scn_key_error(scn, err, err_len, "drs.policy", "'%s' is not a registered DRS policy", name);
        return -1;
    }
    if (policy_args_read(scn, &d->policy->info, "drs.args", &d->policy_args, err, err_len) != 0)
        return -1;
    if (d->policy->pass == NULL)
        return 0;
    size_t nh = env->n_hosts ? env->n_hosts : 1, nv = env->n_vms ? env->n_vms : 1;
    d->ext_hosts = calloc(nh, sizeof *d->ext_hosts);
    d->ext_vms = calloc(nv, sizeof *d->ext_vms);
    d->ext_moves = calloc((size_t)d->params.max_moves_per_pass + 1, sizeof *d->ext_moves);
    return d->ext_hosts && d->ext_vms && d->ext_moves ? 0 : -2;
}

/* The hosts' staged stats (drs_stage.h) are read a control latency after
 * they are written; the next write, at the next staging sample, must fall
 * in a later window than that read (else threads would race on them):
 * the gap between staging samples (the DRS period when it is a multiple
 * of the sample period, else at least one sample period) must be at least
 * control latency + lookahead. 0, or -1 with the key in err. */
static int check_stage_windows(const drs_env *d, const scenario *scn, const model_env *env, const sim_engine *eng,
                               char *err, size_t err_len)
{
    sim_time_ns sample = env->sample_period_ns, period = d->period_ns;
    if (sample <= 0 || period <= 0)
        return 0; /* the keys' own checks */
    sim_time_ns gap = period > sample && period % sample == 0 ? period : sample;
    sim_time_ns need = env->control_latency_ns + sim_lookahead_ns(eng);
    if (gap >= need)
        return 0;
    char g[64], l[64], n[64];
    scn_key_error(scn, err, err_len, "simulation.control_latency",
                  "%s is too long for DRS stats staged every %s (simulation.sample_period, drs.period): the next "
                  "staging could overwrite them in the window their controller reads them (expected the staging at "
                  "least control latency + lookahead = %s apart)",
                  sim_time_format(env->control_latency_ns, l, sizeof l), sim_time_format(gap, g, sizeof g),
                  sim_time_format(need, n, sizeof n));
    return -1;
}

/* Reads drs.*, vmotion.*, rules and the per-VM keys, and registers the
 * kinds. Returns NULL with *bad == 0 when there is nothing to do (DRS off
 * and no rules), NULL with *bad == 1 and "FILE:LINE: key '...': ..." in err
 * on bad input, *bad == 2 when out of memory. */
static void drs_free(drs_env *d);

/* With `clusters`: a copy of d per further cluster, with its own
 * controller state and policy scratch (every cluster LP runs its passes
 * at once with the others). 0 or -2 (no memory). */
/* A cluster's own drs.enabled, drs.threshold and dpm.enabled. */
static void cluster_settings(drs_env *e, const scenario *scn, uint32_t k)
{
    char key[64];
    e->enabled = scn_bool(scn, "%s", datacenter_key(scn, 1, k, "drs.enabled", key, sizeof key));
    e->params.threshold = (int)scn_int(scn, "%s", datacenter_key(scn, 1, k, "drs.threshold", key, sizeof key));
    e->dpm = e->enabled && scn_bool(scn, "%s", datacenter_key(scn, 1, k, "dpm.enabled", key, sizeof key));
}

static int build_cluster_envs(drs_env *d, const scenario *scn, const model_env *env, const cluster_extent *x)
{
    d->any_dpm = d->dpm;
    if (!env->host_cluster)
        return 0;
    cluster_settings(d, scn, 0);
    d->any_dpm = d->dpm;
    if (env->n_clusters < 2)
        return 0;
    d->cluster_envs = calloc(env->n_clusters, sizeof *d->cluster_envs);
    if (!d->cluster_envs)
        return -2;
    d->n_cluster_envs = env->n_clusters;
    d->cluster_envs[0] = d;
    for (uint32_t k = 1; k < env->n_clusters; k++) {
        drs_env *e = malloc(sizeof *e);
        if (!e)
            return -2;
        *e = *d;
        e->ctl = (drs_ctl){0};
        e->cluster_envs = NULL;
        e->n_cluster_envs = 0;
        e->ext_hosts = NULL;
        e->ext_vms = NULL;
        e->ext_moves = NULL;
        d->cluster_envs[k] = e;
        cluster_settings(e, scn, k);
        d->any_dpm |= e->dpm;
        if (alloc_ctl(e, scn, env, k, &x[k]) != 0)
            return -2;
        if (d->policy->pass != NULL) {
            size_t nh = env->n_hosts ? env->n_hosts : 1, nv = env->n_vms ? env->n_vms : 1;
            e->ext_hosts = calloc(nh, sizeof *e->ext_hosts);
            e->ext_vms = calloc(nv, sizeof *e->ext_vms);
            e->ext_moves = calloc((size_t)d->params.max_moves_per_pass + 1, sizeof *e->ext_moves);
            if (!e->ext_hosts || !e->ext_vms || !e->ext_moves)
                return -2;
        }
    }
    return 0;
}

static drs_env *drs_build(const scenario *scn, const model_env *env, sim_engine *eng, int *bad, char *err,
                          size_t err_len)
{
    *bad = 0;
    int enabled = scn_bool(scn, "drs.enabled");
    int any_enabled = enabled;
    for (uint32_t k = 0; env->host_cluster && k < env->n_clusters; k++) {
        char key[64];
        any_enabled |= scn_bool(scn, "%s", datacenter_key(scn, 1, k, "drs.enabled", key, sizeof key));
    }
    if (!any_enabled && scn_list_len(scn, "rules") == 0)
        return NULL;
    drs_env *d = calloc(1, sizeof *d);
    if (!d) {
        *bad = 2;
        return NULL;
    }
    d->enabled = enabled;
    d->any_enabled = any_enabled;
    d->period_ns = scn_duration_ns(scn, "drs.period");
    d->prerequisite_moves = scn_bool(scn, "drs.prerequisite_moves");
    drs_params_default(&d->params);
    d->params.threshold = (int)scn_int(scn, "drs.threshold");
    d->params.max_moves_per_pass = (uint32_t)scn_int(scn, "drs.max_moves_per_pass");
    d->params.max_moves_per_host = (uint32_t)scn_int(scn, "drs.max_moves_per_host");
    d->params.min_goodness = scn_float(scn, "drs.min_goodness");
    d->params.cost_benefit = scn_bool(scn, "drs.cost_benefit");
    d->params.gain_duration_s = (double)scn_duration_ns(scn, "drs.gain_duration") * 1e-9;
    d->params.combine = (drs_combine)scn_enum(scn, "drs.combine");
    d->params.search = (drs_search)scn_enum(scn, "drs.search");
    d->params.period_s = (double)d->period_ns * 1e-9;
    if (env->n_hosts > 0)
        d->params.core_mhz = env->host_specs[0].cpu_mhz;
    vmotion_params_default(&d->vmotion);
    d->vmotion.downtime_target_s = (double)scn_duration_ns(scn, "vmotion.downtime_target") * 1e-9;
    d->vmotion.max_live_rounds = (int)scn_int(scn, "vmotion.max_rounds");
    d->vmotion.switchover_s = (double)scn_duration_ns(scn, "vmotion.switchover") * 1e-9;
    d->vmotion.sdps = strcmp(scn_string(scn, "vmotion.convergence"), "sdps") == 0;
    d->vmotion.sdps_ratio = scn_float(scn, "vmotion.sdps_ratio");
    d->params.vmotion = d->vmotion;
    d->dpm = enabled && scn_bool(scn, "dpm.enabled");
    d->dpm_low = scn_float(scn, "dpm.low_utilization");
    d->dpm_high = scn_float(scn, "dpm.high_utilization");
    d->dpm_boot_ns = scn_duration_ns(scn, "dpm.boot_delay");
    d->standby_w = scn_watts(scn, "dpm.standby_power");
    d->series_imbalance = d->series_in_flight = d->series_standby = -1;
    d->log_pass = d->log_move = d->log_vmotion_started = d->log_vmotion_done = d->log_vmotion_aborted = d->log_evacuated = -1;
    d->log_standby = d->log_power_on = -1;

    int groups = scn_list_len(scn, "vms");
    d->dirty_mb_per_s = calloc(groups ? (size_t)groups : 1, sizeof *d->dirty_mb_per_s);
    d->group_overhead = calloc(groups ? (size_t)groups : 1, sizeof *d->group_overhead);
    d->n_groups = d->group_overhead ? (uint32_t)groups : 0;
    size_t nh = env->n_hosts ? env->n_hosts : 1, nv = env->n_vms ? env->n_vms : 1;
    d->hosts = calloc(nh, sizeof *d->hosts);
    d->vm_pinned = calloc(nv, sizeof *d->vm_pinned);
    d->stage = calloc(nv, sizeof *d->stage);
    d->host_staged = calloc(nh, sizeof *d->host_staged);
    cluster_extent *extents = cluster_extents(env);
    int rc = d->dirty_mb_per_s && d->group_overhead && d->hosts && d->vm_pinned && d->stage && d->host_staged &&
                     extents &&
                     alloc_ctl(d, scn, env, 0, &extents[0]) == 0
                 ? 0
                 : -2;
    /* host LPs write it, controllers (rank 0 over MPI) read it */
    if (rc == 0 && (sim_share(eng, "drs stage", d->stage, sizeof *d->stage, nv) != 0 ||
                    sim_share(eng, "drs host_staged", d->host_staged, sizeof *d->host_staged, nh) != 0))
        rc = -2; /* their readers are declared at the start, once the controllers' LPs exist */
    /* calloc's zero stamps read "never staged" (drs_stage_stamp) */
    if (rc == 0) {
        for (int g = 0; g < groups; g++)
            d->dirty_mb_per_s[g] = scn_float(scn, "vms.[%d].dirty_rate", g);
        /* each group's entry from its first VM; shape (0, 0) when it has none */
        for (uint32_t g = 0; g < d->n_groups; g++)
            d->group_overhead[g].overhead_mib = vsphere_vm_overhead_mib(0, 0.0);
        uint32_t *first_vm = malloc((groups ? (size_t)groups : 1) * sizeof *first_vm);
        if (!first_vm)
            rc = -2;
        for (uint32_t g = 0; rc == 0 && g < d->n_groups; g++)
            first_vm[g] = UINT32_MAX;
        for (uint32_t v = env->n_vms; rc == 0 && v-- > 0;)
            if (model_vm_spec(env, v)->group < d->n_groups)
                first_vm[model_vm_spec(env, v)->group] = v;
        for (uint32_t g = 0; rc == 0 && g < d->n_groups; g++)
            if (first_vm[g] != UINT32_MAX) {
                const vm_spec *vs = model_vm_spec(env, first_vm[g]);
                d->group_overhead[g] = (drs_group_overhead){
                    .gs = vs->gs, .vcpus = vm_spec_vcpus(vs), .memory_mib = vm_spec_memory_mib(vs),
                    .overhead_mib = vsphere_vm_overhead_mib(vm_spec_vcpus(vs), (double)vm_spec_memory_mib(vs))};
            }
        free(first_vm);
        /* vGPU VMs stay put too unless vgpu.vmotion (docs/vsphere.md, "vGPU");
         * the keys are per group: read once per group, not per VM */
        uint8_t *group_pinned = calloc(groups ? (size_t)groups : 1, sizeof *group_pinned);
        if (!group_pinned)
            rc = -2;
        for (int g = 0; rc == 0 && g < groups; g++)
            group_pinned[g] = group_pins(scn, (uint32_t)g);
        for (uint32_t v = 0; rc == 0 && v < env->n_vms; v++) {
            const vm_spec *vs = model_vm_spec(env, v);
            uint8_t pinned = vs->group < (uint32_t)groups ? group_pinned[vs->group] : group_pins(scn, vs->group);
            d->vm_pinned[v] = (uint8_t)(vm_spec_res(vs)->sriov || pinned);
        }
        free(group_pinned);
    }
    if (rc == 0)
        rc = read_rules(d, scn, env, err, err_len);
    if (rc == 0)
        rc = read_policy(d, scn, env, err, err_len);
    /* vSphere 7+ DRS runs every minute: its period unless drs.period is written */
    if (rc == 0 && d->policy == &drs_policy_vsphere7_score && !scn_is_set(scn, "drs.period")) {
        d->period_ns = (sim_time_ns)60 * 1000000000;
        d->params.period_s = 60.0;
    }
    if (rc == 0 && any_enabled)
        rc = check_stage_windows(d, scn, env, eng, err, err_len);
    if (rc == 0)
        rc = build_cluster_envs(d, scn, env, extents);
    free(extents);
    for (uint32_t h = 0; rc == 0 && h < env->n_hosts; h++)
        d->hosts[h].drs_on = (d->cluster_envs ? d->cluster_envs[env->host_cluster[h]] : d)->enabled;
    if (rc != 0) {
        *bad = rc == -1 ? 1 : 2;
        drs_free(d);
        return NULL;
    }
    d->kind_cluster = sim_kind_register(eng, "drs.cluster", PRIO_DRS_CLUSTER);
    d->kind_host = sim_kind_register(eng, "drs.host", PRIO_DRS_HOST);
    d->kind_stats = sim_kind_register(eng, "drs.stats", PRIO_DRS_STATS);
    d->cluster_priority = PRIO_DRS_CLUSTER;
    /* closed migration records go to disk until the table is written (NULL:
     * no temporary file; they stay in memory) */
    d->ctl.mig_spill = d->any_enabled ? spill_open() : NULL;
    for (uint32_t k = 1; k < d->n_cluster_envs; k++) {
        d->cluster_envs[k]->ctl.mig_spill = d->ctl.mig_spill;
        d->cluster_envs[k]->kind_cluster = d->kind_cluster;
        d->cluster_envs[k]->kind_host = d->kind_host;
        d->cluster_envs[k]->kind_stats = d->kind_stats;
        d->cluster_envs[k]->cluster_priority = d->cluster_priority;
    }
    return d;
}

/* Schedules the first DRS tick and the first stats pull (the hosts stage
 * at their first sample, at 0: drs_stage.h). */
static void drs_start(drs_env *d, const model_env *env, sim_engine *eng)
{
    drs_msg tick = {.op = DRS_OP_TICK};
    for (uint32_t k = 0; k < env->n_clusters; k++) /* one pass per cluster with DRS */
        if ((d->cluster_envs ? d->cluster_envs[k] : d)->enabled) {
            sim_schedule(eng, env->cluster_lp + k, d->period_ns + 2 * env->control_latency_ns, d->kind_cluster, &tick,
                     sizeof tick);
            sim_schedule(eng, env->cluster_lp + k, env->control_latency_ns, d->kind_stats, NULL, 0);
        }
}

static int drs_declare_recording(drs_env *d, recorder *rec)
{
    if (!d->any_enabled)
        return 0;
    const rec_kind_decl kinds[] = {
        {"drs_pass", &d->log_pass},
        {"drs_move", &d->log_move},
        {"vmotion_done", &d->log_vmotion_done},
        {"vmotion_aborted", &d->log_vmotion_aborted},
        {"maintenance_evacuated", &d->log_evacuated},
        {"vmotion_started", &d->log_vmotion_started},
        {"dpm_standby", &d->log_standby}, /* the last two with DPM only */
        {"dpm_power_on", &d->log_power_on},
    };
    return rec_event_kinds(rec, kinds, d->any_dpm ? 8 : 6);
}

/* The clusters' copies take the recorder ids of the world. */
static void copy_ids(drs_env *d)
{
    for (uint32_t k = 1; k < d->n_cluster_envs; k++) {
        drs_env *e = d->cluster_envs[k];
        e->series_imbalance = d->series_imbalance;
        e->series_in_flight = d->series_in_flight;
        e->series_standby = d->series_standby;
        e->log_pass = d->log_pass;
        e->log_move = d->log_move;
        e->log_vmotion_started = d->log_vmotion_started;
        e->log_vmotion_done = d->log_vmotion_done;
        e->log_vmotion_aborted = d->log_vmotion_aborted;
        e->log_evacuated = d->log_evacuated;
        e->log_standby = d->log_standby;
        e->log_power_on = d->log_power_on;
    }
}

/* The cluster series need the cluster group's time axis: declared with it. */
static int drs_declare_series(drs_env *d, recorder *rec, const model_env *env)
{
    if (!d->any_enabled)
        return 0;
    sim_time_ns period_ns = env->sample_period_ns;
    /* imbalances do not add up over clusters: no total for them */
    d->series_imbalance = cluster_series_new(rec, env, "imbalance", "1", period_ns, 0);
    d->series_in_flight = cluster_series_new(rec, env, "vmotions_in_flight", "1", period_ns, 1);
    if (d->any_dpm && (d->series_standby = cluster_series_new(rec, env, "hosts_standby", "1", period_ns, 1)) < 0)
        return -1;
    return d->series_imbalance < 0 || d->series_in_flight < 0 ? -1 : 0;
}

static const rec_column vmotion_columns[] = {
    {"vm", REC_I64, NULL},           {"reason", REC_STR, NULL},       {"source", REC_I64, NULL},
    {"destination", REC_I64, NULL},  {"requested_ns", REC_I64, "ns"}, {"started_ns", REC_I64, "ns"},
    {"done_ns", REC_I64, "ns"},      {"rounds", REC_I64, NULL},       {"bytes", REC_F64, "B"},
    {"duration_s", REC_F64, "s"},    {"downtime_s", REC_F64, "s"},    {"outcome", REC_STR, NULL},
    {"sdps_min_speed", REC_F64, NULL}, {"sdps_throttled_s", REC_F64, "s"},
};

static int write_migrations(const drs_env *d, recorder *rec, int table, const char *const *outcomes);

static int drs_write_tables(const drs_env *d, recorder *rec)
{
    if (!d->any_enabled)
        return 0;
    int table = rec_table_new(rec, "vmotions", vmotion_columns, (int)(sizeof vmotion_columns / sizeof vmotion_columns[0]));
    if (table < 0)
        return -1;
    static const char *outcomes[] = {"in_flight", "done", "aborted"};
    uint32_t n_envs = d->n_cluster_envs ? d->n_cluster_envs : 1;
    for (uint32_t k = 0; k < n_envs; k++) /* cluster by cluster */
        if (write_migrations(d->cluster_envs ? d->cluster_envs[k] : d, rec, table, outcomes) != 0)
            return -1;
    return 0;
}

/* The cluster's records in order, the parked chunks read back one at a
 * time (sim/spill.h): the rows are those the run kept in memory before. */
static int write_migrations(const drs_env *d, recorder *rec, int table, const char *const *outcomes)
{
    const drs_ctl *k = &d->ctl;
    drs_migration parked[DRS_MIG_CHUNK];
    for (uint32_t i = 0; i < k->n_migs; i++) {
        const drs_mig_chunk *ch = &k->mig_chunks[i / DRS_MIG_CHUNK];
        const drs_migration *m = ch->records ? &ch->records[i % DRS_MIG_CHUNK] : &parked[i % DRS_MIG_CHUNK];
        if (!ch->records && i % DRS_MIG_CHUNK == 0 &&
            spill_get(k->mig_spill, ch->parked_at, parked, sizeof parked) != 0) {
            fprintf(stderr, "vdcsim: drs: cannot read back the migration records parked in the temporary file\n");
            return -1;
        }
        const char *why = m->reason == DRS_REASON_MAINTENANCE ? "maintenance"
                          : m->reason == DRS_REASON_RULE      ? "rule"
                          : m->reason == DRS_REASON_HA_DEFRAG ? "ha_defrag"
                          : m->reason == DRS_REASON_PREREQUISITE ? "prerequisite"
                                                              : "drs";
        rec_value row[] = {{.i64 = m->vm},         {.str = why},          {.i64 = m->src},
                           {.i64 = m->dst},        {.i64 = m->requested_ns}, {.i64 = m->started_ns},
                           {.i64 = m->done_ns},    {.i64 = m->rounds},    {.f64 = m->bytes},
                           {.f64 = m->duration_s}, {.f64 = m->downtime_s}, {.str = outcomes[m->outcome]},
                           {.f64 = m->sdps_min_speed}, {.f64 = m->sdps_throttled_s}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    return 0;
}

static void drs_describe(const drs_env *d, FILE *out)
{
    if (d->enabled)
        fprintf(out, "drs:    %s%s%sthreshold %d every %.0f s, %" PRIu32 " rules%s\n",
                d->policy->pass ? "policy " : "", d->policy->pass ? d->policy->info.name : "",
                d->policy->pass ? ", " : "", d->params.threshold,
                (double)d->period_ns * 1e-9, d->n_rules, d->dpm ? ", DPM on" : "");
    else
        fprintf(out, "drs:    off; %" PRIu32 " rules kept by placement\n", d->n_rules);
}

static void free_ctl(drs_env *d)
{
    drs_ctl *k = &d->ctl;
    free(d->ext_hosts);
    free(d->ext_vms);
    free(d->ext_moves);
    free(k->vm_cpu_mhz);
    free(k->vm_mem_mib);
    free(k->vm_dirty_bytes_per_s);
    free(k->vm_running);
    free(k->vm_migration);
    free(k->host_state);
    free(k->host_evacuating);
    free(k->evacuation_start_ns);
    free(k->evacuation_for_standby);
    free(k->host_standby);
    free(k->host_in_flight);
    free(k->host_load);
    free(k->view_sums);
    free(k->view_count);
    free(k->stats_sums);
    free(k->host_stuck);
    free(k->promises);
    free(k->deferred);
    free(k->nic_gbps);
    free(k->cpu_charged);
    free(k->hosts);
    free(k->host_fixed);
    free(k->vms);
    free(k->assignment);
    free(k->moves);
    for (uint32_t i = 0; i < k->n_mig_chunks; i++)
        free(k->mig_chunks[i].records);
    free(k->mig_chunks);
    free(k->evbuf);
    vmotion_set_free(&k->set);
}

static void drs_free(drs_env *d)
{
    if (!d)
        return;
    for (uint32_t k = 1; k < d->n_cluster_envs; k++)
        if (d->cluster_envs[k]) {
            free_ctl(d->cluster_envs[k]);
            free(d->cluster_envs[k]);
        }
    free(d->cluster_envs);
    spill_close(d->ctl.mig_spill); /* the clusters' copies share it */
    free_ctl(d);
    free(d->hosts);
    free(d->vm_pinned);
    free(d->stage);
    free(d->host_staged);
    free(d->dirty_mb_per_s);
    free(d->group_overhead);
    free(d->rules);
    free(d->rule_members);
    drs_rules_index_free(&d->rule_index);
    free(d);
}

/* --- the module (models/core/module.h) ------------------------------------ */

static model_status drs_module_build(model_builder *b, void **world)
{
    int bad = 0;
    drs_env *d = drs_build(b->scn, b->env, b->eng, &bad, b->err, b->err_len);
    if (!d && bad)
        return bad == 2 ? model_runtime_error(b, "out of memory building DRS") : MODEL_BAD_INPUT;
    *world = d;
    /* vCenter places a VM powered on in a DRS cluster where DRS recommends
     * (vSphere Resource Management, "DRS initial placement"): with DRS on,
     * the default placement policy is drs unless placement.policy is set. */
    if (d && d->any_enabled && !scn_is_set(b->scn, "placement.policy")) {
        const policy_registry *r = policy_registry_of(VDCSIM_POLICY_PLACEMENT);
        const vdcsim_placement_policy *drs = r ? policy_lookup(r, "drs") : NULL;
        for (uint32_t k = 0; drs && k < b->n_clusters; k++) /* clusters with DRS and no policy of their own */
            if ((d->cluster_envs ? d->cluster_envs[k] : d)->enabled &&
                !(b->env->host_cluster && scn_is_set(b->scn, "clusters.[%u].placement.policy", k)))
                b->clusters[k]->placement.policy = drs; /* declares no args, as first_fit */
    }
    return MODEL_OK;
}

static model_status drs_module_start(model_builder *b, void **world)
{
    if (!*world)
        return MODEL_OK;
    /* env->cluster_lp is set by core_start, after the modules' builds */
    if (declare_stage_readers(b->eng, *world, b->env) != 0)
        return model_runtime_error(b, "out of memory");
    drs_start(*world, b->env, b->eng);
    return MODEL_OK;
}

static int drs_module_declare(model_builder *b, void *world)
{
    if (drs_declare_recording(world, b->rec) != 0 || drs_declare_series(world, b->rec, b->env) != 0)
        return -1;
    copy_ids(world);
    return 0;
}

static int drs_module_write(model_builder *b, void *world) { return drs_write_tables(world, b->rec); }

static void drs_module_describe(const void *world, FILE *out) { drs_describe(world, out); }

static void drs_module_free(model_builder *b, void *world)
{
    (void)b;
    drs_free(world);
}

const model_module drs_module = {
    .name = "drs",
    .build = drs_module_build,
    .start = drs_module_start,
    .declare_recording = drs_module_declare,
    .write_tables = drs_module_write,
    .describe = drs_module_describe,
    .free = drs_module_free,
    .host_hooks = &drs_host_hooks,
    .cluster_hooks = &drs_cluster_hooks,
};
