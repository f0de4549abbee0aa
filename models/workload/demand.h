/* demand.h - resource demand processes of a workload.
 *
 * A demand process gives the level of one resource a VM asks for at a
 * simulated time, in the caller's unit: CPU in MHz, active memory as a
 * fraction of the VM's configured memory, network in Gbps.
 *   constant:    D(t) = mean
 *   diurnal:     D(t) = mean * (1 + amplitude * sin(2*pi*(t + phase)/period))
 *   onoff:       a two-state Markov-modulated process: on for Exp(on_time)
 *                then off for Exp(off_time), ...; D = on_level or off_level.
 *                It starts in its stationary law (on with probability
 *                on_time/(on_time+off_time)), so E[D] at every t is
 *                (on_time*on_level + off_time*off_level)/(on_time+off_time).
 *   random_walk: a mean-reverting walk (Ornstein-Uhlenbeck) around mean
 *                with stationary standard deviation spread*mean and
 *                reversion time tau; advanced exactly over any step dt:
 *                X' = mean + (X - mean)e^{-dt/tau} + spread*mean*sqrt(1-e^{-2dt/tau}) Z
 *                started from its stationary law N(mean, (spread*mean)^2).
 *   trace:       a per-VM time series (traces/vm_trace.h), step or linearly
 *                interpolated, repeating or holding its last value past the
 *                end, times `scale`. The series runs on the VM's own clock:
 *                trace time 0 is the moment the VM first ran (demand_start),
 *                so sample 0 is replayed for the VM's first sampling step
 *                whatever the control latency and boot time [M].
 * Every kind is then multiplied by (1 + noise * Z), Z ~ N(0,1) drawn at each
 * sample, and clamped to [0, ceiling] (ceiling 0 = no upper bound).
 *
 * Kinds with state (onoff, random_walk, trace's read position) keep it in a
 * small demand_state per VM (model_env.vm_demand_states in
 * models/core/model_env.h, only for VMs with a stateful spec), so it moves
 * with the VM between hosts; draws come from the stream of the LP holding the VM.
 * Calls for one VM must come with non-decreasing t.
 */
#ifndef VDCSIM_MODELS_DEMAND_H
#define VDCSIM_MODELS_DEMAND_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/workload/gaussian.h"
#include "sim/time.h"

/* In the order of the lists of <demand>.kind, vms.[].trace.interpolation
 * and vms.[].trace.at_end (read with scn_enum). */
typedef enum { DEMAND_CONSTANT, DEMAND_DIURNAL, DEMAND_ONOFF, DEMAND_RANDOM_WALK, DEMAND_TRACE } demand_kind;
typedef enum { TRACE_STEP, TRACE_LINEAR } trace_interp;
typedef enum { TRACE_REPEAT, TRACE_HOLD } trace_at_end;

/* A trace's samples for one VM (traces/vm_trace.h). Bitbrains gives times
 * and float values; PlanetLab gives whole percents every step_s seconds,
 * kept as one byte each (a 10-day, 11,746-VM replay is 3.4 MB instead of
 * 27). Sample times are strictly increasing from >= 0. Read them with
 * demand_series_time_s / demand_series_value. */
typedef struct demand_series {
    const int32_t *time_s; /* sample k's time (s); NULL: k * step_s */
    const float *value;    /* sample k's value; NULL: whole[k] */
    const uint8_t *whole;  /* whole-number samples, when value is NULL */
    int32_t step_s;
    uint32_t n;
} demand_series;

static inline int64_t demand_series_time_s(const demand_series *s, uint32_t k)
{
    return s->time_s ? (int64_t)s->time_s[k] : (int64_t)k * s->step_s;
}

static inline double demand_series_value(const demand_series *s, uint32_t k)
{
    return s->value ? (double)s->value[k] : (double)s->whole[k];
}

typedef struct demand_spec {
    demand_kind kind;
    double mean;           /* caller's unit (MHz, fraction, Gbps) */
    double amplitude;      /* diurnal: relative, 0..1 */
    sim_time_ns period_ns; /* diurnal: > 0 */
    sim_time_ns phase_ns;
    double noise;          /* relative standard deviation, 0..1 */
    double ceiling;        /* upper clamp in the caller's unit; 0 = none */
    /* onoff */
    double on_level, off_level;
    sim_time_ns on_time_ns, off_time_ns; /* mean durations, > 0 */
    /* random_walk */
    double spread;              /* stationary sd / mean */
    sim_time_ns reversion_ns;   /* tau > 0 */
    /* trace */
    demand_series series;
    double scale;               /* caller's unit per trace unit */
    trace_interp interp;
    trace_at_end at_end;
} demand_spec;

/* Per-VM mutable state of one demand process; zero-initialised = not started. */
typedef struct demand_state {
    double level;          /* random_walk: position */
    sim_time_ns last_ns;   /* random_walk: time of `level`; onoff: end of the current phase */
    sim_time_ns trace_origin_ns; /* trace: when the VM first ran; its sample 0 plays from then */
    uint32_t trace_pos;    /* trace: index of the last sample at or before t (in one pass) */
    uint8_t trace_clock_set; /* trace_origin_ns is set (demand_start) */
    uint8_t started;
    uint8_t on;            /* onoff: current phase */
} demand_state;

/* A name of the kind list; returns 0, or -1 if unknown. */
int demand_kind_parse(const char *name, demand_kind *out);
const char *demand_kind_name(demand_kind kind);

/* The long-run mean of the process without noise (for trace: the time
 * average of one pass of the series times scale, ignoring ceiling). */
double demand_long_run_mean(const demand_spec *d);
/* ... of a trace-kind process replaying `series` instead of its own (a
 * trace group's VMs share one spec, each its own series). */
double demand_series_long_run_mean(const demand_spec *d, const demand_series *series);

/* The demand without noise at time t (>= 0) for the stateless kinds
 * (constant, diurnal, trace); for onoff and random_walk, their mean. */
double demand_expected(const demand_spec *d, sim_time_ns t_ns);

/* The trace value (times scale) at t, by the spec's interpolation and end
 * rule; *pos is a search hint kept between calls (0 to start). */
double demand_trace_at(const demand_spec *d, sim_time_ns t_ns, uint32_t *pos);
/* ... of `series` instead of the spec's own. */
double demand_series_at(const demand_spec *d, const demand_series *series, sim_time_ns t_ns, uint32_t *pos);

/* The demand with noise drawn from rng (which may be NULL when noise is 0)
 * for a stateless kind; stateful kinds give their mean (use demand_next). */
double demand_sample(const demand_spec *d, sim_time_ns t_ns, gsl_rng *rng);

/* 1 for the kinds without per-VM state (constant, diurnal), whose
 * demand_next is demand_noisy(d, demand_expected(d, t), rng): VMs sharing
 * the spec may share the expected value of one t. */
int demand_stateless(const demand_spec *d);

/* level clamped to [0, ceiling] (no upper bound when ceiling is 0). */
static inline double demand_clamp(const demand_spec *d, double level)
{
    if (d->ceiling > 0.0 && level > d->ceiling)
        level = d->ceiling;
    return level > 0.0 ? level : 0.0;
}

/* level times 1 + N(0, noise^2) drawn from rng, clamped: demand_noisy for
 * a caller that knows d->noise > 0 and rng != NULL. */
static inline double demand_noise_drawn(const demand_spec *d, double level, gsl_rng *rng)
{
    level *= 1.0 + demand_gaussian(rng, d->noise);
    return demand_clamp(d, level);
}

/* level times the noise drawn from rng, clamped (the last step of
 * demand_next and demand_sample). Inline: the host sample calls it for
 * every VM. */
static inline double demand_noisy(const demand_spec *d, double level, gsl_rng *rng)
{
    return d->noise > 0.0 && rng ? demand_noise_drawn(d, level, rng) : demand_clamp(d, level);
}

/* Starts a trace's clock at t (the VM begins running); later calls, such
 * as a restart after a failure, keep the first start. */
void demand_start(demand_state *s, sim_time_ns t_ns);

/* The demand of one VM at t, advancing its state; rng is the stream of the
 * LP that holds the VM. Every kind works here; a trace reads its series at
 * t minus the VM's start (demand_start; 0 if never started). */
double demand_next(const demand_spec *d, demand_state *s, sim_time_ns t_ns, gsl_rng *rng);
/* ... a trace-kind process replaying `series` instead of its own. */
double demand_series_next(const demand_spec *d, const demand_series *series, demand_state *s, sim_time_ns t_ns,
                          gsl_rng *rng);

#endif
