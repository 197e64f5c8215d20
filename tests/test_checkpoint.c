/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_checkpoint.c — checkpoints (client/checkpoint.c, c2sp.org/tlog-checkpoint).
 *
 * 1. Every record of tests/vectors/checkpoint.txt: the log key, byte-exact
 *    text, signature field and signed checkpoint for trees of merkle.txt (the
 *    root comes from merkle.txt, so the text is rebuilt independently), and
 *    every body case with its exact code.
 * 2. Random round trips: random origins, sizes, roots and extension lines.
 * 3. One-byte tamper: every bit of a signed checkpoint, each refused.
 * 4. Malformed input: truncated, oversized, bad sizes and roots, control
 *    characters, wrong keys, wrong origin.
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
#include "note.h"
#include "testutil.h"
#include "vec.h"

static void set_origin(checkpoint *cp, const char *origin)
{
    memset(cp, 0, sizeof *cp);
    snprintf(cp->origin, sizeof cp->origin, "%s", origin);
}

static void assert_checkpoint_equal(const checkpoint *a, const checkpoint *b)
{
    assert_string_equal(a->origin, b->origin);
    assert_int_equal(a->size, b->size);
    assert_memory_equal(a->root, b->root, CHECKPOINT_HASH_LEN);
    assert_int_equal(a->next, b->next);
    for (size_t i = 0; i < a->next; i++)
        assert_string_equal(a->ext[i], b->ext[i]);
}

/* ---- 1. Known-answer vectors ---------------------------------------------------------------- */

/* The root hash of a tree of merkle.txt, by size. */
static void merkle_root(uint64_t size, uint8_t root[CHECKPOINT_HASH_LEN])
{
    vec_file vf;
    vec_line *l;
    vec_open(&vf, "merkle.txt");
    while ((l = vec_next(&vf)) != NULL) {
        if (strcmp(l->field[0], "root") == 0 && vec_u64(l->field[1]) == size) {
            vec_b64_exact(root, CHECKPOINT_HASH_LEN, l->field[2]);
            vec_close(&vf);
            return;
        }
    }
    vec_close(&vf);
    fail_msg("merkle.txt has no root for size %llu", (unsigned long long)size);
}

/*
 * liuhen's verdict for every body case, with its exact code. The 'either'
 * case root-non-canonical is refused: the root is decoded as canonical
 * base64 only (RFC 4648 §3.5), so one root has one text.
 */
static const tu_expect body_expect[] = {
    {"extension-line", 0},
    {"size-leading-zero", LH_EPARSE},
    {"size-plus-sign", LH_EPARSE},
    {"size-negative", LH_EPARSE},
    {"size-overflow", LH_ERANGE},
    {"size-spaces", LH_EPARSE},
    {"root-31-bytes", LH_ELENGTH},
    {"root-hex", LH_ELENGTH},
    {"root-unpadded", LH_EBASE64},
    {"root-non-canonical", LH_EBASE64},
    {"missing-root-line", LH_EPARSE},
    {"empty-origin", LH_EPARSE},
    {"empty-extension-line", LH_EPARSE},
};

static const char *const cp_forms[] = {"seed", "name",    "vkey",       "skey", "origin",
                                       "text", "sigline", "checkpoint", "body"};
#define CP_FORMS (sizeof cp_forms / sizeof cp_forms[0])

static void test_vectors(void **state)
{
    (void)state;
    vec_file vf;
    vec_line *l;
    tu_vec_tally tally;
    tu_vec_tally_init(&tally, "checkpoint.txt", cp_forms, CP_FORMS);

    uint8_t seed[NOTE_SEED_LEN];
    bool have_seed = false, have_signer = false, have_vkey = false, have_origin = false;
    note_signer log;
    note_verifier vkey;
    char origin[CHECKPOINT_ORIGIN_MAX + 1] = "";
    int used[sizeof body_expect / sizeof body_expect[0]] = {0};
    lh_err e = {{0}};

    vec_open(&vf, "checkpoint.txt");
    while ((l = vec_next(&vf)) != NULL) {
        const char *form = l->field[0];
        tu_vec_tally_ran(&tally, form);
        if (strcmp(form, "seed") == 0) {
            vec_hex_exact(seed, sizeof seed, l->field[1]);
            have_seed = true;
        } else if (strcmp(form, "name") == 0) {
            assert_true(have_seed);
            assert_int_equal(note_signer_from_seed(&log, l->field[1], strlen(l->field[1]),
                                                   NOTE_TYPE_ED25519, seed),
                             0);
            have_signer = true;
        } else if (strcmp(form, "vkey") == 0) {
            assert_true(have_signer);
            tu_check_vkey(&log, l->field[1], &vkey);
            have_vkey = true;
        } else if (strcmp(form, "skey") == 0) {
            assert_true(have_signer);
            tu_check_skey(&log, l->field[1]);
        } else if (strcmp(form, "origin") == 0) {
            assert_true(have_signer);
            snprintf(origin, sizeof origin, "%s", l->field[1]);
            /* tlog-checkpoint "Signatures": the key name matches the origin. */
            assert_string_equal(origin, log.name);
            have_origin = true;
        } else if (strcmp(form, "text") == 0 || strcmp(form, "sigline") == 0 ||
                   strcmp(form, "checkpoint") == 0) {
            assert_true(have_origin && have_vkey);
            assert_int_equal(l->nfields, 3);
            checkpoint cp, parsed;
            set_origin(&cp, origin);
            cp.size = vec_u64(l->field[1]);
            merkle_root(cp.size, cp.root);
            size_t want_len;
            uint8_t *want = vec_b64(l->field[2], &want_len);
            uint8_t out[CHECKPOINT_SIGNED_MAX];
            size_t out_len = 0;
            if (strcmp(form, "text") == 0) {
                /* "Note text": origin, size, base64 root, each ending in LF. */
                tu_assert_code(checkpoint_format(out, sizeof out, &out_len, &cp, &e), 0, &e);
                assert_int_equal(out_len, want_len);
                assert_memory_equal(out, want, want_len);
                tu_assert_code(checkpoint_parse_text(want, want_len, &parsed, &e), 0, &e);
                assert_checkpoint_equal(&parsed, &cp);
            } else if (strcmp(form, "sigline") == 0) {
                /* The signature field: base64(key id || Ed25519 signature of the text). */
                note_opened o;
                tu_assert_code(checkpoint_sign(&cp, &log, out, sizeof out, &out_len, &e), 0, &e);
                tu_assert_code(note_open(out, out_len, &vkey, 1, &o, &e), 0, &e);
                assert_int_equal(o.nsigs, 1);
                assert_int_equal(o.sigs[0].b64_len, strlen(l->field[2]));
                assert_memory_equal(o.sigs[0].b64, l->field[2], o.sigs[0].b64_len);
                assert_int_equal(want_len, 4 + NOTE_ED25519_SIG_LEN);
                assert_int_equal(o.sigs[0].keyid, vkey.keyid);
                assert_memory_equal(o.sigs[0].sig, want + 4, NOTE_ED25519_SIG_LEN);
            } else {
                /* The whole signed checkpoint, byte for byte. */
                checkpoint_opened co;
                tu_assert_code(checkpoint_sign(&cp, &log, out, sizeof out, &out_len, &e), 0, &e);
                assert_int_equal(out_len, want_len);
                assert_memory_equal(out, want, want_len);
                tu_assert_code(checkpoint_open(want, want_len, &vkey, NULL, 0, &co, &e), 0, &e);
                assert_checkpoint_equal(&co.cp, &cp);
                assert_int_equal(co.ncosigners, 0);
                assert_int_equal(co.note.nsigned, 1);
                assert_int_equal(co.note.signer[0].key, 0);
            }
            free(want);
        } else if (strcmp(form, "body") == 0) {
            assert_int_equal(l->nfields, 4);
            const tu_expect *x = TU_CASE(body_expect, l->field[1], used);
            tu_check_verdict(l->field[2], x->code, true);
            size_t len;
            uint8_t *text = vec_b64(l->field[3], &len);
            checkpoint cp;
            memset(&e, 0, sizeof e);
            tu_assert_code(checkpoint_parse_text(text, len, &cp, &e), x->code, &e);
            if (x->code == 0) {
                /* Parsing then formatting gives the same bytes. */
                uint8_t out[CHECKPOINT_TEXT_MAX];
                size_t out_len = 0;
                tu_assert_code(checkpoint_format(out, sizeof out, &out_len, &cp, &e), 0, &e);
                assert_int_equal(out_len, len);
                assert_memory_equal(out, text, len);
            } else {
                assert_true(e.msg[0] != '\0');
            }
            free(text);
        }
    }
    vec_close(&vf);
    note_signer_wipe(&log);

    tu_assert_used_once(used, sizeof used / sizeof used[0]);
    size_t total = tu_vec_tally_done(&tally);
    const size_t *ran = tally.ran;
    assert_int_equal(tu_vec_tally_of(&tally, "text"), 4);
    assert_int_equal(tu_vec_tally_of(&tally, "sigline"), 4);
    assert_int_equal(tu_vec_tally_of(&tally, "checkpoint"), 4);
    assert_int_equal(tu_vec_tally_of(&tally, "body"), 13);
    print_message("checkpoint.txt: %zu records checked: %zu text, %zu sigline, %zu checkpoint, "
                  "%zu body, %zu key lines\n",
                  total, ran[5], ran[6], ran[7], ran[8],
                  ran[0] + ran[1] + ran[2] + ran[3] + ran[4]);
}

/* ---- 2. Random round trips ------------------------------------------------------------------ */

static void random_checkpoint(checkpoint *cp, const char *origin)
{
    static const char alphabet[] = "abcXYZ019 +/=-_.:~";
    set_origin(cp, origin);
    switch (tu_rng() % 4) {
    case 0: cp->size = 0; break;
    case 1: cp->size = UINT64_MAX; break;
    default: cp->size = tu_rng() >> (tu_rng() % 64); break;
    }
    tu_rng_bytes(cp->root, sizeof cp->root);
    cp->next = (size_t)(tu_rng() % (CHECKPOINT_EXT_MAX + 1));
    for (size_t i = 0; i < cp->next; i++) {
        size_t len = 1 + (size_t)(tu_rng() % 40);
        for (size_t k = 0; k < len; k++)
            cp->ext[i][k] = alphabet[tu_rng() % (sizeof alphabet - 1)];
        /* An extension line may be as long as CHECKPOINT_EXT_LINE_MAX. */
        if (tu_rng() % 8 == 0) {
            memset(cp->ext[i], 'L', CHECKPOINT_EXT_LINE_MAX);
            len = CHECKPOINT_EXT_LINE_MAX;
        }
        cp->ext[i][len] = '\0';
    }
}

static void test_round_trip(void **state)
{
    (void)state;
    lh_err e = {{0}};
    for (int iter = 0; iter < 100; iter++) {
        char origin[64];
        snprintf(origin, sizeof origin, "log%d.example/\xe7\x95\x99\xe7\x97\x95", iter);
        note_signer log;
        note_verifier v;
        tu_make_signer(&log, &v, origin, NOTE_TYPE_ED25519);
        checkpoint cp, parsed;
        random_checkpoint(&cp, origin);
        uint8_t text[CHECKPOINT_TEXT_MAX], out[CHECKPOINT_SIGNED_MAX];
        size_t text_len = 0, out_len = 0;
        tu_assert_code(checkpoint_format(text, sizeof text, &text_len, &cp, &e), 0, &e);
        tu_assert_code(checkpoint_parse_text(text, text_len, &parsed, &e), 0, &e);
        assert_checkpoint_equal(&parsed, &cp);
        tu_assert_code(checkpoint_sign(&cp, &log, out, sizeof out, &out_len, &e), 0, &e);
        assert_memory_equal(out, text, text_len);
        checkpoint_opened co;
        tu_assert_code(checkpoint_open(out, out_len, &v, NULL, 0, &co, &e), 0, &e);
        assert_checkpoint_equal(&co.cp, &cp);
        assert_int_equal(co.note.text_len, text_len);
        note_signer_wipe(&log);
    }
    /* The largest checkpoint fits the documented bounds. */
    note_signer log;
    note_verifier v;
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    memset(origin, 'o', CHECKPOINT_ORIGIN_MAX);
    origin[CHECKPOINT_ORIGIN_MAX] = '\0';
    tu_make_signer(&log, &v, origin, NOTE_TYPE_ED25519);
    checkpoint cp;
    set_origin(&cp, origin);
    cp.size = UINT64_MAX;
    cp.next = CHECKPOINT_EXT_MAX;
    for (size_t i = 0; i < cp.next; i++)
        memset(cp.ext[i], 'x', CHECKPOINT_EXT_LINE_MAX);
    uint8_t out[CHECKPOINT_SIGNED_MAX];
    size_t out_len = 0;
    tu_assert_code(checkpoint_format(out, CHECKPOINT_TEXT_MAX, &out_len, &cp, &e), 0, &e);
    assert_int_equal(out_len, CHECKPOINT_TEXT_MAX);
    tu_assert_code(checkpoint_sign(&cp, &log, out, sizeof out, &out_len, &e), 0, &e);
    /* The text, the blank line, "— " origin " " 92 base64 characters "\n". */
    assert_int_equal(out_len, CHECKPOINT_TEXT_MAX + 1 + 4 + CHECKPOINT_ORIGIN_MAX + 1 + 92 + 1);
    assert_true(out_len <= CHECKPOINT_SIGNED_MAX);
    checkpoint_opened co;
    tu_assert_code(checkpoint_open(out, out_len, &v, NULL, 0, &co, &e), 0, &e);
    assert_checkpoint_equal(&co.cp, &cp);
    note_signer_wipe(&log);
}

/* ---- 3. One-byte tamper ------------------------------------------------------------------- */

static void test_tamper(void **state)
{
    (void)state;
    lh_err e = {{0}};
    note_signer log;
    note_verifier v;
    tu_make_signer(&log, &v, "tamper.example/log", NOTE_TYPE_ED25519);
    checkpoint cp;
    set_origin(&cp, "tamper.example/log");
    cp.size = 1234;
    tu_rng_bytes(cp.root, sizeof cp.root);
    cp.next = 1;
    strcpy(cp.ext[0], "ext");
    uint8_t note[CHECKPOINT_SIGNED_MAX], mut[CHECKPOINT_SIGNED_MAX];
    size_t len = 0;
    tu_assert_code(checkpoint_sign(&cp, &log, note, sizeof note, &len, &e), 0, &e);
    /* With only the log's signature, every change of every byte is refused:
     * the text is signed, and a changed signature line is malformed, of an
     * unknown key (so no log signature), or fails to verify. */
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            checkpoint_opened co;
            memcpy(mut, note, len);
            mut[i] ^= (uint8_t)(1u << bit);
            int rc = checkpoint_open(mut, len, &v, NULL, 0, &co, &e);
            if (rc == 0)
                fail_msg("byte %zu bit %d: tampered checkpoint accepted", i, bit);
        }
    }
    print_message("tamper: %zu flips of a signed checkpoint, all rejected\n", len * 8);
    note_signer_wipe(&log);
}

/* ---- 4. Malformed input -------------------------------------------------------------------- */

static int parse_str(const char *text, lh_err *e)
{
    checkpoint cp;
    return checkpoint_parse_text((const uint8_t *)text, strlen(text), &cp, e);
}

static void test_parse_malformed(void **state)
{
    (void)state;
    lh_err e = {{0}};
    static const char root[] = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    char text[4096];
    /* Sizes: the bounds of uint64 and every non-canonical form. */
    static const struct {
        const char *size;
        int code;
    } sizes[] = {
        {"0", 0},
        {"1", 0},
        {"18446744073709551615", 0},
        {"18446744073709551616", LH_ERANGE},
        {"99999999999999999999", LH_ERANGE},
        {"100000000000000000000000", LH_ERANGE},
        {"00", LH_EPARSE},
        {"01", LH_EPARSE},
        {"-0", LH_EPARSE},
        {"+1", LH_EPARSE},
        {"1 ", LH_EPARSE},
        {"0x10", LH_EPARSE},
        {"1e3", LH_EPARSE},
        {"\xd9\xa1", LH_EPARSE}, /* ARABIC-INDIC DIGIT ONE */
        {"", LH_EPARSE},
    };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        snprintf(text, sizeof text, "o.example\n%s\n%s\n", sizes[k].size, root);
        tu_assert_code(parse_str(text, &e), sizes[k].code, &e);
    }
    /* Roots: 33 bytes, URL-safe alphabet, spaces, padding in the middle. */
    static const struct {
        const char *root;
        int code;
    } roots[] = {
        {"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFUA", LH_ELENGTH},
        {"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=", LH_EBASE64},
        {"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= ", LH_EBASE64},
        {" 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", LH_EBASE64},
        {"47DEQpj8HBSa+/TI=W+5JCeuQeRkm5NMpJWZG3hSuFU=", LH_EBASE64},
        {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0},
        {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=", LH_EBASE64},
        {"", LH_EPARSE},
    };
    for (size_t k = 0; k < sizeof roots / sizeof roots[0]; k++) {
        snprintf(text, sizeof text, "o.example\n7\n%s\n", roots[k].root);
        tu_assert_code(parse_str(text, &e), roots[k].code, &e);
    }
    /* Structure: final newline, line counts, CR, control characters, UTF-8:
     * the text is before || root || after. */
    static const struct {
        const char *before, *after;
        int code;
    } shapes[] = {
        {"o.example\n7\n", "", LH_EPARSE},         {"o.example\n7\n", "\r\n", LH_ECTRL},
        {"o.ex\tample\n7\n", "\n", LH_ECTRL},      {"o.example\n7\n", "\next\x7f\n", LH_ECTRL},
        {"o.\xc3\x28xample\n7\n", "\n", LH_EUTF8}, {"o.example\n7\n", "\n\n", LH_EPARSE},
    };
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        snprintf(text, sizeof text, "%s%s%s", shapes[k].before, root, shapes[k].after);
        tu_assert_code(parse_str(text, &e), shapes[k].code, &e);
    }
    tu_assert_code(parse_str("", &e), LH_EPARSE, &e);
    tu_assert_code(parse_str("\n", &e), LH_EPARSE, &e);
    tu_assert_code(parse_str("o.example\n", &e), LH_EPARSE, &e);
    /* tlog-checkpoint "Note text": the origin need not be a key name. */
    snprintf(text, sizeof text, "an origin with spaces+plus\n7\n%s\n", root);
    tu_assert_code(parse_str(text, &e), 0, &e);

    /* Every proper prefix of a checkpoint without extension lines is refused. */
    snprintf(text, sizeof text, "\xe7\x95\x99.example\n1000\n%s\n", root);
    size_t len = strlen(text);
    for (size_t n = 0; n < len; n++) {
        checkpoint cp;
        int rc = checkpoint_parse_text((const uint8_t *)text, n, &cp, &e);
        if (rc != LH_EPARSE && rc != LH_EUTF8)
            fail_msg("prefix of %zu bytes: %s", n, lh_errname(rc));
    }

    /* Bounds: origin and extension line lengths, extension line count, total. */
    char big[CHECKPOINT_TEXT_MAX + 64];
    memset(big, 'o', CHECKPOINT_ORIGIN_MAX + 1);
    snprintf(big + CHECKPOINT_ORIGIN_MAX + 1, sizeof big - CHECKPOINT_ORIGIN_MAX - 1, "\n7\n%s\n",
             root);
    tu_assert_code(parse_str(big, &e), LH_ETOOBIG, &e);
    tu_assert_code(parse_str(big + 1, &e), 0, &e);
    int n = snprintf(big, sizeof big, "o\n7\n%s\n", root);
    memset(big + n, 'x', CHECKPOINT_EXT_LINE_MAX + 1);
    strcpy(big + n + CHECKPOINT_EXT_LINE_MAX + 1, "\n");
    tu_assert_code(parse_str(big, &e), LH_ETOOBIG, &e);
    big[n] = '\n';
    tu_assert_code(parse_str(big, &e), LH_EPARSE, &e);
    n = snprintf(big, sizeof big, "o\n7\n%s\n", root);
    for (int i = 0; i <= CHECKPOINT_EXT_MAX; i++)
        n += snprintf(big + n, sizeof big - (size_t)n, "e%d\n", i);
    tu_assert_code(parse_str(big, &e), LH_ETOOBIG, &e);
    uint8_t *huge = calloc(1, CHECKPOINT_TEXT_MAX + 1);
    assert_non_null(huge);
    checkpoint cp;
    tu_assert_code(checkpoint_parse_text(huge, CHECKPOINT_TEXT_MAX + 1, &cp, &e), LH_ETOOBIG, &e);
    free(huge);
    tu_assert_code(checkpoint_parse_text(NULL, 0, &cp, &e), LH_EINVAL, &e);
}

static void test_format_malformed(void **state)
{
    (void)state;
    lh_err e = {{0}};
    checkpoint cp;
    uint8_t out[CHECKPOINT_TEXT_MAX];
    size_t len = 0;
    set_origin(&cp, "o.example");
    cp.size = 42;
    tu_assert_code(checkpoint_format(out, sizeof out, &len, &cp, &e), 0, &e);
    /* Every buffer one byte short of the text is refused. */
    for (size_t cap = 0; cap < len; cap++) {
        size_t l2 = 0;
        tu_assert_code(checkpoint_format(out, cap, &l2, &cp, &e), LH_ETOOBIG, &e);
    }
    checkpoint bad = cp;
    bad.origin[0] = '\0';
    tu_assert_code(checkpoint_format(out, sizeof out, &len, &bad, &e), LH_EFIELD, &e);
    bad = cp;
    strcpy(bad.origin, "two\nlines");
    tu_assert_code(checkpoint_format(out, sizeof out, &len, &bad, &e), LH_EFIELD, &e);
    bad = cp;
    memset(bad.origin, 'o', sizeof bad.origin); /* not NUL-terminated */
    tu_assert_code(checkpoint_format(out, sizeof out, &len, &bad, &e), LH_EFIELD, &e);
    bad = cp;
    strcpy(bad.origin, "\xff");
    tu_assert_code(checkpoint_format(out, sizeof out, &len, &bad, &e), LH_EFIELD, &e);
    bad = cp;
    bad.next = 1;
    tu_assert_code(checkpoint_format(out, sizeof out, &len, &bad, &e), LH_EFIELD, &e);
    strcpy(bad.ext[0], "a\rb");
    tu_assert_code(checkpoint_format(out, sizeof out, &len, &bad, &e), LH_EFIELD, &e);
    bad.next = CHECKPOINT_EXT_MAX + 1;
    tu_assert_code(checkpoint_format(out, sizeof out, &len, &bad, &e), LH_EFIELD, &e);
    tu_assert_code(checkpoint_format(NULL, sizeof out, &len, &cp, &e), LH_EINVAL, &e);
}

static void test_sign_open_malformed(void **state)
{
    (void)state;
    lh_err e = {{0}};
    note_signer log, other, wit;
    note_verifier vlog, vother, vwit;
    tu_make_signer(&log, &vlog, "log.example/a", NOTE_TYPE_ED25519);
    tu_make_signer(&other, &vother, "log.example/b", NOTE_TYPE_ED25519);
    tu_make_signer(&wit, &vwit, "witness.example/w", NOTE_TYPE_ED25519);
    checkpoint cp;
    set_origin(&cp, "log.example/a");
    cp.size = 5;
    uint8_t out[CHECKPOINT_SIGNED_MAX], text[CHECKPOINT_TEXT_MAX];
    size_t len = 0, text_len = 0;
    checkpoint_opened co;

    /* Signing: the key name must be the origin, and the key an Ed25519 note key. */
    tu_assert_code(checkpoint_sign(&cp, &other, out, sizeof out, &len, &e), LH_EORIGIN, &e);
    note_signer cosigner;
    tu_make_signer(&cosigner, NULL, "log.example/a", NOTE_TYPE_COSIG);
    tu_assert_code(checkpoint_sign(&cp, &cosigner, out, sizeof out, &len, &e), LH_EALGO, &e);
    note_signer_wipe(&cosigner);
    tu_assert_code(checkpoint_sign(&cp, &log, out, 10, &len, &e), LH_ETOOBIG, &e);
    tu_assert_code(checkpoint_sign(&cp, &log, out, sizeof out, &len, &e), 0, &e);

    /* Opening: the log key is required; another log's key does not do. */
    tu_assert_code(checkpoint_open(out, len, &vother, NULL, 0, &co, &e), LH_ENOKEY, &e);
    tu_assert_code(checkpoint_open(out, len, &vlog, &vwit, 1, &co, &e), 0, &e);
    assert_int_equal(co.ncosigners, 0);
    /* A note signed by a witness (type 0x01) but not by the log is no checkpoint. */
    tu_assert_code(checkpoint_format(text, sizeof text, &text_len, &cp, &e), 0, &e);
    tu_assert_code(note_sign(text, text_len, &wit, 1, out, sizeof out, &len, &e), 0, &e);
    tu_assert_code(checkpoint_open(out, len, &vlog, &vwit, 1, &co, &e), LH_ENOKEY, &e);
    /* Both: the witness counts, with no timestamp for a type 0x01 key. */
    note_signer both[2] = {log, wit};
    tu_assert_code(note_sign(text, text_len, both, 2, out, sizeof out, &len, &e), 0, &e);
    tu_assert_code(checkpoint_open(out, len, &vlog, &vwit, 1, &co, &e), 0, &e);
    assert_int_equal(co.ncosigners, 1);
    assert_int_equal(co.cosigner[0].witness, 0);
    assert_int_equal(co.cosigner[0].timestamp, 0);
    assert_int_equal(co.note.sigs[1].key, 1);
    sodium_memzero(both, sizeof both);
    /* A signed text whose origin is not the log key's name. */
    set_origin(&cp, "log.example/b");
    cp.size = 5;
    tu_assert_code(checkpoint_format(text, sizeof text, &text_len, &cp, &e), 0, &e);
    tu_assert_code(note_sign(text, text_len, &log, 1, out, sizeof out, &len, &e), 0, &e);
    tu_assert_code(checkpoint_open(out, len, &vlog, NULL, 0, &co, &e), LH_EORIGIN, &e);
    /* A signed text that is not a checkpoint: the parser's code. */
    static const uint8_t not_cp[] = "log.example/a\n05\nAAAA\n";
    tu_assert_code(note_sign(not_cp, sizeof not_cp - 1, &log, 1, out, sizeof out, &len, &e), 0, &e);
    tu_assert_code(checkpoint_open(out, len, &vlog, NULL, 0, &co, &e), LH_EPARSE, &e);
    static const uint8_t hello[] = "hello\n";
    tu_assert_code(note_sign(hello, sizeof hello - 1, &log, 1, out, sizeof out, &len, &e), 0, &e);
    tu_assert_code(checkpoint_open(out, len, &vlog, NULL, 0, &co, &e), LH_EPARSE, &e);
    /* Keys: a log key of type 0x04, a witness that is the log key, too many witnesses. */
    note_verifier vbad = vlog;
    vbad.type = NOTE_TYPE_COSIG;
    tu_assert_code(checkpoint_open(out, len, &vbad, NULL, 0, &co, &e), LH_EALGO, &e);
    tu_assert_code(checkpoint_open(out, len, &vlog, &vlog, 1, &co, &e), LH_EINVAL, &e);
    note_verifier many[CHECKPOINT_WITNESS_MAX + 1];
    for (size_t i = 0; i <= CHECKPOINT_WITNESS_MAX; i++)
        many[i] = vwit;
    tu_assert_code(checkpoint_open(out, len, &vlog, many, CHECKPOINT_WITNESS_MAX + 1, &co, &e),
                   LH_EINVAL, &e);
    tu_assert_code(checkpoint_open(out, len, &vlog, NULL, 1, &co, &e), LH_EINVAL, &e);
    /* Oversized note. */
    uint8_t *huge = calloc(1, NOTE_MAX_SIZE + 1);
    assert_non_null(huge);
    tu_assert_code(checkpoint_open(huge, NOTE_MAX_SIZE + 1, &vlog, NULL, 0, &co, &e), LH_ETOOBIG,
                   &e);
    free(huge);
    /* Truncated signed checkpoints: every proper prefix is refused. */
    set_origin(&cp, "log.example/a");
    cp.size = 77;
    tu_assert_code(checkpoint_sign(&cp, &log, out, sizeof out, &len, &e), 0, &e);
    for (size_t n = 0; n < len; n++) {
        int rc = checkpoint_open(out, n, &vlog, NULL, 0, &co, &e);
        if (rc != LH_EPARSE && rc != LH_EUTF8)
            fail_msg("prefix of %zu bytes: %s", n, lh_errname(rc));
    }
    note_signer_wipe(&log);
    note_signer_wipe(&other);
    note_signer_wipe(&wit);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    tu_rng_seed(0x243f6a8885a308d3ULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),          cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tamper),           cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_format_malformed), cmocka_unit_test(test_sign_open_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
