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

#include "errors.h"
#include "report.h"
#include "report_view.h"

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
