/* drs_controller.c - the cluster controller's side of DRS and vMotion (see
 * drs_controller.h): its view from the hosts' stats, the DRS pass every
 * period, migrations as a vmotion_set driven by one self-timer, races with
 * failures, evacuation for maintenance, rules in placement. */
#include "models/vsphere/drs_controller.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cluster.h"
#include "models/core/datacenter.h"
#include "models/host/host_contention.h"
#include "models/vsphere/drs_defrag.h"
#include "models/core/model_env.h"
#include "sim/grow.h"
#include "sim/spill.h"

#define MIB_BYTES 1048576.0

/* The DRS state of the controller's cluster (drs_controller.h). */
static drs_env *drs_of(const cluster_feature *f, const cluster *c)
{
    drs_env *d = f->world;
    return d->cluster_envs ? d->cluster_envs[c->index] : d;
}

static void ctl_log(sim_ctx *ctx, cluster *c, int kind, int64_t subject, int64_t a, int64_t b, double value)
{
    const model_env *env = c->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++c->log_seq, kind, subject, a, b,
                  value);
}

static void send_host(sim_ctx *ctx, const model_env *env, const drs_env *d, uint32_t h, int32_t op, uint32_t vm_id, int32_t host_index, int32_t record)
{
    drs_msg m = {.op = op, .vm = vm_id, .host = host_index, .record = record};
    sim_send(ctx, env->first_host_lp + h, env->control_latency_ns, d->kind_host, &m, sizeof m);
}

/* The set's clock in seconds: the LP's, or the set's own when the timer
 * (fired at ceil(t) ns) has run it to an event at t that the conversion to
 * seconds puts an ulp later. */
static double set_now_s(sim_ctx *ctx, const vmotion_set *s)
{
    double now_s = (double)sim_now(ctx) * 1e-9;
    return now_s > s->now_s ? now_s : s->now_s;
}

static void send_stop(sim_ctx *ctx, cluster *c, uint32_t vm_id)
{
    int32_t h = c->vm_host[cluster_vm_slot(c, vm_id)];
    if (h >= 0)
        cluster_send_stop(ctx, c, vm_id, h);
}

/* Ends a migration record (done or aborted): the VM is free to move again,
 * and a power-off held for it goes out now. */
static void mig_close(sim_ctx *ctx, drs_env *d, cluster *c, drs_migration *m, int outcome)
{
    drs_ctl *k = &d->ctl;
    m->outcome = (uint8_t)outcome;
    m->set_id = -1;
    k->vm_migration[drs_vm_slot(k, m->vm)] = -1;
    k->sums_ok = 0; /* the VM is back in the view at its host */
    k->host_in_flight[drs_host_slot(k, m->src)]--;
    k->host_in_flight[drs_host_slot(k, m->dst)]--;
    if (outcome != 1)
        cluster_uncommit(c, m->vm, m->dst); /* the destination's hold (request_move) */
    cluster_move_end(c, m->vm, m->src, m->dst, outcome == 1); /* devices (vGPUs): one side given back */
    if (m->reason == DRS_REASON_PREREQUISITE || m->room_watch) { /* the held power-ons try again when the event is over */
        k->prerequisites_open--;
        k->room_made = 1;
    }
    for (uint32_t i = 0; i < k->n_deferred; i++) /* moves waiting for this one go when the event is over */
        if (k->deferred[i].state == 0 && k->deferred[i].after_vm == m->vm && k->deferred[i].dst == m->src) {
            k->deferred[i].state = outcome == 1 ? 1 : 2;
            k->deferred_ready = 1;
        }
    while (k->first_open < k->n_migs && drs_mig(k, k->first_open)->outcome != 0)
        k->first_open++;
    if (m->stop_pending)
        send_stop(ctx, c, m->vm);
}

/* Tells each host whether the vMotion CPU reservation is in force. */
static void cpu_update(sim_ctx *ctx, drs_env *d, cluster *c)
{
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) {
        uint8_t want = k->set.active[drs_host_slot(k, h)] > 0;
        if (want == k->cpu_charged[drs_host_slot(k, h)])
            continue;
        k->cpu_charged[drs_host_slot(k, h)] = want;
        drs_msg m = {.op = DRS_OP_VMOTION_CPU,
                     .cpu_mhz = want ? vmotion_host_cpu_reservation_mhz(k->nic_gbps[drs_host_slot(k, h)], env->host_specs[h].cpu_mhz)
                                     : 0.0};
        sim_send(ctx, env->first_host_lp + h, env->control_latency_ns, d->kind_host, &m, sizeof m);
    }
}

static void timer_arm(sim_ctx *ctx, drs_env *d, cluster *c)
{
    (void)c;
    drs_ctl *k = &d->ctl;
    k->timer_gen++;
    double next = vmotion_set_next_s(&k->set);
    if (!isfinite(next))
        return;
    double t_ns = ceil(next * 1e9);
    sim_time_ns now = sim_now(ctx);
    sim_time_ns delay = t_ns > (double)now ? (sim_time_ns)t_ns - now : 0;
    drs_msg m = {.op = DRS_OP_TIMER, .generation = k->timer_gen};
    sim_send(ctx, sim_self(ctx), delay, d->kind_cluster, &m, sizeof m);
}

/* Acts on what the set reports: pause at STOP_COPY, hand over at DONE. */
static void act_on(sim_ctx *ctx, drs_env *d, cluster *c, const vmotion_event *ev, uint32_t n)
{
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    for (uint32_t i = 0; i < n; i++) {
        int32_t r = k->vm_migration[drs_vm_slot(k, ev[i].vm)];
        if (r < 0)
            continue;
        drs_migration *m = drs_mig(k, r);
        const vmotion_entry *e = vmotion_set_entry(&k->set, ev[i].id);
        switch (ev[i].kind) {
        case VMOTION_EV_START:
            m->started_ns = sim_now(ctx);
            ctl_log(ctx, c, d->log_vmotion_started, m->vm, m->src, m->dst, 0.0); /* vmotion.active's monitors */
            break;
        case VMOTION_EV_STOP_COPY:
            m->paused = 1;
            send_host(ctx, env, d, (uint32_t)m->src, DRS_OP_PAUSE, m->vm, 0, 0);
            break;
        case VMOTION_EV_THROTTLE: { /* SDPS: the source slows the guest down (or stops) */
            m->throttled = 1;
            drs_msg t = {.op = DRS_OP_THROTTLE, .vm = m->vm, .guest_speed = e->m.guest_speed};
            sim_send(ctx, env->first_host_lp + (uint32_t)m->src, env->control_latency_ns, d->kind_host, &t, sizeof t);
            break;
        }
        case VMOTION_EV_DONE:
            m->sdps_min_speed = e->m.min_guest_speed;
            m->sdps_throttled_s = e->m.throttled_s;
            m->rounds = e->m.round;
            m->bytes = e->m.bytes_sent;
            m->duration_s = e->m.transfer_end_s;
            m->downtime_s = vmotion_downtime_s(&e->m);
            m->done_ns = sim_now(ctx);
            m->set_id = -1;
            send_host(ctx, env, d, (uint32_t)m->src, DRS_OP_HANDOVER, m->vm, m->dst, r);
            ctl_log(ctx, c, d->log_vmotion_done, m->vm, m->src, m->dst, m->downtime_s);
            break;
        }
    }
}

/* Room for every event the set can report at once: 3 per migration. */
static vmotion_event *event_buffer(drs_ctl *k, uint32_t *cap)
{
    uint32_t want = 3 * k->set.n_entries + 8;
    if (want > k->evcap) {
        vmotion_event *grown = realloc(k->evbuf, want * sizeof *grown);
        if (!grown)
            abort(); /* out of memory inside a handler */
        k->evbuf = grown;
        k->evcap = want;
    }
    *cap = k->evcap;
    return k->evbuf;
}

/* Runs the set up to now and acts on its events. */
static void advance(sim_ctx *ctx, drs_env *d, cluster *c)
{
    drs_ctl *k = &d->ctl;
    uint32_t cap;
    vmotion_event *ev = event_buffer(k, &cap);
    for (;;) {
        double t = set_now_s(ctx, &k->set), next = vmotion_set_next_s(&k->set);
        if (isfinite(next) && ceil(next * 1e9) <= (double)sim_now(ctx))
            t = next > t ? next : t; /* due at this ns */
        else if (!(next <= t))
            return;
        uint32_t n = vmotion_set_run_until(&k->set, t, ev, cap);
        act_on(ctx, d, c, ev, n);
        ev = event_buffer(k, &cap);
    }
}

static int32_t mig_new(drs_ctl *k)
{
    if (k->n_migs == k->n_mig_chunks * DRS_MIG_CHUNK) {
        drs_mig_chunk *grown = realloc(k->mig_chunks, (k->n_mig_chunks + 1) * sizeof *grown);
        if (!grown)
            abort(); /* out of memory inside a handler */
        k->mig_chunks = grown;
        grown[k->n_mig_chunks] = (drs_mig_chunk){.records = malloc(DRS_MIG_CHUNK * sizeof(drs_migration)),
                                                 .parked_at = -1};
        if (!grown[k->n_mig_chunks].records)
            abort();
        k->n_mig_chunks++;
    }
    memset(drs_mig(k, k->n_migs), 0, sizeof(drs_migration));
    return (int32_t)k->n_migs++;
}

/* Parks the chunks whose records are all closed (before first_open): the
 * run never reads them again, only the table at the end does (drs_build.c).
 * Called where no loop over the records is running (a DRS tick). A chunk
 * the store refuses stays in memory. */
static void mig_park_closed(drs_ctl *k)
{
    for (; k->n_mig_parked < k->first_open / DRS_MIG_CHUNK; k->n_mig_parked++) {
        drs_mig_chunk *ch = &k->mig_chunks[k->n_mig_parked];
        int64_t at = spill_put(k->mig_spill, ch->records, DRS_MIG_CHUNK * sizeof(drs_migration));
        if (at >= 0) {
            free(ch->records);
            *ch = (drs_mig_chunk){.records = NULL, .parked_at = at};
        }
    }
}

/* Starts the migration of vm_id from src to dst: 1, or 0 when it is dropped
 * (a device not free, a bad parameter). */
static int request_move(sim_ctx *ctx, drs_env *d, cluster *c, uint32_t vm_id, int32_t src, int32_t dst, drs_reason reason)
{
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    vmotion_params p = d->vmotion;
    p.memory_bytes = (double)vm_spec_memory_mib(model_vm_spec(env, vm_id)) * MIB_BYTES;
    p.dirty_rate_bytes_per_s = k->vm_dirty_bytes_per_s[drs_vm_slot(k, vm_id)];
    p.stun_device_bytes = cluster_move_begin(c, vm_id, src, dst); /* vGPUs taken at dst */
    if (p.stun_device_bytes < 0.0)
        return 0; /* a device the pass saw free is not: the move is dropped */
    /* the destination holds the VM's memory and reservations from the
     * start, as vMotion's does, the source until it arrives: a power-on
     * or restart meanwhile cannot take the room it is going to */
    cluster_commit(c, vm_id, dst);
    vmotion_event ev[2];
    uint32_t n = 0;
    int32_t r = mig_new(k);
    drs_migration *m = drs_mig(k, r);
    m->vm = vm_id;
    m->src = src;
    m->dst = dst;
    m->reason = (uint8_t)reason;
    if (reason == DRS_REASON_PREREQUISITE)
        k->prerequisites_open++;
    m->requested_ns = sim_now(ctx);
    m->started_ns = m->done_ns = -1;
    m->sdps_min_speed = 1.0;
    k->vm_migration[drs_vm_slot(k, vm_id)] = r;
    k->sums_ok = 0; /* the view has the VM at its destination now */
    k->host_in_flight[drs_host_slot(k, src)]++;
    k->host_in_flight[drs_host_slot(k, dst)]++;
    m->set_id = vmotion_set_request(&k->set, vm_id, (int32_t)drs_host_slot(k, (uint32_t)src),
                                     (int32_t)drs_host_slot(k, (uint32_t)dst), &p, set_now_s(ctx, &k->set), ev, &n);
    if (m->set_id < 0) { /* a bad parameter: the move is dropped */
        mig_close(ctx, d, c, m, 2);
        return 0;
    }
    act_on(ctx, d, c, ev, n);
    return 1;
}

/* Aborts a migration still in the set; a paused VM resumes on its source
 * (a no-op there if the source took it down). */
static void abort_migration(sim_ctx *ctx, drs_env *d, cluster *c, drs_migration *m)
{
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    uint32_t cap, n = 0;
    vmotion_event *ev = event_buffer(k, &cap);
    vmotion_set_cancel(&k->set, (uint32_t)m->set_id, set_now_s(ctx, &k->set), ev, cap, &n);
    if (m->paused || m->throttled) /* RESUME also lifts an SDPS slow-down */
        send_host(ctx, env, d, (uint32_t)m->src, DRS_OP_RESUME, m->vm, 0, 0);
    ctl_log(ctx, c, d->log_vmotion_aborted, m->vm, m->src, m->dst, 0.0);
    mig_close(ctx, d, c, m, 2);
    act_on(ctx, d, c, ev, n);
}

static uint32_t in_flight_on(const drs_ctl *k, uint32_t h) { return k->host_in_flight[drs_host_slot(k, h)]; }

/* The host's state for DRS: standby hosts are out like failed ones. */
static drs_host_state drs_state_of(const drs_ctl *k, uint32_t h)
{
    if (k->host_standby[drs_host_slot(k, h)] || k->host_state[drs_host_slot(k, h)] == DRS_HOST_DOWN)
        return DRS_HOST_DOWN;
    return k->host_evacuating[drs_host_slot(k, h)] ? DRS_HOST_MAINTENANCE : DRS_HOST_UP;
}

/* Some VM holds a promise (drs_promise) on the cluster's host i. */
static int has_promise(const drs_ctl *k, uint32_t i)
{
    for (uint32_t p = 0; p < k->n_promises; p++)
        if (k->promises[p].host == i)
            return 1;
    return 0;
}

/* Host h's boot, or its failure before it ended: when the boot was for held
 * power-ons (host_standby 3, drs_make_room), they try again. */
static void boot_for_room_over(drs_ctl *k, uint32_t h)
{
    if (k->host_standby[drs_host_slot(k, h)] != 3)
        return;
    k->host_standby[drs_host_slot(k, h)] = 2;
    k->prerequisites_open--;
    k->room_made = 1;
}

/* VM v has a move waiting for another (drs_deferred, state 0 or 1). */
static int has_deferred(const drs_ctl *k, uint32_t v)
{
    for (uint32_t i = 0; i < k->n_deferred; i++)
        if (k->deferred[i].vm == v && k->deferred[i].state <= 1)
            return 1;
    return 0;
}

/* VM v at `slot` of the per-VM arrays: not pinned, running, not in
 * flight, and no move of it waiting (a pass does not plan it again). */
static int vm_movable_at(const drs_env *d, uint32_t v, uint32_t slot)
{
    return !d->vm_pinned[v] && d->ctl.vm_running[slot] && d->ctl.vm_migration[slot] < 0 &&
           !(d->ctl.n_deferred && has_deferred(&d->ctl, v));
}

static int vm_movable(const drs_env *d, const cluster *c, uint32_t v)
{
    (void)c;
    return vm_movable_at(d, v, drs_vm_slot(&d->ctl, v));
}

/* The slot of the cluster's i-th VM (cluster_vm_at) in the per-VM arrays
 * of the controller (drs_vm_slot) and of the cluster (cluster_vm_slot): i
 * itself, since vm_local maps vm_ids[i] to i (models/core/core_build.c),
 * and without `clusters` both are the identity. Loops over the cluster's
 * VMs use it instead of a scattered vm_local read per VM. */
static uint32_t own_slot(uint32_t i) { return i; }

/* With `clusters`, a built-in pass without rules sees only the cluster's
 * own hosts and VMs, renumbered from 0 in the same order (the other
 * clusters' are DOWN and nowhere in its view and would change nothing but
 * the cost); moves are numbered back. Rules and other policies see the
 * whole view, numbered as in the run. */
static int local_view(const drs_env *d, const cluster *c)
{
    (void)c;
    return d->ctl.local;
}

/* The pass's device check (vGPUs, cluster_move_fits) with the pass's
 * assignment as the plan; a local view is numbered back to the run's. */
typedef struct pass_devices {
    const cluster *c;
    const int32_t *assignment;
    int local;
} pass_devices;

static int32_t planned_host(const void *arg, uint32_t vm_id)
{
    const pass_devices *pd = arg;
    if (!pd->local)
        return pd->assignment[vm_id];
    int32_t h = pd->assignment[cluster_vm_slot(pd->c, vm_id)];
    return h >= 0 ? h + (int32_t)pd->c->first_host : h;
}

static int pass_devices_fit(const void *arg, uint32_t v, uint32_t h, const int32_t *assignment)
{
    const pass_devices *pd = arg;
    (void)assignment; /* the same array as pd->assignment */
    cluster_plan plan = {planned_host, pd};
    return pd->local ? cluster_move_fits(pd->c, pd->c->vm_ids[v], (int32_t)(h + pd->c->first_host), &plan)
                     : cluster_move_fits(pd->c, v, (int32_t)h, &plan);
}

/* Where the view has the cluster's VM at `slot`: its host, or its
 * destination while in flight (-1: nowhere). `flying`: some migration is
 * open (else no VM is in flight and the lookup is skipped). */
static int32_t view_host_at(const drs_ctl *k, const cluster *c, uint32_t slot, int flying)
{
    int32_t r = flying ? k->vm_migration[slot] : -1;
    return r >= 0 ? drs_mig(k, r)->dst : c->vm_host[slot];
}

static int migrations_open(const drs_ctl *k) { return k->first_open < k->n_migs; }

/* The view's per-host entitlement sums, from a walk over the cluster's VMs
 * in slot order (view_sums[0..2 nh)), the VMs behind each (view_count),
 * and with DRS_COMBINE_WEIGHTED the demand of the VMs on hosts not DOWN
 * (into demand). The sums are then kept (sums_ok) until something they
 * depend on changes other than through a host's stats that keep them
 * exact (drs_cluster_handle). O(VMs + hosts). */
static void view_sums_walk(drs_env *d, const cluster *c, double demand[2])
{
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    uint32_t nh = c->n_hosts, first = c->first_host, n_vms = cluster_vm_count(c, env->n_vms);
    const drs_host *hosts = k->hosts + drs_host_slot(k, first);
    double *sum[2] = {k->view_sums, k->view_sums + nh};
    uint32_t *count = k->view_count;
    const double *cpu = k->vm_cpu_mhz, *mem = k->vm_mem_mib;
    /* the demand sets only the weights of DRS_COMBINE_WEIGHTED */
    int weighted = d->params.combine == DRS_COMBINE_WEIGHTED, flying = migrations_open(k);
    for (uint32_t j = 0; j < nh; j++) {
        sum[0][j] = sum[1][j] = 0.0;
        count[j] = 0;
    }
    for (uint32_t i = 0; i < n_vms; i++) {
        uint32_t slot = own_slot(i);
        /* unsigned: a VM nowhere (-1) or on a host below `first` wraps past nh */
        uint32_t j = (uint32_t)view_host_at(k, c, slot, flying) - first;
        if (j >= nh)
            continue; /* nowhere, or on another cluster's host: in no sum */
        sum[0][j] += cpu[slot];
        sum[1][j] += mem[slot];
        count[j]++;
        if (weighted && hosts[j].state != DRS_HOST_DOWN) {
            demand[0] += cpu[slot];
            demand[1] += mem[slot];
        }
    }
    k->sums_ok = 1;
}

/* The combined imbalance of the controller's view with the cluster's own
 * hosts as k->hosts holds them: each VM at its host, a VM in flight at its
 * destination. The same value, bit for bit, as drs_imbalance() on the
 * pass's VM array (drs_imbalance_of_sums: the sums are added in the same
 * VM order; the other clusters' hosts and VMs, DOWN and nowhere in a view
 * that is not local, change no sum), without filling that array. From the
 * kept per-host sums when they hold (O(hosts): most calls), else after a
 * walk over the VMs (O(VMs + hosts)); with DRS_COMBINE_WEIGHTED always the
 * walk (its demand is one sum over every VM in slot order). No allocation. */
static double view_imbalance(drs_env *d, const cluster *c)
{
    drs_ctl *k = &d->ctl;
    uint32_t nh = c->n_hosts;
    const drs_host *hosts = k->hosts + drs_host_slot(k, c->first_host);
    double *sum[2] = {k->view_sums, k->view_sums + nh}, *load[2] = {k->view_sums + 2 * (size_t)nh, k->view_sums + 3 * (size_t)nh};
    double demand[2] = {0.0, 0.0};
    if (!k->sums_ok || d->params.combine == DRS_COMBINE_WEIGHTED) {
        view_sums_walk(d, c, demand);
    } else {
#ifndef NDEBUG /* debug builds prove the kept sums against a fresh walk */
        double *kept = malloc(2 * (size_t)(nh ? nh : 1) * sizeof *kept);
        assert(kept != NULL);
        memcpy(kept, k->view_sums, 2 * (size_t)nh * sizeof *kept);
        view_sums_walk(d, c, demand);
        for (uint32_t j = 0; j < 2 * nh; j++)
            assert(kept[j] == k->view_sums[j]);
        free(kept);
#endif
    }
    return drs_imbalance_of_sums(hosts, nh, sum, load, demand, d->params.combine);
}

/* The view's per-host sums after the stats of host j (of the cluster's
 * hosts) were taken: kept exact when the VMs it reported are all the view
 * has on it (all on it, and as many as view_count); its sums are then
 * those VMs' entitlements added in slot order, the walk's, which is the
 * order take_stats_range added them in. Otherwise the next view_imbalance
 * walks. O(1). */
static void view_sums_update(drs_ctl *k, const cluster *c, uint32_t j, const drs_stats_sums *r)
{
    uint32_t nh = c->n_hosts;
    if (!k->sums_ok || k->view_count[j] != r->n || r->away) {
        k->sums_ok = 0;
        return;
    }
    k->view_sums[j] = r->cpu_mhz;
    k->view_sums[nh + j] = r->mem_mib;
}

/* A pass of the built-in policy that provably moves nothing, answered
 * without building its state: no rules and no host being evacuated (so no
 * mandatory move: drs_pass's needs_mandatory_move is 0 for every VM) and
 * the view's imbalance not above the target (so its load-balancing loop
 * stops at once, DRS_STOP_BALANCED, the imbalance unchanged). *out is then
 * what drs_pass would return, bit for bit (view_imbalance). 0: run the pass.
 * k->hosts must hold the pass's view of the cluster's hosts. */
static int pass_is_idle(drs_env *d, const cluster *c, drs_pass_result *out)
{
    const drs_ctl *k = &d->ctl;
    const drs_params *p = &d->params;
    if (d->policy->pass != NULL || d->n_rules > 0 || p->threshold < 1 || p->threshold > 5)
        return 0;
    uint32_t balancing = 0;
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) {
        const drs_host *dh = &k->hosts[drs_host_slot(k, h)];
        if (dh->state == DRS_HOST_MAINTENANCE)
            return 0;
        balancing += dh->state == DRS_HOST_UP && !dh->failover_host;
    }
    double target = drs_target_imbalance(p->threshold, balancing);
    double before = view_imbalance(d, c);
    if (before > target)
        return 0;
    *out = (drs_pass_result){.imbalance_before = before, .imbalance_after = before, .target = target, .stop = DRS_STOP_BALANCED};
    return 1;
}

/* The pass on the view's VMs (k->hosts filled): the moves into k->moves,
 * in the run's numbers; their count, or -1. A local view's VM array and
 * assignment exist only while the pass runs (few passes get here: most are
 * idle, pass_is_idle), so they are filled whole each time; the full view
 * keeps its arrays and writes the VMs' static fields (reservations, memory,
 * VFs: fixed for the run) at its first pass only, since its VM records are
 * scattered and a read of each costs a cache miss. */
static int full_pass(drs_env *d, cluster *c, drs_pass_result *res)
{
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    int local = local_view(d, c);
    uint32_t n_view = local ? c->n_vm_ids : env->n_vms;
    drs_vm *vms = k->vms;
    int32_t *assignment = k->assignment;
    if (local) {
        vms = malloc((n_view ? n_view : 1) * sizeof *vms);
        assignment = malloc((n_view ? n_view : 1) * sizeof *assignment);
        if (!vms || !assignment)
            abort(); /* out of memory inside a handler */
    }
    int set_static = local || !k->vms_static_set;
    k->vms_static_set = 1;
    for (uint32_t i = 0; i < cluster_vm_count(c, env->n_vms); i++) {
        uint32_t v = cluster_vm_at(c, i), slot = own_slot(i);
        int32_t r = k->vm_migration[slot];
        int32_t h = r >= 0 ? drs_mig(k, r)->dst : c->vm_host[slot];
        drs_vm *dv = local ? &vms[i] : &vms[v];
        if (set_static) {
            const vm_spec *vs = model_vm_spec(env, v);
            dv->cpu_reservation_mhz = vm_spec_res(vs)->cpu_reservation_mhz;
            dv->mem_reservation_mib = vm_spec_res(vs)->memory_reservation_mib;
            dv->memory_mib = (double)vm_spec_memory_mib(vs);
            dv->sriov_vfs = vm_spec_res(vs)->sriov ? 1u : 0u;
        }
        dv->host = h;
        dv->cpu_entitlement_mhz = k->vm_cpu_mhz[slot];
        dv->mem_entitlement_mib = k->vm_mem_mib[slot];
        dv->dirty_rate_mib_per_s = k->vm_dirty_bytes_per_s[slot] / MIB_BYTES;
        dv->pinned = !vm_movable_at(d, v, slot);
        if (local) {
            dv->host = h >= 0 ? h - (int32_t)c->first_host : h;
            assignment[i] = dv->host;
        } else {
            assignment[v] = h;
        }
    }
    pass_devices pd = {c, assignment, local};
    drs_params params = d->params;
    params.device_fits = pass_devices_fit;
    params.device_arg = &pd;
    uint32_t cap = d->params.max_moves_per_pass + 1; /* no pass makes more (drs.h, drs_policy_pass) */
    int n;
    if (local) {
        drs_cluster lcl = {k->hosts + drs_host_slot(k, c->first_host), c->n_hosts, vms, n_view, NULL, 0};
        n = drs_pass(&lcl, &params, assignment, k->moves, cap, res);
        for (int i = 0; i < n; i++) { /* back to the run's VM and host numbers */
            k->moves[i].vm = c->vm_ids[k->moves[i].vm];
            k->moves[i].from += k->moves[i].from >= 0 ? (int32_t)c->first_host : 0;
            k->moves[i].to += k->moves[i].to >= 0 ? (int32_t)c->first_host : 0;
        }
        free(vms);
        free(assignment);
    } else {
        drs_cluster cl = {k->hosts, env->n_hosts, vms, n_view, d->rules, d->n_rules};
        n = d->policy->pass ? drs_policy_pass(d, &cl, &params, assignment, k->moves, cap, res)
                            : drs_pass(&cl, &params, assignment, k->moves, cap, res);
    }
    return n;
}

/* Fills the DRS view and runs one pass; its moves become migrations. */
/* The VMs a hard anti-affinity rule keeps apart from vm_id, each passed to
 * visit until one returns >= 0, which is returned (else -1). */
static int64_t each_anti_affine(const drs_env *d, uint32_t vm_id,
                                int64_t (*visit)(const drs_env *d, cluster *c, uint32_t u, int32_t arg), cluster *c,
                                int32_t arg)
{
    const drs_rule_index *idx = &d->rule_index;
    if (!idx->offsets || vm_id >= idx->n_vms)
        return -1;
    for (uint32_t r = idx->offsets[vm_id]; r < idx->offsets[vm_id + 1]; r++) {
        const drs_rule *rule = &d->rules[idx->rule_ids[r]];
        if (rule->kind != DRS_RULE_VM_ANTI_AFFINITY)
            continue;
        for (uint32_t a = 0; a < rule->n_vms; a++) {
            int64_t got = rule->vms[a] == vm_id || rule->vms[a] >= idx->n_vms ? -1 : visit(d, c, rule->vms[a], arg);
            if (got >= 0)
                return got;
        }
    }
    return -1;
}

/* u, if it is on `to` and migrating away from it. */
static int64_t leaving_from(const drs_env *d, cluster *c, uint32_t u, int32_t to)
{
    int32_t rec = d->ctl.vm_migration[drs_vm_slot(&d->ctl, u)];
    return c->vm_host[cluster_vm_slot(c, u)] == to && rec >= 0 && drs_mig(&d->ctl, rec)->dst != to ? (int64_t)u : -1;
}

/* A VM anti-affine to vm_id (a hard rule) that is on host `to` and
 * migrating away from it, or -1. Moving vm_id there now would put the two
 * together until that migration ends: vSphere orders such
 * recommendations (a recommendation lists its prerequisites, vSphere
 * API ClusterRecommendation.prerequisite). */
static int64_t leaving_anti_affine(const drs_env *d, cluster *c, uint32_t vm_id, int32_t to)
{
    return each_anti_affine(d, vm_id, leaving_from, c, to);
}

/* The VM whose migration off host `to` a move of vm_id there must wait
 * for, or -1: an anti-affine VM leaving it, or, when vm_id's reservations
 * do not fit there yet (the placement view holds a VM on its source until
 * it arrives), a VM leaving it (the first open migration). vSphere runs a
 * recommendation after those it names as prerequisites [M]. */
static int64_t move_prerequisite(const drs_env *d, cluster *c, uint32_t vm_id, int32_t to, int new_move)
{
    int64_t u = leaving_anti_affine(d, c, vm_id, to);
    if (u >= 0)
        return u;
    placement_request req = cluster_vm_request(c, vm_id);
    if (placement_reservations_fit(&c->view[to], &req))
        return -1;
    const drs_ctl *k = &d->ctl;
    for (uint32_t r = k->first_open; r < k->n_migs; r++) {
        const drs_migration *m = drs_mig(k, r);
        if (m->outcome == 0 && m->src == to && m->dst != to)
            return (int64_t)m->vm;
    }
    /* a move off it that waits itself: a new move goes after it (a move
     * waits only for older ones, so no two wait for each other) */
    for (uint32_t i = 0; new_move && i < k->n_deferred; i++)
        if (k->deferred[i].state != 2 && k->deferred[i].src == to)
            return (int64_t)k->deferred[i].vm;
    return -1; /* nothing is leaving: the pass's view says it fits, it goes [M] */
}

static void defer_move(drs_ctl *k, const drs_deferred *e)
{
    if (sim_grow((void **)&k->deferred, &k->cap_deferred, k->n_deferred + 1, sizeof *k->deferred, 4))
        abort(); /* out of memory inside a handler */
    k->deferred[k->n_deferred++] = *e;
    if (e->reason == DRS_REASON_PREREQUISITE)
        k->prerequisites_open++; /* held power-ons wait for it as for a started one */
}

static void settle(sim_ctx *ctx, drs_env *d, cluster *c);

/* Moves waiting for vm_id to leave host `from` (drs_deferred) are dropped
 * when it will not: unless it is in flight from there or another move of
 * it from there still waits (mig_close then marks them). */
static void drop_dependants(drs_ctl *k, uint32_t vm_id, int32_t from)
{
    int32_t rec = k->vm_migration[drs_vm_slot(k, vm_id)];
    if (rec >= 0 && drs_mig(k, rec)->src == from)
        return;
    for (uint32_t i = 0; i < k->n_deferred; i++)
        if (k->deferred[i].vm == vm_id && k->deferred[i].src == from && k->deferred[i].state <= 1)
            return;
    for (uint32_t i = 0; i < k->n_deferred; i++)
        if (k->deferred[i].state == 0 && k->deferred[i].after_vm == vm_id && k->deferred[i].dst == from) {
            k->deferred[i].state = 2;
            k->deferred_ready = 1;
        }
}

static int32_t current_host(const void *arg, uint32_t vm_id);
static void evacuation_check(sim_ctx *ctx, drs_env *d, cluster *c, int allow_pass);

/* Deferred moves whose prerequisite ended during the event just handled:
 * those it left room for start, if the VM is still where the pass saw it
 * and may go (another VM to wait for: it waits again); those whose
 * prerequisite failed, or that may no longer go, are dropped, as vCenter
 * drops a recommendation whose prerequisite failed, and so are the moves
 * waiting for them. An evacuation that a dropped move held up is looked
 * at again. */
static void deferred_check(sim_ctx *ctx, drs_env *d, cluster *c)
{
    drs_ctl *k = &d->ctl;
    uint32_t started = 0;
    int evacuating = 0;
    while (k->deferred_ready) { /* a dropped move drops those waiting for it: again */
        k->deferred_ready = 0;
        for (uint32_t i = 0; i < k->n_deferred; i++) {
            drs_deferred e = k->deferred[i];
            if (e.state != 1 && e.state != 2)
                continue;
            k->deferred[i].state = 3; /* leaves the list (vm_movable no longer sees it) */
            int go = e.state == 1 && c->vm_host[cluster_vm_slot(c, e.vm)] == e.src && vm_movable(d, c, e.vm) &&
                     drs_state_of(k, (uint32_t)e.dst) == DRS_HOST_UP;
            int64_t leaving = go ? move_prerequisite(d, c, e.vm, e.dst, 0) : -1;
            if (leaving >= 0) { /* another VM to wait for */
                k->deferred[i].after_vm = (uint32_t)leaving;
                k->deferred[i].state = 0;
                continue;
            }
            if (e.reason == DRS_REASON_PREREQUISITE) { /* started (counted again) or dropped */
                k->prerequisites_open--;
                k->room_made = 1;
            }
            placement_request req = cluster_vm_request(c, e.vm);
            cluster_plan plan = {current_host, c};
            go = go && drs_rules_allow(d->rules, &d->rule_index, c->vm_host, e.vm, e.dst, 0) &&
                 placement_reservations_fit(&c->view[e.dst], &req) && cluster_move_fits(c, e.vm, e.dst, &plan);
            if (go) {
                if (started++ == 0)
                    advance(ctx, d, c); /* the set up to now before it takes new migrations, as a pass does */
                go = request_move(ctx, d, c, e.vm, e.src, e.dst, (drs_reason)e.reason);
            }
            if (!go) { /* dropped: the prerequisite failed, or the VM, the rules, the room or a device changed */
                drop_dependants(k, e.vm, e.src);
                evacuating |= k->host_evacuating[drs_host_slot(k, (uint32_t)e.src)];
            }
        }
        uint32_t kept = 0;
        for (uint32_t i = 0; i < k->n_deferred; i++)
            if (k->deferred[i].state != 3)
                k->deferred[kept++] = k->deferred[i];
        k->n_deferred = kept;
    }
    if (evacuating) {
        if (started == 0)
            advance(ctx, d, c);
        evacuation_check(ctx, d, c, 1); /* the host it held up may be empty now */
        started++;
    }
    if (started > 0)
        settle(ctx, d, c);
}

static void run_pass(sim_ctx *ctx, drs_env *d, cluster *c)
{
    drs_ctl *k = &d->ctl;
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) {
        const drs_host *f = &k->host_fixed[drs_host_slot(k, h)];
        k->hosts[drs_host_slot(k, h)] = (drs_host){.cpu_capacity_mhz = f->cpu_capacity_mhz,
                                 .mem_capacity_mib = f->mem_capacity_mib,
                                 .state = drs_state_of(k, h),
                                 .vmotion_nic_gbps = k->nic_gbps[drs_host_slot(k, h)],
                                 .vmotions_in_flight = in_flight_on(k, h),
                                 .sriov_vfs = f->sriov_vfs};
    }
    drs_pass_result res;
    int n = pass_is_idle(d, c, &res) ? 0 : full_pass(d, c, &res);
    if (n < 0)
        return;
    k->passes++;
    k->last_imbalance = res.imbalance_after;
    ctl_log(ctx, c, d->log_pass, (int64_t)k->passes, res.stop, n, res.imbalance_before);
    for (int i = 0; i < n; i++) {
        const drs_move *mv = &k->moves[i];
        /* A pass may move a VM again after its own earlier move of it (the
         * greedy search works on its snapshot). vCenter runs one migration
         * of a VM at a time, so the later move is dropped [M]: starting it
         * as well orphaned the first one's record, open for ever with its
         * hosts' in-flight counts held. A later move whose first one did
         * not start (a device not free) names a source the VM never
         * reached: dropped too. */
        if (k->vm_migration[drs_vm_slot(k, mv->vm)] >= 0 || c->vm_host[cluster_vm_slot(c, mv->vm)] != mv->from)
            continue;
        drs_reason why = mv->priority > 1                  ? DRS_REASON_BALANCE
                         : k->host_evacuating[drs_host_slot(k, mv->from)] ? DRS_REASON_MAINTENANCE
                                                        : DRS_REASON_RULE;
        ctl_log(ctx, c, d->log_move, mv->vm, mv->from, mv->to, mv->imbalance_after);
        k->moves_total++;
        int64_t leaving = move_prerequisite(d, c, mv->vm, mv->to, 1);
        if (leaving >= 0)
            defer_move(k, &(drs_deferred){.vm = mv->vm, .after_vm = (uint32_t)leaving, .src = mv->from,
                                          .dst = mv->to, .reason = (uint8_t)why});
        else
            request_move(ctx, d, c, mv->vm, mv->from, mv->to, why);
    }
}

/* Hosts being evacuated: when nothing is in flight to or from one, either
 * a pass moves what is left or, if nothing movable is left (or nothing can
 * move), it enters maintenance. */
/* Host h has migrations in flight to or from it, or a move off it that
 * waits for another (drs_deferred). */
static int host_busy(const drs_ctl *k, uint32_t h)
{
    if (in_flight_on(k, h) > 0)
        return 1;
    for (uint32_t i = 0; i < k->n_deferred; i++)
        if (k->deferred[i].state != 2 && k->deferred[i].src == (int32_t)h)
            return 1;
    return 0;
}

static void evacuation_check(sim_ctx *ctx, drs_env *d, cluster *c, int allow_pass)
{
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    int need_pass = 0;
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) {
        if (!k->host_evacuating[drs_host_slot(k, h)] || host_busy(k, h))
            continue;
        for (uint32_t i = 0; i < cluster_vm_count(c, env->n_vms) && !need_pass; i++)
            need_pass = c->vm_host[cluster_vm_slot(c, cluster_vm_at(c, i))] == (int32_t)h && vm_movable(d, c, cluster_vm_at(c, i));
    }
    if (need_pass && allow_pass)
        run_pass(ctx, d, c);
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) {
        if (!k->host_evacuating[drs_host_slot(k, h)] || host_busy(k, h))
            continue;
        uint32_t left = 0;
        for (uint32_t i = 0; i < cluster_vm_count(c, env->n_vms); i++)
            left += c->vm_host[cluster_vm_slot(c, cluster_vm_at(c, i))] == (int32_t)h;
        k->host_evacuating[drs_host_slot(k, h)] = 0;
        double took_s = (double)(sim_now(ctx) - k->evacuation_start_ns[drs_host_slot(k, h)]) * 1e-9;
        if (k->evacuation_for_standby[drs_host_slot(k, h)]) {
            k->evacuation_for_standby[drs_host_slot(k, h)] = 0;
            if (left > 0)
                continue; /* DPM gives up: something could not move */
            k->host_standby[drs_host_slot(k, h)] = 1;
            send_host(ctx, env, d, h, DRS_OP_STANDBY, 0, 0, 0);
            ctl_log(ctx, c, d->log_standby, h, 0, 0, took_s);
            continue;
        }
        k->host_state[drs_host_slot(k, h)] = DRS_HOST_DOWN;
        send_host(ctx, env, d, h, DRS_OP_ENTER_MAINTENANCE, 0, 0, 0);
        ctl_log(ctx, c, d->log_evacuated, h, left, 0, took_s);
    }
}

/* DPM after a pass: one host to standby or one back on (drs_controller.h). */
static void dpm_step(sim_ctx *ctx, drs_env *d, cluster *c)
{
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    double demand[2] = {0, 0}, cap[2] = {0, 0};
    uint32_t on = 0;
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) {
        if (k->host_evacuating[drs_host_slot(k, h)] || k->host_standby[drs_host_slot(k, h)] >= 2)
            return; /* one change at a time */
        if (drs_state_of(k, h) != DRS_HOST_UP)
            continue;
        cap[0] += k->host_fixed[drs_host_slot(k, h)].cpu_capacity_mhz;
        cap[1] += k->host_fixed[drs_host_slot(k, h)].mem_capacity_mib;
        on++;
    }
    memset(k->host_load + drs_host_slot(k, c->first_host), 0, c->n_hosts * sizeof *k->host_load);
    memset(k->host_stuck + drs_host_slot(k, c->first_host), 0, c->n_hosts * sizeof *k->host_stuck);
    for (uint32_t i = 0; i < cluster_vm_count(c, env->n_vms); i++) {
        uint32_t v = cluster_vm_at(c, i);
        int32_t h = c->vm_host[cluster_vm_slot(c, v)];
        if (h < 0)
            continue;
        demand[0] += k->vm_cpu_mhz[drs_vm_slot(k, v)];
        demand[1] += k->vm_mem_mib[drs_vm_slot(k, v)];
        k->host_load[drs_host_slot(k, h)] += k->vm_cpu_mhz[drs_vm_slot(k, v)];
        k->host_stuck[drs_host_slot(k, h)] |= (uint8_t)!vm_movable(d, c, v);
    }
    double u = on ? fmax(demand[0] / cap[0], demand[1] / cap[1]) : INFINITY;
    if (u > d->dpm_high) {
        for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++)
            if (k->host_standby[drs_host_slot(k, h)] == 1 && k->host_state[drs_host_slot(k, h)] == DRS_HOST_UP) {
                k->host_standby[drs_host_slot(k, h)] = 2;
                send_host(ctx, env, d, h, DRS_OP_POWER_ON, 0, 0, 0);
                ctl_log(ctx, c, d->log_power_on, h, 0, 0, u);
                return;
            }
        return;
    }
    if (!(u < d->dpm_low) || on < 2)
        return;
    if (k->prerequisites_open > 0 || k->n_promises > 0)
        return; /* room is being made for a VM: no host goes down meanwhile [M] */
    /* the least loaded host whose VMs can all move, promised to no VM and
     * that the other features let go (HA's failover capacity); ties to the
     * highest index */
    uint8_t *powered_on = malloc(c->n_hosts ? c->n_hosts : 1);
    if (!powered_on)
        abort(); /* out of memory inside a handler */
    for (uint32_t i = 0; i < c->n_hosts; i++)
        powered_on[i] = drs_state_of(k, c->first_host + i) == DRS_HOST_UP;
    int32_t pick = -1;
    for (;;) {
        pick = -1;
        double pick_load = INFINITY;
        for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) {
            if (drs_state_of(k, h) != DRS_HOST_UP || k->host_stuck[drs_host_slot(k, h)])
                continue;
            double load = k->host_load[drs_host_slot(k, h)] / k->host_fixed[drs_host_slot(k, h)].cpu_capacity_mhz;
            if (load <= pick_load) {
                pick = (int32_t)h;
                pick_load = load;
            }
        }
        if (pick < 0)
            break;
        double left_cpu = cap[0] - k->host_fixed[drs_host_slot(k, (uint32_t)pick)].cpu_capacity_mhz;
        double left_mem = cap[1] - k->host_fixed[drs_host_slot(k, (uint32_t)pick)].mem_capacity_mib;
        double u_after = fmax(demand[0] / left_cpu, demand[1] / left_mem);
        if (!(u_after < 0.5 * (d->dpm_low + d->dpm_high))) {
            pick = -1; /* hosts are taken in load order: the search ends here */
            break;
        }
        uint32_t i = (uint32_t)pick - c->first_host;
        powered_on[i] = 0;
        if (!has_promise(k, i) && cluster_may_power_down(c, (uint32_t)pick, powered_on))
            break;
        powered_on[i] = 1;
        k->host_stuck[drs_host_slot(k, pick)] = 1; /* kept on: try the next */
    }
    free(powered_on);
    if (pick < 0)
        return;
    k->host_evacuating[drs_host_slot(k, pick)] = 1;
    k->evacuation_for_standby[drs_host_slot(k, pick)] = 1;
    k->evacuation_start_ns[drs_host_slot(k, pick)] = sim_now(ctx);
}

/* After any change to the set: CPU reservations, the timer. */
static void settle(sim_ctx *ctx, drs_env *d, cluster *c)
{
    cpu_update(ctx, d, c);
    timer_arm(ctx, d, c);
}

/* A cluster notice (drs.enabled): hosts leaving or rejoining, VMs failing
 * abort the migrations they touch. */
static void drs_notice(sim_ctx *ctx, cluster *c, const cluster_feature *f, const cluster_notice *n)
{
    drs_env *d = drs_of(f, c);
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    if (!d->enabled)
        return;
    switch ((cluster_notice_kind)n->kind) {
    case CLUSTER_NOTICE_HOST_DOWN: {
        uint32_t h = (uint32_t)n->host;
        k->host_state[drs_host_slot(k, h)] = DRS_HOST_DOWN;
        boot_for_room_over(k, h); /* the held power-ons look elsewhere */
        advance(ctx, d, c);
        for (uint32_t i = k->first_open; i < k->n_migs; i++) {
            drs_migration *m = drs_mig(k, i);
            if (m->outcome == 0 && m->set_id >= 0 && (m->src == (int32_t)h || m->dst == (int32_t)h))
                abort_migration(ctx, d, c, m);
        }
        if (k->host_evacuating[drs_host_slot(k, h)]) { /* down before it was evacuated: its window begins anyway */
            k->host_evacuating[drs_host_slot(k, h)] = 0;
            if (!k->evacuation_for_standby[drs_host_slot(k, h)])
                send_host(ctx, env, d, h, DRS_OP_ENTER_MAINTENANCE, 0, 0, 0);
            k->evacuation_for_standby[drs_host_slot(k, h)] = 0;
        }
        evacuation_check(ctx, d, c, 1);
        settle(ctx, d, c);
        break;
    }
    case CLUSTER_NOTICE_HOST_UP:
        k->host_state[drs_host_slot(k, n->host)] = DRS_HOST_UP;
        k->host_evacuating[drs_host_slot(k, n->host)] = 0;
        break;
    case CLUSTER_NOTICE_VM_FAILED: {
        uint32_t v = n->vm;
        k->vm_running[drs_vm_slot(k, v)] = 0;
        k->vm_cpu_mhz[drs_vm_slot(k, v)] = k->vm_mem_mib[drs_vm_slot(k, v)] = 0.0;
        k->sums_ok = 0;
        int32_t r = k->vm_migration[drs_vm_slot(k, v)];
        if (r >= 0 && drs_mig(k, r)->set_id >= 0) {
            advance(ctx, d, c);
            if (drs_mig(k, r)->set_id >= 0)
                abort_migration(ctx, d, c, drs_mig(k, r));
            evacuation_check(ctx, d, c, 1);
            settle(ctx, d, c);
        }
        break;
    }
    }
}

static void on_arrived(sim_ctx *ctx, drs_env *d, cluster *c, uint32_t vm_id, int32_t r)
{
    drs_migration *m = drs_mig(&d->ctl, r);
    if (c->vm_host[cluster_vm_slot(c, vm_id)] == m->src) { /* the destination holds it already */
        cluster_uncommit(c, vm_id, m->src);
        c->vm_host[cluster_vm_slot(c, vm_id)] = m->dst;
        d->ctl.sums_ok = 0;
    } else {
        cluster_uncommit(c, vm_id, m->dst); /* released meanwhile (stopped): the hold goes too */
    }
    mig_close(ctx, d, c, m, 1);
}

/* The controller's view takes one VM's reported stats (the VM at `slot`). */
static void take_stats_at(drs_ctl *k, uint32_t slot, int32_t running, double cpu_mhz, double mem_mib,
                          double dirty_bytes_per_s)
{
    k->vm_running[slot] = (uint8_t)running;
    k->vm_cpu_mhz[slot] = cpu_mhz;
    k->vm_mem_mib[slot] = mem_mib;
    k->vm_dirty_bytes_per_s[slot] = dirty_bytes_per_s;
}

/* The controller's view takes the staged stats (drs_stage.h) of the
 * cluster's hosts lo .. hi - 1 (of c->n_hosts), as the HOST_STATS
 * messages they replace did: each reported VM's values, then each
 * reporting host's sums in the view (view_sums_update). The records of the
 * cluster's block are read in slot order, the order of the view's arrays
 * and of the walk's sums (one pass, no chain to follow); a record counts
 * when a host of the range staged it at the round being taken. */
static void take_stats_range(drs_env *d, cluster *c, uint32_t lo, uint32_t hi)
{
    drs_ctl *k = &d->ctl;
    const model_env *env = c->env;
    drs_stage_map map = drs_stage_map_of(env, c->index);
    const drs_stats_stage *rec = d->stage + map.first; /* rec[slot] */
    const uint32_t n = cluster_vm_count(c, env->n_vms), round = drs_stage_round(k->stats_sample_ns, env->sample_period_ns);
    /* unsigned: a host outside the range (or none) wraps past span */
    const uint32_t range_first = c->first_host + lo, span = hi - lo;
    const uint32_t staged = drs_stage_stamp(round, 0);
    uint32_t any = 0;
    for (uint32_t j = 0; j < span; j++)
        any |= d->host_staged[range_first + j] == staged;
    if (!any)
        return; /* no host of the range staged at this round: no record can match */
    drs_stats_sums *sums = k->stats_sums + lo; /* sums[host - range_first] */
    for (uint32_t j = 0; j < span; j++)
        sums[j] = (drs_stats_sums){0};
    double *cpu = k->vm_cpu_mhz, *mem = k->vm_mem_mib, *dirty = k->vm_dirty_bytes_per_s;
    uint8_t *running = k->vm_running;
    const int32_t *vm_host = c->vm_host;
    int flying = migrations_open(k);
    for (uint32_t slot = 0; slot < n; slot++) {
        __builtin_prefetch(&rec[slot + 16]); /* a hint only: may point past the block */
        const drs_stats_stage *g = &rec[slot];
        uint32_t j = g->host - range_first;
        if (!drs_stage_stamp_is(g->stamp, round) || j >= span)
            continue; /* stale, or another host's turn */
        running[slot] = (uint8_t)drs_stage_stamp_running(g->stamp);
        cpu[slot] = g->cpu_mhz;
        mem[slot] = g->mem_mib;
        dirty[slot] = g->dirty_bytes_per_s;
        int32_t on = vm_host[slot];
        if (flying) /* else no VM is in flight: most periods */
            on = view_host_at(k, c, slot, flying);
        drs_stats_sums *r = &sums[j];
        r->away |= (uint32_t)(on ^ (int32_t)g->host);
        r->cpu_mhz += g->cpu_mhz;
        r->mem_mib += g->mem_mib;
        r->n++;
    }
    for (uint32_t j = 0; j < span; j++)
        if (sums[j].n > 0) /* a host with nothing staged sent no message */
            view_sums_update(k, c, lo + j, &sums[j]);
}

/* Takes the staged stats of the cluster's hosts up to (not including) the
 * `upto`-th, of those not taken yet: the hosts that staged at
 * k->stats_sample_ns (drs_stage.h). */
static void take_stats_upto(drs_env *d, cluster *c, uint32_t upto)
{
    drs_ctl *k = &d->ctl;
    if (upto <= k->stats_hosts_taken)
        return;
    take_stats_range(d, c, k->stats_hosts_taken, upto);
    k->stats_hosts_taken = upto;
}

/* Before the controller handles ev: the staged stats whose messages the
 * engine would have delivered before ev (drs_stage_hosts_before). Nothing
 * before the stats are due: most events. */
static void take_stats_before(sim_ctx *ctx, drs_env *d, cluster *c, const sim_event *ev)
{
    const drs_ctl *k = &d->ctl;
    sim_time_ns due = k->stats_sample_ns + c->env->control_latency_ns;
    if (!d->enabled || sim_now(ctx) < due)
        return;
    take_stats_upto(d, c,
                    drs_stage_hosts_before(sim_now(ctx), ev->priority, ev->src_lp, due, d->cluster_priority,
                                           c->env->first_host_lp + c->first_host, c->n_hosts));
}

/* drs.stats, at the staging sample + the control latency, after every
 * message the stats replace: the rest of them; then the next pull. */
static void stats_pull(sim_ctx *ctx, drs_env *d, cluster *c)
{
    const model_env *env = c->env;
    drs_ctl *k = &d->ctl;
    take_stats_upto(d, c, c->n_hosts);
    sim_time_ns next = drs_stage_next_ns(k->stats_sample_ns, env->sample_period_ns, d->period_ns);
    k->stats_sample_ns = next;
    k->stats_hosts_taken = 0;
    sim_send(ctx, sim_self(ctx), next + env->control_latency_ns - sim_now(ctx), d->kind_stats, NULL, 0);
}

static int drs_cluster_event(sim_ctx *ctx, cluster *c, const cluster_feature *f, const sim_event *ev)
{
    drs_env *d = drs_of(f, c);
    drs_ctl *k = &d->ctl;
    /* every event of the LP that no earlier feature took comes here before
     * DRS's other hooks run for it (an earlier feature's event reads no
     * stats: docs/vsphere.md): the view takes the stats due before it */
    take_stats_before(ctx, d, c, ev);
    if (ev->kind == d->kind_stats) {
        stats_pull(ctx, d, c);
        return 1;
    }
    if (ev->kind != d->kind_cluster)
        return 0;
    const drs_msg *m = (const drs_msg *)ev->payload.bytes;
    switch ((drs_op)m->op) {
    case DRS_OP_VM_STATS: {
        const drs_stats_msg *st = (const drs_stats_msg *)ev->payload.bytes;
        take_stats_at(k, drs_vm_slot(k, st->vm), st->running, st->cpu_mhz, st->mem_mib, st->dirty_bytes_per_s);
        k->sums_ok = 0; /* a VM of this cluster on another's host: rare */
        break;
    }
    case DRS_OP_TICK:
        mig_park_closed(k);
        advance(ctx, d, c);
        run_pass(ctx, d, c);
        if (d->dpm)
            dpm_step(ctx, d, c);
        evacuation_check(ctx, d, c, d->dpm);
        settle(ctx, d, c);
        sim_send(ctx, sim_self(ctx), d->period_ns, d->kind_cluster, m, sizeof *m);
        break;
    case DRS_OP_TIMER:
        if (m->generation != k->timer_gen)
            break; /* stale: the set changed since it was armed */
        advance(ctx, d, c);
        evacuation_check(ctx, d, c, 1);
        settle(ctx, d, c);
        break;
    case DRS_OP_ARRIVED:
        advance(ctx, d, c);
        on_arrived(ctx, d, c, m->vm, m->record);
        evacuation_check(ctx, d, c, 1);
        settle(ctx, d, c);
        break;
    case DRS_OP_HANDOVER_FAILED: {
        drs_migration *mig = drs_mig(k, m->record);
        if (mig->outcome == 0) {
            ctl_log(ctx, c, d->log_vmotion_aborted, mig->vm, mig->src, mig->dst, 1.0);
            mig_close(ctx, d, c, mig, 2);
        }
        advance(ctx, d, c);
        evacuation_check(ctx, d, c, 1);
        settle(ctx, d, c);
        break;
    }
    case DRS_OP_HOST_READY:
        boot_for_room_over(k, (uint32_t)m->host);
        k->host_standby[drs_host_slot(k, m->host)] = 0;
        break;
    case DRS_OP_EVACUATE: {
        uint32_t h = (uint32_t)m->host;
        advance(ctx, d, c);
        k->host_evacuating[drs_host_slot(k, h)] = 1;
        k->evacuation_for_standby[drs_host_slot(k, h)] = 0;
        k->evacuation_start_ns[drs_host_slot(k, h)] = sim_now(ctx);
        /* migrations into it are called back; the host takes no new VMs */
        for (uint32_t i = k->first_open; i < k->n_migs; i++) {
            drs_migration *mig = drs_mig(k, i);
            if (mig->outcome == 0 && mig->set_id >= 0 && mig->dst == (int32_t)h)
                abort_migration(ctx, d, c, mig);
        }
        run_pass(ctx, d, c);
        evacuation_check(ctx, d, c, 0);
        settle(ctx, d, c);
        break;
    }
    default:
        abort(); /* another LP's operation sent here: a model bug */
    }
    return 1;
}

/* A power-off for a VM in flight waits until the migration ends. */
static int drs_hold_stop(cluster *c, const cluster_feature *f, uint32_t vm_id)
{
    (void)c;
    drs_env *d = drs_of(f, c);
    drs_ctl *k = &d->ctl;
    int32_t r = k->vm_migration[drs_vm_slot(k, vm_id)];
    if (r < 0)
        return 0;
    drs_mig(k, r)->stop_pending = 1;
    return 1;
}

/* Whether some host of the cluster is being evacuated or is in standby
 * (a branch-free scan the compiler vectorises). */
static int any_host_out(const drs_ctl *k, const cluster *c)
{
    const uint8_t *evacuating = k->host_evacuating + drs_host_slot(k, c->first_host);
    const uint8_t *standby = k->host_standby + drs_host_slot(k, c->first_host);
    uint8_t out = 0;
    for (uint32_t j = 0; j < c->n_hosts; j++)
        out |= evacuating[j] | standby[j];
    return out != 0;
}

/* Placement: hosts the hard rules forbid for vm_id, hosts being evacuated
 * and hosts in standby are unusable (the core restores the view). */
/* Masks the source of u's migration in flight (for each_anti_affine). */
static int64_t mask_source(const drs_env *d, cluster *c, uint32_t u, int32_t unused)
{
    (void)unused;
    int32_t rec = d->ctl.vm_migration[drs_vm_slot(&d->ctl, u)];
    if (rec >= 0)
        cluster_mask_host(c, (uint32_t)drs_mig(&d->ctl, rec)->src);
    return -1;
}

static void drs_mask(cluster *c, const cluster_feature *f, uint32_t vm_id, cluster_place_purpose purpose)
{
    (void)purpose;
    drs_env *d = drs_of(f, c);
    drs_ctl *k = &d->ctl;
    if (d->n_rules == 0 && !any_host_out(k, c))
        return; /* nothing to mask: most placements */
    /* rules see VMs in flight at their destination, as DRS does */
    for (uint32_t i = k->first_open; i < k->n_migs; i++)
        if (drs_mig(k, i)->outcome == 0) {
            drs_migration *m = drs_mig(k, i);
            m->saved_host = c->vm_host[cluster_vm_slot(c, m->vm)];
            c->vm_host[cluster_vm_slot(c, m->vm)] = m->dst;
        }
    for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++)
        if (k->host_evacuating[drs_host_slot(k, h)] || k->host_standby[drs_host_slot(k, h)] ||
            (d->n_rules && !drs_rules_allow(d->rules, &d->rule_index, c->vm_host, vm_id, (int32_t)h, 0)))
            cluster_mask_host(c, h);
    for (uint32_t i = k->n_migs; i-- > k->first_open;)
        if (drs_mig(k, i)->outcome == 0)
            c->vm_host[cluster_vm_slot(c, drs_mig(k, i)->vm)] = drs_mig(k, i)->saved_host;
    if (d->n_rules) /* VMs anti-affine to it still run there */
        each_anti_affine(d, vm_id, mask_source, c, -1);
}

static void drs_cluster_sample(sim_ctx *ctx, cluster *c, const cluster_feature *f)
{
    const model_env *env = c->env;
    drs_env *d = drs_of(f, c);
    drs_ctl *k = &d->ctl;
    if (!env->rec || !d->enabled)
        return;
    sim_time_ns now = sim_now(ctx);
    if (d->series_imbalance >= 0) {
        /* hosts being evacuated still count here (UP), unlike in a pass */
        for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++) {
            const drs_host *fixed = &k->host_fixed[drs_host_slot(k, h)];
            k->hosts[drs_host_slot(k, h)] = (drs_host){.cpu_capacity_mhz = fixed->cpu_capacity_mhz,
                                     .mem_capacity_mib = fixed->mem_capacity_mib,
                                     .state = drs_state_of(k, h) == DRS_HOST_DOWN ? DRS_HOST_DOWN : DRS_HOST_UP,
                                     .vmotion_nic_gbps = k->nic_gbps[drs_host_slot(k, h)]};
        }
        rec_series_put(env->rec, d->series_imbalance, now, (int)c->index, view_imbalance(d, c));
    }
    if (d->series_standby >= 0) {
        uint32_t standby = 0;
        for (uint32_t h = c->first_host; h < c->first_host + c->n_hosts; h++)
            standby += k->host_standby[drs_host_slot(k, h)] != 0;
        rec_series_put(env->rec, d->series_standby, now, (int)c->index, (double)standby);
    }
    if (d->series_in_flight >= 0)
        rec_series_put(env->rec, d->series_in_flight, now, (int)c->index,
                       (double)(vmotion_set_active(&k->set) + vmotion_set_queued(&k->set)));
}

/* Drops vm_id's promise (drs_promise), and with now_ns >= 0 every
 * promise expired by then; the rest keep their order. */
static void drop_promises(drs_ctl *k, uint32_t vm_id, sim_time_ns now_ns)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < k->n_promises; i++) {
        const drs_promise *p = &k->promises[i];
        if (p->vm == vm_id || (now_ns >= 0 && p->expires_ns <= now_ns))
            continue;
        k->promises[kept++] = *p;
    }
    k->n_promises = kept;
}

static void add_promise(drs_ctl *k, const drs_promise *p)
{
    if (sim_grow((void **)&k->promises, &k->cap_promises, k->n_promises + 1, sizeof *k->promises, 4))
        abort(); /* out of memory inside a handler */
    k->promises[k->n_promises++] = *p;
}

/* The cluster placed a VM or let one go: the view's per-host sums no
 * longer hold (view_imbalance walks next time), and its promise
 * (drs_promise) is over. */
static void drs_vm_committed(cluster *c, const cluster_feature *f, uint32_t vm_id, int32_t host_index)
{
    (void)host_index;
    drs_ctl *k = &drs_of(f, c)->ctl;
    k->sums_ok = 0;
    drop_promises(k, vm_id, -1);
}

static void drs_room_forget(cluster *c, const cluster_feature *f, uint32_t vm_id)
{
    drop_promises(&drs_of(f, c)->ctl, vm_id, -1);
}

static void drs_vm_gone(cluster *c, const cluster_feature *f, uint32_t vm_id)
{
    drs_ctl *k = &drs_of(f, c)->ctl;
    k->sums_ok = 0;
    drop_promises(k, vm_id, -1);
}

/* A prerequisite move ended during the event just handled: the power-ons
 * held for room try again (cluster_room_made), outside DRS's own loops. */
static void room_made_check(sim_ctx *ctx, drs_env *d, cluster *c)
{
    if (!d->ctl.room_made)
        return;
    d->ctl.room_made = 0;
    cluster_room_made(ctx, c, d->ctl.prerequisites_open > 0);
}

static int drs_cluster_handle(sim_ctx *ctx, cluster *c, const cluster_feature *f, const sim_event *ev)
{
    int consumed = drs_cluster_event(ctx, c, f, ev);
    if (consumed) {
        deferred_check(ctx, drs_of(f, c), c);
        room_made_check(ctx, drs_of(f, c), c);
    }
    return consumed;
}

static void drs_observe(sim_ctx *ctx, cluster *c, const cluster_feature *f, const cluster_notice *n)
{
    drs_notice(ctx, c, f, n);
    deferred_check(ctx, drs_of(f, c), c);
    room_made_check(ctx, drs_of(f, c), c);
}

/* May the defragmentation move VM vm_id to the cluster's host `slot`
 * (first_host + slot)? What the devices' features say (vGPUs), every other VM where it
 * is now. */
static int32_t current_host(const void *arg, uint32_t vm_id)
{
    const cluster *c = arg;
    return c->vm_host[cluster_vm_slot(c, vm_id)];
}

static int defrag_may_go(const void *arg, uint32_t vm_id, uint32_t slot)
{
    const cluster *c = arg;
    cluster_plan plan = {current_host, c};
    return cluster_move_fits(c, vm_id, (int32_t)(slot + c->first_host), &plan);
}

/* VM v is named by a DRS rule (the defragmentation leaves those alone). */
static int in_a_rule(const drs_env *d, uint32_t v)
{
    const drs_rule_index *idx = &d->rule_index;
    return idx->offsets && v < idx->n_vms && idx->offsets[v + 1] > idx->offsets[v];
}

/* A held power-on waits for the migrations in flight off host h (whatever
 * their reason): each ends with the held VMs trying again, as a
 * prerequisite move does (mig_close). How many there are. */
static uint32_t watch_leaving(drs_ctl *k, uint32_t h)
{
    uint32_t n = 0;
    for (uint32_t r = k->first_open; r < k->n_migs; r++) {
        drs_migration *m = drs_mig(k, r);
        if (m->outcome != 0 || m->src != (int32_t)h)
            continue;
        if (m->reason != DRS_REASON_PREREQUISITE && !m->room_watch) {
            m->room_watch = 1;
            k->prerequisites_open++;
        }
        n++;
    }
    return n;
}

static int fits_somewhere(const placement_host_view *view, uint32_t nh, const placement_request *need)
{
    for (uint32_t i = 0; i < nh; i++)
        if (placement_fits(&view[i], need))
            return 1;
    return 0;
}

/* DPM on, no migration makes room: a host in standby is powered on for
 * vm_id (vSphere 7.0 Resource Management, "Admission Control": "a
 * recommendation to power on sufficient standby hosts is made"; HA asks
 * DRS/DPM to "bring hosts out of standby", vSphere HA Deepdive, "DPM and
 * HA"). A host already booting where need still fits (with what is
 * promised on it, in view) is used; else the lowest-index standby host
 * where it fits boots. Returns the host's index in the cluster, or -1. */
static int32_t wake_for_room(sim_ctx *ctx, drs_env *d, cluster *c, const placement_host_view *view,
                             const placement_request *need, uint32_t vm_id, cluster_place_purpose purpose)
{
    drs_ctl *k = &d->ctl;
    for (int booting = 1; booting >= 0; booting--)
        for (uint32_t i = 0; i < c->n_hosts; i++) {
            uint32_t h = c->first_host + i;
            uint8_t standby = k->host_standby[drs_host_slot(k, h)];
            if (k->host_state[drs_host_slot(k, h)] != DRS_HOST_UP || (booting ? standby < 2 : standby != 1))
                continue;
            placement_host_view on = view[i];
            on.usable = 1;
            if (!placement_fits(&on, need))
                continue;
            if (!booting) {
                send_host(ctx, c->env, d, h, DRS_OP_POWER_ON, 0, 0, 0);
                ctl_log(ctx, c, d->log_power_on, h, 1, 0, (double)vm_id);
            }
            /* a held power-on tries again when the boot ends (boot_for_room_over) */
            if (purpose == CLUSTER_PLACE_POWER_ON && k->host_standby[drs_host_slot(k, h)] != 3) {
                k->host_standby[drs_host_slot(k, h)] = 3;
                k->prerequisites_open++;
            } else if (!booting) {
                k->host_standby[drs_host_slot(k, h)] = 2;
            }
            return (int32_t)i;
        }
    return -1;
}

/* A power-on or HA's restart found no host for vm_id (cluster_hooks
 * make_room): on the view as it will stand when the migrations in flight
 * have landed, plan the moves that free one host for it (drs_defrag.h) and
 * start them; 1 if one started. */
static int drs_make_room(sim_ctx *ctx, cluster *c, const cluster_feature *f, uint32_t vm_id,
                         cluster_place_purpose purpose)
{
    drs_env *d = drs_of(f, c);
    drs_ctl *k = &d->ctl;
    if (!d->enabled || (purpose == CLUSTER_PLACE_POWER_ON && !d->prerequisite_moves))
        return 0; /* without DRS nobody moves VMs */
    const model_env *env = c->env;
    uint32_t nh = c->n_hosts, nv = cluster_vm_count(c, env->n_vms);
    placement_host_view *view = malloc((nh ? nh : 1) * sizeof *view);
    drs_defrag_vm *cand = malloc((nv ? nv : 1) * sizeof *cand);
    if (!view || !cand)
        abort(); /* out of memory inside a handler */
    /* the hosts a power-on of vm_id may use (for a restart too: the plan
     * leaves HA's dedicated failover hosts alone) are the targets and the
     * destinations; standby, booting and evacuating hosts are neither */
    cluster_view_for(c, vm_id, view);
    for (uint32_t i = 0; i < nh; i++)
        if (drs_state_of(k, c->first_host + i) != DRS_HOST_UP)
            view[i].usable = 0;
    for (uint32_t r = k->first_open; r < k->n_migs; r++) {
        const drs_migration *m = drs_mig(k, r);
        if (m->outcome != 0 || c->vm_host[cluster_vm_slot(c, m->vm)] != m->src)
            continue;
        placement_request req = cluster_vm_request(c, m->vm); /* held at dst already */
        placement_view_remove(&view[(uint32_t)m->src - c->first_host], &req);
    }
    /* room promised to other VMs is taken; vm_id's own plan is redone (its
     * promise kept if its room is still there, e.g. its moves in flight) */
    drs_promise own = {.vm = vm_id, .expires_ns = -1};
    for (uint32_t i = 0; i < k->n_promises; i++)
        if (k->promises[i].vm == vm_id)
            own = k->promises[i];
    drop_promises(k, vm_id, sim_now(ctx));
    for (uint32_t i = 0; i < k->n_promises; i++)
        if (k->promises[i].host < nh)
            placement_view_add(&view[k->promises[i].host], &k->promises[i].req);
    uint32_t n = 0;
    for (uint32_t i = 0; i < nv; i++) {
        uint32_t v = cluster_vm_at(c, i);
        int32_t h = c->vm_host[own_slot(i)];
        if (v == vm_id || h < (int32_t)c->first_host || (uint32_t)h - c->first_host >= nh ||
            !vm_movable_at(d, v, own_slot(i)) || in_a_rule(d, v))
            continue;
        cand[n++] = (drs_defrag_vm){.vm = v, .host = (uint32_t)h - c->first_host, .req = cluster_vm_request(c, v)};
    }
    placement_request need = cluster_vm_request(c, vm_id);
    drs_defrag_limits lim = {.max_moves = DRS_DEFRAG_MAX_MOVES, .may_go = defrag_may_go, .arg = c};
    drs_defrag_move moves[DRS_DEFRAG_MAX_MOVES];
    uint32_t target = 0;
    int planned = drs_defrag_plan(view, nh, cand, n, &need, &lim, moves, &target);
    if (planned < 0)
        abort(); /* out of memory inside a handler */
    if (planned > 0)
        advance(ctx, d, c); /* the set up to now before it takes new migrations, as a pass does */
    drs_reason why = purpose == CLUSTER_PLACE_RESTART ? DRS_REASON_HA_DEFRAG : DRS_REASON_PREREQUISITE;
    int started = 0;
    for (int j = 0; j < planned; j++) {
        const drs_defrag_vm *m = &cand[moves[j].index];
        int32_t src = (int32_t)(m->host + c->first_host), dst = (int32_t)(moves[j].dst + c->first_host);
        /* the plan counts room that VMs in flight are freeing: a move into
         * it waits for them, as a pass's does */
        int64_t leaving = move_prerequisite(d, c, m->vm, dst, 1);
        if (leaving >= 0) {
            defer_move(k, &(drs_deferred){.vm = m->vm, .after_vm = (uint32_t)leaving, .src = src, .dst = dst,
                                          .reason = (uint8_t)why});
            started++;
        } else {
            started += request_move(ctx, d, c, m->vm, src, dst, why);
        }
    }
    if (planned > 0)
        settle(ctx, d, c); /* the vMotion CPU reservations and the set's timer */
    if (planned == 0 && own.expires_ns > sim_now(ctx) && own.host < nh && placement_fits(&view[own.host], &need) &&
        (purpose == CLUSTER_PLACE_RESTART || watch_leaving(k, c->first_host + own.host) > 0)) {
        target = own.host; /* the room made for it before is still coming */
        started = 1;
    } else if (planned == 0 && d->dpm && !fits_somewhere(view, nh, &need)) {
        int32_t woken = wake_for_room(ctx, d, c, view, &need, vm_id, purpose);
        if (woken >= 0) {
            target = (uint32_t)woken;
            started = 1;
        }
    }
    if (started > 0)
        add_promise(k, &(drs_promise){.vm = vm_id, .host = target,
                                      .expires_ns = own.host == target && own.expires_ns > sim_now(ctx)
                                                        ? own.expires_ns : sim_now(ctx) + DRS_PROMISE_NS,
                                      .req = need});
    free(view);
    free(cand);
    return started > 0;
}

const cluster_hooks drs_cluster_hooks = {
    .name = "drs",
    .handle = drs_cluster_handle,
    .observe = drs_observe,
    .mask = drs_mask,
    .hold_stop = drs_hold_stop,
    .sample = drs_cluster_sample,
    .vm_committed = drs_vm_committed,
    .vm_gone = drs_vm_gone,
    .make_room = drs_make_room,
    .room_forget = drs_room_forget,
};
