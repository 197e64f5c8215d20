/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * finding.h — how the regulation rules (rules.h) write a finding: two
 * bounded sentences, one in Chinese and one in English, with the lists,
 * durations, ordinals and short hashes they quote, reported under the
 * rule's id ("R1".."R12") and its article of docs/regulation.md
 * (report_rule_article()).
 *
 * No allocation: a sentence is a fixed buffer on the caller's stack. What
 * reaches the report is always valid UTF-8, whatever the names quoted: an
 * append that does not fit is cut at a character boundary.
 */
#ifndef LIUHEN_VERIFY_FINDING_H
#define LIUHEN_VERIFY_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

/**
 * Room for one sentence of a finding. Sentences quote at most a few names
 * and case ids of bounded length; a longer one is cut at a character
 * boundary and ends with "…".
 */
#define FINDING_SENTENCE_MAX 2048

/**
 * A bounded sentence. An append that does not fit is cut at a UTF-8
 * character boundary, "…" ends the sentence and later appends are dropped.
 */
typedef struct finding_text {
    char s[FINDING_SENTENCE_MAX]; /* NUL-terminated */
    size_t len;                   /* strlen(s) */
    bool cut;                     /* an append did not fit: s ends with "…" */
} finding_text;

/** Make b the empty sentence. */
void finding_text_init(finding_text *b);

/** Append to b as printf() would, within FINDING_SENTENCE_MAX (see finding_text). */
void finding_printf(finding_text *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * Append an item to a list in both languages: "、" between Chinese items,
 * ", " between English ones.
 * @param[in,out] n  the items in the lists so far; incremented.
 */
void finding_list_add(finding_text *zh, finding_text *en, int *n, const char *item_zh,
                      const char *item_en);

/**
 * A duration in both languages, "2天3小时5分钟" and "2 d 3 h 5 min", its
 * non-zero parts down to `unit` (CALENDAR_MINUTE_MS, CALENDAR_SECOND_MS or
 * 1). A duration shorter than the unit is shown in the largest unit it
 * fills (seconds, else milliseconds), so that nothing late reads as 0.
 * Negative durations are shown as 0.
 */
void finding_duration_unit(char zh[64], char en[64], int64_t ms, int64_t unit);

/** A duration in minutes (seconds or milliseconds when shorter). */
void finding_duration(char zh[64], char en[64], int64_t ms);

/**
 * The coarsest unit in which a duration shows as more than a threshold it
 * exceeds: "1 d 5 s", not "1 d", for 24 h and 5 s against 24 h.
 * @return CALENDAR_MINUTE_MS, CALENDAR_SECOND_MS or 1, for finding_duration_unit().
 */
int64_t finding_unit_over(int64_t ms, int64_t threshold);

/**
 * Append the citation of a reference list to a sentence in each language
 * (cite.h): "B§12" gives "干预记录制度第十二条" in Chinese (the short name,
 * which the report's legend spells out) and "Art. 12 of the Interference
 * Recording Rules" in English. A text that is not a reference list
 * ("参照《行政处罚法》第四十三条") is appended as it is.
 */
void finding_cite(finding_text *zh, finding_text *en, const char *ref);

/** An English ordinal: "2nd", "3rd", "11th". */
void finding_ordinal(char out[24], uint32_t n);

/**
 * Hex of the first 8 bytes of a hash, for sentences: "3fa2…"; "(N bytes)"
 * when it has fewer.
 */
void finding_hash_short(char out[20], const uint8_t *hash, size_t len);

/**
 * Report a finding of rule R`rule` (1 to 12) with its article.
 * @param[in] case_id, author  as report_item has them; borrowed.
 * @return report_add()'s code.
 */
int finding_add(report *rep, int rule, uint64_t index, const char *case_id, const char *author,
                const finding_text *zh, const finding_text *en);

#endif
