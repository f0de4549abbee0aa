/* cluster.h - the cluster controller LP (vCenter's role).
 *
 * It receives VM power-on requests, chooses a host with its placement
 * policy on its own view of what it has committed to each host, and tells
 * the host to start the VM after the control-plane latency. It never reads
 * a host LP's state. DRS (models/vsphere/drs_controller.h) and HA extend this view.
 *
 * Lifecycle (docs/workloads.md): at placement it draws the VM's lifetime
 * (when its group has one) from its own stream and, when it ends, sends
 * vm.stop to the VM's host; the host powers the VM off and answers
 * vm.stopped, and only then is the VM's capacity released in the view.
 * A VM that fits nowhere is rejected (vm_placement_failed), or with
 * placement.on_no_capacity = "queue" waits in FIFO order: after every
 * release the queue is scanned in order and every VM that now fits is
 * placed (a VM that still does not fit does not block those behind it).
 */
#ifndef VDCSIM_MODELS_CLUSTER_H
#define VDCSIM_MODELS_CLUSTER_H

#include <stdint.h>

#include "models/core/placement.h"
#include "sim/engine.h"

struct model_env;
struct ha_controller;

typedef struct cluster {
    const struct model_env *env;
    placement_policy policy;
    placement_host_view *view; /* one per host */
    uint64_t placed;
    uint64_t placement_failures;
    uint64_t log_seq;
    int32_t *vm_host;   /* per VM: where the controller placed it, -1 */
    uint64_t arrived;   /* power-on requests received */
    uint64_t live;      /* placed and not yet released */
    uint32_t *queue;    /* VMs waiting for capacity, FIFO */
    uint32_t n_queued, cap_queued;
    struct ha_controller *ha; /* models/vsphere/ha_controller.h; NULL without ha.enabled */
} cluster;

/* Sets up the lifecycle bookkeeping for n_vms VMs; 0 or -1 (no memory). */
int cluster_init_lifecycle(cluster *c, uint32_t n_vms);
void cluster_release(cluster *c);

/* Chooses a host for the VM with the placement policy and commits it in the
 * controller's view (memory, expected CPU, the VM's host): the host index,
 * or -1 if none fits. Placement and restarts both go through it. */
int32_t cluster_choose_and_commit(cluster *c, uint32_t vm_id);

/* Adds the VM's memory, expected CPU and SR-IOV virtual function (if it has
 * one) to `host` in the view (a VM placed, restarted or migrated there). */
void cluster_commit(cluster *c, uint32_t vm_id, int32_t host_index);

/* Takes them off again (a VM that stopped, failed or left). */
void cluster_uncommit(cluster *c, uint32_t vm_id, int32_t host_index);

/* The VM is off for good and its capacity already released: the
 * controller forgets it and lets queued VMs in. */
void cluster_vm_gone(sim_ctx *ctx, cluster *c, uint32_t vm_id);

void cluster_handle(sim_ctx *ctx, void *state, const sim_event *ev);

#endif
