/* test_k8s_profile_config.c - scheduler profiles from scenario keys. */
#include "models/kubernetes/plugins/k8s_plugins.h"
#include "models/kubernetes/k8s_profile_config.h"
#include "scenario/schema.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>

static k8s_scheduler_config cfg;

static scenario *load(const char *text, char *err, size_t n)
{
    return scenario_load_string(text, "k8s.cfg", NULL, 0, err, n);
}

int main(void)
{
    char err[512] = "";
    /* no kubernetes keys: the default profile */
    scenario *s = load("hosts = ( { name = \"h\"; } );\n", err, sizeof err);
    CHECK(s != NULL);
    CHECK_INT_EQ(k8s_scheduler_config_from_scenario(s, &cfg, err, sizeof err), 0);
    CHECK_INT_EQ(cfg.n_profiles, 1);
    CHECK_INT_EQ(cfg.profiles[0].n_plugins, 9);
    CHECK_INT_EQ(cfg.pod_initial_backoff_ns, 1000000000LL);
    CHECK_INT_EQ(cfg.pod_max_backoff_ns, 10000000000LL);
    CHECK_INT_EQ(cfg.profiles[0].cost.base_ns, 200000);
    CHECK_INT_EQ(cfg.profiles[0].cost.score_per_node_plugin_ns, 2000);
    CHECK_INT_EQ(cfg.profiles[0].hard_pod_affinity_weight, 1);
    CHECK_INT_EQ(cfg.profiles[0].min_candidate_nodes_absolute, 100);
    CHECK_INT_EQ(cfg.profiles[0].version, K8S_VERSION_NEWEST); /* issue 14 item 5: the newest by default */
    CHECK_INT_EQ(K8S_VERSION_NEWEST, 36);
    scenario_free(s);

    /* two profiles: re-weighting, removing, adding, bin packing */
    s = load("hosts = ( { name = \"h\"; } );\n"
             "kubernetes = { scheduler = {\n"
             "  percentage_of_nodes_to_score = 30; cost = { cycle = \"1ms\"; };\n"
             "  profiles = (\n"
             "    { scheduler_name = \"default-scheduler\";\n"
             "      plugins = ( { name = \"TaintToleration\"; weight = 7; },\n"
             "                  { name = \"ImageLocality\"; enabled = false; },\n"
             "                  { name = \"PowerAware\"; weight = 5; } ); },\n"
             "    { scheduler_name = \"bin-packing\"; disable_default_plugins = true; preemption = false;\n"
             "      version = \"1.35\";\n"
             "      plugins = ( { name = \"NodeResourcesFit\"; } );\n"
             "      scoring_strategy = { type = \"RequestedToCapacityRatio\"; cpu_weight = 3; memory_weight = 1;\n"
             "        shape = ( { utilization = 0; score = 0; }, { utilization = 100; score = 10; } ); }; }\n"
             "  );\n"
             "}; };\n",
             err, sizeof err);
    CHECK(s != NULL);
    if (s == NULL)
        fprintf(stderr, "%s\n", err);
    CHECK_INT_EQ(k8s_scheduler_config_from_scenario(s, &cfg, err, sizeof err), 0);
    CHECK_INT_EQ(cfg.n_profiles, 2);
    const k8s_profile *p = &cfg.profiles[0];
    CHECK_INT_EQ(p->percentage_of_nodes_to_score, 30);
    CHECK_INT_EQ(p->cost.base_ns, 1000000);
    CHECK_INT_EQ(p->plugins[k8s_profile_find(p, "TaintToleration")].weight, 7);
    CHECK_INT_EQ(k8s_profile_find(p, "TaintToleration"), 2); /* kept in place */
    CHECK_INT_EQ(k8s_profile_find(p, "ImageLocality"), -1);
    CHECK_INT_EQ(k8s_profile_find(p, "PowerAware"), 8);       /* appended */
    CHECK_INT_EQ(p->plugins[8].weight, 5);
    CHECK(p->preemption);
    p = &cfg.profiles[1];
    CHECK_STR_CONTAINS(p->scheduler_name, "bin-packing");
    CHECK_INT_EQ(p->n_plugins, 1);
    CHECK_INT_EQ(p->plugins[0].weight, 1);
    CHECK(!p->preemption);
    CHECK_INT_EQ(p->version, K8S_VERSION_1_35);
    CHECK_INT_EQ(cfg.profiles[0].version, K8S_VERSION_1_36);
    CHECK_INT_EQ(p->fit.type, K8S_REQUESTED_TO_CAPACITY_RATIO);
    CHECK_INT_EQ(p->fit.weight[K8S_CPU], 3);
    CHECK_INT_EQ(p->fit.n_shape, 2);
    CHECK_INT_EQ(p->fit.shape[1].score, 10);
    scenario_free(s);

    /* an unknown plugin name: the loader refuses it with file and line */
    s = load("hosts = ( { name = \"h\"; } );\n"
             "kubernetes = { scheduler = { profiles = (\n"
             "  { plugins = ( { name = \"NodeResourcesFit\"; },\n"
             "                { name = \"NoSuchPlugin\"; } ); } ); }; };\n",
             err, sizeof err);
    CHECK(s == NULL);
    CHECK_STR_CONTAINS(err, "k8s.cfg:4: key 'kubernetes.scheduler.profiles.[0].plugins.[1].name'");
    CHECK_STR_CONTAINS(err, "PowerAware");

    /* shape points must increase */
    s = load("hosts = ( { name = \"h\"; } );\n"
             "kubernetes = { scheduler = { profiles = ( { scoring_strategy = {\n"
             "  type = \"RequestedToCapacityRatio\";\n"
             "  shape = ( { utilization = 50; score = 5; }, { utilization = 50; score = 10; } ); }; } ); }; };\n",
             err, sizeof err);
    CHECK(s != NULL);
    CHECK_INT_EQ(k8s_scheduler_config_from_scenario(s, &cfg, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, "shape.[1].utilization");
    scenario_free(s);

    /* every registered plugin is a valid name in the scenario, and back */
    const scn_key *k = scn_schema_find("kubernetes.scheduler.profiles.[].plugins.[].name");
    CHECK(k != NULL);
    uint32_t n_names = 1;
    for (const char *c = k->enum_values; *c; c++)
        n_names += *c == '|';
    CHECK_INT_EQ(n_names, k8s_plugin_count());
    for (uint32_t i = 0; i < k8s_plugin_count(); i++) {
        char needle[96];
        const char *name = k8s_plugin_at(i)->name;
        size_t len = strlen(name);
        snprintf(needle, sizeof needle, "|%s|", name);
        char hay[1024];
        snprintf(hay, sizeof hay, "|%s|", k->enum_values);
        CHECK(strstr(hay, needle) != NULL && len > 0);
    }
    return CHECK_DONE();
}
