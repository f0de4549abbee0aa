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
 *   deflate    the zlib format of compress2 (windowBits 15, memLevel 8),
 *              the whole chunk with Z_FINISH; a chunk packed by planes (a group of at
 *              least REC_SERIES_PLANES_ENTITIES entities) with
 *              REC_DEFLATE_PLANES_STRATEGY (measured, rec_internal.h), one
 *              byte plane at a time, a plane of flat histogram (random low
 *              mantissa bytes) as a stored block (REC_DEFLATE_FLAT_PERMILLE):
 *              both only change the compressed bytes, every inflate reads
 *              them; a full flush before a coded plane that follows a
 *              stored one (rec_chunk_deflate_planes). The stream is a raw
 *              deflate (windowBits -15) wrapped here in the 2-byte header
 *              zlib writes and the big-endian Adler-32 of
 *              the input, computed by rec_chunk_adler32 (SSE2; zlib 1.2's
 *              is byte by byte): the same bytes as zlib's own wrapper;
 *   fletcher32 H5_checksum_fletcher32 of the deflated bytes, appended as a
 *              little-endian uint32.
 * Only for a little-endian host (the file's float64 is IEEE little-endian):
 * elsewhere rec_chunk_native returns 0 and the caller uses H5Dwrite.
 *
 * A chunk of one value packs to bytes that depend on nothing else: a
 * chunker keeps the last few and copies them (REC_CHUNK_CONST_MEMO).
 *
 * Filtering (rec_chunk_pack) touches only memory and the given chunker, so
 * every engine thread may pack chunks at once, each with its own chunker
 * (issue 18 item 3, rec_series.c); the writing (rec_chunk_store) is serial.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string.h>
#include <zlib.h>

#include "recorder/rec_internal.h"

/* A chunk whose cells all hold one value packs to bytes that depend only
 * on that value, the chunk's cell count and `by_planes`: the filters are pure
 * functions of their input (deflateReset leaves no trace of the chunks
 * before; zlib 1.2.12+ skips the flush of the first deflateParams). On the
 * headline day 45 % of the chunks are such (host series that stay 0), so
 * the last REC_CHUNK_CONST_MEMO packed ones are kept per chunker and
 * copied (rec_chunk_pack). */
#define REC_CHUNK_CONST_MEMO 4
/* zlib 1.2.11 flushed at the first deflateParams after a reset when the
 * stream had been used before (high_water), so a chunk's bytes could
 * depend on the chunk before; 1.2.12 (ZLIB_VERNUM 0x12c0) checks
 * last_flush, which deflateReset sets to -2. Older: nothing is kept. */
#if defined(ZLIB_VERNUM) && ZLIB_VERNUM >= 0x12c0
#define REC_CHUNK_KEEP_CONSTANTS 1
#else
#define REC_CHUNK_KEEP_CONSTANTS 0
#endif

typedef struct {
    uint64_t bits;        /* the one value's bits: -0.0 and each NaN apart */
    size_t n_cells;
    int by_planes;
    unsigned char *bytes; /* len bytes as rec_chunk_deflate made them; NULL: empty slot */
    size_t len;
    uint64_t used;        /* chunker's clock at the last hit: the oldest is replaced */
} rec_const_chunk;

struct rec_chunker {
    z_stream z[2]; /* [0] default strategy, [1] REC_DEFLATE_PLANES_STRATEGY */
    int z_ready[2];
    unsigned char *shuffled; /* cap bytes */
    double *padded;          /* cap bytes: a clipped chunk NaN-padded to its full shape */
    size_t cap;
    unsigned char *out;      /* out_cap bytes: a chunk deflated, before its exact copy */
    size_t out_cap;
    rec_const_chunk consts[REC_CHUNK_CONST_MEMO];
    uint64_t clock;
};

static int rec_host_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

/* H5_checksum_fletcher32: 16-bit words read big-endian, sums folded every
 * 360 words (a block); inside a block the sums only add, mod 2^32. With
 * SSE2 a block's whole vectors (8 words each) are added at once, exactly:
 * for m = 8V words w_k, sum1 grows by sum w_k and sum2 by m * sum1 +
 * sum (m - k) w_k, with m - k = 8 (V - 1 - j) + (8 - i) for word i of
 * vector j. The words enter madd as signed u = w - 32768 (the bias is added
 * back: 32768 m and 32768 m (m + 1) / 2); `prefix` is the running total of
 * the vectors' sums before each one, as in rec_chunk_adler32. The words
 * left (fewer than 8) are added one by one, then the block is folded. */
#define FLETCHER_BLOCK_WORDS 360u

#if defined(__SSE2__)
static void fletcher32_vectors(uint32_t *sum1, uint32_t *sum2, const unsigned char *data, size_t vectors)
{
    const __m128i zero = _mm_setzero_si128(), bias = _mm_set1_epi16((short)0x8000);
    const __m128i ones = _mm_set1_epi16(1), weights = _mm_setr_epi16(8, 7, 6, 5, 4, 3, 2, 1);
    __m128i sum = zero, prefix = zero, weighted = zero;
    for (size_t j = 0; j < vectors; j++, data += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)data);
        __m128i w = _mm_or_si128(_mm_slli_epi16(v, 8), _mm_srli_epi16(v, 8)); /* big-endian words */
        __m128i u = _mm_xor_si128(w, bias);
        prefix = _mm_add_epi32(prefix, sum);
        sum = _mm_add_epi32(sum, _mm_madd_epi16(u, ones));
        weighted = _mm_add_epi32(weighted, _mm_madd_epi16(u, weights));
    }
    int32_t lanes[3][4];
    _mm_storeu_si128((__m128i *)(void *)lanes[0], sum);
    _mm_storeu_si128((__m128i *)(void *)lanes[1], prefix);
    _mm_storeu_si128((__m128i *)(void *)lanes[2], weighted);
    int64_t total[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++)
        total[k] = (int64_t)lanes[k][0] + lanes[k][1] + lanes[k][2] + lanes[k][3];
    const int64_t m = 8 * (int64_t)vectors;
    const uint64_t words = (uint64_t)(total[0] + 32768 * m);
    const uint64_t weighted_words = (uint64_t)(8 * total[1] + total[2] + 32768 * m * (m + 1) / 2);
    *sum2 = (uint32_t)(*sum2 + (uint64_t)m * *sum1 + weighted_words);
    *sum1 = (uint32_t)(*sum1 + words);
}
#endif

uint32_t rec_chunk_fletcher32(const unsigned char *data, size_t len)
{
    size_t words = len / 2;
    uint32_t sum1 = 0, sum2 = 0;
    while (words > 0) {
        size_t n = words > FLETCHER_BLOCK_WORDS ? FLETCHER_BLOCK_WORDS : words;
        words -= n;
#if defined(__SSE2__)
        fletcher32_vectors(&sum1, &sum2, data, n / 8);
        data += n / 8 * 16;
        n %= 8;
#endif
        for (; n > 0; n--) {
            sum1 += (uint32_t)((uint32_t)data[0] << 8 | data[1]);
            data += 2;
            sum2 += sum1;
        }
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

/* Adler-32 (RFC 1950) as zlib's adler32(): a = 1 + sum of the bytes, b =
 * sum of the a's, both mod 65521. Blocks of at most ADLER_NMAX bytes keep
 * every partial sum below 2^32 before the reduction (zlib's NMAX). With
 * SSE2, 16 bytes at a time: for a block of N vectors S_k (byte sums) and
 * bytes x_16k+j, b grows by L * a0 + 16 * sum_k (N-1-k) S_k + sum_k sum_j
 * (16-j) x_16k+j, L = 16 N; the middle sum is the running total of the
 * S's added before each vector (`prefix`). Integer arithmetic: the result
 * is exactly zlib's. */
#define ADLER_BASE 65521u
#define ADLER_NMAX 5552u

static void adler32_bytes(uint32_t *a, uint32_t *b, const unsigned char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        *a += buf[i];
        *b += *a;
    }
}

uint32_t rec_chunk_adler32(uint32_t adler, const unsigned char *buf, size_t len)
{
    uint32_t a = adler & 0xffffu, b = adler >> 16;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    const __m128i weight_low = _mm_setr_epi16(16, 15, 14, 13, 12, 11, 10, 9);
    const __m128i weight_high = _mm_setr_epi16(8, 7, 6, 5, 4, 3, 2, 1);
    while (len >= 16) {
        size_t vectors = (len < ADLER_NMAX ? len : ADLER_NMAX) / 16;
        __m128i sum = zero, prefix = zero, weighted = zero;
        for (size_t k = 0; k < vectors; k++, buf += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)buf);
            prefix = _mm_add_epi32(prefix, sum);
            sum = _mm_add_epi32(sum, _mm_sad_epu8(v, zero)); /* two 64-bit lanes, each < 2^32 */
            weighted = _mm_add_epi32(weighted, _mm_madd_epi16(_mm_unpacklo_epi8(v, zero), weight_low));
            weighted = _mm_add_epi32(weighted, _mm_madd_epi16(_mm_unpackhi_epi8(v, zero), weight_high));
        }
        uint32_t lanes[4];
        _mm_storeu_si128((__m128i *)(void *)lanes, sum);
        uint64_t s = (uint64_t)lanes[0] + lanes[2];
        _mm_storeu_si128((__m128i *)(void *)lanes, prefix);
        uint64_t p = (uint64_t)lanes[0] + lanes[2];
        _mm_storeu_si128((__m128i *)(void *)lanes, weighted);
        uint64_t w = (uint64_t)lanes[0] + lanes[1] + lanes[2] + lanes[3];
        b = (uint32_t)(((uint64_t)b + 16u * vectors * a + 16u * p + w) % ADLER_BASE);
        a = (uint32_t)(((uint64_t)a + s) % ADLER_BASE);
        len -= vectors * 16;
    }
#endif
    while (len > 0) {
        size_t n = len < ADLER_NMAX ? len : ADLER_NMAX;
        adler32_bytes(&a, &b, buf, n);
        a %= ADLER_BASE;
        b %= ADLER_BASE;
        buf += n;
        len -= n;
    }
    return b << 16 | a;
}

/* The 2-byte zlib header deflate() writes for windowBits 15 (deflate.c:
 * CMF 0x78; FLEVEL 0 below level 2 or for Z_HUFFMAN_ONLY / Z_RLE / Z_FIXED,
 * 1 below 6, 2 at 6, else 3; FCHECK makes it a multiple of 31). */
static unsigned zlib_header(int level, int strategy)
{
    unsigned flevel = strategy >= Z_HUFFMAN_ONLY || level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;
    unsigned header = (Z_DEFLATED + ((15 - 8) << 4)) << 8 | flevel << 6;
    return header + 31 - header % 31;
}

/* Swaps the bits of `mask` in b with those of `mask << shift` in a. */
static inline void swap_masked(uint64_t *a, uint64_t *b, int shift, uint64_t mask)
{
    const uint64_t t = ((*a >> shift) ^ *b) & mask;
    *a ^= t << shift;
    *b ^= t;
}

/* Transposes an 8 x 8 byte matrix held as 8 words, row q = r[q], column k
 * = byte k (bits 8k..8k+7): afterwards byte q of r[k] is the old byte k of
 * r[q]. Three rounds of swaps of 4 x 4, 2 x 2 and 1 x 1 blocks, written
 * out so that the words stay in registers. */
static inline void transpose_8x8_bytes(uint64_t *r0, uint64_t *r1, uint64_t *r2, uint64_t *r3, uint64_t *r4,
                                       uint64_t *r5, uint64_t *r6, uint64_t *r7)
{
    const uint64_t m32 = 0x00000000ffffffffull, m16 = 0x0000ffff0000ffffull, m8 = 0x00ff00ff00ff00ffull;
    swap_masked(r0, r4, 32, m32);
    swap_masked(r1, r5, 32, m32);
    swap_masked(r2, r6, 32, m32);
    swap_masked(r3, r7, 32, m32);
    swap_masked(r0, r2, 16, m16);
    swap_masked(r1, r3, 16, m16);
    swap_masked(r4, r6, 16, m16);
    swap_masked(r5, r7, 16, m16);
    swap_masked(r0, r1, 8, m8);
    swap_masked(r2, r3, 8, m8);
    swap_masked(r4, r5, 8, m8);
    swap_masked(r6, r7, 8, m8);
}

static inline uint64_t load_u64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

#if defined(__SSE2__)
/* The byte planes of 16 float64 elements (128 bytes at in) to out + j * n
 * for plane j: the 16 x 8 byte matrix transposed in four rounds of
 * unpacklo/hi_epi8. Each round pairs the registers that differ in one bit
 * of their index and interleaves their bytes: a byte's slot (4 bits) moves
 * up one bit, its register's bit enters at the bottom and the slot's top
 * bit becomes the register's. Merging on register bits 2, 1, 0, 2 (element
 * bits 3, 2, 1, 0) leaves every slot holding element bits 3..0 in order,
 * and plane b2 b1 b0 in register b0 b2 b1. A headline run's shuffle:
 * 596 M -> 130 M instructions in 10 h (callgrind; the whole run -2.9 %). */
static void shuffle16_f64(unsigned char *restrict out, const unsigned char *restrict in, size_t n)
{
    /* x0..x7: elements 2k and 2k + 1; written out so that the sixteen
     * values stay in registers */
    const __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)in),
                  x1 = _mm_loadu_si128((const __m128i *)(const void *)(in + 16)),
                  x2 = _mm_loadu_si128((const __m128i *)(const void *)(in + 32)),
                  x3 = _mm_loadu_si128((const __m128i *)(const void *)(in + 48)),
                  x4 = _mm_loadu_si128((const __m128i *)(const void *)(in + 64)),
                  x5 = _mm_loadu_si128((const __m128i *)(const void *)(in + 80)),
                  x6 = _mm_loadu_si128((const __m128i *)(const void *)(in + 96)),
                  x7 = _mm_loadu_si128((const __m128i *)(const void *)(in + 112));
    /* register bit 2 */
    const __m128i a0 = _mm_unpacklo_epi8(x0, x4), a4 = _mm_unpackhi_epi8(x0, x4);
    const __m128i a1 = _mm_unpacklo_epi8(x1, x5), a5 = _mm_unpackhi_epi8(x1, x5);
    const __m128i a2 = _mm_unpacklo_epi8(x2, x6), a6 = _mm_unpackhi_epi8(x2, x6);
    const __m128i a3 = _mm_unpacklo_epi8(x3, x7), a7 = _mm_unpackhi_epi8(x3, x7);
    /* register bit 1 */
    const __m128i b0 = _mm_unpacklo_epi8(a0, a2), b2 = _mm_unpackhi_epi8(a0, a2);
    const __m128i b1 = _mm_unpacklo_epi8(a1, a3), b3 = _mm_unpackhi_epi8(a1, a3);
    const __m128i b4 = _mm_unpacklo_epi8(a4, a6), b6 = _mm_unpackhi_epi8(a4, a6);
    const __m128i b5 = _mm_unpacklo_epi8(a5, a7), b7 = _mm_unpackhi_epi8(a5, a7);
    /* register bit 0 */
    const __m128i c0 = _mm_unpacklo_epi8(b0, b1), c1 = _mm_unpackhi_epi8(b0, b1);
    const __m128i c2 = _mm_unpacklo_epi8(b2, b3), c3 = _mm_unpackhi_epi8(b2, b3);
    const __m128i c4 = _mm_unpacklo_epi8(b4, b5), c5 = _mm_unpackhi_epi8(b4, b5);
    const __m128i c6 = _mm_unpacklo_epi8(b6, b7), c7 = _mm_unpackhi_epi8(b6, b7);
    /* register bit 2 again: plane b2 b1 b0 ends in register b0 b2 b1 */
    _mm_storeu_si128((__m128i *)(void *)out, _mm_unpacklo_epi8(c0, c4));                /* plane 0: register 0 */
    _mm_storeu_si128((__m128i *)(void *)(out + n), _mm_unpackhi_epi8(c0, c4));          /* plane 1: register 4 */
    _mm_storeu_si128((__m128i *)(void *)(out + 2 * n), _mm_unpacklo_epi8(c1, c5));      /* plane 2: register 1 */
    _mm_storeu_si128((__m128i *)(void *)(out + 3 * n), _mm_unpackhi_epi8(c1, c5));      /* plane 3: register 5 */
    _mm_storeu_si128((__m128i *)(void *)(out + 4 * n), _mm_unpacklo_epi8(c2, c6));      /* plane 4: register 2 */
    _mm_storeu_si128((__m128i *)(void *)(out + 5 * n), _mm_unpackhi_epi8(c2, c6));      /* plane 5: register 6 */
    _mm_storeu_si128((__m128i *)(void *)(out + 6 * n), _mm_unpacklo_epi8(c3, c7));      /* plane 6: register 3 */
    _mm_storeu_si128((__m128i *)(void *)(out + 7 * n), _mm_unpackhi_epi8(c3, c7));      /* plane 7: register 7 */
}
#endif

/* Byte j of element i to out[j * n + i] (H5Zshuffle.c), any element size.
 * float64 elements 16 at a time with SSE2 (shuffle16_f64); the rest eight
 * elements at a time, each 8-byte column of them transposed in registers
 * and stored as 8-byte runs (byte by byte, the chunks by planes' shuffle took
 * 3.6 % of a headline run); the last few byte by byte. Loads and stores
 * are little-endian (byte k of a word is the k-th in memory): the packer
 * runs only on such hosts (rec_chunk_native). */
static void rec_chunk_shuffle_elems(unsigned char *restrict out, const unsigned char *restrict elems, size_t n,
                                    size_t elem_size)
{
    size_t i = 0;
#if defined(__SSE2__)
    if (elem_size == 8)
        for (; i + 16 <= n; i += 16)
            shuffle16_f64(out + i, elems + i * 8, n);
#endif
    for (; i + 8 <= n; i += 8) {
        size_t j = 0;
        for (; j + 8 <= elem_size; j += 8) {
            const unsigned char *in = elems + i * elem_size + j;
            uint64_t r0 = load_u64(in), r1 = load_u64(in + elem_size), r2 = load_u64(in + 2 * elem_size),
                     r3 = load_u64(in + 3 * elem_size), r4 = load_u64(in + 4 * elem_size),
                     r5 = load_u64(in + 5 * elem_size), r6 = load_u64(in + 6 * elem_size),
                     r7 = load_u64(in + 7 * elem_size);
            transpose_8x8_bytes(&r0, &r1, &r2, &r3, &r4, &r5, &r6, &r7);
            const uint64_t col[8] = {r0, r1, r2, r3, r4, r5, r6, r7};
            for (int k = 0; k < 8; k++)
                memcpy(out + (j + (size_t)k) * n + i, &col[k], sizeof col[k]);
        }
        for (; j < elem_size; j++)
            for (size_t q = i; q < i + 8; q++)
                out[j * n + q] = elems[q * elem_size + j];
    }
    for (; i < n; i++)
        for (size_t j = 0; j < elem_size; j++)
            out[j * n + i] = elems[i * elem_size + j];
}

int rec_chunk_native(void) { return rec_host_little_endian(); }

rec_chunker *rec_chunker_new(void) { return calloc(1, sizeof(rec_chunker)); }

static int rec_chunker_reserve(rec_chunker *c, int by_planes, size_t bytes)
{
    if (!c->z_ready[by_planes]) {
        memset(&c->z[by_planes], 0, sizeof c->z[by_planes]);
        if (deflateInit2(&c->z[by_planes], REC_DEFLATE_LEVEL, Z_DEFLATED, -15, 8, /* raw: wrapped by rec_chunk_deflate */
                         by_planes ? REC_DEFLATE_PLANES_STRATEGY : Z_DEFAULT_STRATEGY) != Z_OK)
            return -1;
        c->z_ready[by_planes] = 1;
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

/* A chunk packed by planes holds float64 cells: 8 byte planes after the shuffle. */
#define REC_CHUNK_PLANES sizeof(double)

/* Counts every 4th byte of p[*i .. end) into the four tables, 16 bytes
 * at a time; *i stops where fewer than 16 are left. */
static void tally_every_4th(uint32_t count[4][256], const unsigned char *p, size_t *i, size_t end)
{
    size_t k = *i;
    for (; k + 12 < end; k += 16) {
        count[0][p[k]]++;
        count[1][p[k + 4]]++;
        count[2][p[k + 8]]++;
        count[3][p[k + 12]]++;
    }
    *i = k;
}

/* The recorder calls it with REC_DEFLATE_FLAT_PERMILLE: the collision
 * count of random bytes is 1 + 255 / m times a uniform one's, 1.25 for a
 * 4,096-byte plane. Such a plane (the low mantissa bytes of noisy values)
 * gains nothing from Huffman coding. Integers only, so the choice is
 * exact: the bytes never depend on the thread or rank. */
int rec_chunk_plane_flat(const unsigned char *p, size_t n, unsigned flat_permille)
{
    /* Four tables, summed at the end: a plane of one repeated byte (the
     * high bytes of a steady series) otherwise makes every increment wait
     * for the previous one's store (5 % of a headline run). */
    uint32_t count[4][256];
    memset(count, 0, sizeof count);
    /* Every 4th byte is sampled: ceil(n / 4) of them, and the plane is flat
     * when sum c^2 * 256,000 <= that squared times flat_permille. Since sum
     * c^2 >= c^2 for any one value, a plane whose first byte already
     * counts too often is not flat, whatever follows: checked once, after
     * the first 128 samples (a plane of one repeated byte, most planes of
     * a steady series, stops there). */
    const uint64_t samples = (n + 3) / 4, limit = samples * samples * flat_permille;
    size_t i = 0;
    if (n >= 512) {
        tally_every_4th(count, p, &i, 512);
        const uint64_t c = (uint64_t)count[0][p[0]] + count[1][p[0]] + count[2][p[0]] + count[3][p[0]];
        if (c * c * 256u * 1000u > limit)
            return 0;
    }
    tally_every_4th(count, p, &i, n);
    for (; i < n; i += 4)
        count[0][p[i]]++;
    uint64_t collisions = 0;
    for (int v = 0; v < 256; v++) {
        const uint64_t c = (uint64_t)count[0][v] + count[1][v] + count[2][v] + count[3][v];
        collisions += c * c;
    }
    return collisions * 256u * 1000u <= limit;
}

/* A chunk packed by planes: its shuffled bytes, one byte plane (REC_CHUNK_PLANES of them)
 * at a time: a flat plane as a stored block (level 0), the others run-length
 * coded at REC_DEFLATE_LEVEL; deflateParams ends a block where the two
 * alternate. Returns Z_STREAM_END, or another zlib code. */
static int rec_chunk_deflate_planes(z_stream *z, const unsigned char *shuffled, size_t bytes)
{
    size_t plane = bytes / REC_CHUNK_PLANES;
    int stored_before = 0;
    for (size_t k = 0; k < REC_CHUNK_PLANES; k++) {
        const unsigned char *in = shuffled + k * plane;
        int level = rec_chunk_plane_flat(in, plane, REC_DEFLATE_FLAT_PERMILLE) ? 0 : REC_DEFLATE_LEVEL;
        if (stored_before && level != 0) {
            /* zlib counts stored bytes as still to be hashed (its `insert`),
             * and the next coded call hashes them all, though run-length
             * coding never reads the hash: 30 us of a noisy chunk's 64. A
             * full flush forgets them, for an empty stored block (5 bytes). */
            z->avail_in = 0;
            int rc = deflate(z, Z_FULL_FLUSH);
            if (rc != Z_OK)
                return rc;
        }
        stored_before = level == 0;
        int rc = deflateParams(z, level, REC_DEFLATE_PLANES_STRATEGY);
        if (rc != Z_OK)
            return rc;
        z->next_in = (unsigned char *)(uintptr_t)in; /* zlib 1.2 declares next_in non-const */
        z->avail_in = (uInt)plane;
        int last = k + 1 == REC_CHUNK_PLANES;
        rc = deflate(z, last ? Z_FINISH : Z_NO_FLUSH);
        if (last || rc != Z_OK)
            return rc;
        if (z->avail_in != 0)
            return Z_BUF_ERROR;
    }
    return Z_STREAM_ERROR; /* not reached */
}

/* Deflates c->shuffled[0..bytes) in the zlib format and appends the
 * Fletcher-32 into a new buffer *out of *out_len bytes. 0 or -1. */
static int rec_chunk_deflate(rec_chunker *c, int by_planes, size_t bytes, unsigned char **out, size_t *out_len)
{
    /* compressBound covers a raw stream of stored blocks at worst, any
     * strategy; a chunk by planes ends a block up to once per plane (at most 5
     * bytes of stored-block header and 1 of padding each) and may add an
     * empty stored block (5 bytes) per plane (rec_chunk_deflate_planes);
     * around it: header 2, Adler-32 4, Fletcher-32 4 */
    size_t raw_bound = compressBound((uLong)bytes) + (by_planes ? 11 * REC_CHUNK_PLANES : 0);
    /* Deflated into the chunker's scratch, then copied to a block of the
     * exact size: a block of the bound shrunk in place (realloc) left a
     * hole of most of the bound behind every packed chunk, which the
     * next, larger bound did not fit (docs/clusters.md "Memory, sixth
     * pass"). */
    if (raw_bound + 10 > c->out_cap) {
        unsigned char *grown = realloc(c->out, raw_bound + 10);
        if (grown == NULL)
            return -1;
        c->out = grown;
        c->out_cap = raw_bound + 10;
    }
    unsigned char *buf = c->out;
    z_stream *z = &c->z[by_planes != 0];
    if (deflateReset(z) != Z_OK)
        return -1;
    unsigned header = zlib_header(REC_DEFLATE_LEVEL, by_planes ? REC_DEFLATE_PLANES_STRATEGY : Z_DEFAULT_STRATEGY);
    buf[0] = (unsigned char)(header >> 8);
    buf[1] = (unsigned char)header;
    z->next_out = buf + 2;
    z->avail_out = (uInt)raw_bound;
    int rc;
    if (by_planes) { /* float64 cells: bytes is a multiple of 8 */
        rc = rec_chunk_deflate_planes(z, c->shuffled, bytes);
    } else {
        z->next_in = c->shuffled;
        z->avail_in = (uInt)bytes;
        rc = deflate(z, Z_FINISH);
    }
    if (rc != Z_STREAM_END)
        return -1;
    size_t packed = 2 + (size_t)z->total_out;
    uint32_t adler = rec_chunk_adler32(1, c->shuffled, bytes);
    for (int k = 0; k < 4; k++)
        buf[packed++] = (unsigned char)(adler >> (24 - 8 * k)); /* big-endian */

    uint32_t sum = rec_chunk_fletcher32(buf, packed);
    for (int k = 0; k < 4; k++)
        buf[packed + (size_t)k] = (unsigned char)(sum >> (8 * k));
    unsigned char *fit = malloc(packed + 4);
    if (fit == NULL)
        return -1;
    memcpy(fit, buf, packed + 4);
    *out = fit;
    *out_len = packed + 4;
    return 0;
}

/* 1 and *bits when all n cells hold the same bits. Non-constant chunks
 * mostly differ within their first cells. */
static int chunk_constant(const double *cells, size_t n, uint64_t *bits)
{
    uint64_t first;
    memcpy(&first, cells, sizeof first);
    for (size_t i = 1; i < n; i++) {
        uint64_t b;
        memcpy(&b, cells + i, sizeof b);
        if (b != first)
            return 0;
    }
    *bits = first;
    return 1;
}

static rec_const_chunk *const_chunk_find(rec_chunker *c, uint64_t bits, size_t n_cells, int by_planes)
{
    for (int k = 0; k < REC_CHUNK_CONST_MEMO; k++) {
        rec_const_chunk *m = &c->consts[k];
        if (m->bytes != NULL && m->bits == bits && m->n_cells == n_cells && m->by_planes == by_planes) {
            m->used = ++c->clock;
            return m;
        }
    }
    return NULL;
}

/* Keeps a copy of a constant chunk's packed bytes in the least recently
 * used slot. Out of memory only loses the copy. */
static void const_chunk_keep(rec_chunker *c, uint64_t bits, size_t n_cells, int by_planes, const unsigned char *bytes,
                             size_t len)
{
    rec_const_chunk *m = &c->consts[0];
    for (int k = 1; k < REC_CHUNK_CONST_MEMO; k++)
        if (c->consts[k].used < m->used)
            m = &c->consts[k];
    unsigned char *copy = malloc(len);
    if (copy == NULL)
        return;
    memcpy(copy, bytes, len);
    free(m->bytes);
    *m = (rec_const_chunk){.bits = bits, .n_cells = n_cells, .by_planes = by_planes, .bytes = copy, .len = len,
                           .used = ++c->clock};
}

int rec_chunk_pack(rec_chunker *c, const double *cells, int64_t rows, int cols, int chunk_rows, int chunk_cols,
                   int by_planes, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (rows < 0 || rows > chunk_rows || cols < 1 || cols > chunk_cols || chunk_rows < 1 ||
        (size_t)chunk_cols > SIZE_MAX / sizeof(double) / (size_t)chunk_rows)
        return -1;
    size_t n_cells = (size_t)chunk_rows * (size_t)chunk_cols;
    size_t bytes = n_cells * sizeof(double);
    if (bytes > (size_t)UINT32_MAX || rec_chunker_reserve(c, by_planes != 0, bytes) < 0)
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
    uint64_t bits = 0;
    int constant = REC_CHUNK_KEEP_CONSTANTS && chunk_constant(cells, n_cells, &bits);
    const rec_const_chunk *kept = constant ? const_chunk_find(c, bits, n_cells, by_planes != 0) : NULL;
    if (kept != NULL) {
        if ((*out = malloc(kept->len)) == NULL)
            return -1;
        memcpy(*out, kept->bytes, kept->len);
        *out_len = kept->len;
        return 0;
    }
    rec_chunk_shuffle_elems(c->shuffled, (const unsigned char *)cells, n_cells, sizeof *cells);
    if (rec_chunk_deflate(c, by_planes, bytes, out, out_len) != 0)
        return -1;
    if (constant)
        const_chunk_keep(c, bits, n_cells, by_planes != 0, *out, *out_len);
    return 0;
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
    free(c->out);
    for (int k = 0; k < REC_CHUNK_CONST_MEMO; k++)
        free(c->consts[k].bytes);
    free(c);
}
