/* cluster.h - the cluster controller LP (vCenter's role).
 *
 * It receives VM power-on requests, chooses a host with its placement
 * policy on its own view of what it has committed to each host, and tells
 * the host to start the VM after the control-plane latency. It never reads
 * a host LP's state. DRS and HA will live here and extend this view.
 */
#ifndef VDCSIM_MODELS_CLUSTER_H
#define VDCSIM_MODELS_CLUSTER_H

#include <stdint.h>

#include "models/placement.h"
#include "sim/engine.h"

struct model_env;

typedef struct cluster {
    const struct model_env *env;
    placement_policy policy;
    placement_host_view *view; /* one per host */
    uint64_t placed;
    uint64_t placement_failures;
    uint64_t log_seq;
} cluster;

void cluster_handle(sim_ctx *ctx, void *state, const sim_event *ev);

#endif
