/* chunk_checksum.h - the two checksums of an HDF5 series chunk.
 *
 * A chunk the recorder packs (rec_chunk.c) carries zlib's Adler-32 of the
 * shuffled cells inside its deflate stream and HDF5's Fletcher-32 of the
 * deflated bytes after it. The readers of analysis/ check the same two when
 * they undo the filters themselves (analysis/chunk_unfilter.h). Pure
 * functions of memory: safe on any thread.
 */
#ifndef VDCSIM_RECORDER_CHUNK_CHECKSUM_H
#define VDCSIM_RECORDER_CHUNK_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* zlib's adler32(adler, data, len), the same value (SSE2 when built for it). */
uint32_t rec_chunk_adler32(uint32_t adler, const unsigned char *data, size_t len);
/* H5_checksum_fletcher32, HDF5's checksum of a filtered chunk. */
uint32_t rec_chunk_fletcher32(const unsigned char *data, size_t len);

#endif
