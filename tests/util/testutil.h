/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * testutil.h — helpers shared by the unit tests: a deterministic random
 * generator, an assertion on liuhen error codes, note keys made for a test,
 * the checks every known-answer file of note keys makes, the leaves of the
 * Merkle vectors, and the bookkeeping that proves every record of a vector
 * file was checked.
 *
 * Everything here fails the running cmocka test on error; nothing returns
 * an error code. Also: files read, written and removed whole.
 */
#ifndef LIUHEN_TEST_TESTUTIL_H
#define LIUHEN_TEST_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include "errors.h"
#include "memstore.h"
#include "note.h"

/**
 * Fail with both error names and the detail when expr returns another code
 * than want. e is the lh_err * that expr wrote its detail into.
 */
#define tu_assert_code(expr, want, e)                                                              \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        int want_ = (want);                                                                        \
        if (rc_ != want_)                                                                          \
            fail_msg("%s: got %s, want %s (%s)", #expr, lh_errname(rc_), lh_errname(want_),        \
                     (e)->msg);                                                                    \
    } while (0)

/** Fail unless the detail of the lh_err *e mentions `part`. */
#define tu_assert_msg_has(e, part)                                                                 \
    do {                                                                                           \
        if (strstr((e)->msg, (part)) == NULL)                                                      \
            fail_msg("the message \"%s\" does not mention \"%s\"", (e)->msg, (part));              \
    } while (0)

/* ---- deterministic randomness --------------------------------------------------------------- */

/**
 * Seed the generator (xorshift64*). Each test program seeds it once with its
 * own fixed value before running its tests, so that a failure is replayed by
 * running the program again.
 * @param[in] seed  not 0 (xorshift stays at 0 for ever).
 */
void tu_rng_seed(uint64_t seed);

/** The next 64 random bits. */
uint64_t tu_rng(void);

/** A value in [0, bound), uniform enough for the small bounds tests use; bound > 0. */
uint64_t tu_rng_below(uint64_t bound);

/** Fill b[0..n) with random bytes. */
void tu_rng_bytes(uint8_t *b, size_t n);

/* ---- big-endian integers --------------------------------------------------------------------- */

uint32_t tu_get_be32(const uint8_t p[4]);
void tu_put_be32(uint8_t p[4], uint32_t v);
void tu_put_be64(uint8_t p[8], uint64_t v);

/* ---- JSON literals --------------------------------------------------------------------------- */

/**
 * The JSON text of a test literal written with ' for " (so that it reads as
 * JSON inside a C string): a malloc'd copy with every ' made ", which the
 * caller frees.
 */
char *tu_sq(const char *s);

/* ---- files ----------------------------------------------------------------------------------- */

/**
 * The whole of a file, NUL-terminated (the NUL not counted in *len).
 * @param[out] len  may be NULL.
 * @return malloc'd bytes the caller frees, or NULL when the file cannot be
 *         opened. A read error fails the test.
 */
uint8_t *tu_read_file(const char *path, size_t *len);

/** Create or replace a file holding text, with exactly `mode`. */
void tu_write_file(const char *path, const char *text, mode_t mode);

/** Create a file holding text, with exactly `mode`; it must not exist yet. */
void tu_create_file(const char *path, const char *text, mode_t mode);

/**
 * Remove a directory and everything below it (symbolic links are removed,
 * not followed). Errors are ignored: it cleans up after a test.
 */
void tu_rmtree(const char *dir);

/* ---- entry keys ------------------------------------------------------------------------------ */

/** An Ed25519 key pair made for a test, as authors of entries hold them. */
typedef struct tu_key {
    uint8_t pk[32];
    uint8_t sk[64];
} tu_key;

/**
 * Key pair number n of a test: its seed holds n's three low bytes and, in
 * its last byte, `tag`, which keeps one test file's keys apart from
 * another's. The same (n, tag) always gives the same key.
 */
void tu_key_make(tu_key *k, uint32_t n, uint8_t tag);

/* ---- note keys ------------------------------------------------------------------------------- */

/**
 * A signer of a random seed (from the generator above), and its verifier.
 * @param[out] v     may be NULL.
 * @param[in]  type  NOTE_TYPE_ED25519 or NOTE_TYPE_COSIG.
 * @note The caller wipes s with note_signer_wipe().
 */
void tu_make_signer(note_signer *s, note_verifier *v, const char *name, uint8_t type);

/**
 * Check a "pubkey" vector line: the base64 of s's Ed25519 public key.
 */
void tu_check_pubkey(const note_signer *s, const char *b64);

/**
 * Check a "keyid" vector line: 8 hex digits that are s's key id, and the key
 * id note_keyid() computes from s's name, type and public key.
 * @return the key id.
 */
uint32_t tu_check_keyid(const note_signer *s, const char *hex);

/**
 * Check a "vkey" vector line: it parses into *v, which is s's verifier, and
 * formats back to the same text.
 * @param[out] v  the parsed verifier; may be NULL.
 */
void tu_check_vkey(const note_signer *s, const char *vkey, note_verifier *v);

/** Check an "skey" vector line: it parses into s, and s formats back to the same text. */
void tu_check_skey(const note_signer *s, const char *skey);

/**
 * An oracle for one signature line of a note (with its '\n'), written
 * independently of note.c: "— ", an ASCII name without '+', one space,
 * libsodium's strict decoder on the whole base64 field giving at least 5
 * bytes. It says whether the line is such a well-formed line whose
 * (name, key id) is not known's, so that note_open() must ignore it rather
 * than refuse it. Only ASCII names are accepted: a flipped byte of ASCII is
 * ASCII or invalid UTF-8, which the caller checks on the whole note.
 */
bool tu_oracle_unknown_sigline(const uint8_t *line, size_t len, const note_verifier *known);

/* ---- vector leaves --------------------------------------------------------------------------- */

/**
 * Append the leaves "leaf-0" ... "leaf-<n-1>" of tests/vectors/README.md to
 * ms, as the Merkle and tile tests do once before their tests run.
 * @return 0, or -1 if the store cannot grow (the program then exits).
 */
int tu_vec_store_fill(memstore *ms, uint64_t n);

/* ---- vector file bookkeeping ----------------------------------------------------------------- */

/** The most forms (first fields) of records one vector file may have. */
#define TU_VEC_FORMS_MAX 16

/**
 * The tally of one vector file, so that a test proves it checked every
 * record: how many records of each form the file holds, and how many the
 * test ran. Set up by tu_vec_tally_init().
 */
typedef struct tu_vec_tally {
    const char *file;         /**< the file's name in tests/vectors; borrowed */
    const char *const *forms; /**< the forms the test knows; borrowed */
    size_t nforms;
    size_t records[TU_VEC_FORMS_MAX]; /**< records[i]: records of form forms[i] in the file */
    size_t ran[TU_VEC_FORMS_MAX];     /**< ran[i]: those the test checked */
} tu_vec_tally;

/**
 * Count the records of each form of tests/vectors/file. Fails the test if
 * the file holds a form that is not one of forms[0..nforms).
 * @param[in] file   borrowed for the tally's life.
 * @param[in] forms  borrowed for the tally's life.
 */
void tu_vec_tally_init(tu_vec_tally *t, const char *file, const char *const *forms, size_t nforms);

/**
 * Count one record of form as checked.
 * @return the index of form in forms.
 */
size_t tu_vec_tally_ran(tu_vec_tally *t, const char *form);

/** How many records of form the test checked. */
size_t tu_vec_tally_of(const tu_vec_tally *t, const char *form);

/**
 * Assert that the file holds every form the test knows, and that the test
 * checked every record of it, as many of each form as the file holds.
 * @return the number of records.
 */
size_t tu_vec_tally_done(const tu_vec_tally *t);

/** A row of a table of expected verdicts: a vector case's name and liuhen's code for it. */
typedef struct tu_expect {
    const char *name;
    int code;
} tu_expect;

/**
 * The row named name of a test's table of expected verdicts: an array of n
 * structs of `size` bytes whose first member is `const char *name`, such as
 * tu_expect. Counts the use in used[row]; fails the test if no row has that
 * name. Use it through TU_CASE().
 */
size_t tu_case_index(const void *table, size_t n, size_t size, const char *name, int *used);

/** A pointer to the row of the array table named name (see tu_case_index()). */
#define TU_CASE(table, name, used)                                                                 \
    (&(table)[tu_case_index((table), sizeof(table) / sizeof(table)[0], sizeof(table)[0], (name),   \
                            (used))])

/** Assert that each of n rows of a table was used exactly once: no vector went unchecked. */
void tu_assert_used_once(const int *used, size_t n);

/**
 * Check that a table's code agrees with a vector file's verdict: "accept"
 * needs code 0, "reject" a non-zero code, and "either" (only if
 * allow_either) leaves the choice to the table.
 */
void tu_check_verdict(const char *verdict, int code, bool allow_either);

/**
 * Make the messages of this process (and of the programs it starts) those
 * of a locale, as a user's environment would: LANG=lang with LC_ALL,
 * LC_MESSAGES and LANGUAGE unset, then i18n_init() (client/core/i18n.h).
 * "zh_CN.UTF-8" gives Chinese (from BUILD/locale, found beside the test's
 * binary), "C" English, whatever the environment the suite runs in.
 */
void tu_set_language(const char *lang);

/** A cmocka teardown that puts the messages back in English (tu_set_language("C")). */
int tu_english(void **state);

#endif
