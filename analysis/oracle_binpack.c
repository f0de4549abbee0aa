/* oracle_binpack.c - bin-packing lower bounds L1, L2 and first-fit decreasing.
 *
 * Formulas and sources are in oracles.h (models.md 7.5). Sizes are doubles;
 * every comparison allows a slack of BINPACK_TOLERANCE * capacity so that
 * decimal sizes that sum to an integer number of bins (5 x 0.6 = 3) are not
 * pushed over by rounding.
 */
#include "analysis/oracles.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BINPACK_TOLERANCE 1e-9

static int binpack_arguments_valid(const double *sizes, size_t count, double capacity)
{
    if (!(capacity > 0.0) || (sizes == NULL && count > 0) || count > (size_t)INT_MAX)
        return 0;
    for (size_t i = 0; i < count; i++) {
        if (!(sizes[i] > 0.0) || sizes[i] > capacity * (1.0 + BINPACK_TOLERANCE))
            return 0;
    }
    return 1;
}

/* ceil(x) that ignores an excess of up to BINPACK_TOLERANCE above an integer. */
static int ceil_tolerant(double bins)
{
    return (int)ceil(bins - BINPACK_TOLERANCE);
}

int oracle_binpack_l1(const double *sizes, size_t count, double capacity)
{
    double total = 0.0;

    if (!binpack_arguments_valid(sizes, count, capacity))
        return -1;
    for (size_t i = 0; i < count; i++)
        total += sizes[i];
    return ceil_tolerant(total / capacity);
}

/* L(alpha) of Martello and Toth for one alpha. */
static int martello_toth_bound(const double *sizes, size_t count, double capacity,
                               double alpha)
{
    double slack = BINPACK_TOLERANCE * capacity;
    double half = capacity / 2.0;
    double sum_j2 = 0.0, sum_j3 = 0.0, excess;
    int in_j1 = 0, in_j2 = 0, bound;

    for (size_t i = 0; i < count; i++) {
        double s = sizes[i];
        if (s > capacity - alpha + slack) {
            in_j1++;
        } else if (s > half + slack) {
            in_j2++;
            sum_j2 += s;
        } else if (s >= alpha - slack) {
            sum_j3 += s;
        }
    }
    bound = in_j1 + in_j2;
    excess = sum_j3 - ((double)in_j2 * capacity - sum_j2);
    if (excess > 0.0)
        bound += ceil_tolerant(excess / capacity);
    return bound;
}

int oracle_binpack_l2(const double *sizes, size_t count, double capacity)
{
    double slack = BINPACK_TOLERANCE * capacity;
    int best;

    if (!binpack_arguments_valid(sizes, count, capacity))
        return -1;
    best = martello_toth_bound(sizes, count, capacity, 0.0);
    for (size_t i = 0; i < count; i++) {
        if (sizes[i] <= capacity / 2.0 + slack) {
            int bound = martello_toth_bound(sizes, count, capacity, sizes[i]);
            if (bound > best)
                best = bound;
        }
    }
    return best;
}

static int compare_descending(const void *left, const void *right)
{
    double a = *(const double *)left, b = *(const double *)right;
    return (a < b) - (a > b);
}

int oracle_binpack_ffd(const double *sizes, size_t count, double capacity)
{
    double slack = BINPACK_TOLERANCE * capacity;
    double *sorted, *residual;
    int bins_used = 0;

    if (!binpack_arguments_valid(sizes, count, capacity))
        return -1;
    if (count == 0)
        return 0;
    sorted = malloc(count * sizeof *sorted);
    residual = malloc(count * sizeof *residual);
    if (sorted == NULL || residual == NULL) {
        free(sorted);
        free(residual);
        return -1;
    }
    memcpy(sorted, sizes, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, compare_descending);
    for (size_t i = 0; i < count; i++) {
        int bin = 0;
        while (bin < bins_used && sorted[i] > residual[bin] + slack)
            bin++;
        if (bin == bins_used)
            residual[bins_used++] = capacity;
        residual[bin] -= sorted[i];
    }
    free(sorted);
    free(residual);
    return bins_used;
}

double oracle_binpack_ffd_bound(int optimal_bins)
{
    if (optimal_bins < 0)
        return NAN;
    return (11.0 * (double)optimal_bins + 6.0) / 9.0;
}
