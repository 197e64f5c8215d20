/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_calendar.c — calendar.h: times typed by people, the civil calendar,
 * the month of A§10(3) as the Civil Code counts it, and times shown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "calendar.h"

/* 2026-05-20 14:30:00 Beijing time. */
#define T_1430 INT64_C(1779258600000)

static int setup(void **state)
{
    (void)state;
    /* Every local time of these tests is Beijing time, UTC+8 without
     * daylight saving; the POSIX rule says the same when tzdata is
     * missing. */
    setenv("TZ", access("/usr/share/zoneinfo/Asia/Shanghai", R_OK) == 0 ? "Asia/Shanghai" : "CST-8",
           1);
    tzset();
    return 0;
}

static void test_parse_time(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t want;
    } ok[] = {
        {"2026-05-20T14:30:00+08:00", T_1430},
        {"2026-05-20T06:30:00Z", T_1430},
        {"2026-05-20t06:30z", T_1430},
        {"2026-05-20T06:30:00+00:00", T_1430},
        {"2026-05-20 14:30:00+0800", T_1430},
        {"2026-05-20T14:30+08", T_1430},
        {"2026-05-20T14:30:00-05:30", INT64_C(1779307200000)},
        /* Local time: TZ is Asia/Shanghai here (setup()). */
        {"2026-05-20 14:30", T_1430},
        {"2026-05-20 14:30:00", T_1430},
        {"2026-05-20T14:30:00", T_1430},
        {"2026-05-20T14:30:05.250", INT64_C(1779258605250)},
        {"2026-05-20T14:30:05,25", INT64_C(1779258605250)},
        {"2026-05-20 14:30:05.2+08:00", INT64_C(1779258605200)},
        {"2026-05-20", INT64_C(1779206400000)},
        {"2024-02-29T23:59:59+08:00", INT64_C(1709222399000)},
        {"1970-01-01T08:00:00+08:00", 0},
        {"1779258600000", T_1430},
        {"0", 0},
        {"100000000000", INT64_C(100000000000)},
        {"9223372036854775807", INT64_MAX},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t ms = -1;
        lh_err err = {{0}};
        int rc = calendar_parse_time(NULL, ok[i].text, &ms, &err);
        if (rc != 0)
            fail_msg("'%s': %s: %s", ok[i].text, lh_errname(rc), err.msg);
        if (ms != ok[i].want)
            fail_msg("'%s': got %lld, want %lld", ok[i].text, (long long)ms, (long long)ok[i].want);
    }
    /* "now" is the clock. */
    struct timespec a, b;
    int64_t now = 0;
    clock_gettime(CLOCK_REALTIME, &a);
    assert_int_equal(calendar_parse_time(NULL, "now", &now, NULL), 0);
    clock_gettime(CLOCK_REALTIME, &b);
    assert_true(now >= (int64_t)a.tv_sec * 1000 + a.tv_nsec / 1000000);
    assert_true(now <= (int64_t)b.tv_sec * 1000 + b.tv_nsec / 1000000);

    static const struct {
        const char *text;
        const char *needle;
    } bad[] = {
        {"", "'' is not a time (accepted: unix ms, 2026-05-20T14:30:00+08:00, 2026-05-20 "
             "14:30[:SS] (Beijing time), 2026-05-20 (its midnight) or now)"},
        {"yesterday", "'yesterday' is not a time"},
        {"2026/05/20", "is not a time"},
        {"20260520", "is before March 1973 in milliseconds"},
        {"1779258600", "if it is in seconds, multiply it by 1000"},
        {"-1", "is not a time"},
        {"9223372036854775808", "is out of range (0 to 9223372036854775807 ms)"},
        {"99999999999999999999999", "is out of range"},
        {"2026-5-20", "is not a time"},
        {"2026-05-20T14", "after the date comes HH:MM"},
        {"2026-05-20T14:3", "after the date comes HH:MM"},
        {"2026-05-20T14:30:5", "seconds are two digits"},
        {"2026-05-20T14:30:05.", "1 to 3 digits"},
        {"2026-05-20T14:30:05.1234", "1 to 3 digits"},
        {"2026-05-20T14:30+8", "the UTC offset is +HH:MM"},
        {"2026-05-20T14:30+08:0", "the UTC offset is +HH:MM"},
        {"2026-05-20T14:30+15:00", "UTC offset beyond"},
        {"2026-05-20T14:30+14:30", "UTC offset beyond"},
        {"2026-05-20T14:30+08:60", "UTC offset beyond"},
        {"2026-05-20T14:30:00+08:00 ", "is not a time"},
        {"2026-05-20Z", "is not a time"},
        {"2026-05-20 ", "after the date comes HH:MM"},
        {"2026-13-01", "is not a date of the calendar"},
        {"2026-00-10", "is not a date of the calendar"},
        {"2026-02-29", "is not a date of the calendar"},
        {"2026-04-31", "is not a date of the calendar"},
        {"2026-05-00", "is not a date of the calendar"},
        {"2026-05-20T24:00", "is not a time of day"},
        {"2026-05-20T23:60", "is not a time of day"},
        {"2026-05-20T23:59:60", "is not a time of day"},
        {"1969-12-31", "is before 1970"},
        {"1970-01-01T07:59:59+08:00", "is before 1970"},
        {"1970-01-01", "is before 1970"}, /* local midnight in Beijing is 1969 in UTC */
        {"now ", "is not a time"},
        {"2026-05-20T14:30\n", "'2026-05-20T14:30\\x0a' is not a time"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t ms = 42;
        lh_err err = {{0}};
        int rc = calendar_parse_time(NULL, bad[i].text, &ms, &err);
        if (rc != LH_EFIELD)
            fail_msg("'%s': got %s (%s), want LH_EFIELD", bad[i].text, lh_errname(rc), err.msg);
        assert_int_equal(ms, 42);
        if (strstr(err.msg, bad[i].needle) == NULL)
            fail_msg("'%s': message \"%s\" lacks \"%s\"", bad[i].text, err.msg, bad[i].needle);
        assert_true(strlen(err.msg) < LH_ERR_MSG_MAX);
    }
    assert_int_equal(calendar_parse_time(NULL, NULL, &now, NULL), LH_EINVAL);
    assert_int_equal(calendar_parse_time(NULL, "now", NULL, NULL), LH_EINVAL);

    /* A local time in a daylight-saving gap does not exist; one an hour
     * later does. A POSIX rule, so that no tzdata is needed. */
    setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
    setenv("LIUHEN_TZ", "local", 1);
    tzset();
    lh_err err = {{0}};
    int64_t ms = 42;
    assert_int_equal(calendar_parse_time(NULL, "2026-03-08 02:30", &ms, &err), LH_EFIELD);
    assert_non_null(strstr(err.msg, "does not exist in the local time zone"));
    assert_int_equal(calendar_parse_time(NULL, "2026-03-08 03:30", &ms, &err), 0);
    assert_int_equal(ms, INT64_C(1772955000000));
    char out[CALENDAR_TEXT_MAX];
    assert_string_equal(calendar_format_local(out, ms), "2026-03-08 03:30:00 -0400");

    /* By default, whatever TZ says, people's times are Beijing time: the
     * gap of the machine's zone does not matter, and the offset is shown. */
    unsetenv("LIUHEN_TZ");
    assert_int_equal(calendar_parse_time(NULL, "2026-03-08 02:30", &ms, &err), 0);
    assert_int_equal(ms, INT64_C(1772908200000));
    assert_string_equal(calendar_format_local(out, ms), "2026-03-08 02:30:00 +08:00");
    assert_int_equal(calendar_parse_time(NULL, "2026-03-08", &ms, &err), 0);
    assert_string_equal(calendar_format_local(out, ms), "2026-03-08 00:00:00 +08:00");
    setenv("TZ", access("/usr/share/zoneinfo/Asia/Shanghai", R_OK) == 0 ? "Asia/Shanghai" : "CST-8",
           1);
    tzset();
}

/* Days from 1970-01-01 and back, across leap years and centuries. */
static void test_civil(void **state)
{
    (void)state;
    assert_int_equal(calendar_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(calendar_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(calendar_days_from_civil(1969, 12, 31), -1);
    for (int64_t z = -800000; z <= 800000; z += 7919) {
        int64_t y, m, d;
        calendar_civil_from_days(z, &y, &m, &d);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= calendar_days_in_month(y, m));
        assert_int_equal(calendar_days_from_civil(y, m, d), z);
    }
    assert_true(calendar_leap_year(2000));
    assert_false(calendar_leap_year(1900));
    assert_true(calendar_leap_year(2024));
    assert_int_equal(calendar_days_in_month(2026, 2), 28);
    assert_int_equal(calendar_days_in_month(2024, 2), 29);
    assert_int_equal(calendar_days_in_month(2026, 13), 0);
    assert_int_equal(calendar_floor_div(-1, 1000), -1);
    assert_int_equal(calendar_floor_div(1999, 1000), 1);
    assert_int_equal(calendar_clamp(INT64_MAX), CALENDAR_TIME_BOUND);
    assert_int_equal(calendar_clamp(INT64_MIN), -CALENDAR_TIME_BOUND);
}

/* A§10(3)'s month: the corresponding day of the next month at 24:00 Beijing
 * time, or that month's last day. */
static void test_month_end(void **state)
{
    (void)state;
    static const struct {
        const char *from, *end;
    } cases[] = {
        {"2026-04-10T09:00:00+08:00", "2026-05-11T00:00:00+08:00"},
        {"2026-04-10T00:00:00+08:00", "2026-05-11T00:00:00+08:00"},
        {"2026-04-10T23:59:59+08:00", "2026-05-11T00:00:00+08:00"},
        {"2026-01-31T12:00:00+08:00", "2026-03-01T00:00:00+08:00"},
        {"2024-01-31T12:00:00+08:00", "2024-03-01T00:00:00+08:00"},
        {"2024-01-30T12:00:00+08:00", "2024-03-01T00:00:00+08:00"},
        {"2024-01-28T12:00:00+08:00", "2024-02-29T00:00:00+08:00"},
        {"2026-12-15T12:00:00+08:00", "2027-01-16T00:00:00+08:00"},
        /* 20:00 UTC on the 9th is already the 10th in Beijing. */
        {"2026-04-09T20:00:00Z", "2026-05-11T00:00:00+08:00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t from, end;
        assert_int_equal(calendar_parse_time(NULL, cases[i].from, &from, NULL), 0);
        assert_int_equal(calendar_parse_time(NULL, cases[i].end, &end, NULL), 0);
        if (calendar_month_end(from) != end)
            fail_msg("%s: month ends at %lld, want %s (%lld)", cases[i].from,
                     (long long)calendar_month_end(from), cases[i].end, (long long)end);
    }
}

static void test_format(void **state)
{
    (void)state;
    char buf[CALENDAR_TEXT_MAX];
    assert_string_equal(calendar_format_cst(buf, T_1430), "2026-05-20 14:30:00 +08:00");
    assert_string_equal(calendar_format_cst(buf, 0), "1970-01-01 08:00:00 +08:00");
    assert_string_equal(calendar_format_cst(buf, -1), "1970-01-01 07:59:59 +08:00");
    assert_string_equal(calendar_format_utc(buf, T_1430 + 7), "2026-05-20T06:30:00.007Z");
    assert_string_equal(calendar_format_utc(buf, -1), "1969-12-31T23:59:59.999Z");
    assert_string_equal(calendar_format_local(buf, T_1430), "2026-05-20 14:30:00 +08:00");
    setenv("LIUHEN_TZ", "local", 1); /* TZ is Asia/Shanghai here (setup()) */
    assert_string_equal(calendar_format_local(buf, T_1430), "2026-05-20 14:30:00 +0800");
    unsetenv("LIUHEN_TZ");
    assert_string_equal(calendar_format_local(buf, 0), "—");
    /* Far beyond any date: clamped, never a crash or an overflow. */
    assert_true(strlen(calendar_format_cst(buf, INT64_MAX)) > 0);
    assert_true(strlen(calendar_format_utc(buf, INT64_MIN)) > 0);
}

/* A deadline for pthread_cond_timedwait() lies the asked milliseconds
 * after the wall clock read before it, with its nanoseconds normalised
 * (a carry into the seconds). */
static void test_realtime_after(void **state)
{
    (void)state;
    static const int64_t ms[] = {0, 1, 250, 999, 1000, 1999, 86400 * INT64_C(1000)};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        struct timespec before;
        clock_gettime(CLOCK_REALTIME, &before);
        struct timespec until = calendar_realtime_after(ms[i]);
        assert_true(until.tv_nsec >= 0 && until.tv_nsec < 1000000000L);
        int64_t early = (int64_t)before.tv_sec * 1000000000 + before.tv_nsec + ms[i] * 1000000;
        int64_t got = (int64_t)until.tv_sec * 1000000000 + until.tv_nsec;
        assert_true(got >= early);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_time),     cmocka_unit_test(test_civil),
        cmocka_unit_test(test_month_end),      cmocka_unit_test(test_format),
        cmocka_unit_test(test_realtime_after),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
