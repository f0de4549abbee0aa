/* bench_deflate.c - the chunk compressors on a run file's real chunks
 * (issue 18 item 4: "the compression level and filters are chosen by
 * measurement"). Reads every stored chunk of the datasets the recorder
 * filters itself (/series/..., /events: shuffle + deflate + Fletcher-32,
 * recorder/rec_chunk.c), undoes the Fletcher-32 and the deflate to get the
 * shuffled bytes the recorder compressed, and compresses each chunk again
 * with every method below, one after the other (so load from other
 * processes hits them alike). Prints per method the thread-CPU seconds,
 * MB/s of input and the bytes a file would hold (stream + 4-byte
 * Fletcher-32), and the CPU of our Adler-32 and Fletcher-32 and of the
 * shuffle.
 *
 *   bench_deflate FILE.h5 [--repeat R] [--verbose] [--only M] [--flat P] [--split 0/1] [--flush 0/1]
 *                 [--wide-above N]
 *
 * --wide-above N: a series group of more than N entities is packed by
 * planes ("wide" below; default REC_SERIES_PLANES_ENTITIES - 1, as the
 * recorder decides; 2048 before the nineteenth session).
 *
 * Methods: zlib level 1 as rec_chunk.c did before libdeflate (raw stream,
 * Z_RLE for a group packed by planes (--wide-above), our Adler-32 and
 * zlib's header), zlib level 1 with the default strategy everywhere, and
 * with libdeflate (when built with it) libdeflate_zlib_compress at levels
 * 1-6 and level 1 on the unshuffled bytes. Every output is inflated with
 * zlib and compared with the input (count `bad`, 0 unless a method is
 * broken). `same_as_file` counts the chunks whose zlib-as-before bytes
 * equal the stored ones (all of them for a file written by the zlib build).
 */
#include <hdf5.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#if defined(VDCSIM_HAVE_LIBDEFLATE)
#include <libdeflate.h>
#endif

#include "recorder/rec_internal.h"

enum { M_ZLIB_NOW, M_ZLIB_DEFAULT, M_LD1, M_LD6 = M_LD1 + 5, M_LD1_NOSHUFFLE, M_ZLIB_PLANES, N_METHODS };

static const char *method_name[N_METHODS] = {
    "zlib 1, Z_RLE wide (before)", "zlib 1, default strategy", "libdeflate 1", "libdeflate 2", "libdeflate 3",
    "libdeflate 4", "libdeflate 5", "libdeflate 6", "libdeflate 1, no shuffle", "zlib 1, RLE, flat planes stored"};

typedef struct {
    double cpu_s[N_METHODS];
    uint64_t bytes[N_METHODS];
    double wide_cpu_s[N_METHODS]; /* the same, the wide groups' chunks only */
    uint64_t wide_bytes[N_METHODS], wide_in_bytes;
    int64_t bad[N_METHODS];
    double adler_s, fletcher_s, shuffle_s;
    uint64_t in_bytes, chunks, same_as_file, file_bytes;
    int repeat, verbose, only; /* only: -1, or the one method to run (for callgrind) */
    long wide_above; /* a series group of more entities is packed by planes (--wide-above) */
    z_stream z[2]; /* raw streams: [0] default strategy, [1] Z_RLE */
#if defined(VDCSIM_HAVE_LIBDEFLATE)
    struct libdeflate_compressor *ld[6];
#endif
    unsigned char *plain, *unshuffled, *out, *check, *raw;
    size_t cap, out_cap;
} bench;

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Starts a zlib stream in out[0..cap): zlib's header at level 1 (FLEVEL 0,
 * any strategy), room kept for the 4-byte Adler-32 trailer. */
static int zlib_begin(z_stream *z, unsigned char *out, size_t cap)
{
    if (deflateReset(z) != Z_OK)
        return -1;
    out[0] = 0x78;
    out[1] = 0x01;
    z->next_out = out + 2;
    z->avail_out = (uInt)(cap - 6);
    return 0;
}

/* Ends the stream with our Adler-32 of in[0..n), big-endian; its length. */
static size_t zlib_end(const z_stream *z, const unsigned char *in, size_t n, unsigned char *out)
{
    size_t len = 2 + (size_t)z->total_out;
    uint32_t adler = rec_chunk_adler32(1, in, n);
    for (int k = 0; k < 4; k++)
        out[len++] = (unsigned char)(adler >> (24 - 8 * k));
    return len;
}

/* Deflates in[0..n) as rec_chunk.c's zlib path: header, raw stream, our
 * Adler-32. The stream's length, or 0. */
static size_t zlib_raw(z_stream *z, const unsigned char *in, size_t n, unsigned char *out,
                       size_t cap)
{
    if (zlib_begin(z, out, cap) != 0)
        return 0;
    z->next_in = (unsigned char *)(uintptr_t)in;
    z->avail_in = (uInt)n;
    if (deflate(z, Z_FINISH) != Z_STREAM_END)
        return 0;
    return zlib_end(z, in, n, out);
}

static unsigned flat_permille = REC_DEFLATE_FLAT_PERMILLE; /* --flat: stored when 256 * sum c^2 <= m^2 * flat / 1000, m samples */
static uint64_t planes_total, planes_stored;
static int split_every_plane; /* --split 1: a block ends after every plane */
static int flush_after_stored = 1; /* --flush 0: no full flush before a coded plane after a stored one */

/* zlib Z_RLE level 1, but each byte plane (elem_size of them, n / elem_size
 * bytes each) with a flat histogram is written as a stored block:
 * deflateParams switches level 0 <-> 1 between runs of planes, and a full
 * flush comes before a coded plane that follows a stored one (as
 * rec_chunk.c; --flush 0 leaves it out). */
static size_t zlib_planes(z_stream *z, const unsigned char *in, size_t n, size_t elem_size, unsigned char *out,
                          size_t cap)
{
    if (zlib_begin(z, out, cap) != 0)
        return 0;
    size_t plane = n / elem_size;
    int stored_before = 0;
    for (size_t k = 0; k < elem_size; k++) {
        int flat = rec_chunk_plane_flat(in + k * plane, plane, flat_permille);
        planes_total++;
        planes_stored += flat;
        if (flush_after_stored && stored_before && !flat) {
            z->avail_in = 0;
            if (deflate(z, Z_FULL_FLUSH) != Z_OK)
                return 0;
        }
        stored_before = flat;
        if (deflateParams(z, flat ? 0 : 1, Z_RLE) != Z_OK)
            return 0;
        z->next_in = (unsigned char *)(uintptr_t)(in + k * plane);
        z->avail_in = (uInt)plane;
        int rc = deflate(z, k + 1 == elem_size ? Z_FINISH : split_every_plane ? Z_BLOCK : Z_NO_FLUSH);
        if (k + 1 == elem_size ? rc != Z_STREAM_END : rc != Z_OK)
            return 0;
    }
    return zlib_end(z, in, n, out);
}

static size_t compress_with(bench *b, int m, int wide, size_t elem_size, const unsigned char *in, size_t n)
{
    switch (m) {
    case M_ZLIB_NOW:
        return zlib_raw(&b->z[wide], in, n, b->out, b->out_cap);
    case M_ZLIB_PLANES:
        return wide ? zlib_planes(&b->z[1], in, n, elem_size, b->out, b->out_cap)
                    : zlib_raw(&b->z[0], in, n, b->out, b->out_cap);
    case M_ZLIB_DEFAULT:
        return zlib_raw(&b->z[0], in, n, b->out, b->out_cap);
#if defined(VDCSIM_HAVE_LIBDEFLATE)
    case M_LD1_NOSHUFFLE:
        return libdeflate_zlib_compress(b->ld[0], in, n, b->out, b->out_cap);
    default:
        return libdeflate_zlib_compress(b->ld[m - M_LD1], in, n, b->out, b->out_cap);
#else
    default:
        return 0;
#endif
    }
}

/* One chunk's shuffled bytes (n of them, elements of elem_size): every
 * method, timed; `stored` the file's bytes of the chunk. */
static void bench_chunk(bench *b, int wide, size_t elem_size, size_t n, const unsigned char *stored,
                        size_t stored_len)
{
    size_t elems = n / elem_size;
    for (size_t i = 0; i < elems; i++) /* unshuffle: byte j of element i is at j * elems + i */
        for (size_t j = 0; j < elem_size; j++)
            b->unshuffled[i * elem_size + j] = b->plain[j * elems + i];
    for (int rep = 0; rep < b->repeat; rep++) {
        for (int m = 0; m < N_METHODS; m++) {
#if !defined(VDCSIM_HAVE_LIBDEFLATE)
            if (m >= M_LD1 && m <= M_LD1_NOSHUFFLE)
                continue;
#endif
            if (b->only >= 0 && m != b->only)
                continue;
            const unsigned char *in = m == M_LD1_NOSHUFFLE ? b->unshuffled : b->plain;
            double t0 = thread_cpu_s();
            size_t len = compress_with(b, m, wide, elem_size, in, n);
            double cpu = thread_cpu_s() - t0;
            b->cpu_s[m] += cpu;
            b->wide_cpu_s[m] += wide ? cpu : 0;
            if (rep > 0)
                continue;
            b->bytes[m] += len + 4;
            b->wide_bytes[m] += wide ? len + 4 : 0;
            uLongf got = (uLongf)n;
            if (len == 0 || uncompress(b->check, &got, b->out, (uLong)len) != Z_OK || got != n ||
                memcmp(b->check, in, n) != 0)
                b->bad[m]++;
            if (m == M_ZLIB_NOW) {
                double t1 = thread_cpu_s();
                uint32_t sum = rec_chunk_fletcher32(b->out, len);
                b->fletcher_s += thread_cpu_s() - t1;
                unsigned char le[4] = {(unsigned char)sum, (unsigned char)(sum >> 8), (unsigned char)(sum >> 16),
                                       (unsigned char)(sum >> 24)};
                b->same_as_file += stored_len == len + 4 && memcmp(stored, b->out, len) == 0 &&
                                   memcmp(stored + len, le, 4) == 0;
            }
        }
        double t0 = thread_cpu_s();
        volatile uint32_t adler = rec_chunk_adler32(1, b->plain, n);
        (void)adler;
        double t1 = thread_cpu_s();
        for (size_t i = 0; i < elems; i++) /* the shuffle, as rec_chunk_shuffle_elems */
            for (size_t j = 0; j < elem_size; j++)
                b->check[j * elems + i] = b->unshuffled[i * elem_size + j];
        b->adler_s += t1 - t0;
        b->shuffle_s += thread_cpu_s() - t1;
    }
    b->in_bytes += n;
    b->wide_in_bytes += wide ? n : 0;
    b->chunks++;
    b->file_bytes += stored_len;
}

static int reserve(bench *b, size_t n, size_t stored)
{
    size_t need = n > stored ? n : stored;
    if (need <= b->cap)
        return 0;
    b->cap = need;
    b->out_cap = compressBound((uLong)need) + 128; /* + an empty stored block per plane */
    free(b->plain);
    free(b->unshuffled);
    free(b->out);
    free(b->check);
    free(b->raw);
    b->plain = malloc(need);
    b->unshuffled = malloc(need);
    b->check = malloc(need);
    b->raw = malloc(need);
    b->out = malloc(b->out_cap);
    return b->plain && b->unshuffled && b->check && b->raw && b->out ? 0 : -1;
}

/* A dataset the recorder filters itself: chunked, exactly shuffle, deflate,
 * Fletcher-32. Its chunks go through bench_chunk. */
static herr_t visit(hid_t root, const char *name, const H5O_info_t *info, void *data)
{
    bench *b = data;
    if (info->type != H5O_TYPE_DATASET || (strncmp(name, "series/", 7) != 0 && strcmp(name, "events") != 0))
        return 0;
    hid_t ds = H5Dopen2(root, name, H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds), type = H5Dget_type(ds), space = H5Dget_space(ds);
    hsize_t dims[2] = {0, 0}, chunk[2] = {1, 1};
    int rank = H5Sget_simple_extent_dims(space, dims, NULL);
    int ok = H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_nfilters(dcpl) == 3 && rank >= 1 && rank <= 2 &&
             H5Pget_chunk(dcpl, rank, chunk) == rank;
    const H5Z_filter_t want[3] = {H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32};
    for (unsigned k = 0; ok && k < 3; k++) {
        unsigned flags = 0, values[4];
        size_t n_values = 4;
        ok = H5Pget_filter2(dcpl, k, &flags, &n_values, values, 0, NULL, NULL) == want[k];
    }
    hsize_t n_chunks = 0;
    if (ok && H5Dget_num_chunks(ds, space, &n_chunks) < 0)
        ok = 0;
    size_t elem_size = H5Tget_size(type);
    size_t n = (size_t)chunk[0] * (size_t)(rank == 2 ? chunk[1] : 1) * elem_size;
    int wide = rank == 2 && dims[1] > (hsize_t)b->wide_above;
    uint64_t same_before = b->same_as_file;
    for (hsize_t i = 0; ok && i < n_chunks; i++) {
        hsize_t offset[2];
        unsigned mask = 0;
        haddr_t addr;
        hsize_t stored = 0;
        if (H5Dget_chunk_info(ds, space, i, offset, &mask, &addr, &stored) < 0 || mask != 0 || stored <= 4 ||
            reserve(b, n, (size_t)stored) < 0) {
            ok = 0;
            break;
        }
        uint32_t filter_mask = 0;
        uLongf got = (uLongf)n;
        if (H5Dread_chunk(ds, H5P_DEFAULT, offset, &filter_mask, b->raw) < 0 ||
            uncompress(b->plain, &got, b->raw, (uLong)(stored - 4)) != Z_OK || got != n) {
            ok = 0;
            break;
        }
        bench_chunk(b, wide, elem_size, n, b->raw, (size_t)stored);
    }
    if (ok && b->verbose)
        fprintf(stderr, "/%s: %llu chunks, %llu as stored\n", name, (unsigned long long)n_chunks,
                (unsigned long long)(b->same_as_file - same_before));
    if (!ok)
        fprintf(stderr, "bench_deflate: skipped /%s (not shuffle + deflate + Fletcher-32, or unreadable)\n", name);
    H5Sclose(space);
    H5Tclose(type);
    H5Pclose(dcpl);
    H5Dclose(ds);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_deflate FILE.h5 [--repeat R] [--verbose] [--only M] [--flat P] [--split 0/1] [--flush 0/1]\n");
        return 2;
    }
    static bench b;
    b.repeat = 1;
    b.wide_above = REC_SERIES_PLANES_ENTITIES - 1;
    b.only = -1;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            b.repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--wide-above") == 0 && i + 1 < argc)
            b.wide_above = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--verbose") == 0)
            b.verbose = 1;
        else if (strcmp(argv[i], "--split") == 0 && i + 1 < argc)
            split_every_plane = atoi(argv[++i]);
        else if (strcmp(argv[i], "--flush") == 0 && i + 1 < argc)
            flush_after_stored = atoi(argv[++i]);
        else if (strcmp(argv[i], "--flat") == 0 && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || end == argv[i] || v > 256000u) {
                fprintf(stderr, "bench_deflate: --flat wants a whole number of permille up to 256000, got '%s'\n", argv[i]);
                return 2;
            }
            flat_permille = (unsigned)v;
        }
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            b.only = atoi(argv[++i]);
    if (b.repeat < 1)
        b.repeat = 1;
    for (int k = 0; k < 2; k++)
        if (deflateInit2(&b.z[k], 1, Z_DEFLATED, -15, 8, k ? Z_RLE : Z_DEFAULT_STRATEGY) != Z_OK)
            return 1;
#if defined(VDCSIM_HAVE_LIBDEFLATE)
    for (int k = 0; k < 6; k++)
        if ((b.ld[k] = libdeflate_alloc_compressor(k + 1)) == NULL)
            return 1;
#endif
    hid_t f = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        fprintf(stderr, "bench_deflate: cannot open %s\n", argv[1]);
        return 2;
    }
    H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, visit, &b);
    H5Fclose(f);
    double mb = (double)b.in_bytes * b.repeat / 1e6, wide_mb = (double)b.wide_in_bytes * b.repeat / 1e6;
    printf("file %s: %llu chunks, %.1f MB shuffled, %llu bytes stored, same_as_file %llu, repeat %d\n", argv[1],
           (unsigned long long)b.chunks, (double)b.in_bytes / 1e6, (unsigned long long)b.file_bytes,
           (unsigned long long)b.same_as_file, b.repeat);
    printf("  %-28s %9s %9s %14s %8s %4s   %5s %9s %9s %14s\n", "method", "cpu_s", "MB/s", "bytes", "vs_now", "bad",
           "", "cpu_s", "MB/s", "bytes");
    for (int m = 0; m < N_METHODS; m++) {
        if (b.bytes[m] == 0)
            continue;
        double vs_now = b.bytes[M_ZLIB_NOW] ? 100.0 * ((double)b.bytes[m] / (double)b.bytes[M_ZLIB_NOW] - 1.0) : 0;
        printf("%d %-28s %9.3f %9.1f %14llu %+7.2f%% %4lld   wide: %9.3f %9.1f %14llu\n", m, method_name[m],
               b.cpu_s[m], mb / b.cpu_s[m], (unsigned long long)b.bytes[m], vs_now, (long long)b.bad[m],
               b.wide_cpu_s[m], wide_mb / b.wide_cpu_s[m], (unsigned long long)b.wide_bytes[m]);
    }
    printf("planes stored %llu of %llu (--flat %u)\n", (unsigned long long)planes_stored,
           (unsigned long long)planes_total, flat_permille);
    printf("our adler32 %.3f s, fletcher32 (once) %.3f s, byte shuffle (generic loop) %.3f s\n", b.adler_s,
           b.fletcher_s, b.shuffle_s);
    return 0;
}
