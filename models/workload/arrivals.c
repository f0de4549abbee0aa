/* arrivals.c - arrival processes of VM groups (see arrivals.h). */
#include "models/workload/arrivals.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/units.h"

int arrival_parse_times(const char *text, sim_time_ns **out, size_t *n_out, char *why, size_t why_len)
{
    *out = NULL;
    *n_out = 0;
    size_t cap = 0, n = 0;
    sim_time_ns *times = NULL;
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[64], reason[160];
        if (len >= sizeof item) {
            snprintf(why, why_len, "time #%zu is too long", n + 1);
            free(times);
            return -1;
        }
        while (len > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        memcpy(item, p, len);
        while (len > 0 && (item[len - 1] == ' ' || item[len - 1] == '\t'))
            len--;
        item[len] = '\0';
        int64_t t;
        if (units_parse_duration_ns(item, &t, reason, sizeof reason) != 0) {
            snprintf(why, why_len, "time #%zu: %s", n + 1, reason);
            free(times);
            return -1;
        }
        if (n > 0 && t < times[n - 1]) {
            snprintf(why, why_len, "time #%zu (%s) is before the one ahead of it (expected non-decreasing times)",
                     n + 1, item);
            free(times);
            return -1;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            sim_time_ns *grown = realloc(times, cap * sizeof *grown);
            if (!grown) {
                snprintf(why, why_len, "out of memory");
                free(times);
                return -1;
            }
            times = grown;
        }
        times[n++] = t;
        p += len;
        if (*p == ',')
            p++;
    }
    *out = times;
    *n_out = n;
    return 0;
}

sim_time_ns arrival_time(const arrival_spec *a, uint64_t k, sim_time_ns previous_ns, gsl_rng *rng)
{
    if (k >= a->count)
        return -1;
    double t;
    switch (a->process) {
    case ARRIVAL_AT_START: t = (double)a->start_ns; break;
    case ARRIVAL_POISSON:
        t = (double)(k == 0 ? a->start_ns : previous_ns) + gsl_ran_exponential(rng, a->gap_ns);
        break;
    case ARRIVAL_DETERMINISTIC: t = (double)a->start_ns + (double)k * a->gap_ns; break;
    case ARRIVAL_LIST:
        if (k >= a->n_offsets)
            return -1;
        t = (double)a->start_ns + (double)a->offsets_ns[k];
        break;
    default: return -1;
    }
    if (!(t < (double)a->until_ns) || t > 9.2e18)
        return -1;
    sim_time_ns ns = (sim_time_ns)llround(t);
    return ns < previous_ns && k > 0 ? previous_ns : ns;
}

void arrival_free(arrival_spec *a)
{
    free(a->offsets_ns);
    a->offsets_ns = NULL;
    a->n_offsets = 0;
}
