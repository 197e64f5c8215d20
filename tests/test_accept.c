/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_accept.c — the acceptance rules (accept.h), directly, with a table:
 * each case sets up a key history and chain heads, builds one entry, names
 * the rule that judges it, and says what the verdict must be (reason, code,
 * the verifier's check, words of both sentences). liuhend's writer and
 * liuhen-verify call these very functions; their own tests check that they
 * call them, this one that the rules say what docs/design.md says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "accept.h"
#include "entry.h"
#include "keyring.h"
#include "role.h"
#include "testutil.h"

#define ORIGIN  "test.example/liuhen"
#define T0      INT64_C(1779000000000)
#define ROLE(r) ROLE_BIT(LIUHEN__ROLE__ROLE_##r)
#define KIND(k) LIUHEN__KIND__KIND_##k

/* The last byte of this file's key seeds (tu_key_make()). */
#define KEY_TAG 0x3C

/* The keys of the table: a handler (the default author), the log's, an
 * admin, a legal section member, a revoked handler, a key never enrolled. */
enum { K_HANDLER, K_LOG, K_ADMIN, K_LEGAL, K_REVOKED, K_STRANGER, K_COUNT };
static tu_key keys[K_COUNT];

/* Entry ids the cases name: the heads and a CORRECTION's target. */
static uint8_t id_a[32], id_b[32], id_c[32];

/* The key history every case starts from (committed): entry 0 enrols the
 * admin; entries 1 to 3 enrol the handler, the legal member and a handler
 * revoked at entry 4. */
static keyring *history(void)
{
    keyring *kr;
    assert_int_equal(keyring_new(&kr), 0);
    struct {
        int key;
        uint32_t roles;
        const char *holder;
    } enrol[] = {
        {K_ADMIN, ROLE(ADMIN), "管理员甲"},
        {K_HANDLER, ROLE(HANDLER), "张三"},
        {K_LEGAL, ROLE(LEGAL), "李四"},
        {K_REVOKED, ROLE(HANDLER), "王五"},
    };
    for (size_t i = 0; i < sizeof enrol / sizeof enrol[0]; i++) {
        Liuhen__Entry e = LIUHEN__ENTRY__INIT;
        Liuhen__KeyEnroll b = LIUHEN__KEY_ENROLL__INIT;
        Liuhen__Role roles[5];
        size_t n = 0;
        for (unsigned r = 1; r <= 5; r++)
            if (enrol[i].roles & ROLE_BIT(r))
                roles[n++] = (Liuhen__Role)r;
        b.public_key = (ProtobufCBinaryData){32, keys[enrol[i].key].pk};
        b.holder = (char *)enrol[i].holder;
        b.roles = roles;
        b.n_roles = n;
        e.kind = KIND(KEY_ENROLL);
        e.body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
        e.key_enroll = &b;
        assert_int_equal(keyring_stage(kr, &e, i, T0 + (int64_t)i), 0);
        keyring_commit(kr);
    }
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    Liuhen__KeyRevoke rv = LIUHEN__KEY_REVOKE__INIT;
    rv.public_key = (ProtobufCBinaryData){32, keys[K_REVOKED].pk};
    e.kind = KIND(KEY_REVOKE);
    e.body_case = LIUHEN__ENTRY__BODY_KEY_REVOKE;
    e.key_revoke = &rv;
    assert_int_equal(keyring_stage(kr, &e, 4, T0 + 4), 0);
    keyring_commit(kr);
    return kr;
}

/* Which rule a case asks. */
enum rule { R_ORIGIN, R_AUTHOR, R_CORRECTION, R_AUTHOR_CHAIN, R_CASE_CHAIN, R_KEY_CHANGE };

/* One case of the table. Unset fields mean: index 10, by the handler, an
 * INTERFERENCE in case QJ-1, origin ORIGIN, seq 1 without author_prev, no
 * case_prev, heads empty, the verdict written by liuhend (logged false). */
typedef struct tcase {
    const char *name;
    enum rule rule;
    bool genesis; /* the entry is entry 0 (else entry 10) */
    int author;
    Liuhen__Kind kind;
    const char *case_id;
    const char *origin;
    uint64_t seq;
    const uint8_t *author_prev, *case_prev;
    accept_head author_head, case_head;
    bool logged;
    /* KEY_ENROLL / KEY_REVOKE: the key; KEY_ENROLL: its roles. */
    int subject;
    uint32_t roles;
    /* CORRECTION: what the log holds under corrects (id_c). */
    bool target_found;
    bool target_unreadable;
    int target_author;
    const char *target_case;
    /* The verdict. */
    accept_reason reason;
    int code;
    const char *check;
    const char *en; /* a part of the English sentence */
    const char *zh; /* a part of the Chinese one */
} tcase;

static const tcase cases[] = {
    /* 1. Origin. */
    {.name = "this log's entry", .rule = R_ORIGIN},
    {.name = "another log's entry",
     .rule = R_ORIGIN,
     .origin = "other.example/log",
     .reason = ACCEPT_ORIGIN,
     .code = LH_EORIGIN,
     .check = "origin",
     .en = "for the log \"other.example/log\", not this log",
     .zh = "记录属于日志“other.example/log”"},

    /* 2. Who may append: the genesis rule. */
    {.name = "entry 0: the log key enrols an admin",
     .rule = R_AUTHOR,
     .genesis = true,
     .author = K_LOG,
     .kind = KIND(KEY_ENROLL),
     .subject = K_ADMIN,
     .roles = ROLE(ADMIN)},
    {.name = "entry 0 by another key",
     .rule = R_AUTHOR,
     .genesis = true,
     .author = K_ADMIN,
     .kind = KIND(KEY_ENROLL),
     .subject = K_ADMIN,
     .roles = ROLE(ADMIN),
     .reason = ACCEPT_GENESIS_AUTHOR,
     .code = LH_EUNKNOWNKEY,
     .check = "key",
     .en = "is not the log key",
     .zh = "第0号记录应由日志密钥签署"},
    {.name = "entry 0 not a KEY_ENROLL",
     .rule = R_AUTHOR,
     .genesis = true,
     .author = K_LOG,
     .kind = KIND(COMPLAINT),
     .reason = ACCEPT_GENESIS_KIND,
     .code = LH_EFIELD,
     .check = "key",
     .en = "not a COMPLAINT",
     .zh = "而非投诉举报登记"},
    {.name = "entry 0 enrols no admin",
     .rule = R_AUTHOR,
     .genesis = true,
     .author = K_LOG,
     .kind = KIND(KEY_ENROLL),
     .subject = K_ADMIN,
     .roles = ROLE(LEGAL),
     .reason = ACCEPT_GENESIS_ADMIN,
     .code = LH_EFIELD,
     .check = "key",
     .en = "must have the admin role",
     .zh = "没有管理员角色"},
    {.name = "the log key after entry 0",
     .rule = R_AUTHOR,
     .author = K_LOG,
     .kind = KIND(KEY_ENROLL),
     .subject = K_STRANGER,
     .roles = ROLE(HANDLER),
     .reason = ACCEPT_LOG_KEY,
     .code = LH_EPERM,
     .check = "key",
     .en = "the log key authors only the log's first entry",
     .zh = "日志密钥只签署第0号记录"},
    /* Keys and roles. */
    {.name = "an enrolled handler's INTERFERENCE", .rule = R_AUTHOR},
    {.name = "a key never enrolled",
     .rule = R_AUTHOR,
     .author = K_STRANGER,
     .reason = ACCEPT_UNKNOWN_KEY,
     .code = LH_EUNKNOWNKEY,
     .check = "key",
     .en = "is not enrolled",
     .zh = "未经登记"},
    {.name = "a revoked key",
     .rule = R_AUTHOR,
     .author = K_REVOKED,
     .reason = ACCEPT_REVOKED_KEY,
     .code = LH_EREVOKED,
     .check = "key",
     .en = "the key of 王五 was revoked at entry 4",
     .zh = "王五 的密钥已于第4号记录注销"},
    {.name = "a handler may not decide",
     .rule = R_AUTHOR,
     .kind = KIND(DECISION),
     .reason = ACCEPT_ROLE,
     .code = LH_EPERM,
     .check = "role",
     .en = "the key of 张三 (roles: handler) may not append a DECISION",
     .zh = "张三（角色：办案人员）无权作出处理决定记录"},
    {.name = "a handler may not enrol",
     .rule = R_AUTHOR,
     .kind = KIND(KEY_ENROLL),
     .subject = K_STRANGER,
     .roles = ROLE(HANDLER),
     .reason = ACCEPT_ROLE,
     .code = LH_EPERM,
     .check = "role",
     .en = "may not append a KEY_ENROLL"},
    {.name = "the legal section accepts a complaint",
     .rule = R_AUTHOR,
     .author = K_LEGAL,
     .kind = KIND(COMPLAINT)},
    {.name = "anyone corrects (its own: the next rule)",
     .rule = R_AUTHOR,
     .author = K_LEGAL,
     .kind = KIND(CORRECTION)},

    /* 3. CORRECTION. */
    {.name = "a correction of the author's own entry in its case",
     .rule = R_CORRECTION,
     .kind = KIND(CORRECTION),
     .target_found = true,
     .target_author = K_HANDLER,
     .target_case = "QJ-1"},
    {.name = "a correction of no earlier entry",
     .rule = R_CORRECTION,
     .kind = KIND(CORRECTION),
     .reason = ACCEPT_CORRECTS_MISSING,
     .code = LH_EFIELD,
     .check = "role",
     .en = "is the entry id of no earlier entry of this log",
     .zh = "不是本日志中在其之前的记录"},
    {.name = "a correction of an entry that does not parse",
     .rule = R_CORRECTION,
     .kind = KIND(CORRECTION),
     .target_found = true,
     .target_unreadable = true,
     .reason = ACCEPT_CORRECTS_UNREADABLE,
     .code = LH_EFIELD,
     .check = "role",
     .en = "entry 7 does not parse"},
    {.name = "a correction of another author's entry",
     .rule = R_CORRECTION,
     .kind = KIND(CORRECTION),
     .target_found = true,
     .target_author = K_LEGAL,
     .target_case = "QJ-1",
     .reason = ACCEPT_CORRECTS_OTHER,
     .code = LH_EPERM,
     .check = "role",
     .en = "entry 7 is by 李四",
     .zh = "记录人为 李四"},
    {.name = "a correction in another case than its entry (R11)",
     .rule = R_CORRECTION,
     .kind = KIND(CORRECTION),
     .target_found = true,
     .target_author = K_HANDLER,
     .target_case = "QJ-2",
     .reason = ACCEPT_CORRECTS_CASE,
     .code = LH_EFIELD,
     .check = "R11",
     .en = "belongs to case QJ-2, not QJ-1",
     .zh = "属于案件 QJ-2，而非 QJ-1"},
    {.name = "a correction of key management (R11)",
     .rule = R_CORRECTION,
     .kind = KIND(CORRECTION),
     .target_found = true,
     .target_author = K_HANDLER,
     .target_case = "",
     .reason = ACCEPT_CORRECTS_CASE,
     .code = LH_EFIELD,
     .check = "R11",
     .en = "belongs to no case"},

    /* 4a. The author chain. */
    {.name = "an author's first entry", .rule = R_AUTHOR_CHAIN, .seq = 1},
    {.name = "the next entry of the author",
     .rule = R_AUTHOR_CHAIN,
     .seq = 4,
     .author_prev = id_a,
     .author_head = {.count = 3, .index = 8}},
    {.name = "an author's first entry is not seq 1",
     .rule = R_AUTHOR_CHAIN,
     .seq = 3,
     .author_prev = id_a,
     .reason = ACCEPT_AUTHOR_FIRST,
     .code = LH_ECONFLICT,
     .check = "author-chain",
     .en = "has no entry in this log yet (the next is 1)"},
    {.name = "... and in a log, it says what is missing",
     .rule = R_AUTHOR_CHAIN,
     .seq = 3,
     .author_prev = id_a,
     .logged = true,
     .reason = ACCEPT_AUTHOR_FIRST,
     .code = LH_ECONFLICT,
     .check = "author-chain",
     .en = "the entries of seq 1 to 2 are missing",
     .zh = "序号 1 至 2 的记录缺失"},
    {.name = "a gap",
     .rule = R_AUTHOR_CHAIN,
     .seq = 6,
     .author_prev = id_a,
     .author_head = {.count = 3, .index = 8},
     .logged = true,
     .reason = ACCEPT_AUTHOR_GAP,
     .code = LH_ECONFLICT,
     .check = "author-chain",
     .en = "has seq 3 (entry 8): the entries of seq 4 to 5 are missing"},
    {.name = "a gap of one",
     .rule = R_AUTHOR_CHAIN,
     .seq = 5,
     .author_prev = id_a,
     .author_head = {.count = 3, .index = 8},
     .logged = true,
     .reason = ACCEPT_AUTHOR_GAP,
     .code = LH_ECONFLICT,
     .check = "author-chain",
     .en = "the entry of seq 4 is missing"},
    {.name = "a seq used twice: a fork",
     .rule = R_AUTHOR_CHAIN,
     .seq = 3,
     .author_prev = id_a,
     .author_head = {.count = 3, .index = 8},
     .logged = true,
     .reason = ACCEPT_AUTHOR_FORK,
     .code = LH_ECONFLICT,
     .check = "author-chain",
     .en = "fork: author_seq 3 was already used",
     .zh = "分叉"},
    {.name = "... which liuhend answers with the next seq",
     .rule = R_AUTHOR_CHAIN,
     .seq = 3,
     .author_prev = id_a,
     .author_head = {.count = 3, .index = 8},
     .reason = ACCEPT_AUTHOR_FORK,
     .code = LH_ECONFLICT,
     .check = "author-chain",
     .en = "the next is 4"},
    {.name = "author_prev is not the head's entry id",
     .rule = R_AUTHOR_CHAIN,
     .seq = 4,
     .author_prev = id_b,
     .author_head = {.count = 3, .index = 8},
     .reason = ACCEPT_AUTHOR_PREV,
     .code = LH_ECONFLICT,
     .check = "author-chain",
     .en = "the entry of 张三 with seq 3 (entry 8) has the entry id"},

    /* 4b. The case chain. */
    {.name = "a case opened", .rule = R_CASE_CHAIN},
    {.name = "the next entry of a case",
     .rule = R_CASE_CHAIN,
     .case_prev = id_a,
     .case_head = {.count = 2, .index = 9}},
    {.name = "key management belongs to no case",
     .rule = R_CASE_CHAIN,
     .kind = KIND(KEY_REVOKE),
     .case_id = "",
     .subject = K_HANDLER,
     .case_prev = id_b},
    {.name = "a kind that cannot open a case",
     .rule = R_CASE_CHAIN,
     .kind = KIND(REPLY),
     .case_prev = id_a,
     .reason = ACCEPT_CASE_OPEN,
     .code = LH_EFIELD,
     .check = "case-chain",
     .en = "a REPLY cannot open case QJ-1",
     .zh = "答复记录不能开启案件 QJ-1"},
    {.name = "case_prev on an empty case",
     .rule = R_CASE_CHAIN,
     .case_prev = id_a,
     .logged = true,
     .reason = ACCEPT_CASE_PREV_EMPTY,
     .code = LH_ECONFLICT,
     .check = "case-chain",
     .en = "case QJ-1 has no earlier entry in this log: the entry it names is missing"},
    {.name = "case_prev absent on a case with entries",
     .rule = R_CASE_CHAIN,
     .case_head = {.count = 2, .index = 9},
     .reason = ACCEPT_CASE_PREV_ABSENT,
     .code = LH_ECONFLICT,
     .check = "case-chain",
     .en = "case QJ-1 already has 2 entries (its head is entry 9)",
     .zh = "案件 QJ-1 已有 2 条记录"},
    {.name = "case_prev is not the head's entry id",
     .rule = R_CASE_CHAIN,
     .case_prev = id_b,
     .case_head = {.count = 2, .index = 9},
     .reason = ACCEPT_CASE_PREV,
     .code = LH_ECONFLICT,
     .check = "case-chain",
     .en = "but the head of case QJ-1 is entry 9 (entry id"},

    /* 5. Key changes. */
    {.name = "an admin enrols a new key",
     .rule = R_KEY_CHANGE,
     .author = K_ADMIN,
     .kind = KIND(KEY_ENROLL),
     .subject = K_STRANGER,
     .roles = ROLE(HANDLER)},
    {.name = "enrolling an enrolled key again changes its roles",
     .rule = R_KEY_CHANGE,
     .author = K_ADMIN,
     .kind = KIND(KEY_ENROLL),
     .subject = K_HANDLER,
     .roles = ROLE(LEGAL)},
    {.name = "the log key is never enrolled",
     .rule = R_KEY_CHANGE,
     .author = K_ADMIN,
     .kind = KIND(KEY_ENROLL),
     .subject = K_LOG,
     .roles = ROLE(HANDLER),
     .reason = ACCEPT_ENROLL_LOG_KEY,
     .code = LH_EFIELD,
     .check = "key",
     .en = "is the log key"},
    {.name = "a revoked key is never enrolled again",
     .rule = R_KEY_CHANGE,
     .author = K_ADMIN,
     .kind = KIND(KEY_ENROLL),
     .subject = K_REVOKED,
     .roles = ROLE(HANDLER),
     .reason = ACCEPT_ENROLL_REVOKED,
     .code = LH_EFIELD,
     .check = "key",
     .en = "the key of 王五 was revoked at entry 4 and cannot be enrolled again"},
    {.name = "the last admin keeps the admin role",
     .rule = R_KEY_CHANGE,
     .author = K_ADMIN,
     .kind = KIND(KEY_ENROLL),
     .subject = K_ADMIN,
     .roles = ROLE(LEGAL),
     .reason = ACCEPT_LAST_ADMIN,
     .code = LH_EFIELD,
     .check = "key",
     .en = "管理员甲 holds the last admin key",
     .zh = "最后一把管理员密钥"},
    {.name = "the last admin is not revoked",
     .rule = R_KEY_CHANGE,
     .author = K_ADMIN,
     .kind = KIND(KEY_REVOKE),
     .subject = K_ADMIN,
     .reason = ACCEPT_LAST_ADMIN,
     .code = LH_EFIELD,
     .check = "key",
     .en = "cannot be revoked (enrol another admin first)"},
    {.name = "a key never enrolled is not revoked",
     .rule = R_KEY_CHANGE,
     .author = K_ADMIN,
     .kind = KIND(KEY_REVOKE),
     .subject = K_STRANGER,
     .reason = ACCEPT_REVOKE_UNKNOWN,
     .code = LH_EFIELD,
     .check = "key",
     .en = "is not an enrolled key",
     .zh = "未曾登记"},
    {.name = "a revoked key is not revoked again",
     .rule = R_KEY_CHANGE,
     .author = K_ADMIN,
     .kind = KIND(KEY_REVOKE),
     .subject = K_REVOKED,
     .reason = ACCEPT_REVOKE_AGAIN,
     .code = LH_EFIELD,
     .check = "key",
     .en = "was already revoked at entry 4"},
    {.name = "a handler revoked",
     .rule = R_KEY_CHANGE,
     .author = K_ADMIN,
     .kind = KIND(KEY_REVOKE),
     .subject = K_HANDLER},
    {.name = "other kinds change no key", .rule = R_KEY_CHANGE},
};

/* Run one case of the table. */
static void run_case(keyring *kr, const tcase *t)
{
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    Liuhen__Interference body = LIUHEN__INTERFERENCE__INIT;
    Liuhen__Correction corr = LIUHEN__CORRECTION__INIT;
    Liuhen__KeyEnroll enr = LIUHEN__KEY_ENROLL__INIT;
    Liuhen__KeyRevoke rev = LIUHEN__KEY_REVOKE__INIT;
    Liuhen__Role roles[5];
    e.origin = (char *)(t->origin != NULL ? t->origin : ORIGIN);
    e.kind = t->kind != 0 ? t->kind : KIND(INTERFERENCE);
    e.case_id = (char *)(t->case_id != NULL ? t->case_id : "QJ-1");
    e.author_key = (ProtobufCBinaryData){32, keys[t->author].pk};
    e.author_seq = t->seq != 0 ? t->seq : 1;
    if (t->author_prev != NULL)
        e.author_prev = (ProtobufCBinaryData){32, (uint8_t *)t->author_prev};
    if (t->case_prev != NULL)
        e.case_prev = (ProtobufCBinaryData){32, (uint8_t *)t->case_prev};
    e.recorded_at = T0;
    switch (e.kind) {
    case KIND(CORRECTION):
        corr.corrects = (ProtobufCBinaryData){32, id_c};
        e.body_case = LIUHEN__ENTRY__BODY_CORRECTION;
        e.correction = &corr;
        break;
    case KIND(KEY_ENROLL): {
        size_t n = 0;
        for (unsigned r = 1; r <= 5; r++)
            if (t->roles & ROLE_BIT(r))
                roles[n++] = (Liuhen__Role)r;
        enr.public_key = (ProtobufCBinaryData){32, keys[t->subject].pk};
        enr.holder = "新人";
        enr.roles = roles;
        enr.n_roles = n;
        e.case_id = "";
        e.body_case = LIUHEN__ENTRY__BODY_KEY_ENROLL;
        e.key_enroll = &enr;
        break;
    }
    case KIND(KEY_REVOKE):
        rev.public_key = (ProtobufCBinaryData){32, keys[t->subject].pk};
        e.case_id = "";
        e.body_case = LIUHEN__ENTRY__BODY_KEY_REVOKE;
        e.key_revoke = &rev;
        break;
    default:
        /* Only the kind matters to the rules; any body will do. */
        e.body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
        e.interference = &body;
        break;
    }
    accept_ctx cx = {.log_key = keys[K_LOG].pk,
                     .origin = ORIGIN,
                     .keys = kr,
                     .index = t->genesis ? 0 : 10,
                     .logged = t->logged};
    accept_head ah = t->author_head, ch = t->case_head;
    memcpy(ah.id, id_a, 32);
    memcpy(ch.id, id_a, 32);
    accept_target target = {.found = t->target_found,
                            .index = 7,
                            .author_key = t->target_unreadable ? NULL : keys[t->target_author].pk,
                            .case_id = t->target_case};
    accept_verdict v;
    memset(&v, 0x5A, sizeof v); /* every field is written */
    int rc = 0;
    switch (t->rule) {
    case R_ORIGIN: rc = accept_origin(&cx, &e, &v); break;
    case R_AUTHOR: rc = accept_author(&cx, &e, &v); break;
    case R_CORRECTION:
        rc = accept_correction(&cx, e.author_key.data, e.case_id, id_c, &target, &v);
        break;
    case R_AUTHOR_CHAIN: rc = accept_author_chain(&cx, &e, &ah, &v); break;
    case R_CASE_CHAIN: rc = accept_case_chain(&cx, &e, &ch, &v); break;
    case R_KEY_CHANGE: rc = accept_key_change(&cx, &e, &v); break;
    }
    if (rc != t->code || v.code != t->code || v.reason != t->reason)
        fail_msg("%s: code %s (verdict %s), reason %d; want %s, reason %d: %s", t->name,
                 lh_errname(rc), lh_errname(v.code), (int)v.reason, lh_errname(t->code),
                 (int)t->reason, v.en);
    if (t->code == 0) {
        assert_null(v.check);
        assert_string_equal(v.en, "");
        assert_string_equal(v.zh, "");
        return;
    }
    assert_non_null(v.check);
    if (strcmp(v.check, t->check) != 0)
        fail_msg("%s: check \"%s\", want \"%s\"", t->name, v.check, t->check);
    if (t->en != NULL && strstr(v.en, t->en) == NULL)
        fail_msg("%s: \"%s\" does not say \"%s\"", t->name, v.en, t->en);
    if (t->zh != NULL && strstr(v.zh, t->zh) == NULL)
        fail_msg("%s: \"%s\" does not say \"%s\"", t->name, v.zh, t->zh);
    /* Both sentences, whole UTF-8 text. */
    assert_true(v.zh[0] != '\0' && v.en[0] != '\0');
    assert_true(strlen(v.zh) < ACCEPT_TEXT_MAX && strlen(v.en) < ACCEPT_TEXT_MAX);
}

static void test_table(void **state)
{
    (void)state;
    keyring *kr = history();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(kr, &cases[i]);
    keyring_free(kr);
}

/* Names in sentences: the holder, the log key, or the key in base64. */
static void test_key_names(void **state)
{
    (void)state;
    keyring *kr = history();
    accept_ctx cx = {.log_key = keys[K_LOG].pk, .origin = ORIGIN, .keys = kr};
    char name[ACCEPT_NAME_MAX];
    assert_string_equal(accept_key_name(&cx, keys[K_HANDLER].pk, name, sizeof name), "张三");
    assert_string_equal(accept_key_name(&cx, keys[K_LOG].pk, name, sizeof name),
                        ORIGIN " (log key)");
    char b64[64];
    sodium_bin2base64(b64, sizeof b64, keys[K_STRANGER].pk, 32, sodium_base64_VARIANT_ORIGINAL);
    assert_string_equal(accept_key_name(&cx, keys[K_STRANGER].pk, name, sizeof name), b64);
    keyring_free(kr);
}

/* A key change staged in a batch is seen by the next entry's rules. */
static void test_staged_changes(void **state)
{
    (void)state;
    keyring *kr = history();
    accept_ctx cx = {.log_key = keys[K_LOG].pk, .origin = ORIGIN, .keys = kr, .index = 11};
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    Liuhen__KeyRevoke rv = LIUHEN__KEY_REVOKE__INIT;
    rv.public_key = (ProtobufCBinaryData){32, keys[K_HANDLER].pk};
    e.kind = KIND(KEY_REVOKE);
    e.body_case = LIUHEN__ENTRY__BODY_KEY_REVOKE;
    e.key_revoke = &rv;
    e.author_key = (ProtobufCBinaryData){32, keys[K_ADMIN].pk};
    e.origin = ORIGIN;
    e.case_id = "";
    accept_verdict v;
    assert_int_equal(accept_key_change(&cx, &e, &v), 0);
    assert_int_equal(keyring_stage(kr, &e, 11, T0 + 11), 0);
    /* The handler's next entry, in the same batch, is refused. */
    Liuhen__Entry h = LIUHEN__ENTRY__INIT;
    Liuhen__Interference body = LIUHEN__INTERFERENCE__INIT;
    h.kind = KIND(INTERFERENCE);
    h.body_case = LIUHEN__ENTRY__BODY_INTERFERENCE;
    h.interference = &body;
    h.author_key = (ProtobufCBinaryData){32, keys[K_HANDLER].pk};
    h.origin = ORIGIN;
    h.case_id = "QJ-1";
    cx.index = 12;
    assert_int_equal(accept_author(&cx, &h, &v), LH_EREVOKED);
    assert_non_null(strstr(v.en, "revoked at entry 11"));
    /* Rolled back, it never happened. */
    keyring_rollback(kr);
    assert_int_equal(accept_author(&cx, &h, &v), 0);
    keyring_free(kr);
}

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    for (int k = 0; k < K_COUNT; k++)
        tu_key_make(&keys[k], (uint32_t)k + 1, KEY_TAG);
    memset(id_a, 0xA1, sizeof id_a);
    memset(id_b, 0xB2, sizeof id_b);
    memset(id_c, 0xC3, sizeof id_c);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_key_names),
        cmocka_unit_test(test_staged_changes),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
