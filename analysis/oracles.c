/* oracles.c - DRS recommendation priority and target imbalance (models.md
 * 1.3) and the Graham list-scheduling makespan bounds (models.md 7.6).
 *
 * The other oracles are in oracle_queueing.c, oracle_availability.c,
 * oracle_binpack.c and oracle_migration.c; oracles.h documents them all.
 */
#include "analysis/oracles.h"

#include <math.h>

int oracle_drs_priority_raw(double imbalance, int hosts)
{
    /* 10*I*sqrt(H), evaluated in that order; models.md 1.3 derives it from
     * the left-to-right reading (I/0.1)*sqrt(H) of KB 1007485. The clamp
     * keeps the conversion to int defined for absurd inputs. */
    double scaled = 10.0 * imbalance * sqrt(hosts > 0 ? (double)hosts : 0.0);

    if (isnan(scaled))
        scaled = 0.0;
    scaled = fmin(fmax(scaled, -1e6), 1e6);
    return 6 - (int)ceil(scaled);
}

double oracle_drs_target_imbalance(int threshold, int hosts)
{
    if (hosts < 1)
        return NAN;
    return (double)(5 - threshold) / (10.0 * sqrt((double)hosts));
}

double oracle_makespan_lower_bound(const double *processing_times, size_t count,
                                   int machines)
{
    double total = 0.0, longest = 0.0;

    if (machines < 1 || (processing_times == NULL && count > 0))
        return NAN;
    for (size_t j = 0; j < count; j++) {
        if (!(processing_times[j] >= 0.0))
            return NAN;
        total += processing_times[j];
        if (processing_times[j] > longest)
            longest = processing_times[j];
    }
    return fmax(total / (double)machines, longest);
}

double oracle_list_schedule_ratio(int machines)
{
    if (machines < 1)
        return NAN;
    return 2.0 - 1.0 / (double)machines;
}

double oracle_lpt_ratio(int machines)
{
    if (machines < 1)
        return NAN;
    return 4.0 / 3.0 - 1.0 / (3.0 * (double)machines);
}
