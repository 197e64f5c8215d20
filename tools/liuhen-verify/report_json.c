/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report_json.c — a finished report as one JSON document (report_json.h).
 *
 * Each value is built with jansson, which escapes what JSON requires, and
 * printed as soon as it is whole; counts beyond what a JSON integer holds
 * are given as decimal strings.
 */
#include "report_json.h"

#include <inttypes.h>

#include <jansson.h>

#include "calendar.h"
#include "cite.h"
#include "report_view.h"
#include "text.h"

/* A JSON number for a count, or its decimal string when JSON integers
 * (int64 in jansson) cannot hold it. */
static json_t *ju64(uint64_t v)
{
    if (v <= (uint64_t)INT64_MAX)
        return json_integer((json_int_t)v);
    char s[24];
    snprintf(s, sizeof s, "%" PRIu64, v);
    return json_string(s);
}

/* Set a member, counting failures (out of memory) in *bad. */
static void jset(json_t *o, const char *key, json_t *v, int *bad)
{
    if (v == NULL || json_object_set_new(o, key, v) != 0)
        (*bad)++;
}

/* A kept string for JSON: null when empty. */
static json_t *jtext(const char *s)
{
    return s[0] != '\0' ? json_string(s) : json_null();
}

/* The Chinese citation of an article (cite_zh(): the regulation's full
 * title), null when there is none; an article that is not our reference
 * is given as it is. */
static json_t *jarticle_zh(const char *article)
{
    char zh[CITE_MAX];
    if (article[0] == '\0')
        return json_null();
    cite_zh(zh, sizeof zh, article);
    return json_string(zh);
}

/* One failure or finding as an object; NULL when out of memory. "article"
 * is our short reference ("B§3"), "article_zh" its Chinese citation. */
static json_t *jitem(const report *r, const report_kept *k)
{
    int bad = 0;
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    jset(o, "check", json_string(k->check), &bad);
    jset(o, "index", k->index != REPORT_NO_INDEX ? ju64(k->index) : json_null(), &bad);
    jset(o, "case_id", jtext(report_view_case_name(r, k->case_id)), &bad);
    jset(o, "author", jtext(k->author), &bad);
    jset(o, "article", jtext(k->article), &bad);
    jset(o, "article_zh", jarticle_zh(k->article), &bad);
    jset(o, "zh", json_string(k->zh), &bad);
    jset(o, "en", json_string(k->en), &bad);
    if (k->cls == REPORT_FAILURE) {
        /* cause.h: the failure this one follows from, null for an alteration. */
        jset(o, "number", ju64(k->number), &bad);
        jset(o, "cause", k->cause != 0 ? ju64(k->cause) : json_null(), &bad);
    }
    if (bad != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* One member of the top-level object, "  "key": value" on one line. */
static int jmember(FILE *f, const char *key, json_t *v, bool last)
{
    if (v == NULL)
        return LH_ENOMEM;
    fprintf(f, "  \"%s\": ", key);
    int rc = json_dumpf(v, f, JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
    json_decref(v);
    fputs(last ? "\n" : ",\n", f);
    return rc == 0 ? 0 : LH_ENOMEM;
}

/* "counts": the totals and the count of each check. */
static json_t *jcounts(const report *r)
{
    int bad = 0;
    json_t *o = json_object(), *by = json_object();
    if (o == NULL || by == NULL) {
        json_decref(o);
        json_decref(by);
        return NULL;
    }
    for (size_t i = 0; i < r->nchecks; i++)
        jset(by, r->checks[i].name, ju64(r->checks[i].failures + r->checks[i].findings), &bad);
    jset(o, "failures", ju64(r->failures), &bad);
    jset(o, "alterations", ju64(r->failures - r->consequences), &bad);
    jset(o, "consequences", ju64(r->consequences), &bad);
    jset(o, "findings", ju64(r->findings), &bad);
    jset(o, "by_check", by, &bad);
    jset(o, "kept", ju64(r->nitems), &bad);
    if (bad != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* "facts": what was checked, as report_set_facts() gave it. */
static json_t *jfacts(const report *r)
{
    const report_facts *x = &r->facts;
    char t[64];
    int bad = 0;
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    jset(o, "integrity_only", json_boolean(x->integrity_only), &bad);
    jset(o, "entries_checked", ju64(x->entries_checked), &bad);
    jset(o, "tiles_checked", ju64(x->tiles_checked), &bad);
    jset(o, "authors", ju64(x->authors), &bad);
    jset(o, "cases", ju64(x->cases), &bad);
    jset(o, "keys", ju64(x->keys), &bad);
    jset(o, "trusted_checked", ju64(x->trusted_checked), &bad);
    jset(o, "receipts_checked", ju64(x->receipts_checked), &bad);
    jset(o, "cosignatures_valid", ju64(x->cosignatures_valid), &bad);
    jset(o, "rules", json_boolean(x->rules), &bad);
    jset(o, "as_of", x->rules ? json_string(calendar_format_utc(t, x->as_of_ms)) : json_null(),
         &bad);
    jset(o, "as_of_ms", x->rules ? json_integer(x->as_of_ms) : json_null(), &bad);
    jset(o, "seconds", json_real(x->seconds), &bad); /* printed with 6 significant digits */
    jset(o, "checkpoint", r->checkpoint != NULL ? json_string(r->checkpoint) : json_null(), &bad);
    jset(o, "timeline_rows", ju64(r->nrows), &bad);
    jset(o, "timeline_rows_cut", ju64(r->rows_dropped), &bad);
    if (bad != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* A member listing the kept items of one class, one line each. */
static int jlist(const report *r, FILE *f, const char *key, report_class cls, bool last)
{
    fprintf(f, "  \"%s\": [", key);
    bool first = true;
    for (size_t i = 0; i < r->nitems; i++) {
        if (r->items[i].cls != cls)
            continue;
        json_t *o = jitem(r, &r->items[i]);
        if (o == NULL)
            return LH_ENOMEM;
        fputs(first ? "\n    " : ",\n    ", f);
        int rc = json_dumpf(o, f, JSON_PRESERVE_ORDER);
        json_decref(o);
        if (rc != 0)
            return LH_ENOMEM;
        first = false;
    }
    fputs(first ? "]" : "\n  ]", f);
    fputs(last ? "\n" : ",\n", f);
    return 0;
}

int report_json_write(const report *r, FILE *f)
{
    char root[TEXT_B64_LEN(32)];
    text_b64_encode(root, r->facts.root, sizeof r->facts.root);
    fputs("{\n", f);
    int rc = jmember(f, "origin", jtext(r->origin), false);
    if (rc == 0)
        rc = jmember(f, "tree_size", r->facts_set ? ju64(r->facts.tree_size) : json_null(), false);
    if (rc == 0)
        rc = jmember(f, "root", r->facts_set ? json_string(root) : json_null(), false);
    if (rc == 0)
        rc = jmember(f, "verdict", json_string(report_view_verdict_key(r)), false);
    if (rc == 0)
        rc = jmember(f, "counts", jcounts(r), false);
    if (rc == 0)
        rc = jmember(f, "facts", jfacts(r), false);
    if (rc == 0)
        rc = jlist(r, f, "failures", REPORT_FAILURE, false);
    if (rc == 0)
        rc = jlist(r, f, "findings", REPORT_FINDING, false);
    if (rc == 0)
        rc = jmember(f, "truncated", json_boolean(r->failures + r->findings > r->nitems), true);
    fputs("}\n", f);
    return rc;
}
