/* oracle_migration.c - analytic pre-copy live migration (models.md 3.1).
 *
 * The round count is found by walking the geometric series rather than by
 * evaluating ceil(log_lambda(V_thd/V)): the walk gives the same n whenever
 * lambda < 1 and V > V_thd, and also covers lambda = 0 (n = 1), lambda >= 1
 * (n = max_live_rounds) and a threshold that V*lambda^n lands on exactly,
 * where the logarithm can round either way.
 */
#include "analysis/oracles.h"

#include <math.h>

double oracle_precopy_threshold_bytes(double bandwidth_bytes_per_s,
                                      double downtime_limit_s)
{
    if (!(bandwidth_bytes_per_s > 0.0) || !(downtime_limit_s >= 0.0))
        return NAN;
    return bandwidth_bytes_per_s * downtime_limit_s;
}

int oracle_precopy_migration(double memory_bytes, double bandwidth_bytes_per_s,
                             double dirty_rate_bytes_per_s, double stop_threshold_bytes,
                             int max_live_rounds, double resume_time_s,
                             oracle_precopy_result *out)
{
    double ratio, round_bytes, bytes_sent;
    int rounds;

    if (out == NULL || !(memory_bytes >= 0.0) || !(bandwidth_bytes_per_s > 0.0) ||
        !(dirty_rate_bytes_per_s >= 0.0) || !(stop_threshold_bytes >= 0.0) ||
        max_live_rounds < 1 || !(resume_time_s >= 0.0))
        return -1;

    ratio = dirty_rate_bytes_per_s / bandwidth_bytes_per_s; /* lambda = D/R */
    round_bytes = memory_bytes;                             /* V*lambda^0 */
    bytes_sent = 0.0;
    rounds = 0;
    /* Invariant: round_bytes = V*lambda^rounds is what round `rounds` would
     * send; bytes_sent holds rounds 0..rounds-1, all live. */
    if (memory_bytes > stop_threshold_bytes) {
        do {
            bytes_sent += round_bytes;
            round_bytes *= ratio;
            rounds++;
        } while (round_bytes > stop_threshold_bytes && rounds < max_live_rounds);
    }
    bytes_sent += round_bytes; /* round n: stop-and-copy */

    out->live_rounds = rounds;
    out->bytes_sent = bytes_sent;
    out->stop_copy_bytes = round_bytes;
    out->total_time_s = bytes_sent / bandwidth_bytes_per_s;
    out->downtime_s = round_bytes / bandwidth_bytes_per_s + resume_time_s;
    return 0;
}
