/* test_alibaba_dlrm.c - the DLRM instance trace reader (traces/alibaba_dlrm.h):
 * hand-written rows in the trace's 17-column layout, malformed rows refused
 * with FILE:LINE and the column, and, when the trace is here, the counts its
 * MANIFEST and the upstream README publish. */
#include "tests/check.h"
#include "traces/alibaba_dlrm.h"
#include "traces/trace_locate.h"

#include <stdio.h>
#include <string.h>

#define HEADER                                                                                                        \
    "instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,rdma_limit,memory_request,"  \
    "memory_limit,disk_request,disk_limit,max_instance_per_node,creation_time,scheduled_time,deletion_time"

static const char *write_file(const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", VDCSIM_TEST_TMPDIR, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_rows(void)
{
    const char *p = write_file("adlrm_rows.csv", HEADER "\n"
                                                 "i-0,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,\n"
                                                 "i-1,CN,app_9,64,64,0,0,1,1,320.0,320.0,255.0,300.0,-1,"
                                                 "475.00000000000006,623.0,\n"
                                                 "\n"
                                                 "i-2,CN,app_9,48,48,0,0,100,100,0.5,0.5,1e3,1e3,2,10,11,NaN\n"
                                                 "i-3,HN,app_1,8,8,1,1,50,50,40.0,40.0,85.0,100.0,4,,,2044444.0000000002\n");
    adlrm_reader r;
    char err[512] = "";
    adlrm_instance x;
    CHECK(adlrm_open(&r, p, err, sizeof err) == 0);
    CHECK_INT_EQ(adlrm_next(&r, &x, err, sizeof err), 1);
    CHECK(strcmp(x.name, "i-0") == 0 && strcmp(x.app, "app_0") == 0);
    CHECK_INT_EQ(x.role, ADLRM_HN);
    CHECK_INT_EQ(x.cpu, 12);
    CHECK_INT_EQ(x.gpu, 1);
    CHECK_INT_EQ(x.rdma_pct, 25);
    CHECK_INT_EQ(x.memory_mib, 120 * 1024);
    CHECK_INT_EQ(x.disk_mib, 640 * 1024);
    CHECK_INT_EQ(x.max_per_node, 8);
    CHECK_INT_EQ(x.creation_ns, -1); /* existed before the trace */
    CHECK_INT_EQ(x.deletion_ns, -1);
    CHECK_INT_EQ(adlrm_next(&r, &x, err, sizeof err), 1);
    CHECK_INT_EQ(x.role, ADLRM_CN);
    CHECK_INT_EQ(x.max_per_node, -1);
    CHECK_INT_EQ(x.creation_ns, 475000000000LL); /* the float noise rounds away at 1 ns */
    CHECK_INT_EQ(x.scheduled_ns, 623000000000LL);
    CHECK_INT_EQ(adlrm_next(&r, &x, err, sizeof err), 1); /* the blank line is skipped */
    CHECK_INT_EQ(x.rdma_pct, 100);
    CHECK_INT_EQ(x.memory_mib, 512); /* 0.5 GiB */
    CHECK_INT_EQ(x.disk_mib, 1000 * 1024);
    CHECK_INT_EQ(x.creation_ns, 10000000000LL);
    CHECK_INT_EQ(x.deletion_ns, -1); /* NaN: after the trace's end */
    CHECK_INT_EQ(adlrm_next(&r, &x, err, sizeof err), 1);
    CHECK_INT_EQ(x.deletion_ns, 2044444000000000LL);
    CHECK_INT_EQ(adlrm_next(&r, &x, err, sizeof err), 0);
    adlrm_close(&r);

    /* columns by name: another order, no limits, no scheduled_time */
    p = write_file("adlrm_short.csv", "role,instance_sn,app_name,cpu_request,gpu_request,rdma_request,memory_request,"
                                      "disk_request,max_instance_per_node,creation_time,deletion_time\n"
                                      "HN,i-9,a,2,1,10,16,0,1,5,7\n");
    CHECK(adlrm_open(&r, p, err, sizeof err) == 0);
    CHECK_INT_EQ(adlrm_next(&r, &x, err, sizeof err), 1);
    CHECK(strcmp(x.name, "i-9") == 0);
    CHECK_INT_EQ(x.max_per_node, 1);
    CHECK_INT_EQ(x.scheduled_ns, -1);
    CHECK_INT_EQ(x.deletion_ns - x.creation_ns, 2000000000LL);
    adlrm_close(&r);
}

/* A file whose third line `bad` must be refused with `want` in the message. */
static void refused(const char *name, const char *bad, const char *want)
{
    char text[2048];
    snprintf(text, sizeof text, "%s\n%s\n%s\n", HEADER, "i-0,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,",
             bad);
    const char *p = write_file(name, text);
    char path[1024], err[512] = "", where[1100];
    snprintf(path, sizeof path, "%s", p);
    adlrm_reader r;
    int rc = adlrm_open(&r, path, err, sizeof err);
    if (rc == 0) {
        adlrm_instance x;
        do
            rc = adlrm_next(&r, &x, err, sizeof err);
        while (rc == 1);
        adlrm_close(&r);
    }
    CHECK_INT_EQ(rc, -1);
    snprintf(where, sizeof where, "%s:3: ", path);
    CHECK_STR_CONTAINS(err, where);
    CHECK_STR_CONTAINS(err, want);
}

static void test_malformed(void)
{
    refused("adlrm_bad1.csv", "i-1,XN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,",
            "column 'role': 'XN' is not a role (expected CN or HN)");
    refused("adlrm_bad2.csv", "i-1,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,",
            "16 fields (expected 17");
    refused("adlrm_bad3.csv", "i-1,HN,app_0,1.5,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,",
            "column 'cpu_request': '1.5' is not an integer from 0 to 100000");
    refused("adlrm_bad4.csv", "i-1,HN,app_0,12,12,1,1,101,25,120.0,120.0,640.0,800.0,8,,,",
            "column 'rdma_request': '101' is not an integer from 0 to 100");
    refused("adlrm_bad5.csv", "i-1,HN,app_0,12,12,1,1,25,25,-3,120.0,640.0,800.0,8,,,",
            "column 'memory_request': '-3' is not a decimal number");
    refused("adlrm_bad6.csv", "i-1,HN,app_0,12,12,1,1,25,25,120.0,120.0,,800.0,8,,,", "column 'disk_request': ''");
    refused("adlrm_bad7.csv", "i-1,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,0,,,",
            "column 'max_instance_per_node': '0' is not a limit");
    refused("adlrm_bad8.csv", "i-1,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,-2,,,",
            "column 'max_instance_per_node': '-2' is not an integer from -1");
    refused("adlrm_bad9.csv", "i-1,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,100.0,,50.0",
            "column 'deletion_time': '50.0' is before the creation_time");
    refused("adlrm_bad10.csv", "i-1,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,inf,,",
            "column 'creation_time': 'inf' is not a decimal number");
    refused("adlrm_bad11.csv", "i-1,HN,,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,", "column 'app_name': '' is empty");
    refused("adlrm_bad12.csv", "i-1,HN,app_0,12,12,1,1,25,25,1e999,120.0,640.0,800.0,8,,,",
            "column 'memory_request': '1e999'");
    refused("adlrm_bad13.csv", "i-1,HN,app_0,12,12,99999999999999999999,1,25,25,1,1,1,1,8,,,",
            "column 'gpu_request'");
    refused("adlrm_bad14.csv", "i-1,HN,app_0,12,12,1,1,25,25,1,1,1,1,8,2e9,,", "column 'creation_time': '2e9'");
    /* a header without a required column */
    const char *p = write_file("adlrm_bad15.csv", "instance_sn,role,app_name\ni,CN,a\n");
    adlrm_reader r;
    char err[512] = "";
    CHECK_INT_EQ(adlrm_open(&r, p, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, ":1: column 'cpu_request': missing from the header");
    /* an empty file, a header of 30 columns, a row longer than a line may be */
    p = write_file("adlrm_bad16.csv", "");
    CHECK_INT_EQ(adlrm_open(&r, p, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, ":1: empty file");
    p = write_file("adlrm_bad17.csv", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,aa,bb,cc,dd\n");
    CHECK_INT_EQ(adlrm_open(&r, p, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, ":1: 30 columns in the header (expected at most 24)");
    static char text[6000];
    int n = snprintf(text, sizeof text, "%s\ni-0,HN,", HEADER);
    memset(text + n, 'x', 5000);
    snprintf(text + n + 5000, sizeof text - (size_t)n - 5000, ",1,1,1,1,1,1,1,1,1,1,1,1,1,1\n");
    p = write_file("adlrm_bad18.csv", text);
    CHECK_INT_EQ(adlrm_open(&r, p, err, sizeof err), 0);
    adlrm_instance x;
    CHECK_INT_EQ(adlrm_next(&r, &x, err, sizeof err), -1);
    CHECK_STR_CONTAINS(err, ":2: line longer than 4095 bytes");
    adlrm_close(&r);
}

/* The published counts (MANIFEST.md of alibaba-dlrm-v2025 and the upstream
 * README): 23,871 instances, 16,485 CN and 7,386 HN, 156 apps. */
static void test_real_trace(void)
{
    char path[1024], err[512] = "";
    if (trace_locate(VDCSIM_SOURCE_DIR, "alibaba-dlrm-v2025/disaggregated_DLRM_trace.csv", path, sizeof path) != 0) {
        printf("skipped: no alibaba-dlrm-v2025 trace here (set VDCSIM_TRACES or --traces)\n");
        return;
    }
    adlrm_reader r;
    CHECK(adlrm_open(&r, path, err, sizeof err) == 0);
    adlrm_instance x;
    int64_t n = 0, cn = 0, hn = 0;
    static char apps[512][ADLRM_NAME_LEN];
    int n_apps = 0, rc;
    while ((rc = adlrm_next(&r, &x, err, sizeof err)) == 1) {
        n++;
        cn += x.role == ADLRM_CN;
        hn += x.role == ADLRM_HN;
        int a = 0;
        while (a < n_apps && strcmp(apps[a], x.app) != 0)
            a++;
        if (a == n_apps && n_apps < 512)
            snprintf(apps[n_apps++], ADLRM_NAME_LEN, "%s", x.app);
    }
    adlrm_close(&r);
    if (rc != 0)
        printf("%s\n", err);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(n, 23871);
    CHECK_INT_EQ(cn, 16485);
    CHECK_INT_EQ(hn, 7386);
    CHECK_INT_EQ(n_apps, 156);
}

int main(void)
{
    test_rows();
    test_malformed();
    test_real_trace();
    return CHECK_DONE();
}
