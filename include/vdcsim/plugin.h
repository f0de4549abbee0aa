/* vdcsim/plugin.h - the plug-in entry point: how a shared object adds
 * policies to vdcsim without rebuilding it (docs/policies.md).
 *
 * A plug-in is a shared object built against the installed headers only
 *     cc -shared -fPIC $(pkg-config --cflags vdcsim) -o libmine.so mine.c
 * that exports one function,
 *     int vdcsim_plugin_init(const vdcsim_plugin_host *host);
 * vdcsim loads it (scenario key `plugins = ( "./libmine.so" );`, relative
 * to the scenario file, or `vdcsim run --plugin FILE`) before it checks
 * the scenario, calls vdcsim_plugin_init once, and keeps it loaded until
 * it exits. The init function registers its policies with the
 * vdcsim_register_* functions below and returns 0, or calls
 * vdcsim_plugin_fail() and returns non-zero. The names it registers are
 * then valid in the scenario like the built-in ones.
 *
 * The plug-in needs no symbol of the vdcsim executable: everything it can
 * call comes through `host` and the call structs. Its policy tables (and
 * the strings and argument rows they point to) must stay valid while it
 * is loaded: make them static const.
 *
 * Versions: the register functions pass VDCSIM_PLUGIN_ABI_VERSION as the
 * plug-in was compiled; vdcsim refuses a plug-in built for another
 * version (exit 2). The first two members of vdcsim_plugin_host never
 * change, so that the check itself works across versions.
 */
#ifndef VDCSIM_PLUGIN_H
#define VDCSIM_PLUGIN_H

#include "vdcsim/drs.h"
#include "vdcsim/ha.h"
#include "vdcsim/k8s.h"
#include "vdcsim/placement.h"
#include "vdcsim/policy.h"

#define VDCSIM_PLUGIN_INIT_SYMBOL "vdcsim_plugin_init"

/* What a table registered with register_policy is. */
typedef enum {
    VDCSIM_POLICY_PLACEMENT = 1,    /* const vdcsim_placement_policy *: placement.policy */
    VDCSIM_POLICY_DRS = 2,          /* const vdcsim_drs_policy *: drs.policy */
    VDCSIM_POLICY_HA_ADMISSION = 3, /* const vdcsim_ha_admission_policy *: ha.admission_control */
    VDCSIM_POLICY_HA_RESTART = 4,   /* const vdcsim_placement_policy *: ha.restart_policy */
    VDCSIM_POLICY_K8S_PLUGIN = 5    /* const vdcsim_k8s_plugin *: kubernetes.scheduler.profiles.[].plugins.[].name */
} vdcsim_policy_kind;

typedef struct vdcsim_plugin_host {
    uint32_t abi_version; /* the simulator's VDCSIM_PLUGIN_ABI_VERSION (never moves) */
    /* Registers a policy table; 0, or -1 when refused (another ABI version,
     * a name already taken, a bad table: the reason is kept for the
     * message vdcsim prints). Never moves. */
    int (*register_policy)(const struct vdcsim_plugin_host *host, uint32_t plugin_abi, vdcsim_policy_kind kind,
                           const void *table);
    /* Records why the plug-in's init fails, for vdcsim's message. */
    void (*fail)(const struct vdcsim_plugin_host *host, const char *why);
    const char *vdcsim_version; /* "0.1.0" */
    void *opaque;               /* vdcsim's own: do not touch */
} vdcsim_plugin_host;

/* The one symbol a plug-in exports (C linkage, also from C++). */
#ifdef __cplusplus
extern "C" {
#endif
int vdcsim_plugin_init(const vdcsim_plugin_host *vh);
#ifdef __cplusplus
}
#endif

static inline int vdcsim_register_placement(const vdcsim_plugin_host *vh, const vdcsim_placement_policy *p)
{
    return vh->register_policy(vh, VDCSIM_PLUGIN_ABI_VERSION, VDCSIM_POLICY_PLACEMENT, p);
}

static inline int vdcsim_register_drs(const vdcsim_plugin_host *vh, const vdcsim_drs_policy *p)
{
    return vh->register_policy(vh, VDCSIM_PLUGIN_ABI_VERSION, VDCSIM_POLICY_DRS, p);
}

static inline int vdcsim_register_ha_admission(const vdcsim_plugin_host *vh, const vdcsim_ha_admission_policy *p)
{
    return vh->register_policy(vh, VDCSIM_PLUGIN_ABI_VERSION, VDCSIM_POLICY_HA_ADMISSION, p);
}

static inline int vdcsim_register_ha_restart(const vdcsim_plugin_host *vh, const vdcsim_placement_policy *p)
{
    return vh->register_policy(vh, VDCSIM_PLUGIN_ABI_VERSION, VDCSIM_POLICY_HA_RESTART, p);
}

static inline int vdcsim_register_k8s_plugin(const vdcsim_plugin_host *vh, const vdcsim_k8s_plugin *p)
{
    return vh->register_policy(vh, VDCSIM_PLUGIN_ABI_VERSION, VDCSIM_POLICY_K8S_PLUGIN, p);
}

static inline void vdcsim_plugin_fail(const vdcsim_plugin_host *vh, const char *why) { vh->fail(vh, why); }

#endif
