/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * entry.h — entries, the records an author signs (docs/design.md
 * "Entries"): limits, the entry signature, the SignedEntry and Leaf
 * wrappers, their hashes and the entry id. What an entry may hold is
 * validate.h's; its kinds and who may append them, kind.h and role.h.
 *
 * Every function is pure: no I/O, no globals, no allocation. All of them
 * may be called from several threads at once. libsodium must have been
 * initialised (sodium_init()) by the program.
 *
 * Byte strings from outside (entries, signed entries, leaves) are suspect
 * until the function that reads them says otherwise; the bytes an author
 * signed are never re-serialised: the unpack functions return
 * pointers into their input, not copies.
 */
#ifndef LIUHEN_ENTRY_H
#define LIUHEN_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "liuhen.pb-c.h"

/** @name Sizes of keys, hashes and signatures */
/**@{*/
#define ENTRY_KEY_BYTES  32 /**< Ed25519 public key */
#define ENTRY_SK_BYTES   64 /**< libsodium Ed25519 secret key (seed || public key) */
#define ENTRY_SIG_BYTES  64 /**< Ed25519 signature */
#define ENTRY_HASH_BYTES 32 /**< SHA-256: leaf hashes, attachments */
#define ENTRY_ID_BYTES   32 /**< SHA-256 of the Entry bytes: entry_id() */
/**@}*/

/** @name Size limits
 *
 * A leaf is at most 65,535 bytes so that C2SP tlog-tiles entry bundles,
 * which prefix each entry with a uint16 length, can carry it (docs/design.md
 * "Entries"). Working back from that bound gives the largest entry:
 *
 *     Leaf        = 0x0A varint(len SignedEntry) SignedEntry
 *                   0x10 varint(integrated_at)            (at most 10 bytes)
 *     SignedEntry = 0x0A varint(len Entry) Entry 0x12 0x40 signature[64]
 *
 * Lengths between 16,384 and 2,097,151 take a 3-byte varint, so
 *     ENTRY_SIGNED_MAX = 65,535 - 1 - 3 - 1 - 10  = 65,520 and
 *     ENTRY_MAX_SIZE   = 65,520 - 1 - 3 - 1 - 1 - 64 = 65,450.
 * The ten bytes for integrated_at are those of a negative int64; the log's
 * clock is positive (at most 9 bytes), so one byte is spare, on purpose: the
 * bound does not depend on that rule. entry.c checks the arithmetic with
 * static assertions and the tests against protobuf-c's own encoder.
 */
/**@{*/
#define ENTRY_LEAF_MAX   65535 /**< the largest Leaf (uint16 bundle length) */
#define ENTRY_SIGNED_MAX 65520 /**< the largest SignedEntry that fits a leaf */
#define ENTRY_MAX_SIZE   65450 /**< the largest Entry that fits a leaf */

/** Bytes of the varint encoding of n (n < 2^63), for the size macros. */
#define ENTRY_VARINT_SIZE(n)                                                                       \
    ((n) < (1ULL << 7)    ? 1                                                                      \
     : (n) < (1ULL << 14) ? 2                                                                      \
     : (n) < (1ULL << 21) ? 3                                                                      \
     : (n) < (1ULL << 28) ? 4                                                                      \
     : (n) < (1ULL << 35) ? 5                                                                      \
     : (n) < (1ULL << 42) ? 6                                                                      \
     : (n) < (1ULL << 49) ? 7                                                                      \
     : (n) < (1ULL << 56) ? 8                                                                      \
                          : 9)
/** Bytes of the SignedEntry holding an entry of entry_len bytes. */
#define ENTRY_SIGNED_SIZE(entry_len)                                                               \
    (1 + ENTRY_VARINT_SIZE(entry_len) + (entry_len) + 2 + ENTRY_SIG_BYTES)
/** Bytes of the Leaf holding a SignedEntry of signed_len bytes, with an
 *  integrated_at whose varint takes ts_bytes bytes. */
#define ENTRY_LEAF_SIZE(signed_len, ts_bytes)                                                      \
    (1 + ENTRY_VARINT_SIZE(signed_len) + (signed_len) + 1 + (ts_bytes))

/* Per-field limits. They keep one record readable and bound the work of
 * validating it; an entry that meets all of them may still exceed
 * ENTRY_MAX_SIZE, which is checked as a whole. */
#define ENTRY_ORIGIN_MAX      256   /**< origin, bytes */
#define ENTRY_CASE_ID_MAX     128   /**< case_id, bytes of printable non-space UTF-8 */
#define ENTRY_SHORT_TEXT_MAX  256   /**< names, units, positions, references, media types */
#define ENTRY_FREE_TEXT_MAX   16384 /**< contents, summaries, reasons (16 KiB) */
#define ENTRY_REPEATED_MAX    256   /**< items of any repeated field */
#define ENTRY_ATTACHMENTS_MAX 64    /**< items of attachments */
/**@}*/

/** @name Entry signature
 *
 * signature = Ed25519(author key, ENTRY_SIG_CONTEXT || entry bytes)
 * (docs/design.md "Entries"). The context keeps an entry signature from ever
 * being taken for a signature over anything else the same key signs.
 */
/**@{*/
#define ENTRY_SIG_CONTEXT     "liuhen/entry/v1\n"
#define ENTRY_SIG_CONTEXT_LEN (sizeof ENTRY_SIG_CONTEXT - 1)
/** Room for the signed message of the largest entry. */
#define ENTRY_SIG_INPUT_MAX (ENTRY_SIG_CONTEXT_LEN + ENTRY_MAX_SIZE)
/**@}*/

/**
 * Write the message an entry signature covers, ENTRY_SIG_CONTEXT || entry,
 * for signers that take the whole message (keyfile_sign()).
 * @param[in]  entry    len bytes.
 * @param[out] out      room for cap bytes.
 * @param[out] out_len  the length written; on LH_ELENGTH, the length needed.
 * @return 0;
 *         LH_ETOOBIG if len > ENTRY_MAX_SIZE;
 *         LH_ELENGTH if cap < ENTRY_SIG_CONTEXT_LEN + len.
 */
int entry_sig_input(const uint8_t *entry, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/**
 * Sign an entry. The signature is verified with the public half of sk
 * before it is returned, as minisign does, so that a fault or a secret key
 * whose halves disagree never leaves this function as a bad signature.
 * @param[in]  entry  len bytes, exactly as they will be sent; not validated
 *                    (call validate_entry() first).
 * @param[in]  sk     libsodium Ed25519 secret key (seed || public key).
 * @param[out] sig    the signature; zeroed on error.
 * @return 0;
 *         LH_ETOOBIG if len > ENTRY_MAX_SIZE;
 *         LH_EINTERNAL if the fresh signature does not verify.
 * @note Uses about ENTRY_SIG_INPUT_MAX (64 KiB) of stack for the signed
 *       message and allocates nothing. Thread-safe. sk is only read; the
 *       caller keeps it in protected memory and wipes it.
 */
int entry_sign(const uint8_t *entry, size_t len, const uint8_t sk[ENTRY_SK_BYTES],
               uint8_t sig[ENTRY_SIG_BYTES]);

/**
 * Verify an entry signature.
 * @param[in] entry  len bytes, exactly as signed.
 * @param[in] sig    the signature from the SignedEntry.
 * @param[in] pk     the entry's author_key (the caller checks that it is
 *                   that key, and that it is enrolled and not revoked).
 * @return 0 if sig is a valid signature of pk over ENTRY_SIG_CONTEXT || entry;
 *         LH_EBADSIG otherwise (also for a small-order or non-canonical key
 *         or signature, which libsodium refuses);
 *         LH_ETOOBIG if len > ENTRY_MAX_SIZE.
 * @note Called by liuhend's worker threads: thread-safe, no allocation, no
 *       static buffer; uses about ENTRY_SIG_INPUT_MAX (64 KiB) of stack, so
 *       a worker thread needs a stack of at least 128 KiB.
 */
int entry_verify(const uint8_t *entry, size_t len, const uint8_t sig[ENTRY_SIG_BYTES],
                 const uint8_t pk[ENTRY_KEY_BYTES]);

/**
 * A protobuf-c allocator that tells a failed allocation from malformed
 * input, both of which make an unpack function answer NULL: it is malloc
 * and free, like protobuf-c's default allocator, and sets *failed to true
 * when malloc fails.
 * @param[out] failed  set to true on a failed allocation, never reset; the
 *                     caller sets it to false before unpacking.
 * @return the allocator, to pass to liuhen__*__unpack().
 * @note failed is borrowed and must outlive the unpack call. A message
 *       unpacked with it is freed with liuhen__*__free_unpacked(msg, NULL).
 *       Thread-safe when each thread has its own failed.
 */
ProtobufCAllocator entry_allocator(bool *failed);

int entry_signed_pack(const uint8_t *entry, size_t len, const uint8_t sig[ENTRY_SIG_BYTES],
                      uint8_t *out, size_t cap, size_t *out_len);

/**
 * Decode a SignedEntry strictly, by hand, so that the entry bytes come back
 * exactly as signed: field 1 (entry, non-empty) then field 2 (signature,
 * 64 bytes), each once, minimal varints, nothing before, between or after.
 * @param[in]  buf        len bytes.
 * @param[out] entry      points into buf; valid as long as buf is.
 * @param[out] entry_len  1 .. ENTRY_MAX_SIZE.
 * @param[out] sig        points into buf: ENTRY_SIG_BYTES bytes.
 * @param[out] err        NULL, or a sentence naming the problem.
 * @return 0;
 *         LH_ETOOBIG if len > ENTRY_SIGNED_MAX or the entry is longer than
 *         ENTRY_MAX_SIZE;
 *         LH_EUNKNOWNFIELD for a field other than 1 and 2;
 *         LH_EFIELD if the signature is not 64 bytes;
 *         LH_EPARSE for anything else (truncated, wrong wire type, missing,
 *         repeated or reordered field, non-minimal varint, trailing bytes).
 * @note The outputs are unchanged on error. The entry is not validated:
 *       call validate_entry() and entry_verify().
 */
int entry_signed_unpack(const uint8_t *buf, size_t len, const uint8_t **entry, size_t *entry_len,
                        const uint8_t **sig, lh_err *err);

/**
 * Encode the Leaf { signed_entry, integrated_at } that the log hashes. The
 * daemon serialises a leaf once (docs/design.md); the bytes are stored as made.
 * @param[in]  signed_entry   len bytes, non-empty; not re-parsed (the
 *                            daemon got them from entry_signed_unpack()).
 * @param[in]  integrated_at  the log's clock, unix ms, > 0 (proto3 would
 *                            leave a zero out, and the clock is positive).
 * @param[out] out            room for cap bytes; ENTRY_LEAF_MAX is enough.
 * @param[out] out_len        the length written; on LH_ELENGTH, the length
 *                            needed.
 * @return 0; LH_EINVAL if len == 0 or integrated_at <= 0;
 *         LH_ETOOBIG if the leaf would exceed ENTRY_LEAF_MAX;
 *         LH_ELENGTH if cap is too small.
 */
int entry_leaf_pack(const uint8_t *signed_entry, size_t len, int64_t integrated_at, uint8_t *out,
                    size_t cap, size_t *out_len);

/**
 * Decode a Leaf strictly (same rules as entry_signed_unpack(): field 1
 * signed_entry non-empty, then field 2 integrated_at > 0, nothing else).
 * @param[in]  leaf           len bytes.
 * @param[out] signed_entry   points into leaf; valid as long as leaf is.
 * @param[out] signed_len     its length, >= 1.
 * @param[out] integrated_at  > 0.
 * @param[out] err            NULL, or a sentence naming the problem.
 * @return 0; LH_ETOOBIG if len > ENTRY_LEAF_MAX; LH_EUNKNOWNFIELD;
 *         LH_EFIELD if integrated_at is not positive; LH_EPARSE.
 * @note The outputs are unchanged on error. The signed entry inside is not
 *       decoded: pass it to entry_signed_unpack().
 */
int entry_leaf_unpack(const uint8_t *leaf, size_t len, const uint8_t **signed_entry,
                      size_t *signed_len, int64_t *integrated_at, lh_err *err);

/**
 * The leaf hash, SHA-256(0x00 || leaf bytes) (RFC 6962 §2.1): what the
 * Merkle tree holds. It covers the log's integrated_at, which the author
 * cannot know when signing: entries name each other by entry id instead.
 */
void entry_leaf_hash(const uint8_t *leaf, size_t len, uint8_t out[ENTRY_HASH_BYTES]);

/**
 * The entry id, SHA-256 of the Entry bytes exactly as signed (the bytes
 * inside the SignedEntry, without the signature; docs/design.md "Entries"). An
 * author knows it the moment it has signed: author_prev, case_prev, refs
 * and the entries named in bodies (a CORRECTION's `corrects`, a REPLY's
 * `complaint`...) hold entry ids, and the log recognises a duplicate append
 * by it.
 */
void entry_id(const uint8_t *entry, size_t len, uint8_t out[ENTRY_ID_BYTES]);

/**
 * The body of an entry, whatever its kind, as a generic message (its
 * descriptor says which).
 * @return the body, or NULL when entry is NULL or has no body.
 * @note Borrowed from entry: valid until entry is freed.
 */
ProtobufCMessage *entry_body_of(Liuhen__Entry *entry);

#endif
