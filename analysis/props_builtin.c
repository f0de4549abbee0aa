/* props_builtin.c - the built-in properties (see props_builtin.h; sources in
 * docs/properties.md, "Built-in properties"). */
#include "analysis/props_builtin.h"

#include <stdio.h>
#include <string.h>

#include "scenario/scenario.h"
#include "scenario/units.h"

/* Each formula is a printf format whose only conversion, if any, is the
 * parameter named in `param` (a duration, written as the scenario would). */
typedef enum { BP_NONE, BP_HA_DEADLINE, BP_SAMPLE_PERIOD, BP_DRS_PASSES } builtin_param;

static const struct {
    const char *name;
    const char *format;
    builtin_param param;
} builtins[] = {
    /* vSphere HA's promise: a VM its host took down runs again within
     * detection + restart (VMware, vSphere Availability 8.0, "How vSphere
     * HA Works"); the capacity condition is not in the formula [M]. */
    {"ha_restart", "forall vm: G (vm.failed -> F[<=%s] vm.running)", BP_HA_DEADLINE},
    /* Resource isolation at the host: the VMs never consume more machine
     * memory than the host has (vSphere Resource Management 8.0, "Memory
     * Virtualization Basics"). */
    {"host_memory_isolation", "forall host: G host.memory_consumed <= host.memory_capacity", BP_NONE},
    /* Resource isolation per VM: the CPU a VM is entitled to never exceeds
     * its limit, and is never below its reservation while it demands at
     * least that much (VMware, vSphere Resource Management 8.0, "CPU
     * Resource Management": reservation, limit, shares). */
    {"cpu_limit", "forall vm: G (vm.running -> vm.cpu_entitlement <= vm.cpu_limit)", BP_NONE},
    {"cpu_reservation",
     "forall vm: G ((vm.running && vm.cpu_demand >= vm.cpu_reservation) -> vm.cpu_entitlement >= vm.cpu_reservation)",
     BP_NONE},
    /* A failed or maintenance host runs no VM (vSphere power-state machine:
     * a VM runs only on a host that runs), as the samples see it: within one
     * sample period of going down, the host is up again or its sample counts
     * no running VM (a sampled count holds until the next sample). */
    {"no_vm_on_down_host", "forall host: G (!host.up -> F[<=%s] (host.up || host.vms_running == 0))",
     BP_SAMPLE_PERIOD},
    /* The VM lifecycle: every recorded power transition is one of the
     * vSphere power-state machine (VirtualMachinePowerState: poweredOff,
     * poweredOn, suspended; power on: off -> on, power off: on or
     * suspended -> off, suspend: on -> suspended, resume: suspended -> on;
     * vSphere API reference, vim.VirtualMachine.PowerState and the
     * PowerOnVM_Task / PowerOffVM_Task / SuspendVM_Task faults
     * InvalidPowerState): no self-transition, no off -> suspended. */
    {"vm_lifecycle",
     "forall vm: G (vm.power_state_before < 0 || (vm.power_state != vm.power_state_before && "
     "!(vm.power_state_before == 0 && vm.power_state == 2)))",
     BP_NONE},
    /* The pod lifecycle: Pending -> Running -> Succeeded or Failed, and
     * Pending -> Succeeded / Failed; a phase is never left for an earlier
     * one, Succeeded and Failed are final (kubernetes.io, "Pod Lifecycle",
     * Pod phase). */
    {"pod_lifecycle", "forall pod: G (pod.phase_before < 0 || (pod.phase_before <= 1 && pod.phase > pod.phase_before))",
     BP_NONE},
    /* HA admission control: while every host of the cluster is up, the
     * cluster keeps capacity for the host failures it is configured to
     * tolerate (VMware, vSphere Availability 8.0, "vSphere HA Admission
     * Control": admission control refuses power-ons that would leave less
     * failover capacity than "Host failures cluster tolerates"). A failed
     * host consumes that capacity, so the promise holds only while none is
     * down; a cluster without HA or admission control (level 0) promises
     * nothing. Monitored in the controller LP (models/monitors/monitor_sampled.c). */
    {"ha_admission",
     "forall cluster: G ((cluster.failover_level > 0 && cluster.hosts_up >= cluster.hosts) -> "
     "cluster.failover_capacity >= cluster.failover_level)",
     BP_NONE},
    /* DRS convergence: after a disturbance (the usable hosts change: a
     * failure, repair or maintenance), the imbalance is at or below DRS's
     * target within 3 passes (VMware, vSphere Resource Management 8.0,
     * "DRS Migration Threshold"; DRS runs every 5 minutes). Monitored as ha_admission. */
    {"drs_convergence", "forall cluster: G (cluster.hosts_changed -> F[<=%s] cluster.imbalance <= cluster.imbalance_target)",
     BP_DRS_PASSES},
    /* Proportional-share fairness: VMs of a host that want more CPU than
     * they get, neither capped by a limit nor lifted by a reservation,
     * receive CPU in the ratio of their shares (vSphere API vim.SharesInfo:
     * "a consumer with more shares gets proportionally more of the
     * resource, subject to certain other constraints"; vSphere Resource
     * Management 8.0, "Share Values"), within epsilon = 1 % [M]
     * (props_fairness.h). */
    {"cpu_fairness", "forall host: G host.cpu_share_error <= 0.01", BP_NONE},
};
enum { N_BUILTINS = sizeof builtins / sizeof builtins[0] };

void props_builtin_params_from_scenario(const scenario *s, props_builtin_params *out)
{
    /* the failure module's detection time (ha.detection_time overrides) */
    int64_t detect = scn_duration_ns(s, scn_is_set(s, "ha.detection_time") ? "ha.detection_time"
                                                                            : "failures.detection_time");
    out->ha_deadline_ns = detect + scn_duration_ns(s, "simulation.control_latency");
    out->sample_period_ns = scn_duration_ns(s, "simulation.sample_period");
    out->drs_convergence_ns = 3 * scn_duration_ns(s, "drs.period"); /* k = 3 passes */
}

const char *props_builtin_names(void)
{
    return "ha_restart, host_memory_isolation, cpu_limit, cpu_reservation, no_vm_on_down_host, vm_lifecycle, "
           "pod_lifecycle, ha_admission, drs_convergence, cpu_fairness";
}

int props_builtin_formula(const char *name, const props_builtin_params *p, char *buf, size_t len, char *why,
                          size_t why_len)
{
    for (int i = 0; i < N_BUILTINS; i++) {
        if (strcmp(builtins[i].name, name) != 0)
            continue;
        if (builtins[i].param != BP_NONE) {
            char d[64];
            int64_t value = builtins[i].param == BP_HA_DEADLINE     ? p->ha_deadline_ns
                            : builtins[i].param == BP_SAMPLE_PERIOD ? p->sample_period_ns
                                                                    : p->drs_convergence_ns;
            units_format_duration_ns(value, d, sizeof d);
            snprintf(buf, len, builtins[i].format, d);
        }
        else
            snprintf(buf, len, "%s", builtins[i].format);
        return 0;
    }
    snprintf(why, why_len, "unknown built-in property '%s' (expected one of %s)", name, props_builtin_names());
    return -1;
}
