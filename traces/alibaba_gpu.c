/* alibaba_gpu.c - the Alibaba GPU trace v2023 reader (see alibaba_gpu.h). */
#include "traces/alibaba_gpu.h"

#include "traces/alibaba_csv.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define LINE_MAX_BYTES ACSV_LINE_MAX_BYTES

/* Known columns, by kind; the order is the index into agpu_reader.col. */
static const char *const node_columns[] = {"sn", "cpu_milli", "memory_mib", "gpu", "model"};
enum { N_NODE_REQUIRED = 5 };
static const char *const pod_columns[] = {"name",     "cpu_milli", "memory_mib",    "num_gpu",       "gpu_milli",
                                          "gpu_spec", "qos",       "pod_phase",     "creation_time", "deletion_time",
                                          "scheduled_time"};
enum { N_POD_REQUIRED = 5 };
enum { P_NAME, P_CPU, P_MEM, P_NUM_GPU, P_GPU_MILLI, P_SPEC, P_QOS, P_PHASE, P_CREATION, P_DELETION, P_SCHEDULED };

static void set_err(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

static const char *const *columns_of(agpu_kind k, int *n, int *required)
{
    if (k == AGPU_NODES) {
        *n = (int)(sizeof node_columns / sizeof node_columns[0]);
        *required = N_NODE_REQUIRED;
        return node_columns;
    }
    *n = (int)(sizeof pod_columns / sizeof pod_columns[0]);
    *required = N_POD_REQUIRED;
    return pod_columns;
}

int agpu_open(agpu_reader *r, const char *path, agpu_kind kind, char *err, size_t err_len)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    r->kind = kind;
    int n_known, required;
    const char *const *known = columns_of(kind, &n_known, &required);
    int n = acsv_open_header(path, &r->f, &r->line, AGPU_MAX_COLUMNS, known, n_known, required, r->col,
                             kind == AGPU_NODES ? "an openb node list" : "an openb pod list", err, err_len);
    if (n < 0)
        return -1;
    r->n_columns = n;
    return 0;
}

void agpu_close(agpu_reader *r)
{
    if (r->f)
        fclose(r->f);
    r->f = NULL;
}

typedef struct row {
    agpu_reader *r;
    char *fields[AGPU_MAX_COLUMNS + 1];
    char *err;
    size_t err_len;
} row;

/* Reads and splits the next non-empty row; 1, 0 at the end, -1. */
static int next_row(row *w, char *buf, size_t len)
{
    agpu_reader *r = w->r;
    for (;;) {
        int rc = acsv_read_line(r->f, r->path, &r->line, buf, len, w->err, w->err_len);
        if (rc <= 0)
            return rc;
        if (buf[0] == '\0')
            continue; /* a blank line (the files end with one newline) */
        int n = acsv_split(buf, w->fields, AGPU_MAX_COLUMNS);
        if (n != r->n_columns) {
            set_err(w->err, w->err_len, "%s:%d: %d fields (expected %d, as in the header)", r->path, r->line, n,
                    r->n_columns);
            return -1;
        }
        return 1;
    }
}

static const char *column_name(const agpu_reader *r, int k)
{
    int n, req;
    return columns_of(r->kind, &n, &req)[k];
}

/* Known column k as a non-negative integer <= max; absent or empty -> dflt
 * when allowed (dflt >= -1 and optional), else an error. */
static int int_field(row *w, int k, int64_t max, int64_t dflt, int64_t *out)
{
    agpu_reader *r = w->r;
    const char *s = r->col[k] >= 0 ? w->fields[r->col[k]] : NULL;
    if (s == NULL || s[0] == '\0') {
        if (dflt != INT64_MIN) {
            *out = dflt;
            return 0;
        }
        set_err(w->err, w->err_len, "%s:%d: column '%s': empty (expected an integer from 0 to %lld)", r->path, r->line,
                column_name(r, k), (long long)max);
        return -1;
    }
    int64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (max - (*p - '0')) / 10) {
            v = max + 1;
            break;
        }
        v = v * 10 + (*p - '0');
    }
    if (*p != '\0' || v > max) {
        set_err(w->err, w->err_len, "%s:%d: column '%s': '%.16s' is not an integer from 0 to %lld", r->path, r->line,
                column_name(r, k), s, (long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

static int str_field(row *w, int k, char *out, size_t len)
{
    agpu_reader *r = w->r;
    const char *s = r->col[k] >= 0 ? w->fields[r->col[k]] : "";
    if (strlen(s) >= len) {
        set_err(w->err, w->err_len, "%s:%d: column '%s': '%.16s...' is longer than %zu bytes", r->path, r->line,
                column_name(r, k), s, len - 1);
        return -1;
    }
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

#define MAX_MILLI_CPU 100000000000LL /* 10^8 cores: beyond any node */
#define MAX_MIB 1000000000000LL

int agpu_next_node(agpu_reader *r, agpu_node *out, char *err, size_t err_len)
{
    char buf[LINE_MAX_BYTES];
    row w = {.r = r, .err = err, .err_len = err_len};
    int rc = next_row(&w, buf, sizeof buf);
    if (rc <= 0)
        return rc;
    int64_t gpu;
    memset(out, 0, sizeof *out);
    if (str_field(&w, 0, out->name, sizeof out->name) != 0 || int_field(&w, 1, MAX_MILLI_CPU, INT64_MIN, &out->cpu_milli) ||
        int_field(&w, 2, MAX_MIB, INT64_MIN, &out->memory_mib) || int_field(&w, 3, AGPU_MAX_GPUS, INT64_MIN, &gpu) ||
        str_field(&w, 4, out->model, sizeof out->model) != 0)
        return -1;
    out->gpu = (int32_t)gpu;
    if (out->name[0] == '\0') {
        set_err(err, err_len, "%s:%d: column 'sn': empty (expected the node's name)", r->path, r->line);
        return -1;
    }
    if (gpu > 0 && out->model[0] == '\0') {
        set_err(err, err_len, "%s:%d: column 'model': empty for a node with %lld GPUs (expected its GPU model)",
                r->path, r->line, (long long)gpu);
        return -1;
    }
    return 1;
}

int agpu_next_pod(agpu_reader *r, agpu_pod *out, char *err, size_t err_len)
{
    char buf[LINE_MAX_BYTES];
    row w = {.r = r, .err = err, .err_len = err_len};
    int rc = next_row(&w, buf, sizeof buf);
    if (rc <= 0)
        return rc;
    int64_t num, milli;
    memset(out, 0, sizeof *out);
    if (str_field(&w, P_NAME, out->name, sizeof out->name) != 0 ||
        int_field(&w, P_CPU, MAX_MILLI_CPU, INT64_MIN, &out->cpu_milli) ||
        int_field(&w, P_MEM, MAX_MIB, INT64_MIN, &out->memory_mib) ||
        int_field(&w, P_NUM_GPU, AGPU_MAX_GPUS, INT64_MIN, &num) || int_field(&w, P_GPU_MILLI, 1000, INT64_MIN, &milli) ||
        str_field(&w, P_SPEC, out->gpu_spec, sizeof out->gpu_spec) != 0 ||
        int_field(&w, P_CREATION, INT64_MAX / 2, -1, &out->creation_s) ||
        int_field(&w, P_DELETION, INT64_MAX / 2, -1, &out->deletion_s) ||
        int_field(&w, P_SCHEDULED, INT64_MAX / 2, -1, &out->scheduled_s))
        return -1;
    out->num_gpu = (int32_t)num;
    out->gpu_milli = (int32_t)milli;
    if (num == 0 && milli != 0) {
        set_err(err, err_len, "%s:%d: column 'gpu_milli': %lld for a pod with no GPU (expected 0)", r->path, r->line,
                (long long)milli);
        return -1;
    }
    if (num > 0 && milli == 0) {
        set_err(err, err_len, "%s:%d: column 'gpu_milli': 0 for a pod with %lld GPUs (expected 1 to 1000 per GPU)",
                r->path, r->line, (long long)num);
        return -1;
    }
    if (num > 1 && milli < 1000) {
        set_err(err, err_len,
                "%s:%d: column 'gpu_milli': %lld with %lld GPUs (expected 1000: only a one-GPU pod shares a GPU)",
                r->path, r->line, (long long)milli, (long long)num);
        return -1;
    }
    return 1;
}
