/* power.c - watts from utilisation (see power.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/host/power.h"

double power_watts(const power_model *p, double u)
{
    if (!(u > 0.0))
        u = 0.0;
    if (u > 1.0)
        u = 1.0;
    if (!p->has_curve)
        return p->idle_w + (p->peak_w - p->idle_w) * u;
    double x = u * (POWER_CURVE_POINTS - 1);
    int k = (int)x;
    if (k >= POWER_CURVE_POINTS - 1)
        return p->curve_w[POWER_CURVE_POINTS - 1];
    double frac = x - k;
    return p->curve_w[k] + (p->curve_w[k + 1] - p->curve_w[k]) * frac;
}

int power_curve_parse(const char *text, double *curve_w, char *why, size_t why_len)
{
    const char *s = text;
    int n = 0;
    for (;;) {
        while (*s == ' ' || *s == ',' || *s == '\t')
            s++;
        if (*s == '\0')
            break;
        char *end;
        double v = strtod(s, &end);
        if (end == s || !(v >= 0.0) || v > 1e6) {
            snprintf(why, why_len, "'%s' is not a list of watts (expected 11 numbers >= 0 for 0%%, 10%%, ..., 100%% load)",
                     text);
            return -1;
        }
        if (n == POWER_CURVE_POINTS) {
            snprintf(why, why_len, "more than 11 values (expected 11 numbers for 0%%, 10%%, ..., 100%% load)");
            return -1;
        }
        curve_w[n++] = v;
        s = end;
    }
    if (n != POWER_CURVE_POINTS) {
        snprintf(why, why_len, "%d values (expected 11 numbers for 0%%, 10%%, ..., 100%% load)", n);
        return -1;
    }
    return 0;
}
