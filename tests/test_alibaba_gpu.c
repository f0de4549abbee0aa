/* test_alibaba_gpu.c - the openb trace reader (traces/alibaba_gpu.h):
 * hand-written rows, malformed rows refused with FILE:LINE and the column,
 * and, when the trace is here, the counts its MANIFEST publishes. */
#include "tests/check.h"
#include "traces/alibaba_gpu.h"
#include "traces/trace_locate.h"

#include <stdio.h>
#include <string.h>

static const char *write_file(const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", VDCSIM_TEST_TMPDIR, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_nodes(void)
{
    const char *p = write_file("agpu_nodes.csv", "sn,cpu_milli,memory_mib,gpu,model\n"
                                                 "n-0,64000,262144,2,P100\n"
                                                 "n-1,96000,786432,8,V100M32\n"
                                                 "n-2,32000,131072,0,\n");
    agpu_reader r;
    char err[512] = "";
    CHECK(agpu_open(&r, p, AGPU_NODES, err, sizeof err) == 0);
    agpu_node n;
    CHECK_INT_EQ(agpu_next_node(&r, &n, err, sizeof err), 1);
    CHECK(strcmp(n.name, "n-0") == 0);
    CHECK_INT_EQ(n.cpu_milli, 64000);
    CHECK_INT_EQ(n.memory_mib, 262144);
    CHECK_INT_EQ(n.gpu, 2);
    CHECK(strcmp(n.model, "P100") == 0);
    CHECK_INT_EQ(agpu_next_node(&r, &n, err, sizeof err), 1);
    CHECK_INT_EQ(n.gpu, 8);
    CHECK_INT_EQ(agpu_next_node(&r, &n, err, sizeof err), 1);
    CHECK_INT_EQ(n.gpu, 0);
    CHECK_INT_EQ(agpu_next_node(&r, &n, err, sizeof err), 0);
    agpu_close(&r);
}

static void test_pods(void)
{
    /* 11 columns (default list) and 5 (multigpu lists) */
    const char *p = write_file("agpu_pods.csv",
                               "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
                               "deletion_time,scheduled_time\n"
                               "p-0,12000,16384,1,1000,,LS,Running,0,12537496,0\n"
                               "p-1,6000,12288,1,460,V100M16|V100M32,LS,Running,427061,,427061\n"
                               "p-2,88000,327680,8,1000,,BE,Succeeded,5,9,6\n"
                               "p-3,4000,8192,0,0,,BE,Running,7,8,7\n");
    agpu_reader r;
    char err[512] = "";
    agpu_pod q;
    CHECK(agpu_open(&r, p, AGPU_PODS, err, sizeof err) == 0);
    CHECK_INT_EQ(agpu_next_pod(&r, &q, err, sizeof err), 1);
    CHECK_INT_EQ(q.num_gpu, 1);
    CHECK_INT_EQ(q.gpu_milli, 1000);
    CHECK_INT_EQ(q.deletion_s, 12537496);
    CHECK(q.gpu_spec[0] == '\0');
    CHECK_INT_EQ(agpu_next_pod(&r, &q, err, sizeof err), 1);
    CHECK_INT_EQ(q.gpu_milli, 460);
    CHECK(strcmp(q.gpu_spec, "V100M16|V100M32") == 0);
    CHECK_INT_EQ(q.deletion_s, -1); /* empty: absent */
    CHECK_INT_EQ(agpu_next_pod(&r, &q, err, sizeof err), 1);
    CHECK_INT_EQ(q.num_gpu, 8);
    CHECK_INT_EQ(agpu_next_pod(&r, &q, err, sizeof err), 1);
    CHECK_INT_EQ(q.num_gpu, 0);
    CHECK_INT_EQ(agpu_next_pod(&r, &q, err, sizeof err), 0);
    agpu_close(&r);

    p = write_file("agpu_multi.csv", "name,cpu_milli,memory_mib,num_gpu,gpu_milli\np-0,12000,16384,2,1000\n");
    CHECK(agpu_open(&r, p, AGPU_PODS, err, sizeof err) == 0);
    CHECK_INT_EQ(agpu_next_pod(&r, &q, err, sizeof err), 1);
    CHECK_INT_EQ(q.num_gpu, 2);
    CHECK_INT_EQ(q.creation_s, -1);
    agpu_close(&r);
}

/* A file whose row `bad` (line 3) must be refused with `want` in the message. */
static void refused(const char *name, agpu_kind kind, const char *header, const char *bad, const char *want)
{
    char text[1024];
    snprintf(text, sizeof text, "%s\n%s\n%s\n", header,
             kind == AGPU_NODES ? "n-0,64000,262144,2,P100" : "p-0,1000,1024,1,500", bad);
    const char *p = write_file(name, text);
    char path[1024], err[512] = "", where[1100];
    snprintf(path, sizeof path, "%s", p);
    agpu_reader r;
    int rc = agpu_open(&r, path, kind, err, sizeof err);
    if (rc == 0) {
        agpu_node n;
        agpu_pod q;
        do
            rc = kind == AGPU_NODES ? agpu_next_node(&r, &n, err, sizeof err) : agpu_next_pod(&r, &q, err, sizeof err);
        while (rc == 1);
        agpu_close(&r);
    }
    CHECK_INT_EQ(rc, -1);
    snprintf(where, sizeof where, "%s:3: ", path);
    CHECK_STR_CONTAINS(err, where);
    CHECK_STR_CONTAINS(err, want);
}

static void test_malformed(void)
{
    const char *nh = "sn,cpu_milli,memory_mib,gpu,model", *ph = "name,cpu_milli,memory_mib,num_gpu,gpu_milli";
    refused("agpu_bad1.csv", AGPU_NODES, nh, "n-1,abc,262144,2,P100", "column 'cpu_milli': 'abc' is not an integer");
    refused("agpu_bad2.csv", AGPU_NODES, nh, "n-1,64000,262144,2", "4 fields (expected 5");
    refused("agpu_bad3.csv", AGPU_NODES, nh, "n-1,64000,262144,2,", "column 'model': empty");
    refused("agpu_bad4.csv", AGPU_NODES, nh, "n-1,64000,-5,2,T4", "column 'memory_mib': '-5'");
    refused("agpu_bad5.csv", AGPU_NODES, nh, "n-1,64000,1024,65,T4", "column 'gpu': '65'");
    refused("agpu_bad6.csv", AGPU_PODS, ph, "p-1,1000,1024,2,500", "only a one-GPU pod shares a GPU");
    refused("agpu_bad7.csv", AGPU_PODS, ph, "p-1,1000,1024,1,0", "column 'gpu_milli': 0 for a pod with 1 GPUs");
    refused("agpu_bad8.csv", AGPU_PODS, ph, "p-1,1000,1024,0,300", "column 'gpu_milli': 300 for a pod with no GPU");
    refused("agpu_bad9.csv", AGPU_PODS, ph, "p-1,1000,1024,1,1001", "column 'gpu_milli': '1001'");
    refused("agpu_bad10.csv", AGPU_PODS, ph, "p-1,1000,,1,100", "column 'memory_mib': empty");
    refused("agpu_bad11.csv", AGPU_PODS, ph, "p-1,99999999999999999999999,1,1,100", "column 'cpu_milli'");
    /* a header without a required column */
    const char *p = write_file("agpu_bad12.csv", "name,cpu_milli,memory_mib,gpu_milli\np,1,1,1\n");
    agpu_reader r;
    char err[512] = "";
    CHECK_INT_EQ(agpu_open(&r, p, AGPU_PODS, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, ":1: column 'num_gpu': missing from the header");
}

/* The published counts (MANIFEST.md of alibaba-gpu-v2023-openb): 1213 GPU
 * nodes with 6212 GPUs and 107,018,000 CPU milli; the default list has
 * 8152 tasks: 1088 CPU-only, 3078 sharing a GPU, 6086.8 GPUs requested. */
static void test_real_trace(void)
{
    char path[1024], err[512] = "";
    if (trace_locate(VDCSIM_SOURCE_DIR, "alibaba-gpu-v2023-openb/csv/openb_node_list_gpu_node.csv", path,
                     sizeof path) != 0) {
        printf("skipped: no alibaba-gpu-v2023-openb trace here (set VDCSIM_TRACES or --traces)\n");
        return;
    }
    agpu_reader r;
    CHECK(agpu_open(&r, path, AGPU_NODES, err, sizeof err) == 0);
    agpu_node n;
    int64_t nodes = 0, gpus = 0, cpu = 0;
    while (agpu_next_node(&r, &n, err, sizeof err) == 1) {
        nodes++;
        gpus += n.gpu;
        cpu += n.cpu_milli;
    }
    agpu_close(&r);
    CHECK_INT_EQ(nodes, 1213);
    CHECK_INT_EQ(gpus, 6212);
    CHECK_INT_EQ(cpu, 107018000);
    CHECK(trace_locate(VDCSIM_SOURCE_DIR, "alibaba-gpu-v2023-openb/csv/openb_pod_list_default.csv", path,
                       sizeof path) == 0);
    CHECK(agpu_open(&r, path, AGPU_PODS, err, sizeof err) == 0);
    agpu_pod q;
    int64_t pods = 0, cpu_only = 0, share = 0, milli = 0;
    int rc;
    while ((rc = agpu_next_pod(&r, &q, err, sizeof err)) == 1) {
        pods++;
        cpu_only += q.num_gpu == 0;
        share += q.num_gpu == 1 && q.gpu_milli < 1000;
        milli += (int64_t)q.num_gpu * q.gpu_milli;
    }
    agpu_close(&r);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(pods, 8152);
    CHECK_INT_EQ(cpu_only, 1088);
    CHECK_INT_EQ(share, 3078);
    CHECK_INT_EQ(milli, 6086800);
}

int main(void)
{
    test_nodes();
    test_pods();
    test_malformed();
    test_real_trace();
    return CHECK_DONE();
}
