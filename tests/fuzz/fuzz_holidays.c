/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_holidays.c — deadline_calendar_parse() (client/core/deadline.h) on
 * the input as a holiday file, then the periods counted with the calendar
 * it gives.
 *
 * Invariants: a refusal has a known code and a UTF-8 sentence, and for a
 * refused line the sentence starts "line N: " with N a line of the input;
 * the output is NULL on error and set on success; parsing is
 * deterministic. A calendar read says of every plain line
 * ("YYYY-MM-DD" at the start of the line, then nothing, a comment or one
 * of the four words after blanks) what that line says, read here
 * independently; every period it gives ends on a day that is not a rest
 * day, after the rest days that moved it, and a working-day period holds
 * exactly n working days; no period ends before its event's day does.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "deadline.h"
#include "fuzz.h"

/* The day of a plain line, and whether it says a working day; false for a
 * line this independent reading does not decide. */
static bool fuzz_plain_line(const uint8_t *s, size_t len, int64_t *day, bool *workday)
{
    if (len > 0 && s[len - 1] == '\r')
        len--;
    if (len < 10)
        return false;
    int v[3] = {0, 0, 0};
    static const size_t at[3] = {0, 5, 8}, width[3] = {4, 2, 2};
    for (int k = 0; k < 3; k++) {
        for (size_t i = at[k]; i < at[k] + width[k]; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            v[k] = v[k] * 10 + (s[i] - '0');
        }
    }
    if (s[4] != '-' || s[7] != '-')
        return false;
    size_t i = 10;
    if (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '#')
        return false;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    *workday = false;
    if (i < len && s[i] != '#') {
        static const struct {
            const char *word;
            bool workday;
        } words[] = {{"休", false}, {"holiday", false}, {"班", true}, {"workday", true}};
        size_t k = 0, n = sizeof words / sizeof words[0];
        for (; k < n; k++) {
            size_t w = strlen(words[k].word);
            if (len - i >= w && memcmp(s + i, words[k].word, w) == 0 &&
                (len - i == w || s[i + w] == ' ' || s[i + w] == '\t' || s[i + w] == '#'))
                break;
        }
        if (k == n)
            return false;
        *workday = words[k].workday;
    }
    *day = calendar_days_from_civil(v[0], v[1], v[2]);
    return true;
}

/* Noon of a day, Beijing time. */
static int64_t fuzz_noon(int64_t day)
{
    return day * CALENDAR_DAY_MS - CALENDAR_CST_OFFSET_MS + 12 * CALENDAR_HOUR_MS;
}

/* The periods of n days and months from the day: where they end. */
static void fuzz_periods(const deadline_calendar *cal, int64_t day, unsigned n)
{
    int64_t t = fuzz_noon(day);
    int64_t day_end = fuzz_noon(day + 1) - 12 * CALENDAR_HOUR_MS;
    for (int wd = 0; wd < 2; wd++) {
        int64_t end = deadline_days_end(cal, t, n, wd != 0);
        FUZZ_CHECK(end >= day_end);
        FUZZ_CHECK((end - day_end) % CALENDAR_DAY_MS == 0);
        FUZZ_CHECK(deadline_days_overdue(end, end) == 0);
        FUZZ_CHECK(deadline_days_overdue(end, end + 1) == 1);
        if (n == 0) {
            FUZZ_CHECK(end == day_end);
            continue;
        }
        FUZZ_CHECK(!deadline_rest_day(cal, end - 1));
        unsigned working = 0;
        for (int64_t u = day_end + 12 * CALENDAR_HOUR_MS; u < end; u += CALENDAR_DAY_MS) {
            bool rest = deadline_rest_day(cal, u);
            working += !rest;
            /* Calendar days: the n-th day and those after it, up to the
             * last, are the rest days that moved the last day. */
            if (wd == 0 && u > day_end + (int64_t)(n - 1) * CALENDAR_DAY_MS &&
                u < end - CALENDAR_DAY_MS)
                FUZZ_CHECK(rest);
        }
        if (wd != 0)
            FUZZ_CHECK(working == n);
        else
            FUZZ_CHECK(end >= day_end + (int64_t)n * CALENDAR_DAY_MS);
    }
    int64_t mend = deadline_months_end(cal, t, n);
    FUZZ_CHECK(mend >= day_end && (mend - day_end) % CALENDAR_DAY_MS == 0);
    FUZZ_CHECK(n == 0 || !deadline_rest_day(cal, mend - 1));
    char zh[DEADLINE_TEXT_MAX], en[DEADLINE_TEXT_MAX];
    deadline_format_end(zh, en, mend);
    FUZZ_CHECK(text_utf8_valid((const uint8_t *)zh, strlen(zh)) && strstr(zh, "24时") != NULL);
    FUZZ_CHECK(strstr(en, "24:00 on ") == en);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';

    deadline_calendar *cal = NULL, *again = NULL;
    lh_err err = {{0}}, err2 = {{0}};
    int rc = deadline_calendar_parse((const char *)data, size, &cal, &err);
    int rc2 = deadline_calendar_parse((const char *)data, size, &again, &err2);
    FUZZ_CHECK(rc == rc2);
    deadline_calendar_free(again);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(cal == NULL);
        FUZZ_CHECK(strcmp(err.msg, err2.msg) == 0);
        if (rc == LH_EPARSE || rc == LH_EUTF8 || rc == LH_ECTRL) {
            unsigned long no = 0;
            FUZZ_CHECK(sscanf(err.msg, "line %lu: ", &no) == 1);
            FUZZ_CHECK(no >= 1 && no <= lines);
        }
        return 0;
    }
    FUZZ_CHECK(cal != NULL);

    /* What every plain line says; the first listed day anchors the periods. */
    bool any = false;
    int64_t first = 0;
    size_t pos = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t eol = nl != NULL ? (size_t)(nl - data) : size;
        int64_t day;
        bool workday;
        if (fuzz_plain_line(data + pos, eol - pos, &day, &workday)) {
            FUZZ_CHECK(deadline_rest_day(cal, fuzz_noon(day)) == !workday);
            if (!any) {
                any = true;
                first = day;
            }
        }
        pos = eol + 1;
    }
    unsigned n = size > 0 ? data[size - 1] % 40 : 2;
    int64_t base = any ? first : calendar_days_from_civil(2026, 11, 26);
    for (int64_t d = base - 3; d <= base + 3; d++)
        fuzz_periods(cal, d, n);
    deadline_calendar_free(cal);
    return 0;
}
