/* placement_optimal.h - the "optimal" placement policy (docs/optimal.md):
 * the VMs present at the start go where the exact optimum of the initial
 * placement puts them; later power-ons are placed by first fit. */
#ifndef VDCSIM_MODELS_POLICIES_PLACEMENT_OPTIMAL_H
#define VDCSIM_MODELS_POLICIES_PLACEMENT_OPTIMAL_H

#include "models/core/module.h"
#include "vdcsim/placement.h"

/* The registry's table (models/policies/registries.c). */
extern const vdcsim_placement_policy placement_optimal;

/* The module that solves the plan when the scenario chooses the policy
 * and steers the controller's power-on placements to it (models/model.c). */
extern const model_module optimal_placement_module;

#endif
