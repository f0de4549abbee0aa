/* mip_cbc.c - the CBC back end of optimal_mip.h (the module
 * vdcsim_mip_cbc.so, analysis/mip_backend.h) (COIN-OR branch
 * and cut through its C interface, Cbc_C_Interface.h): the program loaded
 * column-wise, the start point given as a MIP start (Cbc_setMIPStartI), a
 * wall-time limit (Cbc_setMaximumSeconds with timeMode elapsed) and, when it is hit, the best
 * solution and CBC's best possible objective as the proven bound. One
 * thread (CBC's default), so the search is deterministic. */
#include "analysis/mip_backend.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <coin/Cbc_C_Interface.h>

static const char *cbc_version(void) { return Cbc_getVersion(); }

static double coin_bound(double v) { return isfinite(v) ? v : (v > 0 ? DBL_MAX : -DBL_MAX); }

/* Loads m column-wise; 0 or -1 (no memory). */
static int load(Cbc_Model *model, const optimal_mip *m)
{
    size_t n = (size_t)m->n_cols, r = (size_t)m->n_rows;
    CoinBigIndex *start = calloc(n + 1, sizeof *start);
    int *index = malloc((m->nnz ? m->nnz : 1) * sizeof *index);
    double *value = malloc((m->nnz ? m->nnz : 1) * sizeof *value);
    double *clo = malloc((n ? n : 1) * sizeof *clo), *chi = malloc((n ? n : 1) * sizeof *chi);
    double *rlo = malloc((r ? r : 1) * sizeof *rlo), *rhi = malloc((r ? r : 1) * sizeof *rhi);
    CoinBigIndex *fill = calloc(n + 1, sizeof *fill);
    int rc = -1;
    if (!start || !index || !value || !clo || !chi || !rlo || !rhi || !fill)
        goto done;
    for (size_t k = 0; k < m->nnz; k++)
        start[m->ja[k] + 1]++;
    for (size_t j = 0; j < n; j++)
        start[j + 1] += start[j];
    for (size_t k = 0; k < m->nnz; k++) {
        int j = m->ja[k];
        CoinBigIndex at = start[j] + fill[j]++;
        index[at] = m->ia[k];
        value[at] = m->ar[k];
    }
    for (size_t j = 0; j < n; j++) {
        clo[j] = coin_bound(m->col_lo[j]);
        chi[j] = coin_bound(m->col_hi[j]);
    }
    for (size_t i = 0; i < r; i++) {
        rlo[i] = coin_bound(m->row_lo[i]);
        rhi[i] = coin_bound(m->row_hi[i]);
    }
    Cbc_loadProblem(model, m->n_cols, m->n_rows, start, index, value, clo, chi, m->obj, rlo, rhi);
    for (int j = 0; j < m->n_cols; j++)
        if (m->col_int[j])
            Cbc_setInteger(model, j);
    rc = 0;
done:
    free(start), free(index), free(value), free(clo), free(chi), free(rlo), free(rhi), free(fill);
    return rc;
}

static mip_status cbc_solve(const optimal_mip *m, double limit_s, mip_answer *out, char *err, size_t err_len)
{
    out->status = MIP_ERROR;
    out->bound = -HUGE_VAL;
    Cbc_Model *model = Cbc_newModel();
    if (!model || load(model, m) != 0) {
        if (model)
            Cbc_deleteModel(model);
        snprintf(err, err_len, "out of memory loading the program into CBC");
        return MIP_ERROR;
    }
    Cbc_setLogLevel(model, 0);
    Cbc_setMaximumSeconds(model, limit_s);
    Cbc_setParameter(model, "timeMode", "elapsed"); /* wall time, as GLPK and Z3 count it */
    /* CBC 2.10.8 crashes in CglPreProcess::postProcess when the limit runs
     * out inside preprocessing (a 1 ms limit did); without it the proofs of
     * our placement programs were also faster (docs/optimal.md). */
    Cbc_setParameter(model, "preprocess", "off");
    /* exact: stop only at a proven optimum (CBC's default gaps are 0 too) */
    Cbc_setAllowableGap(model, 1e-9);
    Cbc_setAllowableFractionGap(model, 0.0);
    int *idx = NULL;
    if (m->start) {
        idx = malloc(((size_t)m->n_cols ? (size_t)m->n_cols : 1) * sizeof *idx);
        if (!idx) {
            Cbc_deleteModel(model);
            snprintf(err, err_len, "out of memory");
            return MIP_ERROR;
        }
        for (int j = 0; j < m->n_cols; j++)
            idx[j] = j;
        Cbc_setMIPStartI(model, m->n_cols, idx, m->start);
    }
    double t0 = mip_wall_s(), c0 = mip_cpu_s();
    Cbc_solve(model);
    out->solve_s = mip_wall_s() - t0;
    out->cpu_s = mip_cpu_s() - c0;
    const double *x = Cbc_bestSolution(model);
    /* CBC stopped by its limit in preprocessing can also say "infeasible":
     * the limit is checked first. */
    if (Cbc_isProvenInfeasible(model) && !x && !Cbc_isSecondsLimitReached(model)) {
        out->status = MIP_INFEASIBLE;
    } else if (x && Cbc_isProvenOptimal(model)) {
        out->status = MIP_PROVEN;
        for (int j = 0; j < m->n_cols; j++)
            out->x[j] = x[j];
        out->bound = Cbc_getObjValue(model);
    } else if (Cbc_isSecondsLimitReached(model) || Cbc_isNodeLimitReached(model)) {
        out->bound = Cbc_getBestPossibleObjValue(model);
        if (!(fabs(out->bound) < 1e300))
            out->bound = -HUGE_VAL;
        if (x) {
            out->status = MIP_LIMIT;
            for (int j = 0; j < m->n_cols; j++)
                out->x[j] = x[j];
        } else {
            out->status = MIP_NO_SOLUTION;
        }
    } else {
        snprintf(err, err_len, "CBC stopped without an answer (status %d, secondary status %d)",
                 Cbc_status(model), Cbc_secondaryStatus(model));
    }
    free(idx);
    Cbc_deleteModel(model);
    return out->status;
}

const mip_backend vdcsim_mip_cbc_table = {
    {MIP_BACKEND_ABI, (uint32_t)sizeof(mip_backend), VDCSIM_BUILD_ID},
    cbc_version,
    cbc_solve,
};
