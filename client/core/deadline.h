/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * deadline.h — how the regulations' periods are counted: the Civil Code's
 * rules on periods (民法典 第二百零一条 to 第二百零三条) in Beijing time
 * (China Standard Time, UTC+8, calendar.h), with the statutory rest days of
 * an optional holiday file, and the working-day reading of short periods.
 *
 *   - 第二百零一条: the day of the event is not counted; the period starts
 *     the next day.
 *   - 第二百零二条: a period in months ends on the corresponding day of its
 *     last month, or on that month's last day when it has no such day.
 *   - 第二百零三条: a last day that is a statutory rest day (法定休假日)
 *     gives way to the day after the rest day (or days) ends; a period ends
 *     at 24:00 of its last day.
 *   - The working-day reading (cf. 行政处罚法 第八十五条, as practice reads
 *     short periods): "2日" is 2 working days, and the last day is the 2nd
 *     working day after the event's day.
 *
 * Rest days are Saturdays and Sundays, unless a holiday file says
 * otherwise: its holidays (法定节假日) are rest days too, and its 调休
 * working days (a Saturday or Sunday made a working day) are not rest days.
 * liuhen ships no list of holidays as truth: the State Council publishes
 * them year by year, and the inspector brings the file.
 *
 * Holiday file (UTF-8 text):
 *
 *     # 2026 (an example)
 *     2026-10-01 休 国庆节
 *     2026-10-02 holiday
 *     2026-10-05
 *     2026-10-10 班 国庆调休
 *
 *   - one date a line, YYYY-MM-DD (years 1970 to 9999), optionally
 *     followed by white space and a word: `休` or `holiday`, a statutory
 *     holiday (also what a date alone means); `班` or `workday`, a 调休
 *     working day, which must be a Saturday or a Sunday;
 *   - `#` starts a comment, and so does whatever follows the word after
 *     white space; blank lines are ignored; white space is any Unicode
 *     White_Space (the ideographic space U+3000 included); lines end in LF
 *     or CRLF; a UTF-8 byte order mark at the start is skipped;
 *   - a date listed twice, or both as a holiday and a working day, is an
 *     error; so are control characters (other than tab) and the hidden
 *     characters that change how a line reads (text_is_hidden());
 *   - at most DEADLINE_FILE_MAX bytes.
 *
 * Times are unix milliseconds, clamped to +-CALENDAR_TIME_BOUND as in
 * calendar.h; no sum overflows, whatever the arguments. Everything here
 * is pure (no I/O, no clock, no globals) and thread-safe; a calendar is
 * read-only once parsed and may be shared between threads.
 */
#ifndef LIUHEN_DEADLINE_H
#define LIUHEN_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

/** The largest holiday file parsed, in bytes (a century of holidays with
 *  their names is about 100 KiB). */
#define DEADLINE_FILE_MAX (1u << 20)

/** Room for each text of deadline_format_end(), with its NUL. */
#define DEADLINE_TEXT_MAX 64

/** The statutory rest days and 调休 working days of a holiday file. */
typedef struct deadline_calendar deadline_calendar;

/**
 * Read a holiday file's text (the format above).
 * @param[in]  text  len bytes, borrowed for the call; need not end in NUL.
 * @param[out] out   the calendar, freed with deadline_calendar_free(); NULL
 *                   on error.
 * @param[out] err   optional: the line number and what is wrong with it
 *                   ("line 7: 2026-02-30 is not a date: 2026-02 has 28
 *                   days").
 * @return 0; LH_EPARSE (a line that is not a date and a word, a date that
 *         does not exist or is before 1970, an unknown word, a working day
 *         that is not a Saturday or Sunday, a date listed twice or both
 *         ways); LH_EUTF8; LH_ECTRL (a control or hidden character);
 *         LH_ETOOBIG (more than DEADLINE_FILE_MAX bytes); LH_ENOMEM;
 *         LH_EINVAL (out NULL, or text NULL with len > 0).
 */
int deadline_calendar_parse(const char *text, size_t len, deadline_calendar **out, lh_err *err);

/** Free a calendar. Accepts NULL. */
void deadline_calendar_free(deadline_calendar *cal);

/**
 * Whether the Beijing-time calendar day containing t_ms is a statutory rest
 * day.
 * @param[in] cal  a holiday file's calendar, or NULL: Saturdays and Sundays.
 */
bool deadline_rest_day(const deadline_calendar *cal, int64_t t_ms);

/**
 * The end of a period of n days counted from the event at t_ms.
 * @param[in] cal           rest days; NULL: Saturdays and Sundays.
 * @param[in] working_days  false: calendar days, the last day being the
 *                          n-th day after the event's day (第二百零一条),
 *                          moved past rest days (第二百零三条); true: the
 *                          last day is the n-th working day after the
 *                          event's day.
 * @param[in] n             the days, 1 or more; 0 gives the end of the
 *                          event's own day, as it is.
 * @return the instant the period ends, exclusive: 24:00 of its last day
 *         (00:00 Beijing time the next day), unix ms. Periods reaching
 *         past CALENDAR_TIME_BOUND end at the last whole day before it.
 */
int64_t deadline_days_end(const deadline_calendar *cal, int64_t t_ms, unsigned n,
                          bool working_days);

/**
 * The end of a period of n months counted from the event at t_ms: its last
 * day is the day of the n-th month after the event's that corresponds to
 * the event's date, or that month's last day (第二百零二条: 01-31 and one
 * month give 02-28, or 02-29), moved past rest days (第二百零三条).
 * @param[in] cal  rest days; NULL: Saturdays and Sundays.
 * @param[in] n    the months, 1 or more; 0 gives the end of the event's own
 *                 day, as it is.
 * @return as deadline_days_end().
 */
int64_t deadline_months_end(const deadline_calendar *cal, int64_t t_ms, unsigned n);

/**
 * The last day of a period, as a lawyer writes it: zh "2026年11月28日24时",
 * en "24:00 on 2026-11-28 (Beijing time)".
 * @param[in]  end_ms  an end that deadline_days_end() or
 *                     deadline_months_end() returned: the last day is the
 *                     Beijing-time day of the millisecond before it.
 * @param[out] zh, en  DEADLINE_TEXT_MAX bytes each, NUL-terminated.
 */
void deadline_format_end(char zh[DEADLINE_TEXT_MAX], char en[DEADLINE_TEXT_MAX], int64_t end_ms);

/**
 * The whole days by which t_ms is past the end of a period: the
 * Beijing-time calendar days that begin at or after end_ms and by t_ms.
 * For an end at 24:00 on 11-30, 00:00:00.001 to 23:59:59.999 on 12-01 are
 * overdue by 1 day, 00:00 on 12-02 by 2.
 * @return 0 when t_ms <= end_ms; otherwise 1 or more.
 */
int64_t deadline_days_overdue(int64_t end_ms, int64_t t_ms);

#endif
