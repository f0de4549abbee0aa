/* experiment.c - load and check an experiment file (see experiment.h). */
#include "scenario/experiment.h"

#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario/loader.h"
#include "scenario/scenario.h"
#include "scenario/text_file.h"
#include "scenario/text_prepare.h"

#define MAX_RUNS 10000000LL
#define VALUE_LEN 1024
#define SCN_ERR_LEN 2048

static char *copy_string(const char *s)
{
    size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (c)
        memcpy(c, s, len);
    return c;
}

/* `file` against the directory of `base` unless absolute; NULL: no memory. */
static char *resolve(const char *base, const char *file)
{
    const char *slash = strrchr(base, '/');
    size_t dir_len = file[0] == '/' || !slash ? 0 : (size_t)(slash - base) + 1;
    size_t len = dir_len + strlen(file) + 1;
    char *out = malloc(len);
    if (out)
        snprintf(out, len, "%.*s%s", (int)dir_len, base, file);
    return out;
}

/* The text a value would have in an override. */
static void value_text(const config_setting_t *s, char *buf, size_t len)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64:
        snprintf(buf, len, "%lld", config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT: {
        /* The shortest of %.15g and %.17g that reads back exactly: 0.1, not 0.10000000000000001. */
        double v = config_setting_get_float(s);
        snprintf(buf, len, "%.15g", v);
        if (strtod(buf, NULL) != v)
            snprintf(buf, len, "%.17g", v);
        break;
    }
    case CONFIG_TYPE_BOOL: snprintf(buf, len, "%s", config_setting_get_bool(s) ? "true" : "false"); break;
    case CONFIG_TYPE_STRING: snprintf(buf, len, "%s", config_setting_get_string(s)); break;
    default: buf[0] = '\0'; break;
    }
}

static void free_strings(char **s, int n)
{
    if (!s)
        return;
    for (int i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

void experiment_free(experiment *e)
{
    if (!e)
        return;
    free(e->path);
    free(e->scenario_path);
    free(e->output_dir);
    free_strings(e->fixed, e->n_fixed);
    for (int i = 0; i < e->n_factors; i++) {
        free(e->factors[i].key);
        free_strings(e->factors[i].values, e->factors[i].n_values);
    }
    free(e->factors);
    free_strings(e->metrics, e->n_metrics);
    free(e->metric_lines);
    free(e);
}

int64_t experiment_runs(const experiment *e) { return e->n_cells * e->replications; }

void experiment_cell_values(const experiment *e, int64_t cell, int *value_index)
{
    for (int f = e->n_factors - 1; f >= 0; f--) {
        int64_t n = e->factors[f].n_values;
        value_index[f] = e->zip ? (int)cell : (int)(cell % n);
        if (!e->zip)
            cell /= n;
    }
}

uint64_t experiment_seed(uint64_t base, int64_t replication)
{
    uint64_t state = base + 0x9E3779B97F4A7C15ULL * (uint64_t)(replication + 1);
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (z ^ (z >> 31)) >> 1;
}

void experiment_free_overrides(char **overrides, int n) { free_strings(overrides, n); }

static char *join_override(const char *key, const char *value)
{
    size_t len = strlen(key) + strlen(value) + 2;
    char *s = malloc(len);
    if (s)
        snprintf(s, len, "%s=%s", key, value);
    return s;
}

char **experiment_run_overrides(const experiment *e, int64_t cell, int64_t replication, int *n)
{
    int count = e->n_fixed + e->n_factors + 1;
    char **out = calloc((size_t)count, sizeof *out);
    int *index = calloc((size_t)e->n_factors + 1, sizeof *index);
    int ok = out && index;
    if (ok)
        experiment_cell_values(e, cell, index);
    for (int i = 0; ok && i < e->n_fixed; i++)
        ok = (out[i] = copy_string(e->fixed[i])) != NULL;
    for (int f = 0; ok && f < e->n_factors; f++)
        ok = (out[e->n_fixed + f] = join_override(e->factors[f].key, e->factors[f].values[index[f]])) != NULL;
    if (ok) {
        char seed[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)experiment_seed(e->seed, replication));
        ok = (out[count - 1] = join_override("simulation.seed", seed)) != NULL;
    }
    free(index);
    if (!ok) {
        free_strings(out, count);
        return NULL;
    }
    *n = count;
    return out;
}

void experiment_metric_where(const experiment *e, int i, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%d", e->path, e->metric_lines[i]);
}

/* ---- loading ------------------------------------------------------------- */

/* The line of s, or of its nearest ancestor that has one. */
static int line_of(const config_setting_t *s)
{
    while (s && config_setting_source_line(s) == 0)
        s = s->parent;
    return s ? (int)config_setting_source_line(s) : 0;
}

/* Keys the design sets itself. */
static int reserved_key(const char *key)
{
    return strcmp(key, "simulation.seed") == 0 || strcmp(key, "output.path") == 0;
}

static int read_fixed(experiment *e, scn_loader *ld, config_setting_t *set, const char *const *extra, int n_extra)
{
    int n = set ? config_setting_length(set) : 0;
    e->fixed = calloc((size_t)(n + n_extra) + 1, sizeof *e->fixed);
    if (!e->fixed)
        return -1;
    for (int i = 0; i < n; i++) {
        config_setting_t *s = config_setting_get_elem(set, (unsigned)i);
        char path[64], key[600];
        snprintf(path, sizeof path, "set.[%d]", i);
        const char *text = config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
        const char *eq = text ? strchr(text, '=') : NULL;
        if (!eq) {
            scn_report(ld, s, path, "expected a string \"KEY=VALUE\", such as \"simulation.until=1d\"");
            continue;
        }
        snprintf(key, sizeof key, "%.*s", (int)(eq - text), text);
        if (reserved_key(key))
            scn_report(ld, s, path, "%s is set by the experiment itself (seed, output)", key);
        if (!(e->fixed[e->n_fixed++] = copy_string(text)))
            return -1;
    }
    /* Command-line overrides come last, so they win; the scenario checks
     * them with the others (its messages name them: "--set K=V"). */
    for (int i = 0; i < n_extra; i++)
        if (!(e->fixed[e->n_fixed++] = copy_string(extra[i])))
            return -1;
    return 0;
}

static int read_factor(experiment *e, scn_loader *ld, config_setting_t *fs, int i, int64_t *cells)
{
    exp_factor *f = &e->factors[i];
    char path[64];
    const char *key = NULL;
    config_setting_t *key_s = config_setting_get_member(fs, "key");
    config_setting_t *values = config_setting_get_member(fs, "values");
    if (!key_s || !values || !(key = config_setting_get_string(key_s)))
        return 0; /* reported by the validator */
    snprintf(path, sizeof path, "factors.[%d].key", i);
    const scn_key *sk = scn_schema_find_concrete(key);
    if (!sk || sk->type == SCN_GROUP || sk->type == SCN_LIST) {
        char suggestion[600];
        scn_suggest(key, suggestion, sizeof suggestion);
        if (!sk && suggestion[0])
            scn_report(ld, key_s, path, "'%s' is not a scenario key (did you mean '%s'?)", key, suggestion);
        else
            scn_report(ld, key_s, path, "'%s' is not a scenario key with a value (see docs/scenario-reference.md)",
                       key);
    } else if (reserved_key(key)) {
        scn_report(ld, key_s, path, "%s is set by the experiment itself (seed: replications; output: output)", key);
    }
    if (!(f->key = copy_string(key)))
        return -1;
    int n = config_setting_length(values);
    f->values = calloc((size_t)n + 1, sizeof *f->values);
    if (!f->values)
        return -1;
    for (int j = 0; j < n; j++) {
        char text[VALUE_LEN];
        config_setting_t *v = config_setting_get_elem(values, (unsigned)j);
        /* value_text would cut it: the runs would get another value. */
        size_t len = config_setting_type(v) == CONFIG_TYPE_STRING ? strlen(config_setting_get_string(v)) : 0;
        if (len >= VALUE_LEN) {
            snprintf(path, sizeof path, "factors.[%d].values.[%d]", i, j);
            scn_report(ld, v, path, "a value of %zu bytes (expected at most %d)", len, VALUE_LEN - 1);
        }
        value_text(v, text, sizeof text);
        if (!(f->values[f->n_values++] = copy_string(text)))
            return -1;
    }
    if (e->zip) {
        if (i > 0 && n != *cells) {
            snprintf(path, sizeof path, "factors.[%d].values", i);
            scn_report(ld, values, path, "%d values, but design \"zip\" needs as many as factors.[0] has (%lld)", n,
                       (long long)*cells);
        }
        *cells = n;
    } else if (n > 0 && *cells > MAX_RUNS / n) {
        scn_report(ld, values, "factors", "more than %lld cells (a smaller design, please)", MAX_RUNS);
    } else {
        *cells *= n;
    }
    return 0;
}

/* Loads the base scenario with `overrides`; 0, or -1 with its message. */
static int try_scenario(const experiment *e, const char *const *overrides, int n, char *err, size_t err_len)
{
    scenario *s = scenario_load_file(e->scenario_path, overrides, n, err, err_len);
    scenario_free(s);
    return s ? 0 : -1;
}

/* Every value, then every cell, must load (the design's problems before any
 * run starts). Stops at the first problem. */
static int check_against_scenario(experiment *e, scn_loader *ld, config_setting_t *root)
{
    char err[SCN_ERR_LEN];
    config_setting_t *scn_s = config_setting_get_member(root, "scenario");
    if (try_scenario(e, NULL, 0, err, sizeof err) != 0) {
        scn_report(ld, scn_s, "scenario", "the scenario does not load: %s", err);
        return -1;
    }
    const char **ovs = calloc((size_t)(e->n_fixed + e->n_factors + 1), sizeof *ovs);
    if (!ovs)
        return -1;
    for (int i = 0; i < e->n_fixed; i++)
        ovs[i] = e->fixed[i];
    int rc = 0;
    if (try_scenario(e, ovs, e->n_fixed, err, sizeof err) != 0) {
        scn_report(ld, config_setting_get_member(root, "set"), "set", "the scenario refuses these overrides: %s",
                   err);
        rc = -1;
    }
    config_setting_t *factors = config_setting_get_member(root, "factors");
    for (int f = 0; rc == 0 && f < e->n_factors; f++) {
        config_setting_t *values =
            config_setting_get_member(config_setting_get_elem(factors, (unsigned)f), "values");
        for (int j = 0; rc == 0 && j < e->factors[f].n_values; j++) {
            char *ov = join_override(e->factors[f].key, e->factors[f].values[j]);
            ovs[e->n_fixed] = ov;
            if (ov && try_scenario(e, ovs, e->n_fixed + 1, err, sizeof err) != 0) {
                char path[64];
                snprintf(path, sizeof path, "factors.[%d].values.[%d]", f, j);
                scn_report(ld, config_setting_get_elem(values, (unsigned)j), path, "the scenario refuses %s: %s",
                           e->factors[f].values[j], err);
                rc = -1;
            }
            free(ov);
            rc = ov ? rc : -1;
        }
    }
    /* With one factor every cell was loaded above. */
    for (int64_t c = 0; rc == 0 && e->n_factors > 1 && c < e->n_cells; c++) {
        int n;
        char **run = experiment_run_overrides(e, c, 0, &n);
        if (!run)
            rc = -1;
        else if (try_scenario(e, (const char *const *)run, n - 1, err, sizeof err) != 0) {
            scn_report(ld, factors, "factors", "cell %lld refuses this combination: %s", (long long)c, err);
            rc = -1;
        }
        experiment_free_overrides(run, n);
    }
    free(ovs);
    return rc;
}

static int read_experiment(experiment *e, scn_loader *ld, config_setting_t *root, const char *const *extra,
                           int n_extra)
{
    const char *text = NULL;
    config_lookup_string(ld->config, "scenario", &text);
    if (!(e->scenario_path = resolve(e->path, text)))
        return -1;
    long long ll = 1;
    config_lookup_int64(ld->config, "replications", &ll);
    e->replications = ll;
    ll = 1;
    config_lookup_int64(ld->config, "seed", &ll);
    e->seed = (uint64_t)ll;
    e->confidence = 0.95;
    if (!config_lookup_float(ld->config, "confidence", &e->confidence)) {
        int i;
        if (config_lookup_int(ld->config, "confidence", &i))
            e->confidence = i;
    }
    text = "cartesian";
    config_lookup_string(ld->config, "design", &text);
    e->zip = strcmp(text, "zip") == 0;
    text = "";
    config_lookup_string(ld->config, "output", &text);
    if (text[0]) {
        e->output_dir = resolve(e->path, text);
    } else {
        const char *slash = strrchr(e->path, '/'), *dot = strrchr(e->path, '.');
        size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - e->path) : strlen(e->path);
        if ((e->output_dir = malloc(stem + 7)))
            snprintf(e->output_dir, stem + 7, "%.*s.sweep", (int)stem, e->path);
    }
    if (!e->output_dir || read_fixed(e, ld, config_setting_get_member(root, "set"), extra, n_extra) != 0)
        return -1;

    config_setting_t *factors = config_setting_get_member(root, "factors");
    int nf = factors ? config_setting_length(factors) : 0;
    e->factors = calloc((size_t)nf + 1, sizeof *e->factors);
    if (!e->factors)
        return -1;
    int64_t cells = 1;
    for (int i = 0; i < nf; i++) {
        e->n_factors++;
        if (read_factor(e, ld, config_setting_get_elem(factors, (unsigned)i), i, &cells) != 0)
            return -1;
    }
    e->n_cells = cells;
    if (e->replications > 0 && cells > MAX_RUNS / e->replications)
        scn_report(ld, config_setting_get_member(root, "replications"), "replications",
                   "%lld cells x %lld replications is more than %lld runs", (long long)cells,
                   (long long)e->replications, MAX_RUNS);

    config_setting_t *metrics = config_setting_get_member(root, "metrics");
    int nm = metrics ? config_setting_length(metrics) : 0;
    e->metrics = calloc((size_t)nm + 1, sizeof *e->metrics);
    e->metric_lines = calloc((size_t)nm + 1, sizeof *e->metric_lines);
    if (!e->metrics || !e->metric_lines)
        return -1;
    for (int i = 0; i < nm; i++) {
        config_setting_t *m = config_setting_get_elem(metrics, (unsigned)i);
        char path[64];
        snprintf(path, sizeof path, "metrics.[%d]", i);
        if (config_setting_type(m) != CONFIG_TYPE_STRING) {
            scn_report(ld, m, path, "expected a metric name (a string, see docs/metrics.md)");
            continue;
        }
        e->metric_lines[e->n_metrics] = line_of(m);
        if (!(e->metrics[e->n_metrics++] = copy_string(config_setting_get_string(m))))
            return -1;
    }
    if (ld->failed)
        return 0;
    return check_against_scenario(e, ld, root);
}

experiment *experiment_load(const char *path, char *err, size_t err_len)
{
    return experiment_load_with(path, NULL, 0, err, err_len);
}

experiment *experiment_load_with(const char *path, const char *const *extra_set, int n_extra, char *err,
                                 size_t err_len)
{
    if (err_len > 0)
        err[0] = '\0';
    size_t len = 0;
    char *text = scn_read_text_file(path, "an experiment file", 0, &len, err, err_len);
    if (!text)
        return NULL;
    experiment *e = calloc(1, sizeof *e);
    config_t cfg;
    config_init(&cfg);
    char *prepared_copy = NULL;
    int has_huge = 0;
    if (!e || !(e->path = copy_string(path))) {
        snprintf(err, err_len, "%s: out of memory", path);
        goto fail;
    }
    /* The scenario's pre-pass first: libconfig 1.5 leaks the buffer of a
     * string out of place (`} "x"`, `seed = 1, "x"`) on its syntax error,
     * and keeps the low 32 bits of a wide integer (seed = 4294967301). */
    const char *prepared = scn_text_prepare(text, path, NULL, &has_huge, &prepared_copy, err, err_len);
    if (!prepared)
        goto fail;
    if (!config_read_string(&cfg, prepared)) {
        const char *why = config_error_text(&cfg);
        snprintf(err, err_len, "%s:%d: syntax error%s%s", path, config_error_line(&cfg),
                 why && strcmp(why, "syntax error") != 0 ? ": " : "",
                 why && strcmp(why, "syntax error") != 0 ? why : "");
        goto fail;
    }
    scn_loader ld = {.schema = &scn_experiment_schema, .name = path, .text = prepared,
                     .has_huge_literal = has_huge, .config = &cfg, .err = err, .err_len = err_len};
    int rc = scn_validate(&ld);
    if (rc == 0 && read_experiment(e, &ld, config_root_setting(&cfg), extra_set, n_extra) != 0 && !ld.failed)
        snprintf(err, err_len, "%s: out of memory", path);
    else if (rc == 0 && !ld.failed) {
        free(ld.marks);
        scn_loader_free_cache(&ld);
        config_destroy(&cfg);
        free(prepared_copy);
        free(text);
        return e;
    }
    free(ld.marks);
    scn_loader_free_cache(&ld);
fail:
    config_destroy(&cfg);
    free(prepared_copy);
    free(text);
    experiment_free(e);
    return NULL;
}
