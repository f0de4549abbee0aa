/* test_policies.c - the policy registries (models/policies/): every
 * registry agrees, name for name and in order, with the enum of the
 * scenario key that selects its policies (and the HA admission registry
 * with the C enum ha_policy); policy arguments are read from the scenario
 * with their defaults, types and ranges; a table added at run time becomes
 * a valid scenario value, and a second table of the same name is refused. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/placement.h"
#include "models/kubernetes/k8s_profile_config.h"
#include "models/kubernetes/plugins/k8s_plugin_example.h"
#include "models/policies/policy_args.h"
#include "models/policies/registry.h"
#include "models/vsphere/ha_admission.h"
#include "scenario/schema.h"
#include "tests/check.h"

/* "a|b|c" == the registry's built-in names in order. */
static void check_registry_matches_enum(const policy_registry *r)
{
    const scn_key *key = scn_schema_find(r->schema_key);
    CHECK(key != NULL && key->type == SCN_ENUM && (key->flags & SCN_PLUGGABLE));
    CHECK(scn_schema_find(r->args_key) != NULL && (scn_schema_find(r->args_key)->flags & SCN_OPEN));
    if (key == NULL)
        return;
    char joined[1024] = "";
    size_t n = 0;
    for (uint32_t i = 0; i < r->n_builtin; i++) {
        vdcsim_policy_info info = policy_info(r, r->builtin[i]);
        n += (size_t)snprintf(joined + n, sizeof joined - n, "%s%s", i ? "|" : "", info.name);
        char why[256] = "";
        CHECK(policy_info_check(&info, why, sizeof why) == 0);
        if (why[0])
            fprintf(stderr, "%s: %s\n", r->name, why);
    }
    if (strcmp(joined, key->enum_values) != 0)
        fprintf(stderr, "registry %s lists '%s', %s accepts '%s'\n", r->name, joined, r->schema_key,
                key->enum_values);
    CHECK(strcmp(joined, key->enum_values) == 0);
}

typedef struct test_args {
    double ratio;
    int64_t count;
    int flag;
} test_args;

static const vdcsim_arg test_arg_rows[] = {
    {.name = "ratio", .type = VDCSIM_ARG_FLOAT, .offset = offsetof(test_args, ratio), .default_value = 0.5,
     .min = 0, .max = 1, .doc = "A fraction."},
    {.name = "count", .type = VDCSIM_ARG_INT, .offset = offsetof(test_args, count), .default_value = 3, .min = 1,
     .max = 10, .doc = "A count."},
    {.name = "flag", .type = VDCSIM_ARG_BOOL, .offset = offsetof(test_args, flag), .default_value = 0,
     .doc = "A switch."},
};

/* Chooses the last host that fits. */
static int32_t last_fit(const vdcsim_placement_call *call)
{
    for (uint32_t i = call->n_hosts; i-- > 0;)
        if (call->fits(&call->hosts[i], call->req))
            return (int32_t)i;
    return -1;
}

static const vdcsim_placement_policy test_policy = {
    .info = {.name = "test_last_fit", .doc = "Test policy.", .args = test_arg_rows, .n_args = 3,
             .args_size = sizeof(test_args)},
    .choose = last_fit,
};

static scenario *load(const char *placement, char *err, size_t n)
{
    char text[512];
    snprintf(text, sizeof text, "hosts = ( { name = \"h\"; } );\nplacement = {\n%s\n};\n", placement);
    return scenario_load_string(text, "p.cfg", NULL, 0, err, n);
}

/* docs/policy-reference.md is what `vdcsim policies` prints. */
static void check_reference_current(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    CHECK(mem != NULL);
    if (mem == NULL)
        return;
    policy_write_reference(mem);
    fclose(mem);
    FILE *f = fopen(VDCSIM_SOURCE_DIR "/docs/policy-reference.md", "r");
    char *doc = calloc(1, len + 2);
    size_t got = f && doc ? fread(doc, 1, len + 1, f) : 0;
    int same = got == len && doc && memcmp(doc, text, len) == 0;
    if (!same)
        fprintf(stderr, "docs/policy-reference.md is stale: build/vdcsim policies > docs/policy-reference.md\n");
    CHECK(same);
    if (f)
        fclose(f);
    free(doc);
    free(text);
}

int main(void)
{
    check_reference_current();
    uint32_t n;
    policy_registry *const *all = policy_registries(&n);
    CHECK_INT_EQ(n, 5);
    for (uint32_t i = 0; i < n; i++)
        check_registry_matches_enum(all[i]);

    /* The HA admission policies the controller runs itself (NULL admit)
     * come first, in ha_policy order; any later one has its callback. */
    const policy_registry *ha = policy_registry_of(VDCSIM_POLICY_HA_ADMISSION);
    CHECK(ha->n_builtin >= (uint32_t)HA_POLICY_DISABLED + 1);
    for (uint32_t i = 0; i < ha->n_builtin; i++) {
        const vdcsim_ha_admission_policy *t = ha->builtin[i];
        ha_policy p;
        if (i <= (uint32_t)HA_POLICY_DISABLED)
            CHECK(t->admit == NULL && ha_policy_parse(t->info.name, &p) == 0 && (uint32_t)p == i);
        else
            CHECK(t->admit != NULL);
    }

    /* Adding a table makes its name valid where its registry is selected. */
    char err[512] = "", why[256] = "";
    policy_registry *pr = policy_registry_of(VDCSIM_POLICY_PLACEMENT);
    scenario *s = load("policy = \"test_last_fit\";", err, sizeof err);
    CHECK(s == NULL && strstr(err, "p.cfg:3: key 'placement.policy': 'test_last_fit' is not a valid value") != NULL);
    scenario_free(s);
    CHECK_INT_EQ(policy_add(pr, &test_policy, "test", why, sizeof why), 0);
    CHECK_INT_EQ(policy_add(pr, &test_policy, "test", why, sizeof why), -1);
    CHECK(strstr(why, "already taken") != NULL);
    CHECK(policy_lookup(pr, "test_last_fit") == &test_policy);
    CHECK_INT_EQ(policy_index(pr, &test_policy), (int32_t)pr->n_builtin); /* after the built-in ones */

    /* Its arguments: defaults, then the scenario's; the chosen policy runs. */
    s = load("policy = \"test_last_fit\";\nargs = { count = 7; ratio = 1; };", err, sizeof err);
    CHECK(s != NULL);
    if (s == NULL)
        fprintf(stderr, "%s\n", err);
    placement_choice pc;
    CHECK_INT_EQ(placement_choice_read(s, VDCSIM_POLICY_PLACEMENT, "placement.policy", "placement.args", &pc, err,
                                       sizeof err),
                 0);
    const test_args *a = (const test_args *)pc.args.bytes;
    CHECK(pc.policy == &test_policy && a->count == 7 && a->ratio == 1.0 && a->flag == 0);
    placement_host_view hosts[3] = {{.logical_cpus = 4, .memory_mib = 100, .usable = 1},
                                    {.logical_cpus = 4, .memory_mib = 100, .usable = 1},
                                    {.logical_cpus = 4, .memory_mib = 10, .usable = 1}};
    placement_request req = {.vcpus = 1, .memory_mib = 50, .host_group = -1};
    CHECK_INT_EQ(placement_choose(&pc, hosts, 3, &req, NULL), 1); /* host 2 is too small */
    scenario_free(s);

    /* Bad arguments name the file, line and key. */
    static const struct {
        const char *args, *want;
    } bad[] = {
        {"args = { counts = 2; };", "p.cfg:4: key 'placement.args.counts': unknown argument of policy 'test_last_fit' "
                                    "(expected one of: ratio, count, flag)"},
        {"args = { count = 11; };", "p.cfg:4: key 'placement.args.count': 11 is out of range (expected an integer "
                                    "from 1 to 10)"},
        {"args = { count = 2.5; };", "p.cfg:4: key 'placement.args.count': wrong type"},
        {"args = { flag = 1; };", "p.cfg:4: key 'placement.args.flag': wrong type"},
        {"args = { ratio = -0.1; };", "p.cfg:4: key 'placement.args.ratio': -0.1 is out of range"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "policy = \"test_last_fit\";\n%s", bad[i].args);
        s = load(text, err, sizeof err);
        CHECK(s != NULL);
        if (s == NULL)
            continue;
        CHECK_INT_EQ(placement_choice_read(s, VDCSIM_POLICY_PLACEMENT, "placement.policy", "placement.args", &pc,
                                           err, sizeof err),
                     -2);
        if (strstr(err, bad[i].want) == NULL)
            fprintf(stderr, "got '%s', want '%s'\n", err, bad[i].want);
        CHECK(strstr(err, bad[i].want) != NULL);
        scenario_free(s);
    }
    /* A policy without arguments takes none. */
    s = load("policy = \"first_fit\";\nargs = { x = 1; };", err, sizeof err);
    CHECK(s != NULL &&
          placement_choice_read(s, VDCSIM_POLICY_PLACEMENT, "placement.policy", "placement.args", &pc, err,
                                sizeof err) == -2 &&
          strstr(err, "p.cfg:4: key 'placement.args.x': unknown argument: policy 'first_fit' takes no arguments"));
    scenario_free(s);

    /* kube-scheduler plugins take their arguments from the scenario too. */
    static k8s_scheduler_config kcfg;
    static const char k8s_text[] =
        "hosts = ( { name = \"h\"; } );\nkubernetes = { scheduler = { profiles = ( {\n"
        "  plugins = ( { name = \"PowerAware\"; weight = 5; args = { %s }; } ); } ); }; };\n";
    char text[512];
    snprintf(text, sizeof text, k8s_text, "idle_watts = 80.0;");
    s = scenario_load_string(text, "k.cfg", NULL, 0, err, sizeof err);
    CHECK(s != NULL && k8s_scheduler_config_from_scenario(s, &kcfg, err, sizeof err) == 0);
    int32_t at = k8s_profile_find(&kcfg.profiles[0], "PowerAware");
    CHECK(at >= 0);
    if (at >= 0) {
        k8s_cycle cyc = {.profile = &kcfg.profiles[0], .self = (uint32_t)at};
        const k8s_power_aware_args *pa = k8s_cycle_args(&cyc);
        CHECK(pa != NULL && pa->idle_watts == 80.0 && pa->max_watts == 300.0); /* max_watts: its default */
    }
    scenario_free(s);
    snprintf(text, sizeof text, k8s_text, "idle_watt = 80.0;");
    s = scenario_load_string(text, "k.cfg", NULL, 0, err, sizeof err);
    CHECK(s != NULL && k8s_scheduler_config_from_scenario(s, &kcfg, err, sizeof err) != 0 &&
          strstr(err, "k.cfg:3: key 'kubernetes.scheduler.profiles.[0].plugins.[0].args.idle_watt': unknown argument "
                      "of policy 'PowerAware' (expected one of: idle_watts, max_watts)") != NULL);
    scenario_free(s);

    /* A declaration that does not fit its struct is refused. */
    vdcsim_arg wide = test_arg_rows[1];
    wide.offset = sizeof(test_args);
    vdcsim_policy_info info = {.name = "w", .doc = "d", .args = &wide, .n_args = 1, .args_size = sizeof(test_args)};
    CHECK_INT_EQ(policy_info_check(&info, why, sizeof why), -1);

    /* Defaults beyond int64_t: an integer's is refused (its conversion would
     * be undefined); a float's is kept as it is, never converted. */
    vdcsim_arg big[2] = {test_arg_rows[0], test_arg_rows[1]};
    big[0].default_value = 1e30;
    big[0].max = 1e300;
    big[1].default_value = 1e19;
    big[1].max = 1e20;
    info = (vdcsim_policy_info){.name = "b", .doc = "d", .args = big, .n_args = 1, .args_size = sizeof(test_args)};
    CHECK_INT_EQ(policy_info_check(&info, why, sizeof why), 0);
    policy_args pa;
    policy_args_defaults(&info, &pa);
    double ratio;
    memcpy(&ratio, pa.bytes + offsetof(test_args, ratio), sizeof ratio);
    CHECK(ratio == 1e30);
    info.n_args = 2;
    CHECK_INT_EQ(policy_info_check(&info, why, sizeof why), -1);
    CHECK(strcmp(why, "policy 'b': argument 'count' default 1e+19 does not fit a 64-bit integer") == 0);
    return CHECK_DONE();
}
