/* monitor.h - the property monitors of a run (issue 17, item 2;
 * docs/properties.md, "Monitors during a run").
 *
 * The scenario's `properties` list (the same entries as a `vdcsim verify`
 * file, compiled by the same reader, analysis/props_file.h) becomes one
 * online monitor per property and entity (analysis/props_monitor.h), kept
 * by the LP that owns the entity: a host's by its host LP, a VM's (a
 * pod's) by the host LP it runs on. They see the values the run records, when it records
 * them: the event-log records of the host (the `logged` hook: VM and host
 * states) and the sample (the `after_sample` hook: the series), and decide
 * at every sample what can no longer change. They send no event, draw no
 * random number and write no existing dataset, so results are unchanged.
 * At the end each monitor closes against the run's end, and the module
 * writes /tables/violations (one row per violation: time_ns, property,
 * entity, witness, obligation_start_ns) and /tables/properties (per
 * property: name, formula, entities, violations, pending), in property,
 * entity and time order: the same for any thread count.
 * host.cpu_share_error (proportional-share fairness, analysis/props_fairness.h)
 * is computed at each host sample from the claims and entitlements of the
 * CPU division just made; runs whose properties name it record the VM
 * series /series/vm/host and cpu_usable_demand_mhz and the column
 * vm_resources.cpu_shares, from which `vdcsim verify` recomputes it.
 * Pods have no samples: their monitors decide at their records. A formula
 * without forall names no entity: it is decided at the end (entity "-").
 * Clusters and services (monitor_sampled.h): their monitors live in the
 * controller LP (its `sample` hook, after HA, failures and DRS) and in the
 * service LP, fed by the recorder's series watch with the values those LPs
 * put. vmotion.active alone: in the controller LPs (monitor_vmotion.h);
 * with a VM state or series: checked at the end from the signals the host
 * and controller LPs kept (monitor_joined.h), as are all the VMs'
 * properties of a run spread over MPI ranks.
 */
#ifndef VDCSIM_MODELS_MONITORS_MONITOR_H
#define VDCSIM_MODELS_MONITORS_MONITOR_H

#include "models/core/module.h"

extern const model_module monitors_module;

/* 1 when the monitors of `world` can be spread over MPI ranks: the hosts'
 * (gathered to rank 0 at the end, monitor_ranks.h), the controllers' and
 * the migrations' (rank 0) can, and so can the VMs' (over several ranks
 * checked at the end on rank 0 from every rank's pieces, monitor_joined.h);
 * a pod's monitor moves with it and the pods model is not spread: 0 with why. */
int monitors_distributable(const void *world, char *why, size_t why_len);

#endif
