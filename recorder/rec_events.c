/* rec_events.c - /events: the event log, one compound row per record.
 *
 * Handler threads append to their own buffer (no locks). recorder_window_end
 * moves the records with time < window end out of every buffer, sorts them
 * by (time_ns, lp, seq) and appends them to the final list, which is sorted
 * because each window's records come after the previous window's; whole
 * chunks of it are written at once. Memory: one window's records plus less
 * than one chunk. Kind names freeze (into the HDF5 enum type) at the first
 * window; the dataset is created then.
 */
#include <stdlib.h>
#include <string.h>

#include "recorder/rec_internal.h"

int rec_event_kind(recorder *r, const char *name)
{
    if (atomic_load(&r->failed) || !rec_name_ok(r, "event kind", name))
        return -1;
    if (r->events_dataset >= 0) {
        rec_error(r, "%s: /events: kind '%s' registered after the run started", r->partial_path,
                 name);
        return -1;
    }
    for (int i = 0; i < r->n_kinds; i++) {
        if (strcmp(r->kind_names[i], name) == 0) {
            rec_error(r, "%s: /events: kind '%s' registered twice", r->partial_path, name);
            return -1;
        }
    }
    char **grown = realloc(r->kind_names, (size_t)(r->n_kinds + 1) * sizeof *grown);
    if (grown == NULL) {
        rec_error(r, "%s: /events: out of memory", r->partial_path);
        return -1;
    }
    r->kind_names = grown;
    r->kind_names[r->n_kinds] = malloc(strlen(name) + 1);
    if (r->kind_names[r->n_kinds] == NULL) {
        rec_error(r, "%s: /events: out of memory", r->partial_path);
        return -1;
    }
    strcpy(r->kind_names[r->n_kinds], name);
    return r->n_kinds++;
}

int rec_event_kind_find(const recorder *r, const char *name)
{
    for (int i = 0; i < r->n_kinds; i++)
        if (strcmp(r->kind_names[i], name) == 0)
            return i;
    return -1;
}

static hid_t rec_event_kind_type(const recorder *r, hid_t base)
{
    hid_t type = H5Tenum_create(base);
    if (type < 0)
        return H5I_INVALID_HID;
    for (int i = 0; i < r->n_kinds; i++) {
        int32_t value = i; /* in the base type's 32 bits, as H5Tenum_insert wants */
        if (H5Tenum_insert(type, r->kind_names[i], &value) < 0) {
            H5Tclose(type);
            return H5I_INVALID_HID;
        }
    }
    if (r->n_kinds == 0) {
        /* HDF5 1.10 crashes on a compound holding an enum without members;
         * a run without kinds has no events, so a placeholder is harmless. */
        int32_t none = -1;
        if (H5Tenum_insert(type, "none", &none) < 0) {
            H5Tclose(type);
            return H5I_INVALID_HID;
        }
    }
    return type;
}

/* The row type: native layout in memory, packed little-endian in the file. */
static hid_t rec_event_row_type(const recorder *r, int in_file)
{
    hid_t kind = rec_event_kind_type(r, in_file ? H5T_STD_I32LE : H5T_NATIVE_INT32);
    if (kind < 0)
        return H5I_INVALID_HID;
    hid_t i64 = in_file ? H5T_STD_I64LE : H5T_NATIVE_INT64;
    hid_t u32 = in_file ? H5T_STD_U32LE : H5T_NATIVE_UINT32;
    hid_t u64 = in_file ? H5T_STD_U64LE : H5T_NATIVE_UINT64;
    hid_t f64 = in_file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
    size_t size = in_file ? 8 + 4 + 8 + 4 + 8 + 8 + 8 + 8 : sizeof(rec_event_row);
    hid_t type = H5Tcreate(H5T_COMPOUND, size);
    herr_t rc = type < 0 ? -1 : 0;
    if (in_file) {
        size_t at = 0;
        rc |= H5Tinsert(type, "time_ns", at, i64), at += 8;
        rc |= H5Tinsert(type, "lp", at, u32), at += 4;
        rc |= H5Tinsert(type, "seq", at, u64), at += 8;
        rc |= H5Tinsert(type, "kind", at, kind), at += 4;
        rc |= H5Tinsert(type, "subject", at, i64), at += 8;
        rc |= H5Tinsert(type, "a", at, i64), at += 8;
        rc |= H5Tinsert(type, "b", at, i64), at += 8;
        rc |= H5Tinsert(type, "value", at, f64);
    } else if (rc == 0) {
        rc |= H5Tinsert(type, "time_ns", HOFFSET(rec_event_row, time_ns), i64);
        rc |= H5Tinsert(type, "lp", HOFFSET(rec_event_row, lp), u32);
        rc |= H5Tinsert(type, "seq", HOFFSET(rec_event_row, seq), u64);
        rc |= H5Tinsert(type, "kind", HOFFSET(rec_event_row, kind), kind);
        rc |= H5Tinsert(type, "subject", HOFFSET(rec_event_row, subject), i64);
        rc |= H5Tinsert(type, "a", HOFFSET(rec_event_row, a), i64);
        rc |= H5Tinsert(type, "b", HOFFSET(rec_event_row, b), i64);
        rc |= H5Tinsert(type, "value", HOFFSET(rec_event_row, value), f64);
    }
    H5Tclose(kind);
    if (rc < 0) {
        if (type >= 0)
            H5Tclose(type);
        return H5I_INVALID_HID;
    }
    return type;
}

int rec_events_freeze(recorder *r)
{
    if (r->events_dataset >= 0)
        return 0;
    hid_t file_type = rec_event_row_type(r, 1);
    r->event_mem_type = rec_event_row_type(r, 0);
    if (file_type < 0 || r->event_mem_type < 0) {
        if (file_type >= 0)
            H5Tclose(file_type);
        return rec_h5_fail(r, "/events: cannot build the row type");
    }
    hsize_t chunk[1] = {REC_EVENT_CHUNK_ROWS};
    r->events_dataset = rec_h5_dataset_new(r->file, "events", file_type, 0, chunk, -1, NULL);
    H5Tclose(file_type);
    if (r->events_dataset < 0)
        return rec_h5_fail(r, "/events: cannot create the dataset");
    return 0;
}

void rec_event(recorder *r, int thread, sim_time_ns t_ns, uint32_t lp, uint64_t seq, int kind,
               int64_t subject, int64_t a, int64_t b, double value)
{
    if (thread < 0 || thread >= r->max_threads) {
        rec_fail(r, "%s: /events: thread %d out of range 0..%d", r->partial_path, thread,
                 r->max_threads - 1);
        return;
    }
    if (kind < 0 || kind >= r->n_kinds) {
        rec_fail(r, "%s: /events: unknown kind %d (lp %u, seq %llu)", r->partial_path, kind,
                 (unsigned)lp, (unsigned long long)seq);
        return;
    }
    if (t_ns < r->final_end_ns) {
        rec_fail(r, "%s: /events: record at %lld ns (lp %u, seq %llu) comes after the window "
                 "ending at %lld ns was closed", r->partial_path, (long long)t_ns, (unsigned)lp,
                 (unsigned long long)seq, (long long)r->final_end_ns);
        return;
    }
    rec_event_buffer *buf = &r->thread_events[thread];
    if (buf->count == buf->cap) {
        size_t cap = buf->cap > 0 ? buf->cap * 2 : 256;
        rec_event_row *grown = realloc(buf->rows, cap * sizeof *grown);
        if (grown == NULL) {
            rec_fail(r, "%s: /events: out of memory", r->partial_path);
            return;
        }
        buf->rows = grown;
        buf->cap = cap;
    }
    if (t_ns >= r->writable_end_ns)
        buf->future = 1;
    rec_event_row *row = &buf->rows[buf->count++];
    row->time_ns = t_ns;
    row->lp = lp;
    row->seq = seq;
    row->kind = kind;
    row->subject = subject;
    row->a = a;
    row->b = b;
    row->value = value;
    if (kind < r->n_kind_watch && r->kind_watch[kind] != NULL)
        r->kind_watch[kind](r->kind_watch_arg[kind], t_ns, subject, a, b, value);
}

int rec_event_watch(recorder *r, int kind, rec_event_watch_fn fn, void *arg)
{
    if (kind < 0 || kind >= r->n_kinds || fn == NULL || (kind < r->n_kind_watch && r->kind_watch[kind] != NULL)) {
        rec_error(r, "%s: rec_event_watch: kind %d does not exist or is watched already", r->partial_path, kind);
        return -1;
    }
    if (kind >= r->n_kind_watch) {
        rec_event_watch_fn *fns = realloc(r->kind_watch, (size_t)(kind + 1) * sizeof *fns);
        if (fns != NULL)
            r->kind_watch = fns;
        void **args = realloc(r->kind_watch_arg, (size_t)(kind + 1) * sizeof *args);
        if (args != NULL)
            r->kind_watch_arg = args;
        if (fns == NULL || args == NULL) {
            rec_error(r, "%s: rec_event_watch: out of memory", r->partial_path);
            return -1;
        }
        for (int k = r->n_kind_watch; k <= kind; k++) {
            r->kind_watch[k] = NULL;
            r->kind_watch_arg[k] = NULL;
        }
        r->n_kind_watch = kind + 1;
    }
    r->kind_watch[kind] = fn;
    r->kind_watch_arg[kind] = arg;
    return 0;
}

static int rec_event_row_cmp(const void *pa, const void *pb)
{
    const rec_event_row *x = pa, *y = pb;
    if (x->time_ns != y->time_ns)
        return x->time_ns < y->time_ns ? -1 : 1;
    if (x->lp != y->lp)
        return x->lp < y->lp ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* 1 if every record of buf is before end_ns. Without a record at or after
 * the writable end when it was logged (buf->future), and with end_ns at
 * the writable end, they all are (the records rec_gather_window adds are
 * before the window's end) without a scan. */
static int rec_events_all_before(const recorder *r, const rec_event_buffer *buf, sim_time_ns end_ns)
{
    if (!buf->future && end_ns >= r->writable_end_ns)
        return 1;
    for (size_t i = 0; i < buf->count; i++)
        if (buf->rows[i].time_ns >= end_ns)
            return 0;
    return 1;
}

/* Makes room for `need` rows in the final list, doubling from one chunk.
 * 0, or -1 out of memory (the recorder has failed; the list is as it was). */
static int rec_events_final_reserve(recorder *r, size_t need)
{
    if (need <= r->final_cap)
        return 0;
    size_t cap = r->final_cap > 0 ? r->final_cap : REC_EVENT_CHUNK_ROWS;
    while (cap < need)
        cap *= 2;
    rec_event_row *grown = realloc(r->final_events, cap * sizeof *grown);
    if (grown == NULL) {
        rec_fail(r, "%s: /events: out of memory", r->partial_path);
        return -1;
    }
    r->final_events = grown;
    r->final_cap = cap;
    return 0;
}

/* Appends all of buf's rows to the final list, where the loop of
 * rec_events_collect would put them, but copied from the last rows back
 * with the buffer shrunk behind each step. With several threads a burst
 * (the first windows log 100,000 power-ons) was held twice: the final
 * list grew to all rows while the other threads' full buffers waited to
 * be shrunk at the window's end, which raised the headline's 2-thread peak
 * by 2.6 MB (docs/clusters.md "Memory, seventh pass"). A buffer that large
 * is usually mapped by glibc (above its mmap threshold, which rises once a
 * mapped block is freed), so the pages given back leave the process; that
 * was measured on the headline's first burst. */
static int rec_events_move_shrinking(recorder *r, rec_event_buffer *buf)
{
    const size_t need = r->final_count + buf->count;
    if (rec_events_final_reserve(r, need) < 0)
        return -1;
    const size_t base = r->final_count;
    for (size_t i = buf->count; i > 0;) {
        size_t n = i < REC_EVENT_SHRINK_STEP_ROWS ? i : REC_EVENT_SHRINK_STEP_ROWS;
        i -= n;
        memcpy(&r->final_events[base + i], &buf->rows[i], n * sizeof *buf->rows);
        size_t keep = i > REC_EVENT_CHUNK_ROWS ? i : REC_EVENT_CHUNK_ROWS;
        if (keep < buf->cap) {
            rec_event_row *shrunk = realloc(buf->rows, keep * sizeof *shrunk);
            if (shrunk != NULL) {
                buf->rows = shrunk;
                buf->cap = keep;
            }
        }
    }
    r->final_count = need;
    buf->count = 0;
    buf->future = 0;
    r->events_moved_shrinking++;
    return 0;
}

/* Moves every buffered record with time < end_ns to the final list, sorted. */
static int rec_events_collect(recorder *r, sim_time_ns end_ns)
{
    size_t first_new = r->final_count;
    for (int t = 0; t < r->max_threads; t++) {
        rec_event_buffer *buf = &r->thread_events[t];
        if (buf->count > 0 && r->final_count <= buf->cap - buf->count &&
            buf->rows[buf->count - 1].time_ns < end_ns && rec_events_all_before(r, buf, end_ns)) {
            /* the whole buffer moves: the final list's rows go in front of
             * it and the arrays are swapped instead of copied, so a burst
             * (100,000 power-ons logged in the first window) is not held
             * twice */
            if (r->final_count > 0) {
                memmove(buf->rows + r->final_count, buf->rows, buf->count * sizeof *buf->rows);
                memcpy(buf->rows, r->final_events, r->final_count * sizeof *buf->rows);
            }
            rec_event_row *rows = r->final_events;
            size_t cap = r->final_cap;
            r->final_events = buf->rows;
            r->final_cap = buf->cap;
            r->final_count += buf->count;
            buf->rows = rows;
            buf->cap = cap;
            buf->count = 0;
            buf->future = 0;
            continue;
        }
        if (buf->count > REC_EVENT_CHUNK_ROWS && rec_events_all_before(r, buf, end_ns)) {
            if (rec_events_move_shrinking(r, buf) < 0)
                return -1;
            continue;
        }
        size_t kept = 0;
        for (size_t i = 0; i < buf->count; i++) {
            if (buf->rows[i].time_ns >= end_ns) {
                buf->rows[kept++] = buf->rows[i];
                continue;
            }
            if (rec_events_final_reserve(r, r->final_count + 1) < 0)
                return -1;
            r->final_events[r->final_count++] = buf->rows[i];
        }
        buf->count = kept;
        buf->future = kept > 0;
    }
    size_t n_new = r->final_count - first_new;
    if (n_new > 1)
        qsort(&r->final_events[first_new], n_new, sizeof *r->final_events, rec_event_row_cmp);
    return 0;
}

/* Writes the first `count` final records. */
/* The file's packed row (rec_event_row_type, in_file): the offsets of its
 * members, little-endian as this host's (rec_chunk_native). */
enum { REC_EVENT_FILE_ROW_BYTES = 8 + 4 + 8 + 4 + 8 + 8 + 8 + 8 };
_Static_assert(REC_EVENT_FILE_ROW_BYTES == sizeof(rec_event_row), "a queued chunk is laid out in place");

static void rec_event_row_to_file(unsigned char *dst, const rec_event_row *row)
{
    memcpy(dst + 0, &row->time_ns, 8);
    memcpy(dst + 8, &row->lp, 4);
    memcpy(dst + 12, &row->seq, 8);
    memcpy(dst + 20, &row->kind, 4);
    memcpy(dst + 24, &row->subject, 8);
    memcpy(dst + 32, &row->a, 8);
    memcpy(dst + 40, &row->b, 8);
    memcpy(dst + 48, &row->value, 8);
}

/* Lays a queued chunk's rows out as the file's, compresses them and frees
 * the raw rows. 0, or -1 when the recorder failed. */
static int rec_events_pack_one(recorder *r, rec_chunker **c, rec_pending_events *p)
{
    if (*c == NULL && (*c = rec_chunker_new()) == NULL) {
        rec_fail(r, "%s: /events chunks: out of memory", r->partial_path);
        return -1;
    }
    for (size_t k = 0; k < REC_EVENT_CHUNK_ROWS; k++) { /* in place: a row is as long as the file's */
        rec_event_row row;
        memcpy(&row, p->raw + k * sizeof row, sizeof row);
        rec_event_row_to_file(p->raw + k * REC_EVENT_FILE_ROW_BYTES, &row);
    }
    if (rec_chunk_pack_elems(*c, p->raw, REC_EVENT_CHUNK_ROWS, REC_EVENT_FILE_ROW_BYTES, &p->packed,
                             &p->packed_len) < 0) {
        rec_fail(r, "%s: /events chunks: out of memory or a zlib failure", r->partial_path);
        return -1;
    }
    free(p->raw);
    p->raw = NULL;
    return 0;
}

void rec_events_pack_share(recorder *r, rec_chunker **c)
{
    const size_t n = r->n_ev_pending;
    while (atomic_load_explicit(&r->ev_pending_next, memory_order_relaxed) < n) {
        size_t i = atomic_fetch_add_explicit(&r->ev_pending_next, 1, memory_order_relaxed);
        if (i >= n)
            break;
        rec_pending_events *p = &r->ev_pending[i];
        if (p->raw != NULL && rec_events_pack_one(r, c, p) < 0) /* NULL: packed at its burst's queueing */
            return;
    }
}

int rec_events_store_writing(recorder *r)
{
    for (size_t k = 0; k < r->n_ev_writing; k++) {
        rec_pending_events *p = &r->ev_writing[k];
        if (rec_h5_grow_rows(r->events_dataset, p->first_row + REC_EVENT_CHUNK_ROWS) < 0 ||
            rec_chunk_store(r->events_dataset, p->first_row, 0, p->packed, p->packed_len) < 0)
            return rec_h5_fail(r, "/events: cannot write rows %lld..%lld", (long long)p->first_row,
                               (long long)(p->first_row + REC_EVENT_CHUNK_ROWS - 1));
        free(p->packed); /* here, not in the serial clear */
        p->packed = NULL;
    }
    return 0;
}

void rec_events_writing_clear(recorder *r)
{
    for (size_t k = 0; k < r->n_ev_writing; k++) {
        free(r->ev_writing[k].raw);
        free(r->ev_writing[k].packed);
    }
    r->n_ev_writing = 0;
}

/* Serial, after rec_writing_finish: packs the queued chunks no thread
 * packed and moves them to the (empty) writing list, stored during the
 * next window (recorder_window_work) or at the next window end. */
static void rec_events_hand_over(recorder *r)
{
    if (r->n_ev_pending > 0 && !atomic_load(&r->failed))
        rec_events_pack_share(r, &r->chunkers[0]);
    rec_pending_events *list = r->ev_writing;
    size_t cap = r->cap_ev_writing;
    r->ev_writing = r->ev_pending;
    r->cap_ev_writing = r->cap_ev_pending;
    r->n_ev_writing = r->n_ev_pending;
    r->ev_pending = list;
    r->cap_ev_pending = cap;
    r->n_ev_pending = 0;
    atomic_store(&r->ev_pending_next, 0);
}

/* Queues the first `count` final rows (whole chunks) for packing. The
 * chunks are copied out from the last one back, the list shrunk behind
 * each, so a burst is not held twice: the first window logs 100,000
 * power-ons (5.6 MB of rows), and copying them all before freeing the list
 * made the run's peak on a day (docs/clusters.md "Memory, sixth pass").
 * The queue keeps row order (entry k holds rows k * REC_EVENT_CHUNK_ROWS..),
 * so chunks are stored in the same order as before. A burst of more than
 * REC_EVENT_BURST_CHUNKS chunks is packed here, each chunk as it is copied,
 * so that its raw rows (5.6 MB for the 100,000 power-ons, 0.5 MB packed)
 * are not held through the next window, the run's peak (docs/clusters.md,
 * "The headline with traces"); the same bytes either way. */
static int rec_events_queue(recorder *r, size_t count)
{
    if (r->chunkers == NULL && (r->chunkers = calloc((size_t)r->max_threads, sizeof *r->chunkers)) == NULL)
        return -1;
    size_t n_chunks = count / REC_EVENT_CHUNK_ROWS;
    if (r->cap_ev_pending - r->n_ev_pending < n_chunks) {
        size_t cap = r->cap_ev_pending > 0 ? r->cap_ev_pending : 8;
        while (cap - r->n_ev_pending < n_chunks)
            cap *= 2;
        rec_pending_events *grown = realloc(r->ev_pending, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        r->ev_pending = grown;
        r->cap_ev_pending = cap;
    }
    /* the rows after the whole chunks (less than one chunk) wait in front */
    size_t rest = r->final_count - count;
    rec_event_row *rest_rows = rest > 0 ? malloc(rest * sizeof *rest_rows) : NULL;
    if (rest > 0 && rest_rows == NULL)
        return -1;
    if (rest > 0)
        memcpy(rest_rows, &r->final_events[count], rest * sizeof *rest_rows);
    rec_pending_events *queued = &r->ev_pending[r->n_ev_pending];
    const int burst = n_chunks > REC_EVENT_BURST_CHUNKS;
    for (size_t k = n_chunks; k-- > 0;) {
        /* the rows as they are: rec_events_pack_share lays them out as
         * the file's during the next window, off the serial window end */
        unsigned char *raw = malloc((size_t)REC_EVENT_CHUNK_ROWS * sizeof(rec_event_row));
        if (raw != NULL) {
            memcpy(raw, &r->final_events[k * REC_EVENT_CHUNK_ROWS],
                   (size_t)REC_EVENT_CHUNK_ROWS * sizeof(rec_event_row));
            queued[k] = (rec_pending_events){.first_row = r->events_written + (int64_t)(k * REC_EVENT_CHUNK_ROWS),
                                             .raw = raw};
        }
        if (raw == NULL || (burst && rec_events_pack_one(r, &r->chunkers[0], &queued[k]) < 0)) {
            for (size_t j = k + (raw == NULL); j < n_chunks; j++) {
                free(queued[j].raw);
                free(queued[j].packed);
            }
            free(rest_rows);
            r->final_count = 0; /* the list was shrunk behind the copies: its rows are gone */
            return -1;          /* the recorder fails anyway */
        }
        if (burst)
            r->events_packed_at_queue++;
        /* give the copied rows back (a large list is mapped: its pages go) */
        size_t keep = k * REC_EVENT_CHUNK_ROWS > REC_EVENT_CHUNK_ROWS ? k * REC_EVENT_CHUNK_ROWS : REC_EVENT_CHUNK_ROWS;
        if (keep < r->final_cap) {
            rec_event_row *shrunk = realloc(r->final_events, keep * sizeof *shrunk);
            if (shrunk != NULL) {
                r->final_events = shrunk;
                r->final_cap = keep;
            }
        }
    }
    r->n_ev_pending += n_chunks;
    r->events_written += (int64_t)count;
    if (rest > 0)
        memcpy(r->final_events, rest_rows, rest * sizeof *rest_rows);
    free(rest_rows);
    r->final_count = rest;
    return 0;
}

static int rec_events_write(recorder *r, size_t count)
{
    if (count == 0)
        return 0;
    if (rec_h5_write_rows(r->events_dataset, r->event_mem_type, r->events_written,
                          (int64_t)count, 0, 0, r->final_events) < 0)
        return rec_h5_fail(r, "/events: cannot write rows %lld..%lld",
                           (long long)r->events_written,
                           (long long)(r->events_written + (int64_t)count - 1));
    r->events_written += (int64_t)count;
    r->final_count -= count;
    memmove(r->final_events, &r->final_events[count], r->final_count * sizeof *r->final_events);
    return 0;
}

int rec_events_window_end(recorder *r, sim_time_ns window_end_ns)
{
    /* the chunks queued at the last window end, packed during this
     * window, are stored during the next one */
    rec_events_hand_over(r);
    if (rec_events_collect(r, window_end_ns) < 0)
        return -1;
    size_t whole = r->final_count / REC_EVENT_CHUNK_ROWS * REC_EVENT_CHUNK_ROWS;
    if (rec_chunk_native() && r->events_written % REC_EVENT_CHUNK_ROWS == 0) {
        if (whole > 0 && rec_events_queue(r, whole) < 0) {
            rec_fail(r, "%s: /events: out of memory", r->partial_path);
            return -1;
        }
    } else if (rec_events_write(r, whole) < 0) {
        return -1;
    }
    /* a burst may have grown a thread's buffer far beyond one chunk: give it back */
    for (int t = 0; t < r->max_threads; t++) {
        rec_event_buffer *buf = &r->thread_events[t];
        if (buf->cap > 4 * REC_EVENT_CHUNK_ROWS && buf->count < REC_EVENT_CHUNK_ROWS) {
            rec_event_row *shrunk = realloc(buf->rows, REC_EVENT_CHUNK_ROWS * sizeof *buf->rows);
            if (shrunk != NULL) {
                buf->rows = shrunk;
                buf->cap = REC_EVENT_CHUNK_ROWS;
            }
        }
    }
    /* ... and the final list */
    if (r->final_cap > 4 * REC_EVENT_CHUNK_ROWS && r->final_count < REC_EVENT_CHUNK_ROWS) {
        rec_event_row *shrunk =
            realloc(r->final_events, REC_EVENT_CHUNK_ROWS * sizeof *r->final_events);
        if (shrunk != NULL) {
            r->final_events = shrunk;
            r->final_cap = REC_EVENT_CHUNK_ROWS;
        }
    }
    return 0;
}

/* Reads time_ns of written row `row`. */
static int rec_events_time_at(recorder *r, int64_t row, int64_t *time_ns)
{
    hid_t mem_type = H5Tcreate(H5T_COMPOUND, sizeof(int64_t));
    hid_t file_space = H5Dget_space(r->events_dataset);
    hsize_t one[1] = {1}, at[1] = {(hsize_t)row};
    hid_t mem_space = H5Screate_simple(1, one, NULL);
    int rc = -1;
    if (mem_type >= 0 && file_space >= 0 && mem_space >= 0 &&
        H5Tinsert(mem_type, "time_ns", 0, H5T_NATIVE_INT64) >= 0 &&
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, at, NULL, one, NULL) >= 0 &&
        H5Dread(r->events_dataset, mem_type, mem_space, file_space, H5P_DEFAULT, time_ns) >= 0)
        rc = 0;
    if (mem_space >= 0)
        H5Sclose(mem_space);
    if (file_space >= 0)
        H5Sclose(file_space);
    if (mem_type >= 0)
        H5Tclose(mem_type);
    return rc;
}

/* A window may end after the run's end: rows already written with time >=
 * end_ns are cut off (the rows are sorted, so they are a tail). */
static int rec_events_truncate(recorder *r, sim_time_ns end_ns)
{
    int64_t lo = 0, hi = r->events_written; /* first row with time >= end_ns is in [lo, hi] */
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int64_t t = 0;
        if (rec_events_time_at(r, mid, &t) < 0)
            return rec_h5_fail(r, "/events: cannot read row %lld", (long long)mid);
        if (t < end_ns)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < r->events_written) {
        if (rec_h5_set_rows(r->events_dataset, lo) < 0)
            return rec_h5_fail(r, "/events: cannot shrink to %lld rows", (long long)lo);
        r->events_written = lo;
    }
    return 0;
}

int rec_events_close(recorder *r, sim_time_ns end_ns)
{
    /* the rows read below must be in the file */
    if (rec_writing_finish(r) < 0)
        return -1;
    rec_events_hand_over(r);
    if (rec_writing_finish(r) < 0)
        return -1;
    if (r->final_count > 0 && r->final_events[r->final_count - 1].time_ns >= end_ns) {
        size_t keep = 0;
        while (keep < r->final_count && r->final_events[keep].time_ns < end_ns)
            keep++;
        r->final_count = keep;
    }
    if (r->events_written > 0 && end_ns < r->final_end_ns && rec_events_truncate(r, end_ns) < 0)
        return -1;
    if (rec_events_collect(r, end_ns) < 0)
        return -1;
    return rec_events_write(r, r->final_count);
}

void rec_events_free(recorder *r)
{
    for (int i = 0; i < r->n_kinds; i++)
        free(r->kind_names[i]);
    free(r->kind_names);
    r->kind_names = NULL;
    r->n_kinds = 0;
    free(r->kind_watch);
    free(r->kind_watch_arg);
    r->kind_watch = NULL;
    r->kind_watch_arg = NULL;
    r->n_kind_watch = 0;
    if (r->thread_events != NULL)
        for (int t = 0; t < r->max_threads; t++)
            free(r->thread_events[t].rows);
    free(r->thread_events);
    r->thread_events = NULL;
    for (size_t k = 0; k < r->n_ev_pending; k++) {
        free(r->ev_pending[k].raw);
        free(r->ev_pending[k].packed);
    }
    free(r->ev_pending);
    r->ev_pending = NULL;
    r->n_ev_pending = r->cap_ev_pending = 0;
    rec_events_writing_clear(r);
    free(r->ev_writing);
    r->ev_writing = NULL;
    r->cap_ev_writing = 0;
    free(r->final_events);
    r->final_events = NULL;
    r->final_count = r->final_cap = 0;
}
