/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_rules.c — the regulation rules R1-R17 of liuhen-verify
 * (tools/liuhen-verify/rules.c, rules_record.c, rules_people.c,
 * rules_interference.c; docs/regulation.md "Rules the verifier checks").
 *
 * Each test feeds rules_observe() entries built here from JSON (pbjson), in
 * log order, with the index, entry id, integration time, author and roles
 * the verifier would give, then calls rules_finish() as of a time and reads
 * the findings back from the report's --json output. For R11 it also finds,
 * as the verifier's second pass does, the entry each CORRECTION names, and
 * calls rules_correction().
 *
 * For every rule, and every check a rule makes, there is a scenario that
 * triggers it, asserted exactly (rule, entry index, case, article, author,
 * and what the sentences say), and a close scenario that must not. That is
 * one scenario or more per check of seventeen rules on one harness, which
 * is why this file is longer than a thousand lines: splitting it would
 * mean two copies of the harness.
 *
 * Times: T0 is Friday 2026-04-10 08:00 in Beijing time; at() reads others.
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

#include "calendar.h"
#include "deadline.h"
#include "entry.h"
#include "errors.h"
#include "pbjson.h"
#include "report.h"
#include "required.h"
#include "role.h"
#include "rules.h"

/* Friday 2026-04-10 08:00:00 +08:00, the start of most scenarios. */
#define T0 INT64_C(1775779200000)
#define M  INT64_C(60000)
#define H  (60 * M)
#define D  (24 * H)

/* An ISO 8601 time with its offset, as unix ms. */
static int64_t at(const char *iso)
{
    int64_t ms;
    lh_err err = {{0}};
    if (calendar_parse_time(NULL, iso, &ms, &err) != 0)
        fail_msg("%s: %s", iso, err.msg);
    return ms;
}

/* An hour before t: when the discussions of the decisions below are held. */
static int64_t hour_before(int64_t t)
{
    return t - H;
}

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
static author leader = {"孙副局长", ROLE(LEADER), {4}};
static author investigator = {"钱调查", ROLE(INVESTIGATOR), {5}};
static author admin = {"管理员", ROLE(ADMIN), {6}};
/* The bureau's principal head (A§10(2) 局主要负责人), a leader too. */
static author principal = {"赵局长", ROLE(LEADER) | ROLE(PRINCIPAL), {7}};

/* ---- the scenario --------------------------------------------------------------------------- */

/* An entry fed, for finding what a CORRECTION names. */
typedef struct fed {
    uint64_t index;
    uint8_t hash[ENTRY_HASH_BYTES];
    char *case_id; /* NULL for key management */
    const uint8_t *key;
    uint32_t asked; /* bit R: required_check() finds a requirement of rule R missing */
} fed;

typedef struct scenario {
    rules *r;
    report *rep;
    json_t *findings; /* after finish() */
    fed *fed;
    size_t nfed, capfed;
} scenario;

/* A scenario with the given options (NULL: the defaults). */
static void start_with(scenario *s, const rules_options *ro)
{
    report_options po = {.log_origin = "test.example/rules", .json = true};
    s->findings = NULL;
    s->fed = NULL;
    s->nfed = s->capfed = 0;
    assert_int_equal(rules_new(ro, &s->r), 0);
    assert_int_equal(report_new(&po, &s->rep), 0);
}

/* A scenario with R10's threshold (0: the default) and the other defaults. */
static void start(scenario *s, int64_t late_after_ms)
{
    rules_options ro = {.late_after_ms = late_after_ms};
    start_with(s, &ro);
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

/* The base64 of an author's key; two rotating buffers. */
static const char *k64(const author *a)
{
    static char bufs[2][sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    static unsigned next;
    char *b = bufs[next++ % 2];
    sodium_bin2base64(b, sizeof bufs[0], a->key, sizeof a->key, sodium_base64_VARIANT_ORIGINAL);
    return b;
}

/* The short form of an author's key in sentences (finding_hash_short()). */
static const char *kshort(const author *a)
{
    static char buf[20];
    sodium_bin2hex(buf, 17, a->key, 8);
    memcpy(buf + 16, "…", sizeof "…");
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
    f->asked = 0;
    required_miss miss[REQUIRED_MAX_PER_KIND];
    int nmiss = required_check(e, miss, REQUIRED_MAX_PER_KIND);
    assert_true(nmiss >= 0);
    for (int i = 0; i < nmiss && i < REQUIRED_MAX_PER_KIND; i++)
        f->asked |= 1u << miss[i].item->rule;
    f->index = index;
    memcpy(f->hash, h, sizeof h);
    f->case_id = has_case ? strdup(e->case_id) : NULL;
    assert_true(!has_case || f->case_id != NULL);
    f->key = a->key;
    e->author_key.data = NULL;
    e->author_key.len = 0;
    protobuf_c_message_free_unpacked(m, NULL);
}

/* What is asked at the moment of recording (required.h: `liuhen append`'s
 * check, lh_record_check()) and what the verifier finds later agree, for
 * every entry of every scenario: whenever required_check() says a record
 * misses a requirement of a rule, the verifier reports that rule for it;
 * and R1, R2 and R6, which judge the fields of one record alone, report
 * nothing else. (R7, R9 and R14 weigh more than the fields: what a
 * guidance's form says, the obstruction a decision weighs, the approval a
 * notice names among the other records.) */
static const char *str(const json_t *o, const char *key);

static void agree_with_required(const scenario *s)
{
    static const int per_record[] = {1, 2, 6, 7, 9, 14};
    const uint32_t fields_only = 1u << 1 | 1u << 2 | 1u << 6;
    for (size_t i = 0; i < s->nfed; i++) {
        const fed *f = &s->fed[i];
        for (size_t r = 0; r < sizeof per_record / sizeof per_record[0]; r++) {
            char id[8];
            snprintf(id, sizeof id, "R%d", per_record[r]);
            bool found = false;
            size_t k;
            json_t *j;
            json_array_foreach(s->findings, k, j)
            {
                const json_t *index = json_object_get(j, "index");
                found |= strcmp(str(j, "check"), id) == 0 && json_is_integer(index) &&
                         (uint64_t)json_integer_value(index) == f->index;
            }
            bool asked = (f->asked >> per_record[r]) & 1u;
            bool only = (fields_only >> per_record[r]) & 1u;
            if (asked ? !found : found && only)
                fail_msg("entry %" PRIu64 ": the verifier %s %s, but required_check() %s", f->index,
                         found ? "reports" : "does not report", id,
                         asked ? "finds a requirement of it missing" : "finds nothing missing");
        }
    }
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
    agree_with_required(s);
}

/* One expected finding; zh and en, when not NULL, are the parts the
 * sentences must hold, separated by '|'. */
typedef struct want {
    const char *rule;
    uint64_t index;
    const char *case_id;
    const char *author;
    const char *zh;
    const char *en;
} want;

/* The article of each rule, as docs/regulation.md's table gives it. */
static const char *article_of(const char *rule)
{
    static const char *const articles[] = {
        "B§3",
        "B§3",
        "A§10(1)",
        "A§10(1)",
        "A§10(2)(3)",
        "A§10(3)",
        "A§8, A§9, A§11",
        "A§10(3)",
        "B§7",
        "B§3, B§7",
        "B§3",
        "B§12",
        "参照《行政处罚法》第四十三条、《公职人员政务处分法》第四十七条",
        "B§10",
        "B§4",
        "A§10",
        "B§9",
    };
    int n = atoi(rule + 1);
    assert_true(n >= 1 && n <= 17);
    return articles[n - 1];
}

static const char *str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v != NULL ? v : "";
}

/* Whether s holds each of the '|'-separated parts of `parts` (NULL: none). */
static bool holds(const char *s, const char *parts)
{
    while (parts != NULL) {
        const char *bar = strchr(parts, '|');
        size_t n = bar != NULL ? (size_t)(bar - parts) : strlen(parts);
        char part[512];
        assert_true(n < sizeof part);
        memcpy(part, parts, n);
        part[n] = '\0';
        if (strstr(s, part) == NULL)
            return false;
        parts = bar != NULL ? bar + 1 : NULL;
    }
    return true;
}

static bool matches(const json_t *f, const want *w)
{
    const json_t *index = json_object_get(f, "index");
    return strcmp(str(f, "check"), w->rule) == 0 && json_is_integer(index) &&
           (uint64_t)json_integer_value(index) == w->index &&
           strcmp(str(f, "case_id"), w->case_id) == 0 &&
           strcmp(str(f, "article"), article_of(w->rule)) == 0 &&
           (w->author == NULL || strcmp(str(f, "author"), w->author) == 0) &&
           holds(str(f, "zh"), w->zh) && holds(str(f, "en"), w->en);
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
    if (count > 64 || count != n) {
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

/* An interference record reported to `to` (R1, R2 satisfied): by the
 * person `person` (JSON), at `t`, reported at once. */
#define INTERFERENCE_FULL(c, t, person, to)                                                        \
    "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"%s\",\"interference\":{"                        \
    "\"occurred_at\":%" PRId64 ",\"place\":\"局办公室\",\"person\":%s,"                        \
    "\"manner\":\"MANNER_PHONE\",\"content\":\"为当事人说情\","                              \
    "\"reported_to\":\"REPORTED_TO_" to "\",\"reported_at\":%" PRId64 "}}",                        \
        (const char *)(c), (int64_t)(t), (const char *)(person), (int64_t)(t)

#define ZHANG_SAN "{\"name\":\"张三\",\"relation\":\"RELATION_RETIRED\"}"

/* A complete interference record, reported to the legal section (R15
 * follows it). */
#define INTERFERENCE_OK(c, t) INTERFERENCE_FULL(c, t, ZHANG_SAN, "LEGAL_SECTION")

/* The same, reported to the justice bureau's supervision office (B§3
 * 必要时), which R15 does not follow. */
#define INTERFERENCE_JUSTICE(c, t) INTERFERENCE_FULL(c, t, ZHANG_SAN, "JUSTICE_SUPERVISION")

/* A decision of two named leaders' discussion an hour before it (R6, R7
 * satisfied; R5 once its case has an assignment and a step). */
#define DECISION_OK(c, t)                                                                             \
    "{\"kind\":\"KIND_DECISION\",\"case_id\":\"%s\",\"decision\":{\"decided_at\":%" PRId64            \
    ",\"collective_discussion\":{\"held_at\":%" PRId64 ",\"participants\":[{\"name\":\"赵局长\"}," \
    "{\"name\":\"孙副局长\"}]}}}",                                                                    \
        (const char *)(c), (int64_t)(t), hour_before(t)

/* The same with a wrongful_case flag and a JSON list of responsible persons. */
#define DECISION_RESP(c, t, wrongful, responsible)                                                 \
    "{\"kind\":\"KIND_DECISION\",\"case_id\":\"%s\",\"decision\":{\"wrongful_case\":" wrongful     \
    ",\"responsible\":%s,\"decided_at\":%" PRId64 ",\"collective_discussion\":{\"held_at\":"       \
    "%" PRId64 ",\"participants\":[{\"name\":\"赵局长\"},{\"name\":\"孙副局长\"}]}}}",             \
        (const char *)(c), (const char *)(responsible), (int64_t)(t), hour_before(t)

#define ASSIGNED(c, t)                                                                             \
    "{\"kind\":\"KIND_INVESTIGATION_ASSIGNED\",\"case_id\":\"%s\","                                \
    "\"investigation_assigned\":{\"assigned_at\":%" PRId64 "}}",                                   \
        (const char *)(c), (int64_t)(t)

#define STEP(c, t)                                                                                 \
    "{\"kind\":\"KIND_INVESTIGATION_STEP\",\"case_id\":\"%s\","                                    \
    "\"investigation_step\":{\"method\":\"INVESTIGATION_METHOD_REVIEW_FILES\","                    \
    "\"conducted_at\":%" PRId64 "}}",                                                              \
        (const char *)(c), (int64_t)(t)

#define COMPLAINT(c, jurisdiction, t)                                                              \
    "{\"kind\":\"KIND_COMPLAINT\",\"case_id\":\"%s\",\"complaint\":{\"received_at\":%" PRId64      \
    ",\"summary\":\"投诉执法人员\",\"jurisdiction\":\"JURISDICTION_" jurisdiction "\"}}",          \
        (const char *)(c), (int64_t)(t)

/* A complaint accepted at `t` about the officers `officers` (a JSON list). */
#define COMPLAINT_ABOUT(c, t, officers)                                                            \
    "{\"kind\":\"KIND_COMPLAINT\",\"case_id\":\"%s\",\"complaint\":{\"received_at\":%" PRId64      \
    ",\"accepted_at\":%" PRId64 ",\"officers_concerned\":%s,\"summary\":\"投诉执法人员\","   \
    "\"jurisdiction\":\"JURISDICTION_ACCEPTED\"}}",                                                \
        (const char *)(c), (int64_t)(t), (int64_t)(t), (const char *)(officers)

#define TRANSFER(c, complaint_b64, t)                                                              \
    "{\"kind\":\"KIND_TRANSFER\",\"case_id\":\"%s\",\"transfer\":{\"complaint\":\"%s\","           \
    "\"to_authority\":\"区市场监管局\",\"transferred_at\":%" PRId64 "}}",                          \
        (const char *)(c), (const char *)(complaint_b64), (int64_t)(t)

/* A reply of type REPLY_TYPE_<type> ("" in the JSON when type is ""). */
#define REPLY(c, complaint_b64, type, t)                                                           \
    "{\"kind\":\"KIND_REPLY\",\"case_id\":\"%s\",\"reply\":{\"complaint\":\"%s\",\"replied_at\":"  \
    "%" PRId64 type "}}",                                                                          \
        (const char *)(c), (const char *)(complaint_b64), (int64_t)(t)
#define ACK    ",\"type\":\"REPLY_TYPE_ACKNOWLEDGEMENT\""
#define RESULT ",\"type\":\"REPLY_TYPE_RESULT\""

#define REVIEW_OF(c, decision_b64, t)                                                              \
    "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"%s\",\"review_order\":{\"decision\":\"%s\","    \
    "\"action\":\"REVIEW_ACTION_REINVESTIGATE\",\"ordered_at\":%" PRId64 "}}",                     \
        (const char *)(c), (const char *)(decision_b64), (int64_t)(t)

#define CLOSED(c, t)                                                                               \
    "{\"kind\":\"KIND_CASE_CLOSED\",\"case_id\":\"%s\",\"case_closed\":{\"closed_at\":%" PRId64    \
    ",\"summary\":\"结案\"}}",                                                                     \
        (const char *)(c), (int64_t)(t)

#define CORRECTS(c, b64)                                                                           \
    "{\"kind\":\"KIND_CORRECTION\",\"case_id\":\"%s\",\"correction\":{\"corrects\":\"%s\","        \
    "\"changes\":[{\"field\":\"interference.place\",\"old_value\":\"局办公室\",\"new_value\":" \
    "\"局会议室\"}],\"reason\":\"地点记错\"}}",                                                    \
        (const char *)(c), (const char *)(b64)

/* A supervision check of the interference named (b64, "" for the case's)
 * with conclusion CHECK_CONCLUSION_<conclusion>. */
#define CHECK(c, b64, conclusion, t)                                                               \
    "{\"kind\":\"KIND_SUPERVISION_CHECK\",\"case_id\":\"%s\",\"supervision_check\":{"              \
    "\"type\":\"CHECK_TYPE_FOLLOW_UP\",\"conducted_at\":%" PRId64 ",\"concerns\":\"%s\","          \
    "\"conclusion\":\"CHECK_CONCLUSION_" conclusion "\"}}",                                        \
        (const char *)(c), (int64_t)(t), (const char *)(b64)

#define APPROVAL(c, b64, approved, t)                                                              \
    "{\"kind\":\"KIND_APPROVAL\",\"case_id\":\"%s\",\"approval\":{\"concerns\":\"%s\","            \
    "\"matter\":\"通报干预情况\",\"approved\":" approved ",\"approved_at\":%" PRId64 "}}",         \
        (const char *)(c), (const char *)(b64), (int64_t)(t)

/* A notice of interference naming the interference and the approval
 * (base64 each, "" for none). */
#define NOTICE(c, concerns_b64, approval_b64, t)                                                   \
    "{\"kind\":\"KIND_NOTIFICATION\",\"case_id\":\"%s\",\"notification\":{\"subject\":"            \
    "\"NOTIFICATION_SUBJECT_INTERFERENCE\",\"person\":{\"name\":\"张三\"},\"measures\":["        \
    "\"MEASURE_CIRCULATED_CRITICISM\"],\"issued_at\":%" PRId64 ",\"concerns\":\"%s\","             \
    "\"approval\":\"%s\"}}",                                                                       \
        (const char *)(c), (int64_t)(t), (const char *)(concerns_b64),                             \
        (const char *)(approval_b64)

/* An assignment by the principal head and a step of case c, at t, as
 * entries first and first + 1. */
static void investigated(scenario *s, const char *c, uint64_t first, int64_t t)
{
    feed(s, first, &principal, t, ASSIGNED(c, t));
    feed(s, first + 1, &investigator, t, STEP(c, t));
}

/* An assignment, a step and a decision of case c, all at `decided`, as
 * entries first .. first + 2. */
static void decided_case(scenario *s, const char *c, uint64_t first, int64_t decided)
{
    investigated(s, c, first, decided);
    feed(s, first + 2, &principal, decided, DECISION_OK(c, decided));
}

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
         "\"REPORTED_TO_LEGAL_SECTION\",\"reported_at\":%" PRId64 "}}",
         T0, T0);
    /* A person without name or relation; place only white space; no time,
     * no content. */
    feed(&s, 3, &handler, T0 + 2 * H,
         "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"QJ-3\",\"interference\":{"
         "\"place\":\" \\u3000\",\"person\":{\"unit\":\"某科室\"},\"manner\":\"MANNER_ORAL\","
         "\"reported_to\":\"REPORTED_TO_JUSTICE_SUPERVISION\",\"reported_at\":%" PRId64 "}}",
         T0 + 2 * H);
    /* No person at all. */
    feed(&s, 4, &handler, T0 + 3 * H,
         "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"QJ-4\",\"interference\":{"
         "\"occurred_at\":%" PRId64 ",\"place\":\"电话\",\"manner\":\"MANNER_PHONE\","
         "\"content\":\"说情\",\"reported_to\":\"REPORTED_TO_LEGAL_SECTION\",\"reported_at\":"
         "%" PRId64 "}}",
         T0 + 2 * H, T0 + 2 * H);
    finish(&s, T0 + 4 * H);
    EXPECT(&s,
           {"R1", 2, "QJ-2", "王办案", "干预插手记录缺少要素：地点、方式", "lacks: place, manner"},
           {"R1", 3, "QJ-3", "王办案",
            "时间、地点、人物姓名、人物与本机关的关系（干预记录制度第二条）、内容",
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
#define REPORTED(c, to)                                                                            \
    "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"%s\",\"interference\":{"                        \
    "\"occurred_at\":%" PRId64 ",\"place\":\"局办公室\",\"person\":" ZHANG_SAN                     \
    ",\"manner\":\"MANNER_PHONE\",\"content\":\"说情\"" to "}}",                                   \
        (const char *)(c), T0
    /* To nobody; to the bureau head only (B§4's matter, not B§3's); to the
     * legal section without when. */
    feed(&s, 7, &handler, T0, REPORTED("QJ-1", ""));
    feed(&s, 8, &handler, T0,
         REPORTED("QJ-2", ",\"reported_to\":\"REPORTED_TO_BUREAU_HEAD\",\"reported_at\":1"));
    feed(&s, 9, &handler, T0, REPORTED("QJ-3", ",\"reported_to\":\"REPORTED_TO_LEGAL_SECTION\""));
    /* To the legal section or the justice bureau's office, with when: fine. */
    feed(&s, 10, &legal, T0 + H, INTERFERENCE_OK("QJ-4", T0));
    feed(&s, 11, &handler, T0 + H, INTERFERENCE_JUSTICE("QJ-5", T0));
#undef REPORTED
    finish(&s, T0 + H);
    EXPECT(&s,
           {"R2", 7, "QJ-1", "王办案", "干预插手记录未写明向谁报告",
            "does not say to whom it was reported"},
           {"R2", 8, "QJ-2", "王办案",
            "干预情况只报告了机关负责人|干预记录制度第三条要求向局机关法规部门报告",
            "reported to the bureau head only|the legal section's duty under B§4"},
           {"R2", 9, "QJ-3", "王办案", "写明了报告对象，但未记录报告时间",
            "names to whom it was reported but not when"});
    stop(&s);
}

/* ---- R3: transfer within 2 days of 受理 (A§10(1)) ------------------------------------------- */

/* A complaint outside the bureau's jurisdiction received at `recv` and
 * accepted (受理) at `acc` (0: no 受理 time). */
#define TO_TRANSFER(c, recv, acc)                                                                  \
    "{\"kind\":\"KIND_COMPLAINT\",\"case_id\":\"%s\",\"complaint\":{\"received_at\":%" PRId64      \
    ",\"accepted_at\":%" PRId64 ",\"summary\":\"投诉\",\"jurisdiction\":"                        \
    "\"JURISDICTION_TO_TRANSFER\"}}",                                                              \
        (const char *)(c), (int64_t)(recv), (int64_t)(acc)

/* 受理 on Thursday 2026-04-09: the 2 days are Friday and Saturday; a last
 * day on Saturday moves to Monday 04-13, and ends at 24:00 (民法典 第二百零
 * 一条、第二百零三条), not 48 hours after. The day of receipt, Wednesday,
 * does not start the period: 受理 does. */
static void test_r3_days_civil_code(void **state)
{
    (void)state;
    int64_t wed = at("2026-04-08T15:00:00+08:00"), thu = at("2026-04-09T10:00:00+08:00");
    int64_t mon23 = at("2026-04-13T23:00:00+08:00"), tue01 = at("2026-04-14T01:00:00+08:00");
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, thu, TO_TRANSFER("T-1", wed, thu));
    feed(&s, 2, &legal, mon23, TRANSFER("T-1", h64(1), mon23));
    feed(&s, 3, &legal, thu, TO_TRANSFER("T-2", wed, thu));
    feed(&s, 4, &legal, tue01, TRANSFER("T-2", h64(3), tue01));
    finish(&s, tue01 + 30 * D);
    EXPECT(&s, {"R3", 4, "T-2", "李法规",
                "不属于本单位受理的投诉（第3号记录）于2026-04-09 10:00:00 +08:00受理，应在受理后2日"
                "内转送有权部门，期限至2026年4月13日24时，实际于2026-04-14 01:00:00 +08:00转送，"
                "超期1日",
                "complaint (entry 3) outside the bureau's jurisdiction, accepted 2026-04-09 "
                "10:00:00 +08:00, had to be transferred within 2 days of 受理, by 24:00 on "
                "2026-04-13 (Beijing time); it was transferred 2026-04-14 01:00:00 +08:00, 1 day "
                "late"});
    stop(&s);
}

/* Without a 受理 time, receipt stands in, and the finding says so. */
static void test_r3_from_receipt(void **state)
{
    (void)state;
    int64_t thu = at("2026-04-09T10:00:00+08:00"), tue01 = at("2026-04-14T01:00:00+08:00");
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, thu, TO_TRANSFER("T-3", thu, 0));
    feed(&s, 2, &legal, tue01, TRANSFER("T-3", h64(1), tue01));
    /* Neither received_at nor accepted_at: the complaint's integration. */
    feed(&s, 3, &legal, thu,
         "{\"kind\":\"KIND_COMPLAINT\",\"case_id\":\"T-4\",\"complaint\":{"
         "\"jurisdiction\":\"JURISDICTION_TO_TRANSFER\"}}");
    feed(&s, 4, &legal, tue01, TRANSFER("T-4", h64(3), tue01));
    finish(&s, tue01);
    EXPECT(&s,
           {"R3", 2, "T-3", "李法规",
            "收到于2026-04-09 10:00:00 +08:00（未记录受理时间，按收到时间起算）|期限至2026年4月13日"
            "24时",
            "received 2026-04-09 10:00:00 +08:00 (no 受理 time recorded: counted from "
            "receipt)|1 day late"},
           {"R3", 4, "T-4", "李法规", "收到于2026-04-09 10:00:00 +08:00（未记录受理时间",
            "counted from receipt"});
    stop(&s);
}

/* Not transferred at all: overdue once the period is over, as of as_of;
 * the complaint is open too (R4). An accepted complaint is never R3's. */
static void test_r3_not_transferred(void **state)
{
    (void)state;
    int64_t thu = at("2026-04-09T10:00:00+08:00");
    scenario s;
    /* As of Monday 23:00: not overdue yet, and open without a finding (R4
     * waits for the decision, or for the follow-up period). */
    start(&s, 0);
    feed(&s, 1, &legal, thu, TO_TRANSFER("T-5", thu, thu));
    feed(&s, 2, &legal, thu, COMPLAINT("T-6", "ACCEPTED", thu));
    feed(&s, 3, &legal, thu + 10 * D, REPLY("T-6", h64(2), RESULT, thu + 10 * D));
    finish(&s, at("2026-04-13T23:00:00+08:00"));
    expect_none(&s);
    stop(&s);
    /* As of Wednesday 08:00: 2 days overdue. A REPLY answers it (no R4) but
     * does not transfer it. */
    start(&s, 0);
    feed(&s, 1, &legal, thu, TO_TRANSFER("T-5", thu, thu));
    feed(&s, 2, &legal, thu + H, REPLY("T-5", h64(1), RESULT, thu + H));
    finish(&s, at("2026-04-15T08:00:00+08:00"));
    EXPECT(&s, {"R3", 1, "T-5", "李法规",
                "于2026-04-09 10:00:00 +08:00受理|期限至2026年4月13日24时，截至2026-04-15 08:00:00 "
                "+08:00仍未转送，已超期2日",
                "by 24:00 on 2026-04-13 (Beijing time): no TRANSFER as of 2026-04-15 08:00:00 "
                "+08:00, 2 days overdue"});
    stop(&s);
}

/* --working-days: "2日" is 2 working days. 受理 on Friday 04-10: in calendar
 * days the last day is Sunday, moved to Monday 04-13; in working days it is
 * Tuesday 04-14. */
static void test_r3_working_days(void **state)
{
    (void)state;
    int64_t fri = at("2026-04-10T10:00:00+08:00"), tue = at("2026-04-14T10:00:00+08:00"),
            wed = at("2026-04-15T10:00:00+08:00");
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, fri, TO_TRANSFER("T-7", fri, fri));
    feed(&s, 2, &legal, tue, TRANSFER("T-7", h64(1), tue));
    finish(&s, tue);
    EXPECT(&s, {"R3", 2, "T-7", "李法规", "2日内转送有权部门，期限至2026年4月13日24时|超期1日",
                "within 2 days of 受理|1 day late"});
    stop(&s);
    rules_options ro = {.working_days = true};
    start_with(&s, &ro);
    feed(&s, 1, &legal, fri, TO_TRANSFER("T-7", fri, fri));
    feed(&s, 2, &legal, tue, TRANSFER("T-7", h64(1), tue));
    feed(&s, 3, &legal, fri, TO_TRANSFER("T-8", fri, fri));
    feed(&s, 4, &legal, wed, TRANSFER("T-8", h64(3), wed));
    feed(&s, 5, &legal, fri, TO_TRANSFER("T-9", fri, fri));
    finish(&s, wed);
    EXPECT(&s,
           {"R3", 4, "T-8", "李法规",
            "应在受理后2个工作日内转送有权部门，期限至2026年4月14日24时|超期1日",
            "within 2 working days of 受理, by 24:00 on 2026-04-14 (Beijing time)|1 day late"},
           {"R3", 5, "T-9", "李法规", "2个工作日内|已超期1日", "2 working days|1 day overdue"});
    stop(&s);
}

/* A holiday file: Saturday 04-11 a 调休 working day, Monday 04-13 a
 * holiday. 受理 on Thursday: the last day, Saturday, is a working day and
 * stays; on Friday: Sunday, then the holiday, so Tuesday. */
static void test_r3_holiday_calendar(void **state)
{
    (void)state;
    static const char file[] = "# 2026 (test)\n"
                               "2026-04-11 班 调休\n"
                               "2026-04-13 休 假日\n";
    deadline_calendar *cal = NULL;
    lh_err err = {{0}};
    assert_int_equal(deadline_calendar_parse(file, sizeof file - 1, &cal, &err), 0);
    int64_t thu = at("2026-04-09T10:00:00+08:00"), fri = at("2026-04-10T10:00:00+08:00");
    int64_t mon = at("2026-04-13T09:00:00+08:00"), tue = at("2026-04-14T20:00:00+08:00");
    rules_options ro = {.calendar = cal};
    scenario s;
    start_with(&s, &ro);
    feed(&s, 1, &legal, thu, TO_TRANSFER("T-10", thu, thu));
    feed(&s, 2, &legal, mon, TRANSFER("T-10", h64(1), mon));
    feed(&s, 3, &legal, fri, TO_TRANSFER("T-11", fri, fri));
    feed(&s, 4, &legal, tue, TRANSFER("T-11", h64(3), tue));
    finish(&s, tue);
    EXPECT(&s, {"R3", 2, "T-10", "李法规",
                "期限至2026年4月11日24时，实际于2026-04-13 09:00:00 +08:00转送，超期2日",
                "by 24:00 on 2026-04-11 (Beijing time)|2 days late"});
    stop(&s);
    deadline_calendar_free(cal);
}

/* ---- R4: every complaint gets its result (A§10(1)) ------------------------------------------ */

static void test_r4_result_told(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* Only told it was accepted, and the case closed: no answer. */
    feed(&s, 1, &legal, T0, COMPLAINT("C-1", "ACCEPTED", T0));
    feed(&s, 2, &legal, T0 + H, REPLY("C-1", h64(1), ACK, T0 + H));
    feed(&s, 13, &legal, T0 + 2 * D, CLOSED("C-1", T0 + 2 * D));
    /* Told it was accepted, then the result: answered. */
    feed(&s, 3, &legal, T0, COMPLAINT("C-2", "ACCEPTED", T0));
    feed(&s, 4, &legal, T0 + H, REPLY("C-2", h64(3), ACK, T0 + H));
    feed(&s, 5, &legal, T0 + 5 * D, REPLY("C-2", h64(3), RESULT, T0 + 5 * D));
    /* Told it is not accepted, and why; a reply of no stated type; a
     * transfer: each answers. */
    feed(&s, 6, &legal, T0, COMPLAINT("C-3", "ACCEPTED", T0));
    feed(&s, 7, &legal, T0 + H,
         REPLY("C-3", h64(6), ",\"type\":\"REPLY_TYPE_NOT_ACCEPTED\"", T0 + H));
    feed(&s, 8, &legal, T0, COMPLAINT("C-4", "ACCEPTED", T0));
    feed(&s, 9, &legal, T0 + H, REPLY("C-4", h64(8), "", T0 + H));
    feed(&s, 10, &legal, T0, COMPLAINT("C-5", "TO_TRANSFER", T0));
    feed(&s, 11, &legal, T0 + H, TRANSFER("C-5", h64(10), T0 + H));
    /* Nothing at all, past the follow-up period: 30 days from Friday 04-10
     * end on Sunday 05-10, moved to Monday 05-11 24:00. */
    feed(&s, 12, &legal, T0, COMPLAINT("C-6", "ACCEPTED", T0));
    /* Acknowledged and still under investigation: open, no finding. */
    feed(&s, 14, &legal, T0, COMPLAINT("C-7", "ACCEPTED", T0));
    feed(&s, 15, &legal, T0 + H, REPLY("C-7", h64(14), ACK, T0 + H));
    /* Closed with no reply at all. */
    feed(&s, 16, &legal, T0, COMPLAINT("C-8", "ACCEPTED", T0));
    feed(&s, 17, &legal, T0 + D, CLOSED("C-8", T0 + D));
    finish(&s, T0 + 32 * D + 5 * M);
    EXPECT(&s,
           {"R4", 1, "C-1", "李法规",
            "投诉收到于2026-04-10 08:00:00 +08:00，本案已作出处理决定或者结案，截至2026-05-12 "
            "08:05:00 +08:00只告知了已受理，未答复处理结果",
            "was only acknowledged, and its case is decided or closed: no answer telling the "
            "result as of 2026-05-12 08:05:00 +08:00, 32 days on"},
           {"R4", 12, "C-6", "李法规", "既未答复也未告知受理，已32日（本工具按30日计及时）",
            "has had no answer, acknowledgement or transfer as of|32 days on (counted as 30 "
            "days)"},
           {"R4", 16, "C-8", "李法规", "本案已作出处理决定或者结案，截至|未答复处理结果或者转送",
            "its case is decided or closed, and no answer or transfer"});
    stop(&s);
    /* On Monday 05-11 the silent complaint is not yet late. */
    start(&s, 0);
    feed(&s, 1, &legal, T0, COMPLAINT("C-6", "ACCEPTED", T0));
    finish(&s, T0 + 31 * D + 15 * H);
    expect_none(&s);
    stop(&s);
}

static void test_r4_dangling_answers(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, COMPLAINT("C-1", "ACCEPTED", T0));
    /* A reply naming an entry that is no complaint. */
    feed(&s, 2, &legal, T0 + H, REPLY("C-1", h64(99), RESULT, T0 + H));
    /* A reply in a case without complaint, naming none. */
    feed(&s, 3, &handler, T0, INTERFERENCE_OK("I-1", T0));
    feed(&s, 4, &legal, T0 + H, "{\"kind\":\"KIND_REPLY\",\"case_id\":\"I-1\",\"reply\":{}}");
    /* A transfer recorded in another case than its complaint: it answers
     * the complaint all the same. */
    feed(&s, 5, &legal, T0, COMPLAINT("C-2", "TO_TRANSFER", T0));
    feed(&s, 6, &legal, T0 + H, TRANSFER("I-1", h64(5), T0 + H));
    /* A reply naming no complaint answers its case's first. */
    feed(&s, 7, &legal, T0, COMPLAINT("C-3", "ACCEPTED", T0));
    feed(&s, 8, &legal, T0 + H, "{\"kind\":\"KIND_REPLY\",\"case_id\":\"C-3\",\"reply\":{}}");
    finish(&s, T0 + D);
    EXPECT(&s,
           {"R4", 2, "C-1", "李法规", "答复所涉投诉（|）不是日志中此前的投诉记录",
            "no earlier COMPLAINT of the log"},
           {"R4", 4, "I-1", "李法规", "所在案件此前没有投诉记录，且未写明所涉投诉",
            "its case has no earlier COMPLAINT"},
           {"R4", 6, "I-1", "李法规", "记录在案件I-1中，而所涉投诉（第5号记录）属于案件C-2",
            "belongs to case C-2"});
    stop(&s);
}

/* ---- R5: the principal head's team investigates, then the decision (A§10(2)(3)) ------------- */

static void test_r5_principal_assigns(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &leader, T0, ASSIGNED("P-1", T0));
    feed(&s, 2, &principal, T0, ASSIGNED("P-2", T0));
    finish(&s, T0);
    EXPECT(&s, {"R5", 1, "P-1", "孙副局长",
                "指派调查组的孙副局长不是登记为局主要负责人的人员（错案追究制度第十条第（二）项",
                "assigned by 孙副局长, who is not enrolled as the principal head"});
    stop(&s);
}

static void test_r5_investigation_first(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* Case A: assignment and step, then the decision: fine. */
    decided_case(&s, "A", 1, T0);
    /* Case B: a decision before anything; the assignment and step of case
     * A and the later ones of B do not count. */
    feed(&s, 4, &principal, T0 + 4 * H, DECISION_OK("B", T0 + 4 * H));
    feed(&s, 5, &principal, T0 + 5 * H, ASSIGNED("B", T0 + 5 * H));
    /* Case B, second decision: assigned, but no step yet. */
    feed(&s, 6, &principal, T0 + 6 * H, DECISION_OK("B", T0 + 6 * H));
    feed(&s, 7, &legal, T0 + 7 * H, STEP("B", T0 + 7 * H));
    /* Third decision: both seen. */
    feed(&s, 8, &principal, T0 + 8 * H, DECISION_OK("B", T0 + 8 * H));
    /* Case C: a step, but no team assigned. */
    feed(&s, 9, &investigator, T0, STEP("C", T0));
    feed(&s, 10, &principal, T0 + H, DECISION_OK("C", T0 + H));
    finish(&s, T0 + 10 * H);
    EXPECT(&s,
           {"R5", 4, "B", "赵局长", "处理决定作出前，本案没有指派调查组、调查记录",
            "decision made with no INVESTIGATION_ASSIGNED and no INVESTIGATION_STEP earlier in "
            "its case"},
           {"R5", 6, "B", "赵局长", "处理决定作出前，本案没有调查记录",
            "with no INVESTIGATION_STEP earlier in its case"},
           {"R5", 10, "C", "赵局长", "处理决定作出前，本案没有指派调查组记录",
            "with no INVESTIGATION_ASSIGNED earlier in its case"});
    stop(&s);
}

/* After a REVIEW_ORDER that orders a new investigation (重新组织调查), the
 * next decision needs a new team and a new step. */
static void test_r5_review_reinvestigate(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    decided_case(&s, "RV-1", 1, T0);
    feed(&s, 4, &principal, T0 + 5 * D, REVIEW_OF("RV-1", h64(3), T0 + 5 * D));
    feed(&s, 5, &principal, T0 + 6 * D, DECISION_OK("RV-1", T0 + 6 * D));
    /* A new team, but no step. */
    decided_case(&s, "RV-2", 11, T0);
    feed(&s, 14, &principal, T0 + 5 * D, REVIEW_OF("RV-2", h64(13), T0 + 5 * D));
    feed(&s, 15, &principal, T0 + 5 * D, ASSIGNED("RV-2", T0 + 5 * D));
    feed(&s, 16, &principal, T0 + 6 * D, DECISION_OK("RV-2", T0 + 6 * D));
    /* A step, then a new team (in either order): fine. */
    decided_case(&s, "RV-3", 21, T0);
    feed(&s, 24, &principal, T0 + 5 * D, REVIEW_OF("RV-3", h64(23), T0 + 5 * D));
    feed(&s, 25, &investigator, T0 + 5 * D, STEP("RV-3", T0 + 5 * D));
    feed(&s, 26, &principal, T0 + 5 * D, ASSIGNED("RV-3", T0 + 5 * D));
    feed(&s, 27, &principal, T0 + 6 * D, DECISION_OK("RV-3", T0 + 6 * D));
    finish(&s, T0 + 7 * D);
    EXPECT(&s,
           {"R5", 5, "RV-1", "赵局长",
            "第4号记录责令重新调查后，本案没有新的指派调查组、调查记录即作出处理决定",
            "decision made after the review order (entry 4) with no INVESTIGATION_ASSIGNED and "
            "no INVESTIGATION_STEP since"},
           {"R5", 16, "RV-2", "赵局长", "第14号记录责令重新调查后，本案没有新的调查记录",
            "after the review order (entry 14) with no INVESTIGATION_STEP since"});
    stop(&s);
}

/* 直接派员调查: the bureau investigates itself; a step is enough. */
#define REVIEW_DIRECT(c, decision_b64, t)                                                          \
    "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"%s\",\"review_order\":{\"decision\":\"%s\","    \
    "\"action\":\"REVIEW_ACTION_DIRECT_INVESTIGATION\",\"ordered_at\":%" PRId64 "}}",              \
        (const char *)(c), (const char *)(decision_b64), (int64_t)(t)

static void test_r5_review_direct(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    decided_case(&s, "RD-1", 1, T0);
    feed(&s, 4, &principal, T0 + 5 * D, REVIEW_DIRECT("RD-1", h64(3), T0 + 5 * D));
    feed(&s, 5, &investigator, T0 + 5 * D, STEP("RD-1", T0 + 5 * D));
    feed(&s, 6, &principal, T0 + 6 * D, DECISION_OK("RD-1", T0 + 6 * D));
    decided_case(&s, "RD-2", 11, T0);
    feed(&s, 14, &principal, T0 + 5 * D, REVIEW_DIRECT("RD-2", h64(13), T0 + 5 * D));
    feed(&s, 15, &principal, T0 + 6 * D, DECISION_OK("RD-2", T0 + 6 * D));
    finish(&s, T0 + 7 * D);
    EXPECT(&s, {"R5", 15, "RD-2", "赵局长", "第14号记录责令重新调查后，本案没有新的调查记录",
                "with no INVESTIGATION_STEP since"});
    stop(&s);
}

/* A review order followed by nothing: reported once the follow-up period
 * (--follow-up-days, 30 by default) is over. Ordered Wednesday 04-15: 30
 * days end on Friday 05-15 at 24:00. */
static void test_r5_review_not_followed(void **state)
{
    (void)state;
    int64_t ordered = at("2026-04-15T08:00:00+08:00");
    scenario s;
    start(&s, 0);
    decided_case(&s, "RN-1", 1, T0);
    feed(&s, 4, &principal, ordered, REVIEW_OF("RN-1", h64(3), ordered));
    decided_case(&s, "RN-2", 11, T0);
    feed(&s, 14, &principal, ordered, REVIEW_DIRECT("RN-2", h64(13), ordered));
    /* Followed by a new team and a step: nothing to find. */
    decided_case(&s, "RN-3", 21, T0);
    feed(&s, 24, &principal, ordered, REVIEW_OF("RN-3", h64(23), ordered));
    investigated(&s, "RN-3", 25, ordered + D);
    finish(&s, at("2026-05-16T00:00:01+08:00"));
    EXPECT(&s,
           {"R5", 4, "RN-1", "赵局长",
            "第4号记录责令重新组织调查，截至2026-05-16 00:00:01 +08:00未见新的调查记录（本工具按"
            "30日计，期限至2026年5月15日24时）",
            "entry 4 ordered a new investigation; as of 2026-05-16 00:00:01 +08:00 no new "
            "investigation is recorded (counted as 30 days: by 24:00 on 2026-05-15 (Beijing "
            "time))"},
           {"R5", 14, "RN-2", "赵局长", "第14号记录责令直接派员调查",
            "ordered a direct investigation"});
    stop(&s);
    /* Not yet due at 05-15 23:59. */
    start(&s, 0);
    decided_case(&s, "RN-1", 1, T0);
    feed(&s, 4, &principal, ordered, REVIEW_OF("RN-1", h64(3), ordered));
    finish(&s, at("2026-05-15T23:59:00+08:00"));
    expect_none(&s);
    stop(&s);
    /* --follow-up-days 10: due on Monday 04-27 (04-25 is a Saturday). */
    rules_options ro = {.follow_up_days = 10};
    start_with(&s, &ro);
    decided_case(&s, "RN-1", 1, T0);
    feed(&s, 4, &principal, ordered, REVIEW_OF("RN-1", h64(3), ordered));
    finish(&s, at("2026-04-28T08:00:00+08:00"));
    EXPECT(&s, {"R5", 4, "RN-1", "赵局长", "本工具按10日计，期限至2026年4月27日24时",
                "counted as 10 days: by 24:00 on 2026-04-27"});
    stop(&s);
}

/* ---- R6: the leadership's collective discussion (A§10(3)) ----------------------------------- */

static void test_r6_collective_discussion(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    investigated(&s, "D", 1, T0);
#define DISCUSSED(discussion)                                                                      \
    "{\"kind\":\"KIND_DECISION\",\"case_id\":\"D\",\"decision\":{\"decided_at\":%" PRId64          \
        discussion "}}",                                                                           \
        T0 + 5 * H
    /* Two named leaders an hour before: fine. */
    feed(&s, 3, &principal, T0 + 5 * H, DECISION_OK("D", T0 + 5 * H));
    /* No discussion recorded. */
    feed(&s, 4, &principal, T0 + 5 * H, DISCUSSED(""));
    /* One participant. */
    feed(&s, 5, &principal, T0 + 5 * H,
         DISCUSSED(",\"collective_discussion\":{\"held_at\":1775786400000,\"participants\":"
                   "[{\"name\":\"赵局长\"}]}"));
    /* Held at 16:00, after the decision at 13:00, with two leaders, one
     * of them unnamed. */
    feed(&s, 6, &principal, T0 + 5 * H,
         DISCUSSED(",\"collective_discussion\":{\"held_at\":1775808000000,\"participants\":"
                   "[{\"name\":\"赵局长\"},{\"position\":\"副局长\",\"name\":\" \"}]}"));
    /* No time, two named leaders. */
    feed(&s, 7, &principal, T0 + 5 * H,
         DISCUSSED(",\"collective_discussion\":{\"participants\":[{\"name\":\"赵局长\"},"
                   "{\"name\":\"孙副局长\"}]}"));
    /* Two named, at the very time of the decision: not after it. */
    feed(&s, 8, &principal, T0 + 5 * H,
         DISCUSSED(",\"collective_discussion\":{\"held_at\":1775797200000,\"participants\":"
                   "[{\"name\":\"赵局长\"},{\"name\":\"孙副局长\"}]}"));
#undef DISCUSSED
    finish(&s, T0 + 6 * H);
    EXPECT(&s,
           {"R6", 4, "D", "赵局长",
            "处理决定未经机关领导集体讨论（错案追究制度第十条第（三）项）：缺少集体讨论记录",
            "missing collective_discussion"},
           {"R6", 5, "D", "赵局长", "缺少两名以上参加讨论的领导",
            "missing two or more named leaders taking part"},
           {"R6", 6, "D", "赵局长",
            "缺少决定之前的讨论（讨论时间晚于决定时间）、两名以上参加讨论的领导",
            "missing a discussion before the decision (held_at is after decided_at), two or more "
            "named leaders taking part"},
           {"R6", 7, "D", "赵局长", "缺少讨论时间", "missing collective_discussion.held_at"});
    stop(&s);
}

/* ---- R7: a wrongful case: who, how, exemption, aggravation (A§8, A§9, A§11) ------------------ */

static void test_r7_wrongful_case(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    investigated(&s, "W", 1, T0);
    /* Named, with A§11 sanctions, a 处分 with its grade: fine. So is a
     * named person exempted without sanction (A§8). */
    feed(
        &s, 3, &principal, T0 + H,
        DECISION_RESP("W", T0 + H, "true",
                      "[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                      "\"SANCTION_WRITTEN_SELF_EXAMINATION\",\"SANCTION_ADMINISTRATIVE_SANCTION\"],"
                      "\"discipline_grade\":\"DISCIPLINE_GRADE_DEMERIT\"},"
                      "{\"person\":{\"name\":\"吴执法\"},\"leniency\":\"LENIENCY_EXEMPT\","
                      "\"mitigations\":[\"MITIGATION_UNCLEAR_LAW\"]}]"));
    /* Nobody named. */
    feed(&s, 4, &principal, T0 + H,
         DECISION_RESP("W", T0 + H, "true",
                       "[{\"responsibility\":\"主要责任\",\"sanctions\":"
                       "[\"SANCTION_CIRCULATED_CRITICISM\"]}]"));
    /* A sanction A§11 does not list, and one not stated. */
    feed(&s, 5, &principal, T0 + H,
         DECISION_RESP("W", T0 + H, "true",
                       "[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                       "\"SANCTION_REMOVED_FROM_POST\",\"SANCTION_OTHER\"]},"
                       "{\"person\":{\"name\":\"吴执法\"},\"sanctions\":["
                       "\"SANCTION_UNSPECIFIED\"]}]"));
    /* Exempted and sanctioned at once (by a sanction, an organisational
     * measure or a grade). */
    feed(&s, 6, &principal, T0 + H,
         DECISION_RESP("W", T0 + H, "true",
                       "[{\"person\":{\"name\":\"周执法\"},\"leniency\":\"LENIENCY_EXEMPT\","
                       "\"sanctions\":[\"SANCTION_CIRCULATED_CRITICISM\"]},"
                       "{\"person\":{\"name\":\"吴执法\"},\"leniency\":\"LENIENCY_EXEMPT\","
                       "\"organisational_measures\":[\"ORGANISATIONAL_MEASURE_ADMONITION\"]}]"));
    /* A 行政处分 without its grade. */
    feed(&s, 7, &principal, T0 + H,
         DECISION_RESP("W", T0 + H, "true",
                       "[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                       "\"SANCTION_ADMINISTRATIVE_SANCTION\"]}]"));
    /* Obstruction weighed (A§9) for a person, who is yet exempted. */
    feed(&s, 8, &principal, T0 + H,
         DECISION_RESP("W", T0 + H, "true",
                       "[{\"person\":{\"name\":\"周执法\"},\"leniency\":\"LENIENCY_EXEMPT\","
                       "\"aggravations\":[\"AGGRAVATION_OBSTRUCTED_INVESTIGATION\"]}]"));
    /* Not a wrongful case: nothing to name; and a wrongful case naming no
     * one at all. */
    feed(&s, 9, &principal, T0 + H, DECISION_OK("W", T0 + H));
    feed(&s, 10, &principal, T0 + H, DECISION_RESP("W", T0 + H, "true", "[]"));
    finish(&s, T0 + 2 * H);
    EXPECT(&s,
           {"R7", 4, "W", "赵局长", "认定为错案的处理决定：未列明责任人姓名",
            "decision finding a wrongful case: names no responsible person"},
           {"R7", 5, "W", "赵局长",
            "责任人周执法的责任追究方式“其他”不属于错案追究制度第十一条规定的种类；责任人吴执法的责"
            "任追究方式"
            "“未写明”不属于错案追究制度第十一条规定的种类",
            "responsible[0] (周执法) has sanction SANCTION_OTHER, not one of A§11's; "
            "responsible[1] (吴执法) has sanction SANCTION_UNSPECIFIED"},
           {"R7", 6, "W", "赵局长",
            "责任人周执法既免于追究责任又被追究责任|；责任人吴执法既免于追究责任又被追究责任",
            "responsible[0] (周执法) is both exempted (A§8) and sanctioned|; responsible[1] "
            "(吴执法) is both exempted"},
           {"R7", 7, "W", "赵局长", "责任人周执法被给予处分，未写明处分种类",
            "responsible[0] (周执法) is given a 处分 (A§11(6)) without its grade"},
           {"R7", 8, "W", "赵局长",
            "责任人周执法阻碍调查应从重处理（错案追究制度第九条），却被免于追究",
            "obstructed the investigation (A§9: heavier) yet is exempted"},
           {"R7", 10, "W", "赵局长", "未列明责任人姓名", "names no responsible person"});
    stop(&s);
}

/* A§9: an investigation step that observed obstruction or false evidence
 * weighs in the decision: some responsible person has the aggravation. */
static void test_r7_obstruction_weighs(void **state)
{
    (void)state;
#define OBSTRUCTED(c, what)                                                                        \
    "{\"kind\":\"KIND_INVESTIGATION_STEP\",\"case_id\":\"%s\",\"investigation_step\":{"            \
    "\"method\":\"INVESTIGATION_METHOD_QUESTION_OFFICER\",\"conducted_at\":%" PRId64 "," what      \
    ":true,\"obstruction_detail\":\"拒不提供执法记录仪资料\"}}",                                   \
        (const char *)(c), T0
    scenario s;
    start(&s, 0);
    feed(&s, 1, &principal, T0, ASSIGNED("OB-1", T0));
    feed(&s, 2, &investigator, T0, STEP("OB-1", T0));
    feed(&s, 3, &investigator, T0, OBSTRUCTED("OB-1", "\"obstruction_observed\""));
    feed(&s, 4, &principal, T0 + H,
         DECISION_RESP("OB-1", T0 + H, "true",
                       "[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                       "\"SANCTION_CIRCULATED_CRITICISM\"]}]"));
    /* False evidence, and the decision weighs it: fine. */
    feed(&s, 11, &principal, T0, ASSIGNED("OB-2", T0));
    feed(&s, 12, &investigator, T0, OBSTRUCTED("OB-2", "\"false_evidence_observed\""));
    feed(&s, 13, &principal, T0 + H,
         DECISION_RESP("OB-2", T0 + H, "true",
                       "[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                       "\"SANCTION_REMOVED_FROM_POST\"],\"aggravations\":["
                       "\"AGGRAVATION_OBSTRUCTED_INVESTIGATION\"],\"leniency\":\"LENIENCY_NONE\"},"
                       "{\"person\":{\"name\":\"吴执法\"},\"sanctions\":["
                       "\"SANCTION_WRITTEN_SELF_EXAMINATION\"]}]"));
    /* A step of another case observed nothing here. */
    feed(&s, 21, &principal, T0, ASSIGNED("OB-3", T0));
    feed(&s, 22, &investigator, T0, STEP("OB-3", T0));
    feed(&s, 23, &principal, T0 + H,
         DECISION_RESP("OB-3", T0 + H, "true",
                       "[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                       "\"SANCTION_CIRCULATED_CRITICISM\"]}]"));
#undef OBSTRUCTED
    finish(&s, T0 + 2 * H);
    EXPECT(
        &s,
        {"R7", 4, "OB-1", "赵局长",
         "调查中记录了阻碍调查或者提供伪证的情况（第3号记录），决定未对任何责任人载明从重处理的情形"
         "（错案追究制度第九条）",
         "the investigation recorded obstruction or false evidence (entry 3) and no "
         "responsible person has the A§9 aggravation"});
    stop(&s);
}

/* ---- R8: review within one month (A§10(3)) -------------------------------------------------- */

/* Decided Friday 2026-04-10: the month's last day, Sunday 05-10, moves to
 * Monday 05-11 (第二百零三条). */
static void test_r8_within_month(void **state)
{
    (void)state;
    int64_t mon23 = at("2026-05-11T23:00:00+08:00"), tue = at("2026-05-12T08:00:00+08:00");
    scenario s;
    start(&s, 0);
    decided_case(&s, "R-1", 1, T0);
    feed(&s, 4, &principal, mon23, REVIEW_OF("R-1", h64(3), mon23));
    decided_case(&s, "R-2", 10, T0);
    feed(&s, 13, &principal, tue, REVIEW_OF("R-2", h64(12), tue));
    /* The entry's own time when ordered_at is not stated. */
    decided_case(&s, "R-3", 20, T0);
    feed(&s, 23, &principal, tue,
         "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"R-3\",\"review_order\":{\"decision\":"
         "\"%s\"}}",
         h64(22));
    finish(&s, tue);
    EXPECT(&s,
           {"R8", 13, "R-2", "赵局长",
            "责令重新调查应在处理决定（第12号记录，2026-04-10 08:00:00 +08:00）后1个月内作出，期限"
            "至2026年5月11日24时，实际于2026-05-12 08:00:00 +08:00作出，超期1日",
            "review order due within one month of the decision (entry 12, 2026-04-10 08:00:00 "
            "+08:00), by 24:00 on 2026-05-11 (Beijing time); it came 2026-05-12 08:00:00 +08:00, "
            "1 day late"},
           {"R8", 23, "R-3", "赵局长", "第22号记录", "1 day late"});
    stop(&s);
}

/* 第二百零二条: 01-31 and one month give 02-28, a Saturday here, which moves
 * to Monday 03-02. */
static void test_r8_month_end(void **state)
{
    (void)state;
    int64_t jan31 = at("2026-01-31T10:00:00+08:00");
    int64_t mar2 = at("2026-03-02T23:00:00+08:00"), mar3 = at("2026-03-03T10:00:00+08:00");
    scenario s;
    start(&s, 0);
    decided_case(&s, "FEB", 1, jan31);
    feed(&s, 4, &principal, mar2, REVIEW_OF("FEB", h64(3), mar2));
    feed(&s, 5, &principal, mar3, REVIEW_OF("FEB", h64(3), mar3));
    finish(&s, mar3);
    EXPECT(&s, {"R8", 5, "FEB", "赵局长", "期限至2026年3月2日24时|超期1日",
                "by 24:00 on 2026-03-02 (Beijing time); it came 2026-03-03 10:00:00 +08:00, 1 "
                "day late"});
    stop(&s);
}

static void test_r8_which_decision(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* No decision in the case. */
    feed(&s, 1, &handler, T0, INTERFERENCE_OK("N", T0));
    feed(&s, 2, &principal, T0 + H,
         "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"N\",\"review_order\":{\"ordered_at\":"
         "%" PRId64 "}}",
         T0 + H);
    /* Without `decision`, the case's latest decision counts: the second
     * one, 20 days before, not the first, 40 days before. */
    decided_case(&s, "L", 10, T0);
    feed(&s, 13, &principal, T0 + 20 * D, DECISION_OK("L", T0 + 20 * D));
    feed(&s, 14, &principal, T0 + 40 * D,
         "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"L\",\"review_order\":{\"ordered_at\":"
         "%" PRId64 "}}",
         T0 + 40 * D);
    /* A decision hash that names no decision, and one of another case. */
    feed(&s, 15, &principal, T0 + 41 * D, REVIEW_OF("L", h64(10), T0 + 41 * D));
    feed(&s, 16, &principal, T0 + 41 * D, REVIEW_OF("N", h64(13), T0 + 41 * D));
    /* The interference of N is followed up (R15). */
    feed(&s, 17, &legal, T0 + D, CHECK("N", h64(1), "NO_CLUE", T0 + D));
    finish(&s, T0 + 41 * D);
    EXPECT(&s,
           {"R8", 2, "N", "赵局长", "责令重新调查所在案件此前没有处理决定",
            "review order without any earlier DECISION in its case"},
           {"R8", 15, "L", "赵局长", "所涉处理决定（|）不是日志中此前的处理决定",
            "which is no earlier DECISION of the log"},
           {"R8", 16, "N", "赵局长",
            "责令重新调查记录在案件N中，而所涉处理决定（第13号记录）属于案件L",
            "(entry 13) belongs to case L"});
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
    static author principal_only = {"周局长", ROLE(PRINCIPAL), {10}};
    scenario s;
    start(&s, 0);
    feed(&s, 1, &leader, T0, GUIDANCE("G-1", "\"form\":\"GUIDANCE_FORM_WRITTEN\","));
    feed(&s, 2, &handler, T0, GUIDANCE("G-2", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    feed(&s, 3, &handler, T0, GUIDANCE("G-3", "\"form\":\"GUIDANCE_FORM_WRITTEN\","));
    feed(&s, 4, &leader_handler, T0, GUIDANCE("G-4", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    feed(&s, 5, &principal, T0, GUIDANCE("G-5", "\"form\":\"GUIDANCE_FORM_WRITTEN\","));
    /* A leader entering oral guidance, the principal head too (with or
     * without the leader role); a legal officer doing it; no form. */
    feed(&s, 6, &leader, T0, GUIDANCE("G-6", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    feed(&s, 7, &principal, T0, GUIDANCE("G-7", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    feed(&s, 8, &principal_only, T0, GUIDANCE("G-8", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    feed(&s, 9, &legal, T0, GUIDANCE("G-9", "\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\","));
    feed(&s, 10, &handler, T0, GUIDANCE("G-10", ""));
    finish(&s, T0);
    EXPECT(&s,
           {"R9", 6, "G-6", "孙副局长", "局领导孙副局长以口头形式记录指导性意见",
            "leader 孙副局长 entered oral guidance"},
           {"R9", 7, "G-7", "赵局长", "局领导赵局长以口头形式", "leader 赵局长 entered oral"},
           {"R9", 8, "G-8", "周局长", "局领导周局长以口头形式", "leader 周局长 entered oral"},
           {"R9", 9, "G-9", "李法规",
            "口头指导性意见应由办案人员记录在案，记录人李法规不具有办案人员角色",
            "李法规 does not hold the handler role"},
           {"R9", 10, "G-10", "王办案", "指导性意见未写明形式", "does not state its form"});
    stop(&s);
}

/* ---- R10: interference and guidance recorded late (B§3, B§7) -------------------------------- */

static void test_r10_event_recorded_late(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0); /* the default threshold, 24 h */
    /* Recorded 23 h after the interference: fine; 25 h: late. */
    feed(&s, 1, &handler, T0 + 23 * H, INTERFERENCE_JUSTICE("L-1", T0));
    feed(&s, 2, &handler, T0 + 25 * H, INTERFERENCE_JUSTICE("L-2", T0));
    /* Guidance given 3 days before its record, and guidance dated 3 days
     * ahead of it. */
    feed(&s, 3, &handler, T0 + 3 * D,
         "{\"kind\":\"KIND_GUIDANCE\",\"case_id\":\"L-3\",\"guidance\":{\"form\":"
         "\"GUIDANCE_FORM_ORAL_RECORDED\",\"given_at\":%" PRId64 ",\"content\":\"从快办理\"}}",
         T0);
    feed(&s, 4, &handler, T0,
         "{\"kind\":\"KIND_GUIDANCE\",\"case_id\":\"L-4\",\"guidance\":{\"form\":"
         "\"GUIDANCE_FORM_ORAL_RECORDED\",\"given_at\":%" PRId64 ",\"content\":\"从快办理\"}}",
         T0 + 3 * D);
    /* Just over the threshold: the delay is shown precisely enough to be
     * seen to exceed it; exactly at it is not late. */
    feed(&s, 5, &handler, T0 + D + 5000, INTERFERENCE_JUSTICE("L-5", T0));
    feed(&s, 6, &handler, T0 + D + 1, INTERFERENCE_JUSTICE("L-6", T0));
    feed(&s, 7, &handler, T0 + D, INTERFERENCE_JUSTICE("L-7", T0));
    /* Other kinds have no time limit in the regulations: a decision, a
     * reply, a step or a complaint recorded long after, or dated ahead,
     * is no finding. */
    investigated(&s, "L-8", 8, T0);
    feed(&s, 10, &principal, T0 + 20 * D, DECISION_OK("L-8", T0));
    feed(&s, 11, &principal, T0, DECISION_OK("L-8", T0 + 3 * D));
    feed(&s, 12, &legal, T0, COMPLAINT("L-9", "ACCEPTED", T0 - 10 * D));
    feed(&s, 13, &legal, T0 + 10 * D, REPLY("L-9", h64(12), RESULT, T0));
    feed(&s, 14, &investigator, T0 + 10 * D, STEP("L-8", T0));
    finish(&s, T0 + 20 * D);
    EXPECT(
        &s,
        {"R10", 2, "L-2", "王办案",
         "事后补记：干预插手记录的时间为2026-04-10 08:00:00 +08:00，记录时间为2026-04-11 "
         "09:00:00 +08:00，迟延1天1小时（超过1天）",
         "late record: interference.occurred_at is 2026-04-10 08:00:00 +08:00 but "
         "recorded_at is 2026-04-11 09:00:00 +08:00, 1 d 1 h later (more than 1 d)"},
        {"R10", 3, "L-3", "王办案", "事后补记：指导性意见的提出时间|迟延3天",
         "guidance.given_at|3 d later"},
        {"R10", 4, "L-4", "王办案", "记录时间早于所记事件|早3天",
         "recorded before the event|3 d earlier"},
        {"R10", 5, "L-5", "王办案", "迟延1天5秒（超过1天）", "1 d 5 s later (more than 1 d)"},
        {"R10", 6, "L-6", "王办案", "迟延1天1毫秒（超过1天）", "1 d 1 ms later (more than 1 d)"});
    stop(&s);
    /* With --late-after 2 days, 25 h is not late. */
    start(&s, 2 * D);
    feed(&s, 2, &handler, T0 + 25 * H, INTERFERENCE_JUSTICE("L-2", T0));
    finish(&s, T0 + 25 * H);
    expect_none(&s);
    stop(&s);
}

/* The log's clock against the recorder's: an interference or guidance
 * record integrated long after its recorded_at, or recorded "in the
 * future". Other kinds are not R10's. */
static void test_r10_integrated_late(void **state)
{
    (void)state;
#define RECORDED(kind, body, c, recorded)                                                          \
    "{\"kind\":\"KIND_" kind "\",\"case_id\":\"%s\",\"recorded_at\":%" PRId64 "," body "}",        \
        (const char *)(c), (int64_t)(recorded)
#define G_BODY "\"guidance\":{\"form\":\"GUIDANCE_FORM_ORAL_RECORDED\",\"content\":\"依法办理\"}"
#define C_BODY "\"case_closed\":{\"summary\":\"结案\"}"
    scenario s;
    start(&s, 0);
    /* recorded_at 2 days before the log integrated it, and 2 days after;
     * then 23 h either way, which is fine. The bodies have no event time. */
    feed(&s, 1, &handler, T0 + 2 * D, RECORDED("GUIDANCE", G_BODY, "K-1", T0));
    feed(&s, 2, &handler, T0, RECORDED("GUIDANCE", G_BODY, "K-2", T0 + 2 * D));
    feed(&s, 3, &handler, T0 + 23 * H, RECORDED("GUIDANCE", G_BODY, "K-3", T0));
    feed(&s, 4, &handler, T0, RECORDED("GUIDANCE", G_BODY, "K-4", T0 + 23 * H));
    /* A closing integrated late is not R10's, nor written guidance (the
     * document is the record, B§7). */
    feed(&s, 6, &leader, T0 + 2 * D,
         "{\"kind\":\"KIND_GUIDANCE\",\"case_id\":\"K-6\",\"recorded_at\":%" PRId64
         ",\"guidance\":{\"form\":\"GUIDANCE_FORM_WRITTEN\",\"content\":\"依法办理\"}}",
         T0);
    feed(&s, 5, &legal, T0 + 2 * D, RECORDED("CASE_CLOSED", C_BODY, "K-5", T0));
#undef RECORDED
#undef G_BODY
#undef C_BODY
    finish(&s, T0 + 2 * D);
    EXPECT(&s,
           {"R10", 1, "K-1", "王办案",
            "记录后迟迟存证：记录时间为2026-04-10 08:00:00 +08:00，存证时间为2026-04-12 "
            "08:00:00 +08:00，相隔2天（超过1天）",
            "integrated late: recorded_at is 2026-04-10 08:00:00 +08:00 but integrated_at is "
            "2026-04-12 08:00:00 +08:00, 2 d later (more than 1 d)"},
           {"R10", 2, "K-2", "王办案",
            "记录时间晚于存证时间：存证时间为2026-04-10 08:00:00 +08:00，记录时间为2026-04-12 "
            "08:00:00 +08:00，晚2天",
            "recorded_at in the future: integrated_at is 2026-04-10 08:00:00 +08:00 but "
            "recorded_at is 2026-04-12 08:00:00 +08:00, 2 d later"});
    stop(&s);
}

/* ---- R11: corrections (B§3) ----------------------------------------------------------------- */

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

/* ---- R12: not recording (B§12) -------------------------------------------------------------- */

/* A notice that `person` (JSON) did not record, with `measures` (JSON
 * list items) and further fields `more` (",..." or ""). */
#define NOT_RECORDED(c, person, measures, more)                                                    \
    "{\"kind\":\"KIND_NOTIFICATION\",\"case_id\":\"%s\",\"notification\":{\"subject\":"            \
    "\"NOTIFICATION_SUBJECT_NOT_RECORDED\",\"person\":%s,\"measures\":[" measures "]%s}}",         \
        (const char *)(c), (const char *)(person), (const char *)(more)

#define WANG "{\"name\":\"王办案\"}"
#define W1   "\"MEASURE_WARNING\""
#define CC   "\"MEASURE_CIRCULATED_CRITICISM\""
#define REF  "\"MEASURE_REFERRED_DISCIPLINE\""

/* The first time: a warning or 通报批评 (or more). */
static void test_r12_first_time(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, NOT_RECORDED("N-1", WANG, W1, ""));
    feed(&s, 2, &legal, T0, NOT_RECORDED("N-1", "{\"name\":\"陈办案\"}", CC, ""));
    feed(&s, 3, &legal, T0, NOT_RECORDED("N-1", "{\"name\":\"刘办案\"}", REF, ""));
    /* No measure at all. */
    feed(&s, 4, &legal, T0, NOT_RECORDED("N-1", "{\"name\":\"周办案\"}", "", ""));
    /* A notice of interference is not B§12's. */
    feed(&s, 5, &principal, T0, APPROVAL("N-2", "", "true", T0));
    feed(&s, 6, &legal, T0, NOTICE("N-2", "", h64(5), T0));
    finish(&s, T0);
    EXPECT(&s,
           {"R12", 4, "N-1", "李法规",
            "周办案首次不记录或者不如实记录，应予以警告、通报批评，本次通报未载明警告或者通报批评",
            "周办案's first failure to record is to be met with a warning or 通报批评 (B§12); "
            "this notice states neither"});
    stop(&s);
}

/* The second incident: referred to the discipline organs. */
static void test_r12_second_time(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, NOT_RECORDED("N-1", WANG, W1, ""));
    feed(&s, 2, &legal, T0 + D, NOT_RECORDED("N-1", WANG, CC, ""));
    /* The third time is referred: fine. */
    feed(&s, 3, &principal, T0 + 2 * D, NOT_RECORDED("N-1", WANG, CC "," REF, ""));
    finish(&s, T0 + 2 * D);
    EXPECT(&s,
           {"R12", 2, "N-1", "李法规",
            "王办案不记录或者不如实记录已达2次（首次见第1号记录），两次以上的应移送纪检监察机关给"
            "予纪律处分，本次通报的处理措施中没有移送",
            "王办案 has not recorded (or not truthfully) 2 times (the first notice is entry "
            "1)|measures lack MEASURE_REFERRED_DISCIPLINE"});
    stop(&s);
    /* Referred from the second time: nothing to find. */
    start(&s, 0);
    feed(&s, 1, &legal, T0, NOT_RECORDED("N-1", WANG, W1, ""));
    feed(&s, 2, &legal, T0, NOT_RECORDED("N-1", WANG, REF, ""));
    finish(&s, T0);
    expect_none(&s);
    stop(&s);
}

/* Incidents are counted, not notices: two notices of one incident (the
 * same `concerns`) are one; a notice listing two incidents is two. */
static void test_r12_incidents_counted(void **state)
{
    (void)state;
    char one[128], two[256], again[256];
    snprintf(one, sizeof one, ",\"concerns\":\"%s\"", h64(1));
    snprintf(again, sizeof again, ",\"concerns\":\"%s\",\"incidents\":[\"%s\"]", h64(1), h64(1));
    scenario s;
    start(&s, 0);
    feed(&s, 1, &handler, T0, INTERFERENCE_JUSTICE("N-1", T0));
    feed(&s, 2, &legal, T0, NOT_RECORDED("N-1", WANG, W1, one));
    /* The same incident again, by another notice (a circulated criticism
     * after the warning): still the first time. */
    feed(&s, 3, &legal, T0 + D, NOT_RECORDED("N-1", WANG, CC, one));
    feed(&s, 4, &legal, T0 + D, NOT_RECORDED("N-1", WANG, CC, again));
    /* Another person, one notice of two incidents, with a warning only. */
    snprintf(two, sizeof two, ",\"incidents\":[\"%s\",\"%s\"]", h64(1), h64(2));
    feed(&s, 5, &legal, T0 + D, NOT_RECORDED("N-1", "{\"name\":\"陈办案\"}", W1, two));
    /* Wang again, for a new incident: the second. */
    snprintf(two, sizeof two, ",\"concerns\":\"%s\"", h64(2));
    feed(&s, 6, &legal, T0 + 2 * D, NOT_RECORDED("N-1", WANG, CC, two));
    finish(&s, T0 + 2 * D);
    EXPECT(&s,
           {"R12", 5, "N-1", "李法规", "陈办案不记录或者不如实记录已达2次（首次见第5号记录）",
            "陈办案 has not recorded (or not truthfully) 2 times"},
           {"R12", 6, "N-1", "李法规", "王办案不记录或者不如实记录已达2次（首次见第2号记录）",
            "2 times (the first notice is entry 2)"});
    stop(&s);
}

/* A person is known by their key when the record gives one, else by name
 * (white space around it ignored). */
static void test_r12_identity(void **state)
{
    (void)state;
    char p1[256], p2[256], p3[256];
    snprintf(p1, sizeof p1, "{\"name\":\"王办案\",\"public_key\":\"%s\"}", k64(&handler));
    snprintf(p2, sizeof p2, "{\"name\":\"王  办案\",\"public_key\":\"%s\"}", k64(&handler));
    snprintf(p3, sizeof p3, "{\"name\":\"王办案\",\"public_key\":\"%s\"}", k64(&handler2));
    scenario s;
    start(&s, 0);
    /* The same key under two spellings of the name is one person; the same
     * name with another key is another; a name with spaces around it is
     * the name. */
    feed(&s, 1, &legal, T0, NOT_RECORDED("N-9", p1, W1, ""));
    feed(&s, 2, &legal, T0, NOT_RECORDED("N-9", p3, W1, ""));
    feed(&s, 3, &legal, T0, NOT_RECORDED("N-9", p2, W1, ""));
    feed(&s, 4, &legal, T0, NOT_RECORDED("N-9", "{\"name\":\"周办案\"}", W1, ""));
    feed(&s, 5, &legal, T0, NOT_RECORDED("N-9", "{\"name\":\" 周办案\\t\"}", W1, ""));
    /* Nobody named: nothing to count. */
    feed(&s, 6, &legal, T0, NOT_RECORDED("N-9", "{\"name\":\" \"}", "", ""));
    finish(&s, T0);
    EXPECT(
        &s,
        {"R12", 3, "N-9", "李法规", "王  办案不记录或者不如实记录已达2次（首次见第1号记录）",
         "2 times (the first notice is entry 1)"},
        {"R12", 5, "N-9", "李法规", "周办案不记录或者不如实记录已达2次（首次见第4号记录）", NULL});
    stop(&s);
}

/* B§12 主管领导授意不记录: the leader said to have told a handler not to
 * record is held to account, by a notice of subject LEADER_INSTIGATED or a
 * decision naming them; otherwise it is reported at the end. */
static void test_r12_instigating_leader(void **state)
{
    (void)state;
    static author chief = {"钱科长", ROLE(LEADER), {8}};
    char by_key[256], leader_key[512], more[512];
    snprintf(by_key, sizeof by_key, "{\"name\":\"钱科长\",\"public_key\":\"%s\"}", k64(&chief));
    snprintf(leader_key, sizeof leader_key,
             "{\"kind\":\"KIND_NOTIFICATION\",\"case_id\":\"IL-3\",\"notification\":{\"subject\":"
             "\"NOTIFICATION_SUBJECT_LEADER_INSTIGATED\",\"person\":{\"name\":\"钱 科长\","
             "\"public_key\":\"%s\"},\"measures\":[\"MEASURE_CIRCULATED_CRITICISM\"]}}",
             k64(&chief));
    scenario s;
    start(&s, 0);
    /* Named in a notice of not recording, held to account by nobody. */
    snprintf(more, sizeof more, ",\"instigated_by\":{\"name\":\"孙副局长\"}");
    feed(&s, 1, &legal, T0, NOT_RECORDED("IL-1", WANG, W1, more));
    /* Named in an interference record, held by a LEADER_INSTIGATED notice. */
    feed(&s, 2, &handler, T0,
         "{\"kind\":\"KIND_INTERFERENCE\",\"case_id\":\"IL-2\",\"interference\":{"
         "\"occurred_at\":%" PRId64 ",\"place\":\"局办公室\",\"person\":" ZHANG_SAN
         ",\"manner\":\"MANNER_PHONE\",\"content\":\"说情\",\"reported_to\":"
         "\"REPORTED_TO_JUSTICE_SUPERVISION\",\"reported_at\":%" PRId64 ",\"instigated_by\":{"
         "\"name\":\"周科长\"}}}",
         T0, T0);
    feed(&s, 3, &principal, T0 + D,
         "{\"kind\":\"KIND_NOTIFICATION\",\"case_id\":\"IL-2\",\"notification\":{\"subject\":"
         "\"NOTIFICATION_SUBJECT_LEADER_INSTIGATED\",\"person\":{\"name\":\"周科长\"},"
         "\"measures\":[\"MEASURE_CIRCULATED_CRITICISM\"]}}");
    /* Named with a key, held by a notice giving the key (under another
     * spelling of the name). */
    snprintf(more, sizeof more, ",\"instigated_by\":%s", by_key);
    feed(&s, 4, &legal, T0, NOT_RECORDED("IL-3", "{\"name\":\"陈办案\"}", W1, more));
    feed(&s, 5, &principal, T0 + D, "%s", leader_key);
    /* Named, held by the decision of a case naming them responsible. */
    snprintf(more, sizeof more, ",\"instigated_by\":{\"name\":\"吴科长\"}");
    feed(&s, 6, &legal, T0, NOT_RECORDED("IL-4", "{\"name\":\"刘办案\"}", W1, more));
    investigated(&s, "IL-4", 7, T0 + D);
    feed(&s, 9, &principal, T0 + 2 * D,
         DECISION_RESP("IL-4", T0 + 2 * D, "false",
                       "[{\"person\":{\"name\":\"吴科长\"},\"sanctions\":["
                       "\"SANCTION_CIRCULATED_CRITICISM\"]}]"));
    /* A notice that the leader, too, did not record does not hold them to
     * account for telling a handler not to (B§12 asks a LEADER_INSTIGATED
     * notice or a decision). */
    snprintf(more, sizeof more, ",\"instigated_by\":{\"name\":\"郑科长\"}");
    feed(&s, 10, &legal, T0, NOT_RECORDED("IL-5", "{\"name\":\"郑科长\"}", W1, more));
    /* Named with a key and a name, held by a notice giving only the name. */
    snprintf(more, sizeof more, ",\"instigated_by\":{\"name\":\"冯科长\",\"public_key\":\"%s\"}",
             k64(&investigator));
    feed(&s, 11, &legal, T0, NOT_RECORDED("IL-6", "{\"name\":\"何办案\"}", W1, more));
    feed(&s, 12, &principal, T0 + D,
         "{\"kind\":\"KIND_NOTIFICATION\",\"case_id\":\"IL-6\",\"notification\":{\"subject\":"
         "\"NOTIFICATION_SUBJECT_LEADER_INSTIGATED\",\"person\":{\"name\":\"冯科长\"},"
         "\"measures\":[\"MEASURE_CIRCULATED_CRITICISM\"]}}");
    finish(&s, T0 + 3 * D);
    EXPECT(&s,
           {"R12", 1, "IL-1", "李法规",
            "第1号记录载明主管领导孙副局长授意不记录或者不如实记录，截至2026-04-13 08:00:00 "
            "+08:00未见追究其责任的通报或者处理决定",
            "entry 1 says leader 孙副局长 told a handler not to record (or not truthfully); as of "
            "2026-04-13 08:00:00 +08:00 no notice or decision holds them to account (B§12)"},
           {"R12", 10, "IL-5", "李法规", "主管领导郑科长授意不记录", "leader 郑科长"});
    stop(&s);
}

/* ---- R13: recusal (回避) --------------------------------------------------------------------- */

/* An assignment of the team `team` (a JSON list) at t. */
#define TEAM(c, team, t)                                                                           \
    "{\"kind\":\"KIND_INVESTIGATION_ASSIGNED\",\"case_id\":\"%s\",\"investigation_assigned\":{"    \
    "\"team\":%s,\"assigned_at\":%" PRId64 "}}",                                                   \
        (const char *)(c), (const char *)(team), (int64_t)(t)

/* A decision discussed by `participants` (a JSON list) an hour before t. */
#define DISCUSSED_BY(c, participants, t)                                                           \
    "{\"kind\":\"KIND_DECISION\",\"case_id\":\"%s\",\"decision\":{\"decided_at\":%" PRId64         \
    ",\"collective_discussion\":{\"held_at\":%" PRId64 ",\"participants\":%s}}}",                  \
        (const char *)(c), (int64_t)(t), hour_before(t), (const char *)(participants)

/* The officer complained about, known by name: on the team, in the
 * discussion, signing the decision. */
static void test_r13_complained_about(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, COMPLAINT_ABOUT("RC-1", T0, "[{\"name\":\"孙副局长\"}]"));
    feed(&s, 2, &principal, T0,
         TEAM("RC-1", "[{\"name\":\"钱调查\"},{\"name\":\"孙副局长\"}]", T0));
    feed(&s, 3, &investigator, T0, STEP("RC-1", T0));
    feed(&s, 4, &principal, T0 + D,
         DISCUSSED_BY("RC-1", "[{\"name\":\"赵局长\"},{\"name\":\" 孙副局长 \"}]", T0 + D));
    feed(&s, 5, &leader, T0 + D,
         DISCUSSED_BY("RC-1", "[{\"name\":\"赵局长\"},{\"name\":\"周副局长\"}]", T0 + D));
    feed(&s, 6, &legal, T0 + D, REPLY("RC-1", h64(1), RESULT, T0 + D));
    /* The same people in another case, where nobody complained of them. */
    feed(&s, 11, &legal, T0, COMPLAINT_ABOUT("RC-2", T0, "[{\"name\":\"周执法\"}]"));
    feed(&s, 12, &principal, T0, TEAM("RC-2", "[{\"name\":\"孙副局长\"}]", T0));
    feed(&s, 13, &investigator, T0, STEP("RC-2", T0));
    feed(&s, 14, &leader, T0 + D, DECISION_OK("RC-2", T0 + D));
    feed(&s, 15, &legal, T0 + D, REPLY("RC-2", h64(11), RESULT, T0 + D));
    finish(&s, T0 + D);
    EXPECT(
        &s,
        {"R13", 2, "RC-1", "赵局长",
         "孙副局长是本案被投诉举报的执法人员（第1号记录），应当回避，却被指派为本案调查组成员",
         "孙副局长 is the officer complained about in this case (entry 1) and should stand "
         "aside, yet is on the case's investigation team"},
        {"R13", 4, "RC-1", "赵局长",
         "孙副局长是本案被投诉举报的执法人员（第1号记录），应当回避，"
         "却参加了处理决定前的集体讨论",
         "yet takes part in the collective discussion"},
        {"R13", 5, "RC-1", "孙副局长", "却签署了本案的处理决定", "yet signs the case's decision"});
    stop(&s);
}

/* Known by key: the complaint gives the officer's enrolled key, and the
 * decision's author holds it, whatever the names say. */
static void test_r13_by_key(void **state)
{
    (void)state;
    char officers[256], team[256];
    snprintf(officers, sizeof officers, "[{\"name\":\"孙某\",\"public_key\":\"%s\"}]",
             k64(&leader));
    snprintf(team, sizeof team, "[{\"name\":\"孙某某\",\"public_key\":\"%s\"}]", k64(&leader));
    scenario s;
    start(&s, 0);
    feed(&s, 1, &legal, T0, COMPLAINT_ABOUT("RK-1", T0, officers));
    feed(&s, 2, &principal, T0, TEAM("RK-1", team, T0));
    feed(&s, 3, &investigator, T0, STEP("RK-1", T0));
    feed(&s, 4, &leader, T0 + D, DECISION_OK("RK-1", T0 + D));
    feed(&s, 5, &legal, T0 + D, REPLY("RK-1", h64(1), RESULT, T0 + D));
    finish(&s, T0 + D);
    EXPECT(&s,
           {"R13", 2, "RK-1", "赵局长", "孙某某是本案被投诉举报的执法人员（第1号记录）",
            "is on the case's investigation team"},
           {"R13", 4, "RK-1", "孙副局长",
            "孙副局长是本案被投诉举报的执法人员（第1号记录），应当回避，"
            "却签署了本案的处理决定",
            NULL});
    stop(&s);
}

/* The person who interfered, likewise. */
static void test_r13_interfering_person(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &handler, T0,
         INTERFERENCE_FULL("RI-1", T0, "{\"name\":\"赵局长\",\"relation\":\"RELATION_ON_STAFF\"}",
                           "JUSTICE_SUPERVISION"));
    feed(&s, 2, &principal, T0, TEAM("RI-1", "[{\"name\":\"赵局长\"}]", T0));
    feed(&s, 3, &investigator, T0, STEP("RI-1", T0));
    feed(&s, 4, &principal, T0 + D, DECISION_OK("RI-1", T0 + D));
    /* Others do it: fine. */
    feed(&s, 11, &handler, T0, INTERFERENCE_JUSTICE("RI-2", T0));
    feed(&s, 12, &principal, T0, TEAM("RI-2", "[{\"name\":\"钱调查\"}]", T0));
    feed(&s, 13, &investigator, T0, STEP("RI-2", T0));
    feed(&s, 14, &principal, T0 + D, DECISION_OK("RI-2", T0 + D));
    finish(&s, T0 + D);
    /* 赵局长 both assigns the team and sits on it. */
    EXPECT(&s,
           {"R13", 2, "RI-1", "赵局长", "应当回避，却指派了本案的调查组",
            "yet assigns the case's investigation team"},
           {"R13", 2, "RI-1", "赵局长",
            "赵局长是本案干预、插手案件办理的人员（第1号记录），应当回避，却被指派为本案调查组成员",
            "赵局长 is the person who interfered in this case (entry 1) and should stand aside, "
            "yet is on the case's investigation team"},
           {"R13", 4, "RI-1", "赵局长",
            "赵局长是本案干预、插手案件办理的人员（第1号记录），应当回避，"
            "却签署了本案的处理决定",
            "yet signs the case's decision"},
           {"R13", 4, "RI-1", "赵局长", "却参加了处理决定前的集体讨论",
            "yet takes part in the collective discussion"});
    stop(&s);
}

/* ---- R14: a confirmed interference notified with its approval (B§10) ------------------------ */

/* Every notice of interference names an APPROVAL that approved it. */
static void test_r14_notice_approval(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* An approval, then its notice: fine. */
    feed(&s, 1, &handler, T0, INTERFERENCE_JUSTICE("A-1", T0));
    feed(&s, 2, &principal, T0 + D, APPROVAL("A-1", h64(1), "true", T0 + D));
    feed(&s, 3, &legal, T0 + D, NOTICE("A-1", h64(1), h64(2), T0 + D));
    /* No approval named; one that is no APPROVAL; one that refused. */
    feed(&s, 11, &handler, T0, INTERFERENCE_JUSTICE("A-2", T0));
    feed(&s, 12, &legal, T0 + D, NOTICE("A-2", h64(11), "", T0 + D));
    feed(&s, 13, &legal, T0 + D, NOTICE("A-2", h64(11), h64(11), T0 + D));
    feed(&s, 14, &principal, T0 + D, APPROVAL("A-2", h64(11), "false", T0 + D));
    feed(&s, 15, &legal, T0 + D, NOTICE("A-2", h64(11), h64(14), T0 + D));
    /* An approval named before it exists. */
    feed(&s, 16, &legal, T0 + D, NOTICE("A-2", h64(11), h64(17), T0 + D));
    feed(&s, 17, &principal, T0 + D, APPROVAL("A-2", h64(11), "true", T0 + D));
    finish(&s, T0 + 2 * D);
    EXPECT(&s,
           {"R14", 12, "A-2", "李法规",
            "干预情况通报未载明批准记录（干预记录制度第十条：应按人事管理权限报经批准后予以通报）",
            "notice of interference names no approval"},
           {"R14", 13, "A-2", "李法规", "干预情况通报所称的批准记录（|）不是日志中此前的批准记录",
            "which is no earlier APPROVAL of the log"},
           {"R14", 15, "A-2", "李法规", "干预情况通报所称的批准记录（第14号记录）未予批准",
            "names approval entry 14, which did not approve"},
           {"R14", 16, "A-2", "李法规", "不是日志中此前的批准记录", "no earlier APPROVAL"});
    stop(&s);
}

/* A confirmed interference (a SUPERVISION_CHECK concluding CONFIRMED) is
 * notified, with its approval, within the follow-up period. */
static void test_r14_confirmed_notified(void **state)
{
    (void)state;
    int64_t checked = at("2026-04-15T08:00:00+08:00"), late = at("2026-05-16T08:00:00+08:00");
    scenario s;
    start(&s, 0);
    /* Confirmed, approved and notified (the notice naming it): fine. */
    feed(&s, 1, &handler, T0, INTERFERENCE_OK("CN-1", T0));
    feed(&s, 2, &legal, checked, CHECK("CN-1", h64(1), "CONFIRMED", checked));
    feed(&s, 3, &principal, checked + D, APPROVAL("CN-1", h64(1), "true", checked + D));
    feed(&s, 4, &legal, checked + D, NOTICE("CN-1", h64(1), h64(3), checked + D));
    /* Confirmed, never notified. */
    feed(&s, 11, &handler, T0, INTERFERENCE_OK("CN-2", T0));
    feed(&s, 12, &legal, checked, CHECK("CN-2", h64(11), "CONFIRMED", checked));
    /* Confirmed, notified without approval: the notice is R14's, and the
     * interference is still not notified as B§10 requires. */
    feed(&s, 21, &handler, T0, INTERFERENCE_OK("CN-3", T0));
    feed(&s, 22, &legal, checked, CHECK("CN-3", h64(21), "CONFIRMED", checked));
    feed(&s, 23, &legal, checked + D, NOTICE("CN-3", h64(21), "", checked + D));
    /* Checked and not confirmed: nothing to notify. */
    feed(&s, 31, &handler, T0, INTERFERENCE_OK("CN-4", T0));
    feed(&s, 32, &legal, checked, CHECK("CN-4", h64(31), "NOT_CONFIRMED", checked));
    /* Confirmed by a check naming no record (the case's), notified by a
     * notice naming none, whose approval names the interference. */
    feed(&s, 41, &handler, T0, INTERFERENCE_OK("CN-5", T0));
    feed(&s, 42, &legal, checked, CHECK("CN-5", "", "CONFIRMED", checked));
    feed(&s, 43, &principal, checked + D, APPROVAL("CN-5", h64(41), "true", checked + D));
    feed(&s, 44, &legal, checked + D, NOTICE("CN-5", "", h64(43), checked + D));
    /* Confirmed, and the approval names the check that confirmed it (as
     * Approval.concerns allows), the notice nothing: the case's
     * interference is notified. */
    feed(&s, 51, &handler, T0, INTERFERENCE_OK("CN-6", T0));
    feed(&s, 52, &legal, checked, CHECK("CN-6", h64(51), "CONFIRMED", checked));
    feed(&s, 53, &principal, checked + D, APPROVAL("CN-6", h64(52), "true", checked + D));
    feed(&s, 54, &legal, checked + D, NOTICE("CN-6", "", h64(53), checked + D));
    finish(&s, late);
    EXPECT(&s,
           {"R14", 11, "CN-2", "王办案",
            "第12号记录查实违反规定干预办案，截至2026-05-16 08:00:00 +08:00未见经批准的通报（本工具"
            "按30日计，期限至2026年5月15日24时；干预记录制度第十条：报经批准后予以通报）",
            "entry 12 confirmed the interference; as of 2026-05-16 08:00:00 +08:00 no approved "
            "notice of it (counted as 30 days: by 24:00 on 2026-05-15 (Beijing time); B§10)"},
           {"R14", 23, "CN-3", "李法规", "未载明批准记录", "names no approval"},
           {"R14", 21, "CN-3", "王办案", "第22号记录查实违反规定干预办案", NULL});
    stop(&s);
    /* Not yet due on 05-15. */
    start(&s, 0);
    feed(&s, 11, &handler, T0, INTERFERENCE_OK("CN-2", T0));
    feed(&s, 12, &legal, checked, CHECK("CN-2", h64(11), "CONFIRMED", checked));
    finish(&s, at("2026-05-15T23:00:00+08:00"));
    expect_none(&s);
    stop(&s);
}

/* ---- R15: an interference reported to the legal section is followed up (B§4) ---------------- */

static void test_r15_followed_up(void **state)
{
    (void)state;
#define REPORT_OF(c, matter, b64)                                                                  \
    "{\"kind\":\"KIND_REPORT\",\"case_id\":\"%s\",\"report\":{\"matter\":\"REPORT_MATTER_" matter  \
    "\",\"concerns\":\"%s\",\"reported_to\":{\"name\":\"赵局长\"},\"reported_at\":%" PRId64 "}}",  \
        (const char *)(c), (const char *)(b64), T0 + D
    /* Reported Friday 04-10: 30 days end on Sunday 05-10, moved to Monday
     * 05-11. */
    int64_t late = at("2026-05-12T00:00:01+08:00");
    scenario s;
    start(&s, 0);
    /* Nothing follows. */
    feed(&s, 1, &handler, T0, INTERFERENCE_OK("F-1", T0));
    /* A check naming it; a B§4 report of the clue to the bureau head, for
     * the whole case: fine. */
    feed(&s, 11, &handler, T0, INTERFERENCE_OK("F-2", T0));
    feed(&s, 12, &legal, T0 + D, CHECK("F-2", h64(11), "PENDING", T0 + D));
    feed(&s, 21, &handler, T0, INTERFERENCE_OK("F-3", T0));
    feed(&s, 22, &handler, T0, INTERFERENCE_OK("F-3", T0));
    feed(&s, 23, &legal, T0 + D, REPORT_OF("F-3", "INTERFERENCE_CLUE", ""));
    /* A report of another matter, or a check naming the other
     * interference of the case, does not follow it up. */
    feed(&s, 31, &handler, T0, INTERFERENCE_OK("F-4", T0));
    feed(&s, 32, &handler, T0, INTERFERENCE_OK("F-4", T0));
    feed(&s, 33, &legal, T0 + D, REPORT_OF("F-4", "COMPLAINT", h64(31)));
    feed(&s, 34, &legal, T0 + D, CHECK("F-4", h64(32), "NO_CLUE", T0 + D));
    /* Reported to the justice bureau's office: not the legal section's. */
    feed(&s, 41, &handler, T0, INTERFERENCE_JUSTICE("F-5", T0));
    /* The handler's own report of the clue is not the legal section's
     * follow-up (B§4). */
    feed(&s, 51, &handler, T0, INTERFERENCE_OK("F-6", T0));
    feed(&s, 52, &handler, T0 + D, REPORT_OF("F-6", "INTERFERENCE_CLUE", h64(51)));
#undef REPORT_OF
    finish(&s, late);
    EXPECT(&s,
           {"R15", 1, "F-1", "王办案",
            "干预情况已报告局机关法规部门，截至2026-05-12 00:00:01 +08:00未见其检查、调查处理或者向"
            "机关负责人报告的记录（本工具按30日计，期限至2026年5月11日24时；干预记录制度第四条：应"
            "当及时报告并"
            "开展调查处理）",
            "interference reported to the legal section: as of 2026-05-12 00:00:01 +08:00 no "
            "check, investigation or report by it names the record (counted as 30 days: by 24:00 "
            "on 2026-05-11 (Beijing time); B§4: promptly)"},
           {"R15", 31, "F-4", "王办案", "未见其检查", NULL},
           {"R15", 51, "F-6", "王办案", "未见其检查", NULL});
    stop(&s);
    /* Not yet due at 05-11 23:59. */
    start(&s, 0);
    feed(&s, 1, &handler, T0, INTERFERENCE_OK("F-1", T0));
    finish(&s, at("2026-05-11T23:59:00+08:00"));
    expect_none(&s);
    stop(&s);
}

/* ---- R16: nothing added to a closed case but a correction or a review (A§10) ---------------- */

static void test_r16_closed(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    /* A notice and a step after the closing. */
    feed(&s, 1, &handler, T0, INTERFERENCE_JUSTICE("Z-1", T0));
    feed(&s, 2, &legal, T0 + D, CLOSED("Z-1", T0 + D));
    feed(&s, 3, &legal, T0 + 2 * D,
         NOT_RECORDED("Z-1", "{\"name\":\"王办案\"}", "\"MEASURE_WARNING\"", ""));
    feed(&s, 4, &investigator, T0 + 2 * D, STEP("Z-1", T0 + 2 * D));
    /* A correction and an appeal after the closing: fine. */
    decided_case(&s, "Z-2", 11, T0);
    feed(&s, 14, &legal, T0 + D, CLOSED("Z-2", T0 + D));
    feed(&s, 15, &principal, T0 + 2 * D, CORRECTS("Z-2", h64(13)));
    feed(&s, 16, &handler, T0 + 2 * D,
         "{\"kind\":\"KIND_APPEAL\",\"case_id\":\"Z-2\",\"appeal\":{\"decision\":\"%s\","
         "\"type\":\"APPEAL_TYPE_PETITION\",\"venue\":\"APPEAL_VENUE_JUSTICE_BUREAU\","
         "\"filed_at\":%" PRId64 "}}",
         h64(13), T0 + 2 * D);
    /* A review order reopens the case: its new investigation and decision
     * are fine, until the case is closed again. */
    decided_case(&s, "Z-3", 21, T0);
    feed(&s, 24, &legal, T0 + D, CLOSED("Z-3", T0 + D));
    feed(&s, 25, &principal, T0 + 5 * D, REVIEW_OF("Z-3", h64(23), T0 + 5 * D));
    investigated(&s, "Z-3", 26, T0 + 6 * D);
    feed(&s, 28, &principal, T0 + 7 * D, DECISION_OK("Z-3", T0 + 7 * D));
    feed(&s, 29, &legal, T0 + 8 * D, CLOSED("Z-3", T0 + 8 * D));
    feed(&s, 30, &legal, T0 + 9 * D, CLOSED("Z-3", T0 + 9 * D));
    finish(&s, T0 + 10 * D);
    EXPECT(&s,
           {"R16", 3, "Z-1", "李法规",
            "本案已于第2号记录结案，其后又追加了通报记录（结案后只应有更正、申诉或者责令重新调查）",
            "the case was closed at entry 2, and a record of kind NOTIFICATION was added after it"},
           {"R16", 4, "Z-1", "钱调查", "本案已于第2号记录结案，其后又追加了调查记录",
            "a record of kind INVESTIGATION_STEP"},
           {"R16", 30, "Z-3", "李法规", "本案已于第29号记录结案，其后又追加了结案记录",
            "closed at entry 29"});
    stop(&s);
}

/* ---- R17: no reprisal against a handler who recorded (B§9) ---------------------------------- */

#define REVOKE(key_b64)                                                                            \
    "{\"kind\":\"KIND_KEY_REVOKE\",\"key_revoke\":{\"public_key\":\"%s\",\"reason\":\"调离\"}}",   \
        (const char *)(key_b64)

static void test_r17_key_revoked(void **state)
{
    (void)state;
    scenario s;
    start(&s, 0);
    feed(&s, 1, &handler, T0, INTERFERENCE_JUSTICE("K-1", T0));
    feed(&s, 2, &handler2, T0 - 400 * D, INTERFERENCE_JUSTICE("K-2", T0 - 400 * D));
    /* Within a year of the record: reported. More than a year after, or a
     * key that recorded nothing: not. */
    feed(&s, 3, &admin, T0 + 200 * D, REVOKE(k64(&handler)));
    feed(&s, 4, &admin, T0 + 200 * D, REVOKE(k64(&handler2)));
    feed(&s, 5, &admin, T0 + 200 * D, REVOKE(k64(&legal)));
    finish(&s, T0 + 200 * D);
    char zh[160], en[160];
    snprintf(zh, sizeof zh,
             "注销了王办案的密钥%s，其于第1号记录如实记录了干预|时隔不足一年，其后未再为其登记密钥",
             kshort(&handler));
    snprintf(en, sizeof en,
             "the key %s of 王办案 is revoked less than a year after they recorded|no key was "
             "enrolled for them since|check the ground and the procedure",
             kshort(&handler));
    EXPECT(&s, {"R17", 3, "", "管理员", zh, en});
    stop(&s);
    /* A lost key revoked and a new one enrolled for the same holder: the
     * key was replaced, not its holder removed. */
    start(&s, 0);
    feed(&s, 1, &handler, T0, INTERFERENCE_JUSTICE("K-1", T0));
    feed(&s, 2, &admin, T0 + 10 * D, REVOKE(k64(&handler)));
    feed(
        &s, 3, &admin, T0 + 10 * D,
        "{\"kind\":\"KIND_KEY_ENROLL\",\"key_enroll\":{\"public_key\":\"%s\",\"holder\":\"王办案\","
        "\"roles\":[\"ROLE_HANDLER\"]}}",
        k64(&handler2));
    finish(&s, T0 + 10 * D);
    expect_none(&s);
    stop(&s);
    /* A year and a day after: not reported. */
    start(&s, 0);
    feed(&s, 1, &handler, T0, INTERFERENCE_JUSTICE("K-1", T0));
    feed(&s, 2, &admin, T0 + 366 * D, REVOKE(k64(&handler)));
    finish(&s, T0 + 366 * D);
    expect_none(&s);
    stop(&s);
}

static void test_r17_adverse_decision(void **state)
{
    (void)state;
    char by_key[256];
    snprintf(by_key, sizeof by_key,
             "[{\"person\":{\"name\":\"王某\",\"public_key\":\"%s\"},\"organisational_measures\":["
             "\"ORGANISATIONAL_MEASURE_REMOVED\"]}]",
             k64(&handler));
    scenario s;
    start(&s, 0);
    feed(&s, 1, &handler, T0, INTERFERENCE_JUSTICE("X-1", T0));
    /* Removed from post in a case without a complaint about them. */
    investigated(&s, "X-2", 2, T0 + D);
    feed(&s, 4, &principal, T0 + 2 * D,
         DECISION_RESP("X-2", T0 + 2 * D, "false",
                       "[{\"person\":{\"name\":\"王办案\"},\"sanctions\":["
                       "\"SANCTION_REMOVED_FROM_POST\"]}]"));
    /* Removed from office (免职), known by the key the decision gives. */
    investigated(&s, "X-3", 5, T0 + D);
    feed(&s, 7, &principal, T0 + 2 * D, DECISION_RESP("X-3", T0 + 2 * D, "false", by_key));
    /* A grade of demotion or more. */
    investigated(&s, "X-4", 8, T0 + D);
    feed(&s, 10, &principal, T0 + 2 * D,
         DECISION_RESP("X-4", T0 + 2 * D, "true",
                       "[{\"person\":{\"name\":\"王办案\"},\"sanctions\":["
                       "\"SANCTION_ADMINISTRATIVE_SANCTION\"],\"discipline_grade\":"
                       "\"DISCIPLINE_GRADE_DEMOTION\"}]"));
    /* Written self-examination is not a removal or demotion; a recorder in
     * a case where a complaint names them is held to account as A§10 sets
     * out. */
    investigated(&s, "X-5", 11, T0 + D);
    feed(&s, 13, &principal, T0 + 2 * D,
         DECISION_RESP("X-5", T0 + 2 * D, "false",
                       "[{\"person\":{\"name\":\"王办案\"},\"sanctions\":["
                       "\"SANCTION_WRITTEN_SELF_EXAMINATION\"]}]"));
    feed(&s, 14, &legal, T0, COMPLAINT_ABOUT("X-6", T0, "[{\"name\":\"王办案\"}]"));
    investigated(&s, "X-6", 15, T0 + D);
    feed(&s, 17, &principal, T0 + 2 * D,
         DECISION_RESP("X-6", T0 + 2 * D, "true",
                       "[{\"person\":{\"name\":\"王办案\"},\"sanctions\":["
                       "\"SANCTION_REMOVED_FROM_POST\"]}]"));
    feed(&s, 18, &legal, T0 + 2 * D, REPLY("X-6", h64(14), RESULT, T0 + 2 * D));
    /* Someone who recorded nothing. */
    investigated(&s, "X-7", 19, T0 + D);
    feed(&s, 21, &principal, T0 + 2 * D,
         DECISION_RESP("X-7", T0 + 2 * D, "false",
                       "[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                       "\"SANCTION_REMOVED_FROM_POST\"]}]"));
    /* Enforcement suspended (the certificate withheld). */
    investigated(&s, "X-8", 22, T0 + D);
    feed(&s, 24, &principal, T0 + 2 * D,
         DECISION_RESP("X-8", T0 + 2 * D, "false",
                       "[{\"person\":{\"name\":\"王办案\"},\"sanctions\":["
                       "\"SANCTION_ENFORCEMENT_SUSPENDED\"]}]"));
    /* The recorder named as the person who interfered in this case (not
     * complained about): reported, for the inspector to check the ground. */
    feed(&s, 25, &handler2, T0,
         INTERFERENCE_FULL("X-9", T0, "{\"name\":\"王办案\",\"relation\":\"RELATION_ON_STAFF\"}",
                           "JUSTICE_SUPERVISION"));
    investigated(&s, "X-9", 26, T0 + D);
    feed(&s, 28, &principal, T0 + 2 * D,
         DECISION_RESP("X-9", T0 + 2 * D, "false",
                       "[{\"person\":{\"name\":\"王办案\"},\"sanctions\":["
                       "\"SANCTION_REMOVED_FROM_POST\"]}]"));
    finish(&s, T0 + 2 * D);
    EXPECT(&s, {"R17", 28, "X-9", "赵局长", "且本案没有针对其的投诉举报", NULL},
           {"R17", 4, "X-2", "赵局长",
            "处理决定对王办案作出调离、暂停执法、降级以上处分或者免职等处理，而王办案曾于第1号记录"
            "如实记录干预、插手案件的情况，且本案没有针对其的投诉举报",
            "the decision removes, suspends, demotes or dismisses 王办案, who recorded an "
            "interference (entry 1), in a case with no complaint about them: check the lawful "
            "ground and procedure (B§9)"},
           {"R17", 7, "X-3", "赵局长", "处理决定对王某作出调离", "dismisses 王某, who recorded"},
           {"R17", 10, "X-4", "赵局长", "曾于第1号记录如实记录", NULL},
           {"R17", 24, "X-8", "赵局长", "处理决定对王办案作出调离、暂停执法", NULL});
    stop(&s);
}

/* ---- the whole: a clean case, isolation, hostile values ------------------------------------- */

/* A case that follows both regulations to the letter: no finding, even as
 * of long after. */
static void test_clean_case(void **state)
{
    (void)state;
    const char *c = "QJ-2026-7";
    int64_t t = at("2026-04-13T09:00:00+08:00"); /* a Monday */
    scenario s;
    start(&s, 0);
    feed(&s, 0, &admin, t - 30 * D,
         "{\"kind\":\"KIND_KEY_ENROLL\",\"recorded_at\":1,\"key_enroll\":{\"public_key\":\"%s\","
         "\"holder\":\"王办案\",\"roles\":[\"ROLE_HANDLER\"]}}",
         k64(&handler));
    feed(&s, 1, &legal, t, COMPLAINT_ABOUT(c, t, "[{\"name\":\"周执法\"}]"));
    feed(&s, 2, &legal, t + H,
         "{\"kind\":\"KIND_REPORT\",\"case_id\":\"%s\",\"report\":{\"matter\":"
         "\"REPORT_MATTER_COMPLAINT\",\"concerns\":\"%s\",\"reported_to\":{\"name\":\"赵局长\"},"
         "\"reported_at\":%" PRId64 "}}",
         c, h64(1), t + H);
    feed(&s, 3, &principal, t + 2 * H,
         TEAM(c, "[{\"name\":\"钱调查\"},{\"name\":\"李法规\"}]", t + 2 * H));
    feed(&s, 4, &handler, t + 3 * H, INTERFERENCE_OK(c, t + 2 * H));
    feed(&s, 5, &leader, t + 3 * H,
         "{\"kind\":\"KIND_GUIDANCE\",\"case_id\":\"%s\",\"guidance\":{\"form\":"
         "\"GUIDANCE_FORM_WRITTEN\",\"given_at\":%" PRId64 ",\"content\":\"依法办理\"}}",
         c, t + 3 * H);
    feed(&s, 6, &investigator, t + D, STEP(c, t + D));
    feed(&s, 7, &legal, t + 2 * D, CHECK(c, h64(4), "CONFIRMED", t + 2 * D));
    feed(&s, 8, &principal, t + 3 * D, APPROVAL(c, h64(4), "true", t + 3 * D));
    feed(&s, 9, &legal, t + 3 * D, NOTICE(c, h64(4), h64(8), t + 3 * D));
    feed(&s, 10, &principal, t + 5 * D,
         DECISION_RESP(c, t + 5 * D, "true",
                       "[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                       "\"SANCTION_WRITTEN_SELF_EXAMINATION\"]}]"));
    feed(&s, 11, &legal, t + 6 * D, REPLY(c, h64(1), RESULT, t + 6 * D));
    feed(&s, 12, &legal, t + 6 * D,
         "{\"kind\":\"KIND_SERVICE\",\"case_id\":\"%s\",\"service\":{\"decision\":\"%s\","
         "\"served_on\":{\"name\":\"周执法\"},\"served_at\":%" PRId64 ",\"rights_told\":true}}",
         c, h64(10), t + 6 * D);
    feed(&s, 13, &principal, t + 20 * D, REVIEW_OF(c, h64(10), t + 20 * D));
    investigated(&s, c, 14, t + 21 * D);
    feed(&s, 16, &principal, t + 25 * D,
         DECISION_RESP(c, t + 25 * D, "true",
                       "[{\"person\":{\"name\":\"周执法\"},\"sanctions\":["
                       "\"SANCTION_CIRCULATED_CRITICISM\"]}]"));
    feed(&s, 17, &legal, t + 26 * D, CLOSED(c, t + 26 * D));
    feed(&s, 18, &handler, t + 27 * D, CORRECTS(c, h64(4)));
    feed(&s, 19, &admin, t + 800 * D, REVOKE(k64(&handler)));
    finish(&s, t + 1000 * D);
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
         ",\"interference\":{\"occurred_at\":%" PRId64 ",\"reported_to\":"
         "\"REPORTED_TO_LEGAL_SECTION\",\"reported_at\":%" PRId64 "}}",
         INT64_MAX, INT64_MIN, INT64_MAX);
    feed(&s, 2, &legal, INT64_MAX,
         "{\"kind\":\"KIND_COMPLAINT\",\"case_id\":\"H\",\"complaint\":{\"received_at\":%" PRId64
         ",\"accepted_at\":%" PRId64 ",\"jurisdiction\":\"JURISDICTION_TO_TRANSFER\"}}",
         INT64_MIN, INT64_MAX);
    feed(&s, 3, &legal, 1,
         "{\"kind\":\"KIND_TRANSFER\",\"case_id\":\"H\",\"transfer\":{\"transferred_at\":"
         "%" PRId64 "}}",
         INT64_MAX);
    feed(&s, 4, &principal, 1,
         "{\"kind\":\"KIND_DECISION\",\"case_id\":\"H\",\"recorded_at\":1,\"decision\":{"
         "\"decided_at\":%" PRId64 "}}",
         INT64_MAX);
    feed(&s, 5, &principal, 1,
         "{\"kind\":\"KIND_REVIEW_ORDER\",\"case_id\":\"H\",\"recorded_at\":1,\"review_order\":{"
         "\"ordered_at\":%" PRId64 "}}",
         INT64_MIN);
    feed(&s, 6, &legal, INT64_MIN, CHECK("H", "AAAA", "CONFIRMED", INT64_MIN));
    feed(&s, 7, &legal, INT64_MIN, CHECK("H", "", "CONFIRMED", INT64_MIN));
    feed(&s, 8, &legal, 1, NOTICE("H", "AAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 1));
    feed(&s, 9, &principal, INT64_MAX, APPROVAL("H", "AAAA", "true", INT64_MIN));
    /* A name and a case id longer than any sentence (entries from a log
     * are validated, these are not): the rules cut them into whole
     * characters. */
    static char name[3 * 1000 + 1], case_id[3 * 500 + 1], person[3 * 1000 + 64];
    name[0] = case_id[0] = '\0';
    for (int i = 0; i < 1000; i++)
        strcat(name, "长");
    for (int i = 0; i < 500; i++)
        strcat(case_id, "案");
    snprintf(person, sizeof person, "{\"name\":\"%s\"}", name);
    static char more[3 * 1000 + 64];
    snprintf(more, sizeof more, ",\"instigated_by\":{\"name\":\"%s\"},\"incidents\":[\"AAAA\"]",
             name);
    feed(&s, 10, &legal, 1, NOT_RECORDED("H", person, W1, ""));
    feed(&s, 11, &legal, 1, NOT_RECORDED("H", person, W1, more));
    feed(&s, 12, &handler, 1, INTERFERENCE_OK(case_id, 1));
    feed(&s, 13, &handler, 1, CORRECTS("H", h64(12)));
    feed(&s, 14, &admin, INT64_MIN, REVOKE(k64(&handler)));
    feed(&s, 15, &admin, INT64_MIN, REVOKE("AAAA"));
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
    /* Bad arguments, and calls after the end. */
    rules *r = NULL;
    rules_options bad = {.late_after_ms = -1};
    assert_int_equal(rules_new(&bad, &r), LH_EINVAL);
    assert_null(r);
    assert_int_equal(rules_new(NULL, &r), 0);
    assert_int_equal(rules_observe(r, NULL, NULL), LH_EINVAL);
    assert_int_equal(rules_correction(r, NULL, NULL), LH_EINVAL);
    report *rep = NULL;
    report_options po = {.log_origin = "test.example/rules", .json = true};
    assert_int_equal(report_new(&po, &rep), 0);
    assert_int_equal(rules_finish(r, T0, rep), 0);
    assert_int_equal(rules_finish(r, T0, rep), LH_EINVAL);
    uint8_t id[ENTRY_HASH_BYTES] = {0};
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    e.kind = LIUHEN__KIND__KIND_CASE_CLOSED;
    e.case_id = "H";
    e.author_key = (ProtobufCBinaryData){sizeof handler.key, handler.key};
    rules_entry re = {.index = 1, .entry_id = id, .integrated_at = T0, .entry = &e};
    assert_int_equal(rules_observe(r, &re, rep), LH_EINVAL);
    report_free(rep);
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
    /* Every case's interferences followed up by one check each. */
    for (uint64_t i = 0; i < 3000; i++) {
        snprintf(c, sizeof c, "CASE-%" PRIu64, i);
        feed(&s, 2 * n + i, &legal, T0 + D, CHECK(c, "", "NO_CLUE", T0 + D));
    }
    finish(&s, T0 + 100 * D);
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
        cmocka_unit_test(test_r3_days_civil_code),
        cmocka_unit_test(test_r3_from_receipt),
        cmocka_unit_test(test_r3_not_transferred),
        cmocka_unit_test(test_r3_working_days),
        cmocka_unit_test(test_r3_holiday_calendar),
        cmocka_unit_test(test_r4_result_told),
        cmocka_unit_test(test_r4_dangling_answers),
        cmocka_unit_test(test_r5_principal_assigns),
        cmocka_unit_test(test_r5_investigation_first),
        cmocka_unit_test(test_r5_review_reinvestigate),
        cmocka_unit_test(test_r5_review_direct),
        cmocka_unit_test(test_r5_review_not_followed),
        cmocka_unit_test(test_r6_collective_discussion),
        cmocka_unit_test(test_r7_wrongful_case),
        cmocka_unit_test(test_r7_obstruction_weighs),
        cmocka_unit_test(test_r8_within_month),
        cmocka_unit_test(test_r8_month_end),
        cmocka_unit_test(test_r8_which_decision),
        cmocka_unit_test(test_r9_guidance),
        cmocka_unit_test(test_r10_event_recorded_late),
        cmocka_unit_test(test_r10_integrated_late),
        cmocka_unit_test(test_r11_corrections),
        cmocka_unit_test(test_r12_first_time),
        cmocka_unit_test(test_r12_second_time),
        cmocka_unit_test(test_r12_incidents_counted),
        cmocka_unit_test(test_r12_identity),
        cmocka_unit_test(test_r12_instigating_leader),
        cmocka_unit_test(test_r13_complained_about),
        cmocka_unit_test(test_r13_by_key),
        cmocka_unit_test(test_r13_interfering_person),
        cmocka_unit_test(test_r14_notice_approval),
        cmocka_unit_test(test_r14_confirmed_notified),
        cmocka_unit_test(test_r15_followed_up),
        cmocka_unit_test(test_r16_closed),
        cmocka_unit_test(test_r17_key_revoked),
        cmocka_unit_test(test_r17_adverse_decision),
        cmocka_unit_test(test_clean_case),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
