/* props_cluster.h - the derived cluster quantities of the property language
 * (docs/properties.md, cluster.hosts_changed and cluster.imbalance_target),
 * computed from the cluster's hosts_up signal.
 *
 * Contract: both write a new signal over [0, hosts_up->end_ns) into out
 * (initialised here) and return 0, or -1 when memory runs out.
 * props_cluster_changes: a disturbance is an instant: 1 on [t, t + 1 ns) at
 * every t where hosts_up changes from one recorded value to another (NaN,
 * "no sample yet", to a value is no change), 0 elsewhere; all 0 when
 * drs_enabled is 0 (DRS promises nothing then).
 * props_cluster_target: DRS's target imbalance for migration threshold T
 * over the usable hosts H = hosts_up(t): (5 - T) / (10 sqrt(H)) (the
 * formula of models/vsphere/drs.h), infinite for T <= 1 (threshold 1 makes
 * only mandatory moves) or H <= 0, NaN where hosts_up is NaN. Reentrant.
 * props_cluster_target_of / props_cluster_is_change: the same for one
 * value / one pair of successive hosts_up values, for the online monitors
 * (models/monitors), so both compute them with one formula.
 */
#ifndef VDCSIM_ANALYSIS_PROPS_CLUSTER_H
#define VDCSIM_ANALYSIS_PROPS_CLUSTER_H

#include "analysis/props_signal.h"

int props_cluster_changes(const ps_signal *hosts_up, int drs_enabled, ps_signal *out);
int props_cluster_target(const ps_signal *hosts_up, int threshold, ps_signal *out);
double props_cluster_target_of(double hosts_up, int threshold);
int props_cluster_is_change(double before, double now);

#endif
