/* engine.c - LPs, event delivery and the conservative windowed executor.
 *
 * One run is a sequence of windows. Before a window, the earliest pending
 * event time T is known; every LP then runs its events with time < T + L
 * (L = lookahead). Events to other LPs land at or after T + L by the
 * lookahead rule, so they are parked in the sending thread's outbox and
 * merged into the destination queues after the window. Because every queue
 * orders events by a unique total key, the merge order does not matter and
 * the run is identical for any number of threads.
 */
#include "sim/engine.h"

#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/barrier.h"
#include "sim/claim.h"
#include "sim/due_index.h"
#include "sim/event_pool.h"
#include "sim/lp_deal.h"
#include "sim/event_queue.h"
#include "sim/mpi_link.h"
#include "sim/rng.h"
#include "sim/share.h"
#include "sim/team_chooser.h"
#include "sim/cpu_idle.h"

typedef struct sim_lp {
    sim_handler_fn handler;
    void *state;
    sim_prefetch_fn prefetch; /* NULL, or the LP's hint (sim_lp_set_prefetch) */
    char *name;
    sim_event_queue queue;
    uint64_t next_seq;
    gsl_rng *streams[SIM_MAX_STREAMS_PER_LP];
} sim_lp;

typedef struct sim_kind {
    char *name;
    uint32_t priority;
} sim_kind;

/* Cache lines, for the layout of what each thread writes (sizes and
 * alignment of sim_ctx and sim_outbox). */
#define SIM_CACHE_LINE 64

/* One line each: a thread writes len for every event it sends, and two
 * threads' boxes on one line made every send a miss (issue 18 item 3). */
typedef struct sim_outbox {
    sim_event **items;
    size_t len, cap;
    char pad[SIM_CACHE_LINE - sizeof(sim_event **) - 2 * sizeof(size_t)];
} sim_outbox;
_Static_assert(sizeof(sim_outbox) == SIM_CACHE_LINE, "an outbox fills one cache line");

/* Per-thread state; the handler context is the thread's own. Aligned to a
 * cache line (and so sized in lines) so two threads never share a line for
 * what they write per event. */
struct sim_ctx {
    _Alignas(SIM_CACHE_LINE) sim_engine *eng;
    int thread;
    uint32_t lp_id;
    sim_lp *lp;
    sim_time_ns now;
    sim_event_pool pool;
    sim_outbox *outboxes; /* threads + ranks: [t] for local thread t, [threads + r] for rank r */
    uint64_t events;
    uint64_t remote_events;
    uint64_t rank_events; /* of remote_events, those to another rank */
    uint64_t thread_events; /* of remote_events, those to another thread's block */
    uint64_t stolen_groups; /* due groups of another thread's block run here */
    sim_time_ns next_min; /* earliest pending time seen by this thread */
    int has_error;
    sim_time_ns error_time;
    uint32_t error_lp;
    char error[SIM_ERROR_LEN];
};

struct sim_engine {
    sim_config cfg;
    sim_lp *lps;
    uint32_t lp_count, lp_cap;
    uint32_t *lp_affinity; /* NULL, or lp_cap groups (sim_lp_set_affinity); read by the partition only */
    sim_kind kinds[SIM_MAX_KINDS];
    uint32_t kind_count;
    sim_ctx *ctxs; /* cfg.threads of them */
    sim_claim *claims; /* cfg.threads of them: [t] the groups of thread t's block (team windows) */
    sim_window_hook_fn hook;
    void *hook_ctx;
    sim_window_work_fn work; /* sim_set_window_work: NULL when none */
    void *work_ctx;
    sim_stats stats;
    char error[SIM_ERROR_LEN];
    /* Partition, fixed when sim_run starts: worker w = rank * threads + t
     * runs LPs lp_order[worker_first[w] .. worker_first[w + 1]), in
     * increasing id; lp_worker[lp] = w. */
    int rank, ranks;
    uint32_t *lp_worker;
    uint32_t *lp_order;
    uint32_t *worker_first;
    uint32_t spread_first, spread_end; /* LPs spread over ranks; the rest on rank 0 */
    double *lp_cost_ns; /* measured wall time per LP (team epochs that measure), decayed */
    int deal_affine;    /* this rank's deal keeps affinity groups whole (partition_lps) */
    sim_lp_groups groups; /* this rank's affinity groups, kept for rebalance_threads */
    /* Slots are positions in lp_order; which of this rank's LPs have an
     * event before a window's end (sim/due_index.h). Built by sim_run. */
    sim_due_index due;
    int running; /* inside sim_run: events queued from outside lower `due` */
    uint64_t rebalances;
    int spread_set;
    /* Records several ranks' LPs write (sim_share; sim/share.h). */
    sim_shares shares;
    int events_released; /* sim_release_events was called: no more runs */
    /* The window's packed events for other ranks (distributed runs). */
    unsigned char *send_buf;
    size_t send_cap;
    sim_mpi_buf recv_buf; /* the events from other ranks, kept from window to window */
    size_t *send_bytes; /* per rank */
};


static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* calloc for arrays of line-aligned per-thread records (sizes are multiples
 * of the line); free() releases it. */
static void *aligned_calloc(size_t n, size_t size)
{
    if (n == 0 || size > SIZE_MAX / n)
        return NULL;
    void *p = aligned_alloc(SIM_CACHE_LINE, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

static void set_engine_error(sim_engine *eng, const char *fmt, ...)
{
    if (eng->error[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(eng->error, sizeof eng->error, fmt, ap);
    va_end(ap);
}

sim_engine *sim_engine_new(const sim_config *cfg)
{
    if (cfg->lookahead_ns <= 0 || cfg->threads < 1)
        return NULL;
    sim_engine *eng = calloc(1, sizeof *eng);
    if (!eng)
        return NULL;
    eng->cfg = *cfg;
    eng->rank = cfg->distributed ? sim_mpi_rank() : 0;
    eng->ranks = cfg->distributed ? sim_mpi_size() : 1;
    eng->ctxs = aligned_calloc((size_t)cfg->threads, sizeof *eng->ctxs);
    eng->claims = aligned_calloc((size_t)cfg->threads, sizeof *eng->claims);
    eng->send_bytes = calloc((size_t)eng->ranks, sizeof *eng->send_bytes);
    if (!eng->ctxs || !eng->claims || !eng->send_bytes) {
        free(eng->ctxs);
        free(eng->claims);
        free(eng->send_bytes);
        free(eng);
        return NULL;
    }
    for (int t = 0; t < cfg->threads; t++) {
        sim_ctx *c = &eng->ctxs[t];
        c->eng = eng;
        c->thread = t;
        c->outboxes = aligned_calloc((size_t)(cfg->threads + eng->ranks), sizeof *c->outboxes);
        if (!c->outboxes) {
            sim_engine_free(eng);
            return NULL;
        }
    }
    return eng;
}

void sim_engine_free(sim_engine *eng)
{
    if (!eng)
        return;
    for (uint32_t i = 0; i < eng->lp_count; i++) {
        sim_lp *lp = &eng->lps[i];
        sim_queue_release(&lp->queue);
        for (int s = 0; s < SIM_MAX_STREAMS_PER_LP; s++)
            if (lp->streams[s])
                sim_rng_stream_free(lp->streams[s]);
        free(lp->name);
    }
    free(eng->lps);
    free(eng->lp_affinity);
    for (uint32_t k = 0; k < eng->kind_count; k++)
        free(eng->kinds[k].name);
    if (eng->ctxs) {
        for (int t = 0; t < eng->cfg.threads; t++) {
            sim_ctx *c = &eng->ctxs[t];
            if (c->outboxes)
                for (int d = 0; d < eng->cfg.threads + eng->ranks; d++)
                    free(c->outboxes[d].items);
            free(c->outboxes);
            sim_pool_release(&c->pool);
        }
        free(eng->ctxs);
    }
    free(eng->claims);
    free(eng->lp_worker);
    free(eng->lp_order);
    free(eng->worker_first);
    free(eng->lp_cost_ns);
    sim_lp_groups_free(&eng->groups);
    sim_due_free(&eng->due);
    sim_shares_free(&eng->shares);
    free(eng->send_buf);
    sim_mpi_buf_free(&eng->recv_buf);
    free(eng->send_bytes);
    free(eng);
}

void sim_release_events(sim_engine *eng)
{
    for (uint32_t i = 0; i < eng->lp_count; i++)
        sim_queue_release(&eng->lps[i].queue);
    for (int t = 0; t < eng->cfg.threads; t++) {
        sim_ctx *c = &eng->ctxs[t];
        for (int d = 0; d < eng->cfg.threads + eng->ranks; d++) {
            free(c->outboxes[d].items);
            c->outboxes[d].items = NULL;
            c->outboxes[d].len = c->outboxes[d].cap = 0;
        }
        /* every event lives in some pool's slabs: none is left in use */
        sim_pool_release(&c->pool);
    }
    eng->events_released = 1;
}

uint32_t sim_kind_register(sim_engine *eng, const char *name, uint32_t priority)
{
    if (eng->kind_count >= SIM_MAX_KINDS) {
        set_engine_error(eng, "too many event kinds (at most %d)", SIM_MAX_KINDS);
        return UINT32_MAX;
    }
    sim_kind *k = &eng->kinds[eng->kind_count];
    k->name = strdup(name ? name : "?");
    k->priority = priority;
    return eng->kind_count++;
}

const char *sim_kind_name(const sim_engine *eng, uint32_t kind)
{
    return kind < eng->kind_count ? eng->kinds[kind].name : "(unknown kind)";
}

uint32_t sim_lp_new(sim_engine *eng, const char *name, sim_handler_fn handler, void *state)
{
    if (eng->lp_count == eng->lp_cap) {
        uint32_t cap = eng->lp_cap ? eng->lp_cap * 2 : 64;
        sim_lp *grown = realloc(eng->lps, (size_t)cap * sizeof *grown);
        if (!grown) {
            set_engine_error(eng, "out of memory creating LP %u", eng->lp_count);
            return UINT32_MAX;
        }
        eng->lps = grown;
        if (eng->lp_affinity) {
            uint32_t *groups = realloc(eng->lp_affinity, (size_t)cap * sizeof *groups);
            if (!groups) {
                set_engine_error(eng, "out of memory creating LP %u", eng->lp_count);
                return UINT32_MAX;
            }
            eng->lp_affinity = groups;
        }
        eng->lp_cap = cap;
    }
    if (eng->lp_affinity)
        eng->lp_affinity[eng->lp_count] = SIM_NO_AFFINITY;
    sim_lp *lp = &eng->lps[eng->lp_count];
    memset(lp, 0, sizeof *lp);
    lp->handler = handler;
    lp->state = state;
    lp->name = strdup(name ? name : "");
    return eng->lp_count++;
}

void sim_lp_set_prefetch(sim_engine *eng, uint32_t lp, sim_prefetch_fn prefetch)
{
    if (lp < eng->lp_count)
        eng->lps[lp].prefetch = prefetch;
}

void sim_lp_set_affinity(sim_engine *eng, uint32_t lp, uint32_t group)
{
    if (lp >= eng->lp_count)
        return;
    if (!eng->lp_affinity) {
        if (group == SIM_NO_AFFINITY)
            return;
        if (!(eng->lp_affinity = malloc((size_t)eng->lp_cap * sizeof *eng->lp_affinity))) {
            set_engine_error(eng, "out of memory setting the affinity of LP %u", lp);
            return;
        }
        for (uint32_t i = 0; i < eng->lp_cap; i++)
            eng->lp_affinity[i] = SIM_NO_AFFINITY;
    }
    eng->lp_affinity[lp] = group;
}

uint32_t sim_lp_count(const sim_engine *eng) { return eng->lp_count; }

const char *sim_lp_name(const sim_engine *eng, uint32_t lp)
{
    return lp < eng->lp_count ? eng->lps[lp].name : "(unknown LP)";
}

static gsl_rng *lp_stream(sim_engine *eng, uint32_t lp_id, uint32_t stream)
{
    if (lp_id >= eng->lp_count || stream >= SIM_MAX_STREAMS_PER_LP)
        return NULL;
    sim_lp *lp = &eng->lps[lp_id];
    if (!lp->streams[stream])
        lp->streams[stream] = sim_rng_stream_new(eng->cfg.seed, lp_id, stream);
    return lp->streams[stream];
}

gsl_rng *sim_engine_rng(sim_engine *eng, uint32_t lp, uint32_t stream)
{
    return lp_stream(eng, lp, stream);
}

static sim_event *make_event(sim_ctx *c, uint32_t src, uint64_t seq, uint32_t dst, sim_time_ns t,
                             uint32_t kind, const void *payload, size_t bytes)
{
    sim_event *ev = sim_pool_get(&c->pool);
    if (!ev)
        return NULL;
    ev->time_ns = t;
    ev->priority = c->eng->kinds[kind].priority;
    ev->src_lp = src;
    ev->src_seq = seq;
    ev->dst_lp = dst;
    ev->kind = kind;
    if (bytes)
        memcpy(ev->payload.bytes, payload, bytes);
    if (bytes < SIM_EVENT_PAYLOAD_BYTES)
        memset(ev->payload.bytes + bytes, 0, SIM_EVENT_PAYLOAD_BYTES - bytes);
    return ev;
}

int sim_schedule(sim_engine *eng, uint32_t dst_lp, sim_time_ns time_ns, uint32_t kind,
                 const void *payload, size_t payload_bytes)
{
    if (dst_lp >= eng->lp_count || kind >= eng->kind_count || time_ns < 0 ||
        payload_bytes > SIM_EVENT_PAYLOAD_BYTES)
        return -1;
    sim_lp *lp = &eng->lps[dst_lp];
    sim_event *ev = make_event(&eng->ctxs[0], dst_lp, ++lp->next_seq, dst_lp, time_ns, kind,
                               payload, payload_bytes);
    if (!ev || sim_queue_push(&lp->queue, ev) != 0)
        return -1;
    if (eng->running && sim_lp_is_local(eng, dst_lp)) { /* from a window hook */
        sim_due_lower(&eng->due, dst_lp, time_ns);
        if (time_ns < eng->ctxs[0].next_min)
            eng->ctxs[0].next_min = time_ns;
    }
    return 0;
}

void sim_set_window_hook(sim_engine *eng, sim_window_hook_fn hook, void *hook_ctx)
{
    eng->hook = hook;
    eng->hook_ctx = hook_ctx;
}

void sim_set_window_work(sim_engine *eng, sim_window_work_fn fn, void *work_ctx)
{
    eng->work = fn;
    eng->work_ctx = work_ctx;
}

/* The window work of `thread` of `threads` (sim_set_window_work). */
static inline void run_window_work(sim_engine *eng, int thread, int threads)
{
    if (eng->work)
        eng->work(eng->work_ctx, thread, threads);
}

/* --- handler side ------------------------------------------------------ */

sim_time_ns sim_now(const sim_ctx *ctx) { return ctx->now; }
uint32_t sim_self(const sim_ctx *ctx) { return ctx->lp_id; }
int sim_thread(const sim_ctx *ctx) { return ctx->thread; }
sim_engine *sim_ctx_engine(sim_ctx *ctx) { return ctx->eng; }
uint64_t sim_last_seq(const sim_ctx *ctx) { return ctx->lp->next_seq; }

gsl_rng *sim_rng(sim_ctx *ctx, uint32_t stream) { return lp_stream(ctx->eng, ctx->lp_id, stream); }

/* Keeps the earliest error (by simulated time, then LP) so the message does
 * not depend on which thread got there first. */
static void handler_error(sim_ctx *c, const char *fmt, ...)
{
    if (c->has_error && (c->error_time < c->now ||
                         (c->error_time == c->now && c->error_lp <= c->lp_id)))
        return;
    c->has_error = 1;
    c->error_time = c->now;
    c->error_lp = c->lp_id;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
}

/* The outbox of a sending thread that an event for `lp` goes to: the
 * owning thread's when it is on this rank, else the owning rank's. */
static uint32_t lp_outbox(const sim_engine *eng, uint32_t lp)
{
    uint32_t threads = (uint32_t)eng->cfg.threads;
    uint32_t w = eng->lp_worker[lp];
    uint32_t rank = w / threads;
    return rank == (uint32_t)eng->rank ? w % threads : threads + rank;
}

static int outbox_push(sim_outbox *box, sim_event *ev)
{
    if (box->len == box->cap) {
        size_t cap = box->cap ? box->cap * 2 : 256;
        sim_event **grown = realloc(box->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        box->items = grown;
        box->cap = cap;
    }
    box->items[box->len++] = ev;
    return 0;
}

void sim_send(sim_ctx *ctx, uint32_t dst_lp, sim_time_ns delay_ns, uint32_t kind,
              const void *payload, size_t payload_bytes)
{
    sim_engine *eng = ctx->eng;
    char when[64];
    if (dst_lp >= eng->lp_count) {
        handler_error(ctx, "at t=%s lp %u '%s' sent an event to unknown lp %u",
                      sim_time_format(ctx->now, when, sizeof when), ctx->lp_id, ctx->lp->name, dst_lp);
        return;
    }
    if (kind >= eng->kind_count || payload_bytes > SIM_EVENT_PAYLOAD_BYTES) {
        handler_error(ctx, "at t=%s lp %u '%s' sent an event of unknown kind %u or payload of %zu bytes",
                      sim_time_format(ctx->now, when, sizeof when), ctx->lp_id, ctx->lp->name, kind,
                      payload_bytes);
        return;
    }
    if (delay_ns < 0 || (dst_lp != ctx->lp_id && delay_ns < eng->cfg.lookahead_ns)) {
        handler_error(ctx,
                      "at t=%s lp %u '%s' sent event '%s' to lp %u '%s' with delay %lld ns, "
                      "less than the lookahead of %lld ns",
                      sim_time_format(ctx->now, when, sizeof when), ctx->lp_id, ctx->lp->name,
                      eng->kinds[kind].name, dst_lp, eng->lps[dst_lp].name, (long long)delay_ns,
                      (long long)(delay_ns < 0 ? 0 : eng->cfg.lookahead_ns));
        return;
    }
    sim_time_ns t = ctx->now > SIM_TIME_NEVER - delay_ns ? SIM_TIME_NEVER - 1 : ctx->now + delay_ns;
    sim_event *ev = make_event(ctx, ctx->lp_id, ++ctx->lp->next_seq, dst_lp, t, kind, payload,
                               payload_bytes);
    int failed;
    if (!ev) {
        failed = 1;
    } else if (dst_lp == ctx->lp_id) {
        failed = sim_queue_push(&ctx->lp->queue, ev);
    } else {
        ctx->remote_events++;
        uint32_t box = lp_outbox(eng, dst_lp);
        if (box >= (uint32_t)eng->cfg.threads)
            ctx->rank_events++;
        else if (box != lp_outbox(eng, ctx->lp_id)) /* the sender's block, also in a solo epoch */
            ctx->thread_events++;
        failed = outbox_push(&ctx->outboxes[box], ev);
    }
    if (failed)
        handler_error(ctx, "out of memory queueing an event from lp %u", ctx->lp_id);
}

/* --- the executor ------------------------------------------------------ */

/* Runs one LP's events before window_end; returns its next pending time. */
static sim_time_ns run_lp_window(sim_ctx *c, uint32_t lp_id, sim_time_ns window_end)
{
    sim_lp *lp = &c->eng->lps[lp_id];
    c->lp_id = lp_id;
    c->lp = lp;
    while (sim_queue_next_time(&lp->queue) < window_end) {
        sim_event *ev = sim_queue_pop(&lp->queue);
        if (sim_queue_next_time(&lp->queue) < window_end) /* the next one, while this one runs */
            __builtin_prefetch(lp->queue.entries[0].ev);
        c->now = ev->time_ns;
        lp->handler(c, lp->state, ev);
        c->events++;
        sim_pool_put(&c->pool, ev);
    }
    return sim_queue_next_time(&lp->queue);
}

/* Moves every event bound for LPs this thread owns into their queues. */
static sim_time_ns merge_inbound(sim_engine *eng, int thread)
{
    sim_time_ns next = SIM_TIME_NEVER;
    for (int src = 0; src < eng->cfg.threads; src++) {
        sim_outbox *box = &eng->ctxs[src].outboxes[thread];
        for (size_t i = 0; i < box->len; i++) {
            sim_event *ev = box->items[i];
            if (ev->time_ns < next)
                next = ev->time_ns;
            if (sim_queue_push(&eng->lps[ev->dst_lp].queue, ev) != 0)
                handler_error(&eng->ctxs[thread], "out of memory merging events");
            sim_due_lower(&eng->due, ev->dst_lp, ev->time_ns);
        }
        box->len = 0;
    }
    return next;
}

static int collect_handler_errors(sim_engine *eng)
{
    sim_ctx *first = NULL;
    for (int t = 0; t < eng->cfg.threads; t++) {
        sim_ctx *c = &eng->ctxs[t];
        if (!c->has_error)
            continue;
        if (!first || c->error_time < first->error_time ||
            (c->error_time == first->error_time && c->error_lp < first->error_lp))
            first = c;
    }
    if (first)
        set_engine_error(eng, "%s", first->error);
    return first != NULL;
}

static sim_time_ns global_next_time(const sim_engine *eng)
{
    sim_time_ns next = SIM_TIME_NEVER;
    for (int t = 0; t < eng->cfg.threads; t++)
        if (eng->ctxs[t].next_min < next)
            next = eng->ctxs[t].next_min;
    return next;
}

uint64_t sim_events_executed(const sim_engine *eng)
{
    uint64_t n = 0;
    for (int t = 0; t < eng->cfg.threads; t++)
        n += eng->ctxs[t].events;
    return n;
}

/* The decisions of one run, shared by the threads. Written only by
 * round_begin / round_end (serial), read by every thread after a barrier. */
typedef struct run_state {
    sim_time_ns until_ns;
    sim_time_ns window_end;
    sim_time_ns reached;
    int stop, failed, end_requested;
} run_state;

/* Distributed: every rank learns the earliest pending time and whether any
 * rank failed or was asked to stop, in one MPI_Allreduce (minimum of
 * {next, -failed, -end_requested}). */
static sim_time_ns agree_next_time(sim_engine *eng, run_state *rs, sim_time_ns next)
{
    if (eng->ranks == 1)
        return next;
    int64_t v[3] = {next, rs->failed ? -1 : 0, rs->end_requested ? -1 : 0};
    if (sim_mpi_min_i64(v, 3) != 0) {
        set_engine_error(eng, "MPI: cannot agree on the next window");
        rs->failed = 1;
        return next;
    }
    if (v[1] < 0 && !rs->failed) {
        set_engine_error(eng, "the run failed on another MPI rank (its message is in that rank's output)");
        rs->failed = 1;
    }
    if (v[2] < 0)
        rs->end_requested = 1;
    return v[0];
}

/* Decides the next window, or that the run is over. Serial. */
static void round_begin(sim_engine *eng, run_state *rs)
{
    sim_time_ns next = agree_next_time(eng, rs, global_next_time(eng));
    if (rs->failed || rs->end_requested) {
        rs->stop = 1;
    } else if (next >= rs->until_ns || next == SIM_TIME_NEVER) {
        rs->stop = 1;
        rs->reached = rs->until_ns;
    } else {
        sim_time_ns lookahead = eng->cfg.lookahead_ns;
        rs->window_end = next > rs->until_ns - lookahead ? rs->until_ns : next + lookahead;
        if (eng->hook && eng->hook(eng->hook_ctx, eng, SIM_WINDOW_BEGIN, rs->window_end)) {
            if (eng->ranks > 1) {
                rs->end_requested = 1; /* every rank runs this window; all stop after it */
            } else {
                rs->stop = 1;
                rs->reached = next;
            }
        }
    }
}

/* One event on the wire between ranks: the event without its free-list
 * pointer. Both sides run the same binary on the same byte order. */
typedef struct sim_wire_event {
    int64_t time_ns;
    uint32_t priority;
    uint32_t src_lp;
    uint64_t src_seq;
    uint32_t dst_lp;
    uint32_t kind;
    unsigned char payload[SIM_EVENT_PAYLOAD_BYTES];
} sim_wire_event;
_Static_assert(sizeof(sim_wire_event) == 32 + SIM_EVENT_PAYLOAD_BYTES, "sim_wire_event is sent as raw bytes");

/* Distributed: sends every thread's events for other ranks and queues the
 * events received. Queues order events by their total key, so the order of
 * arrival does not matter. The events go in rounds of at most
 * EXCHANGE_ROUND_BYTES (cfg.exchange_round_bytes) per rank, each one
 * MPI_Alltoall of sizes and one MPI_Alltoallv: the first window of
 * datacenter_10k.cfg sends 100,000 vm.start events from rank 0, 5.3 MB of
 * them packed for the other ranks (3 ranks), which one block held at once. Each block starts with
 * a head: how many events the sender still has for any rank after this
 * round and how many the block holds; the rounds go on while any rank has
 * some, so every rank calls the same collectives. Serial (thread 0, the
 * other threads wait). Returns 0 or -1 (engine error set). */
enum { EXCHANGE_ROUND_BYTES = 1 << 20 };
typedef struct {
    uint64_t left; /* the sender's events still to come after this round */
    uint64_t n;    /* events in this block */
} exchange_head;

static void pack_wire_event(unsigned char *at, const sim_event *ev)
{
    sim_wire_event w = {.time_ns = ev->time_ns, .priority = ev->priority, .src_lp = ev->src_lp,
                        .src_seq = ev->src_seq, .dst_lp = ev->dst_lp, .kind = ev->kind};
    memcpy(w.payload, ev->payload.bytes, sizeof w.payload);
    memcpy(at, &w, sizeof w);
}

/* Queues one round's received blocks; *more set when a sender has events
 * left. Keeps reading the heads after an error, so the rounds go on. */
static int take_event_round(sim_engine *eng, const unsigned char *recv, size_t recv_bytes, int *more)
{
    sim_event_pool *pool = &eng->ctxs[0].pool;
    sim_time_ns next = eng->ctxs[0].next_min;
    int rc = 0;
    size_t off = 0;
    while (off + sizeof(exchange_head) <= recv_bytes) {
        exchange_head h;
        memcpy(&h, recv + off, sizeof h);
        off += sizeof h;
        *more |= h.left != 0;
        if (h.n > (recv_bytes - off) / sizeof(sim_wire_event)) {
            set_engine_error(eng, "received a malformed block of events");
            return -1;
        }
        for (uint64_t k = 0; k < h.n; k++, off += sizeof(sim_wire_event)) {
            if (rc != 0)
                continue; /* the run stops; the heads are still read */
            sim_wire_event w;
            memcpy(&w, recv + off, sizeof w);
            sim_event *ev = sim_pool_get(pool);
            if (!ev || w.dst_lp >= eng->lp_count) {
                set_engine_error(eng, ev ? "received an event for unknown lp %u" : "out of memory receiving events",
                                 w.dst_lp);
                if (ev)
                    sim_pool_put(pool, ev);
                rc = -1;
                continue;
            }
            ev->time_ns = w.time_ns;
            ev->priority = w.priority;
            ev->src_lp = w.src_lp;
            ev->src_seq = w.src_seq;
            ev->dst_lp = w.dst_lp;
            ev->kind = w.kind;
            memcpy(ev->payload.bytes, w.payload, sizeof w.payload);
            if (sim_queue_push(&eng->lps[w.dst_lp].queue, ev) != 0) {
                set_engine_error(eng, "out of memory queueing received events");
                rc = -1;
                continue;
            }
            sim_due_lower(&eng->due, w.dst_lp, ev->time_ns);
            if (ev->time_ns < next)
                next = ev->time_ns;
        }
    }
    eng->ctxs[0].next_min = next;
    return rc;
}

static int exchange_between_ranks(sim_engine *eng)
{
    const int threads = eng->cfg.threads, ranks = eng->ranks;
    const size_t round = eng->cfg.exchange_round_bytes ? eng->cfg.exchange_round_bytes : EXCHANGE_ROUND_BYTES;
    size_t per_rank = round / (size_t)(ranks - 1) / sizeof(sim_wire_event); /* events per block */
    if (per_rank == 0)
        per_rank = 1;
    uint64_t left = 0;
    size_t need = 0; /* the first round's bytes, the largest */
    for (int r = 0; r < ranks; r++) {
        size_t n = 0;
        for (int t = 0; t < threads && r != eng->rank; t++)
            n += eng->ctxs[t].outboxes[threads + r].len;
        left += n;
        need += r == eng->rank ? 0 : sizeof(exchange_head) + (n < per_rank ? n : per_rank) * sizeof(sim_wire_event);
    }
    if (need > eng->send_cap) {
        free(eng->send_buf);
        eng->send_cap = 0;
        if (!(eng->send_buf = malloc(need))) {
            set_engine_error(eng, "out of memory packing %zu bytes of events for other ranks", need);
            return -1; /* every rank fails alike or MPI aborts the job */
        }
        eng->send_cap = need;
    }
    sim_event_pool *pool = &eng->ctxs[0].pool;
    int rc = 0, more = 1;
    while (more) {
        unsigned char *at = eng->send_buf;
        for (int r = 0; r < ranks; r++) {
            eng->send_bytes[r] = 0;
            if (r == eng->rank)
                continue;
            exchange_head h = {0};
            unsigned char *head = at;
            at += sizeof h;
            for (int t = 0; t < threads; t++) {
                sim_outbox *box = &eng->ctxs[t].outboxes[threads + r];
                for (; box->len > 0 && h.n < per_rank; h.n++, at += sizeof(sim_wire_event)) {
                    sim_event *ev = box->items[--box->len];
                    pack_wire_event(at, ev);
                    sim_pool_put(pool, ev);
                }
            }
            left -= h.n;
            memcpy(head, &h, sizeof h);
            eng->send_bytes[r] = (size_t)(at - head);
        }
        /* every head says what is left after this round (known only now) */
        for (unsigned char *head = eng->send_buf; head < at;) {
            exchange_head h;
            memcpy(&h, head, sizeof h);
            h.left = left;
            memcpy(head, &h, sizeof h);
            head += sizeof h + h.n * sizeof(sim_wire_event);
        }
        size_t recv_bytes = 0;
        if (sim_mpi_exchange(eng->send_bytes, eng->send_buf, &eng->recv_buf, &recv_bytes, NULL) != 0) {
            set_engine_error(eng, "MPI: the exchange of events between ranks failed");
            return -1;
        }
        more = left != 0;
        if (take_event_round(eng, eng->recv_buf.p, recv_bytes, &more) != 0)
            rc = -1; /* the rounds go on: the other ranks wait for this one */
    }
    return rc;
}

static int sync_shared_regions(sim_engine *eng);

/* Free events beyond one slab's worth above the mean move to the pools
 * below it (serial, between windows; see sim_pool_move). */
enum { POOL_BALANCE_SLACK = 1024 };

static void balance_pools(sim_engine *eng)
{
    const int threads = eng->cfg.threads;
    size_t total = 0;
    for (int t = 0; t < threads; t++)
        total += eng->ctxs[t].pool.n_free;
    const size_t mean = total / (size_t)threads;
    for (int t = 0; t < threads; t++) {
        sim_event_pool *rich = &eng->ctxs[t].pool;
        for (int u = 0; u < threads && rich->n_free > mean + POOL_BALANCE_SLACK; u++) {
            sim_event_pool *poor = &eng->ctxs[u].pool;
            if (poor->n_free < mean)
                sim_pool_move(rich, poor, mean - poor->n_free < rich->n_free - mean ? mean - poor->n_free
                                                                                    : rich->n_free - mean);
        }
    }
}

/* Closes a window: events between ranks, errors, statistics, the end hook.
 * Serial. Distributed, every rank calls the end hook at every window (it
 * may hold collectives); a failure stops the run at the next agreement. */
static void round_end(sim_engine *eng, run_state *rs)
{
    eng->stats.windows++;
    rs->reached = rs->window_end;
    if (eng->ranks > 1 && exchange_between_ranks(eng) != 0)
        rs->failed = 1;
    if (eng->ranks > 1 && eng->shares.n > 0 && sync_shared_regions(eng) != 0)
        rs->failed = 1;
    if (collect_handler_errors(eng))
        rs->failed = 1;
    if (rs->failed && eng->ranks == 1)
        return;
    if (eng->hook && eng->hook(eng->hook_ctx, eng, SIM_WINDOW_END, rs->window_end))
        rs->end_requested = 1;
}

static inline void prefetch_state(const sim_lp *lp) { __builtin_prefetch(lp->state); }

static inline void prefetch_queue_head(const sim_lp *lp)
{
    if (lp->queue.len) {
        __builtin_prefetch(lp->queue.entries);
        /* the pop moves the last entry up: its line too (a host's queue
         * holds its next sample and its failure clocks) */
        __builtin_prefetch(&lp->queue.entries[lp->queue.len - 1]);
    }
    if (lp->prefetch)
        lp->prefetch(lp->state, SIM_PREFETCH_AHEAD);
}

static inline void prefetch_first_event(const sim_lp *lp)
{
    if (lp->queue.len) {
        const char *ev = (const char *)lp->queue.entries[0].ev;
        __builtin_prefetch(ev);
        __builtin_prefetch(ev + 64);
    }
    __builtin_prefetch(lp->state);
    if (lp->prefetch)
        lp->prefetch(lp->state, SIM_PREFETCH_NEXT);
}

/* Runs the due LPs of group g, slots [lo, hi), in increasing slot order,
 * nothing when the group has none before window_end (sim/due_index.h);
 * returns the group's earliest pending time after the window. `timed`: adds
 * each run LP's wall time to its measured cost (the re-deal). */
static inline sim_time_ns run_group(sim_ctx *c, uint32_t g, uint32_t lo, uint32_t hi, sim_time_ns window_end,
                                    int timed)
{
    sim_engine *eng = c->eng;
    sim_due_index *d = &eng->due;
    if (d->group_min[g] >= window_end)
        return d->group_min[g];
    sim_time_ns group_next = SIM_TIME_NEVER;
    uint32_t due[SIM_DUE_GROUP], n_due = 0;
    for (uint32_t i = lo; i < hi; i++) {
        if (d->next_at[i] < window_end) {
            due[n_due++] = i;
            __builtin_prefetch(&eng->lps[eng->lp_order[i]]);
        } else if (d->next_at[i] < group_next) {
            group_next = d->next_at[i];
        }
    }
    /* The LPs, their queue heads and first events were last touched
     * minutes of simulated time ago: each a cache miss. Fetch the
     * state of the third LP from here, the queue head of the LP after
     * next and the event of the next one (and what their own hints ask
     * for, sim_lp_set_prefetch) while this one runs. */
    if (n_due > 1)
        prefetch_queue_head(&eng->lps[eng->lp_order[due[1]]]);
    if (n_due > 2)
        prefetch_state(&eng->lps[eng->lp_order[due[2]]]);
    for (uint32_t j = 0; j < n_due; j++) {
        if (j + 3 < n_due)
            prefetch_state(&eng->lps[eng->lp_order[due[j + 3]]]);
        if (j + 2 < n_due)
            prefetch_queue_head(&eng->lps[eng->lp_order[due[j + 2]]]);
        if (j + 1 < n_due)
            prefetch_first_event(&eng->lps[eng->lp_order[due[j + 1]]]);
        const uint32_t i = due[j], lp = eng->lp_order[i];
        sim_time_ns t;
        if (timed) {
            double t0 = wall_seconds();
            t = run_lp_window(c, lp, window_end);
            eng->lp_cost_ns[lp] += (wall_seconds() - t0) * 1e9;
        } else {
            t = run_lp_window(c, lp, window_end);
        }
        d->next_at[i] = t;
        if (t < group_next)
            group_next = t;
    }
    d->group_min[g] = group_next;
    return group_next;
}

/* Runs every due LP of the slots [first, end), a block or a whole rank,
 * group after group (groups never cross a block): one thread, or a solo
 * epoch. */
static sim_time_ns run_lp_range(sim_ctx *c, uint32_t first, uint32_t end, sim_time_ns window_end)
{
    const sim_due_index *d = &c->eng->due;
    sim_time_ns next = SIM_TIME_NEVER;
    for (uint32_t lo = first, g = first < end ? d->group_of[first] : 0; lo < end; g++) {
        const uint32_t hi = d->group_first[g + 1];
        sim_time_ns t = run_group(c, g, lo, hi, window_end, 0);
        if (t < next)
            next = t;
        lo = hi;
    }
    return next;
}

/* Groups in thread t's block of this rank. */
static uint32_t block_groups(const sim_engine *eng, int t)
{
    const uint32_t *cut = &eng->worker_first[eng->rank * eng->cfg.threads];
    if (cut[t] >= cut[t + 1])
        return 0;
    return eng->due.group_of[cut[t + 1] - 1] - eng->due.group_of[cut[t]] + 1;
}

/* Before a team window (serial): every group of every block unclaimed. */
static void reset_claims(sim_engine *eng)
{
    for (int t = 0; t < eng->cfg.threads; t++)
        sim_claim_reset(&eng->claims[t], block_groups(eng, t));
}

/* Runs the groups of `owner`'s block this thread claims: its own from the
 * front, another's from the back (a thief). Every group is run by exactly
 * one thread (sim/claim.h); its due-index entries are written by that
 * thread only, and its LPs' sends go to the outboxes of the LPs' owners as
 * from any thread, so who runs it changes nothing. */
static sim_time_ns run_claimed(sim_ctx *c, int owner, int thief, sim_time_ns window_end, int timed)
{
    sim_engine *eng = c->eng;
    const uint32_t first = eng->worker_first[eng->rank * eng->cfg.threads + owner];
    sim_time_ns next = SIM_TIME_NEVER;
    if (block_groups(eng, owner) == 0)
        return next;
    sim_claim *claim = &eng->claims[owner];
    const uint32_t g0 = eng->due.group_of[first];
    for (;;) {
        const int64_t k = sim_claim_take(claim, thief);
        if (k < 0)
            break;
        const uint32_t g = g0 + (uint32_t)k;
        if (thief && eng->due.group_min[g] < window_end)
            c->stolen_groups++;
        sim_time_ns t = run_group(c, g, eng->due.group_first[g], eng->due.group_first[g + 1], window_end, timed);
        if (t < next)
            next = t;
    }
    return next;
}

/* A team window's run for thread tid: its own block, then (unless
 * cfg.no_steal) what the others have not yet claimed of theirs, so the
 * thread that finishes first takes the other's last groups instead of
 * waiting at the barrier (the busier thread's share varied by 18 % from
 * window to window, issue 18 item 3). */
static inline sim_time_ns run_team_window(sim_ctx *c, int tid, sim_time_ns window_end, int timed)
{
    const int threads = c->eng->cfg.threads;
    sim_time_ns next = run_claimed(c, tid, 0, window_end, timed);
    if (!c->eng->cfg.no_steal)
        for (int k = 1; k < threads; k++) {
            sim_time_ns t = run_claimed(c, (tid + k) % threads, 1, window_end, timed);
            if (t < next)
                next = t;
        }
    return next;
}

/* One thread: no OpenMP region at all. libgomp wakes futexes at every
 * barrier even in a team of one, which costs microseconds per window. */
static void run_serial(sim_engine *eng, run_state *rs)
{
    sim_ctx *c = &eng->ctxs[0];
    const uint32_t first = eng->worker_first[eng->rank], end = eng->worker_first[eng->rank + 1];
    for (;;) {
        round_begin(eng, rs);
        if (rs->stop)
            return;
        sim_time_ns local_next = run_lp_range(c, first, end, rs->window_end);
        run_window_work(eng, 0, 1);
        sim_time_ns merged = merge_inbound(eng, 0);
        c->next_min = merged < local_next ? merged : local_next;
        round_end(eng, rs);
    }
}

/* Wall time a waiting thread polls the barrier before it sleeps: longer than
 * a futex wake-up on an idle machine (so a partner a few microseconds late
 * costs no sleep), far shorter than a scheduler time slice (so a partner
 * descheduled by other work costs little CPU). */
#define BARRIER_SPIN_NS 30000L

/* An epoch ends after this many windows or this much wall time, whichever
 * comes first, so models with long windows are re-decided often enough too.
 * After each epoch thread 0 decides how the next one runs: with the team or
 * alone (sim/team_chooser.h). */
#define EPOCH_WALL_S 0.02
enum { EPOCH_WINDOWS = 64 };

/* What a team epoch measures, over the same windows, for both modes: the
 * wall time of its LP work (every thread's run and merge, barrier waits for
 * a late thread included: what the team costs), and each thread's CPU time
 * in run and merge, barrier waits excluded (what thread 0 alone would
 * need, stretched by how slowly a solo thread runs now). */
typedef struct team_clock {
    double parallel_wall_s; /* thread 0: from each window's start to the merge barrier */
    double serial_wall_s;   /* thread 0: the window ends (round_end, round_begin), as solo runs them */
    double cpu_s[];         /* [thread] run and merge, thread CPU time */
} team_clock;

static double thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int epoch_is_over(int windows_done, double start_s)
{
    return windows_done >= EPOCH_WINDOWS || wall_seconds() - start_s >= EPOCH_WALL_S;
}

/* Thread 0 alone: every LP of this rank, every outbox, one window at a time.
 * Sets *wall_s and *cpu_s to the epoch's wall and thread CPU time (read once
 * per epoch: the CPU clock is a system call, per window it tripled the
 * cost of a solo run of tiny windows in a VM). */
static void run_solo_epoch(sim_engine *eng, run_state *rs, double start_s, double *wall_s, double *cpu_s)
{
    sim_ctx *c = &eng->ctxs[0];
    const int threads = eng->cfg.threads;
    const uint32_t *cut = &eng->worker_first[eng->rank * threads];
    const double cpu0 = thread_cpu_seconds();
    for (int w = 0; !rs->stop && !epoch_is_over(w, start_s); w++) {
        sim_time_ns next = SIM_TIME_NEVER;
        for (int t = 0; t < threads; t++) { /* block by block: groups end at blocks */
            sim_time_ns block_next = run_lp_range(c, cut[t], cut[t + 1], rs->window_end);
            if (block_next < next)
                next = block_next;
        }
        run_window_work(eng, 0, 1);
        for (int t = 0; t < eng->cfg.threads; t++) {
            sim_time_ns merged = merge_inbound(eng, t);
            if (merged < next)
                next = merged;
            eng->ctxs[t].next_min = SIM_TIME_NEVER;
        }
        c->next_min = next;
        round_end(eng, rs);
        eng->stats.solo_windows++;
        round_begin(eng, rs);
    }
    *wall_s = wall_seconds() - start_s;
    *cpu_s = thread_cpu_seconds() - cpu0;
}

/* Every thread its own block of LPs (and, having finished it, the groups
 * another has not reached yet: run_team_window), three barriers per window. Thread 0
 * alone closes a window, decides the next one and whether the epoch is over
 * between the second and third barrier (in every window, so no reset
 * before an epoch can race with a late reader); `rs` and `*epoch_over` are
 * read by the others only after the third. Each thread adds the CPU time
 * of its run and merge (not of its barrier waits) to `tc` (team_clock),
 * thread 0 reads the others' after the second barrier, and ends the epoch
 * early when `chooser` (thread 0's) says the team is clearly losing. */
static void run_team_epoch(sim_engine *eng, run_state *rs, sim_barrier *barrier, int tid,
                           double start_s, int *epoch_over, int measure,
                           team_clock *tc, const sim_team_chooser *chooser)
{
    const int threads = eng->cfg.threads;
    sim_ctx *c = &eng->ctxs[tid];
    for (int w = 1;; w++) {
        /* two thread-CPU clock reads per window (a system call each, some
         * hundreds of ns in a VM), the barrier's polling time taken out */
        const double wall0 = wall_seconds(), cpu0 = thread_cpu_seconds();
        sim_time_ns local_next = measure ? run_team_window(c, tid, rs->window_end, 1)
                                         : run_team_window(c, tid, rs->window_end, 0);
        run_window_work(eng, tid, threads);
        const long spun_ns = sim_barrier_wait(barrier);
        sim_time_ns merged = merge_inbound(eng, tid);
        c->next_min = merged < local_next ? merged : local_next;
        tc->cpu_s[tid] += thread_cpu_seconds() - cpu0 - (double)spun_ns * 1e-9;
        sim_barrier_wait(barrier);
        if (tid == 0) {
            tc->parallel_wall_s += wall_seconds() - wall0;
            /* Only after team windows: in solo ones thread 0 takes and frees
             * every event, and evening the lists out there moved half its
             * free events, every window, to a thread that was not running,
             * while thread 0 took new slabs (2 % of a solo run's CPU). */
            balance_pools(eng);
            const double serial0 = wall_seconds();
            round_end(eng, rs);
            round_begin(eng, rs);
            reset_claims(eng);
            const double now_s = wall_seconds();
            tc->serial_wall_s += now_s - serial0;
            double team_cpu_s = 0.0;
            for (int t = 0; t < threads; t++)
                team_cpu_s += tc->cpu_s[t];
            *epoch_over = rs->stop || epoch_is_over(w, start_s) ||
                          sim_team_chooser_team_losing(chooser, now_s - start_s, team_cpu_s, tc->serial_wall_s);
        }
        sim_barrier_wait(barrier);
        /* Thread 0 wrote it before the third barrier and writes it again
         * only after the others have passed two more; rs->stop, which a
         * solo epoch may change meanwhile, is not read here. */
        if (*epoch_over)
            break;
    }
}

/* Numbers the handlers of lps[0..n) in order of first appearance, the
 * kinds the deal keeps even (sim/lp_deal.h); more than SIM_DEAL_MAX_KINDS
 * handlers share the last kind. */
static void deal_number_kinds(sim_lp_deal *d, const sim_engine *eng, const uint32_t *lps, uint32_t n)
{
    sim_handler_fn kinds[SIM_DEAL_MAX_KINDS];
    d->n = n;
    d->n_kinds = 0;
    for (uint32_t i = 0; i < n; i++) {
        const sim_handler_fn handler = eng->lps[lps[i]].handler;
        uint32_t k = 0;
        while (k < d->n_kinds && kinds[k] != handler)
            k++;
        if (k == d->n_kinds && d->n_kinds < SIM_DEAL_MAX_KINDS)
            kinds[d->n_kinds++] = handler;
        d->kind_of[i] = k < SIM_DEAL_MAX_KINDS ? k : SIM_DEAL_MAX_KINDS - 1;
    }
}

/* Writes rank r's slots from a deal: thread t's LPs in increasing id form
 * the t-th block of the rank's slots [base, base + n). */
static void apply_deal(sim_engine *eng, uint32_t r, uint32_t base, const uint32_t *lps, uint32_t n,
                       const uint32_t *thread_of)
{
    const uint32_t threads = (uint32_t)eng->cfg.threads;
    uint32_t *cut = &eng->worker_first[r * threads];
    uint32_t at = base;
    for (uint32_t t = 0; t < threads; t++) {
        cut[t] = at;
        for (uint32_t i = 0; i < n; i++)
            if (thread_of[i] == t) {
                eng->lp_order[at++] = lps[i];
                eng->lp_worker[lps[i]] = r * threads + t;
            }
    }
}

/* Every MEASURE_EVERY-th team epoch times each LP (two clock reads per LP
 * with events: a few per cent of a PHOLD event, so not every epoch). */
enum { MEASURE_EVERY = 8 };
/* The LPs are dealt again by measured cost when that shortens the sum over
 * kinds of the busiest thread's cost by this factor. */
#define REDEAL_GAIN 0.90

/* The kind of each slot of this rank for sim_due_regroup: a number that
 * changes wherever the LP's handler differs from the previous slot's. NULL
 * when out of memory (groups are then cut by size alone: slower stealing,
 * same results). */
static uint32_t *slot_kinds(const sim_engine *eng)
{
    const uint32_t *cut = &eng->worker_first[(uint32_t)eng->rank * (uint32_t)eng->cfg.threads];
    uint32_t *kind = malloc((size_t)(eng->lp_count ? eng->lp_count : 1) * sizeof *kind);
    if (!kind)
        return NULL;
    uint32_t k = 0;
    for (uint32_t i = cut[0]; i < cut[eng->cfg.threads]; i++) {
        if (i > cut[0] && eng->lps[eng->lp_order[i]].handler != eng->lps[eng->lp_order[i - 1]].handler)
            k++;
        kind[i] = k;
    }
    return kind;
}

/* After a measuring epoch (thread 0, the others wait, every outbox empty):
 * deals this rank's LPs again, weighted by measured cost, when that
 * balances the kinds clearly better than the current deal, and rebuilds the
 * due index over the new slots. Results do not change (sim/lp_deal.h). */
static void rebalance_threads(sim_engine *eng)
{
    const uint32_t threads = (uint32_t)eng->cfg.threads, r = (uint32_t)eng->rank;
    uint32_t *cut = &eng->worker_first[r * threads];
    const uint32_t first = cut[0], end = cut[threads], n = end - first;
    if (n == 0)
        return;
    double total = 0.0;
    for (uint32_t i = first; i < end; i++)
        total += eng->lp_cost_ns[eng->lp_order[i]];
    sim_lp_deal d;
    const int dealt = sim_lp_deal_init(&d, threads, n) == 0;
    uint32_t *lps = malloc((size_t)n * sizeof *lps);
    uint32_t *now = malloc((size_t)n * sizeof *now);
    uint32_t m = 0;
    if (total > 0.0 && dealt && lps && now) /* this rank's LPs in increasing id, and the thread each runs now */
        for (uint32_t lp = 0; lp < eng->lp_count && m < n; lp++)
            if (eng->lp_worker[lp] / threads == r) {
                lps[m] = lp;
                now[m++] = eng->lp_worker[lp] % threads;
            }
    if (m == n) {
        deal_number_kinds(&d, eng, lps, n);
        /* an LP without measured events still costs a visit per window */
        const double floor_ns = total / (100.0 * (double)n);
        for (uint32_t i = 0; i < n; i++)
            d.weight[i] = eng->lp_cost_ns[lps[i]] + floor_ns;
        d.weighted = 1;
        const double current = sim_lp_deal_span_of(&d, now);
        d.groups = eng->deal_affine ? &eng->groups : NULL; /* the groups stay whole, re-dealt by cost */
        const double better = d.groups ? sim_lp_deal_with_groups(&d) : sim_lp_deal_spread(&d);
        if (better < REDEAL_GAIN * current) {
            apply_deal(eng, r, first, lps, n, d.thread_of);
            sim_due_index *due = &eng->due;
            for (uint32_t i = first; i < end; i++) {
                const uint32_t lp = eng->lp_order[i];
                due->slot_of[lp] = i;
                due->next_at[i] = sim_queue_next_time(&eng->lps[lp].queue);
            }
            uint32_t *kind = slot_kinds(eng);
            sim_due_regroup(due, cut, threads, kind);
            free(kind);
            eng->rebalances++;
        }
    }
    sim_lp_deal_free(&d);
    free(lps);
    free(now);
    for (uint32_t i = first; i < end; i++) /* older measurements count half as much */
        eng->lp_cost_ns[eng->lp_order[i]] *= 0.5;
}

/* Several threads: one parallel region for the whole run, in epochs of
 * EPOCH_WINDOWS windows. Thread 0 runs each epoch with the team or alone
 * (sim/team_chooser.h: the team stays while its epochs take less wall time
 * than one thread would have needed for the same windows), so a machine loaded
 * by other work never makes several threads much slower than one (the
 * waiting threads sleep: sim/barrier.h). Between epochs a thread's block of
 * LPs is fixed: the LPs whose queues it merges into, which it runs unless
 * a thread that finished its own block first claimed their group. */
static void run_parallel(sim_engine *eng, run_state *rs)
{
    const int threads = eng->cfg.threads;
    sim_barrier barrier;
    if (sim_barrier_init(&barrier, threads, BARRIER_SPIN_NS) != 0) {
        set_engine_error(eng, "cannot create the threads' barrier");
        rs->failed = 1;
        return;
    }
    team_clock *tclock = calloc(1, sizeof *tclock + (size_t)threads * sizeof tclock->cpu_s[0]);
    if (!tclock) {
        sim_barrier_destroy(&barrier);
        set_engine_error(eng, "out of memory starting %d threads", threads);
        rs->failed = 1;
        return;
    }
    omp_set_dynamic(0);
    int team_size = threads;
    int epoch_over = 0, measure = 0;
    uint64_t team_epochs = 0;
    int after_solo = 0; /* thread 0: the last epoch ran solo */
    sim_cpu_times solo_from = {0}; /* the machine's CPU times when the solo epochs began */
    double start_s = 0.0;
    sim_team_chooser chooser;
    sim_team_chooser_init(&chooser);
    round_begin(eng, rs);
#pragma omp parallel num_threads(threads)
    {
        const int tid = omp_get_thread_num();
        if (tid == 0)
            team_size = omp_get_num_threads();
        /* A smaller team than asked would deadlock at the barrier: only the
         * team's size decides, and every thread sees it before the loop. */
#pragma omp barrier
        if (team_size == threads && tid == 0) {
            /* Thread 0 leads. Solo epochs need nobody else: the others stay
             * asleep at the barrier (on a loaded machine, waking them for
             * every epoch cost a scheduler time slice each time). A team
             * epoch starts at that barrier; what it reads (the blocks, the
             * flags, rs) is written only before it. */
            while (!rs->stop) {
                start_s = wall_seconds();
                if (eng->cfg.team_choice != SIM_CHOOSE_AUTO)
                    chooser.mode = eng->cfg.team_choice == SIM_CHOOSE_TEAM ? SIM_MODE_TEAM : SIM_MODE_SOLO;
                if (chooser.mode == SIM_MODE_SOLO) {
                    double wall_s = 0.0, cpu_s = 0.0;
                    if (!after_solo)
                        sim_cpu_times_read(&solo_from); /* a stretch of solo epochs begins */
                    eng->stats.team_refreshes += chooser.refreshing;
                    run_solo_epoch(eng, rs, start_s, &wall_s, &cpu_s);
                    sim_team_chooser_solo_done(&chooser, wall_s, cpu_s);
                    eng->stats.solo_wall_s += wall_s;
                    eng->stats.solo_cpu_s += cpu_s;
                    after_solo = 1;
                    if (chooser.mode == SIM_MODE_TEAM && eng->cfg.team_choice == SIM_CHOOSE_AUTO) {
                        /* a probe is due: is any CPU free for the other threads? */
                        sim_cpu_times now;
                        sim_cpu_times_read(&now);
                        if (!sim_team_chooser_probe_worthwhile(&chooser, sim_cpu_idle_between(&solo_from, &now),
                                                               threads)) {
                            eng->stats.team_probes_skipped++;
                            solo_from = now;
                        }
                    }
                    continue;
                }
                measure = team_epochs++ % MEASURE_EVERY == 0;
                tclock->parallel_wall_s = 0.0;
                tclock->serial_wall_s = 0.0;
                for (int t = 0; t < threads; t++)
                    tclock->cpu_s[t] = 0.0;
                reset_claims(eng); /* the blocks as dealt for this epoch */
                sim_barrier_wait(&barrier);
                run_team_epoch(eng, rs, &barrier, 0, start_s, &epoch_over, measure, tclock, &chooser);
                double team_cpu_s = 0.0;
                for (int t = 0; t < threads; t++)
                    team_cpu_s += tclock->cpu_s[t];
                if (measure) {
                    const double redeal0 = wall_seconds();
                    rebalance_threads(eng);
                    eng->stats.team_redeal_wall_s += wall_seconds() - redeal0;
                }
                eng->stats.team_serial_wall_s += tclock->serial_wall_s;
                /* judged by its whole wall time: every cost of the team counts */
                const double team_wall_s = wall_seconds() - start_s;
                eng->stats.team_epochs++;
                eng->stats.team_wall_s += team_wall_s;
                eng->stats.team_lp_wall_s += tclock->parallel_wall_s;
                eng->stats.team_cpu_s += team_cpu_s;
                eng->stats.team_solo_estimate_s +=
                    sim_team_chooser_solo_estimate(&chooser, team_cpu_s, tclock->serial_wall_s);
                eng->stats.team_probes += after_solo;
                after_solo = 0;
                if (!sim_team_chooser_team_done(&chooser, team_wall_s, team_cpu_s, tclock->serial_wall_s)) {
                    eng->stats.team_epochs_lost++;
                    eng->stats.team_lost_wall_s += team_wall_s;
                }
            }
            sim_barrier_wait(&barrier); /* the others see rs->stop and leave */
        } else if (team_size == threads) {
            for (;;) {
                sim_barrier_wait(&barrier);
                if (rs->stop)
                    break;
                /* the thread's block (re-dealt by rebalance_threads between
                 * epochs): the LPs whose outbox is its own, which it runs
                 * unless a thief took their group first */
                run_team_epoch(eng, rs, &barrier, tid, start_s, &epoch_over, measure, tclock, NULL);
            }
        }
    }
    free(tclock);
    eng->stats.barrier_waits += atomic_load(&barrier.waits);
    eng->stats.barrier_sleeps += atomic_load(&barrier.sleeps);
    if (team_size != threads) {
        set_engine_error(eng, "OpenMP gave %d threads, %d were asked for", team_size, threads);
        rs->failed = 1;
    }
    sim_barrier_destroy(&barrier);
}

void sim_spread_lps(sim_engine *eng, uint32_t first, uint32_t end)
{
    eng->spread_first = first;
    eng->spread_end = end;
    eng->spread_set = 1;
}

/* The rank that runs `lp`: the spread LPs in contiguous blocks of nearly
 * equal count, [ceil(n r / R), ceil(n (r+1) / R)) of them for rank r; every
 * other LP on rank 0. */
static uint32_t lp_rank(const sim_engine *eng, uint32_t lp, uint32_t first, uint32_t end)
{
    if (lp < first || lp >= end)
        return 0;
    uint64_t n = end - first, ranks = (uint64_t)eng->ranks, k = lp - first;
    return (uint32_t)((k * ranks) / n);
}

/* lp_rank over the spread LPs as partition_lps chose them (a
 * sim_lp_rank_fn for the shared records' readers). */
static int rank_of_lp(const void *ctx, uint32_t lp)
{
    const sim_engine *eng = ctx;
    if (lp >= eng->lp_count)
        return -1; /* no such LP (sim_shares_begin reports it) */
    uint32_t first = 0, end = eng->lp_count;
    if (eng->spread_set && eng->spread_first < eng->spread_end && eng->spread_end <= eng->lp_count) {
        first = eng->spread_first;
        end = eng->spread_end;
    }
    return (int)lp_rank(eng, lp, first, end);
}

/* Gives each rank its LPs (lp_rank) and deals each rank's LPs to its
 * threads, an equal share of each kind of LP to each thread (sim/lp_deal.h); a
 * thread's slots are a contiguous block holding its LPs in increasing id. */
static int partition_lps(sim_engine *eng)
{
    const uint32_t n = eng->lp_count, threads = (uint32_t)eng->cfg.threads, ranks = (uint32_t)eng->ranks;
    const uint64_t workers = (uint64_t)ranks * threads;
    uint32_t first = 0, end = n;
    if (eng->spread_set && eng->spread_first < eng->spread_end && eng->spread_end <= n) {
        first = eng->spread_first;
        end = eng->spread_end;
    }
    free(eng->lp_worker);
    free(eng->lp_order);
    free(eng->worker_first);
    eng->lp_worker = malloc((n ? n : 1) * sizeof *eng->lp_worker);
    eng->lp_order = malloc((n ? n : 1) * sizeof *eng->lp_order);
    free(eng->lp_cost_ns);
    eng->lp_cost_ns = calloc(n ? n : 1, sizeof *eng->lp_cost_ns);
    eng->worker_first = malloc((workers + 1) * sizeof *eng->worker_first);
    uint32_t *rank_start = calloc((size_t)ranks + 1, sizeof *rank_start);
    if (!eng->lp_worker || !eng->lp_order || !eng->worker_first || !rank_start || !eng->lp_cost_ns) {
        free(rank_start);
        set_engine_error(eng, "out of memory partitioning %u LPs", n);
        return -1;
    }
    for (uint32_t lp = 0; lp < n; lp++)
        rank_start[lp_rank(eng, lp, first, end) + 1]++;
    for (uint32_t r = 0; r < ranks; r++)
        rank_start[r + 1] += rank_start[r];
    uint32_t *fill = eng->worker_first; /* borrowed as per-rank cursors */
    for (uint32_t r = 0; r < ranks; r++)
        fill[r] = rank_start[r];
    for (uint32_t lp = 0; lp < n; lp++)
        eng->lp_order[fill[lp_rank(eng, lp, first, end)]++] = lp;
    /* each rank's LPs, in increasing id in lp_order, dealt to its threads
     * evenly by kind, affinity groups whole (sim/lp_deal.h) */
    sim_lp_deal d;
    uint32_t *lps = malloc((n ? n : 1) * sizeof *lps);
    if (sim_lp_deal_init(&d, threads, n) != 0 || !lps) {
        sim_lp_deal_free(&d);
        free(lps);
        free(rank_start);
        set_engine_error(eng, "out of memory partitioning %u LPs", n);
        return -1;
    }
    for (uint32_t r = 0; r < ranks; r++) {
        const uint32_t base = rank_start[r], c = rank_start[r + 1] - rank_start[r];
        memcpy(lps, &eng->lp_order[base], (size_t)c * sizeof *lps);
        /* this rank's groups are kept for rebalance_threads */
        sim_lp_groups other = {0}, *gr = r == (uint32_t)eng->rank ? &eng->groups : &other;
        sim_lp_groups_free(gr);
        if (eng->lp_affinity && sim_lp_groups_find(gr, lps, c, eng->lp_affinity, SIM_NO_AFFINITY) != 0) {
            sim_lp_groups_free(gr);
            sim_lp_deal_free(&d);
            free(lps);
            free(rank_start);
            set_engine_error(eng, "out of memory partitioning %u LPs", n);
            return -1;
        }
        deal_number_kinds(&d, eng, lps, c);
        const int affine = sim_lp_deal_rank(&d, eng->lp_affinity ? gr : NULL);
        if (r == (uint32_t)eng->rank)
            eng->deal_affine = affine;
        sim_lp_groups_free(&other);
        apply_deal(eng, r, base, lps, c, d.thread_of);
    }
    eng->worker_first[workers] = n;
    sim_lp_deal_free(&d);
    free(lps);
    free(rank_start);
    return 0;
}

/* The due index over this rank's slots, from the queues as they are. */
static int build_due_index(sim_engine *eng)
{
    const uint32_t threads = (uint32_t)eng->cfg.threads;
    if (sim_due_init(&eng->due, eng->lp_order, eng->lp_count, threads) != 0) {
        set_engine_error(eng, "out of memory indexing %u LPs", eng->lp_count);
        return -1;
    }
    const uint32_t *cut = &eng->worker_first[(uint32_t)eng->rank * threads];
    for (uint32_t i = cut[0]; i < cut[threads]; i++)
        eng->due.next_at[i] = sim_queue_next_time(&eng->lps[eng->lp_order[i]].queue);
    uint32_t *kind = slot_kinds(eng);
    sim_due_regroup(&eng->due, cut, threads, kind);
    free(kind);
    return 0;
}

int sim_share(sim_engine *eng, const char *name, void *base, size_t elem_bytes, size_t count)
{
    return sim_shares_add(&eng->shares, name, base, elem_bytes, count);
}

int sim_share_reader(sim_engine *eng, const void *base, size_t first, size_t count, uint32_t reader_lp)
{
    return sim_shares_reader(&eng->shares, base, first, count, reader_lp);
}

int sim_share_local_bytes(sim_engine *eng, const void *base, size_t offset, size_t len)
{
    return sim_shares_local_bytes(&eng->shares, base, offset, len);
}

/* Distributed: the records of sim_share regions this rank's LPs marked in
 * the window reach every rank (sim/share.h). Serial. 0 or -1 (engine
 * error set). */
static int sync_shared_regions(sim_engine *eng)
{
    char err[SIM_ERROR_LEN];
    if (sim_shares_sync(&eng->shares, eng->rank, eng->ranks, err, sizeof err) == 0)
        return 0;
    set_engine_error(eng, "%s", err);
    return -1;
}

int sim_rank(const sim_engine *eng) { return eng->rank; }
int sim_ranks(const sim_engine *eng) { return eng->ranks; }

int sim_lp_is_local(const sim_engine *eng, uint32_t lp)
{
    if (lp >= eng->lp_count)
        return 0;
    if (!eng->lp_worker)
        return 1;
    return eng->lp_worker[lp] / (uint32_t)eng->cfg.threads == (uint32_t)eng->rank;
}

int sim_lp_thread(const sim_engine *eng, uint32_t lp)
{
    if (lp >= eng->lp_count || !eng->lp_worker || !sim_lp_is_local(eng, lp))
        return -1;
    return (int)(eng->lp_worker[lp] % (uint32_t)eng->cfg.threads);
}

/* Distributed: the other ranks' LPs never run here; their initial events
 * (every rank scheduled all of them) are dropped, with their queues' arrays
 * (events for them leave through the exchange, never through a queue). */
static void drop_foreign_events(sim_engine *eng)
{
    for (uint32_t i = 0; i < eng->lp_count; i++) {
        if (sim_lp_is_local(eng, i))
            continue;
        sim_event_queue *q = &eng->lps[i].queue;
        while (q->len)
            sim_pool_put(&eng->ctxs[0].pool, sim_queue_pop(q));
        sim_queue_release(q);
    }
}

int sim_run(sim_engine *eng, sim_time_ns until_ns)
{
    if (eng->events_released && !eng->error[0])
        set_engine_error(eng, "sim_run after sim_release_events: the pending events are gone");
    if (eng->error[0])
        return -1;
    double wall_start = wall_seconds();
    if (partition_lps(eng) != 0)
        return -1;
    if (eng->ranks > 1) {
        drop_foreign_events(eng);
        char err[SIM_ERROR_LEN];
        if (eng->shares.n > 0 &&
            sim_shares_begin(&eng->shares, eng->cfg.share_round_bytes, eng->cfg.share_check, eng->cfg.threads,
                             eng->rank, eng->ranks, rank_of_lp, eng,
                             err, sizeof err) != 0) {
            set_engine_error(eng, "%s", err);
            return -1;
        }
    }
    if (build_due_index(eng) != 0)
        return -1;

    sim_time_ns first = SIM_TIME_NEVER;
    for (uint32_t i = 0; i < eng->lp_count; i++) {
        sim_time_ns t = sim_queue_next_time(&eng->lps[i].queue);
        if (t < first)
            first = t;
    }
    for (int t = 0; t < eng->cfg.threads; t++)
        eng->ctxs[t].next_min = t == 0 ? first : SIM_TIME_NEVER;

    run_state rs = {.until_ns = until_ns};
    eng->running = 1;
    if (eng->cfg.threads == 1)
        run_serial(eng, &rs);
    else
        run_parallel(eng, &rs);
    eng->running = 0;
    sim_shares_end(&eng->shares);

    eng->stats.events = sim_events_executed(eng);
    eng->stats.remote_events = eng->stats.rank_events = eng->stats.thread_events = eng->stats.stolen_groups = 0;
    for (int t = 0; t < eng->cfg.threads; t++) {
        eng->stats.remote_events += eng->ctxs[t].remote_events;
        eng->stats.rank_events += eng->ctxs[t].rank_events;
        eng->stats.thread_events += eng->ctxs[t].thread_events;
        eng->stats.stolen_groups += eng->ctxs[t].stolen_groups;
    }
    if (eng->ranks > 1) { /* every rank reports the whole run's counts */
        uint64_t sums[4] = {eng->stats.events, eng->stats.remote_events, eng->stats.rank_events,
                            eng->shares.sent_bytes};
        if (sim_mpi_sum_u64(sums, 4) == 0) {
            eng->stats.events = sums[0];
            eng->stats.remote_events = sums[1];
            eng->stats.rank_events = sums[2];
            eng->stats.share_bytes = sums[3];
        }
    }
    eng->stats.rebalances = eng->rebalances;
    eng->stats.lp_count = eng->lp_count;
    eng->stats.end_ns = rs.reached;
    eng->stats.wall_s += wall_seconds() - wall_start;
    eng->stats.events_per_s = eng->stats.wall_s > 0 ? (double)eng->stats.events / eng->stats.wall_s : 0.0;
    return rs.failed ? -1 : 0;
}

const char *sim_error(const sim_engine *eng) { return eng->error; }


void sim_get_stats(const sim_engine *eng, sim_stats *out) { *out = eng->stats; }
sim_time_ns sim_lookahead_ns(const sim_engine *eng) { return eng->cfg.lookahead_ns; }
int sim_affinity_used(const sim_engine *eng) { return eng->deal_affine; }
uint64_t sim_seed(const sim_engine *eng) { return eng->cfg.seed; }
int sim_threads(const sim_engine *eng) { return eng->cfg.threads; }
