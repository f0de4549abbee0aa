/* distribution.c - random variates by mean and shape (see distribution.h). */
#include "models/workload/distribution.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "scenario/schema.h"

static const char *const kind_names[] = {"deterministic", "exponential", "lognormal",
                                         "weibull",       "gamma",       "empirical"};

int dist_kind_parse(const char *name, dist_kind *out)
{
    int k = scn_enum_index("services.[].service.distribution", name);
    if (k < 0)
        return -1;
    *out = (dist_kind)k;
    return 0;
}

const char *dist_kind_name(dist_kind kind)
{
    return (size_t)kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[kind] : "?";
}

static int uses_shape(dist_kind k) { return k == DIST_LOGNORMAL || k == DIST_WEIBULL || k == DIST_GAMMA; }

int dist_check(const dist_spec *d, char *why, size_t why_len)
{
    if (d->kind == DIST_EMPIRICAL) {
        if (!d->values || d->n_values == 0) {
            snprintf(why, why_len, "an empirical distribution needs at least one value");
            return -1;
        }
        return 0;
    }
    if (!isfinite(d->mean) || d->mean < 0 || (d->mean == 0 && d->kind != DIST_DETERMINISTIC)) {
        snprintf(why, why_len, "the mean must be > 0 for a %s distribution", dist_kind_name(d->kind));
        return -1;
    }
    if (uses_shape(d->kind) && !(d->shape > 0 && isfinite(d->shape))) {
        snprintf(why, why_len, "a %s distribution needs shape > 0", dist_kind_name(d->kind));
        return -1;
    }
    return 0;
}

static double lognormal_mu(const dist_spec *d) { return log(d->mean) - 0.5 * d->shape * d->shape; }
static double weibull_scale(const dist_spec *d) { return d->mean / gsl_sf_gamma(1.0 + 1.0 / d->shape); }

double dist_sample(const dist_spec *d, gsl_rng *rng)
{
    switch (d->kind) {
    case DIST_DETERMINISTIC:
        return d->mean;
    case DIST_EXPONENTIAL:
        return gsl_ran_exponential(rng, d->mean);
    case DIST_LOGNORMAL:
        return gsl_ran_lognormal(rng, lognormal_mu(d), d->shape);
    case DIST_WEIBULL:
        return gsl_ran_weibull(rng, weibull_scale(d), d->shape);
    case DIST_GAMMA:
        return gsl_ran_gamma(rng, d->shape, d->mean / d->shape);
    case DIST_EMPIRICAL:
        return d->values[gsl_rng_uniform_int(rng, d->n_values)];
    }
    return d->mean;
}

double dist_mean(const dist_spec *d) { return d->mean; }

double dist_second_moment(const dist_spec *d)
{
    double m = d->mean;
    switch (d->kind) {
    case DIST_DETERMINISTIC:
        return m * m;
    case DIST_EXPONENTIAL:
        return 2.0 * m * m;
    case DIST_LOGNORMAL:
        return m * m * exp(d->shape * d->shape);
    case DIST_WEIBULL: {
        double s = weibull_scale(d);
        return s * s * gsl_sf_gamma(1.0 + 2.0 / d->shape);
    }
    case DIST_GAMMA:
        return m * m * (1.0 + 1.0 / d->shape);
    case DIST_EMPIRICAL: {
        double sum = 0.0;
        for (size_t i = 0; i < d->n_values; i++)
            sum += d->values[i] * d->values[i];
        return sum / (double)d->n_values;
    }
    }
    return m * m;
}

/* A line of a values file longer than this is refused, not read in pieces
 * (a piece boundary used to split one number into two). */
enum { DIST_FILE_MAX_LINE = 4096 };

int dist_load_empirical(const char *path, double scale, dist_spec *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    out->kind = DIST_EMPIRICAL;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "%s: not a regular file (expected a text file of values)", path);
        fclose(f);
        return -1;
    }
    char *line = NULL;
    size_t line_cap = 0, cap = 0;
    double sum = 0.0;
    long lineno = 0;
    ssize_t got;
    while ((got = getline(&line, &line_cap, f)) >= 0) {
        lineno++;
        if ((size_t)got > DIST_FILE_MAX_LINE || memchr(line, '\0', (size_t)got)) {
            snprintf(err, err_len, "%s:%ld: %s (expected one positive number per line)", path, lineno,
                     (size_t)got > DIST_FILE_MAX_LINE ? "line too long" : "binary data");
            goto fail;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            continue;
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
            end++;
        if (end == p || *end || errno || !isfinite(v) || v <= 0) {
            snprintf(err, err_len, "%s:%ld: expected one positive number per line", path, lineno);
            goto fail;
        }
        if (out->n_values == cap) {
            size_t grown_cap = cap ? cap * 2 : 64;
            double *grown = realloc(out->values, grown_cap * sizeof *grown);
            if (!grown) {
                snprintf(err, err_len, "%s:%ld: out of memory", path, lineno);
                goto fail;
            }
            out->values = grown;
            cap = grown_cap;
        }
        out->values[out->n_values++] = v * scale;
        sum += v * scale;
    }
    if (ferror(f)) { /* a read error is not the end of the data */
        snprintf(err, err_len, "%s:%ld: read error: %s", path, lineno + 1, strerror(errno));
        goto fail;
    }
    free(line);
    fclose(f);
    if (out->n_values == 0) {
        snprintf(err, err_len, "%s: no values", path);
        dist_free(out);
        return -1;
    }
    out->mean = sum / (double)out->n_values;
    return 0;
fail:
    free(line);
    fclose(f);
    dist_free(out);
    return -1;
}

int dist_from_scenario(const scenario *scn, const char *prefix, dist_spec *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    char path[512];
    scn_path(path, sizeof path, "%s.mean", prefix);
    const scn_key *mean_key = scn_schema_find_concrete(path);
    int is_duration = mean_key && mean_key->type == SCN_DURATION;
    out->kind = (dist_kind)scn_enum(scn, "%s.distribution", prefix);
    if (out->kind == DIST_EMPIRICAL) {
        const char *file = scn_string(scn, "%s.file", prefix);
        if (!file[0]) {
            snprintf(err, err_len, "%s: key '%s.file': an empirical distribution needs a file of values",
                     scenario_name(scn), prefix);
            return -1;
        }
        char resolved[4200], why[4400];
        scn_resolve_path(scn, file, resolved, sizeof resolved);
        if (dist_load_empirical(resolved, is_duration ? 1e9 : 1.0, out, why, sizeof why) != 0) {
            snprintf(err, err_len, "%s: key '%s.file': %s", scenario_name(scn), prefix, why);
            return -1;
        }
        return 0;
    }
    out->mean = is_duration ? (double)scn_duration_ns(scn, "%s.mean", prefix) : scn_float(scn, "%s.mean", prefix);
    out->shape = scn_float(scn, "%s.shape", prefix);
    char why[256];
    if (dist_check(out, why, sizeof why) != 0) {
        snprintf(err, err_len, "%s: key '%s.%s': %s", scenario_name(scn), prefix,
                 uses_shape(out->kind) && !(out->shape > 0) ? "shape" : "mean", why);
        return -1;
    }
    return 0;
}

void dist_free(dist_spec *d)
{
    free(d->values);
    d->values = NULL;
    d->n_values = 0;
}
