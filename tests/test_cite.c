/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_cite.c — cite.h: our references cited in Chinese (with the titles
 * and with the short names) and in English; the two 第十条 and the two
 * （五） of B cited as printed; lists; anything else given back unchanged;
 * cutting at a character boundary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cite.h"
#include "errors.h"
#include "text.h"

#define A_TITLE "《行政执法案件错案责任倒查问责制度》"
#define B_TITLE "《行政执法机关内部人员干预、插手案件办理的记录、通报和责任追究制度》"
#define A_EN    "the Wrongful-Case Accountability Rules"
#define B_EN    "the Interference Recording Rules"

/* Cite ref in one form into a buffer of CITE_MAX, expecting rc and want. */
static void expect(cite_form form, const char *ref, int rc, const char *want)
{
    char out[CITE_MAX];
    assert_int_equal(cite_format(out, sizeof out, ref, form), rc);
    assert_string_equal(out, want);
}

static void test_zh_article_and_item(void **state)
{
    (void)state;
    expect(CITE_ZH, "A§10(1)", 0, A_TITLE "第十条第（一）项");
    expect(CITE_ZH, "B§3", 0, B_TITLE "第三条");
    expect(CITE_ZH, "A§6(11)", 0, A_TITLE "第六条第（十一）项");
    expect(CITE_ZH, "B§14", 0, B_TITLE "第十四条");
    expect(CITE_ZH, "B§13(2)", 0, B_TITLE "第十三条第（二）项");
}

/* A's articles 4, 5 and 11 number their items "1.", "2.". */
static void test_zh_arabic_items(void **state)
{
    (void)state;
    expect(CITE_ZH, "A§11(1)", 0, A_TITLE "第十一条第1项");
    expect(CITE_ZH, "A§5(7)", 0, A_TITLE "第五条第7项");
    expect(CITE_ZH_SHORT, "A§11(6)", 0, "错案追究制度第十一条第6项");
}

static void test_zh_items_listed(void **state)
{
    (void)state;
    expect(CITE_ZH, "A§10(2)(3)", 0, A_TITLE "第十条第（二）项、第（三）项");
    expect(CITE_ZH_SHORT, "A§10(2)(3)", 0, "错案追究制度第十条第（二）项、第（三）项");
}

/* A regulation is named once for a run of its articles. */
static void test_zh_lists(void **state)
{
    (void)state;
    expect(CITE_ZH, "A§8, A§9, A§11", 0, A_TITLE "第八条、第九条、第十一条");
    expect(CITE_ZH, "A§10(3), B§11", 0, A_TITLE "第十条第（三）项、" B_TITLE "第十一条");
    expect(CITE_ZH_SHORT, "B§3, B§12", 0, "干预记录制度第三条、第十二条");
    expect(CITE_ZH_SHORT, "A§7,B§3、A§3", 0,
           "错案追究制度第七条、干预记录制度第三条、错案追究制度第三条");
}

static void test_zh_short(void **state)
{
    (void)state;
    expect(CITE_ZH_SHORT, "A§10(1)", 0, "错案追究制度第十条第（一）项");
    expect(CITE_ZH_SHORT, "B§3", 0, "干预记录制度第三条");
}

/* B prints two 第十条: each is cited as printed, saying which. */
static void test_two_articles_ten(void **state)
{
    (void)state;
    expect(CITE_ZH, "B§10", 0, B_TITLE "第十条（第九条之后的第十条）");
    expect(CITE_ZH, "B§10bis", 0, B_TITLE "第十条（第十一条之后的第十条）");
    expect(CITE_ZH_SHORT, "B§10bis", 0, "干预记录制度第十条（第十一条之后）");
    expect(CITE_EN, "B§10bis", 0, "Art. 10 (the second Art. 10, after Art. 11) of " B_EN);
    expect(CITE_EN, "B§10", 0, "Art. 10 (the first Art. 10, after Art. 9) of " B_EN);
    /* An item can only be of the first 第十条: the second has none. */
    expect(CITE_ZH, "B§10(1)", 0, B_TITLE "第十条第（一）项");
    expect(CITE_ZH, "B§10bis(1)", LH_EPARSE, "B§10bis(1)");
    expect(CITE_ZH, "A§10bis", LH_EPARSE, "A§10bis");
    expect(CITE_ZH, "B§9bis", LH_EPARSE, "B§9bis");
}

/* B§10 prints （五） twice; B§10(7) is the second, the catch-all. */
static void test_two_items_five(void **state)
{
    (void)state;
    expect(CITE_ZH, "B§10(7)", 0, B_TITLE "第十条第（五）项（第二个第（五）项，即兜底项）");
    expect(CITE_ZH, "B§10(5)", 0, B_TITLE "第十条第（五）项（第一个第（五）项）");
    expect(CITE_ZH, "B§10(6)", 0, B_TITLE "第十条第（六）项");
    expect(CITE_ZH_SHORT, "B§10(7)", 0, "干预记录制度第十条第（五）项（第二个，兜底项）");
    expect(CITE_EN, "B§10(7)", 0, "Art. 10(5) (the second item (5), the catch-all) of " B_EN);
    expect(CITE_EN, "B§10(5)", 0, "Art. 10(5) (the first item (5)) of " B_EN);
    expect(CITE_EN, "B§10(5)(7)", 0,
           "Art. 10(5)(5) (the first and the second item (5), the latter the catch-all) of " B_EN);
    expect(CITE_ZH, "B§10(8)", LH_EPARSE, "B§10(8)");
}

static void test_en(void **state)
{
    (void)state;
    expect(CITE_EN, "A§10(1)", 0, "Art. 10(1) of " A_EN);
    expect(CITE_EN, "B§3", 0, "Art. 3 of " B_EN);
    expect(CITE_EN, "A§10(2)(3)", 0, "Art. 10(2)(3) of " A_EN);
    expect(CITE_EN, "A§11(1)", 0, "Art. 11(1) of " A_EN);
    expect(CITE_EN, "A§8, A§9", 0, "Arts. 8 and 9 of " A_EN);
    expect(CITE_EN, "A§8, A§9, A§11", 0, "Arts. 8, 9 and 11 of " A_EN);
    expect(CITE_EN, "A§10(3), B§11, B§12", 0, "Art. 10(3) of " A_EN "; Arts. 11 and 12 of " B_EN);
}

/* Anything that is not a reference list comes back as it is. */
static void test_not_a_reference(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "general principle; cf. 行政处罚法 §43, 政务处分法 §47",
        "B§3 (如实记录)",
        "A§14", /* A has 13 articles */
        "B§15", /* B has 14 */
        "A§0",
        "A§03", /* leading zero */
        "A§100",
        "A§6(12)", /* A§6 has 11 items */
        "A§3(1)",  /* A§3 has none */
        "A§10(3)(2)",
        "A§10(2)(2)",
        "A§10()",
        "A§10(1",
        "A§10(01)",
        "C§1",
        "A§",
        "A10",
        "a§10",
        "A§10,",
        "A§10, ",
        ", A§10",
        "A§10 ",
        "A§10;A§11",
        "A§10\xC2",
        "\xFF\xFE",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect(CITE_ZH, bad[i], LH_EPARSE, bad[i]);
        expect(CITE_ZH_SHORT, bad[i], LH_EPARSE, bad[i]);
        expect(CITE_EN, bad[i], LH_EPARSE, bad[i]);
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char out[8] = "x";
    assert_int_equal(cite_zh(NULL, 8, "A§1"), LH_EINVAL);
    assert_int_equal(cite_zh(out, 0, "A§1"), LH_EINVAL);
    assert_string_equal(out, "x");
    assert_int_equal(cite_zh(out, sizeof out, NULL), LH_EINVAL);
    assert_string_equal(out, "");
    assert_int_equal(cite_format(out, sizeof out, "A§1", (cite_form)7), LH_EPARSE);
    assert_string_equal(out, "A§1");
}

/* A citation that does not fit is cut at a character boundary, and is a
 * prefix of the whole one. */
static void test_cut(void **state)
{
    (void)state;
    char whole[CITE_MAX];
    assert_int_equal(cite_zh(whole, sizeof whole, "B§10(7)"), 0);
    size_t len = strlen(whole);
    for (size_t size = 1; size <= len; size++) {
        char out[CITE_MAX];
        assert_int_equal(cite_zh(out, size, "B§10(7)"), LH_ETOOBIG);
        size_t n = strlen(out);
        assert_true(n < size);
        assert_true(size - n <= 3); /* at most one character of three bytes dropped */
        assert_memory_equal(out, whole, n);
        assert_true(text_utf8_valid((const uint8_t *)out, n));
    }
    char out[CITE_MAX];
    assert_int_equal(cite_zh(out, len + 1, "B§10(7)"), 0);
    assert_string_equal(out, whole);
    /* Text given back is cut the same way. */
    assert_int_equal(cite_zh(out, 5, "留痕留痕"), LH_EPARSE);
    assert_string_equal(out, "留");
}

static void test_regulation_names(void **state)
{
    (void)state;
    assert_string_equal(cite_regulation_name('A', CITE_ZH), A_TITLE);
    assert_string_equal(cite_regulation_name('B', CITE_ZH), B_TITLE);
    assert_string_equal(cite_regulation_name('A', CITE_ZH_SHORT), "错案追究制度");
    assert_string_equal(cite_regulation_name('B', CITE_ZH_SHORT), "干预记录制度");
    assert_string_equal(cite_regulation_name('B', CITE_EN), "Interference Recording Rules");
    assert_null(cite_regulation_name('C', CITE_ZH));
    assert_null(cite_regulation_name('A', (cite_form)7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zh_article_and_item),
        cmocka_unit_test(test_zh_arabic_items),
        cmocka_unit_test(test_zh_items_listed),
        cmocka_unit_test(test_zh_lists),
        cmocka_unit_test(test_zh_short),
        cmocka_unit_test(test_two_articles_ten),
        cmocka_unit_test(test_two_items_five),
        cmocka_unit_test(test_en),
        cmocka_unit_test(test_not_a_reference),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_cut),
        cmocka_unit_test(test_regulation_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
