/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * deadline.c — the periods of deadline.h, on the civil calendar of
 * calendar.h. Days are counted as whole Beijing-time days since 1970-01-01
 * ("day numbers"); a calendar is a sorted array of the dates its holiday
 * file lists, searched by bisection.
 */
#include "deadline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "quote.h"
#include "text.h"

/* One listed date: a holiday (a rest day) or a 调休 working day. */
typedef struct deadline_date {
    int64_t day;
    bool workday;
} deadline_date;

struct deadline_calendar {
    size_t n;
    deadline_date dates[]; /* sorted by day, each day once */
};

/* The last day a period may end on: its end, 24:00 of that day, is within
 * CALENDAR_TIME_BOUND. */
#define LAST_DAY_MAX ((CALENDAR_TIME_BOUND + CALENDAR_CST_OFFSET_MS) / CALENDAR_DAY_MS - 1)

/* Bytes of a line's text quoted in a message. */
#define SHOWN_MAX 32
#define SHOWN_CAP (4 * SHOWN_MAX + 8)

static const char *const weekday_names[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                             "Thursday", "Friday", "Saturday"};

/* The Beijing-time day of t. */
static int64_t deadline_day_of(int64_t t)
{
    return calendar_floor_div(calendar_clamp(t) + CALENDAR_CST_OFFSET_MS, CALENDAR_DAY_MS);
}

/* The day of an event, kept where the end of a period of it can be
 * written (an event at the very bound itself counts from the day before). */
static int64_t deadline_event_day(int64_t t)
{
    int64_t day = deadline_day_of(t);
    return day < LAST_DAY_MAX ? day : LAST_DAY_MAX;
}

/* 24:00 of the day, as unix ms. */
static int64_t deadline_day_end(int64_t day)
{
    return (day + 1) * CALENDAR_DAY_MS - CALENDAR_CST_OFFSET_MS;
}

/* 0 for Sunday to 6 for Saturday: 1970-01-01 was a Thursday. */
static int deadline_weekday(int64_t day)
{
    return (int)(day - calendar_floor_div(day + 4, 7) * 7 + 4);
}

static bool deadline_weekend(int64_t day)
{
    int wd = deadline_weekday(day);
    return wd == 0 || wd == 6;
}

/* The index of the first listed date after day (cal->n when none). */
static size_t deadline_first_after(const deadline_calendar *cal, int64_t day)
{
    size_t lo = 0, hi = cal->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->dates[mid].day <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whether the day is a rest day: a listed date says so, or else the
 * weekend. */
static bool deadline_rest(const deadline_calendar *cal, int64_t day)
{
    if (cal != NULL && cal->n > 0) {
        size_t i = deadline_first_after(cal, day);
        if (i > 0 && cal->dates[i - 1].day == day)
            return !cal->dates[i - 1].workday;
    }
    return deadline_weekend(day);
}

bool deadline_rest_day(const deadline_calendar *cal, int64_t t_ms)
{
    return deadline_rest(cal, deadline_day_of(t_ms));
}

/* 第二百零三条: a last day that is a rest day gives way to the first day
 * after the rest days. Runs of rest days are at most the listed dates and
 * the weekends around them. */
static int64_t deadline_move_past_rest(const deadline_calendar *cal, int64_t last)
{
    while (last < LAST_DAY_MAX && deadline_rest(cal, last))
        last++;
    return last;
}

/* The n-th working day after day. Seven days in a row without a listed date
 * hold five working days, so whole weeks before the next listed date are
 * skipped at once: the walk takes about seven steps per listed date, not
 * one per day. */
static int64_t deadline_nth_working_day(const deadline_calendar *cal, int64_t day, unsigned n)
{
    int64_t cur = day;
    uint64_t left = n;
    while (left > 0 && cur < LAST_DAY_MAX) {
        int64_t next = LAST_DAY_MAX;
        if (cal != NULL) {
            size_t i = deadline_first_after(cal, cur);
            if (i < cal->n && cal->dates[i].day < next)
                next = cal->dates[i].day;
        }
        if (left > 5) {
            int64_t weeks = (next - 1 - cur) / 7;
            if (weeks > (int64_t)((left - 1) / 5))
                weeks = (int64_t)((left - 1) / 5);
            if (weeks > 0) {
                cur += 7 * weeks;
                left -= 5 * (uint64_t)weeks;
            }
        }
        cur++;
        if (!deadline_rest(cal, cur))
            left--;
    }
    return cur;
}

int64_t deadline_days_end(const deadline_calendar *cal, int64_t t_ms, unsigned n, bool working_days)
{
    int64_t day = deadline_event_day(t_ms);
    if (n == 0)
        return deadline_day_end(day);
    if (working_days)
        return deadline_day_end(deadline_nth_working_day(cal, day, n));
    /* 第二百零一条: day 1 is the day after the event's. */
    int64_t last = day + (int64_t)n;
    if (last > LAST_DAY_MAX)
        last = LAST_DAY_MAX;
    return deadline_day_end(deadline_move_past_rest(cal, last));
}

int64_t deadline_months_end(const deadline_calendar *cal, int64_t t_ms, unsigned n)
{
    int64_t day = deadline_event_day(t_ms);
    if (n == 0)
        return deadline_day_end(day);
    int64_t y, m, d;
    calendar_civil_from_days(day, &y, &m, &d);
    /* Months since year 0, then back to a year and a month; a year past
     * the bound's is not converted: the period ends at the bound. */
    int64_t months = y * 12 + (m - 1) + (int64_t)n;
    int64_t ly = calendar_floor_div(months, 12), lm = months - ly * 12 + 1;
    int64_t y_max, m_max, d_max;
    calendar_civil_from_days(LAST_DAY_MAX, &y_max, &m_max, &d_max);
    int64_t last = LAST_DAY_MAX;
    if (ly <= y_max) {
        /* 第二百零二条: the corresponding day, or the month's last. */
        int dim = calendar_days_in_month(ly, lm);
        last = calendar_days_from_civil(ly, lm, d < dim ? d : dim);
        if (last > LAST_DAY_MAX)
            last = LAST_DAY_MAX;
    }
    return deadline_day_end(deadline_move_past_rest(cal, last));
}

void deadline_format_end(char zh[DEADLINE_TEXT_MAX], char en[DEADLINE_TEXT_MAX], int64_t end_ms)
{
    int64_t y, m, d;
    calendar_civil_from_days(deadline_day_of(calendar_clamp(end_ms) - 1), &y, &m, &d);
    snprintf(zh, DEADLINE_TEXT_MAX, "%lld年%lld月%lld日24时", (long long)y, (long long)m,
             (long long)d);
    snprintf(en, DEADLINE_TEXT_MAX, "24:00 on %04lld-%02lld-%02lld (Beijing time)", (long long)y,
             (long long)m, (long long)d);
}

int64_t deadline_days_overdue(int64_t end_ms, int64_t t_ms)
{
    end_ms = calendar_clamp(end_ms);
    t_ms = calendar_clamp(t_ms);
    if (t_ms <= end_ms)
        return 0;
    /* The days whose 00:00 lies in [end_ms, t_ms]. */
    return deadline_day_of(t_ms) - deadline_day_of(end_ms - 1);
}

/* ------------------------------------------------------------------------
 * The holiday file.
 */

/* A date as read, with its line for the messages. */
typedef struct deadline_pending {
    int64_t day;
    unsigned long line;
    bool workday;
} deadline_pending;

/* The text of one line being read. */
typedef struct deadline_line {
    const uint8_t *s;
    size_t len;
    unsigned long no;
} deadline_line;

static const char *deadline_kind_name(bool workday)
{
    return workday ? "a working day (班)" : "a holiday (休)";
}

/* The white space at s[*i], stepped over; false (and *i unchanged) when
 * there is none. */
static bool deadline_skip_space(const deadline_line *ln, size_t *i)
{
    bool any = false;
    while (*i < ln->len) {
        size_t j = *i;
        uint32_t cp = text_utf8_next(ln->s, ln->len, &j);
        if (!text_is_space(cp))
            break;
        *i = j;
        any = true;
    }
    return any;
}

/* The end of the word at s[i]: the next white space, '#' or the end. */
static size_t deadline_word_end(const deadline_line *ln, size_t i)
{
    while (i < ln->len && ln->s[i] != '#') {
        size_t j = i;
        if (text_is_space(text_utf8_next(ln->s, ln->len, &j)))
            break;
        i = j;
    }
    return i;
}

/* "line N: " and the sentence, cut to fit (a quoted text may be long). */
__attribute__((format(printf, 4, 5))) static int
deadline_line_error(lh_err *err, int code, const deadline_line *ln, const char *fmt, ...)
{
    char msg[LH_ERR_MSG_MAX * 2];
    int n = snprintf(msg, sizeof msg, "line %lu: ", ln->no);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    return quote_err_set(err, code, msg);
}

/* Every character of the line is UTF-8, neither a control (a tab aside) nor
 * hidden: a line must read as what it says. */
static int deadline_check_chars(const deadline_line *ln, lh_err *err)
{
    size_t i = 0;
    while (i < ln->len) {
        size_t at = i;
        uint32_t cp = text_utf8_next(ln->s, ln->len, &i);
        if (cp == TEXT_NOT_UTF8)
            return lh_err_set(err, LH_EUTF8, "line %lu: byte %zu (0x%02x) is not UTF-8", ln->no,
                              at + 1, ln->s[at]);
        if (cp != '\t' && text_is_control(cp))
            return lh_err_set(err, LH_ECTRL, "line %lu: a control character (U+%04X) at byte %zu",
                              ln->no, (unsigned)cp, at + 1);
        if (text_is_hidden(cp))
            return lh_err_set(err, LH_ECTRL,
                              "line %lu: a hidden character (U+%04X) at byte %zu changes how "
                              "the line reads",
                              ln->no, (unsigned)cp, at + 1);
    }
    return 0;
}

/* One line: nothing (blank or a comment), or a date and its kind. */
static int deadline_parse_line(const deadline_line *ln, deadline_pending *out, bool *has,
                               lh_err *err)
{
    *has = false;
    int rc = deadline_check_chars(ln, err);
    if (rc != 0)
        return rc;
    size_t i = 0;
    deadline_skip_space(ln, &i);
    if (i == ln->len || ln->s[i] == '#')
        return 0;

    char shown[SHOWN_CAP];
    size_t end = deadline_word_end(ln, i);
    const char *p = (const char *)ln->s + i;
    int y, m, d;
    if (end - i < 10 || !calendar_digits(p, 4, &y) || p[4] != '-' ||
        !calendar_digits(p + 5, 2, &m) || p[7] != '-' || !calendar_digits(p + 8, 2, &d)) {
        quote_escape(shown, sizeof shown, p, end - i, SHOWN_MAX, true);
        return deadline_line_error(err, LH_EPARSE, ln, "'%s' is not a date YYYY-MM-DD", shown);
    }
    quote_escape(shown, sizeof shown, p, 10, SHOWN_MAX, false);
    if (end - i > 10)
        return deadline_line_error(err, LH_EPARSE, ln,
                                   "after the date %s comes white space, then 休 or 班 (or "
                                   "holiday, workday)",
                                   shown);
    if (m < 1 || m > 12)
        return deadline_line_error(err, LH_EPARSE, ln, "%s is not a date: there is no month %d",
                                   shown, m);
    if (d < 1 || d > calendar_days_in_month(y, m))
        return deadline_line_error(err, LH_EPARSE, ln, "%s is not a date: %04d-%02d has %d days",
                                   shown, y, m, calendar_days_in_month(y, m));
    if (y < 1970)
        return deadline_line_error(err, LH_EPARSE, ln, "%s is before 1970", shown);
    int64_t day = calendar_days_from_civil(y, m, d);
    i = end;

    bool workday = false;
    if (deadline_skip_space(ln, &i) && i < ln->len && ln->s[i] != '#') {
        size_t wend = deadline_word_end(ln, i);
        const char *w = (const char *)ln->s + i;
        size_t wlen = wend - i;
#define WORD_IS(lit) (wlen == sizeof(lit) - 1 && memcmp(w, lit, wlen) == 0)
        if (WORD_IS("班") || WORD_IS("workday")) {
            workday = true;
        } else if (!(WORD_IS("休") || WORD_IS("holiday"))) {
            char word[SHOWN_CAP];
            quote_escape(word, sizeof word, w, wlen, SHOWN_MAX, true);
            return deadline_line_error(err, LH_EPARSE, ln,
                                       "unknown word '%s' after the date: 休 or holiday (a "
                                       "holiday), 班 or workday (a working day); a comment "
                                       "starts with #",
                                       word);
        }
#undef WORD_IS
    }
    if (workday && !deadline_weekend(day))
        return deadline_line_error(err, LH_EPARSE, ln,
                                   "%s is a %s: a 调休 working day (班) is a Saturday or Sunday",
                                   shown, weekday_names[deadline_weekday(day)]);
    out->day = day;
    out->line = ln->no;
    out->workday = workday;
    *has = true;
    return 0;
}

static int deadline_pending_cmp(const void *a, const void *b)
{
    const deadline_pending *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* A date listed twice: the pair whose second line comes first in the file,
 * so that the message names the first line to fix. */
static int deadline_check_repeats(const deadline_pending *p, size_t n, lh_err *err)
{
    size_t worst = 0;
    for (size_t i = 1; i < n; i++) {
        if (p[i].day == p[i - 1].day && (worst == 0 || p[i].line < p[worst].line))
            worst = i;
    }
    if (worst == 0)
        return 0;
    const deadline_pending *a = &p[worst - 1], *b = &p[worst];
    int64_t y, m, d;
    calendar_civil_from_days(b->day, &y, &m, &d);
    if (a->workday == b->workday)
        return lh_err_set(err, LH_EPARSE,
                          "line %lu: %04lld-%02lld-%02lld is listed already, on "
                          "line %lu",
                          b->line, (long long)y, (long long)m, (long long)d, a->line);
    return lh_err_set(err, LH_EPARSE,
                      "line %lu: %04lld-%02lld-%02lld is %s here but %s on line %lu: a date is "
                      "one or the other",
                      b->line, (long long)y, (long long)m, (long long)d,
                      deadline_kind_name(b->workday), deadline_kind_name(a->workday), a->line);
}

/* The calendar of the n dates read, sorted and checked. */
static int deadline_commit(const deadline_pending *p, size_t n, deadline_calendar **out,
                           lh_err *err)
{
    deadline_calendar *cal = malloc(sizeof *cal + n * sizeof cal->dates[0]);
    if (cal == NULL)
        return lh_err_set(err, LH_ENOMEM, "a holiday file: out of memory");
    cal->n = n;
    for (size_t i = 0; i < n; i++) {
        cal->dates[i].day = p[i].day;
        cal->dates[i].workday = p[i].workday;
    }
    *out = cal;
    return 0;
}

int deadline_calendar_parse(const char *text, size_t len, deadline_calendar **out, lh_err *err)
{
    if (out == NULL || (text == NULL && len > 0))
        return lh_err_set(err, LH_EINVAL, "deadline_calendar_parse: NULL argument");
    *out = NULL;
    if (len > DEADLINE_FILE_MAX)
        return lh_err_set(err, LH_ETOOBIG, "a holiday file has at most %u bytes: this one has %zu",
                          DEADLINE_FILE_MAX, len);
    const uint8_t *s = (const uint8_t *)text;
    size_t pos = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;

    /* A date takes 10 bytes and its line ends in a newline, except the
     * last one. */
    size_t cap = len / 11 + 1;
    deadline_pending *p = malloc(cap * sizeof *p);
    if (p == NULL)
        return lh_err_set(err, LH_ENOMEM, "a holiday file: out of memory");
    size_t n = 0;
    int rc = 0;
    deadline_line ln = {.no = 0};
    while (pos < len) {
        const uint8_t *nl = memchr(s + pos, '\n', len - pos);
        size_t eol = nl != NULL ? (size_t)(nl - s) : len;
        ln.s = s + pos;
        ln.len = eol - pos;
        ln.no++;
        if (ln.len > 0 && ln.s[ln.len - 1] == '\r')
            ln.len--;
        deadline_pending one;
        bool has;
        rc = deadline_parse_line(&ln, &one, &has, err);
        if (rc != 0)
            break;
        if (has) {
            if (n == cap) {
                rc = lh_err_set(err, LH_EINTERNAL, "a holiday file: more dates than bytes allow");
                break;
            }
            p[n++] = one;
        }
        pos = eol + 1;
    }
    if (rc == 0) {
        qsort(p, n, sizeof *p, deadline_pending_cmp);
        rc = deadline_check_repeats(p, n, err);
    }
    if (rc == 0)
        rc = deadline_commit(p, n, out, err);
    free(p);
    return rc;
}

void deadline_calendar_free(deadline_calendar *cal)
{
    free(cal);
}
