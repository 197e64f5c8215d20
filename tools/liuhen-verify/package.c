/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * package.c — evidence packages checked offline (package.h): the file read
 * as two C2SP tlog-proofs (tlogproof.h), each entry checked as liuhend and
 * the verifier check entries (entry.h, validate.h), each inclusion proved
 * against the one checkpoint (merkle.h), and the record linked to the
 * KEY_ENROLL of its author (kind.h, role.h). Every sentence says in Chinese
 * and in English which check failed and on what.
 */
#include "package.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calendar.h"
#include "i18n.h"
#include "kind.h"
#include "merkle.h"
#include "policy.h"
#include "role.h"
#include "text.h"
#include "validate.h"

#define HEADER_LINES PACKAGE_HEADER "\n\n"
#define HEADER_LEN   (sizeof HEADER_LINES - 1)
#define B64_32       TEXT_B64_LEN(32)
#define ROLES_MAX    128

/* One verification in progress. */
typedef struct pv {
    const package_policy *pol;
    package_result *r;
    char zh[PACKAGE_TEXT_MAX], en[PACKAGE_TEXT_MAX]; /* the sentences being made */
    tlogproof part[2];
    uint8_t *extra[2]; /* ENTRY_LEAF_MAX bytes each: the leaves */
    Liuhen__Entry *entry[2];
    checkpoint_opened *cp; /* scratch for checkpoint_open() */
} pv;

/* What each part proves, in the sentences. */
static const char *const part_zh[2] = {"记录", "登记"};
static const char *const part_en[2] = {"the record", "the enrolment"};

__attribute__((format(printf, 2, 3))) static void say(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, PACKAGE_TEXT_MAX, fmt, ap);
    va_end(ap);
}

/* Record a failure of check, with the sentences v->zh and v->en. */
static void failed(pv *v, const char *check)
{
    package_result *r = v->r;
    if (r->nfailures < PACKAGE_FAILURES_MAX) {
        package_failure *f = &r->failure[r->nfailures];
        f->check = check;
        text_copy_cut(f->zh, sizeof f->zh, v->zh);
        text_copy_cut(f->en, sizeof f->en, v->en);
    }
    r->nfailures++;
}

static void b64(char out[B64_32], const uint8_t bytes[32])
{
    text_b64_encode(out, bytes, 32);
}

/* ---- 1. format ------------------------------------------------------------------------------ */

static bool read_format(pv *v, const uint8_t *file, size_t len)
{
    if (len < HEADER_LEN || memcmp(file, HEADER_LINES, HEADER_LEN) != 0) {
        say(v->zh, "不是证据包：第一行须为 " PACKAGE_HEADER "，其后为空行");
        say(v->en, "not an evidence package: the first line must be " PACKAGE_HEADER
                   ", followed by an empty line");
        failed(v, "format");
        return false;
    }
    size_t pos = HEADER_LEN;
    for (int k = 0; k < 2; k++) {
        if (k == 1) {
            if (pos == len) {
                say(v->zh, "证据包在记录的证明之后即结束：缺少记录人登记的证明（第 2 部分）");
                say(v->en, "the package ends after the record's proof: the proof of its "
                           "author's enrolment (part 2) is missing");
                failed(v, "format");
                return false;
            }
            if (file[pos] != '\n') {
                say(v->zh, "记录的证明（第 1 部分）之后须为空行，再接登记的证明");
                say(v->en, "the record's proof (part 1) must be followed by an empty line and "
                           "the enrolment's proof");
                failed(v, "format");
                return false;
            }
            pos++;
        }
        size_t end;
        lh_err e = {{0}};
        int rc = tlogproof_parse(file + pos, len - pos, v->extra[k], ENTRY_LEAF_MAX, &v->part[k],
                                 &end, &e);
        if (rc != 0) {
            say(v->zh, "第 %d 部分（%s的证明）无法读取（行号自该部分起计）：%s", k + 1, part_zh[k],
                e.msg);
            say(v->en,
                "part %d (the proof of %s) cannot be read (lines counted from the part's "
                "first): %s",
                k + 1, part_en[k], e.msg);
            failed(v, "format");
            return false;
        }
        if (!v->part[k].has_extra) {
            say(v->zh, "第 %d 部分（%s的证明）没有 extra 行：它须携带该条目的叶", k + 1,
                part_zh[k]);
            say(v->en,
                "part %d (the proof of %s) has no extra line: it must carry the entry's "
                "leaf",
                k + 1, part_en[k]);
            failed(v, "format");
            return false;
        }
        pos += end;
    }
    if (pos != len) {
        say(v->zh, "登记的证明（第 2 部分）之后还有 %zu 字节：证据包只含两个证明", len - pos);
        say(v->en,
            "%zu bytes follow the enrolment's proof (part 2): a package holds two proofs "
            "and nothing else",
            len - pos);
        failed(v, "format");
        return false;
    }
    return true;
}

/* ---- 2, 3. the checkpoint ------------------------------------------------------------------- */

static void check_checkpoint(pv *v)
{
    package_result *r = v->r;
    const package_policy *pol = v->pol;
    const tlogproof *p = &v->part[0];
    char zh[768], en[768];
    int verdict = policy_open(p->checkpoint, p->checkpoint_len, pol->log_key, pol->witnesses,
                              pol->nwitnesses, pol->min_cosignatures, v->cp, zh, en, sizeof zh);
    if (verdict == POLICY_LOG_KEY) {
        say(v->zh, "%s", zh);
        say(v->en, "%s", en);
        failed(v, "checkpoint");
        return;
    }
    r->checkpoint_ok = true;
    memcpy(r->origin, v->cp->cp.origin, sizeof r->origin);
    r->tree_size = v->cp->cp.size;
    memcpy(r->root, v->cp->cp.root, sizeof r->root);
    r->signature_lines = v->cp->note.nsigs;
    if (pol->nwitnesses > 0) {
        r->ncosigners = v->cp->ncosigners;
        for (size_t i = 0; i < v->cp->ncosigners; i++) {
            const checkpoint_cosigner *c = &v->cp->cosigner[i];
            snprintf(r->cosigner[i].name, sizeof r->cosigner[i].name, "%s",
                     pol->witnesses[c->witness].name);
            r->cosigner[i].timestamp = c->timestamp;
        }
    }
    if (verdict == POLICY_COSIGNATURE) {
        say(v->zh, "%s", zh);
        say(v->en, "%s", en);
        failed(v, "cosignature");
    }
}

static void check_same_checkpoint(pv *v)
{
    const tlogproof *a = &v->part[0], *b = &v->part[1];
    if (a->checkpoint_len == b->checkpoint_len &&
        memcmp(a->checkpoint, b->checkpoint, a->checkpoint_len) == 0)
        return;
    lh_err e = {{0}};
    int rc = checkpoint_open(b->checkpoint, b->checkpoint_len, v->pol->log_key, NULL, 0, v->cp, &e);
    if (rc != 0) {
        say(v->zh, "登记的证明（第 2 部分）所附检查点与记录的不同，且无法以日志密钥验证：%s",
            e.msg);
        say(v->en,
            "the enrolment's proof (part 2) carries another checkpoint than the record's, "
            "and it does not verify with the log key: %s",
            e.msg);
    } else if (!v->r->checkpoint_ok || v->cp->cp.size != v->r->tree_size ||
               memcmp(v->cp->cp.root, v->r->root, CHECKPOINT_HASH_LEN) != 0) {
        char root[B64_32];
        b64(root, v->cp->cp.root);
        say(v->zh,
            "登记的证明（第 2 部分）所附检查点（树大小 %" PRIu64
            "，根 %s）与记录的不同：两者须针对同一检查点",
            v->cp->cp.size, root);
        say(v->en,
            "the enrolment's proof (part 2) is against another checkpoint (tree size %" PRIu64
            ", root %s) than the record's: both must be proved against one checkpoint",
            v->cp->cp.size, root);
    } else {
        say(v->zh, "两个证明所附检查点为同一棵树，但签名行不同：证据包须携带同一份检查点");
        say(v->en, "the two proofs carry checkpoints of the same tree with other signature lines: "
                   "a package carries one checkpoint, the same in both");
    }
    failed(v, "same-checkpoint");
}

/* ---- 4, 5. each entry ----------------------------------------------------------------------- */

/* Decode and check part k's leaf; fill its facts. */
static void read_entry(pv *v, int k)
{
    const tlogproof *p = &v->part[k];
    package_entry *pe = k == 0 ? &v->r->record : &v->r->enrolment;
    const char *origin = v->pol->log_key->name;
    pe->index = p->index;
    merkle_leaf_hash(pe->leaf_hash, p->extra, p->extra_len);
    const uint8_t *signed_entry, *entry, *sig;
    size_t signed_len, entry_len;
    int64_t integrated_at;
    lh_err e = {{0}};
    if (entry_leaf_unpack(p->extra, p->extra_len, &signed_entry, &signed_len, &integrated_at, &e) !=
        0) {
        say(v->zh, "%s（第%" PRIu64 "号记录）的附加数据不是日志的叶（Leaf）：%s", part_zh[k],
            p->index, e.msg);
        say(v->en, "the extra data of %s (entry %" PRIu64 ") is not a leaf of the log: %s",
            part_en[k], p->index, e.msg);
        failed(v, "leaf");
        return;
    }
    if (entry_signed_unpack(signed_entry, signed_len, &entry, &entry_len, &sig, &e) != 0) {
        say(v->zh, "%s（第%" PRIu64 "号记录）的叶不含已签名条目（SignedEntry）：%s", part_zh[k],
            p->index, e.msg);
        say(v->en, "the leaf of %s (entry %" PRIu64 ") does not hold a signed entry: %s",
            part_en[k], p->index, e.msg);
        failed(v, "leaf");
        return;
    }
    if (validate_entry(entry, entry_len, origin, &v->entry[k], &e) != 0) {
        say(v->zh, "%s（第%" PRIu64 "号记录）不是日志 %s 的有效条目：%s", part_zh[k], p->index,
            origin, e.msg);
        say(v->en, "%s (entry %" PRIu64 ") is not a valid entry of the log %s: %s", part_en[k],
            p->index, origin, e.msg);
        failed(v, "entry");
        return;
    }
    const Liuhen__Entry *en = v->entry[k];
    pe->read = true;
    pe->integrated_at = integrated_at;
    pe->recorded_at = en->recorded_at;
    pe->kind = en->kind;
    snprintf(pe->case_id, sizeof pe->case_id, "%s", en->case_id != NULL ? en->case_id : "");
    memcpy(pe->author_key, en->author_key.data, ENTRY_KEY_BYTES);
    entry_id(entry, entry_len, pe->entry_id);
    if (entry_verify(entry, entry_len, sig, pe->author_key) != 0) {
        char key[B64_32];
        b64(key, pe->author_key);
        say(v->zh, "%s（第%" PRIu64 "号记录）的记录人签名无法以其记录人公钥 %s 验证", part_zh[k],
            p->index, key);
        say(v->en,
            "the author's signature of %s (entry %" PRIu64
            ") does not verify with its author_key %s",
            part_en[k], p->index, key);
        failed(v, "signature");
    }
}

static void check_inclusion(pv *v, int k)
{
    package_result *r = v->r;
    if (!r->checkpoint_ok)
        return; /* the checkpoint's failure says it */
    const tlogproof *p = &v->part[k];
    const package_entry *pe = k == 0 ? &r->record : &r->enrolment;
    int rc = merkle_verify_inclusion(p->hashes[0], p->nhashes, p->index, r->tree_size,
                                     pe->leaf_hash, r->root);
    if (rc == 0)
        return;
    char leaf[B64_32];
    b64(leaf, pe->leaf_hash);
    if (rc == LH_ERANGE) {
        say(v->zh, "%s的索引 %" PRIu64 " 超出检查点的树大小 %" PRIu64, part_zh[k], p->index,
            r->tree_size);
        say(v->en, "the index %" PRIu64 " of %s is beyond the checkpoint's tree size %" PRIu64,
            p->index, part_en[k], r->tree_size);
    } else {
        say(v->zh,
            "%s（第%" PRIu64 "号记录，叶哈希 %s）的包含证明不成立：检查点（树大小 %" PRIu64
            "）的树在该索引处不含此叶",
            part_zh[k], p->index, leaf, r->tree_size);
        say(v->en,
            "the inclusion proof of %s (entry %" PRIu64 ", leaf hash %s) does not hold: "
            "the checkpoint's tree of size %" PRIu64 " does not hold this leaf at that index",
            part_en[k], p->index, leaf, r->tree_size);
    }
    failed(v, "inclusion");
}

/* The record must be a case record: key management is proved by the log
 * key's own chain of enrolments, which a package of two entries is not. */
static void check_record_kind(pv *v)
{
    const package_entry *rec = &v->r->record;
    if (!rec->read || kind_in_case(rec->kind))
        return;
    say(v->zh, "第%" PRIu64 "号记录是%s（%s），不是案件记录：证据包证明的是一条案件记录及其记录人",
        rec->index, kind_label_zh(rec->kind), kind_name(rec->kind));
    say(v->en,
        "the record (entry %" PRIu64 ") is a %s, not a case record: an evidence package "
        "proves one record of a case and who made it",
        rec->index, kind_name(rec->kind));
    failed(v, "record");
}

/* Entry 0 is signed by the log key, and nothing else is (docs/design.md
 * "Kinds and roles"). */
static void check_enrolment_signer(pv *v)
{
    package_result *r = v->r;
    const package_entry *en = &r->enrolment;
    if (!en->read)
        return;
    bool by_log = memcmp(en->author_key, v->pol->log_key->pubkey, ENTRY_KEY_BYTES) == 0;
    char key[B64_32];
    b64(key, en->author_key);
    if (en->index == 0 && !by_log) {
        say(v->zh, "第0号记录须由日志密钥 %s 签署，此条由密钥 %s 签署", v->pol->log_key->name, key);
        say(v->en, "entry 0 must be signed by the log key %s; this one is signed by the key %s",
            v->pol->log_key->name, key);
        failed(v, "enrolment");
    } else if (en->index != 0 && by_log) {
        say(v->zh, "日志密钥只签署第0号记录，而第%" PRIu64 "号记录由它签署", en->index);
        say(v->en, "the log key signs entry 0 only, and entry %" PRIu64 " is signed by it",
            en->index);
        failed(v, "enrolment");
    }
    r->enrolled_by_log_key = by_log && en->index == 0;
}

/* ---- 6. the record and its author's enrolment ------------------------------------------------ */

static void check_link(pv *v)
{
    package_result *r = v->r;
    const package_entry *rec = &r->record, *en = &r->enrolment;
    if (!rec->read || !en->read)
        return;
    r->correction = rec->kind == LIUHEN__KIND__KIND_CORRECTION;
    const Liuhen__Entry *e = v->entry[1];
    if (en->kind != LIUHEN__KIND__KIND_KEY_ENROLL || e->key_enroll == NULL) {
        say(v->zh, "第%" PRIu64 "号记录是%s（%s），不是登记密钥（KEY_ENROLL）", en->index,
            kind_label_zh(en->kind), kind_name(en->kind));
        say(v->en,
            "entry %" PRIu64 " is a %s, not a KEY_ENROLL: the second proof must be the "
            "enrolment of the record's author",
            en->index, kind_name(en->kind));
        failed(v, "enrolment");
        return;
    }
    const Liuhen__KeyEnroll *ke = e->key_enroll;
    text_copy_cut(r->holder, sizeof r->holder, ke->holder != NULL ? ke->holder : "");
    text_copy_cut(r->position, sizeof r->position, ke->position != NULL ? ke->position : "");
    text_copy_cut(r->unit, sizeof r->unit, ke->unit != NULL ? ke->unit : "");
    r->roles = role_mask(ke->roles, ke->n_roles);
    if (ke->public_key.len != ENTRY_KEY_BYTES ||
        memcmp(ke->public_key.data, rec->author_key, ENTRY_KEY_BYTES) != 0) {
        char enrolled[B64_32] = "?", author[B64_32];
        if (ke->public_key.len == ENTRY_KEY_BYTES)
            b64(enrolled, ke->public_key.data);
        b64(author, rec->author_key);
        say(v->zh, "第%" PRIu64 "号记录登记的是密钥 %s，不是记录人的密钥 %s", en->index, enrolled,
            author);
        say(v->en, "entry %" PRIu64 " enrols the key %s, not the record's author_key %s", en->index,
            enrolled, author);
        failed(v, "enrolment");
    }
    if (en->index >= rec->index) {
        say(v->zh,
            "登记（第%" PRIu64 "号记录）不在记录（第%" PRIu64 "号记录）之前：密钥须先登记才能记录",
            en->index, rec->index);
        say(v->en,
            "the enrolment (entry %" PRIu64 ") is not before the record (entry %" PRIu64
            "): a key is enrolled before it may sign records",
            en->index, rec->index);
        failed(v, "enrolment");
    }
    /* A CORRECTION may be appended by "the original author": the package
     * does not hold the corrected entry, so only the role is checked here
     * and the limit is said (package_limit()). */
    if (!kind_allowed(rec->kind, r->roles, true)) {
        char zh[ROLES_MAX], en_roles[ROLES_MAX];
        role_text(r->roles, true, zh, sizeof zh);
        role_text(r->roles, false, en_roles, sizeof en_roles);
        say(v->zh, "第%" PRIu64 "号记录登记的角色（%s）不得记录%s（%s）", en->index, zh,
            kind_label_zh(rec->kind), kind_name(rec->kind));
        say(v->en, "the roles enrolled at entry %" PRIu64 " (%s) may not append a %s", en->index,
            en_roles, kind_name(rec->kind));
        failed(v, "role");
    }
}

/* ---- the whole ---------------------------------------------------------------------------------
 */

int package_verify(const uint8_t *file, size_t len, const package_policy *pol, package_result *out,
                   lh_err *err)
{
    if ((file == NULL && len > 0) || pol == NULL || pol->log_key == NULL || out == NULL ||
        (pol->witnesses == NULL && pol->nwitnesses > 0) || pol->nwitnesses > CHECKPOINT_WITNESS_MAX)
        return lh_err_set(err, LH_EINVAL, "evidence package: NULL argument");
    if (pol->min_cosignatures > pol->nwitnesses)
        return lh_err_set(err, LH_EINVAL,
                          "evidence package: %zu cosignatures required of %zu witnesses",
                          pol->min_cosignatures, pol->nwitnesses);
    memset(out, 0, sizeof *out);
    out->min_cosignatures = pol->min_cosignatures;
    pv *v = calloc(1, sizeof *v);
    int rc = 0;
    if (v == NULL || (v->cp = malloc(sizeof *v->cp)) == NULL ||
        (v->extra[0] = malloc(ENTRY_LEAF_MAX)) == NULL ||
        (v->extra[1] = malloc(ENTRY_LEAF_MAX)) == NULL) {
        rc = lh_err_set(err, LH_ENOMEM, "evidence package: out of memory");
        goto out;
    }
    v->pol = pol;
    v->r = out;
    if (read_format(v, file, len)) {
        check_checkpoint(v);
        check_same_checkpoint(v);
        read_entry(v, 0);
        check_record_kind(v);
        check_inclusion(v, 0);
        read_entry(v, 1);
        check_enrolment_signer(v);
        check_inclusion(v, 1);
        check_link(v);
    }
    out->valid = out->nfailures == 0;
out:
    if (v != NULL) {
        for (int k = 0; k < 2; k++) {
            if (v->entry[k] != NULL)
                liuhen__entry__free_unpacked(v->entry[k], NULL);
            free(v->extra[k]);
        }
        free(v->cp);
        free(v);
    }
    return rc;
}

/* ---- limits ------------------------------------------------------------------------------------
 */

enum { LIMIT_COSIGNED, LIMIT_ENROLLER, LIMIT_BETWEEN, LIMIT_CHAINS, LIMIT_CORRECTION, NLIMITS };

/* Which limits apply, in order. */
static size_t limits_of(const package_result *r, int which[NLIMITS])
{
    size_t n = 0;
    if (r->ncosigners == 0)
        which[n++] = LIMIT_COSIGNED;
    if (!r->enrolled_by_log_key)
        which[n++] = LIMIT_ENROLLER;
    which[n++] = LIMIT_BETWEEN;
    which[n++] = LIMIT_CHAINS;
    if (r->correction)
        which[n++] = LIMIT_CORRECTION;
    return n;
}

size_t package_limits(const package_result *r)
{
    int which[NLIMITS];
    return limits_of(r, which);
}

void package_limit(const package_result *r, size_t i, char zh[PACKAGE_TEXT_MAX],
                   char en[PACKAGE_TEXT_MAX])
{
    int which[NLIMITS];
    size_t n = limits_of(r, which);
    zh[0] = en[0] = '\0';
    if (i >= n)
        return;
    uint64_t m = r->enrolment.index, rec = r->record.index;
    switch (which[i]) {
    case LIMIT_COSIGNED:
        say(zh, "检查点没有经核验的第三方见证签名：只有日志自己为它作证，无法排除日志向他人展示了另"
                "一段历"
                "史（分叉）");
        say(en, "no witness cosignature on the checkpoint was verified: only the log vouches for "
                "it, and the package cannot exclude that the log showed others another history "
                "(a fork)");
        break;
    case LIMIT_ENROLLER: {
        char key[B64_32];
        b64(key, r->enrolment.author_key);
        say(zh,
            "登记（第%" PRIu64
            "号记录）由密钥 %s 签署；该密钥当时是否为系统管理员，只能由完整日志确定（liuhen-verify "
            "DIR）",
            m, key);
        say(en,
            "the enrolment (entry %" PRIu64 ") is signed by the key %s; whether that key "
            "was an admin at the time can only be established from the whole log "
            "(liuhen-verify DIR)",
            m, key);
        break;
    }
    case LIMIT_BETWEEN:
        say(zh,
            "本证据包不能证明该密钥在第%" PRIu64 "号记录与第%" PRIu64
            "号记录之间未被注销、未以其他角色重新登记；完整日志可以",
            m, rec);
        say(en,
            "the package cannot show that the key was not revoked, or enrolled again with "
            "other roles, between entry %" PRIu64 " and entry %" PRIu64 ": the whole log can",
            m, rec);
        break;
    case LIMIT_CHAINS:
        say(zh, "本证据包不能证明记录人或案件的其他记录未被遗漏；完整日志可以");
        say(en, "the package does not show whether other records of the author or of the case "
                "are missing: the whole log does");
        break;
    default:
        say(zh, "这是一条更正记录：被更正的条目是否为同一记录人在同一案件中的条目，需要完整日志才能"
                "确定");
        say(en, "the record is a CORRECTION: whether the corrected entry is the author's own, "
                "in the same case, needs the whole log");
        break;
    }
}

/* ---- output ------------------------------------------------------------------------------------
 */

/* The Chinese name of a check, for the text output. */
static const char *check_zh(const char *check)
{
    static const char *const names[][2] = {
        {"format", "格式"},
        {"checkpoint", "检查点"},
        {"cosignature", "第三方见证签名"},
        {"same-checkpoint", "同一检查点"},
        {"leaf", "叶"},
        {"entry", "条目"},
        {"signature", "签名"},
        {"record", "记录"},
        {"inclusion", "包含证明"},
        {"enrolment", "登记"},
        {"role", "角色"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], check) == 0)
            return names[i][1];
    return "";
}

/* The failures kept, each in the language of the messages. */
static void print_failures(FILE *f, const package_result *r)
{
    size_t kept = r->nfailures < PACKAGE_FAILURES_MAX ? r->nfailures : PACKAGE_FAILURES_MAX;
    for (size_t i = 0; i < kept; i++) {
        const package_failure *x = &r->failure[i];
        if (i18n_zh())
            fprintf(f, "  %s %s：%s\n", check_zh(x->check), x->check, i18n_pick(x->zh, x->en));
        else
            fprintf(f, "  %s: %s\n", x->check, i18n_pick(x->zh, x->en));
    }
    if (r->nfailures > kept)
        fprintf(f,
                ngettext("  %zu more failure not listed\n", "  %zu more failures not listed\n",
                         r->nfailures - kept),
                r->nfailures - kept);
}

void package_print_text(FILE *f, const char *name, const package_result *r, bool quiet)
{
    fprintf(f, _("evidence package: %s\n"), name);
    if (!r->valid) {
        fprintf(f,
                ngettext("verdict: INVALID — %zu check failed: nothing in the package is proved\n",
                         "verdict: INVALID — %zu checks failed: nothing in the package is proved\n",
                         r->nfailures),
                r->nfailures);
        print_failures(f, r);
        return;
    }
    fputs(_("verdict: VALID — every check passed\n"), f);
    if (quiet)
        return;
    const package_entry *rec = &r->record, *en = &r->enrolment;
    const char *kind = i18n_pick(kind_label_zh(rec->kind), kind_name(rec->kind));
    char t[CALENDAR_TEXT_MAX], h[B64_32], roles_zh[ROLES_MAX], roles_en[ROLES_MAX];
    fputs("\n", f);
    fputs(_("proved:\n"), f);
    fprintf(f, _("  record: entry %" PRIu64 " · %s · case %s\n"), rec->index, kind, rec->case_id);
    fprintf(f, _("    recorded at (the author's clock): %s\n"),
            calendar_format_local(t, rec->recorded_at));
    fprintf(f, _("    integrated at (the log's clock): %s\n"),
            calendar_format_local(t, rec->integrated_at));
    b64(h, rec->entry_id);
    fprintf(f, _("    entry id: %s\n"), h);
    b64(h, rec->leaf_hash);
    fprintf(f, _("    leaf hash: %s\n"), h);
    b64(h, rec->author_key);
    fprintf(f, _("  author: %s%s%s%s%s · signature verified\n"), r->holder,
            r->position[0] ? " · " : "", r->position, r->unit[0] ? " · " : "", r->unit);
    fprintf(f, _("    author key: %s\n"), h);
    role_text(r->roles, true, roles_zh, sizeof roles_zh);
    role_text(r->roles, false, roles_en, sizeof roles_en);
    fprintf(f, _("    roles: %s · allowed to append %s records\n"), i18n_pick(roles_zh, roles_en),
            kind);
    fprintf(f, _("  enrolment: entry %" PRIu64 " · KEY_ENROLL · integrated at %s\n"), en->index,
            calendar_format_local(t, en->integrated_at));
    if (r->enrolled_by_log_key) {
        fprintf(f, _("    signed by: the log key %s\n"), r->origin);
    } else {
        b64(h, en->author_key);
        fprintf(f, _("    signed by: the key %s\n"), h);
    }
    b64(h, r->root);
    fprintf(f, _("  checkpoint: %s · tree size %" PRIu64 " · root hash %s\n"), r->origin,
            r->tree_size, h);
    fputs(_("    log signature verified; both entries are included in it\n"), f);
    if (r->ncosigners == 0) {
        fprintf(f, _("    cosignatures: none verified (required: %zu)\n"), r->min_cosignatures);
    } else {
        fprintf(f, _("    cosignatures: %zu verified (required: %zu)\n"), r->ncosigners,
                r->min_cosignatures);
        for (size_t i = 0; i < r->ncosigners; i++) {
            const package_cosigner *c = &r->cosigner[i];
            if (c->timestamp != 0)
                fprintf(f, _("      %s at %s\n"), c->name,
                        calendar_format_local(t, (int64_t)c->timestamp * 1000));
            else
                fprintf(f, "      %s\n", c->name);
        }
    }
    fputs("\n", f);
    fputs(_("limits:\n"), f);
    for (size_t i = 0; i < package_limits(r); i++) {
        char lzh[PACKAGE_TEXT_MAX], len[PACKAGE_TEXT_MAX];
        package_limit(r, i, lzh, len);
        fprintf(f, "  - %s\n", i18n_pick(lzh, len));
    }
}

/* json_object_set_new() remembering a failure in *ok. */
static void jset(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (v == NULL || o == NULL || json_object_set_new(o, key, v) != 0) {
        json_decref(v);
        *ok = false;
    }
}

static json_t *jb64(const uint8_t bytes[32])
{
    char h[B64_32];
    b64(h, bytes);
    return json_string(h);
}

static json_t *jtime(int64_t ms)
{
    char t[CALENDAR_TEXT_MAX];
    return json_string(calendar_format_utc(t, ms));
}

static json_t *entry_json(const package_entry *pe, bool *ok)
{
    json_t *o = json_object();
    jset(o, "index", json_integer((json_int_t)pe->index), ok);
    jset(o, "kind", json_string(kind_name(pe->kind)), ok);
    jset(o, "kind_zh", json_string(kind_label_zh(pe->kind)), ok);
    if (pe->case_id[0] != '\0')
        jset(o, "case_id", json_string(pe->case_id), ok);
    jset(o, "entry_id", jb64(pe->entry_id), ok);
    jset(o, "leaf_hash", jb64(pe->leaf_hash), ok);
    jset(o, "recorded_at", jtime(pe->recorded_at), ok);
    jset(o, "integrated_at", jtime(pe->integrated_at), ok);
    jset(o, "author_key", jb64(pe->author_key), ok);
    if (o == NULL)
        *ok = false;
    return o;
}

int package_print_json(FILE *f, const char *name, const package_result *r)
{
    bool ok = true;
    json_t *o = json_object();
    json_t *pn = json_string(name);
    jset(o, "package", pn != NULL ? pn : json_string("(a file name that is not UTF-8)"), &ok);
    jset(o, "verdict", json_string(r->valid ? "valid" : "invalid"), &ok);
    json_t *fails = json_array();
    size_t kept = r->nfailures < PACKAGE_FAILURES_MAX ? r->nfailures : PACKAGE_FAILURES_MAX;
    for (size_t i = 0; i < kept && fails != NULL; i++) {
        json_t *x = json_object();
        jset(x, "check", json_string(r->failure[i].check), &ok);
        jset(x, "zh", json_string(r->failure[i].zh), &ok);
        jset(x, "en", json_string(r->failure[i].en), &ok);
        if (x == NULL || json_array_append_new(fails, x) != 0)
            ok = false;
    }
    jset(o, "failures", fails, &ok);
    if (r->nfailures > kept)
        jset(o, "failures_not_listed", json_integer((json_int_t)(r->nfailures - kept)), &ok);
    if (r->valid) {
        jset(o, "record", entry_json(&r->record, &ok), &ok);
        json_t *a = json_object(), *roles = json_array();
        jset(a, "public_key", jb64(r->record.author_key), &ok);
        jset(a, "holder", json_string(r->holder), &ok);
        jset(a, "position", json_string(r->position), &ok);
        jset(a, "unit", json_string(r->unit), &ok);
        for (unsigned role = 1; role < 32 && roles != NULL; role++)
            if ((r->roles & ROLE_BIT(role)) != 0 &&
                json_array_append_new(roles, json_string(role_name((Liuhen__Role)role))) != 0)
                ok = false;
        jset(a, "roles", roles, &ok);
        jset(o, "author", a, &ok);
        json_t *en = entry_json(&r->enrolment, &ok);
        jset(en, "signed_by_log_key", json_boolean(r->enrolled_by_log_key), &ok);
        jset(o, "enrolment", en, &ok);
        json_t *cp = json_object();
        jset(cp, "origin", json_string(r->origin), &ok);
        jset(cp, "tree_size", json_integer((json_int_t)r->tree_size), &ok);
        jset(cp, "root", jb64(r->root), &ok);
        jset(cp, "signature_lines", json_integer((json_int_t)r->signature_lines), &ok);
        jset(o, "checkpoint", cp, &ok);
        json_t *cs = json_object(), *ws = json_array();
        jset(cs, "required", json_integer((json_int_t)r->min_cosignatures), &ok);
        jset(cs, "valid", json_integer((json_int_t)r->ncosigners), &ok);
        for (size_t i = 0; i < r->ncosigners && ws != NULL; i++) {
            json_t *w = json_object();
            jset(w, "name", json_string(r->cosigner[i].name), &ok);
            jset(w, "timestamp", json_integer((json_int_t)r->cosigner[i].timestamp), &ok);
            if (r->cosigner[i].timestamp != 0)
                jset(w, "time", jtime((int64_t)r->cosigner[i].timestamp * 1000), &ok);
            if (w == NULL || json_array_append_new(ws, w) != 0)
                ok = false;
        }
        jset(cs, "witnesses", ws, &ok);
        jset(o, "cosignatures", cs, &ok);
        json_t *ls = json_array();
        for (size_t i = 0; i < package_limits(r) && ls != NULL; i++) {
            char lzh[PACKAGE_TEXT_MAX], len[PACKAGE_TEXT_MAX];
            package_limit(r, i, lzh, len);
            json_t *l = json_object();
            jset(l, "zh", json_string(lzh), &ok);
            jset(l, "en", json_string(len), &ok);
            if (l == NULL || json_array_append_new(ls, l) != 0)
                ok = false;
        }
        jset(o, "limits", ls, &ok);
    }
    if (!ok || o == NULL) {
        json_decref(o);
        return LH_ENOMEM;
    }
    int rc = json_dumpf(o, f, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    json_decref(o);
    if (rc != 0 || fputc('\n', f) == EOF)
        return -EIO;
    return 0;
}
