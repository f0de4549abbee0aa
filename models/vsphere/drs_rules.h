/* drs_rules.h - vSphere VM-VM and VM-host rules, as pure functions over an
 * assignment (VM index -> host index, -1 when not placed).
 *
 * Rule kinds and their force (docs/vsphere.md, reference models.md 1.8):
 *   vm_affinity       all placed members on one host            hard
 *   vm_anti_affinity  no two placed members on one host         hard
 *   vm_host_must      placed members only on the host group     hard
 *   vm_host_must_not  placed members never on the host group    hard
 *   vm_host_should    prefer the host group                     soft
 *   vm_host_should_not prefer hosts outside the group           soft
 * Hard ("required") rules are never violated by a DRS move, a placement or
 * an HA restart made by these functions. Soft ("preferential") rules are kept
 * by load balancing and placement when possible; a VM that violates one gets
 * a mandatory (priority 1) corrective move from DRS.
 *
 * The index built by drs_rules_index_build() lists, for each VM, the rules
 * that name it, so checking a candidate move costs O(rules of that VM x
 * members), not O(all rules).
 */
#ifndef VDCSIM_MODELS_DRS_RULES_H
#define VDCSIM_MODELS_DRS_RULES_H

#include <stddef.h>
#include <stdint.h>

/* In the order of rules.[].kind (read with scn_enum). */
typedef enum {
    DRS_RULE_VM_AFFINITY,
    DRS_RULE_VM_ANTI_AFFINITY,
    DRS_RULE_VM_HOST_MUST,
    DRS_RULE_VM_HOST_MUST_NOT,
    DRS_RULE_VM_HOST_SHOULD,
    DRS_RULE_VM_HOST_SHOULD_NOT
} drs_rule_kind;

typedef struct drs_rule {
    drs_rule_kind kind;
    const uint32_t *vms;   /* member VM indices */
    uint32_t n_vms;
    const uint32_t *hosts; /* host group of a VM-host rule; unused otherwise */
    uint32_t n_hosts;
} drs_rule;

/* 1 for the four hard (required) kinds. */
int drs_rule_is_hard(drs_rule_kind kind);

/* "vm_affinity", ...; drs_rule_kind_parse returns 0 or -1. */
const char *drs_rule_kind_name(drs_rule_kind kind);
int drs_rule_kind_parse(const char *name, drs_rule_kind *out);

typedef struct drs_rule_index {
    uint32_t n_vms;
    uint32_t *offsets; /* n_vms + 1; rules of VM v are rule_ids[offsets[v]..offsets[v+1]) */
    uint32_t *rule_ids;
} drs_rule_index;

/* Builds the per-VM rule lists. Rule members >= n_vms are ignored. Returns 0
 * or -1 on allocation failure. */
int drs_rules_index_build(drs_rule_index *idx, const drs_rule *rules, uint32_t n_rules, uint32_t n_vms);
void drs_rules_index_free(drs_rule_index *idx);

/* 1 if placing VM v on host h (every other VM where `assignment` says)
 * keeps each rule naming v satisfied as far as v is concerned: the hard
 * rules only (soft = 0), or hard and soft (soft = 1). Other members' mutual
 * violations do not count against v. rules/idx may be NULL (no rules). */
int drs_rules_allow(const drs_rule *rules, const drs_rule_index *idx, const int32_t *assignment, uint32_t v,
                    int32_t h, int soft);

/* Counts the violations of a full assignment: for every rule, the members
 * that break it (affinity: members placed off the host holding most of the
 * group's placed members, ties to the lower host; anti-affinity: members
 * beyond the first on a host; VM-host: members on the wrong side of the
 * group). Unplaced members (-1) never violate. *hard and *soft may be NULL.
 * This is the invariant the tests check after every move and placement. */
void drs_rules_count_violations(const drs_rule *rules, uint32_t n_rules, const int32_t *assignment,
                                uint32_t n_vms, uint32_t *hard, uint32_t *soft);

/* The scenario's rules.[] resolved against the run's VMs and hosts, as
 * DRS reads them (drs_build.c), for readers outside DRS (vdcsim optimal).
 * 0; -1 bad input ("FILE:LINE: key ..." in err); -2 out of memory. The
 * caller frees *rules and *members (members back every rule's lists). */
struct scenario;
struct model_env;
int drs_rules_read(const struct scenario *scn, const struct model_env *env, drs_rule **rules, uint32_t **members,
                   uint32_t *n_rules, char *err, size_t err_len);

#endif
