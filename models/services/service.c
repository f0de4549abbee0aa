/* service.c - the service LP: arrivals, load balancing, replica queues,
 * speed changes, metrics; and the host side: replica reports from the
 * host LPs (see service.h and docs/services.md). Building and the
 * end-of-run tables are in service_build.c. */
#include "models/services/service.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "models/core/host.h"
#include "models/core/model_env.h"

/* The service LP's random streams. */
enum { STREAM_ARRIVALS = 0, STREAM_WORK = 1, STREAM_BALANCER = 2, STREAM_PHASES = 3 };

/* C11 does not define M_PI. */
static const double TWO_PI = 6.283185307179586476925286766559;

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

void service_advance(service *s, sim_time_ns now)
{
    sim_time_ns dt = now - s->last_change_ns;
    if (dt <= 0)
        return;
    s->iv_waiting_area += (double)s->n_waiting * (double)dt;
    s->iv_busy_area += (double)s->n_busy * (double)dt;
    sim_time_ns from = s->last_change_ns > s->spec->warmup_ns ? s->last_change_ns : s->spec->warmup_ns;
    if (now > from) {
        s->area_in_system += (double)(s->n_waiting + s->n_busy) * (double)(now - from);
        if (s->busy_time_ns && s->n_busy <= s->spec->replicas)
            s->busy_time_ns[s->n_busy] += (double)(now - from);
    }
    s->last_change_ns = now;
}

void service_replica_advance(service *s, uint32_t i, sim_time_ns now)
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
    if (counted(s, arrival_ns)) {
        s->sum_wait_ns += (double)(now - arrival_ns);
        s->started++;
        if (now > arrival_ns) {
            s->waited++;
            stats_histogram_add(&s->wait, (double)(now - arrival_ns));
        }
    }
    if (counted(s, assigned_ns))
        r->sum_wait_ns += (double)(now - assigned_ns);
    schedule_completion(ctx, s, i);
}

/* shared_queue: replica i is idle and available; give it the queue's head. */
static void shared_take(sim_ctx *ctx, service *s, uint32_t i, sim_time_ns arrival_ns)
{
    sim_time_ns now = sim_now(ctx);
    service_replica_advance(s, i, now);
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
        } else if (s->n_available == 0 || rq_len(&s->shared) >= spec->max_queue) {
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
    if (r->busy && rq_len(&r->queue) >= spec->max_queue) {
        drop_at_entry(s, now);
        return;
    }
    service_replica_advance(s, i, now);
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
    service_replica_advance(s, i, now);
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
    service_replica_advance(s, i, now);
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
    const vm_spec *vs = model_vm_spec(env, vm_id);
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
        const vm *v = model_vm(env, vm_ids[k]);
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

const host_hooks services_host_hooks = {
    .name = "services",
    .vm_started = services_vm_started,
    .vm_stopped = services_vm_stopped,
    .after_sample = services_after_sample,
};

