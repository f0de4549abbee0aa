/* test_rec_table_stream.c - tables bigger than the recorder holds at once
 * (issue 18, memory) come back whole and in order.
 *
 * A table with strings waits in deflated blocks of 1,024 rows until the
 * close; a table without strings is written in whole chunks once 4,096 rows
 * pend, also outside window ends (rows added after the run, as a model's
 * end-of-run tables are). The row counts below cross those sizes (2,500 =
 * 2 blocks + 452 rows; 2,048 = exactly 2 blocks; 10,000 = 2 writes of 4,096
 * rows + 1,808 at the close), and every value is a closed form of its row,
 * so a row lost, repeated, moved or mangled in a block shows.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder/recorder.h"
#include "tests/check.h"

#define VM_ROWS 2500
#define EXACT_ROWS 2048
#define PLAIN_ROWS 10000
#define ROWS_BEFORE_WINDOW 300
#define LONG_ROW 1500 /* the row with the longest name: 40 bytes */

typedef struct {
    int64_t id;
    char name[48];
    double mean_mhz;
    char group[8];
} vm_row;

typedef struct {
    int64_t id;
    double half;
} plain_row;

static void vm_name(char *buf, size_t len, int i)
{
    if (i == LONG_ROW)
        snprintf(buf, len, "%s", "a-name-of-forty-bytes-for-the-width-test");
    else
        snprintf(buf, len, "vm-%05d", i);
}

static int write_file(const char *path)
{
    char err[512];
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (r == NULL)
        return -1;
    const rec_column vm_cols[] = {{"id", REC_I64, NULL}, {"name", REC_STR, NULL}, {"mean_mhz", REC_F64, "MHz"},
                                  {"group", REC_STR, NULL}};
    const rec_column exact_cols[] = {{"id", REC_I64, NULL}, {"name", REC_STR, NULL}};
    const rec_column plain_cols[] = {{"id", REC_I64, NULL}, {"half", REC_F64, NULL}};
    int vms = rec_table_new(r, "vms", vm_cols, 4);
    int exact = rec_table_new(r, "exact", exact_cols, 2);
    int plain = rec_table_new(r, "plain", plain_cols, 2);
    CHECK(vms >= 0 && exact >= 0 && plain >= 0);
    /* a reservation far beyond one block is only a hint */
    CHECK_INT_EQ(rec_table_reserve(r, vms, 1000000), 0);
    CHECK_INT_EQ(rec_table_reserve(r, plain, 1000000), 0);
    for (int i = 0; i < ROWS_BEFORE_WINDOW; i++) {
        rec_value row[] = {{.i64 = i}, {.f64 = 0.5 * i}};
        CHECK_INT_EQ(rec_table_row(r, plain, row), 0);
    }
    CHECK_INT_EQ(recorder_window_begin(r, SIM_NS_PER_S), 0);
    CHECK_INT_EQ(recorder_window_end(r, SIM_NS_PER_S), 0);
    for (int i = ROWS_BEFORE_WINDOW; i < PLAIN_ROWS; i++) {
        rec_value row[] = {{.i64 = i}, {.f64 = 0.5 * i}};
        CHECK_INT_EQ(rec_table_row(r, plain, row), 0);
    }
    for (int i = 0; i < VM_ROWS; i++) {
        char name[64], group[8];
        vm_name(name, sizeof name, i);
        snprintf(group, sizeof group, "g%d", i / 7 % 10); /* runs of 7 equal values */
        rec_value row[] = {{.i64 = i}, {.str = name}, {.f64 = 1000.0 + 0.25 * i}, {.str = group}};
        CHECK_INT_EQ(rec_table_row(r, vms, row), 0);
    }
    for (int i = 0; i < EXACT_ROWS; i++) {
        char name[16];
        snprintf(name, sizeof name, "x%d", i);
        rec_value row[] = {{.i64 = -i}, {.str = name}};
        CHECK_INT_EQ(rec_table_row(r, exact, row), 0);
    }
    int rc = recorder_close(r, SIM_NS_PER_S, err, sizeof err);
    CHECK_INT_EQ(rc, 0);
    return rc;
}

static hid_t string_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, size);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

/* The size of member `name` of the dataset's file type. */
static size_t member_size(hid_t ds, const char *name)
{
    hid_t ftype = H5Dget_type(ds);
    int index = H5Tget_member_index(ftype, name);
    size_t size = 0;
    if (index >= 0) {
        hid_t member = H5Tget_member_type(ftype, (unsigned)index);
        size = H5Tget_size(member);
        H5Tclose(member);
    }
    H5Tclose(ftype);
    return size;
}

static hsize_t rows_of(hid_t ds)
{
    hid_t space = H5Dget_space(ds);
    hsize_t rows = 0;
    H5Sget_simple_extent_dims(space, &rows, NULL);
    H5Sclose(space);
    return rows;
}

/* Opens table `path` (*ds, or -1) and reads its rows in memory type `type`
 * (rows of row_size bytes), after checking that it has `rows` rows: the
 * rows, or NULL when a CHECK failed. The caller frees them and closes *ds. */
static void *read_table(hid_t file, const char *path, hsize_t rows, hid_t type, size_t row_size, hid_t *ds)
{
    *ds = H5Dopen2(file, path, H5P_DEFAULT);
    CHECK(*ds >= 0);
    if (*ds < 0)
        return NULL;
    CHECK_INT_EQ(rows_of(*ds), rows);
    if (rows_of(*ds) != rows)
        return NULL;
    void *data = calloc(rows, row_size);
    int ok = data != NULL && H5Dread(*ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    CHECK(ok);
    if (!ok) {
        free(data);
        return NULL;
    }
    return data;
}

static void check_vms(hid_t file)
{
    hid_t name_t = string_type(sizeof ((vm_row *)0)->name), group_t = string_type(sizeof ((vm_row *)0)->group);
    hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(vm_row));
    H5Tinsert(type, "id", HOFFSET(vm_row, id), H5T_NATIVE_INT64);
    H5Tinsert(type, "name", HOFFSET(vm_row, name), name_t);
    H5Tinsert(type, "mean_mhz", HOFFSET(vm_row, mean_mhz), H5T_NATIVE_DOUBLE);
    H5Tinsert(type, "group", HOFFSET(vm_row, group), group_t);
    hid_t ds;
    vm_row *data = read_table(file, "/tables/vms", VM_ROWS, type, sizeof *data, &ds);
    if (ds >= 0) {
        CHECK_INT_EQ(member_size(ds, "name"), 40); /* the longest name, in the second block */
        CHECK_INT_EQ(member_size(ds, "group"), 2);  /* "g0".."g9" */
    }
    int bad = 0;
    for (int i = 0; data != NULL && i < VM_ROWS; i++) {
        char name[64], group[8];
        vm_name(name, sizeof name, i);
        snprintf(group, sizeof group, "g%d", i / 7 % 10);
        if (data[i].id != i || strcmp(data[i].name, name) != 0 || data[i].mean_mhz != 1000.0 + 0.25 * i ||
            strcmp(data[i].group, group) != 0)
            bad++;
    }
    CHECK_INT_EQ(bad, 0);
    free(data);
    H5Tclose(type);
    H5Tclose(name_t);
    H5Tclose(group_t);
    if (ds >= 0)
        H5Dclose(ds);
}

static void check_exact(hid_t file)
{
    typedef struct {
        int64_t id;
        char name[16];
    } exact_row;
    hid_t name_t = string_type(16);
    hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(exact_row));
    H5Tinsert(type, "id", HOFFSET(exact_row, id), H5T_NATIVE_INT64);
    H5Tinsert(type, "name", HOFFSET(exact_row, name), name_t);
    hid_t ds;
    exact_row *data = read_table(file, "/tables/exact", EXACT_ROWS, type, sizeof *data, &ds);
    if (ds >= 0)
        CHECK_INT_EQ(member_size(ds, "name"), 5); /* "x2047" */
    int bad = 0;
    for (int i = 0; data != NULL && i < EXACT_ROWS; i++) {
        char name[16];
        snprintf(name, sizeof name, "x%d", i);
        if (data[i].id != -i || strcmp(data[i].name, name) != 0)
            bad++;
    }
    CHECK_INT_EQ(bad, 0);
    free(data);
    H5Tclose(type);
    H5Tclose(name_t);
    if (ds >= 0)
        H5Dclose(ds);
}

static void check_plain(hid_t file)
{
    hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(plain_row));
    H5Tinsert(type, "id", HOFFSET(plain_row, id), H5T_NATIVE_INT64);
    H5Tinsert(type, "half", HOFFSET(plain_row, half), H5T_NATIVE_DOUBLE);
    hid_t ds;
    plain_row *data = read_table(file, "/tables/plain", PLAIN_ROWS, type, sizeof *data, &ds);
    int bad = 0;
    for (int i = 0; data != NULL && i < PLAIN_ROWS; i++)
        if (data[i].id != i || data[i].half != 0.5 * i)
            bad++;
    CHECK_INT_EQ(bad, 0);
    free(data);
    H5Tclose(type);
    if (ds >= 0)
        H5Dclose(ds);
}

int main(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/rec_table_stream.h5", VDCSIM_TEST_TMPDIR);
    remove(path);
    if (write_file(path) == 0) {
        hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        CHECK(file >= 0);
        if (file >= 0) {
            check_vms(file);
            check_exact(file);
            check_plain(file);
            H5Fclose(file);
        }
    }
    remove(path);
    return CHECK_DONE();
}
