/* props_fairness_h5.c - host.cpu_share_error from a run file (see
 * props_fairness_h5.h). */
#include "analysis/props_fairness_h5.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/h5_read.h"

struct pf_h5 {
    int64_t end_ns;
    size_t rows, n_vms, n_hosts;
    int64_t *time_ns;       /* rows */
    unsigned char *sampled; /* rows x hosts: the host sampled at the row */
    double *error;          /* rows x hosts: the share error */
    /* for pf_h5_pair, which recomputes the pair of one row and host */
    hid_t host_ds, demand_ds, ent_ds;
    double *shares, *res, *lim;           /* n_vms */
    double *one_host, *one_demand, *one_ent; /* one row of each series */
    size_t one_row;                          /* the row they hold, or rows when none */
};

static const char *const why_missing =
    " (written by runs whose properties name host.cpu_share_error, e.g. the built-in cpu_fairness; "
    "/series/vm/cpu_entitlement_mhz needs output.per_vm_series = true)";

/* A 2-D series, opened (dims out); H5I_INVALID_HID with a message. */
static hid_t open_series(hid_t file, const char *path, hsize_t dims[2], char *err, size_t err_len)
{
    if (h5r_exists(file, path) != 1) {
        snprintf(err, err_len, "%s is not in the run%s", path, why_missing);
        return H5I_INVALID_HID;
    }
    return h5r_open_dataset(file, path, 2, dims, err, err_len);
}

/* Rows [row, row + n) of a series of `cols` columns into out. */
static int read_rows(hid_t d, const char *path, size_t row, size_t n, size_t cols, double *out, char *err,
                     size_t err_len)
{
    if (n == 0 || cols == 0 || h5r_read_rows_f64(d, row, n, cols, out) == 0)
        return 0;
    snprintf(err, err_len, "%s: cannot read rows %zu..%zu of %zu values", path, row, row + n, cols);
    return -1;
}

static int read_time(hid_t file, const char *path, size_t rows, int64_t **out, char *err, size_t err_len)
{
    hsize_t n = 0;
    hid_t d = h5r_open_dataset(file, path, 1, &n, err, err_len);
    if (d < 0)
        return -1;
    *out = malloc((n ? n : 1) * sizeof **out);
    int ok = *out && n >= rows && (n == 0 || H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) >= 0);
    H5Dclose(d);
    if (!ok)
        snprintf(err, err_len, "%s: cannot read %zu sample times", path, rows);
    return ok ? 0 : -1;
}

static int read_resources(hid_t file, size_t n_vms, double *shares, double *res, double *lim, char *err,
                          size_t err_len)
{
    const char *path = "/tables/vm_resources";
    if (h5r_exists(file, path) != 1) {
        snprintf(err, err_len, "%s is not in the run%s", path, why_missing);
        return -1;
    }
    hsize_t rows = 0;
    hid_t t = h5r_open_dataset(file, path, 1, &rows, err, err_len);
    if (t < 0)
        return -1;
    int rc = -1;
    if (rows < n_vms)
        snprintf(err, err_len, "%s: %llu rows for %zu VMs", path, (unsigned long long)rows, n_vms);
    else if (n_vms == 0 || (h5r_table_column_f64(t, path, "cpu_shares", 0, n_vms, shares, err, err_len) == 0 &&
                            h5r_table_column_f64(t, path, "cpu_reservation_mhz", 0, n_vms, res, err, err_len) == 0 &&
                            h5r_table_column_f64(t, path, "cpu_limit_mhz", 0, n_vms, lim, err, err_len) == 0))
        rc = 0;
    H5Dclose(t);
    return rc;
}

/* VM v as the pair check sees it at a sample. */
static pf_vm vm_at(const pf_h5 *f, size_t v, double demand_mhz, double received_mhz)
{
    return (pf_vm){.id = (int64_t)v, .shares = f->shares[v], .reservation_mhz = f->res[v], .limit_mhz = f->lim[v],
                   .usable_demand_mhz = demand_mhz, .received_mhz = received_mhz};
}

/* The host row a VM's CPU was divided on (its /series/vm/host cell), or -1. */
static long host_of(const pf_h5 *f, double on)
{
    return on >= 0.0 && on < (double)f->n_hosts ? (long)(size_t)on : -1;
}

/* The pair of host h at one row: its VMs in id order, as block_errors (and
 * the monitors) add them. */
static void row_pair(const pf_h5 *f, const double *host, const double *demand, const double *ent, size_t h,
                     pf_pair *out)
{
    pf_begin(out);
    for (size_t v = 0; v < f->n_vms; v++)
        if (host_of(f, host[v]) == (long)h) {
            pf_vm vm = vm_at(f, v, demand[v], ent[v]);
            pf_add(out, &vm);
        }
    pf_end(out);
}

/* The errors of rows [row, row + n), from blocks of the three VM series and
 * of vms_running: each VM added to its host's pair, hosts in one pass. */
static void block_errors(pf_h5 *f, size_t row, size_t n, const double *host, const double *demand,
                         const double *ent, const double *running, pf_pair *pairs)
{
    for (size_t k = 0; k < n; k++) {
        const size_t at = (row + k) * f->n_hosts;
        for (size_t h = 0; h < f->n_hosts; h++) {
            f->sampled[at + h] = !isnan(running[k * f->n_hosts + h]);
            pf_begin(&pairs[h]);
        }
        for (size_t v = 0; v < f->n_vms; v++) {
            long on = host_of(f, host[k * f->n_vms + v]);
            if (on < 0)
                continue;
            pf_vm vm = vm_at(f, v, demand[k * f->n_vms + v], ent[k * f->n_vms + v]);
            pf_add(&pairs[on], &vm);
        }
        for (size_t h = 0; h < f->n_hosts; h++) {
            pf_end(&pairs[h]);
            f->error[at + h] = pairs[h].error;
        }
    }
}

int pf_h5_load(hid_t file, int64_t end_ns, size_t block_cells, pf_h5 **out, char *err, size_t err_len)
{
    *out = NULL;
    pf_h5 *f = calloc(1, sizeof *f);
    double *host = NULL, *demand = NULL, *ent = NULL, *running = NULL;
    pf_pair *pairs = NULL;
    hid_t running_ds = H5I_INVALID_HID;
    hsize_t dh[2], dd[2], de[2], dr[2];
    int rc = -1;
    if (!f) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    f->end_ns = end_ns;
    f->host_ds = f->demand_ds = f->ent_ds = H5I_INVALID_HID;
    if ((f->host_ds = open_series(file, "/series/vm/host", dh, err, err_len)) < 0 ||
        (f->demand_ds = open_series(file, "/series/vm/cpu_usable_demand_mhz", dd, err, err_len)) < 0 ||
        (f->ent_ds = open_series(file, "/series/vm/cpu_entitlement_mhz", de, err, err_len)) < 0 ||
        (running_ds = open_series(file, "/series/host/vms_running", dr, err, err_len)) < 0)
        goto done;
    if (dd[0] != dh[0] || de[0] != dh[0] || dd[1] != dh[1] || de[1] != dh[1]) {
        snprintf(err, err_len, "/series/vm: host, cpu_usable_demand_mhz and cpu_entitlement_mhz differ in shape");
        goto done;
    }
    f->rows = (size_t)(dh[0] < dr[0] ? dh[0] : dr[0]);
    f->one_row = f->rows;
    f->n_vms = (size_t)dh[1];
    f->n_hosts = (size_t)dr[1];
    /* blocks of at most block_cells cells (one row at least), whole chunk
     * rows of the VM series when they hold one */
    size_t block = (size_t)h5r_block_rows(f->n_vms, block_cells);
    size_t chunked = (size_t)h5r_block_rows_chunked(f->host_ds, block);
    if (chunked <= block || chunked <= block_cells / (f->n_vms ? f->n_vms : 1))
        block = chunked;
    if (block > f->rows)
        block = f->rows > 0 ? f->rows : 1;
    size_t cells = h5r_array_bytes(f->rows, f->n_hosts);
    size_t vm_block = h5r_array_bytes(block, f->n_vms), host_block = h5r_array_bytes(block, f->n_hosts);
    size_t vms = f->n_vms ? f->n_vms : 1, hosts = f->n_hosts ? f->n_hosts : 1;
    f->shares = malloc(vms * sizeof *f->shares);
    f->res = malloc(vms * sizeof *f->res);
    f->lim = malloc(vms * sizeof *f->lim);
    f->one_host = malloc(vms * sizeof *f->one_host);
    f->one_demand = malloc(vms * sizeof *f->one_demand);
    f->one_ent = malloc(vms * sizeof *f->one_ent);
    f->sampled = calloc(cells ? cells : 1, 1);
    f->error = calloc(cells ? cells : 1, sizeof *f->error);
    pairs = calloc(hosts, sizeof *pairs);
    size_t vm_bytes = h5r_array_bytes(vm_block ? vm_block : 1, sizeof(double));
    size_t host_bytes = h5r_array_bytes(host_block ? host_block : 1, sizeof(double));
    host = vm_bytes ? malloc(vm_bytes) : NULL;
    demand = vm_bytes ? malloc(vm_bytes) : NULL;
    ent = vm_bytes ? malloc(vm_bytes) : NULL;
    running = host_bytes ? malloc(host_bytes) : NULL;
    if (!f->shares || !f->res || !f->lim || !f->one_host || !f->one_demand || !f->one_ent || !f->sampled ||
        !f->error || !pairs || !host || !demand || !ent || !running || (f->rows && f->n_hosts && !cells)) {
        snprintf(err, err_len, "/series/vm: %zu samples x %zu hosts: out of memory", f->rows, f->n_hosts);
        goto done;
    }
    if (read_time(file, "/series/vm/time_ns", f->rows, &f->time_ns, err, err_len) != 0 ||
        read_resources(file, f->n_vms, f->shares, f->res, f->lim, err, err_len) != 0)
        goto done;
    for (size_t row = 0; row < f->rows; row += block) {
        size_t n = f->rows - row < block ? f->rows - row : block;
        if (read_rows(f->host_ds, "/series/vm/host", row, n, f->n_vms, host, err, err_len) != 0 ||
            read_rows(f->demand_ds, "/series/vm/cpu_usable_demand_mhz", row, n, f->n_vms, demand, err, err_len) != 0 ||
            read_rows(f->ent_ds, "/series/vm/cpu_entitlement_mhz", row, n, f->n_vms, ent, err, err_len) != 0 ||
            read_rows(running_ds, "/series/host/vms_running", row, n, f->n_hosts, running, err, err_len) != 0)
            goto done;
        block_errors(f, row, n, host, demand, ent, running, pairs);
    }
    rc = 0;
done:
    if (running_ds >= 0)
        H5Dclose(running_ds);
    free(host);
    free(demand);
    free(ent);
    free(running);
    free(pairs);
    if (rc != 0)
        pf_h5_free(f);
    else
        *out = f;
    return rc;
}

int pf_h5_signal(const pf_h5 *f, size_t host_row, ps_signal *out, char *err, size_t err_len)
{
    ps_init(out, f->end_ns);
    if (host_row >= f->n_hosts) {
        snprintf(err, err_len, "/series/host/vms_running has %zu columns, host %zu asked", f->n_hosts, host_row);
        return -1;
    }
    if (ps_push(out, 0, NAN) != 0)
        return -1;
    for (size_t k = 0; k < f->rows && f->time_ns[k] < f->end_ns; k++)
        if (f->sampled[k * f->n_hosts + host_row] &&
            ps_push(out, f->time_ns[k], f->error[k * f->n_hosts + host_row]) != 0)
            return -1;
    return 0;
}

void pf_h5_pair(pf_h5 *f, size_t host_row, int64_t t, pf_pair *out)
{
    pf_begin(out);
    if (host_row >= f->n_hosts)
        return;
    size_t last = f->rows; /* the host's last sample at or before t */
    for (size_t k = 0; k < f->rows && f->time_ns[k] <= t && f->time_ns[k] < f->end_ns; k++)
        if (f->sampled[k * f->n_hosts + host_row])
            last = k;
    if (last == f->rows)
        return;
    /* the row read last is kept: the witnesses of one time on many hosts
     * (a property broken at the first sample everywhere) read it once */
    char ignored[256];
    if (last != f->one_row) {
        f->one_row = f->rows;
        if (read_rows(f->host_ds, "", last, 1, f->n_vms, f->one_host, ignored, sizeof ignored) != 0 ||
            read_rows(f->demand_ds, "", last, 1, f->n_vms, f->one_demand, ignored, sizeof ignored) != 0 ||
            read_rows(f->ent_ds, "", last, 1, f->n_vms, f->one_ent, ignored, sizeof ignored) != 0)
            return;
        f->one_row = last;
    }
    row_pair(f, f->one_host, f->one_demand, f->one_ent, host_row, out);
}

void pf_h5_free(pf_h5 *f)
{
    if (!f)
        return;
    if (f->host_ds >= 0)
        H5Dclose(f->host_ds);
    if (f->demand_ds >= 0)
        H5Dclose(f->demand_ds);
    if (f->ent_ds >= 0)
        H5Dclose(f->ent_ds);
    free(f->time_ns);
    free(f->sampled);
    free(f->error);
    free(f->shares);
    free(f->res);
    free(f->lim);
    free(f->one_host);
    free(f->one_demand);
    free(f->one_ent);
    free(f);
}
