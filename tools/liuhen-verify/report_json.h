/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_json.h — a finished report as one JSON document (liuhen-verify
 * --json): origin, tree_size, root, verdict, counts (by check), facts, the
 * failures and the findings as lists of objects (check, index, case_id,
 * author, article, zh, en) and whether the lists were truncated.
 *
 * Private to the report: report.c calls it from report_finish().
 */
#ifndef LIUHEN_VERIFY_REPORT_JSON_H
#define LIUHEN_VERIFY_REPORT_JSON_H

#include <stdio.h>

#include "report.h"

/**
 * Print r as JSON on f, streamed: one line per member of the top level and
 * one per failure or finding, so that memory does not grow with their number.
 * @return 0, LH_ENOMEM (the document is then incomplete).
 * @note Write errors are left in f's error indicator for the caller.
 */
int report_json_write(const report *r, FILE *f);

#endif
