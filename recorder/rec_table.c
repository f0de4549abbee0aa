/* rec_table.c - /tables/<name>: compound datasets of entity descriptions.
 *
 * Columns are int64, float64 or variable-length UTF-8 strings. Rows are
 * appended serially and held in memory only until they fill a chunk
 * (REC_TABLE_CHUNK_ROWS); recorder_close writes the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "recorder/rec_internal.h"

static hid_t rec_table_column_type(rec_type type, int in_file)
{
    switch (type) {
    case REC_I64:
        return H5Tcopy(in_file ? H5T_STD_I64LE : H5T_NATIVE_INT64);
    case REC_F64:
        return H5Tcopy(in_file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE);
    case REC_STR:
        return rec_h5_string_type();
    }
    return H5I_INVALID_HID;
}

/* Builds the compound type: in memory one rec_cell per column; in the file packed. */
static hid_t rec_table_type(const rec_column *cols, int ncols, int in_file)
{
    size_t size = 0;
    for (int i = 0; i < ncols; i++) {
        hid_t member = rec_table_column_type(cols[i].type, in_file);
        if (member < 0)
            return H5I_INVALID_HID;
        size += in_file ? H5Tget_size(member) : sizeof(rec_cell);
        H5Tclose(member);
    }
    hid_t type = H5Tcreate(H5T_COMPOUND, size);
    if (type < 0)
        return H5I_INVALID_HID;
    size_t offset = 0;
    for (int i = 0; i < ncols; i++) {
        hid_t member = rec_table_column_type(cols[i].type, in_file);
        herr_t rc = member < 0 ? -1 : H5Tinsert(type, cols[i].name, offset, member);
        if (member >= 0) {
            offset += in_file ? H5Tget_size(member) : sizeof(rec_cell);
            H5Tclose(member);
        }
        if (rc < 0) {
            H5Tclose(type);
            return H5I_INVALID_HID;
        }
    }
    return type;
}

static int rec_table_write_units(hid_t dataset, const rec_column *cols, int ncols)
{
    const char **units = malloc((size_t)ncols * sizeof *units);
    if (units == NULL)
        return -1;
    for (int i = 0; i < ncols; i++)
        units[i] = cols[i].unit != NULL ? cols[i].unit : "";
    hsize_t dims[1] = {(hsize_t)ncols};
    hid_t type = rec_h5_string_type();
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t attr = H5I_INVALID_HID;
    int rc = -1;
    if (type >= 0 && space >= 0)
        attr = H5Acreate2(dataset, "units", type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr >= 0 && H5Awrite(attr, type, units) >= 0)
        rc = 0;
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    free(units);
    return rc;
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
    t->name = malloc(strlen(name) + 1);
    t->types = malloc((size_t)ncols * sizeof *t->types);
    r->n_tables++; /* counted now so rec_tables_free releases whatever exists */
    if (t->name == NULL || t->types == NULL) {
        rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, name);
        return -1;
    }
    strcpy(t->name, name);
    for (int i = 0; i < ncols; i++)
        t->types[i] = cols[i].type;

    hid_t file_type = rec_table_type(cols, ncols, 1);
    t->mem_type = rec_table_type(cols, ncols, 0);
    if (file_type < 0 || t->mem_type < 0) {
        if (file_type >= 0)
            H5Tclose(file_type);
        return rec_h5_fail(r, "/tables/%s: cannot build the row type", name);
    }
    hsize_t chunk[1] = {REC_TABLE_CHUNK_ROWS};
    t->dataset = rec_h5_dataset_new(r->tables_group, name, file_type, 0, chunk, -1, NULL);
    H5Tclose(file_type);
    if (t->dataset < 0)
        return rec_h5_fail(r, "/tables/%s: cannot create the dataset", name);
    if (rec_table_write_units(t->dataset, cols, ncols) < 0)
        return rec_h5_fail(r, "/tables/%s: cannot write attribute units", name);
    return r->n_tables - 1;
}

int rec_table_row(recorder *r, int table, const rec_value *values)
{
    if (atomic_load(&r->failed))
        return -1;
    if (table < 0 || table >= r->n_tables || r->tables[table].dataset < 0) {
        rec_error(r, "%s: rec_table_row: no table %d", r->partial_path, table);
        return -1;
    }
    rec_table *t = &r->tables[table];
    if (t->pending_rows == t->pending_cap) {
        int64_t cap = t->pending_cap > 0 ? t->pending_cap * 2 : 16;
        if (cap > REC_TABLE_CHUNK_ROWS)
            cap = t->pending_cap + REC_TABLE_CHUNK_ROWS;
        rec_cell *grown = realloc(t->pending, (size_t)cap * (size_t)t->ncols * sizeof *grown);
        if (grown == NULL) {
            rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
            return -1;
        }
        t->pending = grown;
        t->pending_cap = cap;
    }
    rec_cell *row = &t->pending[t->pending_rows * t->ncols];
    for (int i = 0; i < t->ncols; i++) {
        switch (t->types[i]) {
        case REC_I64:
            row[i].i64 = values[i].i64;
            break;
        case REC_F64:
            row[i].f64 = values[i].f64;
            break;
        case REC_STR: {
            const char *s = values[i].str != NULL ? values[i].str : "";
            row[i].str = malloc(strlen(s) + 1);
            if (row[i].str == NULL) {
                for (int j = 0; j < i; j++)
                    if (t->types[j] == REC_STR)
                        free(row[j].str);
                rec_error(r, "%s: /tables/%s: out of memory", r->partial_path, t->name);
                return -1;
            }
            strcpy(row[i].str, s);
            break;
        }
        }
    }
    t->pending_rows++;
    return 0;
}

static void rec_table_free_rows(rec_table *t, int64_t first, int64_t count)
{
    for (int64_t k = first; k < first + count; k++)
        for (int i = 0; i < t->ncols; i++)
            if (t->types[i] == REC_STR)
                free(t->pending[k * t->ncols + i].str);
}

/* Writes the pending rows that fill whole chunks, or all of them. */
int rec_tables_flush(recorder *r, int everything)
{
    for (int i = 0; i < r->n_tables; i++) {
        rec_table *t = &r->tables[i];
        if (t->dataset < 0)
            continue;
        int64_t rows = everything ? t->pending_rows
                                  : t->pending_rows / REC_TABLE_CHUNK_ROWS * REC_TABLE_CHUNK_ROWS;
        if (rows == 0)
            continue;
        if (rec_h5_write_rows(t->dataset, t->mem_type, t->rows_written, rows, 0, 0, t->pending) < 0)
            return rec_h5_fail(r, "/tables/%s: cannot write rows", t->name);
        rec_table_free_rows(t, 0, rows);
        t->rows_written += rows;
        t->pending_rows -= rows;
        memmove(t->pending, &t->pending[rows * t->ncols],
                (size_t)(t->pending_rows * t->ncols) * sizeof *t->pending);
    }
    return 0;
}

void rec_tables_free(recorder *r)
{
    for (int i = 0; i < r->n_tables; i++) {
        rec_table *t = &r->tables[i];
        if (t->pending != NULL && t->types != NULL)
            rec_table_free_rows(t, 0, t->pending_rows);
        free(t->pending);
        free(t->types);
        free(t->name);
    }
    free(r->tables);
    r->tables = NULL;
    r->n_tables = 0;
}
