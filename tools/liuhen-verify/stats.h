/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * stats.h — counts over the verified matters of a period (matters.h),
 * grouped by quarter (of the matter's date, Beijing time), by person (the
 * 记录人: the holder of the key that signed the matter, which the
 * verifier checked; the interferers are counted as "repeat interferers"
 * whatever the grouping) or by B§10 category (an interference with two
 * categories counts in both; complaints and decisions have none: "—").
 *
 * In each group: interference records, by B§10 category; repeat
 * interferers (the same name and B§2 relation more than once); complaints
 * by A§5 source and by outcome; wrongful cases by fault (the A§6 conducts
 * of the case's complaint) and by A§11 sanction; overdue items
 * (openitems.h, as of the scope's time), by what is pending.
 *
 * One row per (group, measure, value) with its count, groups in order
 * (quarters and names sorted), measures in the order above.
 */
#ifndef LIUHEN_VERIFY_STATS_H
#define LIUHEN_VERIFY_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "matters.h"

typedef enum stats_by {
    STATS_BY_QUARTER,
    STATS_BY_PERSON,
    STATS_BY_UNIT,
    STATS_BY_CATEGORY,
} stats_by;

typedef struct stats_row {
    const char *group, *measure, *value;
    uint64_t count;
} stats_row;

typedef struct stats stats;

/** "quarter", "person", "category". @return 0, LH_EINVAL. */
int stats_by_parse(const char *name, stats_by *out);

/** Count. @param[out] out  freed with stats_free(). @return 0, LH_ENOMEM. */
int stats_compute(const matters *m, const matters_scope *s, stats_by by, stats **out);
void stats_free(stats *st);

size_t stats_rows(const stats *st);
const stats_row *stats_row_at(const stats *st, size_t i);
/** The groups, in order, and the interference records of each (the chart's bars). */
size_t stats_groups(const stats *st);
const char *stats_group(const stats *st, size_t i);
uint64_t stats_group_interference(const stats *st, size_t i);
/** What the groups are, in words ("quarter", "recorder", "B§10 category"). */
const char *stats_by_text(stats_by by);
stats_by stats_grouping(const stats *st);

/** Print: the title and aligned columns, or CSV. @return 0, LH_ENOMEM. */
int stats_print(FILE *f, const stats *st, const matters_scope *s, bool csv);

#endif
