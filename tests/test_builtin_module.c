/* test_builtin_module.c - the optional-module loader (sim/builtin_module.h):
 * a module that is not there is reported with the paths looked at; a
 * module whose table does not match what the caller expects (ABI number or
 * size) is refused, and the refusal is kept; a matching module's table is
 * the module's own; and a test program that solves nothing has not mapped
 * any solver library. */
#include <stdio.h>
#include <string.h>

#include "analysis/mip_backend.h"
#include "sim/builtin_module.h"
#include "tests/check.h"

/* 1 when /proc/self/maps names a file whose name contains `part`. */
static int mapped(const char *part)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, part) != NULL;
    if (f)
        fclose(f);
    return found;
}

int main(void)
{
    char err[512] = "", path[4200];

    /* linked into this program: none of the optional libraries */
    CHECK(!mapped("libglpk"));
    CHECK(!mapped("libCbc"));
    CHECK(!mapped("libz3"));
    CHECK(!mapped("libmpi"));
    CHECK(!mapped("libplplot"));

    CHECK(builtin_module_table("vdcsim_no_such_module", 1, 8, err, sizeof err) == NULL);
    CHECK_STR_CONTAINS(err, "vdcsim_no_such_module.so not found");
    CHECK_STR_CONTAINS(err, "/lib/vdcsim/vdcsim_no_such_module.so"); /* the installed place was looked at */
    CHECK(builtin_module_path("vdcsim_no_such_module", path, sizeof path, NULL, 0) == NULL);

    if (!builtin_module_path(MIP_MODULE_GLPK, path, sizeof path, NULL, 0)) {
        printf("no GLPK module in this build: only the missing-module path is tested\n");
        return CHECK_DONE();
    }
    CHECK(!mapped("libglpk")); /* finding it loads nothing */

    /* a caller expecting another table: refused, and refused again */
    err[0] = '\0';
    CHECK(builtin_module_table(MIP_MODULE_GLPK, MIP_BACKEND_ABI + 1, (uint32_t)sizeof(mip_backend), err,
                               sizeof err) == NULL);
    CHECK_STR_CONTAINS(err, "is from another build");
    CHECK_STR_CONTAINS(err, "vdcsim_mip_glpk.so");
    char first[512];
    snprintf(first, sizeof first, "%s", err);
    err[0] = '\0';
    CHECK(builtin_module_table(MIP_MODULE_GLPK, MIP_BACKEND_ABI + 1, (uint32_t)sizeof(mip_backend), err,
                               sizeof err) == NULL);
    CHECK(strcmp(err, first) == 0);

    /* the real table, from another module (the refused one stays refused) */
    if (builtin_module_path(MIP_MODULE_CBC, path, sizeof path, NULL, 0)) {
        const mip_backend *cbc =
            builtin_module_table(MIP_MODULE_CBC, MIP_BACKEND_ABI, (uint32_t)sizeof(mip_backend), err, sizeof err);
        CHECK(cbc != NULL);
        if (cbc) {
            CHECK(cbc->head.abi == MIP_BACKEND_ABI);
            CHECK(strcmp(cbc->head.vdcsim_version, VDCSIM_VERSION) == 0);
            CHECK(cbc->version() != NULL && cbc->version()[0] >= '0' && cbc->version()[0] <= '9');
            CHECK(mapped("libCbc")); /* now, and only now, the library is there */
            /* asked again: the same table */
            CHECK(builtin_module_table(MIP_MODULE_CBC, MIP_BACKEND_ABI, (uint32_t)sizeof(mip_backend), NULL, 0) ==
                  cbc);
        }
    }
    CHECK(!mapped("libz3"));
    return CHECK_DONE();
}
