/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * inspector.h — what an inspector takes away besides the report: a
 * register (registers.h), statistics (stats.h, with a chart in the HTML
 * report: stats_svg.h) or the open items (openitems.h), on standard
 * output, computed from the entries the same run verified (matters.h).
 *
 * Integrity first: when the run found a failure (an altered, forged or
 * missing record, a broken chain...), nothing is printed but a refusal:
 * a register of a log that failed verification would look like a
 * register all the same once printed.
 */
#ifndef LIUHEN_VERIFY_INSPECTOR_H
#define LIUHEN_VERIFY_INSPECTOR_H

#include <stdbool.h>
#include <stdio.h>

#include "errors.h"
#include "matters.h"
#include "report.h"

/** The options, as given (borrowed). */
typedef struct inspector_options {
    const char *reg;  /* --register KIND */
    bool stats;       /* --stats */
    const char *by;   /* --by quarter|person|category (default quarter) */
    bool open;        /* --open */
    const char *from; /* --from YYYY-MM-DD */
    const char *to;   /* --to YYYY-MM-DD */
    bool csv;         /* --csv */
} inspector_options;

typedef struct inspector inspector;

/** The first of these options given ("--register", "--csv"...), for the
 *  messages; NULL when none is: the verifier prints its report. */
const char *inspector_option(const inspector_options *o);

/**
 * Check the options and start gathering.
 * @param[out] out  freed with inspector_free().
 * @return 0; LH_EINVAL (a usage error, named in err); LH_ENOMEM.
 */
int inspector_new(const inspector_options *o, inspector **out, lh_err *err);
void inspector_free(inspector *in);

/** The matters the ledger is to feed (ledger_options.matters). */
matters *inspector_matters(inspector *in);

/**
 * After the ledger is finished and before report_finish(): the matters'
 * corrections, the statistics, and the HTML report's statistics section.
 * @param[in] s  the scope, its period left to the inspector; copied.
 * @return 0, LH_ENOMEM.
 */
int inspector_prepare(inspector *in, const matters_scope *s, report *rep);

/**
 * Print what was asked on f, or, when the run found failures, refuse on
 * standard error.
 * @return 0; 1 when refused; LH_ENOMEM.
 */
int inspector_print(inspector *in, FILE *f, size_t failures);

#endif
