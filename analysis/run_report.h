/* run_report.h - `vdcsim report RUN.h5 -o DIR`: the figures of one run.
 *
 * Reads a run's HDF5 file (through the checked readers of h5_read.h) and
 * writes into DIR, for every figure whose series the run has, its numbers as
 * CSV and, with PLplot, PNG and SVG (analysis/plot.h), plus DIR/index.html
 * showing each figure with a caption. The figures (docs/analysis.md):
 *
 *   cpu              cluster CPU demand, usage and capacity (GHz) over time (h);
 *                    capacity = sum over hosts of cpu_capacity_mhz x up
 *   cpu-ready        distribution over VMs of each VM's mean CPU ready (%),
 *                    as a CDF (over hosts when per-VM series are off)
 *   host-cpu-heat    host x time heat map of CPU usage in % of capacity,
 *                    averaged into at most 400 x 400 cells
 *   memory           ballooned, compressed, swapped memory (GiB)
 *   power            cluster power (kW)
 *   availability     hosts up, VMs down, VMs waiting for a restart
 *   k8s-pending      pending pods; k8s-latency: scheduling latency p50, p99 (ms)
 *   service-latency  request latency p50/p95/p99 (ms) per service
 *
 * Returns 0, -2 for a file that is not a readable run (bad input), -1 for
 * an output that cannot be written; err says why.
 */
#ifndef VDCSIM_ANALYSIS_RUN_REPORT_H
#define VDCSIM_ANALYSIS_RUN_REPORT_H

#include <stddef.h>

int run_report_write(const char *run_path, const char *dir, char *err, size_t err_len);

#endif
