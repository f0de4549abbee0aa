/* props_eval.c - evaluation of a property over a run, entity by entity (see
 * props_eval.h). */
#include "analysis/props_eval.h"

#include "analysis/props_number.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


/* The atoms of the entity being evaluated, fetched once each. */
typedef struct entity_ctx {
    const props_source *src;
    size_t row;
    ps_signal atom[PA_COUNT];
    int loaded[PA_COUNT];
    char *err;
    size_t err_len;
} entity_ctx;

static int load_atom(entity_ctx *e, props_atom a)
{
    if (e->loaded[a])
        return 0;
    if (e->src->signal(e->src->ctx, a, e->row, &e->atom[a], e->err, e->err_len) != 0)
        return -1;
    e->loaded[a] = 1;
    return 0;
}

static int copy_signal(const ps_signal *in, ps_signal *out)
{
    ps_init(out, in->end_ns);
    for (size_t i = 0; i < in->n; i++)
        if (ps_push(out, in->seg[i].t, in->seg[i].v) != 0)
            return -1;
    return 0;
}

static int constant(int64_t end, double v, ps_signal *out)
{
    ps_init(out, end);
    return ps_push(out, 0, v);
}

static double fn_arith(double a, double b, void *arg)
{
    props_node_type t = *(const props_node_type *)arg;
    return t == PN_ADD ? a + b : t == PN_SUB ? a - b : t == PN_MUL ? a * b : a / b;
}

static double fn_cmp(double a, double b, void *arg)
{
    return props_compare(a, *(const props_cmp *)arg, b);
}

static double fn_and(double a, double b, void *arg) { (void)arg; return pv_and(a, b); }
static double fn_or(double a, double b, void *arg) { (void)arg; return pv_or(a, b); }
static double fn_implies(double a, double b, void *arg) { (void)arg; return pv_or(pv_not(a), b); }
static double fn_not(double a, double b, void *arg) { (void)b; (void)arg; return pv_not(a); }

static double state_value(double v)
{
    return isnan(v) ? PV_UNKNOWN : v != 0 ? PV_TRUE : PV_FALSE;
}

static int eval(entity_ctx *e, const props_node *n, ps_signal *out)
{
    int64_t end = e->src->end_ns;
    ps_signal a, b;
    int rc;
    switch (n->type) {
    case PN_TRUE: return constant(end, PV_TRUE, out);
    case PN_FALSE: return constant(end, PV_FALSE, out);
    case PN_NUM: return constant(end, n->num, out);
    case PN_QTY:
        if (load_atom(e, n->atom) != 0)
            return -1;
        return copy_signal(&e->atom[n->atom], out);
    case PN_STATE:
        if (load_atom(e, n->atom) != 0)
            return -1;
        ps_init(out, end);
        for (size_t i = 0; i < e->atom[n->atom].n; i++)
            if (ps_push(out, e->atom[n->atom].seg[i].t, state_value(e->atom[n->atom].seg[i].v)) != 0)
                return -1;
        return 0;
    case PN_NOT:
    case PN_G:
        if (eval(e, n->l, &a) != 0)
            return -1;
        rc = n->type == PN_G ? ps_globally(&a, out) : ps_map2(&a, &a, fn_not, NULL, out);
        ps_free(&a);
        return rc;
    case PN_F:
        if (eval(e, n->l, &b) != 0)
            return -1;
        if (constant(end, PV_TRUE, &a) != 0) {
            ps_free(&b);
            return -1;
        }
        rc = ps_until(&a, &b, n->bound_ns, out);
        ps_free(&a);
        ps_free(&b);
        return rc;
    case PN_FORALL:
        snprintf(e->err, e->err_len, "internal: nested forall");
        return -1;
    default: break;
    }
    /* binary nodes */
    if (eval(e, n->l, &a) != 0)
        return -1;
    if (eval(e, n->r, &b) != 0) {
        ps_free(&a);
        return -1;
    }
    switch (n->type) {
    case PN_U: rc = ps_until(&a, &b, n->bound_ns, out); break;
    case PN_CMP: rc = ps_map2(&a, &b, fn_cmp, (void *)&n->cmp, out); break;
    case PN_AND: rc = ps_map2(&a, &b, fn_and, NULL, out); break;
    case PN_OR: rc = ps_map2(&a, &b, fn_or, NULL, out); break;
    case PN_IMPLIES: rc = ps_map2(&a, &b, fn_implies, NULL, out); break;
    default: rc = ps_map2(&a, &b, fn_arith, (void *)&n->type, out); break;
    }
    ps_free(&a);
    ps_free(&b);
    if (rc != 0)
        snprintf(e->err, e->err_len, "out of memory");
    return rc;
}

int64_t props_first_bound(const props_node *n)
{
    if (!n)
        return -1;
    if (n->type == PN_F || n->type == PN_U)
        return n->bound_ns;
    int64_t l = props_first_bound(n->l);
    return l >= 0 ? l : props_first_bound(n->r);
}

/* Appends text to the NUL-terminated string in buf (len bytes in all),
 * truncating, as props_append does with "%s" (no printf: a run can write
 * 10^5 witnesses). */
static void append_text(char *buf, size_t len, size_t *used, const char *text, size_t n)
{
    if (*used + 1 >= len)
        return;
    if (n > len - *used - 1)
        n = len - *used - 1;
    memcpy(buf + *used, text, n);
    *used += n;
    buf[*used] = '\0';
}

/* "name=value unit" of one atom: the text props_append(buf, len,
 * "%s=%.6g %s", ...) writes (props_number.h gives printf's %.6g). */
static void witness_one(props_atom a, double v, char *buf, size_t len, size_t *used)
{
    const props_atom_info *info = props_atom_get(a);
    if (*used > 0)
        append_text(buf, len, used, ", ", 2);
    append_text(buf, len, used, info->name, strlen(info->name));
    append_text(buf, len, used, "=", 1);
    const char *word = NULL;
    if (info->is_state)
        word = isnan(v) ? "unknown" : v != 0 ? "true" : "false";
    else if (isnan(v))
        word = "none";
    if (word) {
        append_text(buf, len, used, word, strlen(word));
        return;
    }
    char num[PROPS_G6_LEN];
    append_text(buf, len, used, num, props_format_g6(v, num));
    if (info->unit != PU_ONE) {
        const char *unit = props_unit_name(info->unit);
        append_text(buf, len, used, " ", 1);
        append_text(buf, len, used, unit, strlen(unit));
    }
}

/* Where the witness takes the atoms' values from: signals at t, or values
 * (value[a] when bit a of known is set). */
typedef struct witness_from {
    const ps_signal *const *atoms;
    int64_t t;
    const double *value;
    uint64_t known;
} witness_from;

/* "name=value unit" for every atom of the formula, once each, in the
 * formula's order. */
static void witness(const witness_from *from, const props_node *n, uint64_t *seen, char *buf, size_t len,
                    size_t *used)
{
    if (!n)
        return;
    if ((n->type == PN_STATE || n->type == PN_QTY) && !(*seen & (UINT64_C(1) << n->atom))) {
        int have = from->atoms ? from->atoms[n->atom] != NULL : (from->known >> n->atom) & 1;
        if (have) {
            *seen |= UINT64_C(1) << n->atom;
            double v = from->atoms ? ps_at(from->atoms[n->atom], from->t) : from->value[n->atom];
            witness_one(n->atom, v, buf, len, used);
        }
    }
    witness(from, n->l, seen, buf, len, used);
    witness(from, n->r, seen, buf, len, used);
}

_Static_assert(PA_COUNT <= 64, "witness masks are 64 bits");

void props_witness_atoms(const props_node *phi, const ps_signal *const *atoms, int64_t t, char *buf, size_t len)
{
    witness_from from = {.atoms = atoms, .t = t};
    uint64_t seen = 0;
    size_t used = 0;
    buf[0] = '\0';
    witness(&from, phi, &seen, buf, len, &used);
}

void props_witness_values(const props_node *phi, const double *value, uint64_t known, char *buf, size_t len)
{
    witness_from from = {.value = value, .known = known};
    uint64_t seen = 0;
    size_t used = 0;
    buf[0] = '\0';
    witness(&from, phi, &seen, buf, len, &used);
}

static void entity_witness(const entity_ctx *e, const props_node *n, int64_t t, char *buf, size_t len)
{
    const ps_signal *atoms[PA_COUNT];
    for (int a = 0; a < PA_COUNT; a++)
        atoms[a] = e->loaded[a] ? &e->atom[a] : NULL;
    props_witness_atoms(n, atoms, t, buf, len);
    if (e->src->note)
        e->src->note(e->src->ctx, n, e->row, t, buf, len);
}

static void free_atoms(entity_ctx *e)
{
    for (int a = 0; a < PA_COUNT; a++)
        if (e->loaded[a])
            ps_free(&e->atom[a]);
}

int props_truth(const props_node *phi, const props_source *src, size_t row, ps_signal *out, char *err,
                size_t err_len)
{
    entity_ctx e = {.src = src, .row = row, .err = err, .err_len = err_len};
    if (err_len > 0)
        err[0] = '\0';
    int rc = eval(&e, phi, out);
    free_atoms(&e);
    if (rc != 0 && err_len > 0 && err[0] == '\0')
        snprintf(err, err_len, "out of memory");
    return rc;
}

int props_witness(const props_node *phi, const props_source *src, size_t row, int64_t t, char *buf, size_t len,
                  char *err, size_t err_len)
{
    entity_ctx e = {.src = src, .row = row, .err = err, .err_len = err_len};
    int rc = 0;
    for (int a = 0; a < PA_COUNT && rc == 0; a++)
        if (props_uses_atom(phi, (props_atom)a))
            rc = load_atom(&e, (props_atom)a);
    if (rc == 0)
        entity_witness(&e, phi, t, buf, len);
    free_atoms(&e);
    return rc;
}

int props_uses_atom(const props_node *n, props_atom a)
{
    if (!n)
        return 0;
    if ((n->type == PN_STATE || n->type == PN_QTY) && n->atom == a)
        return 1;
    return props_uses_atom(n->l, a) || props_uses_atom(n->r, a);
}

int64_t props_lookahead_ns(const props_node *n)
{
    if (!n)
        return 0;
    if (n->type == PN_G)
        return -1;
    int64_t l = props_lookahead_ns(n->l), r = props_lookahead_ns(n->r);
    if (l < 0 || r < 0)
        return -1;
    int64_t m = l > r ? l : r;
    if (n->type == PN_F || n->type == PN_U)
        return n->bound_ns > INT64_MAX / 2 - m ? -1 : m + n->bound_ns;
    return m;
}

typedef struct each_fn {
    props_violation_fn fn;
    void *arg;
} each_fn;

static void record(props_result *res, const each_fn *each, entity_ctx *e, const props_node *body, const char *name,
                   int64_t start, int64_t bound)
{
    res->violations++;
    if (res->n_shown >= PROPS_MAX_SHOWN && !each->fn)
        return;
    props_violation tmp, *v = res->n_shown < PROPS_MAX_SHOWN ? &res->shown[res->n_shown++] : &tmp;
    memset(v, 0, sizeof *v);
    v->time_ns = bound < 0 ? start : bound > INT64_MAX - start ? INT64_MAX : start + bound;
    v->obligation_ns = bound >= 0 ? start : -1;
    snprintf(v->entity, sizeof v->entity, "%s", name);
    entity_witness(e, body, start, v->witness, sizeof v->witness);
    if (each->fn)
        each->fn(each->arg, v);
}

static int check_entity(const props_node *body, const props_source *src, size_t row, const char *name,
                        props_result *res, const each_fn *each, char *err, size_t err_len)
{
    entity_ctx e = {.src = src, .row = row, .err = err, .err_len = err_len};
    if (err_len > 0)
        err[0] = '\0';
    int is_g = body->type == PN_G;
    const props_node *inner = is_g ? body->l : body;
    ps_signal s;
    int rc = eval(&e, inner, &s);
    if (rc == 0) {
        int64_t bound = props_first_bound(inner);
        if (is_g) {
            for (size_t i = 0; i < s.n; i++) {
                if (s.seg[i].v == PV_FALSE) {
                    /* a deadline past the end of the run is pending, never broken */
                    record(res, each, &e, inner, name, s.seg[i].t, bound);
                } else if (s.seg[i].v == PV_UNKNOWN) {
                    res->pending++;
                }
            }
        } else if (s.n > 0) {
            if (s.seg[0].v == PV_FALSE)
                record(res, each, &e, inner, name, 0, bound);
            else if (s.seg[0].v == PV_UNKNOWN)
                res->pending++;
        }
        ps_free(&s);
    }
    free_atoms(&e);
    if (rc != 0 && err_len > 0 && err[0] == '\0')
        snprintf(err, err_len, "out of memory");
    return rc;
}

int props_evaluate(const props_node *formula, const props_source *src, props_result *res, char *err,
                   size_t err_len)
{
    return props_evaluate_each(formula, src, res, NULL, NULL, err, err_len);
}

int props_evaluate_each(const props_node *formula, const props_source *src, props_result *res,
                        props_violation_fn fn, void *arg, char *err, size_t err_len)
{
    each_fn each = {fn, arg};
    memset(res, 0, sizeof *res);
    if (formula->type != PN_FORALL) {
        res->entities = 1;
        return check_entity(formula, src, 0, "-", res, &each, err, err_len);
    }
    long n = src->count(src->ctx, formula->kind, err, err_len);
    if (n < 0)
        return -1;
    for (long row = 0; row < n; row++) {
        char name[128], group[128];
        if (src->describe(src->ctx, formula->kind, (size_t)row, name, sizeof name, group, sizeof group, err,
                          err_len) != 0)
            return -1;
        if (formula->group[0] && strcmp(group, formula->group) != 0)
            continue;
        res->entities++;
        if (check_entity(formula->l, src, (size_t)row, name, res, &each, err, err_len) != 0)
            return -1;
    }
    return 0;
}
