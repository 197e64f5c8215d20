/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_checkpoint.c — C2SP checkpoints (client/checkpoint.h, client/cosig.h):
 * the input is parsed as a checkpoint note text and opened as a signed
 * checkpoint with the vector log key and two witnesses (the type 0x04
 * witness of cosignature.txt and, as a plain-note witness, the note key).
 *
 * Invariants: every error has a detail sentence; a parsed text formats back
 * to exactly the input, and re-signing it with the log key opens to the same
 * checkpoint; an opened checkpoint's origin is the log key's name, its text
 * parses to the same checkpoint, its cosigners are distinct known witnesses;
 * a witness can cosign it, and the cosigned note opens with that witness
 * counted at the timestamp it signed.
 */
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "checkpoint.h"
#include "cosig.h"
#include "errors.h"
#include "fuzz.h"
#include "note.h"

/* tests/vectors/checkpoint.txt and cosignature.txt. */
static const char log_vkey[] =
    "example.org/liuhen-test+9c9a1de1+AS+JJ3VKAwsxWGFKvrRiz0DjqkGzlQuQBx4mbSHiBGMM";
static const char log_skey[] =
    "PRIVATE+KEY+example.org/liuhen-test+9c9a1de1+ATtxkQMNt0cfVbepufY+13EXTtoTdGNLZU9TSKVSlj+Y";
static const char *const witness_vkeys[] = {
    "witness.example.org/liuhen-w1+054e203b+BLSEcz2008tuG5lgunSnimvYxSRp3umHTIarUqvErfVC",
    "note.example.org/liuhen-test+4b35e218+AZKiFIKMynVYVu8ZMPqlH9TDv8k2JsR1x8A8wCVdkewy",
};
#define NWITNESSES 2
static const char witness_name[] = "witness.example.org/liuhen-w1";
static const char witness_seed_hex[] =
    "bd45772f2bc9d7390ca367b26045e35607a3841ae09c1d7630a5e97aeae4cfc0";
#define COSIGN_TIME UINT64_C(1700000000)

static note_verifier log_key, witnesses[NWITNESSES];
static note_signer log_signer, witness_signer;

static void init(void)
{
    static bool done;
    if (done)
        return;
    fuzz_sodium_init();
    FUZZ_CHECK(note_vkey_parse(log_vkey, strlen(log_vkey), &log_key, NULL) == 0);
    FUZZ_CHECK(note_skey_parse(log_skey, strlen(log_skey), &log_signer, NULL) == 0);
    for (size_t i = 0; i < NWITNESSES; i++)
        FUZZ_CHECK(
            note_vkey_parse(witness_vkeys[i], strlen(witness_vkeys[i]), &witnesses[i], NULL) == 0);
    uint8_t seed[NOTE_SEED_LEN];
    FUZZ_CHECK(sodium_hex2bin(seed, sizeof seed, witness_seed_hex, strlen(witness_seed_hex), NULL,
                              NULL, NULL) == 0);
    FUZZ_CHECK(note_signer_from_seed(&witness_signer, witness_name, strlen(witness_name),
                                     NOTE_TYPE_COSIG, seed) == 0);
    note_verifier v;
    FUZZ_CHECK(note_signer_verifier(&witness_signer, &v) == 0);
    FUZZ_CHECK(v.keyid == witnesses[0].keyid);
    done = true;
}

static bool same_checkpoint(const checkpoint *a, const checkpoint *b)
{
    if (strcmp(a->origin, b->origin) != 0 || a->size != b->size ||
        memcmp(a->root, b->root, sizeof a->root) != 0 || a->next != b->next)
        return false;
    for (size_t i = 0; i < a->next; i++) {
        if (strcmp(a->ext[i], b->ext[i]) != 0)
            return false;
    }
    return true;
}

static void fuzz_text(const uint8_t *data, size_t size)
{
    checkpoint *cp = malloc(2 * sizeof *cp);
    FUZZ_CHECK(cp != NULL);
    lh_err err = {{0}};
    int rc = checkpoint_parse_text(data, size, &cp[0], &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        free(cp);
        return;
    }
    FUZZ_CHECK(cp[0].origin[0] != '\0' && cp[0].next <= CHECKPOINT_EXT_MAX);
    /* The parser is strict, so the text is the one canonical form. */
    uint8_t *out = malloc(CHECKPOINT_SIGNED_MAX);
    FUZZ_CHECK(out != NULL);
    size_t out_len = 0;
    FUZZ_CHECK(checkpoint_format(out, CHECKPOINT_TEXT_MAX, &out_len, &cp[0], &err) == 0);
    FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);

    /* Signed by the log key when the origin is its name, it opens again. */
    rc = checkpoint_sign(&cp[0], &log_signer, out, CHECKPOINT_SIGNED_MAX, &out_len, &err);
    if (strcmp(cp[0].origin, log_key.name) == 0) {
        FUZZ_CHECK(rc == 0);
        checkpoint_opened *o = malloc(sizeof *o);
        FUZZ_CHECK(o != NULL);
        FUZZ_CHECK(checkpoint_open(out, out_len, &log_key, NULL, 0, o, NULL) == 0);
        FUZZ_CHECK(same_checkpoint(&o->cp, &cp[0]) && o->ncosigners == 0);
        free(o);
    } else {
        FUZZ_CHECK(rc == LH_EORIGIN);
    }
    free(out);
    free(cp);
}

static void check_opened(const uint8_t *data, size_t size, const checkpoint_opened *o)
{
    FUZZ_CHECK(strcmp(o->cp.origin, log_key.name) == 0);
    FUZZ_CHECK(o->note.text == data && o->note.text_len < size);
    checkpoint cp;
    FUZZ_CHECK(checkpoint_parse_text(o->note.text, o->note.text_len, &cp, NULL) == 0);
    FUZZ_CHECK(same_checkpoint(&cp, &o->cp));
    FUZZ_CHECK(o->ncosigners <= NWITNESSES);
    bool log_signed = false;
    for (size_t i = 0; i < o->note.nsigned; i++)
        log_signed |= o->note.signer[i].key == 0;
    FUZZ_CHECK(log_signed);
    for (size_t i = 0; i < o->ncosigners; i++) {
        FUZZ_CHECK(o->cosigner[i].witness < NWITNESSES);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(o->cosigner[j].witness != o->cosigner[i].witness);
        if (witnesses[o->cosigner[i].witness].type == NOTE_TYPE_ED25519)
            FUZZ_CHECK(o->cosigner[i].timestamp == 0);
    }
}

static void fuzz_open(const uint8_t *data, size_t size)
{
    checkpoint_opened *o = malloc(sizeof *o);
    FUZZ_CHECK(o != NULL);
    lh_err err = {{0}};
    int rc = checkpoint_open(data, size, &log_key, witnesses, NWITNESSES, o, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        free(o);
        return;
    }
    check_opened(data, size, o);

    /* The witness cosigns it; its line replaces any earlier one of its own. */
    size_t cap = size + NOTE_SIGLINE_MAX, out_len = 0;
    uint8_t *out = malloc(cap);
    FUZZ_CHECK(out != NULL);
    rc = cosig_append(data, size, &log_key, &witness_signer, COSIGN_TIME, out, cap, &out_len, &err);
    if (rc == 0) {
        FUZZ_CHECK(checkpoint_open(out, out_len, &log_key, witnesses, NWITNESSES, o, &err) == 0);
        check_opened(out, out_len, o);
        bool found = false;
        for (size_t i = 0; i < o->ncosigners; i++) {
            if (o->cosigner[i].witness == 0) {
                FUZZ_CHECK(o->cosigner[i].timestamp == COSIGN_TIME);
                found = true;
            }
        }
        FUZZ_CHECK(found);
    } else {
        FUZZ_CHECK(rc == LH_ETOOMANYSIGS || rc == LH_ETOOBIG);
        fuzz_check_error(rc, &err);
    }
    free(out);
    free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    fuzz_text(data, size);
    fuzz_open(data, size);
    return 0;
}
