/* optimal_scenario.h - a scenario's initial placement as an exact
 * placement instance (optimal_placement.h), shared by `vdcsim optimal`
 * (app/optimal_cmd.c) and the "optimal" placement policy
 * (models/policies/placement_optimal.c).
 *
 * The instance is the VMs of the at_start groups (without those a feature
 * powers on later, e.g. the spare nodes of an autoscaled Kubernetes node
 * group) in power-on order (start time, then VM index), on the
 * controller's fresh view of the hosts, with the scenario's hard rules
 * restricted to those VMs (members that arrive later are dropped; a
 * VM-VM rule left with fewer than two members is dropped). Scenario VMs
 * have no GPU devices (GPUs are Kubernetes node resources), so the
 * instance has none.
 */
#ifndef VDCSIM_ANALYSIS_OPTIMAL_SCENARIO_H
#define VDCSIM_ANALYSIS_OPTIMAL_SCENARIO_H

#include "analysis/optimal_placement.h"
#include "models/core/model_env.h"
#include "scenario/scenario.h"

typedef struct optimal_scenario {
    optimal_instance in;        /* points into the arrays below */
    placement_host_view *hosts;
    placement_request *vms;
    uint32_t *vm_id;            /* per instance VM: its index among the scenario's VMs */
    drs_rule *rules;            /* instance rules (members as instance indices) */
    uint32_t *members;
    uint32_t n_scenario_rules;  /* rules.[] in the scenario */
} optimal_scenario;

/* Builds the instance from a built run (env, the controller's view).
 * 0; -1 bad input ("FILE:LINE: key ..." in err); -2 out of memory. */
int optimal_scenario_collect(const scenario *scn, const model_env *env, const placement_host_view *view,
                             optimal_scenario *out, char *err, size_t err_len);
void optimal_scenario_free(optimal_scenario *s);

/* The request the controller builds for a VM (models/core/cluster.c). */
placement_request optimal_request_of(const vm_spec *vs);

#endif
