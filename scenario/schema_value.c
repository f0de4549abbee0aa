/* schema_value.c - parse and range-check one value of a schema key. */
#include "scenario/schema_value.h"
#include "scenario/units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int enum_has(const char *values, const char *s);

/* The position of s among an SCN_INT or SCN_BYTES key's names, or -1. */
static int int_name_index(const scn_key *key, const char *s)
{
    if ((key->type != SCN_INT && key->type != SCN_BYTES) || !key->enum_values)
        return -1;
    size_t len = strlen(s);
    int k = 0;
    for (const char *p = key->enum_values; *p != '\0'; k++) {
        size_t n = strcspn(p, "|");
        if (n == len && strncmp(p, s, n) == 0)
            return k;
        p += n;
        if (*p == '|')
            p++;
    }
    return -1;
}

int scn_type_is_text(scn_type type)
{
    switch (type) {
    case SCN_STRING: case SCN_ENUM: case SCN_DURATION: case SCN_BYTES:
    case SCN_MHZ: case SCN_GBPS: case SCN_WATTS: case SCN_RATE:
        return 1;
    default:
        return 0;
    }
}

int scn_value_from_text(const scn_key *key, const char *text, scn_value *v, char *why,
                        size_t why_len)
{
    v->s = text;
    switch (key->type) {
    case SCN_STRING: case SCN_ENUM:
        return 0;
    case SCN_INT: {
        int k = int_name_index(key, text);
        if (k < 0) {
            snprintf(why, why_len, "'%.60s' is not one of this integer's names (%s)", text,
                     key->enum_values ? key->enum_values : "none");
            return -1;
        }
        v->i = -1 - k; /* the names read as -1, -2, ... */
        return 0;
    }
    case SCN_DURATION: return units_parse_duration_ns(text, &v->i, why, why_len);
    case SCN_BYTES: {
        int k = int_name_index(key, text); /* a name such as "table" */
        if (k >= 0) {
            v->i = -1 - k;
            v->bytes = 0;
            return 0;
        }
        v->i = 0;
        return units_parse_bytes(text, &v->bytes, why, why_len);
    }
    case SCN_MHZ: return units_parse_mhz(text, &v->f, why, why_len);
    case SCN_GBPS: return units_parse_gbps(text, &v->f, why, why_len);
    case SCN_WATTS: return units_parse_watts(text, &v->f, why, why_len);
    case SCN_RATE:
        if (units_parse_rate_parts(text, &v->rate_number, &v->rate_unit_s, why, why_len) != 0)
            return -1;
        v->f = v->rate_number / (double)v->rate_unit_s;
        return 0;
    default:
        snprintf(why, why_len, "a %s is not written as a string", scn_type_name(key->type));
        return -1;
    }
}

int scn_value_from_default(const scn_key *key, scn_value *v, char *why, size_t why_len)
{
    memset(v, 0, sizeof *v);
    const char *d = key->default_text;
    if (d == NULL || key->type == SCN_GROUP || key->type == SCN_LIST || key->type == SCN_ARRAY ||
        key->type == SCN_STRINGS) {
        snprintf(why, why_len, "has no default value");
        return -1;
    }
    char *end = NULL;
    switch (key->type) {
    case SCN_INT:
        if (d[0] == '"' && key->enum_values) { /* a name: "unbounded" */
            size_t len = strlen(d);
            if (len < 2 || d[len - 1] != '"' || len - 2 >= sizeof v->storage)
                break;
            memcpy(v->storage, d + 1, len - 2);
            v->storage[len - 2] = '\0';
            return scn_value_from_text(key, v->storage, v, why, why_len);
        }
        errno = 0;
        v->i = strtoll(d, &end, 10);
        if (errno != 0 || end == d || *end != '\0')
            break;
        return 0;
    case SCN_FLOAT:
        v->f = strtod(d, &end);
        if (end == d || *end != '\0')
            break;
        return 0;
    case SCN_BOOL:
        if (strcmp(d, "true") != 0 && strcmp(d, "false") != 0)
            break;
        v->i = strcmp(d, "true") == 0;
        return 0;
    default: {
        size_t len = strlen(d);
        if (len < 2 || d[0] != '"' || d[len - 1] != '"' || len - 2 >= sizeof v->storage)
            break;
        memcpy(v->storage, d + 1, len - 2);
        v->storage[len - 2] = '\0';
        return scn_value_from_text(key, v->storage, v, why, why_len);
    }
    }
    snprintf(why, why_len, "default %s is not a valid %s", d, scn_type_name(key->type));
    return -1;
}

static int enum_has(const char *values, const char *s)
{
    size_t len = strlen(s);
    const char *p = values;
    while (*p != '\0') {
        size_t n = strcspn(p, "|");
        if (n == len && strncmp(p, s, n) == 0)
            return 1;
        p += n;
        if (*p == '|')
            p++;
    }
    return 0;
}

/* Writes "<what> (expected <what the key accepts>)" into why; returns -1.
 * The description is made only for a value that fails: made for every
 * value, it was a tenth of `check` on 100,000 VM groups (issue 13). */
static int refuse(const scn_key *key, char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(const scn_key *key, char *why, size_t why_len, const char *fmt, ...)
{
    char what[256], expected[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    scn_describe_expected(key, expected, sizeof expected);
    snprintf(why, why_len, "%s (expected %s)", what, expected);
    return -1;
}

int scn_value_check(const scn_key *key, const scn_value *v, char *why, size_t why_len)
{
    double x;
    switch (key->type) {
    case SCN_INT:
        if (v->s != NULL && int_name_index(key, v->s) >= 0)
            return 0; /* a name, not a number */
        /* Bounds in the table are small integers or INFINITY, so comparing
         * in double is exact where it matters. */
        if ((double)v->i < key->min || (double)v->i > key->max)
            return refuse(key, why, why_len, "%lld is out of range", (long long)v->i);
        return 0;
    case SCN_FLOAT:
        if (!(v->f >= key->min && v->f <= key->max))
            return refuse(key, why, why_len, "%g is out of range", v->f);
        return 0;
    case SCN_BOOL: case SCN_GROUP: case SCN_LIST: case SCN_ARRAY: case SCN_STRINGS:
        return 0;
    case SCN_STRING: {
        size_t len = strlen(v->s);
        if ((double)len < key->min || (double)len > key->max)
            return refuse(key, why, why_len, "\"%.40s%s\" is too %s", v->s, len > 40 ? "..." : "",
                          (double)len < key->min ? "short" : "long");
        return 0;
    }
    case SCN_ENUM:
        if (!enum_has(key->enum_values, v->s) && !scn_enum_added(key, v->s))
            return refuse(key, why, why_len, "'%.60s' is not a valid value", v->s);
        return 0;
    case SCN_DURATION: x = (double)v->i; break;
    case SCN_BYTES: x = (double)v->bytes; break;
    default: x = v->f; break;
    }
    if (!(x >= key->min && x <= key->max))
        return refuse(key, why, why_len, "\"%.60s\" is out of range", v->s);
    return 0;
}
