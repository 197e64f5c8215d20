/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_html.h — a finished report as one self-contained HTML page
 * (liuhen-verify --html FILE): the verdict, the summary and the counts by
 * check, the failures, the findings by case, and each case with its
 * failures, findings and timeline of entries. Inline CSS, no script, no
 * asset from outside, so that the page can be kept as it is with the case file.
 *
 * Private to the report: report.c calls it from report_finish().
 */
#ifndef LIUHEN_VERIFY_REPORT_HTML_H
#define LIUHEN_VERIFY_REPORT_HTML_H

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "errors.h"
#include "report.h"
#include "report_view.h"

/** The file name of the n-th case page of a directory report (report_site.h). */
#define REPORT_HTML_CASE_PAGE "cases-%05" PRIu32 ".html"

/**
 * Where the anchors of a directory report are (report_site.h): the case
 * page of each case and of each timeline row. NULL, or case_page NULL:
 * everything is on the one page.
 */
typedef struct report_html_links {
    const uint32_t *case_page; /* by position in v->cases */
    const uint32_t *row_page;  /* by position in v->row_index */
    uint32_t page;             /* the case page being written; UINT32_MAX for other pages */
} report_html_links;

/**
 * The pieces of a page, for report_site.c. report_html_begin() writes the
 * head, the inline style and the header (the verdict, the log, its key and
 * key id, the tree size), then opens <main>; `part` (NULL: none) names the
 * page. report_html_end() closes it.
 */
void report_html_begin(const report *r, FILE *f, const char *part);
void report_html_end(FILE *f);

/** Text escaped for HTML, in text and in attribute values alike. */
void report_html_text(FILE *f, const char *s);

/** The summary section. */
void report_html_summary(const report *r, FILE *f);

/** A warning that total - listed items were counted but not kept (none when total <= listed). */
void report_html_not_listed(FILE *f, size_t total, size_t listed);

/**
 * The failures section: the kept failures numbered from+1 to from+max.
 * @return how many it listed.
 */
size_t report_html_failures(const report *r, const report_view *v, FILE *f,
                            const report_html_links *lk, size_t from, size_t max);

/** One case (the ci_pos-th of v): its failures and findings, then its timeline. */
void report_html_case(const report *r, const report_view *v, FILE *f, size_t ci_pos,
                      const report_html_links *lk);

/**
 * Write r as an HTML page to r's html_path (report_options), whole: the
 * page is built in memory, then written to a temporary file beside it and
 * renamed (mode 0644, fileio_replace()), so that a reader never sees half a
 * page.
 * @param[in] v  r grouped by case (report_view_make()).
 * @return 0; LH_ENOMEM; -errno when the file cannot be written (named in err).
 */
int report_html_write(const report *r, const report_view *v, lh_err *err);

#endif
