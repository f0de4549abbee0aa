/* spill.c - blocks of a run's records parked on disk (spill.h). */
#include "sim/spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct spill {
    int fd;
    _Atomic int64_t end; /* bytes reserved so far */
};

spill *spill_open(void)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    char path[4096];
    if (snprintf(path, sizeof path, "%s/vdcsim-spill-XXXXXX", dir) >= (int)sizeof path)
        return NULL;
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    unlink(path); /* gone with the process; the open descriptor keeps it */
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC); /* not for the runs a sweep starts */
    spill *s = malloc(sizeof *s);
    if (s == NULL) {
        close(fd);
        return NULL;
    }
    s->fd = fd;
    atomic_init(&s->end, 0);
    return s;
}

int64_t spill_put(spill *s, const void *data, size_t len)
{
    if (s == NULL)
        return -1;
    int64_t at = atomic_fetch_add(&s->end, (int64_t)len);
    const char *p = data;
    for (size_t done = 0; done < len;) {
        ssize_t n = pwrite(s->fd, p + done, len - done, (off_t)(at + (int64_t)done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1; /* the range stays reserved, unused */
        done += (size_t)n;
    }
    return at;
}

int spill_get(const spill *s, int64_t offset, void *data, size_t len)
{
    char *p = data;
    for (size_t done = 0; done < len;) {
        ssize_t n = pread(s->fd, p + done, len - done, (off_t)(offset + (int64_t)done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

int64_t spill_bytes(const spill *s) { return s ? atomic_load(&s->end) : 0; }

void spill_close(spill *s)
{
    if (s == NULL)
        return;
    close(s->fd);
    free(s);
}
