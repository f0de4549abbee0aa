/* model.c - assembling a run from the core and the feature modules (see
 * model.h, models/core/module.h and docs/models.md).
 *
 * The module table below is the one place that fixes the order of the
 * features: the order they are built and started in (and so the LP ids
 * and every random stream), the order they declare their recording in
 * (the event kinds of /events), and the order their hooks run in on the
 * host LPs and the cluster controller LP. Changing it changes results. */
#include "models/model.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/containers/pod.h"
#include "models/core/arrival_lp.h"
#include "models/core/core_build.h"
#include "models/core/module.h"
#include "models/failures/failure.h"
#include "models/kubernetes/k8s_gpu_dlrm.h"
#include "models/kubernetes/k8s_gpu_replay.h"
#include "models/kubernetes/k8s_scheduler_lp.h"
#include "models/monitors/monitor.h"
#include "models/policies/placement_optimal.h"
#include "models/services/service.h"
#include "models/vsphere/drs_controller.h"
#include "models/vsphere/ha_controller.h"
#include "models/vsphere/vgpu_module.h"
#include "models/vsphere/xvmotion.h"

/* In order: pods and services report what runs on a host before the
 * failure module and DRS change it; HA admits and masks before the restart
 * of failed VMs (failures) asks it for order and placement; DRS comes after
 * both; the VM power-ons and arrival LPs after every feature's LPs but the
 * Kubernetes scheduler's; its kubelet runs last on a host. The GPU-sharing
 * experiment's LP comes after all (no hooks). */
static const model_module *const module_table[] = {
    &pods_module, &services_module, &ha_module, &failure_module, &drs_module, &arrivals_module, &kubernetes_module,
    &gpu_replay_module, /* the GPU-sharing experiment (issue 16): its own LP, last */
    &dlrm_replay_module, /* the DLRM trace replay (issue 16): its own LP */
    &vgpu_module, /* vGPU VMs (issue 16): cluster hooks only, no LP */
    &optimal_placement_module, /* placement.policy = "optimal": no LP, a mask hook only */
    &monitors_module,   /* property monitors (issue 17): observe only, no LP, so last */
    &xvmotion_module,   /* cross-cluster vMotion (issue 18): its LP "vcenter" only with vcenter.migrations */
};
enum { N_MODULES = sizeof module_table / sizeof module_table[0] };

struct model {
    core_model core;
    model_builder b;
    void *worlds[N_MODULES];
    host_feature host_features[N_MODULES];
    cluster_feature cluster_features[N_MODULES];
    char *err;
    size_t err_len;
};

model_status model_key_error(model_builder *b, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    scn_vkey_error(b->scn, b->err, b->err_len, scn_line(b->scn, "%s", key), key, fmt, ap);
    va_end(ap);
    return MODEL_BAD_INPUT;
}

model_status model_runtime_error(model_builder *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err, b->err_len, fmt, ap);
    va_end(ap);
    return MODEL_RUNTIME_ERROR;
}

void *model_builder_world(const model_builder *b, const model_module *m)
{
    for (size_t i = 0; i < b->n_modules; i++)
        if (b->modules[i] == m)
            return b->worlds[i];
    return NULL;
}

uint32_t model_builder_cluster_slot(const model_builder *b, const model_module *m)
{
    uint32_t slot = 0;
    for (size_t i = 0; i < N_MODULES; i++) {
        if (module_table[i] == m)
            return module_table[i]->cluster_hooks ? slot : UINT32_MAX;
        slot += module_table[i]->cluster_hooks ? 1u : 0u;
    }
    (void)b;
    return UINT32_MAX;
}

/* Slots for the modules with hooks on the two core LPs, in table order.
 * A module keeps its slot whether or not it attaches per-LP state. */
static void assign_slots(model *m, uint32_t *n_host, uint32_t *n_cluster)
{
    *n_host = *n_cluster = 0;
    for (size_t i = 0; i < N_MODULES; i++) {
        const model_module *mod = module_table[i];
        m->host_features[i].slot = mod->host_hooks ? (*n_host)++ : UINT32_MAX;
        m->cluster_features[i].slot = mod->cluster_hooks ? (*n_cluster)++ : UINT32_MAX;
    }
}

/* The features of the modules the scenario uses, in table order. */
static void attach_features(model *m)
{
    model_env *env = &m->core.env;
    host_feature *hf = m->host_features;
    cluster_feature *cf = m->cluster_features;
    uint32_t nh = 0, nc = 0;
    for (size_t i = 0; i < N_MODULES; i++) {
        const model_module *mod = module_table[i];
        if (!m->worlds[i])
            continue;
        if (mod->host_hooks)
            hf[nh++] = (host_feature){.hooks = mod->host_hooks, .world = m->worlds[i], .slot = m->host_features[i].slot};
        if (mod->cluster_hooks)
            cf[nc++] = (cluster_feature){
                .hooks = mod->cluster_hooks, .world = m->worlds[i], .slot = m->cluster_features[i].slot};
    }
    env->host_features = hf;
    env->n_host_features = nh;
    env->cluster_features = cf;
    env->n_cluster_features = nc;
}

static model_status build_all(model *m, const scenario *scn, sim_engine *eng, recorder *rec)
{
    model_builder *b = &m->b;
    *b = (model_builder){.scn = scn, .eng = eng, .rec = rec, .err = m->err, .err_len = m->err_len,
                         .modules = module_table, .worlds = m->worlds, .n_modules = 0,
                         .host_slot = UINT32_MAX, .cluster_slot = UINT32_MAX};
    model_status st = core_build(b, &m->core);
    if (st != MODEL_OK)
        return st;
    for (size_t i = 0; i < N_MODULES; i++) {
        b->n_modules = i; /* a module sees the worlds built before it */
        if (module_table[i]->build && (st = module_table[i]->build(b, &m->worlds[i])) != MODEL_OK)
            return st;
    }
    uint32_t n_host_slots, n_cluster_slots;
    assign_slots(m, &n_host_slots, &n_cluster_slots);
    if ((st = core_start(b, &m->core, n_host_slots, n_cluster_slots)) != MODEL_OK)
        return st;
    if (rec && core_declare_recording(b, &m->core) != 0)
        return model_runtime_error(b, "%s", recorder_error(rec));
    /* Every start runs: a module may create its world there (a NULL world
     * after its start: the scenario does not use it). */
    for (size_t i = 0; i < N_MODULES; i++) {
        const model_module *mod = module_table[i];
        b->n_modules = i;
        if (!mod->start)
            continue;
        b->host_slot = m->host_features[i].slot;
        b->cluster_slot = m->cluster_features[i].slot;
        if ((st = mod->start(b, &m->worlds[i])) != MODEL_OK)
            return st;
    }
    b->n_modules = N_MODULES;
    b->host_slot = b->cluster_slot = UINT32_MAX;
    if (sim_error(eng)[0])
        return model_runtime_error(b, "%s", sim_error(eng));
    for (size_t i = 0; rec && i < N_MODULES; i++)
        if (m->worlds[i] && module_table[i]->declare_recording &&
            module_table[i]->declare_recording(b, m->worlds[i]) != 0)
            return model_runtime_error(b, "%s", recorder_error(rec));
    attach_features(m);
    return MODEL_OK;
}

int model_lookahead_ns(const scenario *scn, sim_time_ns *out, char *err, size_t err_len)
{
    sim_time_ns smallest = scn_duration_ns(scn, "simulation.control_latency");
    const char *smallest_key = "simulation.control_latency";
    sim_time_ns api = scn_duration_ns(scn, "kubernetes.api_latency");
    if (scn_list_len(scn, "kubernetes.node_groups") > 0 && api > 0 && api < smallest) {
        smallest = api;
        smallest_key = "kubernetes.api_latency";
    }
    sim_time_ns asked = scn_duration_ns(scn, "simulation.lookahead");
    if (asked > smallest) {
        char a[64], b[64];
        scn_key_error(scn, err, err_len, "simulation.lookahead",
                      "%s is longer than the smallest modelled message latency, %s = %s: messages between LPs "
                      "would arrive inside a window (expected at most %s, or 0 for it)",
                      sim_time_format(asked, a, sizeof a), smallest_key, sim_time_format(smallest, b, sizeof b), b);
        return -2;
    }
    *out = asked > 0 ? asked : smallest;
    return 0;
}

model *model_build(const scenario *scn, sim_engine *eng, recorder *rec, model_status *status, char *err,
                   size_t err_len)
{
    model *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, err_len, "out of memory building the model");
        *status = MODEL_RUNTIME_ERROR;
        return NULL;
    }
    m->err = err;
    m->err_len = err_len;
    *status = build_all(m, scn, eng, rec);
    if (*status != MODEL_OK) {
        model_free(m);
        return NULL;
    }
    return m;
}

int model_finish(model *m, recorder *rec)
{
    m->b.rec = rec;
    if (core_write_tables(&m->core, m->b.scn, rec) != 0)
        return -1;
    for (size_t i = 0; i < N_MODULES; i++) {
        const model_module *mod = module_table[i];
        if (m->worlds[i] && mod->write_tables && mod->write_tables(&m->b, m->worlds[i]) != 0)
            return -1;
    }
    return 0;
}

int model_gather(model *m, char *err, size_t err_len)
{
    m->b.err = err; /* model_build's buffer is gone by now */
    m->b.err_len = err_len;
    for (size_t i = 0; i < N_MODULES; i++) {
        const model_module *mod = module_table[i];
        if (m->worlds[i] && mod->gather && mod->gather(&m->b, m->worlds[i]) != 0)
            return -1;
    }
    return 0;
}

int model_check(const model *m, char *err, size_t err_len)
{
    return core_check(&m->core, m->b.scn, err, err_len);
}

int model_distributable(const model *m, char *why, size_t why_len)
{
    /* Checked byte for byte over 2 and 3 ranks against one process; their
     * shared records are declared with sim_share (core, failures). */
    static const char *const checked[] = {"ha", "failures", "drs", "arrivals", "xvmotion"};
    for (size_t i = 0; i < N_MODULES; i++) {
        if (!m->worlds[i])
            continue;
        int ok = 0;
        for (size_t k = 0; k < sizeof checked / sizeof checked[0]; k++)
            ok |= strcmp(module_table[i]->name, checked[k]) == 0;
        /* the monitors: those of hosts, controllers and migrations (monitor.h) */
        if (module_table[i] == &monitors_module) {
            if (!monitors_distributable(m->worlds[i], why, why_len))
                return 0;
            continue;
        }
        if (!ok) {
            snprintf(why, why_len, "%s", module_table[i]->name);
            return 0;
        }
    }
    return 1;
}

void model_describe(const model *m, FILE *out)
{
    core_describe(&m->core, m->b.scn, out);
    for (size_t i = 0; i < N_MODULES; i++)
        if (m->worlds[i] && module_table[i]->describe)
            module_table[i]->describe(m->worlds[i], out);
}

uint32_t model_host_count(const model *m) { return m->core.env.n_hosts; }
uint32_t model_vm_count(const model *m) { return m->core.env.n_vms; }
uint64_t model_vms_placed(const model *m)
{
    uint64_t n = 0;
    for (uint32_t k = 0; k < m->core.env.n_clusters; k++)
        n += m->core.ctrls[k]->placed;
    return n;
}

uint64_t model_vm_placement_failures(const model *m)
{
    uint64_t n = 0;
    for (uint32_t k = 0; k < m->core.env.n_clusters; k++)
        n += m->core.ctrls[k]->placement_failures;
    return n;
}

static void *world_of(const model *m, const model_module *mod)
{
    for (size_t i = 0; i < N_MODULES; i++)
        if (module_table[i] == mod)
            return m->worlds[i];
    return NULL;
}

failure_model *model_failures(const model *m) { return world_of(m, &failure_module); }
struct ha_controller *model_ha(const model *m) { return world_of(m, &ha_module); }

void model_free(model *m)
{
    if (!m)
        return;
    for (size_t i = N_MODULES; i-- > 0;)
        if (m->worlds[i] && module_table[i]->free)
            module_table[i]->free(&m->b, m->worlds[i]);
    core_free(&m->core);
    free(m);
}
