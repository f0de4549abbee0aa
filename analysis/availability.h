/* availability.h - availability figures read back from a run file
 * (docs/failures.md, docs/hdf5-layout.md).
 *
 *  - avail_summary_read(): sums /tables/host_availability and
 *    /tables/vm_availability (written by models/failures/availability.c) and counts
 *    the failure event kinds; for run_summary's availability section.
 *  - avail_hosts_down_read(): the exact time-weighted distribution of the
 *    number of hosts down, integrated from the host state records of
 *    /events (each host_* / maintenance_* record carries the host's new
 *    state in `b`; down = failed or maintenance). No sampling error: this
 *    is what the k-out-of-n and machine-repairman checks compare.
 */
#ifndef VDCSIM_ANALYSIS_AVAILABILITY_H
#define VDCSIM_ANALYSIS_AVAILABILITY_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/avail_summary.h"

/* Reads the tables of an open run file. Returns 1 (found), 0 (no failure
 * tables: availability not modelled in this run), -1 with a message. */
int avail_summary_read(hid_t file, avail_summary *out, char *err, size_t err_len);

/* For each of n_groups groups of group_size consecutive hosts (hosts
 * g*group_size .. (g+1)*group_size - 1), fraction[g*(group_size+1) + j],
 * j = 0..group_size: the fraction of [0, until_ns) with exactly j of the
 * group's hosts down. Hosts are up at time 0. One pass over /events.
 * Returns 0, or -1 with a message naming the file. */
int avail_hosts_down_read(const char *path, int64_t until_ns, int group_size, int n_groups, double *fraction,
                          char *err, size_t err_len);

#endif
