/* keys.c - every key of the scenario language, one row each.
 *
 * The rows live in one keys_<area>.inc file per area of the language (the
 * simulation, hosts, VMs, failures, ...), included here in order so the
 * table stays one array. To add a parameter, add a row to its area's file:
 * its group or list must already have a row above it (in that file or an
 * earlier one). To add an area, add a file and one #include line.
 *
 * Ranges are in the base unit of the type (ns, bytes, MHz, Gbps, W);
 * INFINITY means unbounded. After editing, run
 * `vdcsim keys > docs/scenario-reference.md` (or
 * `VDCSIM_UPDATE_REFERENCE=1 ctest -R test_scenario`) to refresh the
 * reference; test_scenario fails while it is stale.
 */
#include "scenario/schema.h"

#include <math.h>

#define NS_PER_DAY 86400e9
#define MIB 1048576.0
#define GIB 1073741824.0
#define TIB 1099511627776.0

const scn_key scn_keys[] = {
#include "scenario/keys_simulation.inc"
#include "scenario/keys_output.inc"
#include "scenario/keys_hosts.inc"
#include "scenario/keys_vms.inc"
#include "scenario/keys_placement.inc"
#include "scenario/keys_kubernetes.inc"
#include "scenario/keys_pods.inc"
#include "scenario/keys_services.inc"
#include "scenario/keys_failures.inc"
#include "scenario/keys_ha.inc"
#include "scenario/keys_workload.inc"
#include "scenario/keys_drs.inc"
#include "scenario/keys_vgpu.inc"
#include "scenario/keys_plugins.inc"
#include "scenario/keys_clusters.inc"
#include "scenario/keys_properties.inc"
};

const size_t scn_key_count = sizeof scn_keys / sizeof scn_keys[0];

const scn_schema scn_scenario_schema = {scn_keys, sizeof scn_keys / sizeof scn_keys[0],
                                        "docs/scenario-reference.md"};
