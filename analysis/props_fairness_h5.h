/* props_fairness_h5.h - host.cpu_share_error of a finished run (for
 * `vdcsim verify`, props_h5.c), from what the run recorded when a property
 * named it (docs/properties.md, "Proportional-share fairness"):
 *   /series/vm/host                   the host row each VM's CPU was divided on at a sample (NaN: none)
 *   /series/vm/cpu_usable_demand_mhz  D', the demand the division saw
 *   /series/vm/cpu_entitlement_mhz    E (output.per_vm_series)
 *   /tables/vm_resources              cpu_shares, cpu_reservation_mhz, cpu_limit_mhz
 *   /series/host/vms_running          which hosts sampled at a row (not NaN)
 * Contract: pf_h5_load reads them in blocks of rows (at most block_cells
 * VM cells a series, or one row; whole chunk rows when they fit: a 30-day
 * run of 100,000 VMs holds 6.9 GB a series) and computes, per sample row and host, the
 * share error with props_fairness.h, the code the monitors run: the same
 * values; it keeps the errors (rows x hosts doubles) and the VM series
 * open. A missing dataset is an error naming it and what writes it.
 * pf_h5_signal: the host's signal over [0, end): NaN before its first
 * sample, then the error from each of its samples on. pf_h5_pair: the
 * pair behind the value in force at t, recomputed from that sample's row
 * of the VM series (contending < 2 before the first sample, or when the
 * row cannot be read again). Returns 0, or -1 with a message. Not
 * thread-safe (HDF5).
 */
#ifndef VDCSIM_ANALYSIS_PROPS_FAIRNESS_H5_H
#define VDCSIM_ANALYSIS_PROPS_FAIRNESS_H5_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/props_fairness.h"
#include "analysis/props_signal.h"

typedef struct pf_h5 pf_h5;

int pf_h5_load(hid_t file, int64_t end_ns, size_t block_cells, pf_h5 **out, char *err, size_t err_len);
int pf_h5_signal(const pf_h5 *f, size_t host_row, ps_signal *out, char *err, size_t err_len);
void pf_h5_pair(pf_h5 *f, size_t host_row, int64_t t, pf_pair *out);
void pf_h5_free(pf_h5 *f);

#endif
