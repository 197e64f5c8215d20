/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * finding.c — the sentences of the rules' findings and the finding itself
 * (finding.h).
 *
 * Durations are shown in days, hours and minutes as the regulations count
 * deadlines ("2日内", "1个月内"), down to seconds or milliseconds only when
 * that is what makes a lateness visible.
 */
#include "finding.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "calendar.h"
#include "cite.h"

#define SECOND_MS CALENDAR_SECOND_MS
#define MINUTE_MS CALENDAR_MINUTE_MS
#define HOUR_MS   CALENDAR_HOUR_MS
#define DAY_MS    CALENDAR_DAY_MS

/*
 * The rules' ids. Their articles are docs/regulation.md's, kept with their
 * titles in one table (report_rule_article()); what each article asks:
 *   R1   时间、地点、人物、方式、内容等全面、如实记录
 *   R2   应向局机关法规部门报告
 *   R3   受理后2日内转送有权部门
 *   R4   及时受理，并负责答复
 *   R5   指派调查组调查，再作出处理决定
 *   R6   经机关领导集体讨论
 *   R7   行政责任追究的种类和方式
 *   R8   1个月内责令重新组织调查
 *   R9   书面形式提出；口头提出的由办案人员记录在案
 *   R10  全程留痕；不记录或者不如实记录
 *   R11  如实记录
 *   R12  不记录：首次警告、通报批评；两次以上移送纪检监察机关；主管领导授意的追究责任
 *   R13  回避（被投诉人、干预人不参与调查、讨论、决定）
 *   R14  报经批准后予以通报
 *   R15  法制机构对报告的干预开展调查处理
 *   R16  结案后不再追加记录（更正、申诉、责令重新调查除外）
 *   R17  不得对如实记录的办案人员打击报复
 */
static const char *const rule_ids[18] = {
    "",   "R1",  "R2",  "R3",  "R4",  "R5",  "R6",  "R7",  "R8",
    "R9", "R10", "R11", "R12", "R13", "R14", "R15", "R16", "R17",
};

/* ---- sentences ------------------------------------------------------------------------------- */

void finding_text_init(finding_text *b)
{
    b->s[0] = '\0';
    b->len = 0;
    b->cut = false;
}

void finding_printf(finding_text *b, const char *fmt, ...)
{
    static const char ellipsis[] = "…";
    if (b->cut)
        return;
    size_t room = sizeof b->s - b->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->s[b->len] = '\0';
        return;
    }
    if ((size_t)n < room - (sizeof ellipsis - 1)) {
        b->len += (size_t)n;
        return;
    }
    /* Cut: keep room for the ellipsis, then back up to the start of a
     * character (a byte that is not 10xxxxxx) and drop that character,
     * which may be incomplete. */
    size_t end = sizeof b->s - sizeof ellipsis;
    if (end < b->len)
        end = b->len;
    while (end > b->len && ((unsigned char)b->s[end] & 0xC0) == 0x80)
        end--;
    memcpy(b->s + end, ellipsis, sizeof ellipsis);
    b->len = end + sizeof ellipsis - 1;
    b->cut = true;
}

void finding_list_add(finding_text *zh, finding_text *en, int *n, const char *item_zh,
                      const char *item_en)
{
    finding_printf(zh, "%s%s", *n > 0 ? "、" : "", item_zh);
    finding_printf(en, "%s%s", *n > 0 ? ", " : "", item_en);
    (*n)++;
}

/* ---- what sentences quote -------------------------------------------------------------------- */

void finding_cite(finding_text *zh, finding_text *en, const char *ref)
{
    char c[CITE_MAX];
    cite_zh_short(c, sizeof c, ref);
    finding_printf(zh, "%s", c);
    cite_en(c, sizeof c, ref);
    finding_printf(en, "%s", c);
}

void finding_duration_unit(char zh[64], char en[64], int64_t ms, int64_t unit)
{
    static const struct {
        int64_t ms;
        const char *zh, *en;
    } parts[] = {
        {DAY_MS, "天", "d"},    {HOUR_MS, "小时", "h"}, {MINUTE_MS, "分钟", "min"},
        {SECOND_MS, "秒", "s"}, {1, "毫秒", "ms"},
    };
    if (ms < 0)
        ms = 0;
    while (unit > 1 && ms < unit)
        unit = unit == MINUTE_MS ? SECOND_MS : 1;
    size_t zl = 0, el = 0;
    zh[0] = en[0] = '\0';
    for (size_t i = 0; i < sizeof parts / sizeof parts[0] && parts[i].ms >= unit; i++) {
        int64_t n = ms / parts[i].ms;
        ms %= parts[i].ms;
        if (n == 0 && !(parts[i].ms == unit && zl == 0))
            continue;
        int z = snprintf(zh + zl, 64 - zl, "%" PRId64 "%s", n, parts[i].zh);
        int e = snprintf(en + el, 64 - el, "%s%" PRId64 " %s", el > 0 ? " " : "", n, parts[i].en);
        if (z < 0 || e < 0 || (size_t)z >= 64 - zl || (size_t)e >= 64 - el)
            return;
        zl += (size_t)z;
        el += (size_t)e;
    }
}

void finding_duration(char zh[64], char en[64], int64_t ms)
{
    finding_duration_unit(zh, en, ms, MINUTE_MS);
}

int64_t finding_unit_over(int64_t ms, int64_t threshold)
{
    if (ms / MINUTE_MS > threshold / MINUTE_MS)
        return MINUTE_MS;
    if (ms / SECOND_MS > threshold / SECOND_MS)
        return SECOND_MS;
    return 1;
}

void finding_ordinal(char out[24], uint32_t n)
{
    const char *suffix = "th";
    if (n % 100 < 11 || n % 100 > 13) {
        if (n % 10 == 1)
            suffix = "st";
        else if (n % 10 == 2)
            suffix = "nd";
        else if (n % 10 == 3)
            suffix = "rd";
    }
    snprintf(out, 24, "%" PRIu32 "%s", n, suffix);
}

void finding_hash_short(char out[20], const uint8_t *hash, size_t len)
{
    if (len < 8) {
        snprintf(out, 20, "(%zu bytes)", len);
        return;
    }
    sodium_bin2hex(out, 17, hash, 8);
    memcpy(out + 16, "…", sizeof "…");
}

/* ---- the finding ----------------------------------------------------------------------------- */

int finding_add(report *rep, int rule, uint64_t index, const char *case_id, const char *author,
                const finding_text *zh, const finding_text *en)
{
    report_item it = {
        .cls = REPORT_FINDING,
        .check = rule_ids[rule],
        .index = index,
        .case_id = case_id,
        .author = author,
        .article = report_rule_article(rule_ids[rule]),
        .zh = zh->s,
        .en = en->s,
    };
    return report_add(rep, &it);
}
