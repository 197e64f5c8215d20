/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_table.c — liuhen-verify's tables (tools/liuhen-verify/table.h): the
 * width of text on a terminal (a CJK character two columns), aligned
 * columns with long cells wrapped in their column, RFC 4180 CSV with its
 * byte order mark, quoting and doubled quotes, the guard against
 * spreadsheet formulas, and hostile characters shown escaped in both forms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "table.h"

/* What a print function wrote, NUL-terminated; the caller frees it. */
static char *printed(const table *t, int form)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    if (form == 0)
        table_print_text(t, f);
    else
        table_print_csv(t, f, form == 2);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static table *two_columns(void)
{
    const char *h[] = {"No.", "Case"};
    table *t = table_new(2, h);
    assert_non_null(t);
    return t;
}

static void test_text_aligned(void **state)
{
    (void)state;
    table *t = two_columns();
    const char *r1[] = {"1", "干预-1"};
    const char *r2[] = {"22", "x"};
    assert_int_equal(table_add(t, r1), 0);
    assert_int_equal(table_add(t, r2), 0);
    assert_int_equal(table_rows(t), 2);
    char *s = printed(t, 0);
    /* "No." is 3 wide, the widest cell of its column: the case starts at
     * column 5 on every line; the rule is as wide as the columns (3, 2
     * spaces, 6). */
    assert_string_equal(s, "No.  Case\n"
                           "-----------\n"
                           "1    干预-1\n"
                           "22   x\n");
    free(s);
    table_free(t);
}

static void test_text_wraps(void **state)
{
    (void)state;
    const char *h[] = {"A", "B"};
    table *t = table_new(2, h);
    char long_cell[128];
    memset(long_cell, 'x', TABLE_TEXT_WIDTH_MAX + 5);
    long_cell[TABLE_TEXT_WIDTH_MAX + 5] = '\0';
    const char *r[] = {long_cell, "b"};
    assert_int_equal(table_add(t, r), 0);
    char *s = printed(t, 0);
    char want[512];
    snprintf(want, sizeof want, "%.*s  b\nxxxxx\n", TABLE_TEXT_WIDTH_MAX, long_cell);
    /* the second line holds the rest of the first cell, nothing cut, and
     * no padding after it */
    const char *body = strchr(strchr(s, '\n') + 1, '\n') + 1;
    assert_string_equal(body, want);
    free(s);
    table_free(t);
}

static void test_text_wraps_at_space(void **state)
{
    (void)state;
    const char *h[] = {"A", "B"};
    table *t = table_new(2, h);
    /* 36 x, a space, then a word that would cross column 40 */
    char cell[128];
    memset(cell, 'x', 36);
    strcpy(cell + 36, " Accountability");
    const char *r[] = {cell, "b"};
    assert_int_equal(table_add(t, r), 0);
    char *s = printed(t, 0);
    const char *body = strchr(strchr(s, '\n') + 1, '\n') + 1;
    char want[256];
    snprintf(want, sizeof want, "%.36s%*s  b\nAccountability\n", cell, 4, "");
    assert_string_equal(body, want);
    free(s);
    table_free(t);
}

static void test_csv(void **state)
{
    (void)state;
    table *t = two_columns();
    const char *r1[] = {"a,b", "say \"hi\""};
    const char *r2[] = {"line\nbreak", "=SUM(A1)"};
    const char *r3[] = {"-1", "@x"};
    assert_int_equal(table_add(t, r1), 0);
    assert_int_equal(table_add(t, r2), 0);
    assert_int_equal(table_add(t, r3), 0);
    char *s = printed(t, 2);
    /* A line break inside a cell is a space: each record is one line. */
    assert_string_equal(s, "\xEF\xBB\xBFNo.,Case\r\n"
                           "\"a,b\",\"say \"\"hi\"\"\"\r\n"
                           "line break,'=SUM(A1)\r\n"
                           "'-1,'@x\r\n");
    free(s);
    s = printed(t, 1);
    assert_int_equal(strncmp(s, "No.,Case\r\n", 10), 0);
    free(s);
    table_free(t);
}

static void test_hostile_escaped(void **state)
{
    (void)state;
    table *t = two_columns();
    const char *r[] = {"\x1b[2J", "a\xe2\x80\xae"
                                  "b"}; /* an escape, a right-to-left override */
    assert_int_equal(table_add(t, r), 0);
    char *s = printed(t, 1);
    assert_null(strchr(s, 0x1b));
    assert_null(strstr(s, "\xe2\x80\xae"));
    assert_non_null(strstr(s, "\\x1b[2J"));
    assert_non_null(strstr(s, "\\u202e"));
    free(s);
    table_free(t);
}

static void test_bad_shape(void **state)
{
    (void)state;
    const char *h[TABLE_MAX_COLS + 1] = {0};
    assert_null(table_new(0, h));
    assert_null(table_new(TABLE_MAX_COLS + 1, h));
    table_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_aligned),        cmocka_unit_test(test_text_wraps),
        cmocka_unit_test(test_text_wraps_at_space), cmocka_unit_test(test_csv),
        cmocka_unit_test(test_hostile_escaped),     cmocka_unit_test(test_bad_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
