/* datacenter_moves.c - the plan of scheduled cross-cluster vMotions
 * (vcenter.migrations) and EVC compatibility between clusters (see
 * datacenter.h, docs/clusters.md "Cross-cluster vMotion").
 *
 * Each moved VM gets a twin: a copy of its spec appended after the
 * scenario's VMs, belonging to the target cluster and starting off. The
 * run's per-cluster state is sized at build time by each cluster's VMs, so
 * the twin is the VM's slot in the target cluster; the move powers the
 * original off in the source cluster and the twin on in the target.
 * With the cross-cluster rebalancer (vcenter.cross_cluster_balance) every
 * other VM gets a candidate move and a twin per cluster it may go to
 * (plan_balance); the rebalancer starts some of them at run time. */
#include "models/core/datacenter.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* EVC baselines in generation order per vendor (Broadcom KB 1003212,
 * "EVC and CPU Compatibility FAQ" KB 313545: a processor that supports
 * level N supports every lower level of its vendor; no Intel-AMD vMotion). */
static const char *const evc_intel[] = {"merom",   "penryn",   "nehalem", "westmere",    "sandybridge",
                                        "ivybridge", "haswell", "broadwell", "skylake", "cascadelake",
                                        "icelake", "sapphirerapids"};
static const char *const evc_amd[] = {"opteron-g3", "opteron-g4", "piledriver", "steamroller",
                                      "zen",        "zen2",       "zen3",       "zen4"};

/* vendor 1 intel, 2 amd, 0 unknown; *level the generation. */
static int evc_parse(const char *name, int *level)
{
    const char *const *list = NULL;
    size_t n = 0;
    int vendor = 0;
    if (strncmp(name, "intel-", 6) == 0) {
        list = evc_intel, n = sizeof evc_intel / sizeof evc_intel[0], vendor = 1;
        name += 6;
    } else if (strncmp(name, "amd-", 4) == 0) {
        list = evc_amd, n = sizeof evc_amd / sizeof evc_amd[0], vendor = 2;
        name += 4;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0) {
            *level = (int)i;
            return vendor;
        }
    return 0;
}

int datacenter_evc_known(const char *name)
{
    int level;
    return name[0] == '\0' || evc_parse(name, &level) != 0;
}

int datacenter_evc_compatible(const char *from, const char *to)
{
    if (from[0] == '\0' || to[0] == '\0')
        return from[0] == '\0' && to[0] == '\0';
    int lf = 0, lt = 0;
    int vf = evc_parse(from, &lf), vt = evc_parse(to, &lt);
    return vf != 0 && vf == vt && lt >= lf;
}

/* Room for one more move. 0 or -1. */
static int grow_moves(datacenter *dc, uint32_t *cap)
{
    if (dc->n_moves < *cap)
        return 0;
    uint32_t grown = *cap ? *cap * 2 : 64;
    datacenter_move *m = realloc(dc->moves, (size_t)grown * sizeof *m);
    if (!m)
        return -1;
    dc->moves = m;
    *cap = grown;
    return 0;
}

/* The VMs action a moves, appended to the plan. 0, -1, -2. */
static int plan_action(datacenter *dc, const scenario *scn, const vm_spec *specs, uint32_t a, uint8_t *moved,
                       uint32_t *cap, char *err, size_t err_len)
{
    char key[96];
    const char *group = scn_string(scn, "vcenter.migrations.[%u].vms", a);
    const char *from = scn_string(scn, "vcenter.migrations.[%u].from", a);
    const char *to = scn_string(scn, "vcenter.migrations.[%u].to", a);
    int32_t g = -1, kf = -1, kt = scn_list_find(scn, "clusters", to);
    snprintf(key, sizeof key, "vcenter.migrations.[%u].to", a);
    if (kt < 0)
        return scn_key_error(scn, err, err_len, key, "no cluster is named '%.100s' (expected a clusters.[].name)", to);
    if (group[0] && (g = scn_list_find(scn, "vms", group)) < 0) {
        snprintf(key, sizeof key, "vcenter.migrations.[%u].vms", a);
        return scn_key_error(scn, err, err_len, key, "no VM group is named '%.100s' (expected a vms.[].name)", group);
    }
    snprintf(key, sizeof key, "vcenter.migrations.[%u].from", a);
    if (from[0] && (kf = scn_list_find(scn, "clusters", from)) < 0)
        return scn_key_error(scn, err, err_len, key, "no cluster is named '%.100s' (expected a clusters.[].name)",
                             from);
    if (g < 0 && kf < 0)
        return scn_key_error(scn, err, err_len, key, "a migration needs `vms` (a VM group) or `from` (a cluster to evacuate)");
    if (kf == kt)
        return scn_key_error(scn, err, err_len, key, "the source and target cluster are both '%.100s'", to);
    sim_time_ns at = scn_duration_ns(scn, "vcenter.migrations.[%u].at", a);
    const char *evc_to = scn_string(scn, "clusters.[%d].evc", kt);
    for (uint32_t v = 0; v < dc->n_vms_base; v++) {
        uint32_t k = dc->vm_cluster[v];
        if ((g >= 0 && specs[v].group != (uint32_t)g) || (kf >= 0 && k != (uint32_t)kf) || k == (uint32_t)kt)
            continue;
        if (moved[v]) {
            snprintf(key, sizeof key, "vcenter.migrations.[%u]", a);
            return scn_key_error(scn, err, err_len, key,
                                 "VM %" PRIu32 " of group '%s' is already moved by an earlier migration (one move per VM)",
                                 specs[v].index_in_group + 1, scn_string(scn, "vms.[%u].name", specs[v].group));
        }
        moved[v] = 1;
        if (grow_moves(dc, cap) != 0)
            return -1;
        dc->moves[dc->n_moves++] = (datacenter_move){
            .at_ns = at,
            .action = a,
            .vm = v,
            .twin = UINT32_MAX,
            .from = k,
            .to = (uint32_t)kt,
            .evc_ok = (uint8_t)datacenter_evc_compatible(scn_string(scn, "clusters.[%u].evc", k), evc_to),
            .shared_storage = (uint8_t)(strcmp(scn_string(scn, "clusters.[%u].datastore", k),
                                               scn_string(scn, "clusters.[%d].datastore", kt)) == 0),
        };
    }
    return 0;
}

int datacenter_balance_pair(const datacenter *dc, const scenario *scn, uint32_t from, uint32_t to)
{
    return dc->balance_cluster && from != to && dc->balance_cluster[from] && dc->balance_cluster[to] &&
           datacenter_evc_compatible(scn_string(scn, "clusters.[%u].evc", from),
                                     scn_string(scn, "clusters.[%u].evc", to)) &&
           strcmp(scn_string(scn, "clusters.[%u].datastore", from), scn_string(scn, "clusters.[%u].datastore", to)) == 0;
}

/* The rebalancer's candidates: per VM not moved by a migration, one move
 * to each cluster it may go to (docs/clusters.md, "Cross-cluster
 * rebalancing"). 0, -1 out of memory, -2 too many twins. */
static int plan_balance(datacenter *dc, const scenario *scn, const uint8_t *moved, uint32_t *cap, uint64_t room,
                        char *err, size_t err_len)
{
    uint32_t nk = dc->n_clusters;
    dc->balance_cluster = calloc(nk, 1);
    dc->balance_first = malloc((dc->n_vms_base ? dc->n_vms_base : 1) * sizeof *dc->balance_first);
    uint8_t *pair = calloc((size_t)nk * nk, 1);
    if (!dc->balance_cluster || !dc->balance_first || !pair) {
        free(pair);
        return -1;
    }
    char key[96];
    for (uint32_t k = 0; k < nk; k++)
        dc->balance_cluster[k] = (uint8_t)scn_bool(scn, "%s", datacenter_key(scn, 1, k, "drs.enabled", key, sizeof key));
    uint64_t *targets = calloc(nk, sizeof *targets); /* per source cluster: clusters it may send to */
    if (!targets) {
        free(pair);
        return -1;
    }
    for (uint32_t a = 0; a < nk; a++)
        for (uint32_t b = 0; b < nk; b++) {
            pair[(size_t)a * nk + b] = (uint8_t)datacenter_balance_pair(dc, scn, a, b);
            targets[a] += pair[(size_t)a * nk + b];
        }
    uint64_t twins = 0;
    for (uint32_t v = 0; v < dc->n_vms_base; v++)
        twins += moved[v] ? 0 : targets[dc->vm_cluster[v]];
    free(targets);
    if (twins > room) {
        free(pair);
        return scn_key_error(scn, err, err_len, "vcenter.cross_cluster_balance.enabled",
                             "rebalancing needs a twin per VM and cluster it may go to: %" PRIu64
                             " twins, more than the %" PRIu64 " VMs one run can still hold",
                             twins, room);
    }
    for (uint32_t v = 0; v < dc->n_vms_base; v++) {
        uint32_t k = dc->vm_cluster[v];
        dc->balance_first[v] = UINT32_MAX;
        for (uint32_t t = 0; t < nk && !moved[v]; t++) {
            if (!pair[(size_t)k * nk + t])
                continue;
            if (grow_moves(dc, cap) != 0) {
                free(pair);
                return -1;
            }
            if (dc->balance_first[v] == UINT32_MAX)
                dc->balance_first[v] = dc->n_moves;
            dc->moves[dc->n_moves++] = (datacenter_move){
                .at_ns = -1, .action = UINT32_MAX, .vm = v, .twin = UINT32_MAX, .from = k, .to = t,
                .evc_ok = 1, .shared_storage = 1, .balance = 1};
        }
    }
    free(pair);
    return 0;
}

/* Checks clusters.[].evc names. 0 or -2. */
static int check_evc(const datacenter *dc, const scenario *scn, char *err, size_t err_len)
{
    for (uint32_t k = 0; dc->explicit_clusters && k < dc->n_clusters; k++) {
        const char *evc = scn_string(scn, "clusters.[%u].evc", k);
        if (!datacenter_evc_known(evc)) {
            char key[64];
            snprintf(key, sizeof key, "clusters.[%u].evc", k);
            return scn_key_error(scn, err, err_len, key,
                                 "unknown EVC baseline '%.60s' (expected intel-<generation> from merom to "
                                 "sapphirerapids or amd-<generation> from opteron-g3 to zen4, docs/clusters.md)",
                                 evc);
        }
    }
    return 0;
}

int datacenter_plan_moves(datacenter *dc, const scenario *scn, vm_spec **specs, vm **vms, vm_times **times,
                          uint32_t *n_vms,
                          uint64_t max_vms, char *err, size_t err_len)
{
    if (check_evc(dc, scn, err, err_len) != 0)
        return -2;
    uint32_t n_actions = (uint32_t)scn_list_len(scn, "vcenter.migrations");
    int balance = scn_bool(scn, "vcenter.cross_cluster_balance.enabled");
    if (n_actions == 0 && !balance)
        return 0;
    if (!dc->explicit_clusters)
        return scn_key_error(scn, err, err_len, n_actions ? "vcenter.migrations" : "vcenter.cross_cluster_balance.enabled",
                             "cross-cluster vMotion needs `clusters` (this scenario is one cluster of every host)");
    uint8_t *moved = calloc(dc->n_vms_base ? dc->n_vms_base : 1, 1);
    if (!moved)
        return -1;
    uint32_t cap = 0;
    int rc = 0;
    for (uint32_t a = 0; a < n_actions && rc == 0; a++)
        rc = plan_action(dc, scn, *specs, a, moved, &cap, err, err_len);
    dc->n_scheduled = dc->n_moves;
    if (rc == 0 && balance) {
        uint64_t scheduled_twins = 0;
        for (uint32_t i = 0; i < dc->n_moves; i++)
            scheduled_twins += dc->moves[i].evc_ok;
        uint64_t used = (uint64_t)*n_vms + scheduled_twins;
        rc = plan_balance(dc, scn, moved, &cap, used < max_vms ? max_vms - used : 0, err, err_len);
    }
    free(moved);
    if (rc != 0)
        return rc;
    uint64_t twins = 0;
    for (uint32_t i = 0; i < dc->n_moves; i++)
        twins += dc->moves[i].evc_ok;
    if ((uint64_t)*n_vms + twins > max_vms)
        return scn_key_error(scn, err, err_len, "vcenter.migrations",
                             "the VMs and their %" PRIu64 " cross-cluster twins add up to more than the %" PRIu64
                             " VMs one run can hold",
                             twins, max_vms);
    if (twins == 0)
        return 0;
    size_t total = (size_t)*n_vms + (size_t)twins;
    vm_spec *ns = realloc(*specs, total * sizeof *ns);
    if (ns)
        *specs = ns;
    vm *nv = realloc(*vms, total * sizeof *nv);
    if (nv)
        *vms = nv;
    vm_times *nt = realloc(*times, total * sizeof *nt);
    if (nt)
        *times = nt;
    uint32_t *nc = realloc(dc->vm_cluster, total * sizeof *nc);
    if (nc)
        dc->vm_cluster = nc;
    if (!ns || !nv || !nt || !nc)
        return -1;
    uint32_t next = *n_vms;
    for (uint32_t i = 0; i < dc->n_moves; i++) {
        datacenter_move *m = &dc->moves[i];
        if (!m->evc_ok)
            continue;
        m->twin = next++;
        ns[m->twin] = ns[m->vm];
        ns[m->twin].host_group = -1; /* the original's host group is in the source cluster */
        ns[m->twin].starts_off = 1;  /* powered on by its move */
        nv[m->twin] = (vm){.state = VM_STOPPED, .host = -1, .cpu_speed_factor = 1.0};
        nt[m->twin] = (vm_times){.arrived_ns = -1, .stopped_ns = -1};
        nc[m->twin] = m->to;
    }
    *n_vms = next;
    return datacenter_index_vms(dc, next);
}
