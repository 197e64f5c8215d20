/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * note.h — C2SP signed notes (c2sp.org/signed-note): verifier and signer
 * keys, signing a text, and opening a signed note against known keys.
 *
 * A signed note is a text ending in a newline, a blank line, then one or
 * more signature lines "— <key name> base64(key id || signature)\n".
 * Two signature types are supported: 0x01 (Ed25519 over the note text,
 * handled here) and 0x04 (timestamped Ed25519 witness cosignatures of
 * c2sp.org/tlog-cosignature, verified by cosig.c and produced by
 * cosig_sign()). The type is a property of the known key: note_open()
 * dispatches on note_verifier.type, so no function pointer is carried in
 * key structures.
 *
 * Everything here works in caller-allocated memory: no allocation, no I/O,
 * no globals. Every function returns 0 or a negative LH_E* code (errors.h).
 */
#ifndef LIUHEN_NOTE_H
#define LIUHEN_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

/** Signature type 0x01: Ed25519 over the note text (signed-note "Ed25519 signatures"). */
#define NOTE_TYPE_ED25519 0x01
/** Signature type 0x04: timestamped Ed25519 witness cosignature (tlog-cosignature). */
#define NOTE_TYPE_COSIG 0x04

/** Longest key name accepted in a key, in bytes (UTF-8), without the NUL. */
#define NOTE_NAME_MAX 256

/**
 * Largest signed note note_open() accepts and note_sign() produces, in bytes.
 * signed-note "Format": verifiers SHOULD limit the number of signatures or,
 * equivalently, the size of a note. 1 MiB holds any checkpoint with a hundred
 * post-quantum (about 5 kB) signatures many times over.
 */
#define NOTE_MAX_SIZE (1024u * 1024u)

/**
 * Most signature lines note_open() accepts. signed-note "Format": verifiers
 * MUST accept at least 16 and ignore the lines of unknown keys; like Go's
 * note package we accept up to 100 (a log cosigned by many witnesses, or a
 * note padded with unknown lines, is still read), and refuse more with
 * LH_ETOOMANYSIGS.
 */
#define NOTE_MAX_SIGS 100

/** Ed25519 public key, secret key (libsodium form: seed || public key), seed and signature. */
#define NOTE_PUBKEY_LEN      32
#define NOTE_SECRETKEY_LEN   64
#define NOTE_SEED_LEN        32
#define NOTE_ED25519_SIG_LEN 64

/**
 * Longest signature (the bytes after the 4-byte key id) that a known key can
 * carry: a type 0x04 cosignature, 8-byte timestamp || 64-byte Ed25519.
 */
#define NOTE_SIG_MAX 72

/** Longest verifier key string "<name>+<8 hex>+<base64(type || 32-byte key)>", without NUL. */
#define NOTE_VKEY_MAX (NOTE_NAME_MAX + 1 + 8 + 1 + 44)
/** Longest signer key string "PRIVATE+KEY+<name>+<8 hex>+<base64(type || seed)>", without NUL. */
#define NOTE_SKEY_MAX (12 + NOTE_VKEY_MAX)
/** Longest signature line this library writes: "— " name " " base64(4 + NOTE_SIG_MAX) "\n". */
#define NOTE_SIGLINE_MAX (4 + NOTE_NAME_MAX + 1 + 104 + 1)

/** note_sig.key for a signature line whose (name, key id) is not a known key. */
#define NOTE_KEY_UNKNOWN SIZE_MAX

/**
 * A verifier key: what a client is configured with to trust signatures
 * (signed-note "Signatures": the tuple of key name and key id identifies the
 * key and its algorithm). Public data; no wiping needed.
 */
typedef struct note_verifier {
    char name[NOTE_NAME_MAX + 1];    /**< NUL-terminated, valid key name */
    uint32_t keyid;                  /**< SHA-256(name || 0x0A || type || pubkey)[:4], big-endian */
    uint8_t type;                    /**< NOTE_TYPE_ED25519 or NOTE_TYPE_COSIG */
    uint8_t pubkey[NOTE_PUBKEY_LEN]; /**< Ed25519 public key */
} note_verifier;

/**
 * A signer key. It holds the Ed25519 secret key.
 * @note The caller owns the memory. A caller that keeps a signer longer than
 * one call SHOULD place it in sodium_malloc() memory (guarded, locked,
 * not swapped; sodium_mprotect_readonly() between uses) and MUST wipe it
 * with note_signer_wipe() (or sodium_free()) when done.
 */
typedef struct note_signer {
    char name[NOTE_NAME_MAX + 1];   /**< NUL-terminated, valid key name */
    uint32_t keyid;                 /**< key id of the public key, as in note_verifier */
    uint8_t type;                   /**< NOTE_TYPE_ED25519 or NOTE_TYPE_COSIG */
    uint8_t sk[NOTE_SECRETKEY_LEN]; /**< libsodium secret key: seed || public key */
} note_signer;

/** One signature line of an opened note. */
typedef struct note_sig {
    const char *name; /**< key name, points into the note, NOT NUL-terminated */
    size_t name_len;
    uint32_t keyid;  /**< the first four signature bytes, big-endian */
    const char *b64; /**< the whole base64 field, points into the note, NOT NUL-terminated */
    size_t b64_len;
    size_t sig_len;            /**< decoded length after the key id (may exceed NOTE_SIG_MAX) */
    uint8_t sig[NOTE_SIG_MAX]; /**< the first min(sig_len, NOTE_SIG_MAX) bytes after the key id */
    size_t key;                /**< index into known[], or NOTE_KEY_UNKNOWN */
    uint64_t timestamp; /**< verified cosignature timestamp when known[key] has type 0x04, else 0 */
} note_sig;

/** A known key that signed the note, listed once even if it signed on several lines. */
typedef struct note_signed {
    size_t key;         /**< index into known[] */
    size_t line;        /**< index into note_opened.sigs of its first line */
    uint64_t timestamp; /**< for type 0x04 keys, the timestamp of that line; else 0 */
} note_signed;

/**
 * The result of note_open().
 * @note text, and the name and b64 fields of every sig, point into the note
 * buffer given to note_open(): they are valid only as long as that buffer.
 */
typedef struct note_opened {
    const uint8_t *text; /**< the note text, ending in '\n', into the note buffer */
    size_t text_len;
    size_t nsigs; /**< every signature line, known or not, in note order */
    note_sig sigs[NOTE_MAX_SIGS];
    size_t nsigned; /**< distinct known keys whose signatures verified */
    note_signed signer[NOTE_MAX_SIGS];
} note_opened;

/**
 * Whether name is a valid key name (signed-note "Format"): non-empty, valid
 * UTF-8, no plus (U+002B), no Unicode white space (Go's unicode.IsSpace set)
 * and, stricter than C2SP, no control character (C0, DEL, C1).
 * @param[in] name  name_len bytes, need not be NUL-terminated.
 * @return true if valid. Length is not bounded here (see NOTE_NAME_MAX).
 */
bool note_name_valid(const char *name, size_t name_len);

/**
 * Compute a key id (signed-note "Signatures"):
 * SHA-256(name || 0x0A || type || pubkey)[:4] as a big-endian integer.
 * @param[in] name    name_len bytes.
 * @param[in] type    signature type byte.
 * @param[in] pubkey  32-byte Ed25519 public key.
 * @return the key id.
 */
uint32_t note_keyid(const char *name, size_t name_len, uint8_t type,
                    const uint8_t pubkey[NOTE_PUBKEY_LEN]);

/**
 * Build a verifier key from its parts, computing the key id.
 * @param[out] out     written only on success.
 * @param[in]  name    name_len bytes.
 * @param[in]  type    NOTE_TYPE_ED25519 or NOTE_TYPE_COSIG.
 * @param[in]  pubkey  32-byte Ed25519 public key.
 * @return 0; LH_EINVAL for NULL arguments; LH_EPARSE for an invalid name;
 *         LH_ETOOBIG for a name longer than NOTE_NAME_MAX; LH_EALGO for
 *         another type.
 */
int note_verifier_init(note_verifier *out, const char *name, size_t name_len, uint8_t type,
                       const uint8_t pubkey[NOTE_PUBKEY_LEN]);

/**
 * Parse a verifier key "<name>+<keyid>+<base64(type || pubkey)>" strictly:
 * the key id is exactly 8 lowercase hex digits and must equal the id computed
 * from the key; the base64 is canonical and decodes to exactly 33 bytes.
 * @param[in]  vkey  len bytes, need not be NUL-terminated; no trailing newline.
 * @param[out] out   written only on success.
 * @param[out] err   optional detail.
 * @return 0; LH_EINVAL for NULL arguments; LH_ETOOBIG when longer than
 *         NOTE_VKEY_MAX or the name longer than NOTE_NAME_MAX; LH_EPARSE for
 *         a missing field, an invalid name or a malformed key id; LH_EBASE64;
 *         LH_ELENGTH when the key is not 33 bytes; LH_EALGO for a type other
 *         than 0x01 or 0x04; LH_EFIELD when the key id does not match the key.
 */
int note_vkey_parse(const char *vkey, size_t len, note_verifier *out, lh_err *err);

/**
 * note_vkey_parse() for a key that must be of one signature type (a log key
 * is 0x01, a witness key 0x04): a key of another supported type is refused
 * with LH_EALGO before its key id is checked, since the key id hashes the
 * type and would otherwise merely fail to match.
 * @param[in]  type  NOTE_TYPE_ED25519 or NOTE_TYPE_COSIG.
 * @return as note_vkey_parse(); LH_EINVAL also for a type of 0; LH_EALGO
 *         also for a supported type other than type.
 */
int note_vkey_parse_type(const char *vkey, size_t len, uint8_t type, note_verifier *out,
                         lh_err *err);

/**
 * Format a verifier key as "<name>+<8 lowercase hex>+<base64(type || pubkey)>".
 * @param[in]  v        the key.
 * @param[out] out      cap bytes; receives the NUL-terminated string.
 * @param[out] out_len  its length without the NUL (at most NOTE_VKEY_MAX).
 * @return 0; LH_EINVAL for NULL arguments or an invalid verifier (name,
 *         type, or a key id that does not match the key); LH_ETOOBIG when cap
 *         is too small (NOTE_VKEY_MAX + 1 always suffices).
 */
int note_vkey_format(const note_verifier *v, char *out, size_t cap, size_t *out_len);

/**
 * Build a signer from a 32-byte Ed25519 seed (RFC 8032 private key).
 * @param[out] out   written only on success. See note_signer for its care.
 * @param[in]  name  name_len bytes, a valid key name.
 * @param[in]  type  NOTE_TYPE_ED25519 for notes and checkpoints,
 *                   NOTE_TYPE_COSIG for a witness.
 * @param[in]  seed  the secret seed; the caller keeps and wipes it.
 * @return 0; LH_EINVAL for NULL arguments; LH_EPARSE for an invalid name;
 *         LH_ETOOBIG for a name longer than NOTE_NAME_MAX; LH_EALGO for
 *         another type. Every temporary copy of the secret is wiped.
 */
int note_signer_from_seed(note_signer *out, const char *name, size_t name_len, uint8_t type,
                          const uint8_t seed[NOTE_SEED_LEN]);

/**
 * Parse a signer key in Go's golang.org/x/mod/sumdb/note format
 * "PRIVATE+KEY+<name>+<keyid>+<base64(type || seed)>", with the same strict
 * rules as note_vkey_parse() (the key id is checked against the derived
 * public key).
 * @param[in]  skey  len bytes, need not be NUL-terminated; the caller wipes it.
 * @param[out] out   written only on success; temporaries are wiped on every path.
 * @param[out] err   optional detail.
 * @return 0; LH_EINVAL; LH_ETOOBIG; LH_EPARSE (also when the "PRIVATE+KEY+"
 *         prefix is missing); LH_EBASE64; LH_ELENGTH; LH_EALGO; LH_EFIELD,
 *         as for note_vkey_parse(). The error detail never contains key bytes.
 */
int note_skey_parse(const char *skey, size_t len, note_signer *out, lh_err *err);

/**
 * Format a signer key in Go's format (see note_skey_parse()).
 * @param[in]  s        the signer.
 * @param[out] out      cap bytes; receives the NUL-terminated secret string.
 * @param[out] out_len  its length without the NUL (at most NOTE_SKEY_MAX).
 * @note out then holds the secret key: the caller should use sodium_malloc()
 *       memory and wipe it. Internal temporaries are wiped.
 * @return 0; LH_EINVAL for NULL arguments or an invalid signer; LH_ETOOBIG
 *         when cap is too small (NOTE_SKEY_MAX + 1 always suffices).
 */
int note_skey_format(const note_signer *s, char *out, size_t cap, size_t *out_len);

/**
 * The verifier key matching a signer.
 * @param[in]  s    the signer.
 * @param[out] out  its public half; written only on success.
 * @return 0; LH_EINVAL for NULL arguments or an invalid signer.
 */
int note_signer_verifier(const note_signer *s, note_verifier *out);

/**
 * Wipe a signer with sodium_memzero().
 * @param[in,out] s  may be NULL.
 */
void note_signer_wipe(note_signer *s);

/**
 * Sign a text with type 0x01 signers: out = text || "\n" || for each signer
 * "— " name " " base64(keyid || Ed25519(text)) "\n". Each signature is
 * verified against the signer's public key before the call returns.
 * @param[in]  text      text_len bytes: non-empty, ending in '\n', valid
 *                       UTF-8, no control character other than '\n' (DEL
 *                       refused too). The text may contain blank lines and
 *                       lines starting with "— ": the last blank line of the
 *                       note still separates it from the signatures.
 * @param[in]  signers   nsigners distinct (name, key id) type 0x01 signers.
 *                       Cosignatures are made with cosig_sign().
 * @param[in]  nsigners  1 to NOTE_MAX_SIGS.
 * @param[out] out       cap bytes, must not overlap text; written on success.
 * @param[out] out_len   the note length (at most NOTE_MAX_SIZE).
 * @param[out] err       optional detail.
 * @return 0; LH_EINVAL (NULL, no signer, a duplicate or inconsistent signer);
 *         LH_ETOOMANYSIGS (more than NOTE_MAX_SIGS signers); LH_EALGO (a
 *         signer of another type); LH_EPARSE (no final newline); LH_EUTF8;
 *         LH_ECTRL; LH_ETOOBIG (note larger than NOTE_MAX_SIZE, or cap too
 *         small); LH_EINTERNAL (a signature failed its own verification).
 */
int note_sign(const uint8_t *text, size_t text_len, const note_signer *signers, size_t nsigners,
              uint8_t *out, size_t cap, size_t *out_len, lh_err *err);

/**
 * Open a signed note (signed-note "Format" and "Signatures"): check that it
 * is at most NOTE_MAX_SIZE bytes of valid UTF-8 without control characters
 * other than '\n' (DEL refused too), split it at its LAST blank line, parse
 * every signature line strictly ("— ", a valid name, one space, canonical
 * base64 of at least 5 bytes, '\n'), refuse more than NOTE_MAX_SIGS lines,
 * ignore lines whose (name, key id) matches no known key, and verify every
 * line that matches one, by the key's type: 0x01 Ed25519 over the text,
 * 0x04 cosig_verify_sig(). Any failing known signature rejects the note,
 * even after a good one by the same key (C2SP SHOULD, Go does not).
 * @param[in]  note    len bytes, not NUL-terminated.
 * @param[in]  known   nknown trusted keys (may be NULL when nknown is 0);
 *                     no two may share both name and key id.
 * @param[out] out     written only on success.
 * @param[out] err     optional detail naming the line and the cause.
 * @return 0; LH_EINVAL (NULL arguments, ambiguous known keys); LH_ETOOBIG;
 *         LH_EUTF8; LH_ECTRL; LH_EPARSE (no blank line, no signature line,
 *         missing final newline, bad prefix or name); LH_EBASE64;
 *         LH_ELENGTH (signature shorter than 5 bytes); LH_ETOOMANYSIGS;
 *         LH_EBADSIG (a known key's signature does not verify); LH_ENOKEY
 *         (no signature by a known key).
 * @note out->text and the spans in out->sigs point into note. A note with
 *       type 0x04 known keys is only a cosigned checkpoint if its text is a
 *       checkpoint: use checkpoint_open() for that.
 */
int note_open(const uint8_t *note, size_t len, const note_verifier *known, size_t nknown,
              note_opened *out, lh_err *err);

/**
 * note_open() with the known keys given as an array of pointers, so that a
 * caller can combine keys kept in different places (checkpoint_open() passes
 * the log key and the witnesses). Same rules, returns and lifetimes;
 * out->sigs[].key and out->signer[].key index this pointer array.
 */
int note_open_keys(const uint8_t *note, size_t len, const note_verifier *const *known,
                   size_t nknown, note_opened *out, lh_err *err);

#endif
