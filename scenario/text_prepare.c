/* text_prepare.c - the pre-pass over a scenario's text (see text_prepare.h). */
#include "scenario/text_prepare.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == '*'; }

/* An integer literal at t[i] (the caller saw a digit not inside a name):
 * its length, and whether it needs an L (wider than 32 bits) or is beyond
 * int64. Returns 0 when the token is not a plain integer (a float, or it
 * already ends in L). */
static size_t int_literal(const char *t, size_t i, int negative, int *needs_l, int *huge)
{
    size_t j = i;
    int hex = t[j] == '0' && (t[j + 1] == 'x' || t[j + 1] == 'X');
    uint64_t v = 0;
    int overflow = 0;
    if (hex) {
        j += 2;
        if (!isxdigit((unsigned char)t[j]))
            return 0;
        for (; isxdigit((unsigned char)t[j]); j++) {
            int d = isdigit((unsigned char)t[j]) ? t[j] - '0' : (tolower((unsigned char)t[j]) - 'a' + 10);
            if (v > (UINT64_MAX >> 4))
                overflow = 1;
            v = (v << 4) | (uint64_t)d;
        }
    } else {
        for (; isdigit((unsigned char)t[j]); j++) {
            uint64_t d = (uint64_t)(t[j] - '0');
            if (v > (UINT64_MAX - d) / 10)
                overflow = 1;
            else
                v = v * 10 + d;
        }
    }
    char next = t[j];
    if (next == '.' || next == 'e' || next == 'E' || next == 'L' || isalnum((unsigned char)next) || next == '_')
        return 0; /* a float, an L literal already, or not a number */
    uint64_t int64_limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t int32_limit = negative ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX;
    /* libconfig reads hex as unsigned 64-bit when suffixed with L */
    *huge = overflow || (!hex && v > int64_limit);
    *needs_l = !*huge && v > int32_limit;
    return j - i;
}

/* Whether libconfig's grammar has a string after a token ending in prev:
 * a value after '=' or ':', an element after '[', '(' or ',' (a ',' in a
 * list or array: the scan writes one in a group or at the top level as ';'),
 * the next piece of a concatenation after '"', the path after @include ('@'). */
static int string_may_follow(char prev)
{
    return prev == '=' || prev == ':' || prev == '[' || prev == '(' || prev == ',' || prev == '"' || prev == '@';
}

/* libconfig's parser gives up at about 5000 nested lists ("memory
 * exhausted"), before any string deeper in is read: deeper brackets are
 * counted but not kept. */
#define MAX_NESTING 8192

/* The open brackets, innermost last. A ',' separates the elements of a list
 * '(' or an array '[', where a string may come next, but ends a setting in
 * a group '{' or at the top level, where a name comes next. */
typedef struct brackets {
    char open[MAX_NESTING];
    size_t depth;
} brackets;

static void track_bracket(brackets *b, char c)
{
    if (c == '{' || c == '(' || c == '[') {
        if (b->depth < MAX_NESTING)
            b->open[b->depth] = c;
        b->depth++;
    } else if ((c == '}' || c == ')' || c == ']') && b->depth > 0) {
        b->depth--; /* a mismatched one is libconfig's syntax error, before any later string */
    }
}

static int in_list(const brackets *b)
{
    return b->depth > MAX_NESTING || (b->depth > 0 && b->open[b->depth - 1] != '{');
}

/* Checks the path of `@include "path"` starting at t[i] (after @include). */
static int check_include(const char *t, size_t i, const char *name, int line, const char *include_dir, char *err,
                         size_t err_len)
{
    while (t[i] == ' ' || t[i] == '\t')
        i++;
    if (t[i] != '"')
        return 0; /* libconfig reports the syntax */
    const char *start = t + i + 1, *end = strchr(start, '"');
    if (!end)
        return 0;
    char path[4096];
    int n = start[0] == '/' || !include_dir
                ? snprintf(path, sizeof path, "%.*s", (int)(end - start), start)
                : snprintf(path, sizeof path, "%s%s%.*s", include_dir,
                           include_dir[strlen(include_dir) - 1] == '/' ? "" : "/", (int)(end - start), start);
    struct stat st;
    const char *why = NULL;
    if (n < 0 || (size_t)n >= sizeof path)
        why = "path too long";
    else if (stat(path, &st) != 0)
        why = "does not exist";
    else if (!S_ISREG(st.st_mode))
        why = S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file";
    else if (access(path, R_OK) != 0)
        why = "cannot be read";
    if (!why)
        return 0;
    snprintf(err, err_len, "%s:%d: @include \"%.*s\": %s (expected a scenario file)", name, line,
             (int)(end - start > 200 ? 200 : end - start), start, why);
    return -1;
}

/* Where an L goes: after text[at - 1]. */
typedef struct l_marks {
    size_t *at;
    size_t n, cap;
} l_marks;

static int mark_l(l_marks *m, size_t at)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        size_t *grown = realloc(m->at, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        m->at = grown;
        m->cap = cap;
    }
    m->at[m->n++] = at;
    return 0;
}

/* The text with an L inserted at each mark; NULL when out of memory. */
static char *with_l(const char *text, size_t len, const l_marks *m)
{
    char *out = malloc(len + m->n + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0, from = 0;
    for (size_t k = 0; k < m->n; k++) {
        memcpy(out + o, text + from, m->at[k] - from);
        o += m->at[k] - from;
        out[o++] = 'L';
        from = m->at[k];
    }
    memcpy(out + o, text + from, len - from + 1);
    return out;
}

const char *scn_text_prepare(const char *text, const char *name, const char *include_dir, int *has_huge,
                             char **copy, char *err, size_t err_len)
{
    *has_huge = 0;
    *copy = NULL;
    if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
        text += 3;
    size_t len = strlen(text);
    /* The scan only notes where an L goes: most texts need none and are
     * handed to libconfig as they are (copying them was 11 MB of page
     * faults for 100,000 VM groups, issue 13). */
    l_marks marks = {0};
    int line = 1;
    /* The last character of the last token (not blank, not a comment):
     * where a string may start. '@' stands for the word @include. */
    char prev = 0;
    brackets nesting = {.depth = 0};
    for (size_t i = 0; i < len;) {
        char c = text[i];
        if (c == '"' && !string_may_follow(prev)) {
            /* libconfig 1.5 leaks the string's buffer on a syntax error
             * whose token is that string (64 bytes: the ASan build then
             * exited 1, not 2), so every string out of place is reported
             * here. A quoted setting name is the common case. */
            size_t k = i + 1;
            while (k < len && text[k] != '"')
                k += text[k] == '\\' && k + 1 < len ? 2 : 1;
            k += k < len;
            while (k < len && (text[k] == ' ' || text[k] == '\t'))
                k++;
            if (k < len && (text[k] == '=' || text[k] == ':'))
                snprintf(err, err_len, "%s:%d: syntax error: a setting name cannot be a quoted string", name, line);
            else
                snprintf(err, err_len, "%s:%d: syntax error: unexpected string (a string is a value, after '=', ':', "
                         "'[', '(' or ',' in a list)", name, line);
            free(marks.at);
            return NULL;
        }
        if (c == '\n') {
            line++;
            i++;
        } else if (c == '"') { /* a string, with backslash escapes */
            int opened = line;
            i++;
            while (i < len && text[i] != '"') {
                if (text[i] == '\\' && i + 1 < len)
                    i++;
                if (text[i] == '\n')
                    line++;
                i++;
            }
            if (i == len) { /* libconfig leaks the buffer of a string cut by the end */
                snprintf(err, err_len, "%s:%d: unterminated string", name, opened);
                free(marks.at);
                return NULL;
            }
            i++;
            prev = '"';
        } else if (c == '#' || (c == '/' && text[i + 1] == '/')) { /* to the end of the line */
            while (i < len && text[i] != '\n')
                i++;
        } else if (c == '/' && text[i + 1] == '*') {
            int opened = line;
            const char *close = strstr(text + i + 2, "*/");
            if (!close) {
                snprintf(err, err_len, "%s:%d: unterminated block comment \"/*\" (the rest of the file would be ignored)", name,
                         opened);
                free(marks.at);
                return NULL;
            }
            size_t stop = (size_t)(close - text) + 2;
            for (; i < stop; i++) {
                if (text[i] == '\n')
                    line++;
            }
        } else if (c == '@' && strncmp(text + i, "@include", 8) == 0) {
            if (check_include(text, i + 8, name, line, include_dir, err, err_len) != 0) {
                free(marks.at);
                return NULL;
            }
            i += 8;
            prev = '@';
        } else if (isdigit((unsigned char)c)) {
            /* A literal starts after a separator, or after a '-' sign that
             * itself follows one; otherwise the digit is part of a name. */
            int negative = i > 0 && text[i - 1] == '-';
            int in_name = i > 0 && ident_char(text[i - 1]) && (!negative || (i > 1 && ident_char(text[i - 2])));
            int needs_l = 0, huge = 0;
            size_t n = in_name ? 0 : int_literal(text, i, negative, &needs_l, &huge);
            if (n == 0) {
                while (i < len && (isalnum((unsigned char)text[i]) || text[i] == '.' || text[i] == '_' ||
                                   ((text[i] == '-' || text[i] == '+') && (text[i - 1] == 'e' || text[i - 1] == 'E'))))
                    i++;
                prev = '0';
                continue;
            }
            prev = '0';
            i += n;
            if (needs_l && mark_l(&marks, i) != 0) {
                snprintf(err, err_len, "%s: out of memory", name);
                free(marks.at);
                return NULL;
            }
            *has_huge |= huge;
        } else {
            track_bracket(&nesting, c);
            if (!isspace((unsigned char)c))
                prev = c == ',' && !in_list(&nesting) ? ';' : c;
            i++;
        }
    }
    if (marks.n == 0)
        return text;
    *copy = with_l(text, len, &marks);
    free(marks.at);
    if (*copy == NULL)
        snprintf(err, err_len, "%s: out of memory", name);
    return *copy;
}
