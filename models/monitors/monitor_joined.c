/* monitor_joined.c - properties over VMs checked at the end of the run from
 * the pieces the host LPs kept (see monitor_joined.h). */
#include "models/monitors/monitor_joined.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/props_eval.h"
#include "analysis/props_lifecycle.h"
#include "models/core/core_build.h"

/* The series a host's sample gives a VM (monitor_joined_sample's order). */
static const props_atom series_atom[] = {PA_VM_CPU_READY, PA_VM_CPU_DEMAND, PA_VM_CPU_ENTITLEMENT};
enum { N_SERIES = sizeof series_atom / sizeof series_atom[0] };
/* The states the VM's records set. */
static const props_atom state_atom[] = {PA_VM_RUNNING, PA_VM_FAILED, PA_VM_POWER_STATE, PA_VM_POWER_STATE_BEFORE};
enum { N_STATES = sizeof state_atom / sizeof state_atom[0] };

/* A growing list of (t, v): a VM's records (v: MJ_VM_*) or one series. */
typedef struct jn_segs {
    ps_seg *seg;
    uint32_t n, cap;
} jn_segs;

/* A run of consecutive samples of a VM on this rank (one period apart). */
typedef struct jn_run {
    int64_t first_ns, last_ns;
} jn_run;
typedef struct jn_runs {
    jn_run *run;
    uint32_t n, cap;
} jn_runs;

_Static_assert(sizeof(ps_seg) == 16 && sizeof(jn_run) == 16, "the pieces travel as 16-byte items");
enum { ITEM = 16 };

struct monitor_joined {
    const scenario *scn;
    const model_env *env;
    const props_list *props;
    int64_t end_ns, period_ns;
    int spread;
    int keep_records;         /* a property checked here names a VM state */
    int slot_of[N_SERIES];    /* per series: its slot, -1 when no property checked here names it */
    int n_series;             /* slots */
    uint8_t *in_range;        /* per VM: some property checked here ranges over it */
    jn_segs *rec;             /* per VM (keep_records) */
    jn_runs *runs;            /* per VM (n_series > 0) */
    jn_segs *ser;             /* per VM, n_series each */
    /* rank 0 of a spread run: the other ranks' pieces, as received, and
     * per VM its entries in them (remote_at[remote_first[v] .. remote_first[v + 1])) */
    unsigned char *remote;
    size_t remote_len;
    size_t *remote_first;
    const unsigned char **remote_at;
};

int monitor_joined_supports(const props_node *f)
{
    return f->type == PN_FORALL && f->kind == PK_VM && props_uses_atom(f, PA_VM_MIGRATING) &&
           !monitor_vmotion_supports(f);
}

int monitor_joined_takes(const props_node *f, int spread)
{
    if (spread)
        return f->type == PN_FORALL && f->kind == PK_VM && !monitor_vmotion_supports(f);
    return monitor_joined_supports(f);
}

static const char *vm_group(const monitor_joined *j, uint32_t v)
{
    return scn_string(j->scn, "vms.[%u].name", model_vm_spec(j->env, v)->group);
}

/* Whether VM v is in the range of a property checked here (`in group` or all). */
static int vm_in_range(const monitor_joined *j, uint32_t v)
{
    for (int i = 0; i < j->props->n; i++) {
        const props_node *f = j->props->items[i].ast;
        if (!monitor_joined_takes(f, j->spread))
            continue;
        if (!f->group[0])
            return 1;
        const char *g = vm_group(j, v);
        if (g && strcmp(g, f->group) == 0)
            return 1;
    }
    return 0;
}

int monitor_joined_names(const monitor_joined *j, props_atom a)
{
    for (int i = 0; j && i < j->props->n; i++)
        if (monitor_joined_takes(j->props->items[i].ast, j->spread) && props_uses_atom(j->props->items[i].ast, a))
            return 1;
    return 0;
}

int monitor_joined_new(monitor_joined **out, const props_list *props, const scenario *scn, const model_env *env,
                       int64_t end_ns, int64_t period_ns, int spread)
{
    *out = NULL;
    int any = 0;
    for (int i = 0; i < props->n; i++)
        any |= monitor_joined_takes(props->items[i].ast, spread);
    if (!any)
        return 0;
    monitor_joined *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    j->scn = scn;
    j->env = env;
    j->props = props;
    j->end_ns = end_ns;
    j->period_ns = period_ns;
    j->spread = spread;
    for (int k = 0; k < N_STATES; k++)
        j->keep_records |= monitor_joined_names(j, state_atom[k]);
    for (int k = 0; k < N_SERIES; k++)
        j->slot_of[k] = monitor_joined_names(j, series_atom[k]) ? j->n_series++ : -1;
    size_t n_vms = env->n_vms ? env->n_vms : 1;
    if (j->n_series > 0 && n_vms > SIZE_MAX / sizeof(jn_segs) / (size_t)j->n_series) {
        free(j);
        return -1;
    }
    j->in_range = calloc(n_vms, 1);
    j->rec = j->keep_records ? calloc(n_vms, sizeof *j->rec) : NULL;
    j->runs = j->n_series ? calloc(n_vms, sizeof *j->runs) : NULL;
    j->ser = j->n_series ? calloc(n_vms * (size_t)j->n_series, sizeof *j->ser) : NULL;
    if (!j->in_range || (j->keep_records && !j->rec) || (j->n_series && (!j->runs || !j->ser))) {
        monitor_joined_free(j);
        return -1;
    }
    for (uint32_t v = 0; v < env->n_vms; v++)
        j->in_range[v] = (uint8_t)vm_in_range(j, v);
    *out = j;
    return 0;
}

/* Makes room for one more of the n elements of `size` bytes at *items
 * (capacity *cap, doubled from `first`); aborts out of memory or when the
 * capacity would wrap (inside a handler there is no way to report it). */
static void grow_for_one(void **items, uint32_t *cap, uint32_t n, uint32_t first, size_t size)
{
    if (n < *cap)
        return;
    uint32_t new_cap = *cap ? *cap * 2 : first;
    void *p = new_cap > *cap ? realloc(*items, (size_t)new_cap * size) : NULL;
    if (!p)
        abort();
    *items = p;
    *cap = new_cap;
}

/* Appends (t, v) as it is (the merging is the caller's). */
static void segs_append(jn_segs *s, int64_t t, double v)
{
    grow_for_one((void **)&s->seg, &s->cap, s->n, 4, sizeof *s->seg);
    s->seg[s->n].t = t;
    s->seg[s->n++].v = v;
}

static int same_value(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

void monitor_joined_record(monitor_joined *j, uint32_t vm_id, int64_t t, int kind)
{
    if (!j || !j->keep_records || vm_id >= j->env->n_vms || !j->in_range[vm_id] || t >= j->end_ns)
        return;
    jn_segs *s = &j->rec[vm_id];
    if (s->n && t < s->seg[s->n - 1].t)
        return; /* out of time order: ignored, as the online monitors ignore it */
    segs_append(s, t, (double)kind); /* every record: the power state's lifecycle replays them all */
}

void monitor_joined_sample(monitor_joined *j, uint32_t vm_id, int64_t t, double ready, double demand_mhz,
                           double entitlement_mhz)
{
    if (!j || j->n_series == 0 || vm_id >= j->env->n_vms || !j->in_range[vm_id] || t >= j->end_ns)
        return;
    jn_runs *r = &j->runs[vm_id];
    if (r->n && t <= r->run[r->n - 1].last_ns)
        return; /* out of time order (or a second sample at one time): ignored */
    /* Inside a run no other rank can put a value of this VM's series (the
     * hosts sample on one grid: no sample time lies between two consecutive
     * ones), so equal neighbours merge there and only there. */
    int consecutive = r->n && t == r->run[r->n - 1].last_ns + j->period_ns;
    if (consecutive) {
        r->run[r->n - 1].last_ns = t;
    } else {
        grow_for_one((void **)&r->run, &r->cap, r->n, 2, sizeof *r->run);
        r->run[r->n++] = (jn_run){t, t};
    }
    const double value[N_SERIES] = {ready, demand_mhz, entitlement_mhz};
    for (int k = 0; k < N_SERIES; k++) {
        if (j->slot_of[k] < 0)
            continue;
        jn_segs *s = &j->ser[(size_t)vm_id * (size_t)j->n_series + (size_t)j->slot_of[k]];
        if (consecutive && s->n && same_value(s->seg[s->n - 1].v, value[k]))
            continue;
        segs_append(s, t, value[k]);
    }
}

int monitor_joined_owns(const monitor_joined *j, int prop)
{
    return j && prop >= 0 && prop < j->props->n && monitor_joined_takes(j->props->items[prop].ast, j->spread);
}

/* ---- the pieces as flat bytes ------------------------------------------
 * Per VM with anything kept: u32 vm, u32 records, u32 runs, u32 segments
 * per series slot; then the records (i64 t, f64 kind), the runs (i64 first,
 * i64 last) and each slot's segments (i64 t, f64 v). Every rank runs the
 * same binary (docs/engine.md): the same layout. */

static size_t entry_head_bytes(const monitor_joined *j)
{
    return (3 + (size_t)j->n_series) * sizeof(uint32_t);
}

/* One VM's counts (records, runs, per slot segments). */
static void vm_counts(const monitor_joined *j, uint32_t v, uint32_t *counts)
{
    counts[0] = j->rec ? j->rec[v].n : 0;
    counts[1] = j->runs ? j->runs[v].n : 0;
    for (int k = 0; k < j->n_series; k++)
        counts[2 + k] = j->ser[(size_t)v * (size_t)j->n_series + (size_t)k].n;
}

int monitor_joined_pack(const monitor_joined *j, unsigned char **bytes, size_t *len)
{
    *bytes = NULL;
    *len = 0;
    uint32_t counts[2 + N_SERIES];
    size_t total = 0, head = entry_head_bytes(j);
    for (uint32_t v = 0; v < j->env->n_vms; v++) {
        vm_counts(j, v, counts);
        if (!j->in_range[v] || counts[0] + (uint64_t)counts[1] == 0)
            continue;
        uint64_t items = 0;
        for (int k = 0; k < 2 + j->n_series; k++)
            items += counts[k];
        if (items > (SIZE_MAX - head - total) / ITEM) /* the count is checked before it is multiplied */
            return -1;
        total += head + (size_t)items * ITEM;
    }
    if (total == 0)
        return 0;
    unsigned char *p = malloc(total);
    if (!p)
        return -1;
    *bytes = p;
    *len = total;
    for (uint32_t v = 0; v < j->env->n_vms; v++) {
        vm_counts(j, v, counts);
        if (!j->in_range[v] || counts[0] + (uint64_t)counts[1] == 0)
            continue;
        memcpy(p, &v, sizeof v);
        memcpy(p + sizeof v, counts, (2 + (size_t)j->n_series) * sizeof *counts);
        p += head;
        if (counts[0]) {
            memcpy(p, j->rec[v].seg, (size_t)counts[0] * ITEM);
            p += (size_t)counts[0] * ITEM;
        }
        if (counts[1]) {
            memcpy(p, j->runs[v].run, (size_t)counts[1] * ITEM);
            p += (size_t)counts[1] * ITEM;
        }
        for (int k = 0; k < j->n_series; k++) {
            const jn_segs *s = &j->ser[(size_t)v * (size_t)j->n_series + (size_t)k];
            if (s->n) {
                memcpy(p, s->seg, (size_t)s->n * ITEM);
                p += (size_t)s->n * ITEM;
            }
        }
    }
    return 0;
}

/* The entry at p (within [p, end)): its VM and byte length; -1 when damaged. */
static int entry_size(const monitor_joined *j, const unsigned char *p, const unsigned char *end, uint32_t *vm_id,
                      size_t *bytes)
{
    size_t head = entry_head_bytes(j);
    if ((size_t)(end - p) < head)
        return -1;
    uint32_t counts[2 + N_SERIES];
    memcpy(vm_id, p, sizeof *vm_id);
    memcpy(counts, p + sizeof *vm_id, (2 + (size_t)j->n_series) * sizeof *counts);
    size_t left = (size_t)(end - p) - head, items = 0;
    for (int k = 0; k < 2 + j->n_series; k++) {
        if (counts[k] > left / ITEM - items) /* checked before multiplying */
            return -1;
        items += counts[k];
    }
    if ((counts[0] && !j->keep_records) || (counts[1] && !j->n_series) || *vm_id >= j->env->n_vms ||
        !j->in_range[*vm_id])
        return -1;
    *bytes = head + items * ITEM;
    return 0;
}

int monitor_joined_adopt(monitor_joined *j, unsigned char *all, size_t len, char *err, size_t err_len)
{
    j->remote = all;
    j->remote_len = len;
    size_t n_vms = j->env->n_vms, entries = 0;
    j->remote_first = calloc(n_vms + 1, sizeof *j->remote_first);
    if (!j->remote_first) {
        snprintf(err, err_len, "out of memory gathering the VM monitors");
        return -1;
    }
    const unsigned char *end = all + len;
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0 counts each VM's entries, pass 1 files them */
        size_t *next = NULL;
        if (pass == 1) {
            for (size_t v = 0; v < n_vms; v++)
                j->remote_first[v + 1] += j->remote_first[v];
            j->remote_at = calloc(entries ? entries : 1, sizeof *j->remote_at);
            next = calloc(n_vms ? n_vms : 1, sizeof *next);
            if (!j->remote_at || !next) {
                free(next);
                snprintf(err, err_len, "out of memory gathering the VM monitors");
                return -1;
            }
        }
        for (const unsigned char *p = all; p < end;) {
            uint32_t vm_id;
            size_t bytes;
            if (entry_size(j, p, end, &vm_id, &bytes) != 0) {
                free(next);
                snprintf(err, err_len, "the VM monitors' pieces from another rank are damaged");
                return -1;
            }
            if (pass == 0) {
                j->remote_first[vm_id + 1]++;
                entries++;
            } else {
                j->remote_at[j->remote_first[vm_id] + next[vm_id]++] = p;
            }
            p += bytes;
        }
        free(next);
    }
    return 0;
}

/* ---- joining the pieces ---------------------------------------------------
 * A piece: one rank's items of one list (records, runs or a series), read
 * through memcpy (the remote ones are not aligned). */
typedef struct jn_cursor {
    const unsigned char *p;
    uint32_t n, i;
} jn_cursor;

static int64_t cursor_t(const jn_cursor *c)
{
    int64_t t;
    memcpy(&t, c->p + (size_t)c->i * ITEM, sizeof t);
    return t;
}

/* The 8 bytes after the time: a value (double) or a run's last sample (int64). */
static void cursor_rest(const jn_cursor *c, void *out)
{
    memcpy(out, c->p + (size_t)c->i * ITEM + sizeof(int64_t), sizeof(int64_t));
}

/* The cursor whose next item comes first; -1 when all are done, -2 when two
 * pieces hold one time (the pieces of a VM are disjoint in time). */
static int cursor_next(const jn_cursor *c, int n)
{
    int best = -1;
    for (int k = 0; k < n; k++) {
        if (c[k].i >= c[k].n)
            continue;
        if (best >= 0 && cursor_t(&c[k]) == cursor_t(&c[best]))
            return -2;
        if (best < 0 || cursor_t(&c[k]) < cursor_t(&c[best]))
            best = k;
    }
    return best;
}

/* The cursors over VM v's pieces of list `what` (0 records, 1 runs, 2 + k
 * series slot k): this rank's, then the other ranks'. Returns how many
 * (*out malloc'd), -1: out of memory. */
static int vm_cursors(const monitor_joined *j, uint32_t v, int what, jn_cursor **out)
{
    size_t first = j->remote_first ? j->remote_first[v] : 0, last = j->remote_first ? j->remote_first[v + 1] : 0;
    jn_cursor *c = calloc(1 + (last - first), sizeof *c);
    if (!c)
        return -1;
    if (what == 0)
        c[0] = (jn_cursor){(const unsigned char *)j->rec[v].seg, j->rec[v].n, 0};
    else if (what == 1)
        c[0] = (jn_cursor){(const unsigned char *)j->runs[v].run, j->runs[v].n, 0};
    else {
        const jn_segs *s = &j->ser[(size_t)v * (size_t)j->n_series + (size_t)(what - 2)];
        c[0] = (jn_cursor){(const unsigned char *)s->seg, s->n, 0};
    }
    for (size_t e = first; e < last; e++) {
        const unsigned char *p = j->remote_at[e];
        uint32_t counts[2 + N_SERIES];
        memcpy(counts, p + sizeof(uint32_t), (2 + (size_t)j->n_series) * sizeof *counts);
        p += entry_head_bytes(j);
        for (int k = 0; k < what; k++)
            p += (size_t)counts[k] * ITEM;
        c[1 + (e - first)] = (jn_cursor){p, counts[what], 0};
    }
    *out = c;
    return (int)(1 + (last - first));
}

/* VM v's state atom a over the run: its records from every piece, in time
 * order, replayed as the host LP's monitor takes them (monitor_module.c):
 * vm.running from vm_started to the next record, vm.failed from vm_failed,
 * the power state through its lifecycle (props_lifecycle.h). */
static int state_signal(const monitor_joined *j, uint32_t v, props_atom a, ps_signal *out, char *err,
                        size_t err_len)
{
    props_lifecycle l;
    props_vm_power_init(&l);
    double initial = a == PA_VM_POWER_STATE ? l.state : a == PA_VM_POWER_STATE_BEFORE ? l.before : 0.0;
    if (ps_push(out, 0, initial) != 0)
        return -1;
    jn_cursor *c;
    int n = vm_cursors(j, v, 0, &c);
    if (n < 0)
        return -1;
    int k = -1, rc = 0;
    while (rc == 0 && (k = cursor_next(c, n)) >= 0) {
        double kind;
        cursor_rest(&c[k], &kind);
        int64_t t = cursor_t(&c[k]);
        c[k].i++;
        props_vm_power_record(&l, (int)kind);
        double value = a == PA_VM_RUNNING  ? (double)((int)kind == MJ_VM_STARTED)
                       : a == PA_VM_FAILED ? (double)((int)kind == MJ_VM_FAILED)
                       : a == PA_VM_POWER_STATE ? l.state
                                                : l.before;
        rc = ps_push(out, t, value);
    }
    free(c);
    if (rc == 0 && k == -2) {
        snprintf(err, err_len, "internal: two ranks logged records of VM %u at one time", v);
        return -2;
    }
    return rc;
}

/* The times a VM series is missing: after the last sample of a run when the
 * next sample (of any rank's run) comes later than one period, or never
 * before the end, as a NaN cell offline. Sorted; *out malloc'd (count
 * returned), -1 out of memory, -2 runs overlapping. */
static long gap_times(const monitor_joined *j, uint32_t v, int64_t **out)
{
    jn_cursor *c;
    int n = vm_cursors(j, v, 1, &c);
    if (n < 0)
        return -1;
    size_t runs = 0;
    for (int k = 0; k < n; k++)
        runs += c[k].n;
    int64_t *gap = malloc((runs ? runs : 1) * sizeof *gap);
    long n_gap = 0;
    int64_t prev_last = -1;
    int k = -1;
    while (gap && (k = cursor_next(c, n)) >= 0) {
        int64_t first = cursor_t(&c[k]), last;
        cursor_rest(&c[k], &last);
        c[k].i++;
        if (prev_last >= 0 && first <= prev_last) {
            k = -2;
            break;
        }
        if (prev_last >= 0 && first > prev_last + j->period_ns && prev_last + j->period_ns < j->end_ns)
            gap[n_gap++] = prev_last + j->period_ns;
        prev_last = last;
    }
    free(c);
    if (!gap)
        return -1;
    if (k == -2) {
        free(gap);
        return -2;
    }
    if (prev_last >= 0 && prev_last + j->period_ns < j->end_ns)
        gap[n_gap++] = prev_last + j->period_ns;
    *out = gap;
    return n_gap;
}

/* VM v's series slot `slot` over the run: missing before its first sample,
 * then every piece's values and the gaps, in time order. */
static int series_signal(const monitor_joined *j, uint32_t v, int slot, ps_signal *out, char *err, size_t err_len)
{
    if (ps_push(out, 0, NAN) != 0)
        return -1;
    int64_t *gap = NULL;
    long n_gap = gap_times(j, v, &gap);
    if (n_gap == -2) {
        snprintf(err, err_len, "internal: the samples of VM %u overlap between ranks", v);
        return -2;
    }
    if (n_gap < 0)
        return -1;
    jn_cursor *c;
    int n = vm_cursors(j, v, 2 + slot, &c);
    if (n < 0) {
        free(gap);
        return -1;
    }
    int k = -1, rc = 0;
    long g = 0;
    while (rc == 0 && ((k = cursor_next(c, n)) >= 0 || g < n_gap)) {
        if (k < 0 || (g < n_gap && gap[g] < cursor_t(&c[k]))) {
            rc = ps_push(out, gap[g++], NAN);
            continue;
        }
        double value;
        cursor_rest(&c[k], &value);
        rc = ps_push(out, cursor_t(&c[k]), value);
        c[k].i++;
    }
    free(c);
    free(gap);
    if (rc == 0 && k == -2) {
        snprintf(err, err_len, "internal: two ranks sampled VM %u at one time", v);
        return -2;
    }
    return rc;
}

/* The run as a props_source: what verify reads from the file, from memory. */
typedef struct joined_source {
    const monitor_joined *j;
    const monitor_vmotion *mv;
} joined_source;

static long src_count(void *ctx, props_kind kind, char *err, size_t err_len)
{
    const joined_source *js = ctx;
    if (kind != PK_VM) {
        snprintf(err, err_len, "internal: a joined property over another kind than vm");
        return -1;
    }
    return (long)js->j->env->n_vms;
}

static int src_describe(void *ctx, props_kind kind, size_t row, char *name, size_t name_len, char *group,
                        size_t group_len, char *err, size_t err_len)
{
    (void)kind;
    (void)err;
    (void)err_len;
    const joined_source *js = ctx;
    const vm_spec *vs = model_vm_spec(js->j->env, row);
    const char *g = vm_group(js->j, (uint32_t)row);
    core_entity_name(name, name_len, g, vs->index_in_group);
    snprintf(group, group_len, "%s", g ? g : "");
    return 0;
}

static int copy_signal(const ps_signal *from, ps_signal *out)
{
    for (size_t i = 0; i < from->n; i++)
        if (ps_push(out, from->seg[i].t, from->seg[i].v) != 0)
            return -1;
    return 0;
}

static int series_slot(const monitor_joined *j, props_atom a)
{
    for (int k = 0; k < N_SERIES; k++)
        if (series_atom[k] == a)
            return j->slot_of[k];
    return -1;
}

static int state_kept(const monitor_joined *j, props_atom a)
{
    for (int k = 0; k < N_STATES; k++)
        if (state_atom[k] == a)
            return j->keep_records;
    return 0;
}

int monitor_joined_signal(const monitor_joined *j, const monitor_vmotion *mv, props_atom a, uint32_t row,
                          ps_signal *out, char *err, size_t err_len)
{
    ps_init(out, j->end_ns);
    if (row >= j->env->n_vms) {
        snprintf(err, err_len, "internal: no VM %u", row);
        return -1;
    }
    const vm_spec *vs = model_vm_spec(j->env, row);
    int rc;
    if (a == PA_VM_MIGRATING) {
        const ps_signal *s = monitor_vmotion_signal(mv, row);
        rc = s ? copy_signal(s, out) : ps_push(out, 0, 0);
    } else if (a == PA_VM_CPU_LIMIT) {
        rc = ps_push(out, 0, vm_spec_res(vs)->cpu_limit_mhz);
    } else if (a == PA_VM_CPU_RESERVATION) {
        rc = ps_push(out, 0, vm_spec_res(vs)->cpu_reservation_mhz);
    } else if (j->in_range[row] && state_kept(j, a)) {
        rc = state_signal(j, row, a, out, err, err_len);
    } else if (j->in_range[row] && series_slot(j, a) >= 0) {
        rc = series_signal(j, row, series_slot(j, a), out, err, err_len);
    } else {
        snprintf(err, err_len, "internal: %s not kept for the joined properties", props_atom_get(a)->name);
        return -1;
    }
    if (rc == -1)
        snprintf(err, err_len, "out of memory");
    if (rc != 0)
        ps_free(out);
    return rc != 0 ? -1 : 0;
}

static int src_signal(void *ctx, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    const joined_source *js = ctx;
    return monitor_joined_signal(js->j, js->mv, a, (uint32_t)row, out, err, err_len);
}

typedef struct joined_rows {
    recorder *rec;
    int table;
    const char *name;
    int failed;
} joined_rows;

static void joined_row(void *arg, const props_violation *v)
{
    joined_rows *u = arg;
    rec_value row[] = {{.i64 = v->time_ns}, {.str = u->name}, {.str = v->entity}, {.str = v->witness},
                       {.i64 = v->obligation_ns}};
    if (rec_table_row(u->rec, u->table, row) != 0)
        u->failed = 1;
}

int monitor_joined_write(const monitor_joined *j, const monitor_vmotion *mv, recorder *rec, int tv, int tp,
                         int prop, char *err, size_t err_len)
{
    const props_entry *pe = &j->props->items[prop];
    joined_source js = {j, mv};
    props_source src = {.ctx = &js, .end_ns = j->end_ns, .count = src_count, .describe = src_describe,
                        .signal = src_signal};
    props_result res;
    joined_rows u = {rec, tv, pe->name, 0};
    if (props_evaluate_each(pe->ast, &src, &res, joined_row, &u, err, err_len) != 0)
        return -1;
    if (u.failed) {
        snprintf(err, err_len, "cannot write /tables/violations");
        return -1;
    }
    rec_value row[] = {{.str = pe->name}, {.str = pe->formula}, {.i64 = res.entities}, {.i64 = res.violations},
                       {.i64 = res.pending}};
    return rec_table_row(rec, tp, row);
}

void monitor_joined_free(monitor_joined *j)
{
    if (!j)
        return;
    for (size_t v = 0; v < j->env->n_vms; v++) {
        if (j->rec)
            free(j->rec[v].seg);
        if (j->runs)
            free(j->runs[v].run);
        for (int k = 0; j->ser && k < j->n_series; k++)
            free(j->ser[v * (size_t)j->n_series + (size_t)k].seg);
    }
    free(j->rec);
    free(j->runs);
    free(j->ser);
    free(j->in_range);
    free(j->remote);
    free(j->remote_first);
    free(j->remote_at);
    free(j);
}
