/* props_eval.h - checks one parsed property against a finished run.
 *
 * Contract: the run is seen through a props_source (props_h5.h reads a run
 * file; tests build traces by hand), which gives the run's end, the
 * entities of each kind with their names and groups, and the signal of each
 * atomic predicate or quantity of one entity as a piecewise-constant signal
 * over [0, end) (props_signal.h): numeric quantities in the unit of
 * props_atom_info, NaN where nothing was recorded; states as 0/1.
 *
 * props_evaluate() evaluates `forall K [in group G]: body` once per entity of
 * kind K in group G (a formula without forall once). When the body is `G
 * phi`, every maximal interval where phi is false is one violation (time:
 * its start, or its start + d when phi holds an F[<=d] / U[<=d]: the
 * deadline; obligation_ns: its start) and every maximal interval where phi
 * is pending counts in `pending`. Otherwise the body's value at time 0
 * decides: false is one violation at 0, pending counts one pending. The
 * witness lists the atoms of the body at the interval's start
 * ("host.cpu_usage=1500 MHz, host.cpu_capacity=1000 MHz").
 * Entities are evaluated one at a time from their own signals only, the
 * shape an online monitor per entity would take. Returns 0, or -1 with a
 * message (source errors, memory).
 */
#ifndef VDCSIM_ANALYSIS_PROPS_EVAL_H
#define VDCSIM_ANALYSIS_PROPS_EVAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/props_parse.h"
#include "analysis/props_signal.h"

typedef struct props_source {
    void *ctx;
    int64_t end_ns;
    /* Entities of a kind; -1 on error. */
    long (*count)(void *ctx, props_kind kind, char *err, size_t err_len);
    /* Name and group of entity `row` (group "" when it has none). */
    int (*describe)(void *ctx, props_kind kind, size_t row, char *name, size_t name_len, char *group,
                    size_t group_len, char *err, size_t err_len);
    /* The signal of `atom` for entity `row`; out is initialised by the callee. */
    int (*signal)(void *ctx, props_atom atom, size_t row, ps_signal *out, char *err, size_t err_len);
    /* Optional (NULL: none): appends to the witness of phi for entity row
     * at t what the atoms' values do not say (host.cpu_share_error: the
     * pair of VMs behind it, props_fairness.h). */
    void (*note)(void *ctx, const props_node *phi, size_t row, int64_t t, char *buf, size_t len);
} props_source;

#define PROPS_MAX_SHOWN 5

typedef struct props_violation {
    int64_t time_ns;       /* when it was broken (for F/U: the deadline) */
    int64_t obligation_ns; /* F/U: when the obligation started; -1 otherwise */
    char entity[128];
    char witness[256];
} props_violation;

typedef struct props_result {
    long entities;   /* entities the quantifier ranged over */
    long violations;
    long pending;
    int n_shown;     /* the first violations in entity order, then time */
    props_violation shown[PROPS_MAX_SHOWN];
} props_result;

/* a cmp b in three values: PV_UNKNOWN when either side has no value (NaN),
 * else PV_TRUE or PV_FALSE. Shared by verify and the in-run monitors
 * (inline: a monitor compares once per VM and sample). */
static inline double props_compare(double a, props_cmp cmp, double b)
{
    if (isnan(a) || isnan(b))
        return PV_UNKNOWN; /* NaN: no value recorded, neither kept nor broken */
    switch (cmp) {
    case PC_LT: return a < b;
    case PC_LE: return a <= b;
    case PC_GT: return a > b;
    case PC_GE: return a >= b;
    case PC_EQ: return a == b;
    default: return a != b;
    }
}

int props_evaluate(const props_node *formula, const props_source *src, props_result *res, char *err,
                   size_t err_len);

/* The same, calling fn for every violation (entity order, then time). */
typedef void (*props_violation_fn)(void *arg, const props_violation *v);
int props_evaluate_each(const props_node *formula, const props_source *src, props_result *res,
                        props_violation_fn fn, void *arg, char *err, size_t err_len);

/* Building blocks shared with the online monitors (props_monitor.h). */

/* The truth signal (PV_*) of phi over [0, src->end_ns) for entity row. */
int props_truth(const props_node *phi, const props_source *src, size_t row, ps_signal *out, char *err,
                size_t err_len);
/* The witness text of phi for entity row at time t (see above). */
int props_witness(const props_node *phi, const props_source *src, size_t row, int64_t t, char *buf, size_t len,
                  char *err, size_t err_len);
/* The same from the entity's signals (atoms[a]: atom a's, NULL if absent). */
void props_witness_atoms(const props_node *phi, const ps_signal *const *atoms, int64_t t, char *buf, size_t len);
/* The same from values: value[a] for every atom a whose bit is set in known
 * (the others are left out, as a NULL signal is). */
void props_witness_values(const props_node *phi, const double *value, uint64_t known, char *buf, size_t len);
/* 1 when the formula names atom a. */
int props_uses_atom(const props_node *n, props_atom a);
/* The bound of the first F or U in the formula (pre-order); -1 if none:
 * a violation of `G phi` is reported at its start + this bound. */
int64_t props_first_bound(const props_node *n);
/* How far into the future the value of n at t depends: the largest sum of
 * F/U bounds along a path of the tree; -1 when unbounded (a G inside). */
int64_t props_lookahead_ns(const props_node *n);

#endif
