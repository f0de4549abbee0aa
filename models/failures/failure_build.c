/* failure_build.c - reading the failure keys of a scenario (see failure.h):
 * per-group processes, VM crashes, topology, injections, maintenance
 * windows and the LANL trace replay; then creating the domain and crew LPs
 * and scheduling the first events. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/module.h"
#include "models/failures/failure_internal.h"
#include "models/vsphere/ha_controller.h"
#include "traces/failure_trace.h"

enum { PRIO_FAILURE = 5 };

sim_time_ns failure_draw_ns(const dist_spec *d, gsl_rng *rng)
{
    double x = dist_sample(d, rng);
    if (!(x > 0.0))
        return 0;
    if (x > 9.0e18)
        return INT64_C(9000000000000000000);
    return (sim_time_ns)(x + 0.5);
}

/* dist_from_scenario() names the file; replace it by FILE:LINE of the key. */
static int read_dist(const scenario *scn, const char *prefix, dist_spec *out, char *err, size_t err_len)
{
    char why[4600];
    if (dist_from_scenario(scn, prefix, out, why, sizeof why) == 0)
        return 0;
    const char *name = scenario_name(scn);
    size_t n = strlen(name);
    const char *rest = strncmp(why, name, n) == 0 && why[n] == ':' ? why + n + 1 : why;
    const char *key = strstr(rest, "key '");
    char where[1200];
    if (key) {
        char path[512];
        const char *end = strchr(key + 5, '\'');
        size_t len = end ? (size_t)(end - key - 5) : 0;
        if (len >= sizeof path)
            len = sizeof path - 1;
        memcpy(path, key + 5, len);
        path[len] = '\0';
        scn_where(scn, where, sizeof where, "%s", path);
    } else {
        scn_where(scn, where, sizeof where, "%s", prefix);
    }
    snprintf(err, err_len, "%s:%s", where, rest);
    return -1;
}

int failure_read_process(const scenario *scn, const char *prefix, failure_process_spec *out, char *err,
                         size_t err_len)
{
    memset(out, 0, sizeof *out);
    if (!scn_is_set(scn, "%s.failure", prefix))
        return 0;
    char path[256];
    out->enabled = 1;
    snprintf(path, sizeof path, "%s.failure.up_time", prefix);
    if (read_dist(scn, path, &out->up_time, err, err_len) != 0)
        return -1;
    snprintf(path, sizeof path, "%s.failure.repair", prefix);
    return read_dist(scn, path, &out->repair, err, err_len);
}

int failure_add_initial(failure_model *fm, int to_domain, uint32_t index, sim_time_ns at, int64_t op,
                        int64_t reason, int64_t duration)
{
    if (fm->n_initial == fm->cap_initial) {
        size_t cap = fm->cap_initial ? fm->cap_initial * 2 : 64;
        initial_event *grown = realloc(fm->initial, cap * sizeof *grown);
        if (!grown)
            return -1;
        fm->initial = grown;
        fm->cap_initial = cap;
    }
    fm->initial[fm->n_initial++] = (initial_event){
        to_domain, index, at, {.op = (int32_t)op, .reason = (int32_t)reason, .duration_ns = duration}};
    return 0;
}

static int has_failure_keys(const scenario *scn)
{
    if (scn_is_set(scn, "failures") || scn_list_len(scn, "racks") || scn_list_len(scn, "pdus") ||
        scn_list_len(scn, "zones"))
        return 1;
    for (int g = 0; g < scn_list_len(scn, "hosts"); g++)
        if (scn_is_set(scn, "hosts.[%d].failure", g) || scn_is_set(scn, "hosts.[%d].isolation", g))
            return 1;
    for (int g = 0; g < scn_list_len(scn, "vms"); g++)
        if (scn_is_set(scn, "vms.[%d].crash", g))
            return 1;
    return 0;
}

/* The host named "<group>-NN" (as in /tables/hosts), or -1. */
static int64_t find_host(const failure_model *fm, const char *name)
{
    const model_env *env = fm->menv;
    char buf[300];
    for (uint32_t i = 0; i < env->n_hosts; i++) {
        const host_spec *h = &env->host_specs[i];
        snprintf(buf, sizeof buf, "%s-%02" PRIu32, scn_string(fm->scn, "hosts.[%u].name", h->group),
                 h->index_in_group + 1);
        if (strcmp(buf, name) == 0)
            return i;
    }
    return -1;
}

/* Resolves "<list>.[i].target" into a host (*domain_out = -1) or a domain. */
static int parse_target(failure_model *fm, const char *list, int i, int64_t *host_out, int32_t *domain_out,
                        char *err, size_t err_len)
{
    const char *target = scn_string(fm->scn, "%s.[%d].target", list, i);
    static const struct {
        const char *word;
        int kind; /* -1 host, else domain_kind */
    } words[] = {{"host ", -1}, {"rack ", DOMAIN_RACK}, {"pdu ", DOMAIN_PDU}, {"zone ", DOMAIN_ZONE}};
    *host_out = -1;
    *domain_out = -1;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t n = strlen(words[w].word);
        if (strncmp(target, words[w].word, n) != 0)
            continue;
        if (words[w].kind < 0)
            *host_out = find_host(fm, target + n);
        else
            *domain_out = topology_find(fm, (domain_kind)words[w].kind, target + n);
        if (*host_out >= 0 || *domain_out >= 0)
            return 0;
        break;
    }
    char where[1200];
    snprintf(err, err_len,
             "%s: key '%s.[%d].target': '%.80s' names nothing (expected 'host GROUP-NN', 'rack NAME', 'pdu NAME' "
             "or 'zone NAME' of this scenario)",
             scn_where(fm->scn, where, sizeof where, "%s.[%d].target", list, i), list, i, target);
    return -1;
}

static int read_injections(failure_model *fm, char *err, size_t err_len, int *oom)
{
    const scenario *scn = fm->scn;
    int n = scn_list_len(scn, "failures.inject");
    for (int i = 0; i < n; i++) {
        int64_t host_i;
        int32_t dom;
        if (parse_target(fm, "failures.inject", i, &host_i, &dom, err, err_len) != 0)
            return -1;
        sim_time_ns at = scn_duration_ns(scn, "failures.inject.[%d].at", i);
        sim_time_ns duration = scn_duration_ns(scn, "failures.inject.[%d].duration", i);
        int isolation = scn_enum(scn, "failures.inject.[%d].kind", i) == INJECT_ISOLATION;
        int rc = 0;
        if (host_i >= 0)
            rc = failure_add_initial(fm, 0, (uint32_t)host_i, at, FOP_BEGIN,
                                     isolation ? OUTAGE_ISOLATION : OUTAGE_INJECTED, duration);
        else if (!isolation)
            rc = failure_add_initial(fm, 1, (uint32_t)dom, at, FOP_BEGIN, OUTAGE_INJECTED, duration);
        else /* a domain's management network: isolate each of its hosts */
            for (uint32_t k = 0; k < fm->domains[dom].n_hosts && rc == 0; k++)
                rc = failure_add_initial(fm, 0, fm->domains[dom].hosts[k], at, FOP_BEGIN, OUTAGE_ISOLATION, duration);
        if (rc != 0) {
            *oom = 1;
            return -1;
        }
    }
    n = scn_list_len(scn, "failures.maintenance");
    for (int i = 0; i < n; i++) {
        int64_t host_i;
        int32_t dom;
        if (parse_target(fm, "failures.maintenance", i, &host_i, &dom, err, err_len) != 0)
            return -1;
        sim_time_ns at = scn_duration_ns(scn, "failures.maintenance.[%d].at", i);
        sim_time_ns duration = scn_duration_ns(scn, "failures.maintenance.[%d].duration", i);
        int rc = 0;
        if (host_i >= 0)
            rc = failure_add_initial(fm, 0, (uint32_t)host_i, at, FOP_BEGIN, OUTAGE_MAINTENANCE, duration);
        else
            for (uint32_t k = 0; k < fm->domains[dom].n_hosts && rc == 0; k++)
                rc = failure_add_initial(fm, 0, fm->domains[dom].hosts[k], at, FOP_BEGIN, OUTAGE_MAINTENANCE,
                                         duration);
        if (rc != 0) {
            *oom = 1;
            return -1;
        }
    }
    return 0;
}

static int record_start_order(const void *a, const void *b)
{
    const failure_record *x = *(const failure_record *const *)a, *y = *(const failure_record *const *)b;
    if (x->start_ns != y->start_ns)
        return x->start_ns < y->start_ns ? -1 : 1;
    return (x->source_line > y->source_line) - (x->source_line < y->source_line);
}

/* Replays one LANL system: node k fails on the k-th host (of the group),
 * at (group start - first failure - offset), for its Down Time. Failures
 * starting within group_window of a burst's first failure are replayed at
 * the burst's start, as failure_trace_system_event_starts() groups them. */
static int read_trace(failure_model *fm, char *err, size_t err_len, int *oom)
{
    const scenario *scn = fm->scn;
    const model_env *env = fm->menv;
    const char *file = scn_string(scn, "failures.trace.file");
    if (!file[0])
        return 0;
    char where[1200], path[4200], why[4600];
    scn_resolve_path(scn, file, path, sizeof path);
    failure_trace trace = {0};
    if (failure_trace_load_lanl(path, &trace, why, sizeof why) != 0) {
        snprintf(err, err_len, "%s: key 'failures.trace.file': %s",
                 scn_where(scn, where, sizeof where, "failures.trace.file"), why);
        return -1;
    }
    int system = (int)scn_int(scn, "failures.trace.system");
    const char *group = scn_string(scn, "failures.trace.host_group");
    uint32_t first_host = 0, n_hosts = env->n_hosts;
    if (group[0]) {
        int g = 0, groups = scn_list_len(scn, "hosts");
        while (g < groups && strcmp(scn_string(scn, "hosts.[%d].name", g), group) != 0)
            g++;
        if (g == groups) {
            snprintf(err, err_len, "%s: key 'failures.trace.host_group': '%.60s' names no element of hosts",
                     scn_where(scn, where, sizeof where, "failures.trace.host_group"), group);
            failure_trace_free(&trace);
            return -1;
        }
        for (first_host = 0; env->host_specs[first_host].group != (uint32_t)g; first_host++)
            ;
        n_hosts = (uint32_t)scn_int(scn, "hosts.[%d].count", g);
    }
    const failure_record **recs = malloc((trace.count ? trace.count : 1) * sizeof *recs);
    if (!recs) {
        failure_trace_free(&trace);
        *oom = 1;
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < trace.count; i++)
        if (trace.records[i].system_id == system)
            recs[n++] = &trace.records[i];
    if (n == 0) {
        snprintf(err, err_len, "%s: key 'failures.trace.system': system %d has no records in %s",
                 scn_where(scn, where, sizeof where, "failures.trace.system"), system, path);
        free(recs);
        failure_trace_free(&trace);
        return -1;
    }
    qsort(recs, n, sizeof *recs, record_start_order);
    sim_time_ns origin = recs[0]->start_ns + scn_duration_ns(scn, "failures.trace.offset");
    sim_time_ns window = scn_duration_ns(scn, "failures.trace.group_window");
    sim_time_ns anchor = recs[0]->start_ns;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const failure_record *r = recs[i];
        if (r->start_ns > anchor + window)
            anchor = r->start_ns;
        if (r->node_id < 0 || (uint32_t)r->node_id >= n_hosts || anchor < origin ||
            anchor - origin >= scn_duration_ns(scn, "simulation.until")) {
            fm->trace_records_skipped++;
            continue;
        }
        rc = failure_add_initial(fm, 0, first_host + (uint32_t)r->node_id, anchor - origin, FOP_BEGIN, OUTAGE_TRACE,
                                 r->down_time_min * INT64_C(60000000000));
        fm->trace_failures_replayed++;
    }
    free(recs);
    failure_trace_free(&trace);
    if (rc != 0) {
        *oom = 1;
        return -1;
    }
    return 0;
}

/* One restart queue per cluster, each counting its own hosts (every host
 * without `clusters`). 0 or -1. */
static int init_restarts(failure_model *fm, const model_env *env)
{
    uint32_t n0 = env->n_hosts;
    if (env->host_cluster && env->n_clusters > 1) {
        n0 = 0;
        for (uint32_t h = 0; h < env->n_hosts; h++)
            n0 += env->host_cluster[h] == 0;
        fm->restart_others = calloc(env->n_clusters - 1, sizeof *fm->restart_others);
        if (!fm->restart_others)
            return -1;
        fm->n_restart_others = env->n_clusters - 1;
        fm->env.restart_others = fm->restart_others;
        /* per-VM flags over each cluster's own VMs (cluster_vm_slot) */
        uint32_t *own_vms = env->vm_local ? calloc(env->n_clusters, sizeof *own_vms) : NULL;
        if (env->vm_local && !own_vms)
            return -1;
        for (uint32_t v = 0; own_vms && v < env->n_vms; v++)
            own_vms[env->vm_cluster[v]]++;
        for (uint32_t k = 1; k < env->n_clusters; k++) {
            uint32_t n = 0;
            for (uint32_t h = 0; h < env->n_hosts; h++)
                n += env->host_cluster[h] == k;
            if (restart_init(&fm->restart_others[k - 1], n, own_vms ? own_vms[k] : env->n_vms) != 0) {
                free(own_vms);
                return -1;
            }
        }
        if (own_vms) {
            uint32_t n_own0 = own_vms[0];
            free(own_vms);
            return restart_init(&fm->restart, n0, n_own0);
        }
    }
    return restart_init(&fm->restart, n0, env->n_vms);
}

/* Reads every failure key. Returns NULL with *bad == 0 when the scenario
 * has none (failures disabled), NULL with *bad == 1 and a message
 * "FILE:LINE: key '...': ..." in err on bad input, NULL with *bad == 2 when
 * out of memory. */
static failure_model *failure_build(const scenario *scn, const model_env *env, int *bad, char *err, size_t err_len)
{
    *bad = 0;
    if (!has_failure_keys(scn))
        return NULL;
    failure_model *fm = calloc(1, sizeof *fm);
    if (!fm) {
        *bad = 2;
        return NULL;
    }
    fm->scn = scn;
    fm->menv = env;
    fm->n_host_groups = (uint32_t)scn_list_len(scn, "hosts");
    fm->n_vm_groups = (uint32_t)scn_list_len(scn, "vms");
    fm->host_process = calloc(fm->n_host_groups + 1, sizeof *fm->host_process);
    fm->host_isolation = calloc(fm->n_host_groups + 1, sizeof *fm->host_isolation);
    fm->vm_crash = calloc(fm->n_vm_groups + 1, sizeof *fm->vm_crash);
    fm->hosts = calloc(env->n_hosts + 1, sizeof *fm->hosts);
    fm->vms = calloc(env->n_vms + 1, sizeof *fm->vms);
    if (!fm->host_process || !fm->host_isolation || !fm->vm_crash || !fm->hosts || !fm->vms) {
        failure_free(fm);
        *bad = 2;
        return NULL;
    }
    for (uint32_t g = 0; g < fm->n_host_groups; g++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "hosts.[%u]", g);
        if (failure_read_process(scn, prefix, &fm->host_process[g], err, err_len) != 0)
            goto bad_input;
        if (!scn_is_set(scn, "hosts.[%u].isolation", g))
            continue;
        fm->host_isolation[g].enabled = 1;
        snprintf(prefix, sizeof prefix, "hosts.[%u].isolation.up_time", g);
        if (read_dist(scn, prefix, &fm->host_isolation[g].up_time, err, err_len) != 0)
            goto bad_input;
        snprintf(prefix, sizeof prefix, "hosts.[%u].isolation.duration", g);
        if (read_dist(scn, prefix, &fm->host_isolation[g].repair, err, err_len) != 0)
            goto bad_input;
    }
    for (uint32_t g = 0; g < fm->n_vm_groups; g++) {
        vm_crash_spec *c = &fm->vm_crash[g];
        if (!scn_is_set(scn, "vms.[%u].crash", g))
            continue;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "vms.[%u].crash.up_time", g);
        c->enabled = 1;
        c->restart_delay_ns = scn_duration_ns(scn, "vms.[%u].crash.restart_delay", g);
        if (read_dist(scn, prefix, &c->up_time, err, err_len) != 0)
            goto bad_input;
    }
    int oom = 0;
    if (topology_build(fm, err, err_len, &oom) != 0 || read_injections(fm, err, err_len, &oom) != 0 ||
        read_trace(fm, err, err_len, &oom) != 0) {
        if (oom) {
            failure_free(fm);
            *bad = 2;
            return NULL;
        }
        goto bad_input;
    }
    failure_env *fe = &fm->env;
    fe->env = env;
    /* ha.* replaces the older failures.* keys of the same name when set */
    fe->detection_ns = scn_duration_ns(scn, scn_is_set(scn, "ha.detection_time") ? "ha.detection_time"
                                                                                   : "failures.detection_time");
    fe->isolation_timeout_ns = scn_duration_ns(scn, scn_is_set(scn, "ha.isolation_timeout")
                                                        ? "ha.isolation_timeout"
                                                        : "failures.isolation_timeout");
    isolation_response response = (isolation_response)scn_enum(
        scn, scn_is_set(scn, "ha.isolation_response") ? "ha.isolation_response" : "failures.isolation_response");
    fe->isolation_power_off = response != ISOLATION_LEAVE_POWERED_ON;
    fe->isolation_shutdown = response == ISOLATION_SHUTDOWN;
    fe->repair_crews = (uint32_t)scn_int(scn, "failures.repair_crews");
    fe->until_ns = scn_duration_ns(scn, "simulation.until");
    fe->host_group_process = fm->host_process;
    fe->host_group_isolation = fm->host_isolation;
    fe->vm_group_crash = fm->vm_crash;
    fe->hosts = fm->hosts;
    fe->vms = fm->vms;
    fe->restart = &fm->restart;
    fe->n_domains = fm->n_domains;
    fe->domains = fm->domains;
    fe->series_host_up = fe->series_cluster_hosts_up = fe->series_cluster_vms_waiting = -1;
    fe->series_cluster_vms_down = -1;
    fe->log_host_failed = fe->log_host_repaired = fe->log_host_isolated = fe->log_host_reachable = -1;
    fe->log_maintenance_begin = fe->log_maintenance_end = -1;
    fe->log_domain_failed = fe->log_domain_repaired = -1;
    fe->log_vm_failed = fe->log_vm_restarted = fe->log_vm_restart_failed = -1;
    if (init_restarts(fm, env) != 0) {
        failure_free(fm);
        *bad = 2;
        return NULL;
    }
    return fm;
bad_input:
    failure_free(fm);
    *bad = 1;
    return NULL;
}

/* Creates the domain and crew LPs, registers kinds, schedules the first
 * events (own failures, injections, maintenance, trace). Call after the
 * host LPs exist. Returns 0, or -1 with a message in err. */
static int failure_start(failure_model *fm, sim_engine *eng, char *err, size_t err_len)
{
    /* written by whichever LP holds the VM or host (docs/engine.md, MPI) */
    if (sim_share(eng, "failure vm accounts", fm->vms, sizeof *fm->vms, fm->env.env->n_vms + 1) != 0 ||
        sim_share(eng, "failure host accounts", fm->hosts, sizeof *fm->hosts, fm->env.env->n_hosts + 1) != 0) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    const model_env *env = fm->menv;
    failure_env *fe = &fm->env;
    fe->kind_host = sim_kind_register(eng, "failure.host", PRIO_FAILURE);
    fe->kind_domain = sim_kind_register(eng, "failure.domain", PRIO_FAILURE);
    fe->kind_crew = sim_kind_register(eng, "failure.crew", PRIO_FAILURE);
    fe->kind_cluster = sim_kind_register(eng, "failure.cluster", PRIO_FAILURE);

    char name[400];
    fe->first_domain_lp = sim_lp_count(eng);
    for (uint32_t i = 0; i < fm->n_domains; i++) {
        snprintf(name, sizeof name, "%s %s", domain_kind_name(fm->domains[i].kind), fm->domains[i].name);
        sim_lp_new(eng, name, domain_handle, &fm->domains[i]);
    }
    if (fe->repair_crews > 0) {
        fm->crew_state = (crew){.fe = fe, .free_crews = fe->repair_crews};
        fe->crew_lp = sim_lp_new(eng, "repair crews", crew_handle, &fm->crew_state);
    }
    /* Own renewal processes: the first up time from each LP's own stream. */
    for (uint32_t i = 0; i < env->n_hosts; i++) {
        const failure_process_spec *p = &fm->host_process[env->host_specs[i].group];
        if (!p->enabled)
            continue;
        uint32_t lp = env->first_host_lp + i;
        sim_time_ns up = failure_draw_ns(&p->up_time, sim_engine_rng(eng, lp, HOST_STREAM_FAILURE));
        failure_msg m = {.op = FOP_BEGIN, .reason = OUTAGE_OWN, .duration_ns = -1};
        sim_schedule(eng, lp, up, fe->kind_host, &m, sizeof m);
    }
    for (uint32_t i = 0; i < env->n_hosts; i++) {
        const failure_process_spec *p = &fm->host_isolation[env->host_specs[i].group];
        if (!p->enabled)
            continue;
        uint32_t lp = env->first_host_lp + i;
        sim_time_ns up = failure_draw_ns(&p->up_time, sim_engine_rng(eng, lp, HOST_STREAM_ISOLATION));
        failure_msg m = {.op = FOP_BEGIN, .reason = OUTAGE_OWN_ISOLATION, .duration_ns = -1};
        sim_schedule(eng, lp, up, fe->kind_host, &m, sizeof m);
    }
    for (uint32_t i = 0; i < fm->n_domains; i++) {
        if (!fm->domains[i].process.enabled)
            continue;
        uint32_t lp = fe->first_domain_lp + i;
        sim_time_ns up = failure_draw_ns(&fm->domains[i].process.up_time, sim_engine_rng(eng, lp, DOMAIN_STREAM_FAILURE));
        failure_msg m = {.op = FOP_BEGIN, .reason = OUTAGE_OWN, .duration_ns = -1};
        sim_schedule(eng, lp, up, fe->kind_domain, &m, sizeof m);
    }
    for (size_t k = 0; k < fm->n_initial; k++) {
        const initial_event *e = &fm->initial[k];
        uint32_t lp = e->to_domain ? fe->first_domain_lp + e->index : env->first_host_lp + e->index;
        sim_schedule(eng, lp, e->at_ns, e->to_domain ? fe->kind_domain : fe->kind_host, &e->msg, sizeof e->msg);
    }
    if (sim_error(eng)[0]) {
        snprintf(err, err_len, "%s", sim_error(eng));
        return -1;
    }
    return 0;
}

uint64_t failure_restart_failures(const failure_model *fm)
{
    uint64_t n = fm->restart.restart_failures;
    for (uint32_t k = 0; k < fm->n_restart_others; k++)
        n += fm->restart_others[k].restart_failures;
    return n;
}

void failure_free(failure_model *fm)
{
    if (!fm)
        return;
    for (uint32_t g = 0; fm->host_process && g < fm->n_host_groups; g++) {
        dist_free(&fm->host_process[g].up_time);
        dist_free(&fm->host_process[g].repair);
    }
    for (uint32_t g = 0; fm->host_isolation && g < fm->n_host_groups; g++) {
        dist_free(&fm->host_isolation[g].up_time);
        dist_free(&fm->host_isolation[g].repair);
    }
    free(fm->host_isolation);
    for (uint32_t g = 0; fm->vm_crash && g < fm->n_vm_groups; g++)
        dist_free(&fm->vm_crash[g].up_time);
    topology_free(fm);
    restart_free(&fm->restart);
    for (uint32_t k = 0; k < fm->n_restart_others; k++)
        restart_free(&fm->restart_others[k]);
    free(fm->restart_others);
    free(fm->crew_state.queue);
    free(fm->host_process);
    free(fm->vm_crash);
    free(fm->hosts);
    free(fm->vms);
    free(fm->initial);
    free(fm);
}

void failure_describe(const failure_model *fm, FILE *out)
{
    uint32_t groups = 0, crash_groups = 0, injections = 0, windows = 0;
    for (uint32_t g = 0; g < fm->n_host_groups; g++)
        groups += fm->host_process[g].enabled || fm->host_isolation[g].enabled;
    for (uint32_t g = 0; g < fm->n_vm_groups; g++)
        crash_groups += fm->vm_crash[g].enabled != 0;
    for (size_t k = 0; k < fm->n_initial; k++) {
        int64_t reason = fm->initial[k].msg.reason;
        injections += reason == OUTAGE_INJECTED || reason == OUTAGE_ISOLATION;
        windows += reason == OUTAGE_MAINTENANCE;
    }
    fprintf(out,
            "failures: %" PRIu32 " host groups and %" PRIu32 " VM groups with random failures; %" PRIu32 " racks, %" PRIu32
            " PDUs, %" PRIu32 " zones; %" PRIu32 " injected, %" PRIu32 " host maintenance windows; %" PRIu64
            " trace failures in the run (%" PRIu64 " outside it or without a host)\n",
            groups, crash_groups, fm->n_racks, fm->n_pdus, fm->n_zones, injections, windows,
            fm->trace_failures_replayed, fm->trace_records_skipped);
    char crews[32];
    if (fm->env.repair_crews)
        snprintf(crews, sizeof crews, "%" PRIu32, fm->env.repair_crews);
    else
        snprintf(crews, sizeof crews, "unlimited");
    fprintf(out, "          repair crews %s, detection %.3f s, isolation response %s after %.3f s\n", crews,
            (double)fm->env.detection_ns / 1e9, fm->env.isolation_shutdown ? "shutdown" : fm->env.isolation_power_off ? "power_off" : "leave_powered_on",
            (double)fm->env.isolation_timeout_ns / 1e9);
}

/* --- the module (models/core/module.h) ------------------------------------ */

static model_status failure_module_build(model_builder *b, void **world)
{
    int bad = 0;
    failure_model *fm = failure_build(b->scn, b->env, &bad, b->err, b->err_len);
    if (!fm && bad)
        return bad == 2 ? model_runtime_error(b, "out of memory building the failure model") : MODEL_BAD_INPUT;
    if (fm)
        fm->env.ha = model_builder_world(b, &ha_module);
    *world = fm;
    return MODEL_OK;
}

static model_status failure_module_start(model_builder *b, void **world)
{
    failure_model *fm = *world;
    if (!fm)
        return MODEL_OK;
    return failure_start(fm, b->eng, b->err, b->err_len) == 0 ? MODEL_OK : MODEL_RUNTIME_ERROR;
}

static int failure_module_declare(model_builder *b, void *world)
{
    return failure_declare_recording(world, b->rec);
}

static int failure_module_write(model_builder *b, void *world)
{
    return failure_write_tables(world, b->rec);
}

static void failure_module_describe(const void *world, FILE *out) { failure_describe(world, out); }

static void failure_module_free(model_builder *b, void *world)
{
    (void)b;
    failure_free(world);
}

const model_module failure_module = {
    .name = "failures",
    .build = failure_module_build,
    .start = failure_module_start,
    .declare_recording = failure_module_declare,
    .write_tables = failure_module_write,
    .describe = failure_module_describe,
    .free = failure_module_free,
    .host_hooks = &failure_host_hooks,
    .cluster_hooks = &failure_cluster_hooks,
};
