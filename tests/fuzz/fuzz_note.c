/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_note.c — C2SP signed notes (client/note.h): the input is opened as a
 * signed note against a fixed set of known keys (the vector keys of
 * tests/vectors: the note key, the checkpoint log key, the type 0x04
 * witness), and parsed as a verifier key and as a signer key.
 *
 * Invariants checked, beyond "no crash": every error comes with a detail
 * sentence; an opened note's text is the note's prefix up to a blank line,
 * its signature lines are spans of the note and its signers are known keys
 * whose lines are listed; opening twice gives the same result; a text
 * signed by the note key opens again; a parsed key formats back to exactly
 * the input, with the key id its parts give.
 */
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "errors.h"
#include "fuzz.h"
#include "note.h"

/* tests/vectors/note.txt, checkpoint.txt and cosignature.txt. */
static const char *const known_vkeys[] = {
    "note.example.org/liuhen-test+4b35e218+AZKiFIKMynVYVu8ZMPqlH9TDv8k2JsR1x8A8wCVdkewy",
    "example.org/liuhen-test+9c9a1de1+AS+JJ3VKAwsxWGFKvrRiz0DjqkGzlQuQBx4mbSHiBGMM",
    "witness.example.org/liuhen-w1+054e203b+BLSEcz2008tuG5lgunSnimvYxSRp3umHTIarUqvErfVC",
};
#define NKNOWN (sizeof known_vkeys / sizeof known_vkeys[0])
static const char note_skey[] = "PRIVATE+KEY+note.example.org/liuhen-test+4b35e218+Ad034WjP/"
                                "gSK7NqAiRXdN4wIhPLu32yQFPpp5+GBqOul";

static note_verifier known[NKNOWN];
static note_signer signer;

static void init(void)
{
    static bool done;
    if (done)
        return;
    fuzz_sodium_init();
    for (size_t i = 0; i < NKNOWN; i++)
        FUZZ_CHECK(note_vkey_parse(known_vkeys[i], strlen(known_vkeys[i]), &known[i], NULL) == 0);
    FUZZ_CHECK(note_skey_parse(note_skey, strlen(note_skey), &signer, NULL) == 0);
    done = true;
}

/* An error must be a known code and come with a sentence saying what is wrong. */

static void check_opened(const uint8_t *data, size_t size, const note_opened *o)
{
    /* The text is the note up to (and including) the '\n' before the blank line. */
    FUZZ_CHECK(o->text == data);
    FUZZ_CHECK(o->text_len > 0 && o->text_len < size);
    FUZZ_CHECK(data[o->text_len - 1] == '\n' && data[o->text_len] == '\n');
    FUZZ_CHECK(size <= NOTE_MAX_SIZE);
    FUZZ_CHECK(o->nsigs >= 1 && o->nsigs <= NOTE_MAX_SIGS);
    FUZZ_CHECK(o->nsigned >= 1 && o->nsigned <= o->nsigs && o->nsigned <= NKNOWN);
    for (size_t i = 0; i < o->nsigs; i++) {
        const note_sig *s = &o->sigs[i];
        FUZZ_CHECK(fuzz_inside(s->name, s->name_len, data, size));
        FUZZ_CHECK(fuzz_inside(s->b64, s->b64_len, data, size));
        FUZZ_CHECK(s->name > (const char *)data + o->text_len);
        FUZZ_CHECK(note_name_valid(s->name, s->name_len));
        FUZZ_CHECK(s->key == NOTE_KEY_UNKNOWN || s->key < NKNOWN);
        if (s->key != NOTE_KEY_UNKNOWN) {
            const note_verifier *k = &known[s->key];
            FUZZ_CHECK(s->name_len == strlen(k->name));
            FUZZ_CHECK(memcmp(s->name, k->name, s->name_len) == 0);
            FUZZ_CHECK(s->keyid == k->keyid);
            FUZZ_CHECK(s->timestamp == 0 || k->type == NOTE_TYPE_COSIG);
        }
    }
    for (size_t i = 0; i < o->nsigned; i++) {
        const note_signed *g = &o->signer[i];
        FUZZ_CHECK(g->key < NKNOWN && g->line < o->nsigs);
        FUZZ_CHECK(o->sigs[g->line].key == g->key);
        FUZZ_CHECK(g->timestamp == o->sigs[g->line].timestamp);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(o->signer[j].key != g->key);
    }
}

static void fuzz_open(const uint8_t *data, size_t size)
{
    note_opened *o = malloc(2 * sizeof *o);
    FUZZ_CHECK(o != NULL);
    lh_err err = {{0}};
    int rc = note_open(data, size, known, NKNOWN, &o[0], &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        free(o);
        return;
    }
    check_opened(data, size, &o[0]);
    /* Opening is a pure function of its input. */
    FUZZ_CHECK(note_open(data, size, known, NKNOWN, &o[1], NULL) == 0);
    FUZZ_CHECK(o[1].text_len == o[0].text_len && o[1].nsigs == o[0].nsigs);
    FUZZ_CHECK(o[1].nsigned == o[0].nsigned);
    FUZZ_CHECK(memcmp(o[1].signer, o[0].signer, o[0].nsigned * sizeof o[0].signer[0]) == 0);

    /* A text that opened is a text the note key can sign, and its signature opens. */
    size_t cap = o[0].text_len + NOTE_SIGLINE_MAX + 1, out_len = 0;
    uint8_t *out = malloc(cap);
    FUZZ_CHECK(out != NULL);
    rc = note_sign(o[0].text, o[0].text_len, &signer, 1, out, cap, &out_len, &err);
    if (rc == 0) {
        FUZZ_CHECK(note_open(out, out_len, known, NKNOWN, &o[1], NULL) == 0);
        FUZZ_CHECK(o[1].text_len == o[0].text_len && o[1].nsigned == 1);
        FUZZ_CHECK(o[1].signer[0].key == 0);
    } else {
        /* Only the size bound can refuse a text that opened. */
        FUZZ_CHECK(rc == LH_ETOOBIG);
    }
    free(out);
    free(o);
}

static void fuzz_vkey(const uint8_t *data, size_t size)
{
    note_verifier v;
    lh_err err = {{0}};
    int rc = note_vkey_parse((const char *)data, size, &v, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        return;
    }
    char out[NOTE_VKEY_MAX + 1];
    size_t out_len = 0;
    FUZZ_CHECK(note_vkey_format(&v, out, sizeof out, &out_len) == 0);
    FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);
    note_verifier again;
    FUZZ_CHECK(note_verifier_init(&again, v.name, strlen(v.name), v.type, v.pubkey) == 0);
    FUZZ_CHECK(again.keyid == v.keyid);
    FUZZ_CHECK(note_keyid(v.name, strlen(v.name), v.type, v.pubkey) == v.keyid);
}

static void fuzz_skey(const uint8_t *data, size_t size)
{
    note_signer s;
    lh_err err = {{0}};
    int rc = note_skey_parse((const char *)data, size, &s, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        return;
    }
    char out[NOTE_SKEY_MAX + 1];
    size_t out_len = 0;
    FUZZ_CHECK(note_skey_format(&s, out, sizeof out, &out_len) == 0);
    FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);
    note_verifier v;
    FUZZ_CHECK(note_signer_verifier(&s, &v) == 0);
    FUZZ_CHECK(v.keyid == s.keyid && v.type == s.type && strcmp(v.name, s.name) == 0);
    note_signer_wipe(&s);
    sodium_memzero(out, sizeof out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    fuzz_open(data, size);
    fuzz_vkey(data, size);
    fuzz_skey(data, size);
    return 0;
}
