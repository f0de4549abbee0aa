/* mip_glpk.c - the GLPK back end of optimal_mip.h (the module
 * vdcsim_mip_glpk.so, analysis/mip_backend.h): the root LP by
 * the simplex method (glp_simplex), then branch and cut (glp_intopt)
 * without the presolver, so that the search works on our own columns: the
 * start point is handed to it as the first incumbent through the GLP_IHEUR
 * callback, and the same callback records the bound of the best active
 * node (glp_ios_best_node, glp_ios_node_bound), the proven lower bound
 * reported when the time limit is hit. */
#include "analysis/mip_backend.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <glpk.h>

static const char *glpk_version(void) { return glp_version(); }

typedef struct bound_watch {
    double bound;
    const double *start; /* 1-based column values, or NULL */
    int offered;
} bound_watch;

static void watch_bound(glp_tree *tree, void *info)
{
    bound_watch *w = info;
    if (glp_ios_reason(tree) == GLP_IHEUR && w->start && !w->offered) {
        w->offered = 1;
        glp_ios_heur_sol(tree, w->start);
    }
    int best = glp_ios_best_node(tree);
    if (best == 0)
        return;
    double b = glp_ios_node_bound(tree, best);
    if (isfinite(b) && fabs(b) < 1e300 && b > w->bound)
        w->bound = b;
}

static int bound_type(double lo, double hi)
{
    int has_lo = isfinite(lo), has_hi = isfinite(hi);
    if (has_lo && has_hi)
        return lo == hi ? GLP_FX : GLP_DB;
    return has_lo ? GLP_LO : has_hi ? GLP_UP : GLP_FR;
}

/* Loads m into lp; 0 or -1 (no memory). */
static int load(glp_prob *lp, const optimal_mip *m)
{
    glp_add_cols(lp, m->n_cols);
    for (int j = 0; j < m->n_cols; j++) {
        glp_set_col_kind(lp, j + 1, m->col_int[j] ? GLP_IV : GLP_CV);
        glp_set_col_bnds(lp, j + 1, bound_type(m->col_lo[j], m->col_hi[j]), isfinite(m->col_lo[j]) ? m->col_lo[j] : 0.0,
                         isfinite(m->col_hi[j]) ? m->col_hi[j] : 0.0);
        glp_set_obj_coef(lp, j + 1, m->obj[j]);
    }
    if (m->n_rows > 0)
        glp_add_rows(lp, m->n_rows);
    for (int i = 0; i < m->n_rows; i++)
        glp_set_row_bnds(lp, i + 1, bound_type(m->row_lo[i], m->row_hi[i]), isfinite(m->row_lo[i]) ? m->row_lo[i] : 0.0,
                         isfinite(m->row_hi[i]) ? m->row_hi[i] : 0.0);
    int *ia = malloc((m->nnz + 1) * sizeof *ia);
    int *ja = malloc((m->nnz + 1) * sizeof *ja);
    double *ar = malloc((m->nnz + 1) * sizeof *ar);
    if (!ia || !ja || !ar) {
        free(ia), free(ja), free(ar);
        return -1;
    }
    for (size_t k = 0; k < m->nnz; k++) {
        ia[k + 1] = m->ia[k] + 1;
        ja[k + 1] = m->ja[k] + 1;
        ar[k + 1] = m->ar[k];
    }
    glp_load_matrix(lp, (int)m->nnz, ia, ja, ar);
    free(ia), free(ja), free(ar);
    return 0;
}

static mip_status glpk_solve(const optimal_mip *m, double limit_s, mip_answer *out, char *err, size_t err_len)
{
    out->status = MIP_ERROR;
    out->bound = -HUGE_VAL;
    glp_term_out(GLP_OFF);
    glp_prob *lp = glp_create_prob();
    double *start = m->start ? malloc(((size_t)m->n_cols + 1) * sizeof *start) : NULL;
    if (load(lp, m) != 0 || (m->start && !start)) {
        glp_delete_prob(lp);
        free(start);
        snprintf(err, err_len, "out of memory loading the program into GLPK");
        return MIP_ERROR;
    }
    for (int j = 0; start && j < m->n_cols; j++)
        start[j + 1] = m->start[j];
    bound_watch watch = {.bound = -HUGE_VAL, .start = start};
    const int limit_ms = limit_s >= (double)INT_MAX / 1000.0 ? INT_MAX : (int)(limit_s * 1000.0);
    glp_smcp lp_parm;
    glp_init_smcp(&lp_parm);
    lp_parm.msg_lev = GLP_MSG_OFF;
    lp_parm.tm_lim = limit_ms;
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    parm.cb_func = watch_bound;
    parm.cb_info = &watch;
    double t0 = mip_wall_s(), c0 = mip_cpu_s();
    int ret = glp_simplex(lp, &lp_parm);
    int mip = GLP_UNDEF;
    if (ret == 0 && glp_get_status(lp) == GLP_NOFEAS) {
        ret = GLP_ENOPFS;
    } else if (ret == 0) {
        double spent_ms = (mip_wall_s() - t0) * 1000.0;
        parm.tm_lim = spent_ms >= (double)limit_ms - 1.0 ? 1 : limit_ms - (int)spent_ms;
        ret = glp_intopt(lp, &parm);
        mip = glp_mip_status(lp);
    }
    out->solve_s = mip_wall_s() - t0;
    out->cpu_s = mip_cpu_s() - c0;
    if (ret == GLP_ENOPFS || (ret == 0 && mip == GLP_NOFEAS)) {
        out->status = MIP_INFEASIBLE;
    } else if ((ret == 0 || ret == GLP_ETMLIM) && (mip == GLP_OPT || mip == GLP_FEAS)) {
        out->status = ret == 0 && mip == GLP_OPT ? MIP_PROVEN : MIP_LIMIT;
        for (int j = 0; j < m->n_cols; j++)
            out->x[j] = glp_mip_col_val(lp, j + 1);
        out->bound = out->status == MIP_PROVEN ? glp_mip_obj_val(lp) : watch.bound;
    } else if (ret == GLP_ETMLIM && m->start) {
        /* the limit came before the root LP was solved: the start is the best found */
        out->status = MIP_LIMIT;
        for (int j = 0; j < m->n_cols; j++)
            out->x[j] = m->start[j];
        out->bound = watch.bound;
    } else if (ret == GLP_ETMLIM) {
        out->status = MIP_NO_SOLUTION;
        out->bound = watch.bound;
    } else {
        snprintf(err, err_len, "GLPK glp_intopt failed (return code %d, MIP status %d)", ret, mip);
    }
    free(start);
    glp_delete_prob(lp);
    return out->status;
}

const mip_backend vdcsim_mip_glpk_table = {
    {MIP_BACKEND_ABI, (uint32_t)sizeof(mip_backend), VDCSIM_BUILD_ID},
    glpk_version,
    glpk_solve,
};
