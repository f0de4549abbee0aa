/* rec_table.c - /tables/<name>: compound datasets of entity descriptions.
 *
 * Columns are int64, float64 or fixed-length UTF-8 strings (NUL-padded),
 * packed in the file (docs/hdf5-layout.md, format_version 2). Rows are
 * appended serially. A table without strings is created at once and its
 * rows are held in memory only until REC_TABLE_WRITE_ROWS of them pend, then
 * written in whole chunks; a table with a string column is created when the
 * recorder closes, because each string column's size is its longest value
 * (every row must be in to know it). Strings stay inside the Fletcher-32
 * checksummed chunks that way; a variable-length string would live in the
 * global heap, which has no checksum. Until then its rows wait in blocks of
 * REC_TABLE_BLOCK_ROWS, deflated as each fills (issue 18, memory: the
 * 100,000 rows of /tables/vms held 12 MiB at the end of a run, 1 MiB so).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "recorder/rec_internal.h"

/* Rows packed per H5Dwrite when a table is written; a table without
 * strings writes its whole chunks once this many rows pend. */
#define REC_TABLE_WRITE_ROWS 4096
/* Rows of a table with strings per deflated block of pending rows. */
#define REC_TABLE_BLOCK_ROWS 1024
/* A chunk holds REC_TABLE_CHUNK_ROWS rows, fewer when rows are wide (long
 * strings), so that a chunk stays near this size. */
#define REC_TABLE_CHUNK_BYTES (1u << 20)
/* Longest string a column stores; a longer value is an error, not truncated. */
#define REC_TABLE_STRING_MAX ((size_t)1 << 16)

static char *rec_copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c != NULL)
        memcpy(c, s, n);
    return c;
}

/* The string of a pending cell of a string column. */
static const char *rec_cell_str(const rec_table *t, const rec_cell *c) { return t->strings + c->i64; }

/* Stores s in the table's string arena (or finds it as the previous row's
 * value of the column); the offset, or -1 if memory ran out. */
static int64_t rec_table_intern(rec_table *t, int col, const char *s)
{
    if (t->pending_rows > 0) {
        int64_t prev = t->pending[(t->pending_rows - 1) * t->ncols + col].i64;
        if (strcmp(t->strings + prev, s) == 0)
            return prev;
    }
    size_t n = strlen(s) + 1;
    if (n > SIZE_MAX / 2 - t->strings_len)
        return -1;
    if (t->strings_len + n > t->strings_cap) {
        size_t cap = t->strings_cap ? t->strings_cap : 4096;
        while (cap < t->strings_len + n)
            cap *= 2;
        char *grown = realloc(t->strings, cap);
        if (grown == NULL)
            return -1;
        t->strings = grown;
        t->strings_cap = cap;
    }
    memcpy(t->strings + t->strings_len, s, n);
    t->strings_len += n;
    return (int64_t)(t->strings_len - n);
}

static hid_t rec_table_member_type(const rec_table *t, int col, int in_file)
{
    switch (t->types[col]) {
    case REC_I64:
        return H5Tcopy(in_file ? H5T_STD_I64LE : H5T_NATIVE_INT64);
    case REC_F64:
        return H5Tcopy(in_file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE);
    case REC_STR:
        return rec_h5_fixed_string_type(t->widths[col]);
    }
    return H5I_INVALID_HID;
}

/* The packed row type: the file's (little-endian) or the native one with
 * the same offsets, which pack_rows fills. */
static hid_t rec_table_row_type(const rec_table *t, int in_file)
{
    hid_t type = H5Tcreate(H5T_COMPOUND, t->row_bytes);
    if (type < 0)
        return H5I_INVALID_HID;
    for (int i = 0; i < t->ncols; i++) {
        hid_t member = rec_table_member_type(t, i, in_file);
        herr_t rc = member < 0 ? -1 : H5Tinsert(type, t->col_names[i], t->offsets[i], member);
        if (member >= 0)
            H5Tclose(member);
        if (rc < 0) {
            H5Tclose(type);
            return H5I_INVALID_HID;
        }
    }
    return type;
}

/* The `units` attribute: one fixed-length string per column, NUL-padded. */
static int rec_table_write_units(const rec_table *t)
{
    size_t width = 1;
    for (int i = 0; i < t->ncols; i++)
        if (strlen(t->units[i]) > width)
            width = strlen(t->units[i]);
    char *packed = calloc((size_t)t->ncols, width);
    if (packed == NULL)
        return -1;
    for (int i = 0; i < t->ncols; i++)
        memcpy(packed + (size_t)i * width, t->units[i], strlen(t->units[i]));
    hsize_t dims[1] = {(hsize_t)t->ncols};
    hid_t type = rec_h5_fixed_string_type(width);
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t attr = H5I_INVALID_HID;
    int rc = -1;
    if (type >= 0 && space >= 0)
        attr = H5Acreate2(t->dataset, "units", type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr >= 0 && H5Awrite(attr, type, packed) >= 0)
        rc = 0;
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    free(packed);
    return rc;
}

/* Sizes the columns (strings by their longest pending value), creates the
 * dataset and writes `units`. */
static int rec_table_create(recorder *r, rec_table *t)
{
    size_t offset = 0;
    for (int i = 0; i < t->ncols; i++) {
        size_t width = 8;
        if (t->types[i] == REC_STR) {
            width = t->longest[i];
            if (width > REC_TABLE_STRING_MAX) {
                rec_error(r, "%s: /tables/%s: column '%s' has a value of %zu bytes (at most %zu)",
                          r->partial_path, t->name, t->col_names[i], width, REC_TABLE_STRING_MAX);
                return -1;
            }
        }
        t->widths[i] = width;
        t->offsets[i] = offset;
        offset += width;
    }
    t->row_bytes = offset;
    t->chunk_rows = REC_TABLE_CHUNK_ROWS;
    if (t->row_bytes * t->chunk_rows > REC_TABLE_CHUNK_BYTES)
        t->chunk_rows = REC_TABLE_CHUNK_BYTES / t->row_bytes > 0 ? REC_TABLE_CHUNK_BYTES / t->row_bytes : 1;
    hid_t file_type = rec_table_row_type(t, 1);
    t->mem_type = rec_table_row_type(t, 0);
    if (file_type < 0 || t->mem_type < 0) {
        if (file_type >= 0)
            H5Tclose(file_type);
        return rec_h5_fail(r, "/tables/%s: cannot build the row type", t->name);
    }
    hsize_t chunk[1] = {t->chunk_rows};
    t->dataset = rec_h5_dataset_new(r->tables_group, t->name, file_type, 0, chunk, -1, NULL);
    H5Tclose(file_type);
    if (t->dataset < 0)
        return rec_h5_fail(r, "/tables/%s: cannot create the dataset", t->name);
    if (rec_table_write_units(t) < 0)
        return rec_h5_fail(r, "/tables/%s: cannot write attribute units", t->name);
    return 0;
}

int rec_table_new(recorder *r, const char *name, const rec_column *cols, int ncols)
{
    if (atomic_load(&r->failed) || !rec_name_ok(r, "table", name))
        return -1;
    if (ncols < 1 || cols == NULL) {
        rec_error(r, "%s: /tables/%s: a table needs at least one column", r->partial_path, name);
        return -1;
    }
    for (int i = 0; i < ncols; i++) {
        if (!rec_name_ok(r, "column", cols[i].name))
            return -1;
        if (cols[i].type != REC_I64 && cols[i].type != REC_F64 && cols[i].type != REC_STR) {
            rec_error(r, "%s: /tables/%s: column '%s' has an unknown type", r->partial_path, name,
                     cols[i].name);
            return -1;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(cols[i].name, cols[j].name) == 0) {
                rec_error(r, "%s: /tables/%s: column '%s' appears twice", r->partial_path, name,
                         cols[i].name);
                return -1;
            }
        }
    }
    for (int i = 0; i < r->n_tables; i++) {
        if (strcmp(r->tables[i].name, name) == 0) {
            rec_error(r, "%s: /tables/%s exists already", r->partial_path, name);
            return -1;
        }
    }
    rec_table *grown = realloc(r->tables, (size_t)(r->n_tables + 1) * sizeof *grown);
    if (grown == NULL) {
        rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, name);
        return -1;
    }
    r->tables = grown;
    rec_table *t = &r->tables[r->n_tables];
    memset(t, 0, sizeof *t);
    t->dataset = t->mem_type = H5I_INVALID_HID;
    t->ncols = ncols;
    t->name = rec_copy(name);
    t->types = malloc((size_t)ncols * sizeof *t->types);
    t->col_names = calloc((size_t)ncols, sizeof *t->col_names);
    t->units = calloc((size_t)ncols, sizeof *t->units);
    t->offsets = calloc((size_t)ncols, sizeof *t->offsets);
    t->widths = calloc((size_t)ncols, sizeof *t->widths);
    t->longest = calloc((size_t)ncols, sizeof *t->longest);
    r->n_tables++; /* counted now so rec_tables_free releases whatever exists */
    int ok = t->name && t->types && t->col_names && t->units && t->offsets && t->widths && t->longest;
    for (int i = 0; ok && i < ncols; i++) {
        t->longest[i] = 1; /* a string column is at least 1 byte wide */
        t->types[i] = cols[i].type;
        t->has_strings |= cols[i].type == REC_STR;
        t->col_names[i] = rec_copy(cols[i].name);
        t->units[i] = rec_copy(cols[i].unit != NULL ? cols[i].unit : "");
        ok = t->col_names[i] != NULL && t->units[i] != NULL;
    }
    if (!ok) {
        rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, name);
        return -1;
    }
    if (!t->has_strings && rec_table_create(r, t) < 0)
        return -1;
    return r->n_tables - 1;
}

int rec_table_reserve(recorder *r, int table, int64_t rows)
{
    if (atomic_load(&r->failed))
        return -1;
    if (table < 0 || table >= r->n_tables || rows < 0) {
        rec_error(r, "%s: rec_table_reserve: no table %d", r->partial_path, table);
        return -1;
    }
    rec_table *t = &r->tables[table];
    /* pending rows never outgrow one block (strings) or one write */
    int64_t most = t->has_strings ? REC_TABLE_BLOCK_ROWS : REC_TABLE_WRITE_ROWS;
    if (rows > most - t->pending_rows)
        rows = most - t->pending_rows > 0 ? most - t->pending_rows : 0;
    int64_t cap = t->pending_rows + rows;
    if (cap <= t->pending_cap)
        return 0;
    if ((uint64_t)cap > SIZE_MAX / (size_t)t->ncols / sizeof(rec_cell)) {
        rec_error(r, "%s: /tables/%s: too many rows", r->partial_path, t->name);
        return -1;
    }
    rec_cell *grown = realloc(t->pending, (size_t)cap * (size_t)t->ncols * sizeof *grown);
    if (grown == NULL) {
        rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
        return -1;
    }
    t->pending = grown;
    t->pending_cap = cap;
    return 0;
}

static int rec_table_freeze(recorder *r, rec_table *t);
static int rec_table_flush_one(recorder *r, rec_table *t, int everything);

int rec_table_row(recorder *r, int table, const rec_value *values)
{
    if (atomic_load(&r->failed))
        return -1;
    if (table < 0 || table >= r->n_tables || (!r->tables[table].has_strings && r->tables[table].dataset < 0)) {
        rec_error(r, "%s: rec_table_row: no table %d", r->partial_path, table);
        return -1;
    }
    rec_table *t = &r->tables[table];
    if (t->pending_rows == t->pending_cap) {
        int64_t cap = t->pending_cap > 0 ? t->pending_cap * 2 : 16;
        if (cap > INT64_MAX / 2 || (uint64_t)cap > SIZE_MAX / (size_t)t->ncols / sizeof(rec_cell)) {
            rec_error(r, "%s: /tables/%s: too many rows", r->partial_path, t->name);
            return -1;
        }
        rec_cell *grown = realloc(t->pending, (size_t)cap * (size_t)t->ncols * sizeof *grown);
        if (grown == NULL) {
            rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
            return -1;
        }
        t->pending = grown;
        t->pending_cap = cap;
    }
    rec_cell *row = &t->pending[t->pending_rows * t->ncols];
    size_t strings_before = t->strings_len;
    for (int i = 0; i < t->ncols; i++) {
        switch (t->types[i]) {
        case REC_I64:
            row[i].i64 = values[i].i64;
            break;
        case REC_F64:
            row[i].f64 = values[i].f64;
            break;
        case REC_STR: {
            const char *str = values[i].str != NULL ? values[i].str : "";
            row[i].i64 = rec_table_intern(t, i, str);
            if (row[i].i64 < 0) {
                t->strings_len = strings_before; /* the row is not added */
                rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
                return -1;
            }
            break;
        }
        }
    }
    /* the row is in: its strings count for the columns' widths */
    for (int i = 0; i < t->ncols; i++)
        if (t->types[i] == REC_STR && strlen(rec_cell_str(t, &row[i])) > t->longest[i])
            t->longest[i] = strlen(rec_cell_str(t, &row[i]));
    t->pending_rows++;
    if (t->has_strings)
        return t->pending_rows == REC_TABLE_BLOCK_ROWS ? rec_table_freeze(r, t) : 0;
    return t->pending_rows >= REC_TABLE_WRITE_ROWS ? rec_table_flush_one(r, t, 0) : 0;
}

/* Packs rows [0, count) of `cells` (strings: offsets into `strings`) into
 * buf in mem_type's layout; strings are NUL-padded to their column's width
 * (never longer: the width is the longest value). */
static void rec_table_pack(const rec_table *t, const rec_cell *cells, const char *strings, int64_t count,
                           unsigned char *buf)
{
    memset(buf, 0, (size_t)count * t->row_bytes);
    for (int64_t k = 0; k < count; k++) {
        const rec_cell *row_cells = &cells[k * t->ncols];
        unsigned char *row = buf + (size_t)k * t->row_bytes;
        for (int i = 0; i < t->ncols; i++) {
            unsigned char *at = row + t->offsets[i];
            if (t->types[i] == REC_I64)
                memcpy(at, &row_cells[i].i64, sizeof row_cells[i].i64);
            else if (t->types[i] == REC_F64)
                memcpy(at, &row_cells[i].f64, sizeof row_cells[i].f64);
            else
                memcpy(at, strings + row_cells[i].i64, strlen(strings + row_cells[i].i64));
        }
    }
}

/* Appends `rows` rows of `cells` to the dataset, packed, in pieces of at
 * most REC_TABLE_WRITE_ROWS rows and about one chunk's bytes. */
static int rec_table_write_rows(recorder *r, rec_table *t, const rec_cell *cells, const char *strings,
                                int64_t rows)
{
    int64_t block = rows < REC_TABLE_WRITE_ROWS ? rows : REC_TABLE_WRITE_ROWS;
    if (block > (int64_t)(REC_TABLE_CHUNK_BYTES / t->row_bytes))
        block = REC_TABLE_CHUNK_BYTES / t->row_bytes > 0 ? (int64_t)(REC_TABLE_CHUNK_BYTES / t->row_bytes) : 1;
    unsigned char *buf = malloc((size_t)block * t->row_bytes);
    if (buf == NULL) {
        rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
        return -1;
    }
    for (int64_t done = 0; done < rows; done += block) {
        int64_t n = rows - done < block ? rows - done : block;
        rec_table_pack(t, cells + done * t->ncols, strings, n, buf);
        if (rec_h5_write_rows(t->dataset, t->mem_type, t->rows_written + done, n, 0, 0, buf) < 0) {
            free(buf);
            return rec_h5_fail(r, "/tables/%s: cannot write rows", t->name);
        }
    }
    free(buf);
    t->rows_written += rows;
    return 0;
}

/* A block's cells in the deflated layout: column by column, and byte k of
 * every cell before byte k + 1 (as HDF5's shuffle filter): the columns of
 * successive rows are alike, so the block deflates about tenfold. */
static void rec_table_shuffle(const rec_table *t, int64_t rows, unsigned char *out)
{
    size_t n_cells = (size_t)rows * (size_t)t->ncols;
    for (int c = 0; c < t->ncols; c++)
        for (int64_t k = 0; k < rows; k++) {
            unsigned char bytes[sizeof(rec_cell)];
            memcpy(bytes, &t->pending[k * t->ncols + c], sizeof bytes);
            size_t j = (size_t)c * (size_t)rows + (size_t)k;
            for (size_t b = 0; b < sizeof bytes; b++)
                out[b * n_cells + j] = bytes[b];
        }
}

static void rec_table_unshuffle(const rec_table *t, int64_t rows, const unsigned char *in, rec_cell *cells)
{
    size_t n_cells = (size_t)rows * (size_t)t->ncols;
    for (int c = 0; c < t->ncols; c++)
        for (int64_t k = 0; k < rows; k++) {
            unsigned char bytes[sizeof(rec_cell)];
            size_t j = (size_t)c * (size_t)rows + (size_t)k;
            for (size_t b = 0; b < sizeof bytes; b++)
                bytes[b] = in[b * n_cells + j];
            memcpy(&cells[k * t->ncols + c], bytes, sizeof bytes);
        }
}

/* Deflates the pending rows (and their strings) of a table with strings
 * into a new block; the pending rows start again empty. */
static int rec_table_freeze(recorder *r, rec_table *t)
{
    size_t cell_bytes = (size_t)t->pending_rows * (size_t)t->ncols * sizeof(rec_cell);
    size_t raw_len = cell_bytes + t->strings_len;
    if (t->n_zblocks == t->zblocks_cap) {
        int64_t cap = t->zblocks_cap > 0 ? t->zblocks_cap * 2 : 16;
        rec_table_zblock *grown = realloc(t->zblocks, (size_t)cap * sizeof *grown);
        if (grown == NULL) {
            rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
            return -1;
        }
        t->zblocks = grown;
        t->zblocks_cap = cap;
    }
    uLongf z_len = compressBound((uLong)raw_len);
    unsigned char *raw = malloc(raw_len), *z = malloc(z_len);
    int ok = raw != NULL && z != NULL;
    if (ok) {
        rec_table_shuffle(t, t->pending_rows, raw);
        memcpy(raw + cell_bytes, t->strings, t->strings_len);
        ok = compress2(z, &z_len, raw, (uLong)raw_len, 1) == Z_OK;
    }
    free(raw);
    if (!ok) {
        free(z);
        rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
        return -1;
    }
    unsigned char *fit = realloc(z, z_len);
    t->zblocks[t->n_zblocks++] = (rec_table_zblock){.data = fit != NULL ? fit : z,
                                                     .data_len = z_len,
                                                     .strings_len = t->strings_len,
                                                     .rows = t->pending_rows};
    t->pending_rows = 0;
    t->strings_len = 0;
    return 0;
}

/* Inflates block zb and appends its rows. */
static int rec_table_write_zblock(recorder *r, rec_table *t, const rec_table_zblock *zb)
{
    size_t cell_bytes = (size_t)zb->rows * (size_t)t->ncols * sizeof(rec_cell);
    uLongf raw_len = (uLongf)(cell_bytes + zb->strings_len);
    unsigned char *raw = malloc(raw_len);
    rec_cell *cells = malloc(cell_bytes);
    int rc = -1;
    if (raw == NULL || cells == NULL)
        rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
    else if (uncompress(raw, &raw_len, zb->data, (uLong)zb->data_len) != Z_OK ||
             raw_len != cell_bytes + zb->strings_len)
        rec_fail(r, "%s: /tables/%s: cannot inflate pending rows", r->partial_path, t->name);
    else {
        rec_table_unshuffle(t, zb->rows, raw, cells);
        rc = rec_table_write_rows(r, t, cells, (const char *)raw + cell_bytes, zb->rows);
    }
    free(cells);
    free(raw);
    return rc;
}

/* Writes a table's deflated blocks, then its pending rows that fill whole
 * chunks or (everything) all of them. */
static int rec_table_flush_one(recorder *r, rec_table *t, int everything)
{
    for (int64_t k = 0; k < t->n_zblocks; k++) {
        if (rec_table_write_zblock(r, t, &t->zblocks[k]) < 0)
            return -1;
        free(t->zblocks[k].data);
        t->zblocks[k].data = NULL;
    }
    t->n_zblocks = 0;
    int64_t chunk = (int64_t)t->chunk_rows;
    int64_t rows = everything ? t->pending_rows : t->pending_rows / chunk * chunk;
    if (rows == 0)
        return 0;
    if (rec_table_write_rows(r, t, t->pending, t->strings, rows) < 0)
        return -1;
    t->pending_rows -= rows;
    if (t->pending_rows == 0)
        t->strings_len = 0; /* a table with strings is written whole, at close */
    memmove(t->pending, &t->pending[rows * t->ncols], (size_t)(t->pending_rows * t->ncols) * sizeof *t->pending);
    return 0;
}

/* Writes the pending rows that fill whole chunks, or (everything: at close)
 * all of them; a table with strings is created and written at close only. */
int rec_tables_flush(recorder *r, int everything)
{
    for (int i = 0; i < r->n_tables; i++) {
        rec_table *t = &r->tables[i];
        if (t->has_strings && !everything)
            continue;
        if (t->dataset < 0 && !t->has_strings)
            continue; /* its creation failed and was reported */
        if (t->dataset < 0 && rec_table_create(r, t) < 0)
            return -1;
        if (rec_table_flush_one(r, t, everything) < 0)
            return -1;
    }
    return 0;
}

void rec_tables_free(recorder *r)
{
    for (int i = 0; i < r->n_tables; i++) {
        rec_table *t = &r->tables[i];
        for (int c = 0; c < t->ncols; c++) {
            if (t->col_names != NULL)
                free(t->col_names[c]);
            if (t->units != NULL)
                free(t->units[c]);
        }
        free(t->col_names);
        free(t->units);
        free(t->offsets);
        free(t->widths);
        free(t->pending);
        free(t->strings);
        for (int64_t k = 0; k < t->n_zblocks; k++)
            free(t->zblocks[k].data);
        free(t->zblocks);
        free(t->longest);
        free(t->types);
        free(t->name);
    }
    free(r->tables);
    r->tables = NULL;
    r->n_tables = 0;
}
