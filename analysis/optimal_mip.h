/* optimal_mip.h - a mixed-integer program in a solver-neutral form, and
 * the three exact solvers from Debian that can solve it (GLPK, CBC, Z3's
 * optimizer), for the placement baseline (optimal_placement.h,
 * docs/optimal.md).
 *
 * Minimize obj . x subject to row_lo <= A x <= row_hi, col_lo <= x <=
 * col_hi, x_j integer where col_int[j]. Indices are 0-based; an infinite
 * bound is -HUGE_VAL / HUGE_VAL. `start`, when not NULL, is a feasible
 * point handed to the solver as its first incumbent (GLPK, CBC; Z3 has no
 * such input), so a time limit always leaves a placement.
 *
 * Every back end is deterministic: one thread, fixed seeds; the time limit
 * only decides when the search stops. A back end that this build lacks
 * (CMake found no library) answers MIP_ERROR with the package to install.
 * Each back end is a module (analysis/solvers/, sim/builtin_module.h)
 * loaded the first time it is asked for, so a run that solves nothing
 * never maps the solver libraries.
 */
#ifndef VDCSIM_ANALYSIS_OPTIMAL_MIP_H
#define VDCSIM_ANALYSIS_OPTIMAL_MIP_H

#include <stddef.h>
#include <time.h>

typedef enum { OPTIMAL_SOLVER_GLPK = 0, OPTIMAL_SOLVER_CBC, OPTIMAL_SOLVER_Z3, OPTIMAL_SOLVER_COUNT } optimal_solver;

/* The default: the fastest by the measurements in docs/optimal.md. */
#define OPTIMAL_SOLVER_DEFAULT OPTIMAL_SOLVER_CBC

typedef struct optimal_mip {
    int n_cols, n_rows;
    size_t col_cap, row_cap; /* allocated entries (optimal_mip_col/row grow them) */
    double *col_lo, *col_hi, *obj;
    unsigned char *col_int;
    double *row_lo, *row_hi;
    size_t nnz, cap; /* triplets (ia row, ja column, ar value) */
    int *ia, *ja;
    double *ar;
    const double *start; /* n_cols values, or NULL */
} optimal_mip;

typedef enum {
    MIP_PROVEN = 0,  /* x is optimal */
    MIP_LIMIT,       /* time limit: x is the best found, bound holds */
    MIP_NO_SOLUTION, /* time limit before any solution; bound may hold */
    MIP_INFEASIBLE,
    MIP_ERROR
} mip_status;

typedef struct mip_answer {
    mip_status status;
    double bound;   /* proven lower bound of the objective, -HUGE_VAL if none */
    double solve_s; /* wall time inside the solver */
    double cpu_s;   /* CPU time of the process meanwhile (the solvers run one thread) */
    double *x;      /* n_cols values, allocated by the caller */
} mip_answer;

/* Column or row appended with its bounds; the index, or -1 (no memory). */
int optimal_mip_col(optimal_mip *m, double lo, double hi, double obj, int integer);
int optimal_mip_row(optimal_mip *m, double lo, double hi);
/* Coefficient of column col in row row. 0 or -1 (no memory). */
int optimal_mip_put(optimal_mip *m, int row, int col, double value);
void optimal_mip_free(optimal_mip *m);

/* Solves m with the given solver within limit_s seconds of wall time.
 * Returns out->status; err holds a message for MIP_ERROR. */
mip_status optimal_mip_solve(optimal_solver solver, const optimal_mip *m, double limit_s, mip_answer *out,
                             char *err, size_t err_len);

/* 1 when this build has the solver (its module loads: it is loaded to answer). */
int optimal_solver_available(optimal_solver solver);
/* NULL when the solver is available; else why, written to buf (the
 * module's path looked at, or why it was refused). */
const char *optimal_solver_unavailable(optimal_solver solver, char *buf, size_t len);
/* "glpk", "cbc", "z3"; parse returns 0 or -1. */
const char *optimal_solver_key(optimal_solver solver);
int optimal_solver_parse(const char *text, optimal_solver *out);
/* "GLPK 5.0", "CBC 2.10.8", "Z3 4.8.12"; "GLPK (not in this build)" when absent. */
const char *optimal_solver_label(optimal_solver solver);
/* The Debian package that provides it ("libglpk-dev", ...). */
const char *optimal_solver_package(optimal_solver solver);

/* Clocks for the back ends' time limits and reports: monotonic wall
 * seconds and this process's CPU seconds. Inline, so that a back end built
 * as a module (analysis/mip_backend.h) carries its own copy. */
static inline double mip_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static inline double mip_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
