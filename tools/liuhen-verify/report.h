/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report.h — what liuhen-verify found, and how it is shown: failures
 * (integrity, append-only, authorship, omission: exit 1) and regulation
 * findings (rules R1-R17 of docs/regulation.md: exit 2), each naming the entry
 * index, the case and the author and what differs; a summary with counts;
 * human text (with a progress bar on a terminal), --json, --html FILE (one
 * self-contained page: summary, findings by case, each case's timeline).
 *
 * Memory stays bounded whatever the log's size: at most REPORT_MAX_KEPT
 * findings are kept in full (the rest are counted, per rule); timelines keep
 * a compact row per entry (see report_timeline_add) and only for HTML.
 *
 * Thread safety: one thread (the verifier's main thread) calls everything.
 */
#ifndef LIUHEN_VERIFY_REPORT_H
#define LIUHEN_VERIFY_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "errors.h"

/**
 * Failures and findings kept in full; more are counted but not listed.
 * Findings may take at most nine tenths of the room (of the count and of
 * the REPORT_MAX_KEPT_BYTES of text), so that failures, which matter more,
 * are listed even after a flood of findings.
 */
#define REPORT_MAX_KEPT 100000

/** The most bytes of text the kept failures and findings may hold. */
#define REPORT_MAX_KEPT_BYTES (32u << 20)

/** Timeline rows kept for the HTML page; beyond, the page says the timelines were cut. */
#define REPORT_MAX_TIMELINE 200000

/** The most bytes of text the timeline rows may hold. */
#define REPORT_MAX_TIMELINE_BYTES (32u << 20)

/** The same for a report in a directory of pages (report_site.h). */
#define REPORT_MAX_TIMELINE_SITE       2000000
#define REPORT_MAX_TIMELINE_SITE_BYTES (320u << 20)

/** The longest summary of a timeline row, in bytes (longer ones end with "…"). */
#define REPORT_SUMMARY_MAX 160

/** No entry index (a failure of the checkpoint or of a tile, say). */
#define REPORT_NO_INDEX UINT64_MAX

/** What a finding is. */
typedef enum report_class {
    REPORT_FAILURE, /* integrity, append-only, authorship or omission: exit 1 */
    REPORT_FINDING, /* a regulation rule: exit 2 when there is no failure */
} report_class;

/**
 * One failure or finding. Strings are copied by report_add(); any may be
 * NULL or "" when not applicable.
 */
typedef struct report_item {
    report_class cls;
    /* The check or rule: "integrity", "consistency", "signature", "origin",
     * "key", "role", "author-chain", "case-chain", "receipt", "cosignature",
     * "parse", or "R1".."R12". */
    const char *check;
    uint64_t index;      /* entry index, or REPORT_NO_INDEX */
    const char *case_id; /* the entry's case */
    const char *author;  /* the author's holder name (or the key in base64 if unknown) */
    const char *article; /* e.g. "B§3", "A§10(1)"; for failures usually NULL */
    const char *zh;      /* a plain sentence in Chinese */
    const char *en;      /* the same in English, naming what differs
                            (expected/actual hash, which link) */
    /* For failures: the entries first..last the check also depends on (a
     * tile's entries, the tree, the gap a chain skips), when has_span. A
     * failure about an entry, or a span, that an earlier failure found
     * altered is reported as that failure's consequence (cause.h). */
    bool has_span;
    uint64_t span_first, span_last;
} report_item;

typedef struct report report;

typedef struct report_options {
    const char *log_origin; /* for the headings */
    const char *log_key;    /* the log's verifier key text, named on every HTML page; or NULL */
    uint32_t log_keyid;     /* its key id */
    bool json;              /* --json: one JSON document on stdout */
    bool quiet;             /* --quiet: only the summary line (text) */
    const char *html_path;  /* --html PATH, or NULL: a directory report when PATH ends in
                               '/' or is a directory (report_site.h), else one page */
    size_t html_page_rows;  /* a directory report's timeline rows a page; 0: the default */
    bool progress;          /* draw a progress bar on stderr (a terminal) */
    FILE *out;              /* where text or JSON go; NULL: stdout */
    FILE *err;              /* where the progress bar goes; NULL: stderr */
} report_options;

/** A new report. @return 0, LH_ENOMEM. */
int report_new(const report_options *opts, report **out);

/** Free a report. Accepts NULL. */
void report_free(report *r);

/**
 * Record a failure or finding. It is counted (in its class and under its
 * check); it is kept in full while there is room (REPORT_MAX_KEPT).
 * @note The strings are copied, each bounded (case id 160 bytes, author 256,
 *       sentences 1,024; longer ones end with "…"); control characters, C1
 *       and bidirectional controls and invalid UTF-8 are shown escaped
 *       ("\x1b", "\u202e"), so that hostile text cannot rewrite a terminal
 *       or a page. For a rule without an article, the rule's own is used.
 * @return 0, LH_EINVAL (r or item NULL), LH_ENOMEM.
 */
int report_add(report *r, const report_item *item);

/**
 * printf-style helper building zh and en; the other fields from `item`.
 * Both formats are applied to the same arguments, so they must convert the
 * same arguments in the same order (the compiler checks both).
 */
int report_addf(report *r, const report_item *item, const char *zh_fmt, const char *en_fmt, ...)
    __attribute__((format(printf, 3, 5), format(printf, 4, 5)));

/** Counts, for the exit status and the summary. */
size_t report_failures(const report *r);

/** Of the failures, how many are consequences of an earlier one (cause.h). */
size_t report_consequences(const report *r);
size_t report_findings(const report *r);

/** How many failures and findings were recorded under `check` ("R1", "integrity"). */
size_t report_count(const report *r, const char *check);

/** The exit status docs/design.md gives: 0 clean, 1 failures, 2 only findings. */
int report_status(const report *r);

/**
 * The short title of a check or rule, in Chinese ("干预记录五要素不全" for
 * "R1", "记录人记录链" for "author-chain") or English; NULL for an unknown check.
 * A static string.
 */
const char *report_title_zh(const char *check);
const char *report_title_en(const char *check);

/**
 * The same title in the language of the messages (i18n.h): Chinese under
 * a Chinese locale, English otherwise; NULL for an unknown check. Static.
 * The titles are kept in both languages beside the rules, as the findings'
 * sentences are, rather than in the message catalogue: the JSON report
 * and the tests read both whatever the locale.
 */
const char *report_title(const char *check);

/** The article of a rule ("B§3" for "R1"), NULL for a check that is not a rule. Static. */
const char *report_rule_article(const char *rule);

/** Writes an extra section into the HTML page (stats_svg_section()). */
typedef void report_html_extra_fn(FILE *f, const void *ctx);

/**
 * Have the HTML page carry one more section, after the cases: fn(f, ctx)
 * writes it (escaped, no script). Call before report_finish(); ctx is
 * borrowed until then.
 */
void report_set_html_extra(report *r, report_html_extra_fn *fn, const void *ctx);

/**
 * For tests: keep at most max_kept failures and findings and max_timeline
 * timeline rows instead of REPORT_MAX_KEPT and REPORT_MAX_TIMELINE (smaller
 * values only; call before anything is added).
 */
void report_set_limits(report *r, size_t max_kept, size_t max_timeline);

/**
 * Facts for the summary, set as they become known (all optional): each call
 * of report_set_facts() replaces the facts of the previous one, so the
 * verifier fills one report_facts as it goes and sets it again.
 */
typedef struct report_facts {
    uint64_t tree_size;
    uint8_t root[32];
    const char *checkpoint_text; /* the verified checkpoint body */
    uint64_t entries_checked;    /* entries parsed and signature-verified */
    uint64_t tiles_checked;
    uint64_t authors, cases, keys;
    size_t trusted_checked; /* --trusted checkpoints found consistent */
    size_t receipts_checked;
    size_t cosignatures_valid;
    bool integrity_only;
    bool rules;
    int64_t as_of_ms; /* the time rules were evaluated at */
    double seconds;   /* wall time of the run */
} report_facts;

/**
 * Set the facts (copied, checkpoint_text too: at most 8 KiB of it; NULL
 * keeps the checkpoint text set before).
 */
void report_set_facts(report *r, const report_facts *facts);

/**
 * One entry of a case, for the HTML timelines (ignored without --html).
 * @param[in] case_id      the case; NULL or "" for entries without one
 *                         (key management), shown as a group of their own
 * @param[in] recorded_at_ms    the author's timestamp (0: not stated)
 * @param[in] integrated_at_ms  the log's clock
 * @param[in] kind_label   e.g. "干预插手记录 INTERFERENCE" (copied)
 * @param[in] summary      one line of the main fields (copied, at most
 *                         REPORT_SUMMARY_MAX bytes)
 * @note Rows beyond REPORT_MAX_TIMELINE (or REPORT_MAX_TIMELINE_BYTES of
 *       text) are counted, not kept; the page then says the timelines were cut.
 * @return 0, LH_EINVAL, LH_ENOMEM.
 */
int report_timeline_add(report *r, const char *case_id, uint64_t index, int64_t recorded_at_ms,
                        int64_t integrated_at_ms, const char *author, const char *kind_label,
                        const char *summary);

/**
 * Progress of a long run: done out of total entries (total 0: unknown).
 * Draws at most a few times a second; nothing unless opts.progress.
 */
void report_progress(report *r, uint64_t done, uint64_t total);

/** Erase the progress bar, if one is drawn (before writing something else on stderr). */
void report_progress_done(report *r);

/**
 * Print the result: text on stdout (or JSON with --json), and write the
 * HTML file with --html. The progress bar is erased first. The HTML file is
 * written whole to a temporary file beside it, then renamed (mode 0644);
 * the text or JSON is printed even when it cannot be.
 * @return 0; -errno when the HTML file cannot be written or stdout fails
 *         (named in err); LH_ENOMEM.
 */
int report_finish(report *r, lh_err *err);

#endif
