/* props_signal.c - piecewise-constant signals and their operators (see
 * props_signal.h). */
#include "analysis/props_signal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ps_init(ps_signal *s, int64_t end_ns)
{
    memset(s, 0, sizeof *s);
    s->end_ns = end_ns;
}

void ps_free(ps_signal *s)
{
    free(s->seg);
    s->seg = NULL;
    s->n = s->cap = 0;
}

static int same_value(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

int ps_push(ps_signal *s, int64_t t, double v)
{
    if (s->n > 0 && s->seg[s->n - 1].t == t) {
        s->n--; /* the last record at one time wins */
    }
    if (s->n > 0 && same_value(s->seg[s->n - 1].v, v))
        return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        ps_seg *seg = realloc(s->seg, cap * sizeof *seg);
        if (!seg) {
            ps_free(s);
            return -1;
        }
        s->seg = seg;
        s->cap = cap;
    }
    s->seg[s->n].t = t;
    s->seg[s->n].v = v;
    s->n++;
    return 0;
}

/* Index of the segment holding t. */
static size_t seg_index(const ps_signal *s, int64_t t)
{
    size_t lo = 0, hi = s->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->seg[mid].t <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double ps_at(const ps_signal *s, int64_t t)
{
    return s->n ? s->seg[seg_index(s, t)].v : NAN;
}

double pv_not(double a)
{
    return a == PV_TRUE ? PV_FALSE : a == PV_FALSE ? PV_TRUE : PV_UNKNOWN;
}

double pv_and(double a, double b)
{
    if (a == PV_FALSE || b == PV_FALSE)
        return PV_FALSE;
    return (a == PV_TRUE && b == PV_TRUE) ? PV_TRUE : PV_UNKNOWN;
}

double pv_or(double a, double b)
{
    return pv_not(pv_and(pv_not(a), pv_not(b)));
}

int ps_map2(const ps_signal *a, const ps_signal *b, ps_fn2 fn, void *arg, ps_signal *out)
{
    ps_init(out, a->end_ns);
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        int64_t t = a->seg[i].t > b->seg[j].t ? a->seg[i].t : b->seg[j].t;
        if (ps_push(out, t, fn(a->seg[i].v, b->seg[j].v, arg)) != 0)
            return -1;
        int64_t na = i + 1 < a->n ? a->seg[i + 1].t : INT64_MAX;
        int64_t nb = j + 1 < b->n ? b->seg[j + 1].t : INT64_MAX;
        if (na == INT64_MAX && nb == INT64_MAX)
            break;
        if (na <= nb)
            i++;
        if (nb <= na)
            j++;
    }
    return 0;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* The value of phi U[<=d] psi at c, where ph/ps are the two signals on the
 * merged breakpoints t[] (m segments). */
static double until_at(const int64_t *t, const double *ph, const double *sv, size_t m, int64_t c,
                       int64_t d, int64_t end_ns)
{
    size_t lo = 0, hi = m;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid] <= c)
            lo = mid;
        else
            hi = mid;
    }
    int beyond_end = d >= end_ns - c; /* the window [c, c + d] reaches past the run */
    double res = PV_FALSE, prefix = PV_TRUE;
    for (size_t k = lo; k < m; k++) {
        int64_t start = t[k] > c ? t[k] : c;
        if (start - c > d)
            break;
        res = pv_or(res, pv_and(prefix, sv[k]));
        prefix = pv_and(prefix, ph[k]);
        if (res == PV_TRUE || prefix == PV_FALSE)
            return res;
    }
    return beyond_end ? pv_or(res, PV_UNKNOWN) : res;
}

int ps_until(const ps_signal *phi, const ps_signal *psi, int64_t bound_ns, ps_signal *out)
{
    int64_t end = phi->end_ns;
    size_t m = 0, cap = phi->n + psi->n + 1;
    int64_t *t = malloc(cap * sizeof *t);
    double *ph = malloc(cap * sizeof *ph), *sv = malloc(cap * sizeof *sv);
    int64_t *cand = malloc((2 * cap + 2) * sizeof *cand);
    ps_init(out, end);
    if (!t || !ph || !sv || !cand)
        goto oom;
    { /* phi and psi on one set of breakpoints */
        size_t i = 0, j = 0;
        while (i < phi->n && j < psi->n) {
            t[m] = phi->seg[i].t > psi->seg[j].t ? phi->seg[i].t : psi->seg[j].t;
            ph[m] = phi->seg[i].v;
            sv[m] = psi->seg[j].v;
            m++;
            int64_t na = i + 1 < phi->n ? phi->seg[i + 1].t : INT64_MAX;
            int64_t nb = j + 1 < psi->n ? psi->seg[j + 1].t : INT64_MAX;
            if (na == INT64_MAX && nb == INT64_MAX)
                break;
            if (na <= nb)
                i++;
            if (nb <= na)
                j++;
        }
    }
    /* The value can change only where a segment enters the window
     * (t_k - d), leaves it (t_k) or the window passes the end (end - d). */
    size_t nc = 0;
    cand[nc++] = 0;
    for (size_t k = 0; k < m; k++) {
        cand[nc++] = t[k];
        if (t[k] > bound_ns)
            cand[nc++] = t[k] - bound_ns;
    }
    if (end > bound_ns)
        cand[nc++] = end - bound_ns;
    qsort(cand, nc, sizeof *cand, cmp_i64);
    for (size_t k = 0; k < nc; k++) {
        if (k > 0 && cand[k] == cand[k - 1])
            continue;
        if (cand[k] >= end)
            break;
        if (ps_push(out, cand[k], until_at(t, ph, sv, m, cand[k], bound_ns, end)) != 0)
            goto oom;
    }
    free(t);
    free(ph);
    free(sv);
    free(cand);
    return 0;
oom:
    free(t);
    free(ph);
    free(sv);
    free(cand);
    ps_free(out);
    return -1;
}

int ps_globally(const ps_signal *phi, ps_signal *out)
{
    ps_init(out, phi->end_ns);
    double *v = malloc((phi->n ? phi->n : 1) * sizeof *v);
    if (!v)
        return -1;
    double acc = PV_TRUE;
    for (size_t i = phi->n; i-- > 0;) {
        acc = pv_and(phi->seg[i].v, acc);
        v[i] = acc;
    }
    for (size_t i = 0; i < phi->n; i++)
        if (ps_push(out, phi->seg[i].t, v[i]) != 0) {
            free(v);
            return -1;
        }
    free(v);
    return 0;
}
