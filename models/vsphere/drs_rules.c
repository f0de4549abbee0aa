/* drs_rules.c - VM-VM and VM-host rules (see drs_rules.h). */
#include "models/vsphere/drs_rules.h"

#include <stdlib.h>
#include <string.h>

#include "scenario/schema.h"

static const char *const rule_kind_names[] = {
    "vm_affinity",    "vm_anti_affinity", "vm_host_must",
    "vm_host_must_not", "vm_host_should", "vm_host_should_not",
};

int drs_rule_is_hard(drs_rule_kind kind)
{
    return kind != DRS_RULE_VM_HOST_SHOULD && kind != DRS_RULE_VM_HOST_SHOULD_NOT;
}

const char *drs_rule_kind_name(drs_rule_kind kind)
{
    if ((unsigned)kind < sizeof rule_kind_names / sizeof rule_kind_names[0])
        return rule_kind_names[kind];
    return "?";
}

int drs_rule_kind_parse(const char *name, drs_rule_kind *out)
{
    int k = scn_enum_index("rules.[].kind", name);
    if (k < 0)
        return -1;
    *out = (drs_rule_kind)k;
    return 0;
}

int drs_rules_index_build(drs_rule_index *idx, const drs_rule *rules, uint32_t n_rules, uint32_t n_vms)
{
    uint32_t total = 0;

    memset(idx, 0, sizeof *idx);
    idx->n_vms = n_vms;
    idx->offsets = calloc((size_t)n_vms + 1, sizeof *idx->offsets);
    if (idx->offsets == NULL)
        return -1;
    for (uint32_t r = 0; r < n_rules; r++)
        for (uint32_t k = 0; k < rules[r].n_vms; k++)
            if (rules[r].vms[k] < n_vms) {
                idx->offsets[rules[r].vms[k] + 1]++;
                total++;
            }
    for (uint32_t v = 0; v < n_vms; v++)
        idx->offsets[v + 1] += idx->offsets[v];
    idx->rule_ids = malloc((size_t)(total ? total : 1) * sizeof *idx->rule_ids);
    uint32_t *fill = calloc((size_t)n_vms + 1, sizeof *fill);
    if (idx->rule_ids == NULL || fill == NULL) {
        free(fill);
        drs_rules_index_free(idx);
        return -1;
    }
    for (uint32_t r = 0; r < n_rules; r++)
        for (uint32_t k = 0; k < rules[r].n_vms; k++) {
            uint32_t v = rules[r].vms[k];
            if (v < n_vms)
                idx->rule_ids[idx->offsets[v] + fill[v]++] = r;
        }
    free(fill);
    return 0;
}

void drs_rules_index_free(drs_rule_index *idx)
{
    free(idx->offsets);
    free(idx->rule_ids);
    memset(idx, 0, sizeof *idx);
}

static int host_in_group(const drs_rule *rule, int32_t h)
{
    for (uint32_t k = 0; k < rule->n_hosts; k++)
        if ((int32_t)rule->hosts[k] == h)
            return 1;
    return 0;
}

/* Whether VM v on host h satisfies `rule` given where the others are. */
static int rule_allows(const drs_rule *rule, const int32_t *assignment, uint32_t v, int32_t h)
{
    switch (rule->kind) {
    case DRS_RULE_VM_AFFINITY:
    case DRS_RULE_VM_ANTI_AFFINITY:
        for (uint32_t k = 0; k < rule->n_vms; k++) {
            uint32_t w = rule->vms[k];
            if (w == v || assignment[w] < 0)
                continue;
            if (rule->kind == DRS_RULE_VM_AFFINITY && assignment[w] != h)
                return 0;
            if (rule->kind == DRS_RULE_VM_ANTI_AFFINITY && assignment[w] == h)
                return 0;
        }
        return 1;
    case DRS_RULE_VM_HOST_MUST:
    case DRS_RULE_VM_HOST_SHOULD:
        return host_in_group(rule, h);
    case DRS_RULE_VM_HOST_MUST_NOT:
    case DRS_RULE_VM_HOST_SHOULD_NOT:
        return !host_in_group(rule, h);
    }
    return 0;
}

int drs_rules_allow(const drs_rule *rules, const drs_rule_index *idx, const int32_t *assignment, uint32_t v,
                    int32_t h, int soft)
{
    if (rules == NULL || idx == NULL || v >= idx->n_vms)
        return 1;
    for (uint32_t k = idx->offsets[v]; k < idx->offsets[v + 1]; k++) {
        const drs_rule *rule = &rules[idx->rule_ids[k]];
        if (!soft && !drs_rule_is_hard(rule->kind))
            continue;
        if (!rule_allows(rule, assignment, v, h))
            return 0;
    }
    return 1;
}

/* Members of an affinity rule placed off its modal host (the host holding
 * most placed members; ties to the lower host index). */
static uint32_t affinity_violations(const drs_rule *rule, const int32_t *assignment, uint32_t n_vms)
{
    int32_t mode = -1;
    uint32_t mode_count = 0, placed = 0;

    for (uint32_t a = 0; a < rule->n_vms; a++) {
        if (rule->vms[a] >= n_vms)
            continue;
        int32_t h = assignment[rule->vms[a]];
        if (h < 0)
            continue;
        placed++;
        uint32_t count = 0;
        for (uint32_t b = 0; b < rule->n_vms; b++)
            if (rule->vms[b] < n_vms && assignment[rule->vms[b]] == h)
                count++;
        if (count > mode_count || (count == mode_count && h < mode)) {
            mode = h;
            mode_count = count;
        }
    }
    return placed - mode_count;
}

static uint32_t anti_affinity_violations(const drs_rule *rule, const int32_t *assignment, uint32_t n_vms)
{
    uint32_t violations = 0;

    for (uint32_t a = 0; a < rule->n_vms; a++) {
        if (rule->vms[a] >= n_vms || assignment[rule->vms[a]] < 0)
            continue;
        for (uint32_t b = 0; b < a; b++)
            if (rule->vms[b] != rule->vms[a] && rule->vms[b] < n_vms &&
                assignment[rule->vms[b]] == assignment[rule->vms[a]]) {
                violations++; /* a is not the first member on its host */
                break;
            }
    }
    return violations;
}

void drs_rules_count_violations(const drs_rule *rules, uint32_t n_rules, const int32_t *assignment,
                                uint32_t n_vms, uint32_t *hard, uint32_t *soft)
{
    uint32_t n_hard = 0, n_soft = 0;

    for (uint32_t r = 0; r < n_rules; r++) {
        const drs_rule *rule = &rules[r];
        uint32_t bad = 0;
        if (rule->kind == DRS_RULE_VM_AFFINITY) {
            bad = affinity_violations(rule, assignment, n_vms);
        } else if (rule->kind == DRS_RULE_VM_ANTI_AFFINITY) {
            bad = anti_affinity_violations(rule, assignment, n_vms);
        } else {
            for (uint32_t k = 0; k < rule->n_vms; k++) {
                uint32_t v = rule->vms[k];
                if (v < n_vms && assignment[v] >= 0 && !rule_allows(rule, assignment, v, assignment[v]))
                    bad++;
            }
        }
        if (drs_rule_is_hard(rule->kind))
            n_hard += bad;
        else
            n_soft += bad;
    }
    if (hard)
        *hard = n_hard;
    if (soft)
        *soft = n_soft;
}
