/* most_pods.c - an out-of-tree kube-scheduler Score plugin for vdcsim
 * (docs/policies.md): "MostPods", bin-packing by pod count.
 *
 * Score = the node's pod count, or 0 once it holds max_pods or more (the
 * argument; 0 means no limit); NormalizeScore = DefaultNormalizeScore
 * (score x 100 / the highest score). With a large weight it sends every
 * pod to the busiest node until that node holds max_pods.
 *
 * Build against an installed vdcsim:  make   (see Makefile)
 * Use it:  plugins = ( "libmost_pods.so" );  and in a scheduler profile
 *          plugins = ( { name = "MostPods"; weight = 100; args = { max_pods = 4; }; } );
 */
#include <stddef.h>

#include <vdcsim/plugin.h>

typedef struct most_pods_args {
    int64_t max_pods;
} most_pods_args;

static int64_t most_pods_score(const vdcsim_k8s_call *call)
{
    const most_pods_args *args = call->args;
    int64_t pods = call->node->n_pods;
    if (args->max_pods > 0 && pods >= args->max_pods)
        return 0;
    return pods;
}

static const vdcsim_arg most_pods_arg_rows[] = {
    {.name = "max_pods", .type = VDCSIM_ARG_INT, .offset = offsetof(most_pods_args, max_pods),
     .default_value = 0, .min = 0, .max = 1000000,
     .doc = "A node with this many pods or more scores 0 (pods; 0: no limit)."},
};

static const vdcsim_k8s_plugin most_pods = {
    .info = {.name = "MostPods",
             .doc = "Bin-packing Score plugin: the node's pod count, 0 from max_pods on; normalised to 0..100 "
                    "by the highest score (example plug-in).",
             .args = most_pods_arg_rows,
             .n_args = 1,
             .args_size = sizeof(most_pods_args)},
    .score = most_pods_score,
    .normalize = VDCSIM_K8S_NORMALIZE_MAX,
};

int vdcsim_plugin_init(const vdcsim_plugin_host *vh)
{
    return vdcsim_register_k8s_plugin(vh, &most_pods);
}
