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
    uint64_t puts;
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

void rec_gather_put(recorder *r, int series, int64_t row, int entity, double value)
{
    int t = omp_get_thread_num();
    if (t < 0 || t >= r->max_threads) {
        rec_fail(r, "%s: rec_series_put from thread %d, beyond max_threads %d", r->partial_path, t,
                 r->max_threads);
        return;
    }
    rec_put_log *log = &r->put_logs[t];
    if (log->count == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 1024;
        rec_put *grown = realloc(log->items, cap * sizeof *grown);
        if (grown == NULL) {
            rec_fail(r, "%s: out of memory logging a series cell", r->partial_path);
            return;
        }
        log->items = grown;
        log->cap = cap;
    }
    log->items[log->count++] = (rec_put){.series = series, .entity = entity, .row = row, .value = value};
}

/* This rank's block, into r->gather_send: header, puts, records with
 * time < end, error text. 0, or -1 out of memory. */
static int pack(recorder *r, sim_time_ns end_ns, size_t *len)
{
    rec_gather_header h = {0, 0, 0};
    for (int t = 0; t < r->max_threads; t++) {
        h.puts += r->put_logs[t].count;
        const rec_event_buffer *buf = &r->thread_events[t];
        for (size_t i = 0; i < buf->count; i++)
            h.events += buf->rows[i].time_ns < end_ns;
    }
    if (atomic_load(&r->failed))
        h.error_bytes = strlen(r->error) + 1;
    *len = sizeof h + h.puts * sizeof(rec_put) + h.events * sizeof(rec_event_row) + h.error_bytes;
    if (sim_mpi_buf_reserve(&r->gather_send, *len) != 0)
        return -1;
    unsigned char *at = r->gather_send.p;
    memcpy(at, &h, sizeof h);
    at += sizeof h;
    for (int t = 0; t < r->max_threads; t++) {
        rec_put_log *log = &r->put_logs[t];
        if (log->count > 0)
            memcpy(at, log->items, log->count * sizeof(rec_put));
        at += log->count * sizeof(rec_put);
        log->count = 0;
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

/* Rank 0: applies rank `from`'s block. */
static int unpack(recorder *r, int from, const unsigned char *block, size_t len)
{
    rec_gather_header h;
    if (len < sizeof h) {
        rec_fail(r, "%s: rank %d sent a short block of records", r->partial_path, from);
        return -1;
    }
    memcpy(&h, block, sizeof h);
    size_t need = sizeof h + h.puts * sizeof(rec_put) + h.events * sizeof(rec_event_row) + h.error_bytes;
    if (need != len) {
        rec_fail(r, "%s: rank %d sent %zu bytes of records, %zu expected", r->partial_path, from, len, need);
        return -1;
    }
    const unsigned char *at = block + sizeof h;
    for (uint64_t i = 0; i < h.puts; i++, at += sizeof(rec_put)) {
        rec_put p;
        memcpy(&p, at, sizeof p);
        rec_series_set_row(r, p.series, p.row, p.entity, p.value);
    }
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
    static const rec_gather_header none = {0, 0, 0};
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
            off += lens[k];
        }
    }
    free(lens);
    return rc;
}

void rec_gather_free(recorder *r)
{
    if (r->put_logs != NULL)
        for (int t = 0; t < r->max_threads; t++)
            free(r->put_logs[t].items);
    free(r->put_logs);
    r->put_logs = NULL;
    sim_mpi_buf_free(&r->gather_send);
    sim_mpi_buf_free(&r->gather_recv);
}
