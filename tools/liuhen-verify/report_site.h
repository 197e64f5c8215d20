/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_site.h — a finished report as a directory of HTML pages
 * (liuhen-verify --html DIR/), for logs too large for one page: a page of
 * 1,000,000 entries' timelines would be hundreds of megabytes, which no
 * browser opens. The directory holds
 *
 *   index.html           the verdict, the summary (the log, its key and key
 *                        id, the checkpoint, the counts), the first
 *                        failures, the links to the other pages;
 *   list-NNNNN.html      the case index, REPORT_SITE_LIST_CASES cases a
 *                        page, the cases with failures or findings first;
 *   cases-NNNNN.html     the cases themselves (failures, findings and
 *                        timeline), whole cases, about
 *                        REPORT_SITE_PAGE_ROWS timeline rows a page;
 *   failures-NNNNN.html  every kept failure, REPORT_SITE_FAILURES a page,
 *                        when there are more than the index shows;
 *   search/c-XX.js       the search index of the case ids (256 files by
 *                        the FNV-1a hash of the id), and
 *   search/e-N.js        of the entry indexes (REPORT_SITE_SHARD_ENTRIES
 *                        entries a file): which case page holds each.
 *
 * Every page names the log, the log key's text and its key id, and the
 * verdict, and has a search box that finds a case by its id or an entry by
 * its index. The search is the only script of the report: a few lines
 * inline that load the one search file they need with <script src>, which
 * works from file:// without a server (a fetch() of a JSON file would
 * not). Everything quoted from the log is escaped for HTML in the pages and
 * as \uXXXX in the search files.
 *
 * Bounds: a page is a few hundred kilobytes (a case page about 0.6 KB a
 * timeline row, a list page about 0.2 KB a case), index.html under
 * 1 MB whatever the log's size; a case is never split, so a case of
 * exceptional length makes a longer page.
 *
 * Private to the report: report.c calls it from report_finish().
 */
#ifndef LIUHEN_VERIFY_REPORT_SITE_H
#define LIUHEN_VERIFY_REPORT_SITE_H

#include <stdbool.h>

#include "errors.h"
#include "report.h"
#include "report_view.h"

/** Timeline rows (and failures and findings) on a case page, by default. */
#define REPORT_SITE_PAGE_ROWS 1000

/** Cases on a page of the case index. */
#define REPORT_SITE_LIST_CASES 1000

/** Failures on the index, and on each failures page. */
#define REPORT_SITE_INDEX_FAILURES 100
#define REPORT_SITE_FAILURES       1000

/** Entries in one search file of the entry indexes. */
#define REPORT_SITE_SHARD_ENTRIES 10000

/** Whether --html PATH asks for a directory: PATH ends in '/' or is a directory. */
bool report_site_wanted(const char *path);

/**
 * Write r as a directory of pages to r's html_path (created, mode 0755,
 * when it does not exist; its parent must). Each file is written whole to
 * a temporary file and renamed (fileio_replace_at()); pages of an earlier
 * report in the directory that this one does not have are removed.
 * @param[in] v  r grouped by case (report_view_make()).
 * @return 0; LH_ENOMEM; -errno when the directory or a file cannot be
 *         written (named in err).
 */
int report_site_write(const report *r, const report_view *v, lh_err *err);

#endif
