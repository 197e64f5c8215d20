/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_view.c — a finished report grouped by case for its renderings,
 * and the formatting they share (report_view.h).
 *
 * The grouping is made once, when the report is finished: a few arrays of
 * positions sorted with qsort(), nothing copied, so that its memory is a
 * small multiple of the number of items and rows kept.
 */
#include "report_view.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* ---- natural order of case ids --------------------------------------------------------------- */

/* Natural order of case ids: runs of digits compare as numbers, so that
 * QJ-2026-9 comes before QJ-2026-10. The empty id (no case) comes last. */
static int natural_cmp(const char *a, const char *b)
{
    if (a[0] == '\0' || b[0] == '\0')
        return (a[0] == '\0') - (b[0] == '\0');
    while (*a != '\0' && *b != '\0') {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            size_t la = strspn(a, "0123456789"), lb = strspn(b, "0123456789");
            if (la != lb)
                return la < lb ? -1 : 1;
            int c = strncmp(a, b, la);
            if (c != 0)
                return c;
            a += la;
            b += lb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return (*a != '\0') - (*b != '\0');
}

/* ---- grouping -------------------------------------------------------------------------------- */

/* qsort has no context argument: the comparators read the report being
 * grouped from here (one thread calls everything, report.h). */
static const report *cmp_report;
static const report_view *cmp_view;

static int cmp_cases(const void *pa, const void *pb)
{
    const report_case *a = pa, *b = pb;
    bool ha = a->failures + a->findings != 0, hb = b->failures + b->findings != 0;
    if (ha != hb)
        return ha ? -1 : 1;
    return natural_cmp(cmp_report->cases.strs[a->id], cmp_report->cases.strs[b->id]);
}

static int cmp_items(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    uint32_t ra = cmp_view->rank[cmp_report->items[a].case_id];
    uint32_t rb = cmp_view->rank[cmp_report->items[b].case_id];
    if (ra != rb)
        return ra < rb ? -1 : 1;
    /* Failures first within a case, then by arrival. */
    if (cmp_report->items[a].cls != cmp_report->items[b].cls)
        return cmp_report->items[a].cls == REPORT_FAILURE ? -1 : 1;
    return a < b ? -1 : a > b;
}

static int cmp_rows(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const report_row *x = &cmp_report->rows[a], *y = &cmp_report->rows[b];
    uint32_t ra = cmp_view->rank[x->case_id], rb = cmp_view->rank[y->case_id];
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    return a < b ? -1 : a > b;
}

static int cmp_by_index(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    uint64_t ia = cmp_report->items[a].index, ib = cmp_report->items[b].index;
    if (ia != ib)
        return ia < ib ? -1 : 1;
    return a < b ? -1 : a > b;
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

void report_view_free(report_view *v)
{
    free(v->cases);
    free(v->rank);
    free(v->items);
    free(v->rows);
    free(v->by_index);
    free(v->row_index);
    memset(v, 0, sizeof *v);
}

int report_view_make(const report *r, report_view *v)
{
    memset(v, 0, sizeof *v);
    size_t n = r->cases.n;
    report_case *all = calloc(n != 0 ? n : 1, sizeof *all);
    v->rank = calloc(n != 0 ? n : 1, sizeof *v->rank);
    v->items = malloc((r->nitems != 0 ? r->nitems : 1) * sizeof *v->items);
    v->rows = malloc((r->nrows != 0 ? r->nrows : 1) * sizeof *v->rows);
    v->by_index = malloc((r->nitems != 0 ? r->nitems : 1) * sizeof *v->by_index);
    v->row_index = malloc((r->nrows != 0 ? r->nrows : 1) * sizeof *v->row_index);
    if (all == NULL || v->rank == NULL || v->items == NULL || v->rows == NULL ||
        v->by_index == NULL || v->row_index == NULL) {
        free(all);
        report_view_free(v);
        return LH_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        all[i].id = (uint32_t)i;
    for (size_t i = 0; i < r->nitems; i++) {
        if (r->items[i].cls == REPORT_FAILURE)
            all[r->items[i].case_id].failures++;
        else
            all[r->items[i].case_id].findings++;
    }
    for (size_t i = 0; i < r->nrows; i++)
        all[r->rows[i].case_id].rows++;
    cmp_report = r;
    cmp_view = v;
    qsort(all, n, sizeof *all, cmp_cases);
    v->cases = all;
    v->ncases = n;
    for (size_t i = 0; i < n; i++)
        v->rank[all[i].id] = (uint32_t)i;

    for (size_t i = 0; i < r->nitems; i++)
        v->items[i] = i;
    qsort(v->items, r->nitems, sizeof *v->items, cmp_items);
    for (size_t i = 0; i < r->nrows; i++)
        v->rows[i] = i;
    qsort(v->rows, r->nrows, sizeof *v->rows, cmp_rows);
    /* Where each case starts in the sorted arrays. */
    for (size_t i = 0, j = 0, k = 0; i < n; i++) {
        v->cases[i].first_item = j;
        v->cases[i].first_row = k;
        j += v->cases[i].failures + v->cases[i].findings;
        k += v->cases[i].rows;
    }
    for (size_t i = 0; i < r->nitems; i++)
        if (r->items[i].index != REPORT_NO_INDEX)
            v->by_index[v->nby_index++] = i;
    qsort(v->by_index, v->nby_index, sizeof *v->by_index, cmp_by_index);
    for (size_t i = 0; i < r->nrows; i++)
        v->row_index[i] = r->rows[i].index;
    qsort(v->row_index, r->nrows, sizeof *v->row_index, cmp_u64);
    return 0;
}

size_t report_view_items_at(const report *r, const report_view *v, uint64_t index)
{
    size_t lo = 0, hi = v->nby_index;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->items[v->by_index[mid]].index < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->nby_index && r->items[v->by_index[lo]].index == index ? lo : v->nby_index;
}

bool report_view_has_row(const report *r, const report_view *v, uint64_t index)
{
    return index != REPORT_NO_INDEX &&
           bsearch(&index, v->row_index, r->nrows, sizeof *v->row_index, cmp_u64) != NULL;
}

/* ---- shared formatting ----------------------------------------------------------------------- */

const char *report_view_case_name(const report *r, uint32_t id)
{
    return r->cases.strs[id];
}

const char *report_view_fmt_count(uint64_t v, char buf[32])
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *report_view_verdict_key(const report *r)
{
    return r->failures != 0 ? "failures" : r->findings != 0 ? "findings" : "clean";
}

const char *report_view_cause(const report_kept *k, char buf[160])
{
    buf[0] = '\0';
    if (k->cls != REPORT_FAILURE || k->number == 0)
        return buf;
    if (k->cause != 0)
        /* TRANSLATORS: a failure that follows from an earlier one (one
         * alteration makes several checks fail). */
        snprintf(buf, 160, _("failure #%zu, a consequence of failure #%zu"), k->number, k->cause);
    else
        snprintf(buf, 160, _("failure #%zu"), k->number);
    return buf;
}

void report_view_put_verdict(const report *r, FILE *f)
{
    char n[32], m[32], c[32];
    if (r->failures != 0 && r->consequences != 0)
        /* TRANSLATORS: the verdict when records were altered, removed or
         * forged, and some failures only follow from others. */
        fprintf(f, _("FAILURES: %s (alterations: %s, their consequences: %s)"),
                report_view_fmt_count(r->failures, n),
                report_view_fmt_count(r->failures - r->consequences, m),
                report_view_fmt_count(r->consequences, c));
    else if (r->failures != 0)
        /* TRANSLATORS: the verdict when records were altered, removed or forged. */
        fprintf(f, _("FAILURES: %s"), report_view_fmt_count(r->failures, n));
    else if (r->findings != 0)
        /* TRANSLATORS: the verdict when the records break the regulations' rules. */
        fprintf(f, _("FINDINGS: %s"), report_view_fmt_count(r->findings, n));
    else
        /* TRANSLATORS: the verdict when every check passed. */
        fputs(_("CLEAN"), f);
}
