/* registry.h - a named registry of policy tables, one per scheduler, like
 * kube-scheduler's plugin registry (docs/policies.md).
 *
 * A registry holds the built-in tables listed in its source file (one
 * line each, models/policies/registries.c and
 * models/kubernetes/plugins/k8s_registry.c) and the tables plug-ins add
 * at run time (plugin_loader.c). Every table is described by a
 * vdcsim_policy_info (include/vdcsim/policy.h): its name, as the
 * scenario key `schema_key` selects it, its documentation and its
 * arguments, which the scenario gives in the open group `args_key`.
 *
 * Registries are process-wide: plug-ins are added before any scenario is
 * loaded, and afterwards registries are only read (from any thread).
 */
#ifndef VDCSIM_MODELS_POLICIES_REGISTRY_H
#define VDCSIM_MODELS_POLICIES_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vdcsim/plugin.h"

typedef struct policy_registry {
    const char *name;          /* "placement": for messages and `vdcsim policies` */
    const char *what;          /* one sentence: what its policies decide */
    const char *schema_key;    /* "placement.policy": the SCN_PLUGGABLE enum naming a policy */
    const char *args_key;      /* "placement.args": the SCN_OPEN group of its arguments */
    vdcsim_policy_kind kind;   /* what plug-ins register with it */
    const void *const *builtin;
    uint32_t n_builtin;
    /* The description of a table; NULL when tables begin with a
     * vdcsim_policy_info (all but kube-scheduler plugins). */
    vdcsim_policy_info (*info_of)(const void *table);
    /* Added by plug-ins (plugin_loader.c). */
    const void **added;
    char **origin;             /* the plug-in file each came from */
    uint32_t n_added, cap_added;
} policy_registry;

/* Built-in tables first, in their listed order, then plug-ins' in the
 * order they were added. */
uint32_t policy_count(const policy_registry *r);
const void *policy_at(const policy_registry *r, uint32_t i);
/* The table named `name`, or NULL. */
const void *policy_lookup(const policy_registry *r, const char *name);
/* Its index in the order above, or -1. */
int32_t policy_index(const policy_registry *r, const void *table);
vdcsim_policy_info policy_info(const policy_registry *r, const void *table);
/* The plug-in file policy i came from, NULL for a built-in one. */
const char *policy_origin(const policy_registry *r, uint32_t i);

/* Adds a plug-in's table (kept, not copied): checks its name (unused,
 * 1 to 63 characters of [A-Za-z0-9_.-]) and its argument declaration,
 * then makes the name valid at schema_key. 0, or -1 with why. */
int policy_add(policy_registry *r, const void *table, const char *origin, char *why, size_t why_len);

/* Every registry, for listings and checks: n in *n. */
policy_registry *const *policy_registries(uint32_t *n);
/* The registry plug-ins of `kind` register with, or NULL. */
policy_registry *policy_registry_of(vdcsim_policy_kind kind);

/* Markdown reference of every registry's policies and their arguments
 * (docs/policy-reference.md, `vdcsim policies`). */
void policy_write_reference(FILE *out);

#endif
