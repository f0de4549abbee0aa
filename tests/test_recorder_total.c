/* test_recorder_total.c - total series: the recorder sums a series over its
 * entities when rows become final, leaving NaN cells out, whether the sums
 * run at the window ends or in the window work of 1 or 2 threads. Read
 * back with the HDF5 C API. */
#include <hdf5.h>

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "recorder/recorder.h"
#include "tests/check.h"

#define S SIM_NS_PER_S

static double value(int row, int entity) { return row * 10.0 + entity; }

/* Many windows over 150 rows (the source's 64-row chunks complete at rows
 * 64 and 128 during the run), and window work on `work_threads` threads
 * between windows (0: none, the totals are summed at the window ends).
 * With window work a total is summed during the window after its row
 * became final, so the source's chunk must stay linked until then: a
 * chunk written before would leave its rows' totals NaN. Every row's
 * total is the closed form; row 70 has entity 1 missing, row 90 nothing. */
static void run_many_windows(int work_threads)
{
    enum { ROWS = 150, WINDOW_ROWS = 7, ENTITIES = 300 };
    char path[4200], err[1024];
    snprintf(path, sizeof path, "%s/recorder_total_w%d.h5", VDCSIM_TEST_TMPDIR, work_threads);
    recorder *r = recorder_open(path, work_threads > 0 ? work_threads : 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return;
    int src = rec_series_new(r, "host", "cpu_mhz", "MHz", NULL, ENTITIES, 0, S);
    int tot = rec_series_new_total(r, "cluster", "cpu_mhz", "MHz", src);
    CHECK(src >= 0 && tot >= 0);
    for (int first = 0; first < ROWS; first += WINDOW_ROWS) {
        sim_time_ns end = (sim_time_ns)(first + WINDOW_ROWS) * S - S / 2;
        CHECK_INT_EQ(recorder_window_begin(r, end), 0);
        for (int row = first; row < first + WINDOW_ROWS && row < ROWS; row++)
            for (int e = 0; e < ENTITIES; e++)
                if (row != 90 && !(row == 70 && e == 1))
                    rec_series_put(r, src, row * S, e, value(row, e));
        CHECK_INT_EQ(recorder_window_end(r, end), 0);
        if (work_threads > 0) {
#pragma omp parallel num_threads(work_threads)
            recorder_window_work(r, omp_get_thread_num(), omp_get_num_threads());
        }
    }
    CHECK_INT_EQ(recorder_close(r, (ROWS - 1) * S + S / 2, err, sizeof err), 0);

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(f, "/series/cluster/cpu_mhz", H5P_DEFAULT);
    CHECK(ds >= 0);
    double got[ROWS];
    CHECK(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0);
    int bad = 0;
    for (int row = 0; row < ROWS; row++) {
        double want = row == 90 ? NAN : 3000.0 * row + 44850 - (row == 70 ? value(70, 1) : 0.0);
        if (isnan(want) ? !isnan(got[row]) : fabs(got[row] - want) > 1e-6)
            bad++;
    }
    CHECK_INT_EQ(bad, 0);
    H5Dclose(ds);
    H5Fclose(f);
    remove(path);
}

int main(void)
{
    char path[4200], err[1024];
    snprintf(path, sizeof path, "%s/recorder_total.h5", VDCSIM_TEST_TMPDIR);
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return CHECK_DONE();
    int src = rec_series_new(r, "host", "cpu_mhz", "MHz", NULL, 300, 0, S);
    int tot = rec_series_new_total(r, "cluster", "cpu_mhz", "MHz", src);
    CHECK(src >= 0 && tot >= 0);
    /* a total of a total is refused */
    CHECK(rec_series_new_total(r, "cluster2", "x", "1", tot) < 0);
    CHECK(rec_series_new_total(r, "cluster2", "x", "1", 99) < 0);

    /* rows 0..2 in the first window, 3..9 in the second; entity 1 of row 4
     * and the whole of row 5 are never written; 300 entities span two
     * column blocks (256 + 44). */
    CHECK_INT_EQ(recorder_window_begin(r, 2 * S + S / 2), 0);
    for (int row = 0; row < 3; row++)
        for (int e = 0; e < 300; e++)
            rec_series_put(r, src, row * S, e, value(row, e));
    CHECK_INT_EQ(recorder_window_end(r, 2 * S + S / 2), 0);
    CHECK_INT_EQ(recorder_window_begin(r, 10 * S), 0);
    for (int row = 3; row < 10; row++)
        for (int e = 0; e < 300; e++)
            if (row != 5 && !(row == 4 && e == 1))
                rec_series_put(r, src, row * S, e, value(row, e));
    CHECK_INT_EQ(recorder_window_end(r, 10 * S), 0);
    CHECK_INT_EQ(recorder_close(r, 8 * S + S / 2, err, sizeof err), 0);

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    hid_t ds = H5Dopen2(f, "/series/cluster/cpu_mhz", H5P_DEFAULT);
    CHECK(ds >= 0);
    hid_t space = H5Dget_space(ds);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space, dims, NULL);
    CHECK_INT_EQ(dims[0], 9); /* samples before the 8.5 s end */
    CHECK_INT_EQ(dims[1], 1);
    double got[16];
    CHECK(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0);
    /* sum over e of (10 row + e) = 3000 row + 299*300/2 = 3000 row + 44850 */
    for (int row = 0; row < 9; row++) {
        if (row == 5) {
            CHECK(isnan(got[row]));
        } else if (row == 4) {
            CHECK_NEAR(got[row], 3000.0 * 4 + 44850 - value(4, 1), 1e-6);
        } else {
            CHECK_NEAR(got[row], 3000.0 * row + 44850, 1e-6);
        }
    }
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(f);
    remove(path);
    run_many_windows(0);
    run_many_windows(1);
    run_many_windows(2);
    return CHECK_DONE();
}
