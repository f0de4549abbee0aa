/* h5_read.c - helpers for reading a vdcsim run file (see h5_read.h). */
#include "analysis/h5_read.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/sweep_table.h"
#include "analysis/h5_chunk_rows.h"
#include "recorder/recorder.h"

#define EVENT_BLOCK_ROWS 65536

void h5r_quiet_begin(h5r_quiet *q)
{
    q->func = NULL;
    q->data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void h5r_quiet_end(const h5r_quiet *q) { H5Eset_auto2(H5E_DEFAULT, q->func, q->data); }

int h5r_exists(hid_t file, const char *path)
{
    char buf[1024];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, path, len + 1);
    /* Check "/a", then "/a/b", ...: H5Lexists needs every parent to exist.
     * Stop at a soft or external link: going on would follow it (into
     * another file for an external link); h5r_open_dataset refuses it. */
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        htri_t ok = H5Lexists(file, buf, H5P_DEFAULT);
        H5L_info_t info;
        int hard = ok > 0 && H5Lget_info(file, buf, &info, H5P_DEFAULT) >= 0 && info.type == H5L_TYPE_HARD;
        buf[i] = saved;
        if (ok < 0)
            return -1; /* damaged link storage: not "absent" */
        if (ok == 0)
            return 0;
        if (!hard)
            return 1;
    }
    return 1;
}

size_t h5r_array_bytes(hsize_t n, size_t size)
{
    if (n == 0 || size == 0)
        return size > 0 ? size : 1;
    if (n > (hsize_t)SIZE_MAX / size)
        return 0;
    return (size_t)n * size;
}

/* Refuses a path with a soft or external link on it: 0 or -1 with err. */
static int path_is_hard(hid_t file, const char *path, char *err, size_t err_len)
{
    char buf[1024];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf || path[0] != '/') {
        snprintf(err, err_len, "%.200s: not an absolute dataset path", path);
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        H5L_info_t info;
        htri_t exists = H5Lexists(file, buf, H5P_DEFAULT);
        if (exists <= 0 || H5Lget_info(file, buf, &info, H5P_DEFAULT) < 0) {
            snprintf(err, err_len, "%s: %s", path,
                     exists == 0 ? "missing" : "cannot read its links (damaged file: a checksum fails)");
            return -1;
        }
        if (info.type != H5L_TYPE_HARD) {
            snprintf(err, err_len, "%s: '%s' is a %s link: links out of the run's own objects are refused", path,
                     buf, info.type == H5L_TYPE_EXTERNAL ? "external" : info.type == H5L_TYPE_SOFT ? "soft" : "user-defined");
            return -1;
        }
        buf[i] = saved;
    }
    return 0;
}

/* Data must live in the file: no external raw-data files, no virtual
 * (mapped from other datasets or files) layout. */
static int storage_is_inside(hid_t ds, const char *path, H5D_layout_t *layout, char *err, size_t err_len)
{
    hid_t dcpl = H5Dget_create_plist(ds);
    if (dcpl < 0) {
        snprintf(err, err_len, "%s: cannot read the storage properties", path);
        return -1;
    }
    *layout = H5Pget_layout(dcpl);
    int external = H5Pget_external_count(dcpl);
    H5Pclose(dcpl);
    if (*layout == H5D_VIRTUAL || external != 0 || *layout < 0) {
        snprintf(err, err_len, "%s: data stored outside the file (%s) is refused", path,
                 *layout == H5D_VIRTUAL ? "virtual dataset" : "external raw-data file");
        return -1;
    }
    return 0;
}

/* A 1-D dataset the recorder wrote has data for every row: chunks allocated
 * for all of them, or contiguous/compact storage as large as the extent.
 * This stops a crafted file whose header claims 2^50 never-written rows
 * (each reads as the fill value, so reading would only never end). */
static int rows_are_backed(hid_t ds, const char *path, H5D_layout_t layout, hsize_t rows, size_t elem_size,
                           char *err, size_t err_len)
{
    if (rows == 0)
        return 0;
    hsize_t backed = 0;
    if (layout == H5D_CHUNKED) {
        hid_t dcpl = H5Dget_create_plist(ds);
        hid_t space = H5Dget_space(ds);
        hsize_t chunk = 0, nchunks = 0;
        int ok = dcpl >= 0 && space >= 0 && H5Pget_chunk(dcpl, 1, &chunk) == 1 && chunk > 0 &&
                 H5Dget_num_chunks(ds, space, &nchunks) >= 0;
        if (dcpl >= 0)
            H5Pclose(dcpl);
        if (space >= 0)
            H5Sclose(space);
        if (!ok) {
            snprintf(err, err_len, "%s: cannot read the chunk index", path);
            return -1;
        }
        backed = nchunks > H5R_MAX_DATASET_BYTES / chunk ? H5R_MAX_DATASET_BYTES : nchunks * chunk;
    } else {
        backed = H5Dget_storage_size(ds) / (elem_size > 0 ? elem_size : 1);
    }
    if (backed < rows) {
        snprintf(err, err_len, "%s: claims %llu rows but holds data for %llu: damaged or crafted file", path,
                 (unsigned long long)rows, (unsigned long long)backed);
        return -1;
    }
    return 0;
}

/* A 2-D series is checked against data the file must hold in full: it has
 * at most as many rows as its group's time axis (the recorder keeps them
 * equal) and at most as many columns as rows of its `entity_table` (at most
 * H5R_MAX_TABLELESS_COLUMNS without one). Its own chunks cannot be the
 * bound: cells never written (an entity not alive yet) take no space. */
#define H5R_MAX_TABLELESS_COLUMNS 1024

static int series_is_backed(hid_t file, hid_t ds, const char *path, const hsize_t *dims, char *err, size_t err_len)
{
    char axis[1024], table[256];
    const char *slash = strrchr(path, '/');
    int n = snprintf(axis, sizeof axis, "%.*s/time_ns", (int)(slash - path), path);
    if (n < 0 || (size_t)n >= sizeof axis || strcmp(axis, path) == 0) {
        snprintf(err, err_len, "%s: bad series path", path);
        return -1;
    }
    if (!h5r_exists(file, axis)) {
        snprintf(err, err_len, "%s: its group has no time_ns axis", path);
        return -1;
    }
    hsize_t bound = 0;
    hid_t t = h5r_open_dataset(file, axis, 1, &bound, err, err_len);
    if (t < 0)
        return -1;
    H5Dclose(t);
    if (dims[0] > bound) {
        snprintf(err, err_len, "%s: %llu rows but %s has %llu samples", path, (unsigned long long)dims[0], axis,
                 (unsigned long long)bound);
        return -1;
    }
    int has_table = h5r_attr_str(ds, "entity_table", table, sizeof table);
    if (has_table < 0) {
        snprintf(err, err_len, "%s: attribute entity_table is not a string", path);
        return -1;
    }
    bound = H5R_MAX_TABLELESS_COLUMNS;
    if (has_table > 0) {
        if (!h5r_exists(file, table)) {
            snprintf(err, err_len, "%s: its entity_table '%.200s' is missing", path, table);
            return -1;
        }
        t = h5r_open_dataset(file, table, 1, &bound, err, err_len);
        if (t < 0)
            return -1;
        H5Dclose(t);
    }
    if (dims[1] > bound) {
        snprintf(err, err_len, "%s: %llu columns but %s %llu entities", path, (unsigned long long)dims[1],
                 has_table > 0 ? "its entity_table has" : "a series without entity_table has at most",
                 (unsigned long long)bound);
        return -1;
    }
    return 0;
}

/* The largest chunk cache a reader asks for: one row of chunks of a series
 * 10,000 hosts wide is 5 MiB (64 x 256 cells of 8 bytes per chunk). */
#define ROW_CACHE_MAX_BYTES ((size_t)64 << 20)

static int is_prime(size_t n)
{
    if (n < 2)
        return 0;
    for (size_t d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

/* Readers walk a series [samples, entities] in blocks of whole rows, fewer
 * rows than a chunk has when the series is wide. With HDF5's default 1 MiB
 * chunk cache a row of chunks does not fit, so every chunk was inflated once
 * per block that touched it (11 times at 10,000 hosts). This reopens a 2-D
 * chunked dataset with a cache holding one full row of chunks, so each chunk
 * is inflated once per scan. Returns the dataset to use: the reopened one,
 * `ds` unchanged when no larger cache is needed or possible, or -1 when the
 * dataset cannot be opened again. */
static hid_t reopen_with_row_cache(hid_t file, const char *path, hid_t ds, const hsize_t *dims, size_t elem_size)
{
    hid_t dcpl = H5Dget_create_plist(ds);
    if (dcpl < 0)
        return ds;
    hsize_t chunk[2] = {0, 0};
    int chunked = H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, 2, chunk) == 2;
    H5Pclose(dcpl);
    if (!chunked || chunk[0] == 0 || chunk[1] == 0 || dims[1] == 0)
        return ds;
    hsize_t chunks_per_row = (dims[1] + chunk[1] - 1) / chunk[1];
    hsize_t chunk_bytes = chunk[0] * chunk[1]; /* both bounded by the 2^32 chunk-size limit */
    if (chunk_bytes > ROW_CACHE_MAX_BYTES / elem_size)
        return ds;
    chunk_bytes *= elem_size;
    if (chunks_per_row > ROW_CACHE_MAX_BYTES / chunk_bytes - 1)
        return ds;
    size_t cache_bytes = (size_t)((chunks_per_row + 1) * chunk_bytes);
    if (cache_bytes <= ((size_t)1 << 20))
        return ds; /* HDF5's default cache already holds it */
    /* HDF5 advises a prime number of hash slots, about 100 per cached chunk. */
    size_t slots = (size_t)(chunks_per_row + 1) * 100;
    while (!is_prime(slots))
        slots++;
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (dapl < 0)
        return ds;
    /* w0 = 1: a chunk read to its end is evicted first. The old handle is
     * closed first: HDF5 shares one cache among the open handles of a
     * dataset, made by the first open. */
    if (H5Pset_chunk_cache(dapl, slots, cache_bytes, 1.0) < 0) {
        H5Pclose(dapl);
        return ds;
    }
    H5Dclose(ds);
    hid_t wide = H5Dopen2(file, path, dapl);
    H5Pclose(dapl);
    return wide >= 0 ? wide : H5Dopen2(file, path, H5P_DEFAULT);
}

hid_t h5r_open_dataset(hid_t file, const char *path, int rank, hsize_t *dims, char *err, size_t err_len)
{
    if (path_is_hard(file, path, err, err_len) != 0)
        return H5I_INVALID_HID;
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    if (ds < 0) {
        snprintf(err, err_len, "%s: not a dataset, or its header is damaged", path);
        return H5I_INVALID_HID;
    }
    H5D_layout_t layout = H5D_LAYOUT_ERROR;
    hid_t type = H5Dget_type(ds);
    size_t elem_size = type >= 0 ? H5Tget_size(type) : 0;
    if (type >= 0)
        H5Tclose(type);
    if (storage_is_inside(ds, path, &layout, err, err_len) != 0)
        goto fail;
    if (elem_size == 0 || h5r_dims(ds, rank, dims) != 0) {
        snprintf(err, err_len, "%s: not a %d-D dataset", path, rank);
        goto fail;
    }
    hsize_t bytes = elem_size;
    for (int i = 0; i < rank; i++) {
        if (dims[i] != 0 && bytes > H5R_MAX_DATASET_BYTES / dims[i]) {
            snprintf(err, err_len, "%s: extent of more than %llu bytes: damaged or crafted file", path,
                     (unsigned long long)H5R_MAX_DATASET_BYTES);
            goto fail;
        }
        bytes *= dims[i];
    }
    if (rank == 1 && rows_are_backed(ds, path, layout, dims[0], elem_size, err, err_len) != 0)
        goto fail;
    if (rank == 2 && series_is_backed(file, ds, path, dims, err, err_len) != 0)
        goto fail;
    if (rank == 2) {
        ds = reopen_with_row_cache(file, path, ds, dims, elem_size);
        if (ds < 0)
            snprintf(err, err_len, "%s: cannot open it again with a larger chunk cache", path);
    }
    return ds;
fail:
    H5Dclose(ds);
    return H5I_INVALID_HID;
}

/* Opens attribute `name` of obj: 1 (id in *attr), 0 absent, -1 error. */
static int open_attr(hid_t obj, const char *name, hid_t *attr, H5T_class_t *cls)
{
    htri_t exists = H5Aexists(obj, name);
    if (exists == 0)
        return 0;
    if (exists < 0)
        return -1;
    *attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (*attr < 0)
        return -1;
    hid_t type = H5Aget_type(*attr);
    hid_t space = H5Aget_space(*attr);
    int ok = type >= 0 && space >= 0 && H5Sget_simple_extent_npoints(space) == 1;
    *cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (!ok) {
        H5Aclose(*attr);
        return -1;
    }
    return 1;
}

int h5r_attr_i64(hid_t obj, const char *name, int64_t *out)
{
    hid_t attr;
    H5T_class_t cls;
    int rc = open_attr(obj, name, &attr, &cls);
    if (rc <= 0)
        return rc;
    int64_t value = 0;
    rc = cls == H5T_INTEGER && H5Aread(attr, H5T_NATIVE_INT64, &value) >= 0 ? 1 : -1;
    H5Aclose(attr);
    if (rc == 1)
        *out = value;
    return rc;
}

int h5r_attr_f64(hid_t obj, const char *name, double *out)
{
    hid_t attr;
    H5T_class_t cls;
    int rc = open_attr(obj, name, &attr, &cls);
    if (rc <= 0)
        return rc;
    double value = 0.0;
    rc = (cls == H5T_FLOAT || cls == H5T_INTEGER) && H5Aread(attr, H5T_NATIVE_DOUBLE, &value) >= 0
             ? 1
             : -1;
    H5Aclose(attr);
    if (rc == 1)
        *out = value;
    return rc;
}

int h5r_attr_str(hid_t obj, const char *name, char *buf, size_t buf_len)
{
    hid_t attr;
    H5T_class_t cls;
    int rc = open_attr(obj, name, &attr, &cls);
    if (rc <= 0)
        return rc;
    rc = -1;
    hid_t ftype = cls == H5T_STRING ? H5Aget_type(attr) : H5I_INVALID_HID;
    /* A variable-length value would be read from the global heap, which no
     * checksum covers: refused (the recorder writes fixed-length ones). */
    size_t size = ftype >= 0 && H5Tis_variable_str(ftype) == 0 ? H5Tget_size(ftype) : 0;
    size_t max = buf_len > H5R_MAX_STRING_BYTES + 1 ? buf_len - 1 : H5R_MAX_STRING_BYTES;
    hid_t mtype = size > 0 && size <= max ? H5Tcopy(ftype) : H5I_INVALID_HID;
    if (mtype >= 0) {
        char *value = calloc(size + 1, 1);
        if (value && H5Tset_strpad(mtype, H5T_STR_NULLTERM) >= 0 && H5Tset_size(mtype, size + 1) >= 0 &&
            H5Aread(attr, mtype, value) >= 0) {
            snprintf(buf, buf_len, "%s", value);
            rc = 1;
        }
        free(value);
        H5Tclose(mtype);
    }
    if (ftype >= 0)
        H5Tclose(ftype);
    H5Aclose(attr);
    return rc;
}

hid_t h5r_open_file(const char *path, char *err, size_t err_len)
{
    if (access(path, R_OK) != 0) {
        snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
        return H5I_INVALID_HID;
    }
    if (H5Fis_hdf5(path) <= 0) {
        snprintf(err, err_len, "%s: not an HDF5 file", path);
        return H5I_INVALID_HID;
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        snprintf(err, err_len, "%s: HDF5 cannot open the file", path);
    return file;
}

int h5r_check_format(hid_t file, const char *path, const char *format_name, int64_t format_version,
                     const char *what, char *err, size_t err_len)
{
    char format[64] = "";
    int rc = h5r_attr_str(file, "format", format, sizeof format);
    if (rc <= 0 || strcmp(format, format_name) != 0) {
        if (rc == 0)
            snprintf(err, err_len, "%s: not a %s (no root attribute 'format')", path, what);
        else if (rc < 0)
            snprintf(err, err_len, "%s: not a %s (root attribute 'format' is not a fixed-length string)", path,
                     what);
        else
            snprintf(err, err_len, "%s: not a %s (root attribute 'format' is '%s', want '%s')", path, what,
                     format, format_name);
        return -1;
    }
    int64_t version = 0;
    rc = h5r_attr_i64(file, "format_version", &version);
    if (rc <= 0) {
        snprintf(err, err_len, "%s: root attribute 'format_version' is %s", path,
                 rc == 0 ? "missing" : "not an integer");
        return -1;
    }
    if (version != format_version) {
        /* Run files of version 1 kept names as variable-length strings in
         * HDF5's global heap, which has no checksum: not read (issue 13). */
        int old_run = strcmp(format_name, REC_FORMAT_NAME) == 0 && version == 1;
        int old_sweep = strcmp(format_name, SWEEP_FORMAT_NAME) == 0 && version == 1;
        snprintf(err, err_len,
                 "%s: format_version %" PRId64 " is not supported: this reader reads format_version %" PRId64 "%s",
                 path, version, format_version,
                 old_run ? " (version 1 stored names as variable-length strings, which are not read safely: "
                           "run the scenario again to write version 2)"
                 : old_sweep ? " (version 1 stored strings variable-length and without checksums, which are not "
                               "read safely: run the same `vdcsim sweep` again on its output directory, which "
                               "keeps the finished runs and writes version 2)"
                             : "");
        return -1;
    }
    return 0;
}

hid_t h5r_open_format(const char *path, const char *format_name, int64_t format_version, const char *what, char *err,
                      size_t err_len)
{
    hid_t file = h5r_open_file(path, err, err_len);
    if (file >= 0 && h5r_check_format(file, path, format_name, format_version, what, err, err_len) != 0) {
        H5Fclose(file);
        file = H5I_INVALID_HID;
    }
    return file;
}

int h5r_check_run(hid_t file, const char *path, int64_t *format_version, char *err, size_t err_len)
{
    if (h5r_check_format(file, path, REC_FORMAT_NAME, REC_FORMAT_VERSION, "vdcsim run file", err, err_len) != 0)
        return -1;
    if (format_version)
        *format_version = REC_FORMAT_VERSION;
    return 0;
}

hid_t h5r_open_run(const char *path, int64_t *format_version, char *err, size_t err_len)
{
    hid_t file = h5r_open_file(path, err, err_len);
    if (file >= 0 && h5r_check_run(file, path, format_version, err, err_len) != 0) {
        H5Fclose(file);
        file = H5I_INVALID_HID;
    }
    return file;
}

int h5r_dims(hid_t dataset, int rank, hsize_t *dims)
{
    hid_t space = H5Dget_space(dataset);
    if (space < 0)
        return -1;
    int rc = H5Sget_simple_extent_ndims(space) == rank && H5Sget_simple_extent_dims(space, dims, NULL) == rank
                 ? 0
                 : -1;
    H5Sclose(space);
    return rc;
}

hsize_t h5r_block_rows(hsize_t cols, size_t budget_values)
{
    if (cols == 0)
        return (hsize_t)budget_values;
    hsize_t rows = (hsize_t)budget_values / cols;
    return rows > 0 ? rows : 1;
}

/* The most cells h5r_block_rows_chunked raises a block to (32 MiB). */
#define CHUNKED_BLOCK_MAX_CELLS ((hsize_t)1 << 22)

hsize_t h5r_block_rows_chunked(hid_t dataset, hsize_t block_rows)
{
    hsize_t height = h5r_chunk_rows_height(dataset);
    if (height <= 1)
        return block_rows;
    if (height <= block_rows)
        return block_rows - block_rows % height;
    /* a wide series (100,000 VMs: a budget of 2 rows, chunks of 4): blocks
     * of fewer rows than a chunk inflate each chunk once per block */
    hsize_t dims[2] = {0, 0};
    if (h5r_dims(dataset, 2, dims) == 0 && dims[1] > 0 && height <= CHUNKED_BLOCK_MAX_CELLS / dims[1])
        return height;
    return block_rows;
}

hsize_t h5r_block_len(hsize_t start, hsize_t end, hsize_t block_rows)
{
    hsize_t to_boundary = block_rows > 0 ? block_rows - start % block_rows : end - start;
    return end - start < to_boundary ? end - start : to_boundary;
}

/* A transfer property list whose type-conversion buffer holds `count`
 * elements of the larger of the file and memory types, capped at HDF5's
 * default 1 MiB. With the default list every H5Dread that converts (a
 * column picked out of a compound table) callocs a 1 MiB conversion buffer
 * and a background buffer of about as much, however few rows it reads:
 * reading a table column by column cost 2 MiB of zeroed memory per column
 * (most of `summary`'s time on a small run, and of fuzz_summary's). */
static hid_t sized_transfer(hid_t dataset, hid_t mtype, hsize_t count)
{
    enum { DEFAULT_BUFFER_BYTES = 1 << 20 };
    hid_t ftype = H5Dget_type(dataset);
    size_t fsize = ftype >= 0 ? H5Tget_size(ftype) : 0, msize = H5Tget_size(mtype);
    if (ftype >= 0)
        H5Tclose(ftype);
    size_t elem = fsize > msize ? fsize : msize;
    if (elem == 0)
        return H5P_DEFAULT;
    size_t bytes = count < DEFAULT_BUFFER_BYTES / elem ? (size_t)count * elem : DEFAULT_BUFFER_BYTES;
    if (bytes < elem)
        bytes = elem; /* one element larger than 1 MiB: HDF5 needs room for it */
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (dxpl >= 0 && H5Pset_buffer(dxpl, bytes, NULL, NULL) < 0) {
        H5Pclose(dxpl);
        dxpl = H5I_INVALID_HID;
    }
    return dxpl >= 0 ? dxpl : H5P_DEFAULT;
}

/* Reads rows [start, start+count) of a 1-D dataset with memory type mtype. */
static int read_rows_1d(hid_t dataset, hid_t mtype, hsize_t start, hsize_t count, void *out)
{
    if (count == 0)
        return 0;
    hid_t fspace = H5Dget_space(dataset);
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    hid_t dxpl = sized_transfer(dataset, mtype, count);
    int rc = -1;
    if (fspace >= 0 && mspace >= 0 &&
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL) >= 0 &&
        H5Dread(dataset, mtype, mspace, fspace, dxpl, out) >= 0)
        rc = 0;
    if (dxpl != H5P_DEFAULT)
        H5Pclose(dxpl);
    if (mspace >= 0)
        H5Sclose(mspace);
    if (fspace >= 0)
        H5Sclose(fspace);
    return rc;
}

/* Checks that the table has member `column` of class `want`. */
static int check_member(hid_t table, const char *table_path, const char *column, H5T_class_t want,
                        char *err, size_t err_len)
{
    hid_t ftype = H5Dget_type(table);
    int rc = -1;
    if (ftype < 0 || H5Tget_class(ftype) != H5T_COMPOUND) {
        snprintf(err, err_len, "%s: not a compound table", table_path);
    } else {
        int index = H5Tget_member_index(ftype, column);
        H5T_class_t cls = index >= 0 ? H5Tget_member_class(ftype, (unsigned)index) : H5T_NO_CLASS;
        if (index < 0)
            snprintf(err, err_len, "%s: no column '%s'", table_path, column);
        else if (cls != want)
            snprintf(err, err_len, "%s: column '%s' is not %s", table_path, column,
                     want == H5T_INTEGER ? "an integer" : want == H5T_FLOAT ? "a float" : "a string");
        else
            rc = 0;
    }
    if (ftype >= 0)
        H5Tclose(ftype);
    return rc;
}

static int table_column(hid_t table, const char *table_path, const char *column, H5T_class_t cls,
                        hid_t member_type, size_t member_size, hsize_t start, hsize_t count, void *out,
                        char *err, size_t err_len)
{
    if (check_member(table, table_path, column, cls, err, err_len) != 0)
        return -1;
    hid_t mtype = H5Tcreate(H5T_COMPOUND, member_size);
    int rc = -1;
    if (mtype >= 0 && H5Tinsert(mtype, column, 0, member_type) >= 0)
        rc = read_rows_1d(table, mtype, start, count, out);
    if (mtype >= 0)
        H5Tclose(mtype);
    if (rc != 0)
        snprintf(err, err_len, "%s: cannot read column '%s' rows %llu..%llu", table_path, column,
                 (unsigned long long)start, (unsigned long long)(start + count));
    return rc;
}

int h5r_table_column_i64(hid_t table, const char *table_path, const char *column, hsize_t start,
                         hsize_t count, int64_t *out, char *err, size_t err_len)
{
    return table_column(table, table_path, column, H5T_INTEGER, H5T_NATIVE_INT64, sizeof(int64_t), start,
                        count, out, err, err_len);
}

int h5r_table_column_f64(hid_t table, const char *table_path, const char *column, hsize_t start,
                         hsize_t count, double *out, char *err, size_t err_len)
{
    return table_column(table, table_path, column, H5T_FLOAT, H5T_NATIVE_DOUBLE, sizeof(double), start,
                        count, out, err, err_len);
}

/* The file type of string member `column`: its fixed size in *size, or -1
 * with a message (missing, not a string, variable-length, absurd size). */
static int fixed_string_member(hid_t table, const char *table_path, const char *column, size_t *size,
                               H5T_cset_t *cset, char *err, size_t err_len)
{
    if (check_member(table, table_path, column, H5T_STRING, err, err_len) != 0)
        return -1;
    hid_t ftype = H5Dget_type(table);
    int index = ftype >= 0 ? H5Tget_member_index(ftype, column) : -1;
    hid_t mtype = index >= 0 ? H5Tget_member_type(ftype, (unsigned)index) : H5I_INVALID_HID;
    htri_t variable = mtype >= 0 ? H5Tis_variable_str(mtype) : -1;
    *size = mtype >= 0 ? H5Tget_size(mtype) : 0;
    *cset = mtype >= 0 ? H5Tget_cset(mtype) : H5T_CSET_ERROR;
    if (mtype >= 0)
        H5Tclose(mtype);
    if (ftype >= 0)
        H5Tclose(ftype);
    if (variable != 0) {
        snprintf(err, err_len,
                 "%s: column '%s' holds variable-length strings, which are not read: their storage has no "
                 "checksum (format_version 2 stores fixed-length strings)",
                 table_path, column);
        return -1;
    }
    if (*size == 0 || *size > H5R_MAX_STRING_BYTES) {
        snprintf(err, err_len, "%s: column '%s' has strings of %zu bytes (at most %zu)", table_path, column, *size,
                 (size_t)H5R_MAX_STRING_BYTES);
        return -1;
    }
    return 0;
}

int h5r_table_column_strs(hid_t table, const char *table_path, const char *column, hsize_t start, hsize_t count,
                          char *out, size_t width, char *err, size_t err_len)
{
    size_t size = 0;
    H5T_cset_t cset = H5T_CSET_ERROR;
    if (width == 0 || fixed_string_member(table, table_path, column, &size, &cset, err, err_len) != 0)
        return -1;
    if (count == 0)
        return 0;
    /* Read into slots of size + 1 (NUL-terminated by the conversion), then
     * copy each truncated to width - 1 bytes. */
    enum { BLOCK = 1024 };
    hsize_t block = count < BLOCK ? count : BLOCK;
    char *slots = calloc((size_t)block, size + 1);
    hid_t str = H5Tcopy(H5T_C_S1);
    /* The file's character set: HDF5 converts none into another. */
    int rc = slots && str >= 0 && H5Tset_size(str, size + 1) >= 0 && H5Tset_strpad(str, H5T_STR_NULLTERM) >= 0 &&
                     cset != H5T_CSET_ERROR && H5Tset_cset(str, cset) >= 0
                 ? 0
                 : -1;
    for (hsize_t done = 0; rc == 0 && done < count; done += block) {
        hsize_t n = count - done < block ? count - done : block;
        rc = table_column(table, table_path, column, H5T_STRING, str, size + 1, start + done, n, slots, err,
                          err_len);
        for (hsize_t k = 0; rc == 0 && k < n; k++)
            snprintf(out + (size_t)(done + k) * width, width, "%s", slots + (size_t)k * (size + 1));
    }
    if (str >= 0)
        H5Tclose(str);
    if (!slots)
        snprintf(err, err_len, "%s: column '%s': out of memory", table_path, column);
    free(slots);
    return rc;
}

int h5r_table_column_str(hid_t table, const char *table_path, const char *column, hsize_t row,
                         char *buf, size_t buf_len, char *err, size_t err_len)
{
    return h5r_table_column_strs(table, table_path, column, row, 1, buf, buf_len, err, err_len);
}

int h5r_read_block_f64(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t col, hsize_t ncols, double *out)
{
    if (nrows == 0 || ncols == 0)
        return 0;
    /* whole rows of chunks: their filters undone on every thread */
    int chunked = h5r_chunk_block_read(dataset, row, nrows, col, ncols, out);
    if (chunked != 0)
        return chunked > 0 ? 0 : -1;
    hsize_t start[2] = {row, col}, count[2] = {nrows, ncols};
    hid_t fspace = H5Dget_space(dataset);
    hid_t mspace = H5Screate_simple(2, count, NULL);
    int rc = -1;
    if (fspace >= 0 && mspace >= 0 &&
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
        H5Dread(dataset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, out) >= 0)
        rc = 0;
    if (mspace >= 0)
        H5Sclose(mspace);
    if (fspace >= 0)
        H5Sclose(fspace);
    return rc;
}

int h5r_read_rows_f64(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t cols, double *out)
{
    return h5r_read_block_f64(dataset, row, nrows, 0, cols, out);
}

int h5r_events_each(hid_t file, const char *const *names, int n_names, h5r_event_fn fn, void *arg, char *err,
                    size_t err_len)
{
    if (!h5r_exists(file, "/events"))
        return 0;
    hsize_t rows = 0;
    char open_err[512];
    hid_t ds = h5r_open_dataset(file, "/events", 1, &rows, open_err, sizeof open_err);
    hid_t ftype = ds >= 0 ? H5Dget_type(ds) : H5I_INVALID_HID;
    hid_t kind_ftype = H5I_INVALID_HID, kind_mtype = H5I_INVALID_HID, mtype = H5I_INVALID_HID;
    int *values = calloc((size_t)(n_names > 0 ? n_names : 1), sizeof *values);
    int *known = calloc((size_t)(n_names > 0 ? n_names : 1), sizeof *known);
    h5r_event *block = NULL;
    int rc = -1;
    int index = ftype >= 0 ? H5Tget_member_index(ftype, "kind") : -1;
    if (ds < 0) {
        snprintf(err, err_len, "%s", open_err);
        goto done;
    }
    if (ftype < 0 || H5Tget_class(ftype) != H5T_COMPOUND || index < 0 ||
        H5Tget_member_class(ftype, (unsigned)index) != H5T_ENUM) {
        snprintf(err, err_len, "/events: not a 1-D compound dataset with an enum member 'kind'");
        goto done;
    }
    kind_ftype = H5Tget_member_type(ftype, (unsigned)index);
    kind_mtype = kind_ftype >= 0 ? H5Tget_native_type(kind_ftype, H5T_DIR_ASCEND) : H5I_INVALID_HID;
    if (kind_mtype < 0 || H5Tget_size(kind_mtype) != sizeof(int)) {
        snprintf(err, err_len, "/events: member 'kind' is not a 32-bit enum");
        goto done;
    }
    if (!values || !known) {
        snprintf(err, err_len, "/events: out of memory");
        goto done;
    }
    /* A name the enum does not hold matches nothing: that kind has 0 records. */
    int any = 0;
    for (int i = 0; i < n_names; i++) {
        known[i] = H5Tenum_valueof(kind_mtype, names[i], &values[i]) >= 0;
        any |= known[i];
    }
    if (!any || rows == 0) {
        rc = 1;
        goto done;
    }
    mtype = H5Tcreate(H5T_COMPOUND, sizeof(h5r_event));
    if (mtype < 0 || H5Tinsert(mtype, "time_ns", HOFFSET(h5r_event, time_ns), H5T_NATIVE_INT64) < 0 ||
        H5Tinsert(mtype, "kind", HOFFSET(h5r_event, kind), kind_mtype) < 0 ||
        H5Tinsert(mtype, "subject", HOFFSET(h5r_event, subject), H5T_NATIVE_INT64) < 0 ||
        H5Tinsert(mtype, "a", HOFFSET(h5r_event, a), H5T_NATIVE_INT64) < 0 ||
        H5Tinsert(mtype, "b", HOFFSET(h5r_event, b), H5T_NATIVE_INT64) < 0 ||
        H5Tinsert(mtype, "value", HOFFSET(h5r_event, value), H5T_NATIVE_DOUBLE) < 0) {
        snprintf(err, err_len, "/events: cannot build the memory type");
        goto done;
    }
    hsize_t block_rows = rows < EVENT_BLOCK_ROWS ? rows : EVENT_BLOCK_ROWS;
    block = malloc((size_t)block_rows * sizeof *block);
    if (!block) {
        snprintf(err, err_len, "/events: out of memory");
        goto done;
    }
    for (hsize_t start = 0; start < rows; start += block_rows) {
        hsize_t count = rows - start < block_rows ? rows - start : block_rows;
        if (read_rows_1d(ds, mtype, start, count, block) != 0) {
            snprintf(err, err_len, "/events: cannot read rows %llu..%llu (damaged data fails its checksum)",
                     (unsigned long long)start,
                     (unsigned long long)(start + count));
            goto done;
        }
        for (hsize_t k = 0; k < count; k++)
            for (int i = 0; i < n_names; i++)
                if (known[i] && block[k].kind == values[i]) {
                    h5r_event e = block[k];
                    e.kind = i;
                    fn(&e, arg);
                    break;
                }
    }
    rc = 1;
done:
    free(block);
    free(values);
    free(known);
    if (mtype >= 0)
        H5Tclose(mtype);
    if (kind_mtype >= 0)
        H5Tclose(kind_mtype);
    if (kind_ftype >= 0)
        H5Tclose(kind_ftype);
    if (ftype >= 0)
        H5Tclose(ftype);
    if (ds >= 0)
        H5Dclose(ds);
    return rc;
}

static void count_event(const h5r_event *e, void *arg)
{
    ((int64_t *)arg)[e->kind]++;
}

int h5r_event_kind_counts(hid_t file, const char *const *names, int n_names, int64_t *counts,
                          char *err, size_t err_len)
{
    for (int i = 0; i < n_names; i++)
        counts[i] = 0;
    return h5r_events_each(file, names, n_names, count_event, counts, err, err_len);
}

typedef struct {
    h5r_event *out;
    size_t cap, n;
} event_collector;

static void collect_event(const h5r_event *e, void *arg)
{
    event_collector *c = arg;
    if (c->n < c->cap) {
        c->out[c->n] = *e;
        c->out[c->n].kind = 0;
    }
    c->n++;
}

int h5r_events_of_kind(hid_t file, const char *kind, h5r_event *out, size_t cap, size_t *n, char *err,
                       size_t err_len)
{
    event_collector c = {out, cap, 0};
    int rc = h5r_events_each(file, &kind, 1, collect_event, &c, err, err_len);
    *n = c.n;
    return rc;
}
