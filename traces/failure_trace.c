/* failure_trace.c - read the LANL failure CSV into failure records.
 *
 * See failure_trace.h for the contract. The parser reads one physical line
 * at a time, splits it into fields (RFC 4180 quoting inside a line; a quoted
 * field may not span lines), checks the column count, then converts and
 * validates the columns it uses. The first error stops the load.
 */
#include "traces/failure_trace.h"

#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LANL_COLUMN_COUNT 26

enum {
    COL_SYSTEM = 0,
    COL_NODES = 2,
    COL_PROCSTOT = 3,
    COL_PROCSINNODE = 4,
    COL_NODENUM = 5,
    COL_NODENUMZ = 6,
    COL_PROB_STARTED = 16,
    COL_PROB_FIXED = 17,
    COL_DOWN_TIME = 18,
    COL_FIRST_CAUSE = 19, /* Facilities .. Software are 19..24 */
    COL_SAME_EVENT = 25
};

static const char *const lanl_column_names[LANL_COLUMN_COUNT] = {
    "System",       "machine type", "nodes",       "procstot",    "procsinnode",
    "nodenum",      "nodenumz",     "node install", "node prod",  "node decom",
    "fru type",     "mem",          "cputype",     "memtype",     "num intercon",
    "purpose",      "Prob Started", "Prob Fixed",  "Down Time",   "Facilities",
    "Hardware",     "Human Error",  "Network",     "Undetermined", "Software",
    "Same Event"};

/* One split line: fields point into a private copy of the line. */
typedef struct {
    char *text;
    size_t text_capacity;
    char *fields[LANL_COLUMN_COUNT + 1];
    int field_count; /* may exceed LANL_COLUMN_COUNT; only the first are kept */
} csv_row;

typedef struct {
    const char *path;
    int line;
    char *err;
    size_t err_len;
} parse_context;

static void set_error(const parse_context *ctx, const char *column, const char *fmt, ...)
{
    if (ctx->err == NULL || ctx->err_len == 0)
        return;
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(ctx->err, ctx->err_len, "%s:%d: column '%s': %s", ctx->path, ctx->line, column,
             what);
}

/* Splits line (without its newline) into row. Returns 0, or -1 with
 * *bad_column set to the index of a field whose quote is unterminated or
 * followed by text, or -2 on OOM. */
static int csv_split(const char *line, size_t line_len, csv_row *row, int *bad_column)
{
    if (row->text_capacity < line_len + 1) {
        char *grown = realloc(row->text, line_len + 1);
        if (grown == NULL)
            return -2;
        row->text = grown;
        row->text_capacity = line_len + 1;
    }
    char *out = row->text;
    size_t i = 0;
    row->field_count = 0;
    for (;;) {
        char *field = out;
        if (i < line_len && line[i] == '"') {
            i++;
            for (;;) {
                if (i >= line_len) {
                    *bad_column = row->field_count;
                    return -1;
                }
                if (line[i] == '"') {
                    if (i + 1 < line_len && line[i + 1] == '"') {
                        *out++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                *out++ = line[i++];
            }
            if (i < line_len && line[i] != ',') {
                *bad_column = row->field_count;
                return -1;
            }
        } else {
            while (i < line_len && line[i] != ',')
                *out++ = line[i++];
        }
        *out++ = '\0';
        if (row->field_count <= LANL_COLUMN_COUNT)
            row->fields[row->field_count] = field;
        row->field_count++;
        if (i >= line_len)
            return 0;
        i++; /* the comma */
    }
}

/* Trims leading and trailing blanks in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Parses a non-negative decimal integer no larger than max. Blank is
 * allowed when blank_value >= -1 is wanted; pass allow_blank = 0 to refuse. */
static int parse_count(const parse_context *ctx, int column, const char *text, int allow_blank,
                       long long max, long long *value)
{
    const char *name = lanl_column_names[column];
    if (text[0] == '\0') {
        if (allow_blank) {
            *value = -1;
            return 0;
        }
        set_error(ctx, name, "missing value");
        return -1;
    }
    if (text[0] == '-' && text[1] != '\0') {
        int all_digits = 1;
        for (const char *p = text + 1; *p; p++)
            all_digits &= isdigit((unsigned char)*p) != 0;
        if (all_digits) {
            set_error(ctx, name, "negative value '%s'", text);
            return -1;
        }
    }
    long long v = 0;
    for (const char *p = text; *p; p++) {
        if (!isdigit((unsigned char)*p)) {
            set_error(ctx, name, "not a non-negative integer: '%s'", text);
            return -1;
        }
        if (v > (max - (*p - '0')) / 10) {
            set_error(ctx, name, "value '%s' is larger than %lld", text, max);
            return -1;
        }
        v = v * 10 + (*p - '0');
    }
    *value = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* Reads 1..max_digits digits; returns the number of characters used, 0 if none. */
static int read_digits(const char *s, int max_digits, int *value)
{
    int n = 0, v = 0;
    while (n < max_digits && isdigit((unsigned char)s[n])) {
        v = v * 10 + (s[n] - '0');
        n++;
    }
    *value = v;
    return n;
}

/* Parses "m/d/YYYY H:MM" (24-hour clock) into wall-clock ns since 1970. */
static int parse_stamp(const parse_context *ctx, int column, const char *text, sim_time_ns *out)
{
    const char *name = lanl_column_names[column];
    int month, day, year, hour, minute, n;
    const char *p = text;
    if (text[0] == '\0') {
        set_error(ctx, name, "missing date");
        return -1;
    }
    if ((n = read_digits(p, 2, &month)) == 0 || p[n] != '/')
        goto bad_format;
    p += n + 1;
    if ((n = read_digits(p, 2, &day)) == 0 || p[n] != '/')
        goto bad_format;
    p += n + 1;
    if ((n = read_digits(p, 4, &year)) != 4 || p[n] != ' ')
        goto bad_format;
    p += n + 1;
    if ((n = read_digits(p, 2, &hour)) == 0 || p[n] != ':')
        goto bad_format;
    p += n + 1;
    if ((n = read_digits(p, 2, &minute)) != 2 || p[n] != '\0')
        goto bad_format;
    if (month < 1 || month > 12) {
        set_error(ctx, name, "month %d out of range in '%s'", month, text);
        return -1;
    }
    if (year < 1900 || year > 2100) {
        set_error(ctx, name, "year %d out of range 1900-2100 in '%s'", year, text);
        return -1;
    }
    if (day < 1 || day > days_in_month(year, month)) {
        set_error(ctx, name, "day %d out of range in '%s'", day, text);
        return -1;
    }
    if (hour > 23 || minute > 59) {
        set_error(ctx, name, "time of day out of range in '%s'", text);
        return -1;
    }
    int64_t minutes = days_from_civil(year, month, day) * 1440 + hour * 60 + minute;
    *out = minutes * SIM_NS_PER_MIN;
    return 0;
bad_format:
    set_error(ctx, name, "bad date '%s', expected m/d/YYYY H:MM", text);
    return -1;
}

static int check_header(const parse_context *ctx, csv_row *row)
{
    if (row->field_count != LANL_COLUMN_COUNT) {
        set_error(ctx, "(header)", "expected %d columns, found %d", LANL_COLUMN_COUNT,
                  row->field_count);
        return -1;
    }
    for (int c = 0; c < LANL_COLUMN_COUNT; c++) {
        if (strcmp(trim(row->fields[c]), lanl_column_names[c]) != 0) {
            set_error(ctx, lanl_column_names[c], "header names '%s' in its place",
                      row->fields[c]);
            return -1;
        }
    }
    return 0;
}

static int parse_record(const parse_context *ctx, csv_row *row, failure_record *rec,
                        int *down_time_mismatch)
{
    if (row->field_count < LANL_COLUMN_COUNT) {
        set_error(ctx, lanl_column_names[row->field_count],
                  "missing; row has %d columns, expected %d", row->field_count,
                  LANL_COLUMN_COUNT);
        return -1;
    }
    if (row->field_count > LANL_COLUMN_COUNT) {
        char extra[24];
        snprintf(extra, sizeof extra, "#%d", LANL_COLUMN_COUNT + 1);
        set_error(ctx, extra, "unexpected; row has %d columns, expected %d", row->field_count,
                  LANL_COLUMN_COUNT);
        return -1;
    }
    char *f[LANL_COLUMN_COUNT];
    for (int c = 0; c < LANL_COLUMN_COUNT; c++)
        f[c] = trim(row->fields[c]);

    long long system, nodes, ignored, node, down_time;
    if (parse_count(ctx, COL_SYSTEM, f[COL_SYSTEM], 0, INT_MAX, &system) != 0 ||
        parse_count(ctx, COL_NODES, f[COL_NODES], 1, INT_MAX, &nodes) != 0 ||
        parse_count(ctx, COL_PROCSTOT, f[COL_PROCSTOT], 1, INT_MAX, &ignored) != 0 ||
        parse_count(ctx, COL_PROCSINNODE, f[COL_PROCSINNODE], 1, INT_MAX, &ignored) != 0 ||
        parse_count(ctx, COL_NODENUM, f[COL_NODENUM], 1, INT_MAX, &ignored) != 0 ||
        parse_count(ctx, COL_NODENUMZ, f[COL_NODENUMZ], 1, INT_MAX, &node) != 0)
        return -1;
    if (nodes == 0) {
        set_error(ctx, lanl_column_names[COL_NODES], "a system has at least one node");
        return -1;
    }
    /* nodenumz is not checked against nodes: systems grew during their life
     * and node numbers are kept as given. */

    sim_time_ns start_ns, end_ns;
    if (parse_stamp(ctx, COL_PROB_STARTED, f[COL_PROB_STARTED], &start_ns) != 0 ||
        parse_stamp(ctx, COL_PROB_FIXED, f[COL_PROB_FIXED], &end_ns) != 0)
        return -1;
    if (end_ns < start_ns) {
        set_error(ctx, lanl_column_names[COL_PROB_FIXED], "'%s' is before Prob Started '%s'",
                  f[COL_PROB_FIXED], f[COL_PROB_STARTED]);
        return -1;
    }
    /* Ten years in minutes bounds any repair in a trace of ten years. */
    if (parse_count(ctx, COL_DOWN_TIME, f[COL_DOWN_TIME], 0, INT64_C(10) * 366 * 1440,
                    &down_time) != 0)
        return -1;

    failure_cause cause = FAILURE_CAUSE_NONE;
    const char *detail = "";
    for (int c = 0; c < FAILURE_CAUSE_COUNT - 1; c++) {
        const char *text = f[COL_FIRST_CAUSE + c];
        if (text[0] == '\0')
            continue;
        if (cause != FAILURE_CAUSE_NONE) {
            set_error(ctx, lanl_column_names[COL_FIRST_CAUSE + c],
                      "second root cause '%s'; only one cause column may be filled", text);
            return -1;
        }
        cause = (failure_cause)(FAILURE_CAUSE_FACILITIES + c);
        detail = text;
    }

    memset(rec, 0, sizeof *rec);
    rec->system_id = (int)system;
    rec->system_nodes = (int)nodes;
    rec->node_id = (int)node;
    rec->start_ns = start_ns;
    rec->end_ns = end_ns;
    rec->down_time_min = down_time;
    rec->cause = cause;
    snprintf(rec->cause_detail, sizeof rec->cause_detail, "%s", detail);
    rec->source_line = ctx->line;
    int64_t stamp_minutes = (end_ns - start_ns) / SIM_NS_PER_MIN;
    int64_t diff = stamp_minutes - down_time;
    *down_time_mismatch = diff > 1 || diff < -1;
    return 0;
}

void failure_trace_free(failure_trace *trace)
{
    if (trace == NULL)
        return;
    free(trace->records);
    trace->records = NULL;
    trace->count = 0;
    trace->down_time_mismatch_rows = 0;
}

int failure_trace_load_lanl(const char *path, failure_trace *trace, char *err, size_t err_len)
{
    parse_context ctx = {path ? path : "(null)", 0, err, err_len};
    if (err != NULL && err_len > 0)
        err[0] = '\0';
    if (trace == NULL || path == NULL) {
        set_error(&ctx, "(file)", "no trace or path given");
        return -1;
    }
    memset(trace, 0, sizeof *trace);

    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        set_error(&ctx, "(file)", "cannot open: %s", strerror(errno));
        return -1;
    }
    /* A device or FIFO (/dev/zero) would be read without end, or block. */
    struct stat st;
    if (fstat(fileno(file), &st) != 0 || !S_ISREG(st.st_mode)) {
        set_error(&ctx, "(file)", "not a regular file");
        fclose(file);
        return -1;
    }

    csv_row row = {0};
    char *line = NULL;
    size_t line_capacity = 0;
    size_t capacity = 0;
    int status = 0;
    int saw_header = 0;

    for (;;) {
        errno = 0;
        ssize_t got = getline(&line, &line_capacity, file);
        if (got < 0) {
            /* -1 also means a line did not fit in memory (ENOMEM, no
             * error flag set): only feof is the end of the data. */
            if (ferror(file) || !feof(file)) {
                set_error(&ctx, "(file)", "read error: %s", strerror(errno));
                status = -1;
            }
            break;
        }
        ctx.line++;
        size_t len = (size_t)got;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (len > 0 && line[len - 1] == '\r')
            len--;
        if (memchr(line, '\0', len) != NULL) {
            set_error(&ctx, "(line)", "contains a NUL byte");
            status = -1;
            break;
        }
        if (saw_header && len == 0)
            continue; /* blank lines between or after rows carry nothing */

        const char *text = line;
        if (!saw_header && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            text += 3; /* a UTF-8 byte-order mark, as spreadsheets write */
            len -= 3;
        }
        int bad_column = 0;
        int split = csv_split(text, len, &row, &bad_column);
        if (split == -2) {
            set_error(&ctx, "(line)", "out of memory");
            status = -1;
            break;
        }
        if (split == -1) {
            set_error(&ctx,
                      bad_column < LANL_COLUMN_COUNT ? lanl_column_names[bad_column] : "(extra)",
                      "unterminated quote or text after a closing quote");
            status = -1;
            break;
        }
        if (!saw_header) {
            if (check_header(&ctx, &row) != 0) {
                status = -1;
                break;
            }
            saw_header = 1;
            continue;
        }

        if (trace->count == capacity) {
            size_t grown_capacity = capacity ? capacity * 2 : 1024;
            failure_record *grown = realloc(trace->records, grown_capacity * sizeof *grown);
            if (grown == NULL) {
                set_error(&ctx, "(line)", "out of memory");
                status = -1;
                break;
            }
            trace->records = grown;
            capacity = grown_capacity;
        }
        int mismatch = 0;
        if (parse_record(&ctx, &row, &trace->records[trace->count], &mismatch) != 0) {
            status = -1;
            break;
        }
        trace->count++;
        trace->down_time_mismatch_rows += (size_t)mismatch;
    }

    if (status == 0 && !saw_header) {
        ctx.line = 1;
        set_error(&ctx, "(header)", "file is empty, expected a header line");
        status = -1;
    }
    free(line);
    free(row.text);
    fclose(file);
    if (status != 0)
        failure_trace_free(trace);
    return status;
}

const char *failure_cause_name(failure_cause cause)
{
    static const char *const names[FAILURE_CAUSE_COUNT] = {
        "none", "Facilities", "Hardware", "Human Error", "Network", "Undetermined", "Software"};
    if ((int)cause < 0 || cause >= FAILURE_CAUSE_COUNT)
        return "?";
    return names[cause];
}

static int compare_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int compare_time(const void *a, const void *b)
{
    sim_time_ns x = *(const sim_time_ns *)a, y = *(const sim_time_ns *)b;
    return (x > y) - (x < y);
}

int failure_trace_system_ids(const failure_trace *trace, int **ids_out, size_t *count_out)
{
    *ids_out = NULL;
    *count_out = 0;
    if (trace == NULL || trace->count == 0)
        return 0;
    int *ids = malloc(trace->count * sizeof *ids);
    if (ids == NULL)
        return -1;
    for (size_t i = 0; i < trace->count; i++)
        ids[i] = trace->records[i].system_id;
    qsort(ids, trace->count, sizeof *ids, compare_int);
    size_t distinct = 0;
    for (size_t i = 0; i < trace->count; i++)
        if (distinct == 0 || ids[distinct - 1] != ids[i])
            ids[distinct++] = ids[i];
    *ids_out = ids;
    *count_out = distinct;
    return 0;
}

int failure_trace_system_event_starts(const failure_trace *trace, int system_id,
                                      int64_t group_window_s, sim_time_ns **starts_out,
                                      size_t *count_out)
{
    *starts_out = NULL;
    *count_out = 0;
    if (trace == NULL)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < trace->count; i++)
        n += trace->records[i].system_id == system_id;
    if (n == 0)
        return 0;
    sim_time_ns *starts = malloc(n * sizeof *starts);
    if (starts == NULL)
        return -1;
    n = 0;
    for (size_t i = 0; i < trace->count; i++)
        if (trace->records[i].system_id == system_id)
            starts[n++] = trace->records[i].start_ns;
    qsort(starts, n, sizeof *starts, compare_time);

    if (group_window_s < 0)
        group_window_s = 0;
    /* Cap the window at ten years so the product cannot overflow. */
    if (group_window_s > INT64_C(10) * 366 * 86400)
        group_window_s = INT64_C(10) * 366 * 86400;
    sim_time_ns window_ns = group_window_s * SIM_NS_PER_S;
    size_t events = 0;
    sim_time_ns group_first = 0;
    for (size_t i = 0; i < n; i++) {
        if (events == 0 || starts[i] - group_first > window_ns) {
            group_first = starts[i];
            starts[events++] = starts[i];
        }
    }
    *starts_out = starts;
    *count_out = events;
    return 0;
}

typedef struct {
    int node_id;
    sim_time_ns start_ns;
} node_start;

static int compare_node_start(const void *a, const void *b)
{
    const node_start *x = a, *y = b;
    if (x->node_id != y->node_id)
        return (x->node_id > y->node_id) - (x->node_id < y->node_id);
    return (x->start_ns > y->start_ns) - (x->start_ns < y->start_ns);
}

int failure_trace_node_gaps_h(const failure_trace *trace, int system_id, double **gaps_h_out,
                              size_t *count_out)
{
    *gaps_h_out = NULL;
    *count_out = 0;
    if (trace == NULL)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < trace->count; i++)
        n += trace->records[i].system_id == system_id && trace->records[i].node_id >= 0;
    if (n < 2)
        return 0;
    node_start *starts = malloc(n * sizeof *starts);
    double *gaps = malloc(n * sizeof *gaps);
    if (starts == NULL || gaps == NULL) {
        free(starts);
        free(gaps);
        return -1;
    }
    n = 0;
    for (size_t i = 0; i < trace->count; i++) {
        const failure_record *r = &trace->records[i];
        if (r->system_id == system_id && r->node_id >= 0) {
            starts[n].node_id = r->node_id;
            starts[n].start_ns = r->start_ns;
            n++;
        }
    }
    qsort(starts, n, sizeof *starts, compare_node_start);
    size_t gap_count = 0;
    for (size_t i = 1; i < n; i++) {
        if (starts[i].node_id != starts[i - 1].node_id)
            continue;
        sim_time_ns gap_ns = starts[i].start_ns - starts[i - 1].start_ns;
        if (gap_ns > 0)
            gaps[gap_count++] = (double)gap_ns / (double)SIM_NS_PER_HOUR;
    }
    free(starts);
    if (gap_count == 0) {
        free(gaps);
        gaps = NULL;
    }
    *gaps_h_out = gaps;
    *count_out = gap_count;
    return 0;
}
