/* test_props_cluster.c - the cluster built-ins (issue 17, item 3;
 * docs/properties.md, "Built-in properties") on hand-built cluster series,
 * checked by the offline evaluator (clusters are verify-only). Times in ns;
 * the run ends at 100.
 *
 * ha_admission: forall cluster: G (cluster.hosts_up >= cluster.hosts ->
 * cluster.failover_capacity >= cluster.failover_level).
 *  gold: 4 hosts, failover_level 1. hosts_up 4, 3 from 30 (a host fails),
 *        4 from 50. failover_capacity 1, 0 from 40, 1 from 60. On [40,50)
 *        the capacity is short while a host is down: the premise is false,
 *        no violation (the failure used the capacity). On [50,60) all hosts
 *        are up and the capacity 0 < 1: one violation at 50, witness
 *        hosts_up=4, hosts=4, capacity=0, level=1.
 *  thin: 3 hosts, failover_level 2, all up. failover_capacity NaN on [0,5)
 *        (no sample yet: pending), 2 from 5, 1 from 70 (a power-on admitted
 *        beyond the policy): one violation at 70, witness capacity=1.
 *  off:  2 hosts, HA off (failover_level 0), capacity 0 throughout: holds.
 * Result: 3 entities, 2 violations, 1 pending. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/props_builtin.h"
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
    {{0, 2}, {-1, 0}},
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
    default: snprintf(err, len, "no atom %d", (int)a); return -1;
    }
}

static const props_source source = {
    .ctx = NULL, .end_ns = END, .count = count, .describe = describe, .signal = signal};

static void check_offline(const props_spec *spec, long entities, long violations, long pending, int n_exp,
                          const props_violation *exp)
{
    props_builtin_params params = {.ha_deadline_ns = 16, .sample_period_ns = 5};
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
        {50, -1, "gold", "cluster.hosts_up=4, cluster.hosts=4, cluster.failover_capacity=0, cluster.failover_level=1"},
        {70, -1, "thin", "cluster.hosts_up=3, cluster.hosts=3, cluster.failover_capacity=1, cluster.failover_level=2"},
    };
    check_offline(&admission, 3, 2, 1, 2, adm_exp);

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
