/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_view.h — a report's contents as its three renderings read them
 * (report_text.h, report_json.h, report_html.h): the failures and findings
 * kept, the timeline rows and the counts per check that report.c collects;
 * the same grouped by case once the report is finished (report_view_make());
 * and the formatting the renderings share (counts, the verdict).
 *
 * Private to the report: report.c fills a struct report, the renderings
 * only read it. Every string in it was bounded and cleaned when it was
 * recorded (valid UTF-8, control characters shown as escapes); a rendering
 * still escapes it as its own format requires.
 *
 * Thread safety: one thread calls everything (report.h).
 */
#ifndef LIUHEN_VERIFY_REPORT_VIEW_H
#define LIUHEN_VERIFY_REPORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "cause.h"
#include "idtable.h"
#include "report.h"

/** The longest name of a check, in bytes (without the NUL). */
#define REPORT_VIEW_CHECK_MAX 48

/** The longest log origin kept, in bytes (without the NUL). */
#define REPORT_VIEW_ORIGIN_MAX 256

/** The longest log key text kept (a verifier key line), in bytes. */
#define REPORT_VIEW_KEY_MAX 512

/** The checks counted by name; beyond, they are counted as "other". */
#define REPORT_VIEW_CHECKS_MAX 64

/**
 * Strings stored once each, numbered in the order they came: case ids,
 * authors, kinds. An idtable maps each string to its number.
 */
typedef struct report_strtab {
    const char **strs; /* strs[number], in the report's arena */
    size_t n, cap;
    idtable idx; /* string -> position in strs */
} report_strtab;

/** A failure or finding kept in full. Strings live in the report's arena. */
typedef struct report_kept {
    report_class cls;
    uint32_t case_id; /* in r->cases; the id of "" when none */
    uint64_t index;
    const char *check, *article, *author, *zh, *en;
    size_t number; /* failures: 1-based, in order of arrival; findings: 0 */
    size_t cause;  /* the number of the failure this one follows from, or 0 (cause.h) */
} report_kept;

/** A timeline row: strings interned or in the arena. */
typedef struct report_row {
    uint64_t index;
    int64_t recorded, integrated;
    uint32_t case_id; /* in r->cases */
    const char *author, *kind, *summary;
} report_row;

/** How many failures and findings one check (or "other") counted. */
typedef struct report_check_count {
    char name[REPORT_VIEW_CHECK_MAX + 1];
    size_t failures, findings;
} report_check_count;

/** A report (report.h): filled by report.c, read by the renderings. */
struct report {
    report_options opts; /* log_origin and html_path point to the copies below */
    char origin[REPORT_VIEW_ORIGIN_MAX + 1];
    char log_key[REPORT_VIEW_KEY_MAX + 1]; /* the verifier key text, or "" */
    uint32_t log_keyid;
    char *html_path;
    bool html_site;       /* html_path is a directory (report_site.h) */
    size_t max_row_bytes; /* REPORT_MAX_TIMELINE_BYTES, more for a directory */

    arena text;          /* every kept string */
    report_strtab cases; /* case ids, of kept items and of timeline rows */
    report_strtab names; /* authors, kinds, checks and articles */
    report_kept *items;  /* in order of arrival */
    size_t nitems, items_cap, max_kept, kept_bytes;
    size_t failures, findings; /* counted, kept or not */
    size_t consequences;       /* failures that follow from an earlier one */
    cause_table causes;
    report_check_count checks[REPORT_VIEW_CHECKS_MAX];
    size_t nchecks; /* in the order of docs/design.md and docs/regulation.md once finished */

    report_row *rows; /* in order of arrival */
    size_t nrows, rows_cap, max_rows, row_bytes;
    uint64_t rows_dropped;

    report_facts facts;
    bool facts_set;
    char *checkpoint; /* the cleaned checkpoint text, or NULL */
    bool html_written;
    report_html_extra_fn *html_extra; /* report_set_html_extra() */
    const void *html_extra_ctx;

    bool progress_started;
    int64_t progress_start, progress_last;
    size_t progress_width; /* columns of the bar drawn, 0 when none */
};

/** What the renderings know of a case once everything is in. */
typedef struct report_case {
    uint32_t id; /* in r->cases */
    size_t failures, findings, rows;
    size_t first_item, first_row; /* into the sorted arrays of report_view */
} report_case;

/** The kept items and timeline rows of a finished report, grouped by case. */
typedef struct report_view {
    report_case *cases; /* problem cases first, each group in natural order */
    size_t ncases;
    uint32_t *rank;   /* rank[case id]: position in cases */
    size_t *items;    /* kept items sorted by (case rank, failures first, order of arrival) */
    size_t *rows;     /* rows sorted by (case rank, index) */
    size_t *by_index; /* kept items with an index, sorted by (index, arrival) */
    size_t nby_index;
    uint64_t *row_index; /* the indexes of the rows, sorted */
} report_view;

/**
 * Group the kept items and the timeline rows of r by case: the cases with
 * failures or findings first, each group in the natural order of the case
 * ids (runs of digits compare as numbers, QJ-2026-9 before QJ-2026-10), the
 * entries without a case last.
 * @param[out] v  freed with report_view_free(), also on error.
 * @return 0, LH_ENOMEM.
 * @note v reads r: it is valid while r is not changed.
 */
int report_view_make(const report *r, report_view *v);

/** Free what report_view_make() allocated. */
void report_view_free(report_view *v);

/**
 * The first position in v->by_index of the items about entry `index`
 * (v->nby_index when there is none); the items about it follow.
 */
size_t report_view_items_at(const report *r, const report_view *v, uint64_t index);

/** Whether entry `index` has a timeline row. */
bool report_view_has_row(const report *r, const report_view *v, uint64_t index);

/** The case id numbered id in r->cases ("" for entries without a case). */
const char *report_view_case_name(const report *r, uint32_t id);

/**
 * A count with thousands separators: "1,000,000".
 * @return buf.
 */
const char *report_view_fmt_count(uint64_t v, char buf[32]);

/**
 * How a failure stands among the others, in the language of the messages
 * (i18n.h): "failure #3", or "failure #4, a consequence of failure #3"
 * (cause.h). "" for a finding.
 * @return buf.
 */
const char *report_view_cause(const report_kept *k, char buf[160]);

/** The verdict as a key: "failures", "findings" or "clean". A static string. */
const char *report_view_verdict_key(const report *r);

/** Print the verdict line of docs/design.md's exit statuses, in the language of the
 *  messages (i18n.h; no newline). */
void report_view_put_verdict(const report *r, FILE *f);

#endif
