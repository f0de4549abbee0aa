/* test_chunk_rows.c - rows read by raw chunks, their filters undone here
 * (analysis/h5_chunk_rows.h, analysis/chunk_unfilter.h), against HDF5's
 * own H5Dread as the oracle.
 *
 * Datasets of 23 x 30 float64 cells in chunks of 4 x 7 (edge chunks in
 * both dimensions; 28 elements a chunk: one SSE2 block of 16 and 12 by
 * hand) are written by HDF5 under every pipeline of shuffle, deflate and
 * Fletcher-32, and read back by aligned blocks, unaligned blocks and fewer
 * columns: the fast reader must apply where promised (returns 1) and give
 * the bytes H5Dread gives (also blocks of columns, aligned or not to the
 * chunks); where it must not (unaligned rows, a chunk never
 * written, float32, another filter) it returns 0 and h5r_read_rows_f64
 * still gives H5Dread's bytes. Damaged chunks, planted with H5Dwrite_chunk
 * (a flipped byte under Fletcher-32, a wrong Adler-32, a wrong Fletcher-32,
 * bytes after the stream, a filter skipped by the mask, the old byte order
 * of the checksum), must be refused exactly when H5Dread refuses them, and
 * read the same when it reads them; a stream that inflates to half the
 * chunk, which H5Dread fills up with what its buffer held, is refused.
 * h5r_rows_stream (analysis/row_stream.h) must hand its function every
 * block in order, ending at multiples of the block's rows, with H5Dread's
 * cells: by chunks, by H5Dread (unaligned blocks, chunks never written,
 * scale-offset), stopped by the function, and stopped at a damaged chunk
 * with the block's rows reported.
 * Every case runs on 1 and 3 threads.
 */
#include <hdf5.h>

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "analysis/chunk_unfilter.h"
#include "analysis/h5_chunk_rows.h"
#include "analysis/h5_read.h"
#include "analysis/row_stream.h"
#include "recorder/chunk_checksum.h"
#include "tests/check.h"

#define ROWS 23
#define COLS 30
#define CH_ROWS 4
#define CH_COLS 7

enum { SHUFFLE = 1, DEFLATE = 2, FLETCHER = 4 };

static double value(int r, int c)
{
    if (r == 5 && c == 3)
        return NAN;
    if (r == 6 && c == 4)
        return -0.0;
    if (r == 7 && c == 5)
        return -INFINITY;
    /* varied bytes in every position, small runs for deflate */
    return (r * 1000 + c) * 1.0000001 + (c % 3) * 1e-9 - (r % 2) * 12345.678;
}

/* A chunked dataset of `type`, filters in the order HDF5 would apply them. */
static hid_t make_dataset(hid_t file, const char *name, int filters, hid_t type, int scaleoffset)
{
    hsize_t dims[2] = {ROWS, COLS}, max[2] = {H5S_UNLIMITED, COLS}, chunk[2] = {CH_ROWS, CH_COLS};
    hid_t space = H5Screate_simple(2, dims, max);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    double fill = NAN;
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill);
    if (scaleoffset)
        H5Pset_scaleoffset(dcpl, H5Z_SO_FLOAT_DSCALE, 3);
    if (filters & SHUFFLE)
        H5Pset_shuffle(dcpl);
    if (filters & DEFLATE)
        H5Pset_deflate(dcpl, 1);
    if (filters & FLETCHER)
        H5Pset_fletcher32(dcpl);
    hid_t ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    return ds;
}

/* Writes rows [0, rows) of value(). */
static void write_rows(hid_t ds, int rows)
{
    double *v = malloc(sizeof *v * ROWS * COLS);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < COLS; c++)
            v[r * COLS + c] = value(r, c);
    hsize_t start[2] = {0, 0}, count[2] = {(hsize_t)rows, COLS};
    hid_t fspace = H5Dget_space(ds), mspace = H5Screate_simple(2, count, NULL);
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    CHECK(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, v) >= 0);
    H5Sclose(mspace);
    H5Sclose(fspace);
    free(v);
}

/* HDF5's own read of rows [row, row + n), columns [col, col + ncols); -1
 * if it fails. */
static int oracle(hid_t ds, hsize_t row, hsize_t n, hsize_t col, hsize_t ncols, double *out)
{
    hsize_t start[2] = {row, col}, count[2] = {n, ncols};
    hid_t fspace = H5Dget_space(ds), mspace = H5Screate_simple(2, count, NULL);
    int rc = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
                     H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, out) >= 0
                 ? 0
                 : -1;
    H5Sclose(mspace);
    H5Sclose(fspace);
    return rc;
}

/* Columns [col, col + ncols) of rows [row, row + n): h5r_chunk_block_read
 * and h5r_read_block_f64 against H5Dread of the same hyperslab. Returns
 * what the fast reader returned. */
static int compare_block(hid_t ds, hsize_t row, hsize_t n, hsize_t col, hsize_t ncols, const char *what)
{
    size_t cells = (size_t)(n * ncols);
    double *want = malloc(cells * sizeof *want), *fast = malloc(cells * sizeof *fast), *got = malloc(cells * sizeof *got);
    int want_rc = oracle(ds, row, n, col, ncols, want);
    int fast_rc = h5r_chunk_block_read(ds, row, n, col, ncols, fast);
    int got_rc = h5r_read_block_f64(ds, row, n, col, ncols, got);
    CHECK_INT_EQ(want_rc, 0);
    CHECK_INT_EQ(got_rc, 0);
    if (want_rc == 0 && got_rc == 0 && memcmp(got, want, cells * sizeof *got) != 0) {
        fprintf(stderr, "  %s: h5r_read_block_f64 differs from H5Dread\n", what);
        CHECK(0);
    }
    if (fast_rc == 1 && memcmp(fast, want, cells * sizeof *fast) != 0) {
        fprintf(stderr, "  %s: fast block differs from H5Dread\n", what);
        CHECK(0);
    }
    free(want);
    free(fast);
    free(got);
    return fast_rc;
}

/* The fast read and h5r_read_rows_f64 against the oracle: same outcome,
 * same bytes. Returns what the fast reader returned. */
static int compare_read(hid_t ds, hsize_t row, hsize_t n, hsize_t cols, const char *what)
{
    size_t cells = (size_t)(n * cols);
    double *want = malloc(cells * sizeof *want), *fast = malloc(cells * sizeof *fast),
           *got = malloc(cells * sizeof *got);
    memset(fast, 0x5a, cells * sizeof *fast);
    int want_rc = oracle(ds, row, n, 0, cols, want);
    int fast_rc = h5r_chunk_rows_read(ds, row, n, cols, fast);
    int got_rc = h5r_read_rows_f64(ds, row, n, cols, got);
    if (got_rc != want_rc)
        fprintf(stderr, "  %s: h5r_read_rows_f64 %d, H5Dread %d\n", what, got_rc, want_rc);
    CHECK_INT_EQ(got_rc, want_rc);
    if (want_rc == 0) {
        CHECK(memcmp(got, want, cells * sizeof *got) == 0);
        CHECK(fast_rc != -1);
        if (fast_rc == 1 && memcmp(fast, want, cells * sizeof *fast) != 0) {
            fprintf(stderr, "  %s: fast read differs from H5Dread\n", what);
            CHECK(0);
        }
    } else {
        CHECK(fast_rc != 1); /* never a read where HDF5 finds damage */
    }
    free(want);
    free(fast);
    free(got);
    return fast_rc;
}

static const char *pipeline_name(int filters)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "%s%s%s", filters & SHUFFLE ? "shuffle " : "", filters & DEFLATE ? "deflate " : "",
             filters & FLETCHER ? "fletcher32" : "");
    return buf;
}

/* Every pipeline: aligned blocks read fast, the rest as H5Dread. */
static void test_pipelines(hid_t file)
{
    for (int filters = 0; filters < 8; filters++) {
        char name[32];
        snprintf(name, sizeof name, "p%d", filters);
        hid_t ds = make_dataset(file, name, filters, H5T_IEEE_F64LE, 0);
        write_rows(ds, ROWS);
        const char *what = pipeline_name(filters);
        CHECK_INT_EQ(h5r_chunk_rows_height(ds), CH_ROWS);
        CHECK_INT_EQ(compare_read(ds, 0, 8, COLS, what), 1);
        CHECK_INT_EQ(compare_read(ds, 8, 12, COLS, what), 1);
        CHECK_INT_EQ(compare_read(ds, 20, 3, COLS, what), 1);  /* to the end: a short last chunk row */
        CHECK_INT_EQ(compare_read(ds, 0, ROWS, 10, what), 1);  /* fewer columns: an edge inside a chunk */
        CHECK_INT_EQ(compare_read(ds, 1, 4, COLS, what), 0);   /* not on a chunk boundary */
        CHECK_INT_EQ(compare_read(ds, 4, 5, COLS, what), 0);   /* ends inside a chunk row */
        CHECK_INT_EQ(compare_block(ds, 0, ROWS, 7, 7, what), 1);   /* one column of chunks */
        CHECK_INT_EQ(compare_block(ds, 0, ROWS, 21, 9, what), 1);  /* the last, short one */
        CHECK_INT_EQ(compare_block(ds, 4, 8, 3, 16, what), 1);     /* columns inside chunks */
        CHECK_INT_EQ(compare_block(ds, 2, 8, 3, 16, what), 0);     /* rows not on a chunk boundary */
        H5Dclose(ds);
    }
}

/* A dataset whose filters come in another order than the recorder's:
 * `order` names them as they are added ('s' shuffle, 'd' deflate, 'f'
 * Fletcher-32). A stage between two filters is then larger than the chunk
 * (Fletcher-32's 4 bytes before a shuffle, deflate's output before one). */
static hid_t make_ordered(hid_t file, const char *name, const char *order, int dont_filter_partial)
{
    hsize_t dims[2] = {ROWS, COLS}, chunk[2] = {CH_ROWS, CH_COLS};
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    double fill = NAN;
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill);
    for (const char *c = order; *c; c++) {
        if (*c == 's')
            H5Pset_shuffle(dcpl);
        else if (*c == 'd')
            H5Pset_deflate(dcpl, 1);
        else if (*c == 'f')
            H5Pset_fletcher32(dcpl);
    }
    if (dont_filter_partial)
        H5Pset_chunk_opts(dcpl, H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS);
    hid_t ds = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    write_rows(ds, ROWS);
    return ds;
}

/* Filters in other orders: read fast, as H5Dread reads them (values that
 * do not compress, so deflate's output outgrows the chunk). */
static void test_orders(hid_t file)
{
    static const char *const orders[] = {"fs", "ds", "fsd", "dsf", "fd", "sfd"};
    for (size_t k = 0; k < sizeof orders / sizeof orders[0]; k++) {
        char name[32];
        snprintf(name, sizeof name, "order_%s", orders[k]);
        hid_t ds = make_ordered(file, name, orders[k], 0);
        CHECK_INT_EQ(compare_read(ds, 0, ROWS, COLS, name), 1);
        H5Dclose(ds);
    }
}

/* Where the reader does not apply, h5r_read_rows_f64 still reads. */
static void test_not_applicable(hid_t file)
{
    hid_t ds = make_dataset(file, "partial", SHUFFLE | DEFLATE | FLETCHER, H5T_IEEE_F64LE, 0);
    write_rows(ds, 12);
    CHECK_INT_EQ(compare_read(ds, 0, 12, COLS, "partial, written rows"), 1);
    CHECK_INT_EQ(compare_read(ds, 12, 11, COLS, "partial, never written"), 0);
    H5Dclose(ds);

    ds = make_dataset(file, "float32", SHUFFLE | DEFLATE | FLETCHER, H5T_IEEE_F32LE, 0);
    write_rows(ds, ROWS);
    CHECK_INT_EQ(h5r_chunk_rows_height(ds), 1);
    CHECK_INT_EQ(compare_read(ds, 0, 8, COLS, "float32"), 0);
    H5Dclose(ds);

    ds = make_dataset(file, "scaleoffset", 0, H5T_IEEE_F64LE, 1);
    write_rows(ds, ROWS);
    CHECK_INT_EQ(compare_read(ds, 0, 8, COLS, "scale-offset"), 0);
    H5Dclose(ds);

    /* partial edge chunks stored unfiltered, with no mask saying so */
    ds = make_ordered(file, "dont_filter_partial", "sdf", 1);
    CHECK_INT_EQ(compare_read(ds, 0, ROWS, COLS, "partial chunks unfiltered"), 0);
    H5Dclose(ds);
}

/* The stored bytes of chunk (row, col) and its mask; NULL if unreadable. */
static unsigned char *stored_chunk(hid_t ds, hsize_t row, hsize_t col, size_t *len, uint32_t *mask)
{
    hsize_t offset[2] = {row, col}, size = 0;
    if (H5Dget_chunk_storage_size(ds, offset, &size) < 0 || size == 0)
        return NULL;
    unsigned char *raw = malloc((size_t)size + 16);
    if (H5Dread_chunk(ds, H5P_DEFAULT, offset, mask, raw) < 0) {
        free(raw);
        return NULL;
    }
    *len = (size_t)size;
    return raw;
}

static void put_chunk(hid_t ds, hsize_t row, hsize_t col, const unsigned char *raw, size_t len, uint32_t mask)
{
    hsize_t offset[2] = {row, col};
    CHECK(H5Dwrite_chunk(ds, H5P_DEFAULT, mask, offset, len, raw) >= 0);
}

/* value() of chunk (row, col), shuffled as HDF5's filter does. */
static void shuffled_chunk(hsize_t row, hsize_t col, unsigned char *out)
{
    double cells[CH_ROWS * CH_COLS];
    for (int r = 0; r < CH_ROWS; r++)
        for (int c = 0; c < CH_COLS; c++)
            cells[r * CH_COLS + c] = (int)row + r < ROWS && (int)col + c < COLS ? value((int)row + r, (int)col + c) : NAN;
    const unsigned char *b = (const unsigned char *)cells;
    size_t n = CH_ROWS * CH_COLS;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < 8; j++)
            out[j * n + i] = b[i * 8 + j];
}

static void le32_put(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* A dataset of value() under `filters` whose chunk (row, col) has one
 * stored byte flipped by `bit`: the from_end-th from its end, or its middle
 * byte when from_end is 0. */
static void plant_flipped(hid_t file, const char *name, int filters, hsize_t row, hsize_t col, size_t from_end,
                          unsigned bit)
{
    hid_t ds = make_dataset(file, name, filters, H5T_IEEE_F64LE, 0);
    write_rows(ds, ROWS);
    size_t len = 0;
    uint32_t mask = 0;
    unsigned char *raw = stored_chunk(ds, row, col, &len, &mask);
    CHECK(raw != NULL && len > 8);
    if (raw) {
        raw[from_end ? len - from_end : len / 2] ^= (unsigned char)bit;
        put_chunk(ds, row, col, raw, len, mask);
    }
    free(raw);
    H5Dclose(ds);
}

/* Plants damaged and unusual chunks in a new file at path (closed after:
 * HDF5 1.10.8 reads a chunk written by H5Dwrite_chunk with a filter mask
 * through every filter until the file is opened again). */
static void plant(const char *path)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    plant_flipped(file, "flip", SHUFFLE | DEFLATE | FLETCHER, 4, 7, 0, 0x10); /* under Fletcher-32 */
    plant_flipped(file, "adler", SHUFFLE | DEFLATE, 8, 14, 1, 0x01);          /* the Adler-32, no Fletcher-32 */
    size_t len = 0;
    uint32_t mask = 0;

    /* bytes after the zlib stream */
    hid_t ds = make_dataset(file, "trailing", SHUFFLE | DEFLATE, H5T_IEEE_F64LE, 0);
    write_rows(ds, ROWS);
    unsigned char *raw = stored_chunk(ds, 0, 0, &len, &mask);
    CHECK(raw != NULL);
    if (raw) {
        memcpy(raw + len, "\x01\x02\x03", 3);
        put_chunk(ds, 0, 0, raw, len + 3, mask);
    }
    free(raw);
    H5Dclose(ds);

    /* a stream of half the chunk's bytes */
    ds = make_dataset(file, "short", SHUFFLE | DEFLATE, H5T_IEEE_F64LE, 0);
    write_rows(ds, ROWS);
    unsigned char half[CH_ROWS * CH_COLS * 4], packed[1024];
    memset(half, 7, sizeof half);
    uLongf packed_len = sizeof packed;
    CHECK(compress2(packed, &packed_len, half, sizeof half, 1) == Z_OK);
    put_chunk(ds, 0, 0, packed, packed_len, 0);
    H5Dclose(ds);

    /* deflate skipped (mask bit 1): shuffled bytes and their Fletcher-32,
     * in three datasets: right, its halves byte-swapped (HDF5 < 1.6.3), wrong */
    unsigned char plain[CH_ROWS * CH_COLS * 8 + 4];
    shuffled_chunk(4, 21, plain);
    uint32_t sum = rec_chunk_fletcher32(plain, CH_ROWS * CH_COLS * 8);
    const uint32_t sums[3] = {sum, (sum & 0x00ff00ffu) << 8 | (sum & 0xff00ff00u) >> 8, sum ^ 0x00010000u};
    const char *names[3] = {"skipped", "swapped", "wrongsum"};
    for (int k = 0; k < 3; k++) {
        ds = make_dataset(file, names[k], SHUFFLE | DEFLATE | FLETCHER, H5T_IEEE_F64LE, 0);
        write_rows(ds, ROWS);
        le32_put(plain + CH_ROWS * CH_COLS * 8, sums[k]);
        put_chunk(ds, 4, 21, plain, sizeof plain, 1u << 1);
        H5Dclose(ds);
    }
    /* deflate with level 10, which HDF5's filter refuses on read */
    hsize_t dims[2] = {ROWS, COLS}, chunk[2] = {CH_ROWS, CH_COLS};
    hid_t space = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    const unsigned level10 = 10;
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_filter(dcpl, H5Z_FILTER_DEFLATE, H5Z_FLAG_OPTIONAL, 1, &level10);
    ds = H5Dcreate2(file, "level10", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    double cells[CH_ROWS * CH_COLS];
    for (int k = 0; k < CH_ROWS * CH_COLS; k++)
        cells[k] = value(k / CH_COLS, k % CH_COLS);
    packed_len = sizeof packed;
    CHECK(compress2(packed, &packed_len, (const unsigned char *)cells, sizeof cells, 1) == Z_OK);
    for (hsize_t r = 0; r < ROWS; r += CH_ROWS)
        for (hsize_t c = 0; c < COLS; c += CH_COLS)
            put_chunk(ds, r, c, packed, packed_len, 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
}

/* The planted file, read: the reader agrees with H5Dread on each. */
static void test_planted(const char *path)
{
    /* dataset, first row of 4 read, what the fast reader returns */
    static const struct {
        const char *name, *what;
        hsize_t row;
        int want;
    } cases[] = {
        {"flip", "flipped byte", 4, -1},
        {"flip", "the rows before it", 0, 1},
        {"adler", "wrong Adler-32", 8, -1},
        {"trailing", "trailing bytes", 0, 1},
        {"skipped", "deflate skipped", 4, 1},
        {"swapped", "old byte order of the checksum", 4, 1},
        {"wrongsum", "wrong checksum", 4, -1},
        {"level10", "deflate level 10", 0, 0},
    };
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        hid_t ds = H5Dopen2(file, cases[k].name, H5P_DEFAULT);
        if (compare_read(ds, cases[k].row, 4, COLS, cases[k].what) != cases[k].want) {
            fprintf(stderr, "  %s: not %d\n", cases[k].what, cases[k].want);
            CHECK(0);
        }
        H5Dclose(ds);
    }
    /* HDF5 1.10.8 reads this chunk: its first half, then whatever its
     * buffer held (seen: 6.9e-310, 1.8e-321, 0). The reader refuses it. */
    hid_t ds = H5Dopen2(file, "short", H5P_DEFAULT);
    double cells[4 * COLS];
    CHECK_INT_EQ(h5r_chunk_rows_read(ds, 0, 4, COLS, cells), -1);
    CHECK_INT_EQ(h5r_read_rows_f64(ds, 0, 4, COLS, cells), -1);
    H5Dclose(ds);
    H5Fclose(file);
}

/* What a stream handed its function. */
typedef struct stream_seen {
    double cells[ROWS * COLS];
    hsize_t next, block_rows;
    int calls, stop_at, ordered;
} stream_seen;

static int see_block(void *arg, hsize_t start, hsize_t nrows, const double *cells)
{
    stream_seen *s = arg;
    hsize_t stop = start + nrows;
    /* in order, each block ending at a multiple of block_rows or the end */
    if (start != s->next || nrows == 0 || stop > ROWS || (stop % s->block_rows != 0 && stop != ROWS))
        s->ordered = 0;
    else
        memcpy(s->cells + start * COLS, cells, (size_t)nrows * COLS * sizeof *cells);
    s->next = stop;
    s->calls++;
    return s->calls == s->stop_at ? 7 : 0;
}

/* Rows [first, ROWS) streamed in blocks of block_rows: `calls` blocks (by
 * hand), in order, H5Dread's cells. */
static void compare_stream(hid_t ds, hsize_t first, hsize_t block_rows, int calls, const char *what)
{
    stream_seen s = {.next = first, .block_rows = block_rows, .ordered = 1};
    double want[ROWS * COLS];
    hsize_t bad[2];
    CHECK_INT_EQ(oracle(ds, first, ROWS - first, 0, COLS, want), 0);
    CHECK_INT_EQ(h5r_rows_stream(ds, first, ROWS, COLS, block_rows, see_block, &s, bad), 0);
    CHECK(s.ordered);
    CHECK_INT_EQ(s.next, ROWS);
    CHECK_INT_EQ(s.calls, calls);
    if (memcmp(s.cells + first * COLS, want, (size_t)(ROWS - first) * COLS * sizeof *want) != 0) {
        fprintf(stderr, "  %s: streamed cells differ from H5Dread\n", what);
        CHECK(0);
    }
}

static void test_stream(hid_t file)
{
    hid_t ds = H5Dopen2(file, "p7", H5P_DEFAULT); /* shuffle, deflate, Fletcher-32 */
    compare_stream(ds, 0, 8, 3, "blocks of 8");          /* [0,8) [8,16) [16,23) */
    compare_stream(ds, 5, 4, 5, "from row 5");           /* [5,8) by H5Dread, then by chunks */
    compare_stream(ds, 0, 3, 8, "blocks of 3");          /* off the chunks: H5Dread */
    compare_stream(ds, 0, 100, 1, "one block");          /* as large as the series */
    compare_stream(ds, 5, 100, 1, "from row 5, one block"); /* [5,23): its end, not a cut at 18 */
    /* the function stops the stream with its value */
    stream_seen s = {.next = 0, .block_rows = 4, .ordered = 1, .stop_at = 2};
    hsize_t bad[2];
    CHECK_INT_EQ(h5r_rows_stream(ds, 0, ROWS, COLS, 4, see_block, &s, bad), 7);
    CHECK_INT_EQ(s.calls, 2);
    H5Dclose(ds);
    ds = H5Dopen2(file, "partial", H5P_DEFAULT); /* rows 12.. never written */
    /* HDF5's failed chunk lookups stay quiet (h5r_quiet holds for the
     * calling thread only: a lookup on another thread printed its stack) */
    char err_path[] = "/tmp/vdcsim-stream-stderr-XXXXXX";
    int err_fd = mkstemp(err_path), saved = dup(2);
    fflush(stderr);
    CHECK(err_fd >= 0 && saved >= 0 && dup2(err_fd, 2) == 2);
    compare_stream(ds, 0, 4, 6, "chunks never written");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    off_t printed = lseek(err_fd, 0, SEEK_END);
    CHECK_INT_EQ(printed, 0);
    close(err_fd);
    unlink(err_path);
    H5Dclose(ds);
    ds = H5Dopen2(file, "scaleoffset", H5P_DEFAULT);
    compare_stream(ds, 0, 8, 3, "scale-offset");
    H5Dclose(ds);
}

/* A damaged chunk (rows 4..8 of "flip") stops the stream at its block. */
static void test_stream_damaged(const char *path)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(file, "flip", H5P_DEFAULT);
    for (hsize_t block = 4; block <= 8; block += 4) {
        stream_seen s = {.next = 0, .block_rows = block, .ordered = 1};
        hsize_t bad[2] = {0, 0};
        CHECK_INT_EQ(h5r_rows_stream(ds, 0, ROWS, COLS, block, see_block, &s, bad), -1);
        CHECK_INT_EQ(bad[0], 8 - block); /* [4,8) or [0,8) */
        CHECK_INT_EQ(bad[1], block);
        CHECK_INT_EQ(s.calls, block == 4 ? 1 : 0); /* only the blocks before it */
    }
    H5Dclose(ds);
    H5Fclose(file);
}

/* chunk_unfilter on its own: refusals H5Dread cannot be made to show. */
static void test_unfilter(void)
{
    const size_t bytes = CH_ROWS * CH_COLS * 8;
    chunk_pipeline p = {.n = 2, .id = {2, 1}, .elem_size = 8}; /* shuffle, deflate */
    CHECK(chunk_pipeline_supported(&p));
    chunk_pipeline other = {.n = 1, .id = {32001}, .elem_size = 8}; /* a plugin's id */
    CHECK(!chunk_pipeline_supported(&other));
    chunk_unfilterer *u = chunk_unfilterer_new(bytes);
    CHECK(u != NULL);
    unsigned char shuffled[CH_ROWS * CH_COLS * 8], packed[2048];
    shuffled_chunk(0, 0, shuffled);
    uLongf packed_len = sizeof packed;
    CHECK(compress2(packed, &packed_len, shuffled, bytes, 6) == Z_OK);
    const char *why = NULL;
    const unsigned char *cells = NULL;
    CHECK_INT_EQ(chunk_unfilter(u, &p, 0, packed, packed_len, &cells, &why), 1);
    CHECK(cells && memcmp(cells, &(double){value(0, 0)}, 8) == 0);
    CHECK(cells && memcmp(cells + 8 * (CH_COLS + 1), &(double){value(1, 1)}, 8) == 0);
    /* the preset-dictionary flag: HDF5's inflate has no dictionary to give */
    unsigned char dict[sizeof packed];
    memcpy(dict, packed, packed_len);
    dict[1] = (unsigned char)((dict[1] | 0x20) & ~0x1f);
    dict[1] = (unsigned char)(dict[1] + (31 - ((unsigned)dict[0] << 8 | dict[1]) % 31) % 31);
    CHECK_INT_EQ(chunk_unfilter(u, &p, 0, dict, packed_len, &cells, &why), -1);
    CHECK_STR_CONTAINS(why, "zlib header");
    /* a stream of more than the reader's buffers hold: beyond it (H5Dread decides) */
    unsigned char big[CH_ROWS * CH_COLS * 8 * 2];
    memset(big, 1, sizeof big);
    packed_len = sizeof packed;
    CHECK(compress2(packed, &packed_len, big, sizeof big, 6) == Z_OK);
    CHECK_INT_EQ(chunk_unfilter(u, &p, 0, packed, packed_len, &cells, &why), 0);
    CHECK_STR_CONTAINS(why, "more than this reader holds");
    /* a stream of the chunk and 4 bytes (Fletcher-32 inside deflate) inflates,
     * then is not the chunk's size without that filter */
    unsigned char plus4[CH_ROWS * CH_COLS * 8 + 4];
    memcpy(plus4, shuffled, bytes);
    memset(plus4 + bytes, 9, 4);
    packed_len = sizeof packed;
    CHECK(compress2(packed, &packed_len, plus4, sizeof plus4, 6) == Z_OK);
    chunk_pipeline d = {.n = 1, .id = {1}, .elem_size = 8};
    CHECK_INT_EQ(chunk_unfilter(u, &d, 0, packed, packed_len, &cells, &why), -1);
    CHECK_STR_CONTAINS(why, "chunk's size");
    /* cut short */
    CHECK_INT_EQ(chunk_unfilter(u, &p, 0, packed, packed_len / 2, &cells, &why), -1);
    /* Fletcher-32 on fewer than 4 bytes */
    chunk_pipeline f = {.n = 1, .id = {3}, .elem_size = 8};
    CHECK_INT_EQ(chunk_unfilter(u, &f, 0, packed, 3, &cells, &why), -1);
    CHECK_STR_CONTAINS(why, "shorter than its Fletcher-32");
    /* no filter applies: the stored bytes are the chunk, of its size only */
    CHECK_INT_EQ(chunk_unfilter(u, &f, 1u, shuffled, bytes, &cells, &why), 1);
    CHECK(cells == shuffled);
    CHECK_INT_EQ(chunk_unfilter(u, &f, 1u, shuffled, bytes - 8, &cells, &why), -1);
    CHECK(chunk_stored_max(bytes) > bytes);
    CHECK_INT_EQ(chunk_stored_max(SIZE_MAX), 0);
    chunk_unfilterer_free(u);
}

int main(void)
{
    char dir[] = "/tmp/vdcsim-chunk-rows-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[256], planted[256];
    snprintf(path, sizeof path, "%s/rows.h5", dir);
    snprintf(planted, sizeof planted, "%s/planted.h5", dir);
    h5r_quiet q;
    h5r_quiet_begin(&q);
    test_unfilter();
    plant(planted);
    for (int threads = 1; threads <= 3; threads += 2) {
        omp_set_num_threads(threads);
        hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        CHECK(file >= 0);
        test_pipelines(file);
        test_not_applicable(file);
        test_orders(file);
        test_stream(file);
        H5Fclose(file);
        unlink(path);
        test_planted(planted);
        test_stream_damaged(planted);
    }
    unlink(planted);
    h5r_quiet_end(&q);
    rmdir(dir);
    return CHECK_DONE();
}
