/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_tlogproof.c — C2SP transparency log proofs (client/core/tlogproof.c,
 * c2sp.org/tlog-proof).
 *
 * 1. Known answer: the proof of leaf 5 ("leaf-5") in the tree of 17 of
 *    tests/vectors (merkle.txt and checkpoint.txt), written byte for byte
 *    as the text of c2sp.org/tlog-proof says, read back, and verified.
 * 2. Random round trips: extra absent, empty or random, indexes up to
 *    2^64-1, 0 to 64 hashes, checkpoints with witness cosignatures; several
 *    proofs read one after the other from one buffer.
 * 3. Tamper: every bit of the known-answer proof flipped, each refused by
 *    the parser or by the verification that follows it.
 * 4. Malformed input, each refused with its code and a message naming the
 *    line; every truncation; what the writer refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "checkpoint.h"
#include "cosig.h"
#include "merkle.h"
#include "note.h"
#include "testutil.h"
#include "tlogproof.h"
#include "vec.h"

#define EXTRA_CAP 4096

/* ---- the vectors ---------------------------------------------------------------------------- */

/* The vector facts of one proof: leaf 5 in the tree of 17. */
typedef struct kat {
    uint8_t *checkpoint; /* checkpoint.txt "checkpoint 17", decoded */
    size_t checkpoint_len;
    char vkey[NOTE_VKEY_MAX + 1];
    char *proof_b64; /* merkle.txt "inclusion 5 17": comma-separated base64 */
} kat;

static void kat_load(kat *k)
{
    memset(k, 0, sizeof *k);
    vec_file vf;
    vec_line *l;
    vec_open(&vf, "checkpoint.txt");
    while ((l = vec_next(&vf)) != NULL) {
        if (strcmp(l->field[0], "vkey") == 0)
            snprintf(k->vkey, sizeof k->vkey, "%s", l->field[1]);
        else if (strcmp(l->field[0], "checkpoint") == 0 && strcmp(l->field[1], "17") == 0)
            k->checkpoint = vec_b64(l->field[2], &k->checkpoint_len);
    }
    vec_close(&vf);
    vec_open(&vf, "merkle.txt");
    while ((l = vec_next(&vf)) != NULL) {
        if (strcmp(l->field[0], "inclusion") == 0 && strcmp(l->field[1], "5") == 0 &&
            strcmp(l->field[2], "17") == 0)
            k->proof_b64 = strdup(l->field[3]);
    }
    vec_close(&vf);
    assert_non_null(k->checkpoint);
    assert_non_null(k->proof_b64);
    assert_true(k->vkey[0] != '\0');
}

static void kat_free(kat *k)
{
    free(k->checkpoint);
    free(k->proof_b64);
}

/* The proof text as the specification lays it out, built by hand. */
static char *kat_text(const kat *k)
{
    size_t cap = 4096 + k->checkpoint_len;
    char *t = malloc(cap);
    assert_non_null(t);
    /* "leaf-5" is bGVhZi01 in base64. */
    int n = snprintf(t, cap, "c2sp.org/tlog-proof@v1\nextra bGVhZi01\nindex 5\n");
    for (const char *p = k->proof_b64; *p != '\0'; p++)
        t[n++] = *p == ',' ? '\n' : *p;
    t[n++] = '\n';
    t[n++] = '\n';
    memcpy(t + n, k->checkpoint, k->checkpoint_len);
    t[n + k->checkpoint_len] = '\0';
    return t;
}

/* Open the proof's checkpoint with the log key and verify its inclusion
 * proof for the leaf whose bytes are the extra data. */
static int verify(const tlogproof *p, const note_verifier *log_key)
{
    checkpoint_opened *o = malloc(sizeof *o);
    assert_non_null(o);
    int rc = checkpoint_open(p->checkpoint, p->checkpoint_len, log_key, NULL, 0, o, NULL);
    if (rc == 0 && !p->has_extra)
        rc = LH_EPROOF;
    if (rc == 0) {
        uint8_t leaf[MERKLE_HASH_SIZE];
        merkle_leaf_hash(leaf, p->extra, p->extra_len);
        rc = merkle_verify_inclusion(p->hashes[0], p->nhashes, p->index, o->cp.size, leaf,
                                     o->cp.root);
    }
    free(o);
    return rc;
}

/* ---- 1. Known answer ------------------------------------------------------------------------ */

static void test_known_answer(void **state)
{
    (void)state;
    kat k;
    kat_load(&k);
    char *want = kat_text(&k);
    size_t want_len = strlen(want);
    lh_err e = {{0}};

    /* Read: every field as the vectors give it. */
    uint8_t extra[EXTRA_CAP];
    tlogproof *p = malloc(sizeof *p);
    assert_non_null(p);
    size_t end = 0;
    tu_assert_code(
        tlogproof_parse((const uint8_t *)want, want_len, extra, sizeof extra, p, &end, &e), 0, &e);
    assert_int_equal(end, want_len);
    assert_true(p->has_extra);
    assert_int_equal(p->extra_len, 6);
    assert_memory_equal(p->extra, "leaf-5", 6);
    assert_ptr_equal(p->extra, extra);
    assert_int_equal(p->index, 5);
    assert_int_equal(p->nhashes, 5);
    assert_ptr_equal(p->checkpoint, (const uint8_t *)want + want_len - k.checkpoint_len);
    assert_int_equal(p->checkpoint_len, k.checkpoint_len);

    /* It verifies: the checkpoint with the vector log key, the proof of leaf-5. */
    note_verifier log_key;
    assert_int_equal(note_vkey_parse(k.vkey, strlen(k.vkey), &log_key, NULL), 0);
    assert_int_equal(verify(p, &log_key), 0);

    /* Written: exactly the text of the specification. */
    uint8_t out[8192];
    size_t out_len = 0;
    tu_assert_code(tlogproof_format(out, sizeof out, &out_len, p, &e), 0, &e);
    assert_int_equal(out_len, want_len);
    assert_memory_equal(out, want, want_len);

    /* Asked for its length first, it says how much it needs. */
    tu_assert_code(tlogproof_format(NULL, 0, &out_len, p, &e), LH_ELENGTH, &e);
    assert_int_equal(out_len, want_len);
    tu_assert_code(tlogproof_format(out, want_len - 1, &out_len, p, &e), LH_ELENGTH, &e);
    tu_assert_code(tlogproof_format(out, want_len, &out_len, p, &e), 0, &e);

    free(p);
    free(want);
    kat_free(&k);
}

/* ---- 2. Round trips ------------------------------------------------------------------------- */

/* A signed checkpoint of random size and root by log, cosigned by the
 * witnesses given. */
static size_t make_checkpoint(uint8_t *out, size_t cap, const note_signer *log,
                              const note_verifier *vlog, const note_signer *wit, size_t nwit)
{
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", log->name);
    cp.size = tu_rng();
    tu_rng_bytes(cp.root, sizeof cp.root);
    size_t len;
    lh_err e = {{0}};
    tu_assert_code(checkpoint_sign(&cp, log, out, cap, &len, &e), 0, &e);
    uint8_t *tmp = malloc(cap);
    assert_non_null(tmp);
    for (size_t i = 0; i < nwit; i++) {
        size_t n;
        tu_assert_code(cosig_append(out, len, vlog, &wit[i], 1700000000 + i, tmp, cap, &n, &e), 0,
                       &e);
        memcpy(out, tmp, n);
        len = n;
    }
    free(tmp);
    return len;
}

static void assert_same_proof(const tlogproof *a, const tlogproof *b)
{
    assert_int_equal(a->has_extra, b->has_extra);
    assert_int_equal(a->extra_len, b->extra_len);
    if (a->extra_len > 0)
        assert_memory_equal(a->extra, b->extra, a->extra_len);
    assert_int_equal(a->index, b->index);
    assert_int_equal(a->nhashes, b->nhashes);
    assert_memory_equal(a->hashes, b->hashes, a->nhashes * MERKLE_HASH_SIZE);
    assert_int_equal(a->checkpoint_len, b->checkpoint_len);
    assert_memory_equal(a->checkpoint, b->checkpoint, a->checkpoint_len);
}

static void test_round_trip(void **state)
{
    (void)state;
    note_signer log, wit[3];
    note_verifier vlog;
    tu_make_signer(&log, &vlog, "log.example/round-trip", NOTE_TYPE_ED25519);
    for (size_t i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "witness%zu.example", i);
        tu_make_signer(&wit[i], NULL, name, NOTE_TYPE_COSIG);
    }
    static const uint64_t indexes[] = {0, 1, 9, 10, 4294967296ULL, UINT64_MAX};
    uint8_t cp[CHECKPOINT_SIGNED_MAX + 4 * NOTE_SIGLINE_MAX];
    uint8_t extra_in[EXTRA_CAP], extra_out[EXTRA_CAP];
    size_t bufcap = 2 * (EXTRA_CAP * 2 + TLOGPROOF_HASHES_MAX * 45 + sizeof cp + 256);
    uint8_t *buf = malloc(bufcap), *again = malloc(bufcap);
    tlogproof *p = malloc(sizeof *p), *q = malloc(sizeof *q);
    assert_true(buf != NULL && again != NULL && p != NULL && q != NULL);
    lh_err e = {{0}};

    for (int round = 0; round < 300; round++) {
        memset(p, 0, sizeof *p);
        switch (round % 3) {
        case 0: break; /* no extra line */
        case 1: p->has_extra = true; break;
        default:
            p->has_extra = true;
            p->extra_len = 1 + tu_rng_below(EXTRA_CAP);
            tu_rng_bytes(extra_in, p->extra_len);
            p->extra = extra_in;
        }
        p->index = round < 6 ? indexes[round] : tu_rng() >> tu_rng_below(64);
        p->nhashes = round == 7 ? TLOGPROOF_HASHES_MAX : tu_rng_below(TLOGPROOF_HASHES_MAX + 1);
        tu_rng_bytes(p->hashes[0], p->nhashes * MERKLE_HASH_SIZE);
        p->checkpoint = cp;
        p->checkpoint_len = make_checkpoint(cp, sizeof cp, &log, &vlog, wit, round % 4);

        size_t len;
        tu_assert_code(tlogproof_format(buf, bufcap / 2, &len, p, &e), 0, &e);
        size_t end;
        tu_assert_code(tlogproof_parse(buf, len, extra_out, sizeof extra_out, q, &end, &e), 0, &e);
        assert_int_equal(end, len);
        assert_same_proof(p, q);
        /* The parse points into what it read. */
        assert_ptr_equal(q->checkpoint, buf + len - p->checkpoint_len);

        /* Two proofs in one buffer, an empty line between them (as an
         * evidence package holds them): each is read, and says where it
         * ended. */
        memcpy(buf + len, "\n", 1);
        memcpy(buf + len + 1, buf, len);
        tu_assert_code(tlogproof_parse(buf, 2 * len + 1, extra_out, sizeof extra_out, q, &end, &e),
                       0, &e);
        assert_int_equal(end, len);
        assert_same_proof(p, q);
        tu_assert_code(
            tlogproof_parse(buf + end + 1, len, extra_out, sizeof extra_out, q, &end, &e), 0, &e);
        assert_int_equal(end, len);
        assert_same_proof(p, q);

        /* Reading and writing again gives the same bytes: one text per proof. */
        size_t len2;
        tu_assert_code(tlogproof_format(again, bufcap, &len2, q, &e), 0, &e);
        assert_int_equal(len2, len);
        assert_memory_equal(again, buf + len + 1, len);
    }
    note_signer_wipe(&log);
    for (size_t i = 0; i < 3; i++)
        note_signer_wipe(&wit[i]);
    free(buf);
    free(again);
    free(p);
    free(q);
}

/* ---- 3. Tamper ------------------------------------------------------------------------------ */

/* Every single-bit change of the known-answer proof is refused: by the
 * parser, or by the checkpoint's signature or the inclusion proof. */
static void test_tamper(void **state)
{
    (void)state;
    kat k;
    kat_load(&k);
    char *text = kat_text(&k);
    size_t len = strlen(text);
    note_verifier log_key;
    assert_int_equal(note_vkey_parse(k.vkey, strlen(k.vkey), &log_key, NULL), 0);
    uint8_t *t = malloc(len);
    uint8_t extra[EXTRA_CAP];
    tlogproof *p = malloc(sizeof *p);
    assert_true(t != NULL && p != NULL);
    size_t parsed = 0;
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(t, text, len);
            t[i] ^= (uint8_t)(1u << bit);
            size_t end;
            lh_err e = {{0}};
            if (tlogproof_parse(t, len, extra, sizeof extra, p, &end, &e) != 0) {
                assert_true(e.msg[0] != '\0');
                continue;
            }
            parsed++;
            if (end == len && verify(p, &log_key) == 0)
                fail_msg("byte %zu bit %d changed, and the proof still verifies", i, bit);
        }
    }
    /* Some changes do parse (an index or a hash still well formed): they
     * are caught by the verification, which this test must reach. */
    assert_true(parsed > 0);
    free(p);
    free(t);
    free(text);
    kat_free(&k);
}

/* ---- 4. Malformed input --------------------------------------------------------------------- */

/* A proof, with the vector checkpoint appended after its text when
 * with_checkpoint is set. */
static uint8_t *with_cp(const kat *k, const char *head, bool with_checkpoint, size_t *len)
{
    size_t h = strlen(head);
    uint8_t *b = malloc(h + k->checkpoint_len + 1);
    assert_non_null(b);
    memcpy(b, head, h);
    *len = h;
    if (with_checkpoint) {
        memcpy(b + h, k->checkpoint, k->checkpoint_len);
        *len += k->checkpoint_len;
    }
    return b;
}

#define H32 "ERERERERERERERERERERERERERERERERERERERERERE=" /* 32 bytes of 0x11 */

typedef struct bad {
    const char *name;
    const char *head; /* the proof up to its checkpoint */
    bool checkpoint;  /* append the vector checkpoint */
    int code;
    const char *msg; /* a part of the message */
} bad;

static const bad bads[] = {
    {"empty input", "", false, LH_EPARSE, "line 1"},
    {"another version", "c2sp.org/tlog-proof@v2\nindex 1\n\n", true, LH_EPARSE, "line 1"},
    {"header with CRLF", "c2sp.org/tlog-proof@v1\r\nindex 1\n\n", true, LH_EPARSE, "line 1"},
    {"header only", "c2sp.org/tlog-proof@v1\n", false, LH_EPARSE, "line 2"},
    {"header without newline", "c2sp.org/tlog-proof@v1", false, LH_EPARSE, "line 1"},
    {"index line without newline", "c2sp.org/tlog-proof@v1\nindex 1", false, LH_EPARSE, "line 2"},
    {"no index line", "c2sp.org/tlog-proof@v1\n\n", true, LH_EPARSE, "line 2: expected"},
    {"extra without a space", "c2sp.org/tlog-proof@v1\nextraQQ==\nindex 1\n\n", true, LH_EPARSE,
     "line 2: expected"},
    {"extra unpadded", "c2sp.org/tlog-proof@v1\nextra QQ\nindex 1\n\n", true, LH_EBASE64, "line 2"},
    {"extra non-canonical", "c2sp.org/tlog-proof@v1\nextra QR==\nindex 1\n\n", true, LH_EBASE64,
     "line 2"},
    {"extra in URL alphabet", "c2sp.org/tlog-proof@v1\nextra _-8=\nindex 1\n\n", true, LH_EBASE64,
     "line 2"},
    {"extra after index", "c2sp.org/tlog-proof@v1\nindex 1\nextra QQ==\n\n", true, LH_EBASE64,
     "line 3: inclusion proof hash 1"},
    {"two extra lines", "c2sp.org/tlog-proof@v1\nextra QQ==\nextra QQ==\nindex 1\n\n", true,
     LH_EPARSE, "line 3: expected \"index"},
    {"extra, then nothing", "c2sp.org/tlog-proof@v1\nextra QQ==\n", false, LH_EPARSE, "line 3"},
    {"index capitalised", "c2sp.org/tlog-proof@v1\nIndex 1\n\n", true, LH_EPARSE, "line 2"},
    {"index without number", "c2sp.org/tlog-proof@v1\nindex \n\n", true, LH_EPARSE, "no number"},
    {"index leading zero", "c2sp.org/tlog-proof@v1\nindex 01\n\n", true, LH_EPARSE, "leading zero"},
    {"index 00", "c2sp.org/tlog-proof@v1\nindex 00\n\n", true, LH_EPARSE, "leading zero"},
    {"index negative", "c2sp.org/tlog-proof@v1\nindex -1\n\n", true, LH_EPARSE, "decimal"},
    {"index plus sign", "c2sp.org/tlog-proof@v1\nindex +1\n\n", true, LH_EPARSE, "decimal"},
    {"index two spaces", "c2sp.org/tlog-proof@v1\nindex  1\n\n", true, LH_EPARSE, "decimal"},
    {"index trailing space", "c2sp.org/tlog-proof@v1\nindex 1 \n\n", true, LH_EPARSE, "decimal"},
    {"index hex", "c2sp.org/tlog-proof@v1\nindex 0x10\n\n", true, LH_EPARSE, "decimal"},
    {"index CRLF", "c2sp.org/tlog-proof@v1\nindex 1\r\n\n", true, LH_EPARSE, "decimal"},
    {"index 2^64", "c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\n", true, LH_ERANGE,
     "2^64"},
    {"hash of 31 bytes",
     "c2sp.org/tlog-proof@v1\nindex 1\nEREREREREREREREREREREREREREREREREREREREREQ==\n\n", true,
     LH_ELENGTH, "line 3: inclusion proof hash 1"},
    {"hash of 33 bytes",
     "c2sp.org/tlog-proof@v1\nindex 1\nEREREREREREREREREREREREREREREREREREREREREREQ\n\n", true,
     LH_ELENGTH, "hash 1"},
    {"hash non-canonical",
     "c2sp.org/tlog-proof@v1\nindex 1\nERERERERERERERERERERERERERERERERERERERERERF=\n\n", true,
     LH_EBASE64, "hash 1"},
    {"hash in hex",
     "c2sp.org/tlog-proof@v1\nindex 1\n" H32
     "\n1111111111111111111111111111111111111111111111111111111111111111\n\n",
     true, LH_ELENGTH, "line 4: inclusion proof hash 2"},
    {"hash with a space", "c2sp.org/tlog-proof@v1\nindex 1\n " H32 "\n\n", true, LH_EBASE64,
     "hash 1"},
    {"no empty line before the checkpoint", "c2sp.org/tlog-proof@v1\nindex 1\n" H32 "\n", true,
     LH_EBASE64, "line 4: inclusion proof hash 2"},
    {"proof ends before the empty line", "c2sp.org/tlog-proof@v1\nindex 1\n" H32 "\n", false,
     LH_EPARSE, "line 4: the proof ends"},
    {"no checkpoint", "c2sp.org/tlog-proof@v1\nindex 1\n\n", false, LH_EPARSE,
     "line 4: the checkpoint ends"},
    {"empty checkpoint", "c2sp.org/tlog-proof@v1\nindex 1\n\n\n", true, LH_EPARSE,
     "line 4: the checkpoint is empty"},
    {"checkpoint without signatures",
     "c2sp.org/tlog-proof@v1\nindex 1\n\nexample.org/log\n1\n" H32 "\n\n", false, LH_EPARSE,
     "line 8: the checkpoint has no signature line"},
    {"checkpoint without its empty line",
     "c2sp.org/tlog-proof@v1\nindex 1\n\nexample.org/log\n1\n" H32 "\n— example.org/log QQ==\n",
     false, LH_EPARSE, "line 8: the checkpoint ends"},
    {"signature line without newline",
     "c2sp.org/tlog-proof@v1\nindex 1\n\nexample.org/log\n1\n" H32 "\n\n— example.org/log QQ==",
     false, LH_EPARSE, "line 8: the checkpoint's last signature line has no newline"},
    {"checkpoint text without newline", "c2sp.org/tlog-proof@v1\nindex 1\n\nexample.org/log", false,
     LH_EPARSE, "line 4: the checkpoint ends without a newline"},
};

static void test_parse_malformed(void **state)
{
    (void)state;
    kat k;
    kat_load(&k);
    uint8_t extra[EXTRA_CAP];
    tlogproof *p = malloc(sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        const bad *b = &bads[i];
        size_t len, end = 12345;
        uint8_t *in = with_cp(&k, b->head, b->checkpoint, &len);
        lh_err e = {{0}};
        memset(p, 0x5a, sizeof *p);
        int rc = tlogproof_parse(in, len, extra, sizeof extra, p, &end, &e);
        if (rc != b->code)
            fail_msg("%s: got %s, want %s (%s)", b->name, lh_errname(rc), lh_errname(b->code),
                     e.msg);
        if (strstr(e.msg, b->msg) == NULL)
            fail_msg("%s: the message \"%s\" does not mention \"%s\"", b->name, e.msg, b->msg);
        assert_true(strncmp(e.msg, "tlog-proof", 10) == 0);
        /* Nothing is written on error. */
        assert_int_equal(end, 12345);
        assert_int_equal(p->index, 0x5a5a5a5a5a5a5a5aULL);
        free(in);
    }
    free(p);
    kat_free(&k);
}

static void test_parse_limits(void **state)
{
    (void)state;
    kat k;
    kat_load(&k);
    tlogproof *p = malloc(sizeof *p);
    assert_non_null(p);
    uint8_t extra[EXTRA_CAP];
    lh_err e = {{0}};
    size_t end, len;

    /* 2^64-1 is the largest index. */
    uint8_t *in = with_cp(&k, "c2sp.org/tlog-proof@v1\nindex 18446744073709551615\n\n", true, &len);
    tu_assert_code(tlogproof_parse(in, len, NULL, 0, p, &end, &e), 0, &e);
    assert_int_equal(p->index, UINT64_MAX);
    assert_false(p->has_extra);
    assert_null(p->extra);
    free(in);

    /* An empty extra line is extra data of no bytes, even without a buffer. */
    in = with_cp(&k, "c2sp.org/tlog-proof@v1\nextra \nindex 0\n\n", true, &len);
    tu_assert_code(tlogproof_parse(in, len, NULL, 0, p, &end, &e), 0, &e);
    assert_true(p->has_extra);
    assert_int_equal(p->extra_len, 0);
    free(in);

    /* Extra data longer than the reader's buffer. */
    in = with_cp(&k, "c2sp.org/tlog-proof@v1\nextra QUJD\nindex 0\n\n", true, &len);
    tu_assert_code(tlogproof_parse(in, len, extra, 2, p, &end, &e), LH_ETOOBIG, &e);
    tu_assert_msg_has(&e, "longer than the 2 bytes");
    tu_assert_code(tlogproof_parse(in, len, NULL, 0, p, &end, &e), LH_ETOOBIG, &e);
    tu_assert_code(tlogproof_parse(in, len, extra, 3, p, &end, &e), 0, &e);
    assert_memory_equal(p->extra, "ABC", 3);
    free(in);

    /* 64 hashes are read, 65 refused. */
    char *head = malloc(64 + 65 * 45);
    assert_non_null(head);
    for (size_t nh = 64; nh <= 65; nh++) {
        strcpy(head, "c2sp.org/tlog-proof@v1\nindex 7\n");
        for (size_t i = 0; i < nh; i++)
            strcat(head, H32 "\n");
        strcat(head, "\n");
        in = with_cp(&k, head, true, &len);
        if (nh == 64) {
            tu_assert_code(tlogproof_parse(in, len, NULL, 0, p, &end, &e), 0, &e);
            assert_int_equal(p->nhashes, 64);
        } else {
            tu_assert_code(tlogproof_parse(in, len, NULL, 0, p, &end, &e), LH_ETOOBIG, &e);
            tu_assert_msg_has(&e, "line 67: more than 64 inclusion proof hashes");
        }
        free(in);
    }
    free(head);

    /* A checkpoint larger than a signed note may be. */
    size_t big = NOTE_MAX_SIZE + 64;
    in = malloc(big);
    assert_non_null(in);
    const char *h = "c2sp.org/tlog-proof@v1\nindex 0\n\nexample.org/log\n";
    memcpy(in, h, strlen(h));
    memset(in + strlen(h), 'x', big - strlen(h));
    in[big - 1] = '\n';
    tu_assert_code(tlogproof_parse(in, big, NULL, 0, p, &end, &e), LH_ETOOBIG, &e);
    tu_assert_msg_has(&e, "larger than");
    free(in);

    /* What follows the checkpoint's last signature line is not read: the
     * caller decides (end says where the proof stopped). */
    in = with_cp(&k, "c2sp.org/tlog-proof@v1\nindex 0\n\n", true, &len);
    uint8_t *more = malloc(len + 16);
    assert_non_null(more);
    memcpy(more, in, len);
    memcpy(more + len, "trailing\n", 9);
    tu_assert_code(tlogproof_parse(more, len + 9, NULL, 0, p, &end, &e), 0, &e);
    assert_int_equal(end, len);
    free(more);
    free(in);

    /* NULL arguments. */
    tu_assert_code(tlogproof_parse(NULL, 1, NULL, 0, p, &end, &e), LH_EINVAL, &e);
    tu_assert_code(tlogproof_parse((const uint8_t *)"x", 1, NULL, 0, NULL, &end, &e), LH_EINVAL,
                   &e);
    tu_assert_code(tlogproof_parse((const uint8_t *)"x", 1, NULL, 0, p, NULL, &e), LH_EINVAL, &e);
    tu_assert_code(tlogproof_parse((const uint8_t *)"x", 1, NULL, 5, p, &end, &e), LH_EINVAL, &e);
    free(p);
    kat_free(&k);
}

/* Every truncation of a proof whose checkpoint has one signature line is
 * refused; with cosignatures, a cut after a whole signature line reads as
 * the proof with fewer of them, and anything else is refused. */
static void test_truncated(void **state)
{
    (void)state;
    note_signer log, wit[2];
    note_verifier vlog;
    tu_make_signer(&log, &vlog, "log.example/truncated", NOTE_TYPE_ED25519);
    tu_make_signer(&wit[0], NULL, "w0.example", NOTE_TYPE_COSIG);
    tu_make_signer(&wit[1], NULL, "w1.example", NOTE_TYPE_COSIG);
    uint8_t cp[CHECKPOINT_SIGNED_MAX + 2 * NOTE_SIGLINE_MAX];
    uint8_t extra[16] = "leaf", buf[8192];
    tlogproof *p = malloc(sizeof *p), *q = malloc(sizeof *q);
    assert_true(p != NULL && q != NULL);
    for (size_t nwit = 0; nwit <= 2; nwit++) {
        memset(p, 0, sizeof *p);
        p->has_extra = true;
        p->extra = extra;
        p->extra_len = 4;
        p->index = 3;
        p->nhashes = 2;
        p->checkpoint = cp;
        p->checkpoint_len = make_checkpoint(cp, sizeof cp, &log, &vlog, wit, nwit);
        size_t len, end;
        lh_err e = {{0}};
        tu_assert_code(tlogproof_format(buf, sizeof buf, &len, p, &e), 0, &e);
        size_t accepted = 0;
        for (size_t n = 0; n < len; n++) {
            uint8_t out[16];
            int rc = tlogproof_parse(buf, n, out, sizeof out, q, &end, &e);
            if (rc != 0) {
                assert_int_equal(rc, LH_EPARSE);
                continue;
            }
            /* Only after a whole cosignature line; what follows it, a
             * part of the next one too short to be told a signature
             * line, is left to the caller (end < n). */
            assert_true(nwit > 0);
            assert_true(end <= n && n - end < 4);
            assert_int_equal(buf[end - 1], '\n');
            assert_true(end < len && end > len - p->checkpoint_len);
            accepted += end == n;
        }
        assert_int_equal(accepted, nwit);
    }
    note_signer_wipe(&log);
    note_signer_wipe(&wit[0]);
    note_signer_wipe(&wit[1]);
    free(p);
    free(q);
}

static void test_format_malformed(void **state)
{
    (void)state;
    kat k;
    kat_load(&k);
    tlogproof *p = malloc(sizeof *p);
    assert_non_null(p);
    uint8_t out[8192];
    size_t len;
    lh_err e = {{0}};

    memset(p, 0, sizeof *p);
    p->checkpoint = k.checkpoint;
    p->checkpoint_len = k.checkpoint_len;
    tu_assert_code(tlogproof_format(out, sizeof out, &len, p, &e), 0, &e);

    tu_assert_code(tlogproof_format(out, sizeof out, NULL, p, &e), LH_EINVAL, &e);
    tu_assert_code(tlogproof_format(out, sizeof out, &len, NULL, &e), LH_EINVAL, &e);
    tu_assert_code(tlogproof_format(NULL, 10, &len, p, &e), LH_EINVAL, &e);

    p->nhashes = TLOGPROOF_HASHES_MAX + 1;
    tu_assert_code(tlogproof_format(out, sizeof out, &len, p, &e), LH_EINVAL, &e);
    tu_assert_msg_has(&e, "65 inclusion proof hashes");
    p->nhashes = 0;

    p->has_extra = true;
    p->extra_len = 3;
    tu_assert_code(tlogproof_format(out, sizeof out, &len, p, &e), LH_EINVAL, &e);
    p->extra = (const uint8_t *)"abc";
    p->has_extra = false;
    tu_assert_code(tlogproof_format(out, sizeof out, &len, p, &e), LH_EINVAL, &e);
    p->has_extra = true;
    tu_assert_code(tlogproof_format(out, sizeof out, &len, p, &e), 0, &e);

    /* The checkpoint must be one signed note, and nothing after it. */
    uint8_t cp[4096];
    memcpy(cp, k.checkpoint, k.checkpoint_len);
    memcpy(cp + k.checkpoint_len, "x\n", 2);
    p->checkpoint = cp;
    p->checkpoint_len = k.checkpoint_len + 2;
    tu_assert_code(tlogproof_format(out, sizeof out, &len, p, &e), LH_EPARSE, &e);
    tu_assert_msg_has(&e, "2 bytes follow the checkpoint");
    p->checkpoint_len = k.checkpoint_len - 1;
    tu_assert_code(tlogproof_format(out, sizeof out, &len, p, &e), LH_EPARSE, &e);
    tu_assert_msg_has(&e, "no newline");
    p->checkpoint = (const uint8_t *)"origin\n1\nroot\n";
    p->checkpoint_len = strlen((const char *)p->checkpoint);
    tu_assert_code(tlogproof_format(out, sizeof out, &len, p, &e), LH_EPARSE, &e);
    tu_assert_msg_has(&e, "checkpoint line 4");
    p->checkpoint = (const uint8_t *)"";
    p->checkpoint_len = 0;
    tu_assert_code(tlogproof_format(out, sizeof out, &len, p, &e), LH_EPARSE, &e);
    free(p);
    kat_free(&k);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    tu_rng_seed(0x13198a2e03707344ULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),     cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tamper),           cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_parse_limits),     cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_format_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
