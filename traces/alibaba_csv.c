/* alibaba_csv.c - shared CSV line reading of the Alibaba trace readers (see alibaba_csv.h). */
#include "traces/alibaba_csv.h"

#include <errno.h>
#include <string.h>

int acsv_read_line(FILE *f, const char *path, int *line, char *buf, size_t len, char *err, size_t err_len)
{
    if (fgets(buf, (int)len, f) == NULL) {
        if (ferror(f)) {
            snprintf(err, err_len, "%s:%d: read error: %s", path, *line + 1, strerror(errno ? errno : EIO));
            return -1;
        }
        return 0;
    }
    (*line)++;
    size_t n = strlen(buf);
    if (n == len - 1 && buf[n - 1] != '\n' && !feof(f)) {
        snprintf(err, err_len, "%s:%d: line longer than %zu bytes (expected a CSV row of the trace)", path, *line,
                 len - 1);
        return -1;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return 1;
}

int acsv_split(char *buf, char **fields, int max)
{
    int n = 0;
    char *p = buf;
    for (;;) {
        if (n <= max)
            fields[n] = p;
        n++;
        char *comma = strchr(p, ',');
        if (comma == NULL)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}
