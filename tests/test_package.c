/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_package.c — evidence packages checked offline
 * (tools/liuhen-verify/package.c), on logs built here with the format core
 * alone: entries signed by test keys, their leaves in a Merkle tree
 * (memstore), checkpoints signed by a test log key and cosigned by a test
 * witness, each part written with tlogproof_format().
 *
 * 1. Valid packages: a record and its author's enrolment; the enrolment is
 *    entry 0, signed by the log key; a cosigned checkpoint and a witness
 *    policy; a CORRECTION (valid, with its limit said).
 * 2. Each check fails alone, or with the checks that must fail with it,
 *    and names what failed: the format, the checkpoint and the witness
 *    policy, the same checkpoint, the leaf, the entry, the signature, the
 *    record's kind, the inclusion proofs, the enrolment (signer, kind, key,
 *    order) and the role.
 * 3. The outputs: text and JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "checkpoint.h"
#include "cosig.h"
#include "entry.h"
#include "memstore.h"
#include "merkle.h"
#include "package.h"
#include "pbjson.h"
#include "role.h"
#include "testutil.h"
#include "text.h"
#include "tlogproof.h"
#include "validate.h"

#define ORIGIN   "example.org/evidence-test"
#define T0       INT64_C(1779000000000)
#define MAX_LEAF 32
#define H11      "ERERERERERERERERERERERERERERERERERERERERERE="
#define CP_CAP   (CHECKPOINT_SIGNED_MAX + 2 * NOTE_SIGLINE_MAX)
/* A KEY_ENROLL: author_seq, author_prev's JSON member (or ""),
 * recorded_at, the key enrolled, its holder, its roles. */
#define ENROLL                                                                                     \
    "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_KEY_ENROLL\", \"author_seq\": %d%s, "           \
    "\"recorded_at\": %lld, \"key_enroll\": {\"public_key\": \"%s\", \"holder\": \"%s\", "         \
    "\"unit\": \"执法支队\", \"roles\": [%s]}}"

/* ---- a log built here ----------------------------------------------------------------------- */

typedef struct tlog {
    memstore ms;
    uint8_t *leaf[MAX_LEAF];
    size_t leaf_len[MAX_LEAF];
    uint8_t id[MAX_LEAF][ENTRY_ID_BYTES];
    size_t n;
    note_signer log;
    note_verifier vlog;
    note_signer witness;
    note_verifier vwitness;
} tlog;

static char *b64_of(const uint8_t *b, size_t n)
{
    char *s = malloc(TEXT_B64_LEN(n));
    assert_non_null(s);
    text_b64_encode(s, b, n);
    return s;
}

/* Append the entry the JSON gives (schema field names, author_key left
 * out: it is pk), signed with sk, integrated at T0 + index seconds. The
 * entry is checked structurally (origin not required: one test logs an
 * entry of another log). */
static void tlog_add(tlog *t, const uint8_t pk[32], const uint8_t sk[64], const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void tlog_add(tlog *t, const uint8_t pk[32], const uint8_t sk[64], const char *fmt, ...)
{
    char json[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(json, sizeof json, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof json);
    ProtobufCMessage *m = NULL;
    lh_err e = {{0}};
    if (pbjson_parse(&liuhen__entry__descriptor, json, (size_t)n, &m, &e) != 0)
        fail_msg("entry %zu: %s (%s)", t->n, e.msg, json);
    Liuhen__Entry *en = (Liuhen__Entry *)m;
    en->author_key.data = (uint8_t *)pk;
    en->author_key.len = 32;
    size_t len = liuhen__entry__get_packed_size(en);
    uint8_t *bytes = malloc(len);
    assert_non_null(bytes);
    assert_int_equal(liuhen__entry__pack(en, bytes), len);
    en->author_key.data = NULL;
    en->author_key.len = 0;
    protobuf_c_message_free_unpacked(m, NULL);
    tu_assert_code(validate_entry(bytes, len, NULL, NULL, &e), 0, &e);

    uint8_t sig[ENTRY_SIG_BYTES];
    assert_int_equal(entry_sign(bytes, len, sk, sig), 0);
    uint8_t *signed_entry = malloc(ENTRY_SIGNED_MAX), *leaf = malloc(ENTRY_LEAF_MAX);
    assert_true(signed_entry != NULL && leaf != NULL);
    size_t slen, llen;
    assert_int_equal(entry_signed_pack(bytes, len, sig, signed_entry, ENTRY_SIGNED_MAX, &slen), 0);
    assert_int_equal(
        entry_leaf_pack(signed_entry, slen, T0 + (int64_t)t->n * 1000, leaf, ENTRY_LEAF_MAX, &llen),
        0);
    assert_true(t->n < MAX_LEAF);
    entry_id(bytes, len, t->id[t->n]);
    t->leaf[t->n] = leaf;
    t->leaf_len[t->n] = llen;
    uint8_t h[MERKLE_HASH_SIZE];
    merkle_leaf_hash(h, leaf, llen);
    assert_int_equal(memstore_append(&t->ms, h), 0);
    t->n++;
    free(signed_entry);
    free(bytes);
}

/* The signed checkpoint of the first `size` leaves, cosigned by the
 * test witness when `cosigned`. */
static size_t tlog_checkpoint(tlog *t, uint64_t size, bool cosigned, uint8_t out[CP_CAP])
{
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", t->log.name);
    cp.size = size;
    assert_int_equal(merkle_tree_hash(cp.root, size, memstore_read, &t->ms), 0);
    size_t len;
    lh_err e = {{0}};
    tu_assert_code(checkpoint_sign(&cp, &t->log, out, CP_CAP, &len, &e), 0, &e);
    if (cosigned) {
        uint8_t tmp[CP_CAP];
        size_t n;
        tu_assert_code(
            cosig_append(out, len, &t->vlog, &t->witness, 1780000000, tmp, CP_CAP, &n, &e), 0, &e);
        memcpy(out, tmp, n);
        len = n;
    }
    return len;
}

/* A part: the tlog-proof of leaf `index` in the tree of `size`, its extra
 * data being `extra` (the leaf itself when NULL), stated as `stated`. */
typedef struct part {
    uint8_t *text;
    size_t len;
} part;

static part tlog_part_as(tlog *t, uint64_t index, uint64_t stated, uint64_t size,
                         const uint8_t *extra, size_t extra_len, const uint8_t *cp, size_t cp_len)
{
    tlogproof *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->has_extra = true;
    p->extra = extra != NULL ? extra : t->leaf[index];
    p->extra_len = extra != NULL ? extra_len : t->leaf_len[index];
    p->index = stated;
    assert_int_equal(
        merkle_inclusion_proof(p->hashes, &p->nhashes, index, size, memstore_read, &t->ms), 0);
    p->checkpoint = cp;
    p->checkpoint_len = cp_len;
    part r;
    lh_err e = {{0}};
    tu_assert_code(tlogproof_format(NULL, 0, &r.len, p, &e), LH_ELENGTH, &e);
    r.text = malloc(r.len);
    assert_non_null(r.text);
    tu_assert_code(tlogproof_format(r.text, r.len, &r.len, p, &e), 0, &e);
    free(p);
    return r;
}

static part tlog_part(tlog *t, uint64_t index, uint64_t size, const uint8_t *cp, size_t cp_len)
{
    return tlog_part_as(t, index, index, size, NULL, 0, cp, cp_len);
}

/* header, a, an empty line, b; b may be NULL (a package without part 2). */
static uint8_t *package(const part *a, const part *b, size_t *len)
{
    static const char header[] = PACKAGE_HEADER "\n\n";
    size_t n = sizeof header - 1 + a->len + (b != NULL ? 1 + b->len : 0);
    uint8_t *out = malloc(n);
    assert_non_null(out);
    memcpy(out, header, sizeof header - 1);
    memcpy(out + sizeof header - 1, a->text, a->len);
    if (b != NULL) {
        out[sizeof header - 1 + a->len] = '\n';
        memcpy(out + sizeof header + a->len, b->text, b->len);
    }
    *len = n;
    return out;
}

/* ---- the fixture ---------------------------------------------------------------------------- */

/*
 * The log of every test:
 *   0  KEY_ENROLL admin (admin, legal), signed by the log key
 *   1  KEY_ENROLL wang (handler), by admin
 *   2  INTERFERENCE by wang, case QJ-T-1
 *   3  KEY_ENROLL zhao (investigator), by admin
 *   4  CORRECTION by wang of entry 2
 *   5  KEY_ENROLL wang again (investigator), by admin
 *   6  INTERFERENCE by zhao (whose role may not), case QJ-T-2
 *   7  COMPLAINT by admin (legal), case QJ-T-3
 *   8  INTERFERENCE of another log's origin, by wang
 *   9  KEY_ENROLL wang, signed by the log key (which signs entry 0 only)
 */
typedef struct fixture {
    tlog t;
    tu_key admin, wang, zhao;
    uint8_t cp[CP_CAP], cp_cosigned[CP_CAP], cp_small[CP_CAP];
    size_t cp_len, cp_cosigned_len, cp_small_len;
    uint64_t size;
    package_policy pol;
    package_result *r;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tlog *t = &f->t;
    tu_make_signer(&t->log, &t->vlog, ORIGIN, NOTE_TYPE_ED25519);
    tu_make_signer(&t->witness, &t->vwitness, "witness.example.org/w", NOTE_TYPE_COSIG);
    tu_key_make(&f->admin, 1, 0x70);
    tu_key_make(&f->wang, 2, 0x70);
    tu_key_make(&f->zhao, 3, 0x70);
    char *admin = b64_of(f->admin.pk, 32), *wang = b64_of(f->wang.pk, 32),
         *zhao = b64_of(f->zhao.pk, 32);
    const uint8_t *log_pk = t->vlog.pubkey;
    const char *prev = ", \"author_prev\": \"" H11 "\"";
    tlog_add(t, log_pk, t->log.sk, ENROLL, 1, "", (long long)T0, admin, "管理员",
             "\"ROLE_ADMIN\", \"ROLE_LEGAL\"");
    tlog_add(t, f->admin.pk, f->admin.sk, ENROLL, 1, "", (long long)T0, wang, "王明",
             "\"ROLE_HANDLER\"");
    tlog_add(t, f->wang.pk, f->wang.sk,
             "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_INTERFERENCE\", \"case_id\": "
             "\"QJ-T-1\", \"author_seq\": 1, \"recorded_at\": %lld, \"interference\": "
             "{\"place\": \"办公室\"}}",
             (long long)T0);
    tlog_add(t, f->admin.pk, f->admin.sk, ENROLL, 2, prev, (long long)T0, zhao, "赵强",
             "\"ROLE_INVESTIGATOR\"");
    char *id2 = b64_of(t->id[2], 32);
    tlog_add(t, f->wang.pk, f->wang.sk,
             "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_CORRECTION\", \"case_id\": "
             "\"QJ-T-1\", \"author_seq\": 2, \"author_prev\": \"%s\", \"case_prev\": \"%s\", "
             "\"recorded_at\": %lld, \"correction\": {\"corrects\": \"%s\", \"reason\": "
             "\"笔误\"}}",
             id2, id2, (long long)T0, id2);
    tlog_add(t, f->admin.pk, f->admin.sk, ENROLL, 3, prev, (long long)T0, wang, "王明",
             "\"ROLE_INVESTIGATOR\"");
    tlog_add(t, f->zhao.pk, f->zhao.sk,
             "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_INTERFERENCE\", \"case_id\": "
             "\"QJ-T-2\", \"author_seq\": 1, \"recorded_at\": %lld, \"interference\": "
             "{\"place\": \"走廊\"}}",
             (long long)T0);
    tlog_add(t, f->admin.pk, f->admin.sk,
             "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_COMPLAINT\", \"case_id\": "
             "\"QJ-T-3\", \"author_seq\": 4%s, \"recorded_at\": %lld, \"complaint\": "
             "{\"received_at\": %lld}}",
             prev, (long long)T0, (long long)T0);
    tlog_add(t, f->wang.pk, f->wang.sk,
             "{\"origin\": \"other.example/log\", \"kind\": \"KIND_INTERFERENCE\", \"case_id\": "
             "\"QJ-T-4\", \"author_seq\": 3%s, \"recorded_at\": %lld, \"interference\": "
             "{\"place\": \"外地\"}}",
             prev, (long long)T0);
    tlog_add(t, log_pk, t->log.sk, ENROLL, 2, prev, (long long)T0, wang, "王明",
             "\"ROLE_HANDLER\"");
    free(admin);
    free(wang);
    free(zhao);
    free(id2);

    f->size = t->n;
    f->cp_len = tlog_checkpoint(t, f->size, false, f->cp);
    f->cp_cosigned_len = tlog_checkpoint(t, f->size, true, f->cp_cosigned);
    f->cp_small_len = tlog_checkpoint(t, 5, false, f->cp_small);
    f->pol.log_key = &t->vlog;
    f->r = malloc(sizeof *f->r);
    assert_non_null(f->r);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < f->t.n; i++)
        free(f->t.leaf[i]);
    memstore_free(&f->t.ms);
    note_signer_wipe(&f->t.log);
    note_signer_wipe(&f->t.witness);
    free(f->r);
    free(f);
    return 0;
}

/* Verify the package of parts a and b, which it frees. */
static package_result *check(fixture *f, part a, part *b)
{
    size_t len;
    uint8_t *pkg = package(&a, b, &len);
    lh_err e = {{0}};
    tu_assert_code(package_verify(pkg, len, &f->pol, f->r, &e), 0, &e);
    free(pkg);
    free(a.text);
    if (b != NULL)
        free(b->text);
    return f->r;
}

/* The package of record `rec` and enrolment `enr`, both at the latest checkpoint. */
static package_result *check_pair(fixture *f, uint64_t rec, uint64_t enr)
{
    part b = tlog_part(&f->t, enr, f->size, f->cp, f->cp_len);
    return check(f, tlog_part(&f->t, rec, f->size, f->cp, f->cp_len), &b);
}

/* The failures are exactly the checks listed (in order), NULL-terminated. */
static void assert_failures(const package_result *r, ...)
{
    va_list ap;
    va_start(ap, r);
    size_t n = 0;
    const char *want;
    while ((want = va_arg(ap, const char *)) != NULL) {
        if (n >= r->nfailures)
            fail_msg("failure %zu should be '%s'; there are %zu", n, want, r->nfailures);
        if (strcmp(r->failure[n].check, want) != 0)
            fail_msg("failure %zu is '%s' (%s), not '%s'", n, r->failure[n].check, r->failure[n].en,
                     want);
        assert_true(r->failure[n].zh[0] != '\0' && r->failure[n].en[0] != '\0');
        n++;
    }
    va_end(ap);
    if (n != r->nfailures)
        fail_msg("%zu failures, %zu expected; the next is '%s': %s", r->nfailures, n,
                 r->failure[n].check, r->failure[n].en);
    assert_int_equal(r->valid, n == 0);
}

/* Failure i's English sentence holds `part`. */
static void assert_says(const package_result *r, size_t i, const char *says)
{
    assert_true(i < r->nfailures);
    if (strstr(r->failure[i].en, says) == NULL)
        fail_msg("failure %zu says \"%s\", not \"%s\"", i, r->failure[i].en, says);
}

/* ---- 1. valid packages ---------------------------------------------------------------------- */

static void test_valid(void **state)
{
    fixture *f = *state;
    package_result *r = check_pair(f, 2, 1);
    assert_failures(r, NULL);
    assert_true(r->valid && r->checkpoint_ok);
    assert_string_equal(r->origin, ORIGIN);
    assert_int_equal(r->tree_size, f->size);
    assert_int_equal(r->record.index, 2);
    assert_int_equal(r->record.kind, LIUHEN__KIND__KIND_INTERFERENCE);
    assert_string_equal(r->record.case_id, "QJ-T-1");
    assert_memory_equal(r->record.author_key, f->wang.pk, 32);
    assert_memory_equal(r->record.entry_id, f->t.id[2], 32);
    assert_int_equal(r->record.integrated_at, T0 + 2000);
    assert_int_equal(r->enrolment.index, 1);
    assert_int_equal(r->enrolment.kind, LIUHEN__KIND__KIND_KEY_ENROLL);
    assert_memory_equal(r->enrolment.author_key, f->admin.pk, 32);
    assert_string_equal(r->holder, "王明");
    assert_string_equal(r->unit, "执法支队");
    assert_int_equal(r->roles, ROLE_BIT(LIUHEN__ROLE__ROLE_HANDLER));
    assert_false(r->enrolled_by_log_key);
    assert_false(r->correction);
    assert_int_equal(r->signature_lines, 1);
    assert_int_equal(r->ncosigners, 0);
    /* No cosignature, an admin's enrolment, the key between, the chains. */
    assert_int_equal(package_limits(r), 4);
}

static void test_valid_enrolled_by_log_key(void **state)
{
    fixture *f = *state;
    package_result *r = check_pair(f, 7, 0);
    assert_failures(r, NULL);
    assert_true(r->enrolled_by_log_key);
    assert_int_equal(r->record.kind, LIUHEN__KIND__KIND_COMPLAINT);
    /* Entry 0 needs no admin behind it: one limit fewer. */
    assert_int_equal(package_limits(r), 3);
    char zh[PACKAGE_TEXT_MAX], en[PACKAGE_TEXT_MAX];
    for (size_t i = 0; i < package_limits(r); i++) {
        package_limit(r, i, zh, en);
        assert_null(strstr(en, "was an admin"));
    }
}

static void test_valid_cosigned(void **state)
{
    fixture *f = *state;
    f->pol.witnesses = &f->t.vwitness;
    f->pol.nwitnesses = 1;
    f->pol.min_cosignatures = 1;
    part b = tlog_part(&f->t, 1, f->size, f->cp_cosigned, f->cp_cosigned_len);
    package_result *r =
        check(f, tlog_part(&f->t, 2, f->size, f->cp_cosigned, f->cp_cosigned_len), &b);
    assert_failures(r, NULL);
    assert_int_equal(r->ncosigners, 1);
    assert_string_equal(r->cosigner[0].name, "witness.example.org/w");
    assert_int_equal(r->cosigner[0].timestamp, 1780000000);
    assert_int_equal(r->signature_lines, 2);
    assert_int_equal(package_limits(r), 3);

    /* The same cosigned package without the witness's key: still valid, the
     * cosignature is not counted. */
    f->pol.witnesses = NULL;
    f->pol.nwitnesses = 0;
    f->pol.min_cosignatures = 0;
    b = tlog_part(&f->t, 1, f->size, f->cp_cosigned, f->cp_cosigned_len);
    r = check(f, tlog_part(&f->t, 2, f->size, f->cp_cosigned, f->cp_cosigned_len), &b);
    assert_failures(r, NULL);
    assert_int_equal(r->ncosigners, 0);
}

static void test_valid_correction(void **state)
{
    fixture *f = *state;
    package_result *r = check_pair(f, 4, 1);
    assert_failures(r, NULL);
    assert_true(r->correction);
    char zh[PACKAGE_TEXT_MAX], en[PACKAGE_TEXT_MAX];
    package_limit(r, package_limits(r) - 1, zh, en);
    assert_non_null(strstr(en, "whether the corrected entry is the author's own"));
}

/* ---- 2. failures ---------------------------------------------------------------------------- */

static void test_format(void **state)
{
    fixture *f = *state;
    part a = tlog_part(&f->t, 2, f->size, f->cp, f->cp_len);
    part b = tlog_part(&f->t, 1, f->size, f->cp, f->cp_len);
    size_t len;
    uint8_t *pkg = package(&a, &b, &len);
    lh_err e = {{0}};
    package_result *r = f->r;

    /* No header, another header, no empty line after it. */
    tu_assert_code(package_verify(pkg + 20, len - 20, &f->pol, r, &e), 0, &e);
    assert_failures(r, "format", NULL);
    assert_says(r, 0, "not an evidence package");
    pkg[17] = '2';
    tu_assert_code(package_verify(pkg, len, &f->pol, r, &e), 0, &e);
    assert_failures(r, "format", NULL);
    pkg[17] = '1';
    tu_assert_code(package_verify(pkg, len, &f->pol, r, &e), 0, &e);
    assert_failures(r, NULL);

    /* Every truncation is refused, as a format failure. */
    for (size_t n = 0; n < len; n++) {
        tu_assert_code(package_verify(pkg, n, &f->pol, r, &e), 0, &e);
        if (r->valid)
            fail_msg("the package cut to %zu of %zu bytes is valid", n, len);
        assert_string_equal(r->failure[0].check, "format");
    }
    /* Part 2 missing, after its empty line or without it. */
    tu_assert_code(package_verify(pkg, 20 + a.len, &f->pol, r, &e), 0, &e);
    assert_failures(r, "format", NULL);
    assert_says(r, 0, "(part 2) is missing");
    /* Something after part 2. */
    uint8_t *more = malloc(len + 2);
    assert_non_null(more);
    memcpy(more, pkg, len);
    memcpy(more + len, "\n\n", 2);
    tu_assert_code(package_verify(more, len + 2, &f->pol, r, &e), 0, &e);
    assert_failures(r, "format", NULL);
    assert_says(r, 0, "2 bytes follow the enrolment's proof");
    /* A part without extra data. */
    memcpy(more, pkg, 20);
    memcpy(more + 20, "c2sp.org/tlog-proof@v1\nindex 2\n\n", 32);
    tu_assert_code(package_verify(more, 52, &f->pol, r, &e), 0, &e);
    assert_failures(r, "format", NULL);
    free(more);
    free(pkg);
    free(a.text);
    free(b.text);

    /* A leaf larger than any leaf of the log. */
    uint8_t *big = calloc(1, ENTRY_LEAF_MAX + 1);
    assert_non_null(big);
    a = tlog_part_as(&f->t, 2, 2, f->size, big, ENTRY_LEAF_MAX + 1, f->cp, f->cp_len);
    b = tlog_part(&f->t, 1, f->size, f->cp, f->cp_len);
    r = check(f, a, &b);
    assert_failures(r, "format", NULL);
    assert_says(r, 0, "longer than the 65535 bytes");
    free(big);
}

static void test_checkpoint(void **state)
{
    fixture *f = *state;
    /* Signed by another key of the log's name. */
    note_signer other;
    note_verifier vother;
    tu_make_signer(&other, &vother, ORIGIN, NOTE_TYPE_ED25519);
    f->pol.log_key = &vother;
    package_result *r = check_pair(f, 2, 1);
    assert_failures(r, "checkpoint", NULL);
    assert_says(r, 0, "the checkpoint does not verify with the log key " ORIGIN);
    assert_false(r->checkpoint_ok);
    f->pol.log_key = &f->t.vlog;
    note_signer_wipe(&other);

    /* One byte of the root changed, in both parts. */
    uint8_t cp[CP_CAP];
    memcpy(cp, f->cp, f->cp_len);
    size_t root_at = strlen(ORIGIN) + 1 + 3; /* origin, size "10", then the root */
    cp[root_at] = cp[root_at] == 'A' ? 'B' : 'A';
    part b = tlog_part(&f->t, 1, f->size, cp, f->cp_len);
    r = check(f, tlog_part(&f->t, 2, f->size, cp, f->cp_len), &b);
    assert_failures(r, "checkpoint", NULL);
}

static void test_cosignature(void **state)
{
    fixture *f = *state;
    f->pol.witnesses = &f->t.vwitness;
    f->pol.nwitnesses = 1;
    f->pol.min_cosignatures = 1;
    /* Not cosigned. */
    package_result *r = check_pair(f, 2, 1);
    assert_failures(r, "cosignature", NULL);
    assert_says(r, 0, "has 0 valid cosignatures by the witnesses given, 1 required");
    /* Cosigned, but the cosignature changed. */
    uint8_t cp[CP_CAP];
    memcpy(cp, f->cp_cosigned, f->cp_cosigned_len);
    size_t at = f->cp_cosigned_len - 20;
    cp[at] = cp[at] == 'A' ? 'B' : 'A';
    part b = tlog_part(&f->t, 1, f->size, cp, f->cp_cosigned_len);
    r = check(f, tlog_part(&f->t, 2, f->size, cp, f->cp_cosigned_len), &b);
    /* One failure: a cosignature that does not verify counts for nothing. */
    assert_failures(r, "cosignature", NULL);
    assert_says(r, 0, "a witness cosignature on the checkpoint does not verify");
    assert_int_equal(package_limits(r), 4);
    /* Asking more than the witnesses given is the caller's error. */
    f->pol.min_cosignatures = 2;
    lh_err e = {{0}};
    tu_assert_code(package_verify((const uint8_t *)"", 0, &f->pol, r, &e), LH_EINVAL, &e);
}

static void test_same_checkpoint(void **state)
{
    fixture *f = *state;
    /* The enrolment against an older checkpoint (it is in both trees). */
    part b = tlog_part(&f->t, 1, 5, f->cp_small, f->cp_small_len);
    package_result *r = check(f, tlog_part(&f->t, 2, f->size, f->cp, f->cp_len), &b);
    assert_failures(r, "same-checkpoint", "inclusion", NULL);
    assert_says(r, 0, "is against another checkpoint (tree size 5");
    assert_says(r, 1, "the inclusion proof of the enrolment (entry 1");
    /* The same tree, one checkpoint cosigned and the other not. */
    b = tlog_part(&f->t, 1, f->size, f->cp_cosigned, f->cp_cosigned_len);
    r = check(f, tlog_part(&f->t, 2, f->size, f->cp, f->cp_len), &b);
    assert_failures(r, "same-checkpoint", NULL);
    assert_says(r, 0, "checkpoints of the same tree with other signature lines");
    /* Another log's checkpoint. */
    note_signer other;
    tu_make_signer(&other, NULL, ORIGIN, NOTE_TYPE_ED25519);
    checkpoint c;
    memset(&c, 0, sizeof c);
    snprintf(c.origin, sizeof c.origin, "%s", ORIGIN);
    c.size = f->size;
    uint8_t cp[CP_CAP];
    size_t len;
    assert_int_equal(checkpoint_sign(&c, &other, cp, sizeof cp, &len, NULL), 0);
    note_signer_wipe(&other);
    b = tlog_part(&f->t, 1, f->size, cp, len);
    r = check(f, tlog_part(&f->t, 2, f->size, f->cp, f->cp_len), &b);
    assert_failures(r, "same-checkpoint", NULL);
    assert_says(r, 0, "does not verify with the log key");
}

static void test_leaf_and_entry(void **state)
{
    fixture *f = *state;
    /* Extra data that is not a leaf. */
    part b = tlog_part(&f->t, 1, f->size, f->cp, f->cp_len);
    package_result *r = check(
        f, tlog_part_as(&f->t, 2, 2, f->size, (const uint8_t *)"hello", 5, f->cp, f->cp_len), &b);
    assert_failures(r, "leaf", "inclusion", NULL);
    assert_says(r, 0, "the extra data of the record (entry 2) is not a leaf of the log");
    /* A leaf whose signed entry is not one. */
    uint8_t leaf[64];
    size_t llen;
    assert_int_equal(entry_leaf_pack((const uint8_t *)"\x0a\x01x", 3, T0, leaf, sizeof leaf, &llen),
                     0);
    b = tlog_part(&f->t, 1, f->size, f->cp, f->cp_len);
    r = check(f, tlog_part_as(&f->t, 2, 2, f->size, leaf, llen, f->cp, f->cp_len), &b);
    assert_failures(r, "leaf", "inclusion", NULL);
    assert_says(r, 0, "does not hold a signed entry");
    /* An entry of another log (in this tree, so it is included). */
    r = check_pair(f, 8, 1);
    assert_failures(r, "entry", NULL);
    assert_says(r, 0, "is not a valid entry of the log " ORIGIN);
    /* A byte of the record's signature changed: the signature, and the leaf
     * is not the log's. */
    uint8_t *copy = malloc(f->t.leaf_len[2]);
    assert_non_null(copy);
    memcpy(copy, f->t.leaf[2], f->t.leaf_len[2]);
    copy[f->t.leaf_len[2] - 20] ^= 1;
    b = tlog_part(&f->t, 1, f->size, f->cp, f->cp_len);
    r = check(f, tlog_part_as(&f->t, 2, 2, f->size, copy, f->t.leaf_len[2], f->cp, f->cp_len), &b);
    assert_failures(r, "signature", "inclusion", NULL);
    assert_says(r, 0, "the author's signature of the record (entry 2) does not verify");
    free(copy);
}

static void test_record_and_inclusion(void **state)
{
    fixture *f = *state;
    /* A key management entry as the record. */
    package_result *r = check_pair(f, 1, 0);
    assert_failures(r, "record", NULL);
    assert_says(r, 0, "the record (entry 1) is a KEY_ENROLL, not a case record");
    /* The proof of another index, as stated for entry 2. */
    part b = tlog_part(&f->t, 1, f->size, f->cp, f->cp_len);
    r = check(f,
              tlog_part_as(&f->t, 3, 2, f->size, f->t.leaf[2], f->t.leaf_len[2], f->cp, f->cp_len),
              &b);
    assert_failures(r, "inclusion", NULL);
    assert_says(r, 0, "the inclusion proof of the record (entry 2");
    /* An index beyond the checkpoint. */
    b = tlog_part(&f->t, 1, f->size, f->cp, f->cp_len);
    r = check(f, tlog_part_as(&f->t, 2, 40, f->size, NULL, 0, f->cp, f->cp_len), &b);
    assert_failures(r, "inclusion", NULL);
    assert_says(r, 0, "the index 40 of the record is beyond the checkpoint's tree size 10");
}

static void test_enrolment(void **state)
{
    fixture *f = *state;
    /* Another key's enrolment. */
    package_result *r = check_pair(f, 6, 1);
    assert_failures(r, "enrolment", NULL);
    assert_says(r, 0, "entry 1 enrols the key");
    /* Not a KEY_ENROLL. */
    r = check_pair(f, 4, 2);
    assert_failures(r, "enrolment", NULL);
    assert_says(r, 0, "entry 2 is a INTERFERENCE, not a KEY_ENROLL");
    /* The key's enrolment after the record, whose roles do not allow it. */
    r = check_pair(f, 2, 5);
    assert_failures(r, "enrolment", "role", NULL);
    assert_says(r, 0, "the enrolment (entry 5) is not before the record (entry 2)");
    /* An enrolment signed by the log key, which signs entry 0 only. */
    r = check_pair(f, 2, 9);
    assert_failures(r, "enrolment", "enrolment", NULL);
    assert_says(r, 0, "the log key signs entry 0 only, and entry 9 is signed by it");
    assert_says(r, 1, "is not before the record");
    /* A role that may not append the kind. */
    r = check_pair(f, 6, 3);
    assert_failures(r, "role", NULL);
    assert_says(r, 0, "the roles enrolled at entry 3 (investigator) may not append a INTERFERENCE");
}

/* Entry 0 signed by an admin key instead of the log key: a log of its own. */
static void test_entry0_not_log_key(void **state)
{
    (void)state;
    tlog t;
    memset(&t, 0, sizeof t);
    tu_make_signer(&t.log, &t.vlog, ORIGIN, NOTE_TYPE_ED25519);
    tu_key admin;
    tu_key_make(&admin, 9, 0x71);
    char *pk = b64_of(admin.pk, 32);
    tlog_add(&t, admin.pk, admin.sk,
             "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_KEY_ENROLL\", \"author_seq\": 1, "
             "\"recorded_at\": %lld, \"key_enroll\": {\"public_key\": \"%s\", \"holder\": \"甲\", "
             "\"roles\": [\"ROLE_ADMIN\", \"ROLE_HANDLER\"]}}",
             (long long)T0, pk);
    tlog_add(&t, admin.pk, admin.sk,
             "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_INTERFERENCE\", \"case_id\": \"QJ-X\", "
             "\"author_seq\": 2, \"author_prev\": \"" H11 "\", \"recorded_at\": %lld, "
             "\"interference\": {\"place\": \"某地\"}}",
             (long long)T0);
    free(pk);
    uint8_t cp[CP_CAP];
    size_t cp_len = tlog_checkpoint(&t, 2, false, cp);
    part a = tlog_part(&t, 1, 2, cp, cp_len), b = tlog_part(&t, 0, 2, cp, cp_len);
    size_t len;
    uint8_t *pkg = package(&a, &b, &len);
    package_policy pol = {.log_key = &t.vlog};
    package_result *r = malloc(sizeof *r);
    assert_non_null(r);
    lh_err e = {{0}};
    tu_assert_code(package_verify(pkg, len, &pol, r, &e), 0, &e);
    assert_failures(r, "enrolment", NULL);
    assert_says(r, 0, "entry 0 must be signed by the log key " ORIGIN);
    free(r);
    free(pkg);
    free(a.text);
    free(b.text);
    for (size_t i = 0; i < t.n; i++)
        free(t.leaf[i]);
    memstore_free(&t.ms);
    note_signer_wipe(&t.log);
}

/* ---- 3. output ------------------------------------------------------------------------------ */

static char *capture(const package_result *r, bool json, bool quiet)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    if (json)
        assert_int_equal(package_print_json(fp, "p.evidence", r), 0);
    else
        package_print_text(fp, "p.evidence", r, quiet);
    long n = ftell(fp);
    assert_true(n > 0);
    rewind(fp);
    char *s = calloc(1, (size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    return s;
}

static void test_output(void **state)
{
    fixture *f = *state;
    f->pol.witnesses = &f->t.vwitness;
    f->pol.nwitnesses = 1;
    part b = tlog_part(&f->t, 1, f->size, f->cp_cosigned, f->cp_cosigned_len);
    package_result *r =
        check(f, tlog_part(&f->t, 2, f->size, f->cp_cosigned, f->cp_cosigned_len), &b);
    assert_true(r->valid);
    /* The text in English (the suite's language), then in Chinese. */
    char *text = capture(r, false, false);
    static const char *const want[] = {
        "verdict: VALID — every check passed\n",
        "  record: entry 2 · INTERFERENCE · case QJ-T-1\n",
        "  author: 王明",
        "    roles: handler · allowed to append INTERFERENCE records",
        "  enrolment: entry 1 · KEY_ENROLL",
        "tree size 10",
        "witness.example.org/w at ",
        "\nlimits:\n",
        "was an admin at the time"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (strstr(text, want[i]) == NULL)
            fail_msg("the text lacks \"%s\":\n%s", want[i], text);
    assert_null(strstr(text, "第2号记录"));
    free(text);
    text = capture(r, false, true);
    assert_non_null(strstr(text, "verdict: VALID"));
    assert_null(strstr(text, "limits:"));
    free(text);
    tu_set_language("zh_CN.UTF-8");
    text = capture(r, false, false);
    static const char *const want_zh[] = {"结论：有效 —— 每项检查均通过\n",
                                          "  记录：第2号记录 · 干预插手记录 · 案件 QJ-T-1\n",
                                          "  记录人：王明",
                                          "    角色：办案人员 · 可记录干预插手记录\n",
                                          "  登记：第1号记录 · 登记密钥 · 存证时间 ",
                                          "树大小 10",
                                          "witness.example.org/w 于 ",
                                          "\n局限：\n",
                                          "该密钥当时是否为系统管理员"};
    for (size_t i = 0; i < sizeof want_zh / sizeof want_zh[0]; i++)
        if (strstr(text, want_zh[i]) == NULL)
            fail_msg("the text lacks \"%s\":\n%s", want_zh[i], text);
    assert_null(strstr(text, "was an admin"));
    free(text);
    tu_set_language("C");

    char *js = capture(r, true, false);
    json_error_t je;
    json_t *o = json_loads(js, 0, &je);
    if (o == NULL)
        fail_msg("not JSON: %s\n%s", je.text, js);
    assert_string_equal(json_string_value(json_object_get(o, "verdict")), "valid");
    assert_int_equal(json_array_size(json_object_get(o, "failures")), 0);
    json_t *rec = json_object_get(o, "record");
    assert_int_equal(json_integer_value(json_object_get(rec, "index")), 2);
    assert_string_equal(json_string_value(json_object_get(rec, "case_id")), "QJ-T-1");
    json_t *au = json_object_get(o, "author");
    assert_string_equal(json_string_value(json_object_get(au, "holder")), "王明");
    assert_string_equal(json_string_value(json_array_get(json_object_get(au, "roles"), 0)),
                        "handler");
    json_t *cs = json_object_get(o, "cosignatures");
    assert_int_equal(json_integer_value(json_object_get(cs, "valid")), 1);
    assert_int_equal(json_array_size(json_object_get(o, "limits")), package_limits(r));
    json_decref(o);
    free(js);

    /* Invalid: the verdict and the failures, nothing else. */
    r = check_pair(f, 6, 1);
    text = capture(r, false, false);
    assert_non_null(strstr(text, "verdict: INVALID — 1 check failed"));
    assert_non_null(strstr(text, "  enrolment: "));
    assert_null(strstr(text, "proved:"));
    free(text);
    js = capture(r, true, false);
    o = json_loads(js, 0, &je);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "verdict")), "invalid");
    assert_int_equal(json_array_size(json_object_get(o, "failures")), 1);
    assert_null(json_object_get(o, "record"));
    json_decref(o);
    free(js);
}

/* Each test starts with the plain policy: the log key, no witness. */
static int reset(void **state)
{
    fixture *f = *state;
    f->pol = (package_policy){.log_key = &f->t.vlog};
    return 0;
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    tu_rng_seed(0x452821e638d01377ULL);
    /* English, whatever the locale the suite runs in. */
    tu_set_language("C");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_valid, reset),
        cmocka_unit_test_setup(test_valid_enrolled_by_log_key, reset),
        cmocka_unit_test_setup(test_valid_cosigned, reset),
        cmocka_unit_test_setup(test_valid_correction, reset),
        cmocka_unit_test_setup(test_format, reset),
        cmocka_unit_test_setup(test_checkpoint, reset),
        cmocka_unit_test_setup(test_cosignature, reset),
        cmocka_unit_test_setup(test_same_checkpoint, reset),
        cmocka_unit_test_setup(test_leaf_and_entry, reset),
        cmocka_unit_test_setup(test_record_and_inclusion, reset),
        cmocka_unit_test_setup(test_enrolment, reset),
        cmocka_unit_test(test_entry0_not_log_key),
        cmocka_unit_test_setup_teardown(test_output, reset, tu_english),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
