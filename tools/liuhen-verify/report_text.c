/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_text.c — a finished report as human text (report_text.h).
 *
 * The strings were cleaned when recorded (report.c): they reach a terminal
 * without a control character. Labels of the summary are padded to one
 * column, counting East Asian wide characters as two. Everything is in the
 * language of the messages (i18n.h): the labels through the catalogue, the
 * titles of the checks and the sentences of the items by i18n_pick().
 */
#include "report_text.h"

#include <inttypes.h>
#include <string.h>

#include "calendar.h"
#include "cite.h"
#include "i18n.h"
#include "text.h"

/* "  label      " padded to a column, for the summary; at least one space
 * after the longest label. */
static void put_label(FILE *f, const char *label)
{
    size_t w = text_columns(label);
    fprintf(f, "  %s ", label);
    for (size_t i = w; i < 36; i++)
        fputc(' ', f);
}

/* "R1 干预记录五要素不全" or "记录人记录链 author-chain" for a check, in the
 * language of the messages: "R1 interference record lacks...", "author
 * chain (author-chain)". */
static void put_check(FILE *f, const char *check)
{
    const char *title = report_title(check);
    if (title == NULL)
        fputs(check, f);
    else if (check[0] == 'R')
        fprintf(f, "%s %s", check, title);
    else
        fprintf(f, i18n_zh() ? "%s %s" : "%s (%s)", title, check);
}

/* The article of an item: in Chinese, as officials cite it, with the
 * short names the summary spells out, then our reference
 * (" (干预记录制度第三条, B§3)"); in English, our reference, which the
 * summary's legend explains (" (B§3)"). An article that is not one of our
 * references is shown as it is. */
static void put_article(FILE *f, const char *article)
{
    char zh[CITE_MAX];
    if (article[0] == '\0')
        return;
    if (!i18n_zh() || cite_zh_short(zh, sizeof zh, article) == LH_EPARSE)
        fprintf(f, " (%s)", article);
    else
        fprintf(f, " (%s, %s)", zh, article);
}

/* One failure or finding: the check, its article, entry (第42号记录: a
 * position in the log, not an article), case and recorder, then its
 * sentence in the language of the messages (the JSON report has both). */
static void put_item(const report *r, const report_kept *k, FILE *f, bool with_case)
{
    fputs("  ", f);
    put_check(f, k->check);
    put_article(f, k->article);
    if (k->index != REPORT_NO_INDEX) {
        fputs(" · ", f);
        fprintf(f, _("entry %" PRIu64), k->index);
    }
    if (with_case && report_view_case_name(r, k->case_id)[0] != '\0') {
        fputs(" · ", f);
        fprintf(f, _("case %s"), report_view_case_name(r, k->case_id));
    }
    if (k->author[0] != '\0') {
        fputs(" · ", f);
        /* TRANSLATORS: who recorded the entry (记录人). */
        fprintf(f, _("author %s"), k->author);
    }
    char cause[160];
    if (report_view_cause(k, cause)[0] != '\0')
        fprintf(f, " · %s", cause);
    fputc('\n', f);
    const char *sentence = i18n_pick(k->zh, k->en);
    if (sentence[0] != '\0')
        fprintf(f, "      %s\n", sentence);
}

/* The short names under which findings cite the regulations, spelt out
 * once, as a document says （以下简称…）; in English, the letter of our
 * references, the English name and the title. */
static void put_regulations(FILE *f)
{
    /* TRANSLATORS: the legend of the short names of the two regulations (制度简称). */
    put_label(f, _("regulations"));
    for (char reg = 'A'; reg <= 'B'; reg++) {
        if (reg != 'A')
            put_label(f, "");
        if (i18n_zh())
            fprintf(f, "%s：%s\n", cite_regulation_name(reg, CITE_ZH_SHORT),
                    cite_regulation_name(reg, CITE_ZH));
        else
            fprintf(f, "%c: %s, %s\n", reg, cite_regulation_name(reg, CITE_EN),
                    cite_regulation_name(reg, CITE_ZH));
    }
}

/* The summary: the log, what was checked and how much, the counts by check. */
static void put_summary(const report *r, FILE *f)
{
    const report_facts *x = &r->facts;
    char a[32], b[32], c[32], t[64];
    fprintf(f, "%s%s%s\n", _("liuhen-verify report"), r->origin[0] != '\0' ? " — " : "", r->origin);
    put_label(f, _("log"));
    fprintf(f, "%s\n", r->origin[0] != '\0' ? r->origin : "—");
    if (r->facts_set) {
        char root[TEXT_B64_LEN(32)];
        text_b64_encode(root, x->root, sizeof x->root);
        put_label(f, _("tree size"));
        fprintf(f, "%s\n", report_view_fmt_count(x->tree_size, a));
        put_label(f, _("root hash"));
        fprintf(f, "%s\n", root);
    }
    put_label(f, _("scope"));
    if (x->integrity_only)
        fprintf(f, "%s (--integrity-only)\n", _("integrity only"));
    else
        fprintf(f, "%s\n", _("integrity, authorship, omission"));
    put_label(f, _("entries"));
    fprintf(f, _("%s parsed and signature-verified"), report_view_fmt_count(x->entries_checked, a));
    fputc('\n', f);
    put_label(f, _("tiles"));
    fprintf(f, _("%s checked"), report_view_fmt_count(x->tiles_checked, a));
    fputc('\n', f);
    if (!x->integrity_only) {
        put_label(f, _("authors / cases / keys"));
        fprintf(f, "%s / %s / %s\n", report_view_fmt_count(x->authors, a),
                report_view_fmt_count(x->cases, b), report_view_fmt_count(x->keys, c));
    }
    put_label(f, _("trusted checkpoints"));
    fprintf(f, _("%s consistent"), report_view_fmt_count(x->trusted_checked, a));
    fputc('\n', f);
    put_label(f, _("receipts"));
    fprintf(f, _("%s included"), report_view_fmt_count(x->receipts_checked, a));
    fputc('\n', f);
    put_label(f, _("cosignatures"));
    fprintf(f, _("%s valid"), report_view_fmt_count(x->cosignatures_valid, a));
    fputc('\n', f);
    put_label(f, _("regulation rules"));
    if (x->rules)
        fprintf(f, _("R1–R17, as of %s"), calendar_format_local(t, x->as_of_ms));
    else
        fprintf(f, "%s (--rules)", _("not evaluated"));
    fputc('\n', f);
    if (x->rules || r->findings != 0)
        put_regulations(f);
    put_label(f, _("time taken"));
    fprintf(f, "%.2f s\n", x->seconds);
    if (r->nchecks != 0) {
        put_label(f, _("counts by check"));
        for (size_t i = 0; i < r->nchecks; i++)
            fprintf(f, "%s%s %s", i != 0 ? " · " : "", r->checks[i].name,
                    report_view_fmt_count(r->checks[i].failures + r->checks[i].findings, a));
        fputc('\n', f);
    }
    if (r->html_written) {
        put_label(f, _("HTML report"));
        fprintf(f, "%s\n", r->opts.html_path);
    }
}

/* The one line of counts of --quiet. */
static void put_counts(const report *r, FILE *f)
{
    char a[32], b[32], c[32], d[32];
    fprintf(f, _("failures %s · findings %s · entries %s · tiles %s"),
            report_view_fmt_count(r->failures, a), report_view_fmt_count(r->findings, b),
            report_view_fmt_count(r->facts.entries_checked, c),
            report_view_fmt_count(r->facts.tiles_checked, d));
    fputc('\n', f);
}

/* A line saying that total - listed items were counted but not kept. */
static void put_not_listed(FILE *f, size_t total, size_t listed)
{
    char a[32];
    if (total > listed) {
        fputs("  ", f);
        fprintf(f, _("… %s more not listed (only the first are kept)"),
                report_view_fmt_count(total - listed, a));
        fputc('\n', f);
    }
}

void report_text_write(const report *r, const report_view *v, FILE *f)
{
    char a[32];
    if (r->opts.quiet) {
        report_view_put_verdict(r, f);
        fputc('\n', f);
        put_counts(r, f);
        return;
    }
    put_summary(r, f);
    fputc('\n', f);
    report_view_put_verdict(r, f);
    fputc('\n', f);
    if (r->failures != 0) {
        fputc('\n', f);
        /* TRANSLATORS: the heading of the list of records altered, removed or forged. */
        fprintf(f, _("FAILURES (%s)"), report_view_fmt_count(r->failures, a));
        fputc('\n', f);
        size_t listed = 0;
        for (size_t i = 0; i < r->nitems; i++) {
            if (r->items[i].cls != REPORT_FAILURE)
                continue;
            put_item(r, &r->items[i], f, true);
            listed++;
        }
        put_not_listed(f, r->failures, listed);
    }
    if (r->findings != 0) {
        fputc('\n', f);
        /* TRANSLATORS: the heading of the findings against the regulations, grouped by case. */
        fprintf(f, _("FINDINGS BY CASE (%s)"), report_view_fmt_count(r->findings, a));
        fputc('\n', f);
        size_t listed = 0;
        for (size_t i = 0; i < v->ncases; i++) {
            const report_case *ci = &v->cases[i];
            if (ci->findings == 0)
                continue;
            const char *name = report_view_case_name(r, ci->id);
            if (name[0] != '\0')
                fprintf(f, _("case %s"), name);
            else
                fprintf(f, "— %s", _("no case"));
            fprintf(f, " (%s)\n", report_view_fmt_count(ci->findings, a));
            for (size_t j = 0; j < ci->failures + ci->findings; j++) {
                const report_kept *k = &r->items[v->items[ci->first_item + j]];
                if (k->cls == REPORT_FINDING) {
                    put_item(r, k, f, false);
                    listed++;
                }
            }
        }
        put_not_listed(f, r->findings, listed);
    }
}
