/* fuzz_input.h - what the fuzz targets share: the libFuzzer entry point's
 * prototype, a helper that puts the input in a temporary file for
 * readers that take a path (the trace readers), and for the HDF5 readers
 * an in-memory open of the input and a check that no HDF5 id is left open.
 * Each target is built with libFuzzer under clang (`make fuzz`), or linked
 * with mutate_main.c, a deterministic mutation loop, under another compiler.
 */
#ifndef VDCSIM_FUZZ_INPUT_H
#define VDCSIM_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to a per-process temporary file named after `suffix` (a
 * directory name for trace folders is built by the caller); returns its
 * path in buf, or NULL. */
static inline const char *fuzz_write_file(const uint8_t *data, size_t size, const char *suffix, char *buf,
                                          size_t len)
{
    snprintf(buf, len, "/tmp/vdcsim-fuzz-%ld%s", (long)getpid(), suffix);
    FILE *f = fopen(buf, "wb");
    if (!f)
        return NULL;
    size_t wrote = fwrite(data, 1, size, f);
    int failed = fclose(f) != 0 || wrote != size;
    return failed ? NULL : buf;
}

/* Aborts when an input left an HDF5 identifier open. H5Fget_obj_count
 * (H5F_OBJ_ALL) counts the objects of files and, with HDF5 1.10.8, also
 * transient datatypes (H5Tcopy, H5Dget_type), but not dataspaces. So
 * fuzz_hdf5_mark_now() also takes a probe datatype and dataspace id before
 * the input: ids of a kind are handed out in increasing order, so every id
 * the input made lies between that probe and one taken after it, and each
 * still valid there was leaked. `vdcsim sweep` reads every run in one
 * process, where leaked ids would pile up and keep files open. (HDF5's own
 * "infinite loop closing library ... T_top" at the exit of a fuzz target
 * comes from libhdf5's internal state after damaged headers, with no id
 * left open by vdcsim: these checks pass.) */
#ifdef H5_VERS_MAJOR
/* The HDF5 targets read each input from memory: fuzz_hdf5_open_image
 * opens it with the core driver from a file image (H5Pset_file_image: no
 * temporary file written, no read system call per metadata block) under
 * this name, which must not exist (the core driver refuses to open an image
 * over an existing file) and names the input in the readers' messages. */
#define FUZZ_HDF5_IMAGE_NAME "/dev/null/fuzz-input.h5"

/* Once per process: HDF5's automatic error printing off (the readers turn
 * it off around each read anyway) and its free lists allowed to keep what
 * one input frees for the next. With the default limits (64 KiB per list
 * of fixed-size objects) each file open allocated and zeroed a new 0.5 MiB
 * metadata-cache structure (H5C_t), and each chunk and type-conversion
 * buffer came fresh from the allocator: under ASan, whose large blocks are
 * mmap-ed and unmapped each time, the page faults were about a third of
 * every execution. The limits still bound what the lists keep. */
static inline void fuzz_hdf5_setup(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    H5open();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    H5set_free_list_limits(16 << 20, 4 << 20, 16 << 20, 4 << 20, 64 << 20, 16 << 20);
}

/* Opens the input as a read-only HDF5 file held in memory, or returns
 * H5I_INVALID_HID (not an HDF5 image, or an empty input). The library
 * copies the bytes, so `data` is not kept. */
static inline hid_t fuzz_hdf5_open_image(const uint8_t *data, size_t size)
{
    fuzz_hdf5_setup();
    if (size == 0)
        return H5I_INVALID_HID;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), file = H5I_INVALID_HID;
    if (fapl >= 0 && H5Pset_fapl_core(fapl, 1 << 16, 0) >= 0 && H5Pset_file_image(fapl, (void *)data, size) >= 0)
        file = H5Fopen(FUZZ_HDF5_IMAGE_NAME, H5F_ACC_RDONLY, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    return file;
}

typedef struct fuzz_hdf5_mark {
    hid_t type, space;
} fuzz_hdf5_mark;

static inline fuzz_hdf5_mark fuzz_hdf5_mark_now(void)
{
    fuzz_hdf5_mark m = {H5Tcopy(H5T_NATIVE_INT), H5Screate(H5S_SCALAR)};
    H5Tclose(m.type);
    H5Sclose(m.space);
    return m;
}

static inline void fuzz_check_hdf5_ids(const char *target, fuzz_hdf5_mark before)
{
    ssize_t open_ids = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (open_ids != 0) {
        fprintf(stderr, "%s: %zd HDF5 objects left open\n", target, open_ids);
        abort();
    }
    fuzz_hdf5_mark after = fuzz_hdf5_mark_now();
    long leaked_types = 0, leaked_spaces = 0;
    for (hid_t id = before.type + 1; id < after.type; id++)
        leaked_types += H5Iis_valid(id) > 0;
    for (hid_t id = before.space + 1; id < after.space; id++)
        leaked_spaces += H5Iis_valid(id) > 0;
    if (leaked_types > 0 || leaked_spaces > 0) {
        fprintf(stderr, "%s: %ld datatype and %ld dataspace ids left open\n", target, leaked_types, leaked_spaces);
        abort();
    }
}
#endif

#endif
