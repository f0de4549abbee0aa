/* out_dir.c - see out_dir.h. */
#include "analysis/out_dir.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int out_dir_make(const char *path, char *err, size_t err_len)
{
    if (mkdir(path, 0777) == 0)
        return 0;
    if (errno != EEXIST) {
        snprintf(err, err_len, "%.1500s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_len, "%.1500s: exists and is not a directory (a symbolic link is not followed)", path);
        return -1;
    }
    return 0;
}
