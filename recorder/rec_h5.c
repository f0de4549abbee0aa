/* rec_h5.c - small HDF5 helpers: error capture, strings, attributes,
 * growable chunked datasets.
 *
 * HDF5's automatic error printing is switched off in recorder_open; failures
 * become one-line messages "<file>: <what>: <HDF5's innermost message>".
 */
#include <stdio.h>
#include <string.h>

#include "recorder/rec_internal.h"

typedef struct {
    char *buf;
    size_t len;
    int taken;
} rec_h5_walk_ctx;

/* Walked upward, the first entry is the innermost: the most specific cause
 * ("unable to open file: name = ..., errno = 2, ..."). */
static herr_t rec_h5_walk_first(unsigned n, const H5E_error2_t *entry, void *data)
{
    rec_h5_walk_ctx *ctx = data;
    if (!ctx->taken && entry->desc != NULL) {
        /* The file driver's message quotes strerror as "error message =
         * '...'" among a dozen other fields: keep just that part. */
        const char *quoted = strstr(entry->desc, "error message = '");
        const char *end = quoted ? strchr(quoted + 17, '\'') : NULL;
        if (quoted && end)
            snprintf(ctx->buf, ctx->len, "%.*s", (int)(end - quoted - 17), quoted + 17);
        else
            snprintf(ctx->buf, ctx->len, "%s", entry->desc);
        ctx->taken = 1;
    }
    return 0;
}

void rec_h5_quiet_thread(void)
{
    static _Thread_local int quiet;
    if (!quiet) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        quiet = 1;
    }
}

void rec_h5_last_error(char *buf, size_t len)
{
    rec_h5_walk_ctx ctx = {buf, len, 0};
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, rec_h5_walk_first, &ctx);
    H5Eclear2(H5E_DEFAULT);
}

int rec_h5_fail(recorder *r, const char *fmt, ...)
{
    char what[512];
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    rec_h5_last_error(detail, sizeof detail);
    if (detail[0] != '\0')
        rec_fail(r, "%s: %s: %s", r->partial_path, what, detail);
    else
        rec_fail(r, "%s: %s", r->partial_path, what);
    return -1;
}

/* Fixed-length, never variable-length: a variable-length string lives in
 * HDF5's global heap, which no checksum covers, so one flipped bit there
 * could crash the HDF5 library of a reader (issue 13). */
hid_t rec_h5_fixed_string_type(size_t size)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return H5I_INVALID_HID;
    if (H5Tset_size(type, size > 0 ? size : 1) < 0 || H5Tset_strpad(type, H5T_STR_NULLPAD) < 0 ||
        H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
        H5Tclose(type);
        return H5I_INVALID_HID;
    }
    return type;
}

int rec_h5_attr_write(hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                      const void *value)
{
    if (H5Aexists(obj, name) > 0 && H5Adelete(obj, name) < 0)
        return -1;
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0)
        return -1;
    hid_t attr = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = -1;
    if (attr >= 0) {
        rc = H5Awrite(attr, mem_type, value) < 0 ? -1 : 0;
        if (H5Aclose(attr) < 0)
            rc = -1;
    }
    H5Sclose(space);
    return rc;
}

/* A fixed-length string, stored inside the checksummed object header: a
 * variable-length one would live in the global heap, which has no checksum,
 * so one flipped bit there would silently change the text. */
int rec_h5_attr_str(hid_t obj, const char *name, const char *value)
{
    const char *text = value != NULL ? value : "";
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return -1;
    int rc = -1;
    if (H5Tset_size(type, strlen(text) + 1) >= 0 && H5Tset_strpad(type, H5T_STR_NULLTERM) >= 0 &&
        H5Tset_cset(type, H5T_CSET_UTF8) >= 0)
        rc = rec_h5_attr_write(obj, name, type, type, text);
    H5Tclose(type);
    return rc;
}

/* Links and attributes stay "compact", inside their object header, which
 * the 1.10 format checksums; past the default 8 HDF5 moves them to a
 * fractal heap whose blocks carry no checksum, where one flipped bit
 * silently renames or hides a dataset. 65535 is the largest count allowed. */
#define REC_COMPACT_MAX 65535

int rec_h5_keep_compact(hid_t ocpl, int links)
{
    if (H5Pset_attr_phase_change(ocpl, REC_COMPACT_MAX, REC_COMPACT_MAX) < 0)
        return -1;
    if (links && H5Pset_link_phase_change(ocpl, REC_COMPACT_MAX, REC_COMPACT_MAX) < 0)
        return -1;
    return 0;
}

hid_t rec_h5_group_new(hid_t parent, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    hid_t group = H5I_INVALID_HID;
    if (gcpl >= 0 && rec_h5_keep_compact(gcpl, 1) >= 0)
        group = H5Gcreate2(parent, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    return group;
}

hid_t rec_h5_dataset_new(hid_t parent, const char *name, hid_t file_type, int cols,
                         const hsize_t *chunk_dims, hid_t fill_type, const void *fill)
{
    int rank = cols > 0 ? 2 : 1;
    hsize_t dims[2] = {0, (hsize_t)(cols > 0 ? cols : 0)};
    hsize_t max_dims[2] = {H5S_UNLIMITED, dims[1]};
    hid_t space = H5Screate_simple(rank, dims, max_dims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t dapl = H5I_INVALID_HID;
    hid_t dataset = H5I_INVALID_HID;
    if (space < 0 || dcpl < 0)
        goto done;
    /* Fletcher-32 last, over the compressed bytes: a reader's H5Dread
     * fails on a damaged chunk instead of inflating garbage (docs/hdf5-layout.md). */
    if (rec_h5_keep_compact(dcpl, 0) < 0 || H5Pset_chunk(dcpl, rank, chunk_dims) < 0 || H5Pset_shuffle(dcpl) < 0 ||
        H5Pset_deflate(dcpl, REC_DEFLATE_LEVEL) < 0 || H5Pset_fletcher32(dcpl) < 0)
        goto done;
    if (fill != NULL && H5Pset_fill_value(dcpl, fill_type, fill) < 0)
        goto done;
    /* A series (2-D) is written in whole chunks, each once, so HDF5's chunk
     * cache only held written chunks: 1 MiB per wide series, a tenth of
     * the peak memory of a 100,000-VM run (issue 18). Without it a whole
     * chunk goes straight to the file. */
    if (rank == 2 && ((dapl = H5Pcreate(H5P_DATASET_ACCESS)) < 0 ||
                      H5Pset_chunk_cache(dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT) < 0))
        goto done;
    dataset = H5Dcreate2(parent, name, file_type, space, H5P_DEFAULT, dcpl, dapl >= 0 ? dapl : H5P_DEFAULT);
done:
    if (dapl >= 0)
        H5Pclose(dapl);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return dataset;
}

static int rec_h5_rows_now(hid_t dataset, int64_t *rows)
{
    hid_t space = H5Dget_space(dataset);
    if (space < 0)
        return -1;
    hsize_t dims[2] = {0, 0};
    int rc = H5Sget_simple_extent_dims(space, dims, NULL) < 0 ? -1 : 0;
    H5Sclose(space);
    *rows = (int64_t)dims[0];
    return rc;
}

int rec_h5_set_rows(hid_t dataset, int64_t rows)
{
    hid_t space = H5Dget_space(dataset);
    if (space < 0)
        return -1;
    hsize_t dims[2] = {0, 0};
    int rank = H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    if (rank < 0)
        return -1;
    dims[0] = (hsize_t)rows;
    return H5Dset_extent(dataset, dims) < 0 ? -1 : 0;
}

int rec_h5_grow_rows(hid_t dataset, int64_t rows)
{
    int64_t have = 0;
    if (rec_h5_rows_now(dataset, &have) < 0)
        return -1;
    if (have < rows && rec_h5_set_rows(dataset, rows) < 0)
        return -1;
    return 0;
}

int rec_h5_write_rows(hid_t dataset, hid_t mem_type, int64_t row, int64_t rows, int col, int cols,
                      const void *data)
{
    if (rows <= 0)
        return 0;
    if (rec_h5_grow_rows(dataset, row + rows) < 0)
        return -1;
    int rank = cols > 0 ? 2 : 1;
    hsize_t start[2] = {(hsize_t)row, (hsize_t)col};
    hsize_t count[2] = {(hsize_t)rows, (hsize_t)cols};
    hid_t file_space = H5Dget_space(dataset);
    hid_t mem_space = H5Screate_simple(rank, count, NULL);
    int rc = -1;
    if (file_space >= 0 && mem_space >= 0 &&
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
        H5Dwrite(dataset, mem_type, mem_space, file_space, H5P_DEFAULT, data) >= 0)
        rc = 0;
    /* Closing the dataspaces clears the error stack: keep the write's
     * error (say "No space left on device") for rec_h5_fail. */
    hid_t stack = rc < 0 ? H5Eget_current_stack() : H5I_INVALID_HID;
    if (mem_space >= 0)
        H5Sclose(mem_space);
    if (file_space >= 0)
        H5Sclose(file_space);
    if (stack >= 0)
        H5Eset_current_stack(stack);
    return rc;
}

/* HDF5's default metadata cache starts at 2 MiB and adapts its size to the
 * hit rate; over a 30-day headline run it settled at 1.15 MB, mostly the
 * chunk indexes' extensible-array blocks of the series being written. The
 * recorder writes each chunk once and never reads one back, so a small
 * fixed cache serves it as well (the same CPU time, measured) and does
 * not grow with the file. */
int rec_h5_small_metadata_cache(hid_t fapl)
{
    H5AC_cache_config_t c;
    memset(&c, 0, sizeof c);
    c.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    if (H5Pget_mdc_config(fapl, &c) < 0)
        return -1;
    c.set_initial_size = 1;
    c.initial_size = REC_H5_MDC_BYTES;
    c.max_size = REC_H5_MDC_BYTES;
    c.min_size = REC_H5_MDC_BYTES;
    c.incr_mode = H5C_incr__off;
    c.flash_incr_mode = H5C_flash_incr__off;
    c.decr_mode = H5C_decr__off;
    return H5Pset_mdc_config(fapl, &c) < 0 ? -1 : 0;
}

/* HDF5 keeps what it frees on its own free lists, and the chunk indexes'
 * blocks come from "factory" lists of one block size each, which double
 * as an index grows: a list kept the blocks of every size the index had
 * passed through, up to 1 MiB a list (3.05 MB in all after the headline's
 * 30 days, against the 1.15 MB the cache held). H5garbage_collect gives
 * them to malloc, where the next allocations reuse them. It walks the
 * lists, so it runs once per REC_H5_TIDY_CHUNKS stores (about 3 times a
 * headline day: 13,000 series chunks a day). */
void rec_h5_tidy(recorder *r, size_t stored)
{
    r->stored_since_tidy += stored;
    if (r->stored_since_tidy < REC_H5_TIDY_CHUNKS)
        return;
    r->stored_since_tidy = 0;
    H5garbage_collect();
}
