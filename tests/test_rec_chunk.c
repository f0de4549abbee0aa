/* test_rec_chunk.c - the recorder filters series chunks itself
 * (recorder/rec_chunk.c) and stores them with H5Dwrite_chunk: the values
 * read back are those put, and every stored chunk carries a valid
 * Fletcher-32 and inflates, byte for byte, to what HDF5's own pipeline
 * (H5Dwrite through shuffle, deflate, Fletcher-32) stores for the same
 * values in a dataset of the same creation list. Also HDF5's Fletcher-32
 * by hand, and the recorder's Adler-32 against a published value and
 * against zlib's adler32() on every length up to 3 blocks and odd starts;
 * chunks of one value, whose packed bytes the chunker reuses, against a
 * fresh chunker's. Each case runs twice: the chunks packed at the window end that
 * writes them, and packed between windows by two threads at once through
 * recorder_window_work (as the engine's threads do, issue 18 item 3).
 */
#include <hdf5.h>

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "recorder/rec_internal.h"
#include "tests/check.h"

#define S SIM_NS_PER_S
#define N_ROWS 100 /* narrow: 64-row chunks, the second cut at row 100 */

/* The group's width, per case: 200 entities (chunks 81 x 200, one column
 * block; fewer than REC_SERIES_PLANES_ENTITIES: default strategy, so the
 * stored bytes are HDF5's own), 300 (chunks 64 x 256, column blocks of 256
 * and 44: an edge chunk; packed by planes, run-length strategy) or 2,100
 * (wider than REC_SERIES_WIDE_ENTITIES: chunks 4 x 1024, blocks of 1024,
 * 1024 and 52; by planes). */
static int n_entities;
#define HOLE_ROW 70
#define HOLE_ENTITY 260

static double value(int row, int entity)
{
    return row * 1000.0 + entity + 0.25;
}

static void check_fletcher32(void)
{
    /* words 0x0102, 0x0304: sum1 = 0x0102 then 0x0406; sum2 = 0x0102 then
     * 0x0508; checksum sum2 << 16 | sum1 */
    const unsigned char four[4] = {0x01, 0x02, 0x03, 0x04};
    CHECK_INT_EQ(rec_chunk_fletcher32(four, 4), 0x05080406u);
    /* odd length: the last byte counts as the high byte of a word 0x0300 */
    CHECK_INT_EQ(rec_chunk_fletcher32(four, 3), 0x05040402u);
    /* 400 words 0xffff, folded after 360 and after the last 40: both sums
     * stay multiples of 65535 (360 * 65535 = 359 * 65536 + 65176, folded
     * 359 + 65176 = 65535; sum2 = 65535 * 64980 likewise), and a multiple
     * m * 65535 = (m - 1) * 65536 + (65536 - m) folds to 65535 */
    unsigned char ff[800];
    memset(ff, 0xff, sizeof ff);
    CHECK_INT_EQ(rec_chunk_fletcher32(ff, sizeof ff), 0xffffffffu);
    /* HDF5's loop word by word (H5checksum.c), against the recorder's (whole
     * vectors of 8 words at once with SSE2) on every length up to 3 blocks
     * and more, at odd starts: random bytes, all 0xff (a block's sum2 near
     * 2^32), all 0x80 and 0x7f (the madd bias's edges) */
    static unsigned char buf[2 * 360 * 3 + 64];
    uint32_t x = 12345;
    for (int fill = 0; fill < 4; fill++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = fill == 0 ? (unsigned char)(x >> 16) : fill == 1 ? 0xff : fill == 2 ? 0x80 : 0x7f;
        }
        for (size_t start = 0; start < 3; start++)
            for (size_t len = 0; len + start <= sizeof buf; len += len < 300 ? 1 : 7) {
                const unsigned char *d = buf + start;
                size_t left = len / 2;
                uint32_t s1 = 0, s2 = 0;
                while (left) {
                    size_t n = left > 360 ? 360 : left;
                    left -= n;
                    do {
                        s1 += (uint32_t)((uint32_t)d[0] << 8 | d[1]);
                        d += 2;
                        s2 += s1;
                    } while (--n);
                    s1 = (s1 & 0xffff) + (s1 >> 16);
                    s2 = (s2 & 0xffff) + (s2 >> 16);
                }
                if (len % 2) {
                    s1 += (uint32_t)d[0] << 8;
                    s2 += s1;
                    s1 = (s1 & 0xffff) + (s1 >> 16);
                    s2 = (s2 & 0xffff) + (s2 >> 16);
                }
                s1 = (s1 & 0xffff) + (s1 >> 16);
                s2 = (s2 & 0xffff) + (s2 >> 16);
                CHECK_INT_EQ(rec_chunk_fletcher32(buf + start, len), s2 << 16 | s1);
            }
    }
}

static void check_adler32(void)
{
    /* RFC 1950's example as on Wikipedia's "Adler-32" page: "Wikipedia"
     * gives a = 920 = 0x398, b = 4582 = 0x11E6 */
    CHECK_INT_EQ(rec_chunk_adler32(1, (const unsigned char *)"Wikipedia", 9), 0x11E60398u);
    CHECK_INT_EQ(rec_chunk_adler32(1, NULL, 0), 1u);
    /* zlib's adler32 as the reference: pseudo-random bytes, and all 0xff
     * (the largest partial sums) over lengths spanning the 5,552-byte
     * blocks, from aligned and unaligned starts, and a running value */
    enum { LEN = 3 * 5552 + 40 };
    static unsigned char bytes[LEN + 16], ff[LEN + 16];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof bytes; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (unsigned char)(x >> 16);
    }
    memset(ff, 0xff, sizeof ff);
    int bad = 0;
    for (size_t len = 0; len <= LEN; len += len < 100 ? 1 : 37)
        for (size_t start = 0; start < 16; start += 5) {
            bad += rec_chunk_adler32(1, bytes + start, len) != adler32(1, bytes + start, (uInt)len);
            bad += rec_chunk_adler32(1, ff + start, len) != adler32(1, ff + start, (uInt)len);
            bad += rec_chunk_adler32(0xfff0fff0u, ff + start, len) != adler32(0xfff0fff0u, ff + start, (uInt)len);
        }
    CHECK_INT_EQ(bad, 0);
}

/* Writes the expected values with H5Dwrite into a dataset made with the
 * recorder's creation list: HDF5's own filter pipeline. */
static hid_t reference_dataset(hid_t file, hid_t dcpl, const double *cells)
{
    hsize_t dims[2] = {N_ROWS, (hsize_t)n_entities}, max_dims[2] = {H5S_UNLIMITED, (hsize_t)n_entities};
    hid_t space = H5Screate_simple(2, dims, max_dims);
    hid_t ds = H5Dcreate2(file, "reference", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    CHECK(ds >= 0);
    CHECK(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, cells) >= 0);
    H5Sclose(space);
    return ds;
}

/* A stored chunk: deflated bytes then their Fletcher-32, little-endian.
 * Checks the checksum and inflates into out (chunk_bytes); the inflated size. */
static size_t unfilter(const unsigned char *raw, size_t raw_bytes, unsigned char *out, size_t chunk_bytes)
{
    CHECK(raw_bytes > 4);
    if (raw_bytes <= 4)
        return 0;
    uint32_t stored = (uint32_t)raw[raw_bytes - 4] | (uint32_t)raw[raw_bytes - 3] << 8 |
                      (uint32_t)raw[raw_bytes - 2] << 16 | (uint32_t)raw[raw_bytes - 1] << 24;
    CHECK_INT_EQ(stored, rec_chunk_fletcher32(raw, raw_bytes - 4));
    uLongf got = (uLongf)chunk_bytes;
    CHECK_INT_EQ(uncompress(out, &got, raw, (uLong)(raw_bytes - 4)), Z_OK);
    return (size_t)got;
}

/* Every chunk of `got` (the recorder's) and `want` (HDF5's pipeline): no
 * filter skipped, valid Fletcher-32, and the same shuffled bytes inflated. */
static void check_chunks_equal(hid_t got, hid_t want, const hsize_t chunk[2], int same_raw)
{
    size_t chunk_bytes = (size_t)(chunk[0] * chunk[1]) * sizeof(double);
    unsigned char *a_plain = malloc(chunk_bytes), *b_plain = malloc(chunk_bytes);
    for (hsize_t row = 0; row < N_ROWS; row += chunk[0])
        for (hsize_t col = 0; col < (hsize_t)n_entities; col += chunk[1]) {
            hsize_t offset[2] = {row, col};
            hsize_t got_bytes = 0, want_bytes = 0;
            CHECK(H5Dget_chunk_storage_size(got, offset, &got_bytes) >= 0);
            CHECK(H5Dget_chunk_storage_size(want, offset, &want_bytes) >= 0);
            CHECK(got_bytes > 0 && want_bytes > 0);
            if (got_bytes == 0 || want_bytes == 0)
                continue;
            unsigned char *a = malloc(got_bytes), *b = malloc(want_bytes);
            uint32_t mask_a = 99, mask_b = 99;
            CHECK(H5Dread_chunk(got, H5P_DEFAULT, offset, &mask_a, a) >= 0);
            CHECK(H5Dread_chunk(want, H5P_DEFAULT, offset, &mask_b, b) >= 0);
            CHECK_INT_EQ(mask_a, 0); /* every filter applied */
            CHECK_INT_EQ(mask_b, 0);
            CHECK_INT_EQ(unfilter(a, got_bytes, a_plain, chunk_bytes), chunk_bytes);
            CHECK_INT_EQ(unfilter(b, want_bytes, b_plain, chunk_bytes), chunk_bytes);
            CHECK(memcmp(a_plain, b_plain, chunk_bytes) == 0);
            if (same_raw) /* default strategy: the very bytes HDF5 stores */
                CHECK(got_bytes == want_bytes && memcmp(a, b, got_bytes) == 0);
            free(a);
            free(b);
        }
    free(a_plain);
    free(b_plain);
}

static void run_case(int entities, hsize_t want_chunk_rows, hsize_t want_chunk_cols, int same_raw, int work_threads)
{
    n_entities = entities;
    char path[4200], ref_path[4200], err[1024];
    snprintf(path, sizeof path, "%s/rec_chunk.h5", VDCSIM_TEST_TMPDIR);
    snprintf(ref_path, sizeof ref_path, "%s/rec_chunk_ref.h5", VDCSIM_TEST_TMPDIR);
    recorder *r = recorder_open(path, work_threads > 0 ? work_threads : 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return;
    int id = rec_series_new(r, "host", "cpu_mhz", "MHz", NULL, n_entities, 0, S);
    CHECK(id >= 0);
    /* two windows; the run ends at row 100, inside the second row chunk */
    sim_time_ns ends[2] = {50 * S + S / 2, 200 * S};
    int first = 0;
    for (int w = 0; w < 2; w++) {
        CHECK_INT_EQ(recorder_window_begin(r, ends[w]), 0);
        for (int row = first; row < 128 && (sim_time_ns)row * S < ends[w]; row++, first++)
            for (int e = 0; e < n_entities; e++)
                if (!(row == HOLE_ROW && e == HOLE_ENTITY))
                    rec_series_put(r, id, row * S, e, value(row, e));
        CHECK_INT_EQ(recorder_window_end(r, ends[w]), 0);
        if (work_threads > 0) {
#pragma omp parallel num_threads(work_threads)
            recorder_window_work(r, omp_get_thread_num(), omp_get_num_threads());
        }
    }
    CHECK_INT_EQ(recorder_close(r, (N_ROWS - 1) * S + S / 2, err, sizeof err), 0);

    size_t n_cells = (size_t)N_ROWS * (size_t)n_entities;
    double *want = malloc(n_cells * sizeof *want), *got = malloc(n_cells * sizeof *got);
    for (int row = 0; row < N_ROWS; row++)
        for (int e = 0; e < n_entities; e++)
            want[(size_t)row * (size_t)n_entities + (size_t)e] = row == HOLE_ROW && e == HOLE_ENTITY ? NAN : value(row, e);

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(f, "/series/host/cpu_mhz", H5P_DEFAULT);
    CHECK(ds >= 0);
    hid_t space = H5Dget_space(ds);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    CHECK_INT_EQ(dims[0], N_ROWS);
    CHECK_INT_EQ(dims[1], n_entities);
    CHECK(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0);
    int same = 1;
    for (size_t i = 0; i < n_cells; i++)
        if (isnan(want[i]) ? !isnan(got[i]) : got[i] != want[i])
            same = 0;
    CHECK(same);

    /* The creation list has the three filters, Fletcher-32 last. */
    hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[2] = {0, 0};
    CHECK_INT_EQ(H5Pget_chunk(dcpl, 2, chunk), 2);
    CHECK_INT_EQ(chunk[0], want_chunk_rows);
    CHECK_INT_EQ(chunk[1], want_chunk_cols);
    CHECK_INT_EQ(H5Pget_nfilters(dcpl), 3);
    unsigned flags = 0, level = 0;
    size_t n_values = 1;
    CHECK_INT_EQ(H5Pget_filter2(dcpl, 0, &flags, &n_values, &level, 0, NULL, NULL), H5Z_FILTER_SHUFFLE);
    n_values = 1;
    CHECK_INT_EQ(H5Pget_filter2(dcpl, 1, &flags, &n_values, &level, 0, NULL, NULL), H5Z_FILTER_DEFLATE);
    CHECK_INT_EQ(level, REC_DEFLATE_LEVEL);
    n_values = 0;
    CHECK_INT_EQ(H5Pget_filter2(dcpl, 2, &flags, &n_values, NULL, 0, NULL, NULL), H5Z_FILTER_FLETCHER32);

    hid_t rf = H5Fcreate(ref_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(rf >= 0);
    hid_t ref = reference_dataset(rf, dcpl, want);
    H5Fflush(rf, H5F_SCOPE_LOCAL);
    check_chunks_equal(ds, ref, chunk, same_raw);

    H5Dclose(ref);
    H5Fclose(rf);
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Fclose(f);
    remove(path);
    remove(ref_path);
    free(want);
    free(got);
}

/* /events: 2,500 rows over two windows, the two whole 1,024-row chunks
 * filtered here (on two threads between windows), the last 452 rows
 * through H5Dwrite at the close. Rows read back are those logged
 * (time_ns = 1000 * i, lp = i % 7, seq = i, a = -i, value = i / 4), and
 * each whole chunk's stored bytes equal those HDF5's pipeline stores for
 * the same rows in a dataset of the same type and creation list (default
 * strategy: the very bytes). */
static void run_events_case(void)
{
    enum { N = 2500 };
    char path[4200], ref_path[4200], err[1024];
    snprintf(path, sizeof path, "%s/rec_chunk_ev.h5", VDCSIM_TEST_TMPDIR);
    snprintf(ref_path, sizeof ref_path, "%s/rec_chunk_ev_ref.h5", VDCSIM_TEST_TMPDIR);
    recorder *r = recorder_open(path, 2, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return;
    int kind = rec_event_kind(r, "tick");
    CHECK(kind >= 0);
    sim_time_ns ends[2] = {1200 * 1000, (sim_time_ns)N * 1000};
    int i = 0;
    for (int w = 0; w < 2; w++) {
        CHECK_INT_EQ(recorder_window_begin(r, ends[w]), 0);
        for (; i < N && (sim_time_ns)i * 1000 < ends[w]; i++)
            rec_event(r, i % 2, (sim_time_ns)i * 1000, (uint32_t)(i % 7), (uint64_t)i, kind, i, -i, 0, i / 4.0);
        CHECK_INT_EQ(recorder_window_end(r, ends[w]), 0);
#pragma omp parallel num_threads(2)
        recorder_window_work(r, omp_get_thread_num(), omp_get_num_threads());
    }
    CHECK_INT_EQ(recorder_close(r, ends[1] + 1, err, sizeof err), 0);

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(f, "/events", H5P_DEFAULT);
    CHECK(ds >= 0);
    hid_t type = H5Dget_type(ds), dcpl = H5Dget_create_plist(ds);
    CHECK_INT_EQ(H5Tget_size(type), 56);
    hid_t space = H5Dget_space(ds);
    hsize_t dims[1] = {0};
    H5Sget_simple_extent_dims(space, dims, NULL);
    CHECK_INT_EQ(dims[0], N);
    unsigned char *rows = malloc((size_t)N * 56);
    CHECK(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    int rows_ok = 1;
    for (int k = 0; k < N; k++) {
        int64_t t, a;
        uint32_t lp;
        uint64_t seq;
        double v;
        memcpy(&t, rows + (size_t)k * 56, 8);
        memcpy(&lp, rows + (size_t)k * 56 + 8, 4);
        memcpy(&seq, rows + (size_t)k * 56 + 12, 8);
        memcpy(&a, rows + (size_t)k * 56 + 32, 8);
        memcpy(&v, rows + (size_t)k * 56 + 48, 8);
        if (t != (int64_t)k * 1000 || lp != (uint32_t)(k % 7) || seq != (uint64_t)k || a != -k || v != k / 4.0)
            rows_ok = 0;
    }
    CHECK(rows_ok);

    hid_t rf = H5Fcreate(ref_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t max_dims[1] = {H5S_UNLIMITED};
    hid_t ref_space = H5Screate_simple(1, dims, max_dims);
    hid_t ref = H5Dcreate2(rf, "reference", type, ref_space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    CHECK(ref >= 0);
    CHECK(H5Dwrite(ref, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    H5Fflush(rf, H5F_SCOPE_LOCAL);
    for (hsize_t row = 0; row < 2048; row += 1024) {
        hsize_t offset[1] = {row};
        hsize_t got_bytes = 0, want_bytes = 0;
        CHECK(H5Dget_chunk_storage_size(ds, offset, &got_bytes) >= 0);
        CHECK(H5Dget_chunk_storage_size(ref, offset, &want_bytes) >= 0);
        CHECK(got_bytes > 0 && got_bytes == want_bytes);
        if (got_bytes == 0 || got_bytes != want_bytes)
            continue;
        unsigned char *a = malloc(got_bytes), *b = malloc(want_bytes);
        uint32_t mask_a = 99, mask_b = 99;
        CHECK(H5Dread_chunk(ds, H5P_DEFAULT, offset, &mask_a, a) >= 0);
        CHECK(H5Dread_chunk(ref, H5P_DEFAULT, offset, &mask_b, b) >= 0);
        CHECK_INT_EQ(mask_a, 0);
        CHECK(memcmp(a, b, got_bytes) == 0);
        free(a);
        free(b);
    }
    free(rows);
    H5Dclose(ref);
    H5Sclose(ref_space);
    H5Fclose(rf);
    H5Sclose(space);
    H5Pclose(dcpl);
    H5Tclose(type);
    H5Dclose(ds);
    H5Fclose(f);
    remove(path);
    remove(ref_path);
}

/* A wide chunk (4 x 1024) is deflated plane by plane, a plane of flat
 * bytes as a stored block (rec_chunk.c). Cells whose six low bytes are
 * pseudo-random and whose two high bytes are 0x40 0x8f (doubles near
 * 1000): byte plane 0 is flat, so the stream's first block, right after
 * the 2-byte zlib header, is stored (its first 3 bits: BFINAL 0, BTYPE 00);
 * cells 1000.0 + i (all low bytes 0): plane 0 is one repeated byte, run-
 * length coded (BTYPE 01 or 10); and cells whose planes 0, 2, 4 are flat
 * and 1, 3, 5, 6, 7 one byte each: stored and coded alternate, with a full
 * flush before each coded run after a stored one. All inflate to the
 * shuffled cells and carry their Fletcher-32. */
static void check_wide_planes(void)
{
    enum { ROWS = 4, COLS = 1024, N = ROWS * COLS };
    static double cells[N];
    static unsigned char plain[N * 8], want[N * 8];
    for (int noisy = 2; noisy >= 0; noisy--) {
        uint32_t x = 777;
        for (int i = 0; i < N; i++) {
            uint64_t bits = 0x408full << 48;
            for (int b = 0; b < 6; b++) {
                x = x * 1103515245u + 12345u;
                /* noisy 2: the even planes flat, the odd ones one byte */
                bits |= (uint64_t)(noisy == 2 && b % 2 ? 0x5a : x >> 16 & 0xff) << (8 * b);
            }
            double v;
            memcpy(&v, &bits, sizeof v);
            cells[i] = noisy ? v : 1000.0 + i;
        }
        for (int i = 0; i < N; i++) /* the shuffle by hand: byte j of cell i to j * N + i */
            for (int j = 0; j < 8; j++)
                want[j * N + i] = ((const unsigned char *)&cells[i])[j];
        rec_chunker *c = rec_chunker_new();
        unsigned char *out = NULL;
        size_t out_len = 0;
        CHECK_INT_EQ(rec_chunk_pack(c, cells, ROWS, COLS, ROWS, COLS, 1, &out, &out_len), 0);
        CHECK(out_len > 7);
        if (out != NULL && out_len > 7) {
            if (noisy)
                CHECK_INT_EQ(out[2] & 7, 0); /* not final, stored */
            else
                CHECK((out[2] & 6) != 0); /* fixed or dynamic Huffman */
            CHECK_INT_EQ(unfilter(out, out_len, plain, sizeof plain), sizeof plain);
            CHECK(memcmp(plain, want, sizeof want) == 0);
            /* a full flush's empty stored block ends with LEN 0000, NLEN
             * ffff: one per coded run after a stored one (noisy 1: plane 6;
             * noisy 2: planes 1, 3, 5) */
            int flushes = 0;
            for (size_t i = 0; i + 4 <= out_len; i++)
                flushes += out[i] == 0 && out[i + 1] == 0 && out[i + 2] == 0xff && out[i + 3] == 0xff;
            CHECK_INT_EQ(flushes, noisy == 2 ? 3 : noisy);
        }
        free(out);
        rec_chunker_free(c);
    }
}

/* rec_chunk_plane_flat by hand. It samples every 4th byte and calls the
 * plane flat when sum(count^2) * 256 * 1000 <= samples^2 * permille.
 *  - 4,096 bytes whose sampled bytes cycle 0..255: 1,024 samples, each
 *    value 4 times, sum 256 * 16 = 4,096; 4,096 * 256,000 = 1,048,576,000
 *    = 1,024^2 * 1,000: flat at 1000 permille, not at 999.
 *  - 4,096 bytes of one value: sum 1,024^2, flat only at 256,000 permille.
 *  - 4,101 bytes: indices 0, 4, ..., 4,100 are sampled (1,026), the last
 *    two past the 16-byte steps. Bytes 0..4,095 cycle as above and bytes
 *    4,096 and 4,100 are 7: counts 4 except value 7 with 6, sum 255 * 16 +
 *    36 = 4,116; 4,116 * 256,000 = 1,053,696,000 <= 1,026^2 * permille
 *    holds from permille 1,000.98: flat at 1,001, not at 1,000 (without
 *    the two tail samples it would be flat at 1,000). */
static void check_plane_flat(void)
{
    static unsigned char p[4101];
    for (int i = 0; i < 4096; i++)
        p[i] = (unsigned char)(i / 4);
    CHECK(rec_chunk_plane_flat(p, 4096, 1000));
    CHECK(!rec_chunk_plane_flat(p, 4096, 999));
    p[4096] = p[4100] = 7;
    CHECK(rec_chunk_plane_flat(p, 4101, 1001));
    CHECK(!rec_chunk_plane_flat(p, 4101, 1000));
    memset(p, 0x40, sizeof p);
    CHECK(!rec_chunk_plane_flat(p, 4096, 255999));
    CHECK(rec_chunk_plane_flat(p, 4096, 256000));
    /* The early answer (the first byte's count after 128 samples) against
     * the rule computed here with one table over every sample: planes of
     * 400-4,101 bytes whose bytes are the first one's with probability
     * 0-100 % in steps (else pseudo-random), at several permille. */
    static unsigned char q[4101];
    static const unsigned permilles[5] = {1000, 2000, 5000, 20000, 100000};
    uint32_t x = 4242;
    int early_cases = 0;
    for (int k = 0; k < 400; k++) {
        const size_t n = 400 + (size_t)(k * 37) % 3702;
        const unsigned dominance = (unsigned)(k % 11) * 10; /* percent */
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            q[i] = i > 0 && (x >> 8) % 100 < dominance ? q[0] : (unsigned char)(x >> 16);
        }
        uint64_t count[256] = {0}, samples = 0, sum = 0, first = 0;
        for (size_t i = 0; i < n; i += 4, samples++) {
            count[q[i]]++;
            first += i < 512 && q[i] == q[0];
        }
        for (int v = 0; v < 256; v++)
            sum += count[v] * count[v];
        for (int m = 0; m < 5; m++) {
            const int want = sum * 256u * 1000u <= samples * samples * permilles[m];
            CHECK_INT_EQ(rec_chunk_plane_flat(q, n, permilles[m]), want);
            early_cases += n >= 512 && first * first * 256u * 1000u > samples * samples * permilles[m];
        }
    }
    CHECK(early_cases > 100); /* the early answer was taken often */
}

/* The shuffle (byte j of element i to j * n + i) on sizes the series and
 * event chunks never have: 8-byte blocks of elements and of each element's
 * bytes with leftovers of both (13-byte elements; 3, 8, 21 elements), and
 * 16-byte elements; and float64 elements in blocks of 16 (the SSE2 path)
 * followed by none, a block of 8 and fewer (16, 21, 24, 29, 37 elements:
 * 29 = 16 + 8 + 5). Element bytes are
 * 7 * i + j mod 251, so every byte of the unshuffled stream says where it
 * came from. */
static void check_shuffle_sizes(void)
{
    static const size_t counts[7] = {3, 8, 16, 21, 24, 29, 37}, sizes[3] = {8, 13, 16};
    static unsigned char elems[37 * 16], want[37 * 16], plain[37 * 16];
    for (int a = 0; a < 7; a++)
        for (int b = 0; b < 3; b++) {
            const size_t n = counts[a], size = sizes[b];
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < size; j++) {
                    elems[i * size + j] = (unsigned char)((7 * i + j) % 251);
                    want[j * n + i] = (unsigned char)((7 * i + j) % 251);
                }
            rec_chunker *c = rec_chunker_new();
            unsigned char *out = NULL;
            size_t out_len = 0;
            CHECK_INT_EQ(rec_chunk_pack_elems(c, elems, n, size, &out, &out_len), 0);
            CHECK_INT_EQ(unfilter(out, out_len, plain, n * size), n * size);
            CHECK(memcmp(plain, want, n * size) == 0);
            free(out);
            rec_chunker_free(c);
        }
}

/* A chunk of one value is packed once per chunker and its bytes reused
 * (rec_chunk.c): each pack, hit or not, must give the bytes a fresh
 * chunker gives and inflate to the value's shuffle. Six values, more than
 * the chunker keeps (so some are packed again), with 0.0 and -0.0 and two
 * NaNs apart by their bits, each as a wide (4 x 1024, run-length) and a
 * narrow (16 x 256, default strategy) chunk of as many cells, with another
 * chunk between them that must not disturb the next: smooth values (the
 * wide stream ends at a coded plane) or random bits (at a stored plane,
 * level 0, which zlib 1.2.11 would have flushed at the next chunk's first
 * deflateParams); and a clipped chunk: 2 of 4 rows of NaN, the rest
 * NaN-padded (one value), and the same rows of 0.0 (not one value). */
static void check_constant_chunks(void)
{
    enum { WIDE_N = 4 * 1024, NARROW_N = 16 * 256 };
    static double cells[NARROW_N], noisy[NARROW_N], random_bits[NARROW_N];
    static unsigned char plain[NARROW_N * 8];
    const uint64_t value_bits[6] = {0x0000000000000000ull, 0x8000000000000000ull, 0x7ff8000000000000ull,
                                    0x7ff8000000000001ull, 0x3ff8000000000000ull, 0x40c3880000000000ull};
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < NARROW_N; i++) {
        noisy[i] = 1000.0 + 0.37 * i + (i % 7) * 1e-9; /* its top plane is coded */
        x ^= x << 13; /* xorshift64: every plane flat, so stored, the last one too */
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(&random_bits[i], &x, sizeof x);
    }
    rec_chunker *c = rec_chunker_new();
    for (int pass = 0; pass < 3; pass++)
        for (int v = 0; v < 6; v++)
            for (int wide = 0; wide <= 1; wide++) {
                const int rows = wide ? 4 : 16, cols = wide ? 1024 : 256; /* the same cell count */
                const size_t n = (size_t)rows * (size_t)cols;
                for (size_t i = 0; i < n; i++)
                    memcpy(&cells[i], &value_bits[v], sizeof cells[i]);
                unsigned char *got = NULL, *want = NULL, *between = NULL;
                size_t got_len = 0, want_len = 0, between_len = 0;
                CHECK_INT_EQ(rec_chunk_pack(c, cells, rows, cols, rows, cols, wide, &got, &got_len), 0);
                rec_chunker *fresh = rec_chunker_new();
                CHECK_INT_EQ(rec_chunk_pack(fresh, cells, rows, cols, rows, cols, wide, &want, &want_len), 0);
                rec_chunker_free(fresh);
                CHECK(got_len == want_len && got != NULL && want != NULL && memcmp(got, want, got_len) == 0);
                CHECK_INT_EQ(unfilter(got, got_len, plain, n * 8), n * 8);
                for (size_t j = 0; j < 8; j++) /* plane j: byte j of the value, n times */
                    for (size_t i = 0; i < n; i += 97)
                        CHECK_INT_EQ(plain[j * n + i], (unsigned)(value_bits[v] >> (8 * j) & 0xff));
                /* the next pack starts after a coded or a stored last plane */
                const double *other = (v + pass) % 2 ? random_bits : noisy;
                CHECK_INT_EQ(rec_chunk_pack(c, other, rows, cols, rows, cols, wide, &between, &between_len), 0);
                free(got);
                free(want);
                free(between);
            }
    for (int v = 0; v < 2; v++) { /* clipped: 2 rows given; v 0: NaN rows (one value with the padding) */
        for (int i = 0; i < 2 * 1024; i++)
            cells[i] = v == 0 ? NAN : 0.0;
        unsigned char *got = NULL;
        size_t got_len = 0;
        double back[WIDE_N];
        for (int pass = 0; pass < 2; pass++) {
            CHECK_INT_EQ(rec_chunk_pack(c, cells, 2, 1024, 4, 1024, 1, &got, &got_len), 0);
            CHECK_INT_EQ(unfilter(got, got_len, plain, sizeof back), sizeof back);
            for (size_t i = 0; i < WIDE_N; i++) /* unshuffle */
                for (size_t j = 0; j < 8; j++)
                    ((unsigned char *)&back[i])[j] = plain[j * WIDE_N + i];
            for (size_t i = 0; i < WIDE_N; i++)
                CHECK(i < 2 * 1024 && v == 1 ? back[i] == 0.0 : isnan(back[i]));
            free(got);
        }
    }
    rec_chunker_free(c);
}

int main(void)
{
    check_constant_chunks();
    check_fletcher32();
    check_adler32();
    check_plane_flat();
    check_shuffle_sizes();
    check_wide_planes();
    for (int work_threads = 0; work_threads <= 2; work_threads += 2) {
        run_case(200, 81, 200, 1, work_threads);
        run_case(300, 64, 256, 0, work_threads);
        run_case(2100, 4, 1024, 0, work_threads);
    }
    run_events_case();
    return CHECK_DONE();
}
