/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_text.h — a finished report as human text (liuhen-verify without
 * --json): the summary of what was checked, the verdict, the failures in
 * order of arrival and the findings grouped by case; with --quiet, only the
 * verdict and one line of counts. Chinese first, then English, on each line.
 *
 * Private to the report: report.c calls it from report_finish().
 */
#ifndef LIUHEN_VERIFY_REPORT_TEXT_H
#define LIUHEN_VERIFY_REPORT_TEXT_H

#include <stdio.h>

#include "report.h"
#include "report_view.h"

/**
 * Print r as text on f.
 * @param[in] v  r grouped by case (report_view_make()).
 * @note Write errors are left in f's error indicator for the caller.
 */
void report_text_write(const report *r, const report_view *v, FILE *f);

#endif
