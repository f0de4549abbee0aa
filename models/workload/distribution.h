/* distribution.h - random variates for lifetimes, inter-arrival, service,
 * up and repair times: one mechanism for every model that draws a duration
 * or an amount.
 *
 * Every kind is given by its mean plus at most one shape parameter, so a
 * scenario can change the kind without re-deriving scales:
 *   deterministic  X = mean
 *   exponential    rate = 1/mean
 *   lognormal      ln X ~ N(mu, sigma^2), shape = sigma (> 0),
 *                  mu = ln(mean) - sigma^2/2
 *   weibull        shape = k (> 0), scale = mean / Gamma(1 + 1/k)
 *   gamma          shape = a (> 0), scale = mean / a
 *   empirical      X is drawn uniformly from the values of a file (one
 *                  number per line, '#' starts a comment; bootstrap
 *                  resampling); mean is the values' average.
 * Values are in the caller's unit (nanoseconds for durations). Draws come
 * only from the gsl_rng the caller passes: an LP's own engine stream.
 *
 * Scenario convention: a distribution is a group with keys
 *   <prefix>.distribution  enum "deterministic|exponential|lognormal|weibull|gamma|empirical"
 *   <prefix>.mean          a duration (or number), required unless empirical
 *   <prefix>.shape         float, for lognormal (sigma), weibull (k), gamma (a)
 *   <prefix>.file          string, for empirical: path relative to the scenario file
 * declared by the area that uses it (keys_*.inc); dist_from_scenario() reads
 * them and reports problems as FILE: key 'PREFIX.shape': ... .
 */
#ifndef VDCSIM_MODELS_DISTRIBUTION_H
#define VDCSIM_MODELS_DISTRIBUTION_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "scenario/scenario.h"

/* In the order of every *.distribution key's list (read with scn_enum);
 * vms.[].lifetime.distribution adds "infinite" after them. */
typedef enum {
    DIST_DETERMINISTIC,
    DIST_EXPONENTIAL,
    DIST_LOGNORMAL,
    DIST_WEIBULL,
    DIST_GAMMA,
    DIST_EMPIRICAL
} dist_kind;

typedef struct dist_spec {
    dist_kind kind;
    double mean;    /* caller's unit; for empirical, the values' average */
    double shape;   /* sigma, k or a; unused otherwise */
    double *values; /* empirical only: owned, n_values > 0 */
    size_t n_values;
} dist_spec;

/* A name of those lists; returns 0, or -1 if unknown. */
int dist_kind_parse(const char *name, dist_kind *out);
const char *dist_kind_name(dist_kind kind);

/* Checks mean > 0 (>= 0 for deterministic) and shape > 0 where used.
 * Returns 0, or -1 with what is wrong in why. */
int dist_check(const dist_spec *d, char *why, size_t why_len);

double dist_sample(const dist_spec *d, gsl_rng *rng);
double dist_mean(const dist_spec *d);
/* E[X^2], for Pollaczek-Khinchine and M/G/inf checks. */
double dist_second_moment(const dist_spec *d);

/* Reads an empirical sample: one positive number per line, each multiplied
 * by `scale` (e.g. 1e9 for a file in seconds and a spec in ns). Errors name
 * FILE:LINE. Returns 0 or -1. */
int dist_load_empirical(const char *path, double scale, dist_spec *out, char *err, size_t err_len);

/* Reads the group at `prefix` (e.g. "vms.[0].lifetime") by the convention
 * above. `mean` keys of type duration are read in ns, others as numbers;
 * the empirical file, in the same unit as `mean` (seconds for durations).
 * Returns 0, or -1 with "FILE: key 'PREFIX.x': ..." in err. */
int dist_from_scenario(const scenario *scn, const char *prefix, dist_spec *out, char *err, size_t err_len);

void dist_free(dist_spec *d);

#endif
