/* time.c - formatting of simulated time. */
#include "sim/time.h"

#include <stdio.h>

char *sim_time_format(sim_time_ns t, char *buf, int buf_len)
{
    const char *sign = "";
    if (t < 0) {
        sign = "-";
        t = t == INT64_MIN ? INT64_MAX : -t;
    }
    int64_t days = t / SIM_NS_PER_DAY;
    int64_t rem = t % SIM_NS_PER_DAY;
    int hours = (int)(rem / SIM_NS_PER_HOUR);
    rem %= SIM_NS_PER_HOUR;
    int minutes = (int)(rem / SIM_NS_PER_MIN);
    rem %= SIM_NS_PER_MIN;
    int seconds = (int)(rem / SIM_NS_PER_S);
    int millis = (int)((rem % SIM_NS_PER_S) / SIM_NS_PER_MS);
    if (days > 0)
        snprintf(buf, (size_t)buf_len, "%s%lldd %02d:%02d:%02d.%03d", sign, (long long)days, hours,
                 minutes, seconds, millis);
    else
        snprintf(buf, (size_t)buf_len, "%s%02d:%02d:%02d.%03d", sign, hours, minutes, seconds, millis);
    return buf;
}
