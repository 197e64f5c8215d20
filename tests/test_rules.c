/*
 * test_rules.c — the regulation rules R1-R12 of liuhen-verify
 * (tools/liuhen-verify/rules.c, docs/regulation.md "Rules the verifier checks").
 *
 * Each test feeds rules_observe() entries built here from JSON (pbjson), in
 * log order, with the index, entry id, integration time, author and roles
 * the verifier would give, then calls rules_finish() as of a time and reads
 * the findings back from the report's --json output. For R11 it also finds,
 * as the verifier's second pass does, the entry each CORRECTION names, and
 * calls rules_correction(). For every rule there
 * is a case that triggers it, asserted exactly (rule, index, case, article,
 * author, and what the sentences say), and a close case that must not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>

#include "entry.h"
#include "errors.h"
#include "pbjson.h"
#include "report.h"
#include "role.h"
#include "rules.h"

/* 2026-04-10 08:00:00 +08:00, the start of every scenario. */
#define T0 INT64_C(1775779200000)
#define M  INT64_C(60000)
#define H  (60 * M)
#define D  (24 * H)

/* ---- authors -------------------------------------------------------------------------------- */

typedef struct author {
    const char *name;
    uint32_t roles;
    uint8_t key[ENTRY_KEY_BYTES];
} author;

#define ROLE(x) ROLE_BIT(LIUHEN__ROLE__ROLE_##x)

static author handler = {"王办案", ROLE(HANDLER), {1}};
static author handler2 = {"陈办案", ROLE(HANDLER), {2}};
static author legal = {"李法规", ROLE(LEGAL), {3}};
static author leader = {"赵局长", ROLE(LEADER), {4}};
static author investigator = {"钱调查", ROLE(INVESTIGATOR), {5}};
static author admin = {"管理员", ROLE(ADMIN), {6}};

/* ---- the scenario --------------------------------------------------------------------------- */

/* An entry fed, for finding what a CORRECTION names. */
typedef struct fed {
    uint64_t index;
    uint8_t hash[ENTRY_HASH_BYTES];
    char *case_id; /* NULL for key management */
    const uint8_t *key;
} fed;

typedef struct scenario {
    rules *r;
    report *rep;
    json_t *findings; /* after finish() */
    fed *fed;
    size_t nfed, capfed;
} scenario;

static void start(scenario *s, int64_t late_after_ms)
{
    rules_options ro = {.late_after_ms = late_after_ms};
    report_options po = {.log_origin = "test.example/rules", .json = true};
    s->findings = NULL;
    s->fed = NULL;
    s->nfed = s->capfed = 0;
    assert_int_equal(rules_new(&ro, &s->r), 0);
    assert_int_equal(report_new(&po, &s->rep), 0);
}

static void stop(scenario *s)
{
    json_decref(s->findings);
    for (size_t i = 0; i < s->nfed; i++)
        free(s->fed[i].case_id);
    free(s->fed);
    rules_free(s->r);
    report_free(s->rep);
}

/* The entry id of entry i of every scenario: SHA-256("leaf" || i). */
static void entry_id_of(uint64_t i, uint8_t out[ENTRY_ID_BYTES])
{
    uint8_t in[12] = {'l', 'e', 'a', 'f'};
    memcpy(in + 4, &i, sizeof i);
    crypto_hash_sha256(out, in, sizeof in);
}

/* The base64 of entry_id_of(i), for JSON; four rotating buffers so that one
 * format call may use several. */
static const char *h64(uint64_t i)
{
    static char bufs[4][sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    static unsigned next;
    char *b = bufs[next++ % 4];
    uint8_t h[ENTRY_HASH_BYTES];
    entry_id_of(i, h);
    sodium_bin2base64(b, sizeof bufs[0], h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
    return b;
}

/* The base64 of an author's key. */
static const char *k64(const author *a)
{
    static char buf[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(buf, sizeof buf, a->key, sizeof a->key, sodium_base64_VARIANT_ORIGINAL);
    return buf;
}

/*
 * Feed entry `index`, integrated at `integrated`, by author a: the JSON of
 * the Entry without author_key (a's key is used); recorded_at defaults to
 * the integration time.
 */
static void feed(scenario *s, uint64_t index, const author *a, int64_t integrated, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));

static void feed(scenario *s, uint64_t index, const author *a, int64_t integrated, const char *fmt,
                 ...)
{
    char json[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(json, sizeof json, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof json);
    ProtobufCMessage *m = NULL;
    lh_err err = {{0}};
    int rc = pbjson_parse(&liuhen__entry__descriptor, json, (size_t)n, &m, &err);
    if (rc != 0)
        fail_msg("entry %" PRIu64 ": %s: %s (%s)", index, lh_errname(rc), err.msg, json);
    Liuhen__Entry *e = (Liuhen__Entry *)m;
    assert_int_equal(e->author_key.len, 0);
    e->author_key.data = (uint8_t *)a->key;
    e->author_key.len = sizeof a->key;
    if (e->recorded_at == 0)
        e->recorded_at = integrated;
    uint8_t h[ENTRY_HASH_BYTES];
    entry_id_of(index, h);
    rules_entry re = {
        .index = index,
        .entry_id = h,
        .integrated_at = integrated,
        .entry = e,
        .author = a->name,
        .author_roles = a->roles,
    };
    assert_int_equal(rules_observe(s->r, &re, s->rep), 0);
    bool key_kind =
        e->kind == LIUHEN__KIND__KIND_KEY_ENROLL || e->kind == LIUHEN__KIND__KIND_KEY_REVOKE;
    bool has_case = !key_kind && e->case_id != NULL && e->case_id[0] != '\0';
    if (has_case && e->body_case == LIUHEN__ENTRY__BODY_CORRECTION && e->correction != NULL) {
        assert_int_equal(e->correction->corrects.len, ENTRY_HASH_BYTES);
        rules_correction_facts c = {.index = index,
                                    .case_id = e->case_id,
                                    .author = a->name,
                                    .author_key = a->key,
                                    .corrects = e->correction->corrects.data};
        for (size_t i = 0; i < s->nfed && !c.found; i++)
            if (s->fed[i].index < index &&
                memcmp(s->fed[i].hash, c.corrects, ENTRY_HASH_BYTES) == 0) {
                c.found = true;
                c.target_case = s->fed[i].case_id;
                c.target_key = s->fed[i].key;
            }
        assert_int_equal(rules_correction(s->r, &c, s->rep), 0);
    }
    if (s->nfed == s->capfed) {
        s->capfed = s->capfed != 0 ? s->capfed * 2 : 64;
        s->fed = realloc(s->fed, s->capfed * sizeof *s->fed);
        assert_non_null(s->fed);
    }
    fed *f = &s->fed[s->nfed++];
    f->index = index;
    memcpy(f->hash, h, sizeof h);
    f->case_id = has_case ? strdup(e->case_id) : NULL;
    assert_true(!has_case || f->case_id != NULL);
    f->key = a->key;
    e->author_key.data = NULL;
    e->author_key.len = 0;
    protobuf_c_message_free_unpacked(m, NULL);
}

/* rules_finish() as of as_of, then the report's JSON findings. */
static void finish(scenario *s, int64_t as_of)
{
    assert_int_equal(rules_finish(s->r, as_of, s->rep), 0);
    assert_int_equal(fflush(stdout), 0);
    FILE *out = tmpfile();
    assert_non_null(out);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(out), STDOUT_FILENO) >= 0);
    lh_err err = {{0}};
    int rc = report_finish(s->rep, &err);
    fflush(stdout);
    assert_true(dup2(saved, STDOUT_FILENO) >= 0);
    close(saved);
    assert_int_equal(rc, 0);
    rewind(out);
    json_error_t jerr;
    json_t *doc = json_loadf(out, 0, &jerr);
    fclose(out);
    if (doc == NULL)
        fail_msg("report JSON: %s (line %d)", jerr.text, jerr.line);
    json_t *f = json_object_get(doc, "findings");
    assert_true(json_is_array(f));
    s->findings = json_incref(f);
    json_decref(doc);
    /* Regulation findings are never failures (docs/design.md: exit 2, not 1). */
    assert_int_equal(report_failures(s->rep), 0);
    assert_int_equal(report_findings(s->rep), json_array_size(s->findings));
}

/* One expected finding; zh and en, when not NULL, are substrings the
 * sentences must hold. */
typedef struct want {
    const char *rule;
    uint64_t index;
    const char *case_id;
    const char *author;
    const char *zh;
    const char *en;
} want;

static const char *article_of(const char *rule)
{
    static const char *const articles[] = {"B§3",        "B§3",       "A§10(1)", "A§10(1)",
                                           "A§10(2)(3)", "A§10(3)",   "A§11",    "A§10(3)",
                                           "B§7",        "B§3, B§12", "B§3",     "B§12"};
    int n = atoi(rule + 1);
    assert_true(n >= 1 && n <= 12);
    return articles[n - 1];
}

static const char *str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v != NULL ? v : "";
}

static bool matches(const json_t *f, const want *w)
{
    const json_t *index = json_object_get(f, "index");
    return strcmp(str(f, "check"), w->rule) == 0 && json_is_integer(index) &&
           (uint64_t)json_integer_value(index) == w->index &&
           strcmp(str(f, "case_id"), w->case_id) == 0 &&
           strcmp(str(f, "article"), article_of(w->rule)) == 0 &&
           (w->author == NULL || strcmp(str(f, "author"), w->author) == 0) &&
           (w->zh == NULL || strstr(str(f, "zh"), w->zh) != NULL) &&
           (w->en == NULL || strstr(str(f, "en"), w->en) != NULL);
}

static void print_findings(const scenario *s)
{
    size_t i;
    json_t *f;
    json_array_foreach(s->findings, i, f)
    {
        print_message(
            "  finding %zu: %s #%" JSON_INTEGER_FORMAT " case %s by %s [%s]\n    %s\n    %s\n", i,
            str(f, "check"), json_integer_value(json_object_get(f, "index")), str(f, "case_id"),
            str(f, "author"), str(f, "article"), str(f, "zh"), str(f, "en"));
    }
}

/* Exactly the findings in want[0..n), in any order. */
static void expect(const scenario *s, const want *w, size_t n)
{
    size_t count = json_array_size(s->findings);
    bool used[64] = {false};
    assert_true(count <= 64);
    if (count != n) {
        print_findings(s);
        fail_msg("%zu findings, want %zu", count, n);
    }
    for (size_t k = 0; k < n; k++) {
        size_t i;
        json_t *f;
        bool found = false;
        json_array_foreach(s->findings, i, f)
        {
            if (!used[i] && matches(f, &w[k])) {
                used[i] = found = true;
                break;
            }
        }
        if (!found) {
            print_findings(s);
            fail_msg("no finding %s at entry %" PRIu64 " of case %s (zh \"%s\", en \"%s\")",
                     w[k].rule, w[k].index, w[k].case_id, w[k].zh ? w[k].zh : "",
                     w[k].en ? w[k].en : "");
        }
    }
    size_t i;
    json_t *f;
    json_array_foreach(s->findings, i, f)
    {
        assert_true(strlen(str(f, "zh")) > 0);
        assert_true(strlen(str(f, "en")) > 0);
        assert_true(strlen(str(f, "author")) > 0);
    }
}

#define EXPECT(s, ...)                                                                             \
    do {                                                                                           \
        const want w_[] = {__VA_ARGS__};                                                           \
        expect((s), w_, sizeof w_ / sizeof w_[0]);                                                 \
    } while (0)

static void expect_none(const scenario *s)
{
    expect(s, NULL, 0);
}

/* ---- record bodies -------------------------------------------------------------------------- */

/* The record bodies below are printf formats followed by their arguments,
 * for feed(): the case id is an argument, so that it may be built at run
 * time. */

/* A complete interference record (R1, R2 satisfied). */
#define INTERFERENCE_OK(c, at)                                                                           \
    "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"%s\",\"interference\":{"                              \
    "\"occurred_at\":%" PRId64 ",\"place\":\"局办公室\",\"person\":{\"name\":\"张三\","            \
    "\"relation\":\"RELATION_RETIRED\"},\"manner\":\"MANNER_PHONE\",\"content\":\"为当事人说情\"," \
    "\"reported_to\":\"REPORTED_TO_LEGAL_SECTION\"}}",                                                   \
        (const char *)(c), (int64_t)(at)

/* A decision (R5, R6, R7 satisfied once its case has an assignment and a step). */
#define DECISION_OK(c, at)                                                                            \
    "{\"kind\":\"KIND_DECISION\",\"case_id\":\"%s\",\"decision\":{\"decided_at\":%" PRId64            \
    ",\"collective_discussion\":{\"held_at\":%" PRId64 ",\"participants\":[{\"name\":\"赵局长\"}," \
    "{\"name\":\"孙副局长\"}]}}}",                                                                    \
        (const char *)(c), (int64_t)(at), (int64_t)(at)

#define ASSIGNED(c, at)                                                                            \
    "{\"kind\":\"KIND_INVESTIGATION_ASSIGNED\",\"case_id\":\"%s\","                                \
    "\"investigation_assigned\":{\"assigned_at\":%" PRId64 "}}",                                   \
        (const char *)(c), (int64_t)(at)

#define STEP(c, at)                                                                                \
    "{\"kind\":\"KIND_INVESTIGATION_STEP\",\"case_id\":\"%s\","                                    \
    "\"investigation_step\":{\"method\":\"INVESTIGATION_METHOD_REVIEW_FILES\","                    \
    "\"conducted_at\":%" PRId64 "}}",                                                              \
        (const char *)(c), (int64_t)(at)

#define COMPLAINT(c, jurisdiction, at)                                                             \
    "{\"kind\":\"KIND_COMPLAINT\",\"case_id\":\"%s\",\"complaint\":{\"received_at\":%" PRId64      \
    ",\"summary\":\"投诉执法人员\",\"jurisdiction\":\"JURISDICTION_" jurisdiction "\"}}",          \
        (const char *)(c), (int64_t)(at)

/* ---- R1, R2: interference (B§3) ------------------------------------------------------------- */

static void test_r1_elements(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &handler, T0, INTERFERENCE_OK("QJ-1", T0 - H));
    /* No place, no manner. */
    feed(&s, 2, &handler, T0 + H,
         "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"QJ-2\",\"interference\":{"
         "\"occurred_at\":%" PRId64 ",\"person\":{\"name\":\"张三\",\"relation\":"
         "\"RELATION_ON_STAFF\"},\"content\":\"打探案情\",\"reported_to\":"
         "\"REPORTED_TO_LEGAL_SECTION\"}}",
         T0);
    /* A person without name or relation; place only white space; no time,
     * no content. */
    feed(&s, 3, &handler, T0 + 2 * H,
         "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"QJ-3\",\"interference\":{"
         "\"place\":\" \\u3000\",\"person\":{\"unit\":\"某科室\"},\"manner\":\"MANNER_ORAL\","
         "\"reported_to\":\"REPORTED_TO_BUREAU_HEAD\"}}");
    /* No person at all. */
    feed(&s, 4, &handler, T0 + 3 * H,
         "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"QJ-4\",\"interference\":{"
         "\"occurred_at\":%" PRId64 ",\"place\":\"电话\",\"manner\":\"MANNER_PHONE\","
         "\"content\":\"说情\",\"reported_to\":\"REPORTED_TO_LEGAL_SECTION\"}}",
         T0 + 2 * H);
    finish(&s, T0 + 4 * H);
    EXPECT(&s, {"R1", 2, "QJ-2", "王办案", "缺少要素：地点、方式", "lacks: place, manner"},
           {"R1", 3, "QJ-3", "王办案", "时间、地点、人物姓名、人物与本机关的关系（B§2）、内容",
            "time (occurred_at), place, the person's name, the person's relation to the bureau "
            "(B§2), content"},
           {"R1", 4, "QJ-4", "王办案", "缺少要素：人物（", "lacks: person ("});
    stop(&s);
}

static void test_r2_reported_to(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 7, &handler, T0,
         "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"QJ-1\",\"interference\":{"
         "\"occurred_at\":%" PRId64 ",\"place\":\"局办公室\",\"person\":{\"name\":\"张三\","
         "\"relation\":\"RELATION_RETIRED\"},\"manner\":\"MANNER_PHONE\",\"content\":\"说情\","
         "\"reported_at\":%" PRId64 "}}",
         T0 - H, T0);
    feed(&s, 8, &legal, T0 + H, INTERFERENCE_OK("QJ-2", T0));
    finish(&s, T0 + H);
    EXPECT(&s, {"R2", 7, "QJ-1", "王办案", "未写明向谁报告", "to whom it was reported"});
    stop(&s);
}

/* ---- R3, R4: complaints (A§10(1)) ----------------------------------------------------------- */

static void test_r3_transfer_in_time(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, COMPLAINT("TS-1", "TO_TRANSFER", T0));
    feed(&s, 2, &legal, T0 + 47 * H,
         "{\"kind\":\"KIND_TRANSFER\",\"case_id\":\"TS-1\",\"transfer\":{\"complaint\":\"%s\","
         "\"to_authority\":\"区市场监管局\",\"transferred_at\":%" PRId64 "}}",
         h64(1), T0 + 47 * H);
    /* Exactly at the deadline is in time; an empty `complaint` means the
     * case's first complaint. */
    feed(&s, 3, &legal, T0 + H, COMPLAINT("TS-2", "TO_TRANSFER", T0 + H));
    feed(&s, 4, &legal, T0 + 49 * H,
         "{\"kind\":\"KIND_TRANSFER\",\"case_id\":\"TS-2\",\"transfer\":{"
         "\"to_authority\":\"区市场监管局\",\"transferred_at\":%" PRId64 "}}",
         T0 + 49 * H);
    /* An accepted complaint is answered, not transferred: no R3 ever. */
    feed(&s, 5, &legal, T0, COMPLAINT("TS-3", "ACCEPTED", T0));
    feed(&s, 6, &legal, T0 + 10 * D,
         "{\"kind\":\"KIND_REPLY\",\"case_id\":\"TS-3\",\"reply\":{\"complaint\":\"%s\","
         "\"replied_at\":%" PRId64 "}}",
         h64(5), T0 + 10 * D);
    finish(&s, T0 + 30 * D);
    expect_none(&s);
    stop(&s);
}

static void test_r3_transfer_late(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* Received 2 h before it was logged; transferred 50 h after receipt. */
    feed(&s, 10, &legal, T0 + 2 * H,
         "{\"kind\":\"KIND_COMPLAINT\",\"case_id\":\"TS-9\",\"complaint\":{\"received_at\":"
         "%" PRId64 ",\"jurisdiction\":\"JURISDICTION_TO_TRANSFER\"}}",
         T0);
    feed(&s, 11, &handler, T0 + 3 * H, INTERFERENCE_OK("OTHER", T0 + 3 * H));
    feed(&s, 12, &legal, T0 + 50 * H,
         "{\"kind\":\"KIND_TRANSFER\",\"case_id\":\"TS-9\",\"transfer\":{\"complaint\":\"%s\"}}",
         h64(10));
    finish(&s, T0 + 60 * H);
    EXPECT(&s, {"R3", 12, "TS-9", "李法规", "第10条）收到于2026-04-10 08:00:00 +08:00",
                "transferred 2026-04-12 10:00:00 +08:00, 2 h late"});
    stop(&s);
}

static void test_r3_not_transferred(void **state)
{
    (void)state;
    /* Without received_at, the complaint's integration time is its receipt. */
    const char *c = "{\"kind\":\"KIND_COMPLAINT\",\"case_id\":\"TS-5\",\"complaint\":{"
                    "\"jurisdiction\":\"JURISDICTION_TO_TRANSFER\"}}";
    scenario s;
    /* As of 47 h: not overdue yet, but open (R4). */
    start(&s, 0);
    feed(&s, 3, &legal, T0, "%s", c);
    finish(&s, T0 + 47 * H);
    EXPECT(&s, {"R4", 3, "TS-5", "李法规", "已1天23小时", "open for 1 d 23 h"});
    stop(&s);
    /* As of 3 days: overdue by a day, and open. */
    start(&s, 0);
    feed(&s, 3, &legal, T0, "%s", c);
    finish(&s, T0 + 3 * D);
    EXPECT(&s,
           {"R3", 3, "TS-5", "李法规", "截至2026-04-13 08:00:00 +08:00仍未转送，已超期1天",
            "no TRANSFER as of 2026-04-13 08:00:00 +08:00, 1 d overdue"},
           {"R4", 3, "TS-5", "李法规", "尚未答复或转送", "open for 3 d"});
    stop(&s);
    /* A REPLY answers it (no R4) but does not transfer it (R3). */
    start(&s, 0);
    feed(&s, 3, &legal, T0, "%s", c);
    feed(&s, 4, &legal, T0 + H, "{\"kind\":\"KIND_REPLY\",\"case_id\":\"TS-5\",\"reply\":{}}");
    finish(&s, T0 + 3 * D);
    EXPECT(&s, {"R3", 3, "TS-5", "李法规", "仍未转送", "1 d overdue"});
    stop(&s);
}

static void test_r4_open_and_answered(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, COMPLAINT("C-1", "ACCEPTED", T0));
    feed(&s, 2, &legal, T0 + H, COMPLAINT("C-2", "ACCEPTED", T0 + H));
    feed(&s, 3, &legal, T0 + 2 * H,
         "{\"kind\":\"KIND_REPLY\",\"case_id\":\"C-2\",\"reply\":{\"complaint\":\"%s\"}}", h64(2));
    /* Two complaints in one case; the reply names the second, the first
     * stays open. */
    feed(&s, 4, &legal, T0, COMPLAINT("C-3", "ACCEPTED", T0));
    feed(&s, 5, &legal, T0 + H, COMPLAINT("C-3", "ACCEPTED", T0 + H));
    feed(&s, 6, &legal, T0 + 2 * H,
         "{\"kind\":\"KIND_REPLY\",\"case_id\":\"C-3\",\"reply\":{\"complaint\":\"%s\"}}", h64(5));
    finish(&s, T0 + 3 * D + 5 * M);
    EXPECT(&s, {"R4", 1, "C-1", "李法规", "已3天5分钟", "open for 3 d 5 min"},
           {"R4", 4, "C-3", "李法规", "收到于2026-04-10 08:00:00 +08:00", NULL});
    stop(&s);
}

static void test_r4_dangling_answers(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, COMPLAINT("C-1", "ACCEPTED", T0));
    /* A reply naming an entry that is no complaint. */
    feed(&s, 2, &legal, T0 + H,
         "{\"kind\":\"KIND_REPLY\",\"case_id\":\"C-1\",\"reply\":{\"complaint\":\"%s\"}}", h64(99));
    /* A reply in a case without complaint, naming none. */
    feed(&s, 3, &handler, T0, INTERFERENCE_OK("I-1", T0));
    feed(&s, 4, &legal, T0 + H, "{\"kind\":\"KIND_REPLY\",\"case_id\":\"I-1\",\"reply\":{}}");
    /* A transfer recorded in another case than its complaint: it answers
     * the complaint all the same. */
    feed(&s, 5, &legal, T0, COMPLAINT("C-2", "TO_TRANSFER", T0));
    feed(&s, 6, &legal, T0 + H,
         "{\"kind\":\"KIND_TRANSFER\",\"case_id\":\"I-1\",\"transfer\":{\"complaint\":\"%s\"}}",
         h64(5));
    finish(&s, T0 + D);
    EXPECT(&s, {"R4", 2, "C-1", "李法规", "不是日志中此前的投诉记录", "no earlier COMPLAINT"},
           {"R4", 1, "C-1", "李法规", "尚未答复或转送", "open for 1 d"},
           {"R4", 4, "I-1", "李法规", "此前没有投诉记录", "its case has no earlier COMPLAINT"},
           {"R4", 6, "I-1", "李法规", "属于案件C-2", "belongs to case C-2"});
    stop(&s);
}

/* ---- R5, R6, R7: decisions (A§10(2)(3), A§11) ----------------------------------------------- */

static void test_r5_investigation_first(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* Case A: assignment and step, then the decision: fine. */
    feed(&s, 1, &legal, T0, COMPLAINT("A", "ACCEPTED", T0));
    feed(&s, 2, &leader, T0 + H, ASSIGNED("A", T0 + H));
    feed(&s, 3, &investigator, T0 + 2 * H, STEP("A", T0 + 2 * H));
    feed(&s, 4, &leader, T0 + 3 * H, DECISION_OK("A", T0 + 3 * H));
    /* Case B: a decision before anything; the assignment and step of case
     * A and the later ones of B do not count. */
    feed(&s, 5, &legal, T0, COMPLAINT("B", "ACCEPTED", T0));
    feed(&s, 6, &leader, T0 + 4 * H, DECISION_OK("B", T0 + 4 * H));
    feed(&s, 7, &leader, T0 + 5 * H, ASSIGNED("B", T0 + 5 * H));
    /* Case B, second decision: assigned, but no step yet. */
    feed(&s, 8, &leader, T0 + 6 * H, DECISION_OK("B", T0 + 6 * H));
    feed(&s, 9, &legal, T0 + 7 * H, STEP("B", T0 + 7 * H));
    /* Third decision: both seen. */
    feed(&s, 10, &leader, T0 + 8 * H, DECISION_OK("B", T0 + 8 * H));
    feed(&s, 11, &legal, T0 + 9 * H,
         "{\"kind\":\"KIND_REPLY\",\"case_id\":\"A\",\"reply\":{\"complaint\":\"%s\"}}", h64(1));
    feed(&s, 12, &legal, T0 + 9 * H,
         "{\"kind\":\"KIND_REPLY\",\"case_id\":\"B\",\"reply\":{\"complaint\":\"%s\"}}", h64(5));
    finish(&s, T0 + 10 * H);
    EXPECT(&s,
           {"R5", 6, "B", "赵局长", "本案没有指派调查组、调查记录",
            "with no INVESTIGATION_ASSIGNED and no INVESTIGATION_STEP earlier in its case"},
           {"R5", 8, "B", "赵局长", "本案没有调查记录",
            "with no INVESTIGATION_STEP earlier in its case"});
    stop(&s);
}

static void test_r6_collective_discussion(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &leader, T0, ASSIGNED("A", T0));
    feed(&s, 2, &investigator, T0, STEP("A", T0));
    feed(&s, 3, &leader, T0 + H, DECISION_OK("A", T0 + H));
    feed(&s, 4, &leader, T0 + 2 * H,
         "{\"kind\":\"KIND_DECISION\",\"case_id\":\"A\",\"decision\":{\"decided_at\":%" PRId64 "}}",
         T0 + 2 * H);
    /* A discussion without time, and with participants that have no name. */
    feed(&s, 5, &leader, T0 + 3 * H,
         "{\"kind\":\"KIND_DECISION\",\"case_id\":\"A\",\"decision\":{\"decided_at\":%" PRId64
         ",\"collective_discussion\":{\"participants\":[{\"position\":\"副局长\"}],"
         "\"conclusion\":\"同意\"}}}",
         T0 + 3 * H);
    /* A time and one named participant are enough. */
    feed(&s, 6, &leader, T0 + 4 * H,
         "{\"kind\":\"KIND_DECISION\",\"case_id\":\"A\",\"decision\":{\"decided_at\":%" PRId64
         ",\"collective_discussion\":{\"held_at\":%" PRId64 ",\"participants\":[{\"position\":"
         "\"副局长\"},{\"name\":\"孙副局长\"}]}}}",
         T0 + 4 * H, T0 + 3 * H);
    finish(&s, T0 + 5 * H);
    EXPECT(&s, {"R6", 4, "A", "赵局长", "缺少集体讨论记录", "missing collective_discussion"},
           {"R6", 5, "A", "赵局长", "缺少讨论时间、参加人员",
            "missing collective_discussion.held_at, collective_discussion.participants"});
    stop(&s);
}

static void test_r7_wrongful_case(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &leader, T0, ASSIGNED("W", T0));
    feed(&s, 2, &investigator, T0, STEP("W", T0));
#define WRONGFUL(responsible)                                                                      \
    "{\"kind\":\"KIND_DECISION\",\"case_id\":\"W\",\"decision\":{\"wrongful_case\":true,"          \
    "\"responsible\":" responsible ",\"collective_discussion\":{\"held_at\":%" PRId64              \
    ",\"participants\":[{\"name\":\"赵局长\"}]},\"decided_at\":%" PRId64 "}}",                     \
        T0 + H, T0 + H
    /* Named, with A§11 sanctions: fine. So is a named person exempted
     * without sanction (A§8). */
    feed(&s, 3, &leader, T0 + H,
         WRONGFUL("[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                  "\"SANCTION_WRITTEN_SELF_EXAMINATION\",\"SANCTION_CIRCULATED_CRITICISM\"]},"
                  "{\"person\":{\"name\":\"吴执法\"},\"leniency\":\"LENIENCY_EXEMPT\"}]"));
    /* Nobody named. */
    feed(&s, 4, &leader, T0 + H,
         WRONGFUL("[{\"responsibility\":\"主要责任\",\"sanctions\":"
                  "[\"SANCTION_ADMINISTRATIVE_SANCTION\"]}]"));
    /* A sanction A§11 does not list. */
    feed(&s, 5, &leader, T0 + H,
         WRONGFUL("[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                  "\"SANCTION_REMOVED_FROM_POST\",\"SANCTION_OTHER\"]}]"));
    /* Not a wrongful case: nothing to name. */
    feed(&s, 6, &leader, T0 + H, DECISION_OK("W", T0 + H));
    feed(&s, 7, &leader, T0 + H,
         "{\"kind\":\"KIND_DECISION\",\"case_id\":\"W\",\"decision\":{\"wrongful_case\":true,"
         "\"collective_discussion\":{\"held_at\":%" PRId64 ",\"participants\":[{\"name\":"
         "\"赵局长\"}]},\"decided_at\":%" PRId64 "}}",
         T0 + H, T0 + H);
#undef WRONGFUL
    finish(&s, T0 + 2 * H);
    EXPECT(&s, {"R7", 4, "W", "赵局长", "未列明责任人姓名", "names no responsible person"},
           {"R7", 5, "W", "赵局长", "责任人周执法的责任追究方式“其他”不属于A§11规定的种类",
            "responsible[0] (周执法) has sanction SANCTION_OTHER, not one of A§11's"},
           {"R7", 7, "W", "赵局长", "未列明责任人姓名", "names no responsible person"});
    stop(&s);
}

/* ---- R8: review within one month (A§10(3)) -------------------------------------------------- */

#define REVIEW_OF(c, decision_b64, at)                                                             \
    "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"%s\",\"review_order\":{\"decision\":\"%s\","    \
    "\"action\":\"REVIEW_ACTION_REINVESTIGATE\",\"ordered_at\":%" PRId64 "}}",                     \
        (const char *)(c), (const char *)(decision_b64), (int64_t)(at)

/* An assignment, a step and a decision of case c, all at `decided`, as
 * entries first .. first + 2. */
static void decided_case(scenario *s, const char *c, uint64_t first, int64_t decided)
{
    feed(s, first, &leader, decided, ASSIGNED(c, decided));
    feed(s, first + 1, &investigator, decided, STEP(c, decided));
    feed(s, first + 2, &leader, decided, DECISION_OK(c, decided));
}

static void test_r8_within_month(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* Decided 2026-04-10 08:00 +08:00: the month ends 2026-05-10 24:00. */
    decided_case(&s, "R-29", 1, T0);
    feed(&s, 4, &leader, T0 + 29 * D, REVIEW_OF("R-29", h64(3), T0 + 29 * D));
    decided_case(&s, "R-31", 10, T0);
    feed(&s, 13, &leader, T0 + 31 * D, REVIEW_OF("R-31", h64(12), T0 + 31 * D));
    /* The last moment of the month is in time, a millisecond after is not. */
    decided_case(&s, "R-END", 20, T0);
    feed(&s, 23, &leader, T0 + 30 * D + 16 * H, REVIEW_OF("R-END", h64(22), T0 + 30 * D + 16 * H));
    decided_case(&s, "R-END1", 30, T0);
    feed(&s, 33, &leader, T0 + 30 * D + 16 * H,
         REVIEW_OF("R-END1", h64(32), T0 + 30 * D + 16 * H + 1));
    finish(&s, T0 + 40 * D);
    EXPECT(&s,
           {"R8", 13, "R-31", "赵局长",
            "处理决定（第12条，2026-04-10 08:00:00 +08:00）后1个月内作出，期限至2026-05-11 "
            "00:00:00 +08:00，实际于2026-05-11 08:00:00 +08:00，超期8小时",
            "by 2026-05-11 00:00:00 +08:00; it came 2026-05-11 08:00:00 +08:00, 8 h late"},
           {"R8", 33, "R-END1", "赵局长", "超期1毫秒", "1 ms late"});
    stop(&s);
}

static void test_r8_calendar_month(void **state)
{
    (void)state;
    /* 2026-01-31 10:00 +08:00: February has no 31st, so the month ends on
     * 2026-02-28 at 24:00; 29 days later (2026-03-01) is late. */
    const int64_t jan31 = INT64_C(1769824800000);
    scenario s;
    start(&s, 0);
    decided_case(&s, "FEB", 1, jan31);
    feed(&s, 4, &leader, jan31 + 28 * D, REVIEW_OF("FEB", h64(3), jan31 + 28 * D));
    feed(&s, 5, &leader, jan31 + 29 * D, REVIEW_OF("FEB", h64(3), jan31 + 29 * D));
    finish(&s, jan31 + 29 * D);
    EXPECT(&s, {"R8", 5, "FEB", "赵局长", "期限至2026-03-01 00:00:00 +08:00",
                "it came 2026-03-01 10:00:00 +08:00, 10 h late"});
    stop(&s);
}

static void test_r8_which_decision(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* No decision in the case. */
    feed(&s, 1, &handler, T0, INTERFERENCE_OK("N", T0));
    feed(&s, 2, &leader, T0 + H,
         "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"N\",\"review_order\":{\"ordered_at\":"
         "%" PRId64 "}}",
         T0 + H);
    /* Without `decision`, the case's latest decision counts: the second
     * one, 20 days before, not the first, 40 days before. */
    decided_case(&s, "L", 10, T0);
    feed(&s, 13, &leader, T0 + 20 * D, DECISION_OK("L", T0 + 20 * D));
    feed(&s, 14, &leader, T0 + 40 * D,
         "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"L\",\"review_order\":{\"ordered_at\":"
         "%" PRId64 "}}",
         T0 + 40 * D);
    /* A decision hash that names no decision, and one of another case. */
    feed(&s, 15, &leader, T0 + 41 * D, REVIEW_OF("L", h64(10), T0 + 41 * D));
    feed(&s, 16, &leader, T0 + 41 * D, REVIEW_OF("N", h64(13), T0 + 41 * D));
    finish(&s, T0 + 41 * D);
    EXPECT(&s, {"R8", 2, "N", "赵局长", "此前没有处理决定", "without any earlier DECISION"},
           {"R8", 15, "L", "赵局长", "不是日志中此前的处理决定", "no earlier DECISION"},
           {"R8", 16, "N", "赵局长", "（第13条）属于案件L", "(entry 13) belongs to case L"});
    stop(&s);
}

/* ---- R9: guidance (B§7) --------------------------------------------------------------------- */

#define GUIDANCE(c, form)                                                                          \
    "{\"kind\":\"KIND_GUIDANCE\",\"case_id\":\"%s\",\"guidance\":{" form                           \
    "\"basis\":\"GUIDANCE_BASIS_LEADERSHIP_SUPERVISION\",\"content\":\"依法从快办理\"}}",          \
        (const char *)(c)

static void test_r9_guidance(void **state)
{
    (void)state;
    static author leader_handler = {"钱科长", ROLE(LEADER) | ROLE(HANDLER), {9}};
    scenario s;
    start(&s, 0);
    feed(&s, 1, &leader, T0, GUIDANCE("G-1", "\"form\":\"GUIDANCE_FORM_WRITTEN\","));
    feed(&s, 2, &handler, T0, GUIDANCE("G-2", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    feed(&s, 3, &handler, T0, GUIDANCE("G-3", "\"form\":\"GUIDANCE_FORM_WRITTEN\","));
    feed(&s, 4, &leader_handler, T0, GUIDANCE("G-4", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    /* A leader entering oral guidance; a legal officer doing it; no form. */
    feed(&s, 5, &leader, T0, GUIDANCE("G-5", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    feed(&s, 6, &legal, T0, GUIDANCE("G-6", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    feed(&s, 7, &handler, T0, GUIDANCE("G-7", ""));
    finish(&s, T0);
    EXPECT(&s, {"R9", 5, "G-5", "赵局长", "局领导赵局长以口头形式", "leader 赵局长 entered oral"},
           {"R9", 6, "G-6", "李法规", "记录人李法规不具有办案人员角色",
            "李法规 does not hold the handler role"},
           {"R9", 7, "G-7", "王办案", "未写明形式", "does not state its form"});
    stop(&s);
}

/* ---- R10: late recording (B§3, B§12) -------------------------------------------------------- */

static void test_r10_event_recorded_late(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0); /* the default threshold, 24 h */
    /* Recorded 23 h after the interference: fine; 25 h: late. */
    feed(&s, 1, &handler, T0 + 23 * H, INTERFERENCE_OK("L-1", T0));
    feed(&s, 2, &handler, T0 + 25 * H, INTERFERENCE_OK("L-2", T0));
    /* A decision dated 3 days ahead of its record. */
    feed(&s, 3, &leader, T0, ASSIGNED("L-3", T0));
    feed(&s, 4, &leader, T0, STEP("L-3", T0));
    feed(&s, 5, &leader, T0, DECISION_OK("L-3", T0 + 3 * D));
    /* Just over the threshold: the delay is shown precisely enough to be
     * seen to exceed it; exactly at it is not late. */
    feed(&s, 6, &handler, T0 + D + 5000, INTERFERENCE_OK("L-4", T0));
    feed(&s, 7, &handler, T0 + D + 1, INTERFERENCE_OK("L-5", T0));
    feed(&s, 8, &handler, T0 + D, INTERFERENCE_OK("L-6", T0));
    finish(&s, T0 + 3 * D);
    EXPECT(&s,
           {"R10", 6, "L-4", "王办案", "迟延1天5秒（超过1天）", "1 d 5 s later (more than 1 d)"},
           {"R10", 7, "L-5", "王办案", "迟延1天1毫秒（超过1天）", "1 d 1 ms later (more than 1 d)"},
           {"R10", 2, "L-2", "王办案", "事后补记：干预插手记录的时间为2026-04-10 08:00:00 +08:00",
            "late record: interference.occurred_at is 2026-04-10 08:00:00 +08:00 but "
            "recorded_at is 2026-04-11 09:00:00 +08:00, 1 d 1 h later (more than 1 d)"},
           {"R10", 5, "L-3", "赵局长", "记录时间早于所记事件",
            "recorded before the event: decision.decided_at"});
    stop(&s);
    /* With --late-after 2 days, 25 h is not late. */
    start(&s, 2 * D);
    feed(&s, 2, &handler, T0 + 25 * H, INTERFERENCE_OK("L-2", T0));
    finish(&s, T0 + 25 * H);
    expect_none(&s);
    stop(&s);
}

static void test_r10_integrated_late(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* recorded_at 2 days before the log integrated it, and 2 days after;
     * then 23 h either way, which is fine. The body has no event time. */
#define CLOSED(c, recorded)                                                                        \
    "{\"kind\":\"KIND_CASE_CLOSED\",\"case_id\":\"%s\",\"recorded_at\":%" PRId64                   \
    ",\"case_closed\":{\"summary\":\"结案\"}}",                                                    \
        (const char *)(c), (int64_t)(recorded)
    feed(&s, 1, &legal, T0 + 2 * D, CLOSED("K-1", T0));
    feed(&s, 2, &legal, T0, CLOSED("K-2", T0 + 2 * D));
    feed(&s, 3, &legal, T0 + 23 * H, CLOSED("K-3", T0));
    feed(&s, 4, &legal, T0, CLOSED("K-4", T0 + 23 * H));
#undef CLOSED
    finish(&s, T0 + 2 * D);
    EXPECT(&s,
           {"R10", 1, "K-1", "李法规",
            "记录后迟迟入账：记录时间为2026-04-10 08:00:00 +08:00，日志入账时间为2026-04-12 "
            "08:00:00 +08:00，相隔2天（超过1天）",
            "integrated late: recorded_at is 2026-04-10 08:00:00 +08:00 but integrated_at is "
            "2026-04-12 08:00:00 +08:00, 2 d later (more than 1 d)"},
           {"R10", 2, "K-2", "李法规",
            "记录时间晚于入账时间：日志入账时间为2026-04-10 08:00:00 +08:00，记录时间为2026-04-12 "
            "08:00:00 +08:00，晚2天",
            "recorded_at in the future: integrated_at is 2026-04-10 08:00:00 +08:00 but "
            "recorded_at is 2026-04-12 08:00:00 +08:00, 2 d later"});
    stop(&s);
}

/* ---- R11: corrections (B§3) ----------------------------------------------------------------- */

#define CORRECTS(c, b64)                                                                           \
    "{\"kind\":\"KIND_CORRECTION\",\"case_id\":\"%s\",\"correction\":{\"corrects\":\"%s\","        \
    "\"changes\":[{\"field\":\"interference.place\",\"old_value\":\"局办公室\",\"new_value\":" \
    "\"局会议室\"}],\"reason\":\"地点记错\"}}",                                                    \
        (const char *)(c), (const char *)(b64)

static void test_r11_corrections(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 0, &admin, T0,
         "{\"kind\":\"KIND_KEY_ENROLL\",\"key_enroll\":{\"public_key\":\"%s\",\"holder\":"
         "\"王办案\",\"roles\":[\"ROLE_HANDLER\"]}}",
         k64(&handler));
    feed(&s, 1, &handler, T0, INTERFERENCE_OK("X", T0));
    feed(&s, 2, &handler2, T0, INTERFERENCE_OK("X", T0));
    feed(&s, 3, &handler, T0, INTERFERENCE_OK("Y", T0));
    /* Its own entry of the same case: fine. */
    feed(&s, 4, &handler, T0 + H, CORRECTS("X", h64(1)));
    /* Another author's entry; an entry of another case; both at once; an
     * unknown hash; a key-management entry; the correction itself cannot
     * be named before it exists. */
    feed(&s, 5, &handler, T0 + H, CORRECTS("X", h64(2)));
    feed(&s, 6, &handler, T0 + H, CORRECTS("X", h64(3)));
    feed(&s, 7, &handler2, T0 + H, CORRECTS("Y", h64(1)));
    feed(&s, 8, &handler, T0 + H, CORRECTS("X", h64(100)));
    feed(&s, 9, &handler, T0 + H, CORRECTS("X", h64(0)));
    feed(&s, 10, &handler, T0 + H, CORRECTS("X", h64(10)));
    finish(&s, T0 + H);
    EXPECT(&s,
           {"R11", 5, "X", "王办案", "由陈办案记录，更正人王办案不是原记录人",
            "recorded by 陈办案: 王办案 is not its author"},
           {"R11", 6, "X", "王办案", "属于案件Y而不是本案", "of case Y, not of this case"},
           {"R11", 7, "Y", "陈办案", "属于案件X而不是本案，且由王办案记录",
            "of case X, not of this case, and recorded by 王办案"},
           {"R11", 8, "X", "王办案", "不是日志中此前的记录", "no earlier entry of the log"},
           {"R11", 9, "X", "王办案", "是密钥管理记录", "a key-management entry"},
           {"R11", 10, "X", "王办案", "不是日志中此前的记录", "no earlier entry of the log"});
    stop(&s);
}

/* ---- R12: notified twice for not recording (B§12) ------------------------------------------- */

#define NOT_RECORDED(person, measures)                                                             \
    "{\"kind\":\"KIND_NOTIFICATION\",\"case_id\":\"N-1\",\"notification\":{\"subject\":"           \
    "\"NOTIFICATION_SUBJECT_NOT_RECORDED\",\"person\":" person ",\"measures\":[" measures "]}}"

static void test_r12_once(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, NOT_RECORDED("{\"name\":\"王办案\"}", "\"MEASURE_WARNING\""));
    /* Another person; and the same person notified for something else. */
    feed(&s, 2, &legal, T0, NOT_RECORDED("{\"name\":\"陈办案\"}", "\"MEASURE_WARNING\""));
    feed(&s, 3, &legal, T0,
         "{\"kind\":\"KIND_NOTIFICATION\",\"case_id\":\"N-2\",\"notification\":{\"subject\":"
         "\"NOTIFICATION_SUBJECT_INTERFERENCE\",\"person\":{\"name\":\"王办案\"},\"measures\":"
         "[\"MEASURE_CIRCULATED_CRITICISM\"]}}");
    finish(&s, T0);
    expect_none(&s);
    stop(&s);
}

static void test_r12_twice(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, NOT_RECORDED("{\"name\":\"王办案\"}", "\"MEASURE_WARNING\""));
    feed(&s, 2, &legal, T0 + D,
         NOT_RECORDED("{\"name\":\"王办案\"}", "\"MEASURE_CIRCULATED_CRITICISM\""));
    /* The third time is referred: fine. */
    feed(&s, 3, &leader, T0 + 2 * D,
         NOT_RECORDED("{\"name\":\"王办案\"}",
                      "\"MEASURE_CIRCULATED_CRITICISM\",\"MEASURE_REFERRED_DISCIPLINE\""));
    finish(&s, T0 + 2 * D);
    EXPECT(&s, {"R12", 2, "N-1", "李法规",
                "王办案第2次因不记录或者不如实记录被通报（此前的通报：第1条）",
                "for the 2nd time (earlier notifications: entries 1)"});
    stop(&s);
    /* Referred from the second time: nothing to find. */
    start(&s, 0);
    feed(&s, 1, &legal, T0, NOT_RECORDED("{\"name\":\"王办案\"}", "\"MEASURE_WARNING\""));
    feed(&s, 2, &legal, T0,
         NOT_RECORDED("{\"name\":\"王办案\"}", "\"MEASURE_REFERRED_DISCIPLINE\""));
    finish(&s, T0);
    expect_none(&s);
    stop(&s);
}

static void test_r12_identity_by_key(void **state)
{
    (void)state;
    char p1[256], p2[256], p3[256];
    snprintf(p1, sizeof p1, "{\"name\":\"王办案\",\"public_key\":\"%s\"}", k64(&handler));
    snprintf(p2, sizeof p2, "{\"name\":\"王  办案\",\"public_key\":\"%s\"}", k64(&handler));
    snprintf(p3, sizeof p3, "{\"name\":\"王办案\",\"public_key\":\"%s\"}", k64(&handler2));
#define NOTIFY(person)                                                                             \
    "{\"kind\":\"KIND_NOTIFICATION\",\"case_id\":\"N-9\",\"notification\":{"                       \
    "\"subject\":\"NOTIFICATION_SUBJECT_NOT_RECORDED\",\"person\":%s,"                             \
    "\"measures\":[\"MEASURE_WARNING\"]}}",                                                        \
        (const char *)(person)
    scenario s;
    start(&s, 0);
    /* The same key under two spellings of the name is one person; the same
     * name with another key is another. Six times: the list of earlier
     * notifications is bounded. */
    feed(&s, 1, &legal, T0, NOTIFY(p1));
    feed(&s, 2, &legal, T0, NOTIFY(p3));
    for (uint64_t i = 3; i <= 7; i++)
        feed(&s, i, &legal, T0, NOTIFY(p2));
#undef NOTIFY
    finish(&s, T0);
    EXPECT(&s,
           {"R12", 3, "N-9", "李法规", "王  办案第2次",
            "for the 2nd time (earlier notifications: entries 1)"},
           {"R12", 4, "N-9", "李法规", "第3次", "3rd time (earlier notifications: entries 1, 3)"},
           {"R12", 5, "N-9", "李法规", "第4次", "4th"},
           {"R12", 6, "N-9", "李法规", "第1、3、4、5条）",
            "5th time (earlier notifications: "
            "entries 1, 3, 4, 5)"},
           {"R12", 7, "N-9", "李法规", "第1、3、4、5条等5次）",
            "6th time (earlier notifications: entries 1, 3, 4, 5 and 1 more)"});
    stop(&s);
}

/* ---- the whole: clean cases, isolation, hostile values -------------------------------------- */

static void test_clean_case(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 0, &admin, T0 - 30 * D,
         "{\"kind\":\"KIND_KEY_ENROLL\",\"recorded_at\":1,\"key_enroll\":{\"public_key\":\"%s\","
         "\"holder\":\"王办案\",\"roles\":[\"ROLE_HANDLER\"]}}",
         k64(&handler));
    feed(&s, 1, &legal, T0, COMPLAINT("QJ-2026-7", "ACCEPTED", T0 - H));
    feed(&s, 2, &handler, T0 + H, INTERFERENCE_OK("QJ-2026-7", T0));
    feed(&s, 3, &leader, T0 + 2 * H, ASSIGNED("QJ-2026-7", T0 + 2 * H));
    feed(&s, 4, &investigator, T0 + D, STEP("QJ-2026-7", T0 + D));
    feed(&s, 5, &leader, T0 + 5 * D, DECISION_OK("QJ-2026-7", T0 + 5 * D));
    feed(&s, 6, &legal, T0 + 6 * D,
         "{\"kind\":\"KIND_REPLY\",\"case_id\":\"QJ-2026-7\",\"reply\":{\"complaint\":\"%s\","
         "\"replied_at\":%" PRId64 "}}",
         h64(1), T0 + 6 * D);
    feed(&s, 7, &leader, T0 + 20 * D, REVIEW_OF("QJ-2026-7", h64(5), T0 + 20 * D));
    feed(&s, 8, &handler, T0 + 20 * D, CORRECTS("QJ-2026-7", h64(2)));
    feed(&s, 9, &legal, T0 + 21 * D,
         "{\"kind\":\"KIND_CASE_CLOSED\",\"case_id\":\"QJ-2026-7\",\"case_closed\":{"
         "\"closed_at\":%" PRId64 "}}",
         T0 + 21 * D);
    finish(&s, T0 + 100 * D);
    expect_none(&s);
    stop(&s);
}

static void test_hostile_values(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* Times at the ends of int64 are clamped, never overflow. */
    feed(&s, 1, &handler, INT64_MAX,
         "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"H\",\"recorded_at\":%" PRId64
         ",\"interference\":{\"occurred_at\":%" PRId64 "}}",
         INT64_MAX, INT64_MIN);
    feed(&s, 2, &legal, INT64_MAX, COMPLAINT("H", "TO_TRANSFER", INT64_MIN));
    feed(&s, 3, &legal, 1,
         "{\"kind\":\"KIND_TRANSFER\",\"case_id\":\"H\",\"transfer\":{\"transferred_at\":"
         "%" PRId64 "}}",
         INT64_MAX);
    feed(&s, 4, &leader, 1,
         "{\"kind\":\"KIND_DECISION\",\"case_id\":\"H\",\"recorded_at\":1,\"decision\":{"
         "\"decided_at\":%" PRId64 "}}",
         INT64_MAX);
    feed(&s, 5, &leader, 1,
         "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"H\",\"recorded_at\":1,\"review_order\":{"
         "\"ordered_at\":%" PRId64 "}}",
         INT64_MIN);
    /* A name and a case id longer than any sentence (entries from a log
     * are validated, these are not): the rules cut them into whole
     * characters. */
    static char name[3 * 1000 + 1], case_id[3 * 500 + 1];
    name[0] = case_id[0] = '\0';
    for (int i = 0; i < 1000; i++)
        strcat(name, "长");
    for (int i = 0; i < 500; i++)
        strcat(case_id, "案");
    static char json[8192];
    snprintf(json, sizeof json, NOT_RECORDED("{\"name\":\"%s\"}", "\"MEASURE_WARNING\""), name);
    feed(&s, 6, &legal, 1, "%s", json);
    feed(&s, 7, &legal, 1, "%s", json);
    feed(&s, 8, &handler, 1, INTERFERENCE_OK(case_id, 1));
    feed(&s, 9, &handler, 1, CORRECTS("H", h64(8)));
    finish(&s, INT64_MIN);
    /* Whatever they say, every sentence is valid UTF-8 (the JSON parsed,
     * and jansson refuses invalid UTF-8) and not empty. */
    size_t i;
    json_t *f;
    bool r11 = false, r12 = false;
    json_array_foreach(s.findings, i, f)
    {
        assert_true(strlen(str(f, "zh")) > 0 && strlen(str(f, "en")) > 0);
        r11 |= strcmp(str(f, "check"), "R11") == 0;
        r12 |= strcmp(str(f, "check"), "R12") == 0;
    }
    assert_true(r11 && r12);
    stop(&s);
    /* Bad arguments. */
    rules *r = NULL;
    rules_options bad = {.late_after_ms = -1};
    assert_int_equal(rules_new(&bad, &r), LH_EINVAL);
    assert_null(r);
    assert_int_equal(rules_new(NULL, &r), 0);
    assert_int_equal(rules_observe(r, NULL, NULL), LH_EINVAL);
    assert_int_equal(rules_correction(r, NULL, NULL), LH_EINVAL);
    rules_free(r);
    rules_free(NULL);
}

/* Many entries and cases, to grow every table; and a correction naming
 * each of them, which all match. */
static void test_many(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    const uint64_t n = 20000;
    char c[32];
    for (uint64_t i = 0; i < n; i++) {
        snprintf(c, sizeof c, "CASE-%" PRIu64, i % 3000);
        feed(&s, i, i % 2 ? &handler : &handler2, T0, INTERFERENCE_OK(c, T0));
    }
    for (uint64_t i = 0; i < n; i += 97) {
        snprintf(c, sizeof c, "CASE-%" PRIu64, i % 3000);
        feed(&s, n + i, i % 2 ? &handler : &handler2, T0, CORRECTS(c, h64(i)));
    }
    finish(&s, T0);
    expect_none(&s);
    stop(&s);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_r1_elements),
        cmocka_unit_test(test_r2_reported_to),
        cmocka_unit_test(test_r3_transfer_in_time),
        cmocka_unit_test(test_r3_transfer_late),
        cmocka_unit_test(test_r3_not_transferred),
        cmocka_unit_test(test_r4_open_and_answered),
        cmocka_unit_test(test_r4_dangling_answers),
        cmocka_unit_test(test_r5_investigation_first),
        cmocka_unit_test(test_r6_collective_discussion),
        cmocka_unit_test(test_r7_wrongful_case),
        cmocka_unit_test(test_r8_within_month),
        cmocka_unit_test(test_r8_calendar_month),
        cmocka_unit_test(test_r8_which_decision),
        cmocka_unit_test(test_r9_guidance),
        cmocka_unit_test(test_r10_event_recorded_late),
        cmocka_unit_test(test_r10_integrated_late),
        cmocka_unit_test(test_r11_corrections),
        cmocka_unit_test(test_r12_once),
        cmocka_unit_test(test_r12_twice),
        cmocka_unit_test(test_r12_identity_by_key),
        cmocka_unit_test(test_clean_case),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
