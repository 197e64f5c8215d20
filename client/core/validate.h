/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * validate.h — what an entry may hold: its structure, checked the same way
 * by the client library before it signs, by liuhend before it accepts, and
 * by liuhen-verify over an export. Structure only; who may append what is
 * accept.h's, and what the regulations want the verifier's rules'.
 */
#ifndef LIUHEN_VALIDATE_H
#define LIUHEN_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "entry.h"

/**
 * Validate the structure of an entry and unpack it.
 *
 * Structure only, never regulation completeness: an INTERFERENCE without a
 * place or content is valid here; the verifier reports it as a finding (R1,
 * docs/regulation.md), because B§3 wants the incomplete record kept, not refused.
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
 *    (kind_opens_case()) and absent for key management; recorded_at
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
int validate_entry(const uint8_t *entry, size_t len, const char *expected_origin,
                   Liuhen__Entry **out, lh_err *err);

/**
 * Whether s is a media type as an attachment's media_type must be (and as
 * validate_entry() checks it): "type/subtype", each an RFC 6838 §4.2
 * restricted-name, optionally followed by ";" and parameters in printable
 * ASCII ("text/plain; charset=utf-8"). The length is not checked here.
 * @param[in] s  NUL-terminated.
 */
bool validate_media_type(const char *s);

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

#endif
