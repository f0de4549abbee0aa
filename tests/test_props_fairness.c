/* test_props_fairness.c - proportional-share fairness (issue 17, item 3;
 * docs/properties.md, "Proportional-share fairness"): host.cpu_share_error
 * and the built-in cpu_fairness.
 *  1. the pair check (props_fairness.h) on allocations worked by hand: a
 *     fair 2:1 split, the reservation and limit exemptions (and what the
 *     reservation case would give without its exemption), a deliberately
 *     unfair split with its witness, starvation, ties, the witness log;
 *  2. runs: one host of 4 x 1 GHz (4000 MHz, no SMT), gold-01 (custom
 *     shares 2000) and bronze-01 (1000), 4 vCPUs each demanding 4 GHz: the
 *     water-filling gives 2/3 and 1/3 of 4000, 2666.67 and 1333.33 MHz (ratio
 *     2 = 2000/1000): cpu_fairness holds; with res-01 added (shares 1000,
 *     reservation 2000 MHz) the level s with 2000 s + 1000 s + 1000 s = 4000
 *     would give res-01 1000 < 2000, so it is lifted to its reservation and
 *     the others share the remaining 2000 as 2:1, 1333.33 and 666.67: res-01
 *     is exempt (E = R) and the property holds;
 *  3. the same run file with bronze-01's entitlement at the 20m sample set
 *     by hand to 8000/3 MHz (an allocation broken on purpose): verify finds
 *     one violation at 20m, p = 8/3 against 4/3 MHz per share, error 1,
 *     witness naming both VMs;
 *  4. verify gives the monitors' violations row for row (a threshold no
 *     allocation meets, `< 0`, gives one at 0 on each host); 1 and 2 threads
 *     give identical files; a run whose properties do not name the quantity
 *     records nothing new, and verify asks for it then (exit 2).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "analysis/props_fairness.h"
#include "analysis/props_file.h"
#include "analysis/props_h5.h"
#include "tests/run_h5.h"

#define CHECK_STR_EQ(got, want)                                                  \
    do {                                                                         \
        const char *g_ = (got), *w_ = (want);                                    \
        int ok_ = strcmp(g_, w_) == 0;                                           \
        if (!ok_)                                                                \
            fprintf(stderr, "  got '%s'\n  want '%s'\n", g_, w_);                \
        check_record(ok_, __FILE__, __LINE__, #got " == " #want);                \
    } while (0)

static pf_vm vm(int64_t id, double shares, double res, double lim, double demand, double received)
{
    return (pf_vm){.id = id, .shares = shares, .reservation_mhz = res, .limit_mhz = lim,
                   .usable_demand_mhz = demand, .received_mhz = received};
}

static double error_of(const pf_vm *v, int n, pf_pair *p)
{
    pf_begin(p);
    for (int i = 0; i < n; i++)
        pf_add(p, &v[i]);
    pf_end(p);
    return p->error;
}

static void test_pairs(void)
{
    pf_pair p;
    /* 2000:1000 on 4000 MHz: 8000/3 and 4000/3 */
    pf_vm fair[] = {vm(0, 2000, 0, INFINITY, 4000, 8000.0 / 3), vm(1, 1000, 0, INFINITY, 4000, 4000.0 / 3)};
    CHECK_NEAR(error_of(fair, 2, &p), 0, 0);
    CHECK_INT_EQ(p.contending, 2);
    /* reservation: res-01 lifted to 2000 (E = R): exempt; the others 2:1 */
    pf_vm lifted[] = {vm(0, 2000, 0, INFINITY, 4000, 4000.0 / 3), vm(1, 1000, 0, INFINITY, 4000, 2000.0 / 3),
                      vm(2, 1000, 2000, INFINITY, 4000, 2000)};
    CHECK_NEAR(error_of(lifted, 3, &p), 0, 0);
    CHECK_INT_EQ(p.contending, 2);
    /* the same allocation without the exemption: 2000/1000 = 2 MHz per
     * share against bronze's (2000/3)/1000 = 2/3: error 2 / (2/3) - 1 = 2 */
    lifted[2].reservation_mhz = 0;
    CHECK_NEAR(error_of(lifted, 3, &p), 2, 1e-12);
    CHECK_INT_EQ(p.more.id, 2);
    CHECK_INT_EQ(p.less.id, 0); /* gold and bronze tie at 2/3: the lowest id */
    /* a reservation below what the VM received does not exempt it */
    lifted[2].reservation_mhz = 1999;
    CHECK_NEAR(error_of(lifted, 3, &p), 2, 1e-12);
    /* limit: capped at 500 (E = L): exempt; one MHz under its limit: not */
    pf_vm capped[] = {vm(0, 1000, 0, INFINITY, 4000, 1750), vm(1, 1000, 0, 500, 4000, 500),
                      vm(2, 1000, 0, INFINITY, 4000, 1750)};
    CHECK_NEAR(error_of(capped, 3, &p), 0, 0);
    capped[1].limit_mhz = 501;
    CHECK_NEAR(error_of(capped, 3, &p), 2.5, 1e-12); /* 1.75 / 0.5 - 1 */
    /* satisfied (D' = E) and vCPU-capped VMs (D' already capped) do not contend */
    pf_vm satisfied[] = {vm(0, 1000, 0, INFINITY, 300, 300), vm(1, 1000, 0, INFINITY, 4000, 3700)};
    CHECK_NEAR(error_of(satisfied, 2, &p), 0, 0);
    CHECK_INT_EQ(p.contending, 1);
    /* broken on purpose: equal MHz for 2000 and 1000 shares: bronze gets 2 MHz
     * per share, gold 1: error 1, bronze "more", gold "less" */
    pf_vm broken[] = {vm(0, 2000, 0, INFINITY, 4000, 2000), vm(1, 1000, 0, INFINITY, 4000, 2000)};
    CHECK_NEAR(error_of(broken, 2, &p), 1, 0);
    char buf[256] = "host.cpu_share_error=1";
    pf_note(&p, "bronze-01", "gold-01", buf, sizeof buf);
    CHECK_STR_EQ(buf, "host.cpu_share_error=1; bronze-01 (shares 1000, received 2000 MHz, demand 4000 MHz) vs "
                      "gold-01 (shares 2000, received 2000 MHz, demand 4000 MHz)");
    /* starvation: nothing for one, something for another: infinite; nothing
     * for all: no ratio, 0; shares 0: no claim */
    pf_vm starved[] = {vm(0, 1000, 0, INFINITY, 4000, 0), vm(1, 1000, 0, INFINITY, 4000, 10)};
    CHECK(isinf(error_of(starved, 2, &p)));
    starved[1].received_mhz = 0;
    CHECK_NEAR(error_of(starved, 2, &p), 0, 0);
    starved[1] = vm(1, 0, 0, INFINITY, 4000, 10);
    CHECK_INT_EQ((error_of(starved, 2, &p), p.contending), 1);
    /* ties go to the lowest id, in whatever order the VMs come */
    pf_vm ties[] = {vm(7, 1000, 0, INFINITY, 4000, 2000), vm(3, 1000, 0, INFINITY, 4000, 2000),
                    vm(5, 1000, 0, INFINITY, 4000, 1000), vm(4, 1000, 0, INFINITY, 4000, 1000)};
    CHECK_NEAR(error_of(ties, 4, &p), 1, 0);
    CHECK_INT_EQ(p.more.id, 3);
    CHECK_INT_EQ(p.less.id, 4);
    /* rounding below 1e-9 reads as 0 */
    pf_vm near[] = {vm(0, 1000, 0, INFINITY, 4000, 1000 * (1 + 1e-12)), vm(1, 1000, 0, INFINITY, 4000, 1000)};
    CHECK_NEAR(error_of(near, 2, &p), 0, 0);
}

/* The witness log: samples at 0 (fair), 10 and 20 (unfair), 30 (fair), 40
 * (fair: no entry), 50 (unfair). */
static void test_log(void)
{
    pf_log l = {0};
    pf_pair fair = {.contending = 2, .error = 0}, bad1 = {.contending = 2, .error = 1},
            bad2 = {.contending = 2, .error = 2};
    CHECK_INT_EQ(pf_log_add(&l, 0, &fair), 0);
    CHECK_INT_EQ((int)l.n, 0);
    CHECK_INT_EQ(pf_log_add(&l, 10, &bad1), 0);
    CHECK_INT_EQ(pf_log_add(&l, 20, &bad2), 0);
    CHECK_INT_EQ(pf_log_add(&l, 30, &fair), 0);
    CHECK_INT_EQ(pf_log_add(&l, 40, &fair), 0);
    CHECK_INT_EQ(pf_log_add(&l, 50, &bad1), 0);
    CHECK_INT_EQ((int)l.n, 4);
    CHECK(pf_log_at(&l, 5) == NULL);
    CHECK_NEAR(pf_log_at(&l, 10)->error, 1, 0);
    CHECK_NEAR(pf_log_at(&l, 19)->error, 1, 0);
    CHECK_NEAR(pf_log_at(&l, 25)->error, 2, 0);
    CHECK(pf_log_at(&l, 30) == NULL);
    CHECK(pf_log_at(&l, 45) == NULL);
    CHECK_NEAR(pf_log_at(&l, 99)->error, 1, 0);
    pf_log_free(&l);
}

#define SIM \
    "simulation = { seed = 1; until = \"1h\"; sample_period = \"5m\"; threads = 1; lookahead = \"1s\"; };\n" \
    "output = { path = \"x.h5\"; per_vm_series = true; };\n"
#define HOSTS(n) \
    "hosts = ( { name = \"esx\"; count = " n "; sockets = 1; cores_per_socket = 4; threads_per_core = 1; cpu = \"1GHz\"; memory = \"64GiB\"; } );\n"
#define GOLD_BRONZE(n) \
    "  { name = \"gold\"; count = " n "; vcpus = 4; memory = \"4GiB\"; cpu_shares = \"custom\"; cpu_shares_custom = 2000; cpu_demand = { kind = \"constant\"; mean = \"4GHz\"; }; },\n" \
    "  { name = \"bronze\"; count = " n "; vcpus = 4; memory = \"4GiB\"; cpu_shares = \"custom\"; cpu_shares_custom = 1000; cpu_demand = { kind = \"constant\"; mean = \"4GHz\"; }; }\n"
#define RES \
    ",  { name = \"res\"; count = 1; vcpus = 4; memory = \"4GiB\"; cpu_shares = \"custom\"; cpu_shares_custom = 1000; cpu_reservation = \"2000MHz\"; cpu_demand = { kind = \"constant\"; mean = \"4GHz\"; }; }\n"
#define PROPS \
    "properties = ( { builtin = \"cpu_fairness\"; },\n" \
    "  { name = \"none_meets\"; formula = \"forall host: G host.cpu_share_error < 0\"; } );\n"

/* /series/vm/<name> at sample row k, VM column v. */
static double cell(hid_t f, const char *name, hsize_t k, hsize_t v)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "/series/vm/%s", name);
    hsize_t dims[2];
    hid_t d = h5r_open_dataset(f, path, 2, dims, err, sizeof err);
    if (d < 0 || k >= dims[0] || v >= dims[1])
        return NAN;
    double *all = malloc(dims[0] * dims[1] * sizeof *all);
    double x = all && h5r_read_rows_f64(d, 0, dims[0], dims[1], all) == 0 ? all[k * dims[1] + v] : NAN;
    free(all);
    H5Dclose(d);
    return x;
}

typedef struct vrow {
    int64_t time_ns, obligation_ns;
    char property[64], entity[128], witness[256];
} vrow;

static int read_violations(hid_t f, vrow *r, int cap)
{
    char err[512];
    hsize_t n = 0;
    hid_t t = h5r_open_dataset(f, "/tables/violations", 1, &n, err, sizeof err);
    if (t < 0 || (int)n > cap)
        return -1;
    for (hsize_t i = 0; i < n; i++)
        if (h5r_table_column_i64(t, "v", "time_ns", i, 1, &r[i].time_ns, err, sizeof err) != 0 ||
            h5r_table_column_i64(t, "v", "obligation_start_ns", i, 1, &r[i].obligation_ns, err, sizeof err) != 0 ||
            h5r_table_column_str(t, "v", "property", i, r[i].property, sizeof r[i].property, err, sizeof err) != 0 ||
            h5r_table_column_str(t, "v", "entity", i, r[i].entity, sizeof r[i].entity, err, sizeof err) != 0 ||
            h5r_table_column_str(t, "v", "witness", i, r[i].witness, sizeof r[i].witness, err, sizeof err) != 0)
            return -1;
    H5Dclose(t);
    return (int)n;
}

typedef struct collected {
    vrow r[16];
    int n;
    long violations[8], pending[8];
} collected;

static void on_violation(void *arg, const props_violation *v)
{
    collected *c = arg;
    if (c->n >= 16)
        return;
    vrow *r = &c->r[c->n++];
    r->time_ns = v->time_ns;
    r->obligation_ns = v->obligation_ns;
    snprintf(r->entity, sizeof r->entity, "%s", v->entity);
    snprintf(r->witness, sizeof r->witness, "%s", v->witness);
}

/* verify's evaluation (props_h5 + the checker) of the properties in cfg on h5. */
/* verify of the run file h5 with the properties of cfg; whole_bytes > 0
 * reads host.cpu_share_error's VM series in blocks of whole_bytes / 24
 * cells (props_h5_set_whole_bytes) instead of one block. */
static int verify_run(const char *h5, const char *cfg, size_t whole_bytes, collected *c, char *err, size_t err_len)
{
    props_source src;
    props_h5 *r = NULL;
    props_builtin_params params;
    props_list list = {0};
    memset(c, 0, sizeof *c);
    if (props_h5_open(h5, &r, &src, err, err_len) != 0 || props_h5_builtin_params(r, &params, err, err_len) != 0 ||
        props_file_load(cfg, &params, &list, err, err_len) != 0) {
        props_h5_close(r);
        return -1;
    }
    if (whole_bytes > 0)
        props_h5_set_whole_bytes(r, whole_bytes);
    int rc = 0;
    for (int i = 0; i < list.n && i < 8 && rc == 0; i++) {
        int first = c->n;
        props_result res;
        rc = props_evaluate_each(list.items[i].ast, &src, &res, on_violation, c, err, err_len);
        for (int k = first; k < c->n; k++)
            snprintf(c->r[k].property, sizeof c->r[k].property, "%s", list.items[i].name);
        c->violations[i] = res.violations;
        c->pending[i] = res.pending;
    }
    props_list_free(&list);
    props_h5_close(r);
    return rc;
}

/* The monitors' /tables/violations and verify's, row for row: the VM
 * series read in one block, and one row at a time (48 bytes: 2 cells). */
static void same_as_verify(const char *name)
{
    for (size_t whole_bytes = 0; whole_bytes <= 48; whole_bytes += 48) {
    char h5[512], cfg[512], err[2048];
    snprintf(h5, sizeof h5, "%s/%s.h5", VDCSIM_TEST_TMPDIR, name);
    snprintf(cfg, sizeof cfg, "%s/%s.cfg", VDCSIM_TEST_TMPDIR, name);
    hid_t f = H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT);
    vrow mon[16];
    int n = f >= 0 ? read_violations(f, mon, 16) : -1;
    if (f >= 0)
        H5Fclose(f);
    collected c;
    int rc = verify_run(h5, cfg, whole_bytes, &c, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", name, err);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(n, c.n);
    for (int i = 0; i < n && i < c.n; i++) {
        CHECK_STR_EQ(mon[i].property, c.r[i].property);
        CHECK_STR_EQ(mon[i].entity, c.r[i].entity);
        CHECK_INT_EQ(mon[i].time_ns, c.r[i].time_ns);
        CHECK_INT_EQ(mon[i].obligation_ns, c.r[i].obligation_ns);
        CHECK_STR_EQ(mon[i].witness, c.r[i].witness);
    }
    }
}

static void test_fair_run(void)
{
    hid_t f = run_h5("fair", SIM HOSTS("1") "vms = (\n" GOLD_BRONZE("1") ");\n" PROPS);
    if (f < 0)
        return;
    /* the 5m sample (row 1): 8000/3 and 4000/3 MHz, ratio 2; both on host 0 */
    CHECK_NEAR(cell(f, "cpu_entitlement_mhz", 1, 0), 8000.0 / 3, 1e-9);
    CHECK_NEAR(cell(f, "cpu_entitlement_mhz", 1, 1), 4000.0 / 3, 1e-9);
    CHECK_NEAR(cell(f, "host", 1, 0), 0, 0);
    CHECK_NEAR(cell(f, "cpu_usable_demand_mhz", 1, 1), 4000, 0);
    vrow r[16];
    int n = read_violations(f, r, 16);
    H5Fclose(f);
    /* cpu_fairness holds; none_meets breaks once, at the host's first sample (0) */
    CHECK_INT_EQ(n, 1);
    CHECK_STR_EQ(r[0].property, "none_meets");
    CHECK_INT_EQ(r[0].time_ns, 0);
    CHECK_STR_EQ(r[0].witness, "host.cpu_share_error=0");
    same_as_verify("fair");
}

static void test_reservation_run(void)
{
    hid_t f = run_h5("fair_res", SIM HOSTS("1") "vms = (\n" GOLD_BRONZE("1") RES ");\n" PROPS);
    if (f < 0)
        return;
    CHECK_NEAR(cell(f, "cpu_entitlement_mhz", 1, 0), 4000.0 / 3, 1e-9);
    CHECK_NEAR(cell(f, "cpu_entitlement_mhz", 1, 1), 2000.0 / 3, 1e-9);
    CHECK_NEAR(cell(f, "cpu_entitlement_mhz", 1, 2), 2000, 1e-9);
    vrow r[16];
    int n = read_violations(f, r, 16);
    H5Fclose(f);
    CHECK_INT_EQ(n, 1); /* none_meets only */
    CHECK_STR_EQ(r[0].property, "none_meets");
    same_as_verify("fair_res");
}

/* Run "fair" with bronze-01's entitlement at the 20m sample (row 4) set to
 * 8000/3 MHz, as an allocation that broke proportionality would record it. */
static void test_broken_allocation(void)
{
    char src[512], dst[512], cfg[512], cmd[2048], err[2048];
    snprintf(src, sizeof src, "%s/fair.h5", VDCSIM_TEST_TMPDIR);
    snprintf(dst, sizeof dst, "%s/fair_broken.h5", VDCSIM_TEST_TMPDIR);
    snprintf(cfg, sizeof cfg, "%s/fair.cfg", VDCSIM_TEST_TMPDIR);
    snprintf(cmd, sizeof cmd, "cp %s %s", src, dst);
    CHECK_INT_EQ(system(cmd), 0);
    hid_t f = H5Fopen(dst, H5F_ACC_RDWR, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f < 0)
        return;
    hid_t d = H5Dopen2(f, "/series/vm/cpu_entitlement_mhz", H5P_DEFAULT);
    hid_t space = H5Dget_space(d);
    hsize_t start[2] = {4, 1}, count[2] = {1, 1};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t mem = H5Screate_simple(2, count, NULL);
    double x = 8000.0 / 3;
    CHECK(H5Dwrite(d, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &x) >= 0);
    H5Sclose(mem);
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(f);
    /* the VM series in one block, then one row a block (48 bytes: 2 cells) */
    for (size_t whole_bytes = 0; whole_bytes <= 48; whole_bytes += 48) {
        collected c;
        CHECK_INT_EQ(verify_run(dst, cfg, whole_bytes, &c, err, sizeof err), 0);
        /* cpu_fairness: one violation at 20m (the 25m sample is fair again) */
        CHECK_INT_EQ((int)c.violations[0], 1);
        CHECK_INT_EQ((int)c.pending[0], 0);
        CHECK(c.n >= 1);
        CHECK_STR_EQ(c.r[0].property, "cpu_fairness");
        CHECK_INT_EQ(c.r[0].time_ns, 20 * 60000000000LL);
        CHECK_STR_EQ(c.r[0].entity, "esx-01");
        CHECK_STR_EQ(c.r[0].witness, "host.cpu_share_error=1; bronze-01 (shares 1000, received 2666.67 MHz, demand "
                                     "4000 MHz) vs gold-01 (shares 2000, received 2666.67 MHz, demand 4000 MHz)");
    }
}

static void test_threads_and_unchanged(void)
{
    /* two hosts, a pair on each: the host LPs on two threads */
    run_h5_same_across_threads("fair_threads", SIM HOSTS("2") "vms = (\n" GOLD_BRONZE("2") ");\n" PROPS);
    same_as_verify("fair_threads_t2");
    /* properties that do not name the quantity: no new series, no new column */
    hid_t f = run_h5("fair_off", SIM HOSTS("1") "vms = (\n" GOLD_BRONZE("1") ");\n"
                                 "properties = ( { builtin = \"cpu_limit\"; } );\n");
    if (f < 0)
        return;
    CHECK_INT_EQ(h5r_exists(f, "/series/vm/host"), 0);
    CHECK_INT_EQ(h5r_exists(f, "/series/vm/cpu_usable_demand_mhz"), 0);
    char err[256], buf[64];
    hsize_t rows = 0;
    hid_t t = h5r_open_dataset(f, "/tables/vm_resources", 1, &rows, err, sizeof err);
    CHECK(t >= 0);
    hid_t type = H5Dget_type(t);
    CHECK_INT_EQ(H5Tget_nmembers(type), 3);
    H5Tclose(type);
    H5Dclose(t);
    H5Fclose(f);
    /* verify cannot check it on that run: exit 2, naming what is missing */
    FILE *p = fopen(VDCSIM_TEST_TMPDIR "/fair_off_props.cfg", "w");
    CHECK(p != NULL);
    if (!p)
        return;
    fputs("properties = ( { builtin = \"cpu_fairness\"; } );\n", p);
    fclose(p);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s verify %s/fair_off.h5 %s/fair_off_props.cfg >/dev/null 2>%s/fair_off.err",
             VDCSIM_BINARY, VDCSIM_TEST_TMPDIR, VDCSIM_TEST_TMPDIR, VDCSIM_TEST_TMPDIR);
    int rc = system(cmd);
    CHECK_INT_EQ(rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, 2);
    p = fopen(VDCSIM_TEST_TMPDIR "/fair_off.err", "r");
    CHECK(p != NULL && fgets(buf, sizeof buf, p) != NULL);
    if (p)
        fclose(p);
    char all[1024] = "";
    p = fopen(VDCSIM_TEST_TMPDIR "/fair_off.err", "r");
    if (p) {
        size_t k = fread(all, 1, sizeof all - 1, p);
        all[k] = '\0';
        fclose(p);
    }
    CHECK_STR_CONTAINS(all, "/series/vm/host is not in the run");
}

int main(void)
{
    test_pairs();
    test_log();
    test_fair_run();
    test_reservation_run();
    test_broken_allocation();
    test_threads_and_unchanged();
    return CHECK_DONE();
}
