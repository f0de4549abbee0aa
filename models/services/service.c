/* service.c - the service LP: arrivals, load balancing, replica queues,
 * speed changes, metrics (see service.h and docs/services.md). */
#include "models/services/service.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/core/host.h"
#include "models/core/model_env.h"
#include "models/core/module.h"

/* The service LP's random streams. */
enum { STREAM_ARRIVALS = 0, STREAM_WORK = 1, STREAM_BALANCER = 2, STREAM_PHASES = 3 };

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

/* C11 does not define M_PI. */
static const double TWO_PI = 6.283185307179586476925286766559;

/* Latency histogram: 1 ns to 1e15 ns (11.6 days) at 1 % relative error. */
#define LATENCY_LOWEST_NS 1.0
#define LATENCY_HIGHEST_NS 1e15
#define LATENCY_RELATIVE_ERROR 0.01

/* Payload of service.complete. */
typedef struct completion {
    int64_t replica;
    uint64_t generation;
} completion;

/* ------------------------------------------------------------------------ */
/* Pure helpers                                                              */
/* ------------------------------------------------------------------------ */

double service_work_left(double remaining_work_ns, sim_time_ns elapsed_ns, double speed)
{
    double left = remaining_work_ns - (double)elapsed_ns * speed;
    return left > 0.0 ? left : 0.0;
}

sim_time_ns service_time_to_finish(double remaining_work_ns, double speed)
{
    double t = ceil(remaining_work_ns / speed);
    if (t < 0.0)
        return 0;
    if (t > 4e18) /* beyond any run: never */
        return INT64_C(4000000000000000000);
    return (sim_time_ns)t;
}

/* ------------------------------------------------------------------------ */
/* Time integrals                                                            */
/* ------------------------------------------------------------------------ */

static void service_advance(service *s, sim_time_ns now)
{
    sim_time_ns dt = now - s->last_change_ns;
    if (dt <= 0)
        return;
    s->iv_waiting_area += (double)s->n_waiting * (double)dt;
    s->iv_busy_area += (double)s->n_busy * (double)dt;
    sim_time_ns from = s->last_change_ns > s->spec->warmup_ns ? s->last_change_ns : s->spec->warmup_ns;
    if (now > from)
        s->area_in_system += (double)(s->n_waiting + s->n_busy) * (double)(now - from);
    s->last_change_ns = now;
}

static void replica_advance(service *s, uint32_t i, sim_time_ns now)
{
    replica *r = &s->replicas[i];
    sim_time_ns from = r->area_since_ns > s->spec->warmup_ns ? r->area_since_ns : s->spec->warmup_ns;
    if (now > from)
        r->area += (double)s->outstanding[i] * (double)(now - from);
    if (now > r->area_since_ns)
        r->area_since_ns = now;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */
/* ------------------------------------------------------------------------ */

static int counted(const service *s, sim_time_ns t) { return t >= s->spec->warmup_ns; }

static void schedule_completion(sim_ctx *ctx, service *s, uint32_t i)
{
    replica *r = &s->replicas[i];
    if (!(r->speed > 0.0))
        return; /* stalled until the speed rises */
    completion c = {.replica = i, .generation = r->generation};
    sim_send(ctx, sim_self(ctx), service_time_to_finish(r->remaining_work_ns, r->speed), s->set->kind_complete, &c,
             sizeof c);
}

/* Replica i (idle) starts the request that arrived at the service at
 * arrival_ns and joined this replica at assigned_ns. */
static void start_service(sim_ctx *ctx, service *s, uint32_t i, sim_time_ns arrival_ns, sim_time_ns assigned_ns)
{
    sim_time_ns now = sim_now(ctx);
    replica *r = &s->replicas[i];
    service_advance(s, now);
    r->busy = 1;
    s->n_busy++;
    r->current_arrival_ns = arrival_ns;
    r->current_assigned_ns = assigned_ns;
    r->remaining_work_ns = dist_sample(&s->spec->work, sim_rng(ctx, STREAM_WORK));
    r->work_since_ns = now;
    r->generation++;
    if (counted(s, arrival_ns))
        s->sum_wait_ns += (double)(now - arrival_ns);
    if (counted(s, assigned_ns))
        r->sum_wait_ns += (double)(now - assigned_ns);
    schedule_completion(ctx, s, i);
}

/* shared_queue: replica i is idle and available; give it the queue's head. */
static void shared_take(sim_ctx *ctx, service *s, uint32_t i, sim_time_ns arrival_ns)
{
    sim_time_ns now = sim_now(ctx);
    replica_advance(s, i, now);
    s->outstanding[i] = 1;
    if (counted(s, now))
        s->replicas[i].arrivals++;
    start_service(ctx, s, i, arrival_ns, now);
}

static void drop_at_entry(service *s, sim_time_ns arrival_ns)
{
    s->iv_dropped++;
    if (counted(s, arrival_ns))
        s->dropped++;
}

static int64_t choose_replica(sim_ctx *ctx, service *s)
{
    const service_spec *spec = s->spec;
    lb_view v = {.n = spec->replicas, .outstanding = s->outstanding, .available = s->available};
    gsl_rng *rng = sim_rng(ctx, STREAM_BALANCER);
    switch (spec->policy) {
    case LB_ROUND_ROBIN: return lb_round_robin(&v, &s->rr_cursor);
    case LB_LEAST_CONNECTIONS: return lb_least_connections(&v, spec->ties, rng);
    case LB_POWER_OF_D: return lb_power_of_d(&v, spec->d, spec->ties, rng, s->scratch);
    case LB_CONSISTENT_HASH: {
        uint64_t key = gsl_rng_uniform_int(rng, (unsigned long)spec->keys);
        return hash_ring_lookup(&s->ring, key, s->available);
    }
    case LB_SHARED_QUEUE: break;
    }
    return -1;
}

static int64_t first_idle_available(const service *s)
{
    for (uint32_t i = 0; i < s->spec->replicas; i++)
        if (s->available[i] && !s->replicas[i].busy)
            return i;
    return -1;
}

static void push_or_die(request_queue *q, sim_time_ns t)
{
    if (rq_push(q, t) != 0)
        abort(); /* out of memory inside a handler: nothing sane to do */
}

static void request_arrives(sim_ctx *ctx, service *s)
{
    sim_time_ns now = sim_now(ctx);
    const service_spec *spec = s->spec;
    service_advance(s, now);
    s->iv_arrivals++;
    if (counted(s, now))
        s->arrivals++;
    if (spec->policy == LB_SHARED_QUEUE) {
        int64_t idle = first_idle_available(s);
        if (idle >= 0) {
            shared_take(ctx, s, (uint32_t)idle, now);
        } else if (s->n_available == 0 || (spec->max_queue && rq_len(&s->shared) >= spec->max_queue)) {
            drop_at_entry(s, now);
        } else {
            push_or_die(&s->shared, now);
            s->n_waiting++;
        }
        return;
    }
    int64_t pick = choose_replica(ctx, s);
    if (pick < 0) {
        drop_at_entry(s, now);
        return;
    }
    uint32_t i = (uint32_t)pick;
    replica *r = &s->replicas[i];
    if (r->busy && spec->max_queue && rq_len(&r->queue) >= spec->max_queue) {
        drop_at_entry(s, now);
        return;
    }
    replica_advance(s, i, now);
    s->outstanding[i]++;
    if (counted(s, now))
        r->arrivals++;
    if (r->busy) {
        push_or_die(&r->queue, now);
        s->n_waiting++;
    } else {
        start_service(ctx, s, i, now, now);
    }
}

static void on_complete(sim_ctx *ctx, service *s, const completion *c)
{
    uint32_t i = (uint32_t)c->replica;
    replica *r = &s->replicas[i];
    if (!r->busy || c->generation != r->generation)
        return; /* made stale by a speed change or the replica going down */
    sim_time_ns now = sim_now(ctx);
    service_advance(s, now);
    replica_advance(s, i, now);
    double sojourn = (double)(now - r->current_arrival_ns);
    stats_histogram_add(&s->iv_latency, sojourn);
    s->iv_completed++;
    if (counted(s, r->current_arrival_ns)) {
        s->completed++;
        s->sum_sojourn_ns += sojourn;
        stats_histogram_add(&s->latency, sojourn);
    }
    if (counted(s, r->current_assigned_ns)) {
        r->completed++;
        r->sum_sojourn_ns += (double)(now - r->current_assigned_ns);
    }
    r->busy = 0;
    s->n_busy--;
    s->outstanding[i]--;
    if (s->spec->policy == LB_SHARED_QUEUE) {
        if (s->available[i] && rq_len(&s->shared) > 0) {
            s->n_waiting--;
            shared_take(ctx, s, i, rq_pop(&s->shared));
        }
    } else if (rq_len(&r->queue) > 0) {
        s->n_waiting--;
        sim_time_ns arrival = rq_pop(&r->queue);
        start_service(ctx, s, i, arrival, arrival);
    }
}

/* Replica i's VM is gone: the request in service and (own queue) every
 * queued request are dropped. */
static void replica_down(sim_ctx *ctx, service *s, uint32_t i)
{
    if (!s->available[i])
        return;
    sim_time_ns now = sim_now(ctx);
    replica *r = &s->replicas[i];
    service_advance(s, now);
    replica_advance(s, i, now);
    s->available[i] = 0;
    s->n_available--;
    if (r->busy) {
        r->busy = 0;
        r->generation++;
        s->n_busy--;
        s->iv_dropped++;
        if (counted(s, r->current_arrival_ns))
            s->dropped++;
        if (counted(s, r->current_assigned_ns))
            r->dropped++;
    }
    while (rq_len(&r->queue) > 0) {
        sim_time_ns arrival = rq_pop(&r->queue);
        s->n_waiting--;
        s->iv_dropped++;
        if (counted(s, arrival)) {
            s->dropped++;
            r->dropped++;
        }
    }
    s->outstanding[i] = 0;
}

/* Replica i gone for good from a pod slot: the slot is free again. */
static void replica_gone(sim_ctx *ctx, service *s, uint32_t i)
{
    replica_down(ctx, s, i);
    if (s->spec->deployment >= 0)
        s->replicas[i].pod_key = -1;
}

static void apply_report(sim_ctx *ctx, service *s, uint32_t i, const service_speed_report *rep)
{
    replica *r = &s->replicas[i];
    sim_time_ns now = sim_now(ctx);
    r->last_report_ns = now;
    if (!rep->running) {
        replica_gone(ctx, s, i);
        return;
    }
    double speed = rep->speed;
    if (!(speed > 0.0))
        speed = 0.0;
    if (speed > 1.0)
        speed = 1.0;
    if (speed != r->speed) {
        if (r->busy) {
            /* keep the work done so far; the rest runs at the new speed */
            r->remaining_work_ns = service_work_left(r->remaining_work_ns, now - r->work_since_ns, r->speed);
            r->work_since_ns = now;
            r->speed = speed;
            r->generation++;
            schedule_completion(ctx, s, i);
        } else {
            r->speed = speed;
        }
    }
    if (!s->available[i]) {
        s->available[i] = 1;
        s->n_available++;
        if (s->spec->policy == LB_SHARED_QUEUE && !r->busy && rq_len(&s->shared) > 0) {
            service_advance(s, now);
            s->n_waiting--;
            shared_take(ctx, s, i, rq_pop(&s->shared));
        }
    }
}

static void on_speed_report(sim_ctx *ctx, service *s, const service_speed_report *rep)
{
    if (rep->replica >= s->spec->replicas)
        return;
    apply_report(ctx, s, rep->replica, rep);
}

/* A pod of the service's Deployment: its slot, or the lowest free slot for
 * a pod newly running; pods beyond the slots are not served. */
static void on_pod_report(sim_ctx *ctx, service *s, const service_speed_report *rep)
{
    int64_t key = (int64_t)rep->pod << 32 | rep->epoch;
    int64_t slot = -1, free_slot = -1;
    for (uint32_t i = 0; i < s->spec->replicas; i++) {
        if (s->replicas[i].pod_key == key) {
            slot = i;
            break;
        }
        if (free_slot < 0 && s->replicas[i].pod_key < 0)
            free_slot = i;
    }
    if (slot < 0) {
        if (!rep->running || free_slot < 0)
            return;
        slot = free_slot;
        s->replicas[slot].pod_key = key;
    }
    apply_report(ctx, s, (uint32_t)slot, rep);
}

/* ------------------------------------------------------------------------ */
/* Arrival processes                                                         */
/* ------------------------------------------------------------------------ */

/* The rate at which candidate arrivals are drawn now (requests/s). */
static double candidate_rate(const service *s)
{
    const service_spec *spec = s->spec;
    switch (spec->process) {
    case REQUEST_ARRIVAL_POISSON: return spec->rate_per_s;
    case REQUEST_ARRIVAL_DIURNAL: return spec->rate_per_s * (1.0 + spec->amplitude);
    case REQUEST_ARRIVAL_MMPP: return spec->phases[s->phase].rate_per_s;
    }
    return 0.0;
}

static void schedule_next_arrival(sim_ctx *ctx, service *s)
{
    double rate = candidate_rate(s);
    if (!(rate > 0.0))
        return;
    double gap_ns = gsl_ran_exponential(sim_rng(ctx, STREAM_ARRIVALS), 1e9 / rate);
    if (!(gap_ns < 4e18))
        return; /* beyond any run */
    sim_time_ns gap = (sim_time_ns)llround(gap_ns);
    if (s->spec->stop_ns > 0 && sim_now(ctx) + gap >= s->spec->stop_ns)
        return; /* arrivals have stopped: the queues drain */
    uint64_t generation = s->arrival_generation;
    sim_send(ctx, sim_self(ctx), gap, s->set->kind_arrival, &generation, sizeof generation);
}

static void on_arrival(sim_ctx *ctx, service *s, uint64_t generation)
{
    if (generation != s->arrival_generation)
        return; /* drawn at the rate of an earlier MMPP phase */
    const service_spec *spec = s->spec;
    int accept = 1;
    if (spec->process == REQUEST_ARRIVAL_DIURNAL) {
        /* thinning (Lewis & Shedler 1979): keep a candidate drawn at the peak
         * rate with probability rate(t) / peak rate */
        double t = (double)((sim_now(ctx) + spec->phase_ns) % spec->period_ns) / (double)spec->period_ns;
        double rate_now = spec->rate_per_s * (1.0 + spec->amplitude * sin(TWO_PI * t));
        accept = gsl_rng_uniform(sim_rng(ctx, STREAM_ARRIVALS)) * candidate_rate(s) < rate_now;
    }
    schedule_next_arrival(ctx, s);
    if (accept)
        request_arrives(ctx, s);
}

/* Enters phase p (the first call, at t = 0, starts every process). */
static void on_phase(sim_ctx *ctx, service *s, uint32_t p)
{
    const service_spec *spec = s->spec;
    s->phase = p;
    s->arrival_generation++; /* memoryless: redraw the next arrival at the new rate */
    schedule_next_arrival(ctx, s);
    if (spec->process != REQUEST_ARRIVAL_MMPP)
        return;
    double stay_ns = gsl_ran_exponential(sim_rng(ctx, STREAM_PHASES), (double)spec->phases[p].mean_sojourn_ns);
    if (!(stay_ns < 4e18) || (spec->stop_ns > 0 && sim_now(ctx) + (sim_time_ns)llround(stay_ns) >= spec->stop_ns))
        return;
    int64_t next = (p + 1) % spec->n_phases;
    sim_send(ctx, sim_self(ctx), (sim_time_ns)llround(stay_ns), s->set->kind_phase, &next, sizeof next);
}

/* ------------------------------------------------------------------------ */
/* Samples                                                                   */
/* ------------------------------------------------------------------------ */

static void on_sample(sim_ctx *ctx, service *s)
{
    const model_env *env = s->env;
    const service_set *set = s->set;
    sim_time_ns now = sim_now(ctx);
    service_advance(s, now);
    if (s->spec->vm_group >= 0 || s->spec->deployment >= 0) {
        /* a replica whose VM or pod stopped reporting is gone */
        sim_time_ns stale = 2 * env->sample_period_ns + env->control_latency_ns;
        for (uint32_t i = 0; i < s->spec->replicas; i++)
            if (s->available[i] && now - s->replicas[i].last_report_ns > stale)
                replica_gone(ctx, s, i);
    }
    sim_time_ns span = now - s->last_sample_ns;
    if (env->rec && span > 0) {
        /* row k covers the period ((k-1)P, kP]; row 0 is left empty (NaN) */
        recorder *rec = env->rec;
        int e = (int)s->index;
        double seconds = (double)span / 1e9;
        rec_series_put(rec, set->series_throughput, now, e, (double)s->iv_completed / seconds);
        rec_series_put(rec, set->series_arrivals, now, e, (double)s->iv_arrivals / seconds);
        rec_series_put(rec, set->series_dropped, now, e, (double)s->iv_dropped / seconds);
        rec_series_put(rec, set->series_queue_length, now, e, s->iv_waiting_area / (double)span);
        rec_series_put(rec, set->series_busy, now, e, s->iv_busy_area / (double)span);
        if (s->iv_latency.total_count > 0) {
            rec_series_put(rec, set->series_p50, now, e, stats_histogram_quantile(&s->iv_latency, 0.50));
            rec_series_put(rec, set->series_p95, now, e, stats_histogram_quantile(&s->iv_latency, 0.95));
            rec_series_put(rec, set->series_p99, now, e, stats_histogram_quantile(&s->iv_latency, 0.99));
        }
    }
    s->iv_arrivals = s->iv_completed = s->iv_dropped = 0;
    s->iv_waiting_area = s->iv_busy_area = 0.0;
    stats_histogram_reset(&s->iv_latency);
    s->last_sample_ns = now;
    sim_send(ctx, sim_self(ctx), env->sample_period_ns, set->kind_sample, NULL, 0);
}

void service_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    service *s = state;
    const service_set *set = s->set;
    if (ev->kind == set->kind_arrival) {
        on_arrival(ctx, s, (uint64_t)ev->payload.i64[0]);
    } else if (ev->kind == set->kind_complete) {
        completion c;
        memcpy(&c, ev->payload.bytes, sizeof c);
        on_complete(ctx, s, &c);
    } else if (ev->kind == set->kind_replica_speed) {
        service_speed_report rep;
        memcpy(&rep, ev->payload.bytes, sizeof rep);
        on_speed_report(ctx, s, &rep);
    } else if (ev->kind == set->kind_pod_replica) {
        service_speed_report rep;
        memcpy(&rep, ev->payload.bytes, sizeof rep);
        on_pod_report(ctx, s, &rep);
    } else if (ev->kind == set->kind_phase) {
        on_phase(ctx, s, (uint32_t)ev->payload.i64[0]);
    } else if (ev->kind == set->kind_sample) {
        on_sample(ctx, s);
    }
}

/* ------------------------------------------------------------------------ */
/* Host side                                                                 */
/* ------------------------------------------------------------------------ */

/* The service and replica a VM runs, or -1. */
static int32_t replica_of_vm(const service_set *set, const model_env *env, uint32_t vm_id, uint32_t *replica_out)
{
    const vm_spec *vs = &env->vm_specs[vm_id];
    if (vs->group >= set->n_vm_groups)
        return -1;
    int32_t si = set->service_of_vm_group[vs->group];
    if (si < 0 || vs->index_in_group >= set->specs[si].replicas)
        return -1;
    *replica_out = vs->index_in_group;
    return si;
}

static void send_report(sim_ctx *ctx, const service_set *set, int32_t si, uint32_t replica_index, double speed,
                        int running)
{
    service_speed_report rep = {.replica = replica_index, .speed = speed, .running = running};
    sim_send(ctx, set->first_lp + (uint32_t)si, set->env->control_latency_ns, set->kind_replica_speed, &rep,
             sizeof rep);
}

void services_report_replicas(sim_ctx *ctx, const service_set *set, const uint32_t *vm_ids, uint32_t n)
{
    if (!set)
        return;
    const model_env *env = set->env;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t replica_index;
        int32_t si = replica_of_vm(set, env, vm_ids[k], &replica_index);
        if (si < 0)
            continue;
        const vm *v = &env->vms[vm_ids[k]];
        int running = v->state == VM_RUNNING || v->state == VM_MIGRATING;
        send_report(ctx, set, si, replica_index, v->cpu_speed_factor, running);
    }
}

void services_report_vm_down(sim_ctx *ctx, const service_set *set, uint32_t vm_id)
{
    uint32_t replica_index;
    int32_t si = set ? replica_of_vm(set, set->env, vm_id, &replica_index) : -1;
    if (si >= 0)
        send_report(ctx, set, si, replica_index, 0.0, 0);
}

void services_report_pod(sim_ctx *ctx, const service_set *set, uint32_t workload, uint32_t pod, uint32_t epoch,
                         double speed, int running)
{
    if (!set || workload >= set->n_deployments || set->service_of_deployment[workload] < 0)
        return;
    service_speed_report rep = {.pod = pod, .epoch = epoch, .speed = speed, .running = running};
    sim_send(ctx, set->first_lp + (uint32_t)set->service_of_deployment[workload], set->env->control_latency_ns,
             set->kind_pod_replica, &rep, sizeof rep);
}

/* ------------------------------------------------------------------------ */
/* Building                                                                  */
/* ------------------------------------------------------------------------ */

/* "FILE:LINE: key 'PATH': WHAT" (or "FILE: key ..." when PATH has no line). */
static int bad_key(const scenario *scn, char *err, size_t err_len, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int bad_key(const scenario *scn, char *err, size_t err_len, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    scn_vkey_error(scn, err, err_len, scn_line(scn, "%s", path), path, fmt, ap);
    va_end(ap);
    return 2;
}

static int read_arrival(const scenario *scn, int g, service_spec *sp, char *err, size_t err_len)
{
    char path[128];
    const char *process = scn_string(scn, "services.[%d].arrival.process", g);
    if (strcmp(process, "poisson") == 0)
        sp->process = REQUEST_ARRIVAL_POISSON;
    else if (strcmp(process, "diurnal") == 0)
        sp->process = REQUEST_ARRIVAL_DIURNAL;
    else
        sp->process = REQUEST_ARRIVAL_MMPP;
    sp->rate_per_s = scn_float(scn, "services.[%d].arrival.rate", g);
    sp->amplitude = scn_float(scn, "services.[%d].arrival.amplitude", g);
    sp->period_ns = scn_duration_ns(scn, "services.[%d].arrival.period", g);
    sp->phase_ns = scn_duration_ns(scn, "services.[%d].arrival.phase", g);
    sp->stop_ns = scn_duration_ns(scn, "services.[%d].arrival.stop", g);
    int n = scn_list_len(scn, "services.[%d].arrival.phases", g);
    if (sp->process == REQUEST_ARRIVAL_MMPP && n == 0) {
        snprintf(path, sizeof path, "services.[%d].arrival.process", g);
        return bad_key(scn, err, err_len, path, "mmpp needs at least one element in services.[%d].arrival.phases", g);
    }
    if (sp->process != REQUEST_ARRIVAL_MMPP && n > 0) {
        snprintf(path, sizeof path, "services.[%d].arrival.phases", g);
        return bad_key(scn, err, err_len, path, "phases are used only by process = \"mmpp\" (expected no phases)");
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
                .rate_per_s = scn_float(scn, "services.[%d].arrival.phases.[%d].rate", g, k),
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
        return bad_key(scn, err, err_len, path, "set together with services.[%d].vm_group (expected one of the two)", g);
    if (scn_is_set(scn, "services.[%d].replicas", g)) {
        snprintf(path, sizeof path, "services.[%d].replicas", g);
        return bad_key(scn, err, err_len, path,
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
            return bad_key(scn, err, err_len, path, "Deployment '%s' has 0 replicas (expected at least 1)", name);
        if (set->service_of_deployment[d] >= 0)
            return bad_key(scn, err, err_len, path,
                           "Deployment '%s' already serves service '%s' (expected one service per Deployment)", name,
                           scn_string(scn, "services.[%d].name", set->service_of_deployment[d]));
        set->service_of_deployment[d] = g;
        sp->deployment = (int32_t)d;
        sp->replicas = (uint32_t)slots;
        return 0;
    }
    return bad_key(scn, err, err_len, path, "'%s' names no element of kubernetes.deployments", name);
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
    sp->max_queue = (uint64_t)scn_int(scn, "services.[%d].max_queue", g);
    sp->warmup_ns = scn_duration_ns(scn, "services.[%d].warmup", g);
    sp->vm_group = -1;
    sp->deployment = -1;
    int rc = read_deployment(scn, g, set, sp, err, err_len);
    if (rc != 0)
        return rc;
    if (lb_policy_parse(scn_string(scn, "services.[%d].load_balancer", g), &sp->policy) != 0 ||
        lb_tie_break_parse(scn_string(scn, "services.[%d].tie_break", g), &sp->ties) != 0) {
        snprintf(path, sizeof path, "services.[%d].load_balancer", g);
        return bad_key(scn, err, err_len, path, "not supported");
    }
    if (sp->policy == LB_POWER_OF_D && sp->d > sp->replicas) {
        snprintf(path, sizeof path, "services.[%d].d", g);
        return bad_key(scn, err, err_len, path,
                       "%" PRIu32 " is more than the %" PRIu32 " replicas (expected at most services.[%d].replicas)",
                       sp->d, sp->replicas, g);
    }
    if (sp->policy == LB_CONSISTENT_HASH && (uint64_t)sp->replicas * sp->virtual_nodes > UINT64_C(100000000)) {
        snprintf(path, sizeof path, "services.[%d].virtual_nodes", g);
        return bad_key(scn, err, err_len, path,
                       "replicas x virtual_nodes is %" PRIu64 " ring points (expected at most 100000000)",
                       (uint64_t)sp->replicas * sp->virtual_nodes);
    }
    const char *group = scn_string(scn, "services.[%d].vm_group", g);
    if (group[0] && sp->deployment < 0) {
        int64_t count = 0;
        sp->vm_group = vm_group_of(scn, group, &sp->first_vm, &count);
        snprintf(path, sizeof path, "services.[%d].vm_group", g);
        if (sp->vm_group < 0)
            return bad_key(scn, err, err_len, path, "'%s' names no element of vms", group);
        if ((int64_t)sp->replicas > count) {
            snprintf(path, sizeof path, "services.[%d].replicas", g);
            return bad_key(scn, err, err_len, path,
                           "%" PRIu32 " replicas but VM group '%s' has %" PRId64
                           " VMs (expected at most the group's count)",
                           sp->replicas, group, count);
        }
        if (set->service_of_vm_group[sp->vm_group] >= 0)
            return bad_key(scn, err, err_len, path, "VM group '%s' already runs service '%s' (expected one service per VM group)",
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
        return 2;
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
    if (stats_histogram_init(&s->iv_latency, LATENCY_LOWEST_NS, LATENCY_HIGHEST_NS, LATENCY_RELATIVE_ERROR) != 0 ||
        stats_histogram_init(&s->latency, LATENCY_LOWEST_NS, LATENCY_HIGHEST_NS, LATENCY_RELATIVE_ERROR) != 0)
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
}

static int declare_series(service_set *set, recorder *rec, sim_time_ns period)
{
    int n = (int)set->n;
    set->series_throughput = rec_series_new(rec, "service", "throughput_rps", "requests/s", "services", n, 0, period);
    set->series_arrivals = rec_series_new(rec, "service", "arrival_rps", "requests/s", "services", n, 0, period);
    set->series_dropped = rec_series_new(rec, "service", "dropped_rps", "requests/s", "services", n, 0, period);
    set->series_p50 = rec_series_new(rec, "service", "latency_p50_ns", "ns", "services", n, 0, period);
    set->series_p95 = rec_series_new(rec, "service", "latency_p95_ns", "ns", "services", n, 0, period);
    set->series_p99 = rec_series_new(rec, "service", "latency_p99_ns", "ns", "services", n, 0, period);
    set->series_queue_length = rec_series_new(rec, "service", "queue_length_mean", "requests", "services", n, 0, period);
    set->series_busy = rec_series_new(rec, "service", "busy_replicas_mean", "replicas", "services", n, 0, period);
    return set->series_throughput < 0 || set->series_arrivals < 0 || set->series_dropped < 0 || set->series_p50 < 0 ||
                   set->series_p95 < 0 || set->series_p99 < 0 || set->series_queue_length < 0 || set->series_busy < 0
               ? -1
               : 0;
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
                           {.f64 = ratio((double)s->arrivals, seconds)},
                           {.f64 = ratio((double)s->completed, seconds)},
                           {.f64 = ratio(s->sum_wait_ns, (double)s->completed)},
                           {.f64 = ratio(s->sum_sojourn_ns, (double)s->completed)},
                           {.f64 = ratio(s->area_in_system, (double)observed)},
                           {.i64 = observed},
                           {.f64 = quantile(&s->latency, 0.50)},
                           {.f64 = quantile(&s->latency, 0.95)},
                           {.f64 = quantile(&s->latency, 0.99)}};
        if (rec_table_row(rec, t_services, row) != 0)
            return -1;
        for (uint32_t i = 0; i < sp->replicas; i++) {
            replica *r = &s->replicas[i];
            replica_advance(s, i, end);
            char vm_name[300] = "";
            if (sp->vm_group >= 0)
                snprintf(vm_name, sizeof vm_name, "%s-%02" PRIu32, group, i + 1);
            rec_value rrow[] = {{.str = name},
                                {.i64 = i},
                                {.str = vm_name},
                                {.i64 = (int64_t)r->arrivals},
                                {.i64 = (int64_t)r->completed},
                                {.i64 = (int64_t)r->dropped},
                                {.f64 = ratio((double)r->arrivals, seconds)},
                                {.f64 = ratio(r->sum_wait_ns, (double)r->completed)},
                                {.f64 = ratio(r->sum_sojourn_ns, (double)r->completed)},
                                {.f64 = ratio(r->area, (double)observed)},
                                {.i64 = observed}};
            if (rec_table_row(rec, t_replicas, rrow) != 0)
                return -1;
        }
    }
    return 0;
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

/* ------------------------------------------------------------------------ */
/* The module and its host hooks (models/core/module.h, host.h)             */
/* ------------------------------------------------------------------------ */

/* A replica is usable from its start. */
static void services_vm_started(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id)
{
    (void)h;
    services_report_replicas(ctx, f->world, &vm_id, 1);
}

/* Its service learns at once that the replica is gone. */
static void services_vm_stopped(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id)
{
    (void)h;
    services_report_vm_down(ctx, f->world, vm_id);
}

static void services_after_sample(sim_ctx *ctx, host *h, const host_feature *f, const host_sample_ctx *s)
{
    (void)s;
    services_report_replicas(ctx, f->world, h->vm_ids, h->n_vms);
}

static const host_hooks services_host_hooks = {
    .name = "services",
    .vm_started = services_vm_started,
    .vm_stopped = services_vm_stopped,
    .after_sample = services_after_sample,
};

static model_status services_module_start(model_builder *b, void **world)
{
    service_set *set = NULL;
    int rc = services_build(b->scn, b->eng, b->rec, b->env, &set, b->err, b->err_len);
    *world = set;
    return rc == 2 ? MODEL_BAD_INPUT : rc != 0 ? MODEL_RUNTIME_ERROR : MODEL_OK;
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
