/* builtin_module.c - find, load and check one of vdcsim's optional modules
 * (see builtin_module.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "sim/builtin_module.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VDCSIM_BUILD_DIR
#define VDCSIM_BUILD_DIR "" /* no build tree known: installed modules only */
#endif

enum { MAX_MODULES = 8 };

typedef struct loaded_module {
    char name[32];
    const builtin_module_head *table; /* NULL when loading failed */
    char why[600];
} loaded_module;

static pthread_mutex_t modules_lock = PTHREAD_MUTEX_INITIALIZER;
static loaded_module modules[MAX_MODULES];
static int n_modules;

/* The real directory the program runs from, or "" when /proc does not
 * say. The link names the program's file; a file replaced while the
 * program runs (a rebuild, a reinstall) reads "PATH (deleted)", and its
 * directory is still the right one. */
static void program_dir(char *dir, size_t len)
{
    char exe[PATH_MAX], real[PATH_MAX];
    dir[0] = '\0';
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    if (!realpath(exe[0] ? exe : "/", real) || strlen(real) >= len)
        return;
    snprintf(dir, len, "%s", real);
}

/* 1 when dir is the build tree or inside it (both real paths). */
static int inside_build_tree(const char *dir)
{
    char build[PATH_MAX];
    if (!VDCSIM_BUILD_DIR[0] || !realpath(VDCSIM_BUILD_DIR, build))
        return 0;
    size_t n = strlen(build);
    return strncmp(dir, build, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

const char *builtin_module_path(const char *name, char *path, size_t len, char *why, size_t why_len)
{
    char dir[PATH_MAX], candidate[PATH_MAX + 64];
    program_dir(dir, sizeof dir);
    if (!dir[0]) {
        if (why_len)
            snprintf(why, why_len, "module %.31s.so not found (the program's directory is unknown)", name);
        return NULL;
    }
    if (inside_build_tree(dir))
        snprintf(candidate, sizeof candidate, "%s/modules/%s.so", VDCSIM_BUILD_DIR, name);
    else
        snprintf(candidate, sizeof candidate, "%s/../lib/vdcsim/%s.so", dir, name);
    struct stat sb;
    if (stat(candidate, &sb) == 0 && S_ISREG(sb.st_mode) && strlen(candidate) < len) {
        snprintf(path, len, "%s", candidate);
        return path;
    }
    if (why_len)
        snprintf(why, why_len, "module %.31s.so not found (looked for %.400s)", name, candidate);
    return NULL;
}

/* 0 when path is owned by root, by this user or by the program's owner
 * (who can replace the program itself anyway) and not writable by others;
 * else -1 and why. */
static int safe_owner(const char *what, const char *path, char *why, size_t why_len)
{
    struct stat sb, program;
    if (stat(path, &sb) != 0) {
        snprintf(why, why_len, "cannot read %s %.400s", what, path);
        return -1;
    }
    int trusted = sb.st_uid == 0 || sb.st_uid == geteuid() ||
                  (stat("/proc/self/exe", &program) == 0 && sb.st_uid == program.st_uid);
    if (!trusted || (sb.st_mode & S_IWOTH)) {
        snprintf(why, why_len,
                 "refused %s %.400s: it must be owned by root, by this user or by the program's owner, and not "
                 "writable by others",
                 what, path);
        return -1;
    }
    return 0;
}

/* Fills m for `name`: its checked table, or m->why. */
static void load(loaded_module *m, const char *name, uint32_t abi, uint32_t table_bytes, int global)
{
    char found[PATH_MAX + 64], real[PATH_MAX];
    if (!builtin_module_path(name, found, sizeof found, m->why, sizeof m->why))
        return;
    if (!realpath(found, real)) {
        snprintf(m->why, sizeof m->why, "cannot resolve %.400s", found);
        return;
    }
    /* the file and its directory: whoever could swap the file between this
     * check and the load could write it anyway */
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", real);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    if (safe_owner("module", real, m->why, sizeof m->why) != 0 ||
        safe_owner("directory", dir[0] ? dir : "/", m->why, sizeof m->why) != 0)
        return;
    void *handle = dlopen(real, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL));
    if (!handle) {
        const char *e = dlerror();
        snprintf(m->why, sizeof m->why, "cannot load %.200s: %.300s", real, e ? e : "dlopen failed");
        return;
    }
    char symbol[sizeof m->name + 8];
    snprintf(symbol, sizeof symbol, "%s_table", name);
    const builtin_module_head *head = dlsym(handle, symbol);
    if (!head) {
        snprintf(m->why, sizeof m->why, "%.400s exports no %s", real, symbol);
    } else if (head->abi != abi || head->table_bytes != table_bytes || !head->build_id ||
               strcmp(head->build_id, VDCSIM_BUILD_ID) != 0) {
        snprintf(m->why, sizeof m->why,
                 "%.300s is from another build (ABI %u, %u bytes, build %.40s; this program needs ABI %u, %u "
                 "bytes, build %.40s): build again",
                 real, (unsigned)head->abi, (unsigned)head->table_bytes, head->build_id ? head->build_id : "?",
                 (unsigned)abi, (unsigned)table_bytes, VDCSIM_BUILD_ID);
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

const char *builtin_module_build_id(void) { return VDCSIM_BUILD_ID; }

int builtin_module_count(void)
{
    pthread_mutex_lock(&modules_lock);
    int n = n_modules;
    pthread_mutex_unlock(&modules_lock);
    return n;
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
