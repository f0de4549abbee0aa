/* test_builtin_module.c - the optional-module loader (sim/builtin_module.h):
 * a module that is not there is reported with the path looked at (the
 * build tree's modules/, since this program runs inside it); a module from
 * another build (tests/stale_module.c) and one whose table does not match
 * what the caller expects (ABI number) are refused, unloaded again, and the
 * refusal is kept; two threads asking first at once get the same table; a
 * matching module's table is the module's own; and a test program that
 * solves nothing has not mapped any solver library. */
#include <pthread.h>
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

static void *ask_for_z3(void *out)
{
    *(const void **)out =
        builtin_module_table(MIP_MODULE_Z3, MIP_BACKEND_ABI, (uint32_t)sizeof(mip_backend), NULL, 0);
    return NULL;
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
    CHECK_STR_CONTAINS(err, "/modules/vdcsim_no_such_module.so"); /* the build tree's modules/ */
    CHECK(builtin_module_path("vdcsim_no_such_module", path, sizeof path, NULL, 0) == NULL);

    /* another build's module: the right symbol and ABI, not this build's id */
    if (builtin_module_path("vdcsim_test_stale", path, sizeof path, NULL, 0)) {
        err[0] = '\0';
        CHECK(builtin_module_table("vdcsim_test_stale", 1, (uint32_t)sizeof(builtin_module_head), err,
                                   sizeof err) == NULL);
        CHECK_STR_CONTAINS(err, "is from another build");
        CHECK_STR_CONTAINS(err, "0.0.0-another-build");
        CHECK(!mapped("vdcsim_test_stale.so")); /* unloaded again */
    } else {
        CHECK(0); /* tests/CMakeLists.txt builds it beside the real modules */
    }

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
    CHECK(!mapped("vdcsim_mip_glpk.so")); /* the refused module was unloaded, */
    CHECK(!mapped("libglpk"));            /* and with it its library */

    /* the real table, from another module (the refused one stays refused) */
    if (builtin_module_path(MIP_MODULE_CBC, path, sizeof path, NULL, 0)) {
        const mip_backend *cbc =
            builtin_module_table(MIP_MODULE_CBC, MIP_BACKEND_ABI, (uint32_t)sizeof(mip_backend), err, sizeof err);
        CHECK(cbc != NULL);
        if (cbc) {
            CHECK(cbc->head.abi == MIP_BACKEND_ABI);
            CHECK(strcmp(cbc->head.build_id, builtin_module_build_id()) == 0);
            CHECK(cbc->version() != NULL && cbc->version()[0] >= '0' && cbc->version()[0] <= '9');
            CHECK(mapped("libCbc")); /* now, and only now, the library is there */
            /* asked again: the same table */
            CHECK(builtin_module_table(MIP_MODULE_CBC, MIP_BACKEND_ABI, (uint32_t)sizeof(mip_backend), NULL, 0) ==
                  cbc);
        }
    }
    CHECK(!mapped("libz3"));

    /* two threads ask for the same module first, at once: one record, one table */
    if (builtin_module_path(MIP_MODULE_Z3, path, sizeof path, NULL, 0)) {
        const int kept = builtin_module_count();
        const void *got[2] = {NULL, NULL};
        pthread_t t[2];
        int started = pthread_create(&t[0], NULL, ask_for_z3, &got[0]) == 0;
        started += pthread_create(&t[1], NULL, ask_for_z3, &got[1]) == 0;
        CHECK_INT_EQ(started, 2);
        for (int i = 0; i < started; i++)
            pthread_join(t[i], NULL);
        CHECK(got[0] != NULL && got[0] == got[1]);
        CHECK_INT_EQ(builtin_module_count(), kept + 1);
        CHECK(mapped("libz3"));
    }
    return CHECK_DONE();
}
