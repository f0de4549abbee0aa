/* recorder.h - the only way results leave a run: one HDF5 file per run.
 *
 * Models hand samples and event records to the recorder through this narrow
 * interface; they never include hdf5.h. The file layout (format_version 2) is
 * documented in docs/hdf5-layout.md.
 *
 * Contract
 *  - Threads. The engine runs in conservative windows. Between windows the
 *    driver calls recorder_window_begin/end serially. Inside a window, handlers
 *    on several OpenMP threads may call rec_series_put (for distinct cells)
 *    and rec_event (each thread with its own `thread` index) concurrently.
 *    Every other function is serial: call it at setup, from a window hook, or
 *    at the end, never from two threads at once.
 *  - Determinism. The same calls give byte-identical dataset contents for any
 *    thread count: events are sorted by (time_ns, lp, seq) before they are
 *    written, cells are addressed, tables are appended serially.
 *  - Memory is bounded. Series cells live in chunk-sized blocks allocated when
 *    first touched and written (then freed) when the window protocol makes
 *    them final; chunks never touched are never allocated and read as NaN.
 *    Events are held only until the window that makes them final ends; the
 *    rows of a table without strings only until they fill a chunk (at a
 *    window end) or 4,096 rows pend (in rec_table_row); a table with strings
 *    is written at the close (its string widths are its longest values), its
 *    rows held until then in deflated blocks of 1,024 rows. A long run keeps
 *    O(live chunks + events of one window) in memory, not O(run length).
 *  - Failure. Functions returning int give 0 (or an id >= 0) on success and
 *    -1 on failure, with a message naming the file and the dataset in
 *    recorder_error(). A refused call (bad name, duplicate, a series that
 *    does not match its group's time axis) changes nothing and the recorder
 *    goes on. rec_series_put and rec_event return nothing: a bad call (time
 *    off the sample grid or outside the writable rows, entity or kind out of
 *    range, event time before a window already ended) is remembered, as is an
 *    HDF5 failure or lack of memory, and makes every later window end and
 *    recorder_close fail.
 *  - The file is written under final_path + ".partial-<pid>" and renamed to
 *    final_path only by a successful recorder_close: a half-written file
 *    never looks complete.
 */
#ifndef VDCSIM_RECORDER_RECORDER_H
#define VDCSIM_RECORDER_RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

#define REC_FORMAT_NAME "vdcsim"
#define REC_FORMAT_VERSION 2

typedef struct recorder recorder;
typedef enum { REC_I64, REC_F64, REC_STR } rec_type;
typedef struct {
    const char *name;
    rec_type type;
    const char *unit; /* may be NULL */
} rec_column;
typedef struct {
    int64_t i64;
    double f64;
    const char *str; /* copied; NULL is written as "" */
} rec_value;

/* Opens `final_path`'s temporary sibling (final_path + ".partial-<pid>") for
 * writing and writes the root attributes format = "vdcsim" and
 * format_version = REC_FORMAT_VERSION (2). max_threads bounds the thread index passed to
 * rec_event. Returns NULL with a message naming the path on error. */
recorder *recorder_open(const char *final_path, int max_threads, char *err, size_t err_len);

/* The last error message ("" when none). */
const char *recorder_error(const recorder *r);

/* Root attributes: run metadata (vdcsim version, scenario text, seed,
 * threads, wall time, event counts...). Setting a name again replaces it;
 * "format" and "format_version" are reserved. */
int rec_attr_str(recorder *r, const char *name, const char *value);
int rec_attr_i64(recorder *r, const char *name, int64_t value);
int rec_attr_f64(recorder *r, const char *name, double value);

/* Tables: compound datasets under /tables/<name>, rows appended (serially)
 * before or during the run. Column units go to the dataset attribute `units`
 * (one string per column, "" when none). Row i of a table describes entity i
 * of the series that name the table. Returns a table id >= 0. */
int rec_table_new(recorder *r, const char *name, const rec_column *cols, int ncols);
int rec_table_row(recorder *r, int table, const rec_value *values);
/* Makes room for `rows` more pending rows at once (a table of one row per
 * VM): without it the rows grow by doubling, which briefly holds the old
 * and the new array. 0, or -1 (out of memory, recorder_error). */
int rec_table_reserve(recorder *r, int table, int64_t rows);

/* Time series under /series/<group>/<name>: a 2-D float64 dataset
 * [sample, entity], chunked and deflate-compressed, with attributes unit and
 * (when entity_table is not NULL) entity_table, the path "/tables/<name>" of
 * the table describing the columns ("hosts" and "/tables/hosts" both name
 * it). All series of a group share one time axis /series/<group>/time_ns:
 * sample k is at start_ns + k*period_ns. Creating a second series in a group
 * with another start, period or entity count is an error. Cells never
 * written hold NaN. Returns a series id >= 0. */
int rec_series_new(recorder *r, const char *group, const char *name, const char *unit,
                   const char *entity_table, int n_entities, sim_time_ns start_ns,
                   sim_time_ns period_ns);

/* A derived series with one entity under /series/<group>/<name>: at every
 * sample, the sum over entities of series `source` at that time (NaN cells
 * left out; NaN when all are). The recorder fills it when the rows become
 * final (window end, close), in entity order, so it is the same for any
 * thread count; nobody puts into it. The group gets the source's start and
 * period. Returns a series id >= 0. */
int rec_series_new_total(recorder *r, const char *group, const char *name, const char *unit, int source);

/* Sets cell (row of t_ns, entity). t_ns must be start + k*period, and the row
 * must be writable: t_ns < the window_end_ns of the last recorder_window_begin
 * and not earlier than the window_end_ns of the last recorder_window_end.
 * Safe to call concurrently from several threads for distinct cells. */
void rec_series_put(recorder *r, int series, sim_time_ns t_ns, int entity, double value);

/* rec_series_put(r, series[k], t_ns, entity, values[k]) for k < n, series
 * ids < 0 skipped: the cells of one entity and time in several series,
 * with the time's row and the cell's place found once per group (a model's
 * sample puts a dozen series). A refused put (time or entity) refuses the
 * group's other series at that time too. Each thread remembers the blocks
 * its last call stored into: a call with the same series into the same
 * chunk in the same window (the next host's sample) is one store per
 * series. */
void rec_series_put_each(recorder *r, const int *series, const double *values, int n, sim_time_ns t_ns,
                         int entity);
/* rec_series_put_each for each of entities[0..n_entities) in turn, with
 * values[e * n + k] the value of series k for entities[e]: the same cells,
 * watch calls and refusals, with the series' checks and the time's row
 * found once for all the entities (a host's sample puts its VMs' series). */
void rec_series_put_entities(recorder *r, const int *series, int n, const uint32_t *entities, int n_entities,
                             const double *values, sim_time_ns t_ns);

/* Observing a series (serial, before the run): rec_series_find gives the
 * id of /series/<group>/<name> (-1 when the run has none); after
 * rec_series_watch, every rec_series_put (and rec_series_put_each) of that series calls
 * fn(arg, t_ns, entity, value) on the putting thread, inside the putting
 * LP's handler, before the cell is set (and also on MPI ranks other than
 * 0). For models that follow what the run records without changing it
 * (the property monitors, models/monitors); one watcher per series.
 * Returns 0, or -1 for a bad series or a second watcher. */
typedef void (*rec_series_watch_fn)(void *arg, sim_time_ns t_ns, int entity, double value);
int rec_series_find(const recorder *r, const char *group, const char *name);
int rec_series_watch(recorder *r, int series, rec_series_watch_fn fn, void *arg);

/* Event log /events: compound rows (time_ns i64, lp u32, seq u64, kind enum,
 * subject i64, a i64, b i64, value f64), sorted by (time_ns, lp, seq), which
 * must be unique. Kinds are registered before the first window (or, in a run
 * without windows, before recorder_close); the HDF5 enum type carries their
 * names. Returns the kind id (0, 1, 2... in order of registration). */
int rec_event_kind(recorder *r, const char *name);
/* The id of a registered kind, -1 when none has that name (serial). */
int rec_event_kind_find(const recorder *r, const char *name);
/* Safe to call concurrently for distinct `thread` values in [0, max_threads).
 * t_ns must not be earlier than the last recorder_window_end's end. */
void rec_event(recorder *r, int thread, sim_time_ns t_ns, uint32_t lp, uint64_t seq, int kind,
               int64_t subject, int64_t a, int64_t b, double value);
/* Observing an event kind (serial, before the run), as rec_series_watch a
 * series: after rec_event_watch, every accepted rec_event of that kind calls
 * fn(arg, t_ns, subject, a, b, value) on the logging thread, inside the
 * logging LP's handler (also on MPI ranks other than 0). For the property
 * monitors (models/monitors); one watcher per kind. Returns 0, or -1 for a
 * bad kind or a second watcher. */
typedef void (*rec_event_watch_fn)(void *arg, sim_time_ns t_ns, int64_t subject, int64_t a, int64_t b,
                                   double value);
int rec_event_watch(recorder *r, int kind, rec_event_watch_fn fn, void *arg);

/* Distributed runs (MPI, docs/engine.md): every rank opens a recorder and
 * builds the same model through it. On ranks other than 0, rec_series_put
 * and rec_event only log; recorder_window_end (then a collective: every rank
 * calls it at every window) moves each rank's logged cells and records to
 * rank 0, in whose file they land as if put there. Rank 0's file is the
 * run's; the others' are scratch (recorder_abort them). A failure on any
 * rank fails rank 0's recorder. Call once, before the first window, with
 * the engine's rank and number of ranks; returns 0 or -1. */
int recorder_distribute(recorder *r, int rank, int ranks);
/* Rank 0 of a distributed run: the bytes of records the other ranks have
 * sent it so far (series cells as rec_gather.c's entries, and event
 * records); 0 elsewhere and in one process. */
uint64_t recorder_forwarded_bytes(const recorder *r);

/* Window protocol, called serially by the driver between windows.
 * recorder_window_begin: before a window whose events have time <
 * window_end_ns: every row with time < window_end_ns becomes writable.
 * recorder_window_end: after it: every row and event with time <
 * window_end_ns is final; what fills whole chunks is written out and freed
 * (a series or /events chunk two window ends later or at the close; a
 * total's row one window end later: see below).
 * Window ends must not decrease. */
int recorder_window_begin(recorder *r, sim_time_ns window_end_ns);
int recorder_window_end(recorder *r, sim_time_ns window_end_ns);

/* Optional, for speed only: work the serial window end would otherwise do,
 * done on the calling threads during the next window (issue 18 item 3):
 * the first call stores the chunks packed during the last window
 * (H5Dwrite_chunk: HDF5 on that thread alone), then every call sums the
 * total series over the rows the last window end made final and packs the
 * chunks it finished (shuffle, deflate, Fletcher-32), taking one total or
 * chunk at a time while any is left. Call it from any threads at once,
 * each with its own `thread` in 0..max_threads-1 (threads: how many call),
 * never concurrently with another recorder function but rec_series_put and
 * rec_event, nor with the caller's own HDF5 calls. Whatever no call did,
 * the next window end or the close does itself; the file is the same
 * either way (the HDF5 calls keep their order). */
void recorder_window_work(recorder *r, int thread, int threads);

/* Optional, after the last window and before the tables are written: writes
 * every series up to end_ns (as recorder_close would) and frees their
 * blocks, so the end of a run does not hold the live series blocks and the
 * pending table rows at once. recorder_close must then get the same end_ns.
 * No rec_series_put or new series afterwards. Returns 0 or -1. */
int recorder_end_series(recorder *r, sim_time_ns end_ns);

/* Flushes everything with time < end_ns (rows and events at or beyond end_ns
 * are dropped: every time axis has exactly the samples before end_ns), writes
 * the rest of the tables, closes the file and renames it to final_path.
 * Frees r in every case; on failure deletes the partial file and returns -1
 * with a message. Returns 0 on success. */
int recorder_close(recorder *r, sim_time_ns end_ns, char *err, size_t err_len);

/* Closes and deletes the partial file and frees r (runtime failure): a
 * half-written file never looks complete. */
void recorder_abort(recorder *r);

#endif
