/* time.h - simulated time.
 *
 * Simulated time is a signed 64-bit count of nanoseconds from the start of
 * the run. Conversions to seconds exist only for reporting.
 */
#ifndef VDCSIM_SIM_TIME_H
#define VDCSIM_SIM_TIME_H

#include <stdint.h>

typedef int64_t sim_time_ns;

#define SIM_TIME_NEVER INT64_MAX
#define SIM_NS_PER_US INT64_C(1000)
#define SIM_NS_PER_MS INT64_C(1000000)
#define SIM_NS_PER_S INT64_C(1000000000)
#define SIM_NS_PER_MIN (INT64_C(60) * SIM_NS_PER_S)
#define SIM_NS_PER_HOUR (INT64_C(3600) * SIM_NS_PER_S)
#define SIM_NS_PER_DAY (INT64_C(86400) * SIM_NS_PER_S)

static inline double sim_time_to_s(sim_time_ns t) { return (double)t / 1e9; }

/* Formats a duration compactly ("3d 04:05:06.789") into buf; returns buf. */
char *sim_time_format(sim_time_ns t, char *buf, int buf_len);

#endif
