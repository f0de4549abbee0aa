/* k8s_objects.h - Kubernetes objects as plain structs: nodes, pod specs, pods,
 * PodDisruptionBudgets and the cluster snapshot the scheduler reads.
 *
 * Contract:
 *  - Units: CPU in millicores, memory and ephemeral storage in bytes, GPU in
 *    milli-GPU (1000 = one whole GPU, so fractional GPUs are integers).
 *  - A pod points at a k8s_pod_spec that the caller owns and keeps alive
 *    (pods of one ReplicaSet share one spec, as they share a template).
 *  - Labels, taints, tolerations, selectors and terms are small fixed arrays
 *    of strings; there are no hash maps. Per-pod scheduling work stays
 *    O(nodes x plugins) because everything per node is bounded by constants.
 *  - The snapshot owns its nodes, pod slots, image table and PDBs. Pod slots
 *    are stable: a pod's index never changes while it is in the snapshot.
 *  - Nothing here draws random numbers or reads the clock.
 */
#ifndef VDCSIM_MODELS_K8S_OBJECTS_H
#define VDCSIM_MODELS_K8S_OBJECTS_H

#include <stdint.h>

#define K8S_STR 64           /* label keys/values, names: <= 63 chars as in Kubernetes */
#define K8S_MAX_LABELS 16
#define K8S_MAX_TAINTS 6
#define K8S_MAX_TOLERATIONS 6
#define K8S_MAX_VALUES 6      /* values of one selector requirement */
#define K8S_MAX_REQS 4        /* requirements ANDed in one selector */
#define K8S_MAX_NODE_TERMS 4  /* ORed required node selector terms; preferred terms */
#define K8S_MAX_POD_TERMS 4   /* pod (anti-)affinity terms of each kind */
#define K8S_MAX_SPREAD 3      /* topology spread constraints */
#define K8S_MAX_CONTAINERS 4
#define K8S_MAX_NODE_IMAGES 16

/* Well-known node labels (k8s.io/api/core/v1 well_known_labels.go): the
 * kubelet sets hostname, os and arch when it registers the node; the cloud
 * provider sets zone and instance-type. */
#define K8S_LABEL_HOSTNAME "kubernetes.io/hostname"
#define K8S_LABEL_OS "kubernetes.io/os"
#define K8S_LABEL_ARCH "kubernetes.io/arch"
#define K8S_LABEL_ZONE "topology.kubernetes.io/zone"
#define K8S_LABEL_INSTANCE_TYPE "node.kubernetes.io/instance-type"
#define K8S_WELL_KNOWN_LABELS 5 /* the labels above: room k8s_node_set_well_known_labels needs */
#define K8S_TAINT_UNSCHEDULABLE "node.kubernetes.io/unschedulable"

/* Default requests the resource scorers use for containers that set none
 * (pkg/scheduler/util/pod_resources.go: DefaultMilliCPURequest, DefaultMemoryRequest). */
#define K8S_DEFAULT_MILLI_CPU_REQUEST 100
#define K8S_DEFAULT_MEMORY_REQUEST (200LL * 1024 * 1024)
#define K8S_DEFAULT_MAX_PODS 110 /* kubelet --max-pods */

typedef enum { K8S_CPU, K8S_MEMORY, K8S_EPHEMERAL, K8S_GPU, K8S_NRES } k8s_resource;

typedef struct k8s_resources {
    int64_t v[K8S_NRES]; /* millicores, bytes, bytes, milli-GPU */
} k8s_resources;

typedef struct k8s_label {
    char key[K8S_STR];
    char value[K8S_STR];
} k8s_label;

typedef struct k8s_labels {
    uint32_t n;
    k8s_label l[K8S_MAX_LABELS];
} k8s_labels;

typedef enum { K8S_NO_SCHEDULE, K8S_PREFER_NO_SCHEDULE, K8S_NO_EXECUTE, K8S_ANY_EFFECT } k8s_taint_effect;

typedef struct k8s_taint {
    char key[K8S_STR];
    char value[K8S_STR];
    k8s_taint_effect effect; /* not K8S_ANY_EFFECT */
} k8s_taint;

typedef enum { K8S_TOL_EQUAL, K8S_TOL_EXISTS } k8s_toleration_op; /* tolerations.[].operator, in order */

typedef struct k8s_toleration {
    char key[K8S_STR]; /* "" with EXISTS tolerates every taint */
    char value[K8S_STR];
    k8s_toleration_op op;
    k8s_taint_effect effect; /* K8S_ANY_EFFECT matches all effects */
} k8s_toleration;

typedef enum { K8S_OP_IN, K8S_OP_NOT_IN, K8S_OP_EXISTS, K8S_OP_DOES_NOT_EXIST, K8S_OP_GT, K8S_OP_LT } k8s_selector_op;

typedef struct k8s_requirement {
    char key[K8S_STR];
    k8s_selector_op op;
    uint32_t n_values;
    char values[K8S_MAX_VALUES][K8S_STR];
} k8s_requirement;

/* A label selector: all requirements must hold (matchLabels k=v is In{v}).
 * An empty selector matches everything. */
typedef struct k8s_selector {
    uint32_t n;
    k8s_requirement r[K8S_MAX_REQS];
} k8s_selector;

typedef struct k8s_preferred_node_term {
    int32_t weight; /* 1..100 */
    k8s_selector match;
} k8s_preferred_node_term;

/* A pod (anti-)affinity term; weight is used only for preferred terms.
 * Namespaces: the term applies to pods of the owning pod's namespace. */
typedef struct k8s_pod_term {
    int32_t weight;
    char topology_key[K8S_STR];
    k8s_selector match;
} k8s_pod_term;

/* topology_spread_constraints.[].when_unsatisfiable, in order */
typedef enum { K8S_DO_NOT_SCHEDULE, K8S_SCHEDULE_ANYWAY } k8s_unsatisfiable;

typedef struct k8s_spread_constraint {
    int32_t max_skew;
    char topology_key[K8S_STR];
    k8s_unsatisfiable when_unsatisfiable;
    k8s_selector match;
} k8s_spread_constraint;

typedef struct k8s_container {
    k8s_resources requests; /* 0 = not set (the scorers then use the defaults above)... */
    uint32_t explicit_zero; /* ...unless bit (1 << r) is set: request r given as 0, which
                             * the scorers take as 0 (GetNonzeroRequestForResource) */
    k8s_resources limits;
    char image[K8S_STR];    /* "" = no image to score */
} k8s_container;

/* Kind of a pod's controlling owner. Only ReplicaSets, StatefulSets and
 * ReplicationControllers (and Services, not modelled as owners) give a pod
 * the system default topology spreading (helper.DefaultSelector). */
typedef enum {
    K8S_OWNER_REPLICASET, /* the default: a Deployment's pods */
    K8S_OWNER_STATEFULSET,
    K8S_OWNER_REPLICATION_CONTROLLER,
    K8S_OWNER_JOB,
    K8S_OWNER_DAEMONSET
} k8s_owner_kind;

/* Everything a pod template says. */
typedef struct k8s_pod_spec {
    char name[K8S_STR];      /* workload name, for logs */
    char namespace_[K8S_STR];
    char owner[K8S_STR];     /* controlling owner's name; "" = none (no system default spreading) */
    k8s_owner_kind owner_kind;
    int32_t priority;
    k8s_labels labels;
    uint32_t n_containers;
    k8s_container containers[K8S_MAX_CONTAINERS];
    uint32_t n_init_containers;
    k8s_container init_containers[K8S_MAX_CONTAINERS];
    k8s_resources overhead;  /* RuntimeClass pod overhead */
    char node_name[K8S_STR]; /* spec.nodeName set by the user; "" = unset */
    k8s_labels node_selector;
    uint32_t n_required_node_terms; /* ORed; 0 = no required node affinity */
    k8s_selector required_node_terms[K8S_MAX_NODE_TERMS];
    uint32_t n_preferred_node_terms;
    k8s_preferred_node_term preferred_node_terms[K8S_MAX_NODE_TERMS];
    uint32_t n_tolerations;
    k8s_toleration tolerations[K8S_MAX_TOLERATIONS];
    uint32_t n_affinity_required, n_affinity_preferred;
    k8s_pod_term affinity_required[K8S_MAX_POD_TERMS];
    k8s_pod_term affinity_preferred[K8S_MAX_POD_TERMS];
    uint32_t n_anti_required, n_anti_preferred;
    k8s_pod_term anti_required[K8S_MAX_POD_TERMS];
    k8s_pod_term anti_preferred[K8S_MAX_POD_TERMS];
    uint32_t n_spread;
    k8s_spread_constraint spread[K8S_MAX_SPREAD];
    /* GPUs as devices (k8s_gpu.h): gpu_num GPUs of gpu_milli each, models
     * limited to gpu_spec ("A10|T4", "" = any); gpu_num 0 = derived from
     * the K8S_GPU request. */
    int32_t gpu_num, gpu_milli;
    char gpu_spec[K8S_STR];
} k8s_pod_spec;

typedef struct k8s_pod {
    const k8s_pod_spec *spec; /* NULL = free slot */
    uint64_t uid;
    int32_t node;             /* bound or assumed node; -1 = pending */
    int64_t start_time_ns;    /* when it was bound; preemption prefers evicting the newest */
} k8s_pod;

typedef struct k8s_image {
    char name[K8S_STR];
    int64_t size_bytes;
    uint32_t num_nodes;       /* nodes holding it (maintained by the snapshot) */
} k8s_image;

typedef struct k8s_node {
    char name[K8S_STR];
    k8s_resources allocatable;
    int32_t max_pods;
    k8s_labels labels;        /* every label, the well-known ones included: what all plugins read */
    uint32_t n_taints;
    k8s_taint taints[K8S_MAX_TAINTS];
    int unschedulable;        /* spec.unschedulable (cordoned) */
    int in_cluster;           /* maintained by the snapshot: see k8s_snapshot_set_node_present */
    uint32_t n_images;
    uint32_t images[K8S_MAX_NODE_IMAGES]; /* indices into the snapshot's image table */
    /* Maintained by the snapshot as pods are added and removed: */
    k8s_resources requested;  /* sum of effective pod requests */
    int64_t nonzero_milli_cpu, nonzero_memory; /* same with 100m / 200MiB defaults */
    int32_t n_pods;
    int32_t n_pods_with_affinity; /* pods with any pod (anti-)affinity term */
    uint32_t *pod_slots;      /* indices of its pods in the snapshot */
    uint32_t pod_slots_cap;
} k8s_node;

/* A PodDisruptionBudget reduced to what preemption reads: which pods it covers
 * and status.disruptionsAllowed. */
typedef struct k8s_pdb {
    char namespace_[K8S_STR];
    k8s_selector match;
    int32_t disruptions_allowed;
    /* The spec it is computed from by its owner (k8s_pdbs_refresh in a run);
     * -1 = unset. Tests that set disruptions_allowed directly leave them 0. */
    int32_t min_available, max_unavailable;
} k8s_pdb;

typedef struct k8s_snapshot {
    k8s_node *nodes;                /* every node known, in the cluster or not */
    uint32_t n_nodes, nodes_cap;
    uint32_t *live;                 /* indices of the nodes in the cluster, ascending: the */
    uint32_t n_live, live_cap;      /* scheduler's node list; plugins walk only these */
    k8s_pod *pods;
    uint32_t n_pod_slots, pods_cap; /* slots in use or free */
    uint32_t n_pods;                /* live pods */
    uint32_t *free_slots;
    uint32_t n_free, free_cap;
    k8s_image *images;
    uint32_t n_images, images_cap;
    k8s_pdb *pdbs;
    uint32_t n_pdbs, pdbs_cap;
    uint64_t next_uid;
    struct k8s_gpu_state *gpu;      /* GPU devices (k8s_gpu.h); NULL = GPUs pooled per node */
} k8s_snapshot;

/* ---- labels, selectors, taints ---- */
const char *k8s_labels_get(const k8s_labels *l, const char *key); /* NULL if absent */
int k8s_labels_set(k8s_labels *l, const char *key, const char *value); /* -1 if full */
/* Sets the well-known labels a registering node gets (replacing any value):
 * hostname = its name, os = linux, arch = amd64, and zone and instance-type
 * when not NULL or "". -1 if the label list is full (then K8S_WELL_KNOWN_LABELS
 * more free entries are enough). */
int k8s_node_set_well_known_labels(k8s_node *n, const char *zone, const char *instance_type);
int k8s_selector_matches(const k8s_selector *s, const k8s_labels *l);
/* matchLabels helper: appends key In {value}; -1 if full. */
int k8s_selector_add(k8s_selector *s, const char *key, k8s_selector_op op, const char *value);
int k8s_toleration_tolerates(const k8s_toleration *t, const k8s_taint *taint);
int k8s_pod_tolerates(const k8s_pod_spec *p, const k8s_taint *taint);
/* 1 if the node passes the pod's nodeSelector and required node affinity. */
int k8s_node_matches_required_affinity(const k8s_pod_spec *p, const k8s_node *n);
int k8s_pod_has_pod_affinity(const k8s_pod_spec *p);
/* 1 if helper.DefaultSelector is not empty for the pod: it has an owner
 * that is a ReplicaSet, StatefulSet or ReplicationController (Services
 * selecting pods are not modelled as owners). Only such pods get the system
 * default topology spreading. */
int k8s_pod_has_default_spread_selector(const k8s_pod_spec *p);

/* ---- pod requests ---- */
/* Effective request: max(sum of containers, max of init containers) + overhead
 * (resource_fit / pod_resources: computePodResourceRequest). */
k8s_resources k8s_pod_requests(const k8s_pod_spec *p);
/* Same with missing CPU/memory container requests replaced by 100m / 200MiB
 * (GetNonzeroRequests); other resources as k8s_pod_requests. */
k8s_resources k8s_pod_nonzero_requests(const k8s_pod_spec *p);
int k8s_pod_is_best_effort(const k8s_pod_spec *p); /* no requests and no limits at all */

/* ---- snapshot ---- */
void k8s_snapshot_init(k8s_snapshot *s);
void k8s_snapshot_free(k8s_snapshot *s);
/* Appends a node (copied; requested totals and pod list are reset), in the
 * cluster; its hostname label is set to its name if it has none (what the
 * kubelet does). Returns its index, or -1 if the label list is full. */
int32_t k8s_snapshot_add_node(k8s_snapshot *s, const k8s_node *n);
/* Puts a node in the cluster or takes it out (a Cluster Autoscaler node not
 * yet provisioned or deleted, a VM node whose kubelet has not registered):
 * nodes out of the cluster are in no plugin's view (not in `live`, their
 * images not counted) but keep their index; the pods on one taken out are
 * invisible with it until the caller removes them. */
void k8s_snapshot_set_node_present(k8s_snapshot *s, uint32_t node, int present);
/* Records that node holds image (name, size); returns 0, or -1 if the node's image list is full. */
int k8s_snapshot_node_add_image(k8s_snapshot *s, uint32_t node, const char *name, int64_t size_bytes);
int32_t k8s_snapshot_find_image(const k8s_snapshot *s, const char *name);
/* Binds a new pod to node (>= 0) and returns its slot; totals are updated. */
int32_t k8s_snapshot_add_pod(k8s_snapshot *s, const k8s_pod_spec *spec, int32_t node, int64_t start_time_ns);
/* Removes a pod (evicted, finished, deleted); its slot may be reused later. */
void k8s_snapshot_remove_pod(k8s_snapshot *s, uint32_t slot);
/* Takes a pod off its node without freeing its slot (uid, start time kept):
 * preemption and autoscaler simulations use these and undo them. Attach puts
 * a detached pod on node (which may differ from the one it left). */
void k8s_snapshot_detach_pod(k8s_snapshot *s, uint32_t slot);
void k8s_snapshot_attach_pod(k8s_snapshot *s, uint32_t slot, int32_t node);
/* Adds a PDB (copied). */
void k8s_snapshot_add_pdb(k8s_snapshot *s, const k8s_pdb *pdb);
const k8s_pod *k8s_snapshot_pod(const k8s_snapshot *s, uint32_t slot);

#endif
