/* k8s_objects.c - labels, selectors, taints, pod requests and the snapshot
 * (see k8s_objects.h). */
#include "models/kubernetes/k8s_objects.h"
#include "models/kubernetes/k8s_gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_str(char *dst, const char *src)
{
    size_t n = strlen(src);
    if (n >= K8S_STR)
        n = K8S_STR - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

const char *k8s_labels_get(const k8s_labels *l, const char *key)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (strcmp(l->l[i].key, key) == 0)
            return l->l[i].value;
    return NULL;
}

int k8s_labels_set(k8s_labels *l, const char *key, const char *value)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (strcmp(l->l[i].key, key) == 0) {
            copy_str(l->l[i].value, value);
            return 0;
        }
    if (l->n == K8S_MAX_LABELS)
        return -1;
    copy_str(l->l[l->n].key, key);
    copy_str(l->l[l->n].value, value);
    l->n++;
    return 0;
}

int k8s_node_set_well_known_labels(k8s_node *n, const char *zone, const char *instance_type)
{
    int rc = k8s_labels_set(&n->labels, K8S_LABEL_HOSTNAME, n->name);
    rc |= k8s_labels_set(&n->labels, K8S_LABEL_OS, "linux");
    rc |= k8s_labels_set(&n->labels, K8S_LABEL_ARCH, "amd64");
    if (zone != NULL && zone[0] != '\0')
        rc |= k8s_labels_set(&n->labels, K8S_LABEL_ZONE, zone);
    if (instance_type != NULL && instance_type[0] != '\0')
        rc |= k8s_labels_set(&n->labels, K8S_LABEL_INSTANCE_TYPE, instance_type);
    return rc != 0 ? -1 : 0;
}

/* Gt/Lt compare the label value and the single requirement value as integers
 * (apimachinery labels.Requirement.Matches); a value that is not an integer fails. */
static int parse_int(const char *s, long long *out)
{
    char *end;
    if (*s == '\0')
        return -1;
    *out = strtoll(s, &end, 10);
    return *end == '\0' ? 0 : -1;
}

static int requirement_matches(const k8s_requirement *r, const k8s_labels *l)
{
    const char *v = k8s_labels_get(l, r->key);
    long long a, b;
    switch (r->op) {
    case K8S_OP_IN:
        if (v == NULL)
            return 0;
        for (uint32_t i = 0; i < r->n_values; i++)
            if (strcmp(v, r->values[i]) == 0)
                return 1;
        return 0;
    case K8S_OP_NOT_IN:
        if (v == NULL)
            return 1;
        for (uint32_t i = 0; i < r->n_values; i++)
            if (strcmp(v, r->values[i]) == 0)
                return 0;
        return 1;
    case K8S_OP_EXISTS:
        return v != NULL;
    case K8S_OP_DOES_NOT_EXIST:
        return v == NULL;
    case K8S_OP_GT:
    case K8S_OP_LT:
        if (v == NULL || r->n_values != 1 || parse_int(v, &a) != 0 || parse_int(r->values[0], &b) != 0)
            return 0;
        return r->op == K8S_OP_GT ? a > b : a < b;
    }
    return 0;
}

int k8s_selector_matches(const k8s_selector *s, const k8s_labels *l)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (!requirement_matches(&s->r[i], l))
            return 0;
    return 1;
}

int k8s_selector_add(k8s_selector *s, const char *key, k8s_selector_op op, const char *value)
{
    if (s->n == K8S_MAX_REQS)
        return -1;
    k8s_requirement *r = &s->r[s->n++];
    memset(r, 0, sizeof *r);
    copy_str(r->key, key);
    r->op = op;
    if (value != NULL) {
        copy_str(r->values[0], value);
        r->n_values = 1;
    }
    return 0;
}

/* v1 Toleration.ToleratesTaint: effect must match (empty = all), an empty key
 * with Exists matches every key, Exists ignores the value, Equal compares it. */
int k8s_toleration_tolerates(const k8s_toleration *t, const k8s_taint *taint)
{
    if (t->effect != K8S_ANY_EFFECT && t->effect != taint->effect)
        return 0;
    if (t->key[0] != '\0' && strcmp(t->key, taint->key) != 0)
        return 0;
    if (t->op == K8S_TOL_EXISTS)
        return 1;
    if (t->key[0] == '\0')
        return 0; /* Equal with an empty key is invalid in the API */
    return strcmp(t->value, taint->value) == 0;
}

int k8s_pod_tolerates(const k8s_pod_spec *p, const k8s_taint *taint)
{
    for (uint32_t i = 0; i < p->n_tolerations; i++)
        if (k8s_toleration_tolerates(&p->tolerations[i], taint))
            return 1;
    return 0;
}

/* component-helpers nodeaffinity.GetRequiredNodeAffinity(pod).Match: every
 * nodeSelector pair must be present, and at least one required term must match. */
int k8s_node_matches_required_affinity(const k8s_pod_spec *p, const k8s_node *n)
{
    for (uint32_t i = 0; i < p->node_selector.n; i++) {
        const char *v = k8s_labels_get(&n->labels, p->node_selector.l[i].key); /* well-known ones included */
        if (v == NULL || strcmp(v, p->node_selector.l[i].value) != 0)
            return 0;
    }
    if (p->n_required_node_terms == 0)
        return 1;
    for (uint32_t i = 0; i < p->n_required_node_terms; i++)
        if (p->required_node_terms[i].n > 0 && k8s_selector_matches(&p->required_node_terms[i], &n->labels))
            return 1; /* an empty term matches no objects */
    return 0;
}

int k8s_pod_has_pod_affinity(const k8s_pod_spec *p)
{
    return p->n_affinity_required + p->n_affinity_preferred + p->n_anti_required + p->n_anti_preferred > 0;
}

/* helper.DefaultSelector (podtopologyspread/common.go): the selectors of
 * the Services, ReplicaSets, ReplicationControllers and StatefulSets
 * selecting the pod; here its controlling owner, Services not modelled. */
int k8s_pod_has_default_spread_selector(const k8s_pod_spec *p)
{
    if (p->owner[0] == '\0')
        return 0;
    return p->owner_kind == K8S_OWNER_REPLICASET || p->owner_kind == K8S_OWNER_STATEFULSET ||
           p->owner_kind == K8S_OWNER_REPLICATION_CONTROLLER;
}

/* A container's request r as the scorers see it (nonzero) or as given.
 * GetNonzeroRequestForResource: "Override if un-set, but not if explicitly
 * set to zero" - only a CPU or memory request that is absent becomes
 * 100m / 200 MiB. */
static int64_t container_request(const k8s_container *c, int r, int nonzero)
{
    int64_t v = c->requests.v[r];
    if (!nonzero || v != 0 || (c->explicit_zero & (1u << r)))
        return v;
    if (r == K8S_CPU)
        return K8S_DEFAULT_MILLI_CPU_REQUEST;
    if (r == K8S_MEMORY)
        return K8S_DEFAULT_MEMORY_REQUEST;
    return v;
}

static k8s_resources requests_of(const k8s_pod_spec *p, int nonzero)
{
    k8s_resources sum = {{0}}, init_max = {{0}};
    for (uint32_t c = 0; c < p->n_containers; c++)
        for (int r = 0; r < K8S_NRES; r++)
            sum.v[r] += container_request(&p->containers[c], r, nonzero);
    for (uint32_t c = 0; c < p->n_init_containers; c++) {
        for (int r = 0; r < K8S_NRES; r++) {
            int64_t v = container_request(&p->init_containers[c], r, nonzero);
            if (v > init_max.v[r])
                init_max.v[r] = v;
        }
    }
    for (int r = 0; r < K8S_NRES; r++) {
        if (init_max.v[r] > sum.v[r])
            sum.v[r] = init_max.v[r];
        sum.v[r] += p->overhead.v[r];
    }
    return sum;
}

k8s_resources k8s_pod_requests(const k8s_pod_spec *p) { return requests_of(p, 0); }
k8s_resources k8s_pod_nonzero_requests(const k8s_pod_spec *p) { return requests_of(p, 1); }

int k8s_pod_is_best_effort(const k8s_pod_spec *p)
{
    for (uint32_t c = 0; c < p->n_containers; c++)
        for (int r = 0; r < K8S_NRES; r++)
            if (p->containers[c].requests.v[r] != 0 || p->containers[c].limits.v[r] != 0)
                return 0;
    return 1;
}

/* ---- snapshot ---- */

static void *grow(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    uint32_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(p, (size_t)c * elem);
    if (q == NULL)
        abort();
    *cap = c;
    return q;
}

void k8s_snapshot_init(k8s_snapshot *s)
{
    memset(s, 0, sizeof *s);
    s->next_uid = 1;
}

void k8s_snapshot_free(k8s_snapshot *s)
{
    for (uint32_t i = 0; i < s->n_nodes; i++)
        free(s->nodes[i].pod_slots);
    free(s->nodes);
    free(s->live);
    free(s->pods);
    free(s->free_slots);
    free(s->images);
    free(s->pdbs);
    k8s_gpu_state_free(s->gpu);
    memset(s, 0, sizeof *s);
}

int32_t k8s_snapshot_add_node(k8s_snapshot *s, const k8s_node *n)
{
    if (k8s_labels_get(&n->labels, K8S_LABEL_HOSTNAME) == NULL && n->labels.n == K8S_MAX_LABELS)
        return -1;
    s->nodes = grow(s->nodes, &s->nodes_cap, s->n_nodes + 1, sizeof *s->nodes);
    s->live = grow(s->live, &s->live_cap, s->n_nodes + 1, sizeof *s->live); /* room for every node */
    k8s_node *d = &s->nodes[s->n_nodes];
    *d = *n;
    if (k8s_labels_get(&d->labels, K8S_LABEL_HOSTNAME) == NULL)
        k8s_labels_set(&d->labels, K8S_LABEL_HOSTNAME, d->name);
    memset(&d->requested, 0, sizeof d->requested);
    d->nonzero_milli_cpu = d->nonzero_memory = 0;
    d->n_pods = d->n_pods_with_affinity = 0;
    d->pod_slots = NULL;
    d->pod_slots_cap = 0;
    if (d->max_pods <= 0)
        d->max_pods = K8S_DEFAULT_MAX_PODS;
    /* Image indices from the template are meaningless here; images are
     * attached with k8s_snapshot_node_add_image. */
    d->n_images = 0;
    d->in_cluster = 1;
    s->live[s->n_live++] = s->n_nodes; /* the highest index: the list stays ascending */
    return (int32_t)s->n_nodes++;
}

void k8s_snapshot_set_node_present(k8s_snapshot *s, uint32_t node, int present)
{
    k8s_node *n = &s->nodes[node];
    if (!n->in_cluster == !present)
        return;
    n->in_cluster = present != 0;
    for (uint32_t i = 0; i < n->n_images; i++) /* ImageLocality counts nodes in the cluster */
        s->images[n->images[i]].num_nodes += present ? 1u : (uint32_t)-1;
    uint32_t at = 0;
    while (at < s->n_live && s->live[at] < node)
        at++;
    if (present) {
        memmove(&s->live[at + 1], &s->live[at], (s->n_live - at) * sizeof *s->live);
        s->live[at] = node;
        s->n_live++;
    } else {
        memmove(&s->live[at], &s->live[at + 1], (s->n_live - at - 1) * sizeof *s->live);
        s->n_live--;
    }
}

/* imagelocality normalizedImageName: a name without a tag (no ':' after the
 * last '/') gets ":latest". */
static void normalized_image_name(const char *name, char out[K8S_STR])
{
    const char *colon = strrchr(name, ':'), *slash = strrchr(name, '/');
    int has_tag = colon != NULL && (slash == NULL || colon > slash);
    snprintf(out, K8S_STR, has_tag ? "%s" : "%s:latest", name);
}

int32_t k8s_snapshot_find_image(const k8s_snapshot *s, const char *name)
{
    char norm[K8S_STR];
    normalized_image_name(name, norm);
    for (uint32_t i = 0; i < s->n_images; i++)
        if (strcmp(s->images[i].name, norm) == 0)
            return (int32_t)i;
    return -1;
}

int k8s_snapshot_node_add_image(k8s_snapshot *s, uint32_t node, const char *name, int64_t size_bytes)
{
    k8s_node *n = &s->nodes[node];
    int32_t id = k8s_snapshot_find_image(s, name);
    if (id < 0) {
        s->images = grow(s->images, &s->images_cap, s->n_images + 1, sizeof *s->images);
        k8s_image *im = &s->images[s->n_images];
        memset(im, 0, sizeof *im);
        normalized_image_name(name, im->name);
        im->size_bytes = size_bytes;
        id = (int32_t)s->n_images++;
    }
    for (uint32_t i = 0; i < n->n_images; i++)
        if (n->images[i] == (uint32_t)id)
            return 0;
    if (n->n_images == K8S_MAX_NODE_IMAGES)
        return -1;
    n->images[n->n_images++] = (uint32_t)id;
    s->images[id].num_nodes += n->in_cluster ? 1u : 0u;
    return 0;
}

static void node_link(k8s_snapshot *s, uint32_t slot, int32_t node);

static void node_account(k8s_node *n, const k8s_pod_spec *spec, int sign)
{
    k8s_resources req = k8s_pod_requests(spec), nz = k8s_pod_nonzero_requests(spec);
    for (int r = 0; r < K8S_NRES; r++)
        n->requested.v[r] += sign * req.v[r];
    n->nonzero_milli_cpu += sign * nz.v[K8S_CPU];
    n->nonzero_memory += sign * nz.v[K8S_MEMORY];
    n->n_pods += sign;
    if (k8s_pod_has_pod_affinity(spec))
        n->n_pods_with_affinity += sign;
}

int32_t k8s_snapshot_add_pod(k8s_snapshot *s, const k8s_pod_spec *spec, int32_t node, int64_t start_time_ns)
{
    uint32_t slot;
    if (s->n_free > 0) {
        slot = s->free_slots[--s->n_free];
    } else {
        s->pods = grow(s->pods, &s->pods_cap, s->n_pod_slots + 1, sizeof *s->pods);
        slot = s->n_pod_slots++;
    }
    k8s_pod *p = &s->pods[slot];
    p->spec = spec;
    p->uid = s->next_uid++;
    p->start_time_ns = start_time_ns;
    p->node = -1;
    s->n_pods++;
    node_link(s, slot, node);
    return (int32_t)slot;
}

static void node_unlink(k8s_snapshot *s, uint32_t slot)
{
    k8s_pod *p = &s->pods[slot];
    k8s_node *n = &s->nodes[p->node];
    for (int32_t i = 0; i < n->n_pods; i++)
        if (n->pod_slots[i] == slot) {
            /* keep the order of the remaining pods: order decides ties */
            memmove(&n->pod_slots[i], &n->pod_slots[i + 1], (size_t)(n->n_pods - i - 1) * sizeof *n->pod_slots);
            break;
        }
    node_account(n, p->spec, -1);
    if (s->gpu)
        k8s_gpu_on_unlink(s, slot);
}

static void node_link(k8s_snapshot *s, uint32_t slot, int32_t node)
{
    k8s_pod *p = &s->pods[slot];
    k8s_node *n = &s->nodes[node];
    p->node = node;
    n->pod_slots = grow(n->pod_slots, &n->pod_slots_cap, (uint32_t)n->n_pods + 1, sizeof *n->pod_slots);
    n->pod_slots[n->n_pods] = slot;
    node_account(n, p->spec, +1);
    if (s->gpu)
        k8s_gpu_on_link(s, slot, node);
}

void k8s_snapshot_remove_pod(k8s_snapshot *s, uint32_t slot)
{
    k8s_pod *p = &s->pods[slot];
    if (p->spec == NULL)
        return;
    if (p->node >= 0)
        node_unlink(s, slot);
    p->spec = NULL;
    p->node = -1;
    s->n_pods--;
    s->free_slots = grow(s->free_slots, &s->free_cap, s->n_free + 1, sizeof *s->free_slots);
    s->free_slots[s->n_free++] = slot;
}

void k8s_snapshot_detach_pod(k8s_snapshot *s, uint32_t slot)
{
    k8s_pod *p = &s->pods[slot];
    if (p->spec == NULL || p->node < 0)
        return;
    node_unlink(s, slot);
    p->node = -1;
}

void k8s_snapshot_attach_pod(k8s_snapshot *s, uint32_t slot, int32_t node)
{
    k8s_pod *p = &s->pods[slot];
    if (p->spec == NULL || p->node >= 0)
        return;
    node_link(s, slot, node);
}

void k8s_snapshot_add_pdb(k8s_snapshot *s, const k8s_pdb *pdb)
{
    s->pdbs = grow(s->pdbs, &s->pdbs_cap, s->n_pdbs + 1, sizeof *s->pdbs);
    s->pdbs[s->n_pdbs++] = *pdb;
}

const k8s_pod *k8s_snapshot_pod(const k8s_snapshot *s, uint32_t slot)
{
    return slot < s->n_pod_slots && s->pods[slot].spec != NULL ? &s->pods[slot] : NULL;
}
