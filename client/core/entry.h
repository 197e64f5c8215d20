/*
 * entry.h — entries, the records an author signs (DESIGN.md "Entries"):
 * limits, the entry signature, structural validation, the SignedEntry and
 * Leaf wrappers and their hashes, the names of kinds and roles, and the
 * table of which role may append which kind (DESIGN.md "Kinds").
 *
 * Every function is pure: no I/O, no globals, no allocation except
 * entry_validate(), which unpacks the entry with entry_allocator() (malloc
 * and free, like protobuf-c's default allocator). All of them may be called from several threads at
 * once. libsodium must have been initialised (sodium_init()) by the program.
 *
 * Byte strings from outside (entries, signed entries, leaves) are suspect
 * until the function that reads them says otherwise; the bytes an author
 * signed are never re-serialised (DESIGN.md): the unpack functions return
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
 * which prefix each entry with a uint16 length, can carry it (DESIGN.md
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
 * (DESIGN.md "Entries"). The context keeps an entry signature from ever
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
 *                    (call entry_validate() first).
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
 * Validate the structure of an entry and unpack it.
 *
 * Structure only, never regulation completeness: an INTERFERENCE without a
 * place or content is valid here; the verifier reports it as a finding (R1,
 * REGULATION.md), because B§3 wants the incomplete record kept, not refused.
 * Checks, in this order:
 *  - size: len <= ENTRY_MAX_SIZE (LH_ETOOBIG);
 *  - protobuf: a well-formed liuhen.Entry (LH_EPARSE);
 *  - kind: defined and not KIND_UNSPECIFIED; a body present and of that
 *    kind (LH_EKIND);
 *  - origin: equal to expected_origin when it is not NULL (LH_EORIGIN);
 *  - header: case_id required, except for KEY_ENROLL / KEY_REVOKE where it
 *    must be empty; author_key 32 bytes; author_seq >= 1; author_prev absent
 *    iff author_seq == 1, else 32 bytes; case_prev 32 bytes when present,
 *    required for the kinds that cannot open a case
 *    (entry_kind_opens_case()) and absent for key management; recorded_at
 *    > 0; attachments with a non-empty name holding no '/' (nor "." or
 *    ".."), a 32-byte sha256 and a type/subtype media_type (LH_EFIELD);
 *  - every field of every message, through the protobuf-c descriptors so
 *    that fields added later are covered: no unknown field
 *    (LH_EUNKNOWNFIELD, naming the message and the field number); every
 *    enum holds a value defined in liuhen.proto; every bytes field is empty
 *    or 32 bytes (each is a SHA-256 or an Ed25519 key), each item of a
 *    repeated bytes field exactly 32; at most ENTRY_REPEATED_MAX items
 *    (ENTRY_ATTACHMENTS_MAX attachments) (LH_EFIELD); every string valid
 *    UTF-8 (LH_EUTF8) without control characters (C0, DEL, C1,
 *    bidirectional overrides), except LF and TAB in free texts (LH_ECTRL),
 *    at most ENTRY_FREE_TEXT_MAX bytes for free texts, ENTRY_CASE_ID_MAX for
 *    case_id, ENTRY_SHORT_TEXT_MAX for the rest; case_id, origin and
 *    correction field paths without whitespace; origin without '+' (C2SP
 *    signed-note key names) (LH_EFIELD);
 *  - kind rules: KEY_ENROLL has a 32-byte public_key, a holder and at least
 *    one role, none ROLE_UNSPECIFIED; KEY_REVOKE has a public_key;
 *    CORRECTION has `corrects` (LH_EFIELD);
 *  - encoding: the bytes are the canonical proto3 encoding of what they
 *    say, i.e. they re-encode to themselves: fields in number order, packed
 *    repeated scalars, minimal varints, no default values written out, no
 *    field twice, no NUL inside a string (LH_EPARSE). So every parser reads
 *    the same record from the signed bytes.
 *
 * @param[in]  entry            len bytes, exactly as signed.
 * @param[in]  expected_origin  this log's origin, or NULL to skip the check.
 * @param[out] out              NULL, or receives the unpacked entry on
 *                              success and NULL on failure.
 * @param[out] err              NULL, or a sentence naming the first bad
 *                              field by its dotted path
 *                              ("interference.person.name",
 *                              "attachments[2].sha256", "refs[0]").
 * @return 0; LH_ETOOBIG; LH_EPARSE; LH_EKIND; LH_EORIGIN; LH_EFIELD;
 *         LH_EUNKNOWNFIELD; LH_EUTF8; LH_ECTRL; LH_ENOMEM.
 * @note *out is owned by the caller, who frees it with
 *       liuhen__entry__free_unpacked(*out, NULL); it copies what it needs
 *       and does not point into entry. Nothing is allocated on failure.
 *       Thread-safe.
 */
int entry_validate(const uint8_t *entry, size_t len, const char *expected_origin,
                   Liuhen__Entry **out, lh_err *err);

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

/**
 * Whether s is a media type as an attachment's media_type must be (and as
 * entry_validate() checks it): "type/subtype", each an RFC 6838 §4.2
 * restricted-name, optionally followed by ";" and parameters in printable
 * ASCII ("text/plain; charset=utf-8"). The length is not checked here.
 * @param[in] s  NUL-terminated.
 */
bool entry_media_type_ok(const char *s);

/**
 * Encode a SignedEntry { entry, signature } (canonical proto3, the form
 * entry_signed_unpack() accepts).
 * @param[in]  entry    len bytes, 1 <= len <= ENTRY_MAX_SIZE.
 * @param[out] out      room for cap bytes; ENTRY_SIGNED_SIZE(len), at most
 *                      ENTRY_SIGNED_MAX, is enough.
 * @param[out] out_len  the length written; on LH_ELENGTH, the length needed.
 * @return 0; LH_EINVAL if len == 0; LH_ETOOBIG if len > ENTRY_MAX_SIZE;
 *         LH_ELENGTH if cap is too small.
 */
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
 *       call entry_validate() and entry_verify().
 */
int entry_signed_unpack(const uint8_t *buf, size_t len, const uint8_t **entry, size_t *entry_len,
                        const uint8_t **sig, lh_err *err);

/**
 * Encode the Leaf { signed_entry, integrated_at } that the log hashes. The
 * daemon serialises a leaf once (DESIGN.md); the bytes are stored as made.
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
 * inside the SignedEntry, without the signature; DESIGN.md "Entries"). An
 * author knows it the moment it has signed: author_prev, case_prev, refs
 * and the entries named in bodies (a CORRECTION's `corrects`, a REPLY's
 * `complaint`...) hold entry ids, and the log recognises a duplicate append
 * by it.
 */
void entry_id(const uint8_t *entry, size_t len, uint8_t out[ENTRY_ID_BYTES]);

/** @name Kinds (DESIGN.md "Kinds") */
/**@{*/

/**
 * The kind's name without its prefix: "INTERFERENCE", "KEY_ENROLL".
 * @return a static string, never NULL: "UNSPECIFIED" for KIND_UNSPECIFIED,
 *         "UNKNOWN" for a value liuhen.proto does not define.
 */
const char *entry_kind_name(Liuhen__Kind kind);

/**
 * The kind's label for users, as proto/liuhen.proto's comment gives it
 * (labels.h): "干预插手记录", "处理决定".
 * @return a static UTF-8 string, never NULL ("未知类型" for an undefined kind).
 */
const char *entry_kind_label_zh(Liuhen__Kind kind);

/**
 * The kind a name designates, ignoring case, '-' standing for '_', with or
 * without the "KIND_" prefix: "interference", "investigation-step",
 * "INVESTIGATION_STEP", "KIND_DECISION".
 * @return the kind; LIUHEN__KIND__KIND_UNSPECIFIED when none matches (or
 *         name is NULL).
 */
Liuhen__Kind entry_kind_from_name(const char *name);

/**
 * The body of an entry, whatever its kind, as a generic message (its
 * descriptor says which).
 * @return the body, or NULL when entry is NULL or has no body.
 * @note Borrowed from entry: valid until entry is freed.
 */
ProtobufCMessage *entry_body_of(Liuhen__Entry *entry);

/**
 * Whether an entry of this kind may be the first of its case (DESIGN.md,
 * "opens a case": INTERFERENCE, GUIDANCE, COMPLAINT). The other case kinds
 * must name the case's head in case_prev.
 */
bool entry_kind_opens_case(Liuhen__Kind kind);

/** The bit of a role in a roles mask. */
#define ENTRY_ROLE_BIT(role) (UINT32_C(1) << (unsigned)(role))
/** Every role: the mask of "any enrolled key". */
#define ENTRY_ROLES_ALL                                                                            \
    (ENTRY_ROLE_BIT(LIUHEN__ROLE__ROLE_ADMIN) | ENTRY_ROLE_BIT(LIUHEN__ROLE__ROLE_HANDLER) |       \
     ENTRY_ROLE_BIT(LIUHEN__ROLE__ROLE_LEGAL) | ENTRY_ROLE_BIT(LIUHEN__ROLE__ROLE_LEADER) |        \
     ENTRY_ROLE_BIT(LIUHEN__ROLE__ROLE_INVESTIGATOR))

/**
 * Whether a key enrolled with these roles may append an entry of this kind
 * (the table of DESIGN.md "Kinds", held as data in entry.c).
 * @param[in] roles  ENTRY_ROLE_BIT()s of the key's roles (entry_roles_mask());
 *                   0 for a key that is not enrolled, which may append
 *                   nothing. The first entry of a log, the KEY_ENROLL
 *                   signed by the log's own key, is the caller's exception.
 * @param[in] corrects_own_entry  for CORRECTION only, which "the original
 *                   author" may append: whether the entry named by
 *                   `corrects` has the same author_key. Only the caller can
 *                   tell (it needs the store or the export); pass true to
 *                   check the role alone, e.g. when R11 reports the rest.
 *                   Ignored for the other kinds.
 * @return false also for KIND_UNSPECIFIED and undefined kinds.
 */
bool entry_kind_allowed(Liuhen__Kind kind, uint32_t roles, bool corrects_own_entry);
/**@}*/

/** @name Roles */
/**@{*/

/**
 * The role's name: "admin", "handler", "legal", "leader", "investigator".
 * @return a static string, never NULL ("unspecified", "unknown").
 */
const char *entry_role_name(Liuhen__Role role);

/**
 * The role's label for users, as proto/liuhen.proto's comment gives it
 * (labels.h): 系统管理员, 办案人员, 法规部门, 局领导, 调查组成员.
 * @return a static UTF-8 string, never NULL ("未知角色" for an undefined role).
 */
const char *entry_role_label_zh(Liuhen__Role role);

/**
 * The role a name designates, ignoring case, with or without the "ROLE_"
 * prefix: "handler", "LEGAL", "ROLE_LEADER".
 * @return the role; LIUHEN__ROLE__ROLE_UNSPECIFIED when none matches.
 */
Liuhen__Role entry_role_from_name(const char *name);

/**
 * The mask of the defined roles among roles[0..n) (a KeyEnroll's roles);
 * ROLE_UNSPECIFIED and undefined values add nothing.
 */
uint32_t entry_roles_mask(const Liuhen__Role *roles, size_t n);

/**
 * The roles of a mask as text: by name, "handler,legal", or by label,
 * "办案人员、法规部门"; "none" or "无" for none.
 * @param[out] out  cap bytes, NUL-terminated, cut at a whole role.
 * @return out.
 */
const char *entry_roles_text(uint32_t roles, bool zh, char *out, size_t cap);
/**@}*/

#endif
