/* props_file.c - the properties list of a libconfig file (see props_file.h). */
#include "analysis/props_file.h"

#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario/text_file.h"
#include "scenario/text_prepare.h"

#define MAX_FILE_BYTES (1 << 20)
#define MAX_PROPERTIES 10000

static int line_of(const config_setting_t *s)
{
    while (s && config_setting_source_line(s) == 0)
        s = s->parent;
    return s ? (int)config_setting_source_line(s) : 0;
}

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

int props_list_add(props_list *l, const props_spec *spec, const props_builtin_params *params,
                   const char **bad_key, char *why, size_t why_len)
{
    char text[1024];
    const char *formula = spec->formula, *name = spec->name;
    *bad_key = "formula";
    if (spec->builtin && spec->builtin[0]) {
        *bad_key = "builtin";
        if (formula && formula[0]) {
            snprintf(why, why_len, "give either builtin or formula, not both");
            return -1;
        }
        if (!params) {
            snprintf(why, why_len, "built-in properties need the run's scenario for their parameters");
            return -1;
        }
        if (props_builtin_formula(spec->builtin, params, text, sizeof text, why, why_len) != 0)
            return -1;
        formula = text;
        if (!name || !name[0])
            name = spec->builtin;
    } else if (!formula || !formula[0]) {
        snprintf(why, why_len, "expected a non-empty string (or builtin = \"NAME\": %s)", props_builtin_names());
        return -1;
    }
    if (!name || !name[0]) {
        *bad_key = "name";
        snprintf(why, why_len, "expected a non-empty string");
        return -1;
    }
    for (int j = 0; j < l->n; j++)
        if (strcmp(l->items[j].name, name) == 0) {
            *bad_key = "name";
            snprintf(why, why_len, "'%s' is already the name of properties.[%d]", name, j);
            return -1;
        }
    props_entry *grown = realloc(l->items, (size_t)(l->n + 1) * sizeof *grown);
    if (!grown) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    l->items = grown;
    props_entry *e = &l->items[l->n];
    memset(e, 0, sizeof *e);
    e->line = spec->line;
    e->ast = props_parse(formula, why, why_len);
    if (!e->ast)
        return -1;
    e->name = copy(name);
    e->formula = copy(formula);
    l->n++; /* owned by the list from here: freed with it */
    if (!e->name || !e->formula) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    return 0;
}

static int read_entry(const char *path, config_setting_t *e, int i, props_list *out,
                      const props_builtin_params *params, char *err, size_t err_len)
{
    if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
        snprintf(err, err_len, "%s:%d: key 'properties.[%d]': expected a group { name = \"...\"; formula = \"...\"; }",
                 path, line_of(e), i);
        return -1;
    }
    static const char *const keys[] = {"name", "formula", "builtin"};
    const char *val[3] = {NULL, NULL, NULL};
    for (int k = 0; k < config_setting_length(e); k++) {
        config_setting_t *m = config_setting_get_elem(e, (unsigned)k);
        const char *key = config_setting_name(m);
        int which = -1;
        for (int j = 0; j < 3; j++)
            if (strcmp(key, keys[j]) == 0)
                which = j;
        if (which < 0) {
            snprintf(err, err_len, "%s:%d: key 'properties.[%d].%s': unknown key (expected name, formula, builtin)",
                     path, line_of(m), i, key);
            return -1;
        }
        if (config_setting_type(m) != CONFIG_TYPE_STRING) {
            snprintf(err, err_len, "%s:%d: key 'properties.[%d].%s': expected a non-empty string", path, line_of(m),
                     i, key);
            return -1;
        }
        val[which] = config_setting_get_string(m);
    }
    props_spec spec = {.name = val[0], .formula = val[1], .builtin = val[2], .line = line_of(e)};
    config_setting_t *f = config_setting_get_member(e, val[2] ? "builtin" : "formula");
    if (f)
        spec.line = line_of(f);
    const char *bad_key = "formula";
    char why[512];
    if (props_list_add(out, &spec, params, &bad_key, why, sizeof why) != 0) {
        config_setting_t *k = config_setting_get_member(e, bad_key);
        snprintf(err, err_len, "%s:%d: key 'properties.[%d].%s': %s", path, k ? line_of(k) : line_of(e), i, bad_key,
                 why);
        return -1;
    }
    return 0;
}

int props_file_load(const char *path, const props_builtin_params *params, props_list *out, char *err,
                    size_t err_len)
{
    memset(out, 0, sizeof *out);
    size_t len = 0;
    char *text = scn_read_text_file(path, "a properties file", MAX_FILE_BYTES, &len, err, err_len);
    if (!text)
        return -1;
    config_t cfg;
    config_init(&cfg);
    int rc = -1, has_huge = 0;
    /* The scenario's pre-pass first: libconfig 1.5 leaks the buffer of a
     * string out of place (`} "x"`, `{ name = "a", "x" }`) on its syntax
     * error (found by fuzz_props). */
    char *copy = NULL;
    const char *prepared = scn_text_prepare(text, path, NULL, &has_huge, &copy, err, err_len);
    if (!prepared)
        goto done;
    if (!config_read_string(&cfg, prepared)) {
        snprintf(err, err_len, "%s:%d: syntax error: %s", path, config_error_line(&cfg),
                 config_error_text(&cfg) ? config_error_text(&cfg) : "");
        goto done;
    }
    config_setting_t *list = config_lookup(&cfg, "properties");
    if (!list || (config_setting_type(list) != CONFIG_TYPE_LIST && config_setting_type(list) != CONFIG_TYPE_ARRAY)) {
        snprintf(err, err_len, "%s:%d: key 'properties': expected a list ( { name = ...; formula = ...; }, ... )",
                 path, list ? line_of(list) : 1);
        goto done;
    }
    int n = config_setting_length(list);
    if (n > MAX_PROPERTIES) {
        snprintf(err, err_len, "%s:%d: key 'properties': %d properties, at most %d", path, line_of(list), n,
                 MAX_PROPERTIES);
        goto done;
    }
    for (int i = 0; i < n; i++)
        if (read_entry(path, config_setting_get_elem(list, (unsigned)i), i, out, params, err, err_len) != 0)
            goto done;
    rc = 0;
done:
    config_destroy(&cfg);
    free(copy);
    free(text);
    if (rc != 0)
        props_list_free(out);
    return rc;
}

void props_list_free(props_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].formula);
        props_free(l->items[i].ast);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
