/* bench_recorder.c - the recorder alone, shaped like the headline day
 * (scenarios/datacenter_10k.cfg, issue 18): 10,000 hosts x 17 host series
 * put with rec_series_put_each every 5 minutes, 14 of them summed into
 * total series, windows of 36 s, 1 day. Prints CPU seconds of the puts and
 * of the window ends (chunk writes), the file size and the peak RSS, so a
 * recorder change is measured without the model's noise around it.
 *
 *   bench_recorder [--hosts N] [--days D] [--output FILE]
 *
 * Values: 3 series carry noisy doubles (full mantissas, as the model's
 * Gaussian noise gives), 8 integers that change hourly, 6 are mostly zero
 * (ballooned, swapped, ...).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "recorder/recorder.h"

#define N_SERIES 17
#define N_TOTALS 14
#define PERIOD_NS (300 * SIM_NS_PER_S)
#define WINDOW_NS (36 * SIM_NS_PER_S)

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static double sample_value(int series, int64_t row, int host)
{
    uint64_t h = mix((uint64_t)row * 1000003u + (uint64_t)host * 31u + (uint64_t)series);
    double u = (double)(h >> 11) * 0x1.0p-53;
    if (series >= 11) /* mostly zero */
        return u < 0.97 ? 0.0 : floor(u * 4096.0);
    if (series >= 3) /* integers that change now and then (MiB, VM counts) */
        return floor(4096.0 * (1 + host % 13) + (double)(row / 12) * 64.0 * (series - 2));
    double diurnal = 1.0 + 0.5 * sin(6.283185307179586 * (double)row / 288.0);
    return (1000.0 + 10.0 * series + host % 7 * 100.0) * diurnal * (0.9 + 0.2 * u);
}

int main(int argc, char **argv)
{
    int hosts = 10000;
    double days = 1.0;
    const char *out = "/tmp/bench_recorder.h5";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--hosts") == 0)
            hosts = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--days") == 0)
            days = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--output") == 0)
            out = argv[i + 1];
    }
    char err[1024];
    double t0 = cpu_s();
    recorder *r = recorder_open(out, 1, err, sizeof err);
    if (r == NULL) {
        fprintf(stderr, "bench_recorder: %s\n", err);
        return 1;
    }
    int ids[N_SERIES];
    char name[32];
    for (int k = 0; k < N_SERIES; k++) {
        snprintf(name, sizeof name, "s%02d", k);
        ids[k] = rec_series_new(r, "host", name, "1", NULL, hosts, 0, PERIOD_NS);
    }
    for (int k = 0; k < N_TOTALS; k++) {
        snprintf(name, sizeof name, "s%02d", k);
        rec_series_new_total(r, "cluster", name, "1", ids[k]);
    }
    sim_time_ns end_ns = (sim_time_ns)(days * 86400.0) * SIM_NS_PER_S;
    double put_s = 0.0, window_s = 0.0;
    sim_time_ns next_sample = 0;
    double *values = malloc((size_t)hosts * N_SERIES * sizeof *values);
    if (values == NULL)
        return 1;
    for (sim_time_ns w = WINDOW_NS; w <= end_ns + WINDOW_NS; w += WINDOW_NS) {
        sim_time_ns w_end = w < end_ns ? w : end_ns;
        recorder_window_begin(r, w_end);
        for (; next_sample < w_end; next_sample += PERIOD_NS) {
            int64_t row = next_sample / PERIOD_NS;
            for (int h = 0; h < hosts; h++) /* not timed */
                for (int k = 0; k < N_SERIES; k++)
                    values[(size_t)h * N_SERIES + (size_t)k] = sample_value(k, row, h);
            double t = cpu_s();
            for (int h = 0; h < hosts; h++)
                rec_series_put_each(r, ids, values + (size_t)h * N_SERIES, N_SERIES, next_sample, h);
            put_s += cpu_s() - t;
        }
        double t2 = cpu_s();
        recorder_window_end(r, w_end);
        window_s += cpu_s() - t2;
        if (w_end == end_ns)
            break;
    }
    double t3 = cpu_s();
    if (recorder_close(r, end_ns, err, sizeof err) != 0) {
        fprintf(stderr, "bench_recorder: %s\n", err);
        return 1;
    }
    double close_s = cpu_s() - t3;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    FILE *f = fopen(out, "rb");
    long bytes = -1;
    if (f != NULL) {
        fseek(f, 0, SEEK_END);
        bytes = ftell(f);
        fclose(f);
    }
    free(values);
    printf("hosts=%d days=%g cpu_s=%.3f put_cpu_s=%.3f window_cpu_s=%.3f close_cpu_s=%.3f bytes=%ld peak_rss_mib=%.1f\n",
           hosts, days, cpu_s() - t0, put_s, window_s, close_s, bytes, (double)ru.ru_maxrss / 1024.0);
    return 0;
}
