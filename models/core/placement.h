/* placement.h - choosing a host for a VM being powered on, with a policy
 * from the placement registry (models/policies/registries.c; the policy
 * interface is include/vdcsim/placement.h, docs/policies.md).
 *
 * Placement works on the controller's own view of each host (what it has
 * committed there), never on the host LPs' private state. Every policy
 * chooses among the hosts where placement_fits() holds: the VM's memory
 * fits in what is not yet committed, its vCPUs fit in the host's logical
 * CPUs, its CPU and memory reservations fit in what the host's capacity
 * and physical memory have not yet reserved (vSphere's power-on admission
 * on a host) and, for an SR-IOV VM, one of the host's virtual functions is
 * still free. Built in: first_fit (placement_first_fit.c) and drs
 * (models/vsphere/drs_placement_policy.c).
 */
#ifndef VDCSIM_MODELS_PLACEMENT_H
#define VDCSIM_MODELS_PLACEMENT_H

#include <stdint.h>

#include "models/policies/policy_args.h"
#include "vdcsim/placement.h"
#include "vdcsim/plugin.h"

/* The controller's view of a host and a VM's request are the public
 * structs policies read. */
typedef vdcsim_placement_host placement_host_view;
typedef vdcsim_placement_request placement_request;

/* A chosen policy: its table and its arguments from the scenario. */
typedef struct placement_choice {
    const vdcsim_placement_policy *policy;
    policy_args args;
} placement_choice;

/* Reads key_policy ("placement.policy") and key_args ("placement.args")
 * through the registry of `kind` (VDCSIM_POLICY_PLACEMENT or
 * VDCSIM_POLICY_HA_RESTART). 0, or -2 with "FILE:LINE: key ..." in err. */
int placement_choice_read(const scenario *scn, vdcsim_policy_kind kind, const char *key_policy,
                          const char *key_args, placement_choice *out, char *err, size_t err_len);

/* 1 if the request fits on the host as the view stands. */
int placement_fits(const placement_host_view *h, const placement_request *req);

/* What a host's admission control checks when a VM arrives by vMotion:
 * its CPU and memory reservations and SR-IOV functions fit what is not
 * yet reserved (configured memory may be overcommitted). */
int placement_reservations_fit(const placement_host_view *h, const placement_request *req);

/* Adds what the request takes to the host's view (a VM placed there), or
 * takes it off again (never below zero). */
void placement_view_add(placement_host_view *h, const placement_request *req);
void placement_view_remove(placement_host_view *h, const placement_request *req);

/* The host the policy chooses, or -1 if none fits. failover_host is NULL
 * or one flag per host (HA restart policies). A choice outside the hosts
 * or where the request does not fit counts as none (-1). */
int32_t placement_choose(const placement_choice *pc, const placement_host_view *hosts, uint32_t n_hosts,
                         const placement_request *req, const uint8_t *failover_host);

struct placement_index;

/* The same with the controller's index of free memory over hosts (NULL:
 * none), offered to the policy as call.next_host (placement_index.h). */
int32_t placement_choose_indexed(const placement_choice *pc, const placement_host_view *hosts, uint32_t n_hosts,
                                 const placement_request *req, const uint8_t *failover_host,
                                 const struct placement_index *index);

/* The built-in first_fit table: the lowest-numbered host that fits. */
extern const vdcsim_placement_policy placement_first_fit;

#endif
