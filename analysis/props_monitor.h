/* props_monitor.h - online monitors of properties (issue 17, item 2): the
 * same semantics as the offline checker (props_eval.h), computed while a
 * run goes, one entity at a time, from values pushed as they happen.
 *
 * Contract. A pm_set holds the properties of a props_list whose forall
 * ranges over one entity kind, with the atoms they name. A pm_entity holds one entity's
 * atoms as piecewise-constant signals from `base_ns` on, and per property
 * the part of the run already decided.
 *  - pm_push(t, atom, v): from t on the atom is v (in time order over all
 *    the entity's atoms: a push before an atom's last one is ignored; the
 *    last push at one time wins; times >= the run's end are ignored).
 *  - pm_check(now): every value of a property's body at c < now - L (L its
 *    lookahead, props_lookahead_ns) is final, since it depends only on
 *    [c, c + L] and nothing before `now` can change any more: those are
 *    decided, violations and pendings counted exactly as props_evaluate
 *    counts them (maximal false / pending intervals of the body), and the
 *    signals before the oldest undecided instant are dropped. Cost: the
 *    segments of the undecided window, O(L / sample period + events in it).
 *    Two cases need no signal built: a property `G body` whose body has
 *    no F/U/G (L = 0) is decided as its atoms change (pm_push: the value
 *    since its last change is final once one of its atoms changes again),
 *    from the atoms' current values, so its cost is a few comparisons per
 *    change and an atom that only such properties name keeps no history;
 *    and a body whose atoms did not change in the window is constant on it
 *    (F[<=d] p = p, p U[<=d] q = q there), decided without evaluation.
 *    A streamed body runs as a postfix program (pm_code) with Kleene's
 *    short cuts. A `G body` whose value at every undecided instant is
 *    fixed by the atoms outside its F/U (a short cut: `false -> F[<=d] x`)
 *    is decided from those atoms' changes, without evaluation.
 *    A body with an unbounded lookahead (a G inside) is decided at the end.
 *    The streamed properties are left to the pushes (their value changes
 *    only at one). A check after which no signal grew (no push changed a
 *    stored atom) does nothing: what it would decide is decided the same
 *    way by the next check that evaluates, or by pm_finish (a body's value
 *    at c depends on [c, c + L] only), and no history accumulates.
 *  - Hot state: the values every push reads and writes (each atom's current
 *    value, the streamed properties' decisions, the last check) live in a
 *    pm_hot, one row per entity, shared by the entities of
 *    pm_entity_init_at (the VMs and hosts of a run) or private to one
 *    (pm_entity_init); the signals and violations in the entity's own
 *    block, or, for the streamed violations of pm_push_many_log, in the
 *    hot state's logs until pm_finish.
 *  - pm_finish(): decides the rest against the run's end (pending windows
 *    past it, as offline).
 * The entity's violations (time, obligation start, witness) are kept in
 * time order per property until the caller writes them (those a push
 * logged, pm_push_many_log, from pm_finish on). Each entity is
 * touched by one thread at a time (the LP owning it): no shared state.
 * Functions return 0, or -1 when memory runs out (message in err).
 */
#ifndef VDCSIM_ANALYSIS_PROPS_MONITOR_H
#define VDCSIM_ANALYSIS_PROPS_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/props_eval.h"
#include "analysis/props_file.h"

/* A streamed body compiled to a postfix program (props_monitor.c). */
typedef struct pm_code {
    struct pm_op *op;
    int n, cap; /* n == 0: not compiled, evaluated over the tree */
} pm_code;

typedef struct pm_set {
    const props_list *list;
    props_kind kind;
    int n_props;
    int *prop;            /* indices into list->items */
    int64_t *lookahead;   /* per property of the set, -1 unbounded */
    uint64_t *slot_mask;  /* per property: bit k set when it names slot k's atom */
    int *stream;          /* per property: `G body` with a body without F/U/G,
                           * decided at its atoms' changes, keeping no history */
    pm_code *code;        /* per property: a streamed body's program */
    uint64_t *now_mask;   /* per property: the slots named outside its F/U */
    uint64_t stored_mask; /* slots some other property needs as a signal */
    int atom_slot[PA_COUNT]; /* -1: no property names it */
    uint64_t stream_of_slot[PA_COUNT]; /* per slot: bit i for streamed property i < 64 naming it */
    props_atom slot_atom[PA_COUNT];
    int n_slots;
    int64_t end_ns;
    /* pm_check works only once the undecided window spans this much (0:
     * at every call): fewer, longer evaluations cost less than many short
     * ones (a window's fixed cost is a few allocations per atom), and the
     * decisions are the same. */
    int64_t check_span_ns;
    int *stream_at; /* per property: its index among the streamed ones (pm_hot.stream), -1 */
    int n_stream;
} pm_set;

typedef struct pm_violation {
    int64_t time_ns, obligation_ns;
    size_t witness_at; /* offset of its witness in pm_prop.witnesses (pm_witness) */
} pm_violation;

/* A property's cold state (its violations), and for a windowed property
 * its decision so far; a streamed property's decision is hot (pm_hot). */
typedef struct pm_prop {
    int64_t decided_ns; /* values before it are final and counted (windowed) */
    double last;        /* the body's value just before decided_ns (-1: none yet; windowed) */
    int done;           /* 1: decided (a body without G, at 0); 2: entity not in range */
    unsigned char borrowed; /* v and witnesses are slices of the hot state's folded logs
                             * (pm_hot.fold): not this entity's to free or grow */
    long violations, pending;
    pm_violation *v;
    size_t n_v, cap_v;
    char *witnesses; /* the witnesses, NUL-terminated one after the other:
                      * one growing block, not one allocation per violation */
    size_t witness_len, witness_cap;
} pm_prop;

/* The witness of violation j of p. */
static inline const char *pm_witness(const pm_prop *p, size_t j) { return p->witnesses + p->v[j].witness_at; }

/* A streamed property's decision for one entity: the values before
 * decided_ns are final and counted (INT64_MAX: the entity is not in its
 * range); last: the body's value just before (-1: none yet). */
typedef struct pm_stream {
    int64_t decided_ns;
    double last;
} pm_stream;

/* Violations of streamed properties logged where they are decided
 * (pm_push_many_log) instead of in each entity's block: a log belongs to
 * one LP (a host), so one thread writes it at a time; appending to it
 * costs no miss into the entity's block and no allocation per entity. */
typedef struct pm_log_rec {
    int64_t time_ns;
    uint32_t at;      /* the entity's number in the hot state */
    uint16_t prop;    /* the property's index in the set (< 64: pm_push_many_log logs only then) */
    uint16_t text_at; /* its witness in the chunk's text */
} pm_log_rec;

/* A log grows by chunks, never moved: no copy, and a host's log takes a
 * chunk or two in a run of hours. */
enum { PM_LOG_RECS = 128, PM_LOG_TEXT = 8192 };

typedef struct pm_log_chunk {
    struct pm_log_chunk *next;
    uint32_t n, len;
    pm_log_rec rec[PM_LOG_RECS];
    char text[PM_LOG_TEXT]; /* the witnesses, NUL-terminated one after the other */
} pm_log_chunk;

typedef struct pm_log {
    pm_log_chunk *head, *tail;
    size_t n, len; /* records and witness bytes in all chunks */
} pm_log;

/* The logs folded (at the first pm_finish of an entity of the hot state):
 * the violations ordered by entity, property and time, so that each
 * entity's property borrows one slice (pm_prop.borrowed). */
typedef struct pm_fold {
    size_t *start;        /* entity j's violations: [start[j], start[j + 1]) */
    pm_violation *v;      /* witness_at: offsets into text */
    uint32_t *prop;       /* each violation's property */
    char *text;
} pm_fold;

/* The hot state of n entities of one set (pm_hot_new): what every push
 * reads and writes, one row per entity, indexed by the entity's number,
 * apart from the signals and violations. A caller that numbers its
 * entities in the order its LPs visit them (the VMs as their hosts hold
 * them) makes a host's sample walk the rows forward, one contiguous run of
 * memory per host (one stream for the prefetcher), where one block per
 * entity on the heap costs a miss or more per entity and sample (40,000
 * VMs do not fit in the caches). Entity j's row: each slot's current value
 * (what a body reads), the time of its last push, each streamed property's
 * decision (pm_stream), the time of its last pm_check. One allocation. */
typedef struct pm_hot {
    uint32_t n;
    int n_slots, n_stream;
    size_t row_bytes;
    unsigned char *rows;
    pm_log *logs;      /* n_logs (pm_hot_logs), NULL: none */
    uint32_t n_logs;
    pm_fold *fold;     /* NULL until the logs are folded */
} pm_hot;

/* Entity at's row: values (n_slots), push times (n_slots), streamed
 * decisions (n_stream), last check. */
static inline double *pm_hot_cur(const pm_hot *h, uint32_t at)
{
    return (double *)(void *)(h->rows + (size_t)at * h->row_bytes);
}
static inline int64_t *pm_hot_cur_t(const pm_hot *h, uint32_t at)
{
    return (int64_t *)(void *)(h->rows + (size_t)at * h->row_bytes + (size_t)h->n_slots * sizeof(double));
}
static inline pm_stream *pm_hot_stream(const pm_hot *h, uint32_t at)
{
    return (pm_stream *)(void *)(h->rows + (size_t)at * h->row_bytes + (size_t)h->n_slots * 2 * sizeof(double));
}
static inline int64_t *pm_hot_checked(const pm_hot *h, uint32_t at)
{
    return (int64_t *)(void *)(h->rows + (size_t)at * h->row_bytes + (size_t)h->n_slots * 2 * sizeof(double) +
                               (size_t)h->n_stream * sizeof(pm_stream));
}

typedef struct pm_entity {
    int64_t base_ns;
    double *cur;        /* its values in hot (pm_hot_cur) */
    int64_t *cur_t;     /* their push times (pm_hot_cur_t) */
    ps_signal *sig;     /* n_slots (only the slots of stored_mask grow) */
    pm_prop *prop;      /* n_props */
    pm_hot *hot;
    uint32_t at;        /* its number in hot */
    unsigned char own_hot; /* hot is its own (pm_entity_init): freed with it */
    unsigned char stored; /* a signal grew since the last pm_check that evaluated */
    unsigned char folded; /* its part of the hot state's folded logs is in its lists */
} pm_entity;

/* The properties of `list` quantified over `kind`. -1: out of memory. */
int pm_set_init(pm_set *s, const props_list *list, props_kind kind, int64_t end_ns);
/* As pm_set_init, leaving out the properties for which skip(skip_arg, i)
 * (i: index into list->items) is non-zero: those another monitor decides.
 * s->prop maps the set's index back to the list's. */
typedef int (*pm_skip_fn)(void *skip_arg, int prop);
int pm_set_init_except(pm_set *s, const props_list *list, props_kind kind, int64_t end_ns, pm_skip_fn skip,
                       void *skip_arg);
void pm_set_free(pm_set *s);
/* Every atom starts at initial[atom] at 0 (NaN for series, 0/1 for
 * states); properties `in group G` with another group than `group` leave
 * the entity out. */
int pm_entity_init(pm_entity *e, const pm_set *s, const char *group, const double *initial /* PA_COUNT */);
/* Hot state for n entities of s (NULL: out of memory); pm_hot_free it
 * after the entities. */
pm_hot *pm_hot_new(const pm_set *s, uint32_t n);
/* n_logs violation logs in h (pm_hot_log(h, k), for pm_push_many_log); -1: out of memory. */
int pm_hot_logs(pm_hot *h, uint32_t n_logs);
static inline pm_log *pm_hot_log(pm_hot *h, uint32_t k) { return h->logs ? &h->logs[k] : NULL; }
void pm_hot_free(pm_hot *h);
/* pm_entity_init with the hot state of entity `at` (< hot->n) of `hot`. */
int pm_entity_init_at(pm_entity *e, const pm_set *s, pm_hot *hot, uint32_t at, const char *group,
                      const double *initial /* PA_COUNT */);
void pm_entity_free(pm_entity *e, const pm_set *s);
/* Property i's violations, pending count and done (2: not in its range). */
static inline const pm_prop *pm_entity_prop(const pm_entity *e, int i) { return &e->prop[i]; }
int pm_uses(const pm_set *s, props_atom a);
int pm_push(pm_entity *e, const pm_set *s, props_atom a, int64_t t, double v); /* -1: out of memory */
/* The same as pm_push(t, atoms[j], v[j]) for j = 0 .. n-1 (one sample's
 * values, distinct atoms): each streamed property naming some of them is
 * decided once. */
int pm_push_many(pm_entity *e, const pm_set *s, int64_t t, int n, const props_atom *atoms, const double *v);
/* pm_push_many with the streamed properties' violations appended to log
 * (NULL: to the entity's lists), a log of e's hot state. The entity's
 * lists (pm_entity_prop) hold them from its pm_finish on: the first
 * pm_finish of an entity of the hot state folds every log, and each
 * pm_finish takes its entity's part, merged in time order with the
 * violations decided without a log. */
int pm_push_many_log(pm_entity *e, const pm_set *s, pm_log *log, int64_t t, int n, const props_atom *atoms,
                     const double *v);
int pm_check(pm_entity *e, const pm_set *s, int64_t now, char *err, size_t err_len);
int pm_finish(pm_entity *e, const pm_set *s, char *err, size_t err_len);

#endif
