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
 * must not meet another module's), that begins with a builtin_module_head.
 * The loader checks the head against what the caller expects (its ABI
 * number and table size) and against this program's build id (the
 * version, the text of the headers the tables are made of, the build tree
 * and its settings: CMakeLists.txt, VDCSIM_BUILD_ID), so a module from
 * another build is refused with a message rather than called.
 *
 * Where a module is looked for: a program inside its build tree (vdcsim,
 * the tests, the benchmarks) takes the build tree's modules/ directory;
 * any other (installed: cmake --install) <program dir>/../lib/vdcsim/.
 * Nothing from the environment or the working directory. The file (its
 * symbolic links resolved) and its directory must be owned by root, by
 * this user or by the program's owner, and not writable by others.
 *
 * Thread-safe: a module is loaded at most once per process and kept loaded.
 */
#ifndef VDCSIM_SIM_BUILTIN_MODULE_H
#define VDCSIM_SIM_BUILTIN_MODULE_H

#include <stddef.h>
#include <stdint.h>

#ifndef VDCSIM_BUILD_ID
#define VDCSIM_BUILD_ID VDCSIM_VERSION /* CMake gives the real one */
#endif

typedef struct builtin_module_head {
    uint32_t abi;         /* the caller's table ABI number */
    uint32_t table_bytes; /* sizeof the whole table */
    const char *build_id; /* VDCSIM_BUILD_ID of the build that made the module */
} builtin_module_head;

/* How many modules this process has asked for so far (each kept once,
 * loaded or refused): for tests. */
int builtin_module_count(void);

/* This program's build id: what a module's head must carry. */
const char *builtin_module_build_id(void);

/* Where module `name` would be loaded from, written to path; NULL, and why
 * ("module NAME.so not found (looked for PATH)"), when the file is not
 * there. Loads and checks nothing. */
const char *builtin_module_path(const char *name, char *path, size_t len, char *why, size_t why_len);

/* The table of module `name` (file name <name>.so), or NULL when it is not
 * installed, not safe to load or does not match; then err says why (the
 * path looked at, or the loader's message). The answer of the first call
 * is kept: later calls return the same table, or NULL with the same
 * message. */
const void *builtin_module_table(const char *name, uint32_t abi, uint32_t table_bytes, char *err, size_t err_len);

/* The same, with the module's symbols made global (RTLD_GLOBAL): for a
 * library such as Open MPI whose own plug-ins look up its symbols. */
const void *builtin_module_table_global(const char *name, uint32_t abi, uint32_t table_bytes, char *err,
                                        size_t err_len);

#endif
