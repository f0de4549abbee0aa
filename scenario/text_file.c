/* text_file.c - see text_file.h. */
#include "scenario/text_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void fail(char *err, size_t err_len, const char *path, const char *reason, const char *what)
{
    if (err && err_len > 0)
        snprintf(err, err_len, "%s: cannot read: %s%s%s%s", path, reason, what ? " (expected " : "", what ? what : "",
                 what ? ")" : "");
}

char *scn_read_text_file(const char *path, const char *what, size_t max_bytes, size_t *len, char *err,
                         size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, err_len, path, strerror(errno), NULL);
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fail(err, err_len, path, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file", what);
        fclose(f);
        return NULL;
    }
    /* Sized from the file at once (doubling copied and faulted its pages
     * in again); it still grows if the file does, up to max_bytes. */
    size_t cap = 4096, n = 0;
    if (st.st_size >= (off_t)cap && (uintmax_t)st.st_size < SIZE_MAX / 2)
        cap = (size_t)st.st_size + 2;
    char *buf = malloc(cap);
    int too_big = 0;
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (max_bytes > 0 && n > max_bytes) {
            too_big = 1;
            break;
        }
        if (got == 0)
            break;
        if (n + 1 == cap) {
            char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int failed = !buf || ferror(f);
    fclose(f);
    if (failed || too_big) {
        char reason[64];
        if (too_big)
            snprintf(reason, sizeof reason, "larger than %zu MiB", max_bytes >> 20);
        fail(err, err_len, path, too_big ? reason : !buf ? "out of memory" : "read error", NULL);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        fail(err, err_len, path, "contains a NUL byte", "a text file");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}
