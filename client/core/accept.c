/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * accept.c — the acceptance rules of accept.h.
 *
 * Every sentence names the entry's author as the keyring knows it at this
 * index, ids and keys in base64 (as every liuhen output shows them), kinds
 * and roles by their names in English and by the schema's labels in
 * Chinese.
 */
#include "accept.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kind.h"
#include "role.h"
#include "text.h"

#define B64_32 TEXT_B64_LEN(32)

static void b64(char out[B64_32], const uint8_t bytes[32])
{
    text_b64_encode(out, bytes, 32);
}

static int pass(accept_verdict *v)
{
    v->reason = ACCEPT_OK;
    v->code = 0;
    v->check = NULL;
    v->zh[0] = v->en[0] = '\0';
    return 0;
}

/* Refuse with a reason, its code and its check; zh() and en() wrote the
 * sentences before. */
static int refuse(accept_verdict *v, accept_reason reason, int code, const char *check)
{
    v->reason = reason;
    v->code = code;
    v->check = check;
    return code;
}

/* One of a verdict's sentences, cut at a character boundary to fit. */
__attribute__((format(printf, 3, 0))) static void sentence(char *dst, size_t cap, const char *fmt,
                                                           va_list ap)
{
    char buf[ACCEPT_TEXT_MAX * 2];
    vsnprintf(buf, sizeof buf, fmt, ap);
    text_copy_cut(dst, cap, buf);
}

__attribute__((format(printf, 2, 3))) static void zh(accept_verdict *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sentence(v->zh, sizeof v->zh, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void en(accept_verdict *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sentence(v->en, sizeof v->en, fmt, ap);
    va_end(ap);
}

const char *accept_key_name(const accept_ctx *cx, const uint8_t key[32], char *out, size_t cap)
{
    if (memcmp(key, cx->log_key, 32) == 0) {
        snprintf(out, cap, "%s (log key)", cx->origin);
        return out;
    }
    const keyring_key *k = keyring_find(cx->keys, key);
    if (k != NULL && k->holder[0] != '\0') {
        snprintf(out, cap, "%s", k->holder);
        return out;
    }
    char k64[B64_32];
    b64(k64, key);
    snprintf(out, cap, "%s", k64);
    return out;
}

/* The author's name, for the sentences. */
static const char *author_of(const accept_ctx *cx, const Liuhen__Entry *e,
                             char buf[ACCEPT_NAME_MAX])
{
    return accept_key_name(cx, e->author_key.data, buf, ACCEPT_NAME_MAX);
}

int accept_origin(const accept_ctx *cx, const Liuhen__Entry *e, accept_verdict *v)
{
    if (strcmp(e->origin, cx->origin) == 0)
        return pass(v);
    /* The origin received is shown cut: it could hold anything a log
     * accepted as UTF-8 text. */
    char shown[64];
    text_copy_cut(shown, sizeof shown, e->origin);
    zh(v, "记录属于日志“%s”，而非本日志“%s”", shown, cx->origin);
    en(v, "origin: the entry is for the log \"%s\", not this log \"%s\"", shown, cx->origin);
    return refuse(v, ACCEPT_ORIGIN, LH_EORIGIN, "origin");
}

/* docs/design.md "Kinds and roles": the first entry enrols the first admin and is signed
 * by the log's own key, so that an inspector who trusts the log key can
 * check the whole key history from entry 0. */
static int genesis(const accept_ctx *cx, const Liuhen__Entry *e, accept_verdict *v)
{
    char k64[B64_32];
    b64(k64, e->author_key.data);
    if (memcmp(e->author_key.data, cx->log_key, 32) != 0) {
        zh(v, "第0号记录应由日志密钥签署、登记首位管理员，但其记录人公钥为 %s", k64);
        en(v,
           "author_key %s is not the log key: the first entry of a log is the KEY_ENROLL of the "
           "first admin, authored by the log key",
           k64);
        return refuse(v, ACCEPT_GENESIS_AUTHOR, LH_EUNKNOWNKEY, "key");
    }
    if (e->kind != LIUHEN__KIND__KIND_KEY_ENROLL) {
        zh(v, "第0号记录应为首位管理员的密钥登记，而非%s", kind_label_zh(e->kind));
        en(v,
           "kind: the first entry of the log must be the KEY_ENROLL of the first admin, not a %s",
           kind_name(e->kind));
        return refuse(v, ACCEPT_GENESIS_KIND, LH_EFIELD, "key");
    }
    uint32_t roles = role_mask(e->key_enroll->roles, e->key_enroll->n_roles);
    if ((roles & ROLE_BIT(LIUHEN__ROLE__ROLE_ADMIN)) == 0) {
        zh(v, "第0号记录登记的首个密钥没有管理员角色");
        en(v, "key_enroll.roles: the first key enrolled must have the admin role");
        return refuse(v, ACCEPT_GENESIS_ADMIN, LH_EFIELD, "key");
    }
    return pass(v);
}

int accept_author(const accept_ctx *cx, const Liuhen__Entry *e, accept_verdict *v)
{
    if (cx->index == 0)
        return genesis(cx, e, v);
    char name[ACCEPT_NAME_MAX], k64[B64_32];
    if (memcmp(e->author_key.data, cx->log_key, 32) == 0) {
        zh(v, "日志密钥只签署第0号记录，不得作出%s记录", kind_label_zh(e->kind));
        en(v,
           "author_key: the log key authors only the log's first entry (the first admin's "
           "KEY_ENROLL), not a %s",
           kind_name(e->kind));
        return refuse(v, ACCEPT_LOG_KEY, LH_EPERM, "key");
    }
    const keyring_key *k = keyring_find(cx->keys, e->author_key.data);
    if (k == NULL) {
        b64(k64, e->author_key.data);
        zh(v, "记录人公钥 %s 在第%" PRIu64 "号记录时未经登记", k64, cx->index);
        en(v, "author_key %s is not enrolled%s", k64, cx->logged ? " at this entry" : "");
        return refuse(v, ACCEPT_UNKNOWN_KEY, LH_EUNKNOWNKEY, "key");
    }
    if (k->revoked) {
        zh(v, "%s 的密钥已于第%" PRIu64 "号记录注销", k->holder, k->revoked_index);
        en(v, "the key of %s was revoked at entry %" PRIu64, k->holder, k->revoked_index);
        return refuse(v, ACCEPT_REVOKED_KEY, LH_EREVOKED, "key");
    }
    /* A CORRECTION is "the original author"'s (accept_correction()): its
     * roles are checked here as if it were. */
    if (!kind_allowed(e->kind, k->roles, true)) {
        char rz[160], re[160];
        role_text(k->roles, true, rz, sizeof rz);
        role_text(k->roles, false, re, sizeof re);
        zh(v, "%s（角色：%s）无权作出%s记录", author_of(cx, e, name), rz, kind_label_zh(e->kind));
        en(v, "the key of %s (roles: %s) may not append a %s", author_of(cx, e, name), re,
           kind_name(e->kind));
        return refuse(v, ACCEPT_ROLE, LH_EPERM, "role");
    }
    return pass(v);
}

int accept_correction(const accept_ctx *cx, const uint8_t author_key[32], const char *case_id,
                      const uint8_t corrects[ENTRY_ID_BYTES], const accept_target *t,
                      accept_verdict *v)
{
    char c64[B64_32], name[ACCEPT_NAME_MAX];
    b64(c64, corrects);
    if (!t->found) {
        zh(v, "更正记录所更正的记录 %s 不是本日志中在其之前的记录", c64);
        en(v, "correction.corrects: %s is the entry id of no earlier entry of this log", c64);
        return refuse(v, ACCEPT_CORRECTS_MISSING, LH_EFIELD, "role");
    }
    if (t->author_key == NULL) {
        zh(v, "更正记录所更正的第%" PRIu64 "号记录无法解析，无从核对其记录人", t->index);
        en(v,
           "correction.corrects: entry %" PRIu64 " does not parse, so its author cannot be "
           "the corrector",
           t->index);
        return refuse(v, ACCEPT_CORRECTS_UNREADABLE, LH_EFIELD, "role");
    }
    /* docs/design.md "Kinds and roles": a CORRECTION is appended by the original author. */
    if (memcmp(t->author_key, author_key, 32) != 0) {
        accept_key_name(cx, t->author_key, name, sizeof name);
        zh(v, "更正记录只能更正本人的记录，但所更正的第%" PRIu64 "号记录的记录人为 %s", t->index,
           name);
        en(v,
           "a CORRECTION may correct only its author's own entries, but entry %" PRIu64 " is by %s",
           t->index, name);
        return refuse(v, ACCEPT_CORRECTS_OTHER, LH_EPERM, "role");
    }
    /* R11 (B§3 如实记录): the correction stays in the case of what it
     * corrects, so that the case's history shows both. */
    const char *tcase = t->case_id != NULL ? t->case_id : "";
    if (strcmp(tcase, case_id) != 0) {
        if (tcase[0] == '\0') {
            zh(v, "更正记录所更正的第%" PRIu64 "号记录不属于任何案件；更正应留在原记录的案件中",
               t->index);
            en(v,
               "correction.corrects: entry %" PRIu64 " belongs to no case; a correction stays "
               "in the case of the entry it corrects (R11)",
               t->index);
        } else {
            zh(v,
               "更正记录所更正的第%" PRIu64 "号记录属于案件 %s，而非 %s；更正应留在原记录的案件中",
               t->index, tcase, case_id);
            en(v,
               "correction.corrects: entry %" PRIu64 " belongs to case %s, not %s; a "
               "correction stays in the case of the entry it corrects (R11)",
               t->index, tcase, case_id);
        }
        return refuse(v, ACCEPT_CORRECTS_CASE, LH_EFIELD, "R11");
    }
    return pass(v);
}

/* "the entries of seq 4 to 6 are missing" / "the entry of seq 4 is missing". */
static void missing_seqs(char *zhb, char *enb, size_t cap, uint64_t from, uint64_t to)
{
    if (from == to) {
        snprintf(zhb, cap, "序号 %" PRIu64 " 的记录缺失", from);
        snprintf(enb, cap, "the entry of seq %" PRIu64 " is missing", from);
    } else {
        snprintf(zhb, cap, "序号 %" PRIu64 " 至 %" PRIu64 " 的记录缺失", from, to);
        snprintf(enb, cap, "the entries of seq %" PRIu64 " to %" PRIu64 " are missing", from, to);
    }
}

/* docs/design.md "Entries": an author's entries form a hash chain, author_seq 1,
 * 2, 3 ... each naming the previous one's entry id in author_prev, so that
 * a dropped entry breaks the next link and two entries with one author_seq
 * are a fork. */
int accept_author_chain(const accept_ctx *cx, const Liuhen__Entry *e, const accept_head *h,
                        accept_verdict *v)
{
    char name[ACCEPT_NAME_MAX], gz[128], ge[128];
    uint64_t s = e->author_seq;
    author_of(cx, e, name);
    if (h->count == 0) {
        if (s == 1)
            return pass(v);
        missing_seqs(gz, ge, sizeof gz, 1, s - 1);
        if (cx->logged) {
            zh(v, "这是 %s 在本日志中的第一条记录，但其 author_seq 为 %" PRIu64 "：%s", name, s,
               gz);
            en(v, "this is the first entry of %s in the log, but its author_seq is %" PRIu64 ": %s",
               name, s, ge);
        } else {
            zh(v, "author_seq 为 %" PRIu64 "，但 %s 在本日志中尚无记录（下一条应为序号 1）", s,
               name);
            en(v, "author_seq is %" PRIu64 " but %s has no entry in this log yet (the next is 1)",
               s, name);
        }
        return refuse(v, ACCEPT_AUTHOR_FIRST, LH_ECONFLICT, "author-chain");
    }
    if (s <= h->count) {
        if (cx->logged) {
            zh(v,
               "分叉：author_seq %" PRIu64 " 已被使用（%s 的记录链已到序号 %" PRIu64 "，第%" PRIu64
               "号记录）",
               s, name, h->count, h->index);
            en(v,
               "fork: author_seq %" PRIu64 " was already used (the chain of %s had reached seq "
               "%" PRIu64 " at entry %" PRIu64 ")",
               s, name, h->count, h->index);
        } else {
            zh(v,
               "author_seq %" PRIu64 " 已被使用：%s 的记录链已到序号 %" PRIu64 "（第%" PRIu64
               "号记录），下一条应为序号 %" PRIu64,
               s, name, h->count, h->index, h->count + 1);
            en(v,
               "author_seq %" PRIu64 " was already used: the chain of %s is at seq %" PRIu64
               " (entry %" PRIu64 "), the next is %" PRIu64,
               s, name, h->count, h->index, h->count + 1);
        }
        return refuse(v, ACCEPT_AUTHOR_FORK, LH_ECONFLICT, "author-chain");
    }
    if (s > h->count + 1) {
        missing_seqs(gz, ge, sizeof gz, h->count + 1, s - 1);
        zh(v,
           "author_seq 为 %" PRIu64 "，但 %s 的上一条记录序号为 %" PRIu64 "（第%" PRIu64
           "号记录）：%s",
           s, name, h->count, h->index, cx->logged ? gz : "下一条应紧接其后");
        en(v,
           "author_seq is %" PRIu64 ", but the previous entry of %s has seq %" PRIu64
           " (entry %" PRIu64 "): %s",
           s, name, h->count, h->index, cx->logged ? ge : "the next follows it");
        return refuse(v, ACCEPT_AUTHOR_GAP, LH_ECONFLICT, "author-chain");
    }
    if (e->author_prev.len != ENTRY_ID_BYTES ||
        memcmp(e->author_prev.data, h->id, ENTRY_ID_BYTES) != 0) {
        char got[B64_32] = "-", want[B64_32];
        if (e->author_prev.len == ENTRY_ID_BYTES)
            b64(got, e->author_prev.data);
        b64(want, h->id);
        zh(v,
           "author_prev 为 %s，但 %s 序号 %" PRIu64 " 的记录（第%" PRIu64 "号记录）的记录标识为 %s",
           got, name, h->count, h->index, want);
        en(v,
           "author_prev is %s, but the entry of %s with seq %" PRIu64 " (entry %" PRIu64
           ") has the entry id %s",
           got, name, h->count, h->index, want);
        return refuse(v, ACCEPT_AUTHOR_PREV, LH_ECONFLICT, "author-chain");
    }
    return pass(v);
}

/* docs/design.md "Entries": a case's history is a hash chain, case_prev naming
 * the entry id of the case's previous entry (absent for the first), so its
 * completeness can be checked. Key management belongs to no case. */
int accept_case_chain(const accept_ctx *cx, const Liuhen__Entry *e, const accept_head *h,
                      accept_verdict *v)
{
    if (e->case_id[0] == '\0' || e->kind == LIUHEN__KIND__KIND_KEY_ENROLL ||
        e->kind == LIUHEN__KIND__KIND_KEY_REVOKE)
        return pass(v);
    char got[B64_32] = "-", want[B64_32];
    if (e->case_prev.len == ENTRY_ID_BYTES)
        b64(got, e->case_prev.data);
    b64(want, h->id);
    if (h->count == 0) {
        if (!kind_opens_case(e->kind)) {
            zh(v, "%s记录不能开启案件 %s，而该案件尚无记录", kind_label_zh(e->kind), e->case_id);
            en(v, "case_prev: a %s cannot open case %s, which has no entry %s", kind_name(e->kind),
               e->case_id, cx->logged ? "before it" : "yet");
            return refuse(v, ACCEPT_CASE_OPEN, LH_EFIELD, "case-chain");
        }
        if (e->case_prev.len == 0)
            return pass(v);
        if (cx->logged) {
            zh(v, "case_prev 为 %s，但案件 %s 在本日志中没有更早的记录：其所指记录缺失", got,
               e->case_id);
            en(v,
               "case_prev is %s, but case %s has no earlier entry in this log: the entry it "
               "names is missing",
               got, e->case_id);
        } else {
            zh(v, "case_prev 为 %s，但案件 %s 尚无记录", got, e->case_id);
            en(v, "case_prev is %s but case %s has no entry yet", got, e->case_id);
        }
        return refuse(v, ACCEPT_CASE_PREV_EMPTY, LH_ECONFLICT, "case-chain");
    }
    if (e->case_prev.len == 0) {
        zh(v, "case_prev 缺失，但案件 %s 已有 %" PRIu64 " 条记录（最新为第%" PRIu64 "号记录）",
           e->case_id, h->count, h->index);
        en(v,
           "case_prev is absent, but case %s already has %" PRIu64
           " entries (its head is entry %" PRIu64 ")",
           e->case_id, h->count, h->index);
        return refuse(v, ACCEPT_CASE_PREV_ABSENT, LH_ECONFLICT, "case-chain");
    }
    if (e->case_prev.len != ENTRY_ID_BYTES ||
        memcmp(e->case_prev.data, h->id, ENTRY_ID_BYTES) != 0) {
        zh(v, "case_prev 为 %s，但案件 %s 的最新记录为第%" PRIu64 "号记录（记录标识 %s）", got,
           e->case_id, h->index, want);
        en(v, "case_prev is %s, but the head of case %s is entry %" PRIu64 " (entry id %s)", got,
           e->case_id, h->index, want);
        return refuse(v, ACCEPT_CASE_PREV, LH_ECONFLICT, "case-chain");
    }
    return pass(v);
}

int accept_key_change(const accept_ctx *cx, const Liuhen__Entry *e, accept_verdict *v)
{
    bool enroll = e->kind == LIUHEN__KIND__KIND_KEY_ENROLL && e->key_enroll != NULL;
    bool revoke = e->kind == LIUHEN__KIND__KIND_KEY_REVOKE && e->key_revoke != NULL;
    if (!enroll && !revoke)
        return pass(v);
    const ProtobufCBinaryData *pk =
        enroll ? &e->key_enroll->public_key : &e->key_revoke->public_key;
    char k64[B64_32];
    b64(k64, pk->data);
    const keyring_key *t = keyring_find(cx->keys, pk->data);
    bool last_admin = keyring_is_live_admin(t) && keyring_live_admins(cx->keys) == 1;

    if (enroll) {
        if (memcmp(pk->data, cx->log_key, 32) == 0) {
            zh(v, "密钥登记不得登记日志密钥 %s：日志密钥只签署第0号记录", k64);
            en(v,
               "key_enroll.public_key is the log key %s, which cannot be enrolled: it authors "
               "only the log's first entry",
               k64);
            return refuse(v, ACCEPT_ENROLL_LOG_KEY, LH_EFIELD, "key");
        }
        if (t != NULL && t->revoked) {
            zh(v, "%s 的密钥已于第%" PRIu64 "号记录注销，不得再次登记", t->holder,
               t->revoked_index);
            en(v,
               "key_enroll.public_key: the key of %s was revoked at entry %" PRIu64
               " and cannot be enrolled again",
               t->holder, t->revoked_index);
            return refuse(v, ACCEPT_ENROLL_REVOKED, LH_EFIELD, "key");
        }
        uint32_t roles = role_mask(e->key_enroll->roles, e->key_enroll->n_roles);
        if (last_admin && (roles & ROLE_BIT(LIUHEN__ROLE__ROLE_ADMIN)) == 0) {
            zh(v, "%s 持有最后一把管理员密钥，不得去除其管理员角色", t->holder);
            en(v,
               "key_enroll.roles: %s holds the last admin key; enrolling it without the admin "
               "role would leave the log without an admin",
               t->holder);
            return refuse(v, ACCEPT_LAST_ADMIN, LH_EFIELD, "key");
        }
        return pass(v);
    }
    if (t == NULL) {
        zh(v, "所注销的密钥 %s 未曾登记", k64);
        en(v, "key_revoke.public_key %s is not an enrolled key", k64);
        return refuse(v, ACCEPT_REVOKE_UNKNOWN, LH_EFIELD, "key");
    }
    if (t->revoked) {
        zh(v, "%s 的密钥已于第%" PRIu64 "号记录注销", t->holder, t->revoked_index);
        en(v, "key_revoke.public_key: the key of %s was already revoked at entry %" PRIu64,
           t->holder, t->revoked_index);
        return refuse(v, ACCEPT_REVOKE_AGAIN, LH_EFIELD, "key");
    }
    if (last_admin) {
        zh(v, "%s 持有最后一把管理员密钥，不得注销（请先登记另一名管理员）", t->holder);
        en(v,
           "key_revoke.public_key: %s holds the last admin key, which cannot be revoked "
           "(enrol another admin first)",
           t->holder);
        return refuse(v, ACCEPT_LAST_ADMIN, LH_EFIELD, "key");
    }
    return pass(v);
}
