/* k8s_control_build.c - the Kubernetes control plane of a run from the
 * scenario's kubernetes.node_groups/deployments/jobs/cluster_autoscaler keys:
 * the nodes (hosts or VMs), the workloads, the scheduler LP and the
 * kubelets' state in the host LPs; what it records (see k8s_scheduler_lp.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/core/module.h"
#include "models/kubernetes/k8s_scheduler_lp.h"
#include "models/services/service.h"
#include "recorder/declare.h"
#include "models/kubernetes/k8s_template_build.h"
#include "models/core/model_env.h"

#define MIB_BYTES 1048576LL

/* Event priorities at equal time: kubelet work after VM starts (20-22) and
 * pod runtime events (30-33), control plane before samples (90). */
enum {
    PRIO_K8S_POD_TRANSFER = 24, PRIO_K8S_BIND = 34, PRIO_K8S_KILL = 35, PRIO_K8S_KPOD = 36, PRIO_K8S_USAGE = 37,
    PRIO_K8S_WORKLOAD = 40, PRIO_K8S_NODE_STATUS = 41, PRIO_K8S_POD_STATUS = 42, PRIO_K8S_NODE_TIMER = 43,
    PRIO_K8S_TICK = 44, PRIO_K8S_CYCLE = 45, PRIO_K8S_HPA = 46, PRIO_K8S_CA = 47, PRIO_K8S_SAMPLE = 95
};

/* node.kubernetes.io/instance-type of a VM node, as the vSphere cloud
 * provider writes it (cloud-provider-vsphere nodemanager.go:
 * "vsphere-vm.cpu-%d.mem-%dgb.os-%s", the guest OS "unknown" here: vdcsim
 * models no guest id). A host node has no cloud provider: no label. */
static void vm_instance_type(char *out, size_t len, const vm_spec *vs)
{
    snprintf(out, len, "vsphere-vm.cpu-%u.mem-%ugb.os-unknown", (unsigned)vm_spec_vcpus(vs),
             (unsigned)(vm_spec_memory_mib(vs) / 1024));
}

static int add_node(k8s_world *w, const scenario *scn, int g, const char *group_name, uint32_t index_in_group,
                    int64_t cpu_m, int64_t mem_bytes, int32_t host_idx, int32_t vm_idx, const char *instance_type,
                    char *err, size_t err_len)
{
    k8s_node kn;
    memset(&kn, 0, sizeof kn);
    snprintf(kn.name, sizeof kn.name, "%.50s-%02" PRIu32, group_name, index_in_group + 1);
    kn.allocatable.v[K8S_CPU] = cpu_m;
    kn.allocatable.v[K8S_MEMORY] = mem_bytes;
    kn.max_pods = (int32_t)scn_int(scn, "kubernetes.node_groups.[%d].max_pods", g);
    int rc = k8s_node_group_read(scn, g, &kn, err, err_len);
    if (rc != 0)
        return rc;
    /* the labels every plugin reads include the well-known ones */
    if (k8s_node_set_well_known_labels(&kn, scn_string(scn, "kubernetes.node_groups.[%d].zone", g), instance_type) != 0) {
        char key[96];
        snprintf(key, sizeof key, "kubernetes.node_groups.[%d].labels", g);
        return scn_key_error(scn, err, err_len, key, "too many labels (expected at most %d besides the %d well-known ones)",
                             K8S_MAX_LABELS - K8S_WELL_KNOWN_LABELS, K8S_WELL_KNOWN_LABELS);
    }
    int32_t n = k8s_snapshot_add_node(&w->ctrl.snap, &kn);
    if (n < 0 || (uint32_t)n >= w->sh.n_nodes)
        return -1;
    if ((rc = k8s_node_group_gpus(scn, g, &w->ctrl.snap, (uint32_t)n, err, err_len)) != 0)
        return rc;
    w->sh.nodes[n] = (k8s_node_map){.host = host_idx, .vm = vm_idx, .group = g};
    int autoscaled = scn_bool(scn, "kubernetes.node_groups.[%d].autoscaled", g);
    int64_t initial = scn_int(scn, "kubernetes.node_groups.[%d].initial_nodes", g);
    k8s_node_state *ns = &w->ctrl.node[n];
    ns->joined = !autoscaled || initial < 0 || (int64_t)index_in_group < initial;
    /* hosts are up and registered at the start; a VM node registers and is
     * Ready once its VM runs */
    ns->ready = ns->registered = host_idx >= 0;
    ns->host = host_idx;
    k8s_snapshot_set_node_present(&w->ctrl.snap, (uint32_t)n, ns->joined && ns->registered);
    w->ctrl.snap.nodes[n].unschedulable = !ns->ready;
    w->ctrl.node_ca_group[n] = autoscaled ? g : -1;
    if (host_idx >= 0)
        w->sh.node_of_host[host_idx] = n;
    else
        w->sh.node_of_vm[vm_idx] = n;
    return 0;
}

static int build_nodes(k8s_world *w, const scenario *scn, const model_env *env, char *err, size_t err_len)
{
    int groups = scn_list_len(scn, "kubernetes.node_groups");
    uint32_t total = 0;
    char key[96];
    for (int g = 0; g < groups; g++) {
        const char *name = scn_string(scn, "kubernetes.node_groups.[%d].group", g);
        int hg = scn_list_find(scn, "hosts", name), vg = scn_list_find(scn, "vms", name);
        snprintf(key, sizeof key, "kubernetes.node_groups.[%d].group", g);
        if (hg >= 0 && vg >= 0)
            return scn_key_error(scn, err, err_len, key, "'%.60s' names both hosts.[%d] and vms.[%d] (expected a name only one has)",
                       name, hg, vg);
        if (hg < 0 && vg < 0)
            return scn_key_error(scn, err, err_len, key, "'%.60s' names no element of hosts or vms (expected a hosts or vms group)",
                       name);
        if (hg >= 0)
            for (uint32_t h = 0; h < env->n_hosts; h++)
                total += env->host_specs[h].group == (uint32_t)hg;
        else
            for (uint32_t v = 0; v < env->n_vms; v++)
                total += model_vm_spec(env, v)->group == (uint32_t)vg;
    }
    w->sh.n_nodes = total;
    size_t n = total ? total : 1;
    w->sh.nodes = calloc(n, sizeof *w->sh.nodes);
    w->ctrl.node = calloc(n, sizeof *w->ctrl.node);
    w->ctrl.node_ca_group = calloc(n, sizeof *w->ctrl.node_ca_group);
    w->ctrl.node_provisioning = calloc(n, sizeof *w->ctrl.node_provisioning);
    w->sh.node_of_host = malloc((env->n_hosts ? env->n_hosts : 1) * sizeof *w->sh.node_of_host);
    w->sh.node_of_vm = malloc((env->n_vms ? env->n_vms : 1) * sizeof *w->sh.node_of_vm);
    w->ctrl.ca_groups = calloc(groups ? (size_t)groups : 1, sizeof *w->ctrl.ca_groups);
    if (!w->sh.nodes || !w->ctrl.node || !w->ctrl.node_ca_group || !w->ctrl.node_provisioning ||
        !w->sh.node_of_host || !w->sh.node_of_vm || !w->ctrl.ca_groups)
        return -1;
    for (uint32_t h = 0; h < env->n_hosts; h++)
        w->sh.node_of_host[h] = -1;
    for (uint32_t v = 0; v < env->n_vms; v++)
        w->sh.node_of_vm[v] = -1;
    w->ctrl.n_ca_groups = groups;
    int rc;
    for (int g = 0; g < groups; g++) {
        const char *name = scn_string(scn, "kubernetes.node_groups.[%d].group", g);
        int hg = scn_list_find(scn, "hosts", name), vg = scn_list_find(scn, "vms", name);
        int32_t first = (int32_t)w->ctrl.snap.n_nodes, count = 0;
        if (hg >= 0) {
            for (uint32_t h = 0; h < env->n_hosts; h++) {
                const host_spec *hs = &env->host_specs[h];
                if (hs->group == (uint32_t)hg && (rc = add_node(w, scn, g, name, hs->index_in_group,
                                                          (int64_t)host_cores(hs) * 1000,
                                                          (int64_t)hs->memory_mib * MIB_BYTES, (int32_t)h, -1, NULL,
                                                          err, err_len)) != 0)
                    return rc;
                count += hs->group == (uint32_t)hg;
            }
        } else {
            for (uint32_t v = 0; v < env->n_vms; v++) {
                const vm_spec *vs = model_vm_spec(env, v);
                char itype[K8S_STR];
                vm_instance_type(itype, sizeof itype, vs);
                if (vs->group == (uint32_t)vg && (rc = add_node(w, scn, g, name, vs->index_in_group,
                                                          (int64_t)vm_spec_vcpus(vs) * 1000,
                                                          (int64_t)vm_spec_memory_mib(vs) * MIB_BYTES, -1, (int32_t)v, itype,
                                                          err, err_len)) != 0)
                    return rc;
                count += vs->group == (uint32_t)vg;
            }
        }
        k8s_node_group *cg = &w->ctrl.ca_groups[g];
        snprintf(cg->name, sizeof cg->name, "%.60s", name);
        if (count > 0) {
            cg->template_node = w->ctrl.snap.nodes[first];
            cg->template_node.pod_slots = NULL;
            cg->template_node.pod_slots_cap = 0;
            cg->template_node.unschedulable = 0;
            cg->template_node.in_cluster = 1;
        }
        cg->min_size = (int32_t)scn_int(scn, "kubernetes.node_groups.[%d].min_nodes", g);
        cg->max_size = count;
        if (scn_bool(scn, "kubernetes.node_groups.[%d].autoscaled", g)) {
            w->ctrl.ca_enabled = 1;
            if (cg->min_size > count) {
                snprintf(key, sizeof key, "kubernetes.node_groups.[%d].min_nodes", g);
                return scn_key_error(scn, err, err_len, key, "%" PRId32 " is more than the group's %" PRId32
                           " nodes (expected at most the group's count)", cg->min_size, count);
            }
        }
    }
    return 0;
}

static int find_profile(const k8s_scheduler_config *cfg, const char *name)
{
    for (uint32_t p = 0; p < cfg->n_profiles; p++)
        if (strcmp(cfg->profiles[p].scheduler_name, name) == 0)
            return (int)p;
    return -1;
}

static int read_workload(k8s_world *w, const scenario *scn, const char *list, int i, k8s_workload_spec *ws,
                         char *err, size_t err_len)
{
    char key[128];
    k8s_pod_spec *ps = &ws->pod;
    memset(ps, 0, sizeof *ps);
    snprintf(ws->name, sizeof ws->name, "%s", scn_string(scn, "%s.[%d].name", list, i));
    snprintf(ps->name, sizeof ps->name, "%s", ws->name);
    snprintf(ps->namespace_, sizeof ps->namespace_, "default");
    snprintf(ps->owner, sizeof ps->owner, "%s", ws->name);
    k8s_labels_set(&ps->labels, "app", ws->name);
    ps->priority = (int32_t)scn_int(scn, "%s.[%d].priority", list, i);
    ps->n_containers = 1;
    ps->containers[0].requests.v[K8S_CPU] = scn_int(scn, "%s.[%d].cpu_request", list, i);
    ps->containers[0].requests.v[K8S_MEMORY] = (int64_t)scn_bytes(scn, "%s.[%d].memory_request", list, i);
    /* a request written as 0 is an explicit zero, not an absent request */
    if (scn_is_set(scn, "%s.[%d].cpu_request", list, i) && ps->containers[0].requests.v[K8S_CPU] == 0)
        ps->containers[0].explicit_zero |= 1u << K8S_CPU;
    if (scn_is_set(scn, "%s.[%d].memory_request", list, i) && ps->containers[0].requests.v[K8S_MEMORY] == 0)
        ps->containers[0].explicit_zero |= 1u << K8S_MEMORY;
    ws->start_ns = scn_duration_ns(scn, "%s.[%d].start", list, i);
    ws->cpu_usage_m = scn_int(scn, "%s.[%d].cpu_usage", list, i);
    ws->memory_usage_bytes = (int64_t)scn_bytes(scn, "%s.[%d].memory_usage", list, i);
    if (ws->memory_usage_bytes == 0)
        ws->memory_usage_bytes = ps->containers[0].requests.v[K8S_MEMORY];
    int prof = find_profile(&w->ctrl.cfg, scn_string(scn, "%s.[%d].scheduler_name", list, i));
    if (prof < 0) {
        snprintf(key, sizeof key, "%s.[%d].scheduler_name", list, i);
        return scn_key_error(scn, err, err_len, key, "'%.63s' names no scheduler profile (expected a "
                   "kubernetes.scheduler.profiles scheduler_name, or default-scheduler without profiles)",
                   scn_string(scn, "%s", key));
    }
    ws->profile = (uint32_t)prof;
    snprintf(key, sizeof key, "%s.[%d]", list, i);
    return k8s_template_read(scn, key, ps, err, err_len);
}

static int read_deployment(k8s_world *w, const scenario *scn, int i, k8s_workload_spec *ws, char *err, size_t err_len)
{
    const char *D = "kubernetes.deployments";
    char key[128];
    int rc = read_workload(w, scn, D, i, ws, err, err_len);
    if (rc != 0)
        return rc;
    ws->kind = K8S_DEPLOYMENT;
    ws->replicas = (int32_t)scn_int(scn, "%s.[%d].replicas", D, i);
    int n = scn_list_len(scn, "%s.[%d].load_steps", D, i);
    ws->n_steps = (uint32_t)n;
    ws->step_at_ns = calloc(n ? (size_t)n : 1, sizeof *ws->step_at_ns);
    ws->step_usage_m = calloc(n ? (size_t)n : 1, sizeof *ws->step_usage_m);
    if (!ws->step_at_ns || !ws->step_usage_m)
        return -1;
    for (int k = 0; k < n; k++) {
        ws->step_at_ns[k] = scn_duration_ns(scn, "%s.[%d].load_steps.[%d].at", D, i, k);
        ws->step_usage_m[k] = scn_int(scn, "%s.[%d].load_steps.[%d].cpu_usage", D, i, k);
        if (k > 0 && ws->step_at_ns[k] < ws->step_at_ns[k - 1]) {
            snprintf(key, sizeof key, "%s.[%d].load_steps.[%d].at", D, i, k);
            return scn_key_error(scn, err, err_len, key, "earlier than the step before (expected steps in time order)");
        }
    }
    ws->hpa = scn_bool(scn, "%s.[%d].hpa.enabled", D, i);
    if (ws->hpa) {
        int32_t lo = (int32_t)scn_int(scn, "%s.[%d].hpa.min_replicas", D, i);
        int32_t hi = (int32_t)scn_int(scn, "%s.[%d].hpa.max_replicas", D, i);
        if (hi < lo) {
            snprintf(key, sizeof key, "%s.[%d].hpa.max_replicas", D, i);
            return scn_key_error(scn, err, err_len, key, "%" PRId32 " is below min_replicas %" PRId32
                       " (expected max_replicas >= min_replicas)", hi, lo);
        }
        k8s_hpa_config_default(&ws->hpa_cfg, lo, hi, (int32_t)scn_int(scn, "%s.[%d].hpa.target_cpu_utilization", D, i));
        ws->hpa_cfg.use_behavior = 0; /* no spec.behavior: the legacy path (kubectl autoscale) */
        ws->hpa_cfg.sync_period_ns = scn_duration_ns(scn, "%s.[%d].hpa.sync_period", D, i);
        ws->hpa_cfg.downscale_stabilization_ns = scn_duration_ns(scn, "%s.[%d].hpa.scale_down_stabilization", D, i);
        ws->hpa_cfg.scale_down.stabilization_window_s = (int32_t)(ws->hpa_cfg.downscale_stabilization_ns / 1000000000);
    }
    return 0;
}

static int read_job(k8s_world *w, const scenario *scn, int i, k8s_workload_spec *ws, char *err, size_t err_len)
{
    const char *J = "kubernetes.jobs";
    int rc = read_workload(w, scn, J, i, ws, err, err_len);
    if (rc != 0)
        return rc;
    ws->kind = K8S_JOB;
    ws->pod.owner_kind = K8S_OWNER_JOB; /* no default topology spreading for its pods */
    ws->completions = (int32_t)scn_int(scn, "%s.[%d].completions", J, i);
    ws->parallelism = (int32_t)scn_int(scn, "%s.[%d].parallelism", J, i);
    ws->run_ns = scn_duration_ns(scn, "%s.[%d].duration", J, i);
    return 0;
}

static void read_ca(k8s_ca_config *c, const scenario *scn)
{
    k8s_ca_config_default(c);
    c->scan_interval_ns = scn_duration_ns(scn, "kubernetes.cluster_autoscaler.scan_interval");
    c->scale_down_delay_after_delete_ns = c->scan_interval_ns;
    c->node_provisioning_ns = scn_duration_ns(scn, "kubernetes.cluster_autoscaler.node_provisioning");
    c->scale_down_utilization_threshold = scn_float(scn, "kubernetes.cluster_autoscaler.scale_down_utilization_threshold");
    c->scale_down_unneeded_ns = scn_duration_ns(scn, "kubernetes.cluster_autoscaler.scale_down_unneeded_time");
    c->scale_down_delay_after_add_ns = scn_duration_ns(scn, "kubernetes.cluster_autoscaler.scale_down_delay_after_add");
}

static void register_kinds(k8s_shared *sh, sim_engine *eng)
{
    sh->kind_bind = sim_kind_register(eng, "k8s.bind", PRIO_K8S_BIND);
    sh->kind_kill = sim_kind_register(eng, "k8s.kill", PRIO_K8S_KILL);
    sh->kind_kpod = sim_kind_register(eng, "k8s.kpod", PRIO_K8S_KPOD);
    /* with the vMotion's arrive event (drs.host, 24): the pods follow their VM node */
    sh->kind_pod_transfer = sim_kind_register(eng, "k8s.pod_transfer", PRIO_K8S_POD_TRANSFER);
    sh->kind_usage = sim_kind_register(eng, "k8s.usage", PRIO_K8S_USAGE);
    sh->kind_workload = sim_kind_register(eng, "k8s.workload", PRIO_K8S_WORKLOAD);
    sh->kind_node_status = sim_kind_register(eng, "k8s.node_status", PRIO_K8S_NODE_STATUS);
    sh->kind_pod_status = sim_kind_register(eng, "k8s.pod_status", PRIO_K8S_POD_STATUS);
    sh->kind_node_timer = sim_kind_register(eng, "k8s.node_timer", PRIO_K8S_NODE_TIMER);
    sh->kind_tick = sim_kind_register(eng, "k8s.tick", PRIO_K8S_TICK);
    sh->kind_cycle = sim_kind_register(eng, "k8s.cycle", PRIO_K8S_CYCLE);
    sh->kind_hpa = sim_kind_register(eng, "k8s.hpa", PRIO_K8S_HPA);
    sh->kind_ca = sim_kind_register(eng, "k8s.ca", PRIO_K8S_CA);
    sh->kind_sample = sim_kind_register(eng, "k8s.sample", PRIO_K8S_SAMPLE);
}

int k8s_control_build(const scenario *scn, sim_engine *eng, model_env *env, k8s_world **out, char *err,
                      size_t err_len)
{
    *out = NULL;
    int n_dep = scn_list_len(scn, "kubernetes.deployments"), n_job = scn_list_len(scn, "kubernetes.jobs");
    if (scn_list_len(scn, "kubernetes.node_groups") == 0) {
        if (n_dep + n_job > 0)
            return scn_key_error(scn, err, err_len, n_dep ? "kubernetes.deployments" : "kubernetes.jobs",
                       "workloads but no nodes (expected kubernetes.node_groups naming hosts or vms groups)");
        return 0;
    }
    int64_t lookahead = sim_lookahead_ns(eng);
    int64_t api = scn_duration_ns(scn, "kubernetes.api_latency");
    if (api == 0)
        api = scn_duration_ns(scn, "simulation.control_latency");
    if (api < lookahead)
        return scn_key_error(scn, err, err_len, "kubernetes.api_latency",
                   "%" PRId64 " ns is below the lookahead of %" PRId64
                   " ns (expected at least simulation.lookahead: messages between LPs take that long)",
                   api, lookahead);
    k8s_world *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    *out = w;
    k8s_shared *sh = &w->sh;
    k8s_control *c = &w->ctrl;
    c->sh = sh;
    c->env = env;
    sh->api_latency_ns = api;
    sh->pod_start_ns = scn_duration_ns(scn, "kubernetes.pod_start");
    sh->grace_ns = scn_duration_ns(scn, "kubernetes.node_monitor_grace_period");
    sh->toleration_ns = scn_duration_ns(scn, "kubernetes.default_toleration");
    sh->n_hosts = env->n_hosts;
    k8s_snapshot_init(&c->snap);
    k8s_queue_init(&c->q);
    k8s_ca_state_init(&c->ca_state);
    if (k8s_scheduler_config_from_scenario(scn, &c->cfg, err, err_len) != 0)
        return -2;
    c->q.initial_backoff_ns = c->cfg.pod_initial_backoff_ns;
    c->q.max_backoff_ns = c->cfg.pod_max_backoff_ns;
    c->metric_resolution_ns = scn_duration_ns(scn, "kubernetes.metric_resolution");
    int rc = build_nodes(w, scn, env, err, err_len);
    if (rc != 0)
        return rc;
    if (c->snap.gpu != NULL) /* GPU devices come with their filter (docs/kubernetes-gpu.md) */
        for (uint32_t i = 0; i < c->cfg.n_profiles; i++)
            if (k8s_profile_find(&c->cfg.profiles[i], "GpuShare") < 0 &&
                k8s_profile_enable(&c->cfg.profiles[i], "GpuShare", 0, NULL) != 0)
                return scn_key_error(scn, err, err_len, "kubernetes.scheduler.profiles",
                                     "no room for the GpuShare filter (expected at most %d plugins)",
                                     K8S_MAX_PLUGINS - 1);
    read_ca(&c->ca_cfg, scn);

    sh->n_workloads = (uint32_t)(n_dep + n_job);
    sh->workloads = calloc(sh->n_workloads ? sh->n_workloads : 1, sizeof *sh->workloads);
    c->wl = calloc(sh->n_workloads ? sh->n_workloads : 1, sizeof *c->wl);
    if (!sh->workloads || !c->wl)
        return -1;
    for (int i = 0; i < n_dep; i++)
        if ((rc = read_deployment(w, scn, i, &sh->workloads[i], err, err_len)) != 0)
            return rc;
    for (int i = 0; i < n_job; i++)
        if ((rc = read_job(w, scn, i, &sh->workloads[n_dep + i], err, err_len)) != 0)
            return rc;
    int32_t *node_group = malloc((sh->n_nodes ? sh->n_nodes : 1) * sizeof *node_group);
    if (!node_group)
        return -1;
    for (uint32_t n = 0; n < sh->n_nodes; n++)
        node_group[n] = (int32_t)sh->nodes[n].group;
    rc = k8s_node_images_read(scn, &c->snap, node_group, err, err_len);
    free(node_group);
    if (rc != 0 || (rc = k8s_pdbs_read(scn, &c->snap, err, err_len)) != 0)
        return rc;
    for (uint32_t k = 0; k < sh->n_workloads; k++) {
        const k8s_workload_spec *ws = &sh->workloads[k];
        c->wl[k].replicas = ws->replicas;
        c->wl[k].usage_m = ws->cpu_usage_m;
        c->wl[k].pushed_usage_m = ws->cpu_usage_m;
        if (ws->hpa)
            k8s_hpa_init(&c->wl[k].hpa, &ws->hpa_cfg);
    }

    w->n_hosts = env->n_hosts;
    w->kubelets = calloc(env->n_hosts ? env->n_hosts : 1, sizeof *w->kubelets);
    if (!w->kubelets)
        return -1;
    for (uint32_t h = 0; h < env->n_hosts; h++)
        w->kubelets[h].host_node_up = 1;

    register_kinds(sh, eng);
    sh->lp = sim_lp_new(eng, "kube-scheduler", k8s_control_handle, c);
    if (sim_schedule(eng, sh->lp, 0, sh->kind_tick, NULL, 0) != 0 ||
        sim_schedule(eng, sh->lp, 0, sh->kind_sample, NULL, 0) != 0)
        return -1;
    for (uint32_t k = 0; k < sh->n_workloads; k++) {
        int64_t payload[3] = {k, 0, 0};
        if (sim_schedule(eng, sh->lp, sh->workloads[k].start_ns, sh->kind_workload, payload, sizeof payload) != 0)
            return -1;
    }
    if (c->ca_enabled && sim_schedule(eng, sh->lp, c->ca_cfg.scan_interval_ns, sh->kind_ca, NULL, 0) != 0)
        return -1;
    return 0;
}

int k8s_control_declare_recording(k8s_world *w, recorder *rec)
{
    k8s_control *c = &w->ctrl;
    sim_time_ns period = c->env->sample_period_ns;
    int nw = (int)w->sh.n_workloads, nn = (int)w->sh.n_nodes;
    const rec_series_decl cluster[] = {
        {"pending_pods", "1", &c->s_pending},
        {"schedule_latency_p50_ns", "ns", &c->s_p50},
        {"schedule_latency_p99_ns", "ns", &c->s_p99},
        {"evictions", "1", &c->s_evictions},
        {"preemptions", "1", &c->s_preemptions},
    };
    const rec_series_decl deployments[] = {
        {"replicas", "1", &c->s_replicas},
        {"ready_replicas", "1", &c->s_ready_replicas},
    };
    const rec_series_decl nodes[] = {
        {"cpu_requested_m", "millicores", &c->s_node_cpu_req},
        {"cpu_used_m", "millicores", &c->s_node_cpu_used},
        {"memory_requested_mib", "MiB", &c->s_node_mem_req},
        {"memory_used_mib", "MiB", &c->s_node_mem_used},
        {"pods", "1", &c->s_node_pods},
        {"ready", "1", &c->s_node_ready},
    };
    const rec_kind_decl kinds[] = {
        {"k8s_pod_scheduled", &c->log_scheduled},     {"k8s_pod_running", &c->log_running},
        {"k8s_pod_unschedulable", &c->log_unschedulable}, {"k8s_node_not_ready", &c->log_not_ready},
        {"k8s_node_ready", &c->log_ready},            {"k8s_pod_evicted", &c->log_evicted},
        {"k8s_pod_preempted", &c->log_preempted},     {"k8s_hpa_scaled", &c->log_hpa},
        {"k8s_job_complete", &c->log_job_complete},   {"k8s_ca_scale_up", &c->log_ca_up},
        {"k8s_ca_scale_down", &c->log_ca_down},       {"k8s_pod_phase", &c->log_pod_phase},
    };
    c->s_replicas = c->s_ready_replicas = 0;
    if (rec_series_group(rec, "k8s", NULL, 1, period, cluster, 5) != 0 ||
        (nw > 0 && rec_series_group(rec, "k8s_deployment", "k8s_workloads", nw, period, deployments, 2) != 0) ||
        rec_series_group(rec, "k8s_node", "k8s_nodes", nn, period, nodes, 6) != 0)
        return -1;
    return rec_event_kinds(rec, kinds, (int)(sizeof kinds / sizeof kinds[0]));
}

static const rec_column node_columns[] = {
    {"name", REC_STR, NULL}, {"group", REC_STR, NULL}, {"host", REC_I64, NULL}, {"vm", REC_I64, NULL},
    {"cpu_allocatable_m", REC_I64, "millicores"}, {"memory_allocatable_mib", REC_F64, "MiB"},
};

static const rec_column workload_columns[] = {
    {"name", REC_STR, NULL}, {"kind", REC_STR, NULL}, {"replicas", REC_I64, NULL},
    {"succeeded", REC_I64, NULL}, {"complete", REC_I64, NULL},
};

int k8s_control_write_tables(const k8s_world *w, const scenario *scn, recorder *rec)
{
    int t = rec_table_new(rec, "k8s_nodes", node_columns, (int)(sizeof node_columns / sizeof node_columns[0]));
    if (t < 0)
        return -1;
    for (uint32_t n = 0; n < w->sh.n_nodes; n++) {
        const k8s_node *kn = &w->ctrl.snap.nodes[n];
        rec_value row[] = {{.str = kn->name},
                           {.str = scn_string(scn, "kubernetes.node_groups.[%d].group", w->sh.nodes[n].group)},
                           {.i64 = w->sh.nodes[n].host},
                           {.i64 = w->sh.nodes[n].vm},
                           {.i64 = kn->allocatable.v[K8S_CPU]},
                           {.f64 = (double)kn->allocatable.v[K8S_MEMORY] / (double)MIB_BYTES}};
        if (rec_table_row(rec, t, row) != 0)
            return -1;
    }
    t = rec_table_new(rec, "k8s_workloads", workload_columns,
                      (int)(sizeof workload_columns / sizeof workload_columns[0]));
    if (t < 0)
        return -1;
    for (uint32_t k = 0; k < w->sh.n_workloads; k++) {
        const k8s_workload_spec *ws = &w->sh.workloads[k];
        const k8s_workload_state *st = &w->ctrl.wl[k];
        rec_value row[] = {{.str = ws->name},
                           {.str = ws->kind == K8S_JOB ? "job" : "deployment"},
                           {.i64 = ws->kind == K8S_JOB ? ws->completions : st->replicas},
                           {.i64 = st->succeeded},
                           {.i64 = st->complete}};
        if (rec_table_row(rec, t, row) != 0)
            return -1;
    }
    return 0;
}

int k8s_vm_starts_off(const scenario *scn, uint32_t vm_group, uint32_t index_in_group)
{
    int groups = scn_list_len(scn, "kubernetes.node_groups");
    if (groups == 0)
        return 0;
    const char *name = scn_string(scn, "vms.[%u].name", vm_group);
    for (int g = 0; g < groups; g++) {
        if (strcmp(scn_string(scn, "kubernetes.node_groups.[%d].group", g), name) != 0)
            continue;
        int64_t initial = scn_int(scn, "kubernetes.node_groups.[%d].initial_nodes", g);
        return scn_bool(scn, "kubernetes.node_groups.[%d].autoscaled", g) && initial >= 0 &&
               (int64_t)index_in_group >= initial && scn_list_find(scn, "hosts", name) < 0;
    }
    return 0;
}

void k8s_control_describe(const k8s_world *w, FILE *out)
{
    uint32_t deployments = 0, jobs = 0, hpas = 0, host_nodes = 0, joined = 0;
    for (uint32_t k = 0; k < w->sh.n_workloads; k++) {
        deployments += w->sh.workloads[k].kind == K8S_DEPLOYMENT;
        jobs += w->sh.workloads[k].kind == K8S_JOB;
        hpas += (uint32_t)w->sh.workloads[k].hpa;
    }
    for (uint32_t n = 0; n < w->sh.n_nodes; n++) {
        host_nodes += w->sh.nodes[n].host >= 0;
        joined += (uint32_t)w->ctrl.node[n].joined;
    }
    fprintf(out,
            "k8s:    %" PRIu32 " nodes (%" PRIu32 " hosts, %" PRIu32 " VMs; %" PRIu32 " in the cluster at start), %" PRIu32
            " deployments (%" PRIu32 " with HPA), %" PRIu32 " jobs, %" PRIu32 " scheduler profiles%s\n",
            w->sh.n_nodes, host_nodes, w->sh.n_nodes - host_nodes, joined, deployments, hpas, jobs,
            w->ctrl.cfg.n_profiles, w->ctrl.ca_enabled ? ", cluster autoscaler" : "");
    /* the version each profile's formulas follow (docs/kubernetes.md, "Versions") */
    fprintf(out, "k8s:    Kubernetes version modelled: v1.%d (scheduler profiles:", (int)K8S_VERSION_NEWEST);
    for (uint32_t i = 0; i < w->ctrl.cfg.n_profiles; i++)
        fprintf(out, "%s %s v1.%d", i ? "," : "", w->ctrl.cfg.profiles[i].scheduler_name,
                (int)w->ctrl.cfg.profiles[i].version);
    fputc(')', out);
    if (hpas > 0)
        fprintf(out, "; HPA without behavior (legacy path), CPU averaged over %.0f s metrics windows",
                (double)w->ctrl.metric_resolution_ns / 1e9);
    fputc('\n', out);
}

void k8s_control_free(k8s_world *w)
{
    if (!w)
        return;
    k8s_control *c = &w->ctrl;
    if (w->kubelets)
        for (uint32_t h = 0; h < w->n_hosts; h++) {
            free(w->kubelets[h].pods);
            free(w->kubelets[h].nodes);
            free(w->kubelets[h].moved_to);
            free(w->kubelets[h].usage_m);
            free(w->kubelets[h].usage_at_ns);
        }
    free(w->kubelets);
    if (w->sh.workloads)
        for (uint32_t k = 0; k < w->sh.n_workloads; k++) {
            free(w->sh.workloads[k].step_at_ns);
            free(w->sh.workloads[k].step_usage_m);
            if (w->sh.workloads[k].hpa && c->wl) {
                k8s_hpa_free(&c->wl[k].hpa);
                k8s_usage_history_free(&c->wl[k].usage_hist);
            }
        }
    free(w->sh.workloads);
    free(w->sh.nodes);
    free(w->sh.node_of_host);
    free(w->sh.node_of_vm);
    k8s_snapshot_free(&c->snap);
    k8s_queue_free(&c->q);
    k8s_ca_state_free(&c->ca_state);
    free(c->node);
    free(c->wl);
    free(c->host_mark);
    free(c->pods);
    free(c->pod_of_slot);
    free(c->lat_ns);
    free(c->ca_groups);
    free(c->node_ca_group);
    free(c->node_provisioning);
    free(w);
}

/* --- the module (models/core/module.h) ------------------------------------ */

/* Spare nodes of autoscaled node groups stay powered off until the Cluster
 * Autoscaler asks for them: marked before the VMs' power-ons are scheduled. */
static model_status k8s_module_build(model_builder *b, void **world)
{
    (void)world;
    /* every VM's spec, whatever its slot (model_env.h) */
    for (uint32_t v = 0; v < b->env->n_vms; v++)
        if (k8s_vm_starts_off(b->scn, b->vm_spec_store[v].group, b->vm_spec_store[v].index_in_group))
            b->vm_spec_store[v].starts_off = 1;
    return MODEL_OK;
}

static model_status k8s_module_start(model_builder *b, void **world)
{
    k8s_world *w = NULL;
    int rc = k8s_control_build(b->scn, b->eng, b->env, &w, b->err, b->err_len);
    *world = w;
    if (rc == -2)
        return MODEL_BAD_INPUT;
    if (rc != 0)
        return model_runtime_error(b, "out of memory building the Kubernetes control plane");
    if (!w)
        return MODEL_OK;
    w->services = model_builder_world(b, &services_module);
    for (uint32_t h = 0; h < b->env->n_hosts; h++)
        b->hosts[h].ext[b->host_slot] = &w->kubelets[h];
    /* Declared at start, before the declare phase: the scheduler's event
     * kinds come right after the core's in /events, as they always have. */
    if (b->rec && k8s_control_declare_recording(w, b->rec) != 0)
        return model_runtime_error(b, "%s", recorder_error(b->rec));
    return MODEL_OK;
}

static int k8s_module_write(model_builder *b, void *world) { return k8s_control_write_tables(world, b->scn, b->rec); }

static void k8s_module_describe(const void *world, FILE *out) { k8s_control_describe(world, out); }

static void k8s_module_free(model_builder *b, void *world)
{
    (void)b;
    k8s_control_free(world);
}

const model_module kubernetes_module = {
    .name = "kubernetes",
    .build = k8s_module_build,
    .start = k8s_module_start,
    .write_tables = k8s_module_write,
    .describe = k8s_module_describe,
    .free = k8s_module_free,
    .host_hooks = &kubelet_host_hooks,
};
