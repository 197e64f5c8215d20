/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_tlogproof.c — C2SP transparency log proofs (client/core/tlogproof.h):
 * the input is read as a sequence of proofs, each after an empty line
 * following the one before (as an evidence package holds two), with
 * tlogproof_parse(); each proof read is written again, and verified when
 * its checkpoint opens with the vector log key (tests/vectors: the log of
 * checkpoint.txt and the witness of cosignature.txt).
 *
 * Invariants: every refusal has a known code and a sentence; a proof read
 * lies within the input (its checkpoint ends in a newline, at the offset
 * `end` says); writing it gives back exactly the bytes it was read from (one
 * text per proof) and reading that gives the same proof; a proof that
 * verifies (checkpoint, then the inclusion of the extra data as a leaf)
 * fails once any bit of the leaf or of a hash is changed, or with another
 * index.
 */
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "checkpoint.h"
#include "errors.h"
#include "fuzz.h"
#include "merkle.h"
#include "note.h"
#include "tlogproof.h"

/* tests/vectors/checkpoint.txt and cosignature.txt. */
static const char log_vkey[] =
    "example.org/liuhen-test+9c9a1de1+AS+JJ3VKAwsxWGFKvrRiz0DjqkGzlQuQBx4mbSHiBGMM";
static const char witness_vkey[] =
    "witness.example.org/liuhen-w1+054e203b+BLSEcz2008tuG5lgunSnimvYxSRp3umHTIarUqvErfVC";

/* Room for the extra data: a liuhen leaf is at most 65,535 bytes. */
#define EXTRA_CAP 65535
/* Proofs read from one input at most. */
#define MAX_PROOFS 8

static note_verifier log_key, witness;
static uint8_t extra[EXTRA_CAP], extra2[EXTRA_CAP];

static void init(void)
{
    static bool done;
    if (done)
        return;
    fuzz_sodium_init();
    FUZZ_CHECK(note_vkey_parse(log_vkey, strlen(log_vkey), &log_key, NULL) == 0);
    FUZZ_CHECK(note_vkey_parse(witness_vkey, strlen(witness_vkey), &witness, NULL) == 0);
    done = true;
}

static bool same_proof(const tlogproof *a, const tlogproof *b)
{
    return a->has_extra == b->has_extra && a->extra_len == b->extra_len &&
           (a->extra_len == 0 || memcmp(a->extra, b->extra, a->extra_len) == 0) &&
           a->index == b->index && a->nhashes == b->nhashes &&
           memcmp(a->hashes, b->hashes, a->nhashes * MERKLE_HASH_SIZE) == 0 &&
           a->checkpoint_len == b->checkpoint_len &&
           memcmp(a->checkpoint, b->checkpoint, a->checkpoint_len) == 0;
}

/* Verify a proof whose checkpoint opened: any change breaks it. */
static void check_verified(tlogproof *p, const checkpoint *cp)
{
    uint8_t leaf[MERKLE_HASH_SIZE];
    merkle_leaf_hash(leaf, p->extra, p->extra_len);
    if (merkle_verify_inclusion(p->hashes[0], p->nhashes, p->index, cp->size, leaf, cp->root) != 0)
        return;
    uint8_t bad[MERKLE_HASH_SIZE];
    memcpy(bad, leaf, sizeof bad);
    bad[p->index % MERKLE_HASH_SIZE] ^= 1;
    FUZZ_CHECK(
        merkle_verify_inclusion(p->hashes[0], p->nhashes, p->index, cp->size, bad, cp->root) != 0);
    for (size_t i = 0; i < p->nhashes; i++) {
        p->hashes[i][i % MERKLE_HASH_SIZE] ^= 0x80;
        FUZZ_CHECK(merkle_verify_inclusion(p->hashes[0], p->nhashes, p->index, cp->size, leaf,
                                           cp->root) != 0);
        p->hashes[i][i % MERKLE_HASH_SIZE] ^= 0x80;
    }
    if (p->index + 1 < cp->size)
        FUZZ_CHECK(merkle_verify_inclusion(p->hashes[0], p->nhashes, p->index + 1, cp->size, leaf,
                                           cp->root) != 0);
}

/* One proof read from data[0..size): the invariants; *used the bytes it took. */
static bool one_proof(const uint8_t *data, size_t size, size_t *used)
{
    tlogproof *p = malloc(2 * sizeof *p);
    FUZZ_CHECK(p != NULL);
    lh_err err = {{0}};
    size_t end = 0;
    int rc = tlogproof_parse(data, size, extra, sizeof extra, &p[0], &end, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        free(p);
        return false;
    }
    FUZZ_CHECK(end <= size && end > 0 && data[end - 1] == '\n');
    FUZZ_CHECK(p[0].nhashes <= TLOGPROOF_HASHES_MAX);
    FUZZ_CHECK(p[0].checkpoint + p[0].checkpoint_len == data + end);
    FUZZ_CHECK(fuzz_inside(p[0].checkpoint, p[0].checkpoint_len, data, size));
    FUZZ_CHECK(p[0].has_extra ? p[0].extra == extra && p[0].extra_len <= sizeof extra
                              : p[0].extra == NULL && p[0].extra_len == 0);

    /* One text per proof: written again, it is the bytes it was read from. */
    size_t need = 0;
    FUZZ_CHECK(tlogproof_format(NULL, 0, &need, &p[0], &err) == LH_ELENGTH);
    FUZZ_CHECK(need == end);
    uint8_t *out = malloc(need);
    FUZZ_CHECK(out != NULL);
    size_t out_len = 0;
    FUZZ_CHECK(tlogproof_format(out, need, &out_len, &p[0], &err) == 0);
    FUZZ_CHECK(out_len == end && memcmp(out, data, end) == 0);
    size_t end2 = 0;
    FUZZ_CHECK(tlogproof_parse(out, out_len, extra2, sizeof extra2, &p[1], &end2, &err) == 0);
    FUZZ_CHECK(end2 == out_len && same_proof(&p[0], &p[1]));
    free(out);

    /* With the vector log key (and its witness), verify what can be. */
    checkpoint_opened *o = malloc(sizeof *o);
    FUZZ_CHECK(o != NULL);
    rc = checkpoint_open(p[0].checkpoint, p[0].checkpoint_len, &log_key, &witness, 1, o, &err);
    if (rc == 0) {
        FUZZ_CHECK(o->ncosigners <= 1);
        if (p[0].has_extra)
            check_verified(&p[0], &o->cp);
    } else {
        fuzz_check_error(rc, &err);
    }
    free(o);
    free(p);
    *used = end;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    size_t pos = 0;
    for (int n = 0; n < MAX_PROOFS && pos < size; n++) {
        size_t used;
        if (!one_proof(data + pos, size - pos, &used))
            break;
        pos += used;
        /* The next proof follows after one empty line. */
        if (pos >= size || data[pos] != '\n')
            break;
        pos++;
    }
    return 0;
}
