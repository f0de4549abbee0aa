/* topology.c - racks, PDUs and zones (failure domains) and their LPs.
 *
 * A rack takes the next `count` hosts of its host group, in rack list
 * order; a PDU or zone holds the hosts of the racks naming it. Domains are
 * numbered racks first, then PDUs, then zones; domain i is LP
 * first_domain_lp + i. A domain fails by its own renewal process or by an
 * injection; it tells each of its hosts with the control latency, and
 * tells them again when it is repaired. The hosts count it as one more
 * active outage, so overlapping domain, host and injected failures nest.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "models/failures/failure_internal.h"

const char *domain_kind_name(domain_kind k)
{
    switch (k) {
    case DOMAIN_RACK: return "rack";
    case DOMAIN_PDU: return "pdu";
    case DOMAIN_ZONE: return "zone";
    }
    return "?";
}

static int domain_add_host(domain *d, uint32_t host_index)
{
    if (d->n_hosts == d->cap_hosts) {
        uint32_t cap = d->cap_hosts ? d->cap_hosts * 2 : 8;
        uint32_t *grown = realloc(d->hosts, cap * sizeof *grown);
        if (!grown)
            return -1;
        d->hosts = grown;
        d->cap_hosts = cap;
    }
    d->hosts[d->n_hosts++] = host_index;
    return 0;
}

int32_t topology_find(const failure_model *fm, domain_kind kind, const char *name)
{
    for (uint32_t i = 0; i < fm->n_domains; i++)
        if (fm->domains[i].kind == kind && strcmp(fm->domains[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

/* failure_build.c's reader of <prefix>.failure */
int failure_read_process(const scenario *scn, const char *prefix, failure_process_spec *out, char *err,
                         size_t err_len);

int topology_build(failure_model *fm, char *err, size_t err_len, int *oom)
{
    const scenario *scn = fm->scn;
    const model_env *env = fm->menv;
    *oom = 0;
    fm->n_racks = (uint32_t)scn_list_len(scn, "racks");
    fm->n_pdus = (uint32_t)scn_list_len(scn, "pdus");
    fm->n_zones = (uint32_t)scn_list_len(scn, "zones");
    fm->n_domains = fm->n_racks + fm->n_pdus + fm->n_zones;
    fm->domains = calloc(fm->n_domains ? fm->n_domains : 1, sizeof *fm->domains);
    if (!fm->domains) {
        *oom = 1;
        return -1;
    }
    static const char *const lists[] = {"racks", "pdus", "zones"};
    uint32_t counts[] = {fm->n_racks, fm->n_pdus, fm->n_zones};
    uint32_t k = 0;
    for (int kind = 0; kind < 3; kind++) {
        for (uint32_t j = 0; j < counts[kind]; j++, k++) {
            domain *d = &fm->domains[k];
            *d = (domain){.env = env, .fe = &fm->env, .kind = (domain_kind)kind, .index = k, .list_index = j,
                          .name = scn_string(scn, "%s.[%u].name", lists[kind], j)};
            char prefix[64];
            snprintf(prefix, sizeof prefix, "%s.[%u]", lists[kind], j);
            if (failure_read_process(scn, prefix, &d->process, err, err_len) != 0)
                return -1;
        }
    }

    /* Hosts of each group in index order; racks take them in turn. */
    int groups = scn_list_len(scn, "hosts");
    uint32_t *next = calloc((size_t)(groups > 0 ? groups : 1), sizeof *next);
    uint32_t *first = calloc((size_t)(groups > 0 ? groups : 1), sizeof *first);
    if (!next || !first) {
        free(next);
        free(first);
        *oom = 1;
        return -1;
    }
    for (uint32_t i = env->n_hosts; i-- > 0;)
        first[env->host_specs[i].group] = i;
    int rc = 0;
    for (uint32_t r = 0; r < fm->n_racks && rc == 0; r++) {
        domain *rack = &fm->domains[r];
        const char *group_name = scn_string(scn, "racks.[%u].host_group", r);
        int g = 0;
        while (g < groups && strcmp(scn_string(scn, "hosts.[%d].name", g), group_name) != 0)
            g++;
        int64_t count = scn_int(scn, "racks.[%u].count", r);
        int64_t group_size = scn_int(scn, "hosts.[%d].count", g);
        if ((int64_t)next[g] + count > group_size) {
            char where[1200];
            snprintf(err, err_len,
                     "%s: key 'racks.[%u].count': the racks of host group '%s' up to this one hold %" PRId64
                     " hosts (expected at most the group's count, %" PRId64 ")",
                     scn_where(scn, where, sizeof where, "racks.[%u].count", r), r, group_name,
                     (int64_t)next[g] + count, group_size);
            rc = -1;
            break;
        }
        const char *pdu = scn_string(scn, "racks.[%u].pdu", r);
        const char *zone = scn_string(scn, "racks.[%u].zone", r);
        int32_t pdu_d = pdu[0] ? topology_find(fm, DOMAIN_PDU, pdu) : -1;
        int32_t zone_d = zone[0] ? topology_find(fm, DOMAIN_ZONE, zone) : -1;
        for (int64_t c = 0; c < count && rc == 0; c++) {
            uint32_t h = first[g] + next[g]++;
            if (domain_add_host(rack, h) != 0 || (pdu_d >= 0 && domain_add_host(&fm->domains[pdu_d], h) != 0) ||
                (zone_d >= 0 && domain_add_host(&fm->domains[zone_d], h) != 0)) {
                *oom = 1;
                rc = -1;
            }
        }
    }
    free(next);
    free(first);
    return rc;
}

void topology_free(failure_model *fm)
{
    for (uint32_t i = 0; fm->domains && i < fm->n_domains; i++) {
        free(fm->domains[i].hosts);
        dist_free(&fm->domains[i].process.up_time);
        dist_free(&fm->domains[i].process.repair);
    }
    free(fm->domains);
    fm->domains = NULL;
}

/* --- the domain LP -------------------------------------------------------- */

static void domain_log(sim_ctx *ctx, domain *d, int kind, int64_t reason)
{
    const model_env *env = d->env;
    if (env->rec && kind >= 0)
        rec_event(env->rec, sim_thread(ctx), sim_now(ctx), sim_self(ctx), ++d->log_seq, kind, d->index, d->kind,
                  reason, (double)d->n_hosts);
}

static void domain_tell_hosts(sim_ctx *ctx, domain *d, int64_t op)
{
    const model_env *env = d->env;
    failure_msg m = {.op = (int32_t)op, .reason = OUTAGE_DOMAIN, .duration_ns = -1};
    for (uint32_t i = 0; i < d->n_hosts; i++)
        sim_send(ctx, env->first_host_lp + d->hosts[i], env->control_latency_ns, d->fe->kind_host, &m, sizeof m);
}

static uint32_t domain_active(const domain *d)
{
    uint32_t n = 0;
    for (int r = 0; r < OUTAGE_REASONS; r++)
        n += d->active[r];
    return n;
}

void domain_handle(sim_ctx *ctx, void *state, const sim_event *ev)
{
    domain *d = state;
    const failure_env *fe = d->fe;
    const failure_msg *m = (const failure_msg *)ev->payload.bytes;
    outage_reason reason = (outage_reason)m->reason;
    sim_time_ns now = sim_now(ctx);
    if (m->op == FOP_BEGIN) {
        if (domain_active(d) == 0) {
            d->failures++;
            d->down_since_ns = now;
            domain_log(ctx, d, fe->log_domain_failed, reason);
            domain_tell_hosts(ctx, d, FOP_BEGIN);
        }
        d->active[reason]++;
        sim_time_ns duration = m->duration_ns;
        if (reason == OUTAGE_OWN)
            duration = failure_draw_ns(&d->process.repair, sim_rng(ctx, DOMAIN_STREAM_FAILURE));
        if (duration >= 0) {
            failure_msg end = {.op = FOP_END, .reason = reason};
            sim_send(ctx, sim_self(ctx), duration, fe->kind_domain, &end, sizeof end);
        }
    } else if (m->op == FOP_END) {
        if (d->active[reason] == 0)
            abort();
        d->active[reason]--;
        if (domain_active(d) == 0) {
            d->down_ns += now - d->down_since_ns;
            domain_log(ctx, d, fe->log_domain_repaired, reason);
            domain_tell_hosts(ctx, d, FOP_END);
        }
        if (reason == OUTAGE_OWN) {
            failure_msg next = {.op = FOP_BEGIN, .reason = OUTAGE_OWN, .duration_ns = -1};
            sim_send(ctx, sim_self(ctx), failure_draw_ns(&d->process.up_time, sim_rng(ctx, DOMAIN_STREAM_FAILURE)),
                     fe->kind_domain, &next, sizeof next);
        }
    } else {
        abort();
    }
}
