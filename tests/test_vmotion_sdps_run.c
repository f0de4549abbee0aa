/* test_vmotion_sdps_run.c - SDPS end to end (issue 14 item 6): a DRS move
 * of a VM that dirties memory faster than the vMotion link, with
 * vmotion.convergence = "sdps" (the default) and "precopy".
 *
 * Two hosts of 4 x 1000 MHz (2-way SMT: 4800 MHz schedulable), 64 GiB,
 * 10 Gbps (B = 1.25e9 B/s); first fit puts three VMs on host 0: "big"
 * (16 GiB, 2 vCPUs, 1500 MHz, dirty_rate 4000 MB/s at full use), "mid"
 * (1 GiB, 1000 MHz) and "small" (1 GiB, 500 MHz), dirty rate 0 for those.
 * As in test_drs_run case 1 the 302 s pass moves big (I_cpu 0.3125 -> 0;
 * I_mem after = |10383.98 - 1339.82| / 65536 / 2 = 0.069 < target 0.1414,
 * memory demand 8192 + 2048 + 143.98 overhead for big, 669.91 each for the
 * others). Cost-benefit is off so both modes make the move.
 * big's dirty rate: 4000e6 x use, use = 1500 / (2 x 1000) = 0.75: D = 3e9 B/s.
 * V = 2^34 B, V/B = 13.7438953472 s, downtime target 0.3 s.
 *   sdps: round 0 dirties all of V; D > 0.5 B: slowed to 0.625e9 B/s,
 *     speed 0.625e9 / 3e9 = 0.208333...; then rounds send V, V/2, ... and
 *     stop at V/64 (test_vmotion_sdps.c): 7 rounds, downtime 0.2147483648 s,
 *     slowed for V/B x 63/32 = 27.0582939648 s, from 302 + 13.744 = 315.744 s
 *     (the host hears it at 316.744 s) to 302 + V/B x 95/32 = 342.80 s.
 *     The samples at 320, 330 and 340 s show big's speed factor at 0.2083
 *     of the 310 s sample's (the migration runs, not yet slowed; nothing
 *     else changes on host 0 between them: the 1000 MHz vMotion reserve is
 *     in force from 303 s in both).
 *   precopy: 30 rounds, downtime V/B = 13.7438953472 s, never slowed; done
 *     at 302 + 31 x V/B = 728 s, inside the 15 min run.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/h5_read.h"
#include "tests/check.h"
#include "tests/run_h5.h"

static const char text_fmt[] =
    "simulation = { until = \"15m\"; sample_period = \"10s\"; };\n"
    "hosts = ( { name = \"esx\"; count = 2; sockets = 1; cores_per_socket = 4; cpu = \"1000MHz\";\n"
    "            memory = \"64GiB\"; nic_speed = \"10Gbps\"; } );\n"
    "vms = (\n"
    "  { name = \"big\"; count = 1; vcpus = 2; memory = \"16GiB\"; dirty_rate = 4000.0;\n"
    "    cpu_demand = { mean = \"1500MHz\"; }; memory_demand = { mean = 0.5; }; },\n"
    "  { name = \"mid\"; count = 1; vcpus = 2; memory = \"1GiB\"; dirty_rate = 0.0;\n"
    "    cpu_demand = { mean = \"1000MHz\"; }; memory_demand = { mean = 0.5; }; },\n"
    "  { name = \"small\"; count = 1; vcpus = 2; memory = \"1GiB\"; dirty_rate = 0.0;\n"
    "    cpu_demand = { mean = \"500MHz\"; }; memory_demand = { mean = 0.5; }; } );\n"
    "placement = { policy = \"first_fit\"; };\n"
    "drs = { enabled = true; cost_benefit = false; };\n"
    "vmotion = { convergence = \"%s\"; };\n"
    "output = { per_vm_series = true; };\n";

static double column(hid_t t, const char *name)
{
    double d = NAN;
    char err[256];
    CHECK_INT_EQ(h5r_table_column_f64(t, "/tables/vmotions", name, 0, 1, &d, err, sizeof err), 0);
    return d;
}

int main(void)
{
    const double V_over_B = 17179869184.0 / 1.25e9;
    char text[4096], err[256];
    for (int sdps = 1; sdps >= 0; sdps--) {
        snprintf(text, sizeof text, text_fmt, sdps ? "sdps" : "precopy");
        hid_t f = run_h5(sdps ? "sdps_run" : "precopy_run", text);
        if (f < 0)
            continue;
        hid_t t = H5Dopen2(f, "/tables/vmotions", H5P_DEFAULT);
        CHECK(t >= 0);
        int64_t vm = -1, rounds = -1;
        CHECK_INT_EQ(h5r_table_column_i64(t, "/tables/vmotions", "vm", 0, 1, &vm, err, sizeof err), 0);
        CHECK_INT_EQ(vm, 0);
        CHECK_INT_EQ(h5r_table_column_i64(t, "/tables/vmotions", "rounds", 0, 1, &rounds, err, sizeof err), 0);
        if (sdps) {
            CHECK_INT_EQ(rounds, 7);
            CHECK_NEAR(column(t, "downtime_s"), 0.2147483648, 1e-9);
            CHECK_NEAR(column(t, "sdps_min_speed"), 0.625e9 / 3e9, 1e-12);
            CHECK_NEAR(column(t, "sdps_throttled_s"), V_over_B * 63.0 / 32.0, 1e-6);
            double before = run_h5_series_at(f, "/series/vm/cpu_speed_factor", 31, 3, 0); /* 310 s */
            CHECK(before > 0.0);
            for (hsize_t row = 32; row <= 34; row++) /* 320, 330, 340 s */
                CHECK_NEAR(run_h5_series_at(f, "/series/vm/cpu_speed_factor", row, 3, 0) / before, 0.625e9 / 3e9, 1e-9);
            /* 350 s: migrated (transfer over at 302 + V/B x 191/64 = 343.02 s), running at full speed on host 1 */
            CHECK(run_h5_series_at(f, "/series/vm/cpu_speed_factor", 35, 3, 0) / before > 0.9);
        } else {
            CHECK_INT_EQ(rounds, 30);
            CHECK_NEAR(column(t, "downtime_s"), V_over_B, 1e-9);
            CHECK_NEAR(column(t, "sdps_min_speed"), 1.0, 0.0);
            CHECK_NEAR(column(t, "sdps_throttled_s"), 0.0, 0.0);
        }
        H5Dclose(t);
        H5Fclose(f);
    }
    return CHECK_DONE();
}
