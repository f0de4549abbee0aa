/* props_signal.h - piecewise-constant signals over a finite run [0, end) and
 * the temporal operators on them (docs/properties.md, "Semantics").
 *
 * Contract: a signal is a list of segments; segment i holds value v from t
 * (inclusive) to the next segment's t (exclusive), the last one to end_ns.
 * The first segment starts at 0, times strictly increase and are < end_ns.
 * Numeric signals hold doubles (NaN = no value: a cell never written);
 * truth signals hold PV_FALSE, PV_TRUE or PV_UNKNOWN (Kleene's three-valued
 * logic: unknown is "pending": the run ended before it was decided, or a
 * value was missing). Equal neighbours are merged, so every segment of a
 * truth signal is a maximal interval. Functions return 0, or -1 when memory
 * runs out (the output is then freed).
 *
 * The operators look only at the future within [t, t + bound], so an online
 * monitor can compute the same values with a delay of the bound (issue 17
 * item 2); this offline version works on whole signals.
 */
#ifndef VDCSIM_ANALYSIS_PROPS_SIGNAL_H
#define VDCSIM_ANALYSIS_PROPS_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

enum { PV_FALSE = 0, PV_TRUE = 1, PV_UNKNOWN = 2 };

typedef struct ps_seg {
    int64_t t;
    double v;
} ps_seg;

typedef struct ps_signal {
    ps_seg *seg;
    size_t n, cap;
    int64_t end_ns;
} ps_signal;

void ps_init(ps_signal *s, int64_t end_ns);
void ps_free(ps_signal *s);

/* Appends "from t on, v". t must be >= the last segment's t and < end_ns
 * (later appends at the same t replace the value: the last record of a
 * timestamp wins). Before the first append at 0, the caller appends the
 * initial value at 0. Returns -1 on allocation failure. */
int ps_push(ps_signal *s, int64_t t, double v);

/* The value at time t (0 <= t < end_ns). */
double ps_at(const ps_signal *s, int64_t t);

/* Kleene connectives on truth values. */
double pv_not(double a);
double pv_and(double a, double b);
double pv_or(double a, double b);

/* out(t) = fn(a(t), b(t)) on the merged breakpoints. out is initialised here. */
typedef double (*ps_fn2)(double a, double b, void *arg);
int ps_map2(const ps_signal *a, const ps_signal *b, ps_fn2 fn, void *arg, ps_signal *out);

/* phi U[<=bound] psi at t: some t' in [t, t + bound] has psi(t') and phi
 * holds on [t, t'). When t + bound >= end_ns and neither a witness nor a
 * refutation is seen, the value is PV_UNKNOWN (pending). F[<=d] psi is
 * true U[<=d] psi. */
int ps_until(const ps_signal *phi, const ps_signal *psi, int64_t bound_ns, ps_signal *out);

/* G phi at t: phi on all of [t, end_ns) (finite-trace: the run's end closes it). */
int ps_globally(const ps_signal *phi, ps_signal *out);

#endif
