/* test_ha_totals.c - HA admission from running totals (models/vsphere/
 * ha_totals.c) gives the answers of the walk over every VM
 * (ha_admit_power_on, ha_slot_compute, ha_percentage_compute in
 * ha_admission.c) through random sequences of power-ons, power-offs and
 * host failures, for every built-in policy, with and without slot caps; and
 * one hand-worked case where the largest VM powers off. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/vsphere/ha_admission.h"
#include "models/vsphere/ha_totals.h"
#include "tests/check.h"

/* Hand-worked: 3 hosts of 4000 MHz / 8192 MiB, slot policy, 1 failure,
 * cpu_min 32. VMs: A 1000 MHz / 1024 MiB, B 2000 MHz / 1024 MiB (the
 * largest), C 500 MHz / 2048 MiB; overhead 0.
 * A, B, C on: slot 2000 MHz x 2048 MiB; per host min(floor(4000/2000),
 * floor(8192/2048)) = min(2, 4) = 2 slots; total 6, used 3, after the
 * largest host fails 4 >= 3, after two 2 < 3: failover capacity 1.
 * B off: the max CPU need falls back to A's 1000 (the walk happens):
 * slot 1000 x 2048: per host min(4, 4) = 4, total 12, used 2; capacity 2
 * (4 left after two failures >= 2). A fourth VM D of 3000 MHz asks to power
 * on: slot 3000 x 2048, per host min(1, 4) = 1, used 3, after one failure 2
 * < 3: refused. */
static void test_hand(void)
{
    ha_host hosts[3];
    for (int h = 0; h < 3; h++)
        hosts[h] = (ha_host){.cpu_capacity_mhz = 4000, .mem_capacity_mib = 8192, .up = 1};
    ha_vm vms[4] = {{.host = 0, .cpu_reservation_mhz = 1000, .mem_reservation_mib = 1024},
                    {.host = 1, .cpu_reservation_mhz = 2000, .mem_reservation_mib = 1024},
                    {.host = 2, .cpu_reservation_mhz = 500, .mem_reservation_mib = 2048},
                    {.host = -1, .cpu_reservation_mhz = 3000, .mem_reservation_mib = 0}};
    ha_config cfg;
    ha_config_default(&cfg);
    cfg.policy = HA_POLICY_SLOTS;
    ha_totals t;
    CHECK_INT_EQ(ha_totals_init(&t, vms, 4, 3, &cfg), 0);
    for (uint32_t v = 0; v < 3; v++) {
        vms[v].powered_on = 1;
        ha_totals_on(&t, vms, 4, v, &cfg);
    }
    ha_slots s;
    ha_totals_slots(&t, hosts, 3, vms, 4, &cfg, &s);
    CHECK_NEAR(s.slot_cpu_mhz, 2000, 0);
    CHECK_NEAR(s.slot_mem_mib, 2048, 0);
    CHECK_INT_EQ(s.total_slots, 6);
    CHECK_INT_EQ(s.used_slots, 3);
    CHECK_INT_EQ(s.failover_capacity, 1);
    vms[1].powered_on = 0;
    ha_totals_off(&t, vms, 4, 1, &cfg);
    ha_totals_slots(&t, hosts, 3, vms, 4, &cfg, &s);
    CHECK_NEAR(s.slot_cpu_mhz, 1000, 0);
    CHECK_INT_EQ(s.total_slots, 12);
    CHECK_INT_EQ(s.used_slots, 2);
    CHECK_INT_EQ(s.failover_capacity, 2);
    CHECK_INT_EQ(ha_totals_admit(&t, hosts, 3, vms, 4, &vms[3], -1, &cfg), 0);
    ha_totals_free(&t);
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t draw(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)((rng >> 33) % n);
}

#define R_HOSTS 12
#define R_VMS 300

static void random_sequence(ha_policy policy, double cpu_cap, double mem_cap)
{
    ha_host hosts[R_HOSTS];
    ha_vm vms[R_VMS];
    ha_config cfg;
    ha_config_default(&cfg);
    cfg.policy = policy;
    cfg.failover_level = 1 + draw(2);
    cfg.slot_cpu_cap_mhz = cpu_cap;
    cfg.slot_mem_cap_mib = mem_cap;
    for (int h = 0; h < R_HOSTS; h++)
        hosts[h] = (ha_host){.cpu_capacity_mhz = 20000 + 4000 * draw(3), .mem_capacity_mib = 65536 + 32768 * draw(2),
                             .up = 1, .failover_host = h == 0};
    for (int v = 0; v < R_VMS; v++) /* integer MHz and MiB: the sums are exact */
        vms[v] = (ha_vm){.host = -1, .cpu_reservation_mhz = draw(4) ? 0 : 50 * draw(60),
                         .mem_reservation_mib = draw(3) ? 0 : 256 * draw(40), .mem_overhead_mib = 100};
    ha_totals t;
    CHECK_INT_EQ(ha_totals_init(&t, vms, R_VMS, R_HOSTS, &cfg), 0);
    int agree_admit = 1, agree_slots = 1, agree_pct = 1;
    for (int step = 0; step < 3000; step++) {
        uint32_t what = draw(10), v = draw(R_VMS);
        if (what < 6 && !vms[v].powered_on) { /* power-on, as the controller does it: check, then mark */
            int32_t target = (int32_t)draw(R_HOSTS);
            int want = ha_admit_power_on(hosts, R_HOSTS, vms, R_VMS, &vms[v], target, &cfg);
            int got = ha_totals_admit(&t, hosts, R_HOSTS, vms, R_VMS, &vms[v], target, &cfg);
            agree_admit &= want == got;
            if (got) {
                vms[v].powered_on = 1;
                vms[v].host = target;
                ha_totals_on(&t, vms, R_VMS, v, &cfg);
            }
        } else if (what < 9 && vms[v].powered_on) {
            vms[v].powered_on = 0;
            ha_totals_off(&t, vms, R_VMS, v, &cfg);
        } else if (what == 9) {
            uint32_t h = draw(R_HOSTS);
            hosts[h].up = !hosts[h].up;
            ha_totals_hosts_changed(&t);
        }
        ha_slots want_s, got_s;
        ha_slot_compute(hosts, R_HOSTS, vms, R_VMS, NULL, &cfg, &want_s, NULL);
        ha_totals_slots(&t, hosts, R_HOSTS, vms, R_VMS, &cfg, &got_s);
        agree_slots &= memcmp(&want_s, &got_s, sizeof want_s) == 0;
        double sum_cpu = 0.0, sum_mem = 0.0;
        for (int k = 0; k < R_VMS; k++)
            if (vms[k].powered_on) {
                sum_cpu += ha_vm_cpu_need_mhz(&vms[k], &cfg);
                sum_mem += ha_vm_mem_need_mib(&vms[k]);
            }
        agree_pct &= sum_cpu == t.sum_cpu_need_mhz && sum_mem == t.sum_mem_need_mib;
    }
    CHECK(agree_admit);
    CHECK(agree_slots);
    CHECK(agree_pct);
    ha_totals_free(&t);
}

int main(void)
{
    test_hand();
    for (int rep = 0; rep < 3; rep++) {
        random_sequence(HA_POLICY_SLOTS, 0, 0);
        random_sequence(HA_POLICY_SLOTS, 1000, 4096);
        random_sequence(HA_POLICY_SLOTS, 0, 2048);
        random_sequence(HA_POLICY_PERCENTAGE, 0, 0);
        random_sequence(HA_POLICY_FAILOVER_HOSTS, 0, 0);
        random_sequence(HA_POLICY_DISABLED, 0, 0);
    }
    return CHECK_DONE();
}
