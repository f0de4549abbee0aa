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
    int64_t *time_ns;  /* rows */
    unsigned char *sampled; /* rows x hosts: the host sampled at the row */
    pf_pair *pair;     /* rows x hosts */
};

static const char *const why_missing =
    " (written by runs whose properties name host.cpu_share_error, e.g. the built-in cpu_fairness; "
    "/series/vm/cpu_entitlement_mhz needs output.per_vm_series = true)";

/* A whole 2-D float64 series: dims out, values malloc'd (rows x cols). */
static int read_series(hid_t file, const char *path, hsize_t dims[2], double **out, char *err, size_t err_len)
{
    *out = NULL;
    if (h5r_exists(file, path) != 1) {
        snprintf(err, err_len, "%s is not in the run%s", path, why_missing);
        return -1;
    }
    hid_t d = h5r_open_dataset(file, path, 2, dims, err, err_len);
    if (d < 0)
        return -1;
    size_t cells = h5r_array_bytes(dims[0], (size_t)dims[1]);
    size_t bytes = cells ? h5r_array_bytes(cells, sizeof(double)) : 0;
    *out = malloc(bytes ? bytes : sizeof(double));
    int ok = *out && (cells == 0 || h5r_read_rows_f64(d, 0, dims[0], dims[1], *out) == 0);
    H5Dclose(d);
    if (!ok) {
        snprintf(err, err_len, "%s: cannot read %llu x %llu values", path, (unsigned long long)dims[0],
                 (unsigned long long)dims[1]);
        return -1;
    }
    return 0;
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

int pf_h5_load(hid_t file, int64_t end_ns, pf_h5 **out, char *err, size_t err_len)
{
    *out = NULL;
    pf_h5 *f = calloc(1, sizeof *f);
    double *host = NULL, *demand = NULL, *ent = NULL, *running = NULL;
    double *shares = NULL, *res = NULL, *lim = NULL;
    hsize_t dh[2], dd[2], de[2], dr[2];
    int rc = -1;
    if (!f) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    f->end_ns = end_ns;
    if (read_series(file, "/series/vm/host", dh, &host, err, err_len) != 0 ||
        read_series(file, "/series/vm/cpu_usable_demand_mhz", dd, &demand, err, err_len) != 0 ||
        read_series(file, "/series/vm/cpu_entitlement_mhz", de, &ent, err, err_len) != 0 ||
        read_series(file, "/series/host/vms_running", dr, &running, err, err_len) != 0)
        goto done;
    if (dd[0] != dh[0] || de[0] != dh[0] || dd[1] != dh[1] || de[1] != dh[1]) {
        snprintf(err, err_len, "/series/vm: host, cpu_usable_demand_mhz and cpu_entitlement_mhz differ in shape");
        goto done;
    }
    f->rows = (size_t)(dh[0] < dr[0] ? dh[0] : dr[0]);
    f->n_vms = (size_t)dh[1];
    f->n_hosts = (size_t)dr[1];
    size_t cells = h5r_array_bytes(f->rows, f->n_hosts);
    shares = malloc((f->n_vms ? f->n_vms : 1) * sizeof *shares);
    res = malloc((f->n_vms ? f->n_vms : 1) * sizeof *res);
    lim = malloc((f->n_vms ? f->n_vms : 1) * sizeof *lim);
    f->sampled = calloc(cells ? cells : 1, 1);
    f->pair = calloc(cells ? cells : 1, sizeof *f->pair);
    if (!shares || !res || !lim || !f->sampled || !f->pair || (f->rows && f->n_hosts && !cells)) {
        snprintf(err, err_len, "/series/vm: %zu samples x %zu hosts: out of memory", f->rows, f->n_hosts);
        goto done;
    }
    if (read_time(file, "/series/vm/time_ns", f->rows, &f->time_ns, err, err_len) != 0 ||
        read_resources(file, f->n_vms, shares, res, lim, err, err_len) != 0)
        goto done;
    for (size_t k = 0; k < f->rows; k++) {
        pf_pair *row = &f->pair[k * f->n_hosts];
        for (size_t h = 0; h < f->n_hosts; h++) {
            f->sampled[k * f->n_hosts + h] = !isnan(running[k * f->n_hosts + h]);
            pf_begin(&row[h]);
        }
        for (size_t v = 0; v < f->n_vms; v++) {
            double on = host[k * f->n_vms + v];
            if (!(on >= 0.0 && on < (double)f->n_hosts))
                continue;
            pf_vm vm = {.id = (int64_t)v, .shares = shares[v], .reservation_mhz = res[v], .limit_mhz = lim[v],
                        .usable_demand_mhz = demand[k * f->n_vms + v], .received_mhz = ent[k * f->n_vms + v]};
            pf_add(&row[(size_t)on], &vm);
        }
        for (size_t h = 0; h < f->n_hosts; h++)
            pf_end(&row[h]);
    }
    rc = 0;
done:
    free(host);
    free(demand);
    free(ent);
    free(running);
    free(shares);
    free(res);
    free(lim);
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
            ps_push(out, f->time_ns[k], f->pair[k * f->n_hosts + host_row].error) != 0)
            return -1;
    return 0;
}

void pf_h5_pair(const pf_h5 *f, size_t host_row, int64_t t, pf_pair *out)
{
    pf_begin(out);
    if (host_row >= f->n_hosts)
        return;
    for (size_t k = 0; k < f->rows && f->time_ns[k] <= t && f->time_ns[k] < f->end_ns; k++)
        if (f->sampled[k * f->n_hosts + host_row])
            *out = f->pair[k * f->n_hosts + host_row];
}

void pf_h5_free(pf_h5 *f)
{
    if (!f)
        return;
    free(f->time_ns);
    free(f->sampled);
    free(f->pair);
    free(f);
}
