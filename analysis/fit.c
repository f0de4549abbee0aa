/* fit.c - maximum-likelihood fits; see fit.h for the equations.
 *
 * GSL's default error handler aborts the process. The code below only calls
 * GSL with arguments it has checked (a verified sign-changing bracket,
 * finite function values, arguments > 0 to the special functions), so the
 * handler is never reached and no global GSL state is touched.
 */
#include "analysis/fit.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#define ROOT_MAX_ITERATIONS 200
#define BRACKET_MAX_STEPS 60
#define FIT_PI 3.14159265358979323846

/* Checks the sample and returns mean(ln x), min and max through pointers. */
static int check_sample(const double *x, size_t n, size_t min_n, double *mean_log,
                        double *min_x, double *max_x)
{
    if (x == NULL || n < min_n)
        return -1;
    double sum_log = 0.0, lo = INFINITY, hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || x[i] <= 0.0)
            return -1;
        sum_log += log(x[i]);
        if (x[i] < lo)
            lo = x[i];
        if (x[i] > hi)
            hi = x[i];
    }
    *mean_log = sum_log / (double)n;
    *min_x = lo;
    *max_x = hi;
    return 0;
}

int fit_exponential_mle(const double *x, size_t n, exponential_fit *out)
{
    if (out == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    double mean_log, lo, hi;
    if (check_sample(x, n, 1, &mean_log, &lo, &hi) != 0)
        return -1;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    double mean = sum / (double)n;
    out->mean = mean;
    out->rate = 1.0 / mean;
    out->log_likelihood = -(double)n * (log(mean) + 1.0);
    out->n = n;
    return 0;
}

int fit_lognormal_mle(const double *x, size_t n, lognormal_fit *out)
{
    if (out == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    double mu, lo, hi;
    if (check_sample(x, n, 2, &mu, &lo, &hi) != 0 || lo == hi)
        return -1;
    double sum_sq = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = log(x[i]) - mu;
        sum_sq += d * d;
    }
    double variance = sum_sq / (double)n;
    double sigma = sqrt(variance);
    out->mu = mu;
    out->sigma = sigma;
    out->median = exp(mu);
    out->mean = exp(mu + variance / 2.0);
    /* sum of ln f = -n/2 ln(2 pi sigma^2) - sum ln x - n/2 */
    out->log_likelihood = -0.5 * (double)n * (log(2.0 * FIT_PI * variance) + 1.0) - (double)n * mu;
    out->n = n;
    return 0;
}

/* Profile equation for the Weibull shape. Powers are taken relative to the
 * largest sample, x^k = max^k * exp(k (ln x - ln max)), so nothing
 * overflows; the common factor cancels in the ratio. */
typedef struct {
    const double *x;
    size_t n;
    double log_max;
    double mean_log;
} weibull_profile;

static double weibull_profile_equation(double k, void *params)
{
    const weibull_profile *p = params;
    double sum_w = 0.0, sum_w_log = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        double lx = log(p->x[i]);
        double w = exp(k * (lx - p->log_max));
        sum_w += w;
        sum_w_log += w * lx;
    }
    return sum_w_log / sum_w - 1.0 / k - p->mean_log;
}

/* Finds the root of an increasing f on (0, inf) starting from 1: halves the
 * lower end until f < 0, doubles the upper end until f > 0, then runs
 * Brent. Returns 0 and the root, or -1. */
static int solve_increasing(gsl_function *f, double *root)
{
    double lo = 1.0, hi = 1.0;
    double f_lo = GSL_FN_EVAL(f, lo);
    double f_hi = f_lo;
    if (!isfinite(f_lo))
        return -1;
    if (f_lo == 0.0) {
        *root = lo;
        return 0;
    }
    int steps = 0;
    while (f_lo > 0.0 && steps++ < BRACKET_MAX_STEPS) {
        hi = lo;
        f_hi = f_lo;
        lo /= 2.0;
        f_lo = GSL_FN_EVAL(f, lo);
    }
    while (f_hi < 0.0 && steps++ < BRACKET_MAX_STEPS) {
        lo = hi;
        f_lo = f_hi;
        hi *= 2.0;
        f_hi = GSL_FN_EVAL(f, hi);
    }
    if (!isfinite(f_lo) || !isfinite(f_hi) || !(f_lo <= 0.0 && f_hi >= 0.0))
        return -1;
    if (f_lo == 0.0 || f_hi == 0.0) {
        *root = f_lo == 0.0 ? lo : hi;
        return 0;
    }

    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (solver == NULL)
        return -1;
    if (gsl_root_fsolver_set(solver, f, lo, hi) != GSL_SUCCESS) {
        gsl_root_fsolver_free(solver);
        return -1;
    }
    int status = GSL_CONTINUE;
    for (int i = 0; i < ROOT_MAX_ITERATIONS && status == GSL_CONTINUE; i++) {
        if (gsl_root_fsolver_iterate(solver) != GSL_SUCCESS)
            break;
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(solver),
                                        gsl_root_fsolver_x_upper(solver), 0.0, 1e-12);
    }
    *root = gsl_root_fsolver_root(solver);
    gsl_root_fsolver_free(solver);
    return status == GSL_SUCCESS && isfinite(*root) && *root > 0.0 ? 0 : -1;
}

int fit_weibull_mle(const double *x, size_t n, weibull_fit *out)
{
    if (out == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    double mean_log, lo, hi;
    if (check_sample(x, n, 2, &mean_log, &lo, &hi) != 0 || lo == hi)
        return -1;
    weibull_profile profile = {x, n, log(hi), mean_log};
    gsl_function f = {weibull_profile_equation, &profile};
    double k;
    if (solve_increasing(&f, &k) != 0)
        return -1;

    /* scale^k = mean(x^k) = max^k * mean(exp(k (ln x - ln max))) */
    double sum_w = 0.0;
    for (size_t i = 0; i < n; i++)
        sum_w += exp(k * (log(x[i]) - profile.log_max));
    double log_scale = profile.log_max + log(sum_w / (double)n) / k;
    double scale = exp(log_scale);
    if (!isfinite(scale) || scale <= 0.0)
        return -1;
    out->shape = k;
    out->scale = scale;
    out->mean = scale * exp(gsl_sf_lngamma(1.0 + 1.0 / k));
    /* At the MLE, sum (x/scale)^k = n, so
     * ll = n ln k - n k ln scale + (k - 1) sum ln x - n. */
    out->log_likelihood = (double)n * (log(k) - k * log_scale + (k - 1.0) * mean_log - 1.0);
    out->n = n;
    return 0;
}

/* ln a - digamma(a) - s, decreasing in a; negated so it increases. */
static double gamma_shape_equation(double a, void *params)
{
    double s = *(const double *)params;
    return -(log(a) - gsl_sf_psi(a) - s);
}

int fit_gamma_mle(const double *x, size_t n, gamma_fit *out)
{
    if (out == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    double mean_log, lo, hi;
    if (check_sample(x, n, 2, &mean_log, &lo, &hi) != 0 || lo == hi)
        return -1;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    double mean = sum / (double)n;
    double s = log(mean) - mean_log; /* > 0 by Jensen when the sample varies */
    if (!(s > 0.0))
        return -1;
    gsl_function f = {gamma_shape_equation, &s};
    double a;
    if (solve_increasing(&f, &a) != 0)
        return -1;
    double theta = mean / a;
    out->shape = a;
    out->scale = theta;
    /* ll = (a - 1) sum ln x - n a - n a ln theta - n lnGamma(a), using sum x = n a theta */
    out->log_likelihood =
        (double)n * ((a - 1.0) * mean_log - a - a * log(theta) - gsl_sf_lngamma(a));
    out->n = n;
    return 0;
}
