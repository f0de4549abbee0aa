/* test_ha_admission.c - vSphere HA admission control and restart plan
 * (models/vsphere/ha_admission.c) against hand calculations and the vSphere
 * Availability guide's worked slot example. */
#include <string.h>

#include "analysis/oracles.h"
#include "models/vsphere/ha_admission.h"
#include "tests/check.h"

static ha_host host(double cpu, double mem)
{
    ha_host h = {cpu, mem, 1, 0};
    return h;
}

static ha_vm vm_on(int32_t h, double cpu_res, double mem_res)
{
    ha_vm v;
    memset(&v, 0, sizeof v);
    v.host = h;
    v.powered_on = 1;
    v.cpu_reservation_mhz = cpu_res;
    v.mem_reservation_mib = mem_res;
    v.priority = HA_PRIORITY_MEDIUM;
    v.restartable = 1;
    return v;
}

/* The guide's example (reference 2.3a): hosts 9 GHz/9 GB, 9 GHz/6 GB,
 * 6 GHz/6 GB; VMs 2/1, 2/1, 1/2, 1/1, 1/1 (GHz/GB reservations).
 *   slot = max CPU 2000 MHz x max memory 2048 MiB
 *   slots: H1 min(floor(9000/2000)=4, floor(9216/2048)=4) = 4,
 *          H2 min(4, floor(6144/2048)=3) = 3, H3 min(3, 3) = 3; total 10
 *   used 5; without H1: 6 >= 5; without H1 and H2: 3 < 5 -> capacity 1.
 * Admission with 1 tolerated failure:
 *   6th VM 1000 MHz / 1024 MiB: slot unchanged, used 6 <= 6 -> admitted;
 *   then a 7th: 7 > 6 -> refused;
 *   instead of the 6th, a 3000 MHz VM: slot 3000 MHz -> slots 3, 3, 2
 *   (9000/3000, min(3, 3), min(6000/3000=2, 3)), 8 in all; without the
 *   largest 5 < 6 -> refused.
 * With 2 tolerated failures even the small 6th is refused (3 < 6). */
static void test_slot_policy_example(void)
{
    ha_host hosts[3] = {host(9000, 9216), host(9000, 6144), host(6000, 6144)};
    ha_vm vms[7] = {vm_on(0, 2000, 1024), vm_on(0, 2000, 1024), vm_on(1, 1000, 2048), vm_on(1, 1000, 1024),
                    vm_on(2, 1000, 1024)};
    ha_config cfg;
    ha_config_default(&cfg);
    cfg.policy = HA_POLICY_SLOTS; /* the default is the percentage policy (vSphere 6.5+) */
    ha_slots s;
    uint32_t per_host[3];
    ha_slot_compute(hosts, 3, vms, 5, NULL, &cfg, &s, per_host);
    CHECK_NEAR(s.slot_cpu_mhz, 2000, 0);
    CHECK_NEAR(s.slot_mem_mib, 2048, 0);
    CHECK_INT_EQ(per_host[0], 4);
    CHECK_INT_EQ(per_host[1], 3);
    CHECK_INT_EQ(per_host[2], 3);
    CHECK_INT_EQ(s.total_slots, 10);
    CHECK_INT_EQ(s.used_slots, 5);
    CHECK_INT_EQ(s.failover_capacity, 1);

    ha_vm small = vm_on(-1, 1000, 1024), big = vm_on(-1, 3000, 1024);
    small.powered_on = big.powered_on = 0;
    CHECK(ha_admit_power_on(hosts, 3, vms, 5, &small, -1, &cfg));
    CHECK(!ha_admit_power_on(hosts, 3, vms, 5, &big, -1, &cfg));
    ha_slot_compute(hosts, 3, vms, 5, &big, &cfg, &s, per_host);
    CHECK_INT_EQ(per_host[0], 3);
    CHECK_INT_EQ(per_host[1], 3);
    CHECK_INT_EQ(per_host[2], 2);
    vms[5] = vm_on(2, 1000, 1024);
    CHECK(!ha_admit_power_on(hosts, 3, vms, 6, &small, -1, &cfg));
    cfg.failover_level = 2;
    CHECK(!ha_admit_power_on(hosts, 3, vms, 5, &small, -1, &cfg));
    /* A host down leaves 2 hosts: slots 3 + 3 (H2, H3) = 6, used 5; one
     * failure leaves 3 < 5: capacity 0, level 1 refused. */
    cfg.failover_level = 1;
    hosts[0].up = 0;
    ha_slot_compute(hosts, 3, vms, 5, NULL, &cfg, &s, per_host);
    CHECK_INT_EQ(s.total_slots, 6);
    CHECK_INT_EQ(s.failover_capacity, 0);
    CHECK(!ha_admit_power_on(hosts, 3, vms, 5, &small, -1, &cfg));
}

/* No reservations: slot = 32 MHz (das.vmcpuminmhz) x max overhead 100 MiB.
 * 4 hosts of 3200 MHz / 1,000,000 MiB: slots min(100, 10000) = 100 each.
 * Oracle (reference 2.3): failover capacity = N - ceil(V/s):
 *   V = 250 -> 4 - 3 = 1; V = 300 -> 1; V = 301 -> 4 - 4 = 0. */
static void test_slot_default_and_oracle(void)
{
    ha_host hosts[4];
    static ha_vm vms[301];
    for (int h = 0; h < 4; h++)
        hosts[h] = host(3200, 1000000);
    for (int v = 0; v < 301; v++) {
        vms[v] = vm_on(v % 4, 0, 0);
        vms[v].mem_overhead_mib = 100;
    }
    ha_config cfg;
    ha_config_default(&cfg);
    ha_slots s;
    const uint32_t counts[] = {250, 300, 301};
    for (int i = 0; i < 3; i++) {
        ha_slot_compute(hosts, 4, vms, counts[i], NULL, &cfg, &s, NULL);
        CHECK_NEAR(s.slot_cpu_mhz, 32, 0);
        CHECK_NEAR(s.slot_mem_mib, 100, 0);
        CHECK_INT_EQ(s.total_slots, 400);
        int want = 4 - (int)((counts[i] + 99) / 100);
        CHECK_INT_EQ(s.failover_capacity, want);
    }
    /* A 300-VM cluster admits no 301st VM with one tolerated failure. */
    ha_vm next = vms[300];
    next.powered_on = 0;
    CHECK(!ha_admit_power_on(hosts, 4, vms, 300, &next, -1, &cfg));
    CHECK(ha_admit_power_on(hosts, 4, vms, 299, &next, -1, &cfg));

    /* Slot caps: das.slotcpuinmhz = 1000 with one VM reserving 2500 MHz:
     * slot 1000 MHz, that VM needs ceil(2.5) = 3 slots; the others 1 each. */
    cfg.slot_cpu_cap_mhz = 1000;
    vms[0].cpu_reservation_mhz = 2500;
    ha_slot_compute(hosts, 4, vms, 10, NULL, &cfg, &s, NULL);
    CHECK_NEAR(s.slot_cpu_mhz, 1000, 0);
    CHECK_INT_EQ(s.used_slots, 12);
    CHECK_INT_EQ(s.total_slots, 12); /* floor(3200/1000) = 3 per host */
}

/* Percentage policy, 4 hosts of 10000 MHz / 10000 MiB (40000 each in all),
 * 25 % reserved for CPU and memory. VMs reserve 1000 MHz and 2000 MiB.
 *   14 running: cpu_fc = (40000 - 14000)/40000 = 0.65, mem_fc = 12000/40000 = 0.30
 *   15th: mem_fc = 10000/40000 = 0.25 >= 0.25 -> admitted
 *   16th: mem_fc = 8000/40000 = 0.20 -> refused.
 * A VM with no CPU reservation counts 32 MHz. */
static void test_percentage_policy(void)
{
    ha_host hosts[4];
    ha_vm vms[16];
    for (int h = 0; h < 4; h++)
        hosts[h] = host(10000, 10000);
    for (int v = 0; v < 16; v++)
        vms[v] = vm_on(v % 4, 1000, 2000);
    ha_config cfg;
    ha_config_default(&cfg);
    cfg.policy = HA_POLICY_PERCENTAGE;
    double cpu_fc, mem_fc;
    ha_percentage_compute(hosts, 4, vms, 14, NULL, &cfg, &cpu_fc, &mem_fc);
    CHECK_NEAR(cpu_fc, 0.65, 1e-12);
    CHECK_NEAR(mem_fc, 0.30, 1e-12);
    ha_vm next = vm_on(-1, 1000, 2000);
    next.powered_on = 0;
    CHECK(ha_admit_power_on(hosts, 4, vms, 14, &next, -1, &cfg));
    CHECK(!ha_admit_power_on(hosts, 4, vms, 15, &next, -1, &cfg));
    ha_vm tiny = vm_on(-1, 0, 0);
    ha_percentage_compute(hosts, 4, vms, 0, &tiny, &cfg, &cpu_fc, &mem_fc);
    CHECK_NEAR(cpu_fc, (40000.0 - 32.0) / 40000.0, 1e-12);
    /* The percentage for one failure of N = 4 identical hosts is 1/N = 25 %;
     * the analysis oracle gives f = floor(4 x 25/100) = 1. */
    CHECK_INT_EQ(oracle_ha_percentage_tolerated_failures(4, 25), 1);
}

static void test_failover_hosts_and_disabled(void)
{
    ha_host hosts[3] = {host(10000, 10000), host(10000, 10000), host(10000, 10000)};
    hosts[2].failover_host = 1;
    ha_vm vms[1] = {vm_on(0, 1000, 1000)};
    ha_vm next = vm_on(-1, 9000, 9000);
    ha_config cfg;
    ha_config_default(&cfg);
    cfg.policy = HA_POLICY_FAILOVER_HOSTS;
    CHECK(!ha_admit_power_on(hosts, 3, vms, 1, &next, 2, &cfg));
    CHECK(ha_admit_power_on(hosts, 3, vms, 1, &next, 1, &cfg));
    cfg.policy = HA_POLICY_DISABLED;
    CHECK(ha_admit_power_on(hosts, 3, vms, 1, &next, 2, &cfg));
    ha_policy pol;
    CHECK(ha_policy_parse("percentage", &pol) == 0 && pol == HA_POLICY_PERCENTAGE);
    CHECK(ha_policy_parse("bogus", &pol) == -1);
    ha_priority pr;
    CHECK(ha_priority_parse("lowest", &pr) == 0 && pr == HA_PRIORITY_LOWEST);
}

/* Restart plan. H0 failed; H1, H2 up with 8000 MHz / 16384 MiB; H3 a
 * dedicated failover host with 4000 / 8192. Running: v7 on H1 (4000/8192),
 * v8 on H2 (1000/1024). Failed (from H0), reservations MHz/MiB:
 *   v0 low 2000/4096, v1 highest 2000/4096, v2 medium 1000/2048,
 *   v3 disabled, v4 high 3000/4096, v5 medium 1000/2048, v6 SR-IOV (not
 *   restartable).
 * Order: v1, v4, v2, v5, v0 (v3 and v6 left out).
 *   v1 -> H3 (failover host first; H3 left 2000/4096)
 *   v4 -> H3 too small; H1 free 4000/8192 -> after 1000/4096: score .125+.25 = .375;
 *         H2 free 7000/15360 -> after 4000/11264: .5+.6875 = 1.1875 -> H2
 *   v2 -> H3 (left 1000/2048); v5 -> H3 (fits exactly, left 0/0)
 *   v0 -> H1 after 2000/4096: .25+.25 = .5; H2 after 2000/7168: .25+.4375 -> H2
 * A lowest-priority v9 reserving 5000 MHz then fits nowhere (H1 4000, H2
 * 2000, H3 0 free). */
static void test_restart_plan(void)
{
    ha_host hosts[4] = {host(8000, 16384), host(8000, 16384), host(8000, 16384), host(4000, 8192)};
    hosts[0].up = 0;
    hosts[3].failover_host = 1;
    ha_vm vms[10];
    vms[0] = vm_on(0, 2000, 4096);
    vms[0].priority = HA_PRIORITY_LOW;
    vms[1] = vm_on(0, 2000, 4096);
    vms[1].priority = HA_PRIORITY_HIGHEST;
    vms[2] = vm_on(0, 1000, 2048);
    vms[3] = vm_on(0, 1000, 2048);
    vms[3].priority = HA_PRIORITY_DISABLED;
    vms[4] = vm_on(0, 3000, 4096);
    vms[4].priority = HA_PRIORITY_HIGH;
    vms[5] = vm_on(0, 1000, 2048);
    vms[6] = vm_on(0, 100, 100);
    vms[6].restartable = 0;
    vms[7] = vm_on(1, 4000, 8192);
    vms[8] = vm_on(2, 1000, 1024);
    vms[9] = vm_on(0, 5000, 1024);
    vms[9].priority = HA_PRIORITY_LOWEST;

    const uint32_t failed[] = {0, 1, 2, 3, 4, 5, 6, 9};
    ha_restart plan[8];
    uint32_t unplaced[8], n_plan, n_unplaced;
    CHECK(ha_restart_plan(hosts, 4, vms, 10, failed, 8, NULL, 0, 0, plan, &n_plan, unplaced, &n_unplaced) == 0);
    CHECK_INT_EQ(n_plan, 5);
    const uint32_t want_vm[] = {1, 4, 2, 5, 0};
    const int32_t want_host[] = {3, 2, 3, 3, 2};
    for (int i = 0; i < 5 && i < (int)n_plan; i++) {
        CHECK_INT_EQ(plan[i].vm, want_vm[i]);
        CHECK_INT_EQ(plan[i].host, want_host[i]);
    }
    CHECK_INT_EQ(n_unplaced, 1);
    CHECK_INT_EQ(unplaced[0], 9);

    /* A must rule keeping v4 on {H1}: v4 -> H1 (left 1000/4096), and v0 then
     * goes to H2 (H1 has too little CPU). */
    const uint32_t only_4[] = {4}, h1[] = {1};
    drs_rule rule = {DRS_RULE_VM_HOST_MUST, only_4, 1, h1, 1};
    CHECK(ha_restart_plan(hosts, 4, vms, 10, failed, 7, &rule, 1, 0, plan, &n_plan, unplaced, &n_unplaced) == 0);
    CHECK_INT_EQ(n_plan, 5);
    CHECK_INT_EQ(plan[1].vm, 4);
    CHECK_INT_EQ(plan[1].host, 1);
    CHECK_INT_EQ(plan[4].vm, 0);
    CHECK_INT_EQ(plan[4].host, 2);

    /* Anti-affinity {v1, v2}, enforced only when asked: v2 may not join v1
     * on H3, so it goes to the roomiest host, H2 (7000/15360 free). */
    const uint32_t pair[] = {1, 2};
    rule = (drs_rule){DRS_RULE_VM_ANTI_AFFINITY, pair, 2, NULL, 0};
    CHECK(ha_restart_plan(hosts, 4, vms, 10, failed, 7, &rule, 1, 1, plan, &n_plan, unplaced, &n_unplaced) == 0);
    CHECK_INT_EQ(plan[2].vm, 2);
    CHECK_INT_EQ(plan[2].host, 2);
    CHECK(ha_restart_plan(hosts, 4, vms, 10, failed, 7, &rule, 1, 0, plan, &n_plan, unplaced, &n_unplaced) == 0);
    CHECK_INT_EQ(plan[2].host, 3);
}

/* The default policy (issue 14 item 9): since vSphere 6.5 the percentage
 * policy with the percentages computed from host failures to tolerate,
 * F / N of the up hosts. 8 hosts of 10000 MHz / 10000 MiB, VMs reserving
 * 1000 MHz / 1500 MiB, powered on one after the other:
 *   reserved = 1/8 = 12.5 %; memory binds: (80000 - 1500 n) / 80000 >= 0.125
 *   iff n <= 46.67: 46 admitted. (The old default, slots for one failure:
 *   slot 1000 MHz / 1500 MiB, min(10, 6) = 6 slots a host, 48 - 6 = 42.)
 *   With 3 hosts down N = 5: 20 %, (50000 - 1500 n)/50000 >= 0.2: 26.
 *   failover_level 2 of 8: 25 %; overriding with 30 % / 30 %: n <= 37.33: 37. */
static uint32_t admitted_in_a_row(const ha_host *hosts, uint32_t n_hosts, const ha_config *cfg)
{
    static ha_vm vms[100];
    uint32_t n = 0;
    while (n < 100) {
        ha_vm next = vm_on(-1, 1000, 1500);
        next.powered_on = 0;
        if (!ha_admit_power_on(hosts, n_hosts, vms, n, &next, -1, cfg))
            break;
        vms[n] = next;
        vms[n].powered_on = 1;
        vms[n].host = 0;
        n++;
    }
    return n;
}

static void test_default_percentage(void)
{
    ha_host hosts[8];
    for (int h = 0; h < 8; h++)
        hosts[h] = host(10000, 10000);
    ha_config cfg;
    ha_config_default(&cfg);
    CHECK_INT_EQ(cfg.policy, HA_POLICY_PERCENTAGE);
    CHECK_NEAR(ha_reserved_percentage(hosts, 8, &cfg, 0), 12.5, 1e-12);
    CHECK_NEAR(ha_reserved_percentage(hosts, 8, &cfg, 1), 12.5, 1e-12);
    CHECK_INT_EQ(admitted_in_a_row(hosts, 8, &cfg), 46);
    cfg.policy = HA_POLICY_SLOTS;
    CHECK_INT_EQ(admitted_in_a_row(hosts, 8, &cfg), 42);
    cfg.policy = HA_POLICY_PERCENTAGE;
    hosts[5].up = hosts[6].up = hosts[7].up = 0;
    CHECK_NEAR(ha_reserved_percentage(hosts, 8, &cfg, 1), 20.0, 1e-12);
    CHECK_INT_EQ(admitted_in_a_row(hosts, 8, &cfg), 26);
    hosts[5].up = hosts[6].up = hosts[7].up = 1;
    cfg.failover_level = 2;
    CHECK_NEAR(ha_reserved_percentage(hosts, 8, &cfg, 0), 25.0, 1e-12);
    cfg.auto_percentages = 0;
    cfg.cpu_percentage = cfg.memory_percentage = 30.0;
    CHECK_NEAR(ha_reserved_percentage(hosts, 8, &cfg, 1), 30.0, 0.0);
    CHECK_INT_EQ(admitted_in_a_row(hosts, 8, &cfg), 37);
}

int main(void)
{
    test_default_percentage();
    test_slot_policy_example();
    test_slot_default_and_oracle();
    test_percentage_policy();
    test_failover_hosts_and_disabled();
    test_restart_plan();
    return CHECK_DONE();
}
