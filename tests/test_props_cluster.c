/* test_props_cluster.c - the cluster built-ins (issue 17, item 3;
 * docs/properties.md, "Built-in properties") on hand-built cluster series,
 * checked by the offline evaluator (clusters are verify-only). Times in ns;
 * the run ends at 100.
 *
 * ha_admission: forall cluster: G ((cluster.failover_level > 0 &&
 * cluster.hosts_up >= cluster.hosts) -> cluster.failover_capacity >=
 * cluster.failover_level).
 *  gold: 4 hosts, failover_level 1. hosts_up 4, 3 from 30 (a host fails),
 *        4 from 50. failover_capacity 1, 0 from 40, 1 from 60. On [40,50)
 *        the capacity is short while a host is down: the premise is false,
 *        no violation (the failure used the capacity). On [50,60) all hosts
 *        are up and the capacity 0 < 1: one violation at 50, witness
 *        level=1, hosts_up=4, hosts=4, capacity=0.
 *  thin: 3 hosts, failover_level 2, all up. failover_capacity NaN on [0,5)
 *        (no sample yet: pending), 2 from 5, 1 from 70 (a power-on admitted
 *        beyond the policy): one violation at 70, witness capacity=1.
 *  off:  2 hosts, HA off (failover_level 0: no promise), capacity 0
 *        throughout: holds.
 * Result: 3 entities, 2 violations, 1 pending.
 *
 * drs_convergence, 3 passes of 10 ns: forall cluster: G
 * (cluster.hosts_changed -> F[<=30ns] cluster.imbalance <=
 * cluster.imbalance_target); hosts_changed and imbalance_target derived from
 * hosts_up by props_cluster.c; target (5 - T) / (10 sqrt(H)).
 *  gold: T 3, DRS on. Disturbances at 30 (4 -> 3 hosts) and 50 (3 -> 4).
 *        Imbalance 0.05, 0.3 from 30, 0.08 from 45, 0.25 from 50. At 30
 *        the target is 2 / (10 sqrt 3) = 0.11547 on [30, 50): 0.08 at 45 is
 *        within [30, 60]: holds. At 50 the target is 2 / (10 x 2) = 0.1 and
 *        the imbalance 0.25 through [50, 80]: violation at 80, obligation 50,
 *        witness hosts_changed=true, imbalance=0.25, target=0.1.
 *  thin: no disturbance (hosts_up constant): holds.
 *  off:  T 3, hosts_up 2, 1 from 90; imbalance 0.5 > 2 / 10 = 0.2 on
 *        [90, 100) and the deadline 120 is past the end: pending.
 * Result: 3 entities, 1 violation, 1 pending. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/props_builtin.h"
#include "analysis/props_cluster.h"
#include "analysis/props_eval.h"
#include "analysis/props_file.h"
#include "check.h"

#define END 100
#define N_CLUSTERS 3

typedef struct step {
    int64_t t;
    double v;
} step;

static const char *const names[N_CLUSTERS] = {"gold", "thin", "off"};
static const double hosts[N_CLUSTERS] = {4, 3, 2};
static const double level[N_CLUSTERS] = {1, 2, 0};
static const step hosts_up[N_CLUSTERS][4] = {
    {{0, 4}, {30, 3}, {50, 4}, {-1, 0}},
    {{0, 3}, {-1, 0}},
    {{0, 2}, {90, 1}, {-1, 0}},
};
static const int threshold[N_CLUSTERS] = {3, 1, 3};
static const step imbalance[N_CLUSTERS][5] = {
    {{0, 0.05}, {30, 0.3}, {45, 0.08}, {50, 0.25}, {-1, 0}},
    {{0, 0.9}, {-1, 0}},
    {{0, 0.5}, {-1, 0}},
};
static const step capacity[N_CLUSTERS][4] = {
    {{0, 1}, {40, 0}, {60, 1}, {-1, 0}},
    {{0, NAN}, {5, 2}, {70, 1}, {-1, 0}},
    {{0, 0}, {-1, 0}},
};

static long count(void *ctx, props_kind k, char *err, size_t len)
{
    (void)ctx;
    (void)err;
    (void)len;
    return k == PK_CLUSTER ? N_CLUSTERS : 0;
}

static int describe(void *ctx, props_kind k, size_t row, char *name, size_t nl, char *group, size_t gl, char *err,
                    size_t el)
{
    (void)ctx;
    (void)k;
    (void)err;
    (void)el;
    snprintf(name, nl, "%s", names[row]);
    snprintf(group, gl, "%s", "");
    return 0;
}

static int push_steps(const step *s, ps_signal *out)
{
    for (int i = 0; s[i].t >= 0; i++)
        if (ps_push(out, s[i].t, s[i].v) != 0)
            return -1;
    return 0;
}

static int signal(void *ctx, props_atom a, size_t row, ps_signal *out, char *err, size_t len)
{
    (void)ctx;
    ps_init(out, END);
    switch (a) {
    case PA_CLUSTER_HOSTS: return ps_push(out, 0, hosts[row]);
    case PA_CLUSTER_FAILOVER_LEVEL: return ps_push(out, 0, level[row]);
    case PA_CLUSTER_HOSTS_UP: return push_steps(hosts_up[row], out);
    case PA_CLUSTER_FAILOVER_CAPACITY: return push_steps(capacity[row], out);
    case PA_CLUSTER_IMBALANCE: return push_steps(imbalance[row], out);
    case PA_CLUSTER_IMBALANCE_TARGET:
    case PA_CLUSTER_HOSTS_CHANGED: {
        ps_signal up;
        ps_init(&up, END);
        int rc = push_steps(hosts_up[row], &up);
        ps_free(out);
        if (rc == 0)
            rc = a == PA_CLUSTER_HOSTS_CHANGED ? props_cluster_changes(&up, 1, out)
                                               : props_cluster_target(&up, threshold[row], out);
        ps_free(&up);
        return rc;
    }
    default: snprintf(err, len, "no atom %d", (int)a); return -1;
    }
}

static const props_source source = {
    .ctx = NULL, .end_ns = END, .count = count, .describe = describe, .signal = signal};

static void check_offline(const props_spec *spec, long entities, long violations, long pending, int n_exp,
                          const props_violation *exp)
{
    props_builtin_params params = {.ha_deadline_ns = 16, .sample_period_ns = 5, .drs_convergence_ns = 30};
    props_list list = {0};
    const char *bad_key = NULL;
    char why[512], err[256];
    int rc = props_list_add(&list, spec, &params, &bad_key, why, sizeof why);
    CHECK_INT_EQ(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "  %s\n", why);
        return;
    }
    props_result got;
    CHECK_INT_EQ(props_evaluate(list.items[0].ast, &source, &got, err, sizeof err), 0);
    if (got.violations != violations || got.pending != pending)
        fprintf(stderr, "  %s: %ld violations, %ld pending\n", list.items[0].name, got.violations, got.pending);
    CHECK_INT_EQ(got.entities, entities);
    CHECK_INT_EQ(got.violations, violations);
    CHECK_INT_EQ(got.pending, pending);
    CHECK_INT_EQ(got.n_shown, n_exp);
    for (int i = 0; i < n_exp && i < got.n_shown; i++) {
        CHECK_INT_EQ(got.shown[i].time_ns, exp[i].time_ns);
        CHECK_INT_EQ(got.shown[i].obligation_ns, exp[i].obligation_ns);
        CHECK(strcmp(got.shown[i].entity, exp[i].entity) == 0);
        if (strcmp(got.shown[i].witness, exp[i].witness) != 0)
            fprintf(stderr, "  %s: witness '%s', expected '%s'\n", list.items[0].name, got.shown[i].witness,
                    exp[i].witness);
        CHECK(strcmp(got.shown[i].witness, exp[i].witness) == 0);
    }
    props_list_free(&list);
}

int main(void)
{
    props_spec admission = {.builtin = "ha_admission", .line = 1};
    props_violation adm_exp[] = {
        {50, -1, "gold", "cluster.failover_level=1, cluster.hosts_up=4, cluster.hosts=4, cluster.failover_capacity=0"},
        {70, -1, "thin", "cluster.failover_level=2, cluster.hosts_up=3, cluster.hosts=3, cluster.failover_capacity=1"},
    };
    check_offline(&admission, 3, 2, 1, 2, adm_exp);

    props_spec convergence = {.builtin = "drs_convergence", .line = 1};
    props_violation conv_exp[] = {
        {80, 50, "gold", "cluster.hosts_changed=true, cluster.imbalance=0.25, cluster.imbalance_target=0.1"},
    };
    check_offline(&convergence, 3, 1, 1, 1, conv_exp);

    /* The derivations on their own: NaN -> value is no change, DRS off
     * promises nothing, threshold 1 has an infinite target, T 5 a zero one. */
    ps_signal up, out;
    ps_init(&up, END);
    ps_push(&up, 0, NAN);
    ps_push(&up, 5, 4);
    ps_push(&up, 20, 9);
    CHECK_INT_EQ(props_cluster_changes(&up, 1, &out), 0);
    CHECK_INT_EQ((long)out.n, 3); /* 0, 1 at 20, 0 from 21 */
    CHECK(ps_at(&out, 19) == 0 && ps_at(&out, 20) == 1 && ps_at(&out, 21) == 0);
    ps_free(&out);
    CHECK_INT_EQ(props_cluster_changes(&up, 0, &out), 0);
    CHECK_INT_EQ((long)out.n, 1);
    CHECK(ps_at(&out, 20) == 0);
    ps_free(&out);
    CHECK_INT_EQ(props_cluster_target(&up, 1, &out), 0);
    CHECK(isnan(ps_at(&out, 0)) && isinf(ps_at(&out, 5)));
    ps_free(&out);
    CHECK_INT_EQ(props_cluster_target(&up, 4, &out), 0); /* 1 / (10 x 3) */
    CHECK(fabs(ps_at(&out, 20) - 1.0 / 30.0) < 1e-15);
    ps_free(&out);
    CHECK_INT_EQ(props_cluster_target(&up, 5, &out), 0);
    CHECK(ps_at(&out, 5) == 0);
    ps_free(&out);
    ps_free(&up);

    /* 'cluster' is a kind of the language; its atoms need 'forall cluster' */
    char err[256];
    props_node *n = props_parse("forall cluster: G cluster.failover_capacity >= 1", err, sizeof err);
    CHECK(n != NULL);
    props_free(n);
    n = props_parse("forall host: G cluster.failover_capacity >= 1", err, sizeof err);
    CHECK(n == NULL);
    CHECK(strstr(err, "forall cluster") != NULL);
    props_free(n);
    return CHECK_DONE();
}
