/* props_parse.h - the property language (docs/properties.md): formula text
 * -> abstract syntax tree, with names and units checked.
 *
 * Contract: props_parse() reads one formula of finite-trace metric-time LTL
 * without X:
 *   formula := 'forall' KIND ['in' ('group'|'deployment') STRING] ':' formula | imp
 *   imp     := or ['->' imp]                 (right associative, lowest)
 *   or      := and ('||' and)*
 *   and     := until ('&&' until)*
 *   until   := unary ['U' '[' '<=' DURATION ']' until]
 *   unary   := '!' unary | 'G' unary | 'F' '[' '<=' DURATION ']' unary | primary
 *   primary := '(' formula ')' | 'true' | 'false' | STATE | expr CMP expr
 *   expr    := term (('+'|'-') term)* ; term := factor (('*'|'/') factor)*
 *   factor  := NUMBER | STRING (a value with a unit: "200ms", "2GHz", "4GiB")
 *            | QUANTITY | '(' expr ')'        (not at the start of a comparison)
 * KIND is vm, host, service, pod or cluster ('in deployment "NAME"' only for pods,
 * the same as 'in group'). STATE and QUANTITY are entity.field names
 * from the table props_atoms (props_parse.c); each needs an enclosing
 * 'forall' of its kind. Units are checked: both sides of a comparison and of
 * '+'/'-' carry the same unit, '*' multiplies by a dimensionless factor.
 * On error returns NULL and writes "column C: what was expected" (C counted
 * from 1 in the formula text) into err. Reentrant: no global state.
 */
#ifndef VDCSIM_ANALYSIS_PROPS_PARSE_H
#define VDCSIM_ANALYSIS_PROPS_PARSE_H

#include <stddef.h>
#include <stdint.h>

typedef enum { PK_NONE = 0, PK_VM, PK_HOST, PK_SERVICE, PK_POD, PK_CLUSTER } props_kind;

/* Units of numeric expressions. */
typedef enum { PU_ONE = 0, PU_MHZ, PU_NS, PU_MIB, PU_W, PU_RPS } props_unit;

/* Atomic signals the trace provides (props_eval.h asks the source for them). */
typedef enum {
    PA_VM_RUNNING,     /* vm_started .. vm_stopped / vm_failed */
    PA_VM_MIGRATING,   /* vmotion.active: started_ns <= t < done_ns of /tables/vmotions */
    PA_VM_FAILED,      /* vm_failed .. the next vm_started */
    PA_VM_CPU_READY,   /* /series/vm/cpu_ready_pct / 100 */
    PA_VM_CPU_DEMAND,  /* /series/vm/cpu_demand_mhz */
    PA_VM_CPU_ENTITLEMENT,
    PA_VM_CPU_LIMIT,       /* vms.[].cpu_limit (constant; INFINITY unlimited): /tables/vm_resources */
    PA_VM_CPU_RESERVATION, /* vms.[].cpu_reservation (constant) */
    PA_HOST_UP,        /* host state (events) is up or isolated */
    PA_HOST_FAILED,    /* state failed */
    PA_HOST_MAINTENANCE,
    PA_HOST_CPU_USAGE, /* /series/host/cpu_usage_mhz */
    PA_HOST_CPU_DEMAND,
    PA_HOST_CPU_READY, /* /series/host/cpu_ready_pct / 100 */
    PA_HOST_CPU_CAPACITY, /* /tables/hosts cpu_capacity_mhz (constant) */
    PA_HOST_MEMORY_CONSUMED,
    PA_HOST_MEMORY_CAPACITY, /* /tables/hosts memory_mib */
    PA_HOST_POWER,
    PA_HOST_VMS_RUNNING,
    PA_SERVICE_LATENCY_P50, PA_SERVICE_LATENCY_P95, PA_SERVICE_LATENCY_P99,
    PA_SERVICE_THROUGHPUT,
    PA_POD_PENDING, /* from the start and from each pod_failed to the next pod_started */
    PA_POD_RUNNING, /* pod_started .. pod_crashed / pod_oom_killed / pod_failed */
    /* The vSphere power state (VirtualMachinePowerState): 0 poweredOff,
     * 1 poweredOn, 2 suspended; vm_started -> 1, vm_stopped / vm_failed -> 0.
     * _BEFORE: the state before the last record, -1 before the first. */
    PA_VM_POWER_STATE,
    PA_VM_POWER_STATE_BEFORE,
    /* The Kubernetes pod phase: 0 Pending, 1 Running, 2 Succeeded, 3 Failed;
     * _BEFORE: the phase before its last change, -1 before the first. */
    PA_POD_PHASE,
    PA_POD_PHASE_BEFORE,
    /* Clusters (verify only): /tables/clusters rows, or the one cluster of a
     * run without `clusters`. failover_capacity: the failover_capacity_hosts
     * series; failover_level: the configured host failures to tolerate
     * (0 without HA or with admission_control = "disabled"); hosts: the
     * cluster's hosts; hosts_up: the hosts_up series (hosts when the run has
     * no failures). */
    PA_CLUSTER_FAILOVER_CAPACITY,
    PA_CLUSTER_FAILOVER_LEVEL,
    PA_CLUSTER_HOSTS,
    PA_CLUSTER_HOSTS_UP,
    /* DRS: imbalance, the /series/clusters/imbalance series; imbalance_target
     * and hosts_changed derived from hosts_up (props_cluster.h). */
    PA_CLUSTER_IMBALANCE,
    PA_CLUSTER_IMBALANCE_TARGET,
    PA_CLUSTER_HOSTS_CHANGED,
    /* Proportional-share fairness of the host's CPU among its contending
     * VMs (props_fairness.h): p_max / p_min - 1 of received MHz per share. */
    PA_HOST_CPU_SHARE_ERROR,
    PA_COUNT
} props_atom;

typedef struct props_atom_info {
    const char *name; /* as written: "vm.running", "vmotion.active" */
    props_kind kind;
    int is_state;     /* 1: boolean state, 0: quantity */
    props_unit unit;
} props_atom_info;

const props_atom_info *props_atom_get(props_atom a);
const char *props_unit_name(props_unit u);

typedef enum {
    PN_TRUE, PN_FALSE, PN_STATE, PN_CMP,
    PN_NOT, PN_AND, PN_OR, PN_IMPLIES,
    PN_G, PN_F, PN_U,
    PN_FORALL,
    PN_NUM, PN_QTY, PN_ADD, PN_SUB, PN_MUL, PN_DIV
} props_node_type;

typedef enum { PC_LT, PC_LE, PC_GT, PC_GE, PC_EQ, PC_NE } props_cmp;

typedef struct props_node {
    props_node_type type;
    int column;                /* where it starts, from 1 */
    struct props_node *l, *r;  /* operands (unary: l) */
    props_atom atom;           /* PN_STATE, PN_QTY */
    props_cmp cmp;             /* PN_CMP */
    double num;                /* PN_NUM (in the base unit) */
    props_unit unit;           /* numeric nodes */
    int64_t bound_ns;          /* PN_F, PN_U */
    props_kind kind;           /* PN_FORALL */
    char group[128];           /* PN_FORALL: "" = every entity */
    int in_deployment;         /* PN_FORALL: written 'in deployment' (pods) */
} props_node;

props_node *props_parse(const char *text, char *err, size_t err_len);
void props_free(props_node *n);

/* The formula written back fully parenthesised (tests, messages). */
void props_format(const props_node *n, char *buf, size_t len);

/* Appends printf-style text to the NUL-terminated string in buf (len bytes
 * in all), truncating; does nothing when buf is already full. */
void props_append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
