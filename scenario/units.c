/* units.c - parse values that carry a unit. See units.h for the contract.
 *
 * The number is split into an integer part and a fraction so that integral
 * inputs never go through floating point: "30d" is 30 * 86400e9 computed in
 * uint64_t, and "2.6GHz" is 26 * 10^2 computed as one correctly rounded
 * double operation.
 */
#include "scenario/units.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One unit: integer families use mult (base units per unit); floating
 * families use exp10 (the unit is 10^exp10 base units). */
typedef struct unit_def {
    const char *name;
    uint64_t mult;
    int exp10;
} unit_def;

typedef struct unit_family {
    const char *what;        /* "duration", for messages */
    const char *list;        /* "ns, us, ..." */
    const char *example;     /* "5m" */
    const unit_def *units;
    int n_units;
} unit_family;

const char units_duration_list[] = "ns, us, ms, s, m, h, d, w";
const char units_bytes_list[] = "B, KiB, MiB, GiB, TiB, PiB, kB, KB, MB, GB, TB, PB";
const char units_mhz_list[] = "Hz, kHz, MHz, GHz";
const char units_gbps_list[] = "bps, Kbps, Mbps, Gbps, Tbps";
const char units_watts_list[] = "W, kW";
const char units_rate_list[] = "/s, /min, /h, /d";

#define NS_PER_S UINT64_C(1000000000)

static const unit_def duration_units[] = {
    {"ns", 1, 0},
    {"us", 1000, 0},
    {"ms", 1000000, 0},
    {"s", NS_PER_S, 0},
    {"m", 60 * NS_PER_S, 0},
    {"h", 3600 * NS_PER_S, 0},
    {"d", 86400 * NS_PER_S, 0},
    {"w", 7 * 86400 * NS_PER_S, 0},
};

static const unit_def bytes_units[] = {
    {"B", 1, 0},
    {"KiB", UINT64_C(1) << 10, 0},
    {"MiB", UINT64_C(1) << 20, 0},
    {"GiB", UINT64_C(1) << 30, 0},
    {"TiB", UINT64_C(1) << 40, 0},
    {"PiB", UINT64_C(1) << 50, 0},
    {"kB", UINT64_C(1000), 0},
    {"KB", UINT64_C(1000), 0},
    {"MB", UINT64_C(1000000), 0},
    {"GB", UINT64_C(1000000000), 0},
    {"TB", UINT64_C(1000000000000), 0},
    {"PB", UINT64_C(1000000000000000), 0},
};

static const unit_def mhz_units[] = {
    {"Hz", 0, -6}, {"kHz", 0, -3}, {"MHz", 0, 0}, {"GHz", 0, 3},
};

static const unit_def gbps_units[] = {
    {"bps", 0, -9}, {"Kbps", 0, -6}, {"Mbps", 0, -3}, {"Gbps", 0, 0}, {"Tbps", 0, 3},
};

static const unit_def watts_units[] = {
    {"W", 0, 0}, {"kW", 0, 3},
};

/* mult: the seconds one unit spans ("/h" counts per 3600 s). */
static const unit_def rate_units[] = {
    {"/s", 1, 0}, {"/min", 60, 0}, {"/h", 3600, 0}, {"/d", 86400, 0},
};

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const unit_family duration_family = {"duration", units_duration_list, "5m",
                                            duration_units, N_OF(duration_units)};
static const unit_family bytes_family = {"size", units_bytes_list, "16GiB", bytes_units,
                                         N_OF(bytes_units)};
static const unit_family mhz_family = {"frequency", units_mhz_list, "2.6GHz", mhz_units,
                                       N_OF(mhz_units)};
static const unit_family gbps_family = {"bandwidth", units_gbps_list, "25Gbps", gbps_units,
                                        N_OF(gbps_units)};
static const unit_family watts_family = {"power", units_watts_list, "350W", watts_units,
                                         N_OF(watts_units)};

static const unit_family rate_family = {"rate", units_rate_list, "7/h", rate_units, N_OF(rate_units)};

/* The number as written: int_part.frac with frac_digits digits after the
 * point. Fraction digits past 18 are dropped (far below any unit's grain). */
typedef struct decimal {
    uint64_t int_part;
    uint64_t frac;
    int frac_digits;
    int too_large;      /* the integer part does not fit in 64 bits */
} decimal;

static void say(char *why, size_t why_len, const char *fmt, ...)
{
    if (why == NULL || why_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
}

static double pow10_exact(int n)
{
    /* Powers of ten up to 1e22 are exact doubles. */
    double p = 1.0;
    for (int i = 0; i < n; i++)
        p *= 10.0;
    return p;
}

/* Parses "NUMBER [spaces] UNIT" and finds the unit. Returns 0 or -1. */
static int parse_number_and_unit(const char *text, const unit_family *fam, decimal *num,
                                 const unit_def **unit, char *why, size_t why_len)
{
    if (text == NULL)
        text = "";
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0') {
        say(why, why_len, "empty value (expected a %s such as \"%s\")", fam->what, fam->example);
        return -1;
    }
    if (*p == '-') {
        say(why, why_len, "negative value in \"%s\" (expected a %s of at least 0)", text,
            fam->what);
        return -1;
    }
    memset(num, 0, sizeof *num);
    int n_digits = 0;
    while (isdigit((unsigned char)*p)) {
        uint64_t d = (uint64_t)(*p - '0');
        if (num->int_part > (UINT64_MAX - d) / 10)
            num->too_large = 1;
        else
            num->int_part = num->int_part * 10 + d;
        n_digits++;
        p++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            if (num->frac_digits < 18) {
                num->frac = num->frac * 10 + (uint64_t)(*p - '0');
                num->frac_digits++;
            }
            n_digits++;
            p++;
        }
    }
    if (n_digits == 0) {
        say(why, why_len, "missing number in \"%s\" (expected a %s such as \"%s\")", text,
            fam->what, fam->example);
        return -1;
    }
    while (isspace((unsigned char)*p))
        p++;
    size_t unit_len = strlen(p);
    while (unit_len > 0 && isspace((unsigned char)p[unit_len - 1]))
        unit_len--;
    if (unit_len == 0) {
        say(why, why_len, "missing unit in \"%s\" (expected %s)", text, fam->list);
        return -1;
    }
    const unit_def *case_match = NULL;
    for (int i = 0; i < fam->n_units; i++) {
        const char *name = fam->units[i].name;
        if (strlen(name) != unit_len)
            continue;
        if (strncmp(name, p, unit_len) == 0) {
            *unit = &fam->units[i];
            return 0;
        }
        if (case_match == NULL) {
            size_t k = 0;
            while (k < unit_len && tolower((unsigned char)name[k]) == tolower((unsigned char)p[k]))
                k++;
            if (k == unit_len)
                case_match = &fam->units[i];
        }
    }
    int shown = unit_len > 40 ? 40 : (int)unit_len;
    if (case_match != NULL)
        say(why, why_len,
            "unknown unit '%.*s' in \"%s\" (expected %s; units are case-sensitive: did you "
            "mean '%s'?)",
            shown, p, text, fam->list, case_match->name);
    else
        say(why, why_len, "unknown unit '%.*s' in \"%s\" (expected %s)", shown, p, text,
            fam->list);
    return -1;
}

/* value * unit for the integer families, or -1 when above max. */
static int scale_integer(const decimal *num, const unit_def *unit, uint64_t max, uint64_t *out)
{
    if (num->too_large || num->int_part > max / unit->mult)
        return -1;
    uint64_t whole = num->int_part * unit->mult;
    /* The fraction is below one unit (at most about 1.2e15 base units), so a
     * double holds it to well under one base unit before rounding. */
    double frac = (double)num->frac / pow10_exact(num->frac_digits) * (double)unit->mult;
    uint64_t part = (uint64_t)llround(frac);
    if (part > max - whole)
        return -1;
    *out = whole + part;
    return 0;
}

/* value * 10^exp10 for the floating families. */
static double scale_double(const decimal *num, const unit_def *unit)
{
    /* Exact path: the digits as one integer mantissa, then one correctly
     * rounded multiply or divide by a power of ten. */
    uint64_t p10 = 1;
    for (int i = 0; i < num->frac_digits; i++)
        p10 *= 10;
    int e = unit->exp10 - num->frac_digits;
    if (!num->too_large && num->int_part <= (UINT64_C(1) << 53) / p10) {
        uint64_t mantissa = num->int_part * p10 + num->frac;
        if (mantissa <= (UINT64_C(1) << 53) && e >= -22 && e <= 22) {
            double m = (double)mantissa;
            return e >= 0 ? m * pow10_exact(e) : m / pow10_exact(-e);
        }
    }
    double v = (double)num->int_part + (double)num->frac / (double)p10;
    if (num->too_large)
        v = HUGE_VAL;
    return unit->exp10 >= 0 ? v * pow10_exact(unit->exp10) : v / pow10_exact(-unit->exp10);
}

int units_parse_duration_ns(const char *text, int64_t *out_ns, char *why, size_t why_len)
{
    decimal num;
    const unit_def *unit;
    if (parse_number_and_unit(text, &duration_family, &num, &unit, why, why_len) != 0)
        return -1;
    uint64_t ns;
    if (scale_integer(&num, unit, (uint64_t)INT64_MAX, &ns) != 0) {
        say(why, why_len, "\"%s\" is too large (expected a duration of at most about 292 years)",
            text);
        return -1;
    }
    *out_ns = (int64_t)ns;
    return 0;
}

int units_parse_bytes(const char *text, uint64_t *out_bytes, char *why, size_t why_len)
{
    decimal num;
    const unit_def *unit;
    if (parse_number_and_unit(text, &bytes_family, &num, &unit, why, why_len) != 0)
        return -1;
    if (scale_integer(&num, unit, UINT64_MAX, out_bytes) != 0) {
        say(why, why_len, "\"%s\" is too large (expected a size of at most 16 EiB)", text);
        return -1;
    }
    return 0;
}

static int parse_double(const char *text, const unit_family *fam, double *out, char *why,
                        size_t why_len)
{
    decimal num;
    const unit_def *unit;
    if (parse_number_and_unit(text, fam, &num, &unit, why, why_len) != 0)
        return -1;
    double v = scale_double(&num, unit);
    if (!isfinite(v)) {
        say(why, why_len, "\"%s\" is too large (expected a finite %s)", text, fam->what);
        return -1;
    }
    *out = v;
    return 0;
}

int units_parse_mhz(const char *text, double *out_mhz, char *why, size_t why_len)
{
    return parse_double(text, &mhz_family, out_mhz, why, why_len);
}

int units_parse_gbps(const char *text, double *out_gbps, char *why, size_t why_len)
{
    return parse_double(text, &gbps_family, out_gbps, why, why_len);
}

int units_parse_watts(const char *text, double *out_w, char *why, size_t why_len)
{
    return parse_double(text, &watts_family, out_w, why, why_len);
}

/* Formatting: the largest unit that divides the value exactly. */

void units_format_duration_ns(int64_t ns, char *buf, size_t buf_len)
{
    if (ns == 0) {
        snprintf(buf, buf_len, "0s");
        return;
    }
    for (int i = N_OF(duration_units) - 1; i >= 0; i--) {
        int64_t mult = (int64_t)duration_units[i].mult;
        if (ns % mult == 0) {
            snprintf(buf, buf_len, "%lld%s", (long long)(ns / mult), duration_units[i].name);
            return;
        }
    }
}

void units_format_bytes(uint64_t bytes, char *buf, size_t buf_len)
{
    /* Binary units only: sizes in this simulator are memory sizes. */
    for (int i = 5; i >= 0; i--) {
        uint64_t mult = bytes_units[i].mult;
        if (bytes % mult == 0 && (bytes != 0 || i == 0)) {
            snprintf(buf, buf_len, "%llu%s", (unsigned long long)(bytes / mult),
                     bytes_units[i].name);
            return;
        }
    }
}

static void format_decimal(double v, const unit_def *units, int n_units, char *buf,
                           size_t buf_len)
{
    /* units are ordered by size; pick the largest with a value >= 1 that
     * prints without loss, else the base unit. */
    for (int i = n_units - 1; i >= 0; i--) {
        double scaled = units[i].exp10 >= 0 ? v / pow10_exact(units[i].exp10)
                                            : v * pow10_exact(-units[i].exp10);
        if (scaled >= 1.0 && scaled == floor(scaled) && scaled < 1e15) {
            snprintf(buf, buf_len, "%.0f%s", scaled, units[i].name);
            return;
        }
    }
    for (int i = 0; i < n_units; i++)
        if (units[i].exp10 == 0) {
            snprintf(buf, buf_len, "%g%s", v, units[i].name);
            return;
        }
}

void units_format_mhz(double mhz, char *buf, size_t buf_len)
{
    format_decimal(mhz, mhz_units, N_OF(mhz_units), buf, buf_len);
}

void units_format_gbps(double gbps, char *buf, size_t buf_len)
{
    format_decimal(gbps, gbps_units, N_OF(gbps_units), buf, buf_len);
}

void units_format_watts(double w, char *buf, size_t buf_len)
{
    format_decimal(w, watts_units, N_OF(watts_units), buf, buf_len);
}

int units_parse_rate_parts(const char *text, double *out_number, int64_t *out_unit_s, char *why, size_t why_len)
{
    decimal num;
    const unit_def *unit;
    if (parse_number_and_unit(text, &rate_family, &num, &unit, why, why_len) != 0)
        return -1;
    static const unit_def plain = {"", 1, 0};
    double n = scale_double(&num, &plain);
    if (!isfinite(n)) {
        say(why, why_len, "\"%s\" is too large (expected a finite rate)", text);
        return -1;
    }
    *out_number = n;
    *out_unit_s = (int64_t)unit->mult;
    return 0;
}

int units_parse_rate(const char *text, double *out_per_s, char *why, size_t why_len)
{
    double n;
    int64_t unit_s;
    if (units_parse_rate_parts(text, &n, &unit_s, why, why_len) != 0)
        return -1;
    *out_per_s = n / (double)unit_s;
    return 0;
}

void units_format_rate(double per_s, char *buf, size_t buf_len)
{
    /* the smallest unit in which the count is a whole number of at least 1 */
    for (int i = 0; i < N_OF(rate_units); i++) {
        double n = per_s * (double)rate_units[i].mult;
        if (n >= 1.0 && n == floor(n) && n < 1e15) {
            snprintf(buf, buf_len, "%.0f%s", n, rate_units[i].name);
            return;
        }
    }
    snprintf(buf, buf_len, "%g/s", per_s);
}
