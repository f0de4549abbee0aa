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
 */
#ifndef VDCSIM_TRACES_ALIBABA_CSV_H
#define VDCSIM_TRACES_ALIBABA_CSV_H

#include <stddef.h>
#include <stdio.h>

#define ACSV_LINE_MAX_BYTES 4096

/* 1 with a line in buf, 0 at the end, -1 with a message in err. */
int acsv_read_line(FILE *f, const char *path, int *line, char *buf, size_t len, char *err, size_t err_len);
/* Number of fields of buf (fields[0..min(n, max + 1) - 1] set). */
int acsv_split(char *buf, char **fields, int max);

#endif
