/* drs_state.h - the working state DRS and placement share while they
 * evaluate what-if moves: normalised loads, reservations and VFs in use per
 * host, and the imbalance of a hypothetical move in O(1).
 *
 * Internal to drs.c and drs_placement.c.
 */
#ifndef VDCSIM_MODELS_DRS_STATE_H
#define VDCSIM_MODELS_DRS_STATE_H

#include "models/vsphere/drs.h"

typedef struct drs_state {
    const drs_cluster *c;
    drs_combine combine;
    uint32_t n_balancing;     /* H: hosts UP and not failover hosts */
    double weight[2];         /* cpu, mem weights of DRS_COMBINE_WEIGHTED */
    double cluster_capacity[2];
    double *load[2];          /* N_h,r (0 for hosts outside the balancing set) */
    double *entitled[2];      /* sum E_v,r on h */
    double *reserved[2];      /* sum reservations on h */
    uint32_t *vfs_used;
    double mean[2];           /* over balancing hosts */
    double sq_dev[2];         /* sum (N_h - mean)^2 over balancing hosts */
} drs_state;

int drs_host_balancing(const drs_host *h);

/* Allocates and fills the state from `assignment`; VM `skip` (or UINT32_MAX)
 * is left out. Returns 0 or -1. */
int drs_state_init(drs_state *s, const drs_cluster *c, drs_combine combine, const int32_t *assignment,
                   uint32_t skip);
void drs_state_free(drs_state *s);

/* Moves VM v's contribution from host `from` (-1: none) to `to` (-1: none)
 * and refreshes mean and deviations exactly (a full pass over the hosts). */
void drs_state_apply(drs_state *s, uint32_t v, int32_t from, int32_t to);

/* Combined imbalance now, and if v went from `from` (-1: nowhere or a host
 * outside the balancing set) to `to`; per-resource values into r_out[2]
 * when not NULL. */
double drs_state_imbalance(const drs_state *s, double *r_out);
double drs_state_imbalance_if(const drs_state *s, uint32_t v, int32_t from, int32_t to);

/* Reservations and VFs of v fit on h in this state. */
int drs_state_fits(const drs_state *s, uint32_t v, uint32_t h);

#endif
