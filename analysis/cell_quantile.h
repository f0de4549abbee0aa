/* cell_quantile.h - exact statistics over every finite cell of a 2-D
 * series [sample, entity], streamed in blocks of rows (bounded memory).
 *
 * A cell may be scaled per column first (x[k][j] * scale[j]; a column whose
 * scale is not finite or is 0 is left out): the per-host CPU metrics use
 * scale[h] = 100 / cpu_capacity_mhz[h] to turn MHz into % of the host.
 *
 * Quantiles are nearest-rank: the q-quantile of n values is the smallest
 * value x with at least ceil(q n) values <= x (rank 1 for q = 0). They are
 * exact. A series of at most CELLQ_COLLECT_MAX cells is collected and
 * sorted in one more pass. A larger one is not held: a histogram pass over
 * [min, max] finds the bin holding the rank; the bin is narrowed again while
 * it holds more than CELLQ_COLLECT_MAX cells of different values, then its
 * cells are collected and sorted. The quantiles of a large series asked for
 * together (cellq_quantiles) cost two passes over the dataset, more when a
 * bin must be narrowed; the mean, min and max one shared pass.
 */
#ifndef VDCSIM_ANALYSIS_CELL_QUANTILE_H
#define VDCSIM_ANALYSIS_CELL_QUANTILE_H

#include <hdf5.h>

#include <stddef.h>
#include <stdint.h>

#define CELLQ_COLLECT_MAX 262144

typedef struct cellq {
    hid_t dataset;        /* 2-D float64, owned by the caller */
    const char *path;     /* for messages */
    const double *scale;  /* dims[1] factors, or NULL */
    hsize_t rows, cols;
    hsize_t first_row;    /* rows before it are left out */
    int64_t n;            /* finite (scaled) cells */
    double mean, min, max; /* NaN when n == 0 */
} cellq;

/* Opens the statistics of `dataset` (a 2-D float64 series at `path`),
 * rows first_row.., and makes the pass for n, mean, min and max. scale
 * (cols values) may be NULL and must outlive q. Returns 0, or -1 with a
 * message naming the path. */
int cellq_begin(cellq *q, hid_t dataset, const char *path, const double *scale, hsize_t first_row, char *err,
                size_t err_len);

/* The exact nearest-rank quantile (0 <= p <= 1) of the cells; NaN when
 * n == 0. Returns 0, or -1 with a message. */
int cellq_quantile(const cellq *q, double p, double *out, char *err, size_t err_len);

/* The same for n_p (at most CELLQ_MAX_AT_ONCE) quantiles p[i] into
 * out[i], in shared passes: one histogram pass for all, one pass that
 * collects every bin a quantile falls in (a bin still too full is narrowed
 * alone, as cellq_quantile does). Each out[i] is what cellq_quantile
 * gives for p[i]. */
#define CELLQ_MAX_AT_ONCE 4
int cellq_quantiles(const cellq *q, const double *p, int n_p, double *out, char *err, size_t err_len);

/* The nearest-rank quantile of n values in place (sorts them); NaN when
 * n == 0. For the event-value metrics. */
double quantile_of_values(double *values, size_t n, double p);

#endif
