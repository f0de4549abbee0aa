/* rec_chunk.c - writes one whole float64 series chunk straight to the file,
 * filtered here exactly as HDF5's own pipeline would (shuffle, deflate at
 * REC_DEFLATE_LEVEL, Fletcher-32), with H5Dwrite_chunk.
 *
 * Why (issue 18): through H5Dwrite every chunk costs a hyperslab gather, a
 * malloc per filter and a fresh zlib stream (compress2: about 270 KiB
 * allocated and its hash table cleared per 32 KiB chunk); here one stream
 * and three buffers serve every chunk of the run. Readers see the standard
 * filters declared by rec_h5_dataset_new and read the same values; the
 * stored chunks inflate to the bytes HDF5's pipeline stores and carry a
 * valid Fletcher-32 (tests/test_rec_chunk.c checks both with H5Dread_chunk).
 *
 * The filters, as HDF5 1.10 implements them (H5Zshuffle.c, H5Zdeflate.c,
 * H5Zfletcher32.c):
 *   shuffle    byte j of element i goes to j * n_elements + i;
 *   deflate    one zlib stream (compress2: windowBits 15, memLevel 8),
 *              the whole chunk with Z_FINISH; a wide group's chunk with
 *              REC_DEFLATE_WIDE_STRATEGY (measured, rec_internal.h), which
 *              only changes the compressed bytes: every inflate reads them;
 *   fletcher32 H5_checksum_fletcher32 of the deflated bytes, appended as a
 *              little-endian uint32.
 * Only for a little-endian host (the file's float64 is IEEE little-endian):
 * elsewhere rec_chunk_native returns 0 and the caller uses H5Dwrite.
 *
 * Filtering (rec_chunk_pack) touches only memory and the given chunker, so
 * every engine thread may pack chunks at once, each with its own chunker
 * (issue 18 item 3, rec_series.c); the writing (rec_chunk_store) is serial.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "recorder/rec_internal.h"

struct rec_chunker {
    z_stream z[2]; /* [0] default strategy, [1] REC_DEFLATE_WIDE_STRATEGY */
    int z_ready[2];
    unsigned char *shuffled; /* cap bytes */
    double *padded;          /* cap bytes: a clipped chunk NaN-padded to its full shape */
    size_t cap;
};

static int rec_host_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

/* H5_checksum_fletcher32: 16-bit words read big-endian, sums folded every
 * 360 words so they never overflow. */
uint32_t rec_chunk_fletcher32(const unsigned char *data, size_t len)
{
    size_t words = len / 2;
    uint32_t sum1 = 0, sum2 = 0;
    while (words > 0) {
        size_t n = words > 360 ? 360 : words;
        words -= n;
        do {
            sum1 += (uint32_t)((uint32_t)data[0] << 8 | data[1]);
            data += 2;
            sum2 += sum1;
        } while (--n);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    if (len % 2) {
        sum1 += (uint32_t)data[0] << 8;
        sum2 += sum1;
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return sum2 << 16 | sum1;
}

/* Byte j of cell i to out[j * n + i]: eight output streams written in
 * step, one 8-byte load per cell (little-endian: byte j is bits 8j..8j+7). */
static void rec_chunk_shuffle(unsigned char *restrict out, const double *restrict cells, size_t n)
{
    unsigned char *restrict s0 = out, *restrict s1 = out + n, *restrict s2 = out + 2 * n,
                            *restrict s3 = out + 3 * n, *restrict s4 = out + 4 * n, *restrict s5 = out + 5 * n,
                            *restrict s6 = out + 6 * n, *restrict s7 = out + 7 * n;
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        memcpy(&v, &cells[i], sizeof v);
        s0[i] = (unsigned char)v;
        s1[i] = (unsigned char)(v >> 8);
        s2[i] = (unsigned char)(v >> 16);
        s3[i] = (unsigned char)(v >> 24);
        s4[i] = (unsigned char)(v >> 32);
        s5[i] = (unsigned char)(v >> 40);
        s6[i] = (unsigned char)(v >> 48);
        s7[i] = (unsigned char)(v >> 56);
    }
}

int rec_chunk_native(void) { return rec_host_little_endian(); }

rec_chunker *rec_chunker_new(void) { return calloc(1, sizeof(rec_chunker)); }

static int rec_chunker_reserve(rec_chunker *c, int wide, size_t bytes)
{
    if (!c->z_ready[wide]) {
        memset(&c->z[wide], 0, sizeof c->z[wide]);
        if (deflateInit2(&c->z[wide], REC_DEFLATE_LEVEL, Z_DEFLATED, 15, 8,
                         wide ? REC_DEFLATE_WIDE_STRATEGY : Z_DEFAULT_STRATEGY) != Z_OK)
            return -1;
        c->z_ready[wide] = 1;
    }
    if (bytes > c->cap) {
        unsigned char *shuffled = realloc(c->shuffled, bytes);
        if (shuffled == NULL)
            return -1;
        c->shuffled = shuffled;
        double *padded = realloc(c->padded, bytes);
        if (padded == NULL)
            return -1;
        c->padded = padded;
        c->cap = bytes;
    }
    return 0;
}

/* Deflates c->shuffled[0..bytes) and appends the Fletcher-32 into a new
 * buffer *out of *out_len bytes. 0 or -1. */
static int rec_chunk_deflate(rec_chunker *c, int wide, size_t bytes, unsigned char **out, size_t *out_len)
{
    size_t bound = compressBound((uLong)bytes) + 4; /* stored blocks at worst, any strategy */
    unsigned char *buf = malloc(bound);
    if (buf == NULL)
        return -1;
    z_stream *z = &c->z[wide != 0];
    if (deflateReset(z) != Z_OK) {
        free(buf);
        return -1;
    }
    z->next_in = c->shuffled;
    z->avail_in = (uInt)bytes;
    z->next_out = buf;
    z->avail_out = (uInt)(bound - 4);
    if (deflate(z, Z_FINISH) != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    size_t packed = (size_t)z->total_out;

    uint32_t sum = rec_chunk_fletcher32(buf, packed);
    for (int k = 0; k < 4; k++)
        buf[packed + (size_t)k] = (unsigned char)(sum >> (8 * k));
    unsigned char *fit = realloc(buf, packed + 4); /* shrinks in place: the bound was a guess */
    *out = fit != NULL ? fit : buf;
    *out_len = packed + 4;
    return 0;
}

int rec_chunk_pack(rec_chunker *c, const double *cells, int64_t rows, int cols, int chunk_rows, int chunk_cols,
                   int wide, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (rows < 0 || rows > chunk_rows || cols < 1 || cols > chunk_cols || chunk_rows < 1 ||
        (size_t)chunk_cols > SIZE_MAX / sizeof(double) / (size_t)chunk_rows)
        return -1;
    size_t n_cells = (size_t)chunk_rows * (size_t)chunk_cols;
    size_t bytes = n_cells * sizeof(double);
    if (bytes > (size_t)UINT32_MAX || rec_chunker_reserve(c, wide != 0, bytes) < 0)
        return -1;
    if (rows < chunk_rows || cols < chunk_cols) {
        /* The chunk whole: cells past the clipped rows or past the last
         * entity are NaN, as HDF5 fills a chunk before a partial write. */
        for (size_t i = 0; i < n_cells; i++)
            c->padded[i] = NAN;
        for (int64_t row = 0; row < rows; row++)
            memcpy(c->padded + row * chunk_cols, cells + row * cols, (size_t)cols * sizeof *cells);
        cells = c->padded;
    }
    rec_chunk_shuffle(c->shuffled, cells, n_cells);
    return rec_chunk_deflate(c, wide, bytes, out, out_len);
}

/* Byte j of element i to out[j * n + i], any element size (H5Zshuffle.c). */
static void rec_chunk_shuffle_elems(unsigned char *restrict out, const unsigned char *restrict elems, size_t n,
                                    size_t elem_size)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < elem_size; j++)
            out[j * n + i] = elems[i * elem_size + j];
}

int rec_chunk_pack_elems(rec_chunker *c, const unsigned char *elems, size_t n_elems, size_t elem_size,
                         unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (elem_size == 0 || n_elems > (size_t)UINT32_MAX / elem_size)
        return -1;
    size_t bytes = n_elems * elem_size;
    if (rec_chunker_reserve(c, 0, bytes) < 0)
        return -1;
    rec_chunk_shuffle_elems(c->shuffled, elems, n_elems, elem_size);
    return rec_chunk_deflate(c, 0, bytes, out, out_len);
}

int rec_chunk_store(hid_t dataset, int64_t row, int col, const unsigned char *bytes, size_t len)
{
    hsize_t offset[2] = {(hsize_t)row, (hsize_t)col}; /* a 1-D dataset reads offset[0] only */
    return H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, offset, len, bytes) < 0 ? -1 : 0;
}

void rec_chunker_free(rec_chunker *c)
{
    if (c == NULL)
        return;
    for (int k = 0; k < 2; k++)
        if (c->z_ready[k])
            deflateEnd(&c->z[k]);
    free(c->shuffled);
    free(c->padded);
    free(c);
}
