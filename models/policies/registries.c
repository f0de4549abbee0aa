/* registries.c - the policy registries and their built-in policies, one
 * line each (see registry.h, docs/policies.md).
 *
 * To add a policy in-tree: write its table in a file of its own (against
 * the headers in include/vdcsim/) and add one line to the registry below; add its name
 * to the enum_values of the scenario key that selects it (a test checks
 * that registry and enum agree, in order). Plug-ins add theirs at run time
 * (plugin_loader.c). */
#include "models/policies/registry.h"

/* The built-in tables, defined in the domain folders. */
extern const vdcsim_placement_policy placement_first_fit, drs_placement_policy, placement_optimal;
extern const vdcsim_drs_policy drs_policy_vsphere, drs_policy_vsphere6_balance, drs_policy_vsphere7_score;
extern const vdcsim_ha_admission_policy ha_admission_slots, ha_admission_percentage, ha_admission_failover_hosts,
    ha_admission_disabled;
extern const vdcsim_placement_policy ha_restart_failover_first;

static const void *const placement_builtin[] = {
    &placement_first_fit,
    &drs_placement_policy,
    &placement_optimal,
};

static const void *const drs_builtin[] = {
    &drs_policy_vsphere,
    &drs_policy_vsphere6_balance,
    &drs_policy_vsphere7_score,
};

/* In the order of ha_policy (models/vsphere/ha_admission.h). */
static const void *const ha_admission_builtin[] = {
    &ha_admission_slots,
    &ha_admission_percentage,
    &ha_admission_failover_hosts,
    &ha_admission_disabled,
};

static const void *const ha_restart_builtin[] = {
    &ha_restart_failover_first,
};

#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof(a)[0]))

static policy_registry placement_registry = {
    .name = "placement",
    .what = "VM initial placement: the host on which a VM powers on.",
    .schema_key = "placement.policy",
    .args_key = "placement.args",
    .kind = VDCSIM_POLICY_PLACEMENT,
    .builtin = placement_builtin,
    .n_builtin = COUNT(placement_builtin),
};

static policy_registry drs_registry = {
    .name = "drs",
    .what = "DRS load balancing: the vMotions made every drs.period.",
    .schema_key = "drs.policy",
    .args_key = "drs.args",
    .kind = VDCSIM_POLICY_DRS,
    .builtin = drs_builtin,
    .n_builtin = COUNT(drs_builtin),
};

static policy_registry ha_admission_registry = {
    .name = "ha_admission",
    .what = "vSphere HA admission control: whether a VM may power on.",
    .schema_key = "ha.admission_control",
    .args_key = "ha.admission_args",
    .kind = VDCSIM_POLICY_HA_ADMISSION,
    .builtin = ha_admission_builtin,
    .n_builtin = COUNT(ha_admission_builtin),
};

static policy_registry ha_restart_registry = {
    .name = "ha_restart",
    .what = "vSphere HA restart placement: the host on which a failed VM restarts.",
    .schema_key = "ha.restart_policy",
    .args_key = "ha.restart_args",
    .kind = VDCSIM_POLICY_HA_RESTART,
    .builtin = ha_restart_builtin,
    .n_builtin = COUNT(ha_restart_builtin),
};

/* The kube-scheduler plugin registry (its built-in plugins, one line each). */
extern policy_registry k8s_plugin_registry; /* models/kubernetes/plugins/k8s_registry.c */

policy_registry *const *policy_registries(uint32_t *n)
{
    static policy_registry *const all[] = {&placement_registry, &drs_registry, &ha_admission_registry,
                                           &ha_restart_registry, &k8s_plugin_registry};
    *n = COUNT(all);
    return all;
}
