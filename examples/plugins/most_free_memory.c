/* most_free_memory.c - an out-of-tree VM placement policy for vdcsim
 * (docs/policies.md): "worst fit" by memory.
 *
 * Among the hosts where the VM fits (call->fits), choose the one with the
 * most memory left uncommitted, ties to the lower index; with the argument
 * min_free_mib, skip a host that would keep less than that free after the
 * VM is placed (0 by default: no such limit).
 *
 * Build against an installed vdcsim:  make   (see Makefile)
 * Use it:  plugins = ( "libmost_free_memory.so" );
 *          placement = { policy = "most_free_memory"; args = { min_free_mib = 4096.0; }; };
 */
#include <stddef.h>

#include <vdcsim/plugin.h>

typedef struct most_free_args {
    double min_free_mib;
} most_free_args;

static int32_t most_free_choose(const vdcsim_placement_call *call)
{
    const most_free_args *args = call->args;
    int32_t best = -1;
    double best_free = -1.0;
    for (uint32_t i = 0; i < call->n_hosts; i++) {
        const vdcsim_placement_host *h = &call->hosts[i];
        if (!call->fits(h, call->req))
            continue;
        double free_after = (double)h->memory_mib - (double)h->committed_memory_mib - (double)call->req->memory_mib;
        if (free_after < args->min_free_mib)
            continue;
        if (free_after > best_free) { /* strictly more: ties keep the lower index */
            best_free = free_after;
            best = (int32_t)i;
        }
    }
    return best;
}

static const vdcsim_arg most_free_arg_rows[] = {
    {.name = "min_free_mib", .type = VDCSIM_ARG_FLOAT, .offset = offsetof(most_free_args, min_free_mib),
     .default_value = 0, .min = 0, .max = 1e12,
     .doc = "Skip a host that would keep less free memory than this after the placement (MiB)."},
};

static const vdcsim_placement_policy most_free_memory = {
    .info = {.name = "most_free_memory",
             .doc = "Worst fit by memory: the fitting host with the most uncommitted memory, ties to the lower "
                    "index; hosts left with less than min_free_mib are skipped (example plug-in).",
             .args = most_free_arg_rows,
             .n_args = 1,
             .args_size = sizeof(most_free_args)},
    .choose = most_free_choose,
};

int vdcsim_plugin_init(const vdcsim_plugin_host *vh)
{
    return vdcsim_register_placement(vh, &most_free_memory);
}
