/* units.h - parse values that carry a unit ("150ms", "16 GiB", "2.6GHz").
 *
 * Contract: each parser reads one value written as a non-negative decimal
 * number ("5", "1.5", ".5"), optional spaces, then a unit. Surrounding
 * whitespace is allowed. Units are case-sensitive and exactly as listed
 * below. The number is read as a decimal, so integral inputs give exact
 * results ("30d" is exactly 2592000000000000 ns).
 *
 * Each function returns 0 and stores the value in its base unit on success.
 * On failure it returns -1, leaves *out untouched and writes one reason into
 * why (never NULL-terminated past why_len), for example
 *   unknown unit 'xs' in "5xs" (expected ns, us, ms, s, m, h, d, w)
 * why may be NULL when the caller does not want a reason.
 */
#ifndef VDCSIM_SCENARIO_UNITS_H
#define VDCSIM_SCENARIO_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* ns us ms s m h d w -> nanoseconds. "m" is minutes; there are no months or
 * years. Fractions are rounded to the nearest nanosecond. Errors: negative,
 * larger than INT64_MAX ns, empty, missing number or unit, unknown unit. */
int units_parse_duration_ns(const char *text, int64_t *out_ns, char *why, size_t why_len);

/* B KiB MiB GiB TiB PiB (powers of 1024) and kB KB MB GB TB PB (powers of
 * 1000) -> bytes, rounded to the nearest byte. */
int units_parse_bytes(const char *text, uint64_t *out_bytes, char *why, size_t why_len);

/* Hz kHz MHz GHz -> MHz ("2.6GHz" is 2600). */
int units_parse_mhz(const char *text, double *out_mhz, char *why, size_t why_len);

/* bps Kbps Mbps Gbps Tbps -> Gbps ("100Mbps" is 0.1). */
int units_parse_gbps(const char *text, double *out_gbps, char *why, size_t why_len);

/* W kW -> watts. */
int units_parse_watts(const char *text, double *out_w, char *why, size_t why_len);

/* /s /min /h /d -> events per second ("7/h" is 7/3600). A bare number
 * ("7") is refused: it has no unit. units_parse_rate_parts gives the number
 * as written and the seconds its unit spans (1, 60, 3600, 86400), so a caller
 * wanting "per hour" gets "7/h" as exactly 7. */
int units_parse_rate(const char *text, double *out_per_s, char *why, size_t why_len);
int units_parse_rate_parts(const char *text, double *out_number, int64_t *out_unit_s, char *why, size_t why_len);

/* The accepted units of each family as one string, e.g. "ns, us, ms, s, m,
 * h, d, w", for messages and documentation. */
extern const char units_duration_list[];
extern const char units_bytes_list[];
extern const char units_mhz_list[];
extern const char units_gbps_list[];
extern const char units_watts_list[];
extern const char units_rate_list[];

/* Writes a value in the largest unit of its family that represents it
 * exactly ("36500d", "64TiB", "1ns", "10GHz"). Used for ranges in messages. */
void units_format_duration_ns(int64_t ns, char *buf, size_t buf_len);
void units_format_bytes(uint64_t bytes, char *buf, size_t buf_len);
void units_format_mhz(double mhz, char *buf, size_t buf_len);
void units_format_gbps(double gbps, char *buf, size_t buf_len);
void units_format_watts(double w, char *buf, size_t buf_len);
void units_format_rate(double per_s, char *buf, size_t buf_len);

#endif
