/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_witness.c — C2SP tlog-witness bodies and rules (client/core/witness.c).
 *
 * 1. witness_request_parse(): valid bodies with 0, 1 and 63 proof lines;
 *    every malformation of the old size line, the proof lines, the empty
 *    line and the checkpoint, each with its code.
 * 2. witness_request_format(): round trips through the parser, its limits.
 * 3. witness_check(): one row per rule of tlog-witness, over logs and
 *    proofs built here (note_signer_from_seed(), checkpoint_sign(), a
 *    memstore tree and merkle_consistency_proof()): the status, whether it
 *    is misbehaviour (only when the log signed something inconsistent with
 *    what was cosigned), the log's index and the latest size.
 * 4. witness_conflict_size() and witness_response_cosig(), the client's side.
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
#include "memstore.h"
#include "merkle.h"
#include "note.h"
#include "testutil.h"
#include "text.h"
#include "witness.h"

#define ORIGIN       "example.org/witness-test-log"
#define OTHER_ORIGIN "example.org/another-log"
#define TREE_MAX     20
/* Leaves shared by tree A and its fork B. */
#define FORK_AT 3

static note_signer log_signer, other_signer, impostor, witness_signer, witness2_signer;
static note_verifier log_key, other_key, witness_key, witness2_key;
/* Tree A: "leaf-<i>"; tree B: the same first FORK_AT leaves, then "fork-<i>". */
static memstore tree_a, tree_b;

static void fill(memstore *ms, const char *tag)
{
    for (uint64_t i = 0; i < TREE_MAX; i++) {
        char data[32];
        int n = snprintf(data, sizeof data, "%s-%llu", i < FORK_AT ? "leaf" : tag,
                         (unsigned long long)i);
        uint8_t h[MERKLE_HASH_SIZE];
        merkle_leaf_hash(h, (const uint8_t *)data, (size_t)n);
        assert_int_equal(memstore_append(ms, h), 0);
    }
}

static int setup(void **state)
{
    (void)state;
    tu_make_signer(&log_signer, &log_key, ORIGIN, NOTE_TYPE_ED25519);
    tu_make_signer(&other_signer, &other_key, OTHER_ORIGIN, NOTE_TYPE_ED25519);
    /* Another key under the log's name: its signatures are not the log's. */
    tu_make_signer(&impostor, NULL, ORIGIN, NOTE_TYPE_ED25519);
    tu_make_signer(&witness_signer, &witness_key, "witness.example.org/w1", NOTE_TYPE_COSIG);
    tu_make_signer(&witness2_signer, &witness2_key, "witness.example.org/w2", NOTE_TYPE_COSIG);
    fill(&tree_a, "leaf");
    fill(&tree_b, "fork");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    memstore_free(&tree_a);
    memstore_free(&tree_b);
    note_signer_wipe(&log_signer);
    note_signer_wipe(&other_signer);
    note_signer_wipe(&impostor);
    note_signer_wipe(&witness_signer);
    note_signer_wipe(&witness2_signer);
    return 0;
}

static void root_of(memstore *ms, uint64_t n, uint8_t root[MERKLE_HASH_SIZE])
{
    assert_int_equal(merkle_tree_hash(root, n, memstore_read, ms), 0);
}

/* The checkpoint of tree ms at size n, signed by s (whose name is its origin). */
static size_t signed_checkpoint(const note_signer *s, memstore *ms, uint64_t n, uint8_t *out,
                                size_t cap)
{
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", s->name);
    cp.size = n;
    root_of(ms, n, cp.root);
    size_t len = 0;
    lh_err e = {{0}};
    tu_assert_code(checkpoint_sign(&cp, s, out, cap, &len, &e), 0, &e);
    return len;
}

/* ---- 1. parsing ------------------------------------------------------------------------------ */

/* A body made of a head (the old size line and proof lines) and a note. */
static size_t body_of(uint8_t *out, const char *head, const uint8_t *note, size_t note_len)
{
    size_t h = strlen(head);
    memcpy(out, head, h);
    memcpy(out + h, note, note_len);
    return h + note_len;
}

static void test_parse_valid(void **state)
{
    (void)state;
    uint8_t note[CHECKPOINT_SIGNED_MAX], body[WITNESS_REQUEST_MAX];
    size_t note_len = signed_checkpoint(&log_signer, &tree_a, 5, note, sizeof note);
    witness_request rq;
    lh_err e = {{0}};

    /* No proof line. */
    size_t len = body_of(body, "old 0\n\n", note, note_len);
    tu_assert_code(witness_request_parse(body, len, &rq, &e), 0, &e);
    assert_int_equal(rq.old_size, 0);
    assert_int_equal(rq.nproof, 0);
    assert_ptr_equal(rq.note, body + 7);
    assert_int_equal(rq.note_len, note_len);

    /* One, and 63 (the most tlog-witness allows), each hash read back. */
    static const size_t counts[] = {1, 63};
    for (size_t k = 0; k < 2; k++) {
        uint8_t proof[WITNESS_PROOF_MAX][MERKLE_HASH_SIZE];
        tu_rng_bytes(proof[0], sizeof proof);
        char head[32];
        int h = snprintf(head, sizeof head, "old %zu\n", counts[k] * 1000 + 7);
        memcpy(body, head, (size_t)h);
        len = (size_t)h;
        for (size_t i = 0; i < counts[k]; i++) {
            char b64[TEXT_B64_LEN(MERKLE_HASH_SIZE)];
            size_t bn = text_b64_encode(b64, proof[i], MERKLE_HASH_SIZE);
            memcpy(body + len, b64, bn);
            len += bn;
            body[len++] = '\n';
        }
        body[len++] = '\n';
        memcpy(body + len, note, note_len);
        len += note_len;
        tu_assert_code(witness_request_parse(body, len, &rq, &e), 0, &e);
        assert_int_equal(rq.old_size, counts[k] * 1000 + 7);
        assert_int_equal(rq.nproof, counts[k]);
        assert_memory_equal(rq.proof, proof, counts[k] * MERKLE_HASH_SIZE);
        assert_int_equal(rq.note_len, note_len);
        assert_memory_equal(rq.note, note, note_len);
    }

    /* The largest size there is. */
    len = body_of(body, "old 18446744073709551615\n\n", note, note_len);
    tu_assert_code(witness_request_parse(body, len, &rq, &e), 0, &e);
    assert_true(rq.old_size == UINT64_MAX);
}

/* A 32-byte hash in base64 whose unused low bits are set: not canonical. */
static void non_canonical_b64(char out[TEXT_B64_LEN(MERKLE_HASH_SIZE)])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t h[MERKLE_HASH_SIZE];
    memset(h, 0x5a, sizeof h);
    size_t n = text_b64_encode(out, h, sizeof h);
    /* 32 bytes: 43 characters and one '='; the last character carries 4
     * bits of data and 2 that must be zero. */
    assert_int_equal(n, 44);
    const char *p = strchr(alphabet, out[42]);
    assert_non_null(p);
    out[42] = alphabet[(size_t)(p - alphabet) | 1];
}

static void test_parse_malformed(void **state)
{
    (void)state;
    uint8_t note[CHECKPOINT_SIGNED_MAX];
    size_t note_len = signed_checkpoint(&log_signer, &tree_a, 5, note, sizeof note);
    char good[TEXT_B64_LEN(MERKLE_HASH_SIZE)], bad[TEXT_B64_LEN(MERKLE_HASH_SIZE)];
    char short_[TEXT_B64_LEN(MERKLE_HASH_SIZE - 1)];
    uint8_t h[MERKLE_HASH_SIZE];
    tu_rng_bytes(h, sizeof h);
    text_b64_encode(good, h, sizeof h);
    text_b64_encode(short_, h, sizeof h - 1);
    non_canonical_b64(bad);

    char heads[12][256];
    static const int codes[12] = {LH_EPARSE, LH_EPARSE, LH_EPARSE, LH_EPARSE, LH_EPARSE, LH_EPARSE,
                                  LH_EPARSE, LH_EPARSE, LH_EPARSE, LH_EPARSE, LH_EPARSE, LH_EPARSE};
    snprintf(heads[0], sizeof heads[0], "old 01\n\n");
    snprintf(heads[1], sizeof heads[1], "old -1\n\n");
    snprintf(heads[2], sizeof heads[2], "old +1\n\n");
    snprintf(heads[3], sizeof heads[3], "old  1\n\n");
    snprintf(heads[4], sizeof heads[4], "old 1 \n\n");
    snprintf(heads[5], sizeof heads[5], "Old 1\n\n");
    snprintf(heads[6], sizeof heads[6], "old\n\n");
    snprintf(heads[7], sizeof heads[7], "old 18446744073709551616\n\n");
    /* No old size line: a proof line first. */
    snprintf(heads[8], sizeof heads[8], "%s\n\n", good);
    /* A hash of 31 bytes; a non-canonical one; a line ending in CR LF. */
    snprintf(heads[9], sizeof heads[9], "old 1\n%s\n\n", short_);
    snprintf(heads[10], sizeof heads[10], "old 1\n%s\n\n", bad);
    snprintf(heads[11], sizeof heads[11], "old 1\n%s\r\n\n", good);
    for (size_t i = 0; i < 12; i++) {
        uint8_t body[1024];
        size_t len = body_of(body, heads[i], note, note_len);
        witness_request rq;
        lh_err e = {{0}};
        int rc = witness_request_parse(body, len, &rq, &e);
        if (rc != codes[i])
            fail_msg("case %zu (%s): got %s, want %s (%s)", i, heads[i], lh_errname(rc),
                     lh_errname(codes[i]), e.msg);
        assert_true(strlen(e.msg) > 0);
    }
    /* The same lines, well formed, are read. */
    char ok[128];
    snprintf(ok, sizeof ok, "old 1\n%s\n\n", good);
    uint8_t body[1024];
    size_t len = body_of(body, ok, note, note_len);
    witness_request rq;
    lh_err e = {{0}};
    tu_assert_code(witness_request_parse(body, len, &rq, &e), 0, &e);
    assert_memory_equal(rq.proof[0], h, sizeof h);
}

static void test_parse_structure(void **state)
{
    (void)state;
    uint8_t note[CHECKPOINT_SIGNED_MAX], body[WITNESS_REQUEST_MAX + 2];
    size_t note_len = signed_checkpoint(&log_signer, &tree_a, 5, note, sizeof note);
    witness_request rq;
    lh_err e = {{0}};

    /* The old size line without its newline. */
    tu_assert_code(witness_request_parse((const uint8_t *)"old 5", 5, &rq, &e), LH_EPARSE, &e);
    tu_assert_code(witness_request_parse((const uint8_t *)"", 0, &rq, &e), LH_EPARSE, &e);
    /* No empty line: the note's origin line is read as a proof line. */
    size_t len = body_of(body, "old 0\n", note, note_len);
    tu_assert_code(witness_request_parse(body, len, &rq, &e), LH_EPARSE, &e);
    /* No empty line and nothing after the proof. */
    char b64[TEXT_B64_LEN(MERKLE_HASH_SIZE)];
    uint8_t h[MERKLE_HASH_SIZE] = {1};
    text_b64_encode(b64, h, sizeof h);
    char head[128];
    snprintf(head, sizeof head, "old 3\n%s\n", b64);
    tu_assert_code(witness_request_parse((const uint8_t *)head, strlen(head), &rq, &e), LH_EPARSE,
                   &e);
    tu_assert_msg_has(&e, "empty line");
    /* A proof line cut before its newline. */
    snprintf(head, sizeof head, "old 3\n%s", b64);
    tu_assert_code(witness_request_parse((const uint8_t *)head, strlen(head), &rq, &e), LH_EPARSE,
                   &e);
    /* No checkpoint after the empty line. */
    tu_assert_code(witness_request_parse((const uint8_t *)"old 0\n\n", 7, &rq, &e), LH_EPARSE, &e);
    tu_assert_msg_has(&e, "no checkpoint");

    /* 64 proof lines: one too many. */
    len = (size_t)snprintf((char *)body, 16, "old 1\n");
    for (size_t i = 0; i < WITNESS_PROOF_MAX + 1; i++) {
        memcpy(body + len, b64, 44);
        len += 44;
        body[len++] = '\n';
    }
    body[len++] = '\n';
    memcpy(body + len, note, note_len);
    len += note_len;
    tu_assert_code(witness_request_parse(body, len, &rq, &e), LH_ETOOBIG, &e);
    tu_assert_msg_has(&e, "63");

    /* A body over the limit, however well formed its start. */
    len = body_of(body, "old 0\n\n", note, note_len);
    memset(body + len, 'x', WITNESS_REQUEST_MAX + 1 - len);
    tu_assert_code(witness_request_parse(body, WITNESS_REQUEST_MAX + 1, &rq, &e), LH_ETOOBIG, &e);
    /* At the limit it is read (the note is checked later). */
    tu_assert_code(witness_request_parse(body, WITNESS_REQUEST_MAX, &rq, &e), 0, &e);
}

/* ---- 2. formatting --------------------------------------------------------------------------- */

static void test_format_round_trip(void **state)
{
    (void)state;
    uint8_t note[CHECKPOINT_SIGNED_MAX], body[WITNESS_REQUEST_MAX];
    size_t note_len = signed_checkpoint(&log_signer, &tree_a, 9, note, sizeof note);
    static const size_t counts[] = {0, 1, 2, 17, WITNESS_PROOF_MAX};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        uint8_t proof[WITNESS_PROOF_MAX][MERKLE_HASH_SIZE];
        tu_rng_bytes(proof[0], sizeof proof);
        uint64_t old = tu_rng() >> (k * 12);
        size_t len = 0;
        assert_int_equal(witness_request_format(old, (const uint8_t(*)[MERKLE_HASH_SIZE])proof,
                                                counts[k], note, note_len, body, sizeof body, &len),
                         0);
        witness_request rq;
        lh_err e = {{0}};
        tu_assert_code(witness_request_parse(body, len, &rq, &e), 0, &e);
        assert_true(rq.old_size == old);
        assert_int_equal(rq.nproof, counts[k]);
        if (counts[k] > 0)
            assert_memory_equal(rq.proof, proof, counts[k] * MERKLE_HASH_SIZE);
        assert_int_equal(rq.note_len, note_len);
        assert_memory_equal(rq.note, note, note_len);
        /* Every line ends in a newline, the proof's in base64 of 44 characters. */
        char head[32];
        int h = snprintf(head, sizeof head, "old %llu\n", (unsigned long long)old);
        assert_int_equal(len, (size_t)h + counts[k] * 45 + 1 + note_len);
        assert_memory_equal(body, head, (size_t)h);
        /* Exactly the room needed suffices; a byte less does not. */
        size_t len2 = 0;
        assert_int_equal(witness_request_format(old, (const uint8_t(*)[MERKLE_HASH_SIZE])proof,
                                                counts[k], note, note_len, body, len, &len2),
                         0);
        assert_int_equal(len2, len);
        assert_int_equal(witness_request_format(old, (const uint8_t(*)[MERKLE_HASH_SIZE])proof,
                                                counts[k], note, note_len, body, len - 1, &len2),
                         LH_ETOOBIG);
    }
    uint8_t proof[WITNESS_PROOF_MAX + 1][MERKLE_HASH_SIZE];
    memset(proof, 0, sizeof proof);
    size_t len;
    assert_int_equal(witness_request_format(1, (const uint8_t(*)[MERKLE_HASH_SIZE])proof,
                                            WITNESS_PROOF_MAX + 1, note, note_len, body,
                                            sizeof body, &len),
                     LH_EINVAL);
}

/* ---- 3. the rules ---------------------------------------------------------------------------- */

enum { TREE_A, TREE_B, TREE_EMPTY_BOGUS };
enum { PROOF_NONE, PROOF_TRUE, PROOF_FLIPPED, PROOF_ONE_LINE };
enum { NOTE_LOG, NOTE_IMPOSTOR, NOTE_BAD_SIG, NOTE_UNKNOWN, NOTE_NO_ORIGIN, NOTE_NOT_CP };

typedef struct rule_case {
    const char *name;
    /* What the witness cosigned: nothing (cosigned false), or tree A at size cos_size. */
    bool cosigned;
    uint64_t cos_size;
    /* The request: old size, the checkpoint's size and tree, its proof, its signature. */
    uint64_t old, size;
    int tree, proof, note;
    /* The verdict. */
    int status;
    bool misbehaviour;
    uint64_t latest; /* 409, and misbehaviour: the latest cosigned size */
} rule_case;

static const rule_case rule_cases[] = {
    /* 200 */
    {"first checkpoint", false, 0, 0, 5, TREE_A, PROOF_NONE, NOTE_LOG, WITNESS_OK, false, 0},
    {"first checkpoint, the empty tree", false, 0, 0, 0, TREE_A, PROOF_NONE, NOTE_LOG, WITNESS_OK,
     false, 0},
    {"an extension with its proof", true, 5, 5, 9, TREE_A, PROOF_TRUE, NOTE_LOG, WITNESS_OK, false,
     0},
    {"an extension of a power of two", true, 4, 4, 17, TREE_A, PROOF_TRUE, NOTE_LOG, WITNESS_OK,
     false, 0},
    {"the same checkpoint again", true, 5, 5, 5, TREE_A, PROOF_NONE, NOTE_LOG, WITNESS_OK, false,
     0},
    {"an extension of the cosigned empty tree", true, 0, 0, 4, TREE_A, PROOF_NONE, NOTE_LOG,
     WITNESS_OK, false, 0},
    /* 400 */
    {"no origin line", false, 0, 0, 5, TREE_A, PROOF_NONE, NOTE_NO_ORIGIN, WITNESS_BAD_REQUEST,
     false, 0},
    {"a signed note that is not a checkpoint", false, 0, 0, 5, TREE_A, PROOF_NONE, NOTE_NOT_CP,
     WITNESS_BAD_REQUEST, false, 0},
    {"the old size above the checkpoint's", true, 5, 7, 5, TREE_A, PROOF_NONE, NOTE_LOG,
     WITNESS_BAD_REQUEST, false, 0},
    /* 403 */
    {"signed by another key of the log's name", false, 0, 0, 5, TREE_A, PROOF_NONE, NOTE_IMPOSTOR,
     WITNESS_FORBIDDEN, false, 0},
    {"the log's signature altered", false, 0, 0, 5, TREE_A, PROOF_NONE, NOTE_BAD_SIG,
     WITNESS_FORBIDDEN, false, 0},
    /* 404 */
    {"an origin the witness does not know", false, 0, 0, 5, TREE_A, PROOF_NONE, NOTE_UNKNOWN,
     WITNESS_NOT_FOUND, false, 0},
    /* 409 */
    {"an old size that is not the cosigned one", true, 5, 3, 9, TREE_A, PROOF_TRUE, NOTE_LOG,
     WITNESS_CONFLICT, false, 5},
    {"an old size when nothing was cosigned", false, 0, 3, 9, TREE_A, PROOF_TRUE, NOTE_LOG,
     WITNESS_CONFLICT, false, 0},
    {"an old size 0 when 5 was cosigned", true, 5, 0, 9, TREE_A, PROOF_NONE, NOTE_LOG,
     WITNESS_CONFLICT, false, 5},
    {"the cosigned size with another root (fork)", true, 5, 5, 5, TREE_B, PROOF_NONE, NOTE_LOG,
     WITNESS_CONFLICT, true, 5},
    /* 422 */
    {"a proof from size 0", false, 0, 0, 5, TREE_A, PROOF_ONE_LINE, NOTE_LOG, WITNESS_UNPROCESSABLE,
     false, 0},
    {"a proof from the cosigned empty tree", true, 0, 0, 5, TREE_A, PROOF_ONE_LINE, NOTE_LOG,
     WITNESS_UNPROCESSABLE, false, 0},
    {"a proof between equal sizes", true, 5, 5, 5, TREE_A, PROOF_ONE_LINE, NOTE_LOG,
     WITNESS_UNPROCESSABLE, false, 0},
    {"a proof with one bit changed", true, 5, 5, 9, TREE_A, PROOF_FLIPPED, NOTE_LOG,
     WITNESS_UNPROCESSABLE, true, 5},
    {"no proof for an extension", true, 5, 5, 9, TREE_A, PROOF_NONE, NOTE_LOG,
     WITNESS_UNPROCESSABLE, true, 5},
    {"a true proof of a forked tree (fork)", true, 5, 5, 9, TREE_B, PROOF_TRUE, NOTE_LOG,
     WITNESS_UNPROCESSABLE, true, 5},
    {"a checkpoint of size 0 with another root than the empty tree's", false, 0, 0, 0,
     TREE_EMPTY_BOGUS, PROOF_NONE, NOTE_LOG, WITNESS_UNPROCESSABLE, true, 0},
};

/* The signed note of a case. */
static size_t case_note(const rule_case *c, uint8_t *note, size_t cap)
{
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", ORIGIN);
    cp.size = c->size;
    memstore *ms = c->tree == TREE_B ? &tree_b : &tree_a;
    if (c->tree == TREE_EMPTY_BOGUS)
        tu_rng_bytes(cp.root, sizeof cp.root);
    else
        root_of(ms, c->size, cp.root);
    size_t len = 0;
    lh_err e = {{0}};
    switch (c->note) {
    case NOTE_IMPOSTOR:
        tu_assert_code(checkpoint_sign(&cp, &impostor, note, cap, &len, &e), 0, &e);
        return len;
    case NOTE_UNKNOWN: {
        snprintf(cp.origin, sizeof cp.origin, "%s", "example.org/unknown");
        note_signer s;
        tu_make_signer(&s, NULL, cp.origin, NOTE_TYPE_ED25519);
        tu_assert_code(checkpoint_sign(&cp, &s, note, cap, &len, &e), 0, &e);
        note_signer_wipe(&s);
        return len;
    }
    case NOTE_NO_ORIGIN: memcpy(note, "no newline at all", 17); return 17;
    case NOTE_NOT_CP: {
        static const char text[] = ORIGIN "\nnot a size\n";
        tu_assert_code(
            note_sign((const uint8_t *)text, strlen(text), &log_signer, 1, note, cap, &len, &e), 0,
            &e);
        return len;
    }
    default: break;
    }
    tu_assert_code(checkpoint_sign(&cp, &log_signer, note, cap, &len, &e), 0, &e);
    if (c->note == NOTE_BAD_SIG) {
        /* A base64 character of the signature (after the key id), changed
         * within the alphabet: still a well-formed line, not the log's. */
        uint8_t *sp = note + len - 1;
        while (*sp != ' ')
            sp--;
        sp[20] = sp[20] == 'A' ? 'B' : 'A';
    }
    return len;
}

static void test_check_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++) {
        const rule_case *c = &rule_cases[i];
        /* The log under test comes second, so that its index is checked. */
        witness_log logs[2];
        memset(logs, 0, sizeof logs);
        logs[0].key = other_key;
        logs[0].cosigned = true;
        logs[0].size = 3;
        logs[1].key = log_key;
        logs[1].cosigned = c->cosigned;
        logs[1].size = c->cos_size;
        if (c->cosigned)
            root_of(&tree_a, c->cos_size, logs[1].root);

        uint8_t note[CHECKPOINT_SIGNED_MAX], body[WITNESS_REQUEST_MAX];
        size_t note_len = case_note(c, note, sizeof note);
        uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
        size_t nproof = 0;
        if (c->proof == PROOF_TRUE || c->proof == PROOF_FLIPPED) {
            memstore *ms = c->tree == TREE_B ? &tree_b : &tree_a;
            assert_int_equal(
                merkle_consistency_proof(proof, &nproof, c->old, c->size, memstore_read, ms), 0);
            assert_true(nproof > 0);
            if (c->proof == PROOF_FLIPPED)
                proof[nproof - 1][7] ^= 0x10;
        } else if (c->proof == PROOF_ONE_LINE) {
            tu_rng_bytes(proof[0], MERKLE_HASH_SIZE);
            nproof = 1;
        }
        size_t len = 0;
        assert_int_equal(witness_request_format(c->old, (const uint8_t(*)[MERKLE_HASH_SIZE])proof,
                                                nproof, note, note_len, body, sizeof body, &len),
                         0);
        witness_request rq;
        lh_err e = {{0}};
        tu_assert_code(witness_request_parse(body, len, &rq, &e), 0, &e);
        witness_verdict v;
        assert_int_equal(witness_check(logs, 2, &rq, &v), 0);
        if (v.status != c->status || v.misbehaviour != c->misbehaviour)
            fail_msg("%s: got %d%s, want %d%s (%s)", c->name, v.status,
                     v.misbehaviour ? " misbehaviour" : "", c->status,
                     c->misbehaviour ? " misbehaviour" : "", v.reason);
        assert_true(strlen(v.reason) > 0);
        assert_true(text_utf8_valid((const uint8_t *)v.reason, strlen(v.reason)));
        if (c->status != WITNESS_BAD_REQUEST && c->status != WITNESS_NOT_FOUND)
            assert_int_equal(v.log, 1);
        if (c->status == WITNESS_CONFLICT || c->misbehaviour)
            assert_true(v.latest == c->latest);
        if (c->status == WITNESS_OK) {
            assert_string_equal(v.cp.origin, ORIGIN);
            assert_true(v.cp.size == c->size);
        }
        /* witness_check() changes nothing: the caller records the update. */
        assert_true(logs[1].cosigned == c->cosigned && logs[1].size == c->cos_size);
    }
}

static void test_check_arguments(void **state)
{
    (void)state;
    witness_request rq;
    witness_verdict v;
    memset(&rq, 0, sizeof rq);
    assert_int_equal(witness_check(NULL, 1, &rq, &v), LH_EINVAL);
    assert_int_equal(witness_check(NULL, 0, NULL, &v), LH_EINVAL);
    assert_int_equal(witness_check(NULL, 0, &rq, NULL), LH_EINVAL);
    /* No log at all: every origin is unknown. */
    rq.note = (const uint8_t *)"x\n1\n";
    rq.note_len = 4;
    assert_int_equal(witness_check(NULL, 0, &rq, &v), 0);
    assert_int_equal(v.status, WITNESS_NOT_FOUND);
}

/* ---- 4. the client's side -------------------------------------------------------------------- */

static void test_conflict_size(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        int code;
        uint64_t size;
    } cases[] = {
        {"0\n", 0, 0},
        {"5\n", 0, 5},
        {"20852014\n", 0, 20852014},
        {"18446744073709551615\n", 0, UINT64_MAX},
        {"18446744073709551616\n", LH_EPARSE, 0},
        {"05\n", LH_EPARSE, 0},
        {"5", LH_EPARSE, 0},
        {"\n", LH_EPARSE, 0},
        {"", LH_EPARSE, 0},
        {"-1\n", LH_EPARSE, 0},
        {"5\r\n", LH_EPARSE, 0},
        {"5 \n", LH_EPARSE, 0},
        {"5\n\n", LH_EPARSE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t size = 12345;
        int rc =
            witness_conflict_size((const uint8_t *)cases[i].body, strlen(cases[i].body), &size);
        if (rc != cases[i].code)
            fail_msg("\"%s\": got %s", cases[i].body, lh_errname(rc));
        if (rc == 0)
            assert_true(size == cases[i].size);
    }
}

/* The length of a signed note's text: up to and with the newline before the blank line. */
static size_t text_of(const uint8_t *note, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (note[i] == '\n' && note[i + 1] == '\n')
            return i + 1;
    }
    fail_msg("no blank line in the note");
    return 0;
}

static void test_response_cosig(void **state)
{
    (void)state;
    uint8_t note[CHECKPOINT_SIGNED_MAX], other[CHECKPOINT_SIGNED_MAX];
    size_t note_len = signed_checkpoint(&log_signer, &tree_a, 11, note, sizeof note);
    size_t other_len = signed_checkpoint(&log_signer, &tree_a, 12, other, sizeof other);
    size_t text_len = text_of(note, note_len);
    size_t other_text_len = text_of(other, other_len);
    const uint64_t t = 1765000000;
    uint8_t w1[NOTE_SIGLINE_MAX], w2[NOTE_SIGLINE_MAX], w1_other[NOTE_SIGLINE_MAX];
    size_t w1_len, w2_len, w1_other_len;
    lh_err e = {{0}};
    tu_assert_code(cosig_sign(&witness_signer, note, text_len, t, w1, sizeof w1, &w1_len, &e), 0,
                   &e);
    tu_assert_code(cosig_sign(&witness2_signer, note, text_len, t + 1, w2, sizeof w2, &w2_len, &e),
                   0, &e);
    tu_assert_code(cosig_sign(&witness_signer, other, other_text_len, t, w1_other, sizeof w1_other,
                              &w1_other_len, &e),
                   0, &e);

    uint8_t line[NOTE_SIGLINE_MAX], body[3 * NOTE_SIGLINE_MAX];
    size_t line_len = 0;
    uint64_t ts = 0;
    /* The witness's own line. */
    tu_assert_code(witness_response_cosig(note, note_len, &log_key, &witness_key, w1, w1_len, line,
                                          sizeof line, &line_len, &ts, &e),
                   0, &e);
    assert_int_equal(line_len, w1_len);
    assert_memory_equal(line, w1, w1_len);
    assert_true(ts == t);
    /* Among other witnesses' lines, which are ignored. */
    memcpy(body, w2, w2_len);
    memcpy(body + w2_len, w1, w1_len);
    tu_assert_code(witness_response_cosig(note, note_len, &log_key, &witness_key, body,
                                          w2_len + w1_len, line, sizeof line, &line_len, &ts, &e),
                   0, &e);
    assert_memory_equal(line, w1, w1_len);
    /* Only another witness's line. */
    tu_assert_code(witness_response_cosig(note, note_len, &log_key, &witness_key, w2, w2_len, line,
                                          sizeof line, &line_len, &ts, &e),
                   LH_ENOKEY, &e);
    /* The witness's cosignature of another checkpoint. */
    tu_assert_code(witness_response_cosig(note, note_len, &log_key, &witness_key, w1_other,
                                          w1_other_len, line, sizeof line, &line_len, &ts, &e),
                   LH_EBADSIG, &e);
    /* Its line with its timestamp changed (the first base64 characters
     * after the key id). */
    memcpy(body, w1, w1_len);
    uint8_t *sp = memchr(body + 4, ' ', w1_len - 4);
    assert_non_null(sp);
    sp[9] = sp[9] == 'A' ? 'B' : 'A';
    tu_assert_code(witness_response_cosig(note, note_len, &log_key, &witness_key, body, w1_len,
                                          line, sizeof line, &line_len, &ts, &e),
                   LH_EBADSIG, &e);
    /* Not signature lines. */
    static const char *const junk[] = {"", "hello\n", "\xe2\x80\x94 \n", "\xe2\x80\x94 w1 AAAA"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        tu_assert_code(witness_response_cosig(note, note_len, &log_key, &witness_key,
                                              (const uint8_t *)junk[i], strlen(junk[i]), line,
                                              sizeof line, &line_len, &ts, &e),
                       LH_EPARSE, &e);
    /* The line does not fit the caller's room. */
    tu_assert_code(witness_response_cosig(note, note_len, &log_key, &witness_key, w1, w1_len, line,
                                          w1_len - 1, &line_len, &ts, &e),
                   LH_ETOOBIG, &e);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    tu_rng_seed(0x77697463682d3031ULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),     cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_parse_structure), cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_check_rules),     cmocka_unit_test(test_check_arguments),
        cmocka_unit_test(test_conflict_size),   cmocka_unit_test(test_response_cosig),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
