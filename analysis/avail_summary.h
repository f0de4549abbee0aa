/* avail_summary.h - the availability section of a run summary (filled by
 * analysis/availability.c from /tables/host_availability and
 * /tables/vm_availability; no HDF5 types here so run_summary.h stays free
 * of hdf5.h). */
#ifndef VDCSIM_ANALYSIS_AVAIL_SUMMARY_H
#define VDCSIM_ANALYSIS_AVAIL_SUMMARY_H

#include <stdint.h>

typedef struct avail_summary {
    int has_hosts;             /* /tables/host_availability present */
    int64_t hosts;
    double host_availability_mean; /* mean over hosts of column availability */
    double host_availability_min;
    int64_t host_failures;     /* sum of failures */
    int64_t maintenances, isolations;
    double mttf_h, mttr_h;     /* pooled: available hours / failures, failed hours / failures; NaN if none */
    int has_vms;               /* /tables/vm_availability present */
    int64_t vms;
    double vm_availability_mean;
    double lost_vm_hours;      /* sum of downtime_h */
    double vm_downtime_max_h;
    int64_t vm_failures, vm_crashes, vm_restarts, vm_restart_failures, vms_down_at_end;
    int64_t domain_failures;   /* domain_failed records */
    /* /tables/repair_crews (has_crews 0: unlimited crews, mttr_h is the repair time) */
    int has_crews;
    int64_t crews;
    double crew_repair_h, crew_wait_h; /* means over the repairs started */
} avail_summary;

#endif
