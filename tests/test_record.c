/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_record.c — building records for `liuhen append` (tools/liuhen/record.h):
 * kinds by CLI name, Chinese label and proto name; --set over every kind of
 * field (nested, repeated scalars, repeated messages and their item rule,
 * enums, bools, times in every form, bytes and #INDEX, integers out of
 * range), with the exact error for each wrong input and the record left
 * unchanged; JSON merged from text and from files; attachments hashed from
 * files; refs; and every record built here passing validate_entry(). Then
 * what the regulations require of a record before it is signed
 * (required.h, lh_record_check()), the examples of `liuhen help KIND`
 * meeting it, and "did you mean" for kinds, fields and values.
 *
 * JSON literals are written with ' for " (tu_sq() swaps them). Set
 * RECORD_SHOW=1 to print the error messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "entry.h"
#include "errors.h"
#include "kind.h"
#include "kindhelp.h"
#include "liuhen.h"
#include "liuhen.pb-c.h"
#include "pbjson.h"
#include "record.h"
#include "record_attach.h"
#include "record_set.h"
#include "required.h"
#include "suggest.h"
#include "testutil.h"
#include "text.h"
#include "validate.h"

#define ORIGIN  "qianjiang.example/liuhen"
#define CASE_ID "QJ-2026-7"

/* Base64 of 32 bytes of 0x11 and of 0x07 (what the test resolver gives for
 * #7). */
#define H11 "ERERERERERERERERERERERERERERERERERERERERERE="
#define H07 "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="

/* 2026-05-20 14:30:00 in Beijing (UTC+8), unix ms, as Python's datetime
 * computes it. */
#define T_1430 INT64_C(1779258600000)

/* ------------------------------------------------------------------------
 * Helpers.
 */

static void show(const char *what, int rc, const lh_err *err)
{
    if (getenv("RECORD_SHOW") != NULL)
        print_message("%-28s %-18s %s\n", what, lh_errname(rc), err->msg);
}

/* The test resolver: #N is 32 bytes of N (mod 256), #404 is not in the
 * log, #500 is a connection that failed. It counts its calls. */
static int resolve(void *ctx, uint64_t index, uint8_t hash[32])
{
    (*(int *)ctx)++;
    if (index == 404)
        return LH_ENOTFOUND;
    if (index == 500)
        return -ECONNREFUSED;
    memset(hash, (int)(index & 0xFF), 32);
    return 0;
}

static int resolved;
static const record_opts opts = {resolve, &resolved};

static Liuhen__Entry *mk(Liuhen__Kind kind)
{
    Liuhen__Entry *e = NULL;
    lh_err err = {{0}};
    int rc = record_new(kind, CASE_ID, &e, &err);
    if (rc != 0)
        fail_msg("record_new(%s): %s: %s", kind_name(kind), lh_errname(rc), err.msg);
    assert_non_null(e);
    return e;
}

static uint8_t *pack(const Liuhen__Entry *e, size_t *len)
{
    *len = liuhen__entry__get_packed_size(e);
    uint8_t *buf = malloc(*len > 0 ? *len : 1);
    assert_non_null(buf);
    assert_int_equal(liuhen__entry__pack(e, buf), *len);
    return buf;
}

static void set_ok(Liuhen__Entry *e, const char *literal)
{
    char *assignment = tu_sq(literal);
    lh_err err = {{0}};
    int rc = record_set(e, assignment, &opts, &err);
    if (rc != 0)
        fail_msg("record_set '%s': %s: %s", assignment, lh_errname(rc), err.msg);
    free(assignment);
}

/* record_set must fail with code, say why in a message that contains
 * needle and fits lh_err, and leave the record as it was. */
static void set_fails_opts(Liuhen__Entry *e, const char *literal, const record_opts *o, int code,
                           const char *needle)
{
    char *assignment = tu_sq(literal);
    size_t before_len, after_len;
    uint8_t *before = pack(e, &before_len);
    lh_err err = {{0}};
    int rc = record_set(e, assignment, o, &err);
    show(assignment, rc, &err);
    if (rc != code)
        fail_msg("record_set '%s': got %s (%s), want %s", assignment, lh_errname(rc), err.msg,
                 lh_errname(code));
    if (strstr(err.msg, needle) == NULL)
        fail_msg("record_set '%s': message \"%s\" lacks \"%s\"", assignment, err.msg, needle);
    assert_true(strlen(err.msg) < LH_ERR_MSG_MAX);
    uint8_t *after = pack(e, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
    free(assignment);
}

static void set_fails(Liuhen__Entry *e, const char *assignment, int code, const char *needle)
{
    set_fails_opts(e, assignment, &opts, code, needle);
}

/* The body of e, as compact JSON, must be want (written with '). */
static void body_is(Liuhen__Entry *e, const char *want)
{
    char *text = NULL;
    assert_int_equal(pbjson_dump(entry_body_of(e), 0, &text), 0);
    char *w = tu_sq(want);
    if (strcmp(text, w) != 0)
        fail_msg("body\n  got  %s\n  want %s", text, w);
    free(w);
    free(text);
}

static void merge_ok(Liuhen__Entry *e, const char *json)
{
    char *t = tu_sq(json);
    lh_err err = {{0}};
    int rc = record_merge_json(e, t, strlen(t), &err);
    if (rc != 0)
        fail_msg("record_merge_json %s: %s: %s", t, lh_errname(rc), err.msg);
    free(t);
}

static void merge_fails(Liuhen__Entry *e, const char *json, int code, const char *needle)
{
    size_t before_len, after_len;
    uint8_t *before = pack(e, &before_len);
    char *t = tu_sq(json);
    lh_err err = {{0}};
    int rc = record_merge_json(e, t, strlen(t), &err);
    show(t, rc, &err);
    if (rc != code)
        fail_msg("record_merge_json %s: got %s (%s), want %s", t, lh_errname(rc), err.msg,
                 lh_errname(code));
    if (strstr(err.msg, needle) == NULL)
        fail_msg("record_merge_json %s: message \"%s\" lacks \"%s\"", t, err.msg, needle);
    uint8_t *after = pack(e, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
    free(t);
}

/* A record built here must be what validate_entry() accepts: through
 * record_check(), and independently with a real-looking header filled in
 * as lh_append() would, packed and validated, and unpacked to the same
 * bytes. */
static void assert_valid(const Liuhen__Entry *e)
{
    lh_err err = {{0}};
    int rc = record_check(e, ORIGIN, &err);
    if (rc != 0)
        fail_msg("record_check: %s: %s", lh_errname(rc), err.msg);

    uint8_t key[32], prev[32];
    memset(key, 0x42, sizeof key);
    memset(prev, 0x43, sizeof prev);
    Liuhen__Entry c = *e;
    c.origin = (char *)ORIGIN;
    c.author_key.data = key;
    c.author_key.len = sizeof key;
    c.author_seq = 3;
    c.author_prev.data = prev;
    c.author_prev.len = sizeof prev;
    bool key_management =
        e->kind == LIUHEN__KIND__KIND_KEY_ENROLL || e->kind == LIUHEN__KIND__KIND_KEY_REVOKE;
    if (!kind_opens_case(e->kind) && !key_management) {
        c.case_prev.data = prev;
        c.case_prev.len = sizeof prev;
    }
    c.recorded_at = T_1430;
    size_t len;
    uint8_t *buf = pack(&c, &len);
    Liuhen__Entry *back = NULL;
    rc = validate_entry(buf, len, ORIGIN, &back, &err);
    if (rc != 0)
        fail_msg("validate_entry: %s: %s", lh_errname(rc), err.msg);
    size_t len2;
    uint8_t *buf2 = pack(back, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(buf, buf2, len);
    free(buf2);
    liuhen__entry__free_unpacked(back, NULL);
    free(buf);
}

static void record_free(Liuhen__Entry *e)
{
    liuhen__entry__free_unpacked(e, NULL);
}

/* A private temporary directory for the files of one test. */
static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_record.XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    /* Every local time of these tests is Beijing time, UTC+8 without
     * daylight saving; the POSIX rule says the same when tzdata is
     * missing. */
    const char *tz =
        access("/usr/share/zoneinfo/Asia/Shanghai", R_OK) == 0 ? "Asia/Shanghai" : "CST-8";
    setenv("TZ", tz, 1);
    tzset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *tmp_path(const char *name)
{
    size_t n = strlen(tmpdir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", tmpdir, name);
    return p;
}

static char *write_file(const char *name, const void *data, size_t len)
{
    char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

/* ------------------------------------------------------------------------
 * Kinds.
 */

static void test_kinds(void **state)
{
    (void)state;
    static const struct {
        const char *cli;
        Liuhen__Kind kind;
        const char *label;
    } want[] = {
        {"interference", LIUHEN__KIND__KIND_INTERFERENCE, "干预插手记录"},
        {"guidance", LIUHEN__KIND__KIND_GUIDANCE, "指导性意见"},
        {"complaint", LIUHEN__KIND__KIND_COMPLAINT, "投诉举报登记"},
        {"transfer", LIUHEN__KIND__KIND_TRANSFER, "转送有权部门"},
        {"reply", LIUHEN__KIND__KIND_REPLY, "答复"},
        {"investigation-assigned", LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED, "指派调查组"},
        {"investigation-step", LIUHEN__KIND__KIND_INVESTIGATION_STEP, "调查"},
        {"decision", LIUHEN__KIND__KIND_DECISION, "处理决定"},
        {"review-order", LIUHEN__KIND__KIND_REVIEW_ORDER, "责令重新调查"},
        {"appeal", LIUHEN__KIND__KIND_APPEAL, "陈述申辩/申诉"},
        {"notification", LIUHEN__KIND__KIND_NOTIFICATION, "通报"},
        {"correction", LIUHEN__KIND__KIND_CORRECTION, "更正"},
        {"case-closed", LIUHEN__KIND__KIND_CASE_CLOSED, "结案"},
        {"report", LIUHEN__KIND__KIND_REPORT, "报告"},
        {"recommendation", LIUHEN__KIND__KIND_RECOMMENDATION, "法规部门处理建议"},
        {"supervision-check", LIUHEN__KIND__KIND_SUPERVISION_CHECK, "法制机构检查、抽查及处理"},
        {"service", LIUHEN__KIND__KIND_SERVICE, "送达、告知"},
        {"approval", LIUHEN__KIND__KIND_APPROVAL, "报经批准"},
    };
    char list[1024] = "";
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        Liuhen__Kind k = LIUHEN__KIND__KIND_UNSPECIFIED;
        assert_int_equal(record_kind_from_cli(want[i].cli, &k), 0);
        assert_int_equal(k, want[i].kind);
        assert_string_equal(record_kind_cli_name(k), want[i].cli);
        /* The label, as entry.c has it (and as docs/design.md writes it). */
        assert_string_equal(kind_label_zh(k), want[i].label);
        k = LIUHEN__KIND__KIND_UNSPECIFIED;
        assert_int_equal(record_kind_from_cli(want[i].label, &k), 0);
        assert_int_equal(k, want[i].kind);
        /* The proto name, with and without the prefix, in any case. */
        char proto[64];
        snprintf(proto, sizeof proto, "KIND_%s", kind_name(want[i].kind));
        k = LIUHEN__KIND__KIND_UNSPECIFIED;
        assert_int_equal(record_kind_from_cli(proto, &k), 0);
        assert_int_equal(k, want[i].kind);
        k = LIUHEN__KIND__KIND_UNSPECIFIED;
        assert_int_equal(record_kind_from_cli(kind_name(want[i].kind), &k), 0);
        assert_int_equal(k, want[i].kind);
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i > 0 ? ", " : "",
                 want[i].cli);
    }
    assert_string_equal(record_kinds_list(), list);

    /* Each part of a label with '/'. */
    Liuhen__Kind k = LIUHEN__KIND__KIND_UNSPECIFIED;
    assert_int_equal(record_kind_from_cli("陈述申辩", &k), 0);
    assert_int_equal(k, LIUHEN__KIND__KIND_APPEAL);
    assert_int_equal(record_kind_from_cli("申诉", &k), 0);
    assert_int_equal(k, LIUHEN__KIND__KIND_APPEAL);
    assert_int_equal(record_kind_from_cli("Investigation_Step", &k), 0);
    assert_int_equal(k, LIUHEN__KIND__KIND_INVESTIGATION_STEP);

    /* Not kinds of case records; k is left alone. Receiving a complaint is
     * not 立案 (A§10(1): 受理), so 立案 names no kind. */
    k = LIUHEN__KIND__KIND_REPLY;
    const char *bad[] = {"",
                         "key-enroll",
                         "KEY_REVOKE",
                         "登记密钥",
                         "unspecified",
                         "interferenc",
                         "interference ",
                         "投诉",
                         "立案",
                         "/",
                         "调查组",
                         "KIND_"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (record_kind_from_cli(bad[i], &k) != LH_ENOTFOUND)
            fail_msg("'%s' taken for a kind", bad[i]);
        assert_int_equal(k, LIUHEN__KIND__KIND_REPLY);
    }
    assert_int_equal(record_kind_from_cli(NULL, &k), LH_EINVAL);
    assert_int_equal(record_kind_from_cli("reply", NULL), LH_EINVAL);
    assert_null(record_kind_cli_name(LIUHEN__KIND__KIND_UNSPECIFIED));
    assert_null(record_kind_cli_name(LIUHEN__KIND__KIND_KEY_ENROLL));
    assert_null(record_kind_cli_name((Liuhen__Kind)99));
    assert_null(record_kind_cli_name((Liuhen__Kind)-1));
}

/* ------------------------------------------------------------------------
 * record_new.
 */

static void test_new(void **state)
{
    (void)state;
    /* Every kind gets the body of its own kind, empty. */
    for (int k = LIUHEN__KIND__KIND_INTERFERENCE; k <= LIUHEN__KIND__KIND_CASE_CLOSED; k++) {
        Liuhen__Entry *e = mk((Liuhen__Kind)k);
        assert_int_equal(e->kind, k);
        assert_string_equal(e->case_id, CASE_ID);
        ProtobufCMessage *body = entry_body_of(e);
        assert_non_null(body);
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(&liuhen__entry__descriptor, e->body_case);
        assert_non_null(f);
        assert_ptr_equal(body->descriptor, f->descriptor);
        body_is(e, "{}");
        if (k == LIUHEN__KIND__KIND_CORRECTION) {
            /* The one case kind with a required field. */
            lh_err err = {{0}};
            assert_int_equal(record_check(e, ORIGIN, &err), LH_EFIELD);
            assert_non_null(strstr(err.msg, "correction.corrects"));
            set_ok(e, "corrects=" H11);
        }
        assert_valid(e);
        record_free(e);
    }

    /* Key management: no case. */
    Liuhen__Entry *e = NULL;
    lh_err err = {{0}};
    assert_int_equal(record_new(LIUHEN__KIND__KIND_KEY_ENROLL, NULL, &e, &err), 0);
    assert_string_equal(e->case_id, "");
    set_ok(e, "public_key=" H11);
    set_ok(e, "holder=张三");
    set_ok(e, "roles=handler");
    set_ok(e, "roles=LEGAL");
    body_is(e, "{'public_key':'" H11 "','holder':'张三','roles':['ROLE_HANDLER','ROLE_LEGAL']}");
    assert_valid(e);
    record_free(e);
    assert_int_equal(record_new(LIUHEN__KIND__KIND_KEY_REVOKE, "", &e, &err), 0);
    record_free(e);

    static const struct {
        int kind;
        const char *case_id;
        int code;
        const char *needle;
    } bad[] = {
        {LIUHEN__KIND__KIND_UNSPECIFIED, CASE_ID, LH_EKIND, "kind: 0 is not a record kind"},
        {99, CASE_ID, LH_EKIND, "kind: 99 is not a record kind (accepted: interference"},
        {LIUHEN__KIND__KIND_DECISION, NULL, LH_EFIELD, "case_id: required"},
        {LIUHEN__KIND__KIND_DECISION, "", LH_EFIELD, "case_id: required"},
        {LIUHEN__KIND__KIND_DECISION, "QJ 2026", LH_EFIELD, "blank or control character at byte 2"},
        {LIUHEN__KIND__KIND_DECISION, "QJ\n7", LH_EFIELD, "'QJ\\x0a7'"},
        {LIUHEN__KIND__KIND_DECISION, "\xff", LH_EUTF8, "case_id: '\\xff' is not valid UTF-8"},
        {LIUHEN__KIND__KIND_KEY_ENROLL, CASE_ID, LH_EFIELD, "must be empty for KEY_ENROLL"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e = (Liuhen__Entry *)&err;
        int rc = record_new((Liuhen__Kind)bad[i].kind, bad[i].case_id, &e, &err);
        show("record_new", rc, &err);
        assert_int_equal(rc, bad[i].code);
        assert_null(e);
        if (strstr(err.msg, bad[i].needle) == NULL)
            fail_msg("message \"%s\" lacks \"%s\"", err.msg, bad[i].needle);
    }
    char long_id[ENTRY_CASE_ID_MAX + 2];
    memset(long_id, 'A', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    assert_int_equal(record_new(LIUHEN__KIND__KIND_REPLY, long_id, &e, &err), LH_EFIELD);
    assert_non_null(strstr(err.msg, "129 bytes, at most 128"));
    long_id[ENTRY_CASE_ID_MAX] = '\0';
    assert_int_equal(record_new(LIUHEN__KIND__KIND_REPLY, long_id, &e, &err), 0);
    record_free(e);
    assert_int_equal(record_new(LIUHEN__KIND__KIND_REPLY, CASE_ID, NULL, &err), LH_EINVAL);
}

/* ------------------------------------------------------------------------
 * --set.
 */

static void test_set_nested(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    set_ok(e, "place=区应急管理局三楼办公室");
    set_ok(e, "person.name=刘某");
    set_ok(e, "interference.person.position=原副局长");
    set_ok(e, "Person.Relation=retired");
    set_ok(e, "manner-detail=打电话到办公室");
    set_ok(e, "content=为当事人说情，要求从轻处罚=减半");
    body_is(e, "{'place':'区应急管理局三楼办公室','person':{'name':'刘某','position':'原副局长',"
               "'relation':'RELATION_RETIRED'},'manner_detail':'打电话到办公室',"
               "'content':'为当事人说情，要求从轻处罚=减半'}");
    /* A later --set replaces; an empty value is an empty text. */
    set_ok(e, "person.name=刘某某");
    set_ok(e, "manner_detail=");
    body_is(e, "{'place':'区应急管理局三楼办公室','person':{'name':'刘某某','position':'原副局长',"
               "'relation':'RELATION_RETIRED'},'content':'为当事人说情，要求从轻处罚=减半'}");
    /* A whole message as JSON replaces it. */
    set_ok(e, "person={'name':'王某','unit':'某公司'}");
    body_is(e, "{'place':'区应急管理局三楼办公室','person':{'name':'王某','unit':'某公司'},"
               "'content':'为当事人说情，要求从轻处罚=减半'}");
    assert_valid(e);
    set_fails(e, "person=王某", LH_EJSON,
              "interference.person is a message (liuhen.Person): set its fields one by one "
              "(interference.person.name=...) or give a JSON object");
    set_fails(e, "person={'nme':'x'}", LH_EUNKNOWNFIELD, "interference.person.nme");
    set_fails(e, "place=\xe5\x8c", LH_EUTF8, "interference.place: the text is not valid UTF-8");
    record_free(e);
}

static void test_set_repeated_scalar(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    set_ok(e, "categories=pleading-spying");
    set_ok(e, "categories=passing_materials");
    body_is(e, "{'categories':['INTERFERENCE_CATEGORY_PLEADING_SPYING',"
               "'INTERFERENCE_CATEGORY_PASSING_MATERIALS']}");
    assert_int_equal(e->interference->n_categories, 2);
    set_ok(e, "categories+=other");
    set_ok(e, "categories[0]=private-meeting");
    body_is(e, "{'categories':['INTERFERENCE_CATEGORY_PRIVATE_MEETING',"
               "'INTERFERENCE_CATEGORY_PASSING_MATERIALS','INTERFERENCE_CATEGORY_OTHER']}");
    set_fails(e, "categories[3]=other", LH_EFIELD,
              "interference.categories[3]: the list has 3 items (0 to 2); categories+ adds one");
    set_fails(e, "categories=fax", LH_EFIELD, "interference.categories: 'fax' is not one of: ");
    set_fails(e, "place+=x", LH_EFIELD, "interference.place is not a list");
    set_fails(e, "place[0]=x", LH_EFIELD, "interference.place is not a list");
    assert_valid(e);
    record_free(e);

    /* A list holds at most ENTRY_REPEATED_MAX items. */
    e = mk(LIUHEN__KIND__KIND_COMPLAINT);
    for (int i = 0; i < ENTRY_REPEATED_MAX; i++)
        set_ok(e, "conducts=other");
    assert_int_equal(e->complaint->n_conducts, ENTRY_REPEATED_MAX);
    set_fails(e, "conducts=other", LH_EFIELD, "complaint.conducts: already 256 items");
    set_ok(e, "conducts[255]=bribery-dereliction");
    assert_valid(e);
    record_free(e);
}

static void test_set_repeated_message(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_DECISION);
    /* The rule of record_set.h: a path through a list goes to its last item,
     * created when the list is empty; NAME+ starts one; NAME[N] goes to N. */
    set_ok(e, "responsible.person.name=王某");
    set_ok(e, "responsible.sanctions=circulated-criticism");
    set_ok(e, "responsible+.person.name=李某");
    set_ok(e, "responsible.leniency=lighter");
    set_ok(e, "responsible[0].leniency=exempt");
    set_ok(e, "responsible[0].mitigations=self-corrected");
    set_ok(e, "decision.responsible.sanctions=written-self-examination");
    set_ok(e, "collective_discussion.participants.name=局长");
    set_ok(e, "collective_discussion.participants+.name=副局长");
    body_is(e, "{'responsible':["
               "{'person':{'name':'王某'},'sanctions':['SANCTION_CIRCULATED_CRITICISM'],"
               "'mitigations':['MITIGATION_SELF_CORRECTED'],'leniency':'LENIENCY_EXEMPT'},"
               "{'person':{'name':'李某'},'sanctions':['SANCTION_WRITTEN_SELF_EXAMINATION'],"
               "'leniency':'LENIENCY_LIGHTER'}],"
               "'collective_discussion':{'participants':[{'name':'局长'},{'name':'副局长'}]}}");
    assert_int_equal(e->decision->n_responsible, 2);

    /* A repeated message takes a JSON object: appended, or replacing [N]. */
    set_ok(e, "responsible={'person':{'name':'赵某'},'leniency':'none'}");
    assert_int_equal(e->decision->n_responsible, 3);
    assert_string_equal(e->decision->responsible[2]->person->name, "赵某");
    set_ok(e, "responsible[2]={'person':{'name':'钱某'}}");
    assert_int_equal(e->decision->n_responsible, 3);
    assert_string_equal(e->decision->responsible[2]->person->name, "钱某");
    assert_int_equal(e->decision->responsible[2]->leniency, LIUHEN__LENIENCY__LENIENCY_UNSPECIFIED);
    assert_valid(e);

    set_fails(e, "responsible[3].leniency=none", LH_EFIELD,
              "decision.responsible[3]: the list has 3 items (0 to 2); responsible+ adds one");
    set_fails(e, "collective_discussion+.held_at=now", LH_EFIELD,
              "decision.collective_discussion is not a list");
    set_fails(e, "responsible.person+.name=x", LH_EFIELD,
              "decision.responsible[2].person is not a list");
    set_fails(e, "responsible.person.name.first=x", LH_EFIELD,
              "decision.responsible[2].person.name is a text, not a message: it has no field "
              "'first'");
    set_fails(
        e, "responsible.persn.name=x", LH_EUNKNOWNFIELD,
        "decision.responsible[2].persn: unknown field; did you mean 'person' (责任人)? (known: "
        "person, responsibility, "
        "sanctions, mitigations, aggravations, leniency, discipline_grade, "
        "discipline_authority, organisational_measures)");
    record_free(e);

    /* [N] on an empty list. */
    e = mk(LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED);
    set_fails(e, "team[0].name=x", LH_EFIELD,
              "investigation_assigned.team[0]: the list is empty; team+ adds an item");
    set_ok(e, "team+.name=孙某");
    set_ok(e, "team+.name=周某");
    set_ok(e, "team.position=科员");
    body_is(e, "{'team':[{'name':'孙某'},{'name':'周某','position':'科员'}]}");
    assert_valid(e);
    record_free(e);
}

static void test_set_enums(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    static const struct {
        const char *value;
        Liuhen__Manner want;
    } ok[] = {
        {"phone", LIUHEN__MANNER__MANNER_PHONE},
        {"MANNER_WRITTEN", LIUHEN__MANNER__MANNER_WRITTEN},
        {"manner_oral", LIUHEN__MANNER__MANNER_ORAL},
        {"In-Person", LIUHEN__MANNER__MANNER_IN_PERSON},
        {"THIRD_PARTY", LIUHEN__MANNER__MANNER_THIRD_PARTY},
        {"third-party", LIUHEN__MANNER__MANNER_THIRD_PARTY},
        {"Other", LIUHEN__MANNER__MANNER_OTHER},
        {"unspecified", LIUHEN__MANNER__MANNER_UNSPECIFIED},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char a[64];
        snprintf(a, sizeof a, "manner=%s", ok[i].value);
        set_ok(e, a);
        assert_int_equal(e->interference->manner, ok[i].want);
    }
    set_ok(e, "manner=phone");
    set_fails(e, "manner=fax", LH_EFIELD,
              "interference.manner: 'fax' is not one of: oral, phone, written, in-person, "
              "third-party, other");
    set_fails(e, "manner=", LH_EFIELD, "interference.manner: '' is not one of: oral,");
    set_fails(e, "manner=2", LH_EFIELD, "'2' is not one of");
    set_fails(e, "reported_to=legal", LH_EFIELD,
              "interference.reported_to: 'legal' is not one of: legal-section, "
              "justice-supervision, bureau-head");
    set_ok(e, "reported_to=legal-section");
    set_ok(e, "person.relation=ON-STAFF");
    assert_int_equal(e->interference->reported_to, LIUHEN__REPORTED_TO__REPORTED_TO_LEGAL_SECTION);
    assert_int_equal(e->interference->person->relation, LIUHEN__RELATION__RELATION_ON_STAFF);
    assert_valid(e);
    record_free(e);
}

static void test_set_bools(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INVESTIGATION_STEP);
    static const struct {
        const char *value;
        int want;
    } ok[] = {
        {"true", 1}, {"false", 0}, {"1", 1},  {"0", 0},   {"是", 1},
        {"否", 0},   {"TRUE", 1},  {"No", 0}, {"yes", 1},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char a[64];
        snprintf(a, sizeof a, "obstruction_observed=%s", ok[i].value);
        set_ok(e, a);
        assert_int_equal(e->investigation_step->obstruction_observed, ok[i].want);
    }
    set_fails(e, "false_evidence_observed=maybe", LH_EFIELD,
              "investigation_step.false_evidence_observed: 'maybe' is not a yes/no (accepted: "
              "true, false, 1, 0, yes, no, 是, 否)");
    set_fails(e, "false_evidence_observed=", LH_EFIELD, "'' is not a yes/no");
    set_fails(e, "false_evidence_observed=2", LH_EFIELD, "'2' is not a yes/no");
    set_ok(e, "false_evidence_observed=是");
    body_is(e, "{'obstruction_observed':true,'false_evidence_observed':true}");
    assert_valid(e);
    record_free(e);
}

static void test_times(void **state)
{
    (void)state;
    /* Through --set: every *_at field, with the path in the error. */
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    set_ok(e, "occurred_at=2026-05-20 14:30");
    set_ok(e, "reported_at=2026-05-20T15:00:00+08:00");
    assert_int_equal(e->interference->occurred_at, T_1430);
    assert_int_equal(e->interference->reported_at, T_1430 + 30 * 60 * 1000);
    set_fails(e, "occurred_at=2026-02-30", LH_EFIELD,
              "interference.occurred_at: '2026-02-30' is not a date of the calendar");
    set_fails(e, "occurred_at=1779258600", LH_EFIELD,
              "interference.occurred_at: '1779258600' is before March 1973");
    set_fails(e, "occurred_at=99999999999999999999", LH_EFIELD,
              "interference.occurred_at: '99999999999999999999' is out of range");
    set_ok(e, "occurred_at=0");
    assert_int_equal(e->interference->occurred_at, 0);
    assert_valid(e);
    record_free(e);

    int64_t now = (int64_t)time(NULL) * 1000;
    e = mk(LIUHEN__KIND__KIND_DECISION);
    set_ok(e, "collective_discussion.held_at=2026-05-20");
    assert_int_equal(e->decision->collective_discussion->held_at, INT64_C(1779206400000));
    set_ok(e, "decided_at=now");
    assert_true(e->decision->decided_at >= now);
    record_free(e);
}

static void test_set_bytes(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_TRANSFER);
    set_ok(e, "complaint=" H11);
    body_is(e, "{'complaint':'" H11 "'}");
    resolved = 0;
    set_ok(e, "transfer.complaint=#7");
    assert_int_equal(resolved, 1);
    body_is(e, "{'complaint':'" H07 "'}");
    set_ok(e, "complaint=#0");
    assert_int_equal(e->transfer->complaint.len, 32);
    assert_int_equal(e->transfer->complaint.data[31], 0);

    set_fails(e, "complaint=" H11 "=", LH_EFIELD,
              "transfer.complaint: '" H11 "=' is not an entry id: give 32 bytes in standard "
              "base64 (44 characters ending in '='), or #INDEX for the log's entry INDEX");
    set_fails(e, "complaint=AAAA", LH_EFIELD, "is not an entry id");
    set_fails(e, "complaint=", LH_EFIELD, "'' is not an entry id");
    set_fails(e, "complaint=ERERERERERERERERERERERERERERERERERERERERERF=", LH_EFIELD,
              "is not an entry id"); /* non-canonical trailing bits */
    set_fails(e, "complaint=#", LH_EFIELD, "'#' is not #INDEX");
    set_fails(e, "complaint=#-1", LH_EFIELD, "'#-1' is not #INDEX");
    set_fails(e, "complaint=#07", LH_EFIELD, "'#07' is not #INDEX");
    set_fails(e, "complaint=#18446744073709551616", LH_EFIELD, "is not #INDEX");
    resolved = 0;
    set_fails(e, "complaint=#404", LH_ENOTFOUND,
              "transfer.complaint: cannot resolve #404 to an entry id: not found");
    set_fails(e, "complaint=#500", -ECONNREFUSED, "cannot resolve #500");
    assert_int_equal(resolved, 2);
    set_fails_opts(e, "complaint=#7", NULL, LH_EINVAL,
                   "transfer.complaint: '#7' names a log entry by index, which needs the log");
    record_opts none = {NULL, NULL};
    set_fails_opts(e, "complaint=#7", &none, LH_EINVAL, "needs the log");
    assert_valid(e);
    record_free(e);

    /* The other leaf-hash fields take #INDEX too; a key does not. */
    static const struct {
        Liuhen__Kind kind;
        const char *field;
    } leaf[] = {
        {LIUHEN__KIND__KIND_REPLY, "complaint"},     {LIUHEN__KIND__KIND_REVIEW_ORDER, "decision"},
        {LIUHEN__KIND__KIND_APPEAL, "decision"},     {LIUHEN__KIND__KIND_NOTIFICATION, "concerns"},
        {LIUHEN__KIND__KIND_CORRECTION, "corrects"},
    };
    for (size_t i = 0; i < sizeof leaf / sizeof leaf[0]; i++) {
        e = mk(leaf[i].kind);
        char a[64];
        snprintf(a, sizeof a, "%s=#7", leaf[i].field);
        set_ok(e, a);
        assert_valid(e);
        record_free(e);
    }
    e = mk(LIUHEN__KIND__KIND_APPEAL);
    set_ok(e, "appellant.public_key=" H11);
    set_fails(e, "appellant.public_key=#7", LH_EFIELD,
              "appeal.appellant.public_key: '#INDEX' names a log entry, but this field holds an "
              "Ed25519 key or hash");
    set_fails(e, "appellant.public_key=AAAA", LH_EFIELD,
              "'AAAA' is not an Ed25519 key or hash: give 32 bytes in standard base64 (44 "
              "characters ending in '=')");
    record_free(e);
}

static void test_set_unknown_and_syntax(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    set_fails(e, "persn.name=x", LH_EUNKNOWNFIELD,
              "interference.persn: unknown field; did you mean 'person' (人物)? (known: "
              "occurred_at, place, person, manner, "
              "manner_detail, content, categories, response, response_detail, reported_to, "
              "reported_at, present, enforcement_case, case_type, instigated_by)");
    set_fails(e, "person.nam=x", LH_EUNKNOWNFIELD,
              "interference.person.nam: unknown field; did you mean 'name' (姓名)? (known: name, "
              "position, unit, relation, "
              "contact, public_key)");
    /* Header fields are not body fields, and another kind's body is not
     * this one's. */
    set_fails(e, "case_id=x", LH_EUNKNOWNFIELD, "interference.case_id: unknown field");
    set_fails(e, "complaint.summary=x", LH_EUNKNOWNFIELD, "interference.complaint: unknown field");
    set_fails(e, "interference=x", LH_EUNKNOWNFIELD, "interference.interference: unknown field");
    set_fails(e, "interference+.place=x", LH_EUNKNOWNFIELD, "interference.interference");

    static const struct {
        const char *a;
        const char *needle;
    } bad[] = {
        {"place", "--set 'place': no '='"},
        {"=x", "no field before '='"},
        {"person..name=x", "a field name is missing"},
        {".place=x", "a field name is missing"},
        {"place.=x", "the path ends with '.'"},
        {"person name=x", "a field name holds a character other than"},
        {"地点 =x", "a field name holds a character other than"},
        {"team[=x", "[N] takes a number"},
        {"team[x]=x", "[N] takes a number"},
        {"team[1=x", "[N] takes a number"},
        {"team[99999999999]=x", "an item number is too large"},
        {"a.b.c.d.e.f.g.h.i=x", "the path is too deep"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=x",
         "a field name is too long"},
        {"place\n=x", "--set 'place\\x0a=x'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        set_fails(e, bad[i].a, LH_EFIELD, bad[i].needle);
    body_is(e, "{}");

    /* Arguments. */
    lh_err err = {{0}};
    assert_int_equal(record_set(NULL, "place=x", NULL, &err), LH_EINVAL);
    assert_int_equal(record_set(e, NULL, NULL, &err), LH_EINVAL);
    record_free(e);

    /* A record whose body is not its kind's is refused, named. */
    e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    e->kind = LIUHEN__KIND__KIND_COMPLAINT;
    set_fails(e, "summary=x", LH_EKIND, "the kind is COMPLAINT but the body is not 'complaint'");
    merge_fails(e, "{}", LH_EKIND, "the kind is COMPLAINT");
    e->kind = LIUHEN__KIND__KIND_UNSPECIFIED;
    set_fails(e, "summary=x", LH_EKIND, "record: kind 0 has no body");
    e->kind = LIUHEN__KIND__KIND_INTERFERENCE;
    record_free(e);

    /* A record without a body yet (made by hand) gets one. */
    e = malloc(sizeof *e);
    assert_non_null(e);
    liuhen__entry__init(e);
    e->kind = LIUHEN__KIND__KIND_CASE_CLOSED;
    set_ok(e, "summary=结案");
    assert_int_equal(e->body_case, LIUHEN__ENTRY__BODY_CASE_CLOSED);
    body_is(e, "{'summary':'结案'}");
    record_free(e);
}

/* ------------------------------------------------------------------------
 * JSON.
 */

static void test_json_merge(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    merge_ok(e, "{'place':'办公室','person':{'name':'刘某','relation':'retired'},"
                "'manner':'MANNER_PHONE','categories':['pleading-spying'],"
                "'occurred_at':'2026-05-20 14:30'}");
    body_is(e, "{'occurred_at':1779258600000,'place':'办公室','person':{'name':'刘某',"
               "'relation':'RELATION_RETIRED'},'manner':'MANNER_PHONE',"
               "'categories':['INTERFERENCE_CATEGORY_PLEADING_SPYING']}");
    /* Wrapped in the body's name; each member replaces its field whole,
     * null clears one, the others stay. */
    merge_ok(e, "{'interference':{'person':{'position':'原副局长'},'categories':null,"
                "'reported_at':1779260400000,'present':[{'name':'张某'},{'name':'李某'}]}}");
    body_is(e, "{'occurred_at':1779258600000,'place':'办公室','person':{'position':'原副局长'},"
               "'manner':'MANNER_PHONE','reported_at':1779260400000,"
               "'present':[{'name':'张某'},{'name':'李某'}]}");
    /* --set after JSON refines it. */
    set_ok(e, "person.name=刘某");
    set_ok(e, "present.unit=某公司");
    body_is(e, "{'occurred_at':1779258600000,'place':'办公室','person':{'name':'刘某',"
               "'position':'原副局长'},'manner':'MANNER_PHONE','reported_at':1779260400000,"
               "'present':[{'name':'张某'},{'name':'李某','unit':'某公司'}]}");
    merge_ok(e, "{}");
    assert_valid(e);

    merge_fails(e, "{'place':", LH_EJSON, "JSON text line 1 column");
    merge_fails(e, "{'place':'a','place':'b'}", LH_EJSON, "duplicate");
    merge_fails(e, "['place']", LH_EJSON,
                "JSON: the text must be an object of the interference body's fields");
    merge_fails(e, "'place'", LH_EJSON, "JSON text line 1 column");
    merge_fails(e, "{'interference':[1]}", LH_EJSON,
                "JSON: 'interference' must hold an object of the interference body's fields, "
                "not an array");
    merge_fails(e, "{'complaint':{'summary':'x'}}", LH_EKIND,
                "JSON: the object is a 'complaint' body, but the record is INTERFERENCE "
                "(干预插手记录), whose body is 'interference'");
    merge_fails(e, "{'plce':'x'}", LH_EUNKNOWNFIELD, "interference.plce");
    merge_fails(e, "{'kind':'KIND_INTERFERENCE','interference':{}}", LH_EUNKNOWNFIELD,
                "interference.kind");
    merge_fails(e, "{'person':{'relation':'cousin'}}", LH_EFIELD, "interference.person.relation");
    merge_fails(e, "{'manner':3.5}", LH_EFIELD, "interference.manner");
    merge_fails(e, "{'occurred_at':'2026-02-30'}", LH_EFIELD,
                "interference.occurred_at: '2026-02-30' is not a date of the calendar");
    merge_fails(e, "{'occurred_at':1779258600}", LH_EFIELD,
                "interference.occurred_at: '1779258600' is before March 1973");
    merge_fails(e, "{'occurred_at':-5}", LH_EFIELD, "'-5' is before 1970");
    merge_fails(e, "{'occurred_at':true}", LH_EFIELD, "interference.occurred_at");
    merge_fails(e, "{'present':[{'name':'x'},{'contact':5}]}", LH_EFIELD,
                "interference.present[1].contact");
    merge_fails(e, "{'place':'\\u0000'}", LH_EJSON, "NUL");

    /* Times inside lists of messages, and in messages nested in them. */
    Liuhen__Entry *d = mk(LIUHEN__KIND__KIND_DECISION);
    merge_ok(d, "{'decided_at':'2026-05-20T14:30:00+08:00','collective_discussion':"
                "{'held_at':'2026-05-20','participants':[{'name':'局长'}]},"
                "'responsible':[{'person':{'name':'王某'},'sanctions':['circulated-criticism'],"
                "'mitigations':['MITIGATION_SELF_CORRECTED']}]}");
    assert_int_equal(d->decision->decided_at, T_1430);
    assert_int_equal(d->decision->collective_discussion->held_at, INT64_C(1779206400000));
    merge_fails(d, "{'responsible':[{'person':{'name':'x'}},{'person':5}]}", LH_EFIELD,
                "decision.responsible[1].person");
    merge_fails(d, "{'collective_discussion':{'held_at':'soon'}}", LH_EFIELD,
                "decision.collective_discussion.held_at: 'soon' is not a time");
    assert_valid(d);
    record_free(d);

    lh_err err = {{0}};
    assert_int_equal(record_merge_json(NULL, "{}", 2, &err), LH_EINVAL);
    assert_int_equal(record_merge_json(e, NULL, 0, &err), LH_EINVAL);
    /* Text need not end in NUL: only len bytes are read. */
    assert_int_equal(record_merge_json(e, "{\"place\":\"x\"}garbage", 13, &err), 0);
    assert_string_equal(e->interference->place, "x");
    record_free(e);
}

static void test_json_file(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_COMPLAINT);
    const char *text =
        "{\n  \"complaint\": {\n    \"summary\": \"对处罚决定不服\",\n"
        "    \"channel\": \"letter\",\n    \"received_at\": \"2026-05-20\"\n  }\n}\n";
    char *p = write_file("complaint.json", text, strlen(text));
    lh_err err = {{0}};
    assert_int_equal(record_merge_json_file(e, p, &err), 0);
    body_is(e, "{'channel':'CHANNEL_LETTER','received_at':1779206400000,"
               "'summary':'对处罚决定不服'}");
    free(p);

    /* Standard input. */
    const char *in = "{\"jurisdiction\": \"accepted\"}";
    p = write_file("stdin.json", in, strlen(in));
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    int fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    int rc = record_merge_json_file(e, "-", &err);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    if (rc != 0)
        fail_msg("stdin: %s: %s", lh_errname(rc), err.msg);
    assert_int_equal(e->complaint->jurisdiction, LIUHEN__JURISDICTION__JURISDICTION_ACCEPTED);
    free(p);

    /* A bad one names the file, then the place in it. */
    const char *broken = "{\n  \"summary\": \"x\",\n  \"channel\": \"fax\"\n}\n";
    p = write_file("broken.json", broken, strlen(broken));
    assert_int_equal(record_merge_json_file(e, p, &err), LH_EFIELD);
    show("broken.json", LH_EFIELD, &err);
    assert_non_null(strstr(err.msg, "broken.json: "));
    assert_non_null(strstr(err.msg, "complaint.channel"));
    free(p);
    const char *malformed = "{\n  \"summary\": \"x\"\n  \"channel\": 1\n}\n";
    p = write_file("malformed.json", malformed, strlen(malformed));
    assert_int_equal(record_merge_json_file(e, p, &err), LH_EJSON);
    show("malformed.json", LH_EJSON, &err);
    assert_non_null(strstr(err.msg, "malformed.json: JSON text line 3 column"));
    free(p);

    /* Missing, a directory, too big: named, and the record unchanged. */
    size_t before_len, after_len;
    uint8_t *before = pack(e, &before_len);
    p = tmp_path("missing.json");
    assert_int_equal(record_merge_json_file(e, p, &err), -ENOENT);
    show("missing.json", -ENOENT, &err);
    assert_non_null(strstr(err.msg, p));
    assert_non_null(strstr(err.msg, "does not exist"));
    free(p);
    assert_int_equal(record_merge_json_file(e, tmpdir, &err), -EISDIR);
    assert_non_null(strstr(err.msg, "is a directory"));
    char *big = malloc(RECORD_JSON_MAX + 1);
    assert_non_null(big);
    memset(big, ' ', RECORD_JSON_MAX + 1);
    big[0] = '{';
    big[RECORD_JSON_MAX] = '}';
    p = write_file("big.json", big, RECORD_JSON_MAX + 1);
    assert_int_equal(record_merge_json_file(e, p, &err), LH_ETOOBIG);
    show("big.json", LH_ETOOBIG, &err);
    assert_non_null(strstr(err.msg, "larger than 1048576 bytes"));
    free(p);
    /* Exactly RECORD_JSON_MAX bytes are read. */
    big[RECORD_JSON_MAX - 1] = '}';
    p = write_file("max.json", big, RECORD_JSON_MAX);
    assert_int_equal(record_merge_json_file(e, p, &err), 0);
    free(p);
    free(big);
    char *name = tmp_path("line\nbreak.json");
    assert_int_equal(record_merge_json_file(e, name, &err), -ENOENT);
    assert_non_null(strstr(err.msg, "line\\x0abreak.json"));
    free(name);
    uint8_t *after = pack(e, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
    assert_int_equal(record_merge_json_file(e, NULL, &err), LH_EINVAL);
    assert_valid(e);
    record_free(e);
}

/* ------------------------------------------------------------------------
 * Attachments and refs.
 */

static void attach_ok(Liuhen__Entry *e, const char *arg)
{
    lh_err err = {{0}};
    int rc = record_attach_file(e, arg, &err);
    if (rc != 0)
        fail_msg("record_attach_file %s: %s: %s", arg, lh_errname(rc), err.msg);
}

static void attach_fails(Liuhen__Entry *e, const char *arg, int code, const char *needle)
{
    size_t n = e->n_attachments;
    lh_err err = {{0}};
    int rc = record_attach_file(e, arg, &err);
    show(arg, rc, &err);
    if (rc != code)
        fail_msg("record_attach_file %s: got %s (%s), want %s", arg, lh_errname(rc), err.msg,
                 lh_errname(code));
    if (strstr(err.msg, needle) == NULL)
        fail_msg("record_attach_file %s: message \"%s\" lacks \"%s\"", arg, err.msg, needle);
    assert_int_equal(e->n_attachments, n);
}

static void test_attach(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INVESTIGATION_STEP);

    /* More than one read's worth, so the stream is hashed in pieces. */
    size_t len = 200 * 1024 + 17;
    uint8_t *data = malloc(len);
    assert_non_null(data);
    tu_rng_seed(0x7265636f7264ULL);
    tu_rng_bytes(data, len);
    char *p = write_file("询问笔录.pdf", data, len);
    attach_ok(e, p);
    uint8_t want[32];
    crypto_hash_sha256(want, data, len);
    assert_int_equal(e->n_attachments, 1);
    const Liuhen__Attachment *a = e->attachments[0];
    assert_string_equal(a->name, "询问笔录.pdf");
    assert_int_equal(a->size, len);
    assert_int_equal(a->sha256.len, 32);
    assert_memory_equal(a->sha256.data, want, 32);
    assert_string_equal(a->media_type, "application/pdf");
    attach_fails(e, p, LH_EEXIST, "already attached (attachments[0])");
    free(data);
    free(p);

    /* An empty file; the media type by extension in any case, or given. */
    p = write_file("photo.JPG", "", 0);
    attach_ok(e, p);
    a = e->attachments[1];
    crypto_hash_sha256(want, (const uint8_t *)"", 0);
    assert_memory_equal(a->sha256.data, want, 32);
    assert_int_equal(a->size, 0);
    assert_string_equal(a->media_type, "image/jpeg");
    free(p);
    p = write_file("scan.bin", "scan", 4);
    char arg[512];
    snprintf(arg, sizeof arg, "%s;type=image/tiff", p);
    attach_ok(e, arg);
    assert_string_equal(e->attachments[2]->name, "scan.bin");
    assert_string_equal(e->attachments[2]->media_type, "image/tiff");
    snprintf(arg, sizeof arg, "%s;type=tiff", p);
    attach_fails(e, arg, LH_EFIELD, "'tiff' is not a media type (type/subtype");
    snprintf(arg, sizeof arg, "%s;type=", p);
    attach_fails(e, arg, LH_EFIELD, "'' is not a media type");
    attach_fails(e, ";type=text/plain", LH_EFIELD, "no file name before ';type='");
    free(p);
    p = write_file("notes", "n", 1);
    attach_ok(e, p);
    assert_string_equal(e->attachments[3]->media_type, "application/octet-stream");
    free(p);
    assert_valid(e);

    /* Missing, a directory, a FIFO: named, nothing added. */
    p = tmp_path("missing.pdf");
    attach_fails(e, p, -ENOENT, "cannot open: No such file or directory");
    attach_fails(e, p, -ENOENT, p);
    free(p);
    attach_fails(e, tmpdir, LH_EFIELD, "not a regular file");
    p = tmp_path("fifo");
    assert_int_equal(mkfifo(p, 0600), 0);
    attach_fails(e, p, LH_EFIELD, "not a regular file");
    free(p);
    p = tmp_path("secret.txt");
    assert_int_equal(close(open(p, O_WRONLY | O_CREAT, 0000)), 0);
    /* A file the caller may not read: root may read anything, so as root
     * the check runs in a child that has dropped to an unprivileged user. */
    if (geteuid() != 0) {
        attach_fails(e, p, -EACCES, "cannot open: Permission denied");
    } else {
        assert_int_equal(chmod(tmpdir, 0755), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            if (setgid(65534) != 0 || setuid(65534) != 0)
                _exit(2);
            lh_err err = {{0}};
            int rc = record_attach_file(e, p, &err);
            _exit(rc == -EACCES && strstr(err.msg, "cannot open: Permission denied") != NULL ? 0
                                                                                             : 1);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(chmod(tmpdir, 0700), 0);
    }
    free(p);
    p = write_file("bad\x01name.txt", "x", 1);
    attach_fails(e, p, LH_EFIELD, "the file name holds a control character");
    free(p);
    /* The name is refused, and the message does not carry the override
     * that would reorder it on a terminal. */
    p = write_file("a\xe2\x80\xaegpj.exe", "x", 1);
    attach_fails(e, p, LH_EFIELD, "a\\u202egpj.exe: the file name holds a bidirectional");
    free(p);
    p = write_file("bad\xff.txt", "x", 1);
    attach_fails(e, p, LH_EFIELD, "not valid UTF-8");
    free(p);
    lh_err err = {{0}};
    assert_int_equal(record_attach_file(e, NULL, &err), LH_EINVAL);
    assert_int_equal(record_attach_file(NULL, "x", &err), LH_EINVAL);

    assert_string_equal(record_media_type("a.pdf"), "application/pdf");
    assert_string_equal(record_media_type("A.JPEG"), "image/jpeg");
    assert_string_equal(record_media_type("x.png"), "image/png");
    assert_string_equal(record_media_type("x.txt"), "text/plain");
    assert_string_equal(record_media_type("x.doc"), "application/msword");
    assert_string_equal(record_media_type("x.docx"),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert_string_equal(record_media_type("x.xls"), "application/vnd.ms-excel");
    assert_string_equal(record_media_type("x.xlsx"),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_string_equal(record_media_type("x.mp3"), "audio/mpeg");
    assert_string_equal(record_media_type("x.mp4"), "video/mp4");
    assert_string_equal(record_media_type("x.wav"), "audio/wav");
    assert_string_equal(record_media_type("x.zip"), "application/zip");
    assert_string_equal(record_media_type("x.json"), "application/json");
    assert_string_equal(record_media_type("x.xml"), "application/xml");
    assert_string_equal(record_media_type("x.tar.gz"), "application/octet-stream");
    assert_string_equal(record_media_type("dir.pdf/x"), "application/octet-stream");
    assert_string_equal(record_media_type("pdf"), "application/octet-stream");
    assert_string_equal(record_media_type(NULL), "application/octet-stream");
    record_free(e);

    /* At most ENTRY_ATTACHMENTS_MAX. */
    e = mk(LIUHEN__KIND__KIND_INVESTIGATION_STEP);
    for (int i = 0; i < ENTRY_ATTACHMENTS_MAX; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%d.txt", i);
        p = write_file(name, name, strlen(name));
        attach_ok(e, p);
        free(p);
    }
    p = write_file("one-more.txt", "x", 1);
    attach_fails(e, p, LH_EFIELD, "has 64 already");
    free(p);
    assert_valid(e);
    record_free(e);
}

static void test_refs(void **state)
{
    (void)state;
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_NOTIFICATION);
    uint8_t h[32];
    for (int i = 0; i < ENTRY_REPEATED_MAX; i++) {
        memset(h, 0, sizeof h);
        h[0] = (uint8_t)i;
        h[1] = (uint8_t)(i >> 8);
        assert_int_equal(record_add_ref(e, h), 0);
    }
    assert_int_equal(e->n_refs, ENTRY_REPEATED_MAX);
    assert_int_equal(record_add_ref(e, h), LH_EEXIST);
    h[5] = 1;
    assert_int_equal(record_add_ref(e, h), LH_EFIELD);
    assert_int_equal(e->n_refs, ENTRY_REPEATED_MAX);
    assert_int_equal(e->refs[7].len, 32);
    assert_int_equal(e->refs[7].data[0], 7);
    assert_int_equal(record_add_ref(NULL, h), LH_EINVAL);
    assert_int_equal(record_add_ref(e, NULL), LH_EINVAL);
    assert_valid(e);
    record_free(e);
}

/* ------------------------------------------------------------------------
 * record_check, and a whole record as `liuhen append` builds it.
 */

static void test_check(void **state)
{
    (void)state;
    lh_err err = {{0}};
    /* What only validation sees is still named by its path. */
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    set_ok(e, "person.name=刘\x01某");
    assert_int_equal(record_check(e, ORIGIN, &err), LH_ECTRL);
    assert_non_null(strstr(err.msg, "interference.person.name"));
    set_ok(e, "person.name=刘某");
    assert_int_equal(record_check(e, ORIGIN, &err), 0);
    assert_int_equal(record_check(e, NULL, &err), 0);
    assert_int_equal(record_check(e, "bad origin", &err), LH_EFIELD);
    assert_non_null(strstr(err.msg, "origin"));
    assert_int_equal(record_check(NULL, ORIGIN, &err), LH_EINVAL);
    /* The header is the caller's to leave alone: record_check() did not
     * touch it. */
    assert_string_equal(e->origin, "");
    assert_int_equal(e->author_seq, 0);
    assert_int_equal(e->recorded_at, 0);

    /* Too big for a leaf, counting the largest header. */
    char *content = malloc(ENTRY_FREE_TEXT_MAX + 16);
    assert_non_null(content);
    memcpy(content, "content=", 8);
    memset(content + 8, 'x', ENTRY_FREE_TEXT_MAX);
    content[8 + ENTRY_FREE_TEXT_MAX] = '\0';
    set_ok(e, content);
    assert_int_equal(record_check(e, ORIGIN, &err), 0);
    /* Three free texts of 16 KiB and one more make more than 64 KiB. */
    Liuhen__Entry *big = mk(LIUHEN__KIND__KIND_DECISION);
    char a[ENTRY_FREE_TEXT_MAX + 64];
    snprintf(a, sizeof a, "summary=%s", content + 8);
    set_ok(big, a);
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "responsible+.responsibility=%s", content + 8);
        set_ok(big, a);
    }
    assert_int_equal(record_check(big, ORIGIN, &err), LH_ETOOBIG);
    show("record_check big", LH_ETOOBIG, &err);
    assert_non_null(strstr(err.msg, "at most 65450"));
    record_free(big);
    free(content);
    record_free(e);

    /* The scenario of `make demo`, built as the CLI builds it. */
    e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    merge_ok(e, "{'interference':{'place':'电话','manner':'phone'}}");
    set_ok(e, "occurred_at=2026-05-20 14:30");
    set_ok(e, "person.name=刘某");
    set_ok(e, "person.relation=retired");
    set_ok(e, "person.position=原副局长");
    set_ok(e, "content=为当事人说情");
    set_ok(e, "categories=pleading-spying");
    set_ok(e, "response=refused");
    set_ok(e, "reported_to=legal-section");
    set_ok(e, "reported_at=2026-05-20T15:00:00+08:00");
    set_ok(e, "present+.name=张某");
    char *p = write_file("通话记录.txt", "14:30 来电", strlen("14:30 来电"));
    attach_ok(e, p);
    free(p);
    uint8_t h[32];
    memset(h, 0x33, sizeof h);
    assert_int_equal(record_add_ref(e, h), 0);
    assert_valid(e);
    record_free(e);
}

/* ------------------------------------------------------------------------
 * What the regulations require (required.h, lh_record_check()).
 */

/* lh_record_check() must find `want` things missing and say `sentence`
 * (NULL: anything). */
static void check_is(const Liuhen__Entry *e, int want, const char *sentence)
{
    char msg[1024];
    int n = lh_record_check(e, msg, sizeof msg);
    if (n != want)
        fail_msg("lh_record_check: %d missing, want %d: %s", n, want, msg);
    if (sentence != NULL && strcmp(msg, sentence) != 0)
        fail_msg("lh_record_check:\n  got  %s\n  want %s", msg, sentence);
    assert_true(text_utf8_valid((const uint8_t *)msg, strlen(msg)));
}

/* The one thing missing must be path, under label, reported by rule. */
static void missing_is(const Liuhen__Entry *e, const char *path, const char *label,
                       const char *rule, const char *article)
{
    lh_missing m[4];
    int n = lh_record_missing(e, m, 4);
    if (n != 1)
        fail_msg("lh_record_missing: %d missing, want 1 (%s)", n, path);
    assert_string_equal(m[0].path, path);
    assert_string_equal(m[0].label, label);
    assert_string_equal(m[0].rule, rule);
    assert_string_equal(m[0].article, article);
}

static void test_required_interference(void **state)
{
    (void)state;
    /* B§3: time, manner, content and the report, but no place and no person. */
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    set_ok(e, "occurred_at=2026-05-20 14:30");
    set_ok(e, "manner=phone");
    set_ok(e, "content=为当事人说情");
    set_ok(e, "reported_to=legal-section");
    set_ok(e, "reported_at=2026-05-20 15:00");
    check_is(e, 2, "干预插手记录缺少：地点、人物（B§3：时间、地点、人物、方式、内容）");
    lh_missing m[2];
    assert_int_equal(lh_record_missing(e, m, 2), 2);
    assert_string_equal(m[0].path, "interference.place");
    assert_string_equal(m[0].label, "地点");
    assert_string_equal(m[0].rule, "R1");
    assert_string_equal(m[0].article, "B§3");
    /* No person at all is one thing missing, not each of its parts. */
    assert_string_equal(m[1].path, "interference.person");
    assert_string_equal(m[1].label, "人物");
    /* Fewer slots than misses: the count is still the whole. */
    assert_int_equal(lh_record_missing(e, m, 1), 2);
    assert_int_equal(lh_record_missing(e, NULL, 0), 2);

    /* A person named without the relation of B§2. */
    set_ok(e, "place=执法支队办公室");
    set_ok(e, "person.name=刘某");
    missing_is(e, "interference.person.relation", "人物与本机关的关系（B§2）", "R1", "B§2");
    set_ok(e, "person.relation=retired");
    check_is(e, 0, "");
    /* A place of blanks (an ideographic space, as a form left blank has)
     * is no place. */
    set_ok(e, "place=\xe3\x80\x80 ");
    missing_is(e, "interference.place", "地点", "R1", "B§3");
    set_ok(e, "place=执法支队办公室");

    /* R2: a report to the bureau head alone is not the report B§3 asks. */
    set_ok(e, "reported_to=bureau-head");
    check_is(e, 1,
             "干预插手记录缺少：向法规部门报告（只报告了机关负责人）（B§3：应向局机关法规部门报"
             "告，必要时可直接向县司法行政部门行政执法协调监督机构报告）");
    missing_is(e, "interference.reported_to", "向法规部门报告（只报告了机关负责人）", "R2", "B§3");
    set_ok(e, "reported_to=justice-supervision");
    set_ok(e, "reported_at=0");
    missing_is(e, "interference.reported_at", "报告时间", "R2", "B§3");
    record_free(e);

    /* An empty record misses all of it; groups are said with their article. */
    e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    check_is(e, 7,
             "干预插手记录缺少：时间、地点、人物、方式、内容（B§3：时间、地点、人物、方式、内容）；"
             "报告对象、报告时间（B§3：应向局机关法规部门报告，必要时可直接向县司法行政部门行政"
             "执法协调监督机构报告）");
    /* A sentence that does not fit is cut at a character, visibly. */
    char small[40];
    assert_int_equal(lh_record_check(e, small, sizeof small), 7);
    assert_true(strlen(small) < sizeof small);
    assert_true(text_utf8_valid((const uint8_t *)small, strlen(small)));
    assert_non_null(strstr(small, "…"));
    assert_int_equal(lh_record_check(NULL, small, sizeof small), LH_EINVAL);
    assert_int_equal(lh_record_check(e, NULL, 8), LH_EINVAL);
    assert_int_equal(lh_record_check(e, NULL, 0), 7);
    assert_int_equal(lh_record_missing(e, NULL, 2), LH_EINVAL);
    record_free(e);
}

static void test_required_kinds(void **state)
{
    (void)state;
    /* A§10(1): receipt, 受理 and jurisdiction. */
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_COMPLAINT);
    set_ok(e, "received_at=2026-05-21 09:00");
    set_ok(e, "jurisdiction=accepted");
    missing_is(e, "complaint.accepted_at", "受理时间", "R3", "A§10(1)");
    set_ok(e, "accepted_at=2026-05-21 10:00");
    check_is(e, 0, "");
    record_free(e);

    /* A§10(3): a collective discussion, of two named leaders or more,
     * before the decision; for a wrongful case, who is responsible. */
    e = mk(LIUHEN__KIND__KIND_DECISION);
    check_is(e, 1, "处理决定缺少：集体讨论（A§10(3)：经机关领导集体讨论后作出处理决定）");
    set_ok(e, "collective_discussion.held_at=2026-06-01 10:00");
    set_ok(e, "collective_discussion.participants.name=王局长");
    missing_is(e, "decision.collective_discussion.participants.name", "两名以上参加讨论的领导",
               "R6", "A§10(3)");
    set_ok(e, "collective_discussion.participants+.name=李副局长");
    check_is(e, 0, "");
    set_ok(e, "decided_at=2026-06-01 09:00");
    missing_is(e, "decision.collective_discussion.held_at",
               "决定之前的讨论（讨论时间晚于决定时间）", "R6", "A§10(3)");
    set_ok(e, "decided_at=2026-06-01 11:00");
    check_is(e, 0, "");
    set_ok(e, "wrongful_case=true");
    missing_is(e, "decision.responsible.person.name", "责任人", "R7", "A§11");
    set_ok(e, "responsible.sanctions=circulated-criticism");
    missing_is(e, "decision.responsible.person.name", "责任人", "R7", "A§11");
    set_ok(e, "responsible.person.name=陈刚");
    check_is(e, 0, "");
    record_free(e);

    /* B§10: a notice of interference names its approval; other notices
     * need none. */
    e = mk(LIUHEN__KIND__KIND_NOTIFICATION);
    set_ok(e, "subject=not-recorded");
    check_is(e, 0, "");
    set_ok(e, "subject=interference");
    missing_is(e, "notification.approval", "批准记录", "R14", "B§10");
    set_ok(e, "approval=#7");
    check_is(e, 0, "");
    record_free(e);

    /* B§7: the form of a guidance. */
    e = mk(LIUHEN__KIND__KIND_GUIDANCE);
    missing_is(e, "guidance.form", "形式", "R9", "B§7");
    record_free(e);

    /* Kinds the regulations ask nothing of by themselves. */
    e = mk(LIUHEN__KIND__KIND_CASE_CLOSED);
    check_is(e, 0, "");
    record_free(e);
    Liuhen__Entry *k = NULL;
    assert_int_equal(record_new(LIUHEN__KIND__KIND_KEY_ENROLL, NULL, &k, NULL), 0);
    check_is(k, 0, "");
    record_free(k);
}

/* The field at a dotted path of d, or NULL. */
static const ProtobufCFieldDescriptor *field_of(const ProtobufCMessageDescriptor *d,
                                                const char *path)
{
    char name[64];
    for (;;) {
        size_t n = strcspn(path, ".");
        if (d == NULL || n == 0 || n >= sizeof name)
            return NULL;
        memcpy(name, path, n);
        name[n] = '\0';
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(d, name);
        if (f == NULL || path[n] == '\0')
            return f;
        d = f->type == PROTOBUF_C_TYPE_MESSAGE ? f->descriptor : NULL;
        path += n + 1;
    }
}

static void test_required_table(void **state)
{
    (void)state;
    /* The table names fields of the schema, and the example `liuhen help
     * KIND` prints meets it, given as --set and as JSON. */
    for (int k = 1; k < 64; k++) {
        Liuhen__Kind kind = (Liuhen__Kind)k;
        if (record_kind_cli_name(kind) == NULL)
            continue;
        const ProtobufCFieldDescriptor *fb = required_body_field(kind);
        assert_non_null(fb);
        size_t n;
        const required_item *it = required_of_kind(kind, &n);
        assert_true(n <= REQUIRED_MAX_PER_KIND);
        for (size_t i = 0; i < n; i++, it++) {
            const ProtobufCFieldDescriptor *f = field_of(fb->descriptor, it->path);
            if (f == NULL)
                fail_msg("%s: requirement %s names no field", kind_name(kind), it->path);
            assert_non_null(it->ask);
            assert_string_not_equal(required_rule_id(it->rule), "");
            if (it->when != NULL) {
                const ProtobufCFieldDescriptor *w = field_of(fb->descriptor, it->when);
                assert_non_null(w);
                assert_true(w->type == PROTOBUF_C_TYPE_BOOL || w->type == PROTOBUF_C_TYPE_ENUM);
            }
            if (it->not_after != NULL)
                assert_true(record_is_time_field(field_of(fb->descriptor, it->not_after)));
            if (it->not_value != 0)
                assert_non_null(it->not_label);
        }

        kindhelp_example ex;
        assert_int_equal(kindhelp_example_of(kind, &ex), 0);
        assert_int_equal(ex.nsets > 0, n > 0);
        Liuhen__Entry *e = mk(kind);
        for (size_t i = 0; i < ex.nsets; i++)
            set_ok(e, ex.sets[i]);
        char msg[512];
        if (lh_record_check(e, msg, sizeof msg) != 0)
            fail_msg("%s: the --set example is incomplete: %s", kind_name(kind), msg);
        assert_valid(e);
        record_free(e);
        e = mk(kind);
        lh_err err = {{0}};
        if (record_merge_json_value(e, ex.json, &err) != 0)
            fail_msg("%s: the JSON example does not merge: %s", kind_name(kind), err.msg);
        if (lh_record_check(e, msg, sizeof msg) != 0)
            fail_msg("%s: the JSON example is incomplete: %s", kind_name(kind), msg);
        assert_valid(e);
        record_free(e);
        json_decref(ex.json);
    }
}

/* ------------------------------------------------------------------------
 * "Did you mean" (suggest.h), and Chinese labels as names.
 */

static void test_did_you_mean(void **state)
{
    (void)state;
    assert_int_equal(suggest_distance("stauts", "status"), 1);
    assert_int_equal(suggest_distance("interferance", "interference"), 1);
    assert_int_equal(suggest_distance("指导意见", "指导性意见"), 1);
    assert_int_equal(suggest_distance("In-Person", "in_person"), 0);
    assert_int_equal(suggest_distance("abc", "xyz"), 3);

    /* Kinds: by name, proto name, label and part of a label; a prefix of
     * one kind alone; nothing for what is near none, or near two. */
    static const struct {
        const char *typed;
        Liuhen__Kind want;
    } kinds[] = {
        {"interferance", LIUHEN__KIND__KIND_INTERFERENCE},
        {"KIND_DECISON", LIUHEN__KIND__KIND_DECISION},
        {"指导意见", LIUHEN__KIND__KIND_GUIDANCE},
        {"申述", LIUHEN__KIND__KIND_APPEAL},
        {"review", LIUHEN__KIND__KIND_REVIEW_ORDER},
        {"complain", LIUHEN__KIND__KIND_COMPLAINT},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        Liuhen__Kind k = LIUHEN__KIND__KIND_UNSPECIFIED;
        if (record_kind_suggest(kinds[i].typed, &k) != 0 || k != kinds[i].want)
            fail_msg("record_kind_suggest(%s): %s, want %s", kinds[i].typed, kind_name(k),
                     kind_name(kinds[i].want));
    }
    Liuhen__Kind k;
    assert_int_equal(record_kind_suggest("investigation", &k), LH_ENOTFOUND);
    assert_int_equal(record_kind_suggest("zzzzzz", &k), LH_ENOTFOUND);
    assert_int_equal(record_kind_suggest(NULL, &k), LH_EINVAL);

    /* Fields, by name or label; values, by short name or term. */
    Liuhen__Entry *e = mk(LIUHEN__KIND__KIND_INTERFERENCE);
    set_fails(e, "plaec=办公室", LH_EUNKNOWNFIELD,
              "interference.plaec: unknown field; did you mean 'place' (地点)? (known: ");
    set_fails(e, "地典=办公室", LH_EUNKNOWNFIELD, "did you mean 'place' (地点)?");
    set_fails(e, "person.nmae=刘某", LH_EUNKNOWNFIELD, "did you mean 'name' (姓名)?");
    set_fails(e, "manner=phnoe", LH_EFIELD,
              "interference.manner: 'phnoe' is not one of: oral, phone, written, in-person, "
              "third-party, other; did you mean 'phone' (电话)?");
    set_fails(e, "manner=电弧", LH_EFIELD, "did you mean 'phone' (电话)?");
    merge_fails(e, "{'plaec': 'x'}", LH_EUNKNOWNFIELD, "did you mean 'place' (地点)?");
    /* The terms of the schema are accepted as they are. */
    set_ok(e, "地点=执法支队办公室");
    set_ok(e, "人物.姓名=刘某");
    set_ok(e, "人物.与本机关关系=已经离退休的人员");
    set_ok(e, "manner=电话");
    body_is(e, "{'place':'执法支队办公室','person':{'name':'刘某','relation':'RELATION_RETIRED'},"
               "'manner':'MANNER_PHONE'}");
    record_free(e);

    /* Every value is listed (a list too long for lh_err would be cut with
     * ", ..."), and the suggestion is read whole after it. */
    e = mk(LIUHEN__KIND__KIND_COMPLAINT);
    set_fails(e, "conducts=manifestly-unfiar", LH_EFIELD,
              ", other; did you mean 'manifestly-unfair' (实施行政处罚显失公正)?");
    set_fails(e, "conducts=manifestly-unfiar", LH_EFIELD,
              "complaint.conducts: 'manifestly-unfiar' is not one of: beyond-authority, ");
    record_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_new),
        cmocka_unit_test(test_set_nested),
        cmocka_unit_test(test_set_repeated_scalar),
        cmocka_unit_test(test_set_repeated_message),
        cmocka_unit_test(test_set_enums),
        cmocka_unit_test(test_set_bools),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_set_bytes),
        cmocka_unit_test(test_set_unknown_and_syntax),
        cmocka_unit_test(test_json_merge),
        cmocka_unit_test(test_json_file),
        cmocka_unit_test(test_attach),
        cmocka_unit_test(test_refs),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_required_interference),
        cmocka_unit_test(test_required_kinds),
        cmocka_unit_test(test_required_table),
        cmocka_unit_test(test_did_you_mean),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
