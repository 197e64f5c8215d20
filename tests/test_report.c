/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_report.c — liuhen-verify's report (tools/liuhen-verify/report.h):
 * the text, JSON and HTML outputs for a clean log, for failures and for
 * findings; hostile strings (HTML, terminal escapes, bidirectional
 * overrides, invalid UTF-8, huge sentences) shown escaped and bounded; the
 * cap on the failures and findings kept; the counters behind the exit
 * status; the progress bar. The text and the page are in the language of
 * the messages: English unless a test asks for Chinese (tu_set_language()),
 * and the tests that do put English back when they end (tu_english()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "testutil.h"
#include "text.h"

/* ---- helpers --------------------------------------------------------------------------------- */

/* What a report printed: its stdout (text or JSON) and its stderr (progress). */
typedef struct capture {
    char *out, *err;
    size_t out_len, err_len;
    FILE *out_f, *err_f;
} capture;

static report *new_report(capture *c, bool json, bool quiet, const char *html)
{
    memset(c, 0, sizeof *c);
    c->out_f = open_memstream(&c->out, &c->out_len);
    c->err_f = open_memstream(&c->err, &c->err_len);
    assert_non_null(c->out_f);
    assert_non_null(c->err_f);
    report_options o = {
        .log_origin = "qianjiang.example/yjj",
        .json = json,
        .quiet = quiet,
        .html_path = html,
        .out = c->out_f,
        .err = c->err_f,
    };
    report *r = NULL;
    assert_int_equal(report_new(&o, &r), 0);
    assert_non_null(r);
    return r;
}

/* Finish r (expecting rc) and free it; c->out then holds what it printed. */
static void finish(report *r, capture *c, int want_rc)
{
    lh_err e = {{0}};
    int rc = report_finish(r, &e);
    if (rc != want_rc)
        fail_msg("report_finish: got %s, want %s (%s)", lh_errname(rc), lh_errname(want_rc), e.msg);
    report_free(r);
    fflush(c->out_f);
    fflush(c->err_f);
}

static void capture_free(capture *c)
{
    fclose(c->out_f);
    fclose(c->err_f);
    free(c->out);
    free(c->err);
}

static void assert_has(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL)
        fail_msg("missing \"%s\" in:\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle) != NULL)
        fail_msg("unexpected \"%s\" in:\n%s", needle, hay);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The facts of a small log: the root is bytes 0..31. */
static void set_facts(report *r, bool rules)
{
    report_facts f = {
        .tree_size = 1234567,
        .checkpoint_text =
            "qianjiang.example/yjj\n1234567\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        .entries_checked = 1234567,
        .tiles_checked = 4830,
        .authors = 12,
        .cases = 340,
        .keys = 14,
        .trusted_checked = 2,
        .receipts_checked = 3,
        .cosignatures_valid = 1,
        .rules = rules,
        .as_of_ms = 1779258667000, /* 2026-05-20 06:31:07 UTC */
        .seconds = 12.5,
    };
    for (int i = 0; i < 32; i++)
        f.root[i] = (uint8_t)i;
    report_set_facts(r, &f);
}

static const char root_b64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

static void add_failure(report *r, const char *check, uint64_t index, const char *case_id,
                        const char *author, const char *zh, const char *en)
{
    report_item it = {.cls = REPORT_FAILURE,
                      .check = check,
                      .index = index,
                      .case_id = case_id,
                      .author = author,
                      .zh = zh,
                      .en = en};
    assert_int_equal(report_add(r, &it), 0);
}

static void add_finding(report *r, const char *rule, uint64_t index, const char *case_id,
                        const char *author, const char *zh, const char *en)
{
    report_item it = {.cls = REPORT_FINDING,
                      .check = rule,
                      .index = index,
                      .case_id = case_id,
                      .author = author,
                      .zh = zh,
                      .en = en};
    assert_int_equal(report_add(r, &it), 0);
}

/* Two failures (one without an entry) and three findings in two cases. */
static void add_mixed(report *r)
{
    add_failure(r, "integrity", REPORT_NO_INDEX, NULL, NULL, "0 级瓦片 x000 与其上级瓦片不符",
                "tile 0/x000 differs from its parent: expected hash AAAA, actual BBBB");
    add_failure(r, "author-chain", 42, "QJ-2026-7", "王明", "记录人记录链在第41号记录之后缺一条",
                "author chain: author_prev of entry 42 is not the hash of entry 40");
    add_finding(r, "R1", 17, "QJ-2026-10", "李华", "干预记录缺少地点",
                "the interference record lacks the place");
    add_finding(r, "R10", 18, "QJ-2026-10", "李华", "事件发生三天后才记录",
                "recorded 3 days after the event");
    add_finding(r, "R6", 50, "QJ-2026-9", "张强", "处理决定未记录集体讨论",
                "the decision does not record the collective discussion");
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            cap = cap * 2 + 4096;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* A scratch directory for HTML files, with the path of one file in it. */
typedef struct scratch {
    char dir[64];
    char html[128];
} scratch;

static void scratch_make(scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/test_report.XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->html, sizeof s->html, "%s/report.html", s->dir);
}

/* How many files the directory holds: the atomic write leaves no temporary. */
static size_t scratch_files(const scratch *s)
{
    DIR *d = opendir(s->dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void scratch_remove(scratch *s)
{
    unlink(s->html);
    assert_int_equal(rmdir(s->dir), 0);
}

/* Whether a page loads nothing from elsewhere: no URL, no source, no import;
 * and that it says its language (lang: "zh-CN" or "en"). */
static void assert_self_contained(const char *html, const char *lang)
{
    assert_lacks(html, "http://");
    assert_lacks(html, "https://");
    assert_lacks(html, "src=");
    assert_lacks(html, "url(");
    assert_lacks(html, "@import");
    assert_lacks(html, "<link");
    char tag[32];
    snprintf(tag, sizeof tag, "<html lang=\"%s\">", lang);
    assert_has(html, tag);
    assert_has(html, "<meta charset=\"utf-8\">");
    assert_true(text_utf8_valid((const uint8_t *)html, strlen(html)));
}

/* ---- text ------------------------------------------------------------------------------------ */

static void test_text_clean(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, false, false, NULL);
    set_facts(r, true);
    assert_int_equal(report_failures(r), 0);
    assert_int_equal(report_findings(r), 0);
    assert_int_equal(report_status(r), 0);
    finish(r, &c, 0);
    assert_has(c.out, "liuhen-verify report — qianjiang.example/yjj\n");
    assert_has(c.out, "1,234,567");
    assert_has(c.out, root_b64);
    assert_has(c.out, "4,830");
    assert_has(c.out, "12 / 340 / 14");
    assert_has(c.out, "12.50 s");
    assert_has(c.out, "R1–R17, as of ");
    assert_has(c.out, "\nCLEAN\n");
    assert_lacks(c.out, "FAILURES");
    assert_lacks(c.out, "FINDINGS");
    /* English labels; only the regulations' titles stay Chinese. */
    assert_lacks(c.out, "通过");
    assert_lacks(c.out, "条已解析");
    assert_lacks(c.out, "树大小");
    assert_int_equal(c.err_len, 0); /* no progress bar unless asked */
    capture_free(&c);
}

static void test_text_clean_zh(void **state)
{
    (void)state;
    tu_set_language("zh_CN.UTF-8");
    capture c;
    report *r = new_report(&c, false, false, NULL);
    set_facts(r, true);
    finish(r, &c, 0);
    assert_has(c.out, "留痕核查报告 — qianjiang.example/yjj\n");
    assert_has(c.out, "  树大小 ");
    assert_has(c.out, "1,234,567 条已解析并验签\n");
    assert_has(c.out, "4,830 个已校验\n");
    assert_has(c.out, "  记录人 / 案件 / 密钥 ");
    assert_has(c.out, "2 个一致\n");
    assert_has(c.out, "3 份已收录\n");
    assert_has(c.out, "  第三方见证签名 ");
    assert_has(c.out, "R1–R17，截至 ");
    assert_has(c.out, "\n通过\n");
    assert_lacks(c.out, "CLEAN");
    assert_lacks(c.out, "parsed");
    capture_free(&c);
}

static void test_text_failures(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, false, false, NULL);
    set_facts(r, true);
    add_mixed(r);
    assert_int_equal(report_failures(r), 2);
    assert_int_equal(report_findings(r), 3);
    assert_int_equal(report_status(r), 1);
    assert_int_equal(report_count(r, "author-chain"), 1);
    assert_int_equal(report_count(r, "R1"), 1);
    assert_int_equal(report_count(r, "R2"), 0);
    finish(r, &c, 0);
    assert_has(c.out, "\nFAILURES: 2\n");
    /* Each failure: check, index, case, author, the English sentence. */
    assert_has(c.out, "  author chain (author-chain) · entry 42 · case QJ-2026-7 · author 王明 · "
                      "failure #2\n"
                      "      author chain: author_prev of entry 42 is not the hash of entry 40\n");
    assert_has(c.out,
               "  integrity of the tiles and the checkpoint (integrity) · failure #1\n"
               "      tile 0/x000 differs from its parent: expected hash AAAA, actual BBBB\n");
    assert_lacks(c.out, "记录人记录链在第41号记录之后缺一条");
    /* The failures come before the findings. */
    assert_true(strstr(c.out, "FAILURES (2)") < strstr(c.out, "FINDINGS BY CASE (3)"));
    capture_free(&c);
}

/* cause.h: failures that one alteration explains are its consequences. */
static void test_consequences(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, false, false, NULL);
    set_facts(r, true);
    add_failure(r, "integrity", 7, NULL, NULL, "第7号记录的哈希不符", "entry 7: leaf differs");
    add_failure(r, "signature", 7, "QJ-1", "王明", "签名无法验证", "bad signature");
    /* The next entry of the chain, whose head was entry 7. */
    report_item chain = {.cls = REPORT_FAILURE,
                         .check = "author-chain",
                         .index = 9,
                         .author = "王明",
                         .zh = "记录链断开",
                         .en = "chain broken",
                         .has_span = true,
                         .span_first = 7,
                         .span_last = 8};
    assert_int_equal(report_add(r, &chain), 0);
    /* The tile above it, and the root. */
    report_item tile = {.cls = REPORT_FAILURE,
                        .check = "integrity",
                        .index = REPORT_NO_INDEX,
                        .zh = "瓦片不符",
                        .en = "tile differs",
                        .has_span = true,
                        .span_first = 0,
                        .span_last = 255};
    assert_int_equal(report_add(r, &tile), 0);
    /* An entry far from it, altered on its own; a chain gap before 7. */
    add_failure(r, "signature", 300, "QJ-2", "李华", "签名无法验证", "bad signature");
    chain.index = 5;
    chain.span_first = 2;
    chain.span_last = 4;
    assert_int_equal(report_add(r, &chain), 0);
    assert_int_equal(report_failures(r), 6);
    assert_int_equal(report_consequences(r), 3);
    finish(r, &c, 0);
    assert_has(c.out, "\nFAILURES: 6 (alterations: 3, their consequences: 3)\n");
    assert_has(c.out, "(integrity) · entry 7 · failure #1\n");
    assert_has(c.out, "· failure #2, a consequence of failure #1\n");
    assert_has(c.out, "entry 9 · author 王明 · failure #3, a consequence of failure #1\n");
    assert_has(c.out, "(integrity) · failure #4, a consequence of failure #1\n");
    assert_has(c.out, "entry 300 · case QJ-2 · author 李华 · failure #5\n");
    assert_has(c.out, "entry 5 · author 王明 · failure #6\n");
    capture_free(&c);
}

static void test_text_failures_zh(void **state)
{
    (void)state;
    tu_set_language("zh_CN.UTF-8");
    capture c;
    report *r = new_report(&c, false, false, NULL);
    set_facts(r, true);
    add_mixed(r);
    finish(r, &c, 0);
    assert_has(c.out, "\n发现篡改或遗漏：2\n");
    /* Each failure: check, index (第N号记录), case, author, the Chinese sentence. */
    assert_has(c.out, "  记录人记录链 author-chain · 第42号记录 · 案件 QJ-2026-7 · 记录人 王明 · ");
    assert_has(c.out, "\n      记录人记录链在第41号记录之后缺一条\n");
    assert_has(c.out, "  完整性 integrity · ");
    assert_has(c.out, "\n      0 级瓦片 x000");
    assert_lacks(c.out, "expected hash AAAA");
    assert_true(strstr(c.out, "篡改或遗漏（2）") < strstr(c.out, "违反制度规定，按案件（3）"));
    capture_free(&c);
}

/* Three findings, one of them with an article of its own (B§12). */
static void add_findings(report *r)
{
    add_finding(r, "R1", 17, "QJ-2026-10", "李华", "干预记录缺少地点",
                "the interference record lacks the place");
    add_finding(r, "R6", 50, "QJ-2026-9", "张强", "处理决定未记录集体讨论",
                "the decision does not record the collective discussion");
    report_item it = {.cls = REPORT_FINDING,
                      .check = "R10",
                      .index = 18,
                      .case_id = "QJ-2026-10",
                      .author = "李华",
                      .article = "B§12",
                      .zh = "记录迟延",
                      .en = "late"};
    assert_int_equal(report_add(r, &it), 0);
}

static void test_text_findings(void **state)
{
    (void)state;
    tu_set_language("zh_CN.UTF-8");
    capture c;
    report *r = new_report(&c, false, false, NULL);
    set_facts(r, true);
    add_findings(r);
    assert_int_equal(report_status(r), 2);
    finish(r, &c, 0);
    assert_has(c.out, "\n违反制度规定：3\n");
    /* Grouped by case, in natural order: QJ-2026-9 before QJ-2026-10. */
    const char *c9 = strstr(c.out, "案件 QJ-2026-9 (1)");
    const char *c10 = strstr(c.out, "案件 QJ-2026-10 (2)");
    assert_non_null(c9);
    assert_non_null(c10);
    assert_true(c9 < c10);
    /* The rule's Chinese title, and its article from docs/regulation.md when none is given,
     * cited as officials cite it; the position in the log is 第N号记录, not an article. */
    assert_has(c.out, "R1 干预记录五要素不全 (干预记录制度第三条, B§3) · 第17号记录 · "
                      "记录人 李华\n"
                      "      干预记录缺少地点\n");
    assert_has(c.out, " (错案追究制度第十条第（三）项, A§10(3)) · 第50号记录");
    assert_has(c.out, " (干预记录制度第十二条, B§12) · 第18号记录");
    /* The short names are spelt out once, in the summary. */
    assert_has(c.out, "制度简称");
    assert_has(c.out, " 错案追究制度：《行政执法案件错案责任倒查问责制度》\n");
    assert_has(
        c.out,
        "干预记录制度：《行政执法机关内部人员干预、插手案件办理的记录、通报和责任追究制度》\n");
    assert_lacks(c.out, "lacks the place");
    capture_free(&c);
}

static void test_text_findings_en(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, false, false, NULL);
    set_facts(r, true);
    add_findings(r);
    finish(r, &c, 0);
    assert_has(c.out, "\nFINDINGS: 3\n");
    const char *c9 = strstr(c.out, "case QJ-2026-9 (1)");
    const char *c10 = strstr(c.out, "case QJ-2026-10 (2)");
    assert_non_null(c9);
    assert_non_null(c10);
    assert_true(c9 < c10);
    /* Our references, which the legend of the summary explains. */
    assert_has(c.out, "R1 interference record lacks one of the five elements (B§3) · entry 17 · "
                      "author 李华\n"
                      "      the interference record lacks the place\n");
    assert_has(c.out, " (A§10(3)) · entry 50");
    assert_has(c.out, "  regulations ");
    assert_has(c.out,
               "A: Wrongful-Case Accountability Rules, 《行政执法案件错案责任倒查问责制度》\n");
    assert_has(c.out, "B: Interference Recording Rules, 《");
    assert_lacks(c.out, "干预记录缺少地点");
    capture_free(&c);
}

static void test_text_quiet(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, false, true, NULL);
    set_facts(r, true);
    add_finding(r, "R4", 3, "QJ-1", "王明", "投诉未答复", "no reply");
    finish(r, &c, 0);
    assert_string_equal(c.out, "FINDINGS: 1\nfailures 0 · findings 1 · entries 1,234,567 · "
                               "tiles 4,830\n");
    capture_free(&c);

    r = new_report(&c, false, true, NULL);
    finish(r, &c, 0);
    assert_has(c.out, "CLEAN\n");
    assert_int_equal(count_of(c.out, "\n"), 2);
    capture_free(&c);

    tu_set_language("zh_CN.UTF-8");
    r = new_report(&c, false, true, NULL);
    set_facts(r, true);
    add_finding(r, "R4", 3, "QJ-1", "王明", "投诉未答复", "no reply");
    finish(r, &c, 0);
    assert_string_equal(c.out, "违反制度规定：1\n篡改或遗漏 0 · 违反制度规定 1 · 记录 1,234,567 · "
                               "瓦片 4,830\n");
    capture_free(&c);
}

static void test_text_integrity_only(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, false, false, NULL);
    report_facts f = {.tree_size = 7, .integrity_only = true, .tiles_checked = 1};
    report_set_facts(r, &f);
    finish(r, &c, 0);
    assert_has(c.out, "integrity only (--integrity-only)");
    assert_has(c.out, "not evaluated (--rules)");
    assert_lacks(c.out, "authors / cases / keys");
    capture_free(&c);
}

/* ---- hostile --------------------------------------------------------------------------------- */

static void test_escape_controls(void **state)
{
    (void)state;
    /* In each language, the sentence it shows. */
    static const char *const langs[] = {"C", "zh_CN.UTF-8"};
    static const char *const shown[] = {"bad\\xff signature\\nforged line", "签名\\u009b无效"};
    for (size_t i = 0; i < 2; i++) {
        tu_set_language(langs[i]);
        capture c;
        report *r = new_report(&c, false, false, NULL);
        /* A terminal escape, a right-to-left override, a C1 CSI, invalid UTF-8, a newline. */
        add_failure(r, "signature", 9, "QJ\x1b[2J-1", "王\xe2\x80\xae明", "签名\xc2\x9b无效",
                    "bad\xff signature\nforged line");
        finish(r, &c, 0);
        assert_has(c.out, "QJ\\x1b[2J-1");
        assert_has(c.out, "王\\u202e明");
        assert_has(c.out, shown[i]);
        assert_null(memchr(c.out, 0x1b, c.out_len));
        assert_lacks(c.out, "\xe2\x80\xae");
        assert_lacks(c.out, "\n      forged line");
        assert_true(text_utf8_valid((const uint8_t *)c.out, c.out_len));
        capture_free(&c);
    }
}

static void test_bounded_strings(void **state)
{
    (void)state;
    /* 100 KiB of Chinese (3 bytes a character) and an overlong case id. */
    size_t n = 100 * 1024;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i + 3 <= n; i += 3)
        memcpy(big + i, "留", 3);
    big[n - n % 3] = '\0';
    char long_case[400];
    memset(long_case, 'Q', sizeof long_case - 1);
    long_case[sizeof long_case - 1] = '\0';

    capture c;
    report *r = new_report(&c, true, false, NULL);
    add_finding(r, "R1", 1, long_case, big, big, big);
    free(big);
    finish(r, &c, 0);
    json_error_t je;
    json_t *j = json_loads(c.out, 0, &je);
    if (j == NULL)
        fail_msg("JSON: %s at line %d", je.text, je.line);
    json_t *it = json_array_get(json_object_get(j, "findings"), 0);
    const char *zh = json_string_value(json_object_get(it, "zh"));
    const char *author = json_string_value(json_object_get(it, "author"));
    const char *cid = json_string_value(json_object_get(it, "case_id"));
    assert_non_null(zh);
    assert_non_null(author);
    assert_non_null(cid);
    assert_true(strlen(zh) <= 1024);
    assert_true(strlen(zh) > 1000);
    assert_true(strlen(author) <= 256);
    assert_true(strlen(cid) <= 160);
    /* Cut at a character boundary, marked. */
    size_t zl = strlen(zh);
    assert_string_equal(zh + zl - strlen("…"), "…");
    assert_true(text_utf8_valid((const uint8_t *)zh, zl));
    json_decref(j);
    capture_free(&c);
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static json_t *load_json(const capture *c)
{
    json_error_t je;
    json_t *j = json_loads(c->out, 0, &je);
    if (j == NULL)
        fail_msg("JSON: %s at line %d:\n%s", je.text, je.line, c->out);
    assert_true(json_is_object(j));
    return j;
}

static void test_json_clean(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, true, false, NULL);
    set_facts(r, true);
    finish(r, &c, 0);
    json_t *j = load_json(&c);
    assert_string_equal(json_string_value(json_object_get(j, "origin")), "qianjiang.example/yjj");
    assert_int_equal(json_integer_value(json_object_get(j, "tree_size")), 1234567);
    assert_string_equal(json_string_value(json_object_get(j, "root")), root_b64);
    assert_string_equal(json_string_value(json_object_get(j, "verdict")), "clean");
    json_t *counts = json_object_get(j, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "failures")), 0);
    assert_int_equal(json_integer_value(json_object_get(counts, "findings")), 0);
    assert_true(json_is_object(json_object_get(counts, "by_check")));
    json_t *facts = json_object_get(j, "facts");
    assert_int_equal(json_integer_value(json_object_get(facts, "entries_checked")), 1234567);
    assert_int_equal(json_integer_value(json_object_get(facts, "tiles_checked")), 4830);
    assert_int_equal(json_integer_value(json_object_get(facts, "trusted_checked")), 2);
    assert_int_equal(json_integer_value(json_object_get(facts, "receipts_checked")), 3);
    assert_int_equal(json_integer_value(json_object_get(facts, "cosignatures_valid")), 1);
    assert_true(json_is_true(json_object_get(facts, "rules")));
    assert_string_equal(json_string_value(json_object_get(facts, "as_of")),
                        "2026-05-20T06:31:07.000Z");
    assert_has(json_string_value(json_object_get(facts, "checkpoint")), "\n1234567\n");
    assert_int_equal(json_array_size(json_object_get(j, "failures")), 0);
    assert_int_equal(json_array_size(json_object_get(j, "findings")), 0);
    assert_true(json_is_false(json_object_get(j, "truncated")));
    json_decref(j);
    capture_free(&c);
}

static void test_json_failures_findings(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, true, false, NULL);
    set_facts(r, true);
    add_mixed(r);
    finish(r, &c, 0);
    json_t *j = load_json(&c);
    assert_string_equal(json_string_value(json_object_get(j, "verdict")), "failures");
    json_t *by = json_object_get(json_object_get(j, "counts"), "by_check");
    assert_int_equal(json_integer_value(json_object_get(by, "integrity")), 1);
    assert_int_equal(json_integer_value(json_object_get(by, "author-chain")), 1);
    assert_int_equal(json_integer_value(json_object_get(by, "R1")), 1);
    assert_int_equal(json_integer_value(json_object_get(by, "R10")), 1);
    assert_int_equal(json_integer_value(json_object_get(by, "R6")), 1);

    json_t *fails = json_object_get(j, "failures");
    assert_int_equal(json_array_size(fails), 2);
    json_t *f0 = json_array_get(fails, 0), *f1 = json_array_get(fails, 1);
    const char *names[] = {"check", "index", "case_id", "author", "article", "zh", "en"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_non_null(json_object_get(f0, names[i]));
        assert_non_null(json_object_get(f1, names[i]));
    }
    assert_true(json_is_null(json_object_get(f0, "index"))); /* REPORT_NO_INDEX */
    assert_true(json_is_null(json_object_get(f0, "case_id")));
    assert_string_equal(json_string_value(json_object_get(f1, "check")), "author-chain");
    assert_int_equal(json_integer_value(json_object_get(f1, "index")), 42);
    assert_string_equal(json_string_value(json_object_get(f1, "case_id")), "QJ-2026-7");
    assert_string_equal(json_string_value(json_object_get(f1, "author")), "王明");
    assert_string_equal(json_string_value(json_object_get(f1, "zh")),
                        "记录人记录链在第41号记录之后缺一条");

    json_t *finds = json_object_get(j, "findings");
    assert_int_equal(json_array_size(finds), 3);
    json_t *r1 = json_array_get(finds, 0);
    assert_string_equal(json_string_value(json_object_get(r1, "check")), "R1");
    assert_string_equal(json_string_value(json_object_get(r1, "article")), "B§3");
    assert_string_equal(
        json_string_value(json_object_get(r1, "article_zh")),
        "《行政执法机关内部人员干预、插手案件办理的记录、通报和责任追究制度》第三条");
    assert_true(json_is_null(json_object_get(f0, "article_zh"))); /* a failure cites none */
    assert_int_equal(json_integer_value(json_object_get(r1, "index")), 17);
    assert_true(json_is_false(json_object_get(j, "truncated")));
    json_decref(j);
    capture_free(&c);

    /* Findings only: verdict "findings". */
    r = new_report(&c, true, false, NULL);
    add_finding(r, "R2", 5, "QJ-3", "王明", "未载明报告对象", "to whom it was reported is missing");
    finish(r, &c, 0);
    j = load_json(&c);
    assert_string_equal(json_string_value(json_object_get(j, "verdict")), "findings");
    assert_true(json_is_null(json_object_get(j, "tree_size"))); /* no facts set */
    json_decref(j);
    capture_free(&c);
}

/* ---- truncation ------------------------------------------------------------------------------ */

static void test_truncation(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, true, false, NULL);
    report_set_limits(r, 10, 100);
    char zh[64], en[64];
    for (int i = 0; i < 25; i++) {
        snprintf(zh, sizeof zh, "第 %d 条迟延", i);
        snprintf(en, sizeof en, "entry %d late", i);
        add_finding(r, "R10", (uint64_t)i, "QJ-1", "王明", zh, en);
    }
    /* Findings leave a tenth of the room to failures, even after a flood. */
    for (int i = 0; i < 4; i++)
        add_failure(r, "signature", 100 + (uint64_t)i, "QJ-1", "王明", "签名无效", "bad signature");
    assert_int_equal(report_findings(r), 25);
    assert_int_equal(report_failures(r), 4);
    assert_int_equal(report_count(r, "R10"), 25);
    assert_int_equal(report_count(r, "signature"), 4);
    assert_int_equal(report_status(r), 1);
    finish(r, &c, 0);
    json_t *j = load_json(&c);
    assert_true(json_is_true(json_object_get(j, "truncated")));
    assert_int_equal(json_array_size(json_object_get(j, "findings")), 9);
    assert_int_equal(json_array_size(json_object_get(j, "failures")), 1);
    json_t *counts = json_object_get(j, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "findings")), 25);
    assert_int_equal(json_integer_value(json_object_get(counts, "failures")), 4);
    assert_int_equal(json_integer_value(json_object_get(counts, "kept")), 10);
    json_decref(j);
    capture_free(&c);

    /* The text says how many were not listed. */
    r = new_report(&c, false, false, NULL);
    report_set_limits(r, 10, 100);
    for (int i = 0; i < 25; i++)
        add_finding(r, "R10", (uint64_t)i, "QJ-1", "王明", "迟延", "late");
    finish(r, &c, 0);
    assert_has(c.out, "  … 16 more not listed (only the first are kept)\n");
    assert_int_equal(count_of(c.out, "R10 interference or guidance recorded late"), 9);
    capture_free(&c);
}

static void test_many_checks(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, true, false, NULL);
    char name[32];
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "check-%d", i);
        add_failure(r, name, (uint64_t)i, NULL, NULL, "x", "x");
    }
    assert_int_equal(report_failures(r), 200);
    assert_int_equal(report_count(r, "check-0"), 1);
    /* Beyond the room for names, checks are counted as "other". */
    assert_int_equal(report_count(r, "other"), 200 - 63);
    assert_int_equal(report_count(r, "check-199"), 0);
    finish(r, &c, 0);
    json_t *j = load_json(&c);
    json_t *by = json_object_get(json_object_get(j, "counts"), "by_check");
    assert_int_equal(json_object_size(by), 64);
    json_decref(j);
    capture_free(&c);
}

static void test_addf_and_titles(void **state)
{
    (void)state;
    capture c;
    report *r = new_report(&c, true, false, NULL);
    report_item it = {.cls = REPORT_FINDING, .check = "R8", .index = 77, .case_id = "QJ-8"};
    assert_int_equal(report_addf(r, &it, "决定后第 %d 天才责令重新调查（第%s号记录）",
                                 "review ordered %d days after the decision (entry %s)", 45, "61"),
                     0);
    assert_int_equal(report_add(r, NULL), LH_EINVAL);
    finish(r, &c, 0);
    json_t *j = load_json(&c);
    json_t *f = json_array_get(json_object_get(j, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(f, "zh")),
                        "决定后第 45 天才责令重新调查（第61号记录）");
    assert_string_equal(json_string_value(json_object_get(f, "en")),
                        "review ordered 45 days after the decision (entry 61)");
    assert_string_equal(json_string_value(json_object_get(f, "article")), "A§10(3)");
    assert_string_equal(json_string_value(json_object_get(f, "article_zh")),
                        "《行政执法案件错案责任倒查问责制度》第十条第（三）项");
    json_decref(j);
    capture_free(&c);

    /* Every rule of docs/regulation.md has a title in both languages and an article. */
    char id[16];
    for (int i = 1; i <= 17; i++) {
        snprintf(id, sizeof id, "R%d", i);
        assert_non_null(report_title_zh(id));
        assert_non_null(report_title_en(id));
        assert_non_null(report_rule_article(id));
    }
    assert_string_equal(report_title_zh("R1"), "干预记录五要素不全");
    assert_string_equal(report_rule_article("R7"), "A§8, A§9, A§11");
    assert_string_equal(report_title_zh("author-chain"), "记录人记录链");
    assert_null(report_rule_article("integrity"));
    assert_null(report_title_zh("R18"));
    assert_null(report_title_en(NULL));
    /* report_title(): the one of the language of the messages. */
    assert_string_equal(report_title("R1"), report_title_en("R1"));
    tu_set_language("zh_CN.UTF-8");
    assert_string_equal(report_title("R1"), "干预记录五要素不全");
    assert_null(report_title("R18"));
}

/* ---- HTML ------------------------------------------------------------------------------------ */

static const char hostile_case[] = "QJ<script>alert(\"x\")</script>'1";
static const char hostile_case_html[] = "QJ&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;1";

/* The page of a hostile finding in one language (lang, for the page's
 * lang attribute), showing `sentence`, the finding's sentence escaped. */
static void html_escaping(const char *locale, const char *lang, const char *sentence)
{
    tu_set_language(locale);
    scratch s;
    scratch_make(&s);
    capture c;
    report *r = new_report(&c, false, false, s.html);
    set_facts(r, true);
    add_finding(r, "R1", 3, hostile_case, "<b>王明</b> & co", "缺少<地点>", "lacks \"place\"");
    assert_int_equal(report_timeline_add(r, hostile_case, 3, 1779258000000, 1779258667000,
                                         "<b>王明</b> & co", "干预插手记录 <INTERFERENCE>",
                                         "<iframe onload=alert(1)>"),
                     0);
    finish(r, &c, 0);
    char *html = read_all(s.html);
    assert_self_contained(html, lang);
    assert_lacks(html, "<script");
    assert_lacks(html, "<b>");
    assert_lacks(html, "<iframe");
    assert_has(html, hostile_case_html);
    assert_has(html, "&lt;b&gt;王明&lt;/b&gt; &amp; co");
    assert_has(html, sentence);
    assert_has(html, "干预插手记录 &lt;INTERFERENCE&gt;");
    assert_has(html, "&lt;iframe onload=alert(1)&gt;");
    struct stat st;
    assert_int_equal(stat(s.html, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(scratch_files(&s), 1);
    free(html);
    capture_free(&c);
    scratch_remove(&s);
}

static void test_html_escaping(void **state)
{
    (void)state;
    html_escaping("C", "en", "lacks &quot;place&quot;");
    html_escaping("zh_CN.UTF-8", "zh-CN", "缺少&lt;地点&gt;");
}

static void test_html_sections(void **state)
{
    (void)state;
    tu_set_language("zh_CN.UTF-8");
    /* Local times with an offset, in a zone that needs no tz database. */
    setenv("TZ", "CST-8", 1);
    tzset();
    scratch s;
    scratch_make(&s);
    capture c;
    report *r = new_report(&c, false, false, s.html);
    set_facts(r, true);
    add_mixed(r);
    int64_t t0 = 1779258667000; /* 2026-05-20 14:31:07 +0800 */
    assert_int_equal(report_timeline_add(r, NULL, 0, t0, t0, "qianjiang.example/yjj",
                                         "密钥登记 KEY_ENROLL", "王明 管理员 admin"),
                     0);
    assert_int_equal(report_timeline_add(r, "QJ-2026-10", 17, 0, t0 + 60000, "李华",
                                         "干预插手记录 INTERFERENCE", "某科长电话说情"),
                     0);
    assert_int_equal(report_timeline_add(r, "QJ-2026-10", 18, t0, t0 + 120000, "李华",
                                         "投诉举报 COMPLAINT", "匿名投诉"),
                     0);
    assert_int_equal(report_timeline_add(r, "QJ-2026-7", 42, t0, t0, "王明", "调查 STEP", "询问"),
                     0);
    assert_int_equal(
        report_timeline_add(r, "QJ-2026-8", 43, t0, t0, "王明", "结案 CASE_CLOSED", "结案"), 0);
    finish(r, &c, 0);
    char *html = read_all(s.html);
    assert_self_contained(html, "zh-CN");
    /* The verdict, coloured. */
    assert_has(html, "<header class=\"failures\">");
    assert_has(html, "<p class=\"verdict\">发现篡改或遗漏：2</p>");
    /* Summary, failures table, findings by case, each case's timeline. */
    assert_has(html, "id=\"summary\"");
    assert_has(html, root_b64);
    assert_has(html, "id=\"failures\"");
    assert_has(html, "0 级瓦片 x000 与其上级瓦片不符");
    assert_has(html, "id=\"findings\"");
    assert_has(html, "干预记录五要素不全");
    /* Articles under the short names, the full citation as the cell's title. */
    assert_has(html,
               "<span title=\"《行政执法机关内部人员干预、插手案件办理的记录、通报和责任追究制度》"
               "第三条\">干预记录制度第三条</span><br><span class=\"en\">B§3</span>");
    assert_has(html, "错案追究制度：《行政执法案件错案责任倒查问责制度》");
    assert_has(html, "<h3>时间线</h3>");
    /* Times are local with their offset; 0 is "not stated". */
    assert_has(html, "2026-05-20<br>14:31:07 +08:00");
    assert_has(html, "2026-05-20<br>14:32:07 +08:00");
    assert_has(html, "<td class=\"t\">—</td>");
    /* Rows with findings are highlighted and linked to the finding, and back. */
    assert_has(html, "<tr id=\"e-17\" class=\"find\">");
    assert_has(html, "<tr id=\"e-42\" class=\"fail\">");
    assert_has(html, "<tr id=\"e-43\"><td");
    assert_has(html, "href=\"#e-17\"");
    assert_has(html, "href=\"#i-2\""); /* the third item, R1 at entry 17 */
    assert_has(html, "<tr id=\"i-2\" class=\"find\">");
    /* Problem cases first and open, in natural order; clean ones closed. */
    const char *c7 = strstr(html, "<summary>案件 QJ-2026-7 ");
    const char *c9 = strstr(html, "<summary>案件 QJ-2026-9 ");
    const char *c10 = strstr(html, "<summary>案件 QJ-2026-10 ");
    const char *c8 = strstr(html, "<summary>案件 QJ-2026-8 ");
    assert_non_null(c7);
    assert_non_null(c8);
    assert_non_null(c9);
    assert_non_null(c10);
    assert_true(c7 < c9 && c9 < c10 && c10 < c8);
    assert_has(html, "<details class=\"case\" id=\"case-0\" open>");
    /* The failure of no case opens the group of entries without one. */
    assert_has(html, "<details class=\"case\" id=\"case-4\"><summary>案件 QJ-2026-8");
    assert_has(html, "<details class=\"case\" id=\"case-3\" open><summary>无案件编号");
    assert_lacks(html, "时间线已截断");
    assert_lacks(html, "Timeline");
    free(html);
    capture_free(&c);
    scratch_remove(&s);
    unsetenv("TZ");
    tzset();
}

/* The same page in English: its labels, our references with the English
 * citation as their title, the English sentences. */
static void test_html_sections_en(void **state)
{
    (void)state;
    scratch s;
    scratch_make(&s);
    capture c;
    report *r = new_report(&c, false, false, s.html);
    set_facts(r, true);
    add_mixed(r);
    assert_int_equal(report_timeline_add(r, "QJ-2026-7", 42, 1, 2, "王明", "调查 STEP", "询问"), 0);
    finish(r, &c, 0);
    char *html = read_all(s.html);
    assert_self_contained(html, "en");
    assert_has(html, "<p class=\"verdict\">FAILURES: 2</p>");
    assert_has(html, "<h2>Summary</h2>");
    assert_has(html, "expected hash AAAA, actual BBBB");
    assert_has(html, "interference record lacks one of the five elements");
    assert_has(html, "<span title=\"Art. 3 of the Interference Recording Rules\">B§3</span>");
    assert_has(html, "A: Wrongful-Case Accountability Rules, 《行政执法案件错案责任倒查问责制度》");
    assert_has(html, "<h3>Timeline</h3>");
    assert_has(html, "<summary>case QJ-2026-7 ");
    assert_has(html, "<summary>not in a case ");
    assert_lacks(html, "时间线");
    assert_lacks(html, "干预记录五要素不全");
    assert_lacks(html, "与其上级瓦片不符");
    free(html);
    capture_free(&c);
    scratch_remove(&s);
}

static void test_html_verdicts_and_cut(void **state)
{
    (void)state;
    scratch s;
    scratch_make(&s);
    capture c;
    /* Clean: green, and the text names the page. */
    report *r = new_report(&c, false, false, s.html);
    finish(r, &c, 0);
    char *html = read_all(s.html);
    assert_has(html, "<header class=\"clean\">");
    assert_has(html, "<p class=\"verdict\">CLEAN</p>");
    assert_has(c.out, s.html);
    free(html);
    capture_free(&c);

    /* Findings: amber; timelines beyond the cap are cut and the page says so. */
    r = new_report(&c, false, false, s.html);
    report_set_limits(r, 100, 5);
    add_finding(r, "R4", 1, "QJ-1", "王明", "投诉未答复", "no reply");
    for (uint64_t i = 0; i < 12; i++)
        assert_int_equal(report_timeline_add(r, "QJ-1", i, 1, 2, "王明", "投诉 COMPLAINT", "x"), 0);
    finish(r, &c, 0);
    html = read_all(s.html);
    assert_self_contained(html, "en");
    assert_has(html, "<header class=\"findings\">");
    assert_has(html, "Timelines were cut: only the first 5 entries are shown, 7 are not.");
    assert_int_equal(count_of(html, "<tr id=\"e-"), 5);
    free(html);
    capture_free(&c);
    assert_int_equal(scratch_files(&s), 1);
    scratch_remove(&s);

    /* Without --html, timeline rows are not kept at all. */
    r = new_report(&c, false, false, NULL);
    assert_int_equal(report_timeline_add(r, "QJ-1", 1, 1, 2, "王明", "k", "x"), 0);
    finish(r, &c, 0);
    capture_free(&c);
}

/* ---- the report as a directory of pages (report_site.h) ------------------------------------- */

#define SITE_KEY   "qianjiang.example/yjj+01020304+AcXuhXH0T9Ue3O6s8sUYOWk8YZtZKEjA0ipAhfe8Tg0M"
#define SITE_ODD   "QJ-\"<\xc3\xa9>\\"
#define SITE_CASES 2000

/* Read dir/name whole; NULL when it does not exist. */
static char *site_read(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    assert_non_null(m);
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, k, m);
    fclose(f);
    fclose(m);
    if (len != NULL)
        *len = n;
    return buf;
}

/* The FNV-1a shard of a case id, as report_site.c and the page's script compute it. */
static unsigned site_shard(const char *name)
{
    uint32_t h = 0x811c9dc5u;
    for (const uint8_t *p = (const uint8_t *)name; *p != 0; p++) {
        h ^= *p;
        h *= 0x01000193u;
    }
    return h & 0xFF;
}

/* The case page and position the search file gives for a case (its key as
 * the file spells it), checked against that page. */
static void site_find_case(const char *dir, const char *name, const char *key, const char *shown)
{
    char file[64], needle[512], page_name[64];
    snprintf(file, sizeof file, "search/c-%02x.js", site_shard(name));
    char *js = site_read(dir, file, NULL);
    if (js == NULL)
        fail_msg("no %s for case %s", file, name);
    snprintf(needle, sizeof needle, "\"%s\":[", key);
    const char *at = strstr(js, needle);
    if (at == NULL)
        fail_msg("%s does not hold %s", file, key);
    unsigned page = 0, pos = 0;
    assert_int_equal(sscanf(at + strlen(needle), "%u,%u]", &page, &pos), 2);
    free(js);
    snprintf(page_name, sizeof page_name, "cases-%05u.html", page);
    char *html = site_read(dir, page_name, NULL);
    if (html == NULL)
        fail_msg("case %s: no page %s", name, page_name);
    snprintf(needle, sizeof needle, "id=\"case-%u\"", pos);
    const char *sec = strstr(html, needle);
    if (sec == NULL)
        fail_msg("case %s: %s has no %s", name, page_name, needle);
    assert_non_null(strstr(sec, shown));
    free(html);
}

/* The case page the search file gives for an entry, checked against that page. */
static void site_find_entry(const char *dir, uint64_t index)
{
    char file[64], needle[64], page_name[64];
    snprintf(file, sizeof file, "search/e-%" PRIu64 ".js", index / 10000);
    char *js = site_read(dir, file, NULL);
    if (js == NULL)
        fail_msg("no %s for entry %" PRIu64, file, index);
    uint64_t first = 0;
    assert_int_equal(sscanf(js, "lh_e(%" SCNu64 ",[", &first), 1);
    const char *p = strchr(js, '[') + 1;
    for (uint64_t i = first; i < index; i++) {
        p = strchr(p, ',');
        assert_non_null(p);
        p++;
    }
    unsigned page = (unsigned)strtoul(p, NULL, 10);
    free(js);
    assert_true(page > 0);
    snprintf(page_name, sizeof page_name, "cases-%05u.html", page);
    char *html = site_read(dir, page_name, NULL);
    assert_non_null(html);
    snprintf(needle, sizeof needle, "<tr id=\"e-%" PRIu64 "\"", index);
    if (strstr(html, needle) == NULL)
        fail_msg("entry %" PRIu64 ": %s has no row", index, page_name);
    free(html);
}

/* A report of `cases` cases of ten entries each, and `failures` failures, into dir. */
static void site_report(const char *dir, size_t cases, size_t failures)
{
    capture c;
    memset(&c, 0, sizeof c);
    c.out_f = open_memstream(&c.out, &c.out_len);
    c.err_f = open_memstream(&c.err, &c.err_len);
    report_options o = {.log_origin = "qianjiang.example/yjj",
                        .log_key = SITE_KEY,
                        .log_keyid = 0x01020304,
                        .html_path = dir,
                        .html_page_rows = 500,
                        .out = c.out_f,
                        .err = c.err_f};
    report *r = NULL;
    assert_int_equal(report_new(&o, &r), 0);
    set_facts(r, true);
    int64_t t0 = 1779258667000;
    uint64_t index = 1;
    for (size_t k = 0; k < cases; k++) {
        char id[64];
        if (k == 7)
            snprintf(id, sizeof id, "%s", SITE_ODD);
        else if (k == 8)
            snprintf(id, sizeof id, "案件-甲");
        else
            snprintf(id, sizeof id, "QJ-%04zu", k);
        for (int e = 0; e < 10; e++, index++)
            assert_int_equal(report_timeline_add(r, id, index, t0, t0 + (int64_t)index, "王明",
                                                 "调查 STEP", "询问笔录一份，当事人签字确认"),
                             0);
        if (k < failures)
            add_failure(r, "signature", index - 1, id, "王明", "签名无法验证", "bad signature");
        if (k % 50 == 3)
            add_finding(r, "R1", index - 2, id, "王明", "干预记录缺少地点", "lacks the place");
    }
    finish(r, &c, 0);
    capture_free(&c);
}

static void test_html_site(void **state)
{
    (void)state;
    scratch s;
    scratch_make(&s);
    char dir[160];
    snprintf(dir, sizeof dir, "%s/site/", s.dir);
    site_report(dir, SITE_CASES, 150);

    /* The pages: the index, the case pages (20,000 rows, about 500 a
     * page), the case index, the failures beyond the index's hundred. */
    size_t len = 0;
    char *index = site_read(dir, "index.html", &len);
    assert_non_null(index);
    assert_true(len < (1u << 20));
    assert_has(index, "FAILURES: 150");
    assert_has(index, "list-00001.html");
    assert_has(index, "list-00002.html");
    assert_has(index, "failures-00001.html");
    assert_has(index, "<form id=\"lhq\"");
    free(index);
    size_t pages = 0, lists = 0, fails = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (strcmp(e->d_name, "search") == 0)
            continue;
        pages += strncmp(e->d_name, "cases-", 6) == 0;
        lists += strncmp(e->d_name, "list-", 5) == 0;
        fails += strncmp(e->d_name, "failures-", 9) == 0;
        char *page = site_read(dir, e->d_name, &len);
        assert_non_null(page);
        /* Small enough to open; each names the log, its key and key id. */
        if (len > (2u << 20))
            fail_msg("%s is %zu bytes", e->d_name, len);
        assert_has(page, "qianjiang.example/yjj");
        assert_has(page, SITE_KEY);
        assert_has(page, "key id 01020304");
        /* Nothing from elsewhere; the one script is the search box's. */
        assert_lacks(page, "http://");
        assert_lacks(page, "https://");
        assert_lacks(page, "<link");
        assert_lacks(page, "url(");
        const char *script = strstr(page, "<script>");
        assert_non_null(script);
        assert_null(strstr(script + 1, "<script"));
        assert_true(text_utf8_valid((const uint8_t *)page, len));
        free(page);
    }
    closedir(d);
    assert_true(pages >= 40 && pages <= 50);
    assert_int_equal(lists, 2);
    assert_int_equal(fails, 1);

    /* The search files find every case and entry on its page. */
    for (size_t k = 0; k < SITE_CASES; k += 37) {
        char id[32];
        if (k == 7 || k == 8)
            continue;
        snprintf(id, sizeof id, "QJ-%04zu", k);
        site_find_case(dir, id, id, id);
    }
    site_find_case(dir, SITE_ODD, "QJ-\\u0022\\u003c\\u00e9\\u003e\\u005c",
                   "QJ-&quot;&lt;\xc3\xa9&gt;\\");
    site_find_case(dir, "案件-甲", "\\u6848\\u4ef6-\\u7532", "案件-甲");
    for (uint64_t i = 1; i <= SITE_CASES * 10; i += 997)
        site_find_entry(dir, i);
    site_find_entry(dir, SITE_CASES * 10);

    /* A smaller report into the same directory leaves no page of the first. */
    site_report(dir, 100, 0);
    char *old = site_read(dir, "cases-00010.html", NULL);
    assert_null(old);
    old = site_read(dir, "failures-00001.html", NULL);
    assert_null(old);
    old = site_read(dir, "search/e-1.js", NULL);
    assert_null(old);
    index = site_read(dir, "index.html", NULL);
    assert_has(index, "FINDINGS: 2<");
    free(index);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s.dir);
    assert_int_equal(system(cmd), 0);
}

static void test_html_write_error(void **state)
{
    (void)state;
    capture c;
    const char *path = "/nonexistent-liuhen-dir/report.html";
    report *r = new_report(&c, false, false, path);
    add_finding(r, "R4", 1, "QJ-1", "王明", "投诉未答复", "no reply");
    lh_err e = {{0}};
    assert_int_equal(report_finish(r, &e), -ENOENT);
    report_free(r);
    fflush(c.out_f);
    assert_has(e.msg, path);
    /* The result is printed all the same. */
    assert_has(c.out, "FINDINGS: 1");
    assert_lacks(c.out, "HTML report");
    capture_free(&c);
}

/* ---- progress -------------------------------------------------------------------------------- */

static void test_progress(void **state)
{
    (void)state;
    capture c;
    memset(&c, 0, sizeof c);
    c.out_f = open_memstream(&c.out, &c.out_len);
    c.err_f = open_memstream(&c.err, &c.err_len);
    report_options o = {.quiet = true, .progress = true, .out = c.out_f, .err = c.err_f};
    report *r = NULL;
    assert_int_equal(report_new(&o, &r), 0);
    report_progress(r, 530000, 1000000);
    fflush(c.err_f);
    assert_has(c.err, "\r[###############...............]  53% 530,000/1,000,000 entries");
    size_t drawn = c.err_len;
    /* Redrawn at most a few times a second: an immediate second call draws nothing... */
    report_progress(r, 540000, 1000000);
    fflush(c.err_f);
    assert_int_equal(c.err_len, drawn);
    /* ...but the last one always does, with the rate once it is known. */
    struct timespec ts = {0, 250000000};
    nanosleep(&ts, NULL);
    report_progress(r, 1000000, 1000000);
    fflush(c.err_f);
    assert_has(c.err, "100% 1,000,000/1,000,000 entries ");
    assert_has(c.err, "/s");
    /* report_finish erases the bar: it ends with spaces and a carriage return. */
    finish(r, &c, 0);
    assert_true(c.err_len > 2);
    assert_int_equal(c.err[c.err_len - 1], '\r');
    assert_int_equal(c.err[c.err_len - 2], ' ');
    capture_free(&c);

    /* Unknown total; and nothing at all without opts.progress. */
    r = new_report(&c, false, true, NULL);
    report_progress(r, 10, 0);
    finish(r, &c, 0);
    assert_int_equal(c.err_len, 0);
    capture_free(&c);
}

int main(void)
{
    /* English, whatever the locale the suite runs in. */
    tu_set_language("C");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_clean),
        cmocka_unit_test_teardown(test_text_clean_zh, tu_english),
        cmocka_unit_test(test_text_failures),
        cmocka_unit_test(test_consequences),
        cmocka_unit_test_teardown(test_text_failures_zh, tu_english),
        cmocka_unit_test_teardown(test_text_findings, tu_english),
        cmocka_unit_test(test_text_findings_en),
        cmocka_unit_test_teardown(test_text_quiet, tu_english),
        cmocka_unit_test(test_text_integrity_only),
        cmocka_unit_test_teardown(test_escape_controls, tu_english),
        cmocka_unit_test(test_bounded_strings),
        cmocka_unit_test(test_json_clean),
        cmocka_unit_test(test_json_failures_findings),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_many_checks),
        cmocka_unit_test_teardown(test_addf_and_titles, tu_english),
        cmocka_unit_test_teardown(test_html_escaping, tu_english),
        cmocka_unit_test_teardown(test_html_sections, tu_english),
        cmocka_unit_test(test_html_sections_en),
        cmocka_unit_test(test_html_verdicts_and_cut),
        cmocka_unit_test(test_html_write_error),
        cmocka_unit_test(test_html_site),
        cmocka_unit_test(test_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
