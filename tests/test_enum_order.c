/* test_enum_order.c - every C enum read with scn_enum() lists its constants
 * in the order of its schema row's enum_values, and has one constant per
 * value (scenario/scenario.h): a value added to the schema without its
 * constant, or constants reordered, fails here. */
#include <string.h>

#include "models/containers/cfs.h"
#include "models/containers/pod.h"
#include "models/failures/failure_internal.h"
#include "models/host/cpu_entitlement.h"
#include "models/host/host_hw.h"
#include "models/host/numa.h"
#include "models/kubernetes/k8s_framework.h"
#include "models/kubernetes/k8s_objects.h"
#include "models/services/load_balancer.h"
#include "models/services/service.h"
#include "models/vsphere/drs.h"
#include "models/vsphere/drs_rules.h"
#include "models/vsphere/ha_admission.h"
#include "models/workload/arrivals.h"
#include "models/workload/demand.h"
#include "models/workload/distribution.h"
#include "models/workload/workload.h"
#include "scenario/schema.h"
#include "traces/vm_trace.h"
#include "tests/check.h"

typedef struct {
    const char *name;
    int value;
} named;

static int count_values(const char *schema_path)
{
    const scn_key *k = scn_schema_find(schema_path);
    if (!k || !k->enum_values)
        return -1;
    int n = 1;
    for (const char *p = k->enum_values; *p; p++)
        n += *p == '|';
    return n;
}

/* Each name sits at its constant's position, and there are no other values. */
static void check_enum(const char *schema_path, const named *values, int n)
{
    CHECK_INT_EQ(count_values(schema_path), n);
    for (int i = 0; i < n; i++) {
        int got = scn_enum_index(schema_path, values[i].name);
        if (got != values[i].value)
            fprintf(stderr, "%s: '%s'\n", schema_path, values[i].name);
        CHECK_INT_EQ(got, values[i].value);
    }
}

#define CHECK_ENUM(path, ...)                                          \
    do {                                                               \
        static const named v[] = {__VA_ARGS__};                       \
        check_enum(path, v, (int)(sizeof v / sizeof v[0]));            \
    } while (0)

int main(void)
{
    CHECK_ENUM("pods.[].kind", {"container", POD_CONTAINER}, {"sandbox", POD_SANDBOX}, {"vm", POD_VM});
    CHECK_ENUM("pods.[].cpu_work_per_period", {"uniform", CFS_WORK_UNIFORM}, {"exponential", CFS_WORK_EXPONENTIAL});
    CHECK_ENUM("services.[].arrival.process", {"poisson", REQUEST_ARRIVAL_POISSON},
               {"diurnal", REQUEST_ARRIVAL_DIURNAL}, {"mmpp", REQUEST_ARRIVAL_MMPP});
    CHECK_ENUM("services.[].load_balancer", {"round_robin", LB_ROUND_ROBIN},
               {"least_connections", LB_LEAST_CONNECTIONS}, {"consistent_hash", LB_CONSISTENT_HASH},
               {"power_of_d", LB_POWER_OF_D}, {"shared_queue", LB_SHARED_QUEUE});
    CHECK_ENUM("services.[].tie_break", {"lowest_index", LB_TIES_LOWEST_INDEX}, {"random", LB_TIES_RANDOM});
    CHECK_ENUM("kubernetes.scheduler.profiles.[].scoring_strategy.type", {"LeastAllocated", K8S_LEAST_ALLOCATED},
               {"MostAllocated", K8S_MOST_ALLOCATED}, {"RequestedToCapacityRatio", K8S_REQUESTED_TO_CAPACITY_RATIO});
    CHECK_ENUM("kubernetes.deployments.[].tolerations.[].operator", {"Equal", K8S_TOL_EQUAL},
               {"Exists", K8S_TOL_EXISTS});
    CHECK_ENUM("kubernetes.jobs.[].tolerations.[].operator", {"Equal", K8S_TOL_EQUAL}, {"Exists", K8S_TOL_EXISTS});
    CHECK_ENUM("kubernetes.deployments.[].topology_spread_constraints.[].when_unsatisfiable",
               {"DoNotSchedule", K8S_DO_NOT_SCHEDULE}, {"ScheduleAnyway", K8S_SCHEDULE_ANYWAY});
    CHECK_ENUM("hosts.[].failure.up_time.distribution", {"deterministic", DIST_DETERMINISTIC},
               {"exponential", DIST_EXPONENTIAL}, {"lognormal", DIST_LOGNORMAL}, {"weibull", DIST_WEIBULL},
               {"gamma", DIST_GAMMA}, {"empirical", DIST_EMPIRICAL});
    CHECK_ENUM("vms.[].lifetime.distribution", {"deterministic", DIST_DETERMINISTIC},
               {"exponential", DIST_EXPONENTIAL}, {"lognormal", DIST_LOGNORMAL}, {"weibull", DIST_WEIBULL},
               {"gamma", DIST_GAMMA}, {"empirical", DIST_EMPIRICAL}, {"infinite", LIFETIME_INFINITE});
    CHECK_ENUM("vms.[].arrival.process", {"at_start", ARRIVAL_AT_START}, {"poisson", ARRIVAL_POISSON},
               {"deterministic", ARRIVAL_DETERMINISTIC}, {"list", ARRIVAL_LIST});
    CHECK_ENUM("vms.[].cpu_demand.kind", {"constant", DEMAND_CONSTANT}, {"diurnal", DEMAND_DIURNAL},
               {"onoff", DEMAND_ONOFF}, {"random_walk", DEMAND_RANDOM_WALK}, {"trace", DEMAND_TRACE});
    CHECK_ENUM("vms.[].trace.format", {"none", TRACE_NONE}, {"planetlab", TRACE_PLANETLAB},
               {"bitbrains", TRACE_BITBRAINS});
    CHECK_ENUM("vms.[].trace.interpolation", {"step", TRACE_STEP}, {"linear", TRACE_LINEAR});
    CHECK_ENUM("vms.[].trace.at_end", {"repeat", TRACE_REPEAT}, {"hold", TRACE_HOLD});
    CHECK_ENUM("vms.[].trace.duplicates", {"error", TRACE_DUPLICATES_ERROR}, {"keep_last", TRACE_DUPLICATES_KEEP_LAST},
               {"average", TRACE_DUPLICATES_AVERAGE});
    CHECK_ENUM("failures.inject.[].kind", {"failure", INJECT_FAILURE}, {"isolation", INJECT_ISOLATION});
    CHECK_ENUM("ha.isolation_response", {"leave_powered_on", ISOLATION_LEAVE_POWERED_ON},
               {"power_off", ISOLATION_POWER_OFF}, {"shutdown", ISOLATION_SHUTDOWN});
    /* the older key has no shutdown; its two values are the first two */
    CHECK_INT_EQ(count_values("failures.isolation_response"), 2);
    CHECK_INT_EQ(scn_enum_index("failures.isolation_response", "power_off"), ISOLATION_POWER_OFF);
    CHECK_ENUM("vms.[].cpu_shares", {"low", SHARES_LOW}, {"normal", SHARES_NORMAL}, {"high", SHARES_HIGH},
               {"custom", SHARES_CUSTOM});
    CHECK_ENUM("vms.[].memory_shares", {"low", SHARES_LOW}, {"normal", SHARES_NORMAL}, {"high", SHARES_HIGH},
               {"custom", SHARES_CUSTOM});
    CHECK_ENUM("vms.[].vnuma", {"auto", NUMA_VNUMA_AUTO}, {"on", NUMA_VNUMA_ON}, {"off", NUMA_VNUMA_OFF});
    CHECK_ENUM("vms.[].network_mode", {"virtio", VM_NETWORK_VIRTIO}, {"sriov", VM_NETWORK_SRIOV});
    CHECK_ENUM("rules.[].kind", {"vm_affinity", DRS_RULE_VM_AFFINITY}, {"vm_anti_affinity", DRS_RULE_VM_ANTI_AFFINITY},
               {"vm_host_must", DRS_RULE_VM_HOST_MUST}, {"vm_host_must_not", DRS_RULE_VM_HOST_MUST_NOT},
               {"vm_host_should", DRS_RULE_VM_HOST_SHOULD}, {"vm_host_should_not", DRS_RULE_VM_HOST_SHOULD_NOT});
    CHECK_ENUM("drs.combine", {"max", DRS_COMBINE_MAX}, {"weighted", DRS_COMBINE_WEIGHTED});
    CHECK_ENUM("vms.[].restart_priority", {"highest", HA_PRIORITY_HIGHEST}, {"high", HA_PRIORITY_HIGH},
               {"medium", HA_PRIORITY_MEDIUM}, {"low", HA_PRIORITY_LOW}, {"lowest", HA_PRIORITY_LOWEST},
               {"disabled", HA_PRIORITY_DISABLED});
    /* a name the schema does not list */
    CHECK_INT_EQ(scn_enum_index("drs.combine", "min"), -1);
    return CHECK_DONE();
}
