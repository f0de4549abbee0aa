/* demand.c - demand processes (see demand.h). */
#include "models/workload/demand.h"

#include <gsl/gsl_randist.h>
#include <math.h>

#include "models/workload/gaussian.h"
#include "scenario/schema.h"

/* C11 does not define M_PI. */
static const double TWO_PI = 6.283185307179586476925286766559;

static const char *const kind_names[] = {"constant", "diurnal", "onoff", "random_walk", "trace"};

int demand_kind_parse(const char *name, demand_kind *out)
{
    int k = scn_enum_index("vms.[].cpu_demand.kind", name);
    if (k < 0)
        return -1;
    *out = (demand_kind)k;
    return 0;
}

const char *demand_kind_name(demand_kind kind)
{
    return (unsigned)kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[kind] : "?";
}

static double onoff_mean(const demand_spec *d)
{
    double on = (double)d->on_time_ns, off = (double)d->off_time_ns;
    return on + off > 0.0 ? (on * d->on_level + off * d->off_level) / (on + off) : d->off_level;
}

/* Length of one pass of a series when it repeats: the last sample holds for
 * one sampling step (the step before it) before the series starts again. */
static sim_time_ns series_pass_ns(const demand_series *s)
{
    if (s->n == 0)
        return 0;
    int64_t last = demand_series_time_s(s, s->n - 1);
    int64_t step = s->n >= 2 ? last - demand_series_time_s(s, s->n - 2) : 1;
    return (last + step) * SIM_NS_PER_S;
}

double demand_trace_at(const demand_spec *d, sim_time_ns t_ns, uint32_t *pos)
{
    return demand_series_at(d, &d->series, t_ns, pos);
}

double demand_series_at(const demand_spec *d, const demand_series *s, sim_time_ns t_ns, uint32_t *pos)
{
    if (s->n == 0)
        return 0.0;
    sim_time_ns pass = series_pass_ns(s);
    if (d->at_end == TRACE_REPEAT && pass > 0)
        t_ns %= pass;
    uint32_t k = *pos < s->n ? *pos : 0;
    if (demand_series_time_s(s, k) * SIM_NS_PER_S > t_ns)
        k = 0; /* wrapped around, or the hint is ahead: search again from the start */
    while (k + 1 < s->n && demand_series_time_s(s, k + 1) * SIM_NS_PER_S <= t_ns)
        k++;
    *pos = k;
    sim_time_ns tk = demand_series_time_s(s, k) * SIM_NS_PER_S;
    double v = demand_series_value(s, k);
    if (t_ns < tk) /* before the first sample: hold it */
        return v * d->scale;
    if (d->interp == TRACE_LINEAR) {
        sim_time_ns t_next;
        double v_next;
        if (k + 1 < s->n) {
            t_next = demand_series_time_s(s, k + 1) * SIM_NS_PER_S;
            v_next = demand_series_value(s, k + 1);
        } else if (d->at_end == TRACE_REPEAT) { /* towards the next pass's first sample */
            t_next = pass + demand_series_time_s(s, 0) * SIM_NS_PER_S;
            v_next = demand_series_value(s, 0);
        } else {
            return v * d->scale;
        }
        double f = (double)(t_ns - tk) / (double)(t_next - tk);
        v += f * (v_next - v);
    }
    return v * d->scale;
}

double demand_long_run_mean(const demand_spec *d) { return demand_series_long_run_mean(d, &d->series); }

double demand_series_long_run_mean(const demand_spec *d, const demand_series *s)
{
    switch (d->kind) {
    case DEMAND_ONOFF: return onoff_mean(d);
    case DEMAND_TRACE: {
        if (s->n == 0)
            return 0.0;
        double sum = 0.0;
        for (uint32_t k = 0; k < s->n; k++)
            sum += demand_series_value(s, k);
        return sum / s->n * d->scale;
    }
    default: return d->mean;
    }
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
    } else if (d->kind == DEMAND_ONOFF) {
        level = onoff_mean(d);
    } else if (d->kind == DEMAND_TRACE) {
        uint32_t pos = 0;
        level = demand_trace_at(d, t_ns, &pos);
    }
    return demand_clamp(d, level);
}

int demand_stateless(const demand_spec *d) { return d->kind == DEMAND_CONSTANT || d->kind == DEMAND_DIURNAL; }

double demand_sample(const demand_spec *d, sim_time_ns t_ns, gsl_rng *rng)
{
    return demand_noisy(d, demand_expected(d, t_ns), rng);
}

static sim_time_ns exp_duration(gsl_rng *rng, sim_time_ns mean_ns)
{
    double x = gsl_ran_exponential(rng, (double)mean_ns);
    return x < 1.0 ? 1 : (sim_time_ns)x; /* at least 1 ns: the loop below always advances */
}

/* The phase in force at t: phases are drawn as t passes their ends. */
static double onoff_level(const demand_spec *d, demand_state *s, sim_time_ns t_ns, gsl_rng *rng)
{
    if (!s->started) {
        double p_on = (double)d->on_time_ns / (double)(d->on_time_ns + d->off_time_ns);
        s->on = gsl_rng_uniform(rng) < p_on;
        /* memoryless: the residual of a stationary phase is again exponential */
        s->last_ns = t_ns + exp_duration(rng, s->on ? d->on_time_ns : d->off_time_ns);
        s->started = 1;
    }
    while (s->last_ns <= t_ns) {
        s->on = !s->on;
        s->last_ns += exp_duration(rng, s->on ? d->on_time_ns : d->off_time_ns);
    }
    return s->on ? d->on_level : d->off_level;
}

static double walk_level(const demand_spec *d, demand_state *s, sim_time_ns t_ns, gsl_rng *rng)
{
    double sd = d->spread * d->mean;
    if (!s->started) {
        s->level = d->mean + demand_gaussian(rng, sd);
        s->last_ns = t_ns;
        s->started = 1;
    } else if (t_ns > s->last_ns) {
        double decay = exp(-(double)(t_ns - s->last_ns) / (double)d->reversion_ns);
        s->level = d->mean + (s->level - d->mean) * decay + demand_gaussian(rng, sd * sqrt(1.0 - decay * decay));
        s->last_ns = t_ns;
    }
    return s->level;
}

void demand_start(demand_state *s, sim_time_ns t_ns)
{
    if (!s->trace_clock_set) {
        s->trace_origin_ns = t_ns;
        s->trace_clock_set = 1;
    }
}

double demand_next(const demand_spec *d, demand_state *s, sim_time_ns t_ns, gsl_rng *rng)
{
    return demand_series_next(d, &d->series, s, t_ns, rng);
}

double demand_series_next(const demand_spec *d, const demand_series *series, demand_state *s, sim_time_ns t_ns,
                          gsl_rng *rng)
{
    double level;
    switch (d->kind) {
    case DEMAND_ONOFF: level = onoff_level(d, s, t_ns, rng); break;
    case DEMAND_RANDOM_WALK: level = walk_level(d, s, t_ns, rng); break;
    case DEMAND_TRACE: {
        sim_time_ns local_ns = t_ns - s->trace_origin_ns;
        level = demand_series_at(d, series, local_ns > 0 ? local_ns : 0, &s->trace_pos);
        break;
    }
    default: level = demand_expected(d, t_ns); break;
    }
    return demand_noisy(d, level, rng);
}
