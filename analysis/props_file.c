/* props_file.c - the properties list of a libconfig file (see props_file.h). */
#include "analysis/props_file.h"

#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_BYTES (1 << 20)
#define MAX_PROPERTIES 10000

static char *read_all(const char *path, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(MAX_FILE_BYTES + 1);
    size_t n = buf ? fread(buf, 1, MAX_FILE_BYTES + 1, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad || n > MAX_FILE_BYTES) {
        snprintf(err, err_len, "%s: %s", path, bad ? "cannot read" : "larger than 1 MiB");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        snprintf(err, err_len, "%s: contains a NUL byte", path);
        free(buf);
        return NULL;
    }
    return buf;
}

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

static int read_entry(const char *path, config_setting_t *e, int i, props_entry *out, char *err, size_t err_len)
{
    if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
        snprintf(err, err_len, "%s:%d: key 'properties.[%d]': expected a group { name = \"...\"; formula = \"...\"; }",
                 path, line_of(e), i);
        return -1;
    }
    for (int k = 0; k < config_setting_length(e); k++) {
        const char *key = config_setting_name(config_setting_get_elem(e, (unsigned)k));
        if (strcmp(key, "name") != 0 && strcmp(key, "formula") != 0) {
            snprintf(err, err_len, "%s:%d: key 'properties.[%d].%s': unknown key (expected name, formula)", path,
                     line_of(config_setting_get_elem(e, (unsigned)k)), i, key);
            return -1;
        }
    }
    static const char *const keys[] = {"name", "formula"};
    const char *val[2];
    config_setting_t *set[2];
    for (int k = 0; k < 2; k++) {
        set[k] = config_setting_get_member(e, keys[k]);
        val[k] = set[k] && config_setting_type(set[k]) == CONFIG_TYPE_STRING ? config_setting_get_string(set[k]) : NULL;
        if (!val[k] || !val[k][0]) {
            snprintf(err, err_len, "%s:%d: key 'properties.[%d].%s': expected a non-empty string", path,
                     line_of(set[k] ? set[k] : e), i, keys[k]);
            return -1;
        }
    }
    out->line = line_of(set[1]);
    char why[512];
    out->ast = props_parse(val[1], why, sizeof why);
    if (!out->ast) {
        snprintf(err, err_len, "%s:%d: key 'properties.[%d].formula': %s", path, out->line, i, why);
        return -1;
    }
    out->name = copy(val[0]);
    out->formula = copy(val[1]);
    if (!out->name || !out->formula) {
        snprintf(err, err_len, "%s: out of memory", path);
        return -1;
    }
    return 0;
}

int props_file_load(const char *path, props_list *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    char *text = read_all(path, err, err_len);
    if (!text)
        return -1;
    config_t cfg;
    config_init(&cfg);
    int rc = -1;
    if (!config_read_string(&cfg, text)) {
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
    out->items = calloc((size_t)(n ? n : 1), sizeof *out->items);
    if (!out->items) {
        snprintf(err, err_len, "%s: out of memory", path);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        out->n = i + 1;
        if (read_entry(path, config_setting_get_elem(list, (unsigned)i), i, &out->items[i], err, err_len) != 0)
            goto done;
        for (int j = 0; j < i; j++)
            if (strcmp(out->items[j].name, out->items[i].name) == 0) {
                snprintf(err, err_len, "%s:%d: key 'properties.[%d].name': '%s' is already the name of properties.[%d]",
                         path, out->items[i].line, i, out->items[i].name, j);
                goto done;
            }
    }
    rc = 0;
done:
    config_destroy(&cfg);
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
