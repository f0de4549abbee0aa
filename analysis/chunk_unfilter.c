/* chunk_unfilter.c - one HDF5 chunk's filters undone (see chunk_unfilter.h).
 *
 * The three filters are undone as HDF5 1.10's H5Zfletcher32.c,
 * H5Zdeflate.c and H5Zshuffle.c do on read. The deflate stream is inflated
 * raw (windowBits -15) after its header is checked, and its Adler-32 is
 * checked here with the recorder's SSE2 sum: zlib 1.2's adler32 is byte by
 * byte, a tenth of `vdcsim summary`'s time on a 30-day file.
 */
#include "analysis/chunk_unfilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <zlib.h>

#include "recorder/chunk_checksum.h"

/* HDF5's filter ids (H5Zpublic.h), kept here so this file needs no HDF5. */
enum { FILTER_DEFLATE = 1, FILTER_SHUFFLE = 2, FILTER_FLETCHER32 = 3 };

struct chunk_unfilterer {
    size_t chunk_bytes;
    size_t buf_cap; /* chunk_stored_max: a stage between two filters may exceed the chunk */
    unsigned char *buf[2];
    z_stream z;
    int z_ready; /* inflateInit2 succeeded */
};

int chunk_pipeline_supported(const chunk_pipeline *p)
{
    if (p->n < 0 || p->n > CHUNK_MAX_FILTERS)
        return 0;
    for (int i = 0; i < p->n; i++) {
        if (p->id[i] != FILTER_DEFLATE && p->id[i] != FILTER_SHUFFLE && p->id[i] != FILTER_FLETCHER32)
            return 0;
        if (p->id[i] == FILTER_SHUFFLE && p->elem_size == 0)
            return 0;
    }
    return 1;
}

size_t chunk_stored_max(size_t chunk_bytes)
{
    /* compressBound: n + n/4096 + n/16384 + n/33554432 + 13, plus the
     * checksum; a generous n/8 + 64 covers it and stays simple */
    if (chunk_bytes > (SIZE_MAX - 64) / 9 * 8)
        return 0;
    return chunk_bytes + chunk_bytes / 8 + 64;
}

chunk_unfilterer *chunk_unfilterer_new(size_t chunk_bytes)
{
    chunk_unfilterer *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    u->chunk_bytes = chunk_bytes;
    u->buf_cap = chunk_stored_max(chunk_bytes);
    u->buf[0] = u->buf_cap ? malloc(u->buf_cap) : NULL;
    u->buf[1] = u->buf_cap ? malloc(u->buf_cap) : NULL;
    u->z_ready = inflateInit2(&u->z, -15) == Z_OK;
    if (!u->buf[0] || !u->buf[1] || !u->z_ready) {
        chunk_unfilterer_free(u);
        return NULL;
    }
    return u;
}

void chunk_unfilterer_free(chunk_unfilterer *u)
{
    if (!u)
        return;
    if (u->z_ready)
        inflateEnd(&u->z);
    free(u->buf[0]);
    free(u->buf[1]);
    free(u);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Checks and drops the checksum at the end of data[0..*len). */
static int undo_fletcher32(const unsigned char *data, size_t *len, const char **why)
{
    if (*len < 4) {
        *why = "shorter than its Fletcher-32 checksum";
        return -1;
    }
    *len -= 4;
    uint32_t stored = le32(data + *len), sum = rec_chunk_fletcher32(data, *len);
    /* HDF5 < 1.6.3 swapped the bytes of each 16-bit half on little-endian
     * hosts; H5Zfletcher32.c accepts that form too */
    uint32_t swapped = (sum & 0x00ff00ffu) << 8 | (sum & 0xff00ff00u) >> 8;
    if (stored != sum && stored != swapped) {
        *why = "fails its Fletcher-32 checksum";
        return -1;
    }
    return 0;
}

/* Inflates the zlib stream in[0..len) into out (room for cap bytes): 1,
 * 0 when it inflates to more than cap (H5Dread decides), -1 damaged. */
static int undo_deflate(chunk_unfilterer *u, const unsigned char *in, size_t len, unsigned char *out, size_t cap,
                        size_t *out_len, const char **why)
{
    /* RFC 1950: CM 8 (deflate), CINFO <= 7, FCHECK, no FDICT (HDF5's
     * inflate has no dictionary to give) */
    if (len < 2 || (in[0] & 0x0f) != 8 || (in[0] >> 4) > 7 || ((unsigned)in[0] << 8 | in[1]) % 31 != 0 ||
        (in[1] & 0x20)) {
        *why = "has no valid zlib header";
        return -1;
    }
    if (len - 2 > UINT32_MAX || cap > UINT32_MAX) {
        *why = "is too large to inflate here";
        return 0;
    }
    if (inflateReset(&u->z) != Z_OK) {
        *why = "cannot be inflated (zlib state)";
        return -1;
    }
    u->z.next_in = (unsigned char *)(uintptr_t)(in + 2); /* zlib's API is not const */
    u->z.avail_in = (uInt)(len - 2);
    u->z.next_out = out;
    u->z.avail_out = (uInt)cap;
    int rc = inflate(&u->z, Z_FINISH);
    if (rc == Z_BUF_ERROR && u->z.avail_out == 0) {
        *why = "inflates to more than this reader holds";
        return 0;
    }
    if (rc != Z_STREAM_END) {
        *why = "is not a complete deflate stream";
        return -1;
    }
    *out_len = cap - u->z.avail_out;
    if (u->z.avail_in < 4) {
        *why = "has no Adler-32 after its deflate stream";
        return -1;
    }
    const unsigned char *trailer = in + 2 + (len - 2 - u->z.avail_in);
    if (be32(trailer) != rec_chunk_adler32(1, out, *out_len)) {
        *why = "fails its zlib Adler-32 checksum";
        return -1;
    }
    return 1;
}

#if defined(__SSE2__)
/* Elements [0, n - n % 16) of 8 bytes: 16 elements at a time, their 8
 * planes' 16 bytes transposed by unpacking bytes, then 16-, 32-bit pairs. */
static size_t unshuffle8_vectors(const unsigned char *in, size_t n, unsigned char *out)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i p[8];
        for (int j = 0; j < 8; j++)
            p[j] = _mm_loadu_si128((const __m128i *)(const void *)(in + (size_t)j * n + i));
        __m128i a[8], b[8];
        for (int j = 0; j < 4; j++) { /* bytes 2j, 2j+1 of elements 0-7 and 8-15 */
            a[2 * j] = _mm_unpacklo_epi8(p[2 * j], p[2 * j + 1]);
            a[2 * j + 1] = _mm_unpackhi_epi8(p[2 * j], p[2 * j + 1]);
        }
        for (int h = 0; h < 2; h++) { /* bytes 4h..4h+3 of elements 0-3, 4-7, 8-11, 12-15 */
            b[4 * h + 0] = _mm_unpacklo_epi16(a[4 * h], a[4 * h + 2]);
            b[4 * h + 1] = _mm_unpackhi_epi16(a[4 * h], a[4 * h + 2]);
            b[4 * h + 2] = _mm_unpacklo_epi16(a[4 * h + 1], a[4 * h + 3]);
            b[4 * h + 3] = _mm_unpackhi_epi16(a[4 * h + 1], a[4 * h + 3]);
        }
        __m128i *dst = (__m128i *)(void *)(out + i * 8);
        for (int q = 0; q < 4; q++) { /* whole elements 4q..4q+3 */
            _mm_storeu_si128(dst + 2 * q, _mm_unpacklo_epi32(b[q], b[4 + q]));
            _mm_storeu_si128(dst + 2 * q + 1, _mm_unpackhi_epi32(b[q], b[4 + q]));
        }
    }
    return i;
}
#endif

/* HDF5's unshuffle of in[0..len) into out: n = len / elem elements. */
static void undo_shuffle(const unsigned char *in, size_t len, size_t elem, unsigned char *out)
{
    size_t n = len / elem;
    if (n <= 1 || elem == 1) { /* H5Zshuffle.c leaves these as they are */
        memcpy(out, in, len);
        return;
    }
    size_t first = 0;
#if defined(__SSE2__)
    if (elem == 8)
        first = unshuffle8_vectors(in, n, out);
#endif
    for (size_t j = 0; j < elem; j++) {
        const unsigned char *plane = in + j * n;
        for (size_t i = first; i < n; i++)
            out[i * elem + j] = plane[i];
    }
    memcpy(out + n * elem, in + n * elem, len - n * elem);
}

int chunk_unfilter(chunk_unfilterer *u, const chunk_pipeline *p, unsigned skipped, const unsigned char *raw,
                   size_t raw_len, const unsigned char **cells, const char **why)
{
    const unsigned char *cur = raw;
    size_t len = raw_len;
    int next = 0; /* the buffer the next filter writes to */
    *cells = NULL;
    for (int i = p->n - 1; i >= 0; i--) {
        if (skipped & (1u << i))
            continue;
        unsigned char *dst = u->buf[next];
        if (p->id[i] == FILTER_FLETCHER32) {
            if (undo_fletcher32(cur, &len, why) != 0)
                return -1;
            continue; /* in place: only the length shrinks */
        }
        if (p->id[i] == FILTER_DEFLATE) {
            int rc = undo_deflate(u, cur, len, dst, u->buf_cap, &len, why);
            if (rc != 1)
                return rc;
        } else if (p->id[i] == FILTER_SHUFFLE) {
            if (len > u->buf_cap) {
                *why = "is larger than this reader holds before its shuffle is undone";
                return 0;
            }
            undo_shuffle(cur, len, p->elem_size, dst);
        } else {
            *why = "has a filter this reader does not undo";
            return 0;
        }
        cur = dst;
        next ^= 1;
    }
    if (len != u->chunk_bytes) {
        *why = "does not decode to the chunk's size";
        return -1;
    }
    *cells = cur;
    return 1;
}
