/* test_drs_generations.c - the two DRS generations on hand-worked clusters
 * where they choose differently: vSphere 6.x cluster balance (drs_pass,
 * drs.policy = "vsphere" / "vsphere6-balance") and the vSphere 7+ per-VM
 * DRS score (drs.policy = "vsphere7-score", models/vsphere/drs_vsphere7.c).
 *
 * Both clusters: 2 hosts of 10000 MHz and 65536 MiB, 10 GbE vMotion, UP;
 * VMs with 1024 MiB memory entitlement and 1024 MiB configured, no page
 * dirtying, no reservations; threshold 3.
 *
 * A. Unbalanced but every VM happy. Host 0: VMs 0, 1, 2 of 2900 MHz (N =
 *    0.87); host 1: VM 3 of 1000 MHz (N = 0.10).
 *    vSphere 6: I = population std dev of (0.87, 0.10) = 0.385 > target
 *    (5-3)/(10 sqrt 2) = 0.1414. VM 0 -> host 1 gives (0.58, 0.39), I =
 *    0.095 <= target (VMs 1, 2 tie with VM 0 and lose on the index); the
 *    cost-benefit filter passes (2900 MHz of headroom gained for 300 s
 *    against a sub-second vMotion). One move, then balanced.
 *    vSphere 7: headroom 0.1, so host 0 serves 9000 MHz without ready time:
 *    8700 <= 9000 -> eff_cpu 1; memory 3072 <= 65536 -> eff_mem 1; every
 *    VM's score is 1 on its host and cannot rise: no move.
 * B. Contention. Host 0: VMs 0, 1, 2 of 4000 MHz (D = 12000); host 1: VM 3
 *    of 1000 MHz.
 *    vSphere 7: score on host 0 = 9000 / 12000 = 0.75. VM 0 -> host 1:
 *    host 0 8000 <= 9000 -> 1, host 1 5000 -> 1; own rise 0.25 >= 0.05 x
 *    (5 - 3) = 0.10. G = 8000 + 5000 - 12000 x 0.75 - 1000 = 3000 MHz.
 *    Cost: t_mig = 1024 MiB / 1.25 GB/s = 0.859 s; K = 4000 x (0.1 x 0.859
 *    + 1) / 300 = 14.48 MHz; G - K > 0. VM 3 -> host 0 lowers its score.
 *    One move, VM 0 -> host 1; then every score is 1: stop.
 *    With gain_step 0.15 the rise must be 0.30 > 0.25: no move. With
 *    threshold 1: mandatory moves only, none.
 */
#include <math.h>
#include <string.h>

#include "models/vsphere/drs.h"
#include "models/vsphere/drs_vsphere7.h"
#include "tests/check.h"

#define N_VMS 4

static void make(double big_mhz, drs_host hosts[2], drs_vm vms[N_VMS], vdcsim_drs_host xh[2], vdcsim_drs_vm xv[N_VMS])
{
    for (int h = 0; h < 2; h++) {
        hosts[h] = (drs_host){.cpu_capacity_mhz = 10000, .mem_capacity_mib = 65536, .state = DRS_HOST_UP,
                              .vmotion_nic_gbps = 10};
        xh[h] = (vdcsim_drs_host){.cpu_capacity_mhz = 10000, .mem_capacity_mib = 65536,
                                  .state = VDCSIM_DRS_HOST_UP, .vmotion_nic_gbps = 10};
    }
    for (int v = 0; v < N_VMS; v++) {
        double e = v < 3 ? big_mhz : 1000;
        int32_t h = v < 3 ? 0 : 1;
        vms[v] = (drs_vm){.host = h, .cpu_entitlement_mhz = e, .mem_entitlement_mib = 1024, .memory_mib = 1024};
        xv[v] = (vdcsim_drs_vm){.host = h, .cpu_entitlement_mhz = e, .mem_entitlement_mib = 1024, .memory_mib = 1024};
    }
}

static int run7(const vdcsim_drs_host *xh, const vdcsim_drs_vm *xv, int threshold, const drs_vsphere7_args *args,
                vdcsim_drs_move *moves)
{
    vdcsim_drs_call call = {.args = args, .hosts = xh, .n_hosts = 2, .vms = xv, .n_vms = N_VMS,
                            .threshold = threshold, .moves = moves, .max_moves = 8};
    return drs_policy_vsphere7_score.pass(&call);
}

static const drs_vsphere7_args defaults = {.headroom = 0.1, .gain_step = 0.05, .gain_horizon_s = 300,
                                           .tracing_slowdown = 0.1, .cache_warmup_s = 1};

static void test_unbalanced_but_happy(void)
{
    drs_host hosts[2];
    drs_vm vms[N_VMS];
    vdcsim_drs_host xh[2];
    vdcsim_drs_vm xv[N_VMS];
    make(2900, hosts, vms, xh, xv);
    drs_cluster c = {hosts, 2, vms, N_VMS, NULL, 0};
    drs_params p;
    drs_params_default(&p);
    int32_t a[N_VMS] = {0, 0, 0, 1};
    drs_move moves[8];
    drs_pass_result r;
    CHECK_INT_EQ(drs_pass(&c, &p, a, moves, 8, &r), 1);
    CHECK_INT_EQ(moves[0].vm, 0);
    CHECK_INT_EQ(moves[0].to, 1);
    CHECK_NEAR(r.imbalance_before, 0.385, 1e-9);
    CHECK_NEAR(r.imbalance_after, 0.095, 1e-9);
    CHECK_INT_EQ(r.stop, DRS_STOP_BALANCED);

    vdcsim_drs_move m7[8];
    CHECK_NEAR(drs_vsphere7_host_score(&defaults, 10000, 65536, 8700, 3072), 1.0, 0);
    CHECK_INT_EQ(run7(xh, xv, 3, &defaults, m7), 0);
    CHECK_INT_EQ(run7(xh, xv, 3, NULL, m7), 0); /* NULL args: the same defaults */
}

static void test_contention(void)
{
    drs_host hosts[2];
    drs_vm vms[N_VMS];
    vdcsim_drs_host xh[2];
    vdcsim_drs_vm xv[N_VMS];
    make(4000, hosts, vms, xh, xv);
    vdcsim_drs_move m7[8];
    CHECK_NEAR(drs_vsphere7_host_score(&defaults, 10000, 65536, 12000, 3072), 0.75, 1e-15);
    CHECK_NEAR(drs_vsphere7_host_score(&defaults, 10000, 2048, 8000, 3072), 2048.0 / 3072.0, 1e-15);
    CHECK_INT_EQ(run7(xh, xv, 3, &defaults, m7), 1);
    CHECK_INT_EQ(m7[0].vm, 0);
    CHECK_INT_EQ(m7[0].to, 1);
    CHECK_INT_EQ(run7(xh, xv, 5, &defaults, m7), 1);
    CHECK_INT_EQ(run7(xh, xv, 1, &defaults, m7), 0);
    drs_vsphere7_args strict = defaults;
    strict.gain_step = 0.15;
    CHECK_INT_EQ(run7(xh, xv, 3, &strict, m7), 0);
    /* A host in maintenance is evacuated whatever the scores: its VMs go first. */
    xh[1].state = VDCSIM_DRS_HOST_MAINTENANCE;
    xh[0].vmotion_nic_gbps = xh[1].vmotion_nic_gbps = 10;
    CHECK_INT_EQ(run7(xh, xv, 3, &defaults, m7), 1);
    CHECK_INT_EQ(m7[0].vm, 3);
    CHECK_INT_EQ(m7[0].to, 0);
}

int main(void)
{
    test_unbalanced_but_happy();
    test_contention();
    return CHECK_DONE();
}
