/* restart.c - the controller restarts VMs of failed hosts (vSphere HA's
 * role), as a feature of the cluster LP (failure_cluster_hooks; see
 * restart.h).
 *
 * Rules (on the core's cluster notices, models/core/cluster.h):
 *  - HOST_DOWN: the host leaves the placement view (usable = 0).
 *  - VM_FAILED(vm, host, t, cause): the VM's memory and expected CPU
 *    are released from the host in the view and the VM becomes due for
 *    restart at t + detection time (failures.detection_time, or
 *    ha.detection_time when set).
 *  - FOP_RESTART_TICK: every due VM is placed, in order of (due time, VM
 *    id), with the cluster's placement policy; a placed VM gets vm.start
 *    after the control latency (log vm_restarted, a = host); one that finds
 *    no capacity is logged vm_restart_failed and waits.
 *  - HOST_UP: the host rejoins the view, and every waiting VM is retried
 *    at once (retry policy: on each host that comes back; no timer).
 * With ha.enabled (models/vsphere/ha_controller.h) instead:
 *  - due VMs go in order of (priority class, failure time, VM id); VMs of
 *    priority disabled are never restarted;
 *  - a restart tries the dedicated failover hosts first;
 *  - a VM that finds no capacity is retried after restart_retry_interval,
 *    doubling each time; after restart_retries retries it is logged
 *    ha_restart_failed and waits; a host that rejoins makes every waiting
 *    and every timed retry due at once.
 * Admission control does not apply to restarts (vSphere HA exempts them).
 */
#include <stdlib.h>

#include "models/failures/restart.h"

#include "models/core/cluster.h"
#include "models/failures/failure_internal.h"
#include "models/vsphere/ha_controller.h"
#include "sim/grow.h"

int restart_init(restart_queue *q, uint32_t n_hosts, uint32_t n_vms)
{
    *q = (restart_queue){.hosts_usable = n_hosts};
    q->lifetime_over = calloc(n_vms ? n_vms : 1, 1);
    return q->lifetime_over ? 0 : -1;
}

void restart_free(restart_queue *q)
{
    free(q->due);
    free(q->waiting);
    free(q->lifetime_over);
    q->due = NULL;
    q->waiting = NULL;
    q->lifetime_over = NULL;
}

/* The restart queue and the HA of the controller's cluster. */
static restart_queue *restart_of(const failure_env *fe, const cluster *c)
{
    return c->index == 0 ? fe->restart : &fe->restart_others[c->index - 1];
}

static ha_controller *ha_of(const failure_env *fe, const cluster *c)
{
    return ha_controller_of_cluster(fe->ha, c->index);
}

static void cluster_event_log(sim_ctx *ctx, cluster *c, int kind, int64_t subject, int64_t a, int64_t b)
{
    cluster_log(ctx, c, kind, subject, a, b, 0.0);
}

static void push_due(restart_queue *q, restart_entry e)
{
    if (sim_grow((void **)&q->due, &q->cap_due, q->n_due + 1, sizeof *q->due, 64))
        abort(); /* out of memory inside a handler */
    q->due[q->n_due++] = e;
}

static void push_waiting(restart_queue *q, restart_entry e)
{
    if (sim_grow((void **)&q->waiting, &q->cap_waiting, q->n_waiting + 1, sizeof *q->waiting, 64))
        abort(); /* out of memory inside a handler */
    q->waiting[q->n_waiting++] = e;
}

/* A failed VM whose lifetime is over (the cluster holds it now): its
 * downtime ends, and it is powered off for good. */
static void vm_off_for_good(sim_ctx *ctx, const failure_env *fe, uint32_t vm_id)
{
    const model_env *env = fe->env;
    vm_avail *va = &fe->vms[vm_id];
    sim_time_ns now = sim_now(ctx);
    if (va->down) {
        va->downtime_ns += now - va->down_since_ns;
        va->down = 0;
        sim_share_touch(va); /* shared over MPI ranks (failure_build.c) */
    }
    vm *v = model_vm(env, vm_id);
    if (v->state == VM_FAILED && vm_transition(v, VM_STOPPED) != 0)
        abort(); /* failed -> stopped is always allowed */
    sim_share_touch(v);
    env->vm_times[vm_id].stopped_ns = now;
    sim_share_touch(&env->vm_times[vm_id]);
}

static void schedule_tick(sim_ctx *ctx, const failure_env *fe, sim_time_ns delay)
{
    failure_msg tick = {.op = FOP_RESTART_TICK};
    sim_send(ctx, sim_self(ctx), delay > 0 ? delay : 0, fe->kind_cluster, &tick, sizeof tick);
}

static int entry_order(const void *a, const void *b)
{
    const restart_entry *x = a, *y = b;
    if (x->due_ns != y->due_ns)
        return x->due_ns < y->due_ns ? -1 : 1;
    return (x->vm > y->vm) - (x->vm < y->vm);
}

/* HA: priority class, then failure time, then VM id. */
static int ha_entry_order(const void *a, const void *b)
{
    const restart_entry *x = a, *y = b;
    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    if (x->failed_ns != y->failed_ns)
        return x->failed_ns < y->failed_ns ? -1 : 1;
    return (x->vm > y->vm) - (x->vm < y->vm);
}

/* A restart found no capacity: without HA it waits for a host; with HA it
 * is retried on the doubling timer until the retries run out. */
static void restart_no_capacity(sim_ctx *ctx, cluster *c, failure_env *fe, restart_queue *q, restart_entry e)
{
    const model_env *env = c->env;
    q->restart_failures++;
    fe->vms[e.vm].restart_failures++;
    sim_share_touch(&fe->vms[e.vm]);
    e.attempts++;
    cluster_event_log(ctx, c, fe->log_vm_restart_failed, e.vm, -1, e.attempts);
    ha_controller *ha = ha_of(fe, c);
    if (ha && e.attempts <= ha->retries) {
        if (ha->defragment)
            cluster_make_room(ctx, c, e.vm, CLUSTER_PLACE_RESTART); /* migrations that free a host before the retry */
        sim_time_ns delay = ha_controller_retry_delay(ha, e.attempts);
        e.due_ns = sim_now(ctx) + delay;
        push_due(q, e);
        schedule_tick(ctx, fe, delay);
        return;
    }
    cluster_room_forget(c, e.vm); /* no retry will use room made for it */
    if (ha && e.attempts == ha->retries + 1) { /* the last retry: give up until a host rejoins */
        q->restarts_given_up++;
        ha->restarts_given_up++;
        if (env->rec && ha->log_restart_failed >= 0)
            cluster_event_log(ctx, c, ha->log_restart_failed, e.vm, e.attempts, 0);
    }
    push_waiting(q, e);
}

static void restart_tick(sim_ctx *ctx, cluster *c, failure_env *fe, restart_queue *q)
{
    sim_time_ns now = sim_now(ctx);
    /* the due entries first, in restart order; the others after them */
    uint32_t n_ready = 0;
    for (uint32_t i = 0; i < q->n_due; i++)
        if (q->due[i].due_ns <= now) {
            restart_entry t = q->due[i];
            q->due[i] = q->due[n_ready];
            q->due[n_ready++] = t;
        }
    qsort(q->due, n_ready, sizeof *q->due, ha_of(fe, c) ? ha_entry_order : entry_order);
    /* take them out first: a failed attempt pushes its retry onto q->due */
    restart_entry *ready = malloc((n_ready ? n_ready : 1) * sizeof *ready);
    if (!ready)
        abort(); /* out of memory inside a handler */
    for (uint32_t i = 0; i < n_ready; i++)
        ready[i] = q->due[i];
    for (uint32_t i = n_ready; i < q->n_due; i++)
        q->due[i - n_ready] = q->due[i];
    q->n_due -= n_ready;
    for (uint32_t k = 0; k < n_ready; k++) {
        uint32_t id = ready[k].vm;
        int32_t chosen = ha_of(fe, c) ? ha_controller_restart_place(ha_of(fe, c), c, id)
                                : cluster_choose_and_commit(c, id, CLUSTER_PLACE_RESTART);
        if (chosen < 0) {
            restart_no_capacity(ctx, c, fe, q, ready[k]);
            continue;
        }
        q->restarts++;
        q->vms_down--;
        cluster_event_log(ctx, c, fe->log_vm_restarted, id, chosen, 0);
        cluster_send_start(ctx, c, id, chosen);
    }
    free(ready);
}

/* The series of the restart queue, at every cluster sample. */
static void restart_sample(sim_ctx *ctx, cluster *c, const cluster_feature *f)
{
    const model_env *env = c->env;
    const failure_env *fe = &((const failure_model *)f->world)->env;
    const restart_queue *q = restart_of(fe, c);
    sim_time_ns now = sim_now(ctx);
    if (!env->rec)
        return;
    rec_series_put(env->rec, fe->series_cluster_hosts_up, now, (int)c->index, (double)q->hosts_usable);
    rec_series_put(env->rec, fe->series_cluster_vms_down, now, (int)c->index, (double)q->vms_down);
    /* waiting: found no capacity, whether on a retry timer or for a host */
    uint32_t waiting = q->n_waiting;
    for (uint32_t i = 0; i < q->n_due; i++)
        waiting += q->due[i].attempts > 0;
    rec_series_put(env->rec, fe->series_cluster_vms_waiting, now, (int)c->index, (double)waiting);
}

static void restart_host_up(sim_ctx *ctx, cluster *c, failure_env *fe, restart_queue *q, uint32_t h)
{
    if (!c->view[h].usable) {
        c->view[h].usable = 1;
        q->hosts_usable++;
    }
    sim_time_ns now = sim_now(ctx);
    int retry = q->n_waiting > 0;
    for (uint32_t i = 0; i < q->n_waiting; i++) {
        restart_entry e = q->waiting[i];
        e.due_ns = now;
        push_due(q, e);
    }
    q->n_waiting = 0;
    if (ha_of(fe, c)) /* timed retries wait no longer either */
        for (uint32_t i = 0; i < q->n_due; i++)
            if (q->due[i].attempts > 0 && q->due[i].due_ns > now) {
                q->due[i].due_ns = now;
                retry = 1;
            }
    if (retry)
        schedule_tick(ctx, fe, 0);
}

static void restart_vm_failed(sim_ctx *ctx, cluster *c, failure_env *fe, restart_queue *q, const cluster_notice *n)
{
    const model_env *env = c->env;
    uint32_t id = n->vm;
    if (q->lifetime_over[cluster_vm_slot(c, id)]) { /* it was to stop anyway: release, no restart */
        vm_off_for_good(ctx, fe, id);
        vm_msg m = {.vm = id};
        sim_send(ctx, sim_self(ctx), 0, env->kind_vm_stopped, &m, sizeof m);
        return;
    }
    cluster_uncommit(c, id, n->host);
    q->vms_down++;
    ha_priority prio = ha_controller_priority(ha_of(fe, c), id);
    if (prio == HA_PRIORITY_DISABLED)
        return; /* HA never restarts it */
    sim_time_ns due = n->at_ns + fe->detection_ns;
    push_due(q, (restart_entry){.vm = id, .priority = prio, .due_ns = due, .failed_ns = n->at_ns});
    schedule_tick(ctx, fe, due - sim_now(ctx));
}

static void restart_observe(sim_ctx *ctx, cluster *c, const cluster_feature *f, const cluster_notice *n)
{
    failure_env *fe = &((failure_model *)f->world)->env;
    restart_queue *q = restart_of(fe, c);
    switch ((cluster_notice_kind)n->kind) {
    case CLUSTER_NOTICE_HOST_DOWN:
        if (c->view[n->host].usable) {
            c->view[n->host].usable = 0;
            q->hosts_usable--;
        }
        break;
    case CLUSTER_NOTICE_HOST_UP:
        restart_host_up(ctx, c, fe, q, (uint32_t)n->host);
        break;
    case CLUSTER_NOTICE_VM_FAILED:
        restart_vm_failed(ctx, c, fe, q, n);
        break;
    }
}

static int restart_handle(sim_ctx *ctx, cluster *c, const cluster_feature *f, const sim_event *ev)
{
    failure_env *fe = &((failure_model *)f->world)->env;
    if (ev->kind != fe->kind_cluster)
        return 0;
    if (((const failure_msg *)ev->payload.bytes)->op != FOP_RESTART_TICK)
        abort(); /* another LP's operation sent here: a model bug */
    restart_tick(ctx, c, fe, restart_of(fe, c));
    return 1;
}

/* Removes vm_id from an entry array; 1 if it was there. */
static int remove_entry(restart_entry *a, uint32_t *n, uint32_t vm_id)
{
    for (uint32_t i = 0; i < *n; i++)
        if (a[i].vm == vm_id) {
            for (uint32_t j = i + 1; j < *n; j++)
                a[j - 1] = a[j];
            (*n)--;
            return 1;
        }
    return 0;
}

/* The VM's lifetime is over. If it is down waiting for a restart it is
 * dropped from the queue, its downtime closed, and the cluster forgets it:
 * returns 1. Otherwise returns 0 and remembers, so that a failure reported
 * later releases it instead of restarting it. */
static int restart_lifetime_over(sim_ctx *ctx, cluster *c, const cluster_feature *f, uint32_t vm_id)
{
    failure_env *fe = &((failure_model *)f->world)->env;
    restart_queue *q = restart_of(fe, c);
    q->lifetime_over[cluster_vm_slot(c, vm_id)] = 1;
    if (!remove_entry(q->due, &q->n_due, vm_id) && !remove_entry(q->waiting, &q->n_waiting, vm_id))
        return 0; /* running (the host stops it) or on its way to a restart */
    /* Its capacity was released when it failed. */
    q->vms_down--;
    vm_off_for_good(ctx, fe, vm_id);
    cluster_vm_gone(ctx, c, vm_id);
    return 1;
}

const cluster_hooks failure_cluster_hooks = {
    .name = "restarts",
    .handle = restart_handle,
    .observe = restart_observe,
    .lifetime_over = restart_lifetime_over,
    .sample = restart_sample,
};
