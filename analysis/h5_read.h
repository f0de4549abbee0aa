/* h5_read.h - small helpers for reading a vdcsim run file (docs/hdf5-layout.md).
 *
 * Shared by the analysis tools. They wrap the HDF5 C API for the few shapes
 * the recorder writes: scalar root/group attributes, 1-D compound tables,
 * 2-D float64 series [sample, entity] and the /events log. Everything reads
 * in caller-sized blocks of rows, so no tool has to load an unbounded dataset
 * at once.
 *
 * Conventions
 *  - Functions that can fail return -1 and, when they take (err, err_len),
 *    write a message naming the dataset or attribute; callers prefix the file
 *    path. Lookups of optional things return 1 (found), 0 (absent), -1.
 *  - Wrap a reading session in h5r_quiet_begin/end: HDF5's automatic error
 *    stack printing is turned off so a missing optional object or a refused
 *    file does not spray the terminal; the caller's message says what failed.
 *  - Not thread-safe (HDF5 serial build, and the quiet state is global).
 */
#ifndef VDCSIM_ANALYSIS_H5_READ_H
#define VDCSIM_ANALYSIS_H5_READ_H

#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <stddef.h>
#include <stdint.h>

typedef struct {
    H5E_auto2_t func;
    void *data;
} h5r_quiet;

/* Saves HDF5's automatic error handler and turns it off; end restores it. */
void h5r_quiet_begin(h5r_quiet *q);
void h5r_quiet_end(const h5r_quiet *q);

/* Opens an HDF5 file read-only (H5P_DEFAULT access), or H5I_INVALID_HID
 * with a message naming `path` (missing, unreadable, not HDF5). */
hid_t h5r_open_file(const char *path, char *err, size_t err_len);

/* Checks the root attributes of an open file: format == format_name and
 * format_version == format_version. 0, or -1 with a message naming `path`
 * (the name used in messages; the fuzz targets open an in-memory image)
 * and saying what differs; `what` names the kind ("vdcsim sweep file"). */
int h5r_check_format(hid_t file, const char *path, const char *format_name, int64_t format_version,
                     const char *what, char *err, size_t err_len);

/* h5r_check_format for a run file (REC_FORMAT_NAME, REC_FORMAT_VERSION);
 * stores the version on success. */
int h5r_check_run(hid_t file, const char *path, int64_t *format_version, char *err, size_t err_len);

/* Opens a run file read-only and checks the root attributes format ==
 * "vdcsim" and format_version == REC_FORMAT_VERSION. On success returns the
 * file id and stores the version; otherwise returns H5I_INVALID_HID with a
 * message naming `path` (missing file, not HDF5, not a vdcsim file, or
 * "format_version 99 is not supported: this reader reads format_version 1"). */
hid_t h5r_open_run(const char *path, int64_t *format_version, char *err, size_t err_len);

/* The same for any vdcsim file: root attribute format == format_name and
 * format_version == format_version; `what` names the kind in messages
 * ("vdcsim sweep file"). */
hid_t h5r_open_format(const char *path, const char *format_name, int64_t format_version, const char *what, char *err,
                      size_t err_len);

/* 1 when the object at `path` (absolute, e.g. "/series/host/cpu_usage_mhz")
 * exists, walking the path one link at a time; 0 otherwise; -1 when the
 * links cannot be read (a damaged file), which callers testing `if
 * (!h5r_exists(...))` treat as present, so the open that follows fails with
 * a message instead of a damaged object looking absent. A soft or
 * external link on the path counts as existing, so that h5r_open_dataset
 * refuses it with a message instead of the object looking absent. */
int h5r_exists(hid_t file, const char *path);

/* Scalar attributes of `obj`: 1 read, 0 absent, -1 present but of another
 * class (string vs number) or unreadable. h5r_attr_f64 also reads integer
 * attributes; h5r_attr_str truncates to buf_len - 1 bytes and reads
 * fixed-length strings only (a variable-length one is -1: it would be read
 * from the global heap, which has no checksum), of at most
 * H5R_MAX_STRING_BYTES or, with a larger buffer, buf_len - 1 bytes (the
 * scenario text of a run: 134 KB for scenarios/datacenter_10k.cfg). */
int h5r_attr_i64(hid_t obj, const char *name, int64_t *out);
int h5r_attr_f64(hid_t obj, const char *name, double *out);
int h5r_attr_str(hid_t obj, const char *name, char *buf, size_t buf_len);

/* The extent of a dataset of the given rank; -1 if it has another rank.
 * Checks only the rank: use h5r_open_dataset for a dataset named by a file. */
int h5r_dims(hid_t dataset, int rank, hsize_t *dims);

/* Largest logical size (rows x columns x element size) a reader accepts for
 * one dataset. Far above any run the recorder can write (see the run size
 * limit in docs/hdf5-layout.md), far below what would overflow a size_t. */
#define H5R_MAX_DATASET_BYTES ((hsize_t)1 << 40)

/* Opens the dataset at `path` (absolute) and checks it before anything is
 * sized from it: every link on the path is a hard link inside this file (no
 * soft or external links), its data lives in the file (no external storage
 * or virtual layout), it has `rank` dimensions, its logical size fits
 * H5R_MAX_DATASET_BYTES without overflow, and its extent is backed by data:
 * a 1-D dataset (the recorder writes every row) must have allocated chunks
 * or storage for every row, and a 2-D series may not have more rows than the
 * `time_ns` axis of its group. dims gets the extent. Returns the dataset id,
 * or H5I_INVALID_HID with a message naming `path` (for a missing dataset
 * too: test h5r_exists first when it is optional). */
hid_t h5r_open_dataset(hid_t file, const char *path, int rank, hsize_t *dims, char *err, size_t err_len);

/* n * size for an array to allocate; 0 when the product overflows size_t
 * (callers treat 0 as "too large" and allocate nothing). */
size_t h5r_array_bytes(hsize_t n, size_t size);

/* Rows of a block for a 2-D read of `cols` columns holding at most
 * `budget_values` values (at least one row). */
hsize_t h5r_block_rows(hsize_t cols, size_t budget_values);

/* block_rows rounded down to whole chunks of the dataset's rows
 * (h5r_chunk_rows_height); when one chunk has more rows than that, raised
 * to one chunk's rows if those hold at most 4 Mi cells (else left as it
 * is). Blocks that start at multiples of it (h5r_block_len) read each chunk
 * once, its filters undone on every thread (analysis/h5_chunk_rows.h). */
hsize_t h5r_block_rows_chunked(hid_t dataset, hsize_t block_rows);

/* Rows of the block that starts at `start` in a read up to `end`: to the
 * next multiple of block_rows, or to end. */
hsize_t h5r_block_len(hsize_t start, hsize_t end, hsize_t block_rows);

/* Longest fixed-length string (a table column or an attribute) a reader
 * accepts; the recorder refuses longer values (docs/hdf5-layout.md). */
#define H5R_MAX_STRING_BYTES ((size_t)1 << 16)

/* One column of a 1-D compound table, rows [start, start + count):
 * _i64 wants an integer member, _f64 a float member, _str a fixed-length
 * string member (one row, copied into buf, truncated). -1 with a message
 * naming `table_path` and the column when the member is missing or of another
 * class, a string column is variable-length (format_version 1: refused, its
 * storage has no checksum) or longer than H5R_MAX_STRING_BYTES, or the read
 * fails. */
int h5r_table_column_i64(hid_t table, const char *table_path, const char *column, hsize_t start,
                         hsize_t count, int64_t *out, char *err, size_t err_len);
int h5r_table_column_f64(hid_t table, const char *table_path, const char *column, hsize_t start,
                         hsize_t count, double *out, char *err, size_t err_len);
int h5r_table_column_str(hid_t table, const char *table_path, const char *column, hsize_t row,
                         char *buf, size_t buf_len, char *err, size_t err_len);
/* Rows [start, start + count) of a fixed-length string column: row k goes
 * to out + k * width, truncated to width - 1 bytes and NUL-terminated. */
int h5r_table_column_strs(hid_t table, const char *table_path, const char *column, hsize_t start, hsize_t count,
                          char *out, size_t width, char *err, size_t err_len);

/* Rows [row, row + nrows) of a 2-D float64 dataset with `cols` columns into
 * out (nrows * cols values, row-major). Cells never written read as NaN. */
int h5r_read_rows_f64(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t cols, double *out);
/* The same for columns [col, col + ncols) (out: nrows x ncols values). */
int h5r_read_block_f64(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t col, hsize_t ncols, double *out);

/* Counts the /events records of each named kind in one streaming pass
 * (h5r_events_each), matching kinds by their enum names (never by
 * numbers). counts[i] is 0 for a name the file's enum does not hold. Returns
 * 1 when /events exists, 0 when it is absent (counts all 0), -1 with a
 * message naming /events. */
int h5r_event_kind_counts(hid_t file, const char *const *names, int n_names, int64_t *counts,
                          char *err, size_t err_len);

/* One /events record. h5r_events_each sets kind to the index into the
 * caller's names; h5r_events_of_kind leaves it 0. */
typedef struct h5r_event {
    int64_t time_ns;
    int kind;
    int64_t subject, a, b;
    double value;
} h5r_event;

/* The /events records of the kind named `kind`, in file order (time, lp,
 * seq): the first `cap` go to out, *n gets how many there are in all.
 * Returns 1 when /events exists (*n = 0 if the kind is not in it), 0 when
 * /events is absent, -1 with a message naming /events. */
int h5r_events_of_kind(hid_t file, const char *kind, h5r_event *out, size_t cap, size_t *n, char *err,
                       size_t err_len);
typedef void (*h5r_event_fn)(const h5r_event *e, void *arg);

/* Streams the /events records whose kind is one of `names`, in file order
 * (time, lp, seq), to fn, in blocks: the one reader of /events the others
 * are built on. A name the file's enum does not hold matches nothing. Returns 1 when /events exists, 0 when absent,
 * -1 with a message naming /events. */
int h5r_events_each(hid_t file, const char *const *names, int n_names, h5r_event_fn fn, void *arg, char *err,
                    size_t err_len);

#endif
