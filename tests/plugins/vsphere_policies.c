/* vsphere_policies.c - a test plug-in (tests/test_plugins.sh) registering
 * one policy of each vSphere registry, each simple enough to predict by
 * hand:
 *   drs          "move_to_last":     every movable VM not on the last
 *                                    balancing host moves there;
 *   ha_admission "max_powered_on":   admits while fewer than max_vms VMs are
 *                                    powered on; failover capacity =
 *                                    capacity_hosts;
 *   ha_restart   "restart_last_fit": the highest-numbered host that fits.
 * Built against the installed headers only. */
#include <stddef.h>

#include <vdcsim/plugin.h>

static int move_to_last(const vdcsim_drs_call *call)
{
    int32_t last = -1;
    for (uint32_t h = 0; h < call->n_hosts; h++)
        if (call->hosts[h].state == VDCSIM_DRS_HOST_UP && !call->hosts[h].failover_host)
            last = (int32_t)h;
    uint32_t n = 0;
    for (uint32_t v = 0; v < call->n_vms && n < call->max_moves && last >= 0; v++) {
        const vdcsim_drs_vm *vm = &call->vms[v];
        if (vm->host >= 0 && vm->host != last && !vm->pinned && vm->sriov_vfs == 0)
            call->moves[n++] = (vdcsim_drs_move){.vm = v, .to = last};
    }
    return (int)n;
}

static const vdcsim_drs_policy drs_move_to_last = {
    .info = {.name = "move_to_last", .doc = "Test: every movable VM goes to the last balancing host."},
    .pass = move_to_last,
};

typedef struct max_on_args {
    int64_t max_vms;
    int64_t capacity_hosts;
} max_on_args;

static int max_on_admit(const vdcsim_ha_admission_call *call)
{
    const max_on_args *a = call->args;
    int64_t on = 0;
    for (uint32_t v = 0; v < call->n_vms; v++)
        on += call->vms[v].powered_on != 0;
    return on < a->max_vms;
}

static uint32_t max_on_capacity(const vdcsim_ha_admission_call *call)
{
    const max_on_args *a = call->args;
    return (uint32_t)a->capacity_hosts;
}

static const vdcsim_arg max_on_rows[] = {
    {.name = "max_vms", .type = VDCSIM_ARG_INT, .offset = offsetof(max_on_args, max_vms), .default_value = 1,
     .min = 0, .max = 1e6, .doc = "VMs that may be powered on at once (VMs)."},
    {.name = "capacity_hosts", .type = VDCSIM_ARG_INT, .offset = offsetof(max_on_args, capacity_hosts),
     .default_value = 0, .min = 0, .max = 1000, .doc = "The failover capacity it reports (hosts)."},
};

static const vdcsim_ha_admission_policy ha_max_on = {
    .info = {.name = "max_powered_on",
             .doc = "Test: admits while fewer than max_vms VMs are powered on.",
             .args = max_on_rows,
             .n_args = 2,
             .args_size = sizeof(max_on_args)},
    .admit = max_on_admit,
    .failover_capacity = max_on_capacity,
};

static int32_t last_fit(const vdcsim_placement_call *call)
{
    for (uint32_t i = call->n_hosts; i-- > 0;)
        if (call->fits(&call->hosts[i], call->req))
            return (int32_t)i;
    return -1;
}

static const vdcsim_placement_policy restart_last_fit = {
    .info = {.name = "restart_last_fit", .doc = "Test: a failed VM restarts on the last host where it fits."},
    .choose = last_fit,
};

int vdcsim_plugin_init(const vdcsim_plugin_host *vh)
{
    if (vdcsim_register_drs(vh, &drs_move_to_last) != 0 || vdcsim_register_ha_admission(vh, &ha_max_on) != 0 ||
        vdcsim_register_ha_restart(vh, &restart_last_fit) != 0)
        return -1;
    return 0;
}
