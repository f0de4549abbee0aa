/* recorder.c - the recorder's file, root attributes, window protocol and
 * end of life (close with rename, or abort with delete).
 *
 * The file is created as final_path + ".partial-<pid>" and renamed only
 * after every dataset is complete and H5Fclose succeeded.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recorder/rec_internal.h"

#ifndef VDCSIM_VERSION
#define VDCSIM_VERSION "unknown"
#endif

void rec_fail(recorder *r, const char *fmt, ...)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&r->failed, &expected, 1))
        return; /* keep the first message: later ones are usually consequences */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
}

int rec_error(recorder *r, const char *fmt, ...)
{
    if (atomic_load(&r->failed))
        return -1; /* a sticky failure's message stays */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
    return -1;
}

const char *recorder_error(const recorder *r) { return r->error; }

int rec_name_ok(recorder *r, const char *what, const char *name)
{
    if (name == NULL || name[0] == '\0' || strlen(name) >= REC_NAME_MAX ||
        strchr(name, '/') != NULL || strcmp(name, ".") == 0) {
        rec_error(r, "%s: bad %s name '%s' (1-%d characters, no '/')", r->partial_path, what,
                 name != NULL ? name : "(null)", REC_NAME_MAX - 1);
        return 0;
    }
    return 1;
}

static char *rec_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

static void rec_free_memory(recorder *r)
{
    rec_tables_free(r);
    rec_gather_free(r);
    rec_series_free(r);
    rec_events_free(r);
    free(r->final_path);
    free(r->partial_path);
    free(r);
}

/* Closes every HDF5 object the recorder holds, then the file. */
static int rec_close_file(recorder *r)
{
    int rc = 0;
    for (int i = 0; i < r->n_tables; i++) {
        if (r->tables[i].dataset >= 0 && H5Dclose(r->tables[i].dataset) < 0)
            rc = -1;
        if (r->tables[i].mem_type >= 0 && H5Tclose(r->tables[i].mem_type) < 0)
            rc = -1;
        r->tables[i].dataset = r->tables[i].mem_type = H5I_INVALID_HID;
    }
    for (int i = 0; i < r->n_series; i++) {
        if (r->series[i].dataset >= 0 && H5Dclose(r->series[i].dataset) < 0)
            rc = -1;
        r->series[i].dataset = H5I_INVALID_HID;
    }
    for (int i = 0; i < r->n_groups; i++) {
        if (r->groups[i].time_dataset >= 0 && H5Dclose(r->groups[i].time_dataset) < 0)
            rc = -1;
        if (r->groups[i].group >= 0 && H5Gclose(r->groups[i].group) < 0)
            rc = -1;
        r->groups[i].time_dataset = r->groups[i].group = H5I_INVALID_HID;
    }
    if (r->events_dataset >= 0 && H5Dclose(r->events_dataset) < 0)
        rc = -1;
    if (r->event_mem_type >= 0 && H5Tclose(r->event_mem_type) < 0)
        rc = -1;
    r->events_dataset = r->event_mem_type = H5I_INVALID_HID;
    if (r->tables_group >= 0 && H5Gclose(r->tables_group) < 0)
        rc = -1;
    if (r->series_group >= 0 && H5Gclose(r->series_group) < 0)
        rc = -1;
    r->tables_group = r->series_group = H5I_INVALID_HID;
    if (r->file >= 0 && H5Fclose(r->file) < 0)
        rc = -1;
    r->file = H5I_INVALID_HID;
    return rc;
}

recorder *recorder_open(const char *final_path, int max_threads, char *err, size_t err_len)
{
    if (err_len > 0)
        err[0] = '\0';
    if (final_path == NULL || final_path[0] == '\0' || max_threads < 1) {
        snprintf(err, err_len, "recorder: need an output path and max_threads >= 1");
        return NULL;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* failures become our messages */

    recorder *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, err_len, "%s: out of memory", final_path);
        return NULL;
    }
    r->file = r->tables_group = r->series_group = H5I_INVALID_HID;
    r->events_dataset = r->event_mem_type = H5I_INVALID_HID;
    r->writable_end_ns = INT64_MIN;
    r->final_end_ns = INT64_MIN;
    r->max_threads = max_threads;
    r->dist_ranks = 1;
    atomic_init(&r->failed, 0);

    size_t partial_len = strlen(final_path) + 64;
    r->final_path = rec_strdup(final_path);
    r->partial_path = malloc(partial_len);
    r->thread_events = calloc((size_t)max_threads, sizeof *r->thread_events);
    r->put_caches = calloc((size_t)max_threads, sizeof *r->put_caches);
    r->series_epoch = 1;
    if (r->final_path == NULL || r->partial_path == NULL || r->thread_events == NULL || r->put_caches == NULL) {
        snprintf(err, err_len, "%s: out of memory", final_path);
        rec_free_memory(r);
        return NULL;
    }
    snprintf(r->partial_path, partial_len, "%s.partial-%ld", final_path, (long)getpid());

    /* Create the temporary ourselves, new and not through a symbolic link
     * (someone may have planted one at the name to make us overwrite its
     * target); HDF5 then truncates that very file, which is checked after. */
    int fd = open(r->partial_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, err_len, "cannot create '%s': %s%s", r->partial_path, strerror(errno),
                 errno == EEXIST || errno == ELOOP ? " (something already has that name: not following or replacing it)"
                                                   : "");
        rec_free_memory(r);
        return NULL;
    }
    struct stat made;
    int made_ok = fstat(fd, &made) == 0;
    close(fd);
    /* The 1.10 file format checksums its metadata (superblock, object
     * headers, chunk indexes), as Fletcher-32 checksums the data chunks: a
     * damaged file is refused by readers instead of read wrong. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fapl >= 0 && fcpl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0 &&
        rec_h5_small_metadata_cache(fapl) >= 0 && rec_h5_keep_compact(fcpl, 1) >= 0)
        r->file = H5Fcreate(r->partial_path, H5F_ACC_TRUNC, fcpl, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (r->file < 0) {
        char detail[512];
        rec_h5_last_error(detail, sizeof detail);
        snprintf(err, err_len, "cannot create HDF5 file '%s': %s", r->partial_path,
                 detail[0] != '\0' ? detail : "unknown HDF5 error");
        remove(r->partial_path);
        rec_free_memory(r);
        return NULL;
    }
    struct stat now;
    if (!made_ok || lstat(r->partial_path, &now) != 0 || !S_ISREG(now.st_mode) || now.st_dev != made.st_dev ||
        now.st_ino != made.st_ino) {
        snprintf(err, err_len, "'%s' was replaced while it was being created: not writing through it",
                 r->partial_path);
        recorder_abort(r);
        return NULL;
    }
    int64_t version = REC_FORMAT_VERSION;
    r->tables_group = rec_h5_group_new(r->file, "tables");
    r->series_group = rec_h5_group_new(r->file, "series");
    if (r->tables_group < 0 || r->series_group < 0 ||
        rec_h5_attr_str(r->file, "format", REC_FORMAT_NAME) < 0 ||
        rec_h5_attr_write(r->file, "format_version", H5T_STD_I64LE, H5T_NATIVE_INT64, &version) <
            0 ||
        rec_h5_attr_str(r->file, "vdcsim_version", VDCSIM_VERSION) < 0) {
        rec_h5_fail(r, "cannot create the root groups and attributes");
        snprintf(err, err_len, "%s", r->error);
        recorder_abort(r);
        return NULL;
    }
    return r;
}

static int rec_attr_name_ok(recorder *r, const char *name)
{
    if (r->file < 0 || atomic_load(&r->failed))
        return 0;
    if (name == NULL || name[0] == '\0') {
        rec_error(r, "%s: empty attribute name", r->partial_path);
        return 0;
    }
    if (strcmp(name, "format") == 0 || strcmp(name, "format_version") == 0) {
        rec_error(r, "%s: attribute '%s' is reserved for the recorder", r->partial_path, name);
        return 0;
    }
    return 1;
}

int rec_attr_str(recorder *r, const char *name, const char *value)
{
    if (!rec_attr_name_ok(r, name))
        return -1;
    if (rec_h5_attr_str(r->file, name, value) < 0)
        return rec_h5_fail(r, "root attribute '%s'", name);
    return 0;
}

int rec_attr_i64(recorder *r, const char *name, int64_t value)
{
    if (!rec_attr_name_ok(r, name))
        return -1;
    if (rec_h5_attr_write(r->file, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value) < 0)
        return rec_h5_fail(r, "root attribute '%s'", name);
    return 0;
}

int rec_attr_f64(recorder *r, const char *name, double value)
{
    if (!rec_attr_name_ok(r, name))
        return -1;
    if (rec_h5_attr_write(r->file, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value) < 0)
        return rec_h5_fail(r, "root attribute '%s'", name);
    return 0;
}

/* This HDF5 build is thread-safe, so its automatic error printing is a
 * per-thread setting: the engine may run the window hook on any of its
 * threads, so every entry point that writes turns it off for its thread. */
static void rec_quiet_this_thread(void) { rec_h5_quiet_thread(); }

int recorder_window_begin(recorder *r, sim_time_ns window_end_ns)
{
    rec_quiet_this_thread();
    if (atomic_load(&r->failed))
        return -1;
    if (window_end_ns < r->writable_end_ns || window_end_ns < r->final_end_ns) {
        rec_error(r, "%s: window end %lld is before an earlier window's end", r->partial_path,
                 (long long)window_end_ns);
        return -1;
    }
    if (rec_events_freeze(r) < 0)
        return -1;
    r->writable_end_ns = window_end_ns;
    return rec_series_window_begin(r, window_end_ns);
}

int recorder_window_end(recorder *r, sim_time_ns window_end_ns)
{
    rec_quiet_this_thread();
    /* every rank takes part in the gather, failed or not */
    if (r->dist_ranks > 1 && rec_gather_window(r, window_end_ns) != 0)
        return -1;
    if (atomic_load(&r->failed))
        return -1;
    if (window_end_ns < r->final_end_ns) {
        rec_error(r, "%s: window end %lld is before an earlier window's end", r->partial_path,
                 (long long)window_end_ns);
        return -1;
    }
    if (rec_events_freeze(r) < 0 || rec_writing_finish(r) < 0)
        return -1;
    r->final_end_ns = window_end_ns;
    if (r->writable_end_ns < window_end_ns)
        r->writable_end_ns = window_end_ns;
    if (rec_series_window_end(r, window_end_ns) < 0 || rec_events_window_end(r, window_end_ns) < 0 ||
        rec_tables_flush(r, 0) < 0)
        return -1;
    return atomic_load(&r->failed) ? -1 : 0;
}

int recorder_end_series(recorder *r, sim_time_ns end_ns)
{
    rec_quiet_this_thread();
    if (atomic_load(&r->failed))
        return -1;
    if (r->series_ended)
        return end_ns == r->series_end_ns ? 0 : rec_error(r, "%s: the series ended at %lld ns already, not %lld",
                                                          r->partial_path, (long long)r->series_end_ns,
                                                          (long long)end_ns);
    r->series_ended = 1;
    r->series_end_ns = end_ns;
    return rec_series_close(r, end_ns) < 0 ? -1 : 0;
}

int recorder_close(recorder *r, sim_time_ns end_ns, char *err, size_t err_len)
{
    if (err_len > 0)
        err[0] = '\0';
    rec_quiet_this_thread();
    int rc = atomic_load(&r->failed) ? -1 : 0;
    if (rc == 0 && (rec_events_freeze(r) < 0 || recorder_end_series(r, end_ns) < 0 ||
                    rec_events_close(r, end_ns) < 0 || rec_tables_flush(r, 1) < 0))
        rc = -1;
    if (rec_close_file(r) < 0 && rc == 0) {
        rec_h5_fail(r, "cannot close the file");
        rc = -1;
    }
    if (rc == 0 && rename(r->partial_path, r->final_path) != 0) {
        rec_fail(r, "%s: cannot rename to '%s': %s", r->partial_path, r->final_path,
                 strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        snprintf(err, err_len, "%s", r->error[0] != '\0' ? r->error : "recorder: close failed");
        remove(r->partial_path);
    }
    rec_free_memory(r);
    return rc;
}

void recorder_abort(recorder *r)
{
    if (r == NULL)
        return;
    rec_quiet_this_thread();
    rec_close_file(r);
    H5Eclear2(H5E_DEFAULT);
    remove(r->partial_path);
    rec_free_memory(r);
}
