/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_html.c — a finished report as one self-contained HTML page
 * (report_html.h).
 *
 * The strings were cleaned when recorded (report.c); every one of them is
 * HTML-escaped again here wherever it goes into the page, in text and in
 * attribute values alike. Anchors link each failure and finding to the
 * timeline row of its entry and each case in the list to its section.
 *
 * The page is in the language of the messages (i18n.h), like the text:
 * its labels through the catalogue, the titles of the checks and the
 * sentences of the items by i18n_pick(); the translations are ours, and go
 * into the page as they are, while everything they are filled with is
 * escaped (html_fill()).
 */
#include "report_html.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "cite.h"
#include "fileio.h"
#include "i18n.h"
#include "text.h"

/* Text into HTML, and into the SVG and XML inside it: the five characters
 * that could open markup or end an attribute value are escaped (HTML
 * Living Standard §13.1.2.6), and the control characters XML 1.0 does not
 * allow (all but tab, newline and carriage return) become spaces. */
static void html_text(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\t':
        case '\n':
        case '\r': fputc(c, f); break;
        default: fputc(c < 0x20 ? ' ' : c, f);
        }
    }
}

/* A message with one "%s" (msgfmt --check keeps it in the translation),
 * the %s filled with s escaped: html_fill(f, _("case %s"), name). */
static void html_fill(FILE *f, const char *fmt, const char *s)
{
    const char *at = strstr(fmt, "%s");
    if (at == NULL) {
        fputs(fmt, f);
        fputc(' ', f);
        html_text(f, s);
        return;
    }
    fwrite(fmt, 1, (size_t)(at - fmt), f);
    html_text(f, s);
    fputs(at + 2, f);
}

/* Inline CSS: system fonts with the common CJK ones, no asset from outside. */
static const char html_style[] =
    ":root{--ok:#1a7f37;--bad:#b42318;--warn:#9a6700;--line:#d0d7de;--muted:#57606a}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:15px/1.55 system-ui,-apple-system,\"Segoe UI\",\"PingFang SC\","
    "\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\","
    "sans-serif;color:#1f2328;background:#f6f8fa}\n"
    "header{padding:18px 32px;color:#fff}\n"
    "header.clean{background:var(--ok)}header.failures{background:var(--bad)}"
    "header.findings{background:var(--warn)}\n"
    "header h1{margin:0;font-size:17px;font-weight:500;opacity:.9}\n"
    "header .verdict{font-size:30px;font-weight:700;margin:4px 0}\n"
    "header .sub{margin:0;opacity:.9;word-break:break-all}\n"
    "main{padding:8px 32px 32px;max-width:1500px}\n"
    "section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 20px;"
    "margin:16px 0}\n"
    "h2{font-size:18px;margin:4px 0 12px}h3{font-size:15px;margin:14px 0 6px}\n"
    "table{border-collapse:collapse;width:100%;font-size:14px}\n"
    "th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f6f8fa;font-weight:600;white-space:nowrap}\n"
    "table.kv th{width:16em}\n"
    "td.n{white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    "td.c{white-space:nowrap}td.s{min-width:14em}\n"
    "td.t{white-space:nowrap;font-variant-numeric:tabular-nums;font-size:13px}\n"
    ".mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;"
    "word-break:break-all}\n"
    "pre.mono{white-space:pre-wrap;margin:0}\n"
    ".en{color:var(--muted)}\n"
    "tr.fail>td{background:#fdecea}tr.find>td{background:#fff5d6}\n"
    ".tag{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;font-weight:600;"
    "color:#fff;white-space:nowrap}\n"
    ".tag.fail{background:var(--bad)}.tag.find{background:var(--warn)}\n"
    ".ok{color:var(--ok);font-weight:600}\n"
    "details.case{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:0 14px}\n"
    "details.case>summary{cursor:pointer;padding:9px 0;font-weight:600}\n"
    "details.case>summary .cnt{font-weight:400;color:var(--muted)}\n"
    ".scroll{overflow-x:auto}\n"
    "ul.toc{margin:0;padding-left:20px;columns:2}\n"
    ".note{color:var(--muted)}.warn{color:var(--bad);font-weight:600}\n"
    ".alt{font-weight:600}.cause{color:var(--muted);font-style:italic}\n"
    "a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}\n"
    ":target>td,:target{outline:2px solid #0969da}\n"
    "@media print{body{background:#fff}details.case{break-inside:avoid}}\n";

/* One row of the summary table: a label and its value, both escaped. */
static void html_kv(FILE *f, const char *label, const char *value)
{
    fputs("<tr><th>", f);
    html_text(f, label);
    fputs("</th><td>", f);
    html_text(f, value);
    fputs("</td></tr>\n", f);
}

/* The href of an anchor on a case page: on this page "#case-3", on
 * another "cases-00002.html#case-3" (report_site.h). */
static void html_href(FILE *f, const report_html_links *lk, uint32_t page, const char *anchor,
                      uint64_t n)
{
    if (lk != NULL && lk->case_page != NULL && page != lk->page)
        fprintf(f, REPORT_HTML_CASE_PAGE, page);
    fprintf(f, "#%s%" PRIu64, anchor, n);
}

/* The tag of a check, with its title when it has one. */
static void html_check(FILE *f, const report_kept *k)
{
    const char *title = report_title(k->check);
    fprintf(f, "<span class=\"tag %s\">", k->cls == REPORT_FAILURE ? "fail" : "find");
    html_text(f, k->check);
    fputs("</span>", f);
    if (title != NULL) {
        fputs(" ", f);
        html_text(f, title);
    }
}

/* The sentence of an item (the JSON report has both languages). */
static void html_sentences(FILE *f, const report_kept *k)
{
    html_text(f, i18n_pick(k->zh, k->en));
}

/* An article: in Chinese, as officials cite it, under the short names the
 * summary spells out, the full citation as its title, over our reference
 * ("干预记录制度第三条" over "B§3"); in English, our reference, the English
 * citation as its title. One that is not our reference (a rule citing
 * another law) as it is. */
static void html_article(FILE *f, const char *article)
{
    char zh[CITE_MAX], full[CITE_MAX];
    if (article == NULL || article[0] == '\0') {
        fputs("—", f);
        return;
    }
    if (cite_zh_short(zh, sizeof zh, article) == LH_EPARSE) {
        html_text(f, article);
        return;
    }
    bool in_zh = i18n_zh();
    if (in_zh)
        cite_zh(full, sizeof full, article);
    else
        cite_en(full, sizeof full, article);
    fputs("<span title=\"", f);
    html_text(f, full);
    fputs("\">", f);
    if (in_zh) {
        html_text(f, zh);
        fputs("</span><br><span class=\"en\">", f);
    }
    html_text(f, article);
    fputs("</span>", f);
}

/* The short names of the regulations, spelt out once, as a document says
 * （以下简称…）; in English, the letter of our references, the English name
 * and the title. */
static void html_regulations(FILE *f)
{
    fputs("<tr><th>", f);
    html_text(f, _("regulations"));
    fputs("</th><td>", f);
    bool in_zh = i18n_zh();
    for (char reg = 'A'; reg <= 'B'; reg++) {
        if (in_zh) {
            html_text(f, cite_regulation_name(reg, CITE_ZH_SHORT));
            fputs("：", f);
        } else {
            fprintf(f, "%c: ", reg);
            html_text(f, cite_regulation_name(reg, CITE_EN));
            fputs(", ", f);
        }
        html_text(f, cite_regulation_name(reg, CITE_ZH));
        fputs(reg == 'A' ? "<br>" : "", f);
    }
    fputs("</td></tr>\n", f);
}

static int cmp_index(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The entry index of an item, linked to its timeline row when there is one. */
static void html_index(const report *r, const report_view *v, FILE *f, uint64_t index,
                       const report_html_links *lk)
{
    if (index == REPORT_NO_INDEX) {
        fputs("—", f);
        return;
    }
    uint64_t *at = bsearch(&index, v->row_index, r->nrows, sizeof *v->row_index, cmp_index);
    if (at != NULL) {
        uint32_t page = lk != NULL && lk->row_page != NULL ? lk->row_page[at - v->row_index] : 0;
        fputs("<a href=\"", f);
        html_href(f, lk, page, "e-", index);
        fprintf(f, "\">%" PRIu64 "</a>", index);
    } else {
        fprintf(f, "%" PRIu64, index);
    }
}

/* The log key the report was verified with, and its key id. */
static void html_log_key(const report *r, FILE *f)
{
    if (r->log_key[0] == '\0')
        return;
    fputs("<tr><th>", f);
    html_text(f, _("log verifier key"));
    fputs("</th><td class=\"mono\">", f);
    html_text(f, r->log_key);
    fputs("</td></tr>\n", f);
    char id[16];
    snprintf(id, sizeof id, "%08" PRIx32, r->log_keyid);
    html_kv(f, _("key id"), id);
}

/* The summary section: what was checked, the facts, the counts by check. */
static void html_summary(const report *r, FILE *f)
{
    const report_facts *x = &r->facts;
    char a[32], b[32], c[32], t[64], line[256];
    fputs("<section id=\"summary\"><h2>", f);
    html_text(f, _("Summary"));
    fputs("</h2>\n<table class=\"kv\">\n", f);
    html_kv(f, _("log"), r->origin[0] != '\0' ? r->origin : "—");
    html_log_key(r, f);
    if (r->facts_set) {
        char root[TEXT_B64_LEN(32)];
        text_b64_encode(root, x->root, sizeof x->root);
        html_kv(f, _("tree size"), report_view_fmt_count(x->tree_size, a));
        fputs("<tr><th>", f);
        html_text(f, _("root hash"));
        fputs("</th><td class=\"mono\">", f);
        html_text(f, root);
        fputs("</td></tr>\n", f);
    }
    html_kv(f, _("scope"),
            x->integrity_only ? _("integrity only") : _("integrity, authorship, omission"));
    snprintf(line, sizeof line, _("%s parsed and signature-verified"),
             report_view_fmt_count(x->entries_checked, a));
    html_kv(f, _("entries"), line);
    snprintf(line, sizeof line, _("%s checked"), report_view_fmt_count(x->tiles_checked, a));
    html_kv(f, _("tiles"), line);
    if (!x->integrity_only) {
        snprintf(line, sizeof line, "%s / %s / %s", report_view_fmt_count(x->authors, a),
                 report_view_fmt_count(x->cases, b), report_view_fmt_count(x->keys, c));
        html_kv(f, _("authors / cases / keys"), line);
    }
    snprintf(line, sizeof line, _("%s consistent"), report_view_fmt_count(x->trusted_checked, a));
    html_kv(f, _("trusted checkpoints"), line);
    snprintf(line, sizeof line, _("%s included"), report_view_fmt_count(x->receipts_checked, a));
    html_kv(f, _("receipts"), line);
    snprintf(line, sizeof line, _("%s valid"), report_view_fmt_count(x->cosignatures_valid, a));
    html_kv(f, _("cosignatures"), line);
    if (x->rules)
        snprintf(line, sizeof line, _("R1–R17, as of %s"), calendar_format_local(t, x->as_of_ms));
    else
        snprintf(line, sizeof line, "%s", _("not evaluated"));
    html_kv(f, _("regulation rules"), line);
    if (x->rules || r->findings != 0)
        html_regulations(f);
    snprintf(line, sizeof line, "%s · %s", report_view_fmt_count(r->failures, a),
             report_view_fmt_count(r->findings, b));
    html_kv(f, _("failures · findings"), line);
    snprintf(line, sizeof line, "%.2f s", x->seconds);
    html_kv(f, _("time taken"), line);
    if (r->checkpoint != NULL) {
        fputs("<tr><th>", f);
        html_text(f, _("checkpoint"));
        fputs("</th><td><pre class=\"mono\">", f);
        html_text(f, r->checkpoint);
        fputs("</pre></td></tr>\n", f);
    }
    fputs("</table>\n", f);
    if (r->nchecks != 0) {
        fprintf(f, "<h3>%s</h3>\n<table>\n", _("Counts by check"));
        fprintf(f, "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", _("check"),
                _("title"), _("article"), _("failures"), _("findings"));
        for (size_t i = 0; i < r->nchecks; i++) {
            const report_check_count *c0 = &r->checks[i];
            const char *title = report_title(c0->name);
            fputs("<tr><td>", f);
            html_text(f, c0->name);
            fputs("</td><td>", f);
            if (title != NULL)
                html_text(f, title);
            fputs("</td><td>", f);
            html_article(f, report_rule_article(c0->name));
            fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
                    report_view_fmt_count(c0->failures, a), report_view_fmt_count(c0->findings, b));
        }
        fputs("</table>\n", f);
    }
    fputs("</section>\n", f);
}

void report_html_not_listed(FILE *f, size_t total, size_t listed)
{
    char a[32];
    if (total > listed) {
        fputs("<p class=\"warn\">", f);
        fprintf(f, _("%s more not listed: the report keeps only the first ones."),
                report_view_fmt_count(total - listed, a));
        fputs("</p>\n", f);
    }
}

/* A failure's number, and the failure it follows from (cause.h). */
static void html_cause(FILE *f, const report_kept *k)
{
    char cause[160];
    if (report_view_cause(k, cause)[0] == '\0')
        return;
    fprintf(f, "<div class=\"%s\">", k->cause != 0 ? "cause" : "alt");
    html_text(f, cause);
    fputs("</div>", f);
}

/* The last cells of an item's row, which closes it: its author, then what
 * caused it and its sentences. */
static void html_item_end(FILE *f, const report_kept *k)
{
    fputs("</td><td>", f);
    html_text(f, k->author[0] != '\0' ? k->author : "—");
    fputs("</td><td>", f);
    html_cause(f, k);
    html_sentences(f, k);
    fputs("</td></tr>\n", f);
}

/* The failures, in order of arrival, each linked to its case: those
 * numbered from+1 to from+max of the kept ones. */
static size_t html_failures(const report *r, const report_view *v, FILE *f,
                            const report_html_links *lk, size_t from, size_t max)
{
    char a[32];
    fputs("<section id=\"failures\"><h2>", f);
    fprintf(f, _("Failures (%s)"), report_view_fmt_count(r->failures, a));
    fputs("</h2>\n", f);
    if (r->failures == 0) {
        fprintf(f, "<p class=\"ok\">%s</p></section>\n", _("No alteration or omission found."));
        return 0;
    }
    fprintf(f,
            "<div class=\"scroll\"><table>\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th></tr>\n",
            _("check"), _("entry"), _("case"), _("author"), _("what differs"));
    size_t listed = 0, seen = 0;
    for (size_t i = 0; i < r->nitems; i++) {
        const report_kept *k = &r->items[i];
        if (k->cls != REPORT_FAILURE)
            continue;
        seen++;
        if (seen <= from || seen - from > max)
            continue;
        listed++;
        fprintf(f, "<tr id=\"f-%zu\"><td>", i);
        html_check(f, k);
        fputs("</td><td class=\"n\">", f);
        html_index(r, v, f, k->index, lk);
        fputs("</td><td class=\"c\">", f);
        const char *cn = report_view_case_name(r, k->case_id);
        if (cn[0] != '\0') {
            uint32_t rank = v->rank[k->case_id];
            fputs("<a href=\"", f);
            html_href(f, lk, lk != NULL && lk->case_page != NULL ? lk->case_page[rank] : 0, "case-",
                      rank);
            fputs("\">", f);
            html_text(f, cn);
            fputs("</a>", f);
        } else {
            fputs("—", f);
        }
        html_item_end(f, k);
    }
    fputs("</table></div>\n", f);
    if (lk == NULL || lk->case_page == NULL)
        report_html_not_listed(f, r->failures, listed);
    fputs("</section>\n", f);
    return listed;
}

/* Whether failures and findings were found at entry `index`. */
static void html_row_marks(const report *r, const report_view *v, uint64_t index, bool *fail,
                           bool *find)
{
    *fail = *find = false;
    for (size_t p = report_view_items_at(r, v, index); p < v->nby_index; p++) {
        size_t i = v->by_index[p];
        const report_kept *k = &r->items[i];
        if (k->index != index)
            break;
        if (k->cls == REPORT_FAILURE)
            *fail = true;
        else
            *find = true;
    }
}

/* A time in a timeline: the date over the time and its offset, to keep
 * the table narrow. */
static void html_time(FILE *f, int64_t ms)
{
    char t[64];
    calendar_format_local(t, ms);
    char *sp = strchr(t, ' ');
    if (sp != NULL) {
        *sp = '\0';
        html_text(f, t);
        fputs("<br>", f);
        html_text(f, sp + 1);
    } else {
        html_text(f, t);
    }
}

/* One case (the ci_pos-th of v): its failures and findings, then its timeline. */
static void html_case(const report *r, const report_view *v, FILE *f, size_t ci_pos,
                      const report_html_links *lk)
{
    const report_case *ci = &v->cases[ci_pos];
    const char *name = report_view_case_name(r, ci->id);
    char a[32], b[32], c[32];
    bool hit = ci->failures + ci->findings != 0;
    fprintf(f, "<details class=\"case\" id=\"case-%zu\"%s><summary>", ci_pos, hit ? " open" : "");
    if (name[0] != '\0')
        html_fill(f, _("case %s"), name);
    else
        fprintf(f, "%s <span class=\"cnt\">(%s)</span>", _("not in a case"),
                _("log-wide checks, key management"));
    fputs(" <span class=\"cnt\">· ", f);
    fprintf(f, _("failures %s · findings %s · entries %s"), report_view_fmt_count(ci->failures, a),
            report_view_fmt_count(ci->findings, b), report_view_fmt_count(ci->rows, c));
    fputs("</span></summary>\n", f);
    if (hit) {
        fprintf(f,
                "<div class=\"scroll\"><table>\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                "<th>%s</th></tr>\n",
                _("check or rule"), _("article"), _("entry"), _("author"), _("finding"));
        for (size_t j = 0; j < ci->failures + ci->findings; j++) {
            size_t i = v->items[ci->first_item + j];
            const report_kept *k = &r->items[i];
            fprintf(f, "<tr id=\"i-%zu\" class=\"%s\"><td>", i,
                    k->cls == REPORT_FAILURE ? "fail" : "find");
            html_check(f, k);
            fputs("</td><td>", f);
            html_article(f, k->article);
            fputs("</td><td class=\"n\">", f);
            html_index(r, v, f, k->index, lk);
            html_item_end(f, k);
        }
        fputs("</table></div>\n", f);
    }
    if (ci->rows == 0) {
        fprintf(f, "<p class=\"note\">%s</p></details>\n", _("No timeline rows for this case."));
        return;
    }
    fprintf(f, "<h3>%s</h3>\n", _("Timeline"));
    fprintf(f,
            "<div class=\"scroll\"><table>\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th><th>%s</th><th>%s</th></tr>\n",
            _("entry"), _("recorded"), _("integrated"), _("author"), _("kind"), _("summary"),
            _("issues"));
    for (size_t j = 0; j < ci->rows; j++) {
        const report_row *w = &r->rows[v->rows[ci->first_row + j]];
        bool fail, find;
        html_row_marks(r, v, w->index, &fail, &find);
        fprintf(f, "<tr id=\"e-%" PRIu64 "\"%s><td class=\"n\">%" PRIu64 "</td>", w->index,
                fail   ? " class=\"fail\""
                : find ? " class=\"find\""
                       : "",
                w->index);
        fputs("<td class=\"t\">", f);
        html_time(f, w->recorded);
        fputs("</td><td class=\"t\">", f);
        html_time(f, w->integrated);
        fputs("</td><td>", f);
        html_text(f, w->author);
        fputs("</td><td>", f);
        html_text(f, w->kind);
        fputs("</td><td class=\"s\">", f);
        html_text(f, w->summary);
        fputs("</td><td>", f);
        bool first = true;
        for (size_t p = report_view_items_at(r, v, w->index); p < v->nby_index; p++) {
            size_t i = v->by_index[p];
            const report_kept *k = &r->items[i];
            if (k->index != w->index)
                break;
            fprintf(f, "%s<a class=\"tag %s\" href=\"#i-%zu\">", first ? "" : " ",
                    k->cls == REPORT_FAILURE ? "fail" : "find", i);
            html_text(f, k->check);
            fputs("</a>", f);
            first = false;
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n</details>\n", f);
}

void report_html_begin(const report *r, FILE *f, const char *part)
{
    char a[32], t[64];
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
            i18n_zh() ? "zh-CN" : "en");
    html_text(f, _("liuhen-verify report"));
    if (r->origin[0] != '\0') {
        fputs(" — ", f);
        html_text(f, r->origin);
    }
    if (part != NULL) {
        fputs(" — ", f);
        html_text(f, part);
    }
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", html_style);
    fprintf(f, "<header class=\"%s\">\n<h1>", report_view_verdict_key(r));
    html_text(f, _("liuhen-verify report"));
    if (part != NULL) {
        fputs(" — ", f);
        html_text(f, part);
    }
    fputs("</h1>\n<p class=\"verdict\">", f);
    report_view_put_verdict(r, f);
    fputs("</p>\n<p class=\"sub\">", f);
    if (r->origin[0] != '\0') {
        html_text(f, r->origin);
        fputs(" · ", f);
    }
    if (r->log_key[0] != '\0') {
        /* Every page names the key it was verified with. */
        char id[16];
        snprintf(id, sizeof id, "%08" PRIx32, r->log_keyid);
        html_fill(f, _("log verifier key %s"), r->log_key);
        fputs(" · ", f);
        html_fill(f, _("key id %s"), id);
        fputs(" · ", f);
    }
    if (r->facts_set) {
        fprintf(f, _("tree size %s"), report_view_fmt_count(r->facts.tree_size, a));
        fputs(" · ", f);
    }
    fprintf(f, _("generated %s"), calendar_format_local(t, (int64_t)time(NULL) * 1000));
    fputs("</p>\n</header>\n<main>\n", f);
}

void report_html_end(FILE *f)
{
    fputs("</main>\n</body>\n</html>\n", f);
}

void report_html_text(FILE *f, const char *s)
{
    html_text(f, s);
}

void report_html_summary(const report *r, FILE *f)
{
    html_summary(r, f);
}

size_t report_html_failures(const report *r, const report_view *v, FILE *f,
                            const report_html_links *lk, size_t from, size_t max)
{
    return html_failures(r, v, f, lk, from, max);
}

void report_html_case(const report *r, const report_view *v, FILE *f, size_t ci_pos,
                      const report_html_links *lk)
{
    html_case(r, v, f, ci_pos, lk);
}

/* The whole page. */
static void html_output(const report *r, const report_view *v, FILE *f)
{
    char a[32], b[32];
    report_html_begin(r, f, NULL);

    html_summary(r, f);
    html_failures(r, v, f, NULL, 0, SIZE_MAX);

    fputs("<section id=\"findings\"><h2>", f);
    fprintf(f, _("Findings by case (%s)"), report_view_fmt_count(r->findings, a));
    fputs("</h2>\n", f);
    size_t listed = 0, problem = 0;
    for (size_t i = 0; i < v->ncases; i++) {
        listed += v->cases[i].findings;
        if (v->cases[i].failures + v->cases[i].findings != 0)
            problem++;
    }
    if (!r->facts.rules && r->findings == 0)
        fprintf(f, "<p class=\"note\">%s</p>\n", _("The rules were not evaluated (--rules)."));
    else if (r->findings == 0)
        fprintf(f, "<p class=\"ok\">%s</p>\n", _("No regulation finding."));
    if (problem != 0) {
        fprintf(f, "<p>%s</p>\n<ul class=\"toc\">\n", _("Cases with failures or findings:"));
        for (size_t i = 0; i < problem; i++) {
            const char *name = report_view_case_name(r, v->cases[i].id);
            fprintf(f, "<li><a href=\"#case-%zu\">", i);
            html_text(f, name[0] != '\0' ? name : _("not in a case"));
            fprintf(f, "</a> <span class=\"note\">(%s · %s)</span></li>\n",
                    report_view_fmt_count(v->cases[i].failures, a),
                    report_view_fmt_count(v->cases[i].findings, b));
        }
        fputs("</ul>\n", f);
    }
    report_html_not_listed(f, r->findings, listed);
    fputs("</section>\n", f);

    fputs("<section id=\"cases\"><h2>", f);
    fprintf(f, _("Cases and timelines (%s)"), report_view_fmt_count(v->ncases, a));
    fputs("</h2>\n", f);
    fprintf(f, "<p class=\"note\">%s</p>\n",
            _("Cases with failures or findings come first, opened; click a case to open or "
              "close it. Times are local, with their offset from UTC."));
    if (r->rows_dropped != 0) {
        fputs("<p class=\"warn\">", f);
        fprintf(f, _("Timelines were cut: only the first %s entries are shown, %s are not."),
                report_view_fmt_count(r->nrows, a), report_view_fmt_count(r->rows_dropped, b));
        fputs("</p>\n", f);
    }
    for (size_t i = 0; i < v->ncases; i++)
        html_case(r, v, f, i, NULL);
    fputs("</section>\n", f);
    if (r->html_extra != NULL)
        r->html_extra(f, r->html_extra_ctx);
    report_html_end(f);
}

int report_html_write(const report *r, const report_view *v, lh_err *err)
{
    char *page = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&page, &len);
    if (f == NULL)
        return lh_err_set(err, LH_ENOMEM, _("html report %s: out of memory"), r->opts.html_path);
    html_output(r, v, f);
    bool ok = !ferror(f);
    if (fclose(f) != 0 || !ok) {
        free(page);
        return lh_err_set(err, LH_ENOMEM, _("html report %s: out of memory"), r->opts.html_path);
    }
    int rc = fileio_replace(r->opts.html_path, 0644, page, len, "html report", err);
    free(page);
    return rc;
}
