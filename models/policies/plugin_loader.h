/* plugin_loader.h - loading out-of-tree policies from shared objects
 * (include/vdcsim/plugin.h states the plug-in's side; docs/policies.md).
 *
 * plugin_load dlopens the file, checks it exports vdcsim_plugin_init,
 * calls it with a vdcsim_plugin_host and adds every table it registers to
 * its registry (models/policies/registry.h), which makes the names valid
 * scenario values. A table registered for another ABI version, a name
 * already taken or a bad argument declaration fails the load. The same
 * file (by its real path) is loaded once per process; plug-ins stay
 * loaded until the process exits. Not thread-safe: load before running.
 */
#ifndef VDCSIM_MODELS_POLICIES_PLUGIN_LOADER_H
#define VDCSIM_MODELS_POLICIES_PLUGIN_LOADER_H

#include <stddef.h>

/* 0, or -1 with the reason in why (no file, not a shared object, no
 * vdcsim_plugin_init, another ABI version, a refused table, or the
 * plug-in's own vdcsim_plugin_fail message). */
int plugin_load(const char *path, char *why, size_t why_len);

/* The same with the signature of scenario.h's scn_plugin_fn (ctx unused). */
int plugin_load_cb(void *ctx, const char *path, char *why, size_t why_len);

#endif
