/* test_hostile_sweep.c - sweep files (SWEEP.h5) to the run files' standard
 * (issue 13): written with fixed-length strings and a Fletcher-32 checksum
 * on every dataset, format_version 2; read back exactly; and the reader
 * refuses, with a message naming the file, a sweep file of version 1 or 99,
 * one whose string column is variable-length, one whose /runs claims more
 * rows than its root attributes say, and one with a flipped data bit.
 * Every hostile file is built here with the HDF5 C API. The table is a
 * hand-made 2 cells x 2 replications x 1 factor x 2 metrics design. */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "analysis/sweep_read.h"
#include "analysis/sweep_table.h"
#include "tests/check.h"

static void path_in_tmp(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/hostile_sweep_%s", VDCSIM_TEST_TMPDIR, name);
}

static const char *const factor_keys[] = {"hosts.[0].count"};
static const char *const metric_names[] = {"energy_kwh", "migrations_per_hour"};
static const char *const metric_units[] = {"kWh", "1/h"};
static const char *const cell_values[] = {"4", "16"};
static const uint64_t seeds[] = {11, 12, 11, 12};
static const int status[] = {0, 0, 0, 3};
static const double wall[] = {0.5, 0.25, 0.75, 1.0};
static const char *const messages[] = {"", "", "", "exit 3: a message of some length"};
static const double values[] = {1.5, 0.0, 2.5, 1.0, 3.0, NAN, 4.0, 2.0};

static sweep_table table(void)
{
    return (sweep_table){.n_factors = 1, .n_metrics = 2, .factor_keys = factor_keys, .metric_names = metric_names,
                         .metric_units = metric_units, .n_cells = 2, .replications = 2, .cell_values = cell_values,
                         .level = 0.95, .seed = seeds, .status = status, .wall_s = wall, .message = messages,
                         .values = values};
}

/* 1 when the dataset's filters include Fletcher-32. */
static int has_fletcher32(hid_t file, const char *name)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    hid_t dcpl = ds >= 0 ? H5Dget_create_plist(ds) : H5I_INVALID_HID;
    int found = 0;
    for (int i = 0; dcpl >= 0 && i < H5Pget_nfilters(dcpl); i++) {
        unsigned flags = 0;
        size_t n = 0;
        if (H5Pget_filter2(dcpl, (unsigned)i, &flags, &n, NULL, 0, NULL, NULL) == H5Z_FILTER_FLETCHER32)
            found = 1;
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (ds >= 0)
        H5Dclose(ds);
    return found;
}

/* 1 when every string member of the dataset's compound type is fixed-length. */
static int strings_fixed(hid_t file, const char *name)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    hid_t type = H5Dget_type(ds);
    int fixed = 1, strings = 0;
    for (int i = 0; i < H5Tget_nmembers(type); i++) {
        hid_t m = H5Tget_member_type(type, (unsigned)i);
        if (H5Tget_class(m) == H5T_STRING) {
            strings++;
            fixed &= H5Tis_variable_str(m) == 0;
        }
        H5Tclose(m);
    }
    H5Tclose(type);
    H5Dclose(ds);
    return fixed && strings > 0;
}

static void test_round_trip(const char *good)
{
    sweep_table t = table();
    char err[1024] = "";
    CHECK(sweep_write_h5(&t, 2, 0, good, err, sizeof err) == 0);
    hid_t f = H5Fopen(good, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    int64_t version = 0;
    hid_t a = H5Aopen(f, "format_version", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_INT64, &version);
    H5Aclose(a);
    CHECK_INT_EQ(version, 2);
    CHECK(has_fletcher32(f, "/runs"));
    CHECK(has_fletcher32(f, "/cells"));
    CHECK(strings_fixed(f, "/runs"));
    CHECK(strings_fixed(f, "/cells"));
    H5Fclose(f);

    CHECK(sweep_read_is_sweep(good) == 1);
    sweep_read r;
    int rc = sweep_read_h5(good, &r, err, sizeof err);
    CHECK_INT_EQ(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    CHECK_INT_EQ(r.table.n_cells, 2);
    CHECK_INT_EQ(r.table.replications, 2);
    CHECK_INT_EQ(r.table.n_factors, 1);
    CHECK_INT_EQ(r.table.n_metrics, 2);
    CHECK_INT_EQ(r.first_factor_values, 2);
    CHECK(strcmp(r.table.factor_keys[0], "hosts.[0].count") == 0);
    CHECK(strcmp(r.table.cell_values[1], "16") == 0);
    CHECK(strcmp(r.table.metric_units[1], "1/h") == 0);
    CHECK(strcmp(r.table.message[3], "exit 3: a message of some length") == 0);
    CHECK(strcmp(r.table.message[0], "") == 0);
    CHECK_INT_EQ(r.table.status[3], 3);
    CHECK_INT_EQ(r.table.seed[1], 12);
    CHECK(r.table.values[2 * 2 + 0] == 3.0 && isnan(r.table.values[2 * 2 + 1]) && r.table.values[3 * 2 + 1] == 2.0);
    CHECK(r.table.wall_s[2] == 0.75);
    sweep_read_free(&r);
}

/* Copies the good file and sets its format_version to v. */
static void with_version(const char *good, const char *path, int64_t v)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", good, path);
    CHECK(system(cmd) == 0);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t a = H5Aopen(f, "format_version", H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    H5Fclose(f);
}

static void check_refused(const char *path, const char *want)
{
    sweep_read r;
    char err[2048] = "";
    int rc = sweep_read_h5(path, &r, err, sizeof err);
    CHECK_INT_EQ(rc, -2);
    CHECK(strstr(err, path) != NULL);
    if (strstr(err, want) == NULL)
        fprintf(stderr, "  message '%s' lacks '%s'\n", err, want);
    CHECK(strstr(err, want) != NULL);
}

/* `vdcsim report PATH` exits 2 and says `want` on stderr. */
static void check_report_exit2(const char *path, const char *want)
{
    char cmd[16384], out[2048];
    path_in_tmp(out, sizeof out, "report.err");
    snprintf(cmd, sizeof cmd, "'%s' report '%s' -o '%s.dir' 2>'%s' >/dev/null", VDCSIM_BINARY, path, out, out);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    FILE *f = fopen(out, "r");
    char text[4096] = "";
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = '\0';
    if (f)
        fclose(f);
    CHECK(strstr(text, want) != NULL);
}

/* A version-2 file whose /runs "message" column is variable-length, as
 * version 1 wrote it (its bytes in the global heap, unchecked). */
static void write_vlen_runs(const char *path)
{
    typedef struct {
        int64_t run, cell, replication;
        char *factor;
        int64_t seed, status;
        double wall;
        char *message;
        double metric;
    } row;
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, H5T_VARIABLE);
    hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(row));
    H5Tinsert(type, "run", HOFFSET(row, run), H5T_NATIVE_INT64);
    H5Tinsert(type, "cell", HOFFSET(row, cell), H5T_NATIVE_INT64);
    H5Tinsert(type, "replication", HOFFSET(row, replication), H5T_NATIVE_INT64);
    H5Tinsert(type, "k", HOFFSET(row, factor), str);
    H5Tinsert(type, "seed", HOFFSET(row, seed), H5T_NATIVE_INT64);
    H5Tinsert(type, "status", HOFFSET(row, status), H5T_NATIVE_INT64);
    H5Tinsert(type, "wall_time_s", HOFFSET(row, wall), H5T_NATIVE_DOUBLE);
    H5Tinsert(type, "message", HOFFSET(row, message), str);
    H5Tinsert(type, "m", HOFFSET(row, metric), H5T_NATIVE_DOUBLE);
    row rows[1] = {{0, 0, 0, "1", 5, 0, 0.1, "", 1.0}};
    hsize_t dims[1] = {1};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t ds = H5Dcreate2(file, "runs", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows);
    H5Dclose(ds);
    /* /cells: one row, "unit" fixed-length so only /runs is at fault. */
    typedef struct {
        char unit[4];
    } cell_row;
    hid_t unit = H5Tcopy(H5T_C_S1);
    H5Tset_size(unit, 4);
    hid_t ctype = H5Tcreate(H5T_COMPOUND, sizeof(cell_row));
    H5Tinsert(ctype, "unit", 0, unit);
    cell_row crow[1] = {{"kWh"}};
    ds = H5Dcreate2(file, "cells", ctype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, ctype, H5S_ALL, H5S_ALL, H5P_DEFAULT, crow);
    H5Dclose(ds);
    H5Sclose(space);
    H5Tclose(ctype);
    H5Tclose(unit);
    H5Tclose(type);
    H5Tclose(str);
    /* root attributes as sweep_write_h5 writes them */
    hid_t s1 = H5Screate(H5S_SCALAR);
    const char *names[] = {"format", "design"}, *texts[] = {SWEEP_FORMAT_NAME, "cartesian"};
    for (int i = 0; i < 2; i++) {
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, strlen(texts[i]) + 1);
        hid_t a = H5Acreate2(file, names[i], t, s1, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, t, texts[i]);
        H5Aclose(a);
        H5Tclose(t);
    }
    const char *inames[] = {"format_version", "first_factor_values", "cells", "replications"};
    int64_t ivalues[] = {SWEEP_FORMAT_VERSION, 1, 1, 1};
    for (int i = 0; i < 4; i++) {
        hid_t a = H5Acreate2(file, inames[i], H5T_STD_I64LE, s1, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, H5T_NATIVE_INT64, &ivalues[i]);
        H5Aclose(a);
    }
    double level = 0.95;
    hid_t a = H5Acreate2(file, "level", H5T_IEEE_F64LE, s1, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &level);
    H5Aclose(a);
    H5Sclose(s1);
    H5Fclose(file);
}

/* The good file with its cells attribute set to 2^30: /runs (4 rows) no
 * longer matches cells x replications, refused before any allocation. */
static void with_cells(const char *good, const char *path, int64_t cells)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", good, path);
    CHECK(system(cmd) == 0);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t a = H5Aopen(f, "cells", H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &cells);
    H5Aclose(a);
    H5Fclose(f);
}

int main(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    char good[1024], v1[1024], v99[1024], vlen[1024], big[1024];
    path_in_tmp(good, sizeof good, "good.h5");
    path_in_tmp(v1, sizeof v1, "v1.h5");
    path_in_tmp(v99, sizeof v99, "v99.h5");
    path_in_tmp(vlen, sizeof vlen, "vlen.h5");
    path_in_tmp(big, sizeof big, "big.h5");
    test_round_trip(good);

    with_version(good, v1, 1);
    CHECK(sweep_read_is_sweep(v1) == 1); /* a sweep file, of a version not read */
    check_refused(v1, "format_version 1 is not supported: this reader reads format_version 2");
    check_refused(v1, "run the same `vdcsim sweep` again");
    check_report_exit2(v1, "format_version 1 is not supported");
    with_version(good, v99, 99);
    check_refused(v99, "format_version 99 is not supported");
    check_report_exit2(v99, "format_version 99 is not supported");

    write_vlen_runs(vlen);
    check_refused(vlen, "variable-length");
    check_report_exit2(vlen, "variable-length");

    with_cells(good, big, INT64_C(1) << 30);
    check_refused(big, "/runs has 4 rows, not cells x replications = 2147483648");
    return CHECK_DONE();
}
