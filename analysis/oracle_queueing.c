/* oracle_queueing.c - M/M/1, M/M/c, Erlang B/C, M/G/1, M/G/inf, supermarket.
 *
 * Formulas and sources are in oracles.h (models.md 7.2-7.4).
 */
#include "analysis/oracles.h"

#include <math.h>

double oracle_erlang_b(int servers, double offered_load_erlangs)
{
    double a = offered_load_erlangs;
    double blocking = 1.0;

    if (servers < 0 || !(a >= 0.0))
        return NAN;
    for (int k = 1; k <= servers; k++)
        blocking = a * blocking / ((double)k + a * blocking);
    return blocking;
}

double oracle_erlang_c(int servers, double offered_load_erlangs)
{
    double a = offered_load_erlangs;
    double c = (double)servers;
    double blocking;

    if (servers < 1 || !(a >= 0.0))
        return NAN;
    if (a >= c)
        return 1.0;
    blocking = oracle_erlang_b(servers, a);
    return c * blocking / (c - a * (1.0 - blocking));
}

/* Shared argument check for the M/M/c family: 1 if usable. */
static int mmc_arguments_valid(double lambda, double mu, int servers)
{
    return servers >= 1 && lambda >= 0.0 && mu > 0.0;
}

double oracle_mmc_wq(double lambda, double mu, int servers)
{
    double capacity;

    if (!mmc_arguments_valid(lambda, mu, servers))
        return NAN;
    capacity = (double)servers * mu;
    if (lambda >= capacity)
        return INFINITY;
    return oracle_erlang_c(servers, lambda / mu) / (capacity - lambda);
}

double oracle_mmc_w(double lambda, double mu, int servers)
{
    double wq = oracle_mmc_wq(lambda, mu, servers);
    return isnan(wq) ? NAN : wq + 1.0 / mu;
}

double oracle_mmc_lq(double lambda, double mu, int servers)
{
    double wq = oracle_mmc_wq(lambda, mu, servers);
    if (isinf(wq))
        return INFINITY;
    return lambda * wq;
}

double oracle_mmc_l(double lambda, double mu, int servers)
{
    double w = oracle_mmc_w(lambda, mu, servers);
    if (isinf(w))
        return INFINITY;
    return lambda * w;
}

double oracle_mm1_w(double lambda, double mu)
{
    if (!mmc_arguments_valid(lambda, mu, 1))
        return NAN;
    if (lambda >= mu)
        return INFINITY;
    return 1.0 / (mu - lambda);
}

double oracle_mm1_wq(double lambda, double mu)
{
    if (!mmc_arguments_valid(lambda, mu, 1))
        return NAN;
    if (lambda >= mu)
        return INFINITY;
    return (lambda / mu) / (mu - lambda);
}

double oracle_mm1_l(double lambda, double mu)
{
    double rho;

    if (!mmc_arguments_valid(lambda, mu, 1))
        return NAN;
    rho = lambda / mu;
    if (rho >= 1.0)
        return INFINITY;
    return rho / (1.0 - rho);
}

double oracle_mm1_lq(double lambda, double mu)
{
    double rho;

    if (!mmc_arguments_valid(lambda, mu, 1))
        return NAN;
    rho = lambda / mu;
    if (rho >= 1.0)
        return INFINITY;
    return rho * rho / (1.0 - rho);
}

double oracle_mm1_prob_at_least(double lambda, double mu, int k)
{
    double rho;

    if (!mmc_arguments_valid(lambda, mu, 1) || k < 0)
        return NAN;
    rho = lambda / mu;
    if (rho >= 1.0)
        return 1.0;
    return pow(rho, (double)k);
}

double oracle_mg1_wq(double lambda, double mean_service, double service_variance)
{
    double rho, second_moment;

    if (!(lambda >= 0.0) || !(mean_service > 0.0) || !(service_variance >= 0.0))
        return NAN;
    rho = lambda * mean_service;
    if (rho >= 1.0)
        return INFINITY;
    second_moment = service_variance + mean_service * mean_service;
    return lambda * second_moment / (2.0 * (1.0 - rho));
}

double oracle_mg1_w(double lambda, double mean_service, double service_variance)
{
    double wq = oracle_mg1_wq(lambda, mean_service, service_variance);
    return isnan(wq) ? NAN : wq + mean_service;
}

double oracle_mg1_l(double lambda, double mean_service, double service_variance)
{
    double w = oracle_mg1_w(lambda, mean_service, service_variance);
    if (isinf(w))
        return INFINITY;
    return lambda * w;
}

double oracle_mginf_mean(double lambda, double mean_lifetime)
{
    if (!(lambda >= 0.0) || !(mean_lifetime >= 0.0))
        return NAN;
    return lambda * mean_lifetime;
}

/* Terms of the supermarket sums are lambda^e with exponents that grow like
 * d^i, so a few dozen terms reach the underflow of a double. The exponents
 * follow e_{i+1} = d*e_i + d (sojourn) and f_{i+1} = d*f_i + 1 (tail). */
#define SUPERMARKET_MAX_TERMS 4096

double oracle_supermarket_sojourn(double lambda, int choices)
{
    double d = (double)choices;
    double exponent = 0.0; /* (d^1 - d)/(d - 1) = 0 */
    double total = 0.0;

    if (choices < 1 || !(lambda >= 0.0))
        return NAN;
    if (lambda >= 1.0)
        return INFINITY;
    if (choices == 1)
        return 1.0 / (1.0 - lambda);
    for (int i = 1; i <= SUPERMARKET_MAX_TERMS; i++) {
        double term = pow(lambda, exponent);
        total += term;
        if (term <= total * 1e-17)
            break;
        exponent = d * exponent + d;
    }
    return total;
}

double oracle_supermarket_tail(double lambda, int choices, int at_least_jobs)
{
    double d = (double)choices;
    double exponent = 0.0; /* (d^0 - 1)/(d - 1) = 0 */

    if (choices < 1 || at_least_jobs < 0 || !(lambda >= 0.0) || lambda > 1.0)
        return NAN;
    for (int i = 1; i <= at_least_jobs; i++) {
        exponent = d * exponent + 1.0;
        if (isinf(exponent))
            break;
    }
    return pow(lambda, exponent);
}
