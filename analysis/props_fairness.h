/* props_fairness.h - proportional-share fairness of a host's CPU among its
 * VMs (issue 17, item 3; docs/properties.md, "Proportional-share
 * fairness"): the quantity host.cpu_share_error of the property language and
 * the witness of its worst pair.
 *
 * Contract. At one sample of one host, a VM *contends* when it wants more
 * CPU than it received (its usable demand D', the demand capped at its
 * vCPUs x core MHz, above its entitlement E), its limit does not cap it
 * (E < L) and its reservation does not lift it (R = 0 or E > R), and it has
 * shares (S > 0). Among the contending VMs, received per share p = E / S;
 * the share error is p_max / p_min - 1: the largest relative error of a
 * received ratio E_i / E_j against the share ratio S_i / S_j over ordered
 * pairs. It is 0 with fewer than two contending VMs and when every
 * contending VM received nothing, infinite when one received nothing and
 * another something; errors below PF_ROUNDING are rounding of the
 * water-filling (exact up to 1e-9, docs/host-model.md) and read as 0.
 * The worst pair is the VM of p_max ("more") and that of p_min ("less"),
 * the lowest VM id on ties (so the order the VMs are given in does not
 * matter).
 * Used by the monitors during a run (models/monitors) and by `vdcsim
 * verify` (props_h5.c) from the same inputs, so both give the same value.
 * Pure functions, no allocation, reentrant.
 */
#ifndef VDCSIM_ANALYSIS_PROPS_FAIRNESS_H
#define VDCSIM_ANALYSIS_PROPS_FAIRNESS_H

#include <stddef.h>
#include <stdint.h>

#define PF_ROUNDING 1e-9

/* One VM of a host at one sample, as the CPU division saw it. */
typedef struct pf_vm {
    int64_t id;                 /* row of /tables/vms (witness names) */
    double shares;
    double reservation_mhz;
    double limit_mhz;           /* INFINITY when unlimited */
    double usable_demand_mhz;   /* D' = min(demand, vCPUs x core MHz) */
    double received_mhz;        /* E, the entitlement (= usage) */
} pf_vm;

typedef struct pf_pair {
    int contending;   /* contending VMs seen */
    double error;     /* after pf_end: the share error (0 when contending < 2) */
    pf_vm more, less; /* the worst pair (valid when contending >= 2) */
} pf_pair;

/* 1 when the VM contends (above). */
int pf_contends(const pf_vm *v);

/* Accumulates a host's VMs in the host's order: pf_begin, pf_add per VM
 * (non-contending ones are skipped), pf_end. */
void pf_begin(pf_pair *p);
void pf_add(pf_pair *p, const pf_vm *v);
void pf_end(pf_pair *p);

/* Appends the witness of the worst pair to buf (NUL-terminated, len bytes
 * in all) when p->error > 0:
 * "; web-01 (shares 2000, received 1500 MHz, demand 3000 MHz) vs web-02 (...)". */
void pf_note(const pf_pair *p, const char *name_more, const char *name_less, char *buf, size_t len);

/* The pairs of one host's samples, for witnesses written after the fact
 * (the monitors write theirs at the end of the run): an entry for every
 * sample whose error is above 0, and for the first sample back at 0 after
 * one, so pf_log_at(t) is the pair of the host's last sample at or before
 * t, or NULL when its error was 0 then (or it had no sample yet). Memory:
 * one entry per unfair sample. pf_log_add returns 0, or -1 when memory
 * runs out. */
typedef struct pf_log_entry {
    int64_t t;
    pf_pair pair;
} pf_log_entry;

typedef struct pf_log {
    pf_log_entry *e;
    size_t n, cap;
} pf_log;

int pf_log_add(pf_log *l, int64_t t, const pf_pair *p);
const pf_pair *pf_log_at(const pf_log *l, int64_t t);
void pf_log_free(pf_log *l);

#endif
