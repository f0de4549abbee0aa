/* tests/vmotion_runs.h - the crafted DRS + HA run of the vmotion.active
 * monitor tests (tests/test_monitors_vmotion.c, derived there by hand):
 * 3 hosts of 4 x 1 GHz, 5 VMs of 500 MHz, esx-01 failed from 20m for 30m,
 * DRS every 10m. `output_keys` are added to the output block (e.g.
 * "per_vm_series = true; "), `second_failure` to the injected failures
 * (VMOTION_ABORT: esx-02 fails during a migration, which aborts it). */
#ifndef VDCSIM_TESTS_VMOTION_RUNS_H
#define VDCSIM_TESTS_VMOTION_RUNS_H

#define VMOTION_RUN(output_keys, second_failure)                                                                   \
    "simulation = { seed = 1; until = \"2h\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; "           \
    "control_latency = \"1s\"; };\n"                                                                               \
    "output = { path = \"x.h5\"; " output_keys "};\n"                                                               \
    "hosts = ( { name = \"esx\"; count = 3; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = "       \
    "\"1GHz\"; memory = \"64GiB\"; } );\n"                                                                          \
    "vms = ( { name = \"web\"; count = 5; vcpus = 1; memory = \"4GiB\"; cpu_demand = { kind = \"constant\"; mean " \
    "= \"500MHz\"; }; } );\n"                                                                                       \
    "ha = { enabled = true; };\n"                                                                                   \
    "drs = { enabled = true; period = \"10m\"; threshold = 3; };\n"                                                \
    "failures = { inject = ( { target = \"host esx-01\"; at = \"20m\"; duration = \"30m\"; }" second_failure       \
    " ); };\n"

#define VMOTION_ABORT ", { target = \"host esx-02\"; at = \"3001900ms\"; duration = \"10m\"; }"

#endif
