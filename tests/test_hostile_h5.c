/* test_hostile_h5.c - `summary` refuses crafted and damaged run files
 * (issue 13, items 1 and 3) with a message instead of crashing, hanging or
 * printing garbage.
 *
 * Every hostile file is built here with the HDF5 C API (no committed
 * binaries, no h5py): a table claiming 2^61 rows, one claiming 2^36
 * never-written rows, external and soft links, external raw-data storage, a
 * start time whose sample times overflow an int64, a series wider than its
 * entity table, and a recorder-written file with one bit of a data chunk
 * flipped (the Fletcher-32 checksum must catch it). Each has a control: the
 * same file made sane reads back.
 */
#include <hdf5.h> /* include path from CMake (HDF5_INCLUDE_DIRS) */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/metric_run.h"
#include "analysis/run_summary.h"
#include "recorder/recorder.h"
#include "tests/check.h"

static void path_in_tmp(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/hostile_%s", VDCSIM_TEST_TMPDIR, name);
}

static void attr_i64(hid_t obj, const char *name, int64_t value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, H5T_NATIVE_INT64, &value);
    H5Aclose(attr);
    H5Sclose(space);
}

/* A fixed-length string attribute, as the recorder writes them. */
static void attr_str(hid_t obj, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, strlen(value) + 1);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, value);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

/* A variable-length one: its value lives in the global heap (no checksum). */
static void attr_vlen_str(hid_t obj, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, &value);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
}

/* A file the reader accepts as a vdcsim run: root attributes only. */
static hid_t new_run_file(const char *path)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    attr_str(file, "format", "vdcsim");
    attr_i64(file, "format_version", REC_FORMAT_VERSION);
    H5Gclose(H5Gcreate2(file, "tables", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    return file;
}

typedef struct {
    char name[8];
    int64_t cores, memory_mib;
    double cpu_capacity_mhz;
} host_row;

typedef struct {
    char *name;
    int64_t cores, memory_mib;
    double cpu_capacity_mhz;
} host_row_vlen;

/* The hosts row: `name` fixed-length (8 bytes) as the recorder writes it,
 * or (vlen) variable-length as format_version 1 did. */
static hid_t host_type(int vlen)
{
    hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, vlen ? H5T_VARIABLE : 8);
    hid_t t = H5Tcreate(H5T_COMPOUND, vlen ? sizeof(host_row_vlen) : sizeof(host_row));
    H5Tinsert(t, "name", vlen ? HOFFSET(host_row_vlen, name) : HOFFSET(host_row, name), str);
    H5Tinsert(t, "cores", vlen ? HOFFSET(host_row_vlen, cores) : HOFFSET(host_row, cores), H5T_NATIVE_INT64);
    H5Tinsert(t, "memory_mib", vlen ? HOFFSET(host_row_vlen, memory_mib) : HOFFSET(host_row, memory_mib),
              H5T_NATIVE_INT64);
    H5Tinsert(t, "cpu_capacity_mhz",
              vlen ? HOFFSET(host_row_vlen, cpu_capacity_mhz) : HOFFSET(host_row, cpu_capacity_mhz),
              H5T_NATIVE_DOUBLE);
    H5Tclose(str);
    return t;
}

/* /tables/hosts with `rows` rows in chunks of 256; the first `written`
 * rows hold data (2 cores, 1024 MiB, 4000 MHz), the rest were never written. */
static void hosts_table(hid_t file, hsize_t rows, hsize_t written, hid_t dcpl_extra)
{
    hid_t type = host_type(0);
    hsize_t max = H5S_UNLIMITED, chunk = 256;
    hid_t space = H5Screate_simple(1, &rows, &max);
    hid_t dcpl = dcpl_extra >= 0 ? H5Pcopy(dcpl_extra) : H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl_extra < 0)
        H5Pset_chunk(dcpl, 1, &chunk);
    hid_t ds = H5Dcreate2(file, "/tables/hosts", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    CHECK(ds >= 0);
    if (written > 0) {
        host_row *r = calloc(written, sizeof *r);
        for (hsize_t i = 0; i < written; i++)
            r[i] = (host_row){"esx", 2, 1024, 4000.0};
        hsize_t start = 0;
        hid_t fspace = H5Dget_space(ds);
        hid_t mspace = H5Screate_simple(1, &written, NULL);
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &written, NULL);
        H5Dwrite(ds, type, mspace, fspace, H5P_DEFAULT, r);
        H5Sclose(mspace);
        H5Sclose(fspace);
        free(r);
    }
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Tclose(type);
}

/* Reads `path` with the summary reader: 0 or -1, message in err. */
static int summarize(const char *path, run_summary *s, char *err, size_t len)
{
    err[0] = '\0';
    return run_summary_read(path, s, err, len);
}

static void check_refused(const char *path, const char *want)
{
    run_summary s;
    char err[2048];
    int rc = summarize(path, &s, err, sizeof err);
    CHECK_INT_EQ(rc, -1);
    if (!strstr(err, want))
        fprintf(stderr, "  message '%s' lacks '%s'\n", err, want);
    CHECK(strstr(err, want) != NULL);
    CHECK(strstr(err, path) != NULL); /* names the file */
}

/* The named metrics (`vdcsim metrics`, sweeps) read the same tables through
 * metric_run.c: they refuse the same files with the same message. */
static void check_metrics_refused(const char *path, const char *want)
{
    char err[2048] = "";
    metric_run *r = metric_run_open(path, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return;
    const metric_hosts *h;
    CHECK_INT_EQ(metric_run_hosts(r, &h), -1);
    const char *msg = metric_run_error(r);
    if (!strstr(msg, want))
        fprintf(stderr, "  metrics message '%s' lacks '%s'\n", msg, want);
    CHECK(strstr(msg, want) != NULL);
    metric_run_close(r);
}

/* Item 1: 2^61 rows of a 32-byte row would need 2^66 bytes; sizing an array
 * from it overflowed size_t and wrote past a small buffer. */
static void test_rows_overflow(void)
{
    char path[1024];
    path_in_tmp(path, sizeof path, "rows_2p61.h5");
    hid_t file = new_run_file(path);
    hosts_table(file, (hsize_t)1 << 61, 0, -1);
    H5Fclose(file);
    check_refused(path, "/tables/hosts: extent of more than");
    check_metrics_refused(path, "/tables/hosts: extent of more than");
}

/* Item 3: 2^34 rows of which 3 were written (one 256-row chunk; 2^34 rows
 * of 40 bytes is 640 GiB, under the 1 TiB extent bound): the rest hold no
 * data, and reading them as fill values would not end. */
static void test_never_written_rows(void)
{
    char path[1024];
    path_in_tmp(path, sizeof path, "rows_unwritten.h5");
    hid_t file = new_run_file(path);
    hosts_table(file, (hsize_t)1 << 34, 3, -1);
    H5Fclose(file);
    check_refused(path, "claims 17179869184 rows but holds data for 256");
    check_metrics_refused(path, "claims 17179869184 rows but holds data for 256");

    /* Control: the same table with only its 3 written rows reads back. */
    path_in_tmp(path, sizeof path, "rows_sane.h5");
    file = new_run_file(path);
    hosts_table(file, 3, 3, -1);
    H5Fclose(file);
    run_summary s;
    char err[2048];
    CHECK_INT_EQ(summarize(path, &s, err, sizeof err), 0);
    CHECK_INT_EQ(s.hosts, 3);
    CHECK_INT_EQ(s.cores, 6);
    CHECK_INT_EQ(s.memory_mib, 3072);
    CHECK_NEAR(s.cpu_capacity_mhz, 12000.0, 0.0);
}

/* Item 14: control bytes in strings from the file are printed escaped. */
static void test_control_bytes_escaped(void)
{
    char path[1024];
    path_in_tmp(path, sizeof path, "escape.h5");
    hid_t file = new_run_file(path);
    attr_str(file, "scenario_path", "a\033[2Jb");
    H5Fclose(file);
    run_summary s;
    char err[2048];
    CHECK_INT_EQ(summarize(path, &s, err, sizeof err), 0);
    CHECK(strcmp(s.scenario_path, "a\\x1b[2Jb") == 0);
}

/* Item 3: links out of the file (or anywhere but the object itself) are
 * refused before they are followed. */
static void test_links(void)
{
    char target[1024], path[1024];
    path_in_tmp(target, sizeof target, "link_target.h5");
    hid_t file = new_run_file(target);
    hosts_table(file, 3, 3, -1);
    H5Fclose(file);

    path_in_tmp(path, sizeof path, "external_link.h5");
    file = new_run_file(path);
    H5Lcreate_external(target, "/tables/hosts", file, "/tables/hosts", H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(file);
    check_refused(path, "is a external link");

    path_in_tmp(path, sizeof path, "soft_link.h5");
    file = new_run_file(path);
    hosts_table(file, 3, 3, -1);
    H5Lmove(file, "/tables/hosts", file, "/real_hosts", H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_soft("/real_hosts", file, "/tables/hosts", H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(file);
    check_refused(path, "is a soft link");
}

/* Item 3: raw data in an external file (any file the reader can open). */
static void test_external_storage(void)
{
    char path[1024], raw[1024];
    path_in_tmp(path, sizeof path, "external_raw.h5");
    path_in_tmp(raw, sizeof raw, "external_raw.bin");
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_external(dcpl, raw, 0, H5F_UNLIMITED);
    hid_t file = new_run_file(path);
    /* external storage needs a fixed-size type: a compound of numbers */
    hsize_t rows = 2;
    hid_t space = H5Screate_simple(1, &rows, NULL);
    hid_t type = H5Tcreate(H5T_COMPOUND, 8);
    H5Tinsert(type, "cores", 0, H5T_NATIVE_INT64);
    hid_t ds = H5Dcreate2(file, "/tables/hosts", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    CHECK(ds >= 0);
    int64_t cores[2] = {1, 2};
    H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, cores);
    H5Dclose(ds);
    H5Tclose(type);
    H5Sclose(space);
    H5Pclose(dcpl);
    H5Fclose(file);
    check_refused(path, "external raw-data file");
    remove(raw);
}

/* Item 3: start_ns 2^62 with period 2^61 makes sample 2's time 2^63. */
static void test_start_time_overflow(void)
{
    char path[1024];
    path_in_tmp(path, sizeof path, "start_overflow.h5");
    hid_t file = new_run_file(path);
    hosts_table(file, 1, 1, -1);
    hid_t series = H5Gcreate2(file, "series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t host = H5Gcreate2(series, "host", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    attr_i64(host, "start_ns", INT64_C(1) << 62);
    attr_i64(host, "period_ns", INT64_C(1) << 61);
    hsize_t n = 3;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t t = H5Dcreate2(host, "time_ns", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int64_t times[3] = {0, 1, 2};
    H5Dwrite(t, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, times);
    H5Dclose(t);
    H5Sclose(space);
    H5Gclose(host);
    H5Gclose(series);
    H5Fclose(file);
    check_refused(path, "every sample time below 2^63 ns");
}

/* Item 3: a series with more columns than its entity table has rows (the
 * cells would be read as never-written fill without end). */
static void test_series_wider_than_table(void)
{
    char path[1024];
    path_in_tmp(path, sizeof path, "wide_series.h5");
    hid_t file = new_run_file(path);
    hosts_table(file, 1, 1, -1);
    hid_t series = H5Gcreate2(file, "series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t vm = H5Gcreate2(series, "host", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    attr_i64(vm, "start_ns", 0);
    attr_i64(vm, "period_ns", 60);
    hsize_t n = 2;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t t = H5Dcreate2(vm, "time_ns", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int64_t times[2] = {0, 60};
    H5Dwrite(t, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, times);
    H5Dclose(t);
    H5Sclose(space);
    hsize_t dims[2] = {2, (hsize_t)1 << 30}, chunk[2] = {2, 1024};
    space = H5Screate_simple(2, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    hid_t ds = H5Dcreate2(vm, "cpu_ready_pct", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    attr_str(ds, "entity_table", "/tables/hosts");
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Gclose(vm);
    H5Gclose(series);
    H5Fclose(file);
    check_refused(path, "1073741824 columns but its entity_table has 1 entities");
}

/* Issue 13, part 1: a variable-length string (its bytes in the global heap,
 * which no checksum covers) is refused, not read: a table column of the
 * format_version 1 kind in a file that claims version 2, and a
 * variable-length root attribute `format` (h5py's default for str). */
static void test_variable_length_strings(void)
{
    char path[1024];
    path_in_tmp(path, sizeof path, "vlen_names.h5");
    hid_t file = new_run_file(path);
    hid_t type = host_type(1);
    hsize_t rows = 2;
    hid_t space = H5Screate_simple(1, &rows, NULL);
    hid_t ds = H5Dcreate2(file, "/tables/hosts", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    host_row_vlen data[2] = {{"esx-1", 2, 1024, 4000.0}, {"esx-2", 2, 1024, 4000.0}};
    CHECK(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    /* a series naming the hosts, so that the summary looks up a host name */
    hid_t series = H5Gcreate2(file, "series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t host = H5Gcreate2(series, "host", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    attr_i64(host, "start_ns", 0);
    attr_i64(host, "period_ns", 60);
    hsize_t n = 1;
    hid_t tspace = H5Screate_simple(1, &n, NULL);
    hid_t t = H5Dcreate2(host, "time_ns", H5T_STD_I64LE, tspace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int64_t time0 = 0;
    H5Dwrite(t, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &time0);
    hsize_t dims[2] = {1, 2};
    hid_t sspace = H5Screate_simple(2, dims, NULL);
    hid_t usage = H5Dcreate2(host, "cpu_usage_mhz", H5T_IEEE_F64LE, sspace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double mhz[2] = {1000.0, 3000.0};
    H5Dwrite(usage, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, mhz);
    attr_str(usage, "entity_table", "/tables/hosts");
    H5Dclose(usage);
    H5Sclose(sspace);
    H5Dclose(t);
    H5Sclose(tspace);
    H5Gclose(host);
    H5Gclose(series);
    H5Dclose(ds);
    H5Sclose(space);
    H5Tclose(type);
    H5Fclose(file);
    check_refused(path, "/tables/hosts: column 'name' holds variable-length strings");

    path_in_tmp(path, sizeof path, "vlen_format.h5");
    file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    attr_vlen_str(file, "format", "vdcsim");
    attr_i64(file, "format_version", REC_FORMAT_VERSION);
    H5Fclose(file);
    check_refused(path, "root attribute 'format' is not a fixed-length string");
}

static const rec_column host_columns[] = {
    {"name", REC_STR, NULL},
    {"cores", REC_I64, NULL},
    {"memory_mib", REC_I64, "MiB"},
    {"cpu_capacity_mhz", REC_F64, "MHz"},
};

/* Item 3: one flipped bit in a data chunk of a recorder-written file is
 * caught by Fletcher-32 (before, it read back as a wrong number). */
static void test_flipped_chunk_bit(void)
{
    char path[1024], err[2048];
    path_in_tmp(path, sizeof path, "flipped.h5");
    recorder *r = recorder_open(path, 1, err, sizeof err);
    CHECK(r != NULL);
    if (!r)
        return;
    int table = rec_table_new(r, "hosts", host_columns, 4);
    for (int i = 0; i < 4; i++) {
        rec_value row[] = {{.str = "esx"}, {.i64 = 8}, {.i64 = 65536}, {.f64 = 8 * 2600.0}};
        rec_table_row(r, table, row);
    }
    CHECK_INT_EQ(recorder_close(r, 0, err, sizeof err), 0);

    run_summary s;
    CHECK_INT_EQ(summarize(path, &s, err, sizeof err), 0); /* control: intact */
    CHECK_INT_EQ(s.cores, 32);

    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(file, "/tables/hosts", H5P_DEFAULT);
    hid_t space = H5Dget_space(ds);
    hsize_t offset[1];
    unsigned mask = 0;
    haddr_t addr = 0;
    hsize_t size = 0;
    CHECK(H5Dget_chunk_info(ds, space, 0, offset, &mask, &addr, &size) >= 0);
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(file);
    CHECK(size > 8);
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    if (!f)
        return;
    long at = (long)(addr + size / 2);
    fseek(f, at, SEEK_SET);
    int byte = fgetc(f);
    fseek(f, at, SEEK_SET);
    fputc(byte ^ 1, f);
    fclose(f);
    check_refused(path, "/tables/hosts: cannot read column");
}

int main(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    test_rows_overflow();
    test_never_written_rows();
    test_links();
    test_external_storage();
    test_start_time_overflow();
    test_series_wider_than_table();
    test_flipped_chunk_bit();
    test_control_bytes_escaped();
    test_variable_length_strings();
    return CHECK_DONE();
}
