/* plot.c - figures as CSV, PNG and SVG (see plot.h). */
#include "analysis/plot.h"

#include "analysis/csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef VDCSIM_HAVE_PLPLOT
#include <plplot.h>
#endif

#define PATH_LEN 4200

int plot_can_draw(void)
{
#ifdef VDCSIM_HAVE_PLPLOT
    return 1;
#else
    return 0;
#endif
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

#ifdef VDCSIM_HAVE_PLPLOT
static const int palette[PLOT_PALETTE_COLOURS][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},
                                                      {214, 39, 40},  {148, 103, 189}, {140, 86, 75},
                                                      {227, 119, 194}, {127, 127, 127}};
enum { PALETTE_COLOURS = PLOT_PALETTE_COLOURS };

void plot_page_begin(const char *device, const char *path)
{
    PLINT stream;
    plmkstrm(&stream);
    plsdev(device);
    plsfnam(path);
    plspage(0, 0, 900, 600, 0, 0);
    plscolbg(255, 255, 255);
    plscol0(1, 0, 0, 0);
    for (int i = 0; i < PALETTE_COLOURS; i++)
        plscol0(2 + i, palette[i][0], palette[i][1], palette[i][2]);
    plinit();
}

static void range_of(const double *v, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            *lo = fmin(*lo, v[i]);
            *hi = fmax(*hi, v[i]);
        }
}

static void pad(double *lo, double *hi)
{
    if (!(*lo <= *hi))
        *lo = 0, *hi = 1;
    double p = *hi > *lo ? 0.05 * (*hi - *lo) : fmax(0.5, 0.05 * fabs(*lo));
    *lo -= p, *hi += p;
}

static void draw_lines(const char *device, const char *path, const plot_labels *lb, const plot_line *lines,
                       int n_lines)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    size_t most = 1;
    for (int l = 0; l < n_lines; l++) {
        range_of(lines[l].x, lines[l].n, &x0, &x1);
        range_of(lines[l].y, lines[l].n, &y0, &y1);
        if (lines[l].n > most)
            most = lines[l].n;
    }
    pad(&x0, &x1);
    pad(&y0, &y1);
    PLFLT *x = malloc(most * sizeof *x), *y = malloc(most * sizeof *y);
    plot_page_begin(device, path);
    plcol0(1);
    plenv(x0, x1, y0, y1, 0, 0);
    pllab(lb->xlabel, lb->ylabel, lb->title);
    for (int l = 0; x && y && l < n_lines; l++) {
        plcol0(2 + (PLINT)(l % PALETTE_COLOURS));
        plwidth(2.0);
        /* a NaN ends a segment: draw each finite run separately */
        PLINT n = 0;
        for (size_t i = 0; i <= lines[l].n; i++) {
            int ok = i < lines[l].n && isfinite(lines[l].x[i]) && isfinite(lines[l].y[i]);
            if (ok) {
                x[n] = lines[l].x[i];
                y[n++] = lines[l].y[i];
                continue;
            }
            if (n > 1)
                plline(n, x, y);
            else if (n == 1)
                plpoin(1, x, y, 17);
            n = 0;
        }
        plmtex("t", -1.5 - 1.3 * (PLFLT)l, 0.03, 0.0, lines[l].label);
    }
    free(x);
    free(y);
    plend1();
}

static void draw_heat_map(const char *device, const char *path, const plot_labels *lb, const char *zlabel,
                          const double *xc, size_t nx, const double *yc, size_t ny, const double *z)
{
    double zmin = INFINITY, zmax = -INFINITY;
    range_of(z, nx * ny, &zmin, &zmax);
    if (!(zmin <= zmax))
        zmin = 0, zmax = 1;
    if (zmax == zmin)
        zmax = zmin + 1;
    PLFLT **grid = NULL;
    plAlloc2dGrid(&grid, (PLINT)nx, (PLINT)ny);
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++) {
            double v = z[j * nx + i];
            grid[i][j] = isfinite(v) ? v : zmin;
        }
    double dx = nx > 1 ? (xc[nx - 1] - xc[0]) / (double)(nx - 1) : 1.0;
    double dy = ny > 1 ? (yc[ny - 1] - yc[0]) / (double)(ny - 1) : 1.0;
    double x0 = xc[0] - dx / 2, x1 = xc[nx - 1] + dx / 2, y0 = yc[0] - dy / 2, y1 = yc[ny - 1] + dy / 2;
    plot_page_begin(device, path);
    /* colour map 1: dark blue (low) through yellow to red (high) */
    PLFLT pos[] = {0.0, 0.5, 1.0}, r[] = {0.1, 1.0, 0.8}, g[] = {0.1, 0.9, 0.0}, b[] = {0.5, 0.2, 0.0};
    plscmap1l(1, 3, pos, r, g, b, NULL);
    plcol0(1);
    plenv(x0, x1, y0, y1, 0, 0);
    char title[512];
    snprintf(title, sizeof title, "%s (colour: %s, %.3g to %.3g)", lb->title, zlabel, zmin, zmax);
    pllab(lb->xlabel, lb->ylabel, title);
    plimage((PLFLT_MATRIX)grid, (PLINT)nx, (PLINT)ny, x0, x1, y0, y1, zmin, zmax, x0, x1, y0, y1);
    plFree2dGrid(grid, (PLINT)nx, (PLINT)ny);
    plend1();
}
#endif

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
#ifdef VDCSIM_HAVE_PLPLOT
    snprintf(path, sizeof path, "%s/%s.png", dir, lb->stem);
    draw_lines("pngcairo", path, lb, lines, n_lines);
    snprintf(path, sizeof path, "%s/%s.svg", dir, lb->stem);
    draw_lines("svgcairo", path, lb, lines, n_lines);
#endif
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
#ifdef VDCSIM_HAVE_PLPLOT
    if (nx > 0 && ny > 0) {
        snprintf(path, sizeof path, "%s/%s.png", dir, lb->stem);
        draw_heat_map("pngcairo", path, lb, zlabel, x, nx, y, ny, z);
        snprintf(path, sizeof path, "%s/%s.svg", dir, lb->stem);
        draw_heat_map("svgcairo", path, lb, zlabel, x, nx, y, ny, z);
    }
#else
    (void)zlabel;
#endif
    return 0;
}
