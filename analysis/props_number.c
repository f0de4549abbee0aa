/* props_number.c - "%.6g" without printf (see props_number.h). */
#include "analysis/props_number.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* 10^0 .. 10^22: every one is a double exactly. */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static size_t by_snprintf(double v, char *out)
{
    int n = snprintf(out, PROPS_G6_LEN, "%.6g", v);
    return n > 0 ? (size_t)n : 0;
}

/* a * 10^k with a single rounding (|k| <= 22), or -1 when k is out of range. */
static double scale10(double a, int k)
{
    if (k >= 0 && k <= 22)
        return a * pow10_exact[k];
    if (k < 0 && k >= -22)
        return a / pow10_exact[-k];
    return -1;
}

size_t props_format_g6(double v, char *out)
{
    double a = fabs(v);
    if (!(a > 1e-300 && a < 1e300))
        return by_snprintf(v, out); /* 0, subnormals, huge, inf, NaN */
    int e = (int)floor(log10(a)); /* the decimal exponent, maybe off by one */
    double scaled = scale10(a, 5 - e);
    if (scaled >= 0 && scaled < 99999.5) { /* e was one too high */
        e--;
        scaled = scale10(a, 5 - e);
    } else if (scaled >= 1000000.0) { /* one too low */
        e++;
        scaled = scale10(a, 5 - e);
    }
    /* scaled = a * 10^(5-e) within half an ulp (< 1.2e-10 below 10^6): the
     * sixth digit's rounding is certain unless the fraction is that close
     * to one half; printf rounds the exact binary value, so ties and
     * near-ties go to it */
    if (scaled < 99999.5 || scaled >= 1000000.0)
        return by_snprintf(v, out);
    double whole = floor(scaled);
    if (fabs(scaled - whole - 0.5) < 1e-9)
        return by_snprintf(v, out);
    long digits = (long)whole + (scaled - whole > 0.5);
    if (digits == 1000000) { /* 999999.7 -> 1.00000 * 10^(e+1) */
        digits = 100000;
        e++;
    }
    char d[7];
    for (int i = 5; i >= 0; i--, digits /= 10)
        d[i] = (char)('0' + digits % 10);
    int nd = 6;
    size_t n = 0;
    if (v < 0)
        out[n++] = '-';
    if (e < -4 || e >= 6) { /* style e: d.ddddde+XX, trailing zeros dropped */
        while (nd > 1 && d[nd - 1] == '0')
            nd--;
        out[n++] = d[0];
        if (nd > 1) {
            out[n++] = '.';
            memcpy(out + n, d + 1, (size_t)nd - 1);
            n += (size_t)nd - 1;
        }
        int x = e < 0 ? -e : e;
        out[n++] = 'e';
        out[n++] = e < 0 ? '-' : '+';
        if (x >= 100)
            out[n++] = (char)('0' + x / 100);
        out[n++] = (char)('0' + x / 10 % 10);
        out[n++] = (char)('0' + x % 10);
    } else { /* style f with 5 - e decimals, trailing zeros dropped */
        int int_digits = e + 1; /* <= 0: "0." then -e - 1 zeros */
        int frac_end = 6;
        while (frac_end > (int_digits > 0 ? int_digits : 0) && d[frac_end - 1] == '0')
            frac_end--;
        if (int_digits > 0) {
            memcpy(out + n, d, (size_t)int_digits);
            n += (size_t)int_digits;
            if (frac_end > int_digits) {
                out[n++] = '.';
                memcpy(out + n, d + int_digits, (size_t)(frac_end - int_digits));
                n += (size_t)(frac_end - int_digits);
            }
        } else {
            out[n++] = '0';
            out[n++] = '.';
            for (int z = 0; z < -int_digits; z++)
                out[n++] = '0';
            memcpy(out + n, d, (size_t)frac_end);
            n += (size_t)frac_end;
        }
    }
    out[n] = '\0';
    return n;
}
