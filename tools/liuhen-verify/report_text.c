/*
 * report_text.c — a finished report as human text (report_text.h).
 *
 * The strings were cleaned when recorded (report.c): they reach a terminal
 * without a control character. Labels of the summary are padded to one
 * column, counting East Asian wide characters as two.
 */
#include "report_text.h"

#include <inttypes.h>
#include <string.h>

#include "calendar.h"
#include "cite.h"
#include "text.h"

/* The columns a string takes on a terminal: East Asian wide characters
 * (UAX #11, the common ranges) take two. */
static size_t display_width(const char *s)
{
    size_t w = 0, len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp = text_utf8_next((const uint8_t *)s, len, &i);
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

/* "  label      " padded to a column, for the summary; at least one space
 * after the longest label. */
static void put_label(FILE *f, const char *label)
{
    size_t w = display_width(label);
    fprintf(f, "  %s ", label);
    for (size_t i = w; i < 36; i++)
        fputc(' ', f);
}

/* "完整性 integrity" or "R1 干预记录五要素不全" for a check. */
static void put_check(FILE *f, const char *check)
{
    const char *zh = report_title_zh(check);
    if (zh == NULL)
        fputs(check, f);
    else if (check[0] == 'R')
        fprintf(f, "%s %s", check, zh);
    else
        fprintf(f, "%s %s", zh, check);
}

/* The article of an item as officials cite it, with the short names the
 * summary spells out, then our reference: " (干预记录制度第三条, B§3)". An
 * article that is not one of our references is shown as it is. */
static void put_article(FILE *f, const char *article)
{
    char zh[CITE_MAX];
    if (article[0] == '\0')
        return;
    if (cite_zh_short(zh, sizeof zh, article) == LH_EPARSE)
        fprintf(f, " (%s)", article);
    else
        fprintf(f, " (%s, %s)", zh, article);
}

/* One failure or finding: the check, its article, entry (第42号记录: a
 * position in the log, not an article), case and recorder, then the
 * Chinese and the English sentences. */
static void put_item(const report *r, const report_kept *k, FILE *f, bool with_case)
{
    fputs("  ", f);
    put_check(f, k->check);
    put_article(f, k->article);
    if (k->index != REPORT_NO_INDEX)
        fprintf(f, " · 第%" PRIu64 "号记录 entry %" PRIu64, k->index, k->index);
    if (with_case && report_view_case_name(r, k->case_id)[0] != '\0')
        fprintf(f, " · 案件 case %s", report_view_case_name(r, k->case_id));
    if (k->author[0] != '\0')
        fprintf(f, " · 记录人 author %s", k->author);
    fputc('\n', f);
    if (k->zh[0] != '\0')
        fprintf(f, "      %s\n", k->zh);
    if (k->en[0] != '\0')
        fprintf(f, "      %s\n", k->en);
}

/* The short names under which findings cite the regulations, spelt out
 * once, as a document says （以下简称…）. */
static void put_regulations(FILE *f)
{
    put_label(f, "制度简称 regulations");
    fprintf(f, "%s：%s\n", cite_regulation_name('A', CITE_ZH_SHORT),
            cite_regulation_name('A', CITE_ZH));
    put_label(f, "");
    fprintf(f, "%s：%s\n", cite_regulation_name('B', CITE_ZH_SHORT),
            cite_regulation_name('B', CITE_ZH));
}

/* The summary: the log, what was checked and how much, the counts by check. */
static void put_summary(const report *r, FILE *f)
{
    const report_facts *x = &r->facts;
    char a[32], b[32], c[32], t[64];
    fprintf(f, "留痕核查 liuhen-verify%s%s\n", r->origin[0] != '\0' ? " — " : "", r->origin);
    put_label(f, "日志 log");
    fprintf(f, "%s\n", r->origin[0] != '\0' ? r->origin : "—");
    if (r->facts_set) {
        char root[TEXT_B64_LEN(32)];
        text_b64_encode(root, x->root, sizeof x->root);
        put_label(f, "树大小 tree size");
        fprintf(f, "%s\n", report_view_fmt_count(x->tree_size, a));
        put_label(f, "根哈希 root");
        fprintf(f, "%s\n", root);
    }
    put_label(f, "核查范围 checks");
    fputs(x->integrity_only
              ? "仅完整性 integrity only (--integrity-only)\n"
              : "完整性、签名与密钥、记录人记录链与案件链 integrity, authorship, omission\n",
          f);
    put_label(f, "记录 entries");
    fprintf(f, "%s 条已解析并验签 parsed and signature-verified\n",
            report_view_fmt_count(x->entries_checked, a));
    put_label(f, "瓦片 tiles");
    fprintf(f, "%s 个已校验 checked\n", report_view_fmt_count(x->tiles_checked, a));
    if (!x->integrity_only) {
        put_label(f, "记录人/案件/密钥 authors/cases/keys");
        fprintf(f, "%s / %s / %s\n", report_view_fmt_count(x->authors, a),
                report_view_fmt_count(x->cases, b), report_view_fmt_count(x->keys, c));
    }
    put_label(f, "可信检查点 trusted checkpoints");
    fprintf(f, "%s 个一致 consistent\n", report_view_fmt_count(x->trusted_checked, a));
    put_label(f, "回执 receipts");
    fprintf(f, "%s 份已收录 included\n", report_view_fmt_count(x->receipts_checked, a));
    put_label(f, "第三方见证签名 cosignatures");
    fprintf(f, "%s 个有效 valid\n", report_view_fmt_count(x->cosignatures_valid, a));
    put_label(f, "制度规则 rules");
    if (x->rules)
        fprintf(f, "R1–R17，截至 as of %s\n", calendar_format_local(t, x->as_of_ms));
    else
        fputs("未核查 not evaluated (--rules)\n", f);
    if (x->rules || r->findings != 0)
        put_regulations(f);
    put_label(f, "用时 time");
    fprintf(f, "%.2f s\n", x->seconds);
    if (r->nchecks != 0) {
        put_label(f, "分项 by check");
        for (size_t i = 0; i < r->nchecks; i++)
            fprintf(f, "%s%s %s", i != 0 ? " · " : "", r->checks[i].name,
                    report_view_fmt_count(r->checks[i].failures + r->checks[i].findings, a));
        fputc('\n', f);
    }
    if (r->html_written) {
        put_label(f, "网页报告 HTML report");
        fprintf(f, "%s\n", r->opts.html_path);
    }
}

/* The one line of counts of --quiet. */
static void put_counts(const report *r, FILE *f)
{
    char a[32], b[32], c[32], d[32];
    fprintf(f,
            "篡改或遗漏 failures %s · 违反制度规定 findings %s · 记录 entries %s · 瓦片 tiles %s\n",
            report_view_fmt_count(r->failures, a), report_view_fmt_count(r->findings, b),
            report_view_fmt_count(r->facts.entries_checked, c),
            report_view_fmt_count(r->facts.tiles_checked, d));
}

/* A line saying that total - listed items were counted but not kept. */
static void put_not_listed(FILE *f, size_t total, size_t listed)
{
    char a[32], b[32];
    if (total > listed)
        fprintf(f, "  …… 另有 %s 条未列出 %s more not listed (only the first are kept)\n",
                report_view_fmt_count(total - listed, a), report_view_fmt_count(total - listed, b));
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
        fprintf(f, "\n篡改或遗漏 FAILURES (%s)\n", report_view_fmt_count(r->failures, a));
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
        fprintf(f, "\n违反制度规定 FINDINGS BY CASE (%s)\n", report_view_fmt_count(r->findings, a));
        size_t listed = 0;
        for (size_t i = 0; i < v->ncases; i++) {
            const report_case *ci = &v->cases[i];
            if (ci->findings == 0)
                continue;
            const char *name = report_view_case_name(r, ci->id);
            fprintf(f, "案件 case %s (%s)\n", name[0] != '\0' ? name : "— 无案件 no case",
                    report_view_fmt_count(ci->findings, a));
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
