/* run_h5.h - for end-to-end tests: write a scenario text to a file, run the
 * vdcsim binary on it, and read the HDF5 output back.
 *
 * Header-only (static inline functions), like check.h: each test is one program.
 * Files go to VDCSIM_TEST_TMPDIR as NAME.cfg and NAME.h5; VDCSIM_BINARY is
 * the vdcsim under test (both defined by tests/CMakeLists.txt). */
#ifndef VDCSIM_TESTS_RUN_H5_H
#define VDCSIM_TESTS_RUN_H5_H

#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"
#include "tests/check.h"

/* Writes text to NAME.cfg and runs it with `threads` threads into NAME.h5
 * (its path in out). Returns system()'s status: 0 when the run succeeded. */
static inline int run_h5_file(const char *name, const char *text, int threads, char *out, size_t out_len)
{
    char cfg[512], cmd[2048];
    snprintf(cfg, sizeof cfg, "%s/%s.cfg", VDCSIM_TEST_TMPDIR, name);
    snprintf(out, out_len, "%s/%s.h5", VDCSIM_TEST_TMPDIR, name);
    FILE *fp = fopen(cfg, "w");
    if (!fp)
        return -1;
    fputs(text, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "%s run %s --threads %d -o %s --quiet", VDCSIM_BINARY, cfg, threads, out);
    return system(cmd);
}

/* Runs text on one thread (checking that the run succeeds) and opens its
 * output; -1 (and a failed check) if it cannot. */
static inline hid_t run_h5(const char *name, const char *text)
{
    char out[512], err[512];
    CHECK_INT_EQ(run_h5_file(name, text, 1, out, sizeof out), 0);
    int64_t version;
    hid_t f = h5r_open_run(out, &version, err, sizeof err);
    if (f < 0)
        fprintf(stderr, "%s: %s\n", name, err);
    CHECK(f >= 0);
    return f;
}

/* Runs text with 1 and with 2 threads (NAME_t1.h5, NAME_t2.h5) and checks
 * that /series, /events and /tables are identical (scripts/h5same). */
static inline void run_h5_same_across_threads(const char *name, const char *text)
{
    char n1[256], n2[256], one[512], two[512], cmd[1400];
    snprintf(n1, sizeof n1, "%s_t1", name);
    snprintf(n2, sizeof n2, "%s_t2", name);
    CHECK_INT_EQ(run_h5_file(n1, text, 1, one, sizeof one), 0);
    CHECK_INT_EQ(run_h5_file(n2, text, 2, two, sizeof two), 0);
    static const char *const objs[] = {"/series", "/events", "/tables"};
    for (int k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, VDCSIM_H5SAME " %s %s %s >/dev/null 2>&1", one, two, objs[k]);
        int rc = system(cmd);
        if (rc != 0)
            fprintf(stderr, "%s: %s differs between 1 and 2 threads\n", name, objs[k]);
        CHECK_INT_EQ(rc, 0);
    }
}

/* Column `col` of row `row` of a series with `cols` (at most 16) entities;
 * NAN when it cannot be read. */
static inline double run_h5_series_at(hid_t f, const char *path, hsize_t row, hsize_t cols, hsize_t col)
{
    double v[16] = {NAN};
    if (cols > 16 || col >= cols)
        return NAN;
    hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
    if (ds < 0)
        return NAN;
    int rc = h5r_read_rows_f64(ds, row, 1, cols, v);
    H5Dclose(ds);
    return rc == 0 ? v[col] : NAN;
}

/* Row `row` of a series with `cols` entities into out (checking that it can
 * be read). */
static inline void run_h5_series_row(hid_t f, const char *path, hsize_t row, hsize_t cols, double *out)
{
    hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
    CHECK(ds >= 0);
    CHECK_INT_EQ(h5r_read_rows_f64(ds, row, 1, cols, out), 0);
    H5Dclose(ds);
}

/* The first `cap` events of one kind, in log order; returns how many the
 * log holds (checking that the log can be read). */
static inline size_t run_h5_events(hid_t f, const char *kind, h5r_event *ev, size_t cap)
{
    size_t n = 0;
    char err[256];
    CHECK_INT_EQ(h5r_events_of_kind(f, kind, ev, cap, &n, err, sizeof err), 1);
    return n;
}


/* Column `col` of table `path` (rows [0, n) or row `row`), read with
 * analysis/h5_read.h; a failed read fails the test. */
static inline void run_h5_col_i64(hid_t f, const char *path, const char *col, hsize_t n, int64_t *out)
{
    char err[512];
    hid_t t = H5Dopen2(f, path, H5P_DEFAULT);
    CHECK(t >= 0);
    CHECK_INT_EQ(h5r_table_column_i64(t, path, col, 0, n, out, err, sizeof err), 0);
    H5Dclose(t);
}

static inline void run_h5_col_f64(hid_t f, const char *path, const char *col, hsize_t n, double *out)
{
    char err[512];
    hid_t t = H5Dopen2(f, path, H5P_DEFAULT);
    CHECK(t >= 0);
    CHECK_INT_EQ(h5r_table_column_f64(t, path, col, 0, n, out, err, sizeof err), 0);
    H5Dclose(t);
}

static inline void run_h5_col_str(hid_t f, const char *path, const char *col, hsize_t row, char *buf, size_t len)
{
    char err[512];
    hid_t t = H5Dopen2(f, path, H5P_DEFAULT);
    CHECK(t >= 0);
    CHECK_INT_EQ(h5r_table_column_str(t, path, col, row, buf, len, err, sizeof err), 0);
    H5Dclose(t);
}

#endif
