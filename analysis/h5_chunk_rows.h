/* h5_chunk_rows.h - rows of a 2-D float64 series read chunk by chunk, the
 * chunks' filters undone on every thread.
 *
 * HDF5's H5Dread inflates a dataset's chunks one after the other on the
 * calling thread; a 30-day headline file holds 1.4 GB of host cells that
 * `vdcsim summary` reads (docs/analysis.md). When a read covers whole rows
 * of chunks, this reads the chunks' stored bytes (H5Dread_chunk, serial:
 * HDF5 is not thread-safe) and undoes their filters on OpenMP's threads
 * (analysis/chunk_unfilter.h), each chunk once, then copies the cells into
 * place: the same values H5Dread gives, checksums checked as HDF5 checks
 * them.
 */
#ifndef VDCSIM_ANALYSIS_H5_CHUNK_ROWS_H
#define VDCSIM_ANALYSIS_H5_CHUNK_ROWS_H

#include <hdf5.h>

/* Rows [row, row + nrows), columns [0, cols) of the 2-D dataset into out
 * (row-major, nrows x cols). 1 when read, -1 when a chunk is damaged (its
 * checksums, its size, its stream), 0 when this reader does not apply and
 * the caller must use H5Dread: not a chunked 2-D IEEE little-endian
 * float64 dataset on a little-endian host, a filter other than shuffle,
 * deflate and Fletcher-32, rows that do not start and end on the chunks'
 * boundaries (or the dataset's end), fewer than 64 cells, a chunk never
 * written (HDF5 gives its fill value), chunks of more than 64 MiB, or out
 * of memory. */
int h5r_chunk_rows_read(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t cols, double *out);

/* The same for columns [col, col + ncols) (out: nrows x ncols): any
 * columns; the rows as above. */
int h5r_chunk_block_read(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t col, hsize_t ncols, double *out);

/* The same in two steps, for a caller that overlaps them (analysis/row_stream.h):
 * h5r_chunk_fetch_block reads the stored bytes of the block's chunks (HDF5
 * calls: one thread at a time), with the returns of h5r_chunk_block_read
 * (1 with *out to free, 0 or -1 with *out NULL); h5r_chunk_fetch_decode
 * undoes the filters of chunk k (0 <= k < h5r_chunk_fetch_chunks) with u (an
 * unfilterer of h5r_chunk_fetch_chunk_bytes) and puts its cells in place in
 * out, the block's nrows x ncols array: no HDF5 call, so any thread may
 * decode any chunk, each thread with its own u. It returns chunk_unfilter's
 * 1, 0 (beyond this reader: read the block with H5Dread) or -1 (damaged). */
typedef struct h5r_chunk_fetch h5r_chunk_fetch;
struct chunk_unfilterer;
int h5r_chunk_fetch_block(hid_t dataset, hsize_t row, hsize_t nrows, hsize_t col, hsize_t ncols,
                          h5r_chunk_fetch **out);
size_t h5r_chunk_fetch_chunks(const h5r_chunk_fetch *f);
size_t h5r_chunk_fetch_chunk_bytes(const h5r_chunk_fetch *f);
int h5r_chunk_fetch_decode(const h5r_chunk_fetch *f, size_t k, struct chunk_unfilterer *u, double *out);
void h5r_chunk_fetch_free(h5r_chunk_fetch *f);

/* The rows of one chunk of the dataset (its first dimension's chunk
 * size), or 1 when it is not chunked: blocks of rows that are a multiple of
 * it, starting at a multiple of it, read each chunk once. */
hsize_t h5r_chunk_rows_height(hid_t dataset);

/* The chunk's rows and columns into chunk; 1 when this reader applies to
 * the dataset's layout, else 0 (chunk untouched). */
int h5r_chunk_shape(hid_t dataset, hsize_t chunk[2]);

#endif
