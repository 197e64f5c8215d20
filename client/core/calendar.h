/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * calendar.h — dates and times of liuhen, in one place: the proleptic
 * Gregorian calendar on unix milliseconds, China Standard Time (the
 * bureau's time: UTC+8, no daylight saving since 1991), the periods the
 * regulations count in days and months, times typed by people, and times
 * shown to people.
 *
 * Times are unix milliseconds (liuhen.proto). The arithmetic functions
 * clamp every time to +-CALENDAR_TIME_BOUND first, so that no sum or
 * difference of two times, or of a time and a period, can overflow.
 *
 * Every function is pure except calendar_parse_time() ("now" reads the
 * clock; times without an offset read LIUHEN_TZ, and TZ with
 * LIUHEN_TZ=local) and calendar_format_local() (LIUHEN_TZ, TZ); all are
 * thread-safe.
 */
#ifndef LIUHEN_CALENDAR_H
#define LIUHEN_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "errors.h"

/** @name Durations in milliseconds */
/**@{*/
#define CALENDAR_SECOND_MS INT64_C(1000)
#define CALENDAR_MINUTE_MS (60 * CALENDAR_SECOND_MS)
#define CALENDAR_HOUR_MS   (60 * CALENDAR_MINUTE_MS)
#define CALENDAR_DAY_MS    (24 * CALENDAR_HOUR_MS)
/** China Standard Time is UTC+8. */
#define CALENDAR_CST_OFFSET_MS (8 * CALENDAR_HOUR_MS)
/** Times are clamped to +-2^50 ms (about +-35,000 years). */
#define CALENDAR_TIME_BOUND (INT64_C(1) << 50)
/**@}*/

/**
 * A unix time in milliseconds below this is before 1973-03-03: no record of
 * this ledger is that old, and it is what a time in seconds looks like.
 */
#define CALENDAR_MS_PLAUSIBLE_MIN INT64_C(100000000000)

/** The forms calendar_parse_time() accepts, for messages. */
#define CALENDAR_TIME_FORMS                                                                        \
    "unix ms, 2026-05-20T14:30:00+08:00, 2026-05-20 14:30[:SS] (Beijing time), 2026-05-20 (its "   \
    "midnight) or now"

/** Room for every calendar_format_*() result, with its NUL. */
#define CALENDAR_TEXT_MAX 48

/** The wall clock now, unix ms (what recorded_at and integrated_at hold). */
int64_t calendar_now_ms(void);

/**
 * The wall clock ms milliseconds from now (ms >= 0), as
 * pthread_cond_timedwait() takes a deadline (CLOCK_REALTIME).
 */
struct timespec calendar_realtime_after(int64_t ms);

/** t clamped to +-CALENDAR_TIME_BOUND. */
int64_t calendar_clamp(int64_t t);

/** a / b rounded towards minus infinity (b > 0). */
int64_t calendar_floor_div(int64_t a, int64_t b);

/** Whether y is a leap year of the Gregorian calendar. */
bool calendar_leap_year(int64_t y);

/**
 * Exactly n ASCII decimal digits at s, read into *out (n <= 9: no overflow).
 * @return false, *out untouched, when one of the n is not a digit.
 */
bool calendar_digits(const char *s, size_t n, int *out);

/** Days of month m (1..12) of year y. */
int calendar_days_in_month(int64_t y, int64_t m);

/**
 * Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar, and
 * back (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
 */
int64_t calendar_days_from_civil(int64_t y, int64_t m, int64_t d);
void calendar_civil_from_days(int64_t days, int64_t *y, int64_t *m, int64_t *d);

/**
 * The end of "one month" from t, in China Standard Time, as the Civil Code
 * counts periods (民法典 第二百零一条 to 第二百零三条): the day of t is not
 * counted, the period ends on the day of the next month that corresponds to
 * t's date, or on that month's last day when it has no such day, and the
 * last day ends at 24:00. t = 2026-04-10 gives 2026-05-10 24:00; t =
 * 2026-01-31 gives 2026-02-28 24:00. Holidays that would extend the last
 * day are not known here and are not applied.
 * @return unix ms of the instant the period ends.
 */
int64_t calendar_month_end(int64_t t);

/**
 * Read a time typed by a person as unix milliseconds, in one of these forms:
 *   - "1779258600000": unix milliseconds (a number below
 *     CALENDAR_MS_PLAUSIBLE_MIN would be before March 1973: it is refused as
 *     probably being seconds; "0" means "not stated", as everywhere in
 *     liuhen.proto);
 *   - "2026-05-20T14:30:00+08:00", "2026-05-20T06:30Z": ISO 8601 with a UTC
 *     offset (Z, +08:00, +0800 or +08), seconds and a fraction of 1 to 3
 *     digits optional, 'T' or a space between date and time;
 *   - "2026-05-20 14:30", "2026-05-20 14:30:05", "2026-05-20T14:30:05.250":
 *     the same without an offset, in Beijing time (UTC+8), or with
 *     LIUHEN_TZ=local in the machine's time zone (the TZ environment);
 *   - "2026-05-20": midnight starting that day, in the same zone;
 *   - "now": the system clock.
 * Years 1970 to 9999. A local time that does not exist (a daylight-saving
 * gap) is refused; one that occurs twice is taken as mktime() takes it.
 * @param[in]  where  what is being read, for the message ("--as-of",
 *                    "interference.occurred_at"); may be NULL.
 * @param[in]  text   NUL-terminated.
 * @param[out] ms     the time; untouched on error.
 * @param[out] err    optional: why, the text quoted, and the forms accepted.
 * @return 0; LH_EFIELD (no accepted form, a date or time out of range, a
 *         time before 1970 or beyond int64); LH_EINVAL (NULL argument).
 */
int calendar_parse_time(const char *where, const char *text, int64_t *ms, lh_err *err);

/**
 * The sentence of a time that cannot be taken: "WHERE: 'TEXT' WHY", and the
 * accepted forms when `list_forms`. For callers that read times in other
 * shapes (a JSON integer) and refuse them as calendar_parse_time() would.
 * @return LH_EFIELD.
 */
int calendar_time_error(lh_err *err, const char *where, const char *text, const char *why,
                        bool list_forms);

/** "2026-04-10 08:00:00 +08:00": t in China Standard Time. */
const char *calendar_format_cst(char out[CALENDAR_TEXT_MAX], int64_t ms);

/**
 * Whether people's times are in the machine's time zone: the environment
 * says LIUHEN_TZ=local. By default they are in Beijing time (UTC+8), the
 * bureau's, wherever the tool runs.
 */
bool calendar_zone_local(void);

/**
 * t as people read it, to the second: "2026-05-20 14:31:07 +08:00" in
 * Beijing time, or with LIUHEN_TZ=local "2026-05-20 14:31:07 +0800" in the
 * local time zone (TZ); "—" for 0 (not stated).
 */
const char *calendar_format_local(char out[CALENDAR_TEXT_MAX], int64_t ms);

/** "2026-05-20T06:31:07.000Z": RFC 3339 in UTC with milliseconds, for JSON. */
const char *calendar_format_utc(char out[CALENDAR_TEXT_MAX], int64_t ms);

#endif
