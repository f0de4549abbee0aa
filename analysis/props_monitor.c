/* props_monitor.c - online monitors (see props_monitor.h). The body of a
 * property is evaluated by the offline evaluator (props_truth) over the
 * entity's undecided window, shifted to start at 0: one evaluator, one
 * semantics. */
#include "analysis/props_monitor.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* slot_mask, stored_mask: one bit per slot, at most one slot per atom */
_Static_assert(PA_COUNT <= 64, "slot masks are 64 bits");

/* A streamed body as a postfix program over the slots' current values
 * (pm_code_run): the connectives of point_value without its recursion
 * over the tree, and with Kleene's short cuts (false && x is false, true
 * || x is true, false -> x is true, whatever x: the right operand is then
 * not evaluated). */
enum pm_opcode {
    OP_CONST, OP_QTY, OP_STATE, OP_NOT, OP_AND, OP_OR, OP_IMPLIES, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_CMP,
    OP_SHORT /* when the top is `when`, replace it by `result` and go to `jump` */
};

struct pm_op {
    unsigned char code, cmp;
    unsigned char when, result; /* OP_SHORT */
    int slot;                   /* OP_QTY, OP_STATE */
    int jump;                   /* OP_SHORT */
    double num;                 /* OP_CONST */
};

enum { PM_STACK = 32 };

static int compile_emit(pm_code *c, struct pm_op o)
{
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 8;
        struct pm_op *op = realloc(c->op, (size_t)cap * sizeof *op);
        if (!op)
            return -1;
        c->op = op;
        c->cap = cap;
    }
    c->op[c->n++] = o;
    return 0;
}

/* Appends n's program to c; depth: the stack it needs. -1: not compilable
 * (a temporal operator, too deep) or out of memory. */
static int compile(const props_node *n, const pm_set *s, pm_code *c, int depth)
{
    if (depth >= PM_STACK)
        return -1;
    struct pm_op o = {0};
    switch (n->type) {
    case PN_TRUE: o = (struct pm_op){.code = OP_CONST, .num = PV_TRUE}; break;
    case PN_FALSE: o = (struct pm_op){.code = OP_CONST, .num = PV_FALSE}; break;
    case PN_NUM: o = (struct pm_op){.code = OP_CONST, .num = n->num}; break;
    case PN_QTY:
    case PN_STATE:
        if (s->atom_slot[n->atom] < 0)
            return -1;
        o = (struct pm_op){.code = n->type == PN_QTY ? OP_QTY : OP_STATE, .slot = s->atom_slot[n->atom]};
        break;
    case PN_NOT:
        if (compile(n->l, s, c, depth) != 0)
            return -1;
        return compile_emit(c, (struct pm_op){.code = OP_NOT});
    case PN_AND:
    case PN_OR:
    case PN_IMPLIES: {
        if (compile(n->l, s, c, depth) != 0)
            return -1;
        int at = c->n;
        struct pm_op sc = {.code = OP_SHORT};
        sc.when = n->type == PN_OR ? PV_TRUE : PV_FALSE;
        sc.result = n->type == PN_AND ? PV_FALSE : PV_TRUE;
        if (compile_emit(c, sc) != 0 || compile(n->r, s, c, depth + 1) != 0)
            return -1;
        int code = n->type == PN_AND ? OP_AND : n->type == PN_OR ? OP_OR : OP_IMPLIES;
        if (compile_emit(c, (struct pm_op){.code = (unsigned char)code}) != 0)
            return -1;
        c->op[at].jump = c->n;
        return 0;
    }
    case PN_ADD:
    case PN_SUB:
    case PN_MUL:
    case PN_DIV:
    case PN_CMP: {
        if (compile(n->l, s, c, depth) != 0 || compile(n->r, s, c, depth + 1) != 0)
            return -1;
        int code = n->type == PN_ADD   ? OP_ADD
                   : n->type == PN_SUB ? OP_SUB
                   : n->type == PN_MUL ? OP_MUL
                   : n->type == PN_DIV ? OP_DIV
                                       : OP_CMP;
        return compile_emit(c, (struct pm_op){.code = (unsigned char)code, .cmp = (unsigned char)n->cmp});
    }
    default: return -1; /* F, U, G: not a streamed body */
    }
    return compile_emit(c, o);
}

static inline double kleene_not(double a) { return a == PV_TRUE ? PV_FALSE : a == PV_FALSE ? PV_TRUE : PV_UNKNOWN; }

static inline double kleene_and(double a, double b)
{
    return a == PV_FALSE || b == PV_FALSE ? PV_FALSE : a == PV_TRUE && b == PV_TRUE ? PV_TRUE : PV_UNKNOWN;
}

static inline double kleene_or(double a, double b)
{
    return a == PV_TRUE || b == PV_TRUE ? PV_TRUE : a == PV_FALSE && b == PV_FALSE ? PV_FALSE : PV_UNKNOWN;
}

/* The body's value from the slots' values: point_value's, computed by the
 * program (the same operations on the same doubles). */
static double pm_code_run(const pm_code *c, const double *vals)
{
    double st[PM_STACK];
    int sp = 0;
    for (int pc = 0; pc < c->n; pc++) {
        const struct pm_op *o = &c->op[pc];
        double a;
        switch (o->code) {
        case OP_CONST: st[sp++] = o->num; break;
        case OP_QTY: st[sp++] = vals[o->slot]; break;
        case OP_STATE:
            a = vals[o->slot];
            st[sp++] = isnan(a) ? PV_UNKNOWN : a != 0 ? PV_TRUE : PV_FALSE;
            break;
        case OP_NOT: st[sp - 1] = kleene_not(st[sp - 1]); break;
        case OP_SHORT:
            if (st[sp - 1] == o->when) {
                st[sp - 1] = o->result;
                pc = o->jump - 1;
            }
            break;
        case OP_AND: sp--; st[sp - 1] = kleene_and(st[sp - 1], st[sp]); break;
        case OP_OR: sp--; st[sp - 1] = kleene_or(st[sp - 1], st[sp]); break;
        case OP_IMPLIES: sp--; st[sp - 1] = kleene_or(kleene_not(st[sp - 1]), st[sp]); break;
        case OP_ADD: sp--; st[sp - 1] = st[sp - 1] + st[sp]; break;
        case OP_SUB: sp--; st[sp - 1] = st[sp - 1] - st[sp]; break;
        case OP_MUL: sp--; st[sp - 1] = st[sp - 1] * st[sp]; break;
        case OP_DIV: sp--; st[sp - 1] = st[sp - 1] / st[sp]; break;
        default: sp--; st[sp - 1] = props_compare(st[sp - 1], (props_cmp)o->cmp, st[sp]); break;
        }
    }
    return st[0];
}

/* The slots of the atoms of n outside any F, U or G. */
static uint64_t now_slots(const pm_set *s, const props_node *n)
{
    if (!n || n->type == PN_F || n->type == PN_U || n->type == PN_G)
        return 0;
    uint64_t m = 0;
    if ((n->type == PN_STATE || n->type == PN_QTY) && s->atom_slot[n->atom] >= 0)
        m = UINT64_C(1) << s->atom_slot[n->atom];
    return m | now_slots(s, n->l) | now_slots(s, n->r);
}

int pm_set_init(pm_set *s, const props_list *list, props_kind kind, int64_t end_ns)
{
    return pm_set_init_except(s, list, kind, end_ns, NULL, NULL);
}

int pm_set_init_except(pm_set *s, const props_list *list, props_kind kind, int64_t end_ns, pm_skip_fn skip,
                       void *skip_arg)
{
    memset(s, 0, sizeof *s);
    s->list = list;
    s->kind = kind;
    s->end_ns = end_ns;
    for (int a = 0; a < PA_COUNT; a++)
        s->atom_slot[a] = -1;
    s->prop = calloc((size_t)(list->n ? list->n : 1), sizeof *s->prop);
    s->lookahead = calloc((size_t)(list->n ? list->n : 1), sizeof *s->lookahead);
    s->slot_mask = calloc((size_t)(list->n ? list->n : 1), sizeof *s->slot_mask);
    s->stream = calloc((size_t)(list->n ? list->n : 1), sizeof *s->stream);
    s->code = calloc((size_t)(list->n ? list->n : 1), sizeof *s->code);
    s->now_mask = calloc((size_t)(list->n ? list->n : 1), sizeof *s->now_mask);
    s->stream_at = calloc((size_t)(list->n ? list->n : 1), sizeof *s->stream_at);
    if (!s->prop || !s->lookahead || !s->slot_mask || !s->stream || !s->code || !s->now_mask || !s->stream_at) {
        pm_set_free(s);
        return -1;
    }
    for (int i = 0; i < list->n; i++) {
        const props_node *f = list->items[i].ast;
        if (f->type != PN_FORALL || f->kind != kind || (skip && skip(skip_arg, i)))
            continue;
        const props_node *body = f->l->type == PN_G ? f->l->l : f->l;
        s->lookahead[s->n_props] = props_lookahead_ns(body);
        for (int a = 0; a < PA_COUNT; a++)
            if (props_uses_atom(f, (props_atom)a)) {
                if (s->atom_slot[a] < 0) {
                    s->atom_slot[a] = s->n_slots;
                    s->slot_atom[s->n_slots++] = (props_atom)a;
                }
                s->slot_mask[s->n_props] |= UINT64_C(1) << s->atom_slot[a];
            }
        s->stream[s->n_props] = f->l->type == PN_G && s->lookahead[s->n_props] == 0;
        s->stream_at[s->n_props] = s->stream[s->n_props] ? s->n_stream++ : -1;
        if (!s->stream[s->n_props])
            s->stored_mask |= s->slot_mask[s->n_props];
        else if (s->n_props < 64)
            for (int k = 0; k < s->n_slots; k++)
                if (s->slot_mask[s->n_props] & (UINT64_C(1) << k))
                    s->stream_of_slot[k] |= UINT64_C(1) << s->n_props;
        s->prop[s->n_props++] = i;
    }
    for (int i = 0; i < s->n_props; i++) {
        const props_node *top = s->list->items[s->prop[i]].ast->l;
        s->now_mask[i] = now_slots(s, top->type == PN_G ? top->l : top);
    }
    for (int i = 0; i < s->n_props; i++)
        if (s->stream[i] && compile(list->items[s->prop[i]].ast->l->l, s, &s->code[i], 0) != 0) {
            free(s->code[i].op); /* too deep (or no memory): the tree evaluator */
            s->code[i] = (pm_code){0};
        }
    return 0;
}

void pm_set_free(pm_set *s)
{
    free(s->prop);
    free(s->lookahead);
    free(s->slot_mask);
    free(s->stream);
    for (int i = 0; s->code && i < s->n_props; i++)
        free(s->code[i].op);
    free(s->code);
    free(s->now_mask);
    free(s->stream_at);
    s->stream_at = NULL;
    s->now_mask = NULL;
    s->code = NULL;
    s->stream = NULL;
    s->prop = NULL;
    s->lookahead = NULL;
    s->slot_mask = NULL;
    s->n_props = 0;
}

int pm_uses(const pm_set *s, props_atom a)
{
    return a >= 0 && a < PA_COUNT && s->atom_slot[a] >= 0;
}

pm_hot *pm_hot_new(const pm_set *s, uint32_t n)
{
    size_t slots = (size_t)s->n_slots, streams = (size_t)s->n_stream, count = n ? n : 1;
    size_t row = (2 * slots + 1) * sizeof(double) + streams * sizeof(pm_stream);
    if (count > (SIZE_MAX / 2 - sizeof(pm_hot)) / row)
        return NULL;
    _Static_assert(sizeof(pm_hot) % sizeof(double) == 0 && sizeof(pm_stream) % sizeof(double) == 0,
                   "the rows stay aligned");
    pm_hot *h = calloc(1, sizeof *h + count * row);
    if (!h)
        return NULL;
    h->n = n;
    h->n_slots = s->n_slots;
    h->n_stream = s->n_stream;
    h->row_bytes = row;
    h->rows = (unsigned char *)(h + 1);
    return h;
}

int pm_hot_logs(pm_hot *h, uint32_t n_logs)
{
    h->logs = calloc(n_logs ? n_logs : 1, sizeof *h->logs);
    if (!h->logs)
        return -1;
    h->n_logs = n_logs;
    return 0;
}

static void free_logs(pm_hot *h)
{
    for (uint32_t k = 0; h->logs && k < h->n_logs; k++)
        for (pm_log_chunk *c = h->logs[k].head, *next; c; c = next) {
            next = c->next;
            free(c);
        }
    free(h->logs);
    h->logs = NULL;
    h->n_logs = 0;
}

void pm_hot_free(pm_hot *h)
{
    if (!h)
        return;
    free_logs(h);
    if (h->fold) {
        free(h->fold->start);
        free(h->fold->v);
        free(h->fold->prop);
        free(h->fold->text);
        free(h->fold);
    }
    free(h);
}

int pm_entity_init(pm_entity *e, const pm_set *s, const char *group, const double *initial)
{
    memset(e, 0, sizeof *e);
    if (s->n_props == 0)
        return 0;
    pm_hot *own = pm_hot_new(s, 1);
    if (!own)
        return -1;
    if (pm_entity_init_at(e, s, own, 0, group, initial) != 0) {
        pm_hot_free(own);
        return -1;
    }
    e->own_hot = 1;
    return 0;
}

int pm_entity_init_at(pm_entity *e, const pm_set *s, pm_hot *hot, uint32_t at, const char *group,
                      const double *initial)
{
    memset(e, 0, sizeof *e);
    if (s->n_props == 0)
        return 0;
    /* one block per entity for its cold part: the signals and the
     * properties' violations (the hot part is in `hot`) */
    size_t slots = (size_t)(s->n_slots ? s->n_slots : 1);
    size_t bytes = slots * sizeof *e->sig + (size_t)s->n_props * sizeof *e->prop;
    _Static_assert(sizeof(ps_signal) % sizeof(double) == 0 && sizeof(pm_prop) % sizeof(double) == 0,
                   "the parts of the block stay aligned");
    char *block = calloc(1, bytes);
    if (!block)
        return -1;
    e->sig = (ps_signal *)block;
    e->prop = (pm_prop *)(block + slots * sizeof *e->sig);
    e->hot = hot;
    e->at = at;
    e->cur = pm_hot_cur(hot, at);
    e->cur_t = pm_hot_cur_t(hot, at);
    e->stored = 1; /* the first check evaluates */
    for (int k = 0; k < s->n_slots; k++) {
        e->cur[k] = initial[s->slot_atom[k]];
        e->cur_t[k] = 0;
        ps_init(&e->sig[k], s->end_ns);
        /* a slot no windowed property needs keeps no history (pm_push
         * never grows it; nothing reads it): no segment, no allocation */
        if ((s->stored_mask & (UINT64_C(1) << k)) && ps_push(&e->sig[k], 0, initial[s->slot_atom[k]]) != 0)
            return -1;
    }
    for (int i = 0; i < s->n_props; i++) {
        const props_node *f = s->list->items[s->prop[i]].ast;
        e->prop[i].last = -1;
        if (f->group[0] && strcmp(f->group, group) != 0)
            e->prop[i].done = 2;
        if (s->stream_at[i] >= 0)
            pm_hot_stream(hot, at)[s->stream_at[i]] =
                (pm_stream){.decided_ns = e->prop[i].done ? INT64_MAX : 0, .last = -1};
    }
    return 0;
}

void pm_entity_free(pm_entity *e, const pm_set *s)
{
    if (e->sig)
        for (int k = 0; k < s->n_slots; k++)
            ps_free(&e->sig[k]);
    if (e->prop)
        for (int i = 0; i < s->n_props; i++)
            if (!e->prop[i].borrowed) {
                free(e->prop[i].witnesses);
                free(e->prop[i].v);
            }
    free(e->sig); /* the block (pm_entity_init_at) */
    if (e->own_hot)
        pm_hot_free(e->hot);
    e->hot = NULL;
    e->own_hot = 0;
    e->cur = NULL;
    e->cur_t = NULL;
    e->sig = NULL;
    e->prop = NULL;
}

static int decide_stream(pm_entity *e, const pm_set *s, int i, int64_t upto, pm_log *log);

int pm_push(pm_entity *e, const pm_set *s, props_atom a, int64_t t, double v)
{
    if (!e->sig || !pm_uses(s, a) || t >= s->end_ns)
        return 0;
    int k = s->atom_slot[a];
    if (t < e->cur_t[k])
        return 0; /* out of order: cannot happen within one LP's causal order */
    if (v == e->cur[k] || (isnan(v) && isnan(e->cur[k]))) {
        e->cur_t[k] = t; /* no change: nothing to decide or store */
        return 0;
    }
    /* the streamed properties of this atom: their value since their last
     * decision held up to t */
    if (s->n_props <= 64) { /* only the streamed properties naming this atom */
        for (uint64_t m = s->stream_of_slot[k]; m; m &= m - 1)
            if (decide_stream(e, s, __builtin_ctzll(m), t, NULL) != 0)
                return -1;
    } else {
        for (int i = 0; i < s->n_props; i++)
            if (s->stream[i] && (s->slot_mask[i] & (UINT64_C(1) << k)) && decide_stream(e, s, i, t, NULL) != 0)
                return -1;
    }
    e->cur[k] = v;
    e->cur_t[k] = t;
    if (!(s->stored_mask & (UINT64_C(1) << k)))
        return 0;
    e->stored = 1;
    return ps_push(&e->sig[k], t, v);
}

int pm_push_many(pm_entity *e, const pm_set *s, int64_t t, int n, const props_atom *atoms, const double *v)
{
    return pm_push_many_log(e, s, NULL, t, n, atoms, v);
}

int pm_push_many_log(pm_entity *e, const pm_set *s, pm_log *log, int64_t t, int n, const props_atom *atoms,
                     const double *v)
{
    if (!e->sig || t >= s->end_ns)
        return 0;
    if (s->n_props > 64 || n > 64) { /* no masks: one at a time */
        for (int j = 0; j < n; j++)
            if (pm_push(e, s, atoms[j], t, v[j]) != 0)
                return -1;
        return 0;
    }
    /* the streamed properties of the changed atoms, decided once with the
     * values before t (pm_push one atom after the other decides each at
     * its first changed atom, with the same values: a property is decided
     * at most once at one time) */
    uint64_t decide_mask = 0, changed = 0;
    for (int j = 0; j < n; j++) {
        int k = pm_uses(s, atoms[j]) ? s->atom_slot[atoms[j]] : -1;
        if (k < 0 || t < e->cur_t[k])
            continue;
        if (v[j] == e->cur[k] || (isnan(v[j]) && isnan(e->cur[k]))) {
            e->cur_t[k] = t;
            continue;
        }
        decide_mask |= s->stream_of_slot[k];
        changed |= UINT64_C(1) << j;
    }
    for (uint64_t m = decide_mask; m; m &= m - 1)
        if (decide_stream(e, s, __builtin_ctzll(m), t, log) != 0)
            return -1;
    for (uint64_t m = changed; m; m &= m - 1) {
        int j = __builtin_ctzll(m), k = s->atom_slot[atoms[j]];
        e->cur[k] = v[j];
        e->cur_t[k] = t;
        if (!(s->stored_mask & (UINT64_C(1) << k)))
            continue;
        e->stored = 1;
        if (ps_push(&e->sig[k], t, v[j]) != 0)
            return -1;
    }
    return 0;
}

/* The entity's atoms on [base, now), shifted to [0, now - base): the source
 * the offline evaluator reads. */
typedef struct window {
    const pm_entity *e;
    const pm_set *s;
    int64_t base, now;
} window;

static int window_signal(void *ctx, props_atom a, size_t row, ps_signal *out, char *err, size_t err_len)
{
    const window *w = ctx;
    (void)row;
    ps_init(out, w->now - w->base);
    if (!pm_uses(w->s, a)) {
        snprintf(err, err_len, "internal: atom %s not monitored", props_atom_get(a)->name);
        return -1;
    }
    const ps_signal *g = &w->e->sig[w->s->atom_slot[a]];
    if (ps_push(out, 0, ps_at(g, w->base)) != 0)
        return -1;
    for (size_t i = 0; i < g->n; i++) {
        if (g->seg[i].t <= w->base)
            continue;
        if (g->seg[i].t >= w->now)
            break;
        if (ps_push(out, g->seg[i].t - w->base, g->seg[i].v) != 0)
            return -1;
    }
    return 0;
}

static int add_violation(pm_prop *p, int64_t time_ns, int64_t obligation_ns, const char *witness);

/* A borrowed list (a slice of the folded logs) copied into the
 * property's own memory, before it grows. */
static int unborrow(pm_prop *p)
{
    pm_violation *v = p->v;
    const char *text = p->witnesses;
    size_t n = p->n_v;
    p->v = NULL;
    p->witnesses = NULL;
    p->n_v = p->cap_v = p->witness_len = p->witness_cap = 0;
    p->borrowed = 0;
    long violations = p->violations;
    for (size_t j = 0; j < n; j++)
        if (add_violation(p, v[j].time_ns, v[j].obligation_ns, text + v[j].witness_at) != 0)
            return -1;
    p->violations = violations;
    return 0;
}

static int add_violation(pm_prop *p, int64_t time_ns, int64_t obligation_ns, const char *witness)
{
    if (p->borrowed && unborrow(p) != 0)
        return -1;
    p->violations++;
    if (p->n_v == p->cap_v) {
        size_t cap = p->cap_v ? 2 * p->cap_v : 4;
        pm_violation *v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return -1;
        p->v = v;
        p->cap_v = cap;
    }
    size_t n = strlen(witness) + 1;
    if (p->witness_cap - p->witness_len < n) {
        size_t cap = p->witness_cap ? 2 * p->witness_cap : 256;
        while (cap - p->witness_len < n)
            cap *= 2;
        char *w = realloc(p->witnesses, cap);
        if (!w)
            return -1;
        p->witnesses = w;
        p->witness_cap = cap;
    }
    memcpy(p->witnesses + p->witness_len, witness, n);
    p->v[p->n_v++] = (pm_violation){.time_ns = time_ns, .obligation_ns = obligation_ns, .witness_at = p->witness_len};
    p->witness_len += n;
    return 0;
}

/* A maximal false interval starting at `start` (absolute): one violation,
 * as props_eval.c records it; the witness from the entity's own signals. */
static int violation_at(const pm_entity *e, const pm_set *s, pm_prop *p, const props_node *body, int64_t start,
                        char *err, size_t err_len)
{
    int64_t bound = props_first_bound(body);
    const ps_signal *atoms[PA_COUNT];
    for (int a = 0; a < PA_COUNT; a++)
        atoms[a] = s->atom_slot[a] >= 0 ? &e->sig[s->atom_slot[a]] : NULL;
    char wit[256];
    props_witness_atoms(body, atoms, start, wit, sizeof wit);
    int64_t t = bound < 0 ? start : bound > INT64_MAX - start ? INT64_MAX : start + bound;
    if (add_violation(p, t, bound >= 0 ? start : -1, wit) != 0) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    return 0;
}

/* Decides property i of the entity on [p->decided_ns, upto), from the
 * window [w->base, w->now). */
static int decide(pm_entity *e, const pm_set *s, int i, const window *w, int64_t upto, char *err, size_t err_len)
{
    pm_prop *p = &e->prop[i];
    const props_node *f = s->list->items[s->prop[i]].ast;
    int is_g = f->l->type == PN_G;
    const props_node *body = is_g ? f->l->l : f->l;
    props_source src = {.ctx = (void *)w, .end_ns = w->now - w->base, .signal = window_signal};
    ps_signal truth;
    if (props_truth(body, &src, 0, &truth, err, err_len) != 0)
        return -1;
    int rc = 0;
    if (!is_g) { /* decided by the value at 0 */
        double v = truth.n ? truth.seg[0].v : PV_UNKNOWN;
        if (v == PV_FALSE)
            rc = violation_at(e, s, p, body, 0, err, err_len);
        else if (v == PV_UNKNOWN)
            p->pending++;
        p->done = 1;
    } else {
        for (size_t k = 0; k < truth.n && rc == 0; k++) {
            int64_t from = truth.seg[k].t + w->base;
            int64_t to = k + 1 < truth.n ? truth.seg[k + 1].t + w->base : w->now;
            if (to <= p->decided_ns)
                continue;
            if (from >= upto)
                break;
            if (from < p->decided_ns)
                from = p->decided_ns;
            double v = truth.seg[k].v;
            if (v != p->last) { /* a new maximal interval starts at `from` */
                if (v == PV_FALSE)
                    rc = violation_at(e, s, p, body, from, err, err_len);
                else if (v == PV_UNKNOWN)
                    p->pending++;
                p->last = v;
            }
        }
        p->decided_ns = upto;
    }
    ps_free(&truth);
    return rc;
}

/* The value of n at one instant, from each slot's value there (vals),
 * with the connectives of props_eval.c (Kleene, NaN comparisons pending).
 * Temporal operators are read on a constant stretch: F[<=d] p is p and
 * p U[<=d] q is q when nothing changes within the bound. */
static double point_value(const props_node *n, const pm_set *s, const double *vals)
{
    double a, b;
    switch (n->type) {
    case PN_TRUE: return PV_TRUE;
    case PN_FALSE: return PV_FALSE;
    case PN_NUM: return n->num;
    case PN_QTY: return vals[s->atom_slot[n->atom]];
    case PN_STATE:
        a = vals[s->atom_slot[n->atom]];
        return isnan(a) ? PV_UNKNOWN : a != 0 ? PV_TRUE : PV_FALSE;
    case PN_NOT: return pv_not(point_value(n->l, s, vals));
    case PN_G:
    case PN_F: return point_value(n->l, s, vals);
    case PN_U: return point_value(n->r, s, vals);
    default: break;
    }
    a = point_value(n->l, s, vals);
    b = point_value(n->r, s, vals);
    switch (n->type) {
    case PN_AND: return pv_and(a, b);
    case PN_OR: return pv_or(a, b);
    case PN_IMPLIES: return pv_or(pv_not(a), b);
    case PN_ADD: return a + b;
    case PN_SUB: return a - b;
    case PN_MUL: return a * b;
    case PN_DIV: return a / b;
    case PN_CMP: return props_compare(a, n->cmp, b);
    default: return PV_UNKNOWN;
    }
}

/* 1 when none of property i's atoms changes in (e->base_ns, now). */
static int atoms_constant(const pm_entity *e, const pm_set *s, int i, int64_t now)
{
    for (int k = 0; k < s->n_slots; k++) {
        if (!(s->slot_mask[i] & (UINT64_C(1) << k)))
            continue;
        const ps_signal *g = &e->sig[k];
        if (g->n > 1 && g->seg[1].t < now)
            return 0;
    }
    return 1;
}

/* For each slot of e: the index of the segment in force at t, and its value
 * (NaN for a signal with no segment). */
static void segments_at(const pm_entity *e, const pm_set *s, int64_t t, size_t *at, double *vals)
{
    for (int k = 0; k < s->n_slots; k++) {
        const ps_signal *g = &e->sig[k];
        size_t j = 0;
        while (j + 1 < g->n && g->seg[j + 1].t <= t)
            j++;
        at[k] = j;
        vals[k] = g->n ? g->seg[j].v : NAN;
    }
}

/* The earliest start of a segment after at[k] among the slots in mask
 * (INT64_MAX: none). */
static int64_t next_change(const pm_entity *e, const pm_set *s, uint64_t mask, const size_t *at)
{
    int64_t next = INT64_MAX;
    for (int k = 0; k < s->n_slots; k++) {
        const ps_signal *g = &e->sig[k];
        if ((mask & (UINT64_C(1) << k)) && at[k] + 1 < g->n && g->seg[at[k] + 1].t < next)
            next = g->seg[at[k] + 1].t;
    }
    return next;
}

/* Decides `G body` of property i on [p->decided_ns, upto) point by point:
 * at decided_ns and at every change of one of its atoms before upto (the
 * body has no lookahead, or its atoms are constant up to upto + L). The
 * same maximal intervals as decide() below, with no signal built. */
static int decide_points(pm_entity *e, const pm_set *s, int i, int64_t upto, char *err, size_t err_len)
{
    pm_prop *p = &e->prop[i];
    const props_node *body = s->list->items[s->prop[i]].ast->l->l;
    double vals[PA_COUNT];
    size_t at[PA_COUNT];
    int64_t t = p->decided_ns;
    segments_at(e, s, t, at, vals);
    while (t < upto) {
        double v = point_value(body, s, vals);
        if (v != p->last) { /* a new maximal interval starts at t */
            if (v == PV_FALSE && violation_at(e, s, p, body, t, err, err_len) != 0)
                return -1;
            if (v == PV_UNKNOWN)
                p->pending++;
            p->last = v;
        }
        int64_t next = next_change(e, s, s->slot_mask[i], at); /* of one of its atoms */
        if (next >= upto)
            break;
        t = next;
        for (int k = 0; k < s->n_slots; k++) {
            const ps_signal *g = &e->sig[k];
            if (at[k] + 1 < g->n && g->seg[at[k] + 1].t == t)
                vals[k] = g->seg[++at[k]].v;
        }
    }
    p->decided_ns = upto;
    return 0;
}

/* The value of n at an instant from the slots' values there when it does
 * not depend on any F/U/G below it: those read as PV_NEED, which a short cut
 * (false && x, true || x, false -> x) hides, else PV_NEED comes out. */
enum { PV_NEED = 3 };

static double now_value(const props_node *n, const pm_set *s, const double *vals)
{
    double a, b;
    switch (n->type) {
    case PN_F:
    case PN_U:
    case PN_G: return PV_NEED;
    case PN_NOT: a = now_value(n->l, s, vals); return a == PV_NEED ? PV_NEED : pv_not(a);
    case PN_AND:
    case PN_OR:
    case PN_IMPLIES:
        a = now_value(n->l, s, vals);
        if (n->type == PN_IMPLIES)
            a = a == PV_NEED ? PV_NEED : pv_not(a);
        if (a == (n->type == PN_AND ? PV_FALSE : PV_TRUE))
            return a; /* the short cut: the right operand does not matter */
        b = now_value(n->r, s, vals);
        if (b == (n->type == PN_AND ? PV_FALSE : PV_TRUE))
            return b;
        if (a == PV_NEED || b == PV_NEED)
            return PV_NEED;
        return n->type == PN_AND ? pv_and(a, b) : pv_or(a, b);
    default: return point_value(n, s, vals); /* no temporal operator below */
    }
}

/* Property i (`G body`) on [p->decided_ns, upto) from the atoms named
 * outside its F/U alone, when that decides every instant: at decided_ns
 * and at each change of those atoms the body's value is now_value's, and
 * it holds until their next change. `record` 0: only says whether it
 * decides (1: some instant needs the F/U, evaluate); 1: decides and
 * records as decide_points does. -1: out of memory. */
static int decide_now(pm_entity *e, const pm_set *s, int i, int64_t upto, int record, char *err, size_t err_len)
{
    pm_prop *p = &e->prop[i];
    const props_node *body = s->list->items[s->prop[i]].ast->l->l;
    uint64_t mask = s->now_mask[i];
    double vals[PA_COUNT];
    size_t at[PA_COUNT];
    int64_t t = p->decided_ns;
    double last = p->last;
    segments_at(e, s, t, at, vals);
    while (t < upto) {
        double v = now_value(body, s, vals);
        if (v == PV_NEED)
            return 1;
        if (record && v != last) { /* a new maximal interval starts at t */
            if (v == PV_FALSE && violation_at(e, s, p, body, t, err, err_len) != 0)
                return -1;
            if (v == PV_UNKNOWN)
                p->pending++;
        }
        last = v;
        int64_t next = next_change(e, s, mask, at); /* of one of those atoms */
        if (next >= upto)
            break;
        t = next;
        for (int k = 0; k < s->n_slots; k++) {
            const ps_signal *g = &e->sig[k];
            while (at[k] + 1 < g->n && g->seg[at[k] + 1].t <= t)
                vals[k] = g->seg[++at[k]].v;
        }
    }
    if (record) {
        p->last = last;
        p->decided_ns = upto;
    }
    return 0;
}

/* decide_now when it decides all of [decided_ns, upto): 0 done, 1 not
 * (evaluate), -1 out of memory. */
static int decide_guarded(pm_entity *e, const pm_set *s, int i, int64_t upto, char *err, size_t err_len)
{
    int rc = decide_now(e, s, i, upto, 0, err, err_len);
    return rc != 0 ? rc : decide_now(e, s, i, upto, 1, err, err_len);
}

/* A streamed property (pm_set.stream): its body had the value of the
 * atoms' current values on [decided_ns, upto); a change of value starts a
 * new maximal interval at decided_ns (the last change of one of its atoms),
 * counted as decide() counts it. */
/* Appends a violation of streamed property i at t to log. */
static int log_violation(pm_log *log, uint32_t at, int i, int64_t t, const char *witness)
{
    size_t n = strlen(witness) + 1;
    pm_log_chunk *c = log->tail;
    if (!c || c->n == PM_LOG_RECS || PM_LOG_TEXT - c->len < n) {
        c = malloc(sizeof *c);
        if (!c)
            return -1;
        c->next = NULL;
        c->n = c->len = 0;
        if (log->tail)
            log->tail->next = c;
        else
            log->head = c;
        log->tail = c;
    }
    memcpy(c->text + c->len, witness, n);
    c->rec[c->n++] = (pm_log_rec){.time_ns = t, .at = at, .prop = (uint16_t)i, .text_at = (uint16_t)c->len};
    c->len += (uint32_t)n;
    log->n++;
    log->len += n;
    return 0;
}

static int decide_stream(pm_entity *e, const pm_set *s, int i, int64_t upto, pm_log *log)
{
    pm_stream *d = &pm_hot_stream(e->hot, e->at)[s->stream_at[i]];
    if (upto <= d->decided_ns)
        return 0; /* INT64_MAX: not in its range */
    double v = s->code[i].n ? pm_code_run(&s->code[i], e->cur)
                            : point_value(s->list->items[s->prop[i]].ast->l->l, s, e->cur);
    if (v != d->last) {
        if (v == PV_FALSE) { /* the witness from the current values */
            const props_node *body = s->list->items[s->prop[i]].ast->l->l;
            double vals[PA_COUNT];
            uint64_t known = 0;
            for (int k = 0; k < s->n_slots; k++)
                if (s->slot_mask[i] & (UINT64_C(1) << k)) {
                    vals[s->slot_atom[k]] = e->cur[k];
                    known |= UINT64_C(1) << s->slot_atom[k];
                }
            char wit[256];
            props_witness_values(body, vals, known, wit, sizeof wit);
            if (log ? log_violation(log, e->at, i, d->decided_ns, wit) != 0
                    : add_violation(&e->prop[i], d->decided_ns, -1, wit) != 0)
                return -1;
        } else if (v == PV_UNKNOWN) {
            e->prop[i].pending++;
        }
        d->last = v;
    }
    d->decided_ns = upto;
    return 0;
}

/* Drops the segments before t (the one in force at t moves to t). */
static void trim(pm_entity *e, const pm_set *s, int64_t t)
{
    if (t <= e->base_ns)
        return;
    for (int k = 0; k < s->n_slots; k++) {
        ps_signal *g = &e->sig[k];
        size_t keep = 0;
        while (keep + 1 < g->n && g->seg[keep + 1].t <= t)
            keep++;
        if (keep > 0) {
            memmove(g->seg, g->seg + keep, (g->n - keep) * sizeof *g->seg);
            g->n -= keep;
        }
        if (g->n > 0 && g->seg[0].t < t)
            g->seg[0].t = t;
    }
    e->base_ns = t;
}

int pm_check(pm_entity *e, const pm_set *s, int64_t now, char *err, size_t err_len)
{
    int64_t *checked_ns = e->sig ? pm_hot_checked(e->hot, e->at) : NULL;
    if (!e->sig || now <= e->base_ns || now - *checked_ns < s->check_span_ns)
        return 0;
    if (now > s->end_ns)
        now = s->end_ns;
    *checked_ns = now;
    /* no signal grew since the last evaluation: what it left undecided
     * waits for the next one (or pm_finish), which decides it the same way
     * (a value at c depends on [c, c + L] only), and keeps no more history */
    if (!e->stored)
        return 0;
    e->stored = 0;
    window w = {.e = e, .s = s, .base = e->base_ns, .now = now};
    int64_t keep_from = now;
    for (int i = 0; i < s->n_props; i++) {
        pm_prop *p = &e->prop[i];
        if (p->done)
            continue;
        if (s->stream[i])
            continue; /* decided at the pushes (its value changes only at one) and at pm_finish */
        int64_t la = s->lookahead[i];
        int is_g = s->list->items[s->prop[i]].ast->l->type == PN_G;
        int64_t upto = la < 0 ? -1 : now - la; /* values before it are final */
        if (upto > (is_g ? p->decided_ns : 0)) {
            int rc = 1;
            if (is_g && (la == 0 || atoms_constant(e, s, i, now)))
                rc = decide_points(e, s, i, upto, err, err_len);
            else if (is_g)
                rc = decide_guarded(e, s, i, upto, err, err_len);
            if (rc == 1)
                rc = decide(e, s, i, &w, upto, err, err_len);
            if (rc != 0)
                return -1;
        }
        if (!p->done) {
            int64_t need = is_g && la >= 0 ? p->decided_ns : e->base_ns;
            keep_from = need < keep_from ? need : keep_from;
        }
    }
    trim(e, s, keep_from);
    return 0;
}

/* The value of n over the last L of the run when its atoms are constant
 * there: every F/U window reaches past the end, so each is read as the
 * least it can be known to be (F[<=d] p: true if p, else pending; p U q:
 * true if q, false if neither p nor q, else pending). Kleene's connectives
 * are monotone in what is known, so a defined result (true or false) is
 * the value at every instant of that stretch; pending means "evaluate". */
static double tail_value(const props_node *n, const pm_set *s, const double *vals)
{
    double a, b;
    switch (n->type) {
    case PN_F: return tail_value(n->l, s, vals) == PV_TRUE ? PV_TRUE : PV_UNKNOWN;
    case PN_U:
        a = tail_value(n->l, s, vals);
        b = tail_value(n->r, s, vals);
        return b == PV_TRUE ? PV_TRUE : a == PV_FALSE && b == PV_FALSE ? PV_FALSE : PV_UNKNOWN;
    case PN_G: return PV_UNKNOWN; /* unbounded: never here (lookahead < 0) */
    case PN_NOT: return pv_not(tail_value(n->l, s, vals));
    case PN_AND: return pv_and(tail_value(n->l, s, vals), tail_value(n->r, s, vals));
    case PN_OR: return pv_or(tail_value(n->l, s, vals), tail_value(n->r, s, vals));
    case PN_IMPLIES: return pv_or(pv_not(tail_value(n->l, s, vals)), tail_value(n->r, s, vals));
    default: return point_value(n, s, vals); /* no temporal operator below */
    }
}

/* Property i (`G body`, bounded lookahead L, atoms constant from
 * decided_ns to the end) closed without the evaluator: point by point up to
 * end - L, then the last L at once when tail_value decides it. 0 done, 1
 * not decidable this way (nothing changed), -1 out of memory. */
static int finish_constant(pm_entity *e, const pm_set *s, int i, char *err, size_t err_len)
{
    pm_prop *p = &e->prop[i];
    const props_node *body = s->list->items[s->prop[i]].ast->l->l;
    double vals[PA_COUNT];
    for (int k = 0; k < s->n_slots; k++)
        vals[k] = e->sig[k].n ? e->sig[k].seg[0].v : NAN;
    double tail = tail_value(body, s, vals);
    if (tail == PV_UNKNOWN)
        return 1;
    int64_t split = s->end_ns - s->lookahead[i];
    if (split > p->decided_ns && decide_points(e, s, i, split, err, err_len) != 0)
        return -1;
    if (tail != p->last) { /* a new maximal interval starts where the tail does */
        int64_t from = split > p->decided_ns ? split : p->decided_ns;
        if (tail == PV_FALSE && violation_at(e, s, p, body, from, err, err_len) != 0)
            return -1;
        p->last = tail;
    }
    p->decided_ns = s->end_ns;
    return 0;
}

/* 1 when folded violation x goes after y: by property, then time. */
static int fold_after(const pm_fold *f, size_t x, size_t y)
{
    return f->prop[x] > f->prop[y] || (f->prop[x] == f->prop[y] && f->v[x].time_ns > f->v[y].time_ns);
}

/* Folds h's logs (pm_fold): a counting sort by entity, then each
 * entity's few by property and time (insertion: times are distinct within
 * one property, so the order does not depend on which log, that is which
 * host or thread, holds a violation). */
static int fold_logs(pm_hot *h)
{
    size_t total = 0, text = 0;
    for (uint32_t k = 0; k < h->n_logs; k++) {
        total += h->logs[k].n;
        text += h->logs[k].len;
    }
    pm_fold *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    h->fold = f;
    f->start = calloc((size_t)h->n + 1, sizeof *f->start);
    f->v = malloc((total ? total : 1) * sizeof *f->v);
    f->prop = malloc((total ? total : 1) * sizeof *f->prop);
    f->text = malloc(text ? text : 1);
    if (!f->start || !f->v || !f->prop || !f->text)
        return -1;
    for (uint32_t k = 0; k < h->n_logs; k++)
        for (const pm_log_chunk *c = h->logs[k].head; c; c = c->next)
            for (uint32_t r = 0; r < c->n; r++)
                f->start[c->rec[r].at + 1]++;
    for (uint32_t j = 0; j < h->n; j++)
        f->start[j + 1] += f->start[j];
    size_t *fill = malloc(((size_t)h->n ? h->n : 1) * sizeof *fill);
    if (!fill)
        return -1;
    memcpy(fill, f->start, (size_t)h->n * sizeof *fill);
    size_t text_at = 0;
    for (uint32_t k = 0; k < h->n_logs; k++)
        for (const pm_log_chunk *c = h->logs[k].head; c; c = c->next) {
            memcpy(f->text + text_at, c->text, c->len);
            for (uint32_t r = 0; r < c->n; r++) {
                const pm_log_rec *x = &c->rec[r];
                size_t to = fill[x->at]++;
                f->v[to] =
                    (pm_violation){.time_ns = x->time_ns, .obligation_ns = -1, .witness_at = text_at + x->text_at};
                f->prop[to] = x->prop;
            }
            text_at += c->len;
        }
    free(fill);
    for (uint32_t j = 0; j < h->n; j++)
        for (size_t a = f->start[j] + 1; a < f->start[j + 1]; a++)
            for (size_t b = a; b > f->start[j] && fold_after(f, b - 1, b); b--) {
                pm_violation tv = f->v[b];
                f->v[b] = f->v[b - 1];
                f->v[b - 1] = tv;
                uint32_t tp = f->prop[b];
                f->prop[b] = f->prop[b - 1];
                f->prop[b - 1] = tp;
            }
    free_logs(h);
    return 0;
}

/* Entity e's part of the folded logs into its lists: a property with no
 * violation of its own borrows its slice; one with some (decided without
 * a log: at records, at the end) gets both merged in time order. */
static int take_fold(pm_entity *e)
{
    const pm_fold *f = e->hot->fold;
    size_t a = f->start[e->at], end = f->start[e->at + 1];
    e->folded = 1;
    while (a < end) {
        size_t b = a;
        while (b < end && f->prop[b] == f->prop[a])
            b++;
        pm_prop *p = &e->prop[f->prop[a]];
        if (p->n_v == 0) {
            if (!p->borrowed) {
                free(p->v);
                free(p->witnesses);
            }
            p->v = f->v + a;
            p->n_v = p->cap_v = b - a;
            p->witnesses = f->text;
            p->witness_len = p->witness_cap = 0;
            p->borrowed = 1;
            p->violations += (long)(b - a);
        } else { /* merge: both lists are in time order */
            pm_prop own = *p;
            p->v = NULL;
            p->witnesses = NULL;
            p->n_v = p->cap_v = p->witness_len = p->witness_cap = 0;
            p->borrowed = 0;
            size_t x = 0, y = a;
            int rc = 0;
            while (rc == 0 && (x < own.n_v || y < b)) {
                if (y == b || (x < own.n_v && own.v[x].time_ns < f->v[y].time_ns)) {
                    rc = add_violation(p, own.v[x].time_ns, own.v[x].obligation_ns, pm_witness(&own, x));
                    x++;
                } else {
                    rc = add_violation(p, f->v[y].time_ns, -1, f->text + f->v[y].witness_at);
                    y++;
                }
            }
            p->violations = own.violations + (long)(b - a);
            if (!own.borrowed) {
                free(own.v);
                free(own.witnesses);
            }
            if (rc != 0)
                return -1;
        }
        a = b;
    }
    return 0;
}

int pm_finish(pm_entity *e, const pm_set *s, char *err, size_t err_len)
{
    if (e->hot && e->hot->logs && !e->hot->fold && fold_logs(e->hot) != 0) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    if (e->hot && e->hot->fold && e->sig && !e->folded && take_fold(e) != 0) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    if (!e->sig || s->end_ns <= e->base_ns)
        return 0;
    window w = {.e = e, .s = s, .base = e->base_ns, .now = s->end_ns};
    for (int i = 0; i < s->n_props; i++) {
        if (e->prop[i].done)
            continue;
        int rc = 1;
        if (s->stream[i])
            rc = decide_stream(e, s, i, s->end_ns, NULL);
        else if (s->list->items[s->prop[i]].ast->l->type == PN_G && s->lookahead[i] >= 0 &&
                 atoms_constant(e, s, i, s->end_ns))
            rc = finish_constant(e, s, i, err, err_len);
        if (rc == 1 && s->list->items[s->prop[i]].ast->l->type == PN_G && !s->stream[i])
            rc = decide_guarded(e, s, i, s->end_ns, err, err_len);
        if (rc == 1)
            rc = decide(e, s, i, &w, s->end_ns, err, err_len);
        if (rc != 0) {
            snprintf(err, err_len, "out of memory");
            return -1;
        }
    }
    return 0;
}
