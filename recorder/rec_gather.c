/* rec_gather.c - a distributed run's records travel to rank 0.
 *
 * Handlers on every rank call rec_series_put and rec_event as usual. On a
 * rank other than 0 a put is logged (per OpenMP thread, no locks) and event
 * records stay in their thread buffers; at each window end every rank sends
 * rank 0 one block: a header, the puts, the event records with time < the
 * window end, and the rank's error message when its recorder failed. Rank 0
 * sets the cells and adds the records to its own buffers; the usual window
 * end then sorts the records by (time_ns, lp, seq) and writes what is final,
 * so the file does not depend on how LPs were spread over ranks.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "recorder/rec_internal.h"
#include "sim/mpi_link.h"

typedef struct {
    uint64_t put_bytes; /* the puts' entries (rec_put_head), every thread's log in turn */
    uint64_t puts;      /* entries */
    uint64_t events;
    uint64_t error_bytes; /* > 0: this rank's recorder failed; the message follows */
} rec_gather_header;

int recorder_distribute(recorder *r, int rank, int ranks)
{
    if (rank < 0 || ranks < 1 || rank >= ranks)
        return rec_error(r, "%s: rank %d of %d ranks", r->partial_path, rank, ranks);
    r->dist_rank = rank;
    r->dist_ranks = ranks;
    if (rank > 0 && r->put_logs == NULL) {
        r->put_logs = calloc((size_t)r->max_threads, sizeof *r->put_logs);
        if (r->put_logs == NULL)
            return rec_error(r, "%s: out of memory", r->partial_path);
    }
    return 0;
}

/* Appends one entry (rec_put_head) of n <= REC_GATHER_CELLS cells of one
 * row to the thread's log. 0, or -1 out of memory. */
static int log_entry(rec_put_log *log, const int *series, const double *values, int n, int64_t row, int entity)
{
    int list = 0; /* the number of this list of series, 0 if it has none */
    for (int j = 0; j < log->n_lists && !list; j++)
        if (log->list_n[j] == n && memcmp(log->lists[j], series, (size_t)n * sizeof *series) == 0)
            list = j + 1;
    size_t need = sizeof(rec_put_head) + (list ? 0 : (size_t)n * sizeof(int32_t)) + (size_t)n * sizeof(double);
    if (log->cap - log->len < need) {
        size_t cap = log->cap ? log->cap : 4096;
        while (cap - log->len < need)
            cap *= 2;
        unsigned char *grown = realloc(log->bytes, cap);
        if (grown == NULL)
            return -1;
        log->bytes = grown;
        log->cap = cap;
    }
    rec_put_head h = {.row = row,
                      .entity = entity,
                      .n = (uint8_t)n,
                      .flags = log->entries == 0 ? REC_PUT_LOG_START : 0,
                      .list = (uint16_t)list};
    unsigned char *at = log->bytes + log->len;
    memcpy(at, &h, sizeof h);
    at += sizeof h;
    if (!list) {
        for (int k = 0; k < n; k++) {
            int32_t id = series[k];
            memcpy(at, &id, sizeof id);
            at += sizeof id;
        }
        if (log->n_lists < REC_GATHER_LISTS) { /* numbered: the next entries name it */
            memcpy(log->lists[log->n_lists], series, (size_t)n * sizeof *series);
            log->list_n[log->n_lists++] = n;
        }
    }
    memcpy(at, values, (size_t)n * sizeof *values);
    log->len += need;
    log->entries++;
    return 0;
}

void rec_gather_put(recorder *r, const int *series, const int64_t *rows, const double *values, int n, int entity)
{
    int t = omp_get_thread_num();
    if (t < 0 || t >= r->max_threads) {
        rec_fail(r, "%s: rec_series_put from thread %d, beyond max_threads %d", r->partial_path, t,
                 r->max_threads);
        return;
    }
    rec_put_log *log = &r->put_logs[t];
    /* one entry per run of cells of one row, at most REC_GATHER_CELLS each */
    for (int first = 0; first < n;) {
        int end = first + 1;
        while (end < n && end - first < REC_GATHER_CELLS && rows[end] == rows[first])
            end++;
        if (log_entry(log, series + first, values + first, end - first, rows[first], entity) != 0) {
            rec_fail(r, "%s: out of memory logging a series cell", r->partial_path);
            return;
        }
        first = end;
    }
}

/* This rank's block, into r->gather_send: header, puts, records with
 * time < end, error text. 0, or -1 out of memory. */
static int pack(recorder *r, sim_time_ns end_ns, size_t *len)
{
    rec_gather_header h = {0, 0, 0, 0};
    for (int t = 0; t < r->max_threads; t++) {
        h.put_bytes += r->put_logs[t].len;
        h.puts += r->put_logs[t].entries;
        const rec_event_buffer *buf = &r->thread_events[t];
        for (size_t i = 0; i < buf->count; i++)
            h.events += buf->rows[i].time_ns < end_ns;
    }
    if (atomic_load(&r->failed))
        h.error_bytes = strlen(r->error) + 1;
    *len = sizeof h + h.put_bytes + h.events * sizeof(rec_event_row) + h.error_bytes;
    if (sim_mpi_buf_reserve(&r->gather_send, *len) != 0)
        return -1;
    unsigned char *at = r->gather_send.p;
    memcpy(at, &h, sizeof h);
    at += sizeof h;
    for (int t = 0; t < r->max_threads; t++) {
        rec_put_log *log = &r->put_logs[t];
        if (log->len > 0)
            memcpy(at, log->bytes, log->len);
        at += log->len;
        log->len = 0;
        log->entries = 0;
        log->n_lists = 0; /* the next window's log numbers its lists anew */
    }
    for (int t = 0; t < r->max_threads; t++) {
        rec_event_buffer *buf = &r->thread_events[t];
        size_t kept = 0;
        for (size_t i = 0; i < buf->count; i++) {
            if (buf->rows[i].time_ns < end_ns) {
                memcpy(at, &buf->rows[i], sizeof(rec_event_row));
                at += sizeof(rec_event_row);
            } else {
                buf->rows[kept++] = buf->rows[i];
            }
        }
        buf->count = kept;
    }
    memcpy(at, r->error, h.error_bytes);
    return 0;
}

/* Rank 0: sets the cells of rank `from`'s `entries` entries (bytes
 * [0, len) of its block: every thread's log in turn, each numbering its
 * lists from 1). 0, or -1 (rec_fail) when an entry runs past the bytes or
 * names a list not numbered. */
static int unpack_puts(recorder *r, int from, const unsigned char *at, size_t len, uint64_t entries)
{
    int lists[REC_GATHER_LISTS][REC_GATHER_CELLS];
    int list_n[REC_GATHER_LISTS], n_lists = 0, series[REC_GATHER_CELLS];
    double values[REC_GATHER_CELLS];
    const unsigned char *end = at + len;
    uint64_t e = 0;
    for (; e < entries; e++) {
        rec_put_head h;
        if ((size_t)(end - at) < sizeof h)
            break;
        memcpy(&h, at, sizeof h);
        at += sizeof h;
        const size_t n = h.n;
        const size_t ids = h.list ? 0 : n * sizeof(int32_t);
        if (n == 0 || n > REC_GATHER_CELLS || (size_t)(end - at) < ids + n * sizeof(double))
            break;
        if (h.flags & REC_PUT_LOG_START)
            n_lists = 0; /* the next thread's log numbers its lists anew */
        const int *cells_series = series;
        if (h.list) {
            if (h.list > n_lists || (size_t)list_n[h.list - 1] != n)
                break;
            cells_series = lists[h.list - 1];
        } else {
            for (size_t k = 0; k < n; k++) {
                int32_t id;
                memcpy(&id, at + k * sizeof id, sizeof id);
                series[k] = id;
            }
            if (n_lists < REC_GATHER_LISTS) { /* numbered as log_entry numbers it */
                memcpy(lists[n_lists], series, n * sizeof *series);
                list_n[n_lists++] = (int)n;
            }
        }
        memcpy(values, at + ids, n * sizeof(double));
        at += ids + n * sizeof(double);
        if (rec_series_set_cells(r, cells_series, values, (int)n, h.row, h.entity) != 0)
            return -1;
    }
    if (e == entries && at == end)
        return 0;
    rec_fail(r, "%s: rank %d sent a malformed block of series cells", r->partial_path, from);
    return -1;
}

/* Rank 0: applies rank `from`'s block. */
static int unpack(recorder *r, int from, const unsigned char *block, size_t len)
{
    rec_gather_header h;
    if (len < sizeof h) {
        rec_fail(r, "%s: rank %d sent a short block of records", r->partial_path, from);
        return -1;
    }
    memcpy(&h, block, sizeof h);
    /* sizes checked before they are added or multiplied: a block is bytes from another process */
    const uint64_t room = len - sizeof h;
    if (h.put_bytes > room || h.events > (room - h.put_bytes) / sizeof(rec_event_row) ||
        h.error_bytes != room - h.put_bytes - h.events * sizeof(rec_event_row)) {
        size_t need = sizeof h + h.put_bytes + h.events * sizeof(rec_event_row) + h.error_bytes;
        rec_fail(r, "%s: rank %d sent %zu bytes of records, %zu expected", r->partial_path, from, len, need);
        return -1;
    }
    const unsigned char *at = block + sizeof h;
    if (unpack_puts(r, from, at, h.put_bytes, h.puts) != 0)
        return -1;
    at += h.put_bytes;
    rec_event_buffer *buf = &r->thread_events[0];
    if (h.events > 0 && buf->count + h.events > buf->cap) {
        size_t cap = buf->count + h.events;
        rec_event_row *grown = realloc(buf->rows, cap * sizeof *grown);
        if (grown == NULL) {
            rec_fail(r, "%s: /events: out of memory", r->partial_path);
            return -1;
        }
        buf->rows = grown;
        buf->cap = cap;
    }
    if (h.events > 0)
        memcpy(buf->rows + buf->count, at, h.events * sizeof(rec_event_row));
    buf->count += h.events;
    at += h.events * sizeof(rec_event_row);
    if (h.error_bytes > 0) {
        rec_fail(r, "MPI rank %d: %.*s", from, (int)h.error_bytes, (const char *)at);
        return -1;
    }
    return 0;
}

int rec_gather_window(recorder *r, sim_time_ns window_end_ns)
{
    size_t len = 0;
    int packed = 0;
    static const rec_gather_header none = {0, 0, 0, 0};
    if (r->dist_rank > 0)
        packed = pack(r, window_end_ns, &len) == 0;
    const unsigned char *send = packed ? r->gather_send.p : (const unsigned char *)&none;
    if (!packed)
        len = sizeof none; /* rank 0 sends nothing; a rank out of memory says so below */
    size_t *lens = r->dist_rank == 0 ? calloc((size_t)r->dist_ranks, sizeof *lens) : NULL;
    int rc = sim_mpi_gather(send, len, &r->gather_recv, lens);
    if (r->dist_rank > 0 && !packed)
        rec_fail(r, "%s: out of memory packing records for rank 0", r->partial_path);
    if (rc != 0) {
        rec_fail(r, "%s: MPI: gathering the window's records failed", r->partial_path);
        free(lens);
        return -1;
    }
    if (r->dist_rank == 0) {
        size_t off = 0;
        for (int k = 0; k < r->dist_ranks; k++) {
            if (k > 0 && unpack(r, k, r->gather_recv.p + off, lens[k]) != 0)
                rc = -1;
            if (k > 0)
                r->forwarded_bytes += lens[k];
            off += lens[k];
        }
    }
    free(lens);
    return rc;
}

uint64_t recorder_forwarded_bytes(const recorder *r)
{
    return r->dist_rank == 0 ? r->forwarded_bytes : 0;
}

void rec_gather_free(recorder *r)
{
    if (r->put_logs != NULL)
        for (int t = 0; t < r->max_threads; t++)
            free(r->put_logs[t].bytes);
    free(r->put_logs);
    r->put_logs = NULL;
    sim_mpi_buf_free(&r->gather_send);
    sim_mpi_buf_free(&r->gather_recv);
}
