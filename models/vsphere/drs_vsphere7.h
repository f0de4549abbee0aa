/* drs_vsphere7.h - the vSphere 7+ DRS policy "vsphere7-score" (see
 * drs_vsphere7.c and docs/vsphere.md, "DRS generations"). */
#ifndef VDCSIM_MODELS_DRS_VSPHERE7_H
#define VDCSIM_MODELS_DRS_VSPHERE7_H

#include "vdcsim/drs.h"

/* drs.args of vsphere7-score. */
typedef struct drs_vsphere7_args {
    double headroom;         /* share of CPU kept for bursts; default 0.1 */
    double gain_step;        /* own-score rise per threshold step; default 0.05 */
    double gain_horizon_s;   /* default 300 */
    double tracing_slowdown; /* default 0.1 */
    double cache_warmup_s;   /* default 1 */
} drs_vsphere7_args;

/* The VM DRS score on a host with these capacities and demands (the VM's
 * own demand included): eff_cpu x eff_mem, in 0..1. */
double drs_vsphere7_host_score(const drs_vsphere7_args *a, double cpu_capacity_mhz, double mem_capacity_mib,
                               double cpu_demand_mhz, double mem_demand_mib);

extern const vdcsim_drs_policy drs_policy_vsphere7_score;

#endif
