/* monitor_module.c - the property monitors as a feature of the host LP
 * (see monitor.h). */
#include "models/monitors/monitor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_fairness.h"
#include "analysis/props_lifecycle.h"
#include "analysis/props_monitor.h"
#include "models/core/core_build.h"
#include "models/core/host.h"
#include "models/core/model_env.h"
#include "models/monitors/monitor_joined.h"
#include "models/monitors/monitor_k8s.h"
#include "models/monitors/monitor_ranks.h"
#include "models/monitors/monitor_rows.h"
#include "models/monitors/monitor_sampled.h"
#include "models/monitors/monitor_vmotion.h"

enum { N_HOST_KINDS = 6, N_POD_KINDS = 5, CHECK_SAMPLES = 12 };

typedef struct monitor_world {
    props_list props;
    pm_set vm_set, host_set, pod_set;
    pm_entity *vms, *hosts, *pods;
    pm_hot *vm_hot, *host_hot; /* the VMs' and hosts' hot state, by index (VMs: their hosts hold them in id order) */
    uint32_t n_pods;
    uint32_t *pod_group, *pod_index; /* pods.[g] and the index in it: the name */
    props_lifecycle *vm_power, *pod_phase; /* per VM / pod (props_lifecycle.h) */
    int64_t *vm_series_ns; /* the last sample that wrote the VM's series, -1 */
    uint32_t n_vms, n_hosts;
    int64_t end_ns, period_ns;
    const scenario *scn;
    const model_env *env; /* for the notes of a spread run's hosts */
    monitor_sampled *sampled; /* clusters and services (NULL: no property over them) */
    monitor_k8s *k8s;         /* the control plane's pods (NULL: none, or no pod property) */
    monitor_vmotion *vmotion; /* properties over vmotion.active (NULL: none) */
    monitor_joined *joined;   /* vmotion.active with VM states or series (NULL: none) */
    monitor_remote *remote;   /* rank 0 of a spread run: the other ranks' hosts (monitor_ranks.h) */
    int kind_vm_started, kind_vm_stopped, kind_vm_failed;
    int kind_host[N_HOST_KINDS];
    int kind_pod[N_POD_KINDS];
    int fair; /* a host property names host.cpu_share_error */
    int series_vm_host, series_vm_usable_demand;
    /* per host: the pairs of its unfair samples, for the witnesses written
     * at the end (props_fairness.h, pf_log); touched by its host LP only */
    pf_log *fair_logs;
} monitor_world;

static const char *const host_kind_names[N_HOST_KINDS] = {"host_failed",   "host_repaired",     "host_isolated",
                                                          "host_reachable", "maintenance_begin", "maintenance_end"};

/* The pod records (models/containers), in the order of pod_running_after. */
static const char *const pod_kind_names[N_POD_KINDS] = {"pod_started", "pod_oom_killed", "pod_crashed",
                                                        "pod_restarted", "pod_failed"};

static void world_free(monitor_world *w)
{
    if (!w)
        return;
    for (uint32_t i = 0; w->vms && i < w->n_vms; i++)
        pm_entity_free(&w->vms[i], &w->vm_set);
    for (uint32_t i = 0; w->hosts && i < w->n_hosts; i++)
        pm_entity_free(&w->hosts[i], &w->host_set);
    for (uint32_t i = 0; w->pods && i < w->n_pods; i++)
        pm_entity_free(&w->pods[i], &w->pod_set);
    free(w->vms);
    free(w->hosts);
    pm_hot_free(w->vm_hot);
    pm_hot_free(w->host_hot);
    free(w->pods);
    free(w->pod_group);
    free(w->pod_index);
    free(w->vm_power);
    free(w->pod_phase);
    pm_set_free(&w->pod_set);
    free(w->vm_series_ns);
    for (uint32_t i = 0; w->fair_logs && i < w->n_hosts; i++)
        pf_log_free(&w->fair_logs[i]);
    free(w->fair_logs);
    monitor_sampled_free(w->sampled);
    monitor_k8s_free(w->k8s);
    monitor_vmotion_free(w->vmotion);
    monitor_joined_free(w->joined);
    monitor_remote_free(w->remote);
    pm_set_free(&w->vm_set);
    pm_set_free(&w->host_set);
    props_list_free(&w->props);
    free(w);
}

/* A property the monitors cannot follow: 0 when fine, else the reason. */
static const char *not_monitored(const props_node *f, const scenario *scn)
{
    if (f->type != PN_FORALL)
        return NULL; /* names no entity: decided at the end (monitors_write) */
    if (f->kind == PK_SERVICE && scn_list_len(scn, "services") == 0)
        return "the scenario has no services: nothing to monitor (and `vdcsim verify` finds no service series)";
    return NULL;
}

static model_status monitors_build(model_builder *b, void **world)
{
    const scenario *scn = b->scn;
    int n = scn_list_len(scn, "properties");
    *world = NULL;
    if (n == 0)
        return MODEL_OK;
    monitor_world *w = calloc(1, sizeof *w);
    if (!w)
        return model_runtime_error(b, "out of memory");
    w->scn = scn;
    props_builtin_params params;
    props_builtin_params_from_scenario(scn, &params);
    for (int i = 0; i < n; i++) {
        props_spec spec = {.name = scn_string(scn, "properties.[%d].name", i),
                           .formula = scn_string(scn, "properties.[%d].formula", i),
                           .builtin = scn_string(scn, "properties.[%d].builtin", i),
                           .line = scn_line(scn, "properties.[%d]", i)};
        const char *bad_key = "formula";
        char why[512], key[64];
        const char *reason = NULL;
        int rc = props_list_add(&w->props, &spec, &params, &bad_key, why, sizeof why);
        if (rc == 0 && (reason = not_monitored(w->props.items[w->props.n - 1].ast, scn)) != NULL) {
            snprintf(why, sizeof why, "%s", reason);
            bad_key = spec.builtin && spec.builtin[0] ? "builtin" : "formula";
            rc = -1;
        }
        if (rc != 0) {
            snprintf(key, sizeof key, "properties.[%d].%s", i, bad_key);
            world_free(w);
            return model_key_error(b, key, "%s", why);
        }
    }
    for (int p = 0; p < w->props.n; p++)
        w->fair |= props_uses_atom(w->props.items[p].ast, PA_HOST_CPU_SHARE_ERROR);
    w->series_vm_host = w->series_vm_usable_demand = -1;
    *world = w;
    return MODEL_OK;
}

/* pm_skip_fn: a property over VMs that the migration monitors
 * (monitor_vmotion.h) or the end-of-run check (monitor_joined.h) decide
 * is left out of the VMs' online monitors, which would decide it again
 * with what they see (vmotion.active false) and throw the rows away. */
static int decided_elsewhere(void *arg, int prop)
{
    const monitor_world *w = arg;
    return monitor_vmotion_supports(w->props.items[prop].ast) || monitor_joined_owns(w->joined, prop);
}

static model_status monitors_start(model_builder *b, void **world)
{
    monitor_world *w = *world;
    if (!w)
        return MODEL_OK;
    const model_env *env = b->env;
    w->end_ns = scn_duration_ns(b->scn, "simulation.until");
    w->period_ns = env->sample_period_ns;
    w->n_vms = env->n_vms;
    w->n_hosts = env->n_hosts;
    /* over several ranks a VM's monitor cannot follow it to a host of
     * another rank: its properties are checked at the end (monitor_joined.h) */
    int spread = sim_ranks(b->eng) > 1;
    if (monitor_joined_new(&w->joined, &w->props, b->scn, env, w->end_ns, w->period_ns, spread) != 0 ||
        pm_set_init_except(&w->vm_set, &w->props, PK_VM, w->end_ns, decided_elsewhere, w) != 0 ||
        pm_set_init(&w->host_set, &w->props, PK_HOST, w->end_ns) != 0)
        return model_runtime_error(b, "out of memory");
    /* decide every CHECK_SAMPLES samples: the window then holds at most
     * the lookahead plus that many samples */
    w->vm_set.check_span_ns = w->host_set.check_span_ns = CHECK_SAMPLES * w->period_ns;
    if (w->fair && !(w->fair_logs = calloc(w->n_hosts ? w->n_hosts : 1, sizeof *w->fair_logs)))
        return model_runtime_error(b, "out of memory");
    w->hosts = calloc(w->n_hosts ? w->n_hosts : 1, sizeof *w->hosts);
    w->host_hot = pm_hot_new(&w->host_set, w->n_hosts);
    if (!w->hosts || !w->host_hot)
        return model_runtime_error(b, "out of memory");
    /* the VMs' online monitors, when a property is left for them */
    uint32_t n_vm_monitors = w->vm_set.n_props > 0 ? w->n_vms : 0;
    if (n_vm_monitors > 0) {
        w->vms = calloc(w->n_vms, sizeof *w->vms);
        w->vm_series_ns = malloc(w->n_vms * sizeof *w->vm_series_ns);
        w->vm_power = malloc(w->n_vms * sizeof *w->vm_power);
        w->vm_hot = pm_hot_new(&w->vm_set, w->n_vms);
        /* the VMs' streamed violations: one log per host, the LP that decides them */
        if (!w->vms || !w->vm_series_ns || !w->vm_power || !w->vm_hot || pm_hot_logs(w->vm_hot, w->n_hosts) != 0)
            return model_runtime_error(b, "out of memory");
    }
    double init[PA_COUNT];
    for (int a = 0; a < PA_COUNT; a++)
        init[a] = props_atom_get((props_atom)a)->is_state ? 0.0 : NAN;
    props_lifecycle l0;
    props_vm_power_init(&l0);
    init[PA_VM_POWER_STATE] = l0.state;
    init[PA_VM_POWER_STATE_BEFORE] = l0.before;
    for (uint32_t i = 0; i < n_vm_monitors; i++) {
        w->vm_series_ns[i] = -1;
        w->vm_power[i] = l0;
        const char *group = scn_string(b->scn, "vms.[%u].name", model_vm_spec(env, i)->group);
        init[PA_VM_CPU_LIMIT] = vm_spec_res(model_vm_spec(env, i))->cpu_limit_mhz;
        init[PA_VM_CPU_RESERVATION] = vm_spec_res(model_vm_spec(env, i))->cpu_reservation_mhz;
        if (pm_entity_init_at(&w->vms[i], &w->vm_set, w->vm_hot, i, group, init) != 0)
            return model_runtime_error(b, "out of memory");
    }
    /* pods in scenario order, as /tables/pods (models/containers) */
    int64_t n_pods = 0;
    for (int g = 0; g < scn_list_len(b->scn, "pods"); g++)
        n_pods += scn_int(b->scn, "pods.[%d].count", g);
    if (pm_set_init(&w->pod_set, &w->props, PK_POD, w->end_ns) != 0 || n_pods > UINT32_MAX / 2)
        return model_runtime_error(b, "out of memory");
    w->n_pods = (uint32_t)n_pods;
    w->pods = calloc(w->n_pods ? w->n_pods : 1, sizeof *w->pods);
    w->pod_group = calloc(w->n_pods ? w->n_pods : 1, sizeof *w->pod_group);
    w->pod_index = calloc(w->n_pods ? w->n_pods : 1, sizeof *w->pod_index);
    w->pod_phase = malloc((w->n_pods ? w->n_pods : 1) * sizeof *w->pod_phase);
    if (!w->pods || !w->pod_group || !w->pod_index || !w->pod_phase)
        return model_runtime_error(b, "out of memory");
    init[PA_POD_PENDING] = 1.0; /* pending from the start, as offline */
    props_pod_phase_init(&l0);
    init[PA_POD_PHASE] = l0.state;
    init[PA_POD_PHASE_BEFORE] = l0.before;
    for (uint32_t p = 0, g = 0; p < w->n_pods; g++) {
        int64_t count = scn_int(b->scn, "pods.[%u].count", g);
        for (int64_t k = 0; k < count; k++, p++) {
            w->pod_group[p] = g;
            w->pod_index[p] = (uint32_t)k;
            w->pod_phase[p] = l0;
            if (pm_entity_init(&w->pods[p], &w->pod_set, scn_string(b->scn, "pods.[%u].name", g), init) != 0)
                return model_runtime_error(b, "out of memory");
        }
    }
    if (monitor_sampled_new(&w->sampled, &w->props, b->scn, env, w->end_ns, CHECK_SAMPLES * w->period_ns) != 0 ||
        monitor_k8s_new(&w->k8s, &w->props, b->scn, w->end_ns) != 0 ||
        monitor_vmotion_new(&w->vmotion, &w->props, b->scn, env, w->end_ns,
                            monitor_joined_names(w->joined, PA_VM_MIGRATING)) != 0)
        return model_runtime_error(b, "out of memory");
    init[PA_HOST_UP] = 1.0; /* up before any record, as offline */
    for (uint32_t i = 0; i < w->n_hosts; i++) {
        const host_spec *hs = &env->host_specs[i];
        init[PA_HOST_CPU_CAPACITY] = host_cpu_capacity_mhz(hs);
        init[PA_HOST_MEMORY_CAPACITY] = (double)hs->memory_mib;
        const char *group = scn_string(b->scn, "hosts.[%u].name", hs->group);
        if (pm_entity_init_at(&w->hosts[i], &w->host_set, w->host_hot, i, group, init) != 0)
            return model_runtime_error(b, "out of memory");
    }
    return MODEL_OK;
}

static const rec_column violation_columns[] = {
    {"time_ns", REC_I64, "ns"}, {"property", REC_STR, NULL}, {"entity", REC_STR, NULL},
    {"witness", REC_STR, NULL}, {"obligation_start_ns", REC_I64, "ns"},
};
/* cpu_shares (the last column) only in runs whose properties name
 * host.cpu_share_error: other runs keep the table as it was. */
static const rec_column resource_columns[] = {
    {"name", REC_STR, NULL},
    {"cpu_reservation_mhz", REC_F64, "MHz"},
    {"cpu_limit_mhz", REC_F64, "MHz"},
    {"cpu_shares", REC_F64, NULL},
};
static const rec_column property_columns[] = {
    {"name", REC_STR, NULL},      {"formula", REC_STR, NULL}, {"entities", REC_I64, NULL},
    {"violations", REC_I64, NULL}, {"pending", REC_I64, NULL},
};

/* The kinds are those other modules registered: looked up by name. */
static int monitors_declare(model_builder *b, void *world)
{
    monitor_world *w = world;
    w->kind_vm_started = rec_event_kind_find(b->rec, "vm_started");
    w->kind_vm_stopped = rec_event_kind_find(b->rec, "vm_stopped");
    w->kind_vm_failed = rec_event_kind_find(b->rec, "vm_failed");
    for (int k = 0; k < N_HOST_KINDS; k++)
        w->kind_host[k] = rec_event_kind_find(b->rec, host_kind_names[k]);
    for (int k = 0; k < N_POD_KINDS; k++)
        w->kind_pod[k] = rec_event_kind_find(b->rec, pod_kind_names[k]);
    /* what `vdcsim verify` needs for host.cpu_share_error (props_fairness_h5.h):
     * each VM's host and usable demand at every sample (the entitlement is
     * output.per_vm_series' cpu_entitlement_mhz) */
    if (w->fair && b->env->n_vms > 0) {
        int v = (int)b->env->n_vms;
        int64_t period = b->env->sample_period_ns;
        w->series_vm_host = rec_series_new(b->rec, "vm", "host", "1", "vms", v, 0, period);
        w->series_vm_usable_demand = rec_series_new(b->rec, "vm", "cpu_usable_demand_mhz", "MHz", "vms", v, 0, period);
        if (w->series_vm_host < 0 || w->series_vm_usable_demand < 0)
            return -1;
    }
    if ((w->k8s && monitor_k8s_declare(w->k8s, b->rec) != 0) ||
        (w->vmotion && monitor_vmotion_declare(w->vmotion, b->rec) != 0))
        return -1;
    return w->sampled ? monitor_sampled_declare(w->sampled, b->rec) : 0;
}

static void push(pm_entity *e, const pm_set *s, props_atom a, int64_t t, double v)
{
    if (pm_push(e, s, a, t, v) != 0)
        abort(); /* out of memory inside a handler: nothing sane to do */
}

static void check(pm_entity *e, const pm_set *s, int64_t t);
static void vm_series_gap(monitor_world *w, uint32_t id, int64_t t);

static void monitors_logged(sim_ctx *ctx, host *h, const host_feature *f, int kind, int64_t subject, int64_t a,
                            int64_t b)
{
    monitor_world *w = f->world;
    (void)h;
    (void)a;
    int64_t t = sim_now(ctx);
    for (int k = 0; k < N_POD_KINDS && w->pod_set.n_props > 0; k++) {
        if (kind != w->kind_pod[k])
            continue;
        if (subject < 0 || subject >= (int64_t)w->n_pods)
            return;
        /* pod_started: running; pod_failed: pending again (its node
         * stopped); a crash, an OOM kill, a restart: neither (back-off,
         * start-up); as props_h5.c reads the same records */
        pm_entity *e = &w->pods[subject];
        push(e, &w->pod_set, PA_POD_RUNNING, t, k == 0);
        push(e, &w->pod_set, PA_POD_PENDING, t, k == 4);
        props_pod_phase_record(&w->pod_phase[subject], k);
        push(e, &w->pod_set, PA_POD_PHASE, t, w->pod_phase[subject].state);
        push(e, &w->pod_set, PA_POD_PHASE_BEFORE, t, w->pod_phase[subject].before);
        check(e, &w->pod_set, t); /* pods have no samples: decide at their state changes */
        return;
    }
    if (kind == w->kind_vm_started || kind == w->kind_vm_stopped || kind == w->kind_vm_failed) {
        if (subject < 0 || subject >= (int64_t)w->n_vms)
            return;
        int record = kind == w->kind_vm_started   ? MJ_VM_STARTED
                     : kind == w->kind_vm_stopped ? MJ_VM_STOPPED
                                                  : MJ_VM_FAILED;
        if (w->joined) /* kept for the end (monitor_joined.h) */
            monitor_joined_record(w->joined, (uint32_t)subject, t, record);
        if (!w->vms)
            return;
        pm_entity *e = &w->vms[subject];
        vm_series_gap(w, (uint32_t)subject, t); /* pushes stay in time order across the atoms */
        push(e, &w->vm_set, PA_VM_RUNNING, t, kind == w->kind_vm_started);
        push(e, &w->vm_set, PA_VM_FAILED, t, kind == w->kind_vm_failed);
        props_vm_power_record(&w->vm_power[subject], record);
        push(e, &w->vm_set, PA_VM_POWER_STATE, t, w->vm_power[subject].state);
        push(e, &w->vm_set, PA_VM_POWER_STATE_BEFORE, t, w->vm_power[subject].before);
        return;
    }
    for (int k = 0; k < N_HOST_KINDS; k++) {
        if (kind != w->kind_host[k])
            continue;
        if (subject < 0 || subject >= (int64_t)w->n_hosts)
            return;
        /* b is the state after the record: 0 up, 1 failed, 2 isolated, 3 maintenance */
        pm_entity *e = &w->hosts[subject];
        push(e, &w->host_set, PA_HOST_UP, t, b == HOST_UP || b == HOST_ISOLATED);
        push(e, &w->host_set, PA_HOST_FAILED, t, b == HOST_FAILED);
        push(e, &w->host_set, PA_HOST_MAINTENANCE, t, b == HOST_MAINTENANCE);
        return;
    }
}

/* A VM series cell not written at a sample is NaN: the value of the
 * VM's last sample holds one period, unless a later one replaced it.
 * Called at every later push of the VM (its records, its next sample, the
 * end), so the NaN comes before them: the monitors take pushes in time
 * order. */
static void vm_series_gap(monitor_world *w, uint32_t id, int64_t t)
{
    int64_t last = w->vm_series_ns[id];
    if (last < 0 || last + w->period_ns >= t)
        return;
    static const props_atom series[] = {PA_VM_CPU_READY, PA_VM_CPU_DEMAND, PA_VM_CPU_ENTITLEMENT};
    for (size_t k = 0; k < sizeof series / sizeof series[0]; k++)
        push(&w->vms[id], &w->vm_set, series[k], last + w->period_ns, NAN);
    w->vm_series_ns[id] = -1; /* pushed once */
}

static void check(pm_entity *e, const pm_set *s, int64_t t)
{
    char err[256];
    if (pm_check(e, s, t, err, sizeof err) != 0)
        abort(); /* out of memory inside a handler */
}

/* host.cpu_share_error at this sample, from the claims the CPU division
 * has just used (usable demand, reservation, limit, shares: the host's
 * scratch, in vm_ids order) and the entitlements it gave; and the two VM
 * series `vdcsim verify` recomputes it from. */
static void fairness_sample(monitor_world *w, host *h, const host_sample_ctx *s, int64_t t)
{
    const model_env *env = h->env;
    pf_pair pair;
    pf_begin(&pair);
    for (uint32_t i = 0; i < h->n_vms; i++) {
        uint32_t id = h->vm_ids[i];
        const cpu_claim *c = &s->scratch->cpu[i];
        pf_vm v = {.id = id, .shares = c->shares, .reservation_mhz = c->reservation_mhz, .limit_mhz = c->limit_mhz,
                   .usable_demand_mhz = c->demand_mhz, .received_mhz = model_vm(env, id)->cpu_entitlement_mhz};
        pf_add(&pair, &v);
        if (env->rec && w->series_vm_host >= 0) {
            rec_series_put(env->rec, w->series_vm_host, t, (int)id, (double)h->index);
            rec_series_put(env->rec, w->series_vm_usable_demand, t, (int)id, c->demand_mhz);
        }
    }
    pf_end(&pair);
    push(&w->hosts[h->index], &w->host_set, PA_HOST_CPU_SHARE_ERROR, t, pair.error);
    if (pf_log_add(&w->fair_logs[h->index], t, &pair) != 0)
        abort(); /* out of memory inside a handler */
}

/* Appends the pair behind host.cpu_share_error at t to a witness, as
 * props_h5.c does offline: the entry of the host's last sample at or
 * before t (none: its error was 0 then, or it had no sample yet). */
static void fairness_note(const monitor_world *w, const model_env *env, uint32_t host_index, int64_t t, char *buf,
                          size_t len)
{
    const pf_pair *p = pf_log_at(&w->fair_logs[host_index], t);
    if (!p || p->contending < 2)
        return;
    char more[300], less[300];
    const vm_spec *a = model_vm_spec(env, p->more.id), *b = model_vm_spec(env, p->less.id);
    core_entity_name(more, sizeof more, scn_string(w->scn, "vms.[%u].name", a->group), a->index_in_group);
    core_entity_name(less, sizeof less, scn_string(w->scn, "vms.[%u].name", b->group), b->index_in_group);
    pf_note(p, more, less, buf, len);
}

/* fairness_note as a monitor_witness_note: from the obligation's start
 * (or the violation's time when it has none). */
typedef struct fairness_arg {
    const monitor_world *w;
    const model_env *env;
    uint32_t host_index;
} fairness_arg;

static void fairness_note_row(void *arg, const pm_violation *v, char *witness, size_t len)
{
    const fairness_arg *fa = arg;
    int64_t start = v->obligation_ns >= 0 ? v->obligation_ns : v->time_ns;
    fairness_note(fa->w, fa->env, fa->host_index, start, witness, len);
}

/* The values host_record (models/core/host.c) has just written, in the
 * units of the property language (ready: the same * 0.01 the checker
 * applies to the stored percentage). */
static void monitors_after_sample(sim_ctx *ctx, host *h, const host_feature *f, const host_sample_ctx *s)
{
    monitor_world *w = f->world;
    const model_env *env = h->env;
    int64_t t = sim_now(ctx);
    pm_entity *he = &w->hosts[h->index];
    const pm_set *hs = &w->host_set;
    const host_totals *tot = &s->totals;
    static const props_atom host_atoms[] = {PA_HOST_CPU_USAGE,       PA_HOST_CPU_DEMAND, PA_HOST_CPU_READY,
                                            PA_HOST_MEMORY_CONSUMED, PA_HOST_POWER,      PA_HOST_VMS_RUNNING};
    const double host_values[] = {tot->cpu_usage_mhz,       tot->cpu_demand_mhz, tot->cpu_ready_pct * 0.01,
                                  tot->memory_consumed_mib, tot->power_w,        (double)h->n_vms};
    _Static_assert(sizeof host_atoms / sizeof host_atoms[0] == sizeof host_values / sizeof host_values[0],
                   "one value per atom");
    if (pm_push_many(he, hs, t, (int)(sizeof host_atoms / sizeof host_atoms[0]), host_atoms, host_values) != 0)
        abort(); /* out of memory inside a handler */
    if (w->fair)
        fairness_sample(w, h, s, t);
    check(he, hs, t);
    if (!w->vms && !w->joined)
        return;
    /* one call per VM for its three series (the streamed properties naming
     * them decided once); the check only every CHECK_SAMPLES samples */
    static const props_atom vm_atoms[] = {PA_VM_CPU_READY, PA_VM_CPU_DEMAND, PA_VM_CPU_ENTITLEMENT};
    const pm_set *vs = &w->vm_set;
    pm_log *vm_log = w->vm_hot ? pm_hot_log(w->vm_hot, h->index) : NULL;
    for (uint32_t i = 0; i < h->n_vms; i++) {
        uint32_t id = h->vm_ids[i];
        const vm *v = model_vm(env, id);
        const double vm_values[] = {v->cpu_ready_pct * 0.01, s->in[i].cpu_demand_mhz, v->cpu_entitlement_mhz};
        if (w->joined) /* the same values, kept for the end (monitor_joined.h) */
            monitor_joined_sample(w->joined, id, t, vm_values[0], vm_values[1], vm_values[2]);
        if (!w->vms)
            continue;
        pm_entity *ve = &w->vms[id];
        vm_series_gap(w, id, t);
        if (pm_push_many_log(ve, vs, vm_log, t, 3, vm_atoms, vm_values) != 0)
            abort(); /* out of memory inside a handler */
        w->vm_series_ns[id] = t;
        if (t - *pm_hot_checked(w->vm_hot, id) >= vs->check_span_ns)
            check(ve, vs, t);
    }
}

/* The controller's sample: the cluster monitors, after HA, the failures and
 * DRS have put their series (monitor_sampled.h). */
static void monitors_cluster_sample(sim_ctx *ctx, cluster *c, const cluster_feature *f)
{
    monitor_world *w = f->world;
    if (w->sampled)
        monitor_sampled_cluster_sample(w->sampled, sim_now(ctx), c);
    if (w->vmotion)
        monitor_vmotion_sample(w->vmotion, sim_now(ctx), c->index);
}

static const cluster_hooks monitor_cluster_hooks = {
    .name = "monitors",
    .sample = monitors_cluster_sample,
};

static const host_hooks monitor_host_hooks = {
    .name = "monitors",
    .after_sample = monitors_after_sample,
    .logged = monitors_logged,
};

/* A formula without forall names no entity (every predicate needs one):
 * its value depends on the run's length alone, so it is decided at the
 * end by the checker's own evaluator, entity "-" as `vdcsim verify` reports
 * it. */
static int no_signal(void *ctx, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    (void)ctx;
    (void)row;
    (void)out;
    snprintf(err, err_len, "internal: %s outside forall", props_atom_get(a)->name);
    return -1;
}

typedef struct unquantified_rows {
    recorder *rec;
    int table;
    const char *name;
    int failed;
} unquantified_rows;

static void unquantified_row(void *arg, const props_violation *v)
{
    unquantified_rows *u = arg;
    rec_value row[] = {{.i64 = v->time_ns}, {.str = u->name}, {.str = v->entity}, {.str = v->witness},
                       {.i64 = v->obligation_ns}};
    if (rec_table_row(u->rec, u->table, row) != 0)
        u->failed = 1;
}

static int write_unquantified(recorder *rec, int tv, int tp, const props_entry *pe, int64_t end_ns)
{
    props_source src = {.end_ns = end_ns, .signal = no_signal};
    props_result res;
    unquantified_rows u = {rec, tv, pe->name, 0};
    char err[256];
    if (props_evaluate_each(pe->ast, &src, &res, unquantified_row, &u, err, sizeof err) != 0 || u.failed)
        return -1;
    rec_value row[] = {{.str = pe->name}, {.str = pe->formula}, {.i64 = res.entities}, {.i64 = res.violations},
                       {.i64 = res.pending}};
    return rec_table_row(rec, tp, row);
}

/* A host of another rank: its rows as that rank wrote them. */
static int host_remote_rows(const monitor_world *w, model_builder *b, recorder *rec, int tv, int k, uint32_t i,
                            const char *prop_name)
{
    char name[300];
    core_entity_name(name, sizeof name, scn_string(w->scn, "hosts.[%u].name", b->env->host_specs[i].group),
                     b->env->host_specs[i].index_in_group);
    return monitor_remote_write(w->remote, k, i, rec, tv, prop_name, name);
}

/* The fairness note of a host property naming host.cpu_share_error, as
 * monitors_write appends it (for the rows another rank sends). */
static void host_note(void *arg, uint32_t host_index, int k, const pm_violation *v, char *witness, size_t len)
{
    const monitor_world *w = arg;
    const props_entry *pe = &w->props.items[w->host_set.prop[k]];
    if (!w->fair || !props_uses_atom(pe->ast, PA_HOST_CPU_SHARE_ERROR))
        return;
    fairness_arg fa = {w, w->env, host_index};
    fairness_note_row(&fa, v, witness, len);
}

/* A run spread over MPI ranks: every rank, after the run (a collective).
 * The hosts' monitors decided where their hosts ran; rank 0 gets them. */
static int monitors_gather(model_builder *b, void *world)
{
    monitor_world *w = world;
    char err[256];
    w->env = b->env;
    if (monitor_ranks_gather(&w->host_set, w->hosts, w->n_hosts, b->eng, b->env->first_host_lp, host_note, w,
                             &w->remote, err, sizeof err) != 0 ||
        monitor_ranks_gather_vms(w->joined, b->eng, err, sizeof err) != 0) {
        snprintf(b->err, b->err_len, "%s", err);
        return -1;
    }
    return 0;
}

int monitors_distributable(const void *world, char *why, size_t why_len)
{
    const monitor_world *w = world;
    for (int p = 0; w && p < w->props.n; p++) {
        const props_node *f = w->props.items[p].ast;
        if (f->type != PN_FORALL || f->kind != PK_POD)
            continue; /* VMs: checked at the end from every rank's pieces (monitor_joined.h) */
        snprintf(why, why_len, "monitors of properties over pods (property '%s')", w->props.items[p].name);
        return 0;
    }
    return 1;
}

/* Closes every monitor against the run's end and writes the two tables. */
static int monitors_write(model_builder *b, void *world)
{
    monitor_world *w = world;
    recorder *rec = b->rec;
    char err[256];
    for (uint32_t i = 0; w->vms && i < w->n_vms; i++) {
        vm_series_gap(w, i, w->end_ns);
        if (pm_finish(&w->vms[i], &w->vm_set, err, sizeof err) != 0)
            return -1;
    }
    for (uint32_t i = 0; i < w->n_hosts; i++)
        if (pm_finish(&w->hosts[i], &w->host_set, err, sizeof err) != 0)
            return -1;
    for (uint32_t i = 0; i < w->n_pods; i++)
        if (pm_finish(&w->pods[i], &w->pod_set, err, sizeof err) != 0)
            return -1;
    if (w->sampled && monitor_sampled_finish(w->sampled, err, sizeof err) != 0)
        return -1;
    if (monitor_k8s_finish(w->k8s, err, sizeof err) != 0 || monitor_vmotion_finish(w->vmotion, err, sizeof err) != 0)
        return -1;
    /* the VMs' constants the properties may name, for `vdcsim verify` (row i: VM i) */
    int n_resource_columns = (int)(sizeof resource_columns / sizeof resource_columns[0]) - (w->fair ? 0 : 1);
    int tr = rec_table_new(rec, "vm_resources", resource_columns, n_resource_columns);
    if (tr < 0)
        return -1;
    const char *group_name = NULL;
    for (uint32_t i = 0; i < w->n_vms; i++) {
        const vm_spec *vs = model_vm_spec(b->env, i);
        /* a group's VMs are consecutive: one scenario lookup per group */
        if (i == 0 || vs->group != model_vm_spec(b->env, i - 1)->group)
            group_name = scn_string(w->scn, "vms.[%u].name", vs->group);
        char name[300];
        core_entity_name(name, sizeof name, group_name, vs->index_in_group);
        rec_value row[] = {{.str = name},
                           {.f64 = vm_spec_res(vs)->cpu_reservation_mhz},
                           {.f64 = vm_spec_res(vs)->cpu_limit_mhz},
                           {.f64 = vm_spec_res(vs)->cpu_shares}};
        if (rec_table_row(rec, tr, row) != 0)
            return -1;
    }
    int tv = rec_table_new(rec, "violations", violation_columns,
                           (int)(sizeof violation_columns / sizeof violation_columns[0]));
    int tp = rec_table_new(rec, "properties", property_columns,
                           (int)(sizeof property_columns / sizeof property_columns[0]));
    if (tv < 0 || tp < 0)
        return -1;
    for (int p = 0; p < w->props.n; p++) {
        const props_entry *pe = &w->props.items[p];
        if (pe->ast->type != PN_FORALL) {
            if (write_unquantified(rec, tv, tp, pe, w->end_ns) != 0)
                return -1;
            continue;
        }
        if (monitor_joined_owns(w->joined, p)) { /* checked now, from the run's signals (monitor_joined.h) */
            if (monitor_joined_write(w->joined, w->vmotion, rec, tv, tp, p, err, sizeof err) != 0)
                return -1;
            continue;
        }
        if (monitor_vmotion_owns(w->vmotion, p)) { /* in the controller LPs (monitor_vmotion.h) */
            long entities = 0, violations = 0, pending = 0;
            if (monitor_vmotion_write(w->vmotion, rec, tv, p, pe->name, &entities, &violations, &pending) != 0)
                return -1;
            rec_value row[] = {{.str = pe->name}, {.str = pe->formula}, {.i64 = entities}, {.i64 = violations},
                               {.i64 = pending}};
            if (rec_table_row(rec, tp, row) != 0)
                return -1;
            continue;
        }
        props_kind kind = pe->ast->kind;
        int is_vm = kind == PK_VM, sampled = kind == PK_CLUSTER || kind == PK_SERVICE;
        const pm_set *s = is_vm ? &w->vm_set : kind == PK_POD ? &w->pod_set : &w->host_set;
        pm_entity *ents = is_vm ? w->vms : kind == PK_POD ? w->pods : w->hosts;
        uint32_t n = is_vm ? w->n_vms : kind == PK_POD ? w->n_pods : w->n_hosts;
        if (sampled) {
            s = monitor_sampled_set(w->sampled, kind);
            ents = monitor_sampled_entities(w->sampled, kind, &n);
        }
        int k = 0;
        while (k < s->n_props && s->prop[k] != p)
            k++;
        long entities = 0, violations = 0, pending = 0;
        for (uint32_t i = 0; i < n; i++) {
            const pm_prop *pp = pm_entity_prop(&ents[i], k);
            int done = 0;
            long remote_v = 0, remote_p = 0;
            int remote = kind == PK_HOST && monitor_remote_counts(w->remote, k, i, &done, &remote_v, &remote_p);
            if ((remote ? done : pp->done) == 2)
                continue;
            entities++;
            violations += remote ? remote_v : pp->violations;
            pending += remote ? remote_p : pp->pending;
            if (remote) { /* decided on the rank that ran the host (monitor_ranks.h) */
                if (remote_v > 0 && host_remote_rows(w, b, rec, tv, k, i, pe->name) != 0)
                    return -1;
                continue;
            }
            if (pp->n_v == 0)
                continue; /* no row: no name to look up (40,000 VMs x the VM properties) */
            char name[300];
            if (sampled)
                monitor_sampled_name(w->sampled, kind, i, name, sizeof name);
            else if (is_vm)
                core_entity_name(name, sizeof name, scn_string(w->scn, "vms.[%u].name", model_vm_spec(b->env, i)->group),
                                 model_vm_spec(b->env, i)->index_in_group);
            else if (kind == PK_POD)
                core_entity_name(name, sizeof name, scn_string(w->scn, "pods.[%u].name", w->pod_group[i]),
                                 w->pod_index[i]);
            else
                core_entity_name(name, sizeof name,
                                 scn_string(w->scn, "hosts.[%u].name", b->env->host_specs[i].group),
                                 b->env->host_specs[i].index_in_group);
            int fair_note = kind == PK_HOST && w->fair && props_uses_atom(pe->ast, PA_HOST_CPU_SHARE_ERROR);
            fairness_arg fa = {w, b->env, i};
            monitor_witness_note note = fair_note ? fairness_note_row : NULL;
            if (monitor_write_violation_rows(rec, tv, pp, pe->name, name, note, &fa) != 0)
                return -1;
        }
        /* pods: after the pod model's, the control plane's (monitor_k8s.h), as verify orders them */
        if (kind == PK_POD && monitor_k8s_write(w->k8s, rec, tv, p, pe->name, &entities, &violations, &pending) != 0)
            return -1;
        rec_value row[] = {{.str = pe->name}, {.str = pe->formula}, {.i64 = entities}, {.i64 = violations},
                           {.i64 = pending}};
        if (rec_table_row(rec, tp, row) != 0)
            return -1;
    }
    return 0;
}

static void monitors_describe(const void *world, FILE *out)
{
    const monitor_world *w = world;
    fprintf(out, "properties: %d monitored during the run (docs/properties.md)\n", w->props.n);
}

static void monitors_free(model_builder *b, void *world)
{
    (void)b;
    world_free(world);
}

const model_module monitors_module = {
    .name = "monitors",
    .build = monitors_build,
    .start = monitors_start,
    .declare_recording = monitors_declare,
    .write_tables = monitors_write,
    .gather = monitors_gather,
    .describe = monitors_describe,
    .free = monitors_free,
    .host_hooks = &monitor_host_hooks,
    .cluster_hooks = &monitor_cluster_hooks,
};
