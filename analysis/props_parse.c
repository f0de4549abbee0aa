/* props_parse.c - recursive-descent parser of the property language (see
 * props_parse.h for the grammar; docs/properties.md for the semantics). */
#include "analysis/props_parse.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/units.h"

static const props_atom_info atoms[PA_COUNT] = {
    [PA_VM_RUNNING] = {"vm.running", PK_VM, 1, PU_ONE},
    [PA_VM_MIGRATING] = {"vmotion.active", PK_VM, 1, PU_ONE},
    [PA_VM_FAILED] = {"vm.failed", PK_VM, 1, PU_ONE},
    [PA_VM_CPU_READY] = {"vm.cpu_ready", PK_VM, 0, PU_ONE},
    [PA_VM_CPU_DEMAND] = {"vm.cpu_demand", PK_VM, 0, PU_MHZ},
    [PA_VM_CPU_ENTITLEMENT] = {"vm.cpu_entitlement", PK_VM, 0, PU_MHZ},
    [PA_VM_CPU_LIMIT] = {"vm.cpu_limit", PK_VM, 0, PU_MHZ},
    [PA_VM_CPU_RESERVATION] = {"vm.cpu_reservation", PK_VM, 0, PU_MHZ},
    [PA_HOST_UP] = {"host.up", PK_HOST, 1, PU_ONE},
    [PA_HOST_FAILED] = {"host.failed", PK_HOST, 1, PU_ONE},
    [PA_HOST_MAINTENANCE] = {"host.maintenance", PK_HOST, 1, PU_ONE},
    [PA_HOST_CPU_USAGE] = {"host.cpu_usage", PK_HOST, 0, PU_MHZ},
    [PA_HOST_CPU_DEMAND] = {"host.cpu_demand", PK_HOST, 0, PU_MHZ},
    [PA_HOST_CPU_READY] = {"host.cpu_ready", PK_HOST, 0, PU_ONE},
    [PA_HOST_CPU_CAPACITY] = {"host.cpu_capacity", PK_HOST, 0, PU_MHZ},
    [PA_HOST_MEMORY_CONSUMED] = {"host.memory_consumed", PK_HOST, 0, PU_MIB},
    [PA_HOST_MEMORY_CAPACITY] = {"host.memory_capacity", PK_HOST, 0, PU_MIB},
    [PA_HOST_POWER] = {"host.power", PK_HOST, 0, PU_W},
    [PA_HOST_VMS_RUNNING] = {"host.vms_running", PK_HOST, 0, PU_ONE},
    [PA_SERVICE_LATENCY_P50] = {"service.latency_p50", PK_SERVICE, 0, PU_NS},
    [PA_SERVICE_LATENCY_P95] = {"service.latency_p95", PK_SERVICE, 0, PU_NS},
    [PA_SERVICE_LATENCY_P99] = {"service.latency_p99", PK_SERVICE, 0, PU_NS},
    [PA_SERVICE_THROUGHPUT] = {"service.throughput", PK_SERVICE, 0, PU_RPS},
    [PA_POD_PENDING] = {"pod.pending", PK_POD, 1, PU_ONE},
    [PA_POD_RUNNING] = {"pod.running", PK_POD, 1, PU_ONE},
    [PA_VM_POWER_STATE] = {"vm.power_state", PK_VM, 0, PU_ONE},
    [PA_VM_POWER_STATE_BEFORE] = {"vm.power_state_before", PK_VM, 0, PU_ONE},
    [PA_POD_PHASE] = {"pod.phase", PK_POD, 0, PU_ONE},
    [PA_POD_PHASE_BEFORE] = {"pod.phase_before", PK_POD, 0, PU_ONE},
    [PA_CLUSTER_FAILOVER_CAPACITY] = {"cluster.failover_capacity", PK_CLUSTER, 0, PU_ONE},
    [PA_CLUSTER_FAILOVER_LEVEL] = {"cluster.failover_level", PK_CLUSTER, 0, PU_ONE},
    [PA_CLUSTER_HOSTS] = {"cluster.hosts", PK_CLUSTER, 0, PU_ONE},
    [PA_CLUSTER_HOSTS_UP] = {"cluster.hosts_up", PK_CLUSTER, 0, PU_ONE},
    [PA_CLUSTER_IMBALANCE] = {"cluster.imbalance", PK_CLUSTER, 0, PU_ONE},
    [PA_CLUSTER_IMBALANCE_TARGET] = {"cluster.imbalance_target", PK_CLUSTER, 0, PU_ONE},
    [PA_CLUSTER_HOSTS_CHANGED] = {"cluster.hosts_changed", PK_CLUSTER, 1, PU_ONE},
    [PA_HOST_CPU_SHARE_ERROR] = {"host.cpu_share_error", PK_HOST, 0, PU_ONE},
};

const props_atom_info *props_atom_get(props_atom a)
{
    return (a >= 0 && a < PA_COUNT) ? &atoms[a] : NULL;
}

const char *props_unit_name(props_unit u)
{
    static const char *names[] = {"1", "MHz", "ns", "MiB", "W", "req/s"};
    return (u >= PU_ONE && u <= PU_RPS) ? names[u] : "?";
}

static const char *kind_name(props_kind k)
{
    return k == PK_VM ? "vm" : k == PK_HOST ? "host" : k == PK_SERVICE ? "service" : k == PK_POD ? "pod" : k == PK_CLUSTER ? "cluster" : "none";
}

typedef struct parser {
    const char *text;
    size_t pos;
    int failed;
    char *err;
    size_t err_len;
    props_kind scope; /* the kind bound by the enclosing forall */
    int depth;
    int nodes;
} parser;

#define MAX_DEPTH 200 /* nesting limit: hostile input must not exhaust the stack */
/* Node limit: a chain such as "a U[<=1s] a U[<=1s] ..." recurses once per
 * U while parsing, and "a && a && ..." makes a tree as deep as it is long,
 * which props_free, props_format and the evaluator recurse over; neither is
 * nesting, so MAX_DEPTH does not bound them. 50,000 of either overflowed
 * the stack of the ASan build. A property is a few dozen nodes. */
#define MAX_NODES 1000

static int fail(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return 0;
    p->failed = 1;
    int n = snprintf(p->err, p->err_len, "column %zu: ", pos + 1);
    if (n >= 0 && (size_t)n < p->err_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->err_len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return 0;
}

static void skip_space(parser *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

/* Consumes `tok` (after spaces) when it is next; words must end there. */
static int accept(parser *p, const char *tok)
{
    skip_space(p);
    size_t n = strlen(tok);
    if (strncmp(p->text + p->pos, tok, n) != 0)
        return 0;
    if (isalpha((unsigned char)tok[0])) {
        char c = p->text[p->pos + n];
        if (isalnum((unsigned char)c) || c == '_' || c == '.')
            return 0;
    }
    p->pos += n;
    return 1;
}

static int expect(parser *p, const char *tok, const char *what)
{
    if (accept(p, tok))
        return 1;
    return fail(p, p->pos, "expected %s", what);
}

static props_node *node(parser *p, props_node_type t, size_t pos)
{
    if (++p->nodes > MAX_NODES) {
        fail(p, pos, "more than %d operators and operands (a shorter formula, please)", MAX_NODES);
        return NULL;
    }
    props_node *n = calloc(1, sizeof *n);
    if (!n) {
        fail(p, pos, "out of memory");
        return NULL;
    }
    n->type = t;
    n->column = (int)pos + 1;
    return n;
}

static props_node *binary(parser *p, props_node_type t, size_t pos, props_node *l, props_node *r)
{
    if (!l || !r) {
        props_free(l);
        props_free(r);
        return NULL;
    }
    props_node *n = node(p, t, pos);
    if (!n) {
        props_free(l);
        props_free(r);
        return NULL;
    }
    n->l = l;
    n->r = r;
    return n;
}

/* Reads a word of letters, digits, '_' and '.' into buf. */
static size_t read_word(parser *p, char *buf, size_t len)
{
    skip_space(p);
    size_t start = p->pos, n = 0;
    while (isalnum((unsigned char)p->text[p->pos]) || p->text[p->pos] == '_' || p->text[p->pos] == '.') {
        if (n + 1 < len)
            buf[n++] = p->text[p->pos];
        p->pos++;
    }
    buf[n] = '\0';
    return p->pos - start;
}

/* A double-quoted string without escapes. */
static int read_string(parser *p, char *buf, size_t len)
{
    skip_space(p);
    size_t start = p->pos;
    if (p->text[p->pos] != '"')
        return fail(p, start, "expected a double-quoted string");
    p->pos++;
    size_t n = 0;
    while (p->text[p->pos] && p->text[p->pos] != '"') {
        if (n + 1 >= len)
            return fail(p, start, "string longer than %zu bytes", len - 1);
        buf[n++] = p->text[p->pos++];
    }
    if (!p->text[p->pos])
        return fail(p, start, "unterminated string");
    p->pos++;
    buf[n] = '\0';
    return 1;
}

/* '[' '<=' DURATION ']' after G/F/U. */
static int read_bound(parser *p, int64_t *ns)
{
    if (!expect(p, "[", "'[<=DURATION]' (a time bound such as F[<=5m])") || !expect(p, "<=", "'<=' in the time bound"))
        return 0;
    skip_space(p);
    size_t start = p->pos;
    char buf[64];
    size_t n = 0;
    while (p->text[p->pos] && p->text[p->pos] != ']') {
        if (n + 1 < sizeof buf)
            buf[n++] = p->text[p->pos];
        p->pos++;
    }
    buf[n] = '\0';
    if (!p->text[p->pos])
        return fail(p, p->pos, "expected ']' after the time bound");
    char why[200];
    if (units_parse_duration_ns(buf, ns, why, sizeof why) != 0)
        return fail(p, start, "expected a duration: %s", why);
    p->pos++;
    return 1;
}

static props_atom find_atom(const char *name)
{
    for (int i = 0; i < PA_COUNT; i++)
        if (strcmp(atoms[i].name, name) == 0)
            return (props_atom)i;
    return PA_COUNT;
}

static props_node *atom_node(parser *p, size_t pos, const char *word, int want_state)
{
    props_atom a = find_atom(word);
    if (a == PA_COUNT) {
        fail(p, pos, "unknown predicate '%s' (see docs/properties.md for the list)", word);
        return NULL;
    }
    if (atoms[a].is_state != want_state) {
        fail(p, pos, "'%s' is a %s, expected a %s here", word, atoms[a].is_state ? "state" : "quantity",
             want_state ? "state" : "quantity");
        return NULL;
    }
    if (atoms[a].kind != p->scope) {
        fail(p, pos, "'%s' needs an enclosing 'forall %s:'", word, kind_name(atoms[a].kind));
        return NULL;
    }
    props_node *n = node(p, want_state ? PN_STATE : PN_QTY, pos);
    if (n) {
        n->atom = a;
        n->unit = atoms[a].unit;
    }
    return n;
}

/* "200ms", "2.6GHz", "4GiB", "150W": a value in the unit's base. */
static int parse_unit_value(parser *p, size_t pos, const char *s, double *v, props_unit *u)
{
    int64_t ns;
    uint64_t bytes;
    double d;
    if (units_parse_duration_ns(s, &ns, NULL, 0) == 0) {
        *v = (double)ns;
        *u = PU_NS;
    } else if (units_parse_mhz(s, &d, NULL, 0) == 0) {
        *v = d;
        *u = PU_MHZ;
    } else if (units_parse_bytes(s, &bytes, NULL, 0) == 0) {
        *v = (double)bytes / (1024.0 * 1024.0);
        *u = PU_MIB;
    } else if (units_parse_watts(s, &d, NULL, 0) == 0) {
        *v = d;
        *u = PU_W;
    } else {
        return fail(p, pos, "expected a value with a unit (a duration, frequency, size or power) in \"%s\"", s);
    }
    return 1;
}

static props_node *parse_expr(parser *p);

static props_node *parse_factor(parser *p)
{
    skip_space(p);
    size_t pos = p->pos;
    const char *c = p->text + pos;
    if (accept(p, "(")) {
        props_node *e = parse_expr(p);
        if (e && !expect(p, ")", "')'")) {
            props_free(e);
            return NULL;
        }
        return e;
    }
    if (*c == '"') {
        char s[64];
        double v = 0;
        props_unit u = PU_ONE;
        if (!read_string(p, s, sizeof s) || !parse_unit_value(p, pos, s, &v, &u))
            return NULL;
        props_node *n = node(p, PN_NUM, pos);
        if (n) {
            n->num = v;
            n->unit = u;
        }
        return n;
    }
    if (isdigit((unsigned char)*c) || *c == '.') {
        char *end;
        double v = strtod(c, &end);
        if (end == c || !isfinite(v)) {
            fail(p, pos, "expected a number");
            return NULL;
        }
        p->pos += (size_t)(end - c);
        props_node *n = node(p, PN_NUM, pos);
        if (n)
            n->num = v;
        return n;
    }
    if (isalpha((unsigned char)*c)) {
        char word[64];
        read_word(p, word, sizeof word);
        return atom_node(p, pos, word, 0);
    }
    fail(p, pos, "expected a number, a quantity (such as host.cpu_usage) or a value with a unit");
    return NULL;
}

/* Units of a * or / b; -1 on a mismatch. */
static int combine_units(props_node_type t, props_unit a, props_unit b)
{
    if (t == PN_ADD || t == PN_SUB)
        return a == b ? (int)a : -1;
    if (t == PN_MUL)
        return a == PU_ONE ? (int)b : b == PU_ONE ? (int)a : -1;
    return b == PU_ONE ? (int)a : a == b ? (int)PU_ONE : -1; /* PN_DIV */
}

static props_node *arith(parser *p, props_node_type t, size_t pos, props_node *l, props_node *r)
{
    props_node *n = binary(p, t, pos, l, r);
    if (!n)
        return NULL;
    int u = combine_units(t, l->unit, r->unit);
    if (u < 0) {
        fail(p, pos, "unit mismatch: %s %s %s", props_unit_name(l->unit),
             t == PN_ADD ? "+" : t == PN_SUB ? "-" : t == PN_MUL ? "*" : "/", props_unit_name(r->unit));
        props_free(n);
        return NULL;
    }
    n->unit = (props_unit)u;
    return n;
}

static props_node *parse_term(parser *p)
{
    props_node *l = parse_factor(p);
    while (l) {
        skip_space(p);
        size_t pos = p->pos;
        if (accept(p, "*"))
            l = arith(p, PN_MUL, pos, l, parse_factor(p));
        else if (accept(p, "/"))
            l = arith(p, PN_DIV, pos, l, parse_factor(p));
        else
            break;
    }
    return l;
}

static props_node *parse_expr(parser *p)
{
    if (++p->depth > MAX_DEPTH) {
        fail(p, p->pos, "nested deeper than %d levels", MAX_DEPTH);
        return NULL;
    }
    props_node *l = parse_term(p);
    while (l) {
        skip_space(p);
        size_t pos = p->pos;
        if (p->text[pos] == '-' && p->text[pos + 1] == '>')
            break; /* an implication, not a minus */
        if (accept(p, "+"))
            l = arith(p, PN_ADD, pos, l, parse_term(p));
        else if (accept(p, "-"))
            l = arith(p, PN_SUB, pos, l, parse_term(p));
        else
            break;
    }
    p->depth--;
    return l;
}

static props_node *parse_comparison(parser *p)
{
    props_node *l = parse_expr(p);
    if (!l)
        return NULL;
    skip_space(p);
    size_t pos = p->pos;
    static const struct {
        const char *tok;
        props_cmp cmp;
    } ops[] = {{"<=", PC_LE}, {">=", PC_GE}, {"==", PC_EQ}, {"!=", PC_NE}, {"<", PC_LT}, {">", PC_GT}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (accept(p, ops[i].tok)) {
            props_node *r = parse_expr(p);
            props_node *n = binary(p, PN_CMP, pos, l, r);
            if (!n)
                return NULL;
            n->cmp = ops[i].cmp;
            if (l->unit != r->unit) {
                fail(p, pos, "unit mismatch: %s compared with %s", props_unit_name(l->unit), props_unit_name(r->unit));
                props_free(n);
                return NULL;
            }
            return n;
        }
    fail(p, pos, "expected a comparison (<, <=, >, >=, ==, !=) after the quantity");
    props_free(l);
    return NULL;
}

static props_node *parse_formula(parser *p);

static props_node *parse_primary(parser *p)
{
    skip_space(p);
    size_t pos = p->pos;
    if (accept(p, "(")) {
        props_node *f = parse_formula(p);
        if (f && !expect(p, ")", "')'")) {
            props_free(f);
            return NULL;
        }
        return f;
    }
    if (accept(p, "true"))
        return node(p, PN_TRUE, pos);
    if (accept(p, "false"))
        return node(p, PN_FALSE, pos);
    if (isalpha((unsigned char)p->text[pos])) {
        char word[64];
        size_t save = p->pos;
        read_word(p, word, sizeof word);
        props_atom a = find_atom(word);
        if (a != PA_COUNT && atoms[a].is_state)
            return atom_node(p, pos, word, 1);
        p->pos = save; /* a quantity: the start of a comparison */
    }
    if (p->text[pos] == '\0') {
        fail(p, pos, "expected a formula, found the end of the text");
        return NULL;
    }
    return parse_comparison(p);
}

static props_node *parse_unary(parser *p)
{
    if (++p->depth > MAX_DEPTH) {
        fail(p, p->pos, "nested deeper than %d levels", MAX_DEPTH);
        return NULL;
    }
    skip_space(p);
    size_t pos = p->pos;
    props_node *n = NULL;
    if (accept(p, "!") || accept(p, "G")) {
        props_node_type t = p->text[pos] == '!' ? PN_NOT : PN_G;
        props_node *sub = parse_unary(p);
        n = sub ? node(p, t, pos) : NULL;
        if (n)
            n->l = sub;
        else
            props_free(sub);
    } else if (p->text[pos] == 'F' && !isalnum((unsigned char)p->text[pos + 1]) && p->text[pos + 1] != '_' &&
               p->text[pos + 1] != '.') {
        p->pos++;
        int64_t d;
        if (read_bound(p, &d)) {
            props_node *sub = parse_unary(p);
            n = sub ? node(p, PN_F, pos) : NULL;
            if (n) {
                n->l = sub;
                n->bound_ns = d;
            } else {
                props_free(sub);
            }
        }
    } else {
        n = parse_primary(p);
    }
    p->depth--;
    return n;
}

static props_node *parse_until(parser *p)
{
    props_node *l = parse_unary(p);
    skip_space(p);
    size_t pos = p->pos;
    if (!l || p->text[pos] != 'U' || isalnum((unsigned char)p->text[pos + 1]) || p->text[pos + 1] == '_')
        return l;
    p->pos++;
    int64_t d;
    if (!read_bound(p, &d)) {
        props_free(l);
        return NULL;
    }
    props_node *n = binary(p, PN_U, pos, l, parse_until(p));
    if (n)
        n->bound_ns = d;
    return n;
}

static props_node *parse_and(parser *p)
{
    props_node *l = parse_until(p);
    while (l) {
        skip_space(p);
        size_t pos = p->pos;
        if (!accept(p, "&&"))
            break;
        l = binary(p, PN_AND, pos, l, parse_until(p));
    }
    return l;
}

static props_node *parse_or(parser *p)
{
    props_node *l = parse_and(p);
    while (l) {
        skip_space(p);
        size_t pos = p->pos;
        if (!accept(p, "||"))
            break;
        l = binary(p, PN_OR, pos, l, parse_and(p));
    }
    return l;
}

static props_node *parse_implies(parser *p)
{
    if (++p->depth > MAX_DEPTH) {
        fail(p, p->pos, "nested deeper than %d levels", MAX_DEPTH);
        return NULL;
    }
    props_node *l = parse_or(p);
    skip_space(p);
    size_t pos = p->pos;
    if (l && accept(p, "->"))
        l = binary(p, PN_IMPLIES, pos, l, parse_implies(p));
    p->depth--;
    return l;
}

static props_node *parse_forall(parser *p, size_t pos)
{
    if (p->scope != PK_NONE) {
        fail(p, pos, "nested 'forall' is not supported (one quantifier per property)");
        return NULL;
    }
    skip_space(p);
    size_t kpos = p->pos;
    char word[32];
    read_word(p, word, sizeof word);
    props_kind k = strcmp(word, "vm") == 0 ? PK_VM : strcmp(word, "host") == 0 ? PK_HOST
                 : strcmp(word, "service") == 0 ? PK_SERVICE : strcmp(word, "pod") == 0 ? PK_POD
                 : strcmp(word, "cluster") == 0 ? PK_CLUSTER : PK_NONE;
    if (k == PK_NONE) {
        fail(p, kpos, "expected an entity kind after 'forall': vm, host, service, pod or cluster");
        return NULL;
    }
    props_node *n = node(p, PN_FORALL, pos);
    if (!n)
        return NULL;
    n->kind = k;
    if (accept(p, "in")) {
        skip_space(p);
        size_t gpos = p->pos;
        if (k == PK_POD && accept(p, "deployment")) {
            n->in_deployment = 1;
        } else if (!accept(p, "group")) {
            fail(p, gpos, k == PK_POD ? "expected 'group \"NAME\"' or 'deployment \"NAME\"' after 'in'"
                                      : "expected 'group \"NAME\"' after 'in'");
            props_free(n);
            return NULL;
        }
        if (!read_string(p, n->group, sizeof n->group)) {
            props_free(n);
            return NULL;
        }
    }
    if (!expect(p, ":", "':' after the quantifier")) {
        props_free(n);
        return NULL;
    }
    p->scope = k;
    n->l = parse_formula(p);
    p->scope = PK_NONE;
    if (!n->l) {
        props_free(n);
        return NULL;
    }
    return n;
}

static props_node *parse_formula(parser *p)
{
    skip_space(p);
    size_t pos = p->pos;
    if (accept(p, "forall"))
        return parse_forall(p, pos);
    return parse_implies(p);
}

props_node *props_parse(const char *text, char *err, size_t err_len)
{
    parser p = {.text = text, .err = err, .err_len = err_len};
    if (err_len)
        err[0] = '\0';
    props_node *n = parse_formula(&p);
    skip_space(&p);
    if (n && p.text[p.pos] != '\0') {
        fail(&p, p.pos, "expected an operator (&&, ||, ->, U[<=d]) or the end of the formula");
        props_free(n);
        return NULL;
    }
    if (!n && !p.failed)
        fail(&p, p.pos, "expected a formula");
    return n;
}

void props_free(props_node *n)
{
    if (!n)
        return;
    props_free(n->l);
    props_free(n->r);
    free(n);
}

void props_append(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

static void format_rec(const props_node *n, char *buf, size_t len)
{
    static const char *cmps[] = {"<", "<=", ">", ">=", "==", "!="};
    static const char *bins[] = {[PN_AND] = "&&", [PN_OR] = "||", [PN_IMPLIES] = "->", [PN_ADD] = "+",
                                 [PN_SUB] = "-", [PN_MUL] = "*", [PN_DIV] = "/"};
    char d[64];
    switch (n->type) {
    case PN_TRUE: props_append(buf, len, "true"); return;
    case PN_FALSE: props_append(buf, len, "false"); return;
    case PN_STATE:
    case PN_QTY: props_append(buf, len, "%s", atoms[n->atom].name); return;
    case PN_NUM: props_append(buf, len, "%g", n->num); return;
    case PN_NOT: props_append(buf, len, "!"); format_rec(n->l, buf, len); return;
    case PN_G: props_append(buf, len, "G "); format_rec(n->l, buf, len); return;
    case PN_F:
        units_format_duration_ns(n->bound_ns, d, sizeof d);
        props_append(buf, len, "F[<=%s] ", d);
        format_rec(n->l, buf, len);
        return;
    case PN_FORALL:
        props_append(buf, len, "forall %s", kind_name(n->kind));
        if (n->group[0])
            props_append(buf, len, " in %s \"%s\"", n->in_deployment ? "deployment" : "group", n->group);
        props_append(buf, len, ": ");
        format_rec(n->l, buf, len);
        return;
    default: break;
    }
    props_append(buf, len, "(");
    format_rec(n->l, buf, len);
    if (n->type == PN_CMP) {
        props_append(buf, len, " %s ", cmps[n->cmp]);
    } else if (n->type == PN_U) {
        units_format_duration_ns(n->bound_ns, d, sizeof d);
        props_append(buf, len, " U[<=%s] ", d);
    } else {
        props_append(buf, len, " %s ", bins[n->type]);
    }
    format_rec(n->r, buf, len);
    props_append(buf, len, ")");
}

void props_format(const props_node *n, char *buf, size_t len)
{
    if (len == 0)
        return;
    buf[0] = '\0';
    if (n)
        format_rec(n, buf, len);
}
