/* availability.c - availability accounting of hosts, VMs and failure
 * domains: the series and event kinds the failure module records, and the
 * end-of-run tables (docs/failures.md, docs/hdf5-layout.md).
 *
 * Host time is split exactly by state as the host LP changes it; a host is
 * available while up or isolated (its VMs can run). VM downtime runs from
 * the moment a VM is taken down (host failure, maintenance, isolation
 * response, crash, refused start) to the moment a host starts it again.
 * Intervals still open at simulation.until are closed there.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "models/core/cluster.h"
#include "models/failures/failure_internal.h"
#include "recorder/declare.h"

#define NS_PER_H 3.6e12

static sim_time_ns host_time_in(const failure_model *fm, uint32_t i, host_state s)
{
    const host_outage *o = &fm->hosts[i];
    sim_time_ns t = o->time_in_state_ns[s];
    if (o->state == s && fm->env.until_ns > o->state_since_ns)
        t += fm->env.until_ns - o->state_since_ns;
    return t;
}

double failure_host_availability(const failure_model *fm, uint32_t host_index)
{
    double total = (double)fm->env.until_ns;
    return total > 0 ? (double)(host_time_in(fm, host_index, HOST_UP) + host_time_in(fm, host_index, HOST_ISOLATED)) / total
                     : NAN;
}

uint64_t failure_host_failures(const failure_model *fm, uint32_t host_index) { return fm->hosts[host_index].failures; }

const vm_avail *failure_vm(const failure_model *fm, uint32_t vm_index) { return &fm->vms[vm_index]; }

static sim_time_ns vm_downtime(const failure_model *fm, uint32_t v)
{
    const vm_avail *va = &fm->vms[v];
    sim_time_ns t = va->downtime_ns;
    if (va->down && fm->env.until_ns > va->down_since_ns)
        t += fm->env.until_ns - va->down_since_ns;
    return t;
}

int failure_declare_recording(failure_model *fm, recorder *rec)
{
    failure_env *fe = &fm->env;
    const model_env *env = fm->menv;
    sim_time_ns period = env->sample_period_ns;
    const rec_series_decl per_host[] = {{"up", "1", &fe->series_host_up}};
    const rec_series_decl per_cluster[] = {
        {"hosts_up", "1", &fe->series_cluster_hosts_up},
        {"vms_down", "1", &fe->series_cluster_vms_down},
        {"vms_waiting_restart", "1", &fe->series_cluster_vms_waiting},
    };
    const rec_kind_decl kinds[] = {
        {"host_failed", &fe->log_host_failed},
        {"host_repaired", &fe->log_host_repaired},
        {"host_isolated", &fe->log_host_isolated},
        {"host_reachable", &fe->log_host_reachable},
        {"maintenance_begin", &fe->log_maintenance_begin},
        {"maintenance_end", &fe->log_maintenance_end},
        {"domain_failed", &fe->log_domain_failed},
        {"domain_repaired", &fe->log_domain_repaired},
        {"vm_failed", &fe->log_vm_failed},
        {"vm_restarted", &fe->log_vm_restarted},
        {"vm_restart_failed", &fe->log_vm_restart_failed},
    };
    if (rec_series_group(rec, "host", "hosts", (int)env->n_hosts, period, per_host, 1) != 0 ||
        rec_event_kinds(rec, kinds, (int)(sizeof kinds / sizeof kinds[0])) != 0)
        return -1;
    for (size_t k = 0; k < sizeof per_cluster / sizeof per_cluster[0]; k++)
        if ((*per_cluster[k].id =
                 cluster_series_new(rec, env, per_cluster[k].name, per_cluster[k].unit, period, 1)) < 0)
            return -1;

    static const rec_column domain_columns[] = {
        {"name", REC_STR, NULL}, {"kind", REC_STR, NULL}, {"hosts", REC_I64, NULL}};
    int table = rec_table_new(rec, "domains", domain_columns, 3);
    if (table < 0)
        return -1;
    for (uint32_t i = 0; i < fm->n_domains; i++) {
        const domain *d = &fm->domains[i];
        rec_value row[] = {{.str = d->name}, {.str = domain_kind_name(d->kind)}, {.i64 = d->n_hosts}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    return 0;
}

static const rec_column host_avail_columns[] = {
    {"state", REC_STR, NULL},           {"availability", REC_F64, "1"},
    {"up_h", REC_F64, "h"},             {"failed_h", REC_F64, "h"},
    {"maintenance_h", REC_F64, "h"},    {"isolated_h", REC_F64, "h"},
    {"failures", REC_I64, NULL},        {"maintenances", REC_I64, NULL},
    {"isolations", REC_I64, NULL},      {"mttf_h", REC_F64, "h"},
    {"mttr_h", REC_F64, "h"},           {"vms_failed", REC_I64, NULL},
};

static const rec_column vm_avail_columns[] = {
    {"downtime_h", REC_F64, "h"},       {"availability", REC_F64, "1"},
    {"failures", REC_I64, NULL},        {"crashes", REC_I64, NULL},
    {"restarts", REC_I64, NULL},        {"restart_failures", REC_I64, NULL},
    {"down_at_end", REC_I64, NULL},
};

static const rec_column domain_avail_columns[] = {
    {"failures", REC_I64, NULL}, {"down_h", REC_F64, "h"}, {"availability", REC_F64, "1"}};

/* With repair crews, a host's outage is the wait for a free crew plus the
 * repair: this table keeps the two apart (the MTTR of host_availability is
 * their sum, plus the control latency of the request). */
static const rec_column crew_columns[] = {
    {"crews", REC_I64, NULL},          {"repairs", REC_I64, NULL},
    {"mean_repair_h", REC_F64, "h"},   {"mean_wait_h", REC_F64, "h"},
    {"max_queued", REC_I64, NULL},
};

static int write_crew_table(const failure_model *fm, recorder *rec)
{
    if (fm->env.repair_crews == 0)
        return 0;
    int table = rec_table_new(rec, "repair_crews", crew_columns, (int)(sizeof crew_columns / sizeof crew_columns[0]));
    if (table < 0)
        return -1;
    const crew *c = &fm->crew_state;
    double n = (double)c->started;
    rec_value row[] = {{.i64 = fm->env.repair_crews},
                       {.i64 = (int64_t)c->started},
                       {.f64 = n > 0 ? (double)c->repair_ns_sum / n / NS_PER_H : NAN},
                       {.f64 = n > 0 ? (double)c->wait_ns_sum / n / NS_PER_H : NAN},
                       {.i64 = c->max_queued}};
    return rec_table_row(rec, table, row);
}

int failure_write_tables(failure_model *fm, recorder *rec)
{
    const model_env *env = fm->menv;
    if (write_crew_table(fm, rec) != 0)
        return -1;
    int table = rec_table_new(rec, "domain_availability", domain_avail_columns, 3);
    if (table < 0)
        return -1;
    for (uint32_t i = 0; i < fm->n_domains; i++) {
        const domain *d = &fm->domains[i];
        sim_time_ns down = d->down_ns;
        int open = 0;
        for (int k = 0; k < OUTAGE_REASONS; k++)
            open |= d->active[k] != 0;
        if (open && fm->env.until_ns > d->down_since_ns)
            down += fm->env.until_ns - d->down_since_ns;
        rec_value row[] = {{.i64 = (int64_t)d->failures},
                           {.f64 = (double)down / NS_PER_H},
                           {.f64 = fm->env.until_ns > 0 ? 1.0 - (double)down / (double)fm->env.until_ns : NAN}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    table = rec_table_new(rec, "host_availability", host_avail_columns,
                              (int)(sizeof host_avail_columns / sizeof host_avail_columns[0]));
    if (table < 0)
        return -1;
    for (uint32_t i = 0; i < env->n_hosts; i++) {
        const host_outage *o = &fm->hosts[i];
        double up = (double)host_time_in(fm, i, HOST_UP), failed = (double)host_time_in(fm, i, HOST_FAILED);
        double maint = (double)host_time_in(fm, i, HOST_MAINTENANCE), iso = (double)host_time_in(fm, i, HOST_ISOLATED);
        /* observed MTTF: time available per failure; MTTR: time failed per failure */
        double mttf = o->failures ? (up + iso) / (double)o->failures / NS_PER_H : NAN;
        double mttr = o->failures ? failed / (double)o->failures / NS_PER_H : NAN;
        rec_value row[] = {{.str = host_state_name(o->state)},
                           {.f64 = failure_host_availability(fm, i)},
                           {.f64 = up / NS_PER_H},
                           {.f64 = failed / NS_PER_H},
                           {.f64 = maint / NS_PER_H},
                           {.f64 = iso / NS_PER_H},
                           {.i64 = (int64_t)o->failures},
                           {.i64 = (int64_t)o->maintenances},
                           {.i64 = (int64_t)o->isolations},
                           {.f64 = mttf},
                           {.f64 = mttr},
                           {.i64 = (int64_t)o->vm_failures}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    table = rec_table_new(rec, "vm_availability", vm_avail_columns,
                          (int)(sizeof vm_avail_columns / sizeof vm_avail_columns[0]));
    if (table < 0)
        return -1;
    for (uint32_t v = 0; v < env->n_vms; v++) {
        const vm_avail *va = &fm->vms[v];
        sim_time_ns down = vm_downtime(fm, v);
        sim_time_ns life = fm->env.until_ns - vm_spec_start_ns(model_vm_spec(env, v));
        rec_value row[] = {{.f64 = (double)down / NS_PER_H},
                           {.f64 = life > 0 ? 1.0 - (double)down / (double)life : NAN},
                           {.i64 = va->failures},
                           {.i64 = va->crashes},
                           {.i64 = va->restarts},
                           {.i64 = va->restart_failures},
                           {.i64 = va->down}};
        if (rec_table_row(rec, table, row) != 0)
            return -1;
    }
    return 0;
}
