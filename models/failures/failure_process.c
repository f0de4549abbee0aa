/* failure_process.c - the host side of failures (see failure.h): outage
 * reasons, host state, taking VMs down, the host's own up/repair renewal
 * process, VM crash clocks, the maintenance protocol, and the repair-crew
 * LP. It runs as a feature of the host LP (failure_host_hooks) and tells
 * the controller what happened with core cluster notices. */
#include <stdlib.h>

#include "models/core/cluster.h"
#include "models/core/model_env.h"
#include "models/failures/failure.h"
#include "models/failures/failure_internal.h"

static void host_event_log(sim_ctx *ctx, host *h, int kind, int64_t subject, int64_t a, int64_t b)
{
    host_log(ctx, h, kind, subject, a, b, 0.0);
}

static host_state derive_state(const host_outage *o)
{
    if (o->active[OUTAGE_OWN] || o->active[OUTAGE_DOMAIN] || o->active[OUTAGE_INJECTED] || o->active[OUTAGE_TRACE])
        return HOST_FAILED;
    if (o->active[OUTAGE_MAINTENANCE])
        return HOST_MAINTENANCE;
    if (o->active[OUTAGE_ISOLATION] || o->active[OUTAGE_OWN_ISOLATION])
        return HOST_ISOLATED;
    return HOST_UP;
}

static void notify(sim_ctx *ctx, const host *h, cluster_notice_kind kind, uint32_t vm_id, int32_t detail)
{
    cluster_notice n = {.kind = kind, .host = (int32_t)h->index, .vm = vm_id, .detail = detail, .at_ns = sim_now(ctx)};
    cluster_send_notice(ctx, h->env, &n);
}

static void send_self(sim_ctx *ctx, const failure_env *fe, sim_time_ns delay, failure_msg m)
{
    sim_send(ctx, sim_self(ctx), delay, fe->kind_host, &m, sizeof m);
}

/* Marks VM v down now (if it is not already) and counts the failure. */
static void vm_mark_down(vm_avail *va, sim_time_ns now, int count_failure)
{
    sim_share_touch(va); /* the failure accounts are shared over MPI ranks (failure_build.c) */
    if (!va->down) {
        va->down = 1;
        va->down_since_ns = now;
    }
    if (count_failure)
        va->failures++;
}

/* Takes every VM off host h: they go to failed (or, for maintenance and
 * the shutdown isolation response, are shut down to stopped) and the
 * controller is told, in start order. */
static void host_take_down_vms(sim_ctx *ctx, failure_env *fe, host *h, vm_down_cause cause)
{
    const model_env *env = h->env;
    sim_time_ns now = sim_now(ctx);
    while (h->n_vms > 0) {
        uint32_t id = h->vm_ids[0];
        vm *v = model_vm(env, id);
        vm_avail *va = &fe->vms[id];
        if (cause == VM_DOWN_MAINTENANCE || (cause == VM_DOWN_ISOLATION_RESPONSE && fe->isolation_shutdown)) {
            if (v->state == VM_RUNNING)
                vm_transition(v, VM_STOPPING);
            if (v->state != VM_STOPPED && vm_transition(v, VM_STOPPED) != 0)
                abort(); /* every powered-on state may stop: a model bug otherwise */
        } else if (v->state != VM_FAILED && vm_transition(v, VM_FAILED) != 0) {
            abort();
        }
        va->epoch++; /* a pending crash of this VM is void */
        vm_mark_down(va, now, 1);
        host_remove_vm(h, id);
        host_notify_vm_stopped(ctx, h, id); /* its service and pods learn at once */
        fe->hosts[h->index].vm_failures++;
        sim_share_touch(&fe->hosts[h->index]);
        host_event_log(ctx, h, fe->log_vm_failed, id, h->index, cause);
        notify(ctx, h, CLUSTER_NOTICE_VM_FAILED, id, cause);
    }
}

static void host_arm_isolation_timeout(sim_ctx *ctx, const failure_env *fe, host_outage *o)
{
    o->isolation_epoch++;
    sim_share_touch(o);
    send_self(ctx, fe, fe->isolation_timeout_ns, (failure_msg){.op = FOP_ISOLATION_TIMEOUT, .epoch = o->isolation_epoch});
}

/* Recomputes the state after an outage began or ended, logs the change and
 * applies its effects. */
static void host_update_state(sim_ctx *ctx, failure_env *fe, host *h, outage_reason reason)
{
    host_outage *o = &fe->hosts[h->index];
    host_state old = h->state, now_state = derive_state(o);
    if (old == now_state)
        return;
    sim_time_ns now = sim_now(ctx);
    o->time_in_state_ns[old] += now - o->state_since_ns;
    o->state_since_ns = now;
    h->state = o->state = now_state;
    sim_share_touch(o);
    int64_t id = h->index;

    /* leaving a state */
    if (old == HOST_FAILED)
        host_event_log(ctx, h, fe->log_host_repaired, id, reason, now_state);
    else if (old == HOST_MAINTENANCE)
        host_event_log(ctx, h, fe->log_maintenance_end, id, reason, now_state);
    else if (old == HOST_ISOLATED)
        host_event_log(ctx, h, fe->log_host_reachable, id, reason, now_state);
    /* entering one */
    if (now_state == HOST_FAILED) {
        o->failures++;
        host_event_log(ctx, h, fe->log_host_failed, id, reason, now_state);
    } else if (now_state == HOST_MAINTENANCE) {
        o->maintenances++;
        host_event_log(ctx, h, fe->log_maintenance_begin, id, reason, now_state);
    } else if (now_state == HOST_ISOLATED) {
        o->isolations++;
        host_event_log(ctx, h, fe->log_host_isolated, id, reason, now_state);
    }

    int was_reachable_or_running = old == HOST_UP || old == HOST_ISOLATED;
    if (now_state == HOST_UP) {
        notify(ctx, h, CLUSTER_NOTICE_HOST_UP, 0, HOST_UP);
        if (old == HOST_FAILED || old == HOST_MAINTENANCE)
            host_notify_up(ctx, h); /* a host node's own pods start again */
    } else if (now_state == HOST_ISOLATED) {
        if (old == HOST_UP) {
            notify(ctx, h, CLUSTER_NOTICE_HOST_DOWN, 0, now_state);
            o->isolation_response_applied = 0;
            host_arm_isolation_timeout(ctx, fe, o);
        }
    } else if (was_reachable_or_running) { /* failed or maintenance */
        if (old == HOST_UP)
            notify(ctx, h, CLUSTER_NOTICE_HOST_DOWN, 0, now_state);
        host_take_down_vms(ctx, fe, h, now_state == HOST_MAINTENANCE ? VM_DOWN_MAINTENANCE : VM_DOWN_HOST_FAILED);
        host_notify_down(ctx, h); /* a host node's own pods go down with it */
    }
}

static void host_schedule_own_failure(sim_ctx *ctx, const failure_env *fe, host *h)
{
    const failure_process_spec *p = &fe->host_group_process[h->env->host_specs[h->index].group];
    sim_time_ns up = failure_draw_ns(&p->up_time, sim_rng(ctx, HOST_STREAM_FAILURE));
    send_self(ctx, fe, up, (failure_msg){.op = FOP_BEGIN, .reason = OUTAGE_OWN, .duration_ns = -1});
}

static void host_schedule_own_isolation(sim_ctx *ctx, const failure_env *fe, host *h)
{
    const failure_process_spec *p = &fe->host_group_isolation[h->env->host_specs[h->index].group];
    sim_time_ns up = failure_draw_ns(&p->up_time, sim_rng(ctx, HOST_STREAM_ISOLATION));
    send_self(ctx, fe, up, (failure_msg){.op = FOP_BEGIN, .reason = OUTAGE_OWN_ISOLATION, .duration_ns = -1});
}

static void host_outage_begin(sim_ctx *ctx, failure_env *fe, host *h, outage_reason reason, sim_time_ns duration_ns)
{
    const model_env *env = h->env;
    host_notify_outage_begins(ctx, h); /* e.g. a VM paused for a migration goes down as a running one */
    fe->hosts[h->index].active[reason]++;
    sim_share_touch(&fe->hosts[h->index]);
    host_update_state(ctx, fe, h, reason);
    if (reason == OUTAGE_OWN_ISOLATION) {
        const failure_process_spec *p = &fe->host_group_isolation[env->host_specs[h->index].group];
        duration_ns = failure_draw_ns(&p->repair, sim_rng(ctx, HOST_STREAM_ISOLATION));
    }
    if (reason == OUTAGE_OWN) {
        const failure_process_spec *p = &fe->host_group_process[env->host_specs[h->index].group];
        sim_time_ns repair = failure_draw_ns(&p->repair, sim_rng(ctx, HOST_STREAM_FAILURE));
        if (fe->repair_crews > 0) {
            failure_msg req = {.op = FOP_CREW_REQUEST, .subject = h->index, .duration_ns = repair};
            sim_send(ctx, fe->crew_lp, env->control_latency_ns, fe->kind_crew, &req, sizeof req);
            return;
        }
        duration_ns = repair;
    }
    if (duration_ns >= 0)
        send_self(ctx, fe, duration_ns, (failure_msg){.op = FOP_END, .reason = reason});
}

static void host_outage_end(sim_ctx *ctx, failure_env *fe, host *h, outage_reason reason)
{
    host_outage *o = &fe->hosts[h->index];
    if (o->active[reason] == 0)
        abort(); /* an end without a begin is a model bug */
    o->active[reason]--;
    sim_share_touch(o);
    host_update_state(ctx, fe, h, reason);
    if (reason == OUTAGE_OWN)
        host_schedule_own_failure(ctx, fe, h);
    else if (reason == OUTAGE_OWN_ISOLATION)
        host_schedule_own_isolation(ctx, fe, h);
}

static void host_isolation_timeout(sim_ctx *ctx, failure_env *fe, host *h, uint32_t epoch)
{
    host_outage *o = &fe->hosts[h->index];
    if (epoch != o->isolation_epoch || h->state != HOST_ISOLATED || o->isolation_response_applied)
        return;
    o->isolation_response_applied = 1;
    sim_share_touch(o);
    if (fe->isolation_power_off)
        host_take_down_vms(ctx, fe, h, VM_DOWN_ISOLATION_RESPONSE);
}

static void host_vm_crash(sim_ctx *ctx, failure_env *fe, host *h, uint32_t vm_id, uint32_t epoch)
{
    const model_env *env = h->env;
    vm *v = model_vm(env, vm_id);
    vm_avail *va = &fe->vms[vm_id];
    if (va->epoch != epoch || v->host != (int32_t)h->index || v->state != VM_RUNNING)
        return; /* it moved, failed or restarted since the crash was drawn */
    if (vm_transition(v, VM_FAILED) != 0)
        abort();
    va->epoch++;
    va->crashes++;
    vm_mark_down(va, sim_now(ctx), 1);
    host_remove_vm(h, vm_id);
    host_notify_vm_stopped(ctx, h, vm_id);
    host_event_log(ctx, h, fe->log_vm_failed, vm_id, h->index, VM_DOWN_CRASH);
    /* Restart in place: a start the host sends itself. If the host is down
     * by then, the start is refused and the controller restarts it. */
    vm_msg start = {.vm = vm_id};
    const vm_crash_spec *cs = &fe->vm_group_crash[model_vm_spec(env, vm_id)->group];
    va->crash_restart_pending = 1;
    sim_share_touch(va);
    sim_send(ctx, sim_self(ctx), cs->restart_delay_ns, env->kind_vm_start, &start, sizeof start);
}

/* vm.stop for a VM that crashed here and waits for its restart in place
 * (its lifetime ended meanwhile): it is powered off for good now, the
 * pending restart is void, and the controller releases it. Returns 1 when
 * it was such a VM. */
static int host_stop_crashed_vm(sim_ctx *ctx, failure_env *fe, host *h, uint32_t vm_id)
{
    const model_env *env = h->env;
    vm *v = model_vm(env, vm_id);
    vm_avail *va = &fe->vms[vm_id];
    if (v->host != -1 || v->state != VM_FAILED || !va->crash_restart_pending)
        return 0;
    sim_time_ns now = sim_now(ctx);
    va->crash_restart_pending = 0;
    sim_share_touch(va);
    if (vm_transition(v, VM_STOPPED) != 0)
        abort(); /* failed -> stopped is always allowed */
    if (va->down) {
        va->downtime_ns += now - va->down_since_ns;
        va->down = 0;
    }
    env->vm_times[vm_id].stopped_ns = now;
    sim_share_touch(&env->vm_times[vm_id]);
    host_event_log(ctx, h, env->log_vm_stopped, vm_id, h->index, 0);
    vm_msg m = {.vm = vm_id};
    sim_send(ctx, model_cluster_lp_of_vm(env, vm_id), env->control_latency_ns, env->kind_vm_stopped, &m, sizeof m);
    return 1;
}

/* A start that arrives while the host cannot run it goes back to the
 * controller as a failed VM. An isolated host still restarts its own
 * crashed VMs (starts it sent itself). */
static int host_refuses_start(sim_ctx *ctx, failure_env *fe, host *h, const sim_event *ev, uint32_t id)
{
    if (h->state == HOST_UP || (h->state == HOST_ISOLATED && ev->src_lp == sim_self(ctx)))
        return 0;
    vm_mark_down(&fe->vms[id], sim_now(ctx), 0);
    host_event_log(ctx, h, fe->log_vm_failed, id, h->index, VM_DOWN_START_REFUSED);
    notify(ctx, h, CLUSTER_NOTICE_VM_FAILED, id, VM_DOWN_START_REFUSED);
    return 1;
}

/* A maintenance window's begin: a feature (DRS) may first evacuate the
 * host and grant the window later (host_grant_maintenance). */
static void host_maintenance_begin(sim_ctx *ctx, failure_env *fe, host *h, sim_time_ns duration_ns)
{
    if (host_request_maintenance(ctx, h, duration_ns))
        return;
    host_outage_begin(ctx, fe, h, OUTAGE_MAINTENANCE, duration_ns);
}

/* --- the host hooks -------------------------------------------------------- */

static failure_env *world_of(const host_feature *f) { return &((failure_model *)f->world)->env; }

static int failure_host_handle(sim_ctx *ctx, host *h, const host_feature *f, const sim_event *ev)
{
    failure_env *fe = world_of(f);
    const model_env *env = h->env;
    if (ev->kind == env->kind_vm_start) {
        uint32_t id = ((const vm_msg *)ev->payload.bytes)->vm;
        if (ev->src_lp == sim_self(ctx)) { /* a restart in place after a crash */
            vm_avail *va = &fe->vms[id];
            if (!va->crash_restart_pending)
                return 1; /* void: the VM was powered off meanwhile */
            va->crash_restart_pending = 0;
            sim_share_touch(va);
        }
        return host_refuses_start(ctx, fe, h, ev, id);
    }
    if (ev->kind == env->kind_vm_stop)
        return host_stop_crashed_vm(ctx, fe, h, ((const vm_msg *)ev->payload.bytes)->vm);
    if (ev->kind == env->kind_host_maintenance) { /* granted after an evacuation */
        host_outage_begin(ctx, fe, h, OUTAGE_MAINTENANCE, ((const host_maintenance_msg *)ev->payload.bytes)->duration_ns);
        return 1;
    }
    if (ev->kind != fe->kind_host)
        return 0;
    const failure_msg *m = (const failure_msg *)ev->payload.bytes;
    switch ((failure_op)m->op) {
    case FOP_BEGIN:
        if (m->reason == OUTAGE_MAINTENANCE)
            host_maintenance_begin(ctx, fe, h, m->duration_ns);
        else
            host_outage_begin(ctx, fe, h, (outage_reason)m->reason, m->duration_ns);
        break;
    case FOP_END:
        host_outage_end(ctx, fe, h, (outage_reason)m->reason);
        break;
    case FOP_ISOLATION_TIMEOUT:
        host_isolation_timeout(ctx, fe, h, m->epoch);
        break;
    case FOP_VM_CRASH:
        host_vm_crash(ctx, fe, h, m->subject, m->epoch);
        break;
    default:
        abort(); /* another LP's operation sent here: a model bug */
    }
    return 1;
}

/* VM vm_id has just become running on h (a start without boot time, the
 * end of its boot, or its arrival by vMotion): its downtime ends here and
 * its crash clock starts. */
static void vm_now_running(sim_ctx *ctx, failure_env *fe, host *h, uint32_t id, int self_started)
{
    vm_avail *va = &fe->vms[id];
    va->epoch++;
    sim_share_touch(va);
    if (va->down) {
        va->downtime_ns += sim_now(ctx) - va->down_since_ns;
        va->down = 0;
        va->restarts++;
        if (self_started)
            host_event_log(ctx, h, fe->log_vm_restarted, id, h->index, 1);
    }
    const vm_crash_spec *cs = &fe->vm_group_crash[model_vm_spec(h->env, id)->group];
    if (cs->enabled) {
        sim_time_ns t = failure_draw_ns(&cs->up_time, sim_rng(ctx, HOST_STREAM_CRASH));
        send_self(ctx, fe, t, (failure_msg){.op = FOP_VM_CRASH, .subject = id, .epoch = va->epoch});
    }
}

/* After every event: closes the downtime of a VM that has just become
 * running (at vm.start without boot time, else at the end of its boot) and
 * arms its crash clock; records /series/host/up at samples. */
static void failure_host_after(sim_ctx *ctx, host *h, const host_feature *f, const sim_event *ev)
{
    failure_env *fe = world_of(f);
    const model_env *env = h->env;
    sim_time_ns now = sim_now(ctx);
    if (ev->kind == env->kind_host_sample) {
        if (env->rec && fe->series_host_up >= 0)
            rec_series_put(env->rec, fe->series_host_up, now, (int)h->index,
                           h->state == HOST_UP || h->state == HOST_ISOLATED ? 1.0 : 0.0);
        return;
    }
    if (ev->kind == env->kind_vm_start) {
        uint32_t id = ((const vm_msg *)ev->payload.bytes)->vm;
        const vm *v = model_vm(env, id);
        if (v->host == (int32_t)h->index && v->state == VM_STARTING) {
            fe->vms[id].self_started = ev->src_lp == sim_self(ctx); /* running at its boot's end */
            sim_share_touch(&fe->vms[id]);
        } else if (v->host == (int32_t)h->index && v->state == VM_RUNNING)
            vm_now_running(ctx, fe, h, id, ev->src_lp == sim_self(ctx));
        return;
    }
    if (ev->kind == env->kind_vm_booted) {
        const host_boot_msg *m = (const host_boot_msg *)ev->payload.bytes;
        const vm *v = model_vm(env, m->vm);
        /* the boot that just ended (the host ignores stale ones) */
        if (v->host == (int32_t)h->index && v->state == VM_RUNNING && v->boot_epoch == m->epoch)
            vm_now_running(ctx, fe, h, m->vm, fe->vms[m->vm].self_started);
    }
}

/* A VM arrived by vMotion: its crash clock restarts here (the source's is void). */
static void failure_vm_arrived(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id, uint32_t src_host)
{
    (void)src_host;
    vm_now_running(ctx, world_of(f), h, vm_id, 0);
}

/* A VM arrived on a host that went down meanwhile: it is down here, and the
 * controller (which still counts it on the source) is told. */
static void failure_vm_arrival_failed(sim_ctx *ctx, host *h, const host_feature *f, uint32_t vm_id, uint32_t src_host)
{
    failure_env *fe = world_of(f);
    vm_avail *va = &fe->vms[vm_id];
    va->epoch++;
    va->down = 1;
    va->down_since_ns = sim_now(ctx);
    va->failures++;
    sim_share_touch(va);
    cluster_notice n = {.kind = CLUSTER_NOTICE_VM_FAILED, .host = (int32_t)src_host, .vm = vm_id,
                        .detail = VM_DOWN_HOST_FAILED, .at_ns = sim_now(ctx)};
    cluster_send_notice(ctx, h->env, &n);
}

const host_hooks failure_host_hooks = {
    .name = "failures",
    .handle = failure_host_handle,
    .after_event = failure_host_after,
    .vm_arrived = failure_vm_arrived,
    .vm_arrival_failed = failure_vm_arrival_failed,
};

/* --- the repair-crew LP --------------------------------------------------- */

static void crew_start(sim_ctx *ctx, crew *c, uint32_t host_index, sim_time_ns repair_ns, sim_time_ns requested_ns)
{
    const model_env *env = c->fe->env;
    const failure_env *fe = c->fe;
    c->free_crews--;
    c->repair_ns_sum += repair_ns;
    c->wait_ns_sum += sim_now(ctx) - requested_ns;
    /* The host comes back `repair_ns` after the crew starts; a message to
     * another LP cannot be shorter than the control latency. */
    sim_time_ns delay = repair_ns > env->control_latency_ns ? repair_ns : env->control_latency_ns;
    failure_msg end = {.op = FOP_END, .reason = OUTAGE_OWN};
    sim_send(ctx, env->first_host_lp + host_index, delay, fe->kind_host, &end, sizeof end);
    failure_msg done = {.op = FOP_CREW_DONE};
    sim_send(ctx, sim_self(ctx), delay, fe->kind_crew, &done, sizeof done);
    c->started++;
}

void crew_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    crew *c = state;
    const failure_msg *m = (const failure_msg *)ev->payload.bytes;
    if (m->op == FOP_CREW_REQUEST) {
        if (c->free_crews > 0) {
            crew_start(ctx, c, m->subject, m->duration_ns, sim_now(ctx));
            return;
        }
        if (c->n_queued == c->cap_queued) {
            uint32_t cap = c->cap_queued ? c->cap_queued * 2 : 16;
            crew_job *grown = realloc(c->queue, cap * sizeof *grown);
            if (!grown)
                abort();
            /* unwrap the ring into the new array */
            for (uint32_t i = 0; i < c->n_queued; i++)
                grown[c->cap_queued + i] = grown[(c->head + i) % c->cap_queued];
            for (uint32_t i = 0; i < c->n_queued; i++)
                grown[i] = grown[c->cap_queued + i];
            c->queue = grown;
            c->head = 0;
            c->cap_queued = cap;
        }
        c->queue[(c->head + c->n_queued) % c->cap_queued] = (crew_job){m->subject, m->duration_ns, sim_now(ctx)};
        c->n_queued++;
        if (c->n_queued > c->max_queued)
            c->max_queued = c->n_queued;
    } else if (m->op == FOP_CREW_DONE) {
        c->free_crews++;
        if (c->n_queued > 0) {
            crew_job job = c->queue[c->head];
            c->head = (c->head + 1) % c->cap_queued;
            c->n_queued--;
            crew_start(ctx, c, job.host, job.repair_ns, job.requested_ns);
        }
    } else {
        abort();
    }
}
