/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * fuzz_keyfile.c — key files (client/keyfile.h): the input is decoded as
 * the text of a secret key file, without a passphrase and with the fixed
 * passphrase "fuzz" (the corpus's encrypted seeds use KEYFILE_KDF_MIN), and
 * parsed as a verifier key.
 *
 * An encrypted file names its own Argon2id limits, up to 16 passes and
 * 1 GiB: such a file takes seconds to refuse (see README.md). The target
 * reads the limits first and gives the passphrase only to files asking for
 * at most FUZZ_OPS_MAX passes and FUZZ_MEM_MAX bytes, so that the run stays
 * fast; without a passphrase the decoder must refuse before the KDF.
 *
 * Invariants: every error has a detail sentence; without a passphrase only
 * an unencrypted file decodes, and its base64 line is exactly what encoding
 * the key again writes; a file that decodes without a passphrase decodes the
 * same with one; a decoded key re-encodes (both ways) to a file that decodes
 * to the same key; it signs verifiably; its verifier key parses back, with
 * keyfile_parse_vkey() and note_vkey_parse() agreeing on every input.
 */
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "errors.h"
#include "fuzz.h"
#include "keyfile.h"
#include "note.h"

#define PASSPHRASE   "fuzz"
#define FUZZ_OPS_MAX 4
#define FUZZ_MEM_MAX (1024u * 1024u)

/* The second line of a secret key file, as the decoder finds it. */
static bool line2(const char *text, size_t len, const char **b64, size_t *b64_len)
{
    const char *nl = memchr(text, '\n', len);
    if (nl == NULL)
        return false;
    *b64 = nl + 1;
    *b64_len = (size_t)(text + len - *b64);
    const char *end = memchr(*b64, '\n', *b64_len);
    if (end != NULL)
        *b64_len = (size_t)(end - *b64);
    if (*b64_len > 0 && (*b64)[*b64_len - 1] == '\r')
        (*b64_len)--;
    return true;
}

/* Whether decoding with a passphrase could run Argon2id with limits above
 * the fuzzing budget: an encrypted file (kdf byte 1) asking for more. */
static bool kdf_too_costly(const char *text, size_t len)
{
    const char *b64;
    size_t b64_len, bin_len = 0;
    uint8_t bin[KEYFILE_SECRET_FILE_MAX];
    if (!line2(text, len, &b64, &b64_len) ||
        sodium_base642bin(bin, sizeof bin, b64, b64_len, NULL, &bin_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        bin_len < 24)
        return false;
    return bin[7] == 1 && (fuzz_be64(bin + 8) > FUZZ_OPS_MAX || fuzz_be64(bin + 16) > FUZZ_MEM_MAX);
}

static bool same_key(const keyfile_key *a, const keyfile_key *b)
{
    return strcmp(keyfile_key_name(a), keyfile_key_name(b)) == 0 &&
           memcmp(keyfile_key_pubkey(a), keyfile_key_pubkey(b), KEYFILE_PUBLICKEYBYTES) == 0 &&
           keyfile_key_id(a) == keyfile_key_id(b);
}

/* What every decoded key must satisfy. */
static void check_key(const keyfile_key *k)
{
    lh_err err = {{0}};
    char text[KEYFILE_SECRET_TEXT_MAX];
    size_t len = 0;
    keyfile_key *again = NULL;

    FUZZ_CHECK(keyfile_encode_secret(k, NULL, KEYFILE_KDF_MIN, text, sizeof text, &len, &err) == 0);
    FUZZ_CHECK(keyfile_decode_secret(text, len, NULL, &again, &err) == 0);
    FUZZ_CHECK(same_key(k, again));
    keyfile_key_free(again);
    again = NULL;
    sodium_memzero(text, sizeof text);
    FUZZ_CHECK(
        keyfile_encode_secret(k, PASSPHRASE, KEYFILE_KDF_MIN, text, sizeof text, &len, &err) == 0);
    FUZZ_CHECK(keyfile_decode_secret(text, len, PASSPHRASE, &again, &err) == 0);
    FUZZ_CHECK(same_key(k, again));
    keyfile_key_free(again);

    static const uint8_t msg[] = "liuhen/entry/v1\nfuzz";
    uint8_t sig[KEYFILE_SIGBYTES];
    FUZZ_CHECK(keyfile_sign(k, msg, sizeof msg, sig) == 0);
    FUZZ_CHECK(crypto_sign_verify_detached(sig, msg, sizeof msg, keyfile_key_pubkey(k)) == 0);

    char vkey[KEYFILE_VKEY_MAX];
    size_t vlen = keyfile_key_vkey(k, vkey);
    FUZZ_CHECK(vlen < sizeof vkey && strlen(vkey) == vlen);
    keyfile_pub pub;
    FUZZ_CHECK(keyfile_parse_vkey(vkey, vlen, &pub, &err) == 0);
    FUZZ_CHECK(strcmp(pub.name, keyfile_key_name(k)) == 0 && pub.keyid == keyfile_key_id(k));
    FUZZ_CHECK(memcmp(pub.pubkey, keyfile_key_pubkey(k), KEYFILE_PUBLICKEYBYTES) == 0);
}

static void fuzz_secret(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    lh_err err = {{0}};
    keyfile_key *plain = NULL, *enc = NULL;
    int rc = keyfile_decode_secret(text, size, NULL, &plain, &err);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(plain == NULL);
    } else {
        FUZZ_CHECK(plain != NULL);
        check_key(plain);
        /* Unencrypted files have one encoding: ours, up to the comment line. */
        char again[KEYFILE_SECRET_TEXT_MAX];
        size_t len = 0;
        const char *a, *b;
        size_t alen, blen;
        FUZZ_CHECK(keyfile_encode_secret(plain, NULL, KEYFILE_KDF_MIN, again, sizeof again, &len,
                                         &err) == 0);
        FUZZ_CHECK(line2(text, size, &a, &alen) && line2(again, len, &b, &blen));
        FUZZ_CHECK(alen == blen && memcmp(a, b, alen) == 0);
        sodium_memzero(again, sizeof again);
    }
    if (kdf_too_costly(text, size)) {
        FUZZ_CHECK(rc != 0);
        keyfile_key_free(plain);
        return;
    }
    memset(&err, 0, sizeof err);
    int rc2 = keyfile_decode_secret(text, size, PASSPHRASE, &enc, &err);
    if (rc2 != 0) {
        fuzz_check_error(rc2, &err);
        FUZZ_CHECK(enc == NULL && rc != 0);
    } else {
        FUZZ_CHECK(enc != NULL);
        check_key(enc);
        /* The passphrase is ignored for an unencrypted file. */
        FUZZ_CHECK(rc == 0 ? same_key(plain, enc) : rc == LH_EPASSPHRASE);
    }
    keyfile_key_free(plain);
    keyfile_key_free(enc);
}

static void fuzz_vkey(const uint8_t *data, size_t size)
{
    keyfile_pub pub;
    note_verifier v;
    lh_err err = {{0}};
    int rc = keyfile_parse_vkey((const char *)data, size, &pub, &err);
    int nrc = note_vkey_parse((const char *)data, size, &v, NULL);
    if (rc != 0) {
        fuzz_check_error(rc, &err);
        /* note.h takes type 0x04 keys and names up to 256 bytes; keyfile.h not. */
        FUZZ_CHECK(nrc != 0 || v.type != NOTE_TYPE_ED25519 || strlen(v.name) > KEYFILE_NAME_MAX);
        return;
    }
    FUZZ_CHECK(nrc == 0 && v.type == NOTE_TYPE_ED25519);
    FUZZ_CHECK(strcmp(v.name, pub.name) == 0 && v.keyid == pub.keyid);
    FUZZ_CHECK(memcmp(v.pubkey, pub.pubkey, KEYFILE_PUBLICKEYBYTES) == 0);
    char out[NOTE_VKEY_MAX + 1];
    size_t out_len = 0;
    FUZZ_CHECK(note_vkey_format(&v, out, sizeof out, &out_len) == 0);
    FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_sodium_init();
    fuzz_secret(data, size);
    fuzz_vkey(data, size);
    return 0;
}
