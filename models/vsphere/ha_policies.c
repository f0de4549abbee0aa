/* ha_policies.c - the built-in vSphere HA policies as registry entries
 * (models/policies/registries.c): the four admission control policies, in
 * the order of ha_policy, and the failover_first restart placement.
 *
 * Their callbacks are NULL: the HA controller runs them itself
 * (ha_admission.c, ha_controller.c), with the ha.* keys as their
 * arguments, exactly as before the registry existed. A policy added
 * in-tree or by a plug-in is called through its table instead. */
#include "vdcsim/ha.h"
#include "vdcsim/placement.h"

const vdcsim_ha_admission_policy ha_admission_slots = {
    .info = {.name = "slots",
             .doc = "Slot policy: tolerate ha.failover_level host failures, counted in slots of the largest "
                    "CPU and memory reservation (vSphere Availability, \"Slot Policy Admission Control\"; "
                    "docs/ha.md)."},
};

const vdcsim_ha_admission_policy ha_admission_percentage = {
    .info = {.name = "percentage",
             .doc = "Percentage of cluster resources: keep ha.cpu_percentage and ha.memory_percentage of the "
                    "up hosts' capacity unreserved (vSphere Availability, \"Percentage of Cluster Resources\"; "
                    "docs/ha.md)."},
};

const vdcsim_ha_admission_policy ha_admission_failover_hosts = {
    .info = {.name = "failover_hosts",
             .doc = "Dedicated failover hosts (ha.failover_hosts): no VM powers on there or is moved there by "
                    "DRS; every other power-on is admitted (vSphere Availability, \"Dedicated Failover Hosts\"; "
                    "docs/ha.md)."},
};

const vdcsim_ha_admission_policy ha_admission_disabled = {
    .info = {.name = "disabled", .doc = "No admission control: every power-on is admitted (docs/ha.md)."},
};

const vdcsim_placement_policy ha_restart_failover_first = {
    .info = {.name = "failover_first",
             .doc = "A failed VM restarts on a dedicated failover host where it fits, else on the host "
                    "placement.policy chooses among the usable hosts (vSphere Availability; docs/ha.md)."},
};
