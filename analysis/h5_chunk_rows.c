/* h5_chunk_rows.c - rows read chunk by chunk on every thread (see
 * h5_chunk_rows.h). */
#include "analysis/h5_chunk_rows.h"

#include <omp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/chunk_unfilter.h"

/* Reads of fewer cells are left to H5Dread (below). */
#define CHUNK_ROWS_MIN_CELLS 64
/* Chunks larger than this are left to H5Dread (the recorder's are 32 KiB). */
#define CHUNK_ROWS_MAX_CHUNK_BYTES ((size_t)64 << 20)

/* What a read needs to know of the dataset. */
typedef struct chunk_layout {
    hsize_t dims[2], chunk[2];
    size_t chunk_bytes;
    chunk_pipeline pipeline;
} chunk_layout;

/* One chunk of a read: where it starts, its stored bytes. */
typedef struct chunk_job {
    hsize_t row0, col0;
    size_t offset, len; /* in the read's arena */
    unsigned skipped;   /* filters skipped when written */
} chunk_job;

static int f64le_dataset(hid_t dataset)
{
    hid_t type = H5Dget_type(dataset);
    int ok = type >= 0 && H5Tequal(type, H5T_IEEE_F64LE) > 0 && H5Tequal(H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE) > 0;
    if (type >= 0)
        H5Tclose(type);
    return ok;
}

/* The dataset's pipeline; 0 when one of its filters is not undone here. */
static int pipeline_of(hid_t dcpl, chunk_pipeline *p)
{
    int n = H5Pget_nfilters(dcpl);
    if (n < 0 || n > CHUNK_MAX_FILTERS)
        return 0;
    *p = (chunk_pipeline){.n = n, .elem_size = 8};
    for (int i = 0; i < n; i++) {
        unsigned flags = 0, config = 0, cd[4] = {0};
        size_t cd_n = 4;
        char name[64];
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &cd_n, cd, sizeof name, name, &config);
        if (id < 0)
            return 0;
        p->id[i] = (int)id;
        /* the parameters HDF5's filters accept: deflate one, a level <= 9;
         * shuffle one, the element size (the cells': 8) */
        if (id == H5Z_FILTER_DEFLATE && (cd_n != 1 || cd[0] > 9))
            return 0;
        if (id == H5Z_FILTER_SHUFFLE && (cd_n != 1 || cd[0] != 8))
            return 0;
    }
    return chunk_pipeline_supported(p);
}

/* 1 with *l filled when the dataset can be read here at all. */
static int layout_of(hid_t dataset, chunk_layout *l)
{
    if (!f64le_dataset(dataset))
        return 0;
    hid_t space = H5Dget_space(dataset);
    int ok = space >= 0 && H5Sget_simple_extent_ndims(space) == 2 &&
             H5Sget_simple_extent_dims(space, l->dims, NULL) == 2;
    if (space >= 0)
        H5Sclose(space);
    hid_t dcpl = ok ? H5Dget_create_plist(dataset) : H5I_INVALID_HID;
    /* partial edge chunks stored unfiltered (H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS)
     * carry no mask saying so: left to H5Dread */
    unsigned chunk_opts = 0;
    ok = ok && dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, 2, l->chunk) == 2 &&
         H5Pget_chunk_opts(dcpl, &chunk_opts) >= 0 && !(chunk_opts & H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS) &&
         pipeline_of(dcpl, &l->pipeline);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (!ok || l->chunk[0] == 0 || l->chunk[1] == 0)
        return 0;
    /* bounded before multiplying */
    if (l->chunk[0] > CHUNK_ROWS_MAX_CHUNK_BYTES / 8 || l->chunk[1] > CHUNK_ROWS_MAX_CHUNK_BYTES / 8 / l->chunk[0])
        return 0;
    l->chunk_bytes = (size_t)(l->chunk[0] * l->chunk[1] * 8);
    return 1;
}

hsize_t h5r_chunk_rows_height(hid_t dataset)
{
    chunk_layout l;
    return layout_of(dataset, &l) ? l.chunk[0] : 1;
}

int h5r_chunk_shape(hid_t dataset, hsize_t chunk[2])
{
    chunk_layout l;
    if (!layout_of(dataset, &l))
        return 0;
    chunk[0] = l.chunk[0];
    chunk[1] = l.chunk[1];
    return 1;
}

/* The cells a read asks for: rows [row, row + nrows), columns [col, col +
 * ncols), into a row-major array of nrows x ncols. */
typedef struct read_box {
    hsize_t row, nrows, col, ncols;
} read_box;

/* The chunks a read covers, their stored bytes read into *arena. 1, 0
 * (not for this reader: a chunk never written, no memory) or -1. */
static int read_stored(hid_t dataset, const chunk_layout *l, const read_box *b, chunk_job **jobs_out, size_t *n_jobs,
                       unsigned char **arena_out)
{
    hsize_t first_col = b->col - b->col % l->chunk[1];
    hsize_t chunk_rows = (b->nrows + l->chunk[0] - 1) / l->chunk[0];
    hsize_t chunk_cols = (b->col + b->ncols - first_col + l->chunk[1] - 1) / l->chunk[1];
    if (chunk_rows > SIZE_MAX / sizeof(chunk_job) / chunk_cols)
        return 0;
    size_t n = (size_t)(chunk_rows * chunk_cols), stored_max = chunk_stored_max(l->chunk_bytes), total = 0;
    chunk_job *jobs = malloc(n * sizeof *jobs);
    if (!jobs)
        return 0;
    size_t k = 0;
    for (hsize_t r = b->row; r < b->row + b->nrows; r += l->chunk[0])
        for (hsize_t c = first_col; c < b->col + b->ncols; c += l->chunk[1], k++) {
            /* H5Dget_chunk_storage_size looks the chunk up in the index;
             * HDF5 1.10's H5Dget_chunk_info_by_coord walks every chunk */
            hsize_t offset[2] = {r, c}, size = 0;
            if (H5Dget_chunk_storage_size(dataset, offset, &size) < 0 || size == 0) {
                free(jobs);
                return 0; /* never written: H5Dread gives the fill value */
            }
            if (stored_max == 0 || size > stored_max || total > SIZE_MAX - size) {
                free(jobs);
                return 0; /* more than these filters make of a chunk (bytes after a stream): H5Dread decides */
            }
            jobs[k] = (chunk_job){.row0 = r, .col0 = c, .offset = total, .len = (size_t)size};
            total += (size_t)size;
        }
    unsigned char *arena = malloc(total ? total : 1);
    if (!arena) {
        free(jobs);
        return 0;
    }
    for (k = 0; k < n; k++) {
        hsize_t offset[2] = {jobs[k].row0, jobs[k].col0};
        uint32_t mask = 0;
        if (H5Dread_chunk(dataset, H5P_DEFAULT, offset, &mask, arena + jobs[k].offset) < 0) {
            free(arena);
            free(jobs);
            return -1;
        }
        jobs[k].skipped = mask;
    }
    *jobs_out = jobs;
    *n_jobs = n;
    *arena_out = arena;
    return 1;
}

/* Copies the part of a decoded chunk (its cells' bytes: IEEE
 * little-endian float64, the host's double, layout_of) that lies in the
 * read into out. Bytes, not doubles: a chunk stored unfiltered sits
 * unaligned in the arena. */
static void place_chunk(const chunk_layout *l, const chunk_job *j, const unsigned char *cells, const read_box *b,
                        double *out)
{
    hsize_t r_end = j->row0 + l->chunk[0] < b->row + b->nrows ? j->row0 + l->chunk[0] : b->row + b->nrows;
    hsize_t c_first = j->col0 > b->col ? j->col0 : b->col;
    hsize_t c_end = j->col0 + l->chunk[1] < b->col + b->ncols ? j->col0 + l->chunk[1] : b->col + b->ncols;
    for (hsize_t r = j->row0; r < r_end; r++)
        memcpy(out + (size_t)((r - b->row) * b->ncols + (c_first - b->col)),
               cells + (size_t)((r - j->row0) * l->chunk[1] + (c_first - j->col0)) * sizeof *out,
               (size_t)(c_end - c_first) * sizeof *out);
}

/* A block's stored chunks (h5_chunk_rows.h). */
struct h5r_chunk_fetch {
    chunk_layout layout;
    read_box box;
    chunk_job *jobs;
    size_t n_jobs;
    unsigned char *arena;
};

int h5r_chunk_fetch_block(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t col, hsize_t ncols,
                          h5r_chunk_fetch **out)
{
    *out = NULL;
    /* a few cells (a loop of one-row reads of a narrow series): H5Dread's
     * chunk cache serves them without the dozen queries of layout_of (6.6 us
     * a one-cell read with them, 1.4 without) */
    if (nrows == 0 || ncols == 0 || nrows * ncols < CHUNK_ROWS_MIN_CELLS)
        return 0;
    chunk_layout l;
    if (!layout_of(dataset, &l))
        return 0;
    if (row > l.dims[0] || nrows > l.dims[0] - row || col > l.dims[1] || ncols > l.dims[1] - col ||
        row % l.chunk[0] != 0 || (nrows % l.chunk[0] != 0 && row + nrows != l.dims[0]))
        return 0;
    h5r_chunk_fetch *f = malloc(sizeof *f);
    if (!f)
        return 0;
    *f = (h5r_chunk_fetch){.layout = l, .box = {.row = row, .nrows = nrows, .col = col, .ncols = ncols}};
    int rc = read_stored(dataset, &f->layout, &f->box, &f->jobs, &f->n_jobs, &f->arena);
    if (rc != 1) {
        free(f);
        return rc;
    }
    *out = f;
    return 1;
}

size_t h5r_chunk_fetch_chunks(const h5r_chunk_fetch *f)
{
    return f->n_jobs;
}

size_t h5r_chunk_fetch_chunk_bytes(const h5r_chunk_fetch *f)
{
    return f->layout.chunk_bytes;
}

int h5r_chunk_fetch_decode(const h5r_chunk_fetch *f, size_t k, chunk_unfilterer *u, double *out)
{
    const char *why = NULL;
    const unsigned char *cells = NULL;
    const chunk_job *j = &f->jobs[k];
    int got = chunk_unfilter(u, &f->layout.pipeline, j->skipped, f->arena + j->offset, j->len, &cells, &why);
    if (got == 1)
        place_chunk(&f->layout, j, cells, &f->box, out);
    return got;
}

void h5r_chunk_fetch_free(h5r_chunk_fetch *f)
{
    if (!f)
        return;
    free(f->arena);
    free(f->jobs);
    free(f);
}

int h5r_chunk_block_read(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t col, hsize_t ncols, double *out)
{
    h5r_chunk_fetch *f = NULL;
    int rc = h5r_chunk_fetch_block(dataset, row, nrows, col, ncols, &f);
    if (rc != 1)
        return rc;
    const size_t n_jobs = f->n_jobs;
    atomic_int failed = 0; /* 1 damaged, 2 beyond this reader or out of memory: H5Dread decides */
    int threads = omp_get_max_threads();
    if ((size_t)threads > n_jobs)
        threads = (int)n_jobs; /* each thread holds two buffers of a chunk */
#pragma omp parallel num_threads(threads) if (n_jobs > 1)
    {
        chunk_unfilterer *u = chunk_unfilterer_new(f->layout.chunk_bytes);
        if (!u)
            atomic_store(&failed, 2);
#pragma omp for schedule(dynamic, 1)
        for (size_t k = 0; k < n_jobs; k++) {
            if (!u || atomic_load_explicit(&failed, memory_order_relaxed))
                continue;
            int got = h5r_chunk_fetch_decode(f, k, u, out);
            if (got != 1)
                atomic_store(&failed, got < 0 ? 1 : 2);
        }
        chunk_unfilterer_free(u);
    }
    h5r_chunk_fetch_free(f);
    int fl = atomic_load(&failed);
    return fl == 1 ? -1 : fl == 2 ? 0 : 1;
}

int h5r_chunk_rows_read(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t cols, double *out)
{
    return h5r_chunk_block_read(dataset, row, nrows, 0, cols, out);
}
