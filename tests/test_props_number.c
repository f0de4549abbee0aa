/* test_props_number.c - props_format_g6 (analysis/props_number.h) writes
 * what printf's "%.6g" writes. The reference is the C library's own
 * snprintf, on hand-picked cases (worked out below) and on 10^6 values of
 * every magnitude, including decimal ties. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analysis/props_number.h"
#include "check.h"

static void same_as_printf(double v)
{
    char want[64], got[PROPS_G6_LEN];
    snprintf(want, sizeof want, "%.6g", v);
    size_t n = props_format_g6(v, got);
    if (strcmp(want, got) != 0 || n != strlen(want))
        fprintf(stderr, "%.17g: printf %s, props_format_g6 %s\n", v, want, got);
    CHECK(strcmp(want, got) == 0 && n == strlen(want));
}

static uint64_t state = 0x9e3779b97f4a7c15u;
static uint64_t next(void) /* xorshift64 */
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(void)
{
    /* by hand: six significant digits, trailing zeros dropped, style e
     * below 1e-4 and from 1e6 on */
    char out[PROPS_G6_LEN];
    props_format_g6(0.0523, out);
    CHECK(strcmp(out, "0.0523") == 0);
    props_format_g6(3500, out);
    CHECK(strcmp(out, "3500") == 0);
    props_format_g6(1234.5678, out); /* 1234.57 */
    CHECK(strcmp(out, "1234.57") == 0);
    props_format_g6(999999.7, out); /* rounds to 1.00000e+06 */
    CHECK(strcmp(out, "1e+06") == 0);
    props_format_g6(-0.000012345678, out);
    CHECK(strcmp(out, "-1.23457e-05") == 0);
    props_format_g6(0.0001, out);
    CHECK(strcmp(out, "0.0001") == 0);
    /* special values and ties go to printf itself */
    const double special[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 1e-310, 1e300, 0.5, 1.5, 2.5, 1234565, 0.1234565,
                              123456.5, 1e22, 1e-22, 5e-324, 1.7976931348623157e308};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        same_as_printf(special[i]);
    /* values of every magnitude: random bits, decimals with 1-8 digits,
     * and decimals ending in 5 at the seventh digit (the ties of decimal
     * rounding, which binary doubles only approach) */
    for (int i = 0; i < 1000000; i++) {
        double v;
        uint64_t r = next();
        switch (i % 3) {
        case 0: memcpy(&v, &r, sizeof v); break;
        case 1: v = (double)(r % 100000000) / pow(10, (double)(next() % 16)) * ((r >> 63) ? -1 : 1); break;
        default: v = ((double)(r % 1000000) * 10 + 5) / pow(10, (double)(next() % 14)); break;
        }
        same_as_printf(v);
    }
    return CHECK_DONE();
}
