/* sweep_figures.c - figure data, drawings (plot.h) and index.html of a sweep
 * (see sweep_figures.h). */
#include "analysis/sweep_figures.h"

#include "analysis/csv.h"
#include "analysis/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_LEN 300
#define LABEL_LEN 1024
#define PATH_LEN 4600

/* The points of one metric: nx x values, nlines lines. */
typedef struct figure {
    int64_t nx, nlines;
    double *x;              /* nx */
    int numeric_x;
    sweep_cell_stat *stat;  /* [line * nx + xi] */
} figure;

int sweep_figures_can_draw(void) { return plot_can_draw(); }

/* The cell at (xi, line). */
static int64_t cell_of(const figure *f, int64_t xi, int64_t line) { return xi * f->nlines + line; }

/* The value of the first factor at xi, "" without factors. */
static const char *x_text(const sweep_table *t, const figure *f, int64_t xi)
{
    return t->n_factors > 0 ? t->cell_values[cell_of(f, xi, 0) * t->n_factors] : "";
}

static void line_label(const sweep_table *t, const figure *f, int64_t line, int zip, char *buf, size_t len)
{
    buf[0] = '\0';
    if (zip || t->n_factors < 2)
        return;
    size_t used = 0;
    int64_t c = cell_of(f, 0, line);
    for (int k = 1; k < t->n_factors && used < len; k++) {
        int n = snprintf(buf + used, len - used, "%s%s=%s", k > 1 ? ", " : "", t->factor_keys[k],
                         t->cell_values[c * t->n_factors + k]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static int figure_build(const sweep_table *t, int first_factor_values, int zip, int metric, figure *f)
{
    memset(f, 0, sizeof *f);
    if (zip || t->n_factors == 0 || first_factor_values <= 0) {
        f->nx = t->n_cells;
        f->nlines = 1;
    } else {
        f->nx = first_factor_values;
        f->nlines = t->n_cells / first_factor_values;
    }
    f->x = calloc((size_t)f->nx + 1, sizeof *f->x);
    f->stat = calloc((size_t)(f->nx * f->nlines) + 1, sizeof *f->stat);
    if (!f->x || !f->stat)
        return -1;
    f->numeric_x = t->n_factors > 0;
    for (int64_t xi = 0; xi < f->nx; xi++) {
        char *end;
        const char *text = x_text(t, f, xi);
        double v = strtod(text, &end);
        if (end == text || *end || !isfinite(v))
            f->numeric_x = 0;
        f->x[xi] = v;
    }
    for (int64_t xi = 0; xi < f->nx; xi++) {
        if (!f->numeric_x)
            f->x[xi] = (double)xi;
        for (int64_t l = 0; l < f->nlines; l++)
            sweep_table_cell(t, cell_of(f, xi, l), metric, &f->stat[l * f->nx + xi]);
    }
    return 0;
}

static void figure_free(figure *f)
{
    free(f->x);
    free(f->stat);
}

/* A metric name as a file name: [A-Za-z0-9_.-], others as '_'. */
static void file_stem(const char *name, char *buf, size_t len)
{
    size_t i = 0;
    for (; name[i] && i + 1 < len; i++) {
        char c = name[i];
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                   c == '.' || c == '-';
        buf[i] = keep ? c : '_';
    }
    buf[i] = '\0';
}

static int write_figure_csv(const sweep_table *t, const figure *fig, int zip, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("x,x_value,line,n,mean,ci_low,ci_high\n", f);
    for (int64_t l = 0; l < fig->nlines; l++)
        for (int64_t xi = 0; xi < fig->nx; xi++) {
            const sweep_cell_stat *s = &fig->stat[l * fig->nx + xi];
            char label[LABEL_LEN];
            line_label(t, fig, l, zip, label, sizeof label);
            fprintf(f, "%.17g,", fig->x[xi]);
            csv_write_text(f, x_text(t, fig, xi));
            fputc(',', f);
            csv_write_text(f, label);
            fprintf(f, ",%lld,", (long long)s->n);
            csv_write_number(f, s->mean, 1);
            fputc(',', f);
            csv_write_number(f, s->mean - s->half_width, 1);
            fputc(',', f);
            csv_write_number(f, s->mean + s->half_width, 1);
            fputc('\n', f);
        }
    int failed = ferror(f) != 0;
    failed |= fclose(f) != 0;
    return failed ? -1 : 0;
}

/* Draws fig-<stem>.png and .svg: per line, the cells' means (a dot on each)
 * with their intervals as bars. */
static int draw(const sweep_table *t, const figure *f, int zip, int metric, const char *dir, const char *stem)
{
    size_t nx = (size_t)f->nx, nl = (size_t)f->nlines;
    plot_line *lines = calloc(nl ? nl : 1, sizeof *lines);
    double *y = malloc((nl * nx + 1) * sizeof *y), *lo = malloc((nl * nx + 1) * sizeof *lo);
    double *hi = malloc((nl * nx + 1) * sizeof *hi);
    char(*labels)[LABEL_LEN] = malloc((nl ? nl : 1) * sizeof *labels);
    int rc = lines && y && lo && hi && labels ? 0 : -1;
    for (size_t l = 0; rc == 0 && l < nl; l++) {
        for (size_t xi = 0; xi < nx; xi++) {
            const sweep_cell_stat *s = &f->stat[l * nx + xi];
            int bar = isfinite(s->half_width);
            y[l * nx + xi] = s->mean;
            lo[l * nx + xi] = bar ? s->mean - s->half_width : NAN;
            hi[l * nx + xi] = bar ? s->mean + s->half_width : NAN;
        }
        line_label(t, f, (int64_t)l, zip, labels[l], sizeof labels[l]);
        lines[l] = (plot_line){labels[l], f->x, y + l * nx, nx, lo + l * nx, hi + l * nx, 1};
    }
    if (rc == 0) {
        char ylabel[NAME_LEN + 32], title[NAME_LEN + 64], fig_stem[NAME_LEN + 8];
        snprintf(ylabel, sizeof ylabel, "%s (%s)", t->metric_names[metric], t->metric_units[metric]);
        snprintf(title, sizeof title, "%s, mean and %g %% interval", t->metric_names[metric], 100 * t->level);
        snprintf(fig_stem, sizeof fig_stem, "fig-%s", stem);
        plot_labels lb = {fig_stem, title, t->n_factors > 0 ? t->factor_keys[0] : "cell", ylabel};
        plot_draw_lines(dir, &lb, lines, (int)nl);
    }
    free(lines), free(y), free(lo), free(hi), free(labels);
    return rc;
}

static void caption(FILE *html, const sweep_table *t, const figure *fig, int metric)
{
    fputs("<p>", html);
    plot_html_text(html, t->metric_names[metric]);
    fprintf(html, " (%s): mean over replications of each cell with its %g %% Student-t interval, against ",
            t->metric_units[metric], 100 * t->level);
    plot_html_text(html, t->n_factors > 0 ? t->factor_keys[0] : "the cell");
    if (t->n_factors > 0 && !fig->numeric_x) {
        fputs(" (positions:", html);
        for (int64_t xi = 0; xi < fig->nx; xi++) {
            fprintf(html, " %lld = ", (long long)xi);
            plot_html_text(html, x_text(t, fig, xi));
        }
        fputs(")", html);
    }
    if (fig->nlines > 1)
        fputs("; one line per combination of the other factors", html);
    fputs(".</p>\n", html);
}

int sweep_write_figures(const sweep_table *t, int first_factor_values, int zip, const char *dir, char *err,
                        size_t err_len)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/index.html", dir);
    FILE *html = fopen(path, "w");
    if (!html) {
        snprintf(err, err_len, "%s: cannot write", path);
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>vdcsim sweep</title></head><body>\n"
          "<h1>vdcsim sweep</h1>\n",
          html);
    int can_draw = sweep_figures_can_draw();
    plot_html_no_drawing(html);
    int rc = 0;
    for (int m = 0; m < t->n_metrics && rc == 0; m++) {
        figure fig;
        char stem[NAME_LEN];
        file_stem(t->metric_names[m], stem, sizeof stem);
        if (figure_build(t, first_factor_values, zip, m, &fig) != 0) {
            figure_free(&fig);
            snprintf(err, err_len, "out of memory for the figures");
            rc = -1;
            break;
        }
        snprintf(path, sizeof path, "%s/fig-%s.csv", dir, stem);
        if (write_figure_csv(t, &fig, zip, path) != 0) {
            snprintf(err, err_len, "%s: cannot write", path);
            rc = -1;
        }
        fprintf(html, "<h2>%s</h2>\n", stem);
        int drawn = 0;
        if (can_draw) {
            drawn = draw(t, &fig, zip, m, dir, stem) == 0;
            if (!drawn) {
                snprintf(err, err_len, "out of memory for the figures");
                rc = -1;
            } else {
                fprintf(html, "<img src=\"fig-%s.png\" width=\"900\" alt=\"%s\">\n", stem, stem);
            }
        }
        caption(html, t, &fig, m);
        fprintf(html, "<p>Numbers: <a href=\"fig-%s.csv\">fig-%s.csv</a>", stem, stem);
        if (drawn)
            fprintf(html, ", vector: <a href=\"fig-%s.svg\">fig-%s.svg</a>", stem, stem);
        fputs("</p>\n", html);
        figure_free(&fig);
    }
    fputs("</body></html>\n", html);
    int failed = ferror(html) != 0;
    failed |= fclose(html) != 0;
    if (failed && rc == 0) {
        snprintf(err, err_len, "%s/index.html: cannot write", dir);
        rc = -1;
    }
    return rc;
}
