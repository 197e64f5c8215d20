/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * timeline.h — an entry's row in the HTML report's case timelines
 * (report_timeline_add()): the label of its kind in Chinese and English
 * and one line of its main fields (who, what, the enum values by their
 * Chinese labels), so that an inspector reads a case as it unfolded.
 */
#ifndef LIUHEN_VERIFY_TIMELINE_H
#define LIUHEN_VERIFY_TIMELINE_H

#include <stdint.h>

#include "liuhen.pb-c.h"
#include "report.h"

/**
 * Add the row of the entry at `index` to its case's timeline.
 * @param[in] integrated_at  the log's clock for the entry.
 * @param[in] e       a validated entry (validate_entry()) of a case.
 * @param[in] author  its author's holder name at that index.
 * @return report_timeline_add()'s code.
 */
int timeline_add(report *rep, uint64_t index, int64_t integrated_at, const Liuhen__Entry *e,
                 const char *author);

#endif
