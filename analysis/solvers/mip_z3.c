/* mip_z3.c - the Z3 back end of optimal_mip.h (the module
 * vdcsim_mip_z3.so, analysis/mip_backend.h): the program as
 * linear integer/real arithmetic for Z3's optimizer (νZ, Z3_optimize):
 * every column a constant with its bounds asserted, every row a sum of
 * products asserted between its bounds, the objective minimized. A
 * time limit is Z3's `timeout` parameter; when it is hit the optimizer's
 * last model (its best so far) and its lower bound (Z3_optimize_get_lower)
 * are reported. Z3 takes no start point. Coefficients become exact
 * rationals (decimal strings with 12 digits after the point). */
#include "analysis/mip_backend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <z3.h>

static const char *z3_version(void)
{
    static char version[32];
    unsigned major, minor, build, revision;
    Z3_get_version(&major, &minor, &build, &revision);
    snprintf(version, sizeof version, "%u.%u.%u", major, minor, build);
    return version;
}

/* v as an exact real numeral (integers stay exact). */
static Z3_ast real_numeral(Z3_context ctx, double v)
{
    char text[64];
    double a = fabs(v);
    if (a == floor(a) && a < 1e15)
        snprintf(text, sizeof text, "%.0f", a);
    else
        snprintf(text, sizeof text, "%.12f", a);
    Z3_ast n = Z3_mk_numeral(ctx, text, Z3_mk_real_sort(ctx));
    return v < 0 ? Z3_mk_unary_minus(ctx, n) : n;
}

/* The column as a real term (integers through to_real). */
static Z3_ast as_real(Z3_context ctx, const optimal_mip *m, Z3_ast *vars, int j)
{
    return m->col_int[j] ? Z3_mk_int2real(ctx, vars[j]) : vars[j];
}

static void assert_bounds(Z3_context ctx, Z3_optimize opt, Z3_ast term, double lo, double hi)
{
    if (isfinite(lo) && isfinite(hi) && lo == hi) {
        Z3_optimize_assert(ctx, opt, Z3_mk_eq(ctx, term, real_numeral(ctx, lo)));
        return;
    }
    if (isfinite(lo))
        Z3_optimize_assert(ctx, opt, Z3_mk_ge(ctx, term, real_numeral(ctx, lo)));
    if (isfinite(hi))
        Z3_optimize_assert(ctx, opt, Z3_mk_le(ctx, term, real_numeral(ctx, hi)));
}

/* Sum of coefficient x column over the triplets [from, to) of `order`. */
static Z3_ast linear(Z3_context ctx, const optimal_mip *m, Z3_ast *vars, const size_t *order, size_t from, size_t to,
                     Z3_ast *terms)
{
    unsigned n = 0;
    for (size_t i = from; i < to; i++) {
        size_t k = order[i];
        Z3_ast x = as_real(ctx, m, vars, m->ja[k]);
        terms[n++] = m->ar[k] == 1.0 ? x : Z3_mk_mul(ctx, 2, (Z3_ast[]){real_numeral(ctx, m->ar[k]), x});
    }
    if (n == 0)
        return real_numeral(ctx, 0.0);
    return n == 1 ? terms[0] : Z3_mk_add(ctx, n, terms);
}

static mip_status z3_solve(const optimal_mip *m, double limit_s, mip_answer *out, char *err, size_t err_len)
{
    out->status = MIP_ERROR;
    out->bound = -HUGE_VAL;
    size_t n = (size_t)m->n_cols, r = (size_t)m->n_rows;
    Z3_ast *vars = malloc((n ? n : 1) * sizeof *vars);
    Z3_ast *terms = malloc(((m->nnz > n ? m->nnz : n) + 1) * sizeof *terms);
    size_t *order = malloc((m->nnz ? m->nnz : 1) * sizeof *order);
    size_t *row_start = calloc(r + 2, sizeof *row_start);
    if (!vars || !terms || !order || !row_start) {
        free(vars), free(terms), free(order), free(row_start);
        snprintf(err, err_len, "out of memory building the Z3 program");
        return MIP_ERROR;
    }
    /* the triplets by row (counting sort) */
    for (size_t k = 0; k < m->nnz; k++)
        row_start[m->ia[k] + 2]++;
    for (size_t i = 0; i < r; i++)
        row_start[i + 2] += row_start[i + 1];
    for (size_t k = 0; k < m->nnz; k++)
        order[row_start[m->ia[k] + 1]++] = k;

    Z3_config cfg = Z3_mk_config();
    Z3_context ctx = Z3_mk_context(cfg);
    Z3_del_config(cfg);
    Z3_set_error_handler(ctx, NULL);
    Z3_optimize opt = Z3_mk_optimize(ctx);
    Z3_optimize_inc_ref(ctx, opt);
    Z3_params params = Z3_mk_params(ctx);
    Z3_params_inc_ref(ctx, params);
    double ms = limit_s * 1000.0;
    Z3_params_set_uint(ctx, params, Z3_mk_string_symbol(ctx, "timeout"), ms >= 4e9 ? 4000000000u : (unsigned)ms);
    Z3_optimize_set_params(ctx, opt, params);

    for (size_t j = 0; j < n; j++) {
        vars[j] = Z3_mk_const(ctx, Z3_mk_int_symbol(ctx, (int)j),
                              m->col_int[j] ? Z3_mk_int_sort(ctx) : Z3_mk_real_sort(ctx));
        assert_bounds(ctx, opt, as_real(ctx, m, vars, (int)j), m->col_lo[j], m->col_hi[j]);
    }
    for (size_t i = 0; i < r; i++)
        assert_bounds(ctx, opt, linear(ctx, m, vars, order, row_start[i], row_start[i + 1], terms), m->row_lo[i],
                      m->row_hi[i]);
    unsigned nt = 0;
    for (size_t j = 0; j < n; j++)
        if (m->obj[j] != 0.0) {
            Z3_ast x = as_real(ctx, m, vars, (int)j);
            terms[nt++] = m->obj[j] == 1.0 ? x : Z3_mk_mul(ctx, 2, (Z3_ast[]){real_numeral(ctx, m->obj[j]), x});
        }
    Z3_ast objective = nt == 0 ? real_numeral(ctx, 0.0) : nt == 1 ? terms[0] : Z3_mk_add(ctx, nt, terms);
    unsigned goal = Z3_optimize_minimize(ctx, opt, objective);

    double t0 = mip_wall_s(), c0 = mip_cpu_s();
    Z3_lbool res = Z3_optimize_check(ctx, opt, 0, NULL);
    out->solve_s = mip_wall_s() - t0;
    out->cpu_s = mip_cpu_s() - c0;
    if (res == Z3_L_FALSE) {
        out->status = MIP_INFEASIBLE;
    } else {
        Z3_model model = Z3_optimize_get_model(ctx, opt);
        int have = 0;
        if (model) {
            Z3_model_inc_ref(ctx, model);
            have = 1;
            for (size_t j = 0; j < n && have; j++) {
                Z3_ast v = NULL;
                if (!Z3_model_eval(ctx, model, vars[j], 1, &v) || !v || !Z3_is_numeral_ast(ctx, v))
                    have = 0;
                else
                    out->x[j] = Z3_get_numeral_double(ctx, v);
            }
            Z3_model_dec_ref(ctx, model);
        }
        Z3_ast lower = Z3_optimize_get_lower(ctx, opt, goal);
        if (lower && Z3_is_numeral_ast(ctx, lower))
            out->bound = Z3_get_numeral_double(ctx, lower);
        if (res == Z3_L_TRUE && have)
            out->status = MIP_PROVEN;
        else if (res == Z3_L_UNDEF)
            out->status = have ? MIP_LIMIT : MIP_NO_SOLUTION;
        else
            snprintf(err, err_len, "Z3 gave no model (%s)", Z3_optimize_get_reason_unknown(ctx, opt));
        if (res == Z3_L_UNDEF && have && Z3_get_error_code(ctx) != Z3_OK)
            out->status = MIP_NO_SOLUTION;
    }
    Z3_params_dec_ref(ctx, params);
    Z3_optimize_dec_ref(ctx, opt);
    Z3_del_context(ctx);
    free(vars), free(terms), free(order), free(row_start);
    return out->status;
}

const mip_backend vdcsim_mip_z3_table = {
    {MIP_BACKEND_ABI, (uint32_t)sizeof(mip_backend), VDCSIM_BUILD_ID},
    z3_version,
    z3_solve,
};
