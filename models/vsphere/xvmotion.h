/* xvmotion.h - cross-cluster vMotion under one vCenter, when a scenario
 * asks for it (vcenter.migrations; docs/clusters.md "Cross-cluster
 * vMotion").
 *
 * The plan (which VM moves where, when, EVC and storage) is made at build
 * time by models/core/datacenter_moves.c; every moved VM has a twin, a VM
 * of the target cluster that starts off. This module runs the moves on its
 * own LP ("vcenter"):
 *   1. at the action's time, for each move: a move refused by EVC is
 *      recorded at once; else the source controller is asked where the VM
 *      runs (not running: recorded as refused), and the target controller
 *      places the twin as a power-on would (admission control, placement
 *      policy, capacity committed on the destination host; refused or no
 *      room: recorded as refused);
 *   2. the migration waits until both hosts have a free vMotion slot
 *      (vmotion_concurrency_limit of their NIC, counting cross-cluster
 *      moves), then copies the disk (when the clusters do not share a
 *      datastore) and the memory by iterative pre-copy (vmotion.h) over
 *      the inter-cluster link, whose bandwidth the migrations in flight
 *      share equally, each also held to its hosts' NIC share;
 *   3. at the end the source controller powers the original off (as at the
 *      end of a lifetime, so DRS and HA release it as usual) and the target
 *      controller starts the twin on the destination host; an original gone
 *      by then (failed, lifetime over) aborts the move and frees the twin's
 *      host.
 * Each move is one row of /tables/xvmotions (docs/hdf5-layout.md) and one
 * xvmotion_done or xvmotion_refused record in /events.
 * The same LP runs the cross-cluster rebalancer (xbalance.h), whose moves
 * are candidates planned at build time and enter at step 1's reserve.
 * Over MPI ranks the vcenter LP and the controllers run on rank 0 (only
 * hosts are spread) and every rank plans the same twins: messages carry
 * indices only.
 */
#ifndef VDCSIM_MODELS_VSPHERE_XVMOTION_H
#define VDCSIM_MODELS_VSPHERE_XVMOTION_H

#include <stdint.h>

/* The rate of one migration (bytes/s): the link's equal share among
 * link_active migrations, held to the fair share of each end's vMotion
 * NIC among the cross-cluster migrations there. */
double xvmotion_rate(double link_bytes_per_s, uint32_t link_active, double src_nic_bytes_per_s, uint32_t src_active,
                     double dst_nic_bytes_per_s, uint32_t dst_active);

/* Dirty rate of a VM during its move (bytes/s): vms.[].dirty_rate (MB/s at
 * full use of its vCPUs) scaled by its group's long-run mean CPU demand
 * over its vCPUs' capacity on the source host, at most 1 [M]. */
double xvmotion_dirty_rate(double dirty_mb_per_s, double mean_demand_mhz, uint32_t vcpus, double core_mhz);

extern const struct model_module xvmotion_module;

#endif
