/* failure_process.c - the host side of failures (see failure.h): outage
 * reasons, host state, taking VMs down, the host's own up/repair renewal
 * process, VM crash clocks, and the repair-crew LP. */
#include <stdlib.h>

#include "models/failures/failure.h"
#include "models/failures/failure_internal.h"
#include "models/core/model_env.h"
#include "models/containers/pod.h"
#include "models/services/service.h"

static void host_event_log(sim_ctx *ctx, host *h, int kind, int64_t subject, int64_t a, int64_t b)
{
    const model_env *env = h->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++h->log_seq, kind, subject, a, b, 0.0);
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

static void send_cluster(sim_ctx *ctx, const model_env *env, int64_t op, int64_t x, int64_t y, int64_t z, int64_t w)
{
    int64_t p[5] = {op, x, y, z, w};
    sim_send(ctx, env->cluster_lp, env->control_latency_ns, env->fail->kind_cluster, p, sizeof p);
}

/* Marks VM v down now (if it is not already) and counts the failure. */
static void vm_mark_down(vm_avail *va, sim_time_ns now, int count_failure)
{
    if (!va->down) {
        va->down = 1;
        va->down_since_ns = now;
    }
    if (count_failure)
        va->failures++;
}

/* The VM is gone from host h: its service and its pods learn at once
 * (services after the control latency, pods in this LP now). */
static void vm_gone(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    services_report_vm_down(ctx, h->env, vm_id);
    if (h->pods)
        pods_vm_stopped(ctx, h, vm_id);
}

/* Takes every VM off host h: they go to failed (or, for maintenance and
 * the shutdown isolation response, are shut down to stopped) and the
 * controller is told, in start order. */
static void host_take_down_vms(sim_ctx *ctx, host *h, vm_down_cause cause)
{
    const model_env *env = h->env;
    failure_env *fe = env->fail;
    sim_time_ns now = sim_now(ctx);
    while (h->n_vms > 0) {
        uint32_t id = h->vm_ids[0];
        vm *v = &env->vms[id];
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
        vm_gone(ctx, h, id);
        fe->hosts[h->index].vm_failures++;
        host_event_log(ctx, h, fe->log_vm_failed, id, h->index, cause);
        send_cluster(ctx, env, FOP_VM_FAILED, id, h->index, now, cause);
    }
}

static void host_arm_isolation_timeout(sim_ctx *ctx, host *h, host_outage *o)
{
    const failure_env *fe = h->env->fail;
    o->isolation_epoch++;
    int64_t p[2] = {FOP_ISOLATION_TIMEOUT, o->isolation_epoch};
    sim_send(ctx, sim_self(ctx), fe->isolation_timeout_ns, fe->kind_host, p, sizeof p);
}

/* Recomputes the state after an outage began or ended, logs the change and
 * applies its effects. */
static void host_update_state(sim_ctx *ctx, host *h, outage_reason reason)
{
    const model_env *env = h->env;
    failure_env *fe = env->fail;
    host_outage *o = &fe->hosts[h->index];
    host_state old = h->state, now_state = derive_state(o);
    if (old == now_state)
        return;
    sim_time_ns now = sim_now(ctx);
    o->time_in_state_ns[old] += now - o->state_since_ns;
    o->state_since_ns = now;
    h->state = o->state = now_state;
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
        send_cluster(ctx, env, FOP_HOST_UP, id, now, 0, 0);
        if (h->pods && (old == HOST_FAILED || old == HOST_MAINTENANCE))
            pods_host_up(ctx, h); /* a host node's own pods start again */
    } else if (now_state == HOST_ISOLATED) {
        if (old == HOST_UP) {
            send_cluster(ctx, env, FOP_HOST_DOWN, id, now, now_state, 0);
            o->isolation_response_applied = 0;
            host_arm_isolation_timeout(ctx, h, o);
        }
    } else if (was_reachable_or_running) { /* failed or maintenance */
        if (old == HOST_UP)
            send_cluster(ctx, env, FOP_HOST_DOWN, id, now, now_state, 0);
        host_take_down_vms(ctx, h, now_state == HOST_MAINTENANCE ? VM_DOWN_MAINTENANCE : VM_DOWN_HOST_FAILED);
        if (h->pods)
            pods_host_down(ctx, h); /* a host node's own pods go down with it */
    }
}

static void host_schedule_own_failure(sim_ctx *ctx, host *h)
{
    const failure_env *fe = h->env->fail;
    const failure_process_spec *p = &fe->host_group_process[h->env->host_specs[h->index].group];
    sim_time_ns up = failure_draw_ns(&p->up_time, sim_rng(ctx, HOST_STREAM_FAILURE));
    int64_t payload[3] = {FOP_BEGIN, OUTAGE_OWN, -1};
    sim_send(ctx, sim_self(ctx), up, fe->kind_host, payload, sizeof payload);
}

static void host_schedule_own_isolation(sim_ctx *ctx, host *h)
{
    const failure_env *fe = h->env->fail;
    const failure_process_spec *p = &fe->host_group_isolation[h->env->host_specs[h->index].group];
    sim_time_ns up = failure_draw_ns(&p->up_time, sim_rng(ctx, HOST_STREAM_ISOLATION));
    int64_t payload[3] = {FOP_BEGIN, OUTAGE_OWN_ISOLATION, -1};
    sim_send(ctx, sim_self(ctx), up, fe->kind_host, payload, sizeof payload);
}

static void host_outage_begin(sim_ctx *ctx, host *h, outage_reason reason, sim_time_ns duration_ns)
{
    const model_env *env = h->env;
    const failure_env *fe = env->fail;
    fe->hosts[h->index].active[reason]++;
    host_update_state(ctx, h, reason);
    if (reason == OUTAGE_OWN_ISOLATION) {
        const failure_process_spec *p = &fe->host_group_isolation[env->host_specs[h->index].group];
        duration_ns = failure_draw_ns(&p->repair, sim_rng(ctx, HOST_STREAM_ISOLATION));
    }
    if (reason == OUTAGE_OWN) {
        const failure_process_spec *p = &fe->host_group_process[env->host_specs[h->index].group];
        sim_time_ns repair = failure_draw_ns(&p->repair, sim_rng(ctx, HOST_STREAM_FAILURE));
        if (fe->repair_crews > 0) {
            int64_t req[3] = {FOP_CREW_REQUEST, h->index, repair};
            sim_send(ctx, fe->crew_lp, env->control_latency_ns, fe->kind_crew, req, sizeof req);
            return;
        }
        duration_ns = repair;
    }
    if (duration_ns >= 0) {
        int64_t end[2] = {FOP_END, reason};
        sim_send(ctx, sim_self(ctx), duration_ns, fe->kind_host, end, sizeof end);
    }
}

static void host_outage_end(sim_ctx *ctx, host *h, outage_reason reason)
{
    host_outage *o = &h->env->fail->hosts[h->index];
    if (o->active[reason] == 0)
        abort(); /* an end without a begin is a model bug */
    o->active[reason]--;
    host_update_state(ctx, h, reason);
    if (reason == OUTAGE_OWN)
        host_schedule_own_failure(ctx, h);
    else if (reason == OUTAGE_OWN_ISOLATION)
        host_schedule_own_isolation(ctx, h);
}

static void host_isolation_timeout(sim_ctx *ctx, host *h, uint32_t epoch)
{
    const failure_env *fe = h->env->fail;
    host_outage *o = &fe->hosts[h->index];
    if (epoch != o->isolation_epoch || h->state != HOST_ISOLATED || o->isolation_response_applied)
        return;
    o->isolation_response_applied = 1;
    if (fe->isolation_power_off)
        host_take_down_vms(ctx, h, VM_DOWN_ISOLATION_RESPONSE);
}

static void host_vm_crash(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t epoch)
{
    const model_env *env = h->env;
    failure_env *fe = env->fail;
    vm *v = &env->vms[vm_id];
    vm_avail *va = &fe->vms[vm_id];
    if (va->epoch != epoch || v->host != (int32_t)h->index || v->state != VM_RUNNING)
        return; /* it moved, failed or restarted since the crash was drawn */
    if (vm_transition(v, VM_FAILED) != 0)
        abort();
    va->epoch++;
    va->crashes++;
    vm_mark_down(va, sim_now(ctx), 1);
    host_remove_vm(h, vm_id);
    vm_gone(ctx, h, vm_id);
    host_event_log(ctx, h, fe->log_vm_failed, vm_id, h->index, VM_DOWN_CRASH);
    /* Restart in place: a start the host sends itself. If the host is down
     * by then, the start is refused and the controller restarts it. */
    int64_t payload = vm_id;
    const vm_crash_spec *cs = &fe->vm_group_crash[env->vm_specs[vm_id].group];
    va->crash_restart_pending = 1;
    sim_send(ctx, sim_self(ctx), cs->restart_delay_ns, env->kind_vm_start, &payload, sizeof payload);
}

/* vm.stop for a VM that crashed here and waits for its restart in place
 * (its lifetime ended meanwhile): it is powered off for good now, the
 * pending restart is void, and the controller releases it. Returns 1 when
 * it was such a VM. */
static int host_stop_crashed_vm(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    const model_env *env = h->env;
    vm *v = &env->vms[vm_id];
    vm_avail *va = &env->fail->vms[vm_id];
    if (v->host != -1 || v->state != VM_FAILED || !va->crash_restart_pending)
        return 0;
    sim_time_ns now = sim_now(ctx);
    va->crash_restart_pending = 0;
    if (vm_transition(v, VM_STOPPED) != 0)
        abort(); /* failed -> stopped is always allowed */
    if (va->down) {
        va->downtime_ns += now - va->down_since_ns;
        va->down = 0;
    }
    v->stopped_ns = now;
    host_event_log(ctx, h, env->log_vm_stopped, vm_id, h->index, 0);
    int64_t payload = vm_id;
    sim_send(ctx, env->cluster_lp, env->control_latency_ns, env->kind_vm_stopped, &payload, sizeof payload);
    return 1;
}

/* A start that arrives while the host cannot run it goes back to the
 * controller as a failed VM. An isolated host still restarts its own
 * crashed VMs (starts it sent itself). */
static int host_refuses_start(sim_ctx *ctx, host *h, const sim_event *ev)
{
    if (h->state == HOST_UP || (h->state == HOST_ISOLATED && ev->src_lp == sim_self(ctx)))
        return 0;
    const model_env *env = h->env;
    failure_env *fe = env->fail;
    uint32_t id = (uint32_t)ev->payload.i64[0];
    vm_mark_down(&fe->vms[id], sim_now(ctx), 0);
    host_event_log(ctx, h, fe->log_vm_failed, id, h->index, VM_DOWN_START_REFUSED);
    send_cluster(ctx, env, FOP_VM_FAILED, id, h->index, sim_now(ctx), VM_DOWN_START_REFUSED);
    return 1;
}

int failure_host_before(sim_ctx *ctx, host *h, const sim_event *ev)
{
    const model_env *env = h->env;
    const failure_env *fe = env->fail;
    if (ev->kind == env->kind_vm_start) {
        if (ev->src_lp == sim_self(ctx)) { /* a restart in place after a crash */
            vm_avail *va = &env->fail->vms[ev->payload.i64[0]];
            if (!va->crash_restart_pending)
                return 1; /* void: the VM was powered off meanwhile */
            va->crash_restart_pending = 0;
        }
        return host_refuses_start(ctx, h, ev);
    }
    if (ev->kind == env->kind_vm_stop)
        return host_stop_crashed_vm(ctx, h, (uint32_t)ev->payload.i64[0]);
    if (ev->kind != fe->kind_host)
        return 0;
    const int64_t *p = ev->payload.i64;
    switch ((failure_op)p[0]) {
    case FOP_BEGIN:
        host_outage_begin(ctx, h, (outage_reason)p[1], p[2]);
        break;
    case FOP_END:
        host_outage_end(ctx, h, (outage_reason)p[1]);
        break;
    case FOP_ISOLATION_TIMEOUT:
        host_isolation_timeout(ctx, h, (uint32_t)p[1]);
        break;
    case FOP_VM_CRASH:
        host_vm_crash(ctx, h, (uint32_t)p[1], (uint32_t)p[2]);
        break;
    default:
        abort(); /* another LP's operation sent here: a model bug */
    }
    return 1;
}

/* VM vm_id has just become running on h (a start without boot time, or
 * the end of its boot): its downtime ends here and its crash clock starts. */
static void vm_now_running(sim_ctx *ctx, host *h, uint32_t id, int self_started)
{
    const model_env *env = h->env;
    failure_env *fe = env->fail;
    vm_avail *va = &fe->vms[id];
    va->epoch++;
    if (va->down) {
        va->downtime_ns += sim_now(ctx) - va->down_since_ns;
        va->down = 0;
        va->restarts++;
        if (self_started)
            host_event_log(ctx, h, fe->log_vm_restarted, id, h->index, 1);
    }
    const vm_crash_spec *cs = &fe->vm_group_crash[env->vm_specs[id].group];
    if (cs->enabled) {
        sim_time_ns t = failure_draw_ns(&cs->up_time, sim_rng(ctx, HOST_STREAM_CRASH));
        int64_t p[3] = {FOP_VM_CRASH, id, va->epoch};
        sim_send(ctx, sim_self(ctx), t, fe->kind_host, p, sizeof p);
    }
}

void failure_host_after(sim_ctx *ctx, host *h, const sim_event *ev)
{
    const model_env *env = h->env;
    failure_env *fe = env->fail;
    sim_time_ns now = sim_now(ctx);
    if (ev->kind == env->kind_host_sample) {
        if (env->rec && fe->series_host_up >= 0)
            rec_series_put(env->rec, fe->series_host_up, now, (int)h->index,
                           h->state == HOST_UP || h->state == HOST_ISOLATED ? 1.0 : 0.0);
        return;
    }
    uint32_t id = (uint32_t)ev->payload.i64[0];
    if (ev->kind == env->kind_vm_start) {
        const vm *v = &env->vms[id];
        if (v->host == (int32_t)h->index && v->state == VM_STARTING)
            fe->vms[id].self_started = ev->src_lp == sim_self(ctx); /* running at its boot's end */
        else if (v->host == (int32_t)h->index && v->state == VM_RUNNING)
            vm_now_running(ctx, h, id, ev->src_lp == sim_self(ctx));
        return;
    }
    if (ev->kind == env->kind_vm_booted) {
        const vm *v = &env->vms[id];
        /* the boot that just ended (host_vm_booted ignores stale ones) */
        if (v->host == (int32_t)h->index && v->state == VM_RUNNING && v->boot_epoch == (uint32_t)ev->payload.i64[1])
            vm_now_running(ctx, h, id, fe->vms[id].self_started);
    }
}

/* --- the repair-crew LP --------------------------------------------------- */

static void crew_start(sim_ctx *ctx, crew *c, uint32_t host_index, sim_time_ns repair_ns)
{
    const model_env *env = c->env;
    const failure_env *fe = env->fail;
    c->free_crews--;
    /* The host comes back `repair_ns` after the crew starts; a message to
     * another LP cannot be shorter than the control latency. */
    sim_time_ns delay = repair_ns > env->control_latency_ns ? repair_ns : env->control_latency_ns;
    int64_t end[2] = {FOP_END, OUTAGE_OWN};
    sim_send(ctx, env->first_host_lp + host_index, delay, fe->kind_host, end, sizeof end);
    int64_t done = FOP_CREW_DONE;
    sim_send(ctx, sim_self(ctx), delay, fe->kind_crew, &done, sizeof done);
    c->started++;
}

void crew_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    crew *c = state;
    const int64_t *p = ev->payload.i64;
    if (p[0] == FOP_CREW_REQUEST) {
        if (c->free_crews > 0) {
            crew_start(ctx, c, (uint32_t)p[1], p[2]);
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
        c->queue[(c->head + c->n_queued) % c->cap_queued] = (crew_job){(uint32_t)p[1], p[2]};
        c->n_queued++;
        if (c->n_queued > c->max_queued)
            c->max_queued = c->n_queued;
    } else if (p[0] == FOP_CREW_DONE) {
        c->free_crews++;
        if (c->n_queued > 0) {
            crew_job job = c->queue[c->head];
            c->head = (c->head + 1) % c->cap_queued;
            c->n_queued--;
            crew_start(ctx, c, job.host, job.repair_ns);
        }
    } else {
        abort();
    }
}
