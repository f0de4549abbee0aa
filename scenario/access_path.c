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
    do {
        digits[k++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v > 0);
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
            size_t run = 1;
            while (f[run] != '\0' && f[run] != '%')
                run++;
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

#define CACHE_SLOTS 128
#define CACHE_FMT_LEN 96

typedef struct cached_format {
    const char *fmt;             /* address of the format, NULL = empty */
    char text[CACHE_FMT_LEN];    /* its text when it was cached */
    const scn_key *key;          /* its row (NULL: none) */
    int index_only;              /* the row does not depend on the arguments */
} cached_format;

static _Thread_local cached_format cache[CACHE_SLOTS];

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
        *key = scn_schema_find_concrete(path);
        return 0;
    }
    *key = scn_schema_find_concrete(path);
    if (strlen(fmt) < CACHE_FMT_LEN) {
        c->fmt = fmt;
        strcpy(c->text, fmt);
        c->index_only = index_only(fmt) && !negative;
        c->key = *key;
    }
    return 0;
}
