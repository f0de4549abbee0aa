/* optimal_openb.c - an openb trace sample as a placement instance (see
 * optimal_openb.h). */
#include "analysis/optimal_openb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/alibaba_gpu.h"

/* Rows in a CSV file after its header; -1 when it cannot be read. */
static long count_rows(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long lines = 0;
    int c, last = '\n';
    while ((c = fgetc(f)) != EOF) {
        if (c == '\n')
            lines++;
        last = c;
    }
    if (last != '\n')
        lines++;
    fclose(f);
    return lines > 0 ? lines - 1 : 0;
}

/* 1 when model is one of the '|'-separated names of spec. */
static int spec_names(const char *spec, const char *model)
{
    size_t n = strlen(model);
    for (const char *p = spec; *p;) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, model, n) == 0)
            return 1;
        p += len + (end ? 1 : 0);
    }
    return 0;
}

int optimal_openb_load(const char *nodes_csv, const char *pods_csv, uint32_t n_nodes, uint32_t n_pods,
                       optimal_openb *o, char *err, size_t err_len)
{
    memset(o, 0, sizeof *o);
    long node_rows = count_rows(nodes_csv), pod_rows = count_rows(pods_csv);
    if (node_rows < 0 || pod_rows < 0) {
        snprintf(err, err_len, "%s: cannot read", node_rows < 0 ? nodes_csv : pods_csv);
        return -1;
    }
    if ((long)n_nodes > node_rows)
        n_nodes = (uint32_t)node_rows;
    if ((long)n_pods > pod_rows)
        n_pods = (uint32_t)pod_rows;
    long node_step = n_nodes ? node_rows / n_nodes : 1, pod_step = n_pods ? pod_rows / n_pods : 1;
    o->hosts = calloc(n_nodes ? n_nodes : 1, sizeof *o->hosts);
    o->host_gpu_milli = calloc(n_nodes ? n_nodes : 1, sizeof *o->host_gpu_milli);
    char (*model)[AGPU_NAME_LEN] = calloc(n_nodes ? n_nodes : 1, sizeof *model);
    o->vms = calloc(n_pods ? n_pods : 1, sizeof *o->vms);
    o->vm_gpu_milli = calloc(n_pods ? n_pods : 1, sizeof *o->vm_gpu_milli);
    o->rules = calloc(n_pods ? n_pods : 1, sizeof *o->rules);
    /* each pod's rule lists the pod and at most every node */
    o->members = calloc((size_t)(n_pods ? n_pods : 1) * ((size_t)n_nodes + 1), sizeof *o->members);
    if (!o->hosts || !o->host_gpu_milli || !model || !o->vms || !o->vm_gpu_milli || !o->rules || !o->members) {
        free(model);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    agpu_reader r;
    if (agpu_open(&r, nodes_csv, AGPU_NODES, err, err_len) != 0) {
        free(model);
        return -1;
    }
    agpu_node node;
    uint32_t nh = 0;
    int got;
    for (long row = 0; nh < n_nodes && (got = agpu_next_node(&r, &node, err, err_len)) == 1; row++) {
        if (row % node_step != 0)
            continue;
        o->hosts[nh] = (placement_host_view){.logical_cpus = (uint32_t)(node.cpu_milli / 1000),
                                             .memory_mib = (uint64_t)node.memory_mib,
                                             .cpu_mhz = (double)node.cpu_milli,
                                             .physical_memory_mib = (uint64_t)node.memory_mib,
                                             .usable = 1};
        o->host_gpu_milli[nh] = (uint32_t)node.gpu * 1000u;
        snprintf(model[nh], sizeof model[nh], "%s", node.model);
        nh++;
    }
    agpu_close(&r);
    if (got < 0) {
        free(model);
        return -1;
    }
    if (agpu_open(&r, pods_csv, AGPU_PODS, err, err_len) != 0) {
        free(model);
        return -1;
    }
    agpu_pod pod;
    uint32_t nv = 0, n_rules = 0;
    size_t used = 0;
    for (long row = 0; nv < n_pods && (got = agpu_next_pod(&r, &pod, err, err_len)) == 1; row++) {
        if (row % pod_step != 0)
            continue;
        o->vms[nv] = (placement_request){.vcpus = 1,
                                         .memory_mib = (uint64_t)pod.memory_mib,
                                         .host_group = -1,
                                         .cpu_mhz = (double)pod.cpu_milli,
                                         .cpu_reservation_mhz = (double)pod.cpu_milli};
        o->vm_gpu_milli[nv] = (uint32_t)pod.num_gpu * (uint32_t)pod.gpu_milli;
        if (pod.gpu_spec[0] && pod.num_gpu > 0) {
            drs_rule *rule = &o->rules[n_rules++];
            *rule = (drs_rule){.kind = DRS_RULE_VM_HOST_MUST, .vms = o->members + used, .n_vms = 1};
            o->members[used++] = nv;
            rule->hosts = o->members + used;
            for (uint32_t h = 0; h < nh; h++)
                if (spec_names(pod.gpu_spec, model[h]))
                    o->members[used + rule->n_hosts++] = h;
            used += rule->n_hosts;
        }
        nv++;
    }
    agpu_close(&r);
    free(model);
    if (got < 0)
        return -1;
    o->in = (optimal_instance){.hosts = o->hosts,
                               .n_hosts = nh,
                               .vms = o->vms,
                               .n_vms = nv,
                               .rules = o->rules,
                               .n_rules = n_rules,
                               .vm_gpu_milli = o->vm_gpu_milli,
                               .host_gpu_milli = o->host_gpu_milli};
    return 0;
}

void optimal_openb_free(optimal_openb *o)
{
    free(o->hosts);
    free(o->vms);
    free(o->vm_gpu_milli);
    free(o->host_gpu_milli);
    free(o->rules);
    free(o->members);
    memset(o, 0, sizeof *o);
}
