/* keys.c - every key of the scenario language, one row each.
 *
 * This file is data. To add a parameter, add a row: its group or list must
 * already have a row above it. Ranges are in the base unit of the type
 * (ns, bytes, MHz, Gbps, W); INFINITY means unbounded. After editing, run
 * `vdcsim keys > docs/scenario-reference.md` (or
 * `VDCSIM_UPDATE_REFERENCE=1 ctest -R test_scenario`) to refresh the
 * reference; test_scenario fails while it is stale.
 */
#include "scenario/schema.h"

#include <math.h>

#define NS_PER_DAY 86400e9
#define MIB 1048576.0
#define TIB 1099511627776.0

const scn_key scn_keys[] = {
    /* simulation */
    {.path = "simulation", .type = SCN_GROUP, .default_text = "{}",
     .doc = "How long to simulate and how."},
    {.path = "simulation.seed", .type = SCN_INT, .default_text = "1", .min = 0, .max = INFINITY,
     .doc = "Seed of every random stream; equal seeds give identical runs."},
    {.path = "simulation.until", .type = SCN_DURATION, .default_text = "\"1d\"", .min = 1,
     .max = 36500 * NS_PER_DAY, .doc = "Simulated time at which the run stops (duration)."},
    {.path = "simulation.lookahead", .type = SCN_DURATION, .default_text = "\"1s\"", .min = 1,
     .max = INFINITY,
     .doc = "Length of one synchronisation window between parallel partitions (duration)."},
    {.path = "simulation.sample_period", .type = SCN_DURATION, .default_text = "\"5m\"",
     .min = 1, .max = INFINITY,
     .doc = "Interval between recorded samples of every time series (duration)."},
    {.path = "simulation.threads", .type = SCN_INT, .default_text = "1", .min = 0, .max = 1024,
     .doc = "Worker threads; 0 means one per available core (count)."},

    /* output */
    {.path = "output", .type = SCN_GROUP, .default_text = "{}",
     .doc = "Where and what to record."},
    {.path = "output.path", .type = SCN_STRING, .default_text = "\"vdcsim-out.h5\"", .min = 1,
     .max = 4096, .doc = "Path of the HDF5 result file."},
    {.path = "output.per_vm_series", .type = SCN_BOOL, .default_text = "false",
     .doc = "Also record one time series per VM (large for big clusters)."},

    /* hosts */
    {.path = "hosts", .type = SCN_LIST, .default_text = NULL, .min = 1, .max = 100000,
     .doc = "Groups of identical physical hosts (elements)."},
    {.path = "hosts.[].name", .type = SCN_STRING, .default_text = NULL, .min = 1, .max = 256,
     .flags = SCN_UNIQUE, .doc = "Name of the host group, unique among hosts."},
    {.path = "hosts.[].count", .type = SCN_INT, .default_text = "1", .min = 1, .max = 1000000,
     .doc = "Number of identical hosts in the group (hosts)."},
    {.path = "hosts.[].sockets", .type = SCN_INT, .default_text = "2", .min = 1, .max = 16,
     .doc = "CPU sockets per host (sockets)."},
    {.path = "hosts.[].cores_per_socket", .type = SCN_INT, .default_text = "16", .min = 1,
     .max = 512, .doc = "Physical cores per socket (cores)."},
    {.path = "hosts.[].cpu", .type = SCN_MHZ, .default_text = "\"2.6GHz\"", .min = 100,
     .max = 10000, .doc = "Clock frequency of one core (frequency)."},
    {.path = "hosts.[].memory", .type = SCN_BYTES, .default_text = "\"512GiB\"", .min = MIB,
     .max = 64 * TIB, .doc = "Physical memory per host (size)."},

    /* vms */
    {.path = "vms", .type = SCN_LIST, .default_text = "()", .min = 0, .max = 100000,
     .doc = "Groups of identical virtual machines (elements)."},
    {.path = "vms.[].name", .type = SCN_STRING, .default_text = NULL, .min = 1, .max = 256,
     .flags = SCN_UNIQUE, .doc = "Name of the VM group, unique among vms."},
    {.path = "vms.[].count", .type = SCN_INT, .default_text = "1", .min = 0, .max = 10000000,
     .doc = "Number of identical VMs in the group (VMs)."},
    {.path = "vms.[].vcpus", .type = SCN_INT, .default_text = "2", .min = 1, .max = 768,
     .doc = "Virtual CPUs per VM (vCPUs)."},
    {.path = "vms.[].memory", .type = SCN_BYTES, .default_text = "\"8GiB\"", .min = MIB,
     .max = 64 * TIB, .doc = "Configured memory per VM (size)."},
    {.path = "vms.[].host_group", .type = SCN_STRING, .default_text = "\"\"", .min = 0,
     .max = 256, .ref = "hosts.[].name",
     .doc = "Host group the VMs must run on; empty means any host."},
    {.path = "vms.[].start", .type = SCN_DURATION, .default_text = "\"0s\"", .min = 0,
     .max = INFINITY, .doc = "Simulated time at which the VMs power on (duration)."},
    {.path = "vms.[].cpu_demand", .type = SCN_GROUP, .default_text = "{}",
     .doc = "CPU demand of each VM over time."},
    {.path = "vms.[].cpu_demand.kind", .type = SCN_ENUM, .default_text = "\"constant\"",
     .enum_values = "constant|diurnal",
     .doc = "Shape of the demand: constant, or a daily sine wave around the mean."},
    {.path = "vms.[].cpu_demand.mean", .type = SCN_MHZ, .default_text = "\"1GHz\"", .min = 0,
     .max = 1e7, .doc = "Mean CPU demand of one VM (frequency)."},
    {.path = "vms.[].cpu_demand.amplitude", .type = SCN_FLOAT, .default_text = "0", .min = 0,
     .max = 1, .doc = "Swing of the diurnal wave relative to the mean (fraction)."},
    {.path = "vms.[].cpu_demand.period", .type = SCN_DURATION, .default_text = "\"1d\"",
     .min = 1, .max = INFINITY, .doc = "Period of the diurnal wave (duration)."},
    {.path = "vms.[].cpu_demand.phase", .type = SCN_DURATION, .default_text = "\"0s\"",
     .min = 0, .max = INFINITY, .doc = "Shift of the diurnal wave along the time axis (duration)."},
    {.path = "vms.[].cpu_demand.noise", .type = SCN_FLOAT, .default_text = "0", .min = 0,
     .max = 1,
     .doc = "Relative standard deviation of multiplicative noise drawn per sample (fraction)."},

    /* placement */
    {.path = "placement", .type = SCN_GROUP, .default_text = "{}",
     .doc = "How VMs are assigned to hosts."},
    {.path = "placement.policy", .type = SCN_ENUM, .default_text = "\"first_fit\"",
     .enum_values = "first_fit", .doc = "Placement algorithm."},
};

const size_t scn_key_count = sizeof scn_keys / sizeof scn_keys[0];
