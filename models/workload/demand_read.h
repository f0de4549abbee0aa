/* demand_read.h - reading a demand process (models/workload/demand.h) from a scenario.
 *
 * A demand group `<prefix>` has the keys of scenario/keys_demand_template.inc
 * (one template for VM CPU, memory and network, and pod CPU and memory):
 * kind, mean, amplitude, period, phase, noise, on_level, off_level, on_time,
 * off_time, spread, reversion_time, ceiling. Levels (mean, on_level,
 * off_level, ceiling) are read in their key's unit: MHz for a frequency,
 * Gbps for a bandwidth, MiB for a size, the number itself otherwise; the
 * caller says in its own docs what unit that is (the spec is unit-agnostic).
 * Trace settings (vms.[].trace) are the VM builder's.
 */
#ifndef VDCSIM_MODELS_DEMAND_READ_H
#define VDCSIM_MODELS_DEMAND_READ_H

#include <stddef.h>

#include "models/workload/demand.h"
#include "scenario/scenario.h"

/* Returns 0, or -1 with "FILE: key 'PREFIX.kind': ..." in err. */
int demand_read_scenario(const scenario *scn, const char *prefix, demand_spec *out, char *err, size_t err_len);

#endif
