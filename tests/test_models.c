/* test_models.c - the thin model's pieces against hand-computed values. */
#include <math.h>

#include "check.h"
#include "models/workload/demand.h"
#include "models/core/placement.h"
#include "models/core/vm.h"
#include "sim/time.h"

static void test_demand(void)
{
    demand_spec c = {.kind = DEMAND_CONSTANT, .mean = 2500.0};
    CHECK_NEAR(demand_expected(&c, 0), 2500.0, 1e-9);
    CHECK_NEAR(demand_expected(&c, 7 * SIM_NS_PER_HOUR), 2500.0, 1e-9);

    /* diurnal, mean 1000, amplitude 0.5, period 1 day:
     * t = 6h is a quarter period -> sin = 1 -> 1500; t = 18h -> 500;
     * t = 12h -> sin(pi) = 0 -> 1000; phase 6h shifts 0h to the peak. */
    demand_spec d = {.kind = DEMAND_DIURNAL, .mean = 1000.0, .amplitude = 0.5, .period_ns = SIM_NS_PER_DAY};
    CHECK_NEAR(demand_expected(&d, 0), 1000.0, 1e-9);
    CHECK_NEAR(demand_expected(&d, 6 * SIM_NS_PER_HOUR), 1500.0, 1e-9);
    CHECK_NEAR(demand_expected(&d, 12 * SIM_NS_PER_HOUR), 1000.0, 1e-9);
    CHECK_NEAR(demand_expected(&d, 18 * SIM_NS_PER_HOUR), 500.0, 1e-9);
    /* A thousand days later the phase is exact (integer reduction). */
    CHECK_NEAR(demand_expected(&d, 1000 * SIM_NS_PER_DAY + 6 * SIM_NS_PER_HOUR), 1500.0, 1e-9);
    d.phase_ns = 6 * SIM_NS_PER_HOUR;
    CHECK_NEAR(demand_expected(&d, 0), 1500.0, 1e-9);
    /* amplitude 1 never goes negative */
    d.amplitude = 1.0;
    d.phase_ns = 0;
    CHECK(demand_expected(&d, 18 * SIM_NS_PER_HOUR) >= 0.0);

    /* Noise: the sample mean of 1 + 0.2 Z over 20000 draws is within
     * 5 sigma (5 * 0.2 / sqrt(20000) = 0.0071) of 1. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 11);
    demand_spec n = {.kind = DEMAND_CONSTANT, .mean = 1000.0, .noise = 0.2};
    double sum = 0.0;
    for (int i = 0; i < 20000; i++)
        sum += demand_sample(&n, 0, r);
    CHECK_NEAR(sum / 20000.0, 1000.0, 7.1);
    gsl_rng_free(r);

    demand_kind k;
    CHECK_INT_EQ(demand_kind_parse("diurnal", &k), 0);
    CHECK_INT_EQ(k, DEMAND_DIURNAL);
    CHECK_INT_EQ(demand_kind_parse("sinus", &k), -1);
}

static void test_first_fit(void)
{
    /* Three hosts: 16 CPUs/64 GiB, 32 CPUs/128 GiB (group 1), 8 CPUs/256 GiB. */
    placement_host_view h[3] = {
        {.logical_cpus = 16, .memory_mib = 65536, .group = 0, .usable = 1},
        {.logical_cpus = 32, .memory_mib = 131072, .group = 1, .usable = 1},
        {.logical_cpus = 8, .memory_mib = 262144, .group = 0, .usable = 1},
    };
    static const placement_choice first_fit = {.policy = &placement_first_fit}; /* from the registry's table */
    placement_request small = {.vcpus = 4, .memory_mib = 32768, .host_group = -1};
    CHECK_INT_EQ(placement_choose(&first_fit, h, 3, &small, NULL), 0);
    h[0].committed_memory_mib = 40000; /* 25536 MiB left: 32 GiB no longer fits */
    CHECK_INT_EQ(placement_choose(&first_fit, h, 3, &small, NULL), 1);
    placement_request wide = {.vcpus = 24, .memory_mib = 1024, .host_group = -1};
    CHECK_INT_EQ(placement_choose(&first_fit, h, 3, &wide, NULL), 1);
    placement_request pinned = {.vcpus = 2, .memory_mib = 1024, .host_group = 0};
    h[0].usable = 0;
    CHECK_INT_EQ(placement_choose(&first_fit, h, 3, &pinned, NULL), 2);
    placement_request huge = {.vcpus = 2, .memory_mib = 300000, .host_group = -1};
    CHECK_INT_EQ(placement_choose(&first_fit, h, 3, &huge, NULL), -1);
    /* exactly full fits */
    placement_host_view exact = {.logical_cpus = 4, .memory_mib = 1000, .committed_memory_mib = 600, .usable = 1};
    placement_request rest = {.vcpus = 4, .memory_mib = 400, .host_group = -1};
    CHECK_INT_EQ(placement_fits(&exact, &rest), 1);
    rest.memory_mib = 401;
    CHECK_INT_EQ(placement_fits(&exact, &rest), 0);
    /* SR-IOV: one NIC with 2 VFs, both given away. An SR-IOV VM no longer
     * fits though memory and vCPUs do; a virtio VM still does. */
    placement_host_view nic = {.logical_cpus = 8, .memory_mib = 8192, .sriov_vfs = 2, .usable = 1};
    placement_request sriov = {.vcpus = 2, .memory_mib = 1024, .host_group = -1, .sriov_vfs = 1};
    CHECK_INT_EQ(placement_fits(&nic, &sriov), 1);
    nic.committed_sriov_vfs = 1;
    CHECK_INT_EQ(placement_fits(&nic, &sriov), 1);
    nic.committed_sriov_vfs = 2;
    CHECK_INT_EQ(placement_fits(&nic, &sriov), 0);
    sriov.sriov_vfs = 0;
    CHECK_INT_EQ(placement_fits(&nic, &sriov), 1);
    placement_host_view no_vfs = {.logical_cpus = 8, .memory_mib = 8192, .usable = 1};
    sriov.sriov_vfs = 1;
    CHECK_INT_EQ(placement_fits(&no_vfs, &sriov), 0);
    /* Reservations: 20800 MHz and 16384 MiB physical (memory overcommitted
     * 2x in the view), 16000 MHz and 12288 MiB already reserved. */
    placement_host_view res = {.logical_cpus = 8, .memory_mib = 32768, .physical_memory_mib = 16384,
                               .cpu_mhz = 20800.0, .reserved_cpu_mhz = 16000.0, .reserved_memory_mib = 12288.0,
                               .usable = 1};
    placement_request want = {.vcpus = 2, .memory_mib = 4096, .host_group = -1, .cpu_reservation_mhz = 4800.0,
                              .memory_reservation_mib = 4096.0};
    CHECK_INT_EQ(placement_fits(&res, &want), 1); /* exactly 20800 and 16384 */
    want.cpu_reservation_mhz = 4801.0;
    CHECK_INT_EQ(placement_fits(&res, &want), 0);
    want.cpu_reservation_mhz = 4800.0;
    want.memory_reservation_mib = 4097.0;
    CHECK_INT_EQ(placement_fits(&res, &want), 0);
}

static void test_vm_lifecycle(void)
{
    /* Legal: stopped->starting->running<->migrating, running->stopping->stopped,
     * failed from powered-on states, failed->starting. */
    int legal[6][6] = {0};
    legal[VM_STOPPED][VM_STARTING] = 1;
    legal[VM_STARTING][VM_RUNNING] = legal[VM_STARTING][VM_FAILED] = legal[VM_STARTING][VM_STOPPED] = 1;
    legal[VM_RUNNING][VM_MIGRATING] = legal[VM_RUNNING][VM_STOPPING] = legal[VM_RUNNING][VM_FAILED] = 1;
    legal[VM_MIGRATING][VM_RUNNING] = legal[VM_MIGRATING][VM_FAILED] = 1;
    legal[VM_STOPPING][VM_STOPPED] = legal[VM_STOPPING][VM_FAILED] = 1;
    legal[VM_FAILED][VM_STARTING] = legal[VM_FAILED][VM_STOPPED] = 1;
    for (int from = 0; from < 6; from++)
        for (int to = 0; to < 6; to++)
            CHECK_INT_EQ(vm_transition_allowed((vm_state)from, (vm_state)to), legal[from][to]);
    vm v = {.state = VM_STOPPED, .host = -1};
    CHECK_INT_EQ(vm_transition(&v, VM_RUNNING), -1); /* must boot first */
    CHECK_INT_EQ(v.state, VM_STOPPED);
    CHECK_INT_EQ(vm_transition(&v, VM_STARTING), 0);
    CHECK_INT_EQ(vm_transition(&v, VM_RUNNING), 0);
    CHECK_INT_EQ(vm_transition(&v, VM_MIGRATING), 0);
    CHECK_INT_EQ(vm_transition(&v, VM_STOPPING), -1); /* not while migrating */
    CHECK_INT_EQ(vm_transition(&v, VM_RUNNING), 0);
}

int main(void)
{
    test_demand();
    test_first_fit();
    test_vm_lifecycle();
    return CHECK_DONE();
}
