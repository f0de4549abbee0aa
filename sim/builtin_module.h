/* builtin_module.h - vdcsim's own optional modules, loaded when first used.
 *
 * The exact solvers (CBC, Z3, GLPK), PLplot and Open MPI are large
 * libraries that most runs never call. Linked into the program they cost
 * every process about 6 MiB of resident memory (their relocated data and
 * constructors) and their start-up time. So each piece of code that calls
 * one is built as a shared module beside the program (CMake MODULE
 * libraries, docs/engine.md "Optional modules"), and loaded here the first
 * time a run asks for it.
 *
 * Module NAME exports one table, the symbol NAME_table (vdcsim_mpi_table:
 * a name of its own, because the MPI module's symbols are made global and
 * must not meet another module's), that begins with a builtin_module_head. The loader checks the head against what the
 * caller expects (its ABI number and table size, and this program's
 * version), so a module left over from another build is refused with a
 * message rather than called.
 *
 * Where a module is looked for, in order: <program dir>/../lib/vdcsim/
 * (installed: cmake --install) and the build tree's modules/ directory
 * (compiled in). Nothing from the environment or the working directory.
 *
 * Thread-safe: a module is loaded at most once per process and kept loaded.
 */
#ifndef VDCSIM_SIM_BUILTIN_MODULE_H
#define VDCSIM_SIM_BUILTIN_MODULE_H

#include <stddef.h>
#include <stdint.h>

typedef struct builtin_module_head {
    uint32_t abi;               /* the caller's table ABI number */
    uint32_t table_bytes;       /* sizeof the whole table */
    const char *vdcsim_version; /* VDCSIM_VERSION the module was built with */
} builtin_module_head;

/* Where module `name` would be loaded from (the first candidate that is a
 * regular file), written to path; NULL, and why, when there is none.
 * Loads nothing. */
const char *builtin_module_path(const char *name, char *path, size_t len, char *why, size_t why_len);

/* The table of module `name` (file name <name>.so), or NULL when it is not
 * installed or does not match; then err says why (the paths tried, or the
 * loader's message). The answer of the first call is kept: later calls
 * return the same table, or NULL with the same message. */
const void *builtin_module_table(const char *name, uint32_t abi, uint32_t table_bytes, char *err, size_t err_len);

/* The same, with the module's symbols made global (RTLD_GLOBAL): for a
 * library such as Open MPI whose own plug-ins look up its symbols. */
const void *builtin_module_table_global(const char *name, uint32_t abi, uint32_t table_bytes, char *err,
                                        size_t err_len);

#endif
