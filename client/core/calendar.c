/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * calendar.c — the calendar of calendar.h.
 */
#include "calendar.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quote.h"

/* Bytes of a typed time quoted in a message: enough to recognise it. */
#define QUOTE_MAX 64
#define QUOTE_CAP (QUOTE_MAX * 4 + 8)

int64_t calendar_clamp(int64_t t)
{
    return t > CALENDAR_TIME_BOUND    ? CALENDAR_TIME_BOUND
           : t < -CALENDAR_TIME_BOUND ? -CALENDAR_TIME_BOUND
                                      : t;
}

int64_t calendar_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool calendar_leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int calendar_days_in_month(int64_t y, int64_t m)
{
    static const int8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && calendar_leap_year(y) ? 29 : days[m - 1];
}

int64_t calendar_days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = calendar_floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void calendar_civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = calendar_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t calendar_month_end(int64_t t)
{
    int64_t y, m, d;
    calendar_civil_from_days(
        calendar_floor_div(calendar_clamp(t) + CALENDAR_CST_OFFSET_MS, CALENDAR_DAY_MS), &y, &m,
        &d);
    if (++m > 12) {
        m = 1;
        y++;
    }
    if (d > calendar_days_in_month(y, m))
        d = calendar_days_in_month(y, m);
    return (calendar_days_from_civil(y, m, d) + 1) * CALENDAR_DAY_MS - CALENDAR_CST_OFFSET_MS;
}

/* ------------------------------------------------------------------------
 * Times typed by people.
 */

int calendar_time_error(lh_err *err, const char *where, const char *text, const char *why,
                        bool list_forms)
{
    if (err == NULL)
        return LH_EFIELD;
    char shown[QUOTE_CAP], msg[LH_ERR_MSG_MAX * 2];
    quote_escape(shown, sizeof shown, text, strlen(text), QUOTE_MAX, true);
    snprintf(msg, sizeof msg, "%s%s'%s' %s%s", where != NULL ? where : "",
             where != NULL ? ": " : "", shown, why,
             list_forms ? " (accepted: " CALENDAR_TIME_FORMS ")" : "");
    return quote_err_set(err, LH_EFIELD, msg);
}

bool calendar_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Unix milliseconds from a string of digits: "0" (not stated) or a time
 * after 1973, so that seconds typed for milliseconds are caught. */
static int time_from_digits(const char *where, const char *s, int64_t *ms, lh_err *err)
{
    uint64_t v = 0;
    for (const char *p = s; *p != '\0'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > ((uint64_t)INT64_MAX - d) / 10)
            return calendar_time_error(err, where, s,
                                       "is out of range (0 to 9223372036854775807 ms)", false);
        v = v * 10 + d;
    }
    if (v != 0 && v < (uint64_t)CALENDAR_MS_PLAUSIBLE_MIN)
        return calendar_time_error(err, where, s,
                                   "is before March 1973 in milliseconds: if it is in seconds, "
                                   "multiply it by 1000",
                                   false);
    *ms = (int64_t)v;
    return 0;
}

bool calendar_zone_local(void)
{
    const char *z = getenv("LIUHEN_TZ");
    return z != NULL && strcmp(z, "local") == 0;
}

/* A time without an offset, as the person who typed it reads a clock: in
 * Beijing time, or with LIUHEN_TZ=local in the machine's zone, where
 * mktime() applies TZ and its daylight-saving rules. A time it had to move
 * (in a spring-forward gap) does not exist there: refuse it rather than
 * record another one. */
static int local_seconds(const char *where, const char *s, int y, int mo, int d, int h, int mi,
                         int sec, int64_t *out, lh_err *err)
{
    if (!calendar_zone_local()) {
        *out = calendar_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 +
               sec - CALENDAR_CST_OFFSET_MS / CALENDAR_SECOND_MS;
        return 0;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    errno = 0;
    time_t t = mktime(&tm);
    if (t == (time_t)-1 && errno != 0)
        return calendar_time_error(err, where, s, "cannot be converted from local time", false);
    if (tm.tm_year != y - 1900 || tm.tm_mon != mo - 1 || tm.tm_mday != d || tm.tm_hour != h ||
        tm.tm_min != mi || tm.tm_sec != sec)
        return calendar_time_error(
            err, where, s, "does not exist in the local time zone (a daylight-saving gap)", false);
    *out = (int64_t)t;
    return 0;
}

int64_t calendar_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct timespec calendar_realtime_after(int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

int calendar_parse_time(const char *where, const char *s, int64_t *ms, lh_err *err)
{
    if (s == NULL || ms == NULL)
        return lh_err_set(err, LH_EINVAL, "calendar_parse_time: NULL argument");
    size_t len = strlen(s);
    if (strcmp(s, "now") == 0) {
        struct timespec ts;
        if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
            int e = errno;
            return lh_err_set(err, -e, "%s%sthe system clock cannot be read: %s",
                              where != NULL ? where : "", where != NULL ? ": " : "", strerror(e));
        }
        *ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        return 0;
    }
    if (len > 0 && strspn(s, "0123456789") == len)
        return time_from_digits(where, s, ms, err);

    /* ISO 8601: YYYY-MM-DD, then optionally [T ]HH:MM[:SS[.fff]][zone]. */
    int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
    if (len < 10 || !calendar_digits(s, 4, &y) || s[4] != '-' || !calendar_digits(s + 5, 2, &mo) ||
        s[7] != '-' || !calendar_digits(s + 8, 2, &d))
        return calendar_time_error(err, where, s, "is not a time", true);
    const char *p = s + 10;
    bool has_zone = false;
    int zone_sign = 1, zh = 0, zm = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        if (!calendar_digits(p + 1, 2, &h) || p[3] != ':' || !calendar_digits(p + 4, 2, &mi))
            return calendar_time_error(err, where, s, "is not a time: after the date comes HH:MM",
                                       true);
        p += 6;
        if (*p == ':') {
            if (!calendar_digits(p + 1, 2, &sec))
                return calendar_time_error(err, where, s, "is not a time: seconds are two digits",
                                           true);
            p += 3;
            if (*p == '.' || *p == ',') {
                size_t n = strspn(p + 1, "0123456789");
                if (n == 0 || n > 3)
                    return calendar_time_error(
                        err, where, s, "is not a time: a fraction of a second has 1 to 3 digits",
                        true);
                calendar_digits(p + 1, n, &frac);
                for (size_t k = n; k < 3; k++)
                    frac *= 10;
                p += 1 + n;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            has_zone = true;
            p++;
        } else if (*p == '+' || *p == '-') {
            has_zone = true;
            zone_sign = *p == '-' ? -1 : 1;
            if (!calendar_digits(p + 1, 2, &zh))
                return calendar_time_error(err, where, s, "is not a time: the UTC offset is +HH:MM",
                                           true);
            p += 3;
            if (*p == ':') {
                if (!calendar_digits(p + 1, 2, &zm))
                    return calendar_time_error(err, where, s,
                                               "is not a time: the UTC offset is +HH:MM", true);
                p += 3;
            } else if (calendar_digits(p, 2, &zm)) {
                p += 2;
            }
        }
    }
    if (*p != '\0')
        return calendar_time_error(err, where, s, "is not a time", true);
    if (y < 1970)
        return calendar_time_error(err, where, s, "is before 1970", false);
    if (mo < 1 || mo > 12 || d < 1 || d > calendar_days_in_month(y, mo))
        return calendar_time_error(err, where, s, "is not a date of the calendar", false);
    if (h > 23 || mi > 59 || sec > 59)
        return calendar_time_error(err, where, s, "is not a time of day (00:00:00 to 23:59:59)",
                                   false);
    if (zh > 14 || zm > 59 || (zh == 14 && zm > 0))
        return calendar_time_error(err, where, s, "has a UTC offset beyond -14:00 to +14:00",
                                   false);

    int64_t secs = 0;
    if (has_zone) {
        secs = calendar_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + sec -
               (int64_t)zone_sign * (zh * 3600 + zm * 60);
    } else {
        int rc = local_seconds(where, s, y, mo, d, h, mi, sec, &secs, err);
        if (rc != 0)
            return rc;
    }
    if (secs < 0)
        return calendar_time_error(err, where, s, "is before 1970", false);
    *ms = secs * 1000 + frac;
    return 0;
}

/* ------------------------------------------------------------------------
 * Times shown to people.
 */

/* Broken-down UTC time of (ms + offset), or false when out of range. */
static bool broken_down(int64_t ms, int64_t offset, struct tm *tm, int *millis)
{
    ms = calendar_clamp(ms);
    int64_t secs = calendar_floor_div(ms + offset, CALENDAR_SECOND_MS);
    *millis = (int)(ms + offset - secs * CALENDAR_SECOND_MS);
    time_t t = (time_t)secs;
    return gmtime_r(&t, tm) != NULL;
}

const char *calendar_format_cst(char out[CALENDAR_TEXT_MAX], int64_t ms)
{
    struct tm tm;
    int millis;
    if (!broken_down(ms, CALENDAR_CST_OFFSET_MS, &tm, &millis))
        snprintf(out, CALENDAR_TEXT_MAX, "%" PRId64 " ms", ms);
    else
        snprintf(out, CALENDAR_TEXT_MAX, "%04lld-%02d-%02d %02d:%02d:%02d +08:00",
                 (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec);
    return out;
}

const char *calendar_format_local(char out[CALENDAR_TEXT_MAX], int64_t ms)
{
    if (ms == 0) {
        snprintf(out, CALENDAR_TEXT_MAX, "—");
        return out;
    }
    if (!calendar_zone_local())
        return calendar_format_cst(out, ms);
    time_t t = (time_t)calendar_floor_div(calendar_clamp(ms), CALENDAR_SECOND_MS);
    struct tm tm;
    char date[32], zone[8];
    if (localtime_r(&t, &tm) == NULL ||
        strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm) == 0 ||
        strftime(zone, sizeof zone, "%z", &tm) == 0) {
        snprintf(out, CALENDAR_TEXT_MAX, "%" PRId64 " ms", ms);
        return out;
    }
    /* Seconds are precise enough for people; JSON keeps the milliseconds. */
    snprintf(out, CALENDAR_TEXT_MAX, "%s %s", date, zone);
    return out;
}

const char *calendar_format_utc(char out[CALENDAR_TEXT_MAX], int64_t ms)
{
    struct tm tm;
    int millis;
    if (!broken_down(ms, 0, &tm, &millis))
        snprintf(out, CALENDAR_TEXT_MAX, "%" PRId64, ms);
    else
        snprintf(out, CALENDAR_TEXT_MAX, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                 (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec, millis);
    return out;
}
