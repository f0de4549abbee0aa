/* k8s_template_build.c - pod templates, node group labels/taints/GPUs/images
 * and PodDisruptionBudgets from the scenario (see k8s_template_build.h). */
#include "models/kubernetes/k8s_template_build.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/kubernetes/k8s_scheduler_lp.h"

/* Copies text[a, b) trimmed of blanks into out; -1 if empty or too long. */
static int take(const char *a, const char *b, char *out, size_t out_len)
{
    while (a < b && isspace((unsigned char)*a))
        a++;
    while (b > a && isspace((unsigned char)b[-1]))
        b--;
    if (a == b || (size_t)(b - a) >= out_len)
        return -1;
    memcpy(out, a, (size_t)(b - a));
    out[b - a] = '\0';
    return 0;
}

/* Calls item(text[a, b)) for each comma-separated item outside parentheses. */
typedef int (*item_fn)(const char *a, const char *b, void *arg, char *why, size_t why_len);

static int split(const char *text, item_fn item, void *arg, char *why, size_t why_len)
{
    int depth = 0;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth < 0) {
            snprintf(why, why_len, "unbalanced ')'");
            return -1;
        }
        if ((*p == ',' && depth == 0) || *p == '\0') {
            if (*p == '\0' && depth != 0) {
                snprintf(why, why_len, "unbalanced '('");
                return -1;
            }
            const char *a = start;
            while (a < p && isspace((unsigned char)*a))
                a++;
            if (a == p) {
                snprintf(why, why_len, "empty item");
                return -1;
            }
            if (item(start, p, arg, why, why_len) != 0)
                return -1;
            if (*p == '\0')
                return 0;
            start = p + 1;
        }
    }
}

/* ---- selectors ---- */

static int add_value(k8s_requirement *r, const char *a, const char *b, char *why, size_t why_len)
{
    if (r->n_values >= K8S_MAX_VALUES) {
        snprintf(why, why_len, "more than %d values for '%s'", K8S_MAX_VALUES, r->key);
        return -1;
    }
    if (take(a, b, r->values[r->n_values], K8S_STR) != 0) {
        snprintf(why, why_len, "an empty or over-long value for '%s'", r->key);
        return -1;
    }
    r->n_values++;
    return 0;
}

static int value_item(const char *a, const char *b, void *arg, char *why, size_t why_len)
{
    return add_value(arg, a, b, why, why_len);
}

/* Finds word (" in ", " notin ") as a separate word in [a, b). */
static const char *find_word(const char *a, const char *b, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = a; p + n <= b; p++)
        if (strncmp(p, word, n) == 0 && p > a && isspace((unsigned char)p[-1]) &&
            (p + n == b || isspace((unsigned char)p[n]) || p[n] == '('))
            return p;
    return NULL;
}

static int requirement_item(const char *a, const char *b, void *arg, char *why, size_t why_len)
{
    k8s_selector *s = arg;
    if (s->n >= K8S_MAX_REQS) {
        snprintf(why, why_len, "more than %d requirements", K8S_MAX_REQS);
        return -1;
    }
    k8s_requirement *r = &s->r[s->n];
    memset(r, 0, sizeof *r);
    char item[1024];
    if (take(a, b, item, sizeof item) != 0) {
        snprintf(why, why_len, "an over-long requirement");
        return -1;
    }
    const char *end = item + strlen(item);
    const char *kw = find_word(item, end, "notin");
    r->op = K8S_OP_NOT_IN;
    if (!kw) {
        kw = find_word(item, end, "in");
        r->op = K8S_OP_IN;
    }
    const char *eq = strchr(item, '=');
    if (kw) {
        const char *open = strchr(kw, '('), *close = strrchr(item, ')');
        if (!open || !close || close < open || close[1] != '\0') {
            snprintf(why, why_len, "'%.100s' has no value list (expected \"key in (a,b)\")", item);
            return -1;
        }
        if (take(item, kw, r->key, sizeof r->key) != 0) {
            snprintf(why, why_len, "'%.100s' has no key", item);
            return -1;
        }
        char inner[1024];
        if (take(open + 1, close, inner, sizeof inner) != 0) {
            snprintf(why, why_len, "'%.100s' has an empty value list", item);
            return -1;
        }
        if (split(inner, value_item, r, why, why_len) != 0)
            return -1;
    } else if (eq) {
        int not_equal = eq > item && eq[-1] == '!';
        const char *key_end = not_equal ? eq - 1 : eq;
        const char *v = eq[1] == '=' ? eq + 2 : eq + 1;
        r->op = not_equal ? K8S_OP_NOT_IN : K8S_OP_IN;
        if (take(item, key_end, r->key, sizeof r->key) != 0) {
            snprintf(why, why_len, "'%.100s' has no key", item);
            return -1;
        }
        if (add_value(r, v, end, why, why_len) != 0)
            return -1;
    } else if (item[0] == '!') {
        r->op = K8S_OP_DOES_NOT_EXIST;
        if (take(item + 1, end, r->key, sizeof r->key) != 0) {
            snprintf(why, why_len, "'!' with no key");
            return -1;
        }
    } else {
        r->op = K8S_OP_EXISTS;
        if (take(item, end, r->key, sizeof r->key) != 0) {
            snprintf(why, why_len, "'%.100s' is too long for a key (expected at most 63 characters)", item);
            return -1;
        }
    }
    for (const char *p = r->key; *p; p++)
        if (isspace((unsigned char)*p) || strchr("!=()", *p)) {
            snprintf(why, why_len, "'%.100s' is not a requirement (expected k=v, k!=v, k in (a,b), k notin (a,b), k or !k)",
                     item);
            return -1;
        }
    s->n++;
    return 0;
}

int k8s_selector_parse(const char *text, k8s_selector *out, char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    return split(text, requirement_item, out, why, why_len);
}

/* ---- labels and taints ---- */

static int label_item(const char *a, const char *b, void *arg, char *why, size_t why_len)
{
    char item[256], key[K8S_STR], value[K8S_STR];
    if (take(a, b, item, sizeof item) != 0) {
        snprintf(why, why_len, "an over-long label");
        return -1;
    }
    char *eq = strchr(item, '=');
    if (!eq || take(item, eq, key, sizeof key) != 0 || strchr(key, ' ') ||
        (eq[1] != '\0' && take(eq + 1, item + strlen(item), value, sizeof value) != 0)) {
        snprintf(why, why_len, "'%.100s' is not a label (expected key=value)", item);
        return -1;
    }
    if (eq[1] == '\0')
        value[0] = '\0';
    if (k8s_labels_set(arg, key, value) != 0) {
        snprintf(why, why_len, "more than %d labels", K8S_MAX_LABELS);
        return -1;
    }
    return 0;
}

static int parse_labels(const char *text, k8s_labels *l, char *why, size_t why_len)
{
    return text[0] ? split(text, label_item, l, why, why_len) : 0;
}

static int parse_effect(const char *text, k8s_taint_effect *e)
{
    static const char *names[] = {"NoSchedule", "PreferNoSchedule", "NoExecute"};
    for (int i = 0; i < 3; i++)
        if (strcmp(text, names[i]) == 0) {
            *e = (k8s_taint_effect)i;
            return 0;
        }
    return -1;
}

static int taint_item(const char *a, const char *b, void *arg, char *why, size_t why_len)
{
    k8s_node *n = arg;
    char item[256];
    if (take(a, b, item, sizeof item) != 0) {
        snprintf(why, why_len, "an over-long taint");
        return -1;
    }
    if (n->n_taints >= K8S_MAX_TAINTS) {
        snprintf(why, why_len, "more than %d taints", K8S_MAX_TAINTS);
        return -1;
    }
    k8s_taint *t = &n->taints[n->n_taints];
    memset(t, 0, sizeof *t);
    char *colon = strrchr(item, ':');
    char *eq = strchr(item, '=');
    if (!colon || (eq && eq > colon) || parse_effect(colon + 1, &t->effect) != 0 ||
        take(item, eq ? eq : colon, t->key, sizeof t->key) != 0 ||
        (eq && eq + 1 < colon && take(eq + 1, colon, t->value, sizeof t->value) != 0)) {
        snprintf(why, why_len,
                 "'%.100s' is not a taint (expected key=value:Effect or key:Effect, Effect one of NoSchedule, "
                 "PreferNoSchedule, NoExecute)", item);
        return -1;
    }
    n->n_taints++;
    return 0;
}

/* ---- the pod template ---- */

static int read_selector(const scenario *scn, const char *key, k8s_selector *s, char *err, size_t err_len)
{
    char why[256];
    if (k8s_selector_parse(scn_string(scn, "%s", key), s, why, sizeof why) != 0)
        return scn_key_error(scn, err, err_len, key, "%s", why);
    return 0;
}

static int read_pod_terms(const scenario *scn, const char *elem, const char *kind, k8s_pod_term *req, uint32_t *n_req,
                          k8s_pod_term *pref, uint32_t *n_pref, char *err, size_t err_len)
{
    char key[256];
    int rc;
    *n_req = (uint32_t)scn_list_len(scn, "%s.%s.required", elem, kind);
    for (uint32_t k = 0; k < *n_req; k++) {
        snprintf(key, sizeof key, "%s.%s.required.[%" PRIu32 "].selector", elem, kind, k);
        if ((rc = read_selector(scn, key, &req[k].match, err, err_len)) != 0)
            return rc;
        snprintf(req[k].topology_key, K8S_STR, "%s",
                 scn_string(scn, "%s.%s.required.[%" PRIu32 "].topology_key", elem, kind, k));
    }
    *n_pref = (uint32_t)scn_list_len(scn, "%s.%s.preferred", elem, kind);
    for (uint32_t k = 0; k < *n_pref; k++) {
        snprintf(key, sizeof key, "%s.%s.preferred.[%" PRIu32 "].selector", elem, kind, k);
        if ((rc = read_selector(scn, key, &pref[k].match, err, err_len)) != 0)
            return rc;
        snprintf(pref[k].topology_key, K8S_STR, "%s",
                 scn_string(scn, "%s.%s.preferred.[%" PRIu32 "].topology_key", elem, kind, k));
        pref[k].weight = (int32_t)scn_int(scn, "%s.%s.preferred.[%" PRIu32 "].weight", elem, kind, k);
    }
    return 0;
}

static int read_tolerations(const scenario *scn, const char *elem, k8s_pod_spec *ps, char *err, size_t err_len)
{
    char key[256];
    ps->n_tolerations = (uint32_t)scn_list_len(scn, "%s.tolerations", elem);
    for (uint32_t k = 0; k < ps->n_tolerations; k++) {
        k8s_toleration *t = &ps->tolerations[k];
        snprintf(t->key, sizeof t->key, "%s", scn_string(scn, "%s.tolerations.[%" PRIu32 "].key", elem, k));
        snprintf(t->value, sizeof t->value, "%s", scn_string(scn, "%s.tolerations.[%" PRIu32 "].value", elem, k));
        t->op = (k8s_toleration_op)scn_enum(scn, "%s.tolerations.[%" PRIu32 "].operator", elem, k);
        const char *effect = scn_string(scn, "%s.tolerations.[%" PRIu32 "].effect", elem, k);
        t->effect = K8S_ANY_EFFECT;
        snprintf(key, sizeof key, "%s.tolerations.[%" PRIu32 "].effect", elem, k);
        if (effect[0] && parse_effect(effect, &t->effect) != 0)
            return scn_key_error(scn, err, err_len, key, "'%.20s' is not an effect (expected NoSchedule, PreferNoSchedule, "
                       "NoExecute or empty for all)", effect);
        snprintf(key, sizeof key, "%s.tolerations.[%" PRIu32 "].value", elem, k);
        if (t->op == K8S_TOL_EXISTS && t->value[0])
            return scn_key_error(scn, err, err_len, key, "a value with operator Exists (expected no value)");
        snprintf(key, sizeof key, "%s.tolerations.[%" PRIu32 "].key", elem, k);
        if (t->op == K8S_TOL_EQUAL && t->key[0] == '\0')
            return scn_key_error(scn, err, err_len, key, "empty with operator Equal (expected a key, or operator Exists)");
    }
    return 0;
}

int k8s_template_read(const scenario *scn, const char *elem, k8s_pod_spec *ps, char *err, size_t err_len)
{
    char key[256], why[256];
    int rc;
    snprintf(key, sizeof key, "%s.labels", elem);
    if (parse_labels(scn_string(scn, "%s", key), &ps->labels, why, sizeof why) != 0)
        return scn_key_error(scn, err, err_len, key, "%s", why);
    snprintf(key, sizeof key, "%s.node_selector", elem);
    if (parse_labels(scn_string(scn, "%s", key), &ps->node_selector, why, sizeof why) != 0)
        return scn_key_error(scn, err, err_len, key, "%s", why);
    ps->n_required_node_terms = (uint32_t)scn_list_len(scn, "%s.node_affinity.required", elem);
    for (uint32_t k = 0; k < ps->n_required_node_terms; k++) {
        snprintf(key, sizeof key, "%s.node_affinity.required.[%" PRIu32 "].match", elem, k);
        if ((rc = read_selector(scn, key, &ps->required_node_terms[k], err, err_len)) != 0)
            return rc;
    }
    ps->n_preferred_node_terms = (uint32_t)scn_list_len(scn, "%s.node_affinity.preferred", elem);
    for (uint32_t k = 0; k < ps->n_preferred_node_terms; k++) {
        snprintf(key, sizeof key, "%s.node_affinity.preferred.[%" PRIu32 "].match", elem, k);
        if ((rc = read_selector(scn, key, &ps->preferred_node_terms[k].match, err, err_len)) != 0)
            return rc;
        ps->preferred_node_terms[k].weight =
            (int32_t)scn_int(scn, "%s.node_affinity.preferred.[%" PRIu32 "].weight", elem, k);
    }
    if ((rc = read_tolerations(scn, elem, ps, err, err_len)) != 0 ||
        (rc = read_pod_terms(scn, elem, "pod_affinity", ps->affinity_required, &ps->n_affinity_required,
                             ps->affinity_preferred, &ps->n_affinity_preferred, err, err_len)) != 0 ||
        (rc = read_pod_terms(scn, elem, "pod_anti_affinity", ps->anti_required, &ps->n_anti_required,
                             ps->anti_preferred, &ps->n_anti_preferred, err, err_len)) != 0)
        return rc;
    ps->n_spread = (uint32_t)scn_list_len(scn, "%s.topology_spread_constraints", elem);
    for (uint32_t k = 0; k < ps->n_spread; k++) {
        k8s_spread_constraint *c = &ps->spread[k];
        c->max_skew = (int32_t)scn_int(scn, "%s.topology_spread_constraints.[%" PRIu32 "].max_skew", elem, k);
        snprintf(c->topology_key, sizeof c->topology_key, "%s",
                 scn_string(scn, "%s.topology_spread_constraints.[%" PRIu32 "].topology_key", elem, k));
        c->when_unsatisfiable = (k8s_unsatisfiable)scn_enum(
            scn, "%s.topology_spread_constraints.[%" PRIu32 "].when_unsatisfiable", elem, k);
        snprintf(key, sizeof key, "%s.topology_spread_constraints.[%" PRIu32 "].selector", elem, k);
        if (scn_string(scn, "%s", key)[0] == '\0')
            k8s_selector_add(&c->match, "app", K8S_OP_IN, k8s_labels_get(&ps->labels, "app"));
        else if ((rc = read_selector(scn, key, &c->match, err, err_len)) != 0)
            return rc;
    }
    k8s_container *ct = &ps->containers[0];
    snprintf(ct->image, sizeof ct->image, "%s", scn_string(scn, "%s.image", elem));
    /* milli-GPU: 0.5 GPU = 500 (k8s_objects.h); llround keeps 0.1 at 100. */
    double gpus = scn_float(scn, "%s.gpu_request", elem);
    ct->requests.v[K8S_GPU] = (int64_t)llround(gpus * 1000.0);
    snprintf(key, sizeof key, "%s.gpu_request", elem);
    if (gpus > 0 && ct->requests.v[K8S_GPU] == 0)
        return scn_key_error(scn, err, err_len, key, "%g is below 0.001 GPU (expected 0 or at least 0.001)", gpus);
    ct->limits.v[K8S_GPU] = ct->requests.v[K8S_GPU]; /* extended resources: limit = request */
    ct->limits.v[K8S_CPU] = scn_int(scn, "%s.cpu_limit", elem);
    ct->limits.v[K8S_MEMORY] = (int64_t)scn_bytes(scn, "%s.memory_limit", elem);
    snprintf(key, sizeof key, "%s.cpu_limit", elem);
    if (ct->limits.v[K8S_CPU] > 0 && ct->limits.v[K8S_CPU] < ct->requests.v[K8S_CPU])
        return scn_key_error(scn, err, err_len, key, "%" PRId64 " is below cpu_request %" PRId64 " (expected 0 or >= the request)",
                   ct->limits.v[K8S_CPU], ct->requests.v[K8S_CPU]);
    snprintf(key, sizeof key, "%s.memory_limit", elem);
    if (ct->limits.v[K8S_MEMORY] > 0 && ct->limits.v[K8S_MEMORY] < ct->requests.v[K8S_MEMORY])
        return scn_key_error(scn, err, err_len, key, "%" PRId64 " bytes is below memory_request %" PRId64
                   " (expected 0 or >= the request)", ct->limits.v[K8S_MEMORY], ct->requests.v[K8S_MEMORY]);
    return 0;
}

/* ---- nodes ---- */

int k8s_node_group_read(const scenario *scn, int g, k8s_node *kn, char *err, size_t err_len)
{
    char key[128], why[256];
    snprintf(key, sizeof key, "kubernetes.node_groups.[%d].labels", g);
    if (parse_labels(scn_string(scn, "%s", key), &kn->labels, why, sizeof why) != 0)
        return scn_key_error(scn, err, err_len, key, "%s", why);
    snprintf(key, sizeof key, "kubernetes.node_groups.[%d].taints", g);
    const char *taints = scn_string(scn, "%s", key);
    if (taints[0] && split(taints, taint_item, kn, why, sizeof why) != 0)
        return scn_key_error(scn, err, err_len, key, "%s", why);
    kn->allocatable.v[K8S_GPU] = (int64_t)llround(scn_float(scn, "kubernetes.node_groups.[%d].gpus", g) * 1000.0);
    return 0;
}

static int64_t image_size(const scenario *scn, const char *name)
{
    static const char *lists[] = {"kubernetes.deployments", "kubernetes.jobs"};
    for (int l = 0; l < 2; l++)
        for (int i = 0, n = scn_list_len(scn, "%s", lists[l]); i < n; i++)
            if (strcmp(scn_string(scn, "%s.[%d].image", lists[l], i), name) == 0)
                return (int64_t)scn_bytes(scn, "%s.[%d].image_size", lists[l], i);
    return -1;
}

typedef struct image_arg {
    const scenario *scn;
    k8s_snapshot *s;
    uint32_t node;
} image_arg;

static int image_item(const char *a, const char *b, void *arg, char *why, size_t why_len)
{
    image_arg *ia = arg;
    char name[K8S_STR];
    if (take(a, b, name, sizeof name) != 0) {
        snprintf(why, why_len, "an over-long image name");
        return -1;
    }
    int64_t size = image_size(ia->scn, name);
    if (size < 0) {
        snprintf(why, why_len, "'%s' is the image of no deployment or job (expected one of their image names)", name);
        return -1;
    }
    if (k8s_snapshot_node_add_image(ia->s, ia->node, name, size) != 0) {
        snprintf(why, why_len, "more than %d images", K8S_MAX_NODE_IMAGES);
        return -1;
    }
    return 0;
}

int k8s_node_images_read(const scenario *scn, k8s_snapshot *s, const int32_t *node_group, char *err, size_t err_len)
{
    char key[128], why[256];
    for (uint32_t n = 0; n < s->n_nodes; n++) {
        snprintf(key, sizeof key, "kubernetes.node_groups.[%d].images", node_group[n]);
        const char *images = scn_string(scn, "%s", key);
        image_arg ia = {scn, s, n};
        if (images[0] && split(images, image_item, &ia, why, sizeof why) != 0)
            return scn_key_error(scn, err, err_len, key, "%s", why);
    }
    return 0;
}

/* ---- PodDisruptionBudgets ---- */

int k8s_pdbs_read(const scenario *scn, k8s_snapshot *s, char *err, size_t err_len)
{
    char key[128];
    int rc;
    for (int i = 0, n = scn_list_len(scn, "kubernetes.pod_disruption_budgets"); i < n; i++) {
        k8s_pdb pdb;
        memset(&pdb, 0, sizeof pdb);
        snprintf(pdb.namespace_, sizeof pdb.namespace_, "default");
        snprintf(key, sizeof key, "kubernetes.pod_disruption_budgets.[%d].selector", i);
        if ((rc = read_selector(scn, key, &pdb.match, err, err_len)) != 0)
            return rc;
        pdb.min_available = (int32_t)scn_int(scn, "kubernetes.pod_disruption_budgets.[%d].min_available", i);
        pdb.max_unavailable = (int32_t)scn_int(scn, "kubernetes.pod_disruption_budgets.[%d].max_unavailable", i);
        snprintf(key, sizeof key, "kubernetes.pod_disruption_budgets.[%d]", i);
        if ((pdb.min_available >= 0) == (pdb.max_unavailable >= 0))
            return scn_key_error(scn, err, err_len, key, "%s (expected exactly one of min_available and max_unavailable)",
                       pdb.min_available >= 0 ? "both min_available and max_unavailable" : "neither min_available "
                       "nor max_unavailable");
        k8s_snapshot_add_pdb(s, &pdb);
    }
    return 0;
}

void k8s_pdbs_refresh(k8s_control *c)
{
    k8s_snapshot *s = &c->snap;
    for (uint32_t i = 0; i < s->n_pdbs; i++) {
        k8s_pdb *pdb = &s->pdbs[i];
        int32_t healthy = 0, expected = 0;
        for (uint32_t id = 0; id < c->n_pods; id++) {
            const k8s_rpod *p = &c->pods[id];
            healthy += p->phase == K8S_POD_RUNNING &&
                       k8s_selector_matches(&pdb->match, &c->sh->workloads[p->workload].pod.labels);
        }
        for (uint32_t w = 0; w < c->sh->n_workloads && pdb->max_unavailable >= 0; w++) {
            const k8s_workload_spec *ws = &c->sh->workloads[w];
            if (k8s_selector_matches(&pdb->match, &ws->pod.labels))
                expected += ws->kind == K8S_JOB ? ws->parallelism : c->wl[w].replicas;
        }
        int32_t desired = pdb->min_available >= 0 ? pdb->min_available : expected - pdb->max_unavailable;
        if (desired < 0)
            desired = 0;
        pdb->disruptions_allowed = healthy > desired ? healthy - desired : 0;
    }
}
