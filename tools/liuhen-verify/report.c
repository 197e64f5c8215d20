/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * report.c — what liuhen-verify found (report.h): the failures and
 * findings, counted per check and kept in full while there is room, the
 * facts of the summary, the timeline rows and the progress bar; at the end,
 * the checks put in order, the items grouped by case (report_view.h) and
 * handed to a rendering (report_text.h, report_json.h, report_html.h).
 *
 * Everything shown comes, in the end, from the tiles directory, which is
 * hostile input: a case id or a holder's name may hold terminal escape
 * sequences, bidirectional overrides, invalid UTF-8 or HTML. Every string is
 * therefore bounded and cleaned once, here, when it is recorded (control
 * characters shown as "\x1b", never emitted); the HTML rendering escapes it
 * again wherever it goes into the page.
 *
 * Memory stays bounded whatever the log's size: the failures and findings
 * are counted without limit but kept in full only up to REPORT_MAX_KEPT (and
 * REPORT_MAX_KEPT_BYTES of text); timeline rows are compact (interned case
 * ids, authors and kinds, a summary of at most REPORT_SUMMARY_MAX bytes in
 * an arena) and capped at REPORT_MAX_TIMELINE. The JSON document is
 * streamed item by item rather than built whole.
 */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "grow.h"
#include "i18n.h"
#include "idtable.h"
#include "report_html.h"
#include "report_json.h"
#include "report_site.h"
#include "report_text.h"
#include "report_view.h"
#include "text.h"

/* Bounds of the strings kept, in bytes (without the NUL). A case id is at
 * most ENTRY_CASE_ID_MAX (128) bytes in a valid entry; the room above it is
 * for escapes. */
#define CHECK_MAX      REPORT_VIEW_CHECK_MAX
#define ARTICLE_MAX    160
#define CASE_MAX       160
#define AUTHOR_MAX     256
#define SENTENCE_MAX   1024
#define KIND_MAX       128
#define ORIGIN_MAX     REPORT_VIEW_ORIGIN_MAX
#define CHECKPOINT_MAX 8192

/* The checks counted by name; beyond, they are counted as "other". */
#define CHECKS_MAX REPORT_VIEW_CHECKS_MAX

/* The progress bar is redrawn at most five times a second. */
#define PROGRESS_INTERVAL_NS 200000000LL
#define PROGRESS_BAR_WIDTH   30

#define NO_ID UINT32_MAX

/* ---- the titles of the checks and rules ------------------------------------------------------ */

typedef struct title {
    const char *check, *zh, *en, *article;
} title;

/* The failures of docs/design.md ("Offline verifier") and the rules R1-R17 of
 * docs/regulation.md with their articles. */
static const title titles[] = {
    {"integrity", "完整性", "integrity of the tiles and the checkpoint", NULL},
    {"consistency", "只增不改", "append-only consistency", NULL},
    {"signature", "签名", "signature", NULL},
    {"origin", "日志标识", "log origin", NULL},
    {"key", "密钥登记与注销", "key enrolment and revocation", NULL},
    {"role", "角色权限", "role permission", NULL},
    {"author-chain", "记录人记录链", "author chain", NULL},
    {"case-chain", "案件链", "case chain", NULL},
    {"receipt", "回执", "receipt", NULL},
    {"cosignature", "第三方见证签名", "witness cosignature", NULL},
    {"parse", "记录解析", "entry parsing", NULL},
    {"R1", "干预记录五要素不全", "interference record lacks one of the five elements", "B§3"},
    {"R2", "干预情况未按规定报告", "interference not reported as B§3 requires, or not when", "B§3"},
    {"R3", "管辖外投诉未在受理后2日内转送",
     "complaint outside jurisdiction not transferred within 2 days of acceptance", "A§10(1)"},
    {"R4", "投诉举报未答复处理结果", "complaint without a result told or a transfer", "A§10(1)"},
    {"R5", "调查组未由主要负责人指派或未经调查",
     "investigation not assigned by the principal head, or decision without investigation",
     "A§10(2)(3)"},
    {"R6", "处理决定前未经领导集体讨论",
     "decision not preceded by the leadership's collective discussion", "A§10(3)"},
    {"R7", "责任追究不合规定",
     "wrongful case: responsible persons, sanctions, exemption or aggravation not as A§8, A§9, "
     "A§11 require",
     "A§8, A§9, A§11"},
    {"R8", "责令重新调查超过1个月", "review order more than one month after the decision",
     "A§10(3)"},
    {"R9", "领导指导意见未书面或未由办案人员记录",
     "leader's guidance not written, or oral guidance not recorded by a handler", "B§7"},
    {"R10", "干预或指导情况事后补记", "interference or guidance recorded late", "B§3, B§7"},
    {"R11", "更正不合规定", "correction not of an entry of the same case by the same author",
     "B§3"},
    {"R12", "不记录或不如实记录的处理不合规定",
     "not recording: first offence, second offence or the instigating leader not dealt with as "
     "B§12 requires",
     "B§12"},
    {"R13", "应当回避而未回避",
     "a person concerned sits on the investigation, discussion or decision",
     "参照《行政处罚法》第四十三条、《公职人员政务处分法》第四十七条"},
    {"R14", "查实的干预未经批准通报", "confirmed interference not notified with its approval",
     "B§10"},
    {"R15", "报告的干预未见检查处理", "reported interference not followed up by the legal section",
     "B§4"},
    {"R16", "结案后追加记录", "records added to a closed case", "A§10"},
    {"R17", "疑似打击报复如实记录的办案人员",
     "possible retaliation against a handler who recorded interference", "B§9"},
};

/* The position of a check in titles[], or the number of titles for one
 * that is not there. */
static size_t title_pos(const char *check)
{
    size_t n = sizeof titles / sizeof titles[0];
    for (size_t i = 0; check != NULL && i < n; i++)
        if (strcmp(titles[i].check, check) == 0)
            return i;
    return n;
}

static const title *find_title(const char *check)
{
    size_t i = title_pos(check);
    return i < sizeof titles / sizeof titles[0] ? &titles[i] : NULL;
}

const char *report_title_zh(const char *check)
{
    const title *t = find_title(check);
    return t != NULL ? t->zh : NULL;
}

const char *report_title_en(const char *check)
{
    const title *t = find_title(check);
    return t != NULL ? t->en : NULL;
}

const char *report_title(const char *check)
{
    const title *t = find_title(check);
    return t != NULL ? i18n_pick(t->zh, t->en) : NULL;
}

const char *report_rule_article(const char *rule)
{
    const title *t = find_title(rule);
    return t != NULL ? t->article : NULL;
}

/* ---- cleaning -------------------------------------------------------------------------------- */

/*
 * Copy src into out (room for max + 1 bytes) as text safe to show: valid
 * UTF-8 without control characters (LF kept only if `newlines`), each
 * refused byte or code point shown as an escape, cut at a character
 * boundary with "…" when longer than max bytes. NULL gives "".
 * @return the length written.
 */
static size_t clean(char *out, size_t max, const char *src, bool newlines)
{
    static const char ellipsis[] = "…";
    size_t len = 0, safe = 0; /* safe: the last length that leaves room for "…" */
    const uint8_t *s = (const uint8_t *)(src != NULL ? src : "");
    size_t slen = strlen((const char *)s);
    unsigned flags = TEXT_SHOW_C_NAMES | (newlines ? TEXT_SHOW_NEWLINES : 0);
    for (size_t i = 0; i < slen;) {
        char piece[TEXT_SHOWN_MAX];
        size_t plen = text_show_next(s, slen, &i, flags, piece);
        if (len + plen > max) {
            memcpy(out + safe, ellipsis, sizeof ellipsis - 1);
            len = safe + sizeof ellipsis - 1;
            break;
        }
        memcpy(out + len, piece, plen);
        len += plen;
        if (len + sizeof ellipsis - 1 <= max)
            safe = len;
    }
    out[len] = '\0';
    return len;
}

/* ---- interned strings ------------------------------------------------------------------------ */

/* A string being looked up: s[0..n), which need not end at n. */
typedef struct str_key {
    const char *s;
    size_t n;
} str_key;

static bool str_matches(const void *ctx, uint32_t id, const void *key)
{
    const char *const *strs = ctx;
    const str_key *k = key;
    return strncmp(strs[id], k->s, k->n) == 0 && strs[id][k->n] == '\0';
}

/*
 * The id of the string s[0..n) (clean, NUL-free), storing it if new.
 * @param[out] added  bytes newly stored (0 when it was known).
 */
static int strtab_intern(report_strtab *t, arena *a, const char *s, size_t n, uint32_t *id,
                         size_t *added)
{
    *added = 0;
    if (t->idx.cap == 0 && t->n == 0)
        idtable_init(&t->idx);
    str_key key = {s, n};
    uint64_t h = idtable_hash(&t->idx, s, n);
    uint32_t found = idtable_find(&t->idx, h, str_matches, t->strs, &key);
    if (found != IDTABLE_NONE) {
        *id = found;
        return 0;
    }
    if (t->n + 1 >= NO_ID)
        return LH_ENOMEM;
    if (grow_room(&t->strs, &t->cap, t->n + 1, sizeof *t->strs, 64, 0) != 0)
        return LH_ENOMEM;
    char *copy = arena_dup(a, s, n);
    if (copy == NULL || idtable_add(&t->idx, h, (uint32_t)t->n) != 0)
        return LH_ENOMEM;
    t->strs[t->n] = copy;
    *id = (uint32_t)t->n++;
    *added = n + 1 + sizeof(char *) + 16;
    return 0;
}

static void strtab_free(report_strtab *t)
{
    free(t->strs);
    idtable_free(&t->idx);
    memset(t, 0, sizeof *t);
}

/* ---- collecting ------------------------------------------------------------------------------ */

static FILE *out_stream(const report *r)
{
    return r->opts.out != NULL ? r->opts.out : stdout;
}

static FILE *err_stream(const report *r)
{
    return r->opts.err != NULL ? r->opts.err : stderr;
}

int report_new(const report_options *opts, report **out)
{
    *out = NULL;
    report *r = calloc(1, sizeof *r);
    if (r == NULL)
        return LH_ENOMEM;
    if (opts != NULL)
        r->opts = *opts;
    clean(r->origin, ORIGIN_MAX, r->opts.log_origin, false);
    r->opts.log_origin = r->origin;
    if (r->opts.html_path != NULL) {
        r->html_path = strdup(r->opts.html_path);
        if (r->html_path == NULL) {
            free(r);
            return LH_ENOMEM;
        }
        r->opts.html_path = r->html_path;
    }
    r->max_kept = REPORT_MAX_KEPT;
    r->max_rows = REPORT_MAX_TIMELINE;
    r->max_row_bytes = REPORT_MAX_TIMELINE_BYTES;
    if (r->html_path != NULL && report_site_wanted(r->html_path)) {
        r->html_site = true;
        r->max_rows = REPORT_MAX_TIMELINE_SITE;
        r->max_row_bytes = REPORT_MAX_TIMELINE_SITE_BYTES;
    }
    clean(r->log_key, REPORT_VIEW_KEY_MAX, r->opts.log_key, false);
    r->log_keyid = r->opts.log_keyid;
    r->opts.log_key = r->log_key;
    *out = r;
    return 0;
}

void report_free(report *r)
{
    if (r == NULL)
        return;
    arena_free(&r->text);
    strtab_free(&r->cases);
    strtab_free(&r->names);
    free(r->items);
    free(r->rows);
    cause_free(&r->causes);
    free(r->checkpoint);
    free(r->html_path);
    free(r);
}

void report_set_limits(report *r, size_t max_kept, size_t max_timeline)
{
    if (max_kept < r->max_kept)
        r->max_kept = max_kept;
    if (max_timeline < r->max_rows)
        r->max_rows = max_timeline;
}

/* The counters of a check, creating them; "other" once CHECKS_MAX are in use. */
static report_check_count *check_counter(report *r, const char *name)
{
    for (size_t i = 0; i < r->nchecks; i++)
        if (strcmp(r->checks[i].name, name) == 0)
            return &r->checks[i];
    if (r->nchecks >= CHECKS_MAX - 1) {
        name = "other";
        for (size_t i = 0; i < r->nchecks; i++)
            if (strcmp(r->checks[i].name, name) == 0)
                return &r->checks[i];
    }
    report_check_count *c = &r->checks[r->nchecks++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->failures = c->findings = 0;
    return c;
}

/* Intern a case id of n bytes, adding the bytes it took to *total. */
static int intern_case(report *r, const char *s, size_t n, uint32_t *id, size_t *total)
{
    size_t added;
    int rc = strtab_intern(&r->cases, &r->text, s, n, id, &added);
    *total += added;
    return rc;
}

/* Intern a name (check, article, author, kind), adding the bytes it took
 * to *total. */
static int intern_name(report *r, const char *s, const char **out, size_t *total)
{
    uint32_t id;
    size_t added;
    int rc = strtab_intern(&r->names, &r->text, s, strlen(s), &id, &added);
    *total += added;
    if (rc == 0)
        *out = r->names.strs[id];
    return rc;
}

/*
 * Whether the failure just counted (number r->failures) follows from an
 * earlier one: its entry or its span holds an entry found altered
 * (cause.h). If not, it is an alteration, and its entry is remembered, and
 * its span too for an integrity failure of the tiles (a tile or the root
 * that does not match): a chain's gap is only where to look, not what was
 * altered.
 */
static int attribute(report *r, const report_item *item, bool integrity, size_t *cause)
{
    bool has_index = item->index != REPORT_NO_INDEX;
    *cause = 0;
    if (has_index)
        *cause = cause_find(&r->causes, item->index, item->index);
    if (*cause == 0 && item->has_span)
        *cause = cause_find(&r->causes, item->span_first, item->span_last);
    if (*cause != 0) {
        r->consequences++;
        return 0;
    }
    if (integrity && item->has_span)
        cause_add_span(&r->causes, item->span_first, item->span_last, r->failures);
    return has_index ? cause_add(&r->causes, item->index, r->failures) : 0;
}

int report_add(report *r, const report_item *item)
{
    if (r == NULL || item == NULL)
        return LH_EINVAL;
    char check[CHECK_MAX + 1], article[ARTICLE_MAX + 1], case_id[CASE_MAX + 1];
    char author[AUTHOR_MAX + 1], zh[SENTENCE_MAX + 1], en[SENTENCE_MAX + 1];
    clean(check, CHECK_MAX, item->check != NULL && item->check[0] != '\0' ? item->check : "other",
          false);
    /* A rule's article is docs/regulation.md's when the caller gives none. */
    const char *art = item->article;
    if (art == NULL || art[0] == '\0')
        art = report_rule_article(check);
    clean(article, ARTICLE_MAX, art, false);
    size_t case_len = clean(case_id, CASE_MAX, item->case_id, false);
    clean(author, AUTHOR_MAX, item->author, false);
    size_t zh_len = clean(zh, SENTENCE_MAX, item->zh, false);
    size_t en_len = clean(en, SENTENCE_MAX, item->en, false);

    bool failure = item->cls == REPORT_FAILURE;
    report_check_count *c = check_counter(r, check);
    size_t cause = 0;
    if (failure) {
        r->failures++;
        c->failures++;
        int rc = attribute(r, item, strcmp(check, "integrity") == 0, &cause);
        if (rc != 0)
            return rc;
    } else {
        r->findings++;
        c->findings++;
    }

    /* Findings leave a tenth of the room to failures, which matter more. */
    size_t cap = r->max_kept, bytes_cap = REPORT_MAX_KEPT_BYTES;
    if (!failure) {
        cap -= cap / 10;
        bytes_cap -= bytes_cap / 10;
    }
    size_t need = sizeof(report_kept) + zh_len + en_len + 2 + CASE_MAX + AUTHOR_MAX;
    if (r->nitems >= cap || r->kept_bytes + need > bytes_cap)
        return 0;
    /* nitems < cap <= max_kept: room for one more never passes the limit. */
    if (grow_room(&r->items, &r->items_cap, r->nitems + 1, sizeof *r->items, 64, r->max_kept) != 0)
        return LH_ENOMEM;
    report_kept *k = &r->items[r->nitems];
    size_t total = sizeof(report_kept);
    int rc = intern_case(r, case_id, case_len, &k->case_id, &total);
    if (rc == 0)
        rc = intern_name(r, check, &k->check, &total);
    if (rc == 0)
        rc = intern_name(r, article, &k->article, &total);
    if (rc == 0)
        rc = intern_name(r, author, &k->author, &total);
    if (rc != 0)
        return rc;
    k->zh = arena_dup(&r->text, zh, zh_len);
    k->en = arena_dup(&r->text, en, en_len);
    if (k->zh == NULL || k->en == NULL)
        return LH_ENOMEM;
    k->cls = failure ? REPORT_FAILURE : REPORT_FINDING;
    k->index = item->index;
    k->number = failure ? r->failures : 0;
    k->cause = cause;
    r->kept_bytes += total + zh_len + en_len + 2;
    r->nitems++;
    return 0;
}

int report_addf(report *r, const report_item *item, const char *zh_fmt, const char *en_fmt, ...)
{
    if (r == NULL || item == NULL || zh_fmt == NULL || en_fmt == NULL)
        return LH_EINVAL;
    /* Larger than SENTENCE_MAX, so that clean() cuts at a character
     * boundary rather than vsnprintf in the middle of one. */
    char zh[2 * SENTENCE_MAX], en[2 * SENTENCE_MAX];
    va_list ap, aq;
    va_start(ap, en_fmt);
    va_copy(aq, ap);
    vsnprintf(zh, sizeof zh, zh_fmt, ap);
    vsnprintf(en, sizeof en, en_fmt, aq);
    va_end(aq);
    va_end(ap);
    report_item it = *item;
    it.zh = zh;
    it.en = en;
    return report_add(r, &it);
}

size_t report_failures(const report *r)
{
    return r->failures;
}

size_t report_consequences(const report *r)
{
    return r->consequences;
}

size_t report_findings(const report *r)
{
    return r->findings;
}

size_t report_count(const report *r, const char *check)
{
    for (size_t i = 0; check != NULL && i < r->nchecks; i++)
        if (strcmp(r->checks[i].name, check) == 0)
            return r->checks[i].failures + r->checks[i].findings;
    return 0;
}

int report_status(const report *r)
{
    return r->failures != 0 ? 1 : r->findings != 0 ? 2 : 0;
}

void report_set_html_extra(report *r, report_html_extra_fn *fn, const void *ctx)
{
    r->html_extra = fn;
    r->html_extra_ctx = ctx;
}

void report_set_facts(report *r, const report_facts *facts)
{
    r->facts = *facts;
    r->facts.checkpoint_text = NULL;
    r->facts_set = true;
    if (facts->checkpoint_text == NULL)
        return; /* The one set before, if any, stays. */
    char *copy = malloc(CHECKPOINT_MAX + 1);
    if (copy == NULL)
        return; /* The checkpoint is shown when there is memory for it. */
    clean(copy, CHECKPOINT_MAX, facts->checkpoint_text, true);
    free(r->checkpoint);
    r->checkpoint = copy;
}

int report_timeline_add(report *r, const char *case_id, uint64_t index, int64_t recorded_at_ms,
                        int64_t integrated_at_ms, const char *author, const char *kind_label,
                        const char *summary)
{
    if (r == NULL)
        return LH_EINVAL;
    if (r->opts.html_path == NULL)
        return 0;
    char c[CASE_MAX + 1], a[AUTHOR_MAX + 1], k[KIND_MAX + 1], s[REPORT_SUMMARY_MAX + 1];
    size_t clen = clean(c, CASE_MAX, case_id, false);
    clean(a, AUTHOR_MAX, author, false);
    clean(k, KIND_MAX, kind_label, false);
    size_t slen = clean(s, REPORT_SUMMARY_MAX, summary, false);
    size_t need = sizeof(report_row) + CASE_MAX + AUTHOR_MAX + KIND_MAX + slen + 1;
    if (r->nrows >= r->max_rows || r->row_bytes + need > r->max_row_bytes) {
        r->rows_dropped++;
        return 0;
    }
    if (grow_room(&r->rows, &r->rows_cap, r->nrows + 1, sizeof *r->rows, 256, r->max_rows) != 0)
        return LH_ENOMEM;
    report_row *w = &r->rows[r->nrows];
    size_t total = sizeof(report_row) + slen + 1;
    int rc = intern_case(r, c, clen, &w->case_id, &total);
    if (rc == 0)
        rc = intern_name(r, a, &w->author, &total);
    if (rc == 0)
        rc = intern_name(r, k, &w->kind, &total);
    if (rc != 0)
        return rc;
    w->summary = arena_dup(&r->text, s, slen);
    if (w->summary == NULL)
        return LH_ENOMEM;
    w->index = index;
    w->recorded = recorded_at_ms;
    w->integrated = integrated_at_ms;
    r->row_bytes += total;
    r->nrows++;
    return 0;
}

/* ---- the progress bar ------------------------------------------------------------------------ */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void report_progress(report *r, uint64_t done, uint64_t total)
{
    if (r == NULL || !r->opts.progress)
        return;
    int64_t now = now_ns();
    bool last = total != 0 && done >= total;
    if (!r->progress_started) {
        r->progress_started = true;
        r->progress_start = now;
    } else if (now - r->progress_last < PROGRESS_INTERVAL_NS && !last) {
        return;
    }
    r->progress_last = now;
    char line[160], a[32], b[32], c[32];
    size_t len = 0;
    if (total != 0) {
        uint64_t d = done > total ? total : done;
        unsigned pct = (unsigned)((double)d * 100.0 / (double)total);
        size_t fill = (size_t)((double)d * PROGRESS_BAR_WIDTH / (double)total);
        line[len++] = '[';
        for (size_t i = 0; i < PROGRESS_BAR_WIDTH; i++)
            line[len++] = i < fill ? '#' : '.';
        line[len++] = ']';
        line[len++] = ' ';
        /* TRANSLATORS: the progress bar: percentage, entries done, entries in all. */
        len += (size_t)snprintf(line + len, sizeof line - len, _("%3u%% %s/%s entries"), pct,
                                report_view_fmt_count(done, a), report_view_fmt_count(total, b));
    } else {
        len += (size_t)snprintf(line + len, sizeof line - len, _("%s entries"),
                                report_view_fmt_count(done, a));
    }
    double secs = (double)(now - r->progress_start) / 1e9;
    if (secs >= 0.2 && len < sizeof line)
        len += (size_t)snprintf(line + len, sizeof line - len, " %s/s",
                                report_view_fmt_count((uint64_t)((double)done / secs), c));
    if (len >= sizeof line)
        len = sizeof line - 1;
    /* Spaces over what is left of a longer line drawn before. */
    FILE *f = err_stream(r);
    fprintf(f, "\r%s", line);
    for (size_t i = len; i < r->progress_width; i++)
        fputc(' ', f);
    fflush(f);
    if (len > r->progress_width)
        r->progress_width = len;
}

void report_progress_done(report *r)
{
    if (r == NULL || r->progress_width == 0)
        return;
    FILE *f = err_stream(r);
    fputc('\r', f);
    for (size_t i = 0; i < r->progress_width; i++)
        fputc(' ', f);
    fputc('\r', f);
    fflush(f);
    r->progress_width = 0;
}

/* ---- finishing ------------------------------------------------------------------------------- */

/* The checks in the order of docs/design.md and docs/regulation.md (R1..R12), then
 * any other in byte order, "other" last. */
static int cmp_checks(const void *pa, const void *pb)
{
    const report_check_count *a = pa, *b = pb;
    bool oa = strcmp(a->name, "other") == 0, ob = strcmp(b->name, "other") == 0;
    if (oa != ob)
        return oa ? 1 : -1;
    size_t ta = title_pos(a->name), tb = title_pos(b->name);
    if (ta != tb)
        return ta < tb ? -1 : 1;
    return strcmp(a->name, b->name);
}

int report_finish(report *r, lh_err *err)
{
    if (r == NULL)
        return LH_EINVAL;
    report_progress_done(r);
    qsort(r->checks, r->nchecks, sizeof r->checks[0], cmp_checks);
    report_view v;
    int rc = report_view_make(r, &v);
    if (rc != 0)
        return lh_err_set(err, rc, _("report: out of memory grouping %zu findings by case"),
                          r->nitems);
    int html_rc = 0;
    lh_err html_err = {{0}};
    if (r->opts.html_path != NULL) {
        html_rc = r->html_site ? report_site_write(r, &v, &html_err)
                               : report_html_write(r, &v, &html_err);
        r->html_written = html_rc == 0;
    }
    FILE *f = out_stream(r);
    if (r->opts.json)
        rc = report_json_write(r, f);
    else
        report_text_write(r, &v, f);
    report_view_free(&v);
    if (rc != 0)
        return lh_err_set(err, rc, _("report: out of memory writing the JSON document"));
    if (fflush(f) != 0 || ferror(f)) {
        int e = errno != 0 ? errno : EIO;
        return lh_err_set(err, -e, _("report: cannot write the result to standard output: %s"),
                          strerror(e));
    }
    if (html_rc != 0) {
        if (err != NULL)
            *err = html_err;
        return html_rc;
    }
    return 0;
}
