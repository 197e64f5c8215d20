/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_entry.c — entries (client/entry.h): a valid entry of every kind
 * signed, verified and validated; one-byte tampering; each validation rule
 * broken once; the SignedEntry and Leaf encodings, checked against
 * protobuf-c's own encoder; known-answer hashes; the role table of
 * docs/design.md "Kinds and roles", written out again here independently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "kind.h"
#include "labels.h"
#include "role.h"
#include "validate.h"

#define ORIGIN  "qianjiang.example/liuhen"
#define CASE_ID "QJ-2026-7"
#define T0      INT64_C(1779000000000) /* 2026-05-17, unix ms */
#define HOUR    INT64_C(3600000)

static uint8_t pk[ENTRY_KEY_BYTES], sk[ENTRY_SK_BYTES];
static uint8_t pk2[ENTRY_KEY_BYTES], sk2[ENTRY_SK_BYTES];

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    uint8_t seed[crypto_sign_ed25519_SEEDBYTES];
    memset(seed, 0x11, sizeof seed);
    crypto_sign_ed25519_seed_keypair(pk, sk, seed);
    memset(seed, 0x22, sizeof seed);
    crypto_sign_ed25519_seed_keypair(pk2, sk2, seed);
    return 0;
}

/* ------------------------------------------------------------------------
 * A draft: one entry of a chosen kind with every part it points to. It
 * points into itself, so it is built in place and never copied.
 */

typedef struct draft {
    Liuhen__Entry e;
    uint8_t author_prev[32], case_prev[32], ref[2][32], hash[32], key[32], file_hash[32];
    ProtobufCBinaryData refs[2];
    Liuhen__Attachment att;
    Liuhen__Attachment *atts[1];
    Liuhen__Person person, other;
    Liuhen__Person *people[2];
    Liuhen__Interference interference;
    Liuhen__InterferenceCategory categories[2];
    Liuhen__Guidance guidance;
    Liuhen__Complaint complaint;
    Liuhen__Complainant complainant;
    Liuhen__Conduct conducts[2];
    Liuhen__Transfer transfer;
    Liuhen__Reply reply;
    Liuhen__InvestigationAssigned assigned;
    Liuhen__InvestigationStep step;
    Liuhen__Decision decision;
    Liuhen__ResponsiblePerson responsible;
    Liuhen__ResponsiblePerson *responsibles[1];
    Liuhen__Sanction sanctions[2];
    Liuhen__Mitigation mitigations[1];
    Liuhen__CollectiveDiscussion discussion;
    Liuhen__ReviewOrder review;
    Liuhen__Appeal appeal;
    Liuhen__Notification notification;
    Liuhen__Measure measures[1];
    Liuhen__Correction correction;
    Liuhen__FieldCorrection change;
    Liuhen__FieldCorrection *changes[1];
    Liuhen__CaseClosed closed;
    Liuhen__KeyEnroll enroll;
    Liuhen__Role roles[2];
    Liuhen__KeyRevoke revoke;
    Liuhen__Report report;
    Liuhen__Recommendation recommendation;
    Liuhen__SupervisionCheck check;
    Liuhen__CheckAction actions[1];
    Liuhen__Service service;
    Liuhen__Approval approval;
} draft;

static ProtobufCBinaryData bin(uint8_t *p, size_t n)
{
    ProtobufCBinaryData b = {n, p};
    return b;
}

static void draft_people(draft *d)
{
    d->person = (Liuhen__Person)LIUHEN__PERSON__INIT;
    d->person.name = "王某";
    d->person.position = "副局长";
    d->person.unit = "黔江区应急管理局";
    d->person.relation = LIUHEN__RELATION__RELATION_ON_STAFF;
    d->person.contact = "023-7922 0000";
    d->other = (Liuhen__Person)LIUHEN__PERSON__INIT;
    d->other.name = "陈某";
    d->other.position = "执法人员";
    d->other.unit = "执法支队";
    d->other.relation = LIUHEN__RELATION__RELATION_CONTRACTED;
    d->other.public_key = bin(d->key, sizeof d->key);
    d->people[0] = &d->person;
    d->people[1] = &d->other;
}

static void draft_body(draft *d, Liuhen__Kind kind)
{
    Liuhen__Entry *e = &d->e;
    switch (kind) {
    case LIUHEN__KIND__KIND_INTERFERENCE: {
        Liuhen__Interference *b = &d->interference;
        *b = (Liuhen__Interference)LIUHEN__INTERFERENCE__INIT;
        b->occurred_at = T0 - HOUR;
        b->place = "局机关三楼办公室";
        b->person = &d->person;
        b->manner = LIUHEN__MANNER__MANNER_PHONE;
        b->content = "要求对某企业从轻处罚。\n称\t已与当事人沟通。";
        d->categories[0] =
            LIUHEN__INTERFERENCE_CATEGORY__INTERFERENCE_CATEGORY_BEYOND_AUTHORITY_INSTRUCTION;
        d->categories[1] = LIUHEN__INTERFERENCE_CATEGORY__INTERFERENCE_CATEGORY_PLEADING_SPYING;
        b->n_categories = 2;
        b->categories = d->categories;
        b->response = LIUHEN__HANDLER_RESPONSE__HANDLER_RESPONSE_REFUSED;
        b->reported_to = LIUHEN__REPORTED_TO__REPORTED_TO_LEGAL_SECTION;
        b->reported_at = T0 - HOUR / 2;
        b->n_present = 1;
        b->present = &d->people[1];
        e->body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
        e->interference = b;
        break;
    }
    case LIUHEN__KIND__KIND_GUIDANCE: {
        Liuhen__Guidance *b = &d->guidance;
        *b = (Liuhen__Guidance)LIUHEN__GUIDANCE__INIT;
        b->form = LIUHEN__GUIDANCE_FORM__GUIDANCE_FORM_WRITTEN;
        b->basis = LIUHEN__GUIDANCE_BASIS__GUIDANCE_BASIS_LEADERSHIP_SUPERVISION;
        b->given_by = &d->person;
        b->given_at = T0 - HOUR;
        b->content = "请依法依规办理。";
        b->document_ref = "黔应急〔2026〕3号";
        e->body_case = LIUHEN__ENTRY__BODY_GUIDANCE;
        e->guidance = b;
        break;
    }
    case LIUHEN__KIND__KIND_COMPLAINT: {
        Liuhen__Complaint *b = &d->complaint;
        *b = (Liuhen__Complaint)LIUHEN__COMPLAINT__INIT;
        d->complainant = (Liuhen__Complainant)LIUHEN__COMPLAINANT__INIT;
        d->complainant.name = "李某";
        d->complainant.contact = "139 0000 0000";
        b->complainant = &d->complainant;
        b->channel = LIUHEN__CHANNEL__CHANNEL_LETTER;
        b->received_at = T0 - 24 * HOUR;
        b->n_officers_concerned = 2;
        b->officers_concerned = d->people;
        d->conducts[0] = LIUHEN__CONDUCT__CONDUCT_PROCEDURE_VIOLATED;
        d->conducts[1] = LIUHEN__CONDUCT__CONDUCT_MANIFESTLY_UNFAIR;
        b->n_conducts = 2;
        b->conducts = d->conducts;
        b->source = LIUHEN__CASE_SOURCE__CASE_SOURCE_JUSTICE_COMPLAINT;
        b->enforcement_case = "黔应急罚〔2025〕12号";
        b->summary = "投诉人称处罚程序违法，罚款数额明显不当。\n附相关材料三份。";
        b->jurisdiction = LIUHEN__JURISDICTION__JURISDICTION_ACCEPTED;
        e->body_case = LIUHEN__ENTRY__BODY_COMPLAINT;
        e->complaint = b;
        break;
    }
    case LIUHEN__KIND__KIND_TRANSFER: {
        Liuhen__Transfer *b = &d->transfer;
        *b = (Liuhen__Transfer)LIUHEN__TRANSFER__INIT;
        b->complaint = bin(d->hash, sizeof d->hash);
        b->to_authority = "区市场监督管理局";
        b->transferred_at = T0;
        b->reason = "不属于本单位受理范围。";
        e->body_case = LIUHEN__ENTRY__BODY_TRANSFER;
        e->transfer = b;
        break;
    }
    case LIUHEN__KIND__KIND_REPLY: {
        Liuhen__Reply *b = &d->reply;
        *b = (Liuhen__Reply)LIUHEN__REPLY__INIT;
        b->complaint = bin(d->hash, sizeof d->hash);
        b->replied_at = T0;
        b->addressee = "李某";
        b->method = LIUHEN__REPLY_METHOD__REPLY_METHOD_WRITTEN;
        b->content = "已受理，正在调查。";
        e->body_case = LIUHEN__ENTRY__BODY_REPLY;
        e->reply = b;
        break;
    }
    case LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED: {
        Liuhen__InvestigationAssigned *b = &d->assigned;
        *b = (Liuhen__InvestigationAssigned)LIUHEN__INVESTIGATION_ASSIGNED__INIT;
        b->assigned_by = &d->person;
        b->n_team = 2;
        b->team = d->people;
        b->assigned_at = T0;
        b->scope = "核查处罚程序及罚款数额。";
        e->body_case = LIUHEN__ENTRY__BODY_INVESTIGATION_ASSIGNED;
        e->investigation_assigned = b;
        break;
    }
    case LIUHEN__KIND__KIND_INVESTIGATION_STEP: {
        Liuhen__InvestigationStep *b = &d->step;
        *b = (Liuhen__InvestigationStep)LIUHEN__INVESTIGATION_STEP__INIT;
        b->method = LIUHEN__INVESTIGATION_METHOD__INVESTIGATION_METHOD_QUESTION_OFFICER;
        b->conducted_at = T0;
        b->place = "法规科";
        b->n_persons_questioned = 1;
        b->persons_questioned = &d->people[1];
        b->summary = "询问执法责任人，制作询问笔录。";
        e->body_case = LIUHEN__ENTRY__BODY_INVESTIGATION_STEP;
        e->investigation_step = b;
        break;
    }
    case LIUHEN__KIND__KIND_DECISION: {
        Liuhen__Decision *b = &d->decision;
        *b = (Liuhen__Decision)LIUHEN__DECISION__INIT;
        d->responsible = (Liuhen__ResponsiblePerson)LIUHEN__RESPONSIBLE_PERSON__INIT;
        d->responsible.person = &d->other;
        d->responsible.responsibility = "未履行告知程序。";
        d->sanctions[0] = LIUHEN__SANCTION__SANCTION_WRITTEN_SELF_EXAMINATION;
        d->sanctions[1] = LIUHEN__SANCTION__SANCTION_CIRCULATED_CRITICISM;
        d->responsible.n_sanctions = 2;
        d->responsible.sanctions = d->sanctions;
        d->mitigations[0] = LIUHEN__MITIGATION__MITIGATION_SELF_CORRECTED;
        d->responsible.n_mitigations = 1;
        d->responsible.mitigations = d->mitigations;
        d->responsible.leniency = LIUHEN__LENIENCY__LENIENCY_LIGHTER;
        d->responsibles[0] = &d->responsible;
        d->discussion = (Liuhen__CollectiveDiscussion)LIUHEN__COLLECTIVE_DISCUSSION__INIT;
        d->discussion.held_at = T0 - HOUR;
        d->discussion.n_participants = 1;
        d->discussion.participants = d->people;
        d->discussion.minutes_ref = "局务会纪要〔2026〕5号";
        d->discussion.conclusion = "认定为错案。";
        b->wrongful_case = 1;
        b->source = LIUHEN__CASE_SOURCE__CASE_SOURCE_JUSTICE_COMPLAINT;
        b->n_responsible = 1;
        b->responsible = d->responsibles;
        b->collective_discussion = &d->discussion;
        b->referral = LIUHEN__REFERRAL__REFERRAL_NONE;
        b->decided_at = T0;
        b->summary = "责令书面检查并通报批评。";
        b->document_ref = "黔应急决〔2026〕1号";
        e->body_case = LIUHEN__ENTRY__BODY_DECISION;
        e->decision = b;
        break;
    }
    case LIUHEN__KIND__KIND_REVIEW_ORDER: {
        Liuhen__ReviewOrder *b = &d->review;
        *b = (Liuhen__ReviewOrder)LIUHEN__REVIEW_ORDER__INIT;
        b->decision = bin(d->hash, sizeof d->hash);
        b->action = LIUHEN__REVIEW_ACTION__REVIEW_ACTION_REINVESTIGATE;
        b->ordered_at = T0;
        b->reason = "事实不清。";
        e->body_case = LIUHEN__ENTRY__BODY_REVIEW_ORDER;
        e->review_order = b;
        break;
    }
    case LIUHEN__KIND__KIND_APPEAL: {
        Liuhen__Appeal *b = &d->appeal;
        *b = (Liuhen__Appeal)LIUHEN__APPEAL__INIT;
        b->decision = bin(d->hash, sizeof d->hash);
        b->type = LIUHEN__APPEAL_TYPE__APPEAL_TYPE_STATEMENT_DEFENCE;
        b->venue = LIUHEN__APPEAL_VENUE__APPEAL_VENUE_THIS_BUREAU;
        b->appellant = &d->other;
        b->filed_at = T0;
        b->grounds = "已当场口头告知当事人。";
        b->outcome = LIUHEN__APPEAL_OUTCOME__APPEAL_OUTCOME_PENDING;
        e->body_case = LIUHEN__ENTRY__BODY_APPEAL;
        e->appeal = b;
        break;
    }
    case LIUHEN__KIND__KIND_NOTIFICATION: {
        Liuhen__Notification *b = &d->notification;
        *b = (Liuhen__Notification)LIUHEN__NOTIFICATION__INIT;
        b->subject = LIUHEN__NOTIFICATION_SUBJECT__NOTIFICATION_SUBJECT_NOT_RECORDED;
        b->person = &d->other;
        d->measures[0] = LIUHEN__MEASURE__MEASURE_WARNING;
        b->n_measures = 1;
        b->measures = d->measures;
        b->issued_at = T0;
        b->content = "办案人员未如实记录干预情况，予以警告。";
        b->approved_by = "局长办公会";
        b->concerns = bin(d->hash, sizeof d->hash);
        e->body_case = LIUHEN__ENTRY__BODY_NOTIFICATION;
        e->notification = b;
        break;
    }
    case LIUHEN__KIND__KIND_CORRECTION: {
        Liuhen__Correction *b = &d->correction;
        *b = (Liuhen__Correction)LIUHEN__CORRECTION__INIT;
        b->corrects = bin(d->hash, sizeof d->hash);
        d->change = (Liuhen__FieldCorrection)LIUHEN__FIELD_CORRECTION__INIT;
        d->change.field = "interference.place";
        d->change.old_value = "局机关三楼办公室";
        d->change.new_value = "局机关二楼会议室";
        d->changes[0] = &d->change;
        b->n_changes = 1;
        b->changes = d->changes;
        b->reason = "记录时笔误。";
        e->body_case = LIUHEN__ENTRY__BODY_CORRECTION;
        e->correction = b;
        break;
    }
    case LIUHEN__KIND__KIND_CASE_CLOSED: {
        Liuhen__CaseClosed *b = &d->closed;
        *b = (Liuhen__CaseClosed)LIUHEN__CASE_CLOSED__INIT;
        b->closed_at = T0;
        b->summary = "处理完毕，结案。";
        e->body_case = LIUHEN__ENTRY__BODY_CASE_CLOSED;
        e->case_closed = b;
        break;
    }
    case LIUHEN__KIND__KIND_KEY_ENROLL: {
        Liuhen__KeyEnroll *b = &d->enroll;
        *b = (Liuhen__KeyEnroll)LIUHEN__KEY_ENROLL__INIT;
        b->public_key = bin(d->key, sizeof d->key);
        b->holder = "张三";
        b->position = "科员";
        b->unit = "法规科";
        d->roles[0] = LIUHEN__ROLE__ROLE_HANDLER;
        d->roles[1] = LIUHEN__ROLE__ROLE_LEGAL;
        b->n_roles = 2;
        b->roles = d->roles;
        e->body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
        e->key_enroll = b;
        break;
    }
    case LIUHEN__KIND__KIND_KEY_REVOKE: {
        Liuhen__KeyRevoke *b = &d->revoke;
        *b = (Liuhen__KeyRevoke)LIUHEN__KEY_REVOKE__INIT;
        b->public_key = bin(d->key, sizeof d->key);
        b->reason = "调离岗位。";
        e->body_case = LIUHEN__ENTRY__BODY_KEY_REVOKE;
        e->key_revoke = b;
        break;
    }
    case LIUHEN__KIND__KIND_REPORT: {
        Liuhen__Report *b = &d->report;
        *b = (Liuhen__Report)LIUHEN__REPORT__INIT;
        b->matter = LIUHEN__REPORT_MATTER__REPORT_MATTER_COMPLAINT;
        b->concerns = bin(d->ref[0], 32);
        b->reported_to = &d->person;
        b->reported_at = T0;
        b->content = "受理投诉一件，报请指派调查组。";
        e->body_case = LIUHEN__ENTRY__BODY_REPORT;
        e->report = b;
        break;
    }
    case LIUHEN__KIND__KIND_RECOMMENDATION: {
        Liuhen__Recommendation *b = &d->recommendation;
        *b = (Liuhen__Recommendation)LIUHEN__RECOMMENDATION__INIT;
        b->wrongful_case = true;
        d->responsible = (Liuhen__ResponsiblePerson)LIUHEN__RESPONSIBLE_PERSON__INIT;
        d->responsible.person = &d->other;
        d->responsible.responsibility = "未履行告知程序。";
        d->sanctions[0] = LIUHEN__SANCTION__SANCTION_WRITTEN_SELF_EXAMINATION;
        d->responsible.n_sanctions = 1;
        d->responsible.sanctions = d->sanctions;
        d->responsibles[0] = &d->responsible;
        b->n_responsible = 1;
        b->responsible = d->responsibles;
        b->made_at = T0;
        b->summary = "建议责令书面检查。";
        b->document_ref = "黔江应急法建〔2026〕2号";
        e->body_case = LIUHEN__ENTRY__BODY_RECOMMENDATION;
        e->recommendation = b;
        break;
    }
    case LIUHEN__KIND__KIND_SUPERVISION_CHECK: {
        Liuhen__SupervisionCheck *b = &d->check;
        *b = (Liuhen__SupervisionCheck)LIUHEN__SUPERVISION_CHECK__INIT;
        b->type = LIUHEN__CHECK_TYPE__CHECK_TYPE_FOLLOW_UP;
        b->conducted_at = T0;
        b->findings = "经核实，属违反规定干预办案。";
        b->concerns = bin(d->ref[0], 32);
        b->conclusion = LIUHEN__CHECK_CONCLUSION__CHECK_CONCLUSION_CONFIRMED;
        d->actions[0] = LIUHEN__CHECK_ACTION__CHECK_ACTION_REPORTED_TO_HEAD;
        b->n_actions = 1;
        b->actions = d->actions;
        e->body_case = LIUHEN__ENTRY__BODY_SUPERVISION_CHECK;
        e->supervision_check = b;
        break;
    }
    case LIUHEN__KIND__KIND_SERVICE: {
        Liuhen__Service *b = &d->service;
        *b = (Liuhen__Service)LIUHEN__SERVICE__INIT;
        b->decision = bin(d->ref[0], 32);
        b->served_on = &d->person;
        b->served_at = T0;
        b->method = LIUHEN__SERVICE_METHOD__SERVICE_METHOD_IN_PERSON;
        b->rights_told = true;
        b->receipt_ref = "送达回证第3号";
        e->body_case = LIUHEN__ENTRY__BODY_SERVICE;
        e->service = b;
        break;
    }
    case LIUHEN__KIND__KIND_APPROVAL: {
        Liuhen__Approval *b = &d->approval;
        *b = (Liuhen__Approval)LIUHEN__APPROVAL__INIT;
        b->concerns = bin(d->ref[0], 32);
        b->matter = "通报干预办案情况";
        b->approved = true;
        b->approved_at = T0;
        b->opinion = "同意通报。";
        e->body_case = LIUHEN__ENTRY__BODY_APPROVAL;
        e->approval = b;
        break;
    }
    default: fail_msg("no body for kind %d", (int)kind);
    }
}

/* A valid entry of `kind`: the author's second entry, with one ref and one
 * attachment; following the case's head unless the kind opens cases. */
static void draft_init(draft *d, Liuhen__Kind kind)
{
    memset(d, 0, sizeof *d);
    memset(d->author_prev, 0xA1, 32);
    memset(d->case_prev, 0xC1, 32);
    memset(d->ref[0], 0xE1, 32);
    memset(d->ref[1], 0xE2, 32);
    memset(d->hash, 0x5A, 32);
    memcpy(d->key, pk2, 32);
    crypto_hash_sha256(d->file_hash, (const uint8_t *)"evidence", 8);

    Liuhen__Entry *e = &d->e;
    *e = (Liuhen__Entry)LIUHEN__ENTRY__INIT;
    e->origin = ORIGIN;
    e->kind = kind;
    bool key_management =
        kind == LIUHEN__KIND__KIND_KEY_ENROLL || kind == LIUHEN__KIND__KIND_KEY_REVOKE;
    e->case_id = key_management ? "" : CASE_ID;
    e->author_key = bin(pk, sizeof pk);
    e->author_seq = 2;
    e->author_prev = bin(d->author_prev, 32);
    if (!key_management && !kind_opens_case(kind))
        e->case_prev = bin(d->case_prev, 32);
    e->recorded_at = T0;
    d->refs[0] = bin(d->ref[0], 32);
    d->refs[1] = bin(d->ref[1], 32);
    e->n_refs = 1;
    e->refs = d->refs;
    d->att = (Liuhen__Attachment)LIUHEN__ATTACHMENT__INIT;
    d->att.name = "询问笔录.pdf";
    d->att.sha256 = bin(d->file_hash, 32);
    d->att.size = 123456;
    d->att.media_type = "application/pdf";
    d->atts[0] = &d->att;
    e->n_attachments = 1;
    e->attachments = d->atts;
    draft_people(d);
    draft_body(d, kind);
}

/* Pack a message into a malloc'd buffer with `extra` spare bytes. */
static uint8_t *pack_msg(const ProtobufCMessage *m, size_t *len, size_t extra)
{
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(*len + extra + 1);
    assert_non_null(buf);
    assert_int_equal(protobuf_c_message_pack(m, buf), *len);
    return buf;
}

static uint8_t *pack_entry(const Liuhen__Entry *e, size_t *len)
{
    return pack_msg(&e->base, len, 16);
}

static void expect_bytes_invalid(const uint8_t *buf, size_t len, const char *origin, int code,
                                 const char *needle)
{
    lh_err err = {{0}};
    Liuhen__Entry sentinel;
    Liuhen__Entry *out = &sentinel;
    int rc = validate_entry(buf, len, origin, &out, &err);
    if (rc != code || strstr(err.msg, needle) == NULL)
        print_error("expected %s naming \"%s\", got %s: %s\n", lh_errname(code), needle,
                    lh_errname(rc), err.msg);
    assert_int_equal(rc, code);
    assert_non_null(strstr(err.msg, needle));
    assert_null(out);
}

static void expect_bytes_valid(const uint8_t *buf, size_t len)
{
    lh_err err = {{0}};
    int rc = validate_entry(buf, len, ORIGIN, NULL, &err);
    if (rc != 0)
        print_error("%s: %s\n", lh_errname(rc), err.msg);
    assert_int_equal(rc, 0);
}

/* The draft, packed, checked against the log origin `origin` (may be NULL). */
static void expect_invalid_for(const draft *d, const char *origin, int code, const char *needle)
{
    size_t len;
    uint8_t *buf = pack_entry(&d->e, &len);
    expect_bytes_invalid(buf, len, origin, code, needle);
    free(buf);
}

static void expect_invalid(const draft *d, int code, const char *needle)
{
    expect_invalid_for(d, ORIGIN, code, needle);
}

static void expect_valid(const draft *d)
{
    size_t len;
    uint8_t *buf = pack_entry(&d->e, &len);
    expect_bytes_valid(buf, len);
    free(buf);
}

/* ------------------------------------------------------------------------
 * Limits.
 */

static void test_limits(void **state)
{
    (void)state;
    /* The arithmetic of entry.h, against protobuf-c's encoder: the largest
     * entry fills a leaf exactly when integrated_at takes 10 bytes. */
    uint8_t *big = calloc(1, ENTRY_MAX_SIZE + 1);
    uint8_t sig[ENTRY_SIG_BYTES] = {0};
    assert_non_null(big);
    Liuhen__SignedEntry se = LIUHEN__SIGNED_ENTRY__INIT;
    se.entry = bin(big, ENTRY_MAX_SIZE);
    se.signature = bin(sig, sizeof sig);
    size_t signed_len = liuhen__signed_entry__get_packed_size(&se);
    assert_int_equal(signed_len, ENTRY_SIGNED_MAX);
    assert_int_equal(ENTRY_SIGNED_SIZE(ENTRY_MAX_SIZE), ENTRY_SIGNED_MAX);

    uint8_t *sbuf = malloc(ENTRY_SIGNED_MAX + 16);
    assert_non_null(sbuf);
    assert_int_equal(liuhen__signed_entry__pack(&se, sbuf), signed_len);
    Liuhen__Leaf leaf = LIUHEN__LEAF__INIT;
    leaf.signed_entry = bin(sbuf, signed_len);
    leaf.integrated_at = -1; /* the longest varint */
    assert_int_equal(liuhen__leaf__get_packed_size(&leaf), ENTRY_LEAF_MAX);

    se.entry.len = ENTRY_MAX_SIZE + 1;
    leaf.signed_entry.len = liuhen__signed_entry__get_packed_size(&se);
    assert_int_equal(liuhen__leaf__get_packed_size(&leaf), ENTRY_LEAF_MAX + 1);

    /* Our encoders agree, and the largest entry makes a leaf with any
     * positive time. */
    size_t n;
    assert_int_equal(entry_signed_pack(big, ENTRY_MAX_SIZE, sig, sbuf, ENTRY_SIGNED_MAX, &n), 0);
    assert_int_equal(n, ENTRY_SIGNED_MAX);
    uint8_t *lbuf = malloc(ENTRY_LEAF_MAX);
    assert_non_null(lbuf);
    assert_int_equal(entry_leaf_pack(sbuf, n, INT64_MAX, lbuf, ENTRY_LEAF_MAX, &n), 0);
    assert_true(n <= ENTRY_LEAF_MAX);

    /* An entry that large can be signed and verified; one byte more cannot. */
    assert_int_equal(entry_sign(big, ENTRY_MAX_SIZE, sk, sig), 0);
    assert_int_equal(entry_verify(big, ENTRY_MAX_SIZE, sig, pk), 0);
    assert_int_equal(entry_sign(big, ENTRY_MAX_SIZE + 1, sk, sig), LH_ETOOBIG);
    assert_true(sodium_is_zero(sig, sizeof sig));
    assert_int_equal(entry_verify(big, ENTRY_MAX_SIZE + 1, sig, pk), LH_ETOOBIG);
    lh_err err;
    assert_int_equal(validate_entry(big, ENTRY_MAX_SIZE + 1, ORIGIN, NULL, &err), LH_ETOOBIG);
    assert_non_null(strstr(err.msg, "entry"));
    assert_int_equal(entry_signed_pack(big, ENTRY_MAX_SIZE + 1, sig, sbuf, ENTRY_SIGNED_MAX, &n),
                     LH_ETOOBIG);
    free(lbuf);
    free(sbuf);
    free(big);
}

/* ------------------------------------------------------------------------
 * Every kind: built, packed, signed, verified, validated, wrapped.
 */

static void test_every_kind_valid(void **state)
{
    (void)state;
    for (int k = LIUHEN__KIND__KIND_INTERFERENCE; k <= LIUHEN__KIND__KIND_APPROVAL; k++) {
        draft d;
        draft_init(&d, (Liuhen__Kind)k);
        size_t len;
        uint8_t *buf = pack_entry(&d.e, &len);

        uint8_t sig[ENTRY_SIG_BYTES];
        assert_int_equal(entry_sign(buf, len, sk, sig), 0);
        assert_int_equal(entry_verify(buf, len, sig, pk), 0);

        lh_err err = {{0}};
        Liuhen__Entry *out = NULL;
        int rc = validate_entry(buf, len, ORIGIN, &out, &err);
        if (rc != 0)
            print_error("%s: %s: %s\n", kind_name((Liuhen__Kind)k), lh_errname(rc), err.msg);
        assert_int_equal(rc, 0);
        assert_non_null(out);
        assert_int_equal(out->kind, k);
        assert_int_equal(out->author_seq, 2);
        ProtobufCMessage *body = entry_body_of(out);
        assert_non_null(body);
        assert_ptr_equal(body->descriptor, entry_body_of(&d.e)->descriptor);
        liuhen__entry__free_unpacked(out, NULL);
        /* Without an origin to compare with, and without out. */
        assert_int_equal(validate_entry(buf, len, NULL, NULL, NULL), 0);

        /* SignedEntry and Leaf round trips: the entry comes back as the
         * very bytes signed, inside the input. */
        uint8_t sbuf[4096], lbuf[4096];
        size_t slen, llen;
        assert_int_equal(entry_signed_pack(buf, len, sig, sbuf, sizeof sbuf, &slen), 0);
        const uint8_t *ep, *sp;
        size_t elen;
        assert_int_equal(entry_signed_unpack(sbuf, slen, &ep, &elen, &sp, NULL), 0);
        assert_int_equal(elen, len);
        assert_memory_equal(ep, buf, len);
        assert_true(ep > sbuf && ep < sbuf + slen);
        assert_memory_equal(sp, sig, sizeof sig);
        assert_int_equal(entry_verify(ep, elen, sp, pk), 0);

        assert_int_equal(entry_leaf_pack(sbuf, slen, T0 + k, lbuf, sizeof lbuf, &llen), 0);
        const uint8_t *inner;
        size_t inner_len;
        int64_t at;
        assert_int_equal(entry_leaf_unpack(lbuf, llen, &inner, &inner_len, &at, NULL), 0);
        assert_int_equal(inner_len, slen);
        assert_memory_equal(inner, sbuf, slen);
        assert_int_equal(at, T0 + k);
        free(buf);
    }
}

/* An incomplete record is a regulation finding (R1, B§3), not a reason to
 * refuse it: the verifier reports what is missing. */
static void test_interference_incomplete_is_valid(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    d.interference.place = "";
    d.interference.content = "";
    d.interference.person = NULL;
    d.interference.manner = LIUHEN__MANNER__MANNER_UNSPECIFIED;
    d.interference.occurred_at = 0;
    d.interference.reported_to = LIUHEN__REPORTED_TO__REPORTED_TO_UNSPECIFIED;
    expect_valid(&d);

    /* So is an empty body. */
    Liuhen__Interference empty = LIUHEN__INTERFERENCE__INIT;
    d.e.interference = &empty;
    expect_valid(&d);
}

/* ------------------------------------------------------------------------
 * Signatures.
 */

static void test_sig_input(void **state)
{
    (void)state;
    uint8_t out[64];
    size_t n;
    assert_int_equal(entry_sig_input((const uint8_t *)"abc", 3, out, sizeof out, &n), 0);
    assert_int_equal(n, 19);
    assert_memory_equal(out, "liuhen/entry/v1\nabc", 19);
    assert_int_equal(entry_sig_input((const uint8_t *)"abc", 3, out, 18, &n), LH_ELENGTH);
    assert_int_equal(n, 19);

    /* The signature covers the context: a bare Ed25519 signature of the
     * entry bytes is not an entry signature. */
    uint8_t sig[ENTRY_SIG_BYTES];
    crypto_sign_ed25519_detached(sig, NULL, (const uint8_t *)"abc", 3, sk);
    assert_int_equal(entry_verify((const uint8_t *)"abc", 3, sig, pk), LH_EBADSIG);
    crypto_sign_ed25519_detached(sig, NULL, out, 19, sk);
    assert_int_equal(entry_verify((const uint8_t *)"abc", 3, sig, pk), 0);
}

static void test_tamper(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_DECISION);
    size_t len;
    uint8_t *buf = pack_entry(&d.e, &len);
    uint8_t sig[ENTRY_SIG_BYTES];
    assert_int_equal(entry_sign(buf, len, sk, sig), 0);
    assert_int_equal(entry_verify(buf, len, sig, pk), 0);
    static const uint8_t masks[] = {0x01, 0x80};

    /* Every byte of the entry, each bit change at both ends of the byte. */
    for (size_t m = 0; m < sizeof masks; m++) {
        for (size_t i = 0; i < len; i++) {
            buf[i] ^= masks[m];
            assert_int_equal(entry_verify(buf, len, sig, pk), LH_EBADSIG);
            buf[i] ^= masks[m];
        }
    }
    /* One byte less or more. */
    assert_int_equal(entry_verify(buf, len - 1, sig, pk), LH_EBADSIG);
    buf[len] = 0;
    assert_int_equal(entry_verify(buf, len + 1, sig, pk), LH_EBADSIG);

    /* Every byte of the signature. */
    for (size_t i = 0; i < sizeof sig; i++) {
        sig[i] ^= 0x01;
        assert_int_equal(entry_verify(buf, len, sig, pk), LH_EBADSIG);
        sig[i] ^= 0x01;
    }

    /* Every byte of the SignedEntry: either it no longer decodes, or what
     * it decodes to no longer verifies. */
    uint8_t sbuf[4096];
    size_t slen;
    assert_int_equal(entry_signed_pack(buf, len, sig, sbuf, sizeof sbuf, &slen), 0);
    for (size_t m = 0; m < sizeof masks; m++) {
        for (size_t i = 0; i < slen; i++) {
            sbuf[i] ^= masks[m];
            const uint8_t *ep, *sp;
            size_t elen;
            int rc = entry_signed_unpack(sbuf, slen, &ep, &elen, &sp, NULL);
            assert_true(rc != 0 || entry_verify(ep, elen, sp, pk) == LH_EBADSIG);
            sbuf[i] ^= masks[m];
        }
    }
    free(buf);
}

static void test_wrong_key(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_COMPLAINT);
    size_t len;
    uint8_t *buf = pack_entry(&d.e, &len);
    uint8_t sig[ENTRY_SIG_BYTES];
    assert_int_equal(entry_sign(buf, len, sk, sig), 0);
    assert_int_equal(entry_verify(buf, len, sig, pk2), LH_EBADSIG);
    /* A small-order public key (the identity) accepts nothing. */
    uint8_t identity[ENTRY_KEY_BYTES] = {1};
    assert_int_equal(entry_verify(buf, len, sig, identity), LH_EBADSIG);
    assert_int_equal(entry_sign(buf, len, sk2, sig), 0);
    assert_int_equal(entry_verify(buf, len, sig, pk), LH_EBADSIG);
    assert_int_equal(entry_verify(buf, len, sig, pk2), 0);

    /* A secret key whose public half is not its seed's: the signer catches
     * its own bad signature and returns none. */
    uint8_t bad[ENTRY_SK_BYTES];
    memcpy(bad, sk, 32);
    memcpy(bad + 32, pk2, 32);
    assert_int_equal(entry_sign(buf, len, bad, sig), LH_EINTERNAL);
    assert_true(sodium_is_zero(sig, sizeof sig));
    free(buf);
}

/* ------------------------------------------------------------------------
 * Validation rules, each broken once.
 */

static void test_parse(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    size_t len;
    uint8_t *buf = pack_entry(&d.e, &len);
    expect_bytes_invalid(buf, len - 1, ORIGIN, LH_EPARSE, "entry");
    expect_bytes_invalid(buf, len / 2, ORIGIN, LH_EPARSE, "entry");
    expect_bytes_invalid((const uint8_t *)"\xff", 1, ORIGIN, LH_EPARSE, "entry");
    /* Nothing at all is a well-formed empty message, of no kind. */
    expect_bytes_invalid(buf, 0, ORIGIN, LH_EKIND, "kind");
    free(buf);
}

static void test_unknown_fields(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    size_t len;
    uint8_t *buf = pack_entry(&d.e, &len);
    /* Field 111, varint 1, appended to the top level. */
    memcpy(buf + len, "\xf8\x06\x01", 3);
    expect_bytes_invalid(buf, len + 3, ORIGIN, LH_EUNKNOWNFIELD,
                         "unknown field 111 in liuhen.Entry");
    free(buf);

    /* Field 99 inside a nested message, and inside an item of a list. */
    uint8_t one = 1;
    ProtobufCMessageUnknownField uf = {99, PROTOBUF_C_WIRE_TYPE_VARINT, 1, &one};
    d.person.base.n_unknown_fields = 1;
    d.person.base.unknown_fields = &uf;
    expect_invalid(&d, LH_EUNKNOWNFIELD, "interference.person: unknown field 99 in liuhen.Person");
    d.person.base.n_unknown_fields = 0;
    d.person.base.unknown_fields = NULL;

    draft_init(&d, LIUHEN__KIND__KIND_DECISION);
    d.responsible.base.n_unknown_fields = 1;
    d.responsible.base.unknown_fields = &uf;
    expect_invalid(&d, LH_EUNKNOWNFIELD, "decision.responsible[0]: unknown field 99");
}

static void test_kind_and_body(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    d.e.kind = LIUHEN__KIND__KIND_COMPLAINT;
    expect_invalid(&d, LH_EKIND, "kind is KIND_COMPLAINT but the body is interference");

    draft_init(&d, LIUHEN__KIND__KIND_COMPLAINT);
    d.e.body_case = LIUHEN__ENTRY__BODY__NOT_SET;
    expect_invalid(&d, LH_EKIND, "body: missing");

    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    d.e.kind = LIUHEN__KIND__KIND_UNSPECIFIED;
    expect_invalid(&d, LH_EKIND, "kind");
    d.e.kind = (Liuhen__Kind)99;
    expect_invalid(&d, LH_EKIND, "kind: 99");
}

static void test_origin(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    expect_invalid_for(&d, "other.example/log", LH_EORIGIN, "origin");

    d.e.origin = "";
    expect_invalid(&d, LH_EORIGIN, "origin");
    expect_invalid_for(&d, NULL, LH_EFIELD, "origin: required");
    /* An origin is a note key name (C2SP signed-note): no space, no '+'. */
    d.e.origin = "example.com/a+b";
    expect_invalid_for(&d, NULL, LH_EFIELD, "origin");
    d.e.origin = "example.com/a b";
    expect_invalid_for(&d, NULL, LH_EFIELD, "origin");
}

static void test_case_id(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    d.e.case_id = "QJ 2026-7";
    expect_invalid(&d, LH_EFIELD, "case_id");
    d.e.case_id = "QJ\xe3\x80\x80"
                  "2026-7"; /* U+3000 ideographic space */
    expect_invalid(&d, LH_EFIELD, "case_id");
    d.e.case_id = "QJ\xe2\x80\x8b"
                  "2026-7"; /* U+200B zero-width space */
    expect_invalid(&d, LH_EFIELD, "case_id");
    d.e.case_id = "QJ\t2026-7";
    expect_invalid(&d, LH_ECTRL, "case_id");
    d.e.case_id = "";
    expect_invalid(&d, LH_EFIELD, "case_id: required");

    char id[ENTRY_CASE_ID_MAX + 2];
    memset(id, 'X', sizeof id - 1);
    id[ENTRY_CASE_ID_MAX + 1] = '\0';
    d.e.case_id = id;
    expect_invalid(&d, LH_EFIELD, "case_id");
    id[ENTRY_CASE_ID_MAX] = '\0';
    expect_valid(&d);
    d.e.case_id = "黔应急-2026-7";
    expect_valid(&d);

    /* Key management belongs to no case. */
    draft_init(&d, LIUHEN__KIND__KIND_KEY_ENROLL);
    d.e.case_id = CASE_ID;
    expect_invalid(&d, LH_EFIELD, "case_id");
    d.e.case_id = "";
    d.e.case_prev = bin(d.case_prev, 32);
    expect_invalid(&d, LH_EFIELD, "case_prev");
}

static void test_header(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    d.e.author_key.len = 31;
    expect_invalid(&d, LH_EFIELD, "author_key");
    d.e.author_key.len = 0;
    expect_invalid(&d, LH_EFIELD, "author_key");
    d.e.author_key.len = 32;

    d.e.author_seq = 0;
    d.e.author_prev.len = 0;
    expect_invalid(&d, LH_EFIELD, "author_seq");
    d.e.author_seq = 1;
    expect_valid(&d);
    d.e.author_prev.len = 32;
    expect_invalid(&d, LH_EFIELD, "author_prev");
    d.e.author_seq = 2;
    d.e.author_prev.len = 0;
    expect_invalid(&d, LH_EFIELD, "author_prev");
    d.e.author_prev.len = 31;
    expect_invalid(&d, LH_EFIELD, "author_prev");
    d.e.author_prev.len = 32;

    d.e.case_prev = bin(d.case_prev, 31);
    expect_invalid(&d, LH_EFIELD, "case_prev");
    d.e.case_prev.len = 32;
    expect_valid(&d); /* an INTERFERENCE may also follow a case's head */

    d.e.recorded_at = 0;
    expect_invalid(&d, LH_EFIELD, "recorded_at");
    d.e.recorded_at = -T0;
    expect_invalid(&d, LH_EFIELD, "recorded_at");
    d.e.recorded_at = T0;

    d.e.n_refs = 2;
    d.refs[1].len = 31;
    expect_invalid(&d, LH_EFIELD, "refs[1]");
    d.refs[1].len = 0;
    expect_invalid(&d, LH_EFIELD, "refs[1]");
    d.refs[1].len = 32;
    expect_valid(&d);

    /* A kind that cannot open a case follows the case's head. */
    draft_init(&d, LIUHEN__KIND__KIND_REPLY);
    d.e.case_prev.len = 0;
    expect_invalid(&d, LH_EFIELD, "case_prev");
}

static void test_attachments(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INVESTIGATION_STEP);
    d.att.name = "";
    expect_invalid(&d, LH_EFIELD, "attachments[0].name");
    d.att.name = "../询问笔录.pdf";
    expect_invalid(&d, LH_EFIELD, "attachments[0].name");
    d.att.name = "..";
    expect_invalid(&d, LH_EFIELD, "attachments[0].name");
    d.att.name = "笔录\n.pdf";
    expect_invalid(&d, LH_ECTRL, "attachments[0].name");
    d.att.name = "询问笔录 (1).pdf";
    expect_valid(&d);

    d.att.sha256.len = 31;
    expect_invalid(&d, LH_EFIELD, "attachments[0].sha256");
    d.att.sha256.len = 0;
    expect_invalid(&d, LH_EFIELD, "attachments[0].sha256");
    d.att.sha256.len = 32;

    d.att.media_type = "";
    expect_invalid(&d, LH_EFIELD, "attachments[0].media_type");
    d.att.media_type = "pdf";
    expect_invalid(&d, LH_EFIELD, "attachments[0].media_type");
    d.att.media_type = "text/pla in";
    expect_invalid(&d, LH_EFIELD, "attachments[0].media_type");
    d.att.media_type = "/pdf";
    expect_invalid(&d, LH_EFIELD, "attachments[0].media_type");
    d.att.media_type = "text/plain; charset=utf-8";
    expect_valid(&d);
    d.att.media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    expect_valid(&d);

    Liuhen__Attachment *many[ENTRY_ATTACHMENTS_MAX + 1];
    for (size_t i = 0; i < ENTRY_ATTACHMENTS_MAX + 1; i++)
        many[i] = &d.att;
    d.e.attachments = many;
    d.e.n_attachments = ENTRY_ATTACHMENTS_MAX;
    expect_valid(&d);
    d.e.n_attachments = ENTRY_ATTACHMENTS_MAX + 1;
    expect_invalid(&d, LH_EFIELD, "attachments: 65 items");
}

static void test_text(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    d.person.name = "王\xff";
    expect_invalid(&d, LH_EUTF8, "interference.person.name");
    d.person.name = "\xc0\xaf"; /* overlong '/' */
    expect_invalid(&d, LH_EUTF8, "interference.person.name");
    d.person.name = "\xed\xa0\x80"; /* a surrogate */
    expect_invalid(&d, LH_EUTF8, "interference.person.name");
    d.person.name = "王\n某";
    expect_invalid(&d, LH_ECTRL, "interference.person.name");
    d.person.name = "王\t某";
    expect_invalid(&d, LH_ECTRL, "interference.person.name");
    d.person.name = "王某";

    /* Free text keeps its lines and tabs (the draft has both), nothing else. */
    d.interference.content = "a\x07"
                             "b";
    expect_invalid(&d, LH_ECTRL, "interference.content: control character U+0007 at byte 1");
    d.interference.content = "line\r\n";
    expect_invalid(&d, LH_ECTRL, "interference.content");
    d.interference.content = "del\x7f";
    expect_invalid(&d, LH_ECTRL, "interference.content");
    d.interference.content = "c1\xc2\x85";
    expect_invalid(&d, LH_ECTRL, "interference.content");
    d.interference.content = "已拒绝\xe2\x80\xae绝拒"; /* U+202E right-to-left override */
    expect_invalid(&d, LH_ECTRL, "interference.content");
    d.interference.content = "第一段\n\n第二段\t完";
    expect_valid(&d);

    /* In a repeated message. */
    d.other.unit = "执法\x01支队";
    expect_invalid(&d, LH_ECTRL, "interference.present[0].unit");
    d.other.unit = "执法支队";

    /* Lengths: short lines, free text. */
    char *text = malloc(ENTRY_FREE_TEXT_MAX + 2);
    assert_non_null(text);
    memset(text, 'x', ENTRY_FREE_TEXT_MAX + 1);
    text[ENTRY_SHORT_TEXT_MAX] = '\0';
    d.person.unit = text;
    expect_valid(&d);
    text[ENTRY_SHORT_TEXT_MAX] = 'x';
    text[ENTRY_SHORT_TEXT_MAX + 1] = '\0';
    expect_invalid(&d, LH_EFIELD, "interference.person.unit: 257 bytes");
    d.person.unit = "单位";
    text[ENTRY_SHORT_TEXT_MAX + 1] = 'x';
    text[ENTRY_FREE_TEXT_MAX] = '\0';
    d.interference.content = text;
    expect_valid(&d);
    text[ENTRY_FREE_TEXT_MAX] = 'x';
    text[ENTRY_FREE_TEXT_MAX + 1] = '\0';
    expect_invalid(&d, LH_EFIELD, "interference.content: 16385 bytes");
    free(text);

    /* A field path of a correction is an identifier. */
    draft_init(&d, LIUHEN__KIND__KIND_CORRECTION);
    d.change.field = "interference place";
    expect_invalid(&d, LH_EFIELD, "correction.changes[0].field");
}

static void test_enums(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_DECISION);
    d.sanctions[1] = (Liuhen__Sanction)99;
    expect_invalid(&d, LH_EFIELD,
                   "decision.responsible[0].sanctions[1]: 99 is not a value of liuhen.Sanction");
    d.sanctions[1] = (Liuhen__Sanction)-1;
    expect_invalid(&d, LH_EFIELD, "decision.responsible[0].sanctions[1]");
    d.sanctions[1] = LIUHEN__SANCTION__SANCTION_CIRCULATED_CRITICISM;
    d.decision.referral = (Liuhen__Referral)4;
    expect_invalid(&d, LH_EFIELD, "decision.referral");

    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    d.person.relation = (Liuhen__Relation)99;
    expect_invalid(&d, LH_EFIELD, "interference.person.relation");
    d.person.relation = LIUHEN__RELATION__RELATION_RETIRED;
    d.categories[0] = (Liuhen__InterferenceCategory)8;
    expect_invalid(&d, LH_EFIELD, "interference.categories[0]");
}

static void test_bytes_and_repeated(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_TRANSFER);
    d.transfer.complaint.len = 31;
    expect_invalid(&d, LH_EFIELD, "transfer.complaint");
    d.transfer.complaint.len = 0;
    expect_valid(&d); /* absent: R3/R4 are the verifier's */

    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    d.other.public_key.len = 5;
    expect_invalid(&d, LH_EFIELD, "interference.present[0].public_key");
    d.other.public_key.len = 32;

    Liuhen__InterferenceCategory many[ENTRY_REPEATED_MAX + 1];
    for (size_t i = 0; i < ENTRY_REPEATED_MAX + 1; i++)
        many[i] = LIUHEN__INTERFERENCE_CATEGORY__INTERFERENCE_CATEGORY_OTHER;
    d.interference.categories = many;
    d.interference.n_categories = ENTRY_REPEATED_MAX;
    expect_valid(&d);
    d.interference.n_categories = ENTRY_REPEATED_MAX + 1;
    expect_invalid(&d, LH_EFIELD, "interference.categories: 257 items");
}

static void test_kind_rules(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_KEY_ENROLL);
    d.enroll.public_key.len = 0;
    expect_invalid(&d, LH_EFIELD, "key_enroll.public_key");
    d.enroll.public_key.len = 31;
    expect_invalid(&d, LH_EFIELD, "key_enroll.public_key");
    d.enroll.public_key.len = 32;
    d.enroll.holder = "";
    expect_invalid(&d, LH_EFIELD, "key_enroll.holder");
    d.enroll.holder = "张三";
    d.enroll.n_roles = 0;
    expect_invalid(&d, LH_EFIELD, "key_enroll.roles");
    d.enroll.n_roles = 2;
    d.roles[1] = LIUHEN__ROLE__ROLE_UNSPECIFIED;
    expect_invalid(&d, LH_EFIELD, "key_enroll.roles[1]");
    d.roles[1] = (Liuhen__Role)7;
    expect_invalid(&d, LH_EFIELD, "key_enroll.roles[1]");

    draft_init(&d, LIUHEN__KIND__KIND_KEY_REVOKE);
    d.revoke.public_key.len = 0;
    expect_invalid(&d, LH_EFIELD, "key_revoke.public_key");

    draft_init(&d, LIUHEN__KIND__KIND_CORRECTION);
    d.correction.corrects.len = 0;
    expect_invalid(&d, LH_EFIELD, "correction.corrects");
}

static void test_oversize(void **state)
{
    (void)state;
    /* Four free texts at their limit: every field within bounds, the
     * entry as a whole too large for a leaf. */
    char *text = malloc(ENTRY_FREE_TEXT_MAX + 1);
    assert_non_null(text);
    memset(text, 'x', ENTRY_FREE_TEXT_MAX);
    text[ENTRY_FREE_TEXT_MAX] = '\0';
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_DECISION);
    Liuhen__ResponsiblePerson two = d.responsible;
    Liuhen__ResponsiblePerson *both[2] = {&d.responsible, &two};
    d.decision.summary = text;
    d.discussion.conclusion = text;
    d.responsible.responsibility = text;
    two.responsibility = text;
    d.decision.responsible = both;
    d.decision.n_responsible = 2;
    size_t len;
    uint8_t *buf = pack_entry(&d.e, &len);
    assert_true(len > ENTRY_MAX_SIZE);
    expect_bytes_invalid(buf, len, ORIGIN, LH_ETOOBIG, "entry");
    free(buf);
    d.decision.n_responsible = 1;
    expect_valid(&d);
    free(text);
}

/* Append the varint v to p, return its length. */
static size_t put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        p[n++] = (uint8_t)(v | 0x80);
    p[n++] = (uint8_t)v;
    return n;
}

/* An entry whose CASE_CLOSED body (field 32) is given as raw bytes. */
static void check_raw_case_closed(const uint8_t *body, size_t body_len, int code,
                                  const char *needle)
{
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_CASE_CLOSED);
    d.e.body_case = LIUHEN__ENTRY__BODY__NOT_SET;
    size_t len;
    uint8_t *head = pack_entry(&d.e, &len);
    uint8_t *buf = malloc(len + body_len + 16);
    assert_non_null(buf);
    memcpy(buf, head, len);
    size_t n = len;
    n += put_varint(buf + n, (32 << 3) | 2);
    n += put_varint(buf + n, body_len);
    memcpy(buf + n, body, body_len);
    n += body_len;
    if (code == 0) {
        expect_bytes_valid(buf, n);
    } else {
        expect_bytes_invalid(buf, n, ORIGIN, code, needle);
    }
    free(buf);
    free(head);
}

/* One record, one encoding: what protobuf would also accept, but another
 * reader might read differently, is refused. */
static void test_noncanonical(void **state)
{
    (void)state;
    uint8_t body[64];
    size_t n = 0;
    /* closed_at then summary "ok": the canonical form, accepted. */
    body[n++] = 0x08;
    n += put_varint(body + n, (uint64_t)T0);
    memcpy(body + n, "\x12\x02ok", 4);
    check_raw_case_closed(body, n + 4, 0, NULL);

    /* closed_at with a trailing zero group in its varint. */
    n = 0;
    body[n++] = 0x08;
    n += put_varint(body + n, (uint64_t)T0);
    body[n - 1] |= 0x80;
    body[n++] = 0x00;
    memcpy(body + n, "\x12\x02ok", 4);
    check_raw_case_closed(body, n + 4, LH_EPARSE, "canonical");

    /* Fields out of order. */
    n = 0;
    memcpy(body, "\x12\x02ok", 4);
    n = 4;
    body[n++] = 0x08;
    n += put_varint(body + n, (uint64_t)T0);
    check_raw_case_closed(body, n, LH_EPARSE, "canonical");

    /* A field twice (protobuf: the last one wins). */
    n = 0;
    body[n++] = 0x08;
    n += put_varint(body + n, (uint64_t)T0);
    memcpy(body + n, "\x12\x02no\x12\x02ok", 8);
    check_raw_case_closed(body, n + 8, LH_EPARSE, "canonical");

    /* A default written out: closed_at 0. */
    memcpy(body, "\x08\x00\x12\x02ok", 6);
    check_raw_case_closed(body, 6, LH_EPARSE, "canonical");

    /* A NUL inside a string: protobuf-c would read "o", others "o\0k". */
    memcpy(body, "\x12\x03o\x00k", 5);
    check_raw_case_closed(body, 5, LH_EPARSE, "canonical");

    /* A top-level field repeated after the body, with the same value. */
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    size_t len;
    uint8_t *buf = pack_entry(&d.e, &len);
    uint8_t *more = malloc(len + 64);
    assert_non_null(more);
    memcpy(more, buf, len);
    more[len] = 0x1a;
    more[len + 1] = (uint8_t)strlen(CASE_ID);
    memcpy(more + len + 2, CASE_ID, strlen(CASE_ID));
    expect_bytes_invalid(more, len + 2 + strlen(CASE_ID), ORIGIN, LH_EPARSE, "canonical");
    free(more);
    free(buf);
}

static void test_validate_out(void **state)
{
    (void)state;
    draft d;
    draft_init(&d, LIUHEN__KIND__KIND_INTERFERENCE);
    size_t len;
    uint8_t *buf = pack_entry(&d.e, &len);
    Liuhen__Entry *out = NULL;
    assert_int_equal(validate_entry(buf, len, ORIGIN, &out, NULL), 0);
    assert_non_null(out);
    /* The message owns its strings: it outlives the bytes. */
    free(buf);
    assert_string_equal(out->case_id, CASE_ID);
    assert_string_equal(out->interference->person->name, "王某");
    assert_int_equal(out->interference->n_categories, 2);
    Liuhen__Interference *body = (Liuhen__Interference *)entry_body_of(out);
    assert_ptr_equal(body, out->interference);
    liuhen__entry__free_unpacked(out, NULL);
    assert_null(entry_body_of(NULL));
}

/* ------------------------------------------------------------------------
 * SignedEntry and Leaf.
 */

static void test_signed_pack_unpack(void **state)
{
    (void)state;
    const uint8_t entry[] = "an entry";
    size_t elen = sizeof entry - 1;
    uint8_t sig[ENTRY_SIG_BYTES];
    for (size_t i = 0; i < sizeof sig; i++)
        sig[i] = (uint8_t)i;

    /* The same bytes as protobuf-c's encoder. */
    Liuhen__SignedEntry se = LIUHEN__SIGNED_ENTRY__INIT;
    se.entry = bin((uint8_t *)(uintptr_t)entry, elen);
    se.signature = bin(sig, sizeof sig);
    size_t want_len;
    uint8_t *want = pack_msg(&se.base, &want_len, 0);
    uint8_t buf[256];
    size_t n = 0;
    assert_int_equal(entry_signed_pack(entry, elen, sig, buf, sizeof buf, &n), 0);
    assert_int_equal(n, want_len);
    assert_memory_equal(buf, want, n);
    assert_int_equal(n, ENTRY_SIGNED_SIZE(elen));
    free(want);

    assert_int_equal(entry_signed_pack(entry, elen, sig, buf, n - 1, &n), LH_ELENGTH);
    assert_int_equal(n, ENTRY_SIGNED_SIZE(elen));
    assert_int_equal(entry_signed_pack(entry, 0, sig, buf, sizeof buf, &n), LH_EINVAL);

    const uint8_t *ep = NULL, *sp = NULL;
    size_t got = 0;
    assert_int_equal(entry_signed_unpack(buf, n, &ep, &got, &sp, NULL), 0);
    assert_ptr_equal(ep, buf + 2);
    assert_int_equal(got, elen);
    assert_ptr_equal(sp, buf + 2 + elen + 2);

    uint8_t bad[256];
    lh_err err;
    const uint8_t *keep = (const uint8_t *)"untouched";
#define EXPECT_SIGNED(b, blen, code, needle)                                                       \
    do {                                                                                           \
        ep = keep;                                                                                 \
        int rc_ = entry_signed_unpack((b), (blen), &ep, &got, &sp, &err);                          \
        if (rc_ != (code))                                                                         \
            print_error("%s: %s\n", lh_errname(rc_), err.msg);                                     \
        assert_int_equal(rc_, (code));                                                             \
        assert_non_null(strstr(err.msg, (needle)));                                                \
        assert_ptr_equal(ep, keep);                                                                \
    } while (0)

    /* A 63-byte and a 65-byte signature. */
    size_t m;
    Liuhen__SignedEntry short_sig = se;
    short_sig.signature.len = 63;
    m = liuhen__signed_entry__pack(&short_sig, bad);
    EXPECT_SIGNED(bad, m, LH_EFIELD, "signature");
    uint8_t sig65[65] = {0};
    short_sig.signature = bin(sig65, sizeof sig65);
    m = liuhen__signed_entry__pack(&short_sig, bad);
    EXPECT_SIGNED(bad, m, LH_EFIELD, "signature");

    /* An unknown field after, before or between. */
    memcpy(bad, buf, n);
    memcpy(bad + n, "\x18\x01", 2);
    EXPECT_SIGNED(bad, n + 2, LH_EUNKNOWNFIELD, "unknown field 3");
    memcpy(bad, "\x18\x01", 2);
    memcpy(bad + 2, buf, n);
    EXPECT_SIGNED(bad, n + 2, LH_EUNKNOWNFIELD, "unknown field 3");

    /* The signature twice, the signature first, the signature missing. */
    memcpy(bad, buf, n);
    memcpy(bad + n, buf + 2 + elen, 66);
    EXPECT_SIGNED(bad, n + 66, LH_EPARSE, "signature");
    memcpy(bad, buf + 2 + elen, 66);
    memcpy(bad + 66, buf, 2 + elen);
    EXPECT_SIGNED(bad, n, LH_EPARSE, "entry");
    EXPECT_SIGNED(buf, 2 + elen, LH_EPARSE, "signature: missing");

    /* An empty entry, a wrong wire type, a long length varint, truncation,
     * trailing bytes, nothing. */
    memcpy(bad, "\x0a\x00", 2);
    memcpy(bad + 2, buf + 2 + elen, 66);
    EXPECT_SIGNED(bad, 68, LH_EPARSE, "entry");
    memcpy(bad, "\x08\x01", 2);
    memcpy(bad + 2, buf + 2 + elen, 66);
    EXPECT_SIGNED(bad, 68, LH_EPARSE, "wire type");
    bad[0] = 0x0a;
    bad[1] = (uint8_t)(elen | 0x80);
    bad[2] = 0x00;
    memcpy(bad + 3, buf + 2, n - 2);
    EXPECT_SIGNED(bad, n + 1, LH_EPARSE, "varint");
    EXPECT_SIGNED(buf, n - 1, LH_EPARSE, "signature");
    memcpy(bad, buf, n);
    bad[n] = 0x00;
    EXPECT_SIGNED(bad, n + 1, LH_EPARSE, "field number");
    EXPECT_SIGNED(buf, 0, LH_EPARSE, "entry: missing");

    uint8_t *huge = calloc(1, ENTRY_SIGNED_MAX + 1);
    assert_non_null(huge);
    EXPECT_SIGNED(huge, ENTRY_SIGNED_MAX + 1, LH_ETOOBIG, "SignedEntry");
    free(huge);
#undef EXPECT_SIGNED
}

static void test_leaf(void **state)
{
    (void)state;
    const uint8_t signed_entry[] = "a signed entry";
    size_t slen = sizeof signed_entry - 1;

    Liuhen__Leaf leaf = LIUHEN__LEAF__INIT;
    leaf.signed_entry = bin((uint8_t *)(uintptr_t)signed_entry, slen);
    leaf.integrated_at = T0;
    size_t want_len;
    uint8_t *want = pack_msg(&leaf.base, &want_len, 0);
    uint8_t buf[256];
    size_t n;
    assert_int_equal(entry_leaf_pack(signed_entry, slen, T0, buf, sizeof buf, &n), 0);
    assert_int_equal(n, want_len);
    assert_memory_equal(buf, want, n);
    free(want);

    const uint8_t *sp;
    size_t got;
    int64_t at;
    assert_int_equal(entry_leaf_unpack(buf, n, &sp, &got, &at, NULL), 0);
    assert_ptr_equal(sp, buf + 2);
    assert_int_equal(got, slen);
    assert_int_equal(at, T0);

    assert_int_equal(entry_leaf_pack(signed_entry, slen, T0, buf, n - 1, &n), LH_ELENGTH);
    assert_int_equal(entry_leaf_pack(signed_entry, slen, 0, buf, sizeof buf, &n), LH_EINVAL);
    assert_int_equal(entry_leaf_pack(signed_entry, slen, -T0, buf, sizeof buf, &n), LH_EINVAL);
    assert_int_equal(entry_leaf_pack(signed_entry, 0, T0, buf, sizeof buf, &n), LH_EINVAL);

    /* The uint16 bound of entry bundles: with a 6-byte time, 65,524 bytes
     * of signed entry make a leaf of exactly 65,535 bytes. */
    uint8_t *big = calloc(1, ENTRY_LEAF_MAX + 16);
    uint8_t *lbuf = malloc(ENTRY_LEAF_MAX + 16);
    assert_non_null(big);
    assert_non_null(lbuf);
    assert_int_equal(entry_leaf_pack(big, 65524, T0, lbuf, ENTRY_LEAF_MAX + 16, &n), 0);
    assert_int_equal(n, ENTRY_LEAF_MAX);
    assert_int_equal(entry_leaf_unpack(lbuf, n, &sp, &got, &at, NULL), 0);
    assert_int_equal(got, 65524);
    assert_int_equal(entry_leaf_pack(big, 65525, T0, lbuf, ENTRY_LEAF_MAX + 16, &n), LH_ETOOBIG);
    assert_int_equal(entry_leaf_pack(big, 65530, T0, lbuf, ENTRY_LEAF_MAX + 16, &n), LH_ETOOBIG);
    assert_int_equal(entry_leaf_pack(big, 70000, T0, lbuf, ENTRY_LEAF_MAX + 16, &n), LH_ETOOBIG);
    lh_err err;
    assert_int_equal(entry_leaf_unpack(big, ENTRY_LEAF_MAX + 1, &sp, &got, &at, &err), LH_ETOOBIG);
    free(lbuf);
    free(big);

    /* Strict decoding. */
    uint8_t bad[256];
    assert_int_equal(entry_leaf_pack(signed_entry, slen, T0, buf, sizeof buf, &n), 0);
    memcpy(bad, buf, n);
    memcpy(bad + n, "\x18\x01", 2);
    assert_int_equal(entry_leaf_unpack(bad, n + 2, &sp, &got, &at, &err), LH_EUNKNOWNFIELD);
    memcpy(bad + n, "\x10\x01", 2);
    assert_int_equal(entry_leaf_unpack(bad, n + 2, &sp, &got, &at, &err), LH_EPARSE);
    assert_int_equal(entry_leaf_unpack(buf, 2 + slen, &sp, &got, &at, &err), LH_EPARSE);
    assert_non_null(strstr(err.msg, "integrated_at: missing"));
    memcpy(bad, buf, 2 + slen);
    memcpy(bad + 2 + slen, "\x10\x00", 2);
    assert_int_equal(entry_leaf_unpack(bad, 4 + slen, &sp, &got, &at, &err), LH_EFIELD);
    leaf.integrated_at = -1;
    size_t m = liuhen__leaf__pack(&leaf, bad);
    assert_int_equal(entry_leaf_unpack(bad, m, &sp, &got, &at, &err), LH_EFIELD);
    assert_non_null(strstr(err.msg, "integrated_at"));
    memcpy(bad, buf, n);
    bad[n - 1] |= 0x80;
    bad[n] = 0x00;
    assert_int_equal(entry_leaf_unpack(bad, n + 1, &sp, &got, &at, &err), LH_EPARSE);
    assert_int_equal(at, T0); /* unchanged on error */
}

static void expect_hex(const uint8_t hash[32], const char *hex)
{
    char got[65];
    sodium_bin2hex(got, sizeof got, hash, 32);
    assert_string_equal(got, hex);
}

static void test_hashes(void **state)
{
    (void)state;
    uint8_t h[32];
    /* RFC 6962: the hash of the empty leaf, SHA-256(0x00). */
    entry_leaf_hash((const uint8_t *)"", 0, h);
    expect_hex(h, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    /* The entry id is plain SHA-256 of the Entry bytes: FIPS 180-2 "abc". */
    entry_id((const uint8_t *)"abc", 3, h);
    expect_hex(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* A leaf hash is SHA-256 over the prefix and the leaf. */
    uint8_t prefixed[4] = {0x00, 'a', 'b', 'c'};
    uint8_t want[32];
    crypto_hash_sha256(want, prefixed, sizeof prefixed);
    entry_leaf_hash((const uint8_t *)"abc", 3, h);
    assert_memory_equal(h, want, 32);
}

/* ------------------------------------------------------------------------
 * Names and the role table.
 */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(kind_name(LIUHEN__KIND__KIND_INTERFERENCE), "INTERFERENCE");
    assert_string_equal(kind_name(LIUHEN__KIND__KIND_INVESTIGATION_STEP), "INVESTIGATION_STEP");
    assert_string_equal(kind_name(LIUHEN__KIND__KIND_UNSPECIFIED), "UNSPECIFIED");
    assert_string_equal(kind_name((Liuhen__Kind)99), "UNKNOWN");
    assert_string_equal(kind_label_zh(LIUHEN__KIND__KIND_INTERFERENCE), "干预插手记录");
    assert_string_equal(kind_label_zh(LIUHEN__KIND__KIND_COMPLAINT), "投诉举报登记");
    assert_string_equal(kind_label_zh(LIUHEN__KIND__KIND_REVIEW_ORDER), "责令重新调查");
    assert_string_equal(kind_label_zh(LIUHEN__KIND__KIND_CASE_CLOSED), "结案");

    assert_int_equal(kind_from_name("interference"), LIUHEN__KIND__KIND_INTERFERENCE);
    assert_int_equal(kind_from_name("investigation-step"), LIUHEN__KIND__KIND_INVESTIGATION_STEP);
    assert_int_equal(kind_from_name("INVESTIGATION_STEP"), LIUHEN__KIND__KIND_INVESTIGATION_STEP);
    assert_int_equal(kind_from_name("KIND_DECISION"), LIUHEN__KIND__KIND_DECISION);
    assert_int_equal(kind_from_name("kind-case-closed"), LIUHEN__KIND__KIND_CASE_CLOSED);
    assert_int_equal(kind_from_name("Key_Enroll"), LIUHEN__KIND__KIND_KEY_ENROLL);
    assert_int_equal(kind_from_name(""), LIUHEN__KIND__KIND_UNSPECIFIED);
    assert_int_equal(kind_from_name("KIND_"), LIUHEN__KIND__KIND_UNSPECIFIED);
    assert_int_equal(kind_from_name("interferences"), LIUHEN__KIND__KIND_UNSPECIFIED);
    assert_int_equal(kind_from_name("unspecified"), LIUHEN__KIND__KIND_UNSPECIFIED);
    assert_int_equal(kind_from_name(NULL), LIUHEN__KIND__KIND_UNSPECIFIED);

    /* Every kind liuhen.proto defines has a name, a label and a body, and
     * its name leads back to it. */
    const ProtobufCEnumDescriptor *kd = &liuhen__kind__descriptor;
    for (unsigned i = 0; i < kd->n_values; i++) {
        Liuhen__Kind k = (Liuhen__Kind)kd->values[i].value;
        if (k == LIUHEN__KIND__KIND_UNSPECIFIED)
            continue;
        assert_string_equal(kd->values[i].name + 5, kind_name(k));
        assert_int_equal(kind_from_name(kind_name(k)), k);
        /* The label is the schema's (proto/liuhen.proto's comment). */
        assert_string_equal(kind_label_zh(k), labels_enum_value(kd, (int)k));
        draft d;
        draft_init(&d, k);
        assert_non_null(entry_body_of(&d.e));
    }

    assert_string_equal(role_name(LIUHEN__ROLE__ROLE_HANDLER), "handler");
    assert_string_equal(role_label_zh(LIUHEN__ROLE__ROLE_HANDLER), "办案人员");
    assert_string_equal(role_label_zh(LIUHEN__ROLE__ROLE_LEGAL), "法规部门");
    assert_string_equal(role_label_zh(LIUHEN__ROLE__ROLE_LEADER), "局领导");
    assert_string_equal(role_label_zh(LIUHEN__ROLE__ROLE_INVESTIGATOR), "调查组成员");
    assert_string_equal(role_label_zh(LIUHEN__ROLE__ROLE_ADMIN), "系统管理员");
    assert_string_equal(role_label_zh(LIUHEN__ROLE__ROLE_UNSPECIFIED), "未指明角色");
    assert_string_equal(role_label_zh((Liuhen__Role)9), "未知角色");
    char text[128];
    uint32_t hl = ROLE_BIT(LIUHEN__ROLE__ROLE_HANDLER) | ROLE_BIT(LIUHEN__ROLE__ROLE_LEGAL);
    assert_string_equal(role_text(hl, false, text, sizeof text), "handler,legal");
    assert_string_equal(role_text(hl, true, text, sizeof text), "办案人员、法规部门");
    assert_string_equal(role_text(0, true, text, sizeof text), "无");
    assert_string_equal(role_text(0, false, text, sizeof text), "none");
    /* Cut at a whole role, never inside a label. */
    assert_string_equal(role_text(hl, true, text, 16), "办案人员");
    assert_string_equal(role_name((Liuhen__Role)9), "unknown");
    assert_int_equal(role_from_name("legal"), LIUHEN__ROLE__ROLE_LEGAL);
    assert_int_equal(role_from_name("LEADER"), LIUHEN__ROLE__ROLE_LEADER);
    assert_int_equal(role_from_name("ROLE_INVESTIGATOR"), LIUHEN__ROLE__ROLE_INVESTIGATOR);
    assert_int_equal(role_from_name("admin"), LIUHEN__ROLE__ROLE_ADMIN);
    assert_int_equal(role_from_name("root"), LIUHEN__ROLE__ROLE_UNSPECIFIED);
    const ProtobufCEnumDescriptor *rd = &liuhen__role__descriptor;
    for (unsigned i = 0; i < rd->n_values; i++) {
        Liuhen__Role r = (Liuhen__Role)rd->values[i].value;
        if (r != LIUHEN__ROLE__ROLE_UNSPECIFIED)
            assert_int_equal(role_from_name(rd->values[i].name), r);
    }

    Liuhen__Role roles[] = {LIUHEN__ROLE__ROLE_HANDLER, LIUHEN__ROLE__ROLE_UNSPECIFIED,
                            (Liuhen__Role)99, LIUHEN__ROLE__ROLE_LEGAL};
    assert_int_equal(role_mask(roles, 4),
                     ROLE_BIT(LIUHEN__ROLE__ROLE_HANDLER) | ROLE_BIT(LIUHEN__ROLE__ROLE_LEGAL));
}

static void test_role_table(void **state)
{
    (void)state;
    enum {
        AD = 1 << LIUHEN__ROLE__ROLE_ADMIN,
        HA = 1 << LIUHEN__ROLE__ROLE_HANDLER,
        LE = 1 << LIUHEN__ROLE__ROLE_LEGAL,
        LD = 1 << LIUHEN__ROLE__ROLE_LEADER,
        IN = 1 << LIUHEN__ROLE__ROLE_INVESTIGATOR,
        PR = 1 << LIUHEN__ROLE__ROLE_PRINCIPAL,
        ANY = AD | HA | LE | LD | IN | PR,
        LEADERS = LD | PR, /* the principal head is a leader too */
    };
    /* docs/design.md "Kinds and roles", column by column. */
    static const struct {
        Liuhen__Kind kind;
        unsigned roles;
        bool opens_case;
    } table[] = {
        {LIUHEN__KIND__KIND_INTERFERENCE, HA | LE, true},
        {LIUHEN__KIND__KIND_GUIDANCE, LEADERS | HA, true},
        {LIUHEN__KIND__KIND_COMPLAINT, LE, true},
        {LIUHEN__KIND__KIND_TRANSFER, LE, false},
        {LIUHEN__KIND__KIND_REPLY, LE, false},
        {LIUHEN__KIND__KIND_INVESTIGATION_ASSIGNED, LEADERS, false},
        {LIUHEN__KIND__KIND_INVESTIGATION_STEP, IN | LE, false},
        {LIUHEN__KIND__KIND_DECISION, LEADERS, false},
        {LIUHEN__KIND__KIND_REVIEW_ORDER, LEADERS, false},
        {LIUHEN__KIND__KIND_APPEAL, ANY, false},
        {LIUHEN__KIND__KIND_NOTIFICATION, LE | LEADERS, false},
        {LIUHEN__KIND__KIND_CORRECTION, ANY, false},
        {LIUHEN__KIND__KIND_CASE_CLOSED, LE | LEADERS, false},
        {LIUHEN__KIND__KIND_KEY_ENROLL, AD, false},
        {LIUHEN__KIND__KIND_KEY_REVOKE, AD, false},
        {LIUHEN__KIND__KIND_REPORT, HA | LE, false},
        {LIUHEN__KIND__KIND_RECOMMENDATION, LE, false},
        {LIUHEN__KIND__KIND_SUPERVISION_CHECK, LE, true},
        {LIUHEN__KIND__KIND_SERVICE, LE | LEADERS, false},
        {LIUHEN__KIND__KIND_APPROVAL, LEADERS, false},
    };
    assert_int_equal(ROLE_ALL, ANY);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        Liuhen__Kind k = table[i].kind;
        for (int r = LIUHEN__ROLE__ROLE_ADMIN; r <= LIUHEN__ROLE__ROLE_PRINCIPAL; r++) {
            bool want = (table[i].roles & (1u << r)) != 0;
            if (kind_allowed(k, ROLE_BIT(r), true) != want)
                fail_msg("%s by %s: expected %s", kind_name(k), role_name((Liuhen__Role)r),
                         want ? "allowed" : "refused");
            /* Only CORRECTION depends on whose entry it corrects. */
            bool other = k == LIUHEN__KIND__KIND_CORRECTION ? false : want;
            assert_int_equal(kind_allowed(k, ROLE_BIT(r), false), other);
        }
        /* A key with no role, or only ROLE_UNSPECIFIED, appends nothing. */
        assert_false(kind_allowed(k, 0, true));
        assert_false(kind_allowed(k, ROLE_BIT(LIUHEN__ROLE__ROLE_UNSPECIFIED), true));
        /* Any of several roles is enough. */
        assert_true(kind_allowed(k, ROLE_ALL, true));
        assert_int_equal(kind_opens_case(k), table[i].opens_case);
    }
    assert_false(kind_allowed(LIUHEN__KIND__KIND_UNSPECIFIED, ROLE_ALL, true));
    assert_false(kind_allowed((Liuhen__Kind)99, ROLE_ALL, true));
    assert_false(kind_opens_case(LIUHEN__KIND__KIND_UNSPECIFIED));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_every_kind_valid),
        cmocka_unit_test(test_interference_incomplete_is_valid),
        cmocka_unit_test(test_sig_input),
        cmocka_unit_test(test_tamper),
        cmocka_unit_test(test_wrong_key),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_kind_and_body),
        cmocka_unit_test(test_origin),
        cmocka_unit_test(test_case_id),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_attachments),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_bytes_and_repeated),
        cmocka_unit_test(test_kind_rules),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_noncanonical),
        cmocka_unit_test(test_validate_out),
        cmocka_unit_test(test_signed_pack_unpack),
        cmocka_unit_test(test_leaf),
        cmocka_unit_test(test_hashes),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_role_table),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
