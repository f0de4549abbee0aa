/* row_stream.c - blocks of rows folded while the next is decoded (see
 * row_stream.h). */
#include "analysis/row_stream.h"

#include <omp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "analysis/chunk_unfilter.h"
#include "analysis/h5_chunk_rows.h"
#include "analysis/h5_read.h"

/* Bits of stream_block.decode: the worst of its chunks. */
enum { DECODE_BEYOND = 1, DECODE_DAMAGED = 2 };

/* One block in flight. */
typedef struct stream_block {
    hsize_t start, nrows;
    double *cells;
    h5r_chunk_fetch *fetch; /* its chunks while they are decoded, else NULL */
    atomic_int decode;      /* DECODE_* bits set by the chunks' tasks */
    int ok;                 /* 1 when cells hold the rows */
} stream_block;

typedef struct stream {
    hid_t dataset;
    hsize_t cols;
    int threads;
    chunk_unfilterer **u; /* one per thread, made by that thread when first needed */
} stream;

static chunk_unfilterer *unfilterer_of(stream *s, size_t chunk_bytes)
{
    int t = omp_get_thread_num();
    if (t < 0 || t >= s->threads)
        return NULL;
    if (!s->u[t])
        s->u[t] = chunk_unfilterer_new(chunk_bytes);
    return s->u[t];
}

/* A task: chunk k of block b into its place (no HDF5 call). */
static void decode_chunk(stream *s, stream_block *b, size_t k)
{
    if (atomic_load_explicit(&b->decode, memory_order_relaxed) & DECODE_DAMAGED)
        return;
    chunk_unfilterer *u = unfilterer_of(s, h5r_chunk_fetch_chunk_bytes(b->fetch));
    int got = u ? h5r_chunk_fetch_decode(b->fetch, k, u, b->cells) : 0;
    if (got != 1)
        atomic_fetch_or(&b->decode, got < 0 ? DECODE_DAMAGED : DECODE_BEYOND);
}

/* On the calling thread: block b's stored chunks read and their decoding
 * left to tasks, or (not for the chunk reader) the block read whole. */
static void begin_block(stream *s, stream_block *b, hsize_t start, hsize_t nrows)
{
    b->start = start;
    b->nrows = nrows;
    b->fetch = NULL;
    atomic_store(&b->decode, 0);
    b->ok = 0;
    int rc = h5r_chunk_fetch_block(s->dataset, start, nrows, 0, s->cols, &b->fetch);
    if (rc == 0)
        b->ok = h5r_read_rows_f64(s->dataset, start, nrows, s->cols, b->cells) == 0;
    if (rc != 1)
        return;
    size_t chunks = h5r_chunk_fetch_chunks(b->fetch);
    for (size_t k = 0; k < chunks; k++) {
#pragma omp task firstprivate(k)
        decode_chunk(s, b, k);
    }
}

/* After the block's tasks are done: whether it holds its rows. A chunk
 * beyond the chunk reader (or no memory for an unfilterer) sends the block
 * to h5r_read_rows_f64, whose H5Dread decides; a damaged chunk fails it. */
static void finish_block(stream *s, stream_block *b)
{
    if (!b->fetch)
        return;
    h5r_chunk_fetch_free(b->fetch);
    b->fetch = NULL;
    int decode = atomic_load(&b->decode);
    if (decode & DECODE_DAMAGED)
        b->ok = 0;
    else if (decode & DECODE_BEYOND)
        b->ok = h5r_read_rows_f64(s->dataset, b->start, b->nrows, s->cols, b->cells) == 0;
    else
        b->ok = 1;
}

int h5r_rows_stream(hid_t dataset, hsize_t first, hsize_t end, hsize_t cols, hsize_t block_rows, h5r_rows_fn fn,
                    void *arg, hsize_t bad[2])
{
    bad[0] = first;
    bad[1] = 0;
    if (first >= end || cols == 0)
        return 0;
    if (block_rows == 0)
        block_rows = 1;
    /* a series shorter than a block: buffers as small as it, the blocks
     * still ending at multiples of block_rows (on the chunks) */
    hsize_t held_rows = block_rows < end - first ? block_rows : end - first;
    size_t bytes = held_rows <= SIZE_MAX / sizeof(double) / cols ? h5r_array_bytes(held_rows * cols, sizeof(double))
                                                                  : 0;
    stream s = {.dataset = dataset, .cols = cols, .threads = omp_get_max_threads()};
    stream_block blocks[2] = {{.cells = bytes ? malloc(bytes) : NULL}, {.cells = bytes ? malloc(bytes) : NULL}};
    s.u = s.threads > 0 ? calloc((size_t)s.threads, sizeof *s.u) : NULL;
    int rc = 0;
    if (!blocks[0].cells || !blocks[1].cells || !s.u) {
        bad[1] = h5r_block_len(first, end, block_rows);
        rc = -1;
    } else {
        /* master, not single: HDF5 keeps its error stack (and h5r_quiet's
         * silence) per thread, so its calls stay on the calling thread */
#pragma omp parallel num_threads(s.threads)
#pragma omp master
        {
            begin_block(&s, &blocks[0], first, h5r_block_len(first, end, block_rows));
#pragma omp taskwait
            finish_block(&s, &blocks[0]);
            for (int cur = 0;; cur ^= 1) {
                stream_block *b = &blocks[cur], *next = &blocks[cur ^ 1];
                if (!b->ok) {
                    bad[0] = b->start;
                    bad[1] = b->nrows;
                    rc = -1;
                    break;
                }
                hsize_t next_start = b->start + b->nrows;
                int more = next_start < end;
                if (more) /* its decoding runs on the other threads while fn folds b */
                    begin_block(&s, next, next_start, h5r_block_len(next_start, end, block_rows));
                int got = fn(arg, b->start, b->nrows, b->cells);
#pragma omp taskwait
                if (more)
                    finish_block(&s, next);
                if (got != 0) {
                    rc = got;
                    break;
                }
                if (!more)
                    break;
            }
        }
    }
    for (int t = 0; s.u && t < s.threads; t++)
        chunk_unfilterer_free(s.u[t]);
    free(s.u);
    free(blocks[0].cells);
    free(blocks[1].cells);
    return rc;
}
