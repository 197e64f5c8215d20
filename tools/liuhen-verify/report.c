/*
 * report.c — what liuhen-verify found, and how it is shown (report.h).
 *
 * Everything shown comes, in the end, from the tiles directory, which is
 * hostile input: a case id or a holder's name may hold terminal escape
 * sequences, bidirectional overrides, invalid UTF-8 or HTML. Every string is
 * therefore bounded and cleaned once, when it is recorded (control
 * characters shown as "\x1b", never emitted), and HTML-escaped again
 * wherever it goes into the page.
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
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "arena.h"
#include "calendar.h"
#include "fileio.h"
#include "idtable.h"
#include "text.h"

/* Bounds of the strings kept, in bytes (without the NUL). A case id is at
 * most ENTRY_CASE_ID_MAX (128) bytes in a valid entry; the room above it is
 * for escapes. */
#define CHECK_MAX      48
#define ARTICLE_MAX    64
#define CASE_MAX       160
#define AUTHOR_MAX     256
#define SENTENCE_MAX   1024
#define KIND_MAX       128
#define ORIGIN_MAX     256
#define CHECKPOINT_MAX 8192

/* The checks counted by name; beyond, they are counted as "other". */
#define CHECKS_MAX 64

/* The progress bar is redrawn at most five times a second. */
#define PROGRESS_INTERVAL_NS 200000000LL
#define PROGRESS_BAR_WIDTH   30

#define NO_ID UINT32_MAX

/* ---- the ------------------------------------------------------------------------------------- */

typedef struct title {
    const char *check, *zh, *en, *article;
} title;

/* The failures of DESIGN.md ("Offline verifier") and the rules R1-R12 of
 * REGULATION.md with their articles. */
static const title titles[] = {
    {"integrity", "完整性", "integrity of the tiles and the checkpoint", NULL},
    {"consistency", "只增不改", "append-only consistency", NULL},
    {"signature", "签名", "signature", NULL},
    {"origin", "日志标识", "log origin", NULL},
    {"key", "密钥登记与撤销", "key enrolment and revocation", NULL},
    {"role", "角色权限", "role permission", NULL},
    {"author-chain", "作者链", "author chain", NULL},
    {"case-chain", "案件链", "case chain", NULL},
    {"receipt", "回执", "receipt", NULL},
    {"cosignature", "见证联署", "witness cosignature", NULL},
    {"parse", "条目解析", "entry parsing", NULL},
    {"R1", "干预记录五要素不全", "interference record lacks one of the five elements", "B§3"},
    {"R2", "干预记录未载明报告对象", "interference record does not say to whom it was reported",
     "B§3"},
    {"R3", "管辖外投诉未在两日内转送",
     "complaint outside jurisdiction not transferred within 2 days", "A§10(1)"},
    {"R4", "投诉举报未答复或转送", "complaint without reply or transfer", "A§10(1)"},
    {"R5", "处理决定前未指派调查组并调查", "decision without an assigned team and an investigation",
     "A§10(2)(3)"},
    {"R6", "处理决定未记录集体讨论", "decision without the leadership's collective discussion",
     "A§10(3)"},
    {"R7", "错案未列责任人或处理方式不合规定",
     "wrongful case without responsible persons or with sanctions outside A§11", "A§11"},
    {"R8", "责令重新调查超过一个月", "review order more than one month after the decision",
     "A§10(3)"},
    {"R9", "领导指导意见未书面或未由办案人员记录",
     "leader's guidance not written, or oral guidance not recorded by a handler", "B§7"},
    {"R10", "记录迟延", "late recording", "B§3, B§12"},
    {"R11", "更正不合规定", "correction not of an entry of the same case by the same author",
     "B§3"},
    {"R12", "两次以上未记录未移送纪检",
     "handler named twice or more for not recording, not referred to discipline", "B§12"},
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

/* ---- an -------------------------------------------------------------------------------------- */

/* Strings stored once each, numbered in the order they came: case ids,
 * authors, kinds. An open-addressing table of ids + 1 (0: free), kept at
 * most half full. */
typedef struct strtab {
    const char **strs;
    size_t n, cap;
    idtable idx; /* string -> position in strs */
} strtab;

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
static int strtab_intern(strtab *t, arena *a, const char *s, size_t n, uint32_t *id, size_t *added)
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
    if (t->n == t->cap) {
        size_t cap = t->cap != 0 ? t->cap * 2 : 64;
        const char **strs = realloc(t->strs, cap * sizeof *strs);
        if (strs == NULL)
            return LH_ENOMEM;
        t->strs = strs;
        t->cap = cap;
    }
    char *copy = arena_dup(a, s, n);
    if (copy == NULL || idtable_add(&t->idx, h, (uint32_t)t->n) != 0)
        return LH_ENOMEM;
    t->strs[t->n] = copy;
    *id = (uint32_t)t->n++;
    *added = n + 1 + sizeof(char *) + 16;
    return 0;
}

static void strtab_free(strtab *t)
{
    free(t->strs);
    idtable_free(&t->idx);
    memset(t, 0, sizeof *t);
}

/* ---- the ------------------------------------------------------------------------------------- */

/* A failure or finding kept in full. Strings live in the report's arena. */
typedef struct kept {
    report_class cls;
    uint32_t case_id; /* in r->cases; the id of "" when none */
    uint64_t index;
    const char *check, *article, *author, *zh, *en;
} kept;

/* A timeline row: strings interned or in the arena. */
typedef struct row {
    uint64_t index;
    int64_t recorded, integrated;
    uint32_t case_id;
    const char *author, *kind, *summary;
} row;

typedef struct check_count {
    char name[CHECK_MAX + 1];
    size_t failures, findings;
} check_count;

struct report {
    report_options opts; /* log_origin and html_path point to the copies below */
    char origin[ORIGIN_MAX + 1];
    char *html_path;

    arena text;   /* every kept string */
    strtab cases; /* case ids, of kept items and of timeline rows */
    strtab names; /* authors, kinds, checks and articles */
    kept *items;
    size_t nitems, items_cap, max_kept, kept_bytes;
    size_t failures, findings;
    check_count checks[CHECKS_MAX];
    size_t nchecks;

    row *rows;
    size_t nrows, rows_cap, max_rows, row_bytes;
    uint64_t rows_dropped;

    report_facts facts;
    bool facts_set;
    char *checkpoint;
    bool html_written;

    bool progress_started;
    int64_t progress_start, progress_last;
    size_t progress_width; /* columns of the bar drawn, 0 when none */
};

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
static check_count *check_counter(report *r, const char *name)
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
    check_count *c = &r->checks[r->nchecks++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->failures = c->findings = 0;
    return c;
}

/* Intern a clean string of the names table. */
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

/* Room for one more item of elem bytes in arr, whose capacity *cap grows
 * from first by doubling, never beyond max: the new array, or NULL (arr
 * is then unchanged). */
static void *grow(void *arr, size_t *cap, size_t elem, size_t first, size_t max)
{
    size_t ncap = *cap != 0 ? *cap * 2 : first;
    if (ncap > max)
        ncap = max;
    void *p = realloc(arr, ncap * elem);
    if (p != NULL)
        *cap = ncap;
    return p;
}

int report_add(report *r, const report_item *item)
{
    if (r == NULL || item == NULL)
        return LH_EINVAL;
    char check[CHECK_MAX + 1], article[ARTICLE_MAX + 1], case_id[CASE_MAX + 1];
    char author[AUTHOR_MAX + 1], zh[SENTENCE_MAX + 1], en[SENTENCE_MAX + 1];
    clean(check, CHECK_MAX, item->check != NULL && item->check[0] != '\0' ? item->check : "other",
          false);
    /* A rule's article is REGULATION.md's when the caller gives none. */
    const char *art = item->article;
    if (art == NULL || art[0] == '\0')
        art = report_rule_article(check);
    clean(article, ARTICLE_MAX, art, false);
    size_t case_len = clean(case_id, CASE_MAX, item->case_id, false);
    clean(author, AUTHOR_MAX, item->author, false);
    size_t zh_len = clean(zh, SENTENCE_MAX, item->zh, false);
    size_t en_len = clean(en, SENTENCE_MAX, item->en, false);

    bool failure = item->cls == REPORT_FAILURE;
    check_count *c = check_counter(r, check);
    if (failure) {
        r->failures++;
        c->failures++;
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
    size_t need = sizeof(kept) + zh_len + en_len + 2 + CASE_MAX + AUTHOR_MAX;
    if (r->nitems >= cap || r->kept_bytes + need > bytes_cap)
        return 0;
    if (r->nitems == r->items_cap) {
        kept *items = grow(r->items, &r->items_cap, sizeof *items, 64, r->max_kept);
        if (items == NULL)
            return LH_ENOMEM;
        r->items = items;
    }
    kept *k = &r->items[r->nitems];
    size_t total = sizeof(kept);
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
    size_t need = sizeof(row) + CASE_MAX + AUTHOR_MAX + KIND_MAX + slen + 1;
    if (r->nrows >= r->max_rows || r->row_bytes + need > REPORT_MAX_TIMELINE_BYTES) {
        r->rows_dropped++;
        return 0;
    }
    if (r->nrows == r->rows_cap) {
        row *rows = grow(r->rows, &r->rows_cap, sizeof *rows, 256, r->max_rows);
        if (rows == NULL)
            return LH_ENOMEM;
        r->rows = rows;
    }
    row *w = &r->rows[r->nrows];
    size_t total = sizeof(row) + slen + 1;
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

/* ---- formatting ------------------------------------------------------------------------------ */

/* A count with thousands separators: "1,000,000". */
static const char *fmt_count(uint64_t v, char buf[32])
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

static const char *verdict_key(const report *r)
{
    return r->failures != 0 ? "failures" : r->findings != 0 ? "findings" : "clean";
}

/* The verdict line of DESIGN.md's exit statuses, in both languages. */
static void put_verdict(const report *r, FILE *f)
{
    char n[32];
    if (r->failures != 0)
        fprintf(f, "发现篡改或遗漏 FAILURES: %s", fmt_count(r->failures, n));
    else if (r->findings != 0)
        fprintf(f, "违反制度规定 FINDINGS: %s", fmt_count(r->findings, n));
    else
        fputs("通过 CLEAN", f);
}

/* The columns a string takes on a terminal: East Asian wide characters
 * (UAX #11, the common ranges) take two. */
static size_t display_width(const char *s)
{
    size_t w = 0, len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp = text_utf8_next((const uint8_t *)s, len, &i);
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

/* "  label      " padded to a column, for the summary; at least one space
 * after the longest label. */
static void put_label(FILE *f, const char *label)
{
    size_t w = display_width(label);
    fprintf(f, "  %s ", label);
    for (size_t i = w; i < 34; i++)
        fputc(' ', f);
}

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

/* ---- the ------------------------------------------------------------------------------------- */

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
        len += (size_t)snprintf(line + len, sizeof line - len, "] %3u%% %s/%s entries", pct,
                                fmt_count(done, a), fmt_count(total, b));
    } else {
        len += (size_t)snprintf(line + len, sizeof line - len, "%s entries", fmt_count(done, a));
    }
    double secs = (double)(now - r->progress_start) / 1e9;
    if (secs >= 0.2 && len < sizeof line)
        len += (size_t)snprintf(line + len, sizeof line - len, " %s/s",
                                fmt_count((uint64_t)((double)done / secs), c));
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

/* ---- grouping -------------------------------------------------------------------------------- */

/* What the page and the text know of a case once everything is in. */
typedef struct case_info {
    uint32_t id;
    size_t failures, findings, rows;
    size_t first_item, first_row; /* into the sorted arrays below */
} case_info;

typedef struct grouping {
    case_info *cases; /* problem cases first, each group in natural order */
    size_t ncases;
    uint32_t *rank;   /* rank[case id]: position in cases */
    size_t *items;    /* kept items sorted by (case rank, order of arrival) */
    size_t *rows;     /* rows sorted by (case rank, index) */
    size_t *by_index; /* kept items with an index, sorted by (index, arrival) */
    size_t nby_index;
    uint64_t *row_index; /* the indexes of the rows, sorted */
} grouping;

/* qsort has no context argument: the comparators read the report being
 * grouped from here (one thread calls everything, report.h). */
static const report *cmp_report;
static const grouping *cmp_grouping;

static int cmp_cases(const void *pa, const void *pb)
{
    const case_info *a = pa, *b = pb;
    bool ha = a->failures + a->findings != 0, hb = b->failures + b->findings != 0;
    if (ha != hb)
        return ha ? -1 : 1;
    return natural_cmp(cmp_report->cases.strs[a->id], cmp_report->cases.strs[b->id]);
}

static int cmp_items(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    uint32_t ra = cmp_grouping->rank[cmp_report->items[a].case_id];
    uint32_t rb = cmp_grouping->rank[cmp_report->items[b].case_id];
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
    const row *x = &cmp_report->rows[a], *y = &cmp_report->rows[b];
    uint32_t ra = cmp_grouping->rank[x->case_id], rb = cmp_grouping->rank[y->case_id];
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

/* The checks in the order of DESIGN.md and REGULATION.md (R1..R12), then
 * any other in byte order, "other" last. */
static int cmp_checks(const void *pa, const void *pb)
{
    const check_count *a = pa, *b = pb;
    bool oa = strcmp(a->name, "other") == 0, ob = strcmp(b->name, "other") == 0;
    if (oa != ob)
        return oa ? 1 : -1;
    size_t ta = title_pos(a->name), tb = title_pos(b->name);
    if (ta != tb)
        return ta < tb ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

static void grouping_free(grouping *g)
{
    free(g->cases);
    free(g->rank);
    free(g->items);
    free(g->rows);
    free(g->by_index);
    free(g->row_index);
    memset(g, 0, sizeof *g);
}

static int grouping_make(const report *r, grouping *g)
{
    memset(g, 0, sizeof *g);
    size_t n = r->cases.n;
    case_info *all = calloc(n != 0 ? n : 1, sizeof *all);
    g->rank = calloc(n != 0 ? n : 1, sizeof *g->rank);
    g->items = malloc((r->nitems != 0 ? r->nitems : 1) * sizeof *g->items);
    g->rows = malloc((r->nrows != 0 ? r->nrows : 1) * sizeof *g->rows);
    g->by_index = malloc((r->nitems != 0 ? r->nitems : 1) * sizeof *g->by_index);
    g->row_index = malloc((r->nrows != 0 ? r->nrows : 1) * sizeof *g->row_index);
    if (all == NULL || g->rank == NULL || g->items == NULL || g->rows == NULL ||
        g->by_index == NULL || g->row_index == NULL) {
        free(all);
        grouping_free(g);
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
    cmp_grouping = g;
    qsort(all, n, sizeof *all, cmp_cases);
    g->cases = all;
    g->ncases = n;
    for (size_t i = 0; i < n; i++)
        g->rank[all[i].id] = (uint32_t)i;

    for (size_t i = 0; i < r->nitems; i++)
        g->items[i] = i;
    qsort(g->items, r->nitems, sizeof *g->items, cmp_items);
    for (size_t i = 0; i < r->nrows; i++)
        g->rows[i] = i;
    qsort(g->rows, r->nrows, sizeof *g->rows, cmp_rows);
    /* Where each case starts in the sorted arrays. */
    for (size_t i = 0, j = 0, k = 0; i < n; i++) {
        g->cases[i].first_item = j;
        g->cases[i].first_row = k;
        j += g->cases[i].failures + g->cases[i].findings;
        k += g->cases[i].rows;
    }
    for (size_t i = 0; i < r->nitems; i++)
        if (r->items[i].index != REPORT_NO_INDEX)
            g->by_index[g->nby_index++] = i;
    qsort(g->by_index, g->nby_index, sizeof *g->by_index, cmp_by_index);
    for (size_t i = 0; i < r->nrows; i++)
        g->row_index[i] = r->rows[i].index;
    qsort(g->row_index, r->nrows, sizeof *g->row_index, cmp_u64);
    return 0;
}

/* The first position in g->by_index of the items about entry `index`
 * (g->nby_index when there is none). */
static size_t items_at(const report *r, const grouping *g, uint64_t index)
{
    size_t lo = 0, hi = g->nby_index;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->items[g->by_index[mid]].index < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->nby_index && r->items[g->by_index[lo]].index == index ? lo : g->nby_index;
}

static bool has_row(const report *r, const grouping *g, uint64_t index)
{
    return index != REPORT_NO_INDEX &&
           bsearch(&index, g->row_index, r->nrows, sizeof *g->row_index, cmp_u64) != NULL;
}

/* ---- text ------------------------------------------------------------------------------------ */

static const char *case_name(const report *r, uint32_t id)
{
    return r->cases.strs[id];
}

/* "完整性 integrity" or "R1 干预记录五要素不全" for a check. */
static void put_check(FILE *f, const char *check)
{
    const title *t = find_title(check);
    if (t == NULL)
        fputs(check, f);
    else if (check[0] == 'R')
        fprintf(f, "%s %s", check, t->zh);
    else
        fprintf(f, "%s %s", t->zh, check);
}

static void text_item(const report *r, const kept *k, FILE *f, bool with_case)
{
    char n[32];
    fputs("  ", f);
    put_check(f, k->check);
    if (k->article[0] != '\0')
        fprintf(f, " (%s)", k->article);
    if (k->index != REPORT_NO_INDEX)
        fprintf(f, " · 第 %s 条 entry %" PRIu64, fmt_count(k->index, n), k->index);
    if (with_case && case_name(r, k->case_id)[0] != '\0')
        fprintf(f, " · 案件 case %s", case_name(r, k->case_id));
    if (k->author[0] != '\0')
        fprintf(f, " · 作者 author %s", k->author);
    fputc('\n', f);
    if (k->zh[0] != '\0')
        fprintf(f, "      %s\n", k->zh);
    if (k->en[0] != '\0')
        fprintf(f, "      %s\n", k->en);
}

static void text_summary(const report *r, FILE *f)
{
    const report_facts *x = &r->facts;
    char a[32], b[32], c[32], t[64];
    fprintf(f, "留痕核查 liuhen-verify%s%s\n", r->origin[0] != '\0' ? " — " : "", r->origin);
    put_label(f, "日志 log");
    fprintf(f, "%s\n", r->origin[0] != '\0' ? r->origin : "—");
    if (r->facts_set) {
        char root[TEXT_B64_LEN(32)];
        text_b64_encode(root, x->root, sizeof x->root);
        put_label(f, "树大小 tree size");
        fprintf(f, "%s\n", fmt_count(x->tree_size, a));
        put_label(f, "根哈希 root");
        fprintf(f, "%s\n", root);
    }
    put_label(f, "核查范围 checks");
    fputs(x->integrity_only
              ? "仅完整性 integrity only (--integrity-only)\n"
              : "完整性、签名与密钥、作者链与案件链 integrity, authorship, omission\n",
          f);
    put_label(f, "条目 entries");
    fprintf(f, "%s 条已解析并验签 parsed and signature-verified\n",
            fmt_count(x->entries_checked, a));
    put_label(f, "瓦片 tiles");
    fprintf(f, "%s 个已校验 checked\n", fmt_count(x->tiles_checked, a));
    if (!x->integrity_only) {
        put_label(f, "作者/案件/密钥 authors/cases/keys");
        fprintf(f, "%s / %s / %s\n", fmt_count(x->authors, a), fmt_count(x->cases, b),
                fmt_count(x->keys, c));
    }
    put_label(f, "可信检查点 trusted checkpoints");
    fprintf(f, "%s 个一致 consistent\n", fmt_count(x->trusted_checked, a));
    put_label(f, "回执 receipts");
    fprintf(f, "%s 份已收录 included\n", fmt_count(x->receipts_checked, a));
    put_label(f, "见证联署 cosignatures");
    fprintf(f, "%s 个有效 valid\n", fmt_count(x->cosignatures_valid, a));
    put_label(f, "制度规则 rules");
    if (x->rules)
        fprintf(f, "R1–R12，截至 as of %s\n", calendar_format_local(t, x->as_of_ms));
    else
        fputs("未核查 not evaluated (--rules)\n", f);
    put_label(f, "用时 time");
    fprintf(f, "%.2f s\n", x->seconds);
    if (r->nchecks != 0) {
        put_label(f, "分项 by check");
        for (size_t i = 0; i < r->nchecks; i++)
            fprintf(f, "%s%s %s", i != 0 ? " · " : "", r->checks[i].name,
                    fmt_count(r->checks[i].failures + r->checks[i].findings, a));
        fputc('\n', f);
    }
    if (r->html_written) {
        put_label(f, "网页报告 HTML report");
        fprintf(f, "%s\n", r->opts.html_path);
    }
}

static void text_counts(const report *r, FILE *f)
{
    char a[32], b[32], c[32], d[32];
    fprintf(f,
            "篡改或遗漏 failures %s · 违反制度规定 findings %s · 条目 entries %s · 瓦片 tiles %s\n",
            fmt_count(r->failures, a), fmt_count(r->findings, b),
            fmt_count(r->facts.entries_checked, c), fmt_count(r->facts.tiles_checked, d));
}

static void text_not_listed(FILE *f, size_t total, size_t listed)
{
    char a[32], b[32];
    if (total > listed)
        fprintf(f, "  …… 另有 %s 条未列出 %s more not listed (only the first are kept)\n",
                fmt_count(total - listed, a), fmt_count(total - listed, b));
}

static void text_output(const report *r, const grouping *g, FILE *f)
{
    char a[32];
    if (r->opts.quiet) {
        put_verdict(r, f);
        fputc('\n', f);
        text_counts(r, f);
        return;
    }
    text_summary(r, f);
    fputc('\n', f);
    put_verdict(r, f);
    fputc('\n', f);
    if (r->failures != 0) {
        fprintf(f, "\n篡改或遗漏 FAILURES (%s)\n", fmt_count(r->failures, a));
        size_t listed = 0;
        for (size_t i = 0; i < r->nitems; i++) {
            if (r->items[i].cls != REPORT_FAILURE)
                continue;
            text_item(r, &r->items[i], f, true);
            listed++;
        }
        text_not_listed(f, r->failures, listed);
    }
    if (r->findings != 0) {
        fprintf(f, "\n违反制度规定 FINDINGS BY CASE (%s)\n", fmt_count(r->findings, a));
        size_t listed = 0;
        for (size_t i = 0; i < g->ncases; i++) {
            const case_info *ci = &g->cases[i];
            if (ci->findings == 0)
                continue;
            const char *name = case_name(r, ci->id);
            fprintf(f, "案件 case %s (%s)\n", name[0] != '\0' ? name : "— 无案件 no case",
                    fmt_count(ci->findings, a));
            for (size_t j = 0; j < ci->failures + ci->findings; j++) {
                const kept *k = &r->items[g->items[ci->first_item + j]];
                if (k->cls == REPORT_FINDING) {
                    text_item(r, k, f, false);
                    listed++;
                }
            }
        }
        text_not_listed(f, r->findings, listed);
    }
}

/* ---- JSON ------------------------------------------------------------------------------------ */

/* A JSON number for a count, or its decimal string when JSON integers
 * (int64 in jansson) cannot hold it. */
static json_t *json_u64(uint64_t v)
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
static json_t *json_text(const char *s)
{
    return s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *item_json(const report *r, const kept *k)
{
    int bad = 0;
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    jset(o, "check", json_string(k->check), &bad);
    jset(o, "index", k->index != REPORT_NO_INDEX ? json_u64(k->index) : json_null(), &bad);
    jset(o, "case_id", json_text(case_name(r, k->case_id)), &bad);
    jset(o, "author", json_text(k->author), &bad);
    jset(o, "article", json_text(k->article), &bad);
    jset(o, "zh", json_string(k->zh), &bad);
    jset(o, "en", json_string(k->en), &bad);
    if (bad != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* One member of the top-level object, "  "key": value" on one line. */
static int json_member(FILE *f, const char *key, json_t *v, bool last)
{
    if (v == NULL)
        return LH_ENOMEM;
    fprintf(f, "  \"%s\": ", key);
    int rc = json_dumpf(v, f, JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
    json_decref(v);
    fputs(last ? "\n" : ",\n", f);
    return rc == 0 ? 0 : LH_ENOMEM;
}

static json_t *counts_json(const report *r)
{
    int bad = 0;
    json_t *o = json_object(), *by = json_object();
    if (o == NULL || by == NULL) {
        json_decref(o);
        json_decref(by);
        return NULL;
    }
    for (size_t i = 0; i < r->nchecks; i++)
        jset(by, r->checks[i].name, json_u64(r->checks[i].failures + r->checks[i].findings), &bad);
    jset(o, "failures", json_u64(r->failures), &bad);
    jset(o, "findings", json_u64(r->findings), &bad);
    jset(o, "by_check", by, &bad);
    jset(o, "kept", json_u64(r->nitems), &bad);
    if (bad != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *facts_json(const report *r)
{
    const report_facts *x = &r->facts;
    char t[64];
    int bad = 0;
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    jset(o, "integrity_only", json_boolean(x->integrity_only), &bad);
    jset(o, "entries_checked", json_u64(x->entries_checked), &bad);
    jset(o, "tiles_checked", json_u64(x->tiles_checked), &bad);
    jset(o, "authors", json_u64(x->authors), &bad);
    jset(o, "cases", json_u64(x->cases), &bad);
    jset(o, "keys", json_u64(x->keys), &bad);
    jset(o, "trusted_checked", json_u64(x->trusted_checked), &bad);
    jset(o, "receipts_checked", json_u64(x->receipts_checked), &bad);
    jset(o, "cosignatures_valid", json_u64(x->cosignatures_valid), &bad);
    jset(o, "rules", json_boolean(x->rules), &bad);
    jset(o, "as_of", x->rules ? json_string(calendar_format_utc(t, x->as_of_ms)) : json_null(),
         &bad);
    jset(o, "as_of_ms", x->rules ? json_integer(x->as_of_ms) : json_null(), &bad);
    jset(o, "seconds", json_real(x->seconds), &bad); /* printed with 6 significant digits */
    jset(o, "checkpoint", r->checkpoint != NULL ? json_string(r->checkpoint) : json_null(), &bad);
    jset(o, "timeline_rows", json_u64(r->nrows), &bad);
    jset(o, "timeline_rows_cut", json_u64(r->rows_dropped), &bad);
    if (bad != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int json_list(const report *r, FILE *f, const char *key, report_class cls, bool last)
{
    fprintf(f, "  \"%s\": [", key);
    bool first = true;
    for (size_t i = 0; i < r->nitems; i++) {
        if (r->items[i].cls != cls)
            continue;
        json_t *o = item_json(r, &r->items[i]);
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

/* The JSON document of report.h, streamed: one line per member of the top
 * level, one line per failure or finding, so that memory does not grow
 * with their number. */
static int json_output(const report *r, FILE *f)
{
    char root[TEXT_B64_LEN(32)];
    text_b64_encode(root, r->facts.root, sizeof r->facts.root);
    fputs("{\n", f);
    int rc = json_member(f, "origin", json_text(r->origin), false);
    if (rc == 0)
        rc = json_member(f, "tree_size", r->facts_set ? json_u64(r->facts.tree_size) : json_null(),
                         false);
    if (rc == 0)
        rc = json_member(f, "root", r->facts_set ? json_string(root) : json_null(), false);
    if (rc == 0)
        rc = json_member(f, "verdict", json_string(verdict_key(r)), false);
    if (rc == 0)
        rc = json_member(f, "counts", counts_json(r), false);
    if (rc == 0)
        rc = json_member(f, "facts", facts_json(r), false);
    if (rc == 0)
        rc = json_list(r, f, "failures", REPORT_FAILURE, false);
    if (rc == 0)
        rc = json_list(r, f, "findings", REPORT_FINDING, false);
    if (rc == 0)
        rc = json_member(f, "truncated", json_boolean(r->failures + r->findings > r->nitems), true);
    fputs("}\n", f);
    return rc;
}

/* ---- HTML ------------------------------------------------------------------------------------ */

/* Text into HTML: the five characters that could open markup or end an
 * attribute value are escaped (HTML Living Standard §13.1.2.6). */
static void html_text(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Inline CSS: system fonts with the common CJK ones, no asset from outside. */
static const char html_style[] =
    ":root{--ok:#1a7f37;--bad:#b42318;--warn:#9a6700;--line:#d0d7de;--muted:#57606a}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:15px/1.55 system-ui,-apple-system,\"Segoe UI\",\"PingFang SC\","
    "\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\","
    "sans-serif;color:#1f2328;background:#f6f8fa}\n"
    "header{padding:18px 32px;color:#fff}\n"
    "header.clean{background:var(--ok)}header.failures{background:var(--bad)}"
    "header.findings{background:var(--warn)}\n"
    "header h1{margin:0;font-size:17px;font-weight:500;opacity:.9}\n"
    "header .verdict{font-size:30px;font-weight:700;margin:4px 0}\n"
    "header .sub{margin:0;opacity:.9;word-break:break-all}\n"
    "main{padding:8px 32px 32px;max-width:1500px}\n"
    "section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 20px;"
    "margin:16px 0}\n"
    "h2{font-size:18px;margin:4px 0 12px}h3{font-size:15px;margin:14px 0 6px}\n"
    "table{border-collapse:collapse;width:100%;font-size:14px}\n"
    "th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f6f8fa;font-weight:600;white-space:nowrap}\n"
    "table.kv th{width:16em}\n"
    "td.n{white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    "td.c{white-space:nowrap}td.s{min-width:14em}\n"
    "td.t{white-space:nowrap;font-variant-numeric:tabular-nums;font-size:13px}\n"
    ".mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;"
    "word-break:break-all}\n"
    "pre.mono{white-space:pre-wrap;margin:0}\n"
    ".en{color:var(--muted)}\n"
    "tr.fail>td{background:#fdecea}tr.find>td{background:#fff5d6}\n"
    ".tag{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;font-weight:600;"
    "color:#fff;white-space:nowrap}\n"
    ".tag.fail{background:var(--bad)}.tag.find{background:var(--warn)}\n"
    ".ok{color:var(--ok);font-weight:600}\n"
    "details.case{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:0 14px}\n"
    "details.case>summary{cursor:pointer;padding:9px 0;font-weight:600}\n"
    "details.case>summary .cnt{font-weight:400;color:var(--muted)}\n"
    ".scroll{overflow-x:auto}\n"
    "ul.toc{margin:0;padding-left:20px;columns:2}\n"
    ".note{color:var(--muted)}.warn{color:var(--bad);font-weight:600}\n"
    "a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}\n"
    ":target>td,:target{outline:2px solid #0969da}\n"
    "@media print{body{background:#fff}details.case{break-inside:avoid}}\n";

static void html_kv(FILE *f, const char *label, const char *value)
{
    fputs("<tr><th>", f);
    html_text(f, label);
    fputs("</th><td>", f);
    html_text(f, value);
    fputs("</td></tr>\n", f);
}

static void html_check(FILE *f, const kept *k)
{
    const title *t = find_title(k->check);
    fprintf(f, "<span class=\"tag %s\">", k->cls == REPORT_FAILURE ? "fail" : "find");
    html_text(f, k->check);
    fputs("</span>", f);
    if (t != NULL) {
        fputs(" ", f);
        html_text(f, t->zh);
        fputs("<br><span class=\"en\">", f);
        html_text(f, t->en);
        fputs("</span>", f);
    }
}

static void html_sentences(FILE *f, const kept *k)
{
    html_text(f, k->zh);
    if (k->zh[0] != '\0' && k->en[0] != '\0')
        fputs("<br>", f);
    fputs("<span class=\"en\">", f);
    html_text(f, k->en);
    fputs("</span>", f);
}

/* The entry index of an item, linked to its timeline row when there is one. */
static void html_index(const report *r, const grouping *g, FILE *f, uint64_t index)
{
    if (index == REPORT_NO_INDEX) {
        fputs("—", f);
        return;
    }
    if (has_row(r, g, index))
        fprintf(f, "<a href=\"#e-%" PRIu64 "\">%" PRIu64 "</a>", index, index);
    else
        fprintf(f, "%" PRIu64, index);
}

static void html_summary(const report *r, FILE *f)
{
    const report_facts *x = &r->facts;
    char a[32], b[32], c[32], t[64], line[160];
    fputs("<section id=\"summary\"><h2>概要 Summary</h2>\n<table class=\"kv\">\n", f);
    html_kv(f, "日志 log", r->origin[0] != '\0' ? r->origin : "—");
    if (r->facts_set) {
        char root[TEXT_B64_LEN(32)];
        text_b64_encode(root, x->root, sizeof x->root);
        html_kv(f, "树大小 tree size", fmt_count(x->tree_size, a));
        fputs("<tr><th>根哈希 root</th><td class=\"mono\">", f);
        html_text(f, root);
        fputs("</td></tr>\n", f);
    }
    html_kv(f, "核查范围 checks",
            x->integrity_only
                ? "仅完整性 integrity only"
                : "完整性、签名与密钥、作者链与案件链 integrity, authorship, omission");
    snprintf(line, sizeof line, "%s 条已解析并验签 parsed and signature-verified",
             fmt_count(x->entries_checked, a));
    html_kv(f, "条目 entries", line);
    snprintf(line, sizeof line, "%s 个已校验 checked", fmt_count(x->tiles_checked, a));
    html_kv(f, "瓦片 tiles", line);
    if (!x->integrity_only) {
        snprintf(line, sizeof line, "%s / %s / %s", fmt_count(x->authors, a),
                 fmt_count(x->cases, b), fmt_count(x->keys, c));
        html_kv(f, "作者 / 案件 / 密钥 authors / cases / keys", line);
    }
    snprintf(line, sizeof line, "%s 个一致 consistent", fmt_count(x->trusted_checked, a));
    html_kv(f, "可信检查点 trusted checkpoints", line);
    snprintf(line, sizeof line, "%s 份已收录 included", fmt_count(x->receipts_checked, a));
    html_kv(f, "回执 receipts", line);
    snprintf(line, sizeof line, "%s 个有效 valid", fmt_count(x->cosignatures_valid, a));
    html_kv(f, "见证联署 cosignatures", line);
    if (x->rules)
        snprintf(line, sizeof line, "R1–R12，截至 as of %s", calendar_format_local(t, x->as_of_ms));
    else
        snprintf(line, sizeof line, "未核查 not evaluated");
    html_kv(f, "制度规则 rules", line);
    snprintf(line, sizeof line, "%s · %s", fmt_count(r->failures, a), fmt_count(r->findings, b));
    html_kv(f, "篡改或遗漏 · 违反制度规定 failures · findings", line);
    snprintf(line, sizeof line, "%.2f s", x->seconds);
    html_kv(f, "用时 time", line);
    if (r->checkpoint != NULL) {
        fputs("<tr><th>检查点 checkpoint</th><td><pre class=\"mono\">", f);
        html_text(f, r->checkpoint);
        fputs("</pre></td></tr>\n", f);
    }
    fputs("</table>\n", f);
    if (r->nchecks != 0) {
        fputs("<h3>分项计数 Counts by check</h3>\n<table>\n<tr><th>检查 check</th><th>说明 "
              "title</th><th>条文 article</th><th>篡改或遗漏 failures</th><th>违反制度规定 "
              "findings</th></tr>\n",
              f);
        for (size_t i = 0; i < r->nchecks; i++) {
            const check_count *c0 = &r->checks[i];
            const title *ti = find_title(c0->name);
            fputs("<tr><td>", f);
            html_text(f, c0->name);
            fputs("</td><td>", f);
            if (ti != NULL) {
                html_text(f, ti->zh);
                fputs(" <span class=\"en\">", f);
                html_text(f, ti->en);
                fputs("</span>", f);
            }
            fputs("</td><td>", f);
            html_text(f, ti != NULL && ti->article != NULL ? ti->article : "—");
            fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
                    fmt_count(c0->failures, a), fmt_count(c0->findings, b));
        }
        fputs("</table>\n", f);
    }
    fputs("</section>\n", f);
}

static void html_not_listed(FILE *f, size_t total, size_t listed)
{
    char a[32];
    if (total > listed)
        fprintf(f,
                "<p class=\"warn\">另有 %s 条未列出：报告只保留前面的条目。 "
                "%s more not listed: the report keeps only the first ones.</p>\n",
                fmt_count(total - listed, a), a);
}

static void html_failures(const report *r, const grouping *g, FILE *f)
{
    char a[32];
    fprintf(f, "<section id=\"failures\"><h2>篡改或遗漏 Failures (%s)</h2>\n",
            fmt_count(r->failures, a));
    if (r->failures == 0) {
        fputs("<p class=\"ok\">未发现篡改或遗漏。 No alteration or omission found.</p>"
              "</section>\n",
              f);
        return;
    }
    fputs("<div class=\"scroll\"><table>\n<tr><th>检查 check</th><th>条目 entry</th><th>案件 "
          "case</th><th>作者 "
          "author</th><th>说明 what differs</th></tr>\n",
          f);
    size_t listed = 0;
    for (size_t i = 0; i < r->nitems; i++) {
        const kept *k = &r->items[i];
        if (k->cls != REPORT_FAILURE)
            continue;
        listed++;
        fprintf(f, "<tr id=\"f-%zu\"><td>", i);
        html_check(f, k);
        fputs("</td><td class=\"n\">", f);
        html_index(r, g, f, k->index);
        fputs("</td><td class=\"c\">", f);
        const char *cn = case_name(r, k->case_id);
        if (cn[0] != '\0') {
            fprintf(f, "<a href=\"#case-%u\">", (unsigned)g->rank[k->case_id]);
            html_text(f, cn);
            fputs("</a>", f);
        } else {
            fputs("—", f);
        }
        fputs("</td><td>", f);
        html_text(f, k->author[0] != '\0' ? k->author : "—");
        fputs("</td><td>", f);
        html_sentences(f, k);
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
    html_not_listed(f, r->failures, listed);
    fputs("</section>\n", f);
}

/* Whether failures and findings were found at entry `index`. */
static void html_row_marks(const report *r, const grouping *g, uint64_t index, bool *fail,
                           bool *find)
{
    *fail = *find = false;
    for (size_t p = items_at(r, g, index); p < g->nby_index; p++) {
        size_t i = g->by_index[p];
        const kept *k = &r->items[i];
        if (k->index != index)
            break;
        if (k->cls == REPORT_FAILURE)
            *fail = true;
        else
            *find = true;
    }
}

/* A time in a timeline: the date over the time and its offset, to keep
 * the table narrow. */
static void html_time(FILE *f, int64_t ms)
{
    char t[64];
    calendar_format_local(t, ms);
    char *sp = strchr(t, ' ');
    if (sp != NULL) {
        *sp = '\0';
        html_text(f, t);
        fputs("<br>", f);
        html_text(f, sp + 1);
    } else {
        html_text(f, t);
    }
}

static void html_case(const report *r, const grouping *g, FILE *f, size_t ci_pos)
{
    const case_info *ci = &g->cases[ci_pos];
    const char *name = case_name(r, ci->id);
    char a[32], b[32], c[32];
    bool hit = ci->failures + ci->findings != 0;
    fprintf(f, "<details class=\"case\" id=\"case-%zu\"%s><summary>", ci_pos, hit ? " open" : "");
    if (name[0] != '\0') {
        fputs("案件 case ", f);
        html_text(f, name);
    } else {
        fputs(
            "无案件编号 not in a case <span class=\"cnt\">（全日志检查、密钥管理 log-wide checks, "
            "key management）</span>",
            f);
    }
    fprintf(f,
            " <span class=\"cnt\">· 篡改或遗漏 failures %s · 违反规定 findings %s · 条目 "
            "entries %s</span></summary>\n",
            fmt_count(ci->failures, a), fmt_count(ci->findings, b), fmt_count(ci->rows, c));
    if (hit) {
        fputs("<div class=\"scroll\"><table>\n<tr><th>检查或规则 check or rule</th><th>条文 "
              "article</th><th>条目 "
              "entry</th><th>作者 author</th><th>说明 finding</th></tr>\n",
              f);
        for (size_t j = 0; j < ci->failures + ci->findings; j++) {
            size_t i = g->items[ci->first_item + j];
            const kept *k = &r->items[i];
            fprintf(f, "<tr id=\"i-%zu\" class=\"%s\"><td>", i,
                    k->cls == REPORT_FAILURE ? "fail" : "find");
            html_check(f, k);
            fputs("</td><td>", f);
            html_text(f, k->article[0] != '\0' ? k->article : "—");
            fputs("</td><td class=\"n\">", f);
            html_index(r, g, f, k->index);
            fputs("</td><td>", f);
            html_text(f, k->author[0] != '\0' ? k->author : "—");
            fputs("</td><td>", f);
            html_sentences(f, k);
            fputs("</td></tr>\n", f);
        }
        fputs("</table></div>\n", f);
    }
    if (ci->rows == 0) {
        fputs("<p class=\"note\">无时间线记录。 No timeline rows for this case.</p></details>\n",
              f);
        return;
    }
    fputs("<h3>时间线 Timeline</h3>\n<div class=\"scroll\"><table>\n<tr><th>条目 "
          "entry</th><th>记录时间 "
          "recorded</th><th>入账时间 integrated</th><th>作者 author</th><th>类别 kind</th>"
          "<th>摘要 summary</th><th>问题 issues</th></tr>\n",
          f);
    for (size_t j = 0; j < ci->rows; j++) {
        const row *w = &r->rows[g->rows[ci->first_row + j]];
        bool fail, find;
        html_row_marks(r, g, w->index, &fail, &find);
        fprintf(f, "<tr id=\"e-%" PRIu64 "\"%s><td class=\"n\">%" PRIu64 "</td>", w->index,
                fail   ? " class=\"fail\""
                : find ? " class=\"find\""
                       : "",
                w->index);
        fputs("<td class=\"t\">", f);
        html_time(f, w->recorded);
        fputs("</td><td class=\"t\">", f);
        html_time(f, w->integrated);
        fputs("</td><td>", f);
        html_text(f, w->author);
        fputs("</td><td>", f);
        html_text(f, w->kind);
        fputs("</td><td class=\"s\">", f);
        html_text(f, w->summary);
        fputs("</td><td>", f);
        bool first = true;
        for (size_t p = items_at(r, g, w->index); p < g->nby_index; p++) {
            size_t i = g->by_index[p];
            const kept *k = &r->items[i];
            if (k->index != w->index)
                break;
            fprintf(f, "%s<a class=\"tag %s\" href=\"#i-%zu\">", first ? "" : " ",
                    k->cls == REPORT_FAILURE ? "fail" : "find", i);
            html_text(f, k->check);
            fputs("</a>", f);
            first = false;
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n</details>\n", f);
}

static void html_output(const report *r, const grouping *g, FILE *f)
{
    char a[32], b[32], t[64];
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    fputs("留痕核查报告 liuhen-verify report", f);
    if (r->origin[0] != '\0') {
        fputs(" — ", f);
        html_text(f, r->origin);
    }
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", html_style);
    fprintf(f, "<header class=\"%s\">\n<h1>留痕核查报告 liuhen-verify report</h1>\n",
            verdict_key(r));
    fputs("<p class=\"verdict\">", f);
    put_verdict(r, f);
    fputs("</p>\n<p class=\"sub\">", f);
    if (r->origin[0] != '\0') {
        html_text(f, r->origin);
        fputs(" · ", f);
    }
    if (r->facts_set)
        fprintf(f, "树大小 tree size %s · ", fmt_count(r->facts.tree_size, a));
    fprintf(f, "生成于 generated %s</p>\n</header>\n<main>\n",
            calendar_format_local(t, (int64_t)time(NULL) * 1000));

    html_summary(r, f);
    html_failures(r, g, f);

    fprintf(f, "<section id=\"findings\"><h2>违反制度规定 Findings by case (%s)</h2>\n",
            fmt_count(r->findings, a));
    size_t listed = 0, problem = 0;
    for (size_t i = 0; i < g->ncases; i++) {
        listed += g->cases[i].findings;
        if (g->cases[i].failures + g->cases[i].findings != 0)
            problem++;
    }
    if (!r->facts.rules && r->findings == 0)
        fputs("<p class=\"note\">未核查制度规则（--rules）。 The rules were not evaluated "
              "(--rules).</p>\n",
              f);
    else if (r->findings == 0)
        fputs("<p class=\"ok\">未发现违反制度规定。 No regulation finding.</p>\n", f);
    if (problem != 0) {
        fputs("<p>有问题的案件 Cases with failures or findings:</p>\n<ul class=\"toc\">\n", f);
        for (size_t i = 0; i < problem; i++) {
            const char *name = case_name(r, g->cases[i].id);
            fprintf(f, "<li><a href=\"#case-%zu\">", i);
            html_text(f, name[0] != '\0' ? name : "无案件编号 not in a case");
            fprintf(f, "</a> <span class=\"note\">(%s · %s)</span></li>\n",
                    fmt_count(g->cases[i].failures, a), fmt_count(g->cases[i].findings, b));
        }
        fputs("</ul>\n", f);
    }
    html_not_listed(f, r->findings, listed);
    fputs("</section>\n", f);

    fprintf(f, "<section id=\"cases\"><h2>案件与时间线 Cases and timelines (%s)</h2>\n",
            fmt_count(g->ncases, a));
    fputs(
        "<p class=\"note\">有问题的案件在前并已展开；点击案件标题展开或收起。时间以本地时间显示。 "
        "Cases with failures or findings come first, opened; click a case to open or close "
        "it. Times are local, with their offset from UTC.</p>\n",
        f);
    if (r->rows_dropped != 0)
        fprintf(f,
                "<p class=\"warn\">时间线已截断：只显示前 %s 条，另有 %s 条未显示。 Timelines "
                "were cut: only the first %s entries are shown, %s are not.</p>\n",
                fmt_count(r->nrows, a), fmt_count(r->rows_dropped, b), a, b);
    for (size_t i = 0; i < g->ncases; i++)
        html_case(r, g, f, i);
    fputs("</section>\n</main>\n</body>\n</html>\n", f);
}

/* Write the page whole: a reader never sees half a page (fileio.h). */
static int html_write(const report *r, const grouping *g, lh_err *err)
{
    char *page = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&page, &len);
    if (f == NULL)
        return lh_err_set(err, LH_ENOMEM, "html report %s: out of memory", r->opts.html_path);
    html_output(r, g, f);
    bool ok = !ferror(f);
    if (fclose(f) != 0 || !ok) {
        free(page);
        return lh_err_set(err, LH_ENOMEM, "html report %s: out of memory", r->opts.html_path);
    }
    int rc = fileio_replace(r->opts.html_path, 0644, page, len, "html report", err);
    free(page);
    return rc;
}

int report_finish(report *r, lh_err *err)
{
    if (r == NULL)
        return LH_EINVAL;
    report_progress_done(r);
    qsort(r->checks, r->nchecks, sizeof r->checks[0], cmp_checks);
    grouping g;
    int rc = grouping_make(r, &g);
    if (rc != 0)
        return lh_err_set(err, rc, "report: out of memory grouping %zu findings by case",
                          r->nitems);
    int html_rc = 0;
    lh_err html_err = {{0}};
    if (r->opts.html_path != NULL) {
        html_rc = html_write(r, &g, &html_err);
        r->html_written = html_rc == 0;
    }
    FILE *f = out_stream(r);
    if (r->opts.json)
        rc = json_output(r, f);
    else
        text_output(r, &g, f);
    grouping_free(&g);
    if (rc != 0)
        return lh_err_set(err, rc, "report: out of memory writing the JSON document");
    if (fflush(f) != 0 || ferror(f)) {
        int e = errno != 0 ? errno : EIO;
        return lh_err_set(err, -e, "report: cannot write the result to standard output: %s",
                          strerror(e));
    }
    if (html_rc != 0) {
        if (err != NULL)
            *err = html_err;
        return html_rc;
    }
    return 0;
}
