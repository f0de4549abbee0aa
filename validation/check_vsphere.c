/* check_vsphere.c - the vSphere algorithms (models/vsphere/vmotion.c, drs.c,
 * ha_admission.c) against published and hand-computed values. These are
 * deterministic functions, so every row is exact (to the printed digits).
 *
 *   pre-copy: the test vectors of reference models.md 3.4 (V = 4 GiB,
 *     B = 1.25 GB/s, V_thd = 0.3 s x B), printed there to 3 decimals;
 *   DRS: the 4-host case of tests/test_drs.c (best move v0 H0 -> H3,
 *     imbalance sqrt(0.05) -> sqrt(0.00625));
 *   vMotion concurrency: five 1.25e8-byte migrations over one 1 GbE pair
 *     (limit 4, fair share): four finish at 4 s, the queued one at 5 s;
 *   HA: the vSphere Availability guide's slot example (slot 2 GHz / 2 GB,
 *     slots 4 + 3 + 3, failover capacity 1), the identical-host oracle
 *     N - ceil(V/s), and the percentage policy admitting exactly up to the
 *     reserved 25 %. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/vsphere/drs.h"
#include "models/vsphere/ha_admission.h"
#include "models/vsphere/vmotion.h"
#include "models/vsphere/vmotion_set.h"
#include "validation/report.h"

static void precopy_rows(report *r)
{
    static const struct {
        double dirty;
        int rounds;
        double total_s, downtime_s;
    } rows[] = {
        {0.0, 1, 3.436, 0.0},
        {5e7, 1, 3.573, 0.137},
        {2e8, 2, 4.074, 0.088},
        {6e8, 4, 6.439, 0.182},
    };
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        vmotion_params p;
        vmotion m;
        char check[160], e[64], s[64];
        vmotion_params_default(&p);
        p.memory_bytes = 4.0 * 1073741824.0;
        p.dirty_rate_bytes_per_s = rows[i].dirty;
        int ok = vmotion_run_constant(&p, 1.25e9, &m) == 0;
        double total = m.transfer_end_s, down = vmotion_downtime_s(&m);
        ok = ok && m.round == rows[i].rounds && fabs(total - rows[i].total_s) < 5e-4 &&
             fabs(down - rows[i].downtime_s) < 5e-4;
        snprintf(check, sizeof check, "vMotion pre-copy V=4GiB B=1.25GB/s D=%.0fMB/s: rounds, T_mig, T_down",
                 rows[i].dirty / 1e6);
        snprintf(e, sizeof e, "%d, %.3f s, %.3f s", rows[i].rounds, rows[i].total_s, rows[i].downtime_s);
        snprintf(s, sizeof s, "%d, %.3f s, %.3f s", m.round, total, down);
        add_row(r, ok, check, e, s, "exact");
    }
    /* D = 0: exactly V/B. */
    vmotion_params p;
    vmotion m;
    vmotion_params_default(&p);
    p.memory_bytes = 4.0 * 1073741824.0;
    vmotion_run_constant(&p, 1.25e9, &m);
    char s[64];
    snprintf(s, sizeof s, "%.10f s", m.transfer_end_s);
    add_row(r, m.transfer_end_s == p.memory_bytes / 1.25e9, "vMotion pre-copy D=0: T_mig = V/B", "3.4359738368 s", s,
            "exact");
}

static void vmotion_queue_row(report *r)
{
    const double gbps[2] = {1, 1};
    vmotion_set s;
    vmotion_params p;
    vmotion_event ev[32];
    double done[5] = {0, 0, 0, 0, 0};
    vmotion_params_default(&p);
    p.memory_bytes = 1.25e8;
    int ok = vmotion_set_init(&s, 2, gbps) == 0;
    for (uint32_t i = 0; ok && i < 5; i++)
        ok = vmotion_set_request(&s, i, 0, 1, &p, 0.0, NULL, NULL) == (int32_t)i;
    uint32_t n = ok ? vmotion_set_run_until(&s, 100.0, ev, 32) : 0;
    for (uint32_t i = 0; i < n; i++)
        if (ev[i].kind == VMOTION_EV_DONE && ev[i].vm < 5)
            done[ev[i].vm] = ev[i].time_s;
    ok = ok && fabs(done[0] - 4) < 1e-12 && fabs(done[1] - 4) < 1e-12 && fabs(done[2] - 4) < 1e-12 &&
         fabs(done[3] - 4) < 1e-12 && fabs(done[4] - 5) < 1e-12;
    char sim[64];
    snprintf(sim, sizeof sim, "%.3g, %.3g, %.3g, %.3g, %.3g s", done[0], done[1], done[2], done[3], done[4]);
    add_row(r, ok, "vMotion 5 x 125 MB over one 1 GbE pair (limit 4, fair share, FIFO queue): completion times",
            "4, 4, 4, 4, 5 s", sim, "exact");
    vmotion_set_free(&s);
}

static void drs_row(report *r)
{
    const double cpu[8] = {3500, 2000, 1500, 3000, 2000, 2000, 1000, 1000};
    const int32_t on[8] = {0, 0, 0, 1, 1, 2, 2, 3};
    drs_host hosts[4];
    drs_vm vms[8];
    int32_t a[8];
    memset(hosts, 0, sizeof hosts);
    memset(vms, 0, sizeof vms);
    for (int h = 0; h < 4; h++) {
        hosts[h].cpu_capacity_mhz = 10000;
        hosts[h].mem_capacity_mib = 65536;
        hosts[h].state = DRS_HOST_UP;
        hosts[h].vmotion_nic_gbps = 10;
    }
    for (int v = 0; v < 8; v++) {
        vms[v].host = a[v] = on[v];
        vms[v].cpu_entitlement_mhz = cpu[v];
        vms[v].mem_entitlement_mib = 2048;
        vms[v].memory_mib = 4096;
    }
    drs_cluster c = {hosts, 4, vms, 8, NULL, 0};
    drs_params p;
    drs_params_default(&p);
    drs_move moves[8];
    drs_pass_result res;
    int n = drs_pass(&c, &p, a, moves, 8, &res);
    int ok = n == 1 && moves[0].vm == 0 && moves[0].from == 0 && moves[0].to == 3 &&
             fabs(res.imbalance_before - sqrt(0.05)) < 1e-9 && fabs(res.imbalance_after - sqrt(0.00625)) < 1e-9;
    char s[64];
    if (n >= 1)
        snprintf(s, sizeof s, "%d move: v%u H%d->H%d, I %.4f->%.4f", n, moves[0].vm, moves[0].from, moves[0].to,
                 res.imbalance_before, res.imbalance_after);
    else
        snprintf(s, sizeof s, "%d moves", n);
    add_row(r, ok, "DRS 4-host hand case (threshold 3, target 0.1): best move", "1 move: v0 H0->H3, I 0.2236->0.0791",
            s, "exact");
}

static ha_vm ha_vm_on(int32_t h, double cpu, double mem)
{
    ha_vm v;
    memset(&v, 0, sizeof v);
    v.host = h;
    v.powered_on = 1;
    v.cpu_reservation_mhz = cpu;
    v.mem_reservation_mib = mem;
    v.restartable = 1;
    return v;
}

static void ha_rows(report *r)
{
    ha_host hosts[4] = {{9000, 9216, 1, 0}, {9000, 6144, 1, 0}, {6000, 6144, 1, 0}};
    ha_vm vms[301] = {ha_vm_on(0, 2000, 1024), ha_vm_on(0, 2000, 1024), ha_vm_on(1, 1000, 2048),
                      ha_vm_on(1, 1000, 1024), ha_vm_on(2, 1000, 1024)};
    ha_config cfg;
    ha_slots s;
    uint32_t per[4];
    char sim[64];
    ha_config_default(&cfg);
    ha_slot_compute(hosts, 3, vms, 5, NULL, &cfg, &s, per);
    snprintf(sim, sizeof sim, "%.0f MHz/%.0f MiB, %u+%u+%u, f=%u", s.slot_cpu_mhz, s.slot_mem_mib, per[0], per[1],
             per[2], s.failover_capacity);
    add_row(r,
            s.slot_cpu_mhz == 2000 && s.slot_mem_mib == 2048 && per[0] == 4 && per[1] == 3 && per[2] == 3 &&
                s.failover_capacity == 1,
            "HA slot policy, Availability guide example: slot, slots per host, failover capacity",
            "2000 MHz/2048 MiB, 4+3+3, f=1", sim, "exact");

    /* Identical hosts: 4 x 100 slots (3200 MHz / 32 MHz), failover capacity
     * N - ceil(V/s) for V = 250, 300, 301: 1, 1, 0. */
    for (int h = 0; h < 4; h++)
        hosts[h] = (ha_host){3200, 1000000, 1, 0};
    for (int v = 0; v < 301; v++) {
        vms[v] = ha_vm_on(v % 4, 0, 0);
        vms[v].mem_overhead_mib = 100;
    }
    const uint32_t counts[] = {250, 300, 301};
    uint32_t got[3];
    int ok = 1;
    for (int i = 0; i < 3; i++) {
        ha_slot_compute(hosts, 4, vms, counts[i], NULL, &cfg, &s, NULL);
        got[i] = s.failover_capacity;
        ok &= (int)got[i] == 4 - (int)((counts[i] + 99) / 100);
    }
    snprintf(sim, sizeof sim, "%u, %u, %u", got[0], got[1], got[2]);
    add_row(r, ok, "HA slot policy, 4 identical hosts x 100 slots: f = N - ceil(V/s) for V = 250, 300, 301",
            "1, 1, 0", sim, "exact");

    /* Percentage, 25 % reserved, 4 x 10000 MHz / 10000 MiB, VMs reserving
     * 1000 MHz / 2000 MiB: memory binds, (40000 - 2000 n)/40000 >= 0.25 iff
     * n <= 15. Count the power-ons admitted one after the other. */
    cfg.policy = HA_POLICY_PERCENTAGE;
    for (int h = 0; h < 4; h++)
        hosts[h] = (ha_host){10000, 10000, 1, 0};
    uint32_t admitted = 0;
    for (uint32_t v = 0; v < 40; v++) {
        ha_vm next = ha_vm_on(v % 4, 1000, 2000);
        if (!ha_admit_power_on(hosts, 4, vms, admitted, &next, (int32_t)(v % 4), &cfg))
            break;
        vms[admitted++] = next;
    }
    snprintf(sim, sizeof sim, "%u admitted", admitted);
    add_row(r, admitted == 15, "HA percentage policy 25 %: power-ons of 1000 MHz/2000 MiB VMs admitted on 4 x 10 GHz/10000 MiB",
            "15 admitted", sim, "exact");
}

void check_vsphere(report *r, const validate_options *o)
{
    (void)o;
    precopy_rows(r);
    vmotion_queue_row(r);
    drs_row(r);
    ha_rows(r);
}
