/* test_demand_template.c - one schema template and one reader for every
 * demand process (scenario/keys_demand_template.inc, demand_read.h): each of
 * the five demands (VM CPU, memory, network; pod CPU, memory) takes every
 * kind's keys, read in its own unit (MHz, fraction, Gbps, millicores, MiB),
 * with the defaults the template states; pods cannot ask for a trace. */
#include <math.h>
#include <string.h>

#include "models/workload/demand_read.h"
#include "scenario/scenario.h"
#include "tests/check.h"

static const char text[] =
    "hosts = ( { name = \"h\"; count = 1; } );\n"
    "vms = ( { name = \"v\"; count = 1;\n"
    "  cpu_demand = { kind = \"onoff\"; on_level = \"3GHz\"; off_level = \"500MHz\"; on_time = \"10m\";\n"
    "                 off_time = \"30m\"; ceiling = \"4GHz\"; };\n"
    "  memory_demand = { kind = \"random_walk\"; mean = 0.4; spread = 0.1; reversion_time = \"2h\"; };\n"
    "  network_demand = { kind = \"diurnal\"; mean = \"2Gbps\"; amplitude = 0.5; phase = \"6h\"; }; } );\n"
    "pods = ( { name = \"p\";\n"
    "  cpu_demand = { kind = \"onoff\"; on_level = 800.0; on_time = \"1m\"; off_time = \"3m\"; };\n"
    "  memory_demand = { kind = \"random_walk\"; mean = \"512MiB\"; ceiling = \"1GiB\"; }; } );\n";

static demand_spec read(const scenario *s, const char *prefix)
{
    demand_spec d;
    char err[512];
    memset(&d, 0, sizeof d);
    CHECK_INT_EQ(demand_read_scenario(s, prefix, &d, err, sizeof err), 0);
    return d;
}

int main(void)
{
    char err[1024];
    scenario *s = scenario_load_string(text, "demand.cfg", NULL, 0, err, sizeof err);
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return CHECK_DONE();
    }
    demand_spec c = read(s, "vms.[0].cpu_demand");
    CHECK_INT_EQ(c.kind, DEMAND_ONOFF);
    CHECK_NEAR(c.on_level, 3000.0, 1e-9); /* MHz */
    CHECK_NEAR(c.off_level, 500.0, 1e-9);
    CHECK_INT_EQ(c.on_time_ns, INT64_C(600000000000));
    CHECK_INT_EQ(c.off_time_ns, INT64_C(1800000000000));
    CHECK_NEAR(c.ceiling, 4000.0, 1e-9);
    CHECK_NEAR(c.mean, 1000.0, 1e-9); /* default 1GHz */
    demand_spec m = read(s, "vms.[0].memory_demand");
    CHECK_INT_EQ(m.kind, DEMAND_RANDOM_WALK);
    CHECK_NEAR(m.mean, 0.4, 1e-12);
    CHECK_NEAR(m.spread, 0.1, 1e-12);
    CHECK_INT_EQ(m.reversion_ns, INT64_C(7200000000000));
    CHECK_NEAR(m.on_level, 0.5, 1e-12); /* template defaults for a fraction */
    CHECK_NEAR(m.off_level, 0.1, 1e-12);
    demand_spec n = read(s, "vms.[0].network_demand");
    CHECK_INT_EQ(n.kind, DEMAND_DIURNAL);
    CHECK_NEAR(n.mean, 2.0, 1e-12); /* Gbps */
    CHECK_NEAR(n.amplitude, 0.5, 1e-12);
    CHECK_INT_EQ(n.phase_ns, INT64_C(21600000000000));
    CHECK_NEAR(n.on_level, 1.0, 1e-12); /* default 1Gbps */
    demand_spec pc = read(s, "pods.[0].cpu_demand");
    CHECK_INT_EQ(pc.kind, DEMAND_ONOFF);
    CHECK_NEAR(pc.on_level, 800.0, 1e-9); /* millicores */
    CHECK_NEAR(pc.off_level, 0.0, 1e-9);
    CHECK_INT_EQ(pc.on_time_ns, INT64_C(60000000000));
    CHECK_INT_EQ(pc.off_time_ns, INT64_C(180000000000));
    CHECK_NEAR(pc.mean, 100.0, 1e-9); /* default 100 m */
    demand_spec pm = read(s, "pods.[0].memory_demand");
    CHECK_INT_EQ(pm.kind, DEMAND_RANDOM_WALK);
    CHECK_NEAR(pm.mean, 512.0, 1e-9); /* MiB */
    CHECK_NEAR(pm.ceiling, 1024.0, 1e-9);
    CHECK_NEAR(pm.spread, 0.2, 1e-12); /* default */
    scenario_free(s);

    /* A pod cannot replay a VM trace: refused with file, line and key. */
    static const char pod_trace[] = "hosts = ( { name = \"h\"; } );\n"
                                    "pods = ( { name = \"p\";\n"
                                    "  cpu_demand = { kind = \"trace\"; }; } );\n";
    s = scenario_load_string(pod_trace, "trace.cfg", NULL, 0, err, sizeof err);
    CHECK(s == NULL);
    CHECK(strstr(err, "trace.cfg:3") != NULL);
    CHECK(strstr(err, "pods.[0].cpu_demand.kind") != NULL);
    scenario_free(s);
    return CHECK_DONE();
}
