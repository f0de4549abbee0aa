/* validate.c - check a parsed scenario tree against the schema.
 *
 * One walk in file order checks keys, types, ranges, units, enums and
 * required keys; a second pass checks what spans list elements: unique
 * names and references. Every problem goes to scn_report(), which keeps the
 * first in file order, so the order of the passes does not matter.
 */
#include "scenario/loader.h"
#include "scenario/schema.h"
#include "scenario/schema_value.h"
#include "scenario/units.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 512

/* "1e+300 is a float", "\"abc\" is a string", ... for wrong-type messages. */
static void describe_setting(const config_setting_t *s, char *buf, size_t buf_len)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64:
        snprintf(buf, buf_len, "%lld is an integer", config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT:
        snprintf(buf, buf_len, "%g is a float", config_setting_get_float(s));
        break;
    case CONFIG_TYPE_BOOL:
        snprintf(buf, buf_len, "%s is a boolean", config_setting_get_bool(s) ? "true" : "false");
        break;
    case CONFIG_TYPE_STRING: {
        const char *str = config_setting_get_string(s);
        snprintf(buf, buf_len, "\"%.40s%s\" is a string", str, strlen(str) > 40 ? "..." : "");
        break;
    }
    case CONFIG_TYPE_GROUP: snprintf(buf, buf_len, "found a group { ... }"); break;
    case CONFIG_TYPE_LIST: snprintf(buf, buf_len, "found a list ( ... )"); break;
    case CONFIG_TYPE_ARRAY: snprintf(buf, buf_len, "found an array [ ... ]"); break;
    default: snprintf(buf, buf_len, "found a value of unknown type"); break;
    }
}

/* What a key accepts, phrased for a wrong-type message. */
static void expected_for_type(const scn_key *key, char *buf, size_t buf_len)
{
    char range[400];
    scn_describe_expected(key, range, sizeof range);
    if (scn_type_is_text(key->type) && key->type != SCN_STRING && key->type != SCN_ENUM) {
        scn_value d;
        char why[64];
        const char *example = "";
        if (scn_value_from_default(key, &d, why, sizeof why) == 0)
            example = d.storage;
        snprintf(buf, buf_len, "%s, written as a string such as \"%s\"", range,
                 example[0] ? example : "1");
    } else if (key->type == SCN_ENUM) {
        snprintf(buf, buf_len, "a string, %s", range);
    } else {
        snprintf(buf, buf_len, "%s", range);
    }
}

/* The unit a rate key's default is written in ("0/h" -> "/h"): the unit
 * its bare numbers meant before rates took units (issue 14). */
static void rate_old_unit(const scn_key *key, char *unit, size_t unit_len)
{
    const char *slash = key->default_text ? strchr(key->default_text, '/') : NULL;
    if (!slash)
        slash = "/s";
    snprintf(unit, unit_len, "%.*s", (int)strcspn(slash, "\""), slash);
}

static void wrong_type(scn_loader *ld, const config_setting_t *s, const char *path,
                       const scn_key *key)
{
    int type = config_setting_type(s);
    if (key->type == SCN_RATE && (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64 || type == CONFIG_TYPE_FLOAT)) {
        double n = type == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) : (double)config_setting_get_int64(s);
        char unit[16];
        rate_old_unit(key, unit, sizeof unit);
        scn_report(ld, s, path,
                   "a bare number is not a rate: write its unit, \"%g%s\" for what %g meant before "
                   "(units: %s)", n, unit, n, units_rate_list);
        return;
    }
    char found[128], expected[700];
    describe_setting(s, found, sizeof found);
    expected_for_type(key, expected, sizeof expected);
    scn_report(ld, s, path, "wrong type: %s (expected %s)", found, expected);
}

/* libconfig 1.5 silently keeps only the low 32 bits of an integer literal
 * written without an L suffix (5000000000 reads as 705032704). Read the
 * literal again from the text: find "name = digits" on the setting's line
 * whose low 32 bits match what libconfig kept. Returns 1 and the value (or
 * *too_large) when found, 0 when the text cannot be matched. */
static int reread_int_literal(const scn_loader *ld, const config_setting_t *s, long long *value,
                              int *too_large, char *literal, size_t literal_len)
{
    const char *name = config_setting_name(s);
    unsigned line = config_setting_source_line(s);
    if (name == NULL || line == 0 || config_setting_source_file(s) != NULL || ld->text == NULL)
        return 0;
    const char *p = ld->text;
    for (unsigned l = 1; l < line && p != NULL; l++) {
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    if (p == NULL)
        return 0;
    const char *line_end = strchr(p, '\n');
    if (line_end == NULL)
        line_end = p + strlen(p);
    size_t name_len = strlen(name);
    int kept = (int)(uint32_t)config_setting_get_int64(s);
    for (const char *q = p; q + name_len <= line_end; q++) {
        if (strncmp(q, name, name_len) != 0)
            continue;
        if (q > p && (isalnum((unsigned char)q[-1]) || q[-1] == '_' || q[-1] == '-' || q[-1] == '*'))
            continue;
        const char *r = q + name_len;
        while (r < line_end && (*r == ' ' || *r == '\t'))
            r++;
        if (r >= line_end || (*r != '=' && *r != ':'))
            continue;
        r++;
        while (r < line_end && (*r == ' ' || *r == '\t'))
            r++;
        const char *start = r;
        int negative = 0;
        if (r < line_end && (*r == '-' || *r == '+')) {
            negative = *r == '-';
            r++;
        }
        if (r >= line_end || !isdigit((unsigned char)*r) || (r[0] == '0' && r + 1 < line_end &&
                                                              (r[1] == 'x' || r[1] == 'X')))
            continue;
        uint64_t magnitude = 0;
        int overflow = 0;
        while (r < line_end && isdigit((unsigned char)*r)) {
            uint64_t d = (uint64_t)(*r - '0');
            if (magnitude > (UINT64_MAX - d) / 10)
                overflow = 1;
            else
                magnitude = magnitude * 10 + d;
            r++;
        }
        uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        if (magnitude > limit)
            overflow = 1;
        /* libconfig used strtoll, which saturates, then truncated. */
        long long v;
        if (overflow)
            v = negative ? INT64_MIN : INT64_MAX;
        else if (negative)
            v = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(long long)magnitude;
        else
            v = (long long)magnitude;
        if ((int)(uint32_t)(uint64_t)v != kept)
            continue;
        *value = v;
        *too_large = overflow;
        size_t n = (size_t)(r - start);
        if (n >= literal_len)
            n = literal_len - 1;
        memcpy(literal, start, n);
        literal[n] = '\0';
        return 1;
    }
    return 0;
}

static void check_int(scn_loader *ld, config_setting_t *s, const char *path, const scn_key *key)
{
    long long v = config_setting_get_int64(s);
    /* Literals wider than 32 bits reach libconfig with an L (text_prepare.h);
     * only one beyond int64 is still truncated, so only then is the text
     * searched again (searching for every integer made `check` quadratic). */
    if (ld->has_huge_literal && config_setting_type(s) == CONFIG_TYPE_INT && scn_marked_by(ld, s) == NULL) {
        long long real;
        int too_large = 0;
        char literal[64];
        if (reread_int_literal(ld, s, &real, &too_large, literal, sizeof literal)) {
            if (too_large) {
                char expected[400];
                scn_describe_expected(key, expected, sizeof expected);
                scn_report(ld, s, path, "%s is out of range (expected %s)", literal, expected);
                return;
            }
            if (real != v) {
                /* Store the value libconfig dropped so accessors see it. */
                s->type = CONFIG_TYPE_INT64;
                s->value.llval = real;
                v = real;
            }
        }
    }
    scn_value value = {.i = v};
    char why[600];
    if (scn_value_check(key, &value, why, sizeof why) != 0)
        scn_report(ld, s, path, "%s", why);
}

static void check_leaf(scn_loader *ld, config_setting_t *s, const char *path, const scn_key *key)
{
    int type = config_setting_type(s);
    scn_value value;
    memset(&value, 0, sizeof value);
    char why[600];
    switch (key->type) {
    case SCN_INT:
        if (type == CONFIG_TYPE_STRING && key->enum_values) { /* one of the integer's names */
            if (scn_value_from_text(key, config_setting_get_string(s), &value, why, sizeof why) != 0)
                scn_report(ld, s, path, "%s", why);
            return;
        }
        if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
            wrong_type(ld, s, path, key);
            return;
        }
        check_int(ld, s, path, key);
        return;
    case SCN_FLOAT:
        if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
            value.f = (double)config_setting_get_int64(s);
        else if (type == CONFIG_TYPE_FLOAT)
            value.f = config_setting_get_float(s);
        else {
            wrong_type(ld, s, path, key);
            return;
        }
        break;
    case SCN_BOOL:
        if (type != CONFIG_TYPE_BOOL) {
            wrong_type(ld, s, path, key);
            return;
        }
        return;
    default:
        if (type != CONFIG_TYPE_STRING) {
            wrong_type(ld, s, path, key);
            return;
        }
        if (scn_value_from_text(key, config_setting_get_string(s), &value, why, sizeof why) != 0) {
            scn_report(ld, s, path, "%s", why);
            return;
        }
        break;
    }
    if (scn_value_check(key, &value, why, sizeof why) != 0)
        scn_report(ld, s, path, "%s", why);
}

/* "PREFIX.NAME" (or NAME) into out (PATH_MAX_LEN bytes): 0, or -1 when it
 * is empty or does not fit. Built with memcpy: snprintf takes glibc's slow
 * path in this process (libquadmath, linked through LAPACK, registers a
 * printf modifier) and was a tenth of validating 100,000 VM groups. */
static int join_path(char *out, const char *prefix, const char *name)
{
    size_t lp = strlen(prefix), ln = strlen(name);
    size_t n = lp + (lp > 0) + ln;
    if (n == 0 || n >= PATH_MAX_LEN)
        return -1;
    memcpy(out, prefix, lp);
    if (lp > 0)
        out[lp] = '.';
    memcpy(out + lp + (lp > 0), name, ln + 1);
    return 0;
}

static void check_group(scn_loader *ld, config_setting_t *group, const char *path);

void scn_loader_free_cache(scn_loader *ld)
{
    for (size_t i = 0; i < ld->n_children; i++) {
        free(ld->children[i].schema_path);
        free(ld->children[i].index);
    }
    free(ld->children);
    ld->children = NULL;
    ld->n_children = 0;
}

/* Whether check_missing has anything to do with key: a required key (no
 * default) can be missing; a group with a default, only when some key
 * below it is required. */
static int can_be_missing(scn_loader *ld, const scn_key *key);

/* The keys directly under a schema path that check_missing must look at
 * (can_be_missing), found once per distinct path (a scenario has few)
 * instead of scanning every key for every group: with 100,000 VM groups
 * that scan dominated `check` (issue 13, item 15), and so did looking up
 * each of a VM group's ~60 keys with a default in the group. NULL when out
 * of memory (the caller scans every key). */
static const scn_children *children_of(scn_loader *ld, const char *schema_path)
{
    for (size_t i = 0; i < ld->n_children; i++)
        if (strcmp(ld->children[i].schema_path, schema_path) == 0)
            return &ld->children[i];
    const scn_schema *schema = scn_loader_schema(ld);
    scn_children c = {.schema_path = malloc(strlen(schema_path) + 1),
                      .index = malloc((schema->count ? schema->count : 1) * sizeof(size_t))};
    if (!c.schema_path || !c.index) {
        free(c.schema_path);
        free(c.index);
        return NULL;
    }
    strcpy(c.schema_path, schema_path);
    size_t plen = strlen(schema_path);
    for (size_t i = 0; i < schema->count; i++) {
        const char *path = schema->keys[i].path;
        const char *name = plen == 0 ? path
                           : strncmp(path, schema_path, plen) == 0 && path[plen] == '.' ? path + plen + 1
                                                                                       : NULL;
        /* can_be_missing may add entries for sub-paths: c is not in the cache yet. */
        if (name && strchr(name, '.') == NULL && can_be_missing(ld, &schema->keys[i]))
            c.index[c.n++] = i;
    }
    scn_children *grown = realloc(ld->children, (ld->n_children + 1) * sizeof *grown);
    if (!grown) {
        free(c.schema_path);
        free(c.index);
        return NULL;
    }
    ld->children = grown;
    ld->children[ld->n_children++] = c;
    return &ld->children[ld->n_children - 1];
}

static int can_be_missing(scn_loader *ld, const scn_key *key)
{
    if (key->default_text == NULL)
        return 1;
    if (key->type != SCN_GROUP)
        return 0;
    const scn_children *below = children_of(ld, key->path);
    return below == NULL || below->n > 0; /* out of memory: look */
}

/* Reports required keys missing under `path` (whose setting is `group`, or
 * NULL when the group itself is absent); `anchor` gives the line. */
static void check_missing(scn_loader *ld, const config_setting_t *group,
                          const config_setting_t *anchor, const char *path)
{
    char schema_path[PATH_MAX_LEN];
    if (path[0] == '\0')
        schema_path[0] = '\0';
    else if (scn_schema_path_of(path, schema_path, sizeof schema_path) != 0)
        return;
    size_t plen = strlen(schema_path);
    const scn_schema *schema = scn_loader_schema(ld);
    /* Copy out of the cache entry: the recursion below may grow the cache. */
    const scn_children *kids = children_of(ld, schema_path);
    const size_t *index = kids ? kids->index : NULL;
    size_t count = kids ? kids->n : schema->count;
    for (size_t k = 0; k < count; k++) {
        const scn_key *key = index ? &schema->keys[index[k]] : &schema->keys[k];
        const char *name;
        if (plen == 0)
            name = key->path;
        else if (strncmp(key->path, schema_path, plen) == 0 && key->path[plen] == '.')
            name = key->path + plen + 1;
        else
            continue;
        if (strchr(name, '.') != NULL)
            continue;
        if (key->default_text != NULL && key->type != SCN_GROUP)
            continue;
        if (group != NULL && config_setting_get_member(group, name) != NULL)
            continue;
        char child[PATH_MAX_LEN];
        if (join_path(child, path, name) != 0)
            continue;
        if (key->default_text == NULL) {
            char expected[400];
            scn_describe_expected(key, expected, sizeof expected);
            scn_report(ld, anchor, child, "missing required key (expected %s)", expected);
        } else {
            check_missing(ld, NULL, anchor, child);
        }
    }
}

/* Reports a list whose element count is outside the key's range; returns
 * the count. */
static int check_length(scn_loader *ld, config_setting_t *list, const char *path, const scn_key *key)
{
    int n = config_setting_length(list);
    if ((double)n < key->min || (double)n > key->max) {
        char expected[400];
        scn_describe_expected(key, expected, sizeof expected);
        scn_report(ld, list, path, "%d element%s is too %s (expected %s)", n, n == 1 ? "" : "s",
                   (double)n < key->min ? "few" : "many", expected);
    }
    return n;
}

/* Element i of a list and its path "PATH.[i]" (elem_path: PATH_MAX_LEN
 * bytes); NULL when there is none or the path would not fit. */
static config_setting_t *list_elem(config_setting_t *list, const char *path, int i, char *elem_path)
{
    config_setting_t *elem = config_setting_get_elem(list, (unsigned)i);
    /* "PATH.[i]" without snprintf (see join_path); i >= 0. */
    char digits[16];
    int k = 0;
    for (unsigned v = (unsigned)i; k == 0 || v > 0; v /= 10)
        digits[k++] = (char)('0' + (int)(v % 10));
    size_t lp = strlen(path);
    if (elem == NULL || i < 0 || lp + 3 + (size_t)k + 1 >= PATH_MAX_LEN)
        return NULL;
    char *o = elem_path;
    memcpy(o, path, lp);
    o += lp;
    *o++ = '.';
    *o++ = '[';
    while (k > 0)
        *o++ = digits[--k];
    *o++ = ']';
    *o = '\0';
    return elem;
}

static void check_list(scn_loader *ld, config_setting_t *list, const char *path,
                       const scn_key *key)
{
    int n = check_length(ld, list, path, key);
    for (int i = 0; i < n; i++) {
        char elem_path[PATH_MAX_LEN];
        config_setting_t *elem = list_elem(list, path, i, elem_path);
        if (elem == NULL)
            continue;
        if (config_setting_type(elem) != CONFIG_TYPE_GROUP) {
            char found[128];
            describe_setting(elem, found, sizeof found);
            scn_report(ld, elem, elem_path, "wrong type: %s (expected a group { ... })", found);
            continue;
        }
        check_group(ld, elem, elem_path);
    }
}

/* A list of strings: ( "a", "b" ) or [ "a", "b" ]. */
static void check_strings(scn_loader *ld, config_setting_t *list, const char *path, const scn_key *key)
{
    int n = check_length(ld, list, path, key);
    for (int i = 0; i < n; i++) {
        char elem_path[PATH_MAX_LEN];
        config_setting_t *elem = list_elem(list, path, i, elem_path);
        if (elem == NULL)
            continue;
        if (config_setting_type(elem) != CONFIG_TYPE_STRING) {
            char found[128];
            describe_setting(elem, found, sizeof found);
            scn_report(ld, elem, elem_path, "wrong type: %s (expected a string)", found);
        } else if (config_setting_get_string(elem)[0] == '\0') {
            scn_report(ld, elem, elem_path, "empty string (expected a file name)");
        }
    }
}

/* An array of scalars: its length, and that no element is a group or list;
 * the elements' values are the table owner's to check. */
static void check_array(scn_loader *ld, config_setting_t *array, const char *path, const scn_key *key)
{
    int n = config_setting_length(array);
    if ((double)n < key->min || (double)n > key->max) {
        char expected[400];
        scn_describe_expected(key, expected, sizeof expected);
        scn_report(ld, array, path, "%d value%s is too %s (expected %s)", n, n == 1 ? "" : "s",
                   (double)n < key->min ? "few" : "many", expected);
    }
    for (int i = 0; i < n; i++) {
        config_setting_t *elem = config_setting_get_elem(array, (unsigned)i);
        int type = elem ? config_setting_type(elem) : CONFIG_TYPE_NONE;
        if (type == CONFIG_TYPE_GROUP || type == CONFIG_TYPE_LIST || type == CONFIG_TYPE_ARRAY) {
            char found[128], elem_path[PATH_MAX_LEN + 16];
            describe_setting(elem, found, sizeof found);
            snprintf(elem_path, sizeof elem_path, "%s.[%d]", path, i);
            scn_report(ld, elem, elem_path, "wrong type: %s (expected a number, string or boolean)", found);
        }
    }
}

static void check_setting(scn_loader *ld, config_setting_t *s, const char *path)
{
    const scn_key *key = scn_schema_find_concrete_in(scn_loader_schema(ld), path);
    if (key == NULL) {
        scn_report_unknown(ld, s, path);
        return;
    }
    int type = config_setting_type(s);
    switch (key->type) {
    case SCN_GROUP:
        if (type != CONFIG_TYPE_GROUP)
            wrong_type(ld, s, path, key);
        else if (!(key->flags & SCN_OPEN)) /* an open group's owner checks its members */
            check_group(ld, s, path);
        return;
    case SCN_STRINGS:
        if (type == CONFIG_TYPE_LIST || type == CONFIG_TYPE_ARRAY)
            check_strings(ld, s, path, key);
        else
            wrong_type(ld, s, path, key);
        return;
    case SCN_LIST:
        /* An empty list may be written "()" or "[]". */
        if (type == CONFIG_TYPE_LIST || (type == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0))
            check_list(ld, s, path, key);
        else
            wrong_type(ld, s, path, key);
        return;
    case SCN_ARRAY:
        if (type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST)
            check_array(ld, s, path, key);
        else
            wrong_type(ld, s, path, key);
        return;
    default:
        check_leaf(ld, s, path, key);
        return;
    }
}

static void check_group(scn_loader *ld, config_setting_t *group, const char *path)
{
    int n = config_setting_length(group);
    for (int i = 0; i < n; i++) {
        config_setting_t *child = config_setting_get_elem(group, (unsigned)i);
        const char *name = child ? config_setting_name(child) : NULL;
        char child_path[PATH_MAX_LEN];
        if (name == NULL)
            continue;
        if (join_path(child_path, path, name) != 0) {
            scn_report(ld, child, "...", "unknown key '%.40s...' (expected a key listed in %s)", name,
                       scn_loader_schema(ld)->reference);
            continue;
        }
        check_setting(ld, child, child_path);
    }
    check_missing(ld, group, group, path);
}

/* Cross-element checks. */

typedef struct named {
    const char *value;
    const config_setting_t *setting;
    int index;                 /* element index, for messages and stable order */
} named;

typedef struct named_set {
    named *items;
    int n, cap;
} named_set;

static int named_push(named_set *set, const char *value, const config_setting_t *s, int index)
{
    if (set->n == set->cap) {
        int cap = set->cap ? set->cap * 2 : 16;
        named *items = realloc(set->items, (size_t)cap * sizeof *items);
        if (items == NULL)
            return -1;
        set->items = items;
        set->cap = cap;
    }
    set->items[set->n].value = value;
    set->items[set->n].setting = s;
    set->items[set->n].index = index;
    set->n++;
    return 0;
}

static int named_compare(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->value, y->value);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* Collects the string member `member` of every group element of `list`. */
static int collect_names(const config_setting_t *list, const char *member, named_set *set)
{
    int n = config_setting_length(list);
    for (int i = 0; i < n; i++) {
        const config_setting_t *elem = config_setting_get_elem(list, (unsigned)i);
        if (elem == NULL || config_setting_type(elem) != CONFIG_TYPE_GROUP)
            continue;
        const config_setting_t *m = config_setting_get_member(elem, member);
        if (m == NULL || config_setting_type(m) != CONFIG_TYPE_STRING)
            continue;
        if (named_push(set, config_setting_get_string(m), m, i) != 0)
            return -1;
    }
    return 0;
}

/* Splits "hosts.[].name" into list path "hosts" and member "name". Only keys
 * directly inside the elements of a top-level list are supported. */
static int split_list_member(const char *key_path, char *list, size_t list_len,
                             const char **member)
{
    const char *mark = strstr(key_path, ".[].");
    if (mark == NULL || strchr(mark + 4, '.') != NULL || strchr(key_path, '.') != mark)
        return -1;
    size_t n = (size_t)(mark - key_path);
    if (n >= list_len)
        return -1;
    memcpy(list, key_path, n);
    list[n] = '\0';
    *member = mark + 4;
    return 0;
}

static void check_unique(scn_loader *ld, const scn_key *key)
{
    char list_name[PATH_MAX_LEN];
    const char *member;
    if (split_list_member(key->path, list_name, sizeof list_name, &member) != 0)
        return;
    const config_setting_t *list = config_lookup(ld->config, list_name);
    if (list == NULL || config_setting_type(list) != CONFIG_TYPE_LIST)
        return;
    named_set set = {0};
    if (collect_names(list, member, &set) == 0 && set.n > 1) {
        qsort(set.items, (size_t)set.n, sizeof *set.items, named_compare);
        int first = 0;
        for (int i = 1; i < set.n; i++) {
            if (strcmp(set.items[i].value, set.items[first].value) != 0) {
                first = i;
                continue;
            }
            char path[2 * PATH_MAX_LEN];
            snprintf(path, sizeof path, "%s.[%d].%s", list_name, set.items[i].index, member);
            scn_report(ld, set.items[i].setting, path,
                       "'%.60s' is already the name of %s.[%d] (expected a name unique within %s)",
                       set.items[i].value, list_name, set.items[first].index, list_name);
        }
    }
    free(set.items);
}

static int named_compare_value(const void *key, const void *item)
{
    return strcmp(key, ((const named *)item)->value);
}

static void check_ref(scn_loader *ld, const scn_key *key)
{
    char list_name[PATH_MAX_LEN], target_list[PATH_MAX_LEN];
    const char *member, *target_member;
    if (split_list_member(key->path, list_name, sizeof list_name, &member) != 0 ||
        split_list_member(key->ref, target_list, sizeof target_list, &target_member) != 0)
        return;
    const config_setting_t *list = config_lookup(ld->config, list_name);
    if (list == NULL || config_setting_type(list) != CONFIG_TYPE_LIST)
        return;
    named_set targets = {0}, refs = {0};
    const config_setting_t *tlist = config_lookup(ld->config, target_list);
    if (tlist != NULL && config_setting_type(tlist) == CONFIG_TYPE_LIST &&
        collect_names(tlist, target_member, &targets) != 0)
        goto done;
    /* The names in file order, for the message. */
    char known[600] = "";
    size_t used = 0;
    int shown = targets.n < 10 ? targets.n : 10;
    for (int i = 0; i < shown; i++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%.40s", i ? ", " : "",
                                 targets.items[i].value);
    if (targets.n > shown)
        snprintf(known + used, sizeof known - used, ", and %d more", targets.n - shown);
    if (targets.n > 1)
        qsort(targets.items, (size_t)targets.n, sizeof *targets.items, named_compare);
    if (collect_names(list, member, &refs) != 0)
        goto done;
    for (int i = 0; i < refs.n; i++) {
        const char *value = refs.items[i].value;
        if (value[0] == '\0')
            continue;
        if (targets.n > 0 && bsearch(value, targets.items, (size_t)targets.n, sizeof *targets.items,
                    named_compare_value) != NULL)
            continue;
        char path[2 * PATH_MAX_LEN];
        snprintf(path, sizeof path, "%s.[%d].%s", list_name, refs.items[i].index, member);
        if (targets.n == 0)
            scn_report(ld, refs.items[i].setting, path,
                       "'%.60s' names no element of %s (expected \"\" since %s has no names)",
                       value, target_list, target_list);
        else
            scn_report(ld, refs.items[i].setting, path,
                       "'%.60s' names no element of %s (expected one of: %s)", value,
                       target_list, known);
    }
done:
    free(targets.items);
    free(refs.items);
}

int scn_validate(scn_loader *ld)
{
    check_group(ld, config_root_setting(ld->config), "");
    const scn_schema *schema = scn_loader_schema(ld);
    for (size_t i = 0; i < schema->count; i++) {
        if (schema->keys[i].flags & SCN_UNIQUE)
            check_unique(ld, &schema->keys[i]);
        if (schema->keys[i].ref != NULL)
            check_ref(ld, &schema->keys[i]);
    }
    return ld->failed ? -1 : 0;
}
