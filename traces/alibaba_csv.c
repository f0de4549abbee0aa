/* alibaba_csv.c - shared CSV line reading of the Alibaba trace readers (see alibaba_csv.h). */
#include "traces/alibaba_csv.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

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

int acsv_open_header(const char *path, FILE **f, int *line, int max_columns, const char *const *known, int n_known,
                     int required, int *col, const char *expected, char *err, size_t err_len)
{
    *line = 0;
    *f = fopen(path, "r");
    if (*f == NULL) {
        snprintf(err, err_len, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    /* A device (/dev/zero) would be read without end, as in the other
     * trace readers (issue 13, defect 11). */
    struct stat st;
    if (fstat(fileno(*f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "%s: not a regular file (expected a CSV file of the trace)", path);
        fclose(*f);
        *f = NULL;
        return -1;
    }
    char buf[ACSV_LINE_MAX_BYTES], *fields[ACSV_MAX_COLUMNS + 1];
    if (max_columns > ACSV_MAX_COLUMNS)
        max_columns = ACSV_MAX_COLUMNS;
    int rc = acsv_read_line(*f, path, line, buf, sizeof buf, err, err_len);
    int n = rc > 0 ? acsv_split(buf, fields, max_columns) : 0;
    if (rc == 0)
        snprintf(err, err_len, "%s:1: empty file (expected a header line naming the columns)", path);
    else if (rc > 0 && n > max_columns)
        snprintf(err, err_len, "%s:1: %d columns in the header (expected at most %d)", path, n, max_columns);
    for (int k = 0; rc > 0 && n <= max_columns && k < n_known; k++) {
        col[k] = -1;
        for (int i = 0; i < n; i++)
            if (strcmp(fields[i], known[k]) == 0)
                col[k] = i;
        if (k < required && col[k] < 0) {
            snprintf(err, err_len, "%s:1: column '%s': missing from the header (expected %s)", path, known[k],
                     expected);
            rc = -1;
        }
    }
    if (rc <= 0 || n > max_columns) {
        fclose(*f);
        *f = NULL;
        return -1;
    }
    return n;
}
