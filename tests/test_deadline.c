/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_deadline.c — deadline.h: periods counted as 民法典 第二百零一条 to
 * 第二百零三条 say, in Beijing time, with the rest days of a holiday file,
 * the working-day reading, days overdue, the holiday file's errors, and
 * the text of a last day. Known answers worked out by hand from the
 * articles, then random periods against a day-by-day reference written
 * with the C library's gmtime_r()/timegm() instead of calendar.h.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "calendar.h"
#include "deadline.h"
#include "testutil.h"

#define EXAMPLE_FILE "tests/vectors/holidays-example.txt"

/* An ISO 8601 time with its offset, as unix ms. */
static int64_t at(const char *iso)
{
    int64_t ms;
    lh_err err = {{0}};
    if (calendar_parse_time(NULL, iso, &ms, &err) != 0)
        fail_msg("%s: %s", iso, err.msg);
    return ms;
}

/* Fail unless got is the instant iso. */
static void assert_at(int64_t got, const char *iso, const char *what)
{
    int64_t want = at(iso);
    if (got != want) {
        char buf[CALENDAR_TEXT_MAX];
        fail_msg("%s: ends %s, want %s", what, calendar_format_cst(buf, got), iso);
    }
}

static deadline_calendar *parse_ok(const char *text)
{
    deadline_calendar *cal = NULL;
    lh_err err = {{0}};
    tu_assert_code(deadline_calendar_parse(text, strlen(text), &cal, &err), 0, &err);
    assert_non_null(cal);
    return cal;
}

static deadline_calendar *example_calendar(void)
{
    size_t len;
    uint8_t *text = tu_read_file(EXAMPLE_FILE, &len);
    if (text == NULL)
        fail_msg("%s cannot be read (run the test from the repository root)", EXAMPLE_FILE);
    deadline_calendar *cal = NULL;
    lh_err err = {{0}};
    tu_assert_code(deadline_calendar_parse((const char *)text, len, &cal, &err), 0, &err);
    free(text);
    return cal;
}

/* ---- calendar days ------------------------------------------------------------------------ */

/* Thursday 2026-11-26 15:00 and 2 days: the last day would be Saturday
 * 11-28 (第二百零一条), a rest day, so it is Monday 11-30 (第二百零三条). */
static void test_days_last_day_weekend_moves(void **state)
{
    (void)state;
    int64_t t = at("2026-11-26T15:00:00+08:00");
    assert_at(deadline_days_end(NULL, t, 2, false), "2026-12-01T00:00:00+08:00", "2 days");
    /* 1 day: Friday 11-27, a working day, stays. */
    assert_at(deadline_days_end(NULL, t, 1, false), "2026-11-28T00:00:00+08:00", "1 day");
    /* 3 days: Sunday 11-29 moves to Monday too. */
    assert_at(deadline_days_end(NULL, t, 3, false), "2026-12-01T00:00:00+08:00", "3 days");
    /* 4 days: Monday 11-30 itself. */
    assert_at(deadline_days_end(NULL, t, 4, false), "2026-12-01T00:00:00+08:00", "4 days");
    assert_at(deadline_days_end(NULL, t, 5, false), "2026-12-02T00:00:00+08:00", "5 days");
}

/* The day of the event is not counted, whatever the hour: 23:59 on Tuesday
 * 05-19 counts from Wednesday, 00:01 on Wednesday from Thursday. */
static void test_days_event_day_not_counted(void **state)
{
    (void)state;
    assert_at(deadline_days_end(NULL, at("2026-05-19T23:59:00+08:00"), 1, false),
              "2026-05-21T00:00:00+08:00", "23:59 on 05-19");
    assert_at(deadline_days_end(NULL, at("2026-05-20T00:01:00+08:00"), 1, false),
              "2026-05-22T00:00:00+08:00", "00:01 on 05-20");
    assert_at(deadline_days_end(NULL, at("2026-05-20T00:00:00+08:00"), 1, false),
              "2026-05-22T00:00:00+08:00", "00:00 on 05-20");
    /* 0 days: the end of the event's own day. */
    assert_at(deadline_days_end(NULL, at("2026-05-20T09:00:00+08:00"), 0, false),
              "2026-05-21T00:00:00+08:00", "0 days");
}

/* 17:00 UTC on 05-19 is 01:00 on Wednesday 05-20 in Beijing: the period
 * counts from Thursday, not from Wednesday. */
static void test_days_utc_is_next_day_in_beijing(void **state)
{
    (void)state;
    int64_t t = at("2026-05-19T17:00:00Z");
    assert_at(deadline_days_end(NULL, t, 1, false), "2026-05-22T00:00:00+08:00", "1 day");
    /* 15:59:59.999 UTC is still Tuesday in Beijing. */
    assert_at(deadline_days_end(NULL, at("2026-05-19T15:59:59.999Z"), 1, false),
              "2026-05-21T00:00:00+08:00", "23:59:59.999 CST");
    assert_true(deadline_rest_day(NULL, at("2026-11-27T16:00:00Z")));  /* Sat 00:00 CST */
    assert_false(deadline_rest_day(NULL, at("2026-11-27T15:59:59Z"))); /* Fri 23:59 CST */
    assert_false(deadline_rest_day(NULL, at("2026-11-29T16:00:00Z"))); /* Mon 00:00 CST */
}

/* ---- months ------------------------------------------------------------------------------- */

static void test_months(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        unsigned n;
        const char *end;
    } cases[] = {
        /* 第二百零二条: 01-31 has no corresponding day in February; 2026-02-28
         * is a Saturday (第二百零三条: Monday 03-02). */
        {"2026-01-31T10:00:00+08:00", 1, "2026-03-03T00:00:00+08:00"},
        /* 2024 is a leap year: Thursday 02-29. */
        {"2024-01-31T10:00:00+08:00", 1, "2024-03-01T00:00:00+08:00"},
        {"2024-01-30T10:00:00+08:00", 1, "2024-03-01T00:00:00+08:00"},
        /* The corresponding day, a Thursday. */
        {"2026-03-31T10:00:00+08:00", 1, "2026-05-01T00:00:00+08:00"},
        {"2026-03-30T10:00:00+08:00", 1, "2026-05-01T00:00:00+08:00"},
        /* Sunday 05-10 moves to Monday 05-11. */
        {"2026-04-10T09:00:00+08:00", 1, "2026-05-12T00:00:00+08:00"},
        /* Across a year: Friday 2027-01-15. */
        {"2026-12-15T12:00:00+08:00", 1, "2027-01-16T00:00:00+08:00"},
        /* Many months: Friday 2025-02-28, Saturday 2026-02-28. */
        {"2024-02-29T12:00:00+08:00", 12, "2025-03-01T00:00:00+08:00"},
        {"2025-12-31T12:00:00+08:00", 2, "2026-03-03T00:00:00+08:00"},
        /* 16:00 UTC on 01-30 is 01-31 in Beijing. */
        {"2026-01-30T16:00:00Z", 1, "2026-03-03T00:00:00+08:00"},
        {"2026-05-20T12:00:00+08:00", 0, "2026-05-21T00:00:00+08:00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s + %u months", cases[i].from, cases[i].n);
        assert_at(deadline_months_end(NULL, at(cases[i].from), cases[i].n), cases[i].end, what);
    }
}

/* Where the last day is a working day, one month ends where
 * calendar_month_end() says (it does not apply 第二百零三条). */
static void test_months_agree_with_calendar(void **state)
{
    (void)state;
    int64_t day = at("2024-01-01T11:00:00+08:00");
    for (int i = 0; i < 3 * 366; i++) {
        int64_t t = day + i * CALENDAR_DAY_MS;
        int64_t end = calendar_month_end(t);
        if (!deadline_rest_day(NULL, end - 1))
            assert_int_equal(deadline_months_end(NULL, t, 1), end);
        else
            assert_true(deadline_months_end(NULL, t, 1) > end);
    }
}

/* ---- the holiday file --------------------------------------------------------------------- */

static void test_holidays_rest_days(void **state)
{
    (void)state;
    deadline_calendar *cal = example_calendar();
    /* Listed holidays, weekdays or not. */
    assert_true(deadline_rest_day(cal, at("2026-10-01T12:00:00+08:00")));
    assert_true(deadline_rest_day(cal, at("2026-10-05T12:00:00+08:00")));
    assert_true(deadline_rest_day(cal, at("2026-10-07T23:59:59+08:00")));
    assert_false(deadline_rest_day(cal, at("2026-10-08T00:00:00+08:00")));
    assert_false(deadline_rest_day(NULL, at("2026-10-01T12:00:00+08:00")));
    /* 调休: a Saturday and a Sunday made working days. */
    assert_false(deadline_rest_day(cal, at("2026-10-10T12:00:00+08:00")));
    assert_false(deadline_rest_day(cal, at("2026-09-20T12:00:00+08:00")));
    assert_true(deadline_rest_day(NULL, at("2026-10-10T12:00:00+08:00")));
    /* Weekends that are not listed stay rest days. */
    assert_true(deadline_rest_day(cal, at("2026-10-11T12:00:00+08:00")));
    assert_true(deadline_rest_day(cal, at("2026-09-19T12:00:00+08:00")));
    deadline_calendar_free(cal);
}

static void test_holidays_move_last_day(void **state)
{
    (void)state;
    deadline_calendar *cal = example_calendar();
    /* Tuesday 09-29 and 2 days: 10-01 is a holiday, and so is every day
     * to 10-07; the last day is Thursday 10-08. */
    int64_t t = at("2026-09-29T10:00:00+08:00");
    assert_at(deadline_days_end(cal, t, 2, false), "2026-10-09T00:00:00+08:00", "into 国庆");
    assert_at(deadline_days_end(NULL, t, 2, false), "2026-10-02T00:00:00+08:00", "no file");
    /* A 调休 Saturday as last day does not move: 10-10, and 11-28 in the
     * example file (a Thursday, 11-26, and 2 days). */
    assert_at(deadline_days_end(cal, at("2026-10-08T09:00:00+08:00"), 2, false),
              "2026-10-11T00:00:00+08:00", "调休 10-10");
    assert_at(deadline_days_end(cal, at("2026-11-26T15:00:00+08:00"), 2, false),
              "2026-11-29T00:00:00+08:00", "调休 11-28");
    /* A month ending on a holiday: 09-01 + 1 month is Thursday 10-01. */
    assert_at(deadline_months_end(cal, at("2026-09-01T10:00:00+08:00"), 1),
              "2026-10-09T00:00:00+08:00", "month into 国庆");
    /* The working day after 元旦 (Thursday 2026-01-01) is Friday 01-02. */
    assert_at(deadline_days_end(cal, at("2025-12-31T10:00:00+08:00"), 1, false),
              "2026-01-03T00:00:00+08:00", "元旦");
    deadline_calendar_free(cal);
}

/* ---- the working-day reading -------------------------------------------------------------- */

static void test_working_days(void **state)
{
    (void)state;
    /* Thursday 11-26: Friday 11-27 is the 1st working day, Monday 11-30
     * the 2nd. */
    int64_t t = at("2026-11-26T15:00:00+08:00");
    assert_at(deadline_days_end(NULL, t, 1, true), "2026-11-28T00:00:00+08:00", "1 working day");
    assert_at(deadline_days_end(NULL, t, 2, true), "2026-12-01T00:00:00+08:00", "2 working days");
    assert_at(deadline_days_end(NULL, t, 3, true), "2026-12-02T00:00:00+08:00", "3 working days");
    /* 10 working days are two weeks. */
    assert_at(deadline_days_end(NULL, t, 10, true), "2026-12-11T00:00:00+08:00", "10");
    /* From a Saturday: Monday is the 1st. */
    assert_at(deadline_days_end(NULL, at("2026-11-28T10:00:00+08:00"), 1, true),
              "2026-12-01T00:00:00+08:00", "from Saturday");

    deadline_calendar *cal = example_calendar();
    /* Wednesday 09-30: 10-01 to 10-07 are holidays; 10-08 and 10-09. */
    assert_at(deadline_days_end(cal, at("2026-09-30T10:00:00+08:00"), 2, true),
              "2026-10-10T00:00:00+08:00", "over 国庆");
    /* Friday 10-09: the 调休 Saturday 10-10 is a working day. */
    assert_at(deadline_days_end(cal, at("2026-10-09T10:00:00+08:00"), 1, true),
              "2026-10-11T00:00:00+08:00", "调休 Saturday");
    /* Friday 09-18: Saturday 09-19 rests, Sunday 09-20 works. */
    assert_at(deadline_days_end(cal, at("2026-09-18T10:00:00+08:00"), 1, true),
              "2026-09-21T00:00:00+08:00", "调休 Sunday");
    /* Many weeks across the listed dates: 20 working days from Monday
     * 09-14 are 09-15..09-18 (4), 09-20 (5), 09-21..09-25 (10), 09-28..09-30
     * (13), 10-08, 10-09, 10-10 (16), 10-12..10-15 (20). */
    assert_at(deadline_days_end(cal, at("2026-09-14T10:00:00+08:00"), 20, true),
              "2026-10-16T00:00:00+08:00", "20 working days");
    deadline_calendar_free(cal);
}

/* Absurd periods end, at the bound, in no time. */
static void test_extremes(void **state)
{
    (void)state;
    deadline_calendar *cal = example_calendar();
    const int64_t times[] = {INT64_MIN, -1, 0, at("2026-11-26T15:00:00+08:00"), INT64_MAX};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        const deadline_calendar *cals[] = {NULL, cal};
        for (size_t c = 0; c < 2; c++) {
            int64_t a = deadline_days_end(cals[c], times[i], UINT_MAX, true);
            int64_t b = deadline_days_end(cals[c], times[i], UINT_MAX, false);
            int64_t m = deadline_months_end(cals[c], times[i], UINT_MAX);
            assert_true(a <= CALENDAR_TIME_BOUND && b <= CALENDAR_TIME_BOUND);
            assert_true(m <= CALENDAR_TIME_BOUND);
            assert_true(a > CALENDAR_TIME_BOUND - 8 * CALENDAR_DAY_MS);
            assert_true(deadline_days_end(cals[c], times[i], 1, false) >= -CALENDAR_TIME_BOUND);
        }
    }
    deadline_calendar_free(cal);
}

/* ---- days overdue ------------------------------------------------------------------------- */

static void test_days_overdue(void **state)
{
    (void)state;
    int64_t end = at("2026-12-01T00:00:00+08:00"); /* 24:00 on Monday 11-30 */
    assert_int_equal(deadline_days_overdue(end, end - 1), 0);
    assert_int_equal(deadline_days_overdue(end, end), 0);
    assert_int_equal(deadline_days_overdue(end, INT64_MIN), 0);
    assert_int_equal(deadline_days_overdue(end, end + 1), 1);
    assert_int_equal(deadline_days_overdue(end, at("2026-12-01T01:00:00+08:00")), 1);
    assert_int_equal(deadline_days_overdue(end, at("2026-12-01T23:59:59.999+08:00")), 1);
    assert_int_equal(deadline_days_overdue(end, at("2026-12-02T00:00:00+08:00")), 2);
    assert_int_equal(deadline_days_overdue(end, at("2026-12-31T12:00:00+08:00")), 31);
    /* In UTC 01:00 CST is still the previous day: the count is Beijing's. */
    assert_int_equal(deadline_days_overdue(end, at("2026-11-30T17:00:00Z")), 1);
    /* An end that is not at midnight: the days begun after it. */
    int64_t noon = at("2026-12-01T12:00:00+08:00");
    assert_int_equal(deadline_days_overdue(noon, at("2026-12-01T18:00:00+08:00")), 0);
    assert_int_equal(deadline_days_overdue(noon, at("2026-12-02T00:00:00+08:00")), 1);
    assert_true(deadline_days_overdue(INT64_MIN, INT64_MAX) > 0);
}

/* ---- the holiday file's errors ------------------------------------------------------------ */

static void test_parse_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int code;
        const char *msg1, *msg2;
    } cases[] = {
        {"2026-02-30\n", LH_EPARSE, "line 1: 2026-02-30 is not a date", "2026-02 has 28 days"},
        {"# a comment\n\n2026-13-01 休\n", LH_EPARSE, "line 3: ", "no month 13"},
        {"2026-10-01\n2026-1-02\n", LH_EPARSE, "line 2: '2026-1-02'", "YYYY-MM-DD"},
        {"20261001\n", LH_EPARSE, "line 1: '20261001'", "YYYY-MM-DD"},
        {"休 2026-10-01\n", LH_EPARSE, "line 1: '休'", "YYYY-MM-DD"},
        {"2026-10-01 放假 国庆\n", LH_EPARSE, "line 1: unknown word '放假'", "班 or workday"},
        {"2026-10-01 Holiday\n", LH_EPARSE, "unknown word 'Holiday'", "休 or holiday"},
        {"2026-10-01休\n", LH_EPARSE, "line 1: after the date 2026-10-01", "white space"},
        {"1969-12-31\n", LH_EPARSE, "line 1: 1969-12-31", "before 1970"},
        {"2026-10-12 班\n", LH_EPARSE, "line 1: 2026-10-12 is a Monday", "Saturday or Sunday"},
        /* A date both ways, and a date twice: the later line is named. */
        {"2026-10-10 班\n# x\n2026-10-10 休 国庆\n", LH_EPARSE,
         "line 3: 2026-10-10 is a holiday (休) here but a working day (班) on line 1",
         "one or the other"},
        {"2026-10-01\n2026-10-02\r\n2026-10-01 holiday\n", LH_EPARSE,
         "line 3: 2026-10-01 is listed already, on line 1", ""},
        /* The first line to fix: line 4 repeats line 2 before line 5
         * repeats line 1. */
        {"2026-10-03\n2026-10-01\n2026-10-02\n2026-10-01\n2026-10-03\n", LH_EPARSE,
         "line 4: 2026-10-01 is listed already, on line 2", ""},
        {"2026-10-01 \xff\n", LH_EUTF8, "line 1: byte 12 (0xff) is not UTF-8", ""},
        {"2026-10-01\n2026-10-02\x01\n", LH_ECTRL, "line 2: a control character (U+0001)", ""},
        {"2026-10-01\r\r\n", LH_ECTRL, "line 1: a control character (U+000D)", ""},
        {"2026-10-03 # \xe2\x80\xae\n", LH_ECTRL, "line 1: a hidden character (U+202E)", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* Not NULL, so that the test sees that an error sets it to NULL. */
        deadline_calendar *cal = (deadline_calendar *)(uintptr_t)1;
        lh_err err = {{0}};
        int rc = deadline_calendar_parse(cases[i].text, strlen(cases[i].text), &cal, &err);
        if (rc != cases[i].code)
            fail_msg("case %zu: got %s, want %s (%s)", i, lh_errname(rc), lh_errname(cases[i].code),
                     err.msg);
        assert_null(cal);
        tu_assert_msg_has(&err, cases[i].msg1);
        tu_assert_msg_has(&err, cases[i].msg2);
    }
}

static void test_parse_limits(void **state)
{
    (void)state;
    lh_err err = {{0}};
    deadline_calendar *cal = NULL;
    tu_assert_code(deadline_calendar_parse("2026-10-01", 10, NULL, &err), LH_EINVAL, &err);
    tu_assert_code(deadline_calendar_parse(NULL, 1, &cal, &err), LH_EINVAL, &err);
    size_t big = DEADLINE_FILE_MAX + 1;
    char *text = malloc(big);
    assert_non_null(text);
    memset(text, '\n', big);
    tu_assert_code(deadline_calendar_parse(text, big, &cal, &err), LH_ETOOBIG, &err);
    assert_null(cal);
    /* A file of the largest size, every line a date (a holiday): the bound
     * on dates per byte holds. */
    size_t n = 0, len = 0;
    int64_t day = calendar_days_from_civil(2026, 1, 5);
    while (len + 11 <= DEADLINE_FILE_MAX) {
        int64_t y, m, d;
        calendar_civil_from_days(day + (int64_t)n, &y, &m, &d);
        snprintf(text + len, 12, "%04lld-%02lld-%02lld\n", (long long)y, (long long)m,
                 (long long)d);
        len += 11;
        n++;
    }
    tu_assert_code(deadline_calendar_parse(text, len, &cal, &err), 0, &err);
    /* Every day a holiday for some 260 years: a period still ends, after. */
    assert_true(deadline_rest_day(cal, at("2026-01-07T12:00:00+08:00")));
    assert_true(deadline_days_end(cal, at("2026-01-05T12:00:00+08:00"), 1, true) >
                at("2260-01-01T00:00:00+08:00"));
    deadline_calendar_free(cal);
    free(text);
    deadline_calendar_free(NULL);
}

static void test_parse_accepts(void **state)
{
    (void)state;
    /* BOM, CRLF, leading blanks, tabs and ideographic spaces, a comment
     * right after the date or the word, no final newline. */
    deadline_calendar *cal = parse_ok("\xEF\xBB\xBF# 示例\r\n"
                                      "  2026-10-01\t休\t国庆节\r\n"
                                      "2026-10-02\xE3\x80\x80holiday\xE3\x80\x80# 国庆\n"
                                      "\t\n"
                                      "2026-10-05#国庆\n"
                                      "2026-10-06 休#\n"
                                      "2026-10-10 workday   text after the word\n"
                                      "2026-10-11 班");
    assert_true(deadline_rest_day(cal, at("2026-10-01T12:00:00+08:00")));
    assert_true(deadline_rest_day(cal, at("2026-10-02T12:00:00+08:00")));
    assert_true(deadline_rest_day(cal, at("2026-10-05T12:00:00+08:00")));
    assert_true(deadline_rest_day(cal, at("2026-10-06T12:00:00+08:00")));
    assert_false(deadline_rest_day(cal, at("2026-10-07T12:00:00+08:00")));
    assert_false(deadline_rest_day(cal, at("2026-10-10T12:00:00+08:00")));
    assert_false(deadline_rest_day(cal, at("2026-10-11T12:00:00+08:00")));
    deadline_calendar_free(cal);
    /* An empty file, or one of comments: the weekends alone. */
    static const char *const empty[] = {"", "\n", "# nothing\n\n  # still nothing"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        cal = parse_ok(empty[i]);
        assert_true(deadline_rest_day(cal, at("2026-10-10T12:00:00+08:00")));
        assert_false(deadline_rest_day(cal, at("2026-10-01T12:00:00+08:00")));
        deadline_calendar_free(cal);
    }
}

/* ---- the text of a last day --------------------------------------------------------------- */

static void test_format_end(void **state)
{
    (void)state;
    char zh[DEADLINE_TEXT_MAX], en[DEADLINE_TEXT_MAX];
    deadline_format_end(zh, en, at("2026-11-29T00:00:00+08:00"));
    assert_string_equal(zh, "2026年11月28日24时");
    assert_string_equal(en, "24:00 on 2026-11-28 (Beijing time)");
    deadline_format_end(zh, en, deadline_days_end(NULL, at("2026-11-26T15:00:00+08:00"), 2, false));
    assert_string_equal(zh, "2026年11月30日24时");
    assert_string_equal(en, "24:00 on 2026-11-30 (Beijing time)");
    deadline_format_end(zh, en, at("2027-01-06T00:00:00+08:00"));
    assert_string_equal(zh, "2027年1月5日24时");
    assert_string_equal(en, "24:00 on 2027-01-05 (Beijing time)");
    /* Far away: clamped, never cut. */
    const int64_t far[] = {INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < 2; i++) {
        deadline_format_end(zh, en, far[i]);
        assert_non_null(strstr(zh, "24时"));
        assert_non_null(strstr(en, "(Beijing time)"));
    }
}

/* ---- against a reference ------------------------------------------------------------------ */

/* A day-by-day reference on the C library's calendar: days since 1970 in
 * Beijing time, weekdays from gmtime_r(), months with timegm(). */
typedef struct ref_date {
    int64_t day;
    bool workday;
} ref_date;

static int64_t ref_day(int64_t t)
{
    int64_t x = t + 8 * 3600000LL;
    return x >= 0 ? x / 86400000 : -((-x + 86399999) / 86400000);
}

static int64_t ref_end(int64_t day)
{
    return (day + 1) * 86400000LL - 8 * 3600000LL;
}

static bool ref_rest(const ref_date *dates, size_t n, int64_t day)
{
    for (size_t i = 0; i < n; i++) {
        if (dates[i].day == day)
            return !dates[i].workday;
    }
    time_t s = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&s, &tm);
    return tm.tm_wday == 0 || tm.tm_wday == 6;
}

static int64_t ref_days_end(const ref_date *dates, size_t nd, int64_t t, unsigned n, bool wd)
{
    int64_t day = ref_day(t);
    if (n == 0)
        return ref_end(day);
    if (wd) {
        while (n > 0) {
            day++;
            if (!ref_rest(dates, nd, day))
                n--;
        }
        return ref_end(day);
    }
    day += n;
    while (ref_rest(dates, nd, day))
        day++;
    return ref_end(day);
}

static int64_t ref_months_end(const ref_date *dates, size_t nd, int64_t t, unsigned n)
{
    int64_t day = ref_day(t);
    if (n == 0)
        return ref_end(day);
    time_t s = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&s, &tm);
    int mday = tm.tm_mday;
    /* The first of the month n months on, then its last day by stepping
     * back from the first of the month after. */
    struct tm first = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon + (int)n, .tm_mday = 1};
    struct tm next = first;
    next.tm_mon++;
    int64_t d0 = (int64_t)timegm(&first) / 86400, d1 = (int64_t)timegm(&next) / 86400;
    int64_t last = d0 + mday - 1 < d1 - 1 ? d0 + mday - 1 : d1 - 1;
    while (ref_rest(dates, nd, last))
        last++;
    return ref_end(last);
}

static void test_against_reference(void **state)
{
    (void)state;
    int64_t base = calendar_days_from_civil(2025, 1, 1);
    for (int round = 0; round < 200; round++) {
        /* Up to 60 listed dates in three years; working days on weekends. */
        ref_date dates[60];
        size_t nd = 0;
        char text[60 * 24 + 1];
        size_t len = 0;
        size_t want = (size_t)tu_rng_below(61);
        while (nd < want) {
            int64_t day = base + (int64_t)tu_rng_below(3 * 365);
            bool dup = false;
            for (size_t i = 0; i < nd; i++)
                dup |= dates[i].day == day;
            if (dup)
                continue;
            time_t s = (time_t)(day * 86400);
            struct tm tm;
            gmtime_r(&s, &tm);
            bool weekend = tm.tm_wday == 0 || tm.tm_wday == 6;
            dates[nd].day = day;
            dates[nd].workday = weekend && tu_rng_below(2) == 0;
            len += (size_t)snprintf(text + len, sizeof text - len, "%04d-%02d-%02d %s\n",
                                    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                                    dates[nd].workday ? "班" : "休");
            nd++;
        }
        deadline_calendar *cal = NULL;
        lh_err err = {{0}};
        tu_assert_code(deadline_calendar_parse(text, len, &cal, &err), 0, &err);
        for (int k = 0; k < 50; k++) {
            int64_t t = (base - 30 + (int64_t)tu_rng_below(3 * 365)) * 86400000LL +
                        (int64_t)tu_rng_below(86400000) - 8 * 3600000LL;
            unsigned n = (unsigned)tu_rng_below(k < 40 ? 40 : 400);
            assert_int_equal(deadline_rest_day(cal, t), ref_rest(dates, nd, ref_day(t)));
            assert_int_equal(deadline_days_end(cal, t, n, false),
                             ref_days_end(dates, nd, t, n, false));
            assert_int_equal(deadline_days_end(cal, t, n, true),
                             ref_days_end(dates, nd, t, n, true));
            assert_int_equal(deadline_days_end(NULL, t, n, true),
                             ref_days_end(NULL, 0, t, n, true));
            assert_int_equal(deadline_months_end(cal, t, n % 40),
                             ref_months_end(dates, nd, t, n % 40));
        }
        deadline_calendar_free(cal);
    }
}

int main(void)
{
    tu_rng_seed(0x646561646c696e65); /* "deadline" */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_last_day_weekend_moves),
        cmocka_unit_test(test_days_event_day_not_counted),
        cmocka_unit_test(test_days_utc_is_next_day_in_beijing),
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_months_agree_with_calendar),
        cmocka_unit_test(test_holidays_rest_days),
        cmocka_unit_test(test_holidays_move_last_day),
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_extremes),
        cmocka_unit_test(test_days_overdue),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_parse_accepts),
        cmocka_unit_test(test_format_end),
        cmocka_unit_test(test_against_reference),
    };
    return cmocka_run_group_tests_name("deadline", tests, NULL, NULL);
}
