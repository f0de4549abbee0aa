/* rec_internal.h - the recorder's private state, shared by the recorder/ sources only.
 *
 * recorder.c owns the file, the attributes and the window protocol;
 * rec_table.c the tables; rec_series.c the time series; rec_events.c the
 * event log; rec_h5.c the HDF5 helpers (error capture, strings, datasets).
 * All HDF5 calls happen serially. The two calls made from handler threads,
 * rec_series_put and rec_event, touch only memory: blocks published with an
 * atomic compare-and-swap, and per-thread event buffers.
 */
#ifndef VDCSIM_RECORDER_REC_INTERNAL_H
#define VDCSIM_RECORDER_REC_INTERNAL_H

#include <hdf5.h>
#include <stdarg.h>
#include <stdatomic.h>

#include "recorder/chunk_checksum.h"
#include "recorder/recorder.h"
#include "sim/mpi_link.h" /* sim_mpi_buf */

#define REC_ERROR_LEN 1024
#define REC_NAME_MAX 256

#define REC_TABLE_CHUNK_ROWS 256
#define REC_EVENT_CHUNK_ROWS 1024
/* A window's /events rows of more than this many chunks (65,536 rows, 3.7
 * MB) are packed as they are queued (rec_events_queue), serially, not by the
 * threads during the next window: a burst such as the 100,000 power-ons of
 * the first window (98 chunks), not a run's steady flow. */
#define REC_EVENT_BURST_CHUNKS 64
/* A large thread buffer moved to the final list gives back its pages in
 * steps of this many rows (0.9 MB; rec_events.c). */
#define REC_EVENT_SHRINK_STEP_ROWS 16384
#define REC_TIME_CHUNK_ROWS 1024
/* Series chunks: at most this many entity columns, and about this many cells
 * (128 KiB of float64), with between 64 and 1024 rows. */
#define REC_SERIES_CHUNK_COLS_MAX 256
#define REC_SERIES_CHUNK_CELLS 16384
#define REC_SERIES_CHUNK_ROWS_MIN 64
#define REC_SERIES_CHUNK_ROWS_MAX 1024
/* A wide group keeps one live block per column block of every series (a
 * chunk's rows fill one sample at a time), i.e. chunk rows x entities cells
 * per series. Groups of more than REC_SERIES_WIDE_ENTITIES entities get
 * chunks of REC_SERIES_WIDE_ROWS rows x REC_SERIES_WIDE_COLS columns (32 KiB):
 * 0.3 MB live per 10,000-host series instead of 1.3 MB with 16 x 256, for
 * a host-series payload 0.3 % larger (issue 18, docs/hdf5-layout.md).
 * Smaller groups keep the rows above. */
#define REC_SERIES_WIDE_ENTITIES 2048
#define REC_SERIES_WIDE_ROWS 4
#define REC_SERIES_WIDE_COLS 1024
/* Live row blocks hash into this many slots per column block (chained, so
 * any number of live blocks works; this only sets the chain length). */
#define REC_SERIES_RING_ROWS 32
/* Chosen by measurement (docs/hdf5-layout.md): level 1 after shuffle writes a
 * 2,000-host day 9 % faster than level 4 for a file 2.6 % larger. */
#define REC_DEFLATE_LEVEL 1

/* HDF5's memory over a long run (docs/clusters.md "Memory, seventh pass"):
 * a fixed metadata cache (the chunk indexes' blocks) and its free lists
 * emptied every REC_H5_TIDY_CHUNKS stored chunks. */
#define REC_H5_MDC_BYTES (256 * 1024)
#define REC_H5_TIDY_CHUNKS 4096
/* The chunks of a group of at least REC_SERIES_PLANES_ENTITIES entities
 * (its chunks 256 columns wide or more) are packed by planes (rec_chunk.c):
 * deflated with zlib's run-length strategy, one byte plane at a time. On
 * the headline day's host series about a third less deflate CPU than the
 * default strategy for 0.8 % more bytes; on the host series of 512 and
 * 1,984 hosts (chunks of 64 x 256) 3.6 and 3.4 times less deflate CPU for
 * 0.4 % more and 0.5 % fewer bytes (docs/hdf5-layout.md, nineteenth
 * session; 2,048 entities was the threshold before). Not for narrower
 * groups: run-length coding finds only repeats at distance 1, and a
 * narrow chunk repeats with its row length (the default strategy finds
 * that): val-contention_ready grew 3.2 times. The stored level stays
 * REC_DEFLATE_LEVEL; any inflate reads either. (zlib.h's Z_RLE, for
 * rec_chunk.c.) */
#define REC_SERIES_PLANES_ENTITIES 256
#define REC_DEFLATE_PLANES_STRATEGY Z_RLE
/* A chunk packed by planes is deflated byte plane by byte plane: a plane
 * whose byte histogram is this flat (collision count at most 2.0 times a
 * uniform one's, Renyi entropy >= 7 bits per byte) is stored, not coded.
 * Measured on the headline day's chunks (bench/bench_deflate, bench/README.md
 * "reccomp2"): 16 % of the planes, the chunks' deflate 3.7 % smaller
 * and cheaper; any inflate reads the stored blocks. */
#define REC_DEFLATE_FLAT_PERMILLE 2000u

typedef struct rec_chunker rec_chunker;

/* One table cell in memory while the row waits to be written: a string is
 * its offset (i64) into the table's string arena. Rows are packed into the
 * file's row layout when written. */
typedef union {
    int64_t i64;
    double f64;
} rec_cell;

/* Rows of a table with strings, REC_TABLE_BLOCK_ROWS of them, held
 * deflated until the table is written (rec_table.c): the cells column by
 * column with their bytes shuffled, then the block's strings. */
typedef struct {
    unsigned char *data;
    size_t data_len;    /* deflated bytes */
    size_t strings_len; /* inflated: rows * ncols cells, then strings_len bytes */
    int64_t rows;
} rec_table_zblock;

/* A table with a string column is created at close: its strings are stored
 * fixed-length (inside the checksummed chunks), sized by the longest value
 * of the column, which is known only when every row is in. Until then its
 * rows wait in deflated blocks (a 100,000-VM table: about 1 MiB instead of
 * 12 MiB). A table without strings is created at once and streamed chunk
 * by chunk as its rows come. */
typedef struct {
    char *name;
    int ncols;
    rec_type *types;
    char **col_names;  /* owned copies */
    char **units;      /* owned copies, "" when none */
    int has_strings;
    hid_t dataset;     /* H5I_INVALID_HID until created */
    hid_t mem_type;    /* the packed native row type of the file's layout */
    size_t row_bytes;  /* H5Tget_size(mem_type) */
    size_t *offsets;   /* ncols: member offsets in a packed row */
    size_t *widths;    /* ncols: bytes of each member (a string's fixed size) */
    hsize_t chunk_rows;
    int64_t rows_written;
    rec_cell *pending; /* pending_rows * ncols cells */
    int64_t pending_rows;
    int64_t pending_cap;
    /* The pending rows' strings, NUL-terminated one after the other; a
     * value equal to the previous row's in the same column is stored once.
     * One allocation instead of one per string: 100,000 VM rows of six
     * strings took 19 MiB in malloc chunks, as much as the run's series.
     * (A table with strings: the rows of its open block only.) */
    char *strings;
    size_t strings_len, strings_cap;
    /* A table with strings: the full blocks of pending rows before the
     * ones above, and each string column's longest value so far (>= 1). */
    rec_table_zblock *zblocks;
    int64_t n_zblocks, zblocks_cap;
    size_t *longest;
} rec_table;

/* One HDF5 chunk of a series: rows [row_block*R, row_block*R + R) and the
 * columns of one column block, row-major, NaN until written. */
/* One thread's memory of one of its recent rec_series_put_each calls
 * (rec_series.c): the blocks that call's series store into for one chunk
 * (row block, column block) of one group, valid until the next window end
 * (series_epoch). A host's sample stores 18 cells of 18 series: found
 * through this, each is one store instead of a walk of the series' chain
 * (two dependent loads and a compare per cell, the call's cost). Each
 * thread keeps REC_PUT_CACHE_WAYS of them, one per list of series, so two
 * callers that alternate (the host's 18 series, the failure feature's
 * host/up after it) keep theirs. */
enum { REC_PUT_CACHE_SERIES = 32, REC_PUT_CACHE_WAYS = 2 };
typedef struct rec_put_cache {
    uint64_t epoch;    /* 0: empty */
    uint64_t used;     /* the thread's clock at its last fill or hit */
    int group;
    int n;
    int64_t row_block;
    int col_block;
    int series[REC_PUT_CACHE_SERIES];
    struct rec_block *blocks[REC_PUT_CACHE_SERIES]; /* NULL for a series < 0 */
} rec_put_cache;

/* A thread's caches; a call that finds none fills the one it used last
 * (its list of series, in a later chunk or window), else an empty or stale
 * one, else the least recently used: the host's 18 series, used by every
 * host, keep their way while single-series puts share the other. */
typedef struct rec_put_ways {
    uint64_t clock;
    rec_put_cache way[REC_PUT_CACHE_WAYS];
} rec_put_ways;

typedef struct rec_block {
    int64_t row_block;
    struct rec_block *next;
    double cells[];
} rec_block;

typedef struct {
    char *name;
    hid_t group;
    hid_t time_dataset;
    sim_time_ns start_ns;
    sim_time_ns period_ns;
    int n_entities;
    int chunk_rows;
    int chunk_cols;
    int col_blocks;
    int64_t time_rows_written;
    int64_t final_rows;    /* rows with time < the last window end */
    int64_t writable_rows; /* rows with time < the last window begin's end */
} rec_group;

typedef struct {
    char *name;
    int group;
    hid_t dataset;
    int64_t extent_rows;
    /* REC_SERIES_RING_ROWS * col_blocks chains of live blocks; slot of a
     * block: (row_block % REC_SERIES_RING_ROWS) * col_blocks + col_block. */
    _Atomic(rec_block *) *slots;
    /* row blocks below this one are written: no put can reach them, so a
     * window end that does not complete another one skips the chains */
    int64_t flushed_row_blocks;
    int total_of;       /* >= 0: a total series, the sum over entities of this series */
    int64_t total_rows; /* rows of a total series filled so far */
    int64_t summed_rows; /* a total's source: rows every total of it has summed (window end) */
    rec_series_watch_fn watch; /* rec_series_watch: NULL when none */
    void *watch_arg;
} rec_series;

/* One /events row in memory. The 32-bit members come last so the row has
 * no padding: 56 bytes instead of 64 (the file's column order is set by the
 * row types of rec_events.c, not by this layout). The first window of a
 * 100,000-VM run logs over 100,000 rows at once (issue 18, memory). */
typedef struct {
    int64_t time_ns;
    uint64_t seq;
    int64_t subject;
    int64_t a;
    int64_t b;
    double value;
    uint32_t lp;
    int32_t kind;
} rec_event_row;
_Static_assert(sizeof(rec_event_row) == 56, "rec_event_row has no padding");

typedef struct {
    rec_event_row *rows;
    size_t count;
    size_t cap;
    int future; /* a record may be at or after the window's end (rec_events_all_before) */
    char pad[64 - 3 * sizeof(size_t) - sizeof(int)]; /* keep threads off each other's line */
} rec_event_buffer;

/* Series cells put on a rank other than 0, forwarded at the window's end,
 * logged as entries: one entity's cells of one row in n series (a host's
 * sample is one entry), each this head, then the n series ids (int32)
 * when the list is new in this window's log, then the n values (double),
 * packed without padding. A log numbers the first REC_GATHER_LISTS lists
 * of series it meets in a window (1, 2, ...), in order, and an entry of a
 * numbered list names its number instead of the ids; the reader numbers
 * them alike. 16 + 12 n bytes, or 16 + 8 n (a host's sample: its 18 cells
 * 160 bytes plus its `up` cell 24; as single cells of 24 bytes each, 456). */
enum { REC_GATHER_CELLS = 64, REC_GATHER_LISTS = 8 };
enum { REC_PUT_LOG_START = 1 }; /* rec_put_head.flags: a log's first entry (numbering starts) */
typedef struct {
    int64_t row;
    int32_t entity;
    uint8_t n;     /* 1 .. REC_GATHER_CELLS */
    uint8_t flags; /* REC_PUT_LOG_START */
    uint16_t list; /* 0: the ids follow; k > 0: the log's k-th list */
} rec_put_head;

typedef struct {
    unsigned char *bytes;
    size_t len, cap;
    size_t entries; /* logged this window */
    int lists[REC_GATHER_LISTS][REC_GATHER_CELLS];
    int list_n[REC_GATHER_LISTS];
    int n_lists; /* numbered this window */
    char pad[64]; /* keep threads off each other's lines */
} rec_put_log;

/* A finished series chunk on its way to the file (rec_series.c): unlinked
 * from its chain at a window end, packed (filtered) by recorder_window_work
 * on any engine thread during the next window, stored in the list's order
 * by one thread during the window after (the writing list). The geometry
 * is copied so that packing reads nothing the serial code may move
 * (r->series, r->groups). */
typedef struct {
    int series;
    int col_block;
    int64_t first_row;
    int64_t rows;        /* rows to write: chunk_rows, fewer when clipped at the close */
    int cols;            /* entities in this column block */
    int chunk_rows, chunk_cols;
    int by_planes; /* packed by planes: a group of at least REC_SERIES_PLANES_ENTITIES entities */
    rec_block *block;    /* the cells; freed once packed */
    unsigned char *packed; /* the filtered bytes, NULL until packed */
    size_t packed_len;
    atomic_int ready;    /* packed (release), so the writer may store it in the same window */
    int stored;          /* stored by the writer in the window that packed it */
} rec_pending_chunk;

/* A whole /events chunk on its way to the file (rec_events.c), as a series
 * chunk: queued at a window end (rec_event_row as they are), laid out and
 * packed during the next window, stored during the one after (or at a
 * window end, or the close). */
typedef struct {
    int64_t first_row;
    unsigned char *raw;    /* REC_EVENT_CHUNK_ROWS rec_event_rows, laid out as the file's when packed; then freed */
    unsigned char *packed; /* NULL until packed */
    size_t packed_len;
} rec_pending_events;

struct recorder {
    char *final_path;
    char *partial_path;
    hid_t file;
    hid_t tables_group;
    hid_t series_group;

    sim_time_ns writable_end_ns; /* from the last window begin */
    sim_time_ns final_end_ns;    /* from the last window end */

    rec_table *tables;
    int n_tables;
    rec_group *groups;
    int n_groups;
    rec_series *series;
    int n_series;

    char **kind_names;
    int n_kinds;
    rec_event_watch_fn *kind_watch; /* rec_event_watch: per kind id < n_kind_watch, NULL when none */
    void **kind_watch_arg;
    int n_kind_watch;
    int max_threads;
    hid_t events_dataset; /* created when kinds freeze; H5I_INVALID_HID before */
    hid_t event_mem_type;
    int64_t events_written;
    rec_event_buffer *thread_events; /* max_threads buffers */
    rec_put_ways *put_caches;        /* max_threads (rec_series_put_each) */
    uint64_t series_epoch;           /* bumped at every window end and new watch: the caches' blocks may go */
    rec_event_row *final_events;     /* sorted, final, less than one chunk */
    size_t final_count;
    size_t final_cap;

    /* Distributed runs (rec_gather.c): this process's MPI rank and the
     * number of ranks; ranks other than 0 log their puts per thread. */
    int dist_rank, dist_ranks;
    rec_put_log *put_logs; /* max_threads logs on ranks other than 0 */
    sim_mpi_buf gather_send, gather_recv; /* a window's blocks, kept from window to window */
    uint64_t forwarded_bytes;             /* rank 0: the blocks' bytes received from the other ranks */

    /* recorder_end_series was called: every series is written up to
     * series_end_ns and takes no more puts nor new series */
    int series_ended;
    sim_time_ns series_end_ns;

    /* Finished series chunks (rec_pending_chunk): pending[0..n_pending),
     * packed by any thread that takes the next index from pending_next. */
    rec_pending_chunk *pending;
    size_t n_pending, cap_pending;
    atomic_size_t pending_next;
    size_t pending_stored; /* the writer's: pending[0..pending_stored) stored this window */
    /* Whole /events chunks waiting (rec_pending_events), taken likewise. */
    rec_pending_events *ev_pending;
    size_t n_ev_pending, cap_ev_pending;
    atomic_size_t ev_pending_next;
    /* Packed chunks stored with H5Dwrite_chunk by the one thread whose
     * recorder_window_work sets writer_taken first (issue 18 item 3: the
     * stores were half of the serial window end): the series chunks of
     * writing[0..n_writing) not yet stored, then the /events chunks of
     * ev_writing[0..n_ev_writing) (packed in the window before), then this
     * window's pending series chunks in order as they are packed
     * (pending_stored, rec_pending_chunk.stored); what no thread stored,
     * the next window end does (a driver without window work). HDF5 is
     * called by one thread at a time: windows make no HDF5 call. */
    rec_pending_chunk *writing;
    size_t n_writing, cap_writing;
    rec_pending_events *ev_writing;
    size_t n_ev_writing, cap_ev_writing;
    atomic_int writer_taken;
    /* Chunks stored since HDF5's free lists were last emptied (rec_h5_tidy). */
    size_t stored_since_tidy;
    /* Thread buffers moved whole by rec_events_move_shrinking (so a test
     * can tell that path ran). */
    size_t events_moved_shrinking;
    /* /events chunks packed as they were queued, a burst's (rec_events_queue). */
    size_t events_packed_at_queue;
    /* Total series filled up to their sources' final rows during the
     * window after those rows became final, each by the thread that takes
     * its index from totals_next (then the sources' chunks are unlinked at
     * the next window end); totals_due: some total has rows to fill. */
    atomic_int totals_next;
    int totals_due;
    /* max_threads chunkers (rec_chunk.c), each made by its thread's first chunk */
    struct rec_chunker **chunkers;

    atomic_int failed; /* set once by the first failure anywhere */
    char error[REC_ERROR_LEN];
};

/* recorder.c */
/* Sticky failure, thread-safe: the recorder stays failed, the first message
 * is kept and every later window end and the close fail. For bad puts and
 * events, HDF5 errors and lack of memory. */
void rec_fail(recorder *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A refused serial call (bad name, mismatched series...): sets the message
 * (unless a sticky failure holds it) and returns -1; the recorder goes on. */
int rec_error(recorder *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rec_name_ok(recorder *r, const char *what, const char *name);

/* rec_h5.c */
/* Turns HDF5's automatic error printing off for the calling thread (a
 * per-thread setting in a thread-safe HDF5); a thread-local flag makes
 * every call after the first on a thread free. */
void rec_h5_quiet_thread(void);
/* Formats "<file>: <what>: <HDF5's innermost message>" into r->error via
 * rec_fail and clears the HDF5 error stack. Returns -1. */
int rec_h5_fail(recorder *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes HDF5's innermost error message into buf ("" if none) and clears the stack. */
void rec_h5_last_error(char *buf, size_t len);
/* Sets ocpl (a group, dataset or file creation list) to keep attributes,
 * and with `links` also links, in the checksummed object header. */
int rec_h5_keep_compact(hid_t ocpl, int links);
/* A group created with rec_h5_keep_compact; caller closes. */
hid_t rec_h5_group_new(hid_t parent, const char *name);
/* A fixed-length UTF-8 string of `size` bytes (>= 1), NUL-padded; caller closes. */
hid_t rec_h5_fixed_string_type(size_t size);
int rec_h5_attr_write(hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                      const void *value);
int rec_h5_attr_str(hid_t obj, const char *name, const char *value);
/* Creates a chunked, shuffled, deflated dataset with 0 rows and unlimited
 * rows: 1-D if cols == 0, else 2-D [rows, cols]; fill value `fill` (may be NULL). */
hid_t rec_h5_dataset_new(hid_t parent, const char *name, hid_t file_type, int cols,
                         const hsize_t *chunk_dims, hid_t fill_type, const void *fill);
/* Writes `rows` rows (of `cols` columns starting at col, rank 2; rank 1 if
 * cols == 0) at row `row`, growing the dataset to at least row + rows. */
int rec_h5_write_rows(hid_t dataset, hid_t mem_type, int64_t row, int64_t rows, int col, int cols,
                      const void *data);
int rec_h5_set_rows(hid_t dataset, int64_t rows);
/* Grows the dataset to at least `rows` rows (never shrinks it). */
int rec_h5_grow_rows(hid_t dataset, int64_t rows);
/* Sets the file access list's metadata cache to REC_H5_MDC_BYTES (fixed
 * size): HDF5's own default grows with the file. 0 or -1. */
int rec_h5_small_metadata_cache(hid_t fapl);
/* Serial, after chunk stores: counts `stored` chunks and, every
 * REC_H5_TIDY_CHUNKS, gives HDF5's free lists back to malloc. */
void rec_h5_tidy(recorder *r, size_t stored);

/* rec_chunk.c */
/* 1 when this host's doubles are the file's IEEE little-endian float64
 * (then series chunks are filtered here; else through rec_h5_write_rows). */
int rec_chunk_native(void);
/* A zlib stream per strategy and scratch buffers: one per thread that packs. */
rec_chunker *rec_chunker_new(void);
void rec_chunker_free(rec_chunker *c);
/* Filters one float64 chunk of a dataset made by rec_h5_dataset_new as
 * HDF5 would (shuffle, deflate, Fletcher-32; `by_planes`: a chunk of a group
 * of at least REC_SERIES_PLANES_ENTITIES entities, REC_DEFLATE_PLANES_STRATEGY): `rows` x `cols` cells, row-major, of a chunk
 * of chunk_rows x chunk_cols (the rest NaN). *out (malloc'd, caller frees)
 * gets the *out_len bytes to store. Touches only memory and c: safe on any
 * thread with its own chunker. Returns 0 or -1 (no memory, zlib). */
int rec_chunk_pack(rec_chunker *c, const double *cells, int64_t rows, int cols, int chunk_rows, int chunk_cols,
                   int by_planes, unsigned char **out, size_t *out_len);
/* The same filters for a chunk of n_elems elements of elem_size bytes each,
 * already in the file's layout (the /events rows), default strategy. */
int rec_chunk_pack_elems(rec_chunker *c, const unsigned char *elems, size_t n_elems, size_t elem_size,
                         unsigned char **out, size_t *out_len);
/* Stores packed bytes as the chunk at (row, col) with H5Dwrite_chunk; the
 * dataset must already reach row. Serial. Returns 0 or -1. */
int rec_chunk_store(hid_t dataset, int64_t row, int col, const unsigned char *bytes, size_t len);
/* 1 if the byte histogram of p[0..n) is nearly flat: the collision count
 * sum c^2 of every 4th byte at most flat_permille / 1000 times a uniform
 * one's, m^2 / 256 for m samples (rec_chunk.c stores such a plane). */
int rec_chunk_plane_flat(const unsigned char *p, size_t n, unsigned flat_permille);
/* rec_chunk_adler32, rec_chunk_fletcher32: recorder/chunk_checksum.h */

/* rec_table.c */
int rec_tables_flush(recorder *r, int everything);
void rec_tables_free(recorder *r);

/* rec_series.c */
int rec_series_window_begin(recorder *r, sim_time_ns window_end_ns);
int rec_series_window_end(recorder *r, sim_time_ns window_end_ns);
int rec_series_close(recorder *r, sim_time_ns end_ns);
void rec_series_free(recorder *r);
/* Serial, first thing at a window end and at the close: stores the
 * writing lists when no thread's window work did, then empties them. */
int rec_writing_finish(recorder *r);
int64_t rec_rows_before(sim_time_ns start_ns, sim_time_ns period_ns, sim_time_ns t_ns);

/* Sets the cells (row, entity) of series[0 .. n), already checked by
 * rec_series_put on another rank (rank 0, forwarded puts). 0, or -1 when a
 * series or the entity is out of range (rec_fail). */
int rec_series_set_cells(recorder *r, const int *series, const double *values, int n, int64_t row, int entity);

/* rec_gather.c */
/* A rank other than 0: logs checked puts for rank 0, the cells of entity
 * in series[k] at rows[k] (k < n), with values[k]. */
void rec_gather_put(recorder *r, const int *series, const int64_t *rows, const double *values, int n, int entity);
/* Collective at every window end when dist_ranks > 1: moves the puts and
 * the event records with time < window_end_ns of every rank to rank 0.
 * Returns 0 or -1 (rank 0 fails when any rank failed). */
int rec_gather_window(recorder *r, sim_time_ns window_end_ns);
void rec_gather_free(recorder *r);

/* rec_events.c */
int rec_events_freeze(recorder *r);
int rec_events_window_end(recorder *r, sim_time_ns window_end_ns);
int rec_events_close(recorder *r, sim_time_ns end_ns);
/* Packs queued /events chunks with chunker *c (made when NULL); any thread,
 * as rec_series.c's series chunks (recorder_window_work). */
void rec_events_pack_share(recorder *r, rec_chunker **c);
/* Stores ev_writing's chunks in order (one thread at a time). 0 or -1. */
int rec_events_store_writing(recorder *r);
/* Serial: frees and empties ev_writing. */
void rec_events_writing_clear(recorder *r);
void rec_events_free(recorder *r);

#endif
