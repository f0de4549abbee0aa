/* vm_overhead.c - VM memory overhead table and DRS memory demand (see
 * vm_overhead.h). */
#include "models/vsphere/vm_overhead.h"

enum { N_ROWS = 4, N_COLS = 4 };

static const double row_mib[N_ROWS] = {256.0, 1024.0, 4096.0, 16384.0};
static const double col_vcpus[N_COLS] = {1.0, 2.0, 4.0, 8.0};
/* vSphere 6.5 Resource Management guide, table "Sample Overhead Memory on
 * Virtual Machines" (the 6.7 guide has the same values). */
static const double table_mib[N_ROWS][N_COLS] = {
    {20.29, 24.28, 32.23, 48.16},
    {25.90, 29.91, 37.86, 53.82},
    {48.64, 52.72, 60.67, 76.78},
    {139.62, 143.98, 151.93, 168.60},
};

/* Index i of the segment [x[i], x[i+1]] used for x0 (the end segments
 * extrapolate). */
static int segment(const double *x, int n, double x0)
{
    int i = 0;
    while (i < n - 2 && x0 > x[i + 1])
        i++;
    return i;
}

static double lerp(double x0, double xa, double xb, double ya, double yb)
{
    return ya + (yb - ya) * (x0 - xa) / (xb - xa);
}

double vsphere_vm_overhead_mib(uint32_t vcpus, double memory_mib)
{
    double c = vcpus > 0 ? (double)vcpus : 1.0;
    double m = memory_mib > 0.0 ? memory_mib : 0.0;
    int r = segment(row_mib, N_ROWS, m), k = segment(col_vcpus, N_COLS, c);
    double at_k = lerp(m, row_mib[r], row_mib[r + 1], table_mib[r][k], table_mib[r + 1][k]);
    double at_k1 = lerp(m, row_mib[r], row_mib[r + 1], table_mib[r][k + 1], table_mib[r + 1][k + 1]);
    double v = lerp(c, col_vcpus[k], col_vcpus[k + 1], at_k, at_k1);
    return v > table_mib[0][0] ? v : table_mib[0][0];
}

