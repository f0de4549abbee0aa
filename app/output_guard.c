/* output_guard.c - checks and locks around a run's output (see output_guard.h). */
#define _DEFAULT_SOURCE /* flock */
#include "app/output_guard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/h5_read.h"
#include "app/cli_error.h"
#include "recorder/recorder.h"

#define SUMMARY_SUFFIX ".summary.txt"
#define SUMMARY_FIRST_LINE "vdcsim run summary"

/* The directory part of path ("." when none) into buf. */
static void dir_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, len, ".");
    else if (slash == path)
        snprintf(buf, len, "/");
    else
        snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* 1 when path is a vdcsim run file (format attributes checked), of this
 * format_version or of version 1 (which the readers refuse, but which a
 * run of an earlier vdcsim wrote and a new run may replace). */
static int is_run_file(const char *path)
{
    char err[512];
    h5r_quiet q;
    h5r_quiet_begin(&q);
    int64_t version;
    hid_t f = h5r_open_run(path, &version, err, sizeof err);
    if (f < 0)
        f = h5r_open_format(path, REC_FORMAT_NAME, 1, "vdcsim run file", err, sizeof err);
    int ok = f >= 0;
    if (ok)
        H5Fclose(f);
    h5r_quiet_end(&q);
    return ok;
}

/* 1 when path starts with the summary's first line. */
static int is_summary_file(const char *path)
{
    char line[sizeof SUMMARY_FIRST_LINE] = "";
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t got = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[got] = '\0';
    return strcmp(line, SUMMARY_FIRST_LINE) == 0;
}

/* Refuses to replace `path` unless it is absent or `ours` says it is a file
 * a run wrote. */
static int check_target(const char *path, const char *what, const struct stat *scenario, int (*ours)(const char *),
                        int force)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : (fprintf(stderr, "vdcsim: %s '%s': %s\n", what, path, strerror(errno)), -1);
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "vdcsim: %s '%s' is a directory\n", what, path);
        return -1;
    }
    struct stat target;
    if (scenario && stat(path, &target) == 0 && same_file(&target, scenario)) {
        fprintf(stderr, "vdcsim: %s '%s' is the scenario file itself: refusing to overwrite it\n", what, path);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "vdcsim: %s '%s' is not a regular file (a symbolic link or device): refusing to replace it\n",
                what, path);
        return -1;
    }
    if (!force && !ours(path)) {
        fprintf(stderr,
                "vdcsim: %s '%s' exists and was not written by vdcsim: refusing to overwrite it "
                "(remove it, choose another -o, or pass --force)\n",
                what, path);
        return -1;
    }
    return 0;
}

int output_preflight(const char *out_path, const char *scenario_path, int force)
{
    char dir[4096], summary[4200];
    if (!out_path[0]) {
        fprintf(stderr, "vdcsim: empty output path\n");
        return CLI_EXIT_BAD_INPUT;
    }
    snprintf(summary, sizeof summary, "%s%s", out_path, SUMMARY_SUFFIX);
    struct stat scn;
    int have_scn = stat(scenario_path, &scn) == 0;
    if (check_target(out_path, "output", have_scn ? &scn : NULL, is_run_file, force) != 0 ||
        check_target(summary, "summary", have_scn ? &scn : NULL, is_summary_file, force) != 0)
        return CLI_EXIT_BAD_INPUT;
    dir_of(out_path, dir, sizeof dir);
    struct stat d;
    if (stat(dir, &d) != 0 || !S_ISDIR(d.st_mode) || access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "vdcsim: output '%s': directory '%s' %s\n", out_path, dir,
                stat(dir, &d) != 0 ? "does not exist" : "is not a writable directory");
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}

int output_lock(const char *out_path)
{
    char path[4200];
    snprintf(path, sizeof path, "%s.lock", out_path);
    /* Retry when the file was replaced between open and flock (a run that
     * finished removed it and another created a new one). */
    for (int attempt = 0; attempt < 8; attempt++) {
        int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "vdcsim: cannot create the lock file '%s': %s\n", path, strerror(errno));
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            fprintf(stderr, "vdcsim: another vdcsim run is writing '%s' (it holds '%s'): not starting\n", out_path,
                    path);
            close(fd);
            return -1;
        }
        struct stat held, now;
        if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && same_file(&held, &now))
            return fd;
        close(fd);
    }
    fprintf(stderr, "vdcsim: cannot take the lock '%s'\n", path);
    return -1;
}

void output_unlock(const char *out_path, int fd)
{
    if (fd < 0)
        return;
    char path[4200];
    snprintf(path, sizeof path, "%s.lock", out_path);
    unlink(path); /* while still held: a waiting run re-checks the inode */
    close(fd);
}

/* The PID of a temporary name "<base>.partial-<digits>", or 0. */
static long partial_pid(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".partial-", 9) != 0)
        return 0;
    const char *digits = name + n + 9;
    char *end;
    long pid = strtol(digits, &end, 10);
    return end != digits && *end == '\0' && pid > 0 ? pid : 0;
}

void output_remove_stale(const char *out_path)
{
    char dir[4096], base[4200], summary_base[4300];
    dir_of(out_path, dir, sizeof dir);
    const char *slash = strrchr(out_path, '/');
    snprintf(base, sizeof base, "%s", slash ? slash + 1 : out_path);
    snprintf(summary_base, sizeof summary_base, "%s%s", base, SUMMARY_SUFFIX);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = partial_pid(e->d_name, base);
        if (!pid)
            pid = partial_pid(e->d_name, summary_base);
        if (!pid || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char path[8500];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue; /* never follow or remove a link someone planted */
        if (unlink(path) == 0)
            fprintf(stderr, "vdcsim: removed '%s', left by process %ld which no longer runs\n", path, pid);
    }
    closedir(d);
}

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig) { caught_signal = sig; }

void output_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int output_signal_caught(void) { return caught_signal; }

const char *output_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}
