/* builtin_module.c - find, load and check one of vdcsim's optional modules
 * (see builtin_module.h). */
#include "sim/builtin_module.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VDCSIM_MODULE_DIR
#define VDCSIM_MODULE_DIR "" /* a build without the build-tree path: installed modules only */
#endif

enum { MAX_MODULES = 8 };

typedef struct loaded_module {
    char name[32];
    const builtin_module_head *table; /* NULL when loading failed */
    char why[512];
} loaded_module;

static pthread_mutex_t modules_lock = PTHREAD_MUTEX_INITIALIZER;
static loaded_module modules[MAX_MODULES];
static int n_modules;

/* The directory the program runs from, or "" when /proc does not say. */
static void program_dir(char *dir, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", dir, len - 1);
    if (n <= 0) {
        dir[0] = '\0';
        return;
    }
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        dir[0] = '\0';
}

/* 1 when path is a regular file itself (not a symbolic link to one). */
static int regular_file(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

const char *builtin_module_path(const char *name, char *path, size_t len, char *why, size_t why_len)
{
    char dir[PATH_MAX], candidates[2][PATH_MAX + 64];
    program_dir(dir, sizeof dir);
    int n = 0;
    if (dir[0])
        snprintf(candidates[n++], sizeof candidates[0], "%s/../lib/vdcsim/%s.so", dir, name);
    if (VDCSIM_MODULE_DIR[0])
        snprintf(candidates[n++], sizeof candidates[0], "%s/%s.so", VDCSIM_MODULE_DIR, name);
    for (int i = 0; i < n; i++)
        if (regular_file(candidates[i]) && strlen(candidates[i]) < len) {
            snprintf(path, len, "%s", candidates[i]);
            return path;
        }
    if (why_len)
        snprintf(why, why_len, "module %.31s.so not found (looked for %.200s%s%.200s)", name, n > 0 ? candidates[0] : "",
                 n > 1 ? " and " : "", n > 1 ? candidates[1] : "");
    return NULL;
}

/* Fills m for `name`: its checked table, or m->why. */
static void load(loaded_module *m, const char *name, uint32_t abi, uint32_t table_bytes, int global)
{
    char path[PATH_MAX + 64];
    if (!builtin_module_path(name, path, sizeof path, m->why, sizeof m->why))
        return;
    void *handle = dlopen(path, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL));
    if (!handle) {
        const char *e = dlerror();
        snprintf(m->why, sizeof m->why, "cannot load %.200s: %.280s", path, e ? e : "dlopen failed");
        return;
    }
    char symbol[sizeof m->name + 8];
    snprintf(symbol, sizeof symbol, "%s_table", name);
    const builtin_module_head *head = dlsym(handle, symbol);
    if (!head) {
        snprintf(m->why, sizeof m->why, "%.400s exports no %s", path, symbol);
    } else if (head->abi != abi || head->table_bytes != table_bytes || !head->vdcsim_version ||
               strcmp(head->vdcsim_version, VDCSIM_VERSION) != 0) {
        snprintf(m->why, sizeof m->why,
                 "%.300s is from another build (ABI %u, %u bytes, vdcsim %.32s; this program needs ABI %u, %u "
                 "bytes, vdcsim %s): build again",
                 path, (unsigned)head->abi, (unsigned)head->table_bytes,
                 head->vdcsim_version ? head->vdcsim_version : "?", (unsigned)abi, (unsigned)table_bytes,
                 VDCSIM_VERSION);
    } else {
        m->table = head;
        return; /* kept loaded for the life of the process */
    }
    dlclose(handle);
}

static const void *table_of(const char *name, uint32_t abi, uint32_t table_bytes, int global, char *err,
                            size_t err_len)
{
    const builtin_module_head *table = NULL;
    pthread_mutex_lock(&modules_lock);
    loaded_module *m = NULL;
    for (int i = 0; i < n_modules && !m; i++)
        if (strcmp(modules[i].name, name) == 0)
            m = &modules[i];
    if (!m && n_modules < MAX_MODULES && strlen(name) < sizeof m->name) {
        m = &modules[n_modules++];
        memset(m, 0, sizeof *m);
        snprintf(m->name, sizeof m->name, "%s", name);
        load(m, name, abi, table_bytes, global);
    }
    if (m) {
        table = m->table;
        if (!table && err_len)
            snprintf(err, err_len, "%s", m->why);
    } else if (err_len) {
        snprintf(err, err_len, "module %.40s: too many modules or too long a name", name);
    }
    pthread_mutex_unlock(&modules_lock);
    return table;
}

const void *builtin_module_table(const char *name, uint32_t abi, uint32_t table_bytes, char *err, size_t err_len)
{
    return table_of(name, abi, table_bytes, 0, err, err_len);
}

const void *builtin_module_table_global(const char *name, uint32_t abi, uint32_t table_bytes, char *err,
                                        size_t err_len)
{
    return table_of(name, abi, table_bytes, 1, err, err_len);
}
