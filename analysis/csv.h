/* csv.h - writing RFC 4180 CSV fields: the one writer behind every CSV file
 * vdcsim writes (sweeps, figures, export). */
#ifndef VDCSIM_ANALYSIS_CSV_H
#define VDCSIM_ANALYSIS_CSV_H

#include <stdio.h>

/* A text field, quoted (with doubled quotes) when it holds a comma, a quote
 * or a line break. */
void csv_write_text(FILE *f, const char *s);

/* A number with 17 significant digits (it reads back exactly); NaN is an
 * empty field. With finite_only, infinities are empty fields too. */
void csv_write_number(FILE *f, double v, int finite_only);

#endif
