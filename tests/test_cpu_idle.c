/* test_cpu_idle.c - sim/cpu_idle.h: the /proc/stat line parsed by hand
 * (idle = idle + iowait, total = the first eight fields), idle CPUs between
 * two readings worked out by hand, the unknown cases, hostile lines, and
 * a reading of this machine that makes sense. */
#define _GNU_SOURCE /* sched_setaffinity */
#include <sched.h>
#include <unistd.h>

#include "sim/cpu_idle.h"
#include "tests/check.h"

int main(void)
{
    sim_cpu_times a, b;
    /* user nice system idle iowait irq softirq steal guest guest_nice */
    CHECK_INT_EQ(sim_cpu_times_parse("cpu  10 20 30 400 5 6 7 8 90 91\n", &a), 0);
    CHECK(a.ok);
    CHECK_INT_EQ(a.idle_ticks, 405);                    /* 400 + 5 */
    CHECK_INT_EQ(a.total_ticks, 486);                   /* 10 + 20 + 30 + 400 + 5 + 6 + 7 + 8: guest is in user */
    CHECK_INT_EQ(sim_cpu_times_parse("cpu 1 2 3 4 5 6 7 8", &b), 0); /* one space, no guest fields */
    CHECK_INT_EQ(b.total_ticks, 36);

    /* 2 CPUs; 200 ticks pass in all (100 per CPU), 80 of them idle: 0.8 CPUs */
    a = (sim_cpu_times){.idle_ticks = 100, .total_ticks = 400, .cpus = 2, .ok = 1};
    b = (sim_cpu_times){.idle_ticks = 180, .total_ticks = 600, .cpus = 2, .ok = 1};
    CHECK_NEAR(sim_cpu_idle_between(&a, &b), 0.8, 1e-12);
    /* all idle: 2 CPUs; none: 0 */
    b.idle_ticks = 300;
    CHECK_NEAR(sim_cpu_idle_between(&a, &b), 2.0, 1e-12);
    b.idle_ticks = 100;
    CHECK_NEAR(sim_cpu_idle_between(&a, &b), 0.0, 0.0);
    /* 18 ticks in all: 9 per CPU, under SIM_CPU_IDLE_MIN_TICKS (10): unknown */
    b = (sim_cpu_times){.idle_ticks = 110, .total_ticks = 418, .cpus = 2, .ok = 1};
    CHECK(sim_cpu_idle_between(&a, &b) < 0.0);
    b.total_ticks = 420; /* 10 per CPU: enough; 10 idle ticks / 10 = 1 CPU */
    CHECK_NEAR(sim_cpu_idle_between(&a, &b), 1.0, 1e-12);
    /* unknown: a failed reading, CPUs that changed, clocks that went back */
    b.ok = 0;
    CHECK(sim_cpu_idle_between(&a, &b) < 0.0);
    b = (sim_cpu_times){.idle_ticks = 180, .total_ticks = 600, .cpus = 4, .ok = 1};
    CHECK(sim_cpu_idle_between(&a, &b) < 0.0);
    b = (sim_cpu_times){.idle_ticks = 90, .total_ticks = 600, .cpus = 2, .ok = 1};
    CHECK(sim_cpu_idle_between(&a, &b) < 0.0);
    b = (sim_cpu_times){.idle_ticks = 180, .total_ticks = 300, .cpus = 2, .ok = 1};
    CHECK(sim_cpu_idle_between(&a, &b) < 0.0);

    /* hostile lines: refused, never half read */
    const char *bad[] = {"cpu0 1 2 3 4 5 6 7 8", "cpu  1 2 3 4 5 6 7", "cpu  1 2 3 x 5 6 7 8", "cpu  -1 2 3 4 5 6 7 8",
                         "", "intr 1 2 3 4 5 6 7 8",
                         "cpu  18446744073709551615 1 0 0 0 0 0 0" /* the sum overflows */,
                         "cpu  99999999999999999999 0 0 0 0 0 0 0" /* a field overflows */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT_EQ(sim_cpu_times_parse(bad[i], &a), -1);
        CHECK(!a.ok);
    }

    /* this machine: when /proc/stat is there, idle never exceeds total */
    sim_cpu_times_read(&a);
    if (a.ok) {
        CHECK(a.cpus >= 1);
        CHECK(a.idle_ticks <= a.total_ticks);
    }
    /* confined to one CPU of several: the machine's counts are not this
     * thread's, so unknown */
    cpu_set_t all, one;
    if (sysconf(_SC_NPROCESSORS_ONLN) >= 2 && sched_getaffinity(0, sizeof all, &all) == 0 && CPU_COUNT(&all) >= 2) {
        int first = 0;
        while (!CPU_ISSET(first, &all))
            first++;
        CPU_ZERO(&one);
        CPU_SET(first, &one);
        CHECK_INT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
        sim_cpu_times_read(&b);
        CHECK(!b.ok);
        CHECK_INT_EQ(sched_setaffinity(0, sizeof all, &all), 0);
    }
    return CHECK_DONE();
}
