/* drs_policies.c - the built-in DRS load-balancing policy as a registry
 * entry (models/policies/registries.c). Its pass is NULL: the DRS
 * controller runs drs_pass() itself with the rules and the drs.* keys
 * (drs_controller.c), exactly as before the registry existed. A policy
 * added in-tree or by a plug-in is called through its table instead. */
#include "vdcsim/drs.h"

const vdcsim_drs_policy drs_policy_vsphere = {
    .info = {.name = "vsphere",
             .doc = "vSphere 6.x DRS load balancing (alias vsphere6-balance): greedy single moves with the largest goodness (drop in the "
                    "max of the CPU and memory imbalance) passing MinGoodness, cost-benefit, rules, "
                    "reservations and vMotion limits, until the imbalance is below (5 - T) / (10 sqrt(H)) "
                    "(docs/vsphere.md)."},
};

/* The same policy under the name of its generation (docs/vsphere.md, "DRS
 * generations"): vSphere 6.x and earlier balanced the cluster this way. */
const vdcsim_drs_policy drs_policy_vsphere6_balance = {
    .info = {.name = "vsphere6-balance",
             .doc = "The DRS of vSphere 6.x and earlier, the same as 'vsphere': cluster balance by the standard "
                    "deviation of host load against the migration threshold's target (docs/vsphere.md)."},
};
