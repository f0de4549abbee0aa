/* engine.h - the discrete-event engine: logical processes, events, windows.
 *
 * The engine knows nothing of hosts or VMs. A model creates logical processes
 * (LPs), each with private state and a handler, and the engine delivers
 * timestamped events to them.
 *
 * Contract
 *  - Event order is total and independent of threads: events run in order of
 *    (time_ns, kind priority, source LP, source sequence number). Every LP
 *    numbers the events it sends 1, 2, 3, ..., so keys never tie.
 *  - A handler may read and change only its own LP's state. It talks to other
 *    LPs only by sim_send() with a delay of at least the lookahead. A smaller
 *    delay to another LP is a runtime error naming both LPs; the run stops.
 *    Sends to itself may use any delay >= 0.
 *  - Execution is in conservative windows: with T the earliest pending event,
 *    every LP runs its events in [T, T + lookahead) - in parallel under
 *    OpenMP - and messages between LPs are merged at the window's end.
 *    Results are byte-identical for any thread count.
 *  - A run executes events with time_ns < until_ns.
 *  - Random numbers come from sim_rng(), one stream per (LP, stream id).
 *  - Window hooks run serially between windows: the place for whatever must
 *    see a consistent global state (recording, progress display). A window
 *    work function (sim_set_window_work) runs on every thread inside the
 *    next window: the hooks' CPU work that needs no global state.
 *  - Distributed (cfg.distributed, MPI): the same windows on every rank; the
 *    window bound is agreed with one MPI_Allreduce per window and the events
 *    between ranks travel in one all-to-all exchange per window. Every rank
 *    calls the window hooks at the same windows, so a hook may call MPI
 *    collectives. Results equal a one-rank run for any ranks x threads.
 */
#ifndef VDCSIM_SIM_ENGINE_H
#define VDCSIM_SIM_ENGINE_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/event.h"
#include "sim/time.h"

#define SIM_MAX_KINDS 256
#define SIM_MAX_STREAMS_PER_LP 16
#define SIM_ERROR_LEN 512

typedef struct sim_engine sim_engine;
typedef struct sim_ctx sim_ctx;


/* Called for each event delivered to an LP. `state` is the LP's own state. */
typedef void (*sim_handler_fn)(sim_ctx *ctx, void *state, const sim_event *ev);

/* Window hooks run serially: SIM_WINDOW_BEGIN before a window whose events
 * have time < window_end_ns run, SIM_WINDOW_END after all of them have run.
 * Return non-zero to stop the run (the hook's own decision, not an error). */
typedef enum { SIM_WINDOW_BEGIN, SIM_WINDOW_END } sim_window_phase;
typedef int (*sim_window_hook_fn)(void *hook_ctx, sim_engine *eng, sim_window_phase phase,
                                  sim_time_ns window_end_ns);

enum { SIM_CHOOSE_AUTO = 0, SIM_CHOOSE_TEAM = 1, SIM_CHOOSE_SOLO = 2 };

typedef struct sim_config {
    uint64_t seed;
    sim_time_ns lookahead_ns; /* > 0 */
    int threads;              /* >= 1, per rank */
    /* Several threads: who runs the windows. SIM_CHOOSE_AUTO (0) lets the
     * team/solo chooser decide epoch by epoch (sim/team_chooser.h); the
     * others force one mode for the whole run, to measure it. Any value
     * gives the same results. */
    int team_choice;
    /* Non-zero: spread the LPs over the ranks of MPI_COMM_WORLD (MPI joined
     * with sim_mpi_join, sim/mpi_link.h). Every rank creates the same LPs and
     * schedules the same events; each runs only its own block of LPs and
     * drops the others' initial events. Zero: one process. */
    int distributed;
    /* Distributed: the most bytes of shared records (sim_share) a rank sends
     * in one round of a window's exchange; 0: 1 MiB. Any value gives the
     * same results (tests set it small to exercise several rounds). */
    size_t share_round_bytes;
    /* Distributed: the most bytes of events a rank sends in one round of a
     * window's exchange of events; 0: 1 MiB. Any value gives the same
     * results. */
    size_t exchange_round_bytes;
    /* Distributed: keep a copy of every sim_share region and stop the run
     * when a record changed without sim_share_touch (the environment's
     * VDCSIM_SHARE_CHECK=1 does the same). For tests: costs a comparison of
     * every region per window. */
    int share_check;
    /* Several threads: non-zero keeps every thread to its own block of LPs;
     * zero (the default) lets a thread that has finished its block run the
     * unclaimed groups at the end of another's (sim/claim.h). For
     * measurements; any value gives the same results. */
    int no_steal;
} sim_config;

typedef struct sim_stats {
    uint64_t events;        /* events executed */
    uint64_t windows;       /* windows executed */
    uint64_t solo_windows;  /* of which run by thread 0 alone because the team was slower
                               (a busy machine); varies from run to run, never a result */
    uint64_t rebalances;    /* times the threads' blocks were re-cut by measured cost
                               (this rank); varies from run to run, never a result */
    uint64_t barrier_waits;  /* barrier waits of threads that did not arrive last (this rank) */
    uint64_t barrier_sleeps; /* of which ended asleep, not spinning; both vary, never a result */
    /* Several threads, the team/solo chooser's account (all vary, never a
     * result): team epochs run and of those lost (judged slower than solo),
     * wall time of whole team epochs (waking the team, window ends and
     * re-deals included) and of their LP work alone (what the chooser
     * judges), the threads' CPU time in run and merge, the chooser's solo
     * estimate for those epochs, and the wall and thread 0's CPU time of
     * solo epochs. */
    uint64_t team_epochs, team_epochs_lost, team_probes; /* probes: team epochs after a solo one */
    uint64_t team_probes_skipped; /* probes not run: no CPU was idle for the other threads */
    uint64_t team_refreshes;      /* solo epochs that re-measured the stretch while the team won */
    double team_lost_wall_s; /* whole wall time of the lost team epochs */
    double team_wall_s, team_lp_wall_s, team_cpu_s, team_solo_estimate_s, solo_wall_s, solo_cpu_s;
    double team_serial_wall_s, team_redeal_wall_s; /* team epochs: window ends; re-deals by measured cost */
    uint64_t remote_events; /* events sent to another LP */
    uint64_t rank_events;   /* of which sent to an LP of another MPI rank */
    uint64_t share_bytes;   /* distributed: bytes of shared records (sim_share) the ranks sent, summed */
    uint64_t thread_events; /* of which sent to an LP of another thread's block of this rank
                               (this rank; follows the deal, varies from run to run, never a result) */
    uint64_t stolen_groups; /* due groups of LPs run by a thread that had finished its own block
                               (this rank; varies from run to run, never a result) */
    uint64_t lp_count;
    double wall_s;          /* wall time inside sim_run */
    double events_per_s;
    sim_time_ns end_ns;     /* simulated time reached */
} sim_stats;

sim_engine *sim_engine_new(const sim_config *cfg);
void sim_engine_free(sim_engine *eng);

/* Registers an event kind; returns its id. Names are for messages only. */
uint32_t sim_kind_register(sim_engine *eng, const char *name, uint32_t priority);
const char *sim_kind_name(const sim_engine *eng, uint32_t kind);

/* Creates an LP; returns its id (0, 1, 2, ... in creation order). The name is
 * copied and used in error messages. State is owned by the caller. */
uint32_t sim_lp_new(sim_engine *eng, const char *name, sim_handler_fn handler, void *state);
uint32_t sim_lp_count(const sim_engine *eng);
const char *sim_lp_name(const sim_engine *eng, uint32_t lp);

/* Optional, per LP: a hint that asks for the memory the LP's coming events
 * will read (__builtin_prefetch) while other LPs run, so that the cache
 * misses overlap. Among a window's due LPs of one thread, the engine calls
 * it with SIM_PREFETCH_AHEAD when the LP is the second after the one about
 * to run (its state's first line was asked for one LP earlier: ask for what
 * the state points to), and with SIM_PREFETCH_NEXT when it is the next one
 * (what was asked for AHEAD has arrived: follow it one step further). It may
 * read only the LP's state and what it points to and must change nothing:
 * no result depends on it. */
typedef enum { SIM_PREFETCH_AHEAD, SIM_PREFETCH_NEXT } sim_prefetch_stage;
typedef void (*sim_prefetch_fn)(const void *state, sim_prefetch_stage stage);
void sim_lp_set_prefetch(sim_engine *eng, uint32_t lp, sim_prefetch_fn prefetch);

/* Optional, per LP, for speed only: LPs given the same affinity group are
 * dealt to the same thread of a rank (which runs them, unless it is behind
 * at a window's end and another thread takes some of its groups), so that the messages they exchange stay in
 * that thread's caches and event pool (the datacenter model: a cluster's
 * hosts and its controller, which hears from each host every sample).
 * The partition deals whole groups over the threads, keeping each kind of
 * LP even, and re-deals them whole by measured cost; it ignores the groups
 * when they are too few or too uneven to deal evenly (docs/engine.md,
 * "Affinity groups"). `group` is any number but SIM_NO_AFFINITY (the
 * default, which clears it). Call before sim_run. Which thread runs an LP
 * never changes a result. */
#define SIM_NO_AFFINITY UINT32_MAX
void sim_lp_set_affinity(sim_engine *eng, uint32_t lp, uint32_t group);

/* Schedules an event before the run starts (source = destination LP).
 * Returns 0, or -1 if time is negative or kind/LP unknown. */
int sim_schedule(sim_engine *eng, uint32_t dst_lp, sim_time_ns time_ns, uint32_t kind,
                 const void *payload, size_t payload_bytes);

/* The random stream `stream` of `lp`, for use while building the model. */
gsl_rng *sim_engine_rng(sim_engine *eng, uint32_t lp, uint32_t stream);

void sim_set_window_hook(sim_engine *eng, sim_window_hook_fn hook, void *hook_ctx);

/* Optional parallel work of the window hooks' owner (for speed only): in
 * every window each running thread calls fn(work_ctx, thread, threads)
 * once, after its LPs and before the window's events are merged; threads
 * is how many call in this window (1 when thread 0 runs it alone). The
 * calls run concurrently with each other and with the other threads'
 * handlers, so fn may touch only what the last SIM_WINDOW_END hook handed
 * over for it (e.g. the recorder's finished chunks to compress); whatever
 * it does must not depend on who calls it nor change a result. */
typedef void (*sim_window_work_fn)(void *work_ctx, int thread, int threads);
void sim_set_window_work(sim_engine *eng, sim_window_work_fn fn, void *work_ctx);

/* The MPI rank of this process and the number of ranks (0 and 1 unless
 * cfg.distributed). */
int sim_rank(const sim_engine *eng);
int sim_ranks(const sim_engine *eng);
/* Non-zero when this rank runs `lp` (valid once sim_run has started; before,
 * every LP counts as local). Window hooks and the end of a run may read
 * only the state of local LPs as current. */
int sim_lp_is_local(const sim_engine *eng, uint32_t lp);
/* The thread of this rank whose block holds `lp` (valid once sim_run has
 * started), or -1 when another rank runs it or no run has started. Each
 * kind of LP (its handler) is dealt evenly over the threads, in increasing
 * id, affinity groups whole (sim_lp_set_affinity), and re-dealt by
 * measured cost (docs/engine.md). For diagnostics and tests: which thread
 * runs an LP never changes a result. */
int sim_lp_thread(const sim_engine *eng, uint32_t lp);

/* Distributed runs: only LPs [first, end) are spread over the ranks; every
 * other LP runs on rank 0, whose memory then holds their current state
 * (controllers whose state the end of a run reads). Default: all LPs. */
void sim_spread_lps(sim_engine *eng, uint32_t first, uint32_t end);

/* Declares an array of `count` records of `elem_bytes` bytes, free of
 * pointers, that LPs on several ranks write (each record by one LP at a
 * time, as the threads rule already demands); `name` is for messages.
 * Distributed, every write to a record must be marked with sim_share_touch
 * (after or before the write, in the same window); after every window the
 * records each rank marked reach every other rank whole (MPI_Alltoallv, in
 * rounds of at most cfg.share_round_bytes per rank and destination), so
 * each rank's copy equals the one-process memory at window boundaries
 * (but see sim_share_reader and sim_share_local_bytes). No effect in one
 * process. Returns 0 or -1. */
int sim_share(sim_engine *eng, const char *name, void *base, size_t elem_bytes, size_t count);
/* Declares that records [first, first + count) of the sim_share region at
 * `base` are read only by LP `reader_lp` (by its handlers; the end of a run
 * reads them on rank 0 only if reader_lp runs there): a marked one goes to
 * reader_lp's rank alone (nowhere when it runs on the writer's), so the
 * other ranks' copies may lag. For records written by many LPs for one
 * reader (a controller's staged stats). Returns 0, or -1 (no region at
 * base, a range outside it, out of memory). */
int sim_share_reader(sim_engine *eng, const void *base, size_t first, size_t count, uint32_t reader_lp);
/* Declares bytes [offset, offset + len) of every record of the sim_share
 * region at `base` local: written and read back by one LP in one handler,
 * read nowhere else (not at the run's end either). Writing them alone
 * needs no sim_share_touch, check mode ignores them, and they reach other
 * ranks only with a record marked for another write. One range per
 * region. Returns 0, or -1 (no region at base, bytes outside a record, a
 * range declared already). */
int sim_share_local_bytes(sim_engine *eng, const void *base, size_t offset, size_t len);

/* Marks the record of a sim_share region that holds the byte at `record` as
 * written in this window (by the running handler, a window hook or window
 * work: any thread). Does nothing in one process or for memory outside the
 * regions. A write without its mark is lost on the other ranks: tests run
 * with cfg.share_check (or VDCSIM_SHARE_CHECK=1), which aborts naming the
 * region and record (sim/share.h). */
void sim_share_touch(const void *record);
/* Marks records base[index[j]] (arrays of elem_bytes-byte records), j < n:
 * one call for a loop that writes many records of one region. */
void sim_share_touch_list(const void *base, size_t elem_bytes, const uint32_t *index, size_t n);

/* Runs until no event is left before until_ns, a hook asks to stop, or an
 * error. Returns 0 on success, -1 on error (see sim_error()). */
int sim_run(sim_engine *eng, sim_time_ns until_ns);

/* After the last sim_run: frees every pending event, the queues and the
 * event pools (the future beyond until_ns), so that what a driver does next
 * (tables, summary) reuses that memory. The statistics, LPs and their
 * states stay; the engine cannot run again (sim_run then fails). */
void sim_release_events(sim_engine *eng);

const char *sim_error(const sim_engine *eng); /* "" when none */
/* Events executed so far; call between windows (from a hook) or after a run. */
uint64_t sim_events_executed(const sim_engine *eng);
void sim_get_stats(const sim_engine *eng, sim_stats *out);
/* Non-zero when this rank's partition keeps the affinity groups together
 * (valid once sim_run has started; see sim_lp_set_affinity). Diagnostics. */
int sim_affinity_used(const sim_engine *eng);
sim_time_ns sim_lookahead_ns(const sim_engine *eng);
uint64_t sim_seed(const sim_engine *eng);
int sim_threads(const sim_engine *eng);

/* --- For handlers ------------------------------------------------------ */

sim_time_ns sim_now(const sim_ctx *ctx);
uint32_t sim_self(const sim_ctx *ctx);
/* The OpenMP thread running this handler (0..threads-1): for per-thread
 * buffers only, never for anything that decides the simulation. */
int sim_thread(const sim_ctx *ctx);
sim_engine *sim_ctx_engine(sim_ctx *ctx);

/* Sends an event to `dst_lp` at now + delay_ns. Payload is copied (at most
 * SIM_EVENT_PAYLOAD_BYTES). A delay below the lookahead to another LP, a
 * negative delay, or an unknown LP or kind is an error that stops the run. */
void sim_send(sim_ctx *ctx, uint32_t dst_lp, sim_time_ns delay_ns, uint32_t kind,
              const void *payload, size_t payload_bytes);

/* The calling LP's random stream `stream` (0..SIM_MAX_STREAMS_PER_LP-1). */
gsl_rng *sim_rng(sim_ctx *ctx, uint32_t stream);

/* The sequence number the LP gave its most recent sent event; with
 * (time, LP) it orders records a handler emits (for logs). */
uint64_t sim_last_seq(const sim_ctx *ctx);

#endif
