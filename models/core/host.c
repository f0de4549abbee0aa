/* host.c - the host LP (see host.h). */
#include "models/core/host.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/model_env.h"
#include "models/workload/demand.h"
#include "models/workload/workload.h"
#include "sim/rng.h"

enum { HOST_STREAM_DEMAND_NOISE = 1, HOST_STREAM_BOOT = 5 };

const char *host_state_name(host_state s)
{
    switch (s) {
    case HOST_UP: return "up";
    case HOST_FAILED: return "failed";
    case HOST_ISOLATED: return "isolated";
    case HOST_MAINTENANCE: return "maintenance";
    case HOST_STATES: break;
    }
    return "?";
}

void host_log(sim_ctx *ctx, host *h, int kind, int64_t subject, int64_t a, int64_t b, double value)
{
    const model_env *env = h->env;
    if (env->rec && kind >= 0) {
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++h->log_seq, kind, subject, a, b, value);
        for (const host_feature *f = env->host_features; f < env->host_features + env->n_host_features; f++)
            if (f->hooks->logged)
                f->hooks->logged(ctx, h, f, kind, subject, a, b);
    }
}

/* The features attached to this host, in the module table's order
 * (models/model.c): every hook loop runs from first_feature to end_feature. */
static const host_feature *first_feature(const host *h) { return h->env->host_features; }
static const host_feature *end_feature(const host *h) { return h->env->host_features + h->env->n_host_features; }

void host_add_vm(host *h, uint32_t vm_id)
{
    if (h->n_vms == h->cap_vms) {
        uint32_t cap = h->cap_vms ? h->cap_vms * 2 : 8;
        uint32_t *grown = realloc(h->vm_ids, cap * sizeof *grown);
        if (!grown)
            abort(); /* out of memory inside a handler: nothing sane to do */
        h->vm_ids = grown;
        if (!(grown = realloc(h->vm_slots, cap * sizeof *grown)))
            abort();
        h->vm_slots = grown;
        h->cap_vms = cap;
    }
    h->vm_slots[h->n_vms] = model_vm_slot(h->env, vm_id);
    h->vm_ids[h->n_vms++] = vm_id;
    h->numa.vms_version++;
    model_vm(h->env, vm_id)->host = (int32_t)h->index;
    sim_share_touch(model_vm(h->env, vm_id));
}

int host_remove_vm(host *h, uint32_t vm_id)
{
    for (uint32_t i = 0; i < h->n_vms; i++) {
        if (h->vm_ids[i] != vm_id)
            continue;
        /* keep start order: samples and logs iterate VMs in this order */
        for (uint32_t j = i + 1; j < h->n_vms; j++) {
            h->vm_ids[j - 1] = h->vm_ids[j];
            h->vm_slots[j - 1] = h->vm_slots[j];
        }
        h->n_vms--;
        h->numa.vms_version++;
        model_vm(h->env, vm_id)->host = -1;
        sim_share_touch(model_vm(h->env, vm_id));
        return 0;
    }
    return -1;
}

/* --- notices ------------------------------------------------------------ */

static void notify_vm_started(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->vm_started)
            f->hooks->vm_started(ctx, h, f, vm_id);
}

void host_notify_vm_stopped(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->vm_stopped)
            f->hooks->vm_stopped(ctx, h, f, vm_id);
}

void host_notify_down(sim_ctx *ctx, host *h)
{
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->host_down)
            f->hooks->host_down(ctx, h, f);
}

void host_notify_up(sim_ctx *ctx, host *h)
{
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->host_up)
            f->hooks->host_up(ctx, h, f);
}

void host_notify_outage_begins(sim_ctx *ctx, host *h)
{
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->outage_begins)
            f->hooks->outage_begins(ctx, h, f);
}

void host_vm_leave(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t dst_host)
{
    if (host_remove_vm(h, vm_id) != 0)
        abort(); /* a migration of a VM that is not here is a model bug */
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->vm_leaving)
            f->hooks->vm_leaving(ctx, h, f, vm_id, dst_host);
}

void host_vm_arrive(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t src_host)
{
    host_add_vm(h, vm_id);
    if (vm_transition(model_vm(h->env, vm_id), VM_RUNNING) != 0)
        abort();
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->vm_arrived)
            f->hooks->vm_arrived(ctx, h, f, vm_id, src_host);
}

void host_vm_arrival_failed(sim_ctx *ctx, host *h, uint32_t vm_id, uint32_t src_host)
{
    if (vm_transition(model_vm(h->env, vm_id), VM_FAILED) != 0)
        abort();
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->vm_arrival_failed)
            f->hooks->vm_arrival_failed(ctx, h, f, vm_id, src_host);
}

int host_request_maintenance(sim_ctx *ctx, host *h, sim_time_ns duration_ns)
{
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->maintenance_requested && f->hooks->maintenance_requested(ctx, h, f, duration_ns))
            return 1;
    return 0;
}

void host_grant_maintenance(sim_ctx *ctx, host *h, sim_time_ns duration_ns)
{
    host_maintenance_msg m = {.duration_ns = duration_ns};
    sim_send(ctx, sim_self(ctx), 0, h->env->kind_host_maintenance, &m, sizeof m);
}

/* --- VM lifecycle ------------------------------------------------------- */

/* The VM's VM_DEMANDS demand states (model_env.vm_demand_states), or NULL
 * when all its specs are stateless. */
static demand_state *vm_demand_states_of(const model_env *env, uint32_t vm_id)
{
    uint32_t slot = env->vm_demand_slot ? env->vm_demand_slot[vm_id] : UINT32_MAX;
    if (slot == UINT32_MAX)
        return NULL;
    sim_share_touch(&env->vm_demand_states[(size_t)slot * VM_DEMANDS]); /* the callers write them */
    return &env->vm_demand_states[(size_t)slot * VM_DEMANDS];
}

/* The VM has just become running here (zero boot time, or its boot ended). */
static void host_vm_running(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    vm *v = model_vm(h->env, vm_id);
    if (vm_transition(v, VM_RUNNING) != 0)
        abort();
    /* a trace replays from its first sample when the VM first runs */
    demand_state *st = vm_demand_states_of(h->env, vm_id);
    if (st) {
        sim_time_ns now = sim_now(ctx);
        for (int r = 0; r < VM_DEMANDS; r++)
            demand_start(&st[r], now);
    }
    host_log(ctx, h, h->env->log_vm_started, vm_id, h->index, 0, 0.0);
    notify_vm_started(ctx, h, vm_id);
}

static void host_start_vm(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    const model_env *env = h->env;
    vm *v = model_vm(env, vm_id);
    host_add_vm(h, vm_id);
    if (vm_transition(v, VM_STARTING) != 0)
        abort(); /* a start message for a VM that is not stopped is a model bug */
    v->boot_epoch++;
    /* stopped -> starting -> running after the group's boot time; a zero
     * boot time runs the VM at once, without an event */
    const workload_group *wg = env->groups ? &env->groups[model_vm_spec(env, vm_id)->group] : NULL;
    double boot = wg && !(wg->boot.kind == DIST_DETERMINISTIC && wg->boot.mean == 0.0)
                      ? dist_sample(&wg->boot, sim_rng(ctx, HOST_STREAM_BOOT))
                      : 0.0;
    sim_time_ns boot_ns = boot > 0.5 ? (sim_time_ns)(boot + 0.5) : 0;
    if (boot_ns == 0) {
        host_vm_running(ctx, h, vm_id);
        return;
    }
    host_boot_msg m = {.vm = vm_id, .epoch = v->boot_epoch};
    sim_send(ctx, sim_self(ctx), boot_ns, env->kind_vm_booted, &m, sizeof m);
}

static void host_vm_booted(sim_ctx *ctx, host *h, const host_boot_msg *m)
{
    const vm *v = model_vm(h->env, m->vm);
    /* stale: the VM was stopped (or moved) while it booted */
    if (v->host != (int32_t)h->index || v->boot_epoch != m->epoch || v->state != VM_STARTING)
        return;
    host_vm_running(ctx, h, m->vm);
}

/* Powers a VM off (running -> stopping -> stopped, or a boot cut short:
 * starting -> stopped) and tells the controller to release it. */
static void host_stop_vm(sim_ctx *ctx, host *h, uint32_t vm_id)
{
    const model_env *env = h->env;
    vm *v = model_vm(env, vm_id);
    if (v->host != (int32_t)h->index)
        return; /* no longer here (failed or moved): whoever moved it answers for it */
    if (v->state == VM_RUNNING) {
        if (vm_transition(v, VM_STOPPING) != 0 || vm_transition(v, VM_STOPPED) != 0)
            abort();
    } else if (vm_transition(v, VM_STOPPED) != 0) {
        abort(); /* a stop for a VM in a state that cannot stop is a model bug */
    }
    if (host_remove_vm(h, vm_id) != 0)
        abort();
    host_notify_vm_stopped(ctx, h, vm_id); /* its service and pods learn at once */
    env->vm_times[vm_id].stopped_ns = sim_now(ctx);
    sim_share_touch(&env->vm_times[vm_id]);
    host_log(ctx, h, env->log_vm_stopped, vm_id, h->index, 0, 0.0);
    vm_msg m = {.vm = vm_id};
    sim_send(ctx, model_cluster_lp_of_vm(env, vm_id), env->control_latency_ns, env->kind_vm_stopped, &m, sizeof m);
}

/* --- the sample --------------------------------------------------------- */

/* Writes the contention step's results for one sample. */
static void host_record(const model_env *env, sim_time_ns now, const host *h, const host_sample_ctx *s)
{
    int e = (int)h->index;
    const host_totals *t = &s->totals;
    /* the host's series in one call: the row and cell are found once; the
     * values written where they go (series_host's in its order) */
    enum { FIRST = 2, N = HOST_SERIES_COUNT + 4 };
    int ids[N];
    double vals[N];
    ids[0] = env->series_host_cpu_demand;
    vals[0] = t->cpu_demand_mhz;
    ids[1] = env->series_host_cpu_usage;
    vals[1] = t->cpu_usage_mhz;
    memcpy(ids + FIRST, env->series_host, HOST_SERIES_COUNT * sizeof *ids); /* < 0: not recorded, skipped */
    double *hv = vals + FIRST;
    hv[HOST_SERIES_CPU_READY_PCT] = t->cpu_ready_pct;
    hv[HOST_SERIES_CPU_READY_MS] = t->cpu_ready_ms;
    hv[HOST_SERIES_CPU_USEFUL_MHZ] = t->cpu_useful_mhz;
    hv[HOST_SERIES_CPU_HYPERVISOR_MHZ] = t->cpu_hypervisor_mhz;
    hv[HOST_SERIES_MEMORY_CONSUMED_MIB] = t->memory_consumed_mib;
    hv[HOST_SERIES_MEMORY_ACTIVE_MIB] = t->memory_active_mib;
    hv[HOST_SERIES_MEMORY_SHARED_MIB] = t->memory_shared_mib;
    hv[HOST_SERIES_MEMORY_BALLOONED_MIB] = t->memory_ballooned_mib;
    hv[HOST_SERIES_MEMORY_COMPRESSED_MIB] = t->memory_compressed_mib;
    hv[HOST_SERIES_MEMORY_SWAPPED_MIB] = t->memory_swapped_mib;
    hv[HOST_SERIES_NETWORK_GBPS] = t->network_gbps;
    hv[HOST_SERIES_POWER_W] = t->power_w;
    ids[FIRST + HOST_SERIES_COUNT] = env->series_host_memory_committed;
    vals[FIRST + HOST_SERIES_COUNT] = s->vm_memory_mib;
    ids[FIRST + HOST_SERIES_COUNT + 1] = env->series_host_vms_running;
    vals[FIRST + HOST_SERIES_COUNT + 1] = (double)h->n_vms;
    rec_series_put_each(env->rec, ids, vals, N, now, e);
    if (env->series_vm_cpu_demand < 0 && env->series_vm_ready < 0 && env->series_vm_entitlement < 0 &&
        env->series_vm_speed < 0)
        return;
    const int vm_ids[4] = {env->series_vm_cpu_demand, env->series_vm_ready, env->series_vm_entitlement,
                           env->series_vm_speed};
    /* the VMs' series in batches: the series' checks and the row once a batch */
    enum { BATCH = 64 };
    double vm_vals[BATCH * 4];
    for (uint32_t first = 0; first < h->n_vms; first += BATCH) {
        uint32_t count = h->n_vms - first < BATCH ? h->n_vms - first : BATCH;
        for (uint32_t j = 0; j < count; j++) {
            const vm *v = &env->vm_store[h->vm_slots[first + j]];
            vm_vals[4 * j] = s->in[first + j].cpu_demand_mhz;
            vm_vals[4 * j + 1] = v->cpu_ready_pct;
            vm_vals[4 * j + 2] = v->cpu_entitlement_mhz;
            vm_vals[4 * j + 3] = v->cpu_speed_factor;
        }
        rec_series_put_entities(env->rec, vm_ids, 4, h->vm_ids + first, (int)count, vm_vals, now);
    }
}

/* The VMs' demands at now (demand_next). A stateless spec's expected level
 * is a function of (spec, now) alone, and the VMs of a group share their
 * specs (vm_spec_group_key; a VM's own copy is a trace's, which is
 * stateful): the group's levels are computed once per group and time in
 * the scratch's memo and only the noise is drawn per VM, in the same
 * order, so the values are those of demand_next; without noise the final
 * value itself is memoised. */
static void vm_demand_memo_fill(host_demand_memo *m, const vm_spec *vs, sim_time_ns now, const gsl_rng *noise)
{
    m->group = vm_spec_group_key(vs);
    m->t_ns = now;
    m->stateful = 0;
    for (int r = 0; r < VM_DEMANDS; r++) {
        const demand_spec *d = vm_spec_demand(vs, r);
        int stateless = demand_stateless(d);
        m->spec[r] = d;
        m->level[r] = stateless ? demand_expected(d, now) : 0.0;
        m->value[r] = stateless ? demand_noisy(d, m->level[r], NULL) : 0.0; /* no draw */
        m->kind[r] = !stateless                  ? HOST_MEMO_STATEFUL
                     : d->noise > 0.0 && noise ? HOST_MEMO_NOISY
                                               : HOST_MEMO_FIXED;
        m->stateful |= !stateless;
    }
}

/* Resource r of a VM of a group without stateful specs: the group's value,
 * or its level with the VM's own noise. */
static inline double vm_demand_stateless(const host_demand_memo *m, int r, gsl_rng *noise)
{
    /* HOST_MEMO_NOISY: the spec has noise and there is a stream */
    return m->kind[r] == HOST_MEMO_NOISY ? demand_noise_drawn(m->spec[r], m->level[r], noise) : m->value[r];
}

/* Resource r (VM_DEMAND_*) of VM id, whose spec is vs, from its group's slot. */
static inline double vm_demand(const host_demand_memo *m, const model_env *env, uint32_t id, const vm_spec *vs,
                               int r, sim_time_ns now, gsl_rng *noise)
{
    switch ((host_memo_kind)m->kind[r]) {
    case HOST_MEMO_FIXED: return m->value[r];
    case HOST_MEMO_NOISY: return demand_noisy(m->spec[r], m->level[r], noise);
    case HOST_MEMO_STATEFUL: break;
    }
    demand_state *st = vm_demand_states_of(env, id);
    if (!st)
        abort(); /* a stateful spec without state: a build bug */
    return demand_series_next(vm_spec_demand(vs, r), vm_spec_series(vs, r), &st[r], now, noise);
}

/* The running VM's three demands, drawn in the order CPU, memory, network
 * (vs: its spec). */
static inline host_vm_input vm_demands(host_scratch *sc, const model_env *env, uint32_t id, const vm_spec *vs,
                                       sim_time_ns now, gsl_rng *noise)
{
    const void *group = vm_spec_group_key(vs);
    /* the slot by the VM's scenario group: VMs of a group share its key
     * (which the slot is checked against), different groups mostly differ */
    host_demand_memo *m = &sc->memo[vs->group % HOST_DEMAND_MEMO];
    if (m->group != group || m->t_ns != now)
        vm_demand_memo_fill(m, vs, now, noise);
    host_vm_input in;
    if (!m->stateful) {
        in.cpu_demand_mhz = vm_demand_stateless(m, VM_DEMAND_CPU, noise);
        in.memory_active_fraction = vm_demand_stateless(m, VM_DEMAND_MEMORY, noise);
        in.network_gbps = vm_demand_stateless(m, VM_DEMAND_NETWORK, noise);
        return in;
    }
    in.cpu_demand_mhz = vm_demand(m, env, id, vs, VM_DEMAND_CPU, now, noise);
    in.memory_active_fraction = vm_demand(m, env, id, vs, VM_DEMAND_MEMORY, now, noise);
    in.network_gbps = vm_demand(m, env, id, vs, VM_DEMAND_NETWORK, now, noise);
    return in;
}

/* Asks for every 64-byte line that bytes [p, p + bytes) touch (records of
 * arrays straddle lines). */
static void prefetch_bytes(const void *p, size_t bytes)
{
    if (!bytes)
        return;
    uintptr_t line = (uintptr_t)p & ~(uintptr_t)63, last = (uintptr_t)p + bytes - 1;
    for (; line <= last; line += 64)
        __builtin_prefetch((const void *)line);
}

/* The same for a record of at most 64 bytes, which touches at most two
 * lines: its first and its last byte's, without a loop (one VM's records
 * are asked for at every sample of every host). */
static inline void prefetch_record(const void *p, size_t bytes)
{
    __builtin_prefetch(p);
    __builtin_prefetch((const char *)p + bytes - 1);
}
_Static_assert(sizeof(vm) <= 64 && sizeof(vm_spec) <= 64, "prefetch_record asks for two lines at most");

/* Between two samples of a host the other hosts' samples have evicted all
 * it reads, each record a cache miss: the VMs' records and specs sit
 * scattered in arrays of 100,000. The engine calls this while the hosts
 * before this one run, in two steps (the VM list must arrive before the
 * VMs can be found), so that those misses overlap their work. */
void host_prefetch(const void *state, sim_prefetch_stage stage)
{
    const host *h = state;
    const model_env *env = h->env;
    if (stage == SIM_PREFETCH_AHEAD) {
        prefetch_bytes(h, sizeof *h);
        prefetch_bytes(&env->host_specs[h->index], sizeof *env->host_specs);
        prefetch_bytes(h->vm_ids, h->n_vms * sizeof *h->vm_ids);
        prefetch_bytes(h->vm_slots, h->n_vms * sizeof *h->vm_slots);
        return;
    }
    prefetch_bytes(h->numa.placed, h->numa.n * sizeof *h->numa.placed); /* past the state's first line */
    if (h->noise)
        prefetch_bytes(h->noise, SIM_RNG_STREAM_BYTES); /* the generator and its state (sim/rng.h) */
    for (uint32_t i = 0; i < h->n_vms; i++) {
        prefetch_record(&env->vm_store[h->vm_slots[i]], sizeof *env->vm_store);
        prefetch_record(&env->vm_spec_store[h->vm_slots[i]], sizeof *env->vm_spec_store);
    }
}

/* Every sample period: each running VM's demands, the features' additions,
 * then the host's division of CPU, memory and network among them
 * (models/host/host_contention.h). */
static void host_sample(sim_ctx *ctx, host *h)
{
    const model_env *env = h->env;
    host_sample_ctx s = {.spec = &env->host_specs[h->index]};
    host_spec reduced;
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->capacity)
            s.spec = f->hooks->capacity(h, f, s.spec, &reduced);
    sim_time_ns now = sim_now(ctx);
    gsl_rng *noise = h->noise ? h->noise : (h->noise = sim_rng(ctx, HOST_STREAM_DEMAND_NOISE)); /* the LP's own, for good */
    host_scratch *sc = env->host_scratch_per_thread ? &env->host_scratch_per_thread[sim_thread(ctx)] : h->contention;
    if (!sc && !(sc = h->contention = calloc(1, sizeof *h->contention)))
        abort(); /* out of memory inside a handler */
    if (host_scratch_reserve(sc, h->n_vms, s.spec->hw.numa_nodes ? s.spec->hw.numa_nodes : 1) != 0)
        abort();
    s.in = sc->in;
    s.scratch = sc;
    sc->numa_cache = &h->numa;
    /* the VMs' records were asked for while the host before this one ran
     * (host_prefetch) */
    uint64_t memory_mib = 0;
    for (uint32_t i = 0; i < h->n_vms; i++) {
        const uint32_t slot = h->vm_slots[i];
        const vm_spec *vs = &env->vm_spec_store[slot];
        /* a booting VM demands nothing */
        s.in[i] = env->vm_store[slot].state == VM_RUNNING ? vm_demands(sc, env, h->vm_ids[i], vs, now, noise)
                                                          : (host_vm_input){0};
        memory_mib += vm_spec_memory_mib(vs);
    }
    s.vm_memory_mib = (double)memory_mib;
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->add_demand)
            f->hooks->add_demand(ctx, h, f, &s);
    double interval_ms = (double)env->sample_period_ns / 1e6;
    /* the VMs by their slots in the stores */
    if (host_contention_step_pods(s.spec, env->vm_spec_store, env->vm_store, h->vm_slots, s.in, h->n_vms,
                                  interval_ms, sc, &s.pods, NULL, &s.totals) != 0) /* no per-VM details: nobody reads them */
        abort();
    /* their cpu_* fields need no mark: local bytes of the shared records (core_build.c) */
    sc->numa_cache = NULL;
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->adjust_totals)
            f->hooks->adjust_totals(ctx, h, f, &s);
    if (env->rec)
        host_record(env, now, h, &s);
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->after_sample)
            f->hooks->after_sample(ctx, h, f, &s);
    sim_send(ctx, sim_self(ctx), env->sample_period_ns, env->kind_host_sample, NULL, 0);
}

/* The host's own kinds. */
static void host_dispatch(sim_ctx *ctx, host *h, const sim_event *ev)
{
    const model_env *env = h->env;
    if (ev->kind == env->kind_host_sample)
        host_sample(ctx, h);
    else if (ev->kind == env->kind_vm_start)
        host_start_vm(ctx, h, ((const vm_msg *)ev->payload.bytes)->vm);
    else if (ev->kind == env->kind_vm_booted)
        host_vm_booted(ctx, h, (const host_boot_msg *)ev->payload.bytes);
    else if (ev->kind == env->kind_vm_stop)
        host_stop_vm(ctx, h, ((const vm_msg *)ev->payload.bytes)->vm);
}

void host_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    host *h = state;
    int consumed = 0;
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->handle && f->hooks->handle(ctx, h, f, ev)) {
            consumed = 1;
            break;
        }
    if (!consumed)
        host_dispatch(ctx, h, ev);
    for (const host_feature *f = first_feature(h); f < end_feature(h); f++)
        if (f->hooks->after_event)
            f->hooks->after_event(ctx, h, f, ev);
}

void host_release(host *h)
{
    if (h->contention) {
        host_scratch_free(h->contention);
        free(h->contention);
        h->contention = NULL;
    }
    host_numa_cache_free(&h->numa);
    free(h->vm_ids);
    free(h->vm_slots);
    free(h->ext);
    h->vm_ids = NULL;
    h->vm_slots = NULL;
    h->ext = NULL;
    h->n_vms = h->cap_vms = 0;
}
