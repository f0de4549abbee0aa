/* out_dir.h - creating an output directory the user named.
 *
 * The directory is created (mode 0777 before the umask) or, when it exists,
 * must be a real directory: a symbolic link planted at that name is refused,
 * so results never land where the user did not ask. Parent directories are
 * not created.
 */
#ifndef VDCSIM_ANALYSIS_OUT_DIR_H
#define VDCSIM_ANALYSIS_OUT_DIR_H

#include <stddef.h>

/* 0, or -1 with "PATH: why" in err. */
int out_dir_make(const char *path, char *err, size_t err_len);

#endif
