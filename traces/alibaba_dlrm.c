/* alibaba_dlrm.c - the Alibaba DLRM instance trace reader (see alibaba_dlrm.h). */
#include "traces/alibaba_dlrm.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "traces/alibaba_csv.h"

/* Known columns; the order is the index into adlrm_reader.col. */
static const char *const known[] = {"instance_sn",    "role",         "app_name",      "cpu_request",
                                    "gpu_request",    "rdma_request", "memory_request", "disk_request",
                                    "max_instance_per_node", "creation_time", "deletion_time", "scheduled_time"};
enum { C_NAME, C_ROLE, C_APP, C_CPU, C_GPU, C_RDMA, C_MEM, C_DISK, C_MAX_PER_NODE, C_CREATION, C_DELETION, C_SCHEDULED,
       N_KNOWN };
enum { N_REQUIRED = C_SCHEDULED };
_Static_assert(sizeof known / sizeof known[0] == N_KNOWN, "one name per column");
_Static_assert(N_KNOWN <= ADLRM_MAX_COLUMNS, "room for the known columns");

#define MAX_GIB 1e7          /* 10 PiB: beyond any instance */
#define MAX_SECONDS 1e9      /* 31 years from the trace start */

static void set_err(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

int adlrm_open(adlrm_reader *r, const char *path, char *err, size_t err_len)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    int n = acsv_open_header(path, &r->f, &r->line, ADLRM_MAX_COLUMNS, known, N_KNOWN, N_REQUIRED, r->col,
                             "the DLRM instance trace", err, err_len);
    if (n < 0)
        return -1;
    r->n_columns = n;
    return 0;
}

void adlrm_close(adlrm_reader *r)
{
    if (r->f)
        fclose(r->f);
    r->f = NULL;
}

typedef struct row {
    adlrm_reader *r;
    char *fields[ADLRM_MAX_COLUMNS + 1];
    char *err;
    size_t err_len;
} row;

static const char *field(const row *w, int k) { return w->r->col[k] >= 0 ? w->fields[w->r->col[k]] : ""; }

static int bad(row *w, int k, const char *what)
{
    set_err(w->err, w->err_len, "%s:%d: column '%s': '%.16s' %s", w->r->path, w->r->line, known[k], field(w, k),
            what);
    return -1;
}

/* An integer from lo to hi (no sign but lo's -1 written "-1"). */
static int int_field(row *w, int k, int64_t lo, int64_t hi, int64_t *out)
{
    const char *s = field(w, k);
    char what[96];
    snprintf(what, sizeof what, "is not an integer from %lld to %lld", (long long)lo, (long long)hi);
    int neg = s[0] == '-';
    const char *p = s + neg;
    if (*p == '\0')
        return bad(w, k, what);
    int64_t v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > hi + 1)
            return bad(w, k, what);
    }
    if (*p != '\0')
        return bad(w, k, what);
    v = neg ? -v : v;
    if (v < lo || v > hi)
        return bad(w, k, what);
    *out = v;
    return 0;
}

/* A plain decimal number ("120.0", "475.00000000000006", "1e3") from 0 to
 * max; empty or NaN -> -1 when absent_ok. */
static int decimal_field(row *w, int k, double max, int absent_ok, double *out)
{
    const char *s = field(w, k);
    char what[96];
    if (absent_ok && (s[0] == '\0' || strcmp(s, "NaN") == 0 || strcmp(s, "nan") == 0)) {
        *out = -1;
        return 0;
    }
    snprintf(what, sizeof what, "is not a decimal number from 0 to %.0f%s", max, absent_ok ? " (or empty)" : "");
    const char *p = s;
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (digits > 0 && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        int exp_digits = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            exp_digits++;
        if (exp_digits == 0 || exp_digits > 3)
            return bad(w, k, what);
    }
    if (digits == 0 || *p != '\0')
        return bad(w, k, what);
    double v = strtod(s, NULL);
    if (!isfinite(v) || v > max)
        return bad(w, k, what);
    *out = v;
    return 0;
}

static int str_field(row *w, int k, char *out, size_t len)
{
    const char *s = field(w, k);
    if (s[0] == '\0')
        return bad(w, k, "is empty (expected a name)");
    if (strlen(s) >= len) {
        char what[64];
        snprintf(what, sizeof what, "is longer than %zu bytes", len - 1);
        return bad(w, k, what);
    }
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

static int64_t seconds_to_ns(double s) { return s < 0 ? -1 : llround(s * 1e9); }

int adlrm_next(adlrm_reader *r, adlrm_instance *out, char *err, size_t err_len)
{
    char buf[ACSV_LINE_MAX_BYTES];
    row w = {.r = r, .err = err, .err_len = err_len};
    for (;;) {
        int rc = acsv_read_line(r->f, r->path, &r->line, buf, sizeof buf, err, err_len);
        if (rc <= 0)
            return rc;
        if (buf[0] != '\0')
            break; /* blank lines are skipped */
    }
    int n = acsv_split(buf, w.fields, ADLRM_MAX_COLUMNS);
    if (n != r->n_columns) {
        set_err(err, err_len, "%s:%d: %d fields (expected %d, as in the header)", r->path, r->line, n, r->n_columns);
        return -1;
    }
    memset(out, 0, sizeof *out);
    int64_t cpu, gpu, rdma, max_per_node;
    double mem, disk, creation, deletion, scheduled = -1;
    if (str_field(&w, C_NAME, out->name, sizeof out->name) != 0 || str_field(&w, C_APP, out->app, sizeof out->app))
        return -1;
    const char *role = field(&w, C_ROLE);
    if (strcmp(role, "CN") == 0)
        out->role = ADLRM_CN;
    else if (strcmp(role, "HN") == 0)
        out->role = ADLRM_HN;
    else
        return bad(&w, C_ROLE, "is not a role (expected CN or HN)");
    if (int_field(&w, C_CPU, 0, 100000, &cpu) || int_field(&w, C_GPU, 0, 64, &gpu) ||
        int_field(&w, C_RDMA, 0, 100, &rdma) || decimal_field(&w, C_MEM, MAX_GIB, 0, &mem) ||
        decimal_field(&w, C_DISK, MAX_GIB, 0, &disk) || int_field(&w, C_MAX_PER_NODE, -1, 100000, &max_per_node) ||
        decimal_field(&w, C_CREATION, MAX_SECONDS, 1, &creation) ||
        decimal_field(&w, C_DELETION, MAX_SECONDS, 1, &deletion) ||
        (r->col[C_SCHEDULED] >= 0 && decimal_field(&w, C_SCHEDULED, MAX_SECONDS, 1, &scheduled)))
        return -1;
    if (max_per_node == 0)
        return bad(&w, C_MAX_PER_NODE, "is not a limit (expected -1 for none or a positive count)");
    out->cpu = (int32_t)cpu;
    out->gpu = (int32_t)gpu;
    out->rdma_pct = (int32_t)rdma;
    out->memory_mib = llround(mem * 1024);
    out->disk_mib = llround(disk * 1024);
    out->max_per_node = (int32_t)max_per_node;
    out->creation_ns = seconds_to_ns(creation);
    out->deletion_ns = seconds_to_ns(deletion);
    out->scheduled_ns = seconds_to_ns(scheduled);
    if (out->deletion_ns >= 0 && out->deletion_ns < out->creation_ns)
        return bad(&w, C_DELETION, "is before the creation_time (expected a deletion at or after the creation)");
    return 1;
}
