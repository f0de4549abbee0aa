/* rec_table.c - /tables/<name>: compound datasets of entity descriptions.
 *
 * Columns are int64, float64 or fixed-length UTF-8 strings (NUL-padded),
 * packed in the file (docs/hdf5-layout.md, format_version 2). Rows are
 * appended serially. A table without strings is created at once and its
 * rows are held in memory only until they fill a chunk; a table with a
 * string column is created when the recorder closes, because each string
 * column's size is its longest value (every row must be in to know it).
 * Strings stay inside the Fletcher-32 checksummed chunks that way; a
 * variable-length string would live in the global heap, which has no checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "recorder/rec_internal.h"

/* Rows packed per H5Dwrite when a table is written. */
#define REC_TABLE_WRITE_ROWS 4096
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

/* The longest value of string column `col` among the pending rows (at least 1). */
static size_t rec_table_longest(const rec_table *t, int col)
{
    size_t longest = 1;
    for (int64_t k = 0; k < t->pending_rows; k++) {
        size_t n = strlen(rec_cell_str(t, &t->pending[k * t->ncols + col]));
        if (n > longest)
            longest = n;
    }
    return longest;
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
            width = rec_table_longest(t, i);
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
    r->n_tables++; /* counted now so rec_tables_free releases whatever exists */
    int ok = t->name && t->types && t->col_names && t->units && t->offsets && t->widths;
    for (int i = 0; ok && i < ncols; i++) {
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
    if (rows > INT64_MAX / 2 - t->pending_rows)
        rows = INT64_MAX / 2 - t->pending_rows;
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
        case REC_STR:
            row[i].i64 = rec_table_intern(t, i, values[i].str != NULL ? values[i].str : "");
            if (row[i].i64 < 0) {
                t->strings_len = strings_before; /* the row is not added */
                rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
                return -1;
            }
            break;
        }
    }
    t->pending_rows++;
    return 0;
}

/* Packs pending rows [first, first + count) into buf in mem_type's layout;
 * strings are NUL-padded to their column's width (never longer: the width
 * is the longest value). */
static void rec_table_pack(const rec_table *t, int64_t first, int64_t count, unsigned char *buf)
{
    memset(buf, 0, (size_t)count * t->row_bytes);
    for (int64_t k = 0; k < count; k++) {
        const rec_cell *cells = &t->pending[(first + k) * t->ncols];
        unsigned char *row = buf + (size_t)k * t->row_bytes;
        for (int i = 0; i < t->ncols; i++) {
            unsigned char *at = row + t->offsets[i];
            if (t->types[i] == REC_I64)
                memcpy(at, &cells[i].i64, sizeof cells[i].i64);
            else if (t->types[i] == REC_F64)
                memcpy(at, &cells[i].f64, sizeof cells[i].f64);
            else
                memcpy(at, rec_cell_str(t, &cells[i]), strlen(rec_cell_str(t, &cells[i])));
        }
    }
}

/* Writes the first `rows` pending rows, packed, in blocks. */
static int rec_table_write_pending(recorder *r, rec_table *t, int64_t rows)
{
    int64_t block = rows < REC_TABLE_WRITE_ROWS ? rows : REC_TABLE_WRITE_ROWS;
    unsigned char *buf = malloc((size_t)block * t->row_bytes);
    if (buf == NULL) {
        rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
        return -1;
    }
    for (int64_t done = 0; done < rows; done += block) {
        int64_t n = rows - done < block ? rows - done : block;
        rec_table_pack(t, done, n, buf);
        if (rec_h5_write_rows(t->dataset, t->mem_type, t->rows_written + done, n, 0, 0, buf) < 0) {
            free(buf);
            return rec_h5_fail(r, "/tables/%s: cannot write rows", t->name);
        }
    }
    free(buf);
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
        int64_t chunk = (int64_t)t->chunk_rows;
        int64_t rows = everything ? t->pending_rows : t->pending_rows / chunk * chunk;
        if (rows == 0)
            continue;
        if (rec_table_write_pending(r, t, rows) < 0)
            return -1;
        t->rows_written += rows;
        t->pending_rows -= rows;
        if (t->pending_rows == 0)
            t->strings_len = 0; /* a table with strings is written whole, at close */
        memmove(t->pending, &t->pending[rows * t->ncols],
                (size_t)(t->pending_rows * t->ncols) * sizeof *t->pending);
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
        free(t->types);
        free(t->name);
    }
    free(r->tables);
    r->tables = NULL;
    r->n_tables = 0;
}
