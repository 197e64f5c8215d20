/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * stats_svg.c — the statistics' bar chart and section of the HTML report
 * (stats_svg.h).
 */
#include "stats_svg.h"

#include <inttypes.h>
#include <stdio.h>

#include "i18n.h"
#include "report_html.h"

/* The chart's geometry, in SVG user units. */
#define BAR_W   48
#define BAR_GAP 24
#define PLOT_H  200
#define LEFT    48
#define TOP     24
#define BOTTOM  64

void stats_svg_chart(FILE *f, const stats *st)
{
    size_t n = stats_groups(st);
    uint64_t max = 1;
    for (size_t i = 0; i < n; i++)
        if (stats_group_interference(st, i) > max)
            max = stats_group_interference(st, i);
    unsigned width = LEFT + (unsigned)n * (BAR_W + BAR_GAP) + BAR_GAP;
    unsigned height = TOP + PLOT_H + BOTTOM;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
            "viewBox=\"0 0 %u %u\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n",
            width, height, width, height);
    fputs("<title>", f);
    report_html_text(f, _("Interference records by group"));
    fputs("</title>\n", f);
    fprintf(f,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>\n"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%" PRIu64 "</text>\n"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
            LEFT, TOP + PLOT_H, width - BAR_GAP / 2, TOP + PLOT_H, LEFT - 6, TOP + 4, max, LEFT - 6,
            TOP + PLOT_H);
    for (size_t i = 0; i < n; i++) {
        uint64_t v = stats_group_interference(st, i);
        unsigned h = (unsigned)(v * PLOT_H / max);
        unsigned x = LEFT + BAR_GAP + (unsigned)i * (BAR_W + BAR_GAP);
        fprintf(
            f, "<rect class=\"bar\" x=\"%u\" y=\"%u\" width=\"%d\" height=\"%u\" fill=\"#3b6ea8\">",
            x, TOP + PLOT_H - h, BAR_W, h);
        fputs("<title>", f);
        report_html_text(f, stats_group(st, i));
        fprintf(f, ": %" PRIu64 "</title></rect>\n", v);
        fprintf(f, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">%" PRIu64 "</text>\n",
                x + BAR_W / 2, TOP + PLOT_H - h - 4, v);
        fprintf(f, "<text x=\"%u\" y=\"%d\" text-anchor=\"middle\">", x + BAR_W / 2,
                TOP + PLOT_H + 18);
        report_html_text(f, stats_group(st, i));
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
}

void stats_svg_section(FILE *f, const void *ctx)
{
    const stats *st = ctx;
    if (st == NULL)
        return;
    fputs("<section id=\"stats\"><h2>", f);
    char title[256];
    snprintf(title, sizeof title, _("Statistics by %s"), stats_by_text(stats_grouping(st)));
    report_html_text(f, title);
    fputs("</h2>\n<p class=\"note\">", f);
    report_html_text(f, _("Interference records per group, from the verified entries only."));
    fputs("</p>\n", f);
    stats_svg_chart(f, st);
    fputs("<table>\n<tr><th>", f);
    report_html_text(f, stats_by_text(stats_grouping(st)));
    fputs("</th><th>", f);
    report_html_text(f, _("Measure"));
    fputs("</th><th>", f);
    report_html_text(f, _("Value"));
    fputs("</th><th>", f);
    report_html_text(f, _("Count"));
    fputs("</th></tr>\n", f);
    for (size_t i = 0; i < stats_rows(st); i++) {
        const stats_row *r = stats_row_at(st, i);
        fputs("<tr><td>", f);
        report_html_text(f, r->group);
        fputs("</td><td>", f);
        report_html_text(f, r->measure);
        fputs("</td><td>", f);
        report_html_text(f, r->value);
        fprintf(f, "</td><td>%" PRIu64 "</td></tr>\n", r->count);
    }
    fputs("</table>\n</section>\n", f);
}
