/* test_units.c - values with units: exact results and clear refusals. */
#include "scenario/units.h"
#include "tests/check.h"

#include <stdint.h>
#include <string.h>

static char why[256];

static int64_t dur(const char *text)
{
    int64_t ns = -12345;
    why[0] = '\0';
    if (units_parse_duration_ns(text, &ns, why, sizeof why) != 0)
        return -1;
    return ns;
}

static int dur_fails(const char *text)
{
    int64_t ns = -777;
    why[0] = '\0';
    int rc = units_parse_duration_ns(text, &ns, why, sizeof why);
    return rc == -1 && ns == -777 && why[0] != '\0';
}

static uint64_t bytes(const char *text)
{
    uint64_t b = 12345;
    why[0] = '\0';
    if (units_parse_bytes(text, &b, why, sizeof why) != 0)
        return UINT64_MAX;
    return b;
}

static double mhz(const char *text)
{
    double v = -1;
    return units_parse_mhz(text, &v, why, sizeof why) == 0 ? v : -1;
}

static double gbps(const char *text)
{
    double v = -1;
    return units_parse_gbps(text, &v, why, sizeof why) == 0 ? v : -1;
}

static double watts(const char *text)
{
    double v = -1;
    return units_parse_watts(text, &v, why, sizeof why) == 0 ? v : -1;
}

static double rate(const char *text)
{
    double v = -1;
    return units_parse_rate(text, &v, why, sizeof why) == 0 ? v : -1;
}

/* Rates (issue 14): per second; the parts keep the number as written, so
 * "7/h" read per hour is exactly 7 (7 * 3600 / 3600). */
static void test_rates(void)
{
    CHECK(rate("3/s") == 3.0);
    CHECK(rate("120/min") == 2.0);
    CHECK(rate("7/h") == 7.0 / 3600.0);
    CHECK(rate("2/d") == 2.0 / 86400.0);
    CHECK(rate(" 0.5 /s ") == 0.5);
    CHECK(rate("7") == -1);
    CHECK(strstr(why, "missing unit") != NULL);
    CHECK(rate("7/hour") == -1);
    CHECK(strstr(why, "/s, /min, /h, /d") != NULL);
    CHECK(rate("-1/s") == -1);
    double n = 0;
    int64_t unit_s = 0;
    CHECK(units_parse_rate_parts("12.5/h", &n, &unit_s, why, sizeof why) == 0);
    CHECK(n == 12.5);
    CHECK_INT_EQ(unit_s, 3600);
    char buf[64];
    units_format_rate(2.0, buf, sizeof buf);
    CHECK(strcmp(buf, "2/s") == 0);
    units_format_rate(1.0 / 60.0, buf, sizeof buf);
    CHECK(strcmp(buf, "1/min") == 0);
}

static void test_durations(void)
{
    CHECK_INT_EQ(dur("100ns"), 100);
    CHECK_INT_EQ(dur("10us"), 10000);
    CHECK_INT_EQ(dur("150ms"), 150000000);
    CHECK_INT_EQ(dur("2s"), 2000000000);
    CHECK_INT_EQ(dur("5m"), 300000000000);
    CHECK_INT_EQ(dur("1.5h"), 5400000000000);
    CHECK_INT_EQ(dur("30d"), INT64_C(2592000000000000));
    CHECK_INT_EQ(dur("1w"), INT64_C(604800000000000));
    CHECK_INT_EQ(dur("0s"), 0);
    CHECK_INT_EQ(dur("0.1s"), 100000000);
    CHECK_INT_EQ(dur(".5s"), 500000000);
    CHECK_INT_EQ(dur("1.s"), 1000000000);
    CHECK_INT_EQ(dur("  7 ms "), 7000000);
    CHECK_INT_EQ(dur("0.0000000015s"), 2);             /* rounds to the nearest ns */
    CHECK_INT_EQ(dur("9223372036854775807ns"), INT64_MAX);
    CHECK_INT_EQ(dur("106751d"), INT64_C(9223286400000000000));
    CHECK_INT_EQ(dur("36500d"), INT64_C(3153600000000000000));
    CHECK_INT_EQ(dur("000012s"), 12000000000);

    CHECK(dur_fails("9223372036854775808ns"));
    CHECK_STR_CONTAINS(why, "too large");
    CHECK(dur_fails("106752d"));
    CHECK(dur_fails("99999999999999999999999w"));
    CHECK(dur_fails("-5s"));
    CHECK_STR_CONTAINS(why, "negative");
    CHECK(dur_fails(""));
    CHECK_STR_CONTAINS(why, "empty");
    CHECK(dur_fails("   "));
    CHECK(dur_fails(NULL));
    CHECK(dur_fails("s"));
    CHECK_STR_CONTAINS(why, "missing number");
    CHECK(dur_fails("5"));
    CHECK_STR_CONTAINS(why, "missing unit in \"5\" (expected ns, us, ms, s, m, h, d, w)");
    CHECK(dur_fails("NaN"));
    CHECK(dur_fails("nans"));
    CHECK(dur_fails("inf s"));
    CHECK(dur_fails("5xs"));
    CHECK_STR_CONTAINS(why, "unknown unit 'xs' in \"5xs\" (expected ns, us, ms, s, m, h, d, w)");
    CHECK(dur_fails("3dy"));
    CHECK_STR_CONTAINS(why, "unknown unit 'dy'");
    CHECK(dur_fails("5M"));
    CHECK_STR_CONTAINS(why, "unknown unit 'M'");
    CHECK_STR_CONTAINS(why, "did you mean 'm'?");
    CHECK(dur_fails("5S"));
    CHECK_STR_CONTAINS(why, "did you mean 's'?");
    CHECK(dur_fails("5s garbage"));
    CHECK(dur_fails("5s5"));
    CHECK(dur_fails("1.5.3h"));
    CHECK(dur_fails("1e3s"));
    CHECK(dur_fails("+5s"));
    CHECK(dur_fails("5 min"));
    CHECK(dur_fails("."));

    /* A tiny buffer truncates the reason but never overflows. */
    int64_t ns;
    char small[8];
    CHECK(units_parse_duration_ns("5xs", &ns, small, sizeof small) == -1);
    CHECK_INT_EQ(strlen(small), 7);
    CHECK(units_parse_duration_ns("5xs", &ns, NULL, 0) == -1);
}

static void test_bytes(void)
{
    CHECK_INT_EQ(bytes("0B"), 0);
    CHECK_INT_EQ(bytes("1B"), 1);
    CHECK_INT_EQ(bytes("16 GiB"), UINT64_C(17179869184));
    CHECK_INT_EQ(bytes("512GiB"), UINT64_C(549755813888));
    CHECK_INT_EQ(bytes("1KiB"), 1024);
    CHECK_INT_EQ(bytes("1.5KiB"), 1536);
    CHECK_INT_EQ(bytes("1MiB"), 1048576);
    CHECK_INT_EQ(bytes("64TiB"), UINT64_C(70368744177664));
    CHECK_INT_EQ(bytes("2PiB"), UINT64_C(2251799813685248));
    CHECK_INT_EQ(bytes("1kB"), 1000);
    CHECK_INT_EQ(bytes("1KB"), 1000);
    CHECK_INT_EQ(bytes("3MB"), 3000000);
    CHECK_INT_EQ(bytes("8GB"), UINT64_C(8000000000));
    CHECK_INT_EQ(bytes("2TB"), UINT64_C(2000000000000));
    CHECK(bytes("18446744073709551615B") == UINT64_MAX);  /* fits exactly */
    CHECK_STR_CONTAINS(bytes("18446744073709551616B") == UINT64_MAX ? why : "", "too large");
    CHECK(bytes("16384PiB") == UINT64_MAX);
    CHECK_STR_CONTAINS(why, "too large");
    CHECK(bytes("16gib") == UINT64_MAX);
    CHECK_STR_CONTAINS(why, "unknown unit 'gib'");
    CHECK_STR_CONTAINS(why, "did you mean 'GiB'?");
    CHECK(bytes("16Gi") == UINT64_MAX);
    CHECK_STR_CONTAINS(why, "B, KiB, MiB, GiB, TiB, PiB, kB, KB, MB, GB, TB, PB");
    CHECK(bytes("16") == UINT64_MAX);
    CHECK_STR_CONTAINS(why, "missing unit");
    CHECK(bytes("-1GiB") == UINT64_MAX);
    CHECK(bytes("GiB") == UINT64_MAX);
    CHECK(bytes("1 GiB x") == UINT64_MAX);
}

static void test_mhz_gbps_watts(void)
{
    CHECK(mhz("2.6GHz") == 2600.0);
    CHECK(mhz("2600MHz") == 2600.0);
    CHECK(mhz("1GHz") == 1000.0);
    CHECK(mhz("500kHz") == 0.5);
    CHECK(mhz("1Hz") == 1e-6);
    CHECK(mhz("0.1GHz") == 100.0);
    CHECK(mhz("3.3 GHz") == 3300.0);
    CHECK(mhz("2.6ghz") == -1);
    CHECK_STR_CONTAINS(why, "did you mean 'GHz'?");
    CHECK(mhz("2.6") == -1);
    CHECK(mhz("2.6Ghz") == -1);
    CHECK_STR_CONTAINS(why, "(expected Hz, kHz, MHz, GHz");

    CHECK(gbps("25Gbps") == 25.0);
    CHECK(gbps("100Mbps") == 0.1);
    CHECK(gbps("1Tbps") == 1000.0);
    CHECK(gbps("10Kbps") == 1e-5);
    CHECK(gbps("1bps") == 1e-9);
    CHECK(gbps("25Gb/s") == -1);
    CHECK_STR_CONTAINS(why, "unknown unit 'Gb/s'");
    CHECK_STR_CONTAINS(why, "bps, Kbps, Mbps, Gbps, Tbps");
    CHECK(gbps("25GBps") == -1);
    CHECK(gbps("-1Gbps") == -1);

    CHECK(watts("350W") == 350.0);
    CHECK(watts("1.2kW") == 1200.0);
    CHECK(watts("0W") == 0.0);
    CHECK(watts("350w") == -1);
    CHECK_STR_CONTAINS(why, "did you mean 'W'?");
    CHECK(watts("1MW") == -1);
    CHECK_STR_CONTAINS(why, "(expected W, kW)");
    CHECK(watts("W") == -1);
}

static void test_formatting(void)
{
    char buf[64];
    units_format_duration_ns(INT64_C(3153600000000000000), buf, sizeof buf);
    CHECK(strcmp(buf, "36500d") == 0);
    units_format_duration_ns(1, buf, sizeof buf);
    CHECK(strcmp(buf, "1ns") == 0);
    units_format_duration_ns(0, buf, sizeof buf);
    CHECK(strcmp(buf, "0s") == 0);
    units_format_duration_ns(INT64_C(90000000000), buf, sizeof buf);
    CHECK(strcmp(buf, "90s") == 0);
    units_format_bytes(UINT64_C(70368744177664), buf, sizeof buf);
    CHECK(strcmp(buf, "64TiB") == 0);
    units_format_bytes(1048576, buf, sizeof buf);
    CHECK(strcmp(buf, "1MiB") == 0);
    units_format_bytes(1000, buf, sizeof buf);
    CHECK(strcmp(buf, "1000B") == 0);
    units_format_mhz(10000, buf, sizeof buf);
    CHECK(strcmp(buf, "10GHz") == 0);
    units_format_mhz(100, buf, sizeof buf);
    CHECK(strcmp(buf, "100MHz") == 0);
    units_format_gbps(0.1, buf, sizeof buf);
    CHECK(strcmp(buf, "100Mbps") == 0);
    units_format_watts(1500, buf, sizeof buf);
    CHECK(strcmp(buf, "1500W") == 0);
}

int main(void)
{
    test_durations();
    test_bytes();
    test_mhz_gbps_watts();
    test_formatting();
    test_rates();
    return CHECK_DONE();
}
