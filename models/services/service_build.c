/* service_build.c - building the services from the scenario, their
 * end-of-run tables and the services module (see service.h). */
#include "models/services/service.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/host.h"
#include "models/core/model_env.h"
#include "models/core/module.h"
#include "recorder/declare.h"

/* Priorities at equal time: speed reports before completions (so a
 * completion due at t sees the speed in force at t), completions before
 * arrivals (a server freed at t takes the arrival at t from its queue's
 * point of view), the sample last (it covers events up to and including t). */
enum {
    PRIO_SERVICE_SPEED = 30,
    PRIO_SERVICE_COMPLETE = 40,
    PRIO_SERVICE_PHASE = 45,
    PRIO_SERVICE_ARRIVAL = 50,
    PRIO_SERVICE_SAMPLE = 95
};

/* Latency histogram: 1 ns to 1e15 ns (11.6 days) at 1 % relative error. */
#define LATENCY_LOWEST_NS 1.0
#define LATENCY_HIGHEST_NS 1e15
#define LATENCY_RELATIVE_ERROR 0.01

/* ------------------------------------------------------------------------ */
/* Building                                                                  */
/* ------------------------------------------------------------------------ */

static int read_arrival(const scenario *scn, int g, service_spec *sp, char *err, size_t err_len)
{
    char path[128];
    sp->process = (request_arrival_process)scn_enum(scn, "services.[%d].arrival.process", g);
    sp->rate_per_s = scn_rate(scn, 1.0, "services.[%d].arrival.rate", g);
    sp->amplitude = scn_float(scn, "services.[%d].arrival.amplitude", g);
    sp->period_ns = scn_duration_ns(scn, "services.[%d].arrival.period", g);
    sp->phase_ns = scn_duration_ns(scn, "services.[%d].arrival.phase", g);
    sp->stop_ns = scn_duration_ns(scn, "services.[%d].arrival.stop", g);
    int n = scn_list_len(scn, "services.[%d].arrival.phases", g);
    if (sp->process == REQUEST_ARRIVAL_MMPP && n == 0) {
        snprintf(path, sizeof path, "services.[%d].arrival.process", g);
        return scn_key_error(scn, err, err_len, path, "mmpp needs at least one element in services.[%d].arrival.phases", g);
    }
    if (sp->process != REQUEST_ARRIVAL_MMPP && n > 0) {
        snprintf(path, sizeof path, "services.[%d].arrival.phases", g);
        return scn_key_error(scn, err, err_len, path, "phases are used only by process = \"mmpp\" (expected no phases)");
    }
    if (n > 0) {
        sp->phases = calloc((size_t)n, sizeof *sp->phases);
        if (!sp->phases) {
            snprintf(err, err_len, "out of memory");
            return 1;
        }
        sp->n_phases = (uint32_t)n;
        for (int k = 0; k < n; k++)
            sp->phases[k] = (mmpp_phase){
                .rate_per_s = scn_rate(scn, 1.0, "services.[%d].arrival.phases.[%d].rate", g, k),
                .mean_sojourn_ns = scn_duration_ns(scn, "services.[%d].arrival.phases.[%d].mean_sojourn", g, k)};
    }
    return 0;
}

/* Index of the VM group named `name` and the global id of its first VM. */
static int32_t vm_group_of(const scenario *scn, const char *name, uint32_t *first_vm, int64_t *count)
{
    uint64_t id = 0;
    int n = scn_list_len(scn, "vms");
    for (int g = 0; g < n; g++) {
        int64_t c = scn_int(scn, "vms.[%d].count", g);
        if (strcmp(scn_string(scn, "vms.[%d].name", g), name) == 0) {
            *first_vm = (uint32_t)id;
            *count = c;
            return g;
        }
        id += (uint64_t)c;
    }
    return -1;
}

/* services.[g].deployment: the Deployment's pods are the replicas, one slot
 * per pod it may have (spec.replicas, or the HPA's maximum when larger). */
static int read_deployment(const scenario *scn, int g, service_set *set, service_spec *sp, char *err, size_t err_len)
{
    char path[160];
    const char *name = scn_string(scn, "services.[%d].deployment", g);
    if (!name[0])
        return 0;
    snprintf(path, sizeof path, "services.[%d].deployment", g);
    if (scn_string(scn, "services.[%d].vm_group", g)[0])
        return scn_key_error(scn, err, err_len, path, "set together with services.[%d].vm_group (expected one of the two)", g);
    if (scn_is_set(scn, "services.[%d].replicas", g)) {
        snprintf(path, sizeof path, "services.[%d].replicas", g);
        return scn_key_error(scn, err, err_len, path,
                       "set together with services.[%d].deployment (the Deployment's pods are the replicas)", g);
    }
    for (uint32_t d = 0; d < set->n_deployments; d++) {
        if (strcmp(scn_string(scn, "kubernetes.deployments.[%u].name", d), name) != 0)
            continue;
        int64_t slots = scn_int(scn, "kubernetes.deployments.[%u].replicas", d);
        if (scn_bool(scn, "kubernetes.deployments.[%u].hpa.enabled", d)) {
            int64_t most = scn_int(scn, "kubernetes.deployments.[%u].hpa.max_replicas", d);
            if (most > slots)
                slots = most;
        }
        if (slots < 1)
            return scn_key_error(scn, err, err_len, path, "Deployment '%s' has 0 replicas (expected at least 1)", name);
        if (set->service_of_deployment[d] >= 0)
            return scn_key_error(scn, err, err_len, path,
                           "Deployment '%s' already serves service '%s' (expected one service per Deployment)", name,
                           scn_string(scn, "services.[%d].name", set->service_of_deployment[d]));
        set->service_of_deployment[d] = g;
        sp->deployment = (int32_t)d;
        sp->replicas = (uint32_t)slots;
        return 0;
    }
    return scn_key_error(scn, err, err_len, path, "'%s' names no element of kubernetes.deployments", name);
}

static int read_spec(const scenario *scn, int g, service_set *set, char *err, size_t err_len)
{
    service_spec *sp = &set->specs[g];
    char path[160];
    sp->group = (uint32_t)g;
    sp->replicas = (uint32_t)scn_int(scn, "services.[%d].replicas", g);
    sp->d = (uint32_t)scn_int(scn, "services.[%d].d", g);
    sp->keys = (uint64_t)scn_int(scn, "services.[%d].keys", g);
    sp->virtual_nodes = (uint32_t)scn_int(scn, "services.[%d].virtual_nodes", g);
    /* the names read as -1 "unbounded", -2 "none" (scenario/keys_services.inc) */
    int64_t max_queue = scn_int(scn, "services.[%d].max_queue", g);
    if (max_queue == 0) {
        snprintf(path, sizeof path, "services.[%d].max_queue", g);
        return scn_key_error(scn, err, err_len, path,
                             "0 is refused: it used to mean unbounded; write \"unbounded\" (the default) or "
                             "\"none\" for no waiting room (a loss system)");
    }
    sp->max_queue = max_queue == -1 ? UINT64_MAX : max_queue == -2 ? 0 : (uint64_t)max_queue;
    sp->warmup_ns = scn_duration_ns(scn, "services.[%d].warmup", g);
    sp->vm_group = -1;
    sp->deployment = -1;
    int rc = read_deployment(scn, g, set, sp, err, err_len);
    if (rc != 0)
        return rc;
    sp->policy = (lb_policy)scn_enum(scn, "services.[%d].load_balancer", g);
    sp->ties = (lb_tie_break)scn_enum(scn, "services.[%d].tie_break", g);
    if (sp->policy == LB_POWER_OF_D && sp->d > sp->replicas) {
        snprintf(path, sizeof path, "services.[%d].d", g);
        return scn_key_error(scn, err, err_len, path,
                       "%" PRIu32 " is more than the %" PRIu32 " replicas (expected at most services.[%d].replicas)",
                       sp->d, sp->replicas, g);
    }
    if (sp->policy == LB_CONSISTENT_HASH && (uint64_t)sp->replicas * sp->virtual_nodes > UINT64_C(100000000)) {
        snprintf(path, sizeof path, "services.[%d].virtual_nodes", g);
        return scn_key_error(scn, err, err_len, path,
                       "replicas x virtual_nodes is %" PRIu64 " ring points (expected at most 100000000)",
                       (uint64_t)sp->replicas * sp->virtual_nodes);
    }
    const char *group = scn_string(scn, "services.[%d].vm_group", g);
    if (group[0] && sp->deployment < 0) {
        int64_t count = 0;
        sp->vm_group = vm_group_of(scn, group, &sp->first_vm, &count);
        snprintf(path, sizeof path, "services.[%d].vm_group", g);
        if (sp->vm_group < 0)
            return scn_key_error(scn, err, err_len, path, "'%s' names no element of vms", group);
        if ((int64_t)sp->replicas > count) {
            snprintf(path, sizeof path, "services.[%d].replicas", g);
            return scn_key_error(scn, err, err_len, path,
                           "%" PRIu32 " replicas but VM group '%s' has %" PRId64
                           " VMs (expected at most the group's count)",
                           sp->replicas, group, count);
        }
        if (set->service_of_vm_group[sp->vm_group] >= 0)
            return scn_key_error(scn, err, err_len, path, "VM group '%s' already runs service '%s' (expected one service per VM group)",
                           group, scn_string(scn, "services.[%d].name", set->service_of_vm_group[sp->vm_group]));
        set->service_of_vm_group[sp->vm_group] = g;
    }
    rc = read_arrival(scn, g, sp, err, err_len);
    if (rc != 0)
        return rc;
    snprintf(path, sizeof path, "services.[%d].service", g);
    char why[4600];
    if (dist_from_scenario(scn, path, &sp->work, why, sizeof why) != 0) {
        /* dist_from_scenario says "FILE: key 'P': ..."; add the group's line */
        const char *key = strstr(why, "key '");
        int line = scn_line(scn, "%s", path);
        if (key && line > 0)
            snprintf(err, err_len, "%s:%d: %s", scenario_name(scn), line, key);
        else
            snprintf(err, err_len, "%s", why);
        return -2;
    }
    return 0;
}

static int service_init(service *s, service_set *set, const model_env *env, uint32_t index)
{
    const service_spec *sp = &set->specs[index];
    s->env = env;
    s->set = set;
    s->spec = sp;
    s->index = index;
    s->replicas = calloc(sp->replicas, sizeof *s->replicas);
    s->outstanding = calloc(sp->replicas, sizeof *s->outstanding);
    s->available = calloc(sp->replicas, sizeof *s->available);
    s->scratch = calloc(sp->d ? sp->d : 1, sizeof *s->scratch);
    if (!s->replicas || !s->outstanding || !s->available || !s->scratch)
        return -1;
    s->busy_time_ns = calloc((size_t)sp->replicas + 1, sizeof *s->busy_time_ns);
    if (!s->busy_time_ns ||
        stats_histogram_init(&s->iv_latency, LATENCY_LOWEST_NS, LATENCY_HIGHEST_NS, LATENCY_RELATIVE_ERROR) != 0 ||
        stats_histogram_init(&s->latency, LATENCY_LOWEST_NS, LATENCY_HIGHEST_NS, LATENCY_RELATIVE_ERROR) != 0 ||
        stats_histogram_init(&s->wait, LATENCY_LOWEST_NS, LATENCY_HIGHEST_NS, LATENCY_RELATIVE_ERROR) != 0)
        return -1;
    if (sp->policy == LB_CONSISTENT_HASH && hash_ring_build(&s->ring, sp->replicas, sp->virtual_nodes) != 0)
        return -1;
    /* dedicated capacity: always there at full speed; VMs: from their first report */
    int dedicated = sp->vm_group < 0 && sp->deployment < 0;
    for (uint32_t i = 0; i < sp->replicas; i++) {
        s->replicas[i].speed = 1.0;
        s->replicas[i].pod_key = -1;
        s->available[i] = (uint8_t)dedicated;
    }
    s->n_available = dedicated ? sp->replicas : 0;
    return 0;
}

static void service_release(service *s)
{
    if (s->replicas)
        for (uint32_t i = 0; i < s->spec->replicas; i++)
            rq_free(&s->replicas[i].queue);
    free(s->replicas);
    free(s->outstanding);
    free(s->available);
    free(s->scratch);
    rq_free(&s->shared);
    hash_ring_free(&s->ring);
    stats_histogram_free(&s->iv_latency);
    stats_histogram_free(&s->latency);
    stats_histogram_free(&s->wait);
    free(s->busy_time_ns);
}

static int declare_series(service_set *set, recorder *rec, sim_time_ns period)
{
    const rec_series_decl series[] = {
        {"throughput_rps", "requests/s", &set->series_throughput},
        {"arrival_rps", "requests/s", &set->series_arrivals},
        {"dropped_rps", "requests/s", &set->series_dropped},
        {"latency_p50_ns", "ns", &set->series_p50},
        {"latency_p95_ns", "ns", &set->series_p95},
        {"latency_p99_ns", "ns", &set->series_p99},
        {"queue_length_mean", "requests", &set->series_queue_length},
        {"busy_replicas_mean", "replicas", &set->series_busy},
    };
    return rec_series_group(rec, "service", "services", (int)set->n, period, series, 8);
}

int services_build(const scenario *scn, sim_engine *eng, recorder *rec, model_env *env, service_set **out,
                   char *err, size_t err_len)
{
    *out = NULL;
    int n = scn_list_len(scn, "services");
    if (n == 0)
        return 0;
    service_set *set = calloc(1, sizeof *set);
    if (!set) {
        snprintf(err, err_len, "out of memory");
        return 1;
    }
    set->scn = scn;
    set->env = env;
    set->n = (uint32_t)n;
    set->n_vm_groups = (uint32_t)scn_list_len(scn, "vms");
    set->specs = calloc((size_t)n, sizeof *set->specs);
    set->services = calloc((size_t)n, sizeof *set->services);
    set->service_of_vm_group = malloc((set->n_vm_groups ? set->n_vm_groups : 1) * sizeof *set->service_of_vm_group);
    set->n_deployments = (uint32_t)scn_list_len(scn, "kubernetes.deployments");
    set->service_of_deployment =
        malloc((set->n_deployments ? set->n_deployments : 1) * sizeof *set->service_of_deployment);
    if (!set->specs || !set->services || !set->service_of_vm_group || !set->service_of_deployment) {
        services_free(set);
        snprintf(err, err_len, "out of memory");
        return 1;
    }
    for (uint32_t g = 0; g < set->n_vm_groups; g++)
        set->service_of_vm_group[g] = -1;
    for (uint32_t d = 0; d < set->n_deployments; d++)
        set->service_of_deployment[d] = -1;
    for (int g = 0; g < n; g++) {
        int rc = read_spec(scn, g, set, err, err_len);
        if (rc != 0) {
            services_free(set);
            return rc;
        }
    }
    for (uint32_t i = 0; i < set->n; i++)
        if (service_init(&set->services[i], set, env, i) != 0) {
            services_free(set);
            snprintf(err, err_len, "out of memory building service '%s'", scn_string(scn, "services.[%u].name", i));
            return 1;
        }
    set->kind_arrival = sim_kind_register(eng, "service.arrival", PRIO_SERVICE_ARRIVAL);
    set->kind_complete = sim_kind_register(eng, "service.complete", PRIO_SERVICE_COMPLETE);
    set->kind_phase = sim_kind_register(eng, "service.phase", PRIO_SERVICE_PHASE);
    set->kind_sample = sim_kind_register(eng, "service.sample", PRIO_SERVICE_SAMPLE);
    set->kind_replica_speed = sim_kind_register(eng, "service.replica_speed", PRIO_SERVICE_SPEED);
    set->kind_pod_replica = sim_kind_register(eng, "service.pod_replica", PRIO_SERVICE_SPEED);
    set->first_lp = sim_lp_count(eng);
    char lp_name[300];
    for (uint32_t i = 0; i < set->n; i++) {
        snprintf(lp_name, sizeof lp_name, "service %s", scn_string(scn, "services.[%u].name", i));
        uint32_t lp = sim_lp_new(eng, lp_name, service_handle, &set->services[i]);
        int64_t first_phase = 0;
        sim_schedule(eng, lp, 0, set->kind_phase, &first_phase, sizeof first_phase);
        sim_schedule(eng, lp, 0, set->kind_sample, NULL, 0);
    }
    set->series_throughput = set->series_arrivals = set->series_dropped = -1;
    set->series_p50 = set->series_p95 = set->series_p99 = set->series_queue_length = set->series_busy = -1;
    if (rec && declare_series(set, rec, env->sample_period_ns) != 0) {
        snprintf(err, err_len, "%s", recorder_error(rec));
        services_free(set);
        return 1;
    }
    *out = set;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* End of run                                                                */
/* ------------------------------------------------------------------------ */

static const rec_column service_columns[] = {
    {"name", REC_STR, NULL},
    {"replicas", REC_I64, NULL},
    {"load_balancer", REC_STR, NULL},
    {"vm_group", REC_STR, NULL},
    {"arrivals", REC_I64, "requests"},
    {"completed", REC_I64, "requests"},
    {"dropped", REC_I64, "requests"},
    {"arrival_rate_rps", REC_F64, "requests/s"},
    {"throughput_rps", REC_F64, "requests/s"},
    {"mean_wait_ns", REC_F64, "ns"},
    {"mean_sojourn_ns", REC_F64, "ns"},
    {"mean_in_system", REC_F64, "requests"},
    {"observed_ns", REC_I64, "ns"},
    {"latency_p50_ns", REC_F64, "ns"},
    {"latency_p95_ns", REC_F64, "ns"},
    {"latency_p99_ns", REC_F64, "ns"},
    {"started", REC_I64, "requests"},
    {"p_wait", REC_F64, "1"},
    {"wait_p50_ns", REC_F64, "ns"},
    {"wait_p95_ns", REC_F64, "ns"},
    {"wait_p99_ns", REC_F64, "ns"},
};
/* Row per service and number of busy servers k = 0..replicas. */
static const rec_column busy_columns[] = {
    {"service", REC_STR, NULL},
    {"busy", REC_I64, "servers"},
    {"time_fraction", REC_F64, "1"},
};
static const rec_column replica_columns[] = {
    {"service", REC_STR, NULL},
    {"replica", REC_I64, NULL},
    {"vm", REC_STR, NULL},
    {"arrivals", REC_I64, "requests"},
    {"completed", REC_I64, "requests"},
    {"dropped", REC_I64, "requests"},
    {"arrival_rate_rps", REC_F64, "requests/s"},
    {"mean_wait_ns", REC_F64, "ns"},
    {"mean_sojourn_ns", REC_F64, "ns"},
    {"mean_in_system", REC_F64, "requests"},
    {"observed_ns", REC_I64, "ns"},
};

static double ratio(double num, double den) { return den > 0 ? num / den : NAN; }

/* Whole-run percentile of the requests counted after the warm-up; NaN when none. */
static double quantile(const stats_histogram *h, double q)
{
    return h->total_count > 0 ? stats_histogram_quantile(h, q) : NAN;
}

/* The q-quantile of the wait of requests that started service: 0 for the
 * share that did not wait, else from the histogram of positive waits. */
static double wait_quantile(const service *s, double q)
{
    if (s->started == 0)
        return NAN;
    double p_zero = 1.0 - (double)s->waited / (double)s->started;
    if (q <= p_zero)
        return 0.0;
    return quantile(&s->wait, (q - p_zero) / (1.0 - p_zero));
}

static int write_busy_table(service_set *set, recorder *rec, sim_time_ns end)
{
    int table = rec_table_new(rec, "service_busy", busy_columns, (int)(sizeof busy_columns / sizeof busy_columns[0]));
    if (table < 0)
        return -1;
    for (uint32_t k = 0; k < set->n; k++) {
        const service *s = &set->services[k];
        const service_spec *sp = s->spec;
        double observed = end > sp->warmup_ns ? (double)(end - sp->warmup_ns) : 0.0;
        const char *name = scn_string(set->scn, "services.[%u].name", k);
        for (uint32_t b = 0; b <= sp->replicas; b++) {
            rec_value row[] = {{.str = name}, {.i64 = b}, {.f64 = ratio(s->busy_time_ns[b], observed)}};
            if (rec_table_row(rec, table, row) != 0)
                return -1;
        }
    }
    return 0;
}

int services_finish(service_set *set, recorder *rec)
{
    if (!set)
        return 0;
    const scenario *scn = set->scn;
    sim_time_ns end = scn_duration_ns(scn, "simulation.until");
    int t_services = rec_table_new(rec, "services", service_columns, (int)(sizeof service_columns / sizeof service_columns[0]));
    int t_replicas = rec_table_new(rec, "service_replicas", replica_columns,
                                   (int)(sizeof replica_columns / sizeof replica_columns[0]));
    if (t_services < 0 || t_replicas < 0)
        return -1;
    for (uint32_t k = 0; k < set->n; k++) {
        service *s = &set->services[k];
        const service_spec *sp = s->spec;
        sim_time_ns observed = end > sp->warmup_ns ? end - sp->warmup_ns : 0;
        double seconds = (double)observed / 1e9;
        /* arrivals per second of the time they could arrive: [warmup, stop),
         * not diluted by a drain after arrival.stop (issue 14) */
        sim_time_ns arrivals_end = sp->stop_ns > 0 && sp->stop_ns < end ? sp->stop_ns : end;
        double arrival_seconds = arrivals_end > sp->warmup_ns ? (double)(arrivals_end - sp->warmup_ns) / 1e9 : 0.0;
        service_advance(s, end);
        const char *name = scn_string(scn, "services.[%u].name", k);
        const char *group = sp->vm_group >= 0 ? scn_string(scn, "vms.[%d].name", sp->vm_group) : "";
        rec_value row[] = {{.str = name},
                           {.i64 = sp->replicas},
                           {.str = lb_policy_name(sp->policy)},
                           {.str = group},
                           {.i64 = (int64_t)s->arrivals},
                           {.i64 = (int64_t)s->completed},
                           {.i64 = (int64_t)s->dropped},
                           {.f64 = ratio((double)s->arrivals, arrival_seconds)},
                           {.f64 = ratio((double)s->completed, seconds)},
                           {.f64 = ratio(s->sum_wait_ns, (double)s->completed)},
                           {.f64 = ratio(s->sum_sojourn_ns, (double)s->completed)},
                           {.f64 = ratio(s->area_in_system, (double)observed)},
                           {.i64 = observed},
                           {.f64 = quantile(&s->latency, 0.50)},
                           {.f64 = quantile(&s->latency, 0.95)},
                           {.f64 = quantile(&s->latency, 0.99)},
                           {.i64 = (int64_t)s->started},
                           {.f64 = ratio((double)s->waited, (double)s->started)},
                           {.f64 = wait_quantile(s, 0.50)},
                           {.f64 = wait_quantile(s, 0.95)},
                           {.f64 = wait_quantile(s, 0.99)}};
        if (rec_table_row(rec, t_services, row) != 0)
            return -1;
        for (uint32_t i = 0; i < sp->replicas; i++) {
            replica *r = &s->replicas[i];
            service_replica_advance(s, i, end);
            char vm_name[300] = "";
            if (sp->vm_group >= 0)
                snprintf(vm_name, sizeof vm_name, "%s-%02" PRIu32, group, i + 1);
            rec_value rrow[] = {{.str = name},
                                {.i64 = i},
                                {.str = vm_name},
                                {.i64 = (int64_t)r->arrivals},
                                {.i64 = (int64_t)r->completed},
                                {.i64 = (int64_t)r->dropped},
                                {.f64 = ratio((double)r->arrivals, arrival_seconds)},
                                {.f64 = ratio(r->sum_wait_ns, (double)r->completed)},
                                {.f64 = ratio(r->sum_sojourn_ns, (double)r->completed)},
                                {.f64 = ratio(r->area, (double)observed)},
                                {.i64 = observed}};
            if (rec_table_row(rec, t_replicas, rrow) != 0)
                return -1;
        }
    }
    return write_busy_table(set, rec, end);
}

void services_describe(const service_set *set, FILE *out)
{
    if (!set)
        return;
    for (uint32_t k = 0; k < set->n; k++) {
        const service_spec *sp = &set->specs[k];
        double rate = sp->rate_per_s;
        if (sp->process == REQUEST_ARRIVAL_MMPP) {
            /* time-average rate over the cycle of phases */
            double num = 0.0, den = 0.0;
            for (uint32_t p = 0; p < sp->n_phases; p++) {
                num += sp->phases[p].rate_per_s * (double)sp->phases[p].mean_sojourn_ns;
                den += (double)sp->phases[p].mean_sojourn_ns;
            }
            rate = den > 0 ? num / den : 0.0;
        }
        double rho = rate * dist_mean(&sp->work) / 1e9 / sp->replicas;
        fprintf(out, "service: %s: %" PRIu32 " replicas %s, %s, %s arrivals %.4g/s, mean work %.4g ms, load %.1f%% of full speed\n",
                scn_string(set->scn, "services.[%u].name", k), sp->replicas,
                sp->vm_group >= 0 ? "on VMs" : sp->deployment >= 0 ? "on Deployment pods" : "dedicated", lb_policy_name(sp->policy),
                sp->process == REQUEST_ARRIVAL_POISSON ? "poisson" : sp->process == REQUEST_ARRIVAL_DIURNAL ? "diurnal" : "mmpp", rate,
                dist_mean(&sp->work) / 1e6, 100.0 * rho);
    }
}

void services_free(service_set *set)
{
    if (!set)
        return;
    if (set->services)
        for (uint32_t i = 0; i < set->n; i++)
            if (set->services[i].spec)
                service_release(&set->services[i]);
    if (set->specs)
        for (uint32_t i = 0; i < set->n; i++) {
            free(set->specs[i].phases);
            dist_free(&set->specs[i].work);
        }
    free(set->services);
    free(set->specs);
    free(set->service_of_vm_group);
    free(set->service_of_deployment);
    free(set);
}

static model_status services_module_start(model_builder *b, void **world)
{
    service_set *set = NULL;
    int rc = services_build(b->scn, b->eng, b->rec, b->env, &set, b->err, b->err_len);
    *world = set;
    return rc == -2 ? MODEL_BAD_INPUT : rc != 0 ? MODEL_RUNTIME_ERROR : MODEL_OK;
}

static int services_module_write(model_builder *b, void *world) { return services_finish(world, b->rec); }

static void services_module_describe(const void *world, FILE *out) { services_describe(world, out); }

static void services_module_free(model_builder *b, void *world)
{
    (void)b;
    services_free(world);
}

const model_module services_module = {
    .name = "services",
    .start = services_module_start,
    .write_tables = services_module_write,
    .describe = services_module_describe,
    .free = services_module_free,
    .host_hooks = &services_host_hooks,
};
