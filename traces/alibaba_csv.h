/* alibaba_csv.h - the CSV line reading the Alibaba trace readers share
 * (alibaba_gpu.c, alibaba_dlrm.c): one line at a time, split at commas in
 * place. The Alibaba trace files are plain CSV without quoting.
 *
 * Contract:
 *  - acsv_read_line reads one line into buf without its end of line and
 *    counts it in *line; a line that does not fit in buf is an error
 *    "FILE:LINE: line longer than N bytes ...", a read error names the file.
 *  - acsv_split cuts buf at commas in place and returns the number of fields;
 *    only the first max + 1 are stored, so a caller can report "N fields".
 *  - acsv_open_header opens a trace file and reads its header line: at most
 *    max_columns columns (<= ACSV_MAX_COLUMNS), each known column's index
 *    in col[k] (-1 when absent), and the first `required` known columns
 *    must be there ("FILE:1: column 'x': missing from the header (expected
 *    <expected>)"). Returns the number of header columns with *f open, or
 *    -1 with a message in err and no file left open.
 */
#ifndef VDCSIM_TRACES_ALIBABA_CSV_H
#define VDCSIM_TRACES_ALIBABA_CSV_H

#include <stddef.h>
#include <stdio.h>

#define ACSV_LINE_MAX_BYTES 4096
#define ACSV_MAX_COLUMNS 64

/* 1 with a line in buf, 0 at the end, -1 with a message in err. */
int acsv_read_line(FILE *f, const char *path, int *line, char *buf, size_t len, char *err, size_t err_len);
/* Number of fields of buf (fields[0..min(n, max + 1) - 1] set). */
int acsv_split(char *buf, char **fields, int max);
int acsv_open_header(const char *path, FILE **f, int *line, int max_columns, const char *const *known, int n_known,
                     int required, int *col, const char *expected, char *err, size_t err_len);

#endif
