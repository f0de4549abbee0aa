/* restart.h - the controller's restart of failed VMs (vSphere HA's role),
 * run by the cluster LP. The rules are in restart.c's header comment,
 * docs/failures.md and docs/ha.md; with ha.enabled the order, the failover
 * hosts and the timed retries come from models/vsphere/ha_controller.h.
 *
 * Messages it handles (kind failure_env.kind_cluster, op in i64[0]):
 *   FOP_HOST_DOWN(host, t, state)   host leaves the placement view
 *   FOP_HOST_UP(host)               host rejoins; waiting VMs are retried
 *   FOP_VM_FAILED(vm, host, t, cause) VM due for restart at t + detection
 *   FOP_RESTART_TICK                place what is due
 * plus failure_env.kind_cluster_sample (the /series/cluster/... samples).
 */
#ifndef VDCSIM_MODELS_RESTART_H
#define VDCSIM_MODELS_RESTART_H

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
    uint8_t *lifetime_over; /* per VM: its lifetime ended; never restart it */
} restart_queue;

/* 0, or -1 out of memory. */
int restart_init(restart_queue *q, uint32_t n_hosts, uint32_t n_vms);
void restart_free(restart_queue *q);

/* restart_cluster_handle() is declared in failure.h (the cluster LP's hook). */

struct cluster;
/* The VM's lifetime is over (cluster LP). If it is down waiting for a
 * restart it is dropped from the queue, its downtime closed, and the
 * cluster forgets it (cluster_vm_gone): returns 1. Otherwise returns 0 and
 * remembers, so that a failure reported later releases it instead of
 * restarting it. */
int restart_lifetime_over(sim_ctx *ctx, struct cluster *c, uint32_t vm_id);

#endif
