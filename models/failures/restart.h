/* restart.h - the controller's restart of failed VMs (vSphere HA's role),
 * a feature of the cluster LP (failure_cluster_hooks in failure.h). The
 * rules are in restart.c's header comment,
 * docs/failures.md and docs/ha.md; with ha.enabled the order, the failover
 * hosts and the timed retries come from models/vsphere/ha_controller.h.
 *
 * What it sees: the core's cluster notices (host down, host up, VM failed)
 * and its own FOP_RESTART_TICK (failure_env.kind_cluster); it records the
 * /series/cluster/... of the restart queue at the core's cluster sample.
 */
#ifndef VDCSIM_MODELS_FAILURES_RESTART_H
#define VDCSIM_MODELS_FAILURES_RESTART_H

#include <stdint.h>

#include "sim/engine.h"
#include "sim/time.h"

typedef struct restart_entry {
    uint32_t vm;
    uint32_t attempts;     /* restart attempts made so far */
    uint32_t priority;     /* ha_priority; HA_PRIORITY_MEDIUM without HA */
    sim_time_ns due_ns;    /* failure time + detection time, or the next retry */
    sim_time_ns failed_ns; /* when the VM went down */
} restart_entry;

/* Owned by the cluster LP. */
typedef struct restart_queue {
    restart_entry *due; /* waiting for detection */
    uint32_t n_due, cap_due;
    restart_entry *waiting; /* found no capacity (and, with HA, no retry left); retried when a host comes back */
    uint32_t n_waiting, cap_waiting;
    uint32_t hosts_usable;
    uint32_t vms_down; /* VMs the controller knows are not running */
    uint64_t restarts, restart_failures; /* restart_failures: attempts that found no capacity */
    uint64_t restarts_given_up;          /* HA: retries exhausted (ha_restart_failed) */
    uint8_t *lifetime_over; /* per own VM (cluster_vm_slot): its lifetime ended; never restart it */
} restart_queue;

/* 0, or -1 out of memory. */
int restart_init(restart_queue *q, uint32_t n_hosts, uint32_t n_vms);
void restart_free(restart_queue *q);

#endif
