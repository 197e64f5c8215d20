/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * stats_svg.h — the statistics (stats.h) as a section of the HTML report:
 * an inline SVG bar chart, one bar per group (its interference records),
 * no script, the text escaped; then the counts as a table.
 */
#ifndef LIUHEN_VERIFY_STATS_SVG_H
#define LIUHEN_VERIFY_STATS_SVG_H

#include <stdio.h>

#include "stats.h"

/** Write the chart alone: one <svg> element, well-formed XML. */
void stats_svg_chart(FILE *f, const stats *st);

/**
 * The report's extra HTML section (report_options.html_extra): a
 * <section id="stats"> with a heading, the chart and the table.
 * @param[in] ctx  the stats (const stats *); nothing is written for NULL.
 */
void stats_svg_section(FILE *f, const void *ctx);

#endif
