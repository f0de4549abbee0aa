/* monitor_sampled.h - the monitors of clusters and services (issue 17,
 * item 2; docs/properties.md, "Monitors during a run"): entities whose
 * atoms are series other models put, followed in the LP that puts them.
 *
 * Contract. The series are observed through the recorder's watch
 * (rec_series_watch): the callback runs on the putting LP's thread with
 * exactly the value the run records, so the monitors see what `vdcsim
 * verify` later reads, and touch only the entity of that LP.
 *  - Clusters: the controller LP puts /series/cluster(s)/failover_capacity_hosts
 *    (HA), hosts_up (failures) and imbalance (DRS) at its sample; the
 *    watch only stages them, and monitor_sampled_cluster_sample (the
 *    monitors' `sample` hook on the controller, which runs after HA's,
 *    the failures' and DRS's) pushes them, NaN for a cell not put at that
 *    sample, derives cluster.imbalance_target and cluster.hosts_changed with
 *    analysis/props_cluster.h, and checks. cluster.hosts and
 *    cluster.failover_level are constants from the scenario, read as
 *    analysis/props_h5.c reads them from the run's scenario.
 *  - Services: the service LP puts throughput at every sample (from the
 *    second) and the latency quantiles when a request completed in the
 *    period: at a throughput put the latencies become NaN at that time
 *    (the cell a later put of the same sample overwrites), then the
 *    monitor checks.
 * Entity names: clusters.[k].name (or "cluster" without `clusters`),
 * services.[k].name, as /tables/clusters and /tables/services.
 * monitor_sampled_new returns 0 with *out NULL when no property ranges over
 * clusters or services; -1 when memory runs out. declare registers the
 * watches (after every other module declared its series).
 */
#ifndef VDCSIM_MODELS_MONITORS_MONITOR_SAMPLED_H
#define VDCSIM_MODELS_MONITORS_MONITOR_SAMPLED_H

#include "analysis/props_monitor.h"
#include "models/core/cluster.h"
#include "models/core/model_env.h"
#include "scenario/scenario.h"

typedef struct monitor_sampled monitor_sampled;

int monitor_sampled_new(monitor_sampled **out, const props_list *props, const scenario *scn, const model_env *env,
                        int64_t end_ns, int64_t check_span_ns);
int monitor_sampled_declare(monitor_sampled *m, recorder *rec);
void monitor_sampled_cluster_sample(monitor_sampled *m, sim_time_ns now, const cluster *c);
int monitor_sampled_finish(monitor_sampled *m, char *err, size_t err_len);
/* The set and entities of kind PK_CLUSTER or PK_SERVICE (NULL: none). */
const pm_set *monitor_sampled_set(const monitor_sampled *m, props_kind kind);
pm_entity *monitor_sampled_entities(const monitor_sampled *m, props_kind kind, uint32_t *n);
void monitor_sampled_name(const monitor_sampled *m, props_kind kind, uint32_t i, char *buf, size_t len);
void monitor_sampled_free(monitor_sampled *m);

#endif
