/* optimal_mip.c - building a solver-neutral program and dispatching it to
 * a back end (see optimal_mip.h). */
#include "analysis/optimal_mip.h"

#include "analysis/mip_backend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

/* Grows *p (of `cap` elements of `size` bytes) to new_cap elements. */
static int grow(void **p, size_t new_cap, size_t size)
{
    void *q = realloc(*p, new_cap * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

int optimal_mip_col(optimal_mip *m, double lo, double hi, double obj, int integer)
{
    if (m->n_cols >= (1 << 30))
        return -1;
    if ((size_t)m->n_cols == m->col_cap) {
        size_t cap = m->col_cap ? 2 * m->col_cap : 256;
        if (grow((void **)&m->col_lo, cap, sizeof *m->col_lo) || grow((void **)&m->col_hi, cap, sizeof *m->col_hi) ||
            grow((void **)&m->obj, cap, sizeof *m->obj) || grow((void **)&m->col_int, cap, sizeof *m->col_int))
            return -1;
        m->col_cap = cap;
    }
    m->col_lo[m->n_cols] = lo;
    m->col_hi[m->n_cols] = hi;
    m->obj[m->n_cols] = obj;
    m->col_int[m->n_cols] = integer ? 1 : 0;
    return m->n_cols++;
}

int optimal_mip_row(optimal_mip *m, double lo, double hi)
{
    if (m->n_rows >= (1 << 30))
        return -1;
    if ((size_t)m->n_rows == m->row_cap) {
        size_t cap = m->row_cap ? 2 * m->row_cap : 256;
        if (grow((void **)&m->row_lo, cap, sizeof *m->row_lo) || grow((void **)&m->row_hi, cap, sizeof *m->row_hi))
            return -1;
        m->row_cap = cap;
    }
    m->row_lo[m->n_rows] = lo;
    m->row_hi[m->n_rows] = hi;
    return m->n_rows++;
}

int optimal_mip_put(optimal_mip *m, int row, int col, double value)
{
    if (row < 0 || col < 0)
        return -1;
    if (m->nnz >= ((size_t)1 << 30))
        return -1; /* GLPK and CBC index the nonzeros with an int */
    if (m->nnz == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 1024;
        if (grow((void **)&m->ia, cap, sizeof *m->ia) || grow((void **)&m->ja, cap, sizeof *m->ja) ||
            grow((void **)&m->ar, cap, sizeof *m->ar))
            return -1;
        m->cap = cap;
    }
    m->ia[m->nnz] = row;
    m->ja[m->nnz] = col;
    m->ar[m->nnz++] = value;
    return 0;
}

void optimal_mip_free(optimal_mip *m)
{
    free(m->col_lo), free(m->col_hi), free(m->obj), free(m->col_int);
    free(m->row_lo), free(m->row_hi);
    free(m->ia), free(m->ja), free(m->ar);
    memset(m, 0, sizeof *m);
}

static const char *const solver_keys[OPTIMAL_SOLVER_COUNT] = {"glpk", "cbc", "z3"};
static const char *const solver_names[OPTIMAL_SOLVER_COUNT] = {"GLPK", "CBC", "Z3"};
static const char *const solver_packages[OPTIMAL_SOLVER_COUNT] = {"libglpk-dev", "coinor-libcbc-dev", "libz3-dev"};

static const char *const solver_modules[OPTIMAL_SOLVER_COUNT] = {MIP_MODULE_GLPK, MIP_MODULE_CBC, MIP_MODULE_Z3};

/* The solver's back end, loaded the first time it is asked for; NULL (and
 * why, when err is given) when this build has no module for it. */
static const mip_backend *backend_of(optimal_solver s, char *err, size_t err_len)
{
    if (s >= OPTIMAL_SOLVER_COUNT)
        return NULL;
    return builtin_module_table(solver_modules[s], MIP_BACKEND_ABI, (uint32_t)sizeof(mip_backend), err, err_len);
}

static const char *solver_version(optimal_solver s)
{
    const mip_backend *b = backend_of(s, NULL, 0);
    return b ? b->version() : NULL;
}

int optimal_solver_available(optimal_solver s) { return solver_version(s) != NULL; }

const char *optimal_solver_unavailable(optimal_solver s, char *buf, size_t len)
{
    if (s >= OPTIMAL_SOLVER_COUNT) {
        snprintf(buf, len, "no such solver");
        return buf;
    }
    return backend_of(s, buf, len) ? NULL : buf;
}

const char *optimal_solver_key(optimal_solver s) { return s < OPTIMAL_SOLVER_COUNT ? solver_keys[s] : "?"; }

const char *optimal_solver_package(optimal_solver s) { return s < OPTIMAL_SOLVER_COUNT ? solver_packages[s] : "?"; }

int optimal_solver_parse(const char *text, optimal_solver *out)
{
    for (int s = 0; s < OPTIMAL_SOLVER_COUNT; s++)
        if (strcmp(text, solver_keys[s]) == 0) {
            *out = (optimal_solver)s;
            return 0;
        }
    return -1;
}

const char *optimal_solver_label(optimal_solver s)
{
    static _Thread_local char label[64];
    if (s >= OPTIMAL_SOLVER_COUNT)
        return "?";
    const char *v = solver_version(s);
    snprintf(label, sizeof label, "%s %s", solver_names[s], v ? v : "(not in this build)");
    return label;
}

mip_status optimal_mip_solve(optimal_solver solver, const optimal_mip *m, double limit_s, mip_answer *out,
                             char *err, size_t err_len)
{
    out->status = MIP_ERROR;
    out->bound = -HUGE_VAL;
    out->solve_s = 0.0;
    char why[512] = "no such solver";
    const mip_backend *b = backend_of(solver, why, sizeof why);
    if (!b) {
        snprintf(err, err_len, "this vdcsim was built without %s or cannot load it (%s); when it is missing, "
                 "install the Debian package %s (scripts/install-deps) and build again, or choose another solver",
                 solver < OPTIMAL_SOLVER_COUNT ? solver_names[solver] : "?", why, optimal_solver_package(solver));
        return MIP_ERROR;
    }
    return b->solve(m, limit_s, out, err, err_len);
}
