/* plot.c - figures as CSV, PNG and SVG (see plot.h). */
#include "analysis/plot.h"

#include "analysis/csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot_module.h"

#define PATH_LEN 4200

/* The PLplot module, loaded the first time it is asked for; NULL (and why,
 * when why_len > 0) when this build has none or cannot load it. */
static const plot_module *drawer(char *why, size_t why_len)
{
    return builtin_module_table(PLOT_MODULE_NAME, PLOT_MODULE_ABI, (uint32_t)sizeof(plot_module), why, why_len);
}

int plot_can_draw(void) { return drawer(NULL, 0) != NULL; }

const char *plot_cannot_draw(char *buf, size_t len) { return drawer(buf, len) ? NULL : buf; }

void plot_html_no_drawing(FILE *html)
{
    char why[600];
    if (!plot_cannot_draw(why, sizeof why))
        return;
    fputs("<p>This vdcsim draws no figures (", html);
    plot_html_text(html, why);
    fputs("): their numbers are in the CSV files; when PLplot is missing, install libplplot-dev and build again to "
          "draw them.</p>\n",
          html);
}

void plot_draw_lines(const char *dir, const plot_labels *lb, const plot_line *lines, int n_lines)
{
    const plot_module *m = drawer(NULL, 0);
    if (!m)
        return;
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/%s.png", dir, lb->stem);
    m->lines("pngcairo", path, lb, lines, n_lines);
    snprintf(path, sizeof path, "%s/%s.svg", dir, lb->stem);
    m->lines("svgcairo", path, lb, lines, n_lines);
}

void plot_html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
    }
}

static int close_csv(FILE *f, const char *path, char *err, size_t err_len)
{
    int failed = ferror(f) != 0;
    failed |= fclose(f) != 0;
    if (failed)
        snprintf(err, err_len, "%.1500s: cannot write", path);
    return failed ? -1 : 0;
}

static FILE *open_csv(const char *dir, const char *stem, char *path, char *err, size_t err_len)
{
    snprintf(path, PATH_LEN, "%s/%s.csv", dir, stem);
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err, err_len, "%.1500s: cannot write", path);
    return f;
}


int plot_lines(const char *dir, const plot_labels *lb, const plot_line *lines, int n_lines, char *err,
               size_t err_len)
{
    char path[PATH_LEN];
    FILE *f = open_csv(dir, lb->stem, path, err, err_len);
    if (!f)
        return -1;
    fputs("line,x,y\n", f);
    for (int l = 0; l < n_lines; l++)
        for (size_t i = 0; i < lines[l].n; i++) {
            csv_write_text(f, lines[l].label);
            fputc(',', f);
            csv_write_number(f, lines[l].x[i], 1);
            fputc(',', f);
            csv_write_number(f, lines[l].y[i], 1);
            fputc('\n', f);
        }
    if (close_csv(f, path, err, err_len) != 0)
        return -1;
    plot_draw_lines(dir, lb, lines, n_lines);
    return 0;
}

int plot_heat_map(const char *dir, const plot_labels *lb, const char *zlabel, const double *x, size_t nx,
                  const double *y, size_t ny, const double *z, char *err, size_t err_len)
{
    char path[PATH_LEN];
    FILE *f = open_csv(dir, lb->stem, path, err, err_len);
    if (!f)
        return -1;
    fputs("x,y,z\n", f);
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            csv_write_number(f, x[i], 1);
            fputc(',', f);
            csv_write_number(f, y[j], 1);
            fputc(',', f);
            csv_write_number(f, z[j * nx + i], 1);
            fputc('\n', f);
        }
    if (close_csv(f, path, err, err_len) != 0)
        return -1;
    const plot_module *m = drawer(NULL, 0);
    if (m && nx > 0 && ny > 0) {
        snprintf(path, sizeof path, "%s/%s.png", dir, lb->stem);
        m->heat_map("pngcairo", path, lb, zlabel, x, nx, y, ny, z);
        snprintf(path, sizeof path, "%s/%s.svg", dir, lb->stem);
        m->heat_map("svgcairo", path, lb, zlabel, x, nx, y, ny, z);
    }
    return 0;
}
