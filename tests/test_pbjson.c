/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_pbjson.c — JSON <-> protobuf (tools/liuhen/pbjson.c).
 *
 * Known answers first (a typed C Entry against its expected JSON), then one
 * JSON record per member of Entry's oneof, each round-tripped through JSON
 * text, the wire and back; then random messages of every type reachable
 * from Entry, Request and Response, filled through the descriptors, which
 * must pack to the same bytes after a JSON round trip (this is what shows
 * the mapping is generic); then every way input can be wrong, each with its
 * code and a message naming the field's path.
 *
 * JSON texts are written with ' for " (tu_sq() swaps them) so that they read
 * as JSON. Set PBJSON_SHOW=1 to print the error messages.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "liuhen.pb-c.h"
#include "pbfield.h"
#include "pbjson.h"
#include "pbjson_enum.h"
#include "testutil.h"

/* Base64 of 32 bytes of 0x11, 0x22 ... (leaf hashes and keys). */
#define H11 "ERERERERERERERERERERERERERERERERERERERERERE="
#define H22 "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI="
#define H33 "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM="
#define H44 "REREREREREREREREREREREREREREREREREREREREREQ="
#define H55 "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVU="
#define HA5 "paWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaU="

/* ------------------------------------------------------------------------
 * Helpers.
 */

static json_t *sq_json(const char *s)
{
    char *t = tu_sq(s);
    json_error_t je;
    json_t *j = json_loads(t, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL)
        fail_msg("test literal is not JSON (%s): %s", je.text, t);
    free(t);
    return j;
}

static ProtobufCMessage *parse_ok(const ProtobufCMessageDescriptor *d, const char *s)
{
    char *t = tu_sq(s);
    lh_err err = {{0}};
    ProtobufCMessage *m = NULL;
    int rc = pbjson_parse(d, t, strlen(t), &m, &err);
    if (rc != 0)
        fail_msg("pbjson_parse: %s: %s\n  in %s", lh_errname(rc), err.msg, t);
    free(t);
    assert_non_null(m);
    return m;
}

static void show(const char *what, int rc, const lh_err *err)
{
    if (getenv("PBJSON_SHOW") != NULL)
        print_message("%-16s %-18s %s\n", what, lh_errname(rc), err->msg);
}

/* A conversion of input (named in failure messages) that returned rc, m and
 * err must have failed with code, left m NULL, and said why in a detail
 * that contains needle. */
static void check_fails(const char *what, const char *input, int rc, const ProtobufCMessage *m,
                        const lh_err *err, int code, const char *needle)
{
    show(what, rc, err);
    if (rc != code)
        fail_msg("%s: got %s (%s), want %s", input, lh_errname(rc), err->msg, lh_errname(code));
    assert_null(m);
    if (strstr(err->msg, needle) == NULL)
        fail_msg("%s: message \"%s\" lacks \"%s\"", input, err->msg, needle);
    assert_true(strlen(err->msg) < LH_ERR_MSG_MAX);
}

/* Parse a test literal that must fail with code, and a message that
 * contains needle. */
static void parse_fails(const ProtobufCMessageDescriptor *d, const char *s, int code,
                        const char *needle)
{
    char *t = tu_sq(s);
    lh_err err = {{0}};
    ProtobufCMessage *m = (ProtobufCMessage *)&err; /* must be reset to NULL */
    int rc = pbjson_parse(d, t, strlen(t), &m, &err);
    check_fails("parse", t, rc, m, &err, code, needle);
    free(t);
}

/* Same for a json_t built in memory; takes ownership of in. */
static void convert_fails(const ProtobufCMessageDescriptor *d, json_t *in, int code,
                          const char *needle)
{
    lh_err err = {{0}};
    ProtobufCMessage *m = (ProtobufCMessage *)&err;
    int rc = pbjson_to_message(d, in, &m, &err);
    check_fails("to_message", "(json_t)", rc, m, &err, code, needle);
    json_decref(in);
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(*len > 0 ? *len : 1);
    assert_non_null(buf);
    assert_int_equal(protobuf_c_message_pack(m, buf), *len);
    return buf;
}

static void assert_same_packing(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    size_t la, lb;
    uint8_t *pa = pack(a, &la);
    uint8_t *pb = pack(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(pa, pb, la);
    free(pa);
    free(pb);
}

static void assert_json_equal(const json_t *a, const json_t *b)
{
    if (!json_equal(a, b)) {
        char *ta = json_dumps(a, JSON_COMPACT);
        char *tb = json_dumps(b, JSON_COMPACT);
        fail_msg("JSON differs:\n  %s\n  %s", ta, tb);
    }
}

/*
 * The round trips every message must survive:
 *   message -> JSON -> text -> message: packs to the same bytes, and gives
 *     back the same JSON;
 *   the same through pretty text and through PBJSON_EMIT_DEFAULTS;
 *   wire bytes -> protobuf_c_message_unpack -> JSON: the same JSON, so the
 *     JSON of a message depends on its content only, not on who built it.
 */
static void assert_round_trip(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    json_t *j;
    assert_int_equal(pbjson_from_message(m, 0, &j), 0);

    for (unsigned flags = 0; flags < 4; flags++) {
        char *text;
        assert_int_equal(pbjson_dump(m, flags, &text), 0);
        lh_err err = {{0}};
        ProtobufCMessage *back;
        int rc = pbjson_parse(d, text, strlen(text), &back, &err);
        if (rc != 0)
            fail_msg("%s: %s\n  in %s", lh_errname(rc), err.msg, text);
        assert_same_packing(m, back);
        json_t *j2;
        assert_int_equal(pbjson_from_message(back, 0, &j2), 0);
        assert_json_equal(j, j2);
        json_decref(j2);
        protobuf_c_message_free_unpacked(back, NULL);
        free(text);
    }

    size_t len;
    uint8_t *wire = pack(m, &len);
    ProtobufCMessage *unpacked = protobuf_c_message_unpack(d, NULL, len, wire);
    assert_non_null(unpacked);
    json_t *j3;
    assert_int_equal(pbjson_from_message(unpacked, 0, &j3), 0);
    assert_json_equal(j, j3);
    json_decref(j3);
    protobuf_c_message_free_unpacked(unpacked, NULL);
    free(wire);
    json_decref(j);
}

/* ------------------------------------------------------------------------
 * A test-only message that liuhen.proto cannot provide: recursive, with
 * proto2 labels (has_ flags, a string default). It is what protoc-c would
 * generate for
 *
 *   syntax = "proto2"; package test;
 *   message Node {
 *     optional Node child = 1;
 *     optional sint32 value = 2;
 *     optional float ratio = 3;
 *     repeated string tags = 4;
 *     optional string note = 5 [default = "none"];
 *   }
 */

typedef struct Node {
    ProtobufCMessage base;
    struct Node *child;
    protobuf_c_boolean has_value;
    int32_t value;
    protobuf_c_boolean has_ratio;
    float ratio;
    size_t n_tags;
    char **tags;
    char *note;
} Node;

static const char node_note_default[] = "none";
static const ProtobufCMessageDescriptor node_descriptor;

static const ProtobufCFieldDescriptor node_fields[5] = {
    {"child", 1, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_MESSAGE, 0, offsetof(Node, child),
     &node_descriptor, NULL, 0, 0, NULL, NULL},
    {"value", 2, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_SINT32, offsetof(Node, has_value),
     offsetof(Node, value), NULL, NULL, 0, 0, NULL, NULL},
    {"ratio", 3, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_FLOAT, offsetof(Node, has_ratio),
     offsetof(Node, ratio), NULL, NULL, 0, 0, NULL, NULL},
    {"tags", 4, PROTOBUF_C_LABEL_REPEATED, PROTOBUF_C_TYPE_STRING, offsetof(Node, n_tags),
     offsetof(Node, tags), NULL, NULL, 0, 0, NULL, NULL},
    {"note", 5, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_STRING, 0, offsetof(Node, note), NULL,
     node_note_default, 0, 0, NULL, NULL},
};
static const unsigned node_fields_by_name[5] = {0, 4, 2, 3, 1};
static const ProtobufCIntRange node_ranges[2] = {{1, 0}, {0, 5}};

static void node_init(ProtobufCMessage *m)
{
    static const Node init = {PROTOBUF_C_MESSAGE_INIT(&node_descriptor),
                              NULL,
                              0,
                              0,
                              0,
                              0,
                              0,
                              NULL,
                              (char *)node_note_default};
    *(Node *)m = init;
}

static const ProtobufCMessageDescriptor node_descriptor = {PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
                                                           "test.Node",
                                                           "Node",
                                                           "Node",
                                                           "test",
                                                           sizeof(Node),
                                                           5,
                                                           node_fields,
                                                           node_fields_by_name,
                                                           1,
                                                           node_ranges,
                                                           node_init,
                                                           NULL,
                                                           NULL,
                                                           NULL};

/* ------------------------------------------------------------------------
 * Known answers: a typed Entry and its JSON.
 */

static void test_known_answer(void **state)
{
    (void)state;
    uint8_t key[32], prev[32];
    memset(key, 0x11, sizeof key);
    memset(prev, 0x22, sizeof prev);

    Liuhen__Person person = LIUHEN__PERSON__INIT;
    person.name = "李四";
    person.position = "副局长";
    person.relation = LIUHEN__RELATION__RELATION_RETIRED;
    Liuhen__Person witness = LIUHEN__PERSON__INIT;
    witness.name = "王五";
    Liuhen__Person *present[] = {&witness};
    Liuhen__InterferenceCategory cats[] = {
        LIUHEN__INTERFERENCE_CATEGORY__INTERFERENCE_CATEGORY_PLEADING_SPYING,
        LIUHEN__INTERFERENCE_CATEGORY__INTERFERENCE_CATEGORY_OTHER};
    Liuhen__Interference body = LIUHEN__INTERFERENCE__INIT;
    body.occurred_at = 1764201600000;
    body.place = "三楼\"办公室\"\n";
    body.person = &person;
    body.manner = LIUHEN__MANNER__MANNER_THIRD_PARTY;
    body.n_categories = 2;
    body.categories = cats;
    body.n_present = 1;
    body.present = present;
    ProtobufCBinaryData refs[] = {{sizeof prev, prev}};
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    e.origin = "example.org/liuhen-test";
    e.kind = LIUHEN__KIND__KIND_INTERFERENCE;
    e.author_key.len = sizeof key;
    e.author_key.data = key;
    e.author_seq = UINT64_MAX;
    e.recorded_at = -1;
    e.n_refs = 1;
    e.refs = refs;
    e.body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
    e.interference = &body;

    char *text;
    assert_int_equal(pbjson_dump(&e.base, 0, &text), 0);
    /* Field number order, defaults left out, uint64 above INT64_MAX as a
     * string, enums by full name, bytes as base64. */
    assert_string_equal(text, "{\"origin\":\"example.org/liuhen-test\","
                              "\"kind\":\"KIND_INTERFERENCE\","
                              "\"author_key\":\"" H11 "\","
                              "\"author_seq\":\"18446744073709551615\","
                              "\"recorded_at\":-1,"
                              "\"refs\":[\"" H22 "\"],"
                              "\"interference\":{\"occurred_at\":1764201600000,"
                              "\"place\":\"三楼\\\"办公室\\\"\\n\","
                              "\"person\":{\"name\":\"李四\",\"position\":\"副局长\","
                              "\"relation\":\"RELATION_RETIRED\"},"
                              "\"manner\":\"MANNER_THIRD_PARTY\","
                              "\"categories\":[\"INTERFERENCE_CATEGORY_PLEADING_SPYING\","
                              "\"INTERFERENCE_CATEGORY_OTHER\"],"
                              "\"present\":[{\"name\":\"王五\"}]}}");
    free(text);

    assert_int_equal(pbjson_dump(&person.base, PBJSON_PRETTY, &text), 0);
    assert_string_equal(text, "{\n  \"name\": \"李四\",\n  \"position\": \"副局长\",\n"
                              "  \"relation\": \"RELATION_RETIRED\"\n}");
    free(text);

    /* And back into the typed struct, with lenient enum names. */
    Liuhen__Entry *p = (Liuhen__Entry *)parse_ok(
        &liuhen__entry__descriptor,
        "{'origin': 'example.org/liuhen-test', 'kind': 'interference', 'author_key': '" H11 "',"
        " 'author_seq': '18446744073709551615', 'recorded_at': -1, 'refs': ['" H22 "'],"
        " 'interference': {'occurred_at': 1764201600000, 'place': '三楼\\'办公室\\'\\n',"
        " 'person': {'name': '李四', 'position': '副局长', 'relation': 'retired'},"
        " 'manner': 'third-party', 'categories': ['pleading-spying', 7],"
        " 'present': [{'name': '王五'}]}}");
    assert_string_equal(p->origin, "example.org/liuhen-test");
    assert_int_equal(p->kind, LIUHEN__KIND__KIND_INTERFERENCE);
    assert_int_equal(p->author_key.len, 32);
    assert_memory_equal(p->author_key.data, key, 32);
    assert_true(p->author_seq == UINT64_MAX);
    assert_true(p->recorded_at == -1);
    assert_int_equal(p->n_refs, 1);
    assert_memory_equal(p->refs[0].data, prev, 32);
    assert_int_equal(p->body_case, LIUHEN__ENTRY__BODY_INTERFERENCE);
    assert_true(p->interference->occurred_at == 1764201600000);
    assert_string_equal(p->interference->place, "三楼\"办公室\"\n");
    assert_string_equal(p->interference->person->name, "李四");
    assert_int_equal(p->interference->person->relation, LIUHEN__RELATION__RELATION_RETIRED);
    assert_int_equal(p->interference->manner, LIUHEN__MANNER__MANNER_THIRD_PARTY);
    assert_int_equal(p->interference->n_categories, 2);
    assert_int_equal(p->interference->categories[1],
                     LIUHEN__INTERFERENCE_CATEGORY__INTERFERENCE_CATEGORY_OTHER);
    assert_string_equal(p->interference->present[0]->name, "王五");
    assert_same_packing(&e.base, &p->base);
    protobuf_c_message_free_unpacked(&p->base, NULL);
}

/* ------------------------------------------------------------------------
 * One record per member of Entry's oneof.
 */

#define HEADER(kind)                                                                               \
    "'origin': 'example.org/liuhen-test', 'kind': '" kind "', 'case_id': 'QJ-2026-7',"             \
    " 'author_key': '" H11 "', 'author_seq': 3, 'author_prev': '" H22 "',"                         \
    " 'case_prev': '" H33 "', 'recorded_at': 1764300000123, 'refs': ['" H44 "', '" H55 "'],"       \
    " 'attachments': [{'name': '询问笔录.pdf', 'sha256': '" HA5 "',"                               \
    " 'size': '18446744073709551615', 'media_type': 'application/pdf'}, {'size': 1}], "

#define PERSON(name)                                                                               \
    "{'name': '" name "', 'position': '科员', 'unit': '区应急管理局',"                     \
    " 'relation': 'RELATION_ON_STAFF', 'contact': '0571-0000', 'public_key': '" H11 "'}"

static const struct record {
    uint32_t body;
    Liuhen__Kind kind;
    const char *json;
} records[] = {
    {LIUHEN__ENTRY__BODY_INTERFERENCE, LIUHEN__KIND__KIND_INTERFERENCE,
     "{" HEADER(
         "KIND_INTERFERENCE") "'interference': {'occurred_at': 1764201600000,"
                              " 'place': '局机关三楼', 'person': " PERSON(
                                  "李四") ", 'manner': 'MANNER_PHONE',"
                                          " 'manner_detail': '来电', 'content': '第一行\\n第二行',"
                                          " 'categories': "
                                          "['INTERFERENCE_CATEGORY_PLEADING_SPYING', "
                                          "'INTERFERENCE_CATEGORY_OTHER'],"
                                          " 'response': 'HANDLER_RESPONSE_REFUSED', "
                                          "'response_detail': '予以拒绝',"
                                          " 'reported_to': 'REPORTED_TO_LEGAL_SECTION', "
                                          "'reported_at': 1764205200000,"
                                          " 'present': [" PERSON(
                                              "王五") ", {'name': '赵六', 'relation': "
                                                      "'RELATION_EXTERNAL'}]}}"},
    {LIUHEN__ENTRY__BODY_GUIDANCE, LIUHEN__KIND__KIND_GUIDANCE,
     "{" HEADER(
         "KIND_GUIDANCE") "'guidance': {'form': 'GUIDANCE_FORM_WRITTEN',"
                          " 'basis': 'GUIDANCE_BASIS_LEADERSHIP_SUPERVISION', 'given_by': " PERSON(
                              "局长") ","
                                      " 'given_at': 1764201600000, 'content': '依法办理', "
                                      "'document_ref': '应急〔2026〕12号'}}"},
    {LIUHEN__ENTRY__BODY_COMPLAINT, LIUHEN__KIND__KIND_COMPLAINT,
     "{" HEADER("KIND_COMPLAINT") "'complaint': {'complainant': {'anonymous': true,"
                                  " 'contact': '信箱'}, 'channel': 'CHANNEL_LETTER', "
                                  "'received_at': 1764201600000,"
                                  " 'officers_concerned': [" PERSON(
                                      "钱七") "],"
                                              " 'conducts': ['CONDUCT_PROCEDURE_VIOLATED', "
                                              "'CONDUCT_MANIFESTLY_UNFAIR'],"
                                              " 'source': 'CASE_SOURCE_JUSTICE_COMPLAINT', "
                                              "'enforcement_case': '应急罚〔2026〕3号',"
                                              " 'summary': '处罚显失公正', 'jurisdiction': "
                                              "'JURISDICTION_ACCEPTED'}}"},
    {LIUHEN__ENTRY__BODY_TRANSFER, LIUHEN__KIND__KIND_TRANSFER,
     "{" HEADER("KIND_TRANSFER") "'transfer': {'complaint': '" H55 "',"
                                 " 'to_authority': '区市场监管局', 'transferred_at': "
                                 "1764288000000, 'reason': '不属本局'}}"},
    {LIUHEN__ENTRY__BODY_REPLY, LIUHEN__KIND__KIND_REPLY,
     "{" HEADER("KIND_REPLY") "'reply': {'complaint': '" H55 "', 'replied_at': 1764288000000,"
                              " 'addressee': '投诉人', 'method': 'REPLY_METHOD_WRITTEN', "
                              "'content': '已受理'}}"},
    {LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED, LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED,
     "{" HEADER("KIND_INVESTIGATION_ASSIGNED") "'investigation_assigned': {'assigned_by': " PERSON(
         "局长") ", 'team': [" PERSON("甲") ", " PERSON("乙") "],"
                                                              " 'assigned_at': 1764288000000, "
                                                              "'scope': '核查处罚程序'}}"},
    {LIUHEN__ENTRY__BODY_INVESTIGATION_STEP, LIUHEN__KIND__KIND_INVESTIGATION_STEP,
     "{" HEADER("KIND_INVESTIGATION_STEP") "'investigation_step': {"
                                           "'method': 'INVESTIGATION_METHOD_QUESTION_OFFICER', "
                                           "'conducted_at': 1764288000000,"
                                           " 'place': '询问室', 'persons_questioned': [" PERSON(
                                               "钱七") "], 'summary': '询问笔录',"
                                                       " 'obstruction_observed': true, "
                                                       "'false_evidence_observed': true,"
                                                       " 'obstruction_detail': '拒绝提供材料'}}"},
    {LIUHEN__ENTRY__BODY_DECISION, LIUHEN__KIND__KIND_DECISION,
     "{" HEADER(
         "KIND_DECISION") "'decision': {'wrongful_case': true,"
                          " 'source': 'CASE_SOURCE_SUPERVISION', 'responsible': "
                          "[{'person': " PERSON(
                              "钱七") ","
                                      " 'responsibility': '主要责任',"
                                      " 'sanctions': ['SANCTION_CIRCULATED_CRITICISM', "
                                      "'SANCTION_NO_AWARDS_OR_PROMOTION'],"
                                      " 'mitigations': ['MITIGATION_SELF_CORRECTED'],"
                                      " 'aggravations': ['AGGRAVATION_PERSISTED_IN_ERROR', "
                                      "'AGGRAVATION_ALLOWED_HARM'],"
                                      " 'leniency': 'LENIENCY_LIGHTER'}, {'responsibility': "
                                      "'次要责任'}],"
                                      " 'collective_discussion': {'held_at': 1764288000000, "
                                      "'participants': [" PERSON(
                                          "局长") "],"
                                                  " 'minutes_ref': '会议纪要〔2026〕5号', "
                                                  "'conclusion': '通报批评'},"
                                                  " 'referral': 'REFERRAL_DISCIPLINE', "
                                                  "'decided_at': 1764374400000, 'summary': '决定',"
                                                  " 'document_ref': '应急决〔2026〕1号'}}"},
    {LIUHEN__ENTRY__BODY_REVIEW_ORDER, LIUHEN__KIND__KIND_REVIEW_ORDER,
     "{" HEADER("KIND_REVIEW_ORDER") "'review_order': {'decision': '" H55 "',"
                                     " 'action': 'REVIEW_ACTION_REINVESTIGATE', 'ordered_at': "
                                     "1764374400000,"
                                     " 'reason': '事实不清'}}"},
    {LIUHEN__ENTRY__BODY_APPEAL, LIUHEN__KIND__KIND_APPEAL,
     "{" HEADER("KIND_APPEAL") "'appeal': {'decision': '" H55 "', 'type': 'APPEAL_TYPE_PETITION',"
                               " 'venue': 'APPEAL_VENUE_JUSTICE_BUREAU', 'appellant': " PERSON(
                                   "钱七") ","
                                           " 'filed_at': 1764374400000, 'grounds': '认定有误', "
                                           "'outcome': 'APPEAL_OUTCOME_PENDING',"
                                           " 'outcome_detail': '待处理'}}"},
    {LIUHEN__ENTRY__BODY_NOTIFICATION, LIUHEN__KIND__KIND_NOTIFICATION,
     "{" HEADER(
         "KIND_NOTIFICATION") "'notification': {"
                              "'subject': 'NOTIFICATION_SUBJECT_INTERFERENCE', 'person': " PERSON(
                                  "李四") ","
                                          " 'measures': ['MEASURE_WARNING', "
                                          "'MEASURE_REFERRED_DISCIPLINE'],"
                                          " 'issued_at': 1764374400000, 'content': '通报', "
                                          "'approved_by': '局党委',"
                                          " 'concerns': '" H44 "'}}"},
    {LIUHEN__ENTRY__BODY_CORRECTION, LIUHEN__KIND__KIND_CORRECTION,
     "{" HEADER(
         "KIND_CORRECTION") "'correction': {'corrects': '" H44 "',"
                            " 'changes': [{'field': 'interference.place', 'old_value': '三楼', "
                            "'new_value': '四楼'},"
                            " {'field': 'interference.reported_at', 'new_value': '1764205200000'}],"
                            " 'reason': '笔误'}}"},
    {LIUHEN__ENTRY__BODY_CASE_CLOSED, LIUHEN__KIND__KIND_CASE_CLOSED,
     "{" HEADER("KIND_CASE_CLOSED") "'case_closed': {'closed_at': 1764460800000,"
                                    " 'summary': '结案'}}"},
    {LIUHEN__ENTRY__BODY_KEY_ENROLL, LIUHEN__KIND__KIND_KEY_ENROLL,
     "{" HEADER("KIND_KEY_ENROLL") "'key_enroll': {'public_key': '" HA5 "', 'holder': '张三',"
                                   " 'position': '科员', 'unit': '法规科', 'roles': "
                                   "['ROLE_HANDLER', 'ROLE_LEGAL']}}"},
    {LIUHEN__ENTRY__BODY_KEY_REVOKE, LIUHEN__KIND__KIND_KEY_REVOKE,
     "{" HEADER("KIND_KEY_REVOKE") "'key_revoke': {'public_key': '" HA5 "',"
                                   " 'reason': '调离岗位'}}"},
    {LIUHEN__ENTRY__BODY_REPORT, LIUHEN__KIND__KIND_REPORT,
     "{" HEADER(
         "KIND_REPORT") "'report': {'matter': 'REPORT_MATTER_COMPLAINT', 'concerns': '" H55
                        "', 'reported_to': " PERSON(
                            "局长") ","
                                    " 'reported_at': 1764288000000, 'content': '报请指派调查组'}}"},
    {LIUHEN__ENTRY__BODY_RECOMMENDATION, LIUHEN__KIND__KIND_RECOMMENDATION,
     "{" HEADER(
         "KIND_RECOMMENDATION") "'recommendation': {'wrongful_case': true,"
                                " 'responsible': [{'person': " PERSON(
                                    "钱七") ","
                                            " 'sanctions': ['SANCTION_ADMINISTRATIVE_SANCTION'],"
                                            " 'discipline_grade': 'DISCIPLINE_GRADE_DEMERIT',"
                                            " 'discipline_authority': "
                                            "'DISCIPLINE_AUTHORITY_APPOINTING_ORGAN',"
                                            " 'organisational_measures': "
                                            "['ORGANISATIONAL_MEASURE_ADMONITION']}],"
                                            " 'made_at': 1764288000000, 'summary': '建议记过',"
                                            " 'document_ref': '法建〔2026〕2号',"
                                            " 'source': 'CASE_SOURCE_JUSTICE_COMPLAINT'}}"},
    {LIUHEN__ENTRY__BODY_SUPERVISION_CHECK, LIUHEN__KIND__KIND_SUPERVISION_CHECK,
     "{" HEADER("KIND_SUPERVISION_CHECK") "'supervision_check': {'type': 'CHECK_TYPE_FOLLOW_UP',"
                                          " 'conducted_at': 1764288000000, 'scope': '干预报告',"
                                          " 'findings': '查实', 'concerns': '" H44 "',"
                                          " 'conclusion': 'CHECK_CONCLUSION_CONFIRMED',"
                                          " 'actions': ['CHECK_ACTION_REPORTED_TO_HEAD',"
                                          " 'CHECK_ACTION_INVESTIGATED']}}"},
    {LIUHEN__ENTRY__BODY_SERVICE, LIUHEN__KIND__KIND_SERVICE,
     "{" HEADER("KIND_SERVICE") "'service': {'decision': '" H55 "', 'served_on': " PERSON(
         "钱七") ", 'served_at': 1764374400000,"
                 " 'method': 'SERVICE_METHOD_IN_PERSON', 'rights_told': true,"
                 " 'receipt_ref': '送达回证3号'}}"},
    {LIUHEN__ENTRY__BODY_APPROVAL, LIUHEN__KIND__KIND_APPROVAL,
     "{" HEADER("KIND_APPROVAL") "'approval': {'concerns': '" H44 "', 'matter': '通报',"
                                 " 'approved': true, 'approved_at': 1764374400000,"
                                 " 'opinion': '同意'}}"},
};

static void test_every_record_kind(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__entry__descriptor;
    /* The table must cover the schema: every member of Entry's oneof. */
    for (unsigned i = 0; i < d->n_fields; i++) {
        if ((d->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
            continue;
        bool found = false;
        for (size_t k = 0; k < sizeof records / sizeof records[0]; k++)
            found = found || records[k].body == d->fields[i].id;
        if (!found)
            fail_msg("no record for Entry.%s", d->fields[i].name);
    }
    for (size_t k = 0; k < sizeof records / sizeof records[0]; k++) {
        Liuhen__Entry *e = (Liuhen__Entry *)parse_ok(d, records[k].json);
        assert_int_equal(e->body_case, records[k].body);
        assert_int_equal(e->kind, records[k].kind);
        assert_int_equal(e->n_attachments, 2);
        assert_true(e->attachments[0]->size == UINT64_MAX);
        assert_round_trip(&e->base);

        /* JSON text -> message -> JSON gives the same JSON: the records
         * are written as pbjson writes (full enum names, no defaults). */
        json_t *want = sq_json(records[k].json);
        json_t *got;
        assert_int_equal(pbjson_from_message(&e->base, 0, &got), 0);
        assert_json_equal(want, got);
        json_decref(want);
        json_decref(got);
        protobuf_c_message_free_unpacked(&e->base, NULL);
    }
}

/* ------------------------------------------------------------------------
 * Random messages of every type, filled through the descriptors.
 */

static char *rand_string(void)
{
    /* ASCII, JSON escapes, controls, 2-, 3- and 4-byte UTF-8, U+2028. */
    static const char *const pieces[] = {"a",    "Z",    "0", " ", "\"", "\\", "\n", "\t",
                                         "\x01", "\x7f", "/", "é", "留", "痕", "😀",  "\xe2\x80\xa8",
                                         "'",    "{}"};
    size_t n = tu_rng_below(9);
    char *s = malloc(n * 4 + 1);
    assert_non_null(s);
    s[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strcat(s, pieces[tu_rng_below(sizeof pieces / sizeof pieces[0])]);
    return s;
}

static double rand_double(void)
{
    static const double special[] = {0.0,    -0.0,     1.5,       -2.25, DBL_MAX, DBL_MIN,
                                     5e-324, INFINITY, -INFINITY, 1e300, 0.1,     1764300000123.0};
    if (tu_rng_below(2) == 0)
        return special[tu_rng_below(sizeof special / sizeof special[0])];
    double d;
    do {
        uint64_t bits = tu_rng();
        memcpy(&d, &bits, sizeof d);
    } while (isnan(d));
    return d;
}

static float rand_float(void)
{
    float f;
    if (tu_rng_below(2) == 0)
        return (float)(tu_rng_below(2) == 0 ? FLT_MAX : -0.5);
    do {
        uint32_t bits = (uint32_t)tu_rng();
        memcpy(&f, &bits, sizeof f);
    } while (isnan(f));
    return f;
}

static ProtobufCMessage *rand_message(const ProtobufCMessageDescriptor *d, unsigned depth,
                                      uint32_t force);

/* A random value for one field, into slot (a singular field or an element). */
static void rand_value(const ProtobufCFieldDescriptor *f, void *slot, unsigned depth)
{
    static const int64_t i64s[] = {0, 1, -1, INT64_MIN, INT64_MAX, 1764300000123};
    static const uint64_t u64s[] = {0, 1, INT64_MAX, (uint64_t)INT64_MAX + 1, UINT64_MAX};
    bool pick = tu_rng_below(2) == 0; /* a boundary value, or random bits */
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        *(int32_t *)slot =
            pick ? (int32_t[]){0, -1, INT32_MIN, INT32_MAX}[tu_rng_below(4)] : (int32_t)tu_rng();
        break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        *(uint32_t *)slot =
            pick ? (uint32_t[]){0, 1, UINT32_MAX}[tu_rng_below(3)] : (uint32_t)tu_rng();
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        *(int64_t *)slot = pick ? i64s[tu_rng_below(6)] : (int64_t)tu_rng();
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        *(uint64_t *)slot = pick ? u64s[tu_rng_below(5)] : tu_rng();
        break;
    case PROTOBUF_C_TYPE_FLOAT: *(float *)slot = rand_float(); break;
    case PROTOBUF_C_TYPE_DOUBLE: *(double *)slot = rand_double(); break;
    case PROTOBUF_C_TYPE_BOOL:
        *(protobuf_c_boolean *)slot = (protobuf_c_boolean)tu_rng_below(2);
        break;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *e = f->descriptor;
        *(int *)slot = e->values[tu_rng_below(e->n_values)].value;
        break;
    }
    case PROTOBUF_C_TYPE_STRING: *(char **)slot = rand_string(); break;
    case PROTOBUF_C_TYPE_BYTES: {
        ProtobufCBinaryData *bd = slot;
        bd->len = tu_rng_below(41);
        bd->data = NULL;
        if (bd->len > 0) {
            bd->data = malloc(bd->len);
            assert_non_null(bd->data);
            for (size_t i = 0; i < bd->len; i++)
                bd->data[i] = (uint8_t)tu_rng();
        }
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        *(ProtobufCMessage **)slot = rand_message(f->descriptor, depth + 1, 0);
        break;
    }
}

/*
 * Fill a new message with random values: each non-oneof field is set three
 * times in four, each oneof gets one random member or none (or the member
 * whose id is force). Messages stop at depth 6 so that recursive types end.
 */
static ProtobufCMessage *rand_message(const ProtobufCMessageDescriptor *d, unsigned depth,
                                      uint32_t force)
{
    ProtobufCMessage *m = malloc(d->sizeof_message);
    assert_non_null(m);
    protobuf_c_message_init(d, m);
    char *base = (char *)m;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        void *slot = base + f->offset;
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0) {
            uint32_t *which = (uint32_t *)(base + f->quantifier_offset);
            if (*which != 0)
                continue;
            /* Members of one oneof share the case field: choose among the
             * members not yet passed, or none. */
            unsigned left = 0;
            bool forced_here = false;
            for (unsigned k = i; k < d->n_fields; k++) {
                if (d->fields[k].quantifier_offset == f->quantifier_offset &&
                    (d->fields[k].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0) {
                    left++;
                    forced_here = forced_here || d->fields[k].id == force;
                }
            }
            bool take = forced_here ? f->id == force : tu_rng_below(left + 1) == 0;
            if (!take || (f->type == PROTOBUF_C_TYPE_MESSAGE && depth >= 6))
                continue;
            rand_value(f, slot, depth);
            *which = f->id;
        } else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = tu_rng_below(4);
            if (f->type == PROTOBUF_C_TYPE_MESSAGE && depth >= 6)
                n = 0;
            if (n == 0)
                continue;
            char *arr = calloc(n, pbfield_elt_size(f->type));
            assert_non_null(arr);
            for (size_t k = 0; k < n; k++)
                rand_value(f, arr + k * pbfield_elt_size(f->type), depth);
            *(char **)slot = arr;
            *(size_t *)(base + f->quantifier_offset) = n;
        } else {
            if (tu_rng_below(4) == 0 || (f->type == PROTOBUF_C_TYPE_MESSAGE && depth >= 6))
                continue;
            rand_value(f, slot, depth);
            if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_STRING &&
                f->type != PROTOBUF_C_TYPE_MESSAGE)
                *(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;
        }
    }
    return m;
}

/* Every message type reachable from root, each once. */
static size_t reachable(const ProtobufCMessageDescriptor *root,
                        const ProtobufCMessageDescriptor **seen, size_t n, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        if (seen[i] == root)
            return n;
    }
    assert_true(n < cap);
    seen[n++] = root;
    for (unsigned i = 0; i < root->n_fields; i++) {
        if (root->fields[i].type == PROTOBUF_C_TYPE_MESSAGE)
            n = reachable(root->fields[i].descriptor, seen, n, cap);
    }
    return n;
}

static void test_random_round_trips(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *seen[128];
    size_t n = 0;
    n = reachable(&liuhen__entry__descriptor, seen, n, 128);
    n = reachable(&liuhen__request__descriptor, seen, n, 128);
    n = reachable(&liuhen__response__descriptor, seen, n, 128);
    n = reachable(&liuhen__signed_entry__descriptor, seen, n, 128);
    n = reachable(&liuhen__leaf__descriptor, seen, n, 128);
    n = reachable(&node_descriptor, seen, n, 128);
    assert_true(n > 50);

    for (size_t t = 0; t < n; t++) {
        for (int iter = 0; iter < 25; iter++) {
            ProtobufCMessage *m = rand_message(seen[t], 1, 0);
            assert_round_trip(m);
            protobuf_c_message_free_unpacked(m, NULL);
        }
        /* And each oneof member of each type, forced, a few times. */
        for (unsigned i = 0; i < seen[t]->n_fields; i++) {
            if ((seen[t]->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
                continue;
            for (int iter = 0; iter < 4; iter++) {
                ProtobufCMessage *m = rand_message(seen[t], 1, seen[t]->fields[i].id);
                assert_int_equal(*(uint32_t *)((char *)m + seen[t]->fields[i].quantifier_offset),
                                 seen[t]->fields[i].id);
                assert_round_trip(m);
                protobuf_c_message_free_unpacked(m, NULL);
            }
        }
    }
}

/* A oneof member at its default is still written: its presence is the
 * information (GetInclusionProofRequest by leaf 0 is not "no target"). */
static void test_oneof_member_at_default(void **state)
{
    (void)state;
    Liuhen__GetInclusionProofRequest r = LIUHEN__GET_INCLUSION_PROOF_REQUEST__INIT;
    r.target_case = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_INDEX;
    r.leaf_index = 0;
    char *text;
    assert_int_equal(pbjson_dump(&r.base, 0, &text), 0);
    assert_string_equal(text, "{\"leaf_index\":0}");
    free(text);
    assert_round_trip(&r.base);

    r.target_case = LIUHEN__GET_INCLUSION_PROOF_REQUEST__TARGET_LEAF_HASH;
    r.leaf_hash.len = 0;
    r.leaf_hash.data = NULL;
    assert_int_equal(pbjson_dump(&r.base, PBJSON_EMIT_DEFAULTS, &text), 0);
    assert_string_equal(text, "{\"leaf_hash\":\"\",\"tree_size\":0}");
    free(text);
    assert_round_trip(&r.base);

    /* An empty message set in a oneof is written as {}. */
    Liuhen__GetCheckpointRequest gc = LIUHEN__GET_CHECKPOINT_REQUEST__INIT;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.call_case = LIUHEN__REQUEST__CALL_GET_CHECKPOINT;
    req.get_checkpoint = &gc;
    assert_int_equal(pbjson_dump(&req.base, 0, &text), 0);
    assert_string_equal(text, "{\"get_checkpoint\":{}}");
    free(text);
    assert_round_trip(&req.base);
}

static void test_emit_defaults(void **state)
{
    (void)state;
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    char *text;
    assert_int_equal(pbjson_dump(&e.base, 0, &text), 0);
    assert_string_equal(text, "{}");
    free(text);
    assert_int_equal(pbjson_dump(&e.base, PBJSON_EMIT_DEFAULTS, &text), 0);
    /* Every field but the oneof's members. */
    assert_string_equal(text, "{\"origin\":\"\",\"kind\":\"KIND_UNSPECIFIED\",\"case_id\":\"\","
                              "\"author_key\":\"\",\"author_seq\":0,\"author_prev\":\"\","
                              "\"case_prev\":\"\",\"recorded_at\":0,\"refs\":[],"
                              "\"attachments\":[]}");
    free(text);

    Liuhen__Interference body = LIUHEN__INTERFERENCE__INIT;
    json_t *j;
    assert_int_equal(pbjson_from_message(&body.base, PBJSON_EMIT_DEFAULTS, &j), 0);
    assert_true(json_is_null(json_object_get(j, "person")));
    assert_string_equal(json_string_value(json_object_get(j, "manner")), "MANNER_UNSPECIFIED");
    json_decref(j);

    /* A status whose value 0 is not UNSPECIFIED is written by its name. */
    Liuhen__Response resp = LIUHEN__RESPONSE__INIT;
    assert_int_equal(pbjson_from_message(&resp.base, PBJSON_EMIT_DEFAULTS, &j), 0);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "STATUS_OK");
    json_decref(j);

    /* Explicit presence (proto2 optional) is null when absent, and its
     * value when present, even 0. */
    Node node;
    node_init(&node.base);
    assert_int_equal(pbjson_dump(&node.base, PBJSON_EMIT_DEFAULTS, &text), 0);
    assert_string_equal(text,
                        "{\"child\":null,\"value\":null,\"ratio\":null,\"tags\":[],\"note\":null}");
    free(text);
    node.has_value = 1;
    assert_int_equal(pbjson_dump(&node.base, 0, &text), 0);
    assert_string_equal(text, "{\"value\":0}");
    free(text);
    assert_round_trip(&node.base);
}

static void test_null_means_unset(void **state)
{
    (void)state;
    ProtobufCMessage *m =
        parse_ok(&liuhen__entry__descriptor, "{'origin': null, 'kind': null, 'refs': null,"
                                             " 'author_key': null, 'interference': null,"
                                             " 'guidance': {'given_by': null}}");
    Liuhen__Entry *e = (Liuhen__Entry *)m;
    /* Only guidance: {} is written: a two-byte tag (21) and a zero length. */
    assert_int_equal(protobuf_c_message_get_packed_size(m), 3);
    assert_int_equal(e->body_case, LIUHEN__ENTRY__BODY_GUIDANCE);
    assert_null(e->guidance->given_by);
    protobuf_c_message_free_unpacked(m, NULL);
}

static void test_numbers(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__entry__descriptor;
    Liuhen__Entry *e =
        (Liuhen__Entry *)parse_ok(d, "{'recorded_at': '-9223372036854775808', 'author_seq': 1e3}");
    assert_true(e->recorded_at == INT64_MIN);
    assert_true(e->author_seq == 1000);
    protobuf_c_message_free_unpacked(&e->base, NULL);
    e = (Liuhen__Entry *)parse_ok(d, "{'recorded_at': 9223372036854775807, 'author_seq': 2.0}");
    assert_true(e->recorded_at == INT64_MAX);
    assert_true(e->author_seq == 2);
    protobuf_c_message_free_unpacked(&e->base, NULL);
    e = (Liuhen__Entry *)parse_ok(d, "{'recorded_at': '-5', 'author_seq': '0'}");
    assert_true(e->recorded_at == -5);
    protobuf_c_message_free_unpacked(&e->base, NULL);

    const ProtobufCMessageDescriptor *rq = &liuhen__request__descriptor;
    Liuhen__Request *r =
        (Liuhen__Request *)parse_ok(rq, "{'get_entries': {'count': 4294967295, 'start': -0.0}}");
    assert_true(r->get_entries->count == UINT32_MAX);
    protobuf_c_message_free_unpacked(&r->base, NULL);

    /* Doubles: NaN and the infinities by name, both ways. */
    const ProtobufCMessageDescriptor *rs = &liuhen__response__descriptor;
    Liuhen__Response *p =
        (Liuhen__Response *)parse_ok(rs, "{'server_status': {'appends_per_second': 'NaN'}}");
    assert_true(isnan(p->server_status->appends_per_second));
    char *text;
    assert_int_equal(pbjson_dump(&p->base, 0, &text), 0);
    assert_string_equal(text, "{\"server_status\":{\"appends_per_second\":\"NaN\"}}");
    free(text);
    protobuf_c_message_free_unpacked(&p->base, NULL);
    p = (Liuhen__Response *)parse_ok(rs, "{'server_status': {'appends_per_second': '-Infinity'}}");
    assert_true(isinf(p->server_status->appends_per_second));
    protobuf_c_message_free_unpacked(&p->base, NULL);
    p = (Liuhen__Response *)parse_ok(rs, "{'server_status': {'appends_per_second': 12}}");
    assert_true(p->server_status->appends_per_second == 12.0);
    protobuf_c_message_free_unpacked(&p->base, NULL);
}

/* ------------------------------------------------------------------------
 * Errors.
 */

static void test_unknown_fields(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__entry__descriptor;
    parse_fails(d, "{'orign': 'x'}", LH_EUNKNOWNFIELD,
                "unknown field 'orign' (known: origin, kind, case_id, author_key,");
    parse_fails(d, "{'interference': {'persn': {}}}", LH_EUNKNOWNFIELD,
                "unknown field 'interference.persn' (known: occurred_at, place, person,");
    parse_fails(d, "{'interference': {'present': [{'name': 'a'}, {'nme': 'b'}]}}", LH_EUNKNOWNFIELD,
                "unknown field 'interference.present[1].nme' (known: name,");
    /* Proto field names only: not the lowerCamelCase of proto3 JSON. */
    parse_fails(d, "{'caseId': 'x'}", LH_EUNKNOWNFIELD, "'caseId'");
    parse_fails(&liuhen__request__descriptor, "{'get_keys': {'all': true}}", LH_EUNKNOWNFIELD,
                "unknown field 'get_keys.all' (known: none)");

    /* A hostile key is quoted, escaped and cut: no raw newline or NUL. */
    json_t *o = json_object();
    json_object_setn_new_nocheck(o, "origin\0x", 8, json_string("a"));
    convert_fails(d, o, LH_EUNKNOWNFIELD, "unknown field 'origin\\x00x'");
    o = json_object();
    json_object_set_new(o, "a\nb'c", json_true());
    convert_fails(d, o, LH_EUNKNOWNFIELD, "unknown field 'a\\x0ab\\x27c'");
    char longkey[300];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    o = json_object();
    json_object_set_new(o, longkey, json_true());
    convert_fails(d, o, LH_EUNKNOWNFIELD, "kkkk...' (known: origin");
}

static void test_wrong_types(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__entry__descriptor;
    parse_fails(d, "[1, 2]", LH_EFIELD,
                "liuhen.Entry: expected an object (liuhen.Entry), got an array");
    parse_fails(d, "{'case_id': 7}", LH_EFIELD,
                "field 'case_id': expected a string, got an integer");
    parse_fails(d, "{'interference': []}", LH_EFIELD,
                "field 'interference': expected an object (liuhen.Interference), got an array");
    parse_fails(d, "{'refs': '" H11 "'}", LH_EFIELD,
                "field 'refs': expected an array (repeated bytes), got a string");
    parse_fails(d, "{'interference': {'present': {}}}", LH_EFIELD,
                "field 'interference.present': expected an array (repeated liuhen.Person)");
    parse_fails(d, "{'complaint': {'complainant': {'anonymous': 'yes'}}}", LH_EFIELD,
                "field 'complaint.complainant.anonymous': expected true or false, got a string");
    parse_fails(d, "{'recorded_at': true}", LH_EFIELD,
                "field 'recorded_at': expected an integer (int64) or a decimal string, got true");
    parse_fails(d, "{'author_key': 12}", LH_EFIELD,
                "field 'author_key': expected a base64 string, got an integer");
    parse_fails(d, "{'refs': [null]}", LH_EFIELD, "field 'refs[0]': null in an array");
    parse_fails(d, "{'interference': {'categories': ['other', {}]}}", LH_EFIELD,
                "field 'interference.categories[1]': expected a name or number of "
                "liuhen.InterferenceCategory, got an object");
    parse_fails(&liuhen__request__descriptor, "{'get_entries': {'count': '5'}}", LH_EFIELD,
                "field 'get_entries.count': expected an integer (uint32), got a string");
    parse_fails(&liuhen__response__descriptor, "{'server_status': {'appends_per_second': 'nan'}}",
                LH_EFIELD, "field 'server_status.appends_per_second': expected a number (double)");

    /* Strings built in memory are checked too. */
    json_t *o = json_object();
    json_object_set_new(o, "case_id", json_stringn("a\0b", 3));
    convert_fails(d, o, LH_EFIELD, "field 'case_id': the string holds a NUL character");
    o = json_object();
    json_object_set_new(o, "case_id", json_stringn_nocheck("\xff\xfe", 2));
    convert_fails(d, o, LH_EFIELD, "field 'case_id': the string is not valid UTF-8");
}

static void test_bad_base64(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__entry__descriptor;
    const char *bad[] = {
        "{'author_key': 'not base64!'}", /* bad characters */
        "{'author_key': 'AA'}",          /* no padding */
        "{'author_key': 'AB=='}",        /* non-canonical trailing bits */
        "{'author_key': '-_-_'}",        /* URL alphabet */
        "{'author_key': 'AAAA AAAA'}",   /* blank */
        "{'author_key': '===='}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_fails(d, bad[i], LH_EFIELD, "field 'author_key': not standard base64 with padding");
    parse_fails(d, "{'refs': ['" H11 "', 'AAA']}", LH_EFIELD,
                "field 'refs[1]': not standard base64");
    parse_fails(d, "{'attachments': [{'sha256': 'x'}]}", LH_EFIELD,
                "field 'attachments[0].sha256': not standard base64");
}

static void test_enums(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__interference__descriptor;
    /* Full, short, any case, '-' for '_', or the number. */
    const char *forms[] = {"'MANNER_THIRD_PARTY'", "'THIRD_PARTY'",        "'third-party'",
                           "'Third_Party'",        "'manner-third-party'", "5"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{'manner': %s}", forms[i]);
        Liuhen__Interference *b = (Liuhen__Interference *)parse_ok(d, text);
        assert_int_equal(b->manner, LIUHEN__MANNER__MANNER_THIRD_PARTY);
        protobuf_c_message_free_unpacked(&b->base, NULL);
    }
    Liuhen__Interference *b = (Liuhen__Interference *)parse_ok(
        d, "{'categories': ['pleading-spying', 7, 'INTERFERENCE_CATEGORY_PRIVATE_MEETING',"
           " 'unspecified']}");
    assert_int_equal(b->n_categories, 4);
    assert_int_equal(b->categories[0],
                     LIUHEN__INTERFERENCE_CATEGORY__INTERFERENCE_CATEGORY_PLEADING_SPYING);
    assert_int_equal(b->categories[1], LIUHEN__INTERFERENCE_CATEGORY__INTERFERENCE_CATEGORY_OTHER);
    assert_int_equal(b->categories[3], 0);
    protobuf_c_message_free_unpacked(&b->base, NULL);

    parse_fails(d, "{'manner': 'phne'}", LH_EFIELD,
                "field 'manner': 'phne' is not a value of liuhen.Manner (accepted: unspecified, "
                "oral, phone, written, in-person, third-party, other; or MANNER_* names)");
    parse_fails(d, "{'manner': 99}", LH_EFIELD,
                "field 'manner': '99' is not a value of liuhen.Manner");
    parse_fails(d, "{'manner': 5.0}", LH_EFIELD,
                "expected a name or number of liuhen.Manner, got a real number");
    parse_fails(d, "{'manner': ''}", LH_EFIELD, "'' is not a value");
    parse_fails(d, "{'manner': 'MANNER_'}", LH_EFIELD, "is not a value");
    parse_fails(d, "{'manner': 'KIND_INTERFERENCE'}", LH_EFIELD, "is not a value of liuhen.Manner");
    parse_fails(d, "{'manner': 4294967298}", LH_EFIELD, "'4294967298' is not a value");
    /* A long list of names is cut with a visible ellipsis. */
    parse_fails(d, "{'categories': ['x']}", LH_EFIELD,
                "(accepted: unspecified, beyond-authority-instruction,");
}

static void test_enum_names(void **state)
{
    (void)state;
    int v;
    char buf[64];
    const ProtobufCEnumDescriptor *manner = &liuhen__manner__descriptor;
    assert_int_equal(pbjson_find_enum_value(manner, "third-party", &v), 0);
    assert_int_equal(v, LIUHEN__MANNER__MANNER_THIRD_PARTY);
    assert_int_equal(pbjson_find_enum_value(manner, "MANNER_PHONE", &v), 0);
    assert_int_equal(v, LIUHEN__MANNER__MANNER_PHONE);
    assert_int_equal(pbjson_find_enum_value(manner, "Phone", &v), 0);
    assert_int_equal(v, LIUHEN__MANNER__MANNER_PHONE);
    assert_int_equal(pbjson_find_enum_value(manner, "phone ", &v), LH_ENOTFOUND);
    assert_int_equal(pbjson_find_enum_value(manner, "", &v), LH_ENOTFOUND);
    assert_int_equal(pbjson_find_enum_value(manner, NULL, &v), LH_EINVAL);

    assert_int_equal(pbjson_enum_short_name(manner, protobuf_c_enum_descriptor_get_value(manner, 5),
                                            buf, sizeof buf),
                     0);
    assert_string_equal(buf, "third-party");
    const ProtobufCEnumDescriptor *cat = &liuhen__interference_category__descriptor;
    assert_int_equal(pbjson_enum_short_name(cat, &cat->values[5], buf, sizeof buf), 0);
    assert_string_equal(buf, "pleading-spying");
    const ProtobufCEnumDescriptor *status = &liuhen__status__descriptor;
    assert_int_equal(pbjson_enum_short_name(status, &status->values[0], buf, sizeof buf), 0);
    assert_string_equal(buf, "ok");
    /* "third-party" and its NUL need 12 bytes. */
    assert_int_equal(pbjson_enum_short_name(manner, &manner->values[5], buf, 11), LH_ELENGTH);
    assert_string_equal(buf, "");
    assert_int_equal(pbjson_enum_short_name(manner, &manner->values[5], buf, 12), 0);

    /* Over every enum of the schema: short names are distinct, and every
     * spelling reads back to its value. */
    const ProtobufCMessageDescriptor *seen[128];
    size_t n = reachable(&liuhen__entry__descriptor, seen, 0, 128);
    n = reachable(&liuhen__response__descriptor, seen, n, 128);
    size_t enums = 0;
    for (size_t t = 0; t < n; t++) {
        for (unsigned i = 0; i < seen[t]->n_fields; i++) {
            const ProtobufCFieldDescriptor *f = &seen[t]->fields[i];
            if (f->type != PROTOBUF_C_TYPE_ENUM)
                continue;
            enums++;
            const ProtobufCEnumDescriptor *e = f->descriptor;
            for (unsigned k = 0; k < e->n_values; k++) {
                assert_int_equal(pbjson_enum_short_name(e, &e->values[k], buf, sizeof buf), 0);
                assert_int_equal(pbjson_find_enum_value(e, buf, &v), 0);
                assert_int_equal(v, e->values[k].value);
                assert_int_equal(pbjson_find_enum_value(e, e->values[k].name, &v), 0);
                assert_int_equal(v, e->values[k].value);
                assert_null(strchr(buf, '_'));
                for (unsigned l = 0; l < k; l++) {
                    char other[64];
                    assert_int_equal(pbjson_enum_short_name(e, &e->values[l], other, sizeof other),
                                     0);
                    assert_string_not_equal(buf, other);
                }
            }
        }
    }
    assert_true(enums >= 29);
}

static void test_integer_ranges(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__entry__descriptor;
    const ProtobufCMessageDescriptor *rq = &liuhen__request__descriptor;
    parse_fails(
        rq, "{'get_entries': {'count': 4294967296}}", LH_EFIELD,
        "field 'get_entries.count': 4294967296 is out of range for uint32 (0 to 4294967295)");
    parse_fails(rq, "{'get_entries': {'count': -1}}", LH_EFIELD, "-1 is out of range for uint32");
    parse_fails(rq, "{'get_entries': {'start': -1}}", LH_EFIELD,
                "field 'get_entries.start': -1 is out of range for uint64");
    parse_fails(d, "{'recorded_at': '9223372036854775808'}", LH_EFIELD,
                "field 'recorded_at': 9223372036854775808 is out of range for int64 "
                "(-9223372036854775808 to 9223372036854775807)");
    parse_fails(d, "{'recorded_at': '-9223372036854775809'}", LH_EFIELD, "out of range for int64");
    parse_fails(d, "{'author_seq': '18446744073709551616'}", LH_EFIELD,
                "field 'author_seq': 18446744073709551616 is out of range for uint64");
    parse_fails(d, "{'author_seq': '-1'}", LH_EFIELD, "-1 is out of range for uint64");
    parse_fails(d, "{'author_seq': 1e20}", LH_EFIELD, "is out of range for uint64");
    const char *not_decimal[] = {"' 1'", "'+1'", "'01'", "'1e3'", "''", "'-'", "'0x10'", "'1.0'"};
    for (size_t i = 0; i < sizeof not_decimal / sizeof not_decimal[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "{'author_seq': %s}", not_decimal[i]);
        parse_fails(d, text, LH_EFIELD, "is not a decimal integer (uint64)");
    }
    /* Beyond jansson's json_int_t, JSON number literals fail in the parser:
     * 64-bit values that large travel as strings. */
    parse_fails(d, "{'author_seq': 18446744073709551615}", LH_EJSON, "too big integer");
}

static void test_fractions(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__entry__descriptor;
    parse_fails(d, "{'recorded_at': 1.5}", LH_EFIELD,
                "field 'recorded_at': 1.5 has a fraction: int64 takes a whole number");
    parse_fails(d, "{'attachments': [{'size': 0.25}]}", LH_EFIELD,
                "field 'attachments[0].size': 0.25 has a fraction");
    parse_fails(&liuhen__request__descriptor, "{'get_entries': {'count': 1e-3}}", LH_EFIELD,
                "has a fraction: uint32");
}

static void test_two_oneof_members(void **state)
{
    (void)state;
    parse_fails(&liuhen__entry__descriptor, "{'interference': {}, 'origin': 'o', 'guidance': {}}",
                LH_EFIELD,
                "fields 'interference' and 'guidance' are members of the same oneof of "
                "liuhen.Entry");
    parse_fails(&liuhen__request__descriptor,
                "{'get_inclusion_proof': {'leaf_hash': '', 'leaf_index': 0}}", LH_EFIELD,
                "fields 'get_inclusion_proof.leaf_hash' and 'get_inclusion_proof.leaf_index'");
    /* null is not a member given. */
    ProtobufCMessage *m =
        parse_ok(&liuhen__entry__descriptor, "{'interference': null, 'guidance': {}}");
    protobuf_c_message_free_unpacked(m, NULL);
}

static void test_depth(void **state)
{
    (void)state;
    /* 31 children below the top: 32 messages, the bound, are read. */
    char text[4096];
    for (int children = 31; children <= 32; children++) {
        size_t o = 0;
        for (int i = 0; i < children; i++)
            o += (size_t)snprintf(text + o, sizeof text - o, "{'child': ");
        o += (size_t)snprintf(text + o, sizeof text - o, "{'value': 1}");
        for (int i = 0; i < children; i++)
            o += (size_t)snprintf(text + o, sizeof text - o, "}");
        if (children == 31) {
            ProtobufCMessage *m = parse_ok(&node_descriptor, text);
            assert_round_trip(m);
            protobuf_c_message_free_unpacked(m, NULL);
        } else {
            parse_fails(&node_descriptor, text, LH_ETOOBIG,
                        "field 'child.child.child.child.child.child.child.child.child");
            parse_fails(&node_descriptor, text, LH_ETOOBIG, "messages nested deeper than 32");
        }
    }

    /* A depth bomb in the text itself is jansson's to refuse. */
    size_t n = 100000;
    char *bomb = malloc(2 * n + 32);
    assert_non_null(bomb);
    size_t o = (size_t)sprintf(bomb, "{\"origin\": ");
    memset(bomb + o, '[', n);
    memset(bomb + o + n, ']', n);
    strcpy(bomb + o + 2 * n, "}");
    lh_err err = {{0}};
    ProtobufCMessage *m;
    assert_int_equal(pbjson_parse(&liuhen__entry__descriptor, bomb, strlen(bomb), &m, &err),
                     LH_EJSON);
    assert_non_null(strstr(err.msg, "maximum parsing depth"));
    assert_null(m);
    free(bomb);

    /* Writing is bounded too: a chain of 33 nodes, and a cycle. */
    Node nodes[33];
    for (int i = 0; i < 33; i++) {
        node_init(&nodes[i].base);
        nodes[i].child = i + 1 < 33 ? &nodes[i + 1] : NULL;
    }
    json_t *j;
    assert_int_equal(pbjson_from_message(&nodes[1].base, 0, &j), 0);
    json_decref(j);
    assert_int_equal(pbjson_from_message(&nodes[0].base, 0, &j), LH_ETOOBIG);
    assert_null(j);
    nodes[32].child = &nodes[0];
    assert_int_equal(pbjson_from_message(&nodes[5].base, 0, &j), LH_ETOOBIG);
}

static void test_malformed_text(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__entry__descriptor;
    parse_fails(d, "{'origin': }", LH_EJSON, "JSON text line 1 column 12:");
    parse_fails(d, "{\n  'origin': 'a',\n  'kind': x\n}", LH_EJSON, "JSON text line 3 column");
    parse_fails(d, "{} {}", LH_EJSON, "end of file expected");
    parse_fails(d, "", LH_EJSON, "JSON text line");
    parse_fails(d, "{'origin': 'a', 'origin': 'b'}", LH_EJSON, "duplicate object key");
    parse_fails(d, "{'origin': '\xff'}", LH_EJSON, "JSON text line 1");
    parse_fails(d, "{'origin': 'a\\u0000b'}", LH_EJSON, "\\u0000 is not allowed");

    /* Not NUL-terminated: len is what counts. */
    const char text[] = {'{', '}', 'x'};
    ProtobufCMessage *m;
    assert_int_equal(pbjson_parse(d, text, 2, &m, NULL), 0);
    protobuf_c_message_free_unpacked(m, NULL);
    assert_int_equal(pbjson_parse(d, text, 3, &m, NULL), LH_EJSON);
    assert_int_equal(pbjson_parse(d, NULL, 0, &m, NULL), LH_EINVAL);
    assert_int_equal(pbjson_to_message(d, NULL, &m, NULL), LH_EINVAL);
    assert_int_equal(pbjson_from_message(NULL, 0, NULL), LH_EINVAL);
}

/* An error deep inside leaves nothing allocated (LeakSanitizer checks). */
static void test_no_leak_on_error(void **state)
{
    (void)state;
    parse_fails(&liuhen__entry__descriptor,
                "{'origin': 'x', 'refs': ['" H11 "'], 'attachments': [{'name': 'a'}],"
                " 'decision': {'responsible': [{'person': {'name': 'p'}, 'sanctions': ['other']},"
                " {'sanctions': ['warning']}], 'summary': 's'}}",
                LH_EFIELD,
                "field 'decision.responsible[1].sanctions[0]': 'warning' is not a value");
    parse_fails(&liuhen__entry__descriptor,
                "{'interference': {'person': {'name': 'x'},"
                " 'present': [{'name': 'a'}, {'name': 5}]}}",
                LH_EFIELD, "field 'interference.present[1].name': expected a string");
}

static void test_set_field(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &liuhen__entry__descriptor;
    Liuhen__Entry *e = (Liuhen__Entry *)parse_ok(
        d, "{'origin': 'o', 'refs': ['" H11 "'], 'interference': {'person': {'name': 'x'}}}");
    lh_err err = {{0}};

    /* Setting another oneof member frees the one that was set. */
    json_t *v = sq_json("{'form': 'written', 'given_by': {'name': '局长'}}");
    const ProtobufCFieldDescriptor *guidance =
        protobuf_c_message_descriptor_get_field_by_name(d, "guidance");
    assert_int_equal(pbjson_set_field(&e->base, guidance, v, NULL, &err), 0);
    json_decref(v);
    assert_int_equal(e->body_case, LIUHEN__ENTRY__BODY_GUIDANCE);
    assert_string_equal(e->guidance->given_by->name, "局长");

    /* A repeated field is replaced whole; a string is replaced. */
    v = sq_json("['" H22 "', '" H33 "']");
    assert_int_equal(pbjson_set_field(&e->base,
                                      protobuf_c_message_descriptor_get_field_by_name(d, "refs"), v,
                                      NULL, &err),
                     0);
    json_decref(v);
    assert_int_equal(e->n_refs, 2);
    v = json_string("example.org/other");
    assert_int_equal(pbjson_set_field(&e->base,
                                      protobuf_c_message_descriptor_get_field_by_name(d, "origin"),
                                      v, NULL, &err),
                     0);
    json_decref(v);
    assert_string_equal(e->origin, "example.org/other");

    /* A bad value leaves the message as it was, and names the path given. */
    size_t before_len;
    uint8_t *before = pack(&e->base, &before_len);
    v = sq_json("{'form': 'written', 'given_by': {'name': 3}}");
    assert_int_equal(pbjson_set_field(&e->base, guidance, v, "entry.guidance", &err), LH_EFIELD);
    json_decref(v);
    assert_string_equal(err.msg,
                        "field 'entry.guidance.given_by.name': expected a string, got an integer");
    size_t after_len;
    uint8_t *after = pack(&e->base, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);

    /* null (or NULL) clears; a field of another message is refused. */
    assert_int_equal(pbjson_set_field(&e->base, guidance, NULL, NULL, &err), 0);
    assert_int_equal(e->body_case, 0);
    v = json_null();
    assert_int_equal(pbjson_set_field(&e->base,
                                      protobuf_c_message_descriptor_get_field_by_name(d, "origin"),
                                      v, NULL, &err),
                     0);
    assert_string_equal(e->origin, "");
    assert_int_equal(pbjson_set_field(&e->base,
                                      protobuf_c_message_descriptor_get_field_by_name(d, "refs"), v,
                                      NULL, &err),
                     0);
    assert_int_equal(e->n_refs, 0);
    json_decref(v);
    assert_int_equal(
        pbjson_set_field(&e->base, &liuhen__person__descriptor.fields[0], NULL, NULL, &err),
        LH_EINVAL);
    assert_int_equal(protobuf_c_message_get_packed_size(&e->base), 0);

    /* The proto2 layouts: has_ flags and a string default. */
    Node *n = (Node *)parse_ok(&node_descriptor, "{'value': 0, 'note': 'x', 'tags': ['a', 'b']}");
    assert_true(n->has_value);
    assert_int_equal(pbjson_set_field(&n->base, &node_fields[1], NULL, NULL, &err), 0);
    assert_false(n->has_value);
    assert_int_equal(pbjson_set_field(&n->base, &node_fields[4], NULL, NULL, &err), 0);
    assert_ptr_equal(n->note, node_note_default);
    v = json_real(0.5);
    assert_int_equal(pbjson_set_field(&n->base, &node_fields[2], v, NULL, &err), 0);
    json_decref(v);
    assert_true(n->has_ratio && n->ratio == 0.5f);
    assert_round_trip(&n->base);
    protobuf_c_message_free_unpacked(&n->base, NULL);
    protobuf_c_message_free_unpacked(&e->base, NULL);
}

int main(void)
{
    /* The random messages are deterministic, so that a failure reproduces. */
    tu_rng_seed(0x9E3779B97F4A7C15u);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test(test_every_record_kind),
        cmocka_unit_test(test_random_round_trips),
        cmocka_unit_test(test_oneof_member_at_default),
        cmocka_unit_test(test_emit_defaults),
        cmocka_unit_test(test_null_means_unset),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_bad_base64),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_enum_names),
        cmocka_unit_test(test_integer_ranges),
        cmocka_unit_test(test_fractions),
        cmocka_unit_test(test_two_oneof_members),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_malformed_text),
        cmocka_unit_test(test_no_leak_on_error),
        cmocka_unit_test(test_set_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
