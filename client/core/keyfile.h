/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * keyfile.h — Ed25519 key pairs of holders, the admin and the log, and the
 * files that carry them (modelled on minisign's key files).
 *
 * A key pair (keyfile_key) is opaque: its secret half lives in sodium_malloc'd
 * memory (guard pages, locked in RAM where the system allows, read-only once
 * built, wiped when freed) and never leaves this module except encoded into
 * a secret key file. Callers sign through keyfile_sign().
 *
 * Every key has a name, which is a C2SP signed-note key name: 1 to
 * KEYFILE_NAME_MAX bytes of UTF-8, no Unicode white space (this includes the
 * ideographic space U+3000), no '+', no control characters (C0, DEL, C1).
 * "张三" and "example.org/liuhen" are valid names. The key id is the note key
 * id: the first four bytes, big-endian, of SHA-256(name || 0x0A || 0x01 ||
 * public key) (c2sp.org/signed-note, "Ed25519").
 *
 * Secret key file (text, two lines, so that it survives copy and paste):
 *
 *     liuhen secret key v1: <name>
 *     <base64 of the structure below>
 *
 * The first line is an untrusted comment for people (as in minisign): only
 * its "liuhen secret key" prefix is checked. The second line is standard
 * base64 (RFC 4648 §4, padded) of:
 *
 *     offset  size  field
 *          0     4  magic "LHSK"
 *          4     1  version, 1
 *          5     2  signature algorithm "Ed" (Ed25519)
 *          7     1  kdf: 0 = none (service keys such as the log's), 1 = Argon2id v1.3
 *          8     8  Argon2id opslimit, big-endian (0 when kdf = 0)
 *         16     8  Argon2id memlimit in bytes, big-endian (0 when kdf = 0)
 *         24    16  Argon2id salt (zero when kdf = 0)
 *         40    24  XChaCha20-Poly1305 nonce (zero when kdf = 0)
 *         64     4  key id, big-endian
 *         68     1  name length n (1..KEYFILE_NAME_MAX)
 *         69     n  name
 *       69+n    32  Ed25519 seed: XChaCha20-Poly1305 ciphertext when kdf = 1, plain when kdf = 0
 *      101+n    16  kdf = 1: the Poly1305 tag, with bytes [0, 69+n) as associated data,
 *                   so no header field can be altered;
 *                   kdf = 0: a checksum, BLAKE2b-256 of bytes [0, 101+n) truncated to
 *                   16 bytes, so that corruption is detected (it is no protection
 *                   against a deliberate edit: the file's mode is).
 *
 * The key encryption key is Argon2id(passphrase, salt, opslimit, memlimit).
 * After decryption the public key is derived from the seed and its key id
 * must match the stored one.
 *
 * Public key file: one line, the note verifier key of the key, then "\n":
 *
 *     <name>+<8 lowercase hex key id>+<base64(0x01 || public key)>
 *
 * All functions return 0 or a negative code of errors.h. Those that take an
 * `lh_err *err` (which may be NULL) write there a sentence naming the file or
 * object and the cause.
 */
#ifndef LIUHEN_KEYFILE_H
#define LIUHEN_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

/** Longest key name, in bytes (C2SP sets no limit; the file format stores it in one byte). */
#define KEYFILE_NAME_MAX 128
/** Ed25519 public key length. */
#define KEYFILE_PUBLICKEYBYTES 32
/** Ed25519 seed length (the secret from which the key pair is derived, RFC 8032). */
#define KEYFILE_SEEDBYTES 32
/** Ed25519 signature length. */
#define KEYFILE_SIGBYTES 64
/** Room for a verifier key string, name+keyid+base64, including the NUL. */
#define KEYFILE_VKEY_MAX (KEYFILE_NAME_MAX + 1 + 8 + 1 + 44 + 1)
/** Room for the text of a secret key file (both lines), including a NUL. */
#define KEYFILE_SECRET_TEXT_MAX 512
/** Largest secret key file read; anything larger is refused unread. */
#define KEYFILE_SECRET_FILE_MAX 4096
/** Largest public key file read. */
#define KEYFILE_PUBLIC_FILE_MAX 1024

/**
 * A key pair with its name and key id. Opaque: see keyfile_key_free(). It
 * is the client library's public lh_key (liuhen.h), the same structure.
 */
typedef struct lh_key keyfile_key;

/**
 * How hard a secret key file's passphrase is to guess: the Argon2id limits
 * written into a new encrypted file. Readers take the limits from the file.
 */
typedef enum keyfile_kdf {
    /** libsodium's INTERACTIVE limits (2 passes, 64 MiB): the default. */
    KEYFILE_KDF_INTERACTIVE = 0,
    /** libsodium's MODERATE limits (3 passes, 256 MiB): about 1 s to open. */
    KEYFILE_KDF_MODERATE = 1,
    /** The smallest limits Argon2id allows (1 pass, 8 KiB). They give
     *  almost no protection: for tests and fuzzers only. */
    KEYFILE_KDF_MIN = 2
} keyfile_kdf;

/** A public key as read from a public key file or a verifier key string. */
typedef struct keyfile_pub {
    char name[KEYFILE_NAME_MAX + 1];        /**< NUL-terminated key name. */
    uint8_t pubkey[KEYFILE_PUBLICKEYBYTES]; /**< Ed25519 public key. */
    uint32_t keyid;                         /**< Note key id. */
} keyfile_pub;

/**
 * Generate a new key pair from the system's random generator.
 * @param[in]  name  the key name (see the top of this file), NUL-terminated.
 * @param[out] key   the new key; unchanged on error.
 * @return 0; LH_EINVAL if the name is not a valid key name (err says why);
 *         LH_ENOMEM if secure memory cannot be allocated; LH_EINTERNAL if
 *         libsodium cannot be initialised.
 * @note The caller owns *key and frees it with keyfile_key_free().
 */
int keyfile_generate(const char *name, keyfile_key **key, lh_err *err);

/**
 * Build the key pair of a given seed: the same seed and name always give the
 * same key. For tests, known-answer vectors and deterministic set-ups.
 * @param[in]  name  the key name, NUL-terminated.
 * @param[in]  seed  the Ed25519 seed (RFC 8032 private key); copied, the
 *                   caller wipes its own copy.
 * @param[out] key   the new key; unchanged on error.
 * @return 0, LH_EINVAL, LH_ENOMEM or LH_EINTERNAL as keyfile_generate().
 * @note The caller owns *key and frees it with keyfile_key_free().
 */
int keyfile_from_seed(const char *name, const uint8_t seed[KEYFILE_SEEDBYTES], keyfile_key **key,
                      lh_err *err);

/**
 * Wipe and free a key pair.
 * @param[in] key  may be NULL.
 */
void keyfile_key_free(keyfile_key *key);

/**
 * The key's name.
 * @return a NUL-terminated string, valid until keyfile_key_free(key).
 */
const char *keyfile_key_name(const keyfile_key *key);

/**
 * The key's Ed25519 public key.
 * @return KEYFILE_PUBLICKEYBYTES bytes, valid until keyfile_key_free(key).
 */
const uint8_t *keyfile_key_pubkey(const keyfile_key *key);

/** The key's note key id (print it with "%08" PRIx32; the bytes are big-endian). */
uint32_t keyfile_key_id(const keyfile_key *key);

/**
 * Format the key's note verifier key, `<name>+<keyid>+<base64(0x01 || pubkey)>`.
 * @param[out] out  NUL-terminated, without a newline.
 * @return the length written, without the NUL.
 */
size_t keyfile_key_vkey(const keyfile_key *key, char out[KEYFILE_VKEY_MAX]);

/**
 * Sign a message with Ed25519 (pure Ed25519, RFC 8032: the caller adds any
 * domain-separation prefix, such as "liuhen/entry/v1\n", to msg). The
 * signature is verified before it is returned, as minisign does, so that a
 * fault while signing never leaves this function as a bad signature.
 * @param[out] sig  the signature; zeroed on error.
 * @return 0; LH_EINTERNAL if the fresh signature does not verify.
 * @note Safe to call from several threads on the same key.
 */
int keyfile_sign(const keyfile_key *key, const uint8_t *msg, size_t len,
                 uint8_t sig[KEYFILE_SIGBYTES]);

struct note_signer;

/**
 * Copy a key into a C2SP note signer (type Ed25519, the key's name), for
 * signing checkpoints with the log's key.
 * @param[out] out  receives the secret key: place it in sodium_malloc'd
 *                  memory and wipe it (note_signer_wipe() or sodium_free())
 *                  when done.
 * @return 0, LH_EINVAL (name too long for a note key).
 */
int keyfile_note_signer(const keyfile_key *key, struct note_signer *out);

/**
 * Encode a key pair as the text of a secret key file (both lines, each
 * ending in "\n").
 * @param[in]  passphrase  NUL-terminated, non-empty: the seed is encrypted
 *                         with it; NULL: the seed is written in the clear
 *                         (for service keys guarded by file permissions).
 * @param[in]  kdf         the Argon2id limits; ignored when passphrase is NULL.
 * @param[out] out         room for out_size bytes; receives NUL-terminated text.
 * @param[out] out_len     the length of the text, without the NUL.
 * @return 0; LH_EINVAL for an empty passphrase or an unknown kdf; LH_ELENGTH
 *         if out_size < KEYFILE_SECRET_TEXT_MAX; LH_ENOMEM if Argon2id cannot
 *         get its memory or secure memory cannot be allocated.
 * @note Without a passphrase, out holds the secret in the clear: wipe it
 *       (sodium_memzero) when done.
 */
int keyfile_encode_secret(const keyfile_key *key, const char *passphrase, keyfile_kdf kdf,
                          char *out, size_t out_size, size_t *out_len, lh_err *err);

/**
 * Decode the text of a secret key file.
 * @param[in]  text        len bytes, need not be NUL-terminated. The second
 *                         line may end with "\n", "\r\n" or nothing; nothing
 *                         may follow it.
 * @param[in]  passphrase  needed when the file is encrypted; ignored otherwise.
 * @param[out] key         the key; unchanged on error.
 * @return 0;
 *         LH_ETOOBIG if len > KEYFILE_SECRET_FILE_MAX;
 *         LH_EKEYFILE if the text is not a well-formed secret key file: wrong
 *         comment line, bad base64, wrong magic, unsupported version, wrong
 *         length, invalid name, Argon2id limits out of bounds, checksum
 *         mismatch (unencrypted form), key id that does not match the seed;
 *         LH_EALGO for an unknown signature algorithm or kdf tag;
 *         LH_EPASSPHRASE if the file is encrypted and the passphrase is NULL,
 *         or is wrong (or the encrypted file was altered: the two cannot be
 *         told apart);
 *         LH_ENOMEM.
 * @note The caller owns *key and frees it with keyfile_key_free(). When the
 *       file is encrypted this runs Argon2id with the file's limits (at most
 *       the MODERATE limits, 3 passes and 256 MiB), so pass a NULL passphrase when fuzzing.
 */
int keyfile_decode_secret(const char *text, size_t len, const char *passphrase, keyfile_key **key,
                          lh_err *err);

/**
 * Write a new secret key file: created with O_EXCL and mode 0600, written,
 * fsync'd, and its directory fsync'd. A file that fails half-way is removed.
 * @param[in] path        never overwritten.
 * @param[in] passphrase  as keyfile_encode_secret(): NULL for an unencrypted file.
 * @param[in] kdf         as keyfile_encode_secret().
 * @return 0; -EEXIST if path exists; another -errno; or a code of
 *         keyfile_encode_secret().
 */
int keyfile_write_secret(const char *path, const keyfile_key *key, const char *passphrase,
                         keyfile_kdf kdf, lh_err *err);

/**
 * Read a secret key file.
 * @param[in]  passphrase  needed when the file is encrypted (see
 *                         keyfile_secret_is_encrypted()); ignored otherwise.
 * @param[out] key         the key; unchanged on error.
 * @return 0; LH_EPERMFILE if group or others have any access to the file
 *         (checked before it is read); LH_EKEYFILE if it is not a regular
 *         file; LH_ETOOBIG if it is larger than KEYFILE_SECRET_FILE_MAX;
 *         -errno (e.g. -ENOENT); or a code of keyfile_decode_secret().
 * @note The caller owns *key and frees it with keyfile_key_free().
 */
int keyfile_read_secret(const char *path, const char *passphrase, keyfile_key **key, lh_err *err);

/**
 * Whether a secret key file is encrypted, so that a tool knows whether to
 * ask for a passphrase. Checks the file as keyfile_read_secret() does up to
 * the kdf tag (mode, size, comment, base64, magic, version, algorithm).
 * @param[out] encrypted  set on success only.
 * @return 0, or an error of keyfile_read_secret() other than LH_EPASSPHRASE.
 * @note Success does not promise that keyfile_read_secret() will succeed:
 *       the rest of the file (length, name, checksum or tag) is checked then.
 */
int keyfile_secret_is_encrypted(const char *path, bool *encrypted, lh_err *err);

/**
 * Parse a note verifier key `<name>+<keyid>+<base64(0x01 || pubkey)>`
 * strictly: a valid key name, exactly 8 lowercase hex digits, canonical
 * padded base64 of exactly 33 bytes, type byte 0x01, and a key id equal to
 * the one computed from the name and the public key.
 * @param[in]  text  len bytes (not NULL), without a newline; need not be
 *                   NUL-terminated.
 * @param[out] pub   written on success only.
 * @return 0; LH_EKEYFILE for any malformed form (err says which part);
 *         LH_EALGO for a type byte other than 0x01 (Ed25519); LH_EINVAL if
 *         text or pub is NULL.
 * @note The parsing is note_vkey_parse_type()'s (note.h), with the key
 *       name bound of this file.
 */
int keyfile_parse_vkey(const char *text, size_t len, keyfile_pub *pub, lh_err *err);

/**
 * Write a new public key file (the verifier key and "\n"): created with
 * O_EXCL and mode 0644, fsync'd with its directory.
 * @return 0; -EEXIST if path exists; another -errno.
 */
int keyfile_write_public(const char *path, const keyfile_key *key, lh_err *err);

/**
 * Read a public key file: one verifier key, then "\n" (or "\r\n", or
 * nothing); nothing else.
 * @param[out] pub  written on success only.
 * @return 0; LH_EKEYFILE if the file is not a regular file or is malformed;
 *         LH_ETOOBIG if it is larger than KEYFILE_PUBLIC_FILE_MAX; LH_EALGO;
 *         -errno.
 */
int keyfile_read_public(const char *path, keyfile_pub *pub, lh_err *err);

#endif
