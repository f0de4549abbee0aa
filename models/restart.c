/* restart.c - the controller restarts VMs of failed hosts (vSphere HA's
 * role), on the cluster LP (see restart.h).
 *
 * Rules:
 *  - FOP_HOST_DOWN: the host leaves the placement view (usable = 0).
 *  - FOP_VM_FAILED(vm, host, t, cause): the VM's memory is released from
 *    the host in the view and the VM becomes due for restart at
 *    t + failures.detection_time.
 *  - FOP_RESTART_TICK: every due VM is placed, in order of (due time, VM
 *    id), with the cluster's placement policy; a placed VM gets vm.start
 *    after the control latency (log vm_restarted, a = host); one that finds
 *    no capacity is logged vm_restart_failed and waits.
 *  - FOP_HOST_UP: the host rejoins the view, and every waiting VM is retried
 *    at once (retry policy: on each host that comes back; no timer).
 * Admission control and restart priorities (the HA issue) slot into
 * restart_tick(): the sort order and a check before placement_choose().
 */
#include <stdlib.h>

#include "models/restart.h"

#include "models/cluster.h"
#include "models/failure_internal.h"

int restart_init(restart_queue *q, uint32_t n_hosts)
{
    *q = (restart_queue){.hosts_usable = n_hosts};
    return 0;
}

void restart_free(restart_queue *q)
{
    free(q->due);
    free(q->waiting);
    q->due = NULL;
    q->waiting = NULL;
}

static void cluster_event_log(sim_ctx *ctx, cluster *c, int kind, int64_t subject, int64_t a, int64_t b)
{
    const model_env *env = c->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++c->log_seq, kind, subject, a, b, 0.0);
}

static void push_due(restart_queue *q, uint32_t vm_id, sim_time_ns due)
{
    if (q->n_due == q->cap_due) {
        uint32_t cap = q->cap_due ? q->cap_due * 2 : 64;
        restart_entry *grown = realloc(q->due, cap * sizeof *grown);
        if (!grown)
            abort(); /* out of memory inside a handler */
        q->due = grown;
        q->cap_due = cap;
    }
    q->due[q->n_due++] = (restart_entry){vm_id, due};
}

static void push_waiting(restart_queue *q, uint32_t vm_id)
{
    if (q->n_waiting == q->cap_waiting) {
        uint32_t cap = q->cap_waiting ? q->cap_waiting * 2 : 64;
        uint32_t *grown = realloc(q->waiting, cap * sizeof *grown);
        if (!grown)
            abort();
        q->waiting = grown;
        q->cap_waiting = cap;
    }
    q->waiting[q->n_waiting++] = vm_id;
}

static void schedule_tick(sim_ctx *ctx, const model_env *env, sim_time_ns delay)
{
    int64_t op = FOP_RESTART_TICK;
    sim_send(ctx, sim_self(ctx), delay > 0 ? delay : 0, env->fail->kind_cluster, &op, sizeof op);
}

static int entry_order(const void *a, const void *b)
{
    const restart_entry *x = a, *y = b;
    if (x->due_ns != y->due_ns)
        return x->due_ns < y->due_ns ? -1 : 1;
    return (x->vm > y->vm) - (x->vm < y->vm);
}

static void restart_tick(sim_ctx *ctx, cluster *c, restart_queue *q)
{
    const model_env *env = c->env;
    failure_env *fe = env->fail;
    sim_time_ns now = sim_now(ctx);
    qsort(q->due, q->n_due, sizeof *q->due, entry_order);
    uint32_t done = 0;
    while (done < q->n_due && q->due[done].due_ns <= now) {
        uint32_t id = q->due[done++].vm;
        int32_t chosen = cluster_choose_and_commit(c, id);
        if (chosen < 0) {
            q->restart_failures++;
            fe->vms[id].restart_failures++;
            cluster_event_log(ctx, c, fe->log_vm_restart_failed, id, -1, 0);
            push_waiting(q, id);
            continue;
        }
        q->restarts++;
        q->vms_down--;
        cluster_event_log(ctx, c, fe->log_vm_restarted, id, chosen, 0);
        int64_t payload = id;
        sim_send(ctx, env->first_host_lp + (uint32_t)chosen, env->control_latency_ns, env->kind_vm_start, &payload,
                 sizeof payload);
    }
    for (uint32_t i = done; i < q->n_due; i++)
        q->due[i - done] = q->due[i];
    q->n_due -= done;
}

static void restart_sample(sim_ctx *ctx, cluster *c, restart_queue *q)
{
    const model_env *env = c->env;
    const failure_env *fe = env->fail;
    sim_time_ns now = sim_now(ctx);
    if (env->rec) {
        rec_series_put(env->rec, fe->series_cluster_hosts_up, now, 0, (double)q->hosts_usable);
        rec_series_put(env->rec, fe->series_cluster_vms_down, now, 0, (double)q->vms_down);
        rec_series_put(env->rec, fe->series_cluster_vms_waiting, now, 0, (double)q->n_waiting);
    }
    sim_send(ctx, sim_self(ctx), env->sample_period_ns, fe->kind_cluster_sample, NULL, 0);
}

int restart_cluster_handle(sim_ctx *ctx, cluster *c, const sim_event *ev)
{
    const model_env *env = c->env;
    failure_env *fe = env->fail;
    restart_queue *q = fe->restart;
    if (ev->kind == fe->kind_cluster_sample) {
        restart_sample(ctx, c, q);
        return 1;
    }
    if (ev->kind != fe->kind_cluster)
        return 0;
    const int64_t *p = ev->payload.i64;
    switch ((failure_op)p[0]) {
    case FOP_HOST_DOWN:
        if (c->view[p[1]].usable) {
            c->view[p[1]].usable = 0;
            q->hosts_usable--;
        }
        break;
    case FOP_HOST_UP:
        if (!c->view[p[1]].usable) {
            c->view[p[1]].usable = 1;
            q->hosts_usable++;
        }
        for (uint32_t i = 0; i < q->n_waiting; i++)
            push_due(q, q->waiting[i], sim_now(ctx));
        if (q->n_waiting > 0)
            schedule_tick(ctx, env, 0);
        q->n_waiting = 0;
        break;
    case FOP_VM_FAILED: {
        uint32_t id = (uint32_t)p[1];
        placement_host_view *hv = &c->view[p[2]];
        uint64_t mem = env->vm_specs[id].memory_mib;
        hv->committed_memory_mib = hv->committed_memory_mib > mem ? hv->committed_memory_mib - mem : 0;
        sim_time_ns due = p[3] + fe->detection_ns;
        q->vms_down++;
        push_due(q, id, due);
        schedule_tick(ctx, env, due - sim_now(ctx));
        break;
    }
    case FOP_RESTART_TICK:
        restart_tick(ctx, c, q);
        break;
    default:
        abort();
    }
    return 1;
}
