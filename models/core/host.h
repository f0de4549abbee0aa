/* host.h - a physical host and the VMs running on it, as one LP.
 *
 * The host LP owns the state of the VMs it runs. Every sample period it
 * samples its running VMs' demand processes and divides its CPU, memory and
 * network among them (models/host/host_contention.h: entitlements, ready time,
 * NUMA, EPT, memory reclamation, power), writes each VM's results into its
 * vm struct and hands the totals to the recorder.
 */
#ifndef VDCSIM_MODELS_HOST_H
#define VDCSIM_MODELS_HOST_H

#include <stdint.h>

#include "models/host/host_hw.h"
#include "sim/engine.h"

typedef struct host_spec {
    uint32_t group;          /* index of its scenario group (hosts.[group]) */
    uint32_t index_in_group; /* 0-based; its name is "<group>-<index_in_group+1>" */
    uint32_t sockets;
    uint32_t cores_per_socket;
    double cpu_mhz;
    uint64_t memory_mib;
    host_hw hw; /* NUMA, SMT, NICs, EPT, power, reclamation costs */
} host_spec;

/* What a host can do right now (docs/failures.md). Failed and maintenance
 * hosts run nothing; an isolated host keeps its VMs running but the
 * controller cannot reach it. DPM standby is not a state here: an up host
 * with no VMs and standby power (models/vsphere/drs_controller.h). */
typedef enum { HOST_UP = 0, HOST_FAILED, HOST_ISOLATED, HOST_MAINTENANCE, HOST_STATES } host_state;

const char *host_state_name(host_state s);

struct model_env;
struct pod_host;
struct host_scratch;

typedef struct host {
    const struct model_env *env;
    uint32_t index;
    uint32_t *vm_ids; /* running VMs, in the order they started */
    uint32_t n_vms, cap_vms;
    uint64_t log_seq; /* orders this LP's event-log records */
    struct pod_host *pods; /* its pods' runtime state (models/containers/pod.h); NULL without pods */
    struct k8s_kubelet *kubelet; /* its kubelets' state (models/kubernetes/k8s_scheduler_lp.h); NULL without Kubernetes */
    host_state state;
    struct host_scratch *contention; /* the sample step's working memory */
} host;

uint32_t host_cores(const host_spec *h);
double host_cpu_capacity_mhz(const host_spec *h);

/* The LP handler for hosts. */
void host_handle(sim_ctx *ctx, void *state, const sim_event *ev);

/* Takes a VM off the host's list of running VMs (keeping the start order of
 * the others) and sets its host to -1; its state is the caller's to change.
 * Returns 0, or -1 if the VM is not on this host. */
int host_remove_vm(host *h, uint32_t vm_id);

void host_release(host *h);

#endif
