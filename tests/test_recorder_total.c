/* test_recorder_total.c - total series: the recorder sums a series over its
 * entities when rows become final, leaving NaN cells out. Read back with the
 * HDF5 C API. */
#include <hdf5.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "recorder/recorder.h"
#include "tests/check.h"

#define S SIM_NS_PER_S

static double value(int row, int entity) { return row * 10.0 + entity; }

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
    return CHECK_DONE();
}
