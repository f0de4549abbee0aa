/* scenario.c - load a scenario (parse, override, validate) and read it. */
#include "scenario/scenario.h"
#include "scenario/access_path.h"
#include "scenario/loader.h"
#include "scenario/text_file.h"
#include "scenario/text_prepare.h"
#include "scenario/schema.h"
#include "scenario/schema_value.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_MAX_LEN 512

struct scenario {
    unsigned long id;         /* unique per load: keys resolve()'s per-thread cache */
    char *name;
    char *text;               /* file text + "# --set" lines */
    config_t config;
    char **default_strings;   /* per scn_keys index: unquoted default of string keys */
    scn_value *default_values; /* per scn_keys index: the default parsed once (issue 13: */
    unsigned char *default_ok; /* parsing it at every access was a tenth of `check`) */
};

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c != NULL)
        memcpy(c, s, n);
    return c;
}

void scenario_free(scenario *s)
{
    if (s == NULL)
        return;
    config_destroy(&s->config);
    if (s->default_strings != NULL)
        for (size_t i = 0; i < scn_key_count; i++)
            free(s->default_strings[i]);
    free(s->default_strings);
    free(s->default_values);
    free(s->default_ok);
    free(s->name);
    free(s->text);
    free(s);
}

static void set_err(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    if (err == NULL || err_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* The text followed by one "# --set K=V" line per override. */
static char *text_with_overrides(const char *text, const char *const *overrides, int n)
{
    size_t len = strlen(text), total = len + 2;
    for (int i = 0; i < n; i++)
        total += strlen(overrides[i]) + 9;
    char *out = malloc(total);
    if (out == NULL)
        return NULL;
    memcpy(out, text, len);
    size_t used = len;
    if (n > 0 && len > 0 && text[len - 1] != '\n')
        out[used++] = '\n';
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, total - used, "# --set %s\n", overrides[i]);
    out[used] = '\0';
    return out;
}

/* Never 0 and never repeated, so that a scenario allocated where a freed
 * one was is not mistaken for it by resolve()'s cache. */
static unsigned long next_scenario_id(void)
{
    static atomic_ulong last_id;
    return atomic_fetch_add(&last_id, 1) + 1;
}

static int fill_default_strings(scenario *s)
{
    s->default_strings = calloc(scn_key_count, sizeof *s->default_strings);
    s->default_values = calloc(scn_key_count, sizeof *s->default_values);
    s->default_ok = calloc(scn_key_count, sizeof *s->default_ok);
    if (s->default_strings == NULL || s->default_values == NULL || s->default_ok == NULL)
        return -1;
    for (size_t i = 0; i < scn_key_count; i++) {
        const scn_key *key = &scn_keys[i];
        char why_not[256];
        /* A string-written value points into the array's own storage. */
        s->default_ok[i] = scn_value_from_default(key, &s->default_values[i], why_not, sizeof why_not) == 0;
        if ((key->type != SCN_STRING && key->type != SCN_ENUM) || key->default_text == NULL)
            continue;
        scn_value v;
        char why[256];
        if (scn_value_from_default(key, &v, why, sizeof why) != 0)
            continue;
        s->default_strings[i] = copy_string(v.storage);
        if (s->default_strings[i] == NULL)
            return -1;
    }
    return 0;
}

/* config_read_string, without its copy of the whole text: libconfig's
 * scanner reads the text through a memory stream in small pieces instead
 * (the copy was 11 MB of page faults for 100,000 VM groups, issue 13).
 * Both read the same bytes with the same scanner. */
static int parse_text(config_t *config, const char *text)
{
    size_t len = strlen(text);
    FILE *in = len > 0 ? fmemopen((void *)text, len, "r") : NULL;
    if (in == NULL)
        return config_read_string(config, text);
    int ok = config_read(config, in);
    fclose(in);
    return ok;
}

/* Hands each string of the top-level 'plugins' list to load_plugin,
 * resolved against dir ("" for the working directory); 0, or -1 after
 * reporting. Entries that are not strings are left to the validator. */
static int load_plugins(scn_loader *ld, const char *dir, scn_plugin_fn load_plugin, void *ctx)
{
    const config_setting_t *list = config_lookup(ld->config, "plugins");
    if (list == NULL || (config_setting_type(list) != CONFIG_TYPE_LIST && config_setting_type(list) != CONFIG_TYPE_ARRAY))
        return 0;
    int n = config_setting_length(list);
    for (int i = 0; i < n; i++) {
        const config_setting_t *elem = config_setting_get_elem(list, (unsigned)i);
        if (elem == NULL || config_setting_type(elem) != CONFIG_TYPE_STRING || config_setting_get_string(elem)[0] == '\0')
            continue;
        const char *file = config_setting_get_string(elem);
        char path[PATH_MAX_LEN * 8], why[1024] = "", key[64];
        /* A name without a slash would make dlopen search the system's
         * library path: keep it a file name. */
        if (file[0] == '/')
            snprintf(path, sizeof path, "%s", file);
        else
            snprintf(path, sizeof path, "%s%s%s", dir[0] ? dir : "./", dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "",
                     file);
        snprintf(key, sizeof key, "plugins.[%d]", i);
        if (load_plugin == NULL)
            scn_report(ld, elem, key, "plug-ins are loaded only by the vdcsim command (expected no 'plugins' here)");
        else if (load_plugin(ctx, path, why, sizeof why) != 0)
            scn_report(ld, elem, key, "%s", why[0] ? why : "cannot load the plug-in");
        else
            continue;
        return -1;
    }
    return 0;
}

/* take_text, when not NULL, points to the caller's malloc'ed copy of text:
 * with no overrides, the scenario keeps it as its text (and *take_text is
 * set to NULL) instead of copying it, which was 11 MB for 100,000 VM
 * groups (issue 13). */
static scenario *load(const char *text, char **take_text, const char *name, const char *include_dir,
                      const char *const *overrides, int n_overrides, scn_plugin_fn load_plugin, void *ctx,
                      char *err, size_t err_len)
{
    if (err != NULL && err_len > 0)
        err[0] = '\0';
    if (overrides == NULL)
        n_overrides = 0;
    scenario *s = calloc(1, sizeof *s);
    if (s == NULL) {
        set_err(err, err_len, "%s: out of memory", name);
        return NULL;
    }
    s->id = next_scenario_id();
    config_init(&s->config);
    s->name = copy_string(name);
    if (s->name == NULL) {
        set_err(err, err_len, "%s: out of memory", name);
        scenario_free(s);
        return NULL;
    }
    if (include_dir != NULL)
        config_set_include_dir(&s->config, include_dir);
    int has_huge = 0;
    char *prepared_copy = NULL;
    const char *prepared = scn_text_prepare(text, name, include_dir, &has_huge, &prepared_copy, err, err_len);
    if (prepared == NULL) {
        scenario_free(s);
        return NULL;
    }
    if (!parse_text(&s->config, prepared)) {
        const char *why = config_error_text(&s->config);
        const char *file = config_error_file(&s->config);
        if (why == NULL || strcmp(why, "syntax error") == 0)
            set_err(err, err_len, "%s:%d: syntax error", file ? file : name,
                    config_error_line(&s->config));
        else
            set_err(err, err_len, "%s:%d: syntax error: %s", file ? file : name,
                    config_error_line(&s->config), why);
        free(prepared_copy);
        scenario_free(s);
        return NULL;
    }

    scn_loader ld = {.name = name, .text = prepared, .has_huge_literal = has_huge, .config = &s->config,
                     .err = err, .err_len = err_len};
    int ok = 1;
    for (int i = 0; i < n_overrides && ok; i++)
        ok = overrides[i] != NULL && scn_apply_override(&ld, overrides[i]) == 0;
    if (ok)
        ok = load_plugins(&ld, include_dir ? include_dir : "", load_plugin, ctx) == 0;
    if (ok)
        ok = scn_validate(&ld) == 0;
    if (ok && n_overrides < 0)
        ok = 0;
    free(ld.marks);
    scn_loader_free_cache(&ld);
    free(prepared_copy);
    if (!ok) {
        if (err != NULL && err_len > 0 && err[0] == '\0')
            set_err(err, err_len, "%s: invalid overrides", name);
        scenario_free(s);
        return NULL;
    }
    if (take_text != NULL && *take_text == text && n_overrides == 0) {
        s->text = *take_text;
        *take_text = NULL;
    } else {
        s->text = text_with_overrides(text, overrides, n_overrides);
    }
    if (s->text == NULL || fill_default_strings(s) != 0) {
        set_err(err, err_len, "%s: out of memory", name);
        scenario_free(s);
        return NULL;
    }
    return s;
}

scenario *scenario_load_string_plugins(const char *text, const char *name, const char *const *overrides,
                                       int n_overrides, scn_plugin_fn load_plugin, void *ctx, char *err,
                                       size_t err_len)
{
    if (name == NULL)
        name = "<string>";
    if (text == NULL) {
        set_err(err, err_len, "%s: cannot read: no text", name);
        return NULL;
    }
    return load(text, NULL, name, NULL, overrides, n_overrides, load_plugin, ctx, err, err_len);
}

scenario *scenario_load_string(const char *text, const char *name,
                               const char *const *overrides, int n_overrides, char *err,
                               size_t err_len)
{
    return scenario_load_string_plugins(text, name, overrides, n_overrides, NULL, NULL, err, err_len);
}

scenario *scenario_load_file(const char *path, const char *const *overrides, int n_overrides,
                             char *err, size_t err_len)
{
    return scenario_load_file_plugins(path, overrides, n_overrides, NULL, NULL, err, err_len);
}

scenario *scenario_load_file_plugins(const char *path, const char *const *overrides, int n_overrides,
                                     scn_plugin_fn load_plugin, void *ctx, char *err, size_t err_len)
{
    if (path == NULL)
        path = "(null)";
    size_t len = 0;
    char *text = scn_read_text_file(path, "a scenario file", 0, &len, err, err_len);
    if (text == NULL)
        return NULL;
    /* @include "x.cfg" is resolved next to the file. */
    char *dir = copy_string(path);
    if (dir == NULL) {
        set_err(err, err_len, "%s: out of memory", path);
        free(text);
        return NULL;
    }
    char *slash = strrchr(dir, '/');
    if (slash != NULL)
        slash[1] = '\0';
    else
        dir[0] = '\0';
    scenario *s = load(text, &text, path, dir[0] ? dir : NULL, overrides, n_overrides, load_plugin, ctx, err, err_len);
    free(dir);
    free(text);
    return s;
}

const char *scenario_name(const scenario *s) { return s->name; }
const char *scenario_text(const scenario *s) { return s->text; }

/* Accessors. */

static void die(const char *accessor, const char *path, const char *what)
{
    fprintf(stderr, "vdcsim: %s(\"%s\"): %s\n", accessor, path, what);
    abort();
}

/* The member of a group named by the len bytes at name, or NULL. A plain
 * scan over libconfig's public struct: config_setting_get_member compares
 * names character by character against its path separators, and a call
 * per member and field was a tenth of `check` on 100,000 VM groups
 * (issue 13). */
static const config_setting_t *member_named(const config_setting_t *group, const char *name, size_t len)
{
    if (group->type != CONFIG_TYPE_GROUP || group->value.list == NULL)
        return NULL;
    config_setting_t *const *members = group->value.list->elements;
    unsigned n = group->value.list->length;
    for (unsigned i = 0; i < n; i++) {
        const char *m_name = members[i]->name;
        /* The first byte first: most members differ there (no call). */
        if (m_name != NULL && m_name[0] == name[0] && strncmp(m_name, name, len) == 0 && m_name[len] == '\0')
            return members[i];
    }
    return NULL;
}

/* Walks the components of path in [p, end) down from cur; dies on a list
 * index out of range. */
static const config_setting_t *walk(const char *accessor, const char *path, const config_setting_t *cur,
                                    const char *p, const char *end)
{
    while (p < end) {
        size_t len;
        if (p[0] == '[') {
            /* "[i]": the schema check let only digits through. */
            long index = 0;
            for (len = 1; p + len < end && p[len] >= '0' && p[len] <= '9'; len++)
                if (index < INT_MAX)
                    index = index * 10 + (p[len] - '0');
            while (p + len < end && p[len] != '.')
                len++;
            if (cur == NULL || cur->type != CONFIG_TYPE_LIST || cur->value.list == NULL ||
                index >= (long)cur->value.list->length)
                die(accessor, path, "list index out of range");
            cur = cur->value.list->elements[index];
        } else {
            const char *dot = memchr(p, '.', (size_t)(end - p));
            len = dot != NULL ? (size_t)(dot - p) : (size_t)(end - p);
            if (cur != NULL)
                cur = member_named(cur, p, len);
        }
        p += len;
        if (p < end && *p == '.')
            p++;
    }
    return cur;
}

/* The setting of the parent of the last path resolved on this thread
 * ("vms.[7].cpu_demand." for "vms.[7].cpu_demand.mean"): accessors read a
 * group's keys one after another, and walking down from the root again for
 * each was a third of resolve() on 100,000 VM groups (issue 13). Keyed by
 * the scenario's id, never its address, which a later scenario may reuse. */
#define PARENT_CACHE_LEN 160
typedef struct parent_cache {
    unsigned long scenario_id;       /* 0: empty */
    size_t len;                      /* bytes of path, the final '.' included */
    char path[PARENT_CACHE_LEN];
    const config_setting_t *setting; /* NULL: the parent is absent */
} parent_cache;
/* The last few parents, replaced in turn: a group's readers go back and
 * forth between "vms.[7]." and its subgroups ("vms.[7].arrival.", ...),
 * and with one entry a fifth of the look-ups walked from the root
 * (issue 13). */
#define PARENT_CACHE_ENTRIES 4
static _Thread_local parent_cache last_parents[PARENT_CACHE_ENTRIES];
static _Thread_local unsigned next_parent_entry;

/* Resolves path for an accessor: checks it against the schema and returns
 * the setting, or NULL when the value comes from the default. */
static const config_setting_t *resolve(const scenario *s, const char *accessor, char *path,
                                       const char *fmt, va_list ap, const scn_key **key_out)
{
    const scn_key *key = NULL;
    if (scn_access_path(path, PATH_MAX_LEN, fmt, ap, &key) != 0)
        die(accessor, fmt, "path too long");
    if (key == NULL)
        die(accessor, path, "not a key of the scenario schema");
    *key_out = key;
    const char *dot = strrchr(path, '.');
    size_t parent_len = dot != NULL ? (size_t)(dot - path) + 1 : 0;
    const char *end = path + parent_len + strlen(path + parent_len);
    if (parent_len == 0)
        return walk(accessor, path, config_root_setting(&s->config), path, end);
    for (unsigned k = 0; k < PARENT_CACHE_ENTRIES; k++) {
        const parent_cache *c = &last_parents[k];
        if (c->len == parent_len && c->scenario_id == s->id && memcmp(c->path, path, parent_len) == 0)
            return walk(accessor, path, c->setting, path + parent_len, end);
    }
    const config_setting_t *parent = walk(accessor, path, config_root_setting(&s->config), path, path + parent_len);
    if (parent_len < PARENT_CACHE_LEN) {
        parent_cache *c = &last_parents[next_parent_entry];
        next_parent_entry = (next_parent_entry + 1) % PARENT_CACHE_ENTRIES;
        c->scenario_id = s->id;
        c->len = parent_len;
        memcpy(c->path, path, parent_len);
        c->setting = parent;
    }
    return walk(accessor, path, parent, path + parent_len, end);
}

static void want_type(const char *accessor, const char *path, const scn_key *key, scn_type a,
                      scn_type b)
{
    if (key->type != a && key->type != b) {
        char what[128];
        snprintf(what, sizeof what, "the key is a %s", scn_type_name(key->type));
        die(accessor, path, what);
    }
}

/* The value of a key as scn_value: from the setting, else the default. */
static void value_of(const scenario *s, const char *accessor, const char *path, const scn_key *key,
                     const config_setting_t *setting, scn_value *v)
{
    char why[256];
    if (setting == NULL) {
        size_t i = (size_t)(key - scn_keys);
        if (s->default_ok[i]) {
            *v = s->default_values[i];
            return;
        }
        if (scn_value_from_default(key, v, why, sizeof why) != 0)
            die(accessor, path, why);
        return;
    }
    memset(v, 0, sizeof *v);
    switch (config_setting_type(setting)) {
    case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64:
        v->i = config_setting_get_int64(setting);
        v->f = (double)v->i;
        return;
    case CONFIG_TYPE_FLOAT:
        v->f = config_setting_get_float(setting);
        return;
    case CONFIG_TYPE_BOOL:
        v->i = config_setting_get_bool(setting);
        return;
    case CONFIG_TYPE_STRING:
        if (scn_value_from_text(key, config_setting_get_string(setting), v, why, sizeof why) != 0)
            die(accessor, path, why);
        return;
    default:
        die(accessor, path, "the value is not a scalar");
    }
}

/* Resolves the path, checks the key's type and fills v. */
static const scn_key *access_value(const scenario *s, const char *accessor, scn_type a,
                                   scn_type b, scn_value *v, const char *fmt, va_list ap)
{
    char path[PATH_MAX_LEN];
    const scn_key *key;
    const config_setting_t *setting = resolve(s, accessor, path, fmt, ap, &key);
    want_type(accessor, path, key, a, b);
    value_of(s, accessor, path, key, setting, v);
    return key;
}

int64_t scn_int(const scenario *s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    access_value(s, "scn_int", SCN_INT, SCN_INT, &v, fmt, ap);
    va_end(ap);
    return v.i;
}

double scn_float(const scenario *s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    const scn_key *key = access_value(s, "scn_float", SCN_FLOAT, SCN_INT, &v, fmt, ap);
    va_end(ap);
    return key->type == SCN_INT ? (double)v.i : v.f;
}

int scn_bool(const scenario *s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    access_value(s, "scn_bool", SCN_BOOL, SCN_BOOL, &v, fmt, ap);
    va_end(ap);
    return v.i != 0;
}

int64_t scn_duration_ns(const scenario *s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    access_value(s, "scn_duration_ns", SCN_DURATION, SCN_DURATION, &v, fmt, ap);
    va_end(ap);
    return v.i;
}

uint64_t scn_bytes(const scenario *s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    access_value(s, "scn_bytes", SCN_BYTES, SCN_BYTES, &v, fmt, ap);
    va_end(ap);
    return v.bytes;
}

int scn_bytes_name(const scenario *s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    access_value(s, "scn_bytes_name", SCN_BYTES, SCN_BYTES, &v, fmt, ap);
    va_end(ap);
    return v.i < 0 ? (int)(-1 - v.i) : -1;
}

double scn_mhz(const scenario *s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    access_value(s, "scn_mhz", SCN_MHZ, SCN_MHZ, &v, fmt, ap);
    va_end(ap);
    return v.f;
}

double scn_gbps(const scenario *s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    access_value(s, "scn_gbps", SCN_GBPS, SCN_GBPS, &v, fmt, ap);
    va_end(ap);
    return v.f;
}

double scn_watts(const scenario *s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    access_value(s, "scn_watts", SCN_WATTS, SCN_WATTS, &v, fmt, ap);
    va_end(ap);
    return v.f;
}

double scn_rate(const scenario *s, double per_s, const char *fmt, ...)
{
    scn_value v;
    va_list ap;
    va_start(ap, fmt);
    access_value(s, "scn_rate", SCN_RATE, SCN_RATE, &v, fmt, ap);
    va_end(ap);
    if (per_s == (double)v.rate_unit_s)
        return v.rate_number;
    return v.rate_number * per_s / (double)v.rate_unit_s;
}

const char *scn_string(const scenario *s, const char *fmt, ...)
{
    char path[PATH_MAX_LEN];
    const scn_key *key;
    va_list ap;
    va_start(ap, fmt);
    const config_setting_t *setting = resolve(s, "scn_string", path, fmt, ap, &key);
    va_end(ap);
    want_type("scn_string", path, key, SCN_STRING, SCN_ENUM);
    if (setting != NULL)
        return config_setting_get_string(setting);
    const char *d = s->default_strings[key - scn_keys];
    if (d == NULL)
        die("scn_string", path, "required key has no value");
    return d;
}

int scn_enum(const scenario *s, const char *fmt, ...)
{
    char path[PATH_MAX_LEN];
    const scn_key *key;
    va_list ap;
    va_start(ap, fmt);
    const config_setting_t *setting = resolve(s, "scn_enum", path, fmt, ap, &key);
    va_end(ap);
    want_type("scn_enum", path, key, SCN_ENUM, SCN_ENUM);
    if (key->flags & SCN_PLUGGABLE) /* plug-ins add names past the schema's list */
        die("scn_enum", path, "a policy key: read it with scn_string and look the name up in its registry");
    const char *value = setting != NULL ? config_setting_get_string(setting) : s->default_strings[key - scn_keys];
    int index = scn_enum_position(key, value);
    if (index < 0) /* the validator and the schema check make this unreachable */
        die("scn_enum", path, "value is not in the key's list");
    return index;
}

int scn_list_len(const scenario *s, const char *fmt, ...)
{
    char path[PATH_MAX_LEN];
    const scn_key *key;
    va_list ap;
    va_start(ap, fmt);
    const config_setting_t *setting = resolve(s, "scn_list_len", path, fmt, ap, &key);
    va_end(ap);
    want_type("scn_list_len", path, key, SCN_LIST, SCN_STRINGS);
    return setting == NULL ? 0 : config_setting_length(setting);
}

int scn_is_set(const scenario *s, const char *fmt, ...)
{
    char path[PATH_MAX_LEN];
    const scn_key *key;
    va_list ap;
    va_start(ap, fmt);
    const config_setting_t *setting = resolve(s, "scn_is_set", path, fmt, ap, &key);
    va_end(ap);
    return setting != NULL;
}

int scn_path(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = scn_vformat_path(buf, len, fmt, ap);
    va_end(ap);
    return n;
}

/* The setting at a concrete path, or NULL when it (or a parent) is absent. */
static const config_setting_t *lookup_path(const scenario *s, const char *path)
{
    const config_setting_t *cur = config_root_setting(&s->config);
    const char *p = path;
    while (*p != '\0' && cur != NULL) {
        size_t len = strcspn(p, ".");
        if (p[0] == '[') {
            long index = strtol(p + 1, NULL, 10);
            cur = config_setting_type(cur) == CONFIG_TYPE_LIST && index >= 0 && index < config_setting_length(cur)
                      ? config_setting_get_elem(cur, (unsigned)index)
                      : NULL;
        } else {
            char name[PATH_MAX_LEN];
            memcpy(name, p, len);
            name[len] = '\0';
            cur = config_setting_type(cur) == CONFIG_TYPE_GROUP ? config_setting_get_member(cur, name) : NULL;
        }
        p += len;
        if (*p == '.')
            p++;
    }
    return cur;
}

int scn_line(const scenario *s, const char *fmt, ...)
{
    char path[PATH_MAX_LEN];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= PATH_MAX_LEN)
        return 0;
    /* Walk up "a.[2].b.c" -> "a.[2].b" -> "a.[2]" -> "a" until a setting exists. */
    for (;;) {
        /* A setting an override wrote has no line: then 0, never its parent's. */
        const config_setting_t *setting = lookup_path(s, path);
        if (setting != NULL)
            return (int)config_setting_source_line(setting);
        char *dot = strrchr(path, '.');
        if (dot == NULL)
            return 0;
        *dot = '\0';
    }
}

const char *scn_where(const scenario *s, char *buf, size_t len, const char *fmt, ...)
{
    char path[PATH_MAX_LEN];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    int line = n >= 0 && n < PATH_MAX_LEN ? scn_line(s, "%s", path) : 0;
    if (line > 0)
        snprintf(buf, len, "%s:%d", s->name, line);
    else
        snprintf(buf, len, "%s", s->name);
    return buf;
}

int scn_list_find(const scenario *s, const char *list, const char *name)
{
    int n = scn_list_len(s, "%s", list);
    for (int i = 0; i < n; i++)
        if (strcmp(scn_string(s, "%s.[%d].name", list, i), name) == 0)
            return i;
    return -1;
}

void scn_vkey_error(const scenario *s, char *err, size_t err_len, int line, const char *key, const char *fmt,
                    va_list ap)
{
    char what[4400]; /* trace and file errors quote paths */
    vsnprintf(what, sizeof what, fmt, ap);
    if (line > 0)
        snprintf(err, err_len, "%s:%d: key '%s': %s", s->name, line, key, what);
    else
        snprintf(err, err_len, "%s: key '%s': %s", s->name, key, what);
}

int scn_key_error(const scenario *s, char *err, size_t err_len, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    scn_vkey_error(s, err, err_len, scn_line(s, "%s", key), key, fmt, ap);
    va_end(ap);
    return -2;
}

void scn_resolve_path(const scenario *s, const char *file, char *buf, size_t len)
{
    const char *slash = strrchr(s->name, '/');
    if (file[0] == '/' || !slash)
        snprintf(buf, len, "%s", file);
    else
        snprintf(buf, len, "%.*s/%s", (int)(slash - s->name), s->name, file);
    /* A trace that is not where the scenario says (a clone without the
     * traces next to it) is looked up under $VDCSIM_TRACES: the part of the
     * path after its last "traces/" is taken relative to that directory. */
    const char *root = getenv("VDCSIM_TRACES");
    struct stat st;
    if (!root || !root[0] || stat(buf, &st) == 0)
        return;
    const char *rest = NULL;
    for (const char *p = strstr(file, "traces/"); p; p = strstr(p + 1, "traces/"))
        if (p == file || p[-1] == '/')
            rest = p + strlen("traces/");
    if (!rest)
        rest = file[0] == '/' ? strrchr(file, '/') + 1 : file;
    char alt[4096];
    snprintf(alt, sizeof alt, "%s/%s", root, rest);
    if (stat(alt, &st) == 0)
        snprintf(buf, len, "%s", alt);
}

int scn_open_members(const scenario *s, const char *group, scn_member *out, int max)
{
    const scn_key *key = scn_schema_find_concrete(group);
    if (key == NULL || key->type != SCN_GROUP || !(key->flags & SCN_OPEN))
        die("scn_open_members", group, "not an open group of the scenario schema");
    const config_setting_t *g = lookup_path(s, group);
    if (g == NULL || config_setting_type(g) != CONFIG_TYPE_GROUP)
        return 0;
    int n = config_setting_length(g);
    for (int k = 0; k < n && k < max; k++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)k);
        scn_member *o = &out[k];
        memset(o, 0, sizeof *o);
        o->name = config_setting_name(m);
        switch (config_setting_type(m)) {
        case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64:
            o->kind = SCN_MEMBER_INT;
            o->i = config_setting_get_int64(m);
            o->f = (double)o->i;
            break;
        case CONFIG_TYPE_FLOAT:
            o->kind = SCN_MEMBER_FLOAT;
            o->f = config_setting_get_float(m);
            break;
        case CONFIG_TYPE_BOOL:
            o->kind = SCN_MEMBER_BOOL;
            o->i = config_setting_get_bool(m);
            break;
        case CONFIG_TYPE_STRING:
            o->kind = SCN_MEMBER_STRING;
            o->s = config_setting_get_string(m);
            break;
        default:
            o->kind = SCN_MEMBER_OTHER;
            break;
        }
    }
    return n;
}
