/* cell_quantile.c - exact cell statistics of a series (see cell_quantile.h). */
#include "analysis/cell_quantile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"
#include "analysis/row_stream.h"

/* cells of a block; two are held at once (analysis/row_stream.h) */
#define BLOCK_VALUES 262144
#define BINS 65536

typedef void (*cell_fn)(double v, void *arg);

/* each_cell's fold of one block (analysis/row_stream.h). */
typedef struct cell_walk {
    const cellq *q;
    cell_fn fn;
    void *arg;
} cell_walk;

static int walk_block(void *arg, hsize_t start, hsize_t n, const double *block)
{
    const cell_walk *w = arg;
    const cellq *q = w->q;
    for (hsize_t r = 0; r < n; r++)
        for (hsize_t c = 0; c < q->cols; c++) {
            double v = block[r * q->cols + c];
            if (q->scale) {
                if (!isfinite(q->scale[c]) || q->scale[c] == 0.0)
                    continue;
                v *= q->scale[c];
            }
            if (isfinite(v))
                w->fn(v, w->arg);
        }
    return 0;
}

/* Calls fn for every finite scaled cell, in row-major order. */
static int each_cell(const cellq *q, cell_fn fn, void *arg, char *err, size_t err_len)
{
    if (q->rows == 0 || q->cols == 0)
        return 0;
    hsize_t block_rows = h5r_block_rows_chunked(q->dataset, h5r_block_rows(q->cols, BLOCK_VALUES));
    cell_walk w = {.q = q, .fn = fn, .arg = arg};
    hsize_t bad[2];
    if (h5r_rows_stream(q->dataset, q->first_row, q->rows, q->cols, block_rows, walk_block, &w, bad) != 0) {
        snprintf(err, err_len, "%s: cannot read rows %llu..%llu", q->path, (unsigned long long)bad[0],
                 (unsigned long long)(bad[0] + bad[1]));
        return -1;
    }
    return 0;
}

typedef struct {
    int64_t n;
    double sum, min, max;
} moments;

static void add_moment(double v, void *arg)
{
    moments *m = arg;
    if (m->n == 0 || v < m->min)
        m->min = v;
    if (m->n == 0 || v > m->max)
        m->max = v;
    m->sum += v;
    m->n++;
}

int cellq_begin(cellq *q, hid_t dataset, const char *path, const double *scale, hsize_t first_row, char *err,
                size_t err_len)
{
    hsize_t dims[2] = {0, 0};
    *q = (cellq){.dataset = dataset, .path = path, .scale = scale, .first_row = first_row, .mean = NAN,
                 .min = NAN, .max = NAN};
    if (h5r_dims(dataset, 2, dims) != 0) {
        snprintf(err, err_len, "%s: not a 2-D series", path);
        return -1;
    }
    q->rows = dims[0];
    q->cols = dims[1];
    moments m = {0};
    if (each_cell(q, add_moment, &m, err, err_len) != 0)
        return -1;
    q->n = m.n;
    if (m.n > 0) {
        q->mean = m.sum / (double)m.n;
        q->min = m.min;
        q->max = m.max;
    }
    return 0;
}

/* The bin of v in [lo, hi] cut into BINS bins; monotone in v, so the cells
 * of one bin are exactly those in [its smallest, its largest cell]. When
 * hi - lo overflows (cells near +-DBL_MAX) the halves are used: an infinite
 * width put every cell in bin 0 and the narrowing never ended. */
static int bin_of(double v, double lo, double hi)
{
    double width = hi - lo;
    double x = isfinite(width) ? (v - lo) / width * BINS : (v * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5) * BINS;
    return x >= 0.0 && x < (double)BINS ? (int)x : x >= (double)BINS ? BINS - 1 : 0;
}

typedef struct {
    double lo, hi;
    int64_t *count;
    double *bin_min, *bin_max;
} histogram;

static void add_to_histogram(double v, void *arg)
{
    histogram *h = arg;
    if (v < h->lo || v > h->hi)
        return;
    int b = bin_of(v, h->lo, h->hi);
    if (h->count[b] == 0 || v < h->bin_min[b])
        h->bin_min[b] = v;
    if (h->count[b] == 0 || v > h->bin_max[b])
        h->bin_max[b] = v;
    h->count[b]++;
}

typedef struct {
    double lo, hi;
    double *values;
    size_t n, cap;
} collector;

static void collect(double v, void *arg)
{
    collector *c = arg;
    if (v >= c->lo && v <= c->hi && c->n < c->cap)
        c->values[c->n++] = v;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double quantile_of_values(double *values, size_t n, double p)
{
    if (n == 0)
        return NAN;
    qsort(values, n, sizeof *values, compare_double);
    double r = ceil(p * (double)n);
    size_t rank = r < 1.0 ? 1 : r > (double)n ? n : (size_t)r;
    return values[rank - 1];
}

/* The rank of p among n values (nearest-rank, 1..n). */
static int64_t rank_of(double p, int64_t n)
{
    double r = ceil(p * (double)n);
    return r < 1.0 ? 1 : r > (double)n ? n : (int64_t)r;
}

/* One quantile of a series of more than CELLQ_COLLECT_MAX cells, the bin
 * narrowed while it holds too many (cellq_quantiles takes the first
 * histogram's answers itself when it can). */
static int quantile_narrowed(const cellq *q, double p, double *out, char *err, size_t err_len)
{
    *out = NAN;
    if (q->n == 0)
        return 0;
    int64_t rank = rank_of(p, q->n);
    histogram h = {.lo = q->min, .hi = q->max};
    int64_t below = 0; /* cells smaller than h.lo */
    h.count = malloc(BINS * sizeof *h.count);
    h.bin_min = malloc(BINS * sizeof *h.bin_min);
    h.bin_max = malloc(BINS * sizeof *h.bin_max);
    int rc = h.count && h.bin_min && h.bin_max ? 0 : -1;
    if (rc != 0)
        snprintf(err, err_len, "%s: out of memory for the quantile", q->path);
    while (rc == 0) {
        if (h.lo == h.hi) {
            *out = h.lo;
            break;
        }
        for (int b = 0; b < BINS; b++)
            h.count[b] = 0;
        if (each_cell(q, add_to_histogram, &h, err, err_len) != 0) {
            rc = -1;
            break;
        }
        int b = 0;
        int64_t seen = below;
        while (b < BINS - 1 && seen + h.count[b] < rank)
            seen += h.count[b++];
        if (h.bin_min[b] == h.bin_max[b] || h.count[b] <= CELLQ_COLLECT_MAX) {
            collector c = {.lo = h.bin_min[b], .hi = h.bin_max[b], .cap = (size_t)h.count[b]};
            if (h.bin_min[b] == h.bin_max[b]) {
                *out = h.bin_min[b];
                break;
            }
            c.values = malloc(c.cap * sizeof *c.values);
            if (!c.values) {
                snprintf(err, err_len, "%s: out of memory for the quantile", q->path);
                rc = -1;
                break;
            }
            rc = each_cell(q, collect, &c, err, err_len);
            if (rc == 0) {
                qsort(c.values, c.n, sizeof *c.values, compare_double);
                size_t k = (size_t)(rank - seen - 1);
                *out = c.values[k < c.n ? k : c.n - 1];
            }
            free(c.values);
            break;
        }
        /* Too many distinct cells in the bin: histogram the bin alone. A
         * bin as wide as the range would never end (the lowest and the
         * highest cell fall in the first and last bins, so it cannot
         * happen; checked all the same). */
        if (h.bin_min[b] == h.lo && h.bin_max[b] == h.hi) {
            snprintf(err, err_len, "%s: the quantile's bin cannot be narrowed", q->path);
            rc = -1;
            break;
        }
        below = seen;
        double lo = h.bin_min[b], hi = h.bin_max[b];
        h.lo = lo;
        h.hi = hi;
    }
    free(h.count);
    free(h.bin_min);
    free(h.bin_max);
    return rc;
}

/* Cells collected into several value ranges at once, each its own array. */
typedef struct {
    int n;
    collector c[CELLQ_MAX_AT_ONCE];
} collectors;

static void collect_each(double v, void *arg)
{
    collectors *cs = arg;
    for (int i = 0; i < cs->n; i++)
        collect(v, &cs->c[i]);
}

/* Sorts each collector's values. */
static void sort_collected(collectors *cs)
{
    for (int i = 0; i < cs->n; i++)
        qsort(cs->c[i].values, cs->c[i].n, sizeof *cs->c[i].values, compare_double);
}

static void free_collected(collectors *cs)
{
    for (int i = 0; i < cs->n; i++)
        free(cs->c[i].values);
}

/* Adds a collector for [lo, hi] of cap values; its index, or -1 (memory). */
static int add_collector(collectors *cs, double lo, double hi, size_t cap)
{
    for (int i = 0; i < cs->n; i++)
        if (cs->c[i].lo == lo && cs->c[i].hi == hi)
            return i; /* two quantiles in one bin: collected once */
    collector *c = &cs->c[cs->n];
    *c = (collector){.lo = lo, .hi = hi, .cap = cap};
    c->values = malloc((cap ? cap : 1) * sizeof *c->values);
    return c->values ? cs->n++ : -1;
}

int cellq_quantiles(const cellq *q, const double *p, int n_p, double *out, char *err, size_t err_len)
{
    for (int i = 0; i < n_p; i++)
        out[i] = NAN;
    if (q->n == 0 || n_p <= 0)
        return 0;
    if (n_p > CELLQ_MAX_AT_ONCE) {
        snprintf(err, err_len, "%s: more than %d quantiles at once", q->path, CELLQ_MAX_AT_ONCE);
        return -1;
    }
    collectors cs = {0};
    int which[CELLQ_MAX_AT_ONCE];     /* the collector of quantile i, or -1 */
    int64_t seen[CELLQ_MAX_AT_ONCE]; /* cells below that collector's range */
    int rc = 0;
    if (q->n <= CELLQ_COLLECT_MAX) {
        /* Few cells: collected and sorted at once (the same rank), without
         * the histogram's three 65536-bin arrays. */
        rc = add_collector(&cs, q->min, q->max, (size_t)q->n) == 0 ? 0 : -1;
        for (int i = 0; i < n_p; i++) {
            which[i] = 0;
            seen[i] = 0;
        }
    } else {
        histogram h = {.lo = q->min, .hi = q->max};
        h.count = malloc(BINS * sizeof *h.count);
        h.bin_min = malloc(BINS * sizeof *h.bin_min);
        h.bin_max = malloc(BINS * sizeof *h.bin_max);
        rc = h.count && h.bin_min && h.bin_max ? 0 : -1;
        if (rc == 0 && h.lo != h.hi) {
            for (int b = 0; b < BINS; b++)
                h.count[b] = 0;
            if (each_cell(q, add_to_histogram, &h, err, err_len) != 0)
                rc = -2;
        }
        for (int i = 0; rc == 0 && i < n_p; i++) {
            which[i] = -1;
            if (h.lo == h.hi) {
                out[i] = h.lo;
                continue;
            }
            int64_t rank = rank_of(p[i], q->n), below = 0;
            int b = 0;
            while (b < BINS - 1 && below + h.count[b] < rank)
                below += h.count[b++];
            if (h.bin_min[b] == h.bin_max[b])
                out[i] = h.bin_min[b];
            else if (h.count[b] <= CELLQ_COLLECT_MAX) {
                which[i] = add_collector(&cs, h.bin_min[b], h.bin_max[b], (size_t)h.count[b]);
                seen[i] = below;
                rc = which[i] >= 0 ? 0 : -1;
            } else if (quantile_narrowed(q, p[i], &out[i], err, err_len) != 0) {
                rc = -2; /* too many distinct cells in the bin: narrowed alone */
            }
        }
        free(h.count);
        free(h.bin_min);
        free(h.bin_max);
    }
    if (rc == 0 && cs.n > 0 && each_cell(q, collect_each, &cs, err, err_len) != 0)
        rc = -2;
    if (rc == 0) {
        sort_collected(&cs);
        for (int i = 0; i < n_p; i++) {
            const collector *c = which[i] >= 0 ? &cs.c[which[i]] : NULL;
            if (!c || c->n == 0)
                continue;
            size_t k = (size_t)(rank_of(p[i], q->n) - seen[i] - 1);
            out[i] = c->values[k < c->n ? k : c->n - 1];
        }
    }
    if (rc == -1)
        snprintf(err, err_len, "%s: out of memory for the quantile", q->path);
    free_collected(&cs);
    return rc == 0 ? 0 : -1;
}

int cellq_quantile(const cellq *q, double p, double *out, char *err, size_t err_len)
{
    return cellq_quantiles(q, &p, 1, out, err, err_len);
}
