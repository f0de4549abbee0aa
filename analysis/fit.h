/* fit.h - maximum-likelihood fits of positive samples.
 *
 * Each fit takes n samples x[0..n-1] in any unit and returns parameters in
 * that same unit. A fit returns 0 on success and -1, leaving *out zeroed,
 * when the sample cannot be fitted: x or out NULL, n too small, a sample
 * that is not finite or not > 0, or a degenerate sample (all values equal,
 * for the fits that need spread). No fit aborts or prints.
 *
 *   Exponential: rate = 1/mean(x).                                  n >= 1
 *   Lognormal:   mu = mean(ln x), sigma^2 = mean((ln x - mu)^2)
 *                (population variance, the MLE); median = e^mu,
 *                mean = e^(mu + sigma^2/2).                         n >= 2
 *   Weibull:     shape k solves the profile-likelihood equation
 *                  sum(x^k ln x)/sum(x^k) - 1/k - mean(ln x) = 0
 *                (increasing in k, one root) with GSL's Brent solver on a
 *                bracket found by doubling/halving from k = 1; then
 *                scale = (mean(x^k))^(1/k).                        n >= 2
 *   Gamma:       shape a solves ln a - digamma(a) = ln mean(x) - mean(ln x)
 *                (Brent again); scale = mean(x)/a.                  n >= 2
 *
 * log_likelihood is the maximised log-likelihood, for comparing fits.
 */
#ifndef VDCSIM_ANALYSIS_FIT_H
#define VDCSIM_ANALYSIS_FIT_H

#include <stddef.h>

typedef struct {
    double rate;   /* 1/unit */
    double mean;   /* unit */
    double log_likelihood;
    size_t n;
} exponential_fit;

typedef struct {
    double mu;     /* mean of ln x */
    double sigma;  /* population standard deviation of ln x */
    double median; /* unit */
    double mean;   /* unit */
    double log_likelihood;
    size_t n;
} lognormal_fit;

typedef struct {
    double shape;  /* k, dimensionless; k < 1 is a decreasing hazard */
    double scale;  /* lambda, unit */
    double mean;   /* lambda * Gamma(1 + 1/k), unit */
    double log_likelihood;
    size_t n;
} weibull_fit;

typedef struct {
    double shape;  /* a, dimensionless */
    double scale;  /* theta, unit */
    double log_likelihood;
    size_t n;
} gamma_fit;

int fit_exponential_mle(const double *x, size_t n, exponential_fit *out);
int fit_lognormal_mle(const double *x, size_t n, lognormal_fit *out);
int fit_weibull_mle(const double *x, size_t n, weibull_fit *out);
int fit_gamma_mle(const double *x, size_t n, gamma_fit *out);

#endif
