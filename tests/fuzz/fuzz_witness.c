/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_witness.c — C2SP tlog-witness requests (client/core/witness.h): the
 * input is an add-checkpoint request body, parsed by witness_request_parse()
 * and judged by witness_check() for the vector log (tests/vectors/
 * checkpoint.txt, whose checkpoints are of the vector tree "leaf-<i>"), in
 * three states of the witness: nothing cosigned; the vector tree cosigned
 * at the request's old size; another root cosigned at that size. The input
 * is also read as a 409 body (witness_conflict_size()).
 *
 * Invariants: every refusal has a code and a sentence; a parsed request
 * lies in the input, and formats back to exactly the input (the parser is
 * strict, so a request has one form); a verdict has a listed status and a
 * UTF-8 reason, is the same when asked twice, and is misbehaviour only for
 * 409 or 422 of a known log; 404 only for another origin; 409 carries the
 * latest size; 200 only for a checkpoint that opens with the log key, whose
 * old size is the cosigned one and whose proof an independent call of
 * merkle_verify_consistency() accepts, and its cosignature reads back with
 * witness_response_cosig(); a size read from a 409 body prints back to it.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "checkpoint.h"
#include "cosig.h"
#include "errors.h"
#include "fuzz.h"
#include "merkle.h"
#include "note.h"
#include "text.h"
#include "witness.h"

/* tests/vectors/checkpoint.txt and cosignature.txt. */
static const char log_vkey[] =
    "example.org/liuhen-test+9c9a1de1+AS+JJ3VKAwsxWGFKvrRiz0DjqkGzlQuQBx4mbSHiBGMM";
static const char witness_name[] = "witness.example.org/liuhen-w1";
static const char witness_seed_hex[] =
    "bd45772f2bc9d7390ca367b26045e35607a3841ae09c1d7630a5e97aeae4cfc0";
#define COSIGN_TIME UINT64_C(1700000000)

/* The vector tree, leaves "leaf-0" ... "leaf-<TREE_MAX - 2>", and its
 * roots, each computed the first time it is needed. */
#define TREE_MAX 1001
static uint8_t (*leaves)[MERKLE_HASH_SIZE];
static uint8_t (*roots)[MERKLE_HASH_SIZE];
static bool *have_root;

static note_verifier log_key, witness_key;
static note_signer witness_signer;

/* The root of the tree of the n leaf hashes at h, by RFC 6962's MTH. */
static void mth(uint8_t out[MERKLE_HASH_SIZE], const uint8_t (*h)[MERKLE_HASH_SIZE], size_t n)
{
    if (n == 1) {
        memcpy(out, h[0], MERKLE_HASH_SIZE);
        return;
    }
    size_t k = 1;
    while (k * 2 < n)
        k *= 2;
    uint8_t l[MERKLE_HASH_SIZE], r[MERKLE_HASH_SIZE];
    mth(l, h, k);
    mth(r, h + k, n - k);
    merkle_node_hash(out, l, r);
}

static void init(void)
{
    static bool done;
    if (done)
        return;
    fuzz_sodium_init();
    FUZZ_CHECK(note_vkey_parse(log_vkey, strlen(log_vkey), &log_key, NULL) == 0);
    uint8_t seed[NOTE_SEED_LEN];
    FUZZ_CHECK(sodium_hex2bin(seed, sizeof seed, witness_seed_hex, strlen(witness_seed_hex), NULL,
                              NULL, NULL) == 0);
    FUZZ_CHECK(note_signer_from_seed(&witness_signer, witness_name, strlen(witness_name),
                                     NOTE_TYPE_COSIG, seed) == 0);
    FUZZ_CHECK(note_signer_verifier(&witness_signer, &witness_key) == 0);
    leaves = malloc(TREE_MAX * sizeof *leaves);
    roots = malloc(TREE_MAX * sizeof *roots);
    have_root = calloc(TREE_MAX, sizeof *have_root);
    FUZZ_CHECK(leaves != NULL && roots != NULL && have_root != NULL);
    for (size_t i = 0; i < TREE_MAX; i++) {
        char data[32];
        int n = snprintf(data, sizeof data, "leaf-%zu", i);
        merkle_leaf_hash(leaves[i], (const uint8_t *)data, (size_t)n);
    }
    done = true;
}

/* The root of the vector tree of n < TREE_MAX leaves. */
static const uint8_t *vector_root(size_t n)
{
    if (!have_root[n]) {
        if (n == 0)
            merkle_empty_root(roots[0]);
        else
            mth(roots[n], (const uint8_t(*)[MERKLE_HASH_SIZE])leaves, n);
        have_root[n] = true;
    }
    return roots[n];
}

static bool same_verdict(const witness_verdict *a, const witness_verdict *b)
{
    return a->status == b->status && a->log == b->log && a->latest == b->latest &&
           a->misbehaviour == b->misbehaviour && strcmp(a->reason, b->reason) == 0;
}

/* Judge rq with the witness in state `log` and check the verdict. */
static void judge(const witness_request *rq, const witness_log *log)
{
    witness_verdict *v = malloc(2 * sizeof *v);
    FUZZ_CHECK(v != NULL);
    FUZZ_CHECK(witness_check(log, 1, rq, &v[0]) == 0);
    FUZZ_CHECK(witness_check(log, 1, rq, &v[1]) == 0);
    FUZZ_CHECK(same_verdict(&v[0], &v[1]));
    const witness_verdict *w = &v[0];
    FUZZ_CHECK(w->status == WITNESS_OK || w->status == WITNESS_BAD_REQUEST ||
               w->status == WITNESS_FORBIDDEN || w->status == WITNESS_NOT_FOUND ||
               w->status == WITNESS_CONFLICT || w->status == WITNESS_UNPROCESSABLE);
    const char *end = memchr(w->reason, '\0', sizeof w->reason);
    FUZZ_CHECK(end != NULL && end != w->reason);
    FUZZ_CHECK(text_utf8_valid((const uint8_t *)w->reason, (size_t)(end - w->reason)));
    if (w->misbehaviour)
        FUZZ_CHECK(w->status == WITNESS_CONFLICT || w->status == WITNESS_UNPROCESSABLE);

    /* The origin line decides 404, before anything is verified. */
    size_t olen = strlen(log_key.name);
    bool ours =
        rq->note_len > olen && memcmp(rq->note, log_key.name, olen) == 0 && rq->note[olen] == '\n';
    FUZZ_CHECK((w->status == WITNESS_NOT_FOUND) ==
               (!ours && memchr(rq->note, '\n', rq->note_len) != NULL));

    uint64_t latest = log->cosigned ? log->size : 0;
    if (w->status == WITNESS_CONFLICT)
        FUZZ_CHECK(w->latest == latest);
    if (w->status != WITNESS_OK) {
        free(v);
        return;
    }

    /* 200: everything tlog-witness asks for, checked again independently. */
    checkpoint_opened *op = malloc(sizeof *op);
    FUZZ_CHECK(op != NULL);
    FUZZ_CHECK(checkpoint_open(rq->note, rq->note_len, &log_key, NULL, 0, op, NULL) == 0);
    FUZZ_CHECK(op->cp.size == w->cp.size && memcmp(op->cp.root, w->cp.root, 32) == 0);
    FUZZ_CHECK(rq->old_size == latest && rq->old_size <= w->cp.size);
    if (!log->cosigned || latest == 0)
        FUZZ_CHECK(rq->nproof == 0);
    if (log->cosigned)
        FUZZ_CHECK(merkle_verify_consistency(rq->proof[0], rq->nproof, latest, w->cp.size,
                                             log->root, w->cp.root) == 0);
    if (w->cp.size == 0) {
        uint8_t empty[MERKLE_HASH_SIZE];
        merkle_empty_root(empty);
        FUZZ_CHECK(memcmp(w->cp.root, empty, sizeof empty) == 0);
    }
    /* The witness's cosignature, as liuhen-witness makes it, reads back
     * as the log reads an answer. */
    uint8_t text[CHECKPOINT_TEXT_MAX], line[NOTE_SIGLINE_MAX], back[NOTE_SIGLINE_MAX];
    size_t text_len = 0, line_len = 0, back_len = 0;
    uint64_t ts = 0;
    FUZZ_CHECK(checkpoint_format(text, sizeof text, &text_len, &w->cp, NULL) == 0);
    FUZZ_CHECK(text_len == op->note.text_len && memcmp(text, op->note.text, text_len) == 0);
    lh_err err = {{0}};
    int rc = cosig_sign(&witness_signer, text, text_len, COSIGN_TIME, line, sizeof line, &line_len,
                        &err);
    FUZZ_CHECK(rc == 0);
    rc = witness_response_cosig(rq->note, rq->note_len, &log_key, &witness_key, line, line_len,
                                back, sizeof back, &back_len, &ts, &err);
    /* A line of the witness's name and key id already in the note (which
     * counted for nothing while only the log's key was known) may fail or
     * come first; a note of NOTE_MAX_SIGS lines has no room for one more. */
    bool had_line = false;
    for (size_t i = 0; i < op->note.nsigs; i++) {
        const note_sig *s = &op->note.sigs[i];
        had_line |= s->keyid == witness_key.keyid && s->name_len == strlen(witness_key.name) &&
                    memcmp(s->name, witness_key.name, s->name_len) == 0;
    }
    if (rc == 0 && !had_line)
        FUZZ_CHECK(back_len == line_len && memcmp(back, line, line_len) == 0 && ts == COSIGN_TIME);
    else if (rc != 0)
        FUZZ_CHECK(rc == LH_ETOOMANYSIGS || rc == LH_ETOOBIG || (had_line && rc == LH_EBADSIG));
    free(op);
    free(v);
}

static void fuzz_request(const uint8_t *data, size_t size)
{
    witness_request *rq = malloc(sizeof *rq);
    FUZZ_CHECK(rq != NULL);
    lh_err err = {{0}};
    int rc = witness_request_parse(data, size, rq, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(rc == LH_EPARSE || rc == LH_ETOOBIG);
        free(rq);
        return;
    }
    FUZZ_CHECK(rq->nproof <= WITNESS_PROOF_MAX);
    FUZZ_CHECK(rq->note_len > 0 && rq->note + rq->note_len == data + size);
    FUZZ_CHECK(fuzz_inside(rq->note, rq->note_len, data, size));

    /* One form per request: formatted again, it is the input. */
    uint8_t *out = malloc(size + 1);
    FUZZ_CHECK(out != NULL);
    size_t out_len = 0;
    FUZZ_CHECK(witness_request_format(rq->old_size, (const uint8_t(*)[MERKLE_HASH_SIZE])rq->proof,
                                      rq->nproof, rq->note, rq->note_len, out, size,
                                      &out_len) == 0);
    FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);
    free(out);

    witness_log log;
    memset(&log, 0, sizeof log);
    log.key = log_key;
    judge(rq, &log);
    log.cosigned = true;
    log.size = rq->old_size;
    if (rq->old_size < TREE_MAX)
        memcpy(log.root, vector_root((size_t)rq->old_size), MERKLE_HASH_SIZE);
    judge(rq, &log);
    memset(log.root, 0x5a, sizeof log.root);
    judge(rq, &log);
    free(rq);
}

static void fuzz_conflict(const uint8_t *data, size_t size)
{
    uint64_t n = 0;
    if (witness_conflict_size(data, size, &n) != 0)
        return;
    char back[32];
    int len = snprintf(back, sizeof back, "%" PRIu64 "\n", n);
    FUZZ_CHECK((size_t)len == size && memcmp(back, data, size) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    fuzz_request(data, size);
    fuzz_conflict(data, size);
    return 0;
}
