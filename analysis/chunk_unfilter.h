/* chunk_unfilter.h - one HDF5 chunk's filters undone in memory.
 *
 * H5Dread_chunk hands a chunk's bytes as stored: the output of the
 * dataset's filter pipeline, less the filters its mask says were skipped
 * when it was written. chunk_unfilter undoes them, last filter first, as
 * HDF5's own read does, for the three filters the recorder writes with
 * (recorder/rec_chunk.c) and HDF5 ships:
 *   H5Z_FILTER_FLETCHER32  the last 4 bytes, little-endian, must be
 *                          H5_checksum_fletcher32 of the bytes before them
 *                          (or its 16-bit halves byte-swapped: HDF5 accepts
 *                          that form too, written by its releases < 1.6.3);
 *   H5Z_FILTER_DEFLATE     a zlib stream (2-byte header, no preset
 *                          dictionary, Adler-32 of the output after it), as
 *                          HDF5's inflateInit reads; bytes after its end are
 *                          ignored, as there;
 *   H5Z_FILTER_SHUFFLE     byte j of element i was moved to j * n + i (n
 *                          elements of elem_size bytes; trailing bytes that
 *                          make no element stay in place).
 * A stage between two filters may be larger than the chunk (deflate's
 * output before a shuffle, a checksum's 4 bytes inside a deflate): the
 * buffers hold chunk_stored_max. The result must be exactly the chunk's
 * size, else the chunk is damaged.
 * Every check HDF5 makes is made, so a chunk this accepts is one H5Dread
 * accepts, with the same bytes. Touches only memory and the given
 * unfilterer: safe on any thread with its own.
 */
#ifndef VDCSIM_ANALYSIS_CHUNK_UNFILTER_H
#define VDCSIM_ANALYSIS_CHUNK_UNFILTER_H

#include <stddef.h>

enum { CHUNK_MAX_FILTERS = 8 };

/* A dataset's filter pipeline, in the order HDF5 applies it when writing. */
typedef struct chunk_pipeline {
    int n;                     /* filters, 0..CHUNK_MAX_FILTERS */
    int id[CHUNK_MAX_FILTERS]; /* H5Z filter ids: 1 deflate, 2 shuffle, 3 fletcher32 */
    size_t elem_size;          /* the shuffle's element size (its cd_values[0]) */
} chunk_pipeline;

/* 1 when chunk_unfilter undoes every filter of p, 0 otherwise. */
int chunk_pipeline_supported(const chunk_pipeline *p);

/* The most bytes a stored chunk of chunk_bytes may have under a supported
 * pipeline: deflate's worst expansion (zlib's compressBound) and the
 * checksum. 0 when that overflows. */
size_t chunk_stored_max(size_t chunk_bytes);

typedef struct chunk_unfilterer chunk_unfilterer;

/* Scratch for chunks of chunk_bytes: two buffers and an inflate stream.
 * NULL when out of memory. */
chunk_unfilterer *chunk_unfilterer_new(size_t chunk_bytes);
void chunk_unfilterer_free(chunk_unfilterer *u);

/* Undoes the filters of p not in skipped (bit i: filter i of p was skipped
 * when the chunk was written) on its stored bytes raw[0..raw_len). 1 with
 * *cells at the chunk's chunk_bytes bytes: raw itself when no filter
 * applies, else one of u's buffers (valid until the next call). -1 when the
 * chunk is damaged, 0 when it is beyond this reader (a stage between two
 * filters larger than chunk_stored_max, a filter it does not undo: H5Dread
 * decides), both with *why saying how (a static string). */
int chunk_unfilter(chunk_unfilterer *u, const chunk_pipeline *p, unsigned skipped, const unsigned char *raw,
                   size_t raw_len, const unsigned char **cells, const char **why);

#endif
