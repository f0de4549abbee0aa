/* mip_backend.h - the table an exact solver's module exports
 * (analysis/solvers/mip_*.c, loaded by optimal_mip.c through
 * sim/builtin_module.h).
 *
 * A back end answers its solver's version text and solves an optimal_mip
 * as optimal_mip_solve documents (optimal_mip.h). It calls nothing of the
 * program: everything it needs is in its arguments and in optimal_mip.h's
 * inline clocks.
 */
#ifndef VDCSIM_ANALYSIS_MIP_BACKEND_H
#define VDCSIM_ANALYSIS_MIP_BACKEND_H

#include "analysis/optimal_mip.h"
#include "sim/builtin_module.h"

#define MIP_BACKEND_ABI 1u

typedef struct mip_backend {
    builtin_module_head head; /* {MIP_BACKEND_ABI, sizeof(mip_backend), VDCSIM_BUILD_ID} */
    const char *(*version)(void);
    mip_status (*solve)(const optimal_mip *m, double limit_s, mip_answer *out, char *err, size_t err_len);
} mip_backend;

/* The module's file name (without .so) for each solver. */
#define MIP_MODULE_GLPK "vdcsim_mip_glpk"
#define MIP_MODULE_CBC "vdcsim_mip_cbc"
#define MIP_MODULE_Z3 "vdcsim_mip_z3"

#endif
