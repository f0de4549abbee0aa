/* csv.c - CSV fields (see csv.h). */
#include "analysis/csv.h"

#include <math.h>
#include <string.h>

void csv_write_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void csv_write_number(FILE *f, double v, int finite_only)
{
    if (finite_only ? isfinite(v) : !isnan(v))
        fprintf(f, "%.17g", v);
}
