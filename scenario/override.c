/* override.c - apply one "--set a.b.c=VALUE" to a parsed scenario tree.
 *
 * The value is written with the libconfig type its text suggests, read in
 * the light of the key's schema type: an integer key gets an int64 when the
 * text is an integer, a float when it is another number, else a string. The
 * validator then judges it like any value from the file, and its problems
 * name the override because the setting is marked.
 */
#include "scenario/loader.h"
#include "scenario/schema.h"
#include "scenario/schema_value.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 512

typedef enum { LIT_INT, LIT_FLOAT, LIT_BOOL, LIT_STRING } literal_kind;

static literal_kind classify(const char *v, long long *i, double *f, int *int_overflow)
{
    *int_overflow = 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
        return LIT_BOOL;
    if (v[0] == '\0' || strchr("+-.0123456789", v[0]) == NULL || strpbrk(v, "nNiI") != NULL)
        return LIT_STRING;
    char *end;
    errno = 0;
    *i = strtoll(v, &end, 10);
    if (end != v && *end == '\0') {
        if (errno == ERANGE)
            *int_overflow = 1;
        return LIT_INT;
    }
    *f = strtod(v, &end);
    if (end != v && *end == '\0')
        return LIT_FLOAT;
    return LIT_STRING;
}

static int config_type_of(literal_kind kind)
{
    switch (kind) {
    case LIT_INT: return CONFIG_TYPE_INT64;
    case LIT_FLOAT: return CONFIG_TYPE_FLOAT;
    case LIT_BOOL: return CONFIG_TYPE_BOOL;
    default: return CONFIG_TYPE_STRING;
    }
}

/* Finds or creates the group or list element that holds the last component
 * of path. Returns NULL after reporting. */
static config_setting_t *find_parent(scn_loader *ld, const char *text, const char *path,
                                     const char **leaf_name)
{
    char prefix[PATH_MAX_LEN];
    config_setting_t *cur = config_root_setting(ld->config);
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        if (dot == NULL) {
            *leaf_name = p;
            return cur;
        }
        size_t n = (size_t)(dot - p);
        size_t prefix_len = (size_t)(dot - path);
        memcpy(prefix, path, prefix_len);
        prefix[prefix_len] = '\0';
        if (p[0] == '[') {
            long index = strtol(p + 1, NULL, 10);
            int len = config_setting_length(cur);
            if (config_setting_type(cur) != CONFIG_TYPE_LIST || index >= len) {
                scn_report_override(ld, text, path,
                                    "list element '%s' does not exist (expected an index below "
                                    "%d; --set cannot add list elements)",
                                    prefix, config_setting_type(cur) == CONFIG_TYPE_LIST ? len : 0);
                return NULL;
            }
            cur = config_setting_get_elem(cur, (unsigned)index);
            if (cur == NULL || config_setting_type(cur) != CONFIG_TYPE_GROUP) {
                scn_report_override(ld, text, path, "'%s' is not a group in the file (expected "
                                    "a group { ... } to set a key in)", prefix);
                return NULL;
            }
        } else {
            char name[PATH_MAX_LEN];
            memcpy(name, p, n);
            name[n] = '\0';
            const scn_key *key = scn_schema_find_concrete(prefix);
            config_setting_t *next = config_setting_get_member(cur, name);
            if (next == NULL && key != NULL && key->type == SCN_GROUP)
                next = config_setting_add(cur, name, CONFIG_TYPE_GROUP);
            if (next == NULL) {
                scn_report_override(ld, text, path, "'%s' does not exist (expected a list in the "
                                    "file; --set cannot add list elements)", prefix);
                return NULL;
            }
            int want = key != NULL && key->type == SCN_LIST ? CONFIG_TYPE_LIST : CONFIG_TYPE_GROUP;
            if (config_setting_type(next) != want) {
                scn_report_override(ld, text, path, "'%s' is not a %s in the file (expected %s "
                                    "to set a key in)", prefix,
                                    want == CONFIG_TYPE_LIST ? "list" : "group",
                                    want == CONFIG_TYPE_LIST ? "a list ( ... )" : "a group { ... }");
                return NULL;
            }
            cur = next;
        }
        p = dot + 1;
    }
}

/* 1 if schema_path names a member of an open group ("placement.args.w"):
 * a policy argument, checked by the policy, not by the schema. */
static int open_group_member(const char *schema_path)
{
    const char *dot = strrchr(schema_path, '.');
    if (dot == NULL || dot[1] == '[')
        return 0;
    char parent[PATH_MAX_LEN];
    memcpy(parent, schema_path, (size_t)(dot - schema_path));
    parent[dot - schema_path] = '\0';
    const scn_key *key = scn_schema_find(parent);
    return key != NULL && key->type == SCN_GROUP && (key->flags & SCN_OPEN);
}

int scn_apply_override(scn_loader *ld, const char *text)
{
    const char *eq = strchr(text, '=');
    if (strpbrk(text, "\r\n") != NULL || eq == NULL || eq == text ||
        (size_t)(eq - text) >= PATH_MAX_LEN) {
        char shown[80];
        size_t n = strcspn(text, "=\r\n");
        snprintf(shown, sizeof shown, "%.*s", (int)(n < 60 ? n : 60), text);
        scn_report_override(ld, text, shown, "malformed override (expected KEY=VALUE on one "
                            "line, such as simulation.until=2d)");
        return -1;
    }
    char path[PATH_MAX_LEN];
    memcpy(path, text, (size_t)(eq - text));
    path[eq - text] = '\0';

    char schema_path[PATH_MAX_LEN];
    if (scn_schema_path_of(path, schema_path, sizeof schema_path) != 0) {
        scn_report_override(ld, text, path, "malformed key (expected a path such as "
                            "simulation.until or hosts.[0].count)");
        return -1;
    }
    const scn_key *key = scn_schema_find(schema_path);
    if (key == NULL && !open_group_member(schema_path)) {
        char suggestion[PATH_MAX_LEN + 32];
        scn_suggest(path, suggestion, sizeof suggestion);
        if (suggestion[0])
            scn_report_override(ld, text, path, "unknown key (did you mean '%s'?)", suggestion);
        else
            scn_report_override(ld, text, path, "unknown key (see docs/scenario-reference.md)");
        return -1;
    }
    if (key != NULL && (key->type == SCN_GROUP || key->type == SCN_LIST || key->type == SCN_STRINGS)) {
        scn_report_override(ld, text, path, "cannot set a whole %s (expected the path of one "
                            "key inside it)", scn_type_name(key->type));
        return -1;
    }

    /* The value, without optional surrounding quotes. */
    const char *raw = eq + 1;
    size_t len = strlen(raw);
    char *value = malloc(len + 1);
    if (value == NULL) {
        scn_report_override(ld, text, path, "out of memory (expected less input)");
        return -1;
    }
    if (len >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[len - 1] == raw[0]) {
        memcpy(value, raw + 1, len - 2);
        value[len - 2] = '\0';
    } else {
        memcpy(value, raw, len + 1);
    }

    long long i = 0;
    double f = 0;
    int int_overflow = 0;
    literal_kind kind = key != NULL && scn_type_is_text(key->type) ? LIT_STRING
                                                                   : classify(value, &i, &f, &int_overflow);
    if (kind == LIT_INT && int_overflow) {
        char expected[400] = "a 64-bit integer";
        if (key != NULL)
            scn_describe_expected(key, expected, sizeof expected);
        scn_report_override(ld, text, path, "%s is out of range (expected %s)", value, expected);
        free(value);
        return -1;
    }

    const char *leaf_name;
    config_setting_t *parent = find_parent(ld, text, path, &leaf_name);
    if (parent == NULL) {
        free(value);
        return -1;
    }
    int type = config_type_of(kind);
    config_setting_t *s = config_setting_get_member(parent, leaf_name);
    if (s != NULL && config_setting_type(s) != type) {
        scn_unmark(ld, s);
        config_setting_remove(parent, leaf_name);
        s = NULL;
    }
    if (s == NULL)
        s = config_setting_add(parent, leaf_name, type);
    int ok = s != NULL;
    if (ok) {
        switch (kind) {
        case LIT_INT: ok = config_setting_set_int64(s, i); break;
        case LIT_FLOAT: ok = config_setting_set_float(s, f); break;
        case LIT_BOOL: ok = config_setting_set_bool(s, strcmp(value, "true") == 0); break;
        default: ok = config_setting_set_string(s, value); break;
        }
    }
    free(value);
    if (!ok || scn_mark(ld, s, text) != 0) {
        scn_report_override(ld, text, path, "could not store the value (expected a valid "
                            "setting name)");
        return -1;
    }
    return 0;
}
