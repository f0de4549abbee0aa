/* test_cell_quantile.c - analysis/cell_quantile.c against the definition:
 * the nearest-rank q-quantile of the n finite (scaled) cells is the value of
 * rank max(1, ceil(q n)) in sorted order, computed here by sorting every
 * cell. Three datasets: small with NaNs and ties; scaled per column with
 * one column left out (scale NaN); and 600 000 cells crowded into one
 * histogram bin by an outlier, so the streaming search has to narrow the
 * bin (more than CELLQ_COLLECT_MAX distinct cells in it) before it sorts;
 * 600 000 spread cells (each quantile's bin collected), 600 000 of one
 * value, and 400 000 with two near +-DBL_MAX (hi - lo overflows). Every dataset also asks for 4 quantiles at once
 * (cellq_quantiles), each against the reference.
 */
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/cell_quantile.h"
#include "check.h"

static uint64_t lcg_state = 12345;

/* A uniform number in [0, 1) from a 64-bit LCG (Knuth's MMIX constants). */
static double uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The reference: sort the finite scaled cells, take rank max(1, ceil(q n)). */
static double reference_quantile(const double *cells, size_t rows, size_t cols, const double *scale, double q,
                                 size_t *n_out)
{
    double *v = malloc(rows * cols * sizeof *v);
    size_t n = 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            double x = cells[r * cols + c];
            if (scale) {
                if (!isfinite(scale[c]) || scale[c] == 0)
                    continue;
                x *= scale[c];
            }
            if (isfinite(x))
                v[n++] = x;
        }
    qsort(v, n, sizeof *v, compare);
    size_t rank = (size_t)ceil(q * (double)n);
    if (rank < 1)
        rank = 1;
    double out = n ? v[rank - 1] : NAN;
    free(v);
    *n_out = n;
    return out;
}

static hid_t write_dataset(hid_t file, const char *name, const double *cells, hsize_t rows, hsize_t cols)
{
    hsize_t dims[2] = {rows, cols};
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t ds = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, cells);
    H5Sclose(space);
    return ds;
}

static void check_dataset(hid_t ds, const char *name, const double *cells, size_t rows, size_t cols,
                          const double *scale)
{
    static const double qs[] = {0.0, 0.01, 0.5, 0.95, 0.99, 0.999, 1.0};
    char err[512];
    cellq q;
    CHECK(cellq_begin(&q, ds, name, scale, 0, err, sizeof err) == 0);
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        size_t n;
        double want = reference_quantile(cells, rows, cols, scale, qs[i], &n);
        double got = NAN;
        CHECK(cellq_quantile(&q, qs[i], &got, err, sizeof err) == 0);
        CHECK_INT_EQ(q.n, n);
        if (got != want)
            fprintf(stderr, "  %s q=%g: got %.17g, want %.17g\n", name, qs[i], got, want);
        CHECK(got == want);
    }
    /* Several at once (shared passes): each the reference's, in any order,
     * two in one bin, one asked twice; more than CELLQ_MAX_AT_ONCE refused. */
    static const double sets[][CELLQ_MAX_AT_ONCE] = {{0.95, 0.99, 0.5, 0.0}, {0.999, 0.9991, 1.0, 0.01},
                                                     {0.95, 0.95, 0.3, 0.7}};
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        double got[CELLQ_MAX_AT_ONCE];
        CHECK(cellq_quantiles(&q, sets[k], CELLQ_MAX_AT_ONCE, got, err, sizeof err) == 0);
        for (int i = 0; i < CELLQ_MAX_AT_ONCE; i++) {
            size_t n;
            double want = reference_quantile(cells, rows, cols, scale, sets[k][i], &n);
            if (got[i] != want)
                fprintf(stderr, "  %s together q=%g: got %.17g, want %.17g\n", name, sets[k][i], got[i], want);
            CHECK(got[i] == want);
        }
    }
    double five[CELLQ_MAX_AT_ONCE + 1] = {0.1, 0.2, 0.3, 0.4, 0.5}, out5[CELLQ_MAX_AT_ONCE + 1];
    CHECK(cellq_quantiles(&q, five, CELLQ_MAX_AT_ONCE + 1, out5, err, sizeof err) == -1);
}

/* Writes cells as dataset `name` and checks it (check_dataset). */
static void check_cells(hid_t file, const char *name, const double *cells, size_t rows, size_t cols)
{
    hid_t ds = write_dataset(file, name, cells, rows, cols);
    check_dataset(ds, name, cells, rows, cols, NULL);
    H5Dclose(ds);
}

int main(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/test_cell_quantile.h5", VDCSIM_TEST_TMPDIR);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(file >= 0);

    /* 300 x 7 cells: every 11th NaN, values rounded to 0.5 so there are ties. */
    enum { R1 = 300, C1 = 7 };
    static double small[R1 * C1];
    for (size_t i = 0; i < R1 * C1; i++)
        small[i] = i % 11 == 0 ? NAN : round(200 * uniform()) / 2;
    hid_t ds = write_dataset(file, "small", small, R1, C1);
    check_dataset(ds, "small", small, R1, C1, NULL);
    /* Scaled per column (MHz -> % of a capacity); column 3 left out. */
    double scale[C1] = {100.0 / 2600, 100.0 / 3000, 100.0 / 2600, NAN, 100.0 / 1800, 100.0 / 2600, 0.5};
    check_dataset(ds, "small scaled", small, R1, C1, scale);
    H5Dclose(ds);

    /* 600 x 1000 cells in [0, 1) plus one outlier of 1e12: the first
     * histogram over [0, 1e12] puts every other cell in bin 0. */
    enum { R2 = 600, C2 = 1000 };
    double *crowd = malloc((size_t)R2 * C2 * sizeof *crowd);
    for (size_t i = 0; i < (size_t)R2 * C2; i++)
        crowd[i] = uniform();
    crowd[12345] = 1e12;
    check_cells(file, "crowd", crowd, R2, C2);
    free(crowd);

    /* 600 x 1000 cells in [0, 1) without the outlier: about 9 cells a
     * bin, each quantile's bin collected (shared by the ones asked
     * together); then all one value (no histogram). */
    enum { R3 = 600, C3 = 1000 };
    double *spread = malloc((size_t)R3 * C3 * sizeof *spread);
    for (size_t i = 0; i < (size_t)R3 * C3; i++)
        spread[i] = i % 97 == 0 ? NAN : uniform();
    check_cells(file, "spread", spread, R3, C3);
    for (size_t i = 0; i < (size_t)R3 * C3; i++)
        spread[i] = 42.5;
    check_cells(file, "flat", spread, R3, C3);
    free(spread);

    /* 400 x 1000 cells spread over [0, 0.4) and two at -1e308 and 1e308:
     * hi - lo overflows (the narrowing looped for ever before). */
    enum { R4 = 400, C4 = 1000 };
    double *huge = malloc((size_t)R4 * C4 * sizeof *huge);
    for (size_t i = 0; i < (size_t)R4 * C4; i++)
        huge[i] = (double)i * 1e-6;
    huge[0] = -1e308;
    huge[1] = 1e308;
    check_cells(file, "huge", huge, R4, C4);
    free(huge);

    /* All NaN: n = 0, quantile NaN. */
    double nan_cells[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
    ds = write_dataset(file, "nan", nan_cells, 2, 3);
    cellq q;
    char err[512];
    double got = 0;
    CHECK(cellq_begin(&q, ds, "nan", NULL, 0, err, sizeof err) == 0);
    CHECK(q.n == 0 && isnan(q.mean));
    CHECK(cellq_quantile(&q, 0.5, &got, err, sizeof err) == 0 && isnan(got));
    H5Dclose(ds);

    /* quantile_of_values: 10 values, q = 0.95 -> rank ceil(9.5) = 10. */
    double v[10] = {5, 1, 9, 3, 7, 2, 8, 4, 6, 10};
    CHECK(quantile_of_values(v, 10, 0.95) == 10);
    CHECK(quantile_of_values(v, 10, 0.5) == 5);
    CHECK(quantile_of_values(v, 10, 0.0) == 1);

    H5Fclose(file);
    remove(path);
    return CHECK_DONE();
}
