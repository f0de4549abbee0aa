/* plugin_loader.c - dlopen a plug-in and register its policies (see
 * plugin_loader.h). */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include "models/policies/plugin_loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/kubernetes/plugins/k8s_plugins.h"
#include "models/policies/registry.h"

/* What vdcsim_plugin_host.opaque points to during one init call. */
typedef struct load_state {
    const char *path;
    char why[768];
    int failed;
} load_state;

static char **loaded; /* real paths of the plug-ins loaded so far */
static size_t n_loaded;

static int already_loaded(const char *real)
{
    for (size_t i = 0; i < n_loaded; i++)
        if (strcmp(loaded[i], real) == 0)
            return 1;
    return 0;
}

static const char *kind_name(vdcsim_policy_kind kind)
{
    const policy_registry *r = policy_registry_of(kind);
    return r ? r->name : "unknown";
}

static int register_policy(const vdcsim_plugin_host *host, uint32_t plugin_abi, vdcsim_policy_kind kind,
                           const void *table)
{
    load_state *st = host->opaque;
    if (st->failed)
        return -1;
    st->failed = 1;
    if (plugin_abi != VDCSIM_PLUGIN_ABI_VERSION) {
        snprintf(st->why, sizeof st->why,
                 "%s: built for plug-in ABI version %u, but this vdcsim %s loads version %u (rebuild it against "
                 "this vdcsim's headers: pkg-config --cflags vdcsim)",
                 st->path, (unsigned)plugin_abi, VDCSIM_VERSION, (unsigned)VDCSIM_PLUGIN_ABI_VERSION);
        return -1;
    }
    policy_registry *r = policy_registry_of(kind);
    if (r == NULL) {
        snprintf(st->why, sizeof st->why, "%s: registers a policy of unknown kind %d (expected 1 to 5)", st->path,
                 (int)kind);
        return -1;
    }
    const void *entry = table;
    if (kind == VDCSIM_POLICY_K8S_PLUGIN && table != NULL) {
        const vdcsim_k8s_plugin *p = table;
        if (p->filter == NULL && p->score == NULL) {
            snprintf(st->why, sizeof st->why, "%s: kube-scheduler plugin '%.63s' has neither filter nor score",
                     st->path, p->info.name ? p->info.name : "(null)");
            return -1;
        }
        entry = k8s_plugin_wrap(p);
        if (entry == NULL) {
            snprintf(st->why, sizeof st->why, "%s: out of memory", st->path);
            return -1;
        }
    } else if (table != NULL) {
        /* Every other kind needs its one callback. */
        int has_callback = kind == VDCSIM_POLICY_DRS ? ((const vdcsim_drs_policy *)table)->pass != NULL
                           : kind == VDCSIM_POLICY_HA_ADMISSION
                               ? ((const vdcsim_ha_admission_policy *)table)->admit != NULL
                               : ((const vdcsim_placement_policy *)table)->choose != NULL;
        if (!has_callback) {
            snprintf(st->why, sizeof st->why, "%s: %s policy '%.63s' has no callback", st->path, kind_name(kind),
                     ((const vdcsim_policy_info *)table)->name ? ((const vdcsim_policy_info *)table)->name : "(null)");
            return -1;
        }
    }
    char reason[512];
    if (policy_add(r, entry, st->path, reason, sizeof reason) != 0) {
        snprintf(st->why, sizeof st->why, "%s: %s", st->path, reason);
        return -1;
    }
    st->failed = 0;
    return 0;
}

static void plugin_fail(const vdcsim_plugin_host *host, const char *why)
{
    load_state *st = host->opaque;
    if (!st->failed) {
        snprintf(st->why, sizeof st->why, "%s: %s", st->path, why ? why : "its init failed");
        st->failed = 1;
    }
}

int plugin_load(const char *path, char *why, size_t why_len)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        snprintf(why, why_len, "%s: cannot load the plug-in: %s", path, strerror(errno));
        return -1;
    }
    char real[PATH_MAX];
    if (realpath(path, real) == NULL)
        snprintf(real, sizeof real, "%s", path);
    if (already_loaded(real))
        return 0;
    void *handle = dlopen(real, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *e = dlerror();
        snprintf(why, why_len, "cannot load the plug-in: %s", e ? e : path);
        return -1;
    }
    /* POSIX: a function pointer read from dlsym through a void * object. */
    int (*init)(const vdcsim_plugin_host *) = NULL;
    void *sym = dlsym(handle, VDCSIM_PLUGIN_INIT_SYMBOL);
    memcpy(&init, &sym, sizeof init);
    if (init == NULL) {
        snprintf(why, why_len, "%s: not a vdcsim plug-in (it exports no %s)", path, VDCSIM_PLUGIN_INIT_SYMBOL);
        dlclose(handle);
        return -1;
    }
    load_state st = {.path = path};
    vdcsim_plugin_host host = {.abi_version = VDCSIM_PLUGIN_ABI_VERSION,
                               .register_policy = register_policy,
                               .fail = plugin_fail,
                               .vdcsim_version = VDCSIM_VERSION,
                               .opaque = &st};
    int rc = init(&host);
    if (st.failed || rc != 0) {
        if (!st.failed)
            snprintf(st.why, sizeof st.why, "%s: %s returned %d", path, VDCSIM_PLUGIN_INIT_SYMBOL, rc);
        snprintf(why, why_len, "%s", st.why);
        return -1; /* stays loaded: tables it registered may be in use */
    }
    char **grown = realloc(loaded, (n_loaded + 1) * sizeof *grown);
    char *copy = strdup(real);
    if (grown == NULL || copy == NULL) {
        free(copy);
        if (grown)
            loaded = grown;
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    loaded = grown;
    loaded[n_loaded++] = copy;
    return 0;
}

int plugin_load_cb(void *ctx, const char *path, char *why, size_t why_len)
{
    (void)ctx;
    return plugin_load(path, why, why_len);
}
