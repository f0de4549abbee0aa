/* failure_internal.h - state shared by the failure module's files only
 * (failure_process.c, topology.c, restart.c, availability.c,
 * failure_build.c). Everything else uses failure.h. */
#ifndef VDCSIM_MODELS_FAILURE_INTERNAL_H
#define VDCSIM_MODELS_FAILURE_INTERNAL_H

#include <stdint.h>

#include "models/failures/failure.h"
#include "models/core/model_env.h"
#include "models/failures/restart.h"

/* A draw from d in ns, at least 0. */
sim_time_ns failure_draw_ns(const dist_spec *d, gsl_rng *rng);

typedef enum { DOMAIN_RACK = 0, DOMAIN_PDU, DOMAIN_ZONE } domain_kind;

/* In the order of ha.isolation_response (failures.isolation_response
 * lists the first two) and of failures.inject.[].kind (read with scn_enum). */
typedef enum { ISOLATION_LEAVE_POWERED_ON, ISOLATION_POWER_OFF, ISOLATION_SHUTDOWN } isolation_response;
typedef enum { INJECT_FAILURE, INJECT_ISOLATION } inject_kind;

const char *domain_kind_name(domain_kind k);

/* A rack, PDU or zone: an LP that takes its hosts down together. */
typedef struct domain {
    const model_env *env;
    const failure_env *fe;
    domain_kind kind;
    uint32_t index;      /* in failure_env.domains */
    uint32_t list_index; /* in racks / pdus / zones */
    const char *name;    /* the scenario's (lives as long as the scenario) */
    uint32_t *hosts;
    uint32_t n_hosts, cap_hosts;
    failure_process_spec process;
    uint32_t active[OUTAGE_REASONS]; /* OUTAGE_OWN and OUTAGE_INJECTED */
    uint64_t failures;
    sim_time_ns down_since_ns, down_ns;
    uint64_t log_seq;
} domain;

/* The repair-crew LP: FIFO queue of host repairs, repair_crews servers. */
typedef struct crew_job {
    uint32_t host;
    sim_time_ns repair_ns;
    sim_time_ns requested_ns; /* when the crews heard of it: its wait starts */
} crew_job;

typedef struct crew {
    const failure_env *fe;
    uint32_t free_crews;
    crew_job *queue; /* ring */
    uint32_t head, n_queued, cap_queued, max_queued;
    uint64_t started;
    sim_time_ns repair_ns_sum, wait_ns_sum; /* over the repairs started: /tables/repair_crews */
} crew;


/* An event scheduled at build time (injections, maintenance, trace). */
typedef struct initial_event {
    int to_domain; /* 0: host LP `index`, 1: domain `index` */
    uint32_t index;
    sim_time_ns at_ns;
    failure_msg msg;
} initial_event;

struct failure_model {
    failure_env env;
    const model_env *menv;
    const scenario *scn;
    failure_process_spec *host_process; /* per host group */
    failure_process_spec *host_isolation; /* per host group; repair = isolation duration */
    uint32_t n_host_groups;
    vm_crash_spec *vm_crash; /* per vm group */
    uint32_t n_vm_groups;
    host_outage *hosts;
    vm_avail *vms;
    domain *domains;
    uint32_t n_domains;
    uint32_t n_racks, n_pdus, n_zones;
    crew crew_state;
    restart_queue restart;
    restart_queue *restart_others; /* clusters 1 .. n_clusters - 1 (docs/clusters.md) */
    uint32_t n_restart_others;
    initial_event *initial;
    size_t n_initial, cap_initial;
    uint64_t trace_failures_replayed, trace_records_skipped;
};

/* topology.c: racks, PDUs and zones from the scenario into fm->domains.
 * Returns 0, or -1 with "FILE:LINE: key '...': ..." in err (*oom set when
 * it was memory). */
int topology_build(failure_model *fm, char *err, size_t err_len, int *oom);
/* The domain named "rack r2" / "pdu p1" / "zone z1", or -1. */
int32_t topology_find(const failure_model *fm, domain_kind kind, const char *name);
void topology_free(failure_model *fm);

/* failure_build.c */
int failure_add_initial(failure_model *fm, int to_domain, uint32_t index, sim_time_ns at, int64_t op,
                        int64_t reason, int64_t duration);

#endif
