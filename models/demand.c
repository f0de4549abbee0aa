/* demand.c - demand processes (see demand.h). */
#include "models/demand.h"

#include <gsl/gsl_randist.h>
#include <math.h>

/* C11 does not define M_PI. */
static const double TWO_PI = 6.283185307179586476925286766559;
#include <string.h>

int demand_kind_parse(const char *name, demand_kind *out)
{
    if (strcmp(name, "constant") == 0)
        *out = DEMAND_CONSTANT;
    else if (strcmp(name, "diurnal") == 0)
        *out = DEMAND_DIURNAL;
    else
        return -1;
    return 0;
}

const char *demand_kind_name(demand_kind kind)
{
    return kind == DEMAND_DIURNAL ? "diurnal" : "constant";
}

double demand_expected(const demand_spec *d, sim_time_ns t_ns)
{
    double level = d->mean;
    if (d->kind == DEMAND_DIURNAL && d->period_ns > 0) {
        /* Reduce the phase in integer time first so long runs keep precision. */
        sim_time_ns in_period = (t_ns + d->phase_ns) % d->period_ns;
        if (in_period < 0)
            in_period += d->period_ns;
        double angle = TWO_PI * (double)in_period / (double)d->period_ns;
        level *= 1.0 + d->amplitude * sin(angle);
    }
    return level > 0.0 ? level : 0.0;
}

double demand_sample(const demand_spec *d, sim_time_ns t_ns, gsl_rng *rng)
{
    double level = demand_expected(d, t_ns);
    if (d->noise > 0.0 && rng)
        level *= 1.0 + gsl_ran_gaussian(rng, d->noise);
    return level > 0.0 ? level : 0.0;
}
