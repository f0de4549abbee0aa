/* access_path.c - accessor paths formatted and looked up (see access_path.h). */
#include "scenario/access_path.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Appends the decimal digits of v (negative when neg) at path[*n]; 0, or -1
 * when it does not fit. */
static int put_number(char *path, size_t len, size_t *n, unsigned long long v, int neg)
{
    char digits[24];
    int k = 0;
    /* 32-bit steps when they suffice (list indexes always do). */
    for (; v > UINT32_MAX; v /= 10)
        digits[k++] = (char)('0' + (int)(v % 10));
    uint32_t w = (uint32_t)v;
    do {
        digits[k++] = (char)('0' + (int)(w % 10));
        w /= 10;
    } while (w > 0);
    if (*n + (size_t)k + (size_t)neg >= len)
        return -1;
    if (neg)
        path[(*n)++] = '-';
    while (k > 0)
        path[(*n)++] = digits[--k];
    return 0;
}

/* The fast formatter: the length written, -1 when it does not fit, -2 for
 * a conversion it does not handle (the caller uses vsnprintf then). Sets
 * *negative when an integer argument was negative. */
static int format_path(char *path, size_t len, const char *fmt, va_list ap, int *negative)
{
    size_t n = 0;
    *negative = 0;
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            /* A run of literal text at once: one check, one copy. */
            const char *next = strchr(f, '%');
            size_t run = next != NULL ? (size_t)(next - f) : strlen(f);
            if (n + run >= len)
                return -1;
            memcpy(path + n, f, run);
            n += run;
            f += run - 1;
            continue;
        }
        f++;
        int longs = 0, size_t_arg = 0;
        while (*f == 'l' && longs < 2) {
            longs++;
            f++;
        }
        if (longs == 0 && *f == 'z') {
            size_t_arg = 1;
            f++;
        }
        long long sv = 0;
        unsigned long long uv = 0;
        switch (*f) {
        case '%':
            if (longs || size_t_arg || n + 1 >= len)
                return longs || size_t_arg ? -2 : -1;
            path[n++] = '%';
            continue;
        case 's': {
            if (longs || size_t_arg)
                return -2;
            const char *s = va_arg(ap, const char *);
            if (s == NULL)
                return -2; /* vsnprintf writes "(null)" */
            size_t sl = strlen(s);
            if (n + sl >= len)
                return -1;
            memcpy(path + n, s, sl);
            n += sl;
            continue;
        }
        case 'd':
            if (size_t_arg)
                return -2;
            sv = longs == 2 ? va_arg(ap, long long) : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
            *negative |= sv < 0;
            uv = sv < 0 ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
            if (put_number(path, len, &n, uv, sv < 0) != 0)
                return -1;
            continue;
        case 'u':
            uv = size_t_arg ? va_arg(ap, size_t)
                 : longs == 2 ? va_arg(ap, unsigned long long)
                 : longs == 1 ? va_arg(ap, unsigned long)
                              : va_arg(ap, unsigned);
            if (put_number(path, len, &n, uv, 0) != 0)
                return -1;
            continue;
        default:
            return -2;
        }
    }
    if (n >= len)
        return -1;
    path[n] = '\0';
    return (int)n;
}

/* 1 when every conversion of fmt is "[%d]" or "[%u]" (any length
 * modifier): its schema row does not depend on the arguments. */
static int index_only(const char *fmt)
{
    for (const char *f = strchr(fmt, '%'); f != NULL; f = strchr(f, '%')) {
        if (f == fmt || f[-1] != '[')
            return 0;
        f++;
        while (*f == 'l' || *f == 'z')
            f++;
        if ((*f != 'd' && *f != 'u') || f[1] != ']')
            return 0;
    }
    return 1;
}

/* 1 when fmt is "%s" followed by text without conversions ("%s.mean"):
 * its row depends only on the schema form of the string argument. */
static int prefix_only(const char *fmt) { return fmt[0] == '%' && fmt[1] == 's' && strchr(fmt + 2, '%') == NULL; }

/* 1 when a and b differ at most in the digits of list indexes ("[3]"
 * against "[12]"), so that a path starting with either has the same schema
 * form and row (scn_schema_path_of). An index's digits are skipped only
 * when both have some; anything else must be equal. */
static int same_shape(const char *a, const char *b)
{
    for (;;) {
        if (*a != *b)
            return 0;
        if (*a == '\0')
            return 1;
        int bracket = *a == '[';
        a++;
        b++;
        if (bracket && *a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            while (*a >= '0' && *a <= '9')
                a++;
            while (*b >= '0' && *b <= '9')
                b++;
        }
    }
}

#define CACHE_SLOTS 128
#define CACHE_FMT_LEN 96
#define CACHE_ARG_LEN 128

typedef struct cached_format {
    const char *fmt;             /* address of the format, NULL = empty */
    char text[CACHE_FMT_LEN];    /* its text when it was cached */
    const scn_key *key;          /* its row (NULL: none) */
    int index_only;              /* the row does not depend on the arguments */
    int prefix_only;             /* "%s..." (prefix_only()): the row is that of `arg`'s shape */
    char arg[CACHE_ARG_LEN];     /* prefix_only: the string argument `key` was found for, "" = none */
} cached_format;

static _Thread_local cached_format cache[CACHE_SLOTS];

/* Keeps arg (when it fits) as the prefix whose shape gives the row key. */
static void remember_arg(cached_format *c, const char *arg, const scn_key *key)
{
    size_t n = arg != NULL ? strlen(arg) : 0;
    if (n == 0 || n >= CACHE_ARG_LEN) {
        c->arg[0] = '\0';
        return;
    }
    memcpy(c->arg, arg, n + 1);
    c->key = key;
}

int scn_vformat_path(char *buf, size_t len, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int negative = 0;
    int n = len > 0 ? format_path(buf, len, fmt, copy, &negative) : -1;
    va_end(copy);
    /* vsnprintf for what format_path does not handle, and for its
     * truncation and return value when the text does not fit. */
    return n >= 0 ? n : vsnprintf(buf, len, fmt, ap);
}

int scn_access_path(char *path, size_t len, const char *fmt, va_list ap, const scn_key **key)
{
    va_list copy;
    va_copy(copy, ap);
    int negative = 0;
    int n = format_path(path, len, fmt, copy, &negative);
    va_end(copy);
    if (n == -2)
        n = vsnprintf(path, len, fmt, ap);
    if (n < 0 || (size_t)n >= len)
        return -1;
    cached_format *c = &cache[((uintptr_t)fmt >> 3) % CACHE_SLOTS];
    if (c->fmt == fmt && strcmp(c->text, fmt) == 0) {
        if (c->index_only && !negative) {
            *key = c->key;
            return 0;
        }
        if (c->prefix_only) {
            /* Only the first argument, the prefix, matters. */
            va_copy(copy, ap);
            const char *arg = va_arg(copy, const char *);
            va_end(copy);
            if (arg != NULL && c->arg[0] != '\0' && same_shape(c->arg, arg)) {
                *key = c->key;
                return 0;
            }
            *key = scn_schema_find_concrete(path);
            remember_arg(c, arg, *key);
            return 0;
        }
        *key = scn_schema_find_concrete(path);
        return 0;
    }
    *key = scn_schema_find_concrete(path);
    if (strlen(fmt) < CACHE_FMT_LEN) {
        c->fmt = fmt;
        strcpy(c->text, fmt);
        c->index_only = index_only(fmt) && !negative;
        c->prefix_only = prefix_only(fmt);
        c->arg[0] = '\0';
        if (c->prefix_only) {
            va_copy(copy, ap);
            remember_arg(c, va_arg(copy, const char *), *key);
            va_end(copy);
        }
        c->key = *key;
    }
    return 0;
}
