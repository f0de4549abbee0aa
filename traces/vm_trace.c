/* trace.c - utilisation trace readers (see trace.h). */
#include "traces/vm_trace.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>

enum { PLANETLAB_STEP_S = 300, BITBRAINS_COLUMNS = 11 };

static const char *const bitbrains_header[BITBRAINS_COLUMNS] = {
    "Timestamp [ms]",
    "CPU cores",
    "CPU capacity provisioned [MHZ]",
    "CPU usage [MHZ]",
    "CPU usage [%]",
    "Memory capacity provisioned [KB]",
    "Memory usage [KB]",
    "Disk read throughput [KB/s]",
    "Disk write throughput [KB/s]",
    "Network received throughput [KB/s]",
    "Network transmitted throughput [KB/s]",
};

/* The largest value each column may hold (docs/workloads.md): timestamps
 * before year 2100, at most 4096 cores, 10^7 MHz, 10^4 %, 2^40 KB of memory,
 * 10^9 KB/s of disk or network. They keep inf, 1e39 and 1e308 out (those
 * overflow the float samples or the sums made from them). */
static const double bitbrains_max[BITBRAINS_COLUMNS] = {
    4102444800.0, 4096.0, 1e7, 1e7, 1e4, 1099511627776.0, 1099511627776.0, 1e9, 1e9, 1e9, 1e9,
};

/* KB/s (1 KB = 1024 bytes) to Gbps */
static const double KBPS_TO_GBPS = 1024.0 * 8.0 / 1e9;

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* Quotes at most `max` bytes of [s, e) for a message, escaping control
 * and non-ASCII bytes as \xHH: a message may quote a malformed field, never
 * a file's content at length (a key file given by mistake) nor raw bytes
 * that a terminal would interpret. */
static const char *quote(const char *s, const char *e, size_t max, char *buf, size_t len)
{
    size_t o = 0;
    for (size_t k = 0; s + k < e && o + 8 < len; k++) {
        unsigned char c = (unsigned char)s[k];
        if (k == max) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'')
            o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
        else
            buf[o++] = (char)c;
    }
    buf[o] = '\0';
    return buf;
}

#define QUOTE_MAX 16

/* Samples being read: bitbrains' raw times (Unix seconds) and values, or
 * planetlab's percents (one byte each: a day of 1,000 VMs is 288 KB). */
typedef struct sample_buf {
    int64_t *time;
    float *cpu, *memory, *network;
    uint8_t *percent;
    uint64_t n, cap;
} sample_buf;

static int buf_push_percent(sample_buf *b, uint8_t percent)
{
    if (b->n == b->cap) {
        uint64_t cap = b->cap ? b->cap * 2 : 1024;
        uint8_t *p = realloc(b->percent, cap);
        if (!p)
            return -1;
        b->percent = p;
        b->cap = cap;
    }
    b->percent[b->n++] = percent;
    return 0;
}

static int buf_push(sample_buf *b, int64_t t, float cpu, float memory, float network)
{
    if (b->n == b->cap) {
        uint64_t cap = b->cap ? b->cap * 2 : 1024;
        int64_t *time = realloc(b->time, cap * sizeof *time);
        if (time)
            b->time = time;
        float *c = realloc(b->cpu, cap * sizeof *c);
        if (c)
            b->cpu = c;
        float *m = realloc(b->memory, cap * sizeof *m);
        if (m)
            b->memory = m;
        float *w = realloc(b->network, cap * sizeof *w);
        if (w)
            b->network = w;
        if (!time || !c || !m || !w)
            return -1;
        b->cap = cap;
    }
    b->time[b->n] = t;
    b->cpu[b->n] = cpu;
    b->memory[b->n] = memory;
    b->network[b->n] = network;
    b->n++;
    return 0;
}

static void buf_free(sample_buf *b)
{
    free(b->time);
    free(b->cpu);
    free(b->memory);
    free(b->network);
    free(b->percent);
    memset(b, 0, sizeof *b);
}

/* A whole number in [lo, hi] filling field [s, e) (surrounding blanks allowed). */
static int parse_number(const char *s, const char *e, double *out)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    if (s == e || (size_t)(e - s) >= 64)
        return -1;
    char text[64];
    memcpy(text, s, (size_t)(e - s));
    text[e - s] = '\0';
    /* Plain decimal only: strtod would also take "inf", "nan", "0x10". */
    for (const char *c = text; *c; c++)
        if (!isdigit((unsigned char)*c) && *c != '.' && *c != '-' && *c != '+' && *c != 'e' && *c != 'E')
            return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Only digits (PlanetLab: one integer per line, no sign, exponent or
 * embedded NUL). */
static int all_digits(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    if (s == e)
        return 0;
    for (; s < e; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int read_planetlab(FILE *f, const char *path, sample_buf *b, char *err, size_t err_len)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, rc = 0;
    errno = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        double v;
        const char *s = line;
        size_t column = 1;
        while (column - 1 < len && (s[column - 1] == ' ' || s[column - 1] == '\t'))
            column++;
        /* Digits only, so the value is a whole number (no cast of a huge
         * value to an integer: fuzz_planetlab found that undefined). */
        if (!all_digits(line, line + len) || parse_number(line, line + len, &v) != 0) {
            char q[128];
            set_err(err, err_len, "%s:%d:%zu: '%s' is not a CPU utilisation (expected an integer percent from 0 to 100)",
                    path, lineno, column, quote(line, line + len, QUOTE_MAX, q, sizeof q));
            rc = -1;
            break;
        }
        if (v < 0 || v > 100) {
            set_err(err, err_len, "%s:%d:%zu: %.0f is out of range (expected an integer percent from 0 to 100)", path,
                    lineno, column, v);
            rc = -1;
            break;
        }
        /* a sample's time, (line - 1) x 300 s, must fit the int32 seconds of
         * a trace's times (and the pass length in ns an int64) */
        if (lineno - 1 > INT32_MAX / PLANETLAB_STEP_S) {
            set_err(err, err_len, "%s:%d: more than %d lines (68 years of 5-minute samples)", path, lineno,
                    INT32_MAX / PLANETLAB_STEP_S + 1);
            rc = -1;
            break;
        }
        if (buf_push_percent(b, (uint8_t)v) != 0) {
            set_err(err, err_len, "%s: out of memory", path);
            rc = -1;
            break;
        }
    }
    /* getline returns -1 at the end of the file, on a read error and when
     * a line does not fit in memory (ENOMEM, without setting the stream's
     * error flag): only the first is the end of the data. */
    if (rc == 0 && (ferror(f) || !feof(f))) {
        set_err(err, err_len, "%s:%d: read error: %s", path, lineno + 1, strerror(errno ? errno : EIO));
        rc = -1;
    }
    free(line);
    if (rc == 0 && lineno == 0) {
        set_err(err, err_len, "%s:1:1: no samples (expected one integer percent per line)", path);
        rc = -1;
    }
    return rc;
}

/* The 1-based column of a field's first non-blank byte. */
static size_t field_column(const char *line, const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    return (size_t)(s - line) + 1;
}

/* Splits a bitbrains line into fields at ';'. */
static int split_fields(const char *line, size_t len, const char **start, const char **end, int max)
{
    int n = 0;
    const char *p = line, *stop = line + len;
    for (;;) {
        const char *q = memchr(p, ';', (size_t)(stop - p));
        if (n < max) {
            start[n] = p;
            end[n] = q ? q : stop;
        }
        n++;
        if (!q)
            break;
        p = q + 1;
    }
    return n;
}

static int read_bitbrains(FILE *f, const char *path, trace_duplicates dup, sample_buf *b, char *err, size_t err_len)
{
    uint32_t merged = 0; /* rows merged into the last sample (trace.duplicates = average) */
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, rc = 0;
    const char *fs[BITBRAINS_COLUMNS + 1], *fe[BITBRAINS_COLUMNS + 1];
    int64_t last_t = INT64_MIN;
    errno = 0;
    while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        int n = split_fields(line, len, fs, fe, BITBRAINS_COLUMNS + 1);
        if (n != BITBRAINS_COLUMNS) {
            size_t column = n > BITBRAINS_COLUMNS ? (size_t)(fs[BITBRAINS_COLUMNS] - line) + 1 : len + 1;
            set_err(err, err_len, "%s:%d:%zu: %d fields (expected %d separated by ';')", path, lineno, column, n,
                    BITBRAINS_COLUMNS);
            rc = -1;
            break;
        }
        if (lineno == 1) {
            for (int k = 0; k < BITBRAINS_COLUMNS; k++) {
                const char *s = fs[k], *e = fe[k];
                while (s < e && (*s == ' ' || *s == '\t'))
                    s++;
                while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
                    e--;
                if ((size_t)(e - s) != strlen(bitbrains_header[k]) ||
                    strncmp(s, bitbrains_header[k], (size_t)(e - s)) != 0) {
                    char q[128];
                    set_err(err, err_len, "%s:1:%zu: header field '%s' (expected '%s')", path,
                            (size_t)(s - line) + 1, quote(s, e, QUOTE_MAX, q, sizeof q), bitbrains_header[k]);
                    rc = -1;
                    break;
                }
            }
            continue;
        }
        double v[BITBRAINS_COLUMNS];
        for (int k = 0; k < BITBRAINS_COLUMNS; k++) {
            if (parse_number(fs[k], fe[k], &v[k]) != 0 || v[k] < 0 || v[k] > bitbrains_max[k]) {
                size_t column = field_column(line, fs[k], fe[k]);
                const char *text = line + column - 1;
                char q[128];
                set_err(err, err_len, "%s:%d:%zu: column '%s': '%s' is not a number from 0 to %g", path, lineno,
                        column, bitbrains_header[k], quote(text, fe[k], QUOTE_MAX, q, sizeof q), bitbrains_max[k]);
                rc = -1;
                break;
            }
        }
        if (rc != 0)
            break;
        int64_t t = (int64_t)v[0];
        if ((double)t != v[0]) {
            set_err(err, err_len, "%s:%d:1: column '%s': %.17g is not a whole number of seconds", path, lineno,
                    bitbrains_header[0], v[0]);
            rc = -1;
            break;
        }
        double memory = v[5] > 0 ? v[6] / v[5] : 0.0;
        double network = (v[9] + v[10]) * KBPS_TO_GBPS;
        if (t == last_t && dup != TRACE_DUPLICATES_ERROR) {
            /* a repeated timestamp: its row replaces the sample, or joins
             * the running mean of the rows with that timestamp */
            uint64_t k = b->n - 1;
            double w = dup == TRACE_DUPLICATES_AVERAGE ? 1.0 / (double)(++merged + 1) : 1.0;
            b->cpu[k] = (float)((double)b->cpu[k] + w * (v[3] - (double)b->cpu[k]));
            b->memory[k] = (float)((double)b->memory[k] + w * (memory - (double)b->memory[k]));
            b->network[k] = (float)((double)b->network[k] + w * (network - (double)b->network[k]));
            continue;
        }
        if (t <= last_t) {
            set_err(err, err_len, "%s:%d:1: column '%s': %lld is %s the previous row's %lld (timestamps must increase; "
                                  "trace.duplicates can keep the last or average repeated ones)",
                    path, lineno, bitbrains_header[0], (long long)t, t == last_t ? "equal to" : "before",
                    (long long)last_t);
            rc = -1;
            break;
        }
        last_t = t;
        merged = 0;
        if (buf_push(b, t, (float)v[3], (float)memory, (float)network) != 0) {
            set_err(err, err_len, "%s: out of memory", path);
            rc = -1;
        }
    }
    /* getline returns -1 at the end of the file, on a read error and when
     * a line does not fit in memory (ENOMEM, without setting the stream's
     * error flag): only the first is the end of the data. */
    if (rc == 0 && (ferror(f) || !feof(f))) {
        set_err(err, err_len, "%s:%d: read error: %s", path, lineno + 1, strerror(errno ? errno : EIO));
        rc = -1;
    }
    free(line);
    if (rc == 0 && lineno < 2) {
        set_err(err, err_len, "%s:%d:1: no samples (expected a header line and one row per 5 minutes)", path,
                lineno + 1);
        rc = -1;
    }
    return rc;
}

static int read_file(const char *path, trace_format format, trace_duplicates dup, sample_buf *b, char *err,
                     size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        set_err(err, err_len, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    /* A device or FIFO would be read without end (/dev/zero) or block. */
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        set_err(err, err_len, "%s: not a regular file", path);
        fclose(f);
        return -1;
    }
    int rc = format == TRACE_PLANETLAB ? read_planetlab(f, path, b, err, err_len)
                                       : read_bitbrains(f, path, dup, b, err, err_len);
    fclose(f);
    return rc;
}

/* Natural order: runs of digits compare as numbers. */
static int natural_cmp(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            size_t la = 0, lb = 0;
            while (isdigit((unsigned char)a[la]))
                la++;
            while (isdigit((unsigned char)b[lb]))
                lb++;
            if (la != lb)
                return la < lb ? -1 : 1;
            int c = strncmp(a, b, la);
            if (c != 0)
                return c;
            a += la;
            b += lb;
        } else {
            if (*a != *b)
                return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    return *a ? 1 : *b ? -1 : strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* NULL when dir/name is a VM file to use; otherwise why it is skipped
 * ("" for a hidden dot-file, skipped without a word). */
static const char *skip_reason(const char *dir, const char *name, trace_format format)
{
    if (name[0] == '.')
        return "";
    size_t len = strlen(name);
    if (format == TRACE_BITBRAINS && (len < 5 || strcmp(name + len - 4, ".csv") != 0))
        return len >= 5 && strcasecmp(name + len - 4, ".csv") == 0 ? "its extension is not lower-case .csv"
                                                                    : "not a .csv file";
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return "path too long";
    struct stat st, lst;
    if (stat(path, &st) != 0) {
        if (errno == ELOOP)
            return "symbolic link loop";
        if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
            return "dangling symbolic link";
        return "cannot be examined";
    }
    if (!S_ISREG(st.st_mode))
        return S_ISDIR(st.st_mode) ? "a directory" : "not a regular file";
    if (access(path, R_OK) != 0)
        return "cannot be read";
    return NULL;
}

/* The sorted file names of a trace directory; returns the count or -1.
 * Every skipped entry but dot-files is reported on stderr when `report`
 * (skipping shifts which file each VM replays); a directory with no usable
 * file is an error. */
static long list_dir(const char *dir, trace_format format, int report, char ***names_out, char *err,
                     size_t err_len)
{
    DIR *d = opendir(dir);
    if (!d) {
        set_err(err, err_len, "%s: cannot open the trace directory: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    long n = 0, cap = 0, skipped = 0;
    int failed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *why = skip_reason(dir, e->d_name, format);
        if (why) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            skipped++;
            if (report && why[0]) {
                char q[256];
                fprintf(stderr, "vdcsim: warning: %s/%s skipped: %s\n", dir,
                        quote(e->d_name, e->d_name + strlen(e->d_name), 64, q, sizeof q), why);
            }
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            char **grown = realloc(names, (size_t)cap * sizeof *grown);
            if (!grown) {
                failed = 1;
                break;
            }
            names = grown;
        }
        if (!(names[n] = strdup(e->d_name))) {
            failed = 1;
            break;
        }
        n++;
    }
    closedir(d);
    if (failed || n == 0) {
        if (failed)
            set_err(err, err_len, "%s: out of memory listing the trace directory", dir);
        else
            set_err(err, err_len, "%s: no usable %s VM files (%ld entries skipped%s)", dir,
                    format == TRACE_BITBRAINS ? "*.csv" : "trace", skipped,
                    format == TRACE_BITBRAINS ? "; a Bitbrains download must be extracted first" : "");
        for (long i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return -1;
    }
    qsort(names, (size_t)n, sizeof *names, natural_cmp);
    *names_out = names;
    return n;
}

static void free_names(char **names, long n)
{
    for (long i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

long trace_count_vms(const char *dir, trace_format format, char *err, size_t err_len)
{
    char **names = NULL;
    long n = list_dir(dir, format, 1, &names, err, err_len);
    if (n >= 0)
        free_names(names, n);
    return n;
}

/* The buffer's array cut to its n samples (the buffer grows by doubling). */
static void *shrunk(void *p, uint64_t n, size_t size)
{
    void *q = realloc(p, (size_t)(n ? n : 1) * size);
    return q ? q : p;
}

/* Moves the samples into the table: planetlab's percents as they are,
 * bitbrains' times relative to the earliest one. */
static int finish_table(sample_buf *b, trace_format format, trace_table *out, char *err, size_t err_len)
{
    out->n_samples = b->n;
    out->format = format;
    if (format == TRACE_PLANETLAB) {
        out->cpu_percent = shrunk(b->percent, b->n, 1);
        b->percent = NULL;
        out->step_s = PLANETLAB_STEP_S;
        return 0;
    }
    int64_t t0 = 0;
    if (format == TRACE_BITBRAINS && b->n > 0) {
        t0 = b->time[0];
        for (uint64_t k = 0; k < b->n; k++)
            t0 = b->time[k] < t0 ? b->time[k] : t0;
    }
    out->time_s = malloc((b->n ? b->n : 1) * sizeof *out->time_s);
    if (!out->time_s) {
        set_err(err, err_len, "trace: out of memory");
        return -1;
    }
    for (uint64_t k = 0; k < b->n; k++) {
        int64_t t = b->time[k] - t0;
        if (t > INT32_MAX) {
            set_err(err, err_len, "trace: spans more than 68 years");
            return -1;
        }
        out->time_s[k] = (int32_t)t;
    }
    out->cpu = shrunk(b->cpu, b->n, sizeof *b->cpu);
    out->memory = shrunk(b->memory, b->n, sizeof *b->memory);
    out->network = shrunk(b->network, b->n, sizeof *b->network);
    b->cpu = b->memory = b->network = NULL;
    return 0;
}

int trace_load(const char *dir, trace_format format, uint32_t first, uint32_t count, trace_table *out,
               char *err, size_t err_len)
{
    return trace_load_dup(dir, format, TRACE_DUPLICATES_ERROR, first, count, out, err, err_len);
}

int trace_load_dup(const char *dir, trace_format format, trace_duplicates dup, uint32_t first, uint32_t count,
                   trace_table *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    char **names = NULL;
    long n = list_dir(dir, format, 0, &names, err, err_len);
    if (n < 0)
        return -1;
    if ((uint64_t)first + count > (uint64_t)n) {
        set_err(err, err_len, "%s: holds %ld VM files, fewer than the %u asked for from file %u", dir, n, count,
                first);
        free_names(names, n);
        return -1;
    }
    sample_buf b = {0};
    out->names = calloc(count ? count : 1, sizeof *out->names);
    out->offset = calloc((size_t)count + 1, sizeof *out->offset);
    int rc = out->names && out->offset ? 0 : -1;
    if (rc != 0)
        set_err(err, err_len, "%s: out of memory", dir);
    char path[4096];
    for (uint32_t i = 0; rc == 0 && i < count; i++) {
        out->offset[i] = (uint32_t)b.n;
        out->names[i] = names[first + i];
        names[first + i] = NULL;
        out->n_vms = i + 1;
        snprintf(path, sizeof path, "%s/%s", dir, out->names[i]);
        rc = read_file(path, format, dup, &b, err, err_len);
        if (rc == 0 && b.n > UINT32_MAX) {
            set_err(err, err_len, "%s: more than 2^32 samples", dir);
            rc = -1;
        }
    }
    if (rc == 0) {
        out->offset[count] = (uint32_t)b.n;
        rc = finish_table(&b, format, out, err, err_len);
    }
    buf_free(&b);
    free_names(names, n);
    if (rc != 0)
        trace_free(out);
    return rc;
}

int trace_load_file(const char *path, trace_format format, trace_table *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    sample_buf b = {0};
    out->names = calloc(1, sizeof *out->names);
    out->offset = calloc(2, sizeof *out->offset);
    int rc = out->names && out->offset && (out->names[0] = strdup(path)) ? 0 : -1;
    if (rc != 0)
        set_err(err, err_len, "%s: out of memory", path);
    out->n_vms = 1;
    if (rc == 0)
        rc = read_file(path, format, TRACE_DUPLICATES_ERROR, &b, err, err_len);
    if (rc == 0) {
        out->offset[1] = (uint32_t)b.n;
        rc = finish_table(&b, format, out, err, err_len);
    }
    buf_free(&b);
    if (rc != 0)
        trace_free(out);
    return rc;
}

int trace_has(const trace_table *t, trace_resource r)
{
    return r == TRACE_CPU || t->format == TRACE_BITBRAINS;
}

demand_series trace_series(const trace_table *t, uint32_t vm, trace_resource r)
{
    demand_series s = {0};
    if (vm >= t->n_vms || !trace_has(t, r))
        return s;
    s.n = t->offset[vm + 1] - t->offset[vm];
    if (t->format == TRACE_PLANETLAB) {
        s.whole = t->cpu_percent + t->offset[vm];
        s.step_s = t->step_s;
        return s;
    }
    const float *values = r == TRACE_CPU ? t->cpu : r == TRACE_MEMORY ? t->memory : t->network;
    s.time_s = t->time_s + t->offset[vm];
    s.value = values + t->offset[vm];
    return s;
}

void trace_free(trace_table *t)
{
    if (t->names)
        for (uint32_t i = 0; i < t->n_vms; i++)
            free(t->names[i]);
    free(t->names);
    free(t->offset);
    free(t->time_s);
    free(t->cpu);
    free(t->memory);
    free(t->network);
    free(t->cpu_percent);
    memset(t, 0, sizeof *t);
}
