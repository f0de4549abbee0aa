/* row_stream.h - the rows of a series handed block by block to a
 * function, the next block decoded while the function works.
 *
 * A reader that reads a block (h5r_read_rows_f64: the chunks' filters
 * undone on every thread) and then folds it on one thread leaves the other
 * threads idle while it folds. h5r_rows_stream folds block k on the calling
 * thread while the other threads undo the filters of block k + 1's chunks,
 * whose stored bytes the calling thread read first (HDF5 is called from the
 * calling thread only: it keeps its error stack, and h5r_quiet's silence,
 * per thread; analysis/h5_chunk_rows.h). The function sees exactly the
 * blocks, cells and order of the plain loop, so its results are the same
 * bits on any number of threads. Blocks that the chunk reader does not
 * cover are read with h5r_read_rows_f64 on the calling thread.
 */
#ifndef VDCSIM_ANALYSIS_ROW_STREAM_H
#define VDCSIM_ANALYSIS_ROW_STREAM_H

#include <hdf5.h>

/* Called with rows [start, start + nrows) x the stream's columns, row-major;
 * returns 0 to go on, anything else to stop the stream with that value. */
typedef int (*h5r_rows_fn)(void *arg, hsize_t start, hsize_t nrows, const double *cells);

/* Rows [first, end) x columns [0, cols) of the 2-D float64 dataset, to fn
 * in order, in blocks that end at the multiples of block_rows
 * (h5r_block_len; block_rows from h5r_block_rows_chunked keeps them on chunk
 * boundaries). Returns 0 when every block went to fn, fn's nonzero return,
 * or -1 when a block could not be read (out of memory, or a damaged chunk)
 * with bad[0], bad[1] its first row and row count. Two blocks of
 * block_rows x cols cells are held at once. */
int h5r_rows_stream(hid_t dataset, hsize_t first, hsize_t end, hsize_t cols, hsize_t block_rows, h5r_rows_fn fn,
                    void *arg, hsize_t bad[2]);

#endif
