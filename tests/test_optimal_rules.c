/* test_optimal_rules.c - the exact placement (analysis/optimal_placement.h)
 * with the constraints added for issue 17 item 4: hard VM-VM and VM-host
 * rules, GPUs, a 6-VM instance that packs in 2 hosts in exactly one way,
 * and the three solvers agreeing on every instance. Every expected value
 * is worked out by hand in the comment above its test. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/optimal_heuristics.h"
#include "analysis/optimal_placement.h"
#include "check.h"

#define GIB 1024u

static placement_host_view host(uint64_t memory_gib)
{
    return (placement_host_view){.logical_cpus = 32,
                                 .memory_mib = memory_gib * GIB,
                                 .cpu_mhz = 100000.0,
                                 .physical_memory_mib = memory_gib * GIB,
                                 .usable = 1};
}

static placement_request vm(uint64_t memory_gib)
{
    return (placement_request){.vcpus = 1, .memory_mib = memory_gib * GIB, .host_group = -1};
}

/* Solves with every solver this build has; all must agree on the status
 * and the value, and every placement must pass optimal_placement_check.
 * Returns the default solver's result, its placement in where. */
static optimal_result solve_all(const optimal_instance *in, optimal_objective objective, int32_t *where)
{
    optimal_result first = {.status = OPTIMAL_ERROR};
    int have_first = 0;
    for (int s = 0; s < OPTIMAL_SOLVER_COUNT; s++) {
        if (!optimal_solver_available((optimal_solver)s))
            continue;
        optimal_options opt = {.objective = objective, .solver = (optimal_solver)s, .time_limit_s = 20.0};
        optimal_result r;
        int32_t w[64];
        char err[512] = "", why[160] = "";
        optimal_solve(in, &opt, &r, w, err, sizeof err);
        if (r.status == OPTIMAL_ERROR)
            fprintf(stderr, "%s: %s\n", optimal_solver_key((optimal_solver)s), err);
        if (r.status == OPTIMAL_PROVEN) {
            int valid = optimal_placement_check(in, w, why, sizeof why);
            if (!valid)
                fprintf(stderr, "%s: %s\n", optimal_solver_key((optimal_solver)s), why);
            CHECK(valid);
        }
        if (!have_first || s == OPTIMAL_SOLVER_DEFAULT) {
            if (have_first) {
                CHECK_INT_EQ(r.status, first.status);
                CHECK_NEAR(r.value, first.value, 1e-9);
            }
            first = r;
            have_first = 1;
            memcpy(where, w, in->n_vms * sizeof *where);
        } else {
            CHECK_INT_EQ(r.status, first.status);
            CHECK_NEAR(r.value, first.value, 1e-9);
        }
    }
    return first;
}

/* 55, 45, 38, 27, 20, 15 GiB (200 in all) on 100 GiB hosts: two full
 * hosts, and only one way. The host holding the 55 needs exactly 45 more
 * from {45, 38, 27, 20, 15}: 45 alone (38 leaves 7, 27 leaves 18, 27+15 =
 * 42, 20+15 = 35, and every other sum overshoots), so the hosts are
 * {55, 45} and {38, 27, 20, 15}. In the order 55, 38, 45, 27, 20, 15 first
 * fit puts 55+38 = 93 on host 1, then 45+27+20 = 92 on host 2, and the 15
 * fits neither (108, 107): 3 hosts. */
static void test_unique_two_host_packing(void)
{
    placement_host_view hosts[4] = {host(100), host(100), host(100), host(100)};
    placement_request vms[6] = {vm(55), vm(38), vm(45), vm(27), vm(20), vm(15)};
    optimal_instance in = {.hosts = hosts, .n_hosts = 4, .vms = vms, .n_vms = 6};
    int32_t where[6];
    CHECK_INT_EQ((int)optimal_heuristic_place(HEUR_FIRST_FIT, &in, where), 0);
    CHECK_INT_EQ((int)optimal_hosts_used(4, 6, where), 3);
    optimal_result r = solve_all(&in, OPTIMAL_HOSTS, where);
    CHECK_INT_EQ(r.status, OPTIMAL_PROVEN);
    CHECK_NEAR(r.value, 2.0, 0.0);
    /* 55 (VM 0) with 45 (VM 2); 38, 27, 20, 15 (VMs 1, 3, 4, 5) together */
    CHECK(where[0] == where[2]);
    CHECK(where[1] == where[3] && where[3] == where[4] && where[4] == where[5]);
    CHECK(where[0] != where[1]);
}

/* Four 10 GiB VMs fit one 100 GiB host; an anti-affinity rule over three
 * of them puts those three on three hosts, the fourth joins one: 3. */
static void test_anti_affinity(void)
{
    placement_host_view hosts[4] = {host(100), host(100), host(100), host(100)};
    placement_request vms[4] = {vm(10), vm(10), vm(10), vm(10)};
    const uint32_t members[3] = {0, 1, 2};
    drs_rule rule = {.kind = DRS_RULE_VM_ANTI_AFFINITY, .vms = members, .n_vms = 3};
    optimal_instance in = {.hosts = hosts, .n_hosts = 4, .vms = vms, .n_vms = 4};
    int32_t where[4];
    optimal_result r = solve_all(&in, OPTIMAL_HOSTS, where);
    CHECK_INT_EQ(r.status, OPTIMAL_PROVEN);
    CHECK_NEAR(r.value, 1.0, 0.0);
    in.rules = &rule;
    in.n_rules = 1;
    r = solve_all(&in, OPTIMAL_HOSTS, where);
    CHECK_INT_EQ(r.status, OPTIMAL_PROVEN);
    CHECK_NEAR(r.value, 3.0, 0.0);
    CHECK(where[0] != where[1] && where[1] != where[2] && where[0] != where[2]);
    /* a soft rule is not a constraint */
    rule.kind = DRS_RULE_VM_HOST_SHOULD;
    r = solve_all(&in, OPTIMAL_HOSTS, where);
    CHECK_NEAR(r.value, 1.0, 0.0);
}

/* 60, 30, 30, 30 GiB on 100 GiB hosts. Without rules: 2 hosts (60+30,
 * 30+30). Affinity {30, 30, 30}: 90 on one host, 60 on another: 2.
 * Affinity {60, 30, 30}: 120 GiB cannot share a host: infeasible. */
static void test_affinity(void)
{
    placement_host_view hosts[3] = {host(100), host(100), host(100)};
    placement_request vms[4] = {vm(60), vm(30), vm(30), vm(30)};
    const uint32_t small[3] = {1, 2, 3}, big[3] = {0, 1, 2};
    drs_rule rule = {.kind = DRS_RULE_VM_AFFINITY, .vms = small, .n_vms = 3};
    optimal_instance in = {.hosts = hosts, .n_hosts = 3, .vms = vms, .n_vms = 4, .rules = &rule, .n_rules = 1};
    int32_t where[4];
    optimal_result r = solve_all(&in, OPTIMAL_HOSTS, where);
    CHECK_INT_EQ(r.status, OPTIMAL_PROVEN);
    CHECK_NEAR(r.value, 2.0, 0.0);
    CHECK(where[1] == where[2] && where[2] == where[3] && where[0] != where[1]);
    rule.vms = big;
    r = solve_all(&in, OPTIMAL_HOSTS, where);
    CHECK_INT_EQ(r.status, OPTIMAL_INFEASIBLE);
}

/* Two 10 GiB VMs on three hosts: VM 0 must run on host 0, VM 1 must not:
 * 2 hosts (1 without the rules), VM 0 on host 0. */
static void test_vm_host_rules(void)
{
    placement_host_view hosts[3] = {host(100), host(100), host(100)};
    placement_request vms[2] = {vm(10), vm(10)};
    const uint32_t vm0 = 0, vm1 = 1, host0 = 0;
    drs_rule rules[2] = {{.kind = DRS_RULE_VM_HOST_MUST, .vms = &vm0, .n_vms = 1, .hosts = &host0, .n_hosts = 1},
                         {.kind = DRS_RULE_VM_HOST_MUST_NOT, .vms = &vm1, .n_vms = 1, .hosts = &host0, .n_hosts = 1}};
    optimal_instance in = {.hosts = hosts, .n_hosts = 3, .vms = vms, .n_vms = 2, .rules = rules, .n_rules = 2};
    int32_t where[2];
    optimal_result r = solve_all(&in, OPTIMAL_HOSTS, where);
    CHECK_INT_EQ(r.status, OPTIMAL_PROVEN);
    CHECK_NEAR(r.value, 2.0, 0.0);
    CHECK_INT_EQ(where[0], 0);
    CHECK(where[1] != 0);
}

/* Hosts of 1 TiB with 2 GPUs (2000 thousandths). Three 1-GPU VMs and two
 * half-GPU VMs need 4000: 2 hosts, though memory alone would allow 1.
 * A 2.5-GPU VM fits no host: infeasible, and it is named. */
static void test_gpus(void)
{
    placement_host_view hosts[3] = {host(1024), host(1024), host(1024)};
    uint32_t host_gpu[3] = {2000, 2000, 2000};
    placement_request vms[6] = {vm(10), vm(10), vm(10), vm(10), vm(10), vm(10)};
    uint32_t vm_gpu[6] = {1000, 1000, 1000, 500, 500, 0};
    optimal_instance in = {.hosts = hosts, .n_hosts = 3, .vms = vms, .n_vms = 6, .vm_gpu_milli = vm_gpu,
                           .host_gpu_milli = host_gpu};
    int32_t where[6];
    optimal_result r = solve_all(&in, OPTIMAL_HOSTS, where);
    CHECK_INT_EQ(r.status, OPTIMAL_PROVEN);
    CHECK_NEAR(r.value, 2.0, 0.0);
    vm_gpu[5] = 2500;
    r = solve_all(&in, OPTIMAL_HOSTS, where);
    CHECK_INT_EQ(r.status, OPTIMAL_INFEASIBLE);
    CHECK_INT_EQ((int)r.unplaceable_vm, 5);
}

/* Balance with anti-affinity: two 40 GiB VMs kept apart and one 20 GiB VM
 * on two 100 GiB hosts: loads {40+20, 40} = 0.6 at best (CPU is 0). */
static void test_balance_with_rule(void)
{
    placement_host_view hosts[2] = {host(100), host(100)};
    placement_request vms[3] = {vm(40), vm(40), vm(20)};
    const uint32_t members[2] = {0, 1};
    drs_rule rule = {.kind = DRS_RULE_VM_ANTI_AFFINITY, .vms = members, .n_vms = 2};
    optimal_instance in = {.hosts = hosts, .n_hosts = 2, .vms = vms, .n_vms = 3, .rules = &rule, .n_rules = 1};
    int32_t where[3];
    optimal_result r = solve_all(&in, OPTIMAL_BALANCE, where);
    CHECK_INT_EQ(r.status, OPTIMAL_PROVEN);
    CHECK_NEAR(r.value, 0.6, 1e-9);
}

int main(void)
{
    if (!optimal_placement_available()) {
        printf("built without the default solver: nothing to test\n");
        return 0;
    }
    test_unique_two_host_packing();
    test_anti_affinity();
    test_affinity();
    test_vm_host_rules();
    test_gpus();
    test_balance_with_rule();
    return CHECK_DONE();
}
