/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * inspector.c — registers, statistics and open items on standard output
 * (inspector.h).
 */
#include "inspector.h"

#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "i18n.h"
#include "openitems.h"
#include "registers.h"
#include "stats.h"
#include "stats_svg.h"

struct inspector {
    inspector_options o;
    registers_kind kind;
    stats_by by;
    matters *m;
    matters_scope scope;
    int64_t from, to;
    stats *st;
};

const char *inspector_option(const inspector_options *o)
{
    return o->reg != NULL    ? "--register"
           : o->stats        ? "--stats"
           : o->open         ? "--open"
           : o->by != NULL   ? "--by"
           : o->from != NULL ? "--from"
           : o->to != NULL   ? "--to"
           : o->csv          ? "--csv"
                             : NULL;
}

/* A day as --from and --to take it: YYYY-MM-DD, its midnight in Beijing time. */
static int parse_day(const char *opt, const char *s, int64_t *ms, lh_err *err)
{
    bool shape = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
    for (size_t i = 0; shape && i < 10; i++)
        shape = i == 4 || i == 7 || (s[i] >= '0' && s[i] <= '9');
    lh_err e = {""};
    if (!shape || calendar_parse_time(opt, s, ms, &e) != 0)
        return lh_err_set(err, LH_EINVAL, _("%s %s: give a date as YYYY-MM-DD (Beijing time)"), opt,
                          s);
    return 0;
}

int inspector_new(const inspector_options *o, inspector **out, lh_err *err)
{
    *out = NULL;
    int n = (o->reg != NULL) + o->stats + o->open;
    if (n > 1)
        return lh_err_set(err, LH_EINVAL,
                          _("--register, --stats and --open print one thing each: give one"));
    registers_kind kind = REGISTERS_INTERFERENCE;
    if (o->reg != NULL && registers_kind_parse(o->reg, &kind) != 0)
        return lh_err_set(err, LH_EINVAL,
                          _("--register %s: give interference, complaints or decisions"), o->reg);
    stats_by by = STATS_BY_QUARTER;
    if (o->by != NULL && !o->stats)
        return lh_err_set(err, LH_EINVAL, _("--by applies to --stats"));
    if (o->by != NULL && stats_by_parse(o->by, &by) != 0)
        return lh_err_set(err, LH_EINVAL, _("--by %s: give quarter, person, unit or category"),
                          o->by);
    if (n == 0 && (o->from != NULL || o->to != NULL || o->csv))
        return lh_err_set(err, LH_EINVAL, _("%s applies to --register, --stats and --open"),
                          o->from != NULL ? "--from"
                          : o->to != NULL ? "--to"
                                          : "--csv");
    int64_t from = 0, to = 0;
    if (o->from != NULL && parse_day("--from", o->from, &from, err) != 0)
        return LH_EINVAL;
    if (o->to != NULL && parse_day("--to", o->to, &to, err) != 0)
        return LH_EINVAL;
    if (o->from != NULL && o->to != NULL && to < from)
        return lh_err_set(err, LH_EINVAL, _("--to %s is before --from %s"), o->to, o->from);
    inspector *in = calloc(1, sizeof *in);
    if (in == NULL || matters_new(&in->m) != 0) {
        free(in);
        return lh_err_set(err, LH_ENOMEM, _("out of memory"));
    }
    in->o = *o;
    in->kind = kind;
    in->by = by;
    in->from = from;
    /* --to is inclusive: the period ends at the next midnight. */
    in->to = to + CALENDAR_DAY_MS;
    *out = in;
    return 0;
}

void inspector_free(inspector *in)
{
    if (in == NULL)
        return;
    matters_free(in->m);
    stats_free(in->st);
    free(in);
}

matters *inspector_matters(inspector *in)
{
    return in->m;
}

int inspector_prepare(inspector *in, const matters_scope *s, report *rep)
{
    in->scope = *s;
    in->scope.have_from = in->o.from != NULL;
    in->scope.have_to = in->o.to != NULL;
    in->scope.from = in->from;
    in->scope.to = in->to;
    in->scope.from_text = in->o.from;
    in->scope.to_text = in->o.to;
    int rc = matters_finish(in->m);
    if (rc == 0 && in->o.stats) {
        rc = stats_compute(in->m, &in->scope, in->by, &in->st);
        if (rc == 0)
            report_set_html_extra(rep, stats_svg_section, in->st);
    }
    return rc;
}

int inspector_print(inspector *in, FILE *f, size_t failures)
{
    if (failures > 0) {
        fprintf(stderr,
                _("liuhen-verify: NOT PRODUCED: the log failed verification (%zu failures): a "
                  "register, statistics or open items of it would show records that may have "
                  "been altered, forged or left out. Run liuhen-verify without --register, "
                  "--stats or --open to see the failures.\n"),
                failures);
        return 1;
    }
    if (in->o.reg != NULL)
        return registers_print(f, in->kind, in->m, &in->scope, in->o.csv);
    if (in->o.stats)
        return stats_print(f, in->st, &in->scope, in->o.csv);
    return openitems_print(f, in->m, &in->scope, in->o.csv);
}
