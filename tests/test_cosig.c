/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_cosig.c — witness cosignatures (client/cosig.c, c2sp.org/tlog-cosignature,
 * Ed25519 "cosignature/v1", note signature type 0x04).
 *
 * 1. Every record of tests/vectors/cosignature.txt: the witness key, the
 *    signed message, signature, signature field, line and cosigned note byte
 *    for byte, and every verify case with its exact code (through note_open()
 *    as the file says, and through checkpoint_open() with the log key too).
 * 2. Random round trips: several witnesses, timestamps at the bounds,
 *    re-cosigning.
 * 3. One-byte tamper: every bit of a cosigned checkpoint.
 * 4. Malformed input: timestamps, lengths, keys, non-checkpoint texts.
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
#include "note.h"
#include "testutil.h"
#include "text.h"
#include "vec.h"

/* A signed checkpoint of a random tree, by a log named origin. */
static size_t make_checkpoint(const note_signer *log, uint8_t *out, size_t cap)
{
    lh_err e = {{0}};
    checkpoint cp;
    size_t len = 0;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", log->name);
    cp.size = tu_rng() >> 20;
    tu_rng_bytes(cp.root, sizeof cp.root);
    tu_assert_code(checkpoint_sign(&cp, log, out, cap, &len, &e), 0, &e);
    return len;
}

/* ---- 1. Known-answer vectors ---------------------------------------------------------------- */

typedef struct expect {
    const char *name;
    int note_code; /* note_open() with the witness key only, as the file says */
    int cp_code;   /* checkpoint_open() with the log key and the witness */
    size_t ncosigners;
} expect;

static const expect verify_expect[] = {
    {"good", 0, 0, 1},
    {"timestamp-changed", LH_EBADSIG, LH_EBADSIG, 0},
    {"signature-bit-flipped", LH_EBADSIG, LH_EBADSIG, 0},
    {"no-cosignature-header", LH_EBADSIG, LH_EBADSIG, 0},
    /* An unknown key is ignored: no witness signed, but the log did. */
    {"keyid-with-type-0x01", LH_ENOKEY, 0, 0},
    {"missing-timestamp", LH_EBADSIG, LH_EBADSIG, 0},
    {"other-checkpoint", LH_EBADSIG, LH_EBADSIG, 0},
};

static const char *const cosig_forms[] = {
    "seed", "name",    "pubkey",    "keyid",   "vkey", "log-vkey", "timestamp",
    "text", "message", "signature", "sigline", "line", "cosigned", "verify"};
#define COSIG_FORMS (sizeof cosig_forms / sizeof cosig_forms[0])

static void test_vectors(void **state)
{
    (void)state;
    vec_file vf;
    vec_line *l;
    tu_vec_tally tally;
    tu_vec_tally_init(&tally, "cosignature.txt", cosig_forms, COSIG_FORMS);

    uint8_t seed[NOTE_SEED_LEN];
    note_signer w;
    note_verifier wv, logv;
    uint64_t ts = 0;
    uint8_t text[CHECKPOINT_TEXT_MAX], line[NOTE_SIGLINE_MAX];
    size_t text_len = 0, line_len = 0;
    bool have_seed = false, have_w = false, have_wv = false, have_log = false, have_ts = false,
         have_text = false, have_line = false;
    int used[sizeof verify_expect / sizeof verify_expect[0]] = {0};
    lh_err e = {{0}};

    vec_open(&vf, "cosignature.txt");
    while ((l = vec_next(&vf)) != NULL) {
        const char *form = l->field[0];
        tu_vec_tally_ran(&tally, form);
        if (strcmp(form, "seed") == 0) {
            vec_hex_exact(seed, sizeof seed, l->field[1]);
            have_seed = true;
        } else if (strcmp(form, "name") == 0) {
            assert_true(have_seed);
            assert_int_equal(
                note_signer_from_seed(&w, l->field[1], strlen(l->field[1]), NOTE_TYPE_COSIG, seed),
                0);
            have_w = true;
        } else if (strcmp(form, "pubkey") == 0) {
            assert_true(have_w);
            tu_check_pubkey(&w, l->field[1]);
        } else if (strcmp(form, "keyid") == 0) {
            uint8_t pk[NOTE_PUBKEY_LEN];
            assert_true(have_w);
            /* tlog-cosignature "Format": the key id uses type byte 0x04 (w's type). */
            assert_int_equal(w.type, NOTE_TYPE_COSIG);
            uint32_t want = tu_check_keyid(&w, l->field[1]);
            crypto_sign_ed25519_sk_to_pk(pk, w.sk);
            assert_int_not_equal(note_keyid(w.name, strlen(w.name), NOTE_TYPE_ED25519, pk), want);
        } else if (strcmp(form, "vkey") == 0) {
            assert_true(have_w);
            tu_check_vkey(&w, l->field[1], &wv);
            assert_int_equal(wv.type, NOTE_TYPE_COSIG);
            have_wv = true;
        } else if (strcmp(form, "log-vkey") == 0) {
            tu_assert_code(note_vkey_parse(l->field[1], strlen(l->field[1]), &logv, &e), 0, &e);
            assert_int_equal(logv.type, NOTE_TYPE_ED25519);
            have_log = true;
        } else if (strcmp(form, "timestamp") == 0) {
            ts = vec_u64(l->field[1]);
            assert_true(ts <= COSIG_TIMESTAMP_MAX);
            have_ts = true;
        } else if (strcmp(form, "text") == 0) {
            checkpoint cp;
            uint8_t *t = vec_b64(l->field[1], &text_len);
            assert_true(text_len <= sizeof text);
            memcpy(text, t, text_len);
            free(t);
            tu_assert_code(checkpoint_parse_text(text, text_len, &cp, &e), 0, &e);
            assert_int_equal(cp.size, 17);
            have_text = true;
        } else if (strcmp(form, "message") == 0) {
            /* "Ed25519 signed message": header, time line, checkpoint text. */
            uint8_t msg[COSIG_MESSAGE_MAX];
            size_t msg_len = 0, want_len;
            assert_true(have_ts && have_text);
            uint8_t *want = vec_b64(l->field[1], &want_len);
            assert_int_equal(cosig_message(msg, sizeof msg, &msg_len, ts, text, text_len), 0);
            assert_int_equal(msg_len, want_len);
            assert_memory_equal(msg, want, want_len);
            /* Exactly as large a buffer is enough; one byte less is not. */
            assert_int_equal(cosig_message(msg, want_len, &msg_len, ts, text, text_len), 0);
            assert_int_equal(cosig_message(msg, want_len - 1, &msg_len, ts, text, text_len),
                             LH_ETOOBIG);
            free(want);
        } else if (strcmp(form, "signature") == 0) {
            uint8_t sig[NOTE_ED25519_SIG_LEN], msg[COSIG_MESSAGE_MAX], mine[NOTE_ED25519_SIG_LEN];
            size_t msg_len = 0;
            assert_true(have_w && have_ts && have_text);
            vec_b64_exact(sig, sizeof sig, l->field[1]);
            assert_int_equal(cosig_message(msg, sizeof msg, &msg_len, ts, text, text_len), 0);
            crypto_sign_detached(mine, NULL, msg, msg_len, w.sk);
            assert_memory_equal(mine, sig, sizeof sig);
            uint8_t raw[COSIG_SIG_LEN];
            uint64_t got = 0;
            tu_put_be64(raw, ts);
            memcpy(raw + 8, sig, sizeof sig);
            assert_true(have_wv);
            assert_int_equal(cosig_verify_sig(&wv, text, text_len, raw, sizeof raw, &got), 0);
            assert_int_equal(got, ts);
        } else if (strcmp(form, "sigline") == 0) {
            /* The field: base64(key id || uint64be timestamp || signature), 76 bytes. */
            uint8_t raw[4 + COSIG_SIG_LEN];
            note_opened o;
            assert_true(have_w && have_wv && have_ts && have_text);
            vec_b64_exact(raw, sizeof raw, l->field[1]);
            assert_int_equal(strlen(l->field[1]), 104);
            tu_assert_code(cosig_sign(&w, text, text_len, ts, line, sizeof line, &line_len, &e), 0,
                           &e);
            have_line = true;
            /* The line alone after the text parses as a one-signature note. */
            uint8_t note[CHECKPOINT_TEXT_MAX + 1 + NOTE_SIGLINE_MAX];
            memcpy(note, text, text_len);
            note[text_len] = '\n';
            memcpy(note + text_len + 1, line, line_len);
            tu_assert_code(note_open(note, text_len + 1 + line_len, &wv, 1, &o, &e), 0, &e);
            assert_int_equal(o.sigs[0].b64_len, 104);
            assert_memory_equal(o.sigs[0].b64, l->field[1], 104);
            assert_int_equal(o.sigs[0].keyid, w.keyid);
            assert_int_equal(o.sigs[0].sig_len, COSIG_SIG_LEN);
            assert_memory_equal(o.sigs[0].sig, raw + 4, COSIG_SIG_LEN);
            assert_int_equal(o.sigs[0].timestamp, ts);
            assert_int_equal(o.signer[0].timestamp, ts);
        } else if (strcmp(form, "line") == 0) {
            size_t want_len;
            assert_true(have_line);
            uint8_t *want = vec_b64(l->field[1], &want_len);
            assert_int_equal(line_len, want_len);
            assert_memory_equal(line, want, want_len);
            free(want);
        } else if (strcmp(form, "cosigned") == 0) {
            size_t want_len, out_len = 0;
            assert_true(have_line && have_log);
            uint8_t *want = vec_b64(l->field[1], &want_len);
            /* The cosigned note is the log-signed checkpoint plus the witness line last. */
            assert_true(want_len > line_len);
            assert_memory_equal(want + want_len - line_len, line, line_len);
            assert_memory_equal(want, text, text_len);
            uint8_t out[2048];
            tu_assert_code(cosig_append(want, want_len - line_len, &logv, &w, ts, out, sizeof out,
                                        &out_len, &e),
                           0, &e);
            assert_int_equal(out_len, want_len);
            assert_memory_equal(out, want, want_len);
            /* Appending again replaces the witness's earlier line: same bytes. */
            uint8_t again[2048];
            size_t again_len = 0;
            tu_assert_code(
                cosig_append(want, want_len, &logv, &w, ts, again, sizeof again, &again_len, &e), 0,
                &e);
            assert_int_equal(again_len, want_len);
            assert_memory_equal(again, want, want_len);
            checkpoint_opened co;
            tu_assert_code(checkpoint_open(want, want_len, &logv, &wv, 1, &co, &e), 0, &e);
            assert_int_equal(co.ncosigners, 1);
            assert_int_equal(co.cosigner[0].witness, 0);
            assert_int_equal(co.cosigner[0].timestamp, ts);
            assert_int_equal(co.cp.size, 17);
            free(want);
        } else if (strcmp(form, "verify") == 0) {
            assert_int_equal(l->nfields, 4);
            assert_true(have_wv && have_log);
            const expect *x = TU_CASE(verify_expect, l->field[1], used);
            tu_check_verdict(l->field[2], x->note_code, false);
            size_t len;
            uint8_t *note = vec_b64(l->field[3], &len);
            note_opened o;
            checkpoint_opened co;
            memset(&e, 0, sizeof e);
            tu_assert_code(note_open(note, len, &wv, 1, &o, &e), x->note_code, &e);
            if (x->note_code == 0) {
                assert_int_equal(o.nsigned, 1);
                assert_int_equal(o.signer[0].timestamp, ts);
                /* The log's line is listed, unknown. */
                assert_int_equal(o.nsigs, 2);
                assert_int_equal(o.sigs[0].key, NOTE_KEY_UNKNOWN);
            }
            tu_assert_code(checkpoint_open(note, len, &logv, &wv, 1, &co, &e), x->cp_code, &e);
            if (x->cp_code == 0)
                assert_int_equal(co.ncosigners, x->ncosigners);
            free(note);
        }
    }
    vec_close(&vf);
    note_signer_wipe(&w);

    tu_assert_used_once(used, sizeof used / sizeof used[0]);
    size_t total = tu_vec_tally_done(&tally), verify = tu_vec_tally_of(&tally, "verify");
    assert_int_equal(verify, 7);
    for (size_t i = 0; i < COSIG_FORMS; i++)
        if (strcmp(cosig_forms[i], "verify") != 0)
            assert_int_equal(tally.ran[i], 1);
    print_message("cosignature.txt: %zu records checked: %zu verify, %zu single-value lines "
                  "(keys, timestamp, text, message, signature, sigline, line, cosigned)\n",
                  total, verify, total - verify);
}

/* ---- 2. Random round trips ------------------------------------------------------------------ */

static void test_round_trip(void **state)
{
    (void)state;
    lh_err e = {{0}};
    static const uint64_t fixed_ts[] = {0, 1, 1700000000, COSIG_TIMESTAMP_MAX};
    for (int iter = 0; iter < 40; iter++) {
        note_signer log, w[4];
        note_verifier vlog, vw[4];
        tu_make_signer(&log, &vlog, "rt.example/log", NOTE_TYPE_ED25519);
        size_t n = 1 + (size_t)(tu_rng() % 4);
        uint64_t ts[4];
        for (size_t i = 0; i < n; i++) {
            char name[48];
            snprintf(name, sizeof name, "w%zu.example/\xe8\xa7\x81\xe8\xaf\x81-%d", i, iter);
            tu_make_signer(&w[i], &vw[i], name, NOTE_TYPE_COSIG);
            ts[i] = iter < 4 ? fixed_ts[iter] : tu_rng() >> 1;
        }
        uint8_t a[4096], b[4096];
        size_t len = make_checkpoint(&log, a, sizeof a);
        for (size_t i = 0; i < n; i++) {
            uint8_t *from = i % 2 == 0 ? a : b, *to = i % 2 == 0 ? b : a;
            tu_assert_code(cosig_append(from, len, &vlog, &w[i], ts[i], to, sizeof a, &len, &e), 0,
                           &e);
        }
        uint8_t *note = n % 2 == 0 ? a : b;
        checkpoint_opened co;
        tu_assert_code(checkpoint_open(note, len, &vlog, vw, n, &co, &e), 0, &e);
        assert_int_equal(co.ncosigners, n);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(co.cosigner[i].witness, i);
            assert_int_equal(co.cosigner[i].timestamp, ts[i]);
        }
        /* note_open() with the witness keys alone gives the same timestamps. */
        note_opened o;
        tu_assert_code(note_open(note, len, vw, n, &o, &e), 0, &e);
        assert_int_equal(o.nsigned, n);
        /* Re-cosigning by the first witness replaces its line, moves it last. */
        uint8_t *other = note == a ? b : a;
        size_t len2 = 0;
        tu_assert_code(cosig_append(note, len, &vlog, &w[0], ts[0] / 2, other, sizeof a, &len2, &e),
                       0, &e);
        /* The timestamp is binary inside the base64: the line keeps its length. */
        assert_int_equal(len2, len);
        tu_assert_code(checkpoint_open(other, len2, &vlog, vw, n, &co, &e), 0, &e);
        assert_int_equal(co.ncosigners, n);
        assert_int_equal(co.cosigner[n - 1].witness, 0);
        assert_int_equal(co.cosigner[n - 1].timestamp, ts[0] / 2);
        note_signer_wipe(&log);
        for (size_t i = 0; i < n; i++)
            note_signer_wipe(&w[i]);
    }
}

/* ---- 3. One-byte tamper ------------------------------------------------------------------- */

static void test_tamper(void **state)
{
    (void)state;
    lh_err e = {{0}};
    note_signer log, w;
    note_verifier vlog, vw;
    tu_make_signer(&log, &vlog, "tamper.example/log", NOTE_TYPE_ED25519);
    tu_make_signer(&w, &vw, "tamper.example/witness", NOTE_TYPE_COSIG);
    uint8_t signed_cp[1024], note[1024], mut[1024];
    size_t slen = make_checkpoint(&log, signed_cp, sizeof signed_cp), len = 0;
    tu_assert_code(
        cosig_append(signed_cp, slen, &vlog, &w, 1700000000, note, sizeof note, &len, &e), 0, &e);
    /* The witness line is the note's last line: it starts where the log-signed checkpoint ends. */
    size_t wstart = slen;
    size_t ignored = 0, rejected = 0;
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            checkpoint_opened co;
            memcpy(mut, note, len);
            mut[i] ^= (uint8_t)(1u << bit);
            int rc = checkpoint_open(mut, len, &vlog, &vw, 1, &co, &e);
            /* A changed text or log line is refused. A changed witness line
             * is refused (bad cosignature, malformed) unless it became a
             * well-formed line of another key: then it is ignored, and the
             * witness is not counted. A tampered cosignature never counts. */
            bool ignorable = i >= wstart && text_utf8_valid(mut, len) &&
                             !text_has_control(mut, len, true) &&
                             tu_oracle_unknown_sigline(mut + wstart, len - wstart, &vw);
            if (ignorable) {
                if (rc != 0)
                    fail_msg("byte %zu bit %d: refused with %s (%s)", i, bit, lh_errname(rc),
                             e.msg);
                assert_int_equal(co.ncosigners, 0);
                ignored++;
            } else {
                if (rc == 0)
                    fail_msg("byte %zu bit %d: tampered cosigned checkpoint accepted (%zu "
                             "cosigners)",
                             i, bit, co.ncosigners);
                rejected++;
            }
        }
    }
    assert_true(ignored > 0);
    print_message("tamper: %zu flips, %zu left the witness unknown (not counted), %zu rejected\n",
                  len * 8, ignored, rejected);
    note_signer_wipe(&log);
    note_signer_wipe(&w);
}

/* ---- 4. Malformed input -------------------------------------------------------------------- */

static void test_timestamps(void **state)
{
    (void)state;
    lh_err e = {{0}};
    note_signer log, w;
    note_verifier vlog, vw;
    tu_make_signer(&log, &vlog, "ts.example/log", NOTE_TYPE_ED25519);
    tu_make_signer(&w, &vw, "ts.example/witness", NOTE_TYPE_COSIG);
    uint8_t cp[1024], out[1024], line[NOTE_SIGLINE_MAX], msg[COSIG_MESSAGE_MAX];
    size_t len = make_checkpoint(&log, cp, sizeof cp), out_len = 0, line_len = 0, msg_len = 0;
    checkpoint_opened co;
    const uint8_t *text = cp;
    size_t text_len = (size_t)((const uint8_t *)strstr((const char *)cp, "\n\n") - cp) + 1;

    /* tlog-cosignature "Format": the timestamp MUST NOT exceed 2^63 - 1. */
    tu_assert_code(
        cosig_sign(&w, text, text_len, COSIG_TIMESTAMP_MAX + 1, line, sizeof line, &line_len, &e),
        LH_ERANGE, &e);
    tu_assert_code(cosig_append(cp, len, &vlog, &w, UINT64_MAX, out, sizeof out, &out_len, &e),
                   LH_ERANGE, &e);
    assert_int_equal(
        cosig_message(msg, sizeof msg, &msg_len, COSIG_TIMESTAMP_MAX + 1, text, text_len),
        LH_ERANGE);
    /* "time" SP decimal without leading zeroes: 0 is "0". */
    assert_int_equal(cosig_message(msg, sizeof msg, &msg_len, 0, text, text_len), 0);
    assert_memory_equal(msg, "cosignature/v1\ntime 0\n", 22);
    assert_int_equal(cosig_message(msg, sizeof msg, &msg_len, COSIG_TIMESTAMP_MAX, text, text_len),
                     0);
    assert_memory_equal(msg, "cosignature/v1\ntime 9223372036854775807\n", 40);
    assert_int_equal(msg_len, COSIG_HEADER_MAX + text_len);

    /* A signature over a timestamp of 2^63, correctly made, is still refused. */
    uint8_t raw[COSIG_SIG_LEN];
    uint64_t got = 0;
    static const char big_header[] = "cosignature/v1\ntime 9223372036854775808\n";
    memcpy(msg, big_header, sizeof big_header - 1);
    memcpy(msg + sizeof big_header - 1, text, text_len);
    tu_put_be64(raw, COSIG_TIMESTAMP_MAX + 1);
    crypto_sign_detached(raw + 8, NULL, msg, sizeof big_header - 1 + text_len, w.sk);
    assert_int_equal(cosig_verify_sig(&vw, text, text_len, raw, sizeof raw, &got), LH_EBADSIG);
    /* The same construction at 2^63 - 1 verifies: the check is the bound, not the method. */
    assert_int_equal(cosig_message(msg, sizeof msg, &msg_len, COSIG_TIMESTAMP_MAX, text, text_len),
                     0);
    tu_put_be64(raw, COSIG_TIMESTAMP_MAX);
    crypto_sign_detached(raw + 8, NULL, msg, msg_len, w.sk);
    assert_int_equal(cosig_verify_sig(&vw, text, text_len, raw, sizeof raw, &got), 0);
    assert_int_equal(got, COSIG_TIMESTAMP_MAX);
    /* And through a whole note, with the bound timestamps. */
    tu_assert_code(
        cosig_append(cp, len, &vlog, &w, COSIG_TIMESTAMP_MAX, out, sizeof out, &out_len, &e), 0,
        &e);
    tu_assert_code(checkpoint_open(out, out_len, &vlog, &vw, 1, &co, &e), 0, &e);
    assert_int_equal(co.cosigner[0].timestamp, COSIG_TIMESTAMP_MAX);
    tu_assert_code(cosig_append(cp, len, &vlog, &w, 0, out, sizeof out, &out_len, &e), 0, &e);
    tu_assert_code(checkpoint_open(out, out_len, &vlog, &vw, 1, &co, &e), 0, &e);
    assert_int_equal(co.cosigner[0].timestamp, 0);
    note_signer_wipe(&log);
    note_signer_wipe(&w);
}

static void test_malformed(void **state)
{
    (void)state;
    lh_err e = {{0}};
    note_signer log, w, w1;
    note_verifier vlog, vw, vw1;
    tu_make_signer(&log, &vlog, "m.example/log", NOTE_TYPE_ED25519);
    tu_make_signer(&w, &vw, "m.example/witness", NOTE_TYPE_COSIG);
    tu_make_signer(&w1, &vw1, "m.example/old-witness", NOTE_TYPE_ED25519);
    uint8_t cp[1024], out[4096], line[NOTE_SIGLINE_MAX];
    size_t len = make_checkpoint(&log, cp, sizeof cp), out_len = 0, line_len = 0;
    size_t text_len = (size_t)((const uint8_t *)strstr((const char *)cp, "\n\n") - cp) + 1;
    uint64_t got = 0;
    uint8_t raw[COSIG_SIG_LEN + 1] = {0};

    /* Signature lengths other than 72 bytes are refused. */
    assert_int_equal(cosig_verify_sig(&vw, cp, text_len, raw, 71, &got), LH_EBADSIG);
    assert_int_equal(cosig_verify_sig(&vw, cp, text_len, raw, 73, &got), LH_EBADSIG);
    assert_int_equal(cosig_verify_sig(&vw, cp, text_len, raw, 0, &got), LH_EBADSIG);
    assert_int_equal(cosig_verify_sig(&vw, cp, text_len, raw, 72, &got), LH_EBADSIG);
    /* Only type 0x04 keys verify cosignatures; only they sign them. */
    assert_int_equal(cosig_verify_sig(&vw1, cp, text_len, raw, 72, &got), LH_EINVAL);
    tu_assert_code(cosig_sign(&w1, cp, text_len, 1, line, sizeof line, &line_len, &e), LH_EALGO,
                   &e);
    tu_assert_code(cosig_append(cp, len, &vlog, &w1, 1, out, sizeof out, &out_len, &e), LH_EALGO,
                   &e);
    /* A text longer than any checkpoint cannot carry a valid cosignature. */
    uint8_t *huge = calloc(1, CHECKPOINT_TEXT_MAX + 1);
    assert_non_null(huge);
    assert_int_equal(cosig_verify_sig(&vw, huge, CHECKPOINT_TEXT_MAX + 1, raw, 72, &got),
                     LH_EBADSIG);
    free(huge);

    /* A witness signs checkpoints only: the parser's code otherwise. */
    static const uint8_t hello[] = "hello\n";
    tu_assert_code(cosig_sign(&w, hello, sizeof hello - 1, 1, line, sizeof line, &line_len, &e),
                   LH_EPARSE, &e);
    static const uint8_t bad_root[] = "m.example/log\n1\nAAAA\n";
    tu_assert_code(
        cosig_sign(&w, bad_root, sizeof bad_root - 1, 1, line, sizeof line, &line_len, &e),
        LH_ELENGTH, &e);
    tu_assert_code(cosig_sign(&w, cp, text_len, 1, line, 10, &line_len, &e), LH_ETOOBIG, &e);
    /* A valid type 0x04 signature over a text that is not a checkpoint: the
     * signature verifies as a note signature, but it is not a cosigned
     * checkpoint, and checkpoint_open() says so. */
    uint8_t msg[COSIG_MESSAGE_MAX], note[1024];
    size_t msg_len = 0;
    uint8_t sigbytes[4 + COSIG_SIG_LEN];
    char b64[TEXT_B64_LEN(sizeof sigbytes)];
    assert_int_equal(cosig_message(msg, sizeof msg, &msg_len, 5, hello, sizeof hello - 1), 0);
    tu_put_be32(sigbytes, w.keyid);
    tu_put_be64(sigbytes + 4, 5);
    crypto_sign_detached(sigbytes + 12, NULL, msg, msg_len, w.sk);
    text_b64_encode(b64, sigbytes, sizeof sigbytes);
    int n = snprintf((char *)note, sizeof note, "hello\n\n\xe2\x80\x94 %s %s\n", w.name, b64);
    note_opened o;
    tu_assert_code(note_open(note, (size_t)n, &vw, 1, &o, &e), 0, &e);
    assert_int_equal(o.signer[0].timestamp, 5);
    checkpoint_opened co;
    tu_assert_code(checkpoint_open(note, (size_t)n, &vlog, &vw, 1, &co, &e), LH_ENOKEY, &e);

    /* Appending: the log must have signed; the witness is not the log. */
    tu_assert_code(cosig_append(note, (size_t)n, &vlog, &w, 1, out, sizeof out, &out_len, &e),
                   LH_ENOKEY, &e);
    tu_assert_code(cosig_append(cp, len, &vlog, &log, 1, out, sizeof out, &out_len, &e), LH_EINVAL,
                   &e);
    tu_assert_code(cosig_append(cp, len, &vlog, &w, 1, out, len, &out_len, &e), LH_ETOOBIG, &e);
    tu_assert_code(cosig_append(cp, len, &vlog, &w, 1, cp, sizeof cp, &out_len, &e), LH_EINVAL, &e);
    note_signer bad = w;
    bad.keyid ^= 1;
    tu_assert_code(cosig_append(cp, len, &vlog, &bad, 1, out, sizeof out, &out_len, &e), LH_EINVAL,
                   &e);
    note_signer_wipe(&bad);
    tu_assert_code(cosig_append(NULL, len, &vlog, &w, 1, out, sizeof out, &out_len, &e), LH_EINVAL,
                   &e);
    /* NOTE_MAX_SIGS lines at most: the log and 99 witnesses fit, a 100th
     * witness does not, but a witness already there may replace its line. */
    uint8_t a[16384], b[16384];
    size_t alen = 0, blen = 0;
    tu_assert_code(cosig_append(cp, len, &vlog, &w, 1, a, sizeof a, &alen, &e), 0, &e);
    for (int i = 0; i < NOTE_MAX_SIGS - 1; i++) {
        note_signer wi;
        char name[32];
        snprintf(name, sizeof name, "m.example/w%d", i);
        tu_make_signer(&wi, NULL, name, NOTE_TYPE_COSIG);
        int rc = cosig_append(a, alen, &vlog, &wi, (uint64_t)i, b, sizeof b, &blen, &e);
        if (i < NOTE_MAX_SIGS - 2) {
            tu_assert_code(rc, 0, &e);
            memcpy(a, b, blen);
            alen = blen;
        } else {
            tu_assert_code(rc, LH_ETOOMANYSIGS, &e);
        }
        note_signer_wipe(&wi);
    }
    tu_assert_code(checkpoint_open(a, alen, &vlog, &vw, 1, &co, &e), 0, &e);
    assert_int_equal(co.note.nsigs, NOTE_MAX_SIGS);
    assert_int_equal(co.note.sigs[1].key, 1);
    tu_assert_code(cosig_append(a, alen, &vlog, &w, 2, b, sizeof b, &blen, &e), 0, &e);
    assert_int_equal(blen, alen);
    tu_assert_code(checkpoint_open(b, blen, &vlog, &vw, 1, &co, &e), 0, &e);
    assert_int_equal(co.note.nsigs, NOTE_MAX_SIGS);
    assert_int_equal(co.note.sigs[NOTE_MAX_SIGS - 1].key, 1);
    assert_int_equal(co.cosigner[0].timestamp, 2);
    note_signer_wipe(&log);
    note_signer_wipe(&w);
    note_signer_wipe(&w1);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    tu_rng_seed(0x13198a2e03707344ULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),   cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tamper),    cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
