/* oracle_availability.c - two-state availability, k-out-of-n, machine
 * repairman, HA capacity sufficiency.
 *
 * Formulas and sources are in oracles.h (models.md 7.7).
 */
#include "analysis/oracles.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_sf_gamma.h>

double oracle_availability(double mttf, double mttr)
{
    if (!(mttf >= 0.0) || !(mttr >= 0.0) || mttf + mttr <= 0.0)
        return NAN;
    return mttf / (mttf + mttr);
}

/* log of the Binomial(n, p) probability of exactly j successes, 0 < p < 1. */
static double binomial_log_pmf(int n, int j, double log_p, double log_q)
{
    return gsl_sf_lnchoose((unsigned int)n, (unsigned int)j) + (double)j * log_p +
           (double)(n - j) * log_q;
}

/* Sum of the Binomial(n, p) pmf over j = from..to, both clamped to [0, n]. */
static double binomial_range_sum(int n, double p, int from, int to)
{
    double log_p = log(p), log_q = log1p(-p);
    double total = 0.0;

    if (from < 0)
        from = 0;
    if (to > n)
        to = n;
    for (int j = from; j <= to; j++)
        total += exp(binomial_log_pmf(n, j, log_p, log_q));
    return total;
}

/* P(X >= k) for X ~ Binomial(n, p). Sums whichever tail is smaller and
 * takes the other as its complement, so small probabilities stay accurate. */
static double binomial_at_least(int n, int k, double p)
{
    double upper, lower;

    if (k <= 0)
        return 1.0;
    if (k > n)
        return 0.0;
    if (p <= 0.0)
        return 0.0;
    if (p >= 1.0)
        return 1.0;
    /* The mean n*p tells which tail holds less mass. */
    if ((double)k > (double)n * p) {
        upper = binomial_range_sum(n, p, k, n);
        return upper > 1.0 ? 1.0 : upper;
    }
    lower = binomial_range_sum(n, p, 0, k - 1);
    return lower > 1.0 ? 0.0 : 1.0 - lower;
}

double oracle_k_of_n_up(int units, int at_least_up, double availability)
{
    if (units < 0 || !(availability >= 0.0 && availability <= 1.0))
        return NAN;
    return binomial_at_least(units, at_least_up, availability);
}

double oracle_ha_capacity_shortfall_prob(int hosts, int tolerated_failures,
                                         double unavailability)
{
    if (hosts < 0 || tolerated_failures < 0 ||
        !(unavailability >= 0.0 && unavailability <= 1.0))
        return NAN;
    return binomial_at_least(hosts, tolerated_failures + 1, unavailability);
}

int oracle_ha_percentage_tolerated_failures(int hosts, int reserved_percent)
{
    if (hosts < 0 || reserved_percent < 0 || reserved_percent > 100)
        return -1;
    return (int)(((long long)hosts * reserved_percent) / 100);
}

static int machine_repair_arguments_valid(int units, int crews, double failure_rate,
                                          double repair_rate)
{
    return units >= 0 && crews >= 1 && failure_rate >= 0.0 && repair_rate > 0.0;
}

/* log of the unnormalised weight pi_i/pi_0, built up by the birth-death
 * ratio pi_i/pi_{i-1} = (n - i + 1)*lambda / (min(i, r)*mu). Returns
 * -INFINITY for unreachable states (failure_rate = 0, i > 0). */
static double machine_repair_next_log_weight(double previous, int units, int crews,
                                             double failure_rate, double repair_rate,
                                             int state)
{
    int busy_crews = state < crews ? state : crews;
    double birth = (double)(units - state + 1) * failure_rate;

    if (birth <= 0.0)
        return -INFINITY;
    return previous + log(birth) - log((double)busy_crews * repair_rate);
}

int oracle_machine_repair_distribution(int units, int crews, double failure_rate,
                                       double repair_rate, double *pi_out)
{
    double log_weight = 0.0, max_log_weight = 0.0, total = 0.0;

    if (!machine_repair_arguments_valid(units, crews, failure_rate, repair_rate) ||
        pi_out == NULL)
        return -1;
    /* Pass 1: log weights into pi_out and their maximum. */
    pi_out[0] = 0.0;
    for (int i = 1; i <= units; i++) {
        log_weight = machine_repair_next_log_weight(log_weight, units, crews,
                                                    failure_rate, repair_rate, i);
        pi_out[i] = log_weight;
        if (log_weight > max_log_weight)
            max_log_weight = log_weight;
    }
    /* Pass 2: scale by the maximum before exponentiating, then normalise. */
    for (int i = 0; i <= units; i++) {
        pi_out[i] = exp(pi_out[i] - max_log_weight);
        total += pi_out[i];
    }
    for (int i = 0; i <= units; i++)
        pi_out[i] /= total;
    return 0;
}

double oracle_machine_repair_mean_down(int units, int crews, double failure_rate,
                                       double repair_rate)
{
    double *pi, mean = 0.0;

    if (!machine_repair_arguments_valid(units, crews, failure_rate, repair_rate))
        return NAN;
    pi = malloc(((size_t)units + 1) * sizeof *pi);
    if (pi == NULL)
        return NAN;
    oracle_machine_repair_distribution(units, crews, failure_rate, repair_rate, pi);
    for (int i = 1; i <= units; i++)
        mean += (double)i * pi[i];
    free(pi);
    return mean;
}

double oracle_machine_repair_exceed_rate(int units, int crews, double failure_rate,
                                         double repair_rate, int tolerated_failures)
{
    double *pi, rate;
    int f = tolerated_failures;

    if (!machine_repair_arguments_valid(units, crews, failure_rate, repair_rate) ||
        f < 0)
        return NAN;
    if (f >= units)
        return 0.0;
    pi = malloc(((size_t)units + 1) * sizeof *pi);
    if (pi == NULL)
        return NAN;
    oracle_machine_repair_distribution(units, crews, failure_rate, repair_rate, pi);
    rate = pi[f] * (double)(units - f) * failure_rate;
    free(pi);
    return rate;
}
